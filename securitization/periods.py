"""Dates and periods as written in input tables.

Evidence dates are ``YYYY-MM-DD``, or ``YYYY-MM`` / ``YYYY`` when only the month or year
is known. Measure periods are one of

* ``FY2017`` - a fiscal year, named by the calendar year it ends in; it starts on the 1st
  of the codebook's ``fiscal_year_start_month`` (US federal: October 2016 - September 2017);
* ``2017`` - a calendar year; ``2017-06`` - a month; ``2020-06-30`` - one day (a count
  on that day);
* ``2019-06-07/2020-06-07`` - an interval between two dates of any of the precisions above
  (from the start of the first to the end of the second), inclusive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["DATE_RANGE", "MAX_YEAR", "MIN_YEAR", "assign_by_overlap", "parse_date", "parse_period"]

#: The years a date or period may fall in: nothing the library scores lies outside them.
MIN_YEAR, MAX_YEAR = 1800, 2199
DATE_RANGE = f"between {MIN_YEAR} and {MAX_YEAR}"

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_FY = re.compile(r"^FY\s?(\d{4})$", re.IGNORECASE)


def parse_date(text: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """Parse ``YYYY[-MM[-DD]]`` into the first and last day it covers; ``None`` if invalid.

    Excel's ``YYYY-MM-DD 00:00:00`` is accepted as a day.

    Examples
    --------
    >>> parse_date("2017-01-25")[0].date()
    datetime.date(2017, 1, 25)
    >>> [str(d.date()) for d in parse_date("2016-02")]
    ['2016-02-01', '2016-02-29']
    >>> parse_date("2019-02-30") is None
    True
    """
    text = text.strip()
    if text.endswith(" 00:00:00"):
        text = text[: -len(" 00:00:00")]
    m = _DATE.match(text)
    if not m:
        return None
    year = int(m.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    month, day = (int(g) if g else None for g in m.groups()[1:])
    try:
        if month is None:
            return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
        start = pd.Timestamp(year, month, day or 1)
    except ValueError:
        return None
    if day is None:
        return start, start + pd.offsets.MonthEnd(0)
    return start, start


def parse_period(text: str, fiscal_year_start_month: int = 10) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """Parse a measure period into its first and last day (inclusive); ``None`` if invalid.

    Examples
    --------
    >>> [str(d.date()) for d in parse_period("FY2017")]
    ['2016-10-01', '2017-09-30']
    >>> [str(d.date()) for d in parse_period("2019-06-07/2020-06-07")]
    ['2019-06-07', '2020-06-07']
    """
    text = text.strip()
    m = _FY.match(text)
    if m:
        year = int(m.group(1))
        if not MIN_YEAR < year <= MAX_YEAR:
            return None
        if fiscal_year_start_month == 1:
            return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
        start = pd.Timestamp(year - 1, fiscal_year_start_month, 1)
        return start, start + pd.DateOffset(years=1) - pd.Timedelta(days=1)
    if "/" in text:
        left, _, right = text.partition("/")
        a, b = parse_date(left), parse_date(right)
        if a is None or b is None or b[1] < a[0]:
            return None
        return a[0], b[1]
    return parse_date(text)


def assign_by_overlap(
    starts: Iterable[pd.Timestamp],
    ends: Iterable[pd.Timestamp],
    keys: Iterable[str],
    unit_starts: Iterable[pd.Timestamp],
    unit_ends: Iterable[pd.Timestamp],
) -> list[str | None]:
    """Assign periods to the unit (case or year) they overlap most, in days.

    The rule: a period belongs to the unit with which it shares the most days; ties go to
    the later unit; a period that shares no day with any unit is not assigned (``None``).
    A unit with a missing end (an ongoing case) is open-ended.
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
