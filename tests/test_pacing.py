"""Pacing an open period: progress against a pro-rated target, the run-rate projection, its
interval's coverage on simulated data with a known truth, and the warnings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import PLANS_DIR, SAMPLE_DIR

from perfkit import evaluate
from perfkit.errors import PeriodError
from perfkit.io import Dataset
from perfkit.pacing import format_in_unit, month_profile, pace
from perfkit.periods import parse_period
from perfkit.plans import Plan

MONTHS = pd.period_range("2024-01", "2026-09", freq="M").strftime("%Y-%m").tolist()


def leads_plan(**payout) -> Plan:
    """A plan of one metric: leads summed over the quarter, target 300, threshold 240."""
    base = yaml.safe_load((PLANS_DIR / "online_promotion.yaml").read_text(encoding="utf-8"))
    base.update(role="sim", name="Sim", name_zh="Sim", gates=[], recognition={})
    base["metrics"] = [
        {
            "key": "leads", "label": "Leads", "label_zh": "线索", "unit": "count",
            "kind": "quantitative", "measure": {"agg": "sum", "source": "leads"},
            "target": 300, "threshold": 240, "stretch": 400, "weight": 1.0,
        }
    ]  # fmt: skip
    base["payout"].update(team_share=0.0, **payout)
    return Plan.model_validate(base)


def simulated(rng, n=300, lift=1.3, months=MONTHS):
    """People with monthly leads ~ Poisson(level x season); the quarter's last month lifted."""
    ids = [f"S{i:04d}" for i in range(n)]
    employees = pd.DataFrame(
        {
            "employee_id": ids, "name": [f"Person {i}" for i in range(n)], "role": "sim",
            "team": "T", "manager_id": "M", "hire_date": "2020-01-01", "leave_date": "",
            "annual_target_bonus": 40000, "currency": "CNY",
        }
    )  # fmt: skip
    level = 100 * rng.lognormal(0, 0.25, n)
    month_no = np.array([int(m[5:]) for m in months])
    season = np.where(month_no % 3 == 0, lift, 1.0)
    lam = level[:, None] * season[None, :]
    values = rng.poisson(lam)
    actuals = pd.DataFrame(
        {
            "employee_id": np.repeat(ids, len(months)),
            "period": np.tile(months, n),
            "metric": "leads",
            "value": values.ravel().astype(float),
        }
    )
    return Dataset.from_frames(employees, actuals)


def coverage(ds, plans, as_of, period):
    paced = pace(ds, plans, as_of=as_of)
    truth = evaluate(ds, plans, period).scores.set_index("employee_id")["actual"]
    m = paced.metrics.set_index("employee_id")
    final = truth.reindex(m.index)
    inside = (final >= m["low"] - 1e-9) & (final <= m["high"] + 1e-9)
    return float(inside.mean()), paced, final


@pytest.mark.parametrize("as_of, seed", [("2026-08", 1), ("2026-07", 2), ("2026-08", 3)])
def test_the_95_interval_covers_the_known_truth_90_to_99_percent(as_of, seed):
    rng = np.random.default_rng(seed)
    ds = simulated(rng)
    plans = {"sim": leads_plan()}
    cov, paced, final = coverage(ds, plans, as_of, "2026Q3")
    assert 0.90 <= cov <= 0.99, cov
    # the month profile takes the quarter-end lift out of the point projection: the median
    # miss is within 2% of the level, where the plain run-rate would miss by about 10%
    rel = (final - paced.metrics.set_index("employee_id")["projected"]) / final
    assert abs(float(rel.median())) < 0.02


def test_the_month_profile_recovers_a_known_quarter_end_lift(rng):
    ds = simulated(rng, n=200, lift=1.5)
    past = [parse_period("2026Q2").shift(-j) for j in range(0, 4)]
    prof = month_profile(ds, past, k=2)
    # months left (the 3rd, lifted 1.5) against the first two (1.0): factor 1.5
    assert prof.loc[0, "factor"] == pytest.approx(1.5, rel=0.02)


def test_a_run_rate_worked_by_hand():
    # one person, no history: leads 100 in July and 120 in August carry on at their mean 110,
    # so the quarter projects 330; the target so far is 300 x 2/3 = 200, progress 220/200 = 1.1;
    # against the threshold 240 it is fine, against a target of 600 (threshold 480) it is not
    employees = pd.DataFrame(
        {
            "employee_id": ["A1"], "name": ["Ann"], "role": ["sim"], "team": ["T"],
            "manager_id": ["M"], "hire_date": ["2020-01-01"], "leave_date": [""],
            "annual_target_bonus": [40000], "currency": ["CNY"],
        }
    )  # fmt: skip
    actuals = pd.DataFrame(
        {
            "employee_id": "A1", "period": ["2026-07", "2026-08", "2026-09"], "metric": "leads",
            "value": [100.0, 120.0, 999.0],
        }
    )  # fmt: skip
    ds = Dataset.from_frames(employees, actuals)
    paced = pace(ds, {"sim": leads_plan()}, as_of="2026-08")
    row = paced.metrics.iloc[0]
    assert row["to_date"] == 220 and row["projected"] == pytest.approx(330)  # September ignored
    assert row["prorated_target"] == pytest.approx(200) and row["progress"] == pytest.approx(1.1)
    assert np.isnan(row["low"])  # no past period: no interval, and none pretended
    assert not row["below_threshold"]
    targets = pd.DataFrame(
        {"employee_id": ["A1"], "period": ["2026Q3"], "metric": ["leads"], "target": [600.0]}
    )
    ds2 = Dataset.from_frames(employees, actuals, targets)
    paced2 = pace(ds2, {"sim": leads_plan()}, as_of="2026-08")
    row2 = paced2.metrics.iloc[0]
    assert row2["threshold_value"] == pytest.approx(480)  # 240/300 of the person's 600
    assert row2["below_threshold"]
    warning = paced2.people.iloc[0]["warnings"]
    assert "Leads heading below the threshold 480: projected 330" in warning
    # composite 0.55 x ... : achievement 330/600 = 0.55 < 0.8, score 0, below payout threshold
    assert "below the payout threshold 0.7" in warning


def test_as_of_must_be_a_month_of_an_open_period():
    ds = simulated(np.random.default_rng(0), n=5)
    plans = {"sim": leads_plan()}
    with pytest.raises(PeriodError, match="complete at 2026-09"):
        pace(ds, plans, as_of="2026-09")
    with pytest.raises(PeriodError, match="a quarter; give the last month"):
        pace(ds, plans, as_of="2026Q3")
    with pytest.raises(PeriodError, match="actuals end at 2026-09"):
        pace(ds, plans, as_of="2026-11")


def test_pace_on_the_sample_for_the_open_quarter():
    from perfkit.validation import load_checked

    ds, plans = load_checked(SAMPLE_DIR, plans_dir=PLANS_DIR)
    paced = pace(ds, plans, as_of="2026-08")
    assert [p.label for p in paced.periods] == ["2026Q3"]
    assert len(paced.people) == 139
    assert "run-rate" in paced.method.lower() and "95% interval" in paced.method
    # the intervals hold September, which the projection never saw, about 95% of the time
    real = evaluate(ds, plans, "2026Q3").scores[["employee_id", "metric", "actual"]]
    real = real.rename(columns={"actual": "actual_real"})
    m = paced.metrics.merge(real, on=["employee_id", "metric"])
    ok = m["low"].notna() & m["actual_real"].notna() & (m["high"] > m["low"])
    inside = (m["actual_real"] >= m["low"] - 1e-9) & (m["actual_real"] <= m["high"] + 1e-9)
    assert 0.90 <= inside[ok].mean() <= 0.99


def test_format_in_unit():
    assert format_in_unit(452.4, "count") == "452"
    assert format_in_unit(0.0214, "percent") == "2.1%"
    assert format_in_unit(118.4, "currency", currency="CNY") == "118.40 CNY"
    assert format_in_unit(float("nan"), "rank") == "n/a"


def test_pace_command_speaks_the_language_asked():
    from click.testing import CliRunner

    from perfkit.cli import cli

    args = ["pace", str(SAMPLE_DIR), "--plans", str(PLANS_DIR), "--as-of", "2026-08"]
    args += ["--roles", "online_promotion"]
    en = CliRunner().invoke(cli, args)
    zh = CliRunner().invoke(cli, [*args, "--lang", "zh"])
    assert en.exit_code == 0 and zh.exit_code == 0, en.output + zh.output
    en_warn = [line for line in en.output.splitlines() if line.startswith("  E")]
    zh_warn = [line for line in zh.output.splitlines() if line.startswith("  E")]
    assert en_warn and len(en_warn) == len(zh_warn)
    assert any("heading below" in line for line in en_warn)
    assert all("heading" not in line and "预计" in line for line in zh_warn)
    assert "人有预警" in zh.output and "按当前进度推算" in zh.output
