"""The narrative notebooks: where they are, how their outputs are cleaned, their figures and tables.

Execution lives in :mod:`aseanai.execute`; ``aseanai build --update-notebooks``
(``make notebooks``) writes outputs back into ``notebooks/`` with execution
counts kept and timing metadata dropped, so that two runs in a row leave
``git status`` clean.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from .datapackage import packaged_dir, repo_root

__all__ = ["notebook_dir", "notebook_paths", "README_FIGURES", "SAVE_CALL", "figure_index", "figure_table",
           "copy_readme_figures"]

#: Figures the README shows; copied to docs/figures after a run (PNG only).
README_FIGURES = ("fig01_2_partner_network", "fig02_1_awards_by_origin", "fig05_1_dominance")

#: Cell metadata that a run must not leave behind (it changes on every run).
_VOLATILE_CELL_KEYS = ("execution", "collapsed", "scrolled")


def notebook_dir() -> Path:
    """The lessons: the repository's ``notebooks/`` in a clone or an editable install, else ``aseanai/_lessons/``.

    Examples
    --------
    >>> [p.name for p in notebook_paths()][:1]
    ['00_overview.ipynb']
    """
    root = repo_root()
    return root / "notebooks" if root is not None else packaged_dir("_lessons")


#: A lesson's file name: two digits, an optional letter for its "going further" part, a name.
LESSON_NAME = re.compile(r"\d\d[a-z]?_[a-z0-9_]+\.ipynb")


def notebook_paths(folder: str | os.PathLike | None = None) -> list[Path]:
    """The numbered notebooks (``NN_name.ipynb`` and their going-further parts ``NNb_name.ipynb``), in order."""
    folder = Path(folder) if folder is not None else notebook_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]*.ipynb") if LESSON_NAME.fullmatch(p.name))


def _clean(nb) -> None:
    for cell in nb.cells:
        for key in _VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)


def copy_readme_figures(src: Path | None = None) -> list[Path]:
    """Copy the README's figures (default from build/figures) to docs/figures, only when their bytes differ."""
    if src is None:
        from .plot import figures_dir

        src = figures_dir()
    root = repo_root()
    if root is None:
        raise RuntimeError("the README's figures live in a clone of the repository; this is an installed package")
    dest = root / "docs" / "figures"
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for name in README_FIGURES:
        f = src / f"{name}.png"
        if f.exists():
            target = dest / f.name
            if not target.exists() or target.read_bytes() != f.read_bytes():
                shutil.copyfile(f, target)
            out.append(target)
    return out


#: The tag of a hidden check cell (Jupyter Book's ``remove-cell``): it guards a sentence and is never a figure.
CHECK_TAG = "remove-cell"
_CAPTION = re.compile(r"\*\*(Figure|Table) (\d+)\.(\d+)\.\*\*\s*(.+)")
#: A code cell's ``plot.save(fig, "name")`` call; group 1 is the figure's stable name.
SAVE_CALL = re.compile(r"""plot\.save\(\s*fig\s*,\s*["']([^"']+)["']""")


def figure_index(paths=None) -> list[dict]:
    """Every captioned figure and table of the notebooks, in order.

    A caption is a markdown line ``**Figure N.k.** text`` or ``**Table N.k.** text``;
    a figure's stable file name is read from the ``plot.save`` call in the
    code cell that follows its caption.
    """
    import nbformat

    out = []
    for path in [Path(p) for p in paths] if paths else notebook_paths():
        cells = nbformat.read(path, as_version=4).cells
        for i, cell in enumerate(cells):
            if cell.cell_type != "markdown":
                continue
            for line in cell.source.splitlines():
                m = _CAPTION.search(line)
                if not m:
                    continue
                kind, major, minor, text = m.groups()
                name = ""
                if kind == "Figure":
                    nxt = next((c for c in cells[i + 1:] if c.cell_type == "code"
                                and CHECK_TAG not in c.metadata.get("tags", [])), None)
                    found = SAVE_CALL.search(nxt.source) if nxt is not None else None
                    name = found.group(1) if found else ""
                first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
                out.append({"kind": kind, "number": f"{major}.{minor}", "caption": first, "notebook": path.name,
                            "name": name})
    return out


def figure_table(paths=None) -> str:
    """The README's list of figures and tables as Markdown (generated; a test keeps the README in step)."""
    rows = ["| | number | what it shows | notebook | file (in `build/figures/`) |", "|---|---|---|---|---|"]
    for e in figure_index(paths):
        file = f"`{e['name']}.png` / `.svg`" if e["name"] else ""
        rows.append(f"| {e['kind']} | {e['number']} | {e['caption'].replace('|', '/')} | `{e['notebook']}` | {file} |")
    return "\n".join(rows) + "\n"
