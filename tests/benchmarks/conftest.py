"""The benchmarks are scripts (``make bench``), not tests: keep pytest from collecting them."""

collect_ignore_glob = ["bench_*.py"]
