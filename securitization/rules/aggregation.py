"""Aggregation rules: indicator scores into dimension scores, and these into the overall.

Every kernel has the signature of :class:`~securitization.rules.AggregationRule`:
``fn(values, weights, /, *, offset=1.0, lo=0.0, hi=4.0)`` with ``values`` of shape
``(..., units, k)`` (leading replicate axes), ``weights`` of shape ``(k,)`` or
``(..., k)`` (one set of weights per replicate, as the sensitivity analysis varies them),
and the result ``(..., units)``. Missing values (``NaN``) are left out; a unit with none
gets ``NaN``.
"""

from __future__ import annotations

import numpy as np

from ._kernel import FloatArray
from .items import weighted_median
from .registry import register_rule

__all__ = ["arithmetic", "copeland", "geometric", "median"]


def _unit_weights(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weights broadcast to ``values`` (..., units, k): one row of weights per replicate."""
    w = np.asarray(weights, dtype=float)
    if w.ndim > 1:
        w = w[..., None, :]
    return np.broadcast_to(w, values.shape)


def _present(values: FloatArray, weights: FloatArray) -> tuple[FloatArray, FloatArray]:
    w = _unit_weights(values, weights)
    mask = ~np.isnan(values)
    return np.where(mask, w, 0.0), np.where(mask, values, 0.0)


def _dense(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Weighted sums and weight totals without a (..., units, k) weight array, when nothing is missing."""
    values = np.asarray(values, dtype=float)
    if np.isnan(values).any():
        return None
    w = np.asarray(weights, dtype=float)
    if w.ndim == 1:
        return values @ w, np.broadcast_to(w.sum(), values.shape[:-1])
    num = np.einsum("...uk,...k->...u", values, w)
    return num, np.broadcast_to(w.sum(axis=-1)[..., None], num.shape)


def arithmetic(
    values: FloatArray, weights: FloatArray, /, *, offset: float = 1.0, lo: float = 0.0, hi: float = 4.0
) -> FloatArray:
    """The weighted arithmetic mean of the scores present."""
    dense = _dense(values, weights)
    if dense is not None:
        num, den = dense
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    w, v = _present(values, weights)
    den = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (w * v).sum(axis=-1) / np.where(den > 0, den, 1.0), np.nan)


def geometric(
    values: FloatArray, weights: FloatArray, /, *, offset: float = 1.0, lo: float = 0.0, hi: float = 4.0
) -> FloatArray:
    """The weighted geometric mean of ``score + offset``, minus ``offset`` (so that zeros are allowed)."""
    values = np.asarray(values, dtype=float)
    if not np.isnan(values).any() and (values + offset > 0).all():  # finite logs: a zero weight adds nothing
        with np.errstate(invalid="ignore", divide="ignore"):
            dense = _dense(np.log(np.maximum(values + offset, 0.0)), weights)
            if dense is not None:
                num, den = dense
                return np.where(den > 0, np.exp(num / np.where(den > 0, den, 1.0)) - offset, np.nan)
    w, v = _present(values, weights)
    den = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        logs = np.where(w > 0, np.log(np.maximum(v + offset, 0.0)), 0.0)
        out = np.exp((w * logs).sum(axis=-1) / np.where(den > 0, den, 1.0)) - offset
    return np.where(den > 0, out, np.nan)


def median(
    values: FloatArray, weights: FloatArray, /, *, offset: float = 1.0, lo: float = 0.0, hi: float = 4.0
) -> FloatArray:
    """The weighted median of the scores present."""
    values = np.asarray(values, dtype=float)
    shape = values.shape[:-1]
    k = values.shape[-1]
    flat = values.reshape(-1, k)
    n = flat.shape[0]
    group = np.repeat(np.arange(n), k)
    w = _unit_weights(values, weights).reshape(-1)
    v = flat.ravel()
    keep = ~np.isnan(v) & (w > 0)
    return weighted_median(group[keep], v[keep], w[keep], n).reshape(shape)


def copeland(
    values: FloatArray, weights: FloatArray, /, *, offset: float = 1.0, lo: float = 0.0, hi: float = 4.0
) -> FloatArray:
    """Copeland outranking across units (axis -2), rescaled onto ``[lo, hi]``.

    Unit a beats unit b when the weight of the indicators on which a scores higher exceeds
    the weight of those on which b scores higher (compared on indicators both have). The
    Copeland score (wins - losses) is rescaled so that beating every other unit gives
    ``hi`` and losing to all gives ``lo``. A panel rule: the result depends on the other
    units.
    """
    values = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    wb = w[..., None, None, :] if w.ndim > 1 else w
    has = ~np.all(np.isnan(values), axis=-1)  # (..., units)
    a = values[..., :, None, :]
    b = values[..., None, :, :]
    with np.errstate(invalid="ignore"):
        s_ab = np.where(a > b, wb, 0.0).sum(axis=-1)
        s_ba = np.where(a < b, wb, 0.0).sum(axis=-1)
    both = has[..., :, None] & has[..., None, :]
    score = (np.sign(s_ab - s_ba) * both).sum(axis=-1)
    n = has.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = lo + (score + (n - 1)) / np.where(n > 1, 2.0 * (n - 1), 1.0) * (hi - lo)
    scaled = np.where(n > 1, scaled, (lo + hi) / 2.0)
    return np.where(has, scaled, np.nan)


register_rule("aggregation", "arithmetic", arithmetic, summary="the weighted arithmetic mean")
register_rule(
    "aggregation",
    "geometric",
    geometric,
    summary="the weighted geometric mean (of score + offset, minus the offset)",
)
register_rule("aggregation", "median", median, summary="the weighted median")
register_rule(
    "aggregation",
    "copeland",
    copeland,
    summary="Copeland's outranking across the cases, rescaled onto the scale",
    panel=True,
    needs_scale=True,
)
