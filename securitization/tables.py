"""Reading and validating the input tables: cases, evidence and measures.

Files are read as text (every cell a string), then validated lazily: every problem in
every file is collected, with the file, the row as the user sees it in a spreadsheet
(header = row 1), the column, the value found and what was expected, and raised at once
as one :class:`~securitization.errors.ValidationError`. Input files are only ever read.

Formats: CSV (any of ``, ; TAB |`` as delimiter, UTF-8 with or without BOM), Excel
``.xlsx`` (extra ``excel``: openpyxl) and Parquet (extra ``parquet``: pyarrow).

Columns (see ``data/README.md`` for the full data dictionary):

* cases: ``case, country, label, start`` required; ``leader, end, population,
  population_year, population_source, notes`` optional.
* evidence: ``evidence_id, case, indicator, date, kind, title, source, code`` required;
  ``country, summary, url, quote, weight, coder, notes`` optional. ``case`` may be empty
  when ``country`` is given: the case is then the one of that country whose term holds
  the date.
* measures: ``country, indicator, measure, period, value, unit, source`` required;
  ``url, notes, label`` (a readable name of the series, for charts) and ``provenance``
  (a JSON object as text: how the value was computed from record files, see
  :mod:`securitization.records`) optional.

Columns whose name starts with ``x_`` are the user's own and are kept unchecked.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .codebook import Codebook, load_codebook
from .errors import MissingDependencyError, Problem, ValidationError
from .periods import assign_by_overlap, parse_date, parse_period

__all__ = [
    "CASE_COLUMNS",
    "EVIDENCE_COLUMNS",
    "MEASURE_COLUMNS",
    "Dataset",
    "EvidenceIndex",
    "InputFile",
    "TableKind",
    "case_order",
    "discover",
    "item_runs",
    "load",
    "read_table",
    "validate_tables",
]

TableKind = Literal["cases", "evidence", "measures"]

CASE_COLUMNS: dict[str, bool] = {  # name -> required
    "case": True,
    "country": True,
    "label": True,
    "leader": False,
    "start": True,
    "end": False,
    "population": False,
    "population_year": False,
    "population_source": False,
    "notes": False,
}
EVIDENCE_COLUMNS: dict[str, bool] = {
    "evidence_id": True,
    "case": True,
    "country": False,
    "indicator": True,
    "date": True,
    "kind": True,
    "title": True,
    "summary": False,
    "source": True,
    "url": False,
    "quote": False,
    "code": True,
    "weight": False,
    "coder": False,
    "notes": False,
}
MEASURE_COLUMNS: dict[str, bool] = {
    "country": True,
    "indicator": True,
    "measure": True,
    "period": True,
    "value": True,
    "unit": True,
    "source": True,
    "url": False,
    "notes": False,
    "label": False,
    "provenance": False,
}
_COLUMNS: dict[str, dict[str, bool]] = {
    "cases": CASE_COLUMNS,
    "evidence": EVIDENCE_COLUMNS,
    "measures": MEASURE_COLUMNS,
}
_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")
_ISO3 = re.compile(r"^[A-Z]{3}$")
DEFAULT_CODER = "c1"


@dataclass(frozen=True, kw_only=True)
class InputFile:
    """A file read into a :class:`Dataset`, with the hash of its bytes."""

    path: str
    kind: TableKind
    sha256: str
    rows: int


@dataclass(frozen=True, kw_only=True)
class EvidenceIndex:
    """Integer codes of the evidence table's id columns, aligned with its rows.

    Built once at validation, so that scoring works on integer arrays and never on strings.
    ``case`` indexes the cases in their canonical order (:func:`case_order`), ``indicator``
    the codebook's indicators, ``item`` the sorted distinct evidence ids (``evidence_ids``),
    ``coder`` the sorted coder ids (``coders``), ``source`` the distinct sources
    (``sources``). The evidence table is sorted by case, indicator, evidence id and coder.
    """

    case: np.ndarray
    cases: pd.Index
    indicator: np.ndarray
    item: np.ndarray
    evidence_ids: pd.Index
    coder: np.ndarray
    coders: pd.Index
    source: np.ndarray
    sources: pd.Index
    code: np.ndarray  # float codes
    weight: np.ndarray  # float weights
    seq: np.ndarray  # item number in table order (an item's rows are consecutive)
    first: np.ndarray  # first row of every item
    n_rows: np.ndarray  # rows (coders) of every item
    cell: np.ndarray  # case * n_indicators + indicator
    positions: np.ndarray  # 0 .. n_rows - 1
    item_case: np.ndarray  # case of every item
    item_indicator: np.ndarray  # indicator of every item
    item_cell: np.ndarray  # cell of every item
    item_weight: np.ndarray  # mean weight of every item's rows


def case_order(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases in their canonical order: by country, then by start of term."""
    return cases.sort_values(["country", "start"], kind="stable")


def _index_evidence(e: pd.DataFrame, cases: pd.DataFrame, codebook: Codebook) -> tuple[pd.DataFrame, EvidenceIndex]:
    ordered = pd.Index(case_order(cases)["case"].tolist())
    case = pd.Categorical(e["case"], categories=ordered).codes.astype(np.intp)
    ind = pd.Categorical(e["indicator"], categories=list(codebook.indicator_codes)).codes.astype(np.intp)
    item, evidence_ids = pd.factorize(e["evidence_id"], sort=True)
    coder, coders = pd.factorize(e["coder"], sort=True)
    source, sources = pd.factorize(e["source"])
    order = np.lexsort((coder, item, ind, case))
    e = e.take(order).reset_index(drop=True)
    weight = e["weight"].to_numpy(dtype=float)
    index = EvidenceIndex(
        case=case[order],
        cases=ordered,
        indicator=ind[order],
        item=item[order].astype(np.intp),
        evidence_ids=pd.Index(evidence_ids),
        coder=coder[order].astype(np.intp),
        coders=pd.Index(coders),
        source=source[order].astype(np.intp),
        sources=pd.Index(sources),
        **item_runs(item[order], case[order], ind[order], len(codebook.indicator_codes), weight),
        code=e["code"].to_numpy(dtype=float),
        weight=weight,
        positions=np.arange(len(e)),
    )
    for value in vars(index).values():  # shared by every score of the dataset: read-only
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    return e, index


def item_runs(
    item: np.ndarray, unit: np.ndarray, ind: np.ndarray, n_ind: int, weight: np.ndarray
) -> dict[str, np.ndarray]:
    """Describe the items of rows sorted by unit, indicator and item id.

    An item's rows (one per coder) are consecutive: ``seq`` numbers the item of every row,
    ``first`` is each item's first row and ``n_rows`` its number of rows; ``cell`` is
    ``unit * n_ind + ind`` of every row, and ``item_case``, ``item_indicator``,
    ``item_cell`` and ``item_weight`` (the mean of its rows' weights) describe each item.
    """
    n = len(item)
    new = np.empty(n, dtype=bool)
    if n:
        new[0] = True
        np.not_equal(item[1:], item[:-1], out=new[1:])
    first = np.flatnonzero(new)
    seq = (np.cumsum(new) - 1).astype(np.intp)
    n_rows = np.diff(np.r_[first, n]).astype(np.intp)
    cell = unit * n_ind + ind
    return {
        "seq": seq,
        "first": first,
        "n_rows": n_rows,
        "cell": cell,
        "item_case": unit[first],
        "item_indicator": ind[first],
        "item_cell": cell[first],
        "item_weight": np.bincount(seq, weights=weight, minlength=len(first)) / np.maximum(n_rows, 1),
    }


@dataclass(frozen=True, kw_only=True)
class Dataset:
    """Validated, typed input tables, ready to score.

    Attributes
    ----------
    cases
        One row per case: ``case, country, label, leader, start, end, population, ...``
        (``start``/``end`` are datetimes; ``end`` is NaT for an ongoing case).
    evidence
        One row per coded item per coder, with ``case`` resolved, ``date`` (first day),
        ``date_end`` (last day the date covers), integer ``code``, float ``weight``, and
        ``file``/``row`` pointing back to the input.
    measures
        One row per observation with ``period_start``, ``period_end``, float ``value``,
        the ``case`` the period is assigned to (by largest overlap; see
        :func:`~securitization.periods.assign_by_overlap`) and ``file``/``row``.
    files
        The files read, with their SHA-256, for the manifest of every result.
    raw
        The cases, evidence and measures tables as read (text cells), kept so that the
        same input can be validated again under another codebook.
    index
        Integer codes of the evidence's id columns (see :class:`EvidenceIndex`).
    """

    cases: pd.DataFrame
    evidence: pd.DataFrame
    measures: pd.DataFrame
    codebook: Codebook
    files: tuple[InputFile, ...] = field(default=())
    raw: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] = field(default=(), repr=False)  # type: ignore[assignment]
    index: EvidenceIndex = field(repr=False)

    def __str__(self) -> str:
        return (
            f"Dataset: {len(self.cases)} cases, {len(self.evidence)} evidence rows "
            f"({self.evidence['evidence_id'].nunique()} items), {len(self.measures)} measures; "
            f"codebook {self.codebook.label}"
        )


# --- reading ---------------------------------------------------------------------------


def _sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_table(path: str | Path) -> pd.DataFrame:
    """Read one table file as text, adding ``file`` and ``row`` columns.

    Every cell is a string (empty cells are ``""``); ``row`` is the spreadsheet row
    number (the header is row 1).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            raise MissingDependencyError("openpyxl", "excel", "Reading .xlsx files") from None
        frame = pd.read_excel(path, dtype=str, keep_default_na=False, sheet_name=0)
    elif suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise MissingDependencyError("pyarrow", "parquet", "Reading Parquet files") from None
        frame = pd.read_parquet(path)
        frame = frame.astype(object).where(frame.notna(), "").astype(str)
    else:
        text = path.read_bytes().decode("utf-8-sig")
        delimiter = _sniff_delimiter(text[:8192])
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, skip_blank_lines=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.astype(str).apply(lambda col: col.str.strip())
    frame["file"] = str(path)
    frame["row"] = np.arange(2, len(frame) + 2)
    return frame


def _guess_kind(path: Path) -> TableKind | None:
    stem = path.stem.lower()
    for kind in ("cases", "evidence", "measures"):
        if stem.startswith(kind) or stem.endswith(kind):
            return kind
    return None


def discover(paths: Iterable[str | Path]) -> list[tuple[Path, TableKind]]:
    """Find the table files in the given files and folders (searched recursively).

    A file is a cases, evidence or measures table when its name starts or ends with
    ``cases``, ``evidence`` or ``measures`` and ends in .csv, .tsv, .txt, .xlsx or
    .parquet. A file given by name whose kind cannot be told from its name is classified
    by its header.
    """
    found: list[tuple[Path, TableKind]] = []
    problems: list[Problem] = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.suffix.lower() in _SUFFIXES and f.is_file() and not f.name.startswith((".", "~$")):
                    kind = _guess_kind(f)
                    if kind is not None:
                        found.append((f, kind))
        elif p.is_file():
            kind = _guess_kind(p) or _kind_from_header(p)
            if kind is None:
                problems.append(
                    Problem(
                        file=str(p),
                        row=None,
                        column=None,
                        value=None,
                        expected="a cases, evidence or measures table (name it cases*.csv, evidence*.csv or measures*.csv)",
                    )
                )
            else:
                found.append((p, kind))
        else:
            problems.append(
                Problem(file=str(p), row=None, column=None, value=None, expected="an existing file or folder")
            )
    if problems:
        raise ValidationError(problems)
    return found


def _kind_from_header(path: Path) -> TableKind | None:
    try:
        cols = set(read_table(path).columns)
    except Exception:
        return None
    if "evidence_id" in cols:
        return "evidence"
    if {"measure", "value", "period"} <= cols:
        return "measures"
    if {"case", "start"} <= cols:
        return "cases"
    return None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- validation helpers ------------------------------------------------------------------


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def rows(
        self,
        frame: pd.DataFrame,
        mask: pd.Series | np.ndarray,
        column: str | None,
        expected: str,
        value_col: str | None = None,
    ) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        sub = frame.loc[mask]
        vals = sub[value_col or column].tolist() if (value_col or column) in sub.columns else [None] * len(sub)
        for f, r, v in zip(sub["file"].tolist(), sub["row"].tolist(), vals, strict=True):
            self.problems.append(Problem(file=f, row=int(r), column=column, value=v, expected=expected))

    def file(self, file: str, column: str | None, expected: str, value: str | None = None) -> None:
        self.problems.append(Problem(file=file, row=None, column=column, value=value, expected=expected))


def _check_columns(frame: pd.DataFrame, kind: TableKind, col: _Collector) -> bool:
    spec = _COLUMNS[kind]
    file = str(frame["file"].iloc[0]) if len(frame) else "(empty table)"
    have = [c for c in frame.columns if c not in ("file", "row")]
    ok = True
    for name, required in spec.items():
        if required and name not in have:
            col.file(file, name, f"a required {kind} column {name!r} (columns: {', '.join(spec)})")
            ok = False
    for name in have:
        if name not in spec and not name.startswith("x_"):
            col.file(file, name, f"a known {kind} column ({', '.join(spec)}); prefix your own columns with 'x_'")
            ok = False
    return ok


def _concat(frames: Sequence[pd.DataFrame], kind: TableKind, col: _Collector) -> pd.DataFrame:
    spec = _COLUMNS[kind]
    good = []
    for frame in frames:
        if _check_columns(frame, kind, col):
            frame = frame.copy()
            for name in spec:
                if name not in frame.columns:
                    frame[name] = ""
            good.append(frame)
    base = [*list(spec), "file", "row"]
    if not good:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in base})
    extra = sorted({c for f in good for c in f.columns if c.startswith("x_")})
    out = pd.concat([f.reindex(columns=base + extra, fill_value="") for f in good], ignore_index=True)
    for c in list(spec) + extra:
        out[c] = out[c].astype(object).where(out[c].notna(), "").astype(str)
    return out


def _parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """First and last day of each date cell, and a mask of invalid cells (vectorised for full dates)."""
    full = values.str.fullmatch(r"\d{4}-\d{2}-\d{2}").to_numpy(dtype=bool)
    start = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    start[full] = pd.to_datetime(values[full], format="%Y-%m-%d", errors="coerce")
    end = start.copy()
    bad = full & start.isna().to_numpy()
    rest = np.flatnonzero(~full)
    if rest.size:
        parsed = [parse_date(v) if v else None for v in values.iloc[rest].tolist()]
        bad[rest] = [p is None for p in parsed]
        idx = values.index[rest]
        start[idx] = pd.Series([p[0] if p else pd.NaT for p in parsed], index=idx, dtype="datetime64[ns]")
        end[idx] = pd.Series([p[1] if p else pd.NaT for p in parsed], index=idx, dtype="datetime64[ns]")
    return start, end, bad


def _numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.str.replace(",", "", regex=False).where(values != "", None), errors="coerce")


# --- the three tables ------------------------------------------------------------------


def _validate_cases(raw: pd.DataFrame, col: _Collector) -> pd.DataFrame:
    df = raw.copy()
    col.rows(df, df["case"] == "", "case", "a non-empty case id (e.g. us-trump-2017)")
    dup = (df["case"] != "") & df.duplicated("case", keep=False)
    col.rows(df, dup, "case", "a case id used only once across the cases tables")
    col.rows(
        df, ~df["country"].str.fullmatch(_ISO3.pattern), "country", "an ISO 3166 alpha-3 country code (e.g. USA, MEX)"
    )
    col.rows(df, df["label"] == "", "label", "a readable label for charts (e.g. 'US Trump 2017-2021')")
    start, _, bad_start = _parse_dates(df["start"])
    bad_start |= df["start"].str.len().ne(10).to_numpy()
    col.rows(df, bad_start, "start", "a valid full date YYYY-MM-DD")
    has_end = df["end"] != ""
    _, end, bad_end = _parse_dates(df["end"])
    bad_end = has_end.to_numpy() & (bad_end | df["end"].str.len().ne(10).to_numpy())
    col.rows(df, bad_end, "end", "a valid full date YYYY-MM-DD, or empty for an ongoing case")
    order = (~bad_start & ~bad_end & has_end.to_numpy()) & (end < start).to_numpy()
    col.rows(df, order, "end", "an end date on or after the start date")
    pop = _numbers(df["population"])
    bad_pop = (df["population"] != "") & ~(pop > 0)
    col.rows(df, bad_pop, "population", "a positive number of residents, or empty")
    df["start"] = start
    df["end"] = end.where(has_end, pd.NaT)
    df["population"] = pop.astype(float)
    # overlapping cases of one country make the case of a dated item ambiguous
    ok = ~bad_start & ~bad_end & ~order
    valid = df.loc[ok].sort_values(["country", "start"])
    for _, grp in valid.groupby("country", sort=True):
        ends = grp["end"].fillna(pd.Timestamp.max).to_numpy()
        starts = grp["start"].to_numpy()
        clash = np.zeros(len(grp), dtype=bool)
        clash[1:] = starts[1:] <= ends[:-1]
        if clash.any():
            rows = grp.loc[clash]
            for (_, r), prev in zip(rows.iterrows(), grp["case"].shift(1)[clash], strict=True):
                col.problems.append(
                    Problem(
                        file=r["file"],
                        row=int(r["row"]),
                        column="start",
                        value=str(r["start"].date()),
                        expected=f"a term that does not overlap the previous case of {r['country']} ({prev})",
                    )
                )
    return df


def _resolve_cases(df: pd.DataFrame, cases: pd.DataFrame, col: _Collector) -> pd.Series:
    """Fill empty ``case`` cells from ``country`` and ``date``; return the resolved ids."""
    case = df["case"].copy()
    empty = case == ""
    no_country = empty & (df["country"] == "")
    col.rows(
        df, no_country, "case", "a case id, or a country (column 'country') so that the case can be found from the date"
    )
    need = empty & ~no_country & df["date_start"].notna()
    if need.any():
        for country, grp in df.loc[need].groupby("country", sort=False):
            cc = cases.loc[cases["country"] == country].sort_values("start")
            if cc.empty:
                col.rows(
                    df,
                    df.index.isin(grp.index),
                    "country",
                    "the country of a case in the cases table",
                    value_col="country",
                )
                continue
            got = assign_by_overlap(grp["date_start"], grp["date_start"], cc["case"], cc["start"], cc["end"])
            got_s = pd.Series(got, index=grp.index, dtype=object)
            miss = got_s.isna()
            if miss.any():
                terms = "; ".join(
                    f"{r.case} {r.start.date()} to {'ongoing' if pd.isna(r.end) else r.end.date()}"
                    for r in cc.itertuples()
                )
                col.rows(
                    df,
                    df.index.isin(miss[miss].index),
                    "date",
                    f"a date within the term of a case of {country} ({terms})",
                )
            case.loc[got_s.index] = got_s.fillna("").astype(str)
    return case


def _validate_evidence(raw: pd.DataFrame, cases: pd.DataFrame, codebook: Codebook, col: _Collector) -> pd.DataFrame:
    df = raw.copy()
    col.rows(df, df["evidence_id"] == "", "evidence_id", "a non-empty evidence id")
    known = df["indicator"].isin(codebook.indicator_codes)
    col.rows(
        df,
        ~known,
        "indicator",
        f"an indicator code of codebook {codebook.label}: {', '.join(codebook.indicator_codes)}",
    )
    start, end, bad_date = _parse_dates(df["date"])
    col.rows(df, bad_date, "date", "a valid date YYYY-MM-DD (or YYYY-MM, YYYY when only the month or year is known)")
    today = pd.Timestamp.today().normalize()
    col.rows(df, ~bad_date & (start > today).to_numpy(), "date", "a date that is not in the future")
    df["date_start"], df["date_end"] = start, end
    # kinds
    col.rows(
        df,
        ~df["kind"].isin(list(codebook.kinds)),
        "kind",
        f"an evidence kind of the codebook: {', '.join(codebook.kinds)}",
    )
    for ind in codebook.indicators:
        wrong = (
            (df["indicator"] == ind.code) & df["kind"].isin(list(codebook.kinds)) & ~df["kind"].isin(list(ind.kinds))
        )
        col.rows(df, wrong, "kind", f"a kind that indicator {ind.code} takes: {', '.join(ind.kinds)}")
    col.rows(df, df["title"] == "", "title", "a short title of the document or event")
    col.rows(df, df["source"] == "", "source", "a source citation (no item is scored without a source)")
    # code on the scale
    code = _numbers(df["code"])
    on_scale = code.isin(codebook.scale.values)
    col.rows(df, ~on_scale, "code", f"an integer level of the scale {codebook.scale.min}-{codebook.scale.max}")
    weight = _numbers(df["weight"]).where(df["weight"] != "", 1.0)
    col.rows(
        df,
        ~(weight > 0) | ~np.isfinite(weight.astype(float)),
        "weight",
        "a positive number (importance; empty means 1)",
    )
    df["code"] = code.where(on_scale, -1).astype("int64")
    df["weight"] = weight.astype(float)
    df["coder"] = df["coder"].where(df["coder"] != "", DEFAULT_CODER)
    # countries and cases
    bad_country = (df["country"] != "") & ~df["country"].str.fullmatch(_ISO3.pattern)
    col.rows(df, bad_country, "country", "an ISO 3166 alpha-3 country code, or empty")
    known_case = df["case"].isin(cases["case"]) | (df["case"] == "")
    col.rows(df, ~known_case, "case", "a case id of the cases table (or empty, with a country)")
    df["case"] = _resolve_cases(df, cases, col).where(known_case, "")
    info = cases.set_index("case")
    has_case = (df["case"] != "") & ~bad_date
    if has_case.any():
        cs = info.loc[df.loc[has_case, "case"], ["start", "end", "country"]].set_index(df.index[has_case])
        cend = cs["end"].fillna(pd.Timestamp.max)
        outside = (df.loc[has_case, "date_end"] < cs["start"]) | (df.loc[has_case, "date_start"] > cend)
        for idx in outside[outside].index:
            r = cs.loc[idx]
            term = f"{r['start'].date()} to {'ongoing' if pd.isna(r['end']) else r['end'].date()}"
            col.problems.append(
                Problem(
                    file=df.at[idx, "file"],
                    row=int(df.at[idx, "row"]),
                    column="date",
                    value=df.at[idx, "date"],
                    expected=f"a date within the term of case {df.at[idx, 'case']} ({term})",
                )
            )
        mismatch = (df.loc[has_case, "country"] != "") & (df.loc[has_case, "country"] != cs["country"])
        col.rows(
            df, df.index.isin(mismatch[mismatch].index), "country", "the country of the case named in column 'case'"
        )
        df.loc[has_case & (df["country"] == ""), "country"] = cs["country"]
    # duplicates and consistency across coders
    dup = (df["evidence_id"] != "") & df.duplicated(["evidence_id", "coder"], keep=False)
    col.rows(df, dup, "evidence_id", "an evidence id used once per coder (one row per item per coder)")
    ok_id = df["evidence_id"] != ""
    n_ind = df.loc[ok_id].groupby("evidence_id")[["indicator", "case"]].nunique()
    incons = n_ind[(n_ind > 1).any(axis=1)].index
    col.rows(
        df,
        df["evidence_id"].isin(incons),
        "evidence_id",
        "the same case and indicator in every coder's row of this item",
    )
    return df.drop(columns=["date"]).rename(columns={"date_start": "date"})


def _validate_measures(raw: pd.DataFrame, cases: pd.DataFrame, codebook: Codebook, col: _Collector) -> pd.DataFrame:
    df = raw.copy()
    col.rows(
        df, ~df["country"].str.fullmatch(_ISO3.pattern), "country", "an ISO 3166 alpha-3 country code (e.g. USA, MEX)"
    )
    col.rows(
        df,
        ~df["indicator"].isin(codebook.indicator_codes),
        "indicator",
        f"an indicator code of codebook {codebook.label}: {', '.join(codebook.indicator_codes)}",
    )
    col.rows(df, df["measure"] == "", "measure", "a measure name (e.g. ice_detention_adp)")
    fy = codebook.fiscal_year_start_month
    parsed = [parse_period(v, fy) if v else None for v in df["period"].tolist()]
    bad_period = np.array([p is None for p in parsed], dtype=bool)
    col.rows(
        df, bad_period, "period", "a period: FY2017, 2017, 2017-06, 2017-06-30 or an interval 2019-06-07/2020-06-07"
    )
    df["period_start"] = pd.Series([p[0] if p else pd.NaT for p in parsed], index=df.index, dtype="datetime64[ns]")
    df["period_end"] = pd.Series([p[1] if p else pd.NaT for p in parsed], index=df.index, dtype="datetime64[ns]")
    value = _numbers(df["value"])
    col.rows(df, value.isna() | ~np.isfinite(value.astype(float)), "value", "a number (no units or text)")
    col.rows(df, value < 0, "value", "a non-negative number")
    df["value"] = value.astype(float)
    col.rows(df, df["unit"] == "", "unit", "a unit (e.g. persons, events)")
    col.rows(df, df["source"] == "", "source", "a source citation (no measure is scored without a source)")
    dup = df.duplicated(["country", "measure", "period"], keep=False) & ~bad_period
    col.rows(df, dup, "period", "one row per country, measure and period (this one is duplicated)")
    units = df.groupby(["country", "measure"])["unit"].transform("nunique")
    col.rows(df, units > 1, "unit", "the same unit in every row of a measure of a country")
    # assign periods to cases by largest overlap
    df["case"] = ""
    for country, grp in df.loc[~bad_period].groupby("country", sort=False):
        cc = cases.loc[cases["country"] == country].sort_values("start")
        if cc.empty:
            continue
        got = assign_by_overlap(grp["period_start"], grp["period_end"], cc["case"], cc["start"], cc["end"])
        df.loc[grp.index, "case"] = [g or "" for g in got]
    return df


def validate_tables(
    *,
    cases: Sequence[pd.DataFrame],
    evidence: Sequence[pd.DataFrame] = (),
    measures: Sequence[pd.DataFrame] = (),
    codebook: Codebook | None = None,
    files: tuple[InputFile, ...] = (),
) -> Dataset:
    """Validate raw text tables (as from :func:`read_table`) into a :class:`Dataset`.

    Raw frames need ``file`` and ``row`` columns; frames built in memory without them get
    ``file="<memory>"`` and rows numbered from 2.

    Raises
    ------
    ValidationError
        Listing every problem found, in every table. Nothing is returned in part.
    """
    codebook = codebook or load_codebook()
    col = _Collector()
    raw_c = _concat([_ensure_origin(f, "cases") for f in cases], "cases", col)
    raw_e = _concat([_ensure_origin(f, "evidence") for f in evidence], "evidence", col)
    raw_m = _concat([_ensure_origin(f, "measures") for f in measures], "measures", col)
    if not len(raw_c) and not col.problems:
        col.file("(cases)", None, "at least one case (a cases table with rows)")
    c = _validate_cases(raw_c, col)
    good_cases = c.loc[c["start"].notna() & (c["case"] != "")].drop_duplicates("case")
    e = _validate_evidence(raw_e, good_cases, codebook, col)
    m = _validate_measures(raw_m, good_cases, codebook, col)
    if col.problems:
        raise ValidationError(col.problems)
    c, m = c.reset_index(drop=True), m.reset_index(drop=True)
    e, index = _index_evidence(e, c, codebook)
    return Dataset(
        cases=c, evidence=e, measures=m, codebook=codebook, files=files, raw=(raw_c, raw_e, raw_m), index=index
    )


def _ensure_origin(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    if "file" in frame.columns and "row" in frame.columns:
        return frame
    frame = frame.copy()
    frame = frame.astype(object).where(frame.notna(), "").astype(str)
    frame["file"] = f"<{kind} table>"
    frame["row"] = np.arange(2, len(frame) + 2)
    return frame


def load(
    paths: Iterable[str | Path] | None = None,
    *,
    codebook: Codebook | str | Path | None = None,
    include_bundled: bool = False,
) -> Dataset:
    """Read and validate cases, evidence and measures tables.

    Parameters
    ----------
    paths
        Files and folders (searched recursively, see :func:`discover`). ``None`` reads
        the bundled cases.
    codebook
        A :class:`Codebook`, a codebook file or a bundled codebook's name; default the
        bundled ``bourbeau-2011``.
    include_bundled
        Also read the bundled cases, to score a new case next to them.

    Raises
    ------
    ValidationError
        Listing every problem in every file.

    Examples
    --------
    >>> ds = load()
    >>> sorted(ds.cases["country"].unique())
    ['MEX', 'USA']
    """
    from .datasets import data_dir

    cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    targets = [data_dir()] if paths is None else list(paths)
    if include_bundled and paths is not None:
        targets.append(data_dir())
    found = discover(targets)
    frames: dict[str, list[pd.DataFrame]] = {"cases": [], "evidence": [], "measures": []}
    files = []
    problems: list[Problem] = []
    for path, kind in found:
        try:
            frame = read_table(path)
        except (UnicodeDecodeError, pd.errors.ParserError, ValueError, OSError) as exc:
            problems.append(
                Problem(
                    file=str(path),
                    row=None,
                    column=None,
                    value=None,
                    expected=f"a readable {kind} table in UTF-8 ({type(exc).__name__}: {exc})",
                )
            )
            continue
        frames[kind].append(frame)
        files.append(InputFile(path=str(path), kind=kind, sha256=_sha256(path), rows=len(frame)))
    if problems:
        raise ValidationError(problems)
    if not frames["cases"]:
        raise ValidationError(
            [
                Problem(
                    file=", ".join(map(str, targets)),
                    row=None,
                    column=None,
                    value=None,
                    expected="a cases table (cases.csv) among the files given",
                )
            ]
        )
    return validate_tables(
        cases=frames["cases"], evidence=frames["evidence"], measures=frames["measures"], codebook=cb, files=tuple(files)
    )
