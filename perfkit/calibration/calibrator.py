"""The :class:`Calibrator`: one role's history and draws, re-scored quickly for any change.

Built once per (data, plan, history periods), it holds the achievement inputs and the
resampling (:mod:`.montecarlo`); :meth:`Calibrator.evaluate` re-scores a change (sliders of a
widget: threshold, accelerator, team share, target multipliers) in milliseconds on the sample
data, :meth:`Calibrator.sweep` and :meth:`Calibrator.grid` try many values at once, and
:meth:`Calibrator.solve` (:mod:`.solver`) finds the value that meets a goal.

*Share reaching target* is the share of person-periods with a composite whose composite
reaches the plan's payout target, ``payout.curve.target`` (1.0 by default): the same rule as
the reports' "at or above target", with the plan's own target. *Cost* is the total payout
of one period in the plan's currency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import PerfkitError
from ..payout import total_amount
from ..plans import Plan
from .history import (
    History,
    at_target,
    changed_plan,
    current_value,
    history_periods,
    parameter_path,
)
from .montecarlo import (
    DrawStats,
    draw_stats,
    make_draws,
    percentile_interval,
    pooled_costs,
    pooled_costs_task,
)

#: Default number of draws.
DRAWS = 2000
#: Default confidence level of intervals.
LEVEL = 0.95
#: Largest stack of drawn person-periods paid at once when teams pool within each draw
#: (``pooling="auto"`` falls back to team results from history above it).
POOLED_ROWS = 3_000_000
#: Changed plans kept (the oldest goes first).
PLAN_CACHE = 512


def _key(changes: Mapping[str, Any] | None) -> tuple:
    return tuple(sorted((str(k), float(v) if not isinstance(v, list) else repr(v))
                        for k, v in (changes or {}).items()))  # fmt: skip


@dataclass(frozen=True, eq=False)
class Scenario:
    """One plan (the current plan with a change) on the history and the draws.

    Attributes
    ----------
    role : str
    changes : dict
        The change tried (empty: the current plan).
    plan : Plan
        The changed plan.
    share_at_target : float
        Share of the history's person-periods (with a composite) whose composite reaches
        ``plan.payout.curve.target``.
    share_interval : tuple of float
        Its percentile interval over the stage-1 draws (``level``).
    cost_history : float
        Total payout over the history periods under the plan, per period (mean of periods).
    cost_expected : float
        Expected cost of a period of ``headcount`` person-periods: headcount x the history's
        mean payout per person-period.
    cost_interval : tuple of float
        The percentile interval of the expected cost over the stage-1 draws.
    cost_p50, cost_p90, cost_p95 : float
        Percentiles of a simulated period's cost (stage 2).
    budget : float or None
    prob_over_budget : float or None
        Share of simulated periods costing more than ``budget``.
    currency : str
    bands : pandas.DataFrame
        ``band, label, guideline_share, share_current, share, shift`` over the history.
    changes_frame : pandas.DataFrame
        Per person-period: ``employee_id, name, team, period, composite_current, composite,
        amount_current, amount, change``.
    cost_draws : numpy.ndarray (draws,)
        The simulated periods' costs.
    draws, seed, headcount : int
    level : float
    """

    role: str
    changes: dict[str, Any]
    plan: Plan
    share_at_target: float
    share_interval: tuple[float, float]
    cost_history: float
    cost_expected: float
    cost_interval: tuple[float, float]
    cost_p50: float
    cost_p90: float
    cost_p95: float
    budget: float | None
    prob_over_budget: float | None
    currency: str
    bands: pd.DataFrame
    changes_frame: pd.DataFrame
    cost_draws: np.ndarray
    draws: int
    seed: int
    headcount: int
    level: float

    def to_dict(self) -> dict[str, Any]:
        """The figures as plain numbers (JSON-ready)."""
        return {
            "role": self.role,
            "changes": dict(self.changes),
            "share_at_target": self.share_at_target,
            "share_interval": list(self.share_interval),
            "cost_history": self.cost_history,
            "cost_expected": self.cost_expected,
            "cost_interval": list(self.cost_interval),
            "cost_p50": self.cost_p50,
            "cost_p90": self.cost_p90,
            "cost_p95": self.cost_p95,
            "budget": self.budget,
            "prob_over_budget": self.prob_over_budget,
            "currency": self.currency,
            "draws": self.draws,
            "seed": self.seed,
            "headcount": self.headcount,
            "level": self.level,
        }

    def describe(self) -> str:
        """The figures in one paragraph of plain words."""
        lo, hi = self.share_interval
        clo, chi = self.cost_interval
        c = self.currency
        text = (
            f"{self.role}: {self.share_at_target:.1%} reach target (composite >= "
            f"{self.plan.payout.curve.target:g}; {self.level:.0%} interval {lo:.1%} to {hi:.1%}); "
            f"expected cost of a period of {self.headcount} people {self.cost_expected:,.0f} {c} "
            f"({clo:,.0f} to {chi:,.0f}), P50 {self.cost_p50:,.0f}, P90 {self.cost_p90:,.0f}, "
            f"P95 {self.cost_p95:,.0f} {c} ({self.draws:,} draws, seed {self.seed})"
        )
        if self.budget is not None:
            text += f"; chance of passing {self.budget:,.0f} {c}: {self.prob_over_budget:.1%}"
        return text


@dataclass(frozen=True, eq=False)
class Sweep:
    """Many values of one parameter, each on the history and the draws.

    Attributes
    ----------
    parameter : str
        The plan path or multiplier swept.
    values : numpy.ndarray (c,)
    table : pandas.DataFrame
        One row per value: ``value, share_at_target, share_low, share_high, cost_history,
        cost_expected, cost_low, cost_high, cost_p50, cost_p90, cost_p95`` (and
        ``prob_over_budget`` with a budget).
    stats : DrawStats
        The draws behind the table (columns = values).
    current : float
        The plan's current value.
    """

    parameter: str
    values: np.ndarray
    table: pd.DataFrame
    stats: DrawStats
    current: float


@dataclass(frozen=True, eq=False)
class Grid:
    """Two parameters crossed: share reaching target and cost for every pair of values.

    Attributes
    ----------
    x, y : str
        The parameters (plan paths or multipliers).
    x_values, y_values : numpy.ndarray
    table : pandas.DataFrame
        Long: ``x, y, share_at_target, cost_expected, cost_p90``.
    current : tuple of float
        The plan's current ``(x, y)``.
    currency : str
    """

    x: str
    y: str
    x_values: np.ndarray
    y_values: np.ndarray
    table: pd.DataFrame
    current: tuple[float, float]
    currency: str

    def matrix(self, value: str) -> pd.DataFrame:
        """``value`` (a column of :attr:`table`) as a y-by-x frame (rows y, columns x)."""
        return self.table.pivot(index="y", columns="x", values=value).sort_index(ascending=False)


class Calibrator:
    """One role's history and Monte Carlo draws, ready to re-score any change of its plan.

    Parameters
    ----------
    history : History
    draws : int
        Monte Carlo draws (default 2,000).
    seed : int
        Same seed, same numbers.
    headcount : int, optional
        Person-periods of a simulated period (default: the latest history period's).
    level : float
        Confidence level of the intervals (default 0.95).
    pooling : {"auto", "draw", "history"}
        How a drawn person's team result is found (see docs/calibration.md).
    executor : concurrent.futures.Executor, optional
        Runs the pay of the pooled draws, one task per candidate value (the slow part of a
        sweep when teams pool within draws): a ``ProcessPoolExecutor``, or a
        dask.distributed ``Client(...).get_executor()`` for a cluster. The tasks carry the
        history and the draws, and the results are taken in order, so the numbers are the
        same wherever they run. Default: in this process.

    Examples
    --------
    >>> cal = Calibrator.from_dir("data/sample", role="online_promotion")  # doctest: +SKIP
    >>> cal.evaluate({"threshold": 0.8}).cost_p90  # doctest: +SKIP
    >>> cal.solve("target", target_share=0.6).describe()  # doctest: +SKIP
    """

    def __init__(
        self,
        history: History,
        *,
        draws: int = DRAWS,
        seed: int = 0,
        headcount: int | None = None,
        level: float = LEVEL,
        pooling: str = "auto",
        executor: Executor | None = None,
    ) -> None:
        if pooling not in ("auto", "draw", "history"):
            raise PerfkitError(f"pooling {pooling!r}: choose auto, draw or history")
        if not 0 < level < 1:
            raise PerfkitError(f"the confidence level must lie between 0 and 1, got {level}")
        self.history = history
        self.plan = history.plan
        self.role = history.plan.role
        self.seed = int(seed)
        self.level = float(level)
        self.headcount = int(headcount if headcount is not None else history.headcount)
        self.draws = make_draws(
            history.person, draws=int(draws), headcount=self.headcount, seed=self.seed,
            role=self.role,
        )  # fmt: skip
        stacked = int(draws) * (history.n + self.headcount)
        if pooling == "auto":
            pooling = "draw" if stacked <= POOLED_ROWS else "history"
        #: ``draw``: teams pool within each draw (stacked pay); ``history``: a drawn
        #: person-period keeps its team result from history (fast, for large data; see
        #: docs/calibration.md for what it misses)
        self.pooling = pooling
        #: where the per-candidate pay of pooled draws runs (any concurrent.futures
        #: Executor: a process pool, a dask.distributed client's get_executor()); None: here
        self.executor = executor
        self._plans: dict[tuple, tuple[Plan, np.ndarray]] = {}
        self._base = history.pay()
        self.currency = self.plan.currency

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def from_data(
        cls,
        data: Any,
        plans: Mapping[str, Plan] | Plan,
        *,
        role: str | None = None,
        period: Any = "latest",
        history: int = 4,
        draws: int = DRAWS,
        seed: int = 0,
        headcount: int | None = None,
        level: float = LEVEL,
        executor: Executor | None = None,
    ) -> Calibrator:
        """Build from a Dataset and plans.

        Parameters
        ----------
        data : Dataset
        plans : mapping of role to Plan, or one Plan
        role : str, optional
            The role to calibrate (needed with several plans).
        period : str, Period or list
            The last history period (default the latest complete one), or a list of periods.
        history : int
            Number of periods of history ending with ``period`` (default 4: a year of
            quarters).
        draws, seed, headcount, level, executor
            As for :class:`Calibrator`.
        """
        plan = _pick_plan(plans, role)
        periods = history_periods(data, plan, period=period, count=history)
        hist = History.from_data(data, plan, periods=periods)
        return cls(
            hist, draws=draws, seed=seed, headcount=headcount, level=level, executor=executor
        )

    @classmethod
    def from_dir(
        cls,
        data_dir: str | Path,
        *,
        role: str,
        plans_dir: str | Path | None = None,
        **options: Any,
    ) -> Calibrator:
        """Load and check a data folder as ``perfkit validate`` does, then build.

        Other keyword options are those of :meth:`from_data`.
        """
        from ..plans import find_plans_dir
        from ..validation import load_checked

        data, plans = load_checked(data_dir, plans_dir=find_plans_dir(plans_dir))
        return cls.from_data(data, plans, role=role, **options)

    # -- changes -----------------------------------------------------------------------------
    def plan_for(self, changes: Mapping[str, Any] | None = None) -> tuple[Plan, np.ndarray]:
        """The changed plan and target multipliers of a change (cached)."""
        key = _key(changes)
        if key not in self._plans:
            if len(self._plans) >= PLAN_CACHE:  # a slider makes endless values: keep the last
                self._plans.pop(next(iter(self._plans)))
            self._plans[key] = changed_plan(self.plan, changes)
        return self._plans[key]

    def current_value(self, parameter: str) -> float:
        """The current plan's value of ``parameter`` (1.0 for a multiplier)."""
        return current_value(self.plan, parameter)

    def _pay(self, changes: Mapping[str, Any] | None) -> tuple[Plan, Any]:
        plan, mult = self.plan_for(changes)
        if not changes:
            return plan, self._base
        return plan, self.history.pay(plan, mult)

    def _columns(self, paid: Sequence[tuple[Plan, Any]]) -> dict[str, np.ndarray]:
        comp = np.stack([p.scores.composite for _, p in paid], axis=1)
        has = ~np.isnan(comp)
        at = np.stack([at_target(p.scores.composite, plan) for plan, p in paid], axis=1) & has
        amount = np.stack([p.amount for _, p in paid], axis=1)
        return {"has": has, "at": at, "amount": amount}

    def _summaries(
        self, cols: dict[str, np.ndarray], stats: DrawStats, budget: float | None
    ) -> dict[str, np.ndarray]:
        has, at, amount = cols["has"], cols["at"], cols["amount"]
        n_has = has.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(n_has > 0, at.sum(axis=0) / np.maximum(n_has, 1), np.nan)
        periods = len(self.history.periods)
        # exact to the cent, as the reports count it (one candidate at a time, by rows)
        total = np.array([total_amount(col) for col in np.ascontiguousarray(amount.T)])
        out = {
            "share_at_target": share,
            "cost_history": total / periods,
            "cost_expected": amount.mean(axis=0) * self.headcount,
        }
        s_lo, s_hi = percentile_interval(stats.share, self.level)
        if np.isnan(stats.expected).all():
            c_lo = c_hi = np.full(stats.expected.shape[1], np.nan)
        else:
            c_lo, c_hi = percentile_interval(stats.expected, self.level)
        p50, p90, p95 = np.quantile(stats.cost, [0.5, 0.9, 0.95], axis=0)
        out.update(
            share_low=s_lo, share_high=s_hi, cost_low=c_lo, cost_high=c_hi,
            cost_p50=p50, cost_p90=p90, cost_p95=p95,
        )  # fmt: skip
        if budget is not None:
            out["prob_over_budget"] = (stats.cost > float(budget)).mean(axis=0)
        return out

    def _batch(
        self, changes: Sequence[Mapping[str, Any] | None], *, intervals: bool = True
    ) -> tuple[list, dict, DrawStats]:
        paid = [self._pay(c) for c in changes]
        cols = self._columns(paid)
        pooled_draws = self.pooling == "draw" and (
            self.plan.payout.team_share > 0 or any(p.payout.team_share > 0 for p, _ in paid)
        )
        # with teams pooled within draws the stage-2 costs come from paying the draws
        stats = draw_stats(self.draws, self.history.person, **cols, cost=not pooled_draws)
        if pooled_draws:
            pairs = [self.plan_for(c) for c in changes]
            if self.executor is None:
                pooled = [
                    pooled_costs(self.draws, self.history, plan, mult, expected=intervals)
                    for plan, mult in pairs
                ]
            else:  # one task per candidate, in order: the same numbers wherever they run
                n = len(pairs)
                pooled = list(
                    self.executor.map(
                        pooled_costs_task,
                        [self.draws] * n,
                        [self.history] * n,
                        [p for p, _ in pairs],
                        [m for _, m in pairs],
                        [intervals] * n,
                    )  # fmt: skip
                )
            nan = np.full(self.draws.draws, np.nan)
            stats = DrawStats(
                share=stats.share,
                expected=np.stack([nan if e is None else e for e, _ in pooled], axis=1),
                cost=np.stack([c for _, c in pooled], axis=1),
            )
        return paid, cols, stats

    def evaluate_share(self, changes: Mapping[str, Any] | None = None) -> float:
        """Share reaching target on the history alone under a change (no draws: fast)."""
        plan, payout = self._pay(changes)
        comp = payout.scores.composite
        has = ~np.isnan(comp)
        return float(at_target(comp, plan)[has].mean()) if has.any() else float("nan")

    # -- one change --------------------------------------------------------------------------
    def evaluate(
        self,
        changes: Mapping[str, Any] | None = None,
        *,
        budget: float | None = None,
        intervals: bool = True,
    ) -> Scenario:
        """Re-score the history and the draws under a change of the plan.

        Parameters
        ----------
        changes : mapping, optional
            Dotted plan paths (``payout.curve.threshold``), the short names ``threshold``,
            ``target``, ``accelerator`` (payout at stretch), ``team_share``, and target
            multipliers (``target_multiplier``, ``target_multiplier.leads``); empty or None:
            the current plan.
        budget : float, optional
            A period budget in the plan's currency: the chance of passing it is reported.
        intervals : bool
            Work out the expected cost's interval (the slower part when teams pool within
            draws); False for a quick re-score (a slider moving): ``cost_interval`` NaN.

        Returns
        -------
        Scenario
        """
        changes = dict(changes or {})
        paid, cols, stats = self._batch([changes], intervals=intervals)
        (plan, payout), = paid  # fmt: skip
        s = self._summaries(cols, stats, budget)
        return Scenario(
            role=self.role,
            changes=changes,
            plan=plan,
            share_at_target=float(s["share_at_target"][0]),
            share_interval=(float(s["share_low"][0]), float(s["share_high"][0])),
            cost_history=float(s["cost_history"][0]),
            cost_expected=float(s["cost_expected"][0]),
            cost_interval=(float(s["cost_low"][0]), float(s["cost_high"][0])),
            cost_p50=float(s["cost_p50"][0]),
            cost_p90=float(s["cost_p90"][0]),
            cost_p95=float(s["cost_p95"][0]),
            budget=None if budget is None else float(budget),
            prob_over_budget=None if budget is None else float(s["prob_over_budget"][0]),
            currency=self.currency,
            bands=self._bands(plan, payout),
            changes_frame=self._changes(payout),
            cost_draws=stats.cost[:, 0].copy(),
            draws=self.draws.draws,
            seed=self.seed,
            headcount=self.headcount,
            level=self.level,
        )

    def _bands(self, plan: Plan, payout: Any) -> pd.DataFrame:
        names = [b.band for b in plan.rating_bands]

        def shares(p: Any) -> np.ndarray:
            codes = np.asarray(p.band.codes)
            labels = np.asarray(p.band.labels, dtype=object)
            ok = codes >= 0
            got = labels[codes[ok]]
            counts = np.array([(got == b).sum() for b in names], dtype=np.float64)
            return counts / max(int(ok.sum()), 1)

        now, new = shares(self._base), shares(payout)
        return pd.DataFrame(
            {
                "band": pd.array(names, dtype="str"),
                "label": pd.array([b.label for b in plan.rating_bands], dtype="str"),
                "guideline_share": [b.guideline_share for b in plan.rating_bands],
                "share_current": now,
                "share": new,
                "shift": new - now,
            }
        )

    def _changes(self, payout: Any) -> pd.DataFrame:
        frame = self.history.frame().drop(columns="role")
        frame["composite_current"] = self._base.scores.composite
        frame["composite"] = payout.scores.composite
        frame["amount_current"] = self._base.amount
        frame["amount"] = payout.amount
        frame["change"] = np.round(payout.amount - self._base.amount, 2)
        return frame

    # -- many values -------------------------------------------------------------------------
    def candidates(
        self,
        parameter: str,
        *,
        low: float | None = None,
        high: float | None = None,
        count: int = 50,
    ) -> np.ndarray:
        """``count`` evenly spaced values of ``parameter`` that make a valid plan.

        The default range depends on the parameter: ``threshold`` and ``target`` the
        current value -/+ 0.25, ``accelerator`` from the target payout to the current
        value + 1, ``team_share`` 0 to 1, a target multiplier 0.8 to 1.25, any other path
        half to one and a half times its current value. Values that make an invalid plan
        (a threshold above the target) are left out.

        Raises
        ------
        PerfkitError
            If fewer than two values of the range make a valid plan.
        """
        path = parameter_path(parameter)
        cur = self.current_value(path)
        curve = self.plan.payout.curve
        if path.startswith("target_multiplier"):
            lo, hi = 0.8, 1.25
        elif path in ("payout.curve.threshold", "payout.curve.target"):
            lo, hi = cur - 0.25, cur + 0.25
        elif path == "payout.curve.stretch_payout":
            lo, hi = curve.target_payout, cur + 1.0
        elif path == "payout.team_share":
            lo, hi = 0.0, 1.0
        else:
            lo, hi = (cur * 0.5, cur * 1.5) if cur else (-0.5, 0.5)
        lo = lo if low is None else float(low)
        hi = hi if high is None else float(high)
        if not hi > lo:
            raise PerfkitError(f"the range of {path} must rise: low {lo:g}, high {hi:g}")
        if count < 2:
            raise PerfkitError(f"at least 2 candidate values are needed, got {count}")
        values = np.round(np.linspace(lo, hi, int(count)), 10)
        ok = []
        for v in values:
            try:
                self.plan_for({path: float(v)})
                ok.append(float(v))
            except PerfkitError:
                continue
        if len(ok) < 2:
            raise PerfkitError(
                f"{path} from {lo:g} to {hi:g} gives fewer than 2 valid plans; pick a range "
                f"around the current value {cur:g} (the plan's rules, e.g. threshold < target "
                "< stretch, still apply)"
            )
        return np.array(ok)

    def sweep(
        self,
        parameter: str,
        values: Sequence[float] | None = None,
        *,
        low: float | None = None,
        high: float | None = None,
        count: int = 50,
        budget: float | None = None,
        base: Mapping[str, Any] | None = None,
        intervals: bool = False,
    ) -> Sweep:
        """Try many values of one parameter on the history and every draw.

        Parameters
        ----------
        parameter : str
            A plan path, a short name (``threshold``...) or a target multiplier.
        values : sequence of float, optional
            The values; default :meth:`candidates` (``low``, ``high``, ``count``).
        budget : float, optional
            Adds ``prob_over_budget``.
        base : mapping, optional
            Other changes held fixed while sweeping.
        intervals : bool
            Also work out the expected cost's interval for every value (``cost_low``,
            ``cost_high``; NaN otherwise when teams pool within draws: it pays every draw's
            whole population, the slow part).

        Returns
        -------
        Sweep
        """
        path = parameter_path(parameter)
        vals = (
            self.candidates(path, low=low, high=high, count=count)
            if values is None
            else np.asarray(values, dtype=np.float64)
        )
        changes = [{**(base or {}), path: float(v)} for v in vals]
        _, cols, stats = self._batch(changes, intervals=intervals)
        s = self._summaries(cols, stats, budget)
        table = pd.DataFrame({"value": vals, **{k: np.asarray(v) for k, v in s.items()}})
        return Sweep(
            parameter=path, values=vals, table=table, stats=stats,
            current=self.current_value(path),
        )  # fmt: skip

    def grid(
        self,
        x: str,
        y: str,
        x_values: Sequence[float] | None = None,
        y_values: Sequence[float] | None = None,
        *,
        size: int = 9,
    ) -> Grid:
        """Share reaching target and cost over every pair of values of two parameters.

        Parameters
        ----------
        x, y : str
            Parameters (plan paths, short names or multipliers).
        x_values, y_values : sequence of float, optional
            Default: ``size`` values of each parameter's default range (:meth:`candidates`).

        Returns
        -------
        Grid
        """
        px, py = parameter_path(x), parameter_path(y)
        xs = self.candidates(px, count=size) if x_values is None else np.asarray(x_values, float)
        ys = self.candidates(py, count=size) if y_values is None else np.asarray(y_values, float)
        pairs = [(float(a), float(b)) for b in ys for a in xs]
        valid, changes = [], []
        for a, b in pairs:
            try:
                self.plan_for({px: a, py: b})
            except PerfkitError:
                continue
            valid.append((a, b))
            changes.append({px: a, py: b})
        if not changes:
            raise PerfkitError(f"no pair of values of {px} and {py} makes a valid plan")
        _, cols, stats = self._batch(changes, intervals=False)
        s = self._summaries(cols, stats, None)
        table = pd.DataFrame(
            {
                "x": [a for a, _ in valid],
                "y": [b for _, b in valid],
                "share_at_target": s["share_at_target"],
                "cost_expected": s["cost_expected"],
                "cost_p90": s["cost_p90"],
            }
        )
        return Grid(
            x=px, y=py, x_values=xs, y_values=ys, table=table,
            current=(self.current_value(px), self.current_value(py)), currency=self.currency,
        )  # fmt: skip

    def solve(self, parameter: str | None = None, **options: Any) -> Any:
        """Find the value of ``parameter`` that meets a goal: see :func:`.solver.solve`."""
        from .solver import solve

        return solve(self, parameter, **options)


def _pick_plan(plans: Mapping[str, Plan] | Plan, role: str | None) -> Plan:
    from ..errors import PlanError

    if isinstance(plans, Plan):
        if role is not None and role != plans.role:
            raise PlanError(f"the plan given is for {plans.role}, not {role}")
        return plans
    if role is None:
        if len(plans) != 1:
            raise PlanError(
                f"several plans given ({', '.join(sorted(plans))}); say which role to calibrate"
            )
        return next(iter(plans.values()))
    if role not in plans:
        raise PlanError(f"role {role!r} has no plan; known roles: {', '.join(sorted(plans))}")
    return plans[role]


__all__ = ["DRAWS", "LEVEL", "Calibrator", "Grid", "Scenario", "Sweep"]
