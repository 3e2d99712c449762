"""Comparison charts: matplotlib functions that draw a :class:`~securitization.scoring.Scores` or a result table.

Seven functions take the scores (:func:`plot_profile`, :func:`plot_heatmap`,
:func:`plot_map`, :func:`plot_ranking`, :func:`plot_measure`, :func:`plot_timeline`, and
:func:`plot_rank_intervals`, which also takes a sensitivity analysis); two take the
table of another result: :func:`plot_reliability` (a
:class:`~securitization.uncertainty.Reliability` or its table) and
:func:`plot_calibration` (the calibration study's table). Every one takes keyword-only
options, draws on the ``ax`` it is given (or on a new figure made with
``plt.subplots``) and returns the Axes. No function calls ``plt.show()``, changes
matplotlib's global settings or computes a statistic: the numbers drawn are those of the
tables (the profile's reference, the median of the bundled cases per indicator, is
:func:`profile_reference`, a description of the indicator table). Cases are labelled by
their readable ``label``; a missing score is marked as missing, never drawn as 0.

**Identity.** A country keeps its colour and marker, and a case its colour (its
country's) and marker, in every chart and every run, whatever else is drawn
(:func:`country_styles`, :func:`case_styles`): the colours are Okabe-Ito's (Okabe & Ito
2008), safe for the common colour-vision deficiencies. The countries and cases of the
bundled data have fixed entries (:data:`COUNTRY_COLOURS`, :data:`COUNTRY_MARKERS`,
:data:`BUNDLED_CASES`); a new id takes the colour or marker its SHA-256 hash points to,
or, when a country (a case of the same country) drawn with it already has that one, the
next free one, new ids in alphabetical order. Scores use ``cividis``, the codes of
evidence items ``viridis``.

**Intervals.** One style everywhere: a thick bar for the 68% interval (``lo68, hi68``)
and a thin line for the ``ci_prob`` interval (``lo, hi``, 90% by default), in the case's
colour, whenever the tables carry them; every legend names the levels drawn and every
note or caption what they vary (``manifest["uncertainty"]["varies"]``; see
:func:`interval_spec`). Rank intervals and reliability intervals, of one level, are the
thin line, their level stated.

The package is laid out as the charts are made: :mod:`._front` (checks, case selection,
identity, the interval style, new axes, text made safe for matplotlib), :mod:`.layout`
(label placement without collisions, legends below the axes, shaded bands and terms,
date axes) and one module per chart exporting its ``plot_*`` function and its ``*_size``
(the figure size the gallery uses too).

============================  ===========================================================
function                      draws (module; each module also gives the chart's figure size)
============================  ===========================================================
:func:`plot_profile`          the indicator profile of each case: a panel per case (or a radar of 2-3)
:func:`plot_heatmap`          cases x indicators (and dimensions, overall): score, band, coverage
:func:`plot_map`              institutional against practice score per case, the gap marked
:func:`plot_ranking`          the overall ranking with intervals, bands shaded, a case highlighted
:func:`plot_measure`          one measure over time: scored (cut-points as bands) or context
:func:`plot_timeline`         evidence items by date and indicator, sized by weight, coloured by code
:func:`plot_reliability`      inter-coder agreement (alpha) per indicator against the gate and 0.8
:func:`plot_rank_intervals`   rank intervals per case from a sensitivity analysis (or the scores)
:func:`plot_calibration`      coverage of nominal intervals by items per cell (the calibration study)
============================  ===========================================================

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
