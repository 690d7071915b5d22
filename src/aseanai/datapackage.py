"""Read ``datapackage.json``: where the data live and what each table holds.

The descriptor is the single record of the data contract. Everything else in
the library (dtypes, checks, the CLI summary) is derived from it.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

__all__ = ["DataError", "Problem", "Field", "Resource", "Package", "data_dir", "bundled_data_dir", "read_package"]

#: Environment variable naming the data directory (after ``--data-dir``).
DATA_ENV = "ASEANAI_DATA"
DESCRIPTOR = "datapackage.json"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in the data, located as ``FILE:LINE: COLUMN: message``.

    ``line`` is the line of the CSV file (1 is the header row); ``column`` is
    the field name, or ``*`` for a problem with the whole row or file.
    """

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class DataError(ValueError):
    """Raised when the data do not match ``datapackage.json``.

    The message lists every problem found, one per line; the list itself is
    in ``.problems``.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=_problem_order)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the data:"
        super().__init__("\n".join([head, *map(str, self.problems)]))


def _problem_order(p: Problem):
    return (p.file, p.line, p.column, p.message)


@dataclass(frozen=True)
class Field:
    """A Table Schema field."""

    name: str
    type: str
    description: str = ""
    constraints: dict = field(default_factory=dict, hash=False, compare=False)
    unit: str | None = None
    delimiter: str = ";"

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))

    @property
    def enum(self) -> list | None:
        return self.constraints.get("enum")


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    ref_fields: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    """A tabular resource of the package: one CSV file and its schema."""

    name: str
    path: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    title: str = ""
    descriptor_line: int = 0

    @cached_property
    def field_map(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


@dataclass(frozen=True)
class Package:
    """The parsed descriptor and the directory it lives in."""

    root: Path
    descriptor: dict
    resources: tuple[Resource, ...]

    @cached_property
    def by_name(self) -> dict[str, Resource]:
        return {r.name: r for r in self.resources}

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.resources]

    def resource(self, name: str) -> Resource:
        try:
            return self.by_name[name]
        except KeyError:
            known = ", ".join(self.names)
            raise KeyError(f"no dataset named {name!r}; the package has: {known}") from None

    def path(self, resource: Resource) -> Path:
        return self.root / resource.path


def repo_root() -> Path | None:
    """The repository this package runs from (a clone or an editable install), or ``None`` for a wheel.

    A checkout is recognised by its ``pyproject.toml`` and ``data/datapackage.json``
    two levels above this module (``src/aseanai/``); an installed wheel has neither.
    """
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "data" / DESCRIPTOR).is_file():
        return root
    return None


def packaged_dir(name: str) -> Path:
    """A folder the wheel carries inside the package (``_data``, ``_lessons``), read with importlib.resources.

    A wheel installs as plain files, so the resource is a real folder; should the
    package ever be imported from a zip, the folder is extracted once for the
    life of the process.
    """
    import importlib.resources as resources

    res = resources.files("aseanai").joinpath(name)
    if isinstance(res, Path):
        return res
    import atexit
    from contextlib import ExitStack

    stack = ExitStack()
    atexit.register(stack.close)
    return Path(stack.enter_context(resources.as_file(res)))


def bundled_data_dir() -> Path:
    """The curated data that come with the package.

    In a clone or an editable install: the repository's ``data/``. In an
    installed wheel: the copy the wheel carries, ``aseanai/_data/``.

    Examples
    --------
    >>> (bundled_data_dir() / "datapackage.json").is_file()
    True
    """
    root = repo_root()
    return root / "data" if root is not None else packaged_dir("_data")


#: Kept for callers that used it: the bundled data folder, wherever the package is installed.
repo_data_dir = bundled_data_dir


def data_dir(path: str | os.PathLike | None = None) -> Path:
    """Resolve the data directory: ``path``, else ``$ASEANAI_DATA``, else the bundled data.

    Examples
    --------
    >>> data_dir("elsewhere").name
    'elsewhere'
    """
    return _resolve(path)[0]


def _resolve(path: str | os.PathLike | None) -> tuple[Path, str]:
    """The data directory and where it came from, as a phrase for messages about it."""
    if path is not None:
        return Path(path), "given as --data-dir"
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env), f"from the environment variable {DATA_ENV}; unset it or point it at a data folder"
    if repo_root() is not None:
        return bundled_data_dir(), "of the repository"
    return bundled_data_dir(), (f"bundled with the installed package; reinstall aseanai, or set {DATA_ENV} "
                                "or --data-dir to a data folder")


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


_CACHE: dict[tuple[str, int, int], Package] = {}


def read_package(path: str | os.PathLike | None = None) -> Package:
    """Parse ``datapackage.json`` in the data directory.

    Raises
    ------
    DataError
        If the directory or descriptor is missing or is not valid JSON.
    """
    root, origin = _resolve(path)
    desc_path = root / DESCRIPTOR
    shown = display_path(desc_path)
    if not root.is_dir():
        raise DataError([Problem(display_path(root), 0, "*", f"data directory not found ({origin})")])
    try:
        stat = desc_path.stat()
    except FileNotFoundError:
        raise DataError([Problem(shown, 0, "*", f"file not found (every data directory needs one; "
                                                f"data directory {origin})")]) from None
    key = (str(desc_path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key in _CACHE:
        return _CACHE[key]
    raw = desc_path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
        descriptor = json.loads(text)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError([Problem(shown, line, "*", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})")]) from None
    except json.JSONDecodeError as exc:
        raise DataError([Problem(shown, exc.lineno, "*", f"not valid JSON ({exc.msg}, column {exc.colno})")]) from None
    lines = text.splitlines()
    resources = []
    for res in descriptor.get("resources", []):
        schema = res.get("schema", {})
        fields = tuple(
            Field(
                name=f["name"],
                type=f.get("type", "string"),
                description=f.get("description", ""),
                constraints=f.get("constraints", {}),
                unit=f.get("unit"),
                delimiter=f.get("delimiter", ";"),
            )
            for f in schema.get("fields", [])
        )
        pk = schema.get("primaryKey", [])
        fks = tuple(
            ForeignKey(
                tuple(_as_list(fk["fields"])),
                fk["reference"].get("resource") or res["name"],
                tuple(_as_list(fk["reference"]["fields"])),
            )
            for fk in schema.get("foreignKeys", [])
        )
        resources.append(
            Resource(
                name=res["name"],
                path=res["path"],
                fields=fields,
                primary_key=tuple(_as_list(pk)),
                foreign_keys=fks,
                title=res.get("title", ""),
                descriptor_line=_find_line(lines, f'"path": "{res["path"]}"'),
            )
        )
    pkg = Package(root=root, descriptor=descriptor, resources=tuple(resources))
    _CACHE[key] = pkg
    return pkg


def _as_list(x) -> list:
    return [x] if isinstance(x, str) else list(x)


def _find_line(lines: list[str], needle: str) -> int:
    for n, line in enumerate(lines, start=1):
        if needle in line:
            return n
    return 0


def data_dictionary(pkg: Package) -> str:
    """The data dictionary as Markdown, generated from ``datapackage.json``.

    The README embeds this text between ``<!-- data-dictionary -->`` markers and
    a test checks that the two agree, so the README cannot drift from the schema.
    """
    out = []
    for res in pkg.resources:
        key = ", ".join(f"`{k}`" for k in res.primary_key)
        desc = next((r.get("description", "") for r in pkg.descriptor["resources"] if r["name"] == res.name), "")
        out += [f"#### `{res.path}`: {res.title}", "", f"{desc} Primary key: {key}.", "",
                "| column | type | required | description |", "|---|---|---|---|"]
        for f in res.fields:
            text = f.description
            if f.enum:
                text += " One of: " + ", ".join(f"`{v}`" for v in f.enum) + "."
            if f.unit:
                text += f" Unit: {f.unit}."
            fks = [fk for fk in res.foreign_keys if f.name in fk.fields]
            for fk in fks:
                text += f" References `{fk.resource}.{fk.ref_fields[fk.fields.index(f.name)]}`."
            out.append(f"| `{f.name}` | {f.type} | {'yes' if f.required else ''} | {text.replace('|', '/')} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
