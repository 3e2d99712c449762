"""Finding the tables among the files and folders a user names."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from ..errors import ParameterError, Problem, ValidationError
from .formats import READERS, REFUSED, read_table

__all__ = ["TABLE_KINDS", "TableKind", "discover", "find_codebooks", "kind_of"]

TableKind = Literal["cases", "evidence", "measures", "countries", "adjudications"]
TABLE_KINDS: tuple[TableKind, ...] = ("cases", "evidence", "measures", "countries", "adjudications")


def kind_of(path: Path) -> TableKind | None:
    """The kind of table a file name says: it starts or ends with ``cases``, ``evidence``, ``measures``,
    ``countries`` or ``adjudications``."""
    stem = path.stem.lower()
    for kind in TABLE_KINDS:
        if stem.startswith(kind) or stem.endswith(kind):
            return kind
    return None


def _kind_from_header(path: Path) -> TableKind | None:
    try:
        cols = {c.lower() for c in read_table(path).columns}
    except (ValidationError, OSError):
        return None
    if {"evidence_id", "adjudicator"} <= cols:
        return "adjudications"
    if "evidence_id" in cols:
        return "evidence"
    if {"measure", "value", "period"} <= cols:
        return "measures"
    if {"case", "start"} <= cols:
        return "cases"
    return None


def _as_paths(paths: Iterable[str | Path] | str | Path) -> list[Path]:
    if isinstance(paths, str | Path):  # one path, never its characters
        return [Path(paths)]
    try:
        items = list(paths)
    except TypeError:
        raise ParameterError.invalid(
            "paths", "load", "a file or folder path, or a list of them", type(paths).__name__
        ) from None
    bad = [p for p in items if not isinstance(p, str | Path)]
    if bad:
        raise ParameterError.invalid("paths", "load", "file or folder paths (str or pathlib.Path)", bad[0])
    return [Path(p) for p in items]


def discover(paths: Iterable[str | Path] | str | Path) -> list[tuple[Path, TableKind]]:
    """Find the table files in the given files and folders (searched recursively).

    A file is a cases, evidence or measures table when its name starts or ends with
    ``cases``, ``evidence`` or ``measures`` and it has a suffix a reader takes (see
    :data:`~securitization.reading.formats.READERS`). A table in a refused format
    (``.xls``, ``.ods`` ...) is reported, never skipped in silence. A file given by name
    whose kind cannot be told from its name is classified by its header. Hidden files
    and Office lock files (``~$...``) are skipped.

    Raises
    ------
    ValidationError
        For a path that does not exist, a table in a refused format, or a named file that
        is not a table; every problem at once.
    """
    found: list[tuple[Path, TableKind]] = []
    problems: list[Problem] = []
    for p in _as_paths(paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if (
                    not f.is_file()
                    or f.name.startswith((".", "~$"))
                    or any(part.startswith(".") for part in f.relative_to(p).parts[:-1])
                ):
                    continue
                kind = kind_of(f)
                if kind is None:
                    continue
                suffix = f.suffix.lower()
                if suffix in REFUSED:
                    problems.append(Problem(file=str(f), row=None, column=None, value=None, expected=REFUSED[suffix]))
                elif suffix in READERS:
                    found.append((f, kind))
        elif p.is_file():
            suffix = p.suffix.lower()
            if suffix in REFUSED:
                problems.append(Problem(file=str(p), row=None, column=None, value=None, expected=REFUSED[suffix]))
                continue
            kind = kind_of(p) or _kind_from_header(p)
            if kind is None:
                problems.append(
                    Problem(
                        file=str(p),
                        row=None,
                        column=None,
                        value=None,
                        expected="a cases, evidence or measures table (name it cases*.csv, evidence*.csv or measures*.csv)",
                    )
                )
            else:
                found.append((p, kind))
        else:
            problems.append(
                Problem(file=str(p), row=None, column=None, value=None, expected="an existing file or folder")
            )
    if problems:
        raise ValidationError(problems)
    return found


def find_codebooks(paths: Iterable[str | Path] | str | Path) -> list[Path]:
    """The codebook files (``codebook*.toml``) of the folders given (searched recursively), sorted."""
    found: list[Path] = []
    for p in _as_paths(paths):
        if p.is_dir():
            found += [
                f
                for f in sorted(p.rglob("codebook*.toml"))
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            ]
    return found
