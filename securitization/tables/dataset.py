"""The validated dataset: reading, validating and indexing the tables of a case folder.

:func:`load` finds the tables in files and folders (:mod:`securitization.reading`),
:func:`validate_tables` checks them all (every problem at once, see :mod:`.checks`) and
indexes the evidence (:mod:`.index`) into a :class:`Dataset`, the one input of every
score. Input files are only ever read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..codebook import Codebook, load_codebook
from ..datasets import data_dir
from ..errors import ParameterError, Problem, ValidationError
from ..reading import TableKind, discover, read_table
from ..reading.formats import control_problems
from .checks import Collector, concat, validate_cases, validate_evidence, validate_measures
from .index import EvidenceIndex, index_evidence

__all__ = ["Dataset", "InputFile", "load", "validate_tables"]


@dataclass(frozen=True, kw_only=True)
class InputFile:
    """A file read into a :class:`Dataset`, with the hash of its bytes."""

    path: str
    kind: TableKind
    sha256: str
    rows: int


@dataclass(frozen=True, kw_only=True)
class Dataset:
    """Validated, typed input tables, ready to score.

    Attributes
    ----------
    cases
        One row per case: ``case, country, label, leader, start, end, population, ...``
        (``start``/``end`` are datetimes; ``end`` is NaT for an ongoing case).
    evidence
        One row per coded item per coder, with ``case`` resolved, ``date`` (first day),
        ``date_end`` (last day the date covers), integer ``code``, float ``weight``, and
        ``file``/``row`` pointing back to the input.
    measures
        One row per observation with ``period_start``, ``period_end``, float ``value``,
        the ``case`` the period is assigned to (by largest overlap; see
        :func:`~securitization.periods.assign_by_overlap`) and ``file``/``row``.
    files
        The files read, with their SHA-256, for the manifest of every result.
    raw
        The cases, evidence and measures tables as read (text cells), kept so that the
        same input can be validated again under another codebook.
    index
        Integer codes of the evidence's id columns (see :class:`EvidenceIndex`).
    """

    cases: pd.DataFrame
    evidence: pd.DataFrame
    measures: pd.DataFrame
    codebook: Codebook
    files: tuple[InputFile, ...] = field(default=())
    raw: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] = field(default=(), repr=False)  # type: ignore[assignment]
    index: EvidenceIndex = field(repr=False)

    def __str__(self) -> str:
        return (
            f"Dataset: {len(self.cases)} cases, {len(self.evidence)} evidence rows "
            f"({self.evidence['evidence_id'].nunique()} items), {len(self.measures)} measures; "
            f"codebook {self.codebook.label}"
        )

    def with_codebook(self, codebook: Codebook) -> Dataset:
        """The same tables validated and indexed under another codebook (``self`` if it is the same).

        The evidence and measures are checked again against the new codebook's
        indicators, kinds, scale and rules: a codebook that drops an indicator or changes
        the scale can make rows invalid, and they are reported as usual.
        """
        if not isinstance(codebook, Codebook):
            raise ParameterError.invalid("codebook", "Dataset.with_codebook", "a Codebook", codebook)
        if codebook.sha256 == self.codebook.sha256:
            return self
        raw_c, raw_e, raw_m = self.raw
        return validate_tables(cases=[raw_c], evidence=[raw_e], measures=[raw_m], codebook=codebook, files=self.files)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def validate_tables(
    *,
    cases: Sequence[pd.DataFrame],
    evidence: Sequence[pd.DataFrame] = (),
    measures: Sequence[pd.DataFrame] = (),
    codebook: Codebook | None = None,
    files: tuple[InputFile, ...] = (),
) -> Dataset:
    """Validate raw text tables (as from :func:`read_table`) into a :class:`Dataset`.

    Raw frames need ``file`` and ``row`` columns; frames built in memory without them get
    ``file="<memory>"`` and rows numbered from 2.

    Raises
    ------
    ValidationError
        Listing every problem found, in every table. Nothing is returned in part.
    """
    codebook = codebook or load_codebook()
    if not isinstance(codebook, Codebook):
        raise ParameterError.invalid("codebook", "validate_tables", "a Codebook (see load_codebook)", codebook)
    for name, frames in (("cases", cases), ("evidence", evidence), ("measures", measures)):
        if isinstance(frames, pd.DataFrame) or not isinstance(frames, Sequence):
            raise ParameterError.invalid(name, "validate_tables", "a list of DataFrames", type(frames).__name__)
        bad = [type(f).__name__ for f in frames if not isinstance(f, pd.DataFrame)]
        if bad:
            raise ParameterError.invalid(name, "validate_tables", "a list of DataFrames", f"a list holding {bad[0]}")
    col = Collector()
    raw: dict[str, list[pd.DataFrame]] = {}
    for kind, frames in (("cases", cases), ("evidence", evidence), ("measures", measures)):
        raw[kind] = []
        for f in frames:
            if "file" in f.columns and "row" in f.columns:  # as a reader gave it (checked there)
                raw[kind].append(f)
            else:  # built in memory
                mem = _ensure_origin(f, kind)
                col.problems += control_problems(mem, f"<{kind} table>", mem["row"].to_numpy())
                raw[kind].append(mem)
    raw_c = concat(raw["cases"], "cases", col)
    raw_e = concat(raw["evidence"], "evidence", col)
    raw_m = concat(raw["measures"], "measures", col)
    if not len(raw_c) and not col.problems:
        col.file("(cases)", None, "at least one case (a cases table with rows)")
    c = validate_cases(raw_c, col)
    good_cases = c.loc[c["start"].notna() & (c["case"] != "")].drop_duplicates("case")
    e = validate_evidence(raw_e, good_cases, codebook, col)
    m = validate_measures(raw_m, good_cases, codebook, col)
    if col.problems:
        raise ValidationError(col.problems)
    c, m = c.reset_index(drop=True), m.reset_index(drop=True)
    e, index = index_evidence(e, c, codebook)
    return Dataset(
        cases=c, evidence=e, measures=m, codebook=codebook, files=files, raw=(raw_c, raw_e, raw_m), index=index
    )


def _ensure_origin(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """A frame built in memory, as a reader would give it: text cells, ``file`` and ``row``."""
    if "file" in frame.columns and "row" in frame.columns:
        return frame
    names = [str(c) for c in frame.columns]
    if len(set(names)) < len(names):
        raise ParameterError.invalid("frame", "validate_tables", f"a {kind} table with distinct column names", names)
    out = pd.DataFrame(
        {
            n: pd.Series([_memory_text(v) for v in frame.iloc[:, j].to_numpy()], dtype=str).str.strip()
            for j, n in enumerate(names)
        }
    )
    out["file"] = f"<{kind} table>"
    out["row"] = np.arange(2, len(frame) + 2)
    return out


def _memory_text(value: object) -> str:
    """A cell of a table built in memory as the text a file would hold."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp | np.datetime64):
        ts = pd.Timestamp(value)
        return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _paths(paths: Iterable[str | Path] | str | Path) -> list[str | Path]:
    """One path given as a string or Path is one path (never iterated character by character)."""
    if isinstance(paths, str | Path):
        return [paths]
    if isinstance(paths, pd.DataFrame) or not isinstance(paths, Iterable):
        raise ParameterError.invalid("paths", "load", "a file or folder path, or a list of them", type(paths).__name__)
    return list(paths)


def load(
    paths: Iterable[str | Path] | str | Path | None = None,
    *,
    codebook: Codebook | str | Path | None = None,
    include_bundled: bool = False,
) -> Dataset:
    """Read and validate cases, evidence and measures tables.

    Parameters
    ----------
    paths
        A file or folder, or a list of them (folders are searched recursively, see
        :func:`~securitization.reading.discover`). ``None`` reads the bundled cases.
    codebook
        A :class:`Codebook`, a codebook file or a bundled codebook's name; default the
        bundled ``bourbeau-2011``.
    include_bundled
        Also read the bundled cases, to score a new case next to them.

    Raises
    ------
    ValidationError
        Listing every problem in every file.

    Examples
    --------
    >>> ds = load()
    >>> sorted(ds.cases["country"].unique())
    ['MEX', 'USA']
    """
    if codebook is not None and not isinstance(codebook, Codebook | str | Path):
        raise ParameterError.invalid(
            "codebook", "load", "a Codebook, a codebook .toml path or a bundled codebook's name", codebook
        )
    cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    targets: list[str | Path] = [data_dir()] if paths is None else list(_paths(paths))
    if include_bundled and paths is not None:
        targets.append(data_dir())
    found = discover(targets)
    frames: dict[str, list[pd.DataFrame]] = {"cases": [], "evidence": [], "measures": []}
    files = []
    problems: list[Problem] = []
    for path, kind in found:
        try:
            frame = read_table(path)
        except ValidationError as exc:
            problems += exc.problems
            continue
        frames[kind].append(frame)
        files.append(InputFile(path=str(path), kind=kind, sha256=_sha256(path), rows=len(frame)))
    if problems:
        raise ValidationError(problems)
    if not frames["cases"]:
        raise ValidationError(
            [
                Problem(
                    file=", ".join(map(str, targets)),
                    row=None,
                    column=None,
                    value=None,
                    expected="a cases table (cases.csv) among the files given",
                )
            ]
        )
    return validate_tables(
        cases=frames["cases"], evidence=frames["evidence"], measures=frames["measures"], codebook=cb, files=tuple(files)
    )
