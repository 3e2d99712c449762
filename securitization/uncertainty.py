"""Bootstrap intervals for indicator, dimension and overall scores and for ranks.

:func:`bootstrap` resamples the evidence behind a :class:`~securitization.results.Scores`
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
cell); chunks of replicates bound the memory to tens of megabytes. When every item rule is
the weighted mean (the default codebook) and cells hold few distinct (code, weight) pairs,
a replicate is drawn as multinomial counts over each cell's pairs: the same distribution
as drawing the items (and coders) one by one, at a cost per cell and pair instead of per
item; otherwise the items themselves are drawn. The same seed gives the same numbers. The run's parameters (``n_boot``, ``ci_prob``, seed, design) are
recorded in ``scores.manifest["uncertainty"]``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import ParameterError
from .progress import progress
from .rules import item_rule, map_thresholds

if TYPE_CHECKING:
    from .codebook import Codebook
    from .results import Scores
    from .scoring import Prepared

__all__ = ["Replicates", "attach_intervals", "bootstrap", "bootstrap_replicates", "rank_desc", "resolve_rng"]

RngLike = np.random.Generator | int | None

#: Elements (replicates x items) processed at once (about 30 bytes each, in reused
#: buffers): small chunks stay in cache and the memory stays in the tens of megabytes.
CHUNK_ELEMENTS = 1 << 21

DESIGN = (
    "nonparametric bootstrap: items resampled with replacement within unit x indicator; "
    "with coders=True each draw of a multiply-coded item takes one of its coders' codes at random "
    "(two-stage: items, then coders); "
    "measure periods resampled within unit x measure rule; percentile intervals; "
    "ranks per replicate (1 = highest score, ties take the best rank)"
)


def resolve_rng(rng: RngLike, caller: str) -> tuple[np.random.Generator, dict[str, Any]]:
    """A Generator from ``rng`` and a record of how to recreate it.

    ``None`` draws a fresh seed from the operating system and records it, so that every run
    can be repeated; an int is used as the seed; a Generator is used as is, and its state
    before the run is recorded.
    """
    if rng is None:
        seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
        return np.random.default_rng(seed), {"seed": seed}
    if isinstance(rng, np.random.Generator):
        return rng, {"seed": None, "rng_state": rng.bit_generator.state}
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        if int(rng) < 0:
            raise ParameterError.invalid("rng", caller, "a non-negative int seed, a numpy Generator or None", rng)
        return np.random.default_rng(int(rng)), {"seed": int(rng)}
    raise ParameterError.invalid("rng", caller, "a numpy.random.Generator, an int seed or None", rng)


def _check_ci_prob(ci_prob: float, caller: str) -> float:
    if not isinstance(ci_prob, float | int) or isinstance(ci_prob, bool) or not 0 < float(ci_prob) < 1:
        raise ParameterError.invalid("ci_prob", caller, "a probability strictly between 0 and 1", ci_prob)
    return float(ci_prob)


#: The most replicates or runs one call may draw (beyond it, intervals do not change).
MAX_DRAWS = 100_000
#: The most memory the arrays of draws of one call may take.
MAX_DRAW_BYTES = 2 * 1024**3


def _check_n(n: int, name: str, caller: str, minimum: int = 2, maximum: int = MAX_DRAWS) -> int:
    if not isinstance(n, int | np.integer) or isinstance(n, bool) or not minimum <= int(n) <= maximum:
        raise ParameterError.invalid(name, caller, f"an int from {minimum} to {maximum:,}", n)
    return int(n)


def _check_memory(n_draws: int, per_draw: int, name: str, caller: str) -> None:
    """Refuse a number of draws whose arrays would not fit the memory bound."""
    need = n_draws * per_draw * 8
    if need > MAX_DRAW_BYTES:
        most = max(1, MAX_DRAW_BYTES // (per_draw * 8))
        raise ParameterError(
            f"The {name!r} parameter of {caller} asks for {n_draws:,} draws, whose results would take "
            f"{need / 1024**3:.1f} GiB (the bound is {MAX_DRAW_BYTES / 1024**3:.0f} GiB). Use at most {most:,}."
        )


def rank_desc(values: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Rank units by score, highest first, along the last axis (ties take the best rank).

    ``values`` has shape (..., n_units); ``groups`` (n_units,) ranks within groups (the
    year for ``by="year"``). Missing scores get a ``NaN`` rank. Matches the ``rank``
    column of :attr:`Scores.overall <securitization.results.Scores.overall>`.

    Examples
    --------
    >>> import numpy as np
    >>> rank_desc(np.array([[2.0, 3.0, np.nan, 3.0]])).tolist()
    [[3.0, 1.0, nan, 1.0]]
    """
    v = np.asarray(values, dtype=float)
    if groups is None:
        return _rank_rows(v)
    g = np.asarray(groups)
    out = np.full(v.shape, np.nan)
    for key in np.unique(g[~pd.isna(g)]) if g.dtype.kind == "f" else np.unique(g):
        sel = np.flatnonzero(g == key)
        out[..., sel] = _rank_rows(v[..., sel])
    return out


def _rank_rows(v: np.ndarray) -> np.ndarray:
    """``rank_desc`` without groups, by sorting each row (O(n log n) per row)."""
    shape = v.shape
    flat = v.reshape(-1, shape[-1]) if v.ndim > 1 else v[None, :]
    n = flat.shape[1]
    if n == 0:
        return np.full(shape, np.nan)
    neg = -flat
    order = np.argsort(neg, axis=1, kind="stable")  # NaN last
    s = np.take_along_axis(neg, order, axis=1)
    idx = np.broadcast_to(np.arange(n), s.shape)
    new = np.ones(s.shape, dtype=bool)
    new[:, 1:] = s[:, 1:] != s[:, :-1]
    first = np.maximum.accumulate(np.where(new, idx, 0), axis=1)
    ranks = np.empty(flat.shape)
    np.put_along_axis(ranks, order, first + 1.0, axis=1)
    ranks[np.isnan(flat)] = np.nan
    return ranks.reshape(shape)


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


def _draw_within(rng: np.random.Generator, reps: int, start: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Positions drawn uniformly within each slot's group, shape (reps, n)."""
    u = rng.random((reps, len(start)))
    k = (u * size).astype(np.intp)
    np.minimum(k, size - 1, out=k)
    k += start
    return k


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


def _fast(d: _ItemDesign, cb: Codebook, coders: bool) -> bool:
    """Whether the packed weighted-mean path applies (every item rule a weighted mean)."""
    return all(i.items.rule == "weighted_mean" for i in cb.indicators) and not (coders and d.virtual == 0)


def _items_batch(
    d: _ItemDesign,
    cb: Codebook,
    n_units: int,
    reps: int,
    rng: np.random.Generator,
    coders: bool,
    packed: np.ndarray | None = None,
    ws: _Workspace | None = None,
    cats: _Categories | None = None,
) -> np.ndarray:
    """Items scores of ``reps`` replicates, shape (reps, n_units, n_ind)."""
    n_ind = len(cb.indicators)
    if len(d.cell) == 0:
        return np.full((reps, n_units, n_ind), np.nan)
    if cats is not None:
        return _weighted_mean_multinomial(d, cats, reps, rng).reshape(reps, n_units, n_ind)
    if _fast(d, cb, coders):
        return _weighted_mean_batch(d, reps, rng, coders, packed, ws).reshape(reps, n_units, n_ind)
    rules = [(i.items.rule, i.items.k or 3) for i in cb.indicators]
    codes, weights, _ = _draw_items(d, reps, rng, coders)
    group = (np.arange(reps, dtype=np.intp)[:, None] * d.n_cells + d.cell[None, :]).ravel()
    n_groups = reps * d.n_cells
    if len(set(rules)) == 1:
        rule, k = rules[0]
        out = item_rule(rule)(group, codes.ravel(), weights.ravel(), n_groups, k=k)
    else:
        out = np.full(n_groups, np.nan)
        ind = np.broadcast_to(d.ind, codes.shape).ravel()
        flat_c, flat_w = codes.ravel(), weights.ravel()
        for i, (rule, k) in enumerate(rules):
            m = ind == i
            res = item_rule(rule)(group[m], flat_c[m], flat_w[m], n_groups, k=k)
            sel = np.unique(group[m])
            out[sel] = res[sel]
    return out.reshape(reps, n_units, n_ind)


class _Workspace:
    """Buffers reused across chunks: fresh large arrays cost a page fault per 4 KiB page."""

    def __init__(self) -> None:
        self._buf: dict[str, np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, int], dtype: Any) -> np.ndarray:
        buf = self._buf.get(name)
        if buf is None or buf.shape[1] != shape[1] or buf.shape[0] < shape[0] or buf.dtype != dtype:
            buf = np.empty(shape, dtype=dtype)
            self._buf[name] = buf
        return buf[: shape[0]]


def _packed(d: _ItemDesign, coders: bool) -> np.ndarray:
    """``weight * code + 1j * weight`` of every item (or virtual row, with coders)."""
    if coders and d.virtual > 1:
        w = np.repeat(d.weight, d.virtual)
        return w * d.vcode + 1j * w
    return d.weight * d.code + 1j * d.weight


def _weighted_mean_batch(
    d: _ItemDesign,
    reps: int,
    rng: np.random.Generator,
    coders: bool,
    packed: np.ndarray | None = None,
    ws: _Workspace | None = None,
) -> np.ndarray:
    """The weighted mean of the drawn items of every cell, shape (reps, n_cells).

    The same draw as :func:`_draw_items`, computed the cheap way: the weighted code and the
    weight of every (virtual) row are packed into one complex number (``packed``), gathered
    once, and summed per cell over contiguous segments (``reduceat``; slots are sorted by
    cell). Buffers come from ``ws`` so that repeated chunks do not touch fresh memory.
    """
    ws = ws or _Workspace()
    packed = _packed(d, coders) if packed is None else packed
    it = d.index_type
    n = len(d.cell)
    r = d.virtual if coders else 1
    u = ws.get("u", (reps, n), np.float64)
    k = ws.get("k", (reps, n), it)
    g = ws.get("g", (reps, n), np.complex128)
    span = d.size * r
    rng.random(out=u)
    np.multiply(u, span, out=u)
    k[...] = u  # truncation towards zero = floor for u >= 0
    np.minimum(k, (span - 1).astype(it), out=k)
    np.add(k, (d.start * r).astype(it), out=k)
    np.take(packed, k, out=g, mode="clip")
    s = np.add.reduceat(g, d.seg_start, axis=1)
    out = np.full((reps, d.n_cells), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[:, d.seg_cell] = np.where(s.imag > 0, s.real / np.where(s.imag > 0, s.imag, 1.0), np.nan)
    return out


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
    wcode: np.ndarray  # (n_seg, k) weight * code of each pair
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
    prob_m, wcode_m, weight_m = np.zeros((len(per_seg), k)), np.zeros((len(per_seg), k)), np.zeros((len(per_seg), k))
    prob_m[seg, col] = p
    wcode_m[seg, col] = pw * pcode
    weight_m[seg, col] = pw
    prob_m /= prob_m.sum(axis=1, keepdims=True)
    size = np.bincount(np.searchsorted(d.seg_cell, d.cell), minlength=len(d.seg_cell))
    return _Categories(size=size, prob=prob_m, wcode=wcode_m, weight=weight_m)


def _weighted_mean_multinomial(d: _ItemDesign, cats: _Categories, reps: int, rng: np.random.Generator) -> np.ndarray:
    """The weighted mean of every cell in ``reps`` replicates from multinomial counts, (reps, n_cells)."""
    counts = rng.multinomial(cats.size, cats.prob, size=(reps, len(cats.size))).astype(float)
    num = np.einsum("rsk,sk->rs", counts, cats.wcode)
    den = np.einsum("rsk,sk->rs", counts, cats.weight)
    out = np.full((reps, d.n_cells), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[:, d.seg_cell] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out


# --- measures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _MeasureSpec:
    ind: int
    weight: float
    statistic: str
    mapping: str
    thresholds: tuple[float, ...]
    ref_units: np.ndarray  # units of the reference case
    ref_level: float
    uid: np.ndarray  # (n_obs,) unit of each observation, sorted by unit then period end
    values: np.ndarray  # (n_obs,)
    start: np.ndarray  # (n_obs,) first observation of the slot's unit
    size: np.ndarray  # (n_obs,)
    prev: np.ndarray  # (n_units,) previous unit of the same country with observations, or -1


def _measure_specs(prep: Prepared, cb: Codebook) -> list[_MeasureSpec]:
    units, obs = prep.units, prep.obs
    pop = units["population"].to_numpy(dtype=float)
    lo, hi = cb.scale.min, cb.scale.max
    specs = []
    for i, ind in enumerate(cb.indicators):
        for rule in ind.measures:
            o = obs.loc[(obs["measure"] == rule.measure) & (obs["indicator"] == ind.code)]
            if o.empty:
                continue
            o = o.sort_values(["uid", "period_end"], kind="stable")
            uid = o["uid"].to_numpy(dtype=np.intp)
            vals = o["value"].to_numpy(dtype=float)
            if rule.per == "population":
                vals = vals / pop[uid] * rule.per_scale
            keep = ~np.isnan(vals)
            uid, vals = uid[keep], vals[keep]
            counts = np.bincount(uid, minlength=prep.n_units)
            firsts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            prev = np.full(prep.n_units, -1, dtype=np.intp)
            if rule.statistic == "change":
                has = units.loc[counts > 0, ["uid", "country", "start"]].sort_values(["country", "start"])
                for _, g in has.groupby("country", sort=False):
                    u = g["uid"].to_numpy(dtype=np.intp)
                    prev[u[1:]] = u[:-1]
            ref_units = units.loc[units["case"] == rule.reference_case, "uid"].to_numpy(dtype=np.intp)
            specs.append(
                _MeasureSpec(
                    ind=i,
                    weight=rule.weight,
                    statistic=rule.statistic,
                    mapping=rule.mapping,
                    thresholds=tuple(rule.thresholds or ()),
                    ref_units=ref_units,
                    ref_level=rule.reference_level if rule.reference_level is not None else (lo + hi) / 2.0,
                    uid=uid,
                    values=vals,
                    start=firsts[uid],
                    size=counts[uid],
                    prev=prev,
                )
            )
    return specs


def _measure_level(spec: _MeasureSpec, pos: np.ndarray, n_units: int, cb: Codebook) -> np.ndarray:
    """Mapped level of one measure rule for each replicate, shape (reps, n_units)."""
    reps = pos.shape[0]
    lo, hi = float(cb.scale.min), float(cb.scale.max)
    group = (np.arange(reps, dtype=np.intp)[:, None] * n_units + spec.uid[None, :]).ravel()
    v = spec.values[pos].ravel()
    size = reps * n_units
    cnt = np.bincount(group, minlength=size)
    if spec.statistic in ("mean", "change"):
        with np.errstate(invalid="ignore", divide="ignore"):
            stat = np.bincount(group, weights=v, minlength=size) / cnt
    elif spec.statistic == "max":
        stat = np.full(size, -np.inf)
        np.maximum.at(stat, group, v)
    else:  # last: the drawn observation with the latest period
        last = np.full(size, -1, dtype=np.intp)
        np.maximum.at(last, group, pos.ravel())
        stat = spec.values[np.maximum(last, 0)]
    stat = np.where(cnt > 0, stat, np.nan).reshape(reps, n_units)
    if spec.statistic == "change":
        has_prev = spec.prev >= 0
        prev = stat[:, np.maximum(spec.prev, 0)]
        with np.errstate(invalid="ignore", divide="ignore"):
            stat = np.where(has_prev, (stat - prev) / prev, np.nan)
    finite = np.isfinite(stat)
    if spec.mapping == "thresholds":
        level = map_thresholds(stat, spec.thresholds, lowest=int(lo))
    elif spec.mapping == "minmax":
        with np.errstate(invalid="ignore"):
            mn = np.where(finite, stat, np.inf).min(axis=1, keepdims=True)
            mx = np.where(finite, stat, -np.inf).max(axis=1, keepdims=True)
            spread = mx > mn
            level = np.where(spread, lo + (stat - mn) / np.where(spread, mx - mn, 1.0) * (hi - lo), (lo + hi) / 2.0)
    else:  # reference
        ref = stat[:, spec.ref_units]
        with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            ref_mean = np.nanmean(ref, axis=1, keepdims=True) if ref.shape[1] else np.full((reps, 1), np.nan)
            ok = np.isfinite(ref_mean) & (ref_mean != 0)
            level = np.where(ok, np.clip(spec.ref_level * stat / np.where(ok, ref_mean, 1.0), lo, hi), np.nan)
    return np.where(finite, level, np.nan)


def _measures_batch(
    specs: list[_MeasureSpec],
    cb: Codebook,
    n_units: int,
    reps: int,
    rngs: list[np.random.Generator] | None,
) -> np.ndarray:
    """Measures scores, shape (reps, n_units, n_ind); one generator per measure rule, or
    ``None`` to use every observation once."""
    n_ind = len(cb.indicators)
    num = np.zeros((reps, n_units, n_ind))
    den = np.zeros((reps, n_units, n_ind))
    for j, spec in enumerate(specs):
        if rngs is None:
            pos = np.broadcast_to(np.arange(len(spec.uid), dtype=np.intp), (reps, len(spec.uid)))
        else:
            pos = _draw_within(rngs[j], reps, spec.start, spec.size)
        level = _measure_level(spec, pos, n_units, cb)
        ok = ~np.isnan(level)
        num[:, :, spec.ind] += np.where(ok, level * spec.weight, 0.0)
        den[:, :, spec.ind] += np.where(ok, spec.weight, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


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


def _prepared(scores: Scores, caller: str) -> Prepared:
    from .results import Scores

    if not isinstance(scores, Scores):
        raise ParameterError.invalid(
            "scores", caller, "a Scores object (from securitization.score)", type(scores).__name__
        )
    if scores.prepared is None:
        raise ParameterError.invalid(
            "scores", caller, "Scores made by securitization.score (with their prepared arrays)", "Scores without them"
        )
    return scores.prepared


def bootstrap_replicates(
    scores: Scores,
    *,
    n_boot: int = 1000,
    rng: RngLike = None,
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
    from .scoring import aggregate, blend

    caller = "bootstrap"
    prep = _prepared(scores, caller)
    n_boot = _check_n(n_boot, "n_boot", caller)
    gen, record = resolve_rng(rng, caller)
    cb = prep.codebook
    n_u, n_i, n_d = prep.n_units, prep.n_ind, len(cb.dimensions)
    _check_memory(n_boot, n_u * (n_i + n_d + 2), "n_boot", caller)
    d = _item_design(prep)
    specs = _measure_specs(prep, cb)
    groups = prep.units["year"].to_numpy(dtype=float, na_value=np.nan) if prep.by == "year" else None
    out_x = np.empty((n_boot, n_u, n_i))
    out_d = np.empty((n_boot, n_u, n_d))
    out_o = np.empty((n_boot, n_u))
    out_r = np.empty((n_boot, n_u))
    chunk = max(1, min(n_boot, CHUNK_ELEMENTS // max(len(d.cell), n_u * n_i, 1)))
    fixed_meas = None if measures else _measures_batch(specs, cb, n_u, 1, None)
    ws = _Workspace()
    fast = bool(len(d.cell)) and _fast(d, cb, coders)
    cats = _categories(d, coders) if fast else None  # exact multinomial counts (the common case)
    packed = _packed(d, coders) if fast and cats is None else None
    # independent streams for the items and for each measure rule: the numbers do not
    # depend on how the replicates are chunked
    gen_items, gen_meas = gen.spawn(2)
    meas_gens = gen_meas.spawn(len(specs))
    for a in progress(range(0, n_boot, chunk), desc="bootstrap", total=-(-n_boot // chunk), unit="chunk"):
        reps = min(chunk, n_boot - a)
        items = _items_batch(d, cb, n_u, reps, gen_items, coders, packed, ws, cats)
        meas = _measures_batch(specs, cb, n_u, reps, meas_gens) if fixed_meas is None else fixed_meas
        x = blend(items, meas, cb)
        dims, _, overall, _ = aggregate(x, cb)
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


def _interval(arr: np.ndarray, ci_prob: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a = (1.0 - ci_prob) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if np.isnan(arr).any():
            q = np.nanquantile(arr, [a, 1.0 - a], axis=0)
            se = np.nanstd(arr, axis=0, ddof=1)
        else:
            q = np.quantile(arr, [a, 1.0 - a], axis=0)
            se = np.std(arr, axis=0, ddof=1)
    scale = np.nanmax(np.abs(arr)) if np.isfinite(arr).any() else 1.0
    se = np.where(se <= 1e-12 * max(float(scale), 1.0), 0.0, se)  # rounding noise of a constant
    return q[0], q[1], se


def bootstrap(
    scores: Scores,
    *,
    n_boot: int = 1000,
    ci_prob: float = 0.9,
    rng: RngLike = None,
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
    ci_prob = _check_ci_prob(ci_prob, "bootstrap")
    rep = bootstrap_replicates(scores, n_boot=n_boot, rng=rng, coders=coders, measures=measures)
    return attach_intervals(scores, rep, ci_prob=ci_prob)


def attach_intervals(scores: Scores, rep: Replicates, *, ci_prob: float = 0.9) -> Scores:
    """Summarise replicates into interval columns of a copy of ``scores`` (see :func:`bootstrap`)."""
    ci_prob = _check_ci_prob(ci_prob, "attach_intervals")
    ind = scores.indicators.copy()
    dim = scores.dimensions.copy()
    ov = scores.overall.copy()
    for table, arr in ((ind, rep.indicators), (dim, rep.dimensions), (ov, rep.overall)):
        lo, hi, se = _interval(arr, ci_prob)
        point = table["score"].to_numpy(dtype=float)
        missing = np.isnan(point)
        table["lo"] = np.where(missing, np.nan, lo.ravel())
        table["hi"] = np.where(missing, np.nan, hi.ravel())
        table["se"] = np.where(missing, np.nan, se.ravel())
    a = (1.0 - ci_prob) / 2.0
    ranks = rep.ranks
    missing = ov["score"].isna().to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        r_lo = np.nanquantile(ranks, a, axis=0, method="lower")
        r_hi = np.nanquantile(ranks, 1.0 - a, axis=0, method="higher")
        r_med = np.nanmedian(ranks, axis=0)
    ov["rank_lo"] = pd.array(np.where(missing | np.isnan(r_lo), np.nan, r_lo), dtype="Float64").astype("Int64")
    ov["rank_hi"] = pd.array(np.where(missing | np.isnan(r_hi), np.nan, r_hi), dtype="Float64").astype("Int64")
    ov["rank_median"] = np.where(missing, np.nan, r_med)
    manifest = dict(scores.manifest)
    manifest["uncertainty"] = {**rep.parameters, "ci_prob": ci_prob, "interval": "percentile"}
    return replace(scores, indicators=ind, dimensions=dim, overall=ov, manifest=manifest)
