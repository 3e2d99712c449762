"""Text from data made inert in every output: terminal, CSV, Markdown, HTML and charts.

Cells of the input tables and strings of a codebook end up in files other people open: a
spreadsheet, a Markdown page, an HTML report, a chart, a terminal. Each output escapes them
for its own syntax, so that nothing in the data can become a live formula, link, tag,
maths expression or control sequence:

* :data:`CONTROL` matches the control characters refused in text fields (C0 and C1
  controls but tab, newline and carriage return, DEL, and the Unicode bidirectional
  overrides used in "Trojan Source" attacks); :func:`terminal_safe` shows any that reach a
  terminal as visible escapes;
* :func:`csv_cell` neutralises spreadsheet formulas, following OWASP's guidance on CSV
  injection: a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return gets a leading apostrophe;
* :func:`md_text` and :func:`md_code` escape Markdown (and the HTML it may carry);
  :func:`html_text` escapes HTML; :func:`safe_url` lets only ``http``, ``https`` and
  ``mailto`` addresses become links;
* :func:`plot_text` keeps matplotlib from reading ``$...$`` as maths markup.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd

__all__ = [
    "CONTROL",
    "csv_cell",
    "html_text",
    "md_code",
    "md_text",
    "neutralise_frame",
    "plot_text",
    "safe_url",
    "terminal_safe",
]

#: Control characters refused in text fields (tab, newline and carriage return allowed).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~#&$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
_URL = re.compile(r"(?i)^(?:https?://[^\s<>\"'`\x00-\x1f\x7f]+|mailto:[^\s<>\"'`\x00-\x1f\x7f]+)$")


def terminal_safe(text: str) -> str:
    r"""Replace control characters (but newline and tab) by visible escapes.

    Examples
    --------
    >>> terminal_safe("title\x1b]0;owned\x07")
    'title\\x1b]0;owned\\x07'
    """
    return _TERMINAL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def csv_cell(value: Any) -> Any:
    """A text cell made inert for spreadsheets (OWASP CSV injection); other values as they are.

    Examples
    --------
    >>> csv_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> csv_cell("US Trump 2017-2021"), csv_cell(-1.5)
    ('US Trump 2017-2021', -1.5)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells are made inert by :func:`csv_cell` (numbers untouched)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or isinstance(out[col].dtype, pd.StringDtype | pd.CategoricalDtype):
            values = out[col].astype(object)
            if values.map(lambda v: isinstance(v, str) and v.startswith(_FORMULA_START)).any():
                out[col] = values.map(csv_cell)
    return out


def md_text(text: object) -> str:
    """Text escaped for Markdown (and for the HTML a Markdown renderer passes through).

    Every character with a meaning in Markdown or HTML gets a backslash, so that a link,
    an image, emphasis, a raw tag or a table cell boundary in the data is shown as typed
    (an underscore inside a word, as in ``ice_detention_adp``, means nothing and is kept).
    Line breaks become spaces.

    Examples
    --------
    >>> md_text("[cite](javascript:alert(1)) <script>")
    '\\\\[cite\\\\](javascript:alert(1)) \\\\<script\\\\>'
    """
    s = CONTROL.sub("", str(text)).replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", s)


def md_code(text: object) -> str:
    """``text`` as a Markdown code span (fenced with more backticks than it contains).

    Examples
    --------
    >>> md_code("us-trump-2017")
    '`us-trump-2017`'
    """
    s = CONTROL.sub("", str(text)).replace("\r", " ").replace("\n", " ")
    longest = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def html_text(text: object) -> str:
    """Text escaped for HTML (element content and attribute values)."""
    return html.escape(CONTROL.sub("", str(text)), quote=True)


def safe_url(url: object) -> str | None:
    """The address if it may become a link (``http``, ``https`` or ``mailto``), else ``None``.

    Examples
    --------
    >>> safe_url("https://www.ice.gov/detain/detention-management")
    'https://www.ice.gov/detain/detention-management'
    >>> safe_url("javascript:alert(1)") is None, safe_url(" JaVaScRiPt:alert(1)") is None
    (True, True)
    """
    if not isinstance(url, str):
        return None
    u = url.strip()
    return u if _URL.match(u) else None


def plot_text(text: object) -> str:
    r"""Text for a chart: dollar signs escaped so that matplotlib draws them as typed.

    Examples
    --------
    >>> plot_text(r"cost $\foo{ and $5")
    'cost \\$\\foo{ and \\$5'
    """
    return CONTROL.sub("", str(text)).replace("$", r"\$")
