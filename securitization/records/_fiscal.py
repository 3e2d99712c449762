"""Fiscal years of the records: bounds, the years a run covers, and how a period is written.

A fiscal year belongs to its country (:func:`securitization.countries.fiscal_year`).
Internally a fiscal year is numbered by the calendar year it *ends* in (as the US federal
year and ICE's and CBP's tables are): with a start in October, ``2019`` is 1 October 2018
to 30 September 2019. The label written in the measures table is the one
:func:`securitization.periods.parse_period` reads back, for that country, as exactly those
days (:func:`format_period`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..countries import FiscalYear, bundled_fiscal_years, fiscal_year
from ..errors import ParameterError

__all__ = [
    "as_of_day",
    "epoch",
    "fiscal_year_bounds",
    "fiscal_year_of",
    "format_period",
    "from_epoch",
    "periods_between",
    "resolve_fiscal_year",
]


def fiscal_year_bounds(fy: int, start_month: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First instant of fiscal year ``fy`` and of the next one (``fy`` named by the year it ends in).

    Examples
    --------
    >>> [str(t.date()) for t in fiscal_year_bounds(2019, 10)]
    ['2018-10-01', '2019-10-01']
    >>> [str(t.date()) for t in fiscal_year_bounds(2019, 1)]
    ['2019-01-01', '2020-01-01']
    """
    start = pd.Timestamp(fy - (1 if start_month > 1 else 0), start_month, 1)
    return start, start + pd.DateOffset(years=1)


def fiscal_year_of(t: pd.Timestamp, start_month: int) -> int:
    """The fiscal year (named by the year it ends in) of an instant."""
    return int(t.year + (1 if start_month > 1 and t.month >= start_month else 0))


def epoch(t: pd.Timestamp) -> float:
    """Seconds since 1970-01-01 (no time zone)."""
    return float((t - pd.Timestamp(1970, 1, 1)).total_seconds())


def from_epoch(x: Any) -> pd.Timestamp | None:
    """The instant ``x`` seconds after 1970-01-01 (microseconds), or ``None``."""
    return None if x is None else pd.Timestamp(1970, 1, 1) + pd.Timedelta(microseconds=round(float(x) * 1e6))


def periods_between(
    first: pd.Timestamp, as_of_end: pd.Timestamp, start_month: int
) -> dict[int, tuple[pd.Timestamp, pd.Timestamp]]:
    """The fiscal years from the one holding ``first`` to the one ending at ``as_of_end``, cut there."""
    out = {}
    last = fiscal_year_of(as_of_end - pd.Timedelta(microseconds=1), start_month)
    for fy in range(fiscal_year_of(first, start_month), last + 1):
        s, e = fiscal_year_bounds(fy, start_month)
        out[fy] = (s, min(e, as_of_end))
    return out


def as_of_day(bounds: Sequence[Any], as_of: dt.date | None) -> tuple[pd.Timestamp | None, dt.date | None]:
    """``(first book-in, as_of)``: the as-of day defaults to the day of the latest event in ``bounds[1:]``."""
    first = bounds[0]
    if first is None or pd.isna(first):
        return None, as_of
    if as_of is None:
        latest = max(pd.Timestamp(b) for b in bounds[1:] if b is not None and not pd.isna(b))
        as_of = latest.date()
    return pd.Timestamp(first), as_of


def resolve_fiscal_year(
    country: str, start_month: int | None = None, *, caller: str = "measures_from_records"
) -> FiscalYear:
    """The fiscal year of ``country`` (the package's countries table), or one starting in ``start_month``.

    Raises
    ------
    ParameterError
        If the country has no fiscal year on record and no start month is given, or the
        month is not 1-12.

    Examples
    --------
    >>> resolve_fiscal_year("USA").start_month, resolve_fiscal_year("GBR").start_month
    (10, 4)
    >>> resolve_fiscal_year("USA", 1).start_month
    1
    """
    if start_month is not None:
        if isinstance(start_month, bool) or not isinstance(start_month, int) or not 1 <= start_month <= 12:
            raise ParameterError.invalid("fiscal_year_start_month", caller, "an integer 1-12", start_month)
        known = fiscal_year(country)
        if known is not None and known.start_month == start_month:
            return known
        return FiscalYear(
            country=country,
            start_month=start_month,
            single=None,
            source=f"given to {caller} (fiscal_year_start_month={start_month})",
        )
    known = fiscal_year(country)
    if known is None:
        raise ParameterError(
            f"The fiscal year of {country!r} is not in the package's countries table "
            f"(it has {', '.join(sorted(bundled_fiscal_years()))}). Pass fiscal_year_start_month=1-12 "
            "(--fiscal-year-start on the command line): the periods are then written as dates, "
            "e.g. 2018-04-01/2019-03-31."
        )
    return known


def _interval(start: pd.Timestamp, nxt: pd.Timestamp) -> str:
    return f"{start.date()}/{(nxt - pd.Timedelta(days=1)).date()}"


def format_period(fy: int, fiscal: FiscalYear, end: pd.Timestamp | None = None) -> str:
    """The label of fiscal year ``fy`` (named by the year it ends in) in the measures table.

    The label is the country's own when the fiscal year is the one of the package's
    countries table: ``FY2019`` where a one-year label names the year it ends in (US),
    ``FY2018`` where it names the year it starts in (Japan), ``FY2018-19`` where the two
    years are written (UK, Canada, Australia), ``2019`` for a calendar fiscal year (for any
    country). Another fiscal year given by hand (not the table's), or one cut short
    (``end``: the first instant after the data), is written as an interval of days, which
    every country reads the same way.

    Examples
    --------
    >>> from securitization.countries import fiscal_year
    >>> [format_period(2019, fiscal_year(c)) for c in ("USA", "GBR", "JPN", "DEU")]
    ['FY2019', 'FY2018-19', 'FY2018', '2019']
    >>> format_period(2025, fiscal_year("USA"), pd.Timestamp("2025-03-16"))
    '2024-10-01/2025-03-15'
    >>> format_period(2019, resolve_fiscal_year("USA", 4)), format_period(2019, resolve_fiscal_year("MEX", 1))
    ('2018-04-01/2019-03-31', '2019')
    """
    start, nxt = fiscal_year_bounds(fy, fiscal.start_month)
    if end is not None and end < nxt:
        return _interval(start, end)
    if fiscal.start_month == 1:
        return str(fy)  # a calendar year, read the same way for every country
    if fiscal != fiscal_year(fiscal.country):
        return _interval(start, nxt)
    if fiscal.single == "end":
        return f"FY{fy}"
    if fiscal.single == "start":
        return f"FY{fy - 1}"
    return f"FY{fy - 1}-{fy % 100:02d}"
