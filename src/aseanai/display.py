"""Formatting for tables in notebooks and reports: partial dates, money, short text."""
from __future__ import annotations

import pandas as pd

__all__ = ["format_date", "format_amount", "shorten", "cite", "md", "table", "Table", "share_text", "MISSING"]

_FORMAT = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def format_date(dates: pd.Series, precision: pd.Series | None = None, missing: str = "unknown") -> pd.Series:
    """Dates as text at their own precision: ``2023-07-14``, ``2022-08`` or ``2021``.

    Examples
    --------
    >>> d = pd.Series(pd.to_datetime(["2023-07-14", "2022-08-01", None]))
    >>> format_date(d, pd.Series(["day", "month", None])).tolist()
    ['2023-07-14', '2022-08', 'unknown']
    """
    prec = precision.astype(object) if precision is not None else pd.Series("day", index=dates.index)
    out = [missing if pd.isna(d) else d.strftime(_FORMAT.get(p if isinstance(p, str) else "day", "%Y-%m-%d"))
           for d, p in zip(dates, prec)]
    return pd.Series(out, index=dates.index, dtype="string")


def format_amount(amount, currency: str, qualifier: str | None = None) -> str:
    """Money as a reader says it: ``more than SGD 1.0 bn``, ``USD 743 m``.

    Examples
    --------
    >>> format_amount(1e9, "SGD", "more than"), format_amount(7.43e8, "USD"), format_amount(8.88e9, "USD")
    ('more than SGD 1.0 bn', 'USD 743 m', 'USD 8.88 bn')
    """
    if amount is None or pd.isna(amount):
        return "unknown"
    a = float(amount)
    if a >= 1e12:
        text = f"{_decimals(a / 1e12)} tn"
    elif a >= 1e9:
        text = f"{_decimals(a / 1e9)} bn"
    else:
        text = f"{a / 1e6:,.0f} m"
    q = "" if qualifier in (None, "exact") or pd.isna(qualifier) else f"{qualifier} "
    return f"{q}{currency} {text}"


def _decimals(x: float) -> str:
    """Up to two decimals, at least one: 1.0, 2.2, 8.88."""
    if x >= 100:
        return f"{x:,.0f}"
    text = f"{x:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def shorten(text, width: int = 90) -> str:
    """Cut text at a word boundary, adding an ellipsis.

    Examples
    --------
    >>> shorten("one two three", 8)
    'one two…'
    """
    text = "" if text is None or pd.isna(text) else str(text)
    if len(text) <= width:
        return text
    return text[:width].rsplit(" ", 1)[0] + "…"


def cite(sources: pd.DataFrame, ids, *, limit: int = 4) -> str:
    """A short source note for a chart: the publishers behind ``ids``, in order.

    Parameters
    ----------
    sources : DataFrame
        The ``sources`` table.
    ids : iterable of str or of ``;``-separated strings
        Source ids, e.g. a ``source_ids`` column.

    Examples
    --------
    >>> s = pd.DataFrame({"source_id": ["a", "b", "column"], "publisher": ["EDB", "IMDA", "CAG"],
    ...                   "source_type": ["official", "official", "column"]})
    >>> cite(s, ["column;a", "b;a"])
    'EDB; IMDA; the column. Sources listed in data/sources.csv'
    """
    seen: list[str] = []
    for item in ids:
        if item is None or (not isinstance(item, str) and pd.isna(item)):
            continue
        for sid in str(item).split(";"):
            if sid not in seen:
                seen.append(sid)
    s = sources.set_index("source_id")
    publishers: list[str] = []
    column = False
    for sid in seen:
        if sid not in s.index:
            continue
        if s.loc[sid, "source_type"] == "column":
            column = True
            continue
        pub = str(s.loc[sid, "publisher"])
        if pub not in publishers:
            publishers.append(pub)
    shown = publishers[:limit]
    if len(publishers) > limit:
        shown.append(f"{len(publishers) - limit} more")
    if column:
        shown.append("the column")
    return "; ".join(shown) + ". Sources listed in data/sources.csv"


def md(text: str):
    """Show a sentence computed in a cell as Markdown, with every character shown as written.

    Notebooks state every number through a cell, so prose with figures is
    written as an f-string and displayed with this function. Text from the
    data (an agreement's name, a claim's evidence) is inert: ``<``, ``>`` and
    ``&`` become HTML entities and every other ASCII punctuation mark is
    backslash-escaped, so no link (``[x](javascript:...)``, ``<data:...>``),
    emphasis, heading, table or maths can come out of it in the notebook, the
    HTML page or the handout.

    Examples
    --------
    >>> print(md("US$743 m for <b>").data)
    US\\$743 m for &lt;b&gt;
    >>> print(md("[click](javascript:alert(1))").data)
    \\[click\\]\\(javascript\\:alert\\(1\\)\\)
    """
    from IPython.display import Markdown

    return Markdown("".join(_MD_ESCAPE.get(c, c) for c in str(text)))


#: CommonMark lets any ASCII punctuation be backslash-escaped; ``< > &`` become entities instead.
_MD_ESCAPE = {c: "\\" + c for c in "!\"#$%'()*+,-./:;=?@[\\]^_`{|}~"}
_MD_ESCAPE.update({"<": "&lt;", ">": "&gt;", "&": "&amp;"})


# ---------------------------------------------------------------- tables for readers

#: What a missing value looks like in a table for readers.
MISSING = "—"


class Table:
    """A table formatted for readers: every cell already text, no index, full width.

    Shown as HTML in notebooks, pages and handouts, and as plain text
    (``repr``) elsewhere; both come from the same formatted frame, so neither
    has pandas' index column, ``dtype`` lines, ``<NA>`` or cut-off text.
    """

    def __init__(self, frame: pd.DataFrame):
        self.data = frame

    def __len__(self) -> int:
        return len(self.data)

    def _repr_html_(self) -> str:
        return self.data.to_html(index=False, escape=True, border=0, classes="dataframe reader-table")

    def __repr__(self) -> str:
        if self.data.empty:
            return "(no rows)"
        return self.data.to_string(index=False)


def table(data: pd.DataFrame, *, columns=None, rename: dict | None = None, index: str | bool = False,
          digits: int = 2, percent=(), money: dict | None = None, width: int | None = None,
          missing: str = MISSING) -> Table:
    """A DataFrame as a table a reader can use.

    Every value becomes text: dates as dates (at their precision where a
    ``<name>_precision`` column sits beside ``<name>``), money with its
    currency, whole numbers without decimals, booleans as "yes"/"no", and
    missing values as "—". Column names lose their underscores. The index is
    dropped unless ``index`` names it (then it becomes the first column).

    Parameters
    ----------
    data : DataFrame
    columns : list of str, optional
        Columns to show, in order (default: all but ``*_precision`` columns
        used for a date).
    rename : dict, optional
        ``{column: header}`` for headers other than the column name.
    index : bool or str
        Keep the index as the first column, under this header (``True``: its name).
    digits : int
        Decimals for numbers that are not whole.
    percent : iterable of str
        Columns holding fractions, shown as whole percentages.
    money : dict, optional
        ``{amount column: currency column or code}``: amounts as ``USD 743 m``.
        Columns ending in ``_usd`` are US dollars without being named here.
    width : int, optional
        Cut text longer than this at a word boundary.

    Returns
    -------
    Table

    Examples
    --------
    >>> d = pd.DataFrame({"name": ["DEFA", "AU-SG"], "signed_on": pd.to_datetime([None, "2020-03-23"]),
    ...                   "signed_on_precision": [None, "day"], "amount_usd": [2e12, None], "binding": [True, False]})
    >>> print(repr(table(d)))
     name  signed on amount usd binding
     DEFA          — USD 2.0 tn     yes
    AU-SG 2020-03-23          —      no
    """
    d = data.copy()
    if index:
        d = d.reset_index(names=index if isinstance(index, str) else None)
    else:
        d = d.reset_index(drop=True)
    money = dict(money or {})
    used_precision = [f"{c}_precision" for c in d.columns if f"{c}_precision" in d.columns
                      and pd.api.types.is_datetime64_any_dtype(d[c])]
    shown = list(columns) if columns is not None else [c for c in d.columns if c not in used_precision]
    out = pd.DataFrame(index=d.index)
    for c in shown:
        col = d[c]
        if c in money:
            cur = money[c]
            currencies = d[cur] if isinstance(cur, str) and cur in d.columns else pd.Series(cur, index=d.index)
            text = [format_amount(a, str(k)) if pd.notna(a) else None for a, k in zip(col, currencies)]
        elif str(c).endswith("_usd") and pd.api.types.is_numeric_dtype(col):
            text = [format_amount(a, "USD") if pd.notna(a) else None for a in col]
        elif c in set(percent):
            text = [f"{float(v):.0%}" if pd.notna(v) else None for v in col]
        elif pd.api.types.is_datetime64_any_dtype(col):
            prec = d[f"{c}_precision"] if f"{c}_precision" in d.columns else None
            text = format_date(col, prec, missing=missing).tolist()
        elif pd.api.types.is_bool_dtype(col):
            text = [None if pd.isna(v) else ("yes" if v else "no") for v in col]
        elif pd.api.types.is_numeric_dtype(col):
            nums = pd.to_numeric(col, errors="coerce").astype(float)
            whole = bool(((nums.dropna() % 1) == 0).all())
            fmt = "{:,.0f}" if whole else f"{{:,.{digits}f}}"
            if pd.api.types.is_integer_dtype(col) or (whole and nums.dropna().abs().lt(10_000).all()):
                fmt = "{:.0f}"
            text = [None if pd.isna(v) else fmt.format(v) for v in nums]
        else:
            text = [None if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)) else str(v) for v in col]
            if width:
                text = [None if v is None else shorten(v, width) for v in text]
        out[c] = [missing if v is None or v == "" else v for v in text]
    headers = {c: (rename or {}).get(c, str(c).replace("_", " ")) for c in shown}
    return Table(out.rename(columns=headers).reset_index(drop=True))


def share_text(weight: float) -> str:
    """A company's share of a shared item as a short fraction: ``""`` for a whole one.

    Examples
    --------
    >>> share_text(1.0), share_text(0.5), share_text(1 / 3)
    ('', '½', '1/3')
    """
    from fractions import Fraction

    f = Fraction(float(weight)).limit_denominator(12)
    if f == 1:
        return ""
    return {Fraction(1, 2): "½", Fraction(1, 4): "¼", Fraction(3, 4): "¾"}.get(f, str(f))
