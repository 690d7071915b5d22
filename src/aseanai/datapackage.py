"""The data contract and a data folder's ``datapackage.json``.

The contract (which tables and columns must exist, their types, constraints,
keys and domain rules) belongs to the library: it ships as
``aseanai/contract/datapackage.json``. A data folder's own descriptor must
carry every table, column, constraint and key of the contract; it may add
documentation (titles, descriptions, units) but cannot weaken the contract.
Checks and dtypes always come from the contract, so deleting a table from a
data folder's descriptor cannot switch its checks off.
"""
from __future__ import annotations

import errno
import json
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

__all__ = ["DataError", "Problem", "Field", "Resource", "Package", "data_dir", "bundled_data_dir", "read_package",
           "read_contract", "describe_os_error", "found"]

#: The library's own copy of the schema.
CONTRACT = Path(__file__).resolve().parent / "contract" / "datapackage.json"
#: At most this many problems per file are printed; the rest are counted.
SHOWN_PER_FILE = 50

#: The file that marks a folder as a report this program wrote (``aseanai build`` replaces only such a folder),
#: and the text it starts with; the report format's version follows.
REPORT_MARKER = ".aseanai-report"
REPORT_MARK = "aseanai report format "
REPORT_FORMAT = 1


def mark_report(folder: Path) -> None:
    """Write the marker that says ``folder`` is a report this program made (with the format version)."""
    (Path(folder) / REPORT_MARKER).write_text(f"{REPORT_MARK}{REPORT_FORMAT}\n", encoding="utf-8")


def is_report(folder: Path) -> bool:
    """Whether ``folder`` carries the marker :func:`mark_report` writes."""
    try:
        return (Path(folder) / REPORT_MARKER).read_text(encoding="utf-8").startswith(REPORT_MARK)
    except (OSError, UnicodeDecodeError):
        return False

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
        lines = [f"{n} problem{'s' if n != 1 else ''} in the data:"]
        per_file: dict[str, int] = {}
        for p in self.problems:
            per_file[p.file] = per_file.get(p.file, 0) + 1
            if per_file[p.file] <= SHOWN_PER_FILE:
                lines.append(str(p))
        for file, count in per_file.items():
            if count > SHOWN_PER_FILE:
                lines.append(f"{file}: ... and {count - SHOWN_PER_FILE} more problems in this file "
                             f"({count} in all, the first {SHOWN_PER_FILE} shown above)")
        super().__init__("\n".join(lines))


def _problem_order(p: Problem):
    return (p.file, p.line, p.column, p.message)


def found(value) -> str:
    """``found '...'``: a value from the data as quoted in a message (cut at 60 characters)."""
    value = str(value)
    if len(value) > 60:
        value = value[:57] + "..."
    return f"found {value!r}"


@dataclass(frozen=True)
class Field:
    """A Table Schema field."""

    name: str
    type: str
    description: str = ""
    constraints: dict = field(default_factory=dict, hash=False, compare=False)
    unit: str | None = None
    delimiter: str = ";"
    true_values: tuple[str, ...] = ("true", "True", "TRUE", "1")
    false_values: tuple[str, ...] = ("false", "False", "FALSE", "0")
    rules: dict = field(default_factory=dict, hash=False, compare=False)  # the contract's x- properties

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
    description: str = ""
    rules: dict = field(default_factory=dict, hash=False, compare=False)  # the contract's x- properties

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
    problems: tuple[Problem, ...] = ()  # where the descriptor departs from the contract
    rules: dict = field(default_factory=dict, hash=False, compare=False)  # the contract's package-level x- rules

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
    except (RuntimeError, OSError):  # a symlink loop cannot be resolved
        try:
            return str(Path(os.path.abspath(path)).relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)
    except ValueError:
        return str(path)


_CACHE: dict[tuple, object] = {}


def read_contract() -> dict:
    """The library's data contract (``aseanai/contract/datapackage.json``), parsed once."""
    key = ("contract", str(CONTRACT))
    if key not in _CACHE:
        _CACHE[key] = json.loads(CONTRACT.read_text(encoding="utf-8"))
    return _CACHE[key]


def describe_os_error(exc: OSError, path: Path) -> str:
    """What went wrong, in a curator's words rather than Python's."""
    if exc.errno == errno.ELOOP:
        return "symlink loop (the link points back at itself)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (cannot read the file)"
    if exc.errno == errno.EISDIR or path.is_dir():
        return "is a folder, not a file"
    if exc.errno == errno.ENOENT:
        return "file not found"
    return f"cannot read the file ({exc.strerror or exc})"


def read_package(path: str | os.PathLike | None = None) -> Package:
    """The contract's tables, with the documentation of the data folder's ``datapackage.json``.

    Where the descriptor departs from the contract (a table, column,
    constraint or key missing or changed), the problems are in ``.problems``;
    :func:`aseanai.validate` reports them and loading refuses the data.

    Raises
    ------
    DataError
        If the directory or descriptor is missing, unreadable or not valid JSON.
    """
    root, origin = _resolve(path)
    desc_path = root / DESCRIPTOR
    shown = display_path(desc_path)
    if not root.is_dir():
        why = "symlink loop" if root.is_symlink() and not root.exists() else f"data directory not found ({origin})"
        raise DataError([Problem(display_path(root), 0, "*", why)])
    try:
        stat = desc_path.stat()
        if desc_path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a directory")
        key = (str(desc_path.resolve()), stat.st_mtime_ns, stat.st_size)
        if key in _CACHE:
            return _CACHE[key]
        raw = desc_path.read_bytes()
    except FileNotFoundError:
        raise DataError([Problem(shown, 0, "*", f"file not found (every data directory needs one; "
                                                f"data directory {origin})")]) from None
    except OSError as exc:
        raise DataError([Problem(shown, 0, "*", describe_os_error(exc, desc_path))]) from None
    try:
        text = raw.decode("utf-8-sig")
        descriptor = json.loads(text)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError([Problem(shown, line, "*", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})")]) from None
    except json.JSONDecodeError as exc:
        raise DataError([Problem(shown, exc.lineno, "*", f"not valid JSON ({exc.msg}, column {exc.colno})")]) from None
    if not isinstance(descriptor, dict):
        raise DataError([Problem(shown, 1, "*", f"the top level must be an object {{...}} with \"resources\", "
                                                f"not {_json_kind(descriptor)}")])
    pkg = _against_contract(root, descriptor, text.splitlines(), shown)
    _CACHE[key] = pkg
    return pkg


def _json_kind(x) -> str:
    return {list: "an array [...]", dict: "an object {...}", str: "a string", bool: "true or false",
            type(None): "null"}.get(type(x), "a number")


_NAME_RX = re.compile(r'"name"\s*:\s*("(?:[^"\\]|\\.)*")')


class _Lines:
    """Line numbers in the descriptor's text (JSON keeps none), found by searching for names.

    The lines holding ``"name": ...`` are indexed once per text (one scan), so that looking up every
    table and field stays linear in the size of the descriptor.
    """

    def __init__(self, lines: list[str], end: int | None = None, names: dict[str, list[int]] | None = None):
        self.lines = lines
        self.end = len(lines) if end is None else end  # search no further (the next table's first line)
        self.names = names if names is not None else _name_index(lines)

    def find(self, pattern: str, start: int = 0) -> int:
        rx = re.compile(pattern)
        for n in range(start, min(self.end, len(self.lines))):
            if rx.search(self.lines[n]):
                return n + 1
        return 0

    def name(self, name: str, start: int = 0) -> int:
        end = min(self.end, len(self.lines))
        return next((n + 1 for n in self.names.get(name, ()) if start <= n < end), 0)

    def key(self, key: str, start: int = 0) -> int:
        return self.find(re.escape(json.dumps(key)) + r"\s*:", start)


def _name_index(lines: list[str]) -> dict[str, list[int]]:
    """Each name given as ``"name": "..."``, with the (0-based) lines that give it, in order."""
    index: dict[str, list[int]] = {}
    for n, line in enumerate(lines):
        if '"name"' not in line:
            continue
        for m in _NAME_RX.finditer(line):
            text = m.group(1)
            try:
                name = text[1:-1] if "\\" not in text else json.loads(text)
            except ValueError:
                continue
            index.setdefault(name, []).append(n)
    return index


def _against_contract(root: Path, descriptor: dict, lines: list[str], shown: str) -> Package:
    """Build the package from the contract, and list where the descriptor departs from it."""
    contract = read_contract()
    at = _Lines(lines)
    problems: list[Problem] = []

    def problem(line: int, column: str, message: str) -> None:
        problems.append(Problem(shown, line or 1, column, message))

    given = descriptor.get("resources")
    res_line = at.key("resources") or 1
    by_name: dict[str, tuple[dict, int]] = {}
    if not isinstance(given, list):
        problem(res_line, "resources", f"must be an array [...] of tables, not {_json_kind(given)}"
                if given is not None else "missing (the list of tables)")
        given = []
    for i, res in enumerate(given):
        if not isinstance(res, dict):
            problem(res_line, f"resources[{i}]", f"must be an object {{...}}, not {_json_kind(res)}")
            continue
        name = res.get("name")
        if not isinstance(name, str) or not name:
            where = at.find(re.escape(json.dumps(res["path"])), res_line) if isinstance(res.get("path"), str) else 0
            problem(where or res_line, f"resources[{i}].name", "missing: every table needs a \"name\"")
            continue
        by_name[name] = (res, at.name(name, res_line - 1) or res_line)

    starts = sorted(line for _res, line in by_name.values())
    resources = []
    for spec in contract["resources"]:
        name = spec["name"]
        res, line = by_name.pop(name, (None, res_line))
        at = _Lines(lines, end=next((s - 1 for s in starts if s > line), None), names=at.names)
        here = f"resources[{name}]"
        if res is None:
            problem(res_line, here, f"table missing from the descriptor (the library's contract requires "
                                    f"{name}, in {spec['path']})")
            res = {}
        elif res.get("path") != spec["path"]:
            problem(line, f"{here}.path", f"must be {spec['path']!r} as in the library's contract "
                                          f"({found(res.get('path'))})")
        schema = res.get("schema") if isinstance(res.get("schema"), dict) else {}
        if res and not isinstance(res.get("schema"), dict):
            problem(line, f"{here}.schema", "missing or not an object {...} (the table's fields and keys)")
        docs = _check_fields(spec, schema, line, at, here, problem)
        _check_keys(spec, schema, line, at, here, problem)
        resources.append(_resource(spec, res, docs, at.key("path", line - 1) if res else 0))
    at = _Lines(lines, names=at.names)
    for name, (_res, line) in by_name.items():
        problem(line, f"resources[{name}]", "table not in the library's contract (aseanai/contract/datapackage.json)")
    rules = {k: v for k, v in contract.items() if k.startswith("x-")}
    return Package(root=root, descriptor=descriptor, resources=tuple(resources), problems=tuple(problems),
                   rules=rules)


_STANDARD = ("type", "constraints", "format", "trueValues", "falseValues", "delimiter")


def _check_fields(spec: dict, schema: dict, line: int, at: _Lines, here: str, problem) -> dict:
    """Compare the descriptor's fields with the contract's; return {name: descriptor field} for documentation."""
    given = schema.get("fields", [])
    docs: dict[str, dict] = {}
    if not isinstance(given, list):
        problem(at.key("fields", line - 1) or line, f"{here}.schema.fields",
                f"must be an array [...] of fields, not {_json_kind(given)}")
        given = []
    for i, f in enumerate(given):
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not f.get("name"):
            problem(at.key("fields", line - 1) or line, f"{here}.schema.fields[{i}]",
                    "field without a \"name\"" if isinstance(f, dict) else f"must be an object, not {_json_kind(f)}")
            continue
        docs[f["name"]] = f
    wanted = [f["name"] for f in spec["schema"]["fields"]]
    for f in spec["schema"]["fields"]:
        name = f["name"]
        mine = docs.get(name)
        column = f"{here}.schema.fields[{name}]"
        if mine is None:
            if schema:
                problem(at.key("fields", line - 1) or line, column,
                        f"column missing from the descriptor (the library's contract requires it: {f['type']})")
            continue
        fline = at.name(name, line - 1) or line
        pattern = (mine.get("constraints") or {}).get("pattern") if isinstance(mine.get("constraints"), dict) else None
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
            except re.error as exc:
                problem(fline, f"{column}.constraints.pattern",
                        f"not a valid regular expression ({exc}) ({found(pattern)})")
                continue
        for key in _STANDARD:
            default = {"type": "string", "constraints": {}}.get(key)
            theirs, ours = mine.get(key, default), f.get(key, default)
            if key in ("trueValues", "falseValues", "delimiter") and key not in mine:
                continue  # the contract's value applies
            if key == "constraints" and isinstance(theirs, dict):
                for c in sorted(set(ours) | set(theirs)):
                    if c not in theirs:
                        problem(fline, f"{column}.constraints.{c}",
                                f"missing: the library's contract requires {c} = {json.dumps(ours[c])}")
                    elif c not in ours:
                        problem(fline, f"{column}.constraints.{c}",
                                f"not in the library's contract, which the descriptor cannot change "
                                f"({found(json.dumps(theirs[c]))})")
                    elif theirs[c] != ours[c]:
                        problem(fline, f"{column}.constraints.{c}",
                                f"must be {json.dumps(ours[c])} as in the library's contract "
                                f"({found(json.dumps(theirs[c]))})")
            elif theirs != ours:
                problem(fline, f"{column}.{key}", f"must be {json.dumps(ours)} as in the library's contract "
                                                  f"({found(json.dumps(theirs))})")
    extra = [n for n in docs if n not in wanted]
    for n in extra:
        problem(at.name(n, line - 1) or line, f"{here}.schema.fields[{n}]",
                "column not in the library's contract (aseanai/contract/datapackage.json)")
    if not extra and [n for n in docs if n in wanted] != [n for n in wanted if n in docs]:
        problem(at.key("fields", line - 1) or line, f"{here}.schema.fields",
                f"columns out of order (the contract has {', '.join(wanted)})")
    return docs


def _keys_of(schema: dict) -> tuple[list, set]:
    pk = schema.get("primaryKey", [])
    fks = set()
    for fk in schema.get("foreignKeys", []) if isinstance(schema.get("foreignKeys", []), list) else []:
        try:
            ref = fk["reference"]
            fks.add((tuple(_as_list(fk["fields"])), ref.get("resource") or "", tuple(_as_list(ref["fields"]))))
        except (KeyError, TypeError, AttributeError):
            fks.add(("?", json.dumps(fk)[:40], ()))
    return _as_list(pk) if isinstance(pk, (str, list)) else [pk], fks


def _check_keys(spec: dict, schema: dict, line: int, at: _Lines, here: str, problem) -> None:
    if not schema:
        return
    pk_ours, fk_ours = _keys_of(spec["schema"])
    pk_theirs, fk_theirs = _keys_of(schema)
    if pk_ours != pk_theirs:
        problem(at.key("primaryKey", line - 1) or line, f"{here}.schema.primaryKey",
                f"must be {json.dumps(pk_ours)} as in the library's contract ({found(json.dumps(pk_theirs))})")
    fk_line = at.key("foreignKeys", line - 1) or line
    for fields, ref, ref_fields in sorted(fk_ours - fk_theirs):
        target = f"{ref or spec['name']}.{'+'.join(ref_fields)}"
        problem(fk_line, f"{here}.schema.foreignKeys",
                f"foreign key {'+'.join(fields)} -> {target} missing (the library's contract requires it)")
    for fields, ref, ref_fields in sorted(fk_theirs - fk_ours, key=str):
        problem(fk_line, f"{here}.schema.foreignKeys",
                f"foreign key {'+'.join(fields)} -> {ref}.{'+'.join(ref_fields)} is not in the library's contract")


def _resource(spec: dict, res: dict, docs: dict, path_line: int) -> Resource:
    schema = spec["schema"]

    def doc(name: str, key: str, default=None):
        value = docs.get(name, {}).get(key, default)
        return value if isinstance(value, str) or value is default else default

    fields = tuple(
        Field(name=f["name"], type=f.get("type", "string"), description=doc(f["name"], "description", ""),
              constraints=f.get("constraints", {}), unit=doc(f["name"], "unit"),
              delimiter=f.get("delimiter", ";"),
              true_values=tuple(f.get("trueValues", Field.true_values)),
              false_values=tuple(f.get("falseValues", Field.false_values)),
              rules={k: v for k, v in f.items() if k.startswith("x-")})
        for f in schema["fields"]
    )
    fks = tuple(ForeignKey(tuple(_as_list(fk["fields"])), fk["reference"].get("resource") or spec["name"],
                           tuple(_as_list(fk["reference"]["fields"]))) for fk in schema.get("foreignKeys", []))
    text = lambda k: res.get(k) if isinstance(res.get(k), str) else ""  # noqa: E731
    return Resource(name=spec["name"], path=spec["path"], fields=fields,
                    primary_key=tuple(_as_list(schema.get("primaryKey", []))), foreign_keys=fks,
                    title=text("title"), descriptor_line=path_line, description=text("description"),
                    rules={k: v for k, v in spec.items() if k.startswith("x-")})


def _as_list(x) -> list:
    return [x] if isinstance(x, str) else list(x)


def data_dictionary(pkg: Package) -> str:
    """The data dictionary as Markdown, generated from ``datapackage.json``.

    The README embeds this text between ``<!-- data-dictionary -->`` markers and
    a test checks that the two agree, so the README cannot drift from the schema.
    """
    out = []
    for res in pkg.resources:
        key = ", ".join(f"`{k}`" for k in res.primary_key)
        out += [f"#### `{res.path}`: {res.title}", "", f"{res.description} Primary key: {key}.", "",
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
