"""What every draw of the uncertainty analyses shares: seeds, parameter checks and ranks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..scoring import Prepared, Scores

__all__ = [
    "DEFAULT_SEED",
    "MAX_DRAWS",
    "MAX_DRAW_BYTES",
    "RngLike",
    "check_ci_prob",
    "check_memory",
    "check_n",
    "prepared_of",
    "rank_desc",
    "resolve_rng",
]

RngLike = np.random.Generator | int | None

#: The seed every draw of the library uses unless told otherwise (1 January 2011: the year
#: of Bourbeau's book). The same input gives the same intervals on every machine, and the
#: seed is printed and recorded in the manifest. Pass ``rng=None`` for a fresh seed (recorded).
DEFAULT_SEED = 20110101


def resolve_rng(rng: RngLike, caller: str) -> tuple[np.random.Generator, dict[str, Any]]:
    """A Generator from ``rng`` and a record of how to recreate it.

    ``None`` draws a fresh seed from the operating system and records it, so that every run
    can be repeated; an int is used as the seed; a Generator is used as is, and its state
    before the run is recorded.
    """
    if rng is None:
        seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
        return np.random.default_rng(seed), {"seed": seed}
    if isinstance(rng, np.random.Generator):
        return rng, {"seed": None, "rng_state": rng.bit_generator.state}
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        if int(rng) < 0:
            raise ParameterError.invalid("rng", caller, "a non-negative int seed, a numpy Generator or None", rng)
        return np.random.default_rng(int(rng)), {"seed": int(rng)}
    raise ParameterError.invalid("rng", caller, "a numpy.random.Generator, an int seed or None", rng)


def check_ci_prob(ci_prob: float, caller: str) -> float:
    if not isinstance(ci_prob, float | int) or isinstance(ci_prob, bool) or not 0 < float(ci_prob) < 1:
        raise ParameterError.invalid("ci_prob", caller, "a probability strictly between 0 and 1", ci_prob)
    return float(ci_prob)


#: The most replicates or runs one call may draw (beyond it, intervals do not change).
MAX_DRAWS = 100_000
#: The most memory the arrays of draws of one call may take.
MAX_DRAW_BYTES = 2 * 1024**3


def check_n(n: int, name: str, caller: str, minimum: int = 2, maximum: int = MAX_DRAWS) -> int:
    if not isinstance(n, int | np.integer) or isinstance(n, bool) or not minimum <= int(n) <= maximum:
        raise ParameterError.invalid(name, caller, f"an int from {minimum} to {maximum:,}", n)
    return int(n)


def check_memory(n_draws: int, per_draw: int, name: str, caller: str) -> None:
    """Refuse a number of draws whose arrays would not fit the memory bound."""
    need = n_draws * per_draw * 8
    if need > MAX_DRAW_BYTES:
        most = max(1, MAX_DRAW_BYTES // (per_draw * 8))
        raise ParameterError(
            f"The {name!r} parameter of {caller} asks for {n_draws:,} draws, whose results would take "
            f"{need / 1024**3:.1f} GiB (the bound is {MAX_DRAW_BYTES / 1024**3:.0f} GiB). Use at most {most:,}."
        )


def rank_desc(values: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Rank units by score, highest first, along the last axis (ties take the best rank).

    ``values`` has shape (..., n_units); ``groups`` (n_units,) ranks within groups (the
    year for ``by="year"``). Missing scores get a ``NaN`` rank. Matches the ``rank``
    column of :attr:`Scores.overall <securitization.scoring.Scores.overall>`.

    Examples
    --------
    >>> import numpy as np
    >>> rank_desc(np.array([[2.0, 3.0, np.nan, 3.0]])).tolist()
    [[3.0, 1.0, nan, 1.0]]
    """
    v = np.asarray(values, dtype=float)
    if groups is None:
        return _rank_rows(v)
    g = np.asarray(groups)
    out = np.full(v.shape, np.nan)
    for key in np.unique(g[~pd.isna(g)]) if g.dtype.kind == "f" else np.unique(g):
        sel = np.flatnonzero(g == key)
        out[..., sel] = _rank_rows(v[..., sel])
    return out


def _rank_rows(v: np.ndarray) -> np.ndarray:
    """``rank_desc`` without groups, by sorting each row (O(n log n) per row)."""
    shape = v.shape
    flat = v.reshape(-1, shape[-1]) if v.ndim > 1 else v[None, :]
    n = flat.shape[1]
    if n == 0:
        return np.full(shape, np.nan)
    neg = -flat
    order = np.argsort(neg, axis=1, kind="stable")  # NaN last
    s = np.take_along_axis(neg, order, axis=1)
    idx = np.broadcast_to(np.arange(n), s.shape)
    new = np.ones(s.shape, dtype=bool)
    new[:, 1:] = s[:, 1:] != s[:, :-1]
    first = np.maximum.accumulate(np.where(new, idx, 0), axis=1)
    ranks = np.empty(flat.shape)
    np.put_along_axis(ranks, order, first + 1.0, axis=1)
    ranks[np.isnan(flat)] = np.nan
    return ranks.reshape(shape)


def prepared_of(scores: Scores, caller: str) -> Prepared:
    if not isinstance(scores, Scores):
        raise ParameterError.invalid(
            "scores", caller, "a Scores object (from securitization.score)", type(scores).__name__
        )
    if scores.prepared is None:
        raise ParameterError.invalid(
            "scores", caller, "Scores made by securitization.score (with their prepared arrays)", "Scores without them"
        )
    return scores.prepared
