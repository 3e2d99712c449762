"""Stints to measures, checked against values computed by hand (see conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from securitization.records import measures_from_records

from .conftest import AS_OF, EXPECTED, EXPECTED_QUALITY, measures_dict, stints_frame, typed_stints

ENGINES = ["duckdb", "pandas"]  # Spark: test_spark.py


def _check(res, expected=EXPECTED) -> None:  # type: ignore[no-untyped-def]
    got = measures_dict(res.measures)
    assert set(got) == set(expected)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key


@pytest.mark.parametrize("engine", ENGINES)
def test_hand_stints_csv(stints_csv: Path, engine: str) -> None:
    res = measures_from_records(stints_csv, layout="ddp-detention-stints", country="USA", engine=engine, as_of=AS_OF)
    _check(res)
    q = {r.reason: (r.action, r.rows) for r in res.quality.itertuples()}
    assert {k: (a.split(":")[0] if k != "duplicate stint" else a, n) for k, (a, n) in q.items()} == EXPECTED_QUALITY
    assert res.rows_read == 11 and res.rows_dropped == 5
    assert set(res.measures["country"]) == {"USA"} and set(res.measures["indicator"]) == {"P-2"}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fmt", ["parquet", "feather", "xlsx"])
def test_same_numbers_in_every_format(tmp_path: Path, engine: str, fmt: str) -> None:
    frame = typed_stints() if fmt != "xlsx" else stints_frame()
    path = tmp_path / f"stints.{fmt}"
    if fmt == "parquet":
        frame.to_parquet(path, index=False)
    elif fmt == "feather":
        frame.to_feather(path)
    else:
        frame.to_excel(path, index=False)
    res = measures_from_records(path, layout="ddp-detention-stints", engine=engine, as_of=AS_OF)
    _check(res)
    reasons = set(res.quality["reason"])
    redacted = "redacted stay_book_in_date_time" if fmt == "xlsx" else "missing stay_book_in_date_time"
    assert redacted in reasons  # typed files cannot hold the marker: the cell is missing there


def test_periods_and_open_stays_follow_as_of(stints_csv: Path) -> None:
    """With as_of 2019-06-30, FY2019 is cut there: 273 days; D (booked in later) is not yet there."""
    res = measures_from_records(stints_csv, layout="ddp-detention-stints", as_of="2019-06-30")
    got = measures_dict(res.measures)
    period = "2018-10-01/2019-06-30"
    # stay-days through 2019-06-30: A 10, B 5, C 30, G 2 = 47 over 273 days
    assert got[("ice_detention_adp", period)] == pytest.approx(47 / 273)
    assert got[("ice_detention_book_ins", period)] == 4.0  # D's book-in is after as_of but is a record: counted


def test_default_as_of_is_the_latest_event(stints_csv: Path) -> None:
    res = measures_from_records(stints_csv, layout="ddp-detention-stints")
    assert str(res.as_of) == "2019-09-20"  # D's book-in, the latest book-in or book-out
    got = measures_dict(res.measures)
    # FY2019 cut after 2019-09-20: 355 days; D is detained 1 day (to the end of as_of)
    assert got[("ice_detention_adp", "2018-10-01/2019-09-20")] == pytest.approx((10 + 5 + 30 + 1 + 2) / 355)


def test_breakdown_by_facility(stints_csv: Path) -> None:
    """A stay goes to its first stint's facility: FY2019 FAC1 = B, G; FAC2 = C, D (A is FY2018, FAC1)."""
    res = measures_from_records(stints_csv, layout="ddp-detention-stints", as_of=AS_OF, by=["facility"])
    got = measures_dict(res.measures)
    assert got[("ice_detention_book_ins[facility=FAC1]", "FY2019")] == 2.0
    assert got[("ice_detention_book_ins[facility=FAC2]", "FY2019")] == 2.0
    assert got[("ice_detention_book_ins[facility=FAC1]", "FY2018")] == 1.0
    assert got[("ice_detention_adp[facility=FAC1]", "FY2019")] == pytest.approx((10 + 5 + 2) / 365)
    assert got[("ice_detention_adp[facility=FAC2]", "FY2019")] == pytest.approx((30 + 11) / 365)
    assert got[("ice_detention_adp", "FY2019")] == pytest.approx(58 / 365)  # the totals are still there
    label = res.measures.loc[res.measures["measure"] == "ice_detention_adp[facility=FAC2]", "label"].iloc[0]
    assert label.endswith(": FAC2")


def test_provenance(stints_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(stints_csv.parent)
    res = measures_from_records("stints.csv", layout="ddp-detention-stints", as_of=AS_OF)
    row = res.measures.loc[(res.measures["measure"] == "ice_detention_adp") & (res.measures["period"] == "FY2019")]
    prov = json.loads(row["provenance"].iloc[0])
    import hashlib

    assert prov["files"] == [
        {"name": "stints.csv", "sha256": hashlib.sha256(stints_csv.read_bytes()).hexdigest(), "format": "csv"}
    ]
    assert prov["rows"]["read"] == 11 and prov["rows"]["used"] == 6
    assert prov["rows"]["dropped"]["duplicate stint"] == 1
    assert prov["rows"]["kept_with_note"]["open stay"] == 1
    assert prov["layout"] == {"id": "ddp-detention-stints", "version": "1"}
    assert prov["definition"] == {"id": "stints.adp", "version": "1", "statistic": "adp"}
    assert prov["engine"]["name"] == "duckdb" and prov["engine"]["version"] == "2.0.1"
    assert "GROUP BY person, stay_book_in, stay_book_in__bad" in prov["query"]  # a text file
    assert prov["as_of"] == AS_OF and prov["fiscal_year"]["start_month"] == 10
    assert prov["fiscal_year"]["source"].startswith("31 U.S.C. 1102")
    assert "dropped: 1 book-out before book-in" in row["notes"].iloc[0]


def test_write_is_atomic_and_never_over_an_input(stints_csv: Path, tmp_path: Path) -> None:
    from securitization.errors import ParameterError

    res = measures_from_records(stints_csv, layout="ddp-detention-stints", as_of=AS_OF)
    with pytest.raises(ParameterError, match="one of the input files"):
        res.write(stints_csv)
    out = res.write(tmp_path / "out" / "measures.csv")
    back = pd.read_csv(out, dtype=str)
    assert list(back.columns)[-1] == "provenance"
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_wrong_layout_names_the_missing_columns(stints_csv: Path) -> None:
    from securitization.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        measures_from_records(stints_csv, layout="cbp-encounters")
    msg = str(err.value)
    assert "stints.csv" in msg and "missing: 'Fiscal Year' or 'fiscal_year'" in msg and "'Encounter Count'" in msg


def test_missing_one_column(tmp_path: Path) -> None:
    from securitization.errors import ValidationError

    path = tmp_path / "s.csv"
    stints_frame().drop(columns=["book_in_criminality"]).to_csv(path, index=False)
    with pytest.raises(ValidationError, match="missing: 'book_in_criminality'"):
        measures_from_records(path, layout="ddp-detention-stints")


def test_several_files_are_one_source(tmp_path: Path) -> None:
    f = stints_frame()
    f.iloc[:5].to_csv(tmp_path / "a.csv", index=False)
    typed_stints().iloc[5:].to_parquet(tmp_path / "b.parquet", index=False)
    res = measures_from_records(
        [tmp_path / "a.csv", tmp_path / "b.parquet"], layout="ddp-detention-stints", as_of=AS_OF
    )
    _check(res)
    assert res.files[0].name.endswith("a.csv") and len(res.files) == 2


def test_fiscal_year_of_the_country(stints_csv: Path) -> None:
    """Calendar fiscal year (DEU): 2018 holds all of A's 20 days and B's 5; 2018 book-ins A, B; 2019 C, D, G."""
    res = measures_from_records(stints_csv, layout="ddp-detention-stints", country="DEU", as_of="2019-12-31")
    got = measures_dict(res.measures)
    assert got[("ice_detention_adp", "2018")] == pytest.approx((20 + 5) / 365)
    assert got[("ice_detention_book_ins", "2018")] == 2.0
    assert got[("ice_detention_book_ins", "2019")] == 3.0
    res2 = measures_from_records(
        stints_csv, layout="ddp-detention-stints", fiscal_year_start_month=4, as_of="2020-03-31"
    )
    assert "2019-04-01/2020-03-31" in set(res2.measures["period"])


def test_unknown_choices_raise(stints_csv: Path) -> None:
    from securitization.errors import ParameterError

    with pytest.raises(ParameterError, match="'engine' parameter"):
        measures_from_records(stints_csv, layout="ddp-detention-stints", engine="polars")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="'by' parameter"):
        measures_from_records(stints_csv, layout="ddp-detention-stints", by=["gender"])
    with pytest.raises(ParameterError, match="fiscal year of 'ZZZ' is not in the package's countries table"):
        measures_from_records(stints_csv, layout="ddp-detention-stints", country="ZZZ")
    with pytest.raises(ParameterError, match="bundled layouts"):
        measures_from_records(stints_csv, layout="no-such-layout")


def test_str_reports_the_counts(stints_csv: Path) -> None:
    text = str(measures_from_records(stints_csv, layout="ddp-detention-stints", as_of=AS_OF))
    assert "11 records read, 5 dropped" in text and "redacted anonymized_identifier" in text


@pytest.mark.parametrize("engine", ENGINES)
def test_duplicated_transfer(tmp_path: Path, engine: str) -> None:
    """A's transfer stint listed twice: one more duplicate, the same measures; unchecked, that is said."""
    f = stints_frame()
    f = pd.concat([f, f.iloc[[1]]], ignore_index=True)
    path = tmp_path / "s.csv"
    f.to_csv(path, index=False)
    res = measures_from_records(path, layout="ddp-detention-stints", engine=engine, as_of=AS_OF)
    _check(res)
    q = res.quality.set_index("reason")
    assert q.loc["duplicate stint", "rows"] == 2 and q.loc["stints read", "rows"] == 12
    if engine == "duckdb":
        quick = measures_from_records(path, layout="ddp-detention-stints", as_of=AS_OF, check_duplicates=False)
        _check(quick)
        q2 = quick.quality.set_index("reason")
        assert "duplicate stint" not in q2.index and q2.loc["stints read", "rows"] == 12
        assert q2.loc["stints not checked for duplicates", "action"].startswith("not checked")
