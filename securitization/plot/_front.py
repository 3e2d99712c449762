"""The front end every chart shares: checks and case selection, the palette, new axes, text made safe for matplotlib."""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import Colormap, Normalize, to_hex, to_rgba
from matplotlib.lines import Line2D

from ..errors import ParameterError
from ..scoring import Scores
from ..text import plot_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


__all__ = [
    "BUNDLED_CASES",
    "BUNDLED_COUNTRIES",
    "CASE_COLOURS",
    "CODE_CMAP",
    "COUNTRY_COLOURS",
    "COUNTRY_MARKERS",
    "GREY",
    "LINESTYLES",
    "MARKERS",
    "MISSING_EDGE",
    "MISSING_FACE",
    "OKABE_ITO",
    "SCORE_CMAP",
    "TEXT_COLUMNS",
    "THICK",
    "THIN",
    "IntervalSpec",
    "Style",
    "as_frame",
    "band_edges",
    "case_styles",
    "check_scores",
    "colormap",
    "country_styles",
    "draw_interval",
    "figure_of",
    "fmt_score",
    "for_display",
    "interval_handles",
    "interval_spec",
    "level_ticks",
    "missing_note",
    "new_axes",
    "require_columns",
    "select_units",
    "short_labels",
    "stable_hash",
    "status_labels",
    "text_colour",
    "text_shade",
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


# --- identity: a country's colour and marker, a case's marker, the same in every chart ----------

#: The colour of each country of the bundled cases (Okabe-Ito), fixed.
COUNTRY_COLOURS: dict[str, str] = {"GBR": "#0072B2", "ITA": "#D55E00", "MEX": "#009E73", "USA": "#E69F00"}

#: The marker of each country of the bundled cases, fixed (used where a country, not a case,
#: is drawn: the measure series).
COUNTRY_MARKERS: dict[str, str] = {"GBR": "o", "ITA": "s", "MEX": "^", "USA": "D"}

_BUNDLED: dict[str, tuple[str, ...]] = {
    "GBR": ("gbr-blair-1997", "gbr-brown-2007", "gbr-cameron-2010", "gbr-may-2016", "gbr-johnson-2019",
            "gbr-sunak-2022", "gbr-starmer-2024"),
    "ITA": ("ita-berlusconi-2008", "ita-renzi-2014", "ita-gentiloni-2016", "ita-conte-2018", "ita-conte-2019",
            "ita-draghi-2021", "ita-meloni-2022"),
    "MEX": ("mex-pena-nieto-2012", "mex-amlo-2018"),
    "USA": ("us-clinton-1993", "us-bush-2001", "us-obama-2009", "us-trump-2017", "us-biden-2021", "us-trump-2025"),
}  # fmt: skip

#: The marker of each bundled case, fixed: the cases of a country in the order of their
#: start, through :data:`MARKERS`.
BUNDLED_CASES: dict[str, str] = {case: MARKERS[i] for cases in _BUNDLED.values() for i, case in enumerate(cases)}

#: The country of each bundled case.
BUNDLED_COUNTRIES: dict[str, str] = {case: c for c, cases in _BUNDLED.items() for case in cases}


@dataclass(frozen=True, kw_only=True)
class Style:
    """How a case or a country is drawn: its colour and marker."""

    colour: str
    marker: str


def stable_hash(text: str) -> int:
    """A hash of a text that is the same in every run and on every machine (SHA-256)."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def _slot(key: str, options: Sequence[str], taken: set[str]) -> str:
    """The option a new key hashes to, or the next one (cyclically) not taken yet."""
    start = stable_hash(key) % len(options)
    for k in range(len(options)):
        option = options[(start + k) % len(options)]
        if option not in taken:
            return option
    return options[start]  # every option taken: the hashed one


def country_styles(countries: Iterable[str]) -> dict[str, Style]:
    """The colour and marker of each country, the same in every chart and run.

    The countries of the bundled cases have a fixed colour and marker
    (:data:`COUNTRY_COLOURS`, :data:`COUNTRY_MARKERS`). Another country hashes its ISO code
    (:func:`stable_hash`) into the line colours of :data:`OKABE_ITO` and into
    :data:`MARKERS`; when the colour (or marker) is already taken by a country given here,
    it takes the next free one, new countries in alphabetical order. A country's style
    thus depends only on its code, unless it collides with another country drawn with it.
    """
    given = list(dict.fromkeys(str(c) for c in countries))
    colours = {c: COUNTRY_COLOURS[c] for c in given if c in COUNTRY_COLOURS}
    markers = {c: COUNTRY_MARKERS[c] for c in given if c in COUNTRY_MARKERS}
    for c in sorted(c for c in given if c not in COUNTRY_COLOURS):
        colours[c] = _slot(c, CASE_COLOURS, set(colours.values()))
        markers[c] = _slot(c, MARKERS, set(markers.values()))
    return {c: Style(colour=colours[c], marker=markers[c]) for c in given}


def case_styles(units: pd.DataFrame) -> dict[str, Style]:
    """The colour and marker of each case of ``units`` (columns ``case, country``).

    A case has its country's colour (:func:`country_styles`) and a marker of its own: the
    bundled cases a fixed one (:data:`BUNDLED_CASES`), another case the marker its id
    hashes to (:func:`stable_hash` into :data:`MARKERS`), or, when a case of the same
    country given here already has it, the next free one (new cases in alphabetical order).
    Pass every case a chart draws (not only the visible subset) for the same result in
    every chart of a figure.
    """
    pairs = units[["case", "country"]].drop_duplicates("case")
    countries = country_styles(pairs["country"])
    country_of = dict(zip(pairs["case"].astype(str), pairs["country"].astype(str), strict=True))
    markers = {c: BUNDLED_CASES[c] for c in country_of if c in BUNDLED_CASES}
    for case in sorted(c for c in country_of if c not in BUNDLED_CASES):
        taken = {m for c, m in markers.items() if country_of[c] == country_of[case]}
        markers[case] = _slot(case, MARKERS, taken)
    return {c: Style(colour=countries[country_of[c]].colour, marker=markers[c]) for c in country_of}


# --- intervals: one style everywhere ------------------------------------------------------------

#: The interval style: a thick bar for the 68% interval, a thin line for the ``ci_prob`` one.
THICK, THIN = 3.4, 1.1


@dataclass(frozen=True, kw_only=True)
class IntervalSpec:
    """Which interval columns a table carries and how to name them in a legend or caption."""

    thin: tuple[str, str] | None  # the ci_prob interval (lo, hi)
    thick: tuple[str, str] | None  # the 68% interval (lo68, hi68)
    prob: float  # of the thin interval
    varies: str

    @property
    def any(self) -> bool:
        return self.thin is not None or self.thick is not None

    def text(self) -> str:
        """The legend or caption text: the levels drawn and what they vary."""
        parts = []
        if self.thick:
            parts.append("thick bar: 68% interval")
        if self.thin:
            parts.append(f"thin line: {_pct(self.prob)} interval")
        return "; ".join(parts) + f", over {self.varies}" if parts else ""


def _pct(p: float) -> str:
    return f"{round(p * 100)}%"


def interval_spec(scores: Scores, table: pd.DataFrame, *, prefix: str = "") -> IntervalSpec:
    """The intervals a table of ``scores`` carries (``lo, hi`` and ``lo68, hi68``), and their labels.

    The level is ``manifest["uncertainty"]["ci_prob"]`` and what it varies
    ``manifest["uncertainty"]["varies"]`` (``joint_uncertainty`` for ``prefix="joint_"``).
    """
    cols = set(table.columns)
    key = "uncertainty" if not prefix else prefix.rstrip("_") + "_uncertainty"
    unc = scores.manifest.get(key, {}) or {}
    thin = (f"{prefix}lo", f"{prefix}hi") if {f"{prefix}lo", f"{prefix}hi"} <= cols else None
    thick = (f"{prefix}lo68", f"{prefix}hi68") if {f"{prefix}lo68", f"{prefix}hi68"} <= cols else None
    prob = float(unc.get("ci_prob", 0.9))
    varies = str(unc.get("varies") or unc.get("method") or "the evidence")
    return IntervalSpec(thin=thin, thick=thick, prob=prob, varies=varies)


def draw_interval(
    ax: Axes,
    at: float,
    thin: tuple[float, float] | None,
    thick: tuple[float, float] | None,
    colour: str,
    *,
    vertical: bool = False,
    zorder: float = 2,
    transform: Any = None,
    fade: float = 1.0,
) -> None:
    """One interval in the common style at position ``at``: a thin line and a thick bar.

    ``thin`` and ``thick`` are (low, high) pairs (or None); ``fade`` scales the opacity.
    """
    kw: dict[str, Any] = {"color": colour, "solid_capstyle": "butt", "zorder": zorder}
    if transform is not None:
        kw["transform"] = transform
    for pair, lw, alpha in ((thin, THIN, 0.9), (thick, THICK, 0.5)):
        if pair is None or not (np.isfinite(pair[0]) and np.isfinite(pair[1])):
            continue
        xs, ys = (pair, (at, at)) if not vertical else ((at, at), pair)
        ax.plot(xs, ys, lw=lw, alpha=alpha * fade, **kw)


def interval_handles(spec: IntervalSpec, colour: str = "#595959") -> list[Any]:
    """Legend entries of the interval style (none when the table carries no interval)."""
    out: list[Any] = []
    if spec.thick:
        out.append(Line2D([], [], color=colour, lw=THICK, alpha=0.5, solid_capstyle="butt", label="68% interval"))
    if spec.thin:
        out.append(Line2D([], [], color=colour, lw=THIN, alpha=0.9, label=f"{_pct(spec.prob)} interval"))
    return out


def short_labels(units: pd.DataFrame) -> list[str]:
    """The units' labels without the first word when every case of that country starts with it.

    ``"UK Blair 1997-2007"`` becomes ``"Blair 1997-2007"`` when every UK case drawn starts
    with ``"UK "`` (the chart shows the country by colour); a country drawn with one case
    keeps its whole label.
    """
    labels = units["label"].astype(str).tolist()
    country = units["country"].astype(str).tolist()
    firsts: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for lab, c in zip(labels, country, strict=True):
        firsts.setdefault(c, set()).add(lab.split(" ", 1)[0] if " " in lab else "")
        counts[c] = counts.get(c, 0) + 1
    out = []
    for lab, c in zip(labels, country, strict=True):
        shared = firsts[c] if len(firsts[c]) == 1 else set()
        word = next(iter(shared), "")
        out.append(lab[len(word) + 1 :] if word and counts[c] > 1 else lab)
    return out


def text_shade(colour: str, factor: float = 0.72) -> str:
    """A darker shade of a colour, for text in that colour on white (orange and sky blue are too light)."""
    r, g, b, _ = to_rgba(colour)
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    if lum < 0.45:
        return to_hex((r, g, b))
    return to_hex((r * factor, g * factor, b * factor))
