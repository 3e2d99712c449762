"""Layout: label placement without collisions, legends below the axes, shaded bands and terms, date axes."""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle
from matplotlib.textpath import TextPath
from matplotlib.transforms import ScaledTranslation

from ..scoring import Scores

if TYPE_CHECKING:
    from matplotlib.axes import Axes
from ._front import GREY, band_edges, figure_of

__all__ = [
    "break_gaps",
    "date_axis",
    "decor_depth",
    "fit_label",
    "legend_below",
    "place_labels",
    "shade_bands",
    "shade_terms",
    "term_table",
    "text_size",
    "year_step",
]


def text_size(text: str, fontsize: float) -> tuple[float, float]:
    """Width and height of a text in points (no renderer needed)."""
    lines = text.split("\n")
    widths = [TextPath((0, 0), line or " ", size=fontsize).get_extents().width for line in lines]
    return max(widths), len(lines) * fontsize * 1.2


def decor_depth(ax: Axes) -> float:
    """How far (points) the Axes' tick labels and axis label reach below its frame."""
    fig = figure_of(ax)
    fig.draw_without_rendering()
    frame = ax.get_window_extent()
    tight = ax.get_tightbbox()
    depth = 0.0 if tight is None else max(frame.y0 - tight.y0, 0.0)
    return depth * 72.0 / fig.dpi


def legend_below(ax: Axes, handles: Sequence[Any], *, note: str | None = None, ncol: int | None = None) -> None:
    """A legend (and a note under it) below the Axes, clear of its tick and axis labels.

    Both are children of the Axes, so a constrained layout makes room for them.
    """
    if not handles and not note:
        return
    fig = figure_of(ax)
    pad = decor_depth(ax) + 6.0
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
            color=GREY,
            annotation_clip=False,
        )


def place_labels(
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
    fig = figure_of(ax)
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
        w, h = (v * px for v in text_size(text, fontsize))
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


def shade_bands(ax: Axes, scores: Scores, *, vertical: bool = True) -> None:
    for i, (lo, hi, label) in enumerate(band_edges(scores)):
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
                color=GREY,
            )
        else:
            ax.axhspan(lo, hi, color=colour, zorder=0, lw=0)


def term_table(scores: Scores, countries: Sequence[str]) -> pd.DataFrame:
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


def fit_label(label: str, leader: str, width_pt: float, fontsize: float) -> tuple[str, float] | None:
    """The term label wrapped to fit a width (points), or the leader's surname, or None."""
    for size in (fontsize, fontsize - 1):
        for lines in (1, 2, 3):
            wrapped = textwrap.wrap(label, max(4, math.ceil(len(label) / lines)))
            text = "\n".join(wrapped)
            if len(wrapped) <= 3 and text_size(text, size)[0] <= width_pt:
                return text, size
    short = str(leader).split()[-1] if isinstance(leader, str) and leader.strip() else ""
    if short and text_size(short, fontsize - 1)[0] <= width_pt:
        return short, fontsize - 1
    return None


def shade_terms(
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
        fit = fit_label(str(t.label), str(t.leader), width_pt, fontsize)
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


def break_gaps(start: pd.Series, end: pd.Series, mid: pd.Series, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def date_axis(ax: Axes, xmin: pd.Timestamp, xmax: pd.Timestamp) -> None:
    """Year ticks over long spans, concise month ticks over short ones."""
    if (xmax - xmin).days < 4 * 365:
        locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    else:
        ax.xaxis.set_major_locator(mdates.YearLocator(base=year_step(xmin, xmax)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def year_step(xmin: pd.Timestamp, xmax: pd.Timestamp) -> int:
    years = (xmax - xmin).days / 365.25
    for step in (1, 2, 4, 5, 10, 20):
        if years / step <= 14:
            return step
    return 50
