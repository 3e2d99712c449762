"""The indicator profile of each case (radar)."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..errors import ParameterError
from ..scoring import Scores
from ..text import plot_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
from ._front import (
    CASE_COLOURS,
    GREY,
    LINESTYLES,
    MARKERS,
    check_scores,
    level_ticks,
    missing_note,
    new_axes,
    select_units,
)
from .layout import legend_below

__all__ = ["plot_profile", "profile_size"]


def profile_size(scores: Scores, *, cases: Sequence[str] | None = None) -> tuple[float, float]:
    """The figure size (inches) of :func:`plot_profile`: room for a legend row per two cases drawn."""
    units = select_units(scores, cases, "profile_size")
    scored = scores.indicators.loc[scores.indicators["score"].notna(), "uid"]
    n = int(units["uid"].isin(scored).sum())  # cases without any indicator score are not drawn
    return (7.5, 7.2 + 0.22 * (n if n <= 4 else math.ceil(n / 2)))


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
    scores = check_scores(scores, "plot_profile")
    units = select_units(scores, cases, "plot_profile")
    ax = new_axes(ax, profile_size(scores, cases=cases), polar=True)
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
    palette = CASE_COLOURS
    handles: list[Any] = []
    for k, (label, rows) in enumerate(todo):
        r = rows["score"].to_numpy(dtype=float)
        colour = palette[k % len(palette)]
        style = LINESTYLES[(k // len(palette)) % len(LINESTYLES)]
        marker = MARKERS[k % len(MARKERS)]
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
    values, labels = level_ticks(scores)
    ax.set_yticks(values[1:])
    ax.set_yticklabels(labels[1:], fontsize=8, color=GREY)
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
    note = missing_note(skipped, "no indicator score", 90) if skipped else None
    legend_below(ax, handles, note=note, ncol=1 if len(handles) <= 4 else 2)
    return ax
