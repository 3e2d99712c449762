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
    "stints_duplicates_sql",
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

    def quantiles(self, x: str, ps: Sequence[float]) -> str:
        """A list of linear-interpolation quantiles (type 7), one sort for all."""
        arr = ", ".join(repr(float(p)) for p in ps)
        if self.name == "duckdb":
            return f"quantile_cont({x}, [{arr}])"
        return f"percentile({x}, array({', '.join(f'CAST({float(p)!r} AS DOUBLE)' for p in ps)}))"

    def redacted(self, x: str, markers: Sequence[str]) -> str:
        """``x`` is one of the (lower-case) markers; the byte-length test first spares most cells ``lower()``."""
        if not markers:
            return "FALSE"
        lengths = ", ".join(str(n) for n in sorted({len(m.encode()) for m in markers}))
        size = f"strlen({x})" if self.name == "duckdb" else f"octet_length({x})"
        return f"({size} IN ({lengths}) AND lower({x}) IN {in_list(markers)})"

    def date_add(self, x: str, days: int) -> str:
        """A date ``days`` days after ``x``."""
        return f"({x} + INTERVAL {int(days)} DAY)" if self.name == "duckdb" else f"date_add({x}, {int(days)})"

    def epoch_us(self, x: str) -> str:
        """Microseconds since 1970-01-01 of a TIMESTAMP, as a BIGINT (exact)."""
        return f"epoch_us({x})" if self.name == "duckdb" else f"unix_micros({x})"

    def small_sum(self, x: str) -> str:
        """The sum of BIGINTs as a DOUBLE: exact while every partial sum stays within 2^53.

        A DOUBLE holds every integer up to 2^53 (about 9.0e15) exactly, so a sum of a few
        such integers is exact in any order; it is several times cheaper than DuckDB's
        HUGEINT sum. The stays pass reads it only for stays of three book-ins, whose
        offsets from the stay book-in are microseconds (2^53 / 3 of them: 95 years).
        """
        return f"SUM(CAST({x} AS DOUBLE))"

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
        # text files: cells trimmed, blank = missing; typed files (Parquet, Feather): empty = missing
        text = (
            f"NULLIF(TRIM(CAST({c} AS STRING)), '')"
            if sf.file.format in ("csv", "xlsx")
            else f"NULLIF(CAST({c} AS STRING), '')"
        )
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


def stints_stays_sql(
    selects: Sequence[str],
    layout: Layout,
    d: Dialect,
    by: str | None,
    name: str,
    start_month: int,
    text_times: bool = True,
    duplicates: bool = True,
) -> str:
    """Collapse stints into stays (one row per person and stay book-in), materialised as ``name``.

    Rows are grouped by person and stay book-in as read; a group whose person is missing or
    redacted, or whose stay book-in is missing, redacted or unreadable, gets that reason
    (``row_reason``) and counts its rows but is no stay. Each stay row has its end, the
    reason it is not used (or NULL), its criminality rank (1 convicted, 2 pending, 3 other,
    7 unknown code, 8 redacted, 9 missing; the most serious of its stints) and the seconds
    and fiscal years the measures need (those that depend on ``as_of`` are computed later).

    ``n_dup`` counts the duplicated stints of the stay (rows after the first with the same
    book-in; a missing book-in equals a missing one), exactly and in this same pass, from
    the count, least, greatest and sum of the book-ins (microseconds after the stay
    book-in, summed as a DOUBLE: exact for the three book-ins it is read for, see
    :meth:`Dialect.small_sum`): all equal, or two or three book-ins, settle it. A stay with four book-ins or
    more, not all equal, is left NULL and named (``amb_person``, ``amb_in``) for
    :func:`stints_duplicates_sql`, which counts its rows one by one.
    """
    cols = layout.tables[0].columns
    crim = layout.values.get("criminality", {})
    person, stay_in, stay_out = (cols[r].names[0] for r in ("person", "stay_book_in", "stay_book_out"))
    reason = (
        "CASE"
        f" WHEN person IS NULL THEN {lit('missing ' + person)}"
        f" WHEN {d.redacted('person', layout.redaction)} THEN {lit('redacted ' + person)}"
        f" WHEN in_bad = 'redacted' THEN {lit('redacted ' + stay_in)}"
        f" WHEN in_bad = 'unreadable' THEN {lit('unreadable ' + stay_in)}"
        f" WHEN stay_in IS NULL THEN {lit('missing ' + stay_in)}"
        " END"
    )
    rank = (  # the common cases first: CASE tests a row only until a branch holds
        "CASE"
        f" WHEN criminality IN {in_list(crim.get('convicted', ()))} THEN 1"
        f" WHEN criminality IN {in_list(crim.get('pending', ()))} THEN 2"
        f" WHEN criminality IN {in_list(crim.get('other', ()))} THEN 3"
        " WHEN criminality IS NULL THEN 9"
        f" WHEN {d.redacted('criminality', layout.redaction)} THEN 8"
        " ELSE 7 END"
    )
    grp = "CAST(NULL AS STRING)" if by is None else f"min_by({by}, book_in)"
    bad_stay_out, bad_book_out = (
        (f"SUM(CASE WHEN {c}__bad IS NOT NULL THEN 1 ELSE 0 END)" if text_times else "0")
        for c in ("stay_book_out", "book_out")
    )
    if duplicates:
        offset = d.epoch_us("book_in") + " - " + d.epoch_us("stay_book_in")
        dup_aggs = (
            "COUNT(book_in) AS n_bi, MIN(book_in) AS bi_min, MAX(book_in) AS bi_max,\n"
            f"    {d.small_sum(offset)} AS bi_sum,"
        )
        lo, hi = (f"({d.epoch_us(x)} - {d.epoch_us('stay_in')})" for x in ("bi_min", "bi_max"))
        n_dup = (
            "CASE WHEN n_bi <= 1 THEN 0 WHEN bi_min = bi_max THEN n_bi - 1 WHEN n_bi = 2 THEN 0"
            f" WHEN n_bi = 3 THEN CASE WHEN bi_sum - {lo} - {hi} IN ({lo}, {hi}) THEN 1 ELSE 0 END"
            " END + GREATEST(n_rows - n_bi - 1, 0)"
        )
    else:
        dup_aggs, n_dup = "", "0"
    return d.temp_table(
        name,
        f"""WITH src AS (
{_union(selects)}
),
g AS (
  SELECT person, stay_book_in AS stay_in, {"stay_book_in__bad" if text_times else "CAST(NULL AS STRING)"} AS in_bad,
    COUNT(*) AS n_rows,
    {dup_aggs}
    MAX(stay_book_out) AS stay_out,
    {bad_stay_out} AS n_bad_stay_out,
    MAX(book_out) AS book_out,
    COUNT(book_out) AS n_book_out,
    {bad_book_out} AS n_bad_book_out,
    MIN({rank}) AS crim_rank,
    {grp} AS grp
  FROM src
  GROUP BY person, stay_book_in{", stay_book_in__bad" if text_times else ""}
),
h AS (
  SELECT *, {reason} AS row_reason,
    COALESCE(stay_out, CASE WHEN n_book_out = n_rows AND n_bad_book_out = 0 THEN book_out END) AS end0,
    {n_dup} AS n_dup0
  FROM g
),
k AS (
  SELECT row_reason, n_rows, crim_rank, grp,
    CASE WHEN row_reason IS NULL THEN 1 ELSE n_rows END AS units,
    CASE WHEN row_reason IS NOT NULL THEN row_reason
         WHEN n_bad_stay_out > 0 THEN {lit("unreadable or redacted " + stay_out)}
         WHEN end0 < stay_in THEN 'book-out before book-in'
    END AS reason,
    CASE WHEN row_reason IS NULL THEN stay_in END AS stay_in,
    CASE WHEN row_reason IS NULL AND n_bad_stay_out = 0 THEN end0 END AS stay_end,
    CASE WHEN row_reason IS NULL THEN GREATEST(stay_in, stay_out, book_out) END AS last_event,
    CASE WHEN row_reason IS NULL THEN n_dup0 ELSE 0 END AS n_dup,
    CASE WHEN row_reason IS NULL AND n_dup0 IS NULL THEN person END AS amb_person
  FROM h
)
SELECT reason, units, n_rows, n_dup, crim_rank, grp,
  CASE WHEN reason IS NULL THEN amb_person END AS amb_person,
  CASE WHEN reason IS NULL AND amb_person IS NOT NULL THEN stay_in END AS amb_in,
  {d.epoch("stay_in")} AS in_s,
  {d.epoch("stay_end")} AS out_s,
  {d.epoch("last_event")} AS last_s,
  {fiscal_year("stay_in", start_month)} AS fy_in,
  {fiscal_year("stay_end", start_month)} AS fy_out,
  {fiscal_year("(stay_end - INTERVAL 1 MICROSECOND)", start_month)} AS fy_end
FROM k""",
    )


def stints_bounds_sql(stays: str) -> str:
    """First stay book-in and latest book-in or book-out of the stays."""
    return f"SELECT MIN(in_s), MAX(last_s) FROM {stays} WHERE in_s IS NOT NULL"


def stints_duplicates_sql(selects: Sequence[str], stays: str) -> str:
    """The duplicated stints of the stays :func:`stints_stays_sql` left open (four book-ins or more).

    The rows of those stays (found by their stay book-in first, a cheap key, then by person)
    grouped by person, stay book-in and book-in; returns ``extra rows, stays with some``.
    """
    return f"""WITH src AS (
{_union(selects)}
),
amb AS (SELECT amb_person, amb_in FROM {stays} WHERE amb_person IS NOT NULL),
c AS (SELECT person, stay_book_in, book_in FROM src WHERE stay_book_in IN (SELECT amb_in FROM amb)),
m AS (SELECT c.person, c.stay_book_in, c.book_in FROM c JOIN amb ON amb.amb_person = c.person AND amb.amb_in = c.stay_book_in),
n AS (SELECT COUNT(*) - 1 AS extra FROM m GROUP BY person, stay_book_in, book_in)
SELECT SUM(extra), COUNT(*) FROM n WHERE extra > 0"""


def stints_aggregate_sql(
    stays: str, d: Dialect, as_of_end: float, fy_as_of: int, periods: Sequence[tuple[int, float, float]]
) -> dict[str, str]:
    """The queries of the statistics per fiscal year (and group) and of the record counts.

    ``fy_quality``, in one pass: per reason (NULL: the stays used), fiscal year of book-in
    and group - ``rows, units`` (stays; rows that form no stay count one each),
    duplicated stints, stays whose duplicates are left to :func:`stints_duplicates_sql`,
    open stays, stays across fiscal years and criminality not known (rows and stays each;
    meaningful for the stays used), then ``stays, non-criminal, known criminality,
    stay-seconds in the year of book-in, stays with some`` (the measures take the rows of
    the stays used); ``adp``: the
    stay-seconds of stays in the later fiscal years they reach (``fy, grp, seconds,
    stays``); ``los``: ``fy, grp, [median, p90], stays`` by fiscal year of book-out.
    """
    a = flt(as_of_end)
    per = ", ".join(f"({fy}, {flt(s)}, {flt(e)})" for fy, s, e in periods)
    ok = "reason IS NULL"
    fy_last = f"GREATEST(fy_in, LEAST(fy_end, {fy_as_of}))"
    first = f"(LEAST(out_s, {a}, p.end_s) - in_s)"
    crim = ",\n  ".join(
        f"SUM(CASE WHEN crim_rank = {r} THEN n_rows ELSE 0 END), SUM(CASE WHEN crim_rank = {r} THEN 1 ELSE 0 END)"
        for r in (7, 8, 9)
    )
    return {
        "fy_quality": f"""WITH p AS (SELECT * FROM (VALUES {per}) AS p0(fy, start_s, end_s))
SELECT reason, fy_in, grp, SUM(n_rows), SUM(units),
  SUM(n_dup), SUM(CASE WHEN n_dup IS NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN out_s IS NULL THEN n_rows ELSE 0 END), SUM(CASE WHEN out_s IS NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN {fy_last} > fy_in THEN n_rows ELSE 0 END), SUM(CASE WHEN {fy_last} > fy_in THEN 1 ELSE 0 END),
  {crim},
  COUNT(*),
  SUM(CASE WHEN crim_rank IN (2, 3) THEN 1 ELSE 0 END),
  SUM(CASE WHEN crim_rank IN (1, 2, 3) THEN 1 ELSE 0 END),
  SUM(CASE WHEN in_s < {a} THEN GREATEST({first}, 0) ELSE 0 END),
  SUM(CASE WHEN in_s < {a} AND {first} > 0 THEN 1 ELSE 0 END)
FROM {stays} LEFT JOIN p ON p.fy = {stays}.fy_in
GROUP BY reason, fy_in, grp""",
        "adp": f"""WITH p AS (SELECT * FROM (VALUES {per}) AS p0(fy, start_s, end_s)),
s AS (
  SELECT in_s, LEAST(out_s, {a}) AS e, fy_in, {fy_last} AS fy_last, grp
  FROM {stays} WHERE {ok} AND in_s < {a} AND LEAST(fy_end, {fy_as_of}) > fy_in
)
SELECT p.fy, s.grp, SUM(LEAST(s.e, p.end_s) - GREATEST(s.in_s, p.start_s)),
  SUM(CASE WHEN LEAST(s.e, p.end_s) > GREATEST(s.in_s, p.start_s) THEN 1 ELSE 0 END)
FROM s JOIN p ON p.fy > s.fy_in AND p.fy <= s.fy_last
GROUP BY p.fy, s.grp""",
        "los": f"""SELECT fy_out, grp, {d.quantiles("(out_s - in_s) / CAST(86400 AS DOUBLE)", (0.5, 0.9))}, COUNT(*)
FROM {stays} WHERE {ok} AND out_s IS NOT NULL GROUP BY fy_out, grp""",
    }


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


def fytable_sql(selects: Sequence[str], m: MeasureSpec, d: Dialect, start_month: int, window_days: int) -> str:
    """One measure of a fiscal-year statistics table, from the latest pull of each year.

    A pull of fiscal year ``n`` counts when its pull date falls in the year or up to
    ``window_days`` after it, and the same pull date is not also a pull of year ``n + 1``
    (then the file is the next year's, under the earlier name). Output columns: ``fy,
    grp, value, n_values, n_rows, pull_date, file_date`` for the measure, then quality
    rows with ``fy`` NULL and the reason in ``grp``.
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
    y0 = "pulls.fiscal_year - 1" if start_month > 1 else "pulls.fiscal_year"
    y1 = "pulls.fiscal_year" if start_month > 1 else "pulls.fiscal_year + 1"
    return f"""WITH src AS (
{_union(selects)}
),
pulls AS (SELECT fiscal_year, pull_date, MAX(file_date) AS file_date FROM src GROUP BY fiscal_year, pull_date),
ok AS (
  SELECT pulls.*,
    CASE WHEN pulls.pull_date < make_date({y0}, {start_month}, 1)
           OR pulls.pull_date >= {d.date_add(f"make_date({y1}, {start_month}, 1)", window_days)}
           THEN 'pull date outside the fiscal year and the {window_days} days after it'
         WHEN nxt.fiscal_year IS NOT NULL THEN 'pull also published under the next fiscal year'
    END AS why
  FROM pulls LEFT JOIN pulls nxt ON nxt.fiscal_year = pulls.fiscal_year + 1 AND nxt.pull_date = pulls.pull_date
),
latest AS (SELECT fiscal_year, MAX(pull_date) AS pull_date FROM ok WHERE why IS NULL GROUP BY fiscal_year),
chosen AS (
  SELECT latest.fiscal_year, latest.pull_date, pulls.file_date FROM latest
  JOIN pulls ON pulls.fiscal_year = latest.fiscal_year AND pulls.pull_date = latest.pull_date
),
t AS (
  SELECT src.*, {v} AS v, {grp} AS grp,
    CASE WHEN src.fiscal_year IS NULL OR src.pull_date IS NULL THEN 'missing or unreadable fiscal_year or pull_date'
         WHEN ok.why IS NOT NULL THEN ok.why
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
