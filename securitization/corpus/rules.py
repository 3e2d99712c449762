"""Codebook rules for the corpus measures: they map ``speech_security_share`` onto the I-3 scale.

The rules are data (``rules.toml`` beside this module; its cut-points are the project's
choice, documented there). :func:`with_corpus_rules` returns a copy of a codebook with the
rules added to its indicators, its version marked ``+corpus`` so that results never pass
for the original codebook's.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from ..errors import Problem, ValidationError

__all__ = ["RULES_FILE", "corpus_rules", "with_corpus_rules"]

RULES_FILE = Path(__file__).resolve().parent / "rules.toml"
C = TypeVar("C")


def corpus_rules(path: str | Path = RULES_FILE) -> dict[str, list[dict[str, Any]]]:
    """The measure rules of a rules file, by indicator code (``{"I-3": [rule, ...]}``)."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(
            [Problem(file=str(p), row=None, column=None, value=None, expected=f"a readable TOML rules file ({exc})")],
            what="corpus rules",
        ) from None
    return {code: list(rules) for code, rules in data.items()}


def with_corpus_rules(codebook: C, rules: str | Path = RULES_FILE) -> C:
    """A copy of ``codebook`` with the corpus measure rules added (version ``+corpus``).

    Parameters
    ----------
    codebook
        A :class:`~securitization.codebook.Codebook` (for example ``load().codebook``).
    rules
        A rules file (default the bundled ``rules.toml``).

    Raises
    ------
    ValidationError
        If a rule names an indicator the codebook does not have, or breaks the codebook's
        rules for measure rules.
    """
    data = codebook.model_dump()  # type: ignore[attr-defined]
    by_code = {ind["code"]: ind for ind in data["indicators"]}
    problems = []
    for code, new in corpus_rules(rules).items():
        if code not in by_code:
            problems.append(
                Problem(file=str(rules), row=None, column=code, value=None, expected=f"an indicator of {list(by_code)}")
            )
            continue
        known = {m["measure"] for m in by_code[code]["measures"]}
        by_code[code]["measures"] = [*by_code[code]["measures"], *(r for r in new if r["measure"] not in known)]
    if problems:
        raise ValidationError(problems, what="corpus rules")
    data["version"] = f"{data['version']}+corpus"
    try:
        return type(codebook).model_validate(data)  # type: ignore[attr-defined]
    except ValueError as exc:
        raise ValidationError(
            [Problem(file=str(rules), row=None, column=None, value=None, expected=f"valid measure rules ({exc})")],
            what="corpus rules",
        ) from None
