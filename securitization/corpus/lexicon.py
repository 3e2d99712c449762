"""Lexicons: the migration terms, the security categories and the exclusions, as data.

A lexicon is a TOML file (see ``lexicons/en.toml``): ``[lexicon]`` with ``id``, ``version``,
``language``; ``[migration] terms``; one ``[categories.NAME] terms`` table per security
category; ``[exclusions.masks] terms`` (phrases whose words do not count, such as "social
security"); ``[exclusions.sentence.NAME] terms`` (phrases that keep a sentence from being a
security framing, such as migrants as victims); ``[sentences] abbreviations``. The bundled
lexicons are ``"en"`` and ``"es"``; a user passes an edited copy by path.

Term syntax: lowercase; words separated by one space; a final ``*`` matches any ending;
without it the term ends at a word boundary. Every term starts at a word boundary.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
import unicodedata
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticValidationError

from ..errors import ParameterError, Problem, ValidationError

__all__ = ["BUNDLED_LEXICONS", "Lexicon", "LexiconName", "load_lexicon"]

LexiconName = Literal["en", "es"]
BUNDLED_LEXICONS: tuple[str, ...] = ("en", "es")
_DIR = Path(__file__).resolve().parent / "lexicons"


def _check_terms(terms: tuple[str, ...]) -> tuple[str, ...]:
    bad = [
        t
        for t in terms
        if not t
        or t != t.strip()
        or "  " in t
        or t != t.lower()
        or "*" in t[:-1]
        or t == "*"
        or any(ch in t for ch in "\n\t")
    ]
    if bad:
        raise ValueError(
            f"terms must be lowercase, without leading, trailing or double spaces, with '*' only at the end; got {bad}"
        )
    return terms


class TermList(BaseModel):
    """One list of terms with a description."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    terms: tuple[str, ...] = Field(min_length=1)

    _terms = field_validator("terms")(classmethod(lambda cls, v: _check_terms(tuple(v))))


class Exclusions(BaseModel):
    """Masks (phrases whose words do not count) and sentence vetoes by reason."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    masks: TermList | None = None
    sentence: dict[str, TermList] = Field(default_factory=dict)


class Sentences(BaseModel):
    """Sentence splitting: abbreviations whose period does not end a sentence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    abbreviations: tuple[str, ...] = ()

    _abbr = field_validator("abbreviations")(classmethod(lambda cls, v: _check_terms(tuple(v)) if v else ()))


class Lexicon(BaseModel):
    """A validated lexicon; its ``id`` and ``version`` are written into every result.

    Examples
    --------
    >>> lex = load_lexicon("en")
    >>> lex.label
    'securitization-migration-security-en v1.0.0'
    >>> lex.category_names[:3]
    ('border', 'crime', 'law')
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    version: str = Field(min_length=1)
    language: str = Field(min_length=2)
    title: str = ""
    description: str = ""
    credit: str = ""
    migration: TermList
    categories: dict[str, TermList] = Field(min_length=1)
    exclusions: Exclusions = Exclusions()
    sentences: Sentences = Sentences()
    source: str = ""

    @property
    def label(self) -> str:
        """``id vVERSION``."""
        return f"{self.id} v{self.version}"

    @property
    def category_names(self) -> tuple[str, ...]:
        """The security categories, in file order."""
        return tuple(self.categories)

    @property
    def sha256(self) -> str:
        """A hash of the validated content (stable across formatting and comments)."""
        payload = json.dumps(self.model_dump(mode="json", exclude={"source"}), sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    def spec(self) -> dict[str, Any]:
        """A plain, picklable description of the terms for the matching kernel.

        ``terms`` maps every text key (each term and its accent-free variant, without the
        final ``*``) to a list of ``(kind, group, prefix)``: kind ``"migration"``,
        ``"category"``, ``"mask"`` or ``"veto"``; the group is the category or veto
        reason; ``prefix`` is True when the term ends in ``*``.
        """
        entries: dict[str, list[tuple[str, str, bool]]] = {}

        def add(term: str, kind: str, group: str) -> None:
            prefix = term.endswith("*")
            key = term[:-1] if prefix else term
            for k in {key, _strip_accents(key)}:
                entries.setdefault(k, [])
                if (kind, group, prefix) not in entries[k]:
                    entries[k].append((kind, group, prefix))

        for t in self.migration.terms:
            add(t, "migration", "migration")
        for name, tl in self.categories.items():
            for t in tl.terms:
                add(t, "category", name)
        if self.exclusions.masks is not None:
            for t in self.exclusions.masks.terms:
                add(t, "mask", "mask")
        for reason, tl in self.exclusions.sentence.items():
            for t in tl.terms:
                add(t, "veto", reason)
        abbreviations = sorted(
            {a for a in self.sentences.abbreviations} | {_strip_accents(a) for a in self.sentences.abbreviations}
        )
        return {
            "terms": entries,
            "categories": list(self.categories),
            "vetoes": list(self.exclusions.sentence),
            "abbreviations": abbreviations,
            "label": self.label,
        }


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def load_lexicon(lexicon: Lexicon | str | Path = "en") -> Lexicon:
    """Load and validate a lexicon: a bundled one by language (``"en"``, ``"es"``) or a TOML file.

    Parameters
    ----------
    lexicon
        A :class:`Lexicon` (returned as is), a bundled name or the path of a ``.toml`` file.

    Raises
    ------
    ValidationError
        If the file is missing, is not TOML or breaks the lexicon's rules; every problem is
        listed with the file and the key.
    ParameterError
        If a name is neither a bundled lexicon nor a ``.toml`` path.
    """
    if isinstance(lexicon, Lexicon):
        return lexicon
    text = str(lexicon)
    if text in BUNDLED_LEXICONS:
        path = _DIR / f"{text}.toml"
    elif text.endswith(".toml"):
        path = Path(text)
    else:
        raise ParameterError.invalid(
            "lexicon", "load_lexicon", f"one of the bundled lexicons {list(BUNDLED_LEXICONS)} or a .toml file", lexicon
        )
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(
            [Problem(file=str(path), row=None, column=None, value=None, expected="an existing lexicon TOML file")],
            what="lexicon",
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(
            [Problem(file=str(path), row=None, column=None, value=None, expected=f"valid UTF-8 TOML ({exc})")],
            what="lexicon",
        ) from None
    head = raw.pop("lexicon", {})
    flat = {**(head if isinstance(head, dict) else {}), **raw, "source": str(path)}
    try:
        return Lexicon.model_validate(flat)
    except PydanticValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            if loc in {"id", "version", "language", "title", "description", "credit"}:
                loc = f"lexicon.{loc}"
            value = err.get("input")
            shown = None if isinstance(value, dict | list | tuple) or value is None else str(value)
            problems.append(
                Problem(
                    file=str(path),
                    row=None,
                    column=loc,
                    value=shown,
                    expected=err["msg"].removeprefix("Value error, "),
                )
            )
        raise ValidationError(problems, what="lexicon") from None
