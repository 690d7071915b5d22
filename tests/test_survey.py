"""The survey helpers of lesson 6, on small hand-computed cases."""
from __future__ import annotations

import math

import pandas as pd
import pytest

import aseanai
from aseanai import survey


def _responses(rows):
    cols = ["edition_id", "country_id", "question_id", "answer_id", "share_pct", "weighting", "is_preferred",
            "is_candidate", "evidence_level"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows])


EDITIONS = pd.DataFrame({"edition_id": ["e20", "e24", "e26"], "year": [2020, 2024, 2026],
                         "respondents": [1308, 1994, None]})


def test_forced_choice_computes_a_missing_us_side_and_says_so():
    r = _responses([
        ("e24", "BRN", "forced_choice", "china", 70.1, "country sample", True, False, "corroborated"),
        ("e24", "VNM", "forced_choice", "china", 21.0, "country sample", True, False, "single source"),
        ("e24", "VNM", "forced_choice", "united_states", 79.0, "country sample", True, False, "corroborated"),
        ("e24", "VNM", "forced_choice", "united_states", 79.6, "country sample", False, False, "single source"),
        ("e26", "SGP", "forced_choice", "china", 66.3, "country sample", True, True, "weak"),
        ("e20", "VNM", "forced_choice", "united_states", 85.5, "country sample", True, False, "single source"),
    ])
    fc = survey.forced_choice(r, EDITIONS).set_index(["year", "country_id"])
    assert fc.loc[(2024, "BRN"), "us_pct"] == 29.9 and fc.loc[(2024, "BRN"), "us_computed"]
    assert fc.loc[(2024, "VNM"), "us_pct"] == 79.0, "the preferred value, not 79.6"
    assert not fc.loc[(2024, "VNM"), "us_computed"]
    assert fc.loc[(2024, "VNM"), "evidence_level"] == "single source", "the weaker of the two figures used"
    assert math.isnan(fc.loc[(2020, "VNM"), "cn_pct"]) and fc.loc[(2020, "VNM"), "us_pct"] == 85.5
    assert (2026, "SGP") not in fc.index, "candidates are off by default"
    assert (2026, "SGP") in survey.forced_choice(r, EDITIONS, candidates=True).set_index(["year", "country_id"]).index


def test_sample_sizes_sourced_or_edition_average():
    s = pd.DataFrame({"edition_id": ["e24"], "country_id": ["MYS"], "respondents": [225]})
    n = survey.sample_sizes(s, EDITIONS.iloc[:2], ["MYS", "SGP"]).set_index(["year", "country_id"])
    assert n.loc[(2024, "MYS"), "n"] == 225 and n.loc[(2024, "MYS"), "n_sourced"]
    assert n.loc[(2024, "SGP"), "n"] == 199 and not n.loc[(2024, "SGP"), "n_sourced"]  # 1994 / 10 = 199.4
    assert n.loc[(2020, "SGP"), "n"] == 131  # 1308 / 10


def test_sampling_band_by_hand():
    # Wilson: p = 0.5, n = 100, z = 1.96: centre 0.5, half-width 1.96 * sqrt(0.0025 + 0.00009604) / 1.038416
    low, high = survey.sampling_band(50.0, 100)
    half = 1.96 * math.sqrt(0.25 / 100 + 1.96 ** 2 / (4 * 100 ** 2)) / (1 + 1.96 ** 2 / 100)
    assert low == pytest.approx(50 - 100 * half) and high == pytest.approx(50 + 100 * half)
    assert round(float(low), 1) == 40.4
    low0, high0 = survey.sampling_band(0.0, 26)
    assert low0 == pytest.approx(0) and round(float(high0), 1) == 12.9  # never below zero


def test_spearman_by_hand():
    # ranks (1, 2, 3, 4) against (1, 3, 4, 2): d^2 = 0 + 1 + 1 + 4 = 6, rho = 1 - 6 * 6 / (4 * 15) = 0.4
    assert survey.spearman([24.9, 26.8, 61.5, 83.3], [20, 50, 60, 100 / 3]) == 0.4
    assert survey.spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(0.9486833)  # a tie gets the average rank
    assert math.isnan(survey.spearman([1], [2]))


def test_spearman_values_step_and_count():
    values = survey.spearman_values(4)
    assert len(values) == 11 and values[0] == -1 and values[-1] == 1
    assert [round(b - a, 9) for a, b in zip(values, values[1:])] == [0.2] * 10  # 12 / (4 * 15)
    with pytest.raises(ValueError):
        survey.spearman_values(9)


def test_deeds_measured_states_and_unmeasured_balances_are_missing():
    t = aseanai.load_all()
    d = survey.deeds(t, as_of="2024-02-01")
    assert set(d["member_id"]) == {"BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "VNM"}
    inst = d[d["dimension"] == "instruments"].set_index("member_id")
    assert inst.loc[inst["measured"], "balance"].round(1).to_dict() == {"IDN": 50.0, "MYS": 20.0, "PHL": 33.3,
                                                                         "SGP": 60.0}
    assert inst.loc[~inst["measured"], "balance"].isna().all(), "an unmeasured state is never shown as a number"
    dc = d[(d["dimension"] == "data centres") & d["measured"]]
    assert sorted(dc["member_id"]) == ["MYS", "SGP"]


def test_answer_shares_keeps_words_and_restatements():
    t = aseanai.load_all()
    a = survey.answer_shares(t["survey_responses"], t["survey_editions"], "economic_power")
    cn21 = a[(a["year"] == 2021) & (a["answer_id"] == "china")].set_index("is_restated")["share_pct"]
    assert (cn21[False], cn21[True]) == (76.3, 75.9)
    r = survey.answer_shares(t["survey_responses"], t["survey_editions"], "asean_response")
    assert r.loc[r["year"] == 2020, "share_text"].tolist() == ["nearly half"]
