"""Sensitivity analysis: replayed runs, Sobol estimators, invariants, the COINr nominal run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from securitization import ParameterError, index_sensitivity, load, load_codebook, score, sensitivity, validate_tables
from securitization.cli import main
from securitization.rules import rule_names
from securitization.uncertainty.method import _design, _Factor, _sobol, normalise_minmax

from .conftest import CASES, COUNTRIES, MEASURES, evidence_rows
from .test_uncertainty import synthetic, synthetic_cases

REFERENCE = Path(__file__).parent / "reference"


@pytest.fixture(scope="module")
def bundled():
    return score(load())


def test_every_run_replays_with_score(bundled) -> None:
    sa = sensitivity(bundled, n=8, rng=3)
    runs = sa.runs
    # one run of every kind: each left-out indicator, none, each rule and aggregation
    picks = set()
    for col in ("leave_out", "item_rule", "aggregation"):
        picks |= set(runs.groupby(col)["run"].first())
    for run in sorted(picks):
        got = sa.replay(run).overall["score"].to_numpy(dtype=float)
        np.testing.assert_allclose(got, sa.run_scores[run], rtol=1e-12, equal_nan=True)


def test_runs_table_reads_back(bundled) -> None:
    sa = sensitivity(bundled, n=16, rng=5)
    k = len(sa.parameters["factors"])
    assert sa.parameters["n_runs"] == len(sa.runs) == 16 * (k + 2)
    assert list(sa.runs["block"].unique()) == ["A", "B", *[f"AB:{f}" for f in sa.parameters["factors"]]]
    cb = sa.codebook_of(3)
    r = sa.runs.iloc[3]
    for ind in cb.indicators:
        assert ind.weight == pytest.approx(r[f"weight:{ind.code}"])
    assert r["leave_out"] not in cb.indicator_codes
    # AB blocks copy A except the factor's own columns
    n = 16
    a, ab = sa.runs.iloc[:n], sa.runs.iloc[2 * n : 3 * n]  # AB:weights
    assert (a["item_rule"].to_numpy() == ab["item_rule"].to_numpy()).all()
    assert not np.allclose(a["weight:I-1"], ab["weight:I-1"])


def test_same_seed_same_numbers(bundled) -> None:
    a = sensitivity(bundled, n=16, rng=11)
    b = sensitivity(bundled, n=16, rng=np.random.default_rng(11))
    pd.testing.assert_frame_equal(a.runs, b.runs)
    pd.testing.assert_frame_equal(a.cases, b.cases)
    pd.testing.assert_frame_equal(a.sobol, b.sobol)
    assert a.parameters["seed"] == 11


def test_nothing_varied_nothing_moves(bundled) -> None:
    sa = sensitivity(
        bundled, n=10, rng=1, weight_noise=0, item_rules=("nominal",), aggregations=("arithmetic",), leave_out=False
    )
    c = sa.cases.dropna(subset=["score"])
    assert sa.parameters["factors"] == [] and sa.sobol.empty
    assert (c["mean_abs_shift"] == 0).all()
    assert (c["rank_lo"] == c["rank"]).all() and (c["rank_hi"] == c["rank"]).all()
    np.testing.assert_allclose(c["score_median"], c["score"])


def test_uncertainty_summary_is_ordered(bundled) -> None:
    sa = sensitivity(bundled, n=32, rng=2)
    c = sa.cases.dropna(subset=["score"])
    assert (c["rank_lo"] <= c["rank_median"]).all() and (c["rank_median"] <= c["rank_hi"]).all()
    assert (c["score_lo"] <= c["score_hi"]).all() and (c["mean_abs_shift"] >= 0).all()
    assert "Sobol indices" in str(sa)


def test_sobol_of_a_choice_that_changes_nothing_is_zero() -> None:
    # every item of a cell has the same code: weighted mean == median, so the item rule
    # cannot change the result, while the weights and the aggregation do
    ev = synthetic(6, 4, seed=2, spread=0)
    case_no = ev["case"].str.extract(r"c(\d+)")[0].astype(int)
    ind_no = ev["indicator"].map({c: i for i, c in enumerate(["I-1", "I-2", "I-3", "P-1", "P-2"])})
    ev["code"] = ((case_no * 3 + ind_no * ind_no) % 5).astype(str)  # varies across indicators, not items
    s = score(validate_tables(cases=[synthetic_cases(6)], evidence=[ev]))
    sa = sensitivity(s, n=64, rng=4, leave_out=True)
    sob = sa.sobol.set_index(["output", "factor"])
    rule = sob.xs("item_rule", level="factor")
    assert np.allclose(rule["S1"].astype(float), 0.0, atol=1e-9)
    assert np.allclose(rule["ST"].astype(float), 0.0, atol=1e-9)
    assert (sob.xs("leave_out", level="factor")["ST"].dropna() > 0.01).any()


def test_sobol_estimators_on_a_linear_model() -> None:
    # Y = X1 + 2 X2 + 0 X3 with X uniform: S1 = ST = (1/5, 4/5, 0)
    factors = [_Factor("x1", 1), _Factor("x2", 1), _Factor("x3", 1)]
    n = 20000
    u, _ = _design(factors, n, np.random.default_rng(0), sobol=True)
    y = u[:, 0] + 2 * u[:, 1]
    s1, st = _sobol(y, n, factors)
    assert s1 == pytest.approx([0.2, 0.8, 0.0], abs=0.03)
    assert st == pytest.approx([0.2, 0.8, 0.0], abs=0.03)


def test_sobol_interaction_shows_in_total_order() -> None:
    # Y = X1 * X2 (centred uniforms): no first-order effect, total order 1 each
    factors = [_Factor("x1", 1), _Factor("x2", 1)]
    n = 20000
    u, _ = _design(factors, n, np.random.default_rng(1), sobol=True)
    y = (u[:, 0] - 0.5) * (u[:, 1] - 0.5)
    s1, st = _sobol(y, n, factors)
    assert s1 == pytest.approx([0.0, 0.0], abs=0.05)
    assert st == pytest.approx([1.0, 1.0], abs=0.05)


def test_monte_carlo_mode(bundled) -> None:
    sa = sensitivity(bundled, n=50, rng=1, sobol=False)
    assert len(sa.runs) == 50 and sa.sobol.empty and set(sa.runs["block"]) == {"A"}


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"n": 1}, "n"),
        ({"weight_noise": 1.5}, "weight_noise"),
        ({"aggregations": ("harmonic",)}, "aggregations"),
        ({"item_rules": ("mode",)}, "item_rules"),
        ({"ci_prob": 2}, "ci_prob"),
    ],
)
def test_bad_parameters(bundled, kwargs, param) -> None:
    with pytest.raises(ParameterError, match=f"The '{param}' parameter of sensitivity"):
        sensitivity(bundled, **kwargs)


# --- the COINr-like design --------------------------------------------------------------


def coinr_data() -> tuple[pd.DataFrame, dict[str, str]]:
    raw = pd.read_csv(REFERENCE / "coinr_data.csv").set_index("uCode")
    meta = pd.read_csv(REFERENCE / "coinr_meta.csv")
    ind = meta.loc[meta["Type"] == "Indicator"]
    return raw[ind["iCode"].tolist()], dict(zip(ind["iCode"], ind["Parent"], strict=True))


# Index values of the nominal run (min-max onto [1, 100], arithmetic means within the pillars
# P1 = ind1-ind3 and P2 = ind4-ind5, arithmetic mean of the pillars) on coinr_data.csv.
# These were computed by hand with exact rational arithmetic (Python fractions) following
# COINr's documented formulas for n_minmax and a_amean, independently of this library's
# code. COINr's own output of the same run (coinr_nominal.R, run with COINr 1.1.14 on R
# 4.2.2: coinr_nominal_from_R.csv) is checked by test_nominal_run_matches_coinr_output.
NOMINAL_BY_HAND = {
    "U01": 58.6584731455,
    "U02": 55.0707482674,
    "U03": 61.6980015950,
    "U04": 63.0982029024,
    "U05": 39.5985326531,
    "U06": 22.6905988696,
    "U07": 43.5146750673,
    "U08": 42.0869230802,
    "U09": 50.0340049912,
    "U10": 44.5494210244,
    "U11": 64.6088296040,
    "U12": 35.3687606958,
    "U13": 51.0029581754,
    "U14": 55.7872047932,
    "U15": 36.8330702054,
    "U16": 35.6120783289,
    "U17": 48.2975188046,
    "U18": 28.0280861040,
    "U19": 29.1464438775,
    "U20": 56.5980171633,
}


def test_nominal_run_matches_the_coinr_formulas() -> None:
    """Nominal COINr-like index against the hand-computed values (see NOMINAL_BY_HAND)."""
    x, groups = coinr_data()
    sa = index_sensitivity(x, groups=groups, n=8, rng=1)
    got = sa.cases.set_index("case")["score"]
    for unit, want in NOMINAL_BY_HAND.items():
        assert got[unit] == pytest.approx(want, abs=1e-9)
    # the pillars too, from the same hand computation
    pillars = pd.read_csv(REFERENCE / "nominal_by_hand.csv").set_index("uCode")
    norm = normalise_minmax(x, 1, 100)
    np.testing.assert_allclose(norm[["ind1", "ind2", "ind3"]].mean(axis=1), pillars["P1"], atol=1e-9)
    np.testing.assert_allclose(norm[["ind4", "ind5"]].mean(axis=1), pillars["P2"], atol=1e-9)
    assert norm.min().tolist() == [1.0] * 5 and norm.max().tolist() == [100.0] * 5


def test_nominal_run_matches_coinr_output() -> None:
    r = pd.read_csv(REFERENCE / "coinr_nominal_from_R.csv").set_index("uCode")
    x, groups = coinr_data()
    got = index_sensitivity(x, groups=groups, n=8, rng=1).cases.set_index("case")["score"]
    np.testing.assert_allclose(got.loc[r.index], r["Index"], atol=1e-10)
    norm = normalise_minmax(x, 1, 100)
    np.testing.assert_allclose(norm[["ind1", "ind2", "ind3"]].mean(axis=1).loc[r.index], r["P1"], atol=1e-10)
    np.testing.assert_allclose(norm[["ind4", "ind5"]].mean(axis=1).loc[r.index], r["P2"], atol=1e-10)


def test_the_200_unit_design_matches_coinr() -> None:
    """COINr's nominal index of a 200-unit design (sbs_*.csv): pillars, index and ranks."""
    raw = pd.read_csv(REFERENCE / "sbs_iData.csv").set_index("uCode")
    meta = pd.read_csv(REFERENCE / "sbs_iMeta.csv")
    ind = meta.loc[meta["Type"] == "Indicator"]
    x = raw[ind["iCode"].tolist()]
    groups = dict(zip(ind["iCode"], ind["Parent"], strict=True))
    r = pd.read_csv(REFERENCE / "sbs_R_nominal.csv").set_index("uCode")
    sa = index_sensitivity(x, groups=groups, n=8, rng=1)
    got = sa.cases.set_index("case")
    np.testing.assert_allclose(got.loc[r.index, "score"], r["Index"], atol=1e-10)
    assert (got.loc[r.index, "rank"].astype(int).to_numpy() == r["Rank"].to_numpy()).all()
    norm = normalise_minmax(x, 1, 100)
    for pillar in ("Inst", "Prac"):
        cols = [c for c, g in groups.items() if g == pillar]
        np.testing.assert_allclose(norm[cols].mean(axis=1).loc[r.index], r[pillar], atol=1e-10)


def test_coinr_like_uncertainty_analysis() -> None:
    x, groups = coinr_data()
    sa = index_sensitivity(x, groups=groups, n=256, rng=2, sobol=False)
    assert sa.parameters["factors"] == ["weights", "aggregation"]
    assert len(sa.runs) == 256
    c = sa.cases
    assert (c["rank_lo"] <= c["rank"]).all() and (c["rank"] <= c["rank_hi"]).all()
    # geometric means never exceed arithmetic ones (the data are on [1, 100])
    geo = sa.runs["aggregation"] == "geometric"
    assert geo.any() and (~geo).any()


def test_cli_sensitivity(case_dir, tmp_path, capsys) -> None:
    runs = tmp_path / "runs.csv"
    assert main(["sensitivity", str(case_dir), "--n", "8", "--seed", "1", "--runs", str(runs)]) == 0
    out = capsys.readouterr().out
    assert "Sensitivity of the overall ranks" in out
    back = pd.read_csv(runs, keep_default_na=False)
    assert len(back) == 8 * 6 and {"block", "item_rule", "aggregation", "leave_out", "weight:I-1"} <= set(back.columns)
    assert main(["sensitivity", str(case_dir), "--n", "8", "--seed", "1", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("case,label,status,score,rank")


# --- one rule, one place: the sensitivity analysis scores as score() does ---------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    item=st.sampled_from(rule_names("items")),
    dimension=st.sampled_from(rule_names("aggregation")),
    overall=st.sampled_from(rule_names("aggregation")),
    coders=st.sampled_from(rule_names("coders")),
    overall_from=st.sampled_from(["dimensions", "indicators"]),
    min_coverage=st.sampled_from([0.0, 0.5, 0.8, 1.0]),
    weights=st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.5]), min_size=5, max_size=5),
)
def test_an_unperturbed_run_reproduces_score_on_any_codebook(
    item, dimension, overall, coders, overall_from, min_coverage, weights
) -> None:
    base = load_codebook()
    cb = base.with_changes(
        weights=dict(zip(base.indicator_codes, weights, strict=True)),
        item_rule=item,
        aggregation={
            "dimension": dimension,
            "overall": overall,
            "coders": coders,
            "overall_from": overall_from,
            "min_coverage": min_coverage,
        },
    )
    s = score(FIXTURE_DATA.with_codebook(cb))
    sa = sensitivity(
        s,
        n=3,
        rng=0,
        weight_noise=0,
        item_rules=("nominal",),
        aggregations=("nominal",),
        leave_out=False,
        sobol=False,
    )
    nominal = s.overall["score"].to_numpy(dtype=float)
    for run in sa.run_scores:
        np.testing.assert_array_equal(run, nominal)
    assert (sa.cases["mean_abs_shift"].fillna(0) == 0).all()
    assert sa.parameters["factors"] == []


FIXTURE_DATA = validate_tables(cases=[CASES], evidence=[evidence_rows()], measures=[MEASURES], countries=[COUNTRIES])
