"""``aseanai lessons``: what it refuses, and how it replaces a class set it wrote (execution stubbed out).

The real run, from an installed wheel, is in tests/test_wheel.py.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

import aseanai.build
from aseanai.classset import MARKER, ClassSetError, check_target, write_class_set
from aseanai.cli import main
from conftest import REPO

LESSON = REPO / "notebooks" / "05_dominance.ipynb"


def _fake_build(fail: bool = False):
    """Stands in for aseanai.build.build: writes what a report holds for the class set, or fails."""
    def build(out, *, notebooks, **kwargs):
        if fail:
            raise aseanai.build.BuildError("1 notebook(s) failed")
        out = Path(out)
        (out / "student").mkdir(parents=True)
        (out / "figures").mkdir()
        for p in notebooks:
            (out / "student" / p.name).write_text("{}")
        (out / "figures" / "fig05_1_dominance.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        (out / "figures" / "fig05_1_dominance.svg").write_text("<svg/>")
        return aseanai.build.Report(out, 0.0, [])
    return build


@pytest.fixture
def stub(monkeypatch):
    monkeypatch.setattr(aseanai.build, "build", _fake_build())


def test_writes_student_teacher_figures_and_a_marker_listing_them(tmp_path, stub):
    done = write_class_set(tmp_path / "set", notebooks=[LESSON])
    out = tmp_path / "set"
    assert [p.name for p in done.student] == [p.name for p in done.teacher] == [LESSON.name]
    assert [p.name for p in done.figures] == ["fig05_1_dominance.png"], "PNG only"
    files = json.loads((out / MARKER).read_text())["files"]
    assert set(files) == {"README.txt", "student/05_dominance.ipynb", "teacher/05_dominance.ipynb",
                          "figures/fig05_1_dominance.png"}
    teacher = nbformat.read(out / "teacher" / LESSON.name, as_version=4)
    assert teacher.cells == nbformat.read(LESSON, as_version=4).cells, "the teacher's copy is the committed lesson"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["set"], "no temporary folder left"


def test_rewrites_a_class_set_it_wrote_and_an_empty_folder(tmp_path, stub):
    (tmp_path / "empty").mkdir()
    write_class_set(tmp_path / "empty", notebooks=[LESSON])
    write_class_set(tmp_path / "empty", notebooks=["00_overview"])
    assert [p.name for p in (tmp_path / "empty" / "student").iterdir()] == ["00_overview.ipynb"]


def test_refuses_a_folder_with_files_it_did_not_write_and_writes_nothing(tmp_path, stub, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    assert main(["lessons", str(mine), "05_dominance"]) == 2
    err = capsys.readouterr().err
    assert "no .aseanai-lessons" in err and str(mine) in err
    assert [p.name for p in tmp_path.iterdir()] == ["mine"] and (mine / "notes.txt").read_text() == "keep"


@pytest.mark.parametrize("change, named", [
    (lambda out: (out / "student" / "my_answers.ipynb").write_text("{}"), "student/my_answers.ipynb (not written"),
    (lambda out: (out / "teacher" / "05_dominance.ipynb").write_text("{}"), "teacher/05_dominance.ipynb (changed"),
])
def test_refuses_a_class_set_with_a_file_added_or_changed(tmp_path, stub, change, named):
    out = tmp_path / "set"
    write_class_set(out, notebooks=[LESSON])
    change(out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(ClassSetError, match=r"nothing was written") as err:
        write_class_set(out, notebooks=[LESSON])
    assert named in str(err.value)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_refuses_a_file_and_a_marker_it_cannot_read(tmp_path):
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(ClassSetError, match="not a folder"):
        check_target(tmp_path / "a_file")
    forged = tmp_path / "forged"
    forged.mkdir()
    (forged / MARKER).write_text("not json")
    with pytest.raises(ClassSetError, match="not a marker"):
        check_target(forged)


def test_a_failed_run_leaves_the_previous_class_set_whole(tmp_path, monkeypatch, stub, capsys):
    out = tmp_path / "set"
    write_class_set(out, notebooks=[LESSON])
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    monkeypatch.setattr(aseanai.build, "build", _fake_build(fail=True))
    assert main(["lessons", str(out), "05_dominance"]) == 1
    assert "failed" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["set"]


def test_an_unknown_lesson_is_named_with_the_known_ones(tmp_path, capsys):
    assert main(["lessons", str(tmp_path / "set"), "99_nothing"]) == 2
    err = capsys.readouterr().err
    assert "no lesson named '99_nothing'" in err and "05_dominance" in err
    assert not list(tmp_path.iterdir())
