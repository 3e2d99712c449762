"""The measure definitions as SQL, written once and rendered for DuckDB or Spark SQL.

The queries use the SQL the two engines share; the few functions that differ are the
methods of :class:`Dialect`. Every query that runs is kept (``queries``) and written into
the provenance of the rows it produced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ._files import SourceFile
from .layouts import Layout, MeasureSpec

__all__ = [
    "DIALECTS",
    "Dialect",
    "encounters_measure_sql",
    "encounters_rows_sql",
    "file_select",
    "fytable_sql",
    "role_types",
    "stints_aggregate_sql",
    "stints_bounds_sql",
    "stints_stays_sql",
]

RoleType = Literal["timestamp", "date", "number", "text", "year"]
STINT_TIMESTAMPS = ("stay_book_in", "book_in", "book_out", "stay_book_out")


@dataclass(frozen=True)
class Dialect:
    """The functions in which DuckDB and Spark SQL differ."""

    name: Literal["duckdb", "spark"]

    def q(self, ident: str) -> str:
        """Quote an identifier."""
        if self.name == "spark":
            return "`" + ident.replace("`", "``") + "`"
        return '"' + ident.replace('"', '""') + '"'

    def epoch(self, x: str) -> str:
        """Seconds since 1970-01-01 of a TIMESTAMP (UTC, no time zone)."""
        return f"epoch({x})" if self.name == "duckdb" else f"(CAST(unix_micros({x}) AS DOUBLE) / 1e6)"

    def quantile(self, x: str, p: float) -> str:
        """Linear-interpolation quantile (type 7)."""
        return f"quantile_cont({x}, {p})" if self.name == "duckdb" else f"percentile({x}, {p})"

    def explode_range(self, lo: str, hi: str) -> str:
        """One row per integer from ``lo`` to ``hi`` inclusive (in a select list)."""
        return f"unnest(range({lo}, {hi} + 1))" if self.name == "duckdb" else f"explode(sequence({lo}, {hi}))"

    def hash2(self, a: str, b: str) -> str:
        """A 64-bit hash of two values (nulls allowed)."""
        return f"hash({a}, {b})" if self.name == "duckdb" else f"xxhash64({a}, {b})"

    def temp_table(self, name: str, select: str) -> str:
        """Materialise a query (DuckDB: a temporary table; Spark: a cached view)."""
        if self.name == "duckdb":
            return f"CREATE OR REPLACE TEMP TABLE {name} AS\n{select}"
        return f"CACHE TABLE {name} AS\n{select}"


DIALECTS: dict[str, Dialect] = {"duckdb": Dialect("duckdb"), "spark": Dialect("spark")}


def lit(value: object) -> str:
    """A SQL literal (strings quoted, None as NULL)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def flt(x: float) -> str:
    """A DOUBLE literal (Spark reads ``1.5`` as a DECIMAL)."""
    return f"CAST({float(x)!r} AS DOUBLE)"


def in_list(values: Sequence[str]) -> str:
    return "(" + ", ".join(lit(v) for v in values) + ")" if values else "(NULL)"


def role_types(layout: Layout, table_name: str) -> dict[str, RoleType]:
    """How each role of a table is read: timestamp, date, number, text or fiscal year."""
    table = layout.table(table_name)
    out: dict[str, RoleType] = {}
    numbers = {r for m in layout.measures if m.table in (None, table_name) for r in (*m.value, m.divide_by) if r}
    for role in table.columns:
        if layout.kind == "stints" and role in STINT_TIMESTAMPS:
            out[role] = "timestamp"
        elif role == "fiscal_year":
            out[role] = "year"
        elif layout.kind == "fy-tables" and role in ("file_date", "pull_date"):
            out[role] = "date"
        elif role == "encounter_count" or role in numbers:
            out[role] = "number"
        else:
            out[role] = "text"
    return out


def file_select(sf: SourceFile, source: str, layout: Layout, d: Dialect) -> str:
    """One file's rows with its columns renamed to roles and read into their types.

    Every timestamp or number role ``r`` gets a companion ``r__bad``: ``'redacted'`` or
    ``'unreadable'`` when the cell has text that is a redaction marker or cannot be read,
    else NULL (a missing cell is NULL in ``r`` and in ``r__bad``).
    """
    types = role_types(layout, sf.table.name)
    markers = in_list(layout.redaction)
    cols = []
    for role, rtype in types.items():
        src = sf.roles.get(role)
        if src is None:
            cols.append(f"CAST(NULL AS STRING) AS {role}")
            if rtype in ("timestamp", "number"):
                cols.append(f"CAST(NULL AS STRING) AS {role}__bad")
            continue
        c = d.q(src)
        ctype = sf.file.columns.get(src, "string")
        text = f"NULLIF(TRIM(CAST({c} AS STRING)), '')"
        if rtype == "timestamp":
            if ctype in ("timestamp", "date"):
                cols += [f"CAST({c} AS TIMESTAMP) AS {role}", f"CAST(NULL AS STRING) AS {role}__bad"]
            else:
                cols += [
                    f"TRY_CAST({text} AS TIMESTAMP) AS {role}",
                    f"CASE WHEN {text} IS NULL THEN NULL WHEN lower({text}) IN {markers} THEN 'redacted' "
                    f"WHEN TRY_CAST({text} AS TIMESTAMP) IS NULL THEN 'unreadable' END AS {role}__bad",
                ]
        elif rtype == "number":
            if ctype == "number":
                cols += [f"CAST({c} AS DOUBLE) AS {role}", f"CAST(NULL AS STRING) AS {role}__bad"]
            else:
                num = f"TRY_CAST(REPLACE({text}, ',', '') AS DOUBLE)"
                cols += [
                    f"{num} AS {role}",
                    f"CASE WHEN {text} IS NULL THEN NULL WHEN lower({text}) IN {markers} THEN 'redacted' "
                    f"WHEN {num} IS NULL THEN 'unreadable' END AS {role}__bad",
                ]
        elif rtype == "date":
            cols.append(f"TRY_CAST({c} AS DATE) AS {role}")
        elif rtype == "year":
            cols.append(f"TRY_CAST(regexp_extract(CAST({c} AS STRING), '([0-9]{{4}})', 1) AS INTEGER) AS {role}")
        else:
            cols.append(f"{text} AS {role}")
    return f"SELECT {', '.join(cols)} FROM {source}"


def _union(selects: Sequence[str]) -> str:
    return "\nUNION ALL\n".join(selects)


def fiscal_year(x: str, start_month: int) -> str:
    """The fiscal year (named by the calendar year it ends in) of a timestamp."""
    if start_month == 1:
        return f"year({x})"
    return f"(year({x}) + CASE WHEN month({x}) >= {start_month} THEN 1 ELSE 0 END)"


# --- stints ------------------------------------------------------------------------------


def stints_stays_sql(selects: Sequence[str], layout: Layout, d: Dialect, by: str | None, name: str) -> str:
    """Collapse stints into stays (one row per person and stay book-in), materialised as ``name``.

    Rows that cannot form a stay (no person, no readable stay book-in, a redacted one)
    are grouped by their reason instead; every output row carries ``n_rows``.
    """
    cols = layout.tables[0].columns
    markers = in_list(layout.redaction)
    crim = layout.values.get("criminality", {})
    person, stay_in = cols["person"].names[0], cols["stay_book_in"].names[0]

    def col(role: str) -> str:  # the column name the messages show
        return cols[role].names[0]

    reason = (
        "CASE"
        f" WHEN person IS NULL THEN {lit('missing ' + person)}"
        f" WHEN lower(person) IN {markers} THEN {lit('redacted ' + person)}"
        f" WHEN stay_book_in__bad = 'redacted' THEN {lit('redacted ' + stay_in)}"
        f" WHEN stay_book_in__bad = 'unreadable' THEN {lit('unreadable ' + stay_in)}"
        f" WHEN stay_book_in IS NULL THEN {lit('missing ' + stay_in)}"
        " END"
    )
    rank = (
        "CASE"
        " WHEN criminality IS NULL THEN 9"
        f" WHEN lower(criminality) IN {markers} THEN 8"
        f" WHEN criminality IN {in_list(crim.get('convicted', ()))} THEN 1"
        f" WHEN criminality IN {in_list(crim.get('pending', ()))} THEN 2"
        f" WHEN criminality IN {in_list(crim.get('other', ()))} THEN 3"
        " ELSE 7 END"
    )
    grp = "CAST(NULL AS STRING)" if by is None else f"min_by({by}, book_in)"
    return d.temp_table(
        name,
        f"""WITH src AS (
{_union(selects)}
),
r AS (
  SELECT *, {reason} AS row_reason, {rank} AS crim_rank FROM src
),
k AS (
  SELECT *,
    CASE WHEN row_reason IS NULL THEN person END AS k_person,
    CASE WHEN row_reason IS NULL THEN stay_book_in END AS k_stay_in
  FROM r
)
SELECT
  row_reason,
  k_stay_in AS stay_in,
  COUNT(*) AS n_rows,
  COUNT(*) - COUNT(DISTINCT {d.hash2("book_in", "facility")}) AS n_dup,
  MAX(stay_book_out) AS stay_out,
  SUM(CASE WHEN stay_book_out__bad IS NOT NULL THEN 1 ELSE 0 END) AS n_bad_stay_out,
  MAX(book_out) AS book_out,
  COUNT(book_out) AS n_book_out,
  SUM(CASE WHEN book_out__bad IS NOT NULL THEN 1 ELSE 0 END) AS n_bad_book_out,
  MIN(crim_rank) AS crim_rank,
  {grp} AS grp,
  {lit(col("stay_book_out"))} AS stay_out_col
FROM k
GROUP BY row_reason, k_person, k_stay_in""",
    )


def _stays_view(stays: str, d: Dialect, start_month: int, as_of_end: float) -> str:
    """Derived columns of each stay: end, reason, fiscal years, seconds."""
    e = f"LEAST({d.epoch('stay_end')}, {flt(as_of_end)})"
    eff = f"COALESCE({e}, {flt(as_of_end)})"
    return f"""(
  SELECT *,
    {d.epoch("stay_in")} AS in_s,
    {eff} AS end_s,
    {fiscal_year("stay_in", start_month)} AS fy_in,
    GREATEST({fiscal_year("stay_in", start_month)},
             {fiscal_year(f"(COALESCE(LEAST(stay_end, {_ts(as_of_end, d)}), {_ts(as_of_end, d)}) - INTERVAL 1 MICROSECOND)", start_month)}) AS fy_last,
    {fiscal_year("stay_end", start_month)} AS fy_out,
    ({d.epoch("stay_end")} - {d.epoch("stay_in")}) / CAST(86400 AS DOUBLE) AS los
  FROM (
    SELECT *,
      CASE WHEN row_reason IS NOT NULL THEN row_reason
           WHEN n_bad_stay_out > 0 THEN 'unreadable or redacted ' || stay_out_col
           WHEN COALESCE(stay_out, CASE WHEN n_book_out = n_rows AND n_bad_book_out = 0 THEN book_out END) < stay_in
             THEN 'book-out before book-in'
      END AS reason,
      COALESCE(stay_out, CASE WHEN n_book_out = n_rows AND n_bad_book_out = 0 THEN book_out END) AS stay_end
    FROM {stays}
  ) s0
)"""


def _ts(epoch_s: float, d: Dialect) -> str:
    """A TIMESTAMP literal from epoch seconds."""
    import datetime as dt

    t = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=epoch_s)
    return f"TIMESTAMP '{t:%Y-%m-%d %H:%M:%S}'"


def stints_bounds_sql(stays: str) -> str:
    """First stay book-in and latest book-in or book-out of the stays that count."""
    return f"""SELECT MIN(stay_in), MAX(stay_in), MAX(stay_out), MAX(book_out)
FROM {stays} WHERE row_reason IS NULL"""


def stints_aggregate_sql(
    stays: str, d: Dialect, start_month: int, as_of_end: float, periods: Sequence[tuple[int, float, float]]
) -> str:
    """Every statistic per fiscal year (and breakdown group), and the bad-record counts.

    Output columns: ``kind, stat, fy, grp, value, n`` - ``kind`` is ``measure`` or
    ``quality``; quality rows carry the reason in ``stat``, the rows in ``value`` and the
    stays in ``n``.
    """
    v = _stays_view(stays, d, start_month, as_of_end)
    per = ", ".join(f"({fy}, {flt(s)}, {flt(e)})" for fy, s, e in periods)
    ok = "reason IS NULL"
    return f"""WITH c AS {v},
p AS (SELECT * FROM (VALUES {per}) AS p0(fy, start_s, end_s))
SELECT 'measure' AS kind, 'book_ins' AS stat, fy_in AS fy, grp, CAST(COUNT(*) AS DOUBLE) AS value, COUNT(*) AS n
FROM c WHERE {ok} GROUP BY fy_in, grp
UNION ALL
SELECT 'measure', 'noncriminal_share', fy_in, grp,
  CAST(SUM(CASE WHEN crim_rank IN (2, 3) THEN 1 ELSE 0 END) AS DOUBLE)
    / NULLIF(SUM(CASE WHEN crim_rank IN (1, 2, 3) THEN 1 ELSE 0 END), 0),
  SUM(CASE WHEN crim_rank IN (1, 2, 3) THEN 1 ELSE 0 END)
FROM c WHERE {ok} GROUP BY fy_in, grp
UNION ALL
SELECT 'measure', 'adp', x.fy, x.grp,
  SUM(GREATEST(LEAST(x.end_s, p.end_s) - GREATEST(x.in_s, p.start_s), 0)) / (MAX(p.end_s) - MAX(p.start_s)),
  SUM(CASE WHEN LEAST(x.end_s, p.end_s) > GREATEST(x.in_s, p.start_s) THEN 1 ELSE 0 END)
FROM (SELECT in_s, end_s, grp, {d.explode_range("fy_in", "fy_last")} AS fy FROM c WHERE {ok}) x
JOIN p ON p.fy = x.fy
GROUP BY x.fy, x.grp
UNION ALL
SELECT 'measure', 'los_median', fy_out, grp, {d.quantile("los", 0.5)}, COUNT(*)
FROM c WHERE {ok} AND stay_end IS NOT NULL GROUP BY fy_out, grp
UNION ALL
SELECT 'measure', 'los_p90', fy_out, grp, {d.quantile("los", 0.9)}, COUNT(*)
FROM c WHERE {ok} AND stay_end IS NOT NULL GROUP BY fy_out, grp
UNION ALL
SELECT 'quality', reason, NULL, NULL, CAST(SUM(n_rows) AS DOUBLE), COUNT(*) FROM c WHERE reason IS NOT NULL GROUP BY reason
UNION ALL
SELECT 'quality', 'duplicate stint', NULL, NULL, CAST(SUM(n_dup) AS DOUBLE), SUM(CASE WHEN n_dup > 0 THEN 1 ELSE 0 END)
FROM c WHERE {ok}
UNION ALL
SELECT 'quality', 'stints read', NULL, NULL, CAST(SUM(n_rows) AS DOUBLE), COUNT(*) FROM c
UNION ALL
SELECT 'flag', 'open stay', NULL, NULL, CAST(SUM(n_rows) AS DOUBLE), COUNT(*) FROM c WHERE {ok} AND stay_end IS NULL
UNION ALL
SELECT 'flag', 'stay across fiscal years', NULL, NULL, CAST(SUM(n_rows) AS DOUBLE), COUNT(*)
FROM c WHERE {ok} AND fy_last > fy_in
UNION ALL
SELECT 'flag', CASE crim_rank WHEN 9 THEN 'missing criminality' WHEN 8 THEN 'redacted criminality'
  ELSE 'unknown criminality code' END, NULL, NULL, CAST(SUM(n_rows) AS DOUBLE), COUNT(*)
FROM c WHERE {ok} AND crim_rank > 3 GROUP BY crim_rank"""


# --- encounters --------------------------------------------------------------------------


def encounters_rows_sql(selects: Sequence[str], layout: Layout, d: Dialect, by: str | None, name: str) -> str:
    """Encounter rows checked and de-duplicated (one row per distinct dimensions)."""
    cols = layout.tables[0].columns
    months = layout.values.get("month", {}).get("months", ())
    fy_col, month_col, count_col = (cols[r].names[0] for r in ("fiscal_year", "month", "encounter_count"))
    dims = [r for r in cols if r not in ("encounter_count", "month_grouping")]
    reason = (
        "CASE"
        f" WHEN fiscal_year IS NULL THEN {lit('missing or unreadable ' + fy_col)}"
        f" WHEN upper(month) NOT IN {in_list(months)} OR month IS NULL THEN {lit('unknown ' + month_col)}"
        f" WHEN encounter_count__bad IS NOT NULL THEN {lit('unreadable ' + count_col)}"
        f" WHEN encounter_count IS NULL THEN {lit('missing ' + count_col)}"
        f" WHEN encounter_count < 0 THEN {lit('negative ' + count_col)}"
        " END"
    )
    grp = "CAST(NULL AS STRING)" if by is None else by
    keys = ", ".join(dims)
    return d.temp_table(
        name,
        f"""WITH src AS (
{_union(selects)}
),
r AS (SELECT *, {reason} AS row_reason FROM src)
SELECT row_reason, {keys}, {grp} AS grp, COUNT(*) AS n_rows, COUNT(DISTINCT encounter_count) AS n_values, MAX(encounter_count) AS encounter_count
FROM r
GROUP BY row_reason, {keys}""",
    )


def encounters_measure_sql(rows: str, layout: Layout, measures: Sequence[MeasureSpec]) -> str:
    """Per measure: the sum of counts per fiscal year (and group); then the quality counts."""
    titles = [v for vs in layout.values.get("title_of_authority", {}).values() for v in vs]
    months = layout.values.get("month", {}).get("months", ())
    month_pos = "CASE upper(month) " + " ".join(f"WHEN {lit(mo)} THEN {k}" for k, mo in enumerate(months, 1)) + " END"
    parts = []
    for i, m in enumerate(measures):
        cond = " AND ".join(f"{role} IN {in_list(vals)}" for role, vals in m.where.items()) or "TRUE"
        parts.append(
            f"SELECT 'measure' AS kind, {lit(str(i))} AS stat, fiscal_year AS fy, grp, SUM(encounter_count) AS value,"
            f" COUNT(*) AS n\nFROM {rows} WHERE row_reason IS NULL AND {cond} GROUP BY fiscal_year, grp"
        )
    parts += [
        f"SELECT 'coverage', 'months', fiscal_year, NULL, CAST(MAX({month_pos}) AS DOUBLE), COUNT(*) FROM {rows}"
        " WHERE row_reason IS NULL GROUP BY fiscal_year",
        f"SELECT 'quality', row_reason, NULL, NULL, CAST(SUM(n_rows) AS DOUBLE), COUNT(*) FROM {rows}"
        " WHERE row_reason IS NOT NULL GROUP BY row_reason",
        f"SELECT 'quality', 'duplicate row', NULL, NULL, CAST(SUM(n_rows - 1) AS DOUBLE), COUNT(*) FROM {rows}"
        " WHERE row_reason IS NULL AND n_rows > 1 AND n_values = 1",
        f"SELECT 'flag', 'conflicting duplicate rows (largest count kept)', NULL, NULL, CAST(SUM(n_rows - 1) AS DOUBLE),"
        f" COUNT(*) FROM {rows} WHERE row_reason IS NULL AND n_values > 1",
        f"SELECT 'flag', 'unknown Title of Authority', NULL, NULL, CAST(SUM(n_rows) AS DOUBLE), COUNT(*) FROM {rows}"
        f" WHERE row_reason IS NULL AND (title_of_authority IS NULL OR title_of_authority NOT IN {in_list(titles)})",
        f"SELECT 'quality', 'rows read', NULL, NULL, CAST(SUM(n_rows) AS DOUBLE), COUNT(*) FROM {rows}",
    ]
    return "\nUNION ALL\n".join(parts)


# --- fiscal-year tables ------------------------------------------------------------------


def fytable_sql(selects: Sequence[str], m: MeasureSpec) -> str:
    """One measure of a fiscal-year statistics table, from the latest pull of each year.

    Output columns: ``fy, grp, value, n_values, n_rows, pull_date, file_date`` for the
    measure, then quality rows with ``fy`` NULL and the reason in ``grp``.
    """
    terms = " + ".join(m.value)
    v = f"({terms})"
    if m.divide_by:
        v = f"({v} / NULLIF({m.divide_by}, 0))"
    if m.complement:
        v = f"(1 - {v})"
    cond = " AND ".join(f"{role} IN {in_list(vals)}" for role, vals in m.where.items()) or "TRUE"
    grp = "CAST(NULL AS STRING)" if m.by is None else m.by
    bad = " OR ".join(f"{r}__bad IS NOT NULL" for r in (*m.value, *((m.divide_by,) if m.divide_by else ())))
    return f"""WITH src AS (
{_union(selects)}
),
pulls AS (SELECT fiscal_year, pull_date, MAX(file_date) AS file_date FROM src GROUP BY fiscal_year, pull_date),
firsts AS (SELECT fiscal_year, MIN(pull_date) AS first_pull FROM src GROUP BY fiscal_year),
ok AS (
  SELECT pulls.* FROM pulls LEFT JOIN firsts ON firsts.fiscal_year = pulls.fiscal_year + 1
  WHERE firsts.first_pull IS NULL OR pulls.pull_date < firsts.first_pull
),
latest AS (SELECT fiscal_year, MAX(pull_date) AS pull_date FROM ok GROUP BY fiscal_year),
chosen AS (
  SELECT latest.fiscal_year, latest.pull_date, pulls.file_date FROM latest
  JOIN pulls ON pulls.fiscal_year = latest.fiscal_year AND pulls.pull_date = latest.pull_date
),
t AS (
  SELECT src.*, {v} AS v, {grp} AS grp,
    CASE WHEN src.fiscal_year IS NULL OR src.pull_date IS NULL THEN 'missing or unreadable fiscal_year or pull_date'
         WHEN ok.fiscal_year IS NULL THEN 'pull dated on or after the first pull of the next fiscal year'
         WHEN chosen.fiscal_year IS NULL OR src.file_date <> chosen.file_date THEN 'superseded by a later pull or file'
         WHEN NOT ({cond}) THEN 'not selected'
         WHEN {bad or "FALSE"} THEN 'unreadable or redacted value'
         WHEN {v} IS NULL THEN 'missing value'
    END AS reason,
    chosen.pull_date AS chosen_pull, chosen.file_date AS chosen_file
  FROM src
  LEFT JOIN ok ON ok.fiscal_year = src.fiscal_year AND ok.pull_date = src.pull_date
  LEFT JOIN chosen ON chosen.fiscal_year = src.fiscal_year AND chosen.pull_date = src.pull_date
)
SELECT fiscal_year AS fy, grp, MAX(v) AS value, COUNT(DISTINCT v) AS n_values, COUNT(*) AS n_rows,
  CAST(MAX(chosen_pull) AS STRING) AS pull_date, CAST(MAX(chosen_file) AS STRING) AS file_date
FROM t WHERE reason IS NULL GROUP BY fiscal_year, grp
UNION ALL
SELECT NULL, reason, NULL, NULL, COUNT(*), NULL, NULL FROM t WHERE reason IS NOT NULL GROUP BY reason"""
