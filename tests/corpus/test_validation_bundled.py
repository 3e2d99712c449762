"""Precision and recall on a hand-labelled fixture; the bundled corpus and the blind sheet."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from securitization.corpus import measure_corpus
from securitization.corpus.lexicon import load_lexicon
from securitization.corpus.validation import precision_recall, sample_sentences, stratum_of
from securitization.datasets import data_dir
from securitization.errors import ParameterError, ValidationError
from securitization.reading import discover

LEX = load_lexicon("en").label
SHEET = pd.DataFrame(
    [
        ("f1", "en", "Illegal immigration is a threat to our security."),  # framed; human 1
        ("f2", "en", "Immigrants are not criminals."),  # framed; human 0 (a denial)
        ("m1", "en", "Immigrants built this country."),  # migration only; human 0
        ("m2", "en", "Immigrants bring chaos and fear to our towns."),  # migration only; human 1 (missed)
        ("s1", "en", "Police arrested the gang leaders."),  # security only; human 0
        ("s2", "en", "Aliens pour across and flood our towns with crime."),  # security only; human 1 (missed)
        ("n1", "en", "The economy is strong."),  # neither; human 0
        ("n2", "en", "Thank you all."),  # neither; human 0
    ],
    columns=["sentence_id", "language", "sentence"],
)
DESIGN = pd.DataFrame(
    [
        ("en", "framed", 10, 2, LEX),
        ("en", "migration", 20, 2, LEX),
        ("en", "security", 40, 2, LEX),
        ("en", "neither", 100, 2, LEX),
    ],
    columns=["language", "stratum", "population", "sampled", "lexicon"],
)
LABELS = pd.DataFrame(
    {
        "sentence_id": ["f1", "f2", "m1", "m2", "s1", "s2", "n1", "n2", "n2"],
        "label": [1, 0, 0, 1, 0, 1, 0, 0, 1],
        "coder": ["a"] * 8 + ["b"],
        "note": [""] * 9,
    }
)


def test_strata_of_the_fixture():
    assert [stratum_of(s, load_lexicon("en")) for s in SHEET["sentence"]] == [
        "framed",
        "framed",
        "migration",
        "migration",
        "security",
        "security",
        "neither",
        "neither",
    ]


def test_precision_and_recall_by_hand():
    v = precision_recall(LABELS, SHEET, DESIGN, n_boot=300, rng=1)
    row = v.table.iloc[0]
    assert (row.tp, row.fp, row.fn_sampled, row.n_labelled) == (1, 1, 2, 7)  # n2 is a tie: excluded
    assert row.precision == 0.5
    z = 1.6448536269514722
    half = z * math.sqrt(0.25 / 2 + z * z / 16) / (1 + z * z / 2)
    assert (row.precision_low, row.precision_high) == pytest.approx((0.5 - half, 0.5 + half), abs=1e-6)
    # weights population/sampled: framed 5, migration 10, security 20: recall = 5 / (5 + 10 + 20)
    assert row.recall == pytest.approx(5 / 35)
    assert row.recall_low <= row.recall <= row.recall_high
    assert v.excluded["sentence_id"].tolist() == ["n2"]
    assert "precision 0.50" in str(v)


def test_labels_are_checked():
    bad = LABELS.assign(label=["1", "x", 0, 1, 0, 1, 0, 0, 1])
    with pytest.raises(ValidationError, match="0 or 1"):
        precision_recall(bad, SHEET, DESIGN)
    with pytest.raises(ParameterError, match="strata changed"):
        precision_recall(LABELS, SHEET, DESIGN.assign(lexicon="old v0"))


def test_sampling_is_blind_and_seeded():
    docs = pd.DataFrame(
        {
            "language": ["en"],
            "document": ["d"],
            "source": ["s"],
            "text": [" ".join(SHEET["sentence"]) + " We like long sentences of many words here."],
        }
    )
    sheet, design, key = sample_sentences(
        docs, {"framed": 1, "migration": 1, "security": 1, "neither": 1}, rng=3, min_words=1
    )
    assert list(sheet.columns) == ["sentence_id", "language", "sentence"]
    assert design["sampled"].tolist() == [1, 1, 1, 1] and design["population"].tolist() == [2, 2, 2, 3]
    again, _, _ = sample_sentences(docs, {"framed": 1, "migration": 1, "security": 1, "neither": 1}, rng=3, min_words=1)
    pd.testing.assert_frame_equal(sheet, again)
    assert list(key.columns) == ["sentence_id", "language", "document", "source"]


def test_bundled_corpus_and_blind_sheet():
    root = data_dir() / "corpus"
    meta = pd.read_csv(root / "us-presidential-speeches" / "metadata.csv", dtype=str)
    assert len(meta) == 74 and (meta["date"] >= "1993-01-20").all()
    assert all((root / "us-presidential-speeches" / f).is_file() for f in meta["file"])
    assert not any(p.relative_to(data_dir()).parts[0] == "corpus" for p, _ in discover([data_dir()]))  # never a table
    r = measure_corpus(root / "us-presidential-speeches", language="en", workers=1, n_boot=100)
    assert len(r.problems) == 0
    assert set(r.estimates["case"]) == {"us-clinton-1993", "us-bush-2001", "us-obama-2009", "us-trump-2017"}
    sheet = pd.read_csv(root / "labels" / "blind-sheet.csv", dtype=str)
    assert list(sheet.columns) == ["sentence_id", "language", "sentence"]
    assert len(sheet) >= 200 and set(sheet["language"]) == {"en", "es"} and sheet["sentence_id"].is_unique
    design = pd.read_csv(root / "labels" / "design.csv")
    assert design.groupby("language")["sampled"].sum().to_dict() == sheet["language"].value_counts().to_dict()
    assert (root / "labels" / "INSTRUCTIONS.md").is_file()


def test_archived_labels_cover_the_sheet_and_give_the_documented_precision():
    """Each coder labels every sentence of the sheet once; the README's figures follow from the files."""
    root = data_dir() / "corpus" / "labels"
    sheet = pd.read_csv(root / "blind-sheet.csv", dtype=str)
    files = sorted(root.glob("labels*.csv"))
    assert [f.name for f in files] == ["labels-h2.csv", "labels.csv"]
    frames = []
    for f in files:
        lab = pd.read_csv(f, dtype={"sentence_id": str})
        assert list(lab["sentence_id"]) == list(sheet["sentence_id"]), f.name
        assert set(lab["label"]) <= {0, 1} and lab["coder"].nunique() == 1
        frames.append(lab)
    both = frames[0].merge(frames[1], on="sentence_id")
    assert int((both["label_x"] == both["label_y"]).sum()) == 238
    v = precision_recall(pd.concat(frames), sheet, pd.read_csv(root / "design.csv"), n_boot=200)
    t = v.table.set_index("language")
    assert v.coders == ("h1", "h2") and len(v.excluded) == 2
    assert round(t.loc["en", "precision"], 2) == 0.90 and round(t.loc["es", "precision"], 2) == 0.06
