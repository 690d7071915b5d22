"""Benchmark aseanai and write benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/run.py            # or: make bench
    .venv/bin/python benchmarks/run.py --reps 7   # more repetitions

Every figure is the median of ``--reps`` repetitions (at least five), all
measured in this one run, and is reported as a ratio against a baseline
measured in the same run wherever the target is a ratio: these machines are
shared and noisy, so absolute seconds move from run to run while ratios hold.

Uses plain Python and public tools only (subprocess, time, nbclient, jupyter
nbconvert, make). Nothing reaches the network. Takes about 15 minutes on two
cores, most of it in the sequential nbconvert baseline and in ``make test``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

TARGETS = {  # figure: (target, comparison)
    "import_ratio": (1.3, "<="),
    "load_validate_s": (0.15, "<="),
    "scale_1e6_s": (5.0, "<="),
    "scale_growth": (1.5, "<="),
    "build_vs_nbconvert": (0.4, "<="),
    "build_vs_floor": (1.3, "<="),
    "make_test_s": (60.0, "<="),
    "rebuild_nochange_s": (1.0, "<="),
    "rebuild_one_extra_s": (2.0, "<="),
    "cold_vs_jupyter_book": (0.6, "<="),
}

#: The notebooks the build benchmarks run (``--notebooks``; default: every notebook in notebooks/).
NOTEBOOKS: list[Path] = []
#: Jupyter Book 1.x, installed by ``make bench`` into its own venv (.tools/jbenv) with a kernel spec that
#: runs this venv's Python, so both tools execute the notebooks with the same kernel.
JUPYTER_BOOK = REPO / ".tools" / "jbenv" / "bin" / "jupyter-book"


def bench_notebooks() -> list[Path]:
    from aseanai.notebooks import notebook_paths

    return list(NOTEBOOKS) or notebook_paths()


def median_time(fn, reps: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def run(cmd, **kw) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def interleaved(fns: dict, reps: int) -> dict[str, float]:
    """Median seconds of each command, repetitions interleaved so that machine noise hits all alike."""
    times = {k: [] for k in fns}
    for _ in range(reps):
        for k, fn in fns.items():
            t = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in times.items()}


def bench_import(reps: int) -> dict:
    py = sys.executable
    med = interleaved({
        "python": lambda: run([py, "-c", "pass"]),
        "pandas": lambda: run([py, "-c", "import pandas"]),
        "aseanai": lambda: run([py, "-c", "import aseanai"]),
    }, reps)
    return {"import_python_s": med["python"], "import_pandas_s": med["pandas"], "import_aseanai_s": med["aseanai"],
            "import_ratio": med["aseanai"] / med["pandas"]}


def read_csv_all(folder: Path) -> None:
    """The baseline: pandas reads every CSV file of the folder as text, with no checks and no types."""
    import pandas as pd

    for p in sorted(folder.glob("*.csv")):
        pd.read_csv(p, dtype=object, keep_default_na=False)


def bench_load(reps: int) -> dict:
    import aseanai
    from aseanai import datapackage
    from aseanai.datapackage import repo_data_dir

    def once():
        datapackage._CACHE.clear()
        aseanai.load_all()

    once()  # warm the file cache and pycountry
    med = interleaved({"load": once, "read_csv": lambda: read_csv_all(repo_data_dir())}, reps)
    return {"load_validate_s": med["load"], "load_read_csv_s": med["read_csv"],
            "load_vs_read_csv": med["load"] / med["read_csv"]}


def notebook_metrics(t) -> None:
    """The metric calls the notebooks make, on the given tables."""
    from aseanai import dimensions, metrics

    a = t["agreements"]
    table1 = a[a["in_column_table"]]
    links = metrics.partner_links(table1, t["agreement_parties"], t["bloc_members"], as_of="2024-02-01")
    metrics.diversity(links)
    metrics.diversity_grid(table1, t["agreement_parties"], t["bloc_members"], expand=(True, False),
                           internal=(False, True), weight=(None, {"legal_form": {"binding": 2, "non-binding": 1}}),
                           drop=((), ("asean_china_digital_mou_2024",)), as_of="2024-02-01", members=["SGP"])
    metrics.project_origins(t["dc_projects"], t["dc_project_actors"], t["company_origins"])
    items = dimensions.items(t, as_of="2024-02-01")
    metrics.flip_margin(items, by=["host", "dimension"], origin="origin", value="value")


def bench_metrics(reps: int) -> dict:
    import aseanai

    t = aseanai.load_all()
    notebook_metrics(t)
    med, _ = median_time(lambda: notebook_metrics(t), reps)
    return {"metrics_s": med}


def scale_metrics(t) -> None:
    from aseanai import metrics

    links = metrics.partner_links(t["agreements"], t["agreement_parties"], t["bloc_members"])
    metrics.diversity(links)
    metrics.project_origins(t["dc_projects"], t["dc_project_actors"], t["company_origins"])


def bench_scaling(reps: int, sizes) -> dict:
    import aseanai
    from aseanai import datapackage
    from synthetic import make_dataset

    rows = []
    with tempfile.TemporaryDirectory(prefix="aseanai-bench-") as tmp:
        for n in sizes:
            d = make_dataset(Path(tmp) / f"n{n}", n)

            def once():
                datapackage._CACHE.clear()
                scale_metrics(aseanai.load_all(d))

            once()
            med = interleaved({"ours": once, "read_csv": lambda: read_csv_all(d)}, reps)
            rows.append({"rows": n, "seconds": med["ours"], "us_per_row": med["ours"] / n * 1e6,
                         "read_csv_s": med["read_csv"], "vs_read_csv": med["ours"] / med["read_csv"]})
            shutil.rmtree(d)
    by = {r["rows"]: r for r in rows}
    out = {"scaling": rows}
    if 10**6 in by and 10**5 in by:
        out["scale_1e6_s"] = by[10**6]["seconds"]
        out["scale_1e6_vs_read_csv"] = by[10**6]["vs_read_csv"]
        out["scale_growth"] = by[10**6]["us_per_row"] / by[10**5]["us_per_row"]
    return out


def floor_notebook(folder: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("import pandas\nimport matplotlib\nimport seaborn")]
    path = folder / "floor.ipynb"
    nbformat.write(nb, path)
    return path


def bench_build(reps: int) -> dict:
    nbs = bench_notebooks()
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    aseanai_exe = str(Path(sys.executable).with_name("aseanai"))
    cores = min(len(nbs), os.cpu_count() or 1)
    with tempfile.TemporaryDirectory(prefix="aseanai-bench-") as tmp:
        tmp = Path(tmp)
        floor_nb = floor_notebook(tmp)

        def nbconvert_all():
            for p in nbs:
                run([jupyter, "nbconvert", "--to", "html", "--execute", str(p), "--output-dir", str(tmp / "nbc")])

        def build():  # cold: no cache (it lives in the report folder), every notebook executed
            shutil.rmtree(tmp / "build", ignore_errors=True)
            run([aseanai_exe, "build", "--force", "--out", str(tmp / "build"), "--jobs", str(cores), *map(str, nbs)])

        def floor_one():
            run([sys.executable, "-c",
                 "import nbformat, sys; from nbclient import NotebookClient; "
                 f"nb = nbformat.read({str(floor_nb)!r}, as_version=4); NotebookClient(nb).execute()"])

        med = interleaved({"nbconvert": nbconvert_all, "build": build, "floor_one": floor_one}, reps)
    floor = med["floor_one"] * len(nbs) / cores
    return {"notebooks": len(nbs), "cores_used": cores, "nbconvert_sequential_s": med["nbconvert"],
            "build_s": med["build"], "floor_one_s": med["floor_one"], "floor_s": floor,
            "build_vs_nbconvert": med["build"] / med["nbconvert"], "build_vs_floor": med["build"] / floor}


def bench_build_breakdown(reps: int) -> dict:
    """Where the build's time goes: one warm kernel, each notebook executed then converted (median of reps)."""
    import nbformat

    import aseanai.execute as E
    from aseanai.convert import pages
    from aseanai.lesson import data_stamp

    rows = []
    stamp = data_stamp()
    with tempfile.TemporaryDirectory(prefix="aseanai-bench-") as tmp:
        starts = []
        for _ in range(reps):
            E._shutdown_worker_kernel()
            t = time.perf_counter()
            E._worker_kernel(str(REPO / "notebooks"), tmp)
            starts.append(time.perf_counter() - t)
        for p in bench_notebooks():
            ex, conv = [], []
            for i in range(reps):
                folder = Path(tmp) / f"{p.stem}-{i}"
                t = time.perf_counter()
                r = E._execute_one(str(p), {}, 600, str(folder), stamp)  # reset, execute and convert
                total = time.perf_counter() - t
                nb = nbformat.reads(r.notebook, as_version=4)
                t = time.perf_counter()
                pages(nb, p.stem, stamp)
                c = time.perf_counter() - t
                ex.append(total - c)
                conv.append(c)
            rows.append({"notebook": p.name, "execute_s": statistics.median(ex), "convert_s": statistics.median(conv)})
        E._shutdown_worker_kernel()
    return {"kernel_start_s": statistics.median(starts), "breakdown": rows}


def _jupyter_book_project(folder: Path, nbs: list[Path]) -> Path:
    """A Jupyter Book 1.x project of these notebooks, executed on every build (``execute_notebooks: force``)."""
    folder.mkdir(parents=True)
    for p in nbs:
        shutil.copyfile(p, folder / p.name)
    (folder / "_config.yml").write_text(
        "title: aseanai benchmark\nonly_build_toc_files: true\nexecute:\n  execute_notebooks: force\n"
        "  timeout: 600\n  allow_errors: false\n", encoding="utf-8")
    toc = [f"format: jb-book", f"root: {nbs[0].stem}", "chapters:"] + [f"- file: {p.stem}" for p in nbs[1:]]
    (folder / "_toc.yml").write_text("\n".join(toc) + "\n", encoding="utf-8")
    return folder


_OWN = """
import sys, time, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
t = time.perf_counter()
NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": sys.argv[2]}}).execute()
print(time.perf_counter() - t)
"""


def bench_cache(reps: int) -> dict:
    """Cold build against Jupyter Book 1.x's; rebuilds with nothing changed and with one notebook changed.

    The notebooks are copied into a scratch folder, so that one of them can be edited. "That notebook's own
    execution time" is nbclient executing the edited notebook alone in a fresh kernel (kernel start included),
    measured in the same repetition as the rebuild it is compared with.
    """
    import nbformat

    if not JUPYTER_BOOK.exists():
        raise RuntimeError(f"{JUPYTER_BOOK} is missing: `make bench` installs Jupyter Book 1.x there")
    aseanai_exe = str(Path(sys.executable).with_name("aseanai"))
    src = bench_notebooks()
    cores = min(len(src), os.cpu_count() or 1)
    with tempfile.TemporaryDirectory(prefix="aseanai-bench-") as tmp:
        tmp = Path(tmp)
        nbdir = tmp / "notebooks"
        nbdir.mkdir()
        nbs = [Path(shutil.copyfile(p, nbdir / p.name)) for p in src]
        jb = _jupyter_book_project(tmp / "jb", src)
        out = tmp / "site" / "build"
        cmd = [aseanai_exe, "build", "--out", str(out), "--jobs", str(cores), *map(str, nbs)]

        def jupyter_book_cold():
            shutil.rmtree(jb / "_build", ignore_errors=True)
            run([str(JUPYTER_BOOK), "build", str(jb)])

        def cold():
            shutil.rmtree(out.parent, ignore_errors=True)
            run(cmd)

        med = interleaved({"jupyter_book_cold": jupyter_book_cold, "cold": cold}, reps)
        run(cmd)  # the cache is warm now
        med["nochange"], _ = median_time(lambda: run(cmd), reps)

        edited = min(nbs, key=lambda p: p.stat().st_size)  # the smallest lesson, changed in a code cell
        original = nbformat.read(edited, as_version=4)
        one, own = [], []
        for i in range(reps):
            nb = nbformat.read(edited, as_version=4)
            nb.cells = original.cells + [nbformat.v4.new_code_cell(f"print('benchmark edit {i}')")]
            nbformat.write(nb, edited)
            t = time.perf_counter()
            run(cmd)
            one.append(time.perf_counter() - t)
            res = subprocess.run([sys.executable, "-c", _OWN, str(edited), str(nbdir)], check=True,
                                 capture_output=True, text=True,
                                 env={**os.environ, "ASEANAI_DATA": str(REPO / "data")})
            own.append(float(res.stdout.strip().splitlines()[-1]))
    extra = [a - b for a, b in zip(one, own)]
    return {"cache_notebooks": len(nbs), "jupyter_book_cold_s": med["jupyter_book_cold"], "cold_s": med["cold"],
            "cold_vs_jupyter_book": med["cold"] / med["jupyter_book_cold"], "rebuild_nochange_s": med["nochange"],
            "edited_notebook": edited.name, "rebuild_one_s": statistics.median(one),
            "own_execution_s": statistics.median(own), "rebuild_one_extra_s": statistics.median(extra)}


def bench_make_test(reps: int) -> dict:
    py = sys.executable

    def make_test():
        run(["make", "test"], cwd=REPO)

    def nbval_only():
        run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "auto", "--dist", "loadfile", "notebooks"],
            cwd=REPO)

    med = interleaved({"make_test": make_test, "nbval": nbval_only}, reps)
    return {"make_test_s": med["make_test"], "nbval_s": med["nbval"]}


def machine() -> dict:
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                            text=True).stdout.strip()
    return {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "platform": platform.platform(),
            "cpu": cpu, "cores": os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "commit": commit,
            "versions": {p: version(p) for p in ("pandas", "numpy", "matplotlib", "seaborn", "nbclient", "nbconvert",
                                                  "ipykernel", "pytest", "nbval", "pytest-xdist")}}


def met(key: str, value: float) -> str:
    target, op = TARGETS[key]
    ok = value <= target if op == "<=" else value >= target
    return "met" if ok else "**not met**"


def write_results(r: dict, path: Path) -> str:
    m = r["machine"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `benchmarks/run.py` (run it with `make bench`). Each figure is the median of "
        f"{r['reps']} repetitions measured in one run; ratios compare with a baseline measured in the same run.",
        "",
        f"- date: {m['date']}; commit {m['commit']}",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['platform']}",
        f"- Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        "",
        "## Headline",
        "",
        "<!-- headline:start -->",
        "| figure | measured | target | |",
        "|---|---|---|---|",
    ]
    rows = []
    if "import_ratio" in r:
        rows.append(("`import aseanai` / `import pandas`, fresh interpreter", f"{r['import_ratio']:.2f}",
                     "at most 1.3", met("import_ratio", r["import_ratio"])))
    if "load_validate_s" in r:
        rows.append(("load and validate all datasets, after import", f"{r['load_validate_s']:.3f} s "
                     f"({r['load_vs_read_csv']:.1f} x plain `pandas.read_csv`)",
                     "at most 0.15 s", met("load_validate_s", r["load_validate_s"])))
    if "scale_1e6_s" in r:
        rows.append(("validation plus metrics, 10^6 rows", f"{r['scale_1e6_s']:.2f} s "
                     f"({r['scale_1e6_vs_read_csv']:.1f} x plain `pandas.read_csv`)", "at most 5 s",
                     met("scale_1e6_s", r["scale_1e6_s"])))
        rows.append(("time per row at 10^6 / at 10^5", f"{r['scale_growth']:.2f}", "not growing (at most 1.5)",
                     met("scale_growth", r["scale_growth"])))
    if "build_vs_nbconvert" in r:
        rows.append(("`aseanai build` / sequential `jupyter nbconvert --execute`", f"{r['build_vs_nbconvert']:.2f}",
                     "at most 0.4", met("build_vs_nbconvert", r["build_vs_nbconvert"])))
        rows.append(("`aseanai build` / floor", f"{r['build_vs_floor']:.2f}", "at most 1.3",
                     met("build_vs_floor", r["build_vs_floor"])))
    if "cold_vs_jupyter_book" in r:
        rows.append(("cold `aseanai build` / Jupyter Book 1.x cold build (`execute_notebooks: force`)",
                     f"{r['cold_vs_jupyter_book']:.2f}", "at most 0.6",
                     met("cold_vs_jupyter_book", r["cold_vs_jupyter_book"])))
        rows.append(("rebuild, nothing changed", f"{r['rebuild_nochange_s']:.2f} s", "at most 1 s",
                     met("rebuild_nochange_s", r["rebuild_nochange_s"])))
        rows.append(("rebuild after one notebook's code changed, minus that notebook's own execution",
                     f"{r['rebuild_one_extra_s']:.2f} s", "at most 2 s",
                     met("rebuild_one_extra_s", r["rebuild_one_extra_s"])))
    if "make_test_s" in r:
        rows.append(("`make test`, venv present", f"{r['make_test_s']:.1f} s", "at most 60 s",
                     met("make_test_s", r["make_test_s"])))
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    lines += ["<!-- headline:end -->", "", "## Details", ""]
    if "import_ratio" in r:
        lines += [f"- fresh interpreter: `python -c pass` {r['import_python_s']:.3f} s, `import pandas` "
                  f"{r['import_pandas_s']:.3f} s, `import aseanai` {r['import_aseanai_s']:.3f} s"]
    if "metrics_s" in r:
        lines += [f"- the notebooks' metrics on the bundled data (partner links, diversity, the 16-specification "
                  f"grid, project origins, the dominance frame and flip margins): {r['metrics_s']:.3f} s"]
    if "build_s" in r:
        lines += [f"- `aseanai build` of {r['notebooks']} notebooks on {r['cores_used']} cores: {r['build_s']:.1f} s; "
                  f"sequential `jupyter nbconvert --to html --execute`: {r['nbconvert_sequential_s']:.1f} s",
                  f"- floor: one notebook that only imports pandas, matplotlib and seaborn, {r['floor_one_s']:.2f} s, "
                  f"x {r['notebooks']} notebooks / {r['cores_used']} cores = {r['floor_s']:.1f} s"]
    if "cold_vs_jupyter_book" in r:
        lines += [f"- {r['cache_notebooks']} notebooks: cold `aseanai build` (empty cache) {r['cold_s']:.1f} s; "
                  f"Jupyter Book 1.x cold build {r['jupyter_book_cold_s']:.1f} s; rebuild with nothing changed "
                  f"{r['rebuild_nochange_s']:.2f} s; rebuild after a code cell was added to "
                  f"`{r['edited_notebook']}` {r['rebuild_one_s']:.1f} s, that notebook alone in a fresh kernel "
                  f"{r['own_execution_s']:.1f} s"]
    if "breakdown" in r:
        ex = sum(b["execute_s"] for b in r["breakdown"])
        cv = sum(b["convert_s"] for b in r["breakdown"])
        lines += [f"- where the build's time goes (one warm kernel, median of {r['reps']}): kernel start and warm-up "
                  f"imports {r['kernel_start_s']:.2f} s per worker; executing the notebooks {ex:.2f} s in all; "
                  f"converting them (page, handout, student edition) {cv:.2f} s in all:", "",
                  "| notebook | execute (s) | convert (s) |", "|---|---|---|"]
        lines += [f"| {b['notebook']} | {b['execute_s']:.2f} | {b['convert_s']:.2f} |" for b in r["breakdown"]]
        lines += [""]
    if "make_test_s" in r:
        lines += [f"- `make test` {r['make_test_s']:.1f} s, of which the nbval part (every notebook under "
                  f"strict nbval, run alone) {r['nbval_s']:.1f} s"]
    if "scaling" in r:
        lines += ["", "### Scaling (synthetic agreements, parties and data-centre rows)", "",
                  "Validation and typed loading of the whole package, then partner links, diversity and project "
                  "origins, on n synthetic rows (n/4 instruments, n/2 parties, n/8 projects, n/8 companies in "
                  "them) plus the bundled tables. The baseline, measured in the same run and interleaved, is "
                  "plain `pandas.read_csv` of the same files as text: no checks, no types, no metrics.", "",
                  "| rows | seconds | microseconds per row | plain `read_csv` (s) | ratio to `read_csv` |",
                  "|---|---|---|---|---|"]
        lines += [f"| {s['rows']:,} | {s['seconds']:.3f} | {s['us_per_row']:.2f} | {s['read_csv_s']:.3f} | "
                  f"{s['vs_read_csv']:.1f} |" for s in r["scaling"]]
    if r.get("failed"):
        lines += ["", "## Not measured in this run", "", r["failed"]]
    if r.get("notes"):
        lines += ["", "## Where targets are missed", "", r["notes"]]
    text = "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    return text


NOTES = HERE / "NOTES.md"
#: Where a run saves its figures, to write its results again with new notes (``--rewrite``); not committed.
#: One file per results file: a partial run into another file never replaces the figures of a full run.
SAVED = REPO / ".tools" / "bench"


def saved_figures(out: Path) -> Path:
    """The JSON file that keeps the figures of the run written to ``out``."""
    return SAVED / (Path(out).stem + ".json")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5, help="repetitions per figure (at least 5)")
    parts = ["import", "load", "metrics", "scaling", "build", "breakdown", "cache", "make-test"]
    ap.add_argument("--skip", nargs="*", default=[], choices=parts, help="parts to leave out")
    ap.add_argument("--only", nargs="*", default=None, choices=parts, help="run only these parts")
    ap.add_argument("--notebooks", nargs="*", default=None, metavar="NB",
                    help="notebooks for the build benchmarks (default: every notebook in notebooks/)")
    ap.add_argument("--out", default=str(HERE / "RESULTS.md"))
    ap.add_argument("--rewrite", action="store_true",
                    help="measure nothing: write --out again from the figures the run that wrote it saved (in "
                         f"{SAVED.relative_to(REPO)}/), with the current NOTES.md")
    args = ap.parse_args(argv)
    if args.rewrite:
        saved = saved_figures(Path(args.out))
        if not saved.is_file():
            ap.error(f"no saved figures for {args.out} ({saved} is missing): run the benchmark that writes it first")
        r = json.loads(saved.read_text(encoding="utf-8"))
        if NOTES.exists():  # else the notes saved with the figures stay
            r["notes"] = NOTES.read_text(encoding="utf-8").strip()
        print(write_results(r, Path(args.out)))
        return 0
    if args.reps < 5:
        ap.error("--reps must be at least 5")
    if args.notebooks:
        NOTEBOOKS[:] = [Path(p).absolute() for p in args.notebooks]
    r: dict = {"reps": args.reps, "machine": machine()}
    steps = [("import", bench_import), ("load", bench_load), ("metrics", bench_metrics),
             ("scaling", lambda n: bench_scaling(n, [10**3, 10**4, 10**5, 10**6])), ("build", bench_build),
             ("breakdown", bench_build_breakdown), ("cache", bench_cache), ("make-test", bench_make_test)]
    failed = []
    for name, fn in steps:
        if name in args.skip or (args.only is not None and name not in args.only):
            continue
        t = time.perf_counter()
        print(f"{name} ...", flush=True)
        try:
            r.update(fn(args.reps))
        except (subprocess.CalledProcessError, OSError, RuntimeError) as exc:
            failed.append(f"- `{name}` could not be measured: {exc}")
            print(f"{name} FAILED: {exc}", flush=True)
            continue
        print(f"{name} done in {time.perf_counter() - t:.0f} s", flush=True)
    if failed:
        r["failed"] = "\n".join(failed)
    if NOTES.exists():
        r["notes"] = NOTES.read_text(encoding="utf-8").strip()
    saved = saved_figures(Path(args.out))
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(r, indent=1, default=str), encoding="utf-8")
    print(write_results(r, Path(args.out)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
