"""The main job: score, analyse and write every output to a folder.

:func:`analyse` computes what the outputs show (the scores with their posterior intervals
over the evidence and the joint intervals over the evidence and the method, the coders'
reliability and the sensitivity to the method, all with one seed);
:func:`write_outputs` writes them: the tables (CSV, Markdown, JSON with the manifest,
and LaTeX for a paper: ``scores-compact.tex`` fits a page, ``scores.tex`` is every column
on a page turned sideways), the reliability and sensitivity tables, every chart with its index page and a
report per case. ``securitization run`` is this function on the command line; a notebook
calls it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ParameterError
from ..export import frame_to_csv
from ..files import OutputFolder, atomic_write_text
from ..progress import Stages, progress, stages
from ..scoring import Scores, score
from ..tables import Dataset
from ..uncertainty import DEFAULT_SEED, Reliability, Sensitivity, intervals, joint, reliability, sensitivity
from .gallery import Chart, write_charts
from .render import ImageFormat
from .report import write_report

__all__ = ["DEFAULT_SEED", "Analysis", "Outputs", "analyse", "write_outputs"]


@dataclass(frozen=True, kw_only=True)
class Analysis:
    """The scores and the analyses the outputs show."""

    plain: Scores  # without intervals
    scores: Scores  # with posterior and joint intervals when n_draws > 0
    reliability: Reliability | None
    sensitivity: Sensitivity | None
    seed: int

    def __repr__(self) -> str:
        parts = [f"Analysis (seed {self.seed}): {self.scores._unit_words()}", self.scores.interval_note()]
        parts.append(
            f"reliability: {'yes' if self.reliability is not None else 'not computed'}; "
            f"sensitivity: {str(self.sensitivity.parameters['n_runs']) + ' runs' if self.sensitivity is not None else 'not computed'}"
        )
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.scores._repr_html_()


def analyse(
    data: Dataset,
    *,
    n_draws: int = 1000,
    sensitivity_n: int = 256,
    ci_prob: float = 0.9,
    seed: int = DEFAULT_SEED,
) -> Analysis:
    """Score ``data`` and draw the intervals, the reliability and the sensitivity analysis, all seeded.

    The scores get posterior intervals over the evidence (:func:`~securitization.uncertainty.intervals`)
    and joint intervals over the evidence and the method (:func:`~securitization.uncertainty.joint`);
    the reliability is bootstrapped with as many replicates. ``n_draws=0`` skips them,
    ``sensitivity_n=0`` the sensitivity analysis.
    """
    if not isinstance(data, Dataset):
        raise ParameterError.invalid("data", "analyse", "a Dataset (from securitization.load)", type(data).__name__)
    with stages("analysis", _ANALYSIS_STAGES) as st:
        return _analyse(data, n_draws=n_draws, sensitivity_n=sensitivity_n, ci_prob=ci_prob, seed=seed, st=st)


#: The stages of :func:`analyse`, and those :func:`write_outputs` adds, as the progress bar names them.
_ANALYSIS_STAGES = ("score", "posterior draws", "joint draws", "reliability", "sensitivity")
_OUTPUT_STAGES = ("tables", "charts", "reports")


def _analyse(data: Dataset, *, n_draws: int, sensitivity_n: int, ci_prob: float, seed: int, st: Stages) -> Analysis:
    st.next("score")
    plain = score(data)
    scores, rel, sens = plain, None, None
    if n_draws:
        st.next("posterior draws")
        scores = intervals(plain, n=n_draws, ci_prob=ci_prob, rng=seed)
        st.next("joint draws")
        scores = joint(scores, n=n_draws, ci_prob=ci_prob, rng=seed)
        st.next("reliability")
        rel = reliability(data, n_boot=n_draws, ci_prob=ci_prob, rng=seed)
    if sensitivity_n:
        st.next("sensitivity")
        sens = sensitivity(plain, n=sensitivity_n, rng=seed, ci_prob=ci_prob)
    return Analysis(plain=plain, scores=scores, reliability=rel, sensitivity=sens, seed=seed)


@dataclass(frozen=True, kw_only=True)
class Outputs:
    """What :func:`write_outputs` wrote, and what it wrote it from."""

    folder: Path
    files: tuple[Path, ...]
    charts: tuple[Chart, ...]
    analysis: Analysis = field(repr=False)

    def __str__(self) -> str:
        return f"{len(self.files)} files written to {self.folder} (charts listed in {self.folder / 'index.md'} and shown in {self.folder / 'index.html'})"

    def __repr__(self) -> str:
        return f"Outputs: {self}"


def write_outputs(
    data: Dataset,
    out: str | Path,
    *,
    n_draws: int = 1000,
    sensitivity_n: int = 256,
    ci_prob: float = 0.9,
    seed: int = DEFAULT_SEED,
    reports: bool = True,
    formats: tuple[ImageFormat, ...] = ("png", "svg"),
    dpi: float = 150,
    analysis: Analysis | None = None,
) -> Outputs:
    """Score, analyse and write every output of ``data`` into the folder ``out``.

    Parameters
    ----------
    data
        The validated dataset (from :func:`~securitization.tables.load`).
    out
        The output folder (created if needed). Files are written atomically, only inside
        it, never over an input (tables or codebook); every name is checked first.
    n_draws, sensitivity_n, ci_prob, seed
        The draws of :func:`analyse` (ignored when ``analysis`` is given).
    reports
        Also write a report per case under ``reports/``.
    formats, dpi
        The chart formats and the PNG resolution.
    analysis
        An analysis already computed (to write it again elsewhere, or in other formats).

    Returns
    -------
    Outputs
        The files written, the charts and the analysis.

    Examples
    --------
    >>> from securitization import load
    >>> done = write_outputs(load(), "out", n_draws=200, sensitivity_n=16)  # doctest: +SKIP
    """
    inputs = [f.path for f in data.files] + ([data.codebook.source] if data.codebook.source else [])
    folder = OutputFolder(out, protect=inputs)
    names = [*(_ANALYSIS_STAGES if analysis is None else ()), *_OUTPUT_STAGES[: 3 if reports else 2]]
    with stages("run", names) as st:
        an = analysis or _analyse(data, n_draws=n_draws, sensitivity_n=sensitivity_n, ci_prob=ci_prob, seed=seed, st=st)
        st.next("tables")
        scores, rel, sens = an.scores, an.reliability, an.sensitivity
        tables = [
            ("scores.csv", scores.to_csv(level="wide")),
            ("scores-indicators.csv", scores.to_csv(level="indicator")),
            ("scores-dimensions.csv", scores.to_csv(level="dimension")),
            ("scores-overall.csv", scores.to_csv(level="overall")),
            ("scores.md", scores.to_markdown(level="wide")),
            ("scores.tex", scores.to_latex(level="wide")),
            ("scores-compact.tex", scores.to_latex(level="compact")),
            ("scores.json", scores.to_json()),
        ]
        if rel is not None:
            tables.append(("reliability.csv", frame_to_csv(rel.table, "%.6g")))
        if sens is not None:
            tables.append(("sensitivity.csv", frame_to_csv(sens.cases, "%.6g")))
            tables.append(("sensitivity-runs.csv", frame_to_csv(sens.runs, "%.10g")))
        targets = [(folder.path(name), text) for name, text in tables]  # every name checked before any write
        written = [atomic_write_text(path, text) for path, text in targets]
        st.next("charts")
        charts = write_charts(
            scores, folder.root, formats=formats, reliability=rel, sensitivity=sens, dpi=dpi, inputs=inputs
        )
        written += [p for c in charts for p in c.files] + [folder.root / "index.md", folder.root / "index.html"]
        if reports:
            st.next("reports")
            for case in progress(scores.overall["case"].tolist(), desc="reports", unit="report"):
                written += list(write_report(scores, str(case), folder.path("reports"), protect=inputs).files)
    return Outputs(folder=folder.root, files=tuple(written), charts=tuple(charts), analysis=an)
