"""``securitization corpus ...``: the command line of the corpus subpackage (thin).

``securitization corpus measures DIR --language en --out measures.csv`` scores a corpus and
writes the I-3 measures and, beside them, the sentence trail (both atomically, never over
an input). Problems (documents not scored, with file and reason) are printed to standard
error; with ``--strict`` any problem makes the command fail.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import pandas as pd

from .measures import DEFAULT_SEED, measure_corpus, trail_path_for
from .readers import LAYOUTS, PRESIDENT_SPEAKERS

__all__ = ["register", "run"]


def register(sub: Any, commands: dict[str, Callable[[argparse.Namespace], int]]) -> None:
    """Add the ``corpus`` command to the main parser's subparsers and its runner to ``commands``."""
    sp = sub.add_parser("corpus", help="speech and press corpora: I-3 measures with a trail to every sentence")
    csub = sp.add_subparsers(dest="corpus_command", required=True, metavar="SUBCOMMAND")
    m = csub.add_parser("measures", help="score a corpus into I-3 measures per case and year, with the sentence trail")
    m.add_argument("corpus", metavar="DIR", help="the corpus: a folder (or a .jsonl/.csv file)")
    m.add_argument("--language", required=True, choices=["en", "es"], help="the corpus's language")
    m.add_argument("--out", required=True, help="the measures CSV to write (the trail is written beside it)")
    m.add_argument("--cases", nargs="+", default=None, help="case tables or folders (default: the bundled cases)")
    m.add_argument("--layout", choices=list(LAYOUTS), default="auto", help="corpus layout (default: auto)")
    m.add_argument("--lexicon", default=None, help="an edited lexicon .toml file (default: the bundled one)")
    m.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed of the intervals (default {DEFAULT_SEED})"
    )
    m.add_argument("--n-boot", type=int, default=1000, help="document resamples for the intervals (default 1000)")
    m.add_argument("--ci-prob", type=float, default=0.9, help="interval probability (default 0.9)")
    m.add_argument("--country", default="", help="ISO alpha-3 country of documents without case or country")
    m.add_argument(
        "--speakers", default=None, help="mananeras layout: regex of the speakers to score (default: the president)"
    )
    m.add_argument("--all-speakers", action="store_true", help="mananeras layout: score every speaker")
    m.add_argument("--encoding", default="utf-8", help="text encoding of the files (default utf-8)")
    m.add_argument("--prefix", default="speech", help="measure names start with this (default speech)")
    m.add_argument(
        "--no-logit", action="store_true", help="leave out the logit measure rows (unit logit; negative values)"
    )
    m.add_argument("--workers", type=int, default=None, help="worker processes (default: every core)")
    m.add_argument("--strict", action="store_true", help="fail if any document cannot be scored or placed")
    commands["corpus"] = run


def run(args: argparse.Namespace) -> int:
    """Run ``securitization corpus SUBCOMMAND``."""
    speakers = None if args.all_speakers else (args.speakers or PRESIDENT_SPEAKERS)
    result = measure_corpus(
        args.corpus,
        language=args.language,
        cases=args.cases,
        layout=args.layout,
        lexicon=args.lexicon,
        country=args.country,
        speakers=speakers,
        encoding=args.encoding,
        prefix=args.prefix,
        include_logit=not args.no_logit,
        n_boot=args.n_boot,
        ci_prob=args.ci_prob,
        rng=args.seed,
        workers=args.workers,
        out=args.out,
        strict=args.strict,
    )
    if len(result.problems):
        print(f"{len(result.problems)} documents or files not scored:", file=sys.stderr)
        for p in result.problems.head(50).itertuples(index=False):
            where = p.file + (f", row {p.row}" if p.row is not None and not pd.isna(p.row) else "")
            print(f"  - {where}{f' ({p.document})' if p.document else ''}: {p.reason}", file=sys.stderr)
        if len(result.problems) > 50:
            print(f"  ... and {len(result.problems) - 50} more (see the provenance of the measures)", file=sys.stderr)
    print(result)
    print(f"wrote {args.out} and {trail_path_for(args.out)}", file=sys.stderr)
    return 0
