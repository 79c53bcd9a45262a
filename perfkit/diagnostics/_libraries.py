"""The statistics libraries the plan-health checks fit with, imported without side effects.

Importing ``rddensity`` turns every ``FutureWarning`` off for the whole process (it imports
``sympy`` and ``plotnine``, and one of them files a global filter), and ``statsmodels`` adds
filters of its own. The checks import them from here, so the filters of the process that
runs them (a user's notebook, the report batch, a report kernel that works out its own
findings) stay as they were: its later warnings show as before.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():  # restores the filters the imports file
    from rddensity import rddensity
    from statsmodels.regression.mixed_linear_model import MixedLM

__all__ = ["MixedLM", "rddensity"]
