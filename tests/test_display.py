"""Notebook display helpers: formatting summary tables, headline figures, loading a role plan.

These need no kernel; the notebooks that call them are run in ``test_notebooks.py``.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import perfkit
from perfkit import display, summary
from perfkit.plans import Plan

ROOT = Path(__file__).resolve().parents[1]


def _band_plan(**zh: str) -> Plan:
    """A one-metric plan whose bands carry a Chinese wording only where ``zh`` gives one."""
    bands = [
        ("S", 1.25, 0.1, "Outstanding"),
        ("A", 1.05, 0.2, "Exceeds"),
        ("B", 0.9, 0.4, "Meets"),
        ("C", 0.7, 0.2, "Partly meets"),
        ("D", 0.0, 0.1, "Below"),
    ]
    return Plan.model_validate(
        {
            "role": "mini",
            "name": "Mini role",
            "name_zh": "小岗位",
            "currency": "CNY",
            "metrics": [
                {
                    "key": "m1",
                    "label": "Metric m1",
                    "label_zh": "指标m1",
                    "unit": "count",
                    "kind": "quantitative",
                    "measure": {"agg": "sum", "source": "m1"},
                    "target": 10.0,
                    "weight": 1.0,
                }
            ],
            "rating_bands": [
                {
                    "band": b,
                    "min_composite": m,
                    "guideline_share": g,
                    "label": label,
                    **({"label_zh": zh[b]} if b in zh else {}),
                }
                for b, m, g, label in bands
            ],
        }
    )


def test_format_table_in_both_languages():
    frame = pd.DataFrame(
        {
            "period": ["2026Q3", "2026Q3"],
            "scope": ["overall", "team"],
            "team": [pd.NA, "T1"],
            "share_at_target": [0.5, 2 / 3],
            "mean_composite": [0.958333, 1.0833],
            "payout_amount": [5600.0, 3400.5],
            "headcount": [6, 3],
        }
    )
    en = display.format_table(frame)
    assert list(en.columns) == [
        "Team",
        "Share at or above target",
        "Average composite",
        "Payout",
        "Headcount",
    ]
    # composites are cut, never rounded up (0.958333 is not 0.96)
    assert en.iloc[0].tolist() == ["All teams", "50.0%", "0.95", "5,600.00", "6"]
    assert en.iloc[1].tolist() == ["T1", "66.7%", "1.08", "3,400.50", "3"]
    zh = display.format_table(frame, lang="zh")
    assert list(zh.columns)[:2] == ["团队", "达标人数占比"]
    assert zh.iloc[0, 0] == "全部团队"


def test_format_table_does_not_mutate_its_input():
    frame = pd.DataFrame({"team": ["T1"], "share": [0.25], "difference": [-0.05]})
    before = frame.copy()
    out = display.format_table(frame)
    assert out.iloc[0].tolist() == ["T1", "25.0%", "-5.0 pp"]  # points, not a share
    pd.testing.assert_frame_equal(frame, before)


def test_format_table_band_meanings_use_the_plan_wording_then_the_table():
    # S and B have the plan's own Chinese wording; A, C and D fall back to summary.TEXT
    plan = _band_plan(S="杰出", B="达标")
    results = pd.DataFrame(
        {
            "employee_id": ["E1", "E2", "E3", "E4"],
            "period": ["2026Q3"] * 4,
            "role": ["mini"] * 4,
            "rating": ["S", "B", "B", "D"],
        }
    )
    bands = summary.rating_distribution(results, plan=plan)
    zh = display.format_table(bands, plan=plan, lang="zh")
    assert zh["含义"].tolist() == ["杰出", "超出预期", "达标", "部分符合", "未达预期"]
    assert zh["人数"].tolist() == ["1", "0", "2", "0", "1"]
    # without the plan only the table is known; in English the plan's label shows as written
    assert display.format_table(bands, lang="zh")["含义"].tolist() == [
        "卓越",
        "超出预期",
        "符合预期",
        "部分符合",
        "未达预期",
    ]
    en = display.format_table(bands, plan=plan)
    assert en["Meaning"].tolist() == ["Outstanding", "Exceeds", "Meets", "Partly meets", "Below"]


def test_template_bands_show_their_chinese_wording(plans_dir):
    plan = display.role_plan(plans_dir, "online_promotion")
    bands = pd.DataFrame(
        {
            "period": ["2026Q3"] * 5,
            "band": ["S", "A", "B", "C", "D"],
            "label": ["Outstanding", "Exceeds", "Meets", "Partly meets", "Below"],
        }
    )
    zh = display.format_table(bands, plan=plan, lang="zh")
    assert zh["含义"].tolist() == ["卓越", "优秀", "达标", "待改进", "不达标"]


def test_format_value_and_rating_spread():
    assert display.format_value("difference", 0.125) == "+12.5 pp"
    assert display.format_value("difference", 0.125, lang="zh") == "+12.5 个百分点"
    assert display.format_value("share", 0.125) == "12.5%"
    assert display.format_value("composite", 0.958333) == "0.95"
    assert display.format_value("payout_amount", 1234567.891) == "1,234,567.89"
    assert display.format_value("team", "T1") == "T1"
    for missing in (None, math.nan, pd.NA):
        assert display.format_value("share", missing) == "–"
    # a band and its count never wrap apart (no-break spaces)
    assert display.rating_spread([["S", 1], ["A", 4], ["B", 9]]) == "S\u00a01 · A\u00a04 · B\u00a09"


def test_headline_record():
    figures = pd.DataFrame(
        {
            "period": ["2026Q2", "2026Q3"],
            "role": ["r", "r"],
            "headcount": [4, 6],
            "mean_composite": [1.0, 5.75 / 6],
            "median_composite": [1.0, 0.975],
            "share_at_target": [0.25, 0.5],
            "share_gate_failed": [0.0, 1 / 3],
        }
    )
    bands = pd.DataFrame(
        {"period": ["2026Q3"] * 2 + ["2026Q2"], "band": ["A", "B", "A"], "count": [2, 4, 4]}
    )
    plan = perfkit.load_plan(ROOT / "templates" / "plans" / "event_planning.yaml")
    rec = display.headline_record(figures, bands, plan=plan)
    assert rec == {
        "role": "event_planning",
        "name": "Event planning",
        "name_zh": "活动策划",
        "period": "2026Q3",
        "headcount": 6,
        "mean_composite": 0.958333,
        "share_at_target": 0.5,
        "bands": [["A", 2], ["B", 4]],
        "scored": 6,
        "composite_sum": 5.75,
        "guideline": [[b.band, b.guideline_share] for b in plan.rating_bands],
        "previous": {
            "period": "2026Q2",
            "headcount": 4,
            "scored": 4,
            "mean_composite": 1.0,
            "share_at_target": 0.25,
            "composite_sum": 4.0,
        },
        "quality": None,
    }


def test_role_plan_names_the_known_roles(plans_dir):
    assert display.role_plan(plans_dir, "event_planning").role == "event_planning"
    with pytest.raises(
        perfkit.PlanError,
        match="no plan for role 'nope'; choose one of: "
        "brand_content, event_planning, marketing_specialist",
    ):
        display.role_plan(plans_dir, "nope")
