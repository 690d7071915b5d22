"""Executing the notebooks: a pool of warm kernels, a cache of executed notebooks, the progress display.

The cache is jupyter-cache (the one Jupyter Book uses). jupyter-cache keys an
entry on the notebook's code cells and kernel spec only; an executed notebook
here also depends on the data, the library's source, the installed packages
and the kernel's Python. Those go into the key too: :func:`cache_key` hashes
them, and :class:`NotebookCache` writes that hash into the notebook's metadata
(``aseanai_cache``) and has jupyter-cache hash that metadata key along with the
code cells. So changing any input re-executes exactly the notebooks whose key
it changes, and an entry made under another environment is never matched.

Each entry holds, as jupyter-cache artifacts: the notebook's figures
(``figures/``) and its part of the report (``report/``: the executed notebook,
the page, the handout, the student notebook), with a SHA-256 of every file in
the entry's database row. jupyter-cache commits that row before it writes the
files, so a build killed while writing leaves an entry whose files do not match
the row; such an entry (or any unreadable one) is treated as missing, removed,
and written anew.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
import sysconfig
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Callable

__all__ = ["NotebookFailure", "Result", "NotebookCache", "cache_key", "file_digest", "Progress", "execute_all",
           "close_workers"]

KERNEL = "python3"
#: The notebook metadata key that carries the extra cache key (data, library, environment, kernel).
CACHE_KEY = "aseanai_cache"
#: The library whose source is part of the key (this package: its modules and templates).
LIBRARY = Path(__file__).resolve().parent
#: The most entries the cache keeps (jupyter-cache drops the least recently used beyond this).
CACHE_LIMIT = 100


@dataclass
class NotebookFailure:
    notebook: str
    cell: int | None  # 1-based index among all cells
    source: str
    error: str


@dataclass
class Result:
    """One notebook's outcome: ``state`` is ``done`` (executed), ``cached`` (reused) or ``failed``.

    ``folder`` holds the notebook's part of the report (``report/``) and its figures (``figures/``).
    """

    name: str
    seconds: float
    state: str = "done"
    folder: Path | None = None
    title: str = ""
    failure: NotebookFailure | None = None

    @property
    def notebook(self) -> str | None:
        """The executed notebook's text, as written into the report."""
        if self.folder is None:
            return None
        return (self.folder / "report" / "notebooks" / self.name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- the cache key


def file_digest(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _tree_digest(root: Path, files) -> str:
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(str(f.relative_to(root)).encode() + b"\0" + file_digest(f).encode() + b"\n")
    return h.hexdigest()


def _installed() -> list[str]:
    """Every installed distribution as its ``name-version.dist-info`` folder (the version is in the name)."""
    dirs = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    return sorted(e.name for d in dirs if os.path.isdir(d) for e in os.scandir(d)
                  if e.name.endswith((".dist-info", ".egg-info")))


def cache_key(data_dir: str | os.PathLike) -> dict[str, str]:
    """What an executed notebook depends on besides its own cells, one hash per part.

    ``data``: every file of the data folder (and the folder's path, which the
    data stamp prints); ``library``: the package's source and templates;
    ``environment``: the installed distributions and their versions;
    ``kernel``: the kernel's name and Python version.

    Examples
    --------
    >>> sorted(cache_key("data"))
    ['data', 'environment', 'kernel', 'library']
    """
    data = Path(data_dir).resolve()
    package = LIBRARY
    library = [p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts
               and (p.suffix == ".py" or "templates" in p.relative_to(package).parts)]
    return {
        "data": hashlib.sha256(str(data).encode() + b"\0" + _tree_digest(
            data, [p for p in data.rglob("*") if p.is_file()]).encode()).hexdigest(),
        "library": _tree_digest(package, library),
        "environment": hashlib.sha256("\n".join(_installed()).encode()).hexdigest(),
        # the kernel spec "python3" runs this interpreter (jupyter_client substitutes sys.executable)
        "kernel": f"{KERNEL} {platform.python_implementation()} {platform.python_version()}",
    }


# ---------------------------------------------------------------- the cache


_CACHE_CLASS = None


def _cache_class():
    """jupyter-cache's cache, hashing the ``aseanai_cache`` metadata key as well as the kernel spec."""
    global _CACHE_CLASS
    if _CACHE_CLASS is None:
        from jupyter_cache.cache.main import JupyterCacheBase

        class _Cache(JupyterCacheBase):
            def create_hashed_notebook(self, nb, nb_metadata=("kernelspec", CACHE_KEY), cell_metadata=None):
                return super().create_hashed_notebook(nb, nb_metadata, cell_metadata)

        _CACHE_CLASS = _Cache
    return _CACHE_CLASS


@dataclass
class Hit:
    """A verified cache entry: its files are in ``folder``; ``data`` is what was recorded with it."""

    folder: Path
    data: dict
    pk: int


class NotebookCache:
    """Executed notebooks, their report files and their figures, keyed on everything they depend on."""

    def __init__(self, path: str | os.PathLike, key: dict[str, str]):
        self.path = Path(path)
        self.key = dict(key)
        fresh = not (self.path / "global.db").exists()
        self.jc = _cache_class()(self.path)
        if fresh:
            self.jc.change_cache_limit(CACHE_LIMIT)

    def keyed(self, nb):
        """A copy of ``nb`` carrying the extra key in its metadata (what the cache hashes and stores)."""
        import copy

        nb = copy.deepcopy(nb)
        nb.metadata[CACHE_KEY] = self.key
        return nb

    def lookup(self, nb) -> Hit | None:
        """The entry for ``nb`` if there is one and every file in it is whole; otherwise ``None``."""
        from jupyter_cache.cache.db import NbCacheRecord

        try:
            _, hashkey = self.jc.create_hashed_notebook(self.keyed(nb))
            record = NbCacheRecord.record_from_hashkey(hashkey, self.jc.db)
        except KeyError:
            return None
        try:
            with self.jc.cache_artefacts_temppath(record.pk) as folder:
                files = record.data["files"]
                if not files or any(file_digest(folder / rel) != sha for rel, sha in files.items()):
                    raise ValueError("files do not match their checksums")
            NbCacheRecord.touch(record.pk, self.jc.db)  # recently used: the last to be dropped at the size limit
            return Hit(Path(folder), dict(record.data), record.pk)
        except Exception:  # a partial or damaged entry: drop it, execute again
            self.discard(hashkey)
            return None

    def executed(self, hit: Hit, nb):
        """``nb`` (its current markdown) with the cached code cells and outputs merged in."""
        _, merged = self.jc.merge_match_into_notebook(self.keyed(nb))
        merged.metadata.pop(CACHE_KEY, None)
        return merged

    def discard(self, hashkey: str) -> None:
        from jupyter_cache.cache.db import NbCacheRecord

        try:
            record = NbCacheRecord.record_from_hashkey(hashkey, self.jc.db)
            NbCacheRecord.remove_records([record.pk], self.jc.db)
        except KeyError:
            pass
        shutil.rmtree(self.path / "executed" / hashkey, ignore_errors=True)

    def store(self, nb, uri: str, folder: Path, data: dict) -> None:
        """Add the executed ``nb`` with every file below ``folder`` (checksums recorded first)."""
        from jupyter_cache.base import CacheBundleIn
        from jupyter_cache.cache.main import NbArtifacts

        keyed = self.keyed(nb)
        _, hashkey = self.jc.create_hashed_notebook(keyed)
        self.discard(hashkey)
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        data = {**data, "files": {str(p.relative_to(folder)): file_digest(p) for p in files}}
        self.jc.cache_notebook_bundle(CacheBundleIn(keyed, uri, artifacts=NbArtifacts(files, in_folder=folder),
                                                    data=data), check_validity=False, overwrite=True)


# ---------------------------------------------------------------- kernels

# One kernel per worker process, kept warm across the notebooks that worker runs: the
# heavy imports happen once, and before each notebook the kernel is reset (user
# namespace cleared, figures closed, matplotlib settings and working folder restored,
# execution count back to 1, the figures folder set). nbval re-runs every notebook in a
# fresh kernel in the test suite, which is what proves the reset complete.
_WORKER: dict = {}

_WARMUP = """
import matplotlib, matplotlib.pyplot, pandas, seaborn, aseanai, aseanai.plot, aseanai.metrics
import aseanai.dimensions, aseanai.display, aseanai.summary, aseanai.lesson, aseanai.partners, aseanai.datacentres
import aseanai.investment, aseanai.governance
matplotlib._aseanai_rc = matplotlib.rcParams.copy()
"""

_RESET = """
get_ipython().reset(new_session=True)  # namespace and history cleared, execution count back to 1
import os as _os, matplotlib as _mpl, matplotlib.pyplot as _plt, aseanai.plot as _aplot
_plt.close("all"); _mpl.rcParams.update(_mpl._aseanai_rc); _os.chdir({cwd!r}); _aplot.set_figures_dir({figures!r})
del _os, _mpl, _plt, _aplot
"""


def _silent(km, kc, code: str, timeout: int = 120) -> None:
    """Run ``code`` quietly on the worker's client and wait for the kernel's reply.

    The request may be sent before the kernel listens (ZeroMQ delivers it once
    the kernel's socket is up), so the first call also waits for a kernel that
    is starting; a kernel that dies meanwhile is reported, not waited for.
    """
    from queue import Empty

    msg_id = kc.execute(code, silent=True, store_history=False)
    deadline = time.monotonic() + timeout
    while True:
        try:
            reply = kc.get_shell_msg(timeout=0.5)
        except Empty:
            if not km.is_alive():
                raise RuntimeError("the kernel died while starting") from None
            if time.monotonic() > deadline:
                raise TimeoutError(f"the kernel did not answer within {timeout} s") from None
            continue
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"kernel setup failed: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")


#: Prefix of a worker kernel's folder in the system temp folder: ``aseanai-kernel-<build pid>-<random>``.
KERNEL_FOLDER = "aseanai-kernel-"


def remove_stale_kernel_folders(root: str | os.PathLike | None = None) -> list[Path]:
    """Remove the kernel folders (sockets, connection file with its key) of builds that are no longer running.

    Only folders named as this module names them, ``aseanai-kernel-<pid>-...``, are
    touched, and only when process ``pid`` no longer exists.

    Returns
    -------
    list of Path
        The folders removed.
    """
    import re

    removed = []
    base = Path(root) if root is not None else Path(tempfile.gettempdir())
    for folder in base.glob(f"{KERNEL_FOLDER}*-*"):
        m = re.fullmatch(rf"{KERNEL_FOLDER}(\d+)-\w+", folder.name)
        if not m or not folder.is_dir() or _alive(int(m.group(1))):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _shutdown_worker_kernel() -> None:
    kc = _WORKER.pop("kc", None)
    if kc is not None:
        kc.stop_channels()
    km = _WORKER.pop("km", None)
    if km is not None and km.has_kernel:
        km.shutdown_kernel(now=True)
    sockets = _WORKER.pop("sockets", None)
    if sockets:
        shutil.rmtree(sockets, ignore_errors=True)


def _worker_kernel(cwd: str, figures: str):
    """This worker's kernel, started (over IPC sockets, not TCP) and warmed on first use, then reset.

    Returns the kernel manager and the worker's client. The client is made
    once, when the kernel starts, and then serves every reset and every
    notebook (nbclient then skips its own wait for a new client to be ready,
    which flushes the kernel's output channel for 0.2 s each time).
    """
    from jupyter_client.manager import KernelManager
    from multiprocessing.util import Finalize

    km = _WORKER.get("km")
    if km is None or not km.is_alive():
        _shutdown_worker_kernel()
        # the kernel's sockets and its connection file (which holds its key) in one folder named after the
        # build's process: a build killed with SIGKILL leaves it behind, and the next build removes it
        sockets = tempfile.mkdtemp(prefix=f"{KERNEL_FOLDER}{os.getppid()}-")
        km = KernelManager(kernel_name=KERNEL, transport="ipc", ip=str(Path(sockets) / "kernel"),
                           connection_file=str(Path(sockets) / "kernel.json"))
        km.start_kernel(cwd=cwd)
        _WORKER.update(km=km, sockets=sockets)
        if "finalizer" not in _WORKER:
            _WORKER["finalizer"] = Finalize(None, _shutdown_worker_kernel, exitpriority=10)
        kc = _WORKER["kc"] = km.blocking_client()
        kc.start_channels()
        # no wait_for_ready: the warm-up's reply says the kernel is up, without the 0.2 s that waiting spends
        # flushing the output channel
        _silent(km, kc, _WARMUP)
    _silent(km, _WORKER["kc"], _RESET.format(cwd=cwd, figures=figures))
    return km, _WORKER["kc"]


def write_part(folder: Path, nb, name: str, stamp: str) -> str:
    """Write a notebook's part of the report into ``folder/report``: executed notebook, page, handout,
    student notebook. Returns the notebook's title."""
    import nbformat

    from .convert import pages, title

    stem = Path(name).stem
    report = folder / "report"
    files = {f"notebooks/{name}": nbformat.writes(nb) + "\n", **pages(nb, stem, stamp)}
    for rel, text in files.items():
        (report / rel).parent.mkdir(parents=True, exist_ok=True)
        (report / rel).write_text(text, encoding="utf-8")
    return title(nb, stem)


def _warm(env: dict, cwd: str, figures: str) -> None:
    """Run in a worker process: start and warm its kernel ahead of the first notebook (see :func:`execute_all`)."""
    os.environ.update(env)
    try:
        _worker_kernel(cwd, figures)
    except Exception:  # the notebook that follows starts the kernel again and reports what fails
        _shutdown_worker_kernel()


def _converter():
    """A thread that loads the converter in this worker (:func:`aseanai.convert.warm`), started once.

    It runs while the worker waits for its kernel to execute the worker's first
    notebook (not while the kernel starts: the kernel's imports and the build's
    cache lookups then have both cores); join it before converting.
    """
    import threading

    from .convert import warm

    if "converter" not in _WORKER:
        _WORKER["converter"] = threading.Thread(target=warm, daemon=True)
        _WORKER["converter"].start()
    return _WORKER["converter"]


def _execute_one(path: str, env: dict, timeout: int, folder: str, stamp: str) -> Result:
    """Run in a worker process: execute one notebook (figures into ``folder/figures``) and convert it."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from .notebooks import _clean

    os.environ.update(env)
    start = time.perf_counter()
    name = Path(path).name
    cwd = str(Path(path).parent.absolute())
    figures = Path(folder) / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(path, as_version=4)
    converter = _converter()
    try:
        km, kc = _worker_kernel(cwd, str(figures))
        client = NotebookClient(nb, km=km, kc=kc, timeout=timeout, kernel_name=KERNEL, record_timing=False,
                                resources={"metadata": {"path": cwd}})
        client.execute()
    except CellExecutionError as exc:
        failed = next(((i, c) for i, c in enumerate(nb.cells, 1)
                       if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        if failed is None:
            return Result(name, time.perf_counter() - start, "failed",
                          failure=NotebookFailure(name, None, "", str(exc)[-300:]))
        index, cell = failed
        err = next(o for o in cell.outputs if o.get("output_type") == "error")
        return Result(name, time.perf_counter() - start, "failed",
                      failure=NotebookFailure(name, index, cell.source, f"{err['ename']}: {err['evalue']}"))
    except Exception as exc:  # kernel died, timeout...
        _shutdown_worker_kernel()
        return Result(name, time.perf_counter() - start, "failed", failure=NotebookFailure(name, None, "", repr(exc)))
    _clean(nb)
    converter.join()
    title = write_part(Path(folder), nb, name, stamp)
    return Result(name, time.perf_counter() - start, "done", Path(folder), title)


# ---------------------------------------------------------------- progress


class Progress:
    """Each notebook's name, state and seconds.

    On a terminal (and not under CI) a live bar drawn with rich, with one line per
    finished notebook; otherwise plain lines (``NAME  STATE  SECONDS s``), one per change.
    States: ``queued``, ``running``, ``done``, ``cached`` (reused from the cache), ``failed``.
    """

    FINAL = ("done", "cached", "failed")

    def __init__(self, names: list[str], stream=None):
        self.stream = stream or sys.stdout
        self.live = bool(getattr(self.stream, "isatty", lambda: False)()) and not os.environ.get("CI")
        self.state = {n: "queued" for n in names}
        self.bar = None
        if self.live:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn

            self.console = Console(file=self.stream, highlight=False)
            self.bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                           console=self.console, transient=True)
            self.task = self.bar.add_task("executing", total=len(names))
            self.bar.start()

    def line(self, name: str, state: str, seconds: float | None) -> str:
        secs = f"{seconds:6.1f} s" if seconds is not None else ""
        return f"  {name:30s} {state:8s} {secs}"

    def update(self, name: str, state: str, seconds: float | None = None) -> None:
        self.state[name] = state
        if self.bar is None:
            self.stream.write(self.line(name, state, seconds) + "\n")
            self.stream.flush()
            return
        if state in self.FINAL:
            self.console.print(self.line(name, state, seconds), markup=False)
            self.bar.advance(self.task)
        running = ", ".join(n for n, s in self.state.items() if s == "running")
        self.bar.update(self.task, description=f"running {running}"[:60] if running else "")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


# ---------------------------------------------------------------- the run


def _restore(cache: NotebookCache, path: Path, nb, hit: Hit, staging: Path, stamp: str) -> Result:
    """A cached notebook: its stored files as they are, or, if only its markdown changed, re-converted."""
    start = time.perf_counter()
    if hit.data.get("source") == file_digest(path):
        return Result(path.name, time.perf_counter() - start, "cached", hit.folder, hit.data.get("title", ""))
    from .notebooks import _clean

    executed = cache.executed(hit, nb)  # outputs from the cache, markdown from the notebook
    _clean(executed)
    folder = staging / path.stem
    title = write_part(folder, executed, path.name, stamp)
    shutil.copytree(hit.folder / "figures", folder / "figures", dirs_exist_ok=True)
    cache.store(executed, str(path.absolute()), folder, {"source": file_digest(path), "title": title})
    return Result(path.name, time.perf_counter() - start, "cached", folder, title)


def _pool(workers: int) -> ProcessPoolExecutor:
    ctx = get_context("fork") if sys.platform != "win32" else get_context("spawn")
    return ProcessPoolExecutor(max_workers=max(1, workers), mp_context=ctx)


def execute_all(paths: list[Path], *, jobs: int, env: dict, staging: Path, stamp: str,
                cache: NotebookCache | Callable[[], NotebookCache | None] | None = None, force: bool = False,
                timeout: int = 600, stream=None, expected: int = 0, wait: bool = True) -> list[Result]:
    """Execute notebooks in parallel, one kernel per worker process, reusing cached ones; results in input order.

    Each notebook's report files and figures are written below ``staging/STEM`` (or
    read from its cache entry). ``force`` executes every notebook, ignoring (and
    then refreshing) the cache. ``cache`` may be a function that opens the cache.

    ``expected`` is how many notebooks the caller expects to execute (for
    instance, those whose file changed since the last report). That many
    workers, at most ``jobs``, start and warm their kernels at once, while the
    cache is opened and searched, instead of after: a rebuild after one notebook
    changed then waits for one kernel start less. If the cache serves them
    after all, the warm kernels are shut down unused; if more notebooks need
    executing than expected (a damaged cache entry), they queue on the warm
    workers, which may be fewer than ``jobs``.

    With ``wait=False`` the workers shut their kernels down while the caller
    goes on (writing the report); the caller then calls :func:`close_workers`
    before it returns.
    """
    import nbformat

    progress = Progress([p.name for p in paths], stream)
    results: dict[str, Result] = {}
    todo = []
    sources = {}
    pool, workers = None, 0
    try:
        if expected > 0 and paths:
            workers = min(jobs, expected)
            pool = _pool(workers)
            for _ in range(workers):
                pool.submit(_warm, env, str(paths[0].parent.absolute()), str(staging / ".warm"))
        if callable(cache):
            cache = cache()
        for p in paths:
            nb = sources[p.name] = nbformat.read(p, as_version=4)
            hit = cache.lookup(nb) if cache is not None and not force else None
            if hit is not None:
                try:
                    res = results[p.name] = _restore(cache, p, nb, hit, staging, stamp)
                    progress.update(p.name, res.state, res.seconds)
                    continue
                except Exception:  # unreadable after all: execute
                    pass
            todo.append(p)
        if todo:
            if pool is None:
                workers = min(jobs, len(todo))
                pool = _pool(workers)
            _run_pool(pool, workers, todo, env, staging, stamp, timeout, progress, results)
    finally:
        if pool is not None:  # each worker shuts its kernel down as it exits
            if wait:
                pool.shutdown(wait=True, cancel_futures=True)
            else:
                import threading

                closing = threading.Thread(target=pool.shutdown, kwargs={"wait": True, "cancel_futures": True})
                closing.start()
                _CLOSING.append(closing)
        progress.close()
    if cache is not None:
        for p in todo:
            res = results[p.name]
            if res.failure is None:
                executed = nbformat.read(res.folder / "report" / "notebooks" / p.name, as_version=4)
                try:
                    cache.store(executed, str(p.absolute()), res.folder,
                                {"source": file_digest(p), "title": res.title, "seconds": round(res.seconds, 2)})
                except Exception as exc:  # the cache only saves time: the report is still right
                    progress.stream.write(f"  (not cached: {p.name}: {exc})\n")
    return [results[p.name] for p in paths]


#: Threads shutting worker pools down (``execute_all(wait=False)``), until :func:`close_workers` joins them.
_CLOSING: list = []


def close_workers() -> None:
    """Wait until the workers of every pool left closing have shut their kernels down and exited."""
    while _CLOSING:
        _CLOSING.pop().join()


def _run_pool(pool: ProcessPoolExecutor, workers: int, paths, env, staging, stamp, timeout, progress,
              results) -> None:
    jobs = max(1, min(workers, len(paths)))
    # largest notebooks first, so that the workers finish at about the same time
    order = sorted(paths, key=lambda p: p.stat().st_size, reverse=True)
    futures = {pool.submit(_execute_one, str(p), env, timeout, str(staging / p.stem), stamp): p.name for p in order}
    names = list(futures.values())
    for name in names[:jobs]:
        progress.update(name, "running")
    pending = names[jobs:]
    for fut in as_completed(futures):
        res = fut.result()
        results[res.name] = res
        progress.update(res.name, res.state, res.seconds)
        if pending:
            progress.update(pending.pop(0), "running")


def manifest_digest(parts: dict) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
