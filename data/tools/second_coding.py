"""The independent second coding: draw the blind sheets, and assemble the second coder's rows.

Reproducible record of how the second coding of the bundled cases was done (see
``data/README.md``, "Second coding", and ``data/second-coding/``)::

    python data/tools/second_coding.py sample      # -> data/second-coding/blind-sheet-*.csv
    python data/tools/second_coding.py assemble    # codes-*.csv -> */evidence-coder2.csv

``sample`` draws, with a fixed seed, a quarter of the first coder's items in every case x
indicator cell (rounded up, at least one per cell) and writes only what a blind coder may
see: ``evidence_id, case, country, indicator, date, kind, title, source, url, quote``. Not
the first coder's summary, code, weight or notes. The sheet is shuffled (no order cue) and
split in two parts by country (the Americas; the United Kingdom and Italy), each coded by
its own second-coder session.

``assemble`` reads the second coder's raw codes (``codes-*.csv``: ``evidence_id, code,
weight, read, rationale``) and writes one row per item for coder ``c2`` into the folder of
the item's country: the item's descriptive columns copied from the first coder's row, the
second coder's own code and weight, and in ``notes`` what it read and why it chose the level.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parent.parent
OUT = DATA / "second-coding"
SEED = 20110101
SHARE = 0.25
PARTS = {"americas": ("USA", "MEX"), "europe": ("GBR", "ITA")}
FOLDERS = {"USA": "us", "MEX": "mex", "GBR": "gbr", "ITA": "ita"}
COLUMNS = [
    "evidence_id",
    "case",
    "indicator",
    "date",
    "kind",
    "title",
    "summary",
    "source",
    "url",
    "quote",
    "code",
    "weight",
    "coder",
    "notes",
]
BLIND_COLUMNS = ["evidence_id", "case", "country", "indicator", "date", "kind", "title", "source", "url", "quote"]


def first_coder_items() -> pd.DataFrame:
    """Every first-coder (``c1``) row of the bundled evidence tables, with its country."""
    frames = []
    for path in sorted(DATA.glob("*/evidence*.csv")):
        if "coder2" in path.name:
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["country"] = {v: k for k, v in FOLDERS.items()}[path.parent.name]
        frames.append(frame)
    ev = pd.concat(frames, ignore_index=True)
    return ev.loc[ev["coder"].isin(["c1", ""])].reset_index(drop=True)


def sample() -> None:
    ev = first_coder_items().sort_values("evidence_id").reset_index(drop=True)
    rng = np.random.default_rng(SEED)
    picked = []
    for _, cell in ev.groupby(["case", "indicator"], sort=True):
        n = max(1, int(np.ceil(SHARE * len(cell))))
        picked.append(cell.iloc[np.sort(rng.choice(len(cell), size=n, replace=False))])
    blind = pd.concat(picked)[BLIND_COLUMNS]
    OUT.mkdir(exist_ok=True)
    for part, countries in PARTS.items():
        sheet = blind.loc[blind["country"].isin(countries)].sample(frac=1.0, random_state=SEED)
        sheet.to_csv(OUT / f"blind-sheet-{part}.csv", index=False)
        print(f"{part}: {len(sheet)} items")
    print(f"{len(blind)} of {len(ev)} items ({len(blind) / len(ev):.0%}) in the blind sheets")


def assemble() -> None:
    ev = first_coder_items().set_index("evidence_id")
    codes = pd.concat(
        [pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(OUT.glob("codes-*.csv"))], ignore_index=True
    )
    missing = sorted(set(codes["evidence_id"]) - set(ev.index))
    if missing:
        raise SystemExit(f"codes for items that the first coder's tables do not hold: {missing}")
    rows = ev.loc[codes["evidence_id"]].reset_index()
    rows["code"] = codes["code"].to_numpy()
    rows["weight"] = codes["weight"].to_numpy()
    rows["coder"] = "c2"
    read = codes["read"].map({"source": "read the source", "title-and-quote": "from the title and quote alone"})
    rows["notes"] = ("Second coder (blind, " + read.fillna(codes["read"]) + "): " + codes["rationale"]).to_numpy()
    for country, folder in FOLDERS.items():
        out = rows.loc[rows["country"] == country, COLUMNS].sort_values("evidence_id")
        out.to_csv(DATA / folder / "evidence-coder2.csv", index=False)
        print(f"{folder}/evidence-coder2.csv: {len(out)} rows")


if __name__ == "__main__":
    {"sample": sample, "assemble": assemble}[sys.argv[1]]()
