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
from .load import RawTable, read_raw, to_frame

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
            if t.frame is not None and "source_ids" in t.frame.columns:
                _check_sources(t, ids)
    if _ok(tables, "actors"):
        actors = tables["actors"]
        _check_actor_codes(actors)
        kinds = dict(zip(actors.frame["actor_id"].str.strip(), actors.frame["actor_type"].str.strip()))
        for (name, column), allowed in ACTOR_ROLES.items():
            if _ok(tables, name):
                _check_actor_role(tables[name], column, allowed, kinds)
    for t in tables.values():
        if t.frame is not None:
            _check_precision(t)
    for name, (start, end) in PERIODS.items():
        if _ok(tables, name):
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
    s = t.frame[column].str.strip()
    return s[s != ""]


def _usable(t: RawTable, column: str) -> np.ndarray:
    """Positions of rows whose ``column`` is non-empty and not already reported."""
    s = t.frame[column].str.strip().to_numpy(dtype=object)
    mask = s != ""
    bad = t.bad.get(column)
    if bad:
        mask[list(bad)] = False
    return np.flatnonzero(mask)


def _check_foreign_keys(t: RawTable, tables: dict[str, RawTable]) -> None:
    for fk in t.resource.foreign_keys:
        ref = tables.get(fk.resource)
        if ref is None or ref.frame is None:
            continue
        rows = _usable(t, fk.fields[0])
        for c in fk.fields[1:]:
            rows = np.intersect1d(rows, _usable(t, c))
        if rows.size == 0:
            continue
        keys = list(zip(*(t.frame[c].str.strip().to_numpy()[rows] for c in fk.fields)))
        known = set(zip(*(ref.frame[c].str.strip() for c in fk.ref_fields)))
        bad = [r for r, k in zip(rows, keys) if k not in known]
        target = f"{ref.resource.path} {'+'.join(fk.ref_fields)}"
        column = "+".join(fk.fields)
        t.problem(bad, column, lambda r: f"not found in {target} ({_show(t, fk.fields, r)})")
        t.mark(fk.fields[0], bad)


def _show(t: RawTable, columns, r: int) -> str:
    vals = [t.frame[c].iat[r].strip() for c in columns]
    return "found " + ", ".join(repr(v) for v in vals)


def _check_sources(t: RawTable, known: set[str]) -> None:
    col = t.frame["source_ids"]
    for r in _usable(t, "source_ids"):
        missing = [s for s in col.iat[r].strip().split(";") if s.strip() not in known]
        if missing:
            t.problem([r], "source_ids", f"unknown source id, not in sources.csv (found {', '.join(map(repr, missing))})")


@lru_cache(maxsize=1)
def _iso3() -> frozenset[str]:
    import pycountry  # imported here: only validation needs it

    return frozenset(c.alpha_3 for c in pycountry.countries)


def _check_actor_codes(t: RawTable) -> None:
    ids = t.frame["actor_id"].str.strip()
    kinds = t.frame["actor_type"].str.strip()
    iso = _iso3()
    for r in _usable(t, "actor_id"):
        a, k = ids.iat[r], kinds.iat[r]
        if k == "state" and a not in iso:
            t.problem([r], "actor_id", f"not an ISO 3166-1 alpha-3 country code ({_found(a)})")
        elif k == "company" and not (a[:1].islower()):
            t.problem([r], "actor_id", f"company ids are lowercase slugs ({_found(a)})")
        elif k == "bloc" and a in iso:
            t.problem([r], "actor_id", f"a bloc cannot use a country's ISO code ({_found(a)})")


def _found(v) -> str:
    return f"found {v!r}"


def _check_actor_role(t: RawTable, column: str, allowed: set[str], kinds: dict[str, str]) -> None:
    ids = t.frame[column].str.strip()
    want = " or ".join(sorted(allowed))
    for r in _usable(t, column):
        kind = kinds.get(ids.iat[r])
        if kind is not None and kind not in allowed:
            t.problem([r], column, f"must name a {want}, but this actor is a {kind} ({_found(ids.iat[r])})")


def _check_precision(t: RawTable) -> None:
    cols = set(t.frame.columns)
    for pc in [c for c in t.frame.columns if c.endswith("_precision")]:
        dc = pc[: -len("_precision")]
        if dc not in cols:
            continue
        dates = t.frame[dc].str.strip()
        precs = t.frame[pc].str.strip()
        bad_date = t.bad.get(dc, set())
        for r in np.flatnonzero(((dates != "") | (precs != "")).to_numpy()):
            if r in bad_date or r in t.bad.get(pc, set()):
                continue
            d, p = dates.iat[r], precs.iat[r]
            if d and not p:
                t.problem([r], pc, f"required when {dc} is given (day, month or year)")
            elif p and not d:
                t.problem([r], pc, f"given but {dc} is empty ({_found(p)})")
            elif p == "month" and not d.endswith("-01"):
                t.problem([r], dc, f"month precision: store the first day of the month ({_found(d)})")
            elif p == "year" and not d.endswith("-01-01"):
                t.problem([r], dc, f"year precision: store 1 January ({_found(d)})")


def _check_period(t: RawTable, start: str, end: str) -> None:
    rows = np.intersect1d(_usable(t, start), _usable(t, end))
    a = t.frame[start].str.strip()
    b = t.frame[end].str.strip()
    bad = [r for r in rows if a.iat[r] > b.iat[r]]  # ISO dates sort as text
    t.problem(bad, end, lambda r: f"period ends before it starts ({start} {a.iat[r]} > {end} {b.iat[r]})")


def _check_usd(t: RawTable) -> None:
    f = t.frame
    amount, rate, usd = (pd.to_numeric(f[c].str.strip().replace("", None), errors="coerce")
                         for c in ("amount", "usd_per_unit", "amount_usd"))
    currency = f["currency"].str.strip()
    rows = np.intersect1d(np.intersect1d(_usable(t, "amount"), _usable(t, "usd_per_unit")), _usable(t, "amount_usd"))
    for r in rows:
        expected = amount.iat[r] * rate.iat[r]
        if abs(usd.iat[r] - expected) > USD_TOLERANCE * max(abs(expected), 1.0):
            t.problem([r], "amount_usd",
                      f"does not match amount x usd_per_unit = {expected:,.0f} ({_found(f['amount_usd'].iat[r].strip())})")
    for r in _usable(t, "usd_per_unit"):
        if currency.iat[r] == "USD" and rate.iat[r] != 1:
            t.problem([r], "usd_per_unit", f"must be 1 when currency is USD ({_found(f['usd_per_unit'].iat[r].strip())})")
    for r in np.setdiff1d(_usable(t, "usd_per_unit"), _usable(t, "amount_usd")):
        t.problem([r], "amount_usd", "empty although usd_per_unit is given")


def _check_column_fields(t: RawTable) -> None:
    f = t.frame
    in_table = f["in_column_table"].str.strip().isin(["true", "True", "TRUE", "1"]).to_numpy()
    for c in ("column_name", "column_parties"):
        empty = (f[c].str.strip() == "").to_numpy()
        t.problem(np.flatnonzero(in_table & empty), c, "required for a Table 1 instrument (in_column_table is true)")
        t.problem(np.flatnonzero(~in_table & ~empty), c,
                  lambda r: f"only for Table 1 instruments, but in_column_table is false ({_found(f[c].iat[r])})")
