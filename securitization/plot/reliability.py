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
from ._front import GREY, OKABE_ITO, THIN, as_frame, draw_interval, new_axes, require_columns
from .layout import legend_below

__all__ = ["FIRM_ALPHA", "plot_reliability", "reliability_size"]

#: Krippendorff's conventional threshold for firm conclusions (0.667 for tentative ones).
FIRM_ALPHA = 0.8


def reliability_size(reliability: pd.DataFrame | Any) -> tuple[float, float]:
    """The figure size (inches) of :func:`plot_reliability`: a row per indicator."""
    return (8.0, 0.5 * len(as_frame(reliability, "reliability_size", "reliability")) + 1.9)


def plot_reliability(
    reliability: pd.DataFrame | Any,
    *,
    min_alpha: float | None = None,
    ci_prob: float | None = None,
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
        conclusions. The line at 0.8 (:data:`FIRM_ALPHA`, Krippendorff's threshold for firm
        conclusions) is drawn too, and each alpha is written with the number of doubly
        coded items behind it (``n_items``) when the table has it.
    ci_prob
        The probability of the ``lo``-``hi`` interval, stated in the legend (default: the
        result's ``ci_prob``, or a ``ci_prob`` column).
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
    top = ax.get_xaxis_transform()
    ax.annotate(f"gate α = {min_alpha:g}", xy=(min_alpha, 1.01), xycoords=top, xytext=(-2, 0),
                textcoords="offset points", ha="right", va="bottom", fontsize=8.5, color="#D55E00")  # fmt: skip
    if min_alpha < FIRM_ALPHA:  # the conventional threshold of firm conclusions
        ax.axvline(FIRM_ALPHA, color=GREY, ls=":", lw=1.3, zorder=1)
        ax.annotate(f"α = {FIRM_ALPHA:g}", xy=(FIRM_ALPHA, 1.01), xycoords=top, xytext=(2, 0),
                    textcoords="offset points", ha="left", va="bottom", fontsize=8.5, color=GREY)  # fmt: skip
    ok_c, bad_c = OKABE_ITO[0], OKABE_ITO[1]
    counts = [""] * n
    if "n_items" in frame.columns:
        nc = pd.to_numeric(frame["n_items"], errors="coerce").to_numpy(dtype=float)
        counts = [f"{int(v)} doubly coded items" if np.isfinite(v) else "" for v in nc]
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
        draw_interval(ax, i, (lo[i], hi[i]), None, colour)
        ax.scatter([alpha[i]], [i], s=60, marker="X" if flagged[i] else "o", color=colour, edgecolor="white", zorder=3)
        ax.annotate(
            f"{alpha[i]:.2f}" + (f"  ({counts[i]})" if counts[i] else ""),
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
    if min_alpha < FIRM_ALPHA:
        handles.append(Line2D([], [], color=GREY, ls=":", lw=1.3, label=f"α = {FIRM_ALPHA:g}: firm conclusions"))
    note = None
    if has_iv:
        prob = ci_prob if ci_prob is not None else getattr(reliability, "ci_prob", None)
        if prob is None and "ci_prob" in frame.columns and frame["ci_prob"].notna().any():
            prob = float(frame["ci_prob"].dropna().iloc[0])
        level = (
            f"{round(float(prob) * 100)}% interval" if isinstance(prob, int | float) else "interval (level not given)"
        )
        handles.append(Line2D([], [], color=GREY, lw=THIN, label=level))
        note = "Intervals: bootstrap over the doubly coded items."
    if any(counts):
        note = ((note + " ") if note else "") + "In brackets: the items alpha is computed from."
    legend_below(ax, handles, note=note, ncol=2)
    return ax
