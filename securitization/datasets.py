"""The bundled codebooks and coded cases, found wherever the package is installed.

In a wheel the top-level ``indicators/`` and ``data/`` folders are shipped inside the
package as ``securitization/_bundled/indicators`` and ``securitization/_bundled/data``; in
a source checkout (an editable install) they are read from the repository itself.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import ParameterError

__all__ = ["bundled_codebooks", "codebook_path", "data_dir", "example_case_dir", "indicators_dir"]


def _bundled(name: str, checkout_path: str | None = None) -> Path:
    packaged = Path(str(resources.files("securitization"))) / "_bundled" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / (checkout_path or name)
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"The bundled {name!r} folder is missing from this installation of securitization.")


def data_dir() -> Path:
    """The folder of the bundled coded cases (``cases.csv``, ``*/evidence*.csv``, ...)."""
    return _bundled("data")


def indicators_dir() -> Path:
    """The folder of the bundled codebooks (``*.toml``)."""
    return _bundled("indicators")


def example_case_dir() -> Path:
    """The folder of the worked example of a new case (Canada under Harper: six sourced items).

    Notebook 03 codes a new case from it; it is a worked example, not a coded case. In a
    wheel it ships as ``securitization/_bundled/example-case``; in a checkout it is
    ``notebooks/example-case``.

    Examples
    --------
    >>> sorted(p.name for p in example_case_dir().iterdir())
    ['README.md', 'evidence.csv']
    """
    return _bundled("example-case", "notebooks/example-case")


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
