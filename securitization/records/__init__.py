"""From enforcement records to P-1 and P-2 measures, with provenance.

Record files (Parquet, CSV, Feather, xlsx) of a source described by a *layout* become rows
of the measures table, ready for :func:`securitization.load`, :func:`securitization.score`
and ``explain()``. Each row carries its provenance (a JSON object in the ``provenance``
column): the input files and their SHA-256, the records read, used and dropped with the
reasons, the layout and definition versions, the engine and the query.

Bundled layouts (``securitization/records/layouts/*.toml``):

* ``ddp-detention-stints`` - the Deportation Data Project's ICE detention stints:
  book-ins, average daily population (stays clipped to the fiscal year), median and 90th
  percentile length of stay, share without a criminal conviction;
* ``cbp-encounters`` - CBP's Nationwide Encounters (published or snake_case headers):
  encounters, Title 8 encounters, Title 42 expulsions per fiscal year;
* ``ice-detention-stats`` - ICE's fiscal-year detention statistics as long tables: ADP,
  book-ins, non-criminal share, book-outs, removals, length of stay, per facility; the
  latest pull of each year.

Engines: DuckDB (default, embedded, out of core), Spark (PySpark) and pandas run the same
definitions. Bad records are counted by reason and reported, never dropped in silence.

Examples
--------
>>> import tempfile
>>> from securitization.records import measures_from_records
>>> from securitization.records.synthetic import write_stints
>>> path = write_stints(tempfile.mkdtemp(), n_people=200, rng=7)
>>> res = measures_from_records(path, layout="ddp-detention-stints", country="USA", as_of="2020-09-30")
>>> res.measures.loc[res.measures["measure"] == "ice_detention_book_ins", "period"].tolist()
['FY2017', 'FY2018', 'FY2019', 'FY2020']
"""

from __future__ import annotations

from .core import FISCAL_YEAR_START, RecordsResult, fiscal_year_start, format_period, measures_from_records
from .engines import DUCKDB_VERSION, ENGINES, SPARK_VERSION, EngineName, spark_session
from .layouts import Definition, Layout, LayoutError, MeasureSpec, bundled_layouts, definitions, load_layout

__all__ = [
    "DUCKDB_VERSION",
    "ENGINES",
    "FISCAL_YEAR_START",
    "SPARK_VERSION",
    "Definition",
    "EngineName",
    "Layout",
    "LayoutError",
    "MeasureSpec",
    "RecordsResult",
    "bundled_layouts",
    "definitions",
    "fiscal_year_start",
    "format_period",
    "load_layout",
    "measures_from_records",
    "spark_session",
]
