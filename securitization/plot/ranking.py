"""The overall ranking with intervals, the scale's bands shaded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ..errors import ParameterError
from ..scoring import Scores
from ..text import plot_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
from ._front import (
    GREY,
    case_styles,
    check_scores,
    draw_interval,
    interval_handles,
    interval_spec,
    level_ticks,
    new_axes,
    select_units,
)
from .layout import legend_below, shade_bands

__all__ = ["plot_ranking", "ranking_size"]


def ranking_size(scores: Scores, *, cases: Sequence[str] | None = None) -> tuple[float, float]:
    """The figure size (inches) of :func:`plot_ranking`: a row per case."""
    return (8.5, 0.42 * len(select_units(scores, cases, "ranking_size")) + 1.9)


def plot_ranking(
    scores: Scores,
    *,
    cases: Sequence[str] | None = None,
    highlight: str | Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """The overall ranking: one row per case, best-ranked (most securitized) first.

    Each case's overall score is a point in the case's colour and marker, with its
    intervals in the common style (thick bar 68%, thin line the ``ci_prob`` interval) when
    the table has them and its rank interval (``rank_lo``-``rank_hi``, at ``ci_prob``) in
    the label; the bands of the scale are shaded and named. A case without an overall
    score is listed at the bottom as missing, with its coverage.

    Parameters
    ----------
    scores
        The scores to draw.
    cases
        Case ids to draw (default: every case).
    highlight
        Case ids to stand out (a shaded row, the label in bold, the other cases paler):
        a report's own case among the others.
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
    marked = {highlight} if isinstance(highlight, str) else set(highlight or ())
    unknown = sorted(marked - set(units["case"]))
    if unknown:
        raise ParameterError.invalid("highlight", "plot_ranking", "case ids among those drawn", unknown)
    ov = scores.overall.set_index("uid").reindex(units["uid"]).reset_index()
    ov["country"] = units["country"].to_numpy()
    ov["rank_order"] = pd.to_numeric(ov["rank"], errors="coerce").astype(float)
    ov = ov.sort_values(["rank_order", "label"], na_position="last", kind="stable").reset_index(drop=True)
    n = len(ov)
    ax = new_axes(ax, ranking_size(scores, cases=cases))
    shade_bands(ax, scores)
    spec = interval_spec(scores, ov)
    has_rank_iv = {"rank_lo", "rank_hi"} <= set(ov.columns)
    styles = case_styles(scores.units)
    smin, smax = float(cb.scale.min), float(cb.scale.max)
    yl = []
    countries: dict[str, str] = {}
    for i, r in enumerate(ov.itertuples(index=False)):
        s = float(r.score)
        mine = r.case in marked
        if mine:
            ax.axhspan(i - 0.5, i + 0.5, color="#fff1c4", zorder=0.5, lw=0)
        flag = {"ongoing": " (ongoing)", "partial": " (partial evidence)"}.get(str(getattr(r, "status", "")), "")
        if not np.isfinite(s):
            ax.text(smin + 0.05, i, f"missing (coverage {float(r.coverage):.0%})", va="center", ha="left",
                    fontsize=8.5, color=GREY, style="italic")  # fmt: skip
            yl.append(f"– {r.label}{flag}")
            continue
        st = styles[str(r.case)]
        countries.setdefault(str(r.country), st.colour)
        fade = 0.45 if marked and not mine else 1.0
        row = ov.iloc[i]
        thin = (float(row[spec.thin[0]]), float(row[spec.thin[1]])) if spec.thin else None
        thick = (float(row[spec.thick[0]]), float(row[spec.thick[1]])) if spec.thick else None
        draw_interval(ax, i, thin, thick, st.colour, fade=fade)
        right = max([s, *(p[1] for p in (thin, thick) if p and np.isfinite(p[1]))])
        ax.scatter([s], [i], s=60 if not mine else 85, color=st.colour, marker=st.marker, edgecolor="white",
                   lw=0.8, zorder=3, alpha=fade)  # fmt: skip
        extra = []
        if has_rank_iv and pd.notna(r.rank_lo) and pd.notna(r.rank_hi):
            a, b = int(r.rank_lo), int(r.rank_hi)
            extra.append(f"rank {a}" if a == b else f"rank {a}–{b}")
        if float(r.coverage) < 1:
            extra.append(f"coverage {float(r.coverage):.0%}")
        text = f"{s:.2f}" + (f"  ({'; '.join(extra)})" if extra else "")
        ax.annotate(text, xy=(right, i), xytext=(7, 0), textcoords="offset points", va="center", ha="left",
                    fontsize=8.5, annotation_clip=False, fontweight="bold" if mine else "normal")  # fmt: skip
        yl.append(f"{int(r.rank_order)}. {r.label}{flag}" if np.isfinite(r.rank_order) else f"{r.label}{flag}")
    ax.set_yticks(range(n))
    ax.set_yticklabels(yl, fontsize=9)
    for tick, case in zip(ax.get_yticklabels(), ov["case"], strict=True):
        if case in marked:
            tick.set_fontweight("bold")
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(smin, smax + 0.05 * (smax - smin))
    ax.set_xticks(level_ticks(scores)[0])
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("Overall securitization score", fontsize=10)
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.set_title(plot_text(title) if title else "Overall securitization ranking", fontsize=13, pad=18)
    handles: list[Any] = [
        Line2D([], [], color=c, lw=0, marker="s", ms=7, label=k) for k, c in sorted(countries.items())
    ]
    handles += interval_handles(spec)
    notes = []
    if spec.any:
        notes.append(f"Intervals over {spec.varies}.")
    if has_rank_iv and ov["rank_lo"].notna().any():
        notes.append(f"rank a–b: the {round(spec.prob * 100)}% interval of the rank.")
    legend_below(ax, handles if len(handles) > 1 else [], note=" ".join(notes) or None, ncol=min(len(handles), 7))
    return ax
