"""Cases x indicators, dimensions and overall: score, band and coverage of every cell."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.colors import Normalize
from matplotlib.patches import Rectangle

from ..scoring import Scores
from ..text import plot_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
from ._front import (
    GREY,
    MISSING_EDGE,
    MISSING_FACE,
    SCORE_CMAP,
    check_scores,
    colormap,
    figure_of,
    level_ticks,
    new_axes,
    select_units,
    status_labels,
    text_colour,
)

__all__ = ["heatmap_size", "plot_heatmap"]


def heatmap_size(scores: Scores, *, cases: Sequence[str] | None = None, aggregates: bool = True) -> tuple[float, float]:
    """The figure size (inches) of :func:`plot_heatmap` for these scores and options."""
    cb = scores.codebook
    nc = len(cb.indicators) + (len(cb.dimensions) + 1 if aggregates else 0)
    nr = len(select_units(scores, cases, "heatmap_size"))
    return (1.05 * nc + 3.4, 0.72 * nr + 2.4)


def plot_heatmap(
    scores: Scores,
    *,
    cases: Sequence[str] | None = None,
    ax: Axes | None = None,
    aggregates: bool = True,
    title: str | None = None,
) -> Axes:
    """Cases x indicators: each cell's score, its band and (for aggregates) coverage.

    Rows are cases, columns the codebook's indicators followed (with ``aggregates``) by
    the dimensions and the overall score. Each cell shows the score, its band, when the
    table has ``lo``/``hi`` the interval, and the number of coded items behind it; a thin
    cell (fewer items than the codebook's ``min_items``) is dotted; aggregate cells computed
    from less than all of their inputs show their coverage. A missing score is a hatched
    grey cell marked "missing", never coloured as 0. Cases whose term is ongoing or whose
    evidence is partial are marked so in their label.

    Parameters
    ----------
    scores
        The scores to draw.
    cases
        Case ids, in row order (default: every case, by country and start date).
    ax
        The Axes to draw on (default: a new figure sized to the table).
    aggregates
        Also show the dimension and overall columns.
    title
        The title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    scores = check_scores(scores, "plot_heatmap")
    cb = scores.codebook
    units = select_units(scores, cases, "plot_heatmap")
    uids = units["uid"].to_numpy()
    cols: list[tuple[str, str, pd.DataFrame, str]] = [
        (c, c, scores.indicators, "indicator") for c in cb.indicator_codes
    ]
    if aggregates:
        cols += [(d, d.capitalize(), scores.dimensions, "dimension") for d in cb.dimension_codes]
        cols.append(("overall", "Overall", scores.overall, ""))
    nr, nc = len(uids), len(cols)
    val = np.full((nr, nc), np.nan)
    lo = np.full((nr, nc), np.nan)
    hi = np.full((nr, nc), np.nan)
    cov = np.full((nr, nc), np.nan)
    n_items = np.full((nr, nc), np.nan)
    thin = np.zeros((nr, nc), dtype=bool)
    for j, (code, _, table, key) in enumerate(cols):
        t = table if not key else table.loc[table[key] == code]
        t = t.set_index("uid").reindex(uids)
        val[:, j] = t["score"].to_numpy(dtype=float)
        if {"lo", "hi"} <= set(t.columns):
            lo[:, j] = t["lo"].to_numpy(dtype=float)
            hi[:, j] = t["hi"].to_numpy(dtype=float)
        if "coverage" in t.columns:
            cov[:, j] = t["coverage"].to_numpy(dtype=float)
        if "n_items" in t.columns:
            n_items[:, j] = t["n_items"].to_numpy(dtype=float)
        if "thin" in t.columns:
            thin[:, j] = t["thin"].fillna(False).to_numpy(dtype=bool)
    ax = new_axes(ax, heatmap_size(scores, cases=cases, aggregates=aggregates))
    cmap = colormap(SCORE_CMAP)
    norm = Normalize(cb.scale.min, cb.scale.max)
    image = ax.imshow(np.ma.masked_invalid(val), cmap=cmap, norm=norm, aspect="auto", interpolation="nearest")
    any_partial = False
    any_thin = False
    for i in range(nr):
        for j in range(nc):
            v = val[i, j]
            if not np.isfinite(v):
                ax.add_patch(
                    Rectangle(
                        (j - 0.5, i - 0.5),
                        1,
                        1,
                        facecolor=MISSING_FACE,
                        edgecolor=MISSING_EDGE,
                        hatch="///",
                        lw=0,
                        zorder=1,
                    )
                )
                ax.text(j, i, "missing", ha="center", va="center", fontsize=7.5, color="#404040", style="italic")
                continue
            colour = text_colour(cmap, norm, v)
            if thin[i, j]:  # few items: hatched over the colour, as a warning
                ax.add_patch(
                    Rectangle(
                        (j - 0.5, i - 0.5),
                        1,
                        1,
                        facecolor="none",
                        edgecolor=colour,
                        hatch="...",
                        lw=0,
                        alpha=0.35,
                        zorder=1,
                    )
                )
                any_thin = True
            lines = [f"{v:.2f}", cb.band(v) or ""]
            if np.isfinite(lo[i, j]) and np.isfinite(hi[i, j]):
                lines.append(f"[{lo[i, j]:.1f}, {hi[i, j]:.1f}]")
            if np.isfinite(n_items[i, j]):
                lines.append(f"n = {int(n_items[i, j])}")
            if np.isfinite(cov[i, j]) and cov[i, j] < 1:
                lines.append(f"cov. {cov[i, j]:.0%}")
                any_partial = True
            ax.text(j, i - 0.12 * (len(lines) - 1), lines[0], ha="center", va="center", fontsize=9.5, color=colour)
            ax.text(
                j,
                i + 0.2 - 0.08 * (len(lines) - 2),
                "\n".join(lines[1:]),
                ha="center",
                va="center",
                fontsize=7,
                color=colour,
                linespacing=1.1,
            )
    n_ind = len(cb.indicator_codes)
    if aggregates:
        ax.axvline(n_ind - 0.5, color="white", lw=5)
    ax.set_xticks(range(nc))
    ax.set_xticklabels([c[1] for c in cols], fontsize=9)
    ax.xaxis.tick_top()
    ax.set_yticks(range(nr))
    ax.set_yticklabels(status_labels(scores, units), fontsize=9)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_xlim(-0.5, nc - 0.5)
    ax.set_ylim(nr - 0.5, -0.5)
    bar = figure_of(ax).colorbar(image, ax=ax, orientation="horizontal", fraction=0.05, pad=0.04, aspect=40)
    values, labels = level_ticks(scores)
    bar.set_ticks(values)
    bar.set_ticklabels(labels, fontsize=8)
    bar.set_label("Score on the codebook's scale (band = nearest level)", fontsize=8.5)
    bar.outline.set_visible(False)
    notes = []
    if not np.isfinite(val).all():
        notes.append("Hatched: missing (no evidence, or coverage below the codebook's minimum), never counted as 0.")
    if any_partial:
        notes.append("cov. = share of the weight of the inputs that have a score.")
    if np.isfinite(lo).any():
        unc = scores.manifest.get("uncertainty", {})
        notes.append(
            f"[lo, hi] = {round(float(unc.get('ci_prob', 0.9)) * 100)}% interval over "
            f"{unc.get('varies', 'the evidence')}."
        )
    if np.isfinite(n_items).any():
        notes.append("n = coded items behind the cell.")
    if any_thin:
        notes.append(f"Dotted: thin, fewer than {cb.uncertainty.min_items} items (the codebook's min_items).")
    note = "\n".join(notes)
    ax.set_title(plot_text(title) if title else "Scores by case and indicator", fontsize=13, pad=12)
    ax.set_xlabel(note, fontsize=8, color=GREY, labelpad=8)
    ax.xaxis.set_label_position("bottom")
    return ax
