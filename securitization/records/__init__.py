"""From enforcement records to P-1 and P-2 measures, with provenance.

Record files (Parquet, CSV, Feather, xlsx) of a source described by a *layout* become rows
of the measures table, ready for :func:`securitization.load`, :func:`securitization.score`
and ``explain()``. Each row carries its provenance (a JSON object in the ``provenance``
column): the input files and their SHA-256, the records read, used and dropped with the
reasons, the layout and definition versions, the engine and the query;
:func:`describe_provenance` turns it into a few readable lines.

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

Notes
-----
The definitions (``definitions.toml``, each versioned; version 1 throughout):

* Stays: stints collapse into one stay per person and stay book-in. A stay ends at the
  latest stay book-out of its stints; when none has one but every stint has a book-out,
  at the latest book-out; otherwise it is open and counts as detained to the end of the
  ``as_of`` day (default: the day of the latest book-in or book-out in the files).
* ``stints.book-ins``: stays whose stay book-in falls in the fiscal year.
* ``stints.adp``: each stay clipped to the fiscal year; the clipped lengths (days, exact
  times) summed and divided by the year's days (a year cut short by ``as_of`` counts the
  days it covers, and is written as an interval of days).
* ``stints.length-of-stay``: median and 90th percentile (linear interpolation, type 7) of
  book-out minus book-in, in days, of the closed stays that end in the year.
* ``stints.noncriminal-share``: (pending + other) / (convicted + pending + other) over the
  stays booked in during the year; a stay has the most serious class of its stints.
* ``encounters.count``: sum of the encounter counts per fiscal year (optionally of one
  Title of Authority); exact duplicate rows once.
* ``fy-table.latest-pull``: ICE's own figure of the fiscal year from its latest pull.

Bad records and what is done with them: no person, a redacted person, no (or an
unreadable, or a redacted) stay book-in - dropped; book-out before book-in, an unreadable
stay book-out - the stay dropped; duplicated stints (same person, stay book-in and
book-in) - counted once, exactly, in the pass that builds the stays; open stays - kept to
``as_of``; stays across fiscal years - clipped; unknown, missing or redacted criminality -
left out of the share. Periods follow the country's fiscal year
(:func:`securitization.countries.fiscal_year`; US federal: October, written ``FY2019``),
written so that :func:`securitization.load` reads them back as the same days
(:func:`format_period`).

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

from ._fiscal import format_period, resolve_fiscal_year
from .core import RecordsResult, measures_from_records
from .engines import DUCKDB_VERSION, ENGINES, SPARK_VERSION, EngineName, spark_session
from .layouts import Definition, Layout, LayoutError, MeasureSpec, bundled_layouts, definitions, load_layout
from .provenance import describe_provenance

__all__ = [
    "DUCKDB_VERSION",
    "ENGINES",
    "SPARK_VERSION",
    "Definition",
    "EngineName",
    "Layout",
    "LayoutError",
    "MeasureSpec",
    "RecordsResult",
    "bundled_layouts",
    "definitions",
    "describe_provenance",
    "format_period",
    "load_layout",
    "measures_from_records",
    "resolve_fiscal_year",
    "spark_session",
]
