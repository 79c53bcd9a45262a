"""Recognition and promotion candidates, on results laid out by hand, and the plan's block."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from perfkit.errors import PlanError
from perfkit.recognition import RECOGNITION_COLUMNS, awards_text, promotion_band, recognition

ROLE = "online_promotion"


def results(rows):
    """A results frame: (id, period, team, composite, band, gate passed)."""
    frame = pd.DataFrame(
        rows, columns=["employee_id", "period", "team", "composite", "rating", "gate_passed"]
    )
    return frame.assign(name=frame["employee_id"] + " name", role=ROLE)


@pytest.fixture
def plan(plans):
    return plans[ROLE]


def test_top_performers_are_the_best_share_who_passed_and_reached_target(plan):
    # 10 people scored; top_share 0.2 -> 2 places. The best (1.40) failed a gate and 0.95 is
    # below top_min_composite 1.0, so the two named are 1.30 and 1.10.
    comps = [1.40, 1.30, 1.10, 1.05, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5]
    rows = [(f"E{i}", "2026Q3", "T1", c, "A", i != 0) for i, c in enumerate(comps)] + [
        ("E99", "2026Q3", "T1", np.nan, None, False)
    ]
    p = plan.with_overrides({"recognition.top_share": 0.2, "recognition.team_award": False})
    got = recognition(results(rows), {ROLE: p}, period="2026Q3")
    top = got[got["award"] == "top_performer"]
    assert top["employee_id"].tolist() == ["E1", "E2"]
    assert top["rank"].tolist() == [2, 3] and set(top["out_of"]) == {10}  # rank among all scored
    assert top["reason"].iloc[0] == "composite 1.30 (band A), rank 2 of 10 in Online promotion"
    assert list(got.columns) == RECOGNITION_COLUMNS


def test_most_improved_takes_the_largest_rises_on_the_period_before(plan):
    before = [("A", "2026Q2", "T", 0.60, "D"), ("B", "2026Q2", "T", 1.00, "B"),
              ("C", "2026Q2", "T", 0.90, "C"), ("D", "2026Q2", "T", 0.70, "C")]  # fmt: skip
    now = [("A", "2026Q3", "T", 0.95, "B"), ("B", "2026Q3", "T", 1.05, "B"),
           ("C", "2026Q3", "T", 1.15, "A"), ("D", "2026Q3", "T", 1.20, "A")]  # fmt: skip
    rows = [(*r, True) for r in before + now]
    rows[-1] = (*now[-1], False)  # D rose most (0.50) but failed a gate in 2026Q3
    p = plan.with_overrides({"recognition.most_improved_n": 2, "recognition.team_award": False})
    got = recognition(results(rows), {ROLE: p}, period="2026Q3")
    imp = got[got["award"] == "most_improved"]
    # rises: A 0.35, C 0.25, B 0.05 (below min gain 0.10), D excluded
    assert imp["employee_id"].tolist() == ["A", "C"]
    assert imp["value"].tolist() == pytest.approx([0.35, 0.25])
    assert imp["reason"].iloc[0] == "composite up 0.35 on 2026Q2 (0.60 to 0.95)"


def test_team_award_goes_to_the_best_team_of_at_least_two(plan):
    rows = [("A", "2026Q3", "T1", 1.10, "A", True), ("B", "2026Q3", "T1", 1.00, "B", True),
            ("C", "2026Q3", "T2", 1.30, "S", True),  # best mean, but a team of one
            ("D", "2026Q3", "T3", 0.90, "C", True), ("E", "2026Q3", "T3", 0.80, "C", True)]  # fmt: skip
    got = recognition(results(rows), {ROLE: plan}, period="2026Q3")
    team = got[got["award"] == "team_award"]
    assert team["employee_id"].tolist() == ["A", "B"]  # T1: mean 1.05 >= 1.0, 2 members
    assert team["value"].iloc[0] == pytest.approx(1.05)
    assert "best of 3 teams" in team["reason"].iloc[0]
    one_team = [r for r in rows if r[2] == "T1"]
    got1 = recognition(results(one_team), {ROLE: plan}, period="2026Q3")
    assert not (got1["award"] == "team_award").any()  # nobody to compare with


def test_promotion_ready_needs_the_band_in_each_of_the_last_n_periods(plan):
    periods = ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    bands = {"A": ["A", "S", "A", "A"], "B": ["A", "A", "B", "S"], "C": [None, "A", "A", "A"]}
    rows = [
        (eid, p, "T", 1.1, b, True)
        for eid, seq in bands.items()
        for p, b in zip(periods, seq, strict=True)
        if b is not None
    ]
    got = recognition(results(rows), {ROLE: plan}, period="2026Q3")
    ready = got[got["award"] == "promotion_ready"]
    assert promotion_band(plan) == "A"
    assert ready["employee_id"].tolist() == ["A"]  # B dipped to B; C lacks 2025Q4
    p3 = plan.with_overrides({"recognition.promotion_periods": 3})
    got3 = recognition(results(rows), {ROLE: p3}, period="2026Q3")
    ready3 = got3[got3["award"] == "promotion_ready"]["employee_id"].tolist()
    assert ready3 == ["A", "C"]
    assert awards_text(got3).loc[("C", "2026Q3")] == "promotion ready"


def test_the_recognition_block_is_checked_and_defaulted(plan):
    with pytest.raises(PlanError, match="promotion_band 'Z' is not a rating band"):
        plan.with_overrides({"recognition.promotion_band": "Z"})
    bare = plan.with_overrides({"recognition.promotion_band": None})
    assert promotion_band(bare) == "A"  # the second-best band
    assert all(m.guidance and m.guidance_zh for m in plan.metrics)
