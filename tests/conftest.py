"""Shared fixtures: the repository paths, a seeded rng, the Agg backend, figure clean-up."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"
PLANS_DIR = ROOT / "templates" / "plans"


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


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test opened."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
