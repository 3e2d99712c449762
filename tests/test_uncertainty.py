"""Bootstrap intervals: exact small cases, invariants and reproducibility."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from securitization import ParameterError, bootstrap, load, score, validate_tables
from securitization.cli import main
from securitization.rules import item_rule
from securitization.scoring.engine import indicator_matrix, items_scores, measure_specs
from securitization.uncertainty import bootstrap_replicates, rank_desc, resolve_rng
from securitization.uncertainty.evidence import (
    _categories,
    _counts_rules,
    _draw_items,
    _item_design,
    _items_from_counts,
    _measures_batch,
)

from .conftest import COUNTRIES

KINDS = {"I-1": "statute", "I-2": "programme", "I-3": "speech", "P-1": "operation", "P-2": "statistics"}


def synthetic(
    n_cases: int = 4,
    n_items: int = 10,
    *,
    seed: int = 0,
    indicators: tuple[str, ...] = tuple(KINDS),
    coders: float = 0.0,
    spread: int = 1,
) -> pd.DataFrame:
    """Evidence rows: case c has codes around level (c mod 5), ``coders`` share doubly coded."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(n_cases):
        for ind in indicators:
            base = c % 5
            for k in range(n_items):
                code = int(np.clip(base + rng.integers(-spread, spread + 1), 0, 4))
                row = {
                    "evidence_id": f"e{c}-{ind}-{k}",
                    "case": f"zz-c{c}-2001",
                    "indicator": ind,
                    "date": "2002-01-01",
                    "kind": KINDS[ind],
                    "title": f"item {k}",
                    "source": "synthetic",
                    "code": str(code),
                    "weight": str(1 + k % 3),
                    "coder": "c1",
                }
                rows.append(row)
                if rng.random() < coders:
                    rows.append({**row, "coder": "c2", "code": str(int(np.clip(code + rng.integers(-1, 2), 0, 4)))})
    return pd.DataFrame(rows)


def synthetic_cases(n_cases: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "case": [f"zz-c{c}-2001" for c in range(n_cases)],
            "country": [f"Z{chr(65 + c // 26)}{chr(65 + c % 26)}" for c in range(n_cases)],
            "label": [f"Case {c}" for c in range(n_cases)],
            "start": ["2001-01-01"] * n_cases,
            "end": ["2004-12-31"] * n_cases,
        }
    )


def score_synthetic(n_cases: int = 4, n_items: int = 10, **kw):
    ev = synthetic(n_cases, n_items, **kw)
    return score(validate_tables(cases=[synthetic_cases(n_cases)], evidence=[ev]))


@pytest.fixture
def fixture_scores(cases, evidence, measures):
    return score(validate_tables(cases=[cases], evidence=[evidence], measures=[measures], countries=[COUNTRIES]))


# --- exact small cases ---------------------------------------------------------------------


def test_two_items_have_the_exact_bootstrap_distribution() -> None:
    # one cell, items (code 2, weight 1) and (code 3, weight 2): a resample of two items is
    # {1,1} -> 2, {2,2} -> 3 (probability 1/4 each) or {1,2} -> (2 + 6) / 3 (probability 1/2)
    ev = synthetic(1, 2, indicators=("I-1",))
    ev["code"] = ["2", "3"]
    ev["weight"] = ["1", "2"]
    s = score(validate_tables(cases=[synthetic_cases(1)], evidence=[ev]))
    rep = bootstrap_replicates(s, n_boot=8000, rng=5, coders=False)
    x = rep.indicators[:, 0, 0]
    values, counts = np.unique(np.round(x, 9), return_counts=True)
    assert values.tolist() == pytest.approx([2.0, 8 / 3, 3.0])
    assert (counts / len(x)).tolist() == pytest.approx([0.25, 0.5, 0.25], abs=0.02)


def test_coder_disagreement_widens_a_single_item_interval() -> None:
    # one item coded 1 and 3: the point estimate is the median, 2; drawing a coder per
    # replicate gives 1 or 3 with probability 1/2, so the 90% interval is [1, 3]
    ev = synthetic(1, 1, indicators=("I-1",))
    ev["code"] = ["1"]
    ev = pd.concat([ev, ev.assign(coder="c2", code="3")], ignore_index=True)
    s = score(validate_tables(cases=[synthetic_cases(1)], evidence=[ev]))
    row = lambda b: b.indicators.set_index("indicator").loc["I-1"]  # noqa: E731
    with_coders = row(bootstrap(s, n_boot=400, rng=1))
    without = row(bootstrap(s, n_boot=400, rng=1, coders=False))
    assert with_coders["score"] == 2.0
    assert (with_coders["lo"], with_coders["hi"]) == (1.0, 3.0)
    assert (without["lo"], without["hi"]) == (2.0, 2.0)
    rep = bootstrap_replicates(s, n_boot=2000, rng=2)
    assert set(np.unique(rep.indicators[:, 0, 0])) == {1.0, 3.0}
    assert (rep.indicators[:, 0, 0] == 3.0).mean() == pytest.approx(0.5, abs=0.04)


def test_identity_resampling_reproduces_the_measure_scores(fixture_scores) -> None:
    for s in (fixture_scores, score(load()), score(load(), by="year")):
        prep = s.prepared
        specs = measure_specs(prep, prep.codebook)
        got = _measures_batch(specs, prep.codebook, prep.n_units, 1, None)[0]
        want = indicator_matrix(prep)[1]
        np.testing.assert_allclose(got, want, equal_nan=True)


def test_measure_periods_are_resampled(fixture_scores) -> None:
    # A one P-2: measure mean(40, 60) per 100,000 of 1e6 -> 4, 5 or 6 -> level 1 in every
    # resample (thresholds 3, 6, 9, 12 put 6 at level 2), so the measures do move the score
    rep = bootstrap_replicates(fixture_scores, n_boot=300, rng=3, coders=False)
    rep_fixed = bootstrap_replicates(fixture_scores, n_boot=300, rng=3, coders=False, measures=False)
    p2 = list(fixture_scores.codebook.indicator_codes).index("P-2")
    assert rep.indicators[:, 0, p2].std() > rep_fixed.indicators[:, 0, p2].std()


# --- invariants ---------------------------------------------------------------------------


def test_intervals_shrink_as_items_grow() -> None:
    def mean_width(n_items: int) -> float:
        b = bootstrap(score_synthetic(4, n_items, seed=1), n_boot=300, rng=1)
        ind = b.indicators
        return float((ind["hi"] - ind["lo"]).mean())

    w10, w40, w160 = mean_width(10), mean_width(40), mean_width(160)
    assert w10 > w40 > w160 > 0
    assert w10 / w160 == pytest.approx(4.0, rel=0.35)  # widths shrink like 1 / sqrt(n)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    codes=st.lists(st.integers(0, 4), min_size=5, max_size=40),
    weights=st.lists(st.sampled_from([1, 2, 3]), min_size=40, max_size=40),
    seed=st.integers(0, 2**16),
)
def test_interval_contains_the_weighted_mean(codes: list[int], weights: list[int], seed: int) -> None:
    ev = synthetic(1, len(codes), indicators=("I-1",))
    ev["code"] = [str(c) for c in codes]
    ev["weight"] = [str(w) for w in weights[: len(codes)]]
    s = bootstrap(score(validate_tables(cases=[synthetic_cases(1)], evidence=[ev])), n_boot=200, rng=seed)
    r = s.indicators.set_index("indicator").loc["I-1"]
    assert r["lo"] - 1e-9 <= r["score"] <= r["hi"] + 1e-9
    assert 0 <= r["lo"] <= r["hi"] <= 4


def test_intervals_contain_the_point_estimates_on_the_bundled_cases() -> None:
    b = bootstrap(score(load()), n_boot=300, rng=11)
    for t in (b.indicators, b.dimensions, b.overall):
        ok = t["score"].notna()
        assert (t.loc[ok, "lo"] <= t.loc[ok, "score"] + 1e-9).all()
        assert (t.loc[ok, "score"] <= t.loc[ok, "hi"] + 1e-9).all()
        assert t.loc[~ok, ["lo", "hi"]].isna().all().all()
    ov = b.overall.dropna(subset=["score"])
    assert (ov["rank_lo"] <= ov["rank_median"]).all() and (ov["rank_median"] <= ov["rank_hi"]).all()


def test_rank_desc_matches_the_scores_rank_column() -> None:
    s = score(load(), by="year")
    ranks = rank_desc(s.overall["score"].to_numpy(dtype=float), s.overall["year"].to_numpy(dtype=float))
    want = s.overall["rank"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    np.testing.assert_array_equal(ranks, want)


def test_by_year_ranks_within_years() -> None:
    b = bootstrap(score(load(), by="year"), n_boot=100, rng=4)
    ov = b.overall.dropna(subset=["score"])
    n_per_year = ov.groupby("year")["case"].transform("count")
    assert (ov["rank_hi"] <= n_per_year).all()


# --- reproducibility and records --------------------------------------------------------


def test_same_seed_same_numbers_and_recorded_seed_replays() -> None:
    s = score_synthetic(3, 8, coders=0.3)
    a = bootstrap(s, n_boot=150, rng=42)
    b = bootstrap(s, n_boot=150, rng=np.random.default_rng(42))
    pd.testing.assert_frame_equal(a.indicators, b.indicators)
    pd.testing.assert_frame_equal(a.overall, b.overall)
    c = bootstrap(s, n_boot=150, rng=43)
    assert not np.allclose(a.indicators["lo"], c.indicators["lo"], equal_nan=True)
    fresh = bootstrap(s, n_boot=150)
    again = bootstrap(s, n_boot=150, rng=fresh.manifest["uncertainty"]["seed"])
    pd.testing.assert_frame_equal(fresh.overall, again.overall)


def test_manifest_exports_and_explain_carry_the_intervals(fixture_scores) -> None:
    b = bootstrap(fixture_scores, n_boot=120, ci_prob=0.8, rng=9)
    u = b.manifest["uncertainty"]
    assert (u["n_boot"], u["ci_prob"], u["seed"], u["coders"], u["interval"]) == (120, 0.8, 9, True, "equal-tailed")
    assert "bootstrap" in u["design"]
    assert "uncertainty" not in fixture_scores.manifest  # the input is not modified
    assert {"median", "sd", "lo", "hi", "lo68", "hi68", "lo95", "hi95"} <= set(b.to_frame("indicator").columns)
    assert {"lo", "hi", "rank_lo", "rank_hi", "rank_median"} <= set(b.to_frame("overall").columns)
    assert "lo" in b.to_csv(level="overall").splitlines()[0]
    assert '"rank_hi"' in b.to_json()
    e = b.explain("aa-one-2001", "I-1")
    assert e.interval is not None and e.interval[0] <= e.score <= e.interval[1]
    assert "interval [" in str(e).splitlines()[3]
    assert {"overall_lo", "overall_hi"} <= set(b.summary().columns)


def test_resolve_rng_records() -> None:
    g, rec = resolve_rng(7, "x")
    assert rec == {"seed": 7} and isinstance(g, np.random.Generator)
    g2, rec2 = resolve_rng(None, "x")
    assert isinstance(rec2["seed"], int)
    assert g2.random() == np.random.default_rng(rec2["seed"]).random()
    gen = np.random.default_rng(1)
    g3, rec3 = resolve_rng(gen, "x")
    assert g3 is gen and rec3["rng_state"]["bit_generator"] == "PCG64"


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"ci_prob": 1.0}, "ci_prob"),
        ({"ci_prob": 0}, "ci_prob"),
        ({"n_boot": 1}, "n_boot"),
        ({"n_boot": 10.5}, "n_boot"),
        ({"rng": "seed"}, "rng"),
        ({"rng": -1}, "rng"),
    ],
)
def test_bad_parameters_are_named(fixture_scores, kwargs, param) -> None:
    with pytest.raises(ParameterError, match=f"The '{param}' parameter of bootstrap"):
        bootstrap(fixture_scores, **kwargs)


def test_bootstrap_needs_scores() -> None:
    with pytest.raises(ParameterError, match="must be a Scores object"):
        bootstrap(pd.DataFrame())  # type: ignore[arg-type]


def test_missing_scores_stay_missing(fixture_scores) -> None:
    b = bootstrap(fixture_scores, n_boot=50, rng=1)
    row = b.indicators.set_index(["case", "indicator"]).loc[("bb-one-2003", "I-2")]
    assert math.isnan(row["lo"]) and math.isnan(row["hi"])
    ov = b.overall.set_index("case")
    assert pd.isna(ov.loc["bb-one-2003", "rank_lo"]) == pd.isna(ov.loc["bb-one-2003", "rank"])


def test_cli_score_with_intervals(case_dir, capsys) -> None:
    assert main(["score", str(case_dir), "--n-boot", "50", "--seed", "3", "--format", "csv", "--level", "overall"]) == 0
    head = capsys.readouterr().out.splitlines()[0].split(",")
    assert {"lo", "hi", "rank_lo", "rank_hi", "rank_median"} <= set(head)


@settings(max_examples=50, deadline=None)
@given(
    values=st.lists(st.one_of(st.integers(0, 6).map(float), st.just(float("nan"))), min_size=1, max_size=15),
    data=st.data(),
)
def test_rank_desc_matches_pandas_min_rank(values: list[float], data: st.DataObject) -> None:
    groups = data.draw(st.lists(st.integers(0, 2), min_size=len(values), max_size=len(values)))
    v = np.array(values)
    want = pd.Series(v).rank(ascending=False, method="min").to_numpy()
    np.testing.assert_array_equal(rank_desc(v), want)
    want_g = pd.Series(v).groupby(np.array(groups)).rank(ascending=False, method="min").to_numpy()
    np.testing.assert_array_equal(rank_desc(np.stack([v, v]), np.array(groups))[1], want_g)


def test_fast_and_general_paths_draw_the_same() -> None:
    s = score_synthetic(3, 7, coders=0.4)
    d = _item_design(s.prepared)
    assert d.virtual == 2
    prep = s.prepared
    for coders in (True, False):
        codes, weights, _ = _draw_items(d, 5, np.random.default_rng(1), coders)
        fast = items_scores(d.cell, d.ind, codes, weights, prep.n_units, prep.codebook).reshape(5, -1)
        group = (np.arange(5)[:, None] * d.n_cells + d.cell[None, :]).ravel()
        general = item_rule("weighted_mean")(group, codes.ravel(), weights.ravel(), 5 * d.n_cells)
        np.testing.assert_allclose(fast, general.reshape(5, -1), equal_nan=True)


@pytest.mark.parametrize("n_coders", [3, 5])
def test_a_coder_is_drawn_uniformly_per_item(n_coders) -> None:
    # one item coded 0, 1, ..., n-1 by n coders, next to a single-coded item (so that the
    # lcm of the coder counts is 3 for n = 3: the virtual layout; with 5 and 3 coders the
    # lcm 15 exceeds MAX_VIRTUAL: the fallback that draws the row from the same uniform)
    ev = synthetic(1, 1, indicators=("I-1",))
    rows = [ev.assign(coder=f"c{j}", code=str(j)) for j in range(n_coders)]
    other = ev.assign(evidence_id="other", indicator="I-2", kind="programme")
    extra = [other, other.assign(coder="c2"), other.assign(coder="c3")] if n_coders == 5 else [other]
    s = score(validate_tables(cases=[synthetic_cases(1)], evidence=[pd.concat(rows + extra)]))
    d = _item_design(s.prepared)
    assert d.virtual == (0 if n_coders == 5 else 3)
    rep = bootstrap_replicates(s, n_boot=3000, rng=8)
    x = rep.indicators[:, 0, 0]
    values, counts = np.unique(x, return_counts=True)
    assert values.tolist() == list(range(n_coders))
    assert (counts / len(x)) == pytest.approx(np.full(n_coders, 1 / n_coders), abs=0.03)


def test_numbers_do_not_depend_on_the_chunk_size(fixture_scores, monkeypatch) -> None:
    import securitization.uncertainty.evidence as unc

    a = bootstrap_replicates(fixture_scores, n_boot=40, rng=12)
    monkeypatch.setattr(unc, "CHUNK_ELEMENTS", 30)  # a few replicates per chunk
    b = bootstrap_replicates(fixture_scores, n_boot=40, rng=12)
    assert b.parameters["chunk"] < a.parameters["chunk"]
    np.testing.assert_array_equal(a.indicators, b.indicators)
    np.testing.assert_array_equal(a.ranks, b.ranks)


@pytest.mark.parametrize("coders", [True, False])
def test_multinomial_counts_match_drawing_items(coders) -> None:
    """The multinomial path (counts per (code, weight) pair) has the distribution of drawing items."""
    s = score_synthetic(3, 7, coders=0.4)
    d = _item_design(s.prepared)
    cats = _categories(d, coders)
    assert cats is not None
    np.testing.assert_allclose(cats.prob.sum(axis=1), 1.0)
    assert (cats.prob[:, -1] > 0).all()
    n = 4000
    prep = s.prepared
    rules = _counts_rules(prep.codebook)
    assert rules is not None
    fast = _items_from_counts(d, cats, rules, prep.n_ind, n, np.random.default_rng(3))
    codes, weights, _ = _draw_items(d, n, np.random.default_rng(4), coders)
    drawn = items_scores(d.cell, d.ind, codes, weights, prep.n_units, prep.codebook).reshape(n, -1)
    ok = ~np.isnan(drawn[0])
    np.testing.assert_array_equal(np.isnan(fast[0]), ~ok)
    # same mean and spread per cell, within Monte Carlo error
    np.testing.assert_allclose(fast[:, ok].mean(axis=0), drawn[:, ok].mean(axis=0), atol=0.03)
    np.testing.assert_allclose(fast[:, ok].std(axis=0), drawn[:, ok].std(axis=0), atol=0.03, rtol=0.1)
