"""Progress of long steps, shown on a terminal and silent everywhere else.

A long step (the main job, the bootstrap, the sensitivity analysis, the charts, the
reports) reports its progress through :func:`progress`, a thin wrapper of `tqdm
<https://tqdm.github.io>`_: a bar on standard error when it is a terminal, nothing when
the output is redirected, in a notebook's non-interactive run, in tests, or inside
:func:`quiet`. The library never prints anything else on its own.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import TypeVar

from tqdm.auto import tqdm

__all__ = ["enabled", "progress", "quiet"]

T = TypeVar("T")

_QUIET: ContextVar[bool] = ContextVar("securitization_quiet", default=False)


def enabled() -> bool:
    """Whether progress is shown: standard error is a terminal and :func:`quiet` is not in force."""
    if _QUIET.get() or os.environ.get("SECURITIZATION_QUIET"):
        return False
    stream = sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


@contextlib.contextmanager
def quiet(on: bool = True) -> Iterator[None]:
    """Silence (or, with ``on=False``, allow) progress bars inside the ``with`` block."""
    token = _QUIET.set(on)
    try:
        yield
    finally:
        _QUIET.reset(token)


def progress(items: Iterable[T], *, desc: str, total: int | None = None, unit: str = "step") -> Iterable[T]:
    """``items``, with a progress bar labelled ``desc`` when progress is :func:`enabled`."""
    if not enabled():
        return items
    return tqdm(items, desc=desc, total=total, unit=unit, leave=False, file=sys.stderr, dynamic_ncols=True)
