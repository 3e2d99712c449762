"""The bundled codebooks and coded cases, found wherever the package is installed.

In a wheel the top-level ``indicators/`` and ``data/`` folders are shipped inside the
package as ``securitization/_bundled/indicators`` and ``securitization/_bundled/data``; in
a source checkout (an editable install) they are read from the repository itself.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import ParameterError

__all__ = ["bundled_codebooks", "codebook_path", "data_dir", "indicators_dir"]


def _bundled(name: str) -> Path:
    packaged = Path(str(resources.files("securitization"))) / "_bundled" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"The bundled {name!r} folder is missing from this installation of securitization.")


def data_dir() -> Path:
    """The folder of the bundled coded cases (``cases.csv``, ``*/evidence*.csv``, ...)."""
    return _bundled("data")


def indicators_dir() -> Path:
    """The folder of the bundled codebooks (``*.toml``)."""
    return _bundled("indicators")


def bundled_codebooks() -> tuple[str, ...]:
    """The names of the bundled codebooks (file names without ``.toml``)."""
    return tuple(sorted(p.stem for p in indicators_dir().glob("*.toml")))


def codebook_path(name: str) -> Path:
    """The path of a bundled codebook by name (raises on an unknown name)."""
    names = bundled_codebooks()
    if name not in names:
        raise ParameterError.invalid(
            "codebook", "load_codebook", f"a .toml path or one of the bundled codebooks {list(names)}", name
        )
    return indicators_dir() / f"{name}.toml"
