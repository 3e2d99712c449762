"""The package's imports run only downhill: no cycle, no upward import, no hidden import.

The layers, from the bottom (a module may import only from its own layer or below; within
a layer there may be no cycle):

0. ``errors``, ``_version``
1. ``text``, ``files``, ``progress``, ``datasets``, ``export``, ``rules``
2. ``codebook``, ``periods``, ``countries``
3. ``reading``, ``tables``, ``records``, ``corpus`` (the inputs)
4. ``scoring``
5. ``uncertainty``
6. ``plot``, ``outputs``
7. ``cli``, ``__main__`` and the package face ``securitization/__init__.py``

No module imports the package face, and no import hides inside a function but one of an
optional dependency (its absence then raises MissingDependencyError with the install hint).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "securitization"
LAYERS: dict[str, int] = {
    "errors": 0,
    "_version": 0,
    "text": 1,
    "files": 1,
    "progress": 1,
    "datasets": 1,
    "export": 1,
    "rules": 1,
    "codebook": 2,
    "periods": 2,
    "countries": 2,
    "reading": 3,
    "tables": 3,
    "records": 3,
    "corpus": 3,
    "scoring": 4,
    "uncertainty": 5,
    "plot": 6,
    "outputs": 6,
    "cli": 7,
    "__main__": 7,
    "__init__": 7,
}
#: Packages a function may import (optional extras, loaded only when the feature is used).
OPTIONAL = {"openpyxl", "krippendorff", "duckdb", "ibis", "pyspark", "ahocorasick", "jupytext", "nbclient", "nbformat"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return LAYERS["__init__"]
    return LAYERS[parts[1]]


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> list[str]:
    """The modules of the package an ``from ... import ...`` statement loads."""
    if node.level:
        base = module.split(".")
        if not is_package:
            base = base[:-1]
        base = base[: len(base) - node.level + 1]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    if not target.startswith("securitization"):
        return []
    found = []
    for alias in node.names:
        sub = f"{target}.{alias.name}"
        found.append(sub if sub in MODULES else target)
    return found


def _imports(module: str, source: str | None = None) -> list[tuple[str, bool, str]]:
    """Every import of a module: (imported module or package, inside a function?, what)."""
    is_package = source is None and MODULES[module].name == "__init__.py"
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8") if source is None else source)
    out: list[tuple[str, bool, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                out.extend((a.name, inside, a.name) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                resolved = _resolve(module, child, is_package)
                if resolved:
                    out.extend((r, inside, r) for r in resolved)
                elif child.module and not child.level:
                    out.append((child.module, inside, child.module))
            visit(child, inside)

    visit(tree, False)
    return out


def test_the_layers_name_every_module() -> None:
    unknown = sorted({m.split(".")[1] for m in MODULES if "." in m} - set(LAYERS))
    assert not unknown, f"put these in a layer of tests/test_architecture.py: {unknown}"


def test_imports_only_run_downhill() -> None:
    upward = []
    for module in MODULES:
        for target, _, _ in _imports(module):
            if target.startswith("securitization") and target in MODULES and _layer(target) > _layer(module):
                upward.append(f"{module} (layer {_layer(module)}) imports {target} (layer {_layer(target)})")
    assert not upward, "\n".join(upward)


def test_no_module_imports_the_package_face() -> None:
    face = [
        module
        for module in MODULES
        if module not in ("securitization", "securitization.__main__")
        for target, _, _ in _imports(module)
        if target == "securitization"
    ]
    assert not face, face


def test_no_import_cycle() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for module in MODULES:
        for target, _, _ in _imports(module):
            if target in MODULES and target != module:
                graph[module].add(target)
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def dfs(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                dfs(nxt)
        stack.pop()
        state[node] = 2

    for m in sorted(MODULES):
        if m not in state:
            dfs(m)
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_no_import_hides_in_a_function_but_an_optional_one() -> None:
    hidden = [
        f"{module}: {what}"
        for module in MODULES
        for _, inside, what in _imports(module)
        if inside and what.split(".")[0] not in OPTIONAL
    ]
    assert not hidden, "\n".join(hidden)


def test_the_checks_see_an_upward_and_a_hidden_import() -> None:
    """The checks are not vacuous: a rule kernel importing the CLI, and pandas in a function."""
    found = _imports(
        "securitization.rules.items", "import numpy\nfrom ..cli import main\n\ndef f():\n    import pandas\n"
    )
    assert ("securitization.cli", False, "securitization.cli") in found
    assert _layer("securitization.cli") > _layer("securitization.rules.items")
    assert ("pandas", True, "pandas") in found
