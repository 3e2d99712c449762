"""Inter-coder agreement per indicator against the reliability gate."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ..errors import ParameterError
from ..text import plot_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
from ._front import GREY, OKABE_ITO, as_frame, new_axes, require_columns
from .layout import legend_below

__all__ = ["plot_reliability", "reliability_size"]


def reliability_size(reliability: pd.DataFrame | Any) -> tuple[float, float]:
    """The figure size (inches) of :func:`plot_reliability`: a row per indicator."""
    return (8.0, 0.5 * len(as_frame(reliability, "reliability_size", "reliability")) + 1.9)


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
        result with ``.to_frame()`` (a :class:`~securitization.uncertainty.Reliability`).
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
    frame = as_frame(reliability, "plot_reliability", "reliability")
    require_columns(frame, ["indicator", "alpha"], "plot_reliability", "reliability")
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
    ax = new_axes(ax, reliability_size(frame))
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
                color=GREY,
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
    legend_below(ax, handles)
    return ax
