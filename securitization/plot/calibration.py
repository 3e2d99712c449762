"""The calibration study: how often nominal intervals cover the true value, by items per cell."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ._front import GREY, OKABE_ITO, as_frame, new_axes, require_columns
from .layout import legend_below

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

__all__ = ["calibration_size", "plot_calibration"]

_STYLES = {"posterior": ("-", "o"), "bootstrap": ("--", "s")}


def calibration_size(table: pd.DataFrame | None = None) -> tuple[float, float]:
    """The figure size (inches) of :func:`plot_calibration`."""
    return (8.0, 4.6)


def plot_calibration(
    table: pd.DataFrame,
    *,
    level: str = "indicator",
    nominal: float = 0.9,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Coverage of nominal intervals against the number of items per cell, per method and generative model.

    Parameters
    ----------
    table
        The output of :func:`~securitization.uncertainty.calibration.coverage_table`
        (columns ``generative, method, n_items`` and ``<level>_coverage``).
    level
        ``"indicator"`` (cells) or ``"overall"`` (cases).
    nominal
        The intervals' nominal probability: drawn as a line, with the band 85-95% shaded
        (for 0.9: the band the study aims at).
    ax, title
        The Axes to draw on, and the title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    frame = as_frame(table, "plot_calibration", "table")
    col = f"{level}_coverage"
    require_columns(frame, ["generative", "method", "n_items", col], "plot_calibration", "table")
    ax = new_axes(ax, calibration_size(frame))
    ax.axhspan(nominal - 0.05, nominal + 0.05, color="#e8e8e8", zorder=0)
    ax.axhline(nominal, color=GREY, lw=0.8, zorder=1)
    gens = list(dict.fromkeys(frame["generative"]))
    for j, g in enumerate(gens):
        colour = OKABE_ITO[j % len(OKABE_ITO)]
        for method, (ls, marker) in _STYLES.items():
            d = frame.loc[(frame["generative"] == g) & (frame["method"] == method)].sort_values("n_items")
            if len(d):
                ax.plot(d["n_items"], d[col], ls=ls, marker=marker, color=colour, lw=1.4, ms=4.5, zorder=3)
    ax.set_xscale("log")
    ticks = sorted(frame["n_items"].unique())
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(int(t)) for t in ticks])
    ax.minorticks_off()
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("Items per cell")
    ax.set_ylabel(f"Coverage of nominal {nominal:.0%} intervals ({level}s)")
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    handles: list[Artist] = [
        Line2D([], [], color=OKABE_ITO[j % len(OKABE_ITO)], lw=2, label=f"true distributions: {g}")
        for j, g in enumerate(gens)
    ]
    handles += [
        Line2D([], [], color="black", ls=ls, marker=m, ms=4.5, label=method) for method, (ls, m) in _STYLES.items()
    ]
    handles.append(Patch(color="#e8e8e8", label=f"{nominal - 0.05:.0%}-{nominal + 0.05:.0%}"))
    n_cells = int(np.nanmax(frame["n_cells" if level == "indicator" else "n_cases"])) if "n_cells" in frame else None
    note = f"Each point: {n_cells:,} simulated {'cells' if level == 'indicator' else 'cases'}." if n_cells else None
    legend_below(ax, handles, note=note, ncol=3)
    ax.set_title(title or f"Calibration of the {level} intervals", loc="left", fontsize=11)
    return ax
