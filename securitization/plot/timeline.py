"""The evidence items by date and indicator, sized by weight, coloured by code."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D

from ..scoring import Scores
from ..text import plot_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
from ._front import CODE_CMAP, GREY, check_scores, colormap, new_axes, select_units
from .layout import date_axis, shade_terms, term_table

__all__ = ["HEAD", "MAX_TIMELINE_POINTS", "plot_timeline", "timeline_size"]


#: Above this many items the timeline draws one marker per month, indicator and code.
MAX_TIMELINE_POINTS = 5_000


#: Room (in rows) above each country's block for the labels of its terms.
HEAD = 0.8


def _selection(
    scores: Scores, cases: Sequence[str] | None, countries: Sequence[str] | str | None, caller: str
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The units, their items (with ``country``) and the countries of the timeline."""
    units = select_units(scores, cases, caller)
    if countries is not None:
        countries = [countries] if isinstance(countries, str) else list(countries)
        units = units.loc[units["country"].isin(countries)]
    items = scores.items.loc[scores.items["uid"].isin(units["uid"])].copy()
    items["country"] = items["uid"].map(units.set_index("uid")["country"])
    ctry = list(dict.fromkeys(units.loc[units["uid"].isin(items["uid"]), "country"])) or list(
        dict.fromkeys(units["country"])
    )
    return units, items, ctry


def _size(n_countries: int, n_indicators: int) -> tuple[float, float]:
    return (11.0, 0.5 * (n_countries * n_indicators + HEAD * n_countries) + 2.0)


def timeline_size(
    scores: Scores, *, cases: Sequence[str] | None = None, countries: Sequence[str] | None = None
) -> tuple[float, float]:
    """The figure size (inches) of :func:`plot_timeline`: a row per country and indicator."""
    _, _, ctry = _selection(scores, cases, countries, "timeline_size")
    return _size(len(ctry), len(scores.codebook.indicators))


def plot_timeline(
    scores: Scores,
    *,
    cases: Sequence[str] | None = None,
    countries: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """The evidence items by date and indicator, sized by weight, coloured by code.

    One row per indicator (per country and indicator when items of several countries are
    drawn); items of one row are spread over three lanes in date order so that items on
    nearby dates stay visible (said under the chart: the lane carries no meaning). An item
    whose consolidated code lies between two levels (the median of two coders' 2 and 3 is
    2.5) is drawn half in each level's colour, as the legend shows. Each case's term is
    shaded and labelled, a short term beside it (see
    :func:`~securitization.plot.layout.shade_terms`).

    Parameters
    ----------
    scores
        The scores whose evidence trail to draw.
    cases
        Case ids whose items to draw (default: every case).
    countries
        ISO alpha-3 codes whose items to draw (default: every country).
    ax
        The Axes to draw on.
    title
        The title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    scores = check_scores(scores, "plot_timeline")
    cb = scores.codebook
    units, items, ctry = _selection(scores, cases, countries, "plot_timeline")
    codes = list(cb.indicator_codes)
    names = {i.code: i.name for i in cb.indicators}
    rows = [(c, i) for c in ctry for i in codes]
    multi = len(ctry) > 1
    head = HEAD  # room above each country block for the term labels
    block = len(codes) + head
    ypos = {(c, i): k * block + head + j for k, c in enumerate(ctry) for j, i in enumerate(codes)}
    ax = new_axes(ax, _size(len(ctry), len(codes)))
    n_items = len(items)
    thinned = n_items > MAX_TIMELINE_POINTS
    if thinned:  # one marker per country, indicator, month and code, sized by the items' total weight
        month = items["date"].dt.to_period("M").dt.to_timestamp() + pd.Timedelta(days=14)
        items = (
            items.assign(date=month, code=items["code"].round(1))
            .groupby(["country", "indicator", "date", "code"], sort=True, observed=True)["weight"]
            .sum()
            .reset_index()
        )
        items["evidence_id"] = ""
        items["weight"] = np.sqrt(items["weight"].to_numpy(dtype=float))
    items = items.sort_values(["country", "indicator", "date", "evidence_id"], kind="stable")
    base = np.array([ypos[(c, i)] for c, i in zip(items["country"], items["indicator"], strict=True)], dtype=float)
    lane = items.groupby(["country", "indicator"]).cumcount().to_numpy() % 3
    items["y"] = base + (lane - 1) * 0.24
    # continuous, so that an item whose coders' codes were consolidated to a half level
    # (median of 2 and 3 = 2.5) is drawn between the two level colours
    cmap = colormap(CODE_CMAP)
    norm = Normalize(cb.scale.min, cb.scale.max)
    # the terms of the cases drawn (an ongoing term ends at its last item), and every item
    shown = units.loc[units["country"].isin(ctry)]
    starts = [pd.Timestamp(shown["start"].min())]
    ends = [pd.Timestamp(shown["end"].max())] if shown["end"].notna().any() else []
    if len(items):
        starts.append(items["date"].min())
        ends.append(items["date"].max())
    xmin = min(starts) - pd.Timedelta(days=120)
    xmax = max(ends or [xmin + pd.Timedelta(days=365 * 4)]) + pd.Timedelta(days=120)
    for k in range(1, len(ctry)):
        ax.axhline(k * block - 0.5, color="#404040", lw=0.8)
    code = items["code"].to_numpy(dtype=float)
    whole = np.isclose(code, np.round(code))
    size = 28 * items["weight"].to_numpy(dtype=float)
    xnum = np.asarray(mdates.date2num(items["date"]), dtype=float)
    yv = items["y"].to_numpy(dtype=float)
    ax.scatter(xnum[whole], yv[whole], s=size[whole], c=code[whole], cmap=cmap, norm=norm, edgecolor="#303030",
               lw=0.4, alpha=0.9, zorder=3)  # fmt: skip
    # a code between two levels (coders' codes consolidated to, say, 2.5): half of each level's colour
    between = pd.DataFrame({"x": xnum, "y": yv, "size": size, "lo": np.floor(code), "hi": np.ceil(code)})[~whole]
    for (sz, lo, hi), g in between.groupby(["size", "lo", "hi"], sort=True):
        ax.plot(g["x"], g["y"], ls="", marker="o", ms=math.sqrt(float(sz)), fillstyle="left", mfc=cmap(norm(lo)),
                mfcalt=cmap(norm(hi)), mec="#303030", mew=0.4, alpha=0.9, zorder=3)  # fmt: skip
    ax.set_ylim(len(ctry) * block - 0.5, -0.5)
    have = set(zip(items["country"], items["indicator"], strict=True))
    for r in rows:
        if r not in have:
            ax.text(
                0.01,
                ypos[r],
                "no evidence items",
                transform=ax.get_yaxis_transform(),
                va="center",
                fontsize=8,
                color=GREY,
                style="italic",
            )
    ax.set_yticks([ypos[r] for r in rows])
    ax.set_yticklabels(
        [f"{c} · {i} {names[i]}" if multi else f"{i} {names[i]}" for c, i in rows],
        fontsize=8.5,
    )
    ax.set_xlim(mdates.date2num(xmin), mdates.date2num(xmax))
    date_axis(ax, xmin, xmax)
    ax.set_xlabel("Date of the evidence item", fontsize=9.5)
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(plot_text(title) if title else "Evidence timeline", fontsize=12.5)
    code_handles = [
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            ms=7,
            mfc=cmap(norm(lv.value)),
            mec="#303030",
            mew=0.4,
            label=f"{lv.value} {lv.label}",
        )
        for lv in cb.scale.levels
    ]
    ws = sorted({float(w) for w in items["weight"]}) or [1.0]
    if len(ws) > 4:
        ws = [ws[0], ws[len(ws) // 2], ws[-1]]
    size_handles = [
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            ms=math.sqrt(28 * w),
            mfc="#bfbfbf",
            mec="#303030",
            mew=0.4,
            label=f"{w * w:,.0f}" if thinned else f"{w:g}",
        )
        for w in ws
    ]
    header = Line2D([], [], ls="", marker="", label="Total weight" if thinned else "Weight")
    if thinned:
        ax.annotate(
            f"{n_items:,} items: one marker per month, indicator and code, its area proportional to the items' "
            "total weight",
            xy=(0, 1),
            xycoords="axes fraction",
            xytext=(0, 4),
            textcoords="offset points",
            fontsize=7.5,
            color=GREY,
            va="bottom",
        )
    if (~whole).any():
        lv = cb.scale.levels
        a, b = lv[len(lv) // 2 - 1].value, lv[len(lv) // 2].value
        code_handles.append(
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                ms=7,
                fillstyle="left",
                mfc=cmap(norm(a)),
                mfcalt=cmap(norm(b)),
                mec="#303030",
                mew=0.4,
                label="between two levels\n(e.g. coders' median)",
            )
        )
    gap = Line2D([], [], ls="", marker="", label=" ")
    leg = ax.legend(
        handles=[*code_handles, gap, header, *size_handles],
        title="Code",
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        frameon=False,
        fontsize=8.5,
        title_fontsize=9,
        alignment="left",
    )
    for text in leg.get_texts():
        if text.get_text() in ("Weight", "Total weight"):
            text.set_fontsize(9)
            text.set_position((-22, 0))
    ax.annotate(
        "Each indicator's items are spread over three lanes in date order, so that items on nearby dates stay\n"
        "visible; the lane carries no meaning. Shaded: the term of each case.",
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(0, -30),
        textcoords="offset points",
        fontsize=7.5,
        color=GREY,
        va="top",
        annotation_clip=False,
    )
    for k, c in enumerate(ctry):  # last: the term labels are placed on the final layout
        top, bottom = k * block - 0.5, (k + 1) * block - 0.5
        shade_terms(ax, term_table(scores, [c]), xmin, xmax, y0=bottom, y1=top, data_y=True, label_y=top + 0.08,
                    fontsize=7.5)  # fmt: skip
    if not len(items):
        ax.text(0.5, 0.5, "no evidence items", transform=ax.transAxes, ha="center", color=GREY, style="italic")
    return ax
