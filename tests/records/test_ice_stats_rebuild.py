"""data/tools/ice_stats_measures.py on synthetic ICE tables in the real layout.

The script rebuilds the bundled US measures that cite ICE's detention statistics from a
local copy of the parsed tables (no copy is bundled: the check of the real tables is the
script itself, ``python data/tools/ice_stats_measures.py FOLDER --check``); here its
comparison runs on the synthetic tables of ``conftest.ice_tables`` (removals FY2019
267,258 and FY2020 185,884, and a year-to-date FY2021 1,234 to 19 Oct 2020).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from securitization.datasets import data_dir

from .conftest import ice_tables

SHEET = "ICE, FY19 detention statistics spreadsheet (Detention sheet)"


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    path = data_dir() / "tools" / "ice_stats_measures.py"
    spec = importlib.util.spec_from_file_location("data_tools_ice_stats_measures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _bundled(rows: list[tuple[str, str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [("USA", "P-2", m, p, v, "persons", s, "", "", "") for m, p, v, s in rows],
        columns=["country", "indicator", "measure", "period", "value", "unit", "source", "url", "notes", "label"],
    )


@pytest.mark.parametrize(
    ("period", "fy"),
    [("FY2019", 2019), ("2018-10-01/2019-09-15", 2019), ("2019-10-01/2020-04-02", 2020), ("2019", None)],
)
def test_fiscal_year_of(tool: ModuleType, period: str, fy: int | None) -> None:
    assert tool.fiscal_year_of(period) == fy


def test_compare_by_hand(tool: ModuleType, tmp_path: Path) -> None:
    rebuilt = tool.rebuild(ice_tables(tmp_path))
    assert [(r.measure, r.period, r.value) for r in rebuilt.itertuples()] == [
        ("ice_removals", "FY2019", 267258.0),
        ("ice_removals", "FY2020", 185884.0),
        ("ice_removals", "2020-10-01/2020-10-19", 1234.0),
    ]
    bundled = _bundled(
        [
            ("ice_removals", "FY2019", 267258, SHEET),
            ("ice_removals", "FY2020", 185000, SHEET),
            ("ice_removals", "FY2021", 1234, SHEET),
            ("ice_detention_adp", "FY2019", 50165, SHEET),  # not rebuilt: no line
        ]
    )
    table = tool.compare(rebuilt, bundled)
    assert table["status"].tolist() == ["same", "value differs", "period differs"]
    assert table["bundled_value"].tolist() == [267258.0, 185000.0, 1234.0]
    other = tool.compare(rebuilt, _bundled([("ice_removals", "FY2019", 1, "ICE annual report")]))
    assert other["status"].tolist() == ["other source", "not bundled", "not bundled"]


def test_adp_same_to_the_person(tool: ModuleType) -> None:
    rebuilt = _bundled([("ice_detention_adp", "FY2019", 50165.43836, "")])
    table = tool.compare(rebuilt, _bundled([("ice_detention_adp", "FY2019", 50165, SHEET)]))
    assert table["status"].tolist() == ["same"]
    assert not any(line.startswith("ice_detention_adp FY2019") for line in tool.hand_checked(rebuilt))
    off = _bundled([("ice_detention_adp", "FY2019", 50165.46, "")])
    assert "ice_detention_adp FY2019: rebuilt 50165.46, hand-checked 50165.44" in tool.hand_checked(off)


def test_main_check_and_out(tool: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "ice"
    ice_tables(folder)
    bundled = tmp_path / "measures.csv"
    _bundled([("ice_removals", "FY2019", 267258, SHEET)]).to_csv(bundled, index=False)
    out = tmp_path / "rebuilt.csv"
    assert tool.main([str(folder), "--bundled", str(bundled), "--out", str(out)]) == 0
    assert len(pd.read_csv(out)) == 3
    # the hand-checked figures of the real tables are not in the synthetic ones
    assert tool.main([str(folder), "--bundled", str(bundled), "--check"]) == 1
    printed = capsys.readouterr().out
    assert "same" in printed and "hand-checked figure not met: ice_detention_adp FY2019" in printed
    assert tool.main([str(tmp_path / "empty"), "--bundled", str(bundled)]) == 2
