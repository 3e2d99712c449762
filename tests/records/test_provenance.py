"""describe_provenance: a measure row's provenance JSON as readable lines, checked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from securitization.errors import ParameterError
from securitization.records import describe_provenance, measures_from_records
from securitization.records.provenance import query_digest

from .conftest import ice_tables


def test_hand_stints_provenance(stints_csv: Path) -> None:
    res = measures_from_records(stints_csv, layout="ddp-detention-stints", as_of="2019-12-31")
    row = res.measures.loc[res.measures["measure"] == "ice_detention_adp"].iloc[0]
    obj = json.loads(row["provenance"])
    lines = describe_provenance(row["provenance"])
    sha = res.files[0].sha256
    assert lines[0] == f"files: {obj['files'][0]['name']} (csv, sha256 {sha[:12]})"
    assert sha[:13] not in "\n".join(lines)
    # 11 stints read, 5 dropped (tests/records/conftest.py), 6 used
    assert lines[1].startswith("rows: 11 read, 6 used, 5 dropped (")
    dropped = obj["rows"]["dropped"]
    assert sum(dropped.values()) == 5
    for reason, n in dropped.items():
        assert f"{n} {reason}" in lines[1]
    assert "layout ddp-detention-stints v1; definition stints.adp v1 (statistic adp)" in lines
    engine = next(x for x in lines if x.startswith("engine: "))
    assert engine.startswith(f"engine: duckdb {res.engine_version}; query sha256 {query_digest(obj['query'])} (")
    assert any(x.startswith("open stays counted as detained through 2019-12-31; ") for x in lines)
    assert lines[-1] == "fiscal year from month 10 (31 U.S.C. 1102)"


def test_the_same_run_gives_the_same_digest(stints_csv: Path) -> None:
    a, b = (
        measures_from_records(stints_csv, layout="ddp-detention-stints", as_of="2019-12-31")
        .measures["provenance"]
        .iloc[0]
        for _ in range(2)
    )
    assert describe_provenance(a) == describe_provenance(b)


def test_ice_pull_and_breakdown() -> None:
    text = json.dumps(
        {
            "files": [{"name": "a.csv", "sha256": "f" * 64, "format": "csv"}, {"name": "b.xlsx", "format": "xlsx"}],
            "rows": {"read": 1200, "used": 1000, "dropped": {"superseded pull": 200}, "kept_with_note": {}},
            "pull": {"fiscal_year": 2019, "pull_date": "2019-10-05", "file_date": "2019-10-08"},
            "breakdown": {"name": "facility", "value": "ABC"},
        }
    )
    assert describe_provenance(text) == [
        f"files: a.csv (csv, sha256 {'f' * 12}); b.xlsx (xlsx)",
        "rows: 1,200 read, 1,000 used, 200 dropped (200 superseded pull)",
        "latest pull of FY2019: pull date 2019-10-05, file date 2019-10-08",
        "breakdown: facility = ABC",
    ]


def test_encounter_months_and_nothing_dropped() -> None:
    text = json.dumps({"rows": {"read": 10, "used": 10, "dropped": {}}, "units": {"months": 7}})
    assert describe_provenance(text) == [
        "rows: 10 read, 10 used, 0 dropped",
        "7 months of the fiscal year in the files",
    ]


def test_empty_object_gives_no_line() -> None:
    assert describe_provenance("{}") == []


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", "3"])
def test_not_a_provenance(text: str) -> None:
    with pytest.raises(ParameterError, match="describe_provenance"):
        describe_provenance(text)


def test_ice_stats_row_names_its_pull(tmp_path: Path) -> None:
    res = measures_from_records(ice_tables(tmp_path), layout="ice-detention-stats")
    row = res.measures.loc[(res.measures["measure"] == "ice_removals") & (res.measures["period"] == "FY2019")].iloc[0]
    lines = describe_provenance(row["provenance"])
    assert "latest pull of FY2019: pull date 2019-10-07, file date 2019-12-31" in lines
    assert lines[0].startswith("files: ") and "removals.parquet (parquet, sha256 " in lines[0]
    assert not any(x.startswith("open stays") for x in lines)
