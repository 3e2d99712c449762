"""Draw the items for blind second coding, and assemble the second coder's rows.

Reproducible record of how the second coding of the bundled cases was done (see
data/README.md, "Second coding").

    python data/tools/second_coding.py sample OUT.csv      # the blind sheet
    python data/tools/second_coding.py assemble CODES.csv  # -> data/*/evidence-coder2.csv

``sample`` draws 25% of the first coder's items in every case x indicator cell (at least
one item per cell), with a fixed seed, and writes only the columns a blind coder may see:
evidence_id, case, indicator, date, kind, title, summary, source, url, quote. The first
coder's code, weight and notes are left out.

``assemble`` takes the second coder's sheet (evidence_id, code, rationale) and writes one
row per item for coder ``c2`` into the folder of the item's country, copying the item's
descriptive columns and its importance weight from the first coder's row (the second coder
codes the level only) and putting the rationale in ``notes``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parent.parent
SEED = 20110101
SHARE = 0.25
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
BLIND_COLUMNS = ["evidence_id", "case", "indicator", "date", "kind", "title", "summary", "source", "url", "quote"]


def first_coder_items() -> pd.DataFrame:
    frames = [
        pd.read_csv(p, dtype=str, keep_default_na=False)
        for p in sorted(DATA.glob("*/evidence*.csv"))
        if "coder2" not in p.name
    ]
    ev = pd.concat(frames, ignore_index=True)
    return ev.loc[ev["coder"] == "c1"].reset_index(drop=True)


def sample(out: Path) -> None:
    ev = first_coder_items().sort_values("evidence_id").reset_index(drop=True)
    rng = np.random.default_rng(SEED)
    picked = []
    for _, cell in ev.groupby(["case", "indicator"], sort=True):
        n = max(1, int(np.ceil(SHARE * len(cell))))
        picked.append(cell.iloc[np.sort(rng.choice(len(cell), size=n, replace=False))])
    blind = pd.concat(picked)[BLIND_COLUMNS]
    blind = blind.sample(frac=1.0, random_state=SEED)  # shuffled: no order cue
    blind.to_csv(out, index=False)
    print(f"{len(blind)} of {len(ev)} items ({len(blind) / len(ev):.0%}) written to {out}")


def assemble(codes_path: Path) -> None:
    ev = first_coder_items().set_index("evidence_id")
    codes = pd.read_csv(codes_path, dtype=str, keep_default_na=False)
    rows = ev.loc[codes["evidence_id"]].reset_index()
    rows["code"] = codes["code"].to_numpy()
    rows["coder"] = "c2"
    rows["notes"] = codes["rationale"].to_numpy()
    country = rows["case"].str.split("-").str[0]
    for folder, grp in rows.groupby(country):
        target = DATA / folder / "evidence-coder2.csv"
        grp[COLUMNS].sort_values("evidence_id").to_csv(target, index=False)
        print(f"{len(grp)} rows written to {target}")


if __name__ == "__main__":
    cmd, path = sys.argv[1], Path(sys.argv[2])
    {"sample": sample, "assemble": assemble}[cmd](path)
