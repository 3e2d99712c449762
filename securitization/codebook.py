"""The codebook: indicators, scale, weights and aggregation rules, loaded from TOML.

The codebook is data, not code. :func:`load_codebook` reads a TOML file (the default
``bourbeau-2011`` codebook ships with the package), validates it into the typed models
below, and reports every problem at once, naming the file and the key.

A codebook file may extend another one with ``extends`` in its ``[codebook]`` table: the
tables of the base are updated with the new file's, indicators and dimensions are merged
by ``code`` (a new code is added, an existing code is replaced whole), ``drop`` lists
indicator codes to remove, and top-level ``[[measures]]`` tables (each naming its
``indicator``) add measure rules to an indicator without re-declaring it (a rule for a
measure the indicator already scores is replaced). See ``indicators/README.md``.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticValidationError

from .datasets import codebook_path
from .errors import CodebookError, ParameterError, Problem
from .export import html_view
from .rules import check_rule, get_rule
from .text import CONTROL

__all__ = [
    "Aggregation",
    "AggregationRuleName",
    "Blend",
    "Codebook",
    "Dimension",
    "Importance",
    "Indicator",
    "ItemRule",
    "Level",
    "MeasureRule",
    "Scale",
    "Uncertainty",
    "load_codebook",
]

# Rule names are checked against the registry (securitization.rules), so that a rule a user
# registers can be named in a codebook like a built-in one.
AggregationRuleName = Annotated[str, AfterValidator(partial(check_rule, "aggregation"))]
ItemRuleName = Annotated[str, AfterValidator(partial(check_rule, "items"))]
CoderRuleName = Annotated[str, AfterValidator(partial(check_rule, "coders"))]
StatisticName = Annotated[str, AfterValidator(partial(check_rule, "statistic"))]
MappingName = Annotated[str, AfterValidator(partial(check_rule, "mapping"))]


#: Bounds that keep a codebook of absurd size from hanging validation.
MAX_LEVELS = 101
MAX_INDICATORS = 500
MAX_KINDS = 500


def _control_in(value: object) -> bool:
    if isinstance(value, str):
        return CONTROL.search(value) is not None
    if isinstance(value, dict):
        return any(_control_in(k) or _control_in(v) for k, v in value.items())
    if isinstance(value, tuple | list):
        return any(_control_in(v) for v in value)
    return False


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="after")
    def _no_control_characters(self) -> _Model:
        for name, value in self.__dict__.items():
            if name != "source" and _control_in(value):
                raise ValueError(
                    f"{name} holds a control character (a terminal escape or bidirectional override): delete it"
                )
        return self


class Level(_Model):
    """One level of the ordinal scale."""

    value: int
    label: str = Field(min_length=1)
    description: str = ""


class Scale(_Model):
    """The ordinal scale every indicator is coded and scored on (default 0-4)."""

    name: str = "intensity"
    min: int = 0
    max: int = 4
    levels: tuple[Level, ...] = Field(max_length=MAX_LEVELS)

    @model_validator(mode="after")
    def _levels_cover_range(self) -> Scale:
        if self.max <= self.min:
            raise ValueError(f"max ({self.max}) must be greater than min ({self.min})")
        values = [lv.value for lv in self.levels]
        expected = list(range(self.min, self.max + 1))
        if values != expected:
            raise ValueError(f"levels must list every integer from min to max in order, {expected}; got {values}")
        return self

    @property
    def values(self) -> tuple[int, ...]:
        """The level values, in order."""
        return tuple(lv.value for lv in self.levels)

    @property
    def labels(self) -> tuple[str, ...]:
        """The level labels, in order."""
        return tuple(lv.label for lv in self.levels)

    def band(self, score: float) -> str | None:
        """Return the label of the band a score falls in (``None`` for a missing score).

        Bands are half-open intervals centred on the levels: level ``v`` covers
        ``[v - 0.5, v + 0.5)``, the first and last bands extend to the scale's ends.
        """
        if score is None or not math.isfinite(score):
            return None
        idx = math.floor(score - self.min + 0.5)
        idx = min(max(idx, 0), len(self.levels) - 1)
        return self.levels[idx].label


class ItemRule(_Model):
    """How an indicator's coded items combine into one score."""

    rule: ItemRuleName = "weighted_mean"
    k: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _k_for_top_k(self) -> ItemRule:
        if "k" in get_rule("items", self.rule).params and self.k is None:
            raise ValueError(f"rule {self.rule!r} needs k (the number of top items to average)")
        return self


class MeasureRule(_Model):
    """How one quantitative measure becomes a score on the scale."""

    measure: str = Field(min_length=1)
    label: str = ""
    statistic: StatisticName = "mean"
    per: Literal["population"] | None = None
    per_scale: float = Field(default=1.0, gt=0)
    mapping: MappingName = "thresholds"
    thresholds: tuple[float, ...] | None = None
    reference_case: str | None = None
    reference_level: float | None = None
    weight: float = Field(default=1.0, gt=0)

    @model_validator(mode="after")
    def _mapping_parameters(self) -> MeasureRule:
        params = get_rule("mapping", self.mapping).params
        if "thresholds" in params and not self.thresholds:
            raise ValueError(f"mapping {self.mapping!r} needs a list of thresholds")
        if self.thresholds and any(b <= a for a, b in zip(self.thresholds, self.thresholds[1:], strict=False)):
            raise ValueError(f"thresholds must increase strictly; got {list(self.thresholds)}")
        if "reference_case" in params and not self.reference_case:
            raise ValueError(f"mapping {self.mapping!r} needs reference_case")
        return self


class Blend(_Model):
    """Relative weights of coded items and measures in an indicator's score."""

    items: float = Field(default=1.0, ge=0)
    measures: float = Field(default=1.0, ge=0)

    @model_validator(mode="after")
    def _not_both_zero(self) -> Blend:
        if self.items + self.measures <= 0:
            raise ValueError("blend weights of items and measures cannot both be zero")
        return self


class Dimension(_Model):
    """A group of indicators (institutional, practice) scored together."""

    code: str = Field(min_length=1)
    name: str
    weight: float = Field(default=1.0, gt=0)
    description: str = ""


class Indicator(_Model):
    """One indicator: what it measures, how it is coded and how it is scored."""

    code: str = Field(min_length=1)
    name: str
    dimension: str
    weight: float = Field(default=1.0, gt=0)
    definition: str
    kinds: tuple[str, ...] = Field(min_length=1)
    items: ItemRule = ItemRule()
    measures: tuple[MeasureRule, ...] = ()
    blend: Blend = Blend()
    anchors: dict[int, str]


class Aggregation(_Model):
    """How indicators combine into dimensions and dimensions into the overall score."""

    dimension: AggregationRuleName = "arithmetic"
    overall: AggregationRuleName = "arithmetic"
    overall_from: Literal["dimensions", "indicators"] = "dimensions"
    min_coverage: float = Field(default=0.5, ge=0, le=1)
    coders: CoderRuleName = "median"
    geometric_offset: float = Field(default=1.0, ge=0)


class Importance(_Model):
    """The range of an evidence item's importance weight, and what its levels mean."""

    min: float = Field(default=1.0, gt=0)
    max: float = Field(default=3.0, gt=0)
    default: float = Field(default=1.0, gt=0)
    labels: dict[int, str] = Field(default_factory=lambda: {1: "ordinary", 2: "major", 3: "landmark"})

    @model_validator(mode="after")
    def _ordered(self) -> Importance:
        if not self.min <= self.default <= self.max:
            raise ValueError(
                f"importance needs min <= default <= max; got {self.min:g}, {self.default:g}, {self.max:g}"
            )
        return self

    def describe(self) -> str:
        """The labels as text, e.g. ``1 ordinary, 2 major, 3 landmark``."""
        return ", ".join(f"{k} {v}" for k, v in sorted(self.labels.items()))


class Uncertainty(_Model):
    """The prior of the posterior intervals, and when evidence counts as thin or partial.

    ``prior`` gives the prior share of each level of the scale (uniform by default) and
    ``prior_strength`` its weight in items: a cell's level distribution has the prior
    Dirichlet(``prior_strength`` x ``prior``), so that with the default (one item's worth,
    spread evenly, the Perks prior) the evidence outweighs the prior from the first item
    and dominates it from a few. ``measure_cv`` is the prior spread of a measure between the
    periods of one term (its coefficient of variation) when no case has two periods of it.
    A cell with fewer than ``min_items`` items is *thin* (flagged in tables and drawn so);
    a term whose dated evidence ends more than ``partial_share`` of its length before its
    end is *partial*.
    """

    prior_strength: float = Field(default=1.0, gt=0, le=1000)
    prior: tuple[float, ...] | None = None
    measure_cv: float = Field(default=0.25, gt=0, le=10)
    min_items: int = Field(default=3, ge=1, le=10_000)
    partial_share: float = Field(default=0.25, gt=0, lt=1)

    @model_validator(mode="after")
    def _prior_shares(self) -> Uncertainty:
        if self.prior is not None:
            if any(not math.isfinite(p) or p <= 0 for p in self.prior):
                raise ValueError(f"prior shares must be positive numbers; got {list(self.prior)}")
            if abs(sum(self.prior) - 1.0) > 1e-6:
                raise ValueError(f"prior shares must sum to 1; got {sum(self.prior):g}")
        return self


class Codebook(_Model):
    """A validated codebook. Build one with :func:`load_codebook`."""

    id: str = Field(min_length=1)
    version: str = Field(min_length=1)
    title: str = ""
    description: str = ""
    credit: str = ""
    min_alpha: float = Field(default=0.667, ge=-1, le=1)
    scale: Scale
    kinds: dict[str, str] = Field(max_length=MAX_KINDS)
    kind_aliases: dict[str, str] = Field(default_factory=dict, max_length=10 * MAX_KINDS)
    importance: Importance = Importance()
    aggregation: Aggregation = Aggregation()
    uncertainty: Uncertainty = Uncertainty()
    dimensions: tuple[Dimension, ...] = Field(min_length=1, max_length=MAX_INDICATORS)
    indicators: tuple[Indicator, ...] = Field(min_length=1, max_length=MAX_INDICATORS)
    source: str = Field(default="", exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _no_fiscal_year(cls, data: Any) -> Any:
        if isinstance(data, dict) and "fiscal_year_start_month" in data:
            raise ValueError(
                "fiscal_year_start_month is no longer a codebook setting: a fiscal year belongs to its country "
                "(the package's countries table, or a countries.csv in the case folder); delete the line"
            )
        return data

    @model_validator(mode="after")
    def _cross_references(self) -> Codebook:
        problems = []
        dims = [d.code for d in self.dimensions]
        codes = [i.code for i in self.indicators]
        for dup in sorted(c for c, n in Counter(dims).items() if n > 1):
            problems.append(f"dimension code {dup!r} is used more than once")
        for dup in sorted(c for c, n in Counter(codes).items() if n > 1):
            problems.append(f"indicator code {dup!r} is used more than once")
        for ind in self.indicators:
            if ind.dimension not in dims:
                problems.append(f"indicator {ind.code!r} names dimension {ind.dimension!r}, which is not one of {dims}")
            unknown = [k for k in ind.kinds if k not in self.kinds]
            if unknown:
                problems.append(f"indicator {ind.code!r} lists kinds {unknown} that are not in [kinds]")
            missing = [v for v in self.scale.values if v not in ind.anchors]
            extra = [v for v in ind.anchors if v not in self.scale.values]
            if missing:
                problems.append(f"indicator {ind.code!r} has no anchor for levels {missing}")
            if extra:
                problems.append(f"indicator {ind.code!r} has anchors for levels {extra} off the scale")
            nlev = len(self.scale.values)
            if self.uncertainty.prior is not None and len(self.uncertainty.prior) != nlev and ind is self.indicators[0]:
                problems.append(
                    f"uncertainty.prior must give one share per level of the scale ({nlev}); "
                    f"got {len(self.uncertainty.prior)}"
                )
            for m in ind.measures:
                if m.thresholds is not None and len(m.thresholds) != nlev - 1:
                    problems.append(
                        f"indicator {ind.code!r}, measure {m.measure!r}: thresholds must have "
                        f"{nlev - 1} values (one fewer than the scale's levels); "
                        f"got {len(m.thresholds)}"
                    )
        for alias, kind in self.kind_aliases.items():
            if kind not in self.kinds:
                problems.append(f"kind alias {alias!r} names {kind!r}, which is not one of [kinds]")
            if alias in self.kinds:
                problems.append(f"kind alias {alias!r} is a kind itself")
        for d in dims:
            if d not in {i.dimension for i in self.indicators}:
                problems.append(f"dimension {d!r} has no indicator")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # --- lookups ---------------------------------------------------------------------

    @property
    def indicator_codes(self) -> tuple[str, ...]:
        """Indicator codes in codebook order."""
        return tuple(i.code for i in self.indicators)

    @property
    def dimension_codes(self) -> tuple[str, ...]:
        """Dimension codes in codebook order."""
        return tuple(d.code for d in self.dimensions)

    def indicator(self, code: str) -> Indicator:
        """Return the indicator with this code (raises on an unknown code)."""
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise ParameterError.invalid("code", "Codebook.indicator", f"one of {list(self.indicator_codes)}", code)

    def dimension(self, code: str) -> Dimension:
        """Return the dimension with this code (raises on an unknown code)."""
        for dim in self.dimensions:
            if dim.code == code:
                return dim
        raise ParameterError.invalid("code", "Codebook.dimension", f"one of {list(self.dimension_codes)}", code)

    def band(self, score: float) -> str | None:
        """The label of the scale band a score falls in (see :meth:`Scale.band`)."""
        return self.scale.band(score)

    @property
    def sha256(self) -> str:
        """A hash of the validated content (stable across formatting and comments)."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    @property
    def label(self) -> str:
        """``id`` and ``version``, as written into every result (e.g. ``bourbeau-2011 v1.0.0``)."""
        return f"{self.id} v{self.version}"

    def with_changes(
        self,
        *,
        weights: Mapping[str, float] | None = None,
        item_rule: ItemRuleName | None = None,
        aggregation: Mapping[str, Any] | None = None,
        drop: Sequence[str] = (),
    ) -> Codebook:
        """Return a copy with indicator weights, item rule or aggregation changed.

        Used by the sensitivity analysis; the copy keeps the id and gets the version
        suffix ``+modified`` so that results never pass for the original codebook's.
        """
        if weights is not None and not isinstance(weights, Mapping):
            raise ParameterError.invalid(
                "weights", "Codebook.with_changes", "a mapping of indicator code to weight", weights
            )
        if isinstance(drop, str):
            drop = [drop]
        bad = {
            c: w
            for c, w in (weights or {}).items()
            if isinstance(w, bool) or not isinstance(w, int | float) or not (math.isfinite(w) and w > 0)
        }
        if bad:
            raise ParameterError.invalid("weights", "Codebook.with_changes", "positive finite numbers", bad)
        unknown = [c for c in [*(weights or {}), *drop] if c not in self.indicator_codes]
        if unknown:
            raise ParameterError.invalid(
                "weights/drop", "Codebook.with_changes", f"indicator codes of {list(self.indicator_codes)}", unknown
            )
        inds = []
        for ind in self.indicators:
            if ind.code in drop:
                continue
            upd: dict[str, Any] = {}
            if weights and ind.code in weights:
                upd["weight"] = float(weights[ind.code])
            if item_rule is not None:
                needs_k = "k" in get_rule("items", item_rule, "Codebook.with_changes").params
                upd["items"] = ItemRule(rule=item_rule, k=ind.items.k or (3 if needs_k else None))
            inds.append(ind.model_copy(update=upd))
        kept_dims = tuple(d for d in self.dimensions if d.code in {i.dimension for i in inds})
        agg = self.aggregation.model_copy(update=dict(aggregation or {}))
        data = self.model_dump()
        data.update(
            indicators=[i.model_dump() for i in inds],
            dimensions=[d.model_dump() for d in kept_dims],
            aggregation=agg.model_dump(),
            version=self.version + "+modified",
        )
        try:
            return Codebook.model_validate({**data, "source": self.source})
        except PydanticValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(x) for x in err["loc"])
            raise ParameterError(
                f"Codebook.with_changes made an invalid codebook: {where}: {err['msg']} (got {err.get('input')!r})."
            ) from None

    # --- output ----------------------------------------------------------------------

    def _facts(self) -> list[str]:
        dims = ", ".join(
            f"{d.code} ({', '.join(i.code for i in self.indicators if i.dimension == d.code)})" for d in self.dimensions
        )
        return [
            f"{self.label}: {self.title}" if self.title else self.label,
            f"{len(self.indicators)} indicators in {len(self.dimensions)} dimensions: {dims}",
            f"scale {self.scale.min}-{self.scale.max} ({', '.join(self.scale.labels)}); "
            f"aggregation: {self.aggregation.dimension} within dimensions, {self.aggregation.overall} overall "
            f"(from {self.aggregation.overall_from})",
        ]

    def __repr__(self) -> str:
        return "\n".join(["Codebook " + self._facts()[0], *self._facts()[1:]])

    def _repr_html_(self) -> str:
        rows = pd.DataFrame(
            {
                "code": [i.code for i in self.indicators],
                "dimension": [i.dimension for i in self.indicators],
                "name": [i.name for i in self.indicators],
                "weight": [i.weight for i in self.indicators],
                "item rule": [i.items.rule for i in self.indicators],
                "measure rules": [len(i.measures) for i in self.indicators],
            }
        )
        return html_view("Codebook", self._facts(), rows)

    def to_markdown(self) -> str:
        """The codebook as a Markdown document for coders."""
        out = [f"# {self.title or self.id}", "", f"Codebook `{self.id}`, version {self.version}."]
        if self.description:
            out += ["", " ".join(self.description.split())]
        if self.credit:
            out += ["", "*Credit.* " + " ".join(self.credit.split())]
        out += ["", f"## Scale: {self.scale.name}", "", "| level | label | meaning |", "|---|---|---|"]
        out += [f"| {lv.value} | {lv.label} | {lv.description} |" for lv in self.scale.levels]
        out += ["", "## Evidence kinds", "", "| kind | what it is |", "|---|---|"]
        out += [f"| `{k}` | {v} |" for k, v in self.kinds.items()]
        for dim in self.dimensions:
            out += ["", f"## Dimension: {dim.name} (`{dim.code}`, weight {dim.weight:g})"]
            if dim.description:
                out += ["", dim.description]
            for ind in (i for i in self.indicators if i.dimension == dim.code):
                out += ["", f"### {ind.code} {ind.name} (weight {ind.weight:g})", ""]
                out += [" ".join(ind.definition.split()), ""]
                out += [f"*Kinds:* {', '.join(f'`{k}`' for k in ind.kinds)}.", ""]
                rule = ind.items.rule + (f" (k = {ind.items.k})" if ind.items.rule == "top_k_mean" else "")
                out += [f"*Items rule:* {rule}."]
                for m in ind.measures:
                    per = f" per {m.per_scale:g} {m.per}" if m.per else ""
                    how = (
                        f"thresholds {list(m.thresholds or ())}"
                        if m.mapping == "thresholds"
                        else m.mapping + (f" to {m.reference_case}" if m.reference_case else "")
                    )
                    out += [f"*Measure:* `{m.measure}` ({m.statistic}{per}, {how}, weight {m.weight:g})."]
                if ind.measures:
                    out += [f"*Blend:* items {ind.blend.items:g}, measures {ind.blend.measures:g}."]
                out += ["", "| level | anchor: give this level when |", "|---|---|"]
                for lv in self.scale.levels:
                    out += [f"| {lv.value} {lv.label} | {ind.anchors[lv.value]} |"]
        agg = self.aggregation
        out += [
            "",
            "## Aggregation",
            "",
            f"- coders on one item: {agg.coders}",
            f"- indicators to dimensions: {agg.dimension}",
            f"- overall from {agg.overall_from}: {agg.overall}",
            f"- minimum coverage (share of weight with a score): {agg.min_coverage:g}",
            f"- reliability gate (Krippendorff's alpha): {self.min_alpha:g}",
            "",
        ]
        return "\n".join(out)


# --- loading ---------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise CodebookError(
            [Problem(file=str(path), row=None, column=None, value=None, expected="an existing TOML file")]
        ) from None
    except UnicodeDecodeError as exc:
        raise CodebookError(
            [
                Problem(
                    file=str(path),
                    row=None,
                    column=None,
                    value=None,
                    expected=f"a TOML file in UTF-8 (byte 0x{exc.object[exc.start]:02x} at position {exc.start} is not UTF-8)",
                )
            ]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise CodebookError(
            [Problem(file=str(path), row=None, column=None, value=None, expected=f"valid TOML ({exc})")]
        ) from None
    except OSError as exc:
        raise CodebookError(
            [Problem(file=str(path), row=None, column=None, value=None, expected=f"a readable TOML file ({exc})")]
        ) from None


def _resolve(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    p = Path(name_or_path)
    if p.suffix == ".toml":
        if not p.is_absolute() and relative_to is not None and (relative_to / p).exists():
            return relative_to / p
        return p
    return codebook_path(str(name_or_path))


def _merge(base: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in new.items():
        if key in ("indicators", "dimensions"):
            merged = {item.get("code"): item for item in base.get(key, [])}
            for item in value:
                merged[item.get("code")] = item
            out[key] = list(merged.values())
        elif isinstance(value, dict) and isinstance(base.get(key), dict) and key != "scale":
            out[key] = {**base[key], **value}
        else:
            out[key] = value
    return out


def _raw(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    if path.resolve() in seen:
        raise CodebookError(
            [
                Problem(
                    file=str(path), row=None, column="codebook.extends", value=str(path), expected="no cycle of extends"
                )
            ]
        )
    data = _read_toml(path)
    head = data.get("codebook", {})
    base_name = head.pop("extends", None) if isinstance(head, dict) else None
    drop = head.pop("drop", []) if isinstance(head, dict) else []
    if isinstance(drop, str):  # one code
        drop = [drop]

    def problem(key: str, value: object, expected: str) -> CodebookError:
        return CodebookError([Problem(file=str(path), row=None, column=key, value=str(value), expected=expected)])

    if base_name is not None and not isinstance(base_name, str):
        raise problem("codebook.extends", base_name, "the name of a bundled codebook or a .toml path, as a string")
    if not isinstance(drop, list) or not all(isinstance(d, str) for d in drop):
        raise problem("codebook.drop", drop, 'a list of indicator codes, e.g. drop = ["I-3"]')
    added = data.pop("measures", None)  # measure rules added to indicators (this file's, after the merge)
    if base_name is not None:
        base = _raw(_resolve(base_name, path.parent), (*seen, path.resolve()))
        data = _merge(base, data)
    if drop:
        inds = data.get("indicators", [])
        have = {i.get("code") for i in inds if isinstance(i, dict)}
        unknown = [d for d in drop if d not in have]
        if unknown:
            raise problem(
                "codebook.drop", unknown, f"indicator codes of the codebook ({', '.join(sorted(map(str, have)))})"
            )
        data["indicators"] = [i for i in inds if not (isinstance(i, dict) and i.get("code") in drop)]
    if added is not None:
        _add_measures(data, added, problem)
    return data


def _add_measures(data: dict[str, Any], added: object, problem: Any) -> None:
    """Add top-level ``[[measures]]`` rules to their indicators (a rule of the same name is replaced)."""
    if not isinstance(added, list) or not all(isinstance(m, dict) for m in added):
        raise problem("measures", added, "a list of [[measures]] tables, each with an 'indicator' and a 'measure'")
    inds = {i.get("code"): i for i in data.get("indicators", []) if isinstance(i, dict)}
    for rule in added:
        rule = dict(rule)
        code = rule.pop("indicator", None)
        if code not in inds:
            known = ", ".join(sorted(map(str, inds)))
            raise problem("measures.indicator", code, f"the code of an indicator of the codebook ({known})")
        ind = inds[code] = dict(inds[code])
        kept = [
            m for m in ind.get("measures", []) if not (isinstance(m, dict) and m.get("measure") == rule.get("measure"))
        ]
        ind["measures"] = [*kept, rule]
    data["indicators"] = [inds.get(i.get("code"), i) if isinstance(i, dict) else i for i in data.get("indicators", [])]


def _loc_name(raw: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    node: Any = raw
    for key in loc:
        if isinstance(key, int):
            code = None
            if isinstance(node, list) and key < len(node) and isinstance(node[key], dict):
                code = node[key].get("code") or node[key].get("measure") or node[key].get("label")
            parts[-1] += f"[{key}]" + (f" ({code})" if code else "")
        else:
            parts.append(str(key))
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts) or "(top level)"


def _codebook_from_raw(raw: dict[str, Any], source: str) -> Codebook:
    head = raw.get("codebook", {})
    flat = {k: v for k, v in raw.items() if k != "codebook"}
    if isinstance(head, dict):
        flat.update(head)
    # TOML table keys are strings: anchors are keyed by level values.
    remap: dict[tuple[int | str, ...], tuple[int | str, ...]] = {}
    for i, ind in enumerate(flat.get("indicators", []) or []):
        if isinstance(ind, dict) and isinstance(ind.get("anchors"), dict):
            fixed = {}
            for k, v in ind["anchors"].items():
                try:
                    fixed[int(k)] = v
                except ValueError:
                    fixed[k] = v
            ind = {**ind, "anchors": fixed}
            flat["indicators"][i] = ind
    # pydantic locations refer to the flattened dict; map "id" etc. back to codebook.*
    for key in head if isinstance(head, dict) else {}:
        remap[(key,)] = ("codebook", key)
    try:
        return Codebook.model_validate({**flat, "source": source})
    except PydanticValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            loc = remap.get(loc[:1], loc[:1]) + loc[1:] if loc else loc
            key = _loc_name(raw if loc[:1] == ("codebook",) else flat, loc)
            value = err.get("input")
            shown = None if isinstance(value, dict | list) or value is None else str(value)
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(Problem(file=source, row=None, column=key, value=shown, expected=msg))
        raise CodebookError(problems) from None


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook.

    Parameters
    ----------
    path
        A TOML file, or the name of a bundled codebook (``"bourbeau-2011"``). ``None``
        loads the default codebook.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        If the file is missing, is not valid TOML, or breaks the codebook's rules; every
        problem is listed with the file and the key.

    Examples
    --------
    >>> cb = load_codebook()
    >>> cb.indicator_codes
    ('I-1', 'I-2', 'I-3', 'P-1', 'P-2')
    >>> cb.band(2.6)
    'high'
    """
    if path is not None and not isinstance(path, str | Path):
        raise ParameterError.invalid(
            "path", "load_codebook", "a codebook .toml path or the name of a bundled codebook", path
        )
    resolved = _resolve(path if path is not None else "bourbeau-2011")
    return _codebook_from_raw(_raw(resolved), str(resolved))
