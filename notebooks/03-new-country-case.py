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
# # Code and score a new country case
#
# 1. Write a ready-to-fill case folder (`securitization new-case` on the command line).
# 2. Code evidence items with the anchors of the coding guide.
# 3. Validate, score next to the bundled cases, and chart.
#
# The example is Canada under Stephen Harper (2006-2015), with six sourced items on the
# 2012 Protecting Canada's Immigration System Act and the 2010 MV Sun Sea arrival (see
# `example-case/README.md`, shipped with the package: `securitization.datasets.example_case_dir()`).
# It is a worked example, not a finding about Canada. All files go to a temporary folder,
# and the notebook runs from any folder.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import securitization as sec
from securitization import plot
from securitization import new_case
from securitization.datasets import example_case_dir

folder = Path(tempfile.mkdtemp(prefix="securitization-new-case-")) / "can-harper-2006"
made = new_case(country="CAN", label="Canada Harper 2006-2015", leader="Stephen Harper",
                start="2006-02-06", end="2015-11-03", out=folder)
print(made)
print((folder / "CODING-GUIDE.md").read_text()[:900])

# %% [markdown]
# ## Coding
# Each row: the item, its date, kind, source (never empty), a verbatim quote where there is
# one, and the level chosen with the indicator's anchors. Here we take the example's rows.

# %%
example = pd.read_csv(example_case_dir() / "evidence.csv", dtype=str, keep_default_na=False)
example[["evidence_id", "indicator", "date", "kind", "title", "code", "weight"]]

# %%
example.to_csv(folder / "evidence.csv", index=False)

# %% [markdown]
# ## Validation: a bad spreadsheet gets every problem at once

# %%
bad = example.copy()
bad.loc[0, "code"] = "5"
bad.loc[1, "date"] = "2019-02-30"
bad.loc[2, "source"] = ""
try:
    sec.validate_tables(cases=[pd.read_csv(folder / "cases.csv", dtype=str, keep_default_na=False)], evidence=[bad])
except sec.ValidationError as err:
    print(err)

# %% [markdown]
# ## Score next to the bundled cases

# %%
data = sec.load([folder], include_bundled=True)
scores = sec.score(data)
scores

# %% [markdown]
# I-2 was not coded: it is missing (not zero), and the institutional dimension rests on
# the two indicators that carry two thirds of its weight (the codebook's minimum coverage
# is one half).

# %%
scores.to_frame("dimension").query("case == 'can-harper-2006'")

# %%
fig, ax = plt.subplots(figsize=(10, 6))
plot.plot_heatmap(scores, ax=ax);

# %%
fig = plt.figure(figsize=(8, 8))
ax = fig.add_subplot(projection="polar")
plot.plot_profile(scores, cases=["can-harper-2006", "us-obama-2009", "mex-pena-nieto-2012"], ax=ax);

# %% [markdown]
# ## What the example shows

# %%
ov = scores.overall.set_index("case")
can = ov.loc["can-harper-2006"]
cells = scores.indicators.loc[scores.indicators["case"] == "can-harper-2006"].set_index("indicator")
missing = [code for code, v in cells["score"].items() if pd.isna(v)]
dims = scores.dimensions.loc[scores.dimensions["case"] == "can-harper-2006"].set_index("dimension")
closest = (ov["score"] - can["score"]).abs().drop("can-harper-2006").idxmin()
print(
    f"From {int(cells['n_items'].sum())} coded items, the example case scores {can['score']:.2f} overall "
    f"({can['band']}), rank {int(can['rank'])} of {len(ov)}, closest to {ov.loc[closest, 'label']} "
    f"({ov.loc[closest, 'score']:.2f}). "
    + (
        f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing, not zero: the institutional "
        f"dimension ({dims.loc['institutional', 'score']:.2f}) rests on {dims.loc['institutional', 'coverage']:.0%} "
        f"of its weight, above the codebook's minimum of {scores.codebook.aggregation.min_coverage:.0%}, and the "
        f"overall coverage is {can['coverage']:.0%}. "
        if missing
        else "Every indicator has evidence. "
    )
    + f"{int(cells['n_items'].sum())} items make a worked example, not a finding: a real case needs several "
    "items per indicator, coded twice, before its score is compared with the bundled ones."
)
