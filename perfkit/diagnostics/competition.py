"""Harmful internal competition: team members whose results move against each other."""

from __future__ import annotations

import numpy as np
from scipy import stats

from ._context import RoleData, full_months
from ._core import Candidate

#: Months of history read (ending with the diagnosed period).
MONTHS = 24
#: Members and months needed for the test.
MIN_MEMBERS, MIN_MONTHS = 4, 12
PERMUTATIONS = 999
#: Relevant only when each member moves against the rest of the team at least this much.
REST_CORRELATION = -0.2


def mean_pairwise_correlation(x: np.ndarray) -> np.ndarray:
    """Mean correlation over all pairs of rows of ``x`` (..., members, months).

    With each row standardised (mean 0, population sd 1) to ``z``, the sum of all pairwise
    correlations is ``(sum_t (sum_i z_it)^2 / T - n) / 2``, so the mean is that over
    ``n (n - 1) / 2`` pairs; leading axes are kept (for permutations).
    """
    z = x - x.mean(axis=-1, keepdims=True)
    sd = z.std(axis=-1, keepdims=True)
    z = z / np.where(sd > 0, sd, 1.0)
    n, t = x.shape[-2], x.shape[-1]
    total = (z.sum(axis=-2) ** 2).sum(axis=-1) / t
    return (total - n) / (n * (n - 1))


def variance_ratio(x: np.ndarray) -> np.ndarray:
    """Variance of the team total over the sum of the members' variances, (..., members, months).

    About 1 when members move independently, above 1 when they move together, near 0 when
    they split a fixed total (one's gain is another's loss): ``1 + (n - 1)`` times the
    variance-weighted mean pairwise correlation.
    """
    total = x.sum(axis=-2).var(axis=-1)
    parts = x.var(axis=-1).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / parts


def rest_correlations(x: np.ndarray) -> np.ndarray:
    """Each member's correlation with the sum of the other members, (members,)."""
    rest = x.sum(axis=0, keepdims=True) - x
    xc = x - x.mean(axis=1, keepdims=True)
    rc = rest - rest.mean(axis=1, keepdims=True)
    den = np.sqrt((xc**2).sum(axis=1) * (rc**2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (xc * rc).sum(axis=1) / den


def permutation_p(x: np.ndarray, *, permutations: int, seed: int) -> tuple[float, float, float]:
    """One-sided p-value that members move against each other, and the variance ratio.

    The null is independence between members: each member's months are shuffled on their
    own (which keeps every member's own values) and the :func:`variance_ratio` is
    recomputed. The ratio is a ratio of quadratic forms, skewed to the right and never below
    0, so its null is approximated by a gamma distribution with the shuffles' mean and
    variance (Satterthwaite's moment match for quadratic forms); the p-value is its lower
    tail at the observed ratio, which resolves p-values far below ``1 / permutations``.
    Common movements (seasonality, a quarter-end lift) make members move together, which
    only makes the test more conservative.

    Returns
    -------
    p, variance_ratio, permutation_p : float
        The permutation count ``(1 + #{VR_perm <= VR_obs}) / (1 + permutations)`` is given
        for reference.
    """
    observed = float(variance_ratio(x))
    rng = np.random.default_rng(seed)
    shuffled = rng.permuted(np.broadcast_to(x, (permutations, *x.shape)), axis=-1)
    null = variance_ratio(shuffled)
    count = (1 + int((null <= observed + 1e-12).sum())) / (1 + permutations)
    mean, var = float(null.mean()), float(null.var(ddof=1))
    if var <= 0 or mean <= 0:
        return 1.0, observed, count
    p = float(stats.gamma.cdf(observed, a=mean * mean / var, scale=var / mean))
    return p, observed, count


def zero_sum_teams(data: RoleData, *, seed: int = 0) -> list[Candidate]:
    """Within-team negative correlation of members' monthly results, per summed metric."""
    if data.dataset is None:
        return []
    plan = data.plan
    months = [m for m in data.dataset.months if m <= data.period.months[-1]][-MONTHS:]
    if len(months) < MIN_MONTHS:
        return []
    cur = data.current
    out = []
    sources = sorted({m.measure.source for m in plan.metrics if m.measure.agg == "sum"})
    for team, g in cur.groupby("team"):
        ids = g["employee_id"].unique()
        full = full_months(data.dataset, ids, months).all(axis=1)
        ids = ids[full]
        if len(ids) < MIN_MEMBERS:
            continue
        for source in sources:
            x = data.monthly(ids, source, months)
            keep = ~np.isnan(x).any(axis=1) & (np.nan_to_num(x).std(axis=1) > 0)
            x, members = x[keep], ids[keep]
            if len(members) < MIN_MEMBERS:
                continue
            p, vr, p_count = permutation_p(x, permutations=PERMUTATIONS, seed=seed)
            r = float(mean_pairwise_correlation(x))
            rest = rest_correlations(x)
            mean_rest = float(np.nanmean(rest))
            out.append(
                Candidate(
                    kind="zero_sum_team",
                    severity="high" if mean_rest <= -0.5 else "medium",
                    subject={"role": plan.role, "team": str(team)},
                    evidence={
                        "metric": source,
                        "test": "variance ratio vs months shuffled per member (gamma tail)",
                        "variance_ratio": vr,
                        "independent_variance_ratio": 1.0,
                        "mean_pairwise_r": r,
                        "member_vs_rest_r": mean_rest,
                        "members": len(members),
                        "months": len(months),
                        "permutations": PERMUTATIONS,
                        "permutation_count_p": p_count,
                    },
                    fix_args={"team": str(team), "metric": source, "rest": mean_rest},
                    p_value=p,
                    relevant=bool(vr < 1 and mean_rest <= REST_CORRELATION),
                    family=plan.role,
                )
            )
    return out
