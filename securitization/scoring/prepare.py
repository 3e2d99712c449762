"""Preparing a validated dataset for scoring: units, and evidence rows and items as arrays.

:func:`prepare` turns a :class:`~securitization.tables.Dataset` into the integer and float
arrays that every computation works on: the units (a case, or a calendar year of a case
with ``by="year"``), the evidence rows (one per coder) and the items (their coders
consolidated by the codebook's coder rule), and the measure observations with their unit.
Built from the dataset's integer index only: no string is touched here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd

from ..codebook import Codebook
from ..errors import ParameterError
from ..periods import assign_by_overlap
from ..rules import consolidate_coders
from ..tables import Dataset, case_order, item_runs

__all__ = ["By", "ItemArrays", "Prepared", "RowArrays", "prepare"]

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
    entry: np.ndarray  # position in data.index
    row: np.ndarray  # position in data.evidence


@dataclass(frozen=True, kw_only=True)
class ItemArrays:
    """One entry per item (its coders consolidated), in item order."""

    uid: np.ndarray
    ind: np.ndarray
    cell: np.ndarray  # uid * n_ind + ind
    code: np.ndarray  # consolidated code (the adjudicated one where an adjudicator settled it)
    weight: np.ndarray  # mean of its rows' weights
    n_coders: np.ndarray
    adjudicated: np.ndarray  # whether the code is an adjudicator's
    entry: np.ndarray  # position in data.index of its first row
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
    adjudicated: bool = True  # whether adjudicators' settled codes are used

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
                "case": pd.Categorical.from_codes(ix.case[r.entry], categories=ix.cases),
                "indicator": pd.Categorical.from_codes(r.ind, categories=list(self.codebook.indicator_codes)),
                "evidence_id": pd.Categorical.from_codes(ix.item[r.entry], categories=ix.evidence_ids),
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
                "case": pd.Categorical.from_codes(ix.case[i.entry], categories=ix.cases),
                "indicator": pd.Categorical.from_codes(i.ind, categories=list(self.codebook.indicator_codes)),
                "evidence_id": pd.Categorical.from_codes(ix.item[i.entry], categories=ix.evidence_ids),
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


def prepare(data: Dataset, *, by: By = "case", codebook: Codebook | None = None, adjudicated: bool = True) -> Prepared:
    """Index a validated dataset for scoring (see :class:`Prepared`).

    ``adjudicated=True`` gives an item whose code an adjudicator settled that code;
    ``False`` consolidates its coders' codes by the codebook's coder rule, as for every
    other item.
    """
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
        offset = ev["date"].dt.year.to_numpy(dtype=np.int64)[ix.positions] - first_year
        uid = np.where((offset >= 0) & (offset < n_years), uid + offset, -1)
    code, weight, source = ix.code, ix.weight, ix.source
    eid, coder = ix.item, ix.coder
    if by == "case" and identity:  # rows and items exactly as indexed at validation
        entry, runs = np.arange(len(ix.case)), vars(ix)
    else:
        ok = (ind >= 0) & (uid >= 0)
        entry = np.arange(len(ix.case))
        if not ok.all():
            sel = np.flatnonzero(ok)
            entry, uid, ind, eid, coder = entry[sel], uid[sel], ind[sel], eid[sel], coder[sel]
            code, weight, source = code[sel], weight[sel], source[sel]
        order = np.lexsort((coder, eid, ind, uid))  # the index is sorted by case; re-sort by unit
        entry, uid, ind, eid, coder = entry[order], uid[order], ind[order], eid[order], coder[order]
        code, weight, source = code[order], weight[order], source[order]
        # an evidence id belongs to one case, indicator and date, hence to one unit
        runs = item_runs(eid, uid, ind, n_ind, weight)
    item, first, counts = runs["seq"], runs["first"], runs["n_rows"]
    keep = ix.positions[entry]  # the evidence table's rows
    row_arrays = RowArrays(
        uid=uid,
        ind=ind,
        cell=runs["cell"],
        item=item,
        code=code,
        weight=weight,
        coder=coder,
        source=source,
        entry=entry,
        row=keep,
    )
    item_code = consolidate_coders(item, code, len(first), cb.aggregation.coders)
    settled = ix.adjudicated[ix.item[entry[first]]] if adjudicated else np.full(len(first), np.nan)
    is_settled = ~np.isnan(settled)
    if is_settled.any():
        item_code = np.where(is_settled, settled, item_code)
    item_arrays = ItemArrays(
        uid=runs["item_case"],
        ind=runs["item_indicator"],
        cell=runs["item_cell"],
        code=item_code,
        weight=runs["item_weight"],
        n_coders=counts,
        adjudicated=is_settled,
        entry=entry[first],
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
        adjudicated=adjudicated,
    )
