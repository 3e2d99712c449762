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
data  # in a notebook, a short summary and a table of the cases

# %%
scores = sec.score(data)
scores  # the compact view: dimensions, overall, band and rank

# %% [markdown]
# `print(scores)` gives the whole table: every indicator with its number of items, the
# dimensions, the overall score, band, rank, coverage and counts, with a legend.

# %%
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
# These chart functions take the scores and an optional Axes and return the Axes (a cell
# that ends with `;` shows the chart without printing the Axes).

# %%
fig, ax = plt.subplots(figsize=(10, 5.5))
plot.plot_heatmap(scores, ax=ax);

# %%
fig, ax = plt.subplots(figsize=(7, 6.5))
plot.plot_map(scores, ax=ax);

# %%
fig, ax = plt.subplots(figsize=(9, 5))
plot.plot_ranking(scores, ax=ax);

# %% [markdown]
# ## Tables for a paper
# `scores.to_latex(path, level="compact")` fits a page (dimensions and overall, with their
# intervals once drawn); `level="wide"` has every indicator, on a page turned sideways.
# Both carry a `\label` and a caption that names the codebook and says what the intervals
# are. `to_markdown`, `to_csv` and `to_json` (with the manifest: codebook version, input
# file hashes, parameters) write the other formats.

# %%
print(scores.to_latex(out / "scores-compact.tex", level="compact", label="tab:scores")[:700])
scores.to_latex(out / "scores.tex")
print(sorted(p.name for p in out.iterdir()))

# %% [markdown]
# ## What the numbers say

# %%
ov = scores.overall.dropna(subset=["score"]).sort_values("score", ascending=False)
top, bottom = ov.iloc[0], ov.iloc[-1]
bands = ov["band"].value_counts()
trail = scores.explain("us-trump-2017", "P-2")
print(
    f"Of the {len(scores.overall)} bundled cases, {top['label']} is the most securitizing "
    f"({top['score']:.2f} on the 0-4 scale, {top['band']}) and {bottom['label']} the least "
    f"({bottom['score']:.2f}, {bottom['band']}); "
    + ", ".join(f"{n} {'is' if n == 1 else 'are'} {band}" for band, n in bands.items())
    + f". Every number has its trail: Trump's first-term detention score, {trail.score:.2f}, rests on "
    f"{trail.n_items} coded items from {trail.n_coders} coders and {trail.n_measures} measure observations. "
    "These scores carry no interval yet: notebook 04 draws them."
)
