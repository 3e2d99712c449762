"""Cases as coders of other countries write them: read exactly, or refused with one clear message.

The example folders under ``tests/cases`` (Australia, Canada, Germany: sourced, coded in
each country's own conventions, see their READMEs) must validate and score with no code
change. Every variant a user is likely to write is either read as meant (with a note where
the reading is not verbatim) or refused with one message naming file, row, column, what
was found, what was expected and the nearest valid value; and no input file is changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import securitization as sz
from securitization.cli import main
from securitization.countries import fiscal_year
from securitization.errors import ValidationError
from securitization.periods import parse_period
from securitization.reading import formats

from .conftest import CASES, COUNTRIES, MEASURES, evidence_rows

EXAMPLES = Path(__file__).parent / "cases"


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _write(d: Path, *, cases=None, evidence=None, measures=None, countries=COUNTRIES) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    (CASES if cases is None else cases).to_csv(d / "cases.csv", index=False)
    (evidence_rows() if evidence is None else evidence).to_csv(d / "evidence.csv", index=False)
    (MEASURES if measures is None else measures).to_csv(d / "measures.csv", index=False)
    if countries is not None:
        countries.to_csv(d / "countries.csv", index=False)
    return d


def _problems(d: Path, **kw) -> list:
    with pytest.raises(ValidationError) as info:
        sz.load(d, **kw)
    return info.value.problems


# --- the example folders --------------------------------------------------------------


@pytest.mark.parametrize("country", ["aus", "can", "deu"])
def test_example_folders_validate_and_score_unchanged(country: str) -> None:
    folder = EXAMPLES / country
    before = _digests(folder)
    ds = sz.load(folder)
    assert ds.codebook.source == str(folder / "codebook.toml")  # the folder's own codebook
    assert any(f.kind == "codebook" and f.path.endswith("codebook.toml") for f in ds.files)
    scores = sz.score(ds)
    assert scores.indicators["score"].notna().all()
    assert ((scores.indicators["score"] >= 0) & (scores.indicators["score"] <= 4)).all()
    assert any("codebook.toml" in str(n) for n in ds.notes)
    # each folder's own measure is scored by its folder's rule
    own = {"aus": "aus_held_detention", "can": "can_detention_adp", "deu": None}[country]
    if own is not None:
        row = scores.indicators.loc[scores.indicators["indicator"] == "P-2"]
        assert row["n_measures"].sum() > 0
        ex = scores.explain(str(ds.cases["case"].iloc[-1]), "P-2")
        assert own in set(ex.measure_scores["measure"])
    assert _digests(folder) == before


def test_the_manifest_records_the_folder_codebook() -> None:
    manifest = sz.score(sz.load(EXAMPLES / "aus")).manifest
    text = str(manifest)
    assert "codebook.toml" in text and "aus-example" in text
    assert any(f.get("kind") == "codebook" and len(f.get("sha256", "")) == 64 for f in manifest["inputs"])


def test_the_australian_financial_year_is_the_countrys() -> None:
    ds = sz.load(EXAMPLES / "aus")
    m = ds.measures.iloc[0]
    assert str(m["period_start"].date()) == "2013-09-05" == str(m["period_end"].date())
    got = parse_period("FY2000-01", fiscal_year("AUS"), country="AUS")
    assert (str(got[0].date()), str(got[1].date())) == ("2000-07-01", "2001-06-30")
    got = parse_period("2014/15", fiscal_year("CAN"), country="CAN")
    assert (str(got[0].date()), str(got[1].date())) == ("2014-04-01", "2015-03-31")


# --- periods and fiscal years ---------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "period", "first", "last"),
    [
        ("USA", "FY2017", "2016-10-01", "2017-09-30"),
        ("USA", "1993-1998", "1993-01-01", "1998-12-31"),
        ("AUS", "FY2000-01", "2000-07-01", "2001-06-30"),
        ("AUS", "2000/01", "2000-07-01", "2001-06-30"),
        ("GBR", "2016-17", "2016-04-01", "2017-03-31"),
        ("DEU", "2016", "2016-01-01", "2016-12-31"),
        ("DEU", "2016-Q3", "2016-07-01", "2016-09-30"),
        ("ITA", "2016-02", "2016-02-01", "2016-02-29"),
        ("MEX", "2016-02-03", "2016-02-03", "2016-02-03"),
        ("MEX", "2016-01-01/2016-03-31", "2016-01-01", "2016-03-31"),
    ],
)
def test_measure_periods_in_each_countrys_convention(
    tmp_path: Path, country: str, period: str, first: str, last: str
) -> None:
    cases = pd.DataFrame(
        {
            "case": [f"{country.lower()}-one-1990"],
            "country": [country],
            "label": ["One"],
            "leader": ["L"],
            "start": ["1990-01-01"],
            "end": ["2020-12-31"],
            "population": ["1000000"],
        }
    )
    measures = pd.DataFrame(
        {
            "country": [country],
            "indicator": ["P-2"],
            "measure": ["ice_detention_adp"],
            "period": [period],
            "value": ["10"],
            "unit": ["persons"],
            "source": ["Synthetic"],
        }
    )
    ev = evidence_rows().iloc[:0]
    ds = sz.load(_write(tmp_path / "t", cases=cases, evidence=ev, measures=measures, countries=None))
    m = ds.measures.iloc[0]
    assert (str(m["period_start"].date()), str(m["period_end"].date())) == (first, last)


@pytest.mark.parametrize(
    ("country", "period", "reason"),
    [
        ("DEU", "2016/17", "calendar year"),  # was read as 2016, silently
        ("DEU", "FY2016-17", "calendar year"),
        ("GBR", "FY2017", "both its years"),
        ("GBR", "2016-2017", "could be the two calendar years"),
        ("USA", "2016-05", None),  # a month: fine
        ("CAN", "2016-04", None),  # April 2016: 04 cannot be the year after 2016
        ("CAN", "2011-12", "could be December 2011 or the fiscal year"),
    ],
)
def test_periods_two_conventions_read_differently_are_refused(country: str, period: str, reason: str | None) -> None:
    from securitization.periods import PeriodError

    fy = fiscal_year(country)
    if reason is None:
        first, last = parse_period(period, fy, country=country)
        assert first.day == 1 and first.month == last.month
        return
    with pytest.raises(PeriodError, match=reason):
        parse_period(period, fy, country=country)


def test_a_fiscal_year_of_a_country_without_one_is_refused_with_the_fix(tmp_path: Path) -> None:
    d = _write(tmp_path / "t", countries=None)  # AAA is invented: the package knows no fiscal year for it
    before = _digests(d)
    problems = _problems(d)
    assert len(problems) == 4  # one per FY row, nothing else
    p = problems[0]
    assert (p.file, p.row, p.column, p.value) == (str(d / "measures.csv"), 2, "period", "FY2002")
    assert "countries.csv" in p.expected
    assert _digests(d) == before


def test_a_folder_countries_table_overrides_the_package(tmp_path: Path) -> None:
    countries = pd.DataFrame(
        {"country": ["AAA"], "start_month": ["7"], "single": ["end"], "source": ["A July fiscal year"]}
    )
    ds = sz.load(_write(tmp_path / "t", countries=countries))
    assert str(ds.measures["period_start"].iloc[0].date()) == "2001-07-01"  # FY2002 from July 2001
    assert ds.countries["AAA"].start_month == 7


# --- handovers ------------------------------------------------------------------------


def test_a_term_may_end_on_the_day_the_next_begins_and_that_day_is_the_later_cases(tmp_path: Path) -> None:
    cases = CASES.copy()
    cases.loc[0, "end"] = "2005-01-01"  # aa-one ends the day aa-two begins
    ev = evidence_rows()
    extra = ev.iloc[[0]].copy()
    extra["evidence_id"], extra["case"], extra["country"], extra["date"] = "handover-day", "", "AAA", "2005-01-01"
    ds = sz.load(_write(tmp_path / "t", cases=cases, evidence=pd.concat([ev, extra], ignore_index=True)))
    row = ds.evidence.loc[ds.evidence["evidence_id"] == "handover-day"].iloc[0]
    assert row["case"] == "aa-two-2005"
    cases.loc[0, "end"] = "2005-01-02"  # one day of overlap: refused
    problems = _problems(_write(tmp_path / "u", cases=cases))
    assert [(p.row, p.column) for p in problems] == [(3, "start")]
    assert "previous case of AAA (aa-one-2001)" in problems[0].expected


# --- vocabularies -----------------------------------------------------------------------


def test_kinds_as_coders_write_them_are_read_with_a_note(tmp_path: Path) -> None:
    ev = evidence_rows()
    ev.loc[ev["kind"] == "statute", "kind"] = "law"
    ev.loc[ev["kind"] == "programme", "kind"] = "Program"
    ev.loc[ev["kind"] == "statistics", "kind"] = "statistic"
    ds = sz.load(_write(tmp_path / "t", evidence=ev))
    assert set(ds.evidence["kind"]) == {"statute", "programme", "speech", "operation", "statistics"}
    notes = [str(n) for n in ds.notes]
    assert any("'law'" in n and "read as kind 'statute'" in n for n in notes)
    assert any("'Program'" in n and "read as kind 'programme'" in n for n in notes)


@pytest.mark.parametrize(
    ("column", "value", "hint"),
    [
        ("kind", "statue", "did you mean 'statute'"),
        ("indicator", "I-4", "did you mean"),
        ("case", "aa-one-2002", "did you mean 'aa-one-2001'"),
        ("code", "hgih", "did you mean"),
    ],
)
def test_every_closed_choice_suggests_the_nearest_value(tmp_path: Path, column: str, value: str, hint: str) -> None:
    ev = evidence_rows()
    ev.loc[0, column] = value
    ev["country"] = ev["case"].str[:2].str.upper().map({"AA": "AAA", "BB": "BBB"})  # filled, as the template invites
    d = _write(tmp_path / "t", evidence=ev)
    before = _digests(d)
    problems = _problems(d)
    assert len(problems) == 1, problems  # one message for one problem
    p = problems[0]
    assert (p.file, p.row, p.column, p.value) == (str(d / "evidence.csv"), 2, column, value)
    assert hint in p.expected.lower() or hint in p.expected
    assert _digests(d) == before


def test_headers_match_ignoring_case_with_a_note_and_a_typo_gets_a_suggestion(tmp_path: Path) -> None:
    ev = evidence_rows().rename(columns={"code": "Code", "date": "Date"})
    ds = sz.load(_write(tmp_path / "t", evidence=ev))
    assert any("'Code' -> 'code'" in str(n) for n in ds.notes)
    ev = evidence_rows().rename(columns={"code": "cdoe"})
    problems = _problems(_write(tmp_path / "u", evidence=ev))
    assert any(p.column == "cdoe" and "did you mean 'code'" in p.expected for p in problems)
    assert any(p.column == "code" and "required" in p.expected for p in problems)


def test_levels_written_as_words_are_read_with_a_note(tmp_path: Path) -> None:
    ev = evidence_rows()
    ev.loc[0, "code"] = "High"
    ds = sz.load(_write(tmp_path / "t", evidence=ev))
    assert ds.evidence.loc[ds.evidence["evidence_id"] == ev.loc[0, "evidence_id"], "code"].iloc[0] == 3
    assert any("label" in str(n) and "read as 3" in str(n) for n in ds.notes)


def test_one_duplicated_id_is_one_message(tmp_path: Path) -> None:
    ev = evidence_rows()
    ev.loc[3, "evidence_id"] = ev.loc[2, "evidence_id"]  # same id, same coder
    problems = _problems(_write(tmp_path / "t", evidence=ev))
    assert [(p.row, p.column, p.value) for p in problems] == [(4, "evidence_id", ev.loc[2, "evidence_id"])]
    assert "also on row 5" in problems[0].expected


# --- a user's own measures --------------------------------------------------------------


def test_a_measure_without_a_rule_is_reported_never_dropped_in_silence(tmp_path: Path, capsys) -> None:
    m = MEASURES.copy()
    extra = m.iloc[[0]].copy()
    extra["measure"], extra["value"] = "aaa_children_detained", "12"
    d = _write(tmp_path / "t", measures=pd.concat([m, extra], ignore_index=True))
    ds = sz.load(d)
    note = next(n for n in ds.notes if n.value == "aaa_children_detained")
    assert "not scored" in note.note and "codebook.toml" in note.note
    ex = sz.score(ds).explain("aa-one-2001", "P-2")
    assert list(ex.unscored["measure"]) == ["aaa_children_detained"]
    assert "aaa_children_detained" in str(ex) and "no rule" in str(ex)
    assert main(["--quiet", "score", str(d)]) == 0
    assert "aaa_children_detained" in capsys.readouterr().err


def test_a_folder_codebook_gives_the_measure_a_rule(tmp_path: Path) -> None:
    m = MEASURES.copy()
    m["measure"] = "aaa_children_detained"
    d = _write(tmp_path / "t", measures=m)
    (d / "codebook.toml").write_text(
        """
[codebook]
extends = "bourbeau-2011"
id = "aaa"
version = "1"

[[measures]]
indicator = "P-2"
measure = "aaa_children_detained"
label = "Children in detention per 100,000 residents"
statistic = "mean"
per = "population"
per_scale = 100000
mapping = "thresholds"
thresholds = [1.0, 2.0, 4.0, 8.0]
"""
    )
    ds = sz.load(d)
    assert ds.codebook.id == "aaa"
    ex = sz.score(ds).explain("aa-one-2001", "P-2")
    assert list(ex.measure_scores["measure"]) == ["aaa_children_detained"] and not len(ex.unscored)
    # --codebook on the command line wins over the folder's
    assert main(["validate", str(d), "--codebook", "bourbeau-2011"]) == 0


# --- numbers and dates read exactly -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "read"),
    [("1,5", None), ("5", None), ("inf", None), ("nan", None), ("2", 2.0), (" 3 ", 3.0), ("", 1.0)],
)
def test_weights_in_a_comma_separated_file(tmp_path: Path, value: str, read: float | None) -> None:
    ev = evidence_rows()
    ev.loc[0, "weight"] = value
    d = _write(tmp_path / "t", evidence=ev)
    if read is None:
        problems = _problems(d)
        assert [(p.row, p.column, p.value) for p in problems] == [(2, "weight", value)]
        assert "an importance from 1 to 3" in problems[0].expected
    else:
        ds = sz.load(d)
        first = ds.evidence.loc[
            (ds.evidence["evidence_id"] == ev.loc[0, "evidence_id"]) & (ds.evidence["coder"] == "c1")
        ]
        assert first["weight"].iloc[0] == read


def test_a_semicolon_file_reads_decimal_commas(tmp_path: Path) -> None:
    ev = evidence_rows()
    ev.loc[0, "weight"] = "1,5"
    m = MEASURES.copy()
    m.loc[0, "value"] = "1.234,5"
    d = _write(tmp_path / "t")
    ev.to_csv(d / "evidence.csv", index=False, sep=";")
    m.to_csv(d / "measures.csv", index=False, sep=";")
    ds = sz.load(d)
    assert ds.measures["value"].iloc[0] == 1234.5
    assert 1.5 in set(ds.evidence["weight"])
    m.loc[0, "value"] = "1.500"  # a thousand and a half, or one and a half? refused
    m.to_csv(d / "measures.csv", index=False, sep=";")
    problems = _problems(d)
    assert [(p.row, p.column, p.value) for p in problems] == [(2, "value", "1.500")]


@pytest.mark.parametrize(
    ("date", "ok"),
    [
        ("14/05/2002", True),  # day first, told by the day above 12
        ("2002/01/14", True),
        ("2002-03", True),  # a month: the first day, with the month as its span
        ("05/04/2002", False),  # alone in its column: day and month cannot be told apart
        ("37335", False),  # an Excel serial number
        ("2002-02-30", False),
        ("next week", False),
    ],
)
def test_evidence_dates_as_spreadsheets_write_them(tmp_path: Path, date: str, ok: bool) -> None:
    ev = evidence_rows()
    ev["country"] = "AAA"  # the template's filled country column (this crashed before)
    ev.loc[ev["case"] == "bb-one-2003", "country"] = "BBB"
    ev.loc[0, "date"] = date
    d = _write(tmp_path / "t", evidence=ev)
    before = _digests(d)
    if ok:
        ds = sz.load(d)
        assert ds.evidence["date"].notna().all()
    else:
        problems = _problems(d)
        assert [(p.row, p.column, p.value) for p in problems] == [(2, "date", date)]
        assert "YYYY-MM-DD" in problems[0].expected or "date" in problems[0].expected
    assert _digests(d) == before


def test_xlsx_date_cells_are_dates(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    d = _write(tmp_path / "t")
    ev = evidence_rows()
    ev["date"] = pd.to_datetime(ev["date"])  # real date cells
    ev.to_excel(d / "evidence.xlsx", index=False)
    (d / "evidence.csv").unlink()
    ds = sz.load(d)
    assert str(ds.evidence["date"].min().date()) == "2002-03-01"


# --- two tables of one kind, coders who disagree -----------------------------------------


def test_two_tables_of_one_name_are_one_message_naming_both(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    d = _write(tmp_path / "t")
    evidence_rows().to_excel(d / "evidence.xlsx", index=False)
    problems = _problems(d)
    assert len(problems) == 1
    assert "evidence.csv" in problems[0].file and "evidence.xlsx" in problems[0].file


def test_doubly_coded_items_that_disagree_are_listed(tmp_path: Path) -> None:
    ev = evidence_rows()
    second = ev.index[ev["coder"] == "c2"]
    ev.loc[second[0], "weight"] = "3"
    ev.loc[second[1], "title"] = "Another title"
    ds = sz.load(_write(tmp_path / "t", evidence=ev))
    notes = [str(n) for n in ds.notes]
    assert any("different weights" in n and ev.loc[second[0], "evidence_id"] in n and "mean" in n for n in notes)
    assert any("different titles" in n and ev.loc[second[1], "evidence_id"] in n for n in notes)


# --- large files: the repetitive columns read dictionary-encoded ---------------------------


def _big(n_items: int) -> pd.DataFrame:
    ev = evidence_rows()
    base = ev.loc[ev["case"] == "aa-one-2001"].reset_index(drop=True)
    reps = int(np.ceil(n_items / len(base)))
    big = pd.concat([base] * reps, ignore_index=True).iloc[:n_items].copy()
    big["evidence_id"] = [f"big-{i}" for i in range(len(big))]
    big["coder"] = "c1"
    big["title"] = [f"Item {i}" for i in range(len(big))]
    return big


def test_large_files_read_the_same_with_and_without_dictionary_encoding(tmp_path: Path, monkeypatch) -> None:
    big = _big(6000)
    big.loc[10, "kind"] = " statute "  # white space in a repetitive column
    d = _write(tmp_path / "t", evidence=big)
    ds = sz.load(d)
    assert isinstance(ds.raw["evidence"]["kind"].dtype, pd.CategoricalDtype)  # encoded
    monkeypatch.setattr(formats, "_REPETITIVE_MIN_ROWS", 10**9)
    plain = sz.load(d)
    assert not isinstance(plain.raw["evidence"]["kind"].dtype, pd.CategoricalDtype)
    cols = ["evidence_id", "case", "indicator", "date", "kind", "code", "weight", "coder", "title"]
    pd.testing.assert_frame_equal(
        ds.evidence[cols].astype(str).reset_index(drop=True), plain.evidence[cols].astype(str).reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(sz.score(ds).indicators, sz.score(plain).indicators)


def test_large_files_from_two_folders_and_a_bad_cell_deep_down(tmp_path: Path) -> None:
    big = _big(6000)
    other = big.copy()
    other["evidence_id"] = [f"other-{i}" for i in range(len(other))]
    other["kind"] = other["kind"].replace({"statute": "law"})  # other categories
    d = _write(tmp_path / "a", evidence=big)
    e = tmp_path / "b"
    e.mkdir()
    other.to_csv(e / "evidence.csv", index=False)
    ds = sz.load([d, e])
    assert len(ds.evidence) == 12000
    assert isinstance(ds.raw["evidence"]["kind"].dtype, pd.CategoricalDtype)
    other.loc[5000, "kind"] = "statue"
    other.to_csv(e / "evidence.csv", index=False)
    problems = _problems([d, e])
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [(str(e / "evidence.csv"), 5002, "kind", "statue")]


def test_quoted_line_breaks_in_a_large_file(tmp_path: Path) -> None:
    big = _big(3000)
    big.loc[7, "summary"] = "two\nlines, quoted"
    ds = sz.load(_write(tmp_path / "t", evidence=big))
    assert ds.evidence.loc[ds.evidence["evidence_id"] == "big-7", "summary"].iloc[0] == "two\nlines, quoted"
    assert ds.evidence["row"].max() == 3001  # a spreadsheet row per record, whatever its line breaks
