"""Properties that must always hold, checked with hypothesis."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from securitization import ValidationError, load_codebook, score, validate_tables
from securitization.cli import main

from .conftest import CASES

CB = load_codebook()
INDICATORS = CB.indicator_codes
KIND = {i.code: i.kinds[0] for i in CB.indicators}
CASE_DATES = {"aa-one-2001": "2002-01-15", "aa-two-2005": "2006-01-15", "bb-one-2003": "2004-01-15"}

item = st.tuples(
    st.sampled_from(list(CASE_DATES)),
    st.sampled_from(INDICATORS),
    st.integers(0, 4),
    st.sampled_from([1.0, 1.5, 2.0, 3.0]),
)
items = st.lists(item, min_size=1, max_size=30)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _table(spec: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "evidence_id": f"e{k}",
                "case": c,
                "indicator": i,
                "date": CASE_DATES[c],
                "kind": KIND[i],
                "title": "t",
                "source": "s",
                "code": str(code),
                "weight": str(w),
                "coder": "c1",
            }
            for k, (c, i, code, w) in enumerate(spec)
        ]
    )


def _score(ev: pd.DataFrame, codebook=CB):
    return score(validate_tables(cases=[CASES], evidence=[ev], codebook=codebook))


def _all_scores(s) -> pd.Series:
    a = s.indicators.set_index(["case", "indicator"])["score"]
    b = s.dimensions.set_index(["case", "dimension"])["score"]
    c = s.overall.set_index("case")["score"].rename(lambda x: (x, "overall"))
    return pd.concat([a, b, c]).sort_index()


@SETTINGS
@given(items)
def test_scores_stay_on_the_scale(spec) -> None:
    v = _all_scores(_score(_table(spec))).to_numpy(dtype=float)
    v = v[~np.isnan(v)]
    assert ((v >= CB.scale.min - 1e-9) & (v <= CB.scale.max + 1e-9)).all()


@SETTINGS
@given(items, st.randoms(use_true_random=False))
def test_row_order_does_not_change_any_score(spec, rnd) -> None:
    ev = _table(spec)
    order = list(range(len(ev)))
    rnd.shuffle(order)
    a = _all_scores(_score(ev))
    b = _all_scores(_score(ev.iloc[order].reset_index(drop=True)))
    pd.testing.assert_series_equal(a, b, rtol=1e-12)


@SETTINGS
@given(
    items,
    st.data(),
    st.sampled_from(["arithmetic", "geometric", "median", "copeland"]),
    st.sampled_from(["weighted_mean", "median", "max", "top_k_mean"]),
)
def test_raising_a_code_never_lowers_a_score(spec, data, rule, item_rule) -> None:
    cb = CB.with_changes(aggregation={"dimension": rule, "overall": rule}, item_rule=item_rule)  # type: ignore[arg-type]
    k = data.draw(st.integers(0, len(spec) - 1))
    case, ind, code, w = spec[k]
    new = data.draw(st.integers(code, 4))
    raised = list(spec)
    raised[k] = (case, ind, new, w)
    a = _all_scores(_score(_table(spec), cb))
    b = _all_scores(_score(_table(raised), cb))
    for key in [(case, ind), (case, CB.indicator(ind).dimension), (case, "overall")]:
        if np.isnan(a[key]):
            continue
        assert b[key] >= a[key] - 1e-9, (key, a[key], b[key])


@SETTINGS
@given(items)
def test_a_case_does_not_depend_on_other_cases(spec) -> None:
    ev = _table(spec)
    full = _all_scores(_score(ev))
    for case in ev["case"].unique():
        alone = _all_scores(_score(ev.loc[ev["case"] == case]))
        mine = [k for k in full.index if k[0] == case]
        pd.testing.assert_series_equal(full[mine], alone[mine])


@SETTINGS
@given(items)
def test_missing_is_never_zero(spec) -> None:
    s = _score(_table(spec))
    ind = s.indicators
    empty = ind["n_items"] == 0
    assert ind.loc[empty, "score"].isna().all()
    assert ind.loc[empty, "missing"].all()
    # a zero score needs evidence coded zero
    zero = ind["score"] == 0
    assert (ind.loc[zero, "n_items"] > 0).all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items, st.sampled_from(["code", "date", "source", "indicator", "weight"]), st.data())
def test_a_validation_error_never_leaves_a_partial_result(tmp_path: Path, spec, column, data) -> None:
    ev = _table(spec)
    bad = {"code": "9", "date": "2001-13-01", "source": "", "indicator": "X-1", "weight": "heavy"}[column]
    k = data.draw(st.integers(0, len(ev) - 1))
    ev.loc[k, column] = bad
    with pytest.raises(ValidationError) as exc:
        _score(ev)
    assert any(p.row == k + 2 and p.column == column for p in exc.value.problems)
    d = tmp_path / f"case-{column}-{k}"
    d.mkdir(exist_ok=True)
    CASES.to_csv(d / "cases.csv", index=False)
    ev.to_csv(d / "evidence.csv", index=False)
    out = d / "out.csv"
    assert main(["score", str(d), "--format", "csv", "--out", str(out)]) == 1
    assert not out.exists()
