"""A report per case: scores with intervals, charts, and the evidence trail of every indicator.

:func:`write_report` writes ``<case>.md`` and ``<case>.html`` (self-contained but for the
chart images beside them) so that a reviewer can check each number: every indicator's
items with their codes (each coder's), weights, shares, sources and links, and the
measures behind it. Both documents are rendered from one list of blocks, so they say the
same thing.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._io import atomic_write_bytes, atomic_write_text, guard_inputs
from .errors import ParameterError
from .results import Scores

__all__ = ["Report", "write_report"]


@dataclass(frozen=True, kw_only=True)
class Report:
    """The files :func:`write_report` wrote."""

    case: str
    files: tuple[Path, ...]

    def __str__(self) -> str:
        return f"Report for {self.case}:\n" + "\n".join(f"  {p}" for p in self.files)


# --- blocks ------------------------------------------------------------------------------

Block = tuple[str, object]  # ("h1"|"h2"|"h3"|"p"|"table"|"img", payload)


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


def _blocks(scores: Scores, case: str, images: dict[str, str]) -> list[Block]:
    cb = scores.codebook
    unit = scores.units.loc[scores.units["case"] == case].iloc[0]
    ov = scores.overall.loc[scores.overall["case"] == case].iloc[0]
    blocks: list[Block] = [("h1", f"{unit['label']}: securitization of migration")]
    term = f"{unit['start']:%d %B %Y} to {'ongoing' if pd.isna(unit['end']) else format(unit['end'], '%d %B %Y')}"
    facts = [f"Case `{case}`, {unit['country']}, {unit['leader'] or 'leader not given'}; term {term}."]
    facts.append(
        f"Scored with codebook {cb.label} on the scale {cb.scale.min}-{cb.scale.max} "
        f"({', '.join(cb.scale.labels)}). Missing is shown as —, never as zero."
    )
    has_ci = "lo" in scores.overall.columns
    ci = scores.manifest.get("uncertainty", {})
    if has_ci and ci:
        facts.append(
            f"Intervals: {ci.get('ci_prob', '')} bootstrap intervals "
            f"({ci.get('n_boot', '')} replicates, seed {ci.get('seed', '')})."
        )
    blocks.append(("p", " ".join(facts)))
    rank_txt = f"rank {ov['rank']} of {scores.overall['score'].notna().sum()}" if pd.notna(ov["rank"]) else "not ranked"
    blocks.append(
        (
            "p",
            f"**Overall intensity: {_num(ov['score'])} ({ov['band'] or 'missing'})**, "
            f"interval {_interval(ov)}, {rank_txt}, coverage {ov['coverage']:.0%} of the weight.",
        )
    )
    dims = scores.dimensions.loc[scores.dimensions["case"] == case]
    blocks.append(("h2", "Scores"))
    rows = [
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
    blocks.append(
        (
            "table",
            (
                [
                    "indicator",
                    "score",
                    "band",
                    "interval",
                    "items",
                    "coded twice",
                    "measure obs.",
                    "items score",
                    "measures score",
                ],
                rows,
            ),
        )
    )
    if images:
        blocks.append(("h2", "Charts"))
        for caption, name in images.items():
            blocks.append(("img", (caption, name)))
    blocks.append(("h2", "Evidence trail"))
    blocks.append(
        (
            "p",
            "Each item's code is the median of its coders' codes; its share is its weight over the "
            "indicator's total weight; its contribution (code x share) sums to the items score.",
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
            for r in ex.items.itertuples(index=False):
                title = f"[{r.title}]({r.url})" if r.url else str(r.title)
                codes = f"{r.code:g}" + (f" ({r.coders}: {r.codes})" if "," in str(r.coders) else "")
                rows.append(
                    [
                        f"{r.date:%Y-%m-%d}",
                        r.kind,
                        title,
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
                [m.measure, m.statistic_name, _num(m.statistic, 3), str(m.n_obs), _num(m.score)]
                for m in ex.measure_scores.itertuples(index=False)
            ]
            blocks.append(("table", (["measure", "statistic", "value", "periods", "level"], rows)))
            rows = [
                [o.measure, o.period, f"{o.value:,.0f} {o.unit}", f"[{o.source}]({o.url})" if o.url else str(o.source)]
                for o in ex.measures.itertuples(index=False)
            ]
            if rows:
                blocks.append(("table", (["measure", "period", "value", "source"], rows)))
    blocks.append(("h2", "Reproducibility"))
    man = scores.manifest
    lines = [
        f"securitization {man['library']['version']}; codebook {man['codebook']['id']} "
        f"v{man['codebook']['version']} (sha256 {man['codebook']['sha256'][:12]})."
    ]
    lines += [
        f"Input `{Path(f['path']).name}` ({f['kind']}, {f['rows']} rows, sha256 {f['sha256'][:12]})."
        for f in man.get("inputs", [])
    ]
    blocks.append(("p", " ".join(lines)))
    return blocks


# --- rendering ---------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _to_markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for kind, payload in blocks:
        if kind in ("h1", "h2", "h3"):
            out += ["#" * int(kind[1]) + " " + str(payload), ""]
        elif kind == "p":
            out += [str(payload), ""]
        elif kind == "img":
            caption, name = cast(tuple[str, str], payload)
            out += [f"![{caption}]({name})", "", f"*{caption}*", ""]
        elif kind == "table":
            header, rows = cast(tuple[list[str], list[list[str]]], payload)
            out.append("| " + " | ".join(header) + " |")
            out.append("|" + "|".join("---" for _ in header) + "|")
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            out.append("")
    return "\n".join(out)


def _inline_html(text: str) -> str:
    """Escape text, then turn the two Markdown forms we emit ([t](u) and **b**) into HTML."""
    import re

    esc = html.escape(text)
    esc = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r'<a href="\2">\1</a>', esc)
    esc = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", esc)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", esc)


def _to_html(blocks: Sequence[Block], title: str) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
        "table{border-collapse:collapse;margin:0.5rem 0 1.2rem;font-size:0.9rem}"
        "th,td{border:1px solid #ccc;padding:0.25rem 0.5rem;vertical-align:top;text-align:left}"
        "th{background:#f3f3f3}img{max-width:100%}figcaption{font-style:italic;color:#444}</style>",
        "</head>",
        "<body>",
    ]
    for kind, payload in blocks:
        if kind in ("h1", "h2", "h3"):
            out.append(f"<{kind}>{_inline_html(str(payload))}</{kind}>")
        elif kind == "p":
            out.append(f"<p>{_inline_html(str(payload))}</p>")
        elif kind == "img":
            caption, name = cast(tuple[str, str], payload)
            out.append(
                f'<figure><img src="{html.escape(name)}" alt="{html.escape(caption)}">'
                f"<figcaption>{html.escape(caption)}</figcaption></figure>"
            )
        elif kind == "table":
            header, rows = cast(tuple[list[str], list[list[str]]], payload)
            out.append(
                "<table><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr></thead><tbody>"
            )
            out += ["<tr>" + "".join(f"<td>{_inline_html(c)}</td>" for c in row) + "</tr>" for row in rows]
            out.append("</tbody></table>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _save_png(fig: Figure, path: Path) -> Path:
    import io

    buf = io.BytesIO()
    FigureCanvasAgg(fig)
    fig.savefig(buf, format="png", dpi=120, bbox_inches="tight", metadata={"Software": None})
    return atomic_write_bytes(path, buf.getvalue())


def write_report(scores: Scores, case: str, out: str | Path, *, charts: bool = True) -> Report:
    """Write the Markdown and HTML report of one case (and its charts) into ``out``.

    Parameters
    ----------
    scores
        Scores by case (with intervals if :func:`~securitization.uncertainty.bootstrap`
        was applied).
    case
        The case id.
    out
        The output folder (created if needed); files are written atomically and never over
        an input file.
    charts
        Draw the case's indicator profile, its evidence timeline and the ranking.
    """
    if scores.by != "case":
        raise ParameterError.invalid("scores", "write_report", "scores by case (score(..., by='case'))", scores.by)
    if case not in set(scores.overall["case"]):
        raise ParameterError.invalid("case", "write_report", f"one of {sorted(scores.overall['case'])}", case)
    folder = Path(out)
    inputs = [f["path"] for f in scores.manifest.get("inputs", [])]
    for name in (f"{case}.md", f"{case}.html"):
        guard_inputs(folder / name, inputs)
    images: dict[str, str] = {}
    written: list[Path] = []
    if charts:
        from . import plot

        label = str(scores.units.loc[scores.units["case"] == case, "label"].iloc[0])
        drawn = [
            (
                f"{label}: indicator profile",
                f"{case}-profile.png",
                lambda ax: plot.plot_profile(scores, cases=[case], ax=ax),
                None,
            ),
            (
                f"{label}: evidence timeline",
                f"{case}-timeline.png",
                lambda ax: plot.plot_timeline(scores, cases=[case], ax=ax),
                (11, 4.5),
            ),
            ("All cases: overall ranking", f"{case}-ranking.png", lambda ax: plot.plot_ranking(scores, ax=ax), (9, 5)),
        ]
        for caption, name, draw, size in drawn:
            # a figure of its own (no pyplot): the user's backend and figures are left alone
            fig = Figure(figsize=size or (7, 7))
            ax = fig.add_subplot(projection="polar" if size is None else None)
            draw(ax)
            written.append(_save_png(fig, folder / name))
            images[caption] = name
    blocks = _blocks(scores, case, images)
    title = str(blocks[0][1])
    written.append(atomic_write_text(folder / f"{case}.md", _to_markdown(blocks)))
    written.append(atomic_write_text(folder / f"{case}.html", _to_html(blocks, title)))
    return Report(case=case, files=tuple(written))
