"""Money as the sources give it: amounts as announced, implied rates, growth paths and corporate pledges.

The ``investments`` table keeps every figure in its original currency beside
the US-dollar value the sources give. These helpers turn its rows into what
a reader needs without ever adding up figures that must not be added: pledges
over different horizons, or a restatement (``restates_id``) and the pledge it
restates.
"""
from __future__ import annotations

import pandas as pd

from .display import format_amount, format_date
from .metrics import cagr, origin_as_of

__all__ = ["as_announced", "implied_rate", "growth", "pledges", "NOT_NAMED", "NOT_STATED"]

#: How a pledge without a named investor is labelled.
NOT_NAMED = "investor not named"
#: The origin of a pledge without a named investor.
NOT_STATED = "not stated"


def as_announced(investments: pd.DataFrame) -> pd.Series:
    """Each amount as its source states it: qualifier, currency and amount.

    Parameters
    ----------
    investments : DataFrame
        Rows of the ``investments`` table (``amount``, ``currency``, ``amount_qualifier``).

    Returns
    -------
    Series of str, on the same index.

    Examples
    --------
    >>> d = pd.DataFrame({"amount": [1e9, 2.55e10], "currency": ["SGD", "MYR"],
    ...                   "amount_qualifier": ["more than", "exact"]})
    >>> as_announced(d).tolist()
    ['more than SGD 1.0 bn', 'MYR 25.5 bn']
    """
    text = [format_amount(a, str(c), q) for a, c, q in
            zip(investments["amount"], investments["currency"], investments["amount_qualifier"].astype(object))]
    return pd.Series(text, index=investments.index, dtype="string")


def implied_rate(investments: pd.DataFrame) -> pd.Series:
    """US dollars per unit of the original currency that the two figures of a row imply.

    A row whose rate is itself "implied by the source's two figures" (see
    ``fx_basis``) reproduces its US-dollar value by construction; compare it
    with a rate from another source to check it.

    Examples
    --------
    >>> d = pd.DataFrame({"amount": [1e9, 3e9], "amount_usd": [7.43e8, None]})
    >>> implied_rate(d).round(3).tolist()
    [0.743, nan]
    """
    usd = pd.to_numeric(investments["amount_usd"], errors="coerce").astype(float)
    return usd / pd.to_numeric(investments["amount"], errors="coerce").astype(float)


def growth(investments: pd.DataFrame, start: str, ends) -> pd.DataFrame:
    """The growth each projected path implies, from one starting figure.

    Parameters
    ----------
    investments : DataFrame
        The ``investments`` table, indexed by ``investment_id`` or holding that column.
    start : str
        ``investment_id`` of the starting figure (its ``target_year`` is the year of the estimate).
    ends : list of str
        ``investment_id`` of each end point.

    Returns
    -------
    DataFrame
        One row per end point: ``investment_id``, ``from_year``, ``to_year``,
        ``years``, ``from_usd``, ``to_usd``, ``multiple`` (end over start) and
        ``cagr`` (compound annual growth rate, a fraction).

    Examples
    --------
    >>> d = pd.DataFrame({"investment_id": ["now", "later"], "amount_usd": [100.0, 121.0],
    ...                   "target_year": [2023, 2025]})
    >>> g = growth(d, "now", ["later"])
    >>> int(g["years"].iloc[0]), float(g["multiple"].iloc[0]), round(float(g["cagr"].iloc[0]), 4)
    (2, 1.21, 0.1)
    """
    d = investments if investments.index.name == "investment_id" else investments.set_index("investment_id")
    first = d.loc[start]
    rows = []
    for key in ends:
        end = d.loc[key]
        years = int(end["target_year"]) - int(first["target_year"])
        rows.append({"investment_id": key, "from_year": int(first["target_year"]), "to_year": int(end["target_year"]),
                     "years": years, "from_usd": float(first["amount_usd"]), "to_usd": float(end["amount_usd"]),
                     "multiple": float(end["amount_usd"]) / float(first["amount_usd"]),
                     "cagr": cagr(float(first["amount_usd"]), float(end["amount_usd"]), years)})
    return pd.DataFrame(rows)


def pledges(investments: pd.DataFrame, actors: pd.DataFrame, company_origins: pd.DataFrame, *,
            as_of=None) -> pd.DataFrame:
    """Corporate pledges, one row each, with names a reader understands and a label that tells them apart.

    Parameters
    ----------
    investments, actors, company_origins : DataFrame
        The tables of those names.
    as_of : date-like, optional
        Date of the investors' origins (``None``: as owned today).

    Returns
    -------
    DataFrame
        The pledge rows with ``investor`` and ``recipient`` (names; a pledge
        whose sources name no investor is ``"investor not named"``),
        ``origin_id`` and ``origin`` (the investor's origin country and its
        name; ``"not stated"`` without an investor), ``label`` (investor →
        recipient, announcement date at its precision, and the purpose where
        that is still needed to tell two rows apart), ``as_announced``,
        ``counted`` (False for a restatement of an earlier row, which must not
        be counted again) and ``restates`` (the label of the row restated).
        Sorted by US-dollar value, largest first, pledges without one last.

    Examples
    --------
    >>> import aseanai
    >>> t = aseanai.load_all()
    >>> p = pledges(t["investments"], t["actors"], t["company_origins"]).set_index("investment_id")
    >>> bool(p.loc["aws_malaysia_2024_restated", "counted"]), p.loc["aws_malaysia_2024_restated", "restates"]
    (False, 'Amazon → Malaysia, 2023-03-02')
    >>> p.loc["ytl_nvidia_2023", ["investor", "origin"]].tolist()
    ['investor not named', 'not stated']
    >>> p["label"].is_unique
    True
    """
    names = actors.set_index("actor_id")["name"].astype(str)
    origins = origin_as_of(company_origins, as_of).set_index("actor_id")["origin_id"]
    p = investments.reset_index() if investments.index.name == "investment_id" else investments.copy()
    p = p[p["investment_type"].astype(str) == "corporate pledge"].copy()
    named = p["investor_id"].notna()
    p["investor"] = p["investor_id"].map(names).where(named, NOT_NAMED).astype("string")
    p["recipient"] = p["recipient_id"].map(names).astype("string")
    p["origin_id"] = p["investor_id"].map(origins).astype("string")
    p["origin"] = p["origin_id"].map(names).fillna(NOT_STATED).astype("string")
    when = format_date(p["announced_on"], p["announced_on_precision"], missing="date unknown")
    label = p["investor"] + " → " + p["recipient"] + ", " + when
    purpose = p["purpose"].astype(str).str.split(" (", n=1, regex=False).str[0]
    p["label"] = label.where(~label.duplicated(keep=False), label + ", " + purpose)
    p["as_announced"] = as_announced(p)
    p["counted"] = p["restates_id"].isna()
    p["restates"] = p["restates_id"].map(p.set_index("investment_id")["label"]).astype("string")
    return p.sort_values("amount_usd", ascending=False, na_position="last", kind="stable").reset_index(drop=True)
