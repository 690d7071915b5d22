"""Formatting for tables in notebooks and reports: partial dates, money, short text."""
from __future__ import annotations

import pandas as pd

__all__ = ["format_date", "format_amount", "shorten", "cite", "md"]

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
    """Show a sentence computed in a cell as Markdown (dollar signs kept literal, not maths).

    Notebooks state every number through a cell, so prose with figures is
    written as an f-string and displayed with this function. ``<``, ``>`` and
    ``&`` are escaped, so text from the data (an agreement's name, say) shows
    as text in every HTML page and can never inject markup.

    Examples
    --------
    >>> print(md("US$743 m for <b>").data)
    US\\$743 m for &lt;b&gt;
    """
    from IPython.display import Markdown

    import html

    return Markdown(html.escape(text, quote=False).replace("\\$", "$").replace("$", "\\$"))
