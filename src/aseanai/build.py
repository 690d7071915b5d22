"""``aseanai build``: from the bundled data to a report a reader opens in a browser.

Steps, in order:

1. if the report in the output folder was built from exactly these inputs (data,
   notebooks, library source, installed packages, kernel) and is intact, stop:
   nothing to do;
2. validate the data (stop with the same messages as ``aseanai validate``,
   before any kernel starts);
3. execute the notebooks headless (:mod:`aseanai.execute`: in parallel, one warm
   kernel per worker, reusing the cache of executed notebooks), showing each
   notebook's name, state and seconds;
4. write, into a temporary folder beside the output folder: the executed
   notebooks, an HTML page, a results-only handout and a student notebook per
   notebook (:mod:`aseanai.convert`), every figure as PNG and SVG and an
   ``index.html`` (:mod:`aseanai.site`);
5. swap the temporary folder into place, so that a build killed part way
   leaves the previous build whole.

The cache lives in the output folder (``build/.cache``). The build moves it
into the new report just before the swap (a rename), so it survives every
build; a build killed in between loses the cache, never the report, and never
leaves a half-written entry (jupyter-cache commits an entry's row before its
files, and an entry whose files do not check out is executed anew). The pages
load nothing from the network. Text from the data is escaped wherever it
reaches HTML.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .datapackage import REPORT_FORMAT, REPORT_MARKER, data_dir as resolve_data_dir, is_report, mark_report
from .execute import (NotebookCache, NotebookFailure, Progress, Result, cache_key, close_workers, execute_all,
                      file_digest, remove_stale_kernel_folders)
from .notebooks import copy_readme_figures, notebook_paths

__all__ = ["BuildError", "OutputRefused", "NotebookFailure", "Result", "Report", "build", "cache_dir_for",
           "check_output", "summary_lines", "MARKER"]

#: The cache folder's name, inside the output folder.
CACHE_NAME = ".cache"
#: The file that marks a folder as a report this program wrote, and the report format it holds.
MARKER = REPORT_MARKER


class BuildError(RuntimeError):
    """The build could not run or finish; the message says why, without a traceback."""


class OutputRefused(BuildError):
    """The output folder names something the build did not make; nothing was touched (``aseanai build`` exits 2)."""


def _protected(data_path) -> dict[Path, str]:
    """Folders a report may never replace, whatever they hold."""
    from .datapackage import repo_root
    from .notebooks import notebook_dir

    places = {Path.home(): "your home folder", Path(data_path): "the data folder", notebook_dir(): "the notebooks folder",
              Path(Path.cwd().anchor): "the root of the file system", Path.cwd(): "the current folder"}
    root = repo_root()
    if root is not None:
        places.update({root: "the repository's root", root / "data": "the repository's data folder",
                       root / "notebooks": "the repository's notebooks folder", root / "src": "the library's source"})
    out = {}
    for path, what in places.items():
        try:
            out[path.resolve()] = what
        except OSError:
            continue
    return out


def check_output(out: str | os.PathLike, data_path=None) -> Path:
    """Refuse an output folder that the build did not make, before anything is written.

    The build replaces ``out`` whole, so it may only be a folder that does not
    exist yet, an empty folder, or a report an earlier build wrote (it carries the
    :data:`MARKER` file). Everything else is refused and left as it is: a file, a
    folder with other content, the repository's root, ``data/``, ``notebooks/``,
    the home folder.

    Returns
    -------
    Path
        ``out``, absolute.

    Raises
    ------
    OutputRefused
        With a message that says what ``out`` is and what to do instead.

    Examples
    --------
    >>> import tempfile
    >>> check_output(Path(tempfile.mkdtemp()) / "report").name
    'report'
    """
    from .datapackage import data_dir as resolve

    path = Path(out).absolute()
    shown = str(out)
    try:
        real = path.resolve()
    except (OSError, RuntimeError) as exc:
        raise OutputRefused(f"--out {shown}: cannot be resolved ({exc}); choose a new folder, e.g. --out build") from None
    what = _protected(data_path if data_path is not None else resolve()).get(real)
    if what is not None:
        raise OutputRefused(f"--out {shown} is {what}: a report replaces its output folder whole, so it is never "
                            "written there. Choose a new folder, e.g. --out build")
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise OutputRefused(f"--out {shown} is a file, not a folder: the build never replaces it. "
                            "Choose a new folder, e.g. --out build")
    if path.is_dir():
        try:
            entries = [e.name for e in path.iterdir()]
        except OSError as exc:
            raise OutputRefused(f"--out {shown}: cannot be read ({exc.strerror or exc})") from None
        if entries and not is_report(path):
            raise OutputRefused(
                f"--out {shown} holds {len(entries)} file(s) or folder(s) that no aseanai build wrote (it has no "
                f"{MARKER} file), e.g. {sorted(entries)[0]!r}. The build replaces its output folder whole, so it "
                "writes only into a new or empty folder or over an earlier report. Choose another folder, or remove "
                "this one yourself if it is an old report.")
    return path



@dataclass
class Report:
    out: Path
    seconds: float
    results: list[Result] = field(default_factory=list)

    @property
    def failures(self) -> list[NotebookFailure]:
        return [r.failure for r in self.results if r.failure is not None]

    @property
    def states(self) -> dict[str, str]:
        """Each notebook's state: ``done`` (executed), ``cached`` (reused) or ``failed``."""
        return {r.name: r.state for r in self.results}


def cache_dir_for(out: str | os.PathLike) -> Path:
    """Where the cache of executed notebooks lives for a report in ``out``: inside it, as ``.cache``.

    Examples
    --------
    >>> cache_dir_for("/tmp/x/build").as_posix()
    '/tmp/x/build/.cache'
    """
    return Path(out).absolute() / CACHE_NAME


def _write_outputs(tmp: Path, results: list[Result], data, stamp: str) -> None:
    from .site import copy_figures, index_html

    for sub in ("notebooks", "html", "handouts", "student"):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
    mark_report(tmp)
    for r in results:
        shutil.copytree(r.folder / "report", tmp, dirs_exist_ok=True)
        copy_figures(r.folder / "figures", tmp / "figures")
    pages = [(Path(r.name).stem, r.title) for r in results]
    index = index_html(pages, data["claims"], [tmp / "notebooks" / r.name for r in results], stamp)
    (tmp / "index.html").write_text(index, encoding="utf-8")


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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _swap(tmp: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        out.rename(old)
    tmp.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _inputs(key: dict, nb_paths: list[Path], out: Path) -> dict:
    """Everything the whole report depends on: the cache key and every notebook's bytes."""
    return {"key": key, "out": str(out), "notebooks": [[p.name, file_digest(p)] for p in nb_paths]}


def _manifest_path(cache: Path, out: Path) -> Path:
    import hashlib

    return cache / "reports" / (hashlib.sha256(str(out).encode()).hexdigest()[:16] + ".json")


def _report_files(out: Path) -> dict[str, str]:
    """Every file of the report and its digest; the cache inside it is not part of the report."""
    files = (p for p in sorted(out.rglob("*")) if p.relative_to(out).parts[0] != CACHE_NAME)
    return {str(p.relative_to(out)): file_digest(p) for p in files if p.is_file()}


def _read_manifest(cache: Path, out: Path) -> dict | None:
    """The manifest the last build wrote for the report in ``out``, or None (none, or unreadable)."""
    try:
        manifest = json.loads(_manifest_path(cache, out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _up_to_date(out: Path, manifest: dict | None, inputs: dict) -> bool:
    """Whether the report in ``out`` was built from ``inputs`` and no file in it changed since."""
    try:
        return (manifest is not None and manifest["inputs"] == inputs and out.is_dir()
                and _report_files(out) == manifest["files"])
    except (OSError, KeyError, TypeError):
        return False


def _changed(manifest: dict | None, inputs: dict) -> int:
    """How many notebooks changed since the last report (all of them when anything else changed).

    A guess made before the cache is opened: a notebook whose markdown alone
    changed counts, although the cache will serve it.
    """
    try:
        before = manifest["inputs"]
        if before["key"] != inputs["key"]:
            return len(inputs["notebooks"])
        known = {name: digest for name, digest in before["notebooks"]}
    except (KeyError, TypeError, ValueError):
        return len(inputs["notebooks"])
    return sum(known.get(name) != digest for name, digest in inputs["notebooks"])


def _write_manifest(cache: Path, out: Path, inputs: dict, results: list[Result]) -> None:
    path = _manifest_path(cache, out)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"inputs": inputs, "files": _report_files(out),
                       "titles": {r.name: r.title for r in results}}, indent=1)
    tmp = path.with_suffix(f".tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)  # atomic: a killed build leaves the old manifest or the new one


def build(out: str | os.PathLike = "build", *, jobs: int | None = None, update_notebooks: bool = False,
          data_dir=None, notebooks=None, stream=None, timeout: int = 600, force: bool = False,
          cache_dir: str | os.PathLike | None = None) -> Report:
    """Validate, execute the notebooks (reusing cached ones) and write the report into ``out``.

    Parameters
    ----------
    force : bool
        Execute every notebook, ignoring the cache (which is then refreshed).
    cache_dir : path, optional
        The cache of executed notebooks (default: :func:`cache_dir_for` ``out``).

    Raises
    ------
    DataError
        If the data do not validate (before any kernel starts).
    OutputRefused
        If ``out`` is not a new or empty folder or an earlier report (see
        :func:`check_output`); nothing is touched.
    BuildError
        If the output folder cannot be written, or a notebook fails (the
        message names the notebook and the cell; the previous build is kept).
    """
    stream = stream or sys.stdout
    started = time.perf_counter()
    data_path = resolve_data_dir(data_dir)
    out = check_output(out, data_path)  # before anything is read, run or written
    cache = Path(cache_dir).absolute() if cache_dir is not None else cache_dir_for(out)
    nb_paths = [Path(p) for p in notebooks] if notebooks else notebook_paths()
    if not nb_paths:
        raise BuildError("no notebooks found in notebooks/")
    try:
        key = cache_key(data_path)
        inputs = _inputs(key, nb_paths, out)
    except OSError as exc:
        raise BuildError(f"cannot read the build's inputs: {exc}") from None
    manifest = _read_manifest(cache, out)
    if not force and not update_notebooks:
        if _up_to_date(out, manifest, inputs):  # the same inputs made this very report: nothing to do
            stream.write(f"up to date: {len(nb_paths)} notebooks, nothing changed since the last build\n")
            progress = Progress([p.name for p in nb_paths], stream)
            results = [Result(p.name, 0.0, "cached", None, manifest["titles"].get(p.name, "")) for p in nb_paths]
            for r in results:
                progress.update(r.name, r.state, r.seconds)
            progress.close()
            return Report(out, time.perf_counter() - started, results)

    from .checks import load_all

    data = load_all(data_path)  # validates once: a DataError lists every problem, before any kernel starts
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _recover(out)
        remove_stale_kernel_folders()
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
        os.chmod(tmp, 0o777 & ~_umask())  # readable by others as a folder made with mkdir is (mkdtemp gives 0700)
    except OSError as exc:
        raise BuildError(f"cannot write the report to {out}: {exc.strerror or exc}") from None
    try:
        from .lesson import data_stamp

        stamp = data_stamp(data_path)
        staging = tmp / ".staging"  # each executed notebook's files, until they are in the report and the cache
        env = {"ASEANAI_DATA": str(Path(data_path).absolute()), "PYTHONHASHSEED": "0"}
        jobs = jobs or min(len(nb_paths), os.cpu_count() or 1)
        stream.write(f"executing {len(nb_paths)} notebooks with {jobs} worker(s)\n")
        if cache == cache_dir_for(out) and not is_report(out):  # new or empty (check_output refused the rest)
            out.mkdir(exist_ok=True)  # marked as the build's own, to hold the cache from the start
            mark_report(out)

        def open_cache():
            try:
                return NotebookCache(cache / "jupyter-cache", key)
            except Exception as exc:  # an unreadable cache costs time, not the report
                stream.write(f"  (cache not used: {exc})\n")
                return None

        results = execute_all(nb_paths, jobs=jobs, env=env, staging=staging, stamp=stamp, cache=open_cache,
                              force=force, timeout=timeout, stream=stream,
                              expected=len(nb_paths) if force else _changed(manifest, inputs),
                              wait=False)  # the kernels shut down while the report is written
        report = Report(out, 0.0, results)
        if report.failures:
            raise BuildError(_failure_text(report.failures, out))
        _write_outputs(tmp, results, data, stamp)
        if update_notebooks:
            _update_notebooks(results, nb_paths, tmp / "figures")
        shutil.rmtree(staging, ignore_errors=True)
        if cache == cache_dir_for(out) and cache.is_dir():
            cache.rename(tmp / CACHE_NAME)  # the cache moves into the new report, whole
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        close_workers()
    try:
        _write_manifest(cache, out, inputs, results)
    except OSError:
        pass  # the next build checks the report the long way
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
        f"report written in {report.seconds:.1f} s to {out}"
        f" ({sum(r.state == 'done' for r in report.results)} notebooks executed,"
        f" {sum(r.state == 'cached' for r in report.results)} from the cache)",
        f"  {out / 'index.html'}  (open in a browser)",
        f"  {out / 'html'}/       {n} notebook pages",
        f"  {out / 'handouts'}/   {n} results-only handouts",
        f"  {out / 'student'}/    {n} student notebooks (solutions removed, outputs cleared)",
        f"  {out / 'figures'}/    {len(list((out / 'figures').glob('*.png')))} figures as PNG and SVG",
        f"  {out / 'notebooks'}/  {n} executed notebooks",
    ]
