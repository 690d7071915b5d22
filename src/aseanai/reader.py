"""Read the curated CSV files and load them as typed DataFrames.

Reading happens in two steps, both driven by the library's contract
(:func:`aseanai.datapackage.read_contract`). :func:`read_raw` reads a CSV file as text,
keeps each record's line number and checks the file against its Table Schema
field by field (required values, types, enums, patterns, bounds, keys).
:func:`to_frame` then turns the checked text into typed columns: ``string``,
``Int64``, ``Float64``, ``boolean``, dates, and ordered categoricals for
fields with an enum.

Checks run on each column's distinct values (found with a hash table in C)
and are mapped back to rows, so the cost grows with the number of distinct
values rather than with rows times checks.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from dataclasses import dataclass, field as dc_field
from functools import lru_cache

import numpy as np
import pandas as pd

from .datapackage import (DataError, Package, Problem, Resource, describe_os_error, display_path, found, read_contract,
                          read_package)

__all__ = ["load", "read_raw", "to_frame", "RawTable"]

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Below this many bytes a file is read with the csv module (exact line numbers, no pandas parser setup).
_SMALL_FILE = 1 << 20
_INT = r"[+-]?\d+"
_NUM = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
_KIND = {"date": "not a valid date (YYYY-MM-DD)", "integer": "not a whole number", "number": "not a number",
         "boolean": "not true or false"}


@dataclass
class Column:
    """One column as distinct values: ``values[codes]`` gives the rows back (already stripped)."""

    codes: np.ndarray  # int, one per row
    raw: np.ndarray  # distinct values as written (or every row's value, when ``distinct`` is false)
    values: np.ndarray  # the same, stripped of surrounding spaces
    distinct: bool = True  # false for a free-text column kept row by row: ``raw`` may then repeat a value

    def rows(self, mask_over_values: np.ndarray) -> np.ndarray:
        """Row positions whose value is flagged in a boolean mask over the distinct values."""
        if not mask_over_values.any():
            return np.array([], dtype=np.int64)
        return np.flatnonzero(mask_over_values[self.codes])

    def per_row(self, over_values: np.ndarray) -> np.ndarray:
        return over_values[self.codes]


@dataclass
class RawTable:
    """A CSV file read as text, with the line on which each record starts."""

    resource: Resource
    file: str
    frame: pd.DataFrame | None  # all columns object dtype, "" for empty
    lines: np.ndarray  # line number of each record, aligned with frame rows
    problems: list[Problem] = dc_field(default_factory=list)
    bad: dict = dc_field(default_factory=dict)  # column -> bool mask of rows already reported
    _columns: dict = dc_field(default_factory=dict, repr=False)
    arrays: dict | None = dc_field(default=None, repr=False)  # column -> object array, when read by the csv module

    def column(self, name: str) -> Column:
        """The column's distinct values and codes (computed once).

        A free-text column whose values are mostly distinct (names, titles, ids)
        is not factorised: its rows are its values (codes ``0..n-1``), since
        hashing a million distinct strings costs more than it saves.
        """
        if name not in self._columns:
            values = self.arrays[name] if self.arrays is not None else self.frame[name].to_numpy(dtype=object)
            distinct = not _mostly_distinct(self.resource.field_map.get(name), values)
            codes, raw = _factorize(values) if distinct else (np.arange(len(values), dtype=np.intp), values)
            self._columns[name] = Column(codes, raw, _stripped(raw), distinct)
        return self._columns[name]

    def key_codes(self, columns) -> np.ndarray:
        """One integer per row, equal for rows whose (stripped) values in ``columns`` are equal."""
        combined = None
        for name in columns:
            c = self.column(name)
            codes = c.codes
            if c.values is not c.raw or not c.distinct:  # two raw values may strip to the same value, or repeat
                vcodes, _ = _factorize(c.values)
                codes = np.asarray(vcodes)[codes]
            combined = codes.astype(np.int64) if combined is None else \
                pd.factorize(combined * (int(codes.max(initial=0)) + 1) + codes)[0].astype(np.int64)
        return combined

    def stripped(self, name: str) -> np.ndarray:
        """The column's values per row, stripped (an object array)."""
        c = self.column(name)
        return c.values[c.codes] if len(c.codes) else np.array([], dtype=object)

    def problem(self, rows, column: str, message_of) -> None:
        """Record a problem for each row position in ``rows``.

        ``message_of`` is a string, or a function from row position to string.
        """
        for r in rows:
            msg = message_of(r) if callable(message_of) else message_of
            self.problems.append(Problem(self.file, int(self.lines[r]), column, msg))

    def mark(self, column: str, rows) -> None:
        """Remember cells already reported, so that later checks skip them."""
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return
        if column not in self.bad:
            self.bad[column] = np.zeros(len(self.lines), dtype=bool)
        self.bad[column][rows] = True

    def usable(self, column: str) -> np.ndarray:
        """Boolean mask of rows whose ``column`` is non-empty and not already reported."""
        c = self.column(column)
        mask = c.per_row(c.values != "") if len(c.codes) else np.array([], dtype=bool)
        if column in self.bad:
            mask = mask & ~self.bad[column]
        return mask


def _mostly_distinct(f, values: np.ndarray) -> bool:
    """Whether a column is free text (a string with no enum and no rule) whose first 1,000 values are mostly distinct."""
    if len(values) <= 1000 or f is None or f.type != "string" or f.enum is not None or f.rules:
        return False
    return len(set(values[:1000].tolist())) > 500


def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values (in order of first appearance), as :func:`pandas.factorize` gives them.

    A dictionary is quicker than pandas for the few hundred values of a small table; pandas for more.
    """
    if len(values) > 1000:
        codes, uniques = pd.factorize(values)
        return codes, np.asarray(uniques, dtype=object)
    seen: dict = {}
    codes = np.fromiter((seen.setdefault(v, len(seen)) for v in values), dtype=np.intp, count=len(values))
    return codes, np.array(list(seen), dtype=object)


_LEAD_SPACE = re.compile(r"\n[^\S\n]")  # a literal first character: the scan runs at C speed


def _edge_space(joined: str) -> bool:
    """Whether any line of ``joined`` starts or ends with white space (other than the line break).

    Trailing space is found as leading space in the reversed text, so both scans start from a literal
    line break, which the regular expression engine finds quickly.
    """
    first, last = joined[:1], joined[-1:]
    return ((first != "\n" and first.isspace()) or (last != "\n" and last.isspace())
            or _LEAD_SPACE.search(joined) is not None or _LEAD_SPACE.search(joined[::-1]) is not None)


def _as_lines(values: np.ndarray) -> str | None:
    """The values joined by line breaks, for one regular expression scan over all of them (in C).

    None when a loop over the values is as quick (64 or fewer), or when a value
    holds a line break of its own (a line would then not be a value).
    """
    if len(values) <= 64:
        return None
    joined = "\n".join(values)
    return joined if joined.count("\n") == len(values) - 1 else None


def _stripped(raw: np.ndarray) -> np.ndarray:
    """The values stripped of surrounding white space; ``raw`` itself when no value has any.

    One regular expression scan over the values joined by line breaks finds
    out whether any value starts or ends with white space; only then is each
    value stripped.
    """
    joined = _as_lines(raw)
    if joined is not None and not _edge_space(joined):
        return raw
    return np.array([v.strip() for v in raw], dtype=object)


def read_raw(pkg: Package, name: str) -> RawTable:
    """Read one resource as text and check it against its schema."""
    res = pkg.resource(name)
    path = pkg.path(res)
    shown = display_path(path)
    empty = RawTable(res, shown, None, np.array([], dtype=np.int64))
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "is a directory")
        raw = path.read_bytes()
    except OSError as exc:
        empty.problems.append(Problem(display_path(pkg.root / "datapackage.json"), res.descriptor_line or 1,
                                      f"resources[{name}].path", f"{describe_os_error(exc, path)} ({shown})"))
        return empty
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _locate_byte(raw, exc.start, res)
        empty.problems.append(
            Problem(shown, line, column, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
        )
        return empty
    if not text.strip():
        empty.problems.append(Problem(shown, 1, "*", "file is empty (expected a header row)"))
        return empty

    first_line = text.split("\n", 1)[0].rstrip("\r")
    try:
        header = next(csv.reader([first_line], strict=True))
    except csv.Error as exc:
        empty.problems.append(Problem(shown, 1, "*", f"not valid CSV: {_csv_reason(exc)}"))
        return empty
    if _header_problems(header, res, shown, empty.problems):
        return empty

    small = len(raw) < _SMALL_FILE  # the csv module is quicker than pandas' setup for a small file, and exact
    parsed = (None if small else _read_fast(raw, header)) or _read_exact(text, header, shown, empty.problems)
    if parsed is None:
        return empty
    frame, lines, arrays = parsed
    table = RawTable(res, shown, frame, lines, empty.problems, arrays=arrays)
    if frame.empty and res.rules.get("x-minRows", 0) > 0:
        table.problems.append(Problem(shown, 1, "*", "the table has no rows, only its header "
                                                     f"(the contract requires at least {res.rules['x-minRows']})"))
    _check_fields(table)
    _check_keys(table)
    return table


def _csv_reason(exc: csv.Error) -> str:
    """The csv module's complaint in a curator's words."""
    text = str(exc)
    if "new-line character seen in unquoted field" in text:
        return ("a line ends in a bare carriage return (CR, old Mac line endings); "
                "save the file with LF or CRLF line endings")
    if "unexpected end of data" in text or "EOF" in text:
        return "a quote is opened and never closed (check the \" characters)"
    if "expected after" in text:
        return "text after a closing quote (a quote inside a quoted field must be doubled: \"\")"
    if "field larger than field limit" in text:
        return "a field is longer than the csv limit (an unclosed quote?)"
    if "line contains NUL" in text or "NUL" in text:
        return "the line contains a NUL byte (is this a binary file?)"
    return text


def _header_problems(header: list[str], res: Resource, shown: str, problems: list[Problem]) -> bool:
    expected = res.field_names
    if header == expected:
        return False
    if len(header) == 1 and len(expected) > 1 and (";" in header[0] or "\t" in header[0]):
        sep = "';'" if ";" in header[0] else "a tab"
        problems.append(Problem(shown, 1, "*", f"the header is one column: the file seems to use {sep} between "
                                               f"columns; save it with ',' as the delimiter ({found(header[0])})"))
        return True
    if "" in header:
        for i, c in enumerate(header, 1):
            if c == "":
                hint = "a trailing comma at the end of the header?" if i == len(header) else "two commas in a row?"
                problems.append(Problem(shown, 1, f"field {i}", f"empty column name ({hint})"))
        named = [c for c in header if c != ""]
        if named == expected:
            return True
        header = named
    missing = [c for c in expected if c not in header]
    unknown = [c for c in header if c not in expected]
    dupes = sorted({c for c in header if header.count(c) > 1})
    for c in missing:
        problems.append(Problem(shown, 1, c, "column missing from the header"))
    for c in unknown:
        problems.append(Problem(shown, 1, c, "column not in datapackage.json (add it to the schema first)"))
    for c in dupes:
        problems.append(Problem(shown, 1, c, "column appears twice in the header"))
    if not (missing or unknown or dupes or len(header) != len(expected)):
        problems.append(Problem(shown, 1, "*", f"columns out of order (expected {', '.join(expected)})"))
    return True


def _read_fast(raw: bytes, header: list[str]):
    """pandas' C parser, when every record is one whole line; else None (then :func:`_read_exact` runs).

    The C parser silently pads a short row and keeps blank lines, so the
    lines are checked first: none blank, and each with exactly one field per
    column. The check counts commas and line breaks over the file's bytes with
    numpy (in UTF-8 neither byte occurs inside another character); only lines
    holding a quote go through the csv module, one by one.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    data = np.frombuffer(raw, dtype=np.uint8)
    ends = np.flatnonzero(data == 10)
    if len(ends) == 0 or ends[-1] != len(data) - 1:
        ends = np.append(ends, len(data))  # a last line without a line break
    starts = np.concatenate(([0], ends[:-1] + 1))
    starts, ends = starts[1:], ends[1:]  # the header was checked by the caller
    width, commas = len(header), len(header) - 1
    if len(starts):
        crlf = (ends > starts) & (data[np.maximum(ends - 1, 0)] == 13)
        if ((ends - starts - crlf) == 0).any():
            return None  # a blank line
        per_line = np.diff(np.searchsorted(np.flatnonzero(data == 44), np.concatenate((starts, ends[-1:]))))
        quoted = np.zeros(len(starts), dtype=bool)
        quotes = np.flatnonzero(data == 34)
        if len(quotes):
            quoted[np.unique(np.searchsorted(starts, quotes, side="right") - 1)] = True
        if (per_line[~quoted] != commas).any():
            return None
        for i in np.flatnonzero(quoted):
            line = raw[starts[i]:ends[i]].decode("utf-8").rstrip("\r")
            try:
                if len(next(csv.reader([line], strict=True))) != width:
                    return None
            except (csv.Error, StopIteration):
                return None
    try:
        frame = pd.read_csv(io.BytesIO(raw), dtype=object, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, engine="c", encoding="utf-8")
    except (pd.errors.ParserError, ValueError, csv.Error):
        return None
    if list(frame.columns) != header or len(frame) != len(starts):
        return None  # a quoted line break: take the exact path
    return frame, np.arange(2, len(frame) + 2, dtype=np.int64), None


def _read_exact(text: str, header: list[str], shown: str, problems: list[Problem]):
    """The csv module, record by record: exact line numbers for any file, and ragged rows located."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next(reader)
    rows: list[list[str]] = []
    lines: list[int] = []
    width = len(header)
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(shown, start, "*", f"not valid CSV: {_csv_reason(exc)}"))
            return None
        if not row or (len(row) == 1 and row[0] == "" and width > 1):
            start = reader.line_num + 1
            continue  # blank line
        if len(row) != width:
            if len(row) > width:
                col = f"field {width + 1}"
                msg = f"row has {len(row)} fields, header has {width}: stray delimiter? ({found(row[width])})"
            else:
                col = header[len(row)]
                msg = f"row has {len(row)} fields, header has {width}: missing value or delimiter"
            problems.append(Problem(shown, start, col, msg))
        else:
            rows.append(row)
            lines.append(start)
        start = reader.line_num + 1
    columns = list(zip(*rows)) if rows else [()] * len(header)
    arrays = {c: np.array(v, dtype=object) for c, v in zip(header, columns)}
    frame = pd.DataFrame(arrays, dtype=object) if rows else pd.DataFrame(
        {c: pd.Series([], dtype=object) for c in header})
    return frame, np.asarray(lines, dtype=np.int64), arrays


def _locate_byte(raw: bytes, offset: int, res: Resource) -> tuple[int, str]:
    line = raw[:offset].count(b"\n") + 1
    line_start = raw.rfind(b"\n", 0, offset) + 1
    prefix = raw[line_start:offset].decode("utf-8", errors="replace")
    try:
        idx = len(next(csv.reader([prefix]))) - 1 if prefix else 0
    except (csv.Error, StopIteration):
        idx = 0
    names = res.field_names
    column = names[idx] if line > 1 and 0 <= idx < len(names) else "*"
    return line, column


def _check_fields(t: RawTable) -> None:
    if t.frame.empty:
        return
    for f in t.resource.fields:
        col = t.column(f.name)
        raw, vals = col.raw, col.values
        spaced = np.zeros(len(vals), dtype=bool) if vals is raw else vals != raw
        t.problem(col.rows(spaced), f.name, lambda r: f"leading or trailing spaces ({found(t.frame[f.name].iat[r])})")
        present = vals != ""
        bad = np.zeros(len(vals), dtype=bool)
        if f.required:
            rows = col.rows(~present)
            t.problem(rows, f.name, "required value is empty")
            t.mark(f.name, rows)
        ok = present.copy()
        wrong = _type_errors(f, vals, present)
        if wrong is not None and wrong.any():
            kind = _KIND.get(f.type, f"not a valid {f.type}") if f.type != "list" else \
                f"has an empty item (check the {f.delimiter!r} separators)"
            t.problem(col.rows(wrong), f.name, lambda r: f"{kind} ({found(t.frame[f.name].iat[r])})")
            bad |= wrong
            ok &= ~wrong
        c = f.constraints
        if "enum" in c:
            allowed = set(map(str, c["enum"]))
            wrong = ok & np.array([v not in allowed for v in vals], dtype=bool)
            choices = ", ".join(map(str, c["enum"]))
            t.problem(col.rows(wrong), f.name, lambda r: f"not one of: {choices} ({found(t.frame[f.name].iat[r])})")
            bad |= wrong
        if "pattern" in c:
            wrong = ok & ~_matches(c["pattern"], vals, ok, f.delimiter if f.type == "list" else None)
            t.problem(col.rows(wrong), f.name,
                      lambda r: f"does not match the pattern {c['pattern']} ({found(t.frame[f.name].iat[r])})")
            bad |= wrong
        if ("minimum" in c or "maximum" in c) and f.type in ("integer", "number"):
            nums = pd.to_numeric(pd.Series(np.where(ok, vals, "")), errors="coerce").to_numpy(dtype=float)
            with np.errstate(invalid="ignore"):
                if "minimum" in c:
                    low = ok & (nums < c["minimum"])
                    t.problem(col.rows(low), f.name,
                              lambda r: f"below the minimum {c['minimum']} ({found(t.frame[f.name].iat[r])})")
                if "maximum" in c:
                    high = ok & (nums > c["maximum"])
                    t.problem(col.rows(high), f.name,
                              lambda r: f"above the maximum {c['maximum']} ({found(t.frame[f.name].iat[r])})")
        bad |= _check_rules(t, f, col, ok & ~bad)
        t.mark(f.name, col.rows(bad))


def _check_rules(t: RawTable, f, col: Column, ok: np.ndarray) -> np.ndarray:
    """The contract's single-column rules (x- properties), on distinct values; returns the mask of bad values."""
    vals, bad = col.values, np.zeros(len(col.values), dtype=bool)
    if not ok.any():
        return bad
    shown = lambda r: found(t.frame[f.name].iat[r])  # noqa: E731
    dates = read_contract().get("x-dates", {})
    if f.type == "date" and dates:
        lo, hi = dates["earliest"], dates["latest"]
        wrong = ok & ((vals < lo) | (vals > hi))
        t.problem(col.rows(wrong), f.name, lambda r: f"implausible date, outside {lo} to {hi} ({shown(r)})")
        bad |= wrong
        if f.rules.get("x-notAfterToday"):
            today = dt.date.today().isoformat()
            late = ok & ~wrong & (vals > today)
            t.problem(col.rows(late), f.name, lambda r: f"in the future (after today, {today}): this date records "
                                                         f"something that has happened ({shown(r)})")
            bad |= late
    if f.rules.get("x-year") and dates:
        lo, hi = int(dates["earliest"][:4]), int(dates["latest"][:4])
        years = np.array([int(v) if ok[i] else lo for i, v in enumerate(vals)], dtype=np.int64)
        wrong = ok & ((years < lo) | (years > hi))
        t.problem(col.rows(wrong), f.name, lambda r: f"implausible year, outside {lo} to {hi} ({shown(r)})")
        bad |= wrong
    if "x-exclusiveMinimum" in f.rules:
        low = f.rules["x-exclusiveMinimum"]
        nums = pd.to_numeric(pd.Series(np.where(ok, vals, "")), errors="coerce").to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            wrong = ok & (nums <= low)
        t.problem(col.rows(wrong), f.name, lambda r: f"must be more than {low} ({shown(r)})")
        bad |= wrong
    if f.rules.get("x-codes") == "ISO 4217":
        wrong = ok & ~np.isin(vals, list(_iso4217()))
        t.problem(col.rows(wrong), f.name, lambda r: f"not an ISO 4217 currency code ({shown(r)})")
        bad |= wrong
    return bad


@lru_cache(maxsize=1)
def _iso4217() -> frozenset[str]:
    import pycountry  # imported here: only validation needs it

    return frozenset(c.alpha_3 for c in pycountry.currencies)


def _type_errors(f, vals: np.ndarray, present: np.ndarray):
    """Boolean mask over distinct values that are present but not of the type (None: nothing to check)."""
    type_ = f.type
    if type_ == "date":
        return present & ~np.array([p and _is_date(v) for v, p in zip(vals, present)], dtype=bool)
    if type_ == "integer":
        return present & ~_matches(_INT, vals, present)
    if type_ == "number":
        return present & ~_matches(_NUM, vals, present)
    if type_ == "boolean":
        known = set(f.true_values) | set(f.false_values)
        return present & ~np.array([v in known for v in vals], dtype=bool)
    if type_ == "list":
        return present & np.array([any(x.strip() == "" for x in v.split(f.delimiter)) for v in vals], dtype=bool)
    return None


def _is_date(value: str) -> bool:
    """A real calendar date written YYYY-MM-DD (not 2024-02-30, not the basic form 20240102)."""
    if not _DATE_RE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=64)
def _patterns(pattern: str) -> tuple[re.Pattern, re.Pattern | None]:
    """The pattern, and one that finds, in lines, a line the pattern does not match whole."""
    try:
        misfit = re.compile(rf"^(?!(?:{pattern})$).*$", re.MULTILINE)
    except re.error:
        misfit = None
    return re.compile(pattern), misfit


def _matches(pattern: str, vals: np.ndarray, ok: np.ndarray, delimiter: str | None = None) -> np.ndarray:
    """Boolean mask over ``vals``: the value (each item, with a delimiter) matches ``pattern`` whole.

    Values outside ``ok`` count as matching. With many values, one regular
    expression scan over the values joined by line breaks first looks for any
    value that does not match; only when it finds one are the values tested one
    by one (the scan runs in C, a loop over a million values does not).
    """
    whole, misfit = _patterns(pattern)
    picked = vals[ok]
    joined = _as_lines(picked) if misfit is not None else None
    if joined is not None:
        if delimiter:
            joined = joined.replace(delimiter, "\n")
        if misfit.search(joined) is None:
            return np.ones(len(vals), dtype=bool)
    if delimiter:
        each = [all(whole.fullmatch(x) for x in v.split(delimiter)) for v in picked]
    else:
        each = [whole.fullmatch(v) is not None for v in picked]
    out = np.ones(len(vals), dtype=bool)
    out[ok] = np.array(each, dtype=bool)
    return out


def _check_keys(t: RawTable) -> None:
    pk = list(t.resource.primary_key)
    if not pk or t.frame.empty:
        return
    codes = t.key_codes(pk)
    counts = np.bincount(codes)
    if len(counts) == len(codes):  # as many distinct keys as rows
        return
    dup = counts[codes] > 1
    values = [t.stripped(c) for c in pk]
    first: dict[int, int] = {}  # key code -> line of its first row
    column = pk[0] if len(pk) == 1 else "+".join(pk)
    for r in np.flatnonzero(dup):
        if codes[r] in first:
            shown = ", ".join(f"{c}={v[r]!r}" for c, v in zip(pk, values))
            t.problem([r], column, f"duplicate primary key, first on line {first[codes[r]]} ({shown})")
        else:
            first[codes[r]] = int(t.lines[r])
    for c in pk:
        t.mark(c, np.flatnonzero(dup))


def to_frame(t: RawTable) -> pd.DataFrame:
    """Typed DataFrame from a checked :class:`RawTable` (dtypes from the schema).

    Conversion runs on each column's distinct values and is mapped back to rows.
    """
    out = {}
    n = len(t.frame)
    for f in t.resource.fields:
        col = t.column(f.name) if n else None
        vals = col.values if n else np.array([], dtype=object)
        codes = col.codes if n else np.array([], dtype=np.int64)
        missing = vals == ""
        if f.enum is not None:
            cats = list(f.enum)
            where = {v: i for i, v in enumerate(cats)}
            ucodes = np.array([-1 if m else where.get(v, -1) for v, m in zip(vals, missing)], dtype=np.int64)
            out[f.name] = pd.Categorical.from_codes(ucodes[codes] if n else ucodes, dtype=_enum_dtype(tuple(cats)),
                                                    validate=False)  # codes come from the enum itself
            continue
        if f.type == "integer":
            u = pd.array([None if m else int(v) for v, m in zip(vals, missing)], dtype="Int64")
        elif f.type == "number":
            u = pd.array([None if m else float(v) for v, m in zip(vals, missing)], dtype="Float64")
        elif f.type == "boolean":
            true = set(f.true_values)
            u = pd.array([None if m else v in true for v, m in zip(vals, missing)], dtype="boolean")
        elif f.type == "date":
            u = pd.array(np.array(np.where(missing, "NaT", vals), dtype="datetime64[s]"))
        else:
            u = pd.array(np.where(missing, None, vals), dtype="string")
        out[f.name] = u.take(codes) if n else u[:0]
    return pd.DataFrame(out, index=pd.RangeIndex(n))


@lru_cache(maxsize=256)
def _enum_dtype(categories: tuple) -> pd.CategoricalDtype:
    """One ordered categorical dtype per enum, built once (building it validates the categories)."""
    return pd.CategoricalDtype(list(categories), ordered=True)


def load(name: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load one dataset as a typed DataFrame.

    Parameters
    ----------
    name : str
        A resource of ``datapackage.json``, e.g. ``"agreements"``.
    data_dir : path, optional
        The data directory; default ``$ASEANAI_DATA``, else the repository's ``data/``.

    Returns
    -------
    DataFrame
        A new frame whose dtypes follow the schema.

    Raises
    ------
    DataError
        If the file does not match its schema; the message lists every problem.
        Cross-table checks (foreign keys, sources) are done by :func:`aseanai.validate`.

    Examples
    --------
    >>> import aseanai
    >>> agreements = aseanai.load("agreements")
    >>> agreements["signed_on"].dtype
    dtype('<M8[s]')
    """
    pkg = read_package(data_dir)
    table = read_raw(pkg, name)
    if pkg.problems or table.problems:
        raise DataError([*pkg.problems, *table.problems])
    return to_frame(table)
