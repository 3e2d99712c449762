"""From a stints file to a scored P-2 with its trail: records -> measures.csv -> load -> score -> explain."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import securitization as sec
from securitization.records import measures_from_records
from securitization.records.synthetic import write_stints


def test_records_to_scored_p2(tmp_path: Path) -> None:
    stints = write_stints(tmp_path, n_people=3000, rng=5)
    res = measures_from_records(stints, layout="ddp-detention-stints", as_of="2020-09-30")
    measures = res.write(tmp_path / "measures.csv")
    pd.DataFrame(
        {
            "case": ["us-synthetic-2017"],
            "country": ["USA"],
            "label": ["US (synthetic records) 2017-2021"],
            "leader": ["Synthetic"],
            "start": ["2017-01-20"],
            "end": ["2021-01-20"],
            "population": ["1000000"],
        }
    ).to_csv(tmp_path / "cases.csv", index=False)
    data = sec.load([tmp_path / "cases.csv", measures])
    assert "provenance" in data.measures.columns
    scores = sec.score(data)
    p2 = scores.to_frame("indicator").query("case == 'us-synthetic-2017' and indicator == 'P-2'")
    assert p2["n_measures"].iloc[0] >= 4  # FY2017-FY2020 ADP rows (the other measures are not scored)
    adp = res.measures.loc[res.measures["measure"] == "ice_detention_adp"]
    per_100k = adp.loc[adp["period"].isin(["FY2017", "FY2018", "FY2019", "FY2020"]), "value"].mean() / 10
    text = str(scores.explain("us-synthetic-2017", "P-2"))
    assert "ice_detention_adp" in text and f"{per_100k:.4g}" in text
    assert "securitization.records (stints.adp v1" in text
