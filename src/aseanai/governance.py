"""Governance milestones: row labels, deadlines, missed targets and the "past five years" test.

The governance lessons (``04_governance``, ``04b_governance_five_years``) compare
dates known to different precisions: a target "by April" allows all of April, a
strategy dated only to "2021" may be any day of that year. Everything here works
on the ``milestones`` table and keeps both ends of a partial date in view.

The one function that draws, :func:`decorate`, draws only on the Axes it is
given and imports matplotlib when called, so ``import aseanai.governance``
stays light.
"""
from __future__ import annotations

import pandas as pd

from .display import shorten
from .metrics import period_end

__all__ = ["TYPE_COLORS", "ANNOUNCED_COLOR", "WINDOW_COLOR", "OVERDUE_COLOR", "labels", "deadlines",
           "as_of_precision", "missed", "first_strategies", "within_years", "writing_range", "row_positions",
           "announcement_marks", "overdue_segments", "decorate"]

#: One colour per kind of milestone (Okabe-Ito, colour-blind safe; not the origin-country colours).
TYPE_COLORS: dict[str, str] = {"national strategy": "#009E73", "guidelines": "#E69F00", "regulation": "#CC79A7",
                               "regional guide": "#56B4E9", "regional framework": "#0072B2"}
#: The small bar on the day a target was stated.
ANNOUNCED_COLOR = "#777777"
#: The shaded window in which the column was written.
WINDOW_COLOR = "#dddddd"
#: The dashed line from a missed deadline to the latest source that still reports no delivery.
OVERDUE_COLOR = "#888888"


def labels(milestones: pd.DataFrame, actors: pd.DataFrame, *, width: int = 40) -> pd.Series:
    """A row label per milestone: the actor's name (a bloc's code, e.g. "ASEAN") and the title, shortened.

    Parameters
    ----------
    milestones : DataFrame
        With ``actor_id`` and ``title``.
    actors : DataFrame
        The ``actors`` table (``actor_id``, ``name``, ``actor_type``).
    width : int
        Titles longer than this are cut at a word boundary.

    Examples
    --------
    >>> a = pd.DataFrame({"actor_id": ["MYS", "ASEAN"], "name": ["Malaysia", "Association of Southeast Asian Nations"],
    ...                   "actor_type": ["state", "bloc"]})
    >>> m = pd.DataFrame({"actor_id": ["ASEAN", "MYS"], "title": ["ASEAN Guide", "National AI Roadmap 2021-2025"]})
    >>> labels(m, a, width=12).tolist()
    ['ASEAN: ASEAN Guide', 'Malaysia: National AI…']
    """
    a = actors.set_index("actor_id")
    who = a["name"].where(a["actor_type"] == "state", a.index.to_series())
    actor = milestones["actor_id"].map(who).fillna(milestones["actor_id"]).astype(str)
    return actor + ": " + milestones["title"].map(lambda s: shorten(s, width))


def deadlines(milestones: pd.DataFrame) -> pd.Series:
    """The last day each stated target allows (``planned_on`` at its precision); missing where no target.

    Examples
    --------
    >>> m = pd.DataFrame({"planned_on": pd.to_datetime(["2024-04-01", "2025-01-01", None]),
    ...                   "planned_on_precision": ["month", "year", None]})
    >>> deadlines(m).dt.strftime("%Y-%m-%d").tolist()
    ['2024-04-30', '2025-12-31', nan]
    """
    return period_end(milestones["planned_on"], milestones["planned_on_precision"])


def as_of_precision(milestones: pd.DataFrame, sources: pd.DataFrame) -> pd.Series:
    """The precision of ``status_as_of``: that of the row's first source published on that date.

    ``status_as_of`` is stored as a full date even where the source behind it
    is dated only to a month (stored as the 1st). A row whose date matches
    none of its sources (an event date, say) is taken at day precision.

    Examples
    --------
    >>> s = pd.DataFrame({"source_id": ["a", "b"], "published_on": pd.to_datetime(["2024-10-01", "2025-09-17"]),
    ...                   "published_on_precision": ["month", "day"]})
    >>> m = pd.DataFrame({"source_ids": ["column;a", "b", "a"],
    ...                   "status_as_of": pd.to_datetime(["2024-10-01", "2025-09-17", "2024-02-03"])})
    >>> as_of_precision(m, s).tolist()
    ['month', 'day', 'day']
    """
    s = sources.set_index("source_id")
    out = []
    for ids, as_of in zip(milestones["source_ids"], milestones["status_as_of"]):
        found = "day"
        for sid in ("" if pd.isna(ids) else str(ids)).split(";"):
            if sid in s.index and pd.notna(as_of) and s.loc[sid, "published_on"] == as_of:
                found = str(s.loc[sid, "published_on_precision"])
                break
        out.append(found)
    return pd.Series(out, index=milestones.index, dtype=object)


def missed(milestones: pd.DataFrame, deadline: pd.Series | None = None) -> pd.Series:
    """True where a target was missed: nothing delivered, and the latest source is dated after the deadline.

    A target with no date, or whose latest source still lies before its
    deadline, is not missed (the data cannot tell yet).

    Examples
    --------
    >>> m = pd.DataFrame({"planned_on": pd.to_datetime(["2024-12-01", "2025-12-01", "2024-04-01", None]),
    ...                   "planned_on_precision": ["month", "month", "month", None],
    ...                   "happened_on": pd.to_datetime([None, None, "2024-09-20", None]),
    ...                   "status_as_of": pd.to_datetime(["2025-09-17", "2025-09-17", "2024-10-01", "2025-09-17"])})
    >>> missed(m).tolist()
    [True, False, False, False]
    """
    d = deadlines(milestones) if deadline is None else deadline
    late = (milestones["status_as_of"] > d).fillna(False).astype(bool)
    return milestones["happened_on"].isna() & late


def first_strategies(milestones: pd.DataFrame, states) -> pd.DataFrame:
    """Each state's first national strategy, with the first (``earliest``) and last (``latest``) day it could be.

    Parameters
    ----------
    milestones : DataFrame
    states : list of str
        Actor ids, in the order wanted; a state with no national strategy is left out.

    Returns
    -------
    DataFrame
        One row per state (index ``actor_id``), the milestone's columns plus
        ``earliest`` and ``latest``.

    Examples
    --------
    >>> m = pd.DataFrame({"milestone_id": ["my", "sg2", "sg1", "g"], "actor_id": ["MYS", "SGP", "SGP", "MYS"],
    ...                   "milestone_type": ["national strategy"] * 3 + ["guidelines"],
    ...                   "happened_on": pd.to_datetime(["2021-01-01", "2023-12-04", "2019-11-13", "2020-01-01"]),
    ...                   "happened_on_precision": ["year", "day", "day", "day"]})
    >>> f = first_strategies(m, ["SGP", "MYS"])
    >>> f["milestone_id"].tolist(), f["latest"].dt.strftime("%Y-%m-%d").tolist()
    (['sg1', 'my'], ['2019-11-13', '2021-12-31'])
    >>> first_strategies(m.set_index("milestone_id"), ["MYS"])["milestone_id"].tolist()
    ['my']
    """
    m = milestones
    if m.index.name is not None and m.index.name not in m.columns:
        m = m.reset_index()  # keep a milestone_id index as a column
    strat = m[m["milestone_type"] == "national strategy"].sort_values("happened_on", kind="stable")
    first = strat.drop_duplicates("actor_id").set_index("actor_id")
    first = first.loc[[s for s in states if s in first.index]]
    return first.assign(earliest=first["happened_on"],
                        latest=period_end(first["happened_on"], first["happened_on_precision"]))


def within_years(earliest: pd.Series, latest: pd.Series, written, years: int = 5) -> pd.Series:
    """True where a date's whole range lies in the ``years`` before ``written`` (both ends included).

    Examples
    --------
    >>> e = pd.Series(pd.to_datetime(["2019-11-13", "2021-01-01", "2019-01-31"]))
    >>> l = pd.Series(pd.to_datetime(["2019-11-13", "2021-12-31", "2019-01-31"]))
    >>> within_years(e, l, pd.Timestamp("2024-02-01")).tolist()
    [True, True, False]
    >>> within_years(e, l, pd.Timestamp("2021-06-30")).tolist()
    [True, False, True]
    """
    written = pd.Timestamp(written)
    return (earliest >= written - pd.DateOffset(years=years)) & (latest <= written)


def writing_range(earliest: pd.Series, latest: pd.Series, years: int = 5) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last writing date for which every date lies within the ``years`` before it.

    From the last possible day of the newest date (earlier, that date could
    still lie ahead) to the first day of the oldest plus ``years`` (later, it
    could lie more than ``years`` back). Empty when the first is after the last.

    Examples
    --------
    >>> e = pd.Series(pd.to_datetime(["2020-08-10", "2021-01-01", "2022-07-26"]))
    >>> l = pd.Series(pd.to_datetime(["2020-08-10", "2021-12-31", "2022-07-26"]))
    >>> [d.strftime("%Y-%m-%d") for d in writing_range(e, l)]
    ['2022-07-26', '2025-08-10']
    """
    return pd.Timestamp(latest.max()), pd.Timestamp(earliest.min()) + pd.DateOffset(years=years)


def row_positions(labels) -> pd.Series:
    """The y position of each row of a timeline: labels in order of first appearance, 0, 1, 2, ...

    Examples
    --------
    >>> row_positions(["b", "a", "b"]).tolist()
    [0, 1, 0]
    """
    labels = pd.Series(list(labels), dtype=object).astype(str)
    order = {r: i for i, r in enumerate(dict.fromkeys(labels))}
    return labels.map(order)


def announcement_marks(data: pd.DataFrame, *, y: str = "label", announced: str = "announced_on") -> pd.DataFrame:
    """Where the "target stated" bars go: ``x`` (the day announced) and ``y`` (the row), dated rows only.

    Examples
    --------
    >>> d = pd.DataFrame({"label": ["a", "b", "c"], "announced_on": pd.to_datetime(["2024-03-08", None, "2024-01-01"])})
    >>> announcement_marks(d).assign(x=lambda m: m["x"].dt.strftime("%Y-%m-%d")).to_dict("list")
    {'x': ['2024-03-08', '2024-01-01'], 'y': [0, 2]}
    """
    marks = pd.DataFrame({"x": data[announced].to_numpy(), "y": row_positions(data[y]).to_numpy()})
    return marks[marks["x"].notna()].reset_index(drop=True)


def overdue_segments(data: pd.DataFrame, late: pd.Series, *, y: str = "label", deadline: str = "deadline",
                     as_of: str = "status_as_of") -> pd.DataFrame:
    """The dashed "overdue" lines: for each missed target, its row ``y`` from ``start`` (deadline) to ``end``.

    Examples
    --------
    >>> d = pd.DataFrame({"label": ["a", "b"], "deadline": pd.to_datetime(["2024-12-31", "2025-12-31"]),
    ...                   "status_as_of": pd.to_datetime(["2025-09-17", "2025-09-17"])})
    >>> s = overdue_segments(d, pd.Series([True, False]))
    >>> s["y"].tolist(), (s["end"] - s["start"]).dt.days.tolist()
    ([0], [260])
    """
    seg = pd.DataFrame({"y": row_positions(data[y]).to_numpy(), "start": data[deadline].to_numpy(),
                        "end": data[as_of].to_numpy()})
    return seg[pd.Series(late).fillna(False).astype(bool).to_numpy()].reset_index(drop=True)


def decorate(ax, data: pd.DataFrame, window, *, late: pd.Series | None = None, y: str = "label",
             announced: str = "announced_on"):
    """Finish a milestone timeline: "target stated" bars, the writing window, overdue lines, an outside legend.

    Draws on ``ax`` only, after :func:`aseanai.plot.timeline` has drawn the
    dots (its legend is kept and extended).

    Parameters
    ----------
    ax : Axes
    data : DataFrame
        The rows drawn, in the order drawn (``y`` labels, ``announced``; with
        ``late``, also ``deadline`` and ``status_as_of``).
    window : (start, end)
        The column's assumed writing window, shaded.
    late : Series of bool, optional
        Missed targets (see :func:`missed`): a dashed line runs from the
        deadline to the latest source that still reports no delivery.

    Returns
    -------
    Axes
    """
    import matplotlib as mpl

    marks = announcement_marks(data, y=y, announced=announced)
    ax.plot(marks["x"], marks["y"], marker="|", ms=9, color=ANNOUNCED_COLOR, ls="none", zorder=2)
    ax.axvspan(pd.Timestamp(window[0]), pd.Timestamp(window[1]), color=WINDOW_COLOR, zorder=0)
    old = ax.get_legend()
    handles = list(old.legend_handles) if old is not None else []
    handles.append(mpl.lines.Line2D([], [], marker="|", ms=9, ls="none", color=ANNOUNCED_COLOR, label="target stated"))
    if late is not None:
        for seg in overdue_segments(data, late, y=y).itertuples():
            ax.plot([seg.start, seg.end], [seg.y, seg.y], color=OVERDUE_COLOR, ls="--", lw=1, marker="|")
        handles.append(mpl.lines.Line2D([], [], color=OVERDUE_COLOR, ls="--", lw=1, label="overdue at latest source"))
    handles.append(mpl.patches.Patch(color=WINDOW_COLOR, label="column written (assumed window)"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize="small")
    return ax
