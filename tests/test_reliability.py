"""Krippendorff's alpha against published values and the ``krippendorff`` package; the gate."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from securitization import ParameterError, krippendorff_alpha, reliability, score, validate_tables
from securitization.cli import main
from securitization.uncertainty.agreement import percent_agreement

from .test_uncertainty import synthetic, synthetic_cases

nan = np.nan

# Krippendorff, K. (2011). "Computing Krippendorff's Alpha-Reliability", Departmental Papers
# (ASC) 43, University of Pennsylvania, https://repository.upenn.edu/asc_papers/43, section C
# ("Nominal data, any number of observers, missing data"), then D-F with the same data:
# 4 observers (rows) x 12 units (columns). Published values: nominal 0.743, ordinal 0.815,
# interval 0.849, ratio 0.797. (The same matrix and the ordinal 0.815 and ratio 0.797 are in
# the tests of the krippendorff package, pln-fing-udelar/fast-krippendorff,
# tests/test_krippendorff.py.)
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
]

# The 3 coders x 15 units example of Krippendorff's "Content Analysis" (and Wikipedia's
# "Krippendorff's alpha", a computational example); nominal 0.691358 and interval 0.810845
# as asserted by the krippendorff package's tests (tests/test_krippendorff.py).
WIKI = [
    [nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
    [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
    [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4],
]


@pytest.mark.parametrize(
    ("level", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_krippendorff_2011_worked_example(level, published) -> None:
    assert round(krippendorff_alpha(K2011, level=level), 3) == published


def test_content_analysis_example() -> None:
    assert round(krippendorff_alpha(WIKI, level="nominal"), 6) == 0.691358
    assert round(krippendorff_alpha(WIKI, level="interval"), 6) == 0.810845


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(
        st.lists(st.one_of(st.integers(0, 4).map(float), st.just(nan)), min_size=6, max_size=6),
        min_size=2,
        max_size=5,
    ),
    level=st.sampled_from(["nominal", "ordinal", "interval", "ratio"]),
)
def test_matches_the_krippendorff_package(data, level) -> None:
    arr = np.array(data, dtype=float)
    pairable = (~np.isnan(arr)).sum(axis=0) >= 2
    values = arr[:, pairable]
    values = values[~np.isnan(values)]
    if not pairable.any() or len(np.unique(values)) < 2:
        return  # alpha undefined (the package raises); covered below
    ours = krippendorff_alpha(arr, level=level, value_domain=[0, 1, 2, 3, 4])
    theirs = krippendorff.alpha(arr, level_of_measurement=level, value_domain=[0, 1, 2, 3, 4])
    assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(units=st.lists(st.integers(0, 4), min_size=2, max_size=30), n_coders=st.integers(2, 4))
def test_identical_coders_give_alpha_one(units, n_coders) -> None:
    data = [units] * n_coders
    if len(set(units)) < 2:
        assert math.isnan(krippendorff_alpha(data))
    else:
        for level in ("nominal", "ordinal", "interval"):
            assert krippendorff_alpha(data, level=level) == pytest.approx(1.0)
    assert percent_agreement(data) == 1.0


def test_errors_in_the_domains_words() -> None:
    with pytest.raises(ParameterError, match="at least one unit with values assigned by at least two coders"):
        krippendorff_alpha([[1, nan], [nan, 2]])
    with pytest.raises(ParameterError, match="The 'level' parameter of krippendorff_alpha"):
        krippendorff_alpha(K2011, level="ordinl")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="value_domain"):
        krippendorff_alpha([[1, 2], [1, 3]], value_domain=[1, 2])


def test_percent_agreement_by_hand() -> None:
    # units: (1,1) agree; (2,2,3): 2 of 6 ordered pairs agree; (4) unpairable
    data = [[1, 2, 4], [1, 2, nan], [nan, 3, nan]]
    assert percent_agreement(data) == pytest.approx((2 + 2) / (2 + 6))


# --- reliability() on coded evidence ----------------------------------------------------


def two_coder_dataset(coders: float = 1.0, seed: int = 0, n_items: int = 12):
    ev = synthetic(4, n_items, seed=seed, coders=coders, spread=2)
    return validate_tables(cases=[synthetic_cases(4)], evidence=[ev])


def test_reliability_matches_the_package_per_indicator() -> None:
    ds = two_coder_dataset(coders=0.6)
    rel = reliability(ds, n_boot=200, rng=1)
    ev = ds.evidence
    for code in ("I-1", "P-2"):
        e = ev.loc[ev["indicator"] == code]
        wide = e.pivot_table(index="coder", columns=["case", "evidence_id"], values="code", aggfunc="first")
        wide = wide.loc[:, wide.notna().sum() >= 2]
        want = krippendorff.alpha(wide.to_numpy(dtype=float), level_of_measurement="ordinal", value_domain=range(5))
        row = rel.table.set_index("indicator").loc[code]
        assert row["alpha"] == pytest.approx(want)
        assert row["n_items"] == wide.shape[1]
        assert row["lo"] <= row["alpha"] <= row["hi"]
    allrow = rel.table.set_index("indicator").loc["all"]
    assert allrow["scope"] == "overall"
    assert allrow["n_items"] == rel.table.loc[rel.table["scope"] == "indicator", "n_items"].sum()


def test_reliability_gate_flags_and_records() -> None:
    ds = two_coder_dataset()
    rel = reliability(ds, n_boot=100, rng=2)
    assert rel.min_alpha == ds.codebook.min_alpha == pytest.approx(0.667)
    assert rel.parameters["min_alpha_from"] == "codebook"
    strict = reliability(ds, min_alpha=0.999, n_boot=100, rng=2)
    assert strict.table.loc[strict.table["scope"] == "indicator", "flagged"].all()
    assert strict.flagged == ["I-1", "I-2", "I-3", "P-1", "P-2"]
    assert (strict.table["p_below"] == 1.0).all()
    assert "FLAGGED" in str(strict)
    assert strict.parameters["min_alpha_from"] == "argument" and strict.parameters["seed"] == 2
    s = strict.flag(score(ds))
    assert s.indicators["reliability_flagged"].all()
    assert s.manifest["reliability"]["min_alpha"] == 0.999


def test_reliability_is_reproducible_and_lists_disagreements() -> None:
    ds = two_coder_dataset(coders=0.5, seed=3)
    a = reliability(ds, n_boot=150, rng=7, top=5)
    b = reliability(ds, n_boot=150, rng=7, top=5)
    pd.testing.assert_frame_equal(a.table, b.table)
    d = a.disagreements
    assert len(d) == 5 and list(d.columns) == [
        "case",
        "indicator",
        "evidence_id",
        "title",
        "coders",
        "codes",
        "range",
        "sd",
        "n_coders",
    ]
    assert d["range"].is_monotonic_decreasing
    first = d.iloc[0]
    codes = [float(c) for c in first["codes"].split(",")]
    assert max(codes) - min(codes) == first["range"]


def test_identical_coders_in_a_dataset() -> None:
    ev = synthetic(4, 8, seed=1, spread=2)
    ev = pd.concat([ev, ev.assign(coder="c2")], ignore_index=True)
    rel = reliability(validate_tables(cases=[synthetic_cases(4)], evidence=[ev]), n_boot=50, rng=1)
    assert np.allclose(rel.table["alpha"], 1.0)
    assert np.allclose(rel.table["agreement"], 1.0)
    assert not rel.table["flagged"].any()


def test_single_coder_is_not_checked(cases, evidence) -> None:
    ev = evidence.loc[evidence["coder"] == "c1"]
    rel = reliability(validate_tables(cases=[cases], evidence=[ev]), n_boot=20, rng=1)
    assert rel.table["alpha"].isna().all()
    assert not rel.table["flagged"].any()
    assert rel.table["note"].str.contains("not checked").all()
    assert rel.disagreements.empty


def test_reliability_accepts_scores_and_rejects_other_input(cases, evidence) -> None:
    ds = validate_tables(cases=[cases], evidence=[evidence])
    rel = reliability(score(ds), n_boot=20, rng=1)
    assert rel.table.set_index("indicator").loc["I-1", "n_items"] == 2
    with pytest.raises(ParameterError, match="'data' parameter of reliability"):
        reliability(pd.DataFrame())  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="'min_alpha' parameter"):
        reliability(ds, min_alpha=2.0)


def test_cli_reliability(tmp_path, capsys) -> None:
    ds_dir = tmp_path / "t"
    ds_dir.mkdir()
    synthetic_cases(4).to_csv(ds_dir / "cases.csv", index=False)
    synthetic(4, 6, coders=0.7, spread=2).to_csv(ds_dir / "evidence.csv", index=False)
    assert main(["reliability", str(ds_dir), "--n-boot", "50", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "Krippendorff's alpha (ordinal)" in out and "Largest disagreements" in out
    assert main(["reliability", str(ds_dir), "--n-boot", "50", "--seed", "1", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("scope,indicator,name,alpha,lo,hi")
