"""The engines that run the measure definitions: DuckDB (default), Spark, pandas.

DuckDB and Spark run the same SQL (:mod:`securitization.records._sql`, rendered per
dialect); DuckDB reads Parquet and CSV out of core with bounded memory. The pandas path
implements the same definitions on data frames, for small files and as a cross-check:
the test suite asserts that the three give the same measures.

Each engine computes, for one layout kind, a table of statistics (``stat, fy, grp, value,
n, pull_date, file_date, table``) and a table of record counts by reason (``table, reason,
action, rows, units``); :mod:`securitization.records.core` turns them into measure rows.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd
import pyarrow.feather as feather

from ..errors import MissingDependencyError, ParameterError
from . import _pandas, _sql
from ._files import SourceFile
from ._fiscal import as_of_day, epoch, fiscal_year_of, from_epoch, periods_between
from .layouts import Layout, MeasureSpec

__all__ = [
    "DUCKDB_VERSION",
    "ENGINES",
    "SPARK_VERSION",
    "Computed",
    "DuckDBEngine",
    "EngineName",
    "PandasEngine",
    "SQLEngine",
    "SparkEngine",
    "make_engine",
    "spark_session",
]

EngineName = Literal["duckdb", "spark", "pandas"]
ENGINES: tuple[EngineName, ...] = ("duckdb", "spark", "pandas")
DUCKDB_VERSION = "2.0.1"  # the version tested (DuckDB 2.0 changed its Python API)
SPARK_VERSION = "4.3.0"
STATS_COLUMNS = ["stat", "fy", "grp", "value", "n", "pull_date", "file_date", "table"]
QUALITY_COLUMNS = ["table", "measure", "reason", "action", "rows", "units"]


@dataclass(kw_only=True)
class Computed:
    """What an engine computed for one layout: statistics, record counts, queries, as-of day."""

    stats: pd.DataFrame
    quality: pd.DataFrame
    queries: list[str] = field(default_factory=list)
    as_of: dt.date | None = None
    periods: dict[int, tuple[pd.Timestamp, pd.Timestamp]] = field(default_factory=dict)


class Engine(Protocol):
    """What :mod:`securitization.records.core` needs of an engine."""

    name: EngineName
    version: str

    def compute(
        self,
        layout: Layout,
        sources: Sequence[SourceFile],
        *,
        start_month: int,
        by: str | None,
        as_of: dt.date | None,
        measures: Sequence[MeasureSpec],
        check_duplicates: bool = True,
    ) -> Computed: ...

    def close(self) -> None: ...


# --- SQL engines -------------------------------------------------------------------------


class SQLEngine:
    """Runs the SQL definitions; subclasses say how to read files and run queries."""

    name: EngineName
    version: str
    dialect: _sql.Dialect

    def source(self, sf: SourceFile, i: int) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def execute(self, sql: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def drop(self, name: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:
        """Release the engine's resources."""

    def _selects(self, layout: Layout, sources: Sequence[SourceFile]) -> list[str]:
        return [_sql.file_select(sf, self.source(sf, i), layout, self.dialect) for i, sf in enumerate(sources)]

    def compute(
        self,
        layout: Layout,
        sources: Sequence[SourceFile],
        *,
        start_month: int,
        by: str | None,
        as_of: dt.date | None,
        measures: Sequence[MeasureSpec],
        check_duplicates: bool = True,
    ) -> Computed:
        """Compute the statistics of one layout kind (see the module docstring).

        ``check_duplicates=False`` does not look for duplicated stints (they never change
        a measure), and says so in the record counts.
        """
        if layout.kind == "stints":
            return self._stints(layout, sources, start_month, by, as_of, check_duplicates)
        if layout.kind == "encounters":
            return self._encounters(layout, sources, by, measures)
        return self._fytables(layout, sources, measures, start_month)

    def _stints(
        self,
        layout: Layout,
        sources: Sequence[SourceFile],
        start_month: int,
        by: str | None,
        as_of: dt.date | None,
        check_duplicates: bool = True,
    ) -> Computed:
        d = self.dialect
        stays = "records_stays"
        text_times = any(
            sf.file.columns.get(sf.roles.get(r, ""), "string") not in ("timestamp", "date")
            for sf in sources
            for r in _sql.STINT_TIMESTAMPS
            if r in sf.roles
        )
        create = _sql.stints_stays_sql(
            self._selects(layout, sources), layout, d, by, stays, start_month, text_times, check_duplicates
        )
        self.execute(create)
        queries = [create]
        try:
            bounds_sql = _sql.stints_bounds_sql(stays)
            first, as_of = as_of_day([from_epoch(x) for x in self.fetch(bounds_sql)[0]], as_of)
            queries.append(bounds_sql)
            as_of_end = pd.Timestamp(as_of or dt.date(1970, 1, 1)) + pd.Timedelta(days=1)
            periods = {} if first is None else periods_between(first, as_of_end, start_month)
            rows_per = [(fy, epoch(s), epoch(e)) for fy, (s, e) in periods.items()] or [(0, 0.0, 1.0)]
            fy_as_of = fiscal_year_of(as_of_end - pd.Timedelta(microseconds=1), start_month)
            aggs = _sql.stints_aggregate_sql(stays, d, epoch(as_of_end), fy_as_of, rows_per)
            got = {k: self.fetch(q) for k, q in aggs.items()}
            got["fy"], got["quality"] = _split_fy_quality(got.pop("fy_quality"))
            queries += list(aggs.values())
            if check_duplicates and any(r[0] is None and _int(r[4]) for r in got["quality"]):
                # stays with four book-ins or more, not all equal: their rows counted one by one
                dup_sql = _sql.stints_duplicates_sql(self._selects(layout, sources), stays)
                got["duplicates"] = self.fetch(dup_sql)
                queries.append(dup_sql)
        finally:
            self.drop(stays)
        frame = _stints_frame(got, {fy: epoch(e) - epoch(s) for fy, (s, e) in periods.items()}, check_duplicates)
        stats = frame.loc[(frame["kind"] == "measure") & frame["fy"].isin(list(periods))].copy()
        quality = _stints_quality(frame.loc[frame["kind"] != "measure"], layout)
        return Computed(
            stats=_stats_frame(stats, layout.id), quality=quality, queries=queries, as_of=as_of, periods=periods
        )

    def _encounters(
        self, layout: Layout, sources: Sequence[SourceFile], by: str | None, measures: Sequence[MeasureSpec]
    ) -> Computed:
        rows_name = "records_encounters"
        create = _sql.encounters_rows_sql(self._selects(layout, sources), layout, self.dialect, by, rows_name)
        self.execute(create)
        try:
            agg = _sql.encounters_measure_sql(rows_name, layout, measures)
            rows = self.fetch(agg)
        finally:
            self.drop(rows_name)
        frame = pd.DataFrame(rows, columns=["kind", "stat", "fy", "grp", "value", "n"])
        stats = _with_coverage(frame.loc[frame["kind"].isin(["measure", "coverage"])])
        quality = _generic_quality(frame.loc[frame["kind"].isin(["quality", "flag"])], layout.id, "rows read")
        return Computed(stats=_stats_frame(stats, layout.id), quality=quality, queries=[create, agg])

    def _fytables(
        self, layout: Layout, sources: Sequence[SourceFile], measures: Sequence[MeasureSpec], start_month: int
    ) -> Computed:
        stats, quality, queries = [], [], []
        for i, m in enumerate(measures):
            files = [(j, sf) for j, sf in enumerate(sources) if sf.table.name == m.table]
            if not files:
                continue
            selects = [_sql.file_select(sf, self.source(sf, j), layout, self.dialect) for j, sf in files]
            q = _sql.fytable_sql(selects, m, self.dialect, start_month, layout.pull_window_days)
            queries.append(q)
            rows = pd.DataFrame(
                self.fetch(q), columns=["fy", "grp", "value", "n_values", "n_rows", "pull_date", "file_date"]
            )
            meas, qual = _fytable_frames(rows, i, m)
            stats.append(meas)
            quality.append(qual)
        return Computed(
            stats=pd.concat(stats, ignore_index=True) if stats else pd.DataFrame(columns=STATS_COLUMNS),
            quality=pd.concat(quality, ignore_index=True) if quality else pd.DataFrame(columns=QUALITY_COLUMNS),
            queries=queries,
        )


def _split_fy_quality(rows: list[tuple[Any, ...]]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rows of the one ``fy_quality`` query as the statistics per fiscal year and the counts per reason."""
    fy: list[tuple[Any, ...]] = []
    quality: dict[Any, list[int]] = {}
    for r in rows:
        reason, fy_in, grp, counts, stats = r[0], r[1], r[2], r[3:-5], r[-5:]
        if reason is None:
            fy.append((fy_in, grp, *stats))
        acc = quality.setdefault(reason, [0] * len(counts))
        for i, x in enumerate(counts):
            acc[i] += _int(x)
    return fy, [(reason, *acc) for reason, acc in quality.items()]


def _stints_frame(
    got: dict[str, list[tuple[Any, ...]]], period_s: dict[int, float], checked: bool = True
) -> pd.DataFrame:
    """The stints queries' rows as one long table ``kind, stat, fy, grp, value, n``."""
    rows: list[tuple[Any, ...]] = []
    adp: dict[tuple[Any, Any], list[float]] = {}
    total_rows = total_units = 0
    dup_rows = dup_units = 0
    for fy, grp, stays, nonc, known, secs, n_adp in got["fy"]:
        stays, nonc, known, n_adp = _int(stays), _int(nonc), _int(known), _int(n_adp)
        rows.append(("measure", "book_ins", fy, grp, float(stays), stays))
        rows.append(("measure", "noncriminal_share", fy, grp, nonc / known if known else None, known))
        acc = adp.setdefault((fy, grp), [0.0, 0])
        acc[0] += float(secs or 0)
        acc[1] += n_adp
    for r in got["quality"]:
        reason, n_rows, units = r[0], _int(r[1]), _int(r[2])
        total_rows, total_units = total_rows + n_rows, total_units + units
        if reason is not None:
            rows.append(("quality", reason, None, None, float(n_rows), units))
            continue
        n_dup, _, open_rows, open_stays, across_rows, across_stays = (_int(x) for x in r[3:9])
        dup_rows, dup_units = dup_rows + n_dup, dup_units + n_dup
        rows.append(("flag", "open stay", None, None, float(open_rows), open_stays))
        rows.append(("flag", "stay across fiscal years", None, None, float(across_rows), across_stays))
        names = ("unknown criminality code", "redacted criminality", "missing criminality")
        for name, cr, cs in zip(names, r[9::2], r[10::2], strict=True):
            rows.append(("flag", name, None, None, float(_int(cr)), _int(cs)))
    for fy, grp, secs, n in got["adp"]:
        acc = adp.setdefault((fy, grp), [0.0, 0])
        acc[0] += float(secs or 0)
        acc[1] += _int(n)
    for (fy, grp), (secs, n) in adp.items():
        if fy in period_s:
            rows.append(("measure", "adp", fy, grp, secs / period_s[fy], int(n)))
    for fy, grp, q, n in got["los"]:
        rows.append(("measure", "los_median", fy, grp, float(q[0]), int(n)))
        rows.append(("measure", "los_p90", fy, grp, float(q[1]), int(n)))
    if checked:
        if "duplicates" in got:
            extra = _int(got["duplicates"][0][0])
            dup_rows, dup_units = dup_rows + extra, dup_units + extra
        rows.append(("quality", "duplicate stint", None, None, float(dup_rows), dup_units))
    else:
        rows.append(("flag", NOT_CHECKED, None, None, 0.0, 0))
    rows.append(("quality", "stints read", None, None, float(total_rows), total_units))
    return pd.DataFrame(rows, columns=["kind", "stat", "fy", "grp", "value", "n"])


def _with_coverage(frame: pd.DataFrame) -> pd.DataFrame:
    """Encounter statistics with ``n`` = the months the fiscal year's rows cover (from 'coverage' rows)."""
    cover = frame.loc[frame["kind"] == "coverage"].set_index("fy")["value"]
    stats = frame.loc[frame["kind"] == "measure"].copy()
    stats["n"] = stats["fy"].map(cover).fillna(0).astype("int64")
    return stats


def _stats_frame(stats: pd.DataFrame, table: str) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "stat": stats["stat"].astype(str).to_numpy(),
            "fy": stats["fy"].astype("int64").to_numpy(),
            "grp": stats["grp"].to_numpy(dtype=object),
            "value": pd.to_numeric(stats["value"], errors="coerce").astype(float).to_numpy(),
            "n": stats["n"].fillna(0).astype("int64").to_numpy(),
        }
    )
    out["pull_date"] = None
    out["file_date"] = None
    out["table"] = table
    return out.sort_values(["stat", "fy", "grp"], na_position="first", kind="stable").reset_index(drop=True)


NOT_CHECKED = "stints not checked for duplicates"
_KEPT = {
    NOT_CHECKED: "not checked (check_duplicates=False): duplicates never change a measure",
    "open stay": "kept: counted as detained until the end of the as-of day; left out of length of stay",
    "stay across fiscal years": "kept: clipped to each fiscal year",
    "missing criminality": "kept: left out of the non-criminal share",
    "redacted criminality": "kept: left out of the non-criminal share",
    "unknown criminality code": "kept: left out of the non-criminal share",
}


def _int(x: Any) -> int:
    return 0 if x is None or pd.isna(x) else int(x)


def _stints_quality(frame: pd.DataFrame, layout: Layout) -> pd.DataFrame:
    out = []
    for r in frame.itertuples(index=False):
        rows, units = _int(r.value), _int(r.n)
        if r.stat == "stints read":
            action = "read"
        elif r.kind == "flag":
            action = _KEPT.get(str(r.stat), "kept")
        elif r.stat == "duplicate stint":
            action = "dropped: counted once"
        else:
            action = "dropped"
        if rows or r.stat in ("stints read", NOT_CHECKED):
            out.append((layout.id, "", str(r.stat), action, rows, units))
    return _quality_frame(out)


def _generic_quality(frame: pd.DataFrame, table: str, read_label: str) -> pd.DataFrame:
    out = []
    for r in frame.itertuples(index=False):
        rows, units = _int(r.value), _int(r.n)
        if r.stat == read_label:
            action = "read"
        elif r.kind == "flag":
            action = "kept"
        elif str(r.stat).startswith("duplicate"):
            action = "dropped: counted once"
        else:
            action = "dropped"
        if rows or r.stat == read_label:
            out.append((table, "", str(r.stat), action, rows, units))
    return _quality_frame(out)


def _quality_frame(rows: list[tuple[str, str, str, str, int, int]]) -> pd.DataFrame:
    q = pd.DataFrame(rows, columns=QUALITY_COLUMNS)
    order = q["action"].map(lambda a: {"read": 0}.get(a, 2 if a.startswith("kept") else 1))
    return q.assign(_o=order).sort_values(["_o", "reason"], kind="stable").drop(columns="_o").reset_index(drop=True)


_FY_ACTIONS = {
    "not selected": "not used: other rows of the table",
    "superseded by a later pull or file": "not used: an earlier pull or file of the year",
    "pull also published under the next fiscal year": "dropped: a file of the next year",
}


def _fytable_frames(rows: pd.DataFrame, i: int, m: MeasureSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    meas = rows.loc[rows["fy"].notna()]
    qual = rows.loc[rows["fy"].isna()]
    stats = pd.DataFrame(
        {
            "stat": str(i),
            "fy": meas["fy"].astype("int64").to_numpy(),
            "grp": meas["grp"].to_numpy(dtype=object),
            "value": pd.to_numeric(meas["value"]).astype(float).to_numpy(),
            "n": meas["n_values"].astype("int64").to_numpy(),
            "pull_date": meas["pull_date"].astype(str).to_numpy(),
            "file_date": meas["file_date"].astype(str).to_numpy(),
            "table": m.table,
        }
    )
    conflicts = int((meas["n_values"] > 1).sum())
    total = int(rows["n_rows"].sum())
    q = [(str(m.table), m.measure, "rows read", "read", total, total)]
    for r in qual.itertuples(index=False):
        action = _FY_ACTIONS.get(
            str(r.grp), "dropped: a misdated pull" if str(r.grp).startswith("pull date") else "dropped"
        )
        q.append((str(m.table), m.measure, str(r.grp), action, int(r.n_rows), int(r.n_rows)))
    if conflicts:
        n = int(meas.loc[meas["n_values"] > 1, "n_rows"].sum())
        q.append((str(m.table), m.measure, "differing values within a pull (largest kept)", "kept", n, conflicts))
    stats = stats.sort_values(["stat", "fy", "grp"], na_position="first", kind="stable").reset_index(drop=True)
    return stats, _quality_frame(q)


class DuckDBEngine(SQLEngine):
    """DuckDB, embedded: Parquet and CSV are read out of core, memory bounded.

    Parameters
    ----------
    memory_limit
        DuckDB's ``memory_limit`` (e.g. ``"3GB"``); past it, intermediate results spill
        to a temporary folder. Default: DuckDB's own (80% of the machine's memory).
    threads
        Worker threads (default: DuckDB's own, one per core).
    """

    name: EngineName = "duckdb"
    dialect = _sql.DIALECTS["duckdb"]

    def __init__(self, *, memory_limit: str | None = None, threads: int | None = None) -> None:
        try:
            import duckdb
        except ImportError:
            raise MissingDependencyError("duckdb", "records", "The DuckDB engine") from None
        self.version = duckdb.__version__
        self._tmp = tempfile.TemporaryDirectory(prefix="securitization-duckdb-")
        self.con = duckdb.connect()
        self.con.execute(f"SET temp_directory = {_sql.lit(self._tmp.name)}")
        self.con.execute("SET preserve_insertion_order = false")
        if memory_limit:
            self.con.execute(f"SET memory_limit = {_sql.lit(memory_limit)}")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")

    def source(self, sf: SourceFile, i: int) -> str:
        """A FROM item reading the file (Parquet and CSV streamed; Feather and xlsx loaded)."""
        path = _sql.lit(str(sf.file.path))
        if sf.file.format == "parquet":
            return f"read_parquet({path})"
        if sf.file.format == "csv":
            return f"read_csv({path}, header = true, all_varchar = true)"
        name = f"records_file_{i}"
        self.con.register(name, _load_small(sf))
        return name

    def execute(self, sql: str) -> None:
        """Run a statement."""
        self.con.execute(sql).fetchall()

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        """Run a query and return its rows."""
        return list(self.con.execute(sql).fetchall())

    def drop(self, name: str) -> None:
        """Drop a materialised intermediate table."""
        self.con.execute(f"DROP TABLE IF EXISTS {name}").fetchall()

    def close(self) -> None:
        """Close the connection and remove the spill folder."""
        self.con.close()
        self._tmp.cleanup()


def _load_small(sf: SourceFile) -> Any:
    """Feather as an Arrow table; xlsx as a text DataFrame (both are read whole)."""
    if sf.file.format == "feather":
        return feather.read_table(sf.file.path)
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise MissingDependencyError("openpyxl", "excel", "Reading .xlsx record files") from None
    frame = pd.read_excel(sf.file.path, dtype=str, sheet_name=0)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.astype(object).where(frame.notna(), None)


_SPARK: Any = None


def spark_session(**conf: str) -> Any:
    """The one local Spark session of this process (created on first use, then reused).

    Local mode on every core, session time zone UTC, no UI; ``conf`` adds settings.
    """
    global _SPARK
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise MissingDependencyError("pyspark", "spark", "The Spark engine") from None
    if _SPARK is None:
        builder = (
            SparkSession.builder.master("local[*]")
            .appName("securitization-records")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", "4g")
        )
        for k, v in conf.items():
            builder = builder.config(k, v)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            _SPARK = builder.getOrCreate()
        _SPARK.sparkContext.setLogLevel("ERROR")
    return _SPARK


class SparkEngine(SQLEngine):
    """Apache Spark (PySpark) through Spark SQL: the same definitions, for data beyond one machine.

    Parameters
    ----------
    session
        A ``SparkSession`` (a cluster's); default :func:`spark_session` (local mode).
    """

    name: EngineName = "spark"
    dialect = _sql.DIALECTS["spark"]

    def __init__(self, session: Any = None) -> None:
        self.spark = session if session is not None else spark_session()
        self.version = str(self.spark.version)
        self._views: list[str] = []

    def source(self, sf: SourceFile, i: int) -> str:
        """A temporary view of the file (Parquet and CSV read by Spark; Feather and xlsx via pandas)."""
        name = f"records_file_{i}"
        reader = self.spark.read
        if sf.file.format == "parquet":
            df = reader.parquet(str(sf.file.path))
        elif sf.file.format == "csv":
            df = reader.option("header", True).option("encoding", "UTF-8").csv(str(sf.file.path))
            df = df.toDF(*[c.lstrip("\ufeff").strip() for c in df.columns])
        else:
            small = _load_small(sf)
            pdf = small.to_pandas() if hasattr(small, "to_pandas") else small
            from pyspark.sql.types import StringType, StructField, StructType

            pdf = pdf.astype(object).where(pdf.notna(), None).astype(object)
            pdf = pdf.apply(lambda col: col.map(lambda v: None if v is None else str(v)))
            schema = StructType([StructField(str(c), StringType(), True) for c in pdf.columns])
            df = self.spark.createDataFrame([tuple(r) for r in pdf.itertuples(index=False)], schema=schema)
        df.createOrReplaceTempView(name)
        self._views.append(name)
        return self.dialect.q(name)

    def execute(self, sql: str) -> None:
        """Run a statement."""
        self.spark.sql(sql).collect()

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        """Run a query and return its rows."""
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def drop(self, name: str) -> None:
        """Uncache and drop a cached intermediate view."""
        self.spark.sql(f"UNCACHE TABLE IF EXISTS {name}").collect()
        self.spark.catalog.dropTempView(name)

    def close(self) -> None:
        """Drop the file views (the session stays up for the next run)."""
        for v in self._views:
            self.spark.catalog.dropTempView(v)
        self._views.clear()


def make_engine(name: str, **options: Any) -> Engine:
    """An engine by name: ``duckdb`` (default), ``spark`` or ``pandas``.

    Raises
    ------
    ParameterError
        On an unknown name.
    """
    if name == "duckdb":
        return DuckDBEngine(**options)
    if name == "spark":
        return SparkEngine(**options)
    if name == "pandas":
        return PandasEngine(**options)
    raise ParameterError.invalid("engine", "measures_from_records", f"one of {list(ENGINES)}", name)


# --- pandas ------------------------------------------------------------------------------


class PandasEngine:
    """The same definitions on pandas data frames: every file is read into memory.

    For small files and as an independent check of the SQL engines.
    """

    name: EngineName = "pandas"

    def __init__(self) -> None:
        self.version = pd.__version__

    def close(self) -> None:
        """Nothing to release."""

    def compute(
        self,
        layout: Layout,
        sources: Sequence[SourceFile],
        *,
        start_month: int,
        by: str | None,
        as_of: dt.date | None,
        measures: Sequence[MeasureSpec],
        check_duplicates: bool = True,
    ) -> Computed:
        """Compute the statistics of one layout kind (see the module docstring; duplicates always checked)."""
        if layout.kind == "stints":
            frame = pd.concat([_pandas.read_roles(sf, layout) for sf in sources], ignore_index=True)
            stats, quality, as_of, periods = _pandas.stints(frame, layout, start_month, by, as_of)
            return Computed(
                stats=_stats_frame(stats, layout.id),
                quality=_stints_quality(quality, layout),
                queries=["pandas: securitization.records._pandas.stints"],
                as_of=as_of,
                periods=periods,
            )
        if layout.kind == "encounters":
            frame = pd.concat([_pandas.read_roles(sf, layout) for sf in sources], ignore_index=True)
            stats, quality = _pandas.encounters(frame, layout, by, measures)
            stats["kind"] = np.where(stats["stat"] == "months", "coverage", "measure")
            return Computed(
                stats=_stats_frame(_with_coverage(stats), layout.id),
                quality=_generic_quality(quality, layout.id, "rows read"),
                queries=["pandas: securitization.records._pandas.encounters"],
            )
        all_stats, all_q = [], []
        for i, m in enumerate(measures):
            files = [sf for sf in sources if sf.table.name == m.table]
            if not files:
                continue
            frame = pd.concat([_pandas.read_roles(sf, layout) for sf in files], ignore_index=True)
            rows = _pandas.fytable(frame, m, start_month, layout.pull_window_days)
            meas, qual = _fytable_frames(rows, i, m)
            all_stats.append(meas)
            all_q.append(qual)
        return Computed(
            stats=pd.concat(all_stats, ignore_index=True) if all_stats else pd.DataFrame(columns=STATS_COLUMNS),
            quality=pd.concat(all_q, ignore_index=True) if all_q else pd.DataFrame(columns=QUALITY_COLUMNS),
            queries=["pandas: securitization.records._pandas.fytable"],
        )
