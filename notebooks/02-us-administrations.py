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
# The indicators come from Philippe Bourbeau, *The Securitization of Migration: A Study of
# Movement and Order* (Routledge, 2011). This project's source article, the research
# article on why the Trump administration pressed Mexico to curb irregular migration,
# analysed with Bourbeau's (2011) migration-securitization framework (shared seed
# `002_0e76f7019fa9676b.txt`), applies them to the Trump administration's first term and
# concludes that "almost in all aspects, Trump's overall securitization was considerably
# intense", while the federal system and the opposition held back its enforcement at
# home. Here the same question is asked of the coded evidence, indicator by indicator,
# with 90% posterior intervals over the evidence (items, coders and measures; fixed seed),
# and the last cell says what the numbers show.

# %%
import matplotlib.pyplot as plt

import securitization as sec
from securitization import plot

data = sec.load()
scores = sec.intervals(sec.score(data), n=1000, ci_prob=0.9, rng=2011)
us = [c for c in scores.overall["case"] if c.startswith("us-")]
scores

# %% [markdown]
# ## Overall intensity and rank, with intervals

# %%
scores.overall.loc[scores.overall["case"].isin(us), ["label", "score", "lo", "hi", "band", "rank", "rank_lo", "rank_hi"]]

# %%
fig, ax = plt.subplots(figsize=(9, 5))
plot.plot_ranking(scores, cases=us, ax=ax);

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
plot.plot_profile(scores, cases=["us-obama-2009", "us-trump-2017", "us-biden-2021"], ax=ax);

# %% [markdown]
# ## Law against practice
# Above the diagonal, practice outruns institutions; below it, institutions are more
# securitized than practice.

# %%
fig, ax = plt.subplots(figsize=(7, 6.5))
plot.plot_map(scores, cases=us, ax=ax);

# %% [markdown]
# ## The article's reasoning, read off the evidence trail

# %%
for code in ["I-1", "P-1"]:
    ex = scores.explain("us-trump-2017", code)
    print(f"{ex.indicator} {ex.name}: {ex.score:.2f}, 90% interval [{ex.interval[0]:.2f}, {ex.interval[1]:.2f}]")
    print(ex.items[["date", "title", "code", "weight"]].head(6).to_string(index=False), "\n")

# %% [markdown]
# ## Detention over time
# ICE's average daily detained population (ICE's fiscal-year detention statistics and the
# reports that quote them), with each administration's term shaded.

# %%
fig, ax = plt.subplots(figsize=(10, 4.5))
plot.plot_measure(scores, "ice_detention_adp", ax=ax);

# %% [markdown]
# ## Within a term: scores by calendar year

# %%
by_year = sec.score(data, by="year")
by_year.overall.loc[by_year.overall["case"] == "us-trump-2017", ["year", "score", "band", "coverage"]]

# %% [markdown]
# ## What the evidence says about the article's verdict

# %%
ov = scores.overall.set_index("case")
t = ov.loc["us-trump-2017"]
us_ranked = ov.loc[us].sort_values("score", ascending=False)
us_rank = list(us_ranked.index).index("us-trump-2017") + 1
dims = scores.dimensions.loc[scores.dimensions["case"] == "us-trump-2017"].set_index("dimension")["score"]
cells = ind.loc[ind["case"] == "us-trump-2017"].set_index("indicator")["score"]
high = [code for code, v in cells.items() if scores.codebook.band(v) in ("high", "very high")]
years = by_year.overall.loc[by_year.overall["case"] == "us-trump-2017"].dropna(subset=["score"])
first, last = years.iloc[0], years.iloc[-1]
gap = dims["practice"] - dims["institutional"]
others = us_ranked.drop(index=[c for c in us_ranked.index if c.startswith("us-trump")])
print(
    f"Trump's first term scores {t['score']:.2f} overall ({t['band']}; 90% interval "
    f"{t['lo']:.2f}-{t['hi']:.2f}), rank {us_rank} of the {len(us)} US administrations and "
    f"{int(t['rank'])} of all {len(ov)} cases (rank interval {int(t['rank_lo'])}-{int(t['rank_hi'])}). "
    f"{len(high)} of its {len(cells)} indicators are high or very high ({', '.join(high) or 'none'}), which "
    + ("bears out" if len(high) >= len(cells) - 1 else "qualifies")
    + " the article's verdict of a considerably intense securitization; the most intense US administration "
    f"but Trump's, {others.iloc[0]['label']}, scores {others.iloc[0]['score']:.2f}. "
    f"Practice scores {dims['practice']:.2f} against {dims['institutional']:.2f} for the institutions "
    f"(a gap of {gap:+.2f}): "
    + (
        "the coded practice did not fall behind the laws and institutions, so the federal brakes the article "
        "describes show up less in these five indicators than in what the administration could not enact."
        if gap >= -0.25
        else "practice lagged the laws and institutions, as the article's account of federal brakes suggests."
    )
    + f" By calendar year, the overall score goes from {first['score']:.2f} in {int(first['year'])} to "
    f"{last['score']:.2f} in {int(last['year'])}."
)
