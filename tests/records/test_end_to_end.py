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


def test_explain_leads_back_to_the_records(tmp_path: Path) -> None:
    """explain() lists the files with their hashes, the rows read, used and dropped, and the versions."""
    stints = write_stints(tmp_path, n_people=800, rng=7)
    res = measures_from_records(stints, layout="ddp-detention-stints", as_of="2020-09-30")
    measures = res.write(tmp_path / "measures.csv")
    pd.DataFrame(
        {
            "case": ["us-synthetic-2017"],
            "country": ["USA"],
            "label": ["US (synthetic records) 2017-2021"],
            "start": ["2017-01-20"],
            "end": ["2021-01-20"],
            "population": ["1000000"],
        }
    ).to_csv(tmp_path / "cases.csv", index=False)
    e = sec.score(sec.load([tmp_path / "cases.csv", measures])).explain("us-synthetic-2017", "P-2")
    text = str(e)
    assert "Where the measures come from:" in text
    files = [t for t in e.trail if t.strip().startswith("files:")]
    assert len(files) == 1 and res.files[0].sha256[:12] in files[0] and "detention-stints.parquet" in files[0]
    q = res.quality.set_index("reason")
    read = int(q.loc["stints read", "rows"])
    dropped = int(q.loc[q["action"].str.startswith("dropped"), "rows"].sum())
    rows = next(t for t in e.trail if t.strip().startswith("rows:"))
    assert f"{read:,} read, {read - dropped:,} used, {dropped:,} dropped" in rows
    assert f"{int(q.loc['duplicate stint', 'rows'])} duplicate stint" in rows
    assert "layout ddp-detention-stints v1" in text and "engine: duckdb" in text
    # one block for FY2017; the later fiscal years differ from it by their stays only
    assert [t.split(":")[0] for t in e.trail if not t.startswith(" ")] == [
        "ice_detention_adp FY2017",
        "ice_detention_adp FY2018",
        "ice_detention_adp FY2019",
        "ice_detention_adp FY2020",
    ]
    assert sum("as above" in t for t in e.trail) == 3
