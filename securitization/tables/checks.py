"""The checks of the tables: every problem of every cell, collected at once, in one pass.

Each ``validate_*`` function takes the raw text table (as a reader gives it, with ``file``
and ``row``), adds a :class:`~securitization.errors.Problem` to the collector for every
cell that breaks the schema or the codebook (the file, the spreadsheet row, the column,
the value found, what was expected and, for a closed choice, the nearest valid value) and
a :class:`~securitization.errors.Note` for every input read in a way the user should know
of (a header matched ignoring case, a kind written as an alias, a level written as a
word), and returns the typed table.

Checks work on the distinct values of a column (``pandas.factorize``), not row by row:
a million rows with a few thousand distinct dates, kinds and codes cost a few passes over
integer arrays. A problem shared by many rows is listed for the first rows and counted for
the rest, so that a hostile or broken file gives a readable report in bounded time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import union_categoricals

from ..codebook import Codebook
from ..countries import FiscalYear, fiscal_year
from ..errors import Note, Problem
from ..files import ID_RULE, id_problem
from ..periods import PeriodError, SlashOrder, assign_by_overlap, parse_period, read_date, slash_order
from ..reading import TableKind
from ..reading.formats import BESIDE
from ..rules import suggest
from .schema import COLUMNS, DEFAULT_CODER, MAX_POPULATION, MAX_VALUE

__all__ = [
    "NUMBER_FORMS",
    "SIGNED_UNITS",
    "Collector",
    "concat",
    "parse_dates",
    "parse_numbers",
    "validate_adjudications",
    "validate_cases",
    "validate_countries",
    "validate_evidence",
    "validate_measures",
]

_ISO3 = re.compile(r"[A-Z]{3}")
#: Units of measures that may be negative (a log-odds scale, a change); counts and rates may not.
SIGNED_UNITS = ("logit", "log-odds", "log ratio", "change", "difference")
#: A problem shared by more rows than this is listed for the first of them and counted.
MAX_LISTED = 25


class Collector:
    """The problems and notes of one validation, grouped so that one cause is one message."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.notes: list[Note] = []
        self._seen: set[tuple[str, int | None, str | None]] = set()

    def _add(self, file: str, row: int | None, column: str | None, value: str | None, expected: str) -> None:
        key = (file, row, column)
        if row is not None and key in self._seen:  # one message per cell
            return
        self._seen.add(key)
        self.problems.append(Problem(file=file, row=row, column=column, value=value, expected=expected))

    def rows(
        self,
        frame: pd.DataFrame,
        mask: pd.Series | np.ndarray,
        column: str | None,
        expected: str | Callable[[str], str],
        value_col: str | None = None,
    ) -> None:
        """A problem for each row of ``mask``; ``expected`` may depend on the value found."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        where = np.flatnonzero(mask)
        vcol = value_col or column
        values = (
            frame[vcol].iloc[where].to_numpy(dtype=object)
            if vcol in frame.columns
            else np.full(len(where), None, dtype=object)
        )
        files = frame["file"].iloc[where].astype(str).to_numpy()
        rownums = frame["row"].iloc[where].to_numpy()
        groups: dict[tuple[str, str], list[int]] = {}
        for j in range(len(where)):
            v = None if values[j] is None else str(values[j])
            text = expected(v or "") if callable(expected) else expected
            groups.setdefault((str(files[j]), text), []).append(j)
        for (file, text), js in groups.items():
            for j in js[:MAX_LISTED]:
                v = None if values[j] is None else str(values[j])
                self._add(file, int(rownums[j]), column, v, text)
            if len(js) > MAX_LISTED:
                self.problems.append(
                    Problem(
                        file=file,
                        row=None,
                        column=column,
                        value=None,
                        expected=f"{text} (the same in {len(js) - MAX_LISTED:,} more rows, not listed)",
                    )
                )

    def repeated(self, frame: pd.DataFrame, mask: np.ndarray, keys: np.ndarray, column: str, expected: str) -> None:
        """One problem per repeated key (rows of ``mask`` sharing a ``keys`` value), at its first row."""
        where = np.flatnonzero(mask)
        if not len(where):
            return
        files = frame["file"].iloc[where].astype(str).to_numpy()
        rownums = frame["row"].iloc[where].to_numpy()
        values = frame[column].iloc[where].to_numpy(dtype=object)
        order = np.lexsort((rownums, keys[where]))
        groups: dict[object, list[int]] = {}
        for j in order:
            groups.setdefault(keys[where][j], []).append(int(j))
        for n, js in enumerate(groups.values()):
            if n == MAX_LISTED:
                self.file(str(files[js[0]]), column, f"{expected} (and {len(groups) - MAX_LISTED:,} more repeated)")
                break
            first = js[0]
            others = ", ".join(
                f"row {rownums[j]}" + (f" of {files[j]}" if files[j] != files[first] else "") for j in js[1:]
            )
            self._add(
                str(files[first]), int(rownums[first]), column, str(values[first]), f"{expected} (also on {others})"
            )

    def file(self, file: str, column: str | None, expected: str, value: str | None = None) -> None:
        self.problems.append(Problem(file=file, row=None, column=column, value=value, expected=expected))

    def note(self, file: str, column: str | None, note: str, value: str | None = None, row: int | None = None) -> None:
        self.notes.append(Note(file=file, row=row, column=column, value=value, note=note))

    def note_rows(self, frame: pd.DataFrame, mask: np.ndarray, column: str, note: Callable[[str], str]) -> None:
        """One note per file and value for the rows of ``mask`` (with their number)."""
        where = np.flatnonzero(mask)
        if not len(where):
            return
        sub = pd.DataFrame(
            {"file": frame["file"].iloc[where].astype(str).to_numpy(), "v": frame[column].iloc[where].to_numpy()}
        )
        for (file, v), n in sub.groupby(["file", "v"], sort=True, observed=True).size().items():
            self.note(str(file), column, f"{note(str(v))} ({n} row{'s' if n != 1 else ''})", value=str(v))


def _norm_name(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def check_columns(frame: pd.DataFrame, kind: TableKind, col: Collector) -> pd.DataFrame | None:
    """The frame with its columns named as the schema names them, or ``None`` if one is missing or unknown.

    A header written with other capitals, spaces or hyphens (``Code``, ``Evidence ID``) is
    read as the schema's name, with a note; an unknown header gets the nearest name.
    """
    spec = COLUMNS[kind]
    file = str(frame["file"].iloc[0]) if len(frame) else "(empty table)"
    have = [c for c in frame.columns if c not in ("file", "row", "decimal")]
    rename = {}
    for name in have:
        if name not in spec and not name.startswith("x_") and _norm_name(name) in spec:
            rename[name] = _norm_name(name)
    if rename:
        col.note(file, None, "columns read as " + ", ".join(f"{a!r} -> {b!r}" for a, b in rename.items()))
        frame = frame.rename(columns=rename)
        have = [rename.get(c, c) for c in have]
    ok = True
    for name in have:
        if have.count(name) > 1:
            col.file(file, name, f"each {kind} column once (after reading headers ignoring case)")
            ok = False
    for name, required in spec.items():
        if required and name not in have:
            col.file(file, name, f"a required {kind} column {name!r} (columns: {', '.join(spec)})")
            ok = False
    for name in have:
        if name not in spec and not name.startswith("x_"):
            hint = suggest(_norm_name(name), list(spec))
            col.file(file, name, f"a known {kind} column ({', '.join(spec)}){hint}; prefix your own columns with 'x_'")
            ok = False
    return frame if ok else None


def _blank(index: pd.Index) -> pd.Series:
    """An absent optional column: every cell empty (one byte a row, as a one-category categorical)."""
    return pd.Series(
        pd.Categorical.from_codes(np.zeros(len(index), dtype=np.int8), categories=pd.Index([""], dtype=str)),
        index=index,
    )


def concat(frames: Sequence[pd.DataFrame], kind: TableKind, col: Collector) -> pd.DataFrame:
    """The tables of one kind as one, with every column of the schema (empty where absent)."""
    spec = COLUMNS[kind]
    good = []
    for frame in frames:
        checked = check_columns(frame, kind, col)
        if checked is not None:
            good.append(checked)
    base = [*list(spec), "file", "row", "decimal"]
    if not good:
        return pd.DataFrame({c: pd.Series(dtype=str) for c in base})
    extra = sorted({c for f in good for c in f.columns if c.startswith("x_")})
    parts = []
    for f in good:
        n = len(f)
        add = {c: _blank(f.index) for c in [*spec, *extra] if c not in f.columns}
        if "decimal" not in f.columns:
            add["decimal"] = pd.Series(pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), ["."]), index=f.index)
        parts.append(f.assign(**add)[base + extra] if add else f[base + extra])
    if len(parts) == 1:
        out = parts[0].reset_index(drop=True)
    else:  # categoricals of several files joined as categoricals (pandas would make them objects)
        joined = {}
        for c in base + extra:
            cols = [p[c] for p in parts]
            if all(isinstance(x.dtype, pd.CategoricalDtype) for x in cols):
                joined[c] = pd.Series(union_categoricals([x.array for x in cols]))
            else:
                joined[c] = pd.concat([x.astype(str) for x in cols], ignore_index=True)
        out = pd.DataFrame(joined)
    for c in [*spec, *extra]:
        if not pd.api.types.is_string_dtype(out[c]) and not isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype(str)
    out["file"] = out["file"].astype("category")
    out["decimal"] = out["decimal"].astype("category")
    return out


# --- values ---------------------------------------------------------------------------------


T = TypeVar("T")


def sorted_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes of a text column into its sorted distinct values.

    Arrow-backed text is sorted by Arrow (several times faster than a hash table on a
    million distinct ids); the order is the code-point order, as Python sorts strings.

    >>> codes, uniques = sorted_codes(pd.Series(["b", "a", "b"]))
    >>> codes.tolist(), list(uniques)
    ([1, 0, 1], ['a', 'b'])
    """
    to_arrow = getattr(values.array, "__arrow_array__", None)
    if to_arrow is None or len(values) < 2:
        codes, uniques = pd.factorize(values, sort=True)
        return codes.astype(np.intp), pd.Index(uniques)
    data = to_arrow()
    order = pc.array_sort_indices(data)
    ordered = data.take(order)
    new = np.empty(len(ordered), dtype=bool)
    new[0] = True
    new[1:] = pc.not_equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1)).to_numpy(zero_copy_only=False)
    codes = np.empty(len(ordered), dtype=np.intp)
    codes[order.to_numpy()] = np.cumsum(new) - 1
    kept = ordered.filter(pa.array(new))
    uniques = (kept if isinstance(kept, pa.ChunkedArray) else pa.chunked_array([kept])).to_pandas()
    return codes, pd.Index(uniques)


def _per_unique(values: pd.Series, fn: Callable[[str], T]) -> tuple[np.ndarray, np.ndarray, list[T]]:
    """``fn`` of every distinct value: (codes per row, uniques, results per unique)."""
    codes, uniques = pd.factorize(values, sort=False)
    return codes, np.asarray(uniques, dtype=object), [fn(str(u)) for u in uniques]


def parse_dates(
    values: pd.Series, files: pd.Series | None = None, *, day: bool = False
) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """First and last day of each date cell, and a mask of the refused cells.

    Day-month-year dates are read in the order their file's column shows (see
    :func:`~securitization.periods.slash_order`); ``day=True`` refuses a month or a year
    (a term starts and ends on a day). Each distinct (file, cell) pair is parsed once.
    """
    n = len(values)
    codes, uniques = pd.factorize(values, sort=False)
    texts = np.asarray(uniques, dtype=object)
    if files is None or n == 0:
        file_of, text_of, pair = np.zeros(len(texts), dtype=np.intp), np.arange(len(texts)), codes
    else:  # the distinct (file, cell) pairs
        file_codes, _ = pd.factorize(files, sort=False)
        pair, keys = pd.factorize(file_codes.astype(np.int64) * max(len(texts), 1) + codes, sort=False)
        keys = np.asarray(keys, dtype=np.int64)
        file_of, text_of = keys // max(len(texts), 1), keys % max(len(texts), 1)
    orders: dict[int, SlashOrder | str | None] = {}
    for f in np.unique(file_of):
        cells = texts[text_of[file_of == f]]
        slashed = [str(c) for c in cells if "/" in str(c) or "." in str(c)]
        orders[int(f)] = slash_order(slashed) if slashed else None

    def one(text: str, order: SlashOrder | str | None) -> tuple[np.datetime64, np.datetime64]:
        nat = np.datetime64("NaT")
        if not text:
            return nat, nat
        try:
            a, b = read_date(text, order if order in ("dmy", "mdy") else None)
        except PeriodError:
            return nat, nat
        if day and a != b:
            return nat, nat
        return np.datetime64(a, "ns"), np.datetime64(b, "ns")

    res = [one(str(texts[t]), orders[int(f)]) for t, f in zip(text_of, file_of, strict=True)]
    first = np.array([r[0] for r in res], dtype="datetime64[ns]")
    last = np.array([r[1] for r in res], dtype="datetime64[ns]")
    bad_pair = np.isnat(first) & np.array([bool(texts[t]) for t in text_of], dtype=bool)
    return (
        pd.Series(
            first[pair] if len(res) else np.full(n, np.datetime64("NaT"), "datetime64[ns]"),
            index=values.index,
            copy=False,
        ),
        pd.Series(
            last[pair] if len(res) else np.full(n, np.datetime64("NaT"), "datetime64[ns]"),
            index=values.index,
            copy=False,
        ),
        bad_pair[pair] if len(res) else np.zeros(n, dtype=bool),
    )


_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 12,345.6
_SPACED = re.compile(r"[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?")  # 12 345 (spaces between thousands)
_COMMA_DECIMAL = re.compile(r"[+-]?\d+,\d+")  # 1,5
_DOT_GROUPED = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")  # 1.234,5
NUMBER_FORMS = (
    "a number such as 12, 1.5, 12345 or 12,345 (a point for decimals; a comma for decimals only in a "
    "semicolon-separated file, as Excel writes it in comma-decimal languages; no units or %)"
)


def _number(text: str, comma_decimal: bool) -> float:
    t = text.strip()
    if not t:
        return np.nan
    if comma_decimal:
        if _COMMA_DECIMAL.fullmatch(t):
            return float(t.replace(",", "."))
        if re.fullmatch(r"[+-]?\d{1,3}\.\d{3}", t):  # 1.500: a thousand and a half, or one and a half?
            return np.nan
        if _DOT_GROUPED.fullmatch(t):
            return float(t.replace(".", "").replace(",", "."))
    if _PLAIN_NUMBER.fullmatch(t):
        return float(t)
    if not comma_decimal and _GROUPED.fullmatch(t):
        return float(t.replace(",", ""))
    if _SPACED.fullmatch(t):
        return float(re.sub(r"[ \u00a0\u202f]", "", t).replace(",", "."))
    return np.nan


def parse_numbers(values: pd.Series, decimal: pd.Series | None = None) -> pd.Series:
    """Numbers as written in a cell (see :data:`NUMBER_FORMS`); ``NaN`` for empty or unreadable cells.

    ``decimal`` (one entry per row, ``","`` or ``"."``) says whether the row's file writes
    decimals with a comma (a semicolon-separated CSV). Elsewhere a comma is read only as a
    thousands separator in groups of three (``12,345``); ``1,5`` is refused, never read as 15.

    Examples
    --------
    >>> import pandas as pd
    >>> parse_numbers(pd.Series(["1.5", "12,345", "1,5", ""])).tolist()
    [1.5, 12345.0, nan, nan]
    >>> parse_numbers(pd.Series(["1,5", "1.234,5"]), pd.Series([",", ","])).tolist()
    [1.5, 1234.5]
    """
    comma = np.zeros(len(values), dtype=bool) if decimal is None else (decimal == ",").to_numpy(dtype=bool)
    out = np.full(len(values), np.nan)
    for flag in (False, True):  # the distinct values of each decimal convention
        sel = comma == flag
        if sel.any():
            codes, _, res = _per_unique(values if sel.all() else values[sel], partial(_number, comma_decimal=flag))
            with np.errstate(over="ignore"):
                out[sel] = np.asarray(res, dtype=float)[codes]
    return pd.Series(out, index=values.index)


def _closed(
    values: pd.Series, normal: Callable[[str], str], choices: dict[str, int], exact: set[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Map each value through ``normal`` onto ``choices`` (normal form -> position).

    Returns the position per row (-1 where unknown) and whether the row was written other
    than as one of the ``exact`` spellings (then the reading deserves a note).
    """
    codes, uniques = pd.factorize(values, sort=False)
    if not len(uniques):
        return np.zeros(len(values), dtype=np.intp), np.zeros(len(values), dtype=bool)
    pos = np.array([choices.get(normal(str(u)), -1) for u in uniques], dtype=np.intp)
    own = np.array([str(u) in exact for u in uniques], dtype=bool)
    return pos[codes], ~own[codes]


def _norm_kind(v: str) -> str:
    return re.sub(r"[\s_]+", "-", v.strip().lower())


def _norm_code(v: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", v).upper()


def _indicators(df: pd.DataFrame, codebook: Codebook, col: Collector) -> np.ndarray:
    """The indicator column as positions in the codebook (``I1`` is ``I-1``, with a note); -1 where unknown."""
    codes = list(codebook.indicator_codes)
    table = {_norm_code(c): i for i, c in enumerate(codes)}
    pos, other = _closed(df["indicator"], _norm_code, table, set(codes))
    col.rows(
        df,
        pos < 0,
        "indicator",
        lambda v: f"an indicator code of codebook {codebook.label}: {', '.join(codes)}{suggest(v, codes)}",
    )
    renamed = (pos >= 0) & other
    col.note_rows(df, renamed, "indicator", lambda v: f"read as indicator {codes[table[_norm_code(v)]]}")
    return pos


# --- the tables ----------------------------------------------------------------------------


def _country_codes(df: pd.DataFrame, col: Collector, *, optional: bool = False) -> None:
    codes, uniques = pd.factorize(df["country"], sort=False)
    ok = np.array([bool(_ISO3.fullmatch(str(u))) or (optional and str(u) == "") for u in uniques], dtype=bool)
    bad = ~ok[codes] if len(uniques) else np.zeros(len(df), dtype=bool)
    col.rows(
        df,
        bad,
        "country",
        "an ISO 3166 alpha-3 country code in capitals (e.g. USA, MEX, GBR)" + (", or empty" if optional else ""),
    )


def validate_countries(raw: pd.DataFrame, col: Collector) -> dict[str, FiscalYear]:
    """The fiscal years a case folder gives (``countries.csv``), by country."""
    df = raw
    _country_codes(df, col)
    month = parse_numbers(df["start_month"])
    bad_month = ~month.isin(range(1, 13)).to_numpy()
    col.rows(df, bad_month, "start_month", "the month (1-12) in which the country's fiscal year starts")
    single = df["single"].str.strip().str.lower()
    bad_single = ~single.isin(["", "end", "start"]).to_numpy()
    col.rows(
        df,
        bad_single,
        "single",
        "how a one-year label FY2017 is read: 'end' (the year it ends in), 'start', or empty (not used)",
    )
    col.rows(df, (df["source"] == "").to_numpy(), "source", "the law or page that sets the fiscal year")
    dup = df["country"].duplicated(keep=False).to_numpy()
    col.repeated(df, dup, pd.factorize(df["country"])[0], "country", "one row per country")
    out = {}
    for r, m, s in zip(df.itertuples(index=False), month, single, strict=True):
        if 1 <= (m if m == m else 0) <= 12 and s in ("", "end", "start"):
            out[str(r.country)] = FiscalYear(
                country=str(r.country),
                start_month=int(m),
                single="end" if s == "end" else "start" if s == "start" else None,
                source=str(r.source),
            )
    return out


def validate_cases(raw: pd.DataFrame, col: Collector) -> pd.DataFrame:
    df = raw.copy()
    col.rows(df, (df["case"] == "").to_numpy(), "case", "a non-empty case id (e.g. us-trump-2017)")
    ids = df["case"].to_numpy(dtype=object)
    unsafe = np.array([bool(v) and id_problem(v) is not None for v in ids], dtype=bool)
    col.rows(df, unsafe, "case", f"a case id of {ID_RULE} (case ids become file names)")
    lower = df["case"].str.lower()
    dup = ((df["case"] != "") & lower.duplicated(keep=False)).to_numpy()
    col.repeated(
        df,
        dup,
        pd.factorize(lower)[0],
        "case",
        "a case id used only once across the cases tables (ignoring upper and lower case)",
    )
    _country_codes(df, col)
    col.rows(df, (df["label"] == "").to_numpy(), "label", "a readable label for charts (e.g. 'US Trump 2017-2021')")
    start, _, bad_start = parse_dates(df["start"], df["file"], day=True)
    bad_start |= (df["start"] == "").to_numpy()
    col.rows(df, bad_start, "start", lambda v: _reason(v, "start", day=True))
    has_end = (df["end"] != "").to_numpy()
    _, end, bad_end = parse_dates(df["end"], df["file"], day=True)
    bad_end &= has_end
    col.rows(df, bad_end, "end", lambda v: _reason(v, "end", day=True) + ", or empty for an ongoing case")
    order = (~bad_start & ~bad_end & has_end) & (end < start).to_numpy()
    col.rows(df, order, "end", "an end date on or after the start date")
    pop = parse_numbers(df["population"], df["decimal"])
    bad_pop = ((df["population"] != "") & ~((pop >= 1) & (pop <= MAX_POPULATION))).to_numpy()
    col.rows(df, bad_pop, "population", f"a number of residents from 1 to {MAX_POPULATION:,.0f}, or empty")
    df["start"] = start
    df["end"] = end.where(has_end, pd.NaT)
    df["population"] = pop.astype(float)
    # overlapping cases of one country make the case of a dated item ambiguous; a term may
    # end on the day the next begins (a handover): that day belongs to the later case
    ok = ~bad_start & ~bad_end & ~order
    valid = df.loc[ok].sort_values(["country", "start"], kind="stable")
    country = valid["country"].to_numpy(dtype=object)
    starts = valid["start"].to_numpy()
    ends = valid["end"].fillna(pd.Timestamp.max).to_numpy()
    clash = np.zeros(len(valid), dtype=bool)
    clash[1:] = (country[1:] == country[:-1]) & (starts[1:] < ends[:-1])
    for j in np.flatnonzero(clash):
        r, prev = valid.iloc[j], valid["case"].iloc[j - 1]
        col._add(
            str(r["file"]),
            int(r["row"]),
            "start",
            str(r["start"].date()),
            f"a term that does not overlap the previous case of {r['country']} ({prev}); a term may start on "
            "the day the previous one ends",
        )
    return df


def _reason(value: str, column: str, *, day: bool = False) -> str:
    """Why a date cell is refused (the same words as the parser's)."""
    if not value:
        return f"a date in column {column!r} (it is empty)"
    try:
        a, b = read_date(value)
    except PeriodError as exc:
        return str(exc)
    if day and a != b:
        return "a full date with its day (YYYY-MM-DD)"
    return "a date in the same order as the rest of its column (day first or month first): use YYYY-MM-DD"


def _resolve_cases(df: pd.DataFrame, cases: pd.DataFrame, col: Collector) -> np.ndarray:
    """Fill empty ``case`` cells from ``country`` and ``date``; return the resolved ids."""
    case = df["case"].to_numpy(dtype=object).copy()
    empty = case == ""
    no_country = empty & (df["country"] == "").to_numpy()
    col.rows(
        df, no_country, "case", "a case id, or a country (column 'country') so that the case can be found from the date"
    )
    need = empty & ~no_country & df["date_start"].notna().to_numpy()
    if need.any():
        sub = df.loc[need]
        for country, grp in sub.groupby("country", sort=False):
            cc = cases.loc[cases["country"] == country].sort_values("start")
            rows_of = df.index.get_indexer(grp.index)
            if cc.empty:
                mask = np.zeros(len(df), dtype=bool)
                mask[rows_of] = True
                col.rows(df, mask, "country", "the country of a case in the cases table", value_col="country")
                continue
            dates = pd.DataFrame({"d": grp["date_start"].to_numpy()}).drop_duplicates()
            got_u = assign_by_overlap(dates["d"], dates["d"], cc["case"], cc["start"], cc["end"])
            lookup = dict(zip(dates["d"].to_numpy(), got_u, strict=True))
            got = [lookup[d] for d in grp["date_start"].to_numpy()]
            miss = np.array([g is None for g in got])
            if miss.any():
                terms = "; ".join(
                    f"{r.case} {r.start.date()} to {'ongoing' if pd.isna(r.end) else r.end.date()}"
                    for r in cc.itertuples()
                )
                mask = np.zeros(len(df), dtype=bool)
                mask[rows_of[miss]] = True
                col.rows(df, mask, "date", f"a date within the term of a case of {country} ({terms})")
            case[rows_of] = [g or "" for g in got]
    return case


def _levels(df: pd.DataFrame, codebook: Codebook, col: Collector) -> np.ndarray:
    """The ``code`` column as levels of the scale: a number or the level's label (with a note); NaN if neither."""
    code = parse_numbers(df["code"], df["decimal"]).to_numpy()
    labels = {lv.label.strip().lower(): lv.value for lv in codebook.scale.levels}
    worded = np.isnan(code)
    if worded.any():
        word_codes, uniques = pd.factorize(df["code"].str.strip().str.lower())
        as_level = np.array([labels.get(str(u), np.nan) for u in uniques], dtype=float)
        code = np.where(worded, as_level[word_codes] if len(uniques) else code, code)
        col.note_rows(
            df,
            worded & ~np.isnan(code),
            "code",
            lambda v: f"a level written as its label: read as {labels[v.strip().lower()]}",
        )
    on_scale = np.isin(code, codebook.scale.values)
    scale_text = ", ".join(f"{lv.value} {lv.label}" for lv in codebook.scale.levels)
    level_words = [lv.label.strip().lower() for lv in codebook.scale.levels]
    col.rows(
        df,
        ~on_scale,
        "code",
        lambda v: (
            f"an integer level of the scale {codebook.scale.min}-{codebook.scale.max}, or its label "
            f"({scale_text}){suggest(v.strip().lower(), level_words)}"
        ),
    )
    return np.where(on_scale, code, np.nan)


def validate_adjudications(
    raw: pd.DataFrame,
    evidence: pd.DataFrame,
    items: tuple[np.ndarray, pd.Index],
    codebook: Codebook,
    col: Collector,
) -> pd.DataFrame:
    """The adjudications checked and typed: one settled code per doubly coded item, with who and why.

    An adjudication names an item of the evidence tables coded by two coders or more, a
    level of the scale, the adjudicator and the reason. A code outside the range of the
    coders' codes is allowed, with a note.
    """
    df = raw
    cols = ["evidence_id", "code", "adjudicator", "reason", "notes", "file", "row"]
    if not len(df):
        return pd.DataFrame({c: pd.Series(dtype=float if c == "code" else object) for c in cols})
    item, ids = items
    n_coders = np.bincount(item, minlength=len(ids)) if len(item) else np.zeros(len(ids), dtype=np.intp)
    empty = (df["evidence_id"] == "").to_numpy()
    col.rows(df, empty, "evidence_id", "the evidence id of a doubly coded item")
    pos = ids.get_indexer(df["evidence_id"].astype(str)) if len(ids) else np.full(len(df), -1)
    few = list(ids) if len(ids) <= 20_000 else []  # suggestions among a manageable number of ids
    col.rows(
        df,
        (pos < 0) & ~empty,
        "evidence_id",
        lambda v: f"the evidence id of an item of the evidence tables{suggest(v, few)}",
    )
    once = (pos >= 0) & (n_coders[np.maximum(pos, 0)] < 2)
    col.rows(df, once, "evidence_id", "an item coded by two coders or more (this one has one coder: nothing to settle)")
    col.repeated(
        df,
        (pos >= 0) & pd.Series(pos).duplicated(keep=False).to_numpy(),
        pos,
        "evidence_id",
        "one adjudication per item",
    )
    code = _levels(df, codebook, col)
    col.rows(df, (df["adjudicator"] == "").to_numpy(), "adjudicator", "the id of who settled the code (e.g. adj1)")
    col.rows(
        df, (df["reason"] == "").to_numpy(), "reason", "why this code: the anchor and what in the source decides it"
    )
    ok = (pos >= 0) & ~once & ~np.isnan(code)
    if ok.any() and "code" in evidence.columns and len(evidence) == len(item):
        codes = evidence["code"].to_numpy(dtype=float)
        lo = np.full(len(ids), np.inf)
        hi = np.full(len(ids), -np.inf)
        np.minimum.at(lo, item, codes)
        np.maximum.at(hi, item, codes)
        outside = ok & ((code < lo[np.maximum(pos, 0)]) | (code > hi[np.maximum(pos, 0)]))
        col.note_rows(df, outside, "code", lambda v: f"a settled code of {v}, outside the range of the coders' codes")
    out = pd.DataFrame(
        {
            "evidence_id": df["evidence_id"].astype(str).to_numpy(),
            "code": code,
            "adjudicator": df["adjudicator"].astype(str).to_numpy(),
            "reason": df["reason"].astype(str).to_numpy(),
            "notes": df["notes"].astype(str).to_numpy(),
            "file": df["file"].to_numpy(),
            "row": df["row"].to_numpy(),
        }
    )
    return out


def validate_evidence(
    raw: pd.DataFrame, cases: pd.DataFrame, codebook: Codebook, col: Collector
) -> tuple[pd.DataFrame, tuple[np.ndarray, pd.Index]]:
    """The evidence table checked and typed, with the codes of its evidence ids.

    The id columns come back as categoricals (``case`` in the cases' order, ``indicator``
    in the codebook's, ``kind``, ``coder`` sorted, ``country`` sorted), the dates as
    datetimes, the code and weight as numbers; the evidence id and the descriptive text
    columns are kept as read. The codes (into the sorted distinct evidence ids) are
    returned beside the table for :func:`~securitization.tables.index.index_evidence`.
    """
    df = raw
    n = len(df)
    sorting = BESIDE.submit(sorted_codes, df["evidence_id"])  # the longest step, run beside the others
    empty_id = (df["evidence_id"] == "").to_numpy()
    col.rows(df, empty_id, "evidence_id", "a non-empty evidence id")
    ind = _indicators(df, codebook, col)
    start, end, bad_date = parse_dates(df["date"], df["file"])
    col.rows(df, bad_date, "date", lambda v: _reason(v, "date"))
    today = np.datetime64(pd.Timestamp.today().normalize(), "ns")
    col.rows(df, ~bad_date & (start.to_numpy() > today), "date", "a date that is not in the future")
    # kinds: the codebook's, written in any case and with '-', '_' or spaces, or an alias
    kinds = list(codebook.kinds)
    table = {_norm_kind(k): i for i, k in enumerate(kinds)}
    table |= {_norm_kind(a): kinds.index(k) for a, k in codebook.kind_aliases.items()}
    kind, other = _closed(df["kind"], _norm_kind, table, set(kinds))
    col.rows(
        df,
        kind < 0,
        "kind",
        lambda v: f"an evidence kind of the codebook: {', '.join(kinds)}{suggest(_norm_kind(v), kinds)}",
    )
    col.note_rows(df, (kind >= 0) & other, "kind", lambda v: f"read as kind {kinds[table[_norm_kind(v)]]!r}")
    takes = np.zeros((len(codebook.indicators) + 1, len(kinds) + 1), dtype=bool)  # the last row and column: unknown
    for i, indicator in enumerate(codebook.indicators):
        takes[i, [kinds.index(k) for k in indicator.kinds]] = True
    takes[-1, :] = takes[:, -1] = True  # an unknown indicator or kind is reported once, above
    wrong = ~takes[ind, kind]
    for i in np.unique(ind[wrong]) if wrong.any() else ():
        indicator = codebook.indicators[int(i)]
        col.rows(
            df,
            wrong & (ind == i),
            "kind",
            f"a kind that indicator {indicator.code} takes: {', '.join(indicator.kinds)}",
        )
    col.rows(df, (df["title"] == "").to_numpy(), "title", "a short title of the document or event")
    col.rows(df, (df["source"] == "").to_numpy(), "source", "a source citation (no item is scored without a source)")
    code = _levels(df, codebook, col)
    imp = codebook.importance
    weight = parse_numbers(df["weight"], df["decimal"]).to_numpy().copy()
    weight[(df["weight"] == "").to_numpy(dtype=bool)] = imp.default
    col.rows(
        df,
        ~((weight >= imp.min) & (weight <= imp.max)),
        "weight",
        f"an importance from {imp.min:g} to {imp.max:g} ({imp.describe()}; empty means {imp.default:g})",
    )
    # countries and cases
    _country_codes(df, col, optional=True)
    case_ids = cases["case"].tolist()
    case_pos, _ = _closed(df["case"], str, {c: i for i, c in enumerate(case_ids)}, set(case_ids))
    empty_case = (df["case"] == "").to_numpy()
    known_case = (case_pos >= 0) | empty_case
    col.rows(
        df,
        ~known_case,
        "case",
        lambda v: f"a case id of the cases table (or empty, with a country){suggest(v, case_ids)}",
    )
    if empty_case.any():  # the case of an item given by country and date
        resolved = _resolve_cases(df.assign(date_start=start), cases, col)
        fill = empty_case & (resolved != "")
        lookup = {c: i for i, c in enumerate(case_ids)}
        case_pos = case_pos.copy()
        case_pos[fill] = [lookup[c] for c in resolved[fill]]
    has_case = (case_pos >= 0) & ~bad_date
    cstart = cases["start"].to_numpy(dtype="datetime64[ns]")
    cend = cases["end"].fillna(pd.Timestamp.max).to_numpy(dtype="datetime64[ns]")
    where = np.flatnonzero(has_case)
    if len(where):
        every = len(where) == n  # then no row needs picking out
        cp = case_pos if every else case_pos[where]
        e_end, e_start = end.to_numpy(), start.to_numpy()
        outside = (e_end if every else e_end[where]) < cstart[cp]
        outside |= (e_start if every else e_start[where]) > cend[cp]
        terms = [f"{r.start.date()} to {'ongoing' if pd.isna(r.end) else r.end.date()}" for r in cases.itertuples()]
        for j in where[outside][: 10 * MAX_LISTED]:
            c = int(case_pos[j])
            col._add(
                str(df["file"].iloc[j]),
                int(df["row"].iloc[j]),
                "date",
                str(df["date"].iloc[j]),
                f"a date within the term of case {case_ids[c]} ({terms[c]})",
            )
    # the country of every row: as given, or its case's; as codes into the sorted countries
    country_codes, country_uniques = pd.factorize(df["country"])
    given = np.asarray(country_uniques, dtype=object)
    case_country = cases["country"].to_numpy(dtype=object)
    countries = sorted({str(c) for c in given if c} | {str(c) for c in case_country})
    at = {c: i for i, c in enumerate(countries)}
    given_pos = np.array([at.get(str(c), -1) for c in given], dtype=np.intp)[country_codes] if len(given) else None
    case_country_pos = np.array([at[str(c)] for c in case_country], dtype=np.intp)
    if given_pos is None:
        given_pos = np.full(n, -1, dtype=np.intp)
    if len(where) and (given_pos >= 0).any():
        g = given_pos[where]
        mismatch = (g >= 0) & (g != case_country_pos[case_pos[where]])
        mask = np.zeros(n, dtype=bool)
        mask[where[mismatch]] = True
        col.rows(df, mask, "country", "the country of the case named in column 'case'")
    # one item, one row per coder; its coders agree on its case and indicator
    item, evidence_ids = sorting.result()
    coder_codes, coder_uniques = pd.factorize(df["coder"], sort=True)  # "" is the default coder
    coders = sorted({str(c) or DEFAULT_CODER for c in coder_uniques})
    coder_at = {c: i for i, c in enumerate(coders)}
    coder = np.array([coder_at[str(c) or DEFAULT_CODER] for c in coder_uniques], dtype=np.int32)[coder_codes]
    # an item's rows need distinct coders: look among the items with more than one row
    rows_per_item = np.bincount(item, minlength=len(evidence_ids))
    dup = np.zeros(n, dtype=bool)
    shared = np.flatnonzero(rows_per_item[item] > 1)
    if len(shared):
        pair = item[shared].astype(np.int64) * (len(coders) + 1) + coder[shared]
        dup[shared] = pd.Series(pair).duplicated(keep=False).to_numpy()
    dup &= ~empty_id
    col.repeated(
        df,
        dup,
        item.astype(np.int64) * (len(coders) + 1) + coder,
        "evidence_id",
        "an evidence id used once per coder (one row per item per coder)",
    )
    settled = ~empty_id & ~dup & (ind >= 0) & known_case
    per_item = np.bincount(item[settled], minlength=int(item.max(initial=-1)) + 1) if settled.any() else np.zeros(0)
    multi = settled & (per_item[item] > 1) if len(per_item) else np.zeros(n, dtype=bool)
    if multi.any():
        incons = _differ(item[multi], ind[multi]) | _differ(item[multi], case_pos[multi])
        bad_items = np.unique(item[multi][incons[item[multi]]]) if incons.any() else np.zeros(0, dtype=np.intp)
        col.rows(
            df,
            multi & np.isin(item, bad_items),
            "evidence_id",
            "the same case and indicator in every coder's row of this item",
        )
        if not col.problems:  # the notes compare valid values only
            _coder_disagreements(df, multi, item, evidence_ids, start.to_numpy(), weight, col)
    if col.problems:  # nothing more to build
        return df, (item, evidence_ids)
    # the typed table: id columns as categoricals, in the order the index needs
    country = np.where(given_pos >= 0, given_pos, case_country_pos[case_pos])
    typed = {
        "evidence_id": df["evidence_id"],
        "case": pd.Categorical.from_codes(case_pos, categories=case_ids),
        "country": pd.Categorical.from_codes(country, categories=countries),
        "indicator": pd.Categorical.from_codes(ind, categories=list(codebook.indicator_codes)),
        "date": start.to_numpy(),
        "date_end": end.to_numpy(),
        "kind": pd.Categorical.from_codes(kind, categories=kinds),
        "code": code.astype("int64"),
        "weight": weight.astype(float),
        "coder": pd.Categorical.from_codes(coder, categories=coders),
    }
    typed |= {c: df[c] for c in df.columns if c not in typed and c not in ("date", "decimal")}
    typed["date_text"] = df["date"]
    return pd.DataFrame(typed, index=df.index, copy=False), (item, evidence_ids)


def _differ(group: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Whether each group (an item) holds more than one distinct value, indexed by group."""
    size = int(group.max(initial=-1)) + 1
    first = np.zeros(size, dtype=np.intp)
    first[group[::-1]] = np.arange(len(group) - 1, -1, -1)  # the first row of every group
    other = value != value[first[group]]
    return np.bincount(group[other], minlength=size) > 0


def _coder_disagreements(
    df: pd.DataFrame,
    multi: np.ndarray,
    item: np.ndarray,
    evidence_ids: pd.Index,
    date: np.ndarray,
    weight: np.ndarray,
    col: Collector,
) -> None:
    """Notes for doubly coded items whose coders gave different titles, dates or weights."""
    g = item[multi]
    title, _ = pd.factorize(df["title"].iloc[np.flatnonzero(multi)])
    rules = (
        ("title", title.astype(np.int64), "the first coder's (coders sorted by id) is shown"),
        ("date", date[multi].astype(np.int64), "the first coder's (coders sorted by id) places the item in time"),
        ("weight", np.round(weight[multi] * 1e6).astype(np.int64), "the item weighs the mean of its coders' weights"),
    )
    first_file = str(df["file"].iloc[int(np.flatnonzero(multi)[0])])
    for what, value, rule in rules:
        differ = _differ(g, value)
        if differ.any():
            which = [str(evidence_ids[i]) for i in np.flatnonzero(differ)]
            shown = ", ".join(map(str, which[:10])) + (f" and {len(which) - 10} more" if len(which) > 10 else "")
            col.note(first_file, what, f"coders gave these items different {what}s: {shown}; {rule}")


def validate_measures(
    raw: pd.DataFrame,
    cases: pd.DataFrame,
    codebook: Codebook,
    col: Collector,
    countries: dict[str, FiscalYear] | None = None,
) -> pd.DataFrame:
    df = raw
    _country_codes(df, col)
    ind = _indicators(df, codebook, col)
    indicator = np.array([*codebook.indicator_codes, ""], dtype=object)[ind]
    col.rows(df, (df["measure"] == "").to_numpy(), "measure", "a measure name (e.g. ice_detention_adp)")
    # periods, each read in its country's convention (distinct country-period pairs only)
    orders = {str(f): slash_order(pd.unique(g)) for f, g in df["period"].groupby(df["file"].astype(str), sort=False)}
    key = df["file"].astype(str) + "\x1f" + df["country"].astype(str) + "\x1f" + df["period"].astype(str)

    def one(k: str) -> tuple[np.datetime64, np.datetime64, str]:
        file, country, period = k.split("\x1f", 2)
        order = orders.get(file)
        try:
            a, b = parse_period(
                period,
                fiscal_year(country, countries),
                country=country,
                order=order if order in ("dmy", "mdy") else None,
            )
        except PeriodError as exc:
            return np.datetime64("NaT"), np.datetime64("NaT"), str(exc)
        return np.datetime64(a, "ns"), np.datetime64(b, "ns"), ""

    codes, _, res = _per_unique(key, one)
    p_start = np.array([r[0] for r in res], dtype="datetime64[ns]")[codes]
    p_end = np.array([r[1] for r in res], dtype="datetime64[ns]")[codes]
    why = np.array([r[2] for r in res], dtype=object)[codes]
    bad_period = why != ""
    reasons = dict(zip(df["period"].to_numpy()[bad_period], why[bad_period], strict=True))
    col.rows(df, bad_period, "period", lambda v: reasons.get(v, "a period"))
    value = parse_numbers(df["value"], df["decimal"]).to_numpy()
    col.rows(df, np.isnan(value), "value", NUMBER_FORMS)
    signed = df["unit"].astype(str).str.strip().str.lower().str.startswith(SIGNED_UNITS).to_numpy(dtype=bool)
    col.rows(
        df,
        (~signed & (value < 0)) | (np.abs(value) > MAX_VALUE),
        "value",
        f"a non-negative number no larger than {MAX_VALUE:.0e} (negative values only for the signed units "
        f"{', '.join(SIGNED_UNITS)})",
    )
    col.rows(df, (df["unit"] == "").to_numpy(), "unit", "a unit (e.g. persons, events)")
    col.rows(df, (df["source"] == "").to_numpy(), "source", "a source citation (no measure is scored without a source)")
    prov = df["provenance"].to_numpy(dtype=object)
    bad_prov = np.array([bool(p) and not _json_object(p) for p in prov], dtype=bool)
    col.rows(df, bad_prov, "provenance", "a JSON object (as records and corpus measures write it), or empty")
    out = df.copy()
    out["indicator"] = indicator
    out["period_start"] = pd.Series(p_start, index=df.index)
    out["period_end"] = pd.Series(p_end, index=df.index)
    out["value"] = value
    dup = (out.duplicated(["country", "measure", "period"], keep=False) & ~bad_period).to_numpy()
    same = pd.MultiIndex.from_frame(out[["country", "measure", "period"]].astype(str)).factorize()[0]
    col.repeated(df, dup, same, "period", "one row per country, measure and period")
    units = out.groupby(["country", "measure"], observed=True)["unit"].transform("nunique").to_numpy()
    col.rows(df, units > 1, "unit", "the same unit in every row of a measure of a country")
    # assign periods to cases by largest overlap (a handover day goes to the later case)
    case = np.full(len(out), "", dtype=object)
    for country, grp in out.loc[~bad_period].groupby("country", sort=False):
        cc = cases.loc[cases["country"] == country].sort_values("start")
        if cc.empty:
            continue
        got = assign_by_overlap(grp["period_start"], grp["period_end"], cc["case"], cc["start"], cc["end"])
        case[out.index.get_indexer(grp.index)] = [g or "" for g in got]
    out["case"] = case
    return out


def _json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):
        return False
