"""The version of the package (one place; the package face and every manifest read it)."""

__version__ = "0.1.0"
