"""The kernel against hand-counted sentences; invariants with hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from securitization.corpus import compile_matcher, load_lexicon, score_text
from securitization.corpus.synthetic import sentence_pools, synthetic_document

EN = compile_matcher(load_lexicon("en").spec())
ES = compile_matcher(load_lexicon("es").spec())


def counts(text: str, m=EN) -> tuple[int, int, int]:
    r = score_text(text, m)
    return r.n_sentences, r.n_migration, r.n_framed


def test_hand_counted_english():
    text = (
        "Illegal immigration is a threat to our national security! We welcome legal immigrants. "
        "The economy is strong.\n\nImmigrants pay Social Security taxes. We protect refugees fleeing violence."
    )
    assert counts(text) == (5, 4, 1)
    hits = score_text(text, EN).hits
    assert [h.index for h in hits] == [0, 1, 3, 4]
    assert hits[0].categories == ("law", "security")
    assert hits[0].terms == "illegal [law]; immigration [migration]; threat [security]; national security [security]"
    assert hits[2].categories == ()  # "security" inside "social security" does not count
    assert hits[3].vetoes == ("victims",) and not hits[3].framed


def test_hand_counted_spanish():
    text = (
        "La Guardia Nacional contendrá la migración. La seguridad social de los migrantes. "
        "¿Qué hacemos con la migracion ilegal? El Sr. López habló."
    )
    # 4 sentences; 3 migration; framed: Guardia Nacional (police), ilegal (law, unaccented "migracion")
    assert counts(text, ES) == (4, 3, 2)


def test_word_boundaries_and_prefixes():
    assert counts("Immigration to Crimea grew.") == (1, 1, 0)  # "crime" is a whole word, not a prefix
    assert counts("Anti-immigrant gangs attacked.") == (1, 1, 1)  # prefix after a hyphen
    assert counts("Lawmakers discussed migration.") == (1, 1, 0)
    assert counts("Migratory birds flew over the border wall.") == (1, 0, 0)  # mask cancels the migration term


def test_sentence_splitting():
    assert counts("Mr. Smith said so. Dr. Jones agreed.") == (2, 0, 0)
    assert counts('He said "immigrants are criminals." Then he left.') == (2, 1, 1)
    assert counts("...\n\n  \nOne. Two? Three! Four") == (4, 0, 0)
    assert counts("") == (0, 0, 0)


def test_every_sentence_keeps_counts():
    text = "Police came. Immigrants came. Thank you."
    plain, every = score_text(text, EN), score_text(text, EN, every_sentence=True)
    assert (plain.n_sentences, plain.n_migration, plain.n_framed) == (
        every.n_sentences,
        every.n_migration,
        every.n_framed,
    )
    assert [h.migration for h in every.hits] == [False, True, False]
    assert [h.categories for h in every.hits] == [("police",), (), ()]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(0, 40), lang=st.sampled_from(["en", "es"]))
def test_synthetic_documents_count_exactly(seed, n, lang):
    text, m, k = synthetic_document(np.random.default_rng(seed), lang, n)
    assert counts(text, EN if lang == "en" else ES) == (n, m, k)


@settings(max_examples=40, deadline=None)
@given(parts=st.lists(st.sampled_from([s for pool in sentence_pools("en").values() for s in pool]), max_size=12))
def test_counts_add_up_and_stay_ordered(parts):
    whole = counts(" ".join(parts))
    each = [counts(p) for p in parts]
    assert whole == tuple(int(sum(c[i] for c in each)) for i in range(3))
    assert whole[2] <= whole[1] <= whole[0]


def test_matcher_pickles():
    import pickle

    m = pickle.loads(pickle.dumps(EN))
    assert counts("Illegal immigration.", m) == (1, 1, 1)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_pools_match_their_labels(lang):
    m = EN if lang == "en" else ES
    want = {"neutral": (1, 0, 0), "migration": (1, 1, 0), "framed": (1, 1, 1)}
    for kind, pool in sentence_pools(lang).items():
        for s in pool:
            assert counts(s, m) == want[kind], s


def test_context_is_the_sentence_before_and_after():
    text = "We met.\n\nIllegal immigration is a threat. Immigrants work hard! Thank you."
    hits = score_text(text, EN).hits
    assert [(h.before, h.text, h.after) for h in hits] == [
        ("We met.", "Illegal immigration is a threat.", "Immigrants work hard!"),
        ("Illegal immigration is a threat.", "Immigrants work hard!", "Thank you."),
    ]
    alone = score_text("Immigrants work.", EN).hits[0]
    assert (alone.before, alone.after) == ("", "")


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(
        st.sampled_from([*(s for pool in sentence_pools("en").values() for s in pool), "Mr. Smith came.", "...", "\n"]),
        max_size=14,
    ),
    sep=st.sampled_from([" ", "\n", "  "]),
)
def test_context_matches_the_neighbouring_sentences(parts, sep):
    """Every sentence's context is the text of the sentences next to it (every_sentence lists them all)."""
    text = sep.join(parts)
    every = score_text(text, EN, every_sentence=True).hits
    assert [h.index for h in every] == list(range(len(every)))
    for i, h in enumerate(every):
        assert h.before == (every[i - 1].text if i > 0 else "")
        assert h.after == (every[i + 1].text if i + 1 < len(every) else "")
    plain = score_text(text, EN).hits
    assert [(h.index, h.before, h.text, h.after) for h in plain] == [
        (h.index, h.before, h.text, h.after) for h in every if h.migration
    ]
