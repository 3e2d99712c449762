"""The schemas of the input tables: their columns, what each must hold, and bounds.

Columns (see ``data/README.md`` for the full data dictionary):

* cases: ``case, country, label, start`` required; ``leader, end, population,
  population_year, population_source, notes`` optional.
* evidence: ``evidence_id, case, indicator, date, kind, title, source, code`` required;
  ``country, summary, url, quote, weight, coder, notes`` optional. ``case`` may be empty
  when ``country`` is given: the case is then the one of that country whose term holds
  the date.
* measures: ``country, indicator, measure, period, value, unit, source`` required;
  ``url, notes, label`` (a readable name of the series, for charts) and ``provenance``
  (a JSON object: where a computed measure comes from) optional. Values are non-negative,
  but for the signed units (``logit``, ``log-odds``, ``log ratio``, ``change``,
  ``difference``).

* countries: ``country, start_month, source`` required; ``single, notes`` optional (a
  country's fiscal year, overriding the package's table).
* adjudications: ``evidence_id, code, adjudicator, reason`` required; ``notes`` optional:
  the code an adjudicator settled on for a doubly coded item whose coders disagree, and
  why. Scores use it; the coders' own codes still drive reliability and the coder
  uncertainty.

Columns whose name starts with ``x_`` are the user's own and are kept unchecked.
"""

from __future__ import annotations

from ..reading import TableKind

__all__ = [
    "ADJUDICATION_COLUMNS",
    "CASE_COLUMNS",
    "COLUMNS",
    "COUNTRY_COLUMNS",
    "DEFAULT_CODER",
    "EVIDENCE_COLUMNS",
    "MAX_POPULATION",
    "MAX_VALUE",
    "MEASURE_COLUMNS",
]

CASE_COLUMNS: dict[str, bool] = {  # name -> required
    "case": True,
    "country": True,
    "label": True,
    "leader": False,
    "start": True,
    "end": False,
    "population": False,
    "population_year": False,
    "population_source": False,
    "notes": False,
}
EVIDENCE_COLUMNS: dict[str, bool] = {
    "evidence_id": True,
    "case": True,
    "country": False,
    "indicator": True,
    "date": True,
    "kind": True,
    "title": True,
    "summary": False,
    "source": True,
    "url": False,
    "quote": False,
    "code": True,
    "weight": False,
    "coder": False,
    "notes": False,
}
MEASURE_COLUMNS: dict[str, bool] = {
    "country": True,
    "indicator": True,
    "measure": True,
    "period": True,
    "value": True,
    "unit": True,
    "source": True,
    "url": False,
    "notes": False,
    "label": False,
    "provenance": False,
}
COUNTRY_COLUMNS: dict[str, bool] = {
    "country": True,
    "start_month": True,
    "single": False,
    "source": True,
    "notes": False,
}
ADJUDICATION_COLUMNS: dict[str, bool] = {
    "evidence_id": True,
    "code": True,
    "adjudicator": True,
    "reason": True,
    "notes": False,
}
COLUMNS: dict[TableKind, dict[str, bool]] = {
    "cases": CASE_COLUMNS,
    "evidence": EVIDENCE_COLUMNS,
    "measures": MEASURE_COLUMNS,
    "countries": COUNTRY_COLUMNS,
    "adjudications": ADJUDICATION_COLUMNS,
}
DEFAULT_CODER = "c1"
#: Bounds of the numbers a table may hold: no population or measure beyond these is real.
MAX_POPULATION = 1e10
MAX_VALUE = 1e13
