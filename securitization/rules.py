"""Aggregation and normalisation rules: small vectorised functions looked up by name.

Two families, each behind a :class:`typing.Protocol`:

* item rules (:class:`ItemRule`) turn the coded items of each cell (a case and indicator)
  into one score: ``weighted_mean`` (default), ``median`` (weighted), ``max`` and
  ``top_k_mean`` (the unweighted mean of the ``k`` highest codes);
* aggregation rules (:class:`AggregationRule`) combine scores across indicators (or
  dimensions) with weights, ignoring missing values: ``arithmetic``, ``geometric`` (with an
  offset, so that zeros are allowed), ``median`` (weighted) and ``copeland`` (a
  non-compensatory outranking across units, a panel rule).

All rules are monotone: raising one input never lowers the result. Missing inputs are
``NaN`` and stay out of the computation; a unit with no input gets ``NaN``, never 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from .errors import ParameterError

__all__ = [
    "AGGREGATION_RULES",
    "ITEM_RULES",
    "AggregationRule",
    "ItemRule",
    "aggregation_rule",
    "consolidate_coders",
    "item_rule",
    "map_thresholds",
    "weighted_median",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


class ItemRule(Protocol):
    """Score groups of items: ``group`` (n,) in ``[0, n_groups)``, ``code``/``weight`` (n,)."""

    def __call__(
        self, group: IntArray, code: FloatArray, weight: FloatArray, n_groups: int, /, *, k: int = 3
    ) -> FloatArray: ...


class AggregationRule(Protocol):
    """Combine ``values`` (..., units, k) with ``weights`` (k,) into (..., units), NaN-aware."""

    def __call__(self, values: FloatArray, weights: FloatArray, /, *, offset: float = 1.0) -> FloatArray: ...


# --- item rules ------------------------------------------------------------------------


def _weighted_mean_items(
    group: IntArray, code: FloatArray, weight: FloatArray, n_groups: int, /, *, k: int = 3
) -> FloatArray:
    num = np.bincount(group, weights=weight * code, minlength=n_groups)
    den = np.bincount(group, weights=weight, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _sorted_groups(group: IntArray, code: FloatArray, descending: bool = False) -> tuple[IntArray, IntArray, IntArray]:
    key = -code if descending else code
    order = np.lexsort((key, group))
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]]) if len(g) else np.array([], dtype=np.intp)
    return order, g, starts


def weighted_median(
    group: IntArray, code: FloatArray, weight: FloatArray, n_groups: int, /, *, k: int = 3
) -> FloatArray:
    """Weighted median per group: the mean of the lower and upper weighted medians.

    With equal weights this is the ordinary median (the mean of the two middle values
    for an even count).

    Examples
    --------
    >>> import numpy as np
    >>> g = np.array([0, 0, 0, 0, 1])
    >>> weighted_median(g, np.array([1., 2., 3., 4., 2.]), np.ones(5), 2).tolist()
    [2.5, 2.0]
    """
    out = np.full(n_groups, np.nan)
    if len(group) == 0:
        return out
    order, g, starts = _sorted_groups(group, code)
    c, w = code[order], weight[order]
    cum = np.cumsum(w)
    base = np.repeat(
        np.r_[0.0, cum[starts[1:] - 1]] if len(starts) > 1 else np.array([0.0]), np.diff(np.r_[starts, len(g)])
    )
    within = cum - base
    total = np.bincount(g, weights=w, minlength=n_groups)[g]
    half = total / 2.0
    eps = 1e-12 * np.maximum(total, 1.0)
    lower_hit = within >= half - eps
    upper_hit = within > half + eps
    idx = np.arange(len(g))
    first_lower = np.minimum.reduceat(np.where(lower_hit, idx, len(g)), starts)
    first_upper = np.minimum.reduceat(np.where(upper_hit, idx, len(g)), starts)
    ends = np.r_[starts[1:], len(g)] - 1
    first_upper = np.minimum(first_upper, ends)
    first_lower = np.minimum(first_lower, ends)
    out[g[starts]] = (c[first_lower] + c[first_upper]) / 2.0
    return out


def _max_items(group: IntArray, code: FloatArray, weight: FloatArray, n_groups: int, /, *, k: int = 3) -> FloatArray:
    out = np.full(n_groups, -np.inf)
    np.maximum.at(out, group, code)
    out[np.isneginf(out)] = np.nan
    return out


def _top_k_mean(group: IntArray, code: FloatArray, weight: FloatArray, n_groups: int, /, *, k: int = 3) -> FloatArray:
    if len(group) == 0:
        return np.full(n_groups, np.nan)
    order, g, starts = _sorted_groups(group, code, descending=True)
    rank = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    keep = rank < k
    num = np.bincount(g[keep], weights=code[order][keep], minlength=n_groups)
    den = np.bincount(g[keep], minlength=n_groups).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


ITEM_RULES: dict[str, ItemRule] = {
    "weighted_mean": _weighted_mean_items,
    "median": weighted_median,
    "max": _max_items,
    "top_k_mean": _top_k_mean,
}


def item_rule(name: str | ItemRule) -> ItemRule:
    """Look up an item rule by name (or pass a callable through)."""
    if callable(name):
        return name
    try:
        return ITEM_RULES[name]
    except KeyError:
        raise ParameterError.invalid("rule", "item_rule", f"one of {sorted(ITEM_RULES)} or a callable", name) from None


def consolidate_coders(group: IntArray, code: FloatArray, n_groups: int, rule: str) -> FloatArray:
    """One code per item from the codes of its coders (``median``, ``mean`` or ``first``).

    ``first`` takes the code of the first row of the item (the primary coder when the
    coders are sorted by id).
    """
    if rule in ("median", "mean"):
        counts = np.bincount(group, minlength=n_groups)
        if len(counts) and counts.max() <= 2:  # one or two coders: median and mean are the midpoint
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.bincount(group, weights=code, minlength=n_groups) / np.where(counts > 0, counts, np.nan)
        ones = np.ones_like(code)
        out = np.full(n_groups, np.nan)
        single = counts[group] == 1
        out[group[single]] = code[single]  # one coder: nothing to consolidate
        multi = ~single
        if multi.any():
            fn = weighted_median if rule == "median" else _weighted_mean_items
            g = group[multi]
            if len(g) > 1 and (g[1:] >= g[:-1]).all():  # rows sorted by item: a linear pass
                change = np.r_[True, g[1:] != g[:-1]]
                sub, inverse = g[change], np.cumsum(change) - 1
            else:
                sub, inverse = np.unique(g, return_inverse=True)
            out[sub] = fn(inverse.astype(np.intp), code[multi], ones[multi], len(sub))
        return out
    if rule == "first":
        out = np.full(n_groups, np.nan)
        first = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else np.array([], dtype=np.intp)
        out[group[first]] = code[first]
        return out
    raise ParameterError.invalid("coders", "consolidate_coders", "one of ['median', 'mean', 'first']", rule)


# --- aggregation rules -------------------------------------------------------------------


def _present(values: FloatArray, weights: FloatArray) -> tuple[FloatArray, FloatArray]:
    w = np.broadcast_to(weights, values.shape)
    mask = ~np.isnan(values)
    return np.where(mask, w, 0.0), np.where(mask, values, 0.0)


def _arithmetic(values: FloatArray, weights: FloatArray, /, *, offset: float = 1.0) -> FloatArray:
    w, v = _present(values, weights)
    den = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (w * v).sum(axis=-1) / np.where(den > 0, den, 1.0), np.nan)


def _geometric(values: FloatArray, weights: FloatArray, /, *, offset: float = 1.0) -> FloatArray:
    w, v = _present(values, weights)
    den = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        logs = np.where(w > 0, np.log(np.maximum(v + offset, 0.0)), 0.0)
        out = np.exp((w * logs).sum(axis=-1) / np.where(den > 0, den, 1.0)) - offset
    return np.where(den > 0, out, np.nan)


def _median(values: FloatArray, weights: FloatArray, /, *, offset: float = 1.0) -> FloatArray:
    shape = values.shape[:-1]
    k = values.shape[-1]
    flat = values.reshape(-1, k)
    n = flat.shape[0]
    group = np.repeat(np.arange(n), k)
    w = np.tile(np.asarray(weights, dtype=float), n)
    v = flat.ravel()
    keep = ~np.isnan(v)
    return weighted_median(group[keep], v[keep], w[keep], n).reshape(shape)


def _copeland(
    values: FloatArray, weights: FloatArray, /, *, offset: float = 1.0, lo: float = 0.0, hi: float = 4.0
) -> FloatArray:
    """Copeland outranking across units (axis -2), rescaled onto ``[lo, hi]``.

    Unit a beats unit b when the weight of the indicators on which a scores higher exceeds
    the weight of those on which b scores higher (compared on indicators both have). The
    Copeland score (wins - losses) is rescaled so that beating every other unit gives
    ``hi`` and losing to all gives ``lo``. A panel rule: the result depends on the other
    units.
    """
    w = np.asarray(weights, dtype=float)
    has = ~np.all(np.isnan(values), axis=-1)  # (..., units)
    a = values[..., :, None, :]
    b = values[..., None, :, :]
    with np.errstate(invalid="ignore"):
        s_ab = np.where(a > b, w, 0.0).sum(axis=-1)
        s_ba = np.where(a < b, w, 0.0).sum(axis=-1)
    both = has[..., :, None] & has[..., None, :]
    score = (np.sign(s_ab - s_ba) * both).sum(axis=-1)
    n = has.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = lo + (score + (n - 1)) / np.where(n > 1, 2.0 * (n - 1), 1.0) * (hi - lo)
    scaled = np.where(n > 1, scaled, (lo + hi) / 2.0)
    return np.where(has, scaled, np.nan)


AGGREGATION_RULES: dict[str, Callable[..., FloatArray]] = {
    "arithmetic": _arithmetic,
    "geometric": _geometric,
    "median": _median,
    "copeland": _copeland,
}


def aggregation_rule(name: str | AggregationRule) -> Callable[..., FloatArray]:
    """Look up an aggregation rule by name (or pass a callable through)."""
    if callable(name):
        return name
    try:
        return AGGREGATION_RULES[name]
    except KeyError:
        raise ParameterError.invalid(
            "rule", "aggregation_rule", f"one of {sorted(AGGREGATION_RULES)} or a callable", name
        ) from None


def map_thresholds(x: FloatArray, thresholds: tuple[float, ...], lowest: int = 0) -> FloatArray:
    """Map values onto levels by cut-points: below the first -> ``lowest``, etc.

    A value equal to a threshold belongs to the level above it.

    Examples
    --------
    >>> import numpy as np
    >>> map_thresholds(np.array([1.0, 3.0, 13.0, np.nan]), (3, 6, 9, 12)).tolist()
    [0.0, 1.0, 4.0, nan]
    """
    x = np.asarray(x, dtype=float)
    out = np.searchsorted(np.asarray(thresholds, dtype=float), x, side="right").astype(float) + lowest
    return np.where(np.isnan(x), np.nan, out)
