"""Build the bundled validation corpus data/corpus/us-presidential-speeches/ from kfogel/presidential-speeches.

Usage: python data/tools/corpus_us_speeches.py GIT_DIR [COMMIT]

GIT_DIR is a clone (or bare mirror) of https://github.com/kfogel/presidential-speeches;
COMMIT defaults to a4c8b38eeba49703f515a701db03e60417e042e6 (3 Oct 2020), the last commit
that holds the speeches (the next one only moves the repository elsewhere).

Kept: the speeches dated from 20 January 1993 on in which the English lexicon finds at
least one migration sentence, except debates, press conferences and briefings (their
transcripts hold the words of other speakers, which are neither the president's nor works
of the US government). Written: one plain-text file per speech (the transcript without the
"President:" line) and metadata.csv. Deterministic: the same commit gives the same files.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from securitization.corpus import compile_matcher, load_lexicon, score_text
from securitization.corpus.readers import MONTHS_EN, DocRef, extract

COMMIT = "a4c8b38eeba49703f515a701db03e60417e042e6"
OUT = Path(__file__).resolve().parents[1] / "corpus" / "us-presidential-speeches"
EXCLUDE = ("debate", "press-conference", "news-conference", "press-briefing", "briefing", "interview")


def git(gitdir: str, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", gitdir, *args], check=True, capture_output=True).stdout


def main(gitdir: str, commit: str = COMMIT) -> int:
    names = git(gitdir, "ls-tree", "--name-only", commit, "data/").decode().split("\n")
    matcher = compile_matcher(load_lexicon("en").spec())
    rows = []
    for path in sorted(n for n in names if n):
        name = path.removeprefix("data/")
        stem = name.removesuffix(".txt")
        if stem[:10] < "1993-01-20" or any(x in stem for x in EXCLUDE):
            continue
        raw = git(gitdir, "show", f"{commit}:{path}").decode("utf-8")
        ref, text = extract(DocRef(id=stem, file=name, layout="presidential-speeches"), raw)
        score = score_text(text, matcher)
        if score.n_migration == 0:
            continue
        y, mo, d, slug = stem[:4], stem[5:7], stem[8:10], stem[11:]
        for kind in ("cases", "evidence", "measures"):  # never taken for a table by securitization.load
            if stem.startswith(kind) or stem.endswith(kind):
                raise SystemExit(f"{stem}: a file name that table discovery would read")
        (OUT / f"{stem}.txt").write_text(text.strip() + "\n", encoding="utf-8")
        title = slug.replace("-", " ")
        rows.append(
            {
                "id": stem,
                "file": f"{stem}.txt",
                "date": f"{y}-{mo}-{d}",
                "speaker": ref.speaker,
                "title": title[:1].upper() + title[1:],
                "source": "Miller Center, University of Virginia, presidential speeches (via kfogel/presidential-speeches)",
                "url": f"https://millercenter.org/the-presidency/presidential-speeches/{MONTHS_EN[int(mo) - 1]}-{int(d)}-{y}-{slug}",
                "language": "en",
                "country": "USA",
            }
        )
    with (OUT / "metadata.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} speeches written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
