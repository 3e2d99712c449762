"""The bundled cases as research data: sources and licences, spread over the term, the
second-coding archive and its adjudication, the data package, the source article's verdict,
and the UK and Italy cases."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from securitization import load, score

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
ARCHIVE = DATA_DIR / "second-coding"
DATA = load(DATA_DIR)
HIGH = {"high", "very high"}
ISSUE_PARTISAN = [
    "conservativenewsbriefing.com",
    "americanfreedombybarbara.com",
    "bullfrag.com",
    "cnsnews.com",
    "amren.com",
]


def _tool(name: str) -> ModuleType:
    """A script of data/tools, imported by path (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location(f"data_tools_{name}", DATA_DIR / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SECOND = _tool("second_coding")
PACKAGE = _tool("datapackage")


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


# --- sources and licences ------------------------------------------------------------


def test_every_evidence_and_measure_row_has_a_source() -> None:
    for table in (DATA.evidence, DATA.measures):
        empty = table.loc[table["source"].fillna("").str.strip() == ""]
        assert empty.empty, empty.head()


def test_every_row_belongs_to_a_registered_family_and_none_to_an_excluded_one() -> None:
    families = PACKAGE.registry()
    problems = []
    for table in (DATA.evidence, DATA.measures):
        for _, row in table.iterrows():
            found = PACKAGE.families_of(str(row.get("url") or ""), str(row["source"]), families)
            if not found:
                problems.append((row.get("evidence_id", row.get("measure")), row.get("url")))
            problems += [(row.get("evidence_id", row.get("measure")), f.title) for f in found if f.status == "excluded"]
    assert not problems, problems[:10]


def test_the_registry_excludes_the_forbidden_licence_and_the_partisan_sites() -> None:
    families = PACKAGE.registry()
    excluded = [f for f in families if f.status == "excluded"]
    for domain in [*ISSUE_PARTISAN, "vera.org", "www.breitbart.com"]:
        hits = PACKAGE.families_of(f"https://{domain}/some/page", "", families)
        assert hits and all(f in excluded for f in hits), domain
    for table in (DATA.evidence, DATA.measures):
        assert not table["source"].str.contains("Vera Institute", regex=False).any()
        for domain in ISSUE_PARTISAN:
            assert not table["url"].fillna("").str.contains(domain, regex=False).any(), domain


def test_every_family_states_its_licence_or_terms() -> None:
    registry = _csv(DATA_DIR / "sources.csv")
    assert list(registry.columns) == list(PACKAGE.SOURCES)
    assert (registry["licence"].str.strip() != "").all()
    assert set(registry["status"]) <= {"ok", "excluded"}
    for pattern in [*registry["url_pattern"], *registry["source_pattern"]]:
        re.compile(pattern)


# --- spread over the term ------------------------------------------------------------


def _thin_years() -> set[tuple[str, int]]:
    items = DATA.evidence.drop_duplicates("evidence_id")
    thin = set()
    for _, case in DATA.cases.iterrows():
        own = items.loc[items["case"] == case["case"]]
        start = pd.Timestamp(case["start"]).year
        end = pd.Timestamp(case["end"]).year if pd.notna(case["end"]) else int(own["date"].dt.year.max())
        for year in range(start, end + 1):
            if own.loc[own["date"].dt.year == year, "indicator"].nunique() < 3:
                thin.add((case["case"], year))
    return thin


def test_every_year_of_a_term_has_items_on_three_indicators_or_is_a_documented_exception() -> None:
    exceptions = _csv(DATA_DIR / "spread-exceptions.csv")
    documented = {(c, int(y)) for c, y in zip(exceptions["case"], exceptions["year"], strict=True)}
    thin = _thin_years()
    assert thin <= documented, sorted(thin - documented)
    assert documented <= thin, f"exceptions no longer needed: {sorted(documented - thin)}"
    assert (exceptions["reason"].str.len() > 20).all()


# --- the second coding and its adjudication -------------------------------------------


def test_the_second_coding_archive_is_complete() -> None:
    for name in ["INSTRUCTIONS.md", "codebook.md", "ADJUDICATION.md", "sampling-frame.csv", "adjudication-sheet.csv"]:
        assert (ARCHIVE / name).is_file(), name
    for part in SECOND.PARTS:
        sheet = _csv(ARCHIVE / f"blind-sheet-{part}.csv")
        codes = _csv(ARCHIVE / f"codes-c2-{part}.csv")
        assert list(sheet.columns) == SECOND.BLIND_COLUMNS  # no summary, code, weight or notes
        assert list(codes.columns) == ["evidence_id", "code", "weight", "read", "rationale"]
        assert sorted(codes["evidence_id"]) == sorted(sheet["evidence_id"])
        assert codes["code"].isin(list("01234")).all() and codes["weight"].isin(list("123")).all()
        assert codes["read"].isin(["source", "title-and-quote"]).all()


def test_the_sample_drawn_again_with_the_seed_is_the_archived_blind_sheets() -> None:
    frame = SECOND.sampling_frame()
    first = set(SECOND.first_coder_items()["evidence_id"])
    assert set(frame["evidence_id"]) <= first  # no item of the frame was deleted
    drawn = SECOND.draw(frame)
    for part, ids in drawn.items():
        assert ids == _csv(ARCHIVE / f"blind-sheet-{part}.csv")["evidence_id"].tolist(), part
    # a quarter of every case x indicator cell, at least one
    picked = frame.loc[frame["evidence_id"].isin([i for ids in drawn.values() for i in ids])]
    per_cell = picked.groupby(["case", "indicator"]).size()
    sizes = frame.groupby(["case", "indicator"]).size()
    assert (per_cell.reindex(sizes.index) >= (sizes * SECOND.SHARE).apply(lambda n: max(1, -(-n // 1)))).all()


def test_assembling_the_raw_codes_gives_the_committed_second_coder_tables() -> None:
    for folder, rows in SECOND.assembled().items():
        committed = _csv(DATA_DIR / folder / "evidence-coder2.csv")
        pd.testing.assert_frame_equal(rows.reset_index(drop=True), committed, check_dtype=False)


def test_every_disagreement_is_adjudicated_within_the_coders_range() -> None:
    disagreements = SECOND.disagreements().set_index("evidence_id")
    settled = pd.concat([_csv(DATA_DIR / f / "adjudications.csv") for f in SECOND.FOLDERS.values()]).set_index(
        "evidence_id"
    )
    assert sorted(settled.index) == sorted(disagreements.index)
    assert (settled["adjudicator"] == SECOND.ADJUDICATOR).all()
    assert (settled["reason"].str.contains("Anchor", regex=False)).all()
    code = settled["code"].astype(int)
    low = disagreements[["code_c1", "code_c2"]].astype(int).min(axis=1).reindex(code.index)
    high = disagreements[["code_c1", "code_c2"]].astype(int).max(axis=1).reindex(code.index)
    assert ((code >= low) & (code <= high)).all()
    # the archived sheet holds the same items and the codes the coders still have
    sheet = _csv(ARCHIVE / "adjudication-sheet.csv").set_index("evidence_id")
    assert sorted(sheet.index) == sorted(disagreements.index)
    assert (sheet["code_c1"] == disagreements.loc[sheet.index, "code_c1"]).all()
    assert (sheet["code_c2"] == disagreements.loc[sheet.index, "code_c2"]).all()
    # and the loaded dataset uses them
    assert set(DATA.adjudications["evidence_id"]) == set(disagreements.index)


def test_the_adjudicator_file_settles_to_the_committed_adjudications() -> None:
    raw = _csv(ARCHIVE / f"adjudicator-{SECOND.ADJUDICATOR}.csv").set_index("evidence_id")
    for folder in SECOND.FOLDERS.values():
        committed = _csv(DATA_DIR / folder / "adjudications.csv").set_index("evidence_id")
        assert (committed["code"] == raw.loc[committed.index, "code"]).all(), folder
        assert (committed["reason"] == raw.loc[committed.index, "reason"]).all(), folder
        assert committed["notes"].str.startswith("Not blind: saw c1 = ").all(), folder


# --- the data package ----------------------------------------------------------------


def test_the_data_package_is_up_to_date() -> None:
    built = PACKAGE.render(PACKAGE.build())
    assert (DATA_DIR / "datapackage.json").read_text(encoding="utf-8") == built, "run python data/tools/datapackage.py"


def test_the_data_package_lists_every_bundled_table() -> None:
    package = PACKAGE.build()
    paths = {r["path"] for r in package["resources"]}
    on_disk = {p.relative_to(DATA_DIR).as_posix() for p in DATA_DIR.rglob("*.csv")}
    assert paths == on_disk
    loaded = {Path(f.path).resolve().relative_to(DATA_DIR).as_posix() for f in DATA.files}
    assert loaded <= paths
    titles = {s["title"] for s in package["sources"]}
    assert len(titles) == len(_csv(DATA_DIR / "sources.csv"))


# --- the source article's verdict and the new countries --------------------------------


def test_trump_2017_is_high_or_above_on_all_five_indicators() -> None:
    scores = score(DATA)
    bands = {code: scores.band("us-trump-2017", code) for code in DATA.codebook.indicator_codes}
    assert all(band in HIGH for band in bands.values()), bands


@pytest.mark.parametrize("folder", ["gbr", "ita"])
def test_the_uk_and_italy_cases_validate_and_score_with_four_items_per_indicator(folder: str) -> None:
    data = load(DATA_DIR / folder)  # raises if a table does not validate
    scores = score(data)
    items = data.evidence.drop_duplicates("evidence_id").groupby(["case", "indicator"]).size()
    expected = pd.MultiIndex.from_product([data.cases["case"], data.codebook.indicator_codes])
    assert (items.reindex(expected, fill_value=0) >= 4).all(), items[items < 4]
    assert scores.indicators["score"].notna().all()
    assert set(scores.indicators["case"]) == set(data.cases["case"])
