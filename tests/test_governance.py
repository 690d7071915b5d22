"""Governance helpers against cases worked out by hand (dates at day, month and year precision)."""
from __future__ import annotations

import pandas as pd
import pytest

from aseanai import governance

D = pd.Timestamp


@pytest.fixture
def milestones():
    """Five rows shaped like the data: a late delivery, a missed month target, a year target, no target, a strategy."""
    return pd.DataFrame({
        "milestone_id": ["my_code", "id_col", "id_year", "id_nodate", "my_rmap"],
        "actor_id": ["MYS", "IDN", "IDN", "IDN", "MYS"],
        "title": ["AI code", "Rules by end-2024", "Perpres before 2026", "PP, no date", "AI Roadmap"],
        "milestone_type": ["guidelines", "regulation", "regulation", "regulation", "national strategy"],
        "announced_on": [D("2024-03-08"), pd.NaT, D("2024-01-01"), D("2024-03-01"), pd.NaT],
        "planned_on": [D("2024-04-01"), D("2024-12-01"), D("2025-01-01"), pd.NaT, pd.NaT],
        "planned_on_precision": ["month", "month", "year", None, None],
        "happened_on": [D("2024-09-20"), pd.NaT, pd.NaT, pd.NaT, D("2021-01-01")],
        "happened_on_precision": ["day", None, None, None, "year"],
        "status_as_of": [D("2024-10-01"), D("2025-09-17"), D("2025-09-17"), D("2025-09-17"), D("2024-07-22")],
        "source_ids": ["column;cna;tay", "column;jp", "expat;jp", "onetechno;jp", "column;mida"],
    })


@pytest.fixture
def sources():
    return pd.DataFrame({
        "source_id": ["column", "cna", "tay", "jp", "expat", "onetechno", "mida"],
        "published_on": [pd.NaT, D("2023-10-11"), D("2024-10-01"), D("2025-09-17"), D("2024-01-01"),
                         D("2024-03-01"), D("2024-07-22")],
        "published_on_precision": [None, "day", "month", "day", "month", "month", "day"],
    })


def test_deadlines_are_the_last_day_a_target_allows(milestones):
    got = governance.deadlines(milestones)
    # "by April 2024" -> 30 April; "by Dec 2024" -> 31 Dec; "2025" (before 2026) -> 31 Dec 2025; no target -> missing
    assert got.iloc[:3].tolist() == [D("2024-04-30"), D("2024-12-31"), D("2025-12-31")]
    assert got.iloc[3:].isna().all()


def test_malaysia_delay_counts_from_the_end_of_april(milestones):
    row = milestones.iloc[0]
    deadline = governance.deadlines(milestones).iloc[0]
    # 20 Sep 2024 - 30 Apr 2024: May 31 + Jun 30 + Jul 31 + Aug 31 + 20 = 143
    assert (row["happened_on"] - deadline).days == 143
    # and from 1 April, 29 days more (1 Apr -> 30 Apr)
    assert (row["happened_on"] - row["planned_on"]).days == 172


def test_missed_only_when_undelivered_and_reported_after_the_deadline(milestones):
    # id_col: deadline 2024-12-31 < 2025-09-17 and nothing delivered -> missed;
    # id_year: deadline 2025-12-31 still ahead on 2025-09-17; id_nodate: no deadline; my_code: delivered (late)
    assert governance.missed(milestones).tolist() == [False, True, False, False, False]


def test_missed_accepts_a_deadline_computed_elsewhere(milestones):
    later = pd.Series([pd.NaT, D("2026-01-31"), pd.NaT, pd.NaT, pd.NaT])
    assert not governance.missed(milestones, later).any()


def test_status_as_of_takes_the_precision_of_the_source_dated_that_day(milestones, sources):
    got = governance.as_of_precision(milestones, sources)
    # tay (month) dates my_code; jp (day) the Indonesian rows; mida (day) the roadmap
    assert got.tolist() == ["month", "day", "day", "day", "day"]
    moved = milestones.assign(status_as_of=[D("2024-01-01")] * 5)
    # only id_year cites a source (expat, month) dated 2024-01-01; the others fall back to day
    assert governance.as_of_precision(moved, sources).tolist() == ["day", "day", "month", "day", "day"]


def test_labels_use_state_names_and_bloc_codes():
    actors = pd.DataFrame({"actor_id": ["IDN", "ASEAN"], "actor_type": ["state", "bloc"],
                           "name": ["Indonesia", "Association of Southeast Asian Nations"]})
    m = pd.DataFrame({"actor_id": ["IDN", "ASEAN"], "title": ["Stranas KA 2020-2045", "Guide on AI Governance"]})
    # shorten cuts back to the last whole word within 11 characters: "Guide on AI" -> "Guide on…"
    assert governance.labels(m, actors, width=11).tolist() == ["Indonesia: Stranas KA…", "ASEAN: Guide on…"]


def test_first_strategy_per_state_with_both_ends_of_its_date():
    m = pd.DataFrame({
        "milestone_id": ["ph2", "ph1", "my", "th"],
        "actor_id": ["PHL", "PHL", "MYS", "THA"],
        "milestone_type": ["national strategy"] * 4,
        "happened_on": [D("2024-07-03"), D("2021-05-05"), D("2021-01-01"), D("2022-07-26")],
        "happened_on_precision": ["day", "day", "year", "day"],
    })
    f = governance.first_strategies(m, ["MYS", "PHL", "VNM"])
    assert f.index.tolist() == ["MYS", "PHL"]  # Viet Nam has none here: left out, not an error
    assert f["milestone_id"].tolist() == ["my", "ph1"]
    assert f["latest"].tolist() == [D("2021-12-31"), D("2021-05-05")]


def test_five_year_window_includes_both_ends():
    written = D("2024-02-01")
    e = pd.Series([D("2019-02-01"), D("2019-01-31"), D("2024-02-01"), D("2024-01-01")])
    l = pd.Series([D("2019-02-01"), D("2019-01-31"), D("2024-02-01"), D("2024-12-31")])
    # exactly five years back: in; one day more: out; the writing day: in; a year that may end after it: out
    assert governance.within_years(e, l, written).tolist() == [True, False, True, False]


def test_writing_range_matches_the_window_test_at_its_edges():
    e = pd.Series([D("2020-08-10"), D("2021-01-01"), D("2022-08-01")])
    l = pd.Series([D("2020-08-10"), D("2021-12-31"), D("2022-08-31")])
    lo, hi = governance.writing_range(e, l)
    assert (lo, hi) == (D("2022-08-31"), D("2025-08-10"))
    for w, ok in [(lo, True), (hi, True), (lo - pd.Timedelta(days=1), False), (hi + pd.Timedelta(days=1), False)]:
        assert governance.within_years(e, l, w).all() == ok, w


def test_timeline_marks_follow_the_rows_as_drawn(milestones):
    data = milestones.assign(label=governance.labels(
        milestones, pd.DataFrame({"actor_id": ["MYS", "IDN"], "name": ["Malaysia", "Indonesia"],
                                  "actor_type": ["state", "state"]})),
        deadline=governance.deadlines(milestones))
    marks = governance.announcement_marks(data)
    assert marks["y"].tolist() == [0, 2, 3]
    assert marks["x"].tolist() == [D("2024-03-08"), D("2024-01-01"), D("2024-03-01")]
    seg = governance.overdue_segments(data, governance.missed(data))
    assert seg.to_dict("list") == {"y": [1], "start": [D("2024-12-31")], "end": [D("2025-09-17")]}


def test_decorate_draws_on_the_given_axes_and_keeps_the_timeline_legend(milestones):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from aseanai import plot

    data = milestones.assign(label=milestones["title"], deadline=governance.deadlines(milestones))
    fig, (ax, other) = plt.subplots(1, 2)
    plot.timeline(data, x="happened_on", y="label", hue="milestone_type", planned="deadline", ax=ax,
                  palette=governance.TYPE_COLORS)
    before = [t.get_text() for t in ax.get_legend().get_texts()]
    out = governance.decorate(ax, data, (D("2024-02-01"), D("2024-04-30")), late=governance.missed(data))
    assert out is ax
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[:len(before)] == before
    assert texts[len(before):] == ["target stated", "overdue at latest source", "column written (assumed window)"]
    assert other.get_legend() is None and not other.lines
    plt.close(fig)
