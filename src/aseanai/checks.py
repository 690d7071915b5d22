"""Check the whole data package: every file against the contract, then across files.

Each problem is reported as ``FILE:LINE: COLUMN: what is wrong (what was found)``
with the CSV's own line number, and all problems are reported at once.

The checks here are the domain's: foreign keys and source ids, what kind of
actor a column may name, dated periods, shares, chains of restatements,
status dates and money. Their parameters (which columns, which kinds, the
tolerance) are rules of the library's contract, next to the tables they
govern, in ``aseanai/contract/datapackage.json``.
"""
from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache

import numpy as np
import pandas as pd

from .datapackage import DataError, Package, Problem, found, read_package
from .reader import RawTable, read_raw, to_frame

__all__ = ["validate", "load_all", "check_package"]


def validate(data_dir: str | os.PathLike | None = None) -> list[Problem]:
    """Check every dataset and return the list of problems (empty when clean).

    Examples
    --------
    >>> import aseanai
    >>> aseanai.validate()
    []
    """
    return _read_and_check(data_dir)[0]


def load_all(data_dir: str | os.PathLike | None = None) -> dict[str, pd.DataFrame]:
    """Validate the package and load every dataset, keyed by name (one pass: the files are read once).

    Raises
    ------
    DataError
        If :func:`validate` finds any problem.
    """
    problems, tables = _read_and_check(data_dir, raise_unreadable=True)
    if problems:
        raise DataError(problems)
    return {name: to_frame(t) for name, t in tables.items()}


def _read_and_check(data_dir, raise_unreadable: bool = False) -> tuple[list[Problem], dict[str, RawTable]]:
    try:
        pkg = read_package(data_dir)
    except DataError as exc:
        if raise_unreadable:
            raise
        return list(exc.problems), {}
    tables = {name: read_raw(pkg, name) for name in pkg.names}
    return check_package(pkg, tables), tables


def check_package(pkg: Package, tables: dict[str, RawTable]) -> list[Problem]:
    """Run the cross-table and domain checks on tables read by :func:`aseanai.reader.read_raw`."""
    for t in tables.values():
        if t.frame is not None:
            _check_foreign_keys(t, tables)
            _check_chains(t)
    for t in tables.values():
        for f in t.resource.fields:
            ref = f.rules.get("x-eachIn")
            if ref and _ok(tables, ref["resource"]) and t.frame is not None and not t.frame.empty:
                _check_list_refs(t, f.name, f.delimiter, tables[ref["resource"]], ref["field"])
    actors = pkg.rules.get("x-actors")
    if actors and _ok(tables, actors["resource"]) and not tables[actors["resource"]].frame.empty:
        a = tables[actors["resource"]]
        _check_actor_codes(a, actors["id"], actors["type"])
        kinds = dict(zip(a.stripped(actors["id"]), a.stripped(actors["type"])))
        for t in tables.values():
            for f in t.resource.fields:
                if "x-actorTypes" in f.rules and t.frame is not None and not t.frame.empty:
                    _check_actor_role(t, f.name, set(f.rules["x-actorTypes"]), kinds)
            rule = t.resource.rules.get("x-weightingByActor")
            if rule and t.frame is not None and not t.frame.empty:
                _check_by_actor_kind(t, rule, kinds)
    suffix = pkg.rules.get("x-precisionSuffix", "_precision")
    dated = _source_dates(tables["sources"]) if _ok(tables, "sources") else None
    for t in tables.values():
        if t.frame is None or t.frame.empty:
            continue
        rules = t.resource.rules
        _check_precision(t, suffix)
        for period in rules.get("x-periods", []):
            _check_period(t, period["from"], period["to"])
            if period.get("noOverlapWithin"):
                _check_overlap(t, period["from"], period["to"], period["noOverlapWithin"])
        for rule in rules.get("x-sumAtMost", []):
            _check_sum(t, rule["field"], rule["within"], rule["max"])
        if "x-usd" in rules:
            _check_usd(t, rules["x-usd"])
        if "x-status" in rules:
            _check_status(t, rules["x-status"])
        if "x-levelNeedsSource" in rules and _ok(tables, "sources"):
            for rule in rules["x-levelNeedsSource"]:
                _check_level_source(t, rule, tables["sources"])
        if "x-reportedBy" in rules and dated is not None:
            for rule in rules["x-reportedBy"]:
                column = rule["date"]
                rows = np.flatnonzero(t.usable(column) & t.usable(rule["sources"]))
                _check_reported(t, rows, column, rule["sources"], dated)
        for rule in rules.get("x-requiredWhen", []):
            _check_required_when(t, rule)
        for group in rules.get("x-anyOf", []):
            _check_any_of(t, group)
        if "x-onePreferred" in rules:
            _check_one_preferred(t, rules["x-onePreferred"]["flag"], rules["x-onePreferred"]["within"])
        if "x-binarySum" in rules:
            rule = rules["x-binarySum"]
            ref = rule["binary"]
            if _ok(tables, ref["resource"]):
                _check_binary_sum(t, rule, tables[ref["resource"]])
    problems = [*pkg.problems, *(p for t in tables.values() for p in t.problems)]
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.message))


def _ok(tables: dict[str, RawTable], name: str) -> bool:
    return name in tables and tables[name].frame is not None


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


def _check_list_refs(t: RawTable, column: str, delimiter: str, ref: RawTable, ref_column: str) -> None:
    """Each item of a list column (``a;b``) must be a key of ``ref`` (source ids in sources.csv)."""
    keys = ref.column(ref_column).values
    known = set(keys[keys != ""].tolist())
    col = t.column(column)
    unknown = [[s for s in v.split(delimiter) if s.strip() not in known] if v else [] for v in col.values]
    has = np.array([bool(u) for u in unknown], dtype=bool)
    rows = np.flatnonzero(col.per_row(has) & t.usable(column))
    t.problem(rows, column, lambda r: f"unknown {ref_column.replace('_', ' ')}, not in {ref.resource.path} (found "
              + ", ".join(map(repr, unknown[col.codes[r]])) + ")")


@lru_cache(maxsize=1)
def _iso3() -> frozenset[str]:
    import pycountry  # imported here: only validation needs it

    return frozenset(c.alpha_3 for c in pycountry.countries)


def _check_actor_codes(t: RawTable, id_column: str, type_column: str) -> None:
    ids, kinds = t.stripped(id_column), t.stripped(type_column)
    iso = _iso3()
    for r in np.flatnonzero(t.usable(id_column)):
        a, k = ids[r], kinds[r]
        if k == "state" and a not in iso:
            t.problem([r], id_column, f"not an ISO 3166-1 alpha-3 country code ({found(a)})")
        elif k == "company" and not a[:1].islower():
            t.problem([r], id_column, f"company ids are lowercase slugs ({found(a)})")
        elif k == "bloc" and a in iso:
            t.problem([r], id_column, f"a bloc cannot use a country's ISO code ({found(a)})")


def _check_actor_role(t: RawTable, column: str, allowed: set[str], kinds: dict[str, str]) -> None:
    if t.frame.empty:
        return
    col = t.column(column)
    kind_of = [kinds.get(v) for v in col.values]
    wrong = np.array([k is not None and k not in allowed for k in kind_of], dtype=bool)
    want = " or ".join(sorted(allowed))
    rows = np.flatnonzero(col.per_row(wrong) & t.usable(column))
    t.problem(rows, column, lambda r: f"must name a {want}, but this actor is a "
              f"{kind_of[col.codes[r]]} ({found(col.values[col.codes[r]])})")


def _check_precision(t: RawTable, suffix: str) -> None:
    cols = set(t.frame.columns)
    for pc in [c for c in t.frame.columns if c.endswith(suffix)]:
        dc = pc[: -len(suffix)]
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
                verdict.append((pc, f"given but {dc} is empty ({found(pv)})"))
            elif pv == "month" and not dv.endswith("-01"):
                verdict.append((dc, f"month precision: store the first day of the month ({found(dv)})"))
            elif pv == "year" and not dv.endswith("-01-01"):
                verdict.append((dc, f"year precision: store 1 January ({found(dv)})"))
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


def _check_usd(t: RawTable, rule: dict) -> None:
    a, cur, r, u = rule["amount"], rule["currency"], rule["rate"], rule["usd"]
    amount, rate, usd = _numbers(t, a), _numbers(t, r), _numbers(t, u)
    currency = t.stripped(cur)
    has_rate, has_usd = t.usable(r), t.usable(u)
    expected = amount * rate
    with np.errstate(invalid="ignore"):
        off = np.abs(usd - expected) > rule["tolerance"] * np.maximum(np.abs(expected), 1.0)
    raw_usd = t.stripped(u)
    t.problem(np.flatnonzero(t.usable(a) & has_rate & has_usd & off), u,
              lambda i: f"does not match {a} x {r} = {expected[i]:,.0f} ({found(raw_usd[i])})")
    raw_rate = t.stripped(r)
    t.problem(np.flatnonzero(has_rate & (currency == "USD") & (rate != 1)), r,
              lambda i: f"must be 1 when {cur} is USD ({found(raw_rate[i])})")
    t.problem(np.flatnonzero(has_rate & ~has_usd & ~t.bad.get(u, np.zeros(len(t.lines), bool))),
              u, f"empty although {r} is given")


def _truth(t: RawTable, column: str) -> np.ndarray:
    f = t.resource.field_map[column]
    return np.isin(t.stripped(column), list(f.true_values))


def _check_required_when(t: RawTable, rule: dict) -> None:
    """Columns required when a boolean flag is true (for ``rule["what"]``), and, where the rule is
    ``exclusive``, empty when it is false (Table 1's own text belongs to Table 1 instruments only)."""
    flag, what = rule["flag"], rule.get("what", f"a row whose {rule['flag']} is true")
    on = _truth(t, flag)
    for c in rule["fields"]:
        v = t.stripped(c)
        empty = v == ""
        t.problem(np.flatnonzero(on & empty), c, f"required for {what} ({flag} is true)")
        if rule.get("exclusive"):
            t.problem(np.flatnonzero(~on & ~empty), c,
                      lambda r: f"only for {what}, but {flag} is false ({found(v[r])})")


# ---------------------------------------------------------------- meaning checks


def _check_sum(t: RawTable, column: str, within: list[str], most: float) -> None:
    """Within each group (the companies of one data-centre event), the values add up to at most ``most``."""
    usable = t.usable(column) & np.logical_and.reduce([t.usable(c) for c in within])
    if not usable.any():
        return
    rows = np.flatnonzero(usable)
    keys = pd.MultiIndex.from_arrays([t.stripped(c)[rows] for c in within])
    values = _numbers(t, column)[rows]
    total = pd.Series(values).groupby(keys.codes[0] if len(within) == 1 else pd.factorize(keys)[0]).transform("sum")
    over = total.to_numpy() > most + 1e-9
    if not over.any():
        return
    group = pd.factorize(keys)[0]
    first = {}
    for i in np.flatnonzero(over):
        first.setdefault(group[i], []).append(i)
    for g, members in first.items():
        lines = ", ".join(str(int(t.lines[rows[i]])) for i in members)
        what = ", ".join(f"{c}={t.stripped(c)[rows[members[0]]]!r}" for c in within)
        t.problem([rows[members[0]]], column, f"the {column}s of {what} add up to {total.iloc[members[0]]:g}, "
                                              f"more than {most:g} (lines {lines})")


def _check_chains(t: RawTable) -> None:
    """A self-reference (``restates_id``, ``builds_on_id``) may not point at its own row or form a cycle."""
    for fk in t.resource.foreign_keys:
        if fk.resource != t.resource.name or len(fk.fields) != 1:
            continue
        col, key = fk.fields[0], fk.ref_fields[0]
        usable = t.usable(col)
        if not usable.any():
            continue
        ids, refs = t.stripped(key), t.stripped(col)
        row_of = {k: r for r, k in enumerate(ids)}
        target = {r: row_of[refs[r]] for r in np.flatnonzero(usable) if refs[r] in row_of}
        state: dict[int, int] = {}  # 1: on the current path, 2: done
        for start in target:
            path = []
            r = start
            while r in target and state.get(r) is None:
                state[r] = 1
                path.append(r)
                r = target[r]
            if r in target and state.get(r) == 1:  # a cycle through r
                cycle = path[path.index(r):]
                if len(cycle) == 1:
                    t.problem(cycle, col, f"points at its own row ({found(refs[r])})")
                else:
                    ring = " -> ".join(ids[i] for i in [*cycle, cycle[0]])
                    t.problem(cycle, col, f"forms a cycle ({ring}), so none of them counts ({found(refs[cycle[0]])})"
                              if False else f"forms a cycle: {ring} ({found(refs[cycle[0]])})")
            for p in path:
                state[p] = 2


def _check_overlap(t: RawTable, start: str, end: str, within: list[str]) -> None:
    """Periods of the same key (a company's origin on one basis) may not overlap: row order would decide."""
    keep = np.logical_and.reduce([t.usable(c) for c in within])
    if not keep.any():
        return
    a = np.where(t.usable(start), t.stripped(start), "0000-00-00")
    b = np.where(t.usable(end), t.stripped(end), "9999-99-99")
    rows = np.flatnonzero(keep & (a <= b))
    groups = pd.Series(rows).groupby([t.stripped(c)[rows] for c in within]).agg(list)
    for members in groups:
        if len(members) < 2:
            continue
        members = sorted(members, key=lambda r: (a[r], b[r]))
        latest = members[0]
        for r in members[1:]:
            if a[r] < b[latest]:  # the end is exclusive: one period may start on the day the other ends
                what = ", ".join(f"{c} {t.stripped(c)[r]!r}" for c in within)
                t.problem([r], start, f"overlaps the period on line {int(t.lines[latest])} for the same {what} "
                                      f"({_period(a[latest], b[latest])} and {_period(a[r], b[r])}), "
                                      f"so row order would decide")
            if b[r] > b[latest]:
                latest = r


def _period(a: str, b: str) -> str:
    return f"{'open' if a.startswith('0000') else a} to {'open' if b.startswith('9999') else b}"


def _check_status(t: RawTable, rule: dict) -> None:
    """A status confirms an event: its date is given where required, on or before ``status_as_of``, and
    on or before today. That a source reports the event is the rule ``x-reportedBy`` (:func:`_check_reported`)."""
    status, as_of = t.stripped(rule["field"]), t.stripped(rule["asOf"])
    has_as_of = t.usable(rule["asOf"])
    today = dt.date.today().isoformat()
    for value, event in rule["events"].items():
        column = event["date"]
        mine = np.flatnonzero(status == value)
        if not len(mine):
            continue
        date, ok = t.stripped(column), t.usable(column)
        if event.get("required"):
            reported = t.bad.get(column, np.zeros(len(t.lines), bool))
            t.problem(mine[(date[mine] == "") & ~reported[mine]], column,
                      f"required when {rule['field']} is {value!r}: when did it happen?")
        rows = mine[ok[mine]]
        early = rows[has_as_of[rows] & (as_of[rows] < date[rows])]  # ISO dates sort as text
        t.problem(early, rule["asOf"], lambda r: f"earlier than the {column} it confirms ({rule['asOf']} {as_of[r]} "
                                                 f"< {column} {date[r]}): a status cannot be known before the event")
        t.problem(rows[date[rows] > today], column,
                  lambda r: f"{rule['field']} is {value!r} but the date is after today ({today}) ({found(date[r])})")


def _check_reported(t: RawTable, rows: np.ndarray, column: str, cited_in: str, dated: dict[str, str | None]) -> None:
    """Each row's ``column`` date is reported by some cited source dated on or after it.

    A source published before an event cannot report it (it can only announce it): when every cited
    source with a known date is older than the row's date, the row says something its sources do not.
    A row citing an undated source is not judged. The latest date is worked out once per distinct list of
    sources (lists repeat), then compared with each row's date.
    """
    if not len(rows):
        return
    col, sep = t.column(cited_in), t.resource.field_map[cited_in].delimiter
    latest = np.array([_latest_date(v, dated, sep) for v in col.values], dtype=object)[col.codes[rows]]
    date = t.stripped(column)[rows]
    judged = latest != ""
    early = latest[judged] < date[judged]
    for r, d, when in zip(rows[judged][early], latest[judged][early], date[judged][early]):
        t.problem([r], cited_in, f"{column} {when} is backed only by sources dated before it "
                                 f"(latest {d.replace('-99', '')}); cite one that reports the event")


def _latest_date(cited: str, dated: dict[str, str | None], delimiter: str) -> str:
    """The latest date among the cited sources, or "" when none is known or one of them is undated."""
    dates = [dated.get(s.strip()) for s in cited.split(delimiter) if s.strip() in dated]
    return "" if not dates or None in dates else max(dates)


def _check_level_source(t: RawTable, rule: dict, sources: RawTable) -> None:
    """A row whose evidence level is ``rule["level"]`` cites at least one source whose type is ``rule["sourceType"]``.

    ``official`` means a government or ASEAN page or a verbatim reproduction of one (a mirror keeps the
    type of what it reproduces), so an ``official`` row that cites only news cannot be right. Judged once
    per distinct list of sources.
    """
    field, cited_in, want = rule["field"], rule["sources"], rule["sourceType"]
    kind = dict(zip(sources.stripped("source_id"), sources.stripped("source_type")))
    col, sep = t.column(cited_in), t.resource.field_map[cited_in].delimiter
    kinds = [sorted({kind[s.strip()] for s in v.split(sep) if s.strip() in kind}) for v in col.values]
    short = np.array([bool(k) and want not in k for k in kinds], dtype=bool)
    rows = np.flatnonzero((t.stripped(field) == rule["level"]) & short[col.codes])  # an old source is still a source
    t.problem(rows, field, lambda r: f"{rule['level']!r} but no cited source is of type {want!r} "
                                     f"(cited: {', '.join(kinds[col.codes[r]])})")


def _source_dates(sources: RawTable) -> dict[str, str | None]:
    """Each source's latest possible date (published, at its precision, or accessed), or None when it has neither.

    A month-precision date stands for any day of that month, so ``2023-12-01`` (month) becomes ``2023-12-99``,
    which sorts after every day of December 2023.
    """
    if sources.frame is None or sources.frame.empty:
        return {}
    ids = sources.stripped("source_id")
    pub = np.where(sources.usable("published_on"), sources.stripped("published_on"), "")
    prec = sources.stripped("published_on_precision")
    pub = np.array([p[:7] + "-99" if k == "month" else p[:4] + "-99-99" if k == "year" else p
                    for p, k in zip(pub, prec)], dtype=object) if len(pub) else pub
    acc = np.where(sources.usable("accessed_on"), sources.stripped("accessed_on"), "")
    return {i: (max(p, a) or None) for i, p, a in zip(ids, pub, acc)}


def _check_any_of(t: RawTable, columns: list[str]) -> None:
    """At least one of ``columns`` holds a value (a share as a number, or the source's words for it)."""
    empty = np.logical_and.reduce([t.stripped(c) == "" for c in columns])
    t.problem(np.flatnonzero(empty), columns[0], f"empty, and so is {' and '.join(columns[1:])}: give one of them")


def _group_codes(t: RawTable, within: list[str], rows: np.ndarray) -> np.ndarray:
    keys = pd.MultiIndex.from_arrays([t.stripped(c)[rows] for c in within])
    return pd.factorize(keys)[0]


def _check_one_preferred(t: RawTable, flag: str, within: list[str]) -> None:
    """Exactly one row of each group (one figure: edition, country, question, answer, weighting) is preferred.

    Two preferred values would let row order decide which one a chart shows; none would drop the figure silently.
    """
    rows = np.flatnonzero(np.logical_and.reduce([t.usable(c) for c in within]))
    if not len(rows):
        return
    on = _truth(t, flag)[rows]
    group = _group_codes(t, within, rows)
    count = np.bincount(group, weights=on.astype(float), minlength=group.max() + 1)
    what = lambda i: ", ".join(f"{c} {t.stripped(c)[rows[i]]!r}" for c in within)  # noqa: E731
    reported = set()
    for i, g in enumerate(group):
        if g in reported:
            continue
        members = rows[group == g]
        lines = ", ".join(str(int(t.lines[r])) for r in members)
        if count[g] > 1:
            first = members[on[group == g]]
            t.problem([first[1]], flag, f"two preferred values for one figure ({what(i)}; lines {lines}): mark one")
            reported.add(g)
        elif count[g] == 0:
            t.problem([members[0]], flag, f"no preferred value for this figure ({what(i)}; lines {lines}): mark one")
            reported.add(g)


def _check_binary_sum(t: RawTable, rule: dict, questions: RawTable) -> None:
    """Where both sides of a two-answer question are stated, their preferred values add up to about the total.

    A side that no source states is simply absent: a lone value is never checked, and never completed.
    """
    field, within, flag = rule["field"], rule["within"], rule["flag"]
    ref = rule["binary"]
    binary_of = dict(zip(questions.stripped(ref["key"]), _truth(questions, ref["field"])))
    q = t.stripped(ref["key"])
    ok = t.usable(field) & _truth(t, flag) & np.array([bool(binary_of.get(v, False)) for v in q], dtype=bool)
    ok &= np.logical_and.reduce([t.usable(c) for c in within])
    rows = np.flatnonzero(ok)
    if not len(rows):
        return
    values = _numbers(t, field)[rows]
    group = _group_codes(t, within, rows)
    for g in np.unique(group):
        members = rows[group == g]
        if len(members) < 2:
            continue
        total = float(values[group == g].sum())
        if abs(total - rule["total"]) > rule["tolerance"] + 1e-9:
            lines = ", ".join(str(int(t.lines[r])) for r in members)
            shown = " + ".join(f"{v:g}" for v in values[group == g])
            t.problem([members[0]], field, f"the two sides of a two-answer question add up to {shown} = {total:g}, "
                                          f"not {rule['total']:g} (within {rule['tolerance']:g}) (lines {lines})")


def _check_by_actor_kind(t: RawTable, rule: dict, kinds: dict[str, str]) -> None:
    """A value allowed only for some kinds of actor: a state's row is its own sample, a bloc's row a weighted total."""
    field, actor = rule["field"], rule["actor"]
    values, actors = t.stripped(field), t.stripped(actor)
    for r in np.flatnonzero(t.usable(field) & t.usable(actor)):
        kind = kinds.get(actors[r])
        allowed = rule.get(kind)
        if allowed is not None and values[r] not in allowed:
            want = ", ".join(allowed)
            t.problem([r], field, f"for a {kind} ({actors[r]}) must be one of: {want} ({found(values[r])})")
