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
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._version import __version__
from ..codebook import Codebook, load_codebook
from ..datasets import indicators_dir
from ..errors import ParameterError
from ..tables import Dataset, case_order, validate_tables
from .engine import aggregate, indicator_matrix
from .prepare import By, Prepared, prepare
from .results import Scores

__all__ = ["STATUS", "build_scores", "score"]


def score(
    data: Dataset | pd.DataFrame,
    cases: pd.DataFrame | None = None,
    *,
    codebook: Codebook | str | None = None,
    measures: pd.DataFrame | None = None,
    countries: pd.DataFrame | None = None,
    by: By = "case",
    adjudicated: bool = True,
) -> Scores:
    """Score every case (or every year of every case) from coded evidence and measures.

    Parameters
    ----------
    data
        A validated :class:`~securitization.tables.Dataset` (from
        :func:`~securitization.tables.load`), or an evidence table as a DataFrame (then
        ``cases`` is required; the tables are validated here).
    cases, measures, countries
        The cases, the (optional) measures and countries (fiscal years) tables when
        ``data`` is an evidence DataFrame.
    codebook
        A :class:`Codebook`, a file or a bundled name; default: the dataset's codebook
        (or the bundled ``bourbeau-2011``).
    by
        ``"case"`` (one score per case) or ``"year"`` (one per calendar year within each
        case: items by their dates, measures by their periods).
    adjudicated
        Use an adjudicator's settled code for the doubly coded items that have one
        (``adjudications`` tables, default); ``False`` consolidates every item's coders by
        the codebook's coder rule.

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
            ds = ds.with_codebook(codebook if isinstance(codebook, Codebook) else load_codebook(codebook))
    elif isinstance(data, pd.DataFrame):
        if cases is None:
            raise ParameterError.invalid(
                "cases", "score", "a cases DataFrame when data is an evidence DataFrame", cases
            )
        cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
        ds = validate_tables(
            cases=[cases],
            evidence=[data],
            measures=[measures] if measures is not None else [],
            countries=[countries] if countries is not None else [],
            codebook=cb,
        )
    else:
        raise ParameterError.invalid("data", "score", "a Dataset or an evidence DataFrame", type(data).__name__)
    if not isinstance(adjudicated, bool):
        raise ParameterError.invalid("adjudicated", "score", "True or False", adjudicated)
    prep = prepare(ds, by=by, adjudicated=adjudicated)
    items, meas, x, mtable = indicator_matrix(prep)
    dims, dcov, overall, ocov = (a[0] for a in aggregate(x[None], prep.codebook))
    manifest = _manifest(prep, by)
    return build_scores(
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


def _distinct_per_cell(cell: np.ndarray, code: np.ndarray, n_codes: int, n_rows: np.ndarray) -> np.ndarray:
    """The number of distinct codes (of ``n_codes``) in each cell (``n_rows`` rows per cell)."""
    n_cells = len(n_rows)
    if not len(cell) or n_codes <= 1:
        return (n_rows > 0).astype(int) * min(n_codes, 1)
    key = cell * n_codes
    key += code
    if n_cells * n_codes <= 20_000_000:  # a presence table
        present = np.bincount(key, minlength=n_cells * n_codes) > 0
        return present.reshape(n_cells, n_codes).sum(axis=1)
    return np.bincount((pd.unique(key) // n_codes).astype(np.intp), minlength=n_cells)


def _missing(ind: pd.DataFrame, keys: list[str]) -> pd.Series:
    """The codes of the missing indicators of every group, joined by commas (empty when none)."""
    sub = ind.loc[ind["missing"].to_numpy(dtype=bool), [*keys, "indicator"]]
    joined = sub.groupby(keys, sort=False)["indicator"].agg(",".join) if len(sub) else pd.Series(dtype=object)
    groups = ind[keys].drop_duplicates()
    index = pd.MultiIndex.from_frame(groups) if len(keys) > 1 else pd.Index(groups[keys[0]])
    return joined.reindex(index, fill_value="")


#: The status of a unit's term: complete, ongoing (no end date), partial (ended, but its
#: dated evidence stops more than the codebook's ``partial_share`` of the term before the end).
STATUS = ("complete", "ongoing", "partial")


def _status(prep: Prepared) -> np.ndarray:
    """The status of every unit (see :data:`STATUS`), from its case's term and evidence dates."""
    ix = prep.data.index
    cases = case_order(prep.data.cases).reset_index(drop=True)  # the order of ix.cases
    n_cases = len(cases)
    last = np.full(n_cases, np.iinfo(np.int64).min, dtype=np.int64)
    if len(ix.case):  # the index is sorted by case: the latest date of each case's segment
        dates = prep.data.evidence["date"].to_numpy(dtype="datetime64[ns]")[ix.positions].view(np.int64)
        case = np.asarray(ix.case)
        starts = np.flatnonzero(np.r_[True, case[1:] != case[:-1]])
        last[case[starts]] = np.maximum.reduceat(dates, starts)
    start = cases["start"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    end = cases["end"].to_numpy(dtype="datetime64[ns]")
    ongoing = np.isnat(end)
    end_i = np.where(ongoing, 0, end.view(np.int64))
    cut = end_i - (end_i - start) * prep.codebook.uncertainty.partial_share
    status = np.where(ongoing, "ongoing", np.where(last < cut, "partial", "complete")).astype(object)
    by_case = dict(zip(cases["case"].astype(str), status, strict=True))
    return np.array([by_case[c] for c in prep.units["case"].astype(str)], dtype=object)


def _rank(values: pd.Series) -> pd.Series:
    return values.rank(ascending=False, method="min").astype("Int64")


def build_scores(
    *,
    prep: Prepared,
    items_score: np.ndarray,
    measures_score: np.ndarray,
    x: np.ndarray,
    mtable: pd.DataFrame,
    dims: np.ndarray,
    dim_coverage: np.ndarray,
    overall: np.ndarray,
    overall_coverage: np.ndarray,
    manifest: dict[str, Any],
) -> Scores:
    """The :class:`Scores` of a prepared dataset from its arrays (the tidy tables, counts and trail)."""
    cb = prep.codebook
    units = prep.units
    keys = ["case", "year"] if prep.by == "year" else ["case"]
    n_u, n_i = prep.n_units, prep.n_ind
    base = units[["uid", *keys, "label"]]
    # indicator table
    ind = base.loc[base.index.repeat(n_i)].reset_index(drop=True)
    ind["indicator"] = np.tile(cb.indicator_codes, n_u)
    ind["name"] = np.tile([i.name for i in cb.indicators], n_u)
    ind["dimension"] = np.tile([i.dimension for i in cb.indicators], n_u)
    ind["score"] = x.ravel()
    ind["band"] = pd.Series([cb.band(v) for v in ind["score"]], dtype=object)
    ind["items_score"] = items_score.ravel()
    ind["measures_score"] = measures_score.ravel()
    cells = n_u * n_i
    ia, ra = prep.item_arrays, prep.row_arrays
    rows_cell = ra.cell
    ind["n_items"] = np.bincount(ia.cell, minlength=cells)
    ind["n_rows"] = np.bincount(rows_cell, minlength=cells)
    multi_cell = ia.cell[ia.n_coders > 1]
    ind["n_multi_coded"] = np.bincount(multi_cell, minlength=cells)
    n_rows = ind["n_rows"].to_numpy()
    ix = prep.data.index
    ind["n_coders"] = _distinct_per_cell(rows_cell, ra.coder, len(ix.coders), n_rows)
    ind["n_sources"] = _distinct_per_cell(rows_cell, ra.source, len(ix.sources), n_rows)
    obs_ind = {c: i for i, c in enumerate(cb.indicator_codes)}
    used = prep.obs.loc[prep.obs["indicator"].isin(obs_ind)]
    used_measures = {(i, m.measure) for i, ii in enumerate(cb.indicators) for m in ii.measures}
    keep = [(obs_ind[a], b) in used_measures for a, b in zip(used["indicator"], used["measure"], strict=True)]
    used = used.loc[keep] if len(used) else used
    m_cell = (
        used["uid"].to_numpy(dtype=np.intp) * n_i + used["indicator"].map(obs_ind).to_numpy(dtype=np.intp)
        if len(used)
        else np.array([], dtype=np.intp)
    )
    ind["n_measures"] = np.bincount(m_cell, minlength=cells) if len(used) else 0
    ind["missing"] = ind["score"].isna()
    ind["thin"] = ind["n_items"].to_numpy() < cb.uncertainty.min_items
    status = _status(prep)
    ind["status"] = np.repeat(status, n_i)
    # dimension table
    n_d = len(cb.dimensions)
    dim = base.loc[base.index.repeat(n_d)].reset_index(drop=True)
    dim["dimension"] = np.tile(cb.dimension_codes, n_u)
    dim["score"] = dims.ravel()
    dim["band"] = pd.Series([cb.band(v) for v in dim["score"]], dtype=object)
    dim["coverage"] = dim_coverage.ravel()
    by_dim = ind.groupby(["uid", "dimension"], sort=False)
    at = pd.MultiIndex.from_arrays([dim["uid"], dim["dimension"]])
    dim["n_indicators"] = by_dim["score"].count().reindex(at).to_numpy()
    dim["n_items"] = by_dim["n_items"].sum().reindex(at).to_numpy()
    dim["n_measures"] = by_dim["n_measures"].sum().reindex(at).to_numpy()
    dim["missing_indicators"] = _missing(ind, ["uid", "dimension"]).reindex(at).to_numpy()
    dim["status"] = np.repeat(status, n_d)
    # overall table
    ov = base.copy()
    ov["score"] = overall
    ov["band"] = pd.Series([cb.band(v) for v in ov["score"]], dtype=object, index=ov.index)
    ov["coverage"] = overall_coverage
    ov["n_items"] = np.bincount(ia.uid, minlength=n_u)
    ov["n_coders"] = _distinct_per_cell(ra.uid, ra.coder, len(ix.coders), np.bincount(ra.uid, minlength=n_u))
    ov["n_measures"] = ind.groupby("uid", sort=False)["n_measures"].sum().reindex(ov["uid"]).to_numpy()
    ov["missing_indicators"] = _missing(ind, ["uid"]).reindex(ov["uid"]).to_numpy()
    ov["status"] = status
    ov["rank"] = ov.groupby("year", dropna=False)["score"].transform(_rank) if prep.by == "year" else _rank(ov["score"])
    obs = (
        used.merge(units[["uid", *[k for k in keys if k != "case"]]], on="uid", how="left")
        if prep.by == "year"
        else used
    )
    ms = mtable.merge(units[["uid", *keys]], on="uid", how="left")
    scored = {(ind.code, m.measure) for ind in cb.indicators for m in ind.measures}
    every = prep.data.measures
    observations = every.assign(
        scored=[(a, b) in scored for a, b in zip(every["indicator"], every["measure"], strict=True)]
    )
    return Scores(
        codebook=cb,
        by=prep.by,
        indicators=ind,
        dimensions=dim,
        overall=ov,
        measures=obs,
        measure_scores=ms,
        observations=observations,
        units=units,
        manifest=manifest,
        prepared=prep,
    )


def _codebook_name(cb: Codebook, prep: Prepared) -> str:
    """The codebook's source as a stable name: ``bundled:<file>`` or the name recorded with the inputs."""
    if not cb.source:
        return ""
    src = Path(cb.source).resolve()
    if src.is_relative_to(indicators_dir().resolve()):
        return f"bundled:{src.name}"
    for f in prep.data.files:
        if f.kind == "codebook" and Path(f.path).resolve() == src:
            return f.name or src.name
    return src.name


def _manifest(prep: Prepared, by: str) -> dict[str, Any]:
    cb = prep.codebook
    return {
        "library": {"name": "securitization", "version": __version__},
        "codebook": {"id": cb.id, "version": cb.version, "sha256": cb.sha256, "source": _codebook_name(cb, prep)},
        "inputs": [
            {"path": f.name or Path(f.path).name, "kind": f.kind, "sha256": f.sha256, "rows": f.rows}
            for f in prep.data.files
        ],
        "parameters": {
            "by": by,
            "aggregation": cb.aggregation.model_dump(),
            "adjudicated": prep.adjudicated,
            "n_adjudications": len(prep.data.adjudications),
        },
        "environment": {"python": platform.python_version(), "numpy": np.__version__, "pandas": pd.__version__},
    }
