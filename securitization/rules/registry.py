"""The registry of rules: every rule of every kind, written once, looked up by name.

Five kinds of rule turn coded evidence into scores:

========================  =====================================================================
kind                      what it does
========================  =====================================================================
``coders``                one code per item from the codes of its coders
``items``                 one score per case and indicator from its items' codes and weights
``statistic``             one number per case from a measure's observations
``mapping``               that number onto the codebook's scale
``aggregation``           indicator scores into dimension scores, and these into the overall
========================  =====================================================================

A rule is a small numpy function vectorised over leading replicate axes: the point
estimate is one replicate, the bootstrap and the sensitivity analysis pass many at once,
and all three call the same function. Its properties are data (:class:`Rule`): what it
takes (weights, the scale's bounds, parameters of the codebook), whether it depends on the
other units (a *panel* rule, such as Copeland's outranking or a min-max mapping), and its
one-line summary, from which the codebook's allowed names, the command line's choices,
the documentation and the report's wording are all made.

A rule of one's own is a function with the signature of its kind (see the Protocols in
:mod:`securitization.rules`) registered with :func:`register_rule`; a codebook can then
name it. Every rule must be monotone (raising an input never lowers its result) and keep
missing inputs (``NaN``) out of the computation; a unit with no input gets ``NaN``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from ..errors import ParameterError

__all__ = ["RULES", "Rule", "RuleKind", "check_rule", "get_rule", "register_rule", "rule_names", "suggest"]

RuleKind = Literal["coders", "items", "statistic", "mapping", "aggregation"]
KINDS: tuple[RuleKind, ...] = get_args(RuleKind)


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One rule and its properties.

    Attributes
    ----------
    kind, name
        The kind of rule and the name a codebook uses for it.
    fn
        The kernel (see the Protocol of its kind in :mod:`securitization.rules`).
    summary
        What it does, in a phrase that completes "the ... of" or stands alone
        (``"the median of its coders' codes"``); used in the docs, the command line's help
        and the reports.
    weighted
        Whether it uses the weights (of items, indicators or measures).
    panel
        Whether the result of a unit depends on the other units (then it is computed over
        all the units of one replicate at once).
    needs_scale
        Whether it takes the scale's bounds ``lo`` and ``hi``.
    params
        The codebook parameters it reads (``k``, ``thresholds``, ``reference_case`` ...).
    from_counts
        For an item rule: the same rule computed from counts of each cell's distinct
        (code, weight) pairs, ``(counts (R, s, p), code (s, p), weight (s, p)) -> (R, s)``,
        which lets the bootstrap draw multinomial counts instead of items; ``None`` if the
        rule has no such form.
    additive
        For an item rule: the score is the sum over items of (weight share x code), so
        that each item's contribution can be shown in the trail.
    """

    kind: RuleKind
    name: str
    fn: Callable[..., Any] = field(repr=False)
    summary: str
    weighted: bool = True
    panel: bool = False
    needs_scale: bool = False
    params: tuple[str, ...] = ()
    from_counts: Callable[..., Any] | None = field(default=None, repr=False)
    additive: bool = False


RULES: dict[RuleKind, dict[str, Rule]] = {kind: {} for kind in KINDS}


def register_rule(
    kind: RuleKind,
    name: str,
    fn: Callable[..., Any],
    *,
    summary: str,
    replace: bool = False,
    **properties: Any,
) -> Rule:
    """Register a rule, so that a codebook (and every analysis) can name it.

    Parameters
    ----------
    kind
        ``"coders"``, ``"items"``, ``"statistic"``, ``"mapping"`` or ``"aggregation"``.
    name
        The name a codebook uses (letters, digits and ``_``).
    fn
        The kernel, with the signature of its kind's Protocol.
    summary
        A phrase saying what it does, for the docs and the reports.
    replace
        Replace a rule already registered under that name (default: refuse).
    **properties
        ``weighted``, ``panel``, ``needs_scale``, ``params``, ``from_counts``, ``additive``
        (see :class:`Rule`).

    Examples
    --------
    >>> import numpy as np
    >>> from securitization.rules import register_rule, get_rule
    >>> def min_items(group, code, weight, n_groups, /, *, k=3):
    ...     out = np.full((*code.shape[:-1], n_groups), np.inf)
    ...     np.minimum.at(out, (..., group), code)
    ...     return np.where(np.isinf(out), np.nan, out)
    >>> _ = register_rule("items", "min_doc", min_items, summary="the lowest code of the items", weighted=False)
    >>> get_rule("items", "min_doc").fn(np.array([0, 0, 1]), np.array([2.0, 1.0, 4.0]), np.ones(3), 2).tolist()
    [1.0, 4.0]
    >>> from securitization.rules import RULES
    >>> _ = RULES["items"].pop("min_doc")
    """
    if kind not in KINDS:
        raise ParameterError.invalid("kind", "register_rule", f"one of {list(KINDS)}", kind)
    if not isinstance(name, str) or not name.replace("_", "").isalnum():
        raise ParameterError.invalid("name", "register_rule", "a name of letters, digits and '_'", name)
    if not callable(fn):
        raise ParameterError.invalid("fn", "register_rule", "a function (the rule's kernel)", fn)
    if name in RULES[kind] and not replace:
        raise ParameterError(
            f"A {kind} rule named {name!r} is registered already; pass replace=True to replace it, or choose "
            "another name."
        )
    rule = Rule(kind=kind, name=name, fn=fn, summary=summary, **properties)
    RULES[kind][name] = rule
    return rule


def rule_names(kind: RuleKind) -> tuple[str, ...]:
    """The names of the registered rules of a kind, in the order they were registered."""
    return tuple(RULES[kind])


def suggest(value: object, choices: tuple[str, ...] | list[str]) -> str:
    """``" (did you mean 'x'?)"`` for the closest choice, or ``""``."""
    close = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def get_rule(kind: RuleKind, name: str, caller: str = "get_rule") -> Rule:
    """The rule of a kind by name; an unknown name raises, listing the names and the closest one."""
    try:
        return RULES[kind][name]
    except (KeyError, TypeError):
        names = rule_names(kind)
        raise ParameterError(
            f"The {kind} rule of {caller} must be one of the registered {kind} rules: "
            f"{', '.join(names)}. Got {name!r} instead{suggest(name, names)}. "
            "Register a rule of your own with securitization.rules.register_rule()."
        ) from None


def check_rule(kind: RuleKind, name: object) -> str:
    """``name`` if it is a registered rule of ``kind``, else a ``ValueError`` (for pydantic validators)."""
    if not isinstance(name, str) or name not in RULES[kind]:
        names = rule_names(kind)
        raise ValueError(f"{kind} rule {name!r} is not one of {', '.join(names)}{suggest(name, names)}")
    return name
