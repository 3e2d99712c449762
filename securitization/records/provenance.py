"""A measure row's provenance as a few readable lines.

Every row :func:`securitization.records.measures_from_records` produces carries its
provenance in the ``provenance`` column: a JSON object with the input files and their
SHA-256, the rows read, used and dropped by reason, the layout and definition with their
versions, the engine, the queries run and, by kind of source, the ``as_of`` date of the
stays or the pull of a fiscal-year table. :func:`describe_provenance` turns it into lines
for ``explain()`` and reports.

Examples
--------
>>> import json
>>> text = json.dumps({
...     "files": [{"name": "stints.parquet", "sha256": "0ac293011323198a554d", "format": "parquet"}],
...     "rows": {"read": 290, "used": 286, "dropped": {"book-out before book-in": 2, "duplicate stint": 2},
...              "kept_with_note": {"open stay": 9}},
...     "layout": {"id": "ddp-detention-stints", "version": "1"},
...     "definition": {"id": "stints.adp", "version": "1", "statistic": "adp"},
...     "engine": {"name": "duckdb", "version": "2.0.1"},
...     "as_of": "2020-09-30", "units": {"stays": 50}, "query": "SELECT 1",
... })
>>> for line in describe_provenance(text):
...     print(line)
files: stints.parquet (parquet, sha256 0ac293011323)
rows: 290 read, 286 used, 4 dropped (2 book-out before book-in; 2 duplicate stint)
kept with a note: 9 open stay
layout ddp-detention-stints v1; definition stints.adp v1 (statistic adp)
engine: duckdb 2.0.1; query sha256 e004ebd5b5532a4b (1 statement)
open stays counted as detained through 2020-09-30; 50 stays
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..errors import ParameterError

__all__ = ["HASH_CHARS", "describe_provenance", "query_digest"]

HASH_CHARS = 12
"""Characters of a file's SHA-256 shown (48 bits: enough to tell files apart by eye)."""


def query_digest(query: str) -> str:
    """The first 16 hexadecimal characters of the SHA-256 of a provenance's query text.

    Parameters
    ----------
    query
        The ``query`` member of a provenance (the statements run, joined by ``";"`` lines).

    Returns
    -------
    str
        16 hexadecimal characters; two runs of the same definitions on the same layout,
        engine and options give the same digest.

    Examples
    --------
    >>> query_digest("SELECT 1")
    'e004ebd5b5532a4b'
    """
    return hashlib.sha256(query.encode("utf-8")).hexdigest()[:16]


def _count(n: Any) -> str:
    return f"{int(n):,}" if isinstance(n, int | float) and not isinstance(n, bool) else str(n)


def _reasons(counts: Any) -> str:
    if not isinstance(counts, dict) or not counts:
        return ""
    return "; ".join(f"{_count(v)} {k}" for k, v in counts.items())


def _versioned(obj: Any, what: str) -> str | None:
    if not isinstance(obj, dict) or "id" not in obj:
        return None
    out = f"{what}{obj['id']}" + (f" v{obj['version']}" if obj.get("version") not in (None, "") else "")
    if obj.get("statistic"):
        out += f" (statistic {obj['statistic']})"
    return out


def describe_provenance(text: str) -> list[str]:
    """Turn a measure row's ``provenance`` JSON into a few readable lines.

    Parameters
    ----------
    text
        The ``provenance`` cell of a measure row written by
        :func:`securitization.records.measures_from_records` (a JSON object as text).
        Members it does not know are left out; members it knows but that are missing
        give no line.

    Returns
    -------
    list of str
        In this order, those that apply: the input files (name, format, SHA-256 shortened
        to :data:`HASH_CHARS` characters); rows read, used and dropped with the count per
        reason; rows kept with a note; the layout and definition with their versions; the
        engine with its version and the digest of the queries (:func:`query_digest`); the
        ``as_of`` date of open stays and the stays counted, or the pull of a fiscal-year
        table (fiscal year, pull date, file date), or the months an encounters file covers;
        the breakdown; the fiscal year's first month and where it is set (the text before the source's
        first colon: the citation).

    Raises
    ------
    ParameterError
        If ``text`` is not a JSON object.
    """
    try:
        obj = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"describe_provenance needs the provenance of a measure row (a JSON object as text); "
            f"could not read {str(text)[:60]!r}: {exc}. Pass the 'provenance' cell of a row written "
            "by securitization.records.measures_from_records."
        ) from None
    if not isinstance(obj, dict):
        raise ParameterError(
            f"describe_provenance needs a JSON object (with 'files', 'rows', 'layout', ...); got a JSON "
            f"{type(obj).__name__}: {str(text)[:60]!r}."
        )
    lines: list[str] = []
    files = obj.get("files")
    if isinstance(files, list) and files:
        parts = []
        for f in files:
            if not isinstance(f, dict):
                continue
            meta = [
                m for m in (f.get("format"), f"sha256 {str(f['sha256'])[:HASH_CHARS]}" if f.get("sha256") else "") if m
            ]
            parts.append(f"{f.get('name', '?')}" + (f" ({', '.join(meta)})" if meta else ""))
        lines.append("files: " + "; ".join(parts))
    rows = obj.get("rows")
    if isinstance(rows, dict) and rows:
        d = rows.get("dropped")
        dropped: dict[str, Any] = d if isinstance(d, dict) else {}
        line = f"rows: {_count(rows.get('read', '?'))} read, {_count(rows.get('used', '?'))} used"
        total = sum(int(v) for v in dropped.values() if isinstance(v, int | float))
        line += f", {total:,} dropped" + (f" ({_reasons(dropped)})" if dropped else "")
        lines.append(line)
        if _reasons(rows.get("kept_with_note")):
            lines.append("kept with a note: " + _reasons(rows.get("kept_with_note")))
    versions = [
        v for v in (_versioned(obj.get("layout"), "layout "), _versioned(obj.get("definition"), "definition ")) if v
    ]
    if versions:
        lines.append("; ".join(versions))
    engine, query = obj.get("engine"), obj.get("query")
    run = []
    if isinstance(engine, dict) and engine.get("name"):
        run.append(f"engine: {engine['name']}" + (f" {engine['version']}" if engine.get("version") else ""))
    if isinstance(query, str) and query:
        n = query.count("\n;\n") + 1
        run.append(f"query sha256 {query_digest(query)} ({n} statement{'s' if n > 1 else ''})")
    if run:
        lines.append("; ".join(run))
    u = obj.get("units")
    units: dict[str, Any] = u if isinstance(u, dict) else {}
    if obj.get("as_of"):
        line = f"open stays counted as detained through {obj['as_of']}"
        if "stays" in units:
            line += f"; {_count(units['stays'])} stays"
        lines.append(line)
    pull = obj.get("pull")
    if isinstance(pull, dict):
        lines.append(
            f"latest pull of FY{pull.get('fiscal_year', '?')}: pull date {pull.get('pull_date', '?')}, "
            f"file date {pull.get('file_date', '?')}"
        )
    if "months" in units:
        lines.append(f"{_count(units['months'])} months of the fiscal year in the files")
    breakdown = obj.get("breakdown")
    if isinstance(breakdown, dict) and breakdown.get("name"):
        lines.append(f"breakdown: {breakdown['name']} = {breakdown.get('value')}")
    fiscal = obj.get("fiscal_year")
    if isinstance(fiscal, dict) and fiscal.get("start_month"):
        line = f"fiscal year from month {fiscal['start_month']}"
        if fiscal.get("source"):
            line += f" ({str(fiscal['source']).split(':')[0]})"  # the citation, not the quote
        lines.append(line)
    return lines
