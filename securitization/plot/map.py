"""The securitization map: institutional against practice score per case, the decoupling gap marked."""

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
from ._front import (
    band_edges,
    case_styles,
    check_scores,
    draw_interval,
    interval_handles,
    interval_spec,
    level_ticks,
    missing_note,
    new_axes,
    select_units,
    short_labels,
    status_labels,
    text_shade,
)
from .layout import legend_below, place_labels

__all__ = ["map_size", "plot_map"]


def map_size(scores: Scores) -> tuple[float, float]:
    """The figure size (inches) of :func:`plot_map` (a square plot with room for the legend)."""
    n = len(scores.units)
    side = 7.5 if n <= 12 else 8.5
    return (side, side + 0.6)


def _lower(values: np.ndarray, scores: Scores) -> float:
    """The lower limit of both axes: the lower edge of the band holding the smallest value drawn."""
    edges = [lo for lo, _, _ in band_edges(scores)]
    finite = values[np.isfinite(values)]
    if not len(finite):
        return float(edges[0])
    low = float(finite.min())
    return float(max([e for e in edges if e <= low - 0.05] or [edges[0]]))


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

    The dashed diagonal marks equal scores; the dotted lines parallel to it mark the
    decoupling gap (``y`` minus ``x`` score: practice minus institutional by default) every
    whole point, each labelled with its gap at its lower end. A case below the diagonal has institutions
    more securitized than its practice, above it the reverse. Each case is drawn in its
    colour and marker (:func:`~securitization.plot.case_styles`), labelled without
    collisions (:func:`~securitization.plot.layout.place_labels`), with the intervals of
    its dimension scores in the common style when the table has them. Both axes start at
    the lower edge of the band that holds the smallest value drawn (the ticks name the
    levels). Cases missing either score are listed under the chart.

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
    spec = interval_spec(scores, d)

    def column(dim: str, col: str | None) -> np.ndarray:
        t = d.loc[d["dimension"] == dim].set_index("uid").reindex(units["uid"])
        return t[col].to_numpy(dtype=float) if col and col in t.columns else np.full(len(units), np.nan)

    xv, yv = column(x, "score"), column(y, "score")
    ok = np.isfinite(xv) & np.isfinite(yv)
    thin = {dim: (column(dim, spec.thin[0]), column(dim, spec.thin[1])) if spec.thin else None for dim in (x, y)}
    thick = {dim: (column(dim, spec.thick[0]), column(dim, spec.thick[1])) if spec.thick else None for dim in (x, y)}
    ax = new_axes(ax, map_size(scores))
    smax = float(cb.scale.max)
    drawn = [xv[ok], yv[ok]] + [a[ok] for p in thin.values() if p for a in p]
    low = _lower(np.concatenate(drawn) if drawn else np.array([]), scores)
    pad = 0.12
    ax.set_xlim(low - pad, smax + pad)
    ax.set_ylim(low - pad, smax + pad)
    ax.set_aspect("equal")
    for lo_b, _, _ in band_edges(scores)[1:]:
        if lo_b > low:
            ax.axvline(lo_b, color="#ececec", lw=0.8, zorder=0)
            ax.axhline(lo_b, color="#ececec", lw=0.8, zorder=0)
    span = smax - low
    ax.plot([low, smax], [low, smax], ls="--", color="#7f7f7f", lw=1.2, zorder=1)
    gaps = [g for g in range(-int(span), int(span) + 1) if g]
    contours = []
    for g in gaps:  # y - x = g, from the lower-left to the upper-right edge of the square
        a, b = max(low, low - g), min(smax, smax - g)
        if b - a < 0.8:  # too short to read
            continue
        ax.plot([a, b], [a + g, b + g], ls=":", color="#9a9a9a", lw=1.0, zorder=1)
        contours.append(np.array([[a, a + g], [b, b + g]]))
        ax.annotate(
            f"gap {g:+d}",
            xy=(a, a + g),
            xytext=(3, 9),
            textcoords="offset points",
            rotation=45,
            rotation_mode="anchor",
            ha="left",
            va="bottom",
            fontsize=7.5,
            color="#7f7f7f",
        )
    ax.annotate(
        "equal scores (gap 0)",
        xy=(low, low),
        xytext=(3, 9),
        textcoords="offset points",
        rotation=45,
        rotation_mode="anchor",
        ha="left",
        va="bottom",
        fontsize=7.5,
        color="#6f6f6f",
    )
    corner: dict[str, Any] = {"fontsize": 9, "color": "#8c8c8c", "style": "italic", "transform": ax.transAxes}
    ax.text(0.03, 0.97, f"{y} ahead of {x}", ha="left", va="top", **corner)
    ax.text(0.97, 0.03, f"{x} ahead of {y}", ha="right", va="bottom", **corner)
    styles = case_styles(scores.units)
    countries: dict[str, str] = {}
    for i in np.flatnonzero(ok):
        st = styles[str(units["case"].iloc[i])]
        countries.setdefault(str(units["country"].iloc[i]), st.colour)
        for dim, at, vertical in ((x, yv[i], False), (y, xv[i], True)):
            tp, kp = thin[dim], thick[dim]
            draw_interval(
                ax,
                float(at),
                None if tp is None else (float(tp[0][i]), float(tp[1][i])),
                None if kp is None else (float(kp[0][i]), float(kp[1][i])),
                st.colour,
                vertical=vertical,
            )
        ax.scatter([xv[i]], [yv[i]], s=60, color=st.colour, marker=st.marker, edgecolor="white", lw=0.8, zorder=3)
    values, labels = level_ticks(scores)
    shown = [(v, lab) for v, lab in zip(values, labels, strict=True) if v >= low - 1e-9]
    ax.set_xticks([v for v, _ in shown])
    ax.set_xticklabels([lab for _, lab in shown], fontsize=8.5)
    ax.set_yticks([v for v, _ in shown])
    ax.set_yticklabels([lab for _, lab in shown], fontsize=8.5)
    x_codes = ", ".join(i.code for i in cb.indicators if i.dimension == x)
    y_codes = ", ".join(i.code for i in cb.indicators if i.dimension == y)
    ax.set_xlabel(f"{x.capitalize()} score ({x_codes})", fontsize=10)
    ax.set_ylabel(f"{y.capitalize()} score ({y_codes})", fontsize=10)
    ax.set_title(plot_text(title or f"Securitization map: {x} against {y}"), fontsize=13)
    ax.spines[["top", "right"]].set_visible(False)
    handles: list[Any] = [
        Line2D([], [], color=c, lw=0, marker="s", ms=8, label=k) for k, c in sorted(countries.items())
    ]
    handles += interval_handles(spec)
    notes = [f"Gap = {y} minus {x} score; dotted lines every whole point."]
    if spec.any:
        notes.append(f"Intervals over {spec.varies}.")
    skipped = units.loc[~ok, "label"].astype(str).tolist()
    if skipped:
        notes.append(missing_note(skipped, f"{x} or {y} score missing", 100))
    ax.set_anchor("N")
    legend_below(ax, handles, note="\n".join(notes))
    if ok.any():
        sel = units.loc[ok]
        flags = [
            full[len(lab) :] for full, lab in zip(status_labels(scores, sel), sel["label"].astype(str), strict=True)
        ]
        texts = [s + f for s, f in zip(short_labels(sel), flags, strict=True)]
        avoid = [np.array([[low, low], [smax, smax]]), *contours]
        for i in np.flatnonzero(ok):
            for dim in (x, y):
                p = thin[dim] or thick[dim]
                if p is None:
                    continue
                lo_i, hi_i = float(p[0][i]), float(p[1][i])
                seg = [[lo_i, yv[i]], [hi_i, yv[i]]] if dim == x else [[xv[i], lo_i], [xv[i], hi_i]]
                avoid.append(np.array(seg))
        cols = [text_shade(styles[str(c)].colour) for c in sel["case"]]
        place_labels(
            ax, xv[ok], yv[ok], texts, colours=cols, avoid=[a for a in avoid if np.isfinite(a).all()], fontsize=8
        )
    return ax
