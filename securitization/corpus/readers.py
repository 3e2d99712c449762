"""Corpus readers: folders of text files with a metadata table, JSON Lines, CSV, and two public layouts.

Every reader yields, lazily, one :class:`DocRef` per document (its metadata and where its
text is) or one :class:`DocProblem` (a file or record that cannot be used, with the reason).
Texts stored in their own files are read by the worker processes, so that a corpus streams
through the pool with bounded memory.

Layouts
-------
``folder``
    A folder with ``metadata.csv`` (columns ``id, file, date, speaker, title, source, url,
    language`` and optionally ``case``, ``country``) and the text files it names (UTF-8).
    Text files under the folder that ``metadata.csv`` does not list are reported.
``jsonl``
    A ``.jsonl`` file: one JSON object per line with ``id`` and ``text`` and the metadata
    fields above.
``csv``
    A ``.csv`` file with a ``text`` column and the metadata columns above.
``presidential-speeches``
    The layout of the public repository kfogel/presidential-speeches: files
    ``data/YYYY-MM-DD-slug.txt`` (a few without ``.txt``) whose first line is
    ``President: Name``, then a blank line and the transcript. Date, title and the Miller
    Center URL come from the file name, the speaker from the first line; country USA.
``mananeras``
    The layout of the public repository fferegrino/mananeras: files
    ``articulos/YYYY/<mes>/DD--slug.txt`` whose first three lines are the title, the author
    ("Presidencia de la República") and the date ("02 de agosto de 2019"), followed by
    blocks ``---`` / SPEAKER / lines. Only the blocks whose speaker matches ``speakers``
    (default: the president, ``^PRESIDENT[AE]\\b``) are scored; country MEX.
"""

from __future__ import annotations

import csv
import io
import json
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from ..countries import MONTHS
from ..errors import ParameterError, Problem, ValidationError

__all__ = [
    "LAYOUTS",
    "METADATA_COLUMNS",
    "MONTHS_EN",
    "MONTHS_ES",
    "DocProblem",
    "DocRef",
    "Layout",
    "detect_layout",
    "extract",
    "iter_documents",
    "parse_spanish_date",
]

Layout = Literal["auto", "folder", "jsonl", "csv", "presidential-speeches", "mananeras"]
LAYOUTS: tuple[str, ...] = ("auto", "folder", "jsonl", "csv", "presidential-speeches", "mananeras")
METADATA_COLUMNS: dict[str, bool] = {  # name -> required
    "id": True,
    "file": True,
    "date": True,
    "speaker": True,
    "title": True,
    "source": True,
    "url": True,
    "language": True,
    "case": False,
    "country": False,
}
_FIELDS = ("id", "date", "speaker", "title", "source", "url", "language", "case", "country")
PRESIDENT_SPEAKERS = r"^PRESIDENT[AE]\b"
_SPEECH_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+?)(?:\.txt)?$")
#: Month names, January first (the layouts write them in addresses, folders and dates).
MONTHS_EN = tuple(m.lower() for m in MONTHS)
MONTHS_ES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
_MONTHS_ES = {m: i + 1 for i, m in enumerate(MONTHS_ES)} | {"setiembre": 9}
_ES_DATE = re.compile(r"(\d{1,2})\s+de\s+([a-záéíóú]+)\s+(?:de\s+|del\s+)?(\d{4})", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class DocRef:
    """One document: its metadata and where its text is (a file to read, or the text itself).

    ``file`` is the path shown to the user (relative to the corpus root); ``path`` the file
    to read; ``row`` the line or row of a JSON Lines, CSV or metadata file.
    """

    id: str
    file: str
    path: str | None = None
    text: str | None = None
    row: int | None = None
    date: str = ""
    speaker: str = ""
    title: str = ""
    source: str = ""
    url: str = ""
    language: str = ""
    case: str = ""
    country: str = ""
    layout: str = "plain"


@dataclass(frozen=True, kw_only=True)
class DocProblem:
    """A document or file that was not scored, with the reason (never dropped in silence)."""

    file: str
    document: str
    reason: str
    row: int | None = None

    def to_problem(self) -> Problem:
        """As a :class:`~securitization.errors.Problem` (for :class:`ValidationError`)."""
        return Problem(file=self.file, row=self.row, column=None, value=self.document or None, expected=self.reason)


def detect_layout(path: str | Path) -> str:
    """Tell the layout of a corpus path (see the module docstring).

    Raises
    ------
    ParameterError
        If no layout fits; the message lists what each layout expects.
    """
    p = Path(path)
    if p.is_file():
        if p.suffix.lower() == ".jsonl":
            return "jsonl"
        if p.suffix.lower() == ".csv":
            return "csv"
    elif p.is_dir():
        if (p / "metadata.csv").is_file():
            return "folder"
        if (p / "articulos").is_dir() or p.name == "articulos":
            return "mananeras"
        data = p / "data" if (p / "data").is_dir() else p
        if any(_SPEECH_NAME.match(f.name) for f in data.iterdir() if f.is_file()):
            return "presidential-speeches"
    raise ParameterError(
        f"The corpus path {str(path)!r} matches no layout. Expected a folder with metadata.csv (layout 'folder'), "
        "a .jsonl or .csv file, a presidential-speeches folder (data/YYYY-MM-DD-slug.txt) or a mananeras folder "
        "(articulos/YYYY/<mes>/DD--slug.txt). Pass --layout to choose one."
    )


def parse_spanish_date(text: str) -> str | None:
    """``"02 de agosto de 2019"`` -> ``"2019-08-02"``; None if it is not such a date.

    Examples
    --------
    >>> parse_spanish_date("27 de mayo de 2026")
    '2026-05-27'
    >>> parse_spanish_date("mañana") is None
    True
    """
    m = _ES_DATE.search(text)
    if not m:
        return None
    month = _MONTHS_ES.get(m.group(2).lower())
    if month is None:
        return None
    return f"{int(m.group(3)):04d}-{month:02d}-{int(m.group(1)):02d}"


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def iter_documents(
    path: str | Path,
    *,
    layout: Layout = "auto",
    encoding: str = "utf-8",
) -> Iterator[DocRef | DocProblem]:
    """Yield the documents of a corpus, lazily, as :class:`DocRef` or :class:`DocProblem`.

    Raises
    ------
    ParameterError
        For an unknown layout or a path that does not exist.
    ValidationError
        When the metadata table itself cannot be used (missing file or required columns).
    """
    if layout not in LAYOUTS:
        raise ParameterError.invalid("layout", "iter_documents", f"one of {list(LAYOUTS)}", layout)
    p = Path(path)
    if not p.exists():
        raise ParameterError(f"The corpus path {str(path)!r} does not exist. Pass a folder or a .jsonl/.csv file.")
    chosen = detect_layout(p) if layout == "auto" else layout
    if chosen == "folder":
        yield from _folder(p, encoding)
    elif chosen == "jsonl":
        yield from _jsonl(p, encoding)
    elif chosen == "csv":
        yield from _csv(p, encoding)
    elif chosen == "presidential-speeches":
        yield from _speeches(p)
    else:
        yield from _mananeras(p)


def _folder(root: Path, encoding: str) -> Iterator[DocRef | DocProblem]:
    meta = root / "metadata.csv"
    try:
        text = meta.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(
            [
                Problem(
                    file=str(meta), row=None, column=None, value=None, expected=f"a readable UTF-8 metadata.csv ({exc})"
                )
            ],
            what="corpus metadata",
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    cols = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c, req in METADATA_COLUMNS.items() if req and c not in cols]
    if missing:
        raise ValidationError(
            [
                Problem(
                    file=str(meta),
                    row=1,
                    column=c,
                    value=None,
                    expected=f"a metadata column {c!r} (columns: {', '.join(METADATA_COLUMNS)})",
                )
                for c in missing
            ],
            what="corpus metadata",
        )
    files = _files(root)  # one walk of the folder: existence checks without a call per file
    unreadable = {k: v.partition(":")[2] for k, v in files.items() if v.startswith("unreadable:")}
    listed: set[str] = set()
    seen_ids: set[str] = set()
    for i, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        rel = row.get("file", "")
        doc_id = row.get("id", "") or rel
        if not rel:
            yield DocProblem(file="metadata.csv", document=doc_id, reason="no file named in column 'file'", row=i)
            continue
        if doc_id in seen_ids:
            yield DocProblem(file="metadata.csv", document=doc_id, reason="a document id used twice", row=i)
            continue
        seen_ids.add(doc_id)
        key = posixpath.normpath(rel.replace("\\", "/"))
        if key.startswith(("../", "/")) or key == ".." or re.match(r"^[A-Za-z]:", key):
            yield DocProblem(file=rel, document=doc_id, reason="a file outside the corpus folder", row=i)
            continue
        listed.add(key)
        kind = files.get(key)
        if kind is None:
            unread = next((v for k, v in unreadable.items() if key.startswith(k + "/")), None) if unreadable else None
            reason = (
                f"the file named in metadata.csv is in a folder that cannot be read ({unread})"
                if unread
                else "the file named in metadata.csv does not exist"
            )
            yield DocProblem(file=rel, document=doc_id, reason=reason, row=i)
            continue
        if kind == "folder":
            yield DocProblem(
                file=rel, document=doc_id, reason="unreadable: the name in metadata.csv is a folder, not a file", row=i
            )
            continue
        if kind == "outside":
            yield DocProblem(
                file=rel, document=doc_id, reason="a link to a file outside the corpus folder (not read)", row=i
            )
            continue
        yield DocRef(
            file=rel,
            path=os.path.join(root, key),
            row=i,
            **{k: row.get(k, "") for k in _FIELDS if k != "id"},
            id=doc_id,
        )
    for key in sorted(
        k for k, v in files.items() if v in ("file", "outside") and k.endswith(".txt") and k not in listed
    ):
        yield DocProblem(file=key, document="", reason="a text file that metadata.csv does not list")


def _files(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` by its relative path.

    Values: ``"file"``; ``"outside"`` for a link leaving the folder; ``"folder"``; and
    ``"unreadable:<why>"`` for a folder that cannot be listed (its files are then reported
    as in a folder that cannot be read, not as missing). Hidden files and folders (names
    starting with ``.``) are left out.
    """
    base = root.resolve()
    found: dict[str, str] = {}
    stack = [("", str(root))]
    while stack:
        prefix, folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            if prefix:
                found[prefix.rstrip("/")] = f"unreadable:{type(exc).__name__}: {exc.strerror or exc}"
            continue
        for e in entries:
            if e.name.startswith("."):
                continue
            rel = f"{prefix}{e.name}"
            if e.is_dir(follow_symlinks=False):
                found[rel] = "folder"
                stack.append((rel + "/", e.path))
            elif e.is_file():
                inside = not e.is_symlink() or Path(e.path).resolve().is_relative_to(base)
                found[rel] = "file" if inside else "outside"
    return found


def _record(data: dict[str, object], file: str, row: int) -> DocRef | DocProblem:
    text = data.get("text")
    doc_id = str(data.get("id") or f"{file}:{row}")
    if not isinstance(text, str):
        return DocProblem(file=file, document=doc_id, reason="no 'text' field with the document's text", row=row)
    fields = {k: "" if data.get(k) is None else str(data.get(k)).strip() for k in _FIELDS if k != "id"}
    return DocRef(id=doc_id, file=file, text=text, row=row, **fields)


def _jsonl(path: Path, encoding: str) -> Iterator[DocRef | DocProblem]:
    name = path.name
    with path.open("rb") as fh:
        for i, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line.decode(encoding))
            except UnicodeDecodeError as exc:
                yield DocProblem(
                    file=name, document="", reason=f"not valid {encoding} ({exc.reason} at byte {exc.start})", row=i
                )
                continue
            except json.JSONDecodeError as exc:
                yield DocProblem(file=name, document="", reason=f"not valid JSON ({exc.msg})", row=i)
                continue
            if not isinstance(data, dict):
                yield DocProblem(file=name, document="", reason="a JSON object per line", row=i)
                continue
            yield _record(data, name, i)


def _csv(path: Path, encoding: str) -> Iterator[DocRef | DocProblem]:
    name = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig" if encoding.lower().replace("_", "-") == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        yield DocProblem(file=name, document="", reason=f"not valid {encoding} ({exc.reason} at byte {exc.start})")
        return
    reader = csv.DictReader(io.StringIO(text))
    if "text" not in (reader.fieldnames or []):
        yield DocProblem(file=name, document="", reason="a 'text' column with the documents' texts", row=1)
        return
    for i, raw in enumerate(reader, start=2):
        yield _record({(k or "").strip(): v for k, v in raw.items()}, name, i)


def _speeches(root: Path) -> Iterator[DocRef | DocProblem]:
    data = root / "data" if (root / "data").is_dir() else root
    for f in sorted(data.iterdir()):
        if not f.is_file() or f.name.startswith("."):
            continue
        m = _SPEECH_NAME.match(f.name)
        if not m:
            if f.suffix in ("", ".txt"):
                yield DocProblem(file=_rel(f, root), document="", reason="not a speech file named YYYY-MM-DD-slug.txt")
            continue
        year, month, day, slug = m.groups()
        try:
            month_name = MONTHS_EN[int(month) - 1]
        except IndexError:
            yield DocProblem(file=_rel(f, root), document=f.stem, reason=f"month {month} in the file name")
            continue
        url = f"https://millercenter.org/the-presidency/presidential-speeches/{month_name}-{int(day)}-{year}-{slug}"
        title = slug.replace("-", " ")
        yield DocRef(
            id=f.name.removesuffix(".txt"),
            file=_rel(f, root),
            path=str(f),
            date=f"{year}-{month}-{day}",
            title=title[:1].upper() + title[1:],
            source="Miller Center, University of Virginia, presidential speeches (as kept in kfogel/presidential-speeches)",
            url=url,
            language="en",
            country="USA",
            layout="presidential-speeches",
        )


def _mananeras(root: Path) -> Iterator[DocRef | DocProblem]:
    base = root / "articulos" if (root / "articulos").is_dir() else root
    for f in sorted(base.rglob("*")):
        if not f.is_file() or f.name.startswith("."):
            continue
        if f.suffix != ".txt":
            yield DocProblem(file=_rel(f, root), document="", reason="not a .txt transcript")
            continue
        parts = f.relative_to(base).parts
        date = ""
        if len(parts) == 3 and parts[1].lower() in _MONTHS_ES and parts[2][:2].isdigit():
            date = f"{int(parts[0]):04d}-{_MONTHS_ES[parts[1].lower()]:02d}-{int(parts[2][:2]):02d}"
        yield DocRef(
            id=_rel(f, base).removesuffix(".txt"),
            file=_rel(f, root),
            path=str(f),
            date=date,
            source="Presidencia de la República, versiones estenográficas (gob.mx), as kept in fferegrino/mananeras",
            language="es",
            country="MEX",
            layout="mananeras",
        )


def extract(ref: DocRef, raw: str, speakers: str | None = PRESIDENT_SPEAKERS) -> tuple[DocRef, str]:
    """The text to score and the metadata a file adds (speaker, title, date), by layout.

    Parameters
    ----------
    ref
        The document.
    raw
        Its file's text.
    speakers
        For the mananeras layout: a regular expression on the speaker line; only the blocks
        of matching speakers are scored (None keeps every block).
    """
    if ref.layout == "presidential-speeches":
        head, _sep, rest = raw.partition("\n")
        if head.startswith("President:"):
            return replace(ref, speaker=head.removeprefix("President:").strip()), rest
        return ref, raw
    if ref.layout == "mananeras":
        lines = raw.split("\n")
        title = lines[0].strip() if lines else ""
        date = parse_spanish_date(lines[2]) if len(lines) > 2 else None
        pattern = re.compile(speakers) if speakers else None
        kept: list[str] = []
        names: list[str] = []
        speaker: str | None = None
        for line in lines[3:]:
            s = line.strip()
            if s == "---":
                speaker = None
                continue
            if speaker is None:
                speaker = s
                continue
            if pattern is None or pattern.search(speaker):
                kept.append(s)
                if speaker not in names:
                    names.append(speaker)
        return replace(ref, title=title, date=date or ref.date, speaker="; ".join(names)), "\n".join(kept)
    return ref, raw
