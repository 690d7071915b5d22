"""Execute the narrative notebooks in place, with stable outputs.

``aseanai run-notebooks`` (``make notebooks``) runs every notebook in
``notebooks/`` top to bottom in a fresh kernel and writes the outputs back,
keeping execution counts and dropping timing metadata, so that running it
twice in a row leaves ``git status`` clean. The README's key figures are then
copied from ``build/figures`` to ``docs/figures``.
"""
from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

from .datapackage import repo_data_dir

__all__ = ["notebook_dir", "notebook_paths", "execute", "run", "README_FIGURES", "figure_index", "figure_table"]

#: Figures the README shows; copied to docs/figures after a run (PNG only).
README_FIGURES = ("fig01_2_partner_network", "fig02_1_awards_by_origin", "fig05_1_dominance")

#: Cell metadata that a run must not leave behind (it changes on every run).
_VOLATILE_CELL_KEYS = ("execution", "collapsed", "scrolled")


def notebook_dir() -> Path:
    return repo_data_dir().parent / "notebooks"


def notebook_paths(folder: str | os.PathLike | None = None) -> list[Path]:
    """The numbered notebooks (``NN_name.ipynb``), in order."""
    folder = Path(folder) if folder is not None else notebook_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def _clean(nb) -> None:
    for cell in nb.cells:
        for key in _VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)


def execute(path: str | os.PathLike, *, timeout: int = 300):
    """Run one notebook top to bottom in a fresh kernel; return the executed notebook.

    The kernel's working directory is the notebook's folder. Raises
    ``nbclient.exceptions.CellExecutionError`` if a cell fails.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    _clean(nb)
    return nb


def run(paths=None, *, write: bool = True, echo=print) -> list[Path]:
    """Execute notebooks (default: all) and write them back where their content changed."""
    import nbformat

    paths = [Path(p) for p in paths] if paths else notebook_paths()
    changed = []
    for path in paths:
        start = time.perf_counter()
        nb = execute(path)
        text = nbformat.writes(nb) + "\n"
        old = path.read_text(encoding="utf-8")
        state = "unchanged"
        if text != old:
            state = "updated"
            changed.append(path)
            if write:
                tmp = path.with_suffix(".ipynb.tmp")
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(path)
        echo(f"{path.name:32s} {state:9s} {time.perf_counter() - start:5.1f} s")
    if write:
        copy_readme_figures()
    return changed


def copy_readme_figures() -> list[Path]:
    """Copy the README's figures from build/figures to docs/figures (only when their bytes differ)."""
    from .plot import figures_dir

    src, dest = figures_dir(), repo_data_dir().parent / "docs" / "figures"
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


_CAPTION = re.compile(r"\*\*(Figure|Table) (\d+)\.(\d+)\.\*\*\s*(.+)")
_SAVE = re.compile(r"""plot\.save\(\s*fig\s*,\s*["']([^"']+)["']""")


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
                    nxt = next((c for c in cells[i + 1:] if c.cell_type == "code"), None)
                    found = _SAVE.search(nxt.source) if nxt is not None else None
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
