"""The synthetic generator is seeded, writes the real layouts and the bad records real files have."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from securitization.records import measures_from_records
from securitization.records.synthetic import stints_frame, write_encounters, write_ice_stats, write_stints


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_same_seed_same_bytes(tmp_path: Path, fmt: str) -> None:
    a = write_stints(tmp_path / "a", n_people=300, rng=11, fmt=fmt)  # type: ignore[arg-type]
    b = write_stints(tmp_path / "b", n_people=300, rng=11, fmt=fmt)  # type: ignore[arg-type]
    c = write_stints(tmp_path / "c", n_people=300, rng=12, fmt=fmt)  # type: ignore[arg-type]
    assert _sha(a) == _sha(b) != _sha(c)
    assert _sha(write_encounters(tmp_path / "a")) == _sha(write_encounters(tmp_path / "b"))


def test_default_seed_and_generator() -> None:
    a = stints_frame(100)
    b = stints_frame(100, rng=np.random.default_rng(20110101))
    pd.testing.assert_frame_equal(a, b)


def test_every_kind_of_bad_record_is_there(tmp_path: Path) -> None:
    path = write_stints(tmp_path, n_people=4000, rng=2, fmt="csv")
    res = measures_from_records(path, layout="ddp-detention-stints", as_of="2020-09-30")
    reasons = set(res.quality["reason"])
    assert {
        "missing anonymized_identifier",
        "redacted anonymized_identifier",
        "redacted stay_book_in_date_time",
        "unreadable stay_book_in_date_time",
        "duplicate stint",
        "book-out before book-in",
        "open stay",
        "stay across fiscal years",
        "unknown criminality code",
        "redacted criminality",
    } <= reasons
    assert res.rows_read == len(pd.read_csv(path))


def test_chunked_parquet_is_one_table(tmp_path: Path) -> None:
    path = write_stints(tmp_path, n_people=3000, rng=4, chunk_stays=1000)
    import pyarrow.parquet as pq

    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    f = pd.read_parquet(path)
    assert f["stay_book_in_date_time"].min() >= pd.Timestamp("2016-10-01")
    assert f["stay_book_in_date_time"].max() < pd.Timestamp("2020-10-01")
    # only stays running past the end of the data are open (and the 0.2% left open on purpose)
    open_ = f["stay_book_out_date_time"].isna()
    assert 0 < open_.mean() < 0.1


def test_ice_stats_tables(tmp_path: Path) -> None:
    paths = write_ice_stats(tmp_path, years=(2019, 2022))
    assert set(paths) >= {"adp-by-agency-criminality", "removals", "facilities"}
    f = pd.read_parquet(paths["removals"])
    assert list(f.columns) == ["removals", "fiscal_year", "file_date", "pull_date"]
