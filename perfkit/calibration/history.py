"""One role's history as arrays, and the changes a what-if or a calibration makes to a plan.

:class:`History` holds what :func:`perfkit.payout.pay` needs for every person-period of one
role in the history periods: the actual and target matrices of the
:class:`~perfkit.metrics.MetricTable` (never re-read from the data), teams, periods, the
modifier, the annual target bonus, months and days. :meth:`History.pay` pays them under a
(changed) plan, with targets optionally multiplied: the one money path, no second copy of
its rules.

A *change* is a mapping of dotted plan paths (anything :meth:`Plan.with_overrides` takes,
``payout.curve.threshold``, ``payout.curve.points.2.1``, ``metrics.leads.target``), the short
names of :data:`ALIASES` (``threshold``, ``target``, ``accelerator``, ``team_share``) and target
multipliers (``target_multiplier`` for every metric, ``target_multiplier.leads`` for one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import PerfkitError, PlanError
from ..frames import Coded, label_codes
from ..metrics import compute_metric_table
from ..payout import Payout, check_modifiers, modifier_codes, pay
from ..periods import Period
from ..plans import Plan
from ..scoring import KNOT_TOLERANCE, ScoreArrays, achievement, score_matrix

#: Short names of the parameters a calibration tunes, and the plan path each stands for.
ALIASES: dict[str, str] = {
    "threshold": "payout.curve.threshold",
    "target": "payout.curve.target",
    "accelerator": "payout.curve.stretch_payout",
    "team_share": "payout.team_share",
}

#: Target and achievement matrices a History keeps (one per distinct set of metric targets
#: and multipliers: a sweep of a payout parameter needs one).
INPUT_CACHE = 4

#: The name of the multiplier on every target (``target_multiplier.<metric>`` for one).
MULTIPLIER = "target_multiplier"

#: Plain words for the parameters, for messages.
WORDS: dict[str, str] = {
    "payout.curve.threshold": "payout threshold (payout.curve.threshold)",
    "payout.curve.target": "on-target composite (payout.curve.target)",
    "payout.curve.stretch_payout": "accelerator: payout at stretch (payout.curve.stretch_payout)",
    "payout.team_share": "team share (payout.team_share)",
    MULTIPLIER: "multiplier on every target (target_multiplier)",
}


def parameter_path(name: str) -> str:
    """The plan path (or multiplier name) a parameter name stands for (aliases resolved)."""
    return ALIASES.get(name, name)


def parameter_words(name: str) -> str:
    """A parameter in plain words, for messages."""
    path = parameter_path(name)
    if path.startswith(MULTIPLIER + "."):
        return f"multiplier on the {path.split('.', 1)[1]} target ({path})"
    return WORDS.get(path, path)


def _plan_value(plan: Plan, path: str) -> Any:
    """The value at a dotted path of a plan (metrics, gates and bands by key, points by index)."""
    node: Any = plan.model_dump(mode="json")
    for part in path.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, list):
            match = [x for x in node if part in (x.get("key"), x.get("band"))]
            if not match:
                raise PlanError(f"plan {plan.role}: no item {part!r} in {path!r}")
            node = match[0]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise PlanError(f"plan {plan.role}: {path!r} names no field of the plan")
    return node


def current_value(plan: Plan, name: str) -> float:
    """The plan's current value of a parameter (1.0 for a target multiplier).

    Raises
    ------
    PlanError
        If the path names no field, or a field that is not a number.
    """
    path = parameter_path(name)
    if path == MULTIPLIER or path.startswith(MULTIPLIER + "."):
        if path != MULTIPLIER:
            plan.metric(path.split(".", 1)[1])  # PlanError naming the known metrics
        return 1.0
    value = _plan_value(plan, path)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PlanError(f"plan {plan.role}: {path!r} is not a number (it is {value!r})")
    return float(value)


def split_changes(
    plan: Plan, changes: Mapping[str, Any] | None
) -> tuple[dict[str, Any], np.ndarray]:
    """Plan overrides and per-metric target multipliers of a change.

    Parameters
    ----------
    plan : Plan
    changes : mapping, optional
        Dotted paths, :data:`ALIASES` and ``target_multiplier[.metric]`` keys.

    Returns
    -------
    overrides : dict
        For :meth:`Plan.with_overrides`. ``accelerator`` raises ``payout.curve.cap`` with it
        when it goes above the cap (the cap would otherwise cut the new payout).
    multipliers : numpy.ndarray (k,)
        The factor on each metric's target, in plan metric order.
    """
    overrides: dict[str, Any] = {}
    mult = np.ones(len(plan.metrics))
    keys = plan.metric_keys
    for name, value in (changes or {}).items():
        path = parameter_path(name)
        if path == MULTIPLIER or path.startswith(MULTIPLIER + "."):
            v = float(value)
            if not np.isfinite(v) or v <= 0:
                raise PlanError(f"plan {plan.role}: {path} must be a number above 0, got {value!r}")
            if path == MULTIPLIER:
                mult = mult * v
            else:
                mult[keys.index(plan.metric(path.split(".", 1)[1]).key)] *= v
            continue
        overrides[path] = value
        if path == "payout.curve.stretch_payout" and "payout.curve.cap" not in (changes or {}):
            cap = plan.payout.curve.cap
            if float(value) > cap:
                overrides["payout.curve.cap"] = float(value)
    return overrides, mult


def changed_plan(plan: Plan, changes: Mapping[str, Any] | None) -> tuple[Plan, np.ndarray]:
    """The plan with a change applied, and the target multipliers (see :func:`split_changes`)."""
    overrides, mult = split_changes(plan, changes)
    return (plan.with_overrides(overrides) if overrides else plan), mult


def _same_measures(a: Plan, b: Plan) -> bool:
    """Whether two plans measure the same metrics the same way (keys, order, measures)."""
    return [(m.key, m.measure, m.direction) for m in a.metrics] == [
        (m.key, m.measure, m.direction) for m in b.metrics
    ]


# -- history -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class History:
    """Every person-period of one role in the history periods, as arrays for :func:`pay`.

    Attributes
    ----------
    plan : Plan
        The plan the matrices were built with (the current plan).
    periods : list of Period
    actual, target : numpy.ndarray (n, k)
        From the :class:`~perfkit.metrics.MetricTable`; targets as the plan resolved them.
    employee_id, name, team_label, period_label : numpy.ndarray of object (n,)
    person : numpy.ndarray of int (n,)
        Person codes 0..P-1 (one per employee).
    team, period_pos : numpy.ndarray of int (n,)
        Team codes and period positions: teams pool within a period.
    modifier, annual_bonus, months, days, period_days : numpy.ndarray (n,)
    currency : Coded
    default_cells : numpy.ndarray of bool (n, k) or None
        Cells whose target is the plan default (not from the targets file); worked out on
        first need, by :meth:`targets_for`.
    """

    plan: Plan
    periods: list[Period]
    actual: np.ndarray
    target: np.ndarray
    employee_id: np.ndarray
    name: np.ndarray
    team_label: np.ndarray
    period_label: np.ndarray
    person: np.ndarray
    team: np.ndarray
    period_pos: np.ndarray
    modifier: np.ndarray
    annual_bonus: np.ndarray
    months: np.ndarray
    days: np.ndarray
    period_days: np.ndarray
    currency: Coded
    dataset: Any = field(default=None, repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        """Number of person-periods."""
        return len(self.person)

    @property
    def people(self) -> int:
        """Number of distinct people."""
        return int(self.person.max()) + 1 if self.n else 0

    @property
    def headcount(self) -> int:
        """Person-periods of the latest history period (the default size of a simulated period)."""
        last = len(self.periods) - 1
        return int((self.period_pos == last).sum())

    def frame(self) -> pd.DataFrame:
        """``employee_id, name, role, team, period`` of each person-period, in row order."""
        return pd.DataFrame(
            {
                "employee_id": pd.array(self.employee_id.astype(str), dtype="str"),
                "name": pd.array(self.name.astype(str), dtype="str"),
                "role": pd.array(np.full(self.n, self.plan.role), dtype="str"),
                "team": pd.array(self.team_label.astype(str), dtype="str"),
                "period": pd.array(self.period_label.astype(str), dtype="str"),
            }
        )

    # -- targets -----------------------------------------------------------------------
    def _default_cells(self) -> np.ndarray:
        """Cells whose target is the plan's default: those that double with the defaults."""
        if "default" not in self._cache:
            if self.dataset is None:
                self._cache["default"] = np.ones(self.target.shape, dtype=bool)
            else:
                doubled = {}
                for m in self.plan.metrics:
                    for f in ("target", "threshold", "stretch"):
                        if getattr(m, f) is not None:
                            doubled[f"metrics.{m.key}.{f}"] = getattr(m, f) * 2
                plan2 = self.plan.with_overrides(doubled)
                t2 = _role_block(self.dataset, plan2, self.periods).target
                with np.errstate(invalid="ignore"):
                    self._cache["default"] = np.isclose(t2, 2 * self.target) & (self.target != 0)
        return self._cache["default"]

    def targets_for(self, plan: Plan, multipliers: Any = None) -> np.ndarray:
        """The target matrix under ``plan`` (its default targets) times ``multipliers``.

        A cell from the targets file keeps its value; a cell holding the plan default moves
        with the plan's ``metrics.<key>.target`` (scaled as the default was). Then every
        column is multiplied by its metric's multiplier.
        """
        target = self.target
        ratio = np.array(
            [
                (new.target / old.target) if old.target else 1.0
                for new, old in zip(plan.metrics, self.plan.metrics, strict=True)
            ]
        )
        if np.any(np.abs(ratio - 1.0) > 1e-15):
            target = np.where(self._default_cells(), target * ratio[None, :], target)
        if multipliers is not None:
            target = target * np.asarray(multipliers, dtype=np.float64)[None, :]
        return target

    # -- paying --------------------------------------------------------------------------
    def _inputs(self, plan: Plan, multipliers: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """The target and achievement matrices under ``plan`` and ``multipliers``, kept.

        They depend only on the plan's metric targets (as ratios to the current plan's) and
        the multipliers, so a sweep of a payout parameter (threshold, accelerator, team
        share) works them out once for every candidate. The last :data:`INPUT_CACHE` are
        kept; the achievement matrix is read-only.
        """
        ratio = tuple(
            (new.target / old.target) if old.target else 1.0
            for new, old in zip(plan.metrics, self.plan.metrics, strict=True)
        )
        mult = None if multipliers is None else np.asarray(multipliers, dtype=np.float64)
        key = (ratio, None if mult is None else tuple(mult.ravel().tolist()))
        kept = self._cache.setdefault("inputs", {})
        if key not in kept:
            if len(kept) >= INPUT_CACHE:
                kept.pop(next(iter(kept)))
            target = self.targets_for(plan, mult)
            direction = np.array([m.direction for m in plan.metrics])
            ach = achievement(self.actual, target, direction[None, :])
            ach.setflags(write=False)
            kept[key] = (target, ach)
        return kept[key]

    def _scores(self, plan: Plan, multipliers: Any = None) -> ScoreArrays:
        """:func:`~perfkit.scoring.score_matrix` of the achievement under ``plan``, kept.

        Scores depend on the achievement (the targets and multipliers) and on the plan's
        scoring part (metrics, rating bands, gates: everything but ``payout``), so a sweep of
        a payout parameter scores the history once. Keyed by exactly those; the last
        :data:`INPUT_CACHE` are kept.
        """
        ach = self._inputs(plan, multipliers)[1]
        mult = None if multipliers is None else np.asarray(multipliers, dtype=np.float64)
        key = (
            plan.model_dump_json(exclude={"payout"}),
            None if mult is None else tuple(mult.ravel().tolist()),
        )
        kept = self._cache.setdefault("scores", {})
        if key not in kept:
            if len(kept) >= INPUT_CACHE:
                kept.pop(next(iter(kept)))
            kept[key] = score_matrix(ach, plan=plan)
        return kept[key]

    def achievement(self, plan: Plan, multipliers: Any = None) -> np.ndarray:
        """Achievement matrix under ``plan`` with targets times ``multipliers`` (read-only)."""
        return self._inputs(plan, multipliers)[1]

    def pay(
        self,
        plan: Plan | None = None,
        multipliers: Any = None,
        *,
        rows: np.ndarray | None = None,
        team: np.ndarray | None = None,
        period: np.ndarray | None = None,
    ) -> Payout:
        """Pay the person-periods under ``plan`` (default: the current plan).

        Parameters
        ----------
        plan : Plan, optional
            Must measure the same metrics as :attr:`plan` (same keys, order and measures).
        multipliers : array-like (k,), optional
            Factor on each metric's target.
        rows : numpy.ndarray of int, optional
            Pay these rows (repeats allowed: a stack of Monte Carlo draws) instead of all.
        team, period : numpy.ndarray of int, optional
            Team and period codes of ``rows`` (default: their own); teams pool within a
            (team, period) code, so a stack of draws offsets the team codes per draw.

        Returns
        -------
        Payout
            :func:`perfkit.payout.pay`'s, without explanations.
        """
        plan = self.plan if plan is None else plan
        if not _same_measures(plan, self.plan):
            raise PlanError(
                f"plan {plan.role}: the changed plan measures other metrics than the history "
                "was built with; build a History for it (History.from_data)"
            )
        target, ach = self._inputs(plan, multipliers)

        def take(x: np.ndarray) -> np.ndarray:
            return x if rows is None else x[rows]

        # achievement is worked out cell by cell: the rows of the whole matrix are the
        # achievement of those rows
        target, actual = take(target), take(self.actual)
        scores = self._scores(plan, multipliers)
        return pay(
            take(ach), plan=plan, scores=scores if rows is None else scores.take(rows),
            team=take(self.team) if team is None else team,
            period=take(self.period_pos) if period is None else period,
            actual=actual, target=target, modifier=take(self.modifier),
            annual_bonus=take(self.annual_bonus), months=take(self.months),
            days=take(self.days), period_days=take(self.period_days),
            currency=Coded(take(np.asarray(self.currency.codes)), self.currency.labels),
            explain_lines=False,
        )  # fmt: skip

    @classmethod
    def from_data(
        cls,
        data: Any,
        plan: Plan,
        *,
        periods: list[Period],
    ) -> History:
        """Build the history of ``plan``'s role from a Dataset (one metric-table pass).

        Raises
        ------
        DataError
            If a modifier lies outside the plan's bounds or a bonus is missing.
        PerfkitError
            If nobody of the role was employed in the periods.
        """
        return _history(data, plan, periods)


def at_target(composite: np.ndarray, plan: Plan) -> np.ndarray:
    """Whether each composite reaches the plan's payout target (``payout.curve.target``).

    Within :data:`~perfkit.scoring.KNOT_TOLERANCE` below counts as reaching it, as
    everywhere in perfkit. NaN composites are False (and left out of shares by callers).
    """
    c = np.asarray(composite, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return c + KNOT_TOLERANCE >= plan.payout.curve.target


def _role_block(data: Any, plan: Plan, periods: list[Period]) -> Any:
    table = compute_metric_table(data, plans={plan.role: plan}, periods=periods)
    return table.blocks[0]


def _history(data: Any, plan: Plan, periods: list[Period]) -> History:
    table = compute_metric_table(data, plans={plan.role: plan}, periods=periods)
    block = table.blocks[0]
    if block.n == 0:
        raise PerfkitError(
            f"nobody of role {plan.role} was employed in {', '.join(p.label for p in periods)}; "
            "pick other periods or another role"
        )
    roster = table.roster
    emp = block.emp
    labels = np.array([p.label for p in table.periods], dtype=object)
    modifiers = getattr(data, "modifiers", None)
    modifier, mrow = modifier_codes(
        modifiers, emp, block.period_pos, ids=roster.index, periods=pd.Index(labels)
    )
    if (mrow >= 0).any():
        check_modifiers(
            modifier, mrow, plan=plan, employee_ids=roster.ids[emp],
            period=labels[block.period_pos],
        )  # fmt: skip
    team_codes, _ = label_codes(roster.teams)
    cur_codes, cur_labels = label_codes(roster.currencies)
    person = pd.factorize(emp)[0].astype(np.int64)
    return History(
        plan=plan,
        periods=list(table.periods),
        actual=block.actual,
        target=block.target,
        employee_id=np.asarray(roster.ids[emp], dtype=object),
        name=np.asarray(roster.names[emp], dtype=object),
        team_label=np.asarray(roster.teams[emp], dtype=object),
        period_label=labels[block.period_pos],
        person=person,
        team=np.asarray(team_codes[emp], dtype=np.int64),
        period_pos=np.asarray(block.period_pos, dtype=np.int64),
        modifier=modifier,
        annual_bonus=roster.annual_bonus[emp],
        months=np.array([p.last - p.first + 1 for p in table.periods])[block.period_pos],
        days=np.asarray(block.days, dtype=np.float64),
        period_days=np.array([p.days for p in table.periods], dtype=np.float64)[block.period_pos],
        currency=Coded(cur_codes[emp], cur_labels),
        dataset=data,
    )


def history_periods(
    data: Any, plan: Plan, *, period: Any = "latest", count: int = 4
) -> list[Period]:
    """The history periods: ``count`` periods of the plan's kind ending with ``period``.

    Periods not wholly inside the data's months are left out (the first year of a growth
    metric against last year still counts: it is measured or drops out as ``evaluate``
    does).

    Parameters
    ----------
    data : Dataset
    plan : Plan
    period : str, Period or list
        The last history period (``"latest"``: the latest complete one), or an explicit list
        of periods (then ``count`` is not used).
    count : int
        How many periods, ending with ``period``.

    Raises
    ------
    PeriodError
        If a period is not valid or lies outside the data.
    """
    from ..evaluation import resolve_periods

    if not isinstance(period, str | Period):
        return resolve_periods(list(period), dataset=data, plans={plan.role: plan})
    if count < 1:
        raise PerfkitError(f"history needs at least 1 period, got {count}")
    (last,) = resolve_periods(period, dataset=data, plans={plan.role: plan})
    months = set(getattr(data, "months", []) or [])
    wanted = [last.shift(-i) for i in range(count - 1, -1, -1)]
    return [p for p in wanted if p == last or all(m in months for m in p.months)]
