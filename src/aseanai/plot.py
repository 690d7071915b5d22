"""Charts in seaborn's style: ``f(data, *, x=..., y=..., hue=None, ax=None) -> Axes``.

Functions draw only on the Axes they are given (or the current one), never
call ``plt.show()`` or ``savefig`` and set no titles: captions belong to the
notebook. One style for the project (:func:`set_style`) and one colour per
origin country (:data:`ORIGIN_COLORS`): China is always the same red, the US
the same blue. :func:`save` writes a figure as PNG and SVG under a stable name.

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

__all__ = ["ORIGIN_COLORS", "VERDICT_COLORS", "ASEAN_TILES", "set_style", "origin_color", "origin_palette", "bars", "tile_map",
           "stacked_bars", "timeline", "partner_network", "source_note", "save"]

#: One colour per origin country, used by every chart (colour-blind-safe where it matters).
ORIGIN_COLORS: dict[str, str] = {
    "USA": "#1f5fa8",  # blue
    "CHN": "#c8102e",  # red
    "JPN": "#7b3f98",
    "KOR": "#2a9d8f",
    "AUS": "#e9a100",
    "SGP": "#6d6d6d",
    "MYS": "#8c564b",
    "GBR": "#17becf",
    "EU": "#003399",
    "CAN": "#bcbd22",
    "IND": "#ff7f0e",
    "ASEAN": "#4d4d4d",
}
OTHER_COLOR = "#b0b0b0"
UNKNOWN_COLOR = "#e6e6e6"

#: Verdict colours for the claims register.
VERDICT_COLORS = {"supported": "#2b8a3e", "refined": "#e8a33d", "contradicted": "#c92a2a", "unverified": "#adb5bd"}

FIGSIZE = (7.0, 4.0)


def set_style() -> None:
    """The project's look: white grid, readable fonts, fixed figure size, PNG inline."""
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


def origin_color(code) -> str:
    """Colour of an origin country (grey for others, light grey for unknown)."""
    if code is None or (isinstance(code, float) and np.isnan(code)) or code is pd.NA:
        return UNKNOWN_COLOR
    return ORIGIN_COLORS.get(str(code), OTHER_COLOR)


def origin_palette(codes) -> dict[str, str]:
    """``{code: colour}`` for the codes given, for seaborn's ``palette=``."""
    return {str(c): origin_color(c) for c in codes}


def _ax(ax):
    return ax if ax is not None else plt.gca()


def bars(data: pd.DataFrame, *, x: str, y: str, hue: str | None = None, ax=None, color_by_origin: bool = True,
         annotate: bool = True, fmt: str = "{:g}", missing_label: str = "unknown", legend: str = "outside",
         **kwargs):
    """Horizontal bars of ``x`` (a value) by ``y`` (a category), coloured by origin where ``hue`` is one.

    Missing values are drawn as empty slots labelled "unknown", never as zero.
    ``legend`` is ``"outside"`` (right of the Axes), a matplotlib location, or ``"none"``.

    Returns
    -------
    Axes
    """
    ax = _ax(ax)
    d = data.reset_index(drop=True)
    labels = d[y].astype(str).tolist()
    values = pd.to_numeric(d[x], errors="coerce").astype(float)
    if hue is not None and color_by_origin:
        colors = [origin_color(h) for h in d[hue]]
    else:
        colors = [kwargs.pop("color", "#1f5fa8")] * len(d)
    pos = np.arange(len(d))
    ax.barh(pos, values.fillna(0).to_numpy(), color=colors, **kwargs)
    ax.set_yticks(pos, labels)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(x.replace("_", " "))
    ax.set_ylabel("")
    if annotate:
        span = np.nanmax(values.to_numpy()) if values.notna().any() else 1.0
        for p, v in zip(pos, values):
            text = missing_label if np.isnan(v) else fmt.format(v)
            ax.text((0 if np.isnan(v) else v) + span * 0.01, p, text, va="center", fontsize="small",
                    color="#555555" if np.isnan(v) else "#222222", style="italic" if np.isnan(v) else "normal")
    if hue is not None and color_by_origin and legend != "none":
        _origin_legend(ax, d[hue], legend)
    return ax


def stacked_bars(data: pd.DataFrame, *, x: str, y: str, hue: str, ax=None, order=None, hue_order=None,
                 palette: dict | None = None, legend: str = "outside", **kwargs):
    """Stacked horizontal bars: ``x`` summed by ``y`` and ``hue``.

    Colours come from ``palette`` (``{hue value: colour}``), else from
    :data:`ORIGIN_COLORS`, so that ``hue`` is usually an origin column.

    Returns
    -------
    Axes
    """
    ax = _ax(ax)
    table = (data.assign(_v=pd.to_numeric(data[x], errors="coerce").astype(float))
             .pivot_table(index=y, columns=hue, values="_v", aggfunc="sum", fill_value=0, observed=True))
    if order is not None:
        table = table.reindex(order, fill_value=0)
    cols = list(hue_order) if hue_order is not None else sorted(table.columns, key=str)
    table = table.reindex(columns=cols, fill_value=0)
    left = np.zeros(len(table))
    pos = np.arange(len(table))
    for c in cols:
        vals = table[c].to_numpy(dtype=float)
        color = palette.get(str(c), OTHER_COLOR) if palette else origin_color(c)
        ax.barh(pos, vals, left=left, color=color, label=str(c), **kwargs)
        left += vals
    ax.set_yticks(pos, [str(i) for i in table.index])
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(x.replace("_", " "))
    ax.set_ylabel("")
    if legend != "none":
        where = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0)} if legend == "outside" else {"loc": legend}
        ax.legend(title=hue.replace("_", " "), frameon=False, fontsize="small", **where)
    return ax


def timeline(data: pd.DataFrame, *, x: str, y: str, hue: str | None = None, planned: str | None = None, ax=None,
             palette: dict | None = None, **kwargs):
    """Dots on a time axis, one row per ``y``; an open marker at ``planned`` joined to the dot when late.

    Returns
    -------
    Axes
    """
    ax = _ax(ax)
    d = data.reset_index(drop=True)
    rows = list(dict.fromkeys(d[y].astype(str)))
    ypos = {r: i for i, r in enumerate(rows)}
    palette = palette or {}
    for _, r in d.iterrows():
        yy = ypos[str(r[y])]
        color = palette.get(str(r[hue]), "#1f5fa8") if hue else "#1f5fa8"
        if planned is not None and pd.notna(r[planned]):
            ax.plot([r[planned]], [yy], marker="o", mfc="white", mec=color, ms=7, ls="none", zorder=3)
            if pd.notna(r[x]):
                ax.plot([r[planned], r[x]], [yy, yy], color=color, lw=1, ls=":", zorder=2)
        if pd.notna(r[x]):
            ax.plot([r[x]], [yy], marker="o", color=color, ms=7, ls="none", zorder=4, **kwargs)
    ax.set_yticks(range(len(rows)), rows)
    ax.invert_yaxis()
    ax.set_xlabel(x.replace("_", " "))
    ax.set_ylabel("")
    if hue:
        handles = [mpl.lines.Line2D([], [], marker="o", ls="none", color=palette.get(str(h), "#1f5fa8"), label=str(h))
                   for h in dict.fromkeys(d[hue].astype(str))]
        if planned is not None:
            handles.append(mpl.lines.Line2D([], [], marker="o", ls="none", mfc="white", mec="#555555",
                                            label="planned"))
        ax.legend(handles=handles, frameon=False, loc="best", fontsize="small")
    return ax


def partner_network(data: pd.DataFrame, *, source: str = "member_id", target: str = "partner_id",
                    weight: str | None = None, dashed: str | None = None, ax=None):
    """A two-column network: ASEAN states on the left, partners on the right, one line per link.

    Line width grows with the number (or ``weight``) of links; partners are
    coloured by :data:`ORIGIN_COLORS`. A link is dashed when every row behind
    it is true in the boolean column ``dashed`` (e.g. an unconfirmed
    instrument). No layout randomness: positions are sorted.

    Returns
    -------
    Axes
    """
    ax = _ax(ax)
    w = data[weight].astype(float) if weight else pd.Series(1.0, index=data.index)
    d = data.assign(_w=w, _dash=data[dashed].astype(bool) if dashed else False)
    edges = d.groupby([source, target], observed=True).agg(_w=("_w", "sum"), _dash=("_dash", "all")).reset_index()
    left = sorted(edges[source].astype(str).unique())
    right = sorted(edges[target].astype(str).unique())
    ly = dict(zip(left, np.linspace(1, 0, len(left)) if len(left) > 1 else [0.5]))
    ry = dict(zip(right, np.linspace(1, 0, len(right)) if len(right) > 1 else [0.5]))
    for _, e in edges.iterrows():
        ax.plot([0, 1], [ly[str(e[source])], ry[str(e[target])]], color=origin_color(e[target]),
                lw=0.8 + 1.2 * e["_w"], alpha=0.7, solid_capstyle="round", zorder=1,
                ls=(0, (4, 3)) if e["_dash"] else "-")
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
                   mpl.lines.Line2D([], [], color="#777777", ls=(0, (4, 3)), label=f"{dashed.replace('_', ' ')}")]
        ax.legend(handles=handles, frameon=False, loc="lower center", ncol=2, fontsize="small",
                  bbox_to_anchor=(0.5, 1.0))
    return ax


def _origin_legend(ax, codes, loc: str = "outside") -> None:
    seen = [c for c in dict.fromkeys(codes.astype(object)) if isinstance(c, str)]
    handles = [mpl.patches.Patch(color=origin_color(c), label=str(c)) for c in seen]
    if handles:
        where = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0)} if loc == "outside" else {"loc": loc}
        ax.legend(handles=handles, title="origin", frameon=False, fontsize="small", **where)


def source_note(ax, text: str, *, prefix: str = "Source: "):
    """Write a source note under the Axes, below its x label, as Our World in Data does.

    Returns
    -------
    Axes
    """
    anchor = ax.xaxis.label if ax.xaxis.label.get_text() and ax.axison else ax
    ax.annotate(prefix + text, xy=(0, 0), xycoords=("axes fraction", anchor), xytext=(0, -6),
                textcoords="offset points", ha="left", va="top", fontsize="x-small", color="#555555", wrap=True)
    return ax


def figures_dir() -> Path:
    """The repository's ``build/figures`` (ignored by git)."""
    from .datapackage import repo_data_dir

    return repo_data_dir().parent / "build" / "figures"


def save(fig, name: str, out_dir: str | os.PathLike | None = None) -> list[Path]:
    """Save ``fig`` as ``NAME.png`` and ``NAME.svg`` in ``out_dir``.

    ``out_dir`` defaults to ``$ASEANAI_FIGURES``, else the repository's ``build/figures``.
    SVG output is made byte-stable (fixed hash salt, no date).

    Returns
    -------
    list of Path
        The files written.
    """
    if not name or any(ch in name for ch in "/\\ ") or name.startswith("."):
        raise ValueError(f"figure name must be a plain file stem, got {name!r}")
    if out_dir is None:
        out_dir = os.environ.get("ASEANAI_FIGURES") or figures_dir()
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


def tile_map(data: pd.DataFrame, *, state: str = "member_id", value: str = "balance", label: str | None = None,
             muted: str | None = None, ax=None, cmap: str = "RdBu", vmin: float = 0, vmax: float = 100,
             layout: dict | None = None, value_label: str | None = None):
    """A tile-grid map of ASEAN: one square per member state, coloured by ``value``.

    No map data are needed (nothing is downloaded): the layout is
    :data:`ASEAN_TILES`. States without a value are light grey; states where
    the boolean column ``muted`` is true are drawn pale (e.g. too few
    instruments to measure). ``label`` is a column of text written under each
    state's code. The default colour map runs from red (0: all China) through
    white (50) to blue (100: all US), for the US-China balance.

    Returns
    -------
    Axes
    """
    ax = _ax(ax)
    layout = layout or ASEAN_TILES
    d = data.set_index(state) if state in data.columns else data
    cm = mpl.colormaps[cmap]
    norm = mpl.colors.Normalize(vmin=vmin, vmax=vmax)
    for code, (cx, cy) in layout.items():
        v = d[value].get(code, np.nan) if value in d else np.nan
        v = np.nan if v is None or v is pd.NA else float(v)
        face = UNKNOWN_COLOR if np.isnan(v) else cm(norm(v))
        pale = bool(muted and code in d.index and bool(d.loc[code, muted]))
        ax.add_patch(mpl.patches.Rectangle((cx, -cy), 0.94, 0.94, facecolor=face, edgecolor="#666666",
                                           lw=0.8, alpha=0.35 if pale else 1.0, hatch="//" if pale else None))
        ax.text(cx + 0.47, -cy + 0.6, code, ha="center", va="center", fontsize="medium", weight="bold")
        if label and code in d.index and pd.notna(d.loc[code, label]):
            ax.text(cx + 0.47, -cy + 0.3, str(d.loc[code, label]), ha="center", va="center", fontsize="small")
    xs = [p[0] for p in layout.values()]
    ys = [-p[1] for p in layout.values()]
    ax.set_xlim(min(xs) - 0.1, max(xs) + 1.04)
    ax.set_ylim(min(ys) - 0.1, max(ys) + 1.04)
    ax.set_aspect("equal")
    ax.set_axis_off()
    sm = mpl.cm.ScalarMappable(norm=norm, cmap=cm)
    cbar = ax.figure.colorbar(sm, ax=ax, fraction=0.046, pad=0.04)
    cbar.set_label(value_label or value.replace("_", " "))
    return ax
