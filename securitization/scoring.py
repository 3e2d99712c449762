"""``score()``: coded items and measures to indicator, dimension and overall scores.

The flow, for each unit (a case, or a calendar year within a case with ``by="year"``):

1. **Coders.** The rows of an item coded by several coders are consolidated into one item
   code by the codebook's ``aggregation.coders`` rule (median by default); the item's
   weight is the mean of its rows' weights.
2. **Items.** The items of a unit and indicator are combined by the indicator's item rule
   (weighted mean by default).
3. **Measures.** Each measure rule of the indicator takes the observations whose period is
   assigned to the unit (largest overlap, see :func:`~securitization.periods.assign_by_overlap`),
   optionally divided by the unit's population, reduces them by its statistic (mean, max,
   last, or change against the previous unit of the same country) and maps the result onto
   the scale (thresholds, min-max over the scored units, or ratio to a reference case).
   The indicator's measure score is the weighted mean of its measure rules' scores.
4. **Blend.** The indicator score is the blend-weighted mean of the items score and the
   measures score, over those present.
5. **Aggregation.** Dimension scores combine indicator scores with indicator weights, the
   overall score combines dimension scores (or indicator scores) with their weights, by
   the codebook's rules. An aggregate is computed only when the inputs that have a score
   carry at least ``min_coverage`` of the weight; otherwise it is missing.

Missing is never zero: a cell without evidence is ``NaN`` and is reported as missing.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import __version__
from .codebook import Codebook, load_codebook
from .errors import ParameterError
from .periods import assign_by_overlap
from .results import Scores
from .rules import aggregation_rule, consolidate_coders, item_rule, map_thresholds
from .tables import Dataset, case_order, item_runs, validate_tables

__all__ = ["ItemArrays", "Prepared", "RowArrays", "aggregate", "prepare", "score"]

By = Literal["case", "year"]


@dataclass(frozen=True, kw_only=True)
class RowArrays:
    """One entry per evidence row per coder, sorted by unit, indicator, item and coder."""

    uid: np.ndarray  # unit
    ind: np.ndarray  # indicator position in the codebook
    cell: np.ndarray  # uid * n_ind + ind
    item: np.ndarray  # item number
    code: np.ndarray  # float code
    weight: np.ndarray
    coder: np.ndarray  # code into data.index.coders
    source: np.ndarray  # code into data.index.sources
    row: np.ndarray  # position in data.evidence


@dataclass(frozen=True, kw_only=True)
class ItemArrays:
    """One entry per item (its coders consolidated), in item order."""

    uid: np.ndarray
    ind: np.ndarray
    cell: np.ndarray  # uid * n_ind + ind
    code: np.ndarray  # consolidated code
    weight: np.ndarray  # mean of its rows' weights
    n_coders: np.ndarray
    row: np.ndarray  # first row in data.evidence (for the descriptive columns)


@dataclass(frozen=True, kw_only=True)
class Prepared:
    """The arrays that scoring works on (validated, indexed, consolidated).

    ``units`` has one row per unit (``uid``). ``row_arrays`` and ``item_arrays`` hold the
    evidence rows (one per coder, sorted by unit, indicator, item and coder) and the items
    (coders consolidated) as integer and float arrays, built from the dataset's integer
    codes only; scoring, the bootstrap and the sensitivity analysis work on them. The
    DataFrame views ``rows`` and ``items`` (with the id columns as categoricals, ``row``
    pointing into ``data.evidence``) are built on first use. ``obs`` holds the measure
    observations with their ``uid``.
    """

    data: Dataset
    codebook: Codebook
    by: By
    units: pd.DataFrame
    row_arrays: RowArrays
    item_arrays: ItemArrays
    obs: pd.DataFrame  # measure observations with unit
    n_units: int
    n_ind: int

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The evidence rows as a DataFrame (see the class docstring)."""
        r, ix = self.row_arrays, self.data.index
        return pd.DataFrame(
            {
                "uid": r.uid,
                "ind": r.ind,
                "item": r.item,
                "code": r.code,
                "weight": r.weight,
                "case": pd.Categorical.from_codes(ix.case[r.row], categories=ix.cases),
                "indicator": pd.Categorical.from_codes(r.ind, categories=list(self.codebook.indicator_codes)),
                "evidence_id": pd.Categorical.from_codes(ix.item[r.row], categories=ix.evidence_ids),
                "coder": pd.Categorical.from_codes(r.coder, categories=ix.coders),
                "source": pd.Categorical.from_codes(r.source, categories=ix.sources),
                "row": r.row,
            },
            copy=False,
        )

    @cached_property
    def items(self) -> pd.DataFrame:
        """The items as a DataFrame (see the class docstring)."""
        i, ix = self.item_arrays, self.data.index
        return pd.DataFrame(
            {
                "item": np.arange(len(i.uid)),
                "uid": i.uid,
                "ind": i.ind,
                "case": pd.Categorical.from_codes(ix.case[i.row], categories=ix.cases),
                "indicator": pd.Categorical.from_codes(i.ind, categories=list(self.codebook.indicator_codes)),
                "evidence_id": pd.Categorical.from_codes(ix.item[i.row], categories=ix.evidence_ids),
                "date": self.data.evidence["date"].to_numpy()[i.row],
                "weight": i.weight,
                "n_coders": i.n_coders,
                "code": i.code,
                "row": i.row,
                "cell": i.cell,
            },
            copy=False,
        )


def _units(data: Dataset, by: By) -> pd.DataFrame:
    cases = case_order(data.cases).reset_index(drop=True)
    cols = ["case", "country", "label", "leader", "start", "end", "population"]
    if by == "case":
        units = cases[cols].copy()
        units["year"] = pd.array([pd.NA] * len(units), dtype="Int64")
    else:
        rows = []
        last_seen = pd.concat([data.evidence["date"], data.measures["period_end"]]).max()
        for c in cases.itertuples(index=False):
            end = (
                c.end
                if not pd.isna(c.end)
                else max(pd.Timestamp(c.start), last_seen if not pd.isna(last_seen) else c.start)
            )
            for year in range(c.start.year, end.year + 1):
                rows.append(
                    {
                        "case": c.case,
                        "country": c.country,
                        "label": f"{c.label} ({year})",
                        "leader": c.leader,
                        "start": max(c.start, pd.Timestamp(year, 1, 1)),
                        "end": min(end, pd.Timestamp(year, 12, 31)),
                        "population": c.population,
                        "year": year,
                    }
                )
        units = pd.DataFrame(rows, columns=[*cols, "year"])
        units["year"] = units["year"].astype("Int64")
    units.insert(0, "uid", np.arange(len(units)))
    return units


def prepare(data: Dataset, *, by: By = "case", codebook: Codebook | None = None) -> Prepared:
    """Index a validated dataset for scoring (see :class:`Prepared`)."""
    cb = codebook or data.codebook
    if by not in ("case", "year"):
        raise ParameterError.invalid("by", "score", "'case' or 'year'", by)
    units = _units(data, by)
    ix = data.index
    ev = data.evidence
    n_ind = len(cb.indicator_codes)
    # indicator codes of the dataset's codebook -> this codebook's (a changed codebook may drop some)
    remap = np.array(
        [cb.indicator_codes.index(c) if c in cb.indicator_codes else -1 for c in data.codebook.indicator_codes] + [-1],
        dtype=np.intp,
    )
    identity = bool((remap[:-1] == np.arange(len(remap) - 1)).all())
    ind = ix.indicator if identity else remap[ix.indicator]
    case_units = units.drop_duplicates("case")  # one row per case, in the canonical order of ix.cases
    first_uid = case_units["uid"].to_numpy(dtype=np.intp)
    uid = ix.case if by == "case" else first_uid[ix.case]  # by case, a unit is the case's position
    if by == "year":
        first_year = case_units["year"].to_numpy(dtype=np.int64)[ix.case]
        n_years = units.groupby("case", sort=False).size().reindex(case_units["case"]).to_numpy()[ix.case]
        offset = ev["date"].dt.year.to_numpy(dtype=np.int64) - first_year
        uid = np.where((offset >= 0) & (offset < n_years), uid + offset, -1)
    code, weight, source = ix.code, ix.weight, ix.source
    eid, coder = ix.item, ix.coder
    if by == "case" and identity:  # rows and items exactly as indexed at validation
        keep, runs = ix.positions, vars(ix)
    else:
        ok = (ind >= 0) & (uid >= 0)
        keep = np.arange(len(ev)) if ok.all() else np.flatnonzero(ok)
        if len(keep) < len(ev):
            uid, ind, eid, coder = uid[keep], ind[keep], eid[keep], coder[keep]
            code, weight, source = code[keep], weight[keep], source[keep]
        order = np.lexsort((coder, eid, ind, uid))  # the table is sorted by case; re-sort by unit
        keep, uid, ind, eid, coder = keep[order], uid[order], ind[order], eid[order], coder[order]
        code, weight, source = code[order], weight[order], source[order]
        # an evidence id belongs to one case, indicator and date, hence to one unit
        runs = item_runs(eid, uid, ind, n_ind, weight)
    item, first, counts = runs["seq"], runs["first"], runs["n_rows"]
    row_arrays = RowArrays(
        uid=uid, ind=ind, cell=runs["cell"], item=item, code=code, weight=weight, coder=coder, source=source, row=keep
    )
    item_arrays = ItemArrays(
        uid=runs["item_case"],
        ind=runs["item_indicator"],
        cell=runs["item_cell"],
        code=consolidate_coders(item, code, len(first), cb.aggregation.coders),
        weight=runs["item_weight"],
        n_coders=counts,
        row=keep[first],
    )
    # measures by unit
    obs = data.measures.loc[data.measures["case"] != ""].copy()
    if by == "year":
        units_by_case = {c: g for c, g in units.groupby("case")}
        obs["uid"] = -1
        for case, g in obs.groupby("case"):
            u = units_by_case[case]
            got = assign_by_overlap(g["period_start"], g["period_end"], u["uid"].astype(str), u["start"], u["end"])
            obs.loc[g.index, "uid"] = [int(x) if x is not None else -1 for x in got]
        obs = obs.loc[obs["uid"] >= 0]
    else:
        obs["uid"] = obs["case"].map(units.set_index("case")["uid"])
    obs["uid"] = obs["uid"].astype(np.intp)
    return Prepared(
        data=data,
        codebook=cb,
        by=by,
        units=units,
        row_arrays=row_arrays,
        item_arrays=item_arrays,
        obs=obs.reset_index(drop=True),
        n_units=len(units),
        n_ind=n_ind,
    )


def items_scores(
    prep: Prepared, code: np.ndarray | None = None, weight: np.ndarray | None = None, codebook: Codebook | None = None
) -> np.ndarray:
    """Items score per unit and indicator, shape (n_units, n_ind); NaN where no item."""
    cb = codebook or prep.codebook
    items = prep.item_arrays
    code = items.code if code is None else code
    weight = items.weight if weight is None else weight
    cell, ind = items.cell, items.ind
    out = np.full(prep.n_units * prep.n_ind, np.nan)
    rules = {i: cb.indicators[i].items for i in range(prep.n_ind)}
    same = len({(r.rule, r.k) for r in rules.values()}) == 1
    if same:
        r = rules[0]
        out = item_rule(r.rule)(cell, code, weight, prep.n_units * prep.n_ind, k=r.k or 3)
    else:
        for i, r in rules.items():
            m = ind == i
            res = item_rule(r.rule)(cell[m], code[m], weight[m], prep.n_units * prep.n_ind, k=r.k or 3)
            sel = np.unique(cell[m])
            out[sel] = res[sel]
    return out.reshape(prep.n_units, prep.n_ind)


def measure_table(prep: Prepared, codebook: Codebook | None = None) -> pd.DataFrame:
    """One row per unit, indicator and measure rule: the statistic and its mapped level."""
    cb = codebook or prep.codebook
    units = prep.units
    lo, hi = cb.scale.min, cb.scale.max
    rows = []
    obs = prep.obs
    for i, ind in enumerate(cb.indicators):
        for rule in ind.measures:
            o = obs.loc[(obs["measure"] == rule.measure) & (obs["indicator"] == ind.code)]
            if o.empty:
                continue
            o = o.sort_values(["uid", "period_end"])
            pop = units["population"].to_numpy(dtype=float)[o["uid"].to_numpy()]
            vals = o["value"].to_numpy(dtype=float)
            if rule.per == "population":
                vals = vals / pop * rule.per_scale
            g = o.assign(x=vals).groupby("uid", sort=True)["x"]
            if rule.statistic in ("mean", "change"):
                stat = g.mean()
            elif rule.statistic == "max":
                stat = g.max()
            else:  # last
                stat = g.last()
            n_obs = g.count()
            table = pd.DataFrame(
                {"uid": stat.index.astype(np.intp), "level_value": stat.to_numpy(), "n_obs": n_obs.to_numpy()}
            )
            if rule.statistic == "change":
                u = units.set_index("uid").loc[table["uid"], ["country", "start"]].reset_index()
                table = table.merge(u, on="uid")
                table = table.sort_values(["country", "start"])
                prev = table.groupby("country")["level_value"].shift(1)
                with np.errstate(invalid="ignore", divide="ignore"):
                    table["statistic"] = (table["level_value"] - prev) / prev
                table = table.drop(columns=["country", "start"])
            else:
                table["statistic"] = table["level_value"]
            x = table["statistic"].to_numpy(dtype=float)
            if rule.mapping == "thresholds":
                level = map_thresholds(x, rule.thresholds or (), lowest=lo)
            elif rule.mapping == "minmax":
                finite = x[np.isfinite(x)]
                if finite.size and finite.max() > finite.min():
                    level = lo + (x - finite.min()) / (finite.max() - finite.min()) * (hi - lo)
                else:
                    level = np.where(np.isfinite(x), (lo + hi) / 2.0, np.nan)
            else:
                ref_units = units.loc[units["case"] == rule.reference_case, "uid"]
                ref = table.loc[table["uid"].isin(ref_units), "statistic"]
                ref_level = rule.reference_level if rule.reference_level is not None else (lo + hi) / 2.0
                if ref.empty or not np.isfinite(ref.mean()) or ref.mean() == 0:
                    level = np.full(len(x), np.nan)
                else:
                    level = np.clip(ref_level * x / ref.mean(), lo, hi)
            table["score"] = np.where(np.isfinite(x), level, np.nan)
            table["indicator"] = ind.code
            table["ind"] = i
            table["measure"] = rule.measure
            table["statistic_name"] = rule.statistic + (f" per {rule.per_scale:g} {rule.per}" if rule.per else "")
            table["weight"] = rule.weight
            rows.append(table)
    cols = [
        "uid",
        "ind",
        "indicator",
        "measure",
        "statistic_name",
        "statistic",
        "level_value",
        "n_obs",
        "score",
        "weight",
    ]
    if not rows:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=float if c in ("statistic", "level_value", "score", "weight") else object)
                for c in cols
            }
        )
    return pd.concat(rows, ignore_index=True)[cols]


def measures_scores(prep: Prepared, mtable: pd.DataFrame) -> np.ndarray:
    """Measures score per unit and indicator (weighted mean over measure rules)."""
    out = np.full((prep.n_units, prep.n_ind), np.nan)
    ok = mtable.loc[mtable["score"].notna()]
    if ok.empty:
        return out
    cell = ok["uid"].to_numpy(dtype=np.intp) * prep.n_ind + ok["ind"].to_numpy(dtype=np.intp)
    w = ok["weight"].to_numpy(dtype=float)
    num = np.bincount(cell, weights=w * ok["score"].to_numpy(dtype=float), minlength=prep.n_units * prep.n_ind)
    den = np.bincount(cell, weights=w, minlength=prep.n_units * prep.n_ind)
    with np.errstate(invalid="ignore", divide="ignore"):
        res = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return res.reshape(prep.n_units, prep.n_ind)


def blend(items: np.ndarray, measures: np.ndarray, codebook: Codebook) -> np.ndarray:
    """Blend items and measures scores per indicator (shape (..., n_units, n_ind))."""
    bi = np.array([ind.blend.items for ind in codebook.indicators], dtype=float)
    bm = np.array([ind.blend.measures if ind.measures else 0.0 for ind in codebook.indicators], dtype=float)
    wi = np.where(np.isnan(items), 0.0, bi)
    wm = np.where(np.isnan(measures), 0.0, bm)
    den = wi + wm
    with np.errstate(invalid="ignore", divide="ignore"):
        num = wi * np.nan_to_num(items) + wm * np.nan_to_num(measures)
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _combine(
    values: np.ndarray, weights: np.ndarray, rule: str, min_coverage: float, codebook: Codebook
) -> tuple[np.ndarray, np.ndarray]:
    w = np.asarray(weights, dtype=float)
    coverage = (np.where(np.isnan(values), 0.0, w)).sum(axis=-1) / w.sum()
    fn = aggregation_rule(rule)
    kwargs: dict[str, Any] = {"offset": codebook.aggregation.geometric_offset}
    if rule == "copeland":
        kwargs.update(lo=float(codebook.scale.min), hi=float(codebook.scale.max))
        # outranking only among units that pass the coverage rule
        values = np.where((coverage >= min_coverage - 1e-12)[..., None], values, np.nan)
    out = fn(values, w, **kwargs)
    out = np.where(coverage >= min_coverage - 1e-12, out, np.nan)
    return out, coverage


def aggregate(x: np.ndarray, codebook: Codebook) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Indicator scores (..., n_units, n_ind) to dimension and overall scores.

    Returns ``(dims, dim_coverage, overall, overall_coverage)`` with shapes
    (..., n_units, n_dims), (..., n_units, n_dims), (..., n_units), (..., n_units).
    """
    agg = codebook.aggregation
    ind_w = np.array([i.weight for i in codebook.indicators], dtype=float)
    ind_dim = [i.dimension for i in codebook.indicators]
    dims, covs = [], []
    for d in codebook.dimensions:
        sel = [j for j, dd in enumerate(ind_dim) if dd == d.code]
        v, c = _combine(x[..., sel], ind_w[sel], agg.dimension, agg.min_coverage, codebook)
        dims.append(v)
        covs.append(c)
    dim_arr = np.stack(dims, axis=-1)
    cov_arr = np.stack(covs, axis=-1)
    if agg.overall_from == "dimensions":
        dw = np.array([d.weight for d in codebook.dimensions], dtype=float)
        overall, ocov = _combine(dim_arr, dw, agg.overall, agg.min_coverage, codebook)
    else:
        overall, ocov = _combine(x, ind_w, agg.overall, agg.min_coverage, codebook)
    return dim_arr, cov_arr, overall, ocov


def indicator_matrix(
    prep: Prepared, codebook: Codebook | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DataFrame]:
    """Items, measures and blended indicator scores (n_units, n_ind), plus the measure table."""
    cb = codebook or prep.codebook
    it = items_scores(prep, codebook=cb)
    mt = measure_table(prep, cb)
    ms = measures_scores(prep, mt)
    return it, ms, blend(it, ms, cb), mt


def score(
    data: Dataset | pd.DataFrame,
    cases: pd.DataFrame | None = None,
    *,
    codebook: Codebook | str | None = None,
    measures: pd.DataFrame | None = None,
    by: By = "case",
) -> Scores:
    """Score every case (or every year of every case) from coded evidence and measures.

    Parameters
    ----------
    data
        A validated :class:`~securitization.tables.Dataset` (from
        :func:`~securitization.tables.load`), or an evidence table as a DataFrame (then
        ``cases`` is required; the tables are validated here).
    cases, measures
        The cases and (optional) measures tables when ``data`` is an evidence DataFrame.
    codebook
        A :class:`Codebook`, a file or a bundled name; default: the dataset's codebook
        (or the bundled ``bourbeau-2011``).
    by
        ``"case"`` (one score per case) or ``"year"`` (one per calendar year within each
        case: items by their dates, measures by their periods).

    Returns
    -------
    Scores
        Tidy tables of indicator, dimension and overall scores with bands, coverage, the
        evidence trail and a manifest.

    Examples
    --------
    >>> from securitization import load, score
    >>> s = score(load())
    >>> s.band("us-trump-2017")
    'high'
    """
    if isinstance(data, Dataset):
        ds = data
        if codebook is not None:
            cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
            if cb.sha256 != ds.codebook.sha256:
                ds = validate_tables(
                    cases=[ds.raw[0]], evidence=[ds.raw[1]], measures=[ds.raw[2]], codebook=cb, files=ds.files
                )
    elif isinstance(data, pd.DataFrame):
        if cases is None:
            raise ParameterError.invalid(
                "cases", "score", "a cases DataFrame when data is an evidence DataFrame", cases
            )
        cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
        ds = validate_tables(
            cases=[cases], evidence=[data], measures=[measures] if measures is not None else [], codebook=cb
        )
    else:
        raise ParameterError.invalid("data", "score", "a Dataset or an evidence DataFrame", type(data).__name__)
    prep = prepare(ds, by=by)
    items, meas, x, mtable = indicator_matrix(prep)
    dims, dcov, overall, ocov = aggregate(x, prep.codebook)
    manifest = _manifest(prep, by)
    return Scores.build(
        prep=prep,
        items_score=items,
        measures_score=meas,
        x=x,
        mtable=mtable,
        dims=dims,
        dim_coverage=dcov,
        overall=overall,
        overall_coverage=ocov,
        manifest=manifest,
    )


def _manifest(prep: Prepared, by: str) -> dict[str, Any]:
    cb = prep.codebook
    return {
        "library": {"name": "securitization", "version": __version__},
        "codebook": {"id": cb.id, "version": cb.version, "sha256": cb.sha256, "source": cb.source},
        "inputs": [{"path": f.path, "kind": f.kind, "sha256": f.sha256, "rows": f.rows} for f in prep.data.files],
        "parameters": {"by": by, "aggregation": cb.aggregation.model_dump()},
        "environment": {"python": platform.python_version(), "numpy": np.__version__, "pandas": pd.__version__},
    }
