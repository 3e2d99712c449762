"""Ready-to-fill tables and a coding guide for a new case.

:func:`new_case` writes, into a new folder: ``cases.csv`` (the case's row),
``evidence.csv`` and ``measures.csv`` (the right columns, no rows), ``evidence.xlsx`` with
drop-down lists for indicators, kinds and levels (when the ``excel`` extra is installed;
the spreadsheet is then the one to fill, and the empty ``evidence.csv`` can be deleted),
and ``CODING-GUIDE.md`` generated from the codebook's anchors. Existing files are never
overwritten.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..codebook import Codebook, load_codebook
from ..countries import fiscal_year
from ..errors import ParameterError
from ..files import atomic_write_bytes, atomic_write_text, check_id
from ..periods import parse_date
from ..tables import CASE_COLUMNS, EVIDENCE_COLUMNS, MEASURE_COLUMNS
from ..text import CONTROL, csv_cell

__all__ = ["NewCase", "case_id", "coding_guide", "new_case"]


@dataclass(frozen=True, kw_only=True)
class NewCase:
    """What :func:`new_case` wrote."""

    case: str
    folder: Path
    files: tuple[Path, ...]

    def __str__(self) -> str:
        lines = [f"New case {self.case} in {self.folder}:"] + [f"  {p.name}" for p in self.files]
        lines.append(f"Fill evidence and measures, then: securitization score {self.folder} --compare-bundled")
        return "\n".join(lines)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def case_id(country: str, leader: str, start: str) -> str:
    """The conventional case id: ``<country>-<leader's last name>-<first year>``.

    Examples
    --------
    >>> case_id("CAN", "Justin Trudeau", "2015-11-04")
    'can-trudeau-2015'
    """
    last = leader.split()[-1] if leader.strip() else "case"
    return f"{country.lower()}-{_slug(last)}-{start[:4]}"


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[csv_cell(v) for v in row] for row in rows])
    return buf.getvalue()


def _number(value: float) -> str:
    """A number as a person writes it: ``34123456``, not ``3.41235e+07``."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _put(ws: Any, row: int, column: int, value: object) -> None:
    """Write a cell that is always data: a text starting with '=' stays text, never a formula."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"


def _fiscal_lines(country: str | None) -> list[str]:
    fy = fiscal_year(country) if country else None
    if fy is None:
        return [
            f"- Fiscal years: the package knows none for {country or 'this country'}. To write `FY` labels or "
            "`2016/17`, add a `countries.csv` to the folder: `country,start_month,single,source` (e.g. "
            "`CAN,4,,Financial Administration Act s. 2`; `single` is `end` when `FY2017` names the year that ends "
            "in 2017, `start` when it names the one that starts in 2017, empty when only `FY2016-17` is clear).",
        ]
    if fy.start_month == 1:
        return [
            f"- Fiscal years of {fy.country} are calendar years ({fy.source.rstrip('.')}): `FY2017` is 2017; a two-year "
            "label such as `2016/17` is refused (write `2016` or `2016-2017`). A `countries.csv` in the folder "
            "overrides this.",
        ]
    single = {
        "end": "`FY2017` is the fiscal year that ends in 2017",
        "start": "`FY2017` is the fiscal year that starts in 2017",
        None: "`FY2017` alone is ambiguous and refused: write `FY2016-17`",
    }[fy.single]
    return [
        f"- Fiscal years of {fy.country} run {fy.describe().split(': ', 1)[1]} ({fy.source.rstrip('.')}); {single}. "
        "`FY2016-17`, `2016/17` and `2016-17` name the fiscal year that starts in 2016. A `countries.csv` in "
        "the folder overrides this.",
    ]


def coding_guide(codebook: Codebook, case: str, label: str, country: str | None = None) -> str:
    """A short coding guide for one case, generated from the codebook's anchors."""
    cb = codebook
    out = [
        f"# Coding guide: {label} (`{case}`)",
        "",
        f"Codebook `{cb.id}` version {cb.version}. Code one row per piece of evidence in `evidence.csv` "
        "(or `evidence.xlsx`), one row per coder when an item is coded twice.",
        "",
        "## How to code an item",
        "",
        "1. Pick a document or event from the term that bears on one indicator (a law, an order, a memo, a "
        "programme, a speech, an operation, a statistic). Desecuritizing moves count too: they get low levels.",
        "2. Fill `evidence_id` (`<case>-<indicator without dash>-<nn>`), `case`, `indicator`, `date` "
        "(within the term), `kind`, `title`, a one-sentence "
        "`summary` in your words, the `source` citation (never empty), the `url` and a verbatim `quote` if you have them.",
        "3. Read the indicator's anchors below and give the level whose anchor best describes what this item shows "
        "on this indicator (`code`: the number, or the level's label).",
        f"4. Set `weight` ({cb.importance.describe()}) for the case on that indicator; "
        f"empty means {cb.importance.default:g}. Put your `coder` id.",
        "5. Quantitative series go to `measures.csv` (country, indicator, measure, period, value, unit, source).",
        "6. Check with `securitization validate <folder>`: every problem is listed with row and column, and "
        "every reading that is not verbatim (a kind written `law`, a header written `Date`) is noted.",
        "",
        "## Dates, periods and numbers",
        "",
        "- Dates: `YYYY-MM-DD` is never ambiguous. `dd/mm/yyyy` and `mm/dd/yyyy` are read when the column "
        "tells which (a day above 12 somewhere in it), `yyyy/mm/dd` too; `YYYY-MM` or `YYYY` if only that is "
        "known. An Excel serial number (`41774`) is refused: format the column as a date.",
        "- Periods of measures: a day, a month (`2019-03`), a quarter (`2019-Q1`), a year (`2019`), a range of "
        "years (`1993-1998`), an interval (`2019-01-01/2019-06-30`) or a fiscal year.",
        *_fiscal_lines(country),
        "- Numbers: a point for decimals (`1.5`), thousands with commas (`12,345`). A comma for decimals only "
        "in a semicolon-separated file, as Excel saves it in comma-decimal languages; `1,5` elsewhere is refused, "
        "never read as 15.",
        "- Handovers: a term may end on the day the next one begins. An item dated on that day, given by its "
        "country and date without a case id, belongs to the later case; give the case id to say otherwise.",
        "",
        "## Measures of your own",
        "",
        "A measure with no rule in the codebook is shown in the charts but not scored, and `validate` says so. "
        "To score it, put a `codebook.toml` in the case folder that extends this codebook and adds a rule "
        "(it is found and used by `validate`, `score` and `run`, and recorded in the manifest):",
        "",
        "```toml",
        "[codebook]",
        f'extends = "{cb.id}"',
        'id = "my-cases"',
        'version = "1"',
        "",
        "[[measures]]",
        'indicator = "P-2"',
        'measure = "children_detained"        # the name used in measures.csv',
        'label = "Children in immigration detention per 100,000 residents"',
        'statistic = "mean"                    # over the observations of the term',
        'per = "population"',
        "per_scale = 100000",
        'mapping = "thresholds"',
        "thresholds = [1.0, 2.0, 4.0, 8.0]       # the cut-points of levels 1-4: say in a comment why",
        "```",
        "",
        "`securitization rules` lists the statistics and mappings a rule may use.",
        "",
        "## Scale",
        "",
    ]
    out += [f"- **{lv.value} {lv.label}**: {lv.description}" for lv in cb.scale.levels]
    for ind in cb.indicators:
        out += ["", f"## {ind.code} {ind.name}", "", " ".join(ind.definition.split()), ""]
        out += [f"Kinds: {', '.join(f'`{k}`' for k in ind.kinds)}.", ""]
        out += [f"- **{v}**: {ind.anchors[v]}" for v in cb.scale.values]
        for m in ind.measures:
            out.append(f"- Measure `{m.measure}`: {m.label or m.measure}.")
    return "\n".join(out) + "\n"


def _xlsx(path: Path, codebook: Codebook, case: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "evidence"
    header = list(EVIDENCE_COLUMNS)
    for j, name in enumerate(header, start=1):
        _put(ws, 1, j, name)
    lists = wb.create_sheet("lists")
    columns = {
        "indicator": list(codebook.indicator_codes),
        "kind": list(codebook.kinds),
        "code": [str(v) for v in codebook.scale.values],
        "weight": [str(k) for k in sorted(codebook.importance.labels)],
    }
    for j, (name, values) in enumerate(columns.items(), start=1):
        letter = chr(ord("A") + j - 1)
        _put(lists, 1, j, name)
        for i, v in enumerate(values, start=2):
            _put(lists, i, j, v)
        col = chr(ord("A") + header.index(name))
        dv = DataValidation(
            type="list",
            formula1=f"=lists!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f"Invalid {name}",
            error=f"Choose a {name} from the list.",
        )
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}5000")
    ws.freeze_panes = "A2"
    guide = wb.create_sheet("anchors")
    rows: list[list[object]] = [["indicator", "level", "label", "anchor"]]
    rows += [
        [ind.code, lv.value, lv.label, ind.anchors[lv.value]]
        for ind in codebook.indicators
        for lv in codebook.scale.levels
    ]
    for i, cells in enumerate(rows, start=1):
        for j, value in enumerate(cells, start=1):
            _put(guide, i, j, value)
    lists.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def new_case(
    *,
    country: str,
    label: str,
    leader: str,
    start: str,
    end: str = "",
    out: str | Path,
    case: str | None = None,
    population: float | None = None,
    codebook: Codebook | None = None,
    excel: bool | None = None,
) -> NewCase:
    """Write a ready-to-fill case folder (see the module docstring).

    Parameters
    ----------
    country
        ISO 3166 alpha-3 code (e.g. ``CAN``).
    label, leader, start, end
        The case's label for charts, head of government, and term (``YYYY-MM-DD``; ``end``
        empty for an ongoing term).
    out
        The folder to create (it may exist but must not hold the files to be written).
    case
        The case id; default :func:`case_id`.
    excel
        Also write ``evidence.xlsx``; default: when openpyxl is installed.
    """
    cb = codebook or load_codebook()
    for name, value in (("label", label), ("leader", leader)):
        if not isinstance(value, str) or not value.strip() or CONTROL.search(value):
            raise ParameterError.invalid(name, "new_case", "a non-empty text without control characters", value)
    if not re.fullmatch(r"[A-Z]{3}", country or ""):
        raise ParameterError.invalid("country", "new_case", "an ISO 3166 alpha-3 code such as 'CAN'", country)
    for name, value in (("start", start), ("end", end)):
        if (value or name == "start") and (len(value) != 10 or parse_date(value) is None):
            raise ParameterError.invalid(
                name, "new_case", "a date YYYY-MM-DD" + (" or empty" if name == "end" else ""), value
            )
    if end and end < start:
        raise ParameterError.invalid("end", "new_case", f"a date on or after start ({start})", end)
    if population is not None and (
        isinstance(population, bool) or not isinstance(population, int | float) or not 0 < population < 1e11
    ):
        raise ParameterError.invalid("population", "new_case", "a positive finite number of residents", population)
    cid = check_id(case or case_id(country, leader, start), "case", "new_case")
    folder = Path(out)
    if excel is None:
        try:
            import openpyxl  # noqa: F401

            excel = True
        except ImportError:
            excel = False
    names = ["cases.csv", "evidence.csv", "measures.csv", "CODING-GUIDE.md"] + (["evidence.xlsx"] if excel else [])
    clash = [n for n in names if (folder / n).exists()]
    if clash:
        raise ParameterError(
            f"{folder} already holds {', '.join(clash)}; securitization never overwrites a user's file. "
            "Choose a new folder or move those files."
        )
    row = {c: "" for c in CASE_COLUMNS}
    row.update(
        case=cid,
        country=country,
        label=label,
        leader=leader,
        start=start,
        end=end,
        population="" if population is None else _number(population),
    )
    written = [
        atomic_write_text(folder / "cases.csv", _csv(list(CASE_COLUMNS), [list(row.values())])),
        atomic_write_text(folder / "evidence.csv", _csv(list(EVIDENCE_COLUMNS), [])),
        atomic_write_text(folder / "measures.csv", _csv(list(MEASURE_COLUMNS), [])),
        atomic_write_text(folder / "CODING-GUIDE.md", coding_guide(cb, cid, label, country)),
    ]
    if excel:
        written.append(atomic_write_bytes(folder / "evidence.xlsx", _xlsx(folder / "evidence.xlsx", cb, cid)))
    return NewCase(case=cid, folder=folder, files=tuple(written))
