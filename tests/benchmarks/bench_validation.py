"""Benchmark: reading and validating 1.2 million evidence rows, against reading the CSV alone.

Run with ``make bench`` (or ``python tests/benchmarks/bench_validation.py [--items N]``).
Not part of the test suite.

The synthetic case folder of ``bench_scoring.py`` (200 cases x 5 indicators x 1,000 items,
2 coders on 20% of the items: 1.2 million evidence rows, about 110 MB of CSV) is written
once to ``~/.cache/securitization-bench/``. Then, alternating, each in a fresh Python
process (so that each has its own peak memory, and each pays the same one-time costs):

* the baseline: ``pandas.read_csv(evidence.csv, engine="pyarrow")``, the fastest way
  pandas reads the file, with no check at all;
* ``securitization.load(folder)``: reading both tables exactly (every cell as text, the
  file's hash, control characters, white space), validating every cell, and building
  the integer index that scoring works on.

Each child times only the call (the imports are done before) and reports its wall time and
the process's peak resident memory (``VmHWM``; Linux). Printed: the best time of each over the runs, their
ratio (target: at most 3x), and the peak memory of each (target for ``load``: at most
600 MB). The same two calls repeated inside one process (warm: the allocator's memory
already mapped) are printed beside, as a second view.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

CHILD = r"""
import json, sys, time
import pandas as pd
import securitization
kind, folder, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = []
for _ in range(repeat):
    t = time.perf_counter()
    if kind == "baseline":
        out = pd.read_csv(folder + "/evidence.csv", engine="pyarrow")
    else:
        out = securitization.load([folder])
    times.append(time.perf_counter() - t)
    del out
# VmHWM: this process's peak resident memory (ru_maxrss would carry the parent's across exec)
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
print(json.dumps({"times": times, "peak_mb": peak}))
"""


def write_folder(folder: Path, n_cases: int, n_items: int, multi: float, seed: int) -> int:
    """The synthetic case folder (reused when already written with the same parameters)."""
    stamp = folder / "parameters.json"
    params = {"cases": n_cases, "items": n_items, "multi": multi, "seed": seed, "version": 1}
    if stamp.exists() and json.loads(stamp.read_text()) == params:
        return sum(1 for _ in (folder / "evidence.csv").open()) - 1
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_scoring import synthetic_tables

    folder.mkdir(parents=True, exist_ok=True)
    cases, ev = synthetic_tables(n_cases, n_items, multi, seed)
    cases.to_csv(folder / "cases.csv", index=False)
    ev.to_csv(folder / "evidence.csv", index=False)
    stamp.write_text(json.dumps(params))
    return len(ev)


def child(kind: str, folder: Path, repeat: int) -> dict[str, float | list[float]]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(folder), str(repeat)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "SECURITIZATION_QUIET": "1"},
    )
    result: dict[str, float | list[float]] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=200)
    p.add_argument("--items", type=int, default=1000, help="items per case and indicator (default 1000)")
    p.add_argument("--multi", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--runs", type=int, default=3, help="fresh processes of each (default 3)")
    args = p.parse_args(argv)
    folder = Path.home() / ".cache" / "securitization-bench" / f"validation-{args.cases}x{args.items}-s{args.seed}"
    t = time.perf_counter()
    n = write_folder(folder, args.cases, args.items, args.multi, args.seed)
    size = (folder / "evidence.csv").stat().st_size / 2**20
    print(
        f"validation benchmark: {n:,} evidence rows, {size:.0f} MB of CSV in {folder} ({time.perf_counter() - t:.1f} s)"
    )

    fresh: dict[str, list[float]] = {"baseline": [], "load": []}
    peaks: dict[str, list[float]] = {"baseline": [], "load": []}
    for _ in range(args.runs):  # alternate, so that both meet the same machine
        for kind in fresh:
            r = child(kind, folder, 1)
            fresh[kind] += r["times"]  # type: ignore[arg-type]
            peaks[kind].append(float(r["peak_mb"]))  # type: ignore[arg-type]
    warm = {kind: min(child(kind, folder, 3)["times"][1:]) for kind in fresh}  # type: ignore[index]

    base, ours = min(fresh["baseline"]), min(fresh["load"])
    ratio = ours / base
    peak = max(peaks["load"])
    print(
        f"pandas.read_csv(engine='pyarrow'):  {base:.2f} s, peak {max(peaks['baseline']):.0f} MB (best of {args.runs})"
    )
    print(f"securitization.load():              {ours:.2f} s, peak {peak:.0f} MB (best of {args.runs})")
    print(f"ratio load / read_csv:              {ratio:.2f}x (target <= 3x): {'met' if ratio <= 3 else 'MISSED'}")
    print(f"peak memory of load:                {peak:.0f} MB (target <= 600 MB): {'met' if peak <= 600 else 'MISSED'}")
    print(
        f"warm, repeated in one process:      read_csv {warm['baseline']:.2f} s, load {warm['load']:.2f} s, "
        f"ratio {warm['load'] / warm['baseline']:.2f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
