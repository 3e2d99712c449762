"""Item rules: the coded items of each case and indicator (a *cell*) into one score.

Every kernel has the signature of :class:`~securitization.rules.ItemRule`:
``fn(group, code, weight, n_groups, /, *, k=3)`` where ``group`` (n,) gives each item's
cell in ``[0, n_groups)``, ``code`` and ``weight`` have shape ``(..., n)`` (leading
replicate axes, as the bootstrap draws them; a 1-d array is the point estimate), and the
result has shape ``(..., n_groups)``, ``NaN`` for a cell without items.
"""

from __future__ import annotations

import numpy as np

from ._kernel import FloatArray, IntArray, flatten_groups, is_sorted, segments
from .registry import register_rule

__all__ = ["max_items", "top_k_mean", "weighted_mean", "weighted_median"]


def _prepared(code: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    code = np.asarray(code, dtype=float)
    return code, np.broadcast_to(np.asarray(weight, dtype=float), code.shape)


def weighted_mean(group: IntArray, code: FloatArray, weight: FloatArray, n_groups: int, /, *, k: int = 3) -> FloatArray:
    """Weighted mean of the codes of every cell.

    Examples
    --------
    >>> import numpy as np
    >>> weighted_mean(np.array([0, 0, 1]), np.array([1.0, 3.0, 2.0]), np.array([1.0, 3.0, 1.0]), 3).tolist()
    [2.5, 2.0, nan]
    """
    code, weight = _prepared(code, weight)
    lead = code.shape[:-1]
    out = np.full((*lead, n_groups), np.nan)
    if code.shape[-1] == 0:
        return out
    if is_sorted(group):  # contiguous cells: sums over segments, every replicate at once
        starts, cells = segments(group)
        num = np.add.reduceat(code * weight, starts, axis=-1)
        den = np.add.reduceat(weight, starts, axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[..., cells] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
        return out
    g, size = flatten_groups(group, n_groups, lead)
    num = np.bincount(g, weights=(code * weight).ravel(), minlength=size)
    den = np.bincount(g, weights=weight.ravel(), minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan).reshape(out.shape)


def _weighted_mean_from_counts(counts: np.ndarray, code: np.ndarray, weight: np.ndarray) -> np.ndarray:
    num = np.einsum("rsk,sk->rs", counts, weight * code)
    den = np.einsum("rsk,sk->rs", counts, weight)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _sorted_groups(group: IntArray, code: FloatArray, descending: bool = False) -> tuple[IntArray, IntArray, IntArray]:
    key = -code if descending else code
    order = np.lexsort((key, group))
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]]) if len(g) else np.array([], dtype=np.intp)
    return order, g, starts


def _weighted_median_1d(group: IntArray, code: FloatArray, weight: FloatArray, n_groups: int) -> FloatArray:
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


def weighted_median(
    group: IntArray, code: FloatArray, weight: FloatArray, n_groups: int, /, *, k: int = 3
) -> FloatArray:
    """Weighted median per cell: the mean of the lower and upper weighted medians.

    With equal weights this is the ordinary median (the mean of the two middle values
    for an even count).

    Examples
    --------
    >>> import numpy as np
    >>> g = np.array([0, 0, 0, 0, 1])
    >>> weighted_median(g, np.array([1., 2., 3., 4., 2.]), np.ones(5), 2).tolist()
    [2.5, 2.0]
    """
    code, weight = _prepared(code, weight)
    lead = code.shape[:-1]
    g, size = flatten_groups(group, n_groups, lead)
    return _weighted_median_1d(g, code.ravel(), weight.ravel(), size).reshape(*lead, n_groups)


def max_items(group: IntArray, code: FloatArray, weight: FloatArray, n_groups: int, /, *, k: int = 3) -> FloatArray:
    """The highest code of every cell (weights are not used)."""
    code = np.asarray(code, dtype=float)
    lead = code.shape[:-1]
    out = np.full((*lead, n_groups), np.nan)
    if code.shape[-1] == 0:
        return out
    if is_sorted(group):
        starts, cells = segments(group)
        out[..., cells] = np.maximum.reduceat(code, starts, axis=-1)
        return out
    g, size = flatten_groups(group, n_groups, lead)
    flat = np.full(size, -np.inf)
    np.maximum.at(flat, g, code.ravel())
    flat[np.isneginf(flat)] = np.nan
    return flat.reshape(out.shape)


def _max_from_counts(counts: np.ndarray, code: np.ndarray, weight: np.ndarray) -> np.ndarray:
    drawn = np.where(counts > 0, code[None], -np.inf).max(axis=-1)
    return np.where(np.isneginf(drawn), np.nan, drawn)


def top_k_mean(group: IntArray, code: FloatArray, weight: FloatArray, n_groups: int, /, *, k: int = 3) -> FloatArray:
    """The unweighted mean of the ``k`` highest codes of every cell."""
    code = np.asarray(code, dtype=float)
    lead = code.shape[:-1]
    g, size = flatten_groups(group, n_groups, lead)
    c = code.ravel()
    if len(g) == 0:
        return np.full((*lead, n_groups), np.nan)
    order, gs, starts = _sorted_groups(g, c, descending=True)
    rank = np.arange(len(gs)) - np.repeat(starts, np.diff(np.r_[starts, len(gs)]))
    keep = rank < k
    num = np.bincount(gs[keep], weights=c[order][keep], minlength=size)
    den = np.bincount(gs[keep], minlength=size).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan).reshape(*lead, n_groups)


register_rule(
    "items",
    "weighted_mean",
    weighted_mean,
    summary="the weighted mean of the items' codes",
    from_counts=_weighted_mean_from_counts,
    additive=True,
)
register_rule("items", "median", weighted_median, summary="the weighted median of the items' codes")
register_rule(
    "items", "max", max_items, summary="the highest code of the items", weighted=False, from_counts=_max_from_counts
)


def _top_k_from_counts(counts: np.ndarray, code: np.ndarray, weight: np.ndarray, k: int = 3) -> np.ndarray:
    order = np.argsort(-code, axis=-1, kind="stable")  # each cell's pairs, highest code first
    c = np.take_along_axis(code, order, axis=-1)
    n = np.take_along_axis(counts, np.broadcast_to(order, counts.shape), axis=-1)
    before = np.cumsum(n, axis=-1) - n
    take = np.clip(k - before, 0.0, n)  # the draws of each pair among the k highest
    den = take.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (take * c[None]).sum(axis=-1) / np.where(den > 0, den, 1.0), np.nan)


register_rule(
    "items",
    "top_k_mean",
    top_k_mean,
    summary="the mean of the k highest codes of the items",
    weighted=False,
    params=("k",),
    from_counts=_top_k_from_counts,
)
