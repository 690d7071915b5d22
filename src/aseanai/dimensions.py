"""The column's four dimensions of hedging as one tidy frame of origin-tagged items.

Each function returns rows ``host``, ``dimension``, ``item``, ``actor``,
``origin``, ``value``: an instrument's partner country, a data-centre
facility's backer, a big-tech firm present in a host, or a corporate pledge in
US dollars. :func:`items` stacks them and adds ``ASEAN`` as a host that pools
its members, counting each instrument, facility backer, firm and pledge once.
The dominance notebook measures concentration on this frame.
"""
from __future__ import annotations

import pandas as pd

from . import metrics

__all__ = ["agreement_items", "data_centre_items", "presence_items", "investment_items", "items", "DIMENSIONS"]

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
