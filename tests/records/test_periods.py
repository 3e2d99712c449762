"""Period labels written by the records path are read back by ``load()`` as the days meant.

The hand stints (see ``conftest.py``) run from 2018-09-21 and stay D is open; with ``as_of``
2020-03-31 the fiscal years of the average daily population are, by hand (a year cut short
at 31 March 2020 ends there):

* USA (October, ``FY2019`` names the year ending in 2019): 2017-10-01/2018-09-30,
  2018-10-01/2019-09-30, 2019-10-01/2020-03-31 (cut, written as dates);
* GBR and JPN (April; the UK writes both years, Japan names the year it starts in):
  2018-04-01/2019-03-31, 2019-04-01/2020-03-31;
* AUS (July): 2018-07-01/2019-06-30, 2019-07-01/2020-03-31 (cut);
* DEU (calendar): 2018, 2019, 2020-01-01/2020-03-31 (cut);
* a month given by hand that is not the country's (USA from April; ZZZ, not in the
  countries table, from July; MEX from January): the same days as GBR, AUS and DEU.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from securitization.records import measures_from_records
from securitization.tables import load

GBR_DAYS = [("2018-04-01", "2019-03-31"), ("2019-04-01", "2020-03-31")]
AUS_DAYS = [("2018-07-01", "2019-06-30"), ("2019-07-01", "2020-03-31")]
DEU_DAYS = [("2018-01-01", "2018-12-31"), ("2019-01-01", "2019-12-31"), ("2020-01-01", "2020-03-31")]
CASES = [
    # country, fiscal_year_start_month given, labels written, days meant
    (
        "USA",
        None,
        ["FY2018", "FY2019", "2019-10-01/2020-03-31"],
        [("2017-10-01", "2018-09-30"), ("2018-10-01", "2019-09-30"), ("2019-10-01", "2020-03-31")],
    ),
    ("GBR", None, ["FY2018-19", "FY2019-20"], GBR_DAYS),
    ("JPN", None, ["FY2018", "FY2019"], GBR_DAYS),
    ("AUS", None, ["FY2018-19", "2019-07-01/2020-03-31"], AUS_DAYS),
    ("DEU", None, ["2018", "2019", "2020-01-01/2020-03-31"], DEU_DAYS),
    ("USA", 4, ["2018-04-01/2019-03-31", "2019-04-01/2020-03-31"], GBR_DAYS),
    ("ZZZ", 7, ["2018-07-01/2019-06-30", "2019-07-01/2020-03-31"], AUS_DAYS),
    ("MEX", 1, ["2018", "2019", "2020-01-01/2020-03-31"], DEU_DAYS),
]


@pytest.mark.parametrize(("country", "month", "labels", "days"), CASES)
def test_labels_are_read_back_as_the_days_meant(
    stints_csv: Path, tmp_path: Path, country: str, month: int | None, labels: list[str], days: list[tuple[str, str]]
) -> None:
    res = measures_from_records(
        stints_csv, layout="ddp-detention-stints", country=country, fiscal_year_start_month=month, as_of="2020-03-31"
    )
    written = res.measures.loc[res.measures["measure"] == "ice_detention_adp", "period"].tolist()
    assert written == labels
    res.write(tmp_path / "measures.csv")
    pd.DataFrame(
        {
            "case": ["synthetic-2017"],
            "country": [country],
            "label": ["Synthetic records"],
            "leader": ["Synthetic"],
            "start": ["2017-01-01"],
            "end": ["2021-01-01"],
        }
    ).to_csv(tmp_path / "cases.csv", index=False)
    loaded = load([tmp_path / "cases.csv", tmp_path / "measures.csv"]).measures
    adp = loaded.loc[loaded["measure"] == "ice_detention_adp"].sort_values("period_start")
    got = [(str(a.date()), str(b.date())) for a, b in zip(adp["period_start"], adp["period_end"], strict=True)]
    assert got == days
    # every measure of the run reads back as one of these fiscal years
    spans = {(str(a.date()), str(b.date())) for a, b in zip(loaded["period_start"], loaded["period_end"], strict=True)}
    assert spans <= set(days)
