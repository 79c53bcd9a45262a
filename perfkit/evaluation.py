"""Evaluate a data set under the role plans: metric values, scores, results and payouts.

:func:`evaluate` chains the three stages (:mod:`perfkit.metrics`, :mod:`perfkit.scoring`,
:mod:`perfkit.payout`) for one or several periods and returns an :class:`Evaluation` with
two tidy frames: ``scores`` (one row per employee, period and metric) and ``results`` (one
row per employee and period, with the payout and its explanation).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from .backends import ActualsBackend, actuals_backend
from .errors import DataError, PlanError
from .frames import Coded, expand_order, label_codes, long_frame, sort_order
from .io import Dataset
from .metrics import MetricBlock, MetricTable, compute_metric_table, month_codes, period_spans
from .payout import check_modifiers, modifier_codes, pay, total_amount
from .periods import Period, PeriodsLike, format_period, is_latest, parse_period
from .periods import resolve_periods as _resolve
from .plans import Plan, find_plans_dir
from .schema import RESULT_COLUMNS, SCORE_COLUMNS
from .scoring import block_achievement, score_notes


@dataclass(frozen=True, eq=False, init=False)
class Evaluation:
    """The outcome of :func:`evaluate`.

    Attributes
    ----------
    scores : pandas.DataFrame
        One row per (employee, period, metric): ``employee_id, period, role, team, metric,
        kind, direction, actual, target, achievement, score, weight, weighted_score, note``.
        Built on first use (ten times as many rows as ``results`` for a ten-metric plan):
        an evaluation whose metric scores are never looked at does not pay for them.
    results : pandas.DataFrame
        One row per (employee, period): ``employee_id, name, period, role, team, manager_id,
        composite, rating, gate_passed, gate_failed, team_result, individual_pct, team_pct,
        payout_pct, modifier, proration, target_bonus, payout_amount, currency, explanation``.
    periods : list of Period
        The evaluated periods, in time order.
    plans : dict of str to Plan
        The plans used, by role (only the evaluated roles).
    """

    results: pd.DataFrame
    periods: list[Period]
    plans: dict[str, Plan] = field(default_factory=dict)
    _scores: pd.DataFrame | None = field(default=None, repr=False)
    _build: Callable[[], pd.DataFrame] | None = field(default=None, repr=False)
    _lock: Any = field(default=None, repr=False)

    def __init__(
        self,
        scores: pd.DataFrame | Callable[[], pd.DataFrame],
        results: pd.DataFrame,
        periods: list[Period],
        plans: dict[str, Plan] | None = None,
    ) -> None:
        """``scores`` is the frame, or a function taking no argument that builds it once."""
        ready = isinstance(scores, pd.DataFrame)
        object.__setattr__(self, "results", results)
        object.__setattr__(self, "periods", periods)
        object.__setattr__(self, "plans", {} if plans is None else plans)
        object.__setattr__(self, "_scores", scores if ready else None)
        object.__setattr__(self, "_build", None if ready else scores)
        object.__setattr__(self, "_lock", threading.Lock())

    @property
    def scores(self) -> pd.DataFrame:
        """The metric scores (see the class's attributes); built once, on first use."""
        if self._scores is None:
            with self._lock:  # two threads asking at once build it once
                if self._scores is None and self._build is not None:
                    object.__setattr__(self, "_scores", self._build())
                    object.__setattr__(self, "_build", None)  # frees the arrays it came from
        return cast(pd.DataFrame, self._scores)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Evaluation, (self.scores, self.results, self.periods, self.plans))

    def total(self) -> dict[str, float]:
        """Total payout per currency: the sum of the rounded lines, exact to the cent."""
        r = self.results
        return {
            str(cur): total_amount(r.loc[r["currency"] == cur, "payout_amount"])
            for cur in sorted(r["currency"].dropna().unique())
        }

    def describe(self) -> str:
        """One-line summary, e.g. ``2026Q3: 150 people in 5 roles, 138 paid, 1,234.50 CNY ...``."""
        r = self.results
        labels = ", ".join(p.label for p in self.periods)
        people = r["employee_id"].nunique()
        roles = r["role"].nunique()
        paid = int((r["payout_amount"] > 0).sum())
        gates = int((~r["gate_passed"] & r["composite"].notna()).sum())
        unscored = int(r["composite"].isna().sum())
        money = "; ".join(f"{v:,.2f} {c}" for c, v in self.total().items()) or "nothing"
        text = (
            f"{labels}: {people} {'person' if people == 1 else 'people'} in {roles} "
            f"role{'' if roles == 1 else 's'}, {paid} paid, total {money}"
        )
        if gates:
            text += f", {gates} failed a gate"
        if unscored:
            text += f", {unscored} could not be scored"
        return text


def _select_plans(plans: Mapping[str, Plan], roles: Iterable[str] | str | None) -> dict[str, Plan]:
    if not plans:
        raise PlanError("no plans given; load them with perfkit.load_plans('templates/plans')")
    if roles is None:
        return dict(plans)
    wanted = [roles] if isinstance(roles, str) else list(roles)
    unknown = [r for r in wanted if r not in plans]
    if unknown:
        raise PlanError(
            f"role {', '.join(map(repr, unknown))} has no plan; known roles: "
            f"{', '.join(sorted(plans))}"
        )
    return {r: plans[r] for r in sorted(set(wanted))}


def _data_months(
    dataset: Dataset, plans: Mapping[str, Plan] | None = None, backend: ActualsBackend | None = None
) -> np.ndarray:
    """Month labels the data cover: the actuals' months, or the ratings' for plans of ratings.

    When every metric of the selected plans is a manager rating, nothing is read from the
    actuals, so the months are those the ratings' period labels cover (a ``2026Q3`` rating
    covers July to September). With an actuals ``backend``, its months.
    """
    if plans and all(m.measure.agg == "rating" for p in plans.values() for m in p.metrics):
        ratings = getattr(dataset, "ratings", None)
        if ratings is None or len(ratings) == 0:
            return np.array([], dtype=object)
        first, last, _ = period_spans(ratings["period"])
        spans = np.unique(np.stack([first, last], axis=1)[first >= 0], axis=0)
        idx = np.unique(
            np.concatenate(
                [np.arange(a, b + 1) for a, b in spans] or [np.array([], dtype=np.int64)]
            )
        )
        return np.array([format_period(int(i), "month") for i in idx], dtype=object)
    if backend is not None:
        return np.asarray(actuals_backend(dataset, backend).months(), dtype=object)
    months = getattr(dataset, "months", None)
    if months is not None:
        return np.asarray(list(months), dtype=object)
    idx = month_codes(dataset.actuals["period"])
    idx = np.unique(idx[idx >= 0])
    return np.array([format_period(int(i), "month") for i in idx], dtype=object)


def resolve_periods(
    period: PeriodsLike,
    *,
    dataset: Dataset,
    plans: Mapping[str, Plan],
    backend: ActualsBackend | None = None,
) -> list[Period]:
    """The periods to evaluate: :func:`perfkit.periods.resolve_periods` on the data's months.

    ``"latest"`` is the latest complete period (every month present in the actuals) of the
    plans' evaluation period kind. Plans made only of ratings read no actuals: for them the
    months are those the ratings cover.

    Raises
    ------
    PeriodError
        If a label is not a period, the data hold no month of it, or ``"latest"`` is asked
        of plans with different kinds.
    """
    months = _data_months(dataset, plans, backend)
    return _resolve(period, months=months, kinds=[p.period for p in plans.values()])


def _evaluate_block(
    table: MetricTable,
    block: MetricBlock,
    modifiers: pd.DataFrame | None,
    team_codes: np.ndarray,
    currencies: Coded,
) -> tuple[Callable[[], dict[str, Any]], dict[str, Any]]:
    """The results columns of one role's block (with their sort keys), and a function that
    builds its scores columns when the scores are asked for.

    ``team_codes`` and ``currencies`` code the roster's teams and currencies once for all
    blocks (a blank currency has code -1). The money is :func:`perfkit.payout.pay`'s.
    """
    plan = block.plan
    roster = table.roster
    n = block.n
    emp = block.emp
    labels = np.array([p.label for p in table.periods], dtype=object)
    modifier, mrow = modifier_codes(
        modifiers, emp, block.period_pos, ids=roster.index, periods=pd.Index(labels)
    )
    if (mrow >= 0).any():
        check_modifiers(
            modifier, mrow, plan=plan, employee_ids=roster.ids[emp],
            period=labels[block.period_pos],
        )  # fmt: skip
    annual = roster.annual_bonus[emp]
    if np.isnan(annual).any():
        bad = roster.ids[emp][np.isnan(annual)][0]
        raise DataError(
            f"employees, employee_id {bad}: annual_target_bonus is missing; give the full-year "
            "target bonus in the employee's currency (0 if none)"
        )
    money = pay(
        block_achievement(block), plan=plan, team=team_codes[emp], period=block.period_pos,
        actual=block.actual, target=block.target, modifier=modifier, annual_bonus=annual,
        months=np.array([p.last - p.first + 1 for p in table.periods])[block.period_pos],
        days=block.days, period_days=np.array([p.days for p in table.periods])[block.period_pos],
        currency=Coded(currencies.codes[emp], currencies.labels), explain_lines=True,
    )  # fmt: skip
    arrays = money.scores
    results = {
        "employee_id": Coded(emp, roster.text("ids")),
        "name": Coded(emp, roster.text("names")),
        "period": Coded(block.period_pos, labels),
        "role": Coded(np.zeros(n, dtype=np.int64), np.array([plan.role], dtype=object), 1),
        "team": Coded(emp, roster.text("teams")),
        "manager_id": Coded(emp, roster.text("managers")),
        "composite": arrays.composite,
        "rating": money.band,
        "gate_passed": arrays.gate_passed,
        "gate_failed": arrays.gate_failed,
        "team_result": money.team_result,
        "individual_pct": money.pct.individual_pct,
        "team_pct": money.pct.team_pct,
        "payout_pct": money.pct.payout_pct,
        "modifier": modifier,
        "proration": money.proration,
        "target_bonus": money.target_bonus,
        "payout_amount": money.amount,
        "currency": money.currency,
        "explanation": money.explanation,
        "_p": block.period_pos,
        "_r": roster.rank[emp],
        "_m": np.zeros(n, dtype=np.int64),
    }
    return partial(_block_scores, table, block, arrays), results


def _block_scores(table: MetricTable, block: MetricBlock, arrays: Any) -> dict[str, Any]:
    """The metric scores columns of one role's block: k rows per person-period, in plan
    order (no sort keys: :func:`evaluate` orders them with their person-periods)."""
    plan, roster = block.plan, table.roster
    k, n, emp = len(plan.metrics), block.n, block.emp
    labels = np.array([p.label for p in table.periods], dtype=object)
    notes = score_notes(block.note, block.target, arrays, plan=plan)
    emp_k = np.repeat(emp, k)
    metric_k = np.tile(np.arange(k), n)
    return {
        "employee_id": Coded(emp_k, roster.text("ids")),
        "period": Coded(np.repeat(block.period_pos, k), labels),
        "role": Coded(np.zeros(n * k, dtype=np.int64), np.array([plan.role], dtype=object), 1),
        "team": Coded(emp_k, roster.text("teams")),
        "metric": Coded(metric_k, np.array(plan.metric_keys, dtype=object), k),
        "kind": Coded(metric_k, np.array([m.kind for m in plan.metrics], dtype=object), k),
        "direction": Coded(
            metric_k, np.array([m.direction for m in plan.metrics], dtype=object), k
        ),
        "actual": block.actual.ravel(),
        "target": block.target.ravel(),
        "achievement": arrays.achievement.ravel(),
        "score": arrays.score.ravel(),
        "weight": arrays.weight.ravel(),
        "weighted_score": arrays.weighted_score.ravel(),
        "note": notes,
    }


def _scores_frame(
    parts: list[Callable[[], dict[str, Any]]], order: np.ndarray | None, sizes: np.ndarray
) -> pd.DataFrame:
    """The scores frame of the blocks' score builders, in the order of their person-periods."""
    columns = [build() for build in parts]
    return long_frame(columns, SCORE_COLUMNS, order=expand_order(order, sizes))


def evaluate(
    dataset: Dataset,
    plans: Mapping[str, Plan],
    period: PeriodsLike,
    *,
    roles: Iterable[str] | str | None = None,
    backend: ActualsBackend | None = None,
) -> Evaluation:
    """Score every planned person for one or several periods and work out their payouts.

    Parameters
    ----------
    dataset : perfkit.io.Dataset
        ``employees, actuals, targets, ratings, modifiers`` frames (see ``docs/data.md``).
    plans : mapping of str to Plan
        Plans by role, e.g. from :func:`perfkit.load_plans`, or copies made with
        :meth:`Plan.with_overrides` for a what-if.
    period : str, Period or list of them
        ``"2026Q3"``, ``"2026-07"``, ``"2026H2"``, ``"2026"``, ``"latest"`` (latest complete
        period of the plans' period kind), a Period, or a list (frames then hold each period).
    roles : str or iterable of str, optional
        Only these roles (default: every role with a plan).
    backend : ActualsBackend, optional
        Where the monthly raw actuals come from (:mod:`perfkit.backends`); by default the
        dataset's ``actuals`` frame.

    Returns
    -------
    Evaluation
        ``scores`` and ``results`` frames sorted by period (in time order), employee id and
        (scores) the plan's metric order.

    Raises
    ------
    PlanError
        If a role in ``roles`` has no plan (the message lists the known roles).
    PeriodError
        If a period label is not valid or no complete period exists for ``"latest"``.
    DataError
        If a modifier lies outside its plan's bounds (the message names the row) or an
        evaluated person has no annual target bonus.

    Examples
    --------
    >>> import perfkit
    >>> ev = perfkit.evaluate(perfkit.load_dataset("data/sample"),
    ...                       perfkit.load_plans("templates/plans"), "2026Q3")  # doctest: +SKIP
    >>> ev.results[["employee_id", "composite", "payout_amount"]].head()  # doctest: +SKIP
    """
    selected = _select_plans(plans, roles)
    periods = resolve_periods(period, dataset=dataset, plans=selected, backend=backend)
    table = compute_metric_table(dataset, plans=selected, periods=periods, backend=backend)
    modifiers = getattr(dataset, "modifiers", None)
    team_codes, _ = label_codes(table.roster.teams)
    currencies = Coded(*label_codes(table.roster.currencies))  # blank: the plan's (in pay)
    score_parts, result_parts = [], []
    for block in table.blocks:
        s, r = _evaluate_block(table, block, modifiers, team_codes, currencies)
        score_parts.append(s)
        result_parts.append(r)
    # sort the person-periods; each one's metric scores follow it, in plan order
    order = sort_order(result_parts) if result_parts else None
    sizes = np.concatenate(
        [np.full(b.n, len(b.plan.metrics)) for b in table.blocks] or [np.array([], dtype=np.int64)]
    )
    return Evaluation(
        scores=partial(_scores_frame, score_parts, order, sizes),
        results=long_frame(result_parts, RESULT_COLUMNS, order=order),
        periods=periods,
        plans=selected,
    )


def evaluate_dir(
    data_dir: str | Path,
    *,
    period: PeriodsLike,
    roles: Iterable[str] | str | None = None,
    plans_dir: str | Path | None = None,
    actuals: ActualsBackend | Callable[[], ActualsBackend | None] | None = None,
) -> Evaluation:
    """Load a data folder and the plans, check them as ``perfkit validate`` does, evaluate.

    Parameters
    ----------
    data_dir : str or Path
        A folder of ``employees``, ``actuals``, ``targets``, ``ratings`` (and optionally
        ``modifiers``) files, read by :func:`perfkit.io.load_dataset`.
    period, roles
        As for :func:`evaluate`.
    plans_dir : str or Path, optional
        Folder of ``<role>.yaml`` plans; found by :func:`perfkit.plans.find_plans_dir` when
        omitted.
    actuals : ActualsBackend or callable, optional
        Read the monthly actuals from this backend (e.g. raw events rolled up where they
        live, :func:`perfkit.backends.connect`) instead of the folder's actuals file, checked
        as ``perfkit validate --actuals-from`` checks them. The plans, roles and period are
        checked first, before the backend is read; a callable taking no argument is called
        only then, so that connecting (which fails for a missing file or table) comes after
        those checks too.

    Returns
    -------
    Evaluation

    Raises
    ------
    DataError
        Listing every problem :func:`perfkit.validation.validate` finds: data that
        ``perfkit validate`` refuses is never paid.
    """
    from .plans import load_plans
    from .validation import load_checked

    folder = find_plans_dir(plans_dir)
    _select_plans(load_plans(folder), roles)  # fail on a bad role or period before reading data
    items = [period] if isinstance(period, str | Period) else list(period)
    for item in items:
        if not is_latest(item):
            parse_period(item, where="period")
    backend = actuals() if callable(actuals) and not hasattr(actuals, "monthly") else actuals
    dataset, plans = load_checked(data_dir, plans_dir=folder, actuals=cast(Any, backend))
    return evaluate(dataset, _select_plans(plans, roles), period)
