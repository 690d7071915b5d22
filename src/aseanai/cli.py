"""Command line: ``aseanai validate``, ``summary``, ``build``, ``lessons``, ``figures`` and ``dictionary``.

A thin layer over the library: each command calls one public function.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .checks import load_all
from .datapackage import DATA_ENV, DataError, data_dictionary, display_path, read_package, repo_root


def _add_data_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", metavar="DIR",
                   help=f"data directory (default: ${DATA_ENV}, else the data bundled with the package: "
                        "the repository's data/ in a clone)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aseanai", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("validate", help="check every dataset; list every problem as FILE:LINE: COLUMN: message")
    _add_data_dir(p)
    p = sub.add_parser("summary", help="one line per dataset: rows, sources cited, date range")
    _add_data_dir(p)
    p = sub.add_parser("build", help="execute every notebook and write the report (HTML, figures, handouts, "
                                      "student edition)")
    p.add_argument("--out", default="build", metavar="DIR", help="output folder (default: build)")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="notebooks executed in parallel (default: one per core)")
    p.add_argument("--update-notebooks", action="store_true",
                   help="also write the executed outputs back into notebooks/ (make notebooks)")
    p.add_argument("--force", action="store_true",
                   help="execute every notebook, ignoring the cache of executed notebooks")
    p.add_argument("notebooks", nargs="*", help="notebook files (default: every notebook in notebooks/)")
    _add_data_dir(p)
    p = sub.add_parser("lessons", help="write a class set into DIR: student edition, teacher's edition, figures "
                                        "(executes the notebooks)")
    p.add_argument("dir", metavar="DIR", help="a new or empty folder, or one this command wrote before")
    p.add_argument("notebooks", nargs="*", metavar="LESSON",
                   help="lessons to include, by name (02_data_centres) or path (default: every lesson)")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="notebooks executed in parallel (default: one per core)")
    _add_data_dir(p)
    sub.add_parser("figures", help="print the list of figures and tables (Markdown) found in the notebooks")
    p = sub.add_parser("dictionary", help="print the data dictionary (Markdown) generated from datapackage.json")
    _add_data_dir(p)
    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args.data_dir)
        if args.command == "summary":
            return _summary(args.data_dir)
        if args.command == "build":
            return _build(args)
        if args.command == "lessons":
            return _lessons(args)
        if args.command == "figures":
            from .notebooks import figure_table

            print(figure_table(), end="")
            return 0
        if args.command == "dictionary":
            print(data_dictionary(read_package(args.data_dir)), end="")
            return 0
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 2  # pragma: no cover - argparse rejects unknown commands


def _validate(data_dir) -> int:
    tables = load_all(data_dir)  # one pass: a DataError lists every problem (printed by main)
    pkg = read_package(data_dir)
    rows = sum(len(t) for t in tables.values())
    print(f"ok: {len(pkg.names)} datasets, {rows} rows in {display_path(pkg.root)}: no problems found")
    return 0


def _build(args) -> int:
    # jsonschema (imported by nbformat) imports rfc3987_syntax when it is installed, and that module
    # compiles an Earley parser for RFC 3987 at import: about 4 s, more than a rebuild from the cache.
    # The build checks no IRI formats, so this process does without that optional format checker.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
    from .build import BuildError, OutputRefused, build, summary_lines

    if args.jobs is not None and args.jobs < 1:
        print("--jobs must be at least 1", file=sys.stderr)
        return 2
    missing = [f"{nb}: {'is a folder, not a notebook' if Path(nb).is_dir() else 'notebook not found'}"
               for nb in args.notebooks if not Path(nb).is_file()]
    if missing:
        print("\n".join(missing), file=sys.stderr)
        return 1
    if args.update_notebooks and repo_root() is None:
        print("--update-notebooks writes into the notebooks/ of a clone; this aseanai is an installed package",
              file=sys.stderr)
        return 2
    try:
        report = build(args.out, jobs=args.jobs, update_notebooks=args.update_notebooks,
                       data_dir=args.data_dir, notebooks=args.notebooks or None, force=args.force)
    except OutputRefused as exc:  # nothing was touched
        print(exc, file=sys.stderr)
        return 2
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    print("\n".join(summary_lines(report)))
    return 0


def _lessons(args) -> int:
    from .build import BuildError
    from .classset import ClassSetError, write_class_set

    if args.jobs is not None and args.jobs < 1:
        print("--jobs must be at least 1", file=sys.stderr)
        return 2
    try:
        done = write_class_set(args.dir, notebooks=args.notebooks or None, data_dir=args.data_dir, jobs=args.jobs)
    except ClassSetError as exc:
        print(f"aseanai lessons: {exc}", file=sys.stderr)
        return 2
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"class set written in {done.seconds:.1f} s to {done.out}\n"
          f"  student/  {len(done.student)} notebooks (solutions and checks removed, outputs cleared)\n"
          f"  teacher/  {len(done.teacher)} notebooks (with outputs, solutions collapsed)\n"
          f"  figures/  {len(done.figures)} figures as PNG")
    return 0


def _summary(data_dir) -> int:
    from .summary import summary_table

    print(summary_table(load_all(data_dir)).astype(object).fillna("-").to_string(index=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
