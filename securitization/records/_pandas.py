"""The measure definitions on pandas data frames (the small, in-memory engine).

Each function mirrors a query of :mod:`securitization.records._sql` step by step and
returns the same columns, so that the engines can be compared exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._files import SourceFile
from ._fiscal import as_of_day, fiscal_year_bounds, periods_between
from ._sql import role_types
from .layouts import Layout, MeasureSpec

__all__ = ["encounters", "fytable", "read_roles", "stints"]

_NONE = "\uffff(none)"  # stands for a missing value in group keys (pandas drops NUL characters)


def _read(sf: SourceFile) -> pd.DataFrame:
    f = sf.file
    cols = list(dict.fromkeys(sf.roles.values()))
    if f.format == "parquet":
        return pd.read_parquet(f.path, columns=cols)
    if f.format == "feather":
        return pd.read_feather(f.path, columns=cols)
    if f.format == "csv":
        frame = pd.read_csv(f.path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    else:
        frame = pd.read_excel(f.path, dtype=str, sheet_name=0, keep_default_na=False)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame[cols]


def _text(s: pd.Series) -> pd.Series:
    t = s.astype(object).where(s.notna(), None)
    t = t.map(lambda v: None if v is None else str(v).strip())
    return t.where(t != "", None)


def _bad(text: pd.Series, parsed: pd.Series, markers: set[str]) -> pd.Series:
    """'redacted' or 'unreadable' where a cell has text that is a marker or cannot be read, else None."""
    out = pd.Series(None, index=text.index, dtype=object)
    has = text.notna()
    out[has & parsed.isna()] = "unreadable"
    out[has & text.str.lower().isin(markers).fillna(False).astype(bool)] = "redacted"
    return out


def read_roles(sf: SourceFile, layout: Layout) -> pd.DataFrame:
    """A file's rows with columns renamed to roles and typed as :func:`_sql.file_select` does."""
    raw = _read(sf)
    types = role_types(layout, sf.table.name)
    markers = set(layout.redaction)
    out: dict[str, pd.Series] = {}
    n = len(raw)
    for role, rtype in types.items():
        src = sf.roles.get(role)
        if src is None:
            out[role] = pd.Series([None] * n, dtype=object)
            if rtype in ("timestamp", "number"):
                out[role + "__bad"] = pd.Series([None] * n, dtype=object)
            continue
        col = raw[src].reset_index(drop=True)
        ctype = sf.file.columns.get(src, "string")
        if rtype == "timestamp":
            if ctype in ("timestamp", "date"):
                out[role] = pd.to_datetime(col).astype("datetime64[us]")
                out[role + "__bad"] = pd.Series([None] * n, dtype=object)
            else:
                t = _text(col)
                parsed = pd.to_datetime(
                    t.str.replace(r"\s*UTC$", "", regex=True), errors="coerce", format="ISO8601"
                ).astype("datetime64[us]")
                out[role], out[role + "__bad"] = parsed, _bad(t, parsed, markers)
        elif rtype == "number":
            if ctype == "number":
                out[role] = pd.to_numeric(col).astype(float)
                out[role + "__bad"] = pd.Series([None] * n, dtype=object)
            else:
                t = _text(col)
                num = pd.to_numeric(t.str.replace(",", "", regex=False), errors="coerce").astype(float)
                out[role], out[role + "__bad"] = num, _bad(t, num, markers)
        elif rtype == "date":
            out[role] = pd.to_datetime(col, errors="coerce").dt.date
        elif rtype == "year":
            out[role] = pd.to_numeric(_text(col).str.extract(r"([0-9]{4})")[0], errors="coerce").astype("Int64")
        else:
            out[role] = _text(col)
    return pd.DataFrame(out)


def _fy(t: pd.Series, start_month: int) -> pd.Series:
    if start_month == 1:
        return t.dt.year
    return t.dt.year + (t.dt.month >= start_month).astype(int)


def _epoch(t: pd.Series) -> pd.Series:
    return (t - pd.Timestamp(1970, 1, 1)).dt.total_seconds()


def stints(
    frame: pd.DataFrame, layout: Layout, start_month: int, by: str | None, as_of: dt.date | None
) -> tuple[pd.DataFrame, pd.DataFrame, dt.date | None, dict[int, tuple[pd.Timestamp, pd.Timestamp]]]:
    """Stints to stays to statistics per fiscal year (see :func:`_sql.stints_stays_sql`)."""
    cols = layout.tables[0].columns
    markers = set(layout.redaction)
    person_c, stay_c, out_c = (cols[r].names[0] for r in ("person", "stay_book_in", "stay_book_out"))
    f = frame
    person_l = f["person"].str.lower()
    reason = pd.Series(None, index=f.index, dtype=object)
    for mask, text in [
        (f["person"].isna(), f"missing {person_c}"),
        (person_l.isin(markers), f"redacted {person_c}"),
        (f["stay_book_in__bad"] == "redacted", f"redacted {stay_c}"),
        (f["stay_book_in__bad"] == "unreadable", f"unreadable {stay_c}"),
        (f["stay_book_in"].isna(), f"missing {stay_c}"),
    ]:
        reason = reason.where(reason.notna() | ~mask.fillna(False), text)
    crim = layout.values.get("criminality", {})
    c = f["criminality"]
    rank = np.select(
        [
            c.isna(),
            c.str.lower().isin(markers).fillna(False),
            c.isin(crim.get("convicted", ())),
            c.isin(crim.get("pending", ())),
            c.isin(crim.get("other", ())),
        ],
        [9, 8, 1, 2, 3],
        7,
    )
    ok = reason.isna()
    k = pd.DataFrame(
        {
            "row_reason": reason.fillna("").to_numpy(),
            "k_person": f["person"].where(ok, "").fillna("").to_numpy(),
            "k_stay_in": f["stay_book_in"].where(ok, pd.Timestamp(1, 1, 1)).to_numpy(),
            "book_in": f["book_in"].to_numpy(),
            "stay_out": f["stay_book_out"].to_numpy(),
            "bad_stay_out": f["stay_book_out__bad"].notna().astype(int).to_numpy(),
            "book_out": f["book_out"].to_numpy(),
            "has_book_out": f["book_out"].notna().astype(int).to_numpy(),
            "bad_book_out": f["book_out__bad"].notna().astype(int).to_numpy(),
            "crim_rank": rank,
            "grp_v": (f[by] if by else pd.Series([None] * len(f))).to_numpy(dtype=object),
        }
    )
    keys = ["row_reason", "k_person", "k_stay_in"]
    g = k.groupby(keys, sort=False, dropna=False)
    s = g.agg(
        n_rows=("book_in", "size"),
        stay_out=("stay_out", "max"),
        n_bad_stay_out=("bad_stay_out", "sum"),
        book_out=("book_out", "max"),
        n_book_out=("has_book_out", "sum"),
        n_bad_book_out=("bad_book_out", "sum"),
        crim_rank=("crim_rank", "min"),
    ).reset_index()
    if by:
        first = k.sort_values("book_in", kind="stable", na_position="last").groupby(keys, sort=False, dropna=False)
        grp = first["grp_v"].first().reset_index()
        s = s.merge(grp, on=keys, how="left").rename(columns={"grp_v": "grp"})
    else:
        s["grp"] = None
    # duplicated stints: the rows after the first with the same book-in (a missing one equal to a missing one)
    distinct = k.drop_duplicates([*keys, "book_in"]).groupby(keys, sort=False, dropna=False).size()
    s["n_dup"] = s["n_rows"].to_numpy() - distinct.reindex(pd.MultiIndex.from_frame(s[keys])).to_numpy()
    s["row_reason"] = s["row_reason"].replace("", None)
    s["stay_in"] = s["k_stay_in"].where(s["row_reason"].isna(), pd.NaT)
    closed_by_stints = (s["n_book_out"] == s["n_rows"]) & (s["n_bad_book_out"] == 0)
    s["stay_end"] = s["stay_out"].where(s["stay_out"].notna(), s["book_out"].where(closed_by_stints))
    s["reason"] = s["row_reason"]
    bad_out = s["reason"].isna() & (s["n_bad_stay_out"] > 0)
    s.loc[bad_out, "reason"] = f"unreadable or redacted {out_c}"
    before = s["reason"].isna() & (s["stay_end"] < s["stay_in"])
    s.loc[before, "reason"] = "book-out before book-in"
    s.loc[bad_out, "stay_end"] = pd.NaT
    valid_rows = s["row_reason"].isna()
    bounds = (
        s.loc[valid_rows, "stay_in"].min(),
        s.loc[valid_rows, "stay_in"].max(),
        s.loc[valid_rows, "stay_out"].max(),
        s.loc[valid_rows, "book_out"].max(),
    )
    first_in, as_of = as_of_day(bounds, as_of)
    as_of_end = pd.Timestamp(as_of or dt.date(1970, 1, 1)) + pd.Timedelta(days=1)
    periods = {} if first_in is None else periods_between(first_in, as_of_end, start_month)
    v = s.loc[s["reason"].isna()].copy()
    end_eff = v["stay_end"].where(v["stay_end"].notna() & (v["stay_end"] < as_of_end), as_of_end)
    v["in_s"], v["end_s"] = _epoch(v["stay_in"]), _epoch(end_eff)
    v["fy_in"] = _fy(v["stay_in"], start_month)
    v["fy_last"] = np.maximum(v["fy_in"], _fy(end_eff - pd.Timedelta(microseconds=1), start_month))
    v["fy_out"] = _fy(v["stay_end"], start_month)
    v["los"] = (v["stay_end"] - v["stay_in"]).dt.total_seconds() / 86400.0
    v["grp"] = v["grp"].astype(object)
    gk = ["fy_in", "grp"]
    out = []
    for (fy, grp), d in v.groupby(gk, dropna=False, sort=False):
        known = d["crim_rank"].isin([1, 2, 3])
        nonc = d["crim_rank"].isin([2, 3]).sum()
        out.append(("book_ins", fy, grp, float(len(d)), len(d)))
        out.append(("noncriminal_share", fy, grp, nonc / known.sum() if known.sum() else np.nan, int(known.sum())))
    for fy, (ps, pe) in periods.items():
        s0, e0 = (
            float((ps - pd.Timestamp(1970, 1, 1)).total_seconds()),
            float((pe - pd.Timestamp(1970, 1, 1)).total_seconds()),
        )
        sel = v.loc[(v["fy_in"] <= fy) & (v["fy_last"] >= fy)]
        overlap = (np.minimum(sel["end_s"], e0) - np.maximum(sel["in_s"], s0)).clip(lower=0)
        for grp, o in overlap.groupby(sel["grp"], dropna=False, sort=False):
            out.append(("adp", fy, grp, float(o.sum()) / (e0 - s0), int((o > 0).sum())))
    closed = v.loc[v["stay_end"].notna()]
    for (fy, grp), d in closed.groupby(["fy_out", "grp"], dropna=False, sort=False):
        out.append(("los_median", fy, grp, float(d["los"].quantile(0.5)), len(d)))
        out.append(("los_p90", fy, grp, float(d["los"].quantile(0.9)), len(d)))
    stats = pd.DataFrame(out, columns=["stat", "fy", "grp", "value", "n"])
    stats["grp"] = stats["grp"].astype(object).where(stats["grp"].notna(), None)
    stats = stats.loc[stats["fy"].isin(list(periods))]
    q = []
    for r, d in s.loc[s["reason"].notna()].groupby("reason"):
        units = int(d["n_rows"].where(d["row_reason"].notna(), 1).sum())  # rows that form no stay count one each
        q.append(("quality", r, float(d["n_rows"].sum()), units))
    ok_s = s.loc[s["reason"].isna()]
    q.append(("quality", "duplicate stint", float(ok_s["n_dup"].sum()), int(ok_s["n_dup"].sum())))
    q.append(
        ("quality", "stints read", float(s["n_rows"].sum()), int(s["n_rows"].where(s["row_reason"].notna(), 1).sum()))
    )
    op = ok_s.loc[ok_s["stay_end"].isna()]
    q.append(("flag", "open stay", float(op["n_rows"].sum()), len(op)))
    across = v.loc[v["fy_last"] > v["fy_in"]]
    q.append(("flag", "stay across fiscal years", float(across["n_rows"].sum()), len(across)))
    names = {9: "missing criminality", 8: "redacted criminality", 7: "unknown criminality code"}
    for rank_v, d in ok_s.loc[ok_s["crim_rank"] > 3].groupby("crim_rank"):
        q.append(("flag", names[int(rank_v)], float(d["n_rows"].sum()), len(d)))
    quality = pd.DataFrame(q, columns=["kind", "stat", "value", "n"])
    return stats, quality, as_of, periods


def encounters(
    frame: pd.DataFrame, layout: Layout, by: str | None, measures: Sequence[MeasureSpec]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Encounter rows checked, de-duplicated and summed (see :func:`_sql.encounters_rows_sql`)."""
    cols = layout.tables[0].columns
    months = list(layout.values.get("month", {}).get("months", ()))
    fy_c, month_c, count_c = (cols[r].names[0] for r in ("fiscal_year", "month", "encounter_count"))
    titles = [v for vs in layout.values.get("title_of_authority", {}).values() for v in vs]
    f = frame
    reason = pd.Series(None, index=f.index, dtype=object)
    upper = f["month"].str.upper()
    for mask, text in [
        (f["fiscal_year"].isna(), f"missing or unreadable {fy_c}"),
        (~upper.isin(months) | f["month"].isna(), f"unknown {month_c}"),
        (f["encounter_count__bad"].notna(), f"unreadable {count_c}"),
        (f["encounter_count"].isna(), f"missing {count_c}"),
        (f["encounter_count"] < 0, f"negative {count_c}"),
    ]:
        reason = reason.where(reason.notna() | ~mask.fillna(False).astype(bool), text)
    dims = [r for r in cols if r not in ("encounter_count", "month_grouping")]
    g = f[dims].astype(object).where(f[dims].notna(), _NONE)
    g["row_reason"] = reason.fillna("")
    g["grp"] = (f[by] if by else pd.Series([None] * len(f))).astype(object).fillna(_NONE)
    g["encounter_count"] = f["encounter_count"]
    keys = ["row_reason", *dims, "grp"]
    agg = (
        g.groupby(keys, sort=False, dropna=False)
        .agg(
            n_rows=("encounter_count", "size"),
            n_values=("encounter_count", "nunique"),
            count=("encounter_count", "max"),
        )
        .reset_index()
    )
    for c in [*dims, "grp"]:
        agg[c] = agg[c].where(agg[c] != _NONE, None)
    agg["fiscal_year"] = agg["fiscal_year"].astype("Int64")
    ok = agg["row_reason"] == ""
    pos = agg["month"].str.upper().map({m: i for i, m in enumerate(months, 1)})
    cover = pos[ok].groupby(agg.loc[ok, "fiscal_year"]).max()
    out = [("months", int(fy), None, float(n), int(n)) for fy, n in cover.items()]
    for i, m in enumerate(measures):
        sel = ok.copy()
        for role, vals in m.where.items():
            sel &= agg[role].isin(vals)
        d = agg.loc[sel]
        for (fy, grp), dd in d.groupby(["fiscal_year", "grp"], dropna=False, sort=False):
            out.append((str(i), int(fy), grp, float(dd["count"].sum()), int(cover[fy])))
    stats = pd.DataFrame(out, columns=["stat", "fy", "grp", "value", "n"])
    stats["grp"] = stats["grp"].astype(object).where(stats["grp"].notna(), None)
    q = [("quality", r, float(d["n_rows"].sum()), len(d)) for r, d in agg.loc[~ok].groupby("row_reason")]
    dup = agg.loc[ok & (agg["n_rows"] > 1) & (agg["n_values"] == 1)]
    q.append(("quality", "duplicate row", float((dup["n_rows"] - 1).sum()), len(dup)))
    conf = agg.loc[ok & (agg["n_values"] > 1)]
    q.append(("flag", "conflicting duplicate rows (largest count kept)", float((conf["n_rows"] - 1).sum()), len(conf)))
    unk = agg.loc[ok & ~agg["title_of_authority"].isin(titles)]
    q.append(("flag", "unknown Title of Authority", float(unk["n_rows"].sum()), len(unk)))
    q.append(("quality", "rows read", float(agg["n_rows"].sum()), len(agg)))
    return stats, pd.DataFrame(q, columns=["kind", "stat", "value", "n"])


def fytable(frame: pd.DataFrame, m: MeasureSpec, start_month: int, window_days: int) -> pd.DataFrame:
    """One measure of a fiscal-year table from the latest pull of each year (see :func:`_sql.fytable_sql`)."""
    f = frame.copy()
    v = sum((f[c] for c in m.value[1:]), f[m.value[0]])
    if m.divide_by:
        v = v / f[m.divide_by].where(f[m.divide_by] != 0)
    if m.complement:
        v = 1 - v
    f["v"] = v
    f["grp"] = f[m.by] if m.by else None
    has = f["fiscal_year"].notna() & f["pull_date"].notna()
    pulls = f.loc[has].groupby(["fiscal_year", "pull_date"], as_index=False)["file_date"].max()
    keys = set(zip(pulls["fiscal_year"], pulls["pull_date"], strict=True))
    why: dict[tuple[Any, Any], str] = {}
    for fy, pull in keys:
        start, end = fiscal_year_bounds(int(fy), start_month)
        if not (start.date() <= pull < (end + pd.Timedelta(days=window_days)).date()):
            why[(fy, pull)] = f"pull date outside the fiscal year and the {window_days} days after it"
        elif (fy + 1, pull) in keys:
            why[(fy, pull)] = "pull also published under the next fiscal year"
    ok = pulls.loc[[k not in why for k in zip(pulls["fiscal_year"], pulls["pull_date"], strict=True)]]
    latest = ok.loc[ok.groupby("fiscal_year")["pull_date"].idxmax()] if len(ok) else ok
    chosen = {(r.fiscal_year, r.pull_date): r.file_date for r in latest.itertuples()}
    key = list(zip(f["fiscal_year"], f["pull_date"], strict=True))
    cond = pd.Series(True, index=f.index)
    for role, vals in m.where.items():
        cond &= f[role].isin(vals)
    bad_cols = [*m.value, *((m.divide_by,) if m.divide_by else ())]
    bad = pd.Series(False, index=f.index)
    for c in bad_cols:
        bad |= f[c + "__bad"].notna()
    reason: list[str | None] = []
    for i, k in enumerate(key):
        if not has.iloc[i]:
            reason.append("missing or unreadable fiscal_year or pull_date")
        elif k in why:
            reason.append(why[k])
        elif k not in chosen or (f["file_date"].iloc[i] is not None and f["file_date"].iloc[i] != chosen[k]):
            reason.append("superseded by a later pull or file")
        elif not cond.iloc[i]:
            reason.append("not selected")
        elif bad.iloc[i]:
            reason.append("unreadable or redacted value")
        elif pd.isna(f["v"].iloc[i]):
            reason.append("missing value")
        else:
            reason.append(None)
    f["reason"] = reason
    good = f.loc[f["reason"].isna()].copy()
    good["grp"] = good["grp"].astype(object).fillna(_NONE)
    rows: list[tuple[Any, ...]] = []
    for (fy, grp), d in good.groupby(["fiscal_year", "grp"], sort=False):
        k = (fy, d["pull_date"].iloc[0])
        rows.append(
            (
                int(fy),
                None if grp == _NONE else grp,
                float(d["v"].max()),
                int(d["v"].nunique()),
                len(d),
                str(k[1]),
                str(chosen[k]),
            )
        )
    for r, d in f.loc[f["reason"].notna()].groupby("reason"):
        rows.append((None, r, None, None, len(d), None, None))
    return pd.DataFrame(rows, columns=["fy", "grp", "value", "n_values", "n_rows", "pull_date", "file_date"])
