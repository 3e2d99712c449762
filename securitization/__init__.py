"""securitization: measure how intensely a government securitizes migration.

Following Philippe Bourbeau's framework (*The Securitization of Migration*, 2011): three
institutional indicators (I-1 legal components, I-2 orientation of institutions, I-3
saliency of the migration-security link) and two practice indicators (P-1 interdiction,
P-2 detention), scored from coded evidence with a trail from every number to its sources.
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

from .codebook import Codebook, Dimension, Indicator, Level, MeasureRule, Scale, load_codebook
from .errors import (
    CodebookError,
    MissingDependencyError,
    ParameterError,
    Problem,
    SecuritizationError,
    ValidationError,
)
from .reliability import Reliability, krippendorff_alpha, reliability
from .results import Explanation, Scores
from .scoring import score
from .sensitivity import Sensitivity, index_sensitivity, sensitivity
from .tables import Dataset, load, read_table, validate_tables
from .template import new_case
from .uncertainty import bootstrap

if TYPE_CHECKING:  # imported on first use (they import matplotlib): see __getattr__
    from . import charts, plot
    from .charts import Chart, write_charts
    from .report import write_report

__all__ = [
    "Codebook",
    "CodebookError",
    "Dataset",
    "Dimension",
    "Explanation",
    "Indicator",
    "Level",
    "MeasureRule",
    "MissingDependencyError",
    "ParameterError",
    "Problem",
    "Reliability",
    "Scale",
    "Scores",
    "SecuritizationError",
    "Sensitivity",
    "ValidationError",
    "__version__",
    "bootstrap",
    "index_sensitivity",
    "krippendorff_alpha",
    "load",
    "load_codebook",
    "new_case",
    "read_table",
    "reliability",
    "score",
    "sensitivity",
    "validate_tables",
]
__all__ += ["Chart", "charts", "plot", "write_charts", "write_report"]

_LAZY = {"plot": "plot", "charts": "charts", "Chart": "charts", "write_charts": "charts", "write_report": "report"}


def __getattr__(name: str) -> Any:
    """Import the chart modules, and matplotlib with them, only when first used."""
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return module if name == _LAZY[name] else getattr(module, name)
    raise AttributeError(f"module 'securitization' has no attribute {name!r}")
