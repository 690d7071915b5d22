"""A one-screen overview of the datasets."""
from __future__ import annotations

import pandas as pd

__all__ = ["summary_table"]


def summary_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per dataset: rows, distinct sources cited, earliest and latest date.

    Parameters
    ----------
    tables : dict of DataFrame
        As returned by :func:`aseanai.load_all`.

    Examples
    --------
    >>> import aseanai
    >>> from aseanai.summary import summary_table
    >>> summary_table(aseanai.load_all()).columns.tolist()
    ['dataset', 'rows', 'sources', 'first_date', 'last_date']
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
        dates = df.select_dtypes("datetime")
        if dates.empty:
            first = last = pd.NaT
        else:
            stacked = dates.stack()
            first, last = (stacked.min(), stacked.max()) if len(stacked) else (pd.NaT, pd.NaT)
        out.append({"dataset": name, "rows": len(df), "sources": n_sources,
                    "first_date": first, "last_date": last})
    res = pd.DataFrame(out)
    res["sources"] = res["sources"].astype("Int64")
    for c in ("first_date", "last_date"):
        res[c] = pd.to_datetime(res[c]).dt.strftime("%Y-%m-%d").fillna("-")
    return res
