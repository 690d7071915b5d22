"""Partner mix, own instruments, HHI values and the yes/no tests, against cases worked out by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from aseanai import partners

D = pd.Timestamp


@pytest.fixture
def toy():
    """Five instruments: SGP with the US (2020), Korea twice (2022) and Japan (undated); ASEAN with China (2023)."""
    agreements = pd.DataFrame({
        "agreement_id": ["a", "b", "c", "d", "e"],
        "signed_on": [D("2020-03-23"), D("2022-05-26"), D("2022-12-06"), pd.NaT, D("2023-09-08")],
        "legal_form": ["non-binding"] * 5,
    })
    parties = pd.DataFrame({
        "agreement_id": ["a", "a", "b", "b", "c", "c", "d", "d", "e", "e"],
        "actor_id": ["SGP", "USA", "SGP", "KOR", "SGP", "KOR", "SGP", "JPN", "ASEAN", "CHN"],
        "side": ["asean", "partner"] * 5,
    })
    members = pd.DataFrame({
        "bloc_id": ["ASEAN"] * 3, "member_id": ["SGP", "MYS", "TLS"],
        "joined_on": [D("1967-08-08"), D("1967-08-08"), D("2025-10-26")],
        "left_on": pd.Series([pd.NaT] * 3, dtype="datetime64[s]"),
    })
    return agreements, parties, members


def test_partner_mix_counts_each_instrument_once_per_partner(toy):
    agreements, parties, _ = toy
    mix = partners.partner_mix(agreements, parties)
    # KOR 2 of 5 pairs; CHN, JPN, USA 1 each, in alphabetical order after the largest
    assert mix["partner_id"].tolist() == ["KOR", "CHN", "JPN", "USA"]
    assert mix["pairs"].tolist() == [2, 1, 1, 1]
    assert mix["share"].tolist() == pytest.approx([0.4, 0.2, 0.2, 0.2])


def test_partner_pairs_group_the_two_powers_and_keep_undated_pairs_as_na(toy):
    agreements, parties, _ = toy
    pairs = partners.partner_pairs(agreements, parties).set_index("agreement_id")
    assert pairs.loc["a", "group"] == "United States" and pairs.loc["e", "group"] == "China" and pairs.loc["b", "group"] == "other"
    assert pd.isna(pairs.loc["d", "year"]) and pairs.loc["c", "year"] == 2022


def test_pairs_by_year_fills_empty_years_and_drops_undated(toy):
    agreements, parties, _ = toy
    by_year = partners.pairs_by_year(agreements, parties)
    table = by_year.pivot(index="year", columns="group", values="pairs")
    assert table.index.tolist() == [2020, 2021, 2022, 2023]
    assert table["United States"].tolist() == [1, 0, 0, 0]
    assert table["China"].tolist() == [0, 0, 0, 1]
    assert table["other"].tolist() == [0, 0, 2, 0]  # the two Korean instruments; Japan's is undated
    assert by_year["pairs"].sum() == 4
    assert by_year["group"].unique().tolist() == ["United States", "China", "other"]


def test_pairs_by_year_honours_a_fixed_range(toy):
    agreements, parties, _ = toy
    by_year = partners.pairs_by_year(agreements, parties, years=(2021, 2022))
    assert by_year["year"].unique().tolist() == [2021, 2022]
    assert by_year["pairs"].sum() == 2


def test_own_instruments_lists_every_member_and_ignores_bloc_instruments(toy):
    agreements, parties, members = toy
    own = partners.own_instruments(agreements, parties, members).set_index("member_id")
    assert own["n_own"].to_dict() == {"MYS": 0, "SGP": 4, "TLS": 0}
    assert own["measured"].to_dict() == {"MYS": False, "SGP": True, "TLS": False}
    strict = partners.own_instruments(agreements, parties, members, min_instruments=5)
    assert not strict["measured"].any()


def test_state_diversity_adds_own_count_to_the_diversity_measures(toy):
    agreements, parties, members = toy
    d = partners.state_diversity(agreements, parties, members).set_index("member_id")
    # the ASEAN-China instrument (2023) reaches SGP and MYS, not TLS (joined 2025)
    assert sorted(d.index) == ["MYS", "SGP"]
    # SGP: USA 1, KOR 2, JPN 1, CHN 1 of 5 links; HHI = (1 + 4 + 1 + 1) / 25 = 0.28
    assert d.loc["SGP", "hhi"] == pytest.approx(0.28)
    assert d.loc["SGP", "n_own"] == 4 and bool(d.loc["SGP", "measured"])
    assert d.loc["MYS", "n_own"] == 0 and not bool(d.loc["MYS", "measured"])
    assert d.loc["SGP", "balance"] == pytest.approx(50.0)


def test_selection_runs_stack_one_frame_per_selection(toy):
    agreements, parties, members = toy
    runs = partners.selection_runs({"all": agreements, "no China": agreements[agreements["agreement_id"] != "e"]},
                                   parties, members)
    assert runs.groupby("selection", sort=False).size().to_dict() == {"all": 2, "no China": 1}


def test_partitions_are_the_integer_partitions():
    assert list(partners.partitions(3)) == [[3], [2, 1], [1, 1, 1]]
    assert len(list(partners.partitions(6))) == 11  # p(6) = 11
    assert all(sum(p) == 6 for p in partners.partitions(6))


def test_hhi_norm_values_worked_by_hand():
    # n = 4: [4] -> 1; [3,1] -> HHI 10/16, (10/16 - 1/2) / (1/2) = 0.25; [2,2] -> 0;
    # [2,1,1] -> HHI 6/16, (6/16 - 1/3) / (2/3) = 1/16 = 0.0625; [1,1,1,1] -> 0
    assert partners.hhi_norm_values(4, digits=4) == [0.0, 0.0625, 0.25, 1.0]
    assert partners.hhi_norm_values(2) == [0.0, 1.0]
    with pytest.raises(ValueError):
        partners.hhi_norm_values(0)


def test_holds_over_grid_counts_rows_where_each_conclusion_holds():
    grid = pd.DataFrame({"n_partners": [5, 4, 4], "top_share": [1 / 3, 0.5, 0.4], "n_us": [1.0, 1.0, 1.0],
                         "n_cn": [1.0, 0.0, 0.0], "balance": [50.0, 100.0, 100.0]})
    out = partners.holds_over_grid(grid).set_index("conclusion")
    assert out["holds_in"].tolist() == [3, 2, 1, 1]
    assert out["survives"].tolist() == [True, False, False, False]
    assert (out["of"] == 3).all()


def test_an_undefined_balance_is_not_even():
    grid = pd.DataFrame({"n_partners": [4], "top_share": [0.25], "n_us": [0.0], "n_cn": [0.0],
                         "balance": pd.array([pd.NA], dtype="Float64")})
    out = partners.holds_over_grid(grid).set_index("conclusion")
    assert out.loc["the US-China balance is even (B = 50)", "holds_in"] == 0


def test_holds_by_selection_tests_each_selection_apart():
    runs = pd.DataFrame({
        "selection": ["a", "a", "a", "b", "b"],
        "member_id": ["SGP", "MYS", "IDN", "SGP", "MYS"],
        "measured": [True, True, False, True, True],
        "top_share": [0.3, 0.4, 1.0, 0.3, 0.5],
        "n_us": [1, 1, 0, 1, 0], "n_cn": [1, 1, 1, 0, 1],
    })
    out = partners.holds_by_selection(runs).set_index("conclusion")
    assert out.columns.tolist() == ["a", "b", "survives"]
    # a: SGP both; measured SGP, MYS under half (IDN is not measured); both link to both powers
    assert out["a"].tolist() == [True, True, True]
    # b: SGP lacks China; MYS gives China 0.5 (not under half); neither measured state links to both
    assert out["b"].tolist() == [False, False, False]
    assert out["survives"].tolist() == [False, False, False]


def test_hhi_norm_table_counts_splits_and_values():
    table = partners.hhi_norm_table(5).set_index("instruments")
    # p(5) = 7 splits: [5] 1; [4,1] .36; [3,1,1] .16; [3,2], [2,2,1] and [2,1,1,1] all .04; [1]*5 0 -> 5 values
    assert table["splits"].tolist() == [1, 2, 3, 5, 7]
    assert table.loc[2, "values"] == "0, 1"
    assert table.loc[5, "n_values"] == 5
