"""The worked notebooks run top to bottom and write nothing outside a temporary folder.

The notebooks are kept in git as jupytext percent scripts (``notebooks/*.py``): readable
diffs, no stale outputs. Open them in Jupyter with jupytext, or convert with
``jupytext --to ipynb notebooks/01-quickstart.py``.
"""

from __future__ import annotations

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
def test_notebook_runs(path: Path) -> None:
    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    nb = jupytext.read(path)
    before = _snapshot(NOTEBOOKS)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    assert _snapshot(NOTEBOOKS) == before  # nothing written beside the notebooks
