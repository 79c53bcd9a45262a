"""Empirical Bayes for rates on small denominators: a beta prior fitted to a cohort's counts.

A click-through rate of 3 clicks on 50 impressions (6%) says little; with the cohort's rates
as the prior (``Beta(a, b)`` fitted by maximum marginal likelihood of the beta-binomial), a
person's rate is shrunk towards the cohort's: ``(a + x) / (a + b + n)``. Large denominators
barely move; small ones move a lot.

Two users, one estimator: the engine, for a ratio metric whose plan asks to score the
shrunk value (``measure: {agg: ratio, shrink: true}``, see :mod:`perfkit.metrics`), and the
small-sample check of :mod:`perfkit.diagnostics`, which shows raw and shrunk side by side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, special

#: The prior's strength (pseudo-trials) is capped here: with no spread beyond the binomial's
#: the maximum-likelihood strength grows without bound.
MAX_STRENGTH = 1e9


@dataclass(frozen=True)
class BetaPrior:
    """A beta prior ``Beta(a, b)``: mean ``a / (a + b)``, strength ``a + b`` (pseudo-trials)."""

    a: float
    b: float

    @property
    def mean(self) -> float:
        return self.a / (self.a + self.b)


def _loglik(z: np.ndarray, x: np.ndarray, n: np.ndarray) -> float:
    """Beta-binomial log-likelihood at ``z = (logit mean, log strength)``.

    The binomial coefficient is left out (constant in the prior). Mean and strength are
    nearly independent in the likelihood, so the optimiser converges where ``(log a,
    log b)`` would stop early on the long, flat ridge of equal means.
    """
    mean = special.expit(z[0])
    strength = np.exp(z[1])
    a, b = mean * strength, (1 - mean) * strength
    return float((special.betaln(x + a, n - x + b) - special.betaln(a, b)).sum())


def usable(successes: ArrayLike, trials: ArrayLike) -> np.ndarray:
    """Where a pair is a rate the prior can use: finite, ``trials > 0``, ``0 <= x <= n``."""
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.isfinite(x) & np.isfinite(n) & (n > 0) & (x >= 0) & (x <= n)


def fit_beta_prior(successes: ArrayLike, trials: ArrayLike) -> BetaPrior:
    """Fit ``Beta(a, b)`` to counts by maximum marginal (beta-binomial) likelihood.

    Parameters
    ----------
    successes, trials : array-like
        Per person: e.g. clicks and impressions. Pairs that are not a rate (see
        :func:`usable`) are left out of the fit.

    Returns
    -------
    BetaPrior
        Started from the method of moments; the strength is capped at :data:`MAX_STRENGTH`.

    Raises
    ------
    ValueError
        With fewer than two usable pairs.
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    ok = usable(x, n)
    x, n = x[ok], n[ok]
    if len(x) < 2:
        raise ValueError("fit_beta_prior needs counts of at least two people")
    p = x / n
    m = float(np.clip(x.sum() / n.sum(), 1e-6, 1 - 1e-6))
    v = float(p.var())
    binomial = float((m * (1 - m) / n).mean())
    strength = m * (1 - m) / (v - binomial) - 1 if v > binomial else 1e6
    strength = float(np.clip(strength, 1e-3, MAX_STRENGTH))
    start = np.array([special.logit(m), math.log(strength)])
    # Nelder-Mead: the terms of the likelihood are large and nearly cancel, so finite-
    # difference gradients are noise on the flat ridge; the simplex needs none
    lo, hi = np.array([-20.0, math.log(1e-3)]), np.array([20.0, math.log(MAX_STRENGTH)])
    res = optimize.minimize(
        lambda z: -_loglik(np.clip(z, lo, hi), x, n), start, method="Nelder-Mead",
        options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000},
    )  # fmt: skip
    res.x = np.clip(res.x, lo, hi)
    mean, size = float(special.expit(res.x[0])), float(np.exp(res.x[1]))
    a, b = mean * size, (1 - mean) * size
    return BetaPrior(float(a), float(b))


def shrink(
    successes: ArrayLike, trials: ArrayLike, *, prior: BetaPrior | None = None
) -> np.ndarray:
    """Posterior mean rates ``(a + x) / (a + b + n)``; the prior is fitted when not given."""
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    prior = prior or fit_beta_prior(x, n)
    return (prior.a + x) / (prior.a + prior.b + n)


__all__ = ["MAX_STRENGTH", "BetaPrior", "fit_beta_prior", "shrink", "usable"]
