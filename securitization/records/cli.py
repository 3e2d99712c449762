"""``securitization records ...``: record files to measures on the command line.

``securitization records measures FILE... --layout NAME --country ISO3 --out measures.csv``
writes the measure rows (atomically, never over an input file) and prints the record
counts by reason; a file that lacks a column of the layout exits with status 1 and a
message naming the missing columns. ``securitization records layouts`` lists the bundled
layouts and ``securitization records layout NAME`` shows one.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from ..files import guard_inputs
from .core import measures_from_records
from .engines import ENGINES
from .layouts import bundled_layouts, load_layout

__all__ = ["add_parser", "register", "run"]


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``records`` command and its subcommands to a subparsers object."""
    p = sub.add_parser("records", help="turn enforcement record files into measures (with provenance)")
    rsub = p.add_subparsers(dest="records_command", required=True, metavar="SUBCOMMAND")
    m = rsub.add_parser("measures", help="compute measure rows from record files in a layout")
    m.add_argument("files", nargs="+", metavar="FILE", help="record files (Parquet, CSV, Feather, xlsx)")
    m.add_argument("--layout", required=True, help="a bundled layout name or a layout .toml file")
    m.add_argument("--country", default=None, help="ISO 3166 alpha-3 code of the rows (default: the layout's)")
    m.add_argument("--out", default=None, help="write the measures CSV here (atomically) instead of standard output")
    m.add_argument("--engine", choices=list(ENGINES), default="duckdb", help="default duckdb")
    m.add_argument("--by", nargs="+", default=[], metavar="BREAKDOWN", help="breakdowns to add (e.g. facility)")
    m.add_argument(
        "--as-of", default=None, help="stints: last day the records cover, YYYY-MM-DD (default: latest event)"
    )
    m.add_argument(
        "--fiscal-year-start",
        type=int,
        default=None,
        help="month the fiscal year starts (1-12), overriding the country's (periods are then written as dates)",
    )
    m.add_argument("--memory-limit", default=None, help="DuckDB memory limit, e.g. 3GB")
    m.add_argument(
        "--no-duplicate-check",
        dest="check_duplicates",
        action="store_false",
        help="stints: do not count duplicated stints (they never change a measure; saves a little time)",
    )
    rsub.add_parser("layouts", help="list the bundled layouts")
    show = rsub.add_parser("layout", help="show a layout: its columns and measures")
    show.add_argument("name", help="a bundled layout name or a layout .toml file")
    return p


def run(args: argparse.Namespace) -> int:
    """Run a ``records`` subcommand; return the exit status (errors propagate to the caller)."""
    if args.records_command == "layouts":
        for name in bundled_layouts():
            lay = load_layout(name)
            print(f"{name:24s} v{lay.version}  {lay.kind:11s} {lay.title}")
        return 0
    if args.records_command == "layout":
        print(load_layout(args.name))
        return 0
    options = {"memory_limit": args.memory_limit} if args.memory_limit and args.engine == "duckdb" else {}
    if args.out:  # refuse before the work, not after
        guard_inputs(args.out, args.files)
    res = measures_from_records(
        args.files,
        layout=args.layout,
        country=args.country,
        engine=args.engine,
        by=args.by,
        as_of=args.as_of,
        fiscal_year_start_month=args.fiscal_year_start,
        engine_options=options,
        check_duplicates=args.check_duplicates,
    )
    print(res, file=sys.stderr)
    if args.out:
        res.write(args.out)
        print(f"wrote {len(res.measures)} measure rows to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(res.measures.to_csv(index=False, float_format="%.10g", lineterminator="\n"))
    return 0


def register(sub: argparse._SubParsersAction, commands: dict[str, Callable[[argparse.Namespace], int]]) -> None:
    """Add the ``records`` command to the main parser and its handler to ``commands``."""
    add_parser(sub)
    commands["records"] = run
