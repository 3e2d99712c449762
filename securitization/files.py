"""Files the library writes: safe names, a confined output folder, atomic writes.

The library writes only where it is told to, and never over what it reads:

* :func:`check_id` is the rule for ids that become file names (case ids): letters, digits,
  ``-``, ``_`` and ``.``, starting and ending with a letter or digit, at most
  :data:`MAX_ID_LENGTH` characters, no ``..``, and not a name that Windows reserves for a
  device (``CON``, ``PRN``, ``AUX``, ``NUL``, ``COM1``-``COM9``, ``LPT1``-``LPT9``, with or
  without an extension).
* :class:`OutputFolder` resolves every path it writes (symbolic links included) and refuses
  one that leaves the folder, that is not a safe file name, or that is one of the run's
  inputs (tables and codebook).
* :func:`atomic_write_bytes` writes through a temporary file in the same folder and a
  rename, so that a reader never sees half a file and an error leaves the old one intact;
  the new file gets the permissions the user's umask gives (as ``open()`` would).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import ParameterError

__all__ = [
    "ID_RULE",
    "MAX_ID_LENGTH",
    "OutputFolder",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_id",
    "guard_inputs",
    "id_problem",
]

#: The longest id that may become a file name (a case id; a report adds a suffix).
MAX_ID_LENGTH = 64
#: The longest file name the library writes (most file systems allow 255 bytes).
MAX_NAME_LENGTH = 120
#: The rule for ids that become file names, as said in every message about one.
ID_RULE = (
    f"letters, digits, '-', '_' and '.', starting and ending with a letter or digit, at most {MAX_ID_LENGTH} "
    "characters, no '..' and not a Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9)"
)
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_RESERVED = re.compile(r"(?i)(?:CON|PRN|AUX|NUL|COM[1-9¹²³]|LPT[1-9¹²³])(?:\..*)?")


def _name_problem(name: str, limit: int) -> str | None:
    if not isinstance(name, str) or not name:
        return "it is empty"
    if len(name) > limit:
        return f"it has {len(name)} characters (at most {limit})"
    if not _NAME.fullmatch(name):
        return "it holds characters other than letters, digits, '-', '_' and '.', or does not start and end with a letter or digit"
    if ".." in name:
        return "it contains '..'"
    if _RESERVED.fullmatch(name):
        return "it is a name Windows reserves for a device"
    return None


def id_problem(value: str) -> str | None:
    """Why ``value`` is not a safe id (see :data:`ID_RULE`), or ``None`` when it is one.

    Examples
    --------
    >>> id_problem("us-trump-2017") is None
    True
    >>> id_problem("../../README")
    "it holds characters other than letters, digits, '-', '_' and '.', or does not start and end with a letter or digit"
    >>> id_problem("nul.txt")
    'it is a name Windows reserves for a device'
    """
    return _name_problem(value, MAX_ID_LENGTH)


def check_id(value: str, param: str, caller: str) -> str:
    """Return ``value`` if it is a safe id, else raise :class:`ParameterError`."""
    if not isinstance(value, str) or id_problem(value) is not None:
        raise ParameterError.invalid(param, caller, f"an id of {ID_RULE}", value)
    return value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write bytes to ``path`` atomically: a temporary file in the same folder, then rename.

    A reader never sees a half-written file, and an error leaves any old file intact. The
    file's permissions follow the user's umask (``0o666 & ~umask``), as for ``open()``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), 0o666 & ~_umask())
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically (see :func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def _resolved(paths: Iterable[str | Path]) -> frozenset[Path]:
    return frozenset(Path(p).resolve() for p in paths if p and not str(p).startswith("<"))


def guard_inputs(out: str | Path, inputs: Iterable[str | Path]) -> None:
    """Refuse to write an output over one of the input files (tables or codebook)."""
    if Path(out).resolve() in _resolved(inputs):
        raise ParameterError(
            f"The output file {str(out)!r} is one of the input files; securitization never "
            "overwrites an input. Choose another output path."
        )


class OutputFolder:
    """A folder the library writes into, and never out of.

    Parameters
    ----------
    path
        The folder (created on the first write). It may not be an existing file.
    protect
        Files that must never be written over: the run's input tables and codebook.

    Examples
    --------
    >>> import tempfile
    >>> folder = OutputFolder(tempfile.mkdtemp())
    >>> folder.path("reports", "us-trump-2017.md").name
    'us-trump-2017.md'
    >>> folder.path("../README.md")
    Traceback (most recent call last):
    ...
    securitization.errors.ParameterError: The file name '../README.md' of an output must be ...
    """

    def __init__(self, path: str | Path, *, protect: Iterable[str | Path] = ()) -> None:
        if not isinstance(path, str | Path) or not str(path):
            raise ParameterError.invalid("out", "OutputFolder", "a folder path", path)
        self.root = Path(path)
        if self.root.exists() and not self.root.is_dir():
            raise ParameterError(
                f"The output folder {str(path)!r} is an existing file, not a folder. Choose a folder "
                "(it is created if it does not exist)."
            )
        self._base = self.root.resolve()
        self.protected = _resolved(protect)

    def path(self, *parts: str) -> Path:
        """The path of ``parts`` (sub-folder and file names) inside the folder, checked.

        Every part must be a safe name (see :data:`ID_RULE`; file names may be longer and
        carry a suffix); the resolved path must stay inside the folder and must not be an
        input of the run.
        """
        for part in parts:
            problem = _name_problem(part, MAX_NAME_LENGTH)
            if problem is not None:
                raise ParameterError(
                    f"The file name {'/'.join(map(str, parts))!r} of an output must be made of safe names "
                    f"({ID_RULE.replace(str(MAX_ID_LENGTH), str(MAX_NAME_LENGTH))}), but {problem}."
                )
        target = self.root.joinpath(*parts)
        resolved = target.resolve()
        if not resolved.is_relative_to(self._base):
            raise ParameterError(
                f"The output {str(target)!r} resolves to {str(resolved)!r}, outside the output folder "
                f"{str(self.root)!r} (a symbolic link?); securitization writes only inside it."
            )
        if resolved in self.protected:
            raise ParameterError(
                f"The output file {str(target)!r} is one of the input files of this run; securitization "
                "never overwrites an input. Choose another output folder."
            )
        return target

    def write_text(self, *parts: str, text: str) -> Path:
        """Write UTF-8 text atomically to a checked path (see :meth:`path`)."""
        return atomic_write_text(self.path(*parts), text)

    def write_bytes(self, *parts: str, data: bytes) -> Path:
        """Write bytes atomically to a checked path (see :meth:`path`)."""
        return atomic_write_bytes(self.path(*parts), data)

    def __repr__(self) -> str:
        return f"OutputFolder({str(self.root)!r})"
