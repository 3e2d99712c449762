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
# # Quickstart: score the bundled cases, explain a number, draw three charts
#
# `securitization` scores how intensely a government securitizes migration on five
# indicators after Bourbeau (2011): I-1 legal components, I-2 orientation of institutions,
# I-3 saliency of the migration-security link (institutional), P-1 interdiction and P-2
# detention (practice), on a 0-4 scale. This notebook writes nothing outside a temporary
# folder.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

import securitization as sec
from securitization import plot

out = Path(tempfile.mkdtemp(prefix="securitization-quickstart-"))

# %% [markdown]
# ## The codebook
# The codebook is a TOML file: indicators, the scale and its anchors, weights and rules.

# %%
cb = sec.load_codebook()
print(cb.label)
print(cb.scale.labels)
print(cb.indicator("P-2").anchors[4])

# %% [markdown]
# ## The bundled cases, validated, and their scores

# %%
data = sec.load()
print(data)
scores = sec.score(data)
print(scores)

# %% [markdown]
# `scores.wide()` is a DataFrame (one row per case); `to_frame("indicator")` the tidy table
# with bands and coverage (items, coders, measures per cell).

# %%
scores.to_frame("indicator").query("case == 'us-trump-2017'")[
    ["indicator", "score", "band", "n_items", "n_multi_coded", "n_measures"]
]

# %% [markdown]
# ## Explain one number
# Every score can be traced to its evidence rows, their codes, weights and sources.

# %%
print(scores.explain("us-trump-2017", "P-2"))

# %% [markdown]
# ## Three charts
# Each plot function takes the scores and an optional Axes and returns the Axes.

# %%
fig, ax = plt.subplots(figsize=(10, 5.5))
plot.plot_heatmap(scores, ax=ax)

# %%
fig, ax = plt.subplots(figsize=(7, 6.5))
plot.plot_map(scores, ax=ax)

# %%
fig, ax = plt.subplots(figsize=(9, 5))
plot.plot_ranking(scores, ax=ax)

# %% [markdown]
# Tables for a paper: `scores.to_latex(path)`, `to_markdown`, `to_csv`, `to_json` (with the
# manifest: codebook version, input file hashes, parameters).

# %%
scores.to_latex(out / "scores.tex")
print(sorted(p.name for p in out.iterdir()))
