"""Posterior intervals, joint intervals, counts, coverage, status, seeds and the calibration study."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import securitization as sz
from securitization import DEFAULT_SEED, intervals, joint, load, score, validate_tables
from securitization.cli import main
from securitization.outputs import calibration_markdown
from securitization.uncertainty import cell_evidence, posterior_replicates
from securitization.uncertainty.calibration import coverage_table, simulate_coverage

from .test_uncertainty import KINDS, synthetic, synthetic_cases

REFERENCE = Path(__file__).parent / "reference"
README = Path(__file__).resolve().parent.parent / "README.md"


def one_cell(codes: list[int], weights: list[int] | None = None, coders: list[list[int]] | None = None) -> sz.Scores:
    """Scores of one case with one I-1 cell holding these items (other coders' codes optional)."""
    rows = []
    for k, code in enumerate(codes):
        row = {
            "evidence_id": f"e{k}",
            "case": "zz-c0-2001",
            "indicator": "I-1",
            "date": "2002-01-01",
            "kind": KINDS["I-1"],
            "title": f"item {k}",
            "source": "synthetic",
            "code": str(code),
            "weight": str((weights or [1] * len(codes))[k]),
            "coder": "c1",
        }
        rows.append(row)
        for j, other in enumerate((coders or [[]] * len(codes))[k]):
            rows.append({**row, "coder": f"c{j + 2}", "code": str(other)})
    return score(validate_tables(cases=[synthetic_cases(1)], evidence=[pd.DataFrame(rows)]))


def cell(s: sz.Scores) -> pd.Series:
    return s.indicators.set_index("indicator").loc["I-1"]


# --- the model, by hand ------------------------------------------------------------------------


def test_one_item_gets_a_wide_interval_never_zero_width() -> None:
    s = intervals(one_cell([4]), n=4000)
    r = cell(s)
    assert r["score"] == 4.0
    assert r["hi"] - r["lo"] > 1.0  # one item does not make the cell certain
    # posterior Dirichlet(0.2, 0.2, 0.2, 0.2, 1.2): the expected code has mean (0.2*(0+1+2+3) + 1.2*4) / 2 = 3.0
    rep = posterior_replicates(one_cell([4]), n_draws=20000, measures=False)
    assert rep.indicators[:, 0, 0].mean() == pytest.approx(3.0, abs=0.02)


def test_cell_evidence_by_hand() -> None:
    # items (code 1, weight 1) and (code 3, weight 3): shares 1/4 and 3/4, n_eff = 16 / 10
    ev = cell_evidence(one_cell([1, 3], weights=[1, 3]).prepared)
    assert ev.n_items.tolist() == [2]
    assert ev.n_eff == pytest.approx([1.6])
    np.testing.assert_allclose(ev.shares[0], [0, 0.25, 0, 0.75, 0])
    np.testing.assert_allclose(ev.alpha[0], 0.2 + 1.6 * np.array([0, 0.25, 0, 0.75, 0]))
    # two coders giving 2 and 4 to one item: half its weight to each code
    ev2 = cell_evidence(one_cell([2], coders=[[4]]).prepared)
    np.testing.assert_allclose(ev2.shares[0], [0, 0, 0.5, 0, 0.5])
    ev3 = cell_evidence(one_cell([2], coders=[[4]]).prepared, coders=False)  # the consolidated code 3
    np.testing.assert_allclose(ev3.shares[0], [0, 0, 0, 1, 0])


def test_intervals_narrow_as_evidence_grows() -> None:
    widths = []
    for n in (1, 3, 10, 30):
        r = cell(intervals(one_cell([2, 3] * n), n=2000))
        widths.append(r["hi"] - r["lo"])
    assert widths == sorted(widths, reverse=True) and widths[-1] < 0.5 * widths[0]


def test_coder_disagreement_widens_the_interval() -> None:
    agree = cell(intervals(one_cell([2, 2, 2], coders=[[2], [2], [2]]), n=4000))
    disagree = cell(intervals(one_cell([2, 2, 2], coders=[[4], [0], [4]]), n=4000))
    assert disagree["hi"] - disagree["lo"] > agree["hi"] - agree["lo"]


def test_every_rule_draws_and_the_columns_are_coherent() -> None:
    for rule in sz.rules.rule_names("items"):
        cb = sz.load_codebook().with_changes(item_rule=rule)
        ev = synthetic(3, 4, coders=0.3, seed=2)
        s = intervals(score(validate_tables(cases=[synthetic_cases(3)], evidence=[ev], codebook=cb)), n=300)
        t = s.indicators
        ok = t["score"].notna()
        assert ((t.loc[ok, "lo"] <= t.loc[ok, "median"]) & (t.loc[ok, "median"] <= t.loc[ok, "hi"])).all(), rule
        assert ((t.loc[ok, "lo95"] <= t.loc[ok, "lo"]) & (t.loc[ok, "hi"] <= t.loc[ok, "hi95"])).all(), rule
        assert ((t.loc[ok, "lo"] <= t.loc[ok, "lo68"]) & (t.loc[ok, "hi68"] <= t.loc[ok, "hi"])).all(), rule
        assert (t.loc[ok, "sd"] > 0).all(), rule


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    codes=st.lists(st.integers(0, 4), min_size=1, max_size=8),
    seed=st.integers(0, 10_000),
)
def test_intervals_stay_on_the_scale_and_ignore_row_order(codes: list[int], seed: int) -> None:
    s = one_cell(codes)
    a = cell(intervals(s, n=200, rng=seed))
    assert 0.0 <= a["lo"] <= a["median"] <= a["hi"] <= 4.0
    rows = s.prepared.data.raw["evidence"].sample(frac=1.0, random_state=seed)
    shuffled = score(validate_tables(cases=[synthetic_cases(1)], evidence=[rows.drop(columns=["file", "row"])]))
    b = cell(intervals(shuffled, n=200, rng=seed))
    assert (a["lo"], a["hi"], a["median"]) == pytest.approx((b["lo"], b["hi"], b["median"]))


def test_measures_with_fewer_periods_are_less_certain(cases, evidence, measures) -> None:
    from .conftest import COUNTRIES

    m = measures.copy()
    one = m.iloc[[0]].copy()  # aa-one keeps one period, aa-two two
    m = pd.concat([one, m.iloc[2:]], ignore_index=True)
    s = score(validate_tables(cases=[cases], evidence=[evidence], measures=[m], countries=[COUNTRIES]))
    rep = posterior_replicates(s, n_draws=4000)
    ms = s.measure_scores.set_index("case")
    assert set(ms.index) >= {"aa-one-2001", "aa-two-2005"}
    # the measures posterior alone: the statistic of one period is wider than that of two
    from securitization.scoring.engine import measure_specs
    from securitization.uncertainty.posterior import _measure_factor

    spec = measure_specs(s.prepared)[0]
    cv, df, n = _measure_factor(spec, s.codebook, s.prepared.n_units)
    assert cv > 0 and np.isfinite(df)
    uid = s.units.set_index("case")["uid"]
    assert n[uid["aa-one-2001"]] == 1 and n[uid["aa-two-2005"]] == 2
    assert rep.parameters["method"] == "posterior"


# --- seeds, labels, joint -----------------------------------------------------------------------


def test_the_default_seed_is_fixed_recorded_and_printed(case_dir: Path, capsys) -> None:
    s = score(load(case_dir))
    a, b = intervals(s), intervals(s)
    assert a.manifest["uncertainty"]["seed"] == DEFAULT_SEED == 20110101
    pd.testing.assert_frame_equal(a.overall, b.overall)
    c = intervals(s, rng=7)
    assert not np.allclose(a.overall["lo"].dropna(), c.overall["lo"].dropna())
    assert a.manifest["uncertainty"]["varies"].startswith("the evidence")
    for argv in (["score", str(case_dir)], ["reliability", str(case_dir), "--n-boot", "20"]):
        assert main(argv) == 0
        assert f"seed {DEFAULT_SEED}" in capsys.readouterr().err
    assert main(["sensitivity", str(case_dir), "--n", "8"]) == 0
    assert f"seed {DEFAULT_SEED}" in capsys.readouterr().err


def test_joint_intervals_join_the_evidence_and_the_method() -> None:
    s = joint(intervals(score(load())), n=600)
    ov = s.overall
    assert {"joint_median", "joint_lo", "joint_hi", "joint_rank_lo", "joint_rank_hi"} <= set(ov.columns)
    assert "method" in s.manifest["joint_uncertainty"]["varies"]
    # drawing the method too widens the intervals, on average over the cases
    w_e = (ov["hi"] - ov["lo"]).mean()
    w_j = (ov["joint_hi"] - ov["joint_lo"]).mean()
    assert w_j > w_e
    assert (ov["joint_rank_lo"] <= ov["joint_rank_hi"]).all()
    text = str(s)
    assert "over the evidence" in text  # every printed interval says what it varies


def test_sobol_indices_come_with_intervals_and_notes() -> None:
    sa = sz.sensitivity(score(load()), n=64)
    sob = sa.sobol
    assert {"S1_lo", "S1_hi", "ST_lo", "ST_hi", "note"} <= set(sob.columns)
    ok = sob["S1"].notna()
    assert (sob.loc[ok, "S1_lo"] <= sob.loc[ok, "S1_hi"]).all()
    neg = sob.loc[ok & (sob["S1"] < 0)]
    assert (neg["note"] != "").all() and (sob.loc[ok & (sob["S1"] >= 0), "note"] == "").all()
    assert "vary the method only" in str(sa)


# --- counts, coverage and status -------------------------------------------------------------


def test_counts_are_in_every_table() -> None:
    s = intervals(score(load()), n=100)
    wide = s.summary()
    for col in ("n_items", "n_coders", "n_measures", "n_items:I-1", "thin:P-2", "status", "missing_indicators"):
        assert col in wide.columns, col
    assert "n_items:I-1" in s.to_csv(level="wide").splitlines()[0]
    assert '"n_coders"' in s.to_json() and '"thin"' in s.to_json()
    md = s.to_markdown()
    assert "(7)" in md and "fewer than 3 items" in md
    assert "evidence: 7 items" in str(s.explain("us-trump-2025", "I-2"))


def test_missing_indicators_lower_the_coverage_at_every_level() -> None:
    ds = load()
    ev = ds.raw["evidence"]
    keep = ~((ev["case"] == "gbr-brown-2007") & (ev["indicator"] == "I-2"))
    raw = {k: v for k, v in ds.raw.items()}
    raw["evidence"] = ev.loc[keep]
    s = score(validate_tables(**{k: [v] for k, v in raw.items()}))
    ov = s.overall.set_index("case").loc["gbr-brown-2007"]
    dim = s.dimensions.set_index(["case", "dimension"]).loc[("gbr-brown-2007", "institutional")]
    assert s.indicators.set_index(["case", "indicator"]).loc[("gbr-brown-2007", "I-2"), "missing"]
    assert dim["coverage"] < 1 and dim["missing_indicators"] == "I-2"
    assert ov["coverage"] < 1 and ov["missing_indicators"] == "I-2"
    # I-2 is one of three equal indicators of institutional, half the overall weight: 5/6 covered
    assert ov["coverage"] == pytest.approx(5 / 6)


def test_an_ongoing_term_is_flagged_wherever_it_is_ranked(tmp_path: Path) -> None:
    s = intervals(score(load()), n=100)
    ov = s.overall.set_index("case")
    assert ov.at["us-trump-2025", "status"] == "ongoing" and ov.at["us-trump-2017", "status"] == "complete"
    assert "(ongoing)" in str(s)  # the printed table, next to the rank
    display = s.display_table().set_index("label")
    assert display.at["US Trump 2025-", "rank"].endswith("(ongoing)")
    assert "(ongoing)" in s.to_markdown()
    for ax in (sz.plot.plot_ranking(s), sz.plot.plot_heatmap(s), sz.plot.plot_rank_intervals(s)):
        assert any(t.get_text().endswith("US Trump 2025- (ongoing)") for t in ax.get_yticklabels())
    report = sz.write_report(s, "us-trump-2025", tmp_path / "r")
    md = next(p for p in report.files if str(p).endswith(".md")).read_text()
    assert "ongoing" in md
    sa = sz.sensitivity(score(load()), n=8, sobol=False)
    assert sa.cases.set_index("case").at["us-trump-2025", "status"] == "ongoing"


def test_a_clone_elsewhere_writes_the_same_manifest(tmp_path: Path) -> None:
    src = Path(__file__).parent / "cases" / "aus"
    a, b = tmp_path / "one" / "aus", tmp_path / "two" / "deeper" / "aus"
    shutil.copytree(src, a)
    shutil.copytree(src, b)
    ma, mb = (score(load(p)).manifest for p in (a, b))
    assert json.dumps(ma["inputs"]) == json.dumps(mb["inputs"])
    assert ma["codebook"] == mb["codebook"] and ma["codebook"]["source"] == "aus/codebook.toml"
    assert all(not str(f["path"]).startswith("/") for f in ma["inputs"])
    assert score(load()).manifest["inputs"][0]["path"].startswith("bundled:data/")


# --- calibration --------------------------------------------------------------------------------


def test_posterior_intervals_are_calibrated_under_the_model() -> None:
    """A small version of the study: 90% intervals cover 82-97% under the posterior's own model, at 1 and 5 items."""
    for n in (1, 5):
        r = simulate_coverage(n, n_cases=120, n_draws=400)
        assert 0.82 <= r["indicator_coverage"] <= 0.97, (n, r)
        assert 0.80 <= r["overall_coverage"] <= 0.98, (n, r)
    boot = simulate_coverage(1, n_cases=60, n_draws=200, method="bootstrap")
    assert boot["indicator_coverage"] < 0.05  # the bootstrap's zero-width one-item intervals


@pytest.mark.slow
def test_the_calibration_table_is_reproduced() -> None:
    """The committed study (tests/reference/calibration.csv, the README's table) is what the code gives."""
    committed = pd.read_csv(REFERENCE / "calibration.csv")
    fresh = coverage_table()
    pd.testing.assert_frame_equal(
        fresh.reset_index(drop=True), committed, check_dtype=False, check_exact=False, atol=1e-6
    )
    prior = committed.loc[(committed["generative"] == "prior") & (committed["method"] == "posterior")]
    assert prior["indicator_coverage"].between(0.85, 0.95).all()
    assert prior["overall_coverage"].between(0.85, 0.95).all()
    readme = README.read_text()
    for line in calibration_markdown(committed).strip().splitlines():
        assert line in readme, line
