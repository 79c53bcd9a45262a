"""Money invariants, checked on many generated cases (hypothesis, deterministic, a few seconds)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from conftest import PLANS_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfkit.evaluation import evaluate
from perfkit.io import Dataset
from perfkit.payout import pay, payout_curve, round_cents, total_amount
from perfkit.plans import load_plans

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


PLANS = load_plans(PLANS_DIR)
ROLES = sorted(PLANS)

achievements = st.one_of(st.just(np.nan), st.floats(min_value=0.0, max_value=3.0, allow_nan=False))


@st.composite
def team_case(draw):
    """A plan, a team of 1-5 people with achievements (NaNs allowed) and modifiers."""
    plan = PLANS[draw(st.sampled_from(ROLES))]
    n = draw(st.integers(1, 5))
    k = len(plan.metrics)
    ach = np.array(draw(st.lists(achievements, min_size=n * k, max_size=n * k))).reshape(n, k)
    lo, hi = plan.payout.modifier_min, plan.payout.modifier_max
    mods = np.array(draw(st.lists(st.floats(lo, hi), min_size=n, max_size=n)))
    return plan, ach, mods


def payout_of(plan, ach, mods):
    """Scores and payout shares of each person of one team, through the one money path."""
    out = pay(ach, plan=plan, team=np.zeros(len(ach), dtype=np.int64), modifier=mods)
    return out.scores, out.pct


@SETTINGS
@given(team_case(), st.data())
def test_more_achievement_never_pays_less(case, data):
    plan, ach, mods = case
    i = data.draw(st.integers(0, len(ach) - 1))
    j = data.draw(st.integers(0, ach.shape[1] - 1))
    if np.isnan(ach[i, j]):
        return  # "raising" a missing value is not defined; it is re-normalisation, tested apart
    better = ach.copy()
    better[i, j] += data.draw(st.floats(0.0, 2.0))
    _, before = payout_of(plan, ach, mods)
    _, after = payout_of(plan, better, mods)
    # the person and, through the team result, every teammate
    assert (after.payout_pct >= before.payout_pct - 1e-12).all()


@SETTINGS
@given(team_case())
def test_no_payout_passes_the_caps_and_nothing_is_nan(case):
    plan, ach, mods = case
    arrays, pay = payout_of(plan, ach, mods)
    curve = plan.payout.curve
    assert (pay.individual_curve <= curve.cap + 1e-12).all()
    assert (pay.team_curve <= curve.cap + 1e-12).all()
    assert (pay.payout_pct <= plan.payout.person_cap + 1e-12).all()
    assert np.isfinite(pay.payout_pct).all() and (pay.payout_pct >= 0).all()
    assert (pay.payout_pct[np.isnan(arrays.composite)] == 0).all()


@SETTINGS
@given(team_case())
def test_a_failed_gate_pays_zero(case):
    plan, ach, mods = case
    if not plan.gates:
        return
    g = plan.gates[0]
    j = plan.metric_keys.index(g.metric)
    ach = ach.copy()
    ach[0, j] = g.min_achievement * 0.99  # just under the gate
    arrays, pay = payout_of(plan, ach, mods)
    assert not arrays.gate_passed[0]
    assert pay.payout_pct[0] == 0.0 and pay.individual_pct[0] == 0.0 and pay.team_pct[0] == 0.0


@SETTINGS
@given(st.floats(0.0, 3.0), st.floats(0.5, 1.5), st.floats(1000, 500_000))
def test_payout_curve_is_monotone_and_capped(c, dc, bonus):
    curve = PLANS["online_promotion"].payout.curve
    lo, hi = payout_curve([c, c + dc], curve)
    assert lo <= hi <= curve.cap


@SETTINGS
@given(st.lists(st.floats(0.0, 1_000_000.0), min_size=1, max_size=50))
def test_sum_of_rounded_lines_equals_the_printed_total(amounts):
    lines = round_cents(amounts)
    exact = sum(Decimal(repr(x)).quantize(Decimal("0.01")) for x in lines.tolist())
    assert Decimal(f"{total_amount(lines):.2f}") == exact
    # each line is the half-up rounding of the amount as written in decimals (to 1e-6 of a cent)
    for x, y in zip(amounts, lines.tolist(), strict=True):
        want = Decimal(repr(round(x * 100, 6))).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        assert Decimal(repr(y)) * 100 == want


# -- end to end: proration scales linearly ---------------------------------------------------


@pytest.fixture(scope="module")
def example():
    from test_evaluation import worked_example_dataset

    return worked_example_dataset()


@SETTINGS
@given(st.integers(0, 91))
def test_proration_scales_linearly_with_days(example, offset):
    hire = pd.Timestamp("2026-07-01") + pd.Timedelta(days=offset)
    emp = example.employees.copy()
    emp.loc[emp["employee_id"] == "E0102", "hire_date"] = hire
    ds = Dataset(emp, example.actuals, example.targets, example.ratings, example.modifiers)
    full = evaluate(example, PLANS, "2026Q3", roles="online_promotion").results.set_index(
        "employee_id"
    )
    part = evaluate(ds, PLANS, "2026Q3", roles="online_promotion").results.set_index("employee_id")
    days = 92 - offset
    assert part.loc["E0102", "proration"] == pytest.approx(days / 92)
    unrounded = full.loc["E0102", "target_bonus"] * full.loc["E0102", "payout_pct"] * days / 92
    assert part.loc["E0102", "payout_amount"] == pytest.approx(unrounded, abs=0.005 + 1e-9)
    assert (
        abs(part.loc["E0102", "payout_amount"] - full.loc["E0102", "payout_amount"] * days / 92)
        <= 0.01
    )
    total = sum(Decimal(repr(x)) for x in part["payout_amount"].tolist())
    assert Decimal(f"{total_amount(part['payout_amount']):.2f}") == total


@st.composite
def curve_of_points(draw):
    """A payout curve of 1-6 points in any form: composites rising, payouts (or rates) >= 0."""
    from perfkit.plans import PayoutCurve

    n = draw(st.integers(1, 6))
    steps = draw(st.lists(st.floats(0.05, 0.5), min_size=n, max_size=n))
    xs = np.cumsum(steps) + 0.3
    form = draw(st.sampled_from(["linear", "tier", "marginal"]))
    ys = draw(st.lists(st.floats(0.0, 2.0), min_size=n, max_size=n))
    if form != "marginal":
        ys = sorted(ys)
    cap = draw(st.floats(0.5, 3.0))
    base = draw(st.floats(0.0, 1.0))
    points = [[float(x), float(y)] for x, y in zip(xs, ys, strict=True)]
    return PayoutCurve(points=points, form=form, cap=cap, base=base)


@SETTINGS
@given(curve_of_points(), st.lists(st.floats(0.0, 3.0), min_size=2, max_size=30))
def test_any_payout_curve_is_monotone_and_capped(curve, composites):
    c = np.sort(np.array(composites))
    paid = payout_curve(c, curve)
    assert (np.diff(paid) >= -1e-12).all()
    assert (paid <= curve.cap + 1e-12).all() and (paid >= 0).all()
    assert (paid[c + 1e-9 < curve.points[0][0]] == 0).all()  # nothing below the first point
