"""Helpers shared by the rule kernels: leading replicate axes and groups."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["FloatArray", "IntArray", "flatten_groups", "is_sorted", "segments"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def is_sorted(group: np.ndarray) -> bool:
    """Whether ``group`` never decreases (the rows of a group are contiguous)."""
    return bool(len(group) < 2 or (group[1:] >= group[:-1]).all())


def segments(group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first position of every run of equal values of a sorted ``group``, and the values."""
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else np.array([], dtype=np.intp)
    return starts, group[starts]


def flatten_groups(group: np.ndarray, n_groups: int, lead: tuple[int, ...]) -> tuple[np.ndarray, int]:
    """Group ids of ``(*lead, n)`` values flattened: replicate ``r`` owns groups ``[r * n_groups, (r + 1) * n_groups)``."""
    reps = int(np.prod(lead)) if lead else 1
    if reps == 1:
        return np.asarray(group, dtype=np.intp), n_groups
    g = (np.arange(reps, dtype=np.intp)[:, None] * n_groups + np.asarray(group, dtype=np.intp)[None, :]).ravel()
    return g, reps * n_groups
