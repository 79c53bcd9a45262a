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
    "_resources": 2, "_yaml": 2, "_forkkernel": 2, "frames": 2, "fsutil": 2, "fonts": 2, "ebayes": 2,
    "periods": 3, "mapping": 3,
    "plans": 4, "convert": 4, "backends": 4,
    "readers": 5,
    "io": 6,
    "validation": 7, "sample": 7,
    "metrics": 8, "starter": 8, "events": 8,
    "scoring": 9,
    "payout": 10,
    "evaluation": 11, "wording": 11,
    "summary": 12, "calibration": 12, "diagnostics": 12,
    "plotting": 13, "pacing": 13, "recognition": 13, "audit": 13, "explorer": 13,
    "display": 14, "export": 14, "scorecards": 14,
    "reports": 15, "statements": 15,
    "cli": 16,
    "__init__": 17,
}  # fmt: skip


def _modules() -> list[str]:
    """Top-level modules and subpackages (a subpackage counts as one module)."""
    files = [p.stem for p in PACKAGE.glob("*.py")]
    packages = [p.parent.name for p in PACKAGE.glob("*/__init__.py")]
    return sorted(files + packages)


def _imports(name: str) -> set[str]:
    """The perfkit modules one module (or subpackage) imports, at any depth of its code."""
    if (PACKAGE / name).is_dir():
        found: set[str] = set()
        for path in (PACKAGE / name).rglob("*.py"):
            depth = len(path.relative_to(PACKAGE / name).parts)  # 1 for package/x.py
            found |= _imports_in(path.read_text(encoding="utf-8"), depth=depth)
        return found - {name}
    return _imports_in((PACKAGE / f"{name}.py").read_text(encoding="utf-8")) - {name}


def _imports_in(source: str, *, depth: int = 0) -> set[str]:
    """Top-level perfkit modules imported by source at ``depth`` folders below the package.

    A relative import reaching the package (``from .x`` at the top, ``from ..x`` in a
    subpackage) names a top-level module; a shallower one stays inside the subpackage.
    """
    tree = ast.parse(source)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == depth + 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:  # from . import plotting (not from . import __version__: the package)
                found.update(a.name for a in node.names if not a.name.startswith("__"))
        elif isinstance(node, ast.ImportFrom) and node.level > depth + 1:
            raise AssertionError(f"import beyond the package: level {node.level}")
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").startswith("perfkit.")
        ):
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


def test_the_checker_reads_subpackages():
    inner = "from .data import x\nfrom ..reports import run\nfrom .. import display\n"
    assert _imports_in(inner, depth=1) == {"reports", "display"}  # .data is the package's own
