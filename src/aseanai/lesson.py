"""What every lesson shares: the column's writing date, the claims it checks, and the data stamp.

These used to be copied from notebook to notebook (the writing date was typed
as ``"2024-02-01"`` in two of them); they are read once from the data here.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .datapackage import DataError, Problem, display_path, read_package, repo_data_dir
from .display import Table, table

__all__ = ["ColumnWritten", "column_written", "claims_table", "data_stamp"]

#: The descriptor property that records when the column was written (an inference, with its basis).
WRITTEN_KEY = "x-column-written"


@dataclass(frozen=True)
class ColumnWritten:
    """The window in which the undated column was written: ``earliest`` to ``latest``, and why."""

    earliest: pd.Timestamp
    latest: pd.Timestamp
    basis: str


def column_written(data_dir: str | os.PathLike | None = None) -> ColumnWritten:
    """When the column was written, as the data package records it (``x-column-written``).

    The column carries no date; the package records the window its internal
    clues allow, with the reasoning. Notebooks take the earliest day as the
    default reading and test the latest as a sensitivity case.

    Examples
    --------
    >>> w = column_written()
    >>> w.earliest.date().isoformat(), w.latest.date().isoformat()
    ('2024-02-01', '2024-04-30')
    """
    pkg = read_package(data_dir)
    raw = pkg.descriptor.get(WRITTEN_KEY)
    shown = display_path(pkg.root / "datapackage.json")
    try:
        out = ColumnWritten(pd.Timestamp(raw["earliest"]), pd.Timestamp(raw["latest"]), str(raw["basis"]))
    except (TypeError, KeyError, ValueError):
        raise DataError([Problem(shown, 0, WRITTEN_KEY, "needs 'earliest' and 'latest' dates (YYYY-MM-DD) and a "
                                 "'basis'")]) from None
    if out.latest < out.earliest:
        raise DataError([Problem(shown, 0, WRITTEN_KEY, "'latest' is before 'earliest'")])
    return out


def claims_table(claims: pd.DataFrame, notebook: str, *, width: int = 110) -> Table:
    """The claims a notebook checks, with verdict and evidence, as a table for readers.

    Parameters
    ----------
    claims : DataFrame
        The ``claims`` table.
    notebook : str
        The notebook's file name, with or without ``.ipynb``.
    width : int
        Quotes and evidence are cut at a word boundary beyond this many characters.

    Examples
    --------
    >>> import aseanai
    >>> len(claims_table(aseanai.load("claims"), "05_dominance")) >= 1
    True
    """
    name = notebook if notebook.endswith(".ipynb") else f"{notebook}.ipynb"
    mine = claims[claims["notebook"].astype(str) == name].sort_values("claim_id")
    if mine.empty:
        raise ValueError(f"no claim in the register names {name}")
    return table(mine[["claim_id", "verdict", "quote", "evidence"]], width=width, rename={"claim_id": "claim"})


def data_stamp(data_dir: str | os.PathLike | None = None) -> str:
    """One line that says which data a page was built from: the version, and the folder when not the bundled one.

    Examples
    --------
    >>> data_stamp().startswith("Data version ")
    True
    """
    pkg = read_package(data_dir)
    version = pkg.descriptor.get("version", "unknown")
    root = Path(pkg.root).resolve()
    if root == repo_data_dir().resolve():
        return f"Data version {version} (the bundled data)."
    return f"Data version {version}, read from {root}: NOT the bundled data; numbers may differ from the published report."
