"""The sentence trail: every migration sentence behind a corpus measure, with its document and context.

The trail is a CSV written beside the measures file (:func:`~.measures.trail_path_for`),
one row per migration sentence of every document used, with the columns of
:data:`TRAIL_COLUMNS`: the case and calendar year the document counts in, the document
(``document_id, file, date, speaker, title, source, url, language``), the sentence's number
in the document, the sentence, the sentences just ``before`` and ``after`` it, whether it is
security-framed, and what matched.

:func:`sentences_for` gives the sentences behind one row of the measures table, by the
row's provenance, and checks them against it (the trail's hash, and the counts of
migration and security-framed sentences): this is what ``explain()`` lists.

Text cells are made inert for spreadsheets as every CSV of the library is (see
:func:`securitization.text.csv_cell`), in a way that reading the trail undoes exactly: a
cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, after any
apostrophes, gets one more leading apostrophe.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ParameterError, Problem, ValidationError
from ..periods import PeriodError, parse_period

__all__ = [
    "TRAIL_COLUMNS",
    "MeasureTrail",
    "filter_trail",
    "inert",
    "is_corpus_measure",
    "parse_trail",
    "read_trail",
    "restore",
    "sentences_for",
]

TRAIL_COLUMNS = (
    "case",
    "year",
    "document_id",
    "file",
    "date",
    "speaker",
    "title",
    "source",
    "url",
    "language",
    "sentence_index",
    "sentence",
    "before",
    "after",
    "framed",
    "categories",
    "terms",
    "vetoes",
)
_TEXT = tuple(c for c in TRAIL_COLUMNS if c not in ("year", "sentence_index", "framed"))
_DTYPES: dict[str, Any] = {c: str for c in _TEXT} | {"year": "int64", "sentence_index": "int64", "framed": str}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Sentences that :meth:`MeasureTrail.__str__` shows (all are in :meth:`MeasureTrail.to_frame`).
SHOWN = 50


def inert(value: str) -> str:
    """A text cell made inert for spreadsheets, reversibly (see the module docstring).

    Examples
    --------
    >>> inert("=1+1"), inert("'=1+1"), inert("Immigrants came.")
    ("'=1+1", "''=1+1", 'Immigrants came.')
    >>> restore(inert("'=1+1"))
    "'=1+1"
    """
    return "'" + value if value.lstrip("'").startswith(_FORMULA_START) else value


def restore(value: str) -> str:
    """The text :func:`inert` was given."""
    return value[1:] if value.startswith("'") and value.lstrip("'").startswith(_FORMULA_START) else value


def _restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    for c in _TEXT:
        col = frame[c]
        marked = col.str.startswith("'")
        if marked.any():
            frame.loc[marked, c] = col[marked].map(restore)
    frame["framed"] = frame["framed"].str.lower().isin(["true", "1"])
    return frame


def parse_trail(text: str) -> pd.DataFrame:
    """A trail's CSV text as a table (text cells as written, before :func:`inert`)."""
    frame = pd.read_csv(io.StringIO(text), dtype=_DTYPES, keep_default_na=False)
    missing = [c for c in TRAIL_COLUMNS if c not in frame.columns]
    if missing:
        raise ValidationError(
            [
                Problem(file="(trail)", row=1, column=c, value=None, expected="a column of the sentence trail")
                for c in missing
            ],
            what="sentence trail",
        )
    return _restore_frame(frame.loc[:, list(TRAIL_COLUMNS)])


def filter_trail(
    trail: pd.DataFrame,
    *,
    case: str | None = None,
    period: str | None = None,
    year: int | None = None,
    framed: bool | None = None,
) -> pd.DataFrame:
    """The rows of a trail of one case, period (dates within it), calendar year and framing, in document order."""
    keep = pd.Series(True, index=trail.index)
    if case is not None:
        keep &= trail["case"] == case
    if period is not None:
        try:
            span = parse_period(period)
        except PeriodError:
            raise ParameterError.invalid(
                "period", "filter_trail", "a measure period such as 2019 or 2017-01-20/2021-01-19", period
            ) from None
        dates = pd.to_datetime(trail["date"], errors="coerce", format="%Y-%m-%d")
        keep &= (dates >= span[0]) & (dates <= span[1])
    if year is not None:
        keep &= trail["year"] == year
    if framed is not None:
        keep &= trail["framed"] == framed
    out = trail.loc[keep]
    return out.sort_values(["date", "document_id", "sentence_index"], kind="stable").reset_index(drop=True)


def _problem(path: Path | str, expected: str) -> ValidationError:
    return ValidationError(
        [Problem(file=str(path), row=None, column=None, value=None, expected=expected)], what="sentence trail"
    )


def read_trail(
    path: str | Path,
    *,
    case: str | None = None,
    period: str | None = None,
    year: int | None = None,
    framed: bool | None = None,
    sha256: str | None = None,
) -> pd.DataFrame:
    """Read a sentence trail (optionally one case, period and year; see :func:`filter_trail`).

    Parameters
    ----------
    sha256
        The hash recorded in the measure's provenance; if given and the file differs, the
        trail was changed after the measures were written and a ValidationError is raised.
    """
    p = Path(path)
    if not p.is_file():
        raise _problem(p, "the sentence trail written with the measures (it is looked up beside the measures file)")
    data = p.read_bytes()
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise _problem(p, f"the trail with sha256 {sha256} recorded in the measures (this file was changed)")
    try:
        frame = parse_trail(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, pd.errors.ParserError) as exc:
        if isinstance(exc, ValidationError):
            raise _problem(p, "a sentence trail with the columns " + ", ".join(TRAIL_COLUMNS)) from None
        raise _problem(p, f"a sentence trail as measure_corpus writes it ({exc})") from None
    return filter_trail(frame, case=case, period=period, year=year, framed=framed)


@dataclass(frozen=True, kw_only=True)
class MeasureTrail:
    """The sentences behind one measure row, with their documents and context (what ``explain()`` lists).

    Attributes
    ----------
    case, period, measure, value
        The measure row.
    n_migration, n_framed
        The migration sentences and the security-framed ones behind it (the denominator
        and numerator of the share; checked against the trail).
    lexicon
        The lexicon and its version that found them (``id vVERSION``).
    sentences
        One row per sentence shown (all migration sentences, or only the security-framed
        ones with ``framed=True``), in date, document and sentence order, with
        ``document_id, date, speaker, title, source, url, sentence_index, before, sentence,
        after, framed, categories, terms, vetoes`` and the rest of the trail's columns.
    """

    case: str
    period: str
    measure: str
    value: float
    n_migration: int
    n_framed: int
    sentences: pd.DataFrame
    lexicon: str = ""

    def lines(self, limit: int | None = SHOWN) -> list[str]:
        """Lines of text: a header, then per document its sentences with the sentence before and after.

        A security-framed sentence is marked ``[S]``, another migration sentence ``[-]``.
        """
        n = len(self.sentences)
        head = [
            f"{self.measure} = {self.value:.4g} for {self.case}, {self.period}: {self.n_framed} of "
            f"{self.n_migration} migration sentences security-framed ({n} listed)"
            + (f"; lexicon {self.lexicon}" if self.lexicon else "")
        ]
        shown = self.sentences if limit is None else self.sentences.head(limit)
        for (day, doc), g in shown.groupby(["date", "document_id"], sort=False):
            r = g.iloc[0]
            head.append(f"  {day}  {r['title'] or doc} [{doc}] ({r['speaker'] or 'speaker unknown'}; {r['source']})")
            if r["url"]:
                head.append(f"      {r['url']}")
            for s in g.itertuples(index=False):
                mark = "S" if s.framed else "-"
                if s.before:
                    head.append(f"      ... {s.before}")
                head.append(f"    [{mark}] #{s.sentence_index}: {s.sentence}")
                if s.after:
                    head.append(f"      ... {s.after}")
                head.append(f"          terms: {s.terms}" + (f"; vetoed by {s.vetoes}" if s.vetoes else ""))
        if limit is not None and n > limit:
            head.append(f"  ... and {n - limit} more sentences (to_frame() has all)")
        return head

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def to_frame(self) -> pd.DataFrame:
        """The sentences as a tidy table (one row per sentence)."""
        return self.sentences.copy()


def _provenance(row: Mapping[str, Any] | pd.Series) -> dict[str, Any]:
    raw = row.get("provenance", "") if hasattr(row, "get") else ""
    try:
        prov = json.loads(raw) if isinstance(raw, str) and raw else None
    except json.JSONDecodeError:
        prov = None
    if not isinstance(prov, dict) or prov.get("method", {}).get("module") != "securitization.corpus":
        raise ParameterError(
            "This measures row has no corpus provenance (a 'provenance' cell written by measure_corpus); "
            "only corpus measures have a sentence trail."
        )
    return prov


def is_corpus_measure(row: Mapping[str, Any] | pd.Series) -> bool:
    """Whether a measures row was written by :func:`~securitization.corpus.measure_corpus` (has a trail)."""
    try:
        _provenance(row)
    except ParameterError:
        return False
    return True


def sentences_for(
    row: Mapping[str, Any] | pd.Series,
    *,
    trail: str | Path | pd.DataFrame | None = None,
    measures_file: str | Path | None = None,
    framed: bool | None = None,
) -> MeasureTrail:
    """The sentences behind one row of the measures table, with document, date, speaker, source, url and context.

    Parameters
    ----------
    row
        A row of the measures table written by :func:`~securitization.corpus.measure_corpus`
        (a mapping or Series with its ``provenance`` cell; ``measure``, ``value`` and
        ``file`` are used when present). Rows of ``Dataset.measures`` and of
        ``Scores.measures`` carry ``file``, the measures file they were read from.
    trail
        The trail: a file, or a table as :meth:`CorpusMeasures.trail` returns it. Default:
        the trail file named in the row's provenance, beside ``measures_file``.
    measures_file
        The measures file the row was read from; default the row's ``file`` cell, else the
        current folder.
    framed
        True for the security-framed sentences only (the numerator of the share), False for
        the other migration sentences, None for all migration sentences (the denominator).

    Returns
    -------
    MeasureTrail
        ``str()`` lists the sentences by document; ``to_frame()`` gives the table.

    Raises
    ------
    ParameterError
        If the row is not a corpus measure, or was written without a trail.
    ValidationError
        If the trail file is missing, was changed since the measures were written, or does
        not hold the sentences the row counts.

    Examples
    --------
    For the rows of one indicator in an explanation (``Scores.measures`` keeps the
    ``provenance`` and ``file`` columns of the measures table)::

        for _, row in measures.iterrows():
            if is_corpus_measure(row):
                print(sentences_for(row, framed=True))
    """
    prov = _provenance(row)
    case, period = str(prov["case"]), str(prov["period"])
    year = int(prov["year"]) if prov.get("granularity") == "year" and prov.get("year") is not None else None
    if isinstance(trail, pd.DataFrame):
        frame = filter_trail(trail, case=case, period=period, year=year)
        where = "(the trail given)"
    else:
        if trail is None:
            info = prov.get("trail")
            if not info:
                raise ParameterError(
                    "This measures row was written without a sentence trail; write it with measure_corpus(out=...) "
                    "or CorpusMeasures.write()."
                )
            file = measures_file if measures_file is not None else (row.get("file") if hasattr(row, "get") else None)
            base = Path(str(file)).parent if file else Path(".")
            path, sha = base / str(info["file"]), info.get("sha256")
        else:
            path, sha = Path(trail), None
        frame = read_trail(path, case=case, period=period, year=year, sha256=sha)
        where = str(path)
    counts = prov.get("sentences", {})
    n_mig, n_framed = len(frame), int(frame["framed"].sum())
    if (counts.get("migration"), counts.get("security_framed")) != (n_mig, n_framed):
        raise _problem(
            where,
            f"the {counts.get('migration')} migration sentences ({counts.get('security_framed')} security-framed) that "
            f"the measure counts for {case}, {period}; the trail holds {n_mig} ({n_framed}): it is another run's trail",
        )
    if framed is not None:
        frame = frame.loc[frame["framed"] == framed].reset_index(drop=True)
    value = row.get("value", float("nan")) if hasattr(row, "get") else float("nan")
    return MeasureTrail(
        case=case,
        period=period,
        measure=str(row.get("measure", "") if hasattr(row, "get") else ""),
        value=float(value),
        n_migration=n_mig,
        n_framed=n_framed,
        sentences=frame,
        lexicon=_lexicon_label(prov.get("lexicon")),
    )


def _lexicon_label(info: Any) -> str:
    """``id vVERSION`` from a provenance's lexicon entry (empty when it has none)."""
    if not isinstance(info, Mapping) or not info.get("id"):
        return ""
    return f"{info['id']} v{info.get('version', '?')}"
