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
# # The Trump administration set against Clinton to Biden
#
# The source article of this project (seed `002_0e76f7019fa9676b.txt`) applies Bourbeau's
# indicators to the Trump administration's first term and concludes that "almost in all
# aspects, Trump's overall securitization was considerably intense", while the federal
# system held back interior practice. Here the same question is asked of the coded
# evidence, indicator by indicator, with 90% bootstrap intervals (items, measure periods
# and coders resampled; fixed seed).

# %%
import matplotlib.pyplot as plt

import securitization as sec
from securitization import plot
from securitization import bootstrap

data = sec.load()
scores = bootstrap(sec.score(data), n_boot=1000, ci_prob=0.9, rng=2011)
us = [c for c in scores.overall["case"] if c.startswith("us-")]

# %% [markdown]
# ## Overall intensity and rank, with intervals

# %%
scores.overall.loc[scores.overall["case"].isin(us), ["label", "score", "lo", "hi", "band", "rank", "rank_lo", "rank_hi"]]

# %%
fig, ax = plt.subplots(figsize=(9, 5))
plot.plot_ranking(scores, cases=us, ax=ax)

# %% [markdown]
# ## Indicator by indicator
# The article's reading: I-1 (EO 13767's provisions), I-2 (ICE and CBP priorities, 287(g)),
# I-3 (southern-border migration as a major security problem) are intense; P-1 (family
# separation, device searches, Title 42, MPP) and P-2 (detention up in the first year) too.

# %%
ind = scores.indicators.loc[scores.indicators["case"].isin(us)]
ind.pivot(index="label", columns="indicator", values="score").loc[
    scores.units.set_index("case").loc[us, "label"]
]

# %%
fig = plt.figure(figsize=(8, 8))
ax = fig.add_subplot(projection="polar")
plot.plot_profile(scores, cases=["us-obama-2009", "us-trump-2017", "us-biden-2021"], ax=ax)

# %% [markdown]
# ## Law against practice
# Above the diagonal, practice outruns institutions; below it, institutions are more
# securitized than practice.

# %%
fig, ax = plt.subplots(figsize=(7, 6.5))
plot.plot_map(scores, cases=us, ax=ax)

# %% [markdown]
# ## The article's reasoning, read off the evidence trail

# %%
for code in ["I-1", "P-1"]:
    ex = scores.explain("us-trump-2017", code)
    print(ex.indicator, ex.name, f"{ex.score:.2f}", ex.interval)
    print(ex.items[["date", "title", "code", "weight"]].head(6).to_string(index=False), "\n")

# %% [markdown]
# ## Detention over time
# ICE's average daily detained population (ICE's fiscal-year detention statistics and the
# reports that quote them), with each administration's term shaded.

# %%
fig, ax = plt.subplots(figsize=(10, 4.5))
plot.plot_measure(scores, "ice_detention_adp", ax=ax)

# %% [markdown]
# ## Within a term: scores by calendar year

# %%
by_year = sec.score(data, by="year")
by_year.overall.loc[by_year.overall["case"] == "us-trump-2017", ["year", "score", "band", "coverage"]]
