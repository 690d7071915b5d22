"""Check the whole data package: every file against its schema, then across files.

Each problem is reported as ``FILE:LINE: COLUMN: what is wrong (what was found)``
with the CSV's own line number, and all problems are reported at once.
"""
from __future__ import annotations

import os
from functools import lru_cache

import numpy as np
import pandas as pd

from .datapackage import DataError, Package, Problem, read_package
from .load import RawTable, _found, read_raw, to_frame

__all__ = ["validate", "load_all", "check_package"]

#: Which kinds of actor each actor column may name.
ACTOR_ROLES: dict[tuple[str, str], set[str]] = {
    ("bloc_members", "bloc_id"): {"bloc"},
    ("bloc_members", "member_id"): {"state"},
    ("company_origins", "actor_id"): {"company"},
    ("company_origins", "origin_id"): {"state"},
    ("agreement_parties", "actor_id"): {"state", "bloc"},
    ("dc_projects", "host_id"): {"state"},
    ("dc_project_actors", "actor_id"): {"company"},
    ("tech_presence", "actor_id"): {"company"},
    ("tech_presence", "host_id"): {"state"},
    ("investments", "investor_id"): {"state", "bloc", "company"},
    ("investments", "recipient_id"): {"state", "bloc"},
    ("milestones", "actor_id"): {"state", "bloc"},
}

#: Pairs of dates where the first may not come after the second.
PERIODS = {
    "company_origins": ("valid_from", "valid_to"),
    "bloc_members": ("joined_on", "left_on"),
}

#: Relative tolerance between ``amount_usd`` and ``amount * usd_per_unit``.
USD_TOLERANCE = 0.005


def validate(data_dir: str | os.PathLike | None = None) -> list[Problem]:
    """Check every dataset and return the list of problems (empty when clean).

    Examples
    --------
    >>> import aseanai
    >>> aseanai.validate()
    []
    """
    try:
        pkg = read_package(data_dir)
    except DataError as exc:
        return list(exc.problems)
    tables = {name: read_raw(pkg, name) for name in pkg.names}
    return check_package(pkg, tables)


def load_all(data_dir: str | os.PathLike | None = None) -> dict[str, pd.DataFrame]:
    """Validate the package and load every dataset, keyed by name.

    Raises
    ------
    DataError
        If :func:`validate` finds any problem.
    """
    pkg = read_package(data_dir)
    tables = {name: read_raw(pkg, name) for name in pkg.names}
    problems = check_package(pkg, tables)
    if problems:
        raise DataError(problems)
    return {name: to_frame(t) for name, t in tables.items()}


def check_package(pkg: Package, tables: dict[str, RawTable]) -> list[Problem]:
    """Run the cross-table checks on tables read by :func:`aseanai.load.read_raw`."""
    for t in tables.values():
        if t.frame is not None:
            _check_foreign_keys(t, tables)
    if _ok(tables, "sources"):
        ids = set(_values(tables["sources"], "source_id"))
        for t in tables.values():
            if t.frame is not None and not t.frame.empty and "source_ids" in t.frame.columns:
                _check_sources(t, ids)
    if _ok(tables, "actors") and not tables["actors"].frame.empty:
        actors = tables["actors"]
        _check_actor_codes(actors)
        kinds = dict(zip(actors.stripped("actor_id"), actors.stripped("actor_type")))
        for (name, column), allowed in ACTOR_ROLES.items():
            if _ok(tables, name):
                _check_actor_role(tables[name], column, allowed, kinds)
    for t in tables.values():
        if t.frame is not None:
            _check_precision(t)
    for name, (start, end) in PERIODS.items():
        if _ok(tables, name) and not tables[name].frame.empty:
            _check_period(tables[name], start, end)
    if _ok(tables, "investments"):
        _check_usd(tables["investments"])
    if _ok(tables, "agreements"):
        _check_column_fields(tables["agreements"])
    problems = [p for t in tables.values() for p in t.problems]
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.message))


def _ok(tables: dict[str, RawTable], name: str) -> bool:
    return name in tables and tables[name].frame is not None


def _values(t: RawTable, column: str) -> pd.Series:
    v = t.column(column).values
    return pd.Series(v[v != ""])


def _check_foreign_keys(t: RawTable, tables: dict[str, RawTable]) -> None:
    for fk in t.resource.foreign_keys:
        ref = tables.get(fk.resource)
        if ref is None or ref.frame is None or t.frame.empty:
            continue
        usable = np.logical_and.reduce([t.usable(c) for c in fk.fields])
        if not usable.any():
            continue
        if len(fk.fields) == 1:
            col = t.column(fk.fields[0])
            known = pd.Index(ref.stripped(fk.ref_fields[0]))
            missing = ~pd.Index(col.values).isin(known)
            bad = np.flatnonzero(col.per_row(missing) & usable)
        else:
            mine = pd.MultiIndex.from_arrays([t.stripped(c) for c in fk.fields])
            theirs = pd.MultiIndex.from_arrays([ref.stripped(c) for c in fk.ref_fields])
            bad = np.flatnonzero(~mine.isin(theirs) & usable)
        target = f"{ref.resource.path} {'+'.join(fk.ref_fields)}"
        column = "+".join(fk.fields)
        t.problem(bad, column, lambda r: f"not found in {target} ({_show(t, fk.fields, r)})")
        t.mark(fk.fields[0], bad)


def _show(t: RawTable, columns, r: int) -> str:
    return "found " + ", ".join(repr(t.stripped(c)[r]) for c in columns)


def _check_sources(t: RawTable, known: set[str]) -> None:
    col = t.column("source_ids")
    unknown = [[s for s in v.split(";") if s.strip() not in known] if v else [] for v in col.values]
    has = np.array([bool(u) for u in unknown], dtype=bool)
    rows = np.flatnonzero(col.per_row(has) & t.usable("source_ids"))
    t.problem(rows, "source_ids", lambda r: "unknown source id, not in sources.csv (found "
              + ", ".join(map(repr, unknown[col.codes[r]])) + ")")


@lru_cache(maxsize=1)
def _iso3() -> frozenset[str]:
    import pycountry  # imported here: only validation needs it

    return frozenset(c.alpha_3 for c in pycountry.countries)


def _check_actor_codes(t: RawTable) -> None:
    ids, kinds = t.stripped("actor_id"), t.stripped("actor_type")
    iso = _iso3()
    for r in np.flatnonzero(t.usable("actor_id")):
        a, k = ids[r], kinds[r]
        if k == "state" and a not in iso:
            t.problem([r], "actor_id", f"not an ISO 3166-1 alpha-3 country code ({_found(a)})")
        elif k == "company" and not a[:1].islower():
            t.problem([r], "actor_id", f"company ids are lowercase slugs ({_found(a)})")
        elif k == "bloc" and a in iso:
            t.problem([r], "actor_id", f"a bloc cannot use a country's ISO code ({_found(a)})")


def _check_actor_role(t: RawTable, column: str, allowed: set[str], kinds: dict[str, str]) -> None:
    if t.frame.empty:
        return
    col = t.column(column)
    kind_of = [kinds.get(v) for v in col.values]
    wrong = np.array([k is not None and k not in allowed for k in kind_of], dtype=bool)
    want = " or ".join(sorted(allowed))
    rows = np.flatnonzero(col.per_row(wrong) & t.usable(column))
    t.problem(rows, column, lambda r: f"must name a {want}, but this actor is a "
              f"{kind_of[col.codes[r]]} ({_found(col.values[col.codes[r]])})")


def _check_precision(t: RawTable) -> None:
    if t.frame.empty:
        return
    cols = set(t.frame.columns)
    for pc in [c for c in t.frame.columns if c.endswith("_precision")]:
        dc = pc[: -len("_precision")]
        if dc not in cols:
            continue
        d, p = t.column(dc), t.column(pc)
        pair = d.codes.astype(np.int64) * (len(p.values) + 1) + p.codes
        codes, uniques = pd.factorize(pair)
        verdict = []
        for key in uniques:
            dv, pv = d.values[key // (len(p.values) + 1)], p.values[key % (len(p.values) + 1)]
            if dv and not pv:
                verdict.append((pc, f"required when {dc} is given (day, month or year)"))
            elif pv and not dv:
                verdict.append((pc, f"given but {dc} is empty ({_found(pv)})"))
            elif pv == "month" and not dv.endswith("-01"):
                verdict.append((dc, f"month precision: store the first day of the month ({_found(dv)})"))
            elif pv == "year" and not dv.endswith("-01-01"):
                verdict.append((dc, f"year precision: store 1 January ({_found(dv)})"))
            else:
                verdict.append(None)
        flagged = np.array([v is not None for v in verdict], dtype=bool)
        if not flagged.any():
            continue
        skip = t.bad.get(dc, np.zeros(len(t.lines), bool)) | t.bad.get(pc, np.zeros(len(t.lines), bool))
        for r in np.flatnonzero(flagged[codes] & ~skip):
            column, message = verdict[codes[r]]
            t.problem([r], column, message)


def _check_period(t: RawTable, start: str, end: str) -> None:
    both = t.usable(start) & t.usable(end)
    if not both.any():
        return
    a, b = t.stripped(start), t.stripped(end)
    rows = np.flatnonzero(both)
    bad = rows[a[rows] > b[rows]]  # ISO dates sort as text
    t.problem(bad, end, lambda r: f"period ends before it starts ({start} {a[r]} > {end} {b[r]})")


def _numbers(t: RawTable, column: str) -> np.ndarray:
    v = t.stripped(column)
    return pd.to_numeric(pd.Series(np.where(v == "", None, v)), errors="coerce").to_numpy(dtype=float)


def _check_usd(t: RawTable) -> None:
    if t.frame.empty:
        return
    amount, rate, usd = _numbers(t, "amount"), _numbers(t, "usd_per_unit"), _numbers(t, "amount_usd")
    currency = t.stripped("currency")
    has_rate, has_usd = t.usable("usd_per_unit"), t.usable("amount_usd")
    expected = amount * rate
    with np.errstate(invalid="ignore"):
        off = np.abs(usd - expected) > USD_TOLERANCE * np.maximum(np.abs(expected), 1.0)
    raw_usd = t.stripped("amount_usd")
    t.problem(np.flatnonzero(t.usable("amount") & has_rate & has_usd & off), "amount_usd",
              lambda r: f"does not match amount x usd_per_unit = {expected[r]:,.0f} ({_found(raw_usd[r])})")
    raw_rate = t.stripped("usd_per_unit")
    t.problem(np.flatnonzero(has_rate & (currency == "USD") & (rate != 1)), "usd_per_unit",
              lambda r: f"must be 1 when currency is USD ({_found(raw_rate[r])})")
    t.problem(np.flatnonzero(has_rate & ~has_usd & ~t.bad.get("amount_usd", np.zeros(len(t.lines), bool))),
              "amount_usd", "empty although usd_per_unit is given")


def _check_column_fields(t: RawTable) -> None:
    if t.frame.empty:
        return
    in_table = np.isin(t.stripped("in_column_table"), ["true", "True", "TRUE", "1"])
    for c in ("column_name", "column_parties"):
        v = t.stripped(c)
        empty = v == ""
        t.problem(np.flatnonzero(in_table & empty), c, "required for a Table 1 instrument (in_column_table is true)")
        t.problem(np.flatnonzero(~in_table & ~empty), c,
                  lambda r: f"only for Table 1 instruments, but in_column_table is false ({_found(v[r])})")
