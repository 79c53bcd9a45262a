"""Small samples: ratio metrics on small denominators, shrunk by empirical Bayes.

A click-through rate of 3 clicks on 50 impressions (6%) says little; with everyone's rates
as the prior (a beta distribution fitted to the role's counts by maximum marginal
likelihood of the beta-binomial), the person's rate is shrunk towards the role's:
``(a + x) / (a + b + n)``. Large denominators barely move; small ones move a lot. The
estimator is :mod:`perfkit.ebayes`, the one the engine scores with when a plan asks for it
(``measure: {agg: ratio, shrink: true}``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ebayes import BetaPrior, fit_beta_prior, shrink
from ..periods import parse_period
from ..scoring import curve_score
from ._context import RoleData
from ._core import Candidate

#: A rate is flagged when its binomial standard error is at least this share of the target
#: (the denominator is too small to measure it) and shrinking it moves the metric's score by
#: at least SCORE_CHANGE.
NOISE_SHARE = 0.10
SCORE_CHANGE = 0.10

__all__ = ["BetaPrior", "fit_beta_prior", "shrink", "shrunk_ratios", "small_samples"]


def _score(rate: np.ndarray, target: np.ndarray, metric, plan) -> np.ndarray:
    """The metric's score of a rate against each person's target (sections 3-4 of engine.md)."""
    points, step = plan.curve_points(metric)
    ratio = rate * metric.measure.scale / target
    ach = np.maximum(ratio if metric.direction == "higher" else 2 - ratio, 0.0)
    return curve_score(ach, points, step=step)


def _is_count(values: np.ndarray) -> bool:
    v = values[np.isfinite(values)]
    return len(v) > 0 and bool(np.all(v >= 0)) and bool(np.allclose(v, np.round(v)))


def shrunk_ratios(data: RoleData) -> pd.DataFrame:
    """Raw and shrunk values of the role's count ratios in the period, side by side.

    A ratio metric (``agg: ratio``) whose numerator and denominator are both counts with the
    numerator at most the denominator (clicks of impressions, conversions of clicks) is a
    rate; each person's period sums give ``x`` of ``n``.

    Returns
    -------
    DataFrame
        ``employee_id, metric, successes, trials, raw, shrunk, prior_a, prior_b,
        raw_score, shrunk_score, standard_error, target``: the standard error is the
        binomial one of the rate on its denominator, the target that of the rate.
    """
    cols = ["employee_id", "metric", "successes", "trials", "raw", "shrunk", "prior_a",
            "prior_b", "raw_score", "shrunk_score", "standard_error", "target"]  # fmt: skip
    if data.dataset is None:
        return pd.DataFrame(columns=cols)
    plan = data.plan
    months = parse_period(data.label).months
    people = data.current["employee_id"].unique()
    frames = []
    for m in plan.metrics:
        if m.measure.agg != "ratio" or m.measure.denominator is None:
            continue
        num = data.monthly(people, m.measure.source, months)
        den = data.monthly(people, m.measure.denominator, months)
        both = ~np.isnan(num) & ~np.isnan(den)  # months holding both parts (engine.md)
        keep = both.any(axis=1)
        x = np.where(both, num, 0.0).sum(axis=1)[keep]
        n = np.where(both, den, 0.0).sum(axis=1)[keep]
        index = pd.Index(people[keep], name="employee_id")
        if len(x) < 5 or not (_is_count(x) and _is_count(n)) or np.any(x > n) or np.any(n <= 0):
            continue
        prior = fit_beta_prior(x, n)
        raw = x / n
        shrunk = shrink(x, n, prior=prior)
        target = (
            data.scores[(data.scores["metric"] == m.key) & (data.scores["period"] == data.label)]
            .set_index("employee_id")["target"]
            .reindex(index)
            .fillna(m.target)
            .to_numpy(dtype=float)
        )

        frames.append(
            pd.DataFrame(
                {
                    "employee_id": index.to_numpy(),
                    "metric": m.key,
                    "successes": x,
                    "trials": n,
                    "raw": raw,
                    "shrunk": shrunk,
                    "prior_a": prior.a,
                    "prior_b": prior.b,
                    "raw_score": _score(raw, target, m, plan),
                    "shrunk_score": _score(shrunk, target, m, plan),
                    "standard_error": np.sqrt(shrunk * (1 - shrunk) / n),
                    "target": target / m.measure.scale,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


def small_samples(data: RoleData) -> list[Candidate]:
    """Rates on denominators too small to measure them, where shrinking moves the score."""
    table = shrunk_ratios(data)
    out = []
    for metric, g in table.groupby("metric"):
        change = (g["raw_score"] - g["shrunk_score"]).abs()
        noisy = g["standard_error"] >= NOISE_SHARE * g["target"]
        hit = g[(change >= SCORE_CHANGE).to_numpy() & noisy.to_numpy()]
        if hit.empty:
            continue
        out.append(
            Candidate(
                kind="small_sample",
                severity="medium" if len(hit) >= 3 else "low",
                subject={"role": data.plan.role, "employees": sorted(hit["employee_id"].tolist())},
                evidence={
                    "metric": metric,
                    "people": len(hit),
                    "smallest_denominator": float(hit["trials"].min()),
                    "median_denominator": float(g["trials"].median()),
                    "max_score_change": float(change.max()),
                    "prior_a": float(g["prior_a"].iloc[0]),
                    "prior_b": float(g["prior_b"].iloc[0]),
                    "period": data.label,
                },
                fix_args={
                    "n": len(hit),
                    "metric": metric,
                    "smallest": float(hit["trials"].min()),
                    "change": float(change.max()),
                },  # fmt: skip
            )
        )
    return out
