"""Bootstrap intervals for indicator, dimension and overall scores and for ranks.

:func:`bootstrap` resamples the evidence behind a :class:`~securitization.scoring.Scores`
and returns a copy whose tables carry percentile intervals. The design, in each of
``n_boot`` replicates:

1. **Items.** Within every unit x indicator cell holding ``n`` items, ``n`` items are drawn
   with replacement (multinomial counts over the cell's items, each item keeping its
   weight), and the cell's items score is recomputed by the indicator's item rule.
2. **Coders** (``coders=True``). Every item coded by several coders takes, in each
   replicate, the code of one of its coders drawn at random (uniformly over its rows)
   instead of the consolidated code: each draw of an item draws one of its coders (a
   two-stage bootstrap: items, then coders within the drawn item). Coder disagreement
   therefore widens the intervals; items coded by a single coder are unaffected. The point estimate keeps the codebook's consolidation rule
   (``aggregation.coders``, median by default), whose expectation under this draw is the
   same for two coders.
3. **Measures.** Within every unit x measure rule, the observations (periods) are drawn
   with replacement, the statistic (mean, max, last, change) is recomputed and mapped onto
   the scale as :func:`~securitization.scoring.score` does (thresholds; min-max over the
   units of the same replicate; ratio to the reference case of the same replicate).
4. **Aggregation.** Items and measures scores are blended and aggregated into dimension and
   overall scores with the codebook's rules; each replicate's units are ranked (1 = most
   securitized, ties share the best rank, within each year for ``by="year"``).

The interval of every estimate is the percentile interval of its replicates:
``[q((1 - ci_prob) / 2), q((1 + ci_prob) / 2)]``. Percentile intervals stay on the scale
and follow skewed distributions; they are not forced to contain the point estimate, but
for the weighted mean of a few items or more they do (the bootstrap distribution of a mean
is centred on it; see the tests). A cell with a single item coded by a single coder gets a
zero-width interval from the items: the bootstrap cannot see uncertainty it has no
replication for (coverage and ``n_items`` are reported next to every score).

Everything is vectorised over a chunk of replicates (no Python loop per replicate or per
cell); chunks of replicates bound the memory to tens of megabytes. Every replicate is
scored by the same rule kernels as :func:`~securitization.scoring.score`
(:mod:`securitization.scoring.engine`). When every item rule of the codebook has a
from-counts form (the weighted mean and the maximum do) and cells hold few distinct
(code, weight) pairs, a replicate is drawn as multinomial counts over each cell's pairs:
the same distribution as drawing the items (and coders) one by one, at a cost per cell
and pair instead of per item; otherwise the items themselves are drawn. The same seed
gives the same numbers. The run's parameters (``n_boot``, ``ci_prob``, seed, design) are
recorded in ``scores.manifest["uncertainty"]``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..codebook import Codebook
from ..errors import ParameterError
from ..progress import progress
from ..rules import Rule
from ..scoring import Prepared, Scores
from ..scoring.engine import (
    Aggregator,
    MeasureSpec,
    aggregate,
    blend,
    item_rule_groups,
    items_scores,
    measure_levels,
    measure_specs,
    measures_scores,
)
from .draws import DEFAULT_SEED, RngLike, check_ci_prob, check_memory, check_n, prepared_of, rank_desc, resolve_rng

__all__ = ["Replicates", "attach_intervals", "bootstrap", "bootstrap_replicates"]

#: Elements (replicates x items) processed at once: small chunks stay in cache and the
#: memory stays in the tens of megabytes.
CHUNK_ELEMENTS = 1 << 21

DESIGN = (
    "nonparametric bootstrap: items resampled with replacement within unit x indicator; "
    "with coders=True each draw of a multiply-coded item takes one of its coders' codes at random "
    "(two-stage: items, then coders); "
    "measure periods resampled within unit x measure rule; percentile intervals; "
    "ranks per replicate (1 = highest score, ties take the best rank)"
)


# --- items ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ItemDesign:
    """The items sorted by cell, with their coders' codes laid out for drawing."""

    cell: np.ndarray  # (n,) cell of each item, items sorted by cell
    start: np.ndarray  # (n,) first position of the item's cell
    size: np.ndarray  # (n,) number of items in the item's cell
    code: np.ndarray  # (n,) consolidated code
    weight: np.ndarray  # (n,)
    ind: np.ndarray  # (n,) indicator index
    n_rows: np.ndarray  # (n,) rows (coders) of each item
    row_first: np.ndarray  # (n,) first row of each item in ``row_code``
    row_code: np.ndarray  # codes of the rows, grouped by item in item order
    virtual: int  # R: rows per item in the virtual layout (lcm of n_rows); 0 when too large
    vcode: np.ndarray  # (n * R,) code of virtual row j of item i: its row (j mod n_rows[i])
    n_cells: int
    seg_start: np.ndarray  # first position of every non-empty cell
    seg_cell: np.ndarray  # the cell of every segment

    @property
    def index_type(self) -> type[np.signedinteger[Any]]:
        return np.int32 if len(self.cell) * max(self.virtual, 1) < 2**31 - 1 else np.intp


#: Largest number of virtual rows per item (the lcm of the coder counts; 60 = lcm(1..5)).
MAX_VIRTUAL = 12


def _item_design(prep: Prepared) -> _ItemDesign:
    items = prep.items
    n_cells = prep.n_units * prep.n_ind
    if len(items) == 0:
        e = np.array([], dtype=np.intp)
        f = np.array([], dtype=float)
        return _ItemDesign(e, e, e, f, f, e, e, e, f, 1, f, n_cells, e, e)
    cell = items["cell"].to_numpy(dtype=np.intp)
    order = np.argsort(cell, kind="stable")
    cell = cell[order]
    counts = np.bincount(cell, minlength=n_cells)
    firsts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rows = prep.rows
    row_item = rows["item"].to_numpy(dtype=np.intp)
    item_id = items["item"].to_numpy(dtype=np.intp)[order]
    # rows grouped by item, items in the sorted order
    rank_of_item = np.empty(int(item_id.max()) + 1, dtype=np.intp)
    rank_of_item[item_id] = np.arange(len(item_id))
    row_order = np.argsort(rank_of_item[row_item], kind="stable")
    row_code = rows["code"].to_numpy(dtype=float)[row_order]
    n_rows = np.bincount(rank_of_item[row_item], minlength=len(item_id))
    row_first = np.concatenate([[0], np.cumsum(n_rows)[:-1]])
    virtual = 1
    for r in np.unique(n_rows):
        virtual = int(np.lcm(virtual, int(r)))
    if virtual > MAX_VIRTUAL:
        virtual, vcode = 0, np.array([], dtype=float)
    else:
        j = np.tile(np.arange(virtual), len(item_id))
        vcode = row_code[np.repeat(row_first, virtual) + j % np.repeat(n_rows, virtual)]
    return _ItemDesign(
        cell=cell,
        start=firsts[cell],
        size=counts[cell],
        code=items["code"].to_numpy(dtype=float)[order],
        weight=items["weight"].to_numpy(dtype=float)[order],
        ind=items["ind"].to_numpy(dtype=np.intp)[order],
        n_rows=n_rows,
        row_first=row_first,
        row_code=row_code,
        virtual=virtual,
        vcode=vcode,
        n_cells=n_cells,
        seg_start=firsts[counts > 0],
        seg_cell=np.flatnonzero(counts > 0),
    )


def _draw_items(
    d: _ItemDesign, reps: int, rng: np.random.Generator, coders: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw items (and a coder per draw): codes, weights and the drawn positions.

    One uniform per slot picks the item within the slot's cell and, with ``coders``, one of
    the item's rows: in the virtual layout every item has ``R`` rows (its coders' codes
    repeated), so ``floor(u * size * R)`` picks an item uniformly and then a coder
    uniformly. Returns ``(codes, weights, idx)`` of shape (reps, n); ``idx`` indexes the
    virtual rows when ``coders`` and several coders exist, else the items.
    """
    it = d.index_type
    u = rng.random((reps, len(d.cell)))
    r = d.virtual if coders else 1
    if coders and r == 0:  # too many coder combinations for the virtual layout
        x = u * d.size
        k = x.astype(it)
        np.minimum(k, (d.size - 1).astype(it), out=k)
        frac = x - k
        k += d.start.astype(it)
        row = d.row_first[k] + np.minimum((frac * d.n_rows[k]).astype(np.intp), d.n_rows[k] - 1)
        return d.row_code[row], d.weight[k], k
    span = (d.size * r).astype(it)
    k = (u * span).astype(it)
    np.minimum(k, span - 1, out=k)
    k += (d.start * r).astype(it)
    if r > 1:
        return d.vcode[k], np.repeat(d.weight, r)[k], k
    return d.code[k], d.weight[k], k


def _counts_rules(cb: Codebook) -> list[tuple[Rule, int, np.ndarray]] | None:
    """The item rules of the codebook (with ``k`` and their indicators), if every one has a from-counts form."""
    groups = item_rule_groups(cb)
    return groups if all(rule.from_counts is not None for rule, _, _ in groups) else None


def from_counts(rule: Rule, k: int, counts: np.ndarray, code: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """An item rule computed from counts of (code, weight) pairs (``k`` for the rules that take it)."""
    fn = rule.from_counts
    if fn is None:
        raise ParameterError.invalid("rule", "from_counts", "an item rule with a from-counts form", rule.name)
    return fn(counts, code, weight, k=k) if "k" in rule.params else fn(counts, code, weight)


def _items_from_counts(
    d: _ItemDesign,
    cats: _Categories,
    rules: list[tuple[Rule, int, np.ndarray]],
    n_ind: int,
    reps: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Items scores of every cell from multinomial counts over its (code, weight) pairs, (reps, n_cells)."""
    counts = rng.multinomial(cats.size, cats.prob, size=(reps, len(cats.size))).astype(float)
    out = np.full((reps, d.n_cells), np.nan)
    seg_ind = d.seg_cell % n_ind
    for rule, k, idx in rules:
        m = np.isin(seg_ind, idx)
        if m.any():
            out[:, d.seg_cell[m]] = from_counts(rule, k, counts[:, m], cats.code[m], cats.weight[m])
    return out


def _items_batch(
    d: _ItemDesign,
    cb: Codebook,
    n_units: int,
    reps: int,
    rng: np.random.Generator,
    coders: bool,
    cats: _Categories | None,
    rules: list[tuple[Rule, int, np.ndarray]] | None,
) -> np.ndarray:
    """Items scores of ``reps`` replicates, shape (reps, n_units, n_ind): counts when exact, else drawn items."""
    n_ind = len(cb.indicators)
    if len(d.cell) == 0:
        return np.full((reps, n_units, n_ind), np.nan)
    if cats is not None and rules is not None:
        return _items_from_counts(d, cats, rules, n_ind, reps, rng).reshape(reps, n_units, n_ind)
    codes, weights, _ = _draw_items(d, reps, rng, coders)
    return items_scores(d.cell, d.ind, codes, weights, n_units, cb)


@dataclass(frozen=True)
class _Categories:
    """Every non-empty cell's distinct (code, weight) pairs and their draw probabilities.

    A draw picks an item uniformly within its cell and, with coders, one of the item's
    coders uniformly: each draw is an independent draw from this discrete distribution, so
    the counts of a replicate are Multinomial(n_cell, p) over the cell's pairs. The weighted
    mean of a replicate depends only on those counts: drawing them is exact and costs per
    cell and pair, not per item. Pairs are right-aligned in each row (zeros first) so that
    the last probability of every row is positive.
    """

    size: np.ndarray  # (n_seg,) items per non-empty cell
    prob: np.ndarray  # (n_seg, k) probabilities
    code: np.ndarray  # (n_seg, k) code of each pair
    weight: np.ndarray  # (n_seg, k)


#: Largest number of distinct (code, weight) pairs in a cell for the multinomial path.
MAX_CATEGORIES = 64


def _categories(d: _ItemDesign, coders: bool) -> _Categories | None:
    """The per-cell (code, weight) distribution of one draw, or None if a cell has too many pairs."""
    if not len(d.cell):
        return None
    if coders and d.virtual == 0:  # each row of an item: probability 1 / (size * rows of the item)
        item_of_row = np.repeat(np.arange(len(d.cell)), d.n_rows)
        cell, code = d.cell[item_of_row], d.row_code
        weight = d.weight[item_of_row]
        prob = 1.0 / (d.size[item_of_row] * d.n_rows[item_of_row])
    elif coders and d.virtual > 1:
        r = d.virtual
        cell, code, weight = np.repeat(d.cell, r), d.vcode, np.repeat(d.weight, r)
        prob = 1.0 / (np.repeat(d.size, r) * r)
    else:
        cell, code, weight, prob = d.cell, d.code, d.weight, 1.0 / d.size
    order = np.lexsort((weight, code, cell))
    cell, code, weight, prob = cell[order], code[order], weight[order], prob[order]
    new = np.r_[True, (cell[1:] != cell[:-1]) | (code[1:] != code[:-1]) | (weight[1:] != weight[:-1])]
    pair = np.cumsum(new) - 1
    p = np.bincount(pair, weights=prob)
    pc, pcode, pw = cell[new], code[new], weight[new]
    seg = np.searchsorted(d.seg_cell, pc)
    per_seg = np.bincount(seg, minlength=len(d.seg_cell))
    k = int(per_seg.max())
    if k > MAX_CATEGORIES:
        return None
    first = np.r_[0, np.cumsum(per_seg)[:-1]]
    col = np.arange(len(pc)) - first[seg] + (k - per_seg[seg])  # right-aligned
    prob_m, code_m, weight_m = np.zeros((len(per_seg), k)), np.zeros((len(per_seg), k)), np.zeros((len(per_seg), k))
    prob_m[seg, col] = p
    code_m[seg, col] = pcode
    weight_m[seg, col] = pw
    prob_m /= prob_m.sum(axis=1, keepdims=True)
    size = np.bincount(np.searchsorted(d.seg_cell, d.cell), minlength=len(d.seg_cell))
    return _Categories(size=size, prob=prob_m, code=code_m, weight=weight_m)


# --- measures ----------------------------------------------------------------------------


def _draw_within(rng: np.random.Generator, reps: int, start: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Positions drawn uniformly within each slot's group, shape (reps, n)."""
    u = rng.random((reps, len(start)))
    k = (u * size).astype(np.intp)
    np.minimum(k, size - 1, out=k)
    k += start
    return k


def _measures_batch(
    specs: list[MeasureSpec],
    cb: Codebook,
    n_units: int,
    reps: int,
    rngs: list[np.random.Generator] | None,
) -> np.ndarray:
    """Measures scores, shape (reps, n_units, n_ind); one generator per measure rule, or
    ``None`` to use every observation once."""
    levels = []
    for j, spec in enumerate(specs):
        pos = None if rngs is None else _draw_within(rngs[j], reps, spec.start, spec.size)
        level = measure_levels(spec, cb, pos, n_units)[2]
        levels.append(np.broadcast_to(level, (reps, n_units)))
    return measures_scores(specs, levels, n_units, len(cb.indicators), reps)


# --- the bootstrap ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Replicates:
    """The bootstrap replicates behind the intervals (one slice per replicate).

    Attributes
    ----------
    indicators
        Indicator scores, shape (n_boot, n_units, n_ind), units in the order of
        ``scores.overall`` and indicators in codebook order.
    dimensions
        Dimension scores, shape (n_boot, n_units, n_dims).
    overall
        Overall scores, shape (n_boot, n_units).
    ranks
        Overall ranks (1 = highest), shape (n_boot, n_units); ``NaN`` where missing.
    parameters
        ``n_boot``, ``coders``, the seed (or the Generator's state) and the design.
    """

    indicators: np.ndarray = field(repr=False)
    dimensions: np.ndarray = field(repr=False)
    overall: np.ndarray = field(repr=False)
    ranks: np.ndarray = field(repr=False)
    parameters: dict[str, Any]

    def __str__(self) -> str:
        n, u, k = self.indicators.shape
        return f"Bootstrap replicates: {n} replicates of {u} units x {k} indicators ({self.parameters.get('design')})"

    def __repr__(self) -> str:
        n, u, k = self.indicators.shape
        p = self.parameters
        return f"Replicates: {n} draws ({p.get('method', 'bootstrap')}) of {u} units x {k} indicators, seed {p.get('seed')}"


def bootstrap_replicates(
    scores: Scores,
    *,
    n_boot: int = 1000,
    rng: RngLike = DEFAULT_SEED,
    coders: bool = True,
    measures: bool = True,
) -> Replicates:
    """Draw the bootstrap replicates of every score and rank (see the module docstring).

    Parameters
    ----------
    scores
        The result of :func:`~securitization.scoring.score`.
    n_boot
        Number of replicates.
    rng
        A :class:`numpy.random.Generator`, an int seed or ``None`` (a fresh seed, recorded
        in ``parameters``).
    coders
        Draw one coder's code per multiply-coded item and replicate.
    measures
        Resample measure periods too.

    Returns
    -------
    Replicates
    """
    caller = "bootstrap"
    prep = prepared_of(scores, caller)
    n_boot = check_n(n_boot, "n_boot", caller)
    gen, record = resolve_rng(rng, caller)
    cb = prep.codebook
    n_u, n_i, n_d = prep.n_units, prep.n_ind, len(cb.dimensions)
    check_memory(n_boot, n_u * (n_i + n_d + 2), "n_boot", caller)
    d = _item_design(prep)
    specs = measure_specs(prep, cb)
    aggregator = Aggregator.from_codebook(cb)
    groups = prep.units["year"].to_numpy(dtype=float, na_value=np.nan) if prep.by == "year" else None
    out_x = np.empty((n_boot, n_u, n_i))
    out_d = np.empty((n_boot, n_u, n_d))
    out_o = np.empty((n_boot, n_u))
    out_r = np.empty((n_boot, n_u))
    chunk = max(1, min(n_boot, CHUNK_ELEMENTS // max(len(d.cell), n_u * n_i, 1)))
    fixed_meas = None if measures else _measures_batch(specs, cb, n_u, 1, None)
    rules = _counts_rules(cb)
    cats = _categories(d, coders) if rules is not None else None  # exact multinomial counts (the common case)
    # independent streams for the items and for each measure rule: the numbers do not
    # depend on how the replicates are chunked
    gen_items, gen_meas = gen.spawn(2)
    meas_gens = gen_meas.spawn(len(specs))
    for a in progress(range(0, n_boot, chunk), desc="bootstrap", total=-(-n_boot // chunk), unit="chunk"):
        reps = min(chunk, n_boot - a)
        items = _items_batch(d, cb, n_u, reps, gen_items, coders, cats, rules)
        meas = _measures_batch(specs, cb, n_u, reps, meas_gens) if fixed_meas is None else fixed_meas
        x = blend(items, meas, cb)
        dims, _, overall, _ = aggregate(x, aggregator)
        out_x[a : a + reps] = x
        out_d[a : a + reps] = dims
        out_o[a : a + reps] = overall
        out_r[a : a + reps] = rank_desc(overall, groups)
    parameters = {
        "method": "bootstrap",
        "n_boot": n_boot,
        "coders": bool(coders),
        "measures": bool(measures),
        **record,
        "chunk": chunk,
        "design": DESIGN,
    }
    return Replicates(indicators=out_x, dimensions=out_d, overall=out_o, ranks=out_r, parameters=parameters)


def _summary(arr: np.ndarray, ci_prob: float) -> dict[str, np.ndarray]:
    """Median, standard deviation and the equal-tailed ``ci_prob``, 68% and 95% intervals of draws (axis 0)."""
    a = (1.0 - ci_prob) / 2.0
    probs = [0.5, a, 1.0 - a, 0.16, 0.84, 0.025, 0.975]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if np.isnan(arr).any():
            q = np.nanquantile(arr, probs, axis=0)
            sd = np.nanstd(arr, axis=0, ddof=1)
        else:
            q = np.quantile(arr, probs, axis=0)
            sd = np.std(arr, axis=0, ddof=1)
    scale = np.nanmax(np.abs(arr)) if np.isfinite(arr).any() else 1.0
    sd = np.where(sd <= 1e-12 * max(float(scale), 1.0), 0.0, sd)  # rounding noise of a constant
    names = ["median", "lo", "hi", "lo68", "hi68", "lo95", "hi95"]
    return {**dict(zip(names, q, strict=True)), "sd": sd}


#: What each interval method varies, in the words the tables, charts and reports use.
VARIES = {
    "posterior": "the evidence: items, coders and measures (posterior)",
    "bootstrap": "the evidence: items, coders and measures (bootstrap)",
    "joint": "the evidence (posterior) and the method: weights, item rule, aggregation, a left-out indicator",
}


def bootstrap(
    scores: Scores,
    *,
    n_boot: int = 1000,
    ci_prob: float = 0.9,
    rng: RngLike = DEFAULT_SEED,
    coders: bool = True,
    measures: bool = True,
) -> Scores:
    """Add bootstrap intervals to every score and rank.

    Parameters
    ----------
    scores
        The result of :func:`~securitization.scoring.score`.
    n_boot
        Number of bootstrap replicates (1000 by default; at least 2).
    ci_prob
        Probability mass of the intervals (0.9 gives the 5th-95th percentile interval).
    rng
        A :class:`numpy.random.Generator`, an int seed or ``None``. The same seed gives the
        same numbers; with ``None`` a fresh seed is drawn and recorded in the manifest.
    coders
        Carry coder disagreement: draw one coder's code per multiply-coded item and
        replicate (see the module docstring).
    measures
        Resample measure periods within unit and measure rule.

    Returns
    -------
    Scores
        A copy whose tables have interval columns: ``lo, hi, se`` (the percentile interval
        and the bootstrap standard error) in ``indicators``, ``dimensions`` and ``overall``,
        and ``rank_lo, rank_hi, rank_median`` in ``overall`` (rank 1 = highest score). The
        run's parameters are in ``manifest["uncertainty"]``.

    Examples
    --------
    >>> from securitization import load, score
    >>> s = bootstrap(score(load()), n_boot=200, rng=1)
    >>> row = s.overall.set_index("case").loc["us-trump-2017"]
    >>> bool(row["lo"] <= row["score"] <= row["hi"])
    True
    >>> s.manifest["uncertainty"]["seed"]
    1
    """
    ci_prob = check_ci_prob(ci_prob, "bootstrap")
    rep = bootstrap_replicates(scores, n_boot=n_boot, rng=rng, coders=coders, measures=measures)
    return attach_intervals(scores, rep, ci_prob=ci_prob)


def attach_intervals(scores: Scores, rep: Replicates, *, ci_prob: float = 0.9, prefix: str = "") -> Scores:
    """Summarise draws into interval columns of a copy of ``scores``.

    Every table (``indicators``, ``dimensions``, ``overall``) gets ``median``, ``sd``, the
    ``ci_prob`` interval ``lo, hi``, the 68% and 95% intervals ``lo68, hi68, lo95, hi95``;
    ``overall`` also ``rank_median, rank_lo, rank_hi`` (1 = highest). With a ``prefix``
    (``"joint_"``), the columns are added under prefixed names to ``overall`` only, beside
    those of another method. What the draws vary is recorded in
    ``manifest["uncertainty"]`` (``varies``).
    """
    ci_prob = check_ci_prob(ci_prob, "attach_intervals")
    tables = {"overall": (scores.overall.copy(), rep.overall)}
    if not prefix:
        tables["indicators"] = (scores.indicators.copy(), rep.indicators)
        tables["dimensions"] = (scores.dimensions.copy(), rep.dimensions)
    out: dict[str, pd.DataFrame] = {}
    for name, (table, arr) in tables.items():
        missing = table["score"].isna().to_numpy()
        for col, values in _summary(arr, ci_prob).items():
            table[prefix + col] = np.where(missing, np.nan, values.ravel())
        out[name] = table
    ov = out["overall"]
    a = (1.0 - ci_prob) / 2.0
    ranks = rep.ranks
    missing = ov["score"].isna().to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        r_lo = np.nanquantile(ranks, a, axis=0, method="lower")
        r_hi = np.nanquantile(ranks, 1.0 - a, axis=0, method="higher")
        r_med = np.nanmedian(ranks, axis=0)
    ov[prefix + "rank_lo"] = pd.array(np.where(missing | np.isnan(r_lo), np.nan, r_lo), dtype="Float64").astype("Int64")
    ov[prefix + "rank_hi"] = pd.array(np.where(missing | np.isnan(r_hi), np.nan, r_hi), dtype="Float64").astype("Int64")
    ov[prefix + "rank_median"] = np.where(missing, np.nan, r_med)
    manifest = dict(scores.manifest)
    method = str(rep.parameters.get("method", "bootstrap"))
    record = {**rep.parameters, "ci_prob": ci_prob, "interval": "equal-tailed", "varies": VARIES.get(method, method)}
    key = "uncertainty" if not prefix else prefix.rstrip("_") + "_uncertainty"
    manifest[key] = record
    return replace(scores, manifest=manifest, **out)
