"""Comparison charts: matplotlib functions that draw a :class:`~securitization.scoring.Scores`.

Every function takes the scores (or a tidy table) and keyword-only options, draws on the
``ax`` it is given (or on a new figure made with ``plt.subplots``) and returns the Axes.
No function calls ``plt.show()``, changes matplotlib's global settings or computes a
statistic: the numbers drawn are those of the tables. Cases are labelled by their
readable ``label``; a missing score is marked as missing, never drawn as 0; intervals
(``lo``/``hi``, ``rank_lo``/``rank_hi``) are drawn whenever the tables carry them.

The package is laid out as the charts are made: :mod:`._front` (checks, case selection,
palette, new axes, text made safe for matplotlib), :mod:`.layout` (label placement, legends
below the axes, shaded bands and terms, date axes) and one module per chart exporting its
``plot_*`` function and its ``*_size`` (the figure size the gallery uses too).

Colours are colour-blind safe: Okabe-Ito for categories (countries, cases), ``cividis``
for scores and ``viridis`` for the ordinal codes of evidence items.

=========================  ==============================================================
function                   draws (module; each module also gives the chart's figure size)
=========================  ==============================================================
:func:`plot_profile`       the indicator profile of each case (radar), cases overlaid
:func:`plot_heatmap`       cases x indicators (and dimensions, overall): score, band, coverage
:func:`plot_map`           institutional against practice score per case, diagonal marked
:func:`plot_ranking`       the overall ranking with intervals, bands shaded
:func:`plot_measure`       one measure over time, each administration's term shaded
:func:`plot_timeline`      evidence items by date and indicator, sized by weight, coloured by code
:func:`plot_reliability`   inter-coder agreement (alpha) per indicator against the gate
:func:`plot_rank_intervals`  rank intervals per case from a sensitivity analysis
:func:`plot_calibration`   coverage of nominal intervals by items per cell (the calibration study)
=========================  ==============================================================

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from securitization import load, score
>>> from securitization.plot import plot_ranking
>>> ax = plot_ranking(score(load()))
>>> ax.get_xlabel()
'Overall securitization score'
"""

from __future__ import annotations

from ._front import (
    BUNDLED_CASES,
    COUNTRY_COLOURS,
    COUNTRY_MARKERS,
    OKABE_ITO,
    IntervalSpec,
    Style,
    case_styles,
    country_styles,
    interval_spec,
)
from .calibration import calibration_size, plot_calibration
from .heatmap import heatmap_size, plot_heatmap
from .map import map_size, plot_map
from .measure import SHORT_SERIES, available_measures, measure_rule, measure_size, plot_measure
from .profile import MAX_RADAR_CASES, plot_profile, profile_reference, profile_size
from .rank_intervals import plot_rank_intervals, rank_intervals_size
from .ranking import plot_ranking, ranking_size
from .reliability import FIRM_ALPHA, plot_reliability, reliability_size
from .timeline import MAX_TIMELINE_POINTS, plot_timeline, timeline_size

__all__ = [
    "BUNDLED_CASES",
    "COUNTRY_COLOURS",
    "COUNTRY_MARKERS",
    "FIRM_ALPHA",
    "MAX_RADAR_CASES",
    "MAX_TIMELINE_POINTS",
    "OKABE_ITO",
    "SHORT_SERIES",
    "IntervalSpec",
    "Style",
    "available_measures",
    "calibration_size",
    "case_styles",
    "country_styles",
    "heatmap_size",
    "interval_spec",
    "map_size",
    "measure_rule",
    "measure_size",
    "plot_calibration",
    "plot_heatmap",
    "plot_map",
    "plot_measure",
    "plot_profile",
    "plot_rank_intervals",
    "plot_ranking",
    "plot_reliability",
    "plot_timeline",
    "profile_reference",
    "profile_size",
    "rank_intervals_size",
    "ranking_size",
    "reliability_size",
    "timeline_size",
]
