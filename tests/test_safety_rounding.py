"""One rule for showing composites: cut to two decimals, never rounded up, in every output.

Band S starts at 1.25: a composite of 1.2488 is band A and must read 1.24 (rounding would
show "1.25 A"). The payout explanations already cut; reports, tables, the index page and
charts now show the same figure.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

import perfkit
from perfkit import display, plotting, reports
from perfkit.summary import format_cut

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "templates" / "plans"


@pytest.mark.parametrize(
    ("value", "kwargs", "shown"),
    [
        (1.2488, {}, "1.24"),  # rounding: 1.25, which is band S
        (1.2449, {}, "1.24"),
        (0.6996, {}, "0.69"),  # rounding: 0.70, a payout threshold
        (0.70 - 1e-12, {}, "0.70"),  # within the knot tolerance: counts as 0.70, reads so
        (1.25, {}, "1.25"),
        (1.0, {}, "1.00"),
        (0.958333, {}, "0.95"),
        (-0.456, {}, "-0.46"),  # negative numbers are rounded
        (math.nan, {}, "n/a"),
        (1.2499996, {"decimals": 6}, "1.249999"),
        (0.59996, {"decimals": 1, "percent": True}, "59.9%"),  # a gate at 60% was missed
        (0.996, {"decimals": 0, "percent": True}, "99%"),
        (1.1, {"decimals": 1, "percent": True}, "110.0%"),
    ],
)
def test_format_cut(value, kwargs, shown):
    assert format_cut(value, **kwargs) == shown


def test_the_payout_explanation_says_what_the_reports_say():
    from test_evaluation import worked_example_dataset

    ev = perfkit.evaluate(worked_example_dataset(), perfkit.load_plans(PLANS), "2026Q3")
    for composite, explanation in zip(
        ev.results["composite"], ev.results["explanation"], strict=True
    ):
        said = re.match(r"Composite (-?\d+\.\d\d) ", explanation).group(1)
        assert said == format_cut(composite) == display.format_value("composite", composite)


def test_tables_cut_composites_and_achievements():
    assert display.format_value("composite", 1.2488) == "1.24"
    assert display.format_value("mean_composite", 0.6996) == "0.69"
    assert display.format_value("max_composite", 1.2488) == "1.24"
    assert display.format_value("score", 0.9996) == "0.99"
    assert display.format_value("strongest_achievement", 0.59996) == "59.9%"
    # shares of people are not compared with a knot, and stay rounded
    assert display.format_value("share_at_target", 0.59996) == "60.0%"
    performers = pd.DataFrame(
        {
            "period": ["2026Q3"],
            "group": ["top"],
            "rank": [1],
            "name": ["Lin Yue"],
            "composite": [1.2488],
            "rating": ["A"],
            "weakest_achievement": [0.59996],
        }
    )
    shown = display.format_table(performers)
    assert shown[["Composite", "Rating", "Weakest achievement"]].iloc[0].tolist() == [
        "1.24",
        "A",
        "59.9%",
    ]


def test_headline_and_index_page_cut_the_average():
    plan = perfkit.load_plan(PLANS / "event_planning.yaml")
    figures = pd.DataFrame(
        {
            "period": ["2026Q3"],
            "role": ["event_planning"],
            "headcount": [4],
            "mean_composite": [1.2499996],  # 4.9999984 / 4: just under 1.25
            "median_composite": [1.2488],
            "share_at_target": [0.75],
            "share_gate_failed": [0.0],
        }
    )
    bands = pd.DataFrame({"period": ["2026Q3"], "band": ["A"], "count": [4]})
    rec = display.headline_record(figures, bands, plan=plan)
    assert rec["mean_composite"] == 1.249999  # rounding to 6 decimals would give 1.25
    page = reports._index_html(
        "2026Q3",
        [reports.RoleReport("event_planning", Path("event_planning.html"), Path("x"), rec)],
        [],
        lang="en",
    )
    assert "<td>1.24</td>" in page and "1.25" not in page


def test_heatmap_cells_cut_achievements():
    plan = perfkit.load_plan(PLANS / "online_promotion.yaml")
    first, second = plan.metric_keys[:2]
    matrix = pd.DataFrame(
        {
            "period": ["2026Q3"] * 2,
            "employee_id": ["E1", "E1"],
            "name": ["Lin Yue", "Lin Yue"],
            "team": ["T1", "T1"],
            "composite": [1.0, 1.0],
            "metric": [first, second],
            "achievement": [0.996, 0.5996],
            "score": [1.0, 0.5],
        }
    )
    ax = plotting.achievement_heatmap(matrix, plan=plan)
    assert sorted(t.get_text() for t in ax.texts) == ["59%", "99%"]  # not 100% and 60%
