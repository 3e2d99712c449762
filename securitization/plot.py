"""Comparison charts: matplotlib functions that draw a :class:`~securitization.results.Scores`.

Every function takes the scores (or a tidy table) and keyword-only options, draws on the
``ax`` it is given (or on a new figure made with ``plt.subplots``) and returns the Axes.
No function calls ``plt.show()``, changes matplotlib's global settings or computes a
statistic: the numbers drawn are those of the tables. Cases are labelled by their
readable ``label``; a missing score is marked as missing, never drawn as 0; intervals
(``lo``/``hi``, ``rank_lo``/``rank_hi``) are drawn whenever the tables carry them.

Colours are colour-blind safe: Okabe-Ito for categories (countries, cases), ``cividis``
for scores and ``viridis`` for the ordinal codes of evidence items.

=========================  ==============================================================
function                   draws
=========================  ==============================================================
:func:`plot_profile`       the indicator profile of each case (radar), cases overlaid
:func:`plot_heatmap`       cases x indicators (and dimensions, overall): score, band, coverage
:func:`plot_map`           institutional against practice score per case, diagonal marked
:func:`plot_ranking`       the overall ranking with intervals, bands shaded
:func:`plot_measure`       one measure over time, each administration's term shaded
:func:`plot_timeline`      evidence items by date and indicator, sized by weight, coloured by code
:func:`plot_reliability`   inter-coder agreement (alpha) per indicator against the gate
:func:`plot_rank_intervals`  rank intervals per case from a sensitivity analysis
=========================  ==============================================================

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from securitization import load, score
>>> from securitization.plot import plot_ranking
>>> ax = plot_ranking(score(load()))
>>> ax.get_xlabel()
'Overall securitization score'
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.colors import Colormap, Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.textpath import TextPath
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .errors import ParameterError
from .results import Scores
from .text import plot_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "OKABE_ITO",
    "available_measures",
    "plot_heatmap",
    "plot_map",
    "plot_measure",
    "plot_profile",
    "plot_rank_intervals",
    "plot_ranking",
    "plot_reliability",
    "plot_timeline",
    "profile_size",
    "reliability_size",
]

#: The Okabe-Ito palette (Okabe & Ito 2008), safe for the common colour-vision
#: deficiencies; ordered so that the first colours contrast well on white.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#E69F00",  # orange
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
_CASE_COLOURS = OKABE_ITO[:7]  # yellow is too light for lines on white
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
_LINESTYLES = ("-", "--", "-.", ":")
_MISSING_FACE = "#f2f2f2"
_MISSING_EDGE = "#9a9a9a"
_GREY = "#595959"
_SCORE_CMAP = "cividis"
_CODE_CMAP = "viridis"
#: Above this many items the timeline draws one marker per month, indicator and code.
MAX_TIMELINE_POINTS = 5_000


# --- shared helpers ------------------------------------------------------------------------


def _check_scores(scores: object, caller: str) -> Scores:
    if not isinstance(scores, Scores):
        raise ParameterError.invalid("scores", caller, "a Scores object (from securitization.score)", type(scores))
    return _display(scores)


_TEXT_COLUMNS = ("label", "leader", "measure", "name")


def _display(scores: Scores) -> Scores:
    """The scores with every text from the data escaped for matplotlib (``$`` drawn as typed).

    Labels, leaders, measure names and the codebook's names reach the charts from user
    files; matplotlib would read ``$...$`` in them as maths markup (and fail on a
    malformed one). Returns ``scores`` itself when no text holds a dollar sign.
    """
    cb = scores.codebook
    names = [*(i.name for i in cb.indicators), *(d.name for d in cb.dimensions), *cb.scale.labels]
    tables = {
        name: getattr(scores, name)
        for name in ("indicators", "dimensions", "overall", "units", "measures", "measure_scores")
    }

    def has_dollar(frame: pd.DataFrame) -> bool:
        return any(
            c in frame.columns and frame[c].astype(str).str.contains("$", regex=False).any() for c in _TEXT_COLUMNS
        )

    if not any("$" in n for n in names) and not any(has_dollar(t) for t in tables.values()):
        return scores
    new = {}
    for name, frame in tables.items():
        frame = frame.copy()
        for c in _TEXT_COLUMNS:
            if (c in frame.columns and frame[c].dtype == object) or (
                c in frame.columns and pd.api.types.is_string_dtype(frame[c])
            ):
                frame[c] = frame[c].map(lambda v: plot_text(v) if isinstance(v, str) else v)
        new[name] = frame
    shown = cb.model_copy(
        update={
            "indicators": tuple(i.model_copy(update={"name": plot_text(i.name)}) for i in cb.indicators),
            "dimensions": tuple(d.model_copy(update={"name": plot_text(d.name)}) for d in cb.dimensions),
            "scale": cb.scale.model_copy(
                update={"levels": tuple(lv.model_copy(update={"label": plot_text(lv.label)}) for lv in cb.scale.levels)}
            ),
        }
    )
    return replace(scores, codebook=shown, **new)


def _new_axes(ax: Axes | None, figsize: tuple[float, float], *, polar: bool = False) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    kw: dict[str, Any] = {"subplot_kw": {"projection": "polar"}} if polar else {}
    _, new = plt.subplots(figsize=figsize, layout="constrained", **kw)
    return new


def _figure(ax: Axes) -> Figure:
    fig = ax.get_figure(root=True)
    if fig is None:
        raise ParameterError.invalid("ax", "securitization.plot", "an Axes that belongs to a figure", ax)
    return fig


def _units(scores: Scores, cases: Sequence[str] | None, caller: str) -> pd.DataFrame:
    """The units to draw (in the order of ``scores.units``: by country, then start)."""
    units = scores.units
    if cases is None:
        return units
    if isinstance(cases, str):
        cases = [cases]
    known = set(units["case"])
    unknown = [c for c in cases if c not in known]
    if unknown:
        raise ParameterError.invalid("cases", caller, f"case ids of the scores ({', '.join(sorted(known))})", unknown)
    order = {c: i for i, c in enumerate(cases)}
    sel = units.loc[units["case"].isin(order)]
    return sel.iloc[np.argsort([order[c] for c in sel["case"]], kind="stable")]


def _country_styles(countries: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Colour and marker per country, in order of first appearance."""
    out: dict[str, tuple[str, str]] = {}
    for c in countries:
        if c not in out:
            i = len(out)
            out[c] = (OKABE_ITO[i % len(OKABE_ITO)], _MARKERS[i % len(_MARKERS)])
    return out


def _band_edges(scores: Scores) -> list[tuple[float, float, str]]:
    """The bands of the scale as (low, high, label): level v covers [v - 0.5, v + 0.5)."""
    scale = scores.codebook.scale
    out = []
    for lv in scale.levels:
        lo = max(lv.value - 0.5, scale.min)
        hi = min(lv.value + 0.5, scale.max)
        out.append((float(lo), float(hi), lv.label))
    return out


def _level_ticks(scores: Scores) -> tuple[list[int], list[str]]:
    levels = scores.codebook.scale.levels
    return [lv.value for lv in levels], [f"{lv.value} {lv.label}" for lv in levels]


def _fmt(v: float, digits: int = 2) -> str:
    return "—" if v is None or not np.isfinite(v) else f"{v:.{digits}f}"


def _text_size(text: str, fontsize: float) -> tuple[float, float]:
    """Width and height of a text in points (no renderer needed)."""
    lines = text.split("\n")
    widths = [TextPath((0, 0), line or " ", size=fontsize).get_extents().width for line in lines]
    return max(widths), len(lines) * fontsize * 1.2


def _decor_depth(ax: Axes) -> float:
    """How far (points) the Axes' tick labels and axis label reach below its frame."""
    fig = _figure(ax)
    fig.draw_without_rendering()
    frame = ax.get_window_extent()
    tight = ax.get_tightbbox()
    depth = 0.0 if tight is None else max(frame.y0 - tight.y0, 0.0)
    return depth * 72.0 / fig.dpi


def _below(ax: Axes, handles: Sequence[Any], *, note: str | None = None, ncol: int | None = None) -> None:
    """A legend (and a note under it) below the Axes, clear of its tick and axis labels.

    Both are children of the Axes, so a constrained layout makes room for them.
    """
    from matplotlib.transforms import ScaledTranslation

    if not handles and not note:
        return
    fig = _figure(ax)
    pad = _decor_depth(ax) + 6.0
    anchor = ax.transAxes + ScaledTranslation(0, -pad / 72.0, fig.dpi_scale_trans)
    target: Any = ax
    if handles:
        target = ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            bbox_transform=anchor,
            ncol=ncol or len(handles),
            frameon=False,
            fontsize=8.5,
            borderaxespad=0.0,
            handletextpad=0.4,
            columnspacing=1.5,
        )
    if note:
        ax.annotate(
            note,
            xy=(0.5, 0.0),
            xycoords=target if handles else anchor,
            xytext=(0, -4),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=8,
            color=_GREY,
            annotation_clip=False,
        )


def _missing_note(labels: Sequence[str], what: str, width: int = 100) -> str:
    body = "; ".join(labels)
    return "\n".join(textwrap.wrap(f"Not drawn ({what}): {body}.", width))


def _as_frame(table: object, caller: str, name: str) -> pd.DataFrame:
    """The table of a result, its text columns escaped for matplotlib (see :func:`_display`)."""
    frame: object = table
    if not isinstance(table, pd.DataFrame):
        to_frame = getattr(table, "to_frame", None)
        frame = to_frame() if callable(to_frame) else None
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError.invalid(name, caller, "a DataFrame (or a result with .to_frame())", type(table))
    text = [c for c in ("label", "name", "note") if c in frame.columns]
    if text:
        frame = frame.assign(**{c: frame[c].map(lambda v: plot_text(v) if isinstance(v, str) else v) for c in text})
    return frame


def _require(frame: pd.DataFrame, columns: Sequence[str], caller: str, name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError.invalid(
            name, caller, f"a table with the columns {', '.join(columns)}", f"a table without {', '.join(missing)}"
        )


def reliability_size(n_rows: int) -> tuple[float, float]:
    """A figure size for :func:`plot_reliability` with this many rows."""
    return (8.0, 0.5 * n_rows + 1.9)


def profile_size(n_legend_rows: int) -> tuple[float, float]:
    """A figure size for :func:`plot_profile` with this many legend rows."""
    return (7.5, 7.2 + 0.22 * n_legend_rows)


# --- indicator profile (radar) ------------------------------------------------------------


def plot_profile(
    scores: Scores,
    *,
    cases: Sequence[str] | None = None,
    ax: Axes | None = None,
    intervals: bool = True,
    title: str | None = None,
) -> Axes:
    """The indicator profile of each case as a radar chart, several cases overlaid.

    One spoke per indicator of the codebook, from the scale's minimum (centre) to its
    maximum (rim). A missing indicator score breaks the case's outline at that spoke and is
    named in the legend; a case with no indicator score at all is listed under the chart.
    When the indicator table has ``lo``/``hi`` columns, the interval is shaded around the
    outline (up to three cases) or drawn as a whisker along each spoke (more cases).

    Parameters
    ----------
    scores
        The scores to draw.
    cases
        Case ids to draw, in this order (default: every case).
    ax
        A polar Axes to draw on (default: a new figure).
    intervals
        Shade the ``lo``-``hi`` band of each case when the table has one.
    title
        The title (default: a description of the chart).

    Returns
    -------
    matplotlib.axes.Axes
        The polar Axes drawn on.
    """
    scores = _check_scores(scores, "plot_profile")
    units = _units(scores, cases, "plot_profile")
    n_lines = len(units) if len(units) <= 4 else math.ceil(len(units) / 2)
    ax = _new_axes(ax, profile_size(n_lines), polar=True)
    if getattr(ax, "name", "") != "polar":
        raise ParameterError.invalid(
            "ax", "plot_profile", "a polar Axes (e.g. fig.add_subplot(projection='polar'))", ax.name
        )
    cb = scores.codebook
    codes = list(cb.indicator_codes)
    n = len(codes)
    ind = scores.indicators
    has_iv = intervals and {"lo", "hi"} <= set(ind.columns)
    theta = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    closed = np.append(theta, theta[0])
    ax.set_theta_offset(np.pi / 2)  # type: ignore[attr-defined]
    ax.set_theta_direction(-1)  # type: ignore[attr-defined]
    todo = []
    skipped = []
    for u in units.itertuples(index=False):
        rows = ind.loc[ind["uid"] == u.uid].set_index("indicator").reindex(codes)
        if rows["score"].notna().any():
            todo.append((str(u.label), rows))
        else:
            skipped.append(str(u.label))
    fill = not has_iv and len(todo) <= 3
    palette = _CASE_COLOURS
    handles: list[Any] = []
    for k, (label, rows) in enumerate(todo):
        r = rows["score"].to_numpy(dtype=float)
        colour = palette[k % len(palette)]
        style = _LINESTYLES[(k // len(palette)) % len(_LINESTYLES)]
        marker = _MARKERS[k % len(_MARKERS)]
        miss = [c for c, v in zip(codes, r, strict=True) if not np.isfinite(v)]
        rc = np.append(r, r[0])
        (line,) = ax.plot(closed, rc, color=colour, lw=2, ls=style, marker=marker, ms=6, zorder=3)
        line.set_label(label + (f" (missing: {', '.join(miss)})" if miss else ""))
        handles.append(line)
        if has_iv and len(todo) <= 3:  # few cases: a band around each outline
            lo = np.append(rows["lo"].to_numpy(dtype=float), rows["lo"].iloc[0])
            hi = np.append(rows["hi"].to_numpy(dtype=float), rows["hi"].iloc[0])
            ok = np.isfinite(lo) & np.isfinite(hi)
            ax.fill_between(closed, lo, hi, where=list(ok), color=colour, alpha=0.16, lw=0, zorder=2)
        elif has_iv:  # many cases: bands would hide each other; whiskers along the spokes
            lo, hi = rows["lo"].to_numpy(dtype=float), rows["hi"].to_numpy(dtype=float)
            shift = (k - (len(todo) - 1) / 2) * 0.018
            for t, a, b in zip(theta + shift, lo, hi, strict=True):
                if np.isfinite(a) and np.isfinite(b):
                    ax.plot([t, t], [a, b], color=colour, lw=1.6, alpha=0.7, solid_capstyle="butt", zorder=2)
        elif fill and not miss:
            ax.fill(closed, rc, color=colour, alpha=0.08, zorder=2)
    lo_s, hi_s = cb.scale.min, cb.scale.max
    ax.set_ylim(lo_s, hi_s)
    values, labels = _level_ticks(scores)
    ax.set_yticks(values[1:])
    ax.set_yticklabels(labels[1:], fontsize=8, color=_GREY)
    for t in ax.get_yticklabels():
        t.set_bbox({"facecolor": "white", "alpha": 0.75, "lw": 0, "pad": 0.5})
    ax.set_rlabel_position(180 / n)  # type: ignore[attr-defined]
    ax.set_xticks(theta)
    names = {i.code: i.name for i in cb.indicators}
    ax.set_xticklabels([f"{c}\n" + "\n".join(textwrap.wrap(names[c], 20)) for c in codes], fontsize=9)
    for angle, t in zip(theta, ax.get_xticklabels(), strict=True):
        x = math.sin(angle)  # clockwise from the top
        t.set_horizontalalignment("center" if abs(x) < 0.3 else ("left" if x > 0 else "right"))
    ax.tick_params(axis="x", pad=10)
    ax.grid(color="#cccccc", lw=0.8)
    ax.set_anchor("N")
    ax.set_title(plot_text(title) if title else "Indicator profiles", fontsize=13, pad=24)
    if has_iv and len(todo) <= 3:
        handles.append(Patch(facecolor="#7f7f7f", alpha=0.3, label="interval"))
    elif has_iv:
        handles.append(Line2D([], [], color="#7f7f7f", lw=1.6, alpha=0.7, label="interval (along the spoke)"))
    note = _missing_note(skipped, "no indicator score", 90) if skipped else None
    _below(ax, handles, note=note, ncol=1 if len(handles) <= 4 else 2)
    return ax


# --- heatmap --------------------------------------------------------------------------------


def _text_colour(cmap: Colormap, norm: Normalize, value: float) -> str:
    r, g, b, _ = cmap(norm(value))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "black" if lum > 0.45 else "white"


def plot_heatmap(
    scores: Scores,
    *,
    cases: Sequence[str] | None = None,
    ax: Axes | None = None,
    aggregates: bool = True,
    title: str | None = None,
) -> Axes:
    """Cases x indicators: each cell's score, its band and (for aggregates) coverage.

    Rows are cases, columns the codebook's indicators followed (with ``aggregates``) by
    the dimensions and the overall score. Each cell shows the score, its band and, when the
    table has ``lo``/``hi``, the interval; aggregate cells computed from less than all of
    their inputs show their coverage. A missing score is a hatched grey cell marked
    "missing", never coloured as 0.

    Parameters
    ----------
    scores
        The scores to draw.
    cases
        Case ids, in row order (default: every case, by country and start date).
    ax
        The Axes to draw on (default: a new figure sized to the table).
    aggregates
        Also show the dimension and overall columns.
    title
        The title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    scores = _check_scores(scores, "plot_heatmap")
    cb = scores.codebook
    units = _units(scores, cases, "plot_heatmap")
    uids = units["uid"].to_numpy()
    cols: list[tuple[str, str, pd.DataFrame, str]] = [
        (c, c, scores.indicators, "indicator") for c in cb.indicator_codes
    ]
    if aggregates:
        cols += [(d, d.capitalize(), scores.dimensions, "dimension") for d in cb.dimension_codes]
        cols.append(("overall", "Overall", scores.overall, ""))
    nr, nc = len(uids), len(cols)
    val = np.full((nr, nc), np.nan)
    lo = np.full((nr, nc), np.nan)
    hi = np.full((nr, nc), np.nan)
    cov = np.full((nr, nc), np.nan)
    for j, (code, _, table, key) in enumerate(cols):
        t = table if not key else table.loc[table[key] == code]
        t = t.set_index("uid").reindex(uids)
        val[:, j] = t["score"].to_numpy(dtype=float)
        if {"lo", "hi"} <= set(t.columns):
            lo[:, j] = t["lo"].to_numpy(dtype=float)
            hi[:, j] = t["hi"].to_numpy(dtype=float)
        if "coverage" in t.columns:
            cov[:, j] = t["coverage"].to_numpy(dtype=float)
    ax = _new_axes(ax, (1.05 * nc + 3.4, 0.72 * nr + 2.4))
    cmap = _cmap(_SCORE_CMAP)
    norm = Normalize(cb.scale.min, cb.scale.max)
    image = ax.imshow(np.ma.masked_invalid(val), cmap=cmap, norm=norm, aspect="auto", interpolation="nearest")
    any_partial = False
    for i in range(nr):
        for j in range(nc):
            v = val[i, j]
            if not np.isfinite(v):
                ax.add_patch(
                    Rectangle(
                        (j - 0.5, i - 0.5),
                        1,
                        1,
                        facecolor=_MISSING_FACE,
                        edgecolor=_MISSING_EDGE,
                        hatch="///",
                        lw=0,
                        zorder=1,
                    )
                )
                ax.text(j, i, "missing", ha="center", va="center", fontsize=7.5, color="#404040", style="italic")
                continue
            colour = _text_colour(cmap, norm, v)
            lines = [f"{v:.2f}", cb.band(v) or ""]
            if np.isfinite(lo[i, j]) and np.isfinite(hi[i, j]):
                lines.append(f"[{lo[i, j]:.1f}, {hi[i, j]:.1f}]")
            if np.isfinite(cov[i, j]) and cov[i, j] < 1:
                lines.append(f"cov. {cov[i, j]:.0%}")
                any_partial = True
            ax.text(j, i - 0.12 * (len(lines) - 1), lines[0], ha="center", va="center", fontsize=9.5, color=colour)
            ax.text(
                j,
                i + 0.2 - 0.08 * (len(lines) - 2),
                "\n".join(lines[1:]),
                ha="center",
                va="center",
                fontsize=7,
                color=colour,
                linespacing=1.1,
            )
    n_ind = len(cb.indicator_codes)
    if aggregates:
        ax.axvline(n_ind - 0.5, color="white", lw=5)
    ax.set_xticks(range(nc))
    ax.set_xticklabels([c[1] for c in cols], fontsize=9)
    ax.xaxis.tick_top()
    ax.set_yticks(range(nr))
    ax.set_yticklabels(units["label"].astype(str).tolist(), fontsize=9)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_xlim(-0.5, nc - 0.5)
    ax.set_ylim(nr - 0.5, -0.5)
    bar = _figure(ax).colorbar(image, ax=ax, orientation="horizontal", fraction=0.05, pad=0.04, aspect=40)
    values, labels = _level_ticks(scores)
    bar.set_ticks(values)
    bar.set_ticklabels(labels, fontsize=8)
    bar.set_label("Score on the codebook's scale (band = nearest level)", fontsize=8.5)
    bar.outline.set_visible(False)
    notes = []
    if not np.isfinite(val).all():
        notes.append("Hatched: missing (no evidence, or coverage below the codebook's minimum), never counted as 0.")
    if any_partial:
        notes.append("cov. = share of the weight of the inputs that have a score.")
    if np.isfinite(lo).any():
        notes.append("[lo, hi] = interval of the score.")
    note = "\n".join(notes)
    ax.set_title(plot_text(title) if title else "Scores by case and indicator", fontsize=13, pad=12)
    ax.set_xlabel(note, fontsize=8, color=_GREY, labelpad=8)
    ax.xaxis.set_label_position("bottom")
    return ax


def _cmap(name: str, n: int | None = None) -> Colormap:
    import matplotlib as mpl

    cmap = mpl.colormaps[name]
    return cmap.resampled(n) if n else cmap


# --- securitization map ---------------------------------------------------------------------


def _place_labels(
    ax: Axes,
    xs: np.ndarray,
    ys: np.ndarray,
    texts: Sequence[str],
    *,
    fontsize: float = 8.5,
    colours: Sequence[str] | None = None,
    avoid: Sequence[np.ndarray] = (),
) -> None:
    """Label points without overlap: a greedy search over candidate offsets.

    Works in display space after the layout is computed; each label takes the candidate
    position (8 directions at growing distances) that overlaps least with the labels
    already placed, the points, the texts already in the Axes, the polylines in ``avoid``
    (data coordinates, shape (n, 2)) and the axes' edges. Far labels get a leader line.
    """
    if not len(xs):
        return
    fig = _figure(ax)
    fig.draw_without_rendering()
    px = fig.dpi / 72.0
    pts = ax.transData.transform(np.column_stack([xs, ys]))
    box = ax.get_window_extent()
    r_pt = 5.0  # half size of a marker, in points
    point_boxes = [(x - r_pt * px, y - r_pt * px, x + r_pt * px, y + r_pt * px) for x, y in pts]
    placed: list[tuple[float, float, float, float]] = []
    for t in ax.texts:
        e = t.get_window_extent()
        placed.append((e.x0, e.y0, e.x1, e.y1))
    for line in avoid:
        d = ax.transData.transform(np.asarray(line, dtype=float))
        for (xa, ya), (xb, yb) in itertools.pairwise(d):
            steps = max(int(math.hypot(xb - xa, yb - ya) / (4 * px)), 1)
            for f in np.linspace(0, 1, steps + 1):
                cx, cy = xa + f * (xb - xa), ya + f * (yb - ya)
                point_boxes.append((cx - px, cy - px, cx + px, cy + px))

    def overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
        w = min(a[2], b[2]) - max(a[0], b[0])
        h = min(a[3], b[3]) - max(a[1], b[1])
        return w * h if w > 0 and h > 0 else 0.0

    directions = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)]
    # the most crowded points first
    dists = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
    crowd = (dists < 60 * px).sum(axis=1)
    order = np.lexsort((np.arange(len(xs)), -crowd))
    for k in order:
        text = texts[k]
        w, h = (v * px for v in _text_size(text, fontsize))
        x0, y0 = pts[k]
        best: tuple[float, float, float, str, str, tuple[float, float, float, float]] | None = None
        for dist in (7.0, 14.0, 24.0, 36.0, 50.0):
            for dx, dy in directions:
                ox, oy = dx * dist * px, dy * dist * px
                if dx and dy:
                    ox, oy = ox * 0.75, oy * 0.75
                cx, cy = x0 + ox, y0 + oy
                left = cx if dx > 0 else (cx - w if dx < 0 else cx - w / 2)
                bottom = cy if dy > 0 else (cy - h if dy < 0 else cy - h / 2)
                b = (left, bottom, left + w, bottom + h)
                cost = sum(overlap(b, p) for p in placed) * 4
                cost += sum(overlap(b, p) for i, p in enumerate(point_boxes) if i != k) * 3
                inside = overlap(b, (box.x0, box.y0, box.x1, box.y1))
                cost += (w * h - inside) * 8
                cost += dist * px * 2  # prefer near positions
                ha = "left" if dx > 0 else ("right" if dx < 0 else "center")
                va = "bottom" if dy > 0 else ("top" if dy < 0 else "center")
                if best is None or cost < best[0]:
                    best = (cost, ox / px, oy / px, ha, va, b)
            if best is not None and best[0] <= dist * px * 2 + 1e-9:
                break
        if best is None:  # pragma: no cover - the loops above always run
            continue
        _, ox, oy, ha, va, b = best
        placed.append(b)
        far = math.hypot(ox, oy) > 20
        ax.annotate(
            text,
            xy=(xs[k], ys[k]),
            xytext=(ox, oy),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=fontsize,
            color=colours[k] if colours else "black",
            arrowprops={"arrowstyle": "-", "color": "#8c8c8c", "lw": 0.7, "shrinkA": 0, "shrinkB": 5} if far else None,
            zorder=5,
        )


def plot_map(
    scores: Scores,
    *,
    cases: Sequence[str] | None = None,
    x: str | None = None,
    y: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """The securitization map: institutional against practice score, one point per case.

    The dashed diagonal marks equal scores; a case below it has institutions more
    securitized than its practice (the gap between law and practice stands out), above it
    the reverse. Error bars show the ``lo``-``hi`` intervals of the dimension scores when
    the table has them. Cases missing either score are listed under the chart.

    Parameters
    ----------
    scores
        The scores to draw.
    cases
        Case ids to draw (default: every case).
    x, y
        The dimension codes on each axis (default: the codebook's first and second
        dimensions, ``institutional`` and ``practice``).
    ax
        The Axes to draw on.
    title
        The title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    scores = _check_scores(scores, "plot_map")
    cb = scores.codebook
    dims = list(cb.dimension_codes)
    if len(dims) < 2 and (x is None or y is None):
        raise ParameterError.invalid("scores", "plot_map", "scores from a codebook with two dimensions", dims)
    x = x or dims[0]
    y = y or dims[1]
    for name, value in (("x", x), ("y", y)):
        if value not in dims:
            raise ParameterError.invalid(name, "plot_map", f"a dimension code of the codebook ({dims})", value)
    units = _units(scores, cases, "plot_map")
    d = scores.dimensions

    def column(dim: str, col: str) -> np.ndarray:
        t = d.loc[d["dimension"] == dim].set_index("uid").reindex(units["uid"])
        return t[col].to_numpy(dtype=float) if col in t.columns else np.full(len(units), np.nan)

    xv, yv = column(x, "score"), column(y, "score")
    has_iv = {"lo", "hi"} <= set(d.columns)
    ax = _new_axes(ax, (7.5, 7.8))
    smin, smax = float(cb.scale.min), float(cb.scale.max)
    pad = 0.15
    ax.set_xlim(smin - pad, smax + pad)
    ax.set_ylim(smin - pad, smax + pad)
    ax.set_aspect("equal")
    for lo_b, _, _ in _band_edges(scores)[1:]:
        ax.axvline(lo_b, color="#e6e6e6", lw=0.8, zorder=0)
        ax.axhline(lo_b, color="#e6e6e6", lw=0.8, zorder=0)
    ax.plot([smin, smax], [smin, smax], ls="--", color="#7f7f7f", lw=1.2, zorder=1)
    pos = smin + 0.22 * (smax - smin)
    ax.annotate(
        "equal scores",
        xy=(pos, pos),
        xytext=(-3, 3),
        textcoords="offset points",
        rotation=45,
        rotation_mode="anchor",
        ha="center",
        va="bottom",
        fontsize=8.5,
        color="#6f6f6f",
    )
    ax.text(
        0.03,
        0.97,
        f"{y} ahead of {x}",
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=9,
        color="#8c8c8c",
        style="italic",
    )
    ax.text(
        0.97,
        0.03,
        f"{x} ahead of {y}",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=9,
        color="#8c8c8c",
        style="italic",
    )
    ok = np.isfinite(xv) & np.isfinite(yv)
    styles = {c: v for c, v in _country_styles(scores.units["country"]).items() if c in set(units.loc[ok, "country"])}
    if has_iv:
        xl, xh, yl, yh = column(x, "lo"), column(x, "hi"), column(y, "lo"), column(y, "hi")
    for country, (colour, marker) in styles.items():
        m = ok & (units["country"] == country).to_numpy()
        if has_iv:
            xerr = np.vstack([xv[m] - xl[m], xh[m] - xv[m]])
            yerr = np.vstack([yv[m] - yl[m], yh[m] - yv[m]])
            ax.errorbar(
                xv[m],
                yv[m],
                xerr=np.nan_to_num(xerr),
                yerr=np.nan_to_num(yerr),
                fmt="none",
                ecolor=colour,
                elinewidth=1.2,
                alpha=0.6,
                capsize=0,
                zorder=2,
            )
        ax.scatter(xv[m], yv[m], s=70, color=colour, marker=marker, edgecolor="white", lw=0.8, zorder=3, label=country)
    values, labels = _level_ticks(scores)
    ax.set_xticks(values)
    ax.set_xticklabels(labels, fontsize=8.5)
    ax.set_yticks(values)
    ax.set_yticklabels(labels, fontsize=8.5)
    x_codes = ", ".join(i.code for i in cb.indicators if i.dimension == x)
    y_codes = ", ".join(i.code for i in cb.indicators if i.dimension == y)
    ax.set_xlabel(f"{x.capitalize()} score ({x_codes})", fontsize=10)
    ax.set_ylabel(f"{y.capitalize()} score ({y_codes})", fontsize=10)
    ax.set_title(plot_text(title or f"Securitization map: {x} against {y}"), fontsize=13)
    ax.spines[["top", "right"]].set_visible(False)
    handles: list[Any] = [
        Line2D([], [], ls="", marker=m, color=c, ms=8, mec="white", label=k) for k, (c, m) in styles.items()
    ]
    if has_iv:
        handles.append(Line2D([], [], color="#7f7f7f", lw=1.2, alpha=0.6, label="interval"))
    skipped = units.loc[~ok, "label"].astype(str).tolist()
    ax.set_anchor("N")
    _below(ax, handles, note=_missing_note(skipped, f"{x} or {y} score missing", 90) if skipped else None)
    if ok.any():
        cols = [styles[c][0] for c in units.loc[ok, "country"]]
        diagonal = np.array([[smin, smin], [smax, smax]])
        avoid = [diagonal]
        if has_iv:
            for i in np.flatnonzero(ok):
                avoid.append(np.array([[xl[i], yv[i]], [xh[i], yv[i]]]))
                avoid.append(np.array([[xv[i], yl[i]], [xv[i], yh[i]]]))
        labels = units.loc[ok, "label"].astype(str).tolist()
        _place_labels(ax, xv[ok], yv[ok], labels, colours=cols, avoid=[a for a in avoid if np.isfinite(a).all()])
    return ax


# --- overall ranking ---------------------------------------------------------------------------


def _shade_bands(ax: Axes, scores: Scores, *, vertical: bool = True) -> None:
    for i, (lo, hi, label) in enumerate(_band_edges(scores)):
        colour = "#f0f0f0" if i % 2 == 0 else "#ffffff"
        if vertical:
            ax.axvspan(lo, hi, color=colour, zorder=0, lw=0)
            ax.text(
                (lo + hi) / 2,
                1.005,
                label,
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=8.5,
                color=_GREY,
            )
        else:
            ax.axhspan(lo, hi, color=colour, zorder=0, lw=0)


def plot_ranking(
    scores: Scores,
    *,
    cases: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """The overall ranking: one row per case, best-ranked (most securitized) first.

    Each case's overall score is a point, with its ``lo``-``hi`` interval when the table
    has one and its rank interval (``rank_lo``-``rank_hi``) in the label; the bands of the
    scale are shaded and named. A case without an overall score is listed at the bottom
    as missing, with its coverage.

    Parameters
    ----------
    scores
        The scores to draw.
    cases
        Case ids to draw (default: every case).
    ax
        The Axes to draw on.
    title
        The title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    scores = _check_scores(scores, "plot_ranking")
    cb = scores.codebook
    units = _units(scores, cases, "plot_ranking")
    ov = scores.overall.set_index("uid").reindex(units["uid"]).reset_index()
    ov["country"] = units["country"].to_numpy()
    ov["rank_order"] = pd.to_numeric(ov["rank"], errors="coerce").astype(float)
    ov = ov.sort_values(["rank_order", "label"], na_position="last", kind="stable").reset_index(drop=True)
    n = len(ov)
    ax = _new_axes(ax, (8.5, 0.42 * n + 1.9))
    _shade_bands(ax, scores)
    has_iv = {"lo", "hi"} <= set(ov.columns)
    has_rank_iv = {"rank_lo", "rank_hi"} <= set(ov.columns)
    styles = {
        c: v
        for c, v in _country_styles(scores.units["country"]).items()
        if c in set(ov.loc[ov["score"].notna(), "country"])
    }
    smin, smax = float(cb.scale.min), float(cb.scale.max)
    yl = []
    for i, r in enumerate(ov.itertuples(index=False)):
        s = float(r.score)
        if not np.isfinite(s):
            ax.text(
                smin + 0.05,
                i,
                f"missing (coverage {float(r.coverage):.0%})",
                va="center",
                ha="left",
                fontsize=8.5,
                color=_GREY,
                style="italic",
            )
            yl.append(f"– {r.label}")
            continue
        colour, marker = styles[str(r.country)]
        right = s
        if has_iv and np.isfinite(r.lo) and np.isfinite(r.hi):
            ax.plot([r.lo, r.hi], [i, i], color=colour, lw=2.2, alpha=0.55, solid_capstyle="butt", zorder=2)
            right = max(right, float(r.hi))
        ax.scatter([s], [i], s=60, color=colour, marker=marker, edgecolor="white", lw=0.8, zorder=3)
        extra = []
        if has_rank_iv and pd.notna(r.rank_lo) and pd.notna(r.rank_hi):
            a, b = int(r.rank_lo), int(r.rank_hi)
            extra.append(f"rank {a}" if a == b else f"rank {a}–{b}")
        if float(r.coverage) < 1:
            extra.append(f"coverage {float(r.coverage):.0%}")
        text = f"{s:.2f}" + (f"  ({'; '.join(extra)})" if extra else "")
        ax.annotate(
            text,
            xy=(right, i),
            xytext=(7, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=8.5,
            annotation_clip=False,
        )
        yl.append(f"{int(r.rank_order)}. {r.label}" if np.isfinite(r.rank_order) else str(r.label))
    ax.set_yticks(range(n))
    ax.set_yticklabels(yl, fontsize=9)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(smin, smax + 0.05 * (smax - smin))
    ax.set_xticks(_level_ticks(scores)[0])
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("Overall securitization score", fontsize=10)
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.set_title(plot_text(title) if title else "Overall securitization ranking", fontsize=13, pad=18)
    handles: list[Any] = [
        Line2D([], [], ls="", marker=m, color=c, ms=7, mec="white", label=k) for k, (c, m) in styles.items()
    ]
    if has_iv:
        handles.append(Line2D([], [], color="#7f7f7f", lw=2.2, alpha=0.55, label="interval"))
    if len(handles) > 1:
        _below(ax, handles)
    return ax


# --- a measure over time -------------------------------------------------------------------------


def _terms(scores: Scores, countries: Sequence[str]) -> pd.DataFrame:
    """One row per case of the given countries: case, country, label, start, end."""
    u = scores.units.loc[scores.units["country"].isin(countries)]
    terms = (
        u.groupby("case", sort=False)
        .agg(country=("country", "first"), label=("label", "first"), leader=("leader", "first"), start=("start", "min"))
        .reset_index()
    )
    ends = u.groupby("case", sort=False)["end"].agg(lambda s: pd.NaT if s.isna().any() else s.max())
    terms["end"] = ends.reindex(terms["case"]).to_numpy()
    if scores.by == "year":
        terms["label"] = terms["label"].astype(str).str.replace(r" \(\d{4}\)$", "", regex=True)
    return terms.sort_values(["country", "start"], kind="stable").reset_index(drop=True)


def _fit_label(label: str, leader: str, width_pt: float, fontsize: float) -> tuple[str, float] | None:
    """The term label wrapped to fit a width (points), or the leader's surname, or None."""
    for size in (fontsize, fontsize - 1):
        for lines in (1, 2, 3):
            wrapped = textwrap.wrap(label, max(4, math.ceil(len(label) / lines)))
            text = "\n".join(wrapped)
            if len(wrapped) <= 3 and _text_size(text, size)[0] <= width_pt:
                return text, size
    short = str(leader).split()[-1] if isinstance(leader, str) and leader.strip() else ""
    if short and _text_size(short, fontsize - 1)[0] <= width_pt:
        return short, fontsize - 1
    return None


def _shade_terms(
    ax: Axes,
    terms: pd.DataFrame,
    xmin: pd.Timestamp,
    xmax: pd.Timestamp,
    *,
    y0: float = 0.0,
    y1: float = 1.0,
    data_y: bool = False,
    label_y: float | None = None,
    fontsize: float = 8.0,
    width_in: float = 8.0,
) -> None:
    """Shade each term between xmin and xmax, from y0 to y1, and label it at the top.

    ``y0``/``y1`` are axes fractions (``data_y=False``) or data values; the label is
    written at ``label_y`` (default just under ``y1``) when it fits the term's width.
    """
    span_days = max((xmax - xmin).days, 1)
    trans = ax.transData if data_y else ax.get_xaxis_transform()
    for i, t in enumerate(terms.itertuples(index=False)):
        start = max(pd.Timestamp(t.start), xmin)
        end = min(pd.Timestamp(t.end) if not pd.isna(t.end) else xmax, xmax)
        if end <= start:
            continue
        colour = "#e3ebf4" if i % 2 == 0 else "#f5f5f5"
        x0 = float(mdates.date2num(start))
        x1 = float(mdates.date2num(end))
        ax.add_patch(
            Rectangle((x0, y0), x1 - x0, y1 - y0, transform=trans, facecolor=colour, edgecolor="none", zorder=0)
        )
        ax.plot([x0, x0], [y0, y1], transform=trans, color="#c8c8c8", lw=0.6, zorder=0)
        width_pt = (end - start).days / span_days * width_in * 72 - 4
        fit = _fit_label(str(t.label), str(t.leader), width_pt, fontsize)
        if fit is None:
            continue
        text, size = fit
        mid = float(mdates.date2num(start + (end - start) / 2))
        ax.text(
            mid,
            (y1 - 0.015) if label_y is None else label_y,
            text,
            transform=trans,
            ha="center",
            va="top",
            fontsize=size,
            color="#404040",
            linespacing=1.05,
            zorder=1,
        )


def _measure_frame(scores: Scores, measure: str) -> pd.DataFrame:
    obs = scores.measures.loc[scores.measures["measure"] == measure]
    if obs.empty and scores.prepared is not None:
        allm = scores.prepared.data.measures
        obs = allm.loc[allm["measure"] == measure]
    if obs.empty:
        raise ParameterError.invalid(
            "measure",
            "plot_measure",
            f"a measure of the scores' tables ({', '.join(available_measures(scores))})",
            measure,
        )
    return obs.drop_duplicates(["country", "measure", "period"]).sort_values(["country", "period_start"])


def available_measures(scores: Scores) -> list[str]:
    """The measures :func:`plot_measure` can draw: those of the dataset (or of the trail)."""
    names = set(scores.measures["measure"])
    if scores.prepared is not None:
        names |= set(scores.prepared.data.measures["measure"])
    return sorted(names)


def plot_measure(
    scores: Scores,
    measure: str,
    *,
    countries: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """One quantitative measure over time, with each administration's term shaded.

    Each observation is drawn at the middle of its period (a fiscal year, a calendar year,
    a month ...), joined by a line per country; each case's term (from ``scores.units``)
    is shaded and labelled. Values are drawn as recorded, with their unit.

    Parameters
    ----------
    scores
        The scores (their dataset holds every measure, the trail those used in scoring).
    measure
        The measure name, e.g. ``"ice_detention_midnight_pop"``.
    countries
        ISO alpha-3 codes to draw (default: every country with the measure).
    ax
        The Axes to draw on.
    title
        The title (default: the series' ``label`` from the measures table, or its name).

    Returns
    -------
    matplotlib.axes.Axes
    """
    scores = _check_scores(scores, "plot_measure")
    obs = _measure_frame(scores, measure)
    if countries is not None:
        countries = [countries] if isinstance(countries, str) else list(countries)
        obs = obs.loc[obs["country"].isin(countries)]
        if obs.empty:
            raise ParameterError.invalid(
                "countries", "plot_measure", f"countries with observations of {measure!r}", countries
            )
    ctry = list(dict.fromkeys(obs["country"]))
    ax = _new_axes(ax, (9.0, 4.8))
    start = pd.to_datetime(obs["period_start"])
    end = pd.to_datetime(obs["period_end"])
    mid = start + (end - start) / 2
    xmin = start.min() - pd.Timedelta(days=120)
    xmax = end.max() + pd.Timedelta(days=120)
    width_in = _figure(ax).get_figwidth() * ax.get_position().width
    _shade_terms(ax, _terms(scores, ctry), xmin, xmax, y1=1.0, label_y=0.985, width_in=width_in)
    styles = _country_styles([*scores.units["country"], *ctry])
    gaps = False
    for c in ctry:
        m = (obs["country"] == c).to_numpy()
        colour, marker = styles[c]
        values = obs.loc[m, "value"].to_numpy(dtype=float)
        x, v = _break_gaps(start[m], end[m], mid[m], values)
        if np.isnan(v).any():  # missing periods: a dotted line across, never a solid one
            gaps = True
            ax.plot(mdates.date2num(mid[m]), values, color=colour, lw=1.0, ls=":", zorder=2)
        ax.plot(x, v, color=colour, marker=marker, ms=5, lw=1.8, label=c, zorder=3)
    units = list(dict.fromkeys(obs["unit"].astype(str)))
    top = float(obs["value"].max())
    ax.set_ylim(0, top * 1.28 if top > 0 else 1)
    ax.set_xlim(mdates.date2num(xmin), mdates.date2num(xmax))
    _date_axis(ax, xmin, xmax)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    fiscal = obs["period"].astype(str).str.upper().str.startswith("FY").any()
    xlabel = "Period (each point at the middle of its period"
    if fiscal:
        month = pd.Timestamp(2000, scores.codebook.fiscal_year_start_month, 1).strftime("%B")
        xlabel += f"; fiscal years start in {month}"
    ax.set_xlabel(xlabel + ")", fontsize=9.5)
    ax.set_ylabel(" / ".join(units).capitalize(), fontsize=9.5)
    indicator = str(obs["indicator"].iloc[0])
    names = obs["label"].astype(str).str.strip() if "label" in obs.columns else pd.Series([], dtype=str)
    names = names.loc[names != ""]
    ax.set_title(
        plot_text(title) if title else f"{names.iloc[0] if len(names) else plot_text(measure)} ({indicator})",
        fontsize=12.5,
    )
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e0e0e0", lw=0.7)
    ax.set_axisbelow(True)
    handles = [Line2D([], [], color=styles[c][0], marker=styles[c][1], ms=5, lw=1.8, label=c) for c in ctry]
    n = len(obs)
    _below(
        ax,
        handles if len(ctry) > 1 else [],
        note=f"{n} observation{'s' if n != 1 else ''} of {measure}; sources in the measures table. "
        "Shaded: the term of each case." + (" Dotted: periods without an observation." if gaps else ""),
    )
    return ax


def _break_gaps(start: pd.Series, end: pd.Series, mid: pd.Series, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x (date numbers) and values with a NaN inserted where a period is missing.

    A gap is a pause between one period's end and the next one's start longer than half
    the typical period (so that missing years or months are not drawn as a straight line).
    """
    x = np.asarray(mdates.date2num(mid), dtype=float)
    if len(x) < 2:
        return x, values
    length = (end - start).dt.days.to_numpy(dtype=float)
    pause = (start.iloc[1:].to_numpy() - end.iloc[:-1].to_numpy()) / np.timedelta64(1, "D")
    cut = np.flatnonzero(pause > max(float(np.median(length)) / 2, 2.0)) + 1
    return np.insert(x, cut, np.nan), np.insert(values, cut, np.nan)


def _date_axis(ax: Axes, xmin: pd.Timestamp, xmax: pd.Timestamp) -> None:
    """Year ticks over long spans, concise month ticks over short ones."""
    if (xmax - xmin).days < 4 * 365:
        locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    else:
        ax.xaxis.set_major_locator(mdates.YearLocator(base=_year_step(xmin, xmax)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def _year_step(xmin: pd.Timestamp, xmax: pd.Timestamp) -> int:
    years = (xmax - xmin).days / 365.25
    for step in (1, 2, 4, 5, 10, 20):
        if years / step <= 14:
            return step
    return 50


# --- evidence timeline ----------------------------------------------------------------------------


def plot_timeline(
    scores: Scores,
    *,
    cases: Sequence[str] | None = None,
    countries: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """The evidence items by date and indicator, sized by weight, coloured by code.

    One row per indicator (per country and indicator when items of several countries are
    drawn); items of one row are spread over three lanes in date order so that items on
    nearby dates stay visible. Each case's term is shaded and labelled.

    Parameters
    ----------
    scores
        The scores whose evidence trail to draw.
    cases
        Case ids whose items to draw (default: every case).
    countries
        ISO alpha-3 codes whose items to draw (default: every country).
    ax
        The Axes to draw on.
    title
        The title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    scores = _check_scores(scores, "plot_timeline")
    cb = scores.codebook
    units = _units(scores, cases, "plot_timeline")
    if countries is not None:
        countries = [countries] if isinstance(countries, str) else list(countries)
        units = units.loc[units["country"].isin(countries)]
    items = scores.items.loc[scores.items["uid"].isin(units["uid"])].copy()
    items["country"] = items["uid"].map(units.set_index("uid")["country"])
    ctry = list(dict.fromkeys(units.loc[units["uid"].isin(items["uid"]), "country"])) or list(
        dict.fromkeys(units["country"])
    )
    codes = list(cb.indicator_codes)
    names = {i.code: i.name for i in cb.indicators}
    rows = [(c, i) for c in ctry for i in codes]
    multi = len(ctry) > 1
    nrows = len(rows)
    head = 0.8  # room above each country block for the term labels
    block = len(codes) + head
    ypos = {(c, i): k * block + head + j for k, c in enumerate(ctry) for j, i in enumerate(codes)}
    ax = _new_axes(ax, (11.0, 0.5 * (nrows + head * len(ctry)) + 2.0))
    n_items = len(items)
    thinned = n_items > MAX_TIMELINE_POINTS
    if thinned:  # one marker per country, indicator, month and code, sized by the items' total weight
        month = items["date"].dt.to_period("M").dt.to_timestamp() + pd.Timedelta(days=14)
        items = (
            items.assign(date=month, code=items["code"].round(1))
            .groupby(["country", "indicator", "date", "code"], sort=True, observed=True)["weight"]
            .sum()
            .reset_index()
        )
        items["evidence_id"] = ""
        items["weight"] = np.sqrt(items["weight"].to_numpy(dtype=float))
    items = items.sort_values(["country", "indicator", "date", "evidence_id"], kind="stable")
    base = np.array([ypos[(c, i)] for c, i in zip(items["country"], items["indicator"], strict=True)], dtype=float)
    lane = items.groupby(["country", "indicator"]).cumcount().to_numpy() % 3
    items["y"] = base + (lane - 1) * 0.24
    # continuous, so that an item whose coders' codes were consolidated to a half level
    # (median of 2 and 3 = 2.5) is drawn between the two level colours
    cmap = _cmap(_CODE_CMAP)
    norm = Normalize(cb.scale.min, cb.scale.max)
    # the terms of the cases drawn (an ongoing term ends at its last item), and every item
    shown = units.loc[units["country"].isin(ctry)]
    starts = [pd.Timestamp(shown["start"].min())]
    ends = [pd.Timestamp(shown["end"].max())] if shown["end"].notna().any() else []
    if len(items):
        starts.append(items["date"].min())
        ends.append(items["date"].max())
    xmin = min(starts) - pd.Timedelta(days=120)
    xmax = max(ends or [xmin + pd.Timedelta(days=365 * 4)]) + pd.Timedelta(days=120)
    width_in = _figure(ax).get_figwidth() * 0.62
    for k, c in enumerate(ctry):
        top, bottom = k * block - 0.5, (k + 1) * block - 0.5
        _shade_terms(
            ax,
            _terms(scores, [c]),
            xmin,
            xmax,
            y0=bottom,
            y1=top,
            data_y=True,
            label_y=top + 0.08,
            width_in=width_in,
            fontsize=7.5,
        )
        if k:
            ax.axhline(top, color="#404040", lw=0.8)
    ax.scatter(
        mdates.date2num(items["date"]),
        items["y"],
        s=28 * items["weight"].to_numpy(dtype=float),
        c=items["code"].to_numpy(dtype=float),
        cmap=cmap,
        norm=norm,
        edgecolor="#303030",
        lw=0.4,
        alpha=0.9,
        zorder=3,
    )
    ax.set_ylim(len(ctry) * block - 0.5, -0.5)
    have = set(zip(items["country"], items["indicator"], strict=True))
    for r in rows:
        if r not in have:
            ax.text(
                0.01,
                ypos[r],
                "no evidence items",
                transform=ax.get_yaxis_transform(),
                va="center",
                fontsize=8,
                color=_GREY,
                style="italic",
            )
    ax.set_yticks([ypos[r] for r in rows])
    ax.set_yticklabels(
        [f"{c} · {i} {names[i]}" if multi else f"{i} {names[i]}" for c, i in rows],
        fontsize=8.5,
    )
    ax.set_xlim(mdates.date2num(xmin), mdates.date2num(xmax))
    _date_axis(ax, xmin, xmax)
    ax.set_xlabel("Date of the evidence item", fontsize=9.5)
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(plot_text(title) if title else "Evidence timeline", fontsize=12.5)
    code_handles = [
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            ms=7,
            mfc=cmap(norm(lv.value)),
            mec="#303030",
            mew=0.4,
            label=f"{lv.value} {lv.label}",
        )
        for lv in cb.scale.levels
    ]
    ws = sorted({float(w) for w in items["weight"]}) or [1.0]
    if len(ws) > 4:
        ws = [ws[0], ws[len(ws) // 2], ws[-1]]
    size_handles = [
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            ms=math.sqrt(28 * w),
            mfc="#bfbfbf",
            mec="#303030",
            mew=0.4,
            label=f"{w * w:,.0f}" if thinned else f"{w:g}",
        )
        for w in ws
    ]
    header = Line2D([], [], ls="", marker="", label="Total weight" if thinned else "Weight")
    if thinned:
        ax.annotate(
            f"{n_items:,} items: one marker per month, indicator and code, its area proportional to the items' "
            "total weight",
            xy=(0, 1),
            xycoords="axes fraction",
            xytext=(0, 4),
            textcoords="offset points",
            fontsize=7.5,
            color=_GREY,
            va="bottom",
        )
    gap = Line2D([], [], ls="", marker="", label=" ")
    leg = ax.legend(
        handles=[*code_handles, gap, header, *size_handles],
        title="Code",
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        frameon=False,
        fontsize=8.5,
        title_fontsize=9,
        alignment="left",
    )
    for text in leg.get_texts():
        if text.get_text() in ("Weight", "Total weight"):
            text.set_fontsize(9)
            text.set_position((-22, 0))
    if not len(items):
        ax.text(0.5, 0.5, "no evidence items", transform=ax.transAxes, ha="center", color=_GREY, style="italic")
    return ax


# --- reliability and sensitivity --------------------------------------------------------------------


def plot_reliability(
    reliability: pd.DataFrame | Any,
    *,
    min_alpha: float | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Inter-coder agreement per indicator against the reliability gate.

    Parameters
    ----------
    reliability
        A table with columns ``indicator, alpha`` and optionally ``lo, hi`` (an interval
        of alpha), ``flagged`` (below the gate), ``name``, ``note`` and ``scope``, one row
        per indicator (a row ``scope == "overall"`` is drawn last, under a rule); or a
        result with ``.to_frame()`` (a :class:`~securitization.reliability.Reliability`).
        A missing alpha (too few doubly coded items) is written as such, not drawn.
    min_alpha
        The gate, drawn as a vertical line. Default: the result's ``min_alpha`` (its
        attribute or column), else 0.667, Krippendorff's threshold for tentative
        conclusions.
    ax
        The Axes to draw on.
    title
        The title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    frame = _as_frame(reliability, "plot_reliability", "reliability")
    _require(frame, ["indicator", "alpha"], "plot_reliability", "reliability")
    if min_alpha is None:
        own = getattr(reliability, "min_alpha", None)
        if isinstance(own, int | float):
            min_alpha = float(own)
        elif "min_alpha" in frame.columns and frame["min_alpha"].notna().any():
            min_alpha = float(frame["min_alpha"].dropna().iloc[0])
        else:
            min_alpha = 0.667
    if not (isinstance(min_alpha, int | float) and -1 <= float(min_alpha) <= 1):
        raise ParameterError.invalid("min_alpha", "plot_reliability", "a number between -1 and 1", min_alpha)
    frame = frame.reset_index(drop=True)
    if "scope" in frame.columns:
        frame = frame.sort_values("scope", key=lambda c: c.eq("overall"), kind="stable").reset_index(drop=True)
        overall_rows = frame["scope"].eq("overall").to_numpy()
    else:
        overall_rows = frame["indicator"].astype(str).eq("all").to_numpy()
    notes = frame["note"].fillna("").astype(str).tolist() if "note" in frame.columns else [""] * len(frame)
    n = len(frame)
    ax = _new_axes(ax, reliability_size(n))
    alpha = frame["alpha"].to_numpy(dtype=float)
    if "flagged" in frame.columns:
        flagged = frame["flagged"].fillna(False).to_numpy(dtype=bool)
    else:
        flagged = np.isfinite(alpha) & (alpha < min_alpha)
    has_iv = {"lo", "hi"} <= set(frame.columns)
    lo = frame["lo"].to_numpy(dtype=float) if has_iv else np.full(n, np.nan)
    hi = frame["hi"].to_numpy(dtype=float) if has_iv else np.full(n, np.nan)
    finite = np.concatenate([alpha[np.isfinite(alpha)], lo[np.isfinite(lo)], [0.0, min_alpha]])
    xmin = min(-0.05, float(finite.min()) - 0.05)
    ax.axvspan(xmin, min_alpha, color="#fbe9df", zorder=0, lw=0)
    ax.axvline(min_alpha, color="#D55E00", ls="--", lw=1.3, zorder=1)
    ax.text(
        min_alpha,
        1.01,
        f"gate α = {min_alpha:g}",
        transform=ax.get_xaxis_transform(),
        ha="center",
        va="bottom",
        fontsize=8.5,
        color="#D55E00",
    )
    ok_c, bad_c = OKABE_ITO[0], OKABE_ITO[1]
    for i in range(n):
        colour = bad_c if flagged[i] else ok_c
        if not np.isfinite(alpha[i]):
            ax.text(
                xmin + 0.02,
                i,
                notes[i] or "not enough doubly coded items",
                va="center",
                fontsize=8.5,
                color=_GREY,
                style="italic",
            )
            continue
        if np.isfinite(lo[i]) and np.isfinite(hi[i]):
            ax.plot([lo[i], hi[i]], [i, i], color=colour, lw=2.2, alpha=0.55, solid_capstyle="butt", zorder=2)
        ax.scatter([alpha[i]], [i], s=60, marker="X" if flagged[i] else "o", color=colour, edgecolor="white", zorder=3)
        ax.annotate(
            f"{alpha[i]:.2f}",
            xy=(max(alpha[i], hi[i]) if np.isfinite(hi[i]) else alpha[i], i),
            xytext=(7, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
            annotation_clip=False,
        )
    if overall_rows.any() and not overall_rows.all():
        ax.axhline(int(np.argmax(overall_rows)) - 0.5, color="#7f7f7f", lw=0.8)
    names = frame["name"].fillna("").astype(str).tolist() if "name" in frame.columns else [""] * n
    ticks = []
    for code, name, whole in zip(frame["indicator"].astype(str), names, overall_rows, strict=True):
        if whole:
            ticks.append("all indicators")
        else:
            ticks.append("\n".join(textwrap.wrap(f"{code} {name}".strip(), 30)))
    ax.set_yticks(range(n))
    ax.set_yticklabels(ticks, fontsize=9)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(xmin, 1.08)
    ax.set_xlabel("Krippendorff's alpha (inter-coder agreement)", fontsize=10)
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.set_title(plot_text(title) if title else "Coder reliability per indicator", fontsize=12.5, pad=18)
    handles: list[Any] = [
        Line2D([], [], ls="", marker="o", color=ok_c, ms=7, label="at or above the gate"),
        Line2D([], [], ls="", marker="X", color=bad_c, ms=7, label="flagged: below the gate"),
    ]
    if has_iv:
        handles.append(Line2D([], [], color="#7f7f7f", lw=2.2, alpha=0.55, label="interval"))
    _below(ax, handles)
    return ax


def plot_rank_intervals(
    sensitivity: pd.DataFrame | Scores | Any,
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """The rank of each case with its interval, from a sensitivity analysis.

    Parameters
    ----------
    sensitivity
        A table with columns ``label, rank_nominal`` (or ``rank``) and optionally
        ``rank_median``, ``rank_lo``, ``rank_hi`` (one row per case); a result with
        ``.to_frame()`` returning one (a :class:`~securitization.sensitivity.Sensitivity`);
        or :class:`Scores` whose overall table has ``rank`` (and ``rank_lo``/``rank_hi``
        after a bootstrap). Rank 1 is the most securitized.
    ax
        The Axes to draw on.
    title
        The title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if isinstance(sensitivity, Scores):
        ov = sensitivity.overall
        frame = pd.DataFrame(
            {
                "case": ov["case"],
                "label": ov["label"].map(plot_text),
                "rank_nominal": pd.to_numeric(ov["rank"], errors="coerce").astype(float),
            }
        )
        for c in ("rank_lo", "rank_hi", "rank_median"):
            if c in ov.columns:
                frame[c] = pd.to_numeric(ov[c], errors="coerce").astype(float)
    else:
        frame = _as_frame(sensitivity, "plot_rank_intervals", "sensitivity")
    if "rank_nominal" not in frame.columns and "rank" in frame.columns:
        frame = frame.assign(rank_nominal=frame["rank"])
    _require(frame, ["label", "rank_nominal"], "plot_rank_intervals", "sensitivity")
    frame = frame.assign(_r=pd.to_numeric(frame["rank_nominal"], errors="coerce").astype(float))
    frame = frame.sort_values(["_r", "label"], na_position="last", kind="stable").reset_index(drop=True)
    n = len(frame)
    ax = _new_axes(ax, (8.0, 0.45 * n + 1.9))
    has_iv = {"rank_lo", "rank_hi"} <= set(frame.columns)
    has_med = "rank_median" in frame.columns
    nominal = frame["_r"].to_numpy(dtype=float)
    lo = pd.to_numeric(frame["rank_lo"], errors="coerce").to_numpy(dtype=float) if has_iv else np.full(n, np.nan)
    hi = pd.to_numeric(frame["rank_hi"], errors="coerce").to_numpy(dtype=float) if has_iv else np.full(n, np.nan)
    med = pd.to_numeric(frame["rank_median"], errors="coerce").to_numpy(dtype=float) if has_med else np.full(n, np.nan)
    colour = OKABE_ITO[0]
    for i in range(n):
        if not np.isfinite(nominal[i]) and not np.isfinite(med[i]):
            ax.text(0.02, i, "no rank (missing score)", transform=ax.get_yaxis_transform(), va="center",
                    fontsize=8.5, color=_GREY, style="italic")  # fmt: skip
            continue
        if np.isfinite(lo[i]) and np.isfinite(hi[i]):
            ax.plot([lo[i], hi[i]], [i, i], color=colour, lw=5, alpha=0.35, solid_capstyle="round", zorder=2)
        if np.isfinite(nominal[i]):
            ax.scatter([nominal[i]], [i], s=80, marker="D", facecolor="white", edgecolor="black", lw=1.2, zorder=3)
        if np.isfinite(med[i]):
            ax.scatter([med[i]], [i], s=22, color=colour, zorder=4)
    top = np.nanmax(np.concatenate([nominal, hi, med, [1.0]]))
    ax.set_xlim(0.5, top + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_yticks(range(n))
    ax.set_yticklabels(frame["label"].astype(str).tolist(), fontsize=9)
    ax.set_ylim(n - 0.5, -0.5)
    ax.grid(axis="x", color="#e6e6e6", lw=0.7)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.set_xlabel("Rank (1 = most securitized)", fontsize=10)
    ax.set_title(plot_text(title) if title else "Rank intervals", fontsize=12.5)
    handles: list[Any] = [
        Line2D([], [], ls="", marker="D", mfc="white", mec="black", ms=7, label="nominal rank"),
    ]
    if has_med:
        handles.append(Line2D([], [], ls="", marker="o", color=colour, ms=4.5, label="median rank"))
    if has_iv:
        handles.append(Line2D([], [], color=colour, lw=5, alpha=0.35, label="rank interval"))
    _below(ax, handles)
    return ax
