"""The report's front page and its figures folder.

``index.html`` is rendered from the Jinja template ``templates/site/index.html.j2``
with autoescaping on, so text from the data (claims, quotes, captions) is escaped
wherever it reaches HTML.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from .notebooks import README_FIGURES, figure_index

__all__ = ["SITE_TEMPLATES", "index_html", "copy_figures"]

SITE_TEMPLATES = Path(__file__).with_name("templates") / "site"


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(loader=FileSystemLoader(str(SITE_TEMPLATES)), undefined=StrictUndefined,
                       autoescape=select_autoescape(default_for_string=True, default=True),
                       keep_trailing_newline=True)


def index_html(pages: list[tuple[str, str]], claims, notebooks: list[Path], stamp: str) -> str:
    """The report's ``index.html``.

    Parameters
    ----------
    pages : list of (stem, title)
        The notebooks in the report, in order.
    claims : DataFrame
        The ``claims`` table (verdicts, quotes, evidence).
    notebooks : list of Path
        The executed notebooks, read for their figure captions and file names.
    stamp : str
        The data stamp (:func:`aseanai.lesson.data_stamp`).

    Examples
    --------
    >>> import pandas as pd
    >>> claims = pd.DataFrame({"claim_id": ["c1"], "topic": ["t"], "verdict": ["supported"],
    ...                        "quote": ["<b>"], "evidence": ["e"], "notebook": ["00_overview.ipynb"]})
    >>> page = index_html([("00_overview", "0. Overview")], claims, [], "Data version 1")
    >>> "<h2>Notebooks</h2>" in page, "&lt;b&gt;" in page, "<b>" in page
    (True, True, False)
    """
    figures = [e for e in figure_index(notebooks) if e["kind"] == "Figure"] if notebooks else []
    by_name = {e["name"]: e for e in figures}
    rows = [{**{k: str(getattr(c, k)) for k in ("claim_id", "topic", "verdict", "quote", "evidence", "notebook")},
             "stem": Path(str(c.notebook)).stem} for c in claims.itertuples()]
    counts = claims["verdict"].value_counts()
    return _environment().get_template("index.html.j2").render(
        stamp=stamp, pages=pages, claims=rows,
        verdict_counts=[f"{n} {v}" for v, n in counts.items() if n],
        key_figures=[by_name[n] for n in README_FIGURES if n in by_name],
        figures=[e for e in figures if e["name"]])


def copy_figures(src: str | os.PathLike, dest: str | os.PathLike) -> list[Path]:
    """Copy every file of ``src`` (a notebook's figures) into ``dest``; return the files written."""
    src, dest = Path(src), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for f in sorted(src.iterdir()) if src.is_dir() else []:
        if f.is_file():
            shutil.copyfile(f, dest / f.name)
            out.append(dest / f.name)
    return out
