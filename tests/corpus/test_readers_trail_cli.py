"""Readers on synthetic files of the real layouts; the sentence trail; the command line."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from securitization.cli import main
from securitization.corpus import (
    DocProblem,
    detect_layout,
    is_corpus_measure,
    iter_documents,
    measure_corpus,
    sentences_for,
    trail_path_for,
)
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


def test_sentences_for_a_measure_row(en_corpus, tmp_path):
    out = tmp_path / "out" / "measures.csv"
    measure_corpus(en_corpus, language="en", country="USA", workers=1, out=out)
    tpath = trail_path_for(out)
    assert tpath.is_file() and [p for p, _ in discover([out.parent])] == [out]
    m = pd.read_csv(out, dtype=str, keep_default_na=False)
    row = m.loc[(m["measure"] == "speech_security_share") & (m["period"] == "2018-03-01/2019-06-01")].iloc[0]
    assert is_corpus_measure(row) and not is_corpus_measure({"provenance": "{}"})
    view = sentences_for(row, measures_file=out)
    assert (view.n_migration, view.n_framed) == (5, 3)
    assert view.sentences["document_id"].tolist() == ["d1", "d1", "d1", "d2", "d2"]
    first = view.sentences.iloc[0]
    assert (first["date"], first["speaker"], first["source"], first["url"]) == (
        "2018-03-01",
        "Donald J. Trump",
        "Test speeches",
        "https://example.org/d1",
    )
    # the sentences around each one, within its document
    assert view.sentences["before"].tolist()[:3] == [
        "",
        "Illegal immigration is a threat to our national security.",
        "The economy is strong.",
    ]
    assert view.sentences["after"].tolist()[:3] == ["We welcome legal immigrants.", "The economy is strong.", ""]
    text = str(view)
    assert "2018-03-01  Title d1 [d1] (Donald J. Trump; Test speeches)" in text
    assert "https://example.org/d1" in text
    assert "[S] #0: Illegal immigration is a threat to our national security." in text
    assert "3 of 5 migration sentences security-framed (5 listed)" in text
    assert "vetoed by victims" in text
    assert "      ... The economy is strong." in text
    framed = sentences_for(row, measures_file=out, framed=True)
    assert len(framed.sentences) == 3 and framed.sentences["framed"].all()
    assert len(framed.lines(limit=1)) < len(framed.lines()) and "and 2 more sentences" in framed.lines(limit=1)[-1]
    year = m.loc[(m["measure"] == "speech_security_share_annual") & (m["period"] == "2019")].iloc[0]
    assert sentences_for(year, measures_file=out, framed=True).sentences["sentence"].tolist() == [
        "Border security matters for immigration reform."
    ]
    # a row read with its file (as Dataset.measures and Scores.measures keep it) finds its trail alone
    assert len(sentences_for({**row.to_dict(), "file": str(out)}).sentences) == 5
    prov = json.loads(row["provenance"])
    assert prov["trail"]["file"] == tpath.name
    with pytest.raises(ValidationError, match="the trail holds 4 \\(2\\): it is another run's trail"):
        sentences_for(row, trail=view.sentences.iloc[1:])
    tpath.write_text(tpath.read_text() + "tampered\n")
    with pytest.raises(ValidationError, match="was changed"):
        sentences_for(row, measures_file=out)
    with pytest.raises(ParameterError, match="no corpus provenance"):
        sentences_for({"measure": "x", "provenance": ""})


def test_trail_cells_are_inert_and_read_back_exactly(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    text = "=HYPERLINK(1) Illegal immigration. '-Criminal aliens are deported."
    (root / "a.txt").write_text(text, encoding="utf-8")
    (root / "metadata.csv").write_text(
        "id,file,date,speaker,title,source,url,language\na,a.txt,2018-01-05,@me,+T,-S,,en\n", encoding="utf-8"
    )
    out = tmp_path / "o" / "measures.csv"
    r = measure_corpus(root, language="en", country="USA", workers=1, n_boot=0, out=out)
    raw = trail_path_for(out).read_text(encoding="utf-8")
    assert "'=HYPERLINK(1) Illegal immigration." in raw and "''-Criminal" in raw and ",'@me,'+T,'-S," in raw
    back = r.trail()
    assert back["sentence"].tolist() == ["=HYPERLINK(1) Illegal immigration.", "'-Criminal aliens are deported."]
    assert (back["speaker"].iloc[0], back["title"].iloc[0], back["source"].iloc[0]) == ("@me", "+T", "-S")


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
    assert pd.read_csv(out)["measure"].str.endswith("logit").any()
    no_logit = tmp_path / "cli2" / "measures.csv"
    args = ["corpus", "measures", str(en_corpus), "--language", "en", "--country", "USA", "--workers", "1"]
    assert main([*args, "--out", str(no_logit), "--no-logit", "--n-boot", "0"]) == 0
    assert not pd.read_csv(no_logit)["measure"].str.contains("logit").any()
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


def test_folder_files_outside_the_corpus_are_reported(tmp_path):
    root = tmp_path / "c"
    (root / "sub").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("Immigrants came.", encoding="utf-8")
    (root / "sub" / "a.txt").write_text("Illegal immigration.", encoding="utf-8")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    (root / "stray.txt").write_text("Immigrants.", encoding="utf-8")
    (root / ".hidden.txt").write_text("Immigrants.", encoding="utf-8")
    (root / "metadata.csv").write_text(
        "id,file,date,speaker,title,source,url,language\n"
        "a,./sub/a.txt,2018-01-05,S,T,s,,en\n"
        "b,../secret.txt,2018-01-05,S,T,s,,en\n"
        "c,link.txt,2018-01-05,S,T,s,,en\n",
        encoding="utf-8",
    )
    got = {
        (d.document, d.file) if isinstance(d, DocProblem) else (d.id, d.file): d.reason
        if isinstance(d, DocProblem)
        else "ok"
        for d in iter_documents(root)
    }
    assert got == {
        ("a", "./sub/a.txt"): "ok",
        ("b", "../secret.txt"): "a file outside the corpus folder",
        ("c", "link.txt"): "a link to a file outside the corpus folder (not read)",
        ("", "stray.txt"): "a text file that metadata.csv does not list",
    }


def test_a_folder_that_cannot_be_listed_is_named(tmp_path, monkeypatch):
    import os

    root = tmp_path / "c"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "a.txt").write_text("Illegal immigration.", encoding="utf-8")
    (root / "metadata.csv").write_text(
        "id,file,date,speaker,title,source,url,language\na,locked/a.txt,2018-01-05,S,T,s,,en\n", encoding="utf-8"
    )
    real = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    [problem] = list(iter_documents(root))
    assert isinstance(problem, DocProblem) and problem.file == "locked/a.txt"
    assert problem.reason == (
        "the file named in metadata.csv is in a folder that cannot be read (PermissionError: Permission denied)"
    )
