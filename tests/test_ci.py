"""The CI workflow and the Makefile's lab target: linted and read as a runner would."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "ci.yml"
ZIZMOR = shutil.which("zizmor", path=str(Path(os.sys.executable).parent)) or shutil.which("zizmor")


def _zizmor(path: Path) -> subprocess.CompletedProcess:
    assert ZIZMOR, "zizmor is not installed (it is in the test extra and requirements.lock)"
    # --offline: no audit may reach the network; pedantic: every finding, down to the informational ones
    return subprocess.run([ZIZMOR, "--offline", "--persona=pedantic", "--no-progress", str(path)],
                          capture_output=True, text=True, timeout=120)


def test_workflow_has_no_lint_finding():
    run = _zizmor(WORKFLOW)
    assert run.returncode == 0, f"zizmor on {WORKFLOW.name}:\n{run.stdout}\n{run.stderr}"
    assert "No findings" in run.stdout


@pytest.mark.parametrize("broken, why", [
    ("actions/checkout@v4", "an action pinned by tag, not by commit"),
    (None, "a job without runs-on (not a valid workflow)"),
])
def test_the_lint_fails_on_a_broken_workflow(tmp_path, broken, why):
    text = WORKFLOW.read_text()
    if broken:
        text = text.replace("actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1", broken)
    else:
        text = text.replace("    runs-on: ubuntu-latest\n", "")
    assert text != WORKFLOW.read_text()
    bad = tmp_path / ".github" / "workflows" / "ci.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(text)
    assert _zizmor(bad).returncode != 0, f"the lint passed {why}"


def _workflow() -> dict:
    wf = yaml.safe_load(WORKFLOW.read_text())
    wf["on"] = wf.pop(True, wf.get("on"))  # YAML 1.1 reads the key `on` as true
    return wf


def test_workflow_runs_the_readme_test_command_on_every_push_and_pull_request():
    wf = _workflow()
    assert set(wf["on"]) == {"push", "pull_request"}
    assert wf["on"]["push"] is None and wf["on"]["pull_request"] is None, "no branch or path filter"
    (job,) = wf["jobs"].values()
    runs = [s.get("run", "") for s in job["steps"]]
    assert runs[-1].strip() == "make test"
    assert "make test" in (REPO / "README.md").read_text()
    assert any("apt-get install" in r and "chromium" in r for r in runs), "the browser tests need chromium"


def test_workflow_uses_python_311_with_the_pip_cache_keyed_on_the_lock():
    (job,) = _workflow()["jobs"].values()
    (setup,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@")]
    assert setup["with"] == {"python-version": "3.11", "cache": "pip", "cache-dependency-path": "requirements.lock"}


@pytest.mark.parametrize("uid, flag", [("0", True), ("1000", False)])
def test_make_lab_allows_root_only_as_root(tmp_path, uid, flag):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (fake / "id").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    run = subprocess.run(["make", "-n", "lab"], cwd=REPO, capture_output=True, text=True,
                         env=env)
    assert run.returncode == 0, run.stderr
    (lab,) = [line for line in run.stdout.splitlines() if "jupyter lab" in line]
    assert ("--allow-root" in lab) is flag, lab
