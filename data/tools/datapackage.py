"""Build ``data/datapackage.json``: a Frictionless Data Package describing every bundled table.

The package lists every CSV table under ``data/`` (path, format, fields with type and
description, and the source families its rows cite) and the source families of the registry
``data/sources.csv`` with their licence or terms. Rebuild it after changing a table or the
registry::

    python data/tools/datapackage.py           # writes data/datapackage.json
    python data/tools/datapackage.py --check   # exit 1 if the file is out of date

Every row of an evidence or measures table must belong to a family of the registry: its
``url`` matches the family's ``url_pattern`` (a regular expression on the whole address) or,
for a row without an address, its ``source`` matches the family's ``source_pattern``. A row
that belongs to no family, or to a family whose ``status`` is ``excluded`` (a licence that
forbids redistribution, a partisan or aggregator site), stops the build.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent.parent
OUT = DATA / "datapackage.json"
REGISTRY = DATA / "sources.csv"

# Fields of every table, as in the data dictionary of data/README.md: (type, description).
CASES = {
    "case": ("string", "Unique id, <country>-<leader>-<first year>."),
    "country": ("string", "ISO 3166 alpha-3 code."),
    "label": ("string", "Readable label used in tables and charts."),
    "leader": ("string", "Head of government."),
    "start": ("date", "First day of the term."),
    "end": ("date", "Last day of the term (the day before the successor took office); empty for an ongoing term."),
    "population": ("integer", "Resident population near the middle of the term."),
    "population_year": ("integer", "Year of the population figure."),
    "population_source": ("string", "Where the population figure comes from."),
    "notes": ("string", "Free text: sources of the term dates, coverage."),
}
EVIDENCE = {
    "evidence_id": (
        "string",
        "Item id, <case>-<indicator without dash>-<nn>; the same id for every coder of the item.",
    ),
    "case": ("string", "The case the item belongs to."),
    "indicator": ("string", "I-1, I-2, I-3, P-1 or P-2."),
    "date": ("string", "Date of the document or event: YYYY-MM-DD, or YYYY-MM / YYYY when only that is known."),
    "kind": ("string", "Evidence kind of the codebook (statute, executive-order, regulation, court-ruling, ...)."),
    "title": ("string", "The document's or event's name."),
    "summary": ("string", "One neutral sentence in the first coder's words."),
    "source": (
        "string",
        "The citation: the primary document where possible, else the report or press source ('as reported by ...').",
    ),
    "url": ("string", "An address the coder saw."),
    "quote": ("string", "A short verbatim quote the coder saw in the source."),
    "code": ("integer", "The coder's level 0-4, decided with the indicator's anchors."),
    "weight": ("number", "Importance: 1 ordinary, 2 major, 3 landmark."),
    "coder": ("string", "Coder id: c1 (first coder) or c2 (blind second coder)."),
    "notes": ("string", "Borderline calls, partial dates, revisions; for c2, what it read and why it chose the level."),
}
MEASURES = {
    "country": ("string", "ISO alpha-3."),
    "indicator": ("string", "The indicator the series informs (P-1 or P-2)."),
    "measure": ("string", "Series name, snake_case with a country prefix where not US."),
    "period": (
        "string",
        "FY2017 (country fiscal year), 2017 (calendar year), 2017-06 (month), 2020-06-30 (a day) or an interval start/end.",
    ),
    "value": ("number", "A non-negative number."),
    "unit": ("string", "persons, events, agreements, searches ..."),
    "source": (
        "string",
        "The agency release or report, and the relay where the figure was seen in a secondary source.",
    ),
    "url": ("string", "An address the coder saw."),
    "notes": ("string", "Caveats: computed, approximate, relayed (primary not seen), breaks in series."),
    "label": ("string", "Readable name of the series."),
}
ADJUDICATIONS = {
    "evidence_id": ("string", "A doubly coded item whose two codes differ."),
    "code": ("integer", "The level 0-4 the adjudicator settled; scores use it by default."),
    "adjudicator": ("string", "Adjudicator id (adj1)."),
    "reason": ("string", "The anchor matched and the fact of the source that decides it."),
    "notes": ("string", "The two codes the adjudicator saw (the adjudication is not blind) and what it read."),
}
BLIND = {
    "evidence_id": EVIDENCE["evidence_id"],
    "case": EVIDENCE["case"],
    "country": MEASURES["country"],
    "indicator": EVIDENCE["indicator"],
    "date": EVIDENCE["date"],
    "kind": EVIDENCE["kind"],
    "title": EVIDENCE["title"],
    "source": EVIDENCE["source"],
    "url": EVIDENCE["url"],
    "quote": EVIDENCE["quote"],
}
CODES = {
    "evidence_id": EVIDENCE["evidence_id"],
    "code": ("integer", "The second coder's level 0-4."),
    "weight": ("integer", "The second coder's own weight (1, 2 or 3)."),
    "read": ("string", "source (it read the source or a faithful copy) or title-and-quote."),
    "rationale": ("string", "One sentence: the anchor matched and the fact that decided it."),
}
SHEET = {
    **{k: v for k, v in BLIND.items()},
    "summary": EVIDENCE["summary"],
    "code_c1": ("integer", "The first coder's level."),
    "weight_c1": ("number", "The first coder's weight."),
    "notes_c1": ("string", "The first coder's notes."),
    "code_c2": ("integer", "The second coder's level."),
    "weight_c2": ("number", "The second coder's weight."),
    "rationale_c2": ("string", "The second coder's rationale, as assembled into evidence-coder2.csv."),
}
SETTLED = {
    "evidence_id": EVIDENCE["evidence_id"],
    "code": ADJUDICATIONS["code"],
    "read": ("string", "source (the adjudicator read the source or a faithful copy or report) or title-and-quote."),
    "reason": ADJUDICATIONS["reason"],
}
FRAME = {k: BLIND[k] for k in ("evidence_id", "case", "country", "indicator")}
SPREAD = {
    "case": EVIDENCE["case"],
    "year": ("integer", "Calendar year of the term with items on fewer than three indicators."),
    "reason": ("string", "Why the year is thin (a stub of days, an ongoing year)."),
}
SOURCES = {
    "family": ("string", "A source family: a publisher or a kind of publisher."),
    "url_pattern": ("string", "Regular expression matched against a row's whole url."),
    "source_pattern": ("string", "Regular expression matched against the source of a row that has no url."),
    "licence": ("string", "The family's licence or terms, and how the rows use it."),
    "terms_url": ("string", "Where the licence or terms were read (empty when not read)."),
    "used_for": ("string", "What the rows take from the family."),
    "status": ("string", "ok, or excluded (must not be cited)."),
}

# What each table is, by file name; (schema, description).
KINDS: list[tuple[str, dict[str, tuple[str, str]], str]] = [
    (r"(^|/)cases\.csv$", CASES, "Cases: one row per government."),
    (r"(^|/)evidence-coder2\.csv$", EVIDENCE, "Evidence items coded blind by the second coder (c2)."),
    (r"(^|/)evidence[^/]*\.csv$", EVIDENCE, "Evidence items coded by the first coder (c1)."),
    (r"(^|/)measures\.csv$", MEASURES, "Quantitative series from official statistics (relays marked)."),
    (r"(^|/)adjudications\.csv$", ADJUDICATIONS, "Settled codes of the items the two coders coded differently."),
    (
        r"second-coding/blind-sheet-[^/]*\.csv$",
        BLIND,
        "Blind sheet given to the second coder (no summary, code, weight or notes).",
    ),
    (r"second-coding/codes-c2-[^/]*\.csv$", CODES, "The second coder's raw codes, as written."),
    (
        r"second-coding/sampling-frame\.csv$",
        FRAME,
        "The first coder's items from which the second-coding sample was drawn.",
    ),
    (
        r"second-coding/adjudication-sheet\.csv$",
        SHEET,
        "The disagreements with both coders' codes, as the adjudicator saw them.",
    ),
    (r"second-coding/adjudicator-adj1\.csv$", SETTLED, "The adjudicator's settled codes, as written."),
    (r"(^|/)spread-exceptions\.csv$", SPREAD, "Documented exceptions to the rule of three indicators a calendar year."),
    (r"(^|/)sources\.csv$", SOURCES, "Registry of source families with their licence or terms."),
]


@dataclass(frozen=True)
class Family:
    title: str
    url: re.Pattern[str] | None
    source: re.Pattern[str] | None
    licence: str
    terms_url: str
    used_for: str
    status: str


def registry() -> list[Family]:
    reg = pd.read_csv(REGISTRY, dtype=str, keep_default_na=False)
    return [
        Family(
            r["family"],
            re.compile(r["url_pattern"], re.IGNORECASE) if r["url_pattern"] else None,
            re.compile(r["source_pattern"]) if r["source_pattern"] else None,
            r["licence"],
            r["terms_url"],
            r["used_for"],
            r["status"],
        )
        for _, r in reg.iterrows()
    ]


def families_of(url: str, source: str, families: list[Family]) -> list[Family]:
    """The families a row belongs to: by its address, or by its source when it has none."""
    if url.strip():
        return [f for f in families if f.url is not None and f.url.search(url.strip())]
    return [f for f in families if f.source is not None and f.source.search(source)]


def tables() -> list[Path]:
    return sorted(p for p in DATA.rglob("*.csv") if not any(part.startswith(".") for part in p.relative_to(DATA).parts))


def kind(rel: str) -> tuple[dict[str, tuple[str, str]], str]:
    for pattern, schema, description in KINDS:
        if re.search(pattern, rel):
            return schema, description
    raise SystemExit(f"{rel}: no schema for this table in data/tools/datapackage.py")


def build() -> dict[str, object]:
    families = registry()
    resources = []
    used: dict[str, int] = {}
    problems: list[str] = []
    for path in tables():
        rel = path.relative_to(DATA).as_posix()
        schema, description = kind(rel)
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        missing = [c for c in frame.columns if c not in schema]
        if missing:
            problems.append(f"{rel}: columns without a description: {missing}")
        fields = [{"name": c, "type": schema[c][0], "description": schema[c][1]} for c in frame.columns if c in schema]
        resource: dict[str, object] = {
            "name": re.sub(r"[^a-z0-9]+", "-", rel.removesuffix(".csv").lower()).strip("-"),
            "path": rel,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": description,
            "schema": {"fields": fields},
        }
        if "source" in frame.columns and (rel.rsplit("/", 1)[-1].startswith(("evidence", "measures"))):
            cited: dict[str, int] = {}
            for i, row in frame.iterrows():
                found = families_of(row.get("url", ""), row["source"], families)
                if not found:
                    problems.append(f"{rel} row {int(str(i)) + 2}: no source family for url {row.get('url', '')!r}")
                for fam in found:
                    if fam.status == "excluded":
                        problems.append(f"{rel} row {int(str(i)) + 2}: cites an excluded family: {fam.title}")
                    cited[fam.title] = cited.get(fam.title, 0) + 1
                    used[fam.title] = used.get(fam.title, 0) + 1
            resource["sources"] = [{"title": t, "rows": n} for t, n in sorted(cited.items())]
        resources.append(resource)
    if problems:
        raise SystemExit("datapackage: " + "\n  ".join(problems))
    sources = []
    for fam in families:
        entry: dict[str, object] = {"title": fam.title}
        if fam.terms_url:
            entry["path"] = fam.terms_url
        entry["licence"] = fam.licence
        entry["used_for"] = fam.used_for
        entry["status"] = fam.status
        entry["rows"] = used.get(fam.title, 0)
        sources.append(entry)
    return {
        "profile": "tabular-data-package",
        "name": "securitization-bundled-cases",
        "title": "Bundled cases of the securitization package: coded evidence, measures and the second coding",
        "description": (
            "Coded evidence items and official series for 22 governments of the United States, Mexico, "
            "the United Kingdom and Italy, scored with the codebook bourbeau-2011. Coded by automated coders "
            "using a large language model (c1, c2) and settled by an automated adjudicator (adj1); see README.md. "
            "The package's own files are under the MIT licence; the sources keep their own terms, listed in sources."
        ),
        "licenses": [{"name": "MIT", "path": "../LICENSE", "title": "MIT License"}],
        "sources": sources,
        "resources": resources,
    }


def render(package: dict[str, object]) -> str:
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    text = render(build())
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print("data/datapackage.json is out of date: run python data/tools/datapackage.py")
            return 1
        print("data/datapackage.json is up to date")
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"data/datapackage.json: {len(json.loads(text)['resources'])} tables")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
