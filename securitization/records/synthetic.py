"""Seeded synthetic record files in the real layouts, with the bad records real files have.

For the tests, the worked notebook and the benchmark: nothing here is real data. Every
function takes ``rng`` (a ``numpy.random.Generator``, an int seed or None for the fixed
default seed :data:`DEFAULT_SEED`) and writes the same bytes for the same arguments.

* :func:`write_stints` - ``ddp-detention-stints``: stints of stays (transfers between
  facilities), with missing and redacted identifiers, duplicate stints, book-outs before
  book-ins, open stays, stays across fiscal years, unknown and redacted criminality codes
  and (in text files) redacted dates; Parquet in chunks, so that tens of millions of rows
  are written with bounded memory.
* :func:`write_encounters` - ``cbp-encounters`` in its published or snake_case form, with
  duplicate, conflicting, negative, missing and unreadable counts and an unknown title.
* :func:`write_ice_stats` - ``ice-detention-stats``: the long tables, several pulls a
  year, one pull of the next year published under the earlier year's name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import ParameterError

__all__ = [
    "DEFAULT_SEED",
    "stints_frame",
    "write_encounters",
    "write_ice_stats",
    "write_stints",
]

DEFAULT_SEED = 20110101
CRIMINALITY = ["1 Convicted Criminal", "2 Pending Criminal Charges", "3 Other Immigration Violator"]
COUNTRIES = [
    "MEXICO",
    "GUATEMALA",
    "HONDURAS",
    "EL SALVADOR",
    "VENEZUELA",
    "CUBA",
    "HAITI",
    "INDIA",
    "COLOMBIA",
    "ECUADOR",
]
REASONS = ["Removed", "Transferred", "Bonded Out", "Paroled", "Released (Order of Recognizance)"]
StintFormat = Literal["parquet", "csv", "feather", "xlsx"]


def _rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng(DEFAULT_SEED)
    if isinstance(rng, int | np.integer):
        return np.random.default_rng(int(rng))
    raise ParameterError.invalid("rng", "synthetic", "a numpy Generator, an int seed or None", rng)


def stints_frame(
    n_stays: int,
    *,
    start: str = "2016-10-01",
    end: str = "2020-09-30",
    bad: bool = True,
    rng: np.random.Generator | int | None = None,
    first_person: int = 0,
    n_facilities: int = 150,
    data_end: str | None = None,
) -> pd.DataFrame:
    """Stints of ``n_stays`` stays booked in between ``start`` and ``end`` (days).

    Stays last a log-normal number of days (median 25), have 1-4 stints, and are open
    (no book-out) when they would end after ``data_end`` (default ``end``). With ``bad``, about 0.2% of rows
    lose their identifier, 0.1% have it redacted, 0.5% are duplicated, 0.1% of stays
    are booked out before their book-in, 0.2% of stays are left open, 0.3% of rows have
    an unknown criminality code and 0.1% a redacted one. Columns as in
    ``ddp-detention-stints``; timestamps as ``datetime64[us]``.
    """
    g = _rng(rng)
    t0, t1 = pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)
    span = (t1 - t0).total_seconds()
    stay_in_s = np.sort(g.uniform(0.0, span, n_stays))
    los_s = np.clip(g.lognormal(np.log(25.0), 1.1, n_stays), 0.05, 1500.0) * 86400.0
    k = np.minimum(1 + g.poisson(0.45, n_stays), 4)
    stay = np.repeat(np.arange(n_stays), k)
    pos = np.arange(len(stay)) - np.repeat(np.cumsum(k) - k, k)
    # cut points of each stay's interval into k stints
    u = g.uniform(0.0, 1.0, len(stay))
    u[pos == 0] = 0.0
    order = np.lexsort((u, stay))
    u = u[order]
    nxt = np.r_[u[1:], 1.0]
    last = np.r_[stay[1:] != stay[:-1], True]
    nxt[last] = 1.0
    base = t0.value // 1000  # microseconds
    in_us = base + (stay_in_s[stay] * 1e6).astype(np.int64)
    b_in = in_us + (u * los_s[stay] * 1e6).astype(np.int64)
    b_out = in_us + (nxt * los_s[stay] * 1e6).astype(np.int64)
    s_out = in_us + (los_s[stay] * 1e6).astype(np.int64)
    end_us = (pd.Timestamp(data_end) + pd.Timedelta(days=1) if data_end else t1).value // 1000
    open_stay = (in_us + (los_s[stay] * 1e6).astype(np.int64)) > end_us
    if bad:
        extra_open = g.random(n_stays) < 0.002
        open_stay |= extra_open[stay]
        back = g.random(n_stays) < 0.001
        flip = back[stay]
        s_out = np.where(flip, in_us - 86_400_000_000, s_out)
        b_out = np.where(flip & last, in_us - 86_400_000_000, b_out)
    n = len(stay)
    people = first_person + g.integers(0, max(1, int(n_stays * 0.8)), n_stays)
    # the identifiers are built in Arrow (much faster than formatting in Python)
    person = pc.utf8_lpad(pc.cast(pa.array(people[stay] * 7919 + 1_000_003), pa.string()), 12, "0").to_numpy(
        zero_copy_only=False
    )
    crim = np.array(CRIMINALITY, dtype=object)[g.choice(3, n_stays, p=[0.4, 0.15, 0.45])][stay]
    fac = np.array([f"FAC{i:04d}" for i in range(n_facilities)], dtype=object)[g.integers(0, n_facilities, n)]
    cit = np.array(COUNTRIES, dtype=object)[g.integers(0, len(COUNTRIES), n_stays)][stay]
    rel = np.array(REASONS, dtype=object)[g.integers(0, len(REASONS), n)]
    frame = pd.DataFrame(
        {
            "stay_book_in_date_time": in_us.astype("datetime64[us]"),
            "book_in_date_time": b_in.astype("datetime64[us]"),
            "book_out_date_time": b_out.astype("datetime64[us]"),
            "stay_book_out_date_time": s_out.astype("datetime64[us]"),
            "detention_facility_code": fac,
            "book_in_criminality": crim,
            "citizenship_country": cit,
            "anonymized_identifier": person,
            "detention_release_reason": rel,
        }
    )
    frame.loc[open_stay, "stay_book_out_date_time"] = pd.NaT
    running = open_stay & (last | (b_out > end_us))
    frame.loc[running, "book_out_date_time"] = pd.NaT
    frame.loc[running, "detention_release_reason"] = None
    future = open_stay & (b_in >= end_us) & (pos > 0)  # transfers after the end of the data
    frame = frame.loc[~future].reset_index(drop=True)
    n = len(frame)
    if bad:
        r = g.random(n)
        frame.loc[r < 0.002, "anonymized_identifier"] = None
        frame.loc[(r >= 0.002) & (r < 0.003), "anonymized_identifier"] = "b(6), b(7)c"
        c = g.random(n)
        frame.loc[c < 0.003, "book_in_criminality"] = "4 Unknown"
        frame.loc[(c >= 0.003) & (c < 0.004), "book_in_criminality"] = "b(6), b(7)c"
        dup = np.flatnonzero(g.random(n) < 0.005)
        frame = pd.concat([frame, frame.iloc[dup]], ignore_index=True)
    return frame


def _as_text(frame: pd.DataFrame, rng: np.random.Generator, bad: bool) -> pd.DataFrame:
    out = frame.copy()
    for c in out.columns:
        if c.endswith("date_time"):
            out[c] = out[c].dt.strftime("%Y-%m-%d %H:%M:%S").where(out[c].notna(), "")
    out = out.astype(object).where(out.notna(), "")
    if bad and len(out):
        r = rng.random(len(out))
        out.loc[r < 0.001, "stay_book_in_date_time"] = "b(6), b(7)c"
        out.loc[(r >= 0.001) & (r < 0.0015), "stay_book_in_date_time"] = "not a date"
    return out


def write_stints(
    folder: str | Path,
    *,
    n_people: int | None = None,
    n_rows: int | None = None,
    start: str = "2016-10-01",
    end: str = "2020-09-30",
    fmt: StintFormat = "parquet",
    bad: bool = True,
    rng: np.random.Generator | int | None = None,
    name: str | None = None,
    chunk_stays: int = 1_000_000,
) -> Path:
    """Write synthetic stints (``ddp-detention-stints``) and return the file's path.

    Give ``n_people`` (stays, about 1.45 stints each) or ``n_rows`` (stints, roughly).
    Parquet is written in row groups of ``chunk_stays`` stays, so memory stays bounded;
    CSV, Feather and xlsx files are written whole (keep them small). In text formats
    (CSV, xlsx) with ``bad``, some stay book-ins are redaction markers or not dates.
    """
    g = _rng(rng)
    n_stays = n_people if n_people is not None else int((n_rows or 1000) / 1.455)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"detention-stints.{'xlsx' if fmt == 'xlsx' else fmt}")
    if fmt == "parquet":
        t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
        n_chunks = max(1, -(-n_stays // chunk_stays))
        days = (t1 - t0).days + 1
        cuts = [t0 + pd.Timedelta(days=days * i // n_chunks) for i in range(n_chunks + 1)]
        writer = None
        try:
            for i in range(n_chunks):
                m = n_stays // n_chunks + (1 if i < n_stays % n_chunks else 0)
                chunk = stints_frame(
                    m,
                    start=str(cuts[i].date()),
                    end=str((cuts[i + 1] - pd.Timedelta(days=1)).date()),
                    bad=bad,
                    rng=g,
                    first_person=i * chunk_stays,
                    data_end=end,
                )
                table = pa.Table.from_pandas(chunk, preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(path, table.schema)
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()
        return path
    frame = stints_frame(n_stays, start=start, end=end, bad=bad, rng=g)
    if fmt == "feather":
        frame.reset_index(drop=True).to_feather(path)
    elif fmt == "csv":
        _as_text(frame, g, bad).to_csv(path, index=False)
    else:
        _as_text(frame, g, bad).to_excel(path, index=False)
    return path


def write_encounters(
    folder: str | Path,
    *,
    form: Literal["published", "snake"] = "published",
    years: tuple[int, int] = (2020, 2023),
    bad: bool = True,
    rng: np.random.Generator | int | None = None,
    name: str | None = None,
) -> Path:
    """Write a synthetic CBP Nationwide Encounters CSV (``cbp-encounters``).

    One row per fiscal year, month, component, region, area of responsibility,
    demographic, citizenship and title of authority (Title 42 from March 2020 to May
    2023, as in reality). With ``bad``: 1% exact duplicate rows, two conflicting
    duplicates, a negative, a missing and an unreadable count, a row with an unknown
    month and one with an unknown Title of Authority.
    """
    g = _rng(rng)
    months = ["OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP"]
    comps = [
        ("U.S. Border Patrol", "Southwest Land Border", "Tucson Sector", "TCA"),
        ("U.S. Border Patrol", "Southwest Land Border", "Rio Grande Valley Sector", "RGV"),
        ("U.S. Border Patrol", "Northern Land Border", "Swanton Sector", "SWB"),
        ("Office of Field Operations", "Southwest Land Border", "San Diego Field Office", "San Diego"),
        ("Office of Field Operations", "Other", "Houston Field Office", "Houston"),
    ]
    demos = ["Single Adults", "FMUA", "UC / Single Minors"]
    cits = ["MEXICO", "GUATEMALA", "HONDURAS", "OTHER"]
    rows = []
    for fy in range(years[0], years[1] + 1):
        for mi, mon in enumerate(months):
            cal_year, cal_month = (fy - 1, 10 + mi) if mi < 3 else (fy, mi - 2)
            t42 = (2020, 3) <= (cal_year, cal_month) <= (2023, 5)
            for comp, region, aor, abbv in comps:
                for demo in demos:
                    for cit in cits:
                        titles = ["Title 8", "Title 42"] if t42 else ["Title 8"]
                        for title in titles:
                            etype = (
                                "Expulsions"
                                if title == "Title 42"
                                else ("Apprehensions" if comp == "U.S. Border Patrol" else "Inadmissibles")
                            )
                            rows.append(
                                [
                                    fy,
                                    "FYTD",
                                    mon,
                                    comp,
                                    region,
                                    aor,
                                    abbv,
                                    demo,
                                    cit,
                                    title,
                                    etype,
                                    int(g.integers(0, 400)),
                                ]
                            )
    cols = [
        "Fiscal Year",
        "Month Grouping",
        "Month (abbv)",
        "Component",
        "Land Border Region",
        "Area of Responsibility",
        "AOR (Abbv)",
        "Demographic",
        "Citizenship",
        "Title of Authority",
        "Encounter Type",
        "Encounter Count",
    ]
    frame = pd.DataFrame(rows, columns=cols).astype(object)
    if bad:
        dup = frame.iloc[np.flatnonzero(g.random(len(frame)) < 0.01)]
        conflict = frame.iloc[[5, 17]].copy()
        conflict["Encounter Count"] = conflict["Encounter Count"].astype(int) + 7
        frame = pd.concat([frame, dup, conflict], ignore_index=True)
        frame.loc[3, "Encounter Count"] = -4
        frame.loc[8, "Encounter Count"] = None
        frame.loc[11, "Encounter Count"] = "n/a"
        frame.loc[14, "Month (abbv)"] = "FYTD"
        frame.loc[20, "Title of Authority"] = "Title 99"
    if form == "snake":
        frame.columns = [
            "fiscal_year",
            "month_grouping",
            "month_abbv",
            "component",
            "land_border_region",
            "area_of_responsibility",
            "aor_abbv",
            "demographic",
            "citizenship",
            "title_of_authority",
            "encounter_type",
            "encounter_count",
        ]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"nationwide-encounters-{form}.csv")
    frame.to_csv(path, index=False)
    return path


def _pull_schedule(fy: int, n_pulls: int) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """(pull date, file date) of ``n_pulls`` pulls through a fiscal year, the last after its end."""
    start = pd.Timestamp(fy - 1, 10, 1)
    out = []
    for k in range(n_pulls):  # the first 25 days into the year, the last a week after it ends
        pull = start + pd.Timedelta(days=25 + round((372 - 25) * k / max(n_pulls - 1, 1)))
        out.append((pull, pull + pd.Timedelta(days=10)))
    return out


def write_ice_stats(
    folder: str | Path,
    *,
    years: tuple[int, int] = (2019, 2024),
    pulls: int = 3,
    bad: bool = True,
    rng: np.random.Generator | int | None = None,
) -> dict[str, Path]:
    """Write synthetic ICE detention statistics tables (``ice-detention-stats``) as Parquet.

    Each fiscal year has ``pulls`` pulls; year-to-date figures grow through the year and
    the last pull (dated a week after the year ends) holds the final figures. With
    ``bad``, the second year also carries, under its own name, a copy of the next year's
    first pull (a mislabelled file, as ICE's FY2024 series has), and one removals row has
    a missing value. Returns the paths by table name.
    """
    g = _rng(rng)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    months = ["Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep"]
    tables: dict[str, list[dict[str, object]]] = {
        k: []
        for k in (
            "adp-by-agency-criminality",
            "book-ins-by-arresting-agency",
            "book-ins-by-facility-type",
            "book-outs-by-reason-annual",
            "removals",
            "stay-length-by-agency-criminality",
            "facilities",
        )
    }
    finals = {
        fy: (float(g.uniform(20000, 50000)), float(g.uniform(2e5, 5e5)), float(g.uniform(1e5, 3e5)))
        for fy in range(years[0], years[1] + 2)
    }

    def add_pull(fy: int, label_fy: int, pull: pd.Timestamp, file: pd.Timestamp, frac: float) -> None:
        adp, book_ins, removals = finals[fy]
        base = {"fiscal_year": label_fy, "file_date": file.date(), "pull_date": pull.date()}
        for i, mon in enumerate(months):
            date = pd.Timestamp(fy - 1 if i < 3 else fy, (i + 9) % 12 + 1, 1).date()
            for agency, share in (
                ("CBP Average", 0.55),
                ("Convicted Criminal", 0.2),
                ("ICE Average", 0.45),
                ("Average", 1.0),
            ):
                tables["adp-by-agency-criminality"].append(
                    {
                        "agency": agency,
                        "month": mon,
                        "date": date,
                        "adp": adp * share * (0.9 + 0.02 * i),
                        "adp_fy_ytd": adp * share * (0.95 + 0.05 * frac),
                        **base,
                    }
                )
            for agency, share in (("Total", 1.0), ("ICE", 0.4), ("CBP", 0.6)):
                tables["book-ins-by-arresting-agency"].append(
                    {
                        "arresting_agency": agency,
                        "month": mon,
                        "date": date,
                        "n_book_ins": book_ins * share / 12,
                        "n_book_ins_ytd": round(book_ins * share * frac),
                        **base,
                    }
                )
            for agency in ("Average", "ICE Average"):
                tables["stay-length-by-agency-criminality"].append(
                    {
                        "agency": agency,
                        "month": mon,
                        "date": date,
                        "avg_stay_length_days": 30.0 + i,
                        "avg_stay_length_days_fy_ytd": 25.0 + 10 * frac,
                        **base,
                    }
                )
        total = round(book_ins * frac)
        conv = round(total * 0.3)
        pend = round(total * 0.1)
        for ftype, share in (("Total", 1.0), ("Adult", 0.97)):
            t = round(total * share)
            tables["book-ins-by-facility-type"].append(
                {
                    "facility_type": ftype,
                    "convicted_criminal": float(round(conv * share)),
                    "pending_criminal_charges": float(round(pend * share)),
                    "other_immigration_violator": float(t - round(conv * share) - round(pend * share)),
                    "total": float(t),
                    **base,
                }
            )
        for reason, share in (("Total", 1.0), ("Removed", 0.6), ("Bonded Out", 0.2)):
            tables["book-outs-by-reason-annual"].append(
                {"release_reason": reason, "total": round(book_ins * 0.95 * frac * share), **base}
            )
        tables["removals"].append({"removals": float(round(removals * frac)), **base})
        for j, (name, aor) in enumerate(
            (
                ("STEWART DETENTION CENTER", "ATL"),
                ("SOUTH TEXAS ICE PROCESSING CENTER", "SNA"),
                ("ADELANTO ICE PROCESSING CENTER", "LOS"),
            )
        ):
            lv = adp * (0.05 - 0.01 * j)
            tables["facilities"].append(
                {
                    "name": name,
                    "aor": aor,
                    "level_a": lv * 0.5,
                    "level_b": lv * 0.2,
                    "level_c": lv * 0.2,
                    "level_d": lv * 0.1,
                    "alos": 40.0 + j,
                    **base,
                }
            )

    for fy in range(years[0], years[1] + 1):
        for k, (pull, file) in enumerate(_pull_schedule(fy, pulls)):
            add_pull(fy, fy, pull, file, (k + 1) / pulls)
        if bad and fy == years[0] + 1:
            nxt_pull, nxt_file = _pull_schedule(fy + 1, pulls)[0]
            add_pull(fy + 1, fy, nxt_pull, nxt_file + pd.Timedelta(days=3), 1 / pulls)
        if bad and fy == years[1]:
            nxt_pull, nxt_file = _pull_schedule(fy + 1, pulls)[0]
            add_pull(fy + 1, fy + 1, nxt_pull, nxt_file, 1 / pulls)  # the next year begun: one pull
    if bad:
        tables["removals"][0]["removals"] = None
    out = {}
    for name, rows in tables.items():
        path = folder / f"{name}.parquet"
        pd.DataFrame(rows).to_parquet(path, index=False)
        out[name] = path
    return out
