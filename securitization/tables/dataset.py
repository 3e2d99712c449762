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
from typing import Literal

import numpy as np
import pandas as pd

from ..codebook import Codebook, load_codebook
from ..countries import FiscalYear
from ..datasets import data_dir, indicators_dir
from ..errors import Note, ParameterError, Problem, ValidationError
from ..export import html_view
from ..progress import progress
from ..reading import TABLE_KINDS, TableKind, discover, find_codebooks, read_table
from ..reading.formats import control_problems
from .checks import (
    Collector,
    concat,
    validate_adjudications,
    validate_cases,
    validate_countries,
    validate_evidence,
    validate_measures,
)
from .index import EvidenceIndex, index_evidence

__all__ = ["Dataset", "InputFile", "load", "validate_tables"]


@dataclass(frozen=True, kw_only=True)
class InputFile:
    """A file read into a :class:`Dataset`, with the hash of its bytes.

    ``path`` is the path as read; ``name`` the stable name recorded in manifests: the path
    within the folder given to :func:`load`, starting with that folder's own name
    (``my-case/evidence.csv``), or ``bundled:data/...`` for the package's cases, so that a
    clone in another folder writes the same manifest.
    """

    path: str
    kind: TableKind | Literal["codebook"]
    sha256: str
    rows: int
    name: str = ""


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
    codebook
        The codebook the tables were validated against.
    countries
        Fiscal years given by the case folders (``countries.csv``), by country; they
        override the package's table (:mod:`securitization.countries`).
    adjudications
        One row per doubly coded item whose code an adjudicator settled:
        ``evidence_id, code, adjudicator, reason``. Scores use the settled code (see
        :func:`~securitization.score`, ``adjudicated``); the coders' own codes still drive
        the reliability and the coder uncertainty.
    notes
        How the input was read where the user should know it (see
        :class:`~securitization.errors.Note`): headers matched ignoring case, kinds read
        through an alias, levels written as words, measures no rule scores, coders who gave
        one item different dates. Printed by ``securitization validate`` and ``score``.
    files
        The files read, with their SHA-256, for the manifest of every result.
    raw
        The tables as read (text cells), by kind, kept so that the same input can be
        validated again under another codebook (:meth:`with_codebook`).
    index
        Integer codes of the evidence's id columns (see :class:`EvidenceIndex`).
    """

    cases: pd.DataFrame
    evidence: pd.DataFrame
    measures: pd.DataFrame
    codebook: Codebook
    countries: dict[str, FiscalYear] = field(default_factory=dict)
    adjudications: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"evidence_id": [], "code": []}))
    notes: tuple[Note, ...] = ()
    files: tuple[InputFile, ...] = field(default=())
    raw: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    index: EvidenceIndex = field(repr=False)

    def __str__(self) -> str:
        return (
            f"Dataset: {len(self.cases)} cases, {len(self.evidence)} evidence rows "
            f"({self.evidence['evidence_id'].nunique()} items), {len(self.measures)} measures; "
            f"codebook {self.codebook.label}" + (f"; {len(self.notes)} notes" if self.notes else "")
        )

    def _facts(self) -> list[str]:
        ev = self.evidence
        n_items = ev["evidence_id"].nunique()
        n_coders = ev["coder"].nunique() if "coder" in ev.columns else 0
        countries = self.cases["country"].nunique() if "country" in self.cases.columns else 0
        cb = self.codebook
        return [
            f"{len(self.cases)} cases in {countries} countries; {n_items} evidence items ({len(ev)} rows by "
            f"{n_coders} coders), {len(self.adjudications)} adjudicated; {len(self.measures)} measure observations",
            f"codebook {cb.label}: {len(cb.indicators)} indicators in {len(cb.dimensions)} dimensions, "
            f"scale {cb.scale.min}-{cb.scale.max}",
            f"{len(self.files)} files read; {len(self.notes)} notes on how they were read (.notes)",
        ]

    def __repr__(self) -> str:
        return "\n".join(["Dataset: " + self._facts()[0], *self._facts()[1:]])

    def _repr_html_(self) -> str:
        per = self.evidence.groupby("case", sort=False).agg(
            items=("evidence_id", "nunique"), rows=("evidence_id", "size")
        )
        m = self.measures.groupby("case", sort=False).size() if len(self.measures) else pd.Series(dtype=int)
        cols = [c for c in ("case", "country", "label", "start", "end") if c in self.cases.columns]
        table = self.cases[cols].copy()
        for c in ("start", "end"):
            if c in table.columns:
                table[c] = table[c].dt.strftime("%Y-%m-%d").fillna("")
        table["items"] = table["case"].map(per["items"]).fillna(0).astype(int)
        table["measures"] = table["case"].map(m).fillna(0).astype(int)
        return html_view("Dataset", self._facts(), table)

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
        return validate_tables(
            **{kind: [frame] for kind, frame in self.raw.items()},
            codebook=codebook,
            files=self.files,
        )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _unscored(measures: pd.DataFrame, codebook: Codebook, col: Collector) -> None:
    """A note for every measure that no rule of the codebook scores (context only, never dropped in silence)."""
    if not len(measures):
        return
    rules = {(i.code, m.measure) for i in codebook.indicators for m in i.measures}
    groups = measures.groupby(["indicator", "measure", "country"], observed=True, sort=True)
    for (ind, measure, country), g in groups:
        if (ind, measure) in rules or not ind:
            continue
        col.note(
            str(g["file"].iloc[0]),
            "measure",
            f"{len(g)} rows of {country} for {ind}: no rule of codebook {codebook.label} scores this measure, so it "
            "is context for the charts and not scored. To score it, give it a rule in a codebook.toml of the case "
            "folder that extends the default (see CODING-GUIDE.md)",
            value=str(measure),
        )


def validate_tables(
    *,
    cases: Sequence[pd.DataFrame],
    evidence: Sequence[pd.DataFrame] = (),
    measures: Sequence[pd.DataFrame] = (),
    countries: Sequence[pd.DataFrame] = (),
    adjudications: Sequence[pd.DataFrame] = (),
    codebook: Codebook | None = None,
    files: tuple[InputFile, ...] = (),
    notes: Sequence[Note] = (),
) -> Dataset:
    """Validate raw text tables (as from :func:`~securitization.reading.read_table`) into a :class:`Dataset`.

    Raw frames need ``file`` and ``row`` columns; frames built in memory without them get
    ``file="<kind table>"`` and rows numbered from 2. ``countries`` are tables of fiscal
    years (``country, start_month, single, source``) that override the package's;
    ``adjudications`` settle the code of doubly coded items (``evidence_id, code,
    adjudicator, reason``).

    Raises
    ------
    ValidationError
        Listing every problem found, in every table. Nothing is returned in part.
    """
    codebook = codebook or load_codebook()
    if not isinstance(codebook, Codebook):
        raise ParameterError.invalid("codebook", "validate_tables", "a Codebook (see load_codebook)", codebook)
    given = {
        "cases": cases,
        "evidence": evidence,
        "measures": measures,
        "countries": countries,
        "adjudications": adjudications,
    }
    for name, frames in given.items():
        if isinstance(frames, pd.DataFrame) or not isinstance(frames, Sequence):
            raise ParameterError.invalid(name, "validate_tables", "a list of DataFrames", type(frames).__name__)
        bad = [type(f).__name__ for f in frames if not isinstance(f, pd.DataFrame)]
        if bad:
            raise ParameterError.invalid(name, "validate_tables", "a list of DataFrames", f"a list holding {bad[0]}")
    col = Collector()
    col.notes += list(notes)
    raw: dict[str, pd.DataFrame] = {}
    for kind, frames in given.items():
        ready = []
        for f in frames:
            if "file" in f.columns and "row" in f.columns:  # as a reader gave it (checked there)
                ready.append(f)
            else:  # built in memory
                mem = _ensure_origin(f, kind)
                col.problems += control_problems(mem, f"<{kind} table>", mem["row"].to_numpy())
                ready.append(mem)
        raw[kind] = concat(ready, kind, col)  # type: ignore[arg-type]
    if not len(raw["cases"]) and not col.problems:
        col.file("(cases)", None, "at least one case (a cases table with rows)")
    fiscal = validate_countries(raw["countries"], col)
    c = validate_cases(raw["cases"], col)
    good_cases = c.loc[c["start"].notna() & (c["case"] != "")].drop_duplicates("case")
    e, item_codes = validate_evidence(raw["evidence"], good_cases, codebook, col)
    a = validate_adjudications(raw["adjudications"], e, item_codes, codebook, col)
    m = validate_measures(raw["measures"], good_cases, codebook, col, fiscal)
    if col.problems:
        raise ValidationError(col.problems)
    _unscored(m, codebook, col)
    c, m = c.reset_index(drop=True), m.reset_index(drop=True)
    index = index_evidence(e, c, codebook, items=item_codes, adjudications=a)
    return Dataset(
        cases=c,
        evidence=e,
        measures=m,
        codebook=codebook,
        countries=fiscal,
        adjudications=a,
        notes=tuple(col.notes),
        files=files,
        raw={k: v for k, v in raw.items() if len(v) or k == "cases"},
        index=index,
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
    out["file"] = pd.Categorical([f"<{kind} table>"] * len(frame))
    out["row"] = np.arange(2, len(frame) + 2)
    out["decimal"] = pd.Categorical(["."] * len(frame))
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
    ['GBR', 'ITA', 'MEX', 'USA']
    """
    if codebook is not None and not isinstance(codebook, Codebook | str | Path):
        raise ParameterError.invalid(
            "codebook", "load", "a Codebook, a codebook .toml path or a bundled codebook's name", codebook
        )
    targets: list[str | Path] = [data_dir()] if paths is None else list(_paths(paths))
    notes: list[Note] = []
    if codebook is None and paths is not None:
        codebook = _folder_codebook(targets, notes)
    cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    if include_bundled and paths is not None:
        targets.append(data_dir())
    found = discover(targets)
    frames: dict[str, list[pd.DataFrame]] = {kind: [] for kind in TABLE_KINDS}
    files = []
    problems: list[Problem] = []
    read: dict[Path, pd.DataFrame] = {}
    for path, _ in progress(found, desc="reading", unit="file"):
        try:
            read[path] = read_table(path)
        except ValidationError as exc:
            problems += exc.problems
    found = _one_table_per_name(found, read, problems, notes)
    for path, kind in found:
        if path not in read:
            continue
        frames[kind].append(read[path])
        digest = read[path].attrs.get("sha256") or _sha256(path)  # a reader may hash the bytes it read
        files.append(
            InputFile(path=str(path), kind=kind, sha256=digest, rows=len(read[path]), name=_stable_name(path, targets))
        )
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
    if cb.source and not Path(cb.source).resolve().is_relative_to(indicators_dir().resolve()):  # a user's codebook
        files.append(
            InputFile(
                path=cb.source,
                kind="codebook",
                sha256=_sha256(Path(cb.source)),
                rows=0,
                name=_stable_name(Path(cb.source), targets),
            )
        )
    return validate_tables(
        cases=frames["cases"],
        evidence=frames["evidence"],
        measures=frames["measures"],
        countries=frames["countries"],
        adjudications=frames["adjudications"],
        codebook=cb,
        files=tuple(files),
        notes=notes,
    )


def _folder_codebook(targets: Sequence[str | Path], notes: list[Note]) -> Path | None:
    """The codebook a case folder carries (``codebook*.toml``), if any; two different ones are refused."""
    found = find_codebooks(targets)
    if not found:
        return None
    distinct = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in found}
    if len(distinct) > 1:
        raise ValidationError(
            [
                Problem(
                    file=", ".join(map(str, found)),
                    row=None,
                    column=None,
                    value=None,
                    expected="one codebook for the case folders read together (these differ): pass the one to use "
                    "with --codebook (or codebook= in Python)",
                )
            ]
        )
    path = found[0]
    notes.append(Note(file=str(path), row=None, column=None, value=None, note="the case folder's codebook is used"))
    return path


def _stable_name(path: Path, targets: Sequence[str | Path]) -> str:
    """The name of an input that does not depend on where the project sits (see :class:`InputFile`)."""
    p = Path(path).resolve()
    bundled = data_dir().resolve()
    if p.is_relative_to(bundled):
        return "bundled:data/" + p.relative_to(bundled).as_posix()
    for t in targets:
        root = Path(t).resolve()
        if root.is_dir() and p.is_relative_to(root):
            return (Path(root.name) / p.relative_to(root)).as_posix()
        if root == p:
            return p.name
    return p.name


def _one_table_per_name(
    found: list[tuple[Path, TableKind]], read: dict[Path, pd.DataFrame], problems: list[Problem], notes: list[Note]
) -> list[tuple[Path, TableKind]]:
    """Tables of one name in one folder (evidence.csv and evidence.xlsx): an empty one is set aside, else refused."""
    groups: dict[tuple[Path, str], list[Path]] = {}
    for path, _kind in found:
        groups.setdefault((path.parent, path.stem.lower()), []).append(path)
    skip = set()
    for (_folder, _stem), paths in groups.items():
        if len(paths) < 2:
            continue
        full = [p for p in paths if p in read and len(read[p])]
        empty = [p for p in paths if p in read and not len(read[p])]
        if len(full) > 1:
            problems.append(
                Problem(
                    file=" and ".join(map(str, full)),
                    row=None,
                    column=None,
                    value=None,
                    expected="one table of this name in the folder (these are the same table in two formats, as "
                    "new-case writes them: keep the one you filled and delete the other)",
                )
            )
            skip.update(full[1:])
        for p in empty if full else empty[1:]:
            skip.add(p)
            notes.append(
                Note(
                    file=str(p),
                    row=None,
                    column=None,
                    value=None,
                    note=f"set aside: it has no rows, and {full[0].name if full else empty[0].name} holds the table",
                )
            )
    return [(p, k) for p, k in found if p not in skip]
