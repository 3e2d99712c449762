"""Fuzzing the readers and validation: whatever the bytes, only the library's own errors.

Mutations of single cells of valid tables (any text: control characters, huge or
malformed numbers, dates out of range, markup) and of whole files (random bytes, flipped,
cut or repeated bytes), in every format the library reads (CSV with each delimiter, xlsx,
Parquet). ``load()`` must either return a dataset or raise a
:class:`~securitization.errors.SecuritizationError`: never another exception.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import securitization as sz
from securitization import SecuritizationError

from .conftest import CASES, COUNTRIES, MEASURES, evidence_rows

TABLES = {"cases": CASES, "evidence": evidence_rows(), "measures": MEASURES, "countries": COUNTRIES}
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

cell_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "9999-12-31",
            "0001-01-01",
            "FY0000",
            "FY9999",
            "2019/13/45",
            "14/05/2014",
            "41773",
            "1e308",
            "-1e308",
            "inf",
            "nan",
            "1,5",
            "1,500",
            "1.500,5",
            "=cmd|' /C calc'!A0",
            "\x1b]0;x\x07",
            "\u202e",
            "\x00",
            "../../README",
            "a" * 300,
            "",
            " ",
            '"',
            "\n",
        ]
    ),
)


def _write(folder: Path, tables: dict[str, pd.DataFrame], fmt: str, sep: str = ",") -> None:
    for kind, frame in tables.items():
        if fmt == "csv":
            frame.to_csv(folder / f"{kind}.csv", index=False, sep=sep)
        elif fmt == "xlsx":
            frame.to_excel(folder / f"{kind}.xlsx", index=False)
        else:
            frame.to_parquet(folder / f"{kind}.parquet", index=False)


def _load_only_our_errors(folder: Path) -> None:
    with contextlib.suppress(SecuritizationError):
        sz.load(folder)


@FUZZ
@given(
    kind=st.sampled_from(list(TABLES)),
    row=st.integers(0, 30),
    col=st.integers(0, 20),
    value=cell_text,
    fmt=st.sampled_from(["csv", "csv;", "csv\t", "csv|", "parquet"]),
)
def test_one_cell_mutated(kind: str, row: int, col: int, value: str, fmt: str) -> None:
    tables = {k: v.copy() for k, v in TABLES.items()}
    frame = tables[kind]
    frame.iloc[row % len(frame), col % frame.shape[1]] = value
    with tempfile.TemporaryDirectory() as tmp:
        _write(Path(tmp), tables, fmt[:3] if fmt.startswith("csv") else fmt, sep=fmt[3:] or ",")
        _load_only_our_errors(Path(tmp))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(list(TABLES)), row=st.integers(0, 30), col=st.integers(0, 20), value=cell_text)
def test_one_cell_mutated_in_a_workbook(kind: str, row: int, col: int, value: str) -> None:
    pytest.importorskip("openpyxl")
    tables = {k: v.copy() for k, v in TABLES.items()}
    frame = tables[kind]
    frame.iloc[row % len(frame), col % frame.shape[1]] = value.replace("\x00", "")  # openpyxl refuses NUL itself
    with tempfile.TemporaryDirectory() as tmp:
        try:
            _write(Path(tmp), tables, "xlsx")
        except Exception:  # a value openpyxl cannot store (illegal XML characters): nothing to read
            return
        _load_only_our_errors(Path(tmp))


@FUZZ
@given(
    kind=st.sampled_from(list(TABLES)),
    fmt=st.sampled_from(["csv", "xlsx", "parquet"]),
    data=st.data(),
)
def test_whole_file_mutated(kind: str, fmt: str, data: st.DataObject) -> None:
    if fmt == "xlsx":
        pytest.importorskip("openpyxl")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write(folder, TABLES, fmt)
        path = folder / f"{kind}.{fmt}"
        original = path.read_bytes()
        how = data.draw(st.sampled_from(["random", "flip", "cut", "repeat", "insert"]))
        # positions as fractions of the file: a workbook's length varies (it carries a timestamp)
        at = int(data.draw(st.floats(0, 1)) * (len(original) - 1))
        if how == "random":
            new = data.draw(st.binary(max_size=2000))
        elif how == "flip":
            new = original[:at] + bytes([original[at] ^ data.draw(st.integers(1, 255))]) + original[at + 1 :]
        elif how == "cut":
            new = original[:at]
        elif how == "repeat":
            new = original[:at] + original[at:] * 2
        else:
            new = original[:at] + data.draw(st.binary(min_size=1, max_size=50)) + original[at:]
        path.write_bytes(new)
        _load_only_our_errors(folder)


@FUZZ
@given(text=st.text(max_size=400))
def test_any_text_as_a_csv_file(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write(folder, {"cases": CASES}, "csv")
        (folder / "evidence.csv").write_text(text, encoding="utf-8")
        _load_only_our_errors(folder)


@FUZZ
@given(toml=st.text(max_size=300))
def test_any_text_as_a_codebook(toml: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "cb.toml"
        p.write_text(toml, encoding="utf-8")
        with contextlib.suppress(SecuritizationError):
            sz.load_codebook(p)


def _large_evidence(n: int = 2500) -> pd.DataFrame:
    """Enough rows that the reader dictionary-encodes the repetitive columns."""
    base = evidence_rows()
    base = base.loc[base["coder"] == "c1"].reset_index(drop=True)
    big = pd.concat([base] * (n // len(base) + 1), ignore_index=True).iloc[:n].copy()
    big["evidence_id"] = [f"e{i}" for i in range(n)]
    return big


LARGE = _large_evidence()


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")) // 4, deadline=None)
@given(row=st.integers(0, len(LARGE) - 1), col=st.integers(0, LARGE.shape[1] - 1), value=cell_text)
def test_one_cell_mutated_in_a_large_table(row: int, col: int, value: str) -> None:
    tables = {**TABLES, "evidence": LARGE.copy()}
    tables["evidence"].iloc[row, col] = value
    with tempfile.TemporaryDirectory() as tmp:
        _write(Path(tmp), tables, "csv")
        _load_only_our_errors(Path(tmp))
