"""Outputs: everything the library writes to files.

* :mod:`.render`: the one path by which a chart becomes PNG, SVG or PDF bytes;
* :mod:`.gallery`: every comparison chart of a set of scores, with an index page;
* :mod:`.report`: the Markdown and HTML report of one case with its evidence trail;
* :mod:`.template`: a ready-to-fill folder for a new case;
* :mod:`.calibration`: the calibration study of the intervals, as tables and charts;
* :mod:`.run`: the main job (``securitization run``): all of the above in one folder.

Every writer goes through :class:`~securitization.files.OutputFolder`: it writes only
inside its folder, atomically, and never over an input.
"""

from __future__ import annotations

from .calibration import calibration_markdown, write_calibration
from .gallery import Chart, chart_specs, write_charts
from .report import Report, write_report
from .run import DEFAULT_SEED, Analysis, Outputs, analyse, write_outputs
from .template import NewCase, coding_guide, new_case

__all__ = [
    "DEFAULT_SEED",
    "Analysis",
    "Chart",
    "NewCase",
    "Outputs",
    "Report",
    "analyse",
    "calibration_markdown",
    "chart_specs",
    "coding_guide",
    "new_case",
    "write_calibration",
    "write_charts",
    "write_outputs",
    "write_report",
]
