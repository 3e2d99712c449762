"""score() end to end on small tables, against hand-computed values."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from securitization import load_codebook, score, validate_tables

from .conftest import COUNTRIES


@pytest.fixture
def scores(cases, evidence, measures):
    return score(validate_tables(cases=[cases], evidence=[evidence], measures=[measures], countries=[COUNTRIES]))


def test_indicator_scores_by_hand(scores) -> None:
    # A one, I-1: item 1 coded 2 and 3 by two coders -> median 2.5 (weight 1); item 2 coded 3 (weight 2)
    assert scores.score_of("aa-one-2001", "I-1") == pytest.approx((2.5 + 2 * 3) / 3)
    # A one, P-2: items (2, w1), (2, w2) -> 2; measure mean(40, 60) / 1e6 * 1e5 = 5 -> level 1
    assert scores.score_of("aa-one-2001", "P-2") == pytest.approx(0.6 * 2 + 0.4 * 1)
    # A two, P-2: items 3; measure mean(130, 150)/1.1e6*1e5 = 12.7 -> level 4
    assert scores.score_of("aa-two-2005", "P-2") == pytest.approx(0.6 * 3 + 0.4 * 4)


def test_dimensions_overall_band_and_rank(scores) -> None:
    ind = scores.indicators.set_index(["case", "indicator"])["score"]
    inst = np.mean([ind["aa-one-2001", c] for c in ("I-1", "I-2", "I-3")])
    prac = np.mean([ind["aa-one-2001", c] for c in ("P-1", "P-2")])
    assert scores.score_of("aa-one-2001", "institutional") == pytest.approx(inst)
    assert scores.score_of("aa-one-2001") == pytest.approx((inst + prac) / 2)
    assert scores.band("aa-one-2001") == load_codebook().band((inst + prac) / 2)
    ranks = scores.overall.set_index("case")["rank"]
    assert ranks["aa-two-2005"] == 1 and ranks["aa-one-2001"] == 2


def test_missing_is_missing_with_coverage(scores) -> None:
    ind = scores.indicators.set_index(["case", "indicator"])
    assert ind.loc[("bb-one-2003", "I-2"), "missing"]
    assert math.isnan(ind.loc[("bb-one-2003", "I-2"), "score"])
    assert ind.loc[("bb-one-2003", "I-2"), "n_items"] == 0
    dim = scores.dimensions.set_index(["case", "dimension"])
    # one of three institutional indicators: coverage 1/3 < 0.5 -> missing
    assert dim.loc[("bb-one-2003", "institutional"), "coverage"] == pytest.approx(1 / 3)
    assert math.isnan(dim.loc[("bb-one-2003", "institutional"), "score"])
    # practice: P-1 only (coverage 0.5) -> computed from P-1 alone
    assert dim.loc[("bb-one-2003", "practice"), "score"] == pytest.approx(0.5)
    # the overall coverage counts every indicator's weight: P-1 alone carries half of practice's half
    assert scores.overall.set_index("case").loc["bb-one-2003", "coverage"] == pytest.approx(0.25)
    assert scores.overall.set_index("case").loc["bb-one-2003", "missing_indicators"] == "I-2,I-3,P-2"
    assert dim.loc[("bb-one-2003", "practice"), "missing_indicators"] == "P-2"


def test_coverage_counts(scores) -> None:
    row = scores.indicators.set_index(["case", "indicator"]).loc[("aa-one-2001", "I-1")]
    assert (row["n_items"], row["n_rows"], row["n_coders"], row["n_multi_coded"], row["n_sources"]) == (2, 4, 2, 2, 2)
    assert scores.indicators.set_index(["case", "indicator"]).loc[("aa-one-2001", "P-2"), "n_measures"] == 2


def test_explain_trail(scores) -> None:
    ex = scores.explain("aa-one-2001", "I-1")
    assert list(ex.items["code"]) == [2.5, 3.0]
    assert ex.items["contribution"].sum() == pytest.approx(ex.items_score)
    assert ex.items["share"].sum() == pytest.approx(1.0)
    text = str(ex)
    assert "Synthetic source 1" in text and "coders c1,c2: 2,3" in text
    ex2 = scores.explain("aa-one-2001", "P-2")
    assert list(ex2.measures["period"]) == ["FY2002", "FY2003"]
    assert ex2.items_share == pytest.approx(0.6)
    with pytest.raises(ValueError, match="case"):
        scores.explain("zz", "I-1")
    with pytest.raises(ValueError, match="indicator"):
        scores.explain("aa-one-2001", "Q-1")


def test_by_year(cases, evidence, measures) -> None:
    s = score(
        validate_tables(cases=[cases], evidence=[evidence], measures=[measures], countries=[COUNTRIES]), by="year"
    )
    years = s.overall.loc[s.overall["case"] == "aa-one-2001", "year"].tolist()
    assert years == [2001, 2002, 2003, 2004]
    assert not math.isnan(s.score_of("aa-one-2001", "I-1", year=2002))
    assert math.isnan(s.score_of("aa-one-2001", "I-1", year=2001))
    # FY2003 (Oct 2002 - Sep 2003) belongs to calendar 2003 by largest overlap
    ex = s.explain("aa-one-2001", "P-2", year=2003)
    assert list(ex.measures["period"]) == ["FY2003"]
    # the ongoing case runs to the last dated evidence or measure
    assert s.overall.loc[s.overall["case"] == "bb-one-2003", "year"].max() == 2007


def _codebook(tmp_path: Path, body: str):
    p = tmp_path / "cb.toml"
    p.write_text('[codebook]\nextends = "bourbeau-2011"\nid = "t"\nversion = "1"\n' + body)
    return load_codebook(p)


def _p2(measure_body: str) -> str:
    cb = load_codebook()
    ind = cb.indicator("P-2")
    anchors = "\n".join(f'{k} = "{v}"' for k, v in ind.anchors.items())
    kinds = ", ".join(f'"{k}"' for k in ind.kinds)
    return f"""
[[indicators]]
code = "P-2"
name = "Detention"
dimension = "practice"
definition = "d"
kinds = [{kinds}]
blend = {{ items = 0.0, measures = 1.0 }}
[indicators.anchors]
{anchors}
[[indicators.measures]]
measure = "ice_detention_adp"
{measure_body}
"""


def test_minmax_reference_and_change_mappings(tmp_path: Path, cases, evidence, measures) -> None:
    ds_args = {"cases": [cases], "evidence": [evidence], "measures": [measures], "countries": [COUNTRIES]}
    # min-max over scored units of the raw mean: A one 50 -> 0, A two 140 -> 4
    cb = _codebook(tmp_path, _p2('mapping = "minmax"'))
    s = score(validate_tables(**ds_args, codebook=cb))
    assert s.score_of("aa-one-2001", "P-2") == pytest.approx(0.0)
    assert s.score_of("aa-two-2005", "P-2") == pytest.approx(4.0)
    # reference: 2 x value / reference value
    cb = _codebook(tmp_path, _p2('mapping = "reference"\nreference_case = "aa-two-2005"'))
    s = score(validate_tables(**ds_args, codebook=cb))
    assert s.score_of("aa-one-2001", "P-2") == pytest.approx(2 * 50 / 140)
    # change against the previous case of the country: (140 - 50) / 50 = 1.8 -> thresholds
    cb = _codebook(tmp_path, _p2('statistic = "change"\nthresholds = [-0.2, 0.0, 0.2, 1.0]'))
    s = score(validate_tables(**ds_args, codebook=cb))
    assert math.isnan(s.score_of("aa-one-2001", "P-2"))  # no previous case
    assert s.score_of("aa-two-2005", "P-2") == pytest.approx(4.0)


def test_items_rules_from_codebook(cases, evidence) -> None:
    ds = validate_tables(cases=[cases], evidence=[evidence])
    base = score(ds)
    cb = load_codebook().with_changes(item_rule="max")
    s = score(ds, codebook=cb)
    assert s.score_of("aa-one-2001", "P-1") == 3.0
    assert base.score_of("aa-one-2001", "P-1") == 2.0
    assert s.codebook.version.endswith("+modified")


def test_score_from_dataframes_and_manifest(cases, evidence, measures) -> None:
    s = score(evidence, cases, measures=measures, countries=COUNTRIES)
    assert s.manifest["codebook"]["id"] == "bourbeau-2011"
    assert s.manifest["codebook"]["version"] == "1.2.0"
    assert s.manifest["parameters"]["by"] == "case"
    with pytest.raises(ValueError, match="'cases' parameter of score"):
        score(evidence)


def test_exports_carry_codebook_and_are_atomic(tmp_path: Path, scores) -> None:
    md = scores.to_markdown(tmp_path / "s.md")
    assert "bourbeau-2011 v1.2.0" in md and (tmp_path / "s.md").read_text() == md
    tex = scores.to_latex(tmp_path / "s.tex")
    assert r"\toprule" in tex and "bourbeau-2011 v1.2.0" in tex
    csv = scores.to_csv(tmp_path / "s.csv", level="indicator")
    back = pd.read_csv(tmp_path / "s.csv")
    assert len(back) == 15 and csv.startswith("case,label,indicator")
    doc = json.loads(scores.to_json(tmp_path / "s.json"))
    assert doc["manifest"]["codebook"]["version"] == "1.2.0"
    assert len(doc["overall"]) == 3
    assert not list(tmp_path.glob(".*tmp"))
    wide = scores.wide()
    assert list(wide.columns) == [
        "case",
        "label",
        "I-1",
        "I-2",
        "I-3",
        "P-1",
        "P-2",
        "institutional",
        "practice",
        "overall",
    ]


def test_never_overwrites_an_input(case_dir: Path) -> None:
    from securitization import load

    s = score(load([case_dir]))
    before = (case_dir / "evidence.csv").read_bytes()
    with pytest.raises(ValueError, match="never overwrites an input"):
        s.to_csv(case_dir / "evidence.csv")
    assert (case_dir / "evidence.csv").read_bytes() == before


def test_str_shows_missing_and_codebook(scores) -> None:
    text = str(scores)
    assert "bourbeau-2011 v1.2.0" in text and "—" in text
