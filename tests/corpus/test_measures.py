"""Measures from the hand-counted corpora: counts, shares, rates, logits and intervals by hand."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from securitization import load, score
from securitization.corpus import measure_corpus
from securitization.corpus.rules import with_corpus_rules
from securitization.errors import ParameterError, ValidationError


def est(result, case, measure):
    e = result.estimates
    return e.loc[(e["case"] == case) & (e["measure"] == measure)].iloc[0]


def test_english_counts_by_hand(en_corpus):
    r = measure_corpus(en_corpus, language="en", country="USA", workers=1, n_boot=2000)
    trump = est(r, "us-trump-2017", "speech_security_share")
    # d1 (4, 3, 2) + d2 (3, 2, 1): 7 sentences, 5 migration, 3 framed
    assert (trump.n_sentences, trump.n_migration, trump.n_framed, trump.n_documents) == (7, 5, 3, 2)
    assert trump.value == pytest.approx(3 / 5)
    assert trump.period == "2018-03-01/2019-06-01"
    # resamples of two documents: {d1,d1} 4/6, {d1,d2} 3/5, {d2,d2} 2/4 with probabilities 1/4, 1/2, 1/4
    assert (trump.ci_low, trump.ci_high) == pytest.approx((0.5, 4 / 6))
    assert est(r, "us-trump-2017", "speech_security_per_10k").value == pytest.approx(1e4 * 3 / 7)
    logit = est(r, "us-trump-2017", "speech_security_logit")
    assert logit.value == pytest.approx(math.log(3.5 / 2.5))
    assert logit.se == pytest.approx(math.sqrt(1 / 3.5 + 1 / 2.5))
    obama = est(r, "us-obama-2009", "speech_security_share")
    assert (obama.n_sentences, obama.n_migration, obama.n_framed) == (7, 3, 1)
    assert obama.value == pytest.approx(1 / 3)
    assert est(r, "us-obama-2009", "speech_security_logit").value == pytest.approx(math.log(1.5 / 2.5))


def test_years_and_periods(en_corpus):
    r = measure_corpus(en_corpus, language="en", country="USA", workers=1, n_boot=0)
    e = r.estimates.loc[r.estimates["measure"] == "speech_security_share_annual"]
    got = {(c, int(y)): (p, v) for c, y, p, v in e[["case", "year", "period", "value"]].itertuples(index=False)}
    assert got[("us-trump-2017", 2018)] == ("2018", pytest.approx(2 / 3))
    assert got[("us-trump-2017", 2019)] == ("2019", pytest.approx(1 / 2))
    assert got[("us-obama-2009", 2010)][1] == 0.0 and got[("us-obama-2009", 2012)][1] == 1.0
    assert np.isnan(r.estimates["ci_low"]).all()  # n_boot=0: no interval


def test_partial_year_period(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    (root / "a.txt").write_text("Illegal immigration.", encoding="utf-8")
    (root / "metadata.csv").write_text(
        "id,file,date,speaker,title,source,url,language\na,a.txt,2017-03-01,T,t,s,,en\n", encoding="utf-8"
    )
    r = measure_corpus(root, language="en", country="USA", workers=1, n_boot=10)
    periods = set(r.estimates["period"])
    assert periods == {"2017-03-01/2017-03-01", "2017-01-20/2017-12-31"}


def test_spanish_jsonl_by_hand(es_corpus):
    r = measure_corpus(es_corpus, language="es", workers=1, n_boot=500)
    amlo = est(r, "mex-amlo-2018", "speech_security_share")
    assert (amlo.n_sentences, amlo.n_migration, amlo.n_framed) == (6, 5, 2)
    assert amlo.value == pytest.approx(0.4)
    # resamples: {e1,e1} 2/4, {e1,e2} 2/5, {e2,e2} 2/6
    assert (amlo.ci_low, amlo.ci_high) == pytest.approx((1 / 3, 1 / 2))
    reasons = r.problems.set_index("row")["reason"]
    assert "not valid JSON" in reasons.loc[3]
    assert "outside every term of MEX" in reasons.loc[4]


def test_same_seed_same_numbers_and_pool_equals_serial(en_corpus):
    a = measure_corpus(en_corpus, language="en", country="USA", workers=1, rng=7)
    b = measure_corpus(en_corpus, language="en", country="USA", workers=2, rng=7)
    c = measure_corpus(en_corpus, language="en", country="USA", workers=1, rng=8)
    pd.testing.assert_frame_equal(a.estimates, b.estimates)
    pd.testing.assert_frame_equal(a.measures, b.measures)
    assert a.seed == 7 and json.loads(a.measures["provenance"][0])["estimate"]["seed"] == 7
    assert measure_corpus(en_corpus, language="en", country="USA", workers=1).seed == 20110101
    assert c.estimates["value"].tolist() == a.estimates["value"].tolist()


def test_measure_rows_and_provenance(en_corpus):
    r = measure_corpus(en_corpus, language="en", country="USA", workers=1)
    m = r.measures
    assert set(m["indicator"]) == {"I-3"} and set(m["country"]) == {"USA"}
    prov = json.loads(m.loc[m["measure"] == "speech_security_share", "provenance"].iloc[0])
    assert prov["lexicon"]["id"] == "securitization-migration-security-en" and prov["lexicon"]["version"] == "1.0.0"
    assert prov["method"]["version"] == "1.1.0"
    assert prov["documents"]["read"] == 4 and prov["documents"]["dropped"] == 0
    assert {f["file"] for f in prov["corpus"]["files"]["listed"]} == {
        "metadata.csv",
        "d1.txt",
        "d2.txt",
        "d3.txt",
        "d4.txt",
    }
    assert prov["logit"]["se"] > 0 and prov["trail"] is None
    # the logit rows, in unit logit, negative for Obama (1 of 3 framed), with their standard error
    logit = m.loc[m["measure"] == "speech_security_logit"].set_index("period")
    assert set(logit["unit"]) == {"logit"}
    obama = logit.loc["2010-02-01/2012-07-04"]
    assert obama["value"] == pytest.approx(math.log(1.5 / 2.5)) and obama["value"] < 0
    se = math.sqrt(1 / 1.5 + 1 / 2.5)
    assert f"standard error {se:.4g} (analytic)" in obama["notes"]
    assert json.loads(obama["provenance"])["estimate"]["se"] == pytest.approx(se)
    without = measure_corpus(en_corpus, language="en", country="USA", workers=1, include_logit=False).measures
    assert not without["measure"].str.contains("logit").any() and len(without) == len(m) * 2 // 3


def test_case_column_and_bad_documents(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    rows = [
        ("a", "2019-01-01", "us-trump-2017", "en", "Illegal immigration."),
        ("b", "2005-01-01", "us-trump-2017", "en", "Immigration."),  # outside the named case's term
        ("c", "2019-01-01", "us-nobody", "en", "Immigration."),
        ("d", "2019-01-01", "", "es", "Migración."),
        ("e", "01/02/2019", "", "en", "Immigration."),
        ("f", "2019-01-01", "", "en", ""),
    ]
    lines = ["id,file,date,speaker,title,source,url,language,case"]
    for doc, date, case, lang, text in rows:
        (root / f"{doc}.txt").write_text(text, encoding="utf-8")
        lines.append(f"{doc},{doc}.txt,{date},S,T,src,,{lang},{case}")
    (root / "g.txt").write_bytes(b"Immigration \xff\xfe caf\xe9.")
    lines.append("g,g.txt,2019-01-01,S,T,src,,en,")
    lines.append("h,missing.txt,2019-01-01,S,T,src,,en,")
    (root / "i.txt").mkdir()  # named like a text file, but a folder: unreadable
    lines.append("i,i.txt,2019-01-01,S,T,src,,en,")
    (root / "j.txt").write_text("Immigration.", encoding="utf-8")
    lines.append("j,j.txt,,S,T,src,,en,")
    (root / "metadata.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = measure_corpus(root, language="en", country="USA", workers=1)
    reasons = dict(zip(r.problems["document"], r.problems["reason"], strict=True))
    assert "outside the term of case us-trump-2017" in reasons["b"]
    assert "not in the cases table" in reasons["c"]
    assert "language 'es'" in reasons["d"]
    assert "not a full date" in reasons["e"]
    assert "no sentence" in reasons["f"]
    assert "not valid utf-8" in reasons["g"]
    assert "does not exist" in reasons["h"]
    assert "unreadable" in reasons["i"] or "not a file" in reasons["i"]
    assert "no date" in reasons["j"]
    assert set(r.problems["file"]) >= {"b.txt", "g.txt", "missing.txt", "i.txt", "j.txt"}
    assert r.documents.set_index("document_id").loc["a", "status"] == "used"
    with pytest.raises(ValidationError, match="not valid utf-8"):
        measure_corpus(root, language="en", country="USA", workers=1, strict=True)


def test_nothing_usable_raises(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    (root / "a.txt").write_text("Immigration.", encoding="utf-8")
    (root / "metadata.csv").write_text("id,file,date,speaker,title,source,url,language\na,a.txt,,S,T,s,,en\n")
    with pytest.raises(ValidationError, match="no date"):
        measure_corpus(root, language="en", country="USA", workers=1)


def test_parameters_are_checked(en_corpus):
    with pytest.raises(ParameterError, match="lexicon"):
        measure_corpus(en_corpus, language="en", lexicon="es", workers=1)
    with pytest.raises(ParameterError, match="ci_prob"):
        measure_corpus(en_corpus, language="en", ci_prob=1.5, workers=1)
    with pytest.raises(ParameterError, match="rng"):
        measure_corpus(en_corpus, language="en", rng=-1, workers=1)
    with pytest.raises(ValidationError, match="metadata column 'date'"):
        (en_corpus / "metadata.csv").write_text("id,file\nd1,d1.txt\n")
        measure_corpus(en_corpus, language="en", workers=1)


def test_measures_enter_the_table_and_the_score(en_corpus, tmp_path):
    out = tmp_path / "out" / "measures.csv"
    measure_corpus(en_corpus, language="en", country="USA", workers=1, out=out)
    ds = load([out.parent], include_bundled=True)
    speech = ds.measures.loc[ds.measures["measure"] == "speech_security_share"]
    assert dict(zip(speech["case"], speech["value"], strict=True)) == pytest.approx(
        {"us-obama-2009": 1 / 3, "us-trump-2017": 0.6}
    )
    cb = with_corpus_rules(ds.codebook)
    assert cb.version.endswith("+corpus")
    ind = score(ds, codebook=cb).indicators.set_index(["case", "indicator"])
    # cut-points 0.10, 0.20, 0.35, 0.50: 1/3 -> 2 (moderate), 0.6 -> 4 (very high)
    assert ind.loc[("us-obama-2009", "I-3"), "measures_score"] == 2.0
    assert ind.loc[("us-trump-2017", "I-3"), "measures_score"] == 4.0
    assert np.isnan(ind.loc[("us-clinton-1993", "I-3"), "measures_score"])


def test_period_labels_are_read_back_for_their_country(tmp_path):
    """Periods written for countries with other fiscal years (US October, UK April) are read as meant."""
    cases = pd.DataFrame(
        {
            "case": ["us-a", "us-b", "gb-a", "mx-a"],
            "country": ["USA", "USA", "GBR", "MEX"],
            "label": ["US A", "US B", "GB A", "MX A"],
            "start": ["2015-01-20", "2017-01-20", "2016-07-13", "2018-12-01"],
            "end": ["2017-01-20", "", "2019-07-24", "2024-09-30"],
        }
    )
    folder = tmp_path / "cases"
    folder.mkdir()
    cases.to_csv(folder / "cases.csv", index=False)
    docs = [
        ("u1", "2016-03-01", "USA"),
        ("u2", "2017-01-20", "USA"),  # the handover day: the later case, as load() assigns it
        ("u3", "2018-10-15", "USA"),
        ("g1", "2016-07-13", "GBR"),
        ("g2", "2018-04-02", "GBR"),
        ("m1", "2019-03-03", "MEX"),
        ("m2", "2019-11-30", "MEX"),
    ]
    root = tmp_path / "corpus"
    root.mkdir()
    lines = ["id,file,date,speaker,title,source,url,language,country"]
    for doc, day, ctry in docs:
        (root / f"{doc}.txt").write_text("Illegal immigration is a threat. Immigrants work.", encoding="utf-8")
        lines.append(f"{doc},{doc}.txt,{day},S,T,src,,en,{ctry}")
    (root / "metadata.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out" / "measures.csv"
    r = measure_corpus(root, language="en", cases=folder, workers=1, n_boot=0, out=out)
    placed = r.documents.set_index("document_id")["case"].to_dict()
    assert placed == {"u1": "us-a", "u2": "us-b", "u3": "us-b", "g1": "gb-a", "g2": "gb-a", "m1": "mx-a", "m2": "mx-a"}
    ds = load([folder, out])
    got = ds.measures.assign(
        start=ds.measures["period_start"].dt.strftime("%Y-%m-%d"), end=ds.measures["period_end"].dt.strftime("%Y-%m-%d")
    )
    for row in got.itertuples(index=False):
        prov = json.loads(row.provenance)
        assert row.case == prov["case"], (row.measure, row.period)
    spans = {
        (
            row.case,
            row.measure.removesuffix("_annual").endswith("share") and row.measure.endswith("_annual"),
            row.period,
        ): (
            row.start,
            row.end,
        )
        for row in got.itertuples(index=False)
        if row.measure.startswith("speech_security_share")
    }
    assert spans == {
        ("us-a", False, "2016-03-01/2016-03-01"): ("2016-03-01", "2016-03-01"),
        ("us-a", True, "2016"): ("2016-01-01", "2016-12-31"),  # a calendar year, not the US fiscal year
        ("us-b", False, "2017-01-20/2018-10-15"): ("2017-01-20", "2018-10-15"),
        ("us-b", True, "2017-01-20/2017-12-31"): ("2017-01-20", "2017-12-31"),
        ("us-b", True, "2018"): ("2018-01-01", "2018-12-31"),
        ("gb-a", False, "2016-07-13/2018-04-02"): ("2016-07-13", "2018-04-02"),
        ("gb-a", True, "2016-07-13/2016-12-31"): ("2016-07-13", "2016-12-31"),
        ("gb-a", True, "2018"): ("2018-01-01", "2018-12-31"),  # not the UK year 2018/19
        ("mx-a", False, "2019-03-03/2019-11-30"): ("2019-03-03", "2019-11-30"),
        ("mx-a", True, "2019"): ("2019-01-01", "2019-12-31"),
    }
    logit = ds.measures.loc[ds.measures["measure"] == "speech_security_logit"]
    assert set(logit["unit"]) == {"logit"} and (logit["value"] == 0.0).all()  # 1 of 2 framed: log(1.5/1.5)


def test_the_lexicon_version_is_in_every_result(en_corpus, tmp_path):
    r = measure_corpus(en_corpus, language="en", country="USA", workers=1, n_boot=10, out=tmp_path / "m.csv")
    label = "securitization-migration-security-en v1.0.0"
    assert set(r.estimates["lexicon"]) == {label}
    assert label in str(r)
    assert r.measures["notes"].str.contains(label, regex=False).all()
    assert all(json.loads(p)["lexicon"]["version"] == "1.0.0" for p in r.measures["provenance"])
    row = r.measures.iloc[0]
    view = r.sentences_for(row)
    assert view.lexicon == label and label in view.lines()[0]


def test_explain_lists_the_framed_sentences(en_corpus, tmp_path):
    """explain() of I-3 shows each framed sentence with its document, date and speaker; a lost trail is said."""
    out = tmp_path / "out" / "measures.csv"
    measure_corpus(en_corpus, language="en", country="USA", workers=1, out=out)
    ds = load([out.parent], include_bundled=True)
    cb = with_corpus_rules(ds.codebook)
    e = score(ds, codebook=cb).explain("us-trump-2017", "I-3")
    text = str(e)
    assert "Where the measures come from:" in text
    assert e.trail[0].startswith("speech_security_share = 0.6 for us-trump-2017")
    assert "3 of 5 migration sentences security-framed" in e.trail[0]
    for sentence in (
        "Illegal immigration is a threat to our national security.",
        "Criminal aliens will be deported.",
        "Border security matters for immigration reform.",
    ):
        assert sum(sentence in t for t in e.trail) == 1
    assert any("2018-03-01" in t and "[d1]" in t and "Donald J. Trump" in t for t in e.trail)
    assert not any("We protect refugees fleeing violence." in t and "[S]" in t for t in e.trail)  # context, not framed
    for trail in out.parent.glob("*.trail.csv"):
        trail.unlink()
    lost = score(ds, codebook=cb).explain("us-trump-2017", "I-3").trail
    assert lost[1].strip().startswith("trail not available:") and "sentence trail" in lost[1]
