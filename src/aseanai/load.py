"""Load the curated CSV files as typed DataFrames.

Reading happens in two steps. :func:`read_raw` reads a CSV file as text,
keeps each record's line number and checks the file against its Table Schema
field by field (required values, types, enums, patterns, bounds, keys).
:func:`to_frame` then turns the checked text into typed columns: ``string``,
``Int64``, ``Float64``, ``boolean``, dates, and ordered categoricals for
fields with an enum.
"""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field as dc_field
from pathlib import Path

import numpy as np
import pandas as pd

from .datapackage import DataError, Package, Problem, Resource, display_path, read_package

__all__ = ["load", "read_raw", "to_frame", "RawTable"]

_DATE_RE = r"\d{4}-\d{2}-\d{2}"
_INT_RE = r"[+-]?\d+"
_NUM_RE = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
_TRUE = {"true", "True", "TRUE", "1"}
_FALSE = {"false", "False", "FALSE", "0"}


@dataclass
class RawTable:
    """A CSV file read as text, with the line on which each record starts."""

    resource: Resource
    file: str
    frame: pd.DataFrame | None  # all columns object dtype, "" for empty
    lines: np.ndarray  # line number of each record, aligned with frame rows
    problems: list[Problem] = dc_field(default_factory=list)
    bad: dict = dc_field(default_factory=dict)  # column -> row positions that failed a check

    def mark(self, column: str, rows) -> None:
        """Remember cells already reported, so that later checks skip them."""
        self.bad.setdefault(column, set()).update(int(r) for r in rows)

    def problem(self, rows, column: str, message_of) -> None:
        """Record a problem for each row position in ``rows``.

        ``message_of`` is a string, or a function from row position to string.
        """
        for r in rows:
            msg = message_of(r) if callable(message_of) else message_of
            self.problems.append(Problem(self.file, int(self.lines[r]), column, msg))


def _found(value: str) -> str:
    value = str(value)
    if len(value) > 60:
        value = value[:57] + "..."
    return f"found {value!r}"


def read_raw(pkg: Package, name: str) -> RawTable:
    """Read one resource as text and check it against its schema."""
    res = pkg.resource(name)
    path = pkg.path(res)
    shown = display_path(path)
    empty = RawTable(res, shown, None, np.array([], dtype=np.int64))
    if not path.is_file():
        empty.problems.append(
            Problem(display_path(pkg.root / "datapackage.json"), res.descriptor_line, f"resources[{name}].path",
                    f"file not found ({shown})")
        )
        return empty
    raw = path.read_bytes()
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

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        empty.problems.append(Problem(shown, 1, "*", f"not valid CSV ({exc})"))
        return empty
    expected = res.field_names
    problems = empty.problems
    if header != expected:
        missing = [c for c in expected if c not in header]
        unknown = [c for c in header if c not in expected]
        dupes = sorted({c for c in header if header.count(c) > 1})
        for c in missing:
            problems.append(Problem(shown, 1, c, "column missing from the header"))
        for c in unknown:
            problems.append(Problem(shown, 1, c, "column not in datapackage.json (add it to the schema first)"))
        for c in dupes:
            problems.append(Problem(shown, 1, c, "column appears twice in the header"))
        if not (missing or unknown or dupes):
            problems.append(Problem(shown, 1, "*", f"columns out of order (expected {', '.join(expected)})"))
        return empty

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
            problems.append(Problem(shown, start, "*", f"not valid CSV ({exc})"))
            return empty
        if not row or (len(row) == 1 and row[0] == "" and width > 1):
            start = reader.line_num + 1
            continue  # blank line
        if len(row) != width:
            if len(row) > width:
                col = f"field {width + 1}"
                msg = f"row has {len(row)} fields, header has {width}: stray delimiter? ({_found(row[width])})"
            else:
                col = header[len(row)]
                msg = f"row has {len(row)} fields, header has {width}: missing value or delimiter"
            problems.append(Problem(shown, start, col, msg))
        else:
            rows.append(row)
            lines.append(start)
        start = reader.line_num + 1
    frame = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(
        {c: pd.Series([], dtype=object) for c in header})
    table = RawTable(res, shown, frame, np.asarray(lines, dtype=np.int64), problems)
    _check_fields(table)
    _check_keys(table)
    return table


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
    df = t.frame
    for f in t.resource.fields:
        col = df[f.name]
        s = col.str.strip()
        if not s.equals(col):
            rows = np.flatnonzero((s != col).to_numpy())
            t.problem(rows, f.name, lambda r: f"leading or trailing spaces ({_found(col.iat[r])})")
        present = (s != "").to_numpy()
        if f.required:
            rows = np.flatnonzero(~present)
            t.problem(rows, f.name, "required value is empty")
            t.mark(f.name, rows)
        if not present.any():
            continue
        idx = np.flatnonzero(present)
        vals = s.iloc[idx]
        bad = _type_errors(f.type, vals)
        if bad is not None and bad.any():
            rows = idx[bad]
            kind = {"date": "not a valid date (YYYY-MM-DD)", "integer": "not a whole number",
                    "number": "not a number", "boolean": "not true or false"}.get(f.type, f"not a valid {f.type}")
            t.problem(rows, f.name, lambda r: f"{kind} ({_found(col.iat[r])})")
            t.mark(f.name, rows)
            keep = ~bad
            idx, vals = idx[keep], vals[keep]
        c = f.constraints
        if "enum" in c:
            allowed = set(map(str, c["enum"]))
            bad = ~vals.isin(allowed).to_numpy()
            rows = idx[bad]
            choices = ", ".join(map(str, c["enum"]))
            t.problem(rows, f.name, lambda r: f"not one of: {choices} ({_found(col.iat[r])})")
            t.mark(f.name, rows)
        if "pattern" in c:
            pat = re.compile(c["pattern"])
            if f.type == "list":
                ok = vals.map(lambda v: all(pat.fullmatch(x) for x in v.split(f.delimiter))).to_numpy(dtype=bool)
            else:
                ok = vals.str.fullmatch(c["pattern"]).to_numpy(dtype=bool)
            rows = idx[~ok]
            t.problem(rows, f.name, lambda r: f"does not match the pattern {c['pattern']} ({_found(col.iat[r])})")
            t.mark(f.name, rows)
        if ("minimum" in c or "maximum" in c) and f.type in ("integer", "number"):
            nums = pd.to_numeric(vals, errors="coerce").to_numpy(dtype=float)
            if "minimum" in c:
                rows = idx[nums < c["minimum"]]
                t.problem(rows, f.name, lambda r: f"below the minimum {c['minimum']} ({_found(col.iat[r])})")
            if "maximum" in c:
                rows = idx[nums > c["maximum"]]
                t.problem(rows, f.name, lambda r: f"above the maximum {c['maximum']} ({_found(col.iat[r])})")


def _type_errors(type_: str, vals: pd.Series):
    """Boolean mask of values that are not of the type (None: no check for this type)."""
    if type_ == "date":
        ok = vals.str.fullmatch(_DATE_RE).to_numpy(dtype=bool)
        parsed = pd.to_datetime(vals.where(ok), format="%Y-%m-%d", errors="coerce")
        return ~(ok & parsed.notna().to_numpy())
    if type_ == "integer":
        return ~vals.str.fullmatch(_INT_RE).to_numpy(dtype=bool)
    if type_ == "number":
        return ~vals.str.fullmatch(_NUM_RE).to_numpy(dtype=bool)
    if type_ == "boolean":
        return ~vals.isin(_TRUE | _FALSE).to_numpy()
    if type_ == "list":
        return (vals.str.split(";").map(lambda xs: any(x.strip() == "" for x in xs))).to_numpy(dtype=bool)
    return None


def _check_keys(t: RawTable) -> None:
    pk = list(t.resource.primary_key)
    if not pk or t.frame.empty:
        return
    keys = t.frame[pk]
    dup = keys.duplicated(keep=False).to_numpy()
    if not dup.any():
        return
    first = {}
    for r in np.flatnonzero(dup):
        k = tuple(keys.iloc[r])
        if k in first:
            shown = ", ".join(f"{c}={v!r}" for c, v in zip(pk, k))
            t.problem([r], pk[0] if len(pk) == 1 else "+".join(pk),
                      f"duplicate primary key, first on line {first[k]} ({shown})")
        else:
            first[k] = int(t.lines[r])
    for c in pk:
        t.mark(c, np.flatnonzero(dup))


def to_frame(t: RawTable) -> pd.DataFrame:
    """Typed DataFrame from a checked :class:`RawTable` (dtypes from the schema)."""
    out = {}
    for f in t.resource.fields:
        s = t.frame[f.name].str.strip()
        s = s.where(s != "")
        if f.enum is not None:
            out[f.name] = pd.Series(pd.Categorical(s, categories=list(f.enum), ordered=True), index=s.index)
        elif f.type == "integer":
            out[f.name] = pd.to_numeric(s).astype("Int64")
        elif f.type == "number":
            out[f.name] = pd.to_numeric(s).astype("Float64")
        elif f.type == "boolean":
            out[f.name] = s.map(lambda v: v in _TRUE, na_action="ignore").astype("boolean")
        elif f.type == "date":
            out[f.name] = pd.to_datetime(s, format="%Y-%m-%d").astype("datetime64[s]")
        else:
            out[f.name] = s.astype("string")
    return pd.DataFrame(out, index=pd.RangeIndex(len(t.frame)))


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
    table = read_raw(read_package(data_dir), name)
    if table.problems:
        raise DataError(table.problems)
    return to_frame(table)
