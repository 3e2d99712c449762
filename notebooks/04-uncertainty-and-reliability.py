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
# the evidence (bootstrap over items and measure periods), the coders (a doubly coded item
# takes one coder's code at random in each replicate), and the modeller's choices
# (weights, rules, aggregation, leaving an indicator out). Every random draw has a seed.

# %%
import matplotlib.pyplot as plt

import securitization as sec
from securitization import plot
from securitization import bootstrap, reliability, sensitivity

data = sec.load()
scores = sec.score(data)

# %% [markdown]
# ## Bootstrap intervals

# %%
boot = bootstrap(scores, n_boot=1000, ci_prob=0.9, rng=7)
boot.overall[["label", "score", "lo", "hi", "rank", "rank_lo", "rank_hi"]].sort_values("rank")

# %%
fig, ax = plt.subplots(figsize=(9, 5))
plot.plot_ranking(boot, ax=ax)

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
plot.plot_reliability(rel.to_frame(), min_alpha=data.codebook.min_alpha, ax=ax)

# %% [markdown]
# ## Method sensitivity
# Ranks under perturbed weights, other item rules, geometric aggregation and leaving one
# indicator out; Sobol indices say which choice moves the overall scores most.

# %%
sens = sensitivity(scores, n=256, rng=7)
print(sens)

# %%
fig, ax = plt.subplots(figsize=(9, 5))
plot.plot_rank_intervals(sens.ranks, ax=ax)
