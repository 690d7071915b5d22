"""The dominance summary against cases worked out by hand."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from aseanai import dimensions
from aseanai.metrics import us_china


def _rows(host, dimension, origins, values=None):
    values = [1.0] * len(origins) if values is None else values
    return pd.DataFrame({"host": host, "dimension": dimension, "item": [f"i{k}" for k in range(len(origins))],
                         "actor": "x", "origin": pd.array(origins, dtype="string"), "value": values})


@pytest.fixture
def toy():
    return pd.concat([
        # 2 of 3 (a shared facility splits 0.5/0.5): USA holds 2/3
        _rows("SGP", "data centres", ["USA", "USA", "CHN", "AUS"], [1.0, 1.0, 0.5, 0.5]),
        # JPN holds exactly one half: not dominated, and a single added item flips it
        _rows("SGP", "agreements", ["USA", "CHN", "JPN", "JPN"]),
        # USD 3 bn of 4 bn; the pledge without an origin counts in neither total nor balance
        _rows("SGP", "investment", ["USA", "CHN", None], [3e9, 1e9, 5e9]),
        # CHN 3 of 4
        _rows("MYS", "agreements", ["CHN", "CHN", "CHN", "USA"]),
        # CHN 2 of 5: the leader must add more than 1 item, so 2
        _rows("MYS", "data centres", ["CHN", "CHN", "USA", "JPN", "KOR"]),
    ], ignore_index=True)


def test_every_host_meets_every_dimension_in_the_order_given(toy):
    s = dimensions.summary(toy, hosts=["SGP", "MYS"])
    assert list(zip(s["host"], s["dimension"])) == [(h, d) for h in ["SGP", "MYS"] for d in dimensions.DIMENSIONS]
    assert dimensions.summary(toy)["host"].drop_duplicates().tolist() == ["MYS", "SGP"]  # default: sorted


def test_shares_verdicts_and_what_flips_them(toy):
    s = dimensions.summary(toy, hosts=["SGP", "MYS"]).set_index(["host", "dimension"])
    dc = s.loc[("SGP", "data centres")]
    assert (dc["verdict"], dc["top_origin"], dc["top_share"]) == ("dominated", "USA", pytest.approx(2 / 3))
    assert dc["margin"] == pytest.approx(1.0)  # 2 / (3 + 1) = 1/2: one more item from elsewhere
    assert dc["to_flip"] == "1 item"
    ag = s.loc[("SGP", "agreements")]
    assert (ag["verdict"], ag["top_origin"], ag["top_share"], ag["margin"]) == ("not dominated", "JPN", 0.5, 0.0)
    assert ag["to_flip"] == "1 item" and bool(ag["one_row_flips"])
    inv = s.loc[("SGP", "investment")]
    assert inv["total"] == 4e9 and inv["top_share"] == 0.75
    assert inv["margin"] == pytest.approx(2e9)  # 3 / (4 + 2) = 1/2
    assert inv["to_flip"] == "at least USD 2.0 bn"
    assert s.loc[("MYS", "agreements"), "to_flip"] == "2 items"  # 3 / (4 + 2) = 1/2
    my_dc = s.loc[("MYS", "data centres")]
    assert my_dc["margin"] == pytest.approx(1.0)  # (2 + v) / (5 + v) > 1/2  <=>  v > 1
    assert (my_dc["verdict"], my_dc["to_flip"]) == ("not dominated", "2 items")


def test_a_cell_without_items_says_no_data_and_carries_no_numbers(toy):
    s = dimensions.summary(toy, hosts=["SGP", "MYS"]).set_index(["host", "dimension"])
    empty = s.loc[("SGP", "tech presence")]
    assert empty["verdict"] == "no data"
    assert pd.isna(empty["dominated"]) and pd.isna(empty["to_flip"])
    assert math.isnan(empty["top_share"]) and math.isnan(empty["balance"])
    assert (s["verdict"] == "no data").sum() == 3  # SGP and MYS tech presence, MYS investment


def test_the_balance_is_the_library_us_china_weighting(toy):
    s = dimensions.summary(toy, hosts=["SGP", "MYS"]).set_index(["host", "dimension"])
    assert s.loc[("SGP", "data centres"), "balance"] == pytest.approx(80.0)  # 2 / (2 + 0.5)
    assert s.loc[("SGP", "investment"), "balance"] == pytest.approx(75.0)  # 3 / (3 + 1), the unknown left out
    assert s.loc[("MYS", "agreements"), "balance"] == pytest.approx(25.0)
    ref = us_china(toy, by=["host", "dimension"], value="value").set_index(["host", "dimension"])["balance"]
    for key, b in ref.items():
        assert s.loc[key, "balance"] == pytest.approx(float(b))


def test_the_threshold_is_strict(toy):
    s = dimensions.summary(toy, hosts=["SGP"], threshold=2 / 3).set_index("dimension")
    dc = s.loc["data centres"]
    assert dc["verdict"] == "not dominated"  # 2/3 is not more than 2/3
    assert dc["to_flip"] == "1 item"
    assert s.loc["investment", "verdict"] == "dominated"  # 3/4 > 2/3


def test_coding_runs_stack_the_choices_in_order_and_changes_are_found(monkeypatch, toy):
    def fake_items(t, *, drop=()):
        return toy[~toy["item"].isin(list(drop)) | (toy["host"] != "MYS") | (toy["dimension"] != "agreements")]

    monkeypatch.setattr(dimensions, "items", fake_items)
    runs = dimensions.coding_runs({}, {"z as coded": {}, "a without one": {"drop": ("i0", "i1")}}, hosts=["MYS"])
    assert runs["choice"].cat.categories.tolist() == ["z as coded", "a without one"]
    assert len(runs) == 2 * len(dimensions.DIMENSIONS)
    changed = dimensions.changed_verdicts(runs)
    # MYS agreements: CHN 3 of 4 (dominated), then CHN 1 of 2 (not dominated)
    assert changed.to_dict("records") == [{"host": "MYS", "dimension": "agreements", "z as coded": "dominated",
                                           "a without one": "not dominated"}]


def test_no_data_against_data_counts_as_a_change():
    runs = pd.DataFrame({"choice": ["a", "b"], "host": "SGP", "dimension": "agreements",
                         "verdict": ["no data", "not dominated"]})
    assert len(dimensions.changed_verdicts(runs)) == 1


def test_who_must_add_names_every_tied_leader():
    d = pd.concat([_rows("SGP", "agreements", ["USA", "CHN"]), _rows("SGP", "investment", ["USA", "USA", "CHN"])])
    s = dimensions.summary(d).set_index("dimension")
    assert s.loc["agreements", "flip_by"] == "CHN, USA"  # either one adding an item tips it past one half
    assert s.loc["investment", "flip_by"] == "another origin"
