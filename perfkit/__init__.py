"""perfkit: KPI plans, scoring, incentive pay and reports for marketing teams.

The public API, importable from the package itself::

    import perfkit
    plans = perfkit.load_plans("templates/plans")
    data = perfkit.load_dataset("data/sample")
    ev = perfkit.evaluate(data, plans, "2026Q3")
    ev.results.head()

Names are imported on first use, so ``import perfkit`` stays quick for the command line.
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import DataError, PerfkitError, PeriodError, PlanError

__version__ = "0.1.0"

_LAZY = {
    "load_plans": "plans",
    "load_plan": "plans",
    "Plan": "plans",
    "load_dataset": "io",
    "Dataset": "io",
    "validate": "validation",
    "parse_period": "periods",
    "Period": "periods",
    "generate_sample": "sample",
    "evaluate": "evaluation",
    "evaluate_dir": "evaluation",
    "resolve_periods": "evaluation",
    "find_plans_dir": "plans",
    "role_plan": "plans",
    "pay": "payout",
    "init_project": "starter",
    "Evaluation": "evaluation",
    "run_reports": "reports",
}

__all__ = ["DataError", "PeriodError", "PerfkitError", "PlanError", "__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        attr = "generate" if name == "generate_sample" else name
        value = getattr(module, attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'perfkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
