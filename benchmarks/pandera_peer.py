"""How pandera would validate the agreements table from the library's contract (issue 10's library question).

pandera can build a schema from a Frictionless Table Schema (``from_frictionless_schema``).
This script does so for ``agreements`` (the contract's ``x-`` rules and foreign keys left
out; ``list`` fields read as strings, a type pandera's importer does not know) and times
``schema.validate(lazy=True)`` on the bundled file and, if given, on a larger copy, next to
``aseanai.load_all`` of the whole bundled package in the same run.

pandera is not one of the project's pinned packages; run this in a scratch environment
that has it, pandas and aseanai's source on the path, e.g.::

    python3 -m venv /tmp/pv && /tmp/pv/bin/pip install pandera pandas==3.1.1 numpy==2.4.6 pycountry
    PYTHONPATH=src /tmp/pv/bin/python benchmarks/pandera_peer.py [path/to/a/large/agreements.csv]

A large file comes from ``benchmarks/synthetic.py`` (``make_dataset(folder, 10**6)``).
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
CONTRACT = REPO / "src" / "aseanai" / "contract" / "datapackage.json"


def _standard(d):
    """The descriptor without the contract's own ``x-`` properties."""
    if isinstance(d, dict):
        return {k: _standard(v) for k, v in d.items() if not k.startswith("x-")}
    if isinstance(d, list):
        return [_standard(v) for v in d]
    return d


def main(argv: list[str]) -> int:
    import pandera as pa
    from pandera.io.pandas_io import from_frictionless_schema

    import aseanai
    from aseanai import datapackage

    resource = next(r for r in json.loads(CONTRACT.read_text(encoding="utf-8"))["resources"]
                    if r["name"] == "agreements")
    desc = _standard(resource["schema"])
    desc.pop("foreignKeys", None)
    for f in desc["fields"]:
        if f["type"] == "list":
            f["type"] = "string"
    schema = from_frictionless_schema(desc)

    def ours():
        datapackage._CACHE.clear()
        aseanai.load_all()

    ours()
    times = []
    for _ in range(5):
        t = time.perf_counter()
        ours()
        times.append(time.perf_counter() - t)
    print(f"aseanai.load_all, all tables of the bundled package, read and checked: {statistics.median(times):.3f} s")
    for path in [REPO / "data" / "agreements.csv", *map(Path, argv)]:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)
        t = time.perf_counter()
        try:
            schema.validate(frame, lazy=True)
            found = "no failure"
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases
            found = f"{len(cases)} failure cases, e.g. {cases.iloc[0][['column', 'check', 'index']].to_dict()}"
        print(f"pandera, {path.name} only ({len(frame):,} rows), checked after reading: "
              f"{time.perf_counter() - t:.3f} s; {found}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
