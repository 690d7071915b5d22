"""`aseanai build --out` replaces only what an earlier build made (issue 10, section 1).

Every refusal happens before any kernel starts, exits 2, and leaves the target
byte for byte as it was.
"""
from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from aseanai.build import MARKER, OutputRefused, build, check_output
from conftest import DATA, REPO, checksums

SMALL = [REPO / "notebooks" / "00_overview.ipynb"]


_SKIP = {".venv", ".tools"}  # the repository's installed environments: tens of thousands of files, not the target


def _snapshot(path: Path):
    if path.is_file():
        return path.read_bytes()
    names = sorted(str(p.relative_to(path)) for p in path.rglob("*") if not _SKIP & set(p.relative_to(path).parts))
    files = [n for n in names if (path / n).is_file()]
    return {n: hashlib.sha256((path / n).read_bytes()).hexdigest() for n in files}, names


def _refused(target: Path, *, cwd: Path = REPO, env=None) -> str:
    before = _snapshot(target)
    run = subprocess.run([sys.executable, "-m", "aseanai.cli", "build", "--out", str(target), str(SMALL[0])],
                         capture_output=True, text=True, cwd=cwd, env=env)
    assert run.returncode == 2, run.stderr + run.stdout
    assert "Traceback" not in run.stderr and "executing" not in run.stdout  # no kernel was started
    assert _snapshot(target) == before, f"{target} changed"
    return run.stderr


def test_a_folder_with_other_content_is_refused_and_unchanged(tmp_path):
    target = tmp_path / "thesis"
    target.mkdir()
    (target / "chapter1.md").write_text("my work")
    (target / "figures").mkdir()
    message = _refused(target)
    assert "no aseanai build wrote" in message and MARKER in message and "'chapter1.md'" in message


def test_a_file_is_refused_and_unchanged(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("do not lose me")
    assert "is a file" in _refused(target)
    assert not list(tmp_path.glob(".notes.txt.*")), "no hidden copy left behind"


@pytest.mark.parametrize("where", ["root", "data", "notebooks"])
def test_the_repository_its_data_and_its_notebooks_are_refused(where):
    target = {"root": REPO, "data": DATA, "notebooks": REPO / "notebooks"}[where]
    assert "is the repository's" in _refused(target)


def test_dot_from_the_repository_root_is_refused():
    before = checksums(DATA)
    run = subprocess.run([sys.executable, "-m", "aseanai.cli", "build", "--out", ".", str(SMALL[0])],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 2 and "repository's root" in run.stderr
    assert checksums(DATA) == before and (REPO / ".git").exists()  # a folder, or a file in a worktree


def test_the_home_folder_is_refused_even_when_empty(tmp_path):
    import os

    home = tmp_path / "home"
    home.mkdir()
    message = _refused(home, env={**os.environ, "HOME": str(home)})
    assert "home folder" in message


def test_the_data_folder_given_with_data_dir_is_refused(data_copy):
    with pytest.raises(OutputRefused, match="data folder"):
        check_output(data_copy, data_copy)


def test_a_new_an_empty_and_an_earlier_report_folder_are_accepted(tmp_path):
    assert check_output(tmp_path / "new") == tmp_path / "new"
    (tmp_path / "empty").mkdir()
    check_output(tmp_path / "empty")
    out = tmp_path / "report"
    build(out, notebooks=SMALL, jobs=1, stream=io.StringIO())
    assert (out / MARKER).read_text().startswith("aseanai report format ")
    check_output(out)  # an earlier report is replaced
    build(out, notebooks=SMALL, jobs=1, stream=io.StringIO(), force=True)
    assert (out / "index.html").is_file()
    assert not list(tmp_path.glob(".report.*")), "no hidden copy left behind"


def test_a_forged_marker_is_not_a_report(tmp_path):
    target = tmp_path / "x"
    target.mkdir()
    (target / MARKER).write_text("hello")
    (target / "keep.txt").write_text("keep")
    with pytest.raises(OutputRefused):
        check_output(target)


def test_only_kernel_folders_of_dead_builds_are_removed(tmp_path):
    import os

    from aseanai.execute import remove_stale_kernel_folders

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"aseanai-kernel-{dead.pid}-abc123"
    live = tmp_path / f"aseanai-kernel-{os.getpid()}-def456"
    other = tmp_path / "aseanai-kernel-notours"
    for folder in (stale, live, other):
        folder.mkdir()
        (folder / "kernel.json").write_text("{}")
    assert remove_stale_kernel_folders(tmp_path) == [stale]
    assert not stale.exists() and live.is_dir() and other.is_dir()


def test_figures_saved_outside_a_build_leave_a_folder_the_build_may_replace(tmp_path):
    """nbval and JupyterLab runs save figures into build/figures; `make report` must still accept build/."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from aseanai import plot

    def save_probe(folder: Path) -> None:
        plot.set_figures_dir(folder / "figures")  # as a run outside a build would default to build/figures
        try:
            fig, _ = plt.subplots()
            plot.save(fig, "fig99_1_probe")
            plt.close(fig)
        finally:
            plot.set_figures_dir(None)

    target = tmp_path / "build"
    save_probe(target)
    assert (target / "figures" / "fig99_1_probe.png").is_file()
    assert check_output(target) == target  # accepted: saving created it, and marked it as program-made
    mine = tmp_path / "mine"
    (mine / "notes").mkdir(parents=True)
    save_probe(mine)
    with pytest.raises(OutputRefused):  # a folder that existed before stays the user's
        check_output(mine)
