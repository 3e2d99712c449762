"""Tiny record files whose measures are computed by hand in the tests (see each docstring).

Hand stints (fiscal year from October; ``as_of`` 2019-09-30, so FY2018 and FY2019 are
complete, 365 days each):

===  =====================  =========================  =====  ====================  =======
who  stay book-in           stints (facility)          LOS    criminality           note
===  =====================  =========================  =====  ====================  =======
A    2018-09-21 00:00       FAC1 to 10-01, FAC2 to     20 d   3 Other               10 days in FY2018, 10 in FY2019
                            2018-10-11 00:00
B    2018-11-01 12:00       FAC1 to 2018-11-06 12:00   5 d    1 Convicted
C    2019-03-01 00:00       FAC2 to 2019-03-31 00:00   30 d   2 Pending             its stint is duplicated
D    2019-09-20 00:00       FAC2, open                 -      3 Other               11 days to the end of as_of
E    2019-05-10 00:00       out 2019-05-01             -      1 Convicted           book-out before book-in
G    2019-06-01 00:00       FAC1 to 2019-06-03 00:00   2 d    9 Unknown code        left out of the share
-    (no identifier)        one row                                                 dropped
-    b(6), b(7)c            one row                                                 dropped (redacted person)
F    b(6), b(7)c            one row                                                 dropped (redacted stay book-in)
===  =====================  =========================  =====  ====================  =======

By hand: book-ins FY2018 = 1 (A), FY2019 = 4 (B, C, D, G); ADP FY2018 = 10/365,
FY2019 = (10 + 5 + 30 + 11 + 2)/365 = 58/365; length of stay of the stays ended in FY2019
(A, B, C, G) = 2, 5, 20, 30: median 12.5, 90th percentile 20 + 0.7 x 10 = 27 (type 7);
non-criminal share FY2018 = 1/1, FY2019 = 2/3 (B convicted, C pending, D other; G unknown).
Rows: 11 read, 5 dropped (missing person, redacted person, redacted stay book-in,
book-out before book-in, duplicate), 6 used.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

COLUMNS = [
    "anonymized_identifier",
    "stay_book_in_date_time",
    "book_in_date_time",
    "book_out_date_time",
    "stay_book_out_date_time",
    "detention_facility_code",
    "book_in_criminality",
    "citizenship_country",
    "detention_release_reason",
]
OTHER, CONV, PEND = "3 Other Immigration Violator", "1 Convicted Criminal", "2 Pending Criminal Charges"
STINTS = [
    [
        "A",
        "2018-09-21 00:00:00",
        "2018-09-21 00:00:00",
        "2018-10-01 00:00:00",
        "2018-10-11 00:00:00",
        "FAC1",
        OTHER,
        "MEXICO",
        "Transferred",
    ],
    [
        "A",
        "2018-09-21 00:00:00",
        "2018-10-01 00:00:00",
        "2018-10-11 00:00:00",
        "2018-10-11 00:00:00",
        "FAC2",
        OTHER,
        "MEXICO",
        "Removed",
    ],
    [
        "B",
        "2018-11-01 12:00:00",
        "2018-11-01 12:00:00",
        "2018-11-06 12:00:00",
        "2018-11-06 12:00:00",
        "FAC1",
        CONV,
        "CUBA",
        "Removed",
    ],
    [
        "C",
        "2019-03-01 00:00:00",
        "2019-03-01 00:00:00",
        "2019-03-31 00:00:00",
        "2019-03-31 00:00:00",
        "FAC2",
        PEND,
        "HAITI",
        "Paroled",
    ],
    [
        "C",
        "2019-03-01 00:00:00",
        "2019-03-01 00:00:00",
        "2019-03-31 00:00:00",
        "2019-03-31 00:00:00",
        "FAC2",
        PEND,
        "HAITI",
        "Paroled",
    ],
    ["D", "2019-09-20 00:00:00", "2019-09-20 00:00:00", "", "", "FAC2", OTHER, "MEXICO", ""],
    [
        "E",
        "2019-05-10 00:00:00",
        "2019-05-10 00:00:00",
        "2019-05-01 00:00:00",
        "2019-05-01 00:00:00",
        "FAC1",
        CONV,
        "CUBA",
        "Removed",
    ],
    [
        "G",
        "2019-06-01 00:00:00",
        "2019-06-01 00:00:00",
        "2019-06-03 00:00:00",
        "2019-06-03 00:00:00",
        "FAC1",
        "9 Unknown code",
        "INDIA",
        "Removed",
    ],
    [
        "",
        "2019-01-01 00:00:00",
        "2019-01-01 00:00:00",
        "2019-01-05 00:00:00",
        "2019-01-05 00:00:00",
        "FAC1",
        OTHER,
        "MEXICO",
        "Removed",
    ],
    [
        "b(6), b(7)c",
        "2019-02-01 00:00:00",
        "2019-02-01 00:00:00",
        "2019-02-05 00:00:00",
        "2019-02-05 00:00:00",
        "FAC1",
        OTHER,
        "MEXICO",
        "Removed",
    ],
    [
        "F",
        "b(6), b(7)c",
        "2019-02-01 00:00:00",
        "2019-02-05 00:00:00",
        "2019-02-05 00:00:00",
        "FAC1",
        OTHER,
        "MEXICO",
        "Removed",
    ],
]
AS_OF = "2019-09-30"
EXPECTED = {
    ("ice_detention_book_ins", "FY2018"): 1.0,
    ("ice_detention_book_ins", "FY2019"): 4.0,
    ("ice_detention_adp", "FY2018"): 10 / 365,
    ("ice_detention_adp", "FY2019"): 58 / 365,
    ("ice_detention_los_median", "FY2019"): 12.5,
    ("ice_detention_los_p90", "FY2019"): 27.0,
    ("ice_detention_noncriminal_share", "FY2018"): 1.0,
    ("ice_detention_noncriminal_share", "FY2019"): 2 / 3,
}
EXPECTED_QUALITY = {
    "stints read": ("read", 11),
    "missing anonymized_identifier": ("dropped", 1),
    "redacted anonymized_identifier": ("dropped", 1),
    "redacted stay_book_in_date_time": ("dropped", 1),
    "book-out before book-in": ("dropped", 1),
    "duplicate stint": ("dropped: counted once", 1),
    "open stay": ("kept", 1),
    "stay across fiscal years": ("kept", 2),
    "unknown criminality code": ("kept", 1),
}


def stints_frame() -> pd.DataFrame:
    """The hand stints as text."""
    return pd.DataFrame(STINTS, columns=COLUMNS)


def typed_stints() -> pd.DataFrame:
    """The hand stints with typed timestamps (the redacted stay book-in becomes missing)."""
    f = stints_frame()
    for c in COLUMNS[1:5]:
        f[c] = pd.to_datetime(f[c].where(f[c].str.match(r"^\d{4}"), None)).astype("datetime64[us]")
    return f.replace({"": None})


def measures_dict(frame: pd.DataFrame) -> dict[tuple[str, str], float]:
    return {(r.measure, r.period): float(r.value) for r in frame.itertuples()}


@pytest.fixture
def stints_csv(tmp_path: Path) -> Path:
    path = tmp_path / "stints.csv"
    stints_frame().to_csv(path, index=False)
    return path


@pytest.fixture
def stints_parquet(tmp_path: Path) -> Path:
    path = tmp_path / "stints.parquet"
    typed_stints().to_parquet(path, index=False)
    return path


ENCOUNTERS = [
    # fiscal year, month, component, title, type, count
    ["2021", "OCT", "U.S. Border Patrol", "Title 8", "Apprehensions", "10"],
    ["2021", "OCT", "U.S. Border Patrol", "Title 42", "Expulsions", "20"],
    ["2021", "NOV", "U.S. Border Patrol", "Title 42", "Expulsions", "5"],
    ["2021", "OCT", "U.S. Border Patrol", "Title 8", "Apprehensions", "10"],  # exact duplicate
    ["2021", "DEC", "Office of Field Operations", "Title 8", "Inadmissibles", "-3"],  # negative
    ["2021", "DEC", "U.S. Border Patrol", "Title 8", "Apprehensions", ""],  # missing
    ["2022 (FYTD)", "OCT", "U.S. Border Patrol", "Title 8", "Apprehensions", "7"],
    ["2022 (FYTD)", "OCT", "Office of Field Operations", "Title 99", "Inadmissibles", "4"],  # unknown title
]
"""By hand: FY2021 (October-November: the files cover 2 months) encounters 10 + 20 + 5 =
35, Title 8 10, Title 42 25; FY2022 (October) encounters 7 + 4 = 11, Title 8 7; rows: 8
read, 1 duplicate, 1 negative and 1 missing count dropped, 1 unknown title kept."""


def encounters_frame(form: str = "published") -> pd.DataFrame:
    rows = [
        [fy, "FYTD", mon, comp, "Southwest Land Border", "Tucson Sector", "TCA", "Single Adults", "MEXICO", t, e, c]
        for fy, mon, comp, t, e, c in ENCOUNTERS
    ]
    cols = [
        "Fiscal Year",
        "Month Grouping",
        "Month (abbv)",
        "Component",
        "Land Border Region",
        "Area of Responsibility",
        "AOR (Abbv)",
        "Demographic",
        "Citizenship",
        "Title of Authority",
        "Encounter Type",
        "Encounter Count",
    ]
    frame = pd.DataFrame(rows, columns=cols)
    if form == "snake":
        frame.columns = [
            "fiscal_year",
            "month_grouping",
            "month_abbv",
            "component",
            "land_border_region",
            "area_of_responsibility",
            "aor_abbv",
            "demographic",
            "citizenship",
            "title_of_authority",
            "encounter_type",
            "encounter_count",
        ]
    return frame


def ice_tables(folder: Path) -> list[Path]:
    """Removals and book-ins by facility type with several pulls (expected values in test_ice_stats)."""
    d = pd.Timestamp
    removals = pd.DataFrame(
        {
            "removals": [100.0, 267258.0, 5000.0, 185884.0, 1234.0, 1234.0],
            "fiscal_year": [2019, 2019, 2020, 2020, 2020, 2021],
            "file_date": [
                d("2019-04-10"),
                d("2019-12-31"),
                d("2020-03-05"),
                d("2020-12-31"),
                d("2020-11-15"),
                d("2020-11-01"),
            ],
            "pull_date": [
                d("2019-04-01"),
                d("2019-10-07"),
                d("2020-03-01"),
                d("2020-10-05"),
                d("2020-10-19"),
                d("2020-10-19"),
            ],
        }
    )
    for c in ("file_date", "pull_date"):
        removals[c] = removals[c].dt.date
    book_ins = pd.DataFrame(
        {
            "facility_type": ["Total", "Adult", "Total"],
            "convicted_criminal": [30.0, 29.0, 45.0],
            "pending_criminal_charges": [10.0, 10.0, 5.0],
            "other_immigration_violator": [60.0, 58.0, 50.0],
            "total": [100.0, 97.0, 100.0],
            "fiscal_year": [2019, 2019, 2019],
            "file_date": [d("2019-12-31").date(), d("2019-12-31").date(), d("2019-05-01").date()],
            "pull_date": [d("2019-10-07").date(), d("2019-10-07").date(), d("2019-04-20").date()],
        }
    )
    folder.mkdir(parents=True, exist_ok=True)
    removals.to_parquet(folder / "removals.parquet", index=False)
    book_ins.to_parquet(folder / "book-ins-by-facility-type.parquet", index=False)
    return [folder / "removals.parquet", folder / "book-ins-by-facility-type.parquet"]


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the whole test run (started on first use)."""
    if shutil.which("java") is None:
        pytest.skip("the Spark tests need a Java runtime (`.ci/run` installs default-jre-headless)")
    from securitization.records.engines import spark_session

    return spark_session()
