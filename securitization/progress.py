"""Progress of long steps, shown on a terminal and silent everywhere else.

A long step (reading the tables, the main job's stages, the posterior and joint draws,
the bootstrap, the sensitivity analysis, the reliability bootstrap, the charts, the
reports, the calibration study) reports its progress through :func:`progress` or
:func:`stages`, thin wrappers of `tqdm <https://tqdm.github.io>`_: a bar on standard error
when it is a terminal, nothing when the output is redirected, in a notebook's
non-interactive run, in tests, inside :func:`quiet` (the command line's ``--quiet``) or
with the environment variable ``SECURITIZATION_QUIET`` set. :func:`shown` forces the bars
on (to see them in a log). The library never prints anything else on its own.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any, TypeVar

from tqdm import tqdm  # the terminal bar (tqdm.auto would look for notebook widgets, and warn without them)

__all__ = ["Stages", "enabled", "progress", "quiet", "shown", "stages"]

T = TypeVar("T")

#: ``None``: shown on a terminal only; ``True``: silent; ``False``: shown wherever standard error goes.
_QUIET: ContextVar[bool | None] = ContextVar("securitization_quiet", default=None)


def enabled() -> bool:
    """Whether progress is shown.

    Forced on inside :func:`shown`; off inside :func:`quiet`, with ``SECURITIZATION_QUIET``
    set, under pytest, and when standard error is not a terminal.

    Examples
    --------
    >>> with quiet():
    ...     enabled()
    False
    >>> with shown():
    ...     enabled()
    True
    """
    state = _QUIET.get()
    if state is not None:
        return not state
    if os.environ.get("SECURITIZATION_QUIET") or os.environ.get("PYTEST_CURRENT_TEST"):
        return False
    stream = sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


@contextlib.contextmanager
def quiet(on: bool = True) -> Iterator[None]:
    """Silence progress bars inside the ``with`` block (``on=False``: back to showing them on a terminal)."""
    token = _QUIET.set(True if on else None)
    try:
        yield
    finally:
        _QUIET.reset(token)


@contextlib.contextmanager
def shown() -> Iterator[None]:
    """Show progress bars inside the ``with`` block even when standard error is not a terminal."""
    token = _QUIET.set(False)
    try:
        yield
    finally:
        _QUIET.reset(token)


def _options() -> dict[str, Any]:
    # a terminal that reports no width (some pseudo-terminals) would get an empty bar
    width = shutil.get_terminal_size((0, 0)).columns
    sized: dict[str, Any] = {"dynamic_ncols": True} if width > 0 else {"ncols": 80}
    return {"leave": False, "file": sys.stderr, "mininterval": 0.2, **sized}


def progress(items: Iterable[T], *, desc: str, total: int | None = None, unit: str = "step") -> Iterable[T]:
    """``items``, with a progress bar labelled ``desc`` when progress is :func:`enabled`.

    Examples
    --------
    >>> list(progress(range(3), desc="counting"))  # silent here: not a terminal
    [0, 1, 2]
    """
    if not enabled():
        return items
    return tqdm(items, desc=desc, total=total, unit=unit, **_options())


class Stages:
    """The stages of a long job on one bar: :meth:`next` names the stage now running.

    Made by :func:`stages`; silent when progress is not :func:`enabled`.
    """

    def __init__(self, desc: str, names: Sequence[str]) -> None:
        self.names = list(names)
        self.done = 0
        self._bar = tqdm(total=len(self.names), desc=desc, unit="stage", **_options()) if enabled() else None

    def next(self, name: str) -> None:
        """Mark the previous stage done and show ``name`` as the one running."""
        if self._bar is None:
            return
        if self.done:
            self._bar.update(1)
        self.done += 1
        self._bar.set_postfix_str(name, refresh=True)

    def close(self) -> None:
        """End the bar (it is erased from the terminal)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


@contextlib.contextmanager
def stages(desc: str, names: Sequence[str]) -> Iterator[Stages]:
    """A bar over the stages of a long job (``with stages("run", [...]) as st: st.next("score")``).

    Examples
    --------
    >>> with stages("job", ["read", "score"]) as st:
    ...     st.next("read")
    ...     st.next("score")
    >>> st.done  # silent here (not a terminal): nothing counted
    0
    """
    st = Stages(desc, names)
    try:
        yield st
    finally:
        st.close()
