"""Plan health: the classic failures of performance management, found in plans and data.

:func:`diagnose` runs every check on a data set for one period and returns
:class:`Finding` objects, each with a ``kind``, a ``severity`` (``high``, ``medium`` or
``low``), its ``subject`` (a role, team, rater or list of employee ids), its ``evidence`` in
numbers and a ``fix`` in English and Chinese. :func:`plan_health` gives one role's findings
as a table (the role report's section), :func:`most_severe` the one an index page flags.

The checks (``docs/diagnostics.md`` gives each method, threshold and reason):

- :mod:`.structure`: vague goals, one metric dominating, stale feedback, no team component,
  unequal payouts within a team;
- :mod:`.competition`: team members whose results move against each other;
- :mod:`.fairness`: composite and payout across roles, teams, managers and tenure
  (Kruskal-Wallis with epsilon squared), bands against the plan's guideline;
- :mod:`.leniency`: each rater's effect on ratings beyond measured results (MixedLM);
- :mod:`.gaming`: bunching above a threshold (rddensity), end-of-period spikes, slowing
  down after the cap;
- :mod:`.shrinkage`: ratio metrics on small denominators, shrunk by empirical Bayes.

Every test is corrected for multiple comparisons (Holm within a role's family and the
department's, Bonferroni across families), so that with nothing wrong the chance that a run
says anything is at most ``alpha`` (5%); a finding also needs an effect large enough to
matter.
"""

from __future__ import annotations

from ._core import ALPHA, FIXES, SEVERITIES, Finding, gini, most_severe
from .run import (
    KIND_LABELS,
    diagnose,
    findings_document,
    findings_frame,
    findings_json,
    findings_text,
    for_role,
    plan_health,
    ratio_table,
    read_findings,
)
from .shrinkage import BetaPrior, fit_beta_prior, shrink, shrunk_ratios

__all__ = [
    "ALPHA",
    "FIXES",
    "KIND_LABELS",
    "SEVERITIES",
    "BetaPrior",
    "Finding",
    "diagnose",
    "findings_document",
    "findings_frame",
    "findings_json",
    "findings_text",
    "fit_beta_prior",
    "for_role",
    "gini",
    "most_severe",
    "plan_health",
    "ratio_table",
    "read_findings",
    "shrink",
    "shrunk_ratios",
]
