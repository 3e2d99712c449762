"""The streaming pipeline: documents in, one row per document and the trail's CSV text out.

Everything that is per document happens in the worker processes: reading and hashing the
file, decoding it, the layout's extraction, the kernel, the language check, placing the
document in a case, and formatting its trail rows as CSV text. The main process only
hands out batches of document references and writes what comes back, so that it never
becomes the bottleneck; at most ``3 * workers`` batches are in flight (bounded memory).
Results come back in input order, so that a run is the same with one worker or many.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from ..periods import MAX_YEAR, MIN_YEAR
from .kernel import DocumentScore, Matcher, compile_matcher, score_text
from .readers import DocProblem, DocRef, extract
from .trail import TRAIL_COLUMNS, inert

__all__ = ["DOCUMENT_COLUMNS", "Cases", "Job", "default_workers", "run"]

#: The columns of a document row, as :func:`run` yields them.
DOCUMENT_COLUMNS = (
    "document_id",
    "file",
    "row",
    "date",
    "case",
    "year",
    "n_sentences",
    "n_migration",
    "n_framed",
    "status",
    "reason",
    "source",
    "sha256",
)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Documents per batch handed to a worker, and the most characters of inline text in one.
BATCH_DOCUMENTS = 48
BATCH_CHARS = 4_000_000


def default_workers() -> int:
    """The cores this process may run on (``os.sched_getaffinity`` where it exists)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, kw_only=True)
class Term:
    """One case's term: its id, country, first and last day (``None`` while ongoing)."""

    case: str
    country: str
    start: date
    end: date | None

    def holds(self, day: date) -> bool:
        """Whether the day falls within the term."""
        return self.start <= day and (self.end is None or day <= self.end)

    def describe(self) -> str:
        """``2017-01-20 to 2021-01-19`` (or ``to ongoing``)."""
        return f"{self.start} to {'ongoing' if self.end is None else self.end}"


class Cases:
    """The cases' terms, to place a document by its case or by its date and country.

    A day that two terms share (a handover) goes to the later case, as
    :func:`securitization.periods.assign_by_overlap` assigns measure periods.
    """

    def __init__(self, cases: pd.DataFrame) -> None:
        terms = []
        for r in cases.itertuples(index=False):
            end = pd.Timestamp(r.end) if not pd.isna(r.end) and str(r.end) != "" else None
            terms.append(
                Term(
                    case=str(r.case),
                    country=str(r.country),
                    start=pd.Timestamp(r.start).date(),
                    end=None if end is None else end.date(),
                )
            )
        terms.sort(key=lambda t: (t.country, t.start))
        self.terms: tuple[Term, ...] = tuple(terms)
        self.by_case = {t.case: t for t in terms}
        self.by_country: dict[str, list[Term]] = {}
        for t in terms:
            self.by_country.setdefault(t.country, []).append(t)

    def place(self, ref: DocRef, country: str) -> tuple[str, date | None, str | None]:
        """``(case, day, None)``, or ``("", day or None, reason)`` when the document has no place."""
        if not ref.date:
            return "", None, "no date (column 'date', YYYY-MM-DD)"
        day = None
        if _ISO_DAY.match(ref.date):
            try:
                day = date.fromisoformat(ref.date)
            except ValueError:
                day = None
        if day is None:
            return "", None, f"date {ref.date!r} is not a full date YYYY-MM-DD"
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            return "", None, f"date {ref.date} is not between {MIN_YEAR} and {MAX_YEAR}"
        if ref.case:
            t = self.by_case.get(ref.case)
            if t is None:
                return "", day, f"case {ref.case!r} is not in the cases table"
            if not t.holds(day):
                return "", day, f"date {ref.date} is outside the term of case {ref.case} ({t.describe()})"
            return ref.case, day, None
        ctry = ref.country or country
        if not ctry:
            return "", day, "no case and no country to find it by (column 'case' or 'country', or country=)"
        terms = self.by_country.get(ctry)
        if not terms:
            return "", day, f"no case of country {ctry!r} in the cases table"
        found = [t for t in terms if t.holds(day)]
        if found:
            return found[-1].case, day, None  # a handover day goes to the later case
        listed = "; ".join(f"{t.case} {t.describe()}" for t in terms)
        return "", day, f"date {ref.date} is outside every term of {ctry} ({listed})"


@dataclass(frozen=True, kw_only=True)
class Job:
    """What every worker needs (sent once, at the start of each worker)."""

    spec: dict[str, Any]
    speakers: str | None
    encoding: str
    language: str
    country: str
    cases: Cases


def _read(ref: DocRef, encoding: str) -> tuple[str | None, str | None, str | None]:
    """``(text, sha256, reason)``: the document's raw text and its file's hash, or why not."""
    if ref.path is None:
        return ref.text or "", None, None
    try:
        data = Path(ref.path).read_bytes()
    except OSError as exc:
        return None, None, f"unreadable file ({type(exc).__name__}: {exc.strerror or exc})"
    sha = hashlib.sha256(data).hexdigest()
    try:
        raw = data.decode(encoding)
    except UnicodeDecodeError as exc:
        return (
            None,
            sha,
            f"not valid {encoding} ({exc.reason} at byte {exc.start}); convert the file to UTF-8 or pass encoding=",
        )
    except LookupError:
        return None, sha, f"unknown encoding {encoding!r}"
    return raw.removeprefix("\ufeff"), sha, None


def _one(item: DocRef | DocProblem, job: Job, matcher: Matcher, trail: Any) -> tuple[Any, ...]:
    """One document's row (see :data:`DOCUMENT_COLUMNS`); its trail rows go to ``trail``."""
    if isinstance(item, DocProblem):
        return (item.document, item.file, item.row, "", "", -1, 0, 0, 0, "dropped", item.reason, "", None)
    ref = item
    raw, sha, reason = _read(ref, job.encoding)
    score = DocumentScore(n_sentences=0, n_migration=0, n_framed=0)
    if raw is not None:
        ref, text = extract(ref, raw, job.speakers)
        score = score_text(text, matcher)
    if reason is None and ref.language and ref.language != job.language:
        reason = f"language {ref.language!r}, not the {job.language!r} of the corpus and lexicon"
    case, day = "", None
    if reason is None:
        case, day, reason = job.cases.place(ref, job.country)
    if reason is None and score.n_sentences == 0:
        reason = "no sentence to score (empty text, or no words of the selected speakers)"
    year = -1 if day is None else day.year
    counts = (score.n_sentences, score.n_migration, score.n_framed)
    if reason is not None:
        return (ref.id, ref.file, ref.row, ref.date, "", year, *counts, "dropped", reason, ref.source, sha)
    if score.hits:
        meta = [inert(v) for v in (ref.id, ref.file, ref.date, ref.speaker, ref.title, ref.source, ref.url)]
        lang = ref.language or job.language
        trail.writerows(
            [
                case,
                year,
                *meta,
                lang,
                h.index,
                inert(h.text),
                inert(h.before),
                inert(h.after),
                h.framed,
                ";".join(h.categories),
                h.terms,
                ";".join(h.vetoes),
            ]
            for h in score.hits
        )
    return (ref.id, ref.file, ref.row, ref.date, case, year, *counts, "used", "", ref.source, sha)


def _batch(items: list[DocRef | DocProblem], job: Job, matcher: Matcher) -> tuple[list[tuple[Any, ...]], str]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    rows = [_one(it, job, matcher, writer) for it in items]
    return rows, buf.getvalue()


_WORKER: dict[str, Any] = {}


def _init_worker(job: Job) -> None:
    _WORKER["job"] = job
    _WORKER["matcher"] = compile_matcher(job.spec)


def _work(items: list[DocRef | DocProblem]) -> tuple[list[tuple[Any, ...]], str]:
    return _batch(items, _WORKER["job"], _WORKER["matcher"])


def _batches(items: Iterable[DocRef | DocProblem]) -> Iterator[list[DocRef | DocProblem]]:
    batch: list[DocRef | DocProblem] = []
    chars = 0
    for it in items:
        batch.append(it)
        if isinstance(it, DocRef) and it.text is not None:
            chars += len(it.text)
        if len(batch) >= BATCH_DOCUMENTS or chars > BATCH_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def trail_header() -> str:
    """The header line of a trail file."""
    return ",".join(TRAIL_COLUMNS) + "\n"


def run(items: Iterable[DocRef | DocProblem], job: Job, workers: int) -> Iterator[tuple[list[tuple[Any, ...]], str]]:
    """Score documents in input order: per batch, its document rows and its trail rows as CSV text.

    With ``workers <= 1`` everything runs in this process; otherwise a pool of ``workers``
    processes scores the batches, at most ``3 * workers`` of them in flight.
    """
    if workers <= 1:
        matcher = compile_matcher(job.spec)
        for batch in _batches(items):
            yield _batch(batch, job, matcher)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(job,)) as ex:
        window: list[Future[tuple[list[tuple[Any, ...]], str]]] = []
        for batch in _batches(items):
            window.append(ex.submit(_work, batch))
            if len(window) >= 3 * workers:
                yield window.pop(0).result()
        while window:
            yield window.pop(0).result()
