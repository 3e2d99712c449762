"""The command line: a thin layer over the library.

Run ``securitization --help`` (or ``python -m securitization --help``). Every command that
reads tables takes files and folders (default: the bundled cases), validates them, and
exits with status 1 on invalid input, printing every problem with file, row and column.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from ._io import atomic_write_text, guard_inputs
from .codebook import Codebook, load_codebook
from .errors import MissingDependencyError, SecuritizationError, ValidationError
from .tables import Dataset, load

if TYPE_CHECKING:
    from .reliability import Reliability
    from .results import Scores
    from .sensitivity import Sensitivity

__all__ = ["main"]

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def _command(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    COMMANDS[fn.__name__.removeprefix("cmd_").replace("_", "-")] = fn
    return fn


def _codebook(args: argparse.Namespace) -> Codebook:
    return load_codebook(args.codebook)


def _dataset(args: argparse.Namespace) -> Dataset:
    paths = args.paths or None
    return load(paths, codebook=_codebook(args), include_bundled=bool(getattr(args, "compare_bundled", False)))


def _emit(text: str, out: str | None, inputs: Sequence[str] = ()) -> None:
    if out:
        guard_inputs(out, inputs)
        atomic_write_text(out, text)
        print(f"wrote {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)


@_command
def cmd_score(args: argparse.Namespace) -> int:
    from .scoring import score

    ds = _dataset(args)
    scores = score(ds, by=args.by)
    if args.n_boot:
        from .uncertainty import bootstrap

        scores = bootstrap(scores, n_boot=args.n_boot, ci_prob=args.ci_prob, rng=args.seed)
    _emit(scores.render(args.format, level=args.level), args.out, [f.path for f in ds.files])
    return 0


@_command
def cmd_reliability(args: argparse.Namespace) -> int:
    """Inter-coder reliability (Krippendorff's alpha) per indicator, with the gate."""
    from .reliability import reliability

    ds = _dataset(args)
    rel = reliability(
        ds, level=args.level, min_alpha=args.min_alpha, n_boot=args.n_boot, ci_prob=args.ci_prob, rng=args.seed
    )
    text = (
        rel.table.to_csv(index=False, float_format="%.6g", lineterminator="\n") if args.format == "csv" else f"{rel}\n"
    )
    _emit(text, args.out, [f.path for f in ds.files])
    return 0


@_command
def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Rank uncertainty and Sobol indices over weights, item rules, aggregation, left-out indicators."""
    from .scoring import score
    from .sensitivity import sensitivity

    ds = _dataset(args)
    sa = sensitivity(
        score(ds, by=args.by),
        n=args.n,
        rng=args.seed,
        weight_noise=args.weight_noise,
        item_rules=args.item_rules,
        aggregations=args.aggregations,
        leave_out=not args.no_leave_out,
        ci_prob=args.ci_prob,
    )
    inputs = [f.path for f in ds.files]
    if args.format == "csv":
        _emit(sa.cases.to_csv(index=False, float_format="%.6g", lineterminator="\n"), args.out, inputs)
    else:
        _emit(f"{sa}\n", args.out, inputs)
    if args.runs:
        guard_inputs(args.runs, inputs)
        atomic_write_text(args.runs, sa.runs.to_csv(index=False, float_format="%.10g", lineterminator="\n"))
        print(f"wrote {args.runs}", file=sys.stderr)
    return 0


@_command
def cmd_explain(args: argparse.Namespace) -> int:
    from .scoring import score

    ds = _dataset(args)
    scores = score(ds, by="year" if args.year is not None else "case")
    if args.n_boot > 0:
        from .uncertainty import bootstrap

        scores = bootstrap(scores, n_boot=args.n_boot, ci_prob=args.ci_prob, rng=args.seed)
    print(scores.explain(args.case, args.indicator, year=args.year))
    return 0


@_command
def cmd_validate(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    print(f"OK: {ds}")
    for f in ds.files:
        print(f"  {f.kind:9s} {f.rows:6d} rows  {f.path}")
    return 0


def _analyse(ds: Dataset, args: argparse.Namespace) -> tuple[Scores, Scores, Reliability | None, Sensitivity | None]:
    """Scores, the same with bootstrap intervals, reliability and sensitivity, all seeded."""
    from .scoring import score

    plain = score(ds)
    scores, rel, sens = plain, None, None
    if args.n_boot > 0:
        from .reliability import reliability
        from .uncertainty import bootstrap

        scores = bootstrap(plain, n_boot=args.n_boot, ci_prob=args.ci_prob, rng=args.seed)
        rel = reliability(ds, n_boot=args.n_boot, ci_prob=args.ci_prob, rng=args.seed)
    if args.sensitivity_n > 0:
        from .sensitivity import sensitivity

        sens = sensitivity(plain, n=args.sensitivity_n, rng=args.seed, ci_prob=args.ci_prob)
    return plain, scores, rel, sens


@_command
def cmd_run(args: argparse.Namespace) -> int:
    """Score the cases and write every comparison output to a folder.

    Tables (CSV, Markdown, LaTeX, JSON with the manifest) with bootstrap intervals, the
    reliability and sensitivity tables, every chart with its index page, and a report per
    case under ``reports/``.
    """
    from .charts import write_charts
    from .report import write_report

    ds = _dataset(args)
    out = Path(args.out)
    _, scores, rel, sens = _analyse(ds, args)
    inputs = [f.path for f in ds.files]
    tables = [
        ("scores.csv", scores.to_csv(level="wide")),
        ("scores-indicators.csv", scores.to_csv(level="indicator")),
        ("scores-dimensions.csv", scores.to_csv(level="dimension")),
        ("scores-overall.csv", scores.to_csv(level="overall")),
        ("scores.md", scores.to_markdown(level="wide")),
        ("scores.tex", scores.to_latex(level="wide")),
        ("scores.json", scores.to_json()),
    ]
    if rel is not None:
        tables.append(("reliability.csv", rel.table.to_csv(index=False, float_format="%.6g", lineterminator="\n")))
    if sens is not None:
        tables.append(("sensitivity.csv", sens.cases.to_csv(index=False, float_format="%.6g", lineterminator="\n")))
        tables.append(
            ("sensitivity-runs.csv", sens.runs.to_csv(index=False, float_format="%.10g", lineterminator="\n"))
        )
    written = []
    for name, text in tables:
        guard_inputs(out / name, inputs)
        written.append(atomic_write_text(out / name, text))
    charts = write_charts(scores, out, reliability=rel, sensitivity=sens, inputs=inputs)
    written += [p for c in charts for p in c.files] + [out / "index.md"]
    if args.reports:
        for case in scores.overall["case"]:
            written += list(write_report(scores, str(case), out / "reports").files)
    print(scores)
    print(f"{len(written)} files written to {out} (charts listed in {out / 'index.md'})")
    return 0


@_command
def cmd_charts(args: argparse.Namespace) -> int:
    """Draw every comparison chart as PNG and SVG into a folder, with an index page."""
    from .charts import write_charts

    ds = _dataset(args)
    _, scores, rel, sens = _analyse(ds, args)
    charts = write_charts(
        scores,
        args.out,
        formats=args.format,
        reliability=rel,
        sensitivity=sens,
        dpi=args.dpi,
        inputs=[f.path for f in ds.files],
    )
    for c in charts:
        for p in c.files:
            print(f"wrote {p}", file=sys.stderr)
    print(Path(args.out) / "index.md")
    return 0


@_command
def cmd_report(args: argparse.Namespace) -> int:
    """Write the Markdown and HTML report of one case."""
    from .report import write_report
    from .scoring import score

    ds = _dataset(args)
    scores = score(ds)
    if args.n_boot > 0:
        from .uncertainty import bootstrap

        scores = bootstrap(scores, n_boot=args.n_boot, ci_prob=args.ci_prob, rng=args.seed)
    print(write_report(scores, args.case, args.out))
    return 0


@_command
def cmd_new_case(args: argparse.Namespace) -> int:
    """Write a ready-to-fill case folder."""
    from .template import new_case

    made = new_case(
        country=args.country,
        label=args.label,
        leader=args.leader,
        start=args.start,
        end=args.end or "",
        out=args.out,
        case=args.case,
        population=args.population,
        codebook=_codebook(args),
    )
    print(made)
    return 0


@_command
def cmd_codebook(args: argparse.Namespace) -> int:
    _emit(_codebook(args).to_markdown(), args.out)
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="securitization",
        description="Score how intensely governments securitize migration (Bourbeau 2011) from coded evidence.",
    )
    p.add_argument("--version", action="version", version=f"securitization {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(sp: argparse.ArgumentParser, paths: bool = True) -> None:
        if paths:
            sp.add_argument(
                "paths", nargs="*", metavar="PATH", help="table files or folders (default: the bundled cases)"
            )
        sp.add_argument(
            "--codebook", default=None, help="a codebook .toml file or a bundled name (default bourbeau-2011)"
        )

    sp = sub.add_parser("score", help="score cases and print or write the table")
    common(sp)
    sp.add_argument(
        "--by", choices=["case", "year"], default="case", help="one score per case, or per year within each case"
    )
    sp.add_argument("--format", choices=["table", "csv", "md", "latex", "json"], default="table")
    sp.add_argument(
        "--level",
        choices=["indicator", "dimension", "overall", "wide"],
        default=None,
        help="which table to export (csv/md/latex; default wide)",
    )
    sp.add_argument("--out", default=None, help="write to this file (atomically) instead of standard output")
    sp.add_argument("--compare-bundled", action="store_true", help="score the given tables next to the bundled cases")
    sp.add_argument(
        "--n-boot", type=int, default=0, help="add bootstrap intervals from this many replicates (default 0: none)"
    )
    sp.add_argument("--ci-prob", type=float, default=0.9, help="probability of the intervals (default 0.9)")
    sp.add_argument("--seed", type=int, default=None, help="random seed (same seed, same intervals)")

    sp = sub.add_parser("reliability", help="inter-coder reliability (Krippendorff's alpha) per indicator")
    common(sp)
    sp.add_argument("--level", choices=["nominal", "ordinal", "interval", "ratio"], default="ordinal")
    sp.add_argument("--min-alpha", type=float, default=None, help="the gate (default: the codebook's min_alpha)")
    sp.add_argument("--n-boot", type=int, default=1000, help="bootstrap replicates of the interval (default 1000)")
    sp.add_argument("--ci-prob", type=float, default=0.9, help="probability of the interval (default 0.9)")
    sp.add_argument("--seed", type=int, default=None, help="random seed")
    sp.add_argument("--format", choices=["table", "csv"], default="table")
    sp.add_argument("--out", default=None, help="write to this file (atomically) instead of standard output")

    sp = sub.add_parser("sensitivity", help="rank uncertainty and Sobol indices over the method's choices")
    common(sp)
    sp.add_argument("--n", type=int, default=256, help="base sample size: n x (factors + 2) runs (default 256)")
    sp.add_argument("--seed", type=int, default=None, help="random seed")
    sp.add_argument("--by", choices=["case", "year"], default="case")
    sp.add_argument("--weight-noise", type=float, default=0.25, help="relative noise on weights (default 0.25)")
    sp.add_argument(
        "--item-rules",
        nargs="+",
        default=["weighted_mean", "median"],
        choices=["nominal", "weighted_mean", "median", "max", "top_k_mean"],
    )
    sp.add_argument(
        "--aggregations", nargs="+", default=["arithmetic", "geometric"], choices=["arithmetic", "geometric"]
    )
    sp.add_argument("--no-leave-out", action="store_true", help="do not leave indicators out")
    sp.add_argument("--ci-prob", type=float, default=0.9, help="probability of the rank intervals (default 0.9)")
    sp.add_argument("--format", choices=["table", "csv"], default="table")
    sp.add_argument("--out", default=None, help="write to this file (atomically) instead of standard output")
    sp.add_argument("--runs", default=None, help="also write every run's parameters to this CSV file")

    sp = sub.add_parser("explain", help="show the evidence trail behind one indicator score")
    sp.add_argument("case")
    sp.add_argument("indicator")
    common(sp)
    sp.add_argument("--year", type=int, default=None, help="explain one calendar year of the case")
    sp.add_argument("--n-boot", type=int, default=0, help="add a bootstrap interval with this many replicates")
    sp.add_argument("--ci-prob", type=float, default=0.9, help="interval probability (default 0.9)")
    sp.add_argument("--seed", type=int, default=20110101, help="random seed of the bootstrap")

    sp = sub.add_parser("validate", help="check tables and list every problem (exit 1 if any)")
    common(sp)

    def analysis_options(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--n-boot",
            type=int,
            default=1000,
            help="bootstrap replicates of the score and reliability intervals (default 1000; 0: no intervals)",
        )
        sp.add_argument(
            "--sensitivity-n",
            type=int,
            default=256,
            help="base sample of the sensitivity analysis for the rank intervals (default 256; 0: none)",
        )
        sp.add_argument("--ci-prob", type=float, default=0.9, help="probability of the intervals (default 0.9)")
        sp.add_argument("--seed", type=int, default=20110101, help="random seed: same inputs and seed, same files")

    sp = sub.add_parser("run", help="score the cases and write tables, charts and reports to a folder (the main job)")
    common(sp)
    sp.add_argument("--out", default="out", help="output folder (default out/)")
    sp.add_argument("--compare-bundled", action="store_true", help="score the given tables next to the bundled cases")
    sp.add_argument("--no-reports", dest="reports", action="store_false", help="skip the per-case reports")
    analysis_options(sp)

    sp = sub.add_parser("charts", help="draw every comparison chart (PNG, SVG) with an index page to a folder")
    common(sp)
    sp.add_argument("--out", default="charts", help="output folder (default charts/)")
    sp.add_argument("--compare-bundled", action="store_true", help="draw the given tables next to the bundled cases")
    sp.add_argument(
        "--format", nargs="+", choices=["png", "svg", "pdf"], default=["png", "svg"], help="default: png svg"
    )
    analysis_options(sp)
    sp.add_argument("--dpi", type=float, default=150, help="resolution of the PNG files (default 150)")

    sp = sub.add_parser("report", help="write a Markdown and HTML report of one case with its evidence trail")
    sp.add_argument("case")
    common(sp)
    sp.add_argument("--out", required=True, help="the folder to write")
    sp.add_argument("--compare-bundled", action="store_true", help="read the bundled cases too")
    sp.add_argument("--n-boot", type=int, default=1000, help="bootstrap replicates for the intervals (0: none)")
    sp.add_argument("--ci-prob", type=float, default=0.9, help="interval probability")
    sp.add_argument("--seed", type=int, default=20110101, help="random seed of the bootstrap")

    sp = sub.add_parser("new-case", help="write a ready-to-fill case folder (tables, spreadsheet, coding guide)")
    sp.add_argument("--country", required=True, help="ISO 3166 alpha-3 code, e.g. CAN")
    sp.add_argument("--label", required=True, help="readable label for tables and charts")
    sp.add_argument("--leader", required=True, help="head of government")
    sp.add_argument("--start", required=True, help="first day of the term, YYYY-MM-DD")
    sp.add_argument("--end", default="", help="last day of the term, YYYY-MM-DD (omit for an ongoing term)")
    sp.add_argument("--case", default=None, help="case id (default <country>-<last name>-<year>)")
    sp.add_argument("--population", type=float, default=None, help="resident population (for per-capita measures)")
    sp.add_argument("--out", required=True, help="the folder to write")
    common(sp, paths=False)

    sp = sub.add_parser("codebook", help="print the codebook for coders (Markdown)")
    common(sp, paths=False)
    sp.add_argument("--out", default=None)

    from .records.cli import register as register_records

    register_records(sub, COMMANDS)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ValidationError as exc:
        print(exc, file=sys.stderr)
        return 1
    except MissingDependencyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except SecuritizationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
