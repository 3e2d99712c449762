"""Countries and their fiscal years: a period's meaning belongs to its country.

The package ships a small table (``countries.toml``) of the fiscal years of the countries
users are likely to code, each with the law that sets it. A case folder may add or override
countries with a ``countries.csv`` table (columns ``country, start_month, single, source``).
A fiscal-year label of a country that is in neither is refused: the US October year is
never applied to another country.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from .errors import ParameterError

__all__ = ["MONTHS", "FiscalYear", "bundled_fiscal_years", "fiscal_year"]

#: Month names in English, January first (for messages and descriptions).
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

Single = Literal["end", "start"]


@dataclass(frozen=True, kw_only=True)
class FiscalYear:
    """A country's fiscal year: the month it starts, how a one-year label is read, the source.

    ``single`` is ``"end"`` when ``FY2017`` names the fiscal year ending in 2017 (US), ``"start"``
    when it names the one starting in 2017 (Japan), ``None`` when a one-year label is
    ambiguous for the country and the two years must be written (``FY2016-17``).
    """

    country: str
    start_month: int
    single: Single | None
    source: str

    def __post_init__(self) -> None:
        if not isinstance(self.start_month, int) or not 1 <= self.start_month <= 12:
            raise ParameterError.invalid("start_month", "FiscalYear", "a month 1-12", self.start_month)
        if self.single not in ("end", "start", None):
            raise ParameterError.invalid("single", "FiscalYear", "'end', 'start' or None", self.single)

    def describe(self) -> str:
        """E.g. ``GBR: 1 April - 31 March``."""
        end = MONTHS[(self.start_month - 2) % 12]
        return f"{self.country}: 1 {MONTHS[self.start_month - 1]} - end of {end}"


@cache
def bundled_fiscal_years() -> dict[str, FiscalYear]:
    """The fiscal years of the package's countries table, by ISO alpha-3 code."""
    raw = tomllib.loads(resources.files("securitization").joinpath("countries.toml").read_text(encoding="utf-8"))
    return {
        code: FiscalYear(country=code, start_month=int(v["start_month"]), single=v.get("single"), source=v["source"])
        for code, v in raw.items()
    }


def fiscal_year(country: str, overrides: dict[str, FiscalYear] | None = None) -> FiscalYear | None:
    """The fiscal year of a country: the case folder's override, else the package's, else ``None``."""
    if overrides and country in overrides:
        return overrides[country]
    return bundled_fiscal_years().get(country)
