"""The per-case report: scores, charts and the evidence trail in Markdown and HTML."""

from __future__ import annotations

from pathlib import Path

import pytest

from securitization import load, score, validate_tables
from securitization.cli import main
from securitization.outputs.report import write_report

from .conftest import COUNTRIES


def test_report_has_scores_trail_and_charts(tmp_path: Path, cases, evidence, measures) -> None:
    s = score(validate_tables(cases=[cases], evidence=[evidence], measures=[measures], countries=[COUNTRIES]))
    rep = write_report(s, "aa-one-2001", tmp_path)
    names = {p.name for p in rep.files}
    assert names == {
        "aa-one-2001.md",
        "aa-one-2001.html",
        "aa-one-2001-profile.png",
        "aa-one-2001-timeline.png",
        "aa-one-2001-ranking.png",
        "aa-one-2001-trail.csv",
    }
    trail = (tmp_path / "aa-one-2001-trail.csv").read_text()
    assert trail.startswith("indicator,evidence_id,date,kind,title,code") and trail.count("\n") == 11
    md = (tmp_path / "aa-one-2001.md").read_text()
    assert "**Overall intensity: 1.96 (moderate)**" in md
    assert "### I-1 Legal institutional components: 2.83 (high)" in md
    assert "2.5 (c1,c2: 2,3)" in md  # each coder's code is shown
    assert "Synthetic source 2" in md and "FY2002" in md
    assert "bourbeau-2011 v1.2.0" in md
    page = (tmp_path / "aa-one-2001.html").read_text()
    # self-contained: the images are carried in the page, which may load nothing else
    assert page.startswith("<!DOCTYPE html>") and page.count('<img src="data:image/png;base64,') == 3
    assert 'src="aa-one-2001' not in page and "img-src data:;" in page
    assert "rank 2 of the 3 cases scored together" in md  # never "rank 1 of 1"
    assert "<strong>Overall intensity: 1.96 (moderate)</strong>" in page
    # a case with missing indicators says so
    rep2 = write_report(s, "bb-one-2003", tmp_path, charts=False)
    md2 = next(p for p in rep2.files if p.suffix == ".md").read_text()
    assert "No coded item: the items part is missing." in md2


def test_report_alone_is_not_ranked_and_highlights_its_case(tmp_path: Path, cases, evidence, measures) -> None:
    one = cases.iloc[[0]]
    s = score(validate_tables(cases=[one], evidence=[evidence.loc[evidence["case"] == one["case"].iloc[0]]]))
    rep = write_report(s, "aa-one-2001", tmp_path)
    md = (tmp_path / "aa-one-2001.md").read_text()
    assert "rank 1 of 1" not in md and "not ranked (the only case scored" in md
    assert "aa-one-2001-ranking.png" not in {p.name for p in rep.files}  # no ranking of one
    # beside the bundled cases: ranked among them, the case highlighted in its own picture
    both = score(load_with_bundled(tmp_path, one, evidence))
    rep = write_report(both, "aa-one-2001", tmp_path / "b")
    md = (tmp_path / "b" / "aa-one-2001.md").read_text()
    n = int(both.overall["score"].notna().sum())
    assert f"of the {n} cases scored together ({n - 1} of them bundled)" in md
    assert f"(highlighted) in the overall ranking among the {n} cases scored ({n - 1} bundled)" in md


def load_with_bundled(folder: Path, cases, evidence):
    d = folder / "one"
    d.mkdir()
    cases.to_csv(d / "cases.csv", index=False)
    evidence.loc[evidence["case"].isin(cases["case"])].to_csv(d / "evidence.csv", index=False)
    return load([d], include_bundled=True)


def test_report_rejects_unknown_case(tmp_path: Path, cases, evidence) -> None:
    s = score(validate_tables(cases=[cases], evidence=[evidence]))
    with pytest.raises(ValueError, match="case"):
        write_report(s, "nope", tmp_path)


def test_report_command_with_intervals(tmp_path: Path, case_dir: Path) -> None:
    out = tmp_path / "rep"
    assert main(["report", "aa-two-2005", str(case_dir), "--out", str(out), "--draws", "50", "--seed", "3"]) == 0
    md = (out / "aa-two-2005.md").read_text()
    assert "intervals over the evidence" in md and "seed 3" in md
    assert " – " in md  # an interval is printed


def test_report_command_ranks_among_the_bundled_cases_by_default(tmp_path: Path, case_dir: Path) -> None:
    bundled = len(load().cases)
    out = tmp_path / "rep"
    assert main(["report", "aa-two-2005", str(case_dir), "--out", str(out), "--draws", "0"]) == 0
    md = (out / "aa-two-2005.md").read_text()
    n = bundled + len(load([case_dir]).cases)
    assert f"of the {n} cases scored together ({bundled} of them bundled)" in md
    alone = tmp_path / "alone"
    assert (
        main(["report", "aa-two-2005", str(case_dir), "--out", str(alone), "--draws", "0", "--no-compare-bundled"]) == 0
    )
    text = (alone / "aa-two-2005.md").read_text()
    k = len(load([case_dir]).cases)
    assert f"of the {k} cases scored together" in text and "bundled)" not in text and "rank 1 of 1" not in text
