"""The module map of docs/architecture.md holds: nothing imports a module above it in the flow.

Every perfkit module has a layer; a module may import modules of lower layers only (the
stdlib and third-party packages are not checked). Imports inside functions count too, so a
lazy import cannot hide an upward dependency.
"""

from __future__ import annotations

import ast

import pytest
from conftest import ROOT

PACKAGE = ROOT / "perfkit"

#: The layer of each module, lowest first: the table of docs/architecture.md.
LAYERS: dict[str, int] = {
    "errors": 0,
    "schema": 1,
    "_resources": 2, "_yaml": 2, "frames": 2, "fsutil": 2, "fonts": 2,
    "periods": 3, "mapping": 3,
    "plans": 4, "convert": 4,
    "readers": 5,
    "io": 6,
    "validation": 7, "sample": 7,
    "metrics": 8, "starter": 8,
    "scoring": 9,
    "payout": 10,
    "evaluation": 11,
    "summary": 12,
    "plotting": 13,
    "display": 14, "export": 14,
    "reports": 15,
    "cli": 16,
    "__init__": 17,
}  # fmt: skip


def _modules() -> list[str]:
    return sorted(p.stem for p in PACKAGE.glob("*.py"))


def _imports(name: str) -> set[str]:
    """The perfkit modules one module imports, at any depth of its code."""
    return _imports_in((PACKAGE / f"{name}.py").read_text(encoding="utf-8")) - {name}


def _imports_in(source: str) -> set[str]:
    tree = ast.parse(source)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:  # from . import plotting (not from . import __version__: the package)
                found.update(a.name for a in node.names if not a.name.startswith("__"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("perfkit."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("perfkit."))
    return found


def test_every_module_has_a_layer_and_is_in_the_doc():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [m for m in _modules() if m not in LAYERS]
    assert not missing, f"give {missing} a layer here and a row in docs/architecture.md"
    undocumented = [m for m in _modules() if m != "__init__" and f"`{m}`" not in doc]
    assert not undocumented, f"docs/architecture.md does not name {undocumented}"


@pytest.mark.parametrize("name", _modules())
def test_no_module_imports_one_above_it(name):
    upward = sorted(m for m in _imports(name) if LAYERS.get(m, 99) >= LAYERS[name])
    assert not upward, f"perfkit.{name} (layer {LAYERS[name]}) imports {upward}"


def test_the_checker_sees_lazy_and_package_imports():
    # an upward import inside a function is caught, however it is spelled
    source = (
        "def f():\n    from .reports import x\n    from . import display, plotting\n"
        "    import perfkit.cli\n    from perfkit.export import y\n"
    )
    assert _imports_in(source) == {"reports", "display", "plotting", "cli", "export"}
