"""A report per case: scores with intervals, charts, and the evidence trail of every indicator.

:func:`write_report` writes ``<case>.md`` (its chart images beside it) and ``<case>.html``
(self-contained: the same images carried in the page as data URIs, no script, a policy
that allows no request) so that a reviewer can check each number: every indicator's
items with their codes (each coder's), weights, shares, sources and links, and the
measures behind it. Both documents are rendered from one list of blocks, so they say the
same thing.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Literal, cast

import pandas as pd

from .. import plot
from ..errors import ParameterError
from ..export import frame_to_csv
from ..files import OutputFolder, atomic_write_bytes, atomic_write_text
from ..rules import get_rule
from ..scoring import Scores
from ..text import html_text, md_code, md_text, safe_url
from .render import render

__all__ = ["MAX_REPORT_ITEMS", "Report", "write_report"]

#: The most items a report lists per indicator (all of them are in the trail CSV).
MAX_REPORT_ITEMS = 100


@dataclass(frozen=True, kw_only=True)
class Report:
    """The files :func:`write_report` wrote."""

    case: str
    files: tuple[Path, ...]

    def __str__(self) -> str:
        return f"Report for {self.case}:\n" + "\n".join(f"  {p}" for p in self.files)


# --- blocks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A piece of inline text: plain, strong, code, or a link (``url`` from a ``url`` column).

    Text from the data is only ever carried in spans and escaped when rendered: nothing in
    a title, label or source is read as Markdown or HTML.
    """

    text: str
    style: Literal["text", "strong", "code", "link"] = "text"
    url: str | None = None


Inline = str | Span | list[str | Span]
Block = tuple[str, object]  # ("h1"|"h2"|"h3"|"p"|"table"|"img", payload)


def _link(text: object, url: object) -> Inline:
    """A link when ``url`` is an http, https or mailto address; else the text alone."""
    safe = safe_url(url) if isinstance(url, str) and url else None
    return Span(str(text), "link", safe) if safe else str(text)


def _num(v: object, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)) or v is pd.NA:
        return "—"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def _interval(row: pd.Series) -> str:
    if "lo" in row.index and pd.notna(row.get("lo")):
        return f"{_num(row['lo'])} – {_num(row['hi'])}"
    return "—"


def _rank_text(scores: Scores, ov: pd.Series) -> str:
    """The case's rank, and among what: never "rank 1 of 1"."""
    scored = scores.overall.loc[scores.overall["score"].notna(), "case"]
    n = int(scored.nunique())
    if pd.isna(ov["rank"]):
        return "not ranked (no overall score)"
    if n <= 1:
        return "not ranked (the only case scored: score it beside the bundled cases to rank it among them)"
    bundled = int(scored.isin(plot.BUNDLED_CASES).sum())
    among = f"the {n} cases scored together" + (f" ({bundled} of them bundled)" if bundled else "")
    return f"rank {int(ov['rank'])} of {among}"


def _blocks(scores: Scores, case: str, images: dict[str, str]) -> list[Block]:
    cb = scores.codebook
    unit = scores.units.loc[scores.units["case"] == case].iloc[0]
    ov = scores.overall.loc[scores.overall["case"] == case].iloc[0]
    blocks: list[Block] = [("h1", f"{unit['label']}: securitization of migration")]
    term = f"{unit['start']:%d %B %Y} to {'ongoing' if pd.isna(unit['end']) else format(unit['end'], '%d %B %Y')}"
    facts: list[str | Span] = [
        "Case ",
        Span(case, "code"),
        f", {unit['country']}, {unit['leader'] or 'leader not given'}; term {term}. "
        f"Scored with codebook {cb.label} on the scale {cb.scale.min}-{cb.scale.max} "
        f"({', '.join(cb.scale.labels)}). Missing is shown as —, never as zero.",
    ]
    has_ci = "lo" in scores.overall.columns
    ci = scores.manifest.get("uncertainty", {})
    if has_ci and ci:
        facts.append(
            f" Intervals: {round(float(ci.get('ci_prob', 0.9)) * 100)}% intervals over {ci.get('varies', '')} "
            f"({ci.get('n_draws', ci.get('n_boot', ''))} draws, seed {ci.get('seed', '')})."
        )
        jt = scores.manifest.get("joint_uncertainty")
        if jt:
            facts.append(f" Joint intervals vary {jt.get('varies', '')}.")
    if ov.get("status", "complete") != "complete":
        facts.append(
            " This term is ongoing: its evidence is partial, and its scores and rank may change."
            if ov["status"] == "ongoing"
            else " The dated evidence of this term stops well before its end: its scores may not describe all of it."
        )
    blocks.append(("p", facts))
    rank_txt = _rank_text(scores, ov)
    blocks.append(
        (
            "p",
            [
                Span(f"Overall intensity: {_num(ov['score'])} ({ov['band'] or 'missing'})", "strong"),
                f", interval {_interval(ov)}, {rank_txt}, coverage {ov['coverage']:.0%} of the weight.",
            ],
        )
    )
    dims = scores.dimensions.loc[scores.dimensions["case"] == case]
    blocks.append(("h2", "Scores"))
    rows: list[list[Inline]] = [
        [
            cb.dimension(d.dimension).name,
            _num(d.score),
            d.band or "missing",
            _interval(pd.Series(d._asdict())),
            f"{d.coverage:.0%}",
        ]
        for d in dims.itertuples(index=False)
    ]
    blocks.append(("table", (["dimension", "score", "band", "interval", "coverage"], rows)))
    inds = scores.indicators.loc[scores.indicators["case"] == case]
    rows = [
        [
            f"{r.indicator} {r.name}",
            _num(r.score),
            r.band or "missing",
            _interval(pd.Series(r._asdict())),
            str(r.n_items),
            str(r.n_multi_coded),
            str(r.n_measures),
            _num(r.items_score),
            _num(r.measures_score),
        ]
        for r in inds.itertuples(index=False)
    ]
    header = ["indicator", "score", "band", "interval", "items", "coded twice", "measure obs.", "items score"]
    blocks.append(("table", ([*header, "measures score"], rows)))
    if images:
        blocks.append(("h2", "Charts"))
        for caption, name in images.items():
            blocks.append(("img", (caption, name)))
    blocks.append(("h2", "Evidence trail"))
    coders = get_rule("coders", cb.aggregation.coders)
    additive = all(get_rule("items", i.items.rule).additive for i in cb.indicators)
    blocks.append(
        (
            "p",
            f"Each item's code is {coders.summary}; its share is its weight over the indicator's total weight"
            + ("; its contribution (code x share) sums to the items score." if additive else "."),
        )
    )
    for ind in cb.indicators:
        ex = scores.explain(case, ind.code)
        blocks.append(("h3", f"{ind.code} {ind.name}: {_num(ex.score)} ({ex.band or 'missing'})"))
        blend = (
            f"items score {_num(ex.items_score)} ({ex.rule}, {len(ex.items)} items)"
            f"; measures score {_num(ex.measures_score)}; items share of the blend {ex.items_share:.2f}."
        )
        blocks.append(("p", blend))
        if len(ex.items):
            rows = []
            shown = ex.items
            if len(shown) > MAX_REPORT_ITEMS:
                keep = shown["share"].rank(method="first", ascending=False) <= MAX_REPORT_ITEMS
                shown = shown.loc[keep]
                blocks.append(
                    (
                        "p",
                        [
                            f"Showing the {MAX_REPORT_ITEMS} items of largest weight share of {len(ex.items):,}; "
                            "every item is in ",
                            Span(f"{case}-trail.csv", "code"),
                            ".",
                        ],
                    )
                )
            for r in shown.itertuples(index=False):
                codes = f"{r.code:g}" + (f" ({r.coders}: {r.codes})" if "," in str(r.coders) else "")
                rows.append(
                    [
                        f"{r.date:%Y-%m-%d}",
                        str(r.kind),
                        _link(r.title, r.url),
                        codes,
                        f"{r.weight:g}",
                        f"{r.share:.2f}",
                        _num(r.contribution),
                        str(r.source),
                    ]
                )
            blocks.append(
                ("table", (["date", "kind", "item", "code", "weight", "share", "contribution", "source"], rows))
            )
        else:
            blocks.append(("p", "No coded item: the items part is missing."))
        if len(ex.measure_scores):
            rows = [
                [str(m.measure), str(m.statistic_name), _num(m.statistic, 3), str(m.n_obs), _num(m.score)]
                for m in ex.measure_scores.itertuples(index=False)
            ]
            blocks.append(("table", (["measure", "statistic", "value", "periods", "level"], rows)))
            rows = [
                [str(o.measure), str(o.period), f"{o.value:,.0f} {o.unit}", _link(o.source, o.url)]
                for o in ex.measures.itertuples(index=False)
            ]
            if rows:
                blocks.append(("table", (["measure", "period", "value", "source"], rows)))
    blocks.append(("h2", "Reproducibility"))
    man = scores.manifest
    repro: list[str | Span] = [
        f"securitization {man['library']['version']}; codebook {man['codebook']['id']} "
        f"v{man['codebook']['version']} (sha256 {man['codebook']['sha256'][:12]})."
    ]
    for f in man.get("inputs", []):
        repro += [
            " Input ",
            Span(Path(f["path"]).name, "code"),
            f" ({f['kind']}, {f['rows']} rows, sha256 {f['sha256'][:12]}).",
        ]
    blocks.append(("p", repro))
    return blocks


# --- rendering ---------------------------------------------------------------------------


def _spans(inline: object) -> list[Span]:
    if isinstance(inline, Span):
        return [inline]
    if isinstance(inline, list):
        return [s if isinstance(s, Span) else Span(str(s)) for s in inline]
    return [Span(str(inline))]


def _md_inline(inline: object) -> str:
    out = []
    for s in _spans(inline):
        if s.style == "strong":
            out.append(f"**{md_text(s.text)}**")
        elif s.style == "code":
            out.append(md_code(s.text))
        elif s.style == "link" and s.url:
            out.append(f"[{md_text(s.text)}](<{s.url}>)")
        else:
            out.append(md_text(s.text))
    return "".join(out)


def _html_inline(inline: object) -> str:
    out = []
    for s in _spans(inline):
        if s.style == "strong":
            out.append(f"<strong>{html_text(s.text)}</strong>")
        elif s.style == "code":
            out.append(f"<code>{html_text(s.text)}</code>")
        elif s.style == "link" and s.url:
            out.append(f'<a href="{html_text(s.url)}" rel="noopener noreferrer">{html_text(s.text)}</a>')
        else:
            out.append(html_text(s.text))
    return "".join(out)


def _to_markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for kind, payload in blocks:
        if kind in ("h1", "h2", "h3"):
            out += ["#" * int(kind[1]) + " " + _md_inline(payload), ""]
        elif kind == "p":
            out += [_md_inline(payload), ""]
        elif kind == "img":
            caption, name = cast(tuple[str, str], payload)
            out += [f"![{md_text(caption)}](<{name}>)", "", f"*{md_text(caption)}*", ""]
        elif kind == "table":
            header, rows = cast(tuple[list[str], list[list[Inline]]], payload)
            out.append("| " + " | ".join(md_text(h) for h in header) + " |")
            out.append("|" + "|".join("---" for _ in header) + "|")
            out += ["| " + " | ".join(_md_inline(c) for c in row) + " |" for row in rows]
            out.append("")
    return "\n".join(out)


#: The policy of a report page: no script, no request; its images are carried in it.
REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _to_html(blocks: Sequence[Block], title: str, embedded: dict[str, str] | None = None) -> str:
    """The report as one self-contained page: ``embedded`` maps an image's file name to its data URI."""
    embedded = embedded or {}
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{REPORT_CSP}">',
        f"<title>{html_text(title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
        "table{border-collapse:collapse;margin:0.5rem 0 1.2rem;font-size:0.9rem}"
        "th,td{border:1px solid #ccc;padding:0.25rem 0.5rem;vertical-align:top;text-align:left}"
        "th{background:#f3f3f3}img{max-width:100%}figcaption{font-style:italic;color:#444}</style>",
        "</head>",
        "<body>",
    ]
    for kind, payload in blocks:
        if kind in ("h1", "h2", "h3"):
            out.append(f"<{kind}>{_html_inline(payload)}</{kind}>")
        elif kind == "p":
            out.append(f"<p>{_html_inline(payload)}</p>")
        elif kind == "img":
            caption, name = cast(tuple[str, str], payload)
            src = embedded.get(name, name)
            out.append(
                f'<figure><img src="{html_text(src)}" alt="{html_text(caption)}">'
                f"<figcaption>{html_text(caption)}</figcaption></figure>"
            )
        elif kind == "table":
            header, rows = cast(tuple[list[str], list[list[Inline]]], payload)
            out.append(
                "<table><thead><tr>" + "".join(f"<th>{html_text(h)}</th>" for h in header) + "</tr></thead><tbody>"
            )
            out += ["<tr>" + "".join(f"<td>{_html_inline(c)}</td>" for c in row) + "</tr>" for row in rows]
            out.append("</tbody></table>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def write_report(
    scores: Scores, case: str, out: str | Path, *, charts: bool = True, protect: Sequence[str | Path] = ()
) -> Report:
    """Write the Markdown and HTML report of one case (and its charts) into ``out``.

    Parameters
    ----------
    scores
        Scores by case (with intervals if :func:`~securitization.uncertainty.bootstrap`
        was applied).
    case
        The case id.
    out
        The output folder (created if needed); files are written atomically, only inside
        it, and never over an input file.
    charts
        Draw the case's indicator profile (beside the median of the bundled cases, or of
        the cases scored), its evidence timeline and, when more than one case has a
        score, the ranking with the case highlighted among them. Score the case beside
        the bundled cases (``load(..., include_bundled=True)``, ``--compare-bundled``) to
        see it among them.
    protect
        More files never to write over (the scores' input files always are).
    """
    if not isinstance(scores, Scores):
        raise ParameterError.invalid("scores", "write_report", "a Scores object (from securitization.score)", scores)
    if scores.by != "case":
        raise ParameterError.invalid("scores", "write_report", "scores by case (score(..., by='case'))", scores.by)
    if case not in set(scores.overall["case"]):
        raise ParameterError.invalid("case", "write_report", f"one of {sorted(scores.overall['case'])}", case)
    folder = OutputFolder(out, protect=[*protect, *scores.input_paths])
    targets = {
        kind: folder.path(f"{case}{kind}")
        for kind in (".md", ".html", "-trail.csv", "-profile.png", "-timeline.png", "-ranking.png")
    }
    images: dict[str, str] = {}
    embedded: dict[str, str] = {}
    written: list[Path] = []
    if charts:
        label = str(scores.units.loc[scores.units["case"] == case, "label"].iloc[0])
        n_scored = int(scores.overall["score"].notna().sum())
        bundled = int(scores.overall.loc[scores.overall["score"].notna(), "case"].isin(plot.BUNDLED_CASES).sum())
        drawn = [
            (
                f"{label}: indicator profile (dashed: the median of the "
                + ("bundled cases)" if bundled else "cases scored)"),
                "-profile.png",
                partial(plot.plot_profile, scores, cases=[case], title=f"Indicator profile: {label}"),
                plot.profile_size(scores, cases=[case]),
            ),
            (
                f"{label}: evidence timeline",
                "-timeline.png",
                partial(plot.plot_timeline, scores, cases=[case]),
                plot.timeline_size(scores, cases=[case]),
            ),
        ]
        if n_scored > 1 and pd.notna(scores.overall.loc[scores.overall["case"] == case, "score"].iloc[0]):
            among = f"among the {n_scored} cases scored" + (f" ({bundled} bundled)" if bundled else "")
            drawn.append(
                (
                    f"{label} (highlighted) in the overall ranking {among}",
                    "-ranking.png",
                    partial(plot.plot_ranking, scores, highlight=case),
                    plot.ranking_size(scores),
                )
            )
        for caption, kind, draw, size in drawn:
            png = render(draw, size, formats=("png",), dpi=120)["png"]
            written.append(atomic_write_bytes(targets[kind], png))
            images[caption] = targets[kind].name
            embedded[targets[kind].name] = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    trail = pd.concat(
        [scores.explain(case, ind.code).items.assign(indicator=ind.code) for ind in scores.codebook.indicators]
    )
    cols = ["indicator", *[c for c in trail.columns if c != "indicator"]]
    written.append(atomic_write_text(targets["-trail.csv"], frame_to_csv(trail[cols], "%.6g")))
    blocks = _blocks(scores, case, images)
    title = str(blocks[0][1])
    written.append(atomic_write_text(targets[".md"], _to_markdown(blocks)))
    written.append(atomic_write_text(targets[".html"], _to_html(blocks, title, embedded)))
    return Report(case=case, files=tuple(written))
