"""Fairness: composite, band and payout distributions across roles, teams, managers, tenure."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ._context import RoleData
from ._core import Candidate, epsilon_squared

#: Kruskal-Wallis: groups need this many people; an effect matters from epsilon squared 0.06
#: (a "moderate" effect) and is high from 0.26 (a "large" one).
MIN_GROUP = 3
EFFECT_RELEVANT, EFFECT_HIGH = 0.06, 0.26
#: Bands against the guideline: Cohen's w from 0.3 ("medium") matters, medium severity from 0.5.
W_RELEVANT, W_MEDIUM = 0.3, 0.5
SIMULATIONS = 9999

_BY_ZH = {"team": "团队", "manager": "主管", "tenure": "司龄段", "role": "岗位"}
_MEASURE = {
    "composite": ("composite score", "综合得分"),
    "payout_pct": ("payout share", "奖金比例"),
    "individual_pct": ("individual payout share", "个人部分奖金比例"),
}
#: Differences between roles or tenure bands reflect how each plan is calibrated and how
#: experience pays; they are worth a look, never an alarm: at most medium.
_CAPPED = {"role", "tenure"}


def kruskal(values: np.ndarray, groups: np.ndarray) -> dict[str, Any] | None:
    """Kruskal-Wallis H over groups of at least ``MIN_GROUP``, with epsilon squared.

    Returns None when fewer than two groups are large enough.
    """
    v = pd.Series(np.asarray(values, dtype=float))
    g = pd.Series(np.asarray(groups, dtype=object))
    ok = v.notna().to_numpy() & g.notna().to_numpy()
    v, g = v[ok], g[ok]
    sizes = g.value_counts()
    big = sizes.index[sizes >= MIN_GROUP]
    keep = g.isin(big).to_numpy()
    v, g = v[keep], g[keep]
    if len(big) < 2 or v.nunique() < 2:
        return None
    samples = [v[(g == k).to_numpy()].to_numpy() for k in sorted(big)]
    h, p = stats.kruskal(*samples)
    n = int(len(v))
    medians = v.groupby(g.to_numpy()).median()
    return {
        "statistic": float(h),
        "p_value": float(p),
        "effect": epsilon_squared(float(h), n),
        "groups": len(big),
        "n": n,
        "highest_group": str(medians.idxmax()),
        "highest_median": float(medians.max()),
        "lowest_group": str(medians.idxmin()),
        "lowest_median": float(medians.min()),
    }


def _difference(
    test: dict[str, Any], *, measure: str, by: str, subject: dict, family: str, period: str
) -> Candidate:
    en, zh = _MEASURE[measure]
    effect = float(test["effect"])
    evidence: dict[str, Any] = {
        "test": "Kruskal-Wallis",
        "measure": measure,
        "by": by,
        "period": period,
    }
    evidence.update({k: v for k, v in test.items() if k != "p_value"})
    evidence["effect_name"] = "epsilon_squared"
    return Candidate(
        kind="group_difference",
        severity="high" if effect >= EFFECT_HIGH and by not in _CAPPED else "medium",
        subject=subject,
        evidence=evidence,
        fix_args={"measure": en, "measure_zh": zh, "by": by, "by_zh": _BY_ZH[by], "effect": effect},
        p_value=test["p_value"],
        relevant=effect >= EFFECT_RELEVANT,
        family=family,
    )


def band_test(
    counts: np.ndarray, guideline: np.ndarray, *, simulations: int = SIMULATIONS, seed: int = 0
) -> dict[str, float]:
    """Chi-square of band counts against guideline shares, p-value by simulation.

    With a few dozen people the expected count of the outer bands is about 1, too few for
    the chi-square distribution; the p-value is the share of ``simulations`` multinomial
    draws from the guideline whose statistic is at least the observed one (counting the
    observed), so it is valid at any size. The statistic equals
    :func:`scipy.stats.chisquare`'s.
    """
    counts = np.asarray(counts, dtype=float)
    share = np.asarray(guideline, dtype=float)
    share = share / share.sum()
    n = counts.sum()
    expected = n * share
    statistic = float(stats.chisquare(counts, expected).statistic)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(int(n), share, size=simulations)
    sim = ((draws - expected) ** 2 / expected).sum(axis=1)
    p = (1 + int((sim >= statistic - 1e-9).sum())) / (1 + simulations)
    return {"statistic": statistic, "p_value": p, "effect": float(np.sqrt(statistic / n)), "n": n}


def role_fairness(data: RoleData, *, seed: int = 0) -> list[Candidate]:
    """Composite and individual payout across teams, managers and tenure; bands against the
    guideline."""
    cur = data.current
    plan = data.plan
    out = []
    groupings = {"team": cur["team"].to_numpy(), "manager": cur["manager_id"].to_numpy()}
    if data.dataset is not None:
        groupings["tenure"] = data.tenure(cur["employee_id"]).to_numpy()
    same = pd.Series(groupings["team"]).groupby(groupings["manager"]).nunique().max()
    if pd.Series(groupings["manager"]).groupby(groupings["team"]).nunique().max() == 1 == same:
        groupings.pop("manager")  # one manager per team: the same test twice
    # pay is compared on its individual part: the team part is equal within a team by design,
    # so comparing it between teams would only restate that teams differ in results
    for measure in ("composite", "individual_pct"):
        for by, groups in groupings.items():
            if measure == "individual_pct" and by == "tenure":
                continue
            test = kruskal(cur[measure].to_numpy(), groups)
            if test is not None:
                out.append(
                    _difference(
                        test,
                        measure=measure,
                        by=by,
                        subject={"role": plan.role},
                        family=plan.role,
                        period=data.label,
                    )  # fmt: skip
                )
    rated = cur["rating"].dropna()
    if len(rated) >= 10:
        bands = [b.band for b in plan.rating_bands]
        counts = rated.value_counts().reindex(bands, fill_value=0).to_numpy()
        guide = np.array([b.guideline_share or 0.0 for b in plan.rating_bands])
        if guide.sum() > 0 and (guide > 0).all():
            test = band_test(counts, guide, seed=seed)
            top = counts[:2].sum() / counts.sum()
            out.append(
                Candidate(
                    kind="band_distribution",
                    severity="medium" if test["effect"] >= W_MEDIUM else "low",
                    subject={"role": plan.role},
                    evidence={
                        "test": "chi-square against the guideline (simulated p)",
                        "statistic": test["statistic"],
                        "effect": test["effect"],
                        "effect_name": "cohen_w",
                        "n": int(test["n"]),
                        "counts": dict(zip(bands, counts.tolist(), strict=True)),
                        "guideline": dict(zip(bands, guide.tolist(), strict=True)),
                        "period": data.label,
                    },
                    fix_args={"effect": test["effect"], "top": top, "guide": guide[:2].sum()},
                    p_value=test["p_value"],
                    relevant=test["effect"] >= W_RELEVANT,
                    family=plan.role,
                )
            )
    return out


def across_roles(current: pd.DataFrame, *, label: str) -> list[Candidate]:
    """Composite and individual payout share across roles (the department family)."""
    out = []
    roles = sorted(current["role"].unique().tolist())
    for measure in ("composite", "individual_pct"):
        test = kruskal(current[measure].to_numpy(), current["role"].to_numpy())
        if test is not None:
            out.append(
                _difference(
                    test,
                    measure=measure,
                    by="role",
                    subject={"roles": roles},
                    family="department",
                    period=label,
                )  # fmt: skip
            )
    return out
