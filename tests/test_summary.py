"""Report tables of perfkit.summary on small hand-made frames with hand-worked numbers."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from perfkit import summary
from perfkit.errors import DataError
from perfkit.plans import Plan


def _metric(key: str, weight: float) -> dict:
    return {
        "key": key,
        "label": f"Metric {key}",
        "label_zh": f"指标{key}",
        "unit": "count",
        "kind": "quantitative",
        "measure": {"agg": "sum", "source": key},
        "target": 10.0,
        "weight": weight,
    }


@pytest.fixture
def plan() -> Plan:
    return Plan.model_validate(
        {
            "role": "mini",
            "name": "Mini role",
            "name_zh": "小岗位",
            "currency": "CNY",
            "metrics": [_metric("m1", 0.5), _metric("m2", 0.3), _metric("m3", 0.2)],
            "rating_bands": [
                {
                    "band": "S",
                    "min_composite": 1.25,
                    "guideline_share": 0.1,
                    "label": "Outstanding",
                },
                {"band": "A", "min_composite": 1.05, "guideline_share": 0.2, "label": "Exceeds"},
                {"band": "B", "min_composite": 0.9, "guideline_share": 0.4, "label": "Meets"},
                {"band": "C", "min_composite": 0.7, "guideline_share": 0.2, "label": "Partly"},
                {"band": "D", "min_composite": 0.0, "guideline_share": 0.1, "label": "Below"},
            ],
        }
    )


# Six people in 2026Q3 (two teams), two of them also in 2026Q2; one person of another role.
#   id   team composite band gate  target_bonus payout
ROWS = [
    ("E1", "T1", 1.30, "S", True, 1000.0, 1500.0, "2026Q3"),
    ("E2", "T1", 1.00, "B", True, 1000.0, 1000.0, "2026Q3"),
    ("E3", "T1", 0.95, "B", True, 1000.0, 900.0, "2026Q3"),
    ("E4", "T2", 0.80, "C", False, 2000.0, 0.0, "2026Q3"),
    ("E5", "T2", 1.10, "A", True, 2000.0, 2200.0, "2026Q3"),
    ("E6", "T2", 0.60, "D", False, 2000.0, 0.0, "2026Q3"),
    ("E1", "T1", 0.90, "C", True, 1000.0, 700.0, "2026Q2"),
    ("E4", "T2", 1.20, "A", True, 2000.0, 2600.0, "2026Q2"),
]


@pytest.fixture
def results() -> pd.DataFrame:
    frame = pd.DataFrame(
        ROWS,
        columns=[
            "employee_id",
            "team",
            "composite",
            "rating",
            "gate_passed",
            "target_bonus",
            "payout_amount",
            "period",
        ],
    )
    frame["name"] = "Person " + frame["employee_id"]
    frame["role"] = "mini"
    frame["manager_id"] = frame["team"].map({"T1": "M1", "T2": "M2"})
    frame["payout_pct"] = frame["payout_amount"] / frame["target_bonus"]
    other = frame.iloc[[0]].assign(employee_id="X9", role="other", composite=0.1, team="T9")
    return pd.concat([frame, other], ignore_index=True).astype(
        {
            c: "string"
            for c in ["employee_id", "team", "rating", "period", "name", "role", "manager_id"]
        }
    )


@pytest.fixture
def scores() -> pd.DataFrame:
    ach = {
        "E1": (1.5, 1.2, math.nan),  # strongest m1, weakest m2 (m3 has no value)
        "E2": (1.0, 1.1, 0.9),
        "E3": (0.9, 1.0, 0.95),
        "E4": (0.7, 0.9, 0.8),
        "E5": (1.0, 1.0, 0.9),  # tie for strongest: m1, listed first in the plan
        "E6": (0.5, 0.5, 0.5),  # all tied: m1 is both strongest and weakest
    }
    teams = dict((r[0], r[1]) for r in ROWS)
    rows = [
        (eid, "2026Q3", "mini", teams[eid], m, a, min(a, 1.5) if a == a else math.nan)
        for eid, vals in ach.items()
        for m, a in zip(("m1", "m2", "m3"), vals, strict=True)
    ]
    return pd.DataFrame(
        rows, columns=["employee_id", "period", "role", "team", "metric", "achievement", "score"]
    )


def test_headline_counts_mean_median_and_share_at_target(results, plan):
    out = summary.headline(results, plan=plan)
    assert list(out.columns) == [
        "period",
        "role",
        "headcount",
        "scored",
        "mean_composite",
        "median_composite",
        "share_at_target",
        "share_gate_failed",
    ]
    q3 = out[out["period"] == "2026Q3"].iloc[0]
    assert q3["headcount"] == 6  # the other role's person is left out
    assert q3["scored"] == 6
    assert q3["mean_composite"] == pytest.approx(5.75 / 6)
    assert q3["median_composite"] == pytest.approx(0.975)
    # 1.30, 1.00 (exactly on target counts) and 1.10 of six
    assert q3["share_at_target"] == pytest.approx(0.5)
    assert q3["share_gate_failed"] == pytest.approx(2 / 6)
    q2 = out[out["period"] == "2026Q2"].iloc[0]
    assert (q2["headcount"], q2["share_at_target"]) == (2, 0.5)
    assert list(out["period"]) == ["2026Q2", "2026Q3"]


def test_headline_does_not_mutate_input(results, plan):
    before = results.copy()
    summary.headline(results, plan=plan)
    summary.top_bottom(results, results.iloc[:0].assign(metric=[], achievement=[]), plan=plan)
    pd.testing.assert_frame_equal(results, before)


def test_rating_distribution_against_guideline(results, plan):
    out = summary.rating_distribution(results, plan=plan)
    q3 = out[out["period"] == "2026Q3"].set_index("band")
    assert list(q3.index) == ["S", "A", "B", "C", "D"]
    assert list(q3["count"]) == [1, 1, 2, 1, 1]
    assert q3.loc["B", "share"] == pytest.approx(2 / 6)
    assert q3.loc["B", "guideline_share"] == pytest.approx(0.4)
    assert q3.loc["B", "difference"] == pytest.approx(2 / 6 - 0.4)
    assert q3.loc["S", "difference"] == pytest.approx(1 / 6 - 0.1)
    # Q2 has no S, B or D: the bands are still listed, with zero
    q2 = out[out["period"] == "2026Q2"].set_index("band")
    assert list(q2["count"]) == [0, 1, 0, 1, 0]
    assert q2["share"].sum() == pytest.approx(1.0)
    assert q2.loc["S", "label"] == "Outstanding"


def test_team_comparison(results, plan):
    out = summary.team_comparison(results, plan=plan)
    q3 = out[out["period"] == "2026Q3"].set_index("team")
    assert list(q3.index) == ["T1", "T2"]
    assert q3.loc["T1", "headcount"] == 3
    assert q3.loc["T1", "mean_composite"] == pytest.approx(3.25 / 3)
    assert q3.loc["T2", "mean_composite"] == pytest.approx(2.5 / 3)
    assert q3.loc["T1", "share_at_target"] == pytest.approx(2 / 3)
    assert q3.loc["T2", "share_at_target"] == pytest.approx(1 / 3)
    assert q3.loc["T2", "min_composite"] == pytest.approx(0.6)
    assert q3.loc["T2", "max_composite"] == pytest.approx(1.1)


def test_trend_overall_then_teams(results, plan):
    out = summary.trend(results, plan=plan)
    assert list(out["scope"]) == ["overall"] * 2 + ["team"] * 4
    overall = out[out["scope"] == "overall"].set_index("period")
    assert overall.loc["2026Q2", "mean_composite"] == pytest.approx(1.05)
    assert overall.loc["2026Q3", "mean_composite"] == pytest.approx(5.75 / 6)
    assert out["team"].iloc[:2].isna().all()
    t2 = out[(out["scope"] == "team") & (out["team"] == "T2")].set_index("period")
    assert t2.loc["2026Q2", "mean_composite"] == pytest.approx(1.2)
    assert t2.loc["2026Q2", "headcount"] == 1


def test_top_bottom_picks_and_strongest_weakest(results, scores, plan):
    q3 = summary.select(results, period="2026Q3")
    out = summary.top_bottom(q3, scores, plan=plan, n=2)
    assert list(out["group"]) == ["top", "top", "bottom", "bottom"]
    assert list(out["employee_id"]) == ["E1", "E5", "E4", "E6"]
    assert list(out["rank"]) == [1, 2, 5, 6]
    row = out.set_index("employee_id")
    assert (row.loc["E1", "strongest_metric"], row.loc["E1", "weakest_metric"]) == ("m1", "m2")
    assert row.loc["E1", "strongest_achievement"] == pytest.approx(1.5)
    assert row.loc["E1", "weakest_achievement"] == pytest.approx(1.2)
    assert (row.loc["E5", "strongest_metric"], row.loc["E5", "weakest_metric"]) == ("m1", "m3")
    assert (row.loc["E6", "strongest_metric"], row.loc["E6", "weakest_metric"]) == ("m1", "m1")
    assert (row.loc["E4", "strongest_metric"], row.loc["E4", "weakest_metric"]) == ("m2", "m1")


def test_top_bottom_never_overlap_in_a_small_group(results, scores, plan):
    q3 = summary.select(results, period="2026Q3")
    out = summary.top_bottom(q3, scores, plan=plan, n=5)
    # six people: three on top, three at the bottom, nobody twice
    assert list(out["employee_id"]) == ["E1", "E5", "E2", "E3", "E4", "E6"]
    one = summary.top_bottom(summary.select(q3, team="T1").iloc[:1], scores, plan=plan)
    assert list(one["group"]) == ["top"]


def test_achievement_matrix_groups_by_team_best_composite_first(results, scores, plan):
    q3 = summary.select(results, period="2026Q3")
    out = summary.achievement_matrix(scores, plan=plan, results=q3)
    assert len(out) == 18
    people = list(dict.fromkeys(out["employee_id"]))
    assert people == ["E1", "E2", "E3", "E5", "E4", "E6"]  # T1 then T2, each best first
    assert list(out["metric"].iloc[:3]) == ["m1", "m2", "m3"]
    assert out.iloc[0]["name"] == "Person E1"
    assert math.isnan(out.iloc[2]["achievement"])


def test_payout_summary_totals_by_team(results, plan):
    out = summary.payout_summary(results, plan=plan)
    q3 = out[out["period"] == "2026Q3"]
    overall = q3[q3["scope"] == "overall"].iloc[0]
    assert overall["target_bonus"] == pytest.approx(9000.0)
    assert overall["payout_amount"] == pytest.approx(5600.0)
    assert overall["payout_share"] == pytest.approx(5600 / 9000)
    assert overall["gate_failures"] == 2
    assert overall["currency"] == "CNY"
    t1 = q3[q3["team"] == "T1"].iloc[0]
    assert t1["payout_share"] == pytest.approx(3400 / 3000)
    assert t1["mean_payout_pct"] == pytest.approx((1.5 + 1.0 + 0.9) / 3)


def test_select_filters_and_names_known_values(results):
    assert set(summary.select(results, team="T2")["employee_id"]) == {"E4", "E5", "E6"}
    assert len(summary.select(results, team="")) == len(results)
    assert set(
        summary.select(results, role="mini", manager_id="M1", period="2026Q3")["employee_id"]
    ) == {"E1", "E2", "E3"}
    with pytest.raises(DataError, match=r"team 'T7' is not in the data; choose one of: T1, T2"):
        summary.select(results, team="T7")
    with pytest.raises(DataError, match="no 'manager_id' column"):
        summary.select(results.drop(columns="manager_id"), manager_id="M1")


def test_last_periods():
    assert summary.last_periods("2026Q3") == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    months = [f"2025-{m:02d}" for m in range(11, 13)] + [f"2026-{m:02d}" for m in range(1, 10)]
    # 2025Q4 lacks October, so it is left out
    assert summary.last_periods("2026Q3", months=months) == ["2026Q1", "2026Q2", "2026Q3"]
    assert summary.last_periods("2026-02", n=3) == ["2025-12", "2026-01", "2026-02"]


def test_text_and_labels(plan):
    assert summary.text("headline", lang="zh") == "核心指标"
    assert summary.metric_labels(plan, lang="zh") == {
        "m1": "指标m1",
        "m2": "指标m2",
        "m3": "指标m3",
    }
    assert summary.plan_name(plan, lang="zh") == "小岗位"
    with pytest.raises(ValueError, match="lang must be one of 'en', 'zh', not 'fr'"):
        summary.text("headline", lang="fr")
    for key, words in summary.TEXT.items():
        assert set(words) == {"en", "zh"}, key


def test_band_label_uses_the_plan_wording_then_the_table(plan):
    # the plan's own Chinese wording wins in Chinese ...
    assert summary.band_label("Meets", lang="zh", label_zh="达标") == "达标"
    assert summary.band_label("Meets", lang="en", label_zh="达标") == "Meets"
    # ... and without it the usual English labels are translated, others shown as written
    assert summary.band_label("Meets", lang="zh") == "符合预期"
    assert summary.band_label("Partly", lang="zh") == "Partly"
    assert summary.band_label("Below", lang="en") == "Below"
    with pytest.raises(ValueError, match="not 'fr'"):
        summary.band_label("Meets", lang="fr")


def test_band_labels_of_a_plan(plan):
    # the fixture plan has no label_zh: every band falls back to the table
    assert summary.band_labels(plan, lang="zh") == {
        "S": "卓越",
        "A": "超出预期",
        "B": "符合预期",
        "C": "Partly",
        "D": "未达预期",
    }
    bands = [
        b.model_copy(update={"label_zh": "达标"}) if b.band == "B" else b for b in plan.rating_bands
    ]
    own = plan.model_copy(update={"rating_bands": tuple(bands)})
    assert summary.band_labels(own, lang="zh")["B"] == "达标"
    assert summary.band_labels(own, lang="zh")["A"] == "超出预期"
    assert list(summary.band_labels(own)) == ["S", "A", "B", "C", "D"]
    assert summary.band_labels(own)["B"] == "Meets"
