"""One measure over time, each administration's term shaded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from ..errors import ParameterError
from ..scoring import Scores
from ..text import plot_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
from ._front import check_scores, country_styles, figure_of, new_axes
from .layout import break_gaps, date_axis, legend_below, shade_terms, term_table

__all__ = ["available_measures", "measure_frame", "measure_size", "plot_measure"]


def measure_frame(scores: Scores, measure: str) -> pd.DataFrame:
    """The observations of one measure (scored or context), one per country and period."""
    obs = scores.measures.loc[scores.measures["measure"] == measure]
    if obs.empty:
        obs = scores.observations.loc[scores.observations["measure"] == measure]
    if obs.empty:
        raise ParameterError.invalid(
            "measure",
            "plot_measure",
            f"a measure of the scores' tables ({', '.join(available_measures(scores))})",
            measure,
        )
    return obs.drop_duplicates(["country", "measure", "period"]).sort_values(["country", "period_start"])


def available_measures(scores: Scores) -> list[str]:
    """The measures :func:`plot_measure` can draw: those of the dataset (or of the trail)."""
    return sorted(set(scores.measures["measure"]) | set(scores.observations["measure"]))


def measure_size(scores: Scores, measure: str) -> tuple[float, float]:
    """The figure size (inches) of :func:`plot_measure`."""
    return (9.0, 4.8)


def plot_measure(
    scores: Scores,
    measure: str,
    *,
    countries: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """One quantitative measure over time, with each administration's term shaded.

    Each observation is drawn at the middle of its period (a fiscal year, a calendar year,
    a month ...), joined by a line per country; each case's term (from ``scores.units``)
    is shaded and labelled. Values are drawn as recorded, with their unit.

    Parameters
    ----------
    scores
        The scores (their dataset holds every measure, the trail those used in scoring).
    measure
        The measure name, e.g. ``"ice_detention_midnight_pop"``.
    countries
        ISO alpha-3 codes to draw (default: every country with the measure).
    ax
        The Axes to draw on.
    title
        The title (default: the series' ``label`` from the measures table, or its name).

    Returns
    -------
    matplotlib.axes.Axes
    """
    scores = check_scores(scores, "plot_measure")
    obs = measure_frame(scores, measure)
    if countries is not None:
        countries = [countries] if isinstance(countries, str) else list(countries)
        obs = obs.loc[obs["country"].isin(countries)]
        if obs.empty:
            raise ParameterError.invalid(
                "countries", "plot_measure", f"countries with observations of {measure!r}", countries
            )
    ctry = list(dict.fromkeys(obs["country"]))
    ax = new_axes(ax, measure_size(scores, measure))
    start = pd.to_datetime(obs["period_start"])
    end = pd.to_datetime(obs["period_end"])
    mid = start + (end - start) / 2
    xmin = start.min() - pd.Timedelta(days=120)
    xmax = end.max() + pd.Timedelta(days=120)
    width_in = figure_of(ax).get_figwidth() * ax.get_position().width
    shade_terms(ax, term_table(scores, ctry), xmin, xmax, y1=1.0, label_y=0.985, width_in=width_in)
    styles = country_styles([*scores.units["country"], *ctry])
    gaps = False
    for c in ctry:
        m = (obs["country"] == c).to_numpy()
        colour, marker = styles[c]
        values = obs.loc[m, "value"].to_numpy(dtype=float)
        x, v = break_gaps(start[m], end[m], mid[m], values)
        if np.isnan(v).any():  # missing periods: a dotted line across, never a solid one
            gaps = True
            ax.plot(mdates.date2num(mid[m]), values, color=colour, lw=1.0, ls=":", zorder=2)
        ax.plot(x, v, color=colour, marker=marker, ms=5, lw=1.8, label=c, zorder=3)
    units = list(dict.fromkeys(obs["unit"].astype(str)))
    top = float(obs["value"].max())
    ax.set_ylim(0, top * 1.28 if top > 0 else 1)
    ax.set_xlim(mdates.date2num(xmin), mdates.date2num(xmax))
    date_axis(ax, xmin, xmax)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    fiscal = obs["period"].astype(str).str.upper().str.startswith("FY").to_numpy()
    xlabel = "Period (each point at the middle of its period"
    if fiscal.any():
        months = pd.to_datetime(obs.loc[fiscal, "period_start"]).dt.month_name().unique()
        xlabel += f"; fiscal years start in {' or '.join(months)}"
    ax.set_xlabel(xlabel + ")", fontsize=9.5)
    ax.set_ylabel(" / ".join(units).capitalize(), fontsize=9.5)
    indicator = str(obs["indicator"].iloc[0])
    names = obs["label"].astype(str).str.strip() if "label" in obs.columns else pd.Series([], dtype=str)
    names = names.loc[names != ""]
    ax.set_title(
        plot_text(title) if title else f"{names.iloc[0] if len(names) else plot_text(measure)} ({indicator})",
        fontsize=12.5,
    )
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e0e0e0", lw=0.7)
    ax.set_axisbelow(True)
    handles = [Line2D([], [], color=styles[c][0], marker=styles[c][1], ms=5, lw=1.8, label=c) for c in ctry]
    n = len(obs)
    legend_below(
        ax,
        handles if len(ctry) > 1 else [],
        note=f"{n} observation{'s' if n != 1 else ''} of {measure}; sources in the measures table. "
        "Shaded: the term of each case." + (" Dotted: periods without an observation." if gaps else ""),
    )
    return ax
