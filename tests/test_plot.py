"""Plot helpers return the Axes they were given and draw what they should."""
from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from aseanai import plot  # noqa: E402

BAD_LABELS = ("nan", "None", "<NA>", "NaT")


@pytest.fixture(autouse=True)
def style():
    plot.set_style()
    yield
    plt.close("all")


def _all_text(ax) -> list[str]:
    """Every string a reader can see on the Axes: tick labels, axis labels, legend, texts."""
    ax.figure.canvas.draw()
    out = [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    out += [ax.get_xlabel(), ax.get_ylabel()] + [t.get_text() for t in ax.texts]
    leg = ax.get_legend()
    if leg is not None:
        out += [t.get_text() for t in leg.get_texts()] + [leg.get_title().get_text()]
    return out


def _visible_ticks(ax, axis="x"):
    lo, hi = sorted(ax.get_xlim() if axis == "x" else ax.get_ylim())
    ticks = ax.get_xticks() if axis == "x" else ax.get_yticks()
    return [t for t in ticks if lo - 1e-9 <= t <= hi + 1e-9]


# --- bars ----------------------------------------------------------------------------------------

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


def test_bars_colour_by_country_names_and_follow_order_and_hue_order():
    d = pd.DataFrame({"firm": ["a", "b", "c"], "n": [1, 2, 3],
                      "country": ["United States", "China", "Republic of Korea"]})
    fig, ax = plt.subplots()
    plot.bars(d, x="n", y="firm", hue="country", ax=ax, order=["c", "a"], hue_order=["United States",
                                                                                      "Republic of Korea"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["c", "a"]  # "b" left out, as seaborn does
    assert [to_hex(p.get_facecolor()) for p in ax.patches] == [plot.ORIGIN_COLORS["KOR"], plot.ORIGIN_COLORS["USA"]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["United States", "Republic of Korea"]


def test_bars_palette_dict_wins_over_origin_colours():
    d = pd.DataFrame({"firm": ["a", "b"], "n": [1, 2], "kind": ["x", "y"]})
    fig, ax = plt.subplots()
    plot.bars(d, x="n", y="firm", hue="kind", palette={"x": "#000000", "y": "#ffffff"}, ax=ax)
    assert [to_hex(p.get_facecolor()) for p in ax.patches] == ["#000000", "#ffffff"]


def test_bars_value_annotations_stay_inside_the_axes():
    d = pd.DataFrame({"award": ["small", "large"], "capacity_mw": [3.0, 1000.0]})
    fig, ax = plt.subplots(figsize=(4, 2))
    plot.bars(d, x="capacity_mw", y="award", fmt="{:,.0f} MW committed in total", ax=ax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    assert len(ax.texts) == 2
    for t in ax.texts:
        ext = t.get_window_extent(renderer)
        assert box.x0 - 0.5 <= ext.x0 and ext.x1 <= box.x1 + 0.5, t.get_text()
    assert ax.get_xlim()[1] > 1000 * 1.2  # the limit grew to make room


# --- stacked bars --------------------------------------------------------------------------------

def test_stacked_bars_sums_by_origin():
    d = pd.DataFrame({"host": ["SGP", "SGP", "MYS"], "origin": ["USA", "CHN", "CHN"], "n": [2, 1, 3]})
    fig, ax = plt.subplots()
    assert plot.stacked_bars(d, x="n", y="host", hue="origin", ax=ax, order=["SGP", "MYS"]) is ax
    widths = {(round(p.get_y() + p.get_height() / 2), to_hex(p.get_facecolor())): p.get_width() for p in ax.patches}
    assert widths[(0, plot.ORIGIN_COLORS["USA"])] == 2
    assert widths[(1, plot.ORIGIN_COLORS["CHN"])] == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == ["SGP", "MYS"]


def test_stacked_bars_palette_dict_and_hue_order():
    d = pd.DataFrame({"topic": ["a", "a", "b"], "verdict": ["refined", "supported", "supported"], "claims": [1, 2, 3]})
    fig, ax = plt.subplots()
    plot.stacked_bars(d, x="claims", y="topic", hue="verdict", palette=plot.VERDICT_COLORS, ax=ax,
                      hue_order=["supported", "refined"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["supported", "refined"]
    first = ax.patches[0]  # first segment of the first bar
    assert to_hex(first.get_facecolor()) == plot.VERDICT_COLORS["supported"] and first.get_width() == 2


def test_stacked_bars_labels_stay_inside_their_segments():
    d = pd.DataFrame({"host": ["SGP", "SGP", "SGP", "MYS"],
                      "origin": ["USA", "USA", "CHN", "CHN"],
                      "n": [20, 20, 0.4, 30],
                      "company": ["Microsoft", "Amazon", "A very long company name", "GDS"]})
    fig, ax = plt.subplots(figsize=(5, 3))
    plot.stacked_bars(d, x="n", y="host", hue="origin", labels="company", ax=ax, order=["SGP", "MYS"])
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    notes = [t for t in ax.texts if t.get_gid() == "aseanai-note"]
    inside = [t for t in ax.texts if t.get_gid() != "aseanai-note"]
    assert {t.get_text() for t in inside} == {"Amazon\nMicrosoft", "GDS"}  # sorted, joined by newlines
    for t in inside:
        tx, ty = t.get_position()
        bar = next(p for p in ax.patches if p.get_width() > 0 and p.get_x() <= tx <= p.get_x() + p.get_width()
                   and p.get_y() <= ty <= p.get_y() + p.get_height())
        b, e = bar.get_window_extent(renderer), t.get_window_extent(renderer)
        assert b.x0 <= e.x0 and e.x1 <= b.x1, t.get_text()
        assert to_hex(t.get_color()) == "#ffffff" and t.get_weight() == "bold"
    # the narrow China segment in SGP lost its text to the note under the bars
    assert len(notes) == 1 and "A very long company name" in notes[0].get_text()
    plot.source_note(ax, "test")  # goes below the note, not on top of it
    assert ax.texts[-1].xycoords[1] is notes[0]


def test_stacked_bars_label_too_wide_in_small_type_is_shrunk_not_dropped():
    fig, ax = plt.subplots(figsize=(6, 2))
    renderer = fig.canvas.get_renderer()
    width = {size: ax.text(0, 0, "Equinix", weight="bold", fontsize=size).get_window_extent(renderer).width
             for size in ("small", "x-small")}
    for t in list(ax.texts):
        t.remove()
    # a segment about as wide as the word in x-small type, narrower than in small type
    target = (width["small"] + width["x-small"]) / 2 + 1
    assert width["x-small"] + 2 < target < width["small"] + 2
    plot.stacked_bars(pd.DataFrame({"host": ["SGP"], "origin": ["USA"], "n": [100]}), x="n", y="host",
                      hue="origin", ax=ax, legend="none")
    px_per_unit = ax.get_window_extent(renderer).width / (ax.get_xlim()[1] - ax.get_xlim()[0])
    ax.clear()
    v = target / px_per_unit
    d = pd.DataFrame({"host": ["SGP", "SGP"], "origin": ["USA", "CHN"], "n": [v, 100 - v],
                      "company": ["Equinix", "GDS"]})
    plot.stacked_bars(d, x="n", y="host", hue="origin", labels="company", ax=ax, legend="none")
    texts = {t.get_text(): t for t in ax.texts}
    assert set(texts) == {"Equinix", "GDS"}  # both fit: no note
    assert texts["Equinix"].get_fontsize() < texts["GDS"].get_fontsize()


# --- whole-number ticks --------------------------------------------------------------------------

def test_count_axes_have_whole_number_ticks():
    d = pd.DataFrame({"host": ["SGP", "MYS", "THA"], "origin": ["USA", "CHN", "CHN"], "n": [1, 2, 3]})
    (fa, a), (fb, b), (fc, c) = plt.subplots(), plt.subplots(), plt.subplots()
    plot.bars(d, x="n", y="host", ax=a, annotate=False)
    plot.stacked_bars(d, x="n", y="host", hue="origin", ax=b)
    plot.bars(d, x="n", y="host", ax=c, annotate=False, integer=False)
    for ax in (a, b, c):
        ax.figure.canvas.draw()
    for ax in (a, b):
        ticks = _visible_ticks(ax)
        assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks), ticks
    # without the integer locator matplotlib puts half-ticks on this range: the test above can fail
    assert not all(float(t).is_integer() for t in _visible_ticks(c))


def test_fractional_values_keep_fractional_ticks():
    d = pd.DataFrame({"host": ["SGP", "MYS"], "share": [0.25, 0.5]})
    fig, ax = plt.subplots()
    plot.bars(d, x="share", y="host", ax=ax, annotate=False)
    fig.canvas.draw()
    assert not all(float(t).is_integer() for t in _visible_ticks(ax))


# --- no nan anywhere -----------------------------------------------------------------------------

def test_missing_hue_is_grouped_under_unknown_never_nan():
    d = pd.DataFrame({"firm": ["a", "b", "c", "d"], "n": [1, 2, 3, 4], "year": [2024, 2024, 2025, 2025],
                      "origin": pd.array(["USA", pd.NA, None, "CHN"], dtype="string"),
                      "on": pd.to_datetime(["2024-01-01", "2024-02-01", None, "2024-04-01"])})
    fig, axes = plt.subplots(1, 3)
    plot.bars(d, x="n", y="firm", hue="origin", ax=axes[0])
    plot.stacked_bars(d, x="n", y="year", hue="origin", ax=axes[1], labels="firm")
    plot.timeline(d, x="on", y="firm", hue="origin", ax=axes[2])
    for ax in axes:
        texts = _all_text(ax)
        assert not [s for s in texts if any(bad in s for bad in BAD_LABELS)], texts
        assert [t.get_text() for t in ax.get_legend().get_texts()].count("unknown") == 1
    assert [to_hex(p.get_facecolor()) for p in axes[0].patches][1:3] == [plot.UNKNOWN_COLOR] * 2
    assert [t.get_text() for t in axes[1].get_yticklabels()] == ["2024", "2025"]


@pytest.mark.parametrize("draw", [
    lambda d, ax: plot.bars(d, x="n", y="awardee", ax=ax),
    lambda d, ax: plot.stacked_bars(d, x="n", y="awardee", hue="origin", ax=ax),
    lambda d, ax: plot.timeline(d, x="on", y="awardee", ax=ax),
    lambda d, ax: plot.partner_network(d, x="awardee", y="origin", ax=ax),
])
def test_missing_y_labels_raise_naming_the_column(draw):
    d = pd.DataFrame({"awardee": ["Equinix", None], "n": [1, 2], "origin": ["USA", "CHN"],
                      "on": pd.to_datetime(["2024-01-01", "2024-02-01"])})
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="'awardee'"):
        draw(d, ax)


# --- the seaborn contract ------------------------------------------------------------------------

DRAWERS = {
    "bars": lambda d, ax: plot.bars(d, x="n", y="member_id", hue="partner_id", ax=ax),
    "stacked_bars": lambda d, ax: plot.stacked_bars(d, x="n", y="member_id", hue="partner_id", ax=ax),
    "timeline": lambda d, ax: plot.timeline(d, x="on", y="member_id", ax=ax),
    "tile_map": lambda d, ax: plot.tile_map(d, hue="n", ax=ax, vmax=3),
    "partner_network": lambda d, ax: plot.partner_network(d, ax=ax),
}


@pytest.mark.parametrize("name", DRAWERS)
def test_plot_functions_draw_only_on_their_axes_and_set_no_title(name):
    d = pd.DataFrame({"member_id": ["SGP", "MYS"], "partner_id": ["USA", "CHN"], "n": [1, 3],
                      "on": pd.to_datetime(["2024-01-01", "2024-02-01"])})
    fig, (ax, other) = plt.subplots(1, 2)
    plt.sca(other)
    assert DRAWERS[name](d, ax) is ax
    assert not other.has_data() and not other.texts and other.get_legend() is None
    assert ax.get_title() == "" and fig.get_suptitle() == ""
    assert len(fig.axes) == 2
    # with ax=None they draw on the current Axes
    plt.sca(other)
    assert DRAWERS[name](d, None) is other


# --- timeline and network ------------------------------------------------------------------------

def test_timeline_marks_planned_and_delivered():
    d = pd.DataFrame({"title": ["code", "guide"], "happened_on": pd.to_datetime(["2024-09-20", "2024-02-02"]),
                      "planned_on": pd.to_datetime(["2024-04-01", None])})
    fig, ax = plt.subplots()
    assert plot.timeline(d, x="happened_on", y="title", planned="planned_on", ax=ax) is ax
    # code: planned marker, dotted line, delivered marker; guide: delivered marker only
    assert len(ax.lines) == 4
    assert [t.get_text() for t in ax.get_yticklabels()] == ["code", "guide"]


def test_timeline_colours_origins_by_name():
    d = pd.DataFrame({"firm": ["Google", "GDS"], "since": pd.to_datetime(["2013-01-01", "2020-06-01"]),
                      "country": ["United States", "China"]})
    fig, ax = plt.subplots()
    plot.timeline(d, x="since", y="firm", hue="country", ax=ax)
    assert [to_hex(line.get_color()) for line in ax.lines] == [plot.ORIGIN_COLORS["USA"], plot.ORIGIN_COLORS["CHN"]]


def test_partner_network_draws_each_link_once():
    d = pd.DataFrame({"member_id": ["SGP", "SGP", "MYS"], "partner_id": ["USA", "CHN", "CHN"]})
    fig, ax = plt.subplots()
    assert plot.partner_network(d, ax=ax) is ax
    assert len(ax.lines) == 3
    assert {t.get_text() for t in ax.texts} == {"SGP", "MYS", "USA", "CHN"}


def test_partner_network_x_is_left_and_y_is_right():
    d = pd.DataFrame({"a": ["SGP"], "b": ["USA"]})
    fig, ax = plt.subplots()
    plot.partner_network(d, x="a", y="b", ax=ax)
    side = {t.get_text(): t.get_position()[0] for t in ax.texts}
    assert side["SGP"] < 0 < 1 < side["USA"]


def test_partner_network_dashes_unconfirmed_links():
    d = pd.DataFrame({"member_id": ["SGP", "SGP"], "partner_id": ["USA", "CHN"], "unconfirmed": [False, True]})
    fig, ax = plt.subplots()
    plot.partner_network(d, dashed="unconfirmed", ax=ax)
    styles = {line.get_color(): line.get_linestyle() for line in ax.lines}
    assert styles[plot.ORIGIN_COLORS["USA"]] == "-" and styles[plot.ORIGIN_COLORS["CHN"]] == "--"


# --- colours -------------------------------------------------------------------------------------

def test_origin_colours_are_fixed():
    assert plot.origin_color("CHN") == plot.ORIGIN_COLORS["CHN"] == "#c8102e"
    assert plot.origin_color("USA") == plot.ORIGIN_COLORS["USA"] == "#1f5fa8"
    assert plot.origin_color("XYZ") == plot.OTHER_COLOR
    assert plot.origin_color(None) == plot.UNKNOWN_COLOR
    assert plot.origin_color(pd.NA) == plot.UNKNOWN_COLOR


def test_origin_colour_accepts_country_names():
    assert plot.origin_color("United States") == plot.origin_color("USA")
    for code, name in plot.COUNTRY_NAMES.items():
        assert plot.origin_color(name) == plot.origin_color(code), name
    assert plot.origin_palette(["China", "KOR"]) == {"China": plot.ORIGIN_COLORS["CHN"],
                                                     "KOR": plot.ORIGIN_COLORS["KOR"]}


def test_country_names_match_actors_csv():
    from aseanai.datapackage import repo_data_dir

    actors = pd.read_csv(repo_data_dir() / "actors.csv", dtype=str).set_index("actor_id")["name"]
    for code, name in plot.COUNTRY_NAMES.items():
        if code in actors.index:
            assert actors[code] == name, code
    assert set(plot.ORIGIN_COLORS) <= set(plot.COUNTRY_NAMES)


def _lab(hex_colour: str) -> np.ndarray:
    """sRGB (D65) -> CIE L*a*b*, written out so that the test needs no colour library."""
    rgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375],
                  [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = m @ lin / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_lab_conversion_matches_known_values():
    assert np.allclose(_lab("#ffffff"), [100, 0, 0], atol=0.01)
    assert np.allclose(_lab("#ff0000"), [53.24, 80.09, 67.20], atol=0.05)
    assert np.allclose(_lab("#0000ff"), [32.30, 79.19, -107.86], atol=0.05)


def test_every_pair_of_origin_colours_is_easy_to_tell_apart():
    colours = {**plot.ORIGIN_COLORS, "OTHER": plot.OTHER_COLOR, "UNKNOWN": plot.UNKNOWN_COLOR}
    close = [(a, b, round(float(np.linalg.norm(_lab(colours[a]) - _lab(colours[b]))), 1))
             for a, b in itertools.combinations(colours, 2)
             if np.linalg.norm(_lab(colours[a]) - _lab(colours[b])) < 20]
    assert not close, f"colour pairs closer than Delta-E 20: {close}"


# --- tile map, years, notes, save ----------------------------------------------------------------

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


def test_tile_map_colour_bar_is_an_inset_that_takes_no_space_from_other_axes():
    d = pd.DataFrame({"member_id": ["SGP"], "share": [40.0], "few": pd.array([pd.NA], dtype="boolean")})
    fig, (left, right) = plt.subplots(1, 2)
    before = [ax.get_position(original=True).bounds for ax in (left, right)]
    plot.tile_map(d, hue="share", muted="few", hue_label="US share (%)", ax=left)
    fig.canvas.draw()
    assert [ax.get_position(original=True).bounds for ax in (left, right)] == before
    assert fig.axes == [left, right]
    assert len(left.child_axes) == 1 and not right.child_axes
    assert left.child_axes[0].get_ylabel() == "US share (%)"


def test_year_labels_mark_the_partial_final_year():
    assert plot.year_labels([2024, 2025, 2026], "2026-11-30") == ["2024", "2025", "2026 (to Nov)"]
    assert plot.year_labels([2025.0, "2026"], pd.Timestamp("2026-03-01")) == ["2025", "2026 (to Mar)"]
    assert plot.year_labels([2025], "2025-12-31") == ["2025"]  # a whole year is not marked


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
