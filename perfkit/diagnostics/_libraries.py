"""The statistics libraries the plan-health checks fit with, imported without side effects.

Importing ``rddensity`` turns every ``FutureWarning`` off for the whole process (it imports
``sympy`` and ``plotnine``, and one of them files a global filter), and ``statsmodels`` adds
filters of its own. The checks import them from here, so the process's warning filters stay
as they were: a report kernel that worked out the batch's findings shows the same warnings in
its later reports as one that did not. A report batch's fork server imports this module once
(:data:`perfkit.reports._WORKER_MODULES`), so no kernel pays for these imports.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():  # restores the filters the imports file
    from rddensity import rddensity
    from statsmodels.regression.mixed_linear_model import MixedLM

__all__ = ["MixedLM", "rddensity"]
