"""Where the files that ship with perfkit are: the role plans, page templates and notebooks.

In an installed wheel they sit inside the package (``perfkit/_templates``,
``perfkit/_notebooks``, see ``pyproject.toml``); in a checkout of the repository (an
editable install included) they are the repository's own ``templates/`` and ``notebooks/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(inside: str, repository: str) -> Path:
    wheel = _PACKAGE / inside
    return wheel if wheel.is_dir() else _PACKAGE.parent / repository


def templates_dir() -> Path:
    """The folder of the templates that ship with perfkit (``plans/`` and page templates)."""
    return _shipped("_templates", "templates")


def notebooks_dir() -> Path:
    """The folder of the notebooks that ship with perfkit (``role_report.ipynb`` and others)."""
    return _shipped("_notebooks", "notebooks")
