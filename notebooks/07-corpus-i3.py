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
# # I-3 from what presidents said: the bundled speeches against the coded I-3
#
# The coded I-3 (saliency of the migration-security link) rests on statements a coder
# picked. Here the same indicator is measured from a corpus: the 74 US presidential
# speeches of 1993-2020 that mention immigration (bundled, public domain; see
# `data/corpus/us-presidential-speeches/README.md`), scored sentence by sentence with the
# English lexicon (after the security-frame dictionary of Lind et al. 2021). Every number
# below has a trail to the sentences that produced it.

# %%
import itertools
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import securitization as sec
from securitization.corpus import is_corpus_measure, measure_corpus, sentences_for
from securitization.corpus.rules import with_corpus_rules
from securitization.datasets import data_dir

corpus = data_dir() / "corpus" / "us-presidential-speeches"
out = Path(tempfile.mkdtemp()) / "measures.csv"
speech = measure_corpus(corpus, language="en", out=out, rng=20110101, n_boot=2000)
print(speech)

# %% [markdown]
# Per administration: the share of migration sentences that are security-framed, with a
# 90% interval from 2000 resamples of the administration's speeches, and the same on the
# logit scale of Lowe et al. (2011) with its analytic standard error (negative: fewer than
# half of the migration sentences are framed).

# %%
per_case = speech.estimates.query("granularity == 'case' and measure == 'speech_security_share'")
per_case[["case", "period", "value", "ci_low", "ci_high", "n_documents", "n_migration", "n_framed"]].round(3)

# %%
logit = speech.estimates.query("granularity == 'case' and measure == 'speech_security_logit'")
logit[["case", "value", "se", "ci_low", "ci_high"]].round(2)

# %% [markdown]
# ## Against the coded I-3
#
# The coded I-3 score of each case comes from the coded evidence items alone (no corpus
# measure enters it), so the two are separate measurements of the same thing. The items
# were coded by an automated coder using a language model (see the README), not by hand.

# %%
coded = sec.score(sec.load()).indicators.query("indicator == 'I-3'").set_index("case")["items_score"]
both = per_case.set_index("case")[["value"]].rename(columns={"value": "speech_share"}).join(coded.rename("coded_i3"))
both


# %% [markdown]
# Spearman's rank correlation between the two, with two intervals: one resamples the
# cases (the usual bootstrap; with four cases it mostly redraws the same few), the other
# keeps the cases and resamples each administration's speeches, so it shows how much the
# ordering depends on which speeches happen to be in the corpus. The exact one-sided
# p-value counts the orderings of four cases at least as concordant as the one observed.

# %%
def spearman(x: np.ndarray, y: np.ndarray) -> float:
    rx, ry = pd.Series(x).rank(), pd.Series(y).rank()
    if rx.nunique() < 2 or ry.nunique() < 2:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])


x, y = both["speech_share"].to_numpy(), both["coded_i3"].to_numpy()
rho = spearman(x, y)
n = len(both)
rng = np.random.default_rng(20110101)
boot = np.array([spearman(x[i], y[i]) for i in rng.integers(0, n, (5000, n))])
ok = boot[np.isfinite(boot)]
lo, hi = np.quantile(ok, [0.05, 0.95])

docs = speech.documents.query("status == 'used'")
groups = [docs.loc[docs["case"] == c, ["n_migration", "n_framed"]].to_numpy() for c in both.index]
doc_rhos = []
for _ in range(2000):
    shares = []
    for g in groups:
        draw = g[rng.integers(0, len(g), len(g))].sum(axis=0)
        shares.append(draw[1] / draw[0] if draw[0] else np.nan)
    doc_rhos.append(spearman(np.array(shares), y))
doc_rhos = np.array(doc_rhos)
doc_lo, doc_hi = np.quantile(doc_rhos[np.isfinite(doc_rhos)], [0.05, 0.95])
same_order = float(np.mean(doc_rhos == rho))

perms = [spearman(np.array(p, dtype=float), y) for p in itertools.permutations(x)]
p_exact = float(np.mean(np.array(perms) >= rho - 1e-12))
print(f"Spearman rho over {n} cases = {rho:.2f}")
print(f"  90% bootstrap interval over cases [{lo:.2f}, {hi:.2f}] ({len(boot) - len(ok)} of {len(boot)} resamples undefined)")
print(f"  90% interval over resampled speeches [{doc_lo:.2f}, {doc_hi:.2f}]; same rho in {same_order:.0%} of 2000")
print(f"  exact one-sided p-value over the {len(perms)} orderings: {p_exact:.3f}")

# %% [markdown]
# **What this can and cannot show.** The corpus covers four of the six US cases (it ends
# in June 2020: Biden and the second Trump administration have no speeches in it). With
# four cases a rank correlation takes only a handful of values, and the bootstrap over
# cases cannot leave a perfect ordering (every subset of a concordant ordering is
# concordant), so its interval says nothing about the uncertainty; the interval over
# resampled speeches and the exact p-value do. The agreement says the two measurements
# order these administrations alike; it cannot estimate how strongly they agree in
# general, cannot separate the speakers' framing from the Miller Center's choice of
# speeches, and says nothing about Mexico (whose transcripts are not bundled). The
# dictionary's own error is measured separately, on labelled sentences (below).

# %% [markdown]
# ## The trail: the sentences behind a number
#
# Each row of the measures file names its trail (written beside it, with its hash);
# `sentences_for` lists the sentences behind the row, each with the sentence before and
# after it, the speech, its date, speaker, source and address.

# %%
rows = pd.read_csv(out, dtype=str, keep_default_na=False)
trump = rows.query("measure == 'speech_security_share' and period.str.startswith('2017')").iloc[0]
view = sentences_for(trump, measures_file=out, framed=True)
print("\n".join(view.lines(limit=4)))

# %% [markdown]
# ## Into the score
#
# The corpus measures enter the measures table; the codebook rules of
# `securitization/corpus/rules.toml` (cut-points 10%, 20%, 35%, 50%: the project's
# choice, set before this comparison) map the share onto the 0-4 scale.

# %%
data = sec.load([out.parent], include_bundled=True)
scores = sec.score(data, codebook=with_corpus_rules(data.codebook))
scores.indicators.query("indicator == 'I-3'")[["case", "items_score", "measures_score", "score"]].round(2)

# %% [markdown]
# The measures rows of a score keep their provenance and the file they were read from, so
# the sentences behind the I-3 score of a case are one call away:

# %%
m = scores.measures
behind = m.loc[(m["case"] == "us-obama-2009") & (m["indicator"] == "I-3") & (m["measure"] == "speech_security_share")]
for _, row in behind.iterrows():
    if is_corpus_measure(row):
        print("\n".join(sentences_for(row, framed=True).lines(limit=3)))

# %% [markdown]
# ## Precision and recall of the dictionary
#
# A stratified blind sample of 240 sentences (120 English from these speeches, 120
# Spanish from the Mexican presidency's morning press conferences) is in
# `data/corpus/labels/blind-sheet.csv`, with the instructions in `INSTRUCTIONS.md`. The
# labels in `labels.csv` and `labels-h2.csv` are those of coders `h1` and `h2`, two
# automated coders using a language model, each of which saw only the sheet and the
# instructions: they are not labels by hand, and the validation by hand still needs a
# human coder's labels of the same sheet (see `data/corpus/labels/README.md`). Sentences
# the two coders label differently are set aside.

# %%
from securitization.corpus.validation import precision_recall

labels_dir = data_dir() / "corpus" / "labels"
label_files = sorted(labels_dir.glob("labels*.csv"))
if label_files:
    validation = precision_recall(
        pd.concat([pd.read_csv(f, dtype={"sentence_id": str}) for f in label_files], ignore_index=True),
        pd.read_csv(labels_dir / "blind-sheet.csv", dtype=str),
        pd.read_csv(labels_dir / "design.csv"),
        rng=20110101,
    )
    print(validation)
else:
    print("No labels yet: data/corpus/labels/labels.csv has not been written by the coder.")

# %% [markdown]
# ## Conclusion
#
# Drawn from the numbers above (the text is computed, so it follows them if the corpus,
# the lexicon or the labels change).

# %%
order = both.sort_values("speech_share", ascending=False)
ranking = ", ".join(f"{c} {v:.0%}" for c, v in order["speech_share"].items())
agree = "the same order as" if rho == 1 else ("an order close to" if rho > 0.5 else "an order unlike")
conclusion = [
    f"Measured from {int(docs.shape[0])} speeches, the share of migration sentences framed as security ranks the "
    f"administrations {ranking}: {agree} the coded I-3 (Spearman rho {rho:.2f} over {n} cases).",
    f"Resampling each administration's speeches, rho stays within [{doc_lo:.2f}, {doc_hi:.2f}] (90%) and keeps "
    f"the value {rho:.2f} in {same_order:.0%} of resamples; the exact one-sided p-value of so concordant an "
    f"ordering of {n} cases by chance is {p_exact:.3f}"
    + (", so four cases cannot rule out chance at the 5% level." if p_exact >= 0.05 else "."),
    f"The bootstrap over cases gives [{lo:.2f}, {hi:.2f}], which is no measure of uncertainty with {n} cases.",
]
if label_files:
    t = validation.table.set_index("language")
    conclusion.append(
        f"Against the labels of {len(validation.coders)} automated coders (not yet a human one): English precision "
        f"{t.loc['en', 'precision']:.2f} [{t.loc['en', 'precision_low']:.2f}, {t.loc['en', 'precision_high']:.2f}], "
        f"recall {t.loc['en', 'recall']:.2f} [{t.loc['en', 'recall_low']:.2f}, {t.loc['en', 'recall_high']:.2f}]; "
        f"Spanish precision {t.loc['es', 'precision']:.2f}: in the Mexican press conferences migration and security "
        "mostly meet as topics of a list, or with migrants as people to protect, which the co-occurrence rule "
        "counts as framing. The corpus measure is usable as a second view of I-3 for the US cases; the Spanish "
        "dictionary is not validated, and the dictionary's error is still to be established by hand."
    )
print("\n\n".join(conclusion))
