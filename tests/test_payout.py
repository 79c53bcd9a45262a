"""Payout curve tiers, team component, gates, modifier, person cap and cent rounding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from perfkit.errors import DataError
from perfkit.payout import (
    TIER_ACCEL,
    TIER_BELOW,
    TIER_CAPPED,
    TIER_FLAT,
    TIER_LOW,
    TIER_NONE,
    TIER_TARGET,
    check_modifiers,
    explain,
    lookup_modifiers,
    pay,
    payout_curve,
    payout_pcts,
    payout_tier,
    round_cents,
    team_groups,
    team_result,
    total_amount,
)
from perfkit.plans import PayoutCurve

# the templates' curve: 0.7 -> 0.5 (jump), 1.0 -> 1.0, 1.3 -> 1.8, cap 1.8
CURVE = PayoutCurve(
    threshold=0.7, threshold_payout=0.5, target=1.0, target_payout=1.0,
    stretch=1.3, stretch_payout=1.8, cap=1.8,
)  # fmt: skip


@pytest.mark.parametrize(
    ("composite", "pct", "tier"),
    [
        (0.0, 0.0, TIER_BELOW), (0.69, 0.0, TIER_BELOW), (0.7, 0.5, TIER_LOW),
        (0.6999999999999, 0.5, TIER_LOW),  # float noise below a knot counts as reaching it
        (0.71, 0.5 + 0.5 * 0.01 / 0.3, TIER_LOW), (0.85, 0.75, TIER_LOW),
        (0.99, 0.5 + 0.5 * 0.29 / 0.3, TIER_LOW), (1.0, 1.0, TIER_TARGET),
        (1.01, 1.0 + 0.8 * 0.01 / 0.3, TIER_ACCEL), (1.15, 1.4, TIER_ACCEL),
        (1.3, 1.8, TIER_FLAT), (1.31, 1.8, TIER_FLAT), (2.5, 1.8, TIER_FLAT),
        (np.nan, 0.0, TIER_NONE),
    ],
)  # fmt: skip
def test_payout_curve_at_and_around_each_knot(composite, pct, tier):
    assert payout_curve([composite], CURVE)[0] == pytest.approx(pct)
    assert payout_tier([composite], CURVE)[0] == tier


def test_curve_cap_below_stretch_payout():
    curve = CURVE.model_copy(update={"stretch_payout": 2.0, "cap": 1.6})
    # accelerator 1.0 -> 2.0 over 1.0 -> 1.3; 1.15 pays 1.5 (under the cap), 1.3 would pay 2.0
    np.testing.assert_allclose(payout_curve([1.15, 1.3, 1.6], curve), [1.5, 1.6, 1.6])
    assert payout_tier([1.15, 1.3], curve).tolist() == [TIER_ACCEL, TIER_CAPPED]


def test_individual_and_team_components(plans):
    plan = plans["brand_content"]  # team share 30%, person cap 2.0
    pay = payout_pcts([1.15], plan=plan, team_result=[0.85])
    assert pay.individual_pct[0] == pytest.approx(0.7 * 1.4)
    assert pay.team_pct[0] == pytest.approx(0.3 * 0.75)
    assert pay.payout_pct[0] == pytest.approx(0.98 + 0.225)


def test_gate_failure_and_missing_composite_pay_nothing(plans):
    plan = plans["brand_content"]
    pay = payout_pcts(
        [1.2, np.nan, 1.2], plan=plan, team_result=[1.2, 1.2, 1.2], gate_passed=[False, True, True]
    )
    assert pay.payout_pct.tolist()[:2] == [0.0, 0.0]
    assert pay.team_pct.tolist()[:2] == [0.0, 0.0]  # the team component too
    assert pay.payout_pct[2] > 0


def test_modifier_applies_to_the_sum_and_person_cap_holds(plans):
    plan = plans["brand_content"].with_overrides({"payout.person_cap": 1.9})
    pay = payout_pcts([1.15, 1.5], plan=plan, team_result=[1.15, 1.5], modifier=[1.1, 1.1])
    assert pay.before_cap[0] == pytest.approx(1.4 * 1.1)
    assert pay.payout_pct[0] == pytest.approx(1.54)
    assert pay.before_cap[1] == pytest.approx(1.8 * 1.1)  # 1.98
    assert pay.payout_pct[1] == pytest.approx(1.9)  # person cap


def test_team_valuemean_composite_skips_unscored_members(plans):
    plan = plans["brand_content"]
    got = team_result([0, 0, 0, 1], plan=plan, composite=[1.0, 1.2, np.nan, 0.9])
    np.testing.assert_allclose(got, [1.1, 1.1, 1.1, 0.9])


def test_team_valuepooled_sum_metric_on_its_score_curve(plans):
    plan = plans["offline_channel"]  # team_measure new_channels: sum, step tiers
    actual = np.array([3.0, 3.0, np.nan])
    target = np.array([2.0, 6.0, 3.0])
    got = team_result(
        [0, 0, 0], plan=plan, actual=actual, target=target, achievements=actual / target
    )
    # pooled (3 + 3) / (2 + 6) = 0.75 -> tier 0.66 -> score 0.5; the member without data is left out
    # (the mean of achievements, (1.5 + 0.5) / 2 = 1.0, would score 1.0)
    np.testing.assert_allclose(got, [0.5, 0.5, 0.5])


def test_team_valuemean_achievement_for_non_sum_metric(plans):
    plan = plans["offline_channel"].with_overrides({"payout.team_measure": "partner_satisfaction"})
    ach = np.array([4.0 / 4.0, 4.5 / 4.0, np.nan])  # satisfaction 4.0 and 4.5 against 4.0
    got = team_result([0, 0, 0], plan=plan, achievements=ach)
    # mean 1.0625 on satisfaction's curve (1.0 -> 1.0, 1.125 -> 1.5): 1 + 0.5 * 0.0625 / 0.125
    np.testing.assert_allclose(got, [1.25] * 3)


@pytest.mark.parametrize(
    ("amount", "cents"),
    [(0.125, 0.13), (2.675, 2.68), (1.005, 1.01), (0.124999, 0.12), (0.0, 0.0),
     (17215.777173913, 17215.78), (10_000_000.005, 10_000_000.01), (4321.5, 4321.5)],
)  # fmt: skip
def test_round_cents_half_up_as_the_decimals_read(amount, cents):
    assert round_cents([amount])[0] == cents


def test_total_is_exact_sum_of_rounded_lines():
    assert total_amount([0.1, 0.2]) == 0.3  # plain float sum gives 0.30000000000000004
    assert total_amount([0.1] * 10) == 1.0
    assert total_amount(round_cents(np.full(7, 1 / 3))) == 2.31


def test_lookup_modifiers_matches_exact_period():
    mods = pd.DataFrame(
        {"employee_id": ["A", "B", "A"], "period": ["2026Q3", "2026Q3", "2026Q2"],
         "modifier": [1.05, 0.9, 1.1]}
    )  # fmt: skip
    mod, row = lookup_modifiers(mods, ["A", "B", "C"], ["2026Q3", "2026Q3", "2026Q3"])
    assert mod.tolist() == [1.05, 0.9, 1.0]
    assert row.tolist() == [0, 1, -1]


def test_lookup_modifiers_rejects_repeats_and_blanks():
    mods = pd.DataFrame(
        {"employee_id": ["A", "A"], "period": ["2026Q3", "2026Q3"], "modifier": [1.0, 1.1]}
    )
    with pytest.raises(DataError, match="more than once"):
        lookup_modifiers(mods, ["A"], ["2026Q3"])
    blank = pd.DataFrame({"employee_id": ["A"], "period": ["2026Q3"], "modifier": [np.nan]})
    with pytest.raises(DataError, match="not a number"):
        lookup_modifiers(blank, ["A"], ["2026Q3"])


def test_modifier_outside_plan_bounds_names_the_row(plans):
    plan = plans["brand_content"]  # 0.9 .. 1.1
    check_modifiers(
        np.array([0.9, 1.1, 1.0]), np.array([0, 1, -1]), plan=plan,
        employee_ids=np.array(["A", "B", "C"]), period=np.array(["2026Q3"] * 3),
    )  # fmt: skip
    with pytest.raises(
        DataError, match=r"data row 2 \(employee_id B, period 2026Q3\): modifier 1.2"
    ):
        check_modifiers(
            np.array([1.0, 1.2]), np.array([0, 1]), plan=plan,
            employee_ids=np.array(["A", "B"]), period=np.array(["2026Q3"] * 2),
        )  # fmt: skip


def test_pay_on_an_achievement_matrix(plans):
    plan = plans["brand_content"]  # team share 30%, team measure: the composite
    k = len(plan.metrics)
    ach = np.vstack([np.ones(k), np.full(k, np.nan)])
    out = pay(
        ach, plan=plan, team=["T1", "T1"], annual_bonus=[40_000.0, 40_000.0], months=3,
        days=[46, 92], period_days=[92, 92], explain_lines=True,
    )  # fmt: skip
    # A on target: 0.7 x 1.0 + 0.3 x curve(team mean of A only = 1.0) = 1.0 of the quarter's
    # 10,000 target bonus, for half the days; B has no composite and is paid nothing
    assert out.target_bonus.tolist() == [10_000.0, 10_000.0]
    assert out.pct.payout_pct.tolist() == pytest.approx([1.0, 0.0])
    assert out.proration.tolist() == [0.5, 1.0]
    assert out.amount.tolist() == [5000.0, 0.0]
    text = out.explanation.to_pylist()
    assert text[0].endswith("prorated 46/92 days; paid 5,000.00 CNY")
    assert text[1] == "No metric could be scored → no payout; paid 0.00 CNY"
    # without explanations (a Monte Carlo draw) the money is the same
    quiet = pay(ach, plan=plan, team=["T1", "T1"], annual_bonus=[40_000.0] * 2, months=3,
                days=[46, 92], period_days=[92, 92])  # fmt: skip
    assert quiet.explanation is None and quiet.amount.tolist() == [5000.0, 0.0]


def test_pay_pools_teams_within_a_period_and_alone_without_a_team(plans):
    plan = plans["brand_content"]
    k = len(plan.metrics)
    ach = np.array([[1.2] * k, [0.8] * k, [1.2] * k, [0.8] * k])
    out = pay(ach, plan=plan, team=["T1", "T1", "T1", ""], period=["Q2", "Q2", "Q3", "Q3"])
    comp = out.scores.composite
    # Q2: two members pool; Q3: T1 has one member, and the person without a team is alone
    assert out.team_result.tolist() == pytest.approx(
        [(comp[0] + comp[1]) / 2, (comp[0] + comp[1]) / 2, comp[2], comp[3]]
    )
    assert team_groups(["T1", "T1", "T1", ""], ["Q2", "Q2", "Q3", "Q3"]).tolist() == [0, 0, 1, 2]


def test_pay_refuses_a_missing_annual_bonus(plans):
    plan = plans["brand_content"]
    with pytest.raises(DataError, match="annual_target_bonus is missing"):
        pay(np.ones((1, len(plan.metrics))), plan=plan, annual_bonus=[np.nan])


def test_explanation_never_shows_a_missed_knot_as_reached(plans):
    plan = plans["brand_content"]  # payout threshold 0.70, band C from 0.70, team share 30%
    comp = np.array([0.6996, 0.70 - 1e-12, 1.0849])
    n = len(comp)
    pay = payout_pcts(comp, plan=plan, team_result=comp)
    text = explain(
        plan=plan, composite=comp, band=np.array(["D", "C", "B"], dtype=object),
        gate_passed=np.ones(n, dtype=bool), gate_detail=np.full(n, "", dtype=object),
        team_value=comp, pay=pay, modifier=np.ones(n), proration=np.ones(n),
        amount=np.zeros(n), currency=np.full(n, "CNY", dtype=object),
    ).to_pylist()  # fmt: skip
    # 0.6996 is below 0.70: cut to 0.69, where rounding would have printed 0.70
    assert text[0].startswith("Composite 0.69 (band D) → individual 0.00 (below threshold)")
    assert "(team composite 0.69, below threshold)" in text[0]
    # within the knot tolerance 0.70 counts as reached, and reads so
    assert text[1].startswith("Composite 0.70 (band C) → individual 0.50")
    assert text[2].startswith("Composite 1.08 (band B)")


def test_explanation_writes_amounts_as_python_formats_them(plans):
    plan = plans["brand_content"]
    amounts = np.array(
        [0.0, 0.5, 7.1, 999.99, 1000.0, 12345.67, 1234567.89, 2.675, 1.005, 999999.995,
         1e12 + 0.25, 0.125, 123456789012.34, np.nan]
    )  # fmt: skip
    n = len(amounts)
    pay = payout_pcts(np.ones(n), plan=plan, team_result=np.ones(n))
    text = explain(
        plan=plan, composite=np.ones(n), band=np.full(n, "B", dtype=object),
        gate_passed=np.ones(n, dtype=bool), gate_detail=np.full(n, "", dtype=object),
        team_value=np.ones(n), pay=pay, modifier=np.ones(n), proration=np.ones(n),
        amount=amounts, currency=np.array(["CNY", "EUR"] * (n // 2), dtype=object),
    ).to_pylist()  # fmt: skip
    for sentence, amount, currency in zip(text, amounts, ["CNY", "EUR"] * (n // 2), strict=True):
        assert sentence.endswith(f"; paid {amount:,.2f} {currency}")
    assert text[5].endswith("; paid 12,345.67 EUR")
    assert text[0].startswith("Composite 1.00 (band B) → individual 1.00 (on target) × 70%")


# -- payout curves of any number of points -----------------------------------------------


def _with_curve(plan, curve: dict):
    data = plan.model_dump(mode="json")
    data["payout"]["curve"] = curve
    return type(plan).model_validate(data)


def test_three_point_curve_and_its_points_pay_alike(plans):
    plan = plans["online_promotion"]
    pts = _with_curve(plan, {"points": [[0.7, 0.5], [1.0, 1.0], [1.3, 1.8]], "cap": 1.8})
    grid = np.linspace(0, 2, 401)
    assert payout_curve(grid, pts.payout.curve).tolist() == payout_curve(grid, CURVE).tolist()
    c = pts.payout.curve
    assert (c.threshold, c.target, c.stretch, c.stretch_payout) == (0.7, 1.0, 1.3, 1.8)


def test_several_accelerator_tiers_linear(plans):
    curve = _with_curve(
        plans["online_promotion"],
        {"points": [[0.7, 0.5], [1.0, 1.0], [1.2, 1.6], [1.5, 2.2]], "cap": 2.2},
    ).payout.curve
    got = payout_curve([0.69, 0.7, 1.1, 1.35, 2.0], curve)
    # 1.1: 1.0 + 0.6 x 0.1 / 0.2 = 1.3; 1.35: 1.6 + 0.6 x 0.15 / 0.3 = 1.9
    assert got.tolist() == pytest.approx([0.0, 0.5, 1.3, 1.9, 2.2])
    assert payout_tier([1.1, 1.6], curve).tolist() == [TIER_ACCEL, TIER_FLAT]


def test_tier_form_pays_one_rate_on_everything(plans):
    curve = _with_curve(
        plans["online_promotion"],
        {"points": [[0.7, 0.5], [1.0, 1.0], [1.2, 1.5]], "form": "tier", "cap": 2.0},
    ).payout.curve
    got = payout_curve([0.69, 0.8, 1.0, 1.19, 1.3], curve)
    assert got.tolist() == [0.0, 0.5, 1.0, 1.0, 1.5]


def test_marginal_form_adds_each_brackets_rate(plans):
    curve = _with_curve(
        plans["online_promotion"],
        {"points": [[0.7, 1.0], [1.0, 3.0]], "form": "marginal", "base": 0.5, "cap": 1.4},
    ).payout.curve
    # 0.5 at 0.7, +1.0 per unit to 1.0 (0.8), then +3.0 per unit until the cap 1.4 at 1.2
    got = payout_curve([0.69, 0.7, 0.85, 1.0, 1.1, 1.2, 1.5], curve)
    assert got.tolist() == pytest.approx([0.0, 0.5, 0.65, 0.8, 1.1, 1.4, 1.4])
    assert (curve.threshold, curve.target, curve.target_payout) == (0.7, 1.2, 1.4)


def test_a_curve_with_both_spellings_or_falling_payouts_is_refused(plans):
    from pydantic import ValidationError

    from perfkit.errors import PlanError

    plan = plans["online_promotion"]
    with pytest.raises(ValidationError, match="either as `points` or as threshold/target/stretch"):
        _with_curve(plan, {"points": [[0.7, 0.5]], "threshold": 0.9})
    with pytest.raises(PlanError, match="payouts must not fall"):
        plan.with_overrides({"payout.curve": {"points": [[0.7, 0.5], [1.0, 0.4]]}})
    with pytest.raises(PlanError, match="each above the last"):
        plan.with_overrides({"payout.curve": {"points": [[0.7, 0.5], [0.7, 1.0]]}})


def test_overrides_move_the_points_of_a_curve(plans):
    tiers = plans["online_promotion"].with_overrides(
        {"payout.curve": {"points": [[0.7, 0.5], [1.0, 1.0], [1.2, 1.6], [1.5, 2.2]], "cap": 2.2}}
    )
    moved = tiers.with_overrides({"payout.curve.points.2.1": 1.7, "payout.curve.threshold": 0.8})
    assert moved.payout.curve.points == ((0.8, 0.5), (1.0, 1.0), (1.2, 1.7), (1.5, 2.2))
    assert moved.payout.curve.threshold == 0.8
    assert tiers.payout.curve.points[2] == (1.2, 1.6)  # the original is unchanged
    # the target is the point paying 100%: moving it moves that point
    assert tiers.with_overrides({"payout.curve.target": 1.05}).payout.curve.points[1] == (
        1.05,
        1.0,
    )
    # the three-point spelling keeps working as before
    classic = plans["online_promotion"].with_overrides({"payout.curve.threshold": 0.85})
    assert classic.payout.curve.threshold == 0.85 and classic.payout.curve.points is None


def test_pay_with_scores_worked_out_before_pays_the_same(plans):
    """A payout sweep scores once: pay(scores=...) gives what pay scoring itself gives."""
    from perfkit.scoring import score_matrix

    plan = plans["online_promotion"]
    rng = np.random.default_rng(11)
    ach = rng.uniform(0.3, 1.6, size=(40, len(plan.metrics)))
    ach[3, 1] = np.nan  # an unscored metric
    team = np.repeat(np.arange(8), 5)
    bonus = np.full(40, 120_000.0)
    scores = score_matrix(ach, plan=plan)
    for threshold in (0.6, 0.8, 0.9):
        changed = plan.with_overrides({"payout.curve.threshold": threshold})
        alone = pay(ach, plan=changed, team=team, annual_bonus=bonus)
        reused = pay(ach, plan=changed, team=team, annual_bonus=bonus, scores=scores)
        assert np.array_equal(alone.amount, reused.amount)
        assert np.array_equal(alone.pct.payout_pct, reused.pct.payout_pct, equal_nan=True)
        assert np.array_equal(alone.team_result, reused.team_result, equal_nan=True)
    # scores of some rows (repeats allowed) are those rows' scores
    rows = np.array([5, 5, 0, 39, 3])
    taken = scores.take(rows)
    again = score_matrix(ach[rows], plan=plan)
    assert np.array_equal(taken.composite, again.composite, equal_nan=True)
    assert taken.band.tolist() == again.band.tolist()
    # scores of another achievement matrix are refused, never paid on
    with pytest.raises(ValueError, match="another achievement"):
        pay(ach + 0.01, plan=plan, team=team, annual_bonus=bonus, scores=scores)
