"""Metrics against cases worked out by hand."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import aseanai
from aseanai import metrics
from aseanai.metrics import balance, concentration, diversity, dominance, expand_blocs, partner_links, partner_shares

D = pd.Timestamp


@pytest.fixture
def members():
    return pd.DataFrame({
        "bloc_id": ["ASEAN"] * 3,
        "member_id": ["SGP", "MYS", "TLS"],
        "joined_on": [D("1967-08-08"), D("1967-08-08"), D("2025-10-26")],
        "left_on": pd.Series([pd.NaT] * 3, dtype="datetime64[s]"),
    })


@pytest.fixture
def toy():
    agreements = pd.DataFrame({
        "agreement_id": ["a", "b", "c", "d"],
        "signed_on": [D("2024-01-01"), D("2021-10-08"), pd.NaT, D("2022-05-26")],
        "legal_form": ["non-binding", "binding", "binding", "non-binding"],
    })
    parties = pd.DataFrame({
        "agreement_id": ["a", "a", "b", "b", "c", "d", "d"],
        "actor_id": ["ASEAN", "CHN", "SGP", "USA", "ASEAN", "SGP", "JPN"],
        "side": ["asean", "partner", "asean", "partner", "asean", "asean", "partner"],
    })
    return agreements, parties


def test_concentration_single_partner():
    assert concentration([1.0]) == {"n_partners": 1, "hhi": 1.0, "hhi_norm": 1.0, "effective_partners": 1.0,
                                    "entropy": 0.0, "top_share": 1.0}


def test_concentration_two_even_partners():
    c = concentration([0.5, 0.5])
    assert c["hhi"] == 0.5 and c["hhi_norm"] == 0.0 and c["effective_partners"] == 2.0
    assert c["entropy"] == pytest.approx(math.log(2))


def test_concentration_half_quarter_quarter():
    # HHI = .25 + .0625 + .0625 = .375; normalised (.375 - 1/3) / (2/3) = .0625
    c = concentration(pd.Series([2, 1, 1]))  # raw counts are normalised to shares
    assert c["hhi"] == pytest.approx(0.375)
    assert c["hhi_norm"] == pytest.approx(0.0625)
    assert c["effective_partners"] == pytest.approx(8 / 3)
    assert c["entropy"] == pytest.approx(-(0.5 * math.log(0.5) + 0.5 * math.log(0.25)))
    assert c["top_share"] == 0.5


def test_concentration_empty_is_undefined():
    c = concentration([])
    assert c["n_partners"] == 0 and math.isnan(c["hhi"])


def test_balance_scalars_and_undefined():
    assert balance(1, 3) == 25.0
    assert balance(0, 2) == 0.0
    assert balance(4, 0) == 100.0
    assert math.isnan(balance(0, 0))  # undefined, not 50


def test_balance_series_keeps_index_and_na():
    b = balance(pd.Series([1, 0], index=["x", "y"]), pd.Series([1, 0], index=["x", "y"]))
    assert b.index.tolist() == ["x", "y"]
    assert b["x"] == 50.0 and pd.isna(b["y"])


def test_expand_blocs_respects_joining_date(members):
    before = expand_blocs(pd.Series(["ASEAN"]), members, D("2024-01-01"))
    today = expand_blocs(pd.Series(["ASEAN"]), members, None)
    assert before["member_id"].tolist() == ["MYS", "SGP"]
    assert today["member_id"].tolist() == ["MYS", "SGP", "TLS"]


def test_expand_blocs_keeps_states_and_rows(members):
    out = expand_blocs(pd.Series(["CHN", "ASEAN"]), members, pd.Series([D("2020-01-01"), D("2020-01-01")]))
    assert out[["row", "member_id"]].values.tolist() == [[0, "CHN"], [1, "MYS"], [1, "SGP"]]


def test_partner_links_expanded(toy, members):
    agreements, parties = toy
    links = partner_links(agreements, parties, members)
    got = set(map(tuple, links[["agreement_id", "member_id", "partner_id"]].values.tolist()))
    # a: ASEAN (MYS, SGP in 2024; TLS not yet) x CHN; b: SGP x USA; c: no partner -> no link; d: SGP x JPN
    assert got == {("a", "MYS", "CHN"), ("a", "SGP", "CHN"), ("b", "SGP", "USA"), ("d", "SGP", "JPN")}
    assert (links["weight"] == 1).all()


def test_partner_links_not_expanded_keeps_the_bloc(toy):
    agreements, parties = toy
    links = partner_links(agreements, parties, expand=False)
    assert ("a", "ASEAN", "CHN") in set(map(tuple, links[["agreement_id", "member_id", "partner_id"]].values.tolist()))


def test_partner_links_weighted_by_legal_form(toy, members):
    agreements, parties = toy
    links = partner_links(agreements, parties, members, weight={"legal_form": {"binding": 2, "non-binding": 1}})
    w = dict(zip(links["agreement_id"] + links["member_id"], links["weight"]))
    assert w["bSGP"] == 2 and w["dSGP"] == 1


def test_partner_links_unknown_weight_is_an_error(toy, members):
    agreements, parties = toy
    with pytest.raises(ValueError, match="no value for"):
        partner_links(agreements, parties, members, weight={"legal_form": {"binding": 2}})


def test_partner_shares_sum_to_one():
    links = pd.DataFrame({"member_id": ["SGP", "SGP", "SGP", "MYS"], "partner_id": ["USA", "USA", "CHN", "JPN"],
                          "weight": 1.0})
    s = partner_shares(links)
    assert s.groupby("member_id")["share"].sum().tolist() == [1.0, 1.0]
    assert s.loc[(s.member_id == "SGP") & (s.partner_id == "USA"), "share"].item() == pytest.approx(2 / 3)


def test_diversity_table(toy, members):
    agreements, parties = toy
    d = diversity(partner_links(agreements, parties, members)).set_index("member_id")
    # SGP: CHN, USA, JPN once each -> HHI 1/3, normalised 0, balance 50
    assert d.loc["SGP", "n_instruments"] == 3
    assert d.loc["SGP", "n_partners"] == 3
    assert d.loc["SGP", "hhi"] == pytest.approx(1 / 3)
    assert d.loc["SGP", "hhi_norm"] == pytest.approx(0.0)
    assert d.loc["SGP", "balance"] == 50.0
    # MYS: CHN only -> fully concentrated, balance 0
    assert d.loc["MYS", "hhi_norm"] == 1.0 and d.loc["MYS", "balance"] == 0.0


def test_diversity_balance_undefined_without_us_or_china():
    links = pd.DataFrame({"agreement_id": ["x"], "member_id": ["SGP"], "partner_id": ["AUS"], "weight": 1.0})
    assert pd.isna(diversity(links).loc[0, "balance"])


def test_dominance_counts_and_values():
    d = pd.DataFrame({"host": ["SGP"] * 4 + ["MYS"] * 2, "origin": ["USA", "USA", "CHN", "AUS", "CHN", "JPN"],
                      "mw": [20, np.nan, 20, 20, 54, 22]})
    by_count = dominance(d, by="host", origin="origin").set_index("host")
    assert by_count.loc["SGP", "top_origin"] == "USA" and by_count.loc["SGP", "top_share"] == 0.5
    assert by_count.loc["MYS", "tied"]  # one each: a tie, broken alphabetically
    assert by_count.loc["MYS", "top_origin"] == "CHN"
    by_mw = dominance(d, by="host", origin="origin", value="mw").set_index("host")
    # unknown MW is not counted as zero capacity for anyone: SGP 20/20/20 -> tie at 1/3
    assert by_mw.loc["SGP", "top_share"] == pytest.approx(1 / 3) and by_mw.loc["SGP", "tied"]
    assert by_mw.loc["MYS", "top_share"] == pytest.approx(54 / 76)


def test_select_instruments_by_coverage_candidates_and_evidence():
    from aseanai.metrics import select_instruments

    a = pd.DataFrame({"agreement_id": list("abcde"), "in_column_table": [True, True, False, False, False],
                      "is_candidate": [False, False, False, True, False],
                      "evidence_level": ["official", "column only", "secondary", "official", "weak"]})
    ids = lambda df: list(df["agreement_id"])  # noqa: E731
    assert ids(select_instruments(a)) == ["a", "b", "c", "e"]  # candidates out by default
    assert ids(select_instruments(a, candidates=True)) == list("abcde")
    assert ids(select_instruments(a, coverage="table1")) == ["a", "b"]
    assert ids(select_instruments(a, evidence=("official",))) == ["a"]
    with pytest.raises(ValueError):
        select_instruments(a, coverage="table 1")


def test_us_china_is_the_one_weighting_and_leaves_balance_undefined_without_either():
    d = pd.DataFrame({"host": ["SGP", "SGP", "SGP", "MYS", "IDN"], "origin": ["USA", "CHN", "AUS", "JPN", "CHN"],
                      "w": [2.0, 1.0, 5.0, 1.0, 1.0]})
    out = metrics.us_china(d, by="host", value="w").set_index("host")
    assert out.loc["SGP", ["n_us", "n_cn"]].tolist() == [2.0, 1.0]
    assert round(out.loc["SGP", "balance"], 3) == 66.667
    assert pd.isna(out.loc["MYS", "balance"]) and out.loc["IDN", "balance"] == 0
    whole = metrics.us_china(d)  # no grouping, rows counted
    assert whole[["n_us", "n_cn"]].iloc[0].tolist() == [1.0, 2.0]


def test_diversity_balance_comes_from_us_china():
    links = pd.DataFrame({"agreement_id": list("abc"), "member_id": ["SGP"] * 3, "partner_id": ["USA", "CHN", "CHN"],
                          "weight": [1.0, 1.0, 1.0]})
    row = metrics.diversity(links).iloc[0]
    assert (row["n_us"], row["n_cn"]) == (1.0, 2.0) and round(row["balance"], 3) == 33.333


def test_consortium_tally_counts_a_mixed_consortium_both_ways():
    o = pd.DataFrame({"project_id": ["a", "a", "b", "c", "c"], "origin_id": ["AUS", "CHN", "USA", "USA", "SGP"],
                      "weight": [0.5, 0.5, 1.0, 0.7, 0.3]})
    out = metrics.consortium_tally(o).set_index("origin")
    assert out.loc["CHN", "fractional"] == 0.5 and out.loc["CHN", "any_CHN"] == 1
    assert out.loc["USA", "fractional"] == 1.7 and out.loc["USA", "any_CHN"] == 2  # c goes to its largest backer
    assert out.loc["AUS", "any_CHN"] == 0 and out.loc["SGP", "any_CHN"] == 0
    assert out["any_CHN"].sum() == 3  # one label per project


def test_period_end_gives_the_last_possible_day():
    d = pd.Series(pd.to_datetime(["2024-02-01", "2024-01-01", "2024-09-20", None]))
    out = metrics.period_end(d, pd.Series(["month", "year", "day", "month"]))
    assert out.dt.strftime("%Y-%m-%d").tolist()[:3] == ["2024-02-29", "2024-12-31", "2024-09-20"]
    assert pd.isna(out.iloc[3])


def test_select_instruments_counts_an_evidence_level_added_to_the_contract():
    a = aseanai.load("agreements").head(3).copy()
    a["evidence_level"] = a["evidence_level"].cat.add_categories(["peer reviewed"])
    a.loc[a.index[0], "evidence_level"] = "peer reviewed"
    a["is_candidate"] = False
    assert len(metrics.select_instruments(a)) == 3  # the default keeps every level, a new one included
    assert len(metrics.select_instruments(a, evidence=("peer reviewed",))) == 1
    with pytest.raises(ValueError, match="unknown evidence level"):
        metrics.select_instruments(a, evidence=("rumour",))


def test_evidence_levels_are_read_from_the_data_contract():
    import json

    from conftest import DATA

    desc = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    field = next(f for r in desc["resources"] if r["name"] == "agreements"
                 for f in r["schema"]["fields"] if f["name"] == "evidence_level")
    assert metrics.EVIDENCE_LEVELS == tuple(field["constraints"]["enum"])


@pytest.mark.parametrize("columns", [["a", "b"], ["c", "d", "a"], ["b", "c"], ["a", "c", "b", "d"], ["d"], ["e", "b"]])
def test_the_quick_sort_orders_rows_as_pandas_does(columns):
    """metrics sorts long frames with numpy.lexsort; the order must be pandas' (missing last, ties in row order)."""
    from aseanai.metrics import _sorted

    rng = np.random.default_rng(20261129)
    for _ in range(50):
        n = int(rng.integers(0, 60))
        f = pd.DataFrame({"a": pd.array(rng.choice(["x", "y", "z", None], n), dtype="string"),
                          "b": rng.choice([1.0, 2.0, np.nan], n), "c": rng.integers(0, 3, n),
                          "d": rng.choice(["p", "q", None], n).astype(object), "id": np.arange(n),
                          "e": pd.array(rng.choice([1, 2, None], n), dtype="Int64")})
        expected = f.sort_values(columns, kind="stable")  # stable: pandas' multi-column sort is, a single one is not
        assert _sorted(f, columns)["id"].tolist() == expected["id"].tolist()
