"""Rebuild the bundled US measures that come from ICE's detention statistics, and compare.

ICE publishes its fiscal-year detention statistics as spreadsheets (FYxx_detentionStats,
public domain); the Deportation Data Project parses every one into long tables (one row
per fiscal year, file date and pull date; repository deportationdata/ice-detention-management,
Parquet files under ``data/``, kept as real files at commit
ccc54051362f565e0d4a3f1e8fab4b375ff6d77e, as Git LFS pointers later). No copy is bundled
here. Given a local copy of those tables, this script runs them through the
``ice-detention-stats`` layout of :mod:`securitization.records` (the latest pull of each
fiscal year) and sets each figure beside the row of ``data/us/measures.csv`` for the same
measure and fiscal year::

    git clone https://github.com/deportationdata/ice-detention-management ice
    git -C ice checkout ccc54051362f565e0d4a3f1e8fab4b375ff6d77e
    python data/tools/ice_stats_measures.py ice/data            # prints the comparison
    python data/tools/ice_stats_measures.py ice/data --check    # exit 1 on a difference
    python data/tools/ice_stats_measures.py ice/data --out rebuilt.csv   # the rebuilt rows

Status of a measure and fiscal year: ``same`` (same period and value, to the unit; ADP to
the person), ``value differs``, ``period differs`` (same value, but one side labels the
year's figure year-to-date: the layout takes a pull within 16 days of the year's end for
the whole year), ``other source`` (the bundled row cites something else than ICE's
spreadsheets), ``not bundled``. ``--check`` fails on ``value differs`` or ``period differs``
among rows that cite ICE's spreadsheets, and on a figure of :data:`HAND_CHECKED` (read by
hand in the tables) not met. ``tests/records/test_ice_stats_rebuild.py`` runs the script on
synthetic tables in the same layout; the real tables are checked only by running it. This script never edits ``data/us/measures.csv``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from securitization.records import measures_from_records

DATA = Path(__file__).resolve().parent.parent
BUNDLED = DATA / "us" / "measures.csv"
MEASURES = ("ice_detention_adp", "ice_detention_book_ins", "ice_removals")
"""The measures of the layout that ``data/us/measures.csv`` also holds."""
SPREADSHEET = "detention statistics spreadsheet"
"""What the ``source`` of a bundled row built from ICE's spreadsheets says."""
START_MONTH = 10  # US federal fiscal year (securitization/countries.toml)
HAND_CHECKED = {
    ("ice_removals", "FY2019"): 267258,  # pull 2019-10-07
    ("ice_removals", "FY2020"): 185884,  # pull 2020-09-30
    ("ice_removals", "FY2023"): 142580,  # pull 2023-09-30
    ("ice_removals", "FY2024"): 271484,  # pull 2024-10-07 (2024-10-28 is FY2025's first)
    ("ice_detention_adp", "FY2019"): 50165.44,
    ("ice_detention_adp", "FY2020"): 33723.98,
}
"""Figures read by hand in the tables (latest pull of the year) and, for removals, in ICE's
annual reports; ``--check`` fails when the rebuilt figure differs (ADP to 0.01)."""

__all__ = ["HAND_CHECKED", "MEASURES", "compare", "fiscal_year_of", "hand_checked", "main", "rebuild"]


def fiscal_year_of(period: str) -> int | None:
    """The US fiscal year a period label falls in: ``FY2019`` or ``2018-10-01/2019-09-15``."""
    m = re.fullmatch(r"FY(\d{4})", period.strip())
    if m:
        return int(m.group(1))
    m = re.fullmatch(r"(\d{4})-(\d{2})-\d{2}/\d{4}-\d{2}-\d{2}", period.strip())
    if m:
        return int(m.group(1)) + (1 if int(m.group(2)) >= START_MONTH else 0)
    return None


def rebuild(tables: Sequence[Path]) -> pd.DataFrame:
    """The measures of the ``ice-detention-stats`` layout from parsed ICE tables (USA rows)."""
    res = measures_from_records(list(tables), layout="ice-detention-stats", country="USA")
    return res.measures.loc[res.measures["measure"].isin(MEASURES)].reset_index(drop=True)


def _same(measure: str, a: float, b: float) -> bool:
    # bundled ADP is written to the person; counts are exact
    return round(a) == round(b) if measure == "ice_detention_adp" else a == b


def compare(rebuilt: pd.DataFrame, bundled: pd.DataFrame) -> pd.DataFrame:
    """Each rebuilt measure and fiscal year beside the bundled row of the same measure and year.

    Returns a table ``measure, fiscal_year, bundled_period, bundled_value, rebuilt_period,
    rebuilt_value, status, bundled_source`` (status as in the module's docstring), sorted
    by measure and year.
    """
    b = bundled.loc[(bundled["country"] == "USA") & bundled["measure"].isin(MEASURES)].copy()
    b["fiscal_year"] = b["period"].map(fiscal_year_of)
    r = rebuilt.copy()
    r["fiscal_year"] = r["period"].map(fiscal_year_of)
    out = []
    keys = sorted(set(zip(r["measure"], r["fiscal_year"], strict=True)))
    for measure, fy in keys:
        got = r.loc[(r["measure"] == measure) & (r["fiscal_year"] == fy)].iloc[0]
        have = b.loc[(b["measure"] == measure) & (b["fiscal_year"] == fy)]
        row = {
            "measure": measure,
            "fiscal_year": int(fy),
            "bundled_period": None,
            "bundled_value": None,
            "rebuilt_period": got["period"],
            "rebuilt_value": float(got["value"]),
            "status": "not bundled",
            "bundled_source": None,
        }
        if len(have):
            h = have.iloc[0]
            row.update(bundled_period=h["period"], bundled_value=float(h["value"]), bundled_source=h["source"])
            if SPREADSHEET not in str(h["source"]):
                row["status"] = "other source"
            elif not _same(measure, float(h["value"]), float(got["value"])):
                row["status"] = "value differs"
            elif h["period"] != got["period"]:
                row["status"] = "period differs"
            else:
                row["status"] = "same"
        out.append(row)
    return pd.DataFrame(out)


def hand_checked(rebuilt: pd.DataFrame) -> list[str]:
    """The figures of :data:`HAND_CHECKED` the rebuilt rows miss or differ from, one line each."""
    got = {(r.measure, r.period): float(r.value) for r in rebuilt.itertuples()}
    out = []
    for key, want in HAND_CHECKED.items():
        if key not in got:
            out.append(f"{key[0]} {key[1]}: not rebuilt (hand-checked {want})")
        elif abs(got[key] - want) > 0.01:
            out.append(f"{key[0]} {key[1]}: rebuilt {got[key]}, hand-checked {want}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", type=Path, help="a folder with the parsed ICE tables (*.parquet)")
    p.add_argument("--bundled", type=Path, default=BUNDLED, help="the measures table to compare with")
    p.add_argument("--check", action="store_true", help="exit 1 if a row citing ICE's spreadsheets differs")
    p.add_argument("--out", type=Path, help="write the rebuilt rows (measures-table columns) to this CSV")
    args = p.parse_args(argv)
    tables = sorted(args.folder.glob("*.parquet"))
    if not tables:
        print(f"no *.parquet file in {args.folder}: give the data/ folder of ice-detention-management", file=sys.stderr)
        return 2
    rebuilt = rebuild(tables)
    table = compare(rebuilt, pd.read_csv(args.bundled, dtype={"period": str}))
    with pd.option_context("display.width", 200, "display.max_rows", None):
        print(table.drop(columns=["bundled_source"]).to_string(index=False))
    if args.out:
        rebuilt.to_csv(args.out, index=False)
    misses = hand_checked(rebuilt)
    for line in misses:
        print("hand-checked figure not met: " + line)
    bad = table.loc[table["status"].isin(["value differs", "period differs"])]
    return 1 if args.check and (len(bad) or misses) else 0


if __name__ == "__main__":
    sys.exit(main())
