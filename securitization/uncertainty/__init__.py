"""Uncertainty: how sure the scores are, from the evidence, the coders and the method.

* :mod:`.evidence`: the bootstrap, intervals from resampling the evidence (items, coders,
  measure periods);
* :mod:`.agreement`: the coders' reliability (Krippendorff's alpha) with a gate;
* :mod:`.method`: the sensitivity analysis, rank intervals and Sobol indices over the
  method's choices (weights, rules, left-out indicators).

All three draw with :mod:`.draws` (seeds, checks, ranks) and score every draw with the
same rules as :func:`~securitization.scoring.score` (:mod:`securitization.scoring.engine`).
"""

from __future__ import annotations

from .agreement import Reliability, krippendorff_alpha, percent_agreement, reliability
from .draws import RngLike, rank_desc, resolve_rng
from .evidence import Replicates, attach_intervals, bootstrap, bootstrap_replicates
from .method import Sensitivity, index_sensitivity, normalise_minmax, sensitivity

__all__ = [
    "Reliability",
    "Replicates",
    "RngLike",
    "Sensitivity",
    "attach_intervals",
    "bootstrap",
    "bootstrap_replicates",
    "index_sensitivity",
    "krippendorff_alpha",
    "normalise_minmax",
    "percent_agreement",
    "rank_desc",
    "reliability",
    "resolve_rng",
    "sensitivity",
]
