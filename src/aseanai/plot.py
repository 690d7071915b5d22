"""Charts in seaborn's style: ``f(data, *, x=..., y=..., hue=None, ax=None) -> Axes``.

Functions draw only on the Axes they are given (or the current one), return
it, never call ``plt.show()`` or ``savefig`` and set no titles: captions
belong to the notebook. One style for the project (:func:`set_style`) and one
colour per origin country (:data:`ORIGIN_COLORS`): China is always the same
red, the US the same blue, whether the data name it by ISO code (``"CHN"``)
or by the name used in ``data/actors.csv`` (``"China"``, see
:data:`COUNTRY_NAMES`). :func:`save` writes a figure as PNG and SVG under a
stable name.

Reader rules every chart keeps:

- nothing is labelled ``nan``, ``None`` or ``<NA>``: a missing ``hue`` is
  grouped under "unknown" (:data:`UNKNOWN_COLOR`), a missing ``y`` label is
  an error naming the column;
- count axes (every value a whole number) have whole-number ticks;
- text written on or beside a bar stays inside its bar, or inside the Axes.

Importing this module imports matplotlib and seaborn; ``import aseanai`` does not.
"""
from __future__ import annotations

import os
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import MaxNLocator

__all__ = ["ORIGIN_COLORS", "OTHER_COLOR", "UNKNOWN_COLOR", "COUNTRY_NAMES", "VERDICT_COLORS", "ASEAN_TILES",
           "set_style", "origin_color", "origin_palette", "bars", "stacked_bars", "timeline", "tile_map",
           "partner_network", "dots", "year_labels", "source_note", "figures_dir", "set_figures_dir", "save"]

#: One colour per origin, used by every chart. Every pair of these colours
#: (with :data:`OTHER_COLOR` and :data:`UNKNOWN_COLOR`) is at least 20 apart
#: in CIE76 Delta-E, and no two share a hue family except the two greys.
ORIGIN_COLORS: dict[str, str] = {
    "USA": "#1f5fa8",  # blue (fixed by the house style)
    "CHN": "#c8102e",  # red (fixed by the house style)
    "JPN": "#7b3f98",  # purple
    "KOR": "#2a9d8f",  # teal
    "AUS": "#e9a100",  # gold
    "SGP": "#e377c2",  # pink
    "MYS": "#8c564b",  # brown
    "GBR": "#2ca02c",  # green
    "EU": "#bcbd22",   # olive
    "CAN": "#6b0f1a",  # maroon
    "IND": "#ff7f0e",  # orange
    "ASEAN": "#4d4d4d",  # dark grey
}
#: Any origin without its own colour.
OTHER_COLOR = "#a0a0a0"
#: A missing origin ("unknown").
UNKNOWN_COLOR = "#e6e6e6"
#: The label under which missing ``hue`` values are grouped.
UNKNOWN_LABEL = "unknown"

#: ISO 3166-1 alpha-3 code (or bloc code) -> the name ``data/actors.csv`` uses.
COUNTRY_NAMES: dict[str, str] = {
    "ASEAN": "Association of Southeast Asian Nations",
    "BRN": "Brunei Darussalam", "KHM": "Cambodia", "IDN": "Indonesia", "LAO": "Lao PDR", "MYS": "Malaysia",
    "MMR": "Myanmar", "PHL": "Philippines", "SGP": "Singapore", "THA": "Thailand", "VNM": "Viet Nam",
    "TLS": "Timor-Leste",
    "AUS": "Australia", "CHN": "China", "JPN": "Japan", "KOR": "Republic of Korea", "USA": "United States",
    "CHL": "Chile", "NZL": "New Zealand", "GBR": "United Kingdom", "EU": "European Union", "IND": "India",
    "FRA": "France", "DEU": "Germany", "ARE": "United Arab Emirates", "RWA": "Rwanda",
    "CAN": "Canada",  # not (yet) in actors.csv
}
_CODE_BY_NAME = {name.casefold(): code for code, name in COUNTRY_NAMES.items()}

#: Verdict colours for the claims register.
VERDICT_COLORS = {"supported": "#2b8a3e", "refined": "#e8a33d", "contradicted": "#c92a2a", "unverified": "#adb5bd"}

#: Bars and dots without ``hue``: a neutral blue-grey, so that no origin's colour is borrowed.
NEUTRAL_COLOR = "#5f7480"

FIGSIZE = (7.0, 4.0)

_MISSING_TEXTS = {"", "nan", "NaN", "None", "<NA>", "NaT"}  # what str() makes of a missing value
_NOTE_GID = "aseanai-note"


def set_style() -> None:
    """Set the project's look: white grid, readable fonts, fixed figure size.

    Returns
    -------
    None

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from aseanai import plot
    >>> plot.set_style()
    >>> tuple(mpl.rcParams["figure.figsize"])
    (7.0, 4.0)
    """
    sns.set_theme(style="whitegrid", context="notebook", font_scale=0.95)
    mpl.rcParams.update({
        "figure.figsize": FIGSIZE,
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "savefig.bbox": "tight",
        "axes.titlesize": "medium",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "aseanai",  # stable ids in SVG output
        "svg.fonttype": "none",
        "path.simplify": True,
    })


# --- missing values and labels -------------------------------------------------------------------

def _is_missing(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, (float, np.floating)) and np.isnan(v):
        return True
    if isinstance(v, str) and v.strip() in _MISSING_TEXTS:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _label(v) -> str:
    """Text of a category value; whole floats lose their ``.0`` (a year read as float stays ``2024``)."""
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v).strip()


def _labels(data: pd.DataFrame, col: str, func: str) -> list[str]:
    """The column's values as text; a missing value is an error that names the column."""
    if col not in data.columns:
        raise KeyError(f"{func}: no column {col!r} in data (columns: {', '.join(map(str, data.columns))})")
    missing = [i for i, v in enumerate(data[col]) if _is_missing(v)]
    if missing:
        rows = ", ".join(str(data.index[i]) for i in missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise ValueError(f"{func}: column {col!r} has {len(missing)} missing value(s) (rows {rows}); "
                         f"label them before plotting, so that no chart reads 'nan'")
    return [_label(v) for v in data[col]]


def _hue_labels(values) -> list[str]:
    """Hue values as text, missing ones grouped under "unknown"."""
    return [UNKNOWN_LABEL if _is_missing(v) else _label(v) for v in values]


def _truthy(v) -> bool:
    return False if _is_missing(v) else bool(v)


# --- colours -------------------------------------------------------------------------------------

def _origin_code(value) -> str | None:
    """ISO/bloc code of an origin given as code or as actors.csv name; None when not an origin."""
    s = str(value).strip()
    if s in ORIGIN_COLORS or s in COUNTRY_NAMES:
        return s
    return _CODE_BY_NAME.get(s.casefold())


def origin_color(code) -> str:
    """Colour of an origin, given as ISO code or as its name in ``data/actors.csv``.

    Parameters
    ----------
    code : str or None
        ``"CHN"``, ``"China"``, ``"EU"``, ``"European Union"``, ...

    Returns
    -------
    str
        A hex colour: the origin's own (:data:`ORIGIN_COLORS`), :data:`OTHER_COLOR`
        for any other origin, :data:`UNKNOWN_COLOR` for a missing one.

    Examples
    --------
    >>> from aseanai import plot
    >>> plot.origin_color("United States") == plot.origin_color("USA") == "#1f5fa8"
    True
    >>> plot.origin_color("Chile") == plot.OTHER_COLOR, plot.origin_color(None) == plot.UNKNOWN_COLOR
    (True, True)
    """
    if _is_missing(code) or str(code).strip() == UNKNOWN_LABEL:
        return UNKNOWN_COLOR
    return ORIGIN_COLORS.get(_origin_code(code) or "", OTHER_COLOR)


def origin_palette(codes) -> dict[str, str]:
    """``{code or name: colour}`` for the origins given, for seaborn's ``palette=``.

    Parameters
    ----------
    codes : iterable
        Origins as ISO codes or names; missing ones become the key "unknown".

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> from aseanai import plot
    >>> plot.origin_palette(["CHN", "Japan", None]) == {
    ...     "CHN": "#c8102e", "Japan": plot.ORIGIN_COLORS["JPN"], "unknown": plot.UNKNOWN_COLOR}
    True
    """
    return {lab: origin_color(None if lab == UNKNOWN_LABEL else lab) for lab in _hue_labels(codes)}


def _is_origin_like(label: str) -> bool:
    if label in (UNKNOWN_LABEL, "other", "Other"):
        return True
    return _origin_code(label) is not None or (len(label) == 3 and label.isalpha() and label.isupper())


def _hue_colors(levels: list[str], palette) -> dict[str, str]:
    """Colour of each hue level: ``palette`` dict, a seaborn palette, or origin colours."""
    if isinstance(palette, dict):
        given = {str(k): v for k, v in palette.items()}
        return {lv: given.get(lv, UNKNOWN_COLOR if lv == UNKNOWN_LABEL else OTHER_COLOR) for lv in levels}
    if palette is None and all(_is_origin_like(lv) for lv in levels):
        return {lv: (OTHER_COLOR if lv in ("other", "Other") else origin_color(lv)) for lv in levels}
    known = [lv for lv in levels if lv != UNKNOWN_LABEL]
    colors = dict(zip(known, map(mpl.colors.to_hex, sns.color_palette(palette, n_colors=len(known)))))
    if UNKNOWN_LABEL in levels:
        colors[UNKNOWN_LABEL] = UNKNOWN_COLOR
    return {lv: colors[lv] for lv in levels}


def _level_order(labels: list[str], hue_order, *, sort: bool) -> list[str]:
    """Hue levels in ``hue_order`` (as text) or first-seen / sorted order, "unknown" last."""
    if hue_order is not None:
        levels = [_label(h) if not _is_missing(h) else UNKNOWN_LABEL for h in hue_order]
    else:
        levels = list(dict.fromkeys(labels))
        if sort:
            levels = sorted(levels, key=str)
    if UNKNOWN_LABEL in labels and UNKNOWN_LABEL not in levels:
        levels.append(UNKNOWN_LABEL)
    if hue_order is None and UNKNOWN_LABEL in levels:
        levels = [lv for lv in levels if lv != UNKNOWN_LABEL] + [UNKNOWN_LABEL]
    return levels


# --- shared drawing helpers ----------------------------------------------------------------------

def _ax(ax):
    return ax if ax is not None else plt.gca()


def _axis_label(col: str) -> str:
    return col.replace("_", " ")


def _legend(ax, handles, title: str | None, legend) -> None:
    if legend in (None, False, "none") or not handles:
        return
    where = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0)} if legend in (True, "outside") else {"loc": legend}
    ax.legend(handles=handles, title=title, frameon=False, fontsize="small", **where)


def _integer_ticks(axis, values, integer) -> None:
    """Whole-number ticks on ``axis`` when asked, or (``integer=None``) when every value is whole."""
    if integer is None:
        v = np.asarray([x for x in values if np.isfinite(x)], dtype=float)
        integer = bool(v.size) and bool(np.all(np.isclose(v, np.round(v))))
    if integer:
        axis.set_major_locator(MaxNLocator(integer=True))


def _renderer(ax):
    return ax.figure.canvas.get_renderer()


def _keep_texts_inside_x(ax, texts) -> None:
    """Widen the x limits until every text lies inside the Axes (in display space)."""
    if not texts:
        return
    renderer = _renderer(ax)
    for _ in range(6):
        box = ax.get_window_extent(renderer)
        exts = [t.get_window_extent(renderer) for t in texts]
        over_right = max(e.x1 for e in exts) - box.x1
        over_left = box.x0 - min(e.x0 for e in exts)
        if over_right <= 0.5 and over_left <= 0.5:
            return
        lo, hi = ax.get_xlim()
        per_px = (hi - lo) / box.width
        ax.set_xlim(lo - max(over_left, 0) * per_px * 1.1, hi + max(over_right, 0) * per_px * 1.1 + (hi - lo) * 0.01)


# --- charts --------------------------------------------------------------------------------------

def _row_colors(d: pd.DataFrame, hue, hue_order, palette, default: str):
    """Each row's colour by ``hue`` (levels in ``hue_order``, colours from ``palette`` or the origin colours).

    Returns the rows' hue labels, the levels, ``{level: colour}`` and the colour of each row
    (``default`` for every row when ``hue`` is None; the first three are then None).
    """
    if hue is None:
        return None, None, None, [default] * len(d)
    hues = _hue_labels(d[hue])
    levels = _level_order(hues, hue_order, sort=False)
    colors = _hue_colors(levels, palette)
    return hues, levels, colors, [colors.get(h, OTHER_COLOR) for h in hues]


def bars(data: pd.DataFrame, *, x: str, y: str, hue: str | None = None, order=None, hue_order=None, palette=None,
         color=None, ax=None, annotate: bool = True, fmt: str = "{:g}", missing_label: str = "unknown",
         legend="outside", integer: bool | None = None, **kwargs):
    """Horizontal bars: one bar per row, length ``x`` (a value), labelled by ``y`` (a category).

    Missing values of ``x`` are drawn as empty slots annotated ``missing_label``,
    never as zero. The value written at the end of each bar stays inside the
    Axes: the x limits grow to make room for the longest annotation.

    Parameters
    ----------
    data : DataFrame
        One row per bar.
    x : str
        Column of bar lengths (numbers; missing allowed).
    y : str
        Column of bar labels. A missing label raises ``ValueError``.
    hue : str, optional
        Column that colours the bars (usually an origin: ISO code or name).
        Missing values are grouped under "unknown".
    order : list, optional
        Values of ``y`` to draw, top to bottom; rows with other labels are left out.
    hue_order : list, optional
        Order of the hue levels in the legend.
    palette : dict, str or list, optional
        ``{hue value: colour}`` or a seaborn palette; by default origin colours
        when the hue values are origins, else seaborn's palette.
    color : colour, optional
        Colour of every bar when ``hue`` is None.
    ax : Axes, optional
        Where to draw; defaults to ``plt.gca()``.
    annotate : bool
        Write each value (formatted by ``fmt``) at the end of its bar.
    fmt : str
        Format of the annotations, e.g. ``"{:.0%}"``.
    missing_label : str
        Annotation of a missing value.
    legend : {"outside", "none"} or a matplotlib location
        Where the hue legend goes.
    integer : bool, optional
        Whole-number ticks on the value axis; ``None`` decides from the data
        (whole numbers only: a count).
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.barh`.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> from aseanai import plot
    >>> d = pd.DataFrame({"awardee": ["Equinix", "GDS"], "capacity_mw": [20, 20], "origin": ["USA", "CHN"]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot.bars(d, x="capacity_mw", y="awardee", hue="origin", ax=ax)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Equinix', 'GDS']
    """
    ax = _ax(ax)
    d = data.reset_index(drop=True)
    labels = _labels(d, y, "bars")
    if order is not None:
        rank = {_label(o): i for i, o in enumerate(order)}
        keep = sorted((i for i, lab in enumerate(labels) if lab in rank), key=lambda i: rank[labels[i]])
        d, labels = d.iloc[keep].reset_index(drop=True), [labels[i] for i in keep]
    values = pd.to_numeric(d[x], errors="coerce").astype(float).to_numpy()
    hues, levels, colors, bar_colors = _row_colors(d, hue, hue_order, palette, color or NEUTRAL_COLOR)
    pos = np.arange(len(d))
    ax.barh(pos, np.nan_to_num(values, nan=0.0), color=bar_colors, **kwargs)
    ax.set_yticks(pos, labels)
    ax.set_ylim(len(d) - 0.5, -0.5)  # first row on top
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(_axis_label(x))
    ax.set_ylabel("")
    _integer_ticks(ax.xaxis, values, integer)
    if annotate and len(d):
        texts = []
        for p, v in zip(pos, values):
            miss = np.isnan(v)
            neg = not miss and v < 0
            texts.append(ax.annotate(missing_label if miss else fmt.format(v), xy=(0 if miss else v, p),
                                     xytext=(-3 if neg else 3, 0), textcoords="offset points",
                                     ha="right" if neg else "left", va="center", fontsize="small",
                                     color="#555555" if miss else "#222222", style="italic" if miss else "normal"))
        ax.autoscale_view()
        _keep_texts_inside_x(ax, texts)
    if hue is not None:
        present = [lv for lv in levels if lv in set(hues)]
        handles = [mpl.patches.Patch(color=colors[lv], label=lv) for lv in present]
        _legend(ax, handles, _axis_label(hue), legend)
    return ax


def stacked_bars(data: pd.DataFrame, *, x: str, y: str, hue: str, order=None, hue_order=None, palette=None,
                 ax=None, labels: str | None = None, legend="outside", integer: bool | None = None, **kwargs):
    """Stacked horizontal bars: ``x`` summed by ``y`` (one bar each) and ``hue`` (one segment each).

    With ``labels``, the texts of that column for the rows in each segment are
    written (sorted, one per line) in small bold type at the segment's centre,
    white or dark grey, whichever contrasts more with the segment. A text
    wider or taller than its segment is retried in a smaller font; if it still
    does not fit it is removed from the bar and listed instead in a small note
    under the Axes ("Not labelled in the bars: ..."), which :func:`source_note`
    then writes below.

    Parameters
    ----------
    data : DataFrame
        Tidy rows; several rows may fall in one segment.
    x : str
        Column of values to sum.
    y : str
        Column of bar labels (a missing one raises ``ValueError``).
    hue : str
        Column of segments (usually an origin: ISO code or name); missing
        values are grouped under "unknown".
    order : list, optional
        Bars top to bottom; default sorted.
    hue_order : list, optional
        Segments left to right and in the legend; default sorted, "unknown" last.
    palette : dict, str or list, optional
        ``{hue value: colour}`` or a seaborn palette; default origin colours.
    ax : Axes, optional
        Where to draw; defaults to ``plt.gca()``.
    labels : str, optional
        Column of text to write inside the segments (e.g. company names).
    legend : {"outside", "none"} or a matplotlib location
        Where the legend goes.
    integer : bool, optional
        Whole-number ticks on the value axis; ``None``: when every value and
        every total is whole.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.barh`.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> from aseanai import plot
    >>> d = pd.DataFrame({"host": ["SGP", "SGP", "MYS"], "origin": ["USA", "CHN", "CHN"], "n": [2, 1, 3]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot.stacked_bars(d, x="n", y="host", hue="origin", ax=ax, order=["SGP", "MYS"])
    >>> [t.get_text() for t in ax.get_yticklabels()], len(ax.patches)
    (['SGP', 'MYS'], 4)
    """
    ax = _ax(ax)
    d = data.reset_index(drop=True)
    ys = _labels(d, y, "stacked_bars")
    hues = _hue_labels(d[hue])
    d = d.assign(_y=ys, _h=hues, _v=pd.to_numeric(d[x], errors="coerce").astype(float))
    table = d.groupby(["_y", "_h"], sort=False)["_v"].sum().unstack("_h", fill_value=0.0)
    if order is not None:
        rows = [_label(o) for o in order]
    else:
        rows = sorted(table.index, key=_sort_key)
    levels = _level_order(hues, hue_order, sort=True)
    table = table.reindex(index=rows, columns=levels, fill_value=0.0).fillna(0.0)
    colors = _hue_colors(levels, palette)
    pos = np.arange(len(rows))
    left = np.zeros(len(rows))
    segments = {}
    for lv in levels:
        vals = table[lv].to_numpy(dtype=float)
        cont = ax.barh(pos, vals, left=left, color=colors[lv], label=lv, **kwargs)
        for row, patch in zip(rows, cont.patches):
            segments[(row, lv)] = patch
        left = left + vals
    ax.set_yticks(pos, rows)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(_axis_label(x))
    ax.set_ylabel("")
    _integer_ticks(ax.xaxis, list(table.to_numpy().ravel()) + list(left), integer)
    if labels is not None:
        _label_segments(ax, d, labels, segments)
    present = [lv for lv in levels if lv in set(hues)]
    handles = [mpl.patches.Patch(color=colors[lv], label=lv) for lv in present]
    _legend(ax, handles, _axis_label(hue), legend)
    return ax


def _sort_key(v):
    try:
        return (0, float(v), "")
    except (TypeError, ValueError):
        return (1, 0.0, str(v))


def _ink(face) -> str:
    """White or dark grey, whichever contrasts more with ``face`` (WCAG relative luminance)."""
    rgb = np.asarray(mpl.colors.to_rgb(face))
    lum = float(np.dot([0.2126, 0.7152, 0.0722], np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)))
    dark = 0.0159  # luminance of #222222
    return "white" if 1.05 / (lum + 0.05) >= (lum + 0.05) / (dark + 0.05) else "#222222"


def _label_segments(ax, d: pd.DataFrame, labels: str, segments: dict) -> None:
    """Write each segment's row texts inside it; move what does not fit into a note under the Axes."""
    ax.autoscale_view()
    ax.get_xlim()
    renderer = _renderer(ax)
    dropped = []
    for (row, lv), g in d.groupby(["_y", "_h"], sort=False):
        patch = segments.get((row, lv))
        names = sorted({str(v).strip() for v in g[labels] if not _is_missing(v)})
        if patch is None or not names:
            continue
        text = "\n".join(names)
        if patch.get_width() <= 0:
            dropped.append(f"{row}, {lv}: {', '.join(names)}")
            continue
        ink = _ink(patch.get_facecolor())
        t = ax.text(patch.get_x() + patch.get_width() / 2, patch.get_y() + patch.get_height() / 2, text,
                    ha="center", va="center", color=ink, weight="bold", fontsize="small", clip_on=True)
        for size in ("x-small", None):
            bar, box = patch.get_window_extent(renderer), t.get_window_extent(renderer)
            if box.width <= bar.width - 2 and box.height <= bar.height:
                break
            if size is None:
                t.remove()
                dropped.append(f"{row}, {lv}: {', '.join(names)}")
            else:
                t.set_fontsize(size)
    if dropped:
        anchor = ax.xaxis.label if ax.xaxis.label.get_text() else ax
        ax.annotate("Not labelled in the bars: " + "; ".join(dropped), xy=(0, 0),
                    xycoords=("axes fraction", anchor), xytext=(0, -6), textcoords="offset points", ha="left",
                    va="top", fontsize="x-small", color="#555555", wrap=True, gid=_NOTE_GID)


def timeline(data: pd.DataFrame, *, x: str, y: str, hue: str | None = None, hue_order=None, palette=None,
             planned: str | None = None, ax=None, **kwargs):
    """Dots on a time axis, one row per ``y``; an open marker at ``planned``, joined to the dot when late.

    Parameters
    ----------
    data : DataFrame
        One row per event.
    x : str
        Column of dates when it happened (missing: no dot).
    y : str
        Column of row labels (a missing one raises ``ValueError``).
    hue : str, optional
        Column that colours the dots; missing values are grouped under "unknown".
    hue_order : list, optional
        Order of the hue levels in the legend.
    palette : dict, str or list, optional
        ``{hue value: colour}`` or a seaborn palette; default origin colours
        when the hue values are origins, else seaborn's palette.
    planned : str, optional
        Column of planned dates (deadlines), drawn as open markers.
    ax : Axes, optional
        Where to draw; defaults to ``plt.gca()``.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for the dots (``color``
        sets their colour when ``hue`` is None).

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> from aseanai import plot
    >>> d = pd.DataFrame({"firm": ["Google", "GDS"], "since": pd.to_datetime(["2013-01-01", "2020-06-01"]),
    ...                   "country": ["United States", "China"]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot.timeline(d, x="since", y="firm", hue="country", ax=ax)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['United States', 'China']
    """
    ax = _ax(ax)
    d = data.reset_index(drop=True)
    ys = _labels(d, y, "timeline")
    rows = list(dict.fromkeys(ys))
    ypos = {r: i for i, r in enumerate(rows)}
    single = kwargs.pop("color", None) or NEUTRAL_COLOR
    hues, levels, colors, row_colors = _row_colors(d, hue, hue_order, palette, single)
    has_planned = False
    for i, r in d.iterrows():
        yy, color = ypos[ys[i]], row_colors[i]
        if planned is not None and not _is_missing(r[planned]):
            has_planned = True
            ax.plot([r[planned]], [yy], marker="o", mfc="white", mec=color, ms=7, ls="none", zorder=3)
            if not _is_missing(r[x]):
                ax.plot([r[planned], r[x]], [yy, yy], color=color, lw=1, ls=":", zorder=2)
        if not _is_missing(r[x]):
            ax.plot([r[x]], [yy], marker="o", color=color, ms=7, ls="none", zorder=4, **kwargs)
    ax.set_yticks(range(len(rows)), rows)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlabel(_axis_label(x))
    ax.set_ylabel("")
    handles = []
    if hue is not None:
        handles = [mpl.lines.Line2D([], [], marker="o", ls="none", color=colors[lv], label=lv)
                   for lv in levels if lv in set(hues)]
    if has_planned:
        if hue is None:
            handles.append(mpl.lines.Line2D([], [], marker="o", ls="none", color=single, label=_axis_label(x)))
        handles.append(mpl.lines.Line2D([], [], marker="o", ls="none", mfc="white", mec="#555555",
                                        label=_axis_label(planned)))
    _legend(ax, handles, None, "best")
    return ax


def dots(data: pd.DataFrame, *, x: str, y: str, low: str | None = None, high: str | None = None,
         hue: str | None = None, hue_order=None, palette=None, hollow: str | None = None, order=None,
         missing_label: str = "unmeasured", reference: float | None = None, ax=None, legend="outside", **kwargs):
    """Dots on a value axis, one row per ``y``, with an optional interval; a missing value is written, never drawn.

    Several rows may share a ``y`` (one dot per ``hue``, nudged apart). A row
    whose ``x`` is missing gets no dot but the italic text ``missing_label``,
    unless another row of the same ``y`` has a value.

    Parameters
    ----------
    data : DataFrame
        One row per dot.
    x : str
        Column of values (missing allowed).
    y : str
        Column of row labels (a missing one raises ``ValueError``).
    low, high : str, optional
        Columns of an interval drawn as a line through the dot.
    hue : str, optional
        Column that colours the dots; default origin colours when the values are origins.
    hue_order, palette
        As in :func:`bars`.
    hollow : str, optional
        Boolean column: True draws an open marker (a value computed, not stated).
    order : list, optional
        Values of ``y``, top to bottom.
    missing_label : str
        Text for a row without any value.
    reference : float, optional
        A dashed vertical line at this value (50: an even split).
    ax : Axes, optional
        Where to draw; defaults to ``plt.gca()``.
    legend : {"outside", "none"} or a matplotlib location
        Where the hue legend goes.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> from aseanai import plot
    >>> d = pd.DataFrame({"state": ["Malaysia", "Lao PDR"], "balance": [20.0, None]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot.dots(d, x="balance", y="state", ax=ax)
    >>> [t.get_text() for t in ax.texts]
    ['unmeasured']
    """
    ax = _ax(ax)
    d = data.reset_index(drop=True)
    ys = _labels(d, y, "dots")
    rows = [_label(o) for o in order] if order is not None else list(dict.fromkeys(ys))
    ypos = {r: i for i, r in enumerate(rows)}
    hues, levels, colors, row_colors = _row_colors(d, hue, hue_order, palette, kwargs.pop("color", None) or NEUTRAL_COLOR)
    values = pd.to_numeric(d[x], errors="coerce").astype(float).to_numpy()
    present = [lv for lv in levels if lv in set(hues)] if hue is not None else []
    step = min(0.22, 0.8 / len(present)) if len(present) > 1 else 0.0
    offset = {lv: (i - (len(present) - 1) / 2) * step for i, lv in enumerate(present)}
    has_value = {r: False for r in rows}
    for i in range(len(d)):
        if ys[i] in ypos and not np.isnan(values[i]):
            has_value[ys[i]] = True
    for i in range(len(d)):
        if ys[i] not in ypos or np.isnan(values[i]):
            continue
        yy = ypos[ys[i]] + (offset.get(hues[i], 0.0) if hue is not None else 0.0)
        color = row_colors[i]
        if low is not None and high is not None and not (_is_missing(d.at[i, low]) or _is_missing(d.at[i, high])):
            ax.plot([float(d.at[i, low]), float(d.at[i, high])], [yy, yy], color=color, lw=2.5, alpha=0.35,
                    solid_capstyle="butt", zorder=2)
        open_ = hollow is not None and _truthy(d.at[i, hollow])
        ax.plot([values[i]], [yy], marker="o", ms=6, ls="none", zorder=3, mec=color,
                mfc="white" if open_ else color, **kwargs)
    for r, i in ypos.items():
        if not has_value[r]:
            ax.annotate(missing_label, xy=(0, i), xycoords=("axes fraction", "data"), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize="small", style="italic", color="#555555")
    if reference is not None:
        ax.axvline(reference, color="#555555", ls="--", lw=1, zorder=1)
    ax.set_yticks(range(len(rows)), rows)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(_axis_label(x))
    ax.set_ylabel("")
    if hue is not None:
        handles = [mpl.lines.Line2D([], [], marker="o", ls="none", color=colors[lv], label=lv) for lv in present]
        _legend(ax, handles, _axis_label(hue), legend)
    return ax


def partner_network(data: pd.DataFrame, *, x: str = "member_id", y: str = "partner_id", weight: str | None = None,
                    dashed: str | None = None, ax=None):
    """A two-column network: ``x`` on the left (ASEAN states), ``y`` on the right (partners).

    One line per link; its width grows with the number (or summed ``weight``)
    of rows behind it. Partners are coloured by :func:`origin_color`. A link
    is dashed when every row behind it is true in the boolean column
    ``dashed`` (e.g. an unconfirmed instrument). No layout randomness:
    positions are sorted.

    Parameters
    ----------
    data : DataFrame
        One row per link (repeats add up).
    x, y : str
        Columns of the left and right nodes (missing ones raise ``ValueError``).
    weight : str, optional
        Column of link weights; default one per row.
    dashed : str, optional
        Boolean column; missing counts as false.
    ax : Axes, optional
        Where to draw; defaults to ``plt.gca()``.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> from aseanai import plot
    >>> d = pd.DataFrame({"member_id": ["SGP", "MYS"], "partner_id": ["USA", "CHN"]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot.partner_network(d, ax=ax)
    >>> len(ax.lines)
    2
    """
    ax = _ax(ax)
    d = data.reset_index(drop=True)
    w = pd.to_numeric(d[weight], errors="coerce").fillna(0).astype(float) if weight else 1.0
    dash = [_truthy(v) for v in d[dashed]] if dashed else False
    d = d.assign(_x=_labels(d, x, "partner_network"), _y=_labels(d, y, "partner_network"), _w=w, _dash=dash)
    edges = d.groupby(["_x", "_y"]).agg(_w=("_w", "sum"), _dash=("_dash", "all")).reset_index()
    left = sorted(edges["_x"].unique())
    right = sorted(edges["_y"].unique())
    ly = dict(zip(left, np.linspace(1, 0, len(left)) if len(left) > 1 else [0.5]))
    ry = dict(zip(right, np.linspace(1, 0, len(right)) if len(right) > 1 else [0.5]))
    for _, e in edges.iterrows():
        ax.plot([0, 1], [ly[e["_x"]], ry[e["_y"]]], color=origin_color(e["_y"]), lw=0.8 + 1.2 * e["_w"],
                alpha=0.7, solid_capstyle="round", zorder=1, ls=(0, (4, 3)) if e["_dash"] else "-")
    ax.scatter([0] * len(left), [ly[n] for n in left], s=120, color=ORIGIN_COLORS["ASEAN"], zorder=2)
    ax.scatter([1] * len(right), [ry[n] for n in right], s=120, color=[origin_color(n) for n in right], zorder=2)
    for n in left:
        ax.text(-0.04, ly[n], n, ha="right", va="center")
    for n in right:
        ax.text(1.04, ry[n], n, ha="left", va="center")
    ax.set_xlim(-0.3, 1.3)
    ax.set_ylim(-0.1, 1.1)
    ax.set_axis_off()
    if edges["_dash"].any():
        handles = [mpl.lines.Line2D([], [], color="#777777", ls="-", label="confirmed by a source"),
                   mpl.lines.Line2D([], [], color="#777777", ls=(0, (4, 3)), label=_axis_label(dashed))]
        ax.legend(handles=handles, frameon=False, loc="lower center", ncol=2, fontsize="small",
                  bbox_to_anchor=(0.5, 1.0))
    return ax


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def year_labels(years, through) -> list[str]:
    """Year tick labels, the last year marked as partial when the data stop before its end.

    Parameters
    ----------
    years : iterable of int
        Years to label (ints, whole floats or strings).
    through : date-like
        Last date the data cover (``"2026-11-30"``, a ``Timestamp``, a ``date``).

    Returns
    -------
    list of str
        ``"2024"`` for a whole year; ``"2026 (to Nov)"`` for the year of
        ``through`` when ``through`` is before 31 December; "unknown" for a
        missing year.

    Examples
    --------
    >>> from aseanai import plot
    >>> plot.year_labels([2024, 2025, 2026], "2026-11-30")
    ['2024', '2025', '2026 (to Nov)']
    >>> plot.year_labels([2025], "2025-12-31")
    ['2025']
    """
    end = pd.Timestamp(through)
    partial = (end.month, end.day) != (12, 31)
    out = []
    for yr in years:
        if _is_missing(yr):
            out.append(UNKNOWN_LABEL)
            continue
        year = int(float(yr))
        out.append(f"{year} (to {_MONTHS[end.month - 1]})" if partial and year == end.year else str(year))
    return out


def source_note(ax, text: str, *, prefix: str = "Source: "):
    """Write a source note under the Axes, below its x label, as Our World in Data does.

    The note goes below any note a chart has already written there (see
    :func:`stacked_bars`).

    Parameters
    ----------
    ax : Axes
    text : str
        The sources, e.g. ``"EDB and IMDA, 14 Jul 2023"``.
    prefix : str
        Written before ``text``.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from aseanai import plot
    >>> fig, ax = plt.subplots()
    >>> ax = plot.source_note(ax, "EDB and IMDA, 14 Jul 2023")
    >>> ax.texts[-1].get_text()
    'Source: EDB and IMDA, 14 Jul 2023'
    """
    notes = [t for t in ax.texts if t.get_gid() == _NOTE_GID]
    if notes:
        anchor = notes[-1]
    else:
        anchor = ax.xaxis.label if ax.xaxis.label.get_text() and ax.axison else ax
    ax.annotate(prefix + text, xy=(0, 0), xycoords=("axes fraction", anchor), xytext=(0, -6),
                textcoords="offset points", ha="left", va="top", fontsize="x-small", color="#555555", wrap=True)
    return ax


#: Where :func:`save` writes when it is given no folder; ``None`` means :func:`figures_dir`.
#: ``aseanai build`` sets it in each kernel with :func:`set_figures_dir` before a notebook runs.
FIGURES_DIR: Path | None = None


def figures_dir() -> Path:
    """The folder :func:`save` writes to by default: ``build/figures`` in the repository (ignored by git), or in
    the working folder for an installed wheel, unless :func:`set_figures_dir` chose another.

    Returns
    -------
    Path

    Examples
    --------
    >>> from aseanai import plot
    >>> plot.figures_dir().parts[-2:]
    ('build', 'figures')
    """
    if FIGURES_DIR is not None:
        return FIGURES_DIR
    from .datapackage import repo_root

    root = repo_root()
    return (root if root is not None else Path.cwd()) / "build" / "figures"


def set_figures_dir(path: str | os.PathLike | None) -> Path:
    """Make :func:`save` write to ``path`` when it is given no folder (``None``: back to ``build/figures``).

    ``aseanai build`` calls this in the kernel before each notebook, so that
    each notebook's figures land in a folder of the build's choosing.

    Returns
    -------
    Path
        The folder now in force.

    Examples
    --------
    >>> from aseanai import plot
    >>> plot.set_figures_dir("/tmp/figs").name
    'figs'
    >>> plot.set_figures_dir(None).parts[-2:]
    ('build', 'figures')
    """
    global FIGURES_DIR
    FIGURES_DIR = Path(path) if path is not None else None
    return figures_dir()


def _claim_report_folder(folder: Path) -> None:
    """Mark ``build/`` as program-made when saving a figure creates it (a notebook run outside a build).

    ``aseanai build --out build`` then replaces it as an earlier report; a folder
    that existed before is left unmarked, so the build still refuses it if it holds
    anything else.
    """
    from .datapackage import mark_report

    if folder.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    mark_report(folder)


def save(fig, name: str, out_dir: str | os.PathLike | None = None) -> list[Path]:
    """Save ``fig`` as ``NAME.png`` and ``NAME.svg`` in ``out_dir``.

    SVG output is made byte-stable (fixed hash salt, no date).

    Parameters
    ----------
    fig : Figure
    name : str
        A plain file stem (no path, no spaces), stable across runs.
    out_dir : path, optional
        Defaults to :func:`figures_dir` (``build/figures``, or the folder given to
        :func:`set_figures_dir`).

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile, matplotlib.pyplot as plt
    >>> from aseanai import plot
    >>> fig, ax = plt.subplots()
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in plot.save(fig, "fig00_demo", tmp)]
    ['fig00_demo.png', 'fig00_demo.svg']
    """
    if not name or any(ch in name for ch in "/\\ ") or name.startswith("."):
        raise ValueError(f"figure name must be a plain file stem, got {name!r}")
    if out_dir is None:
        out_dir = figures_dir()
        _claim_report_folder(Path(out_dir).parent)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    bbox = "tight"
    if mpl.rcParams["savefig.bbox"] == "tight":
        # measure the tight box once for both files (each "tight" save would draw the figure twice)
        renderer = fig.canvas.get_renderer()
        bbox = fig.get_tightbbox(renderer).padded(mpl.rcParams["savefig.pad_inches"])
    with mpl.rc_context({"svg.hashsalt": "aseanai"}):
        fig.savefig(paths[0], metadata={"Software": None}, bbox_inches=bbox)
        fig.savefig(paths[1], metadata={"Date": None, "Creator": None}, bbox_inches=bbox)
    return paths


#: Tile positions (column, row) of the ASEAN member states, laid out roughly as on a map.
ASEAN_TILES: dict[str, tuple[int, int]] = {
    "MMR": (0, 0), "LAO": (1, 0), "VNM": (2, 0),
    "THA": (0, 1), "KHM": (1, 1), "PHL": (3, 1),
    "MYS": (0, 2), "BRN": (2, 2),
    "SGP": (0, 3), "IDN": (1, 3), "TLS": (3, 3),
}


def tile_map(data: pd.DataFrame, *, hue: str = "balance", label: str | None = None, muted: str | None = None,
             state: str = "member_id", ax=None, cmap: str = "RdBu", vmin: float = 0, vmax: float = 100,
             layout: dict | None = None, hue_label: str | None = None):
    """A tile-grid map of ASEAN: one square per member state, coloured by ``hue``.

    No map data are needed (nothing is downloaded): the layout is
    :data:`ASEAN_TILES`. States without a value are light grey
    (:data:`UNKNOWN_COLOR`); states where the boolean column ``muted`` is true
    are drawn pale and hatched (e.g. too few instruments to measure). The
    colour bar is drawn on an inset of ``ax``, so the figure's other Axes
    keep their size. The default colour map runs from red (0: all China)
    through white (50) to blue (100: all US), for the US-China balance.

    Parameters
    ----------
    data : DataFrame
        One row per state.
    hue : str
        Column of numbers that colour the tiles.
    label : str, optional
        Column of text written under each state's code.
    muted : str, optional
        Boolean column; true tiles are pale.
    state : str
        Column of state codes (keys of ``layout``).
    ax : Axes, optional
        Where to draw; defaults to ``plt.gca()``.
    cmap : str
        Matplotlib colour map.
    vmin, vmax : float
        Values at the two ends of the colour map.
    layout : dict, optional
        ``{code: (column, row)}``; default :data:`ASEAN_TILES`.
    hue_label : str, optional
        Label of the colour bar; default ``hue`` with spaces.

    Returns
    -------
    Axes
        The Axes drawn on (the colour bar is its child Axes).

    Examples
    --------
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> from aseanai import plot
    >>> d = pd.DataFrame({"member_id": ["SGP", "MYS"], "balance": [80.0, 30.0]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot.tile_map(d, ax=ax, hue_label="US share of US+China (%)")
    >>> len(ax.child_axes)
    1
    """
    ax = _ax(ax)
    layout = layout or ASEAN_TILES
    d = data.set_index(state) if state in data.columns else data
    cm = mpl.colormaps[cmap]
    norm = mpl.colors.Normalize(vmin=vmin, vmax=vmax)
    for code, (cx, cy) in layout.items():
        v = d[hue].get(code, np.nan) if hue in d else np.nan
        v = np.nan if _is_missing(v) else float(v)
        face = UNKNOWN_COLOR if np.isnan(v) else cm(norm(v))
        pale = bool(muted) and code in d.index and _truthy(d.loc[code, muted])
        ax.add_patch(mpl.patches.Rectangle((cx, -cy), 0.94, 0.94, facecolor=face, edgecolor="#666666",
                                           lw=0.8, alpha=0.35 if pale else 1.0, hatch="//" if pale else None))
        ax.text(cx + 0.47, -cy + 0.6, code, ha="center", va="center", fontsize="medium", weight="bold")
        if label and code in d.index and not _is_missing(d.loc[code, label]):
            ax.text(cx + 0.47, -cy + 0.3, str(d.loc[code, label]), ha="center", va="center", fontsize="small")
    xs = [p[0] for p in layout.values()]
    ys = [-p[1] for p in layout.values()]
    ax.set_xlim(min(xs) - 0.1, max(xs) + 1.04)
    ax.set_ylim(min(ys) - 0.1, max(ys) + 1.04)
    ax.set_aspect("equal")
    ax.set_axis_off()
    cax = ax.inset_axes([1.03, 0.1, 0.04, 0.8])
    cbar = ax.figure.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cm), cax=cax)
    cbar.set_label(hue_label or _axis_label(hue))
    return ax
