"""The evidence table's integer index, built once at validation and shared by every score.

Scoring works on integer and float arrays, never on strings: at validation the id columns
(case, indicator, evidence id, coder, source) are turned into integer codes, ordered so
that an item's rows (one per coder) are consecutive (:class:`EvidenceIndex`); the evidence
table itself keeps the order it was read in (``positions`` maps the index to its rows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..codebook import Codebook

__all__ = ["EvidenceIndex", "case_order", "compact", "index_evidence", "item_runs"]


@dataclass(frozen=True, kw_only=True)
class EvidenceIndex:
    """Integer codes of the evidence table's id columns, aligned with its rows.

    Built once at validation, so that scoring works on integer arrays and never on strings.
    ``case`` indexes the cases in their canonical order (:func:`case_order`), ``indicator``
    the codebook's indicators, ``item`` the sorted distinct evidence ids (``evidence_ids``),
    ``coder`` the sorted coder ids (``coders``), ``source`` the distinct sources
    (``sources``). The entries are sorted by case, indicator, evidence id and coder;
    ``positions`` gives the evidence table's row of each.
    """

    case: np.ndarray
    cases: pd.Index
    indicator: np.ndarray
    item: np.ndarray
    evidence_ids: pd.Index
    coder: np.ndarray
    coders: pd.Index
    source: np.ndarray
    sources: pd.Index
    code: np.ndarray  # float codes
    weight: np.ndarray  # float weights
    seq: np.ndarray  # item number in table order (an item's rows are consecutive)
    first: np.ndarray  # first row of every item
    n_rows: np.ndarray  # rows (coders) of every item
    cell: np.ndarray  # case * n_indicators + indicator
    positions: np.ndarray  # the row of the evidence table of every entry
    item_case: np.ndarray  # case of every item
    item_indicator: np.ndarray  # indicator of every item
    item_cell: np.ndarray  # cell of every item
    item_weight: np.ndarray  # mean weight of every item's rows
    adjudicated: np.ndarray  # the settled code of every evidence id (NaN where none)


def case_order(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases in their canonical order: by country, then by start of term."""
    return cases.sort_values(["country", "start"], kind="stable")


def _codes(values: pd.Series, categories: list[str] | pd.Index | None = None) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of an id column and its categories (sorted, unless ``categories`` are given)."""
    if categories is not None:
        cat = values.cat if isinstance(values.dtype, pd.CategoricalDtype) else None
        if cat is not None and list(cat.categories) == list(categories):
            return cat.codes.to_numpy(dtype=np.intp), pd.Index(categories)
        return pd.Categorical(values, categories=categories).codes.astype(np.intp), pd.Index(categories)
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.is_monotonic_increasing:
        return values.cat.codes.to_numpy(dtype=np.intp), pd.Index(values.cat.categories)
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.intp), pd.Index(uniques)


def index_evidence(
    e: pd.DataFrame,
    cases: pd.DataFrame,
    codebook: Codebook,
    *,
    items: tuple[np.ndarray, pd.Index] | None = None,
    adjudications: pd.DataFrame | None = None,
) -> EvidenceIndex:
    """The integer index of a validated evidence table (the table itself is kept in its order).

    ``items`` are the codes of the evidence ids into their sorted distinct values, when
    validation has them already (they are computed otherwise); ``adjudications`` the
    settled codes (``evidence_id, code``).
    """
    ordered = pd.Index(case_order(cases)["case"].tolist())
    case, _ = _codes(e["case"], ordered)
    ind, _ = _codes(e["indicator"], list(codebook.indicator_codes))
    item, evidence_ids = items if items is not None else _codes(e["evidence_id"])
    item = item.astype(np.intp, copy=False)
    coder, coders = _codes(e["coder"])
    source, sources = pd.factorize(e["source"])
    order = np.lexsort((coder, item, ind, case))  # the index's rows: an item's coders are consecutive
    weight = e["weight"].to_numpy(dtype=float)[order]
    case, ind, item = compact(case[order]), compact(ind[order]), compact(item[order])
    settled = np.full(len(evidence_ids), np.nan)
    if adjudications is not None and len(adjudications):
        at = evidence_ids.get_indexer(adjudications["evidence_id"].astype(str))
        settled[at[at >= 0]] = adjudications["code"].to_numpy(dtype=float)[at >= 0]
    index = EvidenceIndex(
        case=case,
        cases=ordered,
        indicator=ind,
        item=item,
        evidence_ids=evidence_ids,
        coder=compact(coder[order]),
        coders=coders,
        source=compact(source[order]),
        sources=pd.Index(sources),
        **item_runs(item, case, ind, len(codebook.indicator_codes), weight),
        code=e["code"].to_numpy(dtype=float)[order],
        weight=weight,
        positions=compact(order),
        adjudicated=settled,
    )
    for value in vars(index).values():  # shared by every score of the dataset: read-only
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    return index


def compact(codes: np.ndarray) -> np.ndarray:
    """Integer codes in 32 bits when they fit (half the memory of ``intp`` on a million rows)."""
    if len(codes) and int(codes.max()) >= np.iinfo(np.int32).max:
        return codes.astype(np.intp, copy=False)
    return codes.astype(np.int32, copy=False)


def item_runs(
    item: np.ndarray, unit: np.ndarray, ind: np.ndarray, n_ind: int, weight: np.ndarray
) -> dict[str, np.ndarray]:
    """Describe the items of rows sorted by unit, indicator and item id.

    An item's rows (one per coder) are consecutive: ``seq`` numbers the item of every row,
    ``first`` is each item's first row and ``n_rows`` its number of rows; ``cell`` is
    ``unit * n_ind + ind`` of every row, and ``item_case``, ``item_indicator``,
    ``item_cell`` and ``item_weight`` (the mean of its rows' weights) describe each item.
    """
    n = len(item)
    new = np.empty(n, dtype=bool)
    if n:
        new[0] = True
        np.not_equal(item[1:], item[:-1], out=new[1:])
    first = compact(np.flatnonzero(new))
    seq = compact(np.cumsum(new) - 1)
    n_rows = compact(np.diff(np.r_[first, n]))
    cell = compact(unit.astype(np.intp) * n_ind + ind)
    return {
        "seq": seq,
        "first": first,
        "n_rows": n_rows,
        "cell": cell,
        "item_case": unit[first],
        "item_indicator": ind[first],
        "item_cell": cell[first],
        "item_weight": np.bincount(seq, weights=weight, minlength=len(first)) / np.maximum(n_rows, 1),
    }
