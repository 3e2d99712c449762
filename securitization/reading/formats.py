"""File formats: one reader per file suffix, each returning a table of text cells.

A reader takes a path and returns a DataFrame whose cells are all strings (empty cells are
``""``, surrounding spaces stripped), with three more columns: ``file`` (the path as
given), ``row`` (the row number as a spreadsheet shows it: the header is row 1) and
``decimal`` (``","`` when the file writes decimals with a comma: a semicolon-separated
CSV, as Excel saves it in comma-decimal languages; ``"."`` otherwise). A file that
cannot be read exactly raises :class:`~securitization.errors.ValidationError` listing
every problem with the file and, where there is one, the line or row: never a raw parser
error, never a silently shifted column.

Readers are registered by suffix (:func:`register_reader`); formats the library refuses
(``.xls``, ``.ods``, ...) are listed in :data:`REFUSED` with the fix, so that such a file is
never ignored in silence.

* **CSV** (``.csv``, ``.tsv``, ``.txt``): UTF-8 with or without a byte-order mark; the
  delimiter is one of ``, ; TAB |`` (sniffed); parsed by Apache Arrow's CSV reader, which
  reports every row whose number of cells differs from the header's (an unquoted
  delimiter in a cell shifts no column: the file is refused with the lines named). A
  delimiter at the end of every line (an empty last column) is accepted.
* **Excel** (``.xlsx``, ``.xlsm``): the first worksheet, read with openpyxl (extra
  ``excel``); date cells become ``YYYY-MM-DD``, whole numbers lose their ``.0``; hidden
  rows or columns are refused (what is scored must be what the coder sees), as are an
  empty sheet and a damaged or encrypted workbook.
* **Parquet** (``.parquet``): read with pyarrow; dates become ``YYYY-MM-DD``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import MissingDependencyError, Problem, ValidationError
from ..text import CONTROL

__all__ = ["BESIDE", "READERS", "REFUSED", "Reader", "control_problems", "read_table", "reader_for", "register_reader"]

Reader = Callable[[Path], pd.DataFrame]

#: Suffixes that are refused, with what to do instead.
REFUSED: dict[str, str] = {
    ".xls": "an .xlsx workbook or a CSV UTF-8 file (this is an old Excel 97-2003 .xls workbook: save it as .xlsx)",
    ".ods": "an .xlsx workbook or a CSV UTF-8 file (this is an OpenDocument spreadsheet: save it as .xlsx or CSV)",
    ".numbers": "an .xlsx workbook or a CSV UTF-8 file (export the Numbers document as .xlsx or CSV)",
    ".xlsb": "an .xlsx workbook or a CSV UTF-8 file (this is a binary Excel workbook: save it as .xlsx)",
}
_DELIMITERS = ",;\t|"
#: One thread for work that runs beside Arrow's (hashing a file while it is parsed, sorting
#: evidence ids while the other columns are checked): Arrow and hashlib release the GIL.
BESIDE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="securitization")
_MAX_LISTED = 5  # malformed lines listed one by one; the rest are counted


def _problem(path: Path, expected: str, *, row: int | None = None, value: str | None = None) -> Problem:
    return Problem(file=str(path), row=row, column=None, value=value, expected=expected)


def _finish(
    frame: pd.DataFrame,
    path: Path,
    rows: np.ndarray | None = None,
    *,
    controls: bool = True,
    decimal: str = ".",
    stripped: bool = False,
) -> pd.DataFrame:
    """Strip names and cells, refuse control characters, add ``file`` and ``row``.

    ``controls=False`` skips the search for control characters (the caller has searched
    the whole text at once and found none); ``stripped=True`` skips stripping the cells
    (the caller has done it)."""
    names = [str(c).strip() for c in frame.columns]
    problems = []
    dups = sorted({n for n in names if names.count(n) > 1 and n})
    if dups:
        problems.append(_problem(path, f"each column name once (repeated: {', '.join(map(repr, dups))})"))
    if problems:
        raise ValidationError(problems)
    frame.columns = names
    if not stripped:
        for c in frame.columns:
            frame[c] = frame[c].astype(str).str.strip()
    row_numbers = np.arange(2, len(frame) + 2) if rows is None else rows
    bad = control_problems(frame, str(path), row_numbers) if controls else []
    if bad:
        raise ValidationError(bad)
    n = len(frame)
    frame["file"] = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[str(path)])
    frame["row"] = row_numbers
    # how the file writes decimals: with a comma only in a semicolon-separated CSV
    frame["decimal"] = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[decimal])
    return frame


def control_problems(frame: pd.DataFrame, file: str, rows: np.ndarray) -> list[Problem]:
    """A problem for every cell (up to five per column) that holds a control character."""
    bad = []
    for c in frame.columns:
        if c in ("file", "row"):
            continue
        hit = frame[c].astype(str).str.contains(CONTROL, regex=True).to_numpy(dtype=bool)
        for i in np.flatnonzero(hit)[:_MAX_LISTED]:
            cell = str(frame[c].iloc[i])
            ch = CONTROL.search(cell)
            code = f"U+{ord(ch.group(0)):04X}" if ch else "a control character"
            bad.append(
                Problem(
                    file=file,
                    row=int(rows[i]),
                    column=str(c),
                    value=cell[:60],
                    expected=f"text without control characters (found {code}: a terminal escape, "
                    "a bidirectional override or a stray byte; delete it)",
                )
            )
    return bad


# --- CSV --------------------------------------------------------------------------------


def _hash_and_look(data: bytes) -> tuple[str, bool]:
    """The SHA-256 of a file's bytes, and whether they hold a control character (run beside the parser)."""
    return hashlib.sha256(data).hexdigest(), _has_control(data)


def _check_utf8(path: Path, data: bytes, *, head: bool = False) -> None:
    """Refuse text that is not UTF-8, naming the line; ``head=True`` forgives a character cut at the end."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if head and exc.reason == "unexpected end of data":
            return
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationError(
            [
                _problem(
                    path,
                    "a UTF-8 text file (save it as 'CSV UTF-8'; this file looks like another encoding, "
                    f"e.g. Windows-1252 or Latin-1: byte 0x{data[exc.start]:02x} on line {line} is not UTF-8)",
                )
            ]
        ) from None


# the one-byte control characters of CONTROL, and every other byte (deleted by bytes.translate)
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_OTHER_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
# the control characters of CONTROL written with more than one byte in UTF-8: C1 controls
# (U+0080-U+009F) and the bidirectional marks and overrides
_CONTROL_UTF8 = re.compile(rb"\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20]] = True
_ASCII_SPACE[0x80:] = True  # a non-ASCII first or last byte may belong to a Unicode space


def _may_need_trim(column: pa.ChunkedArray) -> bool:
    """Whether some cell may begin or end with white space (a quick look at first and last bytes).

    Reads the Arrow buffers directly: a cell whose first and last bytes are ASCII and not
    white space needs no stripping; any other cell (white space, or a non-ASCII byte that
    may be a Unicode space) sends the column to :func:`pyarrow.compute.utf8_trim_whitespace`.
    """
    for chunk in column.chunks:
        if not len(chunk):
            continue
        _, offsets_buf, data_buf = chunk.buffers()
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets: np.ndarray = np.frombuffer(offsets_buf, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
        if data_buf is None:
            continue
        data = np.frombuffer(data_buf, dtype=np.uint8)
        if not len(data):
            continue
        # an empty cell reads a neighbour's byte: at worst a column is trimmed for nothing
        first = data.take(offsets[:-1], mode="clip")
        last = data.take(offsets[1:] - 1, mode="clip")
        if _ASCII_SPACE.take(first).any() or _ASCII_SPACE.take(last).any():
            return True
    return False


_REPETITIVE_MIN_ROWS = 2_000  # smaller tables are read as plain text
_SAMPLE_BYTES = 1 << 20


def _repetitive_columns(data: bytes, cols: list[str], delimiter: str) -> set[str]:
    """Columns of few distinct values (case, kind, date, code...) in the first megabyte of a large file.

    Arrow reads them dictionary-encoded, and they become pandas categoricals: a few bytes a
    row instead of a string each, and every check on them works on the distinct values
    only. A column that turns out less repetitive further down is still read exactly.
    """
    cut = data[:_SAMPLE_BYTES]
    if len(cut) < len(data):
        cut = cut[: cut.rfind(b"\n") + 1]
    try:
        sample = pacsv.read_csv(
            io.BytesIO(cut),
            read_options=pacsv.ReadOptions(column_names=cols, skip_rows=1, use_threads=False),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, invalid_row_handler=lambda row: "skip", newlines_in_values=True
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(cols, pa.string()), strings_can_be_null=False
            ),
        )
    except pa.ArrowException:  # the full read reports what is wrong
        return set()
    if sample.num_rows < _REPETITIVE_MIN_ROWS:
        return set()
    return {c for c in cols if pc.count_distinct(sample.column(c)).as_py() <= sample.num_rows // 20}


def _trimmed(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A text column with the white space around every cell removed (looked for first, cheaply)."""
    if pa.types.is_dictionary(column.type):
        if not any(_may_need_trim(pa.chunked_array([c.dictionary])) for c in column.chunks):
            return column
        plain = pc.utf8_trim_whitespace(column.cast(pa.large_string()))
        return pc.dictionary_encode(plain)
    return pc.utf8_trim_whitespace(column) if _may_need_trim(column) else column


def _has_control(data: bytes) -> bool:
    """Whether UTF-8 text holds a character of :data:`~securitization.text.CONTROL` (fast on large files)."""
    if data.translate(None, _OTHER_BYTES):
        return True
    return (b"\xc2" in data or b"\xe2" in data) and _CONTROL_UTF8.search(data) is not None


def _sniff(sample: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample.splitlines() else ""
        counts = {d: first.count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def read_csv(path: Path) -> pd.DataFrame:
    """Read a delimited text file exactly (see the module docstring)."""
    data = path.read_bytes()
    # the hash of the bytes read (the manifest records what was scored) and the search for
    # control characters run in a thread while Arrow parses (a BOM holds no control character)
    looking = BESIDE.submit(_hash_and_look, data)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    _check_utf8(path, data[: data.find(b"\n") + 1 if b"\n" in data[:65536] else 65536], head=True)
    if not data or data.isspace():
        raise ValidationError([_problem(path, "a header row with the column names (the file is empty)")])
    head = data[:65536].decode("utf-8", errors="ignore")  # a character cut at the end is dropped
    delimiter = _sniff(head, path.suffix.lower())
    try:
        header = next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter), [])
    except csv.Error as exc:
        raise ValidationError([_problem(path, f"a well-formed header row ({exc})", row=1)]) from None
    names = [h.strip() for h in header]
    if not any(names):
        raise ValidationError(
            [_problem(path, "the column names on the first line (it is empty: delete the blank lines above)", row=1)]
        )
    if names and names[-1] == "":  # a delimiter at the end of the header line
        names = names[:-1]
        trailing = True
    else:
        trailing = False
    dups = sorted({n for n in names if names.count(n) > 1 and n})
    if dups:
        raise ValidationError([_problem(path, f"each column name once (repeated: {', '.join(map(repr, dups))})")])
    n = len(names)
    bad: list[tuple[int | None, int, str]] = []

    def on_bad(row: Any) -> str:
        bad.append((row.number, row.actual_columns, row.text))
        return "skip"

    cols = [f"c{i}" for i in range(n + trailing)]
    repetitive = _repetitive_columns(data, cols, delimiter)
    quoted = b'"' in data  # a line break can sit inside a cell only between quotes; without any, Arrow splits faster
    types = {c: pa.dictionary(pa.int32(), pa.string()) if c in repetitive else pa.large_string() for c in cols}

    def parse(source: bytes, threads: bool) -> pa.Table:
        return pacsv.read_csv(
            io.BytesIO(source),
            read_options=pacsv.ReadOptions(column_names=cols, skip_rows=1, use_threads=threads, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, invalid_row_handler=on_bad, newlines_in_values=quoted
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=types,  # text as pandas keeps it (large strings), or dictionary-encoded
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    try:
        table = parse(data, True)
        if bad and any(b[0] is None for b in bad):  # line numbers are known only without threads
            bad.clear()
            table = parse(data, False)
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        if "utf8" in str(exc).lower():  # Arrow checks the encoding; Python names the line
            _check_utf8(path, data)
        raise ValidationError([_problem(path, f"a well-formed delimited text file ({exc})")]) from None
    if bad:
        extra_empty = all(actual == n + 1 and b.rstrip("\r\n").endswith(delimiter) for _, actual, b in bad)
        if extra_empty and not trailing and len(bad) == table.num_rows + len(bad):
            expected = (
                f"{n} cells per row, as in the header; every data row has one more, empty, cell at the end "
                f"(a {delimiter!r} at the end of each line): remove the trailing delimiters, or end the header "
                "line with one too"
            )
            raise ValidationError([_problem(path, expected)])
        listed = [
            _problem(
                path,
                f"{n} cells as in the header (a cell that holds {delimiter!r} must be in double quotes)",
                row=number,
                value=f"{actual} cells: {txt[:60]}",
            )
            for number, actual, txt in bad[:_MAX_LISTED]
        ]
        if len(bad) > _MAX_LISTED:
            listed.append(
                _problem(path, f"the same for {len(bad) - _MAX_LISTED} more lines (fix the ones above first)")
            )
        raise ValidationError(listed)
    digest, controls = looking.result()
    del data
    table = pa.table(
        [_trimmed(c) for c in table.columns],
        names=table.column_names,
    )
    frame = table.to_pandas()
    del table
    if trailing:
        extra = frame[cols[-1]]
        if (extra != "").any():
            first = int(np.flatnonzero((extra != "").to_numpy())[0])
            raise ValidationError(
                [
                    _problem(
                        path,
                        "no cell after the last column (the header ends with an empty name)",
                        row=first + 2,
                        value=str(extra.iloc[first])[:60],
                    )
                ]
            )
        frame = frame.drop(columns=cols[-1])
    frame.columns = names
    frame = _finish(frame, path, controls=controls, decimal="," if delimiter == ";" else ".", stripped=True)
    frame.attrs["sha256"] = digest
    pa.default_memory_pool().release_unused()  # the parser's buffers, freed, go back to the system
    return frame


# --- Excel ------------------------------------------------------------------------------


def _excel_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def _hidden(ws: Any) -> tuple[list[int], list[str]]:
    """Hidden rows and columns of a read-only worksheet, from its XML (streamed)."""
    rows: list[int] = []
    cols: list[str] = []
    try:
        src = ws._get_source()
    except Exception:  # pragma: no cover - openpyxl internals changed: no check possible
        return rows, cols
    with src:
        for _, el in ElementTree.iterparse(src, events=("end",)):
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "row":
                if el.get("hidden") in ("1", "true"):
                    rows.append(int(el.get("r", "0")))
                el.clear()
            elif tag == "col":
                if el.get("hidden") in ("1", "true"):
                    lo, hi = int(el.get("min", "0")), int(el.get("max", "0"))
                    cols += [_column_letter(c) for c in range(lo, min(hi, lo + 50) + 1)]
            elif tag == "c":
                el.clear()
    return rows, cols


def _column_letter(index: int) -> str:
    out = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def read_xlsx(path: Path) -> pd.DataFrame:
    """Read the first worksheet of an Excel workbook (see the module docstring)."""
    try:
        import openpyxl
    except ImportError:
        raise MissingDependencyError("openpyxl", "excel", "Reading .xlsx files") from None
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        hint = (
            "it is encrypted (remove the password)"
            if path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            else "it is damaged or truncated"
        )
        raise ValidationError(
            [_problem(path, f"a readable .xlsx workbook, but {hint} ({type(exc).__name__}: {exc})")]
        ) from None
    try:
        if not wb.worksheets:
            raise ValidationError([_problem(path, "a workbook with a worksheet (it has none)")])
        ws = wb.worksheets[0]
        hidden_rows, hidden_cols = _hidden(ws)
        it = ws.iter_rows(values_only=True)
        header = next(it, None)
        if header is None or all(v is None or str(v).strip() == "" for v in header):
            raise ValidationError(
                [_problem(path, f"a header row with the column names in the first sheet {ws.title!r} (it is empty)")]
            )
        names = [_excel_text(v) for v in header]
        while names and names[-1].strip() == "":
            names.pop()
        width = len(names)
        rows = []
        numbers = []
        for i, values in enumerate(it, start=2):
            cells = [_excel_text(v) for v in values]
            if any(c.strip() for c in cells[width:]):
                first = next(j for j, c in enumerate(cells[width:]) if c.strip()) + width
                raise ValidationError(
                    [
                        Problem(
                            file=str(path),
                            row=i,
                            column=_column_letter(first + 1),
                            value=cells[first][:60],
                            expected="no cell to the right of the last named column (give the column a header)",
                        )
                    ]
                )
            cells = (cells + [""] * width)[:width]
            if any(c.strip() for c in cells):  # blank rows are skipped, as in CSV
                rows.append(cells)
                numbers.append(i)
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError([_problem(path, f"a readable .xlsx workbook ({type(exc).__name__}: {exc})")]) from None
    finally:
        wb.close()
    problems = []
    hidden_data = [r for r in hidden_rows if r in set(numbers)]
    if hidden_data:
        shown = ", ".join(map(str, hidden_data[:10])) + (" ..." if len(hidden_data) > 10 else "")
        problems.append(
            _problem(
                path,
                f"no hidden row in sheet {ws.title!r} (rows {shown} are hidden, perhaps by a filter: "
                "what is scored must be what you see; unhide them, or delete them)",
            )
        )
    hidden_named = [c for c in hidden_cols if _letter_index(c) <= width]
    if hidden_named:
        problems.append(
            _problem(path, f"no hidden column in sheet {ws.title!r} (columns {', '.join(hidden_named)} are hidden)")
        )
    if problems:
        raise ValidationError(problems)
    frame = (
        pd.DataFrame(rows, columns=names, dtype=str) if rows else pd.DataFrame({n: pd.Series(dtype=str) for n in names})
    )
    return _finish(frame, path, np.asarray(numbers, dtype=np.int64))


def _letter_index(letters: str) -> int:
    out = 0
    for ch in letters:
        out = out * 26 + ord(ch) - 64
    return out


# --- Parquet ----------------------------------------------------------------------------


def _arrow_text(col: pa.ChunkedArray) -> pd.Series:
    t = col.type
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        values = pd.Series(col.to_pandas())
        out = values.map(lambda v: "" if pd.isna(v) else _excel_text(pd.Timestamp(v).to_pydatetime()))
        return out.astype(str)
    if pa.types.is_floating(t):
        return pd.Series([_excel_text(v) for v in col.to_pylist()], dtype=str)
    values = pd.Series(col.to_pylist(), dtype=object)
    return values.map(lambda v: "" if v is None else _excel_text(v)).astype(str)


def read_parquet(path: Path) -> pd.DataFrame:
    """Read a Parquet file, every column as text (see the module docstring)."""
    try:  # a damaged file can fail anywhere inside Arrow, in reading or in decoding its strings
        table = pq.read_table(path)
        frame = pd.DataFrame({str(name): _arrow_text(table.column(name)) for name in table.column_names})
    except Exception as exc:
        raise ValidationError([_problem(path, f"a readable Parquet file ({type(exc).__name__}: {exc})")]) from None
    return _finish(frame, path)


# --- the registry ------------------------------------------------------------------------

READERS: dict[str, Reader] = {
    ".csv": read_csv,
    ".tsv": read_csv,
    ".txt": read_csv,
    ".xlsx": read_xlsx,
    ".xlsm": read_xlsx,
    ".parquet": read_parquet,
}


def register_reader(suffixes: str | Iterable[str], reader: Reader) -> None:
    """Read files with these suffixes (``".feather"``, ...) with ``reader``.

    The reader takes a :class:`~pathlib.Path` and returns a DataFrame of text cells with
    ``file`` and ``row`` columns, raising :class:`~securitization.errors.ValidationError`
    for a file it cannot read exactly (see the module docstring).
    """
    for s in [suffixes] if isinstance(suffixes, str) else suffixes:
        READERS[s.lower() if s.startswith(".") else f".{s.lower()}"] = reader


def reader_for(path: str | Path) -> Reader | None:
    """The reader of a file by its suffix (``None`` if no reader takes it)."""
    return READERS.get(Path(path).suffix.lower())


def read_table(path: str | Path) -> pd.DataFrame:
    """Read one table file as text, adding ``file`` and ``row`` columns.

    Every cell is a string (empty cells are ``""``); ``row`` is the spreadsheet row
    number (the header is row 1).

    Raises
    ------
    ValidationError
        When the file cannot be read exactly (its format refused, not UTF-8, malformed
        rows, hidden rows, damaged), naming the file and the lines.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in REFUSED:
        raise ValidationError([_problem(path, REFUSED[suffix])])
    reader = READERS.get(suffix)
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise ValidationError([_problem(path, f"a table file ending in one of {known}")])
    try:
        return reader(path)
    except (ValidationError, MissingDependencyError):
        raise
    except OSError as exc:
        raise ValidationError([_problem(path, f"a readable file ({exc.strerror or exc})")]) from None
