"""Every rule against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from securitization.rules import (
    AGGREGATION_RULES,
    ITEM_RULES,
    aggregation_rule,
    consolidate_coders,
    item_rule,
    map_thresholds,
)

NAN = float("nan")
G = np.array([0, 0, 0, 1, 1, 3])
C = np.array([1.0, 3.0, 4.0, 2.0, 0.0, 4.0])
W = np.array([1.0, 2.0, 1.0, 1.0, 3.0, 1.0])


def test_weighted_mean_items() -> None:
    got = item_rule("weighted_mean")(G, C, W, 4)
    np.testing.assert_allclose(got, [(1 + 6 + 4) / 4, 2 / 4, NAN, 4.0])


def test_weighted_median_items() -> None:
    # group 0: sorted codes 1(w1) 3(w2) 4(w1): half of 4 is 2, reached at code 3 -> 3
    # group 1: 0(w3) 2(w1): half is 2, reached at code 0 -> 0
    got = item_rule("median")(G, C, W, 4)
    np.testing.assert_allclose(got, [3.0, 0.0, NAN, 4.0])
    # equal weights, even count: mean of the middle two
    np.testing.assert_allclose(
        item_rule("median")(np.zeros(4, dtype=np.intp), np.array([4.0, 1, 2, 3]), np.ones(4), 1), [2.5]
    )


def test_max_and_top_k() -> None:
    np.testing.assert_allclose(item_rule("max")(G, C, W, 4), [4.0, 2.0, NAN, 4.0])
    np.testing.assert_allclose(item_rule("top_k_mean")(G, C, W, 4, k=2), [3.5, 1.0, NAN, 4.0])


def test_unknown_rules_raise() -> None:
    with pytest.raises(ValueError, match="must be one of"):
        item_rule("mode")
    with pytest.raises(ValueError, match="must be one of"):
        aggregation_rule("harmonic")
    assert set(ITEM_RULES) == {"weighted_mean", "median", "max", "top_k_mean"}
    assert set(AGGREGATION_RULES) == {"arithmetic", "geometric", "median", "copeland"}


def test_consolidate_coders() -> None:
    g = np.array([0, 0, 1, 2, 2, 2])
    c = np.array([2.0, 3.0, 1.0, 0.0, 4.0, 4.0])
    np.testing.assert_allclose(consolidate_coders(g, c, 3, "median"), [2.5, 1.0, 4.0])
    np.testing.assert_allclose(consolidate_coders(g, c, 3, "mean"), [2.5, 1.0, 8 / 3])
    np.testing.assert_allclose(consolidate_coders(g, c, 3, "first"), [2.0, 1.0, 0.0])


V = np.array([[2.0, 4.0, NAN], [0.0, 0.0, 0.0], [NAN, NAN, NAN]])
WT = np.array([1.0, 3.0, 1.0])


def test_arithmetic_ignores_missing_and_keeps_all_missing_missing() -> None:
    got = aggregation_rule("arithmetic")(V, WT)
    np.testing.assert_allclose(got, [(2 + 12) / 4, 0.0, NAN])


def test_geometric_with_offset_handles_zeros() -> None:
    got = aggregation_rule("geometric")(V, WT, offset=1.0)
    expected0 = np.exp((np.log(3.0) + 3 * np.log(5.0)) / 4) - 1
    np.testing.assert_allclose(got, [expected0, 0.0, NAN])
    # without offset a zero gives zero, not an error
    np.testing.assert_allclose(aggregation_rule("geometric")(np.array([[0.0, 4.0]]), np.ones(2), offset=0.0), [0.0])


def test_weighted_median_aggregation() -> None:
    got = aggregation_rule("median")(V, WT)
    np.testing.assert_allclose(got, [4.0, 0.0, NAN])


def test_copeland_outranking() -> None:
    # a beats b on 2 of 3; b beats c on all; a beats c on all -> a: 2 wins, b: 1-1, c: 0-2
    v = np.array([[3.0, 3.0, 1.0], [2.0, 2.0, 2.0], [1.0, 1.0, 0.0], [NAN, NAN, NAN]])
    got = aggregation_rule("copeland")(v, np.ones(3), lo=0.0, hi=4.0)
    np.testing.assert_allclose(got, [4.0, 2.0, 0.0, NAN])
    # weights decide: with the third indicator heavy, b beats a
    got_w = aggregation_rule("copeland")(v[:2], np.array([1.0, 1.0, 3.0]), lo=0.0, hi=4.0)
    np.testing.assert_allclose(got_w, [0.0, 4.0])


def test_batched_aggregation_matches_loop() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 4, size=(6, 5, 3))
    x[rng.random(x.shape) < 0.2] = np.nan
    for name in AGGREGATION_RULES:
        rule = aggregation_rule(name)
        batched = rule(x, WT)
        for r in range(6):
            np.testing.assert_allclose(batched[r], rule(x[r], WT), equal_nan=True)


def test_thresholds() -> None:
    np.testing.assert_allclose(map_thresholds(np.array([-1.0, 3.0, 5.9, 6.0, 100.0]), (3, 6, 9, 12)), [0, 1, 1, 2, 4])
    np.testing.assert_allclose(map_thresholds(np.array([0.5]), (1.0,), lowest=1), [1.0])


def test_consolidate_two_coders_fast_path() -> None:
    g = np.array([0, 0, 1, 2, 2])
    c = np.array([2.0, 3.0, 1.0, 4.0, 0.0])
    np.testing.assert_allclose(consolidate_coders(g, c, 4, "median"), [2.5, 1.0, 2.0, NAN])
    np.testing.assert_allclose(consolidate_coders(g, c, 4, "mean"), [2.5, 1.0, 2.0, NAN])
