"""``aseanai build``: from the bundled data to a report a reader opens in a browser.

Steps, in order:

1. validate the data (stop with the same messages as ``aseanai validate``,
   before any kernel starts);
2. execute every notebook headless with nbclient, in parallel (one kernel per
   worker process), showing each notebook's name, state and seconds;
3. write, into a temporary folder beside the output folder: the executed
   notebooks, an HTML page per notebook, a results-only handout per notebook,
   every figure as PNG and SVG, the student edition (solutions removed,
   outputs cleared) and an ``index.html``;
4. swap the temporary folder into place, so that a build killed part way
   leaves the previous build whole.

The pages load nothing from the network. Text from the data is escaped
wherever it reaches HTML.
"""
from __future__ import annotations

import html
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from .datapackage import DataError, data_dir as resolve_data_dir
from .notebooks import README_FIGURES, _clean, copy_readme_figures, figure_index, notebook_paths

__all__ = ["BuildError", "NotebookFailure", "build"]

TEMPLATES = Path(__file__).with_name("templates")


class BuildError(RuntimeError):
    """The build could not run or finish; the message says why, without a traceback."""


@dataclass
class NotebookFailure:
    notebook: str
    cell: int | None  # 1-based index among all cells
    source: str
    error: str


@dataclass
class Result:
    name: str
    seconds: float
    notebook: str | None = None  # the executed notebook, as nbformat writes it
    failure: NotebookFailure | None = None
    pages: dict | None = None  # relative path in the report -> text (HTML page, handout, student notebook)


@dataclass
class Report:
    out: Path
    seconds: float
    results: list[Result] = field(default_factory=list)

    @property
    def failures(self) -> list[NotebookFailure]:
        return [r.failure for r in self.results if r.failure is not None]


# ---------------------------------------------------------------- execution


# One kernel per worker process, kept warm across the notebooks that worker runs: the
# heavy imports happen once, and before each notebook the kernel is reset (user
# namespace cleared, figures closed, matplotlib settings and working folder restored,
# execution count back to 1). nbval re-runs every notebook in a fresh kernel in the
# test suite, which is what proves the reset complete.
_WORKER: dict = {}

_WARMUP = """
import matplotlib, matplotlib.pyplot, pandas, seaborn, aseanai, aseanai.plot, aseanai.metrics
import aseanai.dimensions, aseanai.display, aseanai.summary, aseanai.lesson
matplotlib._aseanai_rc = matplotlib.rcParams.copy()
"""

_RESET = """
get_ipython().reset(new_session=True)  # namespace and history cleared, execution count back to 1
import os as _os, matplotlib as _mpl, matplotlib.pyplot as _plt
_plt.close("all"); _mpl.rcParams.update(_mpl._aseanai_rc); _os.chdir({cwd!r})
del _os, _mpl, _plt
"""


def _silent(km, code: str, timeout: int = 120) -> None:
    kc = km.blocking_client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=timeout)
        msg_id = kc.execute(code, silent=True, store_history=False)
        while True:
            reply = kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel setup failed: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")
    finally:
        kc.stop_channels()


def _shutdown_worker_kernel() -> None:
    km = _WORKER.pop("km", None)
    if km is not None and km.has_kernel:
        km.shutdown_kernel(now=True)
    sockets = _WORKER.pop("sockets", None)
    if sockets:
        shutil.rmtree(sockets, ignore_errors=True)


def _worker_kernel(cwd: str):
    """This worker's kernel, started (over IPC sockets, not TCP) and warmed on first use."""
    from jupyter_client.manager import KernelManager
    from multiprocessing.util import Finalize

    km = _WORKER.get("km")
    if km is None or not km.is_alive():
        _shutdown_worker_kernel()
        sockets = tempfile.mkdtemp(prefix="aseanai-kernel-")
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
        km.start_kernel(cwd=cwd)
        _WORKER.update(km=km, sockets=sockets)
        if "finalizer" not in _WORKER:
            _WORKER["finalizer"] = Finalize(None, _shutdown_worker_kernel, exitpriority=10)
        _silent(km, _WARMUP)
    _silent(km, _RESET.format(cwd=cwd))
    return km


def _execute_one(path: str, env: dict, timeout: int) -> Result:
    """Run in a worker process: execute one notebook and convert it; return text, never live objects."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    os.environ.update(env)
    start = time.perf_counter()
    name = Path(path).name
    cwd = str(Path(path).parent.absolute())
    nb = nbformat.read(path, as_version=4)
    try:
        km = _worker_kernel(cwd)
        client = NotebookClient(nb, km=km, timeout=timeout, kernel_name="python3", record_timing=False,
                                resources={"metadata": {"path": cwd}})
        client.execute()
    except CellExecutionError as exc:
        failed = next(((i, c) for i, c in enumerate(nb.cells, 1)
                       if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        if failed is None:
            return Result(name, time.perf_counter() - start, failure=NotebookFailure(name, None, "", str(exc)[-300:]))
        index, cell = failed
        err = next(o for o in cell.outputs if o.get("output_type") == "error")
        return Result(name, time.perf_counter() - start,
                      failure=NotebookFailure(name, index, cell.source, f"{err['ename']}: {err['evalue']}"))
    except Exception as exc:  # kernel died, timeout...
        _shutdown_worker_kernel()
        return Result(name, time.perf_counter() - start, failure=NotebookFailure(name, None, "", repr(exc)))
    _clean(nb)
    result = Result(name, time.perf_counter() - start, notebook=nbformat.writes(nb) + "\n")
    from .lesson import data_stamp

    result.pages = _convert(nb, Path(path).stem, data_stamp())
    return result


class _Progress:
    """Each notebook's name, state and seconds: a live line on a terminal, plain lines otherwise."""

    def __init__(self, names: list[str], stream=None):
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty() and not os.environ.get("CI")
        self.names = names
        self.state = {n: "queued" for n in names}
        self.start = time.perf_counter()

    def update(self, name: str, state: str, seconds: float | None = None) -> None:
        self.state[name] = state
        if self.live:
            done = sum(s in ("done", "failed") for s in self.state.values())
            bar = "#" * done + "." * (len(self.names) - done)
            running = ", ".join(n for n, s in self.state.items() if s == "running")
            self.stream.write(f"\r[{bar}] {done}/{len(self.names)} {time.perf_counter() - self.start:5.1f} s"
                              f"  {running[:60]:60s}")
            if done == len(self.names):
                self.stream.write("\n")
            self.stream.flush()
        if not self.live or state in ("done", "failed"):
            if self.live:
                self.stream.write("\r" + " " * 100 + "\r")
            secs = f"{seconds:6.1f} s" if seconds is not None else ""
            self.stream.write(f"  {name:30s} {state:8s} {secs}\n")
            self.stream.flush()


def execute_all(paths: list[Path], *, jobs: int, env: dict, timeout: int = 600, stream=None) -> list[Result]:
    """Execute notebooks in parallel, one kernel per worker process; results in input order."""
    progress = _Progress([p.name for p in paths], stream)
    results: dict[str, Result] = {}
    ctx = get_context("fork") if sys.platform != "win32" else get_context("spawn")
    # largest notebooks first, so that the workers finish at about the same time
    order = sorted(paths, key=lambda p: p.stat().st_size, reverse=True)
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=ctx) as pool:
        futures = {}
        for p in order:
            futures[pool.submit(_execute_one, str(p), env, timeout)] = p.name
        for name in list(futures.values())[:max(1, jobs)]:
            progress.update(name, "running")
        pending = list(futures.values())[max(1, jobs):]
        for fut in as_completed(futures):
            res = fut.result()
            results[res.name] = res
            progress.update(res.name, "failed" if res.failure else "done", res.seconds)
            if pending:
                progress.update(pending.pop(0), "running")
    return [results[p.name] for p in paths]


# ---------------------------------------------------------------- writing


def _exporter(handout: bool = False):
    """nbconvert's HTML exporter with the offline template (one per worker and kind, reused)."""
    key = ("exporter", handout)
    if key not in _WORKER:
        from nbconvert import HTMLExporter

        exp = HTMLExporter(template_name="offline", extra_template_basedirs=[str(TEMPLATES)])
        if handout:
            exp.exclude_input = True
            exp.exclude_input_prompt = True
            exp.exclude_output_prompt = True
        _WORKER[key] = exp
    return _WORKER[key]


#: Cell tags and what each edition does with them (Jupyter Book's ``remove-cell`` convention).
CHECK_TAG, SOLUTION_TAG, ANSWER_TAG = "remove-cell", "solution", "answer"
#: The tags that each edition drops: pages keep solutions (shown open), handouts keep results only,
#: the student edition keeps the empty answer cells and drops the solutions.
EDITION_DROPS = {
    "page": {CHECK_TAG, ANSWER_TAG},
    "handout": {CHECK_TAG, ANSWER_TAG, SOLUTION_TAG},
    "student": {CHECK_TAG, SOLUTION_TAG},
}


def _edition(nb, kind: str, stamp: str):
    """A copy of the executed notebook for one edition, made with nbconvert's own preprocessors."""
    import copy

    import nbformat
    from nbconvert.preprocessors import ClearMetadataPreprocessor, ClearOutputPreprocessor, TagRemovePreprocessor

    nb = copy.deepcopy(nb)
    resources: dict = {}
    nb, _ = TagRemovePreprocessor(remove_cell_tags=EDITION_DROPS[kind], enabled=True).preprocess(nb, resources)
    if kind == "student":
        nb, _ = ClearOutputPreprocessor(enabled=True).preprocess(nb, resources)
        nb, _ = ClearMetadataPreprocessor(enabled=True, preserve_cell_metadata_mask={"tags"},
                                          preserve_nb_metadata_mask={"kernelspec", "language_info"}
                                          ).preprocess(nb, resources)
    else:  # a page shows the model answers open: the teacher's collapsed view is for JupyterLab only
        for c in nb.cells:
            c.metadata.pop("jupyter", None)
    first = next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"), -1)
    cell = nbformat.v4.new_markdown_cell(f"*{stamp}*", metadata={"tags": ["data-stamp"]})
    cell["id"] = "data-stamp"  # a fixed id: two builds write the same bytes
    nb.cells.insert(first + 1, cell)
    return nb


def _title(nb, fallback: str) -> str:
    for c in nb.cells:
        if c.cell_type == "markdown" and c.source.startswith("# "):
            return c.source.splitlines()[0][2:].strip()
    return fallback


def _convert(nb, stem: str, stamp: str) -> dict[str, str]:
    """The HTML page, the results-only handout and the student notebook of one executed notebook."""
    import nbformat

    title = _title(nb, stem)
    page, _ = _exporter().from_notebook_node(_edition(nb, "page", stamp), resources={"metadata": {"name": title}})
    handout, _ = _exporter(handout=True).from_notebook_node(
        _edition(nb, "handout", stamp), resources={"metadata": {"name": title + " (handout)"}})
    student = _edition(nb, "student", stamp)
    return {f"html/{stem}.html": page, f"handouts/{stem}.html": handout,
            f"student/{stem}.ipynb": nbformat.writes(student) + "\n", "_title": title}


def _write_outputs(tmp: Path, results: list[Result], data, stamp: str) -> None:
    for sub in ("notebooks", "html", "handouts", "student"):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
    pages = []
    for r in results:
        (tmp / "notebooks" / r.name).write_text(r.notebook, encoding="utf-8")
        for rel, text in r.pages.items():
            if not rel.startswith("_"):
                (tmp / rel).write_text(text, encoding="utf-8")
        pages.append((Path(r.name).stem, r.pages["_title"]))
    (tmp / "index.html").write_text(_index_html(pages, data, tmp, stamp), encoding="utf-8")


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#222;line-height:1.5}h1{font-size:1.7rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.9rem;width:100%}td,th{border:1px solid #ddd;padding:.3rem .5rem;
vertical-align:top;text-align:left}th{background:#f4f4f4}figure{margin:1.5rem 0}figure img{max-width:100%}
figcaption{font-size:.9rem;color:#444}.v-supported{color:#2b8a3e}.v-refined{color:#b7791f}
.v-contradicted{color:#c92a2a}.v-unverified{color:#6c757d}code{background:#f4f4f4;padding:0 .2rem}
"""


def _index_html(pages: list[tuple[str, str]], data, root: Path, stamp: str) -> str:
    esc = html.escape
    claims = data["claims"]
    figures = [e for e in figure_index([root / "notebooks" / f"{s}.ipynb" for s, _ in pages]) if e["kind"] == "Figure"]
    by_name = {e["name"]: e for e in figures}
    rows = "\n".join(
        f"<tr><td>{esc(str(c.claim_id))}</td><td>{esc(str(c.topic))}</td>"
        f"<td class=\"v-{esc(str(c.verdict))}\">{esc(str(c.verdict))}</td><td>{esc(str(c.quote))}</td>"
        f"<td>{esc(str(c.evidence))}</td><td><a href=\"html/{esc(Path(str(c.notebook)).stem)}.html\">"
        f"{esc(str(c.notebook))}</a></td></tr>" for c in claims.itertuples())
    nb_rows = "\n".join(
        f"<li><a href=\"html/{esc(s)}.html\">{esc(t)}</a> &middot; <a href=\"handouts/{esc(s)}.html\">handout</a>"
        f" &middot; <a href=\"student/{esc(s)}.ipynb\">student notebook</a></li>" for s, t in pages)
    key = "\n".join(
        f"<figure><img src=\"figures/{esc(n)}.png\" alt=\"{esc(by_name[n]['caption'])}\">"
        f"<figcaption>Figure {esc(by_name[n]['number'])}. {esc(by_name[n]['caption'])}</figcaption></figure>"
        for n in README_FIGURES if n in by_name)
    fig_rows = "\n".join(
        f"<li>Figure {esc(e['number'])}: {esc(e['caption'])} <a href=\"figures/{esc(e['name'])}.png\">PNG</a>"
        f" &middot; <a href=\"figures/{esc(e['name'])}.svg\">SVG</a></li>" for e in figures if e["name"])
    counts = claims["verdict"].value_counts()
    summary = ", ".join(f"{n} {esc(str(v))}" for v, n in counts.items() if n)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>aseanai: Southeast Asia's pragmatic approach to AI, as evidence</title><style>{_CSS}</style></head>
<body>
<h1>Southeast Asia's pragmatic approach to AI, as evidence</h1>
<p>Sourced data and notebooks that test a policy column's argument that ASEAN member states hedge between the
United States and China on artificial intelligence. Every number below comes from the executed notebooks and the
data in <code>data/</code>.</p>
<p class="stamp"><em>{esc(stamp)}</em></p>
<h2>Notebooks</h2>
<ul>
{nb_rows}
</ul>
<h2>Key figures</h2>
{key}
<h2>The column's claims</h2>
<p>{len(claims)} claims: {summary}.</p>
<table><thead><tr><th>claim</th><th>topic</th><th>verdict</th><th>quote</th><th>evidence</th><th>checked in</th></tr>
</thead><tbody>
{rows}
</tbody></table>
<h2>All figures</h2>
<ul>
{fig_rows}
</ul>
</body></html>
"""


# ---------------------------------------------------------------- the build


def _recover(out: Path) -> None:
    """Undo a build killed between its two renames; remove stale temporary folders."""
    parent = out.parent
    olds = sorted(parent.glob(f".{out.name}.old-*"))
    if not out.exists() and olds:
        olds[-1].rename(out)
        olds = olds[:-1]
    for stale in olds + sorted(parent.glob(f".{out.name}.tmp-*")):
        shutil.rmtree(stale, ignore_errors=True)


def _swap(tmp: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        out.rename(old)
    tmp.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(out: str | os.PathLike = "build", *, jobs: int | None = None, update_notebooks: bool = False,
          data_dir=None, notebooks=None, stream=None, timeout: int = 600) -> Report:
    """Validate, execute every notebook and write the report into ``out``.

    Raises
    ------
    DataError
        If the data do not validate (before any kernel starts).
    BuildError
        If the output folder cannot be written, or a notebook fails (the
        message names the notebook and the cell; the previous build is kept).
    """
    from .validate import load_all, validate

    stream = stream or sys.stdout
    started = time.perf_counter()
    data_path = resolve_data_dir(data_dir)
    problems = validate(data_path)
    if problems:
        raise DataError(problems)
    data = load_all(data_path)

    out = Path(out).absolute()
    nb_paths = [Path(p) for p in notebooks] if notebooks else notebook_paths()
    if not nb_paths:
        raise BuildError("no notebooks found in notebooks/")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _recover(out)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    except OSError as exc:
        raise BuildError(f"cannot write the report to {out}: {exc.strerror or exc}") from None
    try:
        figures = tmp / "figures"
        figures.mkdir()
        env = {"ASEANAI_FIGURES": str(figures), "ASEANAI_DATA": str(Path(data_path).absolute()),
               "PYTHONHASHSEED": "0"}
        jobs = jobs or min(len(nb_paths), os.cpu_count() or 1)
        stream.write(f"executing {len(nb_paths)} notebooks with {jobs} worker(s)\n")
        results = execute_all(nb_paths, jobs=jobs, env=env, timeout=timeout, stream=stream)
        report = Report(out, 0.0, results)
        if report.failures:
            raise BuildError(_failure_text(report.failures, out))
        from .lesson import data_stamp

        _write_outputs(tmp, results, data, data_stamp(data_path))
        if update_notebooks:
            _update_notebooks(results, nb_paths, figures)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    report.seconds = time.perf_counter() - started
    return report


def _failure_text(failures: list[NotebookFailure], out: Path) -> str:
    kept = f"the previous report in {out} is unchanged" if out.exists() else "no report was written"
    parts = [f"{len(failures)} notebook(s) failed; {kept}:"]
    for f in failures:
        where = f"cell {f.cell}" if f.cell else "before any cell finished"
        first = f.source.strip().splitlines()[0] if f.source.strip() else ""
        parts.append(f"  {f.notebook}, {where}: {f.error}" + (f"\n      in: {first}" if first else ""))
    return "\n".join(parts)


def _update_notebooks(results: list[Result], paths: list[Path], figures: Path) -> None:
    for r, path in zip(results, paths):
        text = r.notebook
        if path.read_text(encoding="utf-8") != text:
            tmp = path.with_suffix(".ipynb.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
    copy_readme_figures(figures)


def summary_lines(report: Report) -> list[str]:
    out = report.out
    n = len(report.results)
    return [
        f"report written in {report.seconds:.1f} s to {out}",
        f"  {out / 'index.html'}  (open in a browser)",
        f"  {out / 'html'}/       {n} notebook pages",
        f"  {out / 'handouts'}/   {n} results-only handouts",
        f"  {out / 'student'}/    {n} student notebooks (solutions removed, outputs cleared)",
        f"  {out / 'figures'}/    {len(list((out / 'figures').glob('*.png')))} figures as PNG and SVG",
        f"  {out / 'notebooks'}/  {n} executed notebooks",
    ]
