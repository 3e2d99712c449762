"""The command line gives the numbers of the API, reports the bad records, fails clearly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from securitization.cli import main
from securitization.records import measures_from_records

from .conftest import AS_OF, EXPECTED, measures_dict


def test_cli_matches_the_api(stints_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "measures.csv"
    rc = main(
        ["records", "measures", str(stints_csv), "--layout", "ddp-detention-stints", "--country", "USA",
         "--out", str(out), "--as-of", AS_OF]
    )  # fmt: skip
    assert rc == 0
    err = capsys.readouterr().err
    assert "11 records read, 5 dropped" in err and "duplicate stint" in err and f"wrote 8 measure rows to {out}" in err
    got = pd.read_csv(out, dtype={"value": float})
    for key, value in EXPECTED.items():
        assert measures_dict(got)[key] == pytest.approx(value, rel=1e-9)
    api = measures_from_records(stints_csv, layout="ddp-detention-stints", as_of=AS_OF).measures
    assert got["measure"].tolist() == api["measure"].tolist()


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_cli_engines_and_stdout(stints_csv: Path, capsys: pytest.CaptureFixture[str], engine: str) -> None:
    rc = main(
        [
            "records",
            "measures",
            str(stints_csv),
            "--layout",
            "ddp-detention-stints",
            "--engine",
            engine,
            "--as-of",
            AS_OF,
        ]
    )
    assert rc == 0
    text = capsys.readouterr().out
    assert text.startswith("country,indicator,measure,period,value,unit,source,url,notes,label,provenance")


def test_cli_wrong_layout_exits_1_naming_the_columns(stints_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["records", "measures", str(stints_csv), "--layout", "cbp-encounters", "--out", "x.csv"])
    assert rc == 1
    err = capsys.readouterr().err
    assert "missing: 'Fiscal Year' or 'fiscal_year'" in err and "stints.csv" in err


def test_cli_never_writes_over_an_input(stints_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = stints_csv.read_bytes()
    rc = main(["records", "measures", str(stints_csv), "--layout", "ddp-detention-stints", "--out", str(stints_csv)])
    assert rc == 2
    assert "never overwrites an input" in capsys.readouterr().err
    assert stints_csv.read_bytes() == before


def test_cli_layouts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["records", "layouts"]) == 0
    assert "ddp-detention-stints" in capsys.readouterr().out
    assert main(["records", "layout", "ice-detention-stats"]) == 0
    assert "ice_removals" in capsys.readouterr().out


def test_cli_unknown_breakdown_exits_2(stints_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["records", "measures", str(stints_csv), "--layout", "ddp-detention-stints", "--by", "gender"])
    assert rc == 2 and "'by' parameter" in capsys.readouterr().err
