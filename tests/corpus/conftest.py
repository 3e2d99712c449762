"""Small hand-counted corpora in English and Spanish (counts worked out in the comments)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("ahocorasick")

EN_DOCS = {
    # Trump 2017-: 4 sentences, 3 migration, 2 framed (illegal + threat; criminal aliens + deported)
    "d1": (
        "2018-03-01",
        "Donald J. Trump",
        "Illegal immigration is a threat to our national security. "
        "We welcome legal immigrants. The economy is strong. Criminal aliens will be deported.",
    ),
    # 3 sentences, 2 migration, 1 framed (the refugees sentence is vetoed: victims)
    "d2": (
        "2019-06-01",
        "Donald J. Trump",
        "We protect refugees fleeing violence. Border security matters for immigration reform.\nThank you.",
    ),
    # Obama: 3 sentences, 2 migration, 0 framed ("Social Security" is a mask)
    "d3": (
        "2010-02-01",
        "Barack Obama",
        "Immigrants pay into Social Security. Immigration reform is overdue. Jobs matter.",
    ),
    # 4 sentences ("Mr." does not end a sentence), 1 migration, 1 framed (secure the border)
    "d4": (
        "2012-07-04",
        "Barack Obama",
        "Mr. Smith and I met. We will secure the border and enforce immigration law. "
        "Schools matter. Health care matters.",
    ),
}


@pytest.fixture
def en_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "en"
    root.mkdir()
    lines = ["id,file,date,speaker,title,source,url,language"]
    for doc, (date, speaker, text) in EN_DOCS.items():
        (root / f"{doc}.txt").write_text(text, encoding="utf-8")
        lines.append(f"{doc},{doc}.txt,{date},{speaker},Title {doc},Test speeches,https://example.org/{doc},en")
    (root / "metadata.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


ES_DOCS = [
    # AMLO: 3 sentences, 2 migration, 1 framed (Guardia Nacional + migración)
    {
        "id": "e1",
        "date": "2019-06-10",
        "speaker": "AMLO",
        "country": "MEX",
        "language": "es",
        "text": "La Guardia Nacional contendrá la migración en la frontera sur. Los migrantes son nuestros hermanos. Buenos días.",
    },
    # 3 sentences, 3 migration, 1 framed: mask (seguridad social); crime (delincuentes); veto (huyen de la violencia)
    {
        "id": "e2",
        "date": "2020-01-20",
        "speaker": "AMLO",
        "country": "MEX",
        "language": "es",
        "text": "La seguridad social de los migrantes está garantizada. No hay que ver a los migrantes como delincuentes. "
        "Huyen de la violencia los migrantes.",
    },
    # after the bundled Mexican cases: reported, not scored
    {"id": "e3", "date": "2025-03-01", "speaker": "CSP", "country": "MEX", "language": "es", "text": "La migración."},
]


@pytest.fixture
def es_corpus(tmp_path: Path) -> Path:
    path = tmp_path / "es.jsonl"
    lines = [json.dumps(d, ensure_ascii=False) for d in ES_DOCS]
    lines.insert(2, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
