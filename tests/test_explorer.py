"""The interactive calibration view as Python: sliders in, the calibration API's numbers out."""

from __future__ import annotations

import json
import re

import pytest
from conftest import PLANS_DIR, SAMPLE_DIR

from perfkit.calibration import Calibrator
from perfkit.explorer import explorer, next_version, save_plan, summary_html
from perfkit.plans import load_plan

DRAWS = 200


@pytest.fixture(scope="module")
def view():
    return explorer(
        SAMPLE_DIR, role="online_promotion", plans_dir=PLANS_DIR, draws=DRAWS, chart=False
    )


@pytest.fixture(scope="module")
def direct():
    return Calibrator.from_dir(
        SAMPLE_DIR, role="online_promotion", plans_dir=PLANS_DIR, draws=DRAWS, seed=0
    )


def _cells(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c)
        for c in re.findall(r"<td class='perfkit-share'[^>]*>(.*?)</td>", html)
    ]


def test_the_sliders_start_at_the_plan(view):
    plan = view.calibrator().plan
    assert view.sliders["threshold"].value == plan.payout.curve.threshold
    assert view.sliders["accelerator"].value == plan.payout.curve.stretch_payout
    assert view.sliders["team_share"].value == plan.payout.team_share
    multipliers = [k for k in view.sliders if k.startswith("target_multiplier.")]
    assert multipliers == [
        f"target_multiplier.{m.key}" for m in plan.metrics if m.measure.agg != "rating"
    ]
    assert view.changes() == {}


def test_moving_sliders_shows_what_the_api_gives(view, direct):
    view.budget.value = 520_000.0
    view.sliders["threshold"].value = 0.8
    view.sliders["target_multiplier.leads"].value = 1.1
    want = direct.evaluate(
        {"threshold": 0.8, "target_multiplier.leads": 1.1}, budget=520_000.0, intervals=False
    )
    got = view.scenario
    assert view.changes() == {"threshold": 0.8, "target_multiplier.leads": 1.1}
    assert got.share_at_target == want.share_at_target
    assert got.share_interval == want.share_interval
    assert (got.cost_expected, got.cost_p90) == (want.cost_expected, want.cost_p90)
    assert got.prob_over_budget == want.prob_over_budget
    lo, hi = want.share_interval
    shown = _cells(view.summary.value)
    assert shown[0] == f"{want.share_at_target:.1%} ({lo:.1%} to {hi:.1%})"
    assert shown[1] == f"{want.cost_expected:,.0f} CNY" and shown[2] == f"{want.cost_p90:,.0f} CNY"
    assert shown[3] == f"{want.prob_over_budget:.1%}"
    # the band table and the movers come from the same scenario
    first = want.bands.iloc[0]
    assert f"<td>{first.share:.1%}</td><td>{first.share_current:.1%}</td>" in view.bands.value
    worst = want.changes_frame.sort_values("change").iloc[0]
    assert f"{worst.change:+,.2f} CNY" in view.movers.value
    # back to the plan: no change, the current figures again
    view.sliders["threshold"].value = 0.7
    view.sliders["target_multiplier.leads"].value = 1.0
    assert view.changes() == {}
    assert view.scenario.cost_expected == direct.evaluate({}, budget=520_000.0).cost_expected


def test_a_higher_threshold_never_costs_more(view):
    costs = []
    for value in (0.6, 0.7, 0.8, 0.9):
        view.sliders["threshold"].value = value
        costs.append(view.scenario.cost_expected)
    view.sliders["threshold"].value = 0.7
    assert costs == sorted(costs, reverse=True) and costs[0] > costs[-1]


def test_the_role_picker_rebuilds_the_sliders(view, direct):
    view.role.value = "brand_content"
    plan = view.calibrator().plan
    assert plan.role == "brand_content"
    assert view.sliders["threshold"].value == plan.payout.curve.threshold
    assert view.scenario.role == "brand_content"
    view.role.value = "online_promotion"
    assert view.calibrator() is view.calibrator("online_promotion")  # draws cached per role


def test_save_writes_a_new_version_that_loads(view, tmp_path):
    view.sliders["threshold"].value = 0.75
    path = view.save(tmp_path / "proposed")
    view.sliders["threshold"].value = 0.7
    plan = load_plan(path)
    assert plan.role == "online_promotion" and plan.version == "2027"  # from "2026"
    assert plan.payout.curve.threshold == 0.75
    record = json.loads((tmp_path / "proposed" / "online_promotion.calibration.json").read_text())
    assert record["changes"] == {"threshold": 0.75} and record["from_version"] == "2026"
    assert record["version"] == "2027" and record["currency"] == "CNY"
    assert path.read_text(encoding="utf-8").startswith(
        "# online_promotion: calibrated from version 2026"
    )
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_next_version():
    assert [next_version(v) for v in ("2026", "3", "beta")] == ["2027", "4", "beta-calibrated"]


def test_text_from_the_plan_is_escaped(view):
    scenario = view.scenario
    bands = scenario.bands.assign(label="<script>alert(1)</script>")
    hostile = type(scenario)(**{**scenario.__dict__, "bands": bands, "currency": "<b>X</b>"})
    from perfkit.explorer import bands_html

    assert "<script>" not in bands_html(hostile) and "&lt;script&gt;" in bands_html(hostile)
    assert "<b>X</b>" not in summary_html(hostile)


def test_save_plan_refuses_nothing_silently(view, tmp_path):
    # a folder that is a file: a clean PerfkitError, not a traceback
    blocker = tmp_path / "file"
    blocker.write_text("x")
    from perfkit.errors import PerfkitError

    with pytest.raises(PerfkitError):
        save_plan(view.scenario, folder=blocker)
