"""The column's four dimensions of hedging as one tidy frame of origin-tagged items.

Each function returns rows ``host``, ``dimension``, ``item``, ``actor``,
``origin``, ``value``: an instrument's partner country, a data-centre
facility's backer, a big-tech firm present in a host, or a corporate pledge in
US dollars. :func:`items` stacks them and adds ``ASEAN`` as a host that pools
its members, counting each instrument, facility backer, firm and pledge once.
The dominance notebook measures concentration on this frame with
:func:`summary` (largest origin, verdict, what would flip it, US-China
balance) and :func:`coding_runs` (the same under other coding choices).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import metrics
from .display import format_amount

__all__ = ["agreement_items", "data_centre_items", "presence_items", "investment_items", "items", "summary",
           "coding_runs", "changed_verdicts", "DIMENSIONS", "MONEY", "VERDICTS"]

DIMENSIONS = ("agreements", "data centres", "tech presence", "investment")
_COLUMNS = ["host", "dimension", "item", "actor", "origin", "value"]


def agreement_items(t: dict, *, as_of=None, drop=(), coverage: str = "all", candidates: bool = False,
                    evidence=None) -> pd.DataFrame:
    """One row per (ASEAN state, partner, instrument) link; origin = the partner country, value 1.

    ``coverage``, ``candidates`` and ``evidence`` choose the instruments, as
    in :func:`aseanai.metrics.select_instruments`.
    """
    a = metrics.select_instruments(t["agreements"], coverage=coverage, candidates=candidates, evidence=evidence)
    a = a[~a["agreement_id"].isin(list(drop))]
    links = metrics.partner_links(a, t["agreement_parties"], t["bloc_members"], as_of=as_of)
    return pd.DataFrame({"host": links["member_id"], "dimension": "agreements", "item": links["agreement_id"],
                         "actor": links["partner_id"], "origin": links["partner_id"], "value": 1.0})[_COLUMNS]


def data_centre_items(t: dict, *, as_of="event") -> pd.DataFrame:
    """One row per facility and backer, at the facility's first dated event; value = the backer's share.

    ``as_of`` is passed to :func:`aseanai.metrics.project_origins`: ``"event"``
    for origin at the time, ``None`` for origin today, or a date.
    """
    p = t["dc_projects"]
    first = p.sort_values(["facility_id", "event_on", "project_id"], na_position="last").drop_duplicates("facility_id")
    o = metrics.project_origins(first, t["dc_project_actors"], t["company_origins"], as_of=as_of)
    o = o.merge(first[["project_id", "host_id", "facility_id"]], on="project_id")
    return pd.DataFrame({"host": o["host_id"], "dimension": "data centres", "item": o["facility_id"],
                         "actor": o["actor_id"], "origin": o["origin_id"], "value": o["weight"]})[_COLUMNS]


def presence_items(t: dict, *, as_of=None) -> pd.DataFrame:
    """One row per big-tech firm present in a host (several presences count once); value 1."""
    tp = t["tech_presence"].drop_duplicates(["actor_id", "host_id"])
    origin = metrics.origin_as_of(t["company_origins"], as_of).set_index("actor_id")["origin_id"]
    return pd.DataFrame({"host": tp["host_id"], "dimension": "tech presence", "item": tp["actor_id"],
                         "actor": tp["actor_id"], "origin": tp["actor_id"].map(origin), "value": 1.0})[_COLUMNS]


def investment_items(t: dict, *, as_of=None) -> pd.DataFrame:
    """One row per corporate pledge with a US-dollar value; value = amount in USD.

    A row that restates an earlier one (``restates_id``) is left out, so a pledge counts once.
    """
    i = t["investments"]
    i = i[(i["investment_type"] == "corporate pledge") & i["amount_usd"].notna() & i["restates_id"].isna()]
    origin = metrics.origin_as_of(t["company_origins"], as_of).set_index("actor_id")["origin_id"]
    return pd.DataFrame({"host": i["recipient_id"], "dimension": "investment", "item": i["investment_id"],
                         "actor": i["investor_id"], "origin": i["investor_id"].map(origin),
                         "value": i["amount_usd"].astype(float)})[_COLUMNS]


def _dc_as_of(dc_origins: str):
    if dc_origins not in ("event", "today"):
        raise ValueError(f"dc_origins must be 'event' or 'today', not {dc_origins!r}")
    return "event" if dc_origins == "event" else None


def items(t: dict, *, as_of=None, drop=(), dc_origins: str = "event", pool: str = "ASEAN", coverage: str = "all",
          candidates: bool = False, evidence=None) -> pd.DataFrame:
    """All four dimensions, with a pooled ``ASEAN`` host added (every member's items together).

    Parameters
    ----------
    t : dict of DataFrame
        As :func:`aseanai.load_all` returns.
    as_of : date-like, optional
        Membership date for instruments without a signing date.
    drop : iterable of str
        ``agreement_id`` values to leave out.
    dc_origins : {"event", "today"}
        Data-centre backers' origin at each facility's first event, or as owned today.
    coverage, candidates, evidence
        Which instruments count, as in :func:`aseanai.metrics.select_instruments`.

    Examples
    --------
    >>> import aseanai
    >>> sorted(set(items(aseanai.load_all())["dimension"]))
    ['agreements', 'data centres', 'investment', 'tech presence']
    """
    frames = [agreement_items(t, as_of=as_of, drop=drop, coverage=coverage, candidates=candidates, evidence=evidence),
              data_centre_items(t, as_of=_dc_as_of(dc_origins)),
              presence_items(t), investment_items(t)]
    out = pd.concat(frames, ignore_index=True)
    pooled = out.drop_duplicates(["dimension", "item", "actor"]).assign(host=pool)
    res = pd.concat([pooled, out], ignore_index=True)
    return res.astype({c: "string" for c in ["host", "dimension", "item", "actor", "origin"]})


#: Dimensions whose ``value`` is money (US dollars); the others count items (an item's value is at most 1).
MONEY = {"investment": "USD"}
VERDICTS = ("dominated", "not dominated", "no data")


def _to_flip(dimension: str, dominated: bool, margin: float) -> str:
    """What it takes to flip one verdict, in words: whole items, or money."""
    if dimension in MONEY:
        return ("at least " if dominated else "more than ") + format_amount(margin, MONEY[dimension])
    # whole items of size 1: a dominated cell needs >= margin, the others > margin
    n = math.ceil(margin - 1e-9) if dominated else math.floor(margin + 1e-9) + 1
    return f"{n} item" if n == 1 else f"{n} items"


def summary(items: pd.DataFrame, *, hosts=None, threshold: float = 0.5) -> pd.DataFrame:
    """One row per host and dimension: the largest origin, the verdict, what would flip it, the US-China balance.

    A cell is *dominated* when one origin holds more than ``threshold`` of its
    value (:func:`aseanai.metrics.flip_margin`); the US-China balance comes
    from :func:`aseanai.metrics.us_china` on the same values. Rows whose origin
    is unknown count in neither. Every host meets every dimension: a cell
    without items is kept as ``"no data"``, with missing numbers.

    Parameters
    ----------
    items : DataFrame
        As :func:`items` returns (``host``, ``dimension``, ``origin``, ``value``).
    hosts : list of str, optional
        Hosts to keep, in this order (default: every host in ``items``, sorted).
    threshold : float
        The share above which one origin dominates a cell.

    Returns
    -------
    DataFrame
        ``host``, ``dimension`` (in the order of ``hosts`` and :data:`DIMENSIONS`),
        ``verdict`` (``"dominated"``, ``"not dominated"`` or ``"no data"``), the
        :func:`~aseanai.metrics.flip_margin` columns (``top_origin``,
        ``top_share``, ``tied``, ``leaders``, ``n_origins``, ``total``,
        ``dominated``, ``flip_by``, ``margin``, ``one_row_flips``; where origins
        tie for the top of a cell that is not dominated, ``flip_by`` names them all,
        comma-separated, as ``leaders`` does), ``to_flip``
        (the margin in words: whole items, or US dollars for investment) and
        ``n_us``, ``n_cn``, ``balance``.

    Examples
    --------
    >>> d = pd.DataFrame({"host": ["SGP"] * 3, "dimension": "data centres",
    ...                   "origin": ["USA", "USA", "CHN"], "value": 1.0})
    >>> s = summary(d)
    >>> s["verdict"].tolist()
    ['no data', 'dominated', 'no data', 'no data']
    >>> row = s.loc[1]
    >>> print(row["top_origin"], round(float(row["top_share"]), 3), row["to_flip"], round(float(row["balance"]), 1))
    USA 0.667 1 item 66.7
    """
    keys = ["host", "dimension"]
    known = items[items["origin"].notna()]
    hosts = sorted(known["host"].dropna().astype(str).unique()) if hosts is None else list(hosts)
    grid = pd.MultiIndex.from_product([hosts, list(DIMENSIONS)], names=keys).to_frame(index=False)
    plain = known.assign(host=known["host"].astype(str), dimension=known["dimension"].astype(str),
                         origin=known["origin"].astype(str))
    dom = metrics.flip_margin(plain, by=keys, origin="origin", value="value", threshold=threshold)
    us_cn = metrics.us_china(plain, by=keys, origin="origin", value="value")
    out = grid.merge(dom, on=keys, how="left").merge(us_cn, on=keys, how="left")
    has = out["top_share"].notna()
    out["dominated"] = out["dominated"].astype("boolean").where(has)
    out["tied"] = out["tied"].astype("boolean").where(has)
    out["one_row_flips"] = out["one_row_flips"].astype("boolean").where(has)
    out["verdict"] = np.where(~has, "no data", np.where(out["dominated"].fillna(False), "dominated", "not dominated"))
    out["to_flip"] = [_to_flip(d, bool(x), m) if h else None
                      for d, x, m, h in zip(out["dimension"], out["dominated"].fillna(False), out["margin"], has)]
    out["to_flip"] = out["to_flip"].astype("string")
    # where origins tie for the top, any one of them could push it past the threshold
    out["flip_by"] = out["flip_by"].where(out["dominated"].fillna(True), out["leaders"])
    out["balance"] = out["balance"].astype(float)
    first = keys + ["verdict"]
    return out[first + [c for c in out.columns if c not in first]]


def coding_runs(t: dict, choices: dict, *, hosts=None, threshold: float = 0.5) -> pd.DataFrame:
    """:func:`summary` of the items under each coding choice, stacked.

    Parameters
    ----------
    t : dict of DataFrame
        As :func:`aseanai.load_all` returns.
    choices : dict
        ``{name: keyword arguments of items()}``, e.g.
        ``{"as coded": {}, "origins today": {"dc_origins": "today"}}``.
    hosts, threshold
        As in :func:`summary`.

    Returns
    -------
    DataFrame
        ``choice`` (ordered as in ``choices``), then the :func:`summary` columns;
        ``host`` and ``dimension`` are ordered categoricals, so a pivot keeps
        the hosts, dimensions and choices in their given order.

    Examples
    --------
    >>> import aseanai
    >>> runs = coding_runs(aseanai.load_all(), {"as coded": {}, "origins today": {"dc_origins": "today"}},
    ...                    hosts=["SGP"])
    >>> runs.groupby("choice", observed=True).size().to_dict()
    {'as coded': 4, 'origins today': 4}
    """
    frames = [summary(items(t, **kw), hosts=hosts, threshold=threshold).assign(choice=name)
              for name, kw in choices.items()]
    out = pd.concat(frames, ignore_index=True)
    out["choice"] = pd.Categorical(out["choice"], categories=list(choices), ordered=True)
    out["host"] = pd.Categorical(out["host"], categories=list(dict.fromkeys(out["host"])), ordered=True)
    out["dimension"] = pd.Categorical(out["dimension"], categories=list(DIMENSIONS), ordered=True)
    return out[["choice"] + [c for c in out.columns if c != "choice"]]


def changed_verdicts(runs: pd.DataFrame) -> pd.DataFrame:
    """The host-dimension cells whose verdict differs between coding choices, one column per choice.

    A cell without data under one choice and with data under another counts as a change.

    Parameters
    ----------
    runs : DataFrame
        As :func:`coding_runs` returns.

    Returns
    -------
    DataFrame
        ``host``, ``dimension``, then one column of verdicts per choice.

    Examples
    --------
    >>> runs = pd.DataFrame({"choice": ["a", "b", "a", "b"], "host": "SGP",
    ...                      "dimension": ["agreements", "agreements", "investment", "investment"],
    ...                      "verdict": ["dominated", "not dominated", "dominated", "dominated"]})
    >>> changed_verdicts(runs).to_dict("records")
    [{'host': 'SGP', 'dimension': 'agreements', 'a': 'dominated', 'b': 'not dominated'}]
    """
    wide = runs.pivot(index=["host", "dimension"], columns="choice", values="verdict")
    wide = wide[wide.nunique(axis=1) > 1]
    wide.columns = [str(c) for c in wide.columns]
    out = wide.reset_index()
    out["host"] = out["host"].astype(str)
    out["dimension"] = out["dimension"].astype(str)
    return out
