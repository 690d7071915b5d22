"""Investment helpers against cases worked out by hand."""
from __future__ import annotations

import math

import pandas as pd
import pytest

import aseanai
from aseanai import investment

D = pd.Timestamp


@pytest.fixture
def toy():
    """Two pledges to the same place on the same day, one restatement, one without an investor."""
    investments = pd.DataFrame({
        "investment_id": ["a", "b", "c", "d", "e"],
        "investor_id": ["acme", "acme", "acme", None, "acme"],
        "recipient_id": ["MYS", "MYS", "MYS", "MYS", "SGP"],
        "investment_type": ["corporate pledge"] * 4 + ["government budget"],
        "purpose": ["AI hub (regional)", "data-centre expansion (Johor)", "AI hub (restated)", "joint venture", "x"],
        "amount": [10e9, 1.5e9, 2.5e9, 20e9, 1e9],
        "amount_qualifier": ["exact", "exact", "more than", "exact", "exact"],
        "currency": ["MYR", "MYR", "USD", "MYR", "SGD"],
        "amount_usd": [2.13e9, None, 2.5e9, 4.3e9, None],
        "announced_on": [D("2024-06-07"), D("2024-06-07"), D("2024-08-01"), D("2023-12-08"), D("2024-02-16")],
        "announced_on_precision": ["day", "day", "month", "day", "day"],
        "restates_id": [None, None, "a", None, None],
    })
    actors = pd.DataFrame({"actor_id": ["acme", "MYS", "SGP", "USA"],
                           "name": ["Acme", "Malaysia", "Singapore", "United States"]})
    origins = pd.DataFrame({"actor_id": ["acme"], "origin_id": ["USA"], "valid_from": [pd.NaT], "valid_to": [pd.NaT],
                            "basis": ["headquarters"]}).astype({"valid_from": "datetime64[s]",
                                                                "valid_to": "datetime64[s]"})
    return investments, actors, origins


def test_pledges_are_told_apart_and_restatements_are_not_counted(toy):
    p = investment.pledges(*toy).set_index("investment_id")
    assert list(p.index) == ["d", "c", "a", "b"]  # by US-dollar value, the unconverted one last; no budget row
    assert p.loc["a", "label"] == "Acme → Malaysia, 2024-06-07, AI hub"
    assert p.loc["b", "label"] == "Acme → Malaysia, 2024-06-07, data-centre expansion"
    assert p.loc["c", "label"] == "Acme → Malaysia, 2024-08"  # the date alone tells it apart
    assert p["counted"].tolist() == [True, False, True, True]
    assert p.loc["c", "restates"] == "Acme → Malaysia, 2024-06-07, AI hub"
    assert pd.isna(p.loc["a", "restates"])
    assert p.loc["d", ["investor", "origin"]].tolist() == ["investor not named", "not stated"]
    assert p.loc["a", "origin"] == "United States"
    assert p.loc["c", "as_announced"] == "more than USD 2.5 bn"


def test_the_bundled_pledges_have_two_restatements_and_no_missing_label():
    t = aseanai.load_all()
    p = investment.pledges(t["investments"], t["actors"], t["company_origins"])
    assert p["label"].is_unique
    assert p["label"].notna().all() and not p["label"].str.contains("nan|<NA>").any()
    assert p.loc[~p["counted"], "investment_id"].tolist() == ["aws_malaysia_2024_restated", "bytedance_malaysia_2026_cumulative"]


def test_growth_from_one_start_to_several_ends():
    d = pd.DataFrame({"investment_id": ["now", "x2", "x4"], "amount_usd": [100.0, 200.0, 400.0],
                      "target_year": [2020, 2021, 2022]})
    g = investment.growth(d, "now", ["x2", "x4"]).set_index("investment_id")
    assert g["years"].tolist() == [1, 2]
    assert g["multiple"].tolist() == [2.0, 4.0]
    assert math.isclose(g.loc["x2", "cagr"], 1.0) and math.isclose(g.loc["x4", "cagr"], 1.0)  # doubling each year


def test_implied_rate_and_amount_as_announced():
    d = pd.DataFrame({"amount": [1e9, 2.55e10, 3e9], "amount_usd": [7.43e8, 6e9, None],
                      "currency": ["SGD", "MYR", "SGD"], "amount_qualifier": ["more than", "exact", "exact"]})
    rate = investment.implied_rate(d)
    assert round(rate.iloc[0], 3) == 0.743 and round(rate.iloc[1], 4) == 0.2353 and pd.isna(rate.iloc[2])
    assert investment.as_announced(d).tolist() == ["more than SGD 1.0 bn", "MYR 25.5 bn", "SGD 3.0 bn"]
