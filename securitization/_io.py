"""Atomic file output and small table renderers (Markdown, LaTeX) with no extra dependency."""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .errors import ParameterError

__all__ = ["atomic_write_bytes", "atomic_write_text", "frame_to_latex", "frame_to_markdown", "guard_inputs"]


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write bytes to ``path`` atomically: a temporary file in the same folder, then rename.

    A reader never sees a half-written file, and an error leaves any old file intact.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically (see :func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def guard_inputs(out: str | Path, inputs: Iterable[str | Path]) -> None:
    """Refuse to write an output over one of the input files."""
    target = Path(out).resolve()
    for p in inputs:
        if Path(p).resolve() == target:
            raise ParameterError(
                f"The output file {str(out)!r} is one of the input files; securitization never "
                "overwrites an input. Choose another output path."
            )


def _cell(v: object, digits: int) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
        return "—"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def frame_to_markdown(frame: pd.DataFrame, digits: int = 2) -> str:
    """Render a DataFrame as a GitHub-flavoured Markdown table (missing shown as —)."""
    cols = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in frame.itertuples(index=False):
        cells = [_cell(v, digits).replace("|", "\\|").replace("\n", " ") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


_LATEX_SPECIAL = {
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
}


def _tex(s: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in s)


def frame_to_latex(frame: pd.DataFrame, digits: int = 2, caption: str | None = None) -> str:
    """Render a DataFrame as a booktabs LaTeX table (missing shown as an en dash)."""
    cols = list(frame.columns)
    align = "".join("r" if pd.api.types.is_numeric_dtype(frame[c]) else "l" for c in cols)
    out = [r"\begin{table}[htbp]", r"\centering"]
    if caption:
        out.append(r"\caption{" + _tex(caption) + "}")
    out += [
        r"\begin{tabular}{" + align + "}",
        r"\toprule",
        " & ".join(_tex(str(c)) for c in cols) + r" \\",
        r"\midrule",
    ]
    for row in frame.itertuples(index=False):
        out.append(" & ".join("--" if _cell(v, digits) == "—" else _tex(_cell(v, digits)) for v in row) + r" \\")
    out += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(out)
