"""Raw monthly actuals to metric values: every measure type, targets, notes, who is included."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from perfkit.io import Dataset
from perfkit.metrics import (
    NOTE_BASELINE_ZERO,
    NOTE_DENOMINATOR_ZERO,
    NOTE_NO_BASELINE,
    NOTE_NO_DATA,
    NOTE_NOT_RATED,
    NOTE_PARTIAL_BASELINE,
    NOTE_PARTIAL_PERIOD,
    NOTE_PARTIAL_TARGETS,
    VALUE_COLUMNS,
    employed_days,
    metric_values,
)
from perfkit.periods import parse_period
from perfkit.plans import Plan

Q3 = ["2026-07", "2026-08", "2026-09"]


def metric(key, agg, source, *, weight, target=10.0, **measure):
    kind = "qualitative" if agg == "rating" else "quantitative"
    return {
        "key": key, "label": key, "label_zh": key, "unit": "count", "kind": kind,
        "measure": {"agg": agg, "source": source, **measure}, "target": target,
        "weight": weight,
    }  # fmt: skip


def make_plan(metrics, *, role="tester", period="quarter"):
    return Plan.model_validate(
        {
            "role": role, "name": role, "name_zh": role, "period": period, "metrics": metrics,
            "rating_bands": [
                {"band": "A", "min_composite": 1.0, "guideline_share": 0.5},
                {"band": "B", "min_composite": 0.0, "guideline_share": 0.5},
            ],
        }
    )  # fmt: skip


def make_dataset(actuals, *, employees=None, targets=None, ratings=None):
    employees = employees or [("A", "tester", "T1", "2020-01-01", None)]
    emp = pd.DataFrame(
        [
            {
                "employee_id": e, "name": f"Person {e}", "role": r, "team": t,
                "manager_id": "M1", "hire_date": h, "leave_date": lv,
                "annual_target_bonus": 40000.0, "currency": "CNY",
            }
            for e, r, t, h, lv in employees
        ]
    )  # fmt: skip
    act = pd.DataFrame(actuals, columns=["employee_id", "period", "metric", "value"])
    tg = pd.DataFrame(targets or [], columns=["employee_id", "period", "metric", "target"])
    rt = pd.DataFrame(
        ratings or [], columns=["employee_id", "period", "metric", "rating", "rater_id"]
    )
    return Dataset.from_frames(emp, act, tg, rt if len(rt) else None)


def monthly(emp, metric_name, months, values):
    return [(emp, m, metric_name, v) for m, v in zip(months, values, strict=True)]


def value_of(frame, key, emp="A"):
    row = frame[(frame["metric"] == key) & (frame["employee_id"] == emp)]
    assert len(row) == 1, row
    return row.iloc[0]


# -- sum, mean, last -----------------------------------------------------------------------


def test_sum_mean_last_skip_missing_months():
    plan = make_plan(
        [
            metric("s", "sum", "leads", weight=0.4),
            metric("m", "mean", "leads", weight=0.3),
            metric("l", "last", "leads", weight=0.2),
            metric("l2", "last", "market_share", weight=0.1),
        ]
    )
    acts = [("A", "2026-07", "leads", 10.0), ("A", "2026-09", "leads", 30.0)]
    acts += [("A", "2026-07", "market_share", 0.11), ("A", "2026-08", "market_share", 0.13)]
    acts += [("A", "2026-06", "leads", 999.0), ("A", "2026-10", "leads", 999.0)]  # outside Q3
    out = metric_values(make_dataset(acts), plans={"tester": plan}, periods="2026Q3")
    assert value_of(out, "s")["actual"] == 40.0  # 10 + 30, August missing is skipped
    assert value_of(out, "m")["actual"] == 20.0  # (10 + 30) / 2 months present
    assert value_of(out, "l")["actual"] == 30.0
    # last = the latest month present (August), not September's missing value
    assert value_of(out, "l2")["actual"] == 0.13
    assert (out["note"] == "").all()


def test_a_year_adds_its_months_in_time_order_whatever_the_row_order():
    # 1e16 + 1 is 1e16 in floating point: adding the months left to right loses each 1, so
    # the sum of the year is exactly what Python's left-to-right sum() of the months gives
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    values = [1e16] + [1.0] * 10 + [-1e16]
    plan = make_plan([metric("s", "sum", "leads", weight=1.0)], period="year")
    rows = monthly("A", "leads", months, values)
    for order in (rows, rows[::-1], rows[5:] + rows[:5]):
        out = metric_values(make_dataset(order), plans={"tester": plan}, periods="2025")
        assert value_of(out, "s")["actual"] == sum(values) == 0.0


def test_missing_actuals_are_nan_with_note_not_zero():
    plan = make_plan(
        [metric("s", "sum", "leads", weight=0.5), metric("r", "sum", "referrals", weight=0.5)]
    )
    out = metric_values(
        make_dataset(monthly("A", "leads", Q3, [1, 2, 3])), plans={"tester": plan}, periods="2026Q3"
    )
    row = value_of(out, "r")
    assert math.isnan(row["actual"])
    assert row["note"] == NOTE_NO_DATA
    assert value_of(out, "s")["actual"] == 6.0


def test_scale_multiplies_the_value():
    plan = make_plan([metric("pct", "mean", "market_share", weight=1.0, scale=100.0)])
    out = metric_values(
        make_dataset(monthly("A", "market_share", Q3, [0.1, 0.2, 0.3])),
        plans={"tester": plan},
        periods="2026Q3",
    )
    assert value_of(out, "pct")["actual"] == pytest.approx(20.0)


# -- ratio -------------------------------------------------------------------------------


def test_ratio_is_ratio_of_sums_not_mean_of_monthly_ratios():
    plan = make_plan(
        [metric("ctr", "ratio", "ad_clicks", denominator="ad_impressions", weight=1.0)]
    )
    acts = monthly("A", "ad_clicks", Q3[:2], [1, 9]) + monthly(
        "A", "ad_impressions", Q3[:2], [2, 90]
    )
    out = metric_values(make_dataset(acts), plans={"tester": plan}, periods="2026Q3")
    # (1 + 9) / (2 + 90) = 10/92; the mean of monthly ratios would be (0.5 + 0.1) / 2 = 0.3
    assert value_of(out, "ctr")["actual"] == pytest.approx(10 / 92)


def test_ratio_with_zero_denominator_is_nan_with_note():
    plan = make_plan(
        [metric("ctr", "ratio", "ad_clicks", denominator="ad_impressions", weight=1.0)]
    )
    acts = monthly("A", "ad_clicks", Q3, [0, 0, 0]) + monthly("A", "ad_impressions", Q3, [0, 0, 0])
    out = metric_values(make_dataset(acts), plans={"tester": plan}, periods="2026Q3")
    row = value_of(out, "ctr")
    assert math.isnan(row["actual"])
    assert row["note"] == NOTE_DENOMINATOR_ZERO


def test_ratio_with_negative_denominator_is_nan_not_a_top_score():
    # a correction row can make a period's leads negative: cost per lead must not turn into
    # a huge "lower is better" achievement
    plan = make_plan([metric("cpl", "ratio", "ad_spend", denominator="leads", weight=1.0)])
    acts = monthly("A", "ad_spend", Q3, [100, 100, 100]) + monthly("A", "leads", Q3, [-1, -1, -1])
    out = metric_values(make_dataset(acts), plans={"tester": plan}, periods="2026Q3")
    row = value_of(out, "cpl")
    assert math.isnan(row["actual"])
    assert row["note"] == "denominator is not above zero"


def test_ratio_sums_only_the_months_holding_both_parts():
    # July: 20 clicks of 1,000 impressions; August: 20 clicks, no impressions row. Summing
    # each over its own months gave 40 / 1,000 = 0.04; August must drop out of both: 0.02
    plan = make_plan(
        [metric("ctr", "ratio", "ad_clicks", denominator="ad_impressions", weight=1.0)]
    )
    acts = monthly("A", "ad_clicks", Q3[:2], [20, 20]) + monthly(
        "A", "ad_impressions", Q3[:1], [1000]
    )
    # B: impressions in September without clicks are left out the same way: 10 / 500
    acts += monthly("B", "ad_clicks", Q3[:1], [10]) + monthly(
        "B", "ad_impressions", Q3, [500, 0, 700]
    )
    employees = [
        ("A", "tester", "T1", "2020-01-01", None),
        ("B", "tester", "T1", "2020-01-01", None),
    ]
    out = metric_values(
        make_dataset(acts, employees=employees), plans={"tester": plan}, periods="2026Q3"
    )
    assert value_of(out, "ctr")["actual"] == 0.02
    assert value_of(out, "ctr", "B")["actual"] == 0.02
    assert (out["note"] == "").all()


def test_ratio_without_a_month_holding_both_parts_is_no_data():
    plan = make_plan(
        [metric("ctr", "ratio", "ad_clicks", denominator="ad_impressions", weight=1.0)]
    )
    acts = monthly("A", "ad_clicks", Q3[:1], [20]) + monthly(
        "A", "ad_impressions", Q3[1:], [900, 800]
    )
    out = metric_values(make_dataset(acts), plans={"tester": plan}, periods="2026Q3")
    row = value_of(out, "ctr")
    assert math.isnan(row["actual"]) and row["note"] == NOTE_NO_DATA


# -- growth ------------------------------------------------------------------------------


def growth_plan():
    return make_plan(
        [
            metric("yoy", "growth", "channel_sales", of="sum", baseline="same_period_last_year", weight=0.5),
            metric("qoq", "growth", "social_followers", of="last", baseline="previous_period", weight=0.5),
        ]
    )  # fmt: skip


def test_growth_against_both_baselines():
    acts = monthly("A", "channel_sales", ["2025-07", "2025-08", "2025-09"], [50, 70, 80])
    acts += monthly("A", "channel_sales", Q3, [100, 60, 90])
    acts += monthly("A", "social_followers", ["2026-04", "2026-05", "2026-06"], [900, 950, 1000])
    acts += monthly("A", "social_followers", Q3, [1020, 1050, 1100])
    out = metric_values(make_dataset(acts), plans={"tester": growth_plan()}, periods="2026Q3")
    assert value_of(out, "yoy")["actual"] == pytest.approx(250 / 200 - 1)  # 0.25
    assert value_of(out, "qoq")["actual"] == pytest.approx(1100 / 1000 - 1)  # last of June
    assert (out["note"] == "").all()


def test_growth_without_baseline_or_zero_baseline():
    acts = monthly("A", "channel_sales", Q3, [100, 60, 90])
    acts += monthly("A", "social_followers", ["2026-04", "2026-05", "2026-06"], [0, 0, 0])
    acts += monthly("A", "social_followers", Q3, [5, 6, 7])
    out = metric_values(make_dataset(acts), plans={"tester": growth_plan()}, periods="2026Q3")
    yoy, qoq = value_of(out, "yoy"), value_of(out, "qoq")
    assert math.isnan(yoy["actual"]) and yoy["note"] == NOTE_NO_BASELINE
    assert math.isnan(qoq["actual"]) and qoq["note"] == NOTE_BASELINE_ZERO


def yoy_plan():
    return make_plan(
        [metric("yoy", "growth", "web_unique_visitors", of="sum", baseline="same_period_last_year", weight=1.0)]
    )  # fmt: skip


LY = ["2025-07", "2025-08", "2025-09"]


def test_growth_against_a_baseline_the_person_was_hired_into_is_partial():
    # hired 2025-09-16: 2025Q3 holds September only, 15 days' 1,000 visitors, against a whole
    # 2026Q3 of 3 x 10,000: growth would read 30,000 / 1,000 - 1 = 29 (2,900%). B, hired
    # before 2025Q3, is compared as before: 33,000 / 30,000 - 1 = 0.1
    employees = [
        ("A", "tester", "T1", "2025-09-16", None),
        ("B", "tester", "T1", "2019-03-01", None),
    ]
    acts = monthly("A", "web_unique_visitors", ["2025-09", *Q3], [1000, 10000, 10000, 10000])
    acts += monthly("B", "web_unique_visitors", LY + Q3, [10000] * 3 + [11000] * 3)
    out = metric_values(
        make_dataset(acts, employees=employees), plans={"tester": yoy_plan()}, periods="2026Q3"
    )
    a, b = value_of(out, "yoy", "A"), value_of(out, "yoy", "B")
    assert math.isnan(a["actual"]) and a["note"] == NOTE_PARTIAL_BASELINE == "partial baseline"
    assert b["actual"] == pytest.approx(0.1) and b["note"] == ""


def test_growth_against_a_baseline_with_a_month_missing_is_partial():
    # employed throughout, but no August 2025 row: 2025Q3 is July and September only
    # (300 of 3 months' 450), and growth would read 450 / 300 - 1 = 0.5 instead of about 0
    acts = monthly("A", "web_unique_visitors", ["2025-07", "2025-09"], [150, 150])
    acts += monthly("A", "web_unique_visitors", Q3, [150, 150, 150])
    out = metric_values(make_dataset(acts), plans={"tester": yoy_plan()}, periods="2026Q3")
    row = value_of(out, "yoy")
    assert math.isnan(row["actual"]) and row["note"] == NOTE_PARTIAL_BASELINE
    # the same for a growth of the last month's level: followers of April and June, no May
    acts = monthly("A", "social_followers", ["2026-04", "2026-06"], [900, 1000])
    acts += monthly("A", "social_followers", Q3, [1020, 1050, 1100])
    acts += monthly("A", "channel_sales", LY + Q3, [1] * 6)
    out = metric_values(make_dataset(acts), plans={"tester": growth_plan()}, periods="2026Q3")
    assert value_of(out, "qoq")["note"] == NOTE_PARTIAL_BASELINE
    assert value_of(out, "yoy")["actual"] == 0.0


def test_growth_over_a_partial_current_period_is_not_measured():
    # A leaves on 2026-08-20: 2026Q3 holds July and 20 days of August, 10,000 + 6,452 against
    # a whole 2025Q3 of 30,000: growth would read -0.45. B is employed throughout but has no
    # September row: 2026Q3 is not whole either
    employees = [
        ("A", "tester", "T1", "2019-03-01", "2026-08-20"),
        ("B", "tester", "T1", "2019-03-01", None),
    ]
    acts = monthly("A", "web_unique_visitors", LY + Q3[:2], [10000] * 4 + [6452])
    acts += monthly("B", "web_unique_visitors", LY + Q3[:2], [10000] * 5)
    out = metric_values(
        make_dataset(acts, employees=employees), plans={"tester": yoy_plan()}, periods="2026Q3"
    )
    for emp in ("A", "B"):
        row = value_of(out, "yoy", emp)
        assert math.isnan(row["actual"]), emp
        assert row["note"] == NOTE_PARTIAL_PERIOD == "partial current period"


def test_growth_periods_are_whole_from_the_first_to_the_last_day_inclusive():
    # hired on the baseline's first day, leaving on the current period's last day: both whole
    employees = [("A", "tester", "T1", "2025-07-01", "2026-09-30")]
    acts = monthly("A", "web_unique_visitors", LY + Q3, [100, 100, 100, 120, 120, 120])
    out = metric_values(
        make_dataset(acts, employees=employees), plans={"tester": yoy_plan()}, periods="2026Q3"
    )
    row = value_of(out, "yoy")
    assert row["actual"] == pytest.approx(0.2) and row["note"] == ""


def test_a_joiner_without_any_baseline_month_has_no_baseline():
    # hired in the current period: the baseline holds nothing, which stays "no baseline"
    employees = [("A", "tester", "T1", "2026-07-01", None)]
    acts = monthly("A", "web_unique_visitors", Q3, [100, 100, 100])
    out = metric_values(
        make_dataset(acts, employees=employees), plans={"tester": yoy_plan()}, periods="2026Q3"
    )
    assert value_of(out, "yoy")["note"] == NOTE_NO_BASELINE


def test_growth_without_current_data_is_no_data():
    acts = monthly("A", "channel_sales", ["2025-07"], [100])
    acts += monthly("A", "social_followers", Q3, [5, 6, 7])
    out = metric_values(make_dataset(acts), plans={"tester": growth_plan()}, periods="2026Q3")
    assert value_of(out, "yoy")["note"] == NOTE_NO_DATA


# -- ratings -----------------------------------------------------------------------------


def test_rating_mean_per_rater_then_across_raters():
    plan = make_plan([metric("collab", "rating", "collaboration", target=3.5, weight=1.0)])
    ratings = [
        ("A", "2026Q3", "collaboration", 4.0, "M1"),
        ("A", "2026-07", "collaboration", 2.0, "M2"),
        ("A", "2026-08", "collaboration", 4.0, "M2"),
        ("A", "2026Q2", "collaboration", 1.0, "M1"),  # another quarter: ignored
        ("A", "2026", "collaboration", 1.0, "M1"),  # a year is not inside the quarter
    ]
    ds = make_dataset(monthly("A", "leads", Q3, [1, 1, 1]), ratings=ratings)
    out = metric_values(ds, plans={"tester": plan}, periods="2026Q3")
    # M1: 4.0; M2: (2 + 4) / 2 = 3.0; mean across raters (4 + 3) / 2 = 3.5
    assert value_of(out, "collab")["actual"] == 3.5
    # over the year every rating counts: M1 (4 + 1 + 1) / 3 = 2, M2 3 -> 2.5
    year = metric_values(ds, plans={"tester": plan}, periods="2026")
    assert value_of(year, "collab")["actual"] == pytest.approx(2.5)


def test_no_rating_is_nan_not_rated():
    plan = make_plan([metric("collab", "rating", "collaboration", target=3.5, weight=1.0)])
    out = metric_values(
        make_dataset(monthly("A", "leads", Q3, [1, 1, 1])), plans={"tester": plan}, periods="2026Q3"
    )
    row = value_of(out, "collab")
    assert math.isnan(row["actual"]) and row["note"] == NOTE_NOT_RATED


# -- targets -----------------------------------------------------------------------------


def target_plan():
    return make_plan(
        [
            metric("leads", "sum", "leads", target=90.0, weight=0.5),
            metric("share", "mean", "market_share", target=0.12, weight=0.5),
        ]
    )


def test_plan_default_target_scales_by_months_for_sum_metrics_only():
    acts = monthly("A", "leads", Q3, [1, 1, 1]) + monthly("A", "market_share", Q3, [0.1] * 3)
    ds = make_dataset(acts)
    plans = {"tester": target_plan()}
    by_period = {
        p: metric_values(ds, plans=plans, periods=p)
        for p in ("2026-07", "2026Q3", "2026H2", "2026")
    }
    assert [value_of(f, "leads")["target"] for f in by_period.values()] == [
        30.0,
        90.0,
        180.0,
        360.0,
    ]
    assert {value_of(f, "share")["target"] for f in by_period.values()} == {0.12}


def test_targets_file_exact_period_wins_over_sub_periods():
    acts = monthly("A", "leads", Q3, [1, 1, 1])
    targets = [("A", "2026Q3", "leads", 75.0)] + [("A", m, "leads", 40.0) for m in Q3]
    out = metric_values(
        make_dataset(acts, targets=targets), plans={"tester": target_plan()}, periods="2026Q3"
    )
    assert value_of(out, "leads")["target"] == 75.0


def test_monthly_targets_sum_for_sum_metrics_and_average_otherwise():
    acts = monthly("A", "leads", Q3, [1, 1, 1]) + monthly("A", "market_share", Q3, [0.1] * 3)
    targets = [("A", m, "leads", t) for m, t in zip(Q3, [20.0, 30.0, 40.0], strict=True)]
    targets += [("A", m, "share", t) for m, t in zip(Q3, [0.10, 0.11, 0.15], strict=True)]
    out = metric_values(
        make_dataset(acts, targets=targets), plans={"tester": target_plan()}, periods="2026Q3"
    )
    assert value_of(out, "leads")["target"] == 90.0  # 20 + 30 + 40
    assert value_of(out, "share")["target"] == pytest.approx(0.12)  # (0.10 + 0.11 + 0.15) / 3
    assert (out["note"] == "").all()


def test_quarterly_targets_roll_up_to_a_year():
    acts = monthly("A", "leads", ["2026-01"], [1])
    targets = [("A", f"2026Q{q}", "leads", 100.0 * q) for q in range(1, 5)]
    out = metric_values(
        make_dataset(acts, targets=targets), plans={"tester": target_plan()}, periods="2026"
    )
    assert value_of(out, "leads")["target"] == 1000.0  # 100 + 200 + 300 + 400


def test_partial_sub_period_targets_fall_back_to_plan_default_with_note():
    acts = monthly("A", "leads", Q3, [1, 1, 1])
    targets = [("A", "2026-07", "leads", 20.0), ("A", "2026-08", "leads", 20.0)]
    out = metric_values(
        make_dataset(acts, targets=targets), plans={"tester": target_plan()}, periods="2026Q3"
    )
    row = value_of(out, "leads")
    assert row["target"] == 90.0
    assert row["note"] == NOTE_PARTIAL_TARGETS


def test_targets_of_other_people_and_periods_do_not_leak():
    employees = [
        ("A", "tester", "T1", "2020-01-01", None),
        ("B", "tester", "T1", "2020-01-01", None),
    ]
    acts = monthly("A", "leads", Q3, [1, 1, 1]) + monthly("B", "leads", Q3, [1, 1, 1])
    targets = [("B", "2026Q3", "leads", 10.0), ("A", "2026Q2", "leads", 11.0)]
    out = metric_values(
        make_dataset(acts, employees=employees, targets=targets),
        plans={"tester": target_plan()},
        periods="2026Q3",
    )
    assert value_of(out, "leads", "A")["target"] == 90.0
    assert value_of(out, "leads", "B")["target"] == 10.0


# -- who is included, shape of the frame -----------------------------------------------------


def test_only_people_employed_in_the_period_with_a_planned_role():
    employees = [
        ("A", "tester", "T1", "2020-01-01", None),
        ("B", "tester", "T1", "2020-01-01", "2026-06-30"),  # left before Q3
        ("C", "tester", "T2", "2026-09-30", None),  # joined on Q3's last day
        ("D", "other_role", "T1", "2020-01-01", None),  # no plan
        ("E", "tester", "T1", "2026-10-01", None),  # joins after Q3
    ]
    acts = monthly("A", "leads", Q3, [1, 1, 1])
    plan = make_plan([metric("leads", "sum", "leads", weight=1.0)])
    out = metric_values(
        make_dataset(acts, employees=employees), plans={"tester": plan}, periods="2026Q3"
    )
    assert out["employee_id"].tolist() == ["A", "C"]
    assert value_of(out, "leads", "C")["note"] == NOTE_NO_DATA


def test_frame_columns_dtypes_and_order_for_several_periods():
    plan = make_plan(
        [metric("b", "sum", "leads", weight=0.5), metric("a", "sum", "referrals", weight=0.5)]
    )
    employees = [
        ("B", "tester", "T1", "2020-01-01", None),
        ("A", "tester", "T2", "2020-01-01", None),
    ]
    acts = monthly("A", "leads", Q3, [1, 2, 3]) + monthly("B", "leads", Q3, [4, 5, 6])
    out = metric_values(
        make_dataset(acts, employees=employees),
        plans={"tester": plan},
        periods=["2026Q3", "2026Q2"],
    )
    assert list(out.columns) == VALUE_COLUMNS
    assert out["actual"].dtype == np.float64 and out["target"].dtype == np.float64
    assert pd.api.types.is_string_dtype(out["employee_id"]) and pd.api.types.is_string_dtype(
        out["note"]
    )
    # periods as given, then employee id, then the plan's metric order (b before a)
    assert list(zip(out["period"], out["employee_id"], out["metric"], strict=True)) == [
        ("2026Q3", "A", "b"), ("2026Q3", "A", "a"), ("2026Q3", "B", "b"), ("2026Q3", "B", "a"),
        ("2026Q2", "A", "b"), ("2026Q2", "A", "a"), ("2026Q2", "B", "b"), ("2026Q2", "B", "a"),
    ]  # fmt: skip
    assert (
        out.loc[
            (out["period"] == "2026Q3") & (out["employee_id"] == "B") & (out["metric"] == "b"),
            "actual",
        ].item()
        == 15.0
    )


def test_input_frames_are_not_changed():
    plan = make_plan([metric("leads", "sum", "leads", weight=1.0)])
    ds = make_dataset(monthly("A", "leads", Q3, [1, 2, 3]))
    before = ds.actuals.copy()
    metric_values(ds, plans={"tester": plan}, periods="2026Q3")
    pd.testing.assert_frame_equal(ds.actuals, before)


def test_employed_days_inclusive_of_hire_and_leave():
    hire = np.array(["2026-08-01", "NaT", "2026-07-01", "2026-01-01"], dtype="datetime64[D]")
    leave = np.array(["NaT", "2026-07-01", "2026-09-30", "2026-06-30"], dtype="datetime64[D]")
    days = employed_days(hire, leave, parse_period("2026Q3"))
    assert days.tolist() == [61, 1, 92, 0]
