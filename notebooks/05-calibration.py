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
# # Calibration of the intervals
#
# An interval is honest when a nominal 90% interval holds the true value 90% of the time,
# however thin the evidence. This notebook shows how often the library's intervals do, on
# simulated cases whose true values are known: each case has, for every indicator, a true
# distribution over the scale's levels, and a number of items drawn from it (the model is
# documented in `securitization.uncertainty.calibration`). The full study (400 cases per
# setting, 1,000 draws per interval) is kept in `tests/reference/calibration.csv` of the
# source tree and reproduced by the tests; `securitization calibration --out DIR` runs it
# again. The notebook finds the file from the package, so it runs from any folder.

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import securitization
from securitization.plot import plot_calibration
from securitization.uncertainty.calibration import simulate_coverage

reference = Path(securitization.__file__).resolve().parent.parent / "tests" / "reference" / "calibration.csv"
table = pd.read_csv(reference)
table.pivot_table(index=["generative", "method"], columns="n_items", values="indicator_coverage").round(2)

# %% [markdown]
# ## Cells (one case x indicator)
#
# When the true distributions are drawn as the posterior's prior assumes ("prior"), the
# posterior intervals (solid) cover about 90% at every number of items; the bootstrap
# (dashed) covers nothing with one item and reaches 81% only with thirty. When the truth
# is drawn otherwise (cases sitting on one level, spread over the scale, or strongly
# securitizing), the posterior covers less, 76-98%, but never collapses as the bootstrap does.

# %%
fig, ax = plt.subplots(figsize=(8, 4.6), layout="constrained")
plot_calibration(table, level="indicator", ax=ax);

# %% [markdown]
# ## Whole cases (the overall score)
#
# The overall score aggregates five indicators, so its interval rests on more evidence.
# Under the prior's model it covers 87-92%. For strongly securitizing cases ("high") it
# covers too little when the evidence is thin (36% with one item per indicator): the
# uniform prior pulls thin evidence towards the middle of the scale. With thirty items per
# indicator it covers 84%. A codebook can set a prior closer to the cases it scores.

# %%
fig, ax = plt.subplots(figsize=(8, 4.6), layout="constrained")
plot_calibration(table, level="overall", ax=ax);

# %% [markdown]
# ## The same study, live and small
#
# A quick run of the study here, with fewer cases (so its coverages carry a few points of
# Monte Carlo error): one item per cell, the posterior against the bootstrap.

# %%
live = pd.DataFrame(
    [
        {"method": m, **simulate_coverage(1, n_cases=100, n_draws=400, method=m)}
        for m in ("posterior", "bootstrap")
    ]
)
live[["method", "indicator_coverage", "overall_coverage", "indicator_width"]].round(2)

# %% [markdown]
# ## Conclusion

# %%
cells = table.pivot_table(index=["generative", "method"], columns="n_items", values="indicator_coverage")
cases = table.pivot_table(index=["generative", "method"], columns="n_items", values="overall_coverage")
p_prior, b_prior = cells.loc[("prior", "posterior")], cells.loc[("prior", "bootstrap")]
p_off = cells.drop(index="prior", level="generative").xs("posterior", level="method")
b_off = cells.drop(index="prior", level="generative").xs("bootstrap", level="method")
high = cases.loc[("high", "posterior")]
one = live.set_index("method")["indicator_coverage"]
print(
    f"Where their model holds, the posterior's nominal 90% intervals cover the true cell "
    f"{p_prior.min():.0%}-{p_prior.max():.0%} of the time at every number of items, while the bootstrap's "
    f"cover {b_prior.min():.0%} with {b_prior.idxmin()} item{'s' if b_prior.idxmin() != 1 else ''} and {b_prior.max():.0%} at best. Where it does "
    f"not, the posterior covers {p_off.min().min():.0%}-{p_off.max().max():.0%} of the cells, the bootstrap "
    f"{b_off.min().min():.0%}-{b_off.max().max():.0%}. The weak spot is strongly securitizing cases with thin "
    f"evidence: their overall interval covers {high.iloc[0]:.0%} with {high.index[0]} item per indicator and "
    f"{high.iloc[-1]:.0%} with {high.index[-1]}, because the prior pulls thin evidence towards the middle of "
    f"the scale. The small live run agrees ({one['posterior']:.0%} against {one['bootstrap']:.0%} with one "
    "item per cell). Hence the posterior is the library's default, every interval says what it varies, and a "
    "codebook can set a prior closer to the cases it scores."
)
