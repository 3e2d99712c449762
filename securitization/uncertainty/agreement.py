"""Inter-coder reliability: Krippendorff's alpha, percent agreement and a reliability gate.

The *units* of the reliability analysis are the evidence items coded by at least two coders
(a doubly coded item has one evidence row per coder); the *values* are the coders' ordinal
codes. :func:`krippendorff_alpha` computes alpha from a coders x units matrix;
:func:`reliability` computes it per indicator and over all indicators from a dataset or a
:class:`~securitization.scoring.Scores`, with a bootstrap interval, the pairwise percent
agreement, the items on which the coders disagree most, and a gate.

Alpha follows Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability"
(https://repository.upenn.edu/asc_papers/43): the coincidence matrix ``o`` of pairable
values, the marginals ``n_c``, and ``alpha = 1 - (n - 1) * sum(o * d) / sum(n_c n_k d)``,
with the difference function ``d`` of the level of measurement (nominal, ordinal,
interval, ratio). The implementation is a small vectorised numpy kernel, checked in the
tests against Krippendorff's worked example and against the ``krippendorff`` package.

The **interval** is a percentile bootstrap over units: the multiply-coded items are drawn
with replacement, each with all its codes, and alpha is recomputed (its coincidences and
marginals, hence the expected disagreement, change with the draw). This differs from the
Hayes & Krippendorff (2007) algorithm, which resamples pairs of values; both give similar
intervals for tens of units or more. ``p_below`` is the share of replicates under the
gate, the probability Krippendorff suggests reporting ("q") for the smallest acceptable
alpha.

The **gate**: ``min_alpha`` comes from the codebook (``min_alpha``, 0.667 by default: the
lowest alpha Krippendorff accepts for tentative conclusions; 0.8 for firm ones) or from the
call. An indicator whose alpha is under it is ``flagged``; an indicator without pairable
codes cannot be checked and is not flagged (its ``note`` says so).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..export import html_view
from ..progress import progress
from ..scoring import Prepared, Scores, prepare
from ..tables import Dataset
from .draws import DEFAULT_SEED, RngLike, check_ci_prob, check_n, resolve_rng

__all__ = ["LevelOfMeasurement", "Reliability", "krippendorff_alpha", "percent_agreement", "reliability"]

LevelOfMeasurement = Literal["nominal", "ordinal", "interval", "ratio"]
_LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")


def _check_level(level: str, caller: str) -> LevelOfMeasurement:
    if level not in _LEVELS:
        raise ParameterError.invalid("level", caller, f"one of {list(_LEVELS)}", level)
    return level  # type: ignore[return-value]


# --- the kernel ---------------------------------------------------------------------------


def _unit_coincidences(counts: np.ndarray) -> np.ndarray:
    """Per-unit coincidences (U, V, V) of the pairable units (rows of ``counts`` with m >= 2)."""
    m = counts.sum(axis=1)
    w = 1.0 / (m - 1.0)
    outer = counts[:, :, None] * counts[:, None, :]
    diag = np.einsum("uv,vw->uvw", counts, np.eye(counts.shape[1]))
    return (outer - diag) * w[:, None, None]


def _delta(level: str, values: np.ndarray, n_c: np.ndarray) -> np.ndarray:
    """Squared differences (..., V, V); ``n_c`` (..., V) are the value marginals (ordinal)."""
    v = values.astype(float)
    if level == "nominal":
        d = 1.0 - np.eye(len(v))
        return np.broadcast_to(d, (*n_c.shape[:-1], len(v), len(v)))
    if level == "interval":
        d = (v[:, None] - v[None, :]) ** 2
        return np.broadcast_to(d, (*n_c.shape[:-1], len(v), len(v)))
    if level == "ratio":
        s = v[:, None] + v[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            d = np.where(s != 0, ((v[:, None] - v[None, :]) / np.where(s != 0, s, 1.0)) ** 2, 0.0)
        return np.broadcast_to(d, (*n_c.shape[:-1], len(v), len(v)))
    # ordinal: (sum_{g=c}^{k} n_g - (n_c + n_k) / 2)^2
    cs = np.cumsum(n_c, axis=-1)
    idx = np.arange(len(v))
    lo = np.minimum(idx[:, None], idx[None, :])
    hi = np.maximum(idx[:, None], idx[None, :])
    between = cs[..., hi] - cs[..., lo] + n_c[..., lo]
    return (between - (n_c[..., :, None] + n_c[..., None, :]) / 2.0) ** 2


def _alpha_from_coincidences(o: np.ndarray, values: np.ndarray, level: str) -> np.ndarray:
    """Alpha from coincidence matrices (..., V, V); NaN when there is no expected disagreement."""
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    d = _delta(level, values, n_c)
    observed = (o * d).sum(axis=(-2, -1))
    expected = (n_c[..., :, None] * n_c[..., None, :] * d).sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(expected > 0, 1.0 - (n - 1.0) * observed / np.where(expected > 0, expected, 1.0), np.nan)


def _value_counts(
    data: Any, value_domain: Any = None, caller: str = "krippendorff_alpha"
) -> tuple[np.ndarray, np.ndarray]:
    arr = np.asarray(data, dtype=float)
    if arr.ndim != 2:
        raise ParameterError.invalid(
            "reliability_data", caller, "a 2-D array-like of coders x units (NaN for a missing value)", arr.shape
        )
    present = ~np.isnan(arr)
    observed = np.unique(arr[present])
    values = observed if value_domain is None else np.asarray(value_domain, dtype=float)
    if value_domain is not None and not np.isin(observed, values).all():
        bad = sorted(set(observed.tolist()) - set(values.tolist()))
        raise ParameterError.invalid("value_domain", caller, "a domain that holds every coded value", bad)
    idx = np.searchsorted(values, np.where(present, arr, values[0] if len(values) else 0.0))
    unit = np.broadcast_to(np.arange(arr.shape[1]), arr.shape)
    counts = np.zeros((arr.shape[1], len(values)))
    np.add.at(counts, (unit[present], idx[present]), 1.0)
    return counts, values


def krippendorff_alpha(
    reliability_data: Any, *, level: LevelOfMeasurement = "ordinal", value_domain: Any = None
) -> float:
    """Krippendorff's alpha of a coders x units matrix.

    Parameters
    ----------
    reliability_data
        Array-like of shape (n_coders, n_units) with numeric codes; ``NaN`` where a coder
        did not code a unit (as in the ``krippendorff`` package).
    level
        Level of measurement: ``"nominal"``, ``"ordinal"`` (default: the codebook's scale),
        ``"interval"`` or ``"ratio"``.
    value_domain
        The possible values, in order (default: the values that occur). Values that no
        coder used do not change alpha.

    Returns
    -------
    float
        Alpha (1 = perfect agreement, 0 = agreement at chance level); ``NaN`` when every
        pairable value is the same (no variation, so no expected disagreement).

    Raises
    ------
    ParameterError
        When no unit has values from at least two coders.

    Examples
    --------
    Krippendorff (2011), section C: 4 coders, 12 units.

    >>> import numpy as np
    >>> nan = np.nan
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> round(krippendorff_alpha(data, level="nominal"), 3)
    0.743
    >>> round(krippendorff_alpha(data, level="ordinal"), 3)
    0.815
    """
    caller = "krippendorff_alpha"
    level = _check_level(level, caller)
    counts, values = _value_counts(reliability_data, value_domain, caller)
    pairable = counts.sum(axis=1) >= 2
    if not pairable.any():
        raise ParameterError(
            "There has to be at least one unit with values assigned by at least two coders "
            "(Krippendorff's alpha compares the values that coders gave to the same unit)."
        )
    o = _unit_coincidences(counts[pairable]).sum(axis=0)
    return float(_alpha_from_coincidences(o, values, level))


def percent_agreement(reliability_data: Any) -> float:
    """Pairwise percent agreement: the share of pairs of values on a unit that are equal.

    Over the units with at least two values: ``sum_u sum_c n_uc (n_uc - 1) / sum_u m_u (m_u - 1)``.

    Examples
    --------
    >>> percent_agreement([[1, 2, 3], [1, 2, 4]])
    0.6666666666666666
    """
    counts, _ = _value_counts(reliability_data, caller="percent_agreement")
    return _agreement(counts)


def _agreement(counts: np.ndarray) -> float:
    m = counts.sum(axis=1)
    den = (m * (m - 1.0))[m >= 2].sum()
    return float((counts * (counts - 1.0)).sum() / den) if den > 0 else float("nan")


# --- the analysis -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Reliability:
    """Inter-coder reliability per indicator and overall.

    Attributes
    ----------
    table
        One row per indicator and one ``overall`` row (indicator ``"all"``): ``scope,
        indicator, name, alpha, lo, hi, p_below, agreement, n_items, n_values, n_coders,
        min_alpha, flagged, note``. ``alpha`` is Krippendorff's alpha at ``level``;
        ``lo, hi`` its bootstrap percentile interval; ``p_below`` the share of bootstrap
        replicates under ``min_alpha``; ``agreement`` the pairwise percent agreement;
        ``n_items`` the items coded by two coders or more; ``n_values`` their codes.
    disagreements
        The ``top`` items with the widest range of codes: ``case, indicator, evidence_id,
        title, coders, codes, range, sd, n_coders``.
    level, min_alpha, ci_prob
        The level of measurement, the gate and the interval's probability.
    parameters
        The run's parameters (level, gate and where it came from, ``n_boot``, ``ci_prob``,
        seed, design), as written into results.
    """

    table: pd.DataFrame
    disagreements: pd.DataFrame = field(repr=False)
    level: LevelOfMeasurement
    min_alpha: float
    ci_prob: float
    parameters: dict[str, Any] = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The per-indicator table (a copy)."""
        return self.table.copy()

    @property
    def flagged(self) -> list[str]:
        """Codes of the indicators under the gate."""
        t = self.table
        return [str(c) for c in t.loc[(t["scope"] == "indicator") & t["flagged"], "indicator"]]

    def flag(self, scores: Scores) -> Scores:
        """A copy of ``scores`` whose indicators table has ``alpha`` and ``reliability_flagged`` columns."""
        per = self.table.loc[self.table["scope"] == "indicator"].set_index("indicator")
        ind = scores.indicators.copy()
        ind["alpha"] = ind["indicator"].map(per["alpha"]).astype(float)
        ind["reliability_flagged"] = ind["indicator"].map(per["flagged"]).fillna(False).astype(bool)
        manifest = dict(scores.manifest)
        manifest["reliability"] = self.parameters
        return replace(scores, indicators=ind, manifest=manifest)

    def _facts(self) -> list[str]:
        def f(x: float) -> str:
            return "—" if x is None or not np.isfinite(x) else f"{x:.3f}"

        t = self.table
        allrow = t.loc[t["scope"] != "indicator"]
        pct = round(self.ci_prob * 100)
        lines = [
            f"Krippendorff's alpha ({self.level}) of {int((t['scope'] == 'indicator').sum())} indicators, gate {self.min_alpha:g}"
        ]
        if len(allrow):
            r = allrow.iloc[0]
            lines.append(
                f"overall alpha {f(r['alpha'])} [{f(r['lo'])}, {f(r['hi'])}] ({pct}% bootstrap interval, "
                f"{self.parameters.get('n_boot', '')} replicates, seed {self.parameters.get('seed')}) on "
                f"{int(r['n_items'])} doubly coded items"
            )
        flagged = self.flagged
        lines.append(f"under the gate: {', '.join(flagged)}" if flagged else "no indicator under the gate")
        return lines

    def __repr__(self) -> str:
        return "\n".join(["Reliability: " + self._facts()[0], *self._facts()[1:]])

    def _repr_html_(self) -> str:
        cols = ["indicator", "alpha", "lo", "hi", "agreement", "n_items", "flagged", "note"]
        return html_view("Reliability", self._facts(), self.table[[c for c in cols if c in self.table.columns]], 3)

    def __str__(self) -> str:
        def f(x: float) -> str:
            return "—" if x is None or not np.isfinite(x) else f"{x:.3f}"

        pct = round(self.ci_prob * 100)
        head = f"Inter-coder reliability: Krippendorff's alpha ({self.level}), gate {self.min_alpha:g}"
        lines = [head, "=" * len(head)]
        lines.append(f"{'indicator':<10} {'alpha':>6} {f'[{pct}% interval]':>18} {'agree':>6} {'items':>6}  note")
        for r in self.table.itertuples(index=False):
            ci = f"[{f(r.lo)}, {f(r.hi)}]"
            mark = "FLAGGED: under the gate" if r.flagged else str(r.note)
            lines.append(f"{r.indicator!s:<10} {f(r.alpha):>6} {ci:>18} {f(r.agreement):>6} {r.n_items:>6}  {mark}")
        if len(self.disagreements):
            lines += ["", "Largest disagreements:"]
            for d in self.disagreements.itertuples(index=False):
                lines.append(f"  {d.indicator} {d.evidence_id}: codes {d.codes} by {d.coders} (range {d.range:g})")
        return "\n".join(lines)


def _prepared(data: Dataset | Scores | Prepared, caller: str) -> Prepared:
    if isinstance(data, Prepared):
        return data
    if isinstance(data, Scores):
        if data.prepared is None:
            raise ParameterError.invalid("data", caller, "Scores made by securitization.score", "Scores without arrays")
        return data.prepared
    if isinstance(data, Dataset):
        return prepare(data)
    raise ParameterError.invalid("data", caller, "a Dataset (from securitization.load) or Scores", type(data).__name__)


def _bootstrap_alpha(
    per_unit: np.ndarray, values: np.ndarray, level: str, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """Alpha of ``n_boot`` resamples of units; ``per_unit`` (U, V, V) coincidences."""
    u = per_unit.shape[0]
    flat = per_unit.reshape(u, -1)
    out = np.empty(n_boot)
    chunk = max(1, (1 << 22) // max(u, 1))
    for a in progress(range(0, n_boot, chunk), desc="reliability", total=-(-n_boot // chunk), unit="chunk"):
        reps = min(chunk, n_boot - a)
        idx = rng.integers(0, u, size=(reps, u))
        k = np.bincount((np.arange(reps)[:, None] * u + idx).ravel(), minlength=reps * u).reshape(reps, u)
        o = (k.astype(float) @ flat).reshape(reps, *per_unit.shape[1:])
        out[a : a + reps] = _alpha_from_coincidences(o, values, level)
    return out


def reliability(
    data: Dataset | Scores,
    *,
    level: LevelOfMeasurement = "ordinal",
    min_alpha: float | None = None,
    n_boot: int = 1000,
    ci_prob: float = 0.9,
    rng: RngLike = DEFAULT_SEED,
    top: int = 10,
) -> Reliability:
    """Inter-coder reliability of the multiply-coded items, per indicator and overall.

    Parameters
    ----------
    data
        A :class:`~securitization.tables.Dataset` or a :class:`~securitization.scoring.Scores`.
    level
        Level of measurement of the codes (``"ordinal"`` by default: the scale is ordinal).
    min_alpha
        The gate; default the codebook's ``min_alpha`` (0.667 in ``bourbeau-2011``).
    n_boot, ci_prob, rng
        Bootstrap replicates, interval probability, and a Generator, int seed or ``None``.
    top
        How many items to list in ``disagreements``.

    Returns
    -------
    Reliability

    Examples
    --------
    >>> from securitization import load
    >>> rel = reliability(load(), n_boot=100, rng=1)
    >>> list(rel.table.columns[:4])
    ['scope', 'indicator', 'name', 'alpha']
    """
    caller = "reliability"
    level = _check_level(level, caller)
    ci_prob = check_ci_prob(ci_prob, caller)
    n_boot = check_n(n_boot, "n_boot", caller)
    top = check_n(top, "top", caller, minimum=0)
    prep = _prepared(data, caller)
    cb = prep.codebook
    source = "argument"
    if min_alpha is None:
        min_alpha, source = cb.min_alpha, "codebook"
    if not isinstance(min_alpha, float | int) or isinstance(min_alpha, bool) or not -1 <= float(min_alpha) <= 1:
        raise ParameterError.invalid("min_alpha", caller, "a number between -1 and 1", min_alpha)
    min_alpha = float(min_alpha)
    gen, record = resolve_rng(rng, caller)
    rows = prep.rows
    items = prep.items
    n_rows = np.bincount(rows["item"].to_numpy(dtype=np.intp), minlength=len(items)) if len(rows) else np.zeros(0)
    multi_items = np.flatnonzero(n_rows >= 2)
    r = rows.loc[rows["item"].isin(multi_items)]
    values = np.array(cb.scale.values, dtype=float)
    extra = np.setdiff1d(np.unique(r["code"].to_numpy(dtype=float)), values)
    values = np.union1d(values, extra)
    # counts per item (unit) x value
    unit_of_item = np.full(len(items), -1, dtype=np.intp)
    unit_of_item[multi_items] = np.arange(len(multi_items))
    counts = np.zeros((len(multi_items), len(values)))
    if len(r):
        np.add.at(
            counts,
            (unit_of_item[r["item"].to_numpy(dtype=np.intp)], np.searchsorted(values, r["code"].to_numpy(dtype=float))),
            1.0,
        )
    per_unit = _unit_coincidences(counts) if len(counts) else np.zeros((0, len(values), len(values)))
    unit_ind = items["ind"].to_numpy(dtype=np.intp)[multi_items] if len(items) else np.zeros(0, dtype=np.intp)
    records = []
    scopes: list[tuple[str, str, str, np.ndarray]] = [
        ("indicator", ind.code, ind.name, unit_ind == i) for i, ind in enumerate(cb.indicators)
    ]
    scopes.append(("overall", "all", "all indicators", np.ones(len(multi_items), dtype=bool)))
    a = (1.0 - ci_prob) / 2.0
    for scope, code, name, sel in scopes:
        n_items = int(sel.sum())
        item_ids = multi_items[sel]
        coders = rows.loc[rows["item"].isin(item_ids), "coder"].nunique() if n_items else 0
        rec: dict[str, Any] = {
            "scope": scope,
            "indicator": code,
            "name": name,
            "alpha": np.nan,
            "lo": np.nan,
            "hi": np.nan,
            "p_below": np.nan,
            "agreement": np.nan,
            "n_items": n_items,
            "n_values": int(counts[sel].sum()),
            "n_coders": int(coders),
            "min_alpha": min_alpha,
            "flagged": False,
            "note": "",
        }
        if n_items == 0:
            rec["note"] = "no item coded by two coders: reliability not checked"
        else:
            o = per_unit[sel].sum(axis=0)
            alpha = float(_alpha_from_coincidences(o, values, level))
            boot = _bootstrap_alpha(per_unit[sel], values, level, n_boot, gen)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                lo, hi = np.nanquantile(boot, [a, 1.0 - a]) if np.isfinite(boot).any() else (np.nan, np.nan)
            finite = boot[np.isfinite(boot)]
            rec.update(
                alpha=alpha,
                lo=float(lo),
                hi=float(hi),
                p_below=float((finite < min_alpha).mean()) if len(finite) else np.nan,
                agreement=_agreement(counts[sel]),
                flagged=bool(np.isfinite(alpha) and alpha < min_alpha),
            )
            if not np.isfinite(alpha):
                rec["note"] = "every code is the same: alpha undefined (no variation)"
            elif n_items < 10:
                rec["note"] = f"only {n_items} items: interval wide"
        records.append(rec)
    table = pd.DataFrame.from_records(records)
    disagreements = _disagreements(prep, multi_items, top)
    parameters = {
        "method": "krippendorff_alpha",
        "level": level,
        "min_alpha": min_alpha,
        "min_alpha_from": source,
        "n_boot": n_boot,
        "ci_prob": ci_prob,
        **record,
        "design": "units (multiply-coded items) resampled with replacement; percentile interval",
    }
    return Reliability(
        table=table,
        disagreements=disagreements,
        level=level,
        min_alpha=min_alpha,
        ci_prob=ci_prob,
        parameters=parameters,
    )


def _disagreements(prep: Prepared, multi_items: np.ndarray, top: int) -> pd.DataFrame:
    cols = ["case", "indicator", "evidence_id", "title", "coders", "codes", "range", "sd", "n_coders"]
    if len(multi_items) == 0 or top == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    r = prep.rows.loc[prep.rows["item"].isin(multi_items)]
    g = r.groupby("item", sort=True)["code"]
    stats = pd.DataFrame({"range": g.max() - g.min(), "sd": g.std(ddof=0)})
    it = prep.items.set_index("item").loc[stats.index]
    out = pd.DataFrame(
        {
            "item": stats.index.to_numpy(),
            "case": it["case"].astype(str).to_numpy(),
            "indicator": it["indicator"].astype(str).to_numpy(),
            "evidence_id": it["evidence_id"].astype(str).to_numpy(),
            "title": prep.data.evidence["title"].to_numpy()[it["row"].to_numpy(dtype=np.intp)],
            "range": stats["range"].to_numpy(dtype=float),
            "sd": stats["sd"].to_numpy(dtype=float),
            "n_coders": it["n_coders"].to_numpy(),
        }
    )
    out = out.sort_values(["range", "sd", "case", "evidence_id"], ascending=[False, False, True, True], kind="stable")
    out = out.head(top)
    # each coder's code, as text, for the listed items only
    rows = r.loc[r["item"].isin(out["item"])]
    text = rows.groupby("item", sort=False).agg(
        coders=("coder", lambda s: ",".join(map(str, s))), codes=("code", lambda s: ",".join(f"{v:g}" for v in s))
    )
    out = out.join(text, on="item")
    return out[cols].reset_index(drop=True)
