"""Plot helpers return the Axes they were given and draw what they should."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from aseanai import plot  # noqa: E402


@pytest.fixture(autouse=True)
def style():
    plot.set_style()


def test_bars_draws_one_bar_per_row_with_origin_colours_and_unknowns():
    d = pd.DataFrame({"awardee": ["Equinix", "Microsoft", "GDS"], "capacity_mw": [20, None, 20],
                      "origin": ["USA", "USA", "CHN"]})
    fig, ax = plt.subplots()
    out = plot.bars(d, x="capacity_mw", y="awardee", hue="origin", ax=ax)
    assert out is ax
    assert len(ax.patches) == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Equinix", "Microsoft", "GDS"]
    assert to_hex(ax.patches[0].get_facecolor()) == plot.ORIGIN_COLORS["USA"]
    assert to_hex(ax.patches[2].get_facecolor()) == plot.ORIGIN_COLORS["CHN"]
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["20", "unknown", "20"]  # missing capacity is shown as unknown, not as 0
    assert ax.get_xlabel() == "capacity mw"


def test_stacked_bars_sums_by_origin():
    d = pd.DataFrame({"host": ["SGP", "SGP", "MYS"], "origin": ["USA", "CHN", "CHN"], "n": [2, 1, 3]})
    fig, ax = plt.subplots()
    assert plot.stacked_bars(d, x="n", y="host", hue="origin", ax=ax, order=["SGP", "MYS"]) is ax
    widths = {(round(p.get_y() + p.get_height() / 2), to_hex(p.get_facecolor())): p.get_width() for p in ax.patches}
    assert widths[(0, plot.ORIGIN_COLORS["USA"])] == 2
    assert widths[(1, plot.ORIGIN_COLORS["CHN"])] == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == ["SGP", "MYS"]


def test_timeline_marks_planned_and_delivered():
    d = pd.DataFrame({"title": ["code", "guide"], "happened_on": pd.to_datetime(["2024-09-20", "2024-02-02"]),
                      "planned_on": pd.to_datetime(["2024-04-01", None])})
    fig, ax = plt.subplots()
    assert plot.timeline(d, x="happened_on", y="title", planned="planned_on", ax=ax) is ax
    # code: planned marker, dotted line, delivered marker; guide: delivered marker only
    assert len(ax.lines) == 4
    assert [t.get_text() for t in ax.get_yticklabels()] == ["code", "guide"]


def test_partner_network_draws_each_link_once():
    d = pd.DataFrame({"member_id": ["SGP", "SGP", "MYS"], "partner_id": ["USA", "CHN", "CHN"]})
    fig, ax = plt.subplots()
    assert plot.partner_network(d, ax=ax) is ax
    assert len(ax.lines) == 3
    assert {t.get_text() for t in ax.texts} == {"SGP", "MYS", "USA", "CHN"}


def test_partner_network_dashes_unconfirmed_links():
    d = pd.DataFrame({"member_id": ["SGP", "SGP"], "partner_id": ["USA", "CHN"], "unconfirmed": [False, True]})
    fig, ax = plt.subplots()
    plot.partner_network(d, dashed="unconfirmed", ax=ax)
    styles = {line.get_color(): line.get_linestyle() for line in ax.lines}
    assert styles[plot.ORIGIN_COLORS["USA"]] == "-" and styles[plot.ORIGIN_COLORS["CHN"]] == "--"


def test_origin_colours_are_fixed():
    assert plot.origin_color("CHN") == plot.ORIGIN_COLORS["CHN"] != plot.origin_color("USA")
    assert plot.origin_color("XYZ") == plot.OTHER_COLOR
    assert plot.origin_color(None) == plot.UNKNOWN_COLOR


def test_source_note_is_written_under_the_axes():
    fig, ax = plt.subplots()
    plot.source_note(ax, "EDB and IMDA, 14 Jul 2023")
    assert ax.texts[-1].get_text() == "Source: EDB and IMDA, 14 Jul 2023"


def test_save_writes_png_and_stable_svg(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    paths = plot.save(fig, "fig01_demo", tmp_path)
    assert [p.name for p in paths] == ["fig01_demo.png", "fig01_demo.svg"]
    first = paths[1].read_bytes()
    plot.save(fig, "fig01_demo", tmp_path)
    assert paths[1].read_bytes() == first
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_save_rejects_unstable_names(tmp_path):
    fig, _ = plt.subplots()
    with pytest.raises(ValueError):
        plot.save(fig, "../escape", tmp_path)


def test_tile_map_draws_one_tile_per_member_state_coloured_by_value():
    d = pd.DataFrame({"member_id": ["SGP", "MYS", "VNM"], "balance": [100.0, 0.0, None],
                      "n": ["5 instr.", "2 instr.", "1 instr."], "few": [False, True, True]})
    fig, ax = plt.subplots()
    assert plot.tile_map(d, label="n", muted="few", ax=ax) is ax
    tiles = {t.get_text(): p for t, p in zip([t for t in ax.texts if len(t.get_text()) == 3], ax.patches)}
    assert set(tiles) == set(plot.ASEAN_TILES)  # all eleven, Timor-Leste included
    cm = matplotlib.colormaps["RdBu"]
    assert to_hex(tiles["SGP"].get_facecolor()) == to_hex(cm(1.0))  # all US: blue end
    assert to_hex(tiles["MYS"].get_facecolor()) == to_hex(cm(0.0))  # all China: red end
    assert to_hex(tiles["VNM"].get_facecolor()) == plot.UNKNOWN_COLOR  # undefined balance: grey, not 50
    assert tiles["MYS"].get_alpha() < 1 and tiles["SGP"].get_alpha() == 1  # too few instruments: pale
    assert "5 instr." in [t.get_text() for t in ax.texts]
