"""Data-centre events: award labels, facilities' first events, backers' origins then and now, tallies by group.

The ``dc_projects`` table holds one row per *event* (an award, an
announcement, an opening) of a *facility*; ``dc_project_actors`` names the
companies behind each event. These helpers turn them into the tidy frames
the data-centre lessons show: one row per event and backer, with the
backer's origin at the time and its weight (its share of the event, an equal
split where the sources give none), and wide tables of weighted counts by
year, region or host.
"""
from __future__ import annotations

import pandas as pd

from .display import share_text
from .metrics import project_origins

__all__ = ["award_label", "first_events", "facility_regions", "event_backers", "origin_shift", "dated_periods",
           "backers_text", "origin_table"]

#: What a table shows for an event that has no recorded backer (a facility known only by its tenant).
NO_BACKER = "none recorded"


def award_label(names: pd.Series) -> pd.Series:
    """A short label for each award: its name without the mechanism and the later facility name.

    Examples
    --------
    >>> award_label(pd.Series(["Equinix pilot DC-CFA award (later SG6)",
    ...                        "GDS (DayOne) pilot DC-CFA award (later SG1)",
    ...                        "AirTrunk-ByteDance consortium pilot DC-CFA award"])).tolist()
    ['Equinix', 'GDS (DayOne)', 'AirTrunk-ByteDance consortium']
    """
    out = names.astype("string").str.replace(r"\s*\(later [^)]*\)", "", regex=True)
    return out.str.replace(r"\s*\bpilot\b.*\baward\b", "", regex=True).str.strip()


def first_events(projects: pd.DataFrame) -> pd.DataFrame:
    """The first event of each facility: its earliest dated event (an undated one only if none is dated).

    Ties on the date are broken by ``project_id``.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["b1", "b0", "a1", "c1"], "facility_id": ["b", "b", "a", "c"],
    ...                   "event_on": pd.to_datetime(["2024-05-01", None, "2023-01-01", None])})
    >>> first_events(p)["project_id"].tolist()
    ['a1', 'b1', 'c1']
    """
    ordered = projects.sort_values(["facility_id", "event_on", "project_id"], na_position="last", kind="stable")
    return ordered.drop_duplicates("facility_id").reset_index(drop=True)


def facility_regions(projects: pd.DataFrame) -> pd.Series:
    """Each facility's region: the one stated by its earliest event that states one (missing where none does).

    A facility's first announcement often names no site; a later event (its
    opening) may. The region belongs to the facility, not to one event.

    Examples
    --------
    >>> p = pd.DataFrame({"facility_id": ["m", "m", "g", "x"], "region": [None, "Greater Kuala Lumpur", "Johor", None],
    ...                   "event_on": pd.to_datetime(["2024-05-02", "2025-05-28", "2024-01-01", "2024-01-01"])})
    >>> facility_regions(p).to_dict()
    {'g': 'Johor', 'm': 'Greater Kuala Lumpur', 'x': nan}
    """
    stated = projects.assign(region=projects["region"].astype(object)).sort_values(
        ["facility_id", "event_on"], na_position="last", kind="stable")
    regions = stated.dropna(subset=["region"]).drop_duplicates("facility_id").set_index("facility_id")["region"]
    facilities = sorted(projects["facility_id"].astype(str).unique())
    return regions.reindex(facilities).rename("region").rename_axis("facility_id")


def event_backers(projects: pd.DataFrame, project_actors: pd.DataFrame, company_origins: pd.DataFrame, *,
                  as_of="event") -> pd.DataFrame:
    """One row per event and backer, with the backer's origin and weight, and the event's year.

    Parameters
    ----------
    projects, project_actors, company_origins : DataFrame
        The ``dc_projects`` (filter it first: a host, the awards),
        ``dc_project_actors`` and ``company_origins`` tables.
    as_of : "event", None or date-like
        As in :func:`aseanai.metrics.project_origins`: each backer's origin on
        the event's date (``"event"``), today (``None``) or on a given date.

    Returns
    -------
    DataFrame
        The event's columns (``project_id``, ``facility_id``, ``host_id``,
        ``event``, ``event_on``, ``event_on_precision``, ``region``,
        ``capacity_mw``, ``source_ids``), ``year`` (Int64, missing when
        undated), then ``actor_id``, ``role``, ``origin_id`` and ``weight``.
        Each event's weights sum to 1. An event without a backer (only a
        tenant recorded) keeps one row with ``actor_id`` and ``origin_id``
        missing and weight 1, so that it is still counted, as "none recorded".

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["y", "b"], "facility_id": ["y", "b"], "host_id": "MYS",
    ...                   "event": "opening", "event_on": pd.to_datetime(["2025-10-01", "2022-10-01"]),
    ...                   "event_on_precision": "month", "region": "Johor", "capacity_mw": [300.0, 110.0],
    ...                   "source_ids": "s"})
    >>> a = pd.DataFrame({"project_id": ["y", "y", "b"], "actor_id": ["ytl", "nv", "bd"],
    ...                   "role": ["operator", "consortium member", "tenant"], "share": pd.NA})
    >>> o = pd.DataFrame({"actor_id": ["ytl", "nv", "bd"], "origin_id": ["MYS", "USA", "CHN"],
    ...                   "basis": "headquarters", "valid_from": pd.NaT, "valid_to": pd.NaT})
    >>> event_backers(p, a, o)[["project_id", "year", "actor_id", "origin_id", "weight"]].values.tolist()
    [['b', 2022, <NA>, <NA>, 1.0], ['y', 2025, 'nv', 'USA', 0.5], ['y', 2025, 'ytl', 'MYS', 0.5]]
    """
    keep = ["project_id", "facility_id", "host_id", "event", "event_on", "event_on_precision", "region",
            "capacity_mw", "source_ids"]
    events = projects[[c for c in keep if c in projects.columns]]
    origins = project_origins(projects, project_actors, company_origins, as_of=as_of)
    out = events.merge(origins.drop(columns="weight_is_assumed"), on="project_id", how="left")
    out["weight"] = out["weight"].fillna(1.0)
    out.insert(out.columns.get_loc("actor_id"), "year", out["event_on"].dt.year.astype("Int64"))
    return out.sort_values(["project_id", "actor_id"], na_position="first").reset_index(drop=True)


def origin_shift(projects: pd.DataFrame, project_actors: pd.DataFrame, company_origins: pd.DataFrame, *,
                 then="event", now=None) -> pd.DataFrame:
    """Each event's backers with their origin at two dates, and whether it changed.

    Parameters
    ----------
    projects, project_actors, company_origins : DataFrame
        As for :func:`event_backers`.
    then, now : "event", None or date-like
        The two readings compared; by default the event's date and today.

    Returns
    -------
    DataFrame
        ``project_id``, ``actor_id``, ``weight``, ``origin_then``,
        ``origin_now`` and ``changed`` (bool).

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["s"], "event_on": pd.to_datetime(["2023-07-14"])})
    >>> a = pd.DataFrame({"project_id": ["s", "s"], "actor_id": ["at", "bd"], "role": "consortium member",
    ...                   "share": pd.NA})
    >>> o = pd.DataFrame({"actor_id": ["at", "at", "bd"], "origin_id": ["AUS", "USA", "CHN"],
    ...                   "basis": "controlling owner",
    ...                   "valid_from": pd.to_datetime([None, "2024-12-01", None]),
    ...                   "valid_to": pd.to_datetime(["2024-12-01", None, None])})
    >>> origin_shift(p, a, o)[["actor_id", "origin_then", "origin_now", "changed"]].values.tolist()
    [['at', 'AUS', 'USA', True], ['bd', 'CHN', 'CHN', False]]
    """
    a = project_origins(projects, project_actors, company_origins, as_of=then)
    b = project_origins(projects, project_actors, company_origins, as_of=now)
    out = a[["project_id", "actor_id", "weight", "origin_id"]].merge(
        b[["project_id", "actor_id", "origin_id"]], on=["project_id", "actor_id"], suffixes=("_then", "_now"))
    out = out.rename(columns={"origin_id_then": "origin_then", "origin_id_now": "origin_now"})
    out["changed"] = (out["origin_then"].astype(object).fillna("") != out["origin_now"].astype(object).fillna(""))
    return out.reset_index(drop=True)


def dated_periods(company_origins: pd.DataFrame, actors) -> pd.DataFrame:
    """The origin periods of ``actors`` that have a start or an end date, in order.

    An undated period (a headquarters that never moved) says nothing about
    when an origin changed, so it is left out.

    Examples
    --------
    >>> o = pd.DataFrame({"actor_id": ["d", "d", "g"], "origin_id": ["SGP", "CHN", "CHN"],
    ...                   "valid_from": pd.to_datetime(["2025-01-01", "2022-01-01", None]),
    ...                   "valid_to": pd.to_datetime([None, "2025-01-01", None])})
    >>> dated_periods(o, ["d", "g"])["origin_id"].tolist()
    ['CHN', 'SGP']
    """
    co = company_origins[company_origins["actor_id"].isin(list(actors))]
    co = co[co["valid_from"].notna() | co["valid_to"].notna()]
    return co.sort_values(["actor_id", "valid_from"], na_position="first", kind="stable").reset_index(drop=True)


def backers_text(backers: pd.DataFrame, actor_names, country_names, *, by: str = "project_id") -> pd.Series:
    """Each event's backers as text, every backer with its origin and share: never one origin for a shared event.

    Parameters
    ----------
    backers : DataFrame
        One row per event and backer (:func:`event_backers`).
    actor_names, country_names : Series or dict
        Names of companies (by ``actor_id``) and of countries (by ``origin_id``).

    Returns
    -------
    Series
        Indexed by ``by``: ``"YTL Power (Malaysia) ½, Nvidia (United States) ½"``;
        :data:`NO_BACKER` for an event without a backer.

    Examples
    --------
    >>> b = pd.DataFrame({"project_id": ["y", "y", "g", "t"], "actor_id": ["ytl", "nv", "gds", None],
    ...                   "origin_id": ["MYS", "USA", "CHN", None], "weight": [0.5, 0.5, 1.0, 1.0]})
    >>> backers_text(b, {"ytl": "YTL Power", "nv": "Nvidia", "gds": "GDS"},
    ...              {"MYS": "Malaysia", "USA": "United States", "CHN": "China"}).to_dict()
    {'g': 'GDS (China)', 't': 'none recorded', 'y': 'Nvidia (United States) ½, YTL Power (Malaysia) ½'}
    """
    actor_names, country_names = pd.Series(actor_names), pd.Series(country_names)
    b = backers.sort_values([by, "actor_id"])
    text = [NO_BACKER if pd.isna(a) else
            f"{actor_names.get(a, a)} ({country_names.get(o, o) if pd.notna(o) else 'origin unknown'})"
            + (f" {share_text(w)}" if share_text(w) else "")
            for a, o, w in zip(b["actor_id"], b["origin_id"], b["weight"])]
    return pd.Series(text, index=b.index).groupby(b[by].to_numpy()).agg(", ".join).rename_axis(by)


def origin_table(backers: pd.DataFrame, by: str, *, origin: str = "origin_id", weight: str = "weight",
                 order=None, rows=None, missing: str = NO_BACKER) -> pd.DataFrame:
    """Weighted counts by ``by`` (rows) and origin (columns), with a total: events per year, facilities per region.

    Parameters
    ----------
    backers : DataFrame
        One row per item and backer with its ``weight`` (shares of one item sum to 1).
    by : str
        The row variable (``"year"``, ``"region"``, ``"host_id"``); rows where it is missing are dropped.
    order : list, optional
        Origin columns first in this order; the others follow alphabetically,
        and ``missing`` (items without a backer) comes last.
    rows : list, optional
        Row labels to show, in order, including those without any item (a year with no event).

    Returns
    -------
    DataFrame
        Indexed by ``by``; one column per origin and ``total``.

    Examples
    --------
    >>> b = pd.DataFrame({"year": [2023, 2023, 2024, 2024], "origin_id": ["MYS", "USA", "CHN", None],
    ...                   "weight": [0.5, 0.5, 1.0, 1.0]})
    >>> origin_table(b, "year", order=["USA"], rows=[2023, 2024, 2025]).to_dict("index")  # doctest: +NORMALIZE_WHITESPACE
    {2023: {'USA': 0.5, 'CHN': 0.0, 'MYS': 0.5, 'none recorded': 0.0, 'total': 1.0},
     2024: {'USA': 0.0, 'CHN': 1.0, 'MYS': 0.0, 'none recorded': 1.0, 'total': 2.0},
     2025: {'USA': 0.0, 'CHN': 0.0, 'MYS': 0.0, 'none recorded': 0.0, 'total': 0.0}}
    """
    d = backers.dropna(subset=[by]).assign(_o=backers[origin].astype(object).fillna(missing))
    wide = d.pivot_table(index=by, columns="_o", values=weight, aggfunc="sum", fill_value=0.0, observed=True)
    present = [c for c in wide.columns if c != missing]
    first = [c for c in (order or []) if c in present]
    cols = first + sorted(c for c in present if c not in first) + ([missing] if missing in wide.columns else [])
    wide = wide.reindex(columns=cols).astype(float)
    if rows is not None:
        wide = wide.reindex(list(rows), fill_value=0.0)
    wide["total"] = wide.sum(axis=1)
    wide.columns.name = None
    return wide.rename_axis(by)
