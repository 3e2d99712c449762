"""The evidence table's integer index, built once at validation and shared by every score.

Scoring works on integer and float arrays, never on strings: at validation the id columns
(case, indicator, evidence id, coder, source) are turned into integer codes and the rows
sorted so that an item's rows (one per coder) are consecutive (:class:`EvidenceIndex`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..codebook import Codebook

__all__ = ["EvidenceIndex", "case_order", "index_evidence", "item_runs"]


@dataclass(frozen=True, kw_only=True)
class EvidenceIndex:
    """Integer codes of the evidence table's id columns, aligned with its rows.

    Built once at validation, so that scoring works on integer arrays and never on strings.
    ``case`` indexes the cases in their canonical order (:func:`case_order`), ``indicator``
    the codebook's indicators, ``item`` the sorted distinct evidence ids (``evidence_ids``),
    ``coder`` the sorted coder ids (``coders``), ``source`` the distinct sources
    (``sources``). The evidence table is sorted by case, indicator, evidence id and coder.
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
    positions: np.ndarray  # 0 .. n_rows - 1
    item_case: np.ndarray  # case of every item
    item_indicator: np.ndarray  # indicator of every item
    item_cell: np.ndarray  # cell of every item
    item_weight: np.ndarray  # mean weight of every item's rows


def case_order(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases in their canonical order: by country, then by start of term."""
    return cases.sort_values(["country", "start"], kind="stable")


def index_evidence(e: pd.DataFrame, cases: pd.DataFrame, codebook: Codebook) -> tuple[pd.DataFrame, EvidenceIndex]:
    ordered = pd.Index(case_order(cases)["case"].tolist())
    case = pd.Categorical(e["case"], categories=ordered).codes.astype(np.intp)
    ind = pd.Categorical(e["indicator"], categories=list(codebook.indicator_codes)).codes.astype(np.intp)
    item, evidence_ids = pd.factorize(e["evidence_id"], sort=True)
    coder, coders = pd.factorize(e["coder"], sort=True)
    source, sources = pd.factorize(e["source"])
    order = np.lexsort((coder, item, ind, case))
    e = e.take(order).reset_index(drop=True)
    weight = e["weight"].to_numpy(dtype=float)
    index = EvidenceIndex(
        case=case[order],
        cases=ordered,
        indicator=ind[order],
        item=item[order].astype(np.intp),
        evidence_ids=pd.Index(evidence_ids),
        coder=coder[order].astype(np.intp),
        coders=pd.Index(coders),
        source=source[order].astype(np.intp),
        sources=pd.Index(sources),
        **item_runs(item[order], case[order], ind[order], len(codebook.indicator_codes), weight),
        code=e["code"].to_numpy(dtype=float),
        weight=weight,
        positions=np.arange(len(e)),
    )
    for value in vars(index).values():  # shared by every score of the dataset: read-only
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    return e, index


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
    first = np.flatnonzero(new)
    seq = (np.cumsum(new) - 1).astype(np.intp)
    n_rows = np.diff(np.r_[first, n]).astype(np.intp)
    cell = unit * n_ind + ind
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
