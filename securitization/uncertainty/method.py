"""Uncertainty and sensitivity analysis over the modeller's choices.

The evidence bootstrap (:mod:`securitization.uncertainty`) asks how much the scores move
when the evidence is drawn again; this module asks how much they move when the *method*
changes, as the OECD/JRC Handbook on Constructing Composite Indicators (2008) and COINr's
``get_sensitivity()`` do. The uncertain choices (the *factors*):

* ``weights``: every indicator weight is multiplied by ``1 + u``, ``u`` uniform on
  ``[-weight_noise, weight_noise]`` (one factor made of one uniform per indicator);
* ``item_rule``: the rule that combines an indicator's items (one of ``item_rules``, each
  equally likely; ``"nominal"`` stands for the codebook's own rules);
* ``aggregation``: the rule that combines indicators into dimensions and dimensions into
  the overall score (one of ``aggregations``: ``"arithmetic"``, ``"geometric"``);
* ``leave_out``: no indicator or one indicator left out (each of the ``n_ind + 1`` options
  equally likely).

A factor with a single option is not varied. **Design** (Saltelli et al. 2010, "Variance
based sensitivity analysis of model output", Computer Physics Communications 181): two
independent uniform sample matrices ``A`` and ``B`` of ``n`` rows, and for each factor
``i`` the matrix ``AB_i`` (``A`` with the columns of factor ``i`` taken from ``B``); the
model is run on all ``n * (k + 2)`` rows (``k`` factors). Estimators, with
``V = Var([f(A), f(B)])``:

* first order (Saltelli 2010, table 2 (b)): ``S_i = mean(f(B) * (f(AB_i) - f(A))) / V``,
  with ``f`` centred on the mean of ``f(A)`` and ``f(B)`` (same expectation, less noise);
* total order (Jansen 1999, Saltelli 2010 table 2 (f)):
  ``ST_i = mean((f(A) - f(AB_i))^2) / (2 V)``.

The outputs analysed are each unit's overall score and the mean absolute rank shift
against the nominal ranking. The uncertainty analysis (median rank, the percentile rank
interval, the average shift in rank) uses every run (with ``sobol=False``, plain Monte
Carlo over ``n`` runs). Every run's choices are kept in :attr:`Sensitivity.runs` and can be
replayed: :meth:`Sensitivity.codebook_of` rebuilds the codebook of one run for
:func:`~securitization.scoring.score`.

The computation is batched: items scores are computed once per item rule, then the runs'
weights, rules and left-out indicators are applied to all runs at once, in chunks.

:func:`index_sensitivity` runs the same analysis on a plain units x indicators matrix
(min-max normalised, grouped into pillars), the design COINr uses.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..codebook import Codebook
from ..errors import ParameterError
from ..export import html_view
from ..progress import progress
from ..rules import RuleKind, get_rule, rule_names
from ..scoring import Scores, score
from ..scoring.engine import Aggregator, aggregate, blend, indicator_matrix, items_scores
from ..tables import Dataset, validate_tables
from .draws import DEFAULT_SEED, RngLike, check_ci_prob, check_memory, check_n, prepared_of, rank_desc, resolve_rng

__all__ = ["Sensitivity", "index_sensitivity", "normalise_minmax", "sensitivity"]

#: The option that stands for the codebook's own rules (item rules, or aggregation rules).
NOMINAL = "nominal"


def _levels(aggregator: Aggregator, name: str) -> tuple[str, str]:
    """The (dimension, overall) aggregation rules of an option: ``nominal`` keeps the codebook's."""
    return (aggregator.dimension, aggregator.overall) if name == NOMINAL else (name, name)


def _options(kind: RuleKind, values: Sequence[str], param: str, caller: str) -> tuple[str, ...]:
    """The options of a factor: ``nominal`` or registered rule names, each once."""
    allowed = (NOMINAL, *rule_names(kind))
    opts = tuple(dict.fromkeys(values)) if isinstance(values, list | tuple) else ()
    if not opts or any(v not in allowed for v in opts):
        raise ParameterError.invalid(param, caller, f"a non-empty list of {list(allowed)}", values)
    return opts


#: Runs x units x indicators values processed at once (about ten arrays of this size).
_CHUNK_ELEMENTS = 1 << 22


# --- the result ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Sensitivity:
    """Uncertainty and sensitivity analysis of the overall scores and ranks.

    Attributes
    ----------
    cases
        One row per unit: ``case`` (and ``year``), ``label``, ``score`` and ``rank`` (the
        nominal run), ``score_median, score_lo, score_hi``, ``rank_median, rank_lo,
        rank_hi`` (the ``ci_prob`` percentile interval: 5th-95th by default) and
        ``mean_abs_shift`` (the average absolute change of rank against the nominal one).
    sobol
        One row per output and factor: ``output`` (``"score"`` or ``"mean_rank_shift"``),
        ``case`` (empty for the mean rank shift), ``factor``, ``S1`` (first order),
        ``ST`` (total order). Empty with ``sobol=False``.
    runs
        One row per run: ``run``, ``block`` (``A``, ``B`` or ``AB:<factor>``),
        ``item_rule``, ``aggregation``, ``leave_out`` (the indicator left out, or empty),
        ``weight:<indicator>`` for every indicator, and ``mean_abs_shift``.
    run_scores
        Overall score of every unit in every run, shape (n_runs, n_units), units in the
        order of ``cases``.
    run_ranks
        The ranks behind ``run_scores`` (1 = highest).
    parameters
        ``n`` (base sample), ``n_runs``, seed, ``weight_noise``, the options of every
        factor, ``ci_prob``, the design and the estimators.
    """

    cases: pd.DataFrame
    sobol: pd.DataFrame
    runs: pd.DataFrame = field(repr=False)
    run_scores: np.ndarray = field(repr=False)
    run_ranks: np.ndarray = field(repr=False)
    parameters: dict[str, Any] = field(repr=False)
    codebook: Codebook | None = field(default=None, repr=False)
    data: Dataset | None = field(default=None, repr=False)
    by: Literal["case", "year"] = "case"

    def to_frame(self) -> pd.DataFrame:
        """The per-unit table (a copy)."""
        return self.cases.copy()

    @property
    def ranks(self) -> pd.DataFrame:
        """The per-unit rank summary (``cases``: nominal rank, median, interval, shift)."""
        return self.cases.copy()

    def codebook_of(self, run: int) -> Codebook:
        """The codebook of one run, to replay it with :func:`~securitization.scoring.score`.

        Only for an analysis of :class:`Scores` (not of a plain matrix).
        """
        if self.codebook is None:
            raise ParameterError.invalid(
                "self", "Sensitivity.codebook_of", "an analysis made by sensitivity(scores)", "index_sensitivity"
            )
        if not 0 <= run < len(self.runs):
            raise ParameterError.invalid("run", "Sensitivity.codebook_of", f"a run in [0, {len(self.runs)})", run)
        r = self.runs.iloc[run]
        cb = self.codebook
        weights = {c: float(r[f"weight:{c}"]) for c in cb.indicator_codes if c != r["leave_out"]}
        rule = None if r["item_rule"] == NOMINAL else r["item_rule"]
        agg = {"dimension": r["aggregation"], "overall": r["aggregation"]} if r["aggregation"] != NOMINAL else None
        drop = [r["leave_out"]] if r["leave_out"] else []
        return cb.with_changes(weights=weights, item_rule=rule, aggregation=agg, drop=drop)

    def replay(self, run: int) -> Scores:
        """Score the data again with the choices of one run (the slow, independent way).

        The evidence and measures of a left-out indicator are set aside before validating
        with the run's codebook. ``replay(run).overall["score"]`` equals
        ``run_scores[run]``.
        """
        cb = self.codebook_of(run)
        if self.data is None or "cases" not in self.data.raw:
            raise ParameterError.invalid(
                "self", "Sensitivity.replay", "an analysis of Scores made from a Dataset", "no raw tables"
            )
        raw = dict(self.data.raw)
        left = self.runs.iloc[run]["leave_out"]
        if left:  # the left-out indicator's rows are set aside (its code is not in the run's codebook)
            for kind in ("evidence", "measures"):
                if kind in raw:
                    frame = raw[kind]
                    raw[kind] = frame.loc[frame["indicator"].astype(str).str.strip() != left]
            if "adjudications" in raw and "evidence" in raw:  # the settled codes of set-aside items go too
                kept = set(raw["evidence"]["evidence_id"].astype(str).str.strip())
                settled = raw["adjudications"]
                raw["adjudications"] = settled.loc[settled["evidence_id"].astype(str).str.strip().isin(kept)]
        ds = validate_tables(**{k: [v] for k, v in raw.items()}, codebook=cb, files=self.data.files)
        return score(ds, by=self.by)

    def _facts(self) -> list[str]:
        p = self.parameters
        pct = round(p["ci_prob"] * 100)
        c = self.cases.dropna(subset=["rank"])
        widest = c.assign(width=c["rank_hi"] - c["rank_lo"]).sort_values("width", ascending=False).head(1)
        lines = [
            f"{p['n_runs']} runs over {', '.join(p['factors']) or 'no factor'} (weight noise ±{p['weight_noise']:g}), "
            f"seed {p.get('seed')}, {len(self.cases)} units",
            f"{pct}% rank intervals vary the method only (the evidence as coded)",
        ]
        if len(widest):
            w = widest.iloc[0]
            lines.append(f"widest rank interval: {w['label']} [{w['rank_lo']:g}, {w['rank_hi']:g}]")
        return lines

    def __repr__(self) -> str:
        return "\n".join(["Sensitivity: " + self._facts()[0], *self._facts()[1:]])

    def _repr_html_(self) -> str:
        cols = [c for c in ("label", "year", "score", "rank", "rank_median", "rank_lo", "rank_hi", "mean_abs_shift")]
        c = self.cases.sort_values([k for k in ("year", "rank") if k in self.cases.columns], na_position="last")
        return html_view("Sensitivity", self._facts(), c[[k for k in cols if k in c.columns]])

    def __str__(self) -> str:
        p = self.parameters
        pct = round(p["ci_prob"] * 100)
        head = f"Sensitivity of the overall ranks to the method: {p['n_runs']} runs"
        lines = [head, "=" * len(head)]
        lines.append(
            f"factors: {', '.join(p['factors']) or 'none'}; weight noise ±{p['weight_noise']:g}; seed {p.get('seed')}"
        )
        lines.append(
            f"the {pct}% rank intervals vary the method only (the evidence as coded); "
            "securitization.intervals varies the evidence, securitization.joint both"
        )
        c = self.cases.sort_values([k for k in ("year", "rank") if k in self.cases.columns], na_position="last")
        lines.append(f"{'unit':<40} {'score':>6} {'rank':>5} {'median':>7} {f'{pct}% interval':>13} {'shift':>6}")
        for r in c.itertuples(index=False):
            if pd.isna(r.rank):
                continue
            ci = f"[{r.rank_lo:g}, {r.rank_hi:g}]"
            lines.append(
                f"{str(r.label)[:40]:<40} {r.score:>6.2f} {int(r.rank):>5} {r.rank_median:>7g} {ci:>13} {r.mean_abs_shift:>6.2f}"
            )
        if len(self.sobol):
            s = self.sobol.loc[self.sobol["output"] == "mean_rank_shift"]
            lines += ["", f"Sobol indices of the mean rank shift (first order S1, total order ST; [{pct}% bootstrap]):"]
            for r in s.itertuples(index=False):
                lines.append(
                    f"  {r.factor:<12} S1 {r.S1:6.3f} [{r.S1_lo:6.3f}, {r.S1_hi:6.3f}]  "
                    f"ST {r.ST:6.3f} [{r.ST_lo:6.3f}, {r.ST_hi:6.3f}]"
                )
            sc = self.sobol.loc[self.sobol["output"] == "score"].groupby("factor", sort=False)[["S1", "ST"]].mean()
            lines += ["Sobol indices of the overall score, averaged over units:"]
            for f, r2 in sc.iterrows():
                lines.append(f"  {f!s:<12} S1 {r2['S1']:6.3f}  ST {r2['ST']:6.3f}")
            neg = self.sobol.loc[self.sobol["note"] != ""]
            if len(neg):
                lines.append(
                    f"  ({len(neg)} negative first-order estimates: a share of variance cannot be negative; each is "
                    "noted in the sobol table, most are sampling noise around 0)"
                )
        return "\n".join(lines)


# --- the engine ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Factor:
    name: str
    columns: int
    options: tuple[Any, ...] = ()


def _design(factors: list[_Factor], n: int, rng: np.random.Generator, sobol: bool) -> tuple[np.ndarray, list[str]]:
    """Uniform sample of all runs (n_runs, d) and each run's block name."""
    d = sum(f.columns for f in factors)
    a = rng.random((n, d))
    if not sobol or not factors:
        return a, ["A"] * n
    b = rng.random((n, d))
    blocks = [a, b]
    names = ["A"] * n + ["B"] * n
    col = 0
    for f in factors:
        ab = a.copy()
        ab[:, col : col + f.columns] = b[:, col : col + f.columns]
        blocks.append(ab)
        names += [f"AB:{f.name}"] * n
        col += f.columns
    return np.concatenate(blocks, axis=0), names


def _quantile(a: np.ndarray, q: float, method: str = "linear") -> np.ndarray:
    """Column quantiles ignoring NaN (the fast path when there is none)."""
    at = np.ascontiguousarray(a.T)  # quantiles along contiguous rows are much faster
    if np.isnan(at).any():
        return np.asarray(np.nanquantile(at, q, axis=1, method=method))  # type: ignore[call-overload]
    return np.asarray(np.quantile(at, q, axis=1, method=method))  # type: ignore[call-overload]


def _int(x: np.ndarray) -> pd.api.extensions.ExtensionArray:
    return pd.array(np.asarray(x, dtype=float), dtype="Float64").astype("Int64")


def _pick(u: np.ndarray, k: int) -> np.ndarray:
    return np.minimum((u * k).astype(np.intp), k - 1)


def _sobol(y: np.ndarray, n: int, factors: list[_Factor]) -> tuple[np.ndarray, np.ndarray]:
    """First and total order indices (k, ...) from outputs y (n_runs, ...)."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        y = y - np.nanmean(y[: 2 * n], axis=0)  # centring: same expectation, less variance
        ya, yb = y[:n], y[n : 2 * n]
        v = np.nanvar(np.concatenate([ya, yb], axis=0), axis=0)
        s1, st = [], []
        for i in range(len(factors)):
            yab = y[(2 + i) * n : (3 + i) * n]
            s1.append(np.nanmean(yb * (yab - ya), axis=0) / v)
            st.append(np.nanmean((ya - yab) ** 2, axis=0) / (2.0 * v))
        zero = v <= 1e-24
        return np.where(zero, np.nan, np.array(s1)), np.where(zero, np.nan, np.array(st))


def _sobol_ci(
    y: np.ndarray, n: int, factors: list[_Factor], rng: np.random.Generator, n_boot: int, ci_prob: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Bootstrap intervals of the Sobol indices: the base rows resampled (the same rows in A, B and every AB_i).

    Returns ``(s1_lo, s1_hi, st_lo, st_hi)``, each (k, ...) like :func:`_sobol`'s output.
    """
    k = len(factors)
    blocks = y.reshape(k + 2, n, *y.shape[1:])
    s1s, sts = [], []
    for _ in range(n_boot):
        idx = rng.integers(0, n, n)
        yb = blocks[:, idx].reshape(y.shape)
        s1, st = _sobol(yb, n, factors)
        s1s.append(s1)
        sts.append(st)
    a = (1.0 - ci_prob) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        q1 = np.nanquantile(np.array(s1s), [a, 1.0 - a], axis=0)
        qt = np.nanquantile(np.array(sts), [a, 1.0 - a], axis=0)
    return q1[0], q1[1], qt[0], qt[1]


def _sobol_note(s1: float, lo: float, hi: float) -> str:
    """Why a first-order index is negative (a variance share cannot be): sampling noise, or too few runs."""
    if not np.isfinite(s1) or s1 >= 0:
        return ""
    if np.isfinite(hi) and hi >= 0:
        return "negative by sampling noise: the index is indistinguishable from 0"
    return "negative beyond its interval: too few runs for this output (raise n)"


def _run(
    *,
    x_by_rule: np.ndarray,
    rule_names: tuple[str, ...],
    aggregator: Aggregator,
    codes: tuple[str, ...],
    aggregations: tuple[str, ...],
    weight_noise: float,
    leave_out: bool,
    n: int,
    sobol: bool,
    ci_prob: float,
    rng: RngLike,
    caller: str,
    units: pd.DataFrame,
    nominal_score: np.ndarray,
    groups: np.ndarray | None,
    codebook: Codebook | None,
    data: Dataset | None = None,
    by: Literal["case", "year"] = "case",
    sobol_boot: int = 200,
) -> Sensitivity:
    gen, record = resolve_rng(rng, caller)
    k = len(codes)
    factors: list[_Factor] = []
    if weight_noise > 0:
        factors.append(_Factor("weights", k))
    if len(rule_names) > 1:
        factors.append(_Factor("item_rule", 1, rule_names))
    if len(aggregations) > 1:
        factors.append(_Factor("aggregation", 1, aggregations))
    if leave_out:
        factors.append(_Factor("leave_out", 1, ("", *codes)))
    n_units = len(units)
    check_memory(n * (len(factors) + 2 if sobol else 1), 2 * n_units + k + 4, "n", caller)
    u, blocks = _design(factors, n, gen, sobol)
    n_runs = u.shape[0]
    # map the uniforms to the choices
    w = np.broadcast_to(aggregator.weights, (n_runs, k)).copy()
    rule_idx = np.zeros(n_runs, dtype=np.intp)
    agg_idx = np.zeros(n_runs, dtype=np.intp)
    left = np.full(n_runs, -1, dtype=np.intp)
    col = 0
    for f in factors:
        part = u[:, col : col + f.columns]
        if f.name == "weights":
            w = w * (1.0 + weight_noise * (2.0 * part - 1.0))
        elif f.name == "item_rule":
            rule_idx = _pick(part[:, 0], len(rule_names))
        elif f.name == "aggregation":
            agg_idx = _pick(part[:, 0], len(aggregations))
        else:
            left = _pick(part[:, 0], k + 1) - 1
        col += f.columns
    w_eff = w.copy()  # a left-out indicator weighs nothing
    w_eff[np.arange(n_runs)[left >= 0], left[left >= 0]] = 0.0
    n_u = x_by_rule.shape[1]
    nominal_rank = rank_desc(nominal_score, groups)
    scores = np.empty((n_runs, n_u))
    ranks = np.empty((n_runs, n_u))
    levels = [_levels(aggregator, name) for name in aggregations]
    panel = any(get_rule("aggregation", r).panel for lv in levels for r in lv)
    per_run = n_u * k * (n_u if panel else 1)  # a panel rule compares every pair of units
    chunk = max(1, min(n_runs, _CHUNK_ELEMENTS // max(per_run, 1)))
    for a in progress(range(0, n_runs, chunk), desc="sensitivity", total=-(-n_runs // chunk), unit="chunk"):
        b = min(n_runs, a + chunk)
        x = x_by_rule[rule_idx[a:b]]
        sc = np.empty((b - a, n_u))
        for j, (dim_rule, overall_rule) in enumerate(levels):  # the runs of each aggregation choice
            sel = np.flatnonzero(agg_idx[a:b] == j)
            if len(sel):
                sc[sel] = aggregate(
                    x[sel], aggregator, weights=w_eff[a:b][sel], dimension=dim_rule, overall=overall_rule
                )[2]
        scores[a:b] = sc
        ranks[a:b] = rank_desc(sc, groups)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        shift_each = np.abs(ranks - nominal_rank[None, :])
        shift_run = np.nanmean(shift_each, axis=1)
        q = (1.0 - ci_prob) / 2.0
        cases = units.copy()
        cases["score"] = nominal_score
        cases["rank"] = _int(nominal_rank)
        cases["score_median"] = _quantile(scores, 0.5)
        cases["score_lo"] = _quantile(scores, q)
        cases["score_hi"] = _quantile(scores, 1.0 - q)
        cases["rank_median"] = _quantile(ranks, 0.5)
        cases["rank_lo"] = _int(_quantile(ranks, q, method="lower"))
        cases["rank_hi"] = _int(_quantile(ranks, 1.0 - q, method="higher"))
        cases["mean_abs_shift"] = np.nanmean(shift_each, axis=0)
    runs = pd.DataFrame({"run": np.arange(n_runs), "block": blocks})
    runs["item_rule"] = np.array(rule_names, dtype=object)[rule_idx]
    runs["aggregation"] = np.array(aggregations, dtype=object)[agg_idx]
    runs["leave_out"] = np.array(("", *codes), dtype=object)[left + 1]
    for j, c in enumerate(codes):
        runs[f"weight:{c}"] = w[:, j]
    runs["mean_abs_shift"] = shift_run
    sob = pd.DataFrame(columns=["output", "case", "factor", "S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi", "note"])
    if sobol and factors:
        s1, st = _sobol(scores, n, factors)
        g_ci = np.random.default_rng(gen.integers(0, 2**63))  # the intervals' own stream, from the run's seed
        s1_lo, s1_hi, st_lo, st_hi = _sobol_ci(scores, n, factors, g_ci, sobol_boot, ci_prob)
        names = [f.name for f in factors]
        label = units[[c for c in units.columns if c in ("case", "year")]].astype(str).agg(" ".join, axis=1).to_numpy()
        per = pd.DataFrame(
            {
                "output": "score",
                "case": np.tile(label, len(factors)),
                "factor": np.repeat(names, n_u),
                "S1": s1.ravel(),
                "S1_lo": s1_lo.ravel(),
                "S1_hi": s1_hi.ravel(),
                "ST": st.ravel(),
                "ST_lo": st_lo.ravel(),
                "ST_hi": st_hi.ravel(),
            }
        )
        s1r, str_ = _sobol(shift_run, n, factors)
        r_lo, r_hi, rt_lo, rt_hi = _sobol_ci(shift_run, n, factors, g_ci, sobol_boot, ci_prob)
        agg = pd.DataFrame(
            {
                "output": "mean_rank_shift",
                "case": "",
                "factor": names,
                "S1": s1r,
                "S1_lo": r_lo,
                "S1_hi": r_hi,
                "ST": str_,
                "ST_lo": rt_lo,
                "ST_hi": rt_hi,
            }
        )
        sob = pd.concat([agg, per], ignore_index=True)
        sob["note"] = [_sobol_note(a, b, c) for a, b, c in zip(sob["S1"], sob["S1_lo"], sob["S1_hi"], strict=True)]
    parameters = {
        "method": "sensitivity",
        "n": n,
        "n_runs": n_runs,
        **record,
        "weight_noise": weight_noise,
        "item_rules": list(rule_names),
        "aggregations": list(aggregations),
        "leave_out": bool(leave_out),
        "factors": [f.name for f in factors],
        "sobol": bool(sobol),
        "ci_prob": ci_prob,
        "design": (
            "Saltelli 2010 radial design: matrices A, B (n rows each) and AB_i per factor, n (k + 2) runs"
            if sobol and factors
            else "Monte Carlo: n independent runs"
        ),
        "estimators": "S1: Saltelli 2010; ST: Jansen 1999" if sobol else "",
        "sobol_boot": sobol_boot if sobol and factors else 0,
    }
    return Sensitivity(
        cases=cases.reset_index(drop=True),
        sobol=sob,
        runs=runs,
        run_scores=scores,
        run_ranks=ranks,
        parameters=parameters,
        codebook=codebook,
        data=data,
        by=by,
    )


def _check_common(
    n: int, weight_noise: float, aggregations: Sequence[str], ci_prob: float, caller: str
) -> tuple[int, float, tuple[str, ...], float]:
    n = check_n(n, "n", caller)
    if not isinstance(weight_noise, float | int) or isinstance(weight_noise, bool) or not 0 <= weight_noise < 1:
        raise ParameterError.invalid("weight_noise", caller, "a number in [0, 1)", weight_noise)
    aggs = _options("aggregation", aggregations, "aggregations", caller)
    return n, float(weight_noise), aggs, check_ci_prob(ci_prob, caller)


def sensitivity(
    scores: Scores,
    *,
    n: int = 256,
    rng: RngLike = DEFAULT_SEED,
    weight_noise: float = 0.25,
    item_rules: Sequence[str] = ("weighted_mean", "median"),
    aggregations: Sequence[str] = ("arithmetic", "geometric"),
    leave_out: bool = True,
    sobol: bool = True,
    ci_prob: float = 0.9,
    sobol_boot: int = 200,
) -> Sensitivity:
    """Uncertainty and sensitivity analysis of the overall scores to the method's choices.

    Parameters
    ----------
    scores
        The result of :func:`~securitization.scoring.score` (the nominal run).
    n
        Base sample size: ``n * (k + 2)`` runs with ``sobol=True`` (``k`` factors varied),
        ``n`` runs otherwise.
    rng
        A :class:`numpy.random.Generator`, an int seed or ``None`` (a fresh seed, recorded).
    weight_noise
        Indicator weights are multiplied by a uniform factor in ``[1 - noise, 1 + noise]``;
        0 keeps the codebook's weights.
    item_rules
        Item rules to choose from: registered item rule names, or ``"nominal"`` for the
        codebook's own rules.
    aggregations
        Aggregation rules to choose from: registered aggregation rule names (a run applies
        its rule at both levels, indicators to dimensions and dimensions to overall), or
        ``"nominal"`` for the codebook's own rules; always with the codebook's weights,
        ``min_coverage`` and geometric offset. With ``weight_noise=0``, the nominal item
        rules and aggregation and no leave-out, every run reproduces
        :func:`~securitization.scoring.score`.
    leave_out
        Also leave out no indicator or one indicator.
    sobol
        Use the Saltelli design and estimate Sobol indices; otherwise plain Monte Carlo.
    ci_prob
        Probability mass of the rank and score intervals (0.9: 5th-95th percentile).

    Returns
    -------
    Sensitivity

    Examples
    --------
    >>> from securitization import load, score
    >>> sa = sensitivity(score(load()), n=64, rng=1)
    >>> sa.parameters["n_runs"]  # 64 x (4 factors + 2)
    384
    >>> sorted(sa.sobol["factor"].unique())
    ['aggregation', 'item_rule', 'leave_out', 'weights']
    """
    caller = "sensitivity"
    prep = prepared_of(scores, caller)
    n, weight_noise, aggs, ci_prob = _check_common(n, weight_noise, aggregations, ci_prob, caller)
    rules = _options("items", item_rules, "item_rules", caller)
    cb = prep.codebook
    _, meas, _, _ = indicator_matrix(prep)
    ia = prep.item_arrays
    xs = []
    for r in rules:
        rcb = cb if r == NOMINAL else cb.with_changes(item_rule=r)
        xs.append(blend(items_scores(ia.cell, ia.ind, ia.code, ia.weight, prep.n_units, rcb), meas, cb))
    keys = ["case", "year"] if prep.by == "year" else ["case"]
    groups = prep.units["year"].to_numpy(dtype=float, na_value=np.nan) if prep.by == "year" else None
    out = _run(
        x_by_rule=np.stack(xs),
        rule_names=rules,
        aggregator=Aggregator.from_codebook(cb),
        codes=cb.indicator_codes,
        aggregations=aggs,
        weight_noise=weight_noise,
        leave_out=leave_out,
        n=n,
        sobol=sobol,
        ci_prob=ci_prob,
        sobol_boot=check_n(sobol_boot, "sobol_boot", caller, minimum=10),
        rng=rng,
        caller=caller,
        units=prep.units[[*keys, "label"]].assign(
            status=scores.overall["status"].to_numpy() if "status" in scores.overall.columns else "complete"
        ),
        nominal_score=scores.overall["score"].to_numpy(dtype=float),
        groups=groups,
        codebook=cb,
        data=prep.data,
        by=prep.by,
    )
    return out


def normalise_minmax(data: pd.DataFrame, lo: float = 1.0, hi: float = 100.0) -> pd.DataFrame:
    """Min-max normalise every column onto ``[lo, hi]`` (COINr's ``n_minmax``).

    ``(x - min) / (max - min) * (hi - lo) + lo`` per column, ignoring missing values; a
    constant column maps to ``NaN`` (as COINr's does: the formula divides by zero).

    Examples
    --------
    >>> import pandas as pd
    >>> normalise_minmax(pd.DataFrame({"a": [2.0, 4.0, 6.0]}), 0, 100)["a"].tolist()
    [0.0, 50.0, 100.0]
    """
    x = data.astype(float)
    mn, mx = x.min(), x.max()
    span = (mx - mn).where(mx > mn)
    return (x - mn) / span * (hi - lo) + lo


def index_sensitivity(
    data: pd.DataFrame,
    *,
    groups: Mapping[str, str],
    weights: Mapping[str, float] | None = None,
    normalise: tuple[float, float] | None = (1.0, 100.0),
    n: int = 256,
    rng: RngLike = DEFAULT_SEED,
    weight_noise: float = 0.25,
    aggregations: Sequence[str] = ("arithmetic", "geometric"),
    leave_out: bool = False,
    sobol: bool = True,
    ci_prob: float = 0.9,
    sobol_boot: int = 200,
) -> Sensitivity:
    """Sensitivity analysis of a composite index built from a plain indicator matrix.

    The COINr-like design: indicators (columns of ``data``, one row per unit) are min-max
    normalised onto ``normalise`` (default ``[1, 100]``), averaged within their pillar
    (``groups`` maps each indicator to a pillar) and the pillars averaged into the index,
    with equal pillar weights; the geometric option is the pure weighted geometric mean.
    The nominal run uses ``weights`` (default 1) and the first of ``aggregations``.

    Returns
    -------
    Sensitivity
        ``cases`` has one row per unit (``case`` = the row label of ``data``).

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [1.0, 2, 3], "b": [3.0, 1, 2], "c": [1.0, 3, 2]}, index=["u", "v", "w"])
    >>> sa = index_sensitivity(x, groups={"a": "P1", "b": "P1", "c": "P2"}, n=16, rng=0)
    >>> sa.cases["score"].round(2).tolist()
    [25.75, 62.88, 62.88]
    """
    caller = "index_sensitivity"
    n, weight_noise, aggs, ci_prob = _check_common(n, weight_noise, aggregations, ci_prob, caller)
    if not isinstance(data, pd.DataFrame) or data.shape[1] == 0:
        raise ParameterError.invalid("data", caller, "a DataFrame of units x indicators", type(data).__name__)
    codes = tuple(str(c) for c in data.columns)
    missing = [c for c in codes if c not in groups]
    if missing:
        raise ParameterError.invalid("groups", caller, "a pillar for every indicator (column)", missing)
    pillars = tuple(dict.fromkeys(str(groups[c]) for c in codes))
    w = np.array([float((weights or {}).get(c, 1.0)) for c in codes])
    if (w <= 0).any():
        raise ParameterError.invalid("weights", caller, "positive weights", dict(weights or {}))
    x = normalise_minmax(data, *normalise) if normalise is not None else data.astype(float)
    aggregator = Aggregator(
        weights=w,
        dim_of=np.array([pillars.index(str(groups[c])) for c in codes], dtype=np.intp),
        dim_weights=np.ones(len(pillars)),
        dimension=aggs[0] if aggs[0] != NOMINAL else "arithmetic",
        overall=aggs[0] if aggs[0] != NOMINAL else "arithmetic",
        overall_from="dimensions",
        min_coverage=0.0,
        offset=0.0,
        lo=float(np.nanmin(x.to_numpy(dtype=float))) if x.notna().any().any() else 0.0,
        hi=float(np.nanmax(x.to_numpy(dtype=float))) if x.notna().any().any() else 1.0,
    )
    arr = x.to_numpy(dtype=float)
    nominal = aggregate(arr[None], aggregator)[2][0]
    units = pd.DataFrame({"case": [str(i) for i in data.index], "label": [str(i) for i in data.index]})
    return _run(
        x_by_rule=arr[None],
        rule_names=(NOMINAL,),
        aggregator=aggregator,
        codes=codes,
        aggregations=aggs,
        weight_noise=weight_noise,
        leave_out=leave_out,
        n=n,
        sobol=sobol,
        ci_prob=ci_prob,
        sobol_boot=check_n(sobol_boot, "sobol_boot", caller, minimum=10),
        rng=rng,
        caller=caller,
        units=units,
        nominal_score=nominal,
        groups=None,
        codebook=None,
    )
