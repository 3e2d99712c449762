"""The sentence trail: every migration sentence behind a corpus measure, with its document.

The trail is a CSV written beside the measures file (:func:`~.measures.trail_path_for`),
one row per migration sentence, with ``case, year, document_id, file, date, speaker,
title, source, url, language, sentence_index, sentence, framed, categories, terms,
vetoes``. :func:`trail_for` reads the sentences behind one row of the measures table
(by its provenance: case, period and trail file), which is what ``explain()`` shows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ParameterError, Problem, ValidationError
from ..periods import parse_period

__all__ = ["MeasureTrail", "filter_trail", "read_trail", "trail_for"]

_DTYPES = {
    "case": str,
    "year": "int64",
    "document_id": str,
    "file": str,
    "date": str,
    "speaker": str,
    "title": str,
    "source": str,
    "url": str,
    "language": str,
    "sentence_index": "int64",
    "sentence": str,
    "categories": str,
    "terms": str,
    "vetoes": str,
}


def filter_trail(
    trail: pd.DataFrame, *, case: str | None = None, period: str | None = None, framed: bool | None = None
) -> pd.DataFrame:
    """The rows of a trail of one case, one period (any measure period) and framing, in document order."""
    keep = pd.Series(True, index=trail.index)
    if case is not None:
        keep &= trail["case"] == case
    if period is not None:
        span = parse_period(period)
        if span is None:
            raise ParameterError.invalid(
                "period", "filter_trail", "a measure period such as 2019, 2017-01-20/2021-01-19", period
            )
        dates = pd.to_datetime(trail["date"], errors="coerce")
        keep &= (dates >= span[0]) & (dates <= span[1])
    if framed is not None:
        keep &= trail["framed"] == framed
    out = trail.loc[keep]
    return out.sort_values(["date", "document_id", "sentence_index"], kind="stable").reset_index(drop=True)


def read_trail(
    path: str | Path,
    *,
    case: str | None = None,
    period: str | None = None,
    framed: bool | None = None,
    sha256: str | None = None,
) -> pd.DataFrame:
    """Read a sentence trail (optionally one case and period; see :func:`filter_trail`).

    Parameters
    ----------
    sha256
        The hash recorded in the measure's provenance; if given and the file differs, the
        trail was changed after the measures were written and a ValidationError is raised.
    """
    p = Path(path)
    if not p.is_file():
        raise ValidationError(
            [
                Problem(
                    file=str(p),
                    row=None,
                    column=None,
                    value=None,
                    expected="the sentence trail written with the measures",
                )
            ],
            what="sentence trail",
        )
    data = p.read_bytes()
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise ValidationError(
            [
                Problem(
                    file=str(p),
                    row=None,
                    column=None,
                    value=None,
                    expected=f"the trail with sha256 {sha256} recorded in the measures (this file was changed)",
                )
            ],
            what="sentence trail",
        )
    frame = pd.read_csv(p, dtype=_DTYPES, keep_default_na=False)
    frame["framed"] = frame["framed"].astype(str).str.lower().isin(["true", "1"])
    return filter_trail(frame, case=case, period=period, framed=framed)


@dataclass(frozen=True, kw_only=True)
class MeasureTrail:
    """The sentences behind one measure row, with their documents (what ``explain()`` lists)."""

    case: str
    period: str
    measure: str
    value: float
    sentences: pd.DataFrame

    def __str__(self) -> str:
        n = len(self.sentences)
        framed = int(self.sentences["framed"].sum()) if n else 0
        lines = [
            f"{self.measure} = {self.value:.4g} for {self.case}, {self.period}: "
            f"{n} migration sentences shown, {framed} of them security-framed"
        ]
        for doc, g in self.sentences.groupby(["date", "document_id"], sort=True):
            r = g.iloc[0]
            lines.append(
                f"  {doc[0]}  {r['title'] or r['document_id']} ({r['speaker'] or 'speaker unknown'}; {r['source']})"
            )
            for s in g.itertuples(index=False):
                mark = "S" if s.framed else "-"
                lines.append(f"    [{mark}] #{s.sentence_index}: {s.sentence}")
                lines.append(f"          terms: {s.terms}" + (f"; vetoed by {s.vetoes}" if s.vetoes else ""))
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The sentences as a tidy table (one row per migration sentence)."""
        return self.sentences.copy()


def trail_for(
    row: Mapping[str, Any] | pd.Series,
    measures_file: str | Path | None = None,
    *,
    framed: bool | None = None,
) -> MeasureTrail:
    """The sentence trail of one row of the measures table, by its provenance.

    Parameters
    ----------
    row
        A measures row with a ``provenance`` cell written by :func:`measure_corpus`.
    measures_file
        The measures file the row was read from: the trail is looked up beside it. Without
        it, the trail file's name is taken relative to the current folder.
    framed
        True for the security-framed sentences only, False for the others, None for all.

    Raises
    ------
    ParameterError
        If the row has no corpus provenance or no trail.
    ValidationError
        If the trail file is missing or was changed since the measures were written.
    """
    raw = row.get("provenance", "") if hasattr(row, "get") else ""
    try:
        prov = json.loads(raw) if isinstance(raw, str) and raw else None
    except json.JSONDecodeError:
        prov = None
    if not isinstance(prov, dict) or "case" not in prov:
        raise ParameterError(
            "This measures row has no corpus provenance (column 'provenance' written by measure_corpus); "
            "only corpus measures have a sentence trail."
        )
    trail = prov.get("trail")
    if not trail:
        raise ParameterError(
            "This measures row was not written with a sentence trail; write it with CorpusMeasures.write()."
        )
    base = Path(measures_file).parent if measures_file is not None else Path(".")
    sentences = read_trail(
        base / trail["file"], case=prov["case"], period=prov["period"], framed=framed, sha256=trail.get("sha256")
    )
    if prov.get("granularity") == "year" and prov.get("year") is not None:
        sentences = sentences.loc[sentences["year"] == int(prov["year"])].reset_index(drop=True)
    return MeasureTrail(
        case=str(prov["case"]),
        period=str(prov["period"]),
        measure=str(row.get("measure", "")),
        value=float(row.get("value", float("nan"))),
        sentences=sentences,
    )
