"""The bundled ICE figures rebuilt from ICE's own statistics tables, where a copy is bundled.

A small real copy of the long tables of ICE's fiscal-year detention statistics (public
domain; parsed by the Deportation Data Project, deportationdata/ice-detention-management)
may be shipped under ``data/``; when it is, the ``ice-detention-stats`` layout must give
the figures below, checked by hand against the tables (latest pull of each year) and, for
removals, against ICE's annual reports. Skipped when no copy is bundled.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from securitization.datasets import data_dir
from securitization.records import measures_from_records

from .conftest import measures_dict

TABLES = ("removals", "adp-by-agency-criminality")


def _real_tables() -> list[Path]:
    found = {p.stem: p for p in data_dir().rglob("*.parquet") if p.stem in TABLES}
    return [found[t] for t in TABLES if t in found]


@pytest.mark.skipif(len(_real_tables()) < len(TABLES), reason="no copy of ICE's statistics tables is bundled")
def test_bundled_ice_figures_rebuild() -> None:
    got = measures_dict(measures_from_records(_real_tables(), layout="ice-detention-stats").measures)
    assert got[("ice_removals", "FY2019")] == 267258  # pull 2019-10-07
    assert got[("ice_removals", "FY2020")] == 185884  # pull 2020-09-30
    assert got[("ice_removals", "FY2023")] == 142580  # pull 2023-09-30
    assert got[("ice_removals", "FY2024")] == 271484  # pull 2024-10-07 (2024-10-28 is FY2025's first)
    assert got[("ice_detention_adp", "FY2019")] == pytest.approx(50165.44, abs=0.01)
    assert got[("ice_detention_adp", "FY2020")] == pytest.approx(33723.98, abs=0.01)
