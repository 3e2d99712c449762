"""The input tables: their schemas, their validation and the dataset they make.

Reading files is :mod:`securitization.reading`'s work; here the text cells are checked
against the schemas (:mod:`.schema`) and the codebook (:mod:`.checks`), every problem at
once, and the evidence is indexed for scoring (:mod:`.index`) into a :class:`Dataset`.
"""

from __future__ import annotations

from .checks import NUMBER_FORMS
from .dataset import Dataset, InputFile, load, validate_tables
from .index import EvidenceIndex, case_order, item_runs
from .schema import CASE_COLUMNS, COLUMNS, DEFAULT_CODER, EVIDENCE_COLUMNS, MEASURE_COLUMNS

__all__ = [
    "CASE_COLUMNS",
    "COLUMNS",
    "DEFAULT_CODER",
    "EVIDENCE_COLUMNS",
    "MEASURE_COLUMNS",
    "NUMBER_FORMS",
    "Dataset",
    "EvidenceIndex",
    "InputFile",
    "case_order",
    "item_runs",
    "load",
    "validate_tables",
]
