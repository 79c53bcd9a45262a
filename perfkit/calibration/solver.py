"""The solver: the value of one parameter that meets a share-at-target or a budget goal.

A monotone search in three steps, each on the one money path:

1. **Grid.** :meth:`Calibrator.sweep` scores ``candidates`` values (50 by default) on the
   history and every draw.
2. **Bracket and bisect.** Between the two neighbouring values where the goal is crossed
   (nearest the current value when it is crossed more than once), bisection on the history
   (share goal) or on the draws (budget goal) finds where it changes, then the answer is
   the coarsest round number on the right side of it (0.96 rather than 0.958713).
3. **Interval.** The same crossing in each stage-1 draw (share, expected cost), or where
   the Monte Carlo bounds of the P90 cross the budget, gives the answer's interval.

A request no value in the range can meet is refused with a :class:`PerfkitError` saying
what the range can give.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import PerfkitError
from .history import parameter_path, parameter_words
from .montecarlo import percentile_interval, quantile_bounds

#: Cost statistics a budget may bind.
STATISTICS = ("expected", "p50", "p90", "p95")


@dataclass(frozen=True, eq=False)
class Recommendation:
    """The solver's answer.

    Attributes
    ----------
    role, parameter : str
        The role and the plan path (or multiplier) solved for.
    goal : {"share", "budget"}
    current_value, recommended_value : float
    interval : tuple of float
        The answer's interval (``level``): the values the goal would call for across the
        draws. ``interval_note`` says when it reaches the edge of the range searched.
    target_share : float or None
    tolerance : float or None
        For a share goal: the recommended value's share on the history is within this of
        ``target_share`` (half the step of the share where it crosses the target: one
        person-period's worth when people cross one at a time).
    budget : float or None
    statistic : str
        The cost statistic a budget binds (``p90`` by default).
    scenario : Scenario
        The plan at the recommended value (share with interval, costs, bands, changes).
    current : Scenario
        The current plan.
    sweep : Sweep
        The grid of values the search rests on.
    """

    role: str
    parameter: str
    goal: str
    current_value: float
    recommended_value: float
    interval: tuple[float, float]
    interval_note: str
    target_share: float | None
    tolerance: float | None
    budget: float | None
    statistic: str
    scenario: Any
    current: Any
    sweep: Any
    changes: dict[str, Any] = field(default_factory=dict)
    periods: tuple[str, ...] = ()

    @property
    def share_at_target(self) -> float:
        """Share reaching target on the history at the recommended value."""
        return self.scenario.share_at_target

    def to_dict(self) -> dict[str, Any]:
        """The answer as plain numbers (the ``perfkit calibrate --format json`` object)."""
        s = self.scenario
        return {
            "role": self.role,
            "parameter": self.parameter,
            "goal": self.goal,
            "current_value": self.current_value,
            "recommended_value": self.recommended_value,
            "interval": [float(self.interval[0]), float(self.interval[1])],
            "interval_note": self.interval_note,
            "level": s.level,
            "target_share": self.target_share,
            "tolerance": self.tolerance,
            "share_at_target": s.share_at_target,
            "share_interval": list(s.share_interval),
            "share_at_target_current": self.current.share_at_target,
            "cost_expected": s.cost_expected,
            "cost_interval": list(s.cost_interval),
            "cost_p50": s.cost_p50,
            "cost_p90": s.cost_p90,
            "cost_p95": s.cost_p95,
            "cost_expected_current": self.current.cost_expected,
            "cost_p90_current": self.current.cost_p90,
            "budget": self.budget,
            "statistic": self.statistic,
            "prob_over_budget": s.prob_over_budget,
            "currency": s.currency,
            "headcount": s.headcount,
            "periods": list(self.periods),
            "draws": s.draws,
            "seed": s.seed,
            "message": self.describe(),
        }

    def describe(self) -> str:
        """The recommendation in plain words."""
        s, c = self.scenario, self.scenario.currency
        what = parameter_words(self.parameter)
        lo, hi = self.interval
        slo, shi = s.share_interval
        level = f"{s.level:.0%}"
        if self.goal == "share":
            head = (
                f"Set the {what} to {_num(self.recommended_value)} (now "
                f"{_num(self.current_value)}) for about {self.target_share:.0%} of {self.role} "
                f"to reach target: on the history {s.share_at_target:.1%} do (now "
                f"{self.current.share_at_target:.1%}; within {self.tolerance:.1%} of the "
                f"request), {level} interval {slo:.1%} to {shi:.1%}."
            )
        else:
            head = (
                f"Set the {what} to {_num(self.recommended_value)} (now "
                f"{_num(self.current_value)}) to keep the {self.statistic} cost of a period "
                f"within {self.budget:,.0f} {c}."
            )
        text = (
            f"{head} The value the goal calls for lies between {_num(lo)} and {_num(hi)} "
            f"({level} interval{self.interval_note}). At {_num(self.recommended_value)} a "
            f"period of {s.headcount} people costs {s.cost_expected:,.0f} {c} expected "
            f"(now {self.current.cost_expected:,.0f}), {s.cost_p90:,.0f} {c} at P90 (now "
            f"{self.current.cost_p90:,.0f}); {s.share_at_target:.1%} reach target."
        )
        if s.budget is not None:
            text += (
                f" Chance of passing the budget of {s.budget:,.0f} {c}: {s.prob_over_budget:.1%}."
            )
        return text + f" ({s.draws:,} draws, seed {s.seed}.)"


def _num(v: float) -> str:
    return f"{v:.4g}" if abs(v) < 10 else f"{v:,.0f}"


def _nice(lo: float, hi: float, side: str, check: Any) -> float:
    """The coarsest round number in ``(lo, hi]`` (side 'high') or ``[lo, hi)`` for which
    ``check(value)`` holds; the bisection end itself when none does."""
    for dec in range(1, 9):
        f = 10.0**dec
        v = math.ceil(lo * f) / f if side == "high" else math.floor(hi * f) / f
        v = round(v, dec)
        if lo <= v <= hi and check(v):
            return v
    return hi if side == "high" else lo


def _crossings(f: np.ndarray, goal: float) -> np.ndarray:
    """Indices j where ``f[j]`` and ``f[j + 1]`` lie on both sides of ``goal`` (or touch it)."""
    d = f - goal
    return np.flatnonzero((d[:-1] * d[1:] <= 0) & ~(np.isnan(d[:-1]) | np.isnan(d[1:])))


def _draw_crossing(values: np.ndarray, f: np.ndarray, goal: float, near: float) -> np.ndarray:
    """Per draw (rows of ``f``, columns = values), the interpolated value where ``f`` crosses
    ``goal``, at the crossing nearest ``near``; -inf/+inf when a draw never crosses it."""
    d = f - goal
    cross = (d[:, :-1] * d[:, 1:] <= 0) & (d[:, :-1] != d[:, 1:])
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.clip(d[:, :-1] / (d[:, :-1] - d[:, 1:]), 0.0, 1.0)
    x = values[:-1][None, :] + frac * np.diff(values)[None, :]
    dist = np.where(cross, np.abs(x - near), np.inf)
    j = np.argmin(dist, axis=1)
    rows = np.arange(f.shape[0])
    out = x[rows, j]
    none = ~cross.any(axis=1)
    # never crossed: beyond the end of the range where the goal lies
    rising = np.nanmean(f[:, -1] - f[:, 0]) >= 0
    above = np.nanmean(f, axis=1) > goal  # the whole range gives more than the goal
    beyond_high = above != rising  # rising and below the goal: the answer is above the range
    out[none] = np.where(beyond_high[none], np.inf, -np.inf)
    return out


def _interval(x: np.ndarray, level: float, values: np.ndarray) -> tuple[tuple[float, float], str]:
    x = np.clip(np.asarray(x, dtype=np.float64), values[0] - 1.0, values[-1] + 1.0)
    lo, hi = percentile_interval(x, level) if level < 1 else (np.nanmin(x), np.nanmax(x))
    note = ""
    if not np.isfinite(lo) or not np.isfinite(hi) or lo < values[0] or hi > values[-1]:
        note = (
            f"; it reaches the edge of the range searched, {_num(values[0])} to {_num(values[-1])}"
        )
    lo = float(np.clip(lo, values[0], values[-1]))
    hi = float(np.clip(hi, values[0], values[-1]))
    return (lo, hi), note


def solve(
    cal: Any,
    parameter: str | None = None,
    *,
    target_share: float | None = None,
    budget: float | None = None,
    statistic: str = "p90",
    low: float | None = None,
    high: float | None = None,
    candidates: int = 50,
    base: dict[str, Any] | None = None,
) -> Recommendation:
    """Find the value of ``parameter`` that gives ``target_share`` or keeps cost in ``budget``.

    Parameters
    ----------
    cal : Calibrator
    parameter : str, optional
        A plan path, a short name or a target multiplier. Default: ``target`` (the
        on-target composite, ``payout.curve.target``) for a share goal, ``threshold`` for a
        budget.
    target_share : float, optional
        The share of person-periods that should reach target (0 to 1).
    budget : float, optional
        A period budget in the plan's currency. With ``target_share`` too, the share is
        solved for and the chance of passing the budget reported.
    statistic : {"p90", "expected", "p50", "p95"}
        The cost a budget binds.
    low, high, candidates
        The range searched and the number of grid values (:meth:`Calibrator.candidates`).
    base : dict, optional
        Other changes held fixed.

    Returns
    -------
    Recommendation

    Raises
    ------
    PerfkitError
        When no goal is given, the parameter does not move the goal, or no value in the
        range can meet it (e.g. 100% at target when some composites cannot reach the
        lowest target the plan allows).
    """
    if target_share is None and budget is None:
        raise PerfkitError("say what to solve for: a target share (0.6) or a budget")
    if statistic not in STATISTICS:
        raise PerfkitError(f"statistic {statistic!r}: choose one of {', '.join(STATISTICS)}")
    goal = "share" if target_share is not None else "budget"
    if target_share is not None and not 0 <= float(target_share) <= 1:
        raise PerfkitError(f"the target share is a share of people, 0 to 1; got {target_share}")
    if budget is not None and not float(budget) > 0:
        raise PerfkitError(f"the budget must be above 0, got {budget}")
    path = parameter_path(parameter or ("target" if goal == "share" else "threshold"))
    words = parameter_words(path)
    base = dict(base or {})
    sweep = cal.sweep(
        path, low=low, high=high, count=candidates, budget=budget, base=base,
        intervals=goal == "budget" and statistic == "expected",
    )  # fmt: skip
    values, table = sweep.values, sweep.table
    cur = cal.current_value(path)
    level = cal.level
    periods = tuple(p.label for p in cal.history.periods)

    def scenario(v: float) -> Any:
        return cal.evaluate({**base, path: float(v)}, budget=budget)

    if goal == "share":
        assert target_share is not None
        t = float(target_share)
        s = table["share_at_target"].to_numpy()
        if np.nanmax(s) - np.nanmin(s) < 1e-12:
            raise PerfkitError(
                f"the {words} does not change who reaches target: the share at target "
                f"(composite >= {cal.plan.payout.curve.target:g}) stays {s[0]:.1%} from "
                f"{_num(values[0])} to {_num(values[-1])}. Move it with target (the on-target "
                "composite) or target_multiplier, or tune this parameter against a --budget"
            )
        if not (np.nanmin(s) - 1e-12 <= t <= np.nanmax(s) + 1e-12):
            raise PerfkitError(
                f"no {words} from {_num(values[0])} to {_num(values[-1])} gives "
                f"{t:.1%} reaching target: the share ranges from {np.nanmin(s):.1%} to "
                f"{np.nanmax(s):.1%} there (composites that cannot reach the lowest target "
                "the plan allows stay below it); ask for a share in that range or widen it "
                "with --low/--high"
            )

        seen: dict[float, float] = {}

        def share_at(v: float) -> float:
            if v not in seen:
                seen[v] = cal.evaluate_share({**base, path: float(v)})
            return seen[v]

        j = _nearest(_crossings(s, t), values, cur)
        a, b = float(values[j]), float(values[j + 1])
        fa = share_at(a)
        # bisection to the jump of the (step) share where it passes t
        for _ in range(40):
            if b - a <= 1e-7 * max(1.0, abs(a)):
                break
            m = (a + b) / 2
            if (share_at(m) - t) * (fa - t) > 0:
                a, fa = m, share_at(m)
            else:
                b = m
        sa, sb = share_at(a), share_at(b)
        side = (
            "low"
            if abs(sa - t) < abs(sb - t) or (abs(sa - t) == abs(sb - t) and sa >= t)
            else "high"
        )
        best = sa if side == "low" else sb
        span_lo, span_hi = float(values[j]), float(values[j + 1])
        lo_end, hi_end = (span_lo, a) if side == "low" else (b, span_hi)
        rec = _nice(lo_end, hi_end, side, lambda v: abs(share_at(v) - best) < 1e-12)
        tolerance = max(abs(sb - sa) / 2, abs(best - t))
        x = _draw_crossing(values, sweep.stats.share, t, rec)
        interval, note = _interval(x, level, values)
    else:
        assert budget is not None
        bud = float(budget)
        f = _statistic(sweep.stats, statistic)
        if np.nanmax(f) <= bud:
            raise PerfkitError(
                f"every {words} from {_num(values[0])} to {_num(values[-1])} keeps the "
                f"{statistic} cost within {bud:,.0f} {cal.currency} (at most {np.nanmax(f):,.0f}): "
                "the budget does not bind there; widen the range with --low/--high"
            )
        if np.nanmin(f) > bud:
            k = int(np.nanargmin(f))
            raise PerfkitError(
                f"no {words} from {_num(values[0])} to {_num(values[-1])} keeps the "
                f"{statistic} cost within {bud:,.0f} {cal.currency}: the lowest is "
                f"{f[k]:,.0f} at {_num(values[k])}; raise the budget or widen the range"
            )

        def stat_at(v: float) -> float:
            sw = cal.sweep(path, [v], base=base, intervals=statistic == "expected")
            return float(_statistic(sw.stats, statistic)[0])

        j = _nearest(_crossings(f, bud), values, cur)
        a, b = float(values[j]), float(values[j + 1])
        ok_a = f[j] <= bud
        for _ in range(30):
            if b - a <= 1e-6 * max(1.0, abs(a)):
                break
            m = (a + b) / 2
            if (stat_at(m) <= bud) == ok_a:
                a = m
            else:
                b = m
        side = "low" if ok_a else "high"  # the side of the boundary within the budget
        span_lo, span_hi = float(values[j]), float(values[j + 1])
        lo_end, hi_end = (span_lo, a) if side == "low" else (b, span_hi)
        rec = _nice(lo_end, hi_end, side, lambda v: stat_at(v) <= bud)
        tolerance = None
        if statistic == "expected":
            x = _draw_crossing(values, sweep.stats.expected, bud, rec)
        else:
            q = {"p50": 0.5, "p90": 0.9, "p95": 0.95}[statistic]
            bounds = quantile_bounds(sweep.stats.cost, q, level)  # (2, c)
            x = np.concatenate(
                [_draw_crossing(values, bounds[i][None, :], bud, rec) for i in range(2)]
            )
        interval, note = _interval(x, level if statistic == "expected" else 1.0, values)
        if statistic != "expected":
            note = " of the Monte Carlo P" + statistic[1:] + note
    result = Recommendation(
        role=cal.role, parameter=path, goal=goal, current_value=cur,
        recommended_value=float(rec), interval=interval, interval_note=note,
        target_share=None if target_share is None else float(target_share),
        tolerance=None if tolerance is None else float(tolerance),
        budget=None if budget is None else float(budget), statistic=statistic,
        scenario=scenario(rec), current=cal.evaluate(base, budget=budget), sweep=sweep,
        changes={**base, path: float(rec)}, periods=periods,
    )  # fmt: skip
    return result


def _statistic(stats: Any, statistic: str) -> np.ndarray:
    if statistic == "expected":
        return np.nanmean(stats.expected, axis=0)
    q = {"p50": 0.5, "p90": 0.9, "p95": 0.95}[statistic]
    return np.quantile(stats.cost, q, axis=0)


def _nearest(found: np.ndarray, values: np.ndarray, cur: float) -> int:
    mid = (values[found] + values[found + 1]) / 2
    return int(found[np.argmin(np.abs(mid - cur))])


def sweep_frame(rec: Recommendation) -> pd.DataFrame:
    """The grid behind a recommendation, with the current and recommended values marked."""
    t = rec.sweep.table.copy()
    t.insert(0, "parameter", rec.parameter)
    return t
