"""Tests of the chart gallery (securitization.charts) and the ``charts`` command.

Synthetic cases are built in code and written to a temporary folder: the bundled data
are being coded and may change.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import html
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import securitization as sz
from securitization.cli import main
from securitization.errors import ParameterError
from securitization.outputs.gallery import chart_specs, write_charts

CASES = pd.DataFrame(
    {
        "case": ["usa-alpha", "usa-beta", "mex-gamma"],
        "country": ["USA", "USA", "MEX"],
        "label": ["US Alpha 2001-2005", "US Beta 2005-2009", "Mexico Gamma 2006-2012"],
        "leader": ["A. Alpha", "B. Beta", "G. Gamma"],
        "start": ["2001-01-20", "2005-01-20", "2006-12-01"],
        "end": ["2005-01-19", "2009-01-19", "2012-11-30"],
    }
)
KINDS = {"I-1": "statute", "I-2": "programme", "I-3": "speech", "P-1": "operation", "P-2": "statistics"}


def evidence() -> pd.DataFrame:
    """Every indicator for the US cases, doubly coded; institutional items only for MEX."""
    rows = []
    plan = {
        "usa-alpha": ("2002", {"I-1": (3, 2), "I-2": (2, 2), "I-3": (3, 4), "P-1": (2, 1), "P-2": (1, 2)}),
        "usa-beta": ("2006", {"I-1": (4, 3), "I-2": (3, 4), "I-3": (4, 4), "P-1": (3, 3), "P-2": (3, 2)}),
        "mex-gamma": ("2008", {"I-1": (1, 2), "I-2": (2, 3), "I-3": (1, 1)}),
    }
    for case, (year, codes) in plan.items():
        for ind, pair in codes.items():
            for k, code in enumerate(pair, start=1):
                row = {
                    "evidence_id": f"{case}-{ind}-{k}",
                    "case": case,
                    "indicator": ind,
                    "date": f"{year}-{3 + 4 * k:02d}-15",
                    "kind": KINDS[ind],
                    "title": f"Item {k} on {ind}",
                    "source": f"Source {case} {ind} {k}",
                    "code": str(code),
                    "weight": str(k),
                    "coder": "c1",
                }
                rows.append(row)
                rows.append({**row, "code": str(code if (k + len(ind)) % 3 else max(code - 1, 0)), "coder": "c2"})
    return pd.DataFrame(rows)


def measures() -> pd.DataFrame:
    rows = [
        ("USA", "P-2", "ice_detention_midnight_pop", f"FY{fy}", str(20000 + 1500 * i), "persons", "Synthetic")
        for i, fy in enumerate(range(2002, 2009))
    ]
    return pd.DataFrame(rows, columns=["country", "indicator", "measure", "period", "value", "unit", "source"])


@pytest.fixture(scope="module")
def scores() -> sz.Scores:
    return sz.score(sz.validate_tables(cases=[CASES], evidence=[evidence()], measures=[measures()]))


@pytest.fixture
def tables(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    folder.mkdir()
    CASES.to_csv(folder / "cases.csv", index=False)
    evidence().to_csv(folder / "evidence.csv", index=False)
    measures().to_csv(folder / "measures.csv", index=False)
    return folder


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_specs_have_stable_names(scores):
    names = [s.name for s in chart_specs(scores)]
    assert names == [
        "ranking",
        "heatmap",
        "map",
        "profile",
        "profile-mex",
        "profile-usa",
        "timeline-mex",
        "timeline-usa",
        "measure-ice-detention-midnight-pop",
    ]
    boot = sz.bootstrap(scores, n_boot=20, rng=1)
    assert "rank-intervals" in [s.name for s in chart_specs(boot)]


def test_write_charts_files_and_index(scores, tmp_path):
    rel = sz.reliability(scores, n_boot=20, rng=1)
    sens = sz.sensitivity(scores, n=8, rng=1)
    before = dict(matplotlib.rcParams)
    charts = write_charts(scores, tmp_path, formats=("svg",), reliability=rel, sensitivity=sens, dpi=40)
    assert dict(matplotlib.rcParams) == before  # no global settings changed
    names = [c.name for c in charts]
    assert names[-2:] == ["rank-intervals", "reliability"]
    written = {p.name for p in tmp_path.iterdir()}
    assert written == {f"{n}.svg" for n in names} | {"index.md", "index.html"}
    index = (tmp_path / "index.md").read_text(encoding="utf-8")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    for c in charts:
        assert f"## {c.title}" in index
        assert c.caption in index
        assert f"({c.name}.svg)" in index
        # the web page shows every chart with its caption (the image beside it, by a relative link)
        assert f'<img src="{c.name}.svg"' in page
        assert html.escape(c.caption, quote=True) in page
    assert page.startswith("<!DOCTYPE html>") and "default-src 'none'" in page and "<script" not in page
    # the captions say what the intervals and the rank intervals are
    caption = {c.name: c.caption for c in charts}
    assert "90% interval under the sensitivity analysis" in caption["rank-intervals"]
    assert "α = 0.8 for firm conclusions" in caption["reliability"]
    assert "Context: not scored" in caption["measure-ice-detention-midnight-pop"]
    svg = (tmp_path / "map.svg").read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert "securitization" in svg  # the creator, no software version


def test_write_charts_rejects_bad_input(scores, tmp_path):
    with pytest.raises(ParameterError, match="'formats' parameter of write_charts"):
        write_charts(scores, tmp_path, formats=("gif",))  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="'scores' parameter of write_charts"):
        write_charts(pd.DataFrame(), tmp_path)  # type: ignore[arg-type]


def test_charts_command_is_deterministic(tables, tmp_path):
    args = ["--draws", "40", "--sensitivity-n", "8", "--seed", "7", "--dpi", "50"]
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["charts", str(tables), "--out", str(a), *args]) == 0
    assert main(["charts", str(tables), "--out", str(b), *args]) == 0
    fa, fb = files_of(a), files_of(b)
    expected = {
        "ranking",
        "heatmap",
        "map",
        "profile",
        "profile-mex",
        "profile-usa",
        "timeline-mex",
        "timeline-usa",
        "measure-ice-detention-midnight-pop",
        "rank-intervals",
        "reliability",
    }
    assert set(fa) == {f"{n}.{ext}" for n in expected for ext in ("png", "svg")} | {"index.md", "index.html"}
    assert fa.keys() == fb.keys()
    for name in fa:
        assert fa[name] == fb[name], f"{name} differs between two runs"
    assert fa["ranking.png"].startswith(b"\x89PNG")
    assert b"Software" not in fa["ranking.png"]
    # the scores carried bootstrap intervals
    index = (a / "index.md").read_text(encoding="utf-8")
    assert "Intervals: thick bar: 68% interval; thin line: 90% interval, over the evidence" in index


def test_charts_command_invalid_input(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    CASES.assign(country="usa").to_csv(bad / "cases.csv", index=False)
    assert main(["charts", str(bad), "--out", str(tmp_path / "out")]) == 1
    assert not (tmp_path / "out").exists()


def test_run_also_writes_the_charts(tables, tmp_path, monkeypatch):
    import securitization.outputs.run as charts_module

    calls = []

    def fake(scores, out, **kwargs):
        calls.append((scores, Path(out), kwargs))
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / "index.md").write_text("charts\n", encoding="utf-8")
        return []

    monkeypatch.setattr(charts_module, "write_charts", fake)
    out = tmp_path / "run"
    assert main(["run", str(tables), "--out", str(out)]) == 0
    assert (out / "scores.csv").exists()
    ((s, folder, kwargs),) = calls
    assert folder == out
    assert isinstance(s, sz.Scores)
    assert any(str(p).endswith("evidence.csv") for p in kwargs["inputs"])


def test_bundled_gallery_specs():
    """Whatever the bundled data hold, the gallery lists the core charts."""
    specs = chart_specs(sz.score(sz.load()))
    names = [s.name for s in specs]
    assert names[:4] == ["ranking", "heatmap", "map", "profile"]
    assert len(set(names)) == len(names)
    assert np.all([s.caption for s in specs])
