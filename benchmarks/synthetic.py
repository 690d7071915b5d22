"""Synthetic but valid data at any size, for the scaling benchmark.

``make_dataset(dest, n)`` copies the bundled ``data/`` to ``dest`` and replaces
``agreements``, ``agreement_parties``, ``dc_projects`` and
``dc_project_actors`` with ``n`` synthetic rows in all: n/4 instruments, n/2
parties (two per instrument), n/8 data-centre events and n/8 companies in
them. Every row passes ``aseanai validate`` (foreign keys, source ids,
precision, enums). The values are deterministic (no randomness), so every run
measures the same input.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from aseanai.datapackage import read_package, repo_data_dir

MEMBERS = ["BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "VNM"]
PARTNERS = ["USA", "CHN", "JPN", "KOR", "AUS"]
#: An official page with no date: an 'official' row must cite one, and an undated source never contradicts a date.
OFFICIAL_UNDATED = "column;dfat_sadea"
COMPANIES = ["equinix", "microsoft", "gds", "dayone", "airtrunk", "bytedance", "google", "ntt"]


def make_dataset(dest: Path, n: int) -> Path:
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(repo_data_dir(), dest)
    n_agreements, n_projects = max(n // 4, 1), max(n // 8, 1)
    i = np.arange(n_agreements)
    day = pd.Timestamp("2018-01-01") + pd.to_timedelta(i % 3000, unit="D")
    ids = pd.Series(i).map("syn_{:07d}".format)
    agreements = pd.DataFrame({
        "agreement_id": ids, "name": "Synthetic instrument " + ids, "short_name": ids,
        "instrument_type": "memorandum of understanding", "legal_form": np.where(i % 5 == 0, "binding", "non-binding"),
        "negotiations_launched_on": "", "concluded_on": "", "signed_on": day.strftime("%Y-%m-%d"),
        "signed_on_precision": "day", "in_force_on": "", "term_years": "", "status": "signed",
        "status_as_of": day.strftime("%Y-%m-%d"), "builds_on_id": "", "is_ai_explicit": "true",
        "ai_scope": "Synthetic row for the scaling benchmark.", "in_column_table": "false",
        "evidence_level": np.where(i % 7 == 0, "secondary", "official"), "is_candidate": "false",
        "fact_sheet_ref": "", "column_name": "",
        "column_parties": "", "source_ids": np.where(i % 7 == 0, "column", OFFICIAL_UNDATED), "note": "",
    })
    parties = pd.concat([
        pd.DataFrame({"agreement_id": ids, "actor_id": np.array(MEMBERS)[i % len(MEMBERS)], "side": "asean",
                      "signatory": ""}),
        pd.DataFrame({"agreement_id": ids, "actor_id": np.array(PARTNERS)[i % len(PARTNERS)], "side": "partner",
                      "signatory": ""}),
    ]).sort_values("agreement_id", kind="stable")
    i = np.arange(n_projects)
    day = pd.Timestamp("2018-01-01") + pd.to_timedelta(i % 3000, unit="D")
    pids = pd.Series(i).map("synp_{:07d}".format)
    projects = pd.DataFrame({
        "project_id": pids, "facility_id": pids, "host_id": np.where(i % 2 == 0, "SGP", "MYS"),
        "name": "Synthetic facility " + pids, "site": "", "region": np.where(i % 2 == 0, "Singapore", ""),
        "event": "announcement",
        "event_on": day.strftime("%Y-%m-%d"), "event_on_precision": "day",
        "capacity_mw": np.where(i % 3 == 0, "", (i % 90 + 10).astype(str)), "capacity_basis": "", "mechanism": "",
        "in_column": "false", "source_ids": "column", "note": "",
    })
    actors = pd.DataFrame({"project_id": pids, "actor_id": np.array(COMPANIES)[i % len(COMPANIES)],
                           "role": "operator", "share": "", "source_ids": "column"})
    pkg = read_package(dest)
    for name, frame in [("agreements", agreements), ("agreement_parties", parties), ("dc_projects", projects),
                        ("dc_project_actors", actors)]:
        columns = pkg.resource(name).field_names  # the schema's order; a field added later fails loudly here
        frame[columns].to_csv(dest / f"{name}.csv", index=False, lineterminator="\n")
    return dest
