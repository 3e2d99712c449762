"""The calibration study written to a folder: its table (CSV, Markdown) and its charts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..export import frame_to_csv, frame_to_markdown
from ..files import OutputFolder
from ..plot import calibration_size, plot_calibration
from ..uncertainty import DEFAULT_SEED
from ..uncertainty.calibration import coverage_table
from .render import ImageFormat, check_dpi, render

__all__ = ["calibration_markdown", "write_calibration"]


def calibration_markdown(table: pd.DataFrame) -> str:
    """The study as the Markdown table the README shows: coverage of cells and cases, by items per cell."""
    ns = sorted(table["n_items"].unique())
    rows = []
    for g in dict.fromkeys(table["generative"]):
        for m in dict.fromkeys(table["method"]):
            d = table.loc[(table["generative"] == g) & (table["method"] == m)].set_index("n_items")
            if d.empty:
                continue
            for level, col in (("cells", "indicator_coverage"), ("cases", "overall_coverage")):
                row = {"true distributions": g, "method": m, "coverage of": level}
                row |= {f"{n} item{'s' if n != 1 else ''}": f"{d.at[n, col]:.2f}" for n in ns if n in d.index}
                rows.append(row)
    return frame_to_markdown(pd.DataFrame(rows), 2)


def write_calibration(
    out: str | Path,
    *,
    table: pd.DataFrame | None = None,
    n_cases: int = 400,
    n_draws: int = 1000,
    seed: int = DEFAULT_SEED,
    formats: tuple[ImageFormat, ...] = ("png", "svg"),
    dpi: float = 150,
) -> list[Path]:
    """Run the calibration study (or take its ``table``) and write ``calibration.csv``, ``calibration.md``
    and the charts ``calibration-indicator`` and ``calibration-overall`` into the folder ``out``."""
    dpi = check_dpi(dpi, "write_calibration")
    t = table if table is not None else coverage_table(n_cases=n_cases, n_draws=n_draws, seed=seed)
    folder = OutputFolder(out)
    written = [
        folder.write_text("calibration.csv", text=frame_to_csv(t, "%.10g")),
        folder.write_text(
            "calibration.md",
            text="# Calibration of the nominal 90% intervals\n\n" + calibration_markdown(t) + "\n",
        ),
    ]
    for level in ("indicator", "overall"):
        images = render(
            lambda ax, level=level: plot_calibration(t, level=level, ax=ax),
            calibration_size(t),
            formats=formats,
            dpi=dpi,
        )
        for fmt, data in images.items():
            written.append(folder.write_bytes(f"calibration-{level}.{fmt}", data=data))
    return written
