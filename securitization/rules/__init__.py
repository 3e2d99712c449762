"""The rules that turn coded evidence into scores, each written once (see :mod:`.registry`).

The built-in rules, by kind (``securitization rules`` lists them with their summaries):

* ``coders``: ``median`` (default), ``mean``, ``first``;
* ``items``: ``weighted_mean`` (default), ``median`` (weighted), ``max``, ``top_k_mean``;
* ``statistic``: ``mean`` (default), ``max``, ``last``, ``change``;
* ``mapping``: ``thresholds`` (default), ``minmax``, ``reference``;
* ``aggregation``: ``arithmetic`` (default), ``geometric``, ``median``, ``copeland``.

Each kind has a :class:`typing.Protocol` below; a function with that signature registered
with :func:`register_rule` can be named in a codebook like a built-in rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from . import aggregation, coders, items, measures
from ._kernel import FloatArray, IntArray
from .items import weighted_median
from .measures import map_thresholds
from .registry import RULES, Rule, RuleKind, check_rule, get_rule, register_rule, rule_names, suggest

__all__ = [
    "AGGREGATION_RULES",
    "CODER_RULES",
    "ITEM_RULES",
    "MAPPINGS",
    "RULES",
    "STATISTICS",
    "AggregationRule",
    "CoderRule",
    "ItemRule",
    "Mapping",
    "Rule",
    "RuleKind",
    "Statistic",
    "aggregation",
    "aggregation_rule",
    "check_rule",
    "coders",
    "consolidate_coders",
    "get_rule",
    "item_rule",
    "items",
    "map_thresholds",
    "measures",
    "register_rule",
    "rule_names",
    "suggest",
    "weighted_median",
]


class CoderRule(Protocol):
    """One code per item: ``group`` (n,) item of each row, ``code`` (..., n) -> (..., n_groups)."""

    def __call__(self, group: IntArray, code: FloatArray, n_groups: int, /) -> FloatArray: ...


class ItemRule(Protocol):
    """One score per cell: ``group`` (n,), ``code``/``weight`` (..., n) -> (..., n_groups)."""

    def __call__(
        self, group: IntArray, code: FloatArray, weight: FloatArray, n_groups: int, /, *, k: int = 3
    ) -> FloatArray: ...


class Statistic(Protocol):
    """One number per unit from its observations: ``value``/``order`` (..., n) -> (..., n_groups)."""

    def __call__(
        self, group: IntArray, value: FloatArray, order: IntArray, n_groups: int, /, *, previous: IntArray | None = None
    ) -> FloatArray: ...


class Mapping(Protocol):
    """A statistic (..., n_units) onto the scale."""

    def __call__(
        self,
        x: FloatArray,
        /,
        *,
        lo: float,
        hi: float,
        thresholds: tuple[float, ...] = (),
        reference: np.ndarray | None = None,
        reference_level: float | None = None,
    ) -> FloatArray: ...


class AggregationRule(Protocol):
    """Combine ``values`` (..., units, k) with ``weights`` (k,) or (..., k) into (..., units), NaN-aware."""

    def __call__(
        self, values: FloatArray, weights: FloatArray, /, *, offset: float = 1.0, lo: float = 0.0, hi: float = 4.0
    ) -> FloatArray: ...


#: The registered rules of each kind, by name (live views of :data:`RULES`).
CODER_RULES = RULES["coders"]
ITEM_RULES = RULES["items"]
STATISTICS = RULES["statistic"]
MAPPINGS = RULES["mapping"]
AGGREGATION_RULES = RULES["aggregation"]


def item_rule(name: str | Callable[..., FloatArray]) -> Callable[..., FloatArray]:
    """The kernel of an item rule by name (a callable is passed through)."""
    return name if callable(name) else get_rule("items", name, "item_rule").fn


def aggregation_rule(name: str | Callable[..., FloatArray]) -> Callable[..., FloatArray]:
    """The kernel of an aggregation rule by name (a callable is passed through)."""
    return name if callable(name) else get_rule("aggregation", name, "aggregation_rule").fn


def consolidate_coders(group: IntArray, code: FloatArray, n_groups: int, rule: str) -> FloatArray:
    """One code per item from the codes of its coders, by the coder rule ``rule``."""
    return get_rule("coders", rule, "consolidate_coders").fn(group, code, n_groups)
