"""Rank intervals per case (from a sensitivity analysis or a bootstrap)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from ..scoring import Scores
from ..text import plot_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
from ._front import GREY, OKABE_ITO, as_frame, new_axes, require_columns
from .layout import legend_below

__all__ = ["plot_rank_intervals", "rank_intervals_size"]


def rank_intervals_size(sensitivity: pd.DataFrame | Scores | Any) -> tuple[float, float]:
    """The figure size (inches) of :func:`plot_rank_intervals`: a row per case."""
    if isinstance(sensitivity, Scores):
        n = len(sensitivity.overall)
    else:
        n = len(as_frame(sensitivity, "rank_intervals_size", "sensitivity"))
    return (8.0, 0.45 * n + 1.9)


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
        ``.to_frame()`` returning one (a :class:`~securitization.uncertainty.Sensitivity`);
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
        if "status" in ov.columns:
            frame["status"] = ov["status"].to_numpy()
        for c in ("rank_lo", "rank_hi", "rank_median"):
            if c in ov.columns:
                frame[c] = pd.to_numeric(ov[c], errors="coerce").astype(float)
    else:
        frame = as_frame(sensitivity, "plot_rank_intervals", "sensitivity")
    if "rank_nominal" not in frame.columns and "rank" in frame.columns:
        frame = frame.assign(rank_nominal=frame["rank"])
    require_columns(frame, ["label", "rank_nominal"], "plot_rank_intervals", "sensitivity")
    frame = frame.assign(_r=pd.to_numeric(frame["rank_nominal"], errors="coerce").astype(float))
    frame = frame.sort_values(["_r", "label"], na_position="last", kind="stable").reset_index(drop=True)
    n = len(frame)
    ax = new_axes(ax, rank_intervals_size(sensitivity))
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
                    fontsize=8.5, color=GREY, style="italic")  # fmt: skip
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
    flags = {"ongoing": " (ongoing)", "partial": " (partial evidence)"}
    status = frame["status"] if "status" in frame.columns else pd.Series("", index=frame.index)
    ax.set_yticklabels(
        [f"{lab}{flags.get(str(st), '')}" for lab, st in zip(frame["label"].astype(str), status, strict=True)],
        fontsize=9,
    )
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
    legend_below(ax, handles)
    return ax
