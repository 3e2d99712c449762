"""The scoring engine: the codebook's rules applied to arrays, for one replicate or many.

Every function here takes arrays with leading replicate axes (``(..., n_units, n_ind)``
and the like) and applies the rules of :mod:`securitization.rules` by name. The point
estimate of :func:`~securitization.scoring.score` is one replicate; the bootstrap draws
many and calls the same functions; the sensitivity analysis varies the weights and the
rules per replicate and calls :func:`aggregate` with them. There is no second copy of any
rule anywhere.

The steps, for each unit (see :func:`~securitization.scoring.score` for the whole flow):
:func:`items_scores` (item rule per indicator), :func:`measure_levels` /
:func:`measures_scores` (statistic and mapping per measure rule, weighted mean over the
rules of an indicator), :func:`blend` (items against measures per indicator) and
:func:`aggregate` (indicators into dimensions and overall, with the coverage rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..codebook import Codebook, MeasureRule
from ..rules import Rule, get_rule
from .prepare import Prepared

__all__ = [
    "Aggregator",
    "MeasureSpec",
    "aggregate",
    "blend",
    "indicator_matrix",
    "item_rule_groups",
    "items_scores",
    "measure_levels",
    "measure_specs",
    "measure_table",
    "measures_scores",
]


# --- items ------------------------------------------------------------------------------


def item_rule_groups(codebook: Codebook) -> list[tuple[Rule, int, np.ndarray]]:
    """The indicators grouped by item rule: ``(rule, k, indicator positions)`` per distinct rule."""
    groups: dict[tuple[str, int], list[int]] = {}
    for i, ind in enumerate(codebook.indicators):
        groups.setdefault((ind.items.rule, ind.items.k or 3), []).append(i)
    return [(get_rule("items", r), k, np.array(idx, dtype=np.intp)) for (r, k), idx in groups.items()]


def items_scores(
    cell: np.ndarray,
    ind: np.ndarray,
    code: np.ndarray,
    weight: np.ndarray,
    n_units: int,
    codebook: Codebook,
) -> np.ndarray:
    """Items score of every unit and indicator by the indicators' item rules.

    Parameters
    ----------
    cell, ind
        (n,) the cell (``unit * n_ind + indicator``) and indicator of each item (sorted by
        cell for the fast path).
    code, weight
        (..., n) the items' codes and weights, with leading replicate axes.
    n_units
        Number of units.
    codebook
        Its indicators' item rules are applied.

    Returns
    -------
    numpy.ndarray
        (..., n_units, n_ind); ``NaN`` where a cell has no item.
    """
    n_ind = len(codebook.indicators)
    n_cells = n_units * n_ind
    code = np.asarray(code, dtype=float)
    lead = code.shape[:-1]
    groups = item_rule_groups(codebook)
    if len(groups) == 1:
        rule, k, _ = groups[0]
        out = rule.fn(cell, code, weight, n_cells, k=k)
    else:
        out = np.full((*lead, n_cells), np.nan)
        weight = np.broadcast_to(np.asarray(weight, dtype=float), code.shape)
        for rule, k, idx in groups:
            m = np.isin(ind, idx)
            if m.any():
                res = rule.fn(cell[m], code[..., m], weight[..., m], n_cells, k=k)
                sel = np.unique(cell[m])
                out[..., sel] = res[..., sel]
    return out.reshape(*lead, n_units, n_ind)


# --- measures ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MeasureSpec:
    """One measure rule of one indicator with the observations it scores.

    Observations are sorted by unit, then by the end of their period: ``order`` is a
    position in that order (the later period, the higher), ``start``/``size`` the first
    position and the number of observations of each observation's unit (for drawing
    within units).
    """

    ind: int
    rule: MeasureRule
    statistic: Rule
    base: Rule  # the statistic shown as ``level_value`` (``mean`` for ``change``)
    mapping: Rule
    uid: np.ndarray  # (n_obs,)
    values: np.ndarray  # (n_obs,) per capita when the rule says so
    order: np.ndarray  # (n_obs,) 0 .. n_obs - 1
    start: np.ndarray  # (n_obs,)
    size: np.ndarray  # (n_obs,)
    previous: np.ndarray  # (n_units,) previous unit of the same country with observations, or -1
    reference: np.ndarray  # (n_units,) bool: units of the reference case
    seen: np.ndarray  # (n_units,) bool: units with observations (a missing population makes them NaN)
    obs_rows: np.ndarray = field(repr=False)  # (n_obs,) rows of prep.obs


def measure_specs(prep: Prepared, codebook: Codebook | None = None) -> list[MeasureSpec]:
    """The measure rules of the codebook that have observations, ready for :func:`measure_levels`."""
    cb = codebook or prep.codebook
    units, obs = prep.units, prep.obs
    pop = units["population"].to_numpy(dtype=float)
    specs = []
    for i, ind in enumerate(cb.indicators):
        for rule in ind.measures:
            o = obs.loc[(obs["measure"] == rule.measure) & (obs["indicator"] == ind.code)]
            if o.empty:
                continue
            o = o.sort_values(["uid", "period_end"], kind="stable")
            uid = o["uid"].to_numpy(dtype=np.intp)
            seen = np.bincount(uid, minlength=prep.n_units) > 0
            vals = o["value"].to_numpy(dtype=float)
            if rule.per == "population":
                vals = vals / pop[uid] * rule.per_scale
            keep = ~np.isnan(vals)
            uid, vals, rows = uid[keep], vals[keep], o.index.to_numpy()[keep]
            counts = np.bincount(uid, minlength=prep.n_units)
            firsts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            previous = np.full(prep.n_units, -1, dtype=np.intp)
            has = units.loc[counts > 0, ["uid", "country", "start"]].sort_values(["country", "start"], kind="stable")
            for _, g in has.groupby("country", sort=False):
                u = g["uid"].to_numpy(dtype=np.intp)
                previous[u[1:]] = u[:-1]
            statistic = get_rule("statistic", rule.statistic)
            base_name = "mean" if "previous" in statistic.params else rule.statistic
            specs.append(
                MeasureSpec(
                    ind=i,
                    rule=rule,
                    statistic=statistic,
                    base=get_rule("statistic", base_name),
                    mapping=get_rule("mapping", rule.mapping),
                    uid=uid,
                    values=vals,
                    order=np.arange(len(uid), dtype=np.intp),
                    start=firsts[uid],
                    size=counts[uid],
                    previous=previous,
                    reference=(units["case"] == rule.reference_case).to_numpy(dtype=bool),
                    seen=seen,
                    obs_rows=rows,
                )
            )
    return specs


def measure_levels(
    spec: MeasureSpec,
    codebook: Codebook,
    pos: np.ndarray | None = None,
    n_units: int | None = None,
    values: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The statistic, the number of observations and the mapped level of every unit.

    ``pos`` (reps, n) are the positions of the observations drawn in each replicate
    (default: every observation once, one replicate); ``values`` (reps, n) replace the
    observations' values in each replicate (the posterior draws them). Returns
    ``(statistic, n_obs, level)`` of shape (reps, n_units); a unit without observations has
    ``NaN`` statistic and level.
    """
    n_units = len(spec.previous) if n_units is None else n_units
    if pos is None:
        pos = np.broadcast_to(spec.order, (1 if values is None else values.shape[0], len(spec.order)))
    value, order = (spec.values[pos] if values is None else values), spec.order[pos]
    stat = spec.statistic.fn(spec.uid, value, order, n_units, previous=spec.previous)
    g = (np.arange(pos.shape[0], dtype=np.intp)[:, None] * n_units + spec.uid[None, :]).ravel()
    n_obs = np.bincount(g, minlength=pos.shape[0] * n_units).reshape(pos.shape[0], n_units)
    rule = spec.rule
    lo, hi = float(codebook.scale.min), float(codebook.scale.max)
    level = spec.mapping.fn(
        stat,
        lo=lo,
        hi=hi,
        thresholds=tuple(rule.thresholds or ()),
        reference=spec.reference,
        reference_level=rule.reference_level,
    )
    return stat, n_obs, np.where(np.isfinite(stat), level, np.nan)


def measures_scores(
    specs: list[MeasureSpec], levels: list[np.ndarray], n_units: int, n_ind: int, reps: int = 1
) -> np.ndarray:
    """The measures score of every unit and indicator: the weighted mean of its measure rules' levels.

    ``levels`` holds one (reps, n_units) array per spec. Returns (reps, n_units, n_ind).
    """
    num = np.zeros((reps, n_units, n_ind))
    den = np.zeros((reps, n_units, n_ind))
    for spec, level in zip(specs, levels, strict=True):
        ok = ~np.isnan(level)
        num[:, :, spec.ind] += np.where(ok, level * spec.rule.weight, 0.0)
        den[:, :, spec.ind] += np.where(ok, spec.rule.weight, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


MEASURE_TABLE_COLUMNS = [
    "uid",
    "ind",
    "indicator",
    "measure",
    "statistic_name",
    "statistic",
    "level_value",
    "n_obs",
    "score",
    "weight",
]


def measure_table(prep: Prepared, codebook: Codebook | None = None) -> pd.DataFrame:
    """One row per unit, indicator and measure rule with observations: the statistic and its level."""
    cb = codebook or prep.codebook
    rows = []
    for spec in measure_specs(prep, cb):
        stat, n_obs, level = (a[0] for a in measure_levels(spec, cb, n_units=prep.n_units))
        have = np.flatnonzero(spec.seen)
        if spec.base is spec.statistic:
            base = stat
        else:
            base = spec.base.fn(spec.uid, spec.values[None], spec.order[None], prep.n_units)[0]
        rule = spec.rule
        rows.append(
            pd.DataFrame(
                {
                    "uid": have.astype(np.intp),
                    "ind": spec.ind,
                    "indicator": cb.indicators[spec.ind].code,
                    "measure": rule.measure,
                    "statistic_name": rule.statistic + (f" per {rule.per_scale:g} {rule.per}" if rule.per else ""),
                    "statistic": stat[have],
                    "level_value": base[have],
                    "n_obs": n_obs[have],
                    "score": level[have],
                    "weight": rule.weight,
                }
            )
        )
    if not rows:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=float if c in ("statistic", "level_value", "score", "weight") else object)
                for c in MEASURE_TABLE_COLUMNS
            }
        )
    return pd.concat(rows, ignore_index=True)[MEASURE_TABLE_COLUMNS]


# --- blend and aggregation -------------------------------------------------------------


def blend(items: np.ndarray, measures: np.ndarray, codebook: Codebook) -> np.ndarray:
    """Blend items and measures scores per indicator (shape (..., n_units, n_ind))."""
    bi = np.array([ind.blend.items for ind in codebook.indicators], dtype=float)
    bm = np.array([ind.blend.measures if ind.measures else 0.0 for ind in codebook.indicators], dtype=float)
    wi = np.where(np.isnan(items), 0.0, bi)
    wm = np.where(np.isnan(measures), 0.0, bm)
    den = wi + wm
    with np.errstate(invalid="ignore", divide="ignore"):
        num = wi * np.nan_to_num(items) + wm * np.nan_to_num(measures)
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


@dataclass(frozen=True, kw_only=True)
class Aggregator:
    """Everything :func:`aggregate` needs: weights, dimension membership, rules and bounds.

    Made from a codebook (:meth:`from_codebook`) or given directly (a plain matrix of
    indicators grouped into pillars, as in :func:`~securitization.uncertainty.index_sensitivity`).
    """

    weights: np.ndarray  # (K,) indicator weights
    dim_of: np.ndarray  # (K,) dimension of each indicator
    dim_weights: np.ndarray  # (D,)
    dimension: str  # aggregation rule name, indicators -> dimensions
    overall: str  # aggregation rule name, dimensions (or indicators) -> overall
    overall_from: str  # "dimensions" or "indicators"
    min_coverage: float
    offset: float
    lo: float
    hi: float

    @classmethod
    def from_codebook(cls, codebook: Codebook) -> Aggregator:
        agg = codebook.aggregation
        dims = codebook.dimension_codes
        return cls(
            weights=np.array([i.weight for i in codebook.indicators], dtype=float),
            dim_of=np.array([dims.index(i.dimension) for i in codebook.indicators], dtype=np.intp),
            dim_weights=np.array([d.weight for d in codebook.dimensions], dtype=float),
            dimension=agg.dimension,
            overall=agg.overall,
            overall_from=agg.overall_from,
            min_coverage=agg.min_coverage,
            offset=agg.geometric_offset,
            lo=float(codebook.scale.min),
            hi=float(codebook.scale.max),
        )


def _combine(
    values: np.ndarray, weights: np.ndarray, rule_name: str, a: Aggregator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One aggregation step: ``values`` (..., U, k), ``weights`` (k,) or (..., k).

    Returns the aggregate and the coverage, (..., U), and whether the step had any weight
    at all, (...,) (a dimension whose indicators are all left out has none).
    """
    rule = get_rule("aggregation", rule_name, "aggregate")
    w = np.asarray(weights, dtype=float)
    wb = w[..., None, :] if w.ndim > 1 else w
    total = w.sum(axis=-1)
    tb = total[..., None] if w.ndim > 1 else total
    missing = np.isnan(values)
    if missing.any():
        present = np.where(missing, 0.0, wb).sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            coverage = np.where(tb > 0, present / np.where(tb > 0, tb, 1.0), np.nan)
    else:  # every input present: full coverage wherever there is weight
        coverage = np.where(np.broadcast_to(tb, values.shape[:-1]) > 0, 1.0, np.nan)
    ok = coverage >= a.min_coverage - 1e-12
    if rule.panel:  # compared only among the units that pass the coverage rule
        values = np.where(ok[..., None], values, np.nan)
    out = rule.fn(values, w, offset=a.offset, lo=a.lo, hi=a.hi)
    return np.where(ok, out, np.nan), coverage, np.asarray(total > 0)


def aggregate(
    x: np.ndarray,
    aggregator: Aggregator | Codebook,
    *,
    weights: np.ndarray | None = None,
    dimension: str | None = None,
    overall: str | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Indicator scores (..., n_units, n_ind) to dimension and overall scores.

    Parameters
    ----------
    x
        Indicator scores with leading replicate axes.
    aggregator
        An :class:`Aggregator` or a codebook to make one from.
    weights
        Indicator weights (n_ind,) or one row per replicate (..., n_ind) (default: the
        aggregator's); a weight of 0 leaves an indicator out.
    dimension, overall
        Aggregation rules replacing the aggregator's (for the sensitivity analysis).

    Returns
    -------
    tuple
        ``(dims, dim_coverage, overall, overall_coverage)`` with shapes (..., n_units,
        n_dims), (..., n_units, n_dims), (..., n_units), (..., n_units). An aggregate is
        computed only when its inputs with a score carry at least ``min_coverage`` of the
        weight; otherwise it is missing. The overall coverage is the share of the
        indicators' weight (within dimensions, times the dimensions' weights) whose
        indicators have a score, whichever way the overall score is built.
    """
    a = aggregator if isinstance(aggregator, Aggregator) else Aggregator.from_codebook(aggregator)
    w = a.weights if weights is None else np.asarray(weights, dtype=float)
    dim_rule, overall_rule = dimension or a.dimension, overall or a.overall
    dims, covs, active = [], [], []
    for d in range(len(a.dim_weights)):
        sel = np.flatnonzero(a.dim_of == d)
        v, c, act = _combine(x[..., sel], w[..., sel], dim_rule, a)
        dims.append(v)
        covs.append(c)
        active.append(act)
    dim_arr = np.stack(dims, axis=-1)
    cov_arr = np.stack(covs, axis=-1)
    if a.overall_from == "dimensions":
        dw = a.dim_weights * np.stack(active, axis=-1) if w.ndim > 1 else a.dim_weights
        overall_v, _, _ = _combine(dim_arr, dw, overall_rule, a)
        # the overall coverage counts every indicator's weight: a dimension that is computed
        # without one of its indicators covers only its share
        dwb = dw[..., None, :] if np.ndim(dw) > 1 else dw
        total = np.sum(dwb, axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(np.isnan(dim_arr), 0.0, np.nan_to_num(cov_arr)) * dwb
            ocov = np.where(total > 0, share.sum(axis=-1) / np.where(total > 0, total, 1.0), np.nan)
    else:
        overall_v, ocov, _ = _combine(x, w, overall_rule, a)
    return dim_arr, cov_arr, overall_v, ocov


def indicator_matrix(
    prep: Prepared, codebook: Codebook | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DataFrame]:
    """Items, measures and blended indicator scores (n_units, n_ind), plus the measure table."""
    cb = codebook or prep.codebook
    ia = prep.item_arrays
    it = items_scores(ia.cell, ia.ind, ia.code, ia.weight, prep.n_units, cb)
    specs = measure_specs(prep, cb)
    levels = [measure_levels(s, cb, n_units=prep.n_units)[2] for s in specs]
    ms = measures_scores(specs, levels, prep.n_units, len(cb.indicators))[0]
    return it, ms, blend(it, ms, cb), measure_table(prep, cb)
