"""The look of every chart, guarded: image comparison against committed baselines, and reruns byte-identical.

Each chart kind is drawn through :func:`securitization.outputs.render.render` (the path of
the gallery and the reports) on a small fixed set of synthetic cases at a low resolution,
and compared with its baseline in ``tests/baseline/`` by matplotlib's
``compare_images`` (RMS over pixels, with a tolerance for font rendering between
machines). After an intended change of a chart, look at the new images and rewrite the
baselines with::

    SECURITIZATION_UPDATE_BASELINES=1 .venv/bin/python -m pytest tests/test_images.py
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.testing.compare import compare_images

import securitization as sz
from securitization import plot
from securitization.outputs.render import render

from .test_plot import CASES, evidence_frame, measures_frame, reliability_frame, sensitivity_frame

BASELINE = Path(__file__).parent / "baseline"
UPDATE = os.environ.get("SECURITIZATION_UPDATE_BASELINES") == "1"
#: RMS difference (0-255) allowed: fonts and anti-aliasing differ a little between machines.
TOLERANCE = 6.0
DPI = 40


def image_scores() -> sz.Scores:
    """Four synthetic cases (one without practice scores, one with none), a scored and a context
    measure, and made-up intervals at both levels with the manifest's words for them."""
    cases = CASES.assign(population=["280000000", "295000000", "105000000", "118000000"])
    rows = [
        ("USA", "P-2", "ice_detention_adp", f"FY{fy}", str(20000 + 2500 * i), "persons")
        for i, fy in enumerate(range(2002, 2009))
    ]
    scored = pd.DataFrame(rows, columns=["country", "indicator", "measure", "period", "value", "unit"])
    scored["source"] = "Synthetic source"
    ds = sz.validate_tables(cases=[cases], evidence=[evidence_frame()], measures=[measures_frame(), scored])
    s = sz.score(ds)
    top = s.codebook.scale.max

    def iv(t: pd.DataFrame) -> pd.DataFrame:
        sc = t["score"]
        return t.assign(
            lo=(sc - 0.45).clip(0, top),
            hi=(sc + 0.35).clip(0, top),
            lo68=(sc - 0.2).clip(0, top),
            hi68=(sc + 0.15).clip(0, top),
        )

    ov = iv(s.overall)
    ov["rank_lo"] = ov["rank"]
    ov["rank_hi"] = (ov["rank"] + 1).where(ov["rank"].notna())
    ov["rank_median"] = ov["rank"]
    s = s.with_tables(indicators=iv(s.indicators), dimensions=iv(s.dimensions), overall=ov)
    manifest = {**s.manifest, "uncertainty": {"ci_prob": 0.9, "varies": "the evidence (made up for the test)"}}
    return replace(s, manifest=manifest)


def calibration_frame() -> pd.DataFrame:
    rows = []
    for g, shift in (("prior", 0.0), ("diffuse", -0.04)):
        for m, extra in (("posterior", 0.0), ("bootstrap", -0.1)):
            for n, cov in ((1, 0.8), (3, 0.86), (10, 0.9)):
                rows.append({"generative": g, "method": m, "n_items": n, "indicator_coverage": cov + shift + extra})
    return pd.DataFrame(rows).assign(n_cells=200)


@pytest.fixture(scope="module")
def scores() -> sz.Scores:
    return image_scores()


def charts(s: sz.Scores) -> dict[str, tuple[Callable[..., Any], tuple[float, float], bool]]:
    """Every chart kind: its drawing function, figure size and whether it is polar."""
    pair = ["usa-alpha", "usa-beta"]
    return {
        "profile": (partial(plot.plot_profile, s), plot.profile_size(s), False),
        "profile-radar": (
            partial(plot.plot_profile, s, cases=pair, kind="radar"),
            plot.profile_size(s, kind="radar"),
            True,
        ),
        "heatmap": (partial(plot.plot_heatmap, s), plot.heatmap_size(s), False),
        "map": (partial(plot.plot_map, s), plot.map_size(s), False),
        "ranking": (partial(plot.plot_ranking, s, highlight="usa-alpha"), plot.ranking_size(s), False),
        "timeline": (partial(plot.plot_timeline, s), plot.timeline_size(s), False),
        "measure-scored": (partial(plot.plot_measure, s, "ice_detention_adp"), plot.measure_size(s, ""), False),
        "measure-context": (partial(plot.plot_measure, s, "inm_presentados"), plot.measure_size(s, ""), False),
        "rank-intervals": (
            partial(plot.plot_rank_intervals, sensitivity_frame(), ci_prob=0.9, varies="the method"),
            plot.rank_intervals_size(sensitivity_frame()),
            False,
        ),
        "reliability": (
            partial(plot.plot_reliability, reliability_frame().assign(n_items=[12, 9, 1, 10, 8]), ci_prob=0.9),
            plot.reliability_size(reliability_frame()),
            False,
        ),
        "calibration": (partial(plot.plot_calibration, calibration_frame()), plot.calibration_size(), False),
    }


NAMES = [
    "profile",
    "profile-radar",
    "heatmap",
    "map",
    "ranking",
    "timeline",
    "measure-scored",
    "measure-context",
    "rank-intervals",
    "reliability",
    "calibration",
]


def test_every_chart_kind_has_a_baseline_test(scores):
    assert sorted(charts(scores)) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_chart_looks_as_its_baseline(scores, name, tmp_path):
    draw, size, polar = charts(scores)[name]
    png = render(draw, size, formats=("png",), dpi=DPI, polar=polar)["png"]
    baseline = BASELINE / f"{name}.png"
    if UPDATE:
        BASELINE.mkdir(exist_ok=True)
        baseline.write_bytes(png)
    actual = tmp_path / f"{name}.png"
    actual.write_bytes(png)
    assert baseline.exists(), f"no baseline for {name}: run with SECURITIZATION_UPDATE_BASELINES=1 and look at it"
    result = compare_images(str(baseline), str(actual), tol=TOLERANCE, in_decorator=True)
    assert result is None, f"{name} differs from tests/baseline/{name}.png: {result}"


@pytest.mark.parametrize("name", ["map", "profile", "timeline", "measure-scored"])
def test_two_renders_are_byte_identical(scores, name):
    draw, size, polar = charts(scores)[name]
    first = render(draw, size, formats=("png", "svg"), dpi=DPI, polar=polar)
    second = render(draw, size, formats=("png", "svg"), dpi=DPI, polar=polar)
    assert first == second


def test_identity_is_the_same_whatever_else_is_drawn(scores):
    """A case keeps its colour and marker in every chart, with or without other cases."""
    bundled = sz.score(sz.load())
    alone = plot.case_styles(bundled.units.loc[bundled.units["case"] == "us-trump-2025"])
    together = plot.case_styles(bundled.units)
    assert alone["us-trump-2025"] == together["us-trump-2025"]
    # the bundled cases are all in the fixed table (a new bundled case must be added to it)
    assert set(bundled.units["case"]) <= set(plot.BUNDLED_CASES)
    assert set(bundled.units["country"]) <= set(plot.COUNTRY_COLOURS)
    # within a country, every bundled case has its own marker
    for _, g in bundled.units.drop_duplicates("case").groupby("country"):
        markers = [together[c].marker for c in g["case"]]
        assert len(set(markers)) == len(markers)
    # the same marker in the map, the ranking and the profile
    from matplotlib.collections import PathCollection

    ax = plot.plot_ranking(bundled)
    dots = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(dots) == bundled.overall["score"].notna().sum()
    colours = {tuple(np.round(c.get_facecolor()[0][:3], 3)) for c in dots}
    assert colours == {tuple(np.round(matplotlib.colors.to_rgb(v), 3)) for v in plot.COUNTRY_COLOURS.values()}


def test_new_ids_hash_to_a_stable_style_and_collisions_resolve_in_order():
    units = pd.DataFrame({"case": ["zz-b-2001", "zz-a-2001", "zz-c-2001"], "country": ["ZZZ"] * 3})
    styles = plot.case_styles(units)
    assert len({s.marker for s in styles.values()}) == 3  # resolved: no two share a marker
    again = plot.case_styles(units.iloc[::-1])
    assert styles == again  # the order given does not matter
    alone = plot.case_styles(units.iloc[[1]])
    assert alone["zz-a-2001"] == styles["zz-a-2001"]  # the first in id order keeps its hashed marker
    new = plot.country_styles(["ZZZ", "USA"])
    assert new["USA"].colour == plot.COUNTRY_COLOURS["USA"] and new["ZZZ"].colour != new["USA"].colour
    assert new["ZZZ"].colour in plot.OKABE_ITO
