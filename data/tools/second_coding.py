"""The independent second coding: draw the blind sheets, and assemble the second coder's rows.

Reproducible record of how the second coding of the bundled cases was done (see
``data/README.md``, "Second coding", and ``data/second-coding/``)::

    python data/tools/second_coding.py frame       # -> data/second-coding/sampling-frame.csv (once)
    python data/tools/second_coding.py sample      # -> data/second-coding/blind-sheet-*.csv
    python data/tools/second_coding.py assemble    # codes-*.csv -> */evidence-coder2.csv
    python data/tools/second_coding.py sheet       # -> data/second-coding/adjudication-sheet.csv
    python data/tools/second_coding.py settle      # adjudicator-adj1.csv -> */adjudications.csv

``frame`` archives the list of the first coder's items from which the sample is drawn
(``sampling-frame.csv``), so that the draw can be repeated after items are added. ``sample``
draws from it, with a fixed seed, a quarter of the first coder's items in every case x
indicator cell (rounded up, at least one per cell) and writes only what a blind coder may
see: ``evidence_id, case, country, indicator, date, kind, title, source, url, quote``. Not
the first coder's summary, code, weight or notes. The sheet is shuffled (no order cue) and
split in two parts by country (the Americas; the United Kingdom and Italy), each coded by
its own second-coder session.

``assemble`` reads the second coder's raw codes (``codes-*.csv``: ``evidence_id, code,
weight, read, rationale``) and writes one row per item for coder ``c2`` into the folder of
the item's country: the item's descriptive columns copied from the first coder's row, the
second coder's own code and weight, and in ``notes`` what it read and why it chose the level.

``sheet`` lists the items the two coders coded differently, with everything the adjudicator
saw: the item's descriptive columns, the first coder's code, weight and notes, and the second
coder's code, weight and rationale (the adjudication is therefore not blind); it is run once,
before the adjudication, and does not overwrite the archived sheet. ``settle`` reads
the adjudicator's settled codes (``adjudicator-adj1.csv``: ``evidence_id, code, read, reason``)
and writes one row per item into ``adjudications.csv`` of the item's country folder
(``evidence_id, code, adjudicator, reason, notes``). See ``data/second-coding/ADJUDICATION.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parent.parent
OUT = DATA / "second-coding"
FRAME = OUT / "sampling-frame.csv"
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
ADJUDICATOR = "adj1"
SHEET_COLUMNS = [
    "evidence_id",
    "case",
    "country",
    "indicator",
    "date",
    "kind",
    "title",
    "summary",
    "source",
    "url",
    "quote",
    "code_c1",
    "weight_c1",
    "notes_c1",
    "code_c2",
    "weight_c2",
    "rationale_c2",
]
FRAME_COLUMNS = ["evidence_id", "case", "country", "indicator"]
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


def sampling_frame() -> pd.DataFrame:
    """The first coder's items from which the sample was drawn.

    Archived in ``second-coding/sampling-frame.csv`` (``evidence_id, case, country,
    indicator``: the 696 items of the first coding when the sample was drawn), so that the
    draw can be repeated after items are added to the tables; without the archive, the
    current first-coder items.
    """
    if FRAME.exists():
        return pd.read_csv(FRAME, dtype=str, keep_default_na=False)
    return first_coder_items()[FRAME_COLUMNS]


def draw(frame: pd.DataFrame) -> dict[str, list[str]]:
    """The blind sample drawn from ``frame`` with the fixed seed: the item ids of each part's
    sheet, in the sheet's (shuffled) order."""
    ev = frame.sort_values("evidence_id").reset_index(drop=True)
    rng = np.random.default_rng(SEED)
    picked = []
    for _, cell in ev.groupby(["case", "indicator"], sort=True):
        n = max(1, int(np.ceil(SHARE * len(cell))))
        picked.append(cell.iloc[np.sort(rng.choice(len(cell), size=n, replace=False))])
    blind = pd.concat(picked)
    return {
        part: blind.loc[blind["country"].isin(countries)].sample(frac=1.0, random_state=SEED)["evidence_id"].tolist()
        for part, countries in PARTS.items()
    }


def frame() -> None:
    first_coder_items()[FRAME_COLUMNS].sort_values("evidence_id").to_csv(FRAME, index=False)
    print(f"sampling-frame.csv: {len(first_coder_items())} items")


def sample() -> None:
    frame_items = sampling_frame()
    ev = first_coder_items().set_index("evidence_id")
    OUT.mkdir(exist_ok=True)
    total = 0
    for part, ids in draw(frame_items).items():
        sheet = ev.loc[ids].reset_index()[BLIND_COLUMNS]
        sheet.to_csv(OUT / f"blind-sheet-{part}.csv", index=False)
        total += len(sheet)
        print(f"{part}: {len(sheet)} items")
    print(f"{total} of {len(frame_items)} items ({total / len(frame_items):.0%}) in the blind sheets")


def assembled() -> dict[str, pd.DataFrame]:
    """The second coder's rows as ``assemble`` writes them, by country folder."""
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
    return {
        folder: rows.loc[rows["country"] == country, COLUMNS].sort_values("evidence_id").reset_index(drop=True)
        for country, folder in FOLDERS.items()
    }


def assemble() -> None:
    for folder, out in assembled().items():
        out.to_csv(DATA / folder / "evidence-coder2.csv", index=False)
        print(f"{folder}/evidence-coder2.csv: {len(out)} rows")


def second_coder_items() -> pd.DataFrame:
    """Every second-coder (``c2``) row, as assembled into the country folders."""
    frames = []
    for country, folder in FOLDERS.items():
        frame = pd.read_csv(DATA / folder / "evidence-coder2.csv", dtype=str, keep_default_na=False)
        frame["country"] = country
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def disagreements() -> pd.DataFrame:
    """The doubly coded items whose two codes differ: one row per item, both coders side by side."""
    c1 = first_coder_items().set_index("evidence_id")
    c2 = second_coder_items().set_index("evidence_id")
    both = c2.index[c2.index.isin(c1.index)]
    differ = [i for i in both if int(c1.at[i, "code"]) != int(c2.at[i, "code"])]
    rows = c1.loc[differ].copy()
    rows["code_c1"] = rows["code"]
    rows["weight_c1"] = rows["weight"]
    rows["notes_c1"] = rows["notes"]
    rows["code_c2"] = c2.loc[differ, "code"]
    rows["weight_c2"] = c2.loc[differ, "weight"]
    rows["rationale_c2"] = c2.loc[differ, "notes"]
    return rows.reset_index()[SHEET_COLUMNS].sort_values("evidence_id").reset_index(drop=True)


def sheet() -> None:
    if (OUT / "adjudication-sheet.csv").exists() and "--force" not in sys.argv:
        raise SystemExit(
            "adjudication-sheet.csv is the archive of what the adjudicator saw: not overwritten (use --force to redraw)"
        )
    out = disagreements()
    out.to_csv(OUT / "adjudication-sheet.csv", index=False)
    print(f"adjudication-sheet.csv: {len(out)} items with different codes")


def settle() -> None:
    settled = pd.read_csv(OUT / f"adjudicator-{ADJUDICATOR}.csv", dtype=str, keep_default_na=False)
    seen = disagreements().set_index("evidence_id")
    missing = sorted(set(seen.index) - set(settled["evidence_id"]))
    extra = sorted(set(settled["evidence_id"]) - set(seen.index))
    if missing or extra:
        raise SystemExit(f"adjudications do not match the disagreements: missing {missing}, not disagreements {extra}")
    read = settled["read"].map({"source": "read the source", "title-and-quote": "from the title and quote alone"})
    sides = seen.loc[settled["evidence_id"]]
    rows = pd.DataFrame(
        {
            "evidence_id": settled["evidence_id"],
            "code": settled["code"],
            "adjudicator": ADJUDICATOR,
            "reason": settled["reason"],
            "notes": (
                "Not blind: saw c1 = "
                + sides["code_c1"].to_numpy()
                + " and c2 = "
                + sides["code_c2"].to_numpy()
                + "; "
                + read.fillna(settled["read"]).to_numpy()
                + "."
            ),
            "country": sides["country"].to_numpy(),
        }
    )
    for country, folder in FOLDERS.items():
        out = rows.loc[rows["country"] == country].drop(columns="country").sort_values("evidence_id")
        out.to_csv(DATA / folder / "adjudications.csv", index=False)
        print(f"{folder}/adjudications.csv: {len(out)} rows")


if __name__ == "__main__":
    {"frame": frame, "sample": sample, "assemble": assemble, "sheet": sheet, "settle": settle}[sys.argv[1]]()
