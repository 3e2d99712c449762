"""Scoring: a validated dataset to indicator, dimension and overall scores with their trail.

:func:`score` is the entry point; :mod:`.prepare` indexes the dataset into arrays,
:mod:`.engine` applies the codebook's rules to them (for one replicate or many, shared
with the bootstrap and the sensitivity analysis), :mod:`.results` holds the
:class:`Scores` and the :class:`Explanation` of one number.
"""

from __future__ import annotations

from .engine import Aggregator, aggregate, blend, indicator_matrix, items_scores, measure_table
from .prepare import By, ItemArrays, Prepared, RowArrays, prepare
from .results import Explanation, Scores
from .scorer import build_scores, score

__all__ = [
    "Aggregator",
    "By",
    "Explanation",
    "ItemArrays",
    "Prepared",
    "RowArrays",
    "Scores",
    "aggregate",
    "blend",
    "build_scores",
    "indicator_matrix",
    "items_scores",
    "measure_table",
    "prepare",
    "score",
]
