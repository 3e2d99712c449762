"""The worked notebooks run top to bottom and write nothing outside a temporary folder.

The notebooks are kept in git as jupytext percent scripts (``notebooks/*.py``): readable
diffs, no stale outputs. Open them in Jupyter with jupytext, or convert and run one with
``jupytext --to ipynb --execute notebooks/01-quickstart.py`` (the README's command). Each
runs from any folder (here: a temporary one), shows no ``<Axes ...>`` echo and ends with a
conclusion in prose printed from the numbers it computed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.py"))


def _snapshot(folder: Path) -> dict[str, float]:
    return {str(p.relative_to(folder)): p.stat().st_mtime for p in folder.rglob("*") if p.is_file()}


def test_the_notebooks_exist() -> None:
    assert [p.stem for p in PATHS] == [
        "01-quickstart",
        "02-us-administrations",
        "03-new-country-case",
        "04-uncertainty-and-reliability",
        "05-calibration",
        "06-records-to-p2",
        "07-corpus-i3",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs(path: Path, tmp_path: Path) -> None:
    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    nb = jupytext.read(path)
    before = _snapshot(NOTEBOOKS)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # from a folder that is not the notebooks' own
    code = [c for c in nb.cells if c.cell_type == "code"]
    outputs = [o for c in code for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    plain = ["".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", "")) for o in outputs]
    assert not [t for t in plain if t.startswith(("<Axes", "<matplotlib", "[<matplotlib", "<PolarAxes"))]
    assert not [t for t in plain if "Warning" in t]  # no warning reaches the reader
    last = "".join(o.get("text", "") for o in code[-1].get("outputs", []) if o.output_type == "stream")
    assert len(last.split()) >= 40, last  # the conclusion, in prose, printed from the numbers
    assert _snapshot(NOTEBOOKS) == before  # nothing written beside the notebooks


def test_notebooks_cite_and_do_not_hard_code_paths() -> None:
    text = {p.stem: p.read_text(encoding="utf-8") for p in PATHS}
    assert "*The Securitization of Migration" in text["02-us-administrations"]
    assert "why the Trump administration pressed Mexico to curb irregular migration" in text["02-us-administrations"]
    for name, t in text.items():
        assert 'read_csv("' not in t and 'Path("..")' not in t, name  # paths come from the package
    assert "negative" in text["04-uncertainty-and-reliability"].lower()


@pytest.mark.slow
def test_the_readme_command_executes_a_notebook(tmp_path: Path) -> None:
    pytest.importorskip("nbconvert")
    jupytext = Path(sys.executable).parent / "jupytext"
    if not jupytext.exists():
        pytest.skip("jupytext's command is not installed beside this Python")
    readme = (NOTEBOOKS.parent / "README.md").read_text(encoding="utf-8")
    command = ".venv/bin/jupytext --to ipynb --execute notebooks/01-quickstart.py"
    assert command in readme
    (tmp_path / "notebooks").mkdir()
    shutil.copy(NOTEBOOKS / "01-quickstart.py", tmp_path / "notebooks")
    run = subprocess.run(
        [str(jupytext), *command.split()[1:]], cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert (tmp_path / "notebooks" / "01-quickstart.ipynb").stat().st_size > 10_000
