"""Shared paths and fixtures: the repository paths, the template plans, a copy of the small
good data set, a seeded rng, the Agg backend, figure clean-up.

Test files import the paths directly (pytest puts tests/ on sys.path: there is no
``tests/__init__.py`` and the default ``prepend`` import mode)::

    from conftest import PLANS_DIR, ROOT
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import matplotlib
import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"
PLANS_DIR = ROOT / "templates" / "plans"
#: The data of docs/worked_example.md: Lin Yue (E0101) and two teammates.
WORKED_EXAMPLE_DIR = ROOT / "data" / "worked_example"
#: The small, valid data set of the loading and validation tests (six people, six months).
GOOD_DIR = ROOT / "tests" / "data" / "good"


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator, so every randomised test is repeatable."""
    return np.random.default_rng(20261127)


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def sample_dir() -> Path:
    return SAMPLE_DIR


@pytest.fixture
def plans_dir() -> Path:
    return PLANS_DIR


@pytest.fixture(scope="session")
def _template_plans() -> dict:
    from perfkit.plans import load_plans

    return load_plans(PLANS_DIR)


@pytest.fixture
def plans(_template_plans: dict) -> dict:
    """The plans of templates/plans by role (a fresh dict; the Plan models are frozen)."""
    return dict(_template_plans)


@pytest.fixture
def good(tmp_path: Path) -> Path:
    """A copy of the small, valid data set in tests/data/good (six people, six months)."""
    return Path(shutil.copytree(GOOD_DIR, tmp_path / "data"))


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test opened."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


# -- editing the CSV files of a copied data set, by the row numbers a user sees ---------------


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write_lines(path: Path, rows: list[str]) -> None:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def set_line(path: Path, row: int, text: str) -> None:
    """Replace the CSV line the user sees as ``row`` (the header is row 1)."""
    rows = lines(path)
    rows[row - 1] = text
    write_lines(path, rows)


def append(path: Path, *texts: str) -> int:
    """Append lines; returns the row number of the first one."""
    rows = lines(path)
    first = len(rows) + 1
    write_lines(path, rows + list(texts))
    return first


def one(messages: list[str], *parts: str) -> str:
    """The single message holding every part."""
    hits = [m for m in messages if all(p in m for p in parts)]
    assert len(hits) == 1, f"expected one message with {parts}, got {hits} in {messages}"
    return hits[0]
