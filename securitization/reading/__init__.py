"""Reading input files: one reader per format, and finding the tables in folders.

Reading is apart from validation: a reader turns a file into a table of text cells (or
refuses it, naming the file and the lines); :mod:`securitization.tables` checks those
cells against the schemas and the codebook.
"""

from __future__ import annotations

from .discover import TABLE_KINDS, TableKind, discover, find_codebooks, kind_of
from .formats import READERS, REFUSED, Reader, read_table, reader_for, register_reader

__all__ = [
    "READERS",
    "REFUSED",
    "TABLE_KINDS",
    "Reader",
    "TableKind",
    "discover",
    "find_codebooks",
    "kind_of",
    "read_table",
    "reader_for",
    "register_reader",
]
