"""Reading and lazy validation of the input tables."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from securitization import ValidationError, load, validate_tables
from securitization.countries import fiscal_year
from securitization.periods import PeriodError, assign_by_overlap, parse_period

from .conftest import COUNTRIES


def _problems(exc: pytest.ExceptionInfo[ValidationError]) -> pd.DataFrame:
    return exc.value.to_frame()


def test_valid_tables_give_typed_frames(cases, evidence, measures) -> None:
    ds = validate_tables(cases=[cases], evidence=[evidence], measures=[measures], countries=[COUNTRIES])
    assert ds.evidence["code"].dtype == "int64"
    assert ds.evidence["weight"].dtype == "float64"
    assert pd.api.types.is_datetime64_any_dtype(ds.evidence["date"])
    assert pd.isna(ds.cases.set_index("case").at["bb-one-2003", "end"])  # ongoing
    # measure periods are assigned to cases by overlap
    assert ds.measures.set_index("period")["case"].to_dict() == {
        "FY2002": "aa-one-2001",
        "FY2003": "aa-one-2001",
        "FY2006": "aa-two-2005",
        "FY2007": "aa-two-2005",
    }


def test_every_problem_is_reported_at_once(cases, evidence, measures) -> None:
    ev = evidence.copy()
    ev.loc[0, "indicator"] = "I-9"  # unknown indicator
    ev.loc[1, "case"] = "zz-none"  # unknown case
    ev.loc[2, "code"] = "7"  # off the scale
    ev.loc[3, "date"] = "2019-02-30"  # impossible date
    ev.loc[4, "date"] = "01/02/2003"  # day and month cannot be told apart
    ev.loc[5, "source"] = ""  # empty source
    ev.loc[6, "date"] = "1990-01-01"  # outside the case's term
    ev.loc[7, "evidence_id"] = ev.loc[8, "evidence_id"]  # duplicate id for one coder (and other indicator)
    ev.loc[9, "kind"] = "gossip"
    ev.loc[10, "weight"] = "-1"
    ms = measures.copy()
    ms.loc[0, "value"] = "-5"  # negative
    ms.loc[1, "value"] = "many"  # non-numeric
    ms.loc[3, "period"] = ms.loc[2, "period"]  # duplicated measure row
    with pytest.raises(ValidationError) as exc:
        validate_tables(cases=[cases], evidence=[ev], measures=[ms], countries=[COUNTRIES])
    p = _problems(exc)
    found = set(zip(p["column"], p["row"], strict=True))
    for expected in [
        ("indicator", 2),
        ("case", 3),
        ("code", 4),
        ("date", 5),
        ("date", 6),
        ("source", 7),
        ("date", 8),
        ("evidence_id", 9),
        ("kind", 11),
        ("weight", 12),
    ]:
        assert expected in found, expected
    msg = str(exc.value)
    m = p.loc[p["file"] == "<measures table>"]
    assert {("value", 2), ("value", 3), ("period", 4)} <= set(zip(m["column"], m["row"], strict=True))
    assert ("period", 5) not in set(zip(m["column"], m["row"], strict=True))  # one message per repeated row
    assert "also on row 10" in msg and "also on row 5" in msg
    assert "expected an integer level of the scale 0-4" in msg
    assert "found '7'" in msg


def test_missing_and_unknown_columns(cases, evidence) -> None:
    ev = evidence.drop(columns=["source"]).assign(colour="red", x_mine="ok")
    with pytest.raises(ValidationError) as exc:
        validate_tables(cases=[cases], evidence=[ev])
    p = _problems(exc)
    assert set(p["column"]) == {"source", "colour"}
    assert p["row"].isna().all()


def test_case_found_from_country_and_date(cases, evidence) -> None:
    ev = evidence.copy()
    ev.loc[0, "case"] = ""
    ev["country"] = ""
    ev.loc[0, "country"] = "AAA"
    ds = validate_tables(cases=[cases], evidence=[ev])
    assert (
        ds.evidence.set_index(["evidence_id", "coder"]).loc[(ev.loc[0, "evidence_id"], "c1"), "case"] == "aa-one-2001"
    )


def test_date_outside_every_case_of_the_country(cases, evidence) -> None:
    ev = evidence.copy()
    ev["country"] = ""
    ev.loc[0, ["case", "country", "date"]] = ["", "AAA", "1999-05-05"]
    ev.loc[1, ["case", "country"]] = ["", ""]
    with pytest.raises(ValidationError) as exc:
        validate_tables(cases=[cases], evidence=[ev])
    msg = str(exc.value)
    assert "a date within the term of a case of AAA" in msg
    assert "so that the case can be found from the date" in msg


def test_bad_cases_table(cases) -> None:
    c = cases.copy()
    c.loc[0, "country"] = "us"
    c.loc[1, "end"] = "2004-01-01"  # before start
    c.loc[2, "start"] = "June 2003"
    c.loc[1, "population"] = "-3"
    with pytest.raises(ValidationError) as exc:
        validate_tables(cases=[c])
    found = set(zip(_problems(exc)["column"], _problems(exc)["row"], strict=True))
    assert {("country", 2), ("end", 3), ("start", 4), ("population", 3)} <= found


def test_overlapping_cases_of_one_country(cases) -> None:
    c = cases.copy()
    c.loc[1, "start"] = "2004-06-01"
    with pytest.raises(ValidationError, match="does not overlap the previous case of AAA"):
        validate_tables(cases=[c])


def test_csv_dialects_bom_and_files_never_modified(tmp_path: Path, cases, evidence) -> None:
    d = tmp_path / "t"
    d.mkdir()
    cases.to_csv(d / "cases.csv", index=False, sep=";", encoding="utf-8-sig")
    evidence.to_csv(d / "evidence.tsv", index=False, sep="\t")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in d.iterdir()}
    ds = load([d])
    assert len(ds.evidence) == len(evidence)
    assert {f.kind for f in ds.files} == {"cases", "evidence"}
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in d.iterdir()}
    assert before == after
    assert {f.sha256 for f in ds.files} == set(before.values())


def test_row_numbers_are_spreadsheet_rows_per_file(tmp_path: Path, cases, evidence) -> None:
    d = tmp_path / "t"
    d.mkdir()
    cases.to_csv(d / "cases.csv", index=False)
    evidence.iloc[:5].to_csv(d / "evidence-a.csv", index=False)
    bad = evidence.iloc[5:].copy()
    bad.iloc[2, bad.columns.get_loc("code")] = "9"
    bad.to_csv(d / "evidence-b.csv", index=False)
    with pytest.raises(ValidationError) as exc:
        load([d])
    p = _problems(exc)
    assert len(p) == 1
    assert p.loc[0, "file"].endswith("evidence-b.csv") and p.loc[0, "row"] == 4 and p.loc[0, "column"] == "code"


def test_excel_and_parquet(tmp_path: Path, cases, evidence, measures) -> None:
    pytest.importorskip("openpyxl")
    pytest.importorskip("pyarrow")
    d = tmp_path / "t"
    d.mkdir()
    cases.to_excel(d / "cases.xlsx", index=False)
    evidence.to_parquet(d / "evidence.parquet")
    measures.to_excel(d / "measures.xlsx", index=False)
    COUNTRIES.to_parquet(d / "countries.parquet")
    ds = load([d])
    assert len(ds.cases) == 3 and len(ds.evidence) == len(evidence) and len(ds.measures) == 4


def test_missing_path_and_unreadable_table(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="an existing file or folder"):
        load([tmp_path / "nope"])
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValidationError, match="a cases, evidence or measures table"):
        load([tmp_path / "notes.csv"])


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("FY2017", "2016-10-01", "2017-09-30"),
        ("2017", "2017-01-01", "2017-12-31"),
        ("2016-02", "2016-02-01", "2016-02-29"),
        ("2020-06-30", "2020-06-30", "2020-06-30"),
        ("2019-06-07/2020-06", "2019-06-07", "2020-06-30"),
    ],
)
def test_periods(text: str, first: str, last: str) -> None:
    got = parse_period(text, fiscal_year("USA"))
    assert (str(got[0].date()), str(got[1].date())) == (first, last)


@pytest.mark.parametrize("text", ["FY17", "2017-13", "2020-02-30", "2020/2019", "soon", ""])
def test_bad_periods(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text, fiscal_year("USA"))


def test_assignment_by_largest_overlap_and_ties_to_later() -> None:
    ts = pd.Timestamp
    got = assign_by_overlap(
        [ts("2016-10-01"), ts("2000-01-01"), ts("2020-01-01")],
        [ts("2017-09-30"), ts("2000-12-31"), ts("2020-12-31")],
        ["obama", "trump"],
        [ts("2009-01-20"), ts("2017-01-20")],
        [ts("2017-01-19"), pd.NaT],
    )
    assert got == ["trump", None, "trump"]
    tie = assign_by_overlap(
        [ts("2001-01-01")],
        [ts("2001-01-04")],
        ["a", "b"],
        [ts("2000-01-01"), ts("2001-01-03")],
        [ts("2001-01-02"), ts("2002-01-01")],
    )
    assert tie == ["b"]


def test_bundled_data_validates() -> None:
    ds = load()
    assert (ds.evidence["source"] != "").all()
    assert (ds.measures["source"] != "").all()
