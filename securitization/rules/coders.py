"""Coder rules: the codes of an item's coders into one code for the item.

Every kernel has the signature of :class:`~securitization.rules.CoderRule`:
``fn(group, code, n_groups)`` where ``group`` (n,) gives each row's item (rows of an item
are contiguous, coders sorted by id), ``code`` has shape ``(..., n)`` and the result
``(..., n_groups)``.
"""

from __future__ import annotations

import numpy as np

from ._kernel import FloatArray, IntArray, flatten_groups, is_sorted, segments
from .items import weighted_mean, weighted_median
from .registry import register_rule

__all__ = ["first_coder", "mean_of_coders", "median_of_coders"]


def _midpoint_or(fn_name: str, group: IntArray, code: FloatArray, n_groups: int) -> FloatArray:
    """Median or mean of the coders of every item, with linear fast paths."""
    code = np.asarray(code, dtype=float)
    lead = code.shape[:-1]
    g, size = flatten_groups(group, n_groups, lead)
    c = code.ravel()
    counts = np.bincount(g, minlength=size)
    if len(counts) and counts.max() <= 2:  # one or two coders: median and mean are the midpoint
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.bincount(g, weights=c, minlength=size) / np.where(counts > 0, counts, np.nan)
        return out.reshape(*lead, n_groups)
    out = np.full(size, np.nan)
    single = counts[g] == 1
    out[g[single]] = c[single]  # one coder: nothing to consolidate
    multi = ~single
    if multi.any():
        fn = weighted_median if fn_name == "median" else weighted_mean
        gm = g[multi]
        if is_sorted(gm):  # rows sorted by item: a linear pass
            _, sub = segments(gm)
            inverse = np.cumsum(np.r_[True, gm[1:] != gm[:-1]]) - 1
        else:
            sub, inverse = np.unique(gm, return_inverse=True)
        out[sub] = fn(inverse.astype(np.intp), c[multi], np.ones(int(multi.sum())), len(sub))
    return out.reshape(*lead, n_groups)


def median_of_coders(group: IntArray, code: FloatArray, n_groups: int) -> FloatArray:
    """The median of the coders' codes (the midpoint for two coders).

    Examples
    --------
    >>> import numpy as np
    >>> median_of_coders(np.array([0, 0, 1, 2, 2, 2]), np.array([2.0, 3.0, 1.0, 0.0, 4.0, 4.0]), 3).tolist()
    [2.5, 1.0, 4.0]
    """
    return _midpoint_or("median", group, code, n_groups)


def mean_of_coders(group: IntArray, code: FloatArray, n_groups: int) -> FloatArray:
    """The mean of the coders' codes."""
    return _midpoint_or("mean", group, code, n_groups)


def first_coder(group: IntArray, code: FloatArray, n_groups: int) -> FloatArray:
    """The code of the first row of the item (the primary coder when coders are sorted by id)."""
    code = np.asarray(code, dtype=float)
    out = np.full((*code.shape[:-1], n_groups), np.nan)
    if len(group):
        first = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        out[..., group[first]] = code[..., first]
    return out


register_rule("coders", "median", median_of_coders, summary="the median of its coders' codes", weighted=False)
register_rule("coders", "mean", mean_of_coders, summary="the mean of its coders' codes", weighted=False)
register_rule(
    "coders", "first", first_coder, summary="the code of its first coder (coders sorted by id)", weighted=False
)
