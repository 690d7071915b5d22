"""The pins: requirements.lock is the one record; environment.yml and pyproject follow it."""
from __future__ import annotations

import re
from importlib.metadata import version

import pytest

from conftest import REPO

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.lock").read_text().splitlines():
        m = PIN.match(line.strip())
        if m:
            pins[_norm(m.group(1))] = m.group(2)
    return pins


def env_pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "environment.yml").read_text().splitlines():
        m = PIN.match(line.strip().lstrip("- ").strip())
        if m:
            pins[_norm(m.group(1))] = m.group(2)
    return pins


def pyproject_deps() -> set[str]:
    import tomllib

    meta = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"])
    for extra in meta["optional-dependencies"].values():
        reqs += extra
    return {_norm(re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0]) for r in reqs}


def test_every_line_of_the_lock_is_an_exact_pin():
    for line in (REPO / "requirements.lock").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert PIN.match(line), f"not an exact pin: {line!r}"


def test_environment_yml_pins_agree_with_the_lock():
    lock, env = lock_pins(), env_pins()
    assert env, "environment.yml lists no pins"
    mismatched = {k: (v, lock.get(k)) for k, v in env.items() if lock.get(k) != v}
    assert not mismatched, f"environment.yml vs requirements.lock: {mismatched}"


def test_every_direct_dependency_is_pinned_in_both():
    deps = pyproject_deps()
    assert deps - set(lock_pins()) == set()
    assert deps - set(env_pins()) == set()


def test_environment_yml_uses_python_311():
    assert re.search(r"^\s*-\s*python=3\.11\s*$", (REPO / "environment.yml").read_text(), re.M)


def test_installed_versions_are_the_pinned_ones():
    lock = lock_pins()
    for name in pyproject_deps():
        assert version(name) == lock[name], name


def test_benchmark_synthetic_data_follow_the_schema(tmp_path):
    """The scaling benchmark's generator must keep up with schema changes (it validates cleanly)."""
    import sys

    import aseanai

    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from synthetic import make_dataset
    finally:
        sys.path.pop(0)
    assert aseanai.validate(make_dataset(tmp_path / "synthetic", 400)) == []


def test_binder_builds_from_the_root_environment_yml():
    """repo2docker reads binder/ or .binder/ instead of the root when either exists, and stages the whole
    repository before installing when the pip section names it (``-e .``), so the package and its data install."""
    assert not (REPO / "binder").exists() and not (REPO / ".binder").exists()
    import yaml

    deps = yaml.safe_load((REPO / "environment.yml").read_text())["dependencies"]
    (pip,) = [d["pip"] for d in deps if isinstance(d, dict) and "pip" in d]
    assert "-e ." in pip
    assert "pip" in deps and "python=3.11" in deps


def test_git_tracks_no_generated_files():
    """Only sources, data, lessons (with outputs) and the README's figures are committed: no report, cache or venv."""
    import subprocess

    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    generated = [p for p in tracked if p.split("/")[0] in {"build", ".aseanai-cache", ".venv", ".tools", "dist"}
                 or "/.cache/" in f"/{p}" or "/_data/" in p or "/_lessons/" in p or "__pycache__" in p]
    assert not generated, f"generated files are committed: {generated[:5]}"
