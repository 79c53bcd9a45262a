"""What-if on history: a changed plan side by side with the current one.

:func:`what_if` pays the history of each changed role twice through
:func:`perfkit.payout.pay` (the current plan and the changed one) and compares: the share at
or above target per role and team, the cost per role and in total, the rating bands
against the guideline, and each person's payout change (winners and losers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import PerfkitError
from ..payout import total_amount
from ..plans import Plan
from .history import History, _same_measures, at_target, changed_plan, history_periods

#: Changes smaller than this (in currency) count as no change.
CHANGE_EPSILON = 0.005


@dataclass(frozen=True, eq=False)
class WhatIf:
    """The outcome of :func:`what_if`.

    Attributes
    ----------
    by_role : pandas.DataFrame
        ``role, periods, headcount, share_at_target_current, share_at_target,
        cost_current, cost, cost_change, currency`` (cost summed over the periods) and a
        ``total`` row per currency.
    by_team : pandas.DataFrame
        ``role, team, headcount, share_at_target_current, share_at_target, cost_current,
        cost, cost_change``.
    bands : pandas.DataFrame
        ``role, band, guideline_share, count_current, count, share_current, share, shift``.
    changes : pandas.DataFrame
        Per person-period: ``employee_id, name, role, team, period, composite_current,
        composite, amount_current, amount, change``.
    distribution : pandas.DataFrame
        Per role: ``winners, losers, unchanged, mean, min, p05, p25, median, p75, p95, max``
        of the change.
    largest : pandas.DataFrame
        The largest changes (by size, either way), ``largest`` rows per role.
    periods : list of str
    """

    by_role: pd.DataFrame
    by_team: pd.DataFrame
    bands: pd.DataFrame
    changes: pd.DataFrame
    distribution: pd.DataFrame
    largest: pd.DataFrame
    periods: list[str]

    def describe(self) -> str:
        """One line per role in plain words."""
        lines = []
        for row in self.by_role.itertuples(index=False):  # a handful of roles
            if row.role == "total":
                continue
            d = self.distribution.set_index("role").loc[row.role]
            lines.append(
                f"{row.role} ({', '.join(self.periods)}): at or above target "
                f"{row.share_at_target_current:.1%} -> {row.share_at_target:.1%}; cost "
                f"{row.cost_current:,.2f} -> {row.cost:,.2f} {row.currency} "
                f"({row.cost_change:+,.2f}); {int(d.winners)} gain, {int(d.losers)} lose, "
                f"{int(d.unchanged)} unchanged"
            )
        return "\n".join(lines)


def _resolve(plan: Plan, change: Any) -> tuple[Plan, np.ndarray | None]:
    if isinstance(change, Plan):
        return change, None
    if isinstance(change, str | Path):
        from ..plans import load_plan

        return load_plan(change), None
    if isinstance(change, Mapping):
        return changed_plan(plan, change)
    raise PerfkitError(
        f"role {plan.role}: a change is a Plan, a plan file or a mapping of overrides, "
        f"got {type(change).__name__}"
    )


def _share(comp: np.ndarray, at: np.ndarray) -> float:
    has = ~np.isnan(comp)
    return float(at[has].mean()) if has.any() else float("nan")


def what_if(
    data: Any,
    plans: Mapping[str, Plan],
    *,
    changes: Mapping[str, Any],
    period: Any = "latest",
    history: int = 1,
    largest: int = 10,
) -> WhatIf:
    """Evaluate changed plans on history, side by side with the current plans.

    Parameters
    ----------
    data : Dataset
    plans : mapping of role to Plan
        The current plans.
    changes : mapping of role to change
        A changed :class:`Plan`, a plan file, or overrides for :func:`changed_plan` such
        as ``{"payout.curve.threshold": 0.85, "payout.team_share": 0.4,
        "metrics.leads.target": 500, "target_multiplier": 1.05}``.
    period : str, Period or list
        The last period of history (default the latest complete one), or a list.
    history : int
        Periods of history ending with ``period`` (default 1: just that period).
    largest : int
        How many of the largest changes to list per role.

    Returns
    -------
    WhatIf

    Raises
    ------
    PlanError
        If a role has no plan, an override names no field or makes an invalid plan.
    """
    if not changes:
        raise PerfkitError("no change given: pass changes={role: overrides or plan}")
    roles, teams, bands, people, dist, top = [], [], [], [], [], []
    labels: list[str] = []
    for role in sorted(changes):  # a handful of roles, never people
        if role not in plans:
            raise PerfkitError(
                f"role {role!r} has no plan; known roles: {', '.join(sorted(plans))}"
            )
        plan = plans[role]
        periods = history_periods(data, plan, period=period, count=history)
        labels = [p.label for p in periods]
        hist = History.from_data(data, plan, periods=periods)
        new_plan, mult = _resolve(plan, changes[role])
        if new_plan.role != role:
            raise PerfkitError(f"the changed plan for {role} is a plan for {new_plan.role}")
        base = hist.pay()
        if _same_measures(plan, new_plan):
            new = hist.pay(new_plan, mult)
        else:  # other metrics: their own values, same person-periods in the same order
            new = History.from_data(data, new_plan, periods=periods).pay(new_plan, mult)
        frame = hist.frame()
        frame["composite_current"] = base.scores.composite
        frame["composite"] = new.scores.composite
        frame["amount_current"] = base.amount
        frame["amount"] = new.amount
        frame["change"] = np.round(new.amount - base.amount, 2)
        frame["_at0"] = at_target(base.scores.composite, plan)
        frame["_at1"] = at_target(new.scores.composite, new_plan)
        people.append(frame)
        roles.append(
            {
                "role": role,
                "periods": len(periods),
                "headcount": hist.n,
                "share_at_target_current": _share(base.scores.composite, frame["_at0"].to_numpy()),
                "share_at_target": _share(new.scores.composite, frame["_at1"].to_numpy()),
                "cost_current": total_amount(base.amount),
                "cost": total_amount(new.amount),
                "currency": plan.currency,
            }
        )
        g = frame.assign(
            _h0=frame["composite_current"].notna(), _h1=frame["composite"].notna()
        ).groupby("team", sort=True, observed=True)
        t = pd.DataFrame(
            {
                "headcount": g.size(),
                "share_at_target_current": g["_at0"].sum() / g["_h0"].sum().clip(lower=1),
                "share_at_target": g["_at1"].sum() / g["_h1"].sum().clip(lower=1),
                "cost_current": g["amount_current"].sum().round(2),
                "cost": g["amount"].sum().round(2),
            }
        ).reset_index()
        t.insert(0, "role", role)
        teams.append(t)
        bands.append(_bands(role, plan, new_plan, base, new))
        ch = frame["change"].to_numpy()
        q = np.quantile(ch, [0.05, 0.25, 0.5, 0.75, 0.95])
        dist.append(
            {
                "role": role,
                "winners": int((ch > CHANGE_EPSILON).sum()),
                "losers": int((ch < -CHANGE_EPSILON).sum()),
                "unchanged": int((np.abs(ch) <= CHANGE_EPSILON).sum()),
                "mean": float(ch.mean()),
                "min": float(ch.min()),
                "p05": q[0],
                "p25": q[1],
                "median": q[2],
                "p75": q[3],
                "p95": q[4],
                "max": float(ch.max()),
            }  # fmt: skip
        )
        order = np.lexsort((frame["employee_id"].to_numpy(), -np.abs(ch)))[:largest]
        top.append(frame.iloc[order])
    by_role = pd.DataFrame(roles)
    by_role["cost_change"] = (by_role["cost"] - by_role["cost_current"]).round(2)
    totals = [
        {
            "role": "total",
            "periods": int(g["periods"].max()),
            "headcount": int(g["headcount"].sum()),
            "share_at_target_current": np.nan,
            "share_at_target": np.nan,
            "cost_current": round(float(g["cost_current"].sum()), 2),
            "cost": round(float(g["cost"].sum()), 2),
            "currency": cur,
            "cost_change": round(float(g["cost_change"].sum()), 2),
        }
        for cur, g in by_role.groupby("currency", sort=True)
    ]
    by_role = pd.concat([by_role, pd.DataFrame(totals)], ignore_index=True)
    cols = [c for c in people[0].columns if not c.startswith("_")]
    by_team = pd.concat(teams, ignore_index=True)
    by_team["cost_change"] = (by_team["cost"] - by_team["cost_current"]).round(2)
    return WhatIf(
        by_role=by_role,
        by_team=by_team,
        bands=pd.concat(bands, ignore_index=True),
        changes=pd.concat(people, ignore_index=True)[cols],
        distribution=pd.DataFrame(dist),
        largest=pd.concat(top, ignore_index=True)[cols],
        periods=labels,
    )


def _bands(role: str, plan: Plan, new_plan: Plan, base: Any, new: Any) -> pd.DataFrame:
    names = [b.band for b in plan.rating_bands]
    new_names = [b.band for b in new_plan.rating_bands]
    every = names + [b for b in new_names if b not in names]

    def counts(p: Any) -> np.ndarray:
        codes = np.asarray(p.band.codes)
        labels = np.asarray(p.band.labels, dtype=object)
        got = labels[codes[codes >= 0]]
        return np.array([(got == b).sum() for b in every], dtype=np.int64)

    c0, c1 = counts(base), counts(new)
    guide = {b.band: b.guideline_share for b in new_plan.rating_bands}
    s0 = c0 / max(int(c0.sum()), 1)
    s1 = c1 / max(int(c1.sum()), 1)
    return pd.DataFrame(
        {
            "role": role,
            "band": every,
            "guideline_share": [guide.get(b, np.nan) for b in every],
            "count_current": c0,
            "count": c1,
            "share_current": s0,
            "share": s1,
            "shift": s1 - s0,
            "gap_current": s0 - np.array([guide.get(b, np.nan) for b in every]),
            "gap": s1 - np.array([guide.get(b, np.nan) for b in every]),
        }
    )
