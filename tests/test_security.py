"""Hostile and careless input: every attempt of the security review, kept as a regression test.

The threat model is in SECURITY.md: the tables, the codebook and the command-line
arguments come from people other than the one who opens the outputs, so nothing in them
may write outside the output folder, replace an input, leave a live link, formula, tag,
maths expression or control sequence in an output, end in a traceback, hang, or be accepted
with an absurd value.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import securitization as sz
from securitization import ParameterError, SecuritizationError, ValidationError
from securitization.cli import main
from securitization.files import OutputFolder, atomic_write_text, check_id, id_problem
from securitization.text import csv_cell, md_text, plot_text, safe_url, terminal_safe

from .conftest import CASES, COUNTRIES, MEASURES, evidence_rows

ESC_TITLE = "Title\x1b]0;owned\x07\x1b[2J"


def _write(d: Path, cases: pd.DataFrame | None = None, evidence: pd.DataFrame | None = None, measures=None) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    (CASES if cases is None else cases).to_csv(d / "cases.csv", index=False)
    (evidence_rows() if evidence is None else evidence).to_csv(d / "evidence.csv", index=False)
    (MEASURES if measures is None else measures).to_csv(d / "measures.csv", index=False)
    COUNTRIES.to_csv(d / "countries.csv", index=False)
    return d


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _renamed(old: str, new: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    c = CASES.copy()
    c.loc[c["case"] == old, "case"] = new
    e = evidence_rows()
    e.loc[e["case"] == old, "case"] = new
    return c, e, MEASURES.copy()


# --- 1. ids are safe names; writers stay inside their folder; no output replaces an input ----


@pytest.mark.parametrize(
    "bad_id",
    [
        "../../README",
        "/tmp/abs-report",
        "a" * 240,
        "CON",
        "nul.txt",
        "com1",
        "x..y",
        "back\\slash",
        "sp ace",
        "-starts-with-dash",
        "ends.",
        "tab\tid",
    ],
)
def test_unsafe_case_ids_are_refused_at_validation(tmp_path: Path, capsys, bad_id: str) -> None:
    c, e, m = _renamed("aa-one-2001", bad_id)
    d = _write(tmp_path / "tables", c, e, m)
    before = _snapshot(tmp_path)
    assert main(["run", str(d), "--out", str(tmp_path / "out"), "--draws", "0", "--sensitivity-n", "0"]) == 1
    err = capsys.readouterr().err
    assert "column 'case'" in err and "case ids become file names" in err
    assert "Traceback" not in err
    assert _snapshot(tmp_path) == before  # nothing written anywhere, the inputs unchanged


def test_case_ids_differing_only_in_case_are_refused(tmp_path: Path) -> None:
    c = pd.concat([CASES, CASES.iloc[[0]].assign(case="AA-ONE-2001", country="CCC")], ignore_index=True)
    with pytest.raises(ValidationError, match="ignoring upper and lower case"):
        sz.validate_tables(cases=[c])


def test_a_readme_next_to_the_output_is_never_replaced(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("mine")
    d = _write(tmp_path / "tables")
    assert main(["run", str(d), "--out", str(tmp_path / "out"), "--draws", "0", "--sensitivity-n", "0"]) == 0
    assert readme.read_text() == "mine"
    assert not any(p.is_file() and p.parent == tmp_path and p.name != "README.md" for p in tmp_path.iterdir())


def test_id_rule() -> None:
    assert id_problem("us-trump-2017") is None and id_problem("gbr_may.2016") is None
    assert id_problem("a" * 64) is None and "at most 64" in (id_problem("a" * 65) or "")
    assert id_problem("LPT9.csv") is not None and id_problem("con") is not None
    with pytest.raises(ParameterError, match="an id of letters, digits"):
        check_id("../x", "case", "new_case")


def test_output_folder_refuses_escapes_links_and_inputs(tmp_path: Path) -> None:
    inp = tmp_path / "evidence.csv"
    inp.write_text("x")
    out = tmp_path / "out"
    out.mkdir()
    (out / "link").symlink_to(tmp_path)
    folder = OutputFolder(out, protect=[inp])
    for parts in [("../x.md",), ("..", "x.md"), ("/etc/passwd",), ("a/b.md",), ("x" * 200 + ".md",)]:
        with pytest.raises(ParameterError):
            folder.path(*parts)
    with pytest.raises(ParameterError, match="outside the output folder"):
        folder.path("link", "evidence.csv")
    with pytest.raises(ParameterError, match="one of the input files"):
        OutputFolder(tmp_path, protect=[inp]).path("evidence.csv")
    with pytest.raises(ParameterError, match="is an existing file"):
        OutputFolder(inp)
    assert inp.read_text() == "x"


def test_new_case_refuses_unsafe_ids(tmp_path: Path, capsys) -> None:
    args = ["new-case", "--country", "CAN", "--label", "C", "--leader", "L", "--start", "2006-02-06"]
    assert main([*args, "--case", "../../x", "--out", str(tmp_path / "nc")]) == 2
    assert "an id of letters, digits" in capsys.readouterr().err
    assert not (tmp_path / "nc").exists() and not (tmp_path.parent / "x").exists()


@pytest.mark.parametrize("command", ["score", "codebook"])
def test_no_output_replaces_the_codebook(tmp_path: Path, case_dir: Path, capsys, command: str) -> None:
    cb = tmp_path / "cb.toml"
    cb.write_text('[codebook]\nextends = "bourbeau-2011"\nid = "mine"\nversion = "1"\n', encoding="utf-8")
    before = cb.read_bytes()
    args = [command, str(case_dir)] if command == "score" else [command]
    assert main([*args, "--codebook", str(cb), "--out", str(cb)]) == 2
    assert "never overwrites an input" in capsys.readouterr().err
    assert cb.read_bytes() == before


def test_run_out_an_existing_file(tmp_path: Path, case_dir: Path, capsys) -> None:
    f = tmp_path / "afile"
    f.write_text("keep")
    assert main(["run", str(case_dir), "--out", str(f), "--draws", "0", "--sensitivity-n", "0"]) == 2
    assert "is an existing file, not a folder" in capsys.readouterr().err
    assert f.read_text() == "keep"


# --- 2. outputs are inert -------------------------------------------------------------------

HOSTILE = {
    "title": "[cite](javascript:alert(1)) <img src=x onerror=alert(1)> <script>alert(2)</script>",
    "url": "javascript:alert(3)",
    "source": '=HYPERLINK("http://evil")',
    "quote": "@SUM(1+1)",
}


@pytest.fixture
def hostile_run(tmp_path: Path) -> Path:
    c = CASES.copy()
    c.loc[0, "label"] = '=cmd|" /C calc"!A0 <b>bold</b> $\\foo{'
    c.loc[1, "label"] = "+1+1"
    c.loc[2, "label"] = "-2-2 @x"
    e = evidence_rows()
    for col, value in HOSTILE.items():
        e.loc[0, col] = value
    e.loc[1, "url"] = " JaVaScRiPt:alert(4)"
    e.loc[2, "url"] = "https://example.org/ok"
    m = MEASURES.copy()
    m["label"] = "<script>m</script> $\\bar{"
    d = _write(tmp_path / "tables", c, e, m)
    out = tmp_path / "out"
    assert main(["run", str(d), "--out", str(out), "--draws", "20", "--sensitivity-n", "8"]) == 0
    return out


def test_html_reports_link_only_http_urls_and_carry_no_markup(hostile_run: Path) -> None:
    html_text = "".join(p.read_text(encoding="utf-8") for p in (hostile_run / "reports").glob("*.html"))
    hrefs = re.findall(r'href="([^"]*)"', html_text)
    assert hrefs and all(h.startswith(("https://", "http://", "mailto:")) for h in hrefs)
    assert "<script>" not in html_text and "<img src=x" not in html_text and "<b>bold" not in html_text
    assert "&lt;script&gt;alert(2)" in html_text  # shown as typed
    assert "javascript:" not in " ".join(hrefs)
    assert "default-src 'none'" in html_text  # and a policy that runs no script at all


def test_markdown_outputs_escape_text_from_data(hostile_run: Path) -> None:
    files = [*(hostile_run / "reports").glob("*.md"), hostile_run / "scores.md", hostile_run / "index.md"]
    raw_tag = re.compile(r"(?<!\\)<(?:script|img|b)\b")  # a tag not escaped by a backslash
    for p in files:
        text = p.read_text(encoding="utf-8")
        assert not raw_tag.search(text), p.name
        assert not re.search(r"(?<!\\)\]\(<?javascript", text), p.name
        assert not re.search(r"(?<!\\)\[cite", text), p.name


def test_csv_outputs_neutralise_formulas(hostile_run: Path) -> None:
    for name in [
        "scores.csv",
        "scores-indicators.csv",
        "scores-overall.csv",
        "sensitivity.csv",
        *[f"reports/{p.name}" for p in (hostile_run / "reports").glob("*.csv")],
    ]:
        frame = pd.read_csv(hostile_run / name, dtype=str, keep_default_na=False)
        for col in frame.columns:
            if frame[col].str.fullmatch(r"-?[\d.e+-]+").all():  # a numeric column
                continue
            assert not frame[col].str.match(r"[=+\-@\t\r]").any(), (name, col)
    overall = pd.read_csv(hostile_run / "scores-overall.csv", dtype=str)
    assert overall["label"].str.startswith("'").sum() == 3


def test_charts_draw_dollar_signs_as_typed(hostile_run: Path) -> None:
    assert (hostile_run / "ranking.png").stat().st_size > 1000
    assert (hostile_run / "timeline-aaa.svg").exists()


def test_new_case_spreadsheet_has_no_formula_cells(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    cb_file = tmp_path / "cb.toml"
    base = sz.load_codebook()
    levels = "\n".join(
        f'[[scale.levels]]\nvalue = {lv.value}\nlabel = "{"=cmd|" if lv.value == 0 else ""}{lv.label}"'
        for lv in base.scale.levels
    )
    cb_file.write_text(
        '[codebook]\nextends = "bourbeau-2011"\nid = "x"\nversion = "1"\n'
        f'[scale]\nname = "s"\nmin = 0\nmax = 4\n{levels}\n',
        encoding="utf-8",
    )
    cb = sz.load_codebook(cb_file)
    made = sz.new_case(country="CAN", label="=1+1", leader="L", start="2006-02-06", out=tmp_path / "nc", codebook=cb)
    wb = openpyxl.load_workbook(tmp_path / "nc" / "evidence.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
    assert "'=1+1" in (tmp_path / "nc" / "cases.csv").read_text()
    assert made.case == "can-l-2006"


def test_text_helpers() -> None:
    assert terminal_safe("a\x1b[2Jb\nc\td") == "a\\x1b[2Jb\nc\td"
    assert csv_cell("=1") == "'=1" and csv_cell("\tx") == "'\tx" and csv_cell(3) == 3
    assert (
        md_text("*a* _b_ snake_case [x](y) <i> | # $m$")
        == "\\*a\\* \\_b\\_ snake_case \\[x\\](y) \\<i\\> \\| \\# \\$m\\$"
    )
    assert safe_url("mailto:a@b.org") == "mailto:a@b.org" and safe_url("data:text/html,x") is None
    assert safe_url("https://x.org/a b") is None
    assert plot_text("$x$") == "\\$x\\$"


# --- 3. control characters never reach a terminal ---------------------------------------------


def test_control_characters_are_refused_with_file_row_and_column(tmp_path: Path, capsys) -> None:
    e = evidence_rows()
    e.loc[3, "title"] = ESC_TITLE
    e.loc[4, "summary"] = "bidi \u202egnp.exe"
    d = _write(tmp_path / "t", evidence=e)
    assert main(["validate", str(d)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\u202e" not in err
    assert "row 5, column 'title'" in err and "U+001B" in err
    assert "row 6, column 'summary'" in err and "U+202E" in err


def test_control_characters_in_memory_tables_and_codebooks(tmp_path: Path) -> None:
    e = evidence_rows()
    e.loc[0, "title"] = ESC_TITLE
    with pytest.raises(ValidationError, match="control characters"):
        sz.validate_tables(cases=[CASES], evidence=[e])
    cb = tmp_path / "cb.toml"
    cb.write_text('[codebook]\nextends = "bourbeau-2011"\nid = "x"\nversion = "1"\ntitle = "a\\u001b[2J"\n')
    with pytest.raises(sz.CodebookError, match="control character"):
        sz.load_codebook(cb)


def test_the_command_line_never_prints_a_control_character(tmp_path: Path, capsys, monkeypatch) -> None:
    def boom(args):
        raise RuntimeError("bad \x1b]52;c;cGFzdGU=\x07 thing")

    from securitization import cli

    monkeypatch.setitem(cli.COMMANDS, "validate", boom)
    assert main(["validate"]) == 70
    err = capsys.readouterr().err
    assert err.startswith("internal error: RuntimeError") and err.count("\n") == 1
    assert "\x1b" not in err and "\x07" not in err


# --- 4. never a traceback ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        ("evidence", "date", "9999-12-31", "between 1800 and 2199"),
        ("evidence", "date", "0001-01-01", "between 1800 and 2199"),
        ("evidence", "date", "1500", "between 1800 and 2199"),
        ("cases", "start", "9999-12-31", "between 1800 and 2199"),
        ("cases", "end", "0001-01-01", "between 1800 and 2199"),
        ("measures", "period", "FY0000", "a date or period between 1800 and 2199"),
        ("measures", "period", "FY9999", "a date or period between 1800 and 2199"),
        ("measures", "period", "0001-01-01/9999-12-31", "a date or period between 1800 and 2199"),
        ("evidence", "weight", "1e308", "an importance from 1 to 3"),
        ("evidence", "weight", "5", "an importance from 1 to 3"),
        ("evidence", "weight", "inf", "an importance from 1 to 3"),
        ("evidence", "weight", "1,5", "an importance from 1 to 3"),
        ("measures", "value", "1e308", "no larger than"),
        ("measures", "value", "nan", "a number such as"),
        ("measures", "value", "1,5", "a number such as"),
        ("cases", "population", "inf", "a number of residents"),
        ("cases", "population", "1e300", "a number of residents"),
    ],
)
def test_absurd_and_out_of_range_values_are_refused(
    tmp_path: Path, capsys, table: str, column: str, value: str, message: str
) -> None:
    d = _write(tmp_path / "t")
    path = d / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, column] = value
    frame.to_csv(path, index=False)
    before = path.read_bytes()
    assert main(["validate", str(d)]) == 1
    err = capsys.readouterr().err
    assert f"row 2, column {column!r}" in err and message in err
    assert path.read_bytes() == before


def test_thousands_separators_are_read_and_a_shifted_row_is_refused(tmp_path: Path, capsys) -> None:
    d = _write(tmp_path / "t")
    m = MEASURES.copy()
    m.loc[0, "value"] = "1,500"  # quoted by pandas: a thousands separator
    m.to_csv(d / "measures.csv", index=False)
    ds = sz.load(d)
    assert ds.measures["value"].iloc[0] == 1500
    text = (d / "measures.csv").read_text().splitlines()
    text[1] = text[1].replace('"1,500"', "1,500")  # unquoted: the row has one cell too many
    (d / "measures.csv").write_text("\n".join(text) + "\n")
    assert main(["validate", str(d)]) == 1
    err = capsys.readouterr().err
    assert "row 2" in err and "must be in double quotes" in err and err.count("\n  - ") == 1


def test_a_trailing_delimiter_on_every_row(tmp_path: Path, capsys) -> None:
    d = _write(tmp_path / "t")
    path = d / "evidence.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0]] + [ln + "," for ln in lines[1:]]) + "\n")
    assert main(["validate", str(d)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n  - ") == 1 and "trailing delimiters" in err
    path.write_text("\n".join(ln + "," for ln in lines) + "\n")  # the header too: accepted
    assert main(["validate", str(d)]) == 0


def test_score_by_year_on_a_fresh_new_case(tmp_path: Path, capsys) -> None:
    nc = tmp_path / "nc"
    args = ["new-case", "--country", "CAN", "--label", "Canada", "--leader", "S H", "--start", "2006-02-06"]
    assert main([*args, "--end", "2015-11-03", "--out", str(nc)]) == 0
    ev = pd.DataFrame(
        [["e1", "can-h-2006", "I-1", "2008-03-01", "statute", "An act", "A source", "2"]],
        columns=["evidence_id", "case", "indicator", "date", "kind", "title", "source", "code"],
    )
    ev.to_csv(nc / "evidence.csv", index=False)
    (nc / "evidence.xlsx").unlink(missing_ok=True)
    assert main(["score", str(nc), "--by", "year"]) == 0
    assert "2008" in capsys.readouterr().out
    assert main(["explain", "can-h-2006", "I-1", str(nc), "--year", "2008"]) == 0
    assert main(["sensitivity", str(nc), "--by", "year", "--n", "4"]) == 0


def _xlsx(path: Path, frame: pd.DataFrame, hide: int | None = None) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append(list(row))
    if hide is not None:
        ws.row_dimensions[hide].hidden = True
    wb.save(path)


def test_spreadsheets_as_excel_users_mean_them(tmp_path: Path, capsys) -> None:
    pytest.importorskip("openpyxl")
    import datetime as dt

    d = tmp_path / "x"
    d.mkdir()
    cases = CASES.copy().astype(object)
    cases["start"] = [dt.datetime(2001, 1, 1), dt.datetime(2005, 1, 1), dt.datetime(2003, 6, 1)]
    cases["population"] = [1000000, 1100000, 500000]
    _xlsx(d / "cases.xlsx", cases)
    _xlsx(d / "evidence.xlsx", evidence_rows())
    ds = sz.load(d)  # real Excel date cells read in the cases table too
    assert ds.cases["start"].dt.year.tolist() == [2001, 2005, 2003]
    assert ds.cases["population"].tolist()[0] == 1_000_000
    _xlsx(d / "evidence.xlsx", evidence_rows(), hide=4)
    assert main(["validate", str(d)]) == 1
    assert "rows 4 are hidden" in capsys.readouterr().err
    (d / "evidence.xlsx").unlink()
    (d / "evidence.xls").write_bytes(b"\xd0\xcf\x11\xe0 old workbook")
    assert main(["validate", str(d)]) == 1
    assert "evidence.xls; expected an .xlsx workbook or a CSV UTF-8 file" in capsys.readouterr().err
    (d / "evidence.xls").unlink()
    (d / "evidence.ods").write_bytes(b"PK")
    assert main(["validate", str(d)]) == 1
    assert "OpenDocument" in capsys.readouterr().err


def test_damaged_encrypted_and_empty_workbooks(tmp_path: Path, capsys) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    d = _write(tmp_path / "t")
    (d / "evidence.csv").unlink()
    _xlsx(d / "evidence.xlsx", evidence_rows())
    data = (d / "evidence.xlsx").read_bytes()
    (d / "evidence.xlsx").write_bytes(data[: len(data) // 2])
    assert main(["validate", str(d)]) == 1
    assert "damaged or truncated" in capsys.readouterr().err
    (d / "evidence.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert main(["validate", str(d)]) == 1
    assert "encrypted" in capsys.readouterr().err
    openpyxl.Workbook().save(d / "evidence.xlsx")
    assert main(["validate", str(d)]) == 1
    assert "it is empty" in capsys.readouterr().err


def test_other_malformed_files(tmp_path: Path, capsys) -> None:
    d = _write(tmp_path / "t")
    (d / "evidence.csv").write_bytes("evidence_id,title\nx,caf\xe9\n".encode("latin-1"))
    assert main(["validate", str(d)]) == 1
    assert "a UTF-8 text file" in capsys.readouterr().err
    (d / "evidence.csv").write_text("")
    assert main(["validate", str(d)]) == 1
    assert "the file is empty" in capsys.readouterr().err
    (d / "evidence.csv").unlink()
    (d / "evidence.parquet").write_bytes(b"PAR1 not really")
    assert main(["validate", str(d)]) == 1
    assert "a readable Parquet file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[codebook]\nextends = 5\n", "codebook.extends"),
        ('[codebook]\nextends = "bourbeau-2011"\ndrop = 5\n', "codebook.drop"),
        ('[codebook]\nextends = "bourbeau-2011"\ndrop = ["I-9"]\n', "indicator codes of the codebook"),
        (
            '[codebook]\nextends = "bourbeau-2011"\nid = "x"\nversion = "1"\n[aggregation]\nmin_coverage = inf\n',
            "finite",
        ),
    ],
)
def test_malformed_codebooks(tmp_path: Path, toml: str, message: str) -> None:
    cb = tmp_path / "cb.toml"
    cb.write_text(toml, encoding="utf-8")
    with pytest.raises(sz.CodebookError, match=message):
        sz.load_codebook(cb)


def test_codebook_weights_inf_and_a_non_utf8_codebook(tmp_path: Path) -> None:
    cb = tmp_path / "cb.toml"
    cb.write_text(
        '[codebook]\nextends = "bourbeau-2011"\nid = "x"\nversion = "1"\n'
        '[[dimensions]]\ncode = "institutional"\nname = "Institutional"\nweight = inf\n',
        encoding="utf-8",
    )
    with pytest.raises(sz.CodebookError, match="finite"):
        sz.load_codebook(cb)
    cb.write_bytes('[codebook]\nid = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(sz.CodebookError, match="UTF-8"):
        sz.load_codebook(cb)


def test_drop_as_a_string_drops_exactly_that_indicator(tmp_path: Path) -> None:
    cb = tmp_path / "cb.toml"
    cb.write_text('[codebook]\nextends = "bourbeau-2011"\nid = "x"\nversion = "1"\ndrop = "I-1"\n', encoding="utf-8")
    assert sz.load_codebook(cb).indicator_codes == ("I-2", "I-3", "P-1", "P-2")


def test_a_codebook_with_a_huge_scale_is_refused_quickly(tmp_path: Path) -> None:
    levels = "".join(f'[[scale.levels]]\nvalue = {v}\nlabel = "l{v}"\n' for v in range(100_001))
    cb = tmp_path / "cb.toml"
    cb.write_text(
        f'[codebook]\nextends = "bourbeau-2011"\nid = "x"\nversion = "1"\n[scale]\nmin = 0\nmax = 100000\n{levels}'
    )
    with pytest.raises(sz.CodebookError, match="at most 101"):
        sz.load_codebook(cb)


def test_wrong_argument_types_raise_the_librarys_errors(tmp_path: Path) -> None:
    with pytest.raises(ParameterError):
        sz.validate_tables(cases=[None])  # type: ignore[list-item]
    with pytest.raises(ParameterError):
        sz.validate_tables(cases=CASES)  # type: ignore[arg-type]
    with pytest.raises(ParameterError):
        sz.load(codebook=123)  # type: ignore[arg-type]
    with pytest.raises(ParameterError):
        sz.load_codebook(123)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="positive finite"):
        sz.load_codebook().with_changes(weights={"I-1": -1})
    with pytest.raises(ParameterError, match="positive finite"):
        sz.load_codebook().with_changes(weights={"I-1": float("inf")})
    with pytest.raises(ParameterError):
        sz.load(42)  # type: ignore[arg-type]


def test_a_path_string_is_one_path_never_its_characters(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="an existing file or folder") as exc:
        sz.load("/no/such/folder")
    assert len(exc.value.problems) == 1
    d = _write(tmp_path / "t")
    assert len(sz.load(str(d)).cases) == 3


def test_parameters_have_sane_bounds(case_dir: Path, tmp_path: Path, capsys) -> None:
    assert main(["score", str(case_dir), "--n-boot", "1000000000"]) == 2
    assert "from 2 to 100,000" in capsys.readouterr().err
    assert main(["charts", str(case_dir), "--out", str(tmp_path / "c"), "--dpi", "0", "--draws", "0"]) == 2
    assert "a number from 10 to 1200" in capsys.readouterr().err
    scores = sz.score(sz.load(case_dir))
    with pytest.raises(ParameterError):
        sz.sensitivity(scores, n=10**9)
    with pytest.raises(ParameterError):
        sz.reliability(scores, n_boot=-5)


def test_new_case_population_is_written_as_a_whole_number(tmp_path: Path) -> None:
    sz.new_case(country="CAN", label="C", leader="L", start="2006-02-06", out=tmp_path / "nc", population=34123456)
    assert ",34123456," in (tmp_path / "nc" / "cases.csv").read_text()
    with pytest.raises(ParameterError):
        sz.new_case(
            country="CAN", label="C", leader="L", start="2006-02-06", out=tmp_path / "n2", population=float("inf")
        )


def test_a_large_timeline_is_thinned(tmp_path: Path) -> None:
    from securitization import plot

    rng = np.random.default_rng(1)
    n = plot.MAX_TIMELINE_POINTS + 500
    e = pd.DataFrame(
        {
            "evidence_id": [f"e{i}" for i in range(n)],
            "case": "aa-one-2001",
            "indicator": rng.choice(["I-1", "P-1"], n),
            "date": pd.to_datetime("2001-01-01") + pd.to_timedelta(rng.integers(0, 1400, n), unit="D"),
            "kind": "statute",
            "title": "t",
            "source": "s",
            "code": rng.integers(0, 5, n).astype(str),
        }
    )
    e.loc[e["indicator"] == "P-1", "kind"] = "operation"
    e["date"] = e["date"].dt.strftime("%Y-%m-%d")
    scores = sz.score(sz.validate_tables(cases=[CASES], evidence=[e]))
    ax = plot.plot_timeline(scores)
    n_points = sum(len(c.get_offsets()) for c in ax.collections)
    assert n_points < 2 * 48 * 5 + 1  # months x indicators x codes at most
    assert any("one marker per month" in t.get_text() for t in ax.texts)


def test_atomic_writes_follow_the_umask(tmp_path: Path) -> None:
    import os

    old = os.umask(0o022)
    try:
        p = atomic_write_text(tmp_path / "x.txt", "x")
    finally:
        os.umask(old)
    assert (p.stat().st_mode & 0o777) == 0o644


def test_library_errors_are_value_errors_and_json_manifest_has_no_raw_control(case_dir: Path) -> None:
    scores = sz.score(sz.load(case_dir))
    doc = json.loads(scores.to_json())
    assert doc["manifest"]["codebook"]["id"] == "bourbeau-2011"
    assert issubclass(ValidationError, ValueError) and issubclass(ParameterError, SecuritizationError)


def test_zip_bomb_like_xlsx_does_not_hang(tmp_path: Path, capsys) -> None:
    pytest.importorskip("openpyxl")
    d = _write(tmp_path / "t")
    (d / "evidence.csv").unlink()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<x/>")
    (d / "evidence.xlsx").write_bytes(buf.getvalue())
    assert main(["validate", str(d)]) == 1
    assert "a readable .xlsx workbook" in capsys.readouterr().err
