"""Corpus to I-3 measures: score every document, place it in a case, aggregate, resample, write.

The flow: documents stream from a reader (:mod:`.readers`) through a process pool that
runs the kernel (:mod:`.kernel`) on each; each scored document is placed in a case (its
``case`` column, or its date and country against the cases table); its migration sentences
go to the sentence trail as they arrive; the per-document counts (sentences, migration
sentences, security-framed migration sentences) are summed per case and per calendar year
within a case, and resampled by document for the intervals.

Measures (``indicator = "I-3"``; ``speech`` is the default ``prefix``):

* ``speech_security_share`` - security-framed migration sentences / migration sentences;
* ``speech_security_per_10k`` - security-framed migration sentences per 10,000 sentences;
* ``speech_security_logit`` - the logit scale of Lowe et al. (2011),
  ``log((n_sec + 0.5) / (n_non + 0.5))`` with ``n_non`` the migration sentences that are not
  security-framed, in unit ``logit`` (negative when fewer than half are framed), and its
  analytic standard error ``sqrt(1/(n_sec + 0.5) + 1/(n_non + 0.5))`` (the delta-method error
  of a log ratio of two counts), written in the row's ``notes`` and ``provenance``.

Each comes per case (period: the corpus's span within the case's term, as an interval
``YYYY-MM-DD/YYYY-MM-DD``) and, with the suffix ``_annual``, per calendar year within the case
(period: the year ``YYYY``, or its part within the term as an interval). These labels mean the
same for every country, whatever its fiscal year, and :func:`securitization.tables.load`
assigns each row to the case it was computed for (a document dated on a handover day counts
for the later case, as a measure period does). A measure whose denominator is zero is missing, never zero. Intervals are
percentile intervals over ``n_boot`` resamples of the group's documents (seeded).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..datasets import data_dir
from ..errors import ParameterError, ValidationError
from ..files import atomic_write_text, guard_inputs
from ..tables import MEASURE_COLUMNS, Dataset, load
from ..text import neutralise_frame
from .lexicon import Lexicon, load_lexicon
from .pipeline import DOCUMENT_COLUMNS, Cases, Job, Term, default_workers, run, trail_header
from .readers import PRESIDENT_SPEAKERS, DocProblem, Layout, detect_layout, iter_documents
from .trail import TRAIL_COLUMNS, MeasureTrail, filter_trail, parse_trail, read_trail, sentences_for

__all__ = [
    "DEFAULT_SEED",
    "MAX_BOOT",
    "METHOD_VERSION",
    "TRAIL_COLUMNS",
    "CorpusMeasures",
    "Granularity",
    "measure_corpus",
    "trail_path_for",
]

METHOD_VERSION = "1.1.0"
DEFAULT_SEED = 20110101
#: The most document resamples per call (the library's bound on bootstrap replicates).
MAX_BOOT = 100_000
Granularity = Literal["case", "year"]
_MEASURES = {
    "share": (
        "security_share",
        "share of migration sentences",
        "share of migration sentences that are security-framed",
    ),
    "per_10k": (
        "security_per_10k",
        "per 10,000 sentences",
        "security-framed migration sentences per 10,000 sentences",
    ),
    "logit": ("security_logit", "logit", "security framing of migration, logit scale (Lowe et al. 2011)"),
}
_METHOD = (
    "sentence-level co-occurrence of a migration term and a security term, after the security-frame "
    "dictionary of Lind et al. (2021); logit scale after Lowe et al. (2011)"
)
_LIST_FILES = 100


def trail_path_for(measures_path: str | Path) -> Path:
    """The sentence-trail file written beside a measures file.

    ``out/measures.csv`` -> ``out/sentences-measures.trail.csv``: a name that the table
    discovery of :func:`securitization.load` never takes for a cases, evidence or measures
    table.
    """
    p = Path(measures_path)
    return p.with_name(f"sentences-{p.stem}.trail.csv")


# --- cases ------------------------------------------------------------------------------


def _cases_frame(
    cases: Dataset | pd.DataFrame | str | Path | Sequence[str | Path] | None,
) -> tuple[pd.DataFrame, list[str]]:
    if isinstance(cases, Dataset):
        return cases.cases, [f.path for f in cases.files]
    if isinstance(cases, pd.DataFrame):
        missing = [c for c in ("case", "country", "start", "end") if c not in cases.columns]
        if missing:
            raise ParameterError.invalid(
                "cases", "measure_corpus", "a cases table with columns case, country, start, end", f"missing {missing}"
            )
        return cases, []
    if cases is None:
        bundled = data_dir() / "cases.csv"
        ds = load(bundled) if bundled.is_file() else load()
    elif isinstance(cases, str | Path):
        ds = load([cases])
    else:
        ds = load(list(cases))
    return ds.cases, [f.path for f in ds.files]


# --- the result --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CorpusMeasures:
    """I-3 measures from a corpus, with the per-document counts, the problems and the sentence trail.

    Attributes
    ----------
    estimates
        Tidy: one row per case (and year) and measure, with ``case, granularity, year,
        period, measure, value, ci_low, ci_high, se, n_documents, n_sentences, n_migration,
        n_framed, lexicon`` (the lexicon's id and version). ``se`` is the logit's analytic
        standard error (NaN for the others).
    documents
        One row per document read: ``document_id, file, date, case, year, n_sentences,
        n_migration, n_framed, status`` (``used`` or ``dropped``) and ``reason``.
    problems
        Every document or file not scored or not placed: ``file, row, document, reason``.
    lexicon, seed, n_boot, ci_prob, method_version
        How the numbers were made (also in every row's provenance).
    trail_file
        The written sentence trail, once :meth:`write` ran (or ``out=`` was given).
    """

    estimates: pd.DataFrame
    documents: pd.DataFrame
    problems: pd.DataFrame
    lexicon: str
    seed: int
    n_boot: int
    ci_prob: float
    method_version: str = METHOD_VERSION
    prefix: str = "speech"
    include_logit: bool = True
    trail_file: Path | None = None
    _rows: tuple[dict[str, Any], ...] = field(default=(), repr=False)
    _trail_text: str | None = field(default=None, repr=False)
    _trail_sha: str | None = field(default=None, repr=False)

    def __str__(self) -> str:
        used = int((self.documents["status"] == "used").sum()) if len(self.documents) else 0
        lines = [
            f"Corpus I-3 measures: {used} of {len(self.documents)} documents used, "
            f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}; lexicon {self.lexicon}; "
            f"{self.n_boot} document resamples, seed {self.seed}, {self.ci_prob:.0%} intervals",
            f"  {'case':<22} {'share framed':>14} {'interval':>17}  {'logit (se)':>15}",
        ]
        est = self.estimates.loc[self.estimates["granularity"] == "case"]
        logits = {r.case: r for r in est.itertuples(index=False) if r.measure.endswith("logit")}
        for r in est.itertuples(index=False):
            if r.measure.endswith("share"):
                lg = logits.get(r.case)
                logit = f"{lg.value:+.2f} ({lg.se:.2f})" if lg is not None else ""
                lines.append(
                    f"  {r.case:<22} {r.value:14.1%} [{r.ci_low:6.1%}, {r.ci_high:6.1%}]  {logit:>15}  "
                    f"({r.n_framed} of {r.n_migration} migration sentences; {r.n_documents} documents)"
                )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The tidy estimates (see :attr:`estimates`)."""
        return self.estimates.copy()

    @property
    def measures(self) -> pd.DataFrame:
        """Rows for the measures table (``MEASURE_COLUMNS``, with ``provenance`` as JSON text)."""
        trail = None
        if self.trail_file is not None:
            trail = {"file": self.trail_file.name, "sha256": self._trail_sha}
        rows = []
        for r in self._rows:
            if r["kind"] == "logit" and not self.include_logit:
                continue
            prov = dict(r["provenance"])
            prov["trail"] = trail
            rows.append(
                {**{c: r.get(c, "") for c in MEASURE_COLUMNS}, "provenance": json.dumps(prov, ensure_ascii=False)}
            )
        return pd.DataFrame(rows, columns=list(MEASURE_COLUMNS))

    def trail(
        self, case: str | None = None, period: str | None = None, *, year: int | None = None, framed: bool | None = None
    ) -> pd.DataFrame:
        """The trail's sentences, optionally of one case, period and year (see :func:`~.trail.filter_trail`)."""
        if self._trail_text is not None:
            return filter_trail(parse_trail(self._trail_text), case=case, period=period, year=year, framed=framed)
        if self.trail_file is None:
            raise ParameterError("This result has no sentence trail; run measure_corpus again.")
        return read_trail(self.trail_file, case=case, period=period, year=year, framed=framed, sha256=self._trail_sha)

    def sentences_for(self, row: Any, *, framed: bool | None = None) -> MeasureTrail:
        """The sentences behind one row of :attr:`measures` (see :func:`~.trail.sentences_for`)."""
        return sentences_for(row, trail=self.trail(), framed=framed)

    def write(self, out: str | Path, *, inputs: Sequence[str | Path] = ()) -> tuple[Path, Path]:
        """Write the measures (CSV) and the sentence trail beside it, atomically; return both paths.

        Refuses to write over any of ``inputs`` (the corpus and cases files).
        """
        out = Path(out)
        tpath = trail_path_for(out)
        for p in (out, tpath):
            guard_inputs(p, inputs)
        if self._trail_text is None:
            if self.trail_file is None:
                raise ParameterError("This result has no sentence trail to write.")
            if self.trail_file.resolve() != tpath.resolve():
                atomic_write_text(tpath, Path(self.trail_file).read_text(encoding="utf-8"))
            sha = _sha_file(tpath)
        else:
            atomic_write_text(tpath, self._trail_text)
            sha = hashlib.sha256(self._trail_text.encode("utf-8")).hexdigest()
        written = replace(self, trail_file=tpath, _trail_sha=sha)
        atomic_write_text(out, _measures_csv(written.measures))
        return out, tpath


def _measures_csv(frame: pd.DataFrame) -> str:
    """The measures as CSV text, text cells made inert (numbers written exactly)."""
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\n")


def _sha_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --- measuring ---------------------------------------------------------------------------


def _resolve_seed(rng: np.random.Generator | int | None) -> int:
    if rng is None:
        return DEFAULT_SEED
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**63 - 1))
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool) and int(rng) >= 0:
        return int(rng)
    raise ParameterError.invalid(
        "rng", "measure_corpus", "a numpy.random.Generator, a non-negative int seed or None", rng
    )


class _TrailSink:
    """The trail as it streams in: to a temporary file renamed at the end, or kept as text."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.chunks: list[str] = [trail_header()]
        self.fh: Any = None
        self.tmp: str | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, self.tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
            self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
            self.fh.write(self.chunks.pop())

    def add(self, text: str) -> None:
        if self.fh is None:
            self.chunks.append(text)
        else:
            self.fh.write(text)

    def close(self) -> tuple[str | None, str]:
        """``(text, sha256)`` in memory, or ``(None, sha256)`` once the file is in place."""
        if self.fh is None:
            text = "".join(self.chunks)
            return text, hashlib.sha256(text.encode("utf-8")).hexdigest()
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        if self.tmp is None or self.path is None:  # pragma: no cover - set together in __init__
            raise RuntimeError("the trail sink has no temporary file")
        sha = _sha_file(Path(self.tmp))
        os.replace(self.tmp, self.path)
        return None, sha

    def abort(self) -> None:
        if self.fh is not None:
            self.fh.close()
            if self.tmp:
                Path(self.tmp).unlink(missing_ok=True)


def measure_corpus(
    corpus: str | Path,
    *,
    language: str,
    cases: Dataset | pd.DataFrame | str | Path | Sequence[str | Path] | None = None,
    layout: Layout = "auto",
    lexicon: Lexicon | str | Path | None = None,
    country: str = "",
    speakers: str | None = PRESIDENT_SPEAKERS,
    encoding: str = "utf-8",
    prefix: str = "speech",
    include_logit: bool = True,
    n_boot: int = 1000,
    ci_prob: float = 0.9,
    rng: np.random.Generator | int | None = None,
    workers: int | None = None,
    out: str | Path | None = None,
    strict: bool = False,
) -> CorpusMeasures:
    """Score a speech or press corpus into I-3 measures per case and per calendar year.

    Parameters
    ----------
    corpus
        A folder or file in one of the layouts of :mod:`securitization.corpus.readers`.
    language
        The corpus's language, ``"en"`` or ``"es"`` (picks the bundled lexicon unless
        ``lexicon`` is given); documents whose ``language`` differs are reported, not scored.
    cases
        The cases (a case folder, files, a :class:`~securitization.tables.Dataset` or a
        DataFrame with ``case, country, start, end``); default the bundled cases.
    layout
        The corpus layout; ``"auto"`` tells it from the path.
    lexicon
        A bundled lexicon name, an edited lexicon file (``.toml``) or a :class:`Lexicon`.
    country
        ISO 3166 alpha-3 code for documents with neither ``case`` nor ``country``.
    speakers
        Mananeras layout: regular expression of the speakers whose words are scored.
    encoding
        Text encoding of the files (default UTF-8).
    prefix
        First part of the measure names (``speech`` gives ``speech_security_share``).
    include_logit
        Emit the logit measure as rows (unit ``logit``, negative when fewer than half the
        migration sentences are framed; its standard error in ``notes`` and ``provenance``).
        With False, the logit, its standard error and interval are still in the provenance
        of the share rows.
    n_boot, ci_prob
        Document resamples (at most 100,000) and probability of the percentile intervals.
    rng
        A Generator, an int seed or None (the fixed default seed 20110101); recorded.
    workers
        Worker processes (default: every core this process may use); 1 scores in this process.
    out
        Write the measures CSV here and the sentence trail beside it (streamed, atomically).
    strict
        Raise :class:`~securitization.errors.ValidationError` if any document is dropped.

    Returns
    -------
    CorpusMeasures

    Raises
    ------
    ValidationError
        If no document can be used, or with ``strict`` if any is dropped; every problem is
        listed with its file and reason.
    """
    if not isinstance(n_boot, int) or isinstance(n_boot, bool) or not 0 <= n_boot <= MAX_BOOT:
        raise ParameterError.invalid("n_boot", "measure_corpus", f"an int from 0 to {MAX_BOOT:,}", n_boot)
    if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool) or not 1 <= workers <= 256):
        raise ParameterError.invalid(
            "workers", "measure_corpus", "an int from 1 to 256, or None for every core", workers
        )
    if not isinstance(ci_prob, float | int) or isinstance(ci_prob, bool) or not 0 < float(ci_prob) < 1:
        raise ParameterError.invalid("ci_prob", "measure_corpus", "a probability strictly between 0 and 1", ci_prob)
    if not prefix or not prefix.replace("_", "").isalnum():
        raise ParameterError.invalid("prefix", "measure_corpus", "a name of letters, digits and '_'", prefix)
    lex = load_lexicon(lexicon if lexicon is not None else language)
    if lex.language != language:
        raise ParameterError(
            f"The lexicon {lex.label} is for language {lex.language!r}, but language={language!r} was asked. "
            "Pass the lexicon of the corpus's language."
        )
    seed = _resolve_seed(rng)
    n_workers = default_workers() if workers is None else workers
    cases_df, case_files = _cases_frame(cases)
    placer = Cases(cases_df)
    root = Path(corpus)
    chosen = detect_layout(root) if layout == "auto" else layout
    out_path = Path(out) if out is not None else None
    inputs = [*case_files, str(root)]
    corpus_files_inline: list[dict[str, str]] = []
    if root.is_file():
        corpus_files_inline.append({"file": root.name, "sha256": _sha_file(root)})
    elif chosen == "folder":
        corpus_files_inline.append({"file": "metadata.csv", "sha256": _sha_file(root / "metadata.csv")})
        inputs.append(str(root / "metadata.csv"))
    if lex.source:
        inputs.append(lex.source)
    if out_path is not None:
        for p in (out_path, trail_path_for(out_path)):
            guard_inputs(p, inputs)
            if root.is_dir() and p.resolve().is_relative_to(root.resolve()) and p.suffix == ".txt":
                raise ParameterError(f"The output {str(p)!r} would be read as a corpus file; write it elsewhere.")
    job = Job(spec=lex.spec(), speakers=speakers, encoding=encoding, language=language, country=country, cases=placer)
    sink = _TrailSink(trail_path_for(out_path) if out_path is not None else None)
    rows: list[tuple[Any, ...]] = []
    try:
        stream = iter_documents(root, layout=chosen, encoding=encoding)  # type: ignore[arg-type]
        for batch_rows, chunk in run(stream, job, n_workers):
            rows.extend(batch_rows)
            if chunk:
                sink.add(chunk)
    except BaseException:
        sink.abort()
        raise
    documents = pd.DataFrame(rows, columns=list(DOCUMENT_COLUMNS))
    dropped = documents.loc[documents["status"] == "dropped"]
    problems = [
        DocProblem(file=str(r.file), document=str(r.document_id), reason=str(r.reason), row=_row(r.row))
        for r in dropped.itertuples(index=False)
    ]
    problem_frame = pd.DataFrame(
        [(p.file, p.row, p.document, p.reason) for p in problems], columns=["file", "row", "document", "reason"]
    ).astype({"row": "Int64"})
    used = documents.loc[documents["status"] == "used"]
    if used.empty or (strict and problems):
        sink.abort()
        listed = problems or [DocProblem(file=str(root), document="", reason="no document in the corpus")]
        raise ValidationError([p.to_problem() for p in listed], what=f"corpus {root.name}")
    hashed = documents.loc[documents["sha256"].notna(), ["file", "sha256"]]
    files_manifest = sorted(zip(hashed["file"].astype(str), hashed["sha256"].astype(str), strict=True))
    manifest = [*corpus_files_inline, *({"file": f, "sha256": h} for f, h in files_manifest)]
    digest = hashlib.sha256("\n".join(f"{m['file']}\t{m['sha256']}" for m in manifest).encode()).hexdigest()
    context = {
        "lexicon": {"id": lex.id, "version": lex.version, "sha256": lex.sha256, "file": _lexicon_name(lex, lexicon)},
        "corpus": {
            "root": root.name,
            "layout": chosen,
            "files": {
                "count": len(manifest),
                "digest": digest,
                "listed": manifest if len(manifest) <= _LIST_FILES else None,
            },
        },
        "documents_read": len(documents),
        "documents_dropped": len(problems),
        "dropped_reasons": _reason_counts(problems),
        "dropped_examples": [{"file": p.file, "document": p.document, "reason": p.reason} for p in problems[:20]],
        "sentences_read": int(documents["n_sentences"].sum()),
        "sentences_dropped": int(dropped["n_sentences"].sum()),
    }
    try:
        estimates, measure_rows = _aggregate(used, placer, lex, context, seed, n_boot, float(ci_prob), prefix)
    except BaseException:
        sink.abort()
        raise
    trail_text, trail_sha = sink.close()
    result = CorpusMeasures(
        estimates=estimates,
        documents=documents.drop(columns=["row", "source", "sha256"]),
        problems=problem_frame,
        lexicon=lex.label,
        seed=seed,
        n_boot=n_boot,
        ci_prob=float(ci_prob),
        prefix=prefix,
        include_logit=include_logit,
        trail_file=None,
        _rows=tuple(measure_rows),
        _trail_text=trail_text,
        _trail_sha=trail_sha,
    )
    if out_path is None:
        return result
    done = replace(result, trail_file=trail_path_for(out_path))
    atomic_write_text(out_path, _measures_csv(done.measures))
    return done


def _row(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _lexicon_name(lex: Lexicon, given: Lexicon | str | Path | None) -> str:
    if given is None or (isinstance(given, str) and given in ("en", "es")):
        return f"bundled:{lex.language}"
    return Path(lex.source).name if lex.source else "(in memory)"


def _reason_counts(problems: Sequence[DocProblem]) -> dict[str, int]:
    def kind(reason: str) -> str:
        for key in (
            "outside",
            "no date",
            "not a full date",
            "not valid",
            "unreadable",
            "language",
            "not in the cases",
            "no case",
            "no sentence",
            "does not list",
            "does not exist",
            "JSON",
            "twice",
        ):
            if key in reason:
                return key
        return reason[:40]

    return dict(Counter(kind(p.reason) for p in problems))


def _period(start: date, end: date) -> str:
    """``YYYY-MM-DD/YYYY-MM-DD``: read as these two days for every country."""
    return f"{start.isoformat()}/{end.isoformat()}"


def _year_period(year: int, term: Term) -> str:
    """The calendar year ``YYYY`` when the term covers it, else its part within the term."""
    lo, hi = date(year, 1, 1), date(year, 12, 31)
    s = max(lo, term.start)
    e = hi if term.end is None else min(hi, term.end)
    if s == lo and e == hi:
        return str(year)
    return _period(s, e)


def _stats(k: np.ndarray, m: np.ndarray, s: np.ndarray) -> dict[str, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "share": np.where(m > 0, k / np.where(m > 0, m, 1), np.nan),
            "per_10k": np.where(s > 0, 1e4 * k / np.where(s > 0, s, 1), np.nan),
            "logit": np.where(m > 0, np.log((k + 0.5) / (m - k + 0.5)), np.nan),
        }


def _bootstrap(x: np.ndarray, n_boot: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Statistics of ``n_boot`` resamples (with replacement) of the rows (documents) of x = [s, m, k]."""
    n = len(x)
    out: list[np.ndarray] = []
    chunk = max(1, min(n_boot, 2_000_000 // max(n, 1)))
    done = 0
    while done < n_boot:
        b = min(chunk, n_boot - done)
        idx = rng.integers(0, n, size=(b, n))
        out.append(x[idx].sum(axis=1))
        done += b
    sums = np.concatenate(out) if out else np.zeros((0, 3))
    return _stats(sums[:, 2], sums[:, 1], sums[:, 0])


def _aggregate(
    used: pd.DataFrame,
    placer: Cases,
    lex: Lexicon,
    context: dict[str, Any],
    seed: int,
    n_boot: int,
    ci_prob: float,
    prefix: str,
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    lo_q, hi_q = (1 - ci_prob) / 2, (1 + ci_prob) / 2
    est_rows: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    case_order = {t.case: i for i, t in enumerate(placer.terms)}
    groups: list[tuple[str, str, int | None, pd.DataFrame]] = []
    for case, g in sorted(used.groupby("case"), key=lambda kv: case_order.get(str(kv[0]), 1 << 30)):
        groups.append(("case", str(case), None, g))
        for year, gy in g.groupby("year"):
            groups.append(("year", str(case), int(year), gy))
    for gran, case, year, g in groups:
        info = placer.by_case[case]
        days = g["date"].astype(str)
        period = (
            _period(date.fromisoformat(days.min()), date.fromisoformat(days.max()))
            if gran == "case"
            else _year_period(int(year or 0), info)
        )
        x = g[["n_sentences", "n_migration", "n_framed"]].to_numpy(dtype=np.int64)
        s, m, k = (int(v) for v in x.sum(axis=0))
        point = {key: float(v[0]) for key, v in _stats(np.array([k]), np.array([m]), np.array([s])).items()}
        key = f"{case}|{gran}|{year}"
        grng = np.random.default_rng([seed, zlib.crc32(key.encode())])
        boot = _bootstrap(x.astype(float), n_boot, grng) if n_boot > 0 else None
        se_logit = float(np.sqrt(1 / (k + 0.5) + 1 / (m - k + 0.5))) if m > 0 else float("nan")
        sources = list(dict.fromkeys(g["source"].tolist()))
        source = "; ".join(sources[:3]) + (f"; and {len(sources) - 3} more sources" if len(sources) > 3 else "")
        intervals: dict[str, tuple[float, float, int]] = {}
        for kind in ("share", "per_10k", "logit"):
            if boot is None:
                intervals[kind] = (float("nan"), float("nan"), 0)
                continue
            vals = boot[kind]
            ok = vals[np.isfinite(vals)]
            if ok.size:
                intervals[kind] = (float(np.quantile(ok, lo_q)), float(np.quantile(ok, hi_q)), int(vals.size - ok.size))
            else:
                intervals[kind] = (float("nan"), float("nan"), int(vals.size))
        for kind, (stem, unit, label) in _MEASURES.items():
            value = point[kind]
            if not np.isfinite(value):
                continue
            name = f"{prefix}_{stem}" + ("_annual" if gran == "year" else "")
            ci_low, ci_high, undefined = intervals[kind]
            est_rows.append(
                {
                    "case": case,
                    "granularity": gran,
                    "year": year,
                    "period": period,
                    "measure": name,
                    "value": value,
                    "ci_low": ci_low,
                    "ci_high": ci_high,
                    "se": se_logit if kind == "logit" else float("nan"),
                    "n_documents": len(g),
                    "n_sentences": s,
                    "n_migration": m,
                    "n_framed": k,
                    "lexicon": lex.label,
                }
            )
            scope = f"{case}" + (f", {year}" if gran == "year" else "")
            notes = (
                f"{k} of {m} migration sentences security-framed ({s} sentences, {len(g)} documents; {scope}). "
                + (
                    f"Logit log(({k} + 0.5) / ({m - k} + 0.5)), standard error {se_logit:.4g} (analytic). "
                    if kind == "logit"
                    else ""
                )
                + (
                    f"{ci_prob:.0%} interval {ci_low:.4g} to {ci_high:.4g} from {n_boot} resamples of documents (seed {seed}). "
                    if n_boot > 0
                    else ""
                )
                + f"Lexicon {lex.label}; every sentence is listed in the sentence trail."
            )
            prov = {
                "method": {"name": _METHOD, "module": "securitization.corpus", "version": METHOD_VERSION},
                "case": case,
                "granularity": gran,
                "year": year,
                "period": period,
                "lexicon": context["lexicon"],
                "corpus": context["corpus"],
                "documents": {
                    "read": context["documents_read"],
                    "used": len(g),
                    "dropped": context["documents_dropped"],
                    "dropped_reasons": context["dropped_reasons"],
                    "dropped_examples": context["dropped_examples"],
                },
                "sentences": {
                    "read": context["sentences_read"],
                    "used": s,
                    "migration": m,
                    "security_framed": k,
                    "dropped": context["sentences_dropped"],
                },
                "estimate": {
                    "value": value,
                    "unit": unit,
                    "se": se_logit if kind == "logit" else None,
                    "ci_low": ci_low,
                    "ci_high": ci_high,
                    "ci_prob": ci_prob,
                    "n_boot": n_boot,
                    "resampled": "documents",
                    "seed": seed,
                    "undefined_replicates": undefined,
                },
                "logit": {
                    "value": point["logit"],
                    "se": se_logit,
                    "ci_low": intervals["logit"][0],
                    "ci_high": intervals["logit"][1],
                    "formula": "log((n_sec + 0.5) / (n_non + 0.5)); se = sqrt(1/(n_sec + 0.5) + 1/(n_non + 0.5))",
                },
            }
            rows.append(
                {
                    "kind": kind,
                    "country": info.country,
                    "indicator": "I-3",
                    "measure": name,
                    "period": period,
                    "value": value,
                    "unit": unit,
                    "source": f"Dictionary count of {source}",
                    "url": "",
                    "notes": notes,
                    "label": f"{prefix.replace('_', ' ').capitalize()}: {label}"
                    + (" (by calendar year)" if gran == "year" else ""),
                    "provenance": _jsonable(prov),
                }
            )
    estimates = pd.DataFrame(
        est_rows,
        columns=[
            "case",
            "granularity",
            "year",
            "period",
            "measure",
            "value",
            "ci_low",
            "ci_high",
            "se",
            "n_documents",
            "n_sentences",
            "n_migration",
            "n_framed",
            "lexicon",
        ],
    )
    estimates["year"] = estimates["year"].astype("Int64")
    return estimates, rows


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return _jsonable(float(obj))
    return obj
