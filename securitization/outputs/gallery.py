"""The chart gallery: every comparison chart of a :class:`Scores` written to a folder.

:func:`write_charts` draws each chart of :mod:`securitization.plot` on its own figure
(the non-interactive Agg canvas; pyplot is not used, no window opens, matplotlib's global
settings are left as they were), writes it as PNG and SVG under a stable file name and
writes ``index.md``, a Markdown page that lists the charts with their captions, and
``index.html``, the same as a web page that shows every chart (the PNG files beside it,
by relative links: the page is as small as a page, and moves with its folder).

Stable names (``<slug>`` is lower case, with ``-`` for anything but letters and digits):

======================  ==============================================================
file stem               chart
======================  ==============================================================
``ranking``             overall ranking with intervals, bands shaded
``heatmap``             cases x indicators with bands and coverage
``map``                 institutional against practice score (the securitization map)
``profile``             indicator profiles of every case with a score (a panel per case)
``profile-<country>``   indicator profiles of one country's cases (several countries only)
``timeline-<country>``  the evidence items of one country's cases
``measure-<measure>``   one measure over time (scored with its cut-points, or context)
``rank-intervals``      rank intervals (with a sensitivity table, or bootstrap ranks)
``reliability``         inter-coder agreement per indicator (with a reliability table)
======================  ==============================================================

The same scores give the same bytes: fonts, styles and metadata are fixed (no dates, no
software version in the files; the SVG ids are salted with a constant).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import plot
from ..errors import ParameterError
from ..files import OutputFolder, atomic_write_bytes, atomic_write_text
from ..progress import progress
from ..scoring import Scores
from ..text import html_text, md_text
from .render import ImageFormat, check_dpi, render

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["MAX_COUNTRY_CHARTS", "Chart", "ChartSpec", "chart_specs", "write_charts"]

#: Per-country profiles and timelines are drawn for at most this many countries (the first
#: in the scores' order); draw others with :mod:`securitization.plot` directly.
MAX_COUNTRY_CHARTS = 12


@dataclass(frozen=True, kw_only=True)
class ChartSpec:
    """One chart to draw: its stable name, title, caption and drawing function."""

    name: str
    title: str
    caption: str
    draw: Callable[..., Axes]  # called with ax=
    figsize: tuple[float, float]
    polar: bool = False


@dataclass(frozen=True, kw_only=True)
class Chart:
    """A chart written by :func:`write_charts`: its name, title, caption and files."""

    name: str
    title: str
    caption: str
    files: tuple[Path, ...]

    def __str__(self) -> str:
        return f"{self.name}: {self.title} ({', '.join(p.name for p in self.files)})"


def _slug(text: str) -> str:
    """A safe file-name stem: lower case, ``-`` for anything but letters and digits, at most
    60 characters (a longer name is cut and given a short hash, so that names stay distinct)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"
    if len(slug) > 60:
        slug = slug[:51].rstrip("-") + "-" + hashlib.sha256(text.encode()).hexdigest()[:8]
    return slug


def _unique_names(specs: list[ChartSpec]) -> list[ChartSpec]:
    """Give charts whose slugs collide (e.g. measures "a b" and "a-b") distinct names."""
    seen: dict[str, int] = {}
    out = []
    for spec in specs:
        n = seen.get(spec.name, 0)
        seen[spec.name] = n + 1
        out.append(spec if n == 0 else replace(spec, name=f"{spec.name}-{n + 1}"))
    return out


def chart_specs(
    scores: Scores,
    *,
    reliability: pd.DataFrame | Any = None,
    sensitivity: pd.DataFrame | Any = None,
    min_alpha: float | None = None,
) -> list[ChartSpec]:
    """The charts of the gallery for these scores, in the order of the index page.

    Parameters
    ----------
    scores
        The scores to draw.
    reliability
        A :class:`~securitization.uncertainty.Reliability` or its table (``indicator,
        alpha, lo, hi, flagged``) to draw as ``reliability``; default none.
    sensitivity
        A :class:`~securitization.uncertainty.Sensitivity` or its table (``case, label,
        rank_nominal`` or ``rank``, ``rank_median, rank_lo, rank_hi``) to draw as
        ``rank-intervals``; default: drawn from the overall table when it has
        ``rank_lo``/``rank_hi`` (after a bootstrap), otherwise not drawn.
    min_alpha
        The reliability gate (default: the reliability result's, else the codebook's).
    """
    if not isinstance(scores, Scores):
        raise ParameterError.invalid("scores", "chart_specs", "a Scores object (from securitization.score)", scores)
    cb = scores.codebook
    units = scores.units
    all_countries = list(dict.fromkeys(units["country"]))
    countries = all_countries[:MAX_COUNTRY_CHARTS]  # per-country charts: a bounded gallery
    spec = plot.interval_spec(scores, scores.overall)
    iv_text = f" Intervals: {spec.text()}." if spec.any else " (No intervals: the scores carry none.)"
    specs = [
        ChartSpec(
            name="ranking",
            title="Overall securitization ranking",
            caption=(
                f"Overall securitization score of each case on the {cb.scale.min}-{cb.scale.max} scale "
                f"(codebook {cb.label}), most securitized first, in each case's colour and marker; the bands "
                "of the scale are shaded. Cases without an overall score are listed as missing with their "
                "coverage." + iv_text
            ),
            draw=partial(plot.plot_ranking, scores),
            figsize=plot.ranking_size(scores),
        ),
        ChartSpec(
            name="heatmap",
            title="Scores by case and indicator",
            caption=(
                "Score and band of every case on every indicator, dimension and overall; aggregates "
                "computed from part of their inputs show their coverage. Hatched cells are missing "
                "(no evidence), never counted as 0."
                + (f" [lo, hi]: the {round(spec.prob * 100)}% interval over {spec.varies}." if spec.thin else "")
            ),
            draw=partial(plot.plot_heatmap, scores),
            figsize=plot.heatmap_size(scores),
        ),
    ]
    if len(cb.dimensions) >= 2:
        x, y = cb.dimension_codes[0], cb.dimension_codes[1]
        specs.append(
            ChartSpec(
                name="map",
                title=f"Securitization map: {x} against {y}",
                caption=(
                    f"{x.capitalize()} score against {y} score per case. Below the dashed diagonal, "
                    f"{x} is more securitized than {y}; the dotted lines mark the gap ({y} minus {x}) "
                    "every whole point." + iv_text
                ),
                draw=partial(plot.plot_map, scores),
                figsize=plot.map_size(scores),
            )
        )
    ref = (
        "the median of the bundled cases"
        if scores.units["case"].isin(plot.BUNDLED_CASES).any()
        else ("the median of the cases scored")
    )
    profile_caption = (
        f"Indicator profile of every case with a score, one panel per case (scale {cb.scale.min}-"
        f"{cb.scale.max}); the dashed grey steps are {ref}; n/a marks a missing indicator." + iv_text
    )
    specs.append(
        ChartSpec(
            name="profile",
            title="Indicator profiles",
            caption=profile_caption,
            draw=partial(plot.plot_profile, scores),
            figsize=plot.profile_size(scores),
        )
    )
    if len(all_countries) > 1:
        for c in countries:
            cases = units.loc[units["country"] == c, "case"].drop_duplicates().tolist()
            specs.append(
                ChartSpec(
                    name=f"profile-{_slug(c)}",
                    title=f"Indicator profiles: {c}",
                    caption=f"Indicator profiles of the cases of {c}, one panel per case; the dashed grey steps "
                    f"are {ref}; n/a marks a missing indicator." + iv_text,
                    draw=partial(plot.plot_profile, scores, cases=cases, title=f"Indicator profiles: {c}"),
                    figsize=plot.profile_size(scores, cases=cases),
                )
            )
    for c in countries:
        n_items = int(scores.items["case"].isin(units.loc[units["country"] == c, "case"]).sum())
        if not n_items:
            continue
        specs.append(
            ChartSpec(
                name=f"timeline-{_slug(c)}",
                title=f"Evidence timeline: {c}",
                caption=(
                    f"The {n_items} coded evidence items of {c} by date and indicator, sized by weight and "
                    "coloured by their code (half in each colour: a code between two levels); each case's "
                    "term is shaded and labelled. The three lanes of an indicator only keep items on nearby "
                    "dates apart."
                ),
                draw=partial(plot.plot_timeline, scores, countries=[c], title=f"Evidence timeline: {c}"),
                figsize=plot.timeline_size(scores, countries=[c]),
            )
        )
    counts = scores.observations.drop_duplicates(["country", "measure", "period"]).groupby("measure").size()
    for measure in plot.available_measures(scores):
        n_obs = int(counts.get(measure, 0))
        if not n_obs:
            continue
        rule = plot.measure_rule(scores, measure)
        what = (
            f"Scored in {rule[0]} by the codebook"
            + ("; its cut-points shaded as bands in each term." if rule[1].mapping == "thresholds" else ".")
            if rule is not None
            else "Context: not scored by the codebook's rules."
        )
        specs.append(
            ChartSpec(
                name=f"measure-{_slug(measure)}",
                title=f"Measure: {measure}" + ("" if rule is not None else " (context)"),
                caption=(
                    f"{measure} over time ({n_obs} observation{'s' if n_obs != 1 else ''}), each "
                    f"administration's term marked. {what}"
                    + (f" {plot.SHORT_SERIES} or fewer observations: drawn as points." if n_obs <= 3 else "")
                ),
                draw=partial(plot.plot_measure, scores, measure),
                figsize=plot.measure_size(scores, measure),
            )
        )
    if sensitivity is not None or {"rank_lo", "rank_hi"} <= set(scores.overall.columns):
        source: Any = sensitivity if sensitivity is not None else scores
        specs.append(
            ChartSpec(
                name="rank-intervals",
                title="Rank intervals" + (" under the sensitivity analysis" if sensitivity is not None else ""),
                caption="Rank of each case (1 = most securitized): nominal, median and "
                + (
                    f"{_pct(sensitivity, scores)} interval under the sensitivity analysis (the method varied)."
                    if sensitivity is not None
                    else f"{_pct(None, scores)} interval over {spec.varies}."
                ),
                draw=partial(
                    plot.plot_rank_intervals,
                    source,
                    title="Rank intervals" + (" under the sensitivity analysis" if sensitivity is not None else ""),
                ),
                figsize=plot.rank_intervals_size(source),
            )
        )
    if reliability is not None:
        own = getattr(reliability, "min_alpha", None)
        gate = min_alpha if min_alpha is not None else (own if isinstance(own, int | float) else cb.min_alpha)
        specs.append(
            ChartSpec(
                name="reliability",
                title="Coder reliability per indicator",
                caption=f"Krippendorff's alpha per indicator against the gate α = {gate:g} (flagged indicators "
                f"are below it) and the conventional threshold α = {plot.FIRM_ALPHA:g} for firm conclusions, with "
                "the doubly coded items behind each alpha"
                + (f" and its {_pct(reliability, scores)} bootstrap interval." if _has_iv(reliability) else "."),
                draw=partial(plot.plot_reliability, reliability, min_alpha=gate),
                figsize=plot.reliability_size(reliability),
            )
        )
    return _unique_names(specs)


def _pct(result: Any, scores: Scores) -> str:
    """The interval level of a result (its ``ci_prob`` or ``parameters["ci_prob"]``), else of the scores."""
    prob = getattr(result, "ci_prob", None)
    params = getattr(result, "parameters", None)
    if prob is None and isinstance(params, dict):
        prob = params.get("ci_prob")
    if prob is None:
        prob = (scores.manifest.get("uncertainty", {}) or {}).get("ci_prob", 0.9)
    return f"{round(float(prob) * 100)}%"


def _has_iv(table: Any) -> bool:
    frame = table.to_frame() if hasattr(table, "to_frame") else table
    return isinstance(frame, pd.DataFrame) and {"lo", "hi"} <= set(frame.columns)


def write_charts(
    scores: Scores,
    out: str | Path,
    *,
    formats: Sequence[ImageFormat] = ("png", "svg"),
    reliability: pd.DataFrame | Any = None,
    sensitivity: pd.DataFrame | Any = None,
    min_alpha: float | None = None,
    dpi: float = 150,
    inputs: Sequence[str | Path] = (),
) -> list[Chart]:
    """Write every chart of the gallery to ``out`` and an ``index.md`` that lists them.

    Parameters
    ----------
    scores
        The scores to draw.
    out
        The output folder (created if needed). Files are written atomically.
    formats
        Image formats, each chart written once per format (``png``, ``svg``, ``pdf``).
    reliability, sensitivity, min_alpha
        Optional tables for the reliability and rank-interval charts (see
        :func:`chart_specs`).
    dpi
        Resolution of the PNG files.
    inputs
        Input files that must not be overwritten (default: those of the scores' manifest).

    Returns
    -------
    list of Chart
        The charts written, in the order of the index page.

    Examples
    --------
    >>> from securitization import bootstrap, load, reliability, score
    >>> scores = bootstrap(score(load()), n_boot=200, rng=1)
    >>> charts = write_charts(scores, "charts", reliability=reliability(scores, rng=1))  # doctest: +SKIP
    >>> [spec.name for spec in chart_specs(scores)][:4]
    ['ranking', 'heatmap', 'map', 'profile']
    """
    if not isinstance(scores, Scores):
        raise ParameterError.invalid("scores", "write_charts", "a Scores object (from securitization.score)", scores)
    formats = tuple(formats)
    if not formats or any(f not in ("png", "svg", "pdf") for f in formats):
        raise ParameterError.invalid("formats", "write_charts", "a non-empty list of 'png', 'svg', 'pdf'", formats)
    dpi = check_dpi(dpi, "write_charts")
    folder = OutputFolder(out, protect=[*inputs, *scores.input_paths])
    specs = chart_specs(scores, reliability=reliability, sensitivity=sensitivity, min_alpha=min_alpha)
    targets: dict[tuple[str, str], Path] = {
        (spec.name, fmt): folder.path(f"{spec.name}.{fmt}") for spec in specs for fmt in formats
    }
    index = folder.path("index.md")
    page = folder.path("index.html")
    charts = []
    for spec in progress(specs, desc="charts", unit="chart"):
        images = render(spec.draw, spec.figsize, formats=formats, dpi=dpi, polar=spec.polar)
        files = [atomic_write_bytes(targets[spec.name, fmt], data) for fmt, data in images.items()]
        charts.append(Chart(name=spec.name, title=spec.title, caption=spec.caption, files=tuple(files)))
    atomic_write_text(index, _index(scores, charts))
    atomic_write_text(page, _index_html(scores, charts))
    return charts


def _index(scores: Scores, charts: Sequence[Chart]) -> str:
    cb = scores.codebook
    labels = scores.overall["label"].astype(str).drop_duplicates()
    cases = ", ".join(md_text(v) for v in labels[:40]) + (f" and {len(labels) - 40} more" if len(labels) > 40 else "")
    n_countries = scores.units["country"].nunique()
    lines = [
        "# Securitization charts",
        "",
        f"Codebook {md_text(cb.label)}; scores by {scores.by}; cases: {cases}.",
        "Written by `securitization charts`; the same inputs give the same files.",
        *(
            [
                "",
                f"Per-country profiles and timelines are drawn for the first {MAX_COUNTRY_CHARTS} of "
                f"{n_countries} countries; draw the others with `securitization.plot`.",
            ]
            if n_countries > MAX_COUNTRY_CHARTS
            else []
        ),
        "",
        "| chart | files |",
        "|---|---|",
    ]
    for c in charts:
        links = " · ".join(f"[{p.suffix[1:].upper()}]({p.name})" for p in c.files)
        lines.append(f"| [{md_text(c.title)}](#{_slug(c.name)}) | {links} |")
    for c in charts:
        first = next((p for p in c.files if p.suffix == ".png"), c.files[0])
        lines += ["", f'<a id="{_slug(c.name)}"></a>', "", f"## {md_text(c.title)}", "", md_text(c.caption), ""]
        lines.append(f"![{md_text(c.title)}]({first.name})")
    return "\n".join(lines) + "\n"


#: The policy of the gallery page: no script, no request but for the images beside it.
GALLERY_CSP = "default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'"


def _index_html(scores: Scores, charts: Sequence[Chart]) -> str:
    """The gallery as a web page: every chart (the PNG beside it, by a relative link) with its caption.

    Inert: every text from the data is escaped (:func:`~securitization.text.html_text`), the
    page carries no script and its policy allows none.
    """
    cb = scores.codebook
    labels = scores.overall["label"].astype(str).drop_duplicates()
    cases = ", ".join(labels[:40]) + (f" and {len(labels) - 40} more" if len(labels) > 40 else "")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{GALLERY_CSP}">',
        "<title>Securitization charts</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.45}img{max-width:100%;height:auto;border:1px solid #eee}figure{margin:0 0 2.5rem}"
        "figcaption{color:#333;margin-top:0.4rem}nav li{margin:0.1rem 0}</style>",
        "</head>",
        "<body>",
        "<h1>Securitization charts</h1>",
        f"<p>Codebook {html_text(cb.label)}; scores by {html_text(scores.by)}; cases: {html_text(cases)}. "
        "The same inputs give the same files. Each image links to its files (PNG, SVG, PDF) beside this page.</p>",
        "<nav><ol>",
    ]
    out += [f'<li><a href="#{_slug(c.name)}">{html_text(c.title)}</a></li>' for c in charts]
    out.append("</ol></nav>")
    for c in charts:
        first = next((p for p in c.files if p.suffix == ".png"), c.files[0])
        links = " · ".join(f'<a href="{html_text(p.name)}">{html_text(p.suffix[1:].upper())}</a>' for p in c.files)
        out += [
            f'<section id="{_slug(c.name)}">',
            f"<h2>{html_text(c.title)}</h2>",
            f'<figure><img src="{html_text(first.name)}" alt="{html_text(c.title)}" loading="lazy">',
            f"<figcaption>{html_text(c.caption)} ({links})</figcaption></figure>",
            "</section>",
        ]
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
