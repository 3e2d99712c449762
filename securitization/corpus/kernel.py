"""The per-document kernel: split a text into sentences and find the security framings of migration.

One pass of a compiled Aho-Corasick automaton (pyahocorasick) over the lowercased text
finds, at once, every lexicon term and every sentence boundary; a short loop over the
matches checks word boundaries, applies the masks and the sentence vetoes, and counts.

Sentences end at a newline, or at ``.``, ``?``, ``!`` or ``…`` (optionally followed by a
closing quote or bracket) followed by a space, except after the lexicon's abbreviations;
a sentence counts when it holds a letter or a digit. A sentence is a *migration sentence*
when it holds a migration term, and *security-framed* when it also holds a term of at
least one security category and no sentence veto. Terms fully inside a mask phrase (for
example "security" inside "social security") do not count.

The kernel is a pure function of the text and the lexicon: it has no state across
documents, which is what lets it run in a process pool here, or as a ``map`` over the
partitions of a Spark or Dask collection (see the package docstring).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import MissingDependencyError

__all__ = ["DocumentScore", "Matcher", "SentenceHit", "compile_matcher", "score_text"]

_BOUNDARY = -1
_ABBREVIATION = -2
_ALNUM = re.compile(r"\w")
_ENDS = (".", "?", "!", "…")
_CLOSERS = ('"', "”", "'", "’", ")", "]", "»")
#: A migration sentence as the loop finds it: index, text, framed, categories, terms, vetoes, migration.
_Hit = tuple[int, str, bool, tuple[str, ...], str, tuple[str, ...], bool]


@dataclass(frozen=True, kw_only=True)
class SentenceHit:
    """A migration sentence: its number in the document (from 0), its text, what matched, and its context.

    ``before`` and ``after`` are the sentences just before and after it in the document
    (empty at the document's start or end).
    """

    index: int
    text: str
    framed: bool
    categories: tuple[str, ...]
    terms: str  # "term [group]; term [group]"
    vetoes: tuple[str, ...]
    migration: bool = True
    before: str = ""
    after: str = ""


@dataclass(frozen=True, kw_only=True)
class DocumentScore:
    """Counts of one document: sentences, migration sentences, security-framed migration sentences."""

    n_sentences: int
    n_migration: int
    n_framed: int
    hits: tuple[SentenceHit, ...] = field(default=())


class Matcher:
    """A lexicon compiled into one automaton (build once per process; picklable as its spec)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        try:
            import ahocorasick
        except ImportError:
            raise MissingDependencyError("pyahocorasick", "corpus", "Scoring speech and press corpora") from None
        self.spec = spec
        automaton = ahocorasick.Automaton()
        self.keys: list[str] = []
        self.lengths: list[int] = []
        self.entries: list[tuple[tuple[str, str, bool], ...]] = []
        for key, entries in spec["terms"].items():
            automaton.add_word(key, len(self.keys))
            self.keys.append(key)
            self.lengths.append(len(key))
            self.entries.append(tuple((str(k), str(g), bool(p)) for k, g, p in entries))
        # codes whose matches can make a migration sentence (a sentence without one is counted, not analysed)
        self.migration_codes = frozenset(
            i for i, e in enumerate(self.entries) if any(k == "migration" for k, _, _ in e)
        )
        for end in _ENDS:
            for closer in ("", *_CLOSERS):
                automaton.add_word(end + closer + " ", _BOUNDARY)
        automaton.add_word("\n", _BOUNDARY)
        for abbreviation in spec["abbreviations"]:  # code: _ABBREVIATION - length of the key
            automaton.add_word(abbreviation + " ", _ABBREVIATION - len(abbreviation) - 1)
        automaton.make_automaton()
        self.automaton = automaton

    def __reduce__(self) -> tuple[Any, ...]:
        return (Matcher, (self.spec,))


def compile_matcher(spec: dict[str, Any]) -> Matcher:
    """Compile a lexicon's :meth:`~securitization.corpus.Lexicon.spec` into a :class:`Matcher`."""
    return Matcher(spec)


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) != len(text):  # a few characters (e.g. "İ") lower to two: keep positions aligned
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    if "\xa0" in low:
        low = low.replace("\xa0", " ")
    return low


def score_text(text: str, matcher: Matcher, *, every_sentence: bool = False) -> DocumentScore:
    """Count the sentences, migration sentences and security-framed migration sentences of a text.

    Parameters
    ----------
    text
        The document's text.
    matcher
        The compiled lexicon (:func:`compile_matcher`).
    every_sentence
        Also return the sentences without a migration term (``migration=False``), for
        sampling sentences to label by hand; the counts are the same.

    Returns
    -------
    DocumentScore
        Counts, and one :class:`SentenceHit` per migration sentence (per sentence with
        ``every_sentence``), with the sentences before and after it as context.

    Examples
    --------
    >>> from securitization.corpus import compile_matcher, load_lexicon
    >>> m = compile_matcher(load_lexicon("en").spec())
    >>> r = score_text("Illegal immigration is a threat. We welcome immigrants. Thank you.", m)
    >>> (r.n_sentences, r.n_migration, r.n_framed)
    (3, 2, 1)
    >>> r.hits[1].before, r.hits[1].after
    ('Illegal immigration is a threat.', 'Thank you.')
    """
    low = _lower(text)
    n_text = len(low)
    search = _ALNUM.search
    n = 0
    start = 0
    abbr_end = -1
    pending: list[tuple[int, int]] = []
    out: list[_Hit] = []
    spans: list[tuple[int, int]] = []  # per hit: the start and stop of the sentence before it
    waiting: list[int] = []  # hits whose next sentence is still to come
    after: dict[int, tuple[int, int]] = {}
    prev_s = prev_e = 0
    framed = 0
    mig_codes = matcher.migration_codes
    hit: _Hit | bool | None
    boundary, abbreviation = _BOUNDARY, _ABBREVIATION
    isalnum = str.isalnum
    for end, code in matcher.automaton.iter(low):
        if code >= 0:
            pending.append((end, code))
            continue
        if code != boundary:  # an abbreviation counts only at the start of a word ("ms." not in "programs.")
            s = end - (abbreviation - code) + 1
            if s == 0 or not isalnum(low[s - 1]):
                abbr_end = end
            continue
        if end == abbr_end:
            continue
        stop = end + 1
        if not pending and not every_sentence:  # the common case: a sentence without a term
            if isalnum(low[start]) or search(low, start, stop) is not None:  # start <= end here
                n += 1
                if waiting:
                    for i in waiting:
                        after[i] = (start, stop)
                    waiting = []
                prev_s = start
                prev_e = stop
            start = stop
            continue
        if every_sentence or not mig_codes.isdisjoint([c for _, c in pending]):
            hit = _sentence(text, low, n_text, start, stop, pending, n, matcher, every_sentence)
        else:
            hit = True  # a term match: the sentence has a word
        pending = []
        if hit is not None:
            n += 1
            if waiting:
                for i in waiting:
                    after[i] = (start, stop)
                waiting = []
            if hit is not True:
                waiting.append(len(out))
                spans.append((prev_s, prev_e))
                out.append(hit)  # type: ignore[arg-type]
            prev_s = start
            prev_e = stop
        start = stop
    if start < n_text:
        if pending or every_sentence:
            hit = _sentence(text, low, n_text, start, n_text, pending, n, matcher, every_sentence)
        else:
            hit = True if search(low, start, n_text) is not None else None
        if hit is not None:
            n += 1
            for i in waiting:
                after[i] = (start, n_text)
            if hit is not True:
                spans.append((prev_s, prev_e))
                out.append(hit)  # type: ignore[arg-type]
    hits = tuple(
        SentenceHit(
            index=h[0],
            text=h[1],
            framed=h[2],
            categories=h[3],
            terms=h[4],
            vetoes=h[5],
            migration=h[6],
            before=" ".join(text[ps:pe].split()) if pe > ps else "",
            after=" ".join(text[after[i][0] : after[i][1]].split()) if i in after else "",
        )
        for i, (h, (ps, pe)) in enumerate(zip(out, spans, strict=True))
    )
    framed = sum(h[2] for h in out)
    n_migration = sum(h[6] for h in out) if every_sentence else len(out)
    return DocumentScore(n_sentences=n, n_migration=n_migration, n_framed=framed, hits=hits)


def _sentence(
    text: str,
    low: str,
    n_text: int,
    start: int,
    stop: int,
    pending: Sequence[tuple[int, int]],
    index: int,
    m: Matcher,
    every: bool = False,
) -> _Hit | bool | None:
    """Classify one sentence: a hit, True (counted, no migration term) or None (empty).

    A hit is ``(index, text, framed, categories, terms, vetoes, migration)``. With
    ``every``, a sentence without a migration term is also returned as a hit
    (``migration=False``, never framed).
    """
    valid: list[tuple[int, int, str, str]] = []
    for end, code in pending:
        s = end - m.lengths[code] + 1
        if s > 0 and low[s - 1].isalnum():
            continue
        right = end + 1 >= n_text or not low[end + 1].isalnum()
        for kind, group, prefix in m.entries[code]:
            if prefix or right:
                valid.append((s, end + 1, kind, group))
    if not valid:
        if _ALNUM.search(low, start, stop) is None:
            return None
        if not every:
            return True
        return (index, " ".join(text[start:stop].split()), False, (), "", (), False)
    masks = [(s, e) for s, e, kind, _ in valid if kind == "mask"]
    if masks:
        valid = [v for v in valid if v[2] == "mask" or not any(ms <= v[0] and v[1] <= me for ms, me in masks)]
    migration = any(kind == "migration" for _, _, kind, _ in valid)
    if not migration and not every:
        return True
    categories = tuple(sorted({g for _, _, kind, g in valid if kind == "category"}))
    vetoes = tuple(sorted({g for _, _, kind, g in valid if kind == "veto"}))
    # list each matched phrase once, the longest where one contains another of the same group
    shown: list[tuple[int, int, str]] = []
    for s, e, _kind, g in sorted(valid, key=lambda v: (v[0], -(v[1] - v[0]))):
        while e < n_text and low[e].isalnum():  # show a prefix term's whole word
            e += 1
        if any(ss <= s and e <= ee and gg == g for ss, ee, gg in shown):
            continue
        shown.append((s, e, g))
    terms = "; ".join(f"{text[s:e].lower()} [{g}]" for s, e, g in shown)
    sentence = " ".join(text[start:stop].split())
    return (index, sentence, migration and bool(categories) and not vetoes, categories, terms, vetoes, migration)
