"""The command line end to end on small fixture tables."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from securitization.cli import main


def test_validate_ok(case_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(case_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: Dataset: 3 cases") and "evidence.csv" in out


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        ("evidence", "indicator", "Z-9", "expected an indicator code of codebook bourbeau-2011 v1.2.0"),
        ("evidence", "case", "no-such-case", "expected a case id of the cases table"),
        ("evidence", "code", "5", "expected an integer level of the scale 0-4"),
        ("evidence", "date", "2003-02-29", "expected a valid date"),
        ("evidence", "date", "yesterday", "expected a valid date"),
        ("evidence", "date", "1980-01-01", "expected a date within the term of case aa-one-2001"),
        ("evidence", "source", "", "expected a source citation"),
        ("evidence", "evidence_id", "aa-one-2001-I-1-2", "expected an evidence id used once per coder"),
        ("measures", "value", "-1", "expected a non-negative number"),
        ("measures", "value", "lots", "expected a number"),
        ("measures", "period", "FY2003", "expected one row per country, measure and period"),
        ("measures", "indicator", "P-7", "expected an indicator code"),
    ],
)
def test_validate_reports_each_bad_input(
    case_dir: Path, capsys: pytest.CaptureFixture[str], table: str, column: str, value: str, message: str
) -> None:
    path = case_dir / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, column] = value
    frame.to_csv(path, index=False)
    before = path.read_bytes()
    assert main(["validate", str(case_dir)]) == 1
    err = capsys.readouterr().err
    assert f"{path}, row 2, column {column!r}" in err
    assert message in err
    assert path.read_bytes() == before


def test_validate_missing_column(case_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = case_dir / "evidence.csv"
    pd.read_csv(path, dtype=str).drop(columns=["code"]).to_csv(path, index=False)
    assert main(["validate", str(case_dir)]) == 1
    assert "column 'code'; expected a required evidence column 'code'" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["table", "csv", "md", "latex", "json"])
def test_score_formats(case_dir: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    assert main(["score", str(case_dir), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "A one" in out
    if fmt == "json":
        assert json.loads(out)["manifest"]["codebook"]["version"] == "1.2.0"


def test_score_out_file_and_by_year(case_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    assert (
        main(["score", str(case_dir), "--format", "csv", "--level", "overall", "--by", "year", "--out", str(out)]) == 0
    )
    frame = pd.read_csv(out)
    assert {"case", "year", "score", "band", "coverage", "rank"} <= set(frame.columns)


def test_explain(case_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "aa-one-2001", "P-2", str(case_dir)]) == 0
    out = capsys.readouterr().out
    assert "A one - P-2 Detention" in out and "FY2002" in out and "Synthetic source 2" in out
    assert main(["explain", "aa-one-2001", "Q-2", str(case_dir)]) == 2


def test_codebook_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["codebook"]) == 0
    assert "### P-2 Detention" in capsys.readouterr().out


def test_run_writes_outputs(case_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["run", str(case_dir), "--out", str(out)]) == 0
    for name in ["scores.csv", "scores.md", "scores.tex", "scores.json"]:
        assert (out / name).stat().st_size > 0


def test_python_dash_m_and_bad_codebook(tmp_path: Path) -> None:
    res = subprocess.run([sys.executable, "-m", "securitization", "--version"], capture_output=True, text=True)
    assert res.returncode == 0 and res.stdout.startswith("securitization ")
    bad = tmp_path / "cb.toml"
    bad.write_text(
        '[codebook]\nextends = "bourbeau-2011"\nid = "x"\nversion = "1"\n[aggregation]\noverall = "mystery"\n'
    )
    res = subprocess.run(
        [sys.executable, "-m", "securitization", "codebook", "--codebook", str(bad)], capture_output=True, text=True
    )
    assert res.returncode == 1
    assert f"{bad}, column 'aggregation.overall'" in res.stderr


def test_explain_with_interval(case_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "aa-two-2005", "I-1", str(case_dir), "--draws", "200", "--seed", "4"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[2].startswith("score 3.75 (very high)")
    assert lines[3].startswith("median ") and "interval [" in lines[3] and "seed 4" in lines[3]
    assert "evidence: 2 items" in lines[4]
    assert "posterior, 200 draws, seed 4" in captured.err  # the seed is printed
