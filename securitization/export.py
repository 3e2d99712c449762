"""Tables as text: CSV (formulas made inert), Markdown, LaTeX and HTML (text from data escaped)."""

from __future__ import annotations

import math
import re
from typing import Literal

import pandas as pd

from .errors import ParameterError
from .text import html_text, md_text, neutralise_frame

__all__ = [
    "Environment",
    "frame_to_csv",
    "frame_to_html",
    "frame_to_latex",
    "frame_to_markdown",
    "html_view",
    "tex_text",
]


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
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "—": "---",
    "–": "--",
    "\n": " ",
    "\r": " ",
    "\t": " ",
}
#: What a ``\label`` may hold: letters, digits and ``: . _ -`` (no space, no brace, no backslash).
_LABEL = re.compile(r"^[A-Za-z][A-Za-z0-9:._-]*$")
#: The table environments :func:`frame_to_latex` writes: a float on the page, or turned (package ``rotating``).
Environment = Literal["table", "sidewaystable"]
_ENVIRONMENTS = ("table", "sidewaystable")
_SIZES = ("normalsize", "small", "footnotesize", "scriptsize")


def tex_text(text: str) -> str:
    r"""Escape text for LaTeX: every special character is written as itself, never as markup.

    Examples
    --------
    >>> print(tex_text(r"50% of $x_1 & {y}\z"))
    50\% of \$x\_1 \& \{y\}\textbackslash{}z
    """
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


_tex = tex_text


def frame_to_latex(
    frame: pd.DataFrame,
    digits: int = 2,
    caption: str | None = None,
    *,
    label: str | None = None,
    align: str | None = None,
    environment: Environment = "table",
    size: Literal["normalsize", "small", "footnotesize", "scriptsize"] = "normalsize",
    notes: str | None = None,
    below: pd.DataFrame | None = None,
) -> str:
    r"""Render a DataFrame as a booktabs LaTeX table (missing shown as an en dash).

    Every header and cell is escaped (:func:`tex_text`): text from data never becomes
    markup. The table needs ``\usepackage{booktabs}`` (and ``rotating`` for a
    ``sidewaystable``); a comment on its first line says so.

    Parameters
    ----------
    frame
        The table: one LaTeX row per row, one column per column.
    digits
        Decimals of float cells.
    caption
        The caption (plain text, escaped), written above the table.
    label
        The ``\label`` written after the caption: letters, digits and ``: . _ -``,
        beginning with a letter (``tab:scores``).
    align
        One column specifier per column (``"lrr"``); by default ``r`` for numeric columns
        and ``l`` for the others.
    environment
        ``"table"`` or ``"sidewaystable"`` (turned a quarter, for a wide table on its own page).
    size
        The font size inside the table.
    notes
        A line of notes under the table (plain text, escaped).
    below
        A second line under each row, of the same shape and columns (intervals under
        their scores, as journals print standard errors); empty cells stay blank and a
        line with nothing in it is left out.

    Examples
    --------
    >>> t = frame_to_latex(pd.DataFrame({"case": ["a_b"], "score": [1.234]}), label="tab:x", caption="Scores")
    >>> print(t)  # doctest: +NORMALIZE_WHITESPACE
    % requires \usepackage{booktabs}
    \begin{table}[htbp]
    \centering
    \caption{Scores}
    \label{tab:x}
    \begin{tabular}{lr}
    \toprule
    case & score \\
    \midrule
    a\_b & 1.23 \\
    \bottomrule
    \end{tabular}
    \end{table}
    <BLANKLINE>
    """
    if environment not in _ENVIRONMENTS:
        raise ParameterError.invalid("environment", "frame_to_latex", f"one of {list(_ENVIRONMENTS)}", environment)
    if size not in _SIZES:
        raise ParameterError.invalid("size", "frame_to_latex", f"one of {list(_SIZES)}", size)
    if label is not None and not _LABEL.match(label):
        raise ParameterError.invalid(
            "label",
            "frame_to_latex",
            "letters, digits and ': . _ -', beginning with a letter (e.g. 'tab:scores')",
            label,
        )
    cols = list(frame.columns)
    if align is None:
        align = "".join("r" if pd.api.types.is_numeric_dtype(frame[c]) else "l" for c in cols)
    if len(align) != len(cols) or set(align) - set("lcr"):
        raise ParameterError.invalid(
            "align", "frame_to_latex", f"{len(cols)} letters among 'l', 'c', 'r' (one per column)", align
        )
    packages = "booktabs,rotating" if environment == "sidewaystable" else "booktabs"
    out = [f"% requires \\usepackage{{{packages}}}", f"\\begin{{{environment}}}[htbp]", r"\centering"]
    if size != "normalsize":
        out.append(f"\\{size}")
    if caption:
        out.append(r"\caption{" + _tex(caption) + "}")
    if label:
        out.append(r"\label{" + label + "}")
    out += [
        r"\begin{tabular}{" + align + "}",
        r"\toprule",
        " & ".join(_tex(str(c)) for c in cols) + r" \\",
        r"\midrule",
    ]
    if below is not None and (below.shape != frame.shape or list(below.columns) != cols):
        raise ParameterError.invalid(
            "below", "frame_to_latex", f"a table of the frame's shape {frame.shape} and columns", below.shape
        )

    def line(values: tuple[object, ...]) -> str:
        return " & ".join("--" if _cell(v, digits) == "—" else _tex(_cell(v, digits)) for v in values) + r" \\"

    for i, row in enumerate(frame.itertuples(index=False)):
        out.append(line(tuple(row)))
        if below is not None:
            sub = ["" if v is None or v == "" or (isinstance(v, float) and math.isnan(v)) else v for v in below.iloc[i]]
            if any(v != "" for v in sub):  # a blank second line is left out
                out.append(line(tuple(sub)))
    out += [r"\bottomrule", r"\end{tabular}"]
    if notes:
        out.append(r"\par\medskip\parbox{\linewidth}{\footnotesize " + _tex(notes) + "}")
    out += [f"\\end{{{environment}}}", ""]
    return "\n".join(out)


#: Rows an HTML view shows before it says how many more there are.
HTML_MAX_ROWS = 25


def frame_to_html(frame: pd.DataFrame, digits: int = 2, *, max_rows: int = HTML_MAX_ROWS) -> str:
    """A small, inert HTML table: every header and cell escaped, no style, no script, no link.

    Shows the first ``max_rows`` rows and a last row saying how many are left out; missing
    is shown as an em dash.

    Examples
    --------
    >>> print(frame_to_html(pd.DataFrame({"case": ["<b>x</b>"], "score": [1.234]})))
    <table><thead><tr><th>case</th><th>score</th></tr></thead><tbody><tr><td>&lt;b&gt;x&lt;/b&gt;</td><td>1.23</td></tr></tbody></table>
    """
    head = "".join(f"<th>{html_text(c)}</th>" for c in frame.columns)
    body = []
    for row in frame.head(max_rows).itertuples(index=False):
        body.append("<tr>" + "".join(f"<td>{html_text(_cell(v, digits))}</td>" for v in row) + "</tr>")
    if len(frame) > max_rows:
        more = len(frame) - max_rows
        body.append(f'<tr><td colspan="{len(frame.columns)}">… and {more} more rows</td></tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def html_view(title: str, lines: list[str], frame: pd.DataFrame | None = None, digits: int = 2) -> str:
    """The HTML view of a result in a notebook: a bold title, a few lines of facts and a table, all escaped.

    Examples
    --------
    >>> html_view("Scores", ["3 cases"])
    '<div><p><strong>Scores</strong><br>3 cases</p></div>'
    """
    facts = "".join(f"<br>{html_text(line)}" for line in lines)
    table = frame_to_html(frame, digits) if frame is not None else ""
    return f"<div><p><strong>{html_text(title)}</strong>{facts}</p>{table}</div>"
