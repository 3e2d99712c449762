"""Dates and periods as coders write them, read exactly or refused with the accepted forms.

**Dates** (of evidence items, and the start and end of a term): ``2017-01-25`` (also
``2017-1-25``, ``2017/01/25``, with a time of day ``00:00`` ignored), ``2017-01`` or ``2017``
when only the month or year is known, ``25 January 2017``, ``January 25, 2017``,
``January 2017`` (English month names, ``Jan`` ... ``Sept`` ... ``Dec`` too), and day-month-year
with ``/``, ``.`` or ``-`` (``25/01/2017``): a column of such dates is read day first when
some day is above 12 and no month is, month first in the opposite case, and refused when
day and month cannot be told apart (``05/04/2017``). A bare five-digit number (an Excel date
serial exported as a number) is refused: its meaning depends on the workbook.

**Periods** (of measures), in the country's own convention:

* fiscal years: ``FY2017`` (for countries whose one-year label is settled: the US year ends
  in the year named, Japan's starts in it), ``FY2016-17``, ``FY2016/17``, ``2016/17`` and, where
  it cannot be a month, ``2016-17``; the year starts in the month of the country's fiscal
  year (:mod:`securitization.countries`), never another country's;
* calendar years ``2017``, year ranges ``1993-1998``, quarters ``2017-Q3`` (``2017Q3``,
  ``Q3 2017``), months ``2017-06`` or ``June 2017``, days (a count on that day), and
  intervals ``2019-06-07/2020-06-07`` between two dates of any of these precisions.

A label that two conventions read differently is refused with both readings: ``2011-12``
(December 2011, or the fiscal year 2011-12?) and ``2016-2017`` or ``2016/2017`` (two calendar
years, or one fiscal year?) for a country whose fiscal year is not the calendar year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd

from .countries import MONTHS, FiscalYear

__all__ = [
    "DATE_FORMS",
    "DATE_RANGE",
    "MAX_YEAR",
    "MIN_YEAR",
    "PERIOD_FORMS",
    "PeriodError",
    "SlashOrder",
    "assign_by_overlap",
    "parse_date",
    "parse_period",
    "slash_order",
]

#: The years a date or period may fall in: nothing the library scores lies outside them.
MIN_YEAR, MAX_YEAR = 1800, 2199
DATE_RANGE = f"between {MIN_YEAR} and {MAX_YEAR}"
DATE_FORMS = (
    "a valid date such as 2017-01-25 (or 2017-01 or 2017 when only the month or year is known; also 25 January 2017, "
    "January 25, 2017 and 25/01/2017)"
)
PERIOD_FORMS = (
    "a period such as 2017, 1993-1998, 2017-Q3, 2017-06, 2017-06-30, 2019-06-07/2020-06-07, or a fiscal year "
    "FY2016-17 / 2016/17 (FY2017 where the country names fiscal years by one year)"
)

SlashOrder = Literal["dmy", "mdy"]

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ISO = re.compile(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
_TEXT_DMY = re.compile(rf"^(\d{{1,2}})\s+{_MONTH},?\s+(\d{{4}})$", re.IGNORECASE)
_TEXT_MDY = re.compile(rf"^{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})$", re.IGNORECASE)
_TEXT_MY = re.compile(rf"^{_MONTH},?\s+(\d{{4}})$", re.IGNORECASE)
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_FY = re.compile(r"^FY\s?(\d{4})(?:\s?[-/]\s?(\d{2}|\d{4}))?$", re.IGNORECASE)
_TWO_YEARS = re.compile(r"^(\d{4})\s?([-/])\s?(\d{2}|\d{4})$")
_QUARTER = re.compile(r"^(?:(\d{4})\s?-?\s?Q([1-4])|Q([1-4])\s?-?\s?(\d{4}))$", re.IGNORECASE)


class PeriodError(ValueError):
    """A date or period cell that cannot be read exactly; the message says why."""


Span = tuple[pd.Timestamp, pd.Timestamp]


def _year(y: int) -> int:
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise PeriodError(f"a date or period {DATE_RANGE}")
    return y


def _day(y: int, m: int, d: int) -> Span:
    _year(y)
    try:
        t = pd.Timestamp(y, m, d)
    except ValueError:
        raise PeriodError(f"a valid date ({y}-{m:02d}-{d:02d} is not a day of the calendar)") from None
    return t, t


def _month(y: int, m: int) -> Span:
    if not 1 <= m <= 12:
        raise PeriodError(f"a month 1-12 (got {m})")
    start = pd.Timestamp(_year(y), m, 1)
    return start, start + pd.offsets.MonthEnd(0)


def _calendar_year(y: int) -> Span:
    return pd.Timestamp(_year(y), 1, 1), pd.Timestamp(y, 12, 31)


def _slash_parts(text: str) -> tuple[int, int, int] | None:
    m = _DMY.match(text)
    return (int(m.group(1)), int(m.group(3)), int(m.group(4))) if m else None


def slash_order(values: Iterable[str]) -> SlashOrder | Literal["mixed"] | None:
    """The order of the day-month-year dates of a column: from a day above 12 or a month above 12.

    ``"dmy"`` when some first part is above 12 and no second part is, ``"mdy"`` in the
    opposite case, ``"mixed"`` when both occur, ``None`` when no cell tells (then such dates
    are ambiguous and refused).

    Examples
    --------
    >>> slash_order(["14/05/2014", "05/04/2014"])
    'dmy'
    >>> slash_order(["05/04/2014"]) is None
    True
    """
    first = second = False
    for v in values:
        parts = _slash_parts(str(v).strip())
        if parts:
            first |= parts[0] > 12
            second |= parts[1] > 12
    if first and second:
        return "mixed"
    return "dmy" if first else "mdy" if second else None


def parse_date(text: str, order: SlashOrder | None = None, *, serials: bool = False) -> Span | None:
    """The first and last day a date cell covers, or ``None`` when it is not a date.

    ``order`` tells how to read day-month-year dates whose day is 12 or less (see
    :func:`slash_order`). Use :func:`read_date` for the reason a cell is refused.

    Examples
    --------
    >>> parse_date("2017-01-25")[0].date()
    datetime.date(2017, 1, 25)
    >>> [str(d.date()) for d in parse_date("2016-02")]
    ['2016-02-01', '2016-02-29']
    >>> parse_date("2019-02-30") is None
    True
    >>> parse_date("14/05/2014")[0].date()
    datetime.date(2014, 5, 14)
    """
    try:
        return read_date(text, order, serials=serials)
    except PeriodError:
        return None


def read_date(text: str, order: SlashOrder | None = None, *, serials: bool = False) -> Span:
    """:func:`parse_date`, raising :class:`PeriodError` with the reason for a cell it refuses."""
    t = text.strip()
    m = _ISO.match(t)
    if m:
        y, mo, d = m.groups()
        if d is not None:
            return _day(int(y), int(mo), int(d))
        if mo is not None:
            return _month(int(y), int(mo))
        return _calendar_year(int(y))
    parts = _slash_parts(t)
    if parts:
        a, b, y = parts
        if a > 12 or (order == "dmy" and b <= 12):
            return _day(y, b, a)
        if b > 12 or order == "mdy":
            return _day(y, a, b)
        raise PeriodError(
            f"a date whose day and month can be told apart ({t} could be {a} {MONTHS[b - 1]} or {b} {MONTHS[a - 1]}): "
            "write it as YYYY-MM-DD"
        )
    for pattern, kind in ((_TEXT_DMY, "dmy"), (_TEXT_MDY, "mdy"), (_TEXT_MY, "my")):
        m = pattern.match(t)
        if m:
            if kind == "dmy":
                return _day(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
            if kind == "mdy":
                return _day(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
            return _month(int(m.group(2)), _MONTHS[m.group(1).lower()])
    if _SERIAL.match(t) and not serials:
        raise PeriodError(
            f"a date, not a number ({t} looks like an Excel date serial exported as a number: format the column "
            "as dates, YYYY-MM-DD, before saving)"
        )
    raise PeriodError(DATE_FORMS)


def _fiscal(y_start: int, fy: FiscalYear) -> Span:
    """The fiscal year that starts in the calendar year ``y_start``."""
    start = pd.Timestamp(_year(y_start), fy.start_month, 1)
    return start, start + pd.DateOffset(years=1) - pd.Timedelta(days=1)


def _need(fy: FiscalYear | None, country: str, label: str) -> FiscalYear:
    if fy is None:
        raise PeriodError(
            f"a period whose meaning is known: {label} is a fiscal year, and the fiscal year of {country or 'the country'} "
            "is not in the package's countries table (give it in a countries.csv of the case folder: country, "
            "start_month, single, source) or write the dates, e.g. 2016-04-01/2017-03-31"
        )
    return fy


def _second_year(first: int, second: str) -> int:
    s = int(second)
    if len(second) == 2:
        s = first // 100 * 100 + s + (100 if s < first % 100 else 0)
    if s != first + 1:
        raise PeriodError(f"a fiscal year of two consecutive years (got {first} and {s})")
    return s


def _spanning(fy: FiscalYear, text: str, first: int) -> FiscalYear:
    """A fiscal year that spans two calendar years: refused where the fiscal year is the calendar year."""
    if fy.start_month == 1:
        raise PeriodError(
            f"a period of {fy.country}, whose fiscal year is the calendar year: {text} names two years; write "
            f"{first} for one year or {first}-{first + 1} for both"
        )
    return fy


def parse_period(
    text: str, fy: FiscalYear | None = None, *, country: str = "", order: SlashOrder | None = None
) -> Span:
    """The first and last day of a measure period, in the convention of its country.

    ``fy`` is the country's fiscal year (:func:`~securitization.countries.fiscal_year`);
    ``None`` when the country has none on record (fiscal-year labels are then refused).
    ``order`` reads day-month-year days as the column shows them (see :func:`slash_order`).

    Raises
    ------
    PeriodError
        With the reason, for a period that cannot be read or that two conventions read
        differently.

    Examples
    --------
    >>> from securitization.countries import fiscal_year
    >>> [str(d.date()) for d in parse_period("FY2017", fiscal_year("USA"))]
    ['2016-10-01', '2017-09-30']
    >>> [str(d.date()) for d in parse_period("2016/17", fiscal_year("GBR"))]
    ['2016-04-01', '2017-03-31']
    >>> [str(d.date()) for d in parse_period("1993-1998")]
    ['1993-01-01', '1998-12-31']
    >>> [str(d.date()) for d in parse_period("2019-06-07/2020-06-07")]
    ['2019-06-07', '2020-06-07']
    """
    t = re.sub(r"\s+", " ", text.strip())
    non_calendar = fy is not None and fy.start_month != 1
    m = _FY.match(t)
    if m:
        first = int(m.group(1))
        f = _need(fy, country, t)
        if m.group(2) is not None:
            _second_year(first, m.group(2))
            return _fiscal(first, _spanning(f, t, first))
        if f.start_month == 1:
            return _calendar_year(first)
        if f.single == "end":
            return _fiscal(first - 1, f)
        if f.single == "start":
            return _fiscal(first, f)
        raise PeriodError(
            f"a fiscal year with both its years (FY{first - 1}-{first % 100:02d} or FY{first}-{(first + 1) % 100:02d}): "
            f"a one-year label is not settled for {f.country}"
        )
    m = _TWO_YEARS.match(t)
    if m:
        first, sep, second = int(m.group(1)), m.group(2), m.group(3)
        if len(second) == 2:
            s = _second_year_or_none(first, second)
            if sep == "/":
                if s is None:
                    raise PeriodError(f"a fiscal year of two consecutive years (got {t})")
                return _fiscal(first, _spanning(_need(fy, country, t), t, first))
            # YYYY-YY: a month, or a fiscal year
            month = int(second)
            if s is not None and non_calendar:
                if month <= 12:
                    raise PeriodError(
                        f"an unambiguous period: {t} could be {MONTHS[month - 1]} {first} or the fiscal year "
                        f"{first}-{second}; write {first}-{month:02d}-01/{first}-{month:02d}-"
                        f"{_month(first, month)[1].day} for the month or FY{first}-{second} for the fiscal year"
                    )
                return _fiscal(first, _need(fy, country, t))
            return _month(first, month)
        s4 = int(second)
        if s4 == first + 1 and non_calendar:
            raise PeriodError(
                f"an unambiguous period: {t} could be the two calendar years {first} and {s4} or the fiscal "
                f"year {first}-{s4 % 100:02d}; write {first}-01-01/{s4}-12-31 or FY{first}-{s4 % 100:02d}"
            )
        if s4 < first:
            raise PeriodError(f"a year range that ends after it starts (got {t})")
        return _calendar_year(first)[0], _calendar_year(s4)[1]
    m = _QUARTER.match(t)
    if m:
        y = int(m.group(1) or m.group(4))
        q = int(m.group(2) or m.group(3))
        start = pd.Timestamp(_year(y), 3 * q - 2, 1)
        return start, start + pd.offsets.QuarterEnd(0)
    if "/" in t and t.count("/") == 1:
        left, _, right = t.partition("/")
        a, b = read_date(left), read_date(right)
        if b[1] < a[0]:
            raise PeriodError(f"an interval that ends after it starts (got {t})")
        return a[0], b[1]
    try:
        return read_date(t, order)
    except PeriodError as exc:
        if str(exc) == DATE_FORMS:
            raise PeriodError(PERIOD_FORMS) from None
        raise


def _second_year_or_none(first: int, second: str) -> int | None:
    try:
        return _second_year(first, second)
    except PeriodError:
        return None


def assign_by_overlap(
    starts: Iterable[pd.Timestamp],
    ends: Iterable[pd.Timestamp],
    keys: Iterable[str],
    unit_starts: Iterable[pd.Timestamp],
    unit_ends: Iterable[pd.Timestamp],
) -> list[str | None]:
    """Assign periods to the unit (case or year) they overlap most, in days.

    The rule: a period belongs to the unit with which it shares the most days; ties go to
    the later unit (so that a day on which one government hands over to the next belongs to
    the next); a period that shares no day with any unit is not assigned (``None``). A unit
    with a missing end (an ongoing case) is open-ended.
    """
    us = np.array([pd.Timestamp(s).value for s in unit_starts], dtype=np.int64)
    ue_list = [pd.Timestamp(e) for e in unit_ends]
    ue = np.array([np.iinfo(np.int64).max if pd.isna(e) else e.value for e in ue_list], dtype=np.int64)
    key_list = list(keys)
    ps = np.array([pd.Timestamp(s).value for s in starts], dtype=np.int64)
    pe = np.array([pd.Timestamp(e).value for e in ends], dtype=np.int64)
    if len(key_list) == 0 or len(ps) == 0:
        return [None] * len(ps)
    lo = np.maximum(ps[:, None], us[None, :])
    hi = np.minimum(pe[:, None], ue[None, :])
    overlap = np.where(hi >= lo, (hi - lo) // 86_400_000_000_000 + 1, 0)
    # ties go to the later unit: search from the right
    best = overlap.shape[1] - 1 - np.argmax(overlap[:, ::-1], axis=1)
    has = overlap[np.arange(len(ps)), best] > 0
    return [key_list[b] if h else None for b, h in zip(best, has, strict=True)]
