"""Properties that must always hold: stay-days are conserved by the clipping to fiscal years."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from securitization.records import measures_from_records

from .conftest import COLUMNS

T0 = pd.Timestamp("2017-10-01")
stay = st.tuples(st.integers(0, 3 * 365 * 24), st.integers(0, 400 * 24))  # start, length in hours


@settings(max_examples=25, deadline=None)
@given(st.lists(stay, min_size=1, max_size=30))
def test_adp_times_days_is_the_stay_days(stays: list[tuple[int, int]]) -> None:
    """Sum over fiscal years of ADP x days = total stay-days up to as_of (every stay counted once)."""
    rows = []
    for i, (start_h, length_h) in enumerate(stays):
        a = T0 + pd.Timedelta(hours=start_h)
        b = a + pd.Timedelta(hours=length_h)
        rows.append([f"P{i}", a, a, b, b, "F1", "3 Other Immigration Violator", "X", "Removed"])
    frame = pd.DataFrame(rows, columns=COLUMNS)
    as_of = pd.Timestamp("2021-09-30")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "s.parquet"
        frame.to_parquet(path, index=False)
        res = measures_from_records(path, layout="ddp-detention-stints", engine="pandas", as_of=str(as_of.date()))
    m = res.measures.loc[res.measures["measure"] == "ice_detention_adp"]
    total = 0.0
    for r in m.itertuples():
        fy = int(r.period[2:])
        days = (pd.Timestamp(fy, 10, 1) - pd.Timestamp(fy - 1, 10, 1)).days
        total += r.value * days
    end = as_of + pd.Timedelta(days=1)
    expected = sum(
        (min(T0 + pd.Timedelta(hours=s + n), end) - min(T0 + pd.Timedelta(hours=s), end)).total_seconds() / 86400
        for s, n in stays
    )
    assert abs(total - expected) < 1e-6 * max(1.0, expected)
    book_ins = res.measures.loc[res.measures["measure"] == "ice_detention_book_ins", "value"].sum()
    assert book_ins == len(stays)
