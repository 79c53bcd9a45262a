"""Manager leniency: each rater's effect on ratings beyond what people's measured results imply.

The model, over every rating row of the history (one row per person, period and rater)::

    rating = intercept + role slope x quantitative result + rater + person + noise

with the quantitative result the composite of the person's quantitative metrics in the
period (their weights re-normalised), centred within the role. It is fitted as a mixed
model (:class:`statsmodels.regression.mixed_linear_model.MixedLM`) with the person as a
random intercept, so that a rater of a few strong (or weak) people is not taken for a
lenient (or harsh) one and ratings of the same person are not counted as independent, and
the raters as fixed effects in sum-to-zero coding: each rater's effect is its distance from
the average rater, in rating points, with its standard error and Wald test.

Raters with few ratings are then shrunk by empirical Bayes (the two-stage equivalent of
raters as random effects): the spread of true rater effects ``tau^2`` is estimated from the
effects and their standard errors (DerSimonian-Laird), and each effect becomes
``tau^2 / (tau^2 + se^2)`` times itself, with the posterior interval. A rater is flagged when
the Wald test holds after the correction and the shrunk effect is large enough.

The intercept is common to all roles: a person with the role's average results should get
the same rating whichever role and rater they have (the rating scale is the same, 3 meets
expectations). With role intercepts instead, the two raters of a role would always come out
as mirror images (+0.4 and -0.4), since each role has its own raters.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from ._core import Candidate

#: A rater is flagged from this many rating points away from the average rater.
EFFECT_RELEVANT, EFFECT_HIGH = 0.25, 0.5
#: Raters needed for a reference (with two, neither can be told to be the odd one out).
MIN_RATERS = 3
MIN_RATINGS = 5


def quantitative_results(scores: pd.DataFrame) -> pd.DataFrame:
    """Each person-period's composite over quantitative metrics only (weights re-normalised).

    Returns ``employee_id, period, role, quant``.
    """
    s = scores[(scores["kind"] == "quantitative") & scores["score"].notna()]
    s = s.assign(ws=s["score"] * s["weight"])
    g = s.groupby(["employee_id", "period", "role"], observed=True)
    out = (g["ws"].sum() / g["weight"].sum()).rename("quant").reset_index()
    return out[np.isfinite(out["quant"])]


def rating_rows(dataset, scores: pd.DataFrame, plans: dict) -> pd.DataFrame:
    """Rating rows joined with the rated person's role, period and quantitative result.

    Only ratings of the person's own plan's qualitative metric, in an evaluated period
    (a rating whose period label is one of the evaluated periods).
    """
    quant = quantitative_results(scores)
    r = dataset.ratings
    if r is None or len(r) == 0 or quant.empty:
        return pd.DataFrame(
            columns=["employee_id", "period", "role", "quant", "rating", "rater_id"]
        )
    source = pd.DataFrame(
        [
            (role, m.measure.source)
            for role, p in plans.items()
            for m in p.metrics
            if m.measure.agg == "rating"
        ],
        columns=["role", "metric"],
    )
    rows = r[["employee_id", "period", "metric", "rating", "rater_id"]].merge(
        quant, on=["employee_id", "period"], how="inner"
    )
    rows = rows.merge(source, on=["role", "metric"], how="inner")
    rows = rows.dropna(subset=["rating", "rater_id", "quant"])
    rows = rows[rows["rater_id"].astype(str).str.strip() != ""]
    rows = rows.assign(quant=rows["quant"] - rows.groupby("role")["quant"].transform("mean"))
    return rows.reset_index(drop=True)


def shrink_effects(effect: np.ndarray, se: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Empirical-Bayes shrinkage of effects with standard errors towards 0.

    ``tau^2`` by DerSimonian-Laird: ``max(0, (Q - (k - 1)) / (sum w - sum w^2 / sum w))``
    with ``w = 1 / se^2`` and ``Q = sum w (effect - weighted mean)^2``; then each effect is
    multiplied by ``B = tau^2 / (tau^2 + se^2)`` and its posterior sd is ``sqrt(B) se``.

    Returns
    -------
    shrunk, posterior_sd : ndarray
    tau : float
    """
    d = np.asarray(effect, dtype=float)
    s2 = np.asarray(se, dtype=float) ** 2
    w = 1.0 / s2
    mean = (w * d).sum() / w.sum()
    q = (w * (d - mean) ** 2).sum()
    tau2 = max(0.0, (q - (len(d) - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    factor = tau2 / (tau2 + s2)
    return factor * d, np.sqrt(factor * s2), float(np.sqrt(tau2))


def rater_effects(rows: pd.DataFrame) -> pd.DataFrame:
    """Fit the model and return one row per rater.

    Parameters
    ----------
    rows : DataFrame
        ``employee_id, role, quant, rating, rater_id`` (one row per rating).

    Returns
    -------
    DataFrame
        ``rater_id, ratings, people, roles, raw_effect, se, p_value, effect, ci_low,
        ci_high, rater_sd``: the rater's effect from the mixed model (distance from the
        average rater, in rating points) with its standard error and two-sided Wald
        p-value; the shrunk effect with its 95% posterior interval; and the estimated
        spread of true rater effects. Empty when fewer than ``MIN_RATERS`` raters rated.
    """
    from ._libraries import MixedLM

    cols = ["rater_id", "ratings", "people", "roles", "raw_effect", "se", "p_value", "effect",
            "ci_low", "ci_high", "rater_sd"]  # fmt: skip
    counts = rows["rater_id"].value_counts()
    rows = rows[rows["rater_id"].isin(counts.index[counts >= MIN_RATINGS])]
    if rows["rater_id"].nunique() < MIN_RATERS or rows["rating"].nunique() < 2:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame(
        {
            "rating": rows["rating"].to_numpy(dtype=float),
            "quant": rows["quant"].to_numpy(dtype=float),
            "rater": rows["rater_id"].astype(str).to_numpy(),
            "person": rows["employee_id"].astype(str).to_numpy(),
            "role": rows["role"].astype(str).to_numpy(),
        }
    )
    labels = sorted(frame["rater"].unique())
    roles = sorted(frame["role"].unique())
    k = len(labels)
    rater = pd.Categorical(frame["rater"], categories=labels).codes
    role = pd.Categorical(frame["role"], categories=roles).codes
    # design built by hand (ids never go through a formula): intercept, one slope per role,
    # raters in sum-to-zero coding (the first k - 1 have columns; the last is minus their sum)
    slopes = np.zeros((len(frame), len(roles)))
    slopes[np.arange(len(frame)), role] = frame["quant"].to_numpy()
    contrast = np.vstack([np.eye(k - 1), -np.ones((1, k - 1))])
    exog = np.column_stack([np.ones(len(frame)), slopes, contrast[rater]])
    model = MixedLM(frame["rating"].to_numpy(), exog, groups=frame["person"].to_numpy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = model.fit(reml=True)
        except np.linalg.LinAlgError:  # a gradient step hit a singular point: derivative-free
            fit = model.fit(reml=True, method="powell")
    cols_r = slice(1 + len(roles), 1 + len(roles) + k - 1)
    beta = np.asarray(fit.fe_params)[cols_r]
    cov = np.asarray(fit.cov_params())[cols_r, cols_r]
    raw = contrast @ beta
    se = np.sqrt(np.clip(np.diag(contrast @ cov @ contrast.T), 1e-12, None))
    shrunk, post_sd, tau = shrink_effects(raw, se)
    g = frame.groupby("rater")
    out = pd.DataFrame(
        {
            "rater_id": labels,
            "ratings": g.size().reindex(labels).to_numpy(),
            "people": g["person"].nunique().reindex(labels).to_numpy(),
            "roles": [sorted(x) for x in g["role"].unique().reindex(labels)],
            "raw_effect": raw,
            "se": se,
            "p_value": 2 * stats.norm.sf(np.abs(raw / se)),
            "effect": shrunk,
            "ci_low": shrunk - 1.96 * post_sd,
            "ci_high": shrunk + 1.96 * post_sd,
            "rater_sd": tau,
        }
    )
    return out.reset_index(drop=True)


def leniency(effects: pd.DataFrame) -> list[Candidate]:
    """Lenient and harsh raters from :func:`rater_effects` (department family)."""
    out = []
    for row in effects.itertuples(index=False):  # one row per rater, a dozen at most
        kind = "lenient_rater" if row.effect > 0 else "harsh_rater"
        roles = list(row.roles)
        subject = {"role": roles[0], "rater": row.rater_id} if len(roles) == 1 else {
            "roles": roles, "rater": row.rater_id
        }  # fmt: skip
        out.append(
            Candidate(
                kind=kind,
                severity="high" if abs(row.effect) >= EFFECT_HIGH else "medium",
                subject=subject,
                evidence={
                    "test": "MixedLM (person random, raters sum-to-zero), Wald; EB shrinkage",
                    "effect_points": row.effect,
                    "ci_low": row.ci_low,
                    "ci_high": row.ci_high,
                    "raw_effect_points": row.raw_effect,
                    "se": row.se,
                    "ratings": int(row.ratings),
                    "people": int(row.people),
                    "rater_sd": row.rater_sd,
                },
                fix_args={
                    "rater": row.rater_id,
                    "effect": row.effect,
                    "low": row.ci_low,
                    "high": row.ci_high,
                },  # fmt: skip
                p_value=float(row.p_value),
                relevant=abs(row.effect) >= EFFECT_RELEVANT,
                family="department",
            )
        )
    return out
