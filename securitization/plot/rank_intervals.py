"""Rank intervals per case (from a sensitivity analysis or a bootstrap)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from ..errors import ParameterError
from ..scoring import Scores
from ..text import plot_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
from ._front import (
    BUNDLED_COUNTRIES,
    GREY,
    OKABE_ITO,
    THIN,
    Style,
    as_frame,
    case_styles,
    draw_interval,
    new_axes,
    require_columns,
)
from .layout import legend_below

__all__ = ["plot_rank_intervals", "rank_intervals_size"]


def rank_intervals_size(sensitivity: pd.DataFrame | Scores | Any) -> tuple[float, float]:
    """The figure size (inches) of :func:`plot_rank_intervals`: a row per case."""
    if isinstance(sensitivity, Scores):
        n = len(sensitivity.overall)
    else:
        n = len(as_frame(sensitivity, "rank_intervals_size", "sensitivity"))
    return (8.0, 0.45 * n + 1.9)


def _level(sensitivity: Any, frame: pd.DataFrame) -> tuple[float | None, str]:
    """The rank interval's probability and what it varies, from the result (or the table's columns)."""
    if isinstance(sensitivity, Scores):
        unc = sensitivity.manifest.get("uncertainty", {}) or {}
        prob = unc.get("ci_prob")
        return (float(prob) if prob is not None else None), str(unc.get("varies") or unc.get("method") or "")
    params = getattr(sensitivity, "parameters", None)
    if isinstance(params, dict) and params.get("ci_prob") is not None:
        words = {"weights": "weights", "item_rule": "item rule", "aggregation": "aggregation",
                 "leave_out": "a left-out indicator"}  # fmt: skip
        factors = ", ".join(words.get(str(f), str(f).replace("_", " ")) for f in params.get("factors", []))
        runs = params.get("n_runs")
        what = f"the method: {factors}" if factors else "the method"
        return float(params["ci_prob"]), what + (f" (sensitivity analysis, {runs} runs)" if runs else "")
    if "ci_prob" in frame.columns and frame["ci_prob"].notna().any():
        return float(frame["ci_prob"].dropna().iloc[0]), ""
    return None, ""


def _countries(sensitivity: Any, frame: pd.DataFrame) -> pd.DataFrame:
    """``case, country`` of the table's cases: its own column, the result's scores or data, the bundled table."""
    if "country" in frame.columns:
        return frame[["case", "country"]]
    known: dict[str, str] = dict(BUNDLED_COUNTRIES)
    units = (
        sensitivity.units
        if isinstance(sensitivity, Scores)
        else getattr(getattr(sensitivity, "data", None), "cases", None)
    )
    if isinstance(units, pd.DataFrame) and {"case", "country"} <= set(units.columns):
        known.update(zip(units["case"].astype(str), units["country"].astype(str), strict=True))
    cases = frame["case"].astype(str)
    return pd.DataFrame({"case": cases, "country": [known.get(c, c) for c in cases]})


def plot_rank_intervals(
    sensitivity: pd.DataFrame | Scores | Any,
    *,
    ci_prob: float | None = None,
    varies: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """The rank of each case with its interval, from a sensitivity analysis (or the intervals of the scores).

    Each case is a row: its nominal rank (open diamond), its median rank (the case's
    marker, in its colour) and its rank interval (a line in the case's colour). The
    legend states the interval's level and what it varies.

    Parameters
    ----------
    sensitivity
        A table with columns ``label, rank_nominal`` (or ``rank``) and optionally
        ``case``, ``rank_median``, ``rank_lo``, ``rank_hi`` (one row per case); a result with
        ``.to_frame()`` returning one (a :class:`~securitization.uncertainty.Sensitivity`,
        whose ``parameters`` give the level and the factors varied); or :class:`Scores`
        whose overall table has ``rank`` (and ``rank_lo``/``rank_hi`` after
        :func:`~securitization.uncertainty.intervals`). Rank 1 is the most securitized.
    ci_prob, varies
        The interval's probability and what it varies, for a plain table (default: read
        from the result; for a table without them, the legend says the level is not given).
    ax
        The Axes to draw on.
    title
        The title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if isinstance(sensitivity, Scores):
        ov = sensitivity.overall
        frame = pd.DataFrame(
            {
                "case": ov["case"],
                "label": ov["label"].map(plot_text),
                "rank_nominal": pd.to_numeric(ov["rank"], errors="coerce").astype(float),
            }
        )
        if "status" in ov.columns:
            frame["status"] = ov["status"].to_numpy()
        for c in ("rank_lo", "rank_hi", "rank_median"):
            if c in ov.columns:
                frame[c] = pd.to_numeric(ov[c], errors="coerce").astype(float)
    else:
        frame = as_frame(sensitivity, "plot_rank_intervals", "sensitivity")
    if "rank_nominal" not in frame.columns and "rank" in frame.columns:
        frame = frame.assign(rank_nominal=frame["rank"])
    require_columns(frame, ["label", "rank_nominal"], "plot_rank_intervals", "sensitivity")
    own_prob, own_varies = _level(sensitivity, frame)
    prob = ci_prob if ci_prob is not None else own_prob
    if prob is not None and not (isinstance(prob, int | float) and 0 < float(prob) < 1):
        raise ParameterError.invalid("ci_prob", "plot_rank_intervals", "a probability between 0 and 1", prob)
    what = varies if varies is not None else own_varies
    frame = frame.assign(_r=pd.to_numeric(frame["rank_nominal"], errors="coerce").astype(float))
    frame = frame.sort_values(["_r", "label"], na_position="last", kind="stable").reset_index(drop=True)
    n = len(frame)
    ax = new_axes(ax, rank_intervals_size(sensitivity))
    has_iv = {"rank_lo", "rank_hi"} <= set(frame.columns)
    has_med = "rank_median" in frame.columns
    nominal = frame["_r"].to_numpy(dtype=float)
    lo = pd.to_numeric(frame["rank_lo"], errors="coerce").to_numpy(dtype=float) if has_iv else np.full(n, np.nan)
    hi = pd.to_numeric(frame["rank_hi"], errors="coerce").to_numpy(dtype=float) if has_iv else np.full(n, np.nan)
    med = pd.to_numeric(frame["rank_median"], errors="coerce").to_numpy(dtype=float) if has_med else np.full(n, np.nan)
    styles = case_styles(_countries(sensitivity, frame)) if "case" in frame.columns else {}
    default = Style(colour=OKABE_ITO[0], marker="o")
    for i in range(n):
        st = styles.get(str(frame["case"].iloc[i]), default) if styles else default
        if not np.isfinite(nominal[i]) and not np.isfinite(med[i]):
            ax.text(0.02, i, "no rank (missing score)", transform=ax.get_yaxis_transform(), va="center",
                    fontsize=8.5, color=GREY, style="italic")  # fmt: skip
            continue
        draw_interval(ax, i, (lo[i], hi[i]), None, st.colour)
        if np.isfinite(nominal[i]):
            ax.scatter([nominal[i]], [i], s=80, marker="D", facecolor="none", edgecolor="black", lw=1.1, zorder=4)
        if np.isfinite(med[i]):
            ax.scatter([med[i]], [i], s=30, color=st.colour, marker=st.marker, zorder=3)
    top = np.nanmax(np.concatenate([nominal, hi, med, [1.0]]))
    ax.set_xlim(0.5, top + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_yticks(range(n))
    flags = {"ongoing": " (ongoing)", "partial": " (partial evidence)"}
    status = frame["status"] if "status" in frame.columns else pd.Series("", index=frame.index)
    ax.set_yticklabels(
        [f"{lab}{flags.get(str(st), '')}" for lab, st in zip(frame["label"].astype(str), status, strict=True)],
        fontsize=9,
    )
    ax.set_ylim(n - 0.5, -0.5)
    ax.grid(axis="x", color="#e6e6e6", lw=0.7)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.set_xlabel("Rank (1 = most securitized)", fontsize=10)
    ax.set_title(plot_text(title) if title else "Rank intervals", fontsize=12.5)
    handles: list[Any] = [
        Line2D([], [], ls="", marker="D", mfc="none", mec="black", ms=7, label="nominal rank"),
    ]
    if has_med:
        handles.append(Line2D([], [], ls="", marker="o", color=GREY, ms=4.5, label="median rank (case's marker)"))
    note = None
    if has_iv:
        level = f"{round(float(prob) * 100)}% rank interval" if prob is not None else "rank interval (level not given)"
        handles.append(Line2D([], [], color=GREY, lw=THIN, label=level))
        note = f"Rank intervals over {what}." if what else None
    legend_below(ax, handles, note=note)
    return ax
