"""ICE fiscal-year detention statistics: the latest pull of each year, by hand (conftest.ice_tables)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from securitization.records import measures_from_records

from .conftest import ice_tables, measures_dict


@pytest.mark.parametrize("engine", ["duckdb", "pandas"])
def test_latest_pull_of_each_year(tmp_path: Path, engine: str) -> None:
    """FY2019: pull 2019-10-07; FY2020: pull 2020-10-05 (the 2020-10-19 pull labelled FY2020 is
    FY2021's first and is not used); FY2021: one pull so far, a year cut at 2020-10-19."""
    res = measures_from_records(ice_tables(tmp_path), layout="ice-detention-stats", engine=engine)
    got = measures_dict(res.measures)
    assert got == {
        ("ice_removals", "FY2019"): 267258.0,
        ("ice_removals", "FY2020"): 185884.0,
        ("ice_removals", "2020-10-01/2020-10-19"): 1234.0,
        ("ice_detention_noncriminal_share", "FY2019"): pytest.approx(0.7),  # 1 - 30/100, latest pull
    }
    q = res.quality.loc[res.quality["table"] == "removals"]
    assert {r.reason: (r.action, r.rows) for r in q.itertuples()} == {
        "rows read": ("read", 6),
        "pull also published under the next fiscal year": ("dropped: a file of the next year", 1),
        "superseded by a later pull or file": ("not used: an earlier pull or file of the year", 2),
    }
    row = res.measures.loc[(res.measures["measure"] == "ice_removals") & (res.measures["period"] == "FY2020")]
    assert "Latest pull of FY2020: pull date 2020-10-05, file date 2020-12-31." in row["notes"].iloc[0]
    prov = json.loads(row["provenance"].iloc[0])
    assert prov["pull"] == {"fiscal_year": 2020, "pull_date": "2020-10-05", "file_date": "2020-12-31"}
    assert [f["name"].rsplit("/", 1)[-1] for f in prov["files"]] == ["removals.parquet"]


def test_synthetic_ice_stats_engines_agree(tmp_path: Path) -> None:
    from securitization.records.synthetic import write_ice_stats

    paths = list(write_ice_stats(tmp_path, rng=3).values())
    a = measures_from_records(paths, layout="ice-detention-stats", by=["facility"])
    b = measures_from_records(paths, layout="ice-detention-stats", engine="pandas", by=["facility"])
    assert a.measures[["measure", "period"]].equals(b.measures[["measure", "period"]])
    assert (a.measures["value"] - b.measures["value"]).abs().max() < 1e-9
    names = set(a.measures["measure"])
    assert {"ice_detention_adp", "ice_detention_book_ins", "ice_removals", "ice_detention_alos"} <= names
    assert any(n.startswith("ice_detention_adp_facility[facility=") for n in names)
    assert "pull also published under the next fiscal year" in set(a.quality["reason"])


def test_file_matched_by_columns(tmp_path: Path) -> None:
    paths = ice_tables(tmp_path)
    renamed = paths[0].with_name("fy-removals-export.parquet")
    paths[0].rename(renamed)
    res = measures_from_records([renamed], layout="ice-detention-stats")
    assert ("ice_removals", "FY2019") in measures_dict(res.measures)
