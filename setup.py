"""Build step: the wheel carries the curated data and the lessons.

``data/`` and ``notebooks/`` stay at the top of the repository, where people
edit and review them, and git holds one copy of each. At build time this
``build_py`` command copies them into the package as ``aseanai/_data/`` and
``aseanai/_lessons/``, so that an installed wheel reads them with
``importlib.resources`` and needs no clone. An editable install skips the copy:
it reads ``data/`` and ``notebooks/`` from the checkout, as before.

Everything else about the package is in pyproject.toml.
"""
from __future__ import annotations

import re
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
#: The same pattern as ``aseanai.notebooks.LESSON_NAME`` (tests/test_wheel.py checks they agree);
#: setup.py cannot import the package, whose dependencies a build environment need not have.
LESSON_NAME = re.compile(r"\d\d[a-z]?_[a-z0-9_]+\.ipynb")


def bundled_files(root: Path = HERE) -> list[tuple[Path, str]]:
    """Every file the wheel carries beside the code: (source, path inside the ``aseanai`` package)."""
    data, lessons = root / "data", root / "notebooks"
    if not (data / "datapackage.json").is_file():
        raise SystemExit(f"{data / 'datapackage.json'} not found: build the wheel from a clone or from the sdist")
    out = [(p, "_data/" + p.relative_to(data).as_posix()) for p in sorted(data.rglob("*"))
           if p.is_file() and not any(part.startswith(".") for part in p.relative_to(data).parts)]
    out += [(p, "_lessons/" + p.name) for p in sorted(lessons.glob("*.ipynb")) if LESSON_NAME.fullmatch(p.name)]
    return out


class build_py_with_data(build_py):  # noqa: N801 - setuptools' naming for commands
    """setuptools' build_py, then data/ and the lessons copied into the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads data/ and notebooks/ from the checkout
            return
        for src, rel in bundled_files():
            dest = Path(self.build_lib) / "aseanai" / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            self.copy_file(str(src), str(dest))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if self.editable_mode:
            return outputs
        return outputs + [str(Path(self.build_lib) / "aseanai" / rel) for _, rel in bundled_files()]


setup(cmdclass={"build_py": build_py_with_data})
