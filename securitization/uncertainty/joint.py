"""One uncertainty: the evidence, the coders and the method's choices drawn together.

:func:`intervals` gives the intervals of one source at a time (the evidence, by the
posterior or the bootstrap); the sensitivity analysis (:mod:`.method`) those of the
method. :func:`joint_replicates` draws both at once: in every draw, the cells' level
distributions and the measures from the posterior (:mod:`.posterior`), and a method as
the sensitivity analysis draws one (indicator weights multiplied by ``1 + u``, ``u``
uniform on ``[-weight_noise, weight_noise]``; one of ``item_rules``; one of
``aggregations``; no indicator or one left out, each equally likely). The intervals of
these draws carry every source of uncertainty the library knows; :func:`joint` attaches
them to ``overall`` as ``joint_*`` columns, beside the evidence's, each labelled in the
manifest with what it varies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..progress import progress
from ..rules import get_rule
from ..scoring import Scores
from ..scoring.engine import Aggregator, aggregate, blend, measure_levels, measure_specs, measures_scores
from .draws import DEFAULT_SEED, RngLike, check_ci_prob, check_memory, check_n, prepared_of, rank_desc, resolve_rng
from .evidence import Replicates, attach_intervals, bootstrap_replicates
from .method import NOMINAL, _check_common, _levels, _options
from .posterior import _dirichlet, cell_evidence, items_posterior, measures_posterior, posterior_replicates

__all__ = ["intervals", "joint", "joint_replicates"]

#: Draws x units x indicators x item-rule options processed at once.
_CHUNK_ELEMENTS = 1 << 21


def intervals(
    scores: Scores,
    *,
    method: str = "posterior",
    n: int = 1000,
    ci_prob: float = 0.9,
    rng: RngLike = DEFAULT_SEED,
    coders: bool = True,
    measures: bool = True,
) -> Scores:
    """Add intervals over the evidence to every score and rank.

    Parameters
    ----------
    scores
        The result of :func:`~securitization.scoring.score`.
    method
        ``"posterior"`` (default: intervals as wide as the evidence is thin, see
        :mod:`securitization.uncertainty.posterior`) or ``"bootstrap"`` (the percentile
        bootstrap over items, coders and measure periods, see
        :mod:`securitization.uncertainty.evidence`).
    n
        Number of draws.
    ci_prob
        Probability of the ``lo, hi`` interval (the 68% and 95% intervals are added too).
    rng
        A Generator, an int seed (default :data:`~securitization.uncertainty.DEFAULT_SEED`)
        or ``None`` (a fresh seed); the seed is recorded in ``manifest["uncertainty"]``.
    coders, measures
        Carry the coders' disagreement; draw the measures too.

    Returns
    -------
    Scores
        A copy with ``median, sd, lo, hi, lo68, hi68, lo95, hi95`` in every table and
        ``rank_median, rank_lo, rank_hi`` in ``overall``.

    Examples
    --------
    >>> from securitization import load, score
    >>> s = intervals(score(load()), n=200)
    >>> s.manifest["uncertainty"]["seed"], s.manifest["uncertainty"]["method"]
    (20110101, 'posterior')
    """
    ci_prob = check_ci_prob(ci_prob, "intervals")
    if method == "posterior":
        rep = posterior_replicates(scores, n_draws=n, rng=rng, coders=coders, measures=measures)
    elif method == "bootstrap":
        rep = bootstrap_replicates(scores, n_boot=n, rng=rng, coders=coders, measures=measures)
    else:
        raise ParameterError.invalid("method", "intervals", "'posterior' or 'bootstrap'", method)
    return attach_intervals(scores, rep, ci_prob=ci_prob)


def joint_replicates(
    scores: Scores,
    *,
    n: int = 1000,
    rng: RngLike = DEFAULT_SEED,
    weight_noise: float = 0.25,
    item_rules: Sequence[str] = (NOMINAL, "median"),
    aggregations: Sequence[str] = (NOMINAL, "geometric"),
    leave_out: bool = True,
    coders: bool = True,
    measures: bool = True,
) -> Replicates:
    """Draws of every score over the evidence and the method together (see the module docstring)."""
    caller = "joint"
    prep = prepared_of(scores, caller)
    n = check_n(n, "n", caller)
    n, weight_noise, aggs, _ = _check_common(n, weight_noise, aggregations, 0.9, caller)
    rules = _options("items", item_rules, "item_rules", caller)
    gen, record = resolve_rng(rng, caller)
    cb = prep.codebook
    n_u, n_i, n_d = prep.n_units, prep.n_ind, len(cb.dimensions)
    check_memory(n, n_u * (n_i + n_d + 2), "n", caller)
    ev = cell_evidence(prep, coders=coders)
    specs = measure_specs(prep, cb)
    aggregator = Aggregator.from_codebook(cb)
    codebooks = [cb if r == NOMINAL else cb.with_changes(item_rule=r) for r in rules]
    levels = [_levels(aggregator, a) for a in aggs]
    groups = prep.units["year"].to_numpy(dtype=float, na_value=np.nan) if prep.by == "year" else None
    g_method, g_items, g_meas = gen.spawn(3)
    meas_gens = g_meas.spawn(len(specs))
    # the method of every draw
    w = aggregator.weights[None, :] * (1.0 + weight_noise * (2.0 * g_method.random((n, n_i)) - 1.0))
    rule_idx = g_method.integers(0, len(rules), n) if len(rules) > 1 else np.zeros(n, dtype=np.intp)
    agg_idx = g_method.integers(0, len(aggs), n) if len(aggs) > 1 else np.zeros(n, dtype=np.intp)
    left = g_method.integers(-1, n_i, n) if leave_out else np.full(n, -1)
    w[np.arange(n)[left >= 0], left[left >= 0]] = 0.0
    fixed = (
        None if measures else measures_scores(specs, [measure_levels(s, cb, n_units=n_u)[2] for s in specs], n_u, n_i)
    )
    out_x = np.empty((n, n_u, n_i))
    out_d = np.empty((n, n_u, n_d))
    out_o = np.empty((n, n_u))
    out_r = np.empty((n, n_u))
    panel = any(get_rule("aggregation", r).panel for lv in levels for r in lv)
    per = max(ev.alpha.size, n_u * n_i * len(rules) * (n_u if panel else 1), 1)
    chunk = max(1, min(n, _CHUNK_ELEMENTS // per))
    for a in progress(range(0, n, chunk), desc="joint", total=-(-n // chunk), unit="chunk"):
        b = min(n, a + chunk)
        reps = b - a
        theta = _dirichlet(ev.alpha, reps, g_items)
        meas = measures_posterior(specs, cb, n_u, reps, meas_gens) if fixed is None else fixed
        x = np.empty((reps, n_u, n_i))
        for j, c in enumerate(codebooks):
            sel = np.flatnonzero(rule_idx[a:b] == j)
            if len(sel):
                x[sel] = blend(
                    items_posterior(ev, c, n_u, theta[sel], g_items), meas[sel] if fixed is None else meas, c
                )
        dims = np.empty((reps, n_u, n_d))
        overall = np.empty((reps, n_u))
        for j, (dim_rule, overall_rule) in enumerate(levels):
            sel = np.flatnonzero(agg_idx[a:b] == j)
            if len(sel):
                d, _, o, _ = aggregate(
                    x[sel], aggregator, weights=w[a:b][sel], dimension=dim_rule, overall=overall_rule
                )
                dims[sel], overall[sel] = d, o
        out_x[a:b], out_d[a:b], out_o[a:b] = x, dims, overall
        out_r[a:b] = rank_desc(overall, groups)
    parameters: dict[str, Any] = {
        "method": "joint",
        "n_draws": n,
        **record,
        "coders": bool(coders),
        "measures": bool(measures),
        "weight_noise": weight_noise,
        "item_rules": list(rules),
        "aggregations": list(aggs),
        "leave_out": bool(leave_out),
        "design": "posterior draws of the evidence, each with a method drawn as in the sensitivity analysis",
    }
    return Replicates(indicators=out_x, dimensions=out_d, overall=out_o, ranks=out_r, parameters=parameters)


def joint(
    scores: Scores,
    *,
    n: int = 1000,
    ci_prob: float = 0.9,
    rng: RngLike = DEFAULT_SEED,
    weight_noise: float = 0.25,
    item_rules: Sequence[str] = (NOMINAL, "median"),
    aggregations: Sequence[str] = (NOMINAL, "geometric"),
    leave_out: bool = True,
    coders: bool = True,
    measures: bool = True,
) -> Scores:
    """Add ``joint_*`` interval columns to ``overall``: the evidence and the method drawn together.

    The columns are those of :func:`intervals` under the prefix ``joint_`` (``joint_median,
    joint_lo, joint_hi, ..., joint_rank_lo, joint_rank_hi``); what they vary is in
    ``manifest["joint_uncertainty"]["varies"]``.

    Examples
    --------
    >>> from securitization import load, score
    >>> s = joint(score(load()), n=200)
    >>> row = s.overall.set_index("case").loc["us-obama-2009"]
    >>> bool(row["joint_rank_lo"] <= row["joint_rank_hi"])
    True
    """
    check_ci_prob(ci_prob, "joint")
    rep = joint_replicates(
        scores,
        n=n,
        rng=rng,
        weight_noise=weight_noise,
        item_rules=item_rules,
        aggregations=aggregations,
        leave_out=leave_out,
        coders=coders,
        measures=measures,
    )
    return attach_intervals(scores, rep, ci_prob=ci_prob, prefix="joint_")
