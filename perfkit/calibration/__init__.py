"""Calibrating incentive plans: what-if on history, Monte Carlo cost and attainment, a solver.

The public API::

    from perfkit.calibration import Calibrator, what_if

    cal = Calibrator.from_dir("data/sample", role="online_promotion", draws=2000, seed=7)
    cal.evaluate({"threshold": 0.8, "target_multiplier.leads": 1.1})  # a Scenario
    rec = cal.solve("target", target_share=0.6)  # a Recommendation
    print(rec.describe())

Everything pays through :func:`perfkit.payout.pay`, the one money path. The method, the
bootstrap and its limits are in ``docs/calibration.md``. Charts (seaborn) are in
:mod:`perfkit.calibration.charts`, imported on first use.
"""

from __future__ import annotations

from typing import Any

from .calibrator import DRAWS, LEVEL, Calibrator, Grid, Scenario, Sweep
from .history import ALIASES, MULTIPLIER, History, changed_plan, history_periods
from .montecarlo import Draws, DrawStats, make_draws
from .solver import STATISTICS, Recommendation, solve
from .whatif import WhatIf, what_if

__all__ = [
    "ALIASES",
    "DRAWS",
    "LEVEL",
    "MULTIPLIER",
    "STATISTICS",
    "Calibrator",
    "DrawStats",
    "Draws",
    "Grid",
    "History",
    "Recommendation",
    "Scenario",
    "Sweep",
    "WhatIf",
    "changed_plan",
    "history_periods",
    "make_draws",
    "sensitivity_heatmap",
    "sensitivity_heatmaps",
    "solve",
    "what_if",
]


def __getattr__(name: str) -> Any:
    if name in ("sensitivity_heatmap", "sensitivity_heatmaps"):
        from . import charts

        return getattr(charts, name)
    raise AttributeError(f"module 'perfkit.calibration' has no attribute {name!r}")
