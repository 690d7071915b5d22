"""aseanai build's cache of executed notebooks: what a change re-executes, and what it must not.

Two small notebooks in tmp_path read a throw-away copy of the data; each test builds
twice or more and reads each notebook's state (``done``: executed, ``cached``: reused)
from the Report and from the progress lines. No timing limits here: benchmarks/run.py
measures the speed.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest

import aseanai.execute
from aseanai.build import BuildError, build, cache_dir_for
from conftest import REPO, set_cell

ALPHA, BETA = "10_alpha.ipynb", "11_beta.ipynb"


def _notebook(path: Path, cells: list) -> Path:
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for i, c in enumerate(nb.cells):
        c["id"] = f"cell-{i}"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def project(tmp_path, data_copy):
    """Two notebooks that read the data (one saves a figure), a data copy, and a report folder beside a cache."""
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    alpha = _notebook(nbdir / ALPHA, [
        md("# 10. Alpha"),
        code("import aseanai\nclaims = aseanai.load('claims')\nlen(claims)"),
        md("**Figure 10.1.** Claims in the register."),
        code("import matplotlib.pyplot as plt\nfrom aseanai import plot\nfig, ax = plt.subplots()\n"
             "ax.bar(['claims'], [len(claims)])\nplot.save(fig, 'fig10_1_alpha')\nplt.close(fig)"),
    ])
    beta = _notebook(nbdir / BETA, [
        md("# 11. Beta"),
        code("import aseanai\nquotes = aseanai.load('claims')['quote']\nprint(quotes.iloc[0])"),
    ])
    return {"notebooks": [alpha, beta], "data": data_copy, "out": tmp_path / "site" / "build"}


def run(project, out=None, **kw):
    log = io.StringIO()
    rep = build(out or project["out"], notebooks=project["notebooks"], data_dir=project["data"], jobs=2,
                stream=log, **kw)
    text = log.getvalue()
    for name, state in rep.states.items():  # the progress lines say the same as the Report
        assert re.search(rf"{re.escape(name)}\s+{state}\s+\d+\.\d s", text), (name, state, text)
    return rep, text


def test_nothing_changed_reuses_every_notebook_and_the_figures_stay(project):
    first, _ = run(project)
    assert first.states == {ALPHA: "done", BETA: "done"}
    figure = project["out"] / "figures" / "fig10_1_alpha.png"
    before = figure.read_bytes()
    again, log = run(project)
    assert again.states == {ALPHA: "cached", BETA: "cached"}
    assert figure.read_bytes() == before
    # the cache lives in the report folder and moved, whole, into the new report at the swap
    assert cache_dir_for(project["out"]) == project["out"] / ".cache" and cache_dir_for(project["out"]).is_dir()
    assert not list(project["out"].parent.glob(".*"))  # nothing beside the report: no cache, no temporary folder
    # the per-notebook cache (not only the whole-report check) serves a report in another folder, figures included
    other, _ = run(project, out=project["out"].parent / "other", cache_dir=cache_dir_for(project["out"]))
    assert other.states == {ALPHA: "cached", BETA: "cached"}
    assert (project["out"].parent / "other" / "figures" / "fig10_1_alpha.png").read_bytes() == before
    # a report folder of its own starts with a cache of its own
    assert run(project, out=project["out"].parent / "third")[0].states == {ALPHA: "done", BETA: "done"}


def test_a_failed_first_build_keeps_its_cache_and_the_folder_stays_the_builds(project):
    nb = nbformat.read(project["notebooks"][1], as_version=4)
    broken = nbformat.v4.new_code_cell("raise ValueError('broken on purpose')")
    nb.cells.append(broken)
    nbformat.write(nb, project["notebooks"][1])
    with pytest.raises(BuildError, match="11_beta.ipynb"):
        run(project)
    out = project["out"]
    assert sorted(p.name for p in out.iterdir()) == [".aseanai-report", ".cache"]  # no report yet, the cache kept
    nb.cells.remove(broken)
    nbformat.write(nb, project["notebooks"][1])
    assert run(project)[0].states == {ALPHA: "cached", BETA: "done"}  # the folder is accepted, alpha reused


def test_a_data_change_re_executes_every_notebook_that_reads_it(project):
    run(project)
    set_cell(project["data"] / "claims.csv", "quote", "A changed quote.")
    rep, _ = run(project)
    assert rep.states == {ALPHA: "done", BETA: "done"}
    assert "A changed quote." in (project["out"] / "notebooks" / BETA).read_text()
    assert run(project)[0].states == {ALPHA: "cached", BETA: "cached"}


def test_a_notebook_change_re_executes_that_notebook_only(project):
    run(project)
    nb = nbformat.read(project["notebooks"][1], as_version=4)
    nb.cells[1].source += "\nprint('one more line')"
    nbformat.write(nb, project["notebooks"][1])
    rep, _ = run(project)
    assert rep.states == {ALPHA: "cached", BETA: "done"}
    assert "one more line" in (project["out"] / "html" / "11_beta.html").read_text()
    assert (project["out"] / "figures" / "fig10_1_alpha.svg").is_file()  # the cached notebook's figures are there


def test_a_markdown_change_updates_the_pages_without_executing(project):
    run(project)
    nb = nbformat.read(project["notebooks"][0], as_version=4)
    nb.cells[0].source = "# 10. Alpha, retitled"
    nbformat.write(nb, project["notebooks"][0])
    rep, _ = run(project)
    assert rep.states == {ALPHA: "cached", BETA: "cached"}
    # the changed file had a kernel warmed for it while the cache was searched; it was shut down unused
    assert not list(Path(tempfile.gettempdir()).glob(f"{aseanai.execute.KERNEL_FOLDER}{os.getpid()}-*"))
    assert "Alpha, retitled" in (project["out"] / "html" / "10_alpha.html").read_text()
    assert "Alpha, retitled" in (project["out"] / "index.html").read_text()


def test_a_library_change_re_executes_everything(project, tmp_path, monkeypatch):
    library = tmp_path / "library"
    shutil.copytree(aseanai.execute.LIBRARY, library, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(aseanai.execute, "LIBRARY", library)
    run(project)
    assert run(project)[0].states == {ALPHA: "cached", BETA: "cached"}
    (library / "metrics.py").write_text((library / "metrics.py").read_text() + "\n# a change\n")
    assert run(project)[0].states == {ALPHA: "done", BETA: "done"}
    (library / "templates" / "site" / "index.html.j2").write_text("changed")
    assert run(project)[0].states == {ALPHA: "done", BETA: "done"}


def test_an_environment_or_kernel_change_re_executes_everything(project, monkeypatch):
    run(project)
    monkeypatch.setattr(aseanai.execute, "_installed", lambda: ["pandas-0.0.1.dist-info"])
    assert run(project)[0].states == {ALPHA: "done", BETA: "done"}
    monkeypatch.setattr(aseanai.execute.platform, "python_version", lambda: "3.99.0")
    assert run(project)[0].states == {ALPHA: "done", BETA: "done"}


def test_force_re_executes(project):
    run(project)
    assert run(project, force=True)[0].states == {ALPHA: "done", BETA: "done"}
    assert run(project)[0].states == {ALPHA: "cached", BETA: "cached"}


def _entries(project) -> list[Path]:
    return sorted((cache_dir_for(project["out"]) / "jupyter-cache" / "executed").iterdir())


def _entry_of(project, name: str) -> Path:
    return next(e for e in _entries(project) if (e / "artifacts" / "report" / "notebooks" / name).exists())


@pytest.mark.parametrize("damage", ["truncated figure", "missing page", "empty notebook", "no files at all"])
def test_a_damaged_cache_entry_is_ignored_and_replaced(project, damage):
    run(project)
    entry = _entry_of(project, ALPHA)
    if damage == "truncated figure":
        png = entry / "artifacts" / "figures" / "fig10_1_alpha.png"
        png.write_bytes(png.read_bytes()[:100])  # as a build killed while writing it would leave it
    elif damage == "missing page":
        (entry / "artifacts" / "report" / "html" / "10_alpha.html").unlink()
    elif damage == "empty notebook":
        (entry / "base.ipynb").write_text("")
        (entry / "artifacts" / "report" / "notebooks" / ALPHA).write_text("")
    else:
        shutil.rmtree(entry)
    shutil.rmtree(cache_dir_for(project["out"]) / "reports")  # so that the build consults the entries
    rep, _ = run(project)
    assert rep.states == {ALPHA: "done", BETA: "cached"}
    assert (project["out"] / "figures" / "fig10_1_alpha.png").stat().st_size > 1000
    shutil.rmtree(cache_dir_for(project["out"]) / "reports")
    assert run(project)[0].states == {ALPHA: "cached", BETA: "cached"}  # written anew, whole


def test_a_changed_report_file_is_rebuilt_not_trusted(project):
    run(project)
    (project["out"] / "html" / "10_alpha.html").write_text("edited by hand")
    rep, _ = run(project)
    assert rep.states == {ALPHA: "cached", BETA: "cached"}
    assert "edited by hand" not in (project["out"] / "html" / "10_alpha.html").read_text()


def _report(folder: Path) -> dict[str, str]:
    strip = lambda s: re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", "IMG", s)  # noqa: E731
    return {str(p.relative_to(folder)): strip(p.read_text(encoding="utf-8")) for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix in (".html", ".ipynb") and p.relative_to(folder).parts[0] != ".cache"}


def test_a_rebuild_from_the_cache_equals_a_cold_build(project, tmp_path):
    run(project)
    nb = nbformat.read(project["notebooks"][0], as_version=4)
    nb.cells[2].source = "**Figure 10.1.** Claims in the register, all of them."  # markdown only: merged path
    nbformat.write(nb, project["notebooks"][0])
    rebuilt, _ = run(project)
    assert rebuilt.states == {ALPHA: "cached", BETA: "cached"}
    cold_out = tmp_path / "elsewhere" / "build"
    cold, _ = run(project, out=cold_out, force=True, cache_dir=tmp_path / "fresh-cache")
    assert cold.states == {ALPHA: "done", BETA: "done"}
    assert _report(project["out"]) == _report(cold_out)
    assert sorted(p.name for p in (project["out"] / "figures").iterdir()) == \
        sorted(p.name for p in (cold_out / "figures").iterdir())


def test_the_real_lessons_rebuild_from_the_cache(tmp_path):
    """Two of the lessons: a rebuild reuses both, and gives the cold build's pages and notebooks."""
    nbs = [REPO / "notebooks" / "00_overview.ipynb", REPO / "notebooks" / "03_investment.ipynb"]
    out = tmp_path / "build"
    cold = build(out, notebooks=nbs, jobs=2, stream=io.StringIO())
    assert set(cold.states.values()) == {"done"}
    before = _report(out)
    again = build(tmp_path / "again", notebooks=nbs, jobs=2, stream=io.StringIO(),
                  cache_dir=cache_dir_for(out))  # the same cache, another report folder
    assert set(again.states.values()) == {"cached"}
    assert _report(tmp_path / "again") == before
    assert sorted(p.name for p in (tmp_path / "again" / "figures").iterdir()) == \
        sorted(p.name for p in (out / "figures").iterdir())
