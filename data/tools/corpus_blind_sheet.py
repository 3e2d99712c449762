"""Draw the blind sample of sentences for the hand validation of the corpus dictionary.

Usage: python data/tools/corpus_blind_sheet.py MANANERAS_GIT_DIR [COMMIT]

English sentences: the bundled corpus data/corpus/us-presidential-speeches/ (US presidential
speeches, public domain). Spanish sentences: the president's words in 600 transcripts of
the Mexican presidency's morning press conferences, 2019-01-01 to 2024-09-30, drawn with
the seed below from fferegrino/mananeras at COMMIT (default
ca7717347cb8229ed472d254f0503cc9ebf3f955).

Writes data/corpus/labels/blind-sheet.csv (sentence_id, language, sentence: what the coder
sees), design.csv (population and sample per language and stratum, and the lexicon) and
sample-key.csv (where each sentence comes from). Deterministic for a given seed and commit.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from securitization.corpus.readers import DocRef, extract
from securitization.corpus.validation import sample_sentences

SEED = 20110101
COMMIT = "ca7717347cb8229ed472d254f0503cc9ebf3f955"
SIZES = {"framed": 50, "migration": 30, "security": 25, "neither": 15}
DATA = Path(__file__).resolve().parents[1] / "corpus"


def main(gitdir: str, commit: str = COMMIT) -> int:
    rng = np.random.default_rng(SEED)
    docs = []
    meta = pd.read_csv(DATA / "us-presidential-speeches" / "metadata.csv", dtype=str)
    for r in meta.itertuples(index=False):
        text = (DATA / "us-presidential-speeches" / r.file).read_text(encoding="utf-8")
        docs.append(("en", r.id, "US presidential speeches (Miller Center), public domain", text))
    names = subprocess.run(
        ["git", "--git-dir", gitdir, "ls-tree", "-r", "--name-only", commit, "articulos/"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    years = {str(y) for y in range(2019, 2025)}
    cands = sorted(
        n
        for n in names
        if n.endswith(".txt")
        and n.split("/")[1] in years
        and not (n.startswith("articulos/2024/") and n.split("/")[2] in ("octubre", "noviembre", "diciembre"))
    )
    for i in sorted(rng.choice(len(cands), size=600, replace=False)):
        raw = subprocess.run(
            ["git", "--git-dir", gitdir, "show", f"{commit}:{cands[i]}"], check=True, capture_output=True
        ).stdout.decode("utf-8")
        _, text = extract(DocRef(id=cands[i], file=cands[i], layout="mananeras"), raw)
        docs.append(
            (
                "es",
                cands[i].removeprefix("articulos/").removesuffix(".txt"),
                "Presidencia de la República, versión estenográfica (gob.mx), via fferegrino/mananeras",
                text,
            )
        )
    frame = pd.DataFrame(docs, columns=["language", "document", "source", "text"])
    sheet, design, key = sample_sentences(frame, SIZES, rng=SEED)
    out = DATA / "labels"
    out.mkdir(parents=True, exist_ok=True)
    sheet.to_csv(out / "blind-sheet.csv", index=False, lineterminator="\n")
    design.to_csv(out / "design.csv", index=False, lineterminator="\n")
    key.to_csv(out / "sample-key.csv", index=False, lineterminator="\n")
    print(design.to_string(index=False))
    print(f"{len(sheet)} sentences written to {out / 'blind-sheet.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
