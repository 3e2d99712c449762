"""The same definitions on Spark (local mode) give the same measures as DuckDB and pandas.

Marked ``spark`` and ``slow`` (a minute or more together): ``make quick`` (``-m "not slow"``)
and ``pytest -m "not spark"`` skip them; ``make test`` runs them. One Spark session serves
the whole run (the session-scoped ``spark`` fixture).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from securitization.cli import main
from securitization.records import measures_from_records

from .conftest import AS_OF, EXPECTED, encounters_frame, ice_tables, measures_dict
from .test_encounters import EXPECTED as EXPECTED_ENCOUNTERS

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def test_hand_stints_on_spark(spark: Any, stints_csv: Path, stints_parquet: Path) -> None:
    for path in (stints_csv, stints_parquet):
        res = measures_from_records(path, layout="ddp-detention-stints", engine="spark", as_of=AS_OF)
        got = measures_dict(res.measures)
        assert set(got) == set(EXPECTED)
        for key, value in EXPECTED.items():
            assert got[key] == pytest.approx(value, rel=1e-9), key
        assert res.rows_read == 11 and res.rows_dropped == 5
        assert res.engine == "spark" and res.engine_version == spark.version


def test_cli_on_spark(spark: Any, stints_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    assert main(["records", "measures", str(stints_csv), "--layout", "ddp-detention-stints", "--engine", "spark",
                 "--as-of", AS_OF, "--out", str(out)]) == 0  # fmt: skip
    import pandas as pd

    got = measures_dict(pd.read_csv(out))
    assert got[("ice_detention_adp", "FY2019")] == pytest.approx(58 / 365, rel=1e-9)


def test_encounters_and_ice_stats_on_spark(spark: Any, tmp_path: Path) -> None:
    path = tmp_path / "enc.csv"
    encounters_frame("snake").to_csv(path, index=False)
    assert (
        measures_dict(measures_from_records(path, layout="cbp-encounters", engine="spark").measures)
        == EXPECTED_ENCOUNTERS
    )
    ice = measures_dict(
        measures_from_records(ice_tables(tmp_path / "ice"), layout="ice-detention-stats", engine="spark").measures
    )
    assert ice[("ice_removals", "FY2020")] == 185884.0 and ice[
        ("ice_detention_noncriminal_share", "FY2019")
    ] == pytest.approx(0.7)


def test_synthetic_stints_same_on_every_engine(spark: Any, tmp_path: Path) -> None:
    from securitization.records.synthetic import write_stints

    path = write_stints(tmp_path, n_people=2000, rng=9)
    runs = {
        e: measures_from_records(path, layout="ddp-detention-stints", engine=e, by=["citizenship"])
        for e in ("duckdb", "spark", "pandas")
    }
    base = runs["duckdb"].measures
    for e in ("spark", "pandas"):
        m = runs[e].measures
        assert m["measure"].tolist() == base["measure"].tolist() and m["period"].tolist() == base["period"].tolist()
        assert ((m["value"] - base["value"]).abs() <= 1e-9 * base["value"].abs().clip(lower=1)).all()
        assert runs[e].quality.drop(columns=[]).equals(runs["duckdb"].quality)


def test_duplicates_on_spark(spark: Any, tmp_path: Path) -> None:
    from .test_duplicates import check_hand, hand_file

    res = measures_from_records(hand_file(tmp_path), layout="ddp-detention-stints", engine="spark", as_of="2019-12-31")
    check_hand(res)
    assert sum("amb_in" in q for q in res.queries) == 2
