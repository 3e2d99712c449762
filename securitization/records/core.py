"""Record files to rows of the measures table, with provenance.

:func:`measures_from_records` reads record files in a layout (see
:mod:`securitization.records.layouts`), runs the layout's measure definitions on an
engine (:mod:`securitization.records.engines`) and returns a :class:`RecordsResult`: the
measure rows (``country, indicator, measure, period, value, unit, source, url, notes,
label, provenance``), ready for :func:`securitization.load`, and the count of every bad
record by reason. Nothing is dropped in silence.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from ..countries import FiscalYear
from ..errors import ParameterError
from ..export import frame_to_markdown
from ..files import atomic_write_text, guard_inputs
from ..tables import MEASURE_COLUMNS
from ._files import RecordFile, SourceFile, file_sha256, inspect_file, match_files
from ._fiscal import fiscal_year_bounds, format_period, resolve_fiscal_year
from .engines import Computed, EngineName, make_engine
from .layouts import Layout, MeasureSpec, definitions, load_layout

__all__ = ["OUTPUT_COLUMNS", "RecordsResult", "measures_from_records"]

OUTPUT_COLUMNS = list(MEASURE_COLUMNS)


@dataclass(frozen=True, kw_only=True)
class RecordsResult:
    """Measures computed from record files, with the count of every record by reason.

    Attributes
    ----------
    measures
        One row per measure, fiscal year (and breakdown value): the measures-table
        columns plus ``provenance`` (a JSON object as text: input files with SHA-256,
        rows read, used and dropped with reasons, layout and definition with versions,
        engine and query).
    quality
        Record counts: ``table, measure, reason, action, rows, units`` (``units``: stays
        for stints, distinct rows for encounters; ``measure`` is set for fiscal-year
        tables, whose counts depend on the rows a measure selects). ``action`` says what
        was done: read, dropped, kept (with how), not used.
    files
        The input files, with their SHA-256.
    layout
        The layout read.
    engine, engine_version
        The engine that ran the definitions.
    queries
        The queries that ran (SQL text; for the pandas engine, the function).
    as_of
        For stints: the day through which open stays are counted as detained.
    country
        ISO 3166 alpha-3 code written in every row.
    fiscal_year
        The country's fiscal year the periods follow (from the package's countries
        table, or the start month given).
    """

    measures: pd.DataFrame
    quality: pd.DataFrame
    files: tuple[RecordFile, ...]
    layout: Layout
    engine: str
    engine_version: str
    queries: tuple[str, ...]
    as_of: dt.date | None
    country: str
    fiscal_year: FiscalYear

    @property
    def fiscal_year_start_month(self) -> int:
        """The month (1-12) the fiscal year starts in."""
        return self.fiscal_year.start_month

    def _per_table(self) -> pd.DataFrame:
        # fy-tables: one set of counts per measure; a table's records are counted once
        return self.quality.drop_duplicates(["table", "reason", "action", "rows"])

    @property
    def rows_read(self) -> int:
        """Records read from all files."""
        q = self._per_table()
        return int(q.loc[q["action"] == "read", "rows"].sum())

    @property
    def rows_dropped(self) -> int:
        """Records not used because they are bad (each counted under one reason)."""
        q = self._per_table()
        return int(q.loc[q["action"].str.startswith("dropped"), "rows"].sum())

    def to_frame(self) -> pd.DataFrame:
        """The measure rows (a copy)."""
        return self.measures.copy()

    def write(self, path: str | Path) -> Path:
        """Write the measure rows as CSV, atomically; never over an input file."""
        guard_inputs(path, [f.path for f in self.files])
        text = self.measures.to_csv(index=False, float_format="%.10g", lineterminator="\n")
        return atomic_write_text(path, text)

    def __str__(self) -> str:
        lines = [
            f"Records: layout {self.layout.id} v{self.layout.version}, engine {self.engine} {self.engine_version}, "
            f"{len(self.files)} file{'s' if len(self.files) != 1 else ''}, {self.rows_read:,} records read, "
            f"{self.rows_dropped:,} dropped; {len(self.measures)} measure rows for {self.country}"
            + (f" (open stays counted through {self.as_of})" if self.as_of else ""),
            "",
            "Records by reason:",
            frame_to_markdown(self.quality, digits=0).rstrip(),
        ]
        if len(self.measures):
            lines += [
                "",
                "Measures:",
                frame_to_markdown(self.measures[["measure", "period", "value", "unit"]], 4).rstrip(),
            ]
        return "\n".join(lines)


def _check_by(layout: Layout, by: Sequence[str]) -> None:
    if layout.kind == "fy-tables":
        known = sorted({m.breakdown for m in layout.measures if m.breakdown})
    else:
        known = sorted(layout.breakdowns)
    for b in by:
        if b not in known:
            raise ParameterError.invalid(
                "by", "measures_from_records", f"breakdowns of layout {layout.id!r}: {known}", b
            )


def _provenance(
    *,
    files: Sequence[SourceFile],
    quality: pd.DataFrame,
    layout: Layout,
    spec: MeasureSpec,
    engine: Any,
    queries: Sequence[str],
    extra: dict[str, Any],
) -> str:
    defs = definitions()
    q = quality
    read = int(q.loc[q["action"] == "read", "rows"].sum())
    dropped = {r.reason: int(r.rows) for r in q.itertuples() if not r.action.startswith(("read", "kept"))}
    kept = {r.reason: int(r.rows) for r in q.itertuples() if r.action.startswith("kept")}
    bad = sum(v for k, v in dropped.items() if not k.startswith(("not selected", "superseded")))
    not_used = sum(v for k, v in dropped.items() if k.startswith(("not selected", "superseded")))
    d = defs[spec.definition]
    obj = {
        "files": [{"name": sf.file.name, "sha256": sf.file.sha256, "format": sf.file.format} for sf in files],
        "rows": {"read": read, "used": read - bad - not_used, "dropped": dropped, "kept_with_note": kept},
        "layout": {"id": layout.id, "version": layout.version},
        "definition": {"id": d.id, "version": d.version, "statistic": spec.statistic},
        "engine": {"name": engine.name, "version": engine.version},
        **extra,
        "query": "\n;\n".join(queries),
    }
    return json.dumps(obj, separators=(",", ":"), default=str)


def _notes(quality: pd.DataFrame, files: Sequence[SourceFile], extra: str) -> str:
    q = quality
    read = int(q.loc[q["action"] == "read", "rows"].sum())
    parts = [f"Computed from {read:,} records in {', '.join(sf.file.name for sf in files)}"]
    drops = [f"{int(r.rows):,} {r.reason}" for r in q.itertuples() if r.action.startswith("dropped")]
    kept = [f"{int(r.rows):,} {r.reason}" for r in q.itertuples() if r.action.startswith("kept")]
    if drops:
        parts.append("dropped: " + "; ".join(drops))
    if kept:
        parts.append("kept with note: " + "; ".join(kept))
    return ". ".join(parts) + "." + (f" {extra}" if extra else "")


def _rows(
    computed: Computed,
    *,
    layout: Layout,
    sources: Sequence[SourceFile],
    specs: Sequence[MeasureSpec],
    engine: Any,
    country: str,
    fiscal: FiscalYear,
    breakdown: str | None,
) -> list[dict[str, Any]]:
    out = []
    start_month = fiscal.start_month
    defs = definitions()
    for idx, spec in enumerate(specs):
        key = spec.statistic if layout.kind == "stints" else str(idx)
        stats = computed.stats.loc[computed.stats["stat"] == key]
        files = [sf for sf in sources if layout.kind != "fy-tables" or sf.table.name == spec.table]
        cq = computed.quality
        quality = cq.loc[(cq["table"] == (spec.table or layout.id)) & cq["measure"].isin(["", spec.measure])]
        for r in stats.itertuples(index=False):
            if pd.isna(r.value):
                continue
            end = None
            extra: dict[str, Any] = {
                "fiscal_year": {"start_month": start_month, "single": fiscal.single, "source": fiscal.source}
            }
            note_extra = ""
            if layout.kind == "stints":
                end = computed.periods[int(r.fy)][1]
                extra["as_of"] = str(computed.as_of)
                extra["units"] = {"stays": int(r.n)}
                note_extra = f"Open stays counted as detained through {computed.as_of}."
            elif layout.kind == "encounters":
                months = int(r.n)
                if 0 < months < 12:
                    start, _ = fiscal_year_bounds(int(r.fy), start_month)
                    end = start + pd.DateOffset(months=months)
                    note_extra = f"The files cover {months} months of FY{int(r.fy)}."
                extra["units"] = {"months": months}
            else:
                pull = dt.date.fromisoformat(str(r.pull_date))
                start, nxt = fiscal_year_bounds(int(r.fy), start_month)
                if pd.Timestamp(pull) + pd.Timedelta(days=layout.full_year_within_days) < nxt:
                    end = pd.Timestamp(pull) + pd.Timedelta(days=1)  # a year-to-date figure
                extra["pull"] = {"fiscal_year": int(r.fy), "pull_date": str(r.pull_date), "file_date": str(r.file_date)}
                note_extra = f"Latest pull of FY{int(r.fy)}: pull date {r.pull_date}, file date {r.file_date}."
                if int(r.n) > 1:
                    note_extra += f" The pull's rows differ ({int(r.n)} values); the largest is kept."
            grp = None if r.grp is None or (isinstance(r.grp, float) and pd.isna(r.grp)) else str(r.grp)
            name = spec.breakdown or breakdown
            measure = spec.measure if grp is None else f"{spec.measure}[{name}={grp}]"
            label = spec.label if grp is None else f"{spec.label}: {grp}"
            d = defs[spec.definition]
            extra["breakdown"] = None if grp is None else {"name": name, "value": grp}
            out.append(
                {
                    "_fy": int(r.fy),
                    "country": country,
                    "indicator": spec.indicator,
                    "measure": measure,
                    "period": format_period(int(r.fy), fiscal, end),
                    "value": float(r.value),
                    "unit": spec.unit,
                    "source": f"{layout.source}; computed by securitization.records ({d.id} v{d.version}, "
                    f"layout {layout.id} v{layout.version})",
                    "url": layout.url,
                    "notes": _notes(quality, files, note_extra),
                    "label": label,
                    "provenance": _provenance(
                        files=files,
                        quality=quality,
                        layout=layout,
                        spec=spec,
                        engine=engine,
                        queries=computed.queries,
                        extra=extra,
                    ),
                }
            )
    return out


def measures_from_records(
    files: str | Path | Iterable[str | Path],
    *,
    layout: str | Path | Layout,
    country: str | None = None,
    engine: EngineName = "duckdb",
    by: Sequence[str] = (),
    as_of: dt.date | str | None = None,
    fiscal_year_start_month: int | None = None,
    engine_options: dict[str, Any] | None = None,
    check_duplicates: bool = True,
) -> RecordsResult:
    """Turn record files into rows of the measures table, with provenance.

    Parameters
    ----------
    files
        One or more record files (Parquet, CSV, Feather, xlsx) in the layout.
    layout
        A bundled layout name (``ddp-detention-stints``, ``cbp-encounters``,
        ``ice-detention-stats``), a layout TOML file, or a :class:`Layout`.
    country
        ISO 3166 alpha-3 code of the rows; default the layout's.
    engine
        ``duckdb`` (default; embedded, out of core), ``spark`` (PySpark; local mode
        unless ``engine_options={"session": spark}``) or ``pandas`` (in memory).
    by
        Breakdowns to add (e.g. ``["facility"]``; see the layout's ``[breakdowns]``):
        one more measure per fiscal year and value, named ``measure[facility=XYZ]``.
    as_of
        Stints: the last day the records cover; open stays count as detained through its
        end, and the fiscal year it falls in is cut there. Default: the day of the latest
        book-in or book-out in the files.
    fiscal_year_start_month
        The month (1-12) the fiscal year starts in; default the country's
        (:func:`securitization.countries.fiscal_year`). Periods are written as the
        country writes them (``FY2019`` for the US), or as dates
        (``2018-04-01/2019-03-31``) when the month given is not the country's.
    engine_options
        Passed to the engine (DuckDB: ``memory_limit``, ``threads``; Spark: ``session``).
    check_duplicates
        Stints: count duplicated stints (a row of a stay whose book-in another row of the
        stay has: same person, stay book-in and book-in). They are counted exactly in the
        pass that builds the stays; a stay of four book-ins or more, not all equal, is
        counted in one narrow pass more, run only when there is one. They never change a
        measure (a stay's end, criminality and book-in are the same with or without
        them), so ``False`` only leaves them uncounted, and the record counts say so.

    Returns
    -------
    RecordsResult
        ``.measures`` (write it with ``.write("measures.csv")``) and ``.quality``.

    Raises
    ------
    ValidationError
        If a file lacks a required column of the layout (each missing column named).
    ParameterError
        On an unknown layout, engine, breakdown or country fiscal year.
    MissingDependencyError
        If the engine's package is not installed.

    Examples
    --------
    >>> import tempfile
    >>> from securitization.records.synthetic import write_stints
    >>> path = write_stints(tempfile.mkdtemp(), n_people=50, rng=1)
    >>> res = measures_from_records(path, layout="ddp-detention-stints")
    >>> sorted(res.measures["measure"].unique())[:2]
    ['ice_detention_adp', 'ice_detention_book_ins']
    """
    lay = load_layout(layout)
    paths = [files] if isinstance(files, str | Path) else list(files)
    if not paths:
        raise ParameterError.invalid("files", "measures_from_records", "at least one record file", paths)
    country = country or lay.country
    if country is None or not (len(country) == 3 and country.isalpha() and country.isupper()):
        raise ParameterError.invalid("country", "measures_from_records", "an ISO 3166 alpha-3 code (e.g. USA)", country)
    fiscal = resolve_fiscal_year(country, fiscal_year_start_month)
    start_month = fiscal.start_month
    by = list(by)
    _check_by(lay, by)
    as_of_d = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    record_files = [inspect_file(p, sha256=False) for p in paths]
    sources = match_files(lay, record_files)
    eng = make_engine(engine, **(engine_options or {}))
    rows: list[dict[str, Any]] = []
    queries: list[str] = []
    # the files are hashed while the engine works (hashlib releases the GIL)
    pool = ThreadPoolExecutor(max_workers=1)
    hashing = [pool.submit(file_sha256, f.path) for f in record_files]

    def hashed() -> list[SourceFile]:
        digests = {f.path: h.result() for f, h in zip(record_files, hashing, strict=True)}
        return [replace(sf, file=replace(sf.file, sha256=digests[sf.file.path])) for sf in sources]

    fy_tables = lay.kind == "fy-tables"
    # fiscal-year tables carry their breakdowns as measures of their own; records are
    # computed once, then once per breakdown (the quality counts are the first pass's)
    specs = [m for m in lay.measures if m.breakdown is None or m.breakdown in by] if fy_tables else list(lay.measures)
    passes: list[str | None] = [None] if fy_tables else [None, *by]
    try:
        for b in passes:
            computed = eng.compute(
                lay,
                sources,
                start_month=start_month,
                by=None if b is None else lay.breakdowns[b],
                as_of=as_of_d,
                measures=specs,
                check_duplicates=check_duplicates and b is None,
            )
            if b is None:
                quality = computed.quality
                as_of_d = as_of_d if fy_tables else computed.as_of
            else:
                computed.quality = quality  # the records are those of the first pass
            rows += _rows(
                computed,
                layout=lay,
                sources=hashed(),
                specs=specs,
                engine=eng,
                country=country,
                fiscal=fiscal,
                breakdown=b,
            )
            queries += computed.queries
    finally:
        eng.close()
        pool.shutdown(wait=True)
    record_files = [sf.file for sf in hashed()] if len(sources) == len(record_files) else record_files
    measures = pd.DataFrame(rows, columns=["_fy", *OUTPUT_COLUMNS])
    measures = measures.sort_values(["measure", "_fy"], kind="stable").drop(columns="_fy").reset_index(drop=True)
    return RecordsResult(
        measures=measures,
        quality=quality.reset_index(drop=True),
        files=tuple(record_files),
        layout=lay,
        engine=eng.name,
        engine_version=eng.version,
        queries=tuple(queries),
        as_of=computed.as_of,
        country=country,
        fiscal_year=fiscal,
    )
