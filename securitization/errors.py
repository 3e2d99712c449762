"""The library's error types.

Every error raised on purpose derives from :class:`SecuritizationError`. Errors about
values are also :class:`ValueError`, errors about types also :class:`TypeError`, so that
callers can catch them the usual way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pandas as pd

__all__ = [
    "CodebookError",
    "MissingDependencyError",
    "Note",
    "ParameterError",
    "Problem",
    "SecuritizationError",
    "ValidationError",
]


class SecuritizationError(Exception):
    """Base class of every error the library raises on purpose."""


class ParameterError(SecuritizationError, ValueError):
    """A function was given a parameter value it does not accept."""

    @classmethod
    def invalid(cls, param: str, caller: str, constraints: str, value: object) -> ParameterError:
        """Build the message "The 'param' parameter of caller must be ... Got ... instead."."""
        return cls(f"The {param!r} parameter of {caller} must be {constraints}. Got {value!r} instead.")


class MissingDependencyError(SecuritizationError, ImportError):
    """An optional dependency is needed for this feature but is not installed."""

    def __init__(self, package: str, extra: str, feature: str) -> None:
        super().__init__(
            f"{feature} needs the optional package {package!r}, which is not installed. "
            f"Install it with: pip install 'securitization[{extra}]'"
        )
        self.package = package
        self.extra = extra


def _where(file: str, row: int | None, column: str | None) -> str:
    """``file, row N, column 'c'``, leaving out what is not known."""
    row_part = "" if row is None else f", row {row}"
    return f"{file}{row_part}" + ("" if column is None else f", column {column!r}")


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One problem found in an input table or codebook.

    ``row`` is the row number as the user sees it in a spreadsheet (the header is row 1,
    the first data row is row 2); it is ``None`` for problems about a whole file or column.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = _where(self.file, self.row, self.column)
        found = "" if self.value is None else f": found {self.value!r}"
        return f"{where}{found}; expected {self.expected}"


@dataclass(frozen=True, kw_only=True)
class Note:
    """Something the validation did or saw that is not an error: how an input was read.

    A header matched ignoring case, a kind written as an alias, a measure that no rule
    scores, two coders who gave one item different dates: the input is read, and the note
    says how, so that nothing happens in silence.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    note: str

    def __str__(self) -> str:
        where = _where(self.file, self.row, self.column)
        found = "" if self.value is None else f" ({self.value!r})"
        return f"{where}{found}: {self.note}"


class ValidationError(SecuritizationError, ValueError):
    """Input tables failed validation.

    All problems are collected before raising; :attr:`problems` holds them and
    :meth:`to_frame` returns them as a table with columns ``file, row, column, value,
    expected``.
    """

    def __init__(self, problems: Iterable[Problem], *, what: str = "input tables") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        n = len(self.problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} found in the {what}:"]
        lines += [f"  - {p}" for p in self.problems]
        lines.append("Fix these in the files named (they were not modified) and run again.")
        super().__init__("\n".join(lines))

    def to_frame(self) -> pd.DataFrame:
        """Return the problems as a DataFrame (one row per problem)."""
        cols = ["file", "row", "column", "value", "expected"]
        frame = pd.DataFrame([asdict(p) for p in self.problems], columns=cols)
        frame["row"] = frame["row"].astype("Int64")
        return frame


class CodebookError(ValidationError):
    """A codebook file is malformed: the message names the file, the key and the problem."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        super().__init__(problems, what="codebook")
