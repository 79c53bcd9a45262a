"""The classic failures of the plan itself: vague goals, one metric dominating, stale
feedback, and pay that sets colleagues against each other (no team part, unequal payouts)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._context import RoleData
from ._core import Candidate, gini, gini_rows

#: Weight on ratings alone (or on metrics without a measurable definition) that is flagged.
VAGUE_MEDIUM, VAGUE_HIGH = 0.30, 0.50
#: Share of the composite's variance one metric carries: flagged when the bootstrap lower
#: bound of the share is above these ("most of it", "nearly all of it").
DOMINANT_MEDIUM, DOMINANT_HIGH = 0.50, 0.70
DOMINANT_BOOT = 400
#: A person is out of feedback after this many periods without a rating or a composite.
STALE_PERIODS = 2
#: Gini of payout shares in a team (members with at least this many people), tested
#: against random teams of the same size drawn from the role.
GINI_MEDIUM, GINI_HIGH, GINI_MIN_TEAM = 0.40, 0.60, 4
GINI_DRAWS = 1999


def vague_goals(data: RoleData) -> list[Candidate]:
    """Weight carried by ratings alone, by metrics without a definition, or unmeasured.

    Three views: the plan's weight on qualitative metrics (ratings); the weight on metrics
    without a ``description`` (nobody can recompute them); and, in the data, the share of
    weight that could not be measured in the period (its metric had no value for the person),
    averaged over people.
    """
    plan = data.plan
    out = []
    rated = sum(m.weight for m in plan.metrics if m.kind == "qualitative")
    undefined = sum(m.weight for m in plan.metrics if not m.description.strip())
    s = data.scores[data.scores["period"] == data.label]
    unmeasured = 0.0
    if len(s):
        w = s["metric"].map({m.key: m.weight for m in plan.metrics}).to_numpy(dtype=float)
        missing = s["score"].isna().to_numpy()
        per = pd.Series(w * missing).groupby(s["employee_id"].to_numpy()).sum()
        unmeasured = float(per.mean())
    views = [
        (rated, "ratings alone", "仅凭主管评分", "ratings_weight"),
        (undefined, "metrics without a written definition", "没有书面定义的指标", "undefined_weight"),
        (unmeasured, "metrics that could not be measured this period", "本期无法衡量的指标",
         "unmeasured_weight"),
    ]  # fmt: skip
    for share, what, what_zh, name in views:
        if share >= VAGUE_MEDIUM - 1e-9:
            out.append(
                Candidate(
                    kind="vague_goals",
                    severity="high" if share >= VAGUE_HIGH - 1e-9 else "medium",
                    subject={"role": plan.role},
                    evidence={name: share, "threshold": VAGUE_MEDIUM, "period": data.label},
                    fix_args={"share": share, "what": what, "what_zh": what_zh},
                )
            )
    return out


def variance_shares(weighted: np.ndarray) -> np.ndarray:
    """Each metric's share of the variance of the composite across people.

    ``share_i = cov(w_i s_i, C) / var(C)`` with ``C = sum_i w_i s_i``; the shares add up to
    1 (a metric that moves against the others has a negative share).

    Parameters
    ----------
    weighted : ndarray, (people, metrics)
        Weighted scores (0 for an unscored metric).
    """
    x = np.asarray(weighted, dtype=float)
    c = x.sum(axis=-1)
    xc = x - x.mean(axis=-2, keepdims=True)
    cc = c - c.mean(axis=-1, keepdims=True)
    var = (cc * cc).sum(axis=-1)
    cov = (xc * cc[..., None]).sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return cov / var[..., None]


def dominant_metric(data: RoleData, *, seed: int = 0) -> list[Candidate]:
    """One metric carrying most of the variance of the composite (with a bootstrap interval).

    Also flags a plan in which one metric's weight alone is at least half.
    """
    plan = data.plan
    out = []
    for m in plan.metrics:
        if m.weight >= DOMINANT_MEDIUM - 1e-9:
            out.append(
                Candidate(
                    kind="dominant_metric",
                    severity="high" if m.weight >= DOMINANT_HIGH - 1e-9 else "medium",
                    subject={"role": plan.role},
                    evidence={"metric": m.key, "weight": m.weight, "threshold": DOMINANT_MEDIUM},
                    fix_args={"metric": m.key, "share": m.weight},
                )
            )
    s = data.scores[data.scores["period"] == data.label]
    if s.empty:
        return out
    wide = s.pivot_table(
        index="employee_id", columns="metric", values="weighted_score", aggfunc="sum"
    ).reindex(columns=plan.metric_keys)
    wide = wide[wide.notna().any(axis=1)].fillna(0.0)
    if len(wide) < 10:
        return out
    x = wide.to_numpy()
    shares = variance_shares(x)
    rng = np.random.default_rng(seed)
    boot = variance_shares(x[rng.integers(0, len(x), (DOMINANT_BOOT, len(x)))])
    low, high = np.nanpercentile(boot, [2.5, 97.5], axis=0)
    i = int(np.nanargmax(shares))
    if low[i] >= DOMINANT_MEDIUM:
        out.append(
            Candidate(
                kind="dominant_metric",
                severity="high" if low[i] >= DOMINANT_HIGH else "medium",
                subject={"role": plan.role},
                evidence={
                    "metric": plan.metric_keys[i],
                    "variance_share": shares[i],
                    "ci_low": low[i],
                    "ci_high": high[i],
                    "people": len(x),
                    "threshold": DOMINANT_MEDIUM,
                    "period": data.label,
                },
                fix_args={"metric": plan.metric_keys[i], "share": shares[i]},
            )
        )
    return out


def stale_feedback(data: RoleData) -> list[Candidate]:
    """People without a rating, or without an evaluated period, for ``STALE_PERIODS`` or more.

    Read from the evaluation: the qualitative metrics' ``actual`` (NaN when nobody rated the
    person in the period) and the composite, over the last ``STALE_PERIODS`` periods in which
    the person was evaluated. Only people present in every one of those periods count.
    """
    plan = data.plan
    last = data.periods[-STALE_PERIODS:]
    if len(last) < STALE_PERIODS:
        return []
    r = data.results[data.results["period"].isin(last)]
    present = r.groupby("employee_id")["period"].nunique()
    people = present.index[present == len(last)]
    if len(people) == 0:
        return []
    r = r[r["employee_id"].isin(people)]
    unevaluated = r["composite"].isna().groupby(r["employee_id"]).all()
    qual = [m.key for m in plan.metrics if m.kind == "qualitative"]
    s = data.scores[data.scores["period"].isin(last) & data.scores["employee_id"].isin(people)]
    s = s[s["metric"].isin(qual)]
    if qual and len(s):
        unrated = s["actual"].isna().groupby(s["employee_id"]).all()
    else:
        unrated = pd.Series(False, index=people)
    stale = unevaluated.reindex(people, fill_value=False) | unrated.reindex(
        people, fill_value=False
    )
    ids = sorted(stale.index[stale.to_numpy()].tolist())
    if not ids:
        return []
    share = len(ids) / len(people)
    return [
        Candidate(
            kind="stale_feedback",
            severity="high" if share >= 0.25 else "medium" if share >= 0.10 else "low",
            subject={"role": plan.role, "employees": ids},
            evidence={
                "people": len(ids),
                "share_of_role": share,
                "periods_without": len(last),
                "unrated": int(unrated.reindex(ids, fill_value=False).sum()),
                "unevaluated": int(unevaluated.reindex(ids, fill_value=False).sum()),
            },
            fix_args={"n": len(ids), "periods": len(last)},
        )
    ]


def team_pay(data: RoleData, *, seed: int = 0) -> list[Candidate]:
    """No team component in the pay, and very unequal payouts within a team (Gini).

    A team's Gini of payout shares is compared with the Gini of random teams of the same
    size drawn from the whole role (one-sided: is it more unequal than chance makes a
    team?), so a small team with one failed gate is not taken for a divided one.
    """
    plan = data.plan
    cur = data.current
    out = []
    sizes = cur.groupby("team")["employee_id"].nunique()
    in_teams = int(sizes[sizes >= 3].sum())
    if plan.payout.team_share <= 0 and in_teams:
        out.append(
            Candidate(
                kind="no_team_component",
                severity="medium",
                subject={"role": plan.role},
                evidence={"team_share": plan.payout.team_share, "people_in_teams": in_teams},
                fix_args={"members": in_teams},
            )
        )
    paid = cur.dropna(subset=["payout_pct"])
    pool = paid["payout_pct"].to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    for team, g in paid.groupby("team"):
        if len(g) < GINI_MIN_TEAM or len(g) >= len(pool):
            continue
        x = g["payout_pct"].to_numpy(dtype=float)
        g_value = gini(x)
        # the same number of people drawn at random from the whole role: is this team more
        # unequal than a team put together by chance?
        pick = rng.random((GINI_DRAWS, len(pool))).argsort(axis=1)[:, : len(x)]
        null = gini_rows(pool[pick])
        p = (1 + int((null >= g_value - 1e-12).sum())) / (1 + GINI_DRAWS)
        top = np.sort(x)[::-1][: max(1, len(x) // 5)].sum() / max(x.sum(), 1e-12)
        out.append(
            Candidate(
                kind="unequal_payouts",
                severity="high" if g_value >= GINI_HIGH else "medium",
                subject={"role": plan.role, "team": str(team)},
                evidence={
                    "test": "Gini against random teams of the same size from the role",
                    "gini": g_value,
                    "random_team_gini": float(np.median(null)),
                    "members": len(x),
                    "top_fifth_share": float(top),
                    "threshold": GINI_MEDIUM,
                    "period": data.label,
                },
                fix_args={"team": str(team), "gini": g_value},
                p_value=p,
                relevant=g_value >= GINI_MEDIUM,
                family=plan.role,
            )
        )
    return out
