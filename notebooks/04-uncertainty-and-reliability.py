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
# # Uncertainty and reliability
#
# A score without an interval misleads. Three sources of uncertainty are carried here:
# the evidence (the posterior over each cell's levels: as wide as the evidence is thin),
# the coders (an item coded by two coders is split between their codes), and the
# modeller's choices (weights, rules, aggregation, leaving an indicator out). Every random
# draw has a seed, and every table says what its intervals vary.

# %%
import matplotlib.pyplot as plt
import pandas as pd

import securitization as sec
from securitization import plot
from securitization import bootstrap, intervals, reliability, sensitivity

data = sec.load()
scores = sec.score(data)

# %% [markdown]
# ## Intervals over the evidence
# The posterior (the default) and, for comparison, the percentile bootstrap of items,
# measure periods and coders, which cannot see the uncertainty of a cell with one item.

# %%
post = intervals(scores, n=1000, ci_prob=0.9, rng=7)
boot = bootstrap(scores, n_boot=1000, ci_prob=0.9, rng=7)
post  # the compact view says what the intervals vary

# %%
post.overall[["label", "score", "median", "lo", "hi", "rank", "rank_lo", "rank_hi"]].sort_values("rank")

# %%
fig, ax = plt.subplots(figsize=(9, 5))
plot.plot_ranking(post, ax=ax);

# %% [markdown]
# ## Inter-coder reliability
# Krippendorff's alpha at the ordinal level on the items coded twice, per indicator and
# overall, with bootstrap intervals; indicators under the codebook's gate (0.667) are
# flagged.

# %%
rel = reliability(data, rng=7)
print(rel)

# %%
fig, ax = plt.subplots(figsize=(8, 4.5))
plot.plot_reliability(rel.to_frame(), min_alpha=data.codebook.min_alpha, ax=ax);

# %% [markdown]
# ## Method sensitivity
# Ranks under perturbed weights, other item rules, geometric aggregation and leaving one
# indicator out; Sobol indices say which choice moves the overall scores most.

# %%
sens = sensitivity(scores, n=256, rng=7)
print(sens)

# %%
fig, ax = plt.subplots(figsize=(9, 5))
plot.plot_rank_intervals(sens.ranks, ax=ax);

# %% [markdown]
# ## Negative Sobol estimates
# A Sobol index is a share of variance, so its true value lies between 0 and 1. Its
# estimate from a finite number of runs does not: when a factor barely moves the output,
# the estimate of its first-order index S1 scatters around 0 and can come out negative.
# A negative estimate whose bootstrap interval holds 0 says "indistinguishable from no
# effect"; one whose interval lies wholly below 0 says the sample was too small for that
# output (raise `n`). The `note` column of `sens.sobol` says which.

# %%
s1 = sens.sobol
neg = s1.loc[s1["S1"] < 0]
noise = neg.loc[(neg["S1_lo"] <= 0) & (neg["S1_hi"] >= 0)]
print(
    f"{len(neg)} of {len(s1)} first-order estimates are negative; {len(noise)} of them have a bootstrap "
    f"interval that holds 0 (sampling noise around a negligible effect), {len(neg) - len(noise)} "
    f"{'lies' if len(neg) - len(noise) == 1 else 'lie'} below 0 beyond {'its' if len(neg) - len(noise) == 1 else 'their'} interval (too few runs for that output). The most negative is "
    + (f"{neg['S1'].min():.3f}." if len(neg) else "none.")
)
neg[["output", "case", "factor", "S1", "S1_lo", "S1_hi", "note"]].head(8)

# %% [markdown]
# ## What the numbers say

# %%
ov = post.overall.set_index("case")
bo = boot.overall.set_index("case")
width_post, width_boot = (ov["hi"] - ov["lo"]).mean(), (bo["hi"] - bo["lo"]).mean()
allrow = rel.table.loc[rel.table["scope"] != "indicator"].iloc[0]
weakest = rel.table.loc[rel.table["scope"] == "indicator"].sort_values("alpha").iloc[0]
shift = s1.loc[s1["output"] == "mean_rank_shift"].set_index("factor")
driver = shift["ST"].idxmax()
sc = sens.cases.dropna(subset=["rank"])
sc = sc.assign(w=sc["rank_hi"] - sc["rank_lo"]).sort_values("rank")
widest = sc.sort_values("w", ascending=False).iloc[0]
ends, middle = pd.concat([sc.head(2), sc.tail(2)])["w"].mean(), sc.iloc[2:-2]["w"].mean()
agree = "well" if allrow["alpha"] >= 0.8 else ("acceptably" if allrow["alpha"] >= rel.min_alpha else "poorly")
print(
    f"Over the evidence, the 90% interval of an overall score is {width_post:.2f} points wide on average with "
    f"the posterior and {width_boot:.2f} with the bootstrap"
    + (", which is narrower because it cannot see thin cells" if width_boot < width_post else "")
    + f". The coders agree {agree}: Krippendorff's alpha is {allrow['alpha']:.2f} overall "
    f"[{allrow['lo']:.2f}, {allrow['hi']:.2f}], lowest on {weakest['indicator']} ({weakest['alpha']:.2f}"
    + (", under the gate" if weakest["flagged"] else f", above the gate of {rel.min_alpha:g}")
    + f"). Of the method's choices, {driver} moves the ranks most (total-order index "
    f"{shift.loc[driver, 'ST']:.2f}); the least stable rank is {widest['label']}'s "
    f"({int(widest['rank_lo'])}-{int(widest['rank_hi'])} under the method alone). "
    + (
        f"The ranking is firmer at its ends (rank intervals {ends:.1f} places wide on average) than in the "
        f"middle ({middle:.1f}): read neighbouring ranks there together with their intervals."
        if ends < middle
        else f"Rank intervals are as wide at the ends ({ends:.1f} places) as in the middle ({middle:.1f})."
    )
)
