r"""``Scores``: the result of :func:`~securitization.scoring.score`, with its evidence trail.

Tables (tidy, one row per estimate):

* ``indicators``: ``case, [year], label, indicator, name, dimension, score, band,
  items_score, measures_score, n_items, n_rows, n_coders, n_multi_coded, n_measures,
  n_sources, missing``;
* ``dimensions``: ``case, [year], label, dimension, score, band, coverage, n_indicators``;
* ``overall``: ``case, [year], label, score, band, coverage, rank``.

``coverage`` is the share of the weight whose inputs have a score. ``year`` is present only
for ``by="year"``. Scores are on the codebook's scale (default 0-4); missing is ``NaN``.
Interval columns ``median, lo, hi`` (and ``rank_lo, rank_hi``) are added by
:func:`~securitization.uncertainty.intervals` (or ``bootstrap``), the ``joint_`` ones by
:func:`~securitization.uncertainty.joint`; :meth:`Scores.interval_note` says what they vary.

For a paper, :meth:`Scores.to_latex` writes booktabs tables with a ``\label`` and a
caption (``level="compact"`` fits a page). In Jupyter, ``Scores`` and ``Explanation`` show
a short summary and a small HTML table; ``print()`` gives the whole text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..codebook import Codebook
from ..corpus.trail import is_corpus_measure, sentences_for
from ..errors import ParameterError, ValidationError
from ..export import frame_to_csv, frame_to_latex, frame_to_markdown, html_view
from ..files import atomic_write_text, guard_inputs
from ..records.provenance import describe_provenance
from ..rules import get_rule
from .prepare import Prepared

__all__ = ["Explanation", "Scores"]

Level = Literal["indicator", "dimension", "overall"]
Format = Literal["table", "csv", "md", "latex", "json"]


@dataclass(frozen=True, kw_only=True)
class Explanation:
    """The evidence trail behind one indicator score of one case (or case-year).

    ``items`` has one row per evidence item: its code (consolidated over coders), each
    coder's code, weight, share of the items score and contribution in scale points;
    ``measures`` one row per observation used; ``measure_scores`` one row per measure rule;
    ``unscored`` one row per measure of the case and indicator that no rule of the codebook
    scores (``measure, n_obs``): context, shown so that nothing is left out in silence.
    ``trail`` holds, for measures made by :mod:`securitization.records` or
    :mod:`securitization.corpus`, the lines that lead back to their records (files and
    hashes, rows read, used and dropped by reason, versions) or to their sentences (the
    first security-framed sentences of each period, in context, with document, date,
    speaker and source; ``securitization.corpus.sentences_for`` gives them all).
    """

    case: str
    label: str
    year: int | None
    indicator: str
    name: str
    score: float
    band: str | None
    items_score: float
    measures_score: float
    items_share: float
    rule: str
    items: pd.DataFrame
    measures: pd.DataFrame
    measure_scores: pd.DataFrame
    interval: tuple[float, float] | None = None
    codebook: str = ""
    unscored: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"measure": [], "n_obs": []}))
    median: float | None = None
    interval_note: str = ""
    n_items: int = 0
    n_coders: int = 0
    n_measures: int = 0
    thin: bool = False
    status: str = "complete"
    trail: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The items table (one row per item)."""
        return self.items.copy()

    def _facts(self) -> list[str]:
        def f(x: float | None) -> str:
            return "missing" if x is None or not np.isfinite(x) else f"{x:.2f}"

        year = f" {self.year}" if self.year is not None else ""
        lines = [f"{self.label}{year}, {self.indicator} {self.name}: score {f(self.score)} ({self.band or 'missing'})"]
        if self.interval:
            lines.append(f"interval [{f(self.interval[0])}, {f(self.interval[1])}] ({self.interval_note})")
        lines.append(
            f"{self.n_items} items, {self.n_coders} coders, {self.n_measures} measure observations; "
            f"items score {f(self.items_score)} by {self.rule}; codebook {self.codebook}"
        )
        return lines

    def __repr__(self) -> str:
        return "\n".join(
            ["Explanation: " + self._facts()[0], *self._facts()[1:], "print() it for every item and source"]
        )

    def _repr_html_(self) -> str:
        cols = [
            c for c in ("date", "evidence_id", "kind", "title", "code", "weight", "share") if c in self.items.columns
        ]
        items = self.items[cols].assign(date=self.items["date"].astype(str).str[:10]) if len(self.items) else None
        return html_view("Explanation", self._facts(), items)

    def __str__(self) -> str:
        def f(x: float) -> str:
            return "missing" if x is None or not np.isfinite(x) else f"{x:.2f}"

        head = f"{self.label} - {self.indicator} {self.name}"
        lines = [head, "=" * len(head)]
        lines.append(f"score {f(self.score)} ({self.band or 'missing'}), codebook {self.codebook}")
        if self.interval:
            med = f"median {f(self.median)}, " if self.median is not None else ""
            lines.append(f"{med}interval [{f(self.interval[0])}, {f(self.interval[1])}] ({self.interval_note})")
        thin = " (thin: fewer items than the codebook's min_items)" if self.thin else ""
        status = f"; term {self.status}" if self.status != "complete" else ""
        lines.append(
            f"evidence: {self.n_items} items{thin}, {self.n_coders} coders, {self.n_measures} measure observations"
            f"{status}"
        )
        lines.append(
            f"items score {f(self.items_score)} by {self.rule} of {len(self.items)} items; "
            f"measures score {f(self.measures_score)}; items share of the blend {self.items_share:.2f}"
        )
        if len(self.items):
            lines.append("")
            lines.append("Items (code x weight share = contribution to the items score):")
            for r in self.items.itertuples(index=False):
                contrib = "" if pd.isna(r.contribution) else f" -> {r.contribution:.2f}"
                coders = f" (coders {r.coders}: {r.codes})" if "," in str(r.coders) else ""
                settled = " adjudicated" if getattr(r, "adjudicated", False) else ""
                lines.append(f"  {r.date:%Y-%m-%d} [{r.evidence_id}] {r.kind}: {r.title}")
                lines.append(
                    f"      code {r.code:g}{settled}{coders}, weight {r.weight:g}, share {r.share:.2f}{contrib}"
                )
                if settled and getattr(r, "reason", ""):
                    lines.append(f"      adjudicated by {r.adjudicator}: {r.reason}")
                lines.append(f"      source: {r.source}" + (f" <{r.url}>" if r.url else ""))
        if len(self.measure_scores):
            lines.append("")
            lines.append("Measures:")
            for m in self.measure_scores.itertuples(index=False):
                lines.append(
                    f"  {m.measure}: {m.statistic_name} = {m.statistic:.4g} over {m.n_obs} periods -> level {f(m.score)}"
                )
            for o in self.measures.itertuples(index=False):
                lines.append(f"      {o.period}: {o.value:,.0f} {o.unit} ({o.source})")
        if self.trail:
            lines.append("")
            lines.append("Where the measures come from:")
            lines.extend(f"  {t}" for t in self.trail)
        if len(self.unscored):
            lines.append("")
            lines.append("Not scored (no rule of the codebook; context only: give it a rule to score it):")
            for u in self.unscored.itertuples(index=False):
                lines.append(f"  {u.measure}: {u.n_obs} observations")
        return "\n".join(lines)


def _measure_trail(obs: pd.DataFrame, sentences: int = 3) -> tuple[str, ...]:
    """The lines that lead from measure rows with a ``provenance`` back to their records or sentences.

    A corpus row lists its first ``sentences`` security-framed sentences; a records row its
    files, row counts and versions. A block the same as the one before but for at most one
    line (the rows of one period, or of one run) is written once, the rows after it saying
    "as above" and the line that differs.
    """
    if "provenance" not in obs.columns:
        return ()
    lines: list[str] = []
    last: list[str] | None = None
    for _, row in obs.iterrows():
        text = row["provenance"]
        if not isinstance(text, str) or not text.strip():
            continue
        head = f"{row['measure']} {row['period']}"
        try:
            if is_corpus_measure(row):
                view = sentences_for(row, framed=True).lines(limit=sentences)
                head, body = view[0], view[1:]
            else:
                body = describe_provenance(text)
        except (ParameterError, ValidationError) as e:
            body = ["trail not available: " + " ".join(x.strip(" -") for x in str(e).splitlines()[:2])]
        if last is not None and len(body) == len(last):
            differ = [b.strip() for b, a in zip(body, last, strict=True) if b != a]
            if len(differ) <= 1:
                lines.append(f"{head}: as above" + "".join(f", but {d}" for d in differ))
                continue
        lines.append(head)
        lines.extend(f"    {b}" for b in body)
        last = body
    return tuple(lines)


@dataclass(frozen=True, kw_only=True)
class Scores:
    """Scores of every case (or case-year): tables, trail and manifest. See the module doc."""

    codebook: Codebook
    by: Literal["case", "year"]
    indicators: pd.DataFrame
    dimensions: pd.DataFrame
    overall: pd.DataFrame
    measures: pd.DataFrame = field(repr=False)
    measure_scores: pd.DataFrame = field(repr=False)
    observations: pd.DataFrame = field(repr=False)
    units: pd.DataFrame = field(repr=False)
    manifest: dict[str, Any] = field(repr=False)
    prepared: Prepared | None = field(default=None, repr=False)

    @cached_property
    def items(self) -> pd.DataFrame:
        """The evidence trail: one row per item with its consolidated code, weight, share of
        its cell's weight and contribution (code x share, for the weighted mean), built on
        first use. Columns ``case, indicator, evidence_id, date, code, weight, n_coders,
        share, contribution, uid, cell, row`` (and ``year`` by year); ``row`` points into the
        dataset's evidence table for the descriptive columns (see :meth:`explain`)."""
        if self.prepared is None:
            raise ParameterError("These scores carry no prepared data: score them with securitization.score().")
        prep, cb = self.prepared, self.codebook
        trail = prep.items.copy(deep=False)  # copy-on-write: the prepared items are not changed
        ia = prep.item_arrays
        wsum = np.bincount(ia.cell, weights=ia.weight, minlength=prep.n_units * prep.n_ind)
        trail["share"] = ia.weight / wsum[ia.cell]
        additive = np.array([get_rule("items", i.items.rule).additive for i in cb.indicators] + [False])
        trail["contribution"] = np.where(additive[ia.ind], trail["share"] * ia.code, np.nan)
        if prep.by == "year":
            trail["year"] = self.units["year"].to_numpy()[ia.uid]
        return trail

    # --- access ---------------------------------------------------------------------

    @property
    def input_paths(self) -> tuple[str, ...]:
        """The files these scores were read from (tables and codebook): never written over."""
        tables = (
            [f.path for f in self.prepared.data.files]
            if self.prepared is not None
            else [f["path"] for f in self.manifest.get("inputs", []) if "path" in f]
        )
        return tuple(p for p in [*tables, self.codebook.source] if p)

    @property
    def keys(self) -> list[str]:
        """The columns that identify a unit: ``["case"]`` or ``["case", "year"]``."""
        return ["case", "year"] if self.by == "year" else ["case"]

    def _public(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame.drop(columns=["uid"]).reset_index(drop=True)

    def to_frame(self, level: Level = "indicator") -> pd.DataFrame:
        """The tidy table of one level: ``"indicator"``, ``"dimension"`` or ``"overall"``."""
        tables = {"indicator": self.indicators, "dimension": self.dimensions, "overall": self.overall}
        if level not in tables:
            raise ParameterError.invalid(
                "level", "Scores.to_frame", "one of 'indicator', 'dimension', 'overall'", level
            )
        return self._public(tables[level])

    def wide(self, values: str = "score") -> pd.DataFrame:
        """One row per unit, one column per indicator, dimension and ``overall``.

        ``values`` names the column to spread (``score``, ``band``, ``lo``, ``hi`` ...).
        """
        idx = [*self.keys, "label"]
        for name, t in (("indicator", self.indicators), ("dimension", self.dimensions), ("overall", self.overall)):
            if values not in t.columns:
                raise ParameterError.invalid("values", "Scores.wide", f"a column of the {name} table", values)
        a = self.indicators.pivot(index="uid", columns="indicator", values=values)[list(self.codebook.indicator_codes)]
        b = self.dimensions.pivot(index="uid", columns="dimension", values=values)[list(self.codebook.dimension_codes)]
        c = self.overall.set_index("uid")[[values]].rename(columns={values: "overall"})
        out = self.overall.set_index("uid")[idx].join(a).join(b).join(c)
        out.columns.name = None
        return out.reset_index(drop=True)

    def score_of(self, case: str, indicator: str | None = None, year: int | None = None) -> float:
        """One number: the overall score of a case, or an indicator's or dimension's score."""
        if indicator is None:
            t = self.overall
            col = None
        elif indicator in self.codebook.dimension_codes:
            t, col = self.dimensions, "dimension"
        else:
            t, col = self.indicators, "indicator"
        sel = self._select(t, case, year)
        if col is not None:
            sel = sel.loc[sel[col] == indicator]
            if sel.empty:
                raise ParameterError.invalid(
                    "indicator", "Scores.score_of", "an indicator or dimension code of the codebook", indicator
                )
        return float(sel["score"].iloc[0])

    def band(self, case: str, indicator: str | None = None, year: int | None = None) -> str | None:
        """The band label of a case's overall (or indicator, or dimension) score."""
        return self.codebook.band(self.score_of(case, indicator, year))

    def _select(self, table: pd.DataFrame, case: str, year: int | None) -> pd.DataFrame:
        sel = table.loc[table["case"] == case]
        if sel.empty:
            raise ParameterError.invalid("case", "Scores", f"one of {sorted(self.overall['case'].unique())}", case)
        if self.by == "year":
            if year is None:
                raise ParameterError.invalid("year", "Scores", "a year (the scores are by year)", year)
            sel = sel.loc[sel["year"] == year]
            if sel.empty:
                raise ParameterError.invalid("year", "Scores", f"a year of case {case}", year)
        return sel

    def explain(self, case: str, indicator: str, year: int | None = None) -> Explanation:
        """The evidence rows and measures behind one indicator score, with their contribution."""
        row = self._select(self.indicators, case, year)
        row = row.loc[row["indicator"] == indicator]
        if row.empty:
            raise ParameterError.invalid(
                "indicator", "Scores.explain", f"one of {list(self.codebook.indicator_codes)}", indicator
            )
        r = row.iloc[0]
        unit = int(r["uid"])
        ind = self.codebook.indicator(indicator)
        items = self.items.loc[(self.items["uid"] == unit) & (self.items["indicator"] == indicator)]
        items = self._describe(items)
        items = items.merge(self._coder_codes(unit, indicator), on="evidence_id", how="left")
        items = items.merge(self._adjudications(), on="evidence_id", how="left")
        items["adjudicated"] = items["adjudicated"].fillna(False).astype(bool)
        items[["adjudicator", "reason"]] = items[["adjudicator", "reason"]].fillna("")
        items = items.sort_values(["date", "evidence_id"])[
            [
                "evidence_id",
                "date",
                "kind",
                "title",
                "code",
                "codes",
                "coders",
                "adjudicated",
                "adjudicator",
                "reason",
                "weight",
                "share",
                "contribution",
                "source",
                "url",
                "quote",
            ]
        ].reset_index(drop=True)
        ms = self.measure_scores.loc[
            (self.measure_scores["uid"] == unit) & (self.measure_scores["indicator"] == indicator)
        ]
        obs = self.measures.loc[(self.measures["uid"] == unit) & (self.measures["indicator"] == indicator)]
        trail = _measure_trail(obs.sort_values(["period_start", "measure"]))
        obs = obs.sort_values(["measure", "period_start"])[
            ["measure", "period", "value", "unit", "source", "url"]
        ].reset_index(drop=True)
        ctx = self.observations.loc[
            (self.observations["case"] == case)
            & (self.observations["indicator"] == indicator)
            & ~self.observations["scored"]
        ]
        unscored = ctx.groupby("measure", sort=True).size().rename("n_obs").reset_index()
        has_i, has_m = np.isfinite(r["items_score"]), np.isfinite(r["measures_score"])
        bi, bm = ind.blend.items * has_i, (ind.blend.measures if ind.measures else 0.0) * has_m
        share = bi / (bi + bm) if bi + bm > 0 else 0.0
        interval = (float(r["lo"]), float(r["hi"])) if "lo" in row.columns else None
        unc = self.manifest.get("uncertainty", {})
        note = (
            f"{round(float(unc.get('ci_prob', 0.9)) * 100)}% over {unc.get('varies', unc.get('method', ''))}, "
            f"seed {unc.get('seed')}"
            if interval
            else ""
        )
        return Explanation(
            case=case,
            label=str(r["label"]),
            year=None if self.by == "case" else int(r["year"]),
            indicator=indicator,
            name=ind.name,
            score=float(r["score"]),
            band=r["band"],
            items_score=float(r["items_score"]),
            measures_score=float(r["measures_score"]),
            items_share=float(share),
            rule=ind.items.rule,
            items=items,
            measures=obs,
            measure_scores=ms.drop(columns=["uid", "ind"]).reset_index(drop=True),
            interval=interval,
            codebook=self.codebook.label,
            unscored=unscored,
            median=float(r["median"]) if "median" in row.columns else None,
            interval_note=note,
            n_items=int(r["n_items"]),
            n_coders=int(r["n_coders"]),
            n_measures=int(r["n_measures"]),
            thin=bool(r["thin"]),
            status=str(r["status"]),
            trail=trail,
        )

    def _adjudications(self) -> pd.DataFrame:
        """The adjudicated items' adjudicator and reason (when the scores use adjudicated codes)."""
        cols = {"evidence_id": pd.Series(dtype=str), "adjudicated": pd.Series(dtype=bool)}
        empty = pd.DataFrame({**cols, "adjudicator": pd.Series(dtype=str), "reason": pd.Series(dtype=str)})
        if self.prepared is None or not self.prepared.adjudicated or not len(self.prepared.data.adjudications):
            return empty
        a = self.prepared.data.adjudications
        return pd.DataFrame(
            {
                "evidence_id": a["evidence_id"].astype(str).to_numpy(),
                "adjudicated": True,
                "adjudicator": a["adjudicator"].astype(str).to_numpy(),
                "reason": a["reason"].astype(str).to_numpy(),
            }
        )

    def _describe(self, items: pd.DataFrame) -> pd.DataFrame:
        """Add the descriptive columns (kind, title, source, url, quote) of some items."""
        items = items.assign(evidence_id=items["evidence_id"].astype(str))
        if self.prepared is None:
            return items
        ev = self.prepared.data.evidence
        desc = ev.iloc[items["row"].to_numpy(dtype=np.intp)][["kind", "title", "source", "url", "quote"]]
        return items.assign(**{c: desc[c].to_numpy() for c in desc.columns})

    def _coder_codes(self, unit: int, indicator: str) -> pd.DataFrame:
        """Each coder's code of the items of one cell, as text (``"c1,c2"`` and ``"2,3"``)."""
        cols = ["evidence_id", "codes", "coders"]
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
        if self.prepared is None or not len(self.prepared.rows):
            return empty
        rows = self.prepared.rows
        rows = rows.loc[(rows["uid"] == unit) & (rows["indicator"] == indicator)]
        if rows.empty:
            return empty
        sub = pd.DataFrame(
            {"evidence_id": rows["evidence_id"].astype(str), "code": rows["code"], "coder": rows["coder"].astype(str)}
        )
        out = sub.groupby("evidence_id", sort=False).agg(
            codes=("code", lambda v: ",".join(f"{x:g}" for x in v)), coders=("coder", ",".join)
        )
        return out.reset_index()[cols]

    def with_tables(self, **tables: pd.DataFrame) -> Scores:
        """A copy with some tables replaced (used to attach intervals)."""
        return replace(self, **tables)

    # --- display and export ------------------------------------------------------------

    def summary(self) -> pd.DataFrame:
        """The wide table of scores, sorted by overall rank, with the evidence behind every cell.

        One row per unit: the indicator, dimension and overall scores; the overall
        interval columns when intervals were drawn (``overall_median, overall_lo,
        overall_hi`` and the ``joint_`` ones); ``band``, ``rank`` (and ``rank_lo,
        rank_hi``), ``coverage``, ``status`` (``complete``, ``ongoing`` or ``partial``),
        ``missing_indicators``; the counts ``n_items, n_coders, n_measures`` of the unit
        and ``n_items:<indicator>``, ``n_measures:<indicator>`` and ``thin:<indicator>``
        (fewer items than the codebook's ``min_items``) of every cell.
        """
        w = self.wide()
        ov = self.overall.set_index("uid")
        extra = [c for c in ("median", "lo", "hi") if c in ov.columns]
        for c in extra:
            w[f"overall_{c}"] = ov[c].to_numpy()
        joint = [c for c in ("joint_median", "joint_lo", "joint_hi") if c in ov.columns]
        for c in joint:
            w[c] = ov[c].to_numpy()
        w["band"] = ov["band"].to_numpy()
        w["rank"] = ov["rank"].to_numpy()
        for c in ("rank_lo", "rank_hi", "joint_rank_lo", "joint_rank_hi"):
            if c in ov.columns:
                w[c] = ov[c].to_numpy()
        for c in ("coverage", "status", "missing_indicators", "n_items", "n_coders", "n_measures"):
            w[c] = ov[c].to_numpy()
        for col in ("n_items", "n_measures", "thin"):
            cells = self.indicators.pivot(index="uid", columns="indicator", values=col)
            for code in self.codebook.indicator_codes:
                w[f"{col}:{code}"] = cells[code].to_numpy()
        return w.sort_values(
            [*(["year"] if self.by == "year" else []), "overall"], ascending=False, na_position="last"
        ).reset_index(drop=True)

    def display_table(self) -> pd.DataFrame:
        """The summary as text cells for reading: ``score (items)`` per indicator, ``!`` on thin
        cells, the overall score with its interval, the rank with its interval and the status."""
        s = self.summary()
        cb = self.codebook

        def num(v: object) -> str:
            return "—" if v is None or pd.isna(v) else f"{float(v):.2f}"  # type: ignore[arg-type]

        out = pd.DataFrame({k: s[k] for k in [*(["year"] if self.by == "year" else []), "label"]})
        for code in cb.indicator_codes:
            out[code] = [
                f"{num(v)} ({int(n)})" + ("!" if t else "")
                for v, n, t in zip(s[code], s[f"n_items:{code}"], s[f"thin:{code}"], strict=True)
            ]
        for code in cb.dimension_codes:
            out[code] = [num(v) for v in s[code]]
        out["overall"] = [num(v) for v in s["overall"]]
        if "overall_lo" in s.columns:
            out["median"] = [num(v) for v in s["overall_median"]]
            pct = round(float(self.manifest.get("uncertainty", {}).get("ci_prob", 0.9)) * 100)
            out[f"{pct}% interval"] = [
                f"[{num(a)}, {num(b)}]" for a, b in zip(s["overall_lo"], s["overall_hi"], strict=True)
            ]
        out["band"] = s["band"].fillna("—")
        ranks = []
        for r in s.itertuples(index=False):
            rank = r.rank
            text = "—" if pd.isna(rank) else str(int(rank))
            lo, hi = getattr(r, "rank_lo", None), getattr(r, "rank_hi", None)
            if lo is not None and hi is not None and pd.notna(lo) and pd.notna(rank):
                text += f" [{int(lo)}-{int(hi)}]"
            if r.status != "complete" and pd.notna(rank):
                text += f" ({r.status})"
            ranks.append(text)
        out["rank"] = ranks
        out["coverage"] = [num(v) for v in s["coverage"]]
        out["coders"] = s["n_coders"].astype(int).astype(str)
        out["measures"] = s["n_measures"].astype(int).astype(str)
        return out.reset_index(drop=True)

    def _legend(self) -> str:
        cb = self.codebook
        parts = [
            f"indicator cells: score (items); ! fewer than {cb.uncertainty.min_items} items (thin)",
            f"— missing (no evidence, or coverage below {cb.aggregation.min_coverage:g})",
            "ongoing: the term has not ended; partial: its dated evidence stops early",
        ]
        unc = self.manifest.get("uncertainty")
        if unc:
            parts.append(
                f"median and {round(unc['ci_prob'] * 100)}% interval of the overall score and [ ] of the rank: over "
                f"{unc.get('varies', unc.get('method'))}, {unc.get('n_draws', unc.get('n_boot', ''))} draws, seed "
                f"{unc.get('seed')}"
                + (
                    "; with few items the score, as coded, lies further from the middle of the scale than the "
                    "posterior median"
                    if unc.get("method") == "posterior"
                    else ""
                )
            )
        return "; ".join(parts)

    def _facts(self) -> list[str]:
        cb = self.codebook
        n_ind, n_dim = len(cb.indicators), len(cb.dimensions)
        top = self.overall.dropna(subset=["score"]).sort_values("score", ascending=False).head(3)
        best = ", ".join(f"{r.label} {r.score:.2f}" for r in top.itertuples(index=False))
        return [
            f"{self._unit_words()} by {self.by}, {n_ind} indicators in {n_dim} dimensions, codebook {cb.label}",
            self.interval_note(),
            f"highest overall: {best}" if best else "no unit has an overall score",
        ]

    def __repr__(self) -> str:
        return "\n".join(
            [
                "Scores: " + self._facts()[0],
                *self._facts()[1:],
                "print() it for the whole table; .summary() as a DataFrame",
            ]
        )

    def _repr_html_(self) -> str:
        return html_view("Scores", self._facts()[:2], self.compact_table())

    def __str__(self) -> str:
        text = self.display_table().to_string(index=False)
        return f"Scores by {self.by}, codebook {self.codebook.label}\n{text}\n({self._legend()})"

    def _export_frame(self, level: Level | Literal["wide", "compact"]) -> pd.DataFrame:
        if level == "compact":
            return self.compact_table()
        return self.summary() if level == "wide" else self.to_frame(level)

    def to_csv(self, path: str | Path | None = None, level: Level | Literal["wide", "compact"] = "indicator") -> str:
        """CSV of a table (``indicator``, ``dimension``, ``overall``, ``wide`` or ``compact``); written atomically when ``path`` is given."""
        text = frame_to_csv(self._export_frame(level))
        if path is not None:
            self._write(path, text)
        return text

    def to_markdown(
        self, path: str | Path | None = None, level: Level | Literal["wide", "compact"] = "wide", digits: int = 2
    ) -> str:
        """A Markdown table, with the codebook version under it (``wide``: :meth:`display_table`)."""
        frame = self.display_table() if level == "wide" else self._export_frame(level)
        text = frame_to_markdown(frame, digits) + f"\nCodebook {self.codebook.label}. {self._legend()}.\n"
        if path is not None:
            self._write(path, text)
        return text

    def interval_note(self, joint: bool = True) -> str:
        """One sentence saying what the intervals are: their level, what they vary, the draws and the seed.

        Read from ``manifest["uncertainty"]`` (and, with ``joint``, ``manifest["joint_uncertainty"]``);
        says that no interval was drawn when there is none. Tables, captions and reprs use it.

        Examples
        --------
        >>> from securitization import intervals, load, score
        >>> intervals(score(load()), n=50, rng=1).interval_note()
        'Intervals are 90% equal-tailed intervals over the evidence: items, coders and measures (posterior), 50 draws, seed 1.'
        """
        unc = self.manifest.get("uncertainty")
        if not unc:
            return "No intervals were drawn (securitization.intervals adds them)."
        pct = round(float(unc.get("ci_prob", 0.9)) * 100)
        n = unc.get("n_draws", unc.get("n_boot", ""))
        text = (
            f"Intervals are {pct}% {unc.get('interval', 'equal-tailed')} intervals over "
            f"{unc.get('varies', unc.get('method', 'the evidence'))}, {n} draws, seed {unc.get('seed')}."
        )
        jt = self.manifest.get("joint_uncertainty")
        if jt and joint:
            text += f" Joint intervals of the overall score vary {jt.get('varies', '')}."
        return text

    def _unit_words(self) -> str:
        n = len(self.overall)
        if self.by == "year":
            return f"{n} case-year{'s' if n != 1 else ''}"
        return f"{n} case{'s' if n != 1 else ''}"

    def _codebook_words(self) -> str:
        cb = self.codebook
        return f"Codebook {cb.label}, {cb.title}." if cb.title else f"Codebook {cb.label}."

    def _paper_rows(self, level: Literal["wide", "compact"], digits: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The tables for a paper: one line of scores per unit and one line under it (intervals, counts).

        Sorted by rank (within year); cells are text, missing ``—``, empty where nothing goes.
        """
        cb = self.codebook
        ov = self.overall.sort_values(
            [*(["year"] if self.by == "year" else []), "score"], ascending=False, na_position="last"
        )
        uids = ov["uid"].to_numpy()
        has_ci = "lo" in self.overall.columns

        def num(v: object) -> str:
            return "—" if v is None or pd.isna(v) else f"{float(v):.{digits}f}"  # type: ignore[arg-type]

        def ci(lo: object, hi: object, v: object) -> str:
            if not has_ci or pd.isna(v) or pd.isna(lo) or pd.isna(hi):
                return ""
            return f"[{num(lo)}, {num(hi)}]"

        def col(frame: pd.DataFrame, name: str) -> pd.Series:
            return frame[name] if name in frame.columns else pd.Series([np.nan] * len(frame), index=frame.index)

        top = pd.DataFrame({"Case": ov["label"].astype(str).to_numpy()})
        under = pd.DataFrame({"Case": ["" if st == "complete" else str(st) for st in ov["status"]]})
        if self.by == "year":
            top["Year"] = ov["year"].astype(int).astype(str).to_numpy()
            under["Year"] = ""
        if level == "wide":
            for ind in cb.indicator_codes:
                c = self.indicators.loc[self.indicators["indicator"] == ind].set_index("uid").reindex(uids)
                top[ind] = [num(v) for v in c["score"]]
                under[ind] = [f"({int(n)}){'!' if t else ''}" for n, t in zip(c["n_items"], c["thin"], strict=True)]
        for dim in cb.dimensions:
            d = self.dimensions.loc[self.dimensions["dimension"] == dim.code].set_index("uid").reindex(uids)
            top[dim.code.capitalize()] = [num(v) for v in d["score"]]
            under[dim.code.capitalize()] = [
                "" if level == "wide" else ci(lo, hi, v)
                for v, lo, hi in zip(d["score"], col(d, "lo"), col(d, "hi"), strict=True)
            ]
        top["Overall"] = [num(v) for v in ov["score"]]
        under["Overall"] = [ci(lo, hi, v) for v, lo, hi in zip(ov["score"], col(ov, "lo"), col(ov, "hi"), strict=True)]
        if level == "wide" and "median" in ov.columns:
            top["Median"] = [num(v) for v in ov["median"]]
            under["Median"] = ""
        if level == "wide" and "joint_lo" in ov.columns:
            top["Joint interval"] = [
                ci(lo, hi, v) for v, lo, hi in zip(ov["score"], ov["joint_lo"], ov["joint_hi"], strict=True)
            ]
            under["Joint interval"] = ""
        top["Band"] = ov["band"].fillna("—").astype(str).to_numpy()
        under["Band"] = ""
        top["Rank"] = ["—" if pd.isna(r) else str(int(r)) for r in ov["rank"]]
        under["Rank"] = [
            f"[{int(lo)}–{int(hi)}]" if pd.notna(r) and pd.notna(lo) and pd.notna(hi) else ""
            for r, lo, hi in zip(ov["rank"], col(ov, "rank_lo"), col(ov, "rank_hi"), strict=True)
        ]
        if level == "wide":
            top["Coverage"] = [num(v) for v in ov["coverage"]]
            under["Coverage"] = ""
        return top.reset_index(drop=True), under.reset_index(drop=True)

    def compact_table(self, digits: int = 2) -> pd.DataFrame:
        """The table for a paper's page: each unit's dimension scores and overall score with their intervals.

        Columns: ``Case`` (and ``Year``), one per dimension (its code, capitalised),
        ``Overall``, ``Band``, ``Rank`` and ``Status``; cells are text, ``score [lo, hi]``
        when intervals were drawn (see :meth:`interval_note`), the rank with its interval.
        Sorted by rank; missing shown as ``—``. :meth:`to_latex` (``level="compact"``)
        prints the intervals on a line under the scores.

        Examples
        --------
        >>> from securitization import load, score
        >>> list(score(load()).compact_table().columns)
        ['Case', 'Institutional', 'Practice', 'Overall', 'Band', 'Rank', 'Status']
        """
        top, under = self._paper_rows("compact", digits)
        out = top.copy()
        for c in out.columns:
            if c not in ("Case", "Year", "Band"):
                out[c] = [f"{a} {b}" if b else a for a, b in zip(top[c], under[c], strict=True)]
        out["Status"] = [u or "complete" for u in under["Case"]]
        return out

    def _paper_notes(self, level: Literal["wide", "compact"]) -> str:
        cb = self.codebook
        unc = self.manifest.get("uncertainty", {})
        parts = []
        if level == "wide":
            parts.append(
                f"Under each indicator score: its items in parentheses, ! when fewer than {cb.uncertainty.min_items} "
                "(thin)"
            )
        if unc:
            parts.append("under the overall score (and each dimension's) its interval; under the rank its interval")
            if unc.get("method") == "posterior":
                parts.append(
                    "scores are as coded; the posterior pulls thin evidence towards the middle of the scale, so a "
                    "score can lie outside its interval"
                )
        parts.append(f"— missing (no evidence, or coverage below {cb.aggregation.min_coverage:g})")
        parts.append("under the case: ongoing (the term has not ended) or partial (its dated evidence stops early)")
        dims = ", ".join(f"{d.code.capitalize()}: {d.name}" for d in cb.dimensions)
        parts.append(dims)
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."

    def latex_caption(self, level: Level | Literal["wide", "compact"] = "wide") -> str:
        """The caption of :meth:`to_latex`: what the table holds, the intervals and the codebook."""
        scale = self.codebook.scale
        what = {
            "compact": "Dimension and overall scores",
            "wide": "Indicator, dimension and overall scores",
            "indicator": "Indicator scores",
            "dimension": "Dimension scores",
            "overall": "Overall scores",
        }[level]
        head = (
            f"Securitization of migration: {what[0].lower() + what[1:]} of {self._unit_words()} "
            f"on the {scale.min}-{scale.max} {scale.name} scale (higher is more securitized; rank 1 is the highest)."
        )
        return f"{head} {self.interval_note(joint=level != 'compact')} {self._codebook_words()}"

    def to_latex(
        self,
        path: str | Path | None = None,
        level: Level | Literal["wide", "compact"] = "wide",
        digits: int = 2,
        *,
        label: str | None = None,
        caption: str | None = None,
    ) -> str:
        r"""A booktabs LaTeX table with a ``\label`` and a caption that says what it holds.

        Parameters
        ----------
        path
            Write the table there (atomically) too.
        level
            ``"compact"``: the dimension and overall scores, the band and the rank, each
            interval on a line under its score (6 columns: fits a page in a ``table``);
            ``"wide"``: every indicator (its item count under it), dimension and the overall
            score with its interval, median and joint interval, band, rank and coverage, in
            a ``sidewaystable`` (package ``rotating``) for a page turned sideways;
            ``"indicator"``, ``"dimension"``, ``"overall"``: the tidy table of that level,
            every column.
        digits
            Decimals of the numbers.
        label
            The ``\label`` (default ``tab:securitization-<level>``).
        caption
            The caption (default :meth:`latex_caption`: the scores, the scale, the
            interval's level and what it varies, the codebook's name and version).

        Returns
        -------
        str
            The LaTeX source; it needs ``\usepackage{booktabs}`` (and ``rotating`` for ``wide``).

        Examples
        --------
        >>> from securitization import load, score
        >>> tex = score(load()).to_latex(level="compact", label="tab:scores")
        >>> r"\label{tab:scores}" in tex, r"\begin{tabular}{lrrrlr}" in tex
        (True, True)
        """
        levels = ("compact", "wide", "indicator", "dimension", "overall")
        if level not in levels:
            raise ParameterError.invalid("level", "Scores.to_latex", f"one of {list(levels)}", level)
        label = f"tab:securitization-{level}" if label is None else label
        cap = self.latex_caption(level) if caption is None else caption
        if level in ("compact", "wide"):
            top, under = self._paper_rows(level, digits)
            align = "".join("l" if c in ("Case", "Band") else "r" for c in top.columns)
            wide = level == "wide"
            text = frame_to_latex(
                top,
                digits,
                caption=cap,
                label=label,
                align=align,
                environment="sidewaystable" if wide else "table",
                size="footnotesize" if wide else "small",
                notes=self._paper_notes(level),
                below=under,
            )
        else:
            text = frame_to_latex(self._export_frame(level), digits, caption=cap, label=label)
        if path is not None:
            self._write(path, text)
        return text

    def to_json(self, path: str | Path | None = None) -> str:
        """All three tables and the manifest as one JSON document."""

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            out = json.loads(frame.to_json(orient="records", date_format="iso", double_precision=10))
            return list(out)

        doc = {
            "manifest": self.manifest,
            "indicators": records(self.to_frame("indicator")),
            "dimensions": records(self.to_frame("dimension")),
            "overall": records(self.to_frame("overall")),
        }
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        if path is not None:
            self._write(path, text)
        return text

    def render(self, fmt: Format = "table", level: Level | Literal["wide", "compact"] | None = None) -> str:
        """Render as ``table`` (plain text), ``csv``, ``md``, ``latex`` or ``json``."""
        if fmt == "table":
            return str(self) + "\n"
        if fmt == "csv":
            return self.to_csv(level=level or "wide")
        if fmt == "md":
            return self.to_markdown(level=level or "wide")
        if fmt == "latex":
            return self.to_latex(level=level or "wide")
        if fmt == "json":
            return self.to_json()
        raise ParameterError.invalid("fmt", "Scores.render", "one of 'table', 'csv', 'md', 'latex', 'json'", fmt)

    def write_manifest(self, path: str | Path) -> Path:
        """Write the manifest (library, codebook, input hashes, parameters) as JSON."""
        return self._write(path, json.dumps(self.manifest, indent=2) + "\n")

    def _write(self, path: str | Path, text: str) -> Path:
        guard_inputs(path, self.input_paths)
        return atomic_write_text(path, text)
