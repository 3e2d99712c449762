"""Calibration shown, not claimed: how often the intervals cover the true value.

:func:`simulate_coverage` draws synthetic cases from a documented generative model, scores
them with the library (tables written as files and read by :func:`~securitization.load`,
exactly as a user's), draws the intervals, and counts how often a nominal ``ci_prob``
interval covers the true value: for every indicator (unit x indicator cell) and for the
overall score.

**Generative model.** Every case has, for every indicator of the codebook, a true
distribution ``theta`` over the scale's levels, drawn from one of:

* ``"prior"``: the posterior's own prior, Dirichlet(``prior_strength`` x ``prior``) (one
  item's worth spread evenly by default): the model the posterior assumes;
* ``"concentrated"``: Dirichlet(0.05 per level): nearly every case sits on one level;
* ``"diffuse"``: Dirichlet(2 per level): the items of a case spread over the scale;
* ``"high"``: Dirichlet(0.05, 0.05, 0.1, 0.3, 0.5) (shares of levels 0-4, one item's
  worth): cases that securitize, the prior's middle far from them.

The case then has ``n`` items per indicator, each an independent draw from ``theta``,
weight 1 (``weights=True``: weights 1-3 drawn uniformly), one coder. The true value of an
indicator is the weighted mean of the levels under ``theta`` (the expected code: what the
default item rule estimates); the true overall score aggregates the true indicator values
by the codebook's rules.

:func:`coverage_table` runs the study for 1, 2, 3, 5, 10 and 30 items per cell, for the
posterior and, for comparison, the bootstrap. The README's table is this function's output
with its defaults; a test reproduces it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..codebook import Codebook, load_codebook
from ..errors import ParameterError
from ..progress import progress
from ..scoring import score
from ..scoring.engine import aggregate
from ..tables import load
from .draws import DEFAULT_SEED
from .joint import intervals

__all__ = ["GENERATIVE", "coverage_table", "simulate_coverage"]

#: The generative models of the study: the Dirichlet parameters of a case's true
#: distribution over five levels, or ``None`` for the codebook's prior.
GENERATIVE: dict[str, tuple[float, ...] | None] = {
    "prior": None,
    "concentrated": (0.05, 0.05, 0.05, 0.05, 0.05),
    "diffuse": (2.0, 2.0, 2.0, 2.0, 2.0),
    "high": (0.05, 0.05, 0.1, 0.3, 0.5),
}


def _alpha(generative: str, cb: Codebook) -> np.ndarray:
    k = len(cb.scale.values)
    if generative not in GENERATIVE:
        raise ParameterError.invalid("generative", "simulate_coverage", f"one of {list(GENERATIVE)}", generative)
    fixed = GENERATIVE[generative]
    if fixed is None:
        u = cb.uncertainty
        shares = np.full(k, 1.0 / k) if u.prior is None else np.asarray(u.prior, dtype=float)
        return u.prior_strength * shares
    if len(fixed) != k:
        raise ParameterError.invalid(
            "generative", "simulate_coverage", f"a model for a scale of {len(fixed)} levels", k
        )
    return np.asarray(fixed, dtype=float)


def _tables(
    n_cases: int, n_items: int, theta: np.ndarray, cb: Codebook, rng: np.random.Generator, weights: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes = list(cb.indicator_codes)
    levels = np.asarray(cb.scale.values)
    cases = pd.DataFrame(
        {
            "case": [f"sim-{i:04d}" for i in range(n_cases)],
            "country": "SIM",
            "label": [f"Simulated {i}" for i in range(n_cases)],
            "start": [f"{2001 + (i % 20)}-01-01" for i in range(n_cases)],
        }
    )
    cases["end"] = [f"{2001 + (i % 20)}-12-31" for i in range(n_cases)]
    # one country per case (terms of one country must not overlap)
    cases["country"] = [f"S{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}" for i in range(n_cases)]
    kinds = {ind.code: ind.kinds[0] for ind in cb.indicators}
    rows = []
    draws = np.array(
        [[rng.choice(levels, size=n_items, p=theta[c, j]) for j in range(len(codes))] for c in range(n_cases)]
    )
    w = rng.integers(1, 4, size=draws.shape) if weights else np.ones(draws.shape, dtype=int)
    for c in range(n_cases):
        case = cases["case"].iloc[c]
        date = cases["start"].iloc[c][:4] + "-06-01"
        for j, ind in enumerate(codes):
            for t in range(n_items):
                rows.append((f"{case}-{ind}-{t}", case, ind, date, kinds[ind], int(draws[c, j, t]), int(w[c, j, t])))
    ev = pd.DataFrame(rows, columns=["evidence_id", "case", "indicator", "date", "kind", "code", "weight"])
    ev["title"] = "Simulated item"
    ev["source"] = "Simulation"
    return cases, ev


def simulate_coverage(
    n_items: int,
    *,
    generative: str = "prior",
    n_cases: int = 400,
    method: str = "posterior",
    n_draws: int = 1000,
    ci_prob: float = 0.9,
    weights: bool = False,
    codebook: Codebook | None = None,
    seed: int = DEFAULT_SEED,
) -> dict[str, float]:
    """Coverage of the nominal ``ci_prob`` intervals of ``n_cases`` simulated cases with ``n_items`` per cell.

    Returns
    -------
    dict
        ``indicator_coverage`` and ``overall_coverage`` (shares of the cells and cases
        whose interval holds the true value), ``indicator_width`` and ``overall_width``
        (mean widths), ``n_cells`` and ``n_cases``.
    """
    cb = codebook or load_codebook()
    rng = np.random.default_rng([seed, n_items, list(GENERATIVE).index(generative) if generative in GENERATIVE else 0])
    alpha = _alpha(generative, cb)
    n_ind = len(cb.indicators)
    theta = rng.dirichlet(alpha, size=(n_cases, n_ind))
    levels = np.asarray(cb.scale.values, dtype=float)
    true_x = theta @ levels  # (n_cases, n_ind): the expected code of every cell
    cases, ev = _tables(n_cases, n_items, theta, cb, rng, weights)
    with tempfile.TemporaryDirectory() as tmp:
        cases.to_csv(Path(tmp) / "cases.csv", index=False)
        ev.to_csv(Path(tmp) / "evidence.csv", index=False)
        data = load(tmp, codebook=cb)
        s = intervals(score(data), method=method, n=n_draws, ci_prob=ci_prob, rng=seed)
    ind = s.indicators.copy()
    order = {c: i for i, c in enumerate(cases["case"])}
    ci = ind["case"].astype(str).map(order).to_numpy()
    ji = ind["indicator"].astype(str).map({c: j for j, c in enumerate(cb.indicator_codes)}).to_numpy()
    truth = true_x[ci, ji]
    lo, hi = ind["lo"].to_numpy(dtype=float), ind["hi"].to_numpy(dtype=float)
    eps = 1e-9
    cover_i = (lo - eps <= truth) & (truth <= hi + eps)
    true_overall = aggregate(true_x[None], cb)[2][0]
    ov = s.overall
    oi = ov["case"].astype(str).map(order).to_numpy()
    t_o = true_overall[oi]
    o_lo, o_hi = ov["lo"].to_numpy(dtype=float), ov["hi"].to_numpy(dtype=float)
    cover_o = (o_lo - eps <= t_o) & (t_o <= o_hi + eps)
    return {
        "indicator_coverage": float(cover_i.mean()),
        "overall_coverage": float(cover_o.mean()),
        "indicator_width": float(np.mean(hi - lo)),
        "overall_width": float(np.mean(o_hi - o_lo)),
        "n_cells": len(truth),
        "n_cases": len(t_o),
    }


def coverage_table(
    *,
    n_items: Sequence[int] = (1, 2, 3, 5, 10, 30),
    generative: Sequence[str] = ("prior", "concentrated", "diffuse", "high"),
    methods: Sequence[str] = ("posterior", "bootstrap"),
    n_cases: int = 400,
    n_draws: int = 1000,
    ci_prob: float = 0.9,
    codebook: Codebook | None = None,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """The calibration study: one row per generative model, method and number of items (see the module docstring)."""
    rows = []
    settings = [(g, m, n) for g in generative for m in methods for n in n_items]
    for g, m, n in progress(settings, desc="calibration", unit="setting"):
        r = simulate_coverage(
            n,
            generative=g,
            n_cases=n_cases,
            method=m,
            n_draws=n_draws,
            ci_prob=ci_prob,
            codebook=codebook,
            seed=seed,
        )
        rows.append({"generative": g, "method": m, "n_items": n, **r})
    return pd.DataFrame(rows)
