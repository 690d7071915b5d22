"""aseanai build: the report, its student edition, the faults it must survive, and the report in a real browser.

The browser tests render the pages in headless Chromium (Debian's chromium; .ci/run installs it) and skip with
the reason where it is missing. They live here so that the one full build of the session serves them too.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from aseanai import DataError
from aseanai.build import BuildError, build
from aseanai.cli import main
from aseanai.notebooks import figure_index, notebook_paths
from conftest import REPO, append_row, checksums, set_cell

EXTERNAL = re.compile(r"""<(script|link|img|iframe)[^>]*(src|href)=["'](https?:)?//""", re.I)
SMALL = [REPO / "notebooks" / "00_overview.ipynb", REPO / "notebooks" / "03_investment.ipynb"]


def test_every_part_of_the_report_is_written(report):
    out, rep, _ = report
    stems = [p.stem for p in notebook_paths()]
    assert (out / "index.html").is_file()
    for stem in stems:
        for part in (f"html/{stem}.html", f"handouts/{stem}.html", f"student/{stem}.ipynb", f"notebooks/{stem}.ipynb"):
            assert (out / part).is_file(), part
    for e in figure_index():
        if e["name"]:
            assert (out / "figures" / f"{e['name']}.png").stat().st_size > 1000
            assert (out / "figures" / f"{e['name']}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_pages_load_nothing_from_the_network(report):
    out, _, _ = report
    for page in [out / "index.html", *sorted((out / "html").glob("*.html")), *sorted((out / "handouts").glob("*.html"))]:
        assert not EXTERNAL.search(page.read_text(encoding="utf-8")), page.name


def test_handouts_have_results_but_no_code_or_solutions(report):
    out, _, _ = report
    page = (out / "html" / "03_investment.html").read_text(encoding="utf-8")
    handout = (out / "handouts" / "03_investment.html").read_text(encoding="utf-8")
    assert "set_style" in page and "set_style" not in handout
    assert "data:image/png;base64" in handout  # the figures are there
    assert "Exercises" in handout
    assert "US$ billion a year" in page and "US$ billion a year" not in handout  # a solution's output


def test_student_edition_keeps_answer_cells_and_drops_solutions_checks_and_outputs(report):
    out, _, _ = report
    for path in sorted((out / "student").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        tags = [c.metadata.get("tags", []) for c in nb.cells]
        assert not any("solution" in t or "remove-cell" in t for t in tags), path.name
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code and all(c.outputs == [] and c.execution_count is None for c in code)
        exercises = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("**Exercise ")]
        assert exercises, path.name
        for i in exercises:
            assert "answer" in nb.cells[i + 1].metadata.get("tags", []), f"{path.name}: no answer cell after cell {i}"
        assert nb.cells[1].source.startswith("*Data version "), "the student notebook carries the data stamp"


#: What raw pandas output or a reference to hidden code looks like in a page.
RAW = re.compile(r"&lt;NA&gt;|<NA>|\bNaN\b|\bNaT\b|dtype:|00:00:00|\bthe (next|previous|following) cell\b|\bthis cell\b"
                 r"|\bthe code (below|above)\b|when=None")


def test_handouts_read_like_a_report(report):
    out, _, _ = report
    for path in sorted((out / "handouts").glob("*.html")):
        text = re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", "IMG", path.read_text(encoding="utf-8"))
        found = RAW.search(text)
        assert not found, f"{path.name}: {found.group(0)!r} near {text[max(0, found.start() - 80):found.end() + 40]!r}"
        assert "assert " not in text, f"{path.name}: a check cell reached the handout"
        assert "Data version " in text, f"{path.name} carries no data stamp"


def test_pages_drop_checks_and_carry_the_stamp(report):
    out, _, _ = report
    for path in sorted((out / "html").glob("*.html")):
        text = path.read_text(encoding="utf-8")
        assert "assert " not in text, f"{path.name}: a check cell reached the page"
        assert "Data version " in text and "(the bundled data)" in text, path.name
    assert "Data version " in (out / "index.html").read_text(encoding="utf-8")


def test_no_figure_labels_anything_nan(report):
    out, _, _ = report
    for svg in sorted((out / "figures").glob("*.svg")):
        text = svg.read_text(encoding="utf-8")
        labels = re.findall(r"<text[^>]*>([^<]*)</text>", text) + re.findall(r"<!-- (.*?) -->", text)
        bad = [t for t in labels if re.search(r"\b(nan|None)\b|&lt;NA&gt;|<NA>", t)]
        assert not bad, f"{svg.name}: {bad}"


def test_index_links_pages_figures_and_claims(report):
    out, _, _ = report
    index = (out / "index.html").read_text(encoding="utf-8")
    for stem in [p.stem for p in notebook_paths()]:
        assert f'href="html/{stem}.html"' in index and f'href="handouts/{stem}.html"' in index
    for src in re.findall(r'<img src="([^"]+)"', index):
        assert (out / src).is_file(), src
    import aseanai

    assert index.count("<tr><td>c") == len(aseanai.load("claims"))


def test_executed_notebooks_match_the_committed_outputs(report):
    out, _, _ = report
    for path in notebook_paths():
        built = nbformat.read(out / "notebooks" / path.name, as_version=4)
        committed = nbformat.read(path, as_version=4)
        assert [_text_outputs(c) for c in built.cells] == [_text_outputs(c) for c in committed.cells], path.name


def _text_outputs(cell):
    if cell.cell_type != "code":
        return None
    return [{k: v for k, v in o.get("data", {"text": o.get("text")}).items() if k != "image/png"}
            for o in cell.outputs]


def test_progress_names_each_notebook_with_state_and_seconds(report):
    _, _, log = report
    for path in notebook_paths():
        assert re.search(rf"{re.escape(path.name)}\s+done\s+\d+\.\d s", log), path.name


def test_two_builds_give_the_same_notebooks_and_html(report, tmp_path):
    first, _, _ = report
    again = tmp_path / "again"
    build(again, notebooks=SMALL, jobs=2, stream=io.StringIO())
    strip = lambda s: re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "IMG", s)  # noqa: E731
    for p in SMALL:
        assert (again / "notebooks" / p.name).read_text() == (first / "notebooks" / p.name).read_text()
        assert strip((again / "html" / f"{p.stem}.html").read_text()) == strip((first / "html" / f"{p.stem}.html").read_text())
        assert (again / "handouts" / f"{p.stem}.html").read_text() == (first / "handouts" / f"{p.stem}.html").read_text()


def test_a_failing_notebook_is_named_with_its_cell_and_the_rest_still_run(tmp_path):
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    good = nbdir / "00_overview.ipynb"
    good.write_text((REPO / "notebooks" / "00_overview.ipynb").read_text())
    bad = nbformat.v4.new_notebook()
    bad.cells = [nbformat.v4.new_markdown_cell("# 9. Broken"), nbformat.v4.new_code_cell("x = 1"),
                 nbformat.v4.new_code_cell("raise ValueError('the data say no')")]
    bad.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(bad, nbdir / "09_broken.ipynb")
    out = tmp_path / "build"
    out.mkdir()
    (out / "index.html").write_text("previous report")
    (out / ".aseanai-report").write_text("aseanai report format 1\n")  # an earlier build's report
    log = io.StringIO()
    with pytest.raises(BuildError) as info:
        build(out, notebooks=[good, nbdir / "09_broken.ipynb"], jobs=2, stream=log)
    msg = str(info.value)
    assert "09_broken.ipynb, cell 3: ValueError: the data say no" in msg
    assert re.search(r"00_overview\.ipynb\s+done", log.getvalue())
    assert (out / "index.html").read_text() == "previous report"
    assert not list(tmp_path.glob(".build.tmp-*"))


def test_failing_notebook_exit_code_from_the_command(tmp_path, capsys):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("1 / 0")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "08_zero.ipynb"
    nbformat.write(nb, path)
    assert main(["build", "--out", str(tmp_path / "out"), str(path)]) == 1
    err = capsys.readouterr().err
    assert "08_zero.ipynb, cell 1: ZeroDivisionError" in err and "Traceback" not in err


def test_bad_data_stops_before_any_kernel(data_copy, tmp_path, capsys):
    line = append_row(data_copy / "actors.csv", actor_id="ZZZ", name="Nowhere", actor_type="state")
    code = main(["build", "--out", str(tmp_path / "out"), "--data-dir", str(data_copy)])
    out, err = capsys.readouterr()
    assert code == 1
    assert f"actors.csv:{line}: actor_id: not an ISO 3166-1 alpha-3" in err
    assert "executing" not in out and not (tmp_path / "out").exists()
    with pytest.raises(DataError):
        build(tmp_path / "out", data_dir=data_copy, stream=io.StringIO())


def test_unwritable_output_folder_is_a_clear_message(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code = main(["build", "--out", str(blocker / "report"), str(SMALL[1])])
    err = capsys.readouterr().err
    assert code == 1
    assert "cannot write the report to" in err and "Traceback" not in err


def test_build_killed_part_way_keeps_the_previous_report(report, tmp_path):
    import shutil

    out = tmp_path / "build"
    shutil.copytree(report[0], out)  # a previous, complete report (and its cache, which a build may add to)
    pages = lambda: {k: v for k, v in checksums(out).items() if not k.startswith(".cache/")}  # noqa: E731
    before = pages()
    proc = subprocess.Popen([sys.executable, "-m", "aseanai.cli", "build", "--force", "--out", str(out),
                             *map(str, SMALL)],  # --force: the copied cache holds these notebooks
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    line = proc.stdout.readline()
    assert line.startswith("executing"), line
    kernels = Path(tempfile.gettempdir()).glob  # each worker's kernel: sockets and connection file in one folder
    for _ in range(1800):  # wait until a kernel runs (at most three minutes on a busy machine), then kill it all
        if any((k / "kernel.json").is_file() for k in kernels(f"aseanai-kernel-{proc.pid}-*")):
            break
        time.sleep(0.1)
    else:
        pytest.fail("no kernel folder named after the build appeared")
    os.killpg(proc.pid, signal.SIGKILL)  # no chance to clean up
    proc.wait()
    assert pages() == before  # the previous build is whole
    assert list(tmp_path.glob(".build.tmp-*")), "the killed build should have left its temporary folder"
    build(out, notebooks=SMALL[:1], jobs=1, stream=io.StringIO(), force=True)  # and the next run completes
    assert (out / "index.html").is_file() and (out / "html" / "00_overview.html").is_file()
    assert not list(tmp_path.glob(".build.tmp-*")) and not list(tmp_path.glob(".build.old-*"))
    assert not list(kernels(f"aseanai-kernel-{proc.pid}-*")), "the killed build's kernel folders (with keys) remain"


def test_the_report_folder_is_readable_by_others(tmp_path):
    old = os.umask(0o022)
    try:
        build(tmp_path / "out", notebooks=SMALL[:1], jobs=1, stream=io.StringIO())
    finally:
        os.umask(old)
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o755


POISON = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


def test_text_from_the_data_is_escaped_in_every_page(data_copy, tmp_path):
    set_cell(data_copy / "agreements.csv", "short_name", POISON[0], row=6)  # the ASEAN-China MoU
    set_cell(data_copy / "agreements.csv", "column_parties", POISON[1], row=1)
    set_cell(data_copy / "claims.csv", "quote", POISON[1])
    set_cell(data_copy / "claims.csv", "evidence", POISON[0], row=1)
    out = tmp_path / "build"
    build(out, data_dir=data_copy, notebooks=[REPO / "notebooks" / "00_overview.ipynb",
                                              REPO / "notebooks" / "01_partner_diversity.ipynb"],
          jobs=2, stream=io.StringIO())
    pages = [out / "index.html", *(out / "html").glob("*.html"), *(out / "handouts").glob("*.html")]
    shown = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for p in POISON:
            assert p not in text, f"{page.name} contains raw {p}"
        shown += text.count("&lt;script&gt;alert(1)&lt;/script&gt;") + text.count("&lt;img src=x onerror=alert(1)&gt;")
    assert shown >= 3  # the text is there, as text


# ---------------------------------------------------------------- the report in a browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars"]

# Injected first in <head> of a copy of the page: records errors and, on load, what the page shows.
PROBE = """<script>
window.__errs = [];
window.addEventListener('error', e => __errs.push(e.message || ('failed to load ' + (e.target && (e.target.src || e.target.href)))), true);
const __ce = console.error; console.error = (...a) => { __errs.push(a.join(' ')); __ce(...a); };
window.addEventListener('load', () => {
  const imgs = [...document.images];
  const r = {images: imgs.length, loaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
             h1: [...document.querySelectorAll('h1')].map(h => h.textContent.trim()),
             h2: [...document.querySelectorAll('h2')].map(h => h.textContent.trim()), errors: __errs};
  const p = document.createElement('pre'); p.id = 'aseanai-probe'; p.textContent = JSON.stringify(r);
  document.body.appendChild(p);
});
</script>"""


def _chromium(tmp_path, *args, timeout=60):
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=timeout)


def _probe(page, tmp_path):
    probed = page.with_name(page.stem + ".probe.html")
    text = page.read_text(encoding="utf-8")
    probed.write_text(text.replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    run = _chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", "--dump-dom",
                    probed.as_uri())
    probed.unlink()
    found = re.search(r'<pre id="aseanai-probe">(.*?)</pre>', run.stdout, re.S)
    assert found, f"no probe result; chromium said: {run.stderr[-1500:]}"
    result = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<")
                        .replace("&gt;", ">"))
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line and "error" in line.lower()]
    return result, console


def _screenshot(page, tmp_path):
    shot = tmp_path / f"{page.stem}.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,1600", "--virtual-time-budget=10000",
              page.as_uri())
    return shot


@needs_chromium
def test_index_renders_with_every_figure_and_no_error(report, tmp_path):
    out, _, _ = report
    result, console = _probe(out / "index.html", tmp_path)
    assert result["h1"] == ["Southeast Asia's pragmatic approach to AI, as evidence"]
    assert {"Notebooks", "Key figures", "The column's claims", "All figures"} <= set(result["h2"])
    assert result["images"] >= 3 and result["loaded"] == result["images"]
    assert result["errors"] == [] and console == []
    shot = _screenshot(out / "index.html", tmp_path)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


@needs_chromium
def test_notebook_page_renders_offline_with_its_figures(report, tmp_path):
    out, _, _ = report
    result, console = _probe(out / "html" / "02b_data_centres_malaysia.html", tmp_path)
    assert result["h1"] and result["h1"][0].startswith("2b. ")
    assert "Exercises" in " ".join(result["h2"])
    assert result["images"] >= 4 and result["loaded"] == result["images"]
    assert result["errors"] == [] and console == []
    shot = _screenshot(out / "html" / "02b_data_centres_malaysia.html", tmp_path)
    assert shot.stat().st_size > 20_000
