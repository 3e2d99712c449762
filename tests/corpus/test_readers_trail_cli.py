"""Readers on synthetic files of the real layouts; the sentence trail; the command line."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from securitization.cli import main
from securitization.corpus import detect_layout, iter_documents, measure_corpus, trail_for, trail_path_for
from securitization.corpus.synthetic import write_folder, write_mananeras, write_presidential_speeches
from securitization.errors import ParameterError, ValidationError
from securitization.reading import discover


def by_doc(result):
    return result.documents.set_index("document_id")[["n_sentences", "n_migration", "n_framed"]]


def test_presidential_speeches_layout(tmp_path):
    truth = write_presidential_speeches(tmp_path / "ps", 15, rng=3)
    assert detect_layout(tmp_path / "ps") == "presidential-speeches"
    r = measure_corpus(tmp_path / "ps", language="en", workers=2, n_boot=50)
    got = by_doc(r).loc[truth["id"]]
    assert got.to_numpy().tolist() == truth[["n_sentences", "n_migration", "n_framed"]].to_numpy().tolist()
    refs = [d for d in iter_documents(tmp_path / "ps") if not hasattr(d, "reason")]
    assert refs[0].url.startswith("https://millercenter.org/the-presidency/presidential-speeches/")
    assert any(not f.endswith(".txt") for f in truth["file"])  # files without .txt are read too
    trail = r.trail()
    assert set(trail["speaker"]) <= {"Bill Clinton", "George W. Bush", "Barack Obama", "Donald Trump"}


def test_mananeras_layout_scores_the_president_only(tmp_path):
    truth = write_mananeras(tmp_path / "mn", 8, rng=5, end="2025-06-30")
    assert detect_layout(tmp_path / "mn") == "mananeras"
    r = measure_corpus(tmp_path / "mn", language="es", workers=1, n_boot=50)
    docs = r.documents.set_index("document_id")
    for t in truth.itertuples(index=False):
        row = docs.loc[t.id]
        assert (row.n_sentences, row.n_migration, row.n_framed) == (t.n_sentences, t.n_migration, t.n_framed)
        if t.date >= "2024-10-01":  # after the bundled AMLO term: reported with the reason
            assert row.status == "dropped" and "outside every term of MEX" in row.reason
    assert set(r.trail()["speaker"]) <= {"PRESIDENTE ANDRÉS MANUEL LÓPEZ OBRADOR"}
    everyone = measure_corpus(tmp_path / "mn", language="es", workers=1, n_boot=0, speakers=None)
    assert everyone.documents["n_sentences"].sum() > r.documents["n_sentences"].sum()


def test_folder_csv_and_layout_errors(tmp_path):
    truth = write_folder(tmp_path / "f", 6, rng=1)
    r = measure_corpus(tmp_path / "f", language="en", country="USA", workers=1, n_boot=0)
    assert (
        by_doc(r).loc[truth["id"]].to_numpy().tolist()
        == truth[["n_sentences", "n_migration", "n_framed"]].to_numpy().tolist()
    )
    text = pd.DataFrame(
        {"id": ["x"], "text": ["Illegal immigration. Thank you."], "date": ["2019-05-05"], "country": ["USA"]}
    )
    text.to_csv(tmp_path / "docs.csv", index=False)
    c = measure_corpus(tmp_path / "docs.csv", language="en", workers=1, n_boot=0)
    assert c.estimates.iloc[0]["n_framed"] == 1
    pd.DataFrame({"id": ["x"]}).to_csv(tmp_path / "notext.csv", index=False)
    with pytest.raises(ValidationError, match="'text' column"):
        measure_corpus(tmp_path / "notext.csv", language="en", workers=1)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ParameterError, match="matches no layout"):
        measure_corpus(tmp_path / "empty", language="en", workers=1)


def test_trail_for_a_measure_row(en_corpus, tmp_path):
    out = tmp_path / "out" / "measures.csv"
    measure_corpus(en_corpus, language="en", country="USA", workers=1, out=out)
    tpath = trail_path_for(out)
    assert tpath.is_file() and [p for p, _ in discover([out.parent])] == [out]
    m = pd.read_csv(out, dtype=str, keep_default_na=False)
    row = m.loc[(m["measure"] == "speech_security_share") & (m["period"] == "2018-03-01/2019-06-01")].iloc[0]
    view = trail_for(row, out)
    assert len(view.sentences) == 5 and int(view.sentences["framed"].sum()) == 3
    assert view.sentences["document_id"].tolist() == ["d1", "d1", "d1", "d2", "d2"]
    text = str(view)
    assert "2018-03-01  Title d1 (Donald J. Trump; Test speeches)" in text
    assert "[S] #0: Illegal immigration is a threat to our national security." in text
    assert "5 migration sentences shown, 3 of them security-framed" in text
    assert "vetoed by victims" in text
    year = m.loc[(m["measure"] == "speech_security_share_annual") & (m["period"] == "2019")].iloc[0]
    assert trail_for(year, out, framed=True).sentences["sentence"].tolist() == [
        "Border security matters for immigration reform."
    ]
    prov = json.loads(row["provenance"])
    assert prov["trail"]["file"] == tpath.name
    tpath.write_text(tpath.read_text() + "tampered\n")
    with pytest.raises(ValidationError, match="was changed"):
        trail_for(row, out)
    with pytest.raises(ParameterError, match="no corpus provenance"):
        trail_for({"measure": "x", "provenance": ""})


def test_write_from_memory_matches_out(en_corpus, tmp_path):
    r = measure_corpus(en_corpus, language="en", country="USA", workers=1)
    out, tpath = r.write(tmp_path / "w" / "measures.csv")
    streamed = measure_corpus(en_corpus, language="en", country="USA", workers=1, out=tmp_path / "s" / "measures.csv")
    assert tpath.read_text() == trail_path_for(tmp_path / "s" / "measures.csv").read_text()
    assert pd.read_csv(out)["value"].tolist() == streamed.measures["value"].tolist()


def test_cli_end_to_end(en_corpus, tmp_path, capsys):
    out = tmp_path / "cli" / "measures.csv"
    code = main(
        [
            "corpus",
            "measures",
            str(en_corpus),
            "--language",
            "en",
            "--country",
            "USA",
            "--out",
            str(out),
            "--seed",
            "5",
            "--workers",
            "1",
            "--n-boot",
            "100",
        ]
    )
    assert code == 0 and out.is_file() and trail_path_for(out).is_file()
    assert "us-trump-2017" in capsys.readouterr().out
    assert (
        main(
            [
                "corpus",
                "measures",
                str(en_corpus),
                "--language",
                "en",
                "--out",
                str(en_corpus / "metadata.csv"),
                "--workers",
                "1",
            ]
        )
        == 2
    )
    assert main(["corpus", "measures", str(tmp_path / "nowhere"), "--language", "en", "--out", str(out)]) == 2
    (en_corpus / "metadata.csv").write_text("id,file,date,speaker,title,source,url,language\nd1,d1.txt,,S,T,s,,en\n")
    assert main(["corpus", "measures", str(en_corpus), "--language", "en", "--out", str(out), "--workers", "1"]) == 1
    assert "no date" in capsys.readouterr().err
