"""Tests of securitization.plot: every chart on synthetic scores (with a missing case and
missing indicators, with and without intervals) and on the bundled cases.

The fixtures are built in code: the bundled data are being coded and may change.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle

import securitization as sz
from securitization import plot
from securitization.errors import ParameterError

CASES = pd.DataFrame(
    {
        "case": ["usa-alpha", "usa-beta", "mex-gamma", "mex-delta"],
        "country": ["USA", "USA", "MEX", "MEX"],
        "label": ["US Alpha 2001-2005", "US Beta 2005-2009", "Mexico Gamma 2006-2012", "Mexico Delta 2012-2018"],
        "leader": ["A. Alpha", "B. Beta", "G. Gamma", "D. Delta"],
        "start": ["2001-01-20", "2005-01-20", "2006-12-01", "2012-12-01"],
        "end": ["2005-01-19", "2009-01-19", "2012-11-30", "2018-11-30"],
    }
)
KINDS = {"I-1": "statute", "I-2": "programme", "I-3": "speech", "P-1": "operation", "P-2": "statistics"}


def evidence_frame() -> pd.DataFrame:
    """Two items per indicator for the US cases (one doubly coded), institutional items
    only for mex-gamma (practice missing), nothing for mex-delta (all missing)."""
    rows = []
    plan = {
        "usa-alpha": ("2002", {"I-1": (3, 2), "I-2": (2, 2), "I-3": (3, 4), "P-1": (2, 1), "P-2": (1, 2)}),
        "usa-beta": ("2006", {"I-1": (4, 3), "I-2": (3, 4), "I-3": (4, 4), "P-1": (3, 3), "P-2": (3, 2)}),
        "mex-gamma": ("2008", {"I-1": (1, 2), "I-2": (2, 3), "I-3": (1, 1)}),
    }
    for case, (year, codes) in plan.items():
        for ind, pair in codes.items():
            for k, code in enumerate(pair, start=1):
                eid = f"{case}-{ind}-{k}"
                row = {
                    "evidence_id": eid,
                    "case": case,
                    "indicator": ind,
                    "date": f"{year}-{3 + 4 * k:02d}-15",
                    "kind": KINDS[ind],
                    "title": f"Item {k} on {ind} of {case}",
                    "source": f"Source {eid}",
                    "code": str(code),
                    "weight": str(k),
                    "coder": "c1",
                }
                rows.append(row)
                if k == 1 and ind == "I-1":
                    rows.append({**row, "code": str(max(code - 1, 0)), "coder": "c2"})
    return pd.DataFrame(rows)


def measures_frame() -> pd.DataFrame:
    rows = []
    for i, fy in enumerate(range(2002, 2009)):
        rows.append(("USA", "P-2", "ice_detention_midnight_pop", f"FY{fy}", str(20000 + 1500 * i), "persons"))
        rows.append(("USA", "P-1", "border_apprehensions", f"FY{fy}", str(900000 - 50000 * i), "persons"))
    for i, year in enumerate([2007, 2008, 2010, 2011]):  # 2009 missing
        rows.append(("MEX", "P-2", "inm_presentados", str(year), str(60000 + 9000 * i), "events"))
    frame = pd.DataFrame(rows, columns=["country", "indicator", "measure", "period", "value", "unit"])
    frame["source"] = "Synthetic source"
    return frame


def synthetic_scores() -> sz.Scores:
    ds = sz.validate_tables(cases=[CASES], evidence=[evidence_frame()], measures=[measures_frame()])
    return sz.score(ds)


def with_intervals(scores: sz.Scores) -> sz.Scores:
    """Attach made-up intervals (as the bootstrap would) to test that they are drawn."""
    top = scores.codebook.scale.max

    def iv(t: pd.DataFrame) -> pd.DataFrame:
        return t.assign(lo=(t["score"] - 0.3).clip(0, top), hi=(t["score"] + 0.25).clip(0, top))

    ov = iv(scores.overall)
    ov["rank_lo"] = ov["rank"]
    ov["rank_hi"] = (ov["rank"] + 1).where(ov["rank"].notna())
    return scores.with_tables(indicators=iv(scores.indicators), dimensions=iv(scores.dimensions), overall=ov)


def reliability_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": ["I-1", "I-2", "I-3", "P-1", "P-2"],
            "alpha": [0.82, 0.55, np.nan, 0.71, -0.1],
            "lo": [0.7, 0.35, np.nan, 0.6, -0.3],
            "hi": [0.9, 0.72, np.nan, 0.8, 0.2],
            "flagged": [False, True, False, False, True],
        }
    )


def sensitivity_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "case": ["usa-beta", "usa-alpha", "mex-gamma", "mex-delta"],
            "label": ["US Beta 2005-2009", "US Alpha 2001-2005", "Mexico Gamma 2006-2012", "Mexico Delta 2012-2018"],
            "rank_nominal": [1, 2, 3, np.nan],
            "rank_median": [1, 2, 3, np.nan],
            "rank_lo": [1, 1, 2, np.nan],
            "rank_hi": [2, 3, 3, np.nan],
        }
    )


@pytest.fixture(scope="module")
def scores() -> sz.Scores:
    return synthetic_scores()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def texts(ax: Axes) -> list[str]:
    """Every text drawn in the Axes (texts, tick labels, legend)."""
    out = [" ".join(t.get_text().split()) for t in ax.texts]  # notes are wrapped: one space between words
    out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    leg = ax.get_legend()
    if leg is not None:
        out += [t.get_text() for t in leg.get_texts()]
    return out


def test_fixture_has_missing_values(scores):
    ind = scores.indicators.set_index(["case", "indicator"])["score"]
    assert ind["mex-gamma"][["P-1", "P-2"]].isna().all()
    assert ind["mex-delta"].isna().all()
    ov = scores.overall.set_index("case")
    assert np.isnan(ov.loc["mex-delta", "score"])
    assert ov.loc["mex-gamma", "coverage"] == pytest.approx(0.5)


ALL = [
    ("plot_profile", {}),
    ("plot_heatmap", {}),
    ("plot_map", {}),
    ("plot_ranking", {}),
    ("plot_timeline", {}),
    ("plot_rank_intervals", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), ALL)
@pytest.mark.parametrize("intervals", [False, True])
def test_every_chart_returns_axes(scores, name, kwargs, intervals):
    s = with_intervals(scores) if intervals else scores
    ax = getattr(plot, name)(s, **kwargs)
    assert isinstance(ax, Axes)
    assert ax.get_title()


def test_measure_returns_axes(scores):
    ax = plot.plot_measure(scores, "ice_detention_midnight_pop")
    assert isinstance(ax, Axes)
    # the codebook has no rule for this series: context, titled without an indicator
    assert ax.get_title() == "ice_detention_midnight_pop\ncontext: not scored by the codebook"
    (line,) = [line for line in ax.get_lines() if len(line.get_xdata()) == 7]
    assert line.get_marker() == plot.COUNTRY_MARKERS["USA"] and line.get_color() == plot.COUNTRY_COLOURS["USA"]
    # one shaded, labelled term per US case
    assert "US Alpha 2001-2005" in texts(ax)
    assert "US Beta 2005-2009" in texts(ax)


def test_measure_missing_period_is_not_drawn_as_a_solid_line(scores):
    ax = plot.plot_measure(scores, "inm_presentados")
    solid = [line for line in ax.get_lines() if line.get_linestyle() == "-" and len(line.get_xdata()) > 2]
    (line,) = solid
    y = np.asarray(line.get_ydata(), dtype=float)
    assert np.isnan(y).sum() == 1  # broken between 2008 and 2010
    assert any(line.get_linestyle() == ":" for line in ax.get_lines())
    assert any("Dotted: periods without an observation." in t for t in texts(ax))
    contiguous = plot.plot_measure(scores, "ice_detention_midnight_pop")
    assert not any(line.get_linestyle() == ":" for line in contiguous.get_lines())


def test_measure_not_used_in_scoring_is_drawn_from_the_dataset(scores):
    assert "border_apprehensions" not in set(scores.measures["measure"])
    ax = plot.plot_measure(scores, "border_apprehensions")
    assert ax.get_ylabel() == "Persons"


def test_measure_unknown_raises(scores):
    with pytest.raises(ParameterError, match="'measure' parameter of plot_measure"):
        plot.plot_measure(scores, "no_such_measure")


def test_draws_on_given_axes(scores):
    _fig, (a, b) = plt.subplots(1, 2)
    assert plot.plot_ranking(scores, ax=a) is a
    assert plot.plot_heatmap(scores, ax=b) is b


def test_profile_radar_needs_polar_axes_and_few_cases(scores):
    _, ax = plt.subplots()
    with pytest.raises(ParameterError, match="polar"):
        plot.plot_profile(scores, ax=ax, kind="radar", cases=["usa-alpha"])
    with pytest.raises(ParameterError, match="'kind' parameter"):
        plot.plot_profile(scores, kind="spider")  # type: ignore[arg-type]
    many = sz.score(sz.load())
    with pytest.raises(ParameterError, match="'panels' for more than 3 cases"):
        plot.plot_profile(many, kind="radar")
    _, polar = plt.subplots(subplot_kw={"projection": "polar"})
    with pytest.raises(ParameterError, match="a Cartesian Axes"):
        plot.plot_profile(scores, ax=polar, kind="panels")
    # a polar Axes without a kind: the radar it was made for
    assert plot.plot_profile(scores, ax=polar, cases=["usa-alpha", "usa-beta"]) is polar
    assert not polar.child_axes and len(polar.get_lines()) > 2


def panel_texts(ax: Axes) -> list[str]:
    return [t for p in ax.child_axes for t in [*texts(p), p.get_title()]]


def test_profile_is_one_panel_per_case_and_marks_missing(scores):
    ax = plot.plot_profile(scores)
    titles = [" ".join(p.get_title().split()) for p in ax.child_axes]  # wrapped to the panel's width
    assert titles == flagged(scores, ["mex-gamma", "usa-alpha", "usa-beta"])
    assert any("Not drawn (no indicator score): Mexico Delta 2012-2018" in t for t in texts(ax))
    # mex-gamma's missing practice indicators are marked n/a, never drawn at 0
    gamma = ax.child_axes[0]
    assert [t.get_text() for t in gamma.texts] == ["n/a", "n/a"]
    points = next(line for line in gamma.get_lines() if line.get_linestyle() == "None")
    r = np.asarray(points.get_ydata(), dtype=float)
    assert np.isnan(r).sum() == 2 and not (r == 0).any()
    # each case in its colour and marker, as in every chart
    styles = plot.case_styles(scores.units)
    assert points.get_marker() == styles["mex-gamma"].marker and points.get_color() == styles["mex-gamma"].colour
    # the reference: the median of the cases scored (the fixture has no bundled case)
    ref, label = plot.profile_reference(scores)
    assert label == "median of the 3 cases scored"
    med = scores.indicators.groupby("indicator")["score"].median()
    assert ref.set_index("indicator")["median"].to_dict() == pytest.approx(med.to_dict())
    assert label in texts(ax)


def test_profile_intervals_in_the_common_style(scores):
    plain = plot.plot_profile(scores)
    s = with_intervals(scores)
    drawn = plot.plot_profile(s)
    assert sum(len(p.get_lines()) for p in drawn.child_axes) > sum(len(p.get_lines()) for p in plain.child_axes)
    labels = texts(drawn)
    assert "90% interval" in labels and "68% interval" not in labels  # the fixture has no lo68/hi68
    assert "interval" not in " ".join(texts(plain))
    radar = plot.plot_profile(s, kind="radar", cases=["usa-alpha", "usa-beta"])
    assert radar.name == "polar" and "90% interval" in texts(radar)
    # whiskers stay inside the rim
    top = s.codebook.scale.max
    assert all(np.nanmax(np.asarray(line.get_ydata(), dtype=float)) <= top for line in radar.get_lines())


def test_heatmap_missing_is_hatched_not_zero(scores):
    ax = plot.plot_heatmap(scores)
    image = ax.get_images()[0]
    data = image.get_array()
    assert isinstance(data, np.ma.MaskedArray)
    n_missing = int(data.mask.sum())
    # mex-gamma: P-1, P-2, practice; mex-delta: all 5 + 2 dimensions + overall
    assert n_missing == 3 + 8
    hatched = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch() == "///"]
    assert len(hatched) == n_missing
    assert texts(ax).count("missing") == n_missing
    # thin cells (fewer items than min_items, but scored) are dotted, and each cell says its items
    dotted = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch() == "..."]
    thin = scores.indicators.loc[scores.indicators["thin"] & scores.indicators["score"].notna()]
    assert len(dotted) == len(thin) > 0
    assert any("n = 2" in t for t in texts(ax))
    # the coverage of mex-gamma's overall score (practice missing: half the weight) is shown
    gamma = scores.overall.set_index("case").at["mex-gamma", "coverage"]
    assert gamma == pytest.approx(0.5)
    assert any("cov. 50%" in t for t in texts(ax))


def test_heatmap_shows_bands_and_intervals(scores):
    ax = plot.plot_heatmap(with_intervals(scores))
    joined = "\n".join(texts(ax))
    assert "very high" in joined or "high" in joined
    assert "[" in joined
    assert [t.get_text() for t in ax.get_yticklabels()] == flagged(scores, scores.units["case"])


def flagged(scores: sz.Scores, cases) -> list[str]:
    """The labels of these cases as the charts show them: the term's status after the label."""
    ov = scores.overall.set_index("case")
    suffix = {"complete": "", "ongoing": " (ongoing)", "partial": " (partial evidence)"}
    return [f"{ov.at[c, 'label']}{suffix[ov.at[c, 'status']]}" for c in cases]


def test_partial_and_ongoing_terms_are_flagged(scores):
    # the fixture dates every item of a case in one early year: its later years have no evidence
    assert scores.overall.set_index("case").at["usa-alpha", "status"] == "partial"
    labels = [t.get_text() for t in plot.plot_ranking(scores).get_yticklabels()]
    assert any(lab.endswith("US Alpha 2001-2005 (partial evidence)") for lab in labels)


def test_map_places_complete_cases_and_lists_the_others(scores):
    ax = plot.plot_map(with_intervals(scores))
    drawn = sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection))
    assert drawn == 2  # only the US cases have both dimension scores
    labels = texts(ax)
    assert "Alpha 2001-2005 (partial evidence)" in labels  # the country word the US cases share left out
    assert any("Mexico Gamma 2006-2012; Mexico Delta 2012-2018" in t for t in labels)
    assert "equal scores (gap 0)" in labels
    assert "gap +1" in labels and "gap -1" in labels
    assert ax.get_xlabel().startswith("Institutional score")


def test_map_labels_do_not_overlap(scores):
    ax = plot.plot_map(scores)
    fig = ax.get_figure()
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in ax.texts if "2001-2005" in t.get_text() or "2005-2009" in t.get_text()]
    assert len(boxes) == 2
    assert not boxes[0].overlaps(boxes[1])


def test_map_rejects_unknown_dimension(scores):
    with pytest.raises(ParameterError, match="'x' parameter of plot_map"):
        plot.plot_map(scores, x="legal")


def test_ranking_orders_by_rank_and_lists_missing(scores):
    ax = plot.plot_ranking(with_intervals(scores))
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[0].startswith("1. US Beta")
    assert ticks[-1] == "– Mexico Delta 2012-2018 (partial evidence)"
    joined = "\n".join(texts(ax))
    assert "missing (coverage 0%)" in joined
    assert "rank 1–2" in joined
    assert "coverage 50%" in joined
    assert "90% interval" in joined and "rank a–b: the 90% interval of the rank." in joined


def test_ranking_highlights_a_case(scores):
    ax = plot.plot_ranking(with_intervals(scores), highlight="usa-alpha")
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert bold == ["2. US Alpha 2001-2005 (partial evidence)"]
    assert len(ax.patches) >= 1  # the shaded row
    with pytest.raises(ParameterError, match="'highlight' parameter"):
        plot.plot_ranking(scores, highlight="nowhere")


def test_cases_selects_and_orders(scores):
    ax = plot.plot_heatmap(scores, cases=["usa-beta", "usa-alpha"])
    assert [t.get_text() for t in ax.get_yticklabels()] == flagged(scores, ["usa-beta", "usa-alpha"])
    with pytest.raises(ParameterError, match="'cases' parameter"):
        plot.plot_ranking(scores, cases=["nowhere-2020"])


def test_timeline_items_sized_by_weight_coloured_by_code(scores):
    ax = plot.plot_timeline(scores, countries=["USA"])
    (dots,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    items = scores.items.loc[scores.items["case"].isin(["usa-alpha", "usa-beta"])]
    whole = items.loc[items["code"] % 1 == 0]
    assert len(dots.get_offsets()) == len(whole)
    assert sorted(set(dots.get_sizes())) == [28.0, 56.0]
    assert sorted(np.asarray(dots.get_array())) == sorted(whole["code"])
    # a consolidated 2.5 is drawn half in the colour of 2, half in that of 3, as the legend shows
    halves = [line for line in ax.get_lines() if line.get_fillstyle() == "left"]
    assert sum(len(line.get_xdata()) for line in halves) == (items["code"] % 1 != 0).sum() == 2
    viridis = matplotlib.colormaps["viridis"]
    assert {(line.get_markerfacecolor(), line.get_markerfacecoloralt()) for line in halves} == {
        (viridis(v / 4), viridis((v + 1) / 4)) for v in (2, 3)
    }
    assert "0 none" in texts(ax)
    assert "between two levels\n(e.g. coders' median)" in texts(ax)
    assert any("three lanes" in t and "no meaning" in t for t in texts(ax))
    # every term labelled
    assert {"US Alpha 2001-2005", "US Beta 2005-2009"} <= set(texts(ax))


def test_timeline_several_countries(scores):
    ax = plot.plot_timeline(scores)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[0].startswith("MEX · I-1") and ticks[-1].startswith("USA · P-2")


def test_reliability(scores):
    ax = plot.plot_reliability(reliability_frame(), min_alpha=scores.codebook.min_alpha)
    labels = texts(ax)
    assert "gate α = 0.667" in labels and "α = 0.8" in labels and "α = 0.8: firm conclusions" in labels
    assert "not enough doubly coded items" in labels
    assert "interval (level not given)" in labels
    assert "flagged: below the gate" in labels
    assert [t.get_text() for t in ax.get_yticklabels()] == ["I-1", "I-2", "I-3", "P-1", "P-2"]


def test_reliability_without_intervals_or_flags():
    frame = reliability_frame()[["indicator", "alpha"]]
    ax = plot.plot_reliability(frame, min_alpha=0.8)
    assert "interval" not in texts(ax)
    with pytest.raises(ParameterError, match="'reliability' parameter"):
        plot.plot_reliability(frame.drop(columns="alpha"))
    with pytest.raises(ParameterError, match="'min_alpha' parameter"):
        plot.plot_reliability(frame, min_alpha=2)


def test_rank_intervals_from_table_and_from_scores(scores):
    ax = plot.plot_rank_intervals(sensitivity_frame())
    assert next(t.get_text() for t in ax.get_yticklabels()) == "US Beta 2005-2009"
    assert "rank interval (level not given)" in texts(ax)
    assert "no rank (missing score)" in texts(ax)
    assert "80% rank interval" in texts(plot.plot_rank_intervals(sensitivity_frame(), ci_prob=0.8))
    plain = plot.plot_rank_intervals(sensitivity_frame()[["case", "label", "rank_nominal"]])
    assert not any("rank interval" in t for t in texts(plain))
    ax2 = plot.plot_rank_intervals(with_intervals(scores))
    assert "rank interval (level not given)" in texts(ax2)  # made-up intervals: no manifest


def test_wrong_input_type():
    with pytest.raises(ParameterError, match="'scores' parameter of plot_heatmap"):
        plot.plot_heatmap(pd.DataFrame())  # type: ignore[arg-type]


def test_by_year_scores(scores):
    ds = sz.validate_tables(cases=[CASES], evidence=[evidence_frame()], measures=[measures_frame()])
    yearly = sz.score(ds, by="year")
    for fn in (plot.plot_heatmap, plot.plot_ranking, plot.plot_map, plot.plot_timeline):
        assert isinstance(fn(yearly), Axes)
    assert isinstance(plot.plot_measure(yearly, "ice_detention_midnight_pop"), Axes)


def test_bundled_cases_every_chart():
    """Whatever the bundled data hold today, every chart draws."""
    s = sz.score(sz.load())
    for name in ("plot_profile", "plot_heatmap", "plot_map", "plot_ranking", "plot_timeline", "plot_rank_intervals"):
        assert isinstance(getattr(plot, name)(s), Axes)
        plt.close("all")
    for measure in plot.available_measures(s)[:2]:
        assert isinstance(plot.plot_measure(s, measure), Axes)


def test_measure_title_uses_the_series_label(tmp_path) -> None:
    from securitization import load, score
    from securitization import plot as P

    s = score(load())
    ax = P.plot_measure(s, "ice_detention_adp")
    assert ax.get_title() == "ICE detention, average daily population\nscored in P-2 Detention"
    ax = P.plot_measure(s, "ice_detention_adp", title="Custom")
    assert ax.get_title() == "Custom"


def test_map_labels_of_the_bundled_cases_and_a_new_one_do_not_collide():
    """The crowded middle of the map, with a new country's cases added: no two labels overlap,
    and no label covers another text of the chart (the gap and corner labels)."""
    import itertools
    from pathlib import Path

    from matplotlib.text import Text

    aus = Path(__file__).parent / "cases" / "aus"
    s = sz.score(sz.load([aus], include_bundled=True))
    ax = plot.plot_map(s)
    ax.get_figure().canvas.draw()
    labels = [t for t in ax.texts if t.get_color() != "#8c8c8c" and "gap" not in t.get_text()]
    names = {" ".join(t.get_text().split()) for t in labels}
    assert {"Rudd II 2013", "Abbott 2013-2015", "Trump 2025- (ongoing)"} <= names
    boxes = [Text.get_window_extent(t) for t in labels]  # the text alone, not its leader line
    assert not [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]


def test_place_labels_reports_no_overlap_and_is_deterministic():
    from securitization.plot.layout import place_labels

    def placed():
        _, ax = plt.subplots(figsize=(4, 4))
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        xs = np.array([0.5, 0.52, 0.48, 0.5, 0.55])
        ys = np.array([0.5, 0.5, 0.52, 0.47, 0.53])
        return place_labels(ax, xs, ys, [f"label number {k}" for k in range(5)])

    a, b = placed(), placed()
    assert a.overlaps() == 0
    assert np.array_equal(a.boxes, b.boxes)


def test_pack_1d_by_hand():
    from securitization.plot.layout import pack_1d

    # apart already: unchanged
    assert pack_1d([10, 50], [10, 10], 0, 100, gap=0).tolist() == [10, 50]
    # two of width 10 wished at 50: centred on 50, side by side
    assert pack_1d([50, 50], [10, 10], 0, 100, gap=0).tolist() == [45, 55]
    # pushed off the right end, then merged with a neighbour
    assert pack_1d([80, 98], [20, 20], 0, 100, gap=0).tolist() == [70, 90]
    # wider together than the line: spread from the left
    assert pack_1d([0, 0], [60, 60], 0, 100, gap=0).tolist() == [30, 90]


def test_break_gaps_of_counts_on_a_day():
    from securitization.plot.layout import break_gaps

    days = pd.to_datetime(["2013-06-30", "2014-06-30", "2015-06-30", "2017-06-30"])
    start, end = pd.Series(days), pd.Series(days)
    _, v = break_gaps(start, end, start, np.arange(4.0))
    assert np.isnan(v).sum() == 1 and np.isnan(v[3])  # 2016 missing: broken before 2017, not between the others
    years = pd.Series(pd.to_datetime(["2007-01-01", "2008-01-01", "2010-01-01"]))
    ends = years + pd.offsets.YearEnd(0)
    _, v = break_gaps(years, ends, years, np.arange(3.0))
    assert np.isnan(v).sum() == 1  # a missing calendar year
