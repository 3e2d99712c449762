"""securitization: measure how intensely a government securitizes migration.

Following Philippe Bourbeau's framework (*The Securitization of Migration*, 2011): three
institutional indicators (I-1 legal components, I-2 orientation of institutions, I-3
saliency of the migration-security link) and two practice indicators (P-1 interdiction,
P-2 detention), scored from coded evidence with a trail from every number to its sources.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .codebook import Codebook, Dimension, Indicator, Level, MeasureRule, Scale, load_codebook
from .errors import (
    CodebookError,
    MissingDependencyError,
    ParameterError,
    Problem,
    SecuritizationError,
    ValidationError,
)
from .results import Explanation, Scores
from .scoring import score
from .tables import Dataset, load, read_table, validate_tables

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
    "Scale",
    "Scores",
    "SecuritizationError",
    "ValidationError",
    "__version__",
    "load",
    "load_codebook",
    "read_table",
    "score",
    "validate_tables",
]
