"""The checks of the three tables: every problem of every cell, collected lazily.

Each ``validate_*`` function takes the raw text table (as a reader gives it, with ``file``
and ``row``), adds a :class:`~securitization.errors.Problem` to the collector for every
cell that breaks the schema or the codebook (the file, the spreadsheet row, the column,
the value found and what was expected) and returns the typed table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..codebook import Codebook
from ..errors import Problem
from ..files import ID_RULE, id_problem
from ..periods import DATE_RANGE, MAX_YEAR, MIN_YEAR, assign_by_overlap, parse_date, parse_period
from ..reading import TableKind
from .schema import COLUMNS, DEFAULT_CODER, MAX_POPULATION, MAX_VALUE

__all__ = [
    "NUMBER_FORMS",
    "Collector",
    "concat",
    "parse_dates",
    "parse_numbers",
    "validate_cases",
    "validate_evidence",
    "validate_measures",
]

_ISO3 = re.compile(r"^[A-Z]{3}$")


class Collector:
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


def check_columns(frame: pd.DataFrame, kind: TableKind, col: Collector) -> bool:
    spec = COLUMNS[kind]
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


def concat(frames: Sequence[pd.DataFrame], kind: TableKind, col: Collector) -> pd.DataFrame:
    spec = COLUMNS[kind]
    good = []
    for frame in frames:
        if check_columns(frame, kind, col):
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


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """First and last day of each date cell, and a mask of invalid cells (vectorised for full dates)."""
    full = values.str.fullmatch(r"\d{4}-\d{2}-\d{2}").to_numpy(dtype=bool)
    year = pd.to_numeric(values.str.slice(0, 4).where(full, None), errors="coerce").to_numpy(dtype=float)
    in_range = full & (year >= MIN_YEAR) & (year <= MAX_YEAR)
    start = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    start[in_range] = pd.to_datetime(values[in_range], format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")
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


_PLAIN_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_GROUPED_NUMBER = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 12,345.6: thousands separated by commas
NUMBER_FORMS = "a number such as 12, 1.5, 12345 or 12,345 (a point for decimals; no units, %, or spaces)"


def parse_numbers(values: pd.Series) -> pd.Series:
    """Numbers as written in a cell (see :data:`NUMBER_FORMS`); ``NaN`` for empty or unreadable cells.

    A comma is read only as a thousands separator in groups of three (``12,345``); ``1,5``
    is refused, never read as 15.
    """
    plain = values.str.fullmatch(_PLAIN_NUMBER)
    grouped = ~plain & values.str.fullmatch(_GROUPED_NUMBER)
    text = values.where(plain, values.str.replace(",", "", regex=False).where(grouped, None))
    with np.errstate(over="ignore"):
        return pd.to_numeric(text, errors="coerce").astype(float)


# --- the three tables ------------------------------------------------------------------


def validate_cases(raw: pd.DataFrame, col: Collector) -> pd.DataFrame:
    df = raw.copy()
    col.rows(df, df["case"] == "", "case", "a non-empty case id (e.g. us-trump-2017)")
    unsafe = (df["case"] != "") & ~df["case"].map(lambda v: id_problem(v) is None).astype(bool)
    col.rows(df, unsafe, "case", f"a case id of {ID_RULE} (case ids become file names)")
    dup = (df["case"] != "") & df["case"].str.lower().duplicated(keep=False)
    col.rows(df, dup, "case", "a case id used only once across the cases tables (ignoring upper and lower case)")
    col.rows(
        df, ~df["country"].str.fullmatch(_ISO3.pattern), "country", "an ISO 3166 alpha-3 country code (e.g. USA, MEX)"
    )
    col.rows(df, df["label"] == "", "label", "a readable label for charts (e.g. 'US Trump 2017-2021')")
    start, _, bad_start = parse_dates(df["start"])
    bad_start |= df["start"].str.len().ne(10).to_numpy()
    col.rows(df, bad_start, "start", f"a valid full date YYYY-MM-DD {DATE_RANGE}")
    has_end = df["end"] != ""
    _, end, bad_end = parse_dates(df["end"])
    bad_end = has_end.to_numpy() & (bad_end | df["end"].str.len().ne(10).to_numpy())
    col.rows(df, bad_end, "end", f"a valid full date YYYY-MM-DD {DATE_RANGE}, or empty for an ongoing case")
    order = (~bad_start & ~bad_end & has_end.to_numpy()) & (end < start).to_numpy()
    col.rows(df, order, "end", "an end date on or after the start date")
    pop = parse_numbers(df["population"])
    bad_pop = (df["population"] != "") & ~((pop >= 1) & (pop <= MAX_POPULATION))
    col.rows(df, bad_pop, "population", f"a number of residents from 1 to {MAX_POPULATION:,.0f}, or empty")
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


def resolve_cases(df: pd.DataFrame, cases: pd.DataFrame, col: Collector) -> pd.Series:
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


def validate_evidence(raw: pd.DataFrame, cases: pd.DataFrame, codebook: Codebook, col: Collector) -> pd.DataFrame:
    df = raw.copy()
    col.rows(df, df["evidence_id"] == "", "evidence_id", "a non-empty evidence id")
    known = df["indicator"].isin(codebook.indicator_codes)
    col.rows(
        df,
        ~known,
        "indicator",
        f"an indicator code of codebook {codebook.label}: {', '.join(codebook.indicator_codes)}",
    )
    start, end, bad_date = parse_dates(df["date"])
    col.rows(
        df,
        bad_date,
        "date",
        f"a valid date YYYY-MM-DD {DATE_RANGE} (or YYYY-MM, YYYY when only the month or year is known)",
    )
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
    code = parse_numbers(df["code"])
    on_scale = code.isin(codebook.scale.values)
    col.rows(df, ~on_scale, "code", f"an integer level of the scale {codebook.scale.min}-{codebook.scale.max}")
    imp = codebook.importance
    weight = parse_numbers(df["weight"]).where(df["weight"] != "", imp.default)
    col.rows(
        df,
        ~((weight >= imp.min) & (weight <= imp.max)),
        "weight",
        f"an importance from {imp.min:g} to {imp.max:g} ({imp.describe()}; empty means {imp.default:g})",
    )
    df["code"] = code.where(on_scale, -1).astype("int64")
    df["weight"] = weight.astype(float)
    df["coder"] = df["coder"].where(df["coder"] != "", DEFAULT_CODER)
    # countries and cases
    bad_country = (df["country"] != "") & ~df["country"].str.fullmatch(_ISO3.pattern)
    col.rows(df, bad_country, "country", "an ISO 3166 alpha-3 country code, or empty")
    known_case = df["case"].isin(cases["case"]) | (df["case"] == "")
    col.rows(df, ~known_case, "case", "a case id of the cases table (or empty, with a country)")
    df["case"] = resolve_cases(df, cases, col).where(known_case, "")
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


def validate_measures(raw: pd.DataFrame, cases: pd.DataFrame, codebook: Codebook, col: Collector) -> pd.DataFrame:
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
        df,
        bad_period,
        "period",
        f"a period {DATE_RANGE}: FY2017, 2017, 2017-06, 2017-06-30 or an interval 2019-06-07/2020-06-07",
    )
    df["period_start"] = pd.Series([p[0] if p else pd.NaT for p in parsed], index=df.index, dtype="datetime64[ns]")
    df["period_end"] = pd.Series([p[1] if p else pd.NaT for p in parsed], index=df.index, dtype="datetime64[ns]")
    value = parse_numbers(df["value"])
    col.rows(df, value.isna(), "value", NUMBER_FORMS)
    col.rows(df, (value < 0) | (value > MAX_VALUE), "value", f"a non-negative number no larger than {MAX_VALUE:.0e}")
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
