"""Layouts and definitions: what a source's files look like and what each measure means.

A **layout** is a TOML file (the bundled ones are in ``securitization/records/layouts/``)
that names the columns of one source (each as a *role*, with the column names it may
have), its value sets, its redaction markers, its optional breakdowns and the measures it
feeds. A new source is a new layout file; :func:`load_layout` takes a bundled name or a
path. A **definition** (``definitions.toml``) says what a number means, with a version;
every measure row records the layout and definition it came from, with their versions.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import ParameterError, Problem
from ..errors import ValidationError as TableValidationError

__all__ = [
    "ColumnSpec",
    "Definition",
    "Layout",
    "LayoutError",
    "LayoutKind",
    "MeasureSpec",
    "TableSpec",
    "bundled_layouts",
    "definitions",
    "layout_path",
    "load_layout",
]

LayoutKind = Literal["stints", "encounters", "fy-tables"]
_STATISTICS: dict[str, tuple[str, ...]] = {
    "stints": ("adp", "book_ins", "los_median", "los_p90", "noncriminal_share"),
    "encounters": ("count",),
    "fy-tables": ("value",),
}
_REQUIRED_ROLES: dict[str, tuple[str, ...]] = {
    "stints": ("person", "stay_book_in", "book_in", "book_out", "stay_book_out", "facility", "criminality"),
    "encounters": ("fiscal_year", "month", "title_of_authority", "encounter_count"),
    "fy-tables": ("fiscal_year", "file_date", "pull_date"),
}


class LayoutError(TableValidationError):
    """A layout or definitions file is malformed: the message names the file, the key and the problem."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems, what="layout")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnSpec(_Model):
    """One column role of a layout: the column names it may have (the first found is used)."""

    names: tuple[str, ...] = Field(min_length=1)
    required: bool = True
    description: str = ""


class TableSpec(_Model):
    """One table of a layout: its name (matched to a file's name) and its column roles."""

    name: str
    columns: dict[str, ColumnSpec]


class MeasureSpec(_Model):
    """One measure a layout produces: which definition, under which name, unit and indicator.

    ``statistic`` picks the number of a multi-number definition (stints: ``adp``,
    ``book_ins``, ``los_median``, ``los_p90``, ``noncriminal_share``). ``where`` selects
    rows by the values of a role. For ``fy-tables``: ``table`` names the table, ``value``
    the column(s) summed, ``divide_by`` an optional denominator column and ``complement``
    takes 1 - x. ``by`` and ``breakdown`` make the measure a breakdown, produced only when
    asked for.
    """

    definition: str
    measure: str = Field(min_length=1)
    indicator: str = Field(pattern=r"^[A-Z]-\d+$")
    unit: str = Field(min_length=1)
    label: str = ""
    statistic: str = "value"
    where: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    table: str | None = None
    value: tuple[str, ...] = ()
    divide_by: str | None = None
    complement: bool = False
    by: str | None = None
    breakdown: str | None = None


class Definition(_Model):
    """A measure definition: what the number means, documented and versioned."""

    id: str
    version: str
    kind: LayoutKind
    unit: str
    summary: str
    description: str


class Layout(_Model):
    """A validated layout (see the module docstring).

    Attributes
    ----------
    id, version
        The layout's name and version, recorded in every measure row's provenance.
    kind
        Which family of definitions reads it: ``stints`` (one row per detention stint),
        ``encounters`` (counts by fiscal year and dimensions) or ``fy-tables`` (long tables
        of fiscal-year statistics, one row per year, file date and pull date).
    tables
        The tables; ``stints`` and ``encounters`` layouts have one (built from
        ``columns``), ``fy-tables`` layouts one per statistics table.
    values
        Value sets by role: ``{"criminality": {"convicted": [...], ...}}``.
    redaction
        Cell texts (compared trimmed, in lower case) that mark a withheld value.
    breakdowns
        Breakdown name -> column role, e.g. ``{"facility": "facility"}``.
    pull_window_days
        ``fy-tables``: a pull counts for its fiscal year when dated in the year or up to
        this many days after it (default 31).
    full_year_within_days
        ``fy-tables``: a latest pull dated this close to the end of its year (default 16
        days: ICE pulls every two weeks) stands for the whole year (written ``FY2021``);
        an earlier one gives a year-to-date figure, written as an interval of days.
    path
        The file the layout was read from.
    """

    id: str
    version: str
    kind: LayoutKind
    title: str
    source: str
    url: str = ""
    country: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    description: str = ""
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)
    tables: tuple[TableSpec, ...] = ()
    values: dict[str, dict[str, tuple[str, ...]]] = Field(default_factory=dict)
    redaction: tuple[str, ...] = ()
    breakdowns: dict[str, str] = Field(default_factory=dict)
    measures: tuple[MeasureSpec, ...] = Field(min_length=1)
    pull_window_days: int = Field(default=31, ge=0, le=366)
    full_year_within_days: int = Field(default=16, ge=0, le=366)
    path: str = ""

    @field_validator("redaction")
    @classmethod
    def _lower(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(s.strip().lower() for s in v)

    @model_validator(mode="after")
    def _check(self) -> Layout:
        problems: list[str] = []
        if self.kind == "fy-tables":
            if self.columns:
                problems.append("a fy-tables layout lists its columns under [[tables]], not [columns]")
            if not self.tables:
                problems.append("a fy-tables layout needs at least one [[tables]] entry")
        else:
            if self.tables:
                problems.append(f"a {self.kind} layout lists its columns under [columns], not [[tables]]")
            object.__setattr__(self, "tables", (TableSpec(name=self.id, columns=self.columns),))
        names = [t.name for t in self.tables]
        for t in self.tables:
            for role in _REQUIRED_ROLES[self.kind]:
                if role not in t.columns or not t.columns[role].required:
                    problems.append(f"table {t.name!r} needs the required column role {role!r}")
        defs = definitions()
        for m in self.measures:
            d = defs.get(m.definition)
            if d is None:
                problems.append(f"measure {m.measure!r}: unknown definition {m.definition!r} (known: {sorted(defs)})")
            elif d.kind != self.kind:
                problems.append(f"measure {m.measure!r}: definition {m.definition!r} is for {d.kind} layouts")
            if m.statistic not in _STATISTICS[self.kind]:
                problems.append(
                    f"measure {m.measure!r}: statistic {m.statistic!r} is not one of {list(_STATISTICS[self.kind])}"
                )
            table = self.tables[0] if self.kind != "fy-tables" else None
            if self.kind == "fy-tables":
                if m.table not in names:
                    problems.append(f"measure {m.measure!r}: table {m.table!r} is not one of {names}")
                    continue
                table = self.tables[names.index(m.table)]
                if not m.value:
                    problems.append(f"measure {m.measure!r}: 'value' names no column")
            if table is None:
                continue
            for role in (*m.where, *m.value, *(r for r in (m.divide_by, m.by) if r)):
                if role not in table.columns:
                    problems.append(f"measure {m.measure!r}: {role!r} is not a column role of table {table.name!r}")
        allowed = {"stints": {"criminality": {"convicted", "pending", "other"}}, "encounters": {"month": {"months"}}}
        for role, groups in self.values.items():
            keys = allowed.get(self.kind, {}).get(role)
            if keys is not None and not set(groups) <= keys:
                problems.append(f"values.{role} takes the keys {sorted(keys)}; got {sorted(groups)}")
        for name, role in self.breakdowns.items():
            if role not in self.tables[0].columns:
                problems.append(f"breakdown {name!r}: {role!r} is not a column role")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def table(self, name: str) -> TableSpec:
        """The table of this name (raises on an unknown name)."""
        for t in self.tables:
            if t.name == name:
                return t
        raise ParameterError.invalid("name", "Layout.table", f"one of {[t.name for t in self.tables]}", name)

    def __str__(self) -> str:
        lines = [f"Layout {self.id} v{self.version} ({self.kind}): {self.title}"]
        for t in self.tables:
            cols = ", ".join(f"{r}={'|'.join(c.names)}{'' if c.required else '?'}" for r, c in t.columns.items())
            lines.append(f"  table {t.name}: {cols}")
        for m in self.measures:
            lines.append(f"  measure {m.measure} ({m.indicator}, {m.unit}) <- {m.definition}")
        return "\n".join(lines)


def _package_dir() -> Path:
    return Path(str(resources.files("securitization.records")))


def _problems_from(exc: ValidationError, file: str) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or None
        value = err.get("input")
        out.append(
            Problem(
                file=file,
                row=None,
                column=loc,
                value=None if isinstance(value, dict | list) else (None if value is None else str(value)),
                expected=str(err["msg"]).removeprefix("Value error, "),
            )
        )
    return out


_DEFINITIONS: dict[str, Definition] | None = None


def definitions() -> dict[str, Definition]:
    """The bundled measure definitions, by id (``definitions.toml``).

    Examples
    --------
    >>> d = definitions()["stints.adp"]
    >>> d.version, d.unit
    ('1', 'persons')
    """
    global _DEFINITIONS
    if _DEFINITIONS is None:
        path = _package_dir() / "definitions.toml"
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        try:
            _DEFINITIONS = {k: Definition(id=k, **v) for k, v in raw["definitions"].items()}
        except ValidationError as exc:
            raise LayoutError(_problems_from(exc, str(path))) from None
    return _DEFINITIONS


def bundled_layouts() -> tuple[str, ...]:
    """The names of the bundled layouts.

    Examples
    --------
    >>> bundled_layouts()
    ('cbp-encounters', 'ddp-detention-stints', 'ice-detention-stats')
    """
    return tuple(sorted(p.stem for p in (_package_dir() / "layouts").glob("*.toml")))


def layout_path(name: str | Path) -> Path:
    """The file of a layout given by bundled name or by path."""
    p = Path(name)
    if p.suffix == ".toml" or p.exists():
        if not p.is_file():
            raise ParameterError(
                f"The layout file {str(p)!r} does not exist. Give a bundled layout name or a .toml path."
            )
        return p
    names = bundled_layouts()
    if str(name) not in names:
        raise ParameterError.invalid(
            "layout", "load_layout", f"a .toml path or one of the bundled layouts {list(names)}", str(name)
        )
    return _package_dir() / "layouts" / f"{name}.toml"


def load_layout(name: str | Path | Layout) -> Layout:
    """Read and validate a layout: a bundled name (see :func:`bundled_layouts`) or a TOML path.

    Raises
    ------
    LayoutError
        If the file is not valid TOML or not a valid layout (every problem listed).

    Examples
    --------
    >>> lay = load_layout("ddp-detention-stints")
    >>> lay.kind, lay.version, lay.tables[0].columns["person"].names[0]
    ('stints', '1', 'anonymized_identifier')
    """
    if isinstance(name, Layout):
        return name
    path = layout_path(name)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise LayoutError(
            [Problem(file=str(path), row=None, column=None, value=None, expected=f"valid TOML ({exc})")]
        ) from None
    try:
        return Layout(**raw, path=str(path))
    except ValidationError as exc:
        raise LayoutError(_problems_from(exc, str(path))) from None
