"""Command line: ``aseanai validate``, ``aseanai summary`` and ``aseanai dictionary``.

A thin layer over the library: each command calls one public function.
"""
from __future__ import annotations

import argparse
import sys

from .datapackage import DATA_ENV, DataError, data_dictionary, display_path, read_package
from .validate import load_all, validate


def _add_data_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", metavar="DIR",
                   help=f"data directory (default: ${DATA_ENV}, else the repository's data/)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aseanai", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("validate", help="check every dataset; list every problem as FILE:LINE: COLUMN: message")
    _add_data_dir(p)
    p = sub.add_parser("summary", help="one line per dataset: rows, sources cited, date range")
    _add_data_dir(p)
    p = sub.add_parser("run-notebooks", help="execute the notebooks in place (stable outputs; make notebooks)")
    p.add_argument("names", nargs="*", help="notebook files (default: every notebook in notebooks/)")
    sub.add_parser("figures", help="print the list of figures and tables (Markdown) found in the notebooks")
    p = sub.add_parser("dictionary", help="print the data dictionary (Markdown) generated from datapackage.json")
    _add_data_dir(p)
    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args.data_dir)
        if args.command == "summary":
            return _summary(args.data_dir)
        if args.command == "run-notebooks":
            return _run_notebooks(args.names)
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
    problems = validate(data_dir)
    if problems:
        print(DataError(problems), file=sys.stderr)
        return 1
    pkg = read_package(data_dir)
    rows = sum(len(t) for t in load_all(data_dir).values())
    print(f"ok: {len(pkg.names)} datasets, {rows} rows in {display_path(pkg.root)}: no problems found")
    return 0


def _run_notebooks(names) -> int:
    from .notebooks import run

    problems = validate()
    if problems:
        raise DataError(problems)
    try:
        run(names or None)
    except Exception as exc:  # a failing cell: name the notebook and the error, no traceback
        name = type(exc).__name__
        if name == "CellExecutionError":
            print(f"a notebook cell failed:\n{exc}", file=sys.stderr)
            return 1
        raise
    return 0


def _summary(data_dir) -> int:
    from .summary import summary_table

    print(summary_table(load_all(data_dir)).astype(object).fillna("-").to_string(index=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
