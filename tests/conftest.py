"""Shared fixtures: small synthetic tables, written as files or kept in memory."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

CASES = pd.DataFrame(
    {
        "case": ["aa-one-2001", "aa-two-2005", "bb-one-2003"],
        "country": ["AAA", "AAA", "BBB"],
        "label": ["A one", "A two", "B one"],
        "leader": ["X", "Y", "Z"],
        "start": ["2001-01-01", "2005-01-01", "2003-06-01"],
        "end": ["2004-12-31", "2008-12-31", ""],
        "population": ["1000000", "1100000", "500000"],
    }
)


def evidence_rows() -> pd.DataFrame:
    """Two items per indicator for the first two cases, a partial third case."""
    rows = []
    codes = {
        "aa-one-2001": {
            "I-1": [(2, 1), (3, 2)],
            "I-2": [(1, 1), (2, 1)],
            "I-3": [(2, 1), (2, 1)],
            "P-1": [(1, 1), (3, 1)],
            "P-2": [(2, 1), (2, 2)],
        },
        "aa-two-2005": {
            "I-1": [(4, 3), (3, 1)],
            "I-2": [(3, 1), (4, 1)],
            "I-3": [(4, 1), (3, 1)],
            "P-1": [(3, 2), (4, 1)],
            "P-2": [(3, 1), (3, 1)],
        },
        "bb-one-2003": {"I-1": [(1, 1)], "P-1": [(0, 1), (1, 1)]},
    }
    dates = {"aa-one-2001": "2002-03-0{}", "aa-two-2005": "2006-07-0{}", "bb-one-2003": "2004-01-0{}"}
    kinds = {"I-1": "statute", "I-2": "programme", "I-3": "speech", "P-1": "operation", "P-2": "statistics"}
    for case, per in codes.items():
        for ind, items in per.items():
            for k, (code, weight) in enumerate(items, start=1):
                rows.append(
                    {
                        "evidence_id": f"{case}-{ind}-{k}",
                        "case": case,
                        "indicator": ind,
                        "date": dates[case].format(k),
                        "kind": kinds[ind],
                        "title": f"Item {k} of {ind}",
                        "summary": "A synthetic item.",
                        "source": f"Synthetic source {k}",
                        "url": "",
                        "quote": "",
                        "code": str(code),
                        "weight": str(weight),
                        "coder": "c1",
                        "notes": "",
                    }
                )
    # a second coder on two items
    second = [dict(r) for r in rows[:2]]
    second[0].update(coder="c2", code="3")
    second[1].update(coder="c2", code="3")
    return pd.DataFrame(rows + second)


MEASURES = pd.DataFrame(
    {
        "country": ["AAA", "AAA", "AAA", "AAA"],
        "indicator": ["P-2"] * 4,
        "measure": ["ice_detention_adp"] * 4,
        "period": ["FY2002", "FY2003", "FY2006", "FY2007"],
        "value": ["40", "60", "130", "150"],
        "unit": ["persons"] * 4,
        "source": ["Synthetic statistics"] * 4,
    }
)


#: The fixture's invented country AAA declares its fiscal year (US-style, October), as a
#: case folder does with countries.csv for a country the package does not know.
COUNTRIES = pd.DataFrame(
    {"country": ["AAA"], "start_month": ["10"], "single": ["end"], "source": ["Synthetic fiscal year (October)"]}
)


@pytest.fixture
def countries() -> pd.DataFrame:
    return COUNTRIES.copy()


@pytest.fixture
def cases() -> pd.DataFrame:
    return CASES.copy()


@pytest.fixture
def evidence() -> pd.DataFrame:
    return evidence_rows()


@pytest.fixture
def measures() -> pd.DataFrame:
    return MEASURES.copy()


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    """The synthetic tables written as CSV files in a folder."""
    d = tmp_path / "tables"
    d.mkdir()
    CASES.to_csv(d / "cases.csv", index=False)
    evidence_rows().to_csv(d / "evidence.csv", index=False)
    MEASURES.to_csv(d / "measures.csv", index=False)
    COUNTRIES.to_csv(d / "countries.csv", index=False)
    return d
