"""CBP encounters to measures, by hand (see conftest.ENCOUNTERS)."""

from __future__ import annotations

from pathlib import Path

import pytest

from securitization.records import measures_from_records

from .conftest import encounters_frame, measures_dict

EXPECTED = {
    ("cbp_encounters", "2020-10-01/2020-11-30"): 35.0,
    ("cbp_title8_encounters", "2020-10-01/2020-11-30"): 10.0,
    ("cbp_title42_expulsions", "2020-10-01/2020-11-30"): 25.0,
    ("cbp_encounters", "2021-10-01/2021-10-31"): 11.0,
    ("cbp_title8_encounters", "2021-10-01/2021-10-31"): 7.0,
}


@pytest.mark.parametrize("engine", ["duckdb", "pandas"])
@pytest.mark.parametrize("form", ["published", "snake"])
def test_hand_encounters(tmp_path: Path, engine: str, form: str) -> None:
    path = tmp_path / "encounters.csv"
    encounters_frame(form).to_csv(path, index=False)
    res = measures_from_records(path, layout="cbp-encounters", engine=engine)
    assert measures_dict(res.measures) == EXPECTED
    q = {r.reason: (r.action, r.rows) for r in res.quality.itertuples()}
    count = "Encounter Count"  # reasons name the layout's first name of a column, whatever the file's form
    assert q == {
        "rows read": ("read", 8),
        "duplicate row": ("dropped: counted once", 1),
        f"negative {count}": ("dropped", 1),
        f"missing {count}": ("dropped", 1),
        "unknown Title of Authority": ("kept", 1),
    }
    assert set(res.measures["indicator"]) == {"P-1"}
    assert "The files cover 2 months of FY2021." in res.measures["notes"].iloc[0]


def test_breakdown_by_component(tmp_path: Path) -> None:
    path = tmp_path / "encounters.csv"
    encounters_frame().to_csv(path, index=False)
    res = measures_from_records(path, layout="cbp-encounters", by=["component"])
    got = measures_dict(res.measures)
    assert got[("cbp_encounters[component=U.S. Border Patrol]", "2021-10-01/2021-10-31")] == 7.0
    assert got[("cbp_encounters[component=Office of Field Operations]", "2021-10-01/2021-10-31")] == 4.0


def test_synthetic_encounters_both_forms_agree(tmp_path: Path) -> None:
    from securitization.records.synthetic import write_encounters

    a = write_encounters(tmp_path, form="published", rng=5)
    b = write_encounters(tmp_path, form="snake", rng=5)
    ra = measures_from_records(a, layout="cbp-encounters")
    rb = measures_from_records(b, layout="cbp-encounters", engine="pandas")
    assert measures_dict(ra.measures) == measures_dict(rb.measures)
    reasons = set(ra.quality["reason"])
    assert {
        "duplicate row",
        "negative Encounter Count",
        "unreadable Encounter Count",
        "unknown Month (abbv)",
    } <= reasons
    assert "conflicting duplicate rows (largest count kept)" in reasons
    # Title 42 only between March 2020 and May 2023; all full years in FY2021-FY2022
    periods = set(ra.measures.loc[ra.measures["measure"] == "cbp_title42_expulsions", "period"])
    assert {"FY2021", "FY2022"} <= periods
