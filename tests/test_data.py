"""What the bundled data must hold: the column's Table 1, the data-centre awards,
the investments, the milestones and the claims register, each with sources.

These are the facts the notebooks stand on; a careless edit of data/ that
breaks one of them fails here with the reason.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

import aseanai
from aseanai.metrics import origin_as_of
from conftest import SEED

TABLE_1 = [  # the column's Table 1, "Agreement" and "Countries Involved", verbatim
    ("ASEAN Digital Economy Framework Agreement (DEFA)", "AMS"),
    ("Australia-Singapore MoU on Cooperation on Artificial Intelligence", "Singapore, Australia"),
    ("Memorandum of Cooperation (MOC) on Digital Government Transformation", "Singapore, Japan"),
    ("ROK-Singapore MoU on Cooperation on Artificial Intelligence", "Singapore, Republic of Korea"),
    ("Korea-Singapore Digital Partnership Agreement (KSDPA)", "Singapore, Republic of Korea"),
    ("US-Singapore Partnership for Growth and Innovation (PGI)", "Singapore, US"),
    ("ASEAN-China MoU on Cooperation in Communications, Digital and Technology (2024-2029)", "ASEAN, China"),
]
NOTEBOOKS = {"00_overview.ipynb", "01_partner_diversity.ipynb", "02_data_centres.ipynb", "03_investment.ipynb",
             "04_governance.ipynb", "05_dominance.ipynb", "06_words_and_deeds.ipynb"}


@pytest.fixture(scope="module")
def t():
    return aseanai.load_all()


def by_id(df, key, value):
    row = df[df[key] == value]
    assert len(row) == 1, f"{key}={value!r}: {len(row)} rows"
    return row.iloc[0]


def test_table_1_is_reproduced_verbatim_in_order(t):
    a = t["agreements"]
    table = a[a["in_column_table"]]
    assert list(zip(table["column_name"], table["column_parties"])) == TABLE_1


def test_defa_concluded_but_not_signed(t):
    defa = by_id(t["agreements"], "agreement_id", "defa")
    assert defa["status"] == "concluded, not signed"
    assert pd.isna(defa["signed_on"]) and pd.isna(defa["in_force_on"])
    assert defa["negotiations_launched_on"] == pd.Timestamp("2023-09-03")
    assert defa["concluded_on"] == pd.Timestamp("2026-05-30")
    assert defa["legal_form"] == "binding"


def test_australia_mou_2020_then_2024(t):
    a = t["agreements"].set_index("agreement_id")
    assert a.loc["au_sg_ai_mou_2020", "signed_on"] == pd.Timestamp("2020-03-23")
    assert a.loc["au_sg_ai_mou_2024", "signed_on"] == pd.Timestamp("2024-12-16")
    assert a.loc["au_sg_ai_mou_2024", "builds_on_id"] == "au_sg_ai_mou_2020"
    assert not a.loc["au_sg_ai_mou_2024", "in_column_table"]


def test_ksdpa_and_pgi_dates(t):
    a = t["agreements"].set_index("agreement_id")
    assert a.loc["ksdpa", "signed_on"] == pd.Timestamp("2022-11-21")
    assert a.loc["ksdpa", "in_force_on"] == pd.Timestamp("2023-01-14")
    assert a.loc["us_sg_pgi", "signed_on"] == pd.Timestamp("2021-10-08")
    assert not a.loc["us_sg_pgi", "is_ai_explicit"]  # AI was not a founding pillar
    assert a.loc["us_sg_ai_mou_2022", "builds_on_id"] == "us_sg_pgi"


def test_asean_china_mou_rests_on_the_column_alone(t):
    row = by_id(t["agreements"], "agreement_id", "asean_china_digital_mou_2024")
    assert row["status"] == "not found"
    assert row["source_ids"] == "column"
    assert pd.isna(row["signed_on"])
    assert not row["is_ai_explicit"]


def test_table_1_parties(t):
    p = t["agreement_parties"]
    parties = p.groupby("agreement_id")["actor_id"].apply(lambda s: sorted(s)).to_dict()
    assert parties["defa"] == ["ASEAN"]
    assert parties["asean_china_digital_mou_2024"] == ["ASEAN", "CHN"]
    assert parties["sg_jp_moc_2022"] == ["JPN", "SGP"]
    assert parties["us_sg_pgi"] == ["SGP", "USA"]


def test_asean_membership_is_dated(t):
    m = t["bloc_members"].set_index("member_id")
    assert len(m) == 11
    assert m.loc["TLS", "joined_on"] == pd.Timestamp("2025-10-26")
    assert (m.loc[["IDN", "MYS", "PHL", "SGP", "THA"], "joined_on"] == pd.Timestamp("1967-08-08")).all()


def test_singapore_2023_awards_two_chinese_backed_two_american(t):
    p, pa = t["dc_projects"], t["dc_project_actors"]
    awards = p[(p["host_id"] == "SGP") & (p["event"] == "award")]
    assert len(awards) == 4
    assert (awards["event_on"] == pd.Timestamp("2023-07-14")).all()
    origins = origin_as_of(t["company_origins"], "2023-07-14").set_index("actor_id")["origin_id"]
    members = pa[pa["project_id"].isin(awards["project_id"])].assign(origin=lambda d: d["actor_id"].map(origins))
    any_chinese = members.groupby("project_id")["origin"].apply(lambda s: "CHN" in set(s)).sum()
    american = members.groupby("project_id")["origin"].apply(lambda s: set(s) == {"USA"}).sum()
    assert (any_chinese, american) == (2, 2)
    consortium = members[members["project_id"] == "sg_dccfa_2023_airtrunk_bytedance"]
    assert sorted(consortium["actor_id"]) == ["airtrunk", "bytedance"]


def test_award_capacity_unknown_is_empty_not_zero(t):
    p = t["dc_projects"].set_index("project_id")
    assert pd.isna(p.loc["sg_dccfa_2023_microsoft", "capacity_mw"])
    assert p.loc["sg_dccfa_2023_equinix", "capacity_mw"] == 20
    assert (t["dc_projects"]["capacity_mw"].dropna() > 0).all()


def test_origins_shift_after_the_award(t):
    then = origin_as_of(t["company_origins"], "2023-07-14").set_index("actor_id")["origin_id"]
    now = origin_as_of(t["company_origins"], None).set_index("actor_id")["origin_id"]
    assert (then["airtrunk"], now["airtrunk"]) == ("AUS", "USA")
    assert (then["dayone"], now["dayone"]) == ("CHN", "SGP")
    assert then["gds"] == now["gds"] == "CHN"


def test_malaysia_named_projects(t):
    p = t["dc_projects"]
    mys = p[p["host_id"] == "MYS"]
    assert {"gds_johor_ntp", "ntt_cbj6", "microsoft_malaysia", "google_elmina"} <= set(mys["facility_id"])
    i = t["investments"].set_index("investment_id")
    assert (i.loc["msft_malaysia_2024", "amount_usd"], i.loc["msft_malaysia_2024", "period_years"]) == (2.2e9, 4)
    assert i.loc["google_malaysia_2024", "amount_usd"] == 2e9


def test_singapore_budget_figure_and_rate(t):
    row = by_id(t["investments"], "investment_id", "sg_budget2024_ai")
    assert (row["amount"], row["currency"], row["amount_qualifier"]) == (1e9, "SGD", "more than")
    assert row["amount"] * row["usd_per_unit"] == pytest.approx(row["amount_usd"])
    assert row["amount_usd"] == row["column_amount_usd"] == 743e6
    assert row["fx_on"] == pd.Timestamp("2024-02-16")
    rd = by_id(t["investments"], "investment_id", "sg_budget2024_rie2025")
    assert "R&D" in rd["purpose"]  # the separate R&D allocation


def test_defa_projection_path(t):
    i = t["investments"].set_index("investment_id")
    assert i.loc["asean_digital_economy_now", "amount_usd"] == 3e11
    assert i.loc["asean_digital_economy_2030_baseline", "amount_usd"] == 1e12
    assert i.loc["asean_digital_economy_2030_defa", "amount_usd"] == 2e12
    assert i.loc["asean_digital_economy_2030_defa", "column_amount_usd"] == 2e12


def test_governance_milestones(t):
    m = t["milestones"].set_index("milestone_id")
    assert m.loc["asean_guide_ai_2024", "happened_on"] == pd.Timestamp("2024-02-02")
    code = m.loc["my_aige_2024"]
    assert (code["planned_on"], code["planned_on_precision"]) == (pd.Timestamp("2024-04-01"), "month")
    assert code["happened_on"] == pd.Timestamp("2024-09-20") and code["status"] == "delivered late"
    assert m.loc["id_ai_regulation_column_2024", "source_ids"].startswith("column")
    assert m.loc["ph_asean_ai_framework_2026", "planned_on"].year == 2026
    strategies = m[m["milestone_type"] == "national strategy"]
    assert {"SGP", "VNM", "MYS", "IDN", "THA", "PHL"} <= set(strategies["actor_id"])


def test_claims_register_is_complete(t):
    c = t["claims"]
    assert len(c) >= 20
    assert set(c["verdict"].dropna()) <= {"supported", "refined", "contradicted", "unverified"}
    assert set(c["discrepancy"].dropna().astype(int)) == set(range(1, 16)), "every fact-sheet discrepancy appears"
    assert set(c["notebook"]) <= NOTEBOOKS
    assert c["source_ids"].str.split(";").map(lambda ids: "column" in ids).all()
    assert (c["claim_id"] == sorted(c["claim_id"])).all()


def _normalise(text: str) -> str:
    for junk in ("](#)", "[", "**", "\\"):
        text = text.replace(junk, "")
    return re.sub(r"\s+", " ", text)


@pytest.mark.skipif(not SEED.exists(), reason=f"the column's text is not beside the repository ({SEED})")
def test_claim_quotes_are_verbatim_and_in_column_order(t):
    column = _normalise(SEED.read_text(encoding="utf-8"))
    positions = []
    for cid, quote in zip(t["claims"]["claim_id"], t["claims"]["quote"]):
        pos = column.find(_normalise(quote))
        assert pos >= 0, f"{cid}: quote not found verbatim in the column"
        positions.append(pos)
    assert positions == sorted(positions)


def test_every_source_is_cited_and_every_url_is_absolute(t):
    s = t["sources"]
    cited = set()
    for name, df in t.items():
        if "source_ids" in df:
            cited |= set(df["source_ids"].str.split(";").explode())
    assert set(s["source_id"]) - cited == set(), "sources listed but never cited"
    urls = s["url"].dropna()
    assert urls.str.match(r"^https?://").all()
    assert s.loc[s["url"].isna(), "source_id"].tolist() == ["column"]


def test_provenance_files_named_in_sources_exist(t):
    from conftest import REPO

    refs = t["sources"]["fact_sheet"].dropna()
    local = refs[refs.str.startswith("docs/")].str.split(" ").str[0]
    assert len(local) > 0
    for path in set(local):
        assert (REPO / path).is_file(), path


FACT_SHEETS = [SEED.parents[1] / n for n in ("facts.md", "facts-2.md", "facts-extended.md", "facts-survey.md")]


@pytest.mark.skipif(not all(p.exists() for p in FACT_SHEETS), reason="the fact sheets are not beside the repository")
def test_every_url_is_traceable_to_a_fact_sheet_or_provenance_log(t):
    from conftest import REPO

    text = "".join(p.read_text(encoding="utf-8") for p in FACT_SHEETS)
    text += "".join(p.read_text(encoding="utf-8") for p in (REPO / "docs" / "provenance").glob("*.md"))
    untraced = [u for u in t["sources"]["url"].dropna() if u not in text]
    assert untraced == [], "addresses found in no fact sheet or provenance log"


# ---------------------------------------------------------------- the ISEAS survey (facts-survey.md)


def _figure(t, year, country, question, answer, weighting=None):
    r = t["survey_responses"]
    mask = (r["edition_id"] == f"sosea_{year}") & (r["country_id"] == country) & (r["question_id"] == question) \
        & (r["answer_id"] == answer)
    if weighting is not None:
        mask &= r["weighting"] == weighting
    return r[mask]


def test_survey_disputes_keep_both_values_and_prefer_one(t):
    vn = _figure(t, 2024, "VNM", "forced_choice", "united_states").set_index("share_pct")
    assert sorted(vn.index) == [79.0, 79.6]
    assert vn.loc[79.0, "is_preferred"] and not vn.loc[79.6, "is_preferred"]
    assert "79.0" in vn.loc[79.6, "note"], "the value not used says why"
    asean = _figure(t, 2024, "ASEAN", "forced_choice", "united_states")
    assert asean.loc[asean["is_preferred"], "share_pct"].tolist() == [49.5]


def test_survey_2021_totals_first_published_and_restated(t):
    cn = _figure(t, 2021, "ASEAN", "economic_power", "china").set_index("weighting")["share_pct"]
    assert cn.to_dict() == {"before equal weights": 76.3, "equal country weights": 75.9}
    pol = _figure(t, 2021, "ASEAN", "political_power", "china").set_index("is_restated")["share_pct"]
    assert (pol[False], pol[True]) == (49.1, 49.8)


def test_survey_side_no_source_states_is_absent_not_computed(t):
    assert _figure(t, 2024, "BRN", "forced_choice", "united_states").empty  # only China's 70.1 is stated
    assert _figure(t, 2024, "BRN", "forced_choice", "china")["share_pct"].tolist() == [70.1]
    assert _figure(t, 2020, "VNM", "forced_choice", "china").empty  # the source is cut off


def test_survey_2026_is_weak_and_off_by_default(t):
    r = t["survey_responses"]
    y2026 = r[r["edition_id"] == "sosea_2026"]
    assert len(y2026) == 12 and y2026["is_candidate"].all()
    assert set(y2026["evidence_level"]) == {"weak"}
    assert not r.loc[r["edition_id"] != "sosea_2026", "is_candidate"].any()


def test_survey_editions_and_samples(t):
    e = t["survey_editions"].set_index("year")
    assert e.loc[2024, "respondents"] == 1994 and e.loc[2024, "published_on"] == pd.Timestamp("2024-04-02")
    assert e.loc[2021, "asean_weighting"] == "before equal weights" and e.loc[2022, "asean_weighting"] == "equal country weights"
    s = t["survey_samples"].set_index(["edition_id", "country_id"])["respondents"]
    assert (s[("sosea_2021", "KHM")], s[("sosea_2021", "VNM")]) == (26, 175)


# ---------------------------------------------------------------- provenance of the sources (issue 11)


def test_a_source_without_its_title_says_why(t):
    """A bracketed title is never mistaken for a page's title: it starts with the reason there is none."""
    titles = t["sources"].set_index("source_id")["title"]
    bracketed = titles[titles.str.startswith("[")]
    real = {"taypartners_2024_10_aige"}  # the page's own title starts with "[IP Alert]"
    unexplained = [s for s, v in bracketed.items() if s not in real and not v.startswith("[no title: ")]
    assert unexplained == [], "a bracketed title must start with '[no title: <why>]'"
    reasons = bracketed.drop(list(real)).str.extract(r"^\[no title: ([^\]]+)\]")[0]
    assert reasons.notna().all() and (reasons.str.len() > 10).all(), "each says why in words"

