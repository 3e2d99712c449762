"""securitization: measure how intensely a government securitizes migration.

Following Philippe Bourbeau's framework (*The Securitization of Migration*, 2011): three
institutional indicators (I-1 legal components, I-2 orientation of institutions, I-3
saliency of the migration-security link) and two practice indicators (P-1 interdiction,
P-2 detention), scored from coded evidence with a trail from every number to its sources.

The package face: the names a notebook needs, re-exported from the subpackages that hold
them (see CONTRIBUTING.md for the layout).
"""

from __future__ import annotations

from . import plot
from ._version import __version__
from .codebook import Codebook, Dimension, Importance, Indicator, Level, MeasureRule, Scale, load_codebook
from .errors import (
    CodebookError,
    MissingDependencyError,
    ParameterError,
    Problem,
    SecuritizationError,
    ValidationError,
)
from .outputs import Chart, Outputs, analyse, new_case, write_charts, write_outputs, write_report
from .reading import read_table, register_reader
from .rules import register_rule
from .scoring import Explanation, Scores, score
from .tables import Dataset, load, validate_tables
from .uncertainty import (
    DEFAULT_SEED,
    Reliability,
    Sensitivity,
    bootstrap,
    index_sensitivity,
    intervals,
    joint,
    krippendorff_alpha,
    reliability,
    sensitivity,
)

__all__ = [
    "DEFAULT_SEED",
    "Chart",
    "Codebook",
    "CodebookError",
    "Dataset",
    "Dimension",
    "Explanation",
    "Importance",
    "Indicator",
    "Level",
    "MeasureRule",
    "MissingDependencyError",
    "Outputs",
    "ParameterError",
    "Problem",
    "Reliability",
    "Scale",
    "Scores",
    "SecuritizationError",
    "Sensitivity",
    "ValidationError",
    "__version__",
    "analyse",
    "bootstrap",
    "index_sensitivity",
    "intervals",
    "joint",
    "krippendorff_alpha",
    "load",
    "load_codebook",
    "new_case",
    "plot",
    "read_table",
    "register_reader",
    "register_rule",
    "reliability",
    "score",
    "sensitivity",
    "validate_tables",
    "write_charts",
    "write_outputs",
    "write_report",
]
