"""A one-screen overview of the datasets."""
from __future__ import annotations

import pandas as pd

from .display import format_date

__all__ = ["summary_table"]


def _dates(df: pd.DataFrame) -> pd.DataFrame:
    """Every date of a table with its precision (``<column>_precision`` where the table has one, else day)."""
    parts = []
    for c in df.select_dtypes("datetime").columns:
        prec = df[f"{c}_precision"].astype(object) if f"{c}_precision" in df else pd.Series("day", index=df.index)
        parts.append(pd.DataFrame({"date": df[c], "precision": prec.fillna("day")}).dropna(subset=["date"]))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["date", "precision"])


def summary_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per dataset: rows, distinct sources cited, earliest and latest date.

    Dates are text at the precision the data give them (a date known only to
    the year shows as ``2022``, not ``2022-01-01``); a table without dates has
    none (missing, not a dash).

    Parameters
    ----------
    tables : dict of DataFrame
        As returned by :func:`aseanai.load_all`.

    Examples
    --------
    >>> import aseanai
    >>> from aseanai.summary import summary_table
    >>> s = summary_table(aseanai.load_all()).set_index("dataset")
    >>> s.columns.tolist()
    ['rows', 'sources', 'first_date', 'last_date']
    >>> s.loc["investments", "first_date"], pd.isna(s.loc["actors", "first_date"])
    ('2022', True)
    """
    out = []
    for name, df in tables.items():
        if "source_ids" in df:
            ids = df["source_ids"].dropna().str.split(";").explode()
            n_sources = ids.nunique()
        elif name == "sources":
            n_sources = len(df)
        else:
            n_sources = pd.NA
        dates = _dates(df).sort_values("date", kind="stable")
        first = last = None
        if len(dates):
            shown = format_date(dates["date"], dates["precision"])
            first, last = shown.iloc[0], shown.iloc[-1]
        out.append({"dataset": name, "rows": len(df), "sources": n_sources, "first_date": first, "last_date": last})
    res = pd.DataFrame(out)
    res["sources"] = res["sources"].astype("Int64")
    return res.astype({"first_date": "string", "last_date": "string"})
