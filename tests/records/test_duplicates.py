"""Duplicated stints counted exactly in the pass that builds the stays, on every engine.

A duplicated stint is a row of a stay (same person and stay book-in) whose book-in another
row of the stay already has (a missing book-in equals a missing one); the facility does not
enter (a person is not booked in twice at one instant). Two or three book-ins, or all
equal, are settled in the stays pass; a stay of four or more is counted row by row in a
second, narrow query that runs only when such a stay exists.

Hand stays (closed, 2019; ``t0`` the stay book-in, ``t1``... later book-ins; duplicates):

====  ==========================================  ===
stay  book-ins of its stints                      dup
====  ==========================================  ===
S2a   t0, t0                                      1
S2b   t0, t1                                      0
S3a   t0, t0, t1                                  1
S3b   t0, t1, t1                                  1
S3c   t0, t1, t2                                  0
S3d   t0, t0, t0                                  2
S4a   t0, t1, t1, t2  (left to the second query)  1
S4b   t0, t1, t2, t3  (left to the second query)  0
S5    t0, t0, t1, t1, t2 (second query)           2
SN    t0, missing, missing                        1
SF    t0, t1 at FAC1, t1 at FAC2                  1
SX    t0, t0 - book-out before book-in (dropped)  -
====  ==========================================  ===

Total 10 duplicated stints; SX's two rows are counted under its reason, not as duplicates.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from securitization.records import ENGINES, measures_from_records

from .conftest import COLUMNS

T0 = pd.Timestamp("2019-03-01")
OTHER = "3 Other Immigration Violator"
HAND = {
    "S2a": [0, 0],
    "S2b": [0, 1],
    "S3a": [0, 0, 1],
    "S3b": [0, 1, 1],
    "S3c": [0, 1, 2],
    "S3d": [0, 0, 0],
    "S4a": [0, 1, 1, 2],
    "S4b": [0, 1, 2, 3],
    "S5": [0, 0, 1, 1, 2],
    "SN": [0, None, None],
    "SF": [0, 1, 1],
}


def _frame(stays: dict[str, list[int | None]], facilities: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Rows of closed stays: stay book-in T0 (+ one day per stay), book-in ``t_k`` = stay book-in + k hours."""
    rows = []
    for i, (who, book_ins) in enumerate(stays.items()):
        start = T0 + pd.Timedelta(days=i)
        end = start + pd.Timedelta(days=10)
        facs = (facilities or {}).get(who, ["FAC1"] * len(book_ins))
        for k, fac in zip(book_ins, facs, strict=True):
            b = "" if k is None else str(start + pd.Timedelta(hours=k))
            rows.append([who, str(start), b, str(end), str(end), fac, OTHER, "MEXICO", "Removed"])
    return pd.DataFrame(rows, columns=COLUMNS)


def _dups(res) -> int:  # type: ignore[no-untyped-def]
    q = res.quality.set_index("reason")
    return int(q.loc["duplicate stint", "rows"]) if "duplicate stint" in q.index else 0


def hand_file(tmp_path: Path) -> Path:
    """The hand stays as a CSV file (SX with its book-out a day before its book-in)."""
    frame = _frame(HAND, {"SF": ["FAC1", "FAC1", "FAC2"]})
    bad = _frame({"SX": [0, 0]})
    bad["stay_book_out_date_time"] = bad["book_out_date_time"] = str(T0 - pd.Timedelta(days=1))
    path = tmp_path / "s.csv"
    pd.concat([frame, bad], ignore_index=True).to_csv(path, index=False)
    return path


def check_hand(res) -> None:  # type: ignore[no-untyped-def]
    """What the hand stays give on any engine."""
    assert _dups(res) == 10
    q = res.quality.set_index("reason")
    assert q.loc["book-out before book-in", "rows"] == 2
    assert q.loc["stints read", "rows"] == sum(len(v) for v in HAND.values()) + 2
    book_ins = res.measures.loc[res.measures["measure"] == "ice_detention_book_ins", "value"].sum()
    assert book_ins == len(HAND)


@pytest.mark.parametrize("engine", [e for e in ENGINES if e != "spark"])  # Spark: tests/records/test_spark.py
def test_duplicates_by_hand(tmp_path: Path, engine: str) -> None:
    res = measures_from_records(hand_file(tmp_path), layout="ddp-detention-stints", engine=engine, as_of="2019-12-31")
    check_hand(res)
    if engine == "duckdb":
        assert sum("amb_in" in q for q in res.queries) == 2  # the stays, then the second query


def test_no_second_query_without_long_stays(tmp_path: Path) -> None:
    path = tmp_path / "s.parquet"
    _frame({k: v for k, v in HAND.items() if len(v) <= 3}).to_parquet(path, index=False)
    res = measures_from_records(path, layout="ddp-detention-stints", as_of="2019-12-31")
    assert _dups(res) == 1 + 0 + 1 + 1 + 0 + 2 + 1 + 1
    assert sum("amb_in" in q for q in res.queries) == 1


book_ins = st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=1, max_size=6)


@settings(max_examples=30, deadline=None)
@given(st.lists(book_ins, min_size=1, max_size=8))
def test_duplicates_match_a_count_by_hand(stays: list[list[int | None]]) -> None:
    """DuckDB and pandas count what a plain count does: rows minus distinct book-ins, per stay."""
    expected = sum(len(b) - len(set(b)) for b in stays)
    frame = _frame({f"P{i}": b for i, b in enumerate(stays)})
    for c in COLUMNS[1:5]:  # typed timestamps, as in the Deportation Data Project's Parquet files
        frame[c] = pd.to_datetime(frame[c].replace("", None)).astype("datetime64[us]")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "s.parquet"
        frame.to_parquet(path, index=False)
        for engine in ("duckdb", "pandas"):
            res = measures_from_records(path, layout="ddp-detention-stints", engine=engine, as_of="2019-12-31")  # type: ignore[arg-type]
            assert _dups(res) == expected, engine


def test_three_book_ins_a_microsecond_apart_years_on(tmp_path: Path) -> None:
    """The sum of three offsets is exact to the microsecond even years after the stay book-in."""
    us, years = pd.Timedelta(microseconds=1), pd.Timedelta(days=3650)
    stays = {
        "A": [T0, T0 + years + us, T0 + years + us],
        "B": [T0, T0 + us, T0 + 2 * us],
        "C": [T0, T0 + years, T0 + years + us],
    }
    rows = [
        [who, T0, b, T0 + 2 * years, T0 + 2 * years, "FAC1", OTHER, "MEXICO", "Removed"]
        for who, book_ins in stays.items()
        for b in book_ins
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for c in COLUMNS[1:5]:
        frame[c] = frame[c].astype("datetime64[us]")
    path = tmp_path / "s.parquet"
    frame.to_parquet(path, index=False)
    for engine in ("duckdb", "pandas"):
        res = measures_from_records(path, layout="ddp-detention-stints", engine=engine, as_of="2031-12-31")  # type: ignore[arg-type]
        assert _dups(res) == 1, engine
