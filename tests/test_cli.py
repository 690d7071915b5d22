"""The console script, run as a user would."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aseanai.cli import main
from conftest import DATA, append_row, checksums

AseanaiExe = Path(sys.executable).with_name("aseanai")


def test_validate_clean_data_prints_one_line(capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert len(out.strip().splitlines()) == 1
    assert out.startswith("ok: 17 datasets")


def test_console_script_exit_codes(data_copy):
    env = {**os.environ, "ASEANAI_DATA": str(data_copy)}
    ok = subprocess.run([str(AseanaiExe), "validate"], capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stderr
    line = append_row(data_copy / "actors.csv", actor_id="ZZZ", name="Nowhere", actor_type="state")
    bad = subprocess.run([str(AseanaiExe), "validate"], capture_output=True, text=True, env=env)
    assert bad.returncode == 1
    assert f"actors.csv:{line}: actor_id: not an ISO 3166-1 alpha-3" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_data_dir_flag_beats_environment(data_copy, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ASEANAI_DATA", str(tmp_path / "missing"))
    assert main(["validate", "--data-dir", str(data_copy)]) == 0
    assert main(["validate"]) == 1
    assert "data directory not found" in capsys.readouterr().err


def test_summary_lists_every_dataset(capsys):
    assert main(["summary"]) == 0
    out = capsys.readouterr().out
    for name in ("sources", "actors", "agreements", "dc_projects", "investments", "milestones", "claims"):
        assert name in out
    assert len(out.splitlines()) == 18  # header + 17 datasets


def test_summary_refuses_bad_data(data_copy, capsys):
    append_row(data_copy / "actors.csv", actor_id="ZZZ", name="Nowhere", actor_type="state")
    before = checksums(data_copy)
    assert main(["summary", "--data-dir", str(data_copy)]) == 1
    assert "actor_id: not an ISO" in capsys.readouterr().err
    assert checksums(data_copy) == before


def test_bundled_data_untouched_by_the_commands():
    before = checksums(DATA)
    assert main(["validate"]) == 0
    assert main(["summary"]) == 0
    assert checksums(DATA) == before


def test_update_notebooks_refused_outside_a_clone(monkeypatch, capsys):
    """An installed wheel must never write executed outputs into site-packages."""
    import aseanai.cli

    monkeypatch.setattr(aseanai.cli, "repo_root", lambda: None)
    monkeypatch.setattr("aseanai.build.build", lambda *a, **k: pytest.fail("build ran"))
    assert main(["build", "--update-notebooks", "--out", "unused"]) == 2
    assert "installed package" in capsys.readouterr().err
