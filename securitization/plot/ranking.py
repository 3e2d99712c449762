"""The overall ranking with intervals, the scale's bands shaded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ..scoring import Scores
from ..text import plot_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
from ._front import GREY, check_scores, country_styles, level_ticks, new_axes, select_units
from .layout import legend_below, shade_bands

__all__ = ["plot_ranking", "ranking_size"]


def ranking_size(scores: Scores, *, cases: Sequence[str] | None = None) -> tuple[float, float]:
    """The figure size (inches) of :func:`plot_ranking`: a row per case."""
    return (8.5, 0.42 * len(select_units(scores, cases, "ranking_size")) + 1.9)


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
    scores = check_scores(scores, "plot_ranking")
    cb = scores.codebook
    units = select_units(scores, cases, "plot_ranking")
    ov = scores.overall.set_index("uid").reindex(units["uid"]).reset_index()
    ov["country"] = units["country"].to_numpy()
    ov["rank_order"] = pd.to_numeric(ov["rank"], errors="coerce").astype(float)
    ov = ov.sort_values(["rank_order", "label"], na_position="last", kind="stable").reset_index(drop=True)
    n = len(ov)
    ax = new_axes(ax, ranking_size(scores, cases=cases))
    shade_bands(ax, scores)
    has_iv = {"lo", "hi"} <= set(ov.columns)
    has_rank_iv = {"rank_lo", "rank_hi"} <= set(ov.columns)
    styles = {
        c: v
        for c, v in country_styles(scores.units["country"]).items()
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
                color=GREY,
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
        flag = {"ongoing": " (ongoing)", "partial": " (partial evidence)"}.get(str(getattr(r, "status", "")), "")
        yl.append(f"{int(r.rank_order)}. {r.label}{flag}" if np.isfinite(r.rank_order) else f"{r.label}{flag}")
    ax.set_yticks(range(n))
    ax.set_yticklabels(yl, fontsize=9)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(smin, smax + 0.05 * (smax - smin))
    ax.set_xticks(level_ticks(scores)[0])
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("Overall securitization score", fontsize=10)
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.set_title(plot_text(title) if title else "Overall securitization ranking", fontsize=13, pad=18)
    handles: list[Any] = [
        Line2D([], [], ls="", marker=m, color=c, ms=7, mec="white", label=k) for k, (c, m) in styles.items()
    ]
    if has_iv:
        unc = scores.manifest.get("uncertainty", {})
        label = f"{round(float(unc.get('ci_prob', 0.9)) * 100)}% interval over {unc.get('varies', 'the evidence')}"
        handles.append(Line2D([], [], color="#7f7f7f", lw=2.2, alpha=0.55, label=label))
    if len(handles) > 1:
        legend_below(ax, handles)
    return ax
