"""Benchmark: securitization.corpus on 50 million words against one pass of a multi-pattern matcher.

Run with ``make bench`` (or ``python tests/benchmarks/bench_corpus.py [--words N] [--repeat R]``).

A synthetic corpus in the folder layout (``metadata.csv`` and one text file per document,
about 5,000 words each, 2% of sentences about migration; 1,000 distinct documents written
over and over) is written to a temporary folder. Timed in the same run, alternately,
``--repeat`` times each (the fastest run of each is compared, as the one least disturbed by
other work on the machine):

* the floor: one pass of a compiled pyahocorasick automaton of the same lexicon terms over
  every file (read, decode, lowercase, iterate the matches), in one process;
* ``measure_corpus`` end to end on the same files: reading and hashing every file, sentence
  splitting, matching, word boundaries, masks and vetoes, the sentences before and after
  each migration sentence, placement in cases, the sentence trail streamed to disk, the
  sums per case and year and 200 document resamples, over a pool of every core.

Printed: both times and their ratio, the processor time of the main process and of the
workers (and its ratio to the floor's: the elapsed ratio on free cores), the load of the machine when the run started (other work shares the cores), and
the peak memory (resident set) of the main process and of the largest worker next to the
size of the corpus: memory stays bounded because the documents stream through the pool in
batches.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def write_corpus(root: Path, words: int, rng: np.random.Generator) -> tuple[int, int]:
    from securitization.corpus.synthetic import synthetic_document

    distinct = [synthetic_document(rng, "en", 500, p_migration=0.02, paragraph=8)[0] for _ in range(1000)]
    sizes = [len(t.split()) for t in distinct]
    (root / "texts").mkdir(parents=True)
    lines = ["id,file,date,speaker,title,source,url,language,country"]
    total = n = 0
    days = np.datetime64("2009-01-21") + np.arange(2900)
    while total < words:
        i = n % len(distinct)
        rel = f"texts/d{n:06d}.txt"
        (root / rel).write_text(distinct[i], encoding="utf-8")
        lines.append(f"d{n:06d},{rel},{days[n % len(days)]},Speaker,Doc {n},Synthetic,,en,USA")
        total += sizes[i]
        n += 1
    (root / "metadata.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return n, total


def floor_pass(root: Path) -> tuple[float, int]:
    import ahocorasick

    from securitization.corpus import load_lexicon

    automaton = ahocorasick.Automaton()
    for i, key in enumerate(load_lexicon("en").spec()["terms"]):
        automaton.add_word(key, i)
    automaton.make_automaton()
    t = time.perf_counter()
    n = 0
    for f in sorted((root / "texts").iterdir()):
        text = f.read_bytes().decode("utf-8").lower()
        for _ in automaton.iter(text):
            n += 1
    return time.perf_counter() - t, n


def _cpu() -> tuple[float, float]:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--words", type=int, default=50_000_000, help="words of text (default 50 million)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each, the fastest compared (default 3)")
    args = ap.parse_args()
    from securitization.corpus import measure_corpus
    from securitization.corpus.pipeline import default_workers

    tmp = Path(tempfile.mkdtemp(prefix="bench-corpus-"))
    try:
        t = time.perf_counter()
        n_docs, n_words = write_corpus(tmp / "corpus", args.words, np.random.default_rng(20110101))
        mb = sum(f.stat().st_size for f in (tmp / "corpus" / "texts").iterdir()) / 1e6
        print(
            f"corpus: {n_docs:,} documents, {n_words:,} words, {mb:,.0f} MB (written in {time.perf_counter() - t:.1f} s)"
        )
        cores = default_workers()
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"machine: {cores} cores for this process, load average {load:.2f} at the start (other work shares them)")
        floors, ours, cpu, floor_cpu = [], [], (0.0, 0.0), 0.0
        r = None
        for _ in range(max(1, args.repeat)):
            before = _cpu()
            floor, n_matches = floor_pass(tmp / "corpus")
            floors.append(floor)
            if floors[-1] == min(floors):
                floor_cpu = _cpu()[0] - before[0]
            out = tmp / "out" / "measures.csv"
            before = _cpu()
            t = time.perf_counter()
            r = measure_corpus(tmp / "corpus", language="en", n_boot=200, workers=cores, out=out)
            ours.append(time.perf_counter() - t)
            after = _cpu()
            if ours[-1] == min(ours):
                cpu = (after[0] - before[0], after[1] - before[1])
        floor, best = min(floors), min(ours)
        runs = lambda xs: ", ".join(f"{x:.2f}" for x in xs)  # noqa: E731
        print(
            f"floor: one pyahocorasick pass over every file (1 process): {floor:.2f} s "
            f"({n_matches:,} term matches; runs {runs(floors)} s)"
        )
        assert r is not None
        used = r.estimates.loc[r.estimates["granularity"] == "case"].iloc[0]
        print(
            f"measure_corpus end to end ({cores} worker processes): {best:.2f} s (runs {runs(ours)} s; "
            f"{used.n_sentences:,} sentences, {used.n_migration:,} migration, {used.n_framed:,} framed; "
            f"trail {(tmp / 'out' / 'sentences-measures.trail.csv').stat().st_size / 1e6:.1f} MB)"
        )
        print(f"processor time of the fastest run: main process {cpu[0]:.2f} s, workers {cpu[1]:.2f} s")
        work = (cpu[0] + cpu[1]) / floor_cpu if floor_cpu > 0 else float("nan")
        print(
            f"processor time against the floor's ({floor_cpu:.2f} s): {work:.2f}x; spread over {cores} free cores "
            f"that is {work / cores:.2f}x in elapsed time. Cores obtained: floor {floor_cpu / floor:.2f} of 1, "
            f"measure_corpus {(cpu[0] + cpu[1]) / best:.2f} of {cores}"
        )
        ratio = best / floor
        print(
            f"ratio measure_corpus / floor: {ratio:.2f}x (target: within 2x) -> {'OK' if ratio <= 2 else 'SLOWER THAN 2x'}"
        )
        self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"peak memory: main process {self_mb:,.0f} MB, largest worker {child_mb:,.0f} MB (corpus {mb:,.0f} MB on disk)"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
