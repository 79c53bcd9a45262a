"""Achievement, score curves, re-normalised composites, rating bands and gates."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from perfkit.errors import PlanError
from perfkit.plans import Plan
from perfkit.scoring import (
    SCORE_COLUMNS,
    achievement,
    curve_score,
    gate_check,
    person_scores,
    rating_band,
    score_achievement,
    score_matrix,
    score_metrics,
)


def three_metric_plan(**payout):
    metrics = [
        {"key": k, "label": k, "label_zh": k, "unit": "count", "kind": "quantitative",
         "measure": {"agg": "sum", "source": "leads"}, "target": 100.0, "weight": w,
         "threshold": 80.0, "stretch": 130.0}
        for k, w in (("a", 0.5), ("b", 0.3), ("c", 0.2))
    ]  # fmt: skip
    return Plan.model_validate(
        {
            "role": "tester", "name": "t", "name_zh": "t", "metrics": metrics,
            "rating_bands": [
                {"band": "A", "min_composite": 1.1, "guideline_share": 0.3},
                {"band": "B", "min_composite": 0.9, "guideline_share": 0.5},
                {"band": "C", "min_composite": 0.0, "guideline_share": 0.2},
            ],
            "gates": [
                {"key": "a_floor", "metric": "a", "min_achievement": 0.6},
                {"key": "c_floor", "metric": "c", "min_achievement": 0.5},
            ],
            **payout,
        }
    )  # fmt: skip


# -- achievement -------------------------------------------------------------------------


def test_achievement_higher_is_better():
    got = achievement([450.0, 0.0, -5.0, 600.0], 500.0, "higher")
    np.testing.assert_allclose(got, [0.9, 0.0, 0.0, 1.2])  # negatives floor at 0


def test_achievement_lower_is_better_is_linear_and_symmetric():
    # 2 - actual/target: 6 vs 5 -> 0.8, 4 vs 5 -> 1.2 (symmetric), 0 -> 2 (finite), >= 10 -> 0
    got = achievement([6.0, 4.0, 0.0, 10.0, 12.0], 5.0, "lower")
    np.testing.assert_allclose(got, [0.8, 1.2, 2.0, 0.0, 0.0])


def test_achievement_missing_actual_or_bad_target_is_nan():
    got = achievement([np.nan, 5.0, 5.0], [5.0, 0.0, np.nan], ["higher", "lower", "higher"])
    assert np.isnan(got).all()


# -- curves ------------------------------------------------------------------------------

JUMP = [(0.8, 0.0), (0.8, 0.5), (1.0, 1.0), (1.3, 1.5)]


@pytest.mark.parametrize(
    ("ach", "score"),
    [
        (0.0, 0.0), (0.79, 0.0), (0.8, 0.5), (0.7999999999999, 0.5), (0.9, 0.75), (1.0, 1.0),
        (1.15, 1.25), (1.3, 1.5), (1.31, 1.5), (5.0, 1.5),
    ],
)  # fmt: skip
def test_linear_curve_with_jump_and_flat_ends(ach, score):
    assert curve_score(np.array([ach]), JUMP)[0] == pytest.approx(score)


def test_flat_before_the_first_point():
    assert curve_score([0.1, 0.5, 0.75], [(0.5, 0.2), (1.0, 1.0)]).tolist() == pytest.approx(
        [0.2, 0.2, 0.6]
    )


def _curve_by_hand(a, points, step):
    """The rule of docs/engine.md for one value, written plainly."""
    if math.isnan(a):
        return math.nan
    j = sum(1 for x, _ in points if x <= a + 1e-9)
    if j == 0:
        return points[0][1]
    if j == len(points):
        return points[-1][1]
    (x0, y0), (x1, y1) = points[j - 1], points[j]
    if step:
        return y0
    return y0 + (y1 - y0) * min(max((a - x0) / (x1 - x0), 0.0), 1.0)


@pytest.mark.parametrize("step", [False, True])
@pytest.mark.parametrize(
    "points",
    [JUMP, [(0.5, 0.0), (0.8, 0.3), (0.8, 0.6), (1.0, 1.0), (1.25, 1.6)], [(1.0, 1.0)],
     [(0.5, 0.2), (0.5, 0.4), (0.5, 0.9), (1.0, 1.0)], [(0.5, -1.0), (1.0, 1.0), (2.0, -3.5)]],
)  # fmt: skip
def test_curve_score_matches_the_rule_value_by_value(points, step, rng):
    xs = np.array([x for x, _ in points])
    a = np.concatenate(
        [rng.uniform(-1, 3, 2000), xs, xs - 5e-10, xs - 2e-9, xs + 1e-12, [np.nan, np.inf]]
    )
    expected = [_curve_by_hand(v, points, step) for v in a.tolist()]
    np.testing.assert_array_equal(curve_score(a, points, step=step), expected)


def test_nan_achievement_gives_nan_score():
    assert np.isnan(curve_score([np.nan], JUMP)[0])


@pytest.mark.parametrize(
    ("ach", "score"),
    [(0.0, 0.0), (0.5, 0.0), (0.66, 0.5), (2 / 3, 0.5), (0.99, 0.5), (1.0, 1.0), (1.65, 1.0),
     (1.66, 1.5), (4.0, 1.5)],
)  # fmt: skip
def test_step_curve_holds_each_tier(ach, score, plans):
    plan = plans["offline_channel"]
    pts, step = plan.curve_points("new_channels")
    assert step is True
    assert curve_score([ach], pts, step=step)[0] == score


def test_offline_new_channels_two_of_three_scores_half(plans):
    plan = plans["offline_channel"]
    pts, step = plan.curve_points("new_channels")
    assert curve_score(achievement([2.0], [3.0]), pts, step=step)[0] == 0.5


def test_metric_cap_limits_the_score(plans):
    plan = plans["online_promotion"].with_overrides({"metrics.leads.cap": 1.2})
    pts, step = plan.curve_points("leads")
    # the cap clips the curve: from target the slope is (1.5 - 1) / (4/3 - 1) = 1.5 as before,
    # so 1.1 scores 1.15; the line meets the cap 1.2 at 1 + 0.2 / 1.5 = 1.1333, flat after
    got = curve_score([1.0, 1.1, 1.2, 2.0], pts, step=step)
    np.testing.assert_allclose(got, [1.0, 1.15, 1.2, 1.2])


def test_default_curve_of_a_lower_is_better_metric(plans):
    plan = plans["online_promotion"]
    # search_rank: threshold 8 -> 2 - 8/5 = 0.4, stretch 3 -> 1.4
    pts, _ = plan.curve_points("search_rank")
    assert pts == ((0.4, 0.0), (0.4, 0.5), (1.0, 1.0), (1.4, 1.5))
    ranks = np.array([9.0, 8.0, 5.6, 5.0, 4.0, 3.0, 1.0])
    got = curve_score(achievement(ranks, 5.0, "lower"), pts)
    np.testing.assert_allclose(got, [0.0, 0.5, 0.9, 1.0, 1.25, 1.5, 1.5])


# -- composite, re-normalisation, bands, gates -------------------------------------------


def test_composite_is_weighted_sum():
    plan = three_metric_plan()
    arrays = score_matrix(np.array([[1.0, 1.15, 0.9]]), plan=plan)
    # scores 1.0, 1.25, 0.5 + 0.5 * (0.9 - 0.8) / 0.2 = 0.75
    np.testing.assert_allclose(arrays.score[0], [1.0, 1.25, 0.75])
    assert arrays.composite[0] == pytest.approx(0.5 * 1.0 + 0.3 * 1.25 + 0.2 * 0.75)  # 1.025
    assert arrays.band[0] == "B"


def test_unscored_metric_drops_out_and_weights_renormalise():
    plan = three_metric_plan()
    arrays = score_matrix(np.array([[1.0, np.nan, 1.15]]), plan=plan)
    np.testing.assert_allclose(arrays.weight[0], [0.5 / 0.7, 0.0, 0.2 / 0.7])
    # not (0.5 * 1 + 0.2 * 1.25) = 0.75 as if b scored zero, but 0.75 / 0.7
    assert arrays.composite[0] == pytest.approx((0.5 * 1.0 + 0.2 * 1.25) / 0.7)
    assert np.isnan(arrays.score[0, 1]) and np.isnan(arrays.weighted_score[0, 1])


def test_nothing_scored_gives_nan_composite_and_no_band():
    arrays = score_matrix(np.full((1, 3), np.nan), plan=three_metric_plan())
    assert np.isnan(arrays.composite[0])
    assert arrays.band[0] is None
    assert not arrays.gate_passed[0]


def test_achievement_matrix_must_match_the_plan():
    with pytest.raises(PlanError, match="one column per plan metric"):
        score_matrix(np.ones((2, 2)), plan=three_metric_plan())


@pytest.mark.parametrize(
    ("composite", "band"),
    [(1.25, "S"), (1.2499, "A"), (1.08, "A"), (1.0799, "B"), (0.92, "B"),
     (0.9199999999999, "B"), (0.9199, "C"), (0.7, "C"), (0.6999, "D"), (0.0, "D"), (3.0, "S")],
)  # fmt: skip
def test_rating_band_boundaries(composite, band, plans):
    assert rating_band([composite], plan=plans["online_promotion"])[0] == band


def test_gates_fail_below_minimum_or_without_data():
    plan = three_metric_plan()
    ach = np.array(
        [[0.6, 1.0, 0.5], [0.59, 1.0, 1.0], [np.nan, 1.0, 1.0], [0.3, 1.0, 0.2], [2.0, 2.0, 2.0]]
    )
    passed, failed, detail = gate_check(ach, plan=plan)
    assert passed.tolist() == [True, False, False, False, True]
    assert failed.tolist() == ["", "a_floor", "a_floor", "a_floor,c_floor", ""]
    assert detail[1] == "a_floor (a achievement 0.59 < 0.60)"
    assert detail[2] == "a_floor (no data for gate metric a)"
    # just under the gate prints rounded down, never as "0.60 < 0.60"
    _, _, detail = gate_check(np.array([[0.5996, 1.0, 1.0]]), plan=plan)
    assert detail[0] == "a_floor (a achievement 0.59 < 0.60)"


# -- frames ------------------------------------------------------------------------------


def values_frame():
    rows = [
        ("A", "a", 100.0), ("A", "b", 115.0), ("A", "c", 90.0),
        ("B", "a", 50.0), ("B", "b", np.nan), ("B", "c", 130.0),
    ]  # fmt: skip
    return pd.DataFrame(
        {
            "employee_id": [r[0] for r in rows], "period": "2026Q3", "role": "tester",
            "team": "T1", "metric": [r[1] for r in rows], "actual": [r[2] for r in rows],
            "target": 100.0, "note": ["", "", "", "", "no data", ""],
        }
    )  # fmt: skip


def test_score_metrics_adds_columns_in_input_order():
    plan = three_metric_plan()
    out = score_metrics(values_frame(), plans={"tester": plan})
    assert list(out.columns) == SCORE_COLUMNS
    assert out["employee_id"].tolist() == ["A", "A", "A", "B", "B", "B"]
    np.testing.assert_allclose(out["score"].iloc[:3], [1.0, 1.25, 0.75])
    # B: a scores 0 (below threshold), b unscored, c at stretch 1.5; weights 0.5/0.7, 0, 0.2/0.7
    np.testing.assert_allclose(out["weight"].iloc[3:], [0.5 / 0.7, 0.0, 0.2 / 0.7])
    assert out["note"].iloc[4] == "no data; not scored; its weight is shared by the scored metrics"
    assert out["note"].iloc[3] == "weight re-normalised from 0.5 (not scored: b)"
    assert out["kind"].unique().tolist() == ["quantitative"]
    people = person_scores(out, plans={"tester": plan})
    np.testing.assert_allclose(people["composite"], [1.025, 0.2 * 1.5 / 0.7])
    assert people["gate_failed"].tolist() == ["", "a_floor"]  # B's a achievement 0.5 < 0.6


def test_score_metrics_rejects_unknown_role_and_metric():
    plan = three_metric_plan()
    with pytest.raises(PlanError, match="known roles: tester"):
        score_metrics(values_frame().assign(role="nobody"), plans={"tester": plan})
    with pytest.raises(PlanError, match="its metrics are a, b, c"):
        score_metrics(values_frame().assign(metric="zzz"), plans={"tester": plan})


def test_score_achievement_fast_path_matches_score_metrics():
    plan = three_metric_plan()
    scored = score_metrics(values_frame(), plans={"tester": plan})
    fast = score_achievement(scored[["employee_id", "period", "metric", "achievement"]], plan=plan)
    assert fast["employee_id"].tolist() == ["A", "B"]
    np.testing.assert_allclose(fast["composite"], [1.025, 0.2 * 1.5 / 0.7])
    assert fast["rating"].tolist() == ["B", "C"]
    assert fast["gate_passed"].tolist() == [True, False]
    # a missing row counts as unscored, like a NaN achievement
    fewer = scored[scored["metric"] != "b"][["employee_id", "period", "metric", "achievement"]]
    again = score_achievement(fewer, plan=plan)
    assert again["composite"].iloc[0] == pytest.approx((0.5 * 1.0 + 0.2 * 0.75) / 0.7)
    assert not math.isnan(again["composite"].iloc[1])
