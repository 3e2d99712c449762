"""Record files: their format, header, column types and hash; matching them to a layout."""

from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from ..errors import MissingDependencyError, ParameterError, Problem, ValidationError
from .layouts import Layout, TableSpec

__all__ = ["FileFormat", "RecordFile", "SourceFile", "file_sha256", "inspect_file", "match_files"]

FileFormat = Literal["parquet", "csv", "feather", "xlsx"]
ColumnType = Literal["timestamp", "date", "number", "string"]
_FORMATS: dict[str, FileFormat] = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".feather": "feather",
    ".arrow": "feather",
    ".ipc": "feather",
    ".xlsx": "xlsx",
}


@dataclass(frozen=True, kw_only=True)
class RecordFile:
    """One input file: where it is, how to read it, its columns and types, its SHA-256."""

    path: Path
    name: str  # relative to the working folder when inside it
    format: FileFormat
    columns: dict[str, ColumnType]
    sha256: str
    rows: int | None  # known from the file's metadata (Parquet, Feather), else counted by the engine


@dataclass(frozen=True, kw_only=True)
class SourceFile:
    """A record file matched to a layout table: ``roles`` maps each role to its column."""

    file: RecordFile
    table: TableSpec
    roles: dict[str, str]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _display_name(path: Path) -> str:
    try:
        rel = os.path.relpath(path.resolve(), Path.cwd().resolve())
    except ValueError:  # another drive
        return str(path)
    return str(path) if rel.startswith("..") else rel


def _arrow_type(t: pa.DataType) -> ColumnType:
    if pa.types.is_timestamp(t):
        return "timestamp"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    return "string"


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes (read in 1 MiB blocks)."""
    return _sha256(Path(path))


def inspect_file(path: str | Path, *, sha256: bool = True) -> RecordFile:
    """Read a record file's header (not its rows): format, columns with types, SHA-256.

    With ``sha256=False`` the hash is left empty (to be computed alongside the queries).

    Raises
    ------
    ParameterError
        If the file does not exist or its format is not one of Parquet, CSV, Feather, xlsx.
    """
    p = Path(path)
    if not p.is_file():
        raise ParameterError(f"The record file {str(p)!r} does not exist. Check the path.")
    fmt = _FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise ParameterError(
            f"The record file {str(p)!r} has the suffix {p.suffix!r}; expected one of "
            f"{sorted(set(_FORMATS))} (Parquet, CSV, Feather or xlsx)."
        )
    rows: int | None = None
    if fmt in ("parquet", "feather"):
        if fmt == "parquet":
            meta = pq.read_metadata(p)
            schema = meta.schema.to_arrow_schema()
            rows = meta.num_rows
        else:
            with ipc.open_file(p) as reader:
                schema = reader.schema
                rows = sum(reader.get_batch(i).num_rows for i in range(reader.num_record_batches))
        columns = {f.name: _arrow_type(f.type) for f in schema}
    elif fmt == "csv":
        with p.open(newline="", encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh), [])
        columns = {c.strip(): "string" for c in header}
    else:
        try:
            import openpyxl
        except ImportError:
            raise MissingDependencyError("openpyxl", "excel", "Reading .xlsx record files") from None
        wb = openpyxl.load_workbook(p, read_only=True)
        try:
            first = next(wb.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        finally:
            wb.close()
        columns = {str(c).strip(): "string" for c in first if c is not None}
    digest = _sha256(p) if sha256 else ""
    return RecordFile(path=p, name=_display_name(p), format=fmt, columns=columns, sha256=digest, rows=rows)


def _roles(file: RecordFile, table: TableSpec) -> tuple[dict[str, str], list[str]]:
    roles, missing = {}, []
    for role, spec in table.columns.items():
        found = next((n for n in spec.names if n in file.columns), None)
        if found is not None:
            roles[role] = found
        elif spec.required:
            missing.append(" or ".join(repr(n) for n in spec.names))
    return roles, missing


def match_files(layout: Layout, files: list[RecordFile]) -> list[SourceFile]:
    """Match each file to a table of the layout and each role to a column.

    A ``fy-tables`` file goes to the table named like the file (its stem), else to the one
    table whose required columns it has. Every problem is collected before raising.

    Raises
    ------
    ValidationError
        Naming, per file, the required columns it lacks (or the tables it could be).
    """
    problems: list[Problem] = []
    out: list[SourceFile] = []
    for f in files:
        tables = list(layout.tables)
        if layout.kind == "fy-tables":
            named = [t for t in tables if f.path.stem.lower() == t.name.lower()]
            if named:
                tables = named
            else:
                tables = [t for t in tables if not _roles(f, t)[1]]
                if len(tables) != 1:
                    problems.append(
                        Problem(
                            file=f.name,
                            row=None,
                            column=None,
                            value=f.path.stem,
                            expected=(
                                f"a table of layout {layout.id!r}: name the file after its table "
                                f"({', '.join(t.name for t in layout.tables)})"
                                + (f"; its columns fit several: {[t.name for t in tables]}" if tables else "")
                            ),
                        )
                    )
                    continue
        table = tables[0]
        roles, missing = _roles(f, table)
        if missing:
            problems.append(
                Problem(
                    file=f.name,
                    row=None,
                    column=None,
                    value=None,
                    expected=(
                        f"the columns of layout {layout.id!r}"
                        + (f" table {table.name!r}" if layout.kind == "fy-tables" else "")
                        + f"; missing: {', '.join(missing)} (the file has: {', '.join(f.columns) or 'no columns'})"
                    ),
                )
            )
            continue
        out.append(SourceFile(file=f, table=table, roles=roles))
    if problems:
        raise ValidationError(problems, what="record files")
    return out
