"""A new country case end to end: template, filling, scoring next to the bundled cases."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from securitization import load, score
from securitization.cli import main
from securitization.outputs.template import case_id, new_case

EXAMPLE = Path(__file__).resolve().parent.parent / "notebooks" / "example-case" / "evidence.csv"
ARGS = [
    "--country",
    "CAN",
    "--label",
    "Canada Harper 2006-2015",
    "--leader",
    "Stephen Harper",
    "--start",
    "2006-02-06",
    "--end",
    "2015-11-03",
]


def test_new_case_flow_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "can"
    assert main(["new-case", *ARGS, "--out", str(folder)]) == 0
    assert {p.name for p in folder.iterdir()} >= {"cases.csv", "evidence.csv", "measures.csv", "CODING-GUIDE.md"}
    guide = (folder / "CODING-GUIDE.md").read_text()
    assert "can-harper-2006" in guide and "## P-2 Detention" in guide
    # the empty template validates, then the filled one scores next to the bundled cases
    assert main(["validate", str(folder)]) == 0
    pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False).to_csv(folder / "evidence.csv", index=False)
    capsys.readouterr()
    assert main(["score", str(folder), "--compare-bundled", "--format", "csv"]) == 0
    table = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert "Canada Harper 2006-2015" in set(table["label"])
    assert len(table) == len(load().cases) + 1
    s = score(load([folder], include_bundled=True))
    ind = s.indicators.set_index(["case", "indicator"])
    assert ind.loc[("can-harper-2006", "I-2"), "missing"]  # not coded: missing, not zero
    assert ind.loc[("can-harper-2006", "I-1"), "score"] == 3.0
    # charts draws it with the bundled cases
    charts = tmp_path / "charts"
    assert (
        main(
            [
                "charts",
                str(folder),
                "--compare-bundled",
                "--out",
                str(charts),
                "--draws",
                "0",
                "--sensitivity-n",
                "0",
                "--format",
                "png",
            ]
        )
        == 0
    )
    assert (charts / "heatmap.png").stat().st_size > 0 and (charts / "timeline-can.png").exists()
    assert "timeline-can.png" in (charts / "index.md").read_text()
    # the template never overwrites the user's files
    before = (folder / "evidence.csv").read_bytes()
    assert main(["new-case", *ARGS, "--out", str(folder)]) == 2
    assert (folder / "evidence.csv").read_bytes() == before


def test_excel_template_has_drop_downs(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    made = new_case(country="CAN", label="x", leader="Stephen Harper", start="2006-02-06", out=tmp_path / "c")
    assert made.case == "can-harper-2006"
    wb = openpyxl.load_workbook(tmp_path / "c" / "evidence.xlsx")
    ws = wb["evidence"]
    formulas = {str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    header = [c.value for c in ws[1]]
    assert formulas[chr(ord("A") + header.index("indicator"))].startswith("=lists!$A$2")
    assert formulas[chr(ord("A") + header.index("code"))].startswith("=lists!$C$2")
    assert [c.value for c in wb["lists"]["C"]][1:6] == ["0", "1", "2", "3", "4"]
    # the spreadsheet is read back as an (empty) evidence table
    assert len(load([tmp_path / "c"]).evidence) == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"country": "Canada"}, "alpha-3"),
        ({"start": "2006"}, "YYYY-MM-DD"),
        ({"end": "2001-01-01"}, "on or after start"),
    ],
)
def test_new_case_rejects_bad_parameters(tmp_path: Path, kwargs: dict[str, str], message: str) -> None:
    base = {"country": "CAN", "label": "x", "leader": "y", "start": "2006-02-06", "end": "", "out": tmp_path}
    with pytest.raises(ValueError, match=message):
        new_case(**{**base, **kwargs})  # type: ignore[arg-type]


def test_case_id_is_ascii() -> None:
    assert case_id("MEX", "Andrés Manuel López Obrador", "2018-12-01") == "mex-obrador-2018"
