"""The bundled cases: validity, sources, coverage floor, and the source article's verdict."""

from __future__ import annotations

import pytest

from securitization import load, score
from securitization.cli import main

DATA = load()
SCORES = score(DATA)
HIGH = {"high", "very high"}


def test_validate_passes_on_all_bundled_tables(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert "OK:" in capsys.readouterr().out


def test_every_row_has_a_source() -> None:
    assert (DATA.evidence["source"].str.strip() != "").all()
    assert (DATA.measures["source"].str.strip() != "").all()
    assert (DATA.cases["population_source"].str.strip() != "").all()


@pytest.mark.parametrize(
    ("case", "floor"),
    [
        ("us-clinton-1993", 4),
        ("us-bush-2001", 6),
        ("us-obama-2009", 6),
        ("us-trump-2017", 6),
        ("us-biden-2021", 6),
        ("mex-pena-nieto-2012", 4),
        ("mex-amlo-2018", 4),
    ],
)
def test_coverage_floor(case: str, floor: int) -> None:
    """Every indicator of every case rests on more than one document."""
    ind = SCORES.indicators.loc[SCORES.indicators["case"] == case].set_index("indicator")
    assert (ind["n_items"] >= floor).all(), ind["n_items"].to_dict()
    assert (ind["n_sources"] >= 2).all()


def test_ongoing_case_is_partial_but_scored() -> None:
    ind = SCORES.indicators.loc[SCORES.indicators["case"] == "us-trump-2025"].set_index("indicator")
    assert (ind["n_items"] >= 1).all()
    assert DATA.cases.set_index("case").loc["us-trump-2025", "end"] is not None


def test_trump_2017_is_considerably_intense_almost_in_all_aspects() -> None:
    """Seed 002: "almost in all aspects, Trump's overall securitization was considerably intense".

    In the codebook's bands: the overall score and both dimensions are high or very high,
    and at least four of the five indicators are.
    """
    case = "us-trump-2017"
    assert SCORES.band(case) in HIGH
    assert SCORES.band(case, "institutional") in HIGH
    assert SCORES.band(case, "practice") in HIGH
    bands = [SCORES.band(case, code) for code in DATA.codebook.indicator_codes]
    assert sum(b in HIGH for b in bands) >= 4, bands
    # and it is more intense than the administration before it
    assert SCORES.score_of(case) > SCORES.score_of("us-obama-2009")


def test_the_article_reasoning_can_be_read_off_explain() -> None:
    """Each of the article's per-indicator arguments appears in the trail of that indicator."""
    case = "us-trump-2017"
    titles = {code: " ".join(SCORES.explain(case, code).items["title"]) for code in DATA.codebook.indicator_codes}
    assert "Executive Order 13767" in titles["I-1"]  # the EO's key provisions (I-1)
    assert "287(g)" in titles["I-2"]  # ICE/CBP orientation, 287(g) expansion (I-2)
    assert "Title 42" in titles["P-1"] and "Family separation" in titles["P-1"]  # interdiction (P-1)
    p2 = SCORES.explain(case, "P-2")
    assert set(p2.measures["measure"]) >= {"ice_detention_adp"}  # detention numbers (P-2)
    assert p2.measures_score >= 3
    sources = " ".join(SCORES.explain(case, "P-1").items["source"])
    assert "002_0e76f7019fa9676b.txt" in sources


def test_desecuritizing_moves_get_low_codes() -> None:
    ev = DATA.evidence
    for pattern in ["DACA", "terminating the Migrant Protection Protocols", "End of the Title 42 order"]:
        rows = ev.loc[ev["title"].str.contains(pattern, regex=False) & ~ev["title"].str.contains("rescinding")]
        assert len(rows) >= 1, pattern
        assert (rows.loc[rows["coder"] == "c1", "code"] <= 1).all(), rows[["evidence_id", "code"]]


def test_a_fifth_of_the_items_is_coded_twice_blind() -> None:
    ev = DATA.evidence
    first = set(ev.loc[ev["coder"] == "c1", "evidence_id"])
    second = set(ev.loc[ev["coder"] == "c2", "evidence_id"])
    assert second <= first
    assert len(second) / len(first) >= 0.2
    # every case and indicator has at least one doubly coded item
    double = ev.loc[ev["evidence_id"].isin(second)].groupby(["case", "indicator"]).size()
    assert len(double) == len(DATA.cases) * len(DATA.codebook.indicator_codes)
