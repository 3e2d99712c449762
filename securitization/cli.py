"""The command line: a thin layer over the library.

Run ``securitization --help`` (or ``python -m securitization --help``). Every command that
reads tables takes files and folders (default: the bundled cases), validates them, and
exits with status 1 on invalid input, printing every problem with file, row and column.
Long commands draw progress bars on standard error when it is a terminal (see
:mod:`securitization.progress`); ``--quiet``, before or after the command's name, silences
them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ._version import __version__
from .codebook import Codebook, load_codebook
from .corpus.cli import register as register_corpus
from .errors import MissingDependencyError, SecuritizationError, ValidationError
from .export import frame_to_csv
from .files import atomic_write_text, guard_inputs
from .outputs import analyse, new_case, write_calibration, write_charts, write_outputs, write_report
from .progress import quiet
from .records.cli import register as register_records
from .rules import RULES, rule_names
from .scoring import Scores, score
from .tables import Dataset, load
from .text import terminal_safe
from .uncertainty import DEFAULT_SEED, intervals, joint, reliability, sensitivity
from .uncertainty.method import NOMINAL

__all__ = ["main"]

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}
#: Notes printed by a command (all of them are in Dataset.notes).
MAX_NOTES = 30


def _command(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    COMMANDS[fn.__name__.removeprefix("cmd_").replace("_", "-")] = fn
    return fn


def _codebook(args: argparse.Namespace) -> Codebook:
    return load_codebook(args.codebook)


def _dataset(args: argparse.Namespace, *, notes: bool = True) -> Dataset:
    """The tables named on the command line (the bundled cases by default), validated.

    Without ``--codebook``, a case folder's own ``codebook*.toml`` is used (else the
    default). The notes of the validation (how an input was read) go to standard error.
    """
    paths = args.paths or None
    ds = load(paths, codebook=args.codebook, include_bundled=bool(getattr(args, "compare_bundled", False)))
    if notes and ds.notes:
        _err(f"{len(ds.notes)} note{'s' if len(ds.notes) != 1 else ''} on how the tables were read:")
        for n in ds.notes[:MAX_NOTES]:
            _err(f"  - {n}")
        if len(ds.notes) > MAX_NOTES:
            _err(f"  ... and {len(ds.notes) - MAX_NOTES} more (Dataset.notes in Python)")
    return ds


def _out(*parts: object, end: str = "\n") -> None:
    """Print to standard output, with any control character shown as a visible escape."""
    sys.stdout.write(terminal_safe(" ".join(map(str, parts))) + end)


def _err(*parts: object) -> None:
    """Print a line to standard error, with any control character shown as a visible escape."""
    sys.stderr.write(terminal_safe(" ".join(map(str, parts))) + "\n")


def _inputs(ds: Dataset | None, args: argparse.Namespace) -> list[str]:
    """The files of this run that no output may replace: the tables read and the codebook."""
    files = [f.path for f in ds.files] if ds is not None else []
    cb = getattr(args, "codebook", None)
    if cb and str(cb).endswith(".toml"):
        files.append(str(cb))
    if ds is not None and ds.codebook.source:
        files.append(ds.codebook.source)
    return files


def _emit(text: str, out: str | None, inputs: Sequence[str] = ()) -> None:
    if out:
        guard_inputs(out, inputs)
        atomic_write_text(out, text)
        _err(f"wrote {out}")
    else:
        _out(text, end="")


def _intervals(scores: Scores, args: argparse.Namespace) -> Scores:
    """The intervals the command line asks for (``--draws``, ``--interval``), with the seed printed."""
    draws = args.n_boot if getattr(args, "n_boot", None) else args.draws
    method = "bootstrap" if getattr(args, "n_boot", None) else args.interval
    if not draws:
        return scores
    _err(f"intervals: {method}, {draws} draws, seed {args.seed} ({round(args.ci_prob * 100)}%)")
    out = intervals(scores, method=method, n=draws, ci_prob=args.ci_prob, rng=args.seed)
    if getattr(args, "joint", False):
        _err(f"joint intervals (evidence and method): {draws} draws, seed {args.seed}")
        out = joint(out, n=draws, ci_prob=args.ci_prob, rng=args.seed)
    return out


@_command
def cmd_score(args: argparse.Namespace) -> int:

    ds = _dataset(args)
    scores = _intervals(score(ds, by=args.by), args)
    _emit(scores.render(args.format, level=args.level), args.out, _inputs(ds, args))
    return 0


@_command
def cmd_reliability(args: argparse.Namespace) -> int:
    """Inter-coder reliability (Krippendorff's alpha) per indicator, with the gate."""

    ds = _dataset(args)
    _err(f"reliability: {args.n_boot} bootstrap replicates, seed {args.seed}")
    rel = reliability(
        ds, level=args.level, min_alpha=args.min_alpha, n_boot=args.n_boot, ci_prob=args.ci_prob, rng=args.seed
    )
    text = frame_to_csv(rel.table, "%.6g") if args.format == "csv" else f"{rel}\n"
    _emit(text, args.out, _inputs(ds, args))
    return 0


@_command
def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Rank uncertainty and Sobol indices over weights, item rules, aggregation, left-out indicators."""

    ds = _dataset(args)
    _err(f"sensitivity: base sample {args.n}, seed {args.seed}")
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
    inputs = _inputs(ds, args)
    if args.format == "csv":
        _emit(frame_to_csv(sa.cases, "%.6g"), args.out, inputs)
    else:
        _emit(f"{sa}\n", args.out, inputs)
    if args.runs:
        guard_inputs(args.runs, inputs)
        atomic_write_text(args.runs, frame_to_csv(sa.runs, "%.10g"))
        _err(f"wrote {args.runs}")
    return 0


@_command
def cmd_explain(args: argparse.Namespace) -> int:

    ds = _dataset(args)
    scores = _intervals(score(ds, by="year" if args.year is not None else "case"), args)
    _out(scores.explain(args.case, args.indicator, year=args.year))
    return 0


@_command
def cmd_validate(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    _out(f"OK: {ds}")
    for f in ds.files:
        size = f"{f.rows:6d} rows" if f.kind != "codebook" else " " * 11
        _out(f"  {f.kind:9s} {size}  {f.path}")
    return 0


@_command
def cmd_run(args: argparse.Namespace) -> int:
    """Score the cases and write every comparison output to a folder (see :func:`~securitization.outputs.write_outputs`)."""
    done = write_outputs(
        _dataset(args),
        args.out,
        n_draws=args.draws,
        sensitivity_n=args.sensitivity_n,
        ci_prob=args.ci_prob,
        seed=args.seed,
        reports=args.reports,
    )
    _out(done.analysis.scores)
    _out(done)
    return 0


@_command
def cmd_charts(args: argparse.Namespace) -> int:
    """Draw every comparison chart as PNG and SVG into a folder, with an index page."""

    ds = _dataset(args)
    an = analyse(ds, n_draws=args.draws, sensitivity_n=args.sensitivity_n, ci_prob=args.ci_prob, seed=args.seed)
    charts = write_charts(
        an.scores,
        args.out,
        formats=args.format,
        reliability=an.reliability,
        sensitivity=an.sensitivity,
        dpi=args.dpi,
        inputs=_inputs(ds, args),
    )
    for c in charts:
        for p in c.files:
            _err(f"wrote {p}")
    _out(Path(args.out) / "index.md")
    _out(Path(args.out) / "index.html")
    return 0


@_command
def cmd_report(args: argparse.Namespace) -> int:
    """Write the Markdown and HTML report of one case."""

    ds = _dataset(args)
    scores = _intervals(score(ds), args)
    _out(write_report(scores, args.case, args.out, protect=_inputs(ds, args)))
    return 0


@_command
def cmd_new_case(args: argparse.Namespace) -> int:
    """Write a ready-to-fill case folder."""

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
    _out(made)
    return 0


@_command
def cmd_calibration(args: argparse.Namespace) -> int:
    """Run the calibration study of the intervals and write its table and charts."""
    _err(f"calibration study: {args.n_cases} simulated cases per setting, {args.draws} draws, seed {args.seed}")
    for p in write_calibration(args.out, n_cases=args.n_cases, n_draws=args.draws, seed=args.seed):
        _err(f"wrote {p}")
    return 0


@_command
def cmd_rules(args: argparse.Namespace) -> int:
    """List the registered rules of every kind (the names a codebook may use)."""
    for kind, rules in RULES.items():
        _out(f"{kind}:")
        for name, rule in rules.items():
            _out(f"  {name:<14} {rule.summary}")
    return 0


@_command
def cmd_codebook(args: argparse.Namespace) -> int:
    _emit(_codebook(args).to_markdown(), args.out, _inputs(None, args))
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="securitization",
        description="Score how intensely governments securitize migration (Bourbeau 2011) from coded evidence.",
    )
    p.add_argument("--version", action="version", version=f"securitization {__version__}")
    p.add_argument(
        "--quiet",
        action="store_true",
        help="show no progress bars (they appear only when standard error is a terminal)",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def interval_options(sp: argparse.ArgumentParser, draws: int, joint_flag: bool = False) -> None:
        sp.add_argument(
            "--draws", type=int, default=draws, help=f"draws of the intervals (default {draws}; 0: no intervals)"
        )
        sp.add_argument(
            "--interval",
            choices=["posterior", "bootstrap"],
            default="posterior",
            help="posterior (default: as wide as the evidence is thin) or the percentile bootstrap",
        )
        sp.add_argument("--n-boot", type=int, default=0, help="the same as --interval bootstrap --draws N")
        sp.add_argument("--ci-prob", type=float, default=0.9, help="probability of the intervals (default 0.9)")
        sp.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED}; printed, recorded)"
        )
        if joint_flag:
            sp.add_argument(
                "--joint", action="store_true", help="add intervals over the evidence and the method drawn together"
            )

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
        choices=["indicator", "dimension", "overall", "wide", "compact"],
        default=None,
        help="which table to export (csv/md/latex; default wide; compact: dimensions and overall with intervals, "
        "fits a page)",
    )
    sp.add_argument("--out", default=None, help="write to this file (atomically) instead of standard output")
    sp.add_argument("--compare-bundled", action="store_true", help="score the given tables next to the bundled cases")
    interval_options(sp, 1000, joint_flag=True)

    sp = sub.add_parser("reliability", help="inter-coder reliability (Krippendorff's alpha) per indicator")
    common(sp)
    sp.add_argument("--level", choices=["nominal", "ordinal", "interval", "ratio"], default="ordinal")
    sp.add_argument("--min-alpha", type=float, default=None, help="the gate (default: the codebook's min_alpha)")
    sp.add_argument("--n-boot", type=int, default=1000, help="bootstrap replicates of the interval (default 1000)")
    sp.add_argument("--ci-prob", type=float, default=0.9, help="probability of the interval (default 0.9)")
    sp.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    sp.add_argument("--format", choices=["table", "csv"], default="table")
    sp.add_argument("--out", default=None, help="write to this file (atomically) instead of standard output")

    sp = sub.add_parser("sensitivity", help="rank uncertainty and Sobol indices over the method's choices")
    common(sp)
    sp.add_argument("--n", type=int, default=256, help="base sample size: n x (factors + 2) runs (default 256)")
    sp.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    sp.add_argument("--by", choices=["case", "year"], default="case")
    sp.add_argument("--weight-noise", type=float, default=0.25, help="relative noise on weights (default 0.25)")
    sp.add_argument(
        "--item-rules",
        nargs="+",
        default=["weighted_mean", "median"],
        choices=[NOMINAL, *rule_names("items")],
        help=f"item rules to vary over ({NOMINAL!r}: the codebook's own)",
    )
    sp.add_argument(
        "--aggregations",
        nargs="+",
        default=["arithmetic", "geometric"],
        choices=[NOMINAL, *rule_names("aggregation")],
        help=f"aggregation rules to vary over ({NOMINAL!r}: the codebook's own)",
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
    interval_options(sp, 1000)

    sp = sub.add_parser("validate", help="check tables and list every problem (exit 1 if any)")
    common(sp)

    def analysis_options(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--draws",
            type=int,
            default=1000,
            help="draws of the score intervals (posterior and joint) and bootstrap replicates of the reliability "
            "(default 1000; 0: no intervals)",
        )
        sp.add_argument(
            "--sensitivity-n",
            type=int,
            default=256,
            help="base sample of the sensitivity analysis for the rank intervals (default 256; 0: none)",
        )
        sp.add_argument("--ci-prob", type=float, default=0.9, help="probability of the intervals (default 0.9)")
        sp.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"random seed (default {DEFAULT_SEED}): same inputs, same files",
        )

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
    sp.add_argument(
        "--compare-bundled",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="rank the case among the bundled cases (the default; --no-compare-bundled reports it alone, "
        "e.g. when the folder repeats a bundled country's measures)",
    )
    interval_options(sp, 1000)

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

    sub.add_parser("rules", help="list the rules a codebook may name (coders, items, measures, aggregation)")
    register_corpus(sub, COMMANDS)

    sp = sub.add_parser("calibration", help="simulate cases and show how often the intervals cover the truth")
    sp.add_argument("--out", default="calibration", help="output folder (default calibration/)")
    sp.add_argument("--n-cases", type=int, default=400, help="simulated cases per setting (default 400)")
    sp.add_argument("--draws", type=int, default=1000, help="draws of every interval (default 1000)")
    sp.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")

    sp = sub.add_parser("codebook", help="print the codebook for coders (Markdown)")
    common(sp, paths=False)
    sp.add_argument("--out", default=None)
    register_records(sub, COMMANDS)
    for command in sub.choices.values():  # --quiet before or after the command's name
        command.add_argument(
            "--quiet",
            action="store_true",
            default=argparse.SUPPRESS,
            help="show no progress bars (they appear only when standard error is a terminal)",
        )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    0 success; 1 invalid input (every problem listed); 2 a wrong parameter or file; 3 a
    missing optional dependency; 70 an internal error (a bug: one line, no traceback);
    130 interrupted. ``argparse`` exits with 2 on a malformed command line.
    """
    args = _parser().parse_args(argv)
    try:
        with quiet(args.quiet):
            return COMMANDS[args.command](args)
    except ValidationError as exc:
        _err(exc)
        return 1
    except MissingDependencyError as exc:
        _err(f"error: {exc}")
        return 3
    except SecuritizationError as exc:
        _err(f"error: {exc}")
        return 2
    except (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError) as exc:
        _err(f"error: {exc}")
        return 2
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except Exception as exc:  # the last resort: one line, never a traceback
        _err(
            f"internal error: {type(exc).__name__}: {exc}. This is a bug in securitization {__version__}; "
            "please report it with the command you ran."
        )
        return 70


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
