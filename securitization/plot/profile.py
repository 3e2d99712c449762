"""The indicator profile of each case: small multiples (one panel per case), or a radar for a few cases."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ..errors import ParameterError
from ..scoring import Scores
from ..text import plot_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
from ._front import (
    BUNDLED_CASES,
    GREY,
    LINESTYLES,
    case_styles,
    check_scores,
    draw_interval,
    figure_of,
    interval_handles,
    interval_spec,
    level_ticks,
    missing_note,
    new_axes,
    select_units,
    status_labels,
)
from .layout import legend_below

__all__ = ["MAX_RADAR_CASES", "ProfileKind", "plot_profile", "profile_reference", "profile_size"]

ProfileKind = Literal["panels", "radar"]
_KINDS: tuple[str, ...] = ("panels", "radar")

#: The radar is legible for at most this many cases overlaid; draw more as panels.
MAX_RADAR_CASES = 3
#: At most this many panels in a row.
MAX_COLUMNS = 7
_PANEL_W, _PANEL_H = 1.55, 2.05  # inches
_LEFT, _RIGHT, _TOP = 0.55, 0.1, 0.5  # inches


def _kind(kind: object, caller: str) -> str:
    if kind not in _KINDS:
        raise ParameterError.invalid("kind", caller, "'panels' or 'radar'", kind)
    return str(kind)


def _drawn(scores: Scores, cases: Sequence[str] | None, caller: str) -> tuple[pd.DataFrame, list[str]]:
    """The units with an indicator score (in order), and the labels of those without."""
    units = select_units(scores, cases, caller)
    scored = set(scores.indicators.loc[scores.indicators["score"].notna(), "uid"])
    has = units["uid"].isin(scored).to_numpy()
    return units.loc[has], units.loc[~has, "label"].astype(str).tolist()


def _grid(units: pd.DataFrame) -> tuple[int, list[tuple[int, int]]]:
    """Columns and (row, column) per panel: a row (or rows) per country when they fit."""
    n = len(units)
    counts = units.groupby("country", sort=False).size()
    if len(counts) > 1 and counts.max() <= MAX_COLUMNS:
        ncols = int(counts.max())
        cells = [(row, j) for row, k in enumerate(counts.to_numpy()) for j in range(int(k))]
        return ncols, cells
    ncols = min(n, MAX_COLUMNS if n > 8 else 4) or 1
    return ncols, [(i // ncols, i % ncols) for i in range(n)]


def profile_size(
    scores: Scores, *, cases: Sequence[str] | None = None, kind: ProfileKind = "panels"
) -> tuple[float, float]:
    """The figure size (inches) of :func:`plot_profile`: a panel per case, or a square radar."""
    units, _ = _drawn(scores, cases, "profile_size")
    if _kind(kind, "profile_size") == "radar":
        return (7.5, 7.9)
    ncols, cells = _grid(units)
    nrows = max((r for r, _ in cells), default=0) + 1
    width = max(_LEFT + _RIGHT + ncols * _PANEL_W, 5.0)
    return (width, _TOP + nrows * _PANEL_H + 1.3)


def profile_reference(scores: Scores) -> tuple[pd.DataFrame, str]:
    """The reference profile of :func:`plot_profile`: the median score per indicator.

    The median over the bundled cases among the scores (those of :data:`BUNDLED_CASES`),
    or, when the scores hold none, over every case scored. A description of the tables, not
    an estimate: no interval. Returns the table (``indicator, median, n_cases``) and its
    legend label.
    """
    ind = scores.indicators
    bundled = ind["case"].isin(BUNDLED_CASES)
    if bundled.any():
        ind, what = ind.loc[bundled], "bundled cases"
    else:
        what = "cases scored"
    ok = ind.loc[ind["score"].notna()]
    table = (
        ok.groupby("indicator", sort=False)
        .agg(median=("score", "median"), n_cases=("uid", "nunique"))
        .reindex(list(scores.codebook.indicator_codes))
        .reset_index()
    )
    n = int(ok["uid"].nunique())
    return table, f"median of the {n} {what}"


def plot_profile(
    scores: Scores,
    *,
    cases: Sequence[str] | None = None,
    kind: ProfileKind | None = None,
    reference: bool = True,
    ax: Axes | None = None,
    intervals: bool = True,
    title: str | None = None,
) -> Axes:
    """The indicator profile of each case: one small panel per case, or a radar of a few.

    ``kind="panels"`` (default): one panel per case (a row per country when the countries
    have at most seven cases each), the indicators along the bottom, the score up the side
    (the scale's minimum to maximum). Each score is a point in the case's colour and
    marker, with its intervals in the common style (thick bar 68%, thin line the
    ``ci_prob`` interval) when the table carries them; a missing indicator is marked
    "n/a", never drawn as 0; the median of the bundled cases (see
    :func:`profile_reference`) is a grey step line in every panel.

    ``kind="radar"``: the cases overlaid on one polar Axes (at most
    :data:`MAX_RADAR_CASES`), one spoke per indicator from the scale's minimum (centre) to
    its maximum (rim), intervals along the spokes in the same style, kept inside the rim.

    A case with no indicator score at all is listed under the chart.

    Parameters
    ----------
    scores
        The scores to draw.
    cases
        Case ids to draw, in this order (default: every case).
    kind
        ``"panels"`` or ``"radar"`` (default: the radar when ``ax`` is a polar Axes, else
        the panels).
    reference
        Draw the median profile of the bundled cases (of every case when there is none).
    ax
        The Axes to draw on (polar for the radar; default: a new figure). The panels are
        drawn as inset Axes of ``ax``, whose own frame is hidden.
    intervals
        Draw the intervals when the table carries them.
    title
        The title (default: a description of the chart).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (for the panels: the Axes holding them; ``ax.child_axes`` are
        the panels, in the order of the cases).
    """
    scores = check_scores(scores, "plot_profile")
    if kind is None:  # a polar Axes given: the radar it was made for
        kind = "radar" if ax is not None and getattr(ax, "name", "") == "polar" else "panels"
    kind = "radar" if _kind(kind, "plot_profile") == "radar" else "panels"
    units, skipped = _drawn(scores, cases, "plot_profile")
    if kind == "radar" and len(units) > MAX_RADAR_CASES:
        raise ParameterError.invalid(
            "kind",
            "plot_profile",
            f"'panels' for more than {MAX_RADAR_CASES} cases (a radar of more cases hides them behind each other)",
            f"'radar' with {len(units)} cases",
        )
    ax = new_axes(ax, profile_size(scores, cases=cases, kind=kind), polar=kind == "radar")
    is_polar = getattr(ax, "name", "") == "polar"
    if is_polar != (kind == "radar"):
        want = "a polar Axes (e.g. fig.add_subplot(projection='polar'))" if kind == "radar" else "a Cartesian Axes"
        raise ParameterError.invalid("ax", "plot_profile", f"{want} for kind={kind!r}", ax.name)
    spec = interval_spec(scores, scores.indicators)
    if not intervals:
        spec = type(spec)(thin=None, thick=None, prob=spec.prob, varies=spec.varies)
    ref, ref_label = profile_reference(scores) if reference else (None, "")
    styles = case_styles(scores.units)
    draw = _radar if kind == "radar" else _panels
    handles = draw(ax, scores, units, styles, spec, ref)
    if ref is not None:
        handles.append(Line2D([], [], color=GREY, lw=1.3, ls="--", label=ref_label))
    handles += interval_handles(spec)
    notes = []
    if spec.any:
        notes.append(f"Intervals over {spec.varies}.")
    if skipped:
        notes.append(missing_note(skipped, "no indicator score", 100))
    default = "Indicator profiles" if kind == "panels" else "Indicator profiles (radar)"
    ax.set_title(plot_text(title) if title else default, fontsize=13, pad=24 if kind == "radar" else 8)
    fits = max(int(figure_of(ax).get_figwidth() / 2.4), 1)  # legend columns the figure's width holds
    legend_below(ax, handles, note="\n".join(notes) or None, ncol=min(len(handles), 4, fits) or None)
    return ax


def _rows(scores: Scores, uid: object) -> pd.DataFrame:
    ind = scores.indicators
    return ind.loc[ind["uid"] == uid].set_index("indicator").reindex(list(scores.codebook.indicator_codes))


def _pairs(rows: pd.DataFrame, cols: tuple[str, str] | None) -> list[tuple[float, float] | None]:
    if cols is None:
        return [None] * len(rows)
    lo, hi = rows[cols[0]].to_numpy(dtype=float), rows[cols[1]].to_numpy(dtype=float)
    return [(float(a), float(b)) for a, b in zip(lo, hi, strict=True)]


def _panels(ax: Axes, scores: Scores, units: pd.DataFrame, styles: Any, spec: Any, ref: Any) -> list[Any]:
    cb = scores.codebook
    codes = list(cb.indicator_codes)
    n_ind = len(codes)
    ax.set_axis_off()
    fig = figure_of(ax)
    w_in, h_in = fig.get_figwidth() * ax.get_position().width, fig.get_figheight() * ax.get_position().height
    ncols, cells = _grid(units)
    nrows = max((r for r, _ in cells), default=0) + 1
    gap_x, gap_y = 0.12 / max(w_in, 1e-6), 0.5 / max(h_in, 1e-6)  # axes fractions
    left = min(_LEFT / max(w_in, 1e-6), 0.3)
    pw = (1 - left - gap_x * (ncols - 1)) / ncols
    ph = (1 - gap_y * nrows) / nrows
    values, labels = level_ticks(scores)
    smin, smax = float(cb.scale.min), float(cb.scale.max)
    dims = [i.dimension for i in cb.indicators]
    split = [k + 0.5 for k in range(n_ind - 1) if dims[k] != dims[k + 1]]
    x = np.arange(n_ind, dtype=float)
    titles = status_labels(scores, units)
    seen: dict[str, Any] = {}
    for (r, c), u, name in zip(cells, units.itertuples(index=False), titles, strict=True):
        p = ax.inset_axes((left + c * (pw + gap_x), 1 - (r + 1) * ph - r * gap_y - gap_y, pw, ph))
        st = styles[str(u.case)]
        rows = _rows(scores, u.uid)
        y = rows["score"].to_numpy(dtype=float)
        for lo_b in values[1:]:
            p.axhline(lo_b - 0.5, color="#ececec", lw=0.6, zorder=0)
        for s in split:
            p.axvline(s, color="#bdbdbd", lw=0.7, zorder=0)
        if ref is not None:
            med = ref["median"].to_numpy(dtype=float)
            p.hlines(med, x - 0.42, x + 0.42, color=GREY, lw=1.1, ls="--", zorder=1)
        for xi, thin, thick in zip(x, _pairs(rows, spec.thin), _pairs(rows, spec.thick), strict=True):
            draw_interval(p, xi, thin, thick, st.colour, vertical=True)
        p.plot(x, y, color=st.colour, lw=0.9, alpha=0.6, zorder=2)
        p.plot(x, y, ls="", marker=st.marker, ms=5.5, color=st.colour, mec="white", mew=0.6, zorder=3)
        for xi in x[~np.isfinite(y)]:
            p.text(xi, smin + 0.08, "n/a", ha="center", va="bottom", fontsize=6.5, color=GREY, style="italic")
        p.set_xlim(-0.6, n_ind - 0.4)
        p.set_ylim(smin - 0.1, smax + 0.1)
        p.set_xticks(x)
        p.set_xticklabels(codes, fontsize=6.5, rotation=90 if n_ind > 6 else 0)
        p.set_yticks(values)
        p.set_yticklabels(labels if c == 0 else [], fontsize=7)
        p.tick_params(length=2, pad=1.5)
        p.spines[["top", "right"]].set_visible(False)
        width_chars = max(int(pw * w_in * 72 / 4.4), 10)
        p.set_title("\n".join(textwrap.wrap(name, width_chars)[:2]), fontsize=8, pad=3, fontweight="normal")
        seen.setdefault(str(u.country), st.colour)
    handles: list[Any] = [Line2D([], [], color=colour, lw=2, label=c) for c, colour in seen.items()]
    return handles


def _radar(ax: Axes, scores: Scores, units: pd.DataFrame, styles: Any, spec: Any, ref: Any) -> list[Any]:
    cb = scores.codebook
    codes = list(cb.indicator_codes)
    n = len(codes)
    smin, smax = float(cb.scale.min), float(cb.scale.max)
    theta = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    closed = np.append(theta, theta[0])
    ax.set_theta_offset(np.pi / 2)  # type: ignore[attr-defined]
    ax.set_theta_direction(-1)  # type: ignore[attr-defined]
    handles: list[Any] = []
    if ref is not None:
        med = ref["median"].to_numpy(dtype=float)
        ax.plot(closed, np.append(med, med[0]), color=GREY, lw=1.3, ls="--", zorder=2)
    for k, (u, name) in enumerate(zip(units.itertuples(index=False), status_labels(scores, units), strict=True)):
        st = styles[str(u.case)]
        rows = _rows(scores, u.uid)
        r = rows["score"].to_numpy(dtype=float)
        miss = [c for c, v in zip(codes, r, strict=True) if not np.isfinite(v)]
        shift = (k - (len(units) - 1) / 2) * 0.05  # intervals side by side along each spoke
        for t, thin, thick in zip(theta + shift, _pairs(rows, spec.thin), _pairs(rows, spec.thick), strict=True):
            clip = [None if p is None else (max(p[0], smin), min(p[1], smax)) for p in (thin, thick)]
            draw_interval(ax, float(t), clip[0], clip[1], st.colour, vertical=True)
        same = sum(1 for v in units["country"].iloc[:k] if v == u.country)  # cases of one country: one colour,
        ls = LINESTYLES[same % len(LINESTYLES)]  # told apart by their markers and line styles
        (line,) = ax.plot(closed, np.append(r, r[0]), color=st.colour, lw=1.8, ls=ls, marker=st.marker, ms=6, zorder=4)
        line.set_label(name + (f" (missing: {', '.join(miss)})" if miss else ""))
        handles.append(line)
    ax.set_ylim(smin, smax)
    values, labels = level_ticks(scores)
    ax.set_yticks(values[1:])
    ax.set_yticklabels([])
    ring = float(np.pi / n)  # the ring labels between the first two spokes, over the lines
    for v, lab in zip(values[1:], labels[1:], strict=True):
        ax.text(ring, v, lab, ha="center", va="center", fontsize=7.5, color=GREY, zorder=6,
                bbox={"facecolor": "white", "alpha": 0.85, "lw": 0, "pad": 0.8})  # fmt: skip
    ax.set_xticks(theta)
    names = {i.code: i.name for i in cb.indicators}
    ax.set_xticklabels([f"{c}\n" + "\n".join(textwrap.wrap(names[c], 20)) for c in codes], fontsize=9)
    for angle, t in zip(theta, ax.get_xticklabels(), strict=True):
        x = math.sin(angle)  # clockwise from the top
        t.set_horizontalalignment("center" if abs(x) < 0.3 else ("left" if x > 0 else "right"))
    ax.tick_params(axis="x", pad=10)
    ax.grid(color="#cccccc", lw=0.8)
    ax.set_anchor("N")
    return handles
