"""Layout: label placement without collisions, legends below the axes, shaded bands and terms, date axes."""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.patches import Rectangle
from matplotlib.textpath import TextPath
from matplotlib.transforms import ScaledTranslation

from ..scoring import Scores

if TYPE_CHECKING:
    from matplotlib.axes import Axes
from ._front import GREY, band_edges, figure_of

__all__ = [
    "LABEL_DISTANCES",
    "Placement",
    "break_gaps",
    "date_axis",
    "decor_depth",
    "fit_label",
    "legend_below",
    "pack_1d",
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
        width_pt = ax.get_window_extent().width * 72.0 / fig.dpi  # centred under the Axes: as wide as they are
        chars = max(int(width_pt / (8 * 0.52)), 40)  # fontsize 8: about 0.52 em per character
        note = "\n".join(w for line in note.split("\n") for w in (textwrap.wrap(line, chars) or [""]))
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


def _overlaps(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Overlap area of one box (x0, y0, x1, y1) with each of ``others`` (shape (m, 4))."""
    if not len(others):
        return np.zeros(0)
    w = np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0])
    h = np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1])
    return np.where((w > 0) & (h > 0), w * h, 0.0)


def _crosses(a: np.ndarray, b: np.ndarray, boxes: np.ndarray) -> int:
    """How many of ``boxes`` the segment a-b passes through (sampled every few pixels)."""
    if not len(boxes):
        return 0
    steps = max(int(np.hypot(*(b - a)) / 3.0), 2)
    t = np.linspace(0.08, 0.92, steps)[:, None]
    p = a + t * (b - a)
    inside = (
        (p[:, None, 0] > boxes[None, :, 0])
        & (p[:, None, 0] < boxes[None, :, 2])
        & (p[:, None, 1] > boxes[None, :, 1])
        & (p[:, None, 1] < boxes[None, :, 3])
    )
    return int(inside.any(axis=0).sum())


#: The candidate offsets of a label from its point: 16 directions at growing distances (points).
LABEL_DISTANCES = (6.0, 12.0, 20.0, 30.0, 42.0, 56.0, 72.0, 92.0, 115.0)
_ANGLES = np.deg2rad(np.arange(0, 360, 22.5))


@dataclass(frozen=True, kw_only=True)
class Placement:
    """Where :func:`place_labels` put each label, in display pixels (for tests and callers)."""

    boxes: np.ndarray  # (n, 4): x0, y0, x1, y1 of each label
    points: np.ndarray  # (n, 2): the labelled points
    leaders: np.ndarray  # (n,) bool: drawn with a leader line

    def overlaps(self) -> int:
        """The number of pairs of labels whose boxes overlap."""
        n = len(self.boxes)
        return sum(int((_overlaps(self.boxes[i], self.boxes[i + 1 :]) > 0).sum()) for i in range(n))

    def covered_points(self, radius: float) -> int:
        """The number of (label, other point) pairs where a label covers another point's marker."""
        out = 0
        for i, box in enumerate(self.boxes):
            others = np.delete(self.points, i, axis=0)
            marks = np.column_stack([others - radius, others + radius])
            out += int((_overlaps(box, marks) > 0).sum())
        return out


def place_labels(
    ax: Axes,
    xs: np.ndarray,
    ys: np.ndarray,
    texts: Sequence[str],
    *,
    fontsize: float = 8.5,
    colours: Sequence[str] | None = None,
    avoid: Sequence[np.ndarray] = (),
    marker_size: float = 5.0,
) -> Placement:
    """Label points without collisions: a search over candidate positions, then refinement.

    Works in display space after the layout is computed. Each label may sit at one of 16
    directions from its point, at the distances of :data:`LABEL_DISTANCES`; a position
    costs its overlap with the other labels (most), with the points' markers, with the
    texts already in the Axes, with the polylines in ``avoid`` (data coordinates, shape
    (n, 2): the diagonal, the intervals) and with the space outside the Axes, plus its
    distance from the point and the labels its leader line would cross. Labels are placed
    greedily, the most crowded points first, then each is moved to its best position
    given all the others, until nothing changes (at most 6 rounds). Deterministic: the
    same points give the same positions. A label placed farther than 14 points from its
    point gets a leader line.

    Returns the :class:`Placement` (boxes in display pixels), so that a test can check
    that no two labels overlap.
    """
    n = len(xs)
    if not n:
        return Placement(boxes=np.zeros((0, 4)), points=np.zeros((0, 2)), leaders=np.zeros(0, dtype=bool))
    fig = figure_of(ax)
    fig.draw_without_rendering()
    px = fig.dpi / 72.0
    pts = ax.transData.transform(np.column_stack([xs, ys]))
    frame = ax.get_window_extent()
    r = marker_size * px
    marks = np.column_stack([pts - r, pts + r])
    fixed = [(t.get_window_extent().x0, t.get_window_extent().y0, t.get_window_extent().x1, t.get_window_extent().y1)
             for t in ax.texts]  # fmt: skip
    lines = []
    for line in avoid:
        d = ax.transData.transform(np.asarray(line, dtype=float))
        for (xa, ya), (xb, yb) in itertools.pairwise(d):
            steps = max(int(math.hypot(xb - xa, yb - ya) / (3 * px)), 1)
            f = np.linspace(0, 1, steps + 1)[:, None]
            c = np.array([xa, ya]) + f * np.array([xb - xa, yb - ya])
            lines.append(np.column_stack([c - 0.8 * px, c + 0.8 * px]))
    line_boxes = np.concatenate(lines) if lines else np.zeros((0, 4))
    fixed_boxes = np.asarray(fixed, dtype=float).reshape(-1, 4)
    sizes = [tuple(v * px for v in text_size(t, fontsize)) for t in texts]
    # every candidate of every label: box, offset (points), alignment
    cands: list[list[tuple[np.ndarray, float, float, str, str, float]]] = []
    for k in range(n):
        w, h = sizes[k]
        x0, y0 = pts[k]
        mine = []
        for dist in LABEL_DISTANCES:
            for a in _ANGLES:
                dx, dy = math.cos(a), math.sin(a)
                dx, dy = (0.0 if abs(dx) < 1e-9 else dx), (0.0 if abs(dy) < 1e-9 else dy)
                ox, oy = dx * (dist + marker_size * 0.6), dy * (dist + marker_size * 0.6)
                cx, cy = x0 + ox * px, y0 + oy * px
                ha = "left" if dx > 0.3 else ("right" if dx < -0.3 else "center")
                va = "bottom" if dy > 0.3 else ("top" if dy < -0.3 else "center")
                left = cx if ha == "left" else (cx - w if ha == "right" else cx - w / 2)
                bottom = cy if va == "bottom" else (cy - h if va == "top" else cy - h / 2)
                mine.append((np.array([left, bottom, left + w, bottom + h]), ox, oy, ha, va, dist))
        cands.append(mine)
    frame_box = np.array([[frame.x0, frame.y0, frame.x1, frame.y1]])
    other_marks = [np.delete(marks, k, axis=0) for k in range(n)]

    def cost(k: int, c: tuple[np.ndarray, float, float, str, str, float], placed: np.ndarray) -> float:
        box, _, _, _, _, dist = c
        area = (box[2] - box[0]) * (box[3] - box[1])
        total = 40.0 * _overlaps(box, placed).sum()
        total += 6.0 * _overlaps(box, other_marks[k]).sum()
        total += 4.0 * _overlaps(box, fixed_boxes).sum()
        total += 1.5 * _overlaps(box, line_boxes).sum()
        total += 20.0 * (area - _overlaps(box, frame_box).sum())
        total += dist * px * 1.5
        if dist > 14:  # a leader line: each label or marker it crosses costs
            anchor = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
            total += 400.0 * _crosses(pts[k], anchor, np.concatenate([placed, other_marks[k]]))
        return float(total)

    dists = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
    crowd = (dists < 60 * px).sum(axis=1)
    order = np.lexsort((np.arange(n), -crowd))
    choice = [0] * n
    boxes = np.full((n, 4), np.nan)
    for k in order:
        placed = boxes[np.isfinite(boxes[:, 0])]
        costs = [cost(k, c, placed) for c in cands[k]]
        choice[k] = int(np.argmin(costs))
        boxes[k] = cands[k][choice[k]][0]
    for _ in range(10):
        moved = False
        for k in order:
            others = np.delete(boxes, k, axis=0)
            costs = [cost(k, c, others) for c in cands[k]]
            best = int(np.argmin(costs))
            if costs[best] < costs[choice[k]] - 1e-9:
                choice[k], boxes[k], moved = best, cands[k][best][0], True
        if not moved:
            break
    leaders = np.zeros(n, dtype=bool)
    for k in range(n):
        _, ox, oy, ha, va, dist = cands[k][choice[k]]
        leaders[k] = dist > 14
        ax.annotate(
            texts[k],
            xy=(xs[k], ys[k]),
            xytext=(ox, oy),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=fontsize,
            color=colours[k] if colours else "black",
            arrowprops={"arrowstyle": "-", "color": "#8c8c8c", "lw": 0.6, "shrinkA": 0, "shrinkB": marker_size}
            if leaders[k]
            else None,
            zorder=5,
            path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")],
        )
    return Placement(boxes=boxes, points=pts, leaders=leaders)


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
            wrapped = textwrap.wrap(
                label, max(4, math.ceil(len(label) / lines)), break_long_words=False, break_on_hyphens=False
            )
            text = "\n".join(wrapped)
            if len(wrapped) <= 3 and text_size(text, size)[0] <= width_pt:
                return text, size
    short = str(leader).split()[-1] if isinstance(leader, str) and leader.strip() else ""
    if short and text_size(short, fontsize - 1)[0] <= width_pt:
        return short, fontsize - 1
    return None


def pack_1d(centres: Sequence[float], widths: Sequence[float], lo: float, hi: float, gap: float = 4.0) -> np.ndarray:
    """Centres of labels on a line, as near their wish as they can be without overlapping.

    ``centres`` (sorted ascending) and ``widths`` in one unit (points); the labels stay
    within ``[lo, hi]`` and at least ``gap`` apart. Each cluster of labels that would
    overlap is centred on the mean of its wishes, then clusters that touch are merged,
    until none overlaps (the classic one-dimensional label placement); labels wider than
    the line together are spread from ``lo``. Deterministic.
    """
    c = np.asarray(centres, dtype=float)
    w = np.asarray(widths, dtype=float) + gap
    n = len(c)
    if not n:
        return c
    if w.sum() >= hi - lo:
        return lo + np.cumsum(w) - w / 2
    clusters = [[i] for i in range(n)]

    def place(cl: list[int]) -> tuple[float, float]:
        width = float(w[cl].sum())
        start = float(np.mean(c[cl] - (np.cumsum(w[cl]) - w[cl] / 2)))
        start = min(max(start, lo), hi - width)
        return start, start + width

    merged = True
    while merged:
        merged = False
        spans = [place(cl) for cl in clusters]
        for k in range(len(clusters) - 1):
            if spans[k][1] > spans[k + 1][0] + 1e-9:
                clusters[k : k + 2] = [clusters[k] + clusters[k + 1]]
                merged = True
                break
    out = np.empty(n)
    for cl in clusters:
        start, _ = place(cl)
        out[cl] = start + np.cumsum(w[cl]) - w[cl] / 2
    return out


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
    width_in: float | None = None,
    shade: bool = True,
) -> None:
    """Shade each term between xmin and xmax, from y0 to y1, and label every term at the top.

    ``y0``/``y1`` are axes fractions (``data_y=False``) or data values; the labels are
    written at ``label_y`` (default just under ``y1``). A label is wrapped to fit its
    term's width (:func:`fit_label`); a term too short for it gets the leader's surname and first year,
    and the labels are then moved apart along the line where they would overlap
    (:func:`pack_1d`), with a short leader line from a label moved off its term.
    ``width_in`` is the Axes' width in inches (default: measured from the figure's layout,
    so call this once the rest of the chart is drawn). ``shade=False`` draws only the
    terms' boundaries and labels (for a chart that shades something else).
    """
    span_days = max((xmax - xmin).days, 1)
    trans = ax.transData if data_y else ax.get_xaxis_transform()
    if width_in is None:
        fig = figure_of(ax)
        fig.draw_without_rendering()
        width_in = ax.get_window_extent().width / fig.dpi
    width_pt = width_in * 72
    shown = []
    for i, t in enumerate(terms.itertuples(index=False)):
        start = max(pd.Timestamp(t.start), xmin)
        end = min(pd.Timestamp(t.end) if not pd.isna(t.end) else xmax, xmax)
        if end <= start:
            continue
        colour = "#e3ebf4" if i % 2 == 0 else "#f5f5f5"
        x0 = float(mdates.date2num(start))
        x1 = float(mdates.date2num(end))
        if shade:
            ax.add_patch(
                Rectangle((x0, y0), x1 - x0, y1 - y0, transform=trans, facecolor=colour, edgecolor="none", zorder=0)
            )
        ax.plot([x0, x0], [y0, y1], transform=trans, color="#c8c8c8" if shade else "#8c8c8c", lw=0.6, zorder=0.6)
        a_pt = (start - xmin).days / span_days * width_pt
        b_pt = (end - xmin).days / span_days * width_pt
        fit = fit_label(str(t.label), str(t.leader), b_pt - a_pt - 4, fontsize)
        if fit is None:  # too short a term: the surname and the first year (or the label), beside it
            has_leader = isinstance(t.leader, str) and t.leader.strip()
            short = f"{str(t.leader).split()[-1]} {start:%Y}" if has_leader else str(t.label)
            fit = (short, fontsize - 1)
        shown.append((a_pt, b_pt, fit[0], fit[1]))
    if not shown:
        return
    widths = [text_size(text, size)[0] for _, _, text, size in shown]
    centres = pack_1d([(a + b) / 2 for a, b, _, _ in shown], widths, 0.0, width_pt, gap=4.0)
    y = (y1 - 0.015) if label_y is None else label_y
    for (a_pt, b_pt, text, size), centre, w in zip(shown, centres, widths, strict=True):
        x = mdates.date2num(xmin) + centre / width_pt * span_days
        ax.text(x, y, text, transform=trans, ha="center", va="top", fontsize=size, color="#404040",
                linespacing=1.05, zorder=1)  # fmt: skip
        if centre - w / 2 < a_pt - 2 or centre + w / 2 > b_pt + 2:  # moved off its term: a tick to it
            mid = mdates.date2num(xmin) + (a_pt + b_pt) / 2 / width_pt * span_days
            ax.annotate("", xy=(mid, y), xycoords=trans, xytext=(x, y), textcoords=trans,
                        arrowprops={"arrowstyle": "-", "color": "#9a9a9a", "lw": 0.6, "shrinkA": w / 2 + 1,
                                    "shrinkB": 0}, zorder=1)  # fmt: skip


def break_gaps(start: pd.Series, end: pd.Series, mid: pd.Series, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x (date numbers) and values with a NaN inserted where a period is missing.

    A gap is a pause between one period's end and the next one's start longer than half
    the typical period (so that missing years or months are not drawn as a straight line).
    Observations on a day (periods under a week: a count on a date) have no length to
    compare with: for them a gap is a step between two observations more than one and a
    half times the typical step.
    """
    x = np.asarray(mdates.date2num(mid), dtype=float)
    if len(x) < 2:
        return x, values
    length = (end - start).dt.days.to_numpy(dtype=float)
    pause = (start.iloc[1:].to_numpy() - end.iloc[:-1].to_numpy()) / np.timedelta64(1, "D")
    if float(np.median(length)) < 7:
        step = np.diff(start.to_numpy()) / np.timedelta64(1, "D")
        cut = np.flatnonzero(step > 1.5 * float(np.median(step))) + 1
    else:
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
