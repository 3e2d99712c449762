"""Tables for papers: LaTeX with booktabs, a label, a caption that says what the intervals are, escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import securitization as sz
from securitization.errors import ParameterError
from securitization.export import frame_to_latex, tex_text

from .conftest import CASES, COUNTRIES, MEASURES, evidence_rows


def _columns(tex: str) -> int:
    spec = re.search(r"\\begin\{tabular\}\{([lcr]+)\}", tex)
    assert spec is not None
    return len(spec.group(1))


def _rows(tex: str) -> list[list[str]]:
    body = tex.split("\\midrule\n", 1)[1].split("\\bottomrule", 1)[0]
    lines = [ln.removesuffix("\\addlinespace") for ln in body.strip().split("\n")]
    return [[c.strip() for c in ln.removesuffix(" \\\\").split(" & ")] for ln in lines]


@pytest.fixture(scope="module")
def plain() -> sz.Scores:
    return sz.score(evidence_rows(), CASES, measures=MEASURES, countries=COUNTRIES)


@pytest.fixture(scope="module")
def drawn(plain: sz.Scores) -> sz.Scores:
    return sz.joint(sz.intervals(plain, n=60, ci_prob=0.8, rng=5), n=60, ci_prob=0.8, rng=5)


def test_frame_to_latex_escapes_every_cell_and_header() -> None:
    frame = pd.DataFrame({"a_b %": ["x & y", "$\\alpha$ {z} #1 ~^ <b>|"], "n": [1.0, float("nan")]})
    tex = frame_to_latex(frame, caption="50% of cases_", label="tab:t")
    assert r"a\_b \% & n \\" in tex
    assert r"x \& y & 1.00 \\" in tex
    assert (
        r"\$\textbackslash{}alpha\$ \{z\} \#1 \textasciitilde{}\textasciicircum{} \textless{}b\textgreater{}\textbar{} & -- \\"
        in tex
    )
    assert r"\caption{50\% of cases\_}" in tex and r"\label{tab:t}" in tex
    assert tex.startswith("% requires \\usepackage{booktabs}\n") and _columns(tex) == 2
    assert tex_text("line\nbreak") == "line break"  # a newline in a cell cannot end the row


@pytest.mark.parametrize("label", ["tab:a b", "tab:{x}", "\\evil", "1tab", ""])
def test_a_label_that_latex_cannot_hold_is_refused(label: str) -> None:
    with pytest.raises(ParameterError, match="'label' parameter of frame_to_latex"):
        frame_to_latex(pd.DataFrame({"a": [1]}), label=label)


def test_frame_to_latex_refuses_bad_align_environment_and_second_line() -> None:
    f = pd.DataFrame({"a": [1], "b": [2]})
    with pytest.raises(ParameterError, match="'align'"):
        frame_to_latex(f, align="l")
    with pytest.raises(ParameterError, match="'environment'"):
        frame_to_latex(f, environment="longtable")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="'below'"):
        frame_to_latex(f, below=pd.DataFrame({"a": [1, 2], "b": [3, 4]}))


def test_second_lines_go_under_their_rows_and_blank_ones_are_left_out() -> None:
    top = pd.DataFrame({"case": ["a", "b"], "score": ["1.00", "2.00"]})
    under = pd.DataFrame({"case": ["", ""], "score": ["[0.50, 1.50]", ""]})
    rows = _rows(frame_to_latex(top, below=under))
    assert rows == [["a", "1.00"], ["", "[0.50, 1.50]"], ["b", "2.00"]]


def test_compact_table_fits_a_page_with_its_intervals_and_caption(drawn: sz.Scores) -> None:
    tex = drawn.to_latex(level="compact")
    assert _columns(tex) == 6  # case, two dimensions, overall, band, rank
    assert r"\begin{table}[htbp]" in tex and "sidewaystable" not in tex
    assert r"\label{tab:securitization-compact}" in tex
    assert r"\toprule" in tex and r"\midrule" in tex and r"\bottomrule" in tex
    cap = re.search(r"\\caption\{(.*)\}\n", tex)
    assert cap is not None
    caption = cap.group(1)
    assert "80\\% equal-tailed intervals over the evidence: items, coders and measures (posterior)" in caption
    assert "60 draws, seed 5" in caption
    assert "Joint intervals" not in caption  # the compact table shows none
    assert "bourbeau-2011 v1.2.0" in caption and drawn.codebook.title in caption
    assert "3 cases on the 0-4" in caption
    rows = _rows(tex)
    ov = drawn.overall.set_index("label")
    first = ov.sort_values("score", ascending=False).iloc[0]
    assert rows[0][:1] == [first.name] and rows[0][3] == f"{first['score']:.2f}"
    assert rows[1][3] == f"[{first['lo']:.2f}, {first['hi']:.2f}]"  # the interval under its score
    assert rows[1][5] == f"[{int(first['rank_lo'])}--{int(first['rank_hi'])}]"


def test_compact_without_intervals_says_so_and_has_one_line_per_case(plain: sz.Scores) -> None:
    tex = plain.to_latex(level="compact", label="tab:mine", caption="My caption_")
    assert r"\label{tab:mine}" in tex and r"\caption{My caption\_}" in tex
    assert "No intervals were drawn" in plain.latex_caption("compact")
    complete = (plain.overall["status"] == "complete").sum()
    assert len(_rows(tex)) == len(plain.overall) + (len(plain.overall) - complete)  # status under the open terms


def test_full_table_is_landscape_ready_with_every_indicator(drawn: sz.Scores) -> None:
    tex = drawn.to_latex(level="wide")
    assert r"\begin{sidewaystable}[htbp]" in tex and r"\end{sidewaystable}" in tex
    assert "\\usepackage{booktabs,rotating}" in tex and r"\footnotesize" in tex
    header = tex.split("\\toprule\n", 1)[1].split(" \\\\", 1)[0].split(" & ")
    assert header == [
        "Case",
        "I-1",
        "I-2",
        "I-3",
        "P-1",
        "P-2",
        "Institutional",
        "Practice",
        "Overall",
        "Median",
        "Joint interval",
        "Band",
        "Rank",
        "Coverage",
    ]
    assert _columns(tex) == 14
    assert r"\label{tab:securitization-wide}" in tex
    assert "Joint intervals of the overall score vary the evidence (posterior) and the method" in tex
    assert "Under each indicator score: its items in parentheses" in tex


def test_tidy_levels_keep_every_column(plain: sz.Scores) -> None:
    tex = plain.to_latex(level="overall")
    assert _columns(tex) == len(plain.to_frame("overall").columns)
    assert r"\label{tab:securitization-overall}" in tex
    with pytest.raises(ParameterError, match=r"'level' parameter of Scores\.to_latex"):
        plain.to_latex(level="cells")  # type: ignore[arg-type]


def test_case_labels_from_data_are_escaped(tmp_path: Path) -> None:
    c = CASES.copy()
    c.loc[0, "label"] = "A_one & $x$ \\input{/etc/passwd} 100%"
    s = sz.score(evidence_rows(), c, measures=MEASURES, countries=COUNTRIES)
    for level in ("compact", "wide", "overall"):
        tex = s.to_latex(tmp_path / f"{level}.tex", level=level)  # type: ignore[arg-type]
        assert "\\input" not in tex and r"A\_one \& \$x\$ \textbackslash{}input\{/etc/passwd\} 100\%" in tex
        assert (tmp_path / f"{level}.tex").read_text() == tex


def test_compact_table_frame_and_other_formats(drawn: sz.Scores) -> None:
    t = drawn.compact_table()
    assert list(t.columns) == ["Case", "Institutional", "Practice", "Overall", "Band", "Rank", "Status"]
    row = t.iloc[0]
    first = drawn.overall.sort_values("score", ascending=False).iloc[0]
    assert row["Overall"] == f"{first['score']:.2f} [{first['lo']:.2f}, {first['hi']:.2f}]"
    assert drawn.to_markdown(level="compact").startswith("| Case | Institutional |")
    assert drawn.to_csv(level="compact").startswith("Case,Institutional,Practice,Overall,Band,Rank,Status")


def test_the_main_job_writes_both_tables(tmp_path: Path) -> None:
    d = tmp_path / "t"
    d.mkdir()
    CASES.to_csv(d / "cases.csv", index=False)
    evidence_rows().to_csv(d / "evidence.csv", index=False)
    MEASURES.to_csv(d / "measures.csv", index=False)
    COUNTRIES.to_csv(d / "countries.csv", index=False)
    done = sz.write_outputs(sz.load(d), tmp_path / "out", n_draws=20, sensitivity_n=0, reports=False, formats=("svg",))
    names = {p.name for p in done.files}
    assert {"scores.tex", "scores-compact.tex"} <= names
    assert "sidewaystable" in (tmp_path / "out" / "scores.tex").read_text()
    assert _columns((tmp_path / "out" / "scores-compact.tex").read_text()) == 6
