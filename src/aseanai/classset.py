"""``aseanai lessons DIR``: a class set of the lessons, written into a folder a teacher hands out.

The folder holds:

``student/``
    the student edition: check cells (``remove-cell``) and solutions removed,
    outputs cleared, the empty ``answer`` cells kept;
``teacher/``
    the notebooks as committed, with their outputs, solutions collapsed;
``figures/``
    every figure of the lessons as PNG;
``.aseanai-lessons``
    the marker: what the command wrote, with a checksum per file.

The notebooks are executed every time, through :func:`aseanai.build.build`
into a temporary folder: the figures and the student edition are taken from
that run. A ``build/`` folder that happens to exist is not reused, because
nothing ties it to the notebooks and data installed now (it may be older than
either), and an installed wheel has none.

The student notebooks call :func:`aseanai.load_all`, which finds the data
bundled with the package, so the class set carries no copy of the data.

The command never overwrites or deletes what it did not write: it refuses a
folder that exists and is not empty unless it carries the marker and holds
exactly the files the marker lists, unchanged. It writes into a temporary
folder beside the target and renames it into place, so an interrupted run
leaves the previous class set whole.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .notebooks import notebook_dir, notebook_paths

__all__ = ["MARKER", "ClassSet", "ClassSetError", "find_notebooks", "teacher_edition", "write_class_set"]

#: The file that marks a folder as written by ``aseanai lessons`` and lists what it wrote.
MARKER = ".aseanai-lessons"
SOLUTION_TAG = "solution"

_README = """\
Class set written by `aseanai lessons`
======================================

student/   the lessons for students: exercises with empty answer cells, no solutions, no outputs
teacher/   the lessons as published, with outputs; the model answers are collapsed (click to open)
figures/   every figure of the lessons as PNG, for slides and handouts

The notebooks read their data with `aseanai.load_all()`, which finds the data
bundled with the installed aseanai package: install aseanai in the environment
the students use (pip install aseanai-...whl) and no data folder is needed.

{stamp}
Do not put your own files in this folder: `aseanai lessons` refuses to rewrite
a folder holding files it did not write.
"""


class ClassSetError(RuntimeError):
    """The class set cannot be written there; the message says why and what to do."""


@dataclass
class ClassSet:
    out: Path
    student: list[Path]
    teacher: list[Path]
    figures: list[Path]
    seconds: float


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): _sha256(p)
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MARKER}


def check_target(out: Path) -> None:
    """Refuse a target that holds anything ``aseanai lessons`` did not write.

    Raises
    ------
    ClassSetError
        If ``out`` is a file, or a non-empty folder without the marker, or a
        marked folder with files added or changed since the command wrote it.
    """
    if not out.exists() and not out.is_symlink():
        return
    if out.is_symlink() or not out.is_dir():
        raise ClassSetError(f"{out} exists and is not a folder; choose a new or empty folder")
    entries = list(out.iterdir())
    if not entries:
        return
    marker = out / MARKER
    if not marker.is_file():
        raise ClassSetError(f"{out} is not empty and was not written by `aseanai lessons` (it has no {MARKER}); "
                            "nothing was written: choose a new or empty folder")
    try:
        written = json.loads(marker.read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError, TypeError):
        raise ClassSetError(f"{marker} is not a marker this command wrote; nothing was written: "
                            "choose a new or empty folder") from None
    found = {p.relative_to(out).as_posix() for p in out.rglob("*")
             if (p.is_file() or p.is_symlink()) and p != marker}
    foreign = sorted(found - set(written))
    changed = sorted(f for f in found & set(written) if (out / f).is_symlink() or _sha256(out / f) != written[f])
    if foreign or changed:
        listed = [f"{f} (not written by aseanai lessons)" for f in foreign] + [f"{f} (changed since)" for f in changed]
        more = f" and {len(listed) - 5} more" if len(listed) > 5 else ""
        raise ClassSetError(f"{out} holds files that rewriting it would lose: {', '.join(listed[:5])}{more}; "
                            "nothing was written: move them away, or choose a new or empty folder")


def find_notebooks(names=None) -> list[Path]:
    """The lessons to include: every lesson, or those named (a path, a file name or a stem like ``02_data_centres``)."""
    if not names:
        return notebook_paths()
    out = []
    for name in names:
        path = Path(name)
        if path.is_file():
            out.append(path)
            continue
        stem = path.name[:-len(".ipynb")] if path.name.endswith(".ipynb") else path.name
        candidate = notebook_dir() / f"{stem}.ipynb"
        if not candidate.is_file():
            known = ", ".join(p.stem for p in notebook_paths())
            raise ClassSetError(f"no lesson named {name!r}; the lessons are: {known}")
        out.append(candidate)
    return out


def teacher_edition(nb):
    """The notebook as committed, with every solution cell collapsed (source, and output for code).

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1", metadata={"tags": ["solution"]})])
    >>> teacher_edition(nb).cells[0].metadata.jupyter
    {'source_hidden': True, 'outputs_hidden': True}
    """
    import copy

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if SOLUTION_TAG in cell.metadata.get("tags", []):
            hidden = cell.metadata.setdefault("jupyter", {})
            hidden["source_hidden"] = True
            if cell.cell_type == "code":
                hidden["outputs_hidden"] = True
    return nb


def write_class_set(out: str | os.PathLike, *, notebooks=None, data_dir=None, jobs: int | None = None,
                    stream=None, timeout: int = 600) -> ClassSet:
    """Write the student edition, the teacher's edition and the figures into ``out``.

    Raises
    ------
    ClassSetError
        If ``out`` holds anything this command did not write (nothing is written then).
    DataError, BuildError
        If the data do not validate or a notebook fails to execute (``out`` is left as it was).
    """
    import time

    import nbformat

    from .build import build
    from .lesson import data_stamp

    started = time.perf_counter()
    out = Path(out).absolute()
    check_target(out)
    paths = find_notebooks(notebooks)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        with tempfile.TemporaryDirectory(prefix="aseanai-lessons-") as work:
            report = build(Path(work) / "report", jobs=jobs, data_dir=data_dir, notebooks=paths, stream=stream,
                           timeout=timeout)
            for sub in ("student", "teacher", "figures"):
                (stage / sub).mkdir()
            for path in paths:
                shutil.copyfile(report.out / "student" / path.name, stage / "student" / path.name)
                nb = nbformat.read(path, as_version=4)
                (stage / "teacher" / path.name).write_text(nbformat.writes(teacher_edition(nb)) + "\n",
                                                           encoding="utf-8")
            for png in sorted((report.out / "figures").glob("*.png")):
                shutil.copyfile(png, stage / "figures" / png.name)
        stamp = data_stamp(data_dir)
        (stage / "README.txt").write_text(_README.format(stamp=stamp), encoding="utf-8")
        from . import __version__

        marker = {"written_by": "aseanai lessons", "aseanai": __version__, "data": stamp,
                  "files": _manifest(stage)}
        (stage / MARKER).write_text(json.dumps(marker, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        check_target(out)  # again: the run took minutes, and someone may have written there meanwhile
        _swap(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return ClassSet(out, sorted((out / "student").glob("*.ipynb")), sorted((out / "teacher").glob("*.ipynb")),
                    sorted((out / "figures").glob("*.png")), time.perf_counter() - started)


def _swap(stage: Path, out: Path) -> None:
    """Put ``stage`` in place of ``out`` (absent, empty, or a class set checked by :func:`check_target`)."""
    old = None
    if out.is_dir() and not any(out.iterdir()):
        out.rmdir()
    elif out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        out.rename(old)
    stage.rename(out)
    if old is not None:
        shutil.rmtree(old)
