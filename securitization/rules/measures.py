"""Measure rules: a statistic of each unit's observations, then a mapping onto the scale.

Statistics have the signature of :class:`~securitization.rules.Statistic`:
``fn(group, value, order, n_groups, /, *, previous=None)`` where ``group`` (n,) gives each
observation's unit, ``value`` and ``order`` have shape ``(..., n)`` (``order`` ranks an
observation by the end of its period, so that "last" is the one with the highest rank),
``previous`` (n_groups,) is the previous unit of the same country with observations (or
-1), and the result is ``(..., n_groups)``, ``NaN`` for a unit without observations.

Mappings have the signature of :class:`~securitization.rules.Mapping`:
``fn(stat, /, *, lo, hi, thresholds, reference, reference_level)`` with ``stat`` of shape
``(..., n_units)`` (leading replicate axes: a panel mapping such as min-max uses the units
of the same replicate), ``reference`` a boolean mask of the reference case's units.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._kernel import FloatArray, IntArray, flatten_groups
from .registry import register_rule

__all__ = [
    "change_statistic",
    "last_statistic",
    "map_minmax",
    "map_reference",
    "map_thresholds",
    "max_statistic",
    "mean_statistic",
]


def mean_statistic(
    group: IntArray, value: FloatArray, order: IntArray, n_groups: int, /, *, previous: IntArray | None = None
) -> FloatArray:
    """The mean of each unit's observations."""
    value = np.asarray(value, dtype=float)
    lead = value.shape[:-1]
    g, size = flatten_groups(group, n_groups, lead)
    cnt = np.bincount(g, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.bincount(g, weights=value.ravel(), minlength=size) / cnt
    return np.where(cnt > 0, out, np.nan).reshape(*lead, n_groups)


def max_statistic(
    group: IntArray, value: FloatArray, order: IntArray, n_groups: int, /, *, previous: IntArray | None = None
) -> FloatArray:
    """The largest of each unit's observations."""
    value = np.asarray(value, dtype=float)
    lead = value.shape[:-1]
    g, size = flatten_groups(group, n_groups, lead)
    out = np.full(size, -np.inf)
    np.maximum.at(out, g, value.ravel())
    return np.where(np.isneginf(out), np.nan, out).reshape(*lead, n_groups)


def last_statistic(
    group: IntArray, value: FloatArray, order: IntArray, n_groups: int, /, *, previous: IntArray | None = None
) -> FloatArray:
    """The observation of each unit whose period ends last."""
    value = np.asarray(value, dtype=float)
    order = np.broadcast_to(np.asarray(order, dtype=np.intp), value.shape)
    lead = value.shape[:-1]
    g, size = flatten_groups(group, n_groups, lead)
    flat_order = order.ravel()
    best = np.full(size, -1, dtype=np.intp)
    np.maximum.at(best, g, flat_order)
    # the value of the observation with the best rank: ranks are unique within a unit
    at = np.full(size, np.nan)
    hit = flat_order == best[g]
    at[g[hit]] = value.ravel()[hit]
    return at.reshape(*lead, n_groups)


def change_statistic(
    group: IntArray, value: FloatArray, order: IntArray, n_groups: int, /, *, previous: IntArray | None = None
) -> FloatArray:
    """The relative change of the mean against the previous unit of the same country."""
    stat = mean_statistic(group, value, order, n_groups)
    if previous is None:
        return np.full_like(stat, np.nan)
    prev = np.asarray(previous, dtype=np.intp)
    before = stat[..., np.maximum(prev, 0)]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(prev >= 0, (stat - before) / before, np.nan)


def map_thresholds(
    x: FloatArray,
    thresholds: tuple[float, ...] = (),
    lowest: int = 0,
    *,
    lo: float | None = None,
    hi: float | None = None,
    reference: np.ndarray | None = None,
    reference_level: float | None = None,
) -> FloatArray:
    """Map values onto levels by cut-points: below the first -> ``lowest``, etc.

    A value equal to a threshold belongs to the level above it.

    Examples
    --------
    >>> import numpy as np
    >>> map_thresholds(np.array([1.0, 3.0, 13.0, np.nan]), (3, 6, 9, 12)).tolist()
    [0.0, 1.0, 4.0, nan]
    """
    x = np.asarray(x, dtype=float)
    base = lowest if lo is None else lo
    out = np.searchsorted(np.asarray(thresholds, dtype=float), x, side="right").astype(float) + base
    return np.where(np.isfinite(x), out, np.nan)


def map_minmax(
    x: FloatArray,
    *,
    lo: float,
    hi: float,
    thresholds: tuple[float, ...] = (),
    reference: np.ndarray | None = None,
    reference_level: float | None = None,
) -> FloatArray:
    """Min-max over the units of the same replicate, onto ``[lo, hi]`` (the midpoint when all are equal)."""
    x = np.asarray(x, dtype=float)
    finite = np.isfinite(x)
    with np.errstate(invalid="ignore"):
        mn = np.where(finite, x, np.inf).min(axis=-1, keepdims=True)
        mx = np.where(finite, x, -np.inf).max(axis=-1, keepdims=True)
        spread = mx > mn
        out = np.where(spread, lo + (x - mn) / np.where(spread, mx - mn, 1.0) * (hi - lo), (lo + hi) / 2.0)
    return np.where(finite, out, np.nan)


def map_reference(
    x: FloatArray,
    *,
    lo: float,
    hi: float,
    thresholds: tuple[float, ...] = (),
    reference: np.ndarray | None = None,
    reference_level: float | None = None,
) -> FloatArray:
    """Ratio to the reference case's value, times ``reference_level`` (default the scale's middle), clipped."""
    x = np.asarray(x, dtype=float)
    level = (lo + hi) / 2.0 if reference_level is None else reference_level
    mask = np.zeros(x.shape[-1], dtype=bool) if reference is None else np.asarray(reference, dtype=bool)
    ref = x[..., mask]
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        ref_mean = np.nanmean(ref, axis=-1, keepdims=True) if ref.shape[-1] else np.full((*x.shape[:-1], 1), np.nan)
        ok = np.isfinite(ref_mean) & (ref_mean != 0)
        out = np.where(ok, np.clip(level * x / np.where(ok, ref_mean, 1.0), lo, hi), np.nan)
    return np.where(np.isfinite(x), out, np.nan)


register_rule("statistic", "mean", mean_statistic, summary="the mean of the observations", weighted=False)
register_rule("statistic", "max", max_statistic, summary="the largest observation", weighted=False)
register_rule("statistic", "last", last_statistic, summary="the latest observation", weighted=False)
register_rule(
    "statistic",
    "change",
    change_statistic,
    summary="the relative change of the mean against the country's previous case",
    weighted=False,
    panel=True,
    params=("previous",),
)
register_rule(
    "mapping",
    "thresholds",
    map_thresholds,
    summary="levels by cut-points (a value on a cut-point takes the level above)",
    weighted=False,
    needs_scale=True,
    params=("thresholds",),
)
register_rule(
    "mapping",
    "minmax",
    map_minmax,
    summary="min-max over the scored units onto the scale",
    weighted=False,
    panel=True,
    needs_scale=True,
)
register_rule(
    "mapping",
    "reference",
    map_reference,
    summary="the ratio to a reference case, set to the reference level and clipped to the scale",
    weighted=False,
    panel=True,
    needs_scale=True,
    params=("reference_case", "reference_level"),
)
