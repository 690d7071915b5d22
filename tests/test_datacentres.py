"""Data-centre helpers against cases worked out by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from aseanai import datacentres as dcm

D = pd.Timestamp


@pytest.fixture
def toy():
    """Two hosts, four facilities, six events; a consortium, a tenant-only facility and an origin that moved."""
    projects = pd.DataFrame({
        "project_id": ["award_at", "award_eq", "jhb1_ann", "jhb1_open", "ytl_ann", "bridge_open"],
        "facility_id": ["sg_at", "sg_eq", "jhb1", "jhb1", "ytl", "bridge"],
        "host_id": ["SGP", "SGP", "MYS", "MYS", "MYS", "MYS"],
        "name": ["AirTrunk-ByteDance consortium pilot DC-CFA award", "Equinix pilot DC-CFA award (later SG6)",
                 "AirTrunk JHB1", "AirTrunk JHB1", "YTL and Nvidia", "Bridge MY06"],
        "event": ["award", "award", "announcement", "opening", "announcement", "opening"],
        "event_on": [D("2023-07-14"), D("2023-07-14"), pd.NaT, D("2025-03-01"), D("2023-12-08"), D("2022-10-01")],
        "event_on_precision": ["day", "day", None, "month", "day", "month"],
        "region": ["Singapore", "Singapore", None, "Johor", "Johor", "Johor"],
        "capacity_mw": [20.0, None, None, 150.0, None, 110.0],
        "source_ids": "s",
    })
    actors = pd.DataFrame({
        "project_id": ["award_at", "award_at", "award_eq", "jhb1_ann", "jhb1_open", "ytl_ann", "ytl_ann",
                       "bridge_open"],
        "actor_id": ["airtrunk", "bytedance", "equinix", "airtrunk", "airtrunk", "ytl", "nvidia", "bytedance"],
        "role": ["consortium member", "consortium member", "operator", "operator", "operator", "consortium member",
                 "consortium member", "tenant"],
        "share": [0.25, None, None, None, None, None, None, None],
    })
    origins = pd.DataFrame({
        "actor_id": ["airtrunk", "airtrunk", "bytedance", "equinix", "ytl", "nvidia"],
        "origin_id": ["AUS", "USA", "CHN", "USA", "MYS", "USA"],
        "basis": ["controlling owner", "controlling owner", "headquarters", "headquarters", "headquarters",
                  "headquarters"],
        "valid_from": [D("2020-04-01"), D("2024-12-01"), pd.NaT, pd.NaT, pd.NaT, pd.NaT],
        "valid_to": [D("2024-12-01"), pd.NaT, pd.NaT, pd.NaT, pd.NaT, pd.NaT],
    })
    return projects, actors, origins


def test_award_labels_drop_the_mechanism_and_the_later_name(toy):
    projects, _, _ = toy
    assert dcm.award_label(projects["name"]).tolist()[:2] == ["AirTrunk-ByteDance consortium", "Equinix"]


def test_first_event_is_the_earliest_dated_one(toy):
    projects, _, _ = toy
    first = dcm.first_events(projects).set_index("facility_id")["project_id"]
    # jhb1's announcement is undated, so its dated opening comes first
    assert first.to_dict() == {"bridge": "bridge_open", "jhb1": "jhb1_open", "sg_at": "award_at",
                               "sg_eq": "award_eq", "ytl": "ytl_ann"}


def test_a_facility_takes_the_region_any_of_its_events_states(toy):
    projects, _, _ = toy
    regions = dcm.facility_regions(projects.assign(region=[None, "Singapore", None, "Johor", "Johor", None]))
    # jhb1's first event states no region, its opening does
    assert regions.dropna().to_dict() == {"jhb1": "Johor", "sg_eq": "Singapore", "ytl": "Johor"}
    assert regions.index.tolist() == ["bridge", "jhb1", "sg_at", "sg_eq", "ytl"]


def test_event_backers_split_a_consortium_and_keep_a_tenant_only_event(toy):
    rows = dcm.event_backers(*toy)
    b = rows.set_index(["project_id", "actor_id"])
    # the stated 25 % for AirTrunk leaves 75 % to ByteDance; YTL and Nvidia split equally
    assert b.loc[("award_at", "airtrunk"), "weight"] == 0.25
    assert b.loc[("award_at", "bytedance"), "weight"] == 0.75
    assert b.loc[("ytl_ann", "nvidia"), "weight"] == 0.5
    # AirTrunk is Australian in July 2023, American in March 2025
    assert b.loc[("award_at", "airtrunk"), "origin_id"] == "AUS"
    assert b.loc[("jhb1_open", "airtrunk"), "origin_id"] == "USA"
    bridge = rows[rows["project_id"] == "bridge_open"]
    assert len(bridge) == 1 and pd.isna(bridge["origin_id"].iloc[0]) and bridge["weight"].iloc[0] == 1.0
    assert rows.groupby("project_id")["weight"].sum().eq(1.0).all()
    assert rows.set_index("project_id")["year"].dropna().to_dict()["ytl_ann"] == 2023


def test_origin_shift_flags_only_the_backer_that_moved(toy):
    projects, actors, origins = toy
    shift = dcm.origin_shift(projects[projects["event"] == "award"], actors, origins)
    assert shift.loc[shift["changed"], "actor_id"].tolist() == ["airtrunk"]
    assert shift.set_index("actor_id").loc["airtrunk", ["origin_then", "origin_now"]].tolist() == ["AUS", "USA"]


def test_dated_periods_leave_out_undated_headquarters(toy):
    _, _, origins = toy
    periods = dcm.dated_periods(origins, ["airtrunk", "bytedance"])
    assert periods["origin_id"].tolist() == ["AUS", "USA"]


def test_backers_text_names_every_backer_of_a_shared_event(toy):
    b = dcm.event_backers(*toy)
    text = dcm.backers_text(b, {"ytl": "YTL", "nvidia": "Nvidia", "airtrunk": "AirTrunk", "bytedance": "ByteDance",
                                "equinix": "Equinix"},
                            {"MYS": "Malaysia", "USA": "United States", "AUS": "Australia", "CHN": "China"})
    assert text["ytl_ann"] == "Nvidia (United States) ½, YTL (Malaysia) ½"
    assert text["award_at"] == "AirTrunk (Australia) ¼, ByteDance (China) ¾"
    assert text["bridge_open"] == dcm.NO_BACKER


def test_origin_table_sums_weights_and_keeps_empty_years(toy):
    b = dcm.event_backers(*toy)
    by_year = dcm.origin_table(b[b["host_id"] == "MYS"], "year", order=["USA"], rows=[2022, 2023, 2024, 2025])
    assert list(by_year.columns) == ["USA", "MYS", dcm.NO_BACKER, "total"]
    assert by_year["total"].tolist() == [1.0, 1.0, 0.0, 1.0]  # the undated announcement is left out
    assert by_year.loc[2023, "USA"] == 0.5 and by_year.loc[2025, "USA"] == 1.0
    assert by_year.loc[2022, dcm.NO_BACKER] == 1.0
