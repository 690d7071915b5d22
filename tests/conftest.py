"""Shared fixtures: a throw-away copy of data/ to break, and CSV editing helpers."""
from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SEED = REPO.parent / "shared" / "seeds" / "000_f4bc9702676cbc8f.txt"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A fresh copy of the bundled data in tmp_path (tests never edit data/)."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


def checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below ``folder``, to prove that nothing changed."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def set_cell(path: Path, column: str, value: str, row: int = 0) -> None:
    """Set ``column`` of data row ``row`` (0 = the row on line 2)."""
    rows = read_rows(path)
    rows[row + 1][rows[0].index(column)] = value
    write_rows(path, rows)


def append_line(path: Path, line: str) -> int:
    """Append one raw line; return its line number in the file."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    number = text.count("\n") + 1
    path.write_text(text + line + "\n", encoding="utf-8")
    return number


def first_row(path: Path) -> dict[str, str]:
    rows = read_rows(path)
    return dict(zip(rows[0], rows[1]))


def find_row(path: Path, **match) -> int:
    """Index (0 = line 2) of the first data row whose columns equal ``match``."""
    rows = read_rows(path)
    header = rows[0]
    for i, r in enumerate(rows[1:]):
        if all(r[header.index(k)] == v for k, v in match.items()):
            return i
    raise LookupError(f"no row with {match} in {path.name}")


@pytest.fixture(autouse=True)
def _close_figures():
    """Close matplotlib figures after each test, if a test opened any."""
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def append_row(path: Path, base: int = 0, **changes: str) -> int:
    """Append a copy of data row ``base`` with ``changes``; return its line number."""
    import io

    rows = read_rows(path)
    header = rows[0]
    row = list(rows[base + 1])
    for k, v in changes.items():
        row[header.index(k)] = v
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(row)
    return append_line(path, buf.getvalue())


@pytest.fixture(scope="session")
def report(tmp_path_factory):
    """One full build of the report, shared by the build, browser and server tests.

    Returns (output folder, Report, progress log). Fails if the build wrote
    into data/ or notebooks/.
    """
    import io

    from aseanai.build import build

    out = tmp_path_factory.mktemp("report") / "build"
    log = io.StringIO()
    before = checksums(DATA), checksums(REPO / "notebooks")
    rep = build(out, stream=log)
    assert (checksums(DATA), checksums(REPO / "notebooks")) == before, "build wrote into data/ or notebooks/"
    return out, rep, log.getvalue()
