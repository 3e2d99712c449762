"""The dictionary against labelled sentences: a stratified blind sample, then precision and recall per language.

Sampling (:func:`sample_sentences`): every sentence of the sampling corpora falls in one
stratum by the dictionary's own output: ``framed`` (a security-framed migration sentence),
``migration`` (a migration term, not framed), ``security`` (a security term, no migration
term: where the dictionary may miss a framing that names migrants otherwise) and
``neither``. A seeded sample is drawn from each stratum of each language; the *blind sheet*
shows the coder only ``sentence_id, language, sentence`` (in random order); the *design*
table keeps, per language and stratum, the population and the sample size, and the
lexicon the strata were made with. The stratum of a labelled sentence is recomputed from
its text, so nothing on the sheet hints at the dictionary's output.

Estimation (:func:`precision_recall`): precision is the share of human positives among the
sentences the dictionary calls framed (one stratum: a plain proportion, Wilson interval);
recall is the weighted share of human positives that the dictionary calls framed, each
stratum weighted by population / sample (interval: stratified bootstrap, seeded).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError, Problem, ValidationError
from .kernel import compile_matcher, score_text
from .lexicon import Lexicon, load_lexicon
from .measures import DEFAULT_SEED

__all__ = ["STRATA", "DictionaryValidation", "precision_recall", "sample_sentences", "stratum_of"]

STRATA = ("framed", "migration", "security", "neither")


def stratum_of(sentence: str, lexicon: Lexicon) -> str:
    """The dictionary's stratum of one sentence: framed, migration, security or neither."""
    hits = score_text(sentence, compile_matcher(lexicon.spec()), every_sentence=True).hits
    return _stratum(hits)


def _stratum(hits: Any) -> str:
    if any(h.framed for h in hits):
        return "framed"
    if any(h.migration for h in hits):
        return "migration"
    if any(h.categories for h in hits):
        return "security"
    return "neither"


def sample_sentences(
    documents: pd.DataFrame,
    sizes: dict[str, int],
    *,
    rng: np.random.Generator | int | None = None,
    min_words: int = 6,
    max_words: int = 60,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Draw a stratified sample of sentences to label blind.

    Parameters
    ----------
    documents
        One row per document: ``language``, ``document``, ``source``, ``text``.
    sizes
        Sample size per stratum (the same for every language), e.g.
        ``{"framed": 50, "migration": 30, "security": 20, "neither": 20}``.
    rng
        Generator, int seed or None (the fixed default seed).
    min_words, max_words
        Sentences outside this length are not sampled (headers, run-on transcripts).

    Returns
    -------
    (sheet, design, key)
        ``sheet``: ``sentence_id, language, sentence`` in random order (give it to the coder);
        ``design``: ``language, stratum, population, sampled, lexicon``;
        ``key``: ``sentence_id, language, document, source`` (where each sentence comes from;
        no dictionary output).
    """
    seed = DEFAULT_SEED if rng is None else rng if isinstance(rng, int) else int(rng.integers(2**63 - 1))
    g = np.random.default_rng(seed)
    rows = []
    design = []
    for language, docs in documents.groupby("language", sort=True):
        lex = load_lexicon(str(language))
        m = compile_matcher(lex.spec())
        pool: dict[str, list[tuple[str, str, str]]] = {s: [] for s in STRATA}
        for d in docs.itertuples(index=False):
            for h in score_text(d.text, m, every_sentence=True).hits:
                n_words = len(h.text.split())
                if min_words <= n_words <= max_words:
                    pool[_stratum([h])].append((h.text, d.document, d.source))
        for stratum in STRATA:
            cands = list(dict.fromkeys(pool[stratum]))  # one copy of a repeated sentence
            take = min(sizes.get(stratum, 0), len(cands))
            idx: list[int] = sorted(int(i) for i in g.choice(len(cands), size=take, replace=False)) if take else []
            rows += [(language, *cands[i]) for i in idx]
            design.append((language, stratum, len(cands), take, lex.label))
    frame = pd.DataFrame(rows, columns=["language", "sentence", "document", "source"])
    frame = frame.iloc[g.permutation(len(frame))].reset_index(drop=True)
    frame.insert(0, "sentence_id", [f"s{i + 1:04d}" for i in range(len(frame))])
    sheet = frame[["sentence_id", "language", "sentence"]]
    key = frame[["sentence_id", "language", "document", "source"]]
    return sheet, pd.DataFrame(design, columns=["language", "stratum", "population", "sampled", "lexicon"]), key


@dataclass(frozen=True, kw_only=True)
class DictionaryValidation:
    """Precision and recall of the dictionary per language, against the labels of the coders.

    ``table`` has one row per language: ``language, n_labelled, tp, fp, fn_sampled,
    precision, precision_low, precision_high, recall, recall_low, recall_high, lexicon``.
    ``coders`` names the coders whose labels were used (say in the labels' README whether
    they coded by hand or are an automated coder).
    """

    table: pd.DataFrame
    ci_prob: float
    n_boot: int
    seed: int
    excluded: pd.DataFrame
    coders: tuple[str, ...] = ()

    def __str__(self) -> str:
        lines = [
            f"Dictionary against the labels of coder{'s' if len(self.coders) != 1 else ''} "
            f"{', '.join(self.coders) or '(unnamed)'} ({self.ci_prob:.0%} intervals; recall: {self.n_boot} stratified resamples, seed {self.seed})"
        ]
        for r in self.table.itertuples(index=False):
            lines.append(
                f"  {r.language}: precision {r.precision:.2f} [{r.precision_low:.2f}, {r.precision_high:.2f}], "
                f"recall {r.recall:.2f} [{r.recall_low:.2f}, {r.recall_high:.2f}]  ({r.n_labelled} sentences; {r.lexicon})"
            )
        if len(self.excluded):
            lines.append(f"  {len(self.excluded)} sentences excluded (see .excluded)")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The table (one row per language)."""
        return self.table.copy()


def _wilson(k: int, n: int, ci_prob: float) -> tuple[float, float]:
    if n == 0:
        return float("nan"), float("nan")
    z = _z(ci_prob)
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)


def _z(ci_prob: float) -> float:
    # inverse normal CDF by bisection on erf (no scipy needed)
    target = (1 + ci_prob) / 2
    lo, hi = 0.0, 10.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def precision_recall(
    labels: pd.DataFrame,
    sheet: pd.DataFrame,
    design: pd.DataFrame,
    *,
    n_boot: int = 2000,
    ci_prob: float = 0.9,
    rng: np.random.Generator | int | None = None,
) -> DictionaryValidation:
    """Precision and recall of the dictionary per language, with intervals.

    Parameters
    ----------
    labels
        ``sentence_id, label, coder, note``: label 1 when the sentence is a security framing
        of migration (see ``data/corpus/labels/INSTRUCTIONS.md``), 0 when not. Several coders
        of a sentence are consolidated by majority; ties are excluded and listed.
    sheet
        The blind sheet (``sentence_id, language, sentence``).
    design
        The sampling design (``language, stratum, population, sampled, lexicon``).
    n_boot, ci_prob, rng
        Stratified bootstrap of recall; Wilson interval of precision at the same probability.

    Raises
    ------
    ValidationError
        For labels that are not 0/1, sentence ids not on the sheet, or missing columns.
    ParameterError
        If the design was made with another lexicon version than the bundled one.
    """
    need = {"sentence_id", "label"}
    if not need <= set(labels.columns):
        raise ValidationError(
            [
                Problem(file="labels", row=None, column=c, value=None, expected="a labels column")
                for c in sorted(need - set(labels.columns))
            ],
            what="labels",
        )
    lab = labels.copy()
    lab["label"] = pd.to_numeric(lab["label"], errors="coerce")
    bad = ~lab["label"].isin([0, 1])
    unknown = ~lab["sentence_id"].isin(sheet["sentence_id"])
    problems = [
        Problem(file="labels", row=int(i) + 2, column="label", value=str(labels.loc[i, "label"]), expected="0 or 1")
        for i in lab.index[bad]
    ] + [
        Problem(
            file="labels",
            row=int(i) + 2,
            column="sentence_id",
            value=str(lab.loc[i, "sentence_id"]),
            expected="a sentence id of the blind sheet",
        )
        for i in lab.index[unknown]
    ]
    if problems:
        raise ValidationError(problems, what="labels")
    votes = lab.groupby("sentence_id")["label"].mean()
    tie = votes[votes == 0.5].index
    human = (votes > 0.5).astype(int).drop(tie)
    merged = sheet.set_index("sentence_id").join(human.rename("human"), how="inner").reset_index()
    seed = DEFAULT_SEED if rng is None else rng if isinstance(rng, int) else int(rng.integers(2**63 - 1))
    g = np.random.default_rng(seed)
    rows = []
    for language, grp in merged.groupby("language", sort=True):
        lex = load_lexicon(str(language))
        dsg = design.loc[design["language"] == language].set_index("stratum")
        if len(dsg) and set(dsg["lexicon"]) != {lex.label}:
            raise ParameterError(
                f"The sample of language {language!r} was drawn with {sorted(set(dsg['lexicon']))}, but the lexicon is now "
                f"{lex.label}: its strata changed. Draw a new sample (or evaluate with the lexicon of the design)."
            )
        m = compile_matcher(lex.spec())
        strata = np.array([_stratum(score_text(t, m, every_sentence=True).hits) for t in grp["sentence"]])
        y = grp["human"].to_numpy(dtype=int)
        pos = strata == "framed"
        tp, fp = int((y[pos] == 1).sum()), int((y[pos] == 0).sum())
        precision = tp / (tp + fp) if tp + fp else float("nan")
        p_lo, p_hi = _wilson(tp, tp + fp, ci_prob)
        weights = {
            s: (float(dsg.loc[s, "population"]) / float(dsg.loc[s, "sampled"]))
            if s in dsg.index and dsg.loc[s, "sampled"]
            else 0.0
            for s in STRATA
        }

        def recall_of(yy: np.ndarray, ss: np.ndarray, weights: dict[str, float] = weights) -> float:
            w = np.array([weights[s] for s in ss])
            den = float((w * yy).sum())
            return float((w * yy * (ss == "framed")).sum()) / den if den > 0 else float("nan")

        recall = recall_of(y, strata)
        boots = []
        groups = {s: np.flatnonzero(strata == s) for s in STRATA}
        for _ in range(n_boot):
            idx = np.concatenate([g.choice(ix, size=len(ix), replace=True) for ix in groups.values() if len(ix)])
            boots.append(recall_of(y[idx], strata[idx]))
        b = np.array(boots)
        b = b[np.isfinite(b)]
        r_lo, r_hi = (
            (float(np.quantile(b, (1 - ci_prob) / 2)), float(np.quantile(b, (1 + ci_prob) / 2)))
            if b.size
            else (float("nan"), float("nan"))
        )
        rows.append(
            {
                "language": language,
                "n_labelled": len(grp),
                "tp": tp,
                "fp": fp,
                "fn_sampled": int(((y == 1) & ~pos).sum()),
                "precision": precision,
                "precision_low": p_lo,
                "precision_high": p_hi,
                "recall": recall,
                "recall_low": r_lo,
                "recall_high": r_hi,
                "lexicon": lex.label,
            }
        )
    excluded = pd.DataFrame({"sentence_id": list(tie), "reason": "coders split evenly"})
    coders = tuple(sorted({str(c) for c in labels["coder"].dropna() if str(c)})) if "coder" in labels.columns else ()
    return DictionaryValidation(
        table=pd.DataFrame(rows), ci_prob=ci_prob, n_boot=n_boot, seed=seed, excluded=excluded, coders=coders
    )
