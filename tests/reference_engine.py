"""An independent reference engine: perfkit's payout rules as a plain per-person Python loop.

Written from ``docs/engine.md`` (sections "Who is evaluated" and 1-8), person by person and
metric by metric over dictionaries, so that it can be read next to the documentation line by
line. It uses the plan models of :mod:`perfkit.plans` (including ``Plan.curve_points``, the
documented way a metric's threshold/target/stretch or named curve become points) and the
period labels of :mod:`perfkit.periods`, and nothing else of perfkit: never
``perfkit.metrics``, ``perfkit.scoring``, ``perfkit.payout`` or ``perfkit.evaluation``.
No numpy either.

Used by ``tests/test_reference_engine.py`` (it must pay what ``perfkit.evaluate`` pays, to
the cent, on the sample data and the worked example) and by ``benchmarks/bench_engine.py``
(which times it as the "Python loop" and checks the engine against it).

It computes payouts only: no notes, no explanations, no rating bands, no output frames.
Inputs are assumed valid (``perfkit validate`` clean): modifier bounds, repeated rows and
unknown labels are not checked here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from perfkit.periods import MONTHS_PER, Period, parse_period
from perfkit.plans import Metric, Plan

#: A value less than this below a knot (curve point, gate minimum, payout threshold)
#: reaches it (docs/engine.md, "Knot tolerance").
KNOT_TOLERANCE = 1e-9

#: Sub-period kinds tried for targets, coarse first (docs/engine.md, section 2).
SUB_KINDS = ("half", "quarter", "month")

TABLES = ("employees", "actuals", "targets", "ratings", "modifiers")


@dataclass(frozen=True)
class Paid:
    """What the reference pays one person for one period."""

    amount: float  # rounded half-up to cents
    composite: float  # NaN when no metric could be scored
    gate_passed: bool
    payout_pct: float  # share of the period target bonus, before proration


# ---------------------------------------------------------------------------------------
# Reading the input frames into one dictionary per person
# ---------------------------------------------------------------------------------------
def _blank(x: Any) -> bool:
    """None, NaN, NaT or empty text."""
    if x is None:
        return True
    if isinstance(x, str):
        return not x.strip()
    return x != x  # NaN and NaT are not equal to themselves


def _day(x: Any) -> date | None:
    if _blank(x):
        return None
    return x.date() if hasattr(x, "date") else x


def read_people(data: Any) -> list[dict[str, Any]]:
    """One dict per employee, from a Dataset (or a mapping of its frames), in plain Python.

    The columns become Python lists (``.tolist()``) and are walked row by row with ``zip``:

    - ``months``: month label -> raw metric -> value (a NaN value is no value);
    - ``ratings``: rating name -> list of (first month, last month, rater id, rating);
    - ``targets``: plan metric key -> Period -> target;
    - ``modifiers``: period label -> modifier.
    """
    if isinstance(data, Mapping):
        frames = dict(data)
    else:
        frames = {name: getattr(data, name, None) for name in TABLES}
    periods: dict[str, Period] = {}

    def period_of(label: Any) -> Period:
        if label not in periods:
            periods[label] = parse_period(str(label))
        return periods[label]

    emp = frames["employees"]
    people: dict[str, dict[str, Any]] = {}
    for eid, role, team, hire, leave, annual in zip(
        emp["employee_id"].tolist(),
        emp["role"].tolist(),
        emp["team"].tolist(),
        emp["hire_date"].tolist(),
        emp["leave_date"].tolist(),
        emp["annual_target_bonus"].tolist(),
        strict=True,
    ):
        people[eid] = {
            "id": eid,
            "role": role,
            "team": None if _blank(team) else team,
            "hire": _day(hire),
            "leave": _day(leave),
            "annual": annual,
            "months": {},
            "ratings": {},
            "targets": {},
            "modifiers": {},
        }

    def rows(name: str, *columns: str) -> Iterable[tuple[Any, ...]]:
        frame = frames.get(name)
        if frame is None or len(frame) == 0:
            return ()
        return zip(*(frame[c].tolist() for c in columns), strict=True)

    for eid, month, metric, value in rows("actuals", "employee_id", "period", "metric", "value"):
        person = people.get(eid)
        if person is not None and value == value:
            person["months"].setdefault(month, {})[metric] = value
    has_rater = frames.get("ratings") is not None and "rater_id" in frames["ratings"].columns
    rating_cols = ("employee_id", "period", "metric", "rating") + (
        ("rater_id",) if has_rater else ()
    )
    for eid, label, name, value, *rater in rows("ratings", *rating_cols):
        person = people.get(eid)
        if person is None or not math.isfinite(value):
            continue
        p = period_of(label)
        who = "" if not rater or _blank(rater[0]) else rater[0]  # a blank rater is one rater
        person["ratings"].setdefault(name, []).append((p.first, p.last, who, value))
    for eid, label, metric, value in rows("targets", "employee_id", "period", "metric", "target"):
        person = people.get(eid)
        if person is not None and value == value:
            person["targets"].setdefault(metric, {})[period_of(label)] = value
    for eid, label, value in rows("modifiers", "employee_id", "period", "modifier"):
        person = people.get(eid)
        if person is not None and value == value:
            person["modifiers"][period_of(label).label] = value
    return list(people.values())


# ---------------------------------------------------------------------------------------
# Small pieces of the rules
# ---------------------------------------------------------------------------------------
def round_half_up_cents(x: float) -> float:
    """Half-up to cents on the amount as its decimals read (docs/engine.md, section 8)."""
    return math.floor(round(x * 100.0, 6) + 0.5) / 100.0


def curve_at(points: Any, x: float, step: bool = False) -> float:
    """The score of ``x`` on a curve through ``points`` (docs/engine.md, section 4).

    With j the number of points whose x the value reaches (within KNOT_TOLERANCE): flat
    before the first and after the last point; otherwise linear from point j-1 to point j,
    or point j-1's score for a step curve. At a repeated x the later point holds.
    """
    reach = x + KNOT_TOLERANCE
    j = 0
    while j < len(points) and points[j][0] <= reach:
        j += 1
    if j == 0:
        return points[0][1]
    if j == len(points):
        return points[-1][1]
    x0, y0 = points[j - 1]
    x1, y1 = points[j]
    if step:
        return y0
    frac = min(max((x - x0) / (x1 - x0), 0.0), 1.0)
    return y0 + (y1 - y0) * frac


def payout_points(plan: Plan) -> list[tuple[float, float]]:
    """The payout curve as points; the repeated x is the jump at the threshold (section 7).

    Only the three-point curve (threshold, target, stretch) is followed; a curve given as
    ``points`` (linear, tier or marginal form) is refused rather than paid wrongly.
    """
    c = plan.payout.curve
    if getattr(c, "points", None) is not None:
        raise NotImplementedError(
            f"plan {plan.role}: the reference engine follows only three-point payout curves"
        )
    return [
        (c.threshold, 0.0),
        (c.threshold, c.threshold_payout),
        (c.target, c.target_payout),
        (c.stretch, c.stretch_payout),
    ]


def achievement(actual: float, target: float, lower: bool) -> float | None:
    """actual / target (2 - actual / target when lower is better), floored at 0 (section 3)."""
    if not target > 0:
        return None
    ratio = actual / target
    return max(2.0 - ratio if lower else ratio, 0.0)


def days_employed(person: dict[str, Any], period: Period) -> int:
    """Calendar days of ``period`` the person was employed, hire and leave dates inclusive."""
    first = period.start if person["hire"] is None else max(person["hire"], period.start)
    last = period.end if person["leave"] is None else min(person["leave"], period.end)
    return max((last - first).days + 1, 0)


# ---------------------------------------------------------------------------------------
# 1. Metric values
# ---------------------------------------------------------------------------------------
@lru_cache(maxsize=256)
def months_of(period: Period) -> list[str]:
    """The ``YYYY-MM`` labels of the period's months (worked out once per period)."""
    return period.months


@lru_cache(maxsize=256)
def baseline_of(period: Period, baseline: str | None) -> Period:
    """The growth baseline: the period just before, or the same period a year earlier."""
    return period.previous() if baseline == "previous_period" else period.same_last_year()


def _present(person: dict[str, Any], months: list[str], source: str) -> list[float]:
    """Values of ``source`` in the months that hold one, in time order."""
    values = []
    for label in months:
        month = person["months"].get(label)
        if month is not None and source in month:
            values.append(month[source])
    return values


def _roll(person: dict[str, Any], months: list[str], source: str, how: str) -> float | None:
    """``sum``, ``mean`` or ``last`` of ``source`` over the months present (None: no month)."""
    values = _present(person, months, source)
    if not values:
        return None
    if how == "last":
        return values[-1]
    total = 0.0
    for v in values:  # in time order
        total += v
    return total if how == "sum" else total / len(values)


def _ratio(person: dict[str, Any], months: list[str], num: str, den: str) -> float | None:
    """Sum of ``num`` over sum of ``den``, both over the months holding both."""
    top = bottom = 0.0
    shared = 0
    for label in months:
        month = person["months"].get(label)
        if month is not None and num in month and den in month:
            top += month[num]
            bottom += month[den]
            shared += 1
    if shared == 0 or not bottom > 0:  # no data, or a denominator not above zero
        return None
    return top / bottom


def is_whole(person: dict[str, Any], period: Period, source: str) -> bool:
    """Employed on every day of ``period`` and a value of ``source`` in every month of it."""
    hire, leave = person["hire"], person["leave"]
    if hire is not None and hire > period.start:
        return False
    if leave is not None and leave < period.end:
        return False
    months = months_of(period)
    return len(_present(person, months, source)) == len(months)


def _growth(person: dict[str, Any], m: Metric, period: Period) -> float | None:
    ms = m.measure
    base_period = baseline_of(period, ms.baseline)
    cur = _roll(person, months_of(period), ms.source, ms.of)
    if cur is None:  # no data
        return None
    base = _roll(person, months_of(base_period), ms.source, ms.of)
    if base is None:  # no baseline
        return None
    if not is_whole(person, period, ms.source):  # partial current period
        return None
    if not is_whole(person, base_period, ms.source):  # partial baseline
        return None
    if base == 0:  # baseline is zero
        return None
    return cur / base - 1.0


def _rating(person: dict[str, Any], name: str, period: Period) -> float | None:
    """Mean over raters of each rater's mean rating whose period lies inside ``period``."""
    by_rater: dict[str, list[float]] = {}
    for first, last, rater, value in person["ratings"].get(name, ()):
        if first >= period.first and last <= period.last:
            by_rater.setdefault(rater, []).append(value)
    if not by_rater:  # not rated
        return None
    means = [sum(v) / len(v) for v in by_rater.values()]
    return sum(means) / len(means)


def metric_value(person: dict[str, Any], m: Metric, period: Period) -> float | None:
    """The metric's ``actual`` for the person in ``period`` (None when it cannot be measured)."""
    ms = m.measure
    if ms.agg in ("sum", "mean", "last"):
        value = _roll(person, months_of(period), ms.source, ms.agg)
    elif ms.agg == "ratio":
        value = _ratio(person, months_of(period), ms.source, ms.denominator or "")
    elif ms.agg == "growth":
        value = _growth(person, m, period)
    else:
        value = _rating(person, ms.source, period)
    return None if value is None else value * ms.scale


# ---------------------------------------------------------------------------------------
# 2. Targets
# ---------------------------------------------------------------------------------------
def target_of(person: dict[str, Any], m: Metric, plan: Plan, period: Period) -> float:
    """The person's target: exactly ``period``, else covering sub-periods, else the plan's."""
    mine = person["targets"].get(m.key)
    if mine:
        if period in mine:
            return mine[period]
        for kind in SUB_KINDS:
            if MONTHS_PER[kind] >= MONTHS_PER[period.kind]:
                continue  # not a sub-period of this kind of period
            inside = [
                v
                for p, v in mine.items()
                if p.kind == kind and p.first >= period.first and p.last <= period.last
            ]
            if len(inside) * MONTHS_PER[kind] == period.last - period.first + 1:
                total = 0.0
                for v in inside:
                    total += v
                return total if m.measure.agg == "sum" else total / len(inside)
    if m.measure.agg == "sum":  # the default is stated per plan period
        return m.target * (period.last - period.first + 1) / MONTHS_PER[plan.period]
    return m.target


# ---------------------------------------------------------------------------------------
# 3-8. Achievement, scores, composite, gates, team result, payout, money
# ---------------------------------------------------------------------------------------
def _evaluate_person(
    person: dict[str, Any], plan: Plan, period: Period, curves: Mapping[str, Any]
) -> dict[str, Any]:
    """Metric values, achievements, composite and gates of one person-period."""
    measured: dict[str, tuple[float, float, float]] = {}  # key -> actual, target, achievement
    weighted = 0.0
    weights = 0.0
    for m in plan.metrics:
        actual = metric_value(person, m, period)
        if actual is None:
            continue
        target = target_of(person, m, plan, period)
        ach = achievement(actual, target, m.direction == "lower")
        if ach is None:  # target not above zero
            continue
        measured[m.key] = (actual, target, ach)
        points, step = curves[m.key]
        weighted += m.weight * curve_at(points, ach, step)
        weights += m.weight
    composite = weighted / weights if weights > 0 else None  # re-normalised weights
    gate_passed = all(
        g.metric in measured and measured[g.metric][2] + KNOT_TOLERANCE >= g.min_achievement
        for g in plan.gates
    )
    return {"composite": composite, "gate_passed": gate_passed, "measured": measured}


def _team_result(plan: Plan, members: list[dict[str, Any]]) -> float | None:
    """The team result on the composite scale (None when no member has one)."""
    measure = plan.payout.team_measure
    if measure == "composite":
        values = [r["composite"] for r in members if r["composite"] is not None]
        return sum(values) / len(values) if values else None
    m = plan.metric(measure)
    points, step = plan.curve_points(m)
    got = [r["measured"][measure] for r in members if measure in r["measured"]]
    if not got:
        return None
    if m.measure.agg == "sum":  # pooled: sum of actuals over sum of targets
        pooled = achievement(
            sum(a for a, _, _ in got), sum(t for _, t, _ in got), m.direction == "lower"
        )
        if pooled is None:
            return None
    else:
        pooled = sum(a for _, _, a in got) / len(got)
    return curve_at(points, pooled, step)


def pay_role(
    people: list[dict[str, Any]], plan: Plan, period: Period
) -> dict[tuple[str, str], Paid]:
    """Payouts of the plan's people (``people`` of its role) for one period."""
    curves = {m.key: plan.curve_points(m) for m in plan.metrics}
    rows = []
    for person in people:
        days = days_employed(person, period)
        if days <= 0:
            continue
        row = _evaluate_person(person, plan, period, curves)
        row["person"], row["days"] = person, days
        row["team"] = person["team"] if person["team"] is not None else ("alone", person["id"])
        rows.append(row)
    teams: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        teams.setdefault(row["team"], []).append(row)
    team_results = {team: _team_result(plan, members) for team, members in teams.items()}

    pay = payout_points(plan)
    cap = plan.payout.curve.cap
    share = plan.payout.team_share
    months = period.last - period.first + 1
    label = period.label
    out: dict[tuple[str, str], Paid] = {}
    for row in rows:
        person, composite = row["person"], row["composite"]
        pct = 0.0
        if composite is not None and row["gate_passed"]:
            individual = (1 - share) * min(curve_at(pay, composite), cap)
            team = team_results[row["team"]]
            team_pct = 0.0 if team is None else share * min(curve_at(pay, team), cap)
            modifier = person["modifiers"].get(label, 1.0)
            pct = min((individual + team_pct) * modifier, plan.payout.person_cap)
        target_bonus = person["annual"] * months / 12
        proration = row["days"] / period.days if plan.payout.proration == "days" else 1.0
        out[(person["id"], label)] = Paid(
            amount=round_half_up_cents(target_bonus * pct * proration),
            composite=math.nan if composite is None else composite,
            gate_passed=row["gate_passed"],
            payout_pct=pct,
        )
    return out


def reference_payouts(
    people: list[dict[str, Any]],
    plans: Mapping[str, Plan],
    periods: str | Period | Iterable[str | Period],
) -> dict[tuple[str, str], Paid]:
    """What every planned person is paid in each period, keyed by (employee id, period label).

    ``people`` comes from :func:`read_people`; ``plans`` maps roles to plans (people of other
    roles are left out); ``periods`` is one period label or Period, or several.
    """
    if isinstance(periods, (str, Period)):
        periods = [periods]
    by_role: dict[str, list[dict[str, Any]]] = {role: [] for role in plans}
    for person in people:
        if person["role"] in by_role:
            by_role[person["role"]].append(person)
    out: dict[tuple[str, str], Paid] = {}
    for label in periods:
        period = parse_period(label)
        for role in sorted(plans):
            out.update(pay_role(by_role[role], plans[role], period))
    return out


def evaluate_reference(
    data: Any,
    plans: Mapping[str, Plan],
    periods: str | Period | Iterable[str | Period],
) -> dict[tuple[str, str], Paid]:
    """:func:`read_people` then :func:`reference_payouts`."""
    return reference_payouts(read_people(data), plans, periods)
