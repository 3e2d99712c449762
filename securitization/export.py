"""Tables as text: CSV (formulas made inert), Markdown and LaTeX (text from data escaped)."""

from __future__ import annotations

import math

import pandas as pd

from .text import md_text, neutralise_frame

__all__ = ["frame_to_csv", "frame_to_latex", "frame_to_markdown"]


def frame_to_csv(frame: pd.DataFrame, float_format: str = "%.6g") -> str:
    """CSV text of a table, its text cells made inert for spreadsheets (see :func:`~securitization.text.csv_cell`)."""
    return neutralise_frame(frame).to_csv(index=False, float_format=float_format, lineterminator="\n")


def _cell(v: object, digits: int) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
        return "—"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def frame_to_markdown(frame: pd.DataFrame, digits: int = 2) -> str:
    """Render a DataFrame as a GitHub-flavoured Markdown table (missing shown as —)."""
    cols = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(md_text(c) for c in cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in frame.itertuples(index=False):
        cells = [md_text(_cell(v, digits)) for v in row]
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
