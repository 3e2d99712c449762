"""Posterior intervals: as wide as the evidence is thin.

The percentile bootstrap (:mod:`securitization.uncertainty.evidence`) cannot see
uncertainty it has no replication for: one item, or five items with one code, give it a
zero-width interval. The posterior treats each cell's evidence as a sample from an
unknown distribution over the scale's levels and asks where the cell's true value lies
given that sample and a weakly informative prior. It is the default interval of the
library.

**Model.** For every unit x indicator cell, with the scale's levels ``v_0 .. v_{K-1}``:

* the cell has an unknown distribution ``theta`` over the levels, with the prior
  Dirichlet(``a pi``): ``pi`` the prior shares (uniform by default) and ``a`` the prior
  strength in items (1 by default: one item's worth spread over the levels, the prior of
  Perks 1947), both set in the codebook's ``[uncertainty]`` table;
* the cell's items are a sample from ``theta``. An item of weight ``w`` coded by ``m``
  coders gives ``w / m`` to each coder's code (a code between two levels, as a median of
  two coders can be, is split between them linearly): the weighted shares of the levels.
  The sample counts as its effective number of items, ``n_eff = (sum w)^2 / sum w^2``
  (Kish 1965, *Survey Sampling*): weights move the shares, not the amount of evidence;
* the posterior is Dirichlet(``a pi + n_eff x shares``) (conjugate, Gelman et al. 2013,
  *Bayesian Data Analysis*, 3rd ed., ch. 3.4);
* the cell's *true value* is the indicator's item rule applied to ``theta``: for the
  weighted rules, to the distribution itself (the weighted mean gives the expected code
  ``sum theta_k v_k``, the median the median level); for the unweighted rules (the
  highest code, the mean of the k highest), to as many items as the cell has, drawn from
  ``theta`` (the posterior predictive);
* measures: the statistic of a unit with ``n`` observations of a measure (periods of its
  term) is uncertain by a factor ``1 + cv t / sqrt(n)`` (``n = 1`` for the ``last``
  statistic), ``cv`` the coefficient of variation between the periods of one term, pooled
  over the units with two periods or more (``t`` Student's with the pooled degrees of
  freedom), or the codebook's ``measure_cv`` (``t`` normal) when no unit has two; the
  statistic is then mapped onto the scale as by :func:`~securitization.scoring.score`;
* items and measures scores are blended and aggregated by the codebook's rules, and the
  units ranked, in every draw.

The intervals are the equal-tailed intervals of the draws. Under the model they are
calibrated: a nominal 90% interval covers the true value 90% of the time whatever the
number of items (the simulation study in :mod:`securitization.uncertainty.calibration`
shows it, and how the coverage moves when the cells' true distributions are not drawn from
the prior). The point estimate of :func:`~securitization.scoring.score` is the rule applied
to the items as coded; with few items the posterior median lies nearer the middle of the
scale than it, and the interval need not contain it (one item coded 4 does not make the
cell's true value 4 for certain).

Coders: with ``coders=True`` every coder's code counts (an item coded 2 and 4 is half
evidence for 2, half for 4); adjudicated items count by their coders' codes too (the
coders' codes drive the coder uncertainty; the point estimate uses the adjudicated code).

The cost is per cell and level, not per item: 1,000 draws of 1,000 cells take a fraction
of a second whatever the number of evidence rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..codebook import Codebook
from ..errors import ParameterError
from ..progress import progress
from ..rules import Rule
from ..scoring import Prepared, Scores
from ..scoring.engine import (
    Aggregator,
    MeasureSpec,
    aggregate,
    blend,
    item_rule_groups,
    measure_levels,
    measure_specs,
    measures_scores,
)
from .draws import DEFAULT_SEED, RngLike, check_memory, check_n, prepared_of, rank_desc, resolve_rng
from .evidence import Replicates, from_counts

__all__ = ["CellEvidence", "cell_evidence", "items_posterior", "measures_posterior", "posterior_replicates"]

#: Elements (draws x cells x levels) processed at once.
CHUNK_ELEMENTS = 1 << 22

DESIGN = (
    "posterior: Dirichlet over the scale's levels per unit x indicator with prior a x pi (codebook [uncertainty]), "
    "items as their effective number (Kish) with coders splitting an item between their codes; "
    "weighted item rules applied to the level distribution, unweighted ones to items drawn from it; "
    "measures uncertain by 1 + cv t / sqrt(n_periods), cv pooled within each measure rule; "
    "equal-tailed intervals; ranks per draw (1 = highest score, ties take the best rank)"
)


@dataclass(frozen=True, kw_only=True)
class CellEvidence:
    """The evidence of every non-empty unit x indicator cell as posterior Dirichlet parameters.

    Attributes
    ----------
    seg_cell
        (s,) the non-empty cells (``unit * n_ind + indicator``), sorted.
    alpha
        (s, K) the posterior parameters: prior plus effective counts per level.
    shares
        (s, K) the weighted shares of the levels in the cell's evidence.
    n_items, n_eff
        (s,) items and effective items (Kish) of each cell.
    levels
        (K,) the level values of the scale.
    """

    seg_cell: np.ndarray
    alpha: np.ndarray
    shares: np.ndarray
    n_items: np.ndarray
    n_eff: np.ndarray
    levels: np.ndarray


def _prior(cb: Codebook) -> np.ndarray:
    k = len(cb.scale.values)
    u = cb.uncertainty
    shares = np.full(k, 1.0 / k) if u.prior is None else np.asarray(u.prior, dtype=float)
    return u.prior_strength * shares


def cell_evidence(prep: Prepared, *, coders: bool = True, codebook: Codebook | None = None) -> CellEvidence:
    """The posterior Dirichlet parameters of every non-empty cell (see the module docstring)."""
    cb = codebook or prep.codebook
    levels = np.asarray(cb.scale.values, dtype=float)
    k = len(levels)
    n_cells = prep.n_units * prep.n_ind
    ia, ra = prep.item_arrays, prep.row_arrays
    if coders:  # every coder's code, the item's weight split between its coders
        cell = ra.cell.astype(np.intp)
        code = ra.code.astype(float)
        mass = ia.weight[ra.item] / ia.n_coders[ra.item]
    else:
        cell, code, mass = ia.cell.astype(np.intp), ia.code.astype(float), ia.weight.astype(float)
    pos = np.clip(code - levels[0], 0.0, k - 1.0)
    lower = np.floor(pos).astype(np.intp)
    frac = pos - lower
    upper = np.minimum(lower + 1, k - 1)
    counts = np.bincount(cell * k + lower, weights=mass * (1.0 - frac), minlength=n_cells * k)
    counts += np.bincount(cell * k + upper, weights=mass * frac, minlength=n_cells * k)
    counts = counts.reshape(n_cells, k)
    icell = ia.cell.astype(np.intp)
    n_items = np.bincount(icell, minlength=n_cells)
    sw = np.bincount(icell, weights=ia.weight, minlength=n_cells)
    sw2 = np.bincount(icell, weights=ia.weight**2, minlength=n_cells)
    seg = np.flatnonzero(n_items > 0)
    total = counts[seg].sum(axis=1, keepdims=True)
    shares = counts[seg] / np.where(total > 0, total, 1.0)
    n_eff = sw[seg] ** 2 / np.where(sw2[seg] > 0, sw2[seg], 1.0)
    alpha = _prior(cb)[None, :] + n_eff[:, None] * shares
    return CellEvidence(seg_cell=seg, alpha=alpha, shares=shares, n_items=n_items[seg], n_eff=n_eff, levels=levels)


def _dirichlet(alpha: np.ndarray, reps: int, rng: np.random.Generator) -> np.ndarray:
    """Draws of Dirichlet(alpha) for every row of ``alpha``: shape (reps, *alpha.shape)."""
    g = rng.standard_gamma(np.broadcast_to(alpha, (reps, *alpha.shape)))
    total = g.sum(axis=-1, keepdims=True)
    return np.asarray(g / np.where(total > 0, total, 1.0))


def _rule_on_distribution(
    rule: Rule, k: int, cells: np.ndarray, theta: np.ndarray, levels: np.ndarray, n_cells: int
) -> np.ndarray:
    """A weighted item rule applied to level distributions: (reps, n_cells)."""
    reps, s, nk = theta.shape
    cell = np.repeat(cells, nk)
    weight = theta.reshape(reps, s * nk)
    code = np.broadcast_to(np.tile(levels, s), weight.shape)
    return np.asarray(rule.fn(cell, code, weight, n_cells, k=k))


def items_posterior(
    ev: CellEvidence,
    codebook: Codebook,
    n_units: int,
    theta: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Items scores (reps, n_units, n_ind) from draws ``theta`` (reps, s, K) of the cells' distributions."""
    n_ind = len(codebook.indicators)
    n_cells = n_units * n_ind
    reps = theta.shape[0]
    out = np.full((reps, n_cells), np.nan)
    seg_ind = ev.seg_cell % n_ind
    for rule, k, idx in item_rule_groups(codebook):
        m = np.isin(seg_ind, idx)
        if not m.any():
            continue
        cells = ev.seg_cell[m]
        if rule.weighted:
            res = _rule_on_distribution(rule, k, cells, theta[:, m], ev.levels, n_cells)
            out[:, cells] = res[:, cells]
        elif rule.from_counts is not None:  # as many items as the cell has, drawn from theta
            p = theta[:, m]
            p = p / p.sum(axis=-1, keepdims=True)
            counts = rng.multinomial(np.broadcast_to(ev.n_items[m], p.shape[:-1]), p).astype(float)
            code = np.broadcast_to(ev.levels, p.shape[1:])
            out[:, cells] = from_counts(rule, k, counts, code, np.ones_like(code))
        else:
            raise ParameterError(
                f"The item rule {rule.name!r} is neither weighted nor computable from counts, so the posterior "
                "cannot apply it; use method='bootstrap' for intervals with this codebook, or register the rule "
                "with a from_counts form (see securitization.rules.register_rule)."
            )
    return out.reshape(reps, n_units, n_ind)


def _measure_factor(spec: MeasureSpec, codebook: Codebook, n_units: int) -> tuple[float, float, np.ndarray]:
    """The pooled coefficient of variation between periods, its degrees of freedom, and the n per unit."""
    n = np.bincount(spec.uid, minlength=n_units).astype(float)
    s1 = np.bincount(spec.uid, weights=spec.values, minlength=n_units)
    s2 = np.bincount(spec.uid, weights=spec.values**2, minlength=n_units)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / n
        var = (s2 - n * mean**2) / (n - 1)
    ok = (n >= 2) & (mean > 0)
    df = float((n[ok] - 1).sum())
    if df > 0:
        cv2 = float(((n[ok] - 1) * np.maximum(var[ok], 0.0) / mean[ok] ** 2).sum() / df)
        cv = float(np.sqrt(cv2))
    else:
        cv, df = codebook.uncertainty.measure_cv, float("inf")
    if spec.statistic.name == "last":
        n = np.minimum(n, 1.0)
    return cv, df, np.maximum(n, 1.0)


def measures_posterior(
    specs: list[MeasureSpec], codebook: Codebook, n_units: int, reps: int, rngs: list[np.random.Generator]
) -> np.ndarray:
    """Measures scores (reps, n_units, n_ind): each unit's statistic drawn as described in the module docstring."""
    levels = []
    for spec, gen in zip(specs, rngs, strict=True):
        cv, df, n = _measure_factor(spec, codebook, n_units)
        t = gen.standard_normal((reps, n_units)) if np.isinf(df) else gen.standard_t(df, (reps, n_units))
        factor = np.maximum(0.0, 1.0 + cv * t / np.sqrt(n)[None, :])
        values = spec.values[None, :] * factor[:, spec.uid]
        levels.append(measure_levels(spec, codebook, n_units=n_units, values=values)[2])
    return measures_scores(specs, levels, n_units, len(codebook.indicators), reps)


def posterior_replicates(
    scores: Scores,
    *,
    n_draws: int = 1000,
    rng: RngLike = DEFAULT_SEED,
    coders: bool = True,
    measures: bool = True,
) -> Replicates:
    """Draw every score and rank from the posterior (see the module docstring).

    Parameters
    ----------
    scores
        The result of :func:`~securitization.scoring.score`.
    n_draws
        Number of posterior draws (1000 by default).
    rng
        A :class:`numpy.random.Generator`, an int seed (default
        :data:`~securitization.uncertainty.DEFAULT_SEED`) or ``None`` (a fresh seed,
        recorded).
    coders
        Every coder's code counts (``True``); else the item's consolidated code.
    measures
        Draw the measures' statistics too (else they are taken as observed).

    Returns
    -------
    Replicates
        With ``parameters["method"] == "posterior"``.
    """
    caller = "posterior"
    prep = prepared_of(scores, caller)
    n_draws = check_n(n_draws, "n_draws", caller)
    gen, record = resolve_rng(rng, caller)
    cb = prep.codebook
    n_u, n_i, n_d = prep.n_units, prep.n_ind, len(cb.dimensions)
    check_memory(n_draws, n_u * (n_i + n_d + 2), "n_draws", caller)
    ev = cell_evidence(prep, coders=coders)
    specs = measure_specs(prep, cb)
    aggregator = Aggregator.from_codebook(cb)
    groups = prep.units["year"].to_numpy(dtype=float, na_value=np.nan) if prep.by == "year" else None
    out_x = np.empty((n_draws, n_u, n_i))
    out_d = np.empty((n_draws, n_u, n_d))
    out_o = np.empty((n_draws, n_u))
    out_r = np.empty((n_draws, n_u))
    per_draw = max(ev.alpha.size, n_u * n_i, 1)
    chunk = max(1, min(n_draws, CHUNK_ELEMENTS // per_draw))
    gen_items, gen_meas = gen.spawn(2)
    meas_gens = gen_meas.spawn(len(specs))
    fixed = (
        None if measures else measures_scores(specs, [measure_levels(s, cb, n_units=n_u)[2] for s in specs], n_u, n_i)
    )
    for a in progress(range(0, n_draws, chunk), desc="posterior", total=-(-n_draws // chunk), unit="chunk"):
        reps = min(chunk, n_draws - a)
        theta = _dirichlet(ev.alpha, reps, gen_items)
        items = items_posterior(ev, cb, n_u, theta, gen_items)
        meas = measures_posterior(specs, cb, n_u, reps, meas_gens) if fixed is None else fixed
        x = blend(items, meas, cb)
        dims, _, overall, _ = aggregate(x, aggregator)
        out_x[a : a + reps] = x
        out_d[a : a + reps] = dims
        out_o[a : a + reps] = overall
        out_r[a : a + reps] = rank_desc(overall, groups)
    u = cb.uncertainty
    parameters: dict[str, Any] = {
        "method": "posterior",
        "n_draws": n_draws,
        "coders": bool(coders),
        "measures": bool(measures),
        **record,
        "prior_strength": u.prior_strength,
        "prior": list(u.prior) if u.prior is not None else "uniform",
        "measure_cv": u.measure_cv,
        "chunk": chunk,
        "design": DESIGN,
    }
    return Replicates(indicators=out_x, dimensions=out_d, overall=out_o, ranks=out_r, parameters=parameters)
