"""Seeded synthetic corpora in the shape of the supported layouts, with their true counts.

Sentences are drawn from three pools whose dictionary outcome is known by construction:
neutral sentences (no lexicon term), migration sentences without a security term, and
security-framed migration sentences. The writers return the true number of sentences,
migration sentences and security-framed migration sentences of every document, so that
tests can check the readers and the kernel against them, and the benchmark can make tens
of millions of words of text that look like speech.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .readers import MONTHS_ES

__all__ = ["sentence_pools", "synthetic_document", "write_folder", "write_mananeras", "write_presidential_speeches"]

_POOLS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "neutral": (
            "The committee met on Tuesday to review the budget.",
            "We will build new schools and hospitals across the country.",
            "Our economy grew faster than expected this year.",
            "Farmers in the heartland deserve fair prices for their crops.",
            "I want to thank the mayor and the governor for being here today.",
            "Small businesses create most of the new jobs in America.",
            "Every child should have a good teacher and a safe place to learn.",
            "We will cut taxes for working families.",
            "Medicare and health care must be there for our seniors.",
            "The budget will be balanced within ten years.",
            "We honor the veterans who served our nation with courage.",
            "Clean energy will power the homes of the future.",
            "Thank you all very much for coming.",
            "Trade with our partners must be free and fair.",
            "Let me tell you what we have done over the past year.",
        ),
        "migration": (
            "Immigrants have always made our nation stronger.",
            "We need comprehensive immigration reform that honors our values.",
            "Refugees from many lands found a home here.",
            "Many immigrant families work hard and pay taxes.",
            "Our grandparents came here as immigrants with nothing but hope.",
            "The dreamers grew up in this country and know no other home.",
            "We will welcome those who seek asylum under our laws of humanity.",
            "Migration has shaped the history of our continent.",
        ),
        "framed": (
            "Illegal immigration is a threat to our national security.",
            "We must secure the border and stop illegal immigration.",
            "Criminal aliens will be deported.",
            "Border security is essential to any immigration reform.",
            "Gangs and cartels exploit our broken immigration system.",
            "We will hire more border patrol agents to stop illegal immigrants.",
            "Terrorists must never exploit our visa programs.",
            "Immigration enforcement protects the safety of our communities.",
        ),
    },
    "es": {
        "neutral": (
            "Vamos a construir escuelas y hospitales en todo el país.",
            "La economía creció más de lo esperado este año.",
            "Agradezco al gobernador y a la presidenta municipal su presencia.",
            "Los programas para el bienestar llegan a millones de familias.",
            "Buenos días a todas y a todos.",
            "El tren avanza conforme a lo programado.",
            "Vamos a apoyar a los productores del campo con precios justos.",
            "La inversión pública en infraestructura es histórica.",
            "Muchas gracias por acompañarnos.",
            "Los jóvenes tienen becas para estudiar.",
            "La refinería estará lista el próximo año.",
            "Se aumentó el salario mínimo como nunca antes.",
        ),
        "migration": (
            "Los migrantes son seres humanos que buscan una vida mejor.",
            "Nuestros connacionales en Estados Unidos envían remesas a sus familias.",
            "La política migratoria debe atender las causas de la migración.",
            "Vamos a dar empleo a los migrantes en el sur del país.",
            "Los refugiados reciben apoyo del gobierno.",
            "La migración es un fenómeno que tiene muchas causas.",
        ),
        "framed": (
            "La Guardia Nacional detiene el flujo migratorio en la frontera sur.",
            "Los traficantes de personas lucran con los migrantes.",
            "Se reforzó el control migratorio en la frontera.",
            "La migración ilegal es un asunto de seguridad nacional.",
            "Los migrantes detenidos fueron llevados a una estación migratoria.",
            "Hubo deportaciones de migrantes desde Estados Unidos.",
        ),
    },
}

_SPEAKERS_US = ("Bill Clinton", "George W. Bush", "Barack Obama", "Donald Trump")


def sentence_pools(language: Literal["en", "es"]) -> dict[str, tuple[str, ...]]:
    """The neutral, migration and security-framed sentence pools of a language."""
    return _POOLS[language]


def synthetic_document(
    rng: np.random.Generator,
    language: Literal["en", "es"],
    n_sentences: int,
    p_migration: float = 0.1,
    p_framed: float = 0.4,
    paragraph: int = 5,
) -> tuple[str, int, int]:
    """A text of ``n_sentences`` sentences and its true (migration, framed) counts.

    Each sentence is a migration sentence with probability ``p_migration``, and such a
    sentence is security-framed with probability ``p_framed``; paragraphs of about
    ``paragraph`` sentences are separated by a blank line.
    """
    pools = _POOLS[language]
    u = rng.random(n_sentences)
    v = rng.random(n_sentences)
    mig = u < p_migration
    fr = mig & (v < p_framed)
    picks = rng.integers(0, 1 << 30, size=n_sentences)
    out: list[str] = []
    for i in range(n_sentences):
        pool = pools["framed"] if fr[i] else pools["migration"] if mig[i] else pools["neutral"]
        out.append(pool[picks[i] % len(pool)])
        out.append("\n\n" if (i + 1) % paragraph == 0 else " ")
    return "".join(out).rstrip() + "\n", int(mig.sum()), int(fr.sum())


def _dates(rng: np.random.Generator, n: int, start: str, end: str) -> list[pd.Timestamp]:
    lo, hi = pd.Timestamp(start).value // 86_400_000_000_000, pd.Timestamp(end).value // 86_400_000_000_000
    days = np.sort(rng.integers(lo, hi + 1, size=n))
    return [pd.Timestamp(int(d), unit="D") for d in days]


def write_presidential_speeches(
    folder: str | Path,
    n_documents: int = 12,
    *,
    rng: np.random.Generator | int = 0,
    start: str = "1993-01-20",
    end: str = "2020-10-01",
    sentences: tuple[int, int] = (20, 60),
) -> pd.DataFrame:
    """Write a corpus in the kfogel/presidential-speeches layout; return the true counts.

    Files ``data/YYYY-MM-DD-slug.txt`` (every fifth without ``.txt``, as in the original),
    first line ``President: Name``, a blank line, then the transcript.
    """
    g = np.random.default_rng(rng)
    data = Path(folder) / "data"
    data.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, date in enumerate(_dates(g, n_documents, start, end)):
        n = int(g.integers(sentences[0], sentences[1] + 1))
        text, m, k = synthetic_document(g, "en", n)
        speaker = _SPEAKERS_US[min(3, max(0, (date.year - 1993) // 8))]
        slug = f"remarks-on-the-nation-{i}"
        name = f"{date.date()}-{slug}" + ("" if i % 5 == 4 else ".txt")
        (data / name).write_text(f"President: {speaker}\n\n{text}", encoding="utf-8")
        rows.append(
            {
                "id": name.removesuffix(".txt"),
                "file": f"data/{name}",
                "date": str(date.date()),
                "speaker": speaker,
                "n_sentences": n,
                "n_migration": m,
                "n_framed": k,
            }
        )
    return pd.DataFrame(rows)


def write_mananeras(
    folder: str | Path,
    n_documents: int = 8,
    *,
    rng: np.random.Generator | int = 0,
    start: str = "2019-01-01",
    end: str = "2024-09-30",
    blocks: int = 4,
) -> pd.DataFrame:
    """Write a corpus in the fferegrino/mananeras layout; return the true counts of the president's words.

    Files ``articulos/YYYY/<mes>/DD--slug.txt``: title, author and date lines, then blocks
    ``---`` / SPEAKER / lines; the president speaks in every other block, reporters
    (``PREGUNTA``, ``INTERLOCUTORA``) in the others, one sentence per line.
    """
    g = np.random.default_rng(rng)
    base = Path(folder) / "articulos"
    rows = []
    for i, date in enumerate(_dates(g, n_documents, start, end)):
        d = base / str(date.year) / MONTHS_ES[date.month - 1]
        d.mkdir(parents=True, exist_ok=True)
        fecha = f"{date.day:02d} de {MONTHS_ES[date.month - 1]} de {date.year}"
        slug = f"version-estenografica-de-la-conferencia-de-prensa-matutina-{i}"
        lines = [
            f"Versión estenográfica de la conferencia de prensa matutina del {fecha}",
            "Presidencia de la República",
            fecha,
        ]
        n_total = m_total = k_total = 0
        president = (
            "PRESIDENTE ANDRÉS MANUEL LÓPEZ OBRADOR"
            if date < pd.Timestamp("2024-10-01")
            else "PRESIDENTA DE MÉXICO, CLAUDIA SHEINBAUM PARDO"
        )
        for b in range(blocks):
            n = int(g.integers(3, 12))
            text, m, k = synthetic_document(g, "es", n, paragraph=1)
            speaker = president if b % 2 == 0 else ("PREGUNTA" if b % 4 == 1 else "INTERLOCUTORA")
            lines += ["---", speaker, *[s for s in text.split("\n") if s.strip()]]
            if b % 2 == 0:
                n_total, m_total, k_total = n_total + n, m_total + m, k_total + k
        (d / f"{date.day:02d}--{slug}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        rows.append(
            {
                "id": f"{date.year}/{MONTHS_ES[date.month - 1]}/{date.day:02d}--{slug}",
                "date": str(date.date()),
                "n_sentences": n_total,
                "n_migration": m_total,
                "n_framed": k_total,
            }
        )
    return pd.DataFrame(rows)


def write_folder(
    folder: str | Path,
    n_documents: int = 10,
    *,
    language: Literal["en", "es"] = "en",
    rng: np.random.Generator | int = 0,
    start: str = "2009-01-20",
    end: str = "2021-01-19",
    sentences: tuple[int, int] = (10, 40),
) -> pd.DataFrame:
    """Write a folder corpus (``metadata.csv`` and one ``.txt`` per document); return the true counts."""
    g = np.random.default_rng(rng)
    root = Path(folder)
    (root / "texts").mkdir(parents=True, exist_ok=True)
    rows = []
    for i, date in enumerate(_dates(g, n_documents, start, end)):
        n = int(g.integers(sentences[0], sentences[1] + 1))
        text, m, k = synthetic_document(g, language, n)
        rel = f"texts/doc-{i:04d}.txt"
        (root / rel).write_text(text, encoding="utf-8")
        rows.append(
            {
                "id": f"doc-{i:04d}",
                "file": rel,
                "date": str(date.date()),
                "speaker": "Speaker",
                "title": f"Document {i}",
                "source": "Synthetic corpus",
                "url": "",
                "language": language,
                "n_sentences": n,
                "n_migration": m,
                "n_framed": k,
            }
        )
    frame = pd.DataFrame(rows)
    meta = frame[["id", "file", "date", "speaker", "title", "source", "url", "language"]]
    with (root / "metadata.csv").open("w", encoding="utf-8", newline="") as fh:
        meta.to_csv(fh, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return frame
