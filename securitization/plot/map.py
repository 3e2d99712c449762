"""The securitization map: institutional against practice score per case."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.lines import Line2D

from ..errors import ParameterError
from ..scoring import Scores
from ..text import plot_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
from ._front import band_edges, check_scores, country_styles, level_ticks, missing_note, new_axes, select_units
from .layout import legend_below, place_labels

__all__ = ["map_size", "plot_map"]


def map_size(scores: Scores) -> tuple[float, float]:
    """The figure size (inches) of :func:`plot_map` (a square plot with room for the legend)."""
    return (7.5, 7.8)


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
    scores = check_scores(scores, "plot_map")
    cb = scores.codebook
    dims = list(cb.dimension_codes)
    if len(dims) < 2 and (x is None or y is None):
        raise ParameterError.invalid("scores", "plot_map", "scores from a codebook with two dimensions", dims)
    x = x or dims[0]
    y = y or dims[1]
    for name, value in (("x", x), ("y", y)):
        if value not in dims:
            raise ParameterError.invalid(name, "plot_map", f"a dimension code of the codebook ({dims})", value)
    units = select_units(scores, cases, "plot_map")
    d = scores.dimensions

    def column(dim: str, col: str) -> np.ndarray:
        t = d.loc[d["dimension"] == dim].set_index("uid").reindex(units["uid"])
        return t[col].to_numpy(dtype=float) if col in t.columns else np.full(len(units), np.nan)

    xv, yv = column(x, "score"), column(y, "score")
    has_iv = {"lo", "hi"} <= set(d.columns)
    ax = new_axes(ax, map_size(scores))
    smin, smax = float(cb.scale.min), float(cb.scale.max)
    pad = 0.15
    ax.set_xlim(smin - pad, smax + pad)
    ax.set_ylim(smin - pad, smax + pad)
    ax.set_aspect("equal")
    for lo_b, _, _ in band_edges(scores)[1:]:
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
    styles = {c: v for c, v in country_styles(scores.units["country"]).items() if c in set(units.loc[ok, "country"])}
    if has_iv:
        xl, xh, yl, yh = column(x, "lo"), column(x, "hi"), column(y, "lo"), column(y, "hi")
    for country, (colour, marker) in styles.items():
        m = ok & (units["country"] == country).to_numpy()
        if has_iv:  # the intervals as segments (a score need not lie inside its posterior interval)
            ax.hlines(yv[m], xl[m], xh[m], color=colour, lw=1.2, alpha=0.6, zorder=2)
            ax.vlines(xv[m], yl[m], yh[m], color=colour, lw=1.2, alpha=0.6, zorder=2)
        ax.scatter(xv[m], yv[m], s=70, color=colour, marker=marker, edgecolor="white", lw=0.8, zorder=3, label=country)
    values, labels = level_ticks(scores)
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
    legend_below(ax, handles, note=missing_note(skipped, f"{x} or {y} score missing", 90) if skipped else None)
    if ok.any():
        cols = [styles[c][0] for c in units.loc[ok, "country"]]
        diagonal = np.array([[smin, smin], [smax, smax]])
        avoid = [diagonal]
        if has_iv:
            for i in np.flatnonzero(ok):
                avoid.append(np.array([[xl[i], yv[i]], [xh[i], yv[i]]]))
                avoid.append(np.array([[xv[i], yl[i]], [xv[i], yh[i]]]))
        labels = units.loc[ok, "label"].astype(str).tolist()
        place_labels(ax, xv[ok], yv[ok], labels, colours=cols, avoid=[a for a in avoid if np.isfinite(a).all()])
    return ax
