"""Uncertainty: how sure the scores are, from the evidence, the coders and the method.

* :mod:`.posterior`: the default intervals over the evidence (items, coders, measures),
  as wide as the evidence is thin (a Dirichlet over the scale's levels per cell);
* :mod:`.evidence`: the bootstrap, intervals from resampling the evidence (items, coders,
  measure periods), kept as an option;
* :mod:`.joint`: :func:`intervals` (either of the two) and :func:`joint`, the evidence
  and the method drawn together;
* :mod:`.agreement`: the coders' reliability (Krippendorff's alpha) with a gate;
* :mod:`.method`: the sensitivity analysis, rank intervals and Sobol indices over the
  method's choices (weights, rules, left-out indicators).

All three draw with :mod:`.draws` (seeds, checks, ranks) and score every draw with the
same rules as :func:`~securitization.scoring.score` (:mod:`securitization.scoring.engine`).
"""

from __future__ import annotations

from .agreement import Reliability, krippendorff_alpha, percent_agreement, reliability
from .draws import DEFAULT_SEED, RngLike, rank_desc, resolve_rng
from .evidence import Replicates, attach_intervals, bootstrap, bootstrap_replicates
from .joint import intervals, joint, joint_replicates
from .method import Sensitivity, index_sensitivity, normalise_minmax, sensitivity
from .posterior import cell_evidence, posterior_replicates

__all__ = [
    "DEFAULT_SEED",
    "Reliability",
    "Replicates",
    "RngLike",
    "Sensitivity",
    "attach_intervals",
    "bootstrap",
    "bootstrap_replicates",
    "cell_evidence",
    "index_sensitivity",
    "intervals",
    "joint",
    "joint_replicates",
    "krippendorff_alpha",
    "normalise_minmax",
    "percent_agreement",
    "posterior_replicates",
    "rank_desc",
    "reliability",
    "resolve_rng",
    "sensitivity",
]
