"""At home in Jupyter: short text reprs and inert HTML views of every result a user meets."""

from __future__ import annotations

import pandas as pd
import pytest

import securitization as sz
from securitization.export import frame_to_html

from .conftest import CASES, COUNTRIES, MEASURES, evidence_rows

HOSTILE = "<script>alert(1)</script> & <img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def data() -> sz.Dataset:
    c = CASES.copy()
    c.loc[0, "label"] = HOSTILE
    e = evidence_rows()
    e.loc[0, "title"] = HOSTILE
    return sz.validate_tables(cases=[c], evidence=[e], measures=[MEASURES.copy()], countries=[COUNTRIES.copy()])


@pytest.fixture(scope="module")
def scores(data: sz.Dataset) -> sz.Scores:
    return sz.intervals(sz.score(data), n=40, ci_prob=0.8, rng=3)


def _short(text: str, *must: str) -> None:
    assert len(text.splitlines()) <= 5 and len(text) < 700, text
    for m in must:
        assert m in text, (m, text)


def _inert(html: str) -> None:
    assert "<table>" in html and "</table>" in html
    for bad in ("<script", "<img", "onerror=alert(2)>", "<a ", "style=", "href"):
        assert bad not in html, bad
    assert "&lt;script&gt;" in html


def test_scores_repr_is_short_and_says_what_the_intervals_are(scores: sz.Scores) -> None:
    _short(
        repr(scores),
        "Scores: 3 cases by case",
        "5 indicators in 2 dimensions",
        "bourbeau-2011 v1.2.0",
        "80% equal-tailed intervals over the evidence: items, coders and measures (posterior), 40 draws, seed 3",
    )
    plain = sz.score(evidence_rows(), CASES, measures=MEASURES, countries=COUNTRIES)
    _short(repr(plain), "No intervals were drawn")


def test_scores_str_keeps_the_whole_table(scores: sz.Scores) -> None:
    text = str(scores)
    assert all(label in text for label in ("A two", "B one")) and "I-1" in text and "P-2" in text
    assert len(text) > len(repr(scores))


def test_scores_html_is_the_compact_table_escaped(scores: sz.Scores) -> None:
    html = scores._repr_html_()
    _inert(html)
    assert "<th>Institutional</th><th>Practice</th><th>Overall</th>" in html
    assert html.count("<tr>") == 1 + len(scores.overall)  # header + one row per case


def test_dataset_repr_and_html(data: sz.Dataset) -> None:
    n_items = data.evidence["evidence_id"].nunique()
    _short(repr(data), "Dataset: 3 cases in 2 countries", f"{n_items} evidence items", "codebook bourbeau-2011 v1.2.0")
    assert str(data).startswith("Dataset: 3 cases,")  # str keeps its one-line form
    html = data._repr_html_()
    _inert(html)
    assert "<th>items</th><th>measures</th>" in html


def test_explanation_repr_and_html(scores: sz.Scores) -> None:
    case = str(CASES.loc[0, "case"])
    e = scores.explain(case, "I-1")
    _short(repr(e), "Explanation: ", "I-1", "interval [", "80% over the evidence", "items score")
    assert "Items (code x weight share" in str(e)  # the full trail stays in str
    html = e._repr_html_()
    _inert(html)
    assert html.count("<tr>") == 1 + len(e.items)


def test_reliability_repr_and_html(data: sz.Dataset) -> None:
    rel = sz.reliability(data, n_boot=30, rng=2)
    _short(repr(rel), "Reliability: Krippendorff's alpha (ordinal)", "gate", "30 replicates, seed 2")
    html = rel._repr_html_()
    assert "<table>" in html and "<th>alpha</th>" in html and "Krippendorff&#x27;s" in html
    assert str(rel).startswith("Inter-coder reliability")


def test_sensitivity_repr_and_html(scores: sz.Scores) -> None:
    sa = sz.sensitivity(scores, n=4, rng=1)
    _short(repr(sa), "Sensitivity: ", "runs over", "seed 1", "rank intervals vary the method only")
    html = sa._repr_html_()
    _inert(html)
    assert html.count("<tr>") == 1 + len(sa.cases)
    assert "Sobol" in str(sa) or "Sensitivity of the overall ranks" in str(sa)


def test_codebook_analysis_outputs_and_replicates_reprs(data: sz.Dataset, tmp_path) -> None:
    cb = data.codebook
    _short(repr(cb), "Codebook bourbeau-2011 v1.2.0", "5 indicators in 2 dimensions", "scale 0-4")
    assert "<th>code</th>" in cb._repr_html_()
    an = sz.analyse(data, n_draws=20, sensitivity_n=0)
    _short(repr(an), "Analysis (seed", "3 cases", "sensitivity: not computed")
    rep = sz.uncertainty.bootstrap_replicates(sz.score(data), n_boot=5, rng=1)
    _short(repr(rep), "Replicates: 5 draws", "seed 1")


def test_long_tables_are_cut_in_html() -> None:
    html = frame_to_html(pd.DataFrame({"a": range(40)}), max_rows=10)
    assert html.count("<tr>") == 1 + 10 + 1 and "and 30 more rows" in html
