# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # From detention records to a scored P-2, with the trail
#
# Bourbeau's detention indicator (P-2) is "a quantitative measurement of detention". The
# records behind it are public: the Deportation Data Project's ICE detention stints (one
# row per book-in or transfer), CBP's Nationwide Encounters, ICE's fiscal-year detention
# statistics. `securitization.records` turns such files into rows of the measures table,
# each with its provenance, so that the trail from a score runs down to the record files.
#
# 1. a detention stints file (here **synthetic**, in the Deportation Data Project's layout,
#    with the bad records real releases have) ->
# 2. `measures_from_records(..., layout="ddp-detention-stints")` -> `measures.csv` ->
# 3. `securitization.load([cases.csv, measures.csv])` -> `score` -> `explain`.
#
# The numbers below describe synthetic records, not ICE detention. All files go to a
# temporary folder.

# %%
import json
import tempfile
from pathlib import Path

import pandas as pd

import securitization as sec
from securitization.records import describe_provenance, load_layout, measures_from_records
from securitization.records.synthetic import write_ice_stats, write_stints

folder = Path(tempfile.mkdtemp(prefix="securitization-records-"))
stints = write_stints(folder, n_people=20_000, start="2016-10-01", end="2020-09-30", rng=2011)
print(stints.name, f"{len(pd.read_parquet(stints)):,} stints")
pd.read_parquet(stints).head(3)

# %% [markdown]
# ## The layout: what the file looks like, what it feeds
# A layout is a TOML file: column roles (with the names a column may have), value sets,
# redaction markers, breakdowns and the measures it produces, each from a versioned
# definition. A new source is a new layout file; `load_layout("my-layout.toml")` reads it.

# %%
layout = load_layout("ddp-detention-stints")
print(layout)

# %% [markdown]
# ## Records to measures
# Stints collapse into stays by person and stay book-in. Book-ins count stays; the average
# daily population (ADP) clips each stay to the fiscal year (US federal: October to
# September, written `FY2019`) and divides the stay-days by the year's days; length of
# stay is taken over the stays that end in the year; the non-criminal share over the stays
# booked in. Every bad record is counted by reason; none is dropped in silence. The records
# run to 30 September 2020 (`as_of`): stays still open then count as detained to its end.
#
# The same on the command line:
#
# ```
# securitization records measures detention-stints.parquet --layout ddp-detention-stints \
#     --country USA --as-of 2020-09-30 --out measures.csv
# ```

# %%
res = measures_from_records(stints, layout="ddp-detention-stints", country="USA", as_of="2020-09-30")
print(res)

# %%
measures_csv = res.write(folder / "measures.csv")
res.measures[["measure", "period", "value", "unit"]].head(8)

# %% [markdown]
# Each row carries its provenance: a JSON object with the input file and its SHA-256, the
# records read, used and dropped (with the reasons), the layout and definition versions,
# the engine and the query that ran. `describe_provenance` reads it as a few lines.

# %%
row = res.measures.query("measure == 'ice_detention_adp' and period == 'FY2019'").iloc[0]
print("\n".join(describe_provenance(row["provenance"])))

# %%
prov = json.loads(row["provenance"])
print(row["notes"])
print(json.dumps({k: v for k, v in prov.items() if k != "query"}, indent=1))
print(prov["query"][:600], "...")

# %% [markdown]
# ## Score P-2
# The default codebook scores `ice_detention_adp` per 100,000 residents. The synthetic
# file holds about one seventieth of the real detained population, so the synthetic case's
# population is scaled down likewise (5 million residents).

# %%
cases = pd.DataFrame(
    {
        "case": ["us-synthetic-2017"],
        "country": ["USA"],
        "label": ["US (synthetic records) 2017-2021"],
        "leader": ["Synthetic"],
        "start": ["2017-01-20"],
        "end": ["2021-01-20"],
        "population": ["5000000"],
    }
)
cases.to_csv(folder / "cases.csv", index=False)
data = sec.load([folder / "cases.csv", measures_csv])
print(data)
scores = sec.score(data)
scores.to_frame("indicator").query("indicator == 'P-2'")[["case", "indicator", "score", "band", "n_measures"]]

# %% [markdown]
# ## The trail
# `explain` lists the measures behind the score, with their sources; the provenance of each
# row (above, and in `data.measures["provenance"]`) leads on to the record files.

# %%
print(scores.explain("us-synthetic-2017", "P-2"))

# %%
trail = data.measures.query("measure == 'ice_detention_adp'")[["period", "value", "provenance"]].copy()
trail["file"] = trail["provenance"].map(lambda p: json.loads(p)["files"][0]["name"])
trail["sha256"] = trail["provenance"].map(lambda p: json.loads(p)["files"][0]["sha256"][:12])
trail["rows used"] = trail["provenance"].map(lambda p: json.loads(p)["rows"]["used"])
trail.drop(columns="provenance")

# %% [markdown]
# ## ICE's own statistics: the latest pull of each year
# ICE publishes its fiscal-year detention statistics many times a year. The
# `ice-detention-stats` layout reads them as long tables (one row per fiscal year, file
# date and pull date) and takes the latest pull of each year, recording which; a file of
# the next year published under the earlier year's name is set aside and reported. Here on
# synthetic tables of the same shape:

# %%
tables = write_ice_stats(folder / "ice", years=(2019, 2023), rng=3)
ice = measures_from_records(list(tables.values()), layout="ice-detention-stats")
ice.measures.query("measure == 'ice_detention_adp'")[["period", "value", "notes"]]

# %% [markdown]
# ## Conclusion
#
# Drawn from the numbers above (computed, so it follows them if the records change).

# %%
q = res.quality.set_index("reason")
n_read = int(q.loc["stints read", "rows"])
n_dropped = int(q.loc[q["action"].str.startswith("dropped"), "rows"].sum())
kept_noted = q.loc[q["action"].str.startswith("kept")]
p2 = scores.to_frame("indicator").query("case == 'us-synthetic-2017' and indicator == 'P-2'").iloc[0]
adp = res.measures.query("measure == 'ice_detention_adp' and period in ['FY2017', 'FY2018', 'FY2019', 'FY2020']")
per_100k = adp["value"].mean() / 5_000_000 * 100_000
pulls = ice.measures.query("measure == 'ice_detention_adp'")
print(
    f"From {n_read:,} synthetic detention stints, {n_dropped:,} were dropped as bad records, each counted by "
    f"its reason, and {int(kept_noted['rows'].sum()):,} were kept with a note "
    f"({', '.join(f'{int(r.rows):,} {name}' for name, r in kept_noted.iterrows())}). "
    f"The average daily population over FY2017-FY2020 comes to {per_100k:.1f} detained per 100,000 residents "
    f"of the synthetic case, which the codebook scores {p2['score']:.2f} ({p2['band']}) on P-2 from "
    f"{int(p2['n_measures'])} fiscal years of records. Every one of those rows names its input file by SHA-256, "
    f"the rows it read, used and dropped, and the layout and definition versions, and explain() prints them. "
    f"From ICE's own statistics, the layout kept the latest pull of each of {len(pulls)} fiscal years and "
    "set aside the files of a year published under the earlier year's name, saying so in each row's notes."
)
