"""One measure over time, each administration's term marked; a scored series with its cut-points as bands."""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from ..errors import ParameterError
from ..scoring import Scores
from ..text import plot_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
from ._front import SCORE_CMAP, check_scores, colormap, country_styles, figure_of, new_axes
from .layout import break_gaps, date_axis, legend_below, shade_terms, term_table

__all__ = ["SHORT_SERIES", "available_measures", "measure_frame", "measure_rule", "measure_size", "plot_measure"]


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
    return (9.0, 5.2)


def measure_rule(scores: Scores, measure: str) -> tuple[str, Any] | None:
    """The indicator code and the codebook's rule that score ``measure``, or None (a context series)."""
    for ind in scores.codebook.indicators:
        for rule in ind.measures:
            if rule.measure == measure:
                return ind.code, rule
    return None


BAND_ALPHA = 0.22

#: Series with at most this many observations (per country) are drawn as points, without a line.
SHORT_SERIES = 3


def _cut_bands(
    ax: Axes, scores: Scores, rule: Any, terms: pd.DataFrame, xmin: Any, xmax: Any
) -> tuple[list[str], list[float], tuple[float, list[float]] | None]:
    """Shade, within each term, the codebook's cut-points in the series' own unit.

    Returns the labels of the terms shaded or, prefixed with ``-``, those left without
    (no population), the cut-points drawn (in the series' unit), and the right end and
    band edges of the last term shaded (where :func:`_name_bands` names the levels).

    A cut-point per ``per_scale`` residents is drawn at ``cut * population / per_scale`` of
    the case's population; a term without a population gets none.
    """
    cmap = colormap(SCORE_CMAP)
    norm = Normalize(scores.codebook.scale.min, scores.codebook.scale.max)
    pop = scores.units.drop_duplicates("case").set_index("case")["population"] if "population" in scores.units else None
    lowest = scores.codebook.scale.min
    cuts = list(rule.thresholds or ())
    drawn: list[str] = []
    edges_all: list[float] = []
    last: tuple[float, list[float]] | None = None
    for t in terms.itertuples(index=False):
        factor = 1.0
        if rule.per == "population":
            p = float(pop.get(t.case, np.nan)) if pop is not None else np.nan
            if not np.isfinite(p) or p <= 0:
                drawn.append(f"-{t.label}")
                continue
            factor = p / float(rule.per_scale)
        start = max(pd.Timestamp(t.start), xmin)
        end = min(pd.Timestamp(t.end) if not pd.isna(t.end) else xmax, xmax)
        if end <= start:
            continue
        x0, x1 = float(mdates.date2num(start)), float(mdates.date2num(end))
        edges = [0.0, *(c * factor for c in cuts), np.inf]
        for k, (lo, hi) in enumerate(itertools.pairwise(edges)):
            top = hi if np.isfinite(hi) else 1e300
            ax.fill_between([x0, x1], lo, top, color=cmap(norm(lowest + k)), alpha=BAND_ALPHA, lw=0, zorder=0)
        for e in edges[1:-1]:
            ax.plot([x0, x1], [e, e], color="#8c8c8c", lw=0.5, zorder=0.5)
        drawn.append(str(t.label))
        edges_all += [float(e) for e in edges[1:-1]]
        last = (x1, edges)
    return drawn, edges_all, last


def _name_bands(ax: Axes, scores: Scores, last: tuple[float, list[float]] | None) -> None:
    """Name each level beside its band, right of the Axes (the bands of the last term shaded)."""
    if last is None:
        return
    _, edges = last
    lo_y, hi_y = ax.get_ylim()
    for lv, (a, b) in zip(scores.codebook.scale.levels, itertools.pairwise(edges), strict=False):
        a, b = max(a, lo_y), min(b, hi_y)
        if b - a < 0.04 * (hi_y - lo_y):
            continue
        ax.annotate(f"{lv.value} {lv.label}", xy=(1.0, (a + b) / 2), xycoords=ax.get_yaxis_transform(),
                    xytext=(3, 0), textcoords="offset points", ha="left", va="center", fontsize=7.5,
                    color="#4d4d4d", style="italic", annotation_clip=False)  # fmt: skip


def plot_measure(
    scores: Scores,
    measure: str,
    *,
    countries: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """One quantitative measure over time, each administration's term marked.

    Each observation is drawn at the middle of its period (a fiscal year, a calendar year,
    a month ...), joined by a line per country (a series of at most
    :data:`SHORT_SERIES` observations is drawn as points only); values are drawn as
    recorded, with their unit, in the country's colour and marker.

    A series the codebook scores (:func:`measure_rule`) is titled as scored, with its
    indicator; when its rule maps a level of the series onto the scale by cut-points, the
    cut-points are shaded as bands in each term, in the series' own unit (a cut-point per
    100,000 residents at the case's population), coloured as the heatmap colours the
    levels. Any other series is titled as context, without an indicator, each case's term
    shaded.

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
        The title (default: the series' ``label`` from the measures table, or its name,
        and whether it is scored).

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
    scored = measure_rule(scores, measure)
    ax = new_axes(ax, measure_size(scores, measure))
    start = pd.to_datetime(obs["period_start"])
    end = pd.to_datetime(obs["period_end"])
    mid = start + (end - start) / 2
    xmin = start.min() - pd.Timedelta(days=120)
    xmax = end.max() + pd.Timedelta(days=120)
    terms = term_table(scores, ctry)
    shaded: tuple[list[str], list[float], tuple[float, list[float]] | None] = ([], [], None)
    if scored is not None and scored[1].mapping == "thresholds" and scored[1].statistic != "change":
        shaded = _cut_bands(ax, scores, scored[1], terms, xmin, xmax)
    bands = any(not t.startswith("-") for t in shaded[0])
    edges_drawn = shaded[1]
    without = [t[1:] for t in shaded[0] if t.startswith("-")]
    styles = country_styles([*scores.units["country"], *ctry])
    gaps = False
    short = False
    for c in ctry:
        m = (obs["country"] == c).to_numpy()
        st = styles[c]
        values = obs.loc[m, "value"].to_numpy(dtype=float)
        if m.sum() <= SHORT_SERIES:  # too few for a line: points
            short = True
            ax.plot(mdates.date2num(mid[m]), values, ls="", color=st.colour, marker=st.marker, ms=7, zorder=3,
                    mec="white", mew=0.7)  # fmt: skip
            for xv, yv in zip(mdates.date2num(mid[m]), values, strict=True):
                ax.annotate(f"{yv:,.0f}", xy=(xv, yv), xytext=(0, 7), textcoords="offset points", ha="center",
                            va="bottom", fontsize=8, color="#404040")  # fmt: skip
            continue
        x, v = break_gaps(start[m], end[m], mid[m], values)
        if np.isnan(v).any():  # missing periods: a dotted line across, never a solid one
            gaps = True
            ax.plot(mdates.date2num(mid[m]), values, color=st.colour, lw=1.0, ls=":", zorder=2)
        ax.plot(x, v, color=st.colour, marker=st.marker, ms=5, lw=1.8, label=c, zorder=3)
    units = list(dict.fromkeys(obs["unit"].astype(str)))
    top = float(obs["value"].max())
    upper = top * 1.28 if top > 0 else 1.0
    if bands:  # show where the next level begins above the data, so that the bands read
        above = [e for e in edges_drawn if e > top]
        if above:
            upper = max(upper, min(above) * 1.15)
    ax.set_ylim(0, upper)
    _name_bands(ax, scores, shaded[2])
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
    names = obs["label"].astype(str).str.strip() if "label" in obs.columns else pd.Series([], dtype=str)
    names = names.loc[(names != "") & (names.str.lower() != "nan")]
    name = names.iloc[0] if len(names) else plot_text(measure)
    if scored is not None:
        code = scored[0]
        ind_name = next(i.name for i in scores.codebook.indicators if i.code == code)
        default = f"{name}\nscored in {code} {ind_name}"
    else:
        default = f"{name}\ncontext: not scored by the codebook"
    ax.set_title(plot_text(title) if title else default, fontsize=11.5)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e0e0e0", lw=0.7)
    ax.set_axisbelow(True)
    width_in = figure_of(ax).get_figwidth() * ax.get_position().width
    handles: list[Any] = [
        Line2D([], [], color=styles[c].colour, marker=styles[c].marker, ms=5, lw=1.8, label=c) for c in ctry
    ]
    if bands:
        cmap = colormap(SCORE_CMAP)
        norm = Normalize(scores.codebook.scale.min, scores.codebook.scale.max)
        handles += [
            Patch(facecolor=cmap(norm(lv.value)), alpha=BAND_ALPHA, label=f"{lv.value} {lv.label}")
            for lv in scores.codebook.scale.levels
        ]
    n = len(obs)
    note = f"{n} observation{'s' if n != 1 else ''} of {measure}; sources in the measures table."
    if bands:
        rule = scored[1] if scored else None
        per = f" per {rule.per_scale:,.0f} residents" if rule is not None and rule.per == "population" else ""
        cuts = ", ".join(f"{c:g}" for c in (rule.thresholds or ())) if rule is not None else ""
        note += (
            f" Bands: the codebook's cut-points ({cuts}{per}) for the {rule.statistic if rule else ''} over each "
            "term, drawn at each case's population; the case's level is the band its "
            f"{rule.statistic if rule else ''} falls in."
        )
        if without:
            note += f" No cut-points where the case has no population: {', '.join(without)}."
    else:
        note += " Shaded: the term of each case."
    if short:
        note += f" Series of {SHORT_SERIES} or fewer observations: points only."
    if gaps:
        note += " Dotted: periods without an observation."
    legend_below(
        ax,
        handles if (len(ctry) > 1 or bands) else [],
        note="\n".join(textwrap.wrap(note, 130)),
        ncol=min(len(handles), 8) or None,
    )
    shade_terms(ax, terms, xmin, xmax, y1=1.0, label_y=0.985, width_in=width_in, shade=not bands)
    return ax
