"""Benchmark: records to measures at scale (``make bench``; not part of the test suite).

Seeded synthetic stints in the ``ddp-detention-stints`` layout (FY2012-FY2025), written
once to Parquet in a cache folder outside the repository (``~/.cache/securitization-bench``,
or ``$SECURITIZATION_BENCH_CACHE``). Printed, in one run:

* 20 million rows: FY ADP, book-ins, median length of stay and the non-criminal share by
  ``measures_from_records`` on DuckDB (which also counts every bad record by reason and
  hashes the file), against a hand-written DuckDB SQL query computing the same numbers
  (checked equal), as a ratio (the issue asks for at most 1.5x): each the best of four
  runs, alternated, as the machine is shared; the peak memory of each (its own process:
  ``ru_maxrss``; the issue asks for at most 4 GB);
* the same file on Spark in local mode, its time printed beside;
* with ``--stream-100m``: 100 million rows streamed from Parquet by DuckDB with a memory
  limit (the issue asks that it completes on 2 cores and 24 GB).

Each measurement runs in a child process of its own so that peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

START, END, AS_OF = "2011-10-01", "2025-09-30", "2025-09-30"
MEMORY_LIMIT = "3GB"
REDACTION = (
    "b(6), b(7)c",
    "b(6), b(7)(c)",
    "(b)(6), (b)(7)(c)",
    "(b)(6)(b)(7)(c)",
    "b(6)",
    "b(7)c",
    "(b)(6)",
    "(b)(7)(c)",
    "redacted",
)

HAND_SQL = """
WITH stays AS MATERIALIZED (
  SELECT stay_book_in_date_time AS sin,
    COALESCE(MAX(stay_book_out_date_time),
             CASE WHEN COUNT(book_out_date_time) = COUNT(*) THEN MAX(book_out_date_time) END) AS sout,
    MIN(CASE book_in_criminality WHEN '1 Convicted Criminal' THEN 1 WHEN '2 Pending Criminal Charges' THEN 2
        WHEN '3 Other Immigration Violator' THEN 3 ELSE 9 END) AS crim
  FROM read_parquet('{path}')
  WHERE anonymized_identifier IS NOT NULL AND lower(anonymized_identifier) NOT IN {redaction}
    AND stay_book_in_date_time IS NOT NULL
  GROUP BY anonymized_identifier, stay_book_in_date_time
),
v AS MATERIALIZED (
  SELECT sin, sout, crim, COALESCE(sout, TIMESTAMP '{as_of_end}') AS e,
    year(sin) + CASE WHEN month(sin) >= 10 THEN 1 ELSE 0 END AS fy_in,
    year(sout) + CASE WHEN month(sout) >= 10 THEN 1 ELSE 0 END AS fy_out
  FROM stays WHERE sout IS NULL OR sout >= sin
),
fys AS (
  SELECT range AS fy, make_timestamp(range - 1, 10, 1, 0, 0, 0) AS a,
    LEAST(make_timestamp(range, 10, 1, 0, 0, 0), TIMESTAMP '{as_of_end}') AS b
  FROM range({fy0}, {fy1} + 1)
),
adp AS (
  SELECT fy, SUM(epoch(LEAST(e, b)) - epoch(GREATEST(sin, a))) / (epoch(ANY_VALUE(b)) - epoch(ANY_VALUE(a))) AS adp
  FROM v JOIN fys ON v.sin < fys.b AND v.e > fys.a GROUP BY fy
),
bi AS (
  SELECT fy_in AS fy, COUNT(*) AS book_ins,
    SUM(CASE WHEN crim IN (2, 3) THEN 1 ELSE 0 END) / SUM(CASE WHEN crim IN (1, 2, 3) THEN 1 ELSE 0 END) AS share
  FROM v GROUP BY fy_in
),
los AS (
  SELECT fy_out AS fy, quantile_cont((epoch(sout) - epoch(sin)) / 86400, 0.5) AS los_median
  FROM v WHERE sout IS NOT NULL GROUP BY fy_out
)
SELECT fys.fy, adp.adp, bi.book_ins, los.los_median, bi.share
FROM fys LEFT JOIN adp USING (fy) LEFT JOIN bi USING (fy) LEFT JOIN los USING (fy) ORDER BY fys.fy
"""


def cache_dir() -> Path:
    d = Path(os.environ.get("SECURITIZATION_BENCH_CACHE", Path.home() / ".cache" / "securitization-bench"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def stints_file(rows: int, seed: int) -> Path:
    """The synthetic stints file of about ``rows`` rows, written once (atomically) and reused."""
    from securitization.records.synthetic import write_stints

    path = cache_dir() / f"ddp-stints-{rows}-seed{seed}.parquet"
    if not path.exists():
        t = time.perf_counter()
        tmp = path.with_name(path.name + ".partial")
        write_stints(tmp.parent, n_rows=rows, start=START, end=END, rng=seed, name=tmp.name, chunk_stays=1_000_000)
        tmp.rename(path)
        print(f"  wrote {path} ({path.stat().st_size / 1e9:.2f} GB) in {time.perf_counter() - t:.0f} s", flush=True)
    return path


def cpu() -> float:
    """CPU seconds of this process, all threads (user + system): steadier than wall time on a shared machine."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


STATS = {
    "ice_detention_adp": "adp",
    "ice_detention_book_ins": "book_ins",
    "ice_detention_los_median": "los_median",
    "ice_detention_noncriminal_share": "share",
}


def child(what: str, path: Path, engine: str, repeat: int) -> dict[str, object]:
    """The best of ``repeat`` runs, in this (child) process: seconds, peak GB, numbers per FY."""
    best: dict[str, object] = {}
    for _ in range(repeat):
        out = one_run(what, path, engine)
        if not best or float(out["seconds"]) < float(best["seconds"]):  # type: ignore[arg-type]
            best = out
    return {**best, "peak_gb": peak_gb()}


def one_run(what: str, path: Path, engine: str) -> dict[str, object]:
    if what == "hand":
        import duckdb

        con = duckdb.connect()
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        redaction = "(" + ", ".join("'" + r.replace("'", "''") + "'" for r in REDACTION) + ")"
        sql = HAND_SQL.format(path=path, redaction=redaction, as_of_end="2025-10-01 00:00:00", fy0=2012, fy1=2025)
        t, c = time.perf_counter(), cpu()
        rows = con.execute(sql).fetchall()
        secs, cpus = time.perf_counter() - t, cpu() - c
        numbers = {f"FY{fy}": {"adp": a, "book_ins": b, "los_median": m, "share": s} for fy, a, b, m, s in rows}
    else:
        from securitization.records import measures_from_records

        options = {"memory_limit": MEMORY_LIMIT} if engine == "duckdb" else {}
        t, c = time.perf_counter(), cpu()
        res = measures_from_records(
            path,
            layout="ddp-detention-stints",
            engine=engine,  # type: ignore[arg-type]
            as_of=AS_OF,
            engine_options=options,
            check_duplicates=what != "records-quick",
        )
        secs, cpus = time.perf_counter() - t, cpu() - c
        numbers = {}
        for r in res.measures.itertuples():
            if r.measure in STATS:
                numbers.setdefault(r.period, {})[STATS[r.measure]] = r.value
        numbers = {"rows_read": res.rows_read, "rows_dropped": res.rows_dropped, **numbers}  # type: ignore[dict-item]
    return {"seconds": secs, "cpu": cpus, "numbers": numbers}


def run_child(what: str, path: Path, engine: str = "duckdb", repeat: int = 1) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", what, "--path", str(path), "--engine", engine, "--repeat", str(repeat)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def same_numbers(a: dict[str, dict[str, float]], b: dict[str, dict[str, float]]) -> bool:
    for fy, vals in b.items():
        if not fy.startswith("FY"):
            continue
        for k, v in vals.items():
            w = a.get(fy, {}).get(k)
            if v is None and w is None:
                continue
            if w is None or v is None or abs(w - v) > 1e-9 * max(1.0, abs(v)):
                print(f"    differ: {fy} {k}: records {w!r}, hand-written {v!r}")
                return False
    return True


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=20_000_000, help="stints of the main comparison (default 20 million)")
    p.add_argument("--seed", type=int, default=20110101)
    p.add_argument("--no-spark", action="store_true", help="skip the Spark local run")
    p.add_argument("--stream-100m", action="store_true", help="also stream 100 million rows (written once, cached)")
    p.add_argument("--child", choices=["records", "records-quick", "hand"], help=argparse.SUPPRESS)
    p.add_argument("--path", help=argparse.SUPPRESS)
    p.add_argument("--engine", default="duckdb", help=argparse.SUPPRESS)
    p.add_argument("--repeat", type=int, default=1, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(child(args.child, Path(args.path), args.engine, args.repeat)))
        return

    print(f"records benchmark: synthetic ddp-detention-stints, {START} to {END}, seed {args.seed}", flush=True)
    path = stints_file(args.rows, args.seed)
    # alternate the two, twice, each the best of two runs in its own process (the machine is shared)
    recs, hands, quick = [], [], []
    for _ in range(2):
        recs.append(run_child("records", path, repeat=2))
        hands.append(run_child("hand", path, repeat=2))
        quick.append(run_child("records-quick", path, repeat=2))
    q = min(quick, key=lambda r: float(r["seconds"]))  # type: ignore[arg-type]
    rec = min(recs, key=lambda r: float(r["seconds"]))  # type: ignore[arg-type]
    hand = min(hands, key=lambda r: float(r["seconds"]))  # type: ignore[arg-type]
    rec["peak_gb"] = max(float(r["peak_gb"]) for r in recs)  # type: ignore[arg-type]
    hand["peak_gb"] = max(float(r["peak_gb"]) for r in hands)  # type: ignore[arg-type]
    n = rec["numbers"]
    ok = same_numbers(n, hand["numbers"])  # type: ignore[arg-type]
    print(f"  {n['rows_read']:,} stints read, {n['rows_dropped']:,} dropped as bad records")  # type: ignore[index]
    print(
        f"  measures_from_records (DuckDB): {rec['seconds']:7.1f} s wall, {rec['cpu']:6.1f} s CPU, peak {rec['peak_gb']:.2f} GB"
    )
    print(
        f"  hand-written DuckDB SQL:        {hand['seconds']:7.1f} s wall, {hand['cpu']:6.1f} s CPU, peak {hand['peak_gb']:.2f} GB"
    )
    ratio = float(rec["seconds"]) / float(hand["seconds"])  # type: ignore[arg-type]
    cratio = float(rec["cpu"]) / float(hand["cpu"])  # type: ignore[arg-type]
    print(
        f"  ratio records / hand-written: {ratio:.2f}x wall, {cratio:.2f}x CPU (target <= 1.5x); "
        f"same numbers: {'yes' if ok else 'NO'}"
    )
    qratio = float(q["seconds"]) / float(hand["seconds"])  # type: ignore[arg-type]
    qcratio = float(q["cpu"]) / float(hand["cpu"])  # type: ignore[arg-type]
    print(
        f"  without counting duplicated stints (check_duplicates=False): {q['seconds']:.1f} s wall, "
        f"ratio {qratio:.2f}x wall, {qcratio:.2f}x CPU; "
        f"same numbers: {'yes' if same_numbers(q['numbers'], hand['numbers']) else 'NO'}"  # type: ignore[arg-type]
    )
    print(f"  peak memory within 4 GB: {'yes' if float(rec['peak_gb']) <= 4 else 'NO'}")  # type: ignore[arg-type]
    fy = sorted(k for k in n if k.startswith("FY"))[-2]  # type: ignore[union-attr]
    print(f"  e.g. {fy}: {json.dumps(n[fy])}")  # type: ignore[index]
    if not args.no_spark:
        spark = run_child("records", path, engine="spark")
        same = same_numbers(spark["numbers"], hand["numbers"])  # type: ignore[arg-type]
        print(
            f"  Spark local mode ({os.cpu_count()} cores): {spark['seconds']:7.1f} s "
            f"({float(spark['seconds']) / float(rec['seconds']):.1f}x DuckDB); same numbers: {'yes' if same else 'NO'}"  # type: ignore[arg-type]
        )
    if args.stream_100m:
        big = stints_file(100_000_000, args.seed)
        t = time.perf_counter()
        res = run_child("records", big)
        print(
            f"  100 million rows streamed from Parquet (DuckDB, memory_limit {MEMORY_LIMIT}): {res['seconds']:.1f} s wall, "
            f"{res['cpu']:.1f} s CPU, "
            f"peak {res['peak_gb']:.2f} GB, {res['numbers']['rows_read']:,} stints read; "  # type: ignore[index]
            f"wall {time.perf_counter() - t:.0f} s"
        )


if __name__ == "__main__":
    main()
