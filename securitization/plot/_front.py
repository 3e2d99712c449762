"""The front end every chart shares: checks and case selection, the palette, new axes, text made safe for matplotlib."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import Colormap, Normalize

from ..errors import ParameterError
from ..scoring import Scores
from ..text import plot_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


__all__ = [
    "CASE_COLOURS",
    "CODE_CMAP",
    "GREY",
    "LINESTYLES",
    "MARKERS",
    "MISSING_EDGE",
    "MISSING_FACE",
    "OKABE_ITO",
    "SCORE_CMAP",
    "TEXT_COLUMNS",
    "as_frame",
    "band_edges",
    "check_scores",
    "colormap",
    "country_styles",
    "figure_of",
    "fmt_score",
    "for_display",
    "level_ticks",
    "missing_note",
    "new_axes",
    "require_columns",
    "select_units",
    "status_labels",
    "text_colour",
]


#: The Okabe-Ito palette (Okabe & Ito 2008), safe for the common colour-vision
#: deficiencies; ordered so that the first colours contrast well on white.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#E69F00",  # orange
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)


CASE_COLOURS = OKABE_ITO[:7]  # yellow is too light for lines on white


MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


LINESTYLES = ("-", "--", "-.", ":")


MISSING_FACE = "#f2f2f2"


MISSING_EDGE = "#9a9a9a"


GREY = "#595959"


SCORE_CMAP = "cividis"


CODE_CMAP = "viridis"


def check_scores(scores: object, caller: str) -> Scores:
    if not isinstance(scores, Scores):
        raise ParameterError.invalid("scores", caller, "a Scores object (from securitization.score)", type(scores))
    return for_display(scores)


TEXT_COLUMNS = ("label", "leader", "measure", "name")


def for_display(scores: Scores) -> Scores:
    """The scores with every text from the data escaped for matplotlib (``$`` drawn as typed).

    Labels, leaders, measure names and the codebook's names reach the charts from user
    files; matplotlib would read ``$...$`` in them as maths markup (and fail on a
    malformed one). Returns ``scores`` itself when no text holds a dollar sign.
    """
    cb = scores.codebook
    names = [*(i.name for i in cb.indicators), *(d.name for d in cb.dimensions), *cb.scale.labels]
    tables = {
        name: getattr(scores, name)
        for name in ("indicators", "dimensions", "overall", "units", "measures", "measure_scores")
    }

    def has_dollar(frame: pd.DataFrame) -> bool:
        return any(
            c in frame.columns and frame[c].astype(str).str.contains("$", regex=False).any() for c in TEXT_COLUMNS
        )

    if not any("$" in n for n in names) and not any(has_dollar(t) for t in tables.values()):
        return scores
    new = {}
    for name, frame in tables.items():
        frame = frame.copy()
        for c in TEXT_COLUMNS:
            if (c in frame.columns and frame[c].dtype == object) or (
                c in frame.columns and pd.api.types.is_string_dtype(frame[c])
            ):
                frame[c] = frame[c].map(lambda v: plot_text(v) if isinstance(v, str) else v)
        new[name] = frame
    shown = cb.model_copy(
        update={
            "indicators": tuple(i.model_copy(update={"name": plot_text(i.name)}) for i in cb.indicators),
            "dimensions": tuple(d.model_copy(update={"name": plot_text(d.name)}) for d in cb.dimensions),
            "scale": cb.scale.model_copy(
                update={"levels": tuple(lv.model_copy(update={"label": plot_text(lv.label)}) for lv in cb.scale.levels)}
            ),
        }
    )
    return replace(scores, codebook=shown, **new)


def new_axes(ax: Axes | None, figsize: tuple[float, float], *, polar: bool = False) -> Axes:
    if ax is not None:
        return ax
    kw: dict[str, Any] = {"subplot_kw": {"projection": "polar"}} if polar else {}
    _, new = plt.subplots(figsize=figsize, layout="constrained", **kw)
    return new


def figure_of(ax: Axes) -> Figure:
    fig = ax.get_figure(root=True)
    if fig is None:
        raise ParameterError.invalid("ax", "securitization.plot", "an Axes that belongs to a figure", ax)
    return fig


def status_labels(scores: Scores, units: pd.DataFrame) -> list[str]:
    """The units' labels, with ``(ongoing)`` or ``(partial evidence)`` where the term's status says so."""
    status = scores.overall.set_index("uid")["status"] if "status" in scores.overall.columns else None
    out = []
    for uid, label in zip(units["uid"], units["label"].astype(str), strict=True):
        st = status.get(uid, "complete") if status is not None else "complete"
        out.append(label + {"ongoing": " (ongoing)", "partial": " (partial evidence)"}.get(str(st), ""))
    return out


def select_units(scores: Scores, cases: Sequence[str] | None, caller: str) -> pd.DataFrame:
    """The units to draw (in the order of ``scores.units``: by country, then start)."""
    units = scores.units
    if cases is None:
        return units
    if isinstance(cases, str):
        cases = [cases]
    known = set(units["case"])
    unknown = [c for c in cases if c not in known]
    if unknown:
        raise ParameterError.invalid("cases", caller, f"case ids of the scores ({', '.join(sorted(known))})", unknown)
    order = {c: i for i, c in enumerate(cases)}
    sel = units.loc[units["case"].isin(order)]
    return sel.iloc[np.argsort([order[c] for c in sel["case"]], kind="stable")]


def country_styles(countries: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Colour and marker per country, in order of first appearance."""
    out: dict[str, tuple[str, str]] = {}
    for c in countries:
        if c not in out:
            i = len(out)
            out[c] = (OKABE_ITO[i % len(OKABE_ITO)], MARKERS[i % len(MARKERS)])
    return out


def band_edges(scores: Scores) -> list[tuple[float, float, str]]:
    """The bands of the scale as (low, high, label): level v covers [v - 0.5, v + 0.5)."""
    scale = scores.codebook.scale
    out = []
    for lv in scale.levels:
        lo = max(lv.value - 0.5, scale.min)
        hi = min(lv.value + 0.5, scale.max)
        out.append((float(lo), float(hi), lv.label))
    return out


def level_ticks(scores: Scores) -> tuple[list[int], list[str]]:
    levels = scores.codebook.scale.levels
    return [lv.value for lv in levels], [f"{lv.value} {lv.label}" for lv in levels]


def fmt_score(v: float, digits: int = 2) -> str:
    return "—" if v is None or not np.isfinite(v) else f"{v:.{digits}f}"


def as_frame(table: object, caller: str, name: str) -> pd.DataFrame:
    """The table of a result, its text columns escaped for matplotlib (see :func:`for_display`)."""
    frame: object = table
    if not isinstance(table, pd.DataFrame):
        to_frame = getattr(table, "to_frame", None)
        frame = to_frame() if callable(to_frame) else None
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError.invalid(name, caller, "a DataFrame (or a result with .to_frame())", type(table))
    text = [c for c in ("label", "name", "note") if c in frame.columns]
    if text:
        frame = frame.assign(**{c: frame[c].map(lambda v: plot_text(v) if isinstance(v, str) else v) for c in text})
    return frame


def require_columns(frame: pd.DataFrame, columns: Sequence[str], caller: str, name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError.invalid(
            name, caller, f"a table with the columns {', '.join(columns)}", f"a table without {', '.join(missing)}"
        )


def missing_note(labels: Sequence[str], what: str, width: int = 100) -> str:
    body = "; ".join(labels)
    return "\n".join(textwrap.wrap(f"Not drawn ({what}): {body}.", width))


def text_colour(cmap: Colormap, norm: Normalize, value: float) -> str:
    r, g, b, _ = cmap(norm(value))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "black" if lum > 0.45 else "white"


def colormap(name: str, n: int | None = None) -> Colormap:
    cmap = mpl.colormaps[name]
    return cmap.resampled(n) if n else cmap
