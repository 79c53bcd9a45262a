"""perfkit.calibration: what-if, Monte Carlo draws, the solver, the CLI, the charts.

Numbers are checked against ``perfkit.evaluate`` (the money path run end to end on changed
plans and changed data), against counts made here with plain numpy, or against a known
truth the data were simulated from.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import PLANS_DIR, ROOT, SAMPLE_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfkit
from perfkit.calibration import Calibrator, History, make_draws, what_if
from perfkit.calibration.history import changed_plan
from perfkit.cli import cli
from perfkit.errors import PerfkitError
from perfkit.frames import Coded
from perfkit.payout import total_amount
from perfkit.periods import parse_period
from perfkit.plans import Plan

ROLE = "online_promotion"
QUARTERS = ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]


@pytest.fixture(scope="module")
def data():
    return perfkit.load_dataset(SAMPLE_DIR)


@pytest.fixture(scope="module")
def all_plans():
    return perfkit.load_plans(PLANS_DIR)


@pytest.fixture(scope="module")
def cal(data, all_plans):
    return Calibrator.from_data(data, all_plans, role=ROLE, draws=400, seed=11)


def _evaluate(data, plan, periods=QUARTERS):
    return perfkit.evaluate(data, {plan.role: plan}, periods).results


def _scaled(data, plan, m):
    """The data and plan with every target of ``plan`` times m, made independently."""
    targets = data.targets.copy()
    keys = set(plan.metric_keys)
    mine = targets["metric"].isin(keys)
    targets.loc[mine, "target"] = targets.loc[mine, "target"] * m
    scaled = perfkit.Dataset(
        employees=data.employees, actuals=data.actuals, targets=targets,
        ratings=data.ratings, modifiers=data.modifiers, source="scaled",
    )  # fmt: skip
    over = {}
    for metric in plan.metrics:
        for f in ("target", "threshold", "stretch"):
            if getattr(metric, f) is not None:
                over[f"metrics.{metric.key}.{f}"] = getattr(metric, f) * m
    return scaled, plan.with_overrides(over)


def _share(results, plan):
    c = results["composite"].dropna()
    return float((c + 1e-9 >= plan.payout.curve.target).mean())


# -- the history pays what evaluate pays --------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [{}, {"payout.curve.threshold": 0.85, "payout.team_share": 0.4}, {"metrics.leads.target": 500}],
)
def test_history_pays_what_evaluate_pays(data, all_plans, changes):
    plan = all_plans[ROLE]
    hist = History.from_data(data, plan, periods=[parse_period(q) for q in QUARTERS])
    new, mult = changed_plan(plan, changes)
    paid = hist.pay(new, mult)
    res = _evaluate(data, new)
    got = hist.frame()[["employee_id", "period"]].assign(
        amount=paid.amount, comp=paid.scores.composite
    )
    merged = res.merge(got, on=["employee_id", "period"], validate="one_to_one")
    assert len(merged) == len(res) == hist.n == 152
    assert (np.abs(merged["amount"] - merged["payout_amount"]) < 0.005).all()
    assert np.allclose(merged["comp"], merged["composite"], equal_nan=True)


def test_target_multiplier_is_the_same_as_scaling_every_target(data, all_plans):
    plan = all_plans[ROLE]
    hist = History.from_data(data, plan, periods=[parse_period(q) for q in QUARTERS])
    before = (hist.actual.copy(), hist.target.copy())
    paid = hist.pay(*changed_plan(plan, {"target_multiplier": 1.1}))
    assert np.array_equal(hist.actual, before[0], equal_nan=True)  # inputs never mutated
    assert np.array_equal(hist.target, before[1], equal_nan=True)
    scaled, plan2 = _scaled(data, plan, 1.1)
    res = _evaluate(scaled, plan2)
    got = hist.frame()[["employee_id", "period"]].assign(
        amount=paid.amount, comp=paid.scores.composite
    )
    merged = res.merge(got, on=["employee_id", "period"], validate="one_to_one")
    assert np.allclose(merged["comp"], merged["composite"], atol=1e-9)
    assert (np.abs(merged["amount"] - merged["payout_amount"]) < 0.005).all()
    # one metric's multiplier moves that metric's achievement only
    ach = hist.achievement(plan)
    ach2 = hist.achievement(*changed_plan(plan, {"target_multiplier.leads": 1.25}))
    j = plan.metric_keys.index("leads")
    assert np.allclose(ach2[:, j], ach[:, j] / 1.25, equal_nan=True)
    others = [i for i in range(len(plan.metrics)) if i != j]
    assert np.array_equal(ach2[:, others], ach[:, others], equal_nan=True)


# -- what-if ------------------------------------------------------------------------------


def test_what_if_matches_two_evaluations(data, all_plans):
    plan = all_plans[ROLE]
    change = {"payout.curve.threshold": 0.85, "payout.team_share": 0.4, "target_multiplier": 1.05}
    w = what_if(data, all_plans, changes={ROLE: change}, period="2026Q3", largest=5)
    base = _evaluate(data, plan, ["2026Q3"])
    scaled, plan2 = _scaled(data, plan.with_overrides(
        {"payout.curve.threshold": 0.85, "payout.team_share": 0.4}), 1.05)  # fmt: skip
    new = _evaluate(scaled, plan2, ["2026Q3"])
    row = w.by_role.set_index("role").loc[ROLE]
    assert row["headcount"] == len(base) == 39
    assert row["cost_current"] == pytest.approx(total_amount(base["payout_amount"]), abs=0.005)
    assert row["cost"] == pytest.approx(total_amount(new["payout_amount"]), abs=0.005)
    assert row["share_at_target_current"] == pytest.approx(_share(base, plan))
    assert row["share_at_target"] == pytest.approx(_share(new, plan2))
    total = w.by_role.set_index("role").loc["total"]
    assert total["cost"] == pytest.approx(row["cost"])
    # teams add up to the role; bands count everyone
    assert w.by_team["headcount"].sum() == 39
    assert w.by_team["cost"].sum() == pytest.approx(row["cost"], abs=0.05)
    assert (w.bands.groupby("role")["count"].sum() == 39).all()
    assert list(w.bands["band"]) == ["S", "A", "B", "C", "D"]
    # winners and losers, counted here from the two evaluations
    m = base.merge(new, on="employee_id", suffixes=("_0", "_1"))
    diff = (m["payout_amount_1"] - m["payout_amount_0"]).round(2)
    d = w.distribution.set_index("role").loc[ROLE]
    assert (d["winners"], d["losers"]) == (int((diff > 0.005).sum()), int((diff < -0.005).sum()))
    assert d["winners"] + d["losers"] + d["unchanged"] == 39
    sizes = w.largest["change"].abs().to_numpy()
    assert len(sizes) == 5 and (np.diff(sizes) <= 0).all()
    assert sizes[0] == pytest.approx(diff.abs().max(), abs=0.005)
    assert ROLE in w.describe()


def test_what_if_takes_another_plan_file(data, all_plans, tmp_path):
    text = (PLANS_DIR / f"{ROLE}.yaml").read_text(encoding="utf-8")
    path = tmp_path / f"{ROLE}.yaml"
    path.write_text(text.replace("threshold: 0.70", "threshold: 0.90"), encoding="utf-8")
    w = what_if(data, all_plans, changes={ROLE: path})
    w2 = what_if(data, all_plans, changes={ROLE: {"threshold": 0.9}})
    assert w.by_role["cost"].tolist() == w2.by_role["cost"].tolist()
    assert w.by_role.set_index("role").loc[ROLE, "cost_change"] < 0


# -- the draws ----------------------------------------------------------------------------


def test_draws_are_seeded_and_resample_whole_people():
    person = np.repeat(np.arange(30), [1, 2, 3, 4, 4] * 6)
    a = make_draws(person, draws=300, headcount=25, seed=5, role="x")
    b = make_draws(person, draws=300, headcount=25, seed=5, role="x")
    c = make_draws(person, draws=300, headcount=25, seed=6, role="x")
    assert np.array_equal(a.picks, b.picks) and np.array_equal(a.person_weights, b.person_weights)
    assert not np.array_equal(a.picks, c.picks)
    assert (a.person_weights.sum(axis=1) == 30).all()  # stage 1: 30 people drawn each time
    # stage 2 picks only people of its own draw's population
    drawn_people = person[a.picks]
    assert (np.take_along_axis(a.person_weights, drawn_people, axis=1) > 0).all()
    # uniform over person-periods: a person with 4 rows is picked 4 times as often as one
    # with 1 (the mean over many draws), within sampling error
    big = make_draws(person, draws=4000, headcount=60, seed=1)
    rows = np.bincount(person)
    per_person = np.bincount(person[big.picks].ravel(), minlength=30) / big.picks.size
    expected = rows / rows.sum()
    assert np.allclose(per_person, expected, rtol=0.08)


def test_draw_costs_are_exact_sums_of_cents(data, all_plans, monkeypatch):
    from perfkit.calibration import montecarlo

    plan = all_plans[ROLE]
    hist = History.from_data(data, plan, periods=[parse_period(q) for q in QUARTERS])
    cal = Calibrator(hist, draws=300, seed=5, pooling="history")
    values = [0.6, 0.7, 0.8]
    sw = cal.sweep("threshold", values)
    paid = [hist.pay(*changed_plan(plan, {"threshold": v})).amount for v in values]
    cents = np.rint(np.stack(paid, axis=1) * 100).astype(np.int64)  # (152, 3)
    d = cal.draws
    # stage 2: each simulated period's cost is the exact sum of its picks' cents
    assert np.array_equal(sw.stats.cost, cents[d.picks].sum(axis=1) / 100)
    # stage 1: each population's cents, counted here in int64
    per_person = np.zeros((hist.people, len(values)), dtype=np.int64)
    np.add.at(per_person, hist.person, cents)
    total = d.person_weights.astype(np.int64) @ per_person
    rows = d.person_weights @ d.rows_per_person
    assert np.array_equal(sw.stats.expected, total / 100 / rows[:, None] * d.headcount)
    # the blocks of draws and of counts the large histories go through give the same
    monkeypatch.setattr(montecarlo, "_BLOCK_CELLS", 1_000)
    monkeypatch.setattr(montecarlo, "_COUNT_CELLS", 500)
    fresh = montecarlo.make_draws(
        hist.person, draws=300, headcount=cal.headcount, seed=5, role=ROLE
    )
    assert np.array_equal(fresh.picks, d.picks)
    assert np.array_equal(fresh.person_weights, d.person_weights)
    again = Calibrator(hist, draws=300, seed=5, pooling="history").sweep("threshold", values)
    assert np.array_equal(again.stats.cost, sw.stats.cost)
    assert np.array_equal(again.stats.share, sw.stats.share, equal_nan=True)


def test_history_keeps_its_inputs_only_for_the_same_targets(data, all_plans):
    plan = all_plans[ROLE]
    periods = [parse_period(q) for q in QUARTERS]
    hist = History.from_data(data, plan, periods=periods)
    changes = [
        {}, {"threshold": 0.8}, {"target_multiplier": 1.1}, {"metrics.leads.target": 500},
        {"target_multiplier.leads": 1.1}, {}, {"threshold": 0.8, "target_multiplier": 1.1},
    ]  # fmt: skip
    for change in changes:  # more sets of targets than it keeps: some are made again
        fresh = History.from_data(data, plan, periods=periods)
        a, b = hist.pay(*changed_plan(plan, change)), fresh.pay(*changed_plan(plan, change))
        assert np.array_equal(a.amount, b.amount), change
        assert np.array_equal(a.scores.composite, b.scores.composite, equal_nan=True), change
    assert not hist.achievement(plan).flags.writeable  # kept, so not to be written to


def test_calibration_benchmark_pays_what_evaluate_pays():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_calibration.py"), "--people", "300",
         "--draws", "200", "--candidates", "5", "--repeat", "1"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "history costs differing from the replay by a cent or more: 0" in done.stdout
    assert "goal (issue #9)" in done.stdout and "first call" in done.stdout


def test_same_seed_same_numbers(data, all_plans):
    a = Calibrator.from_data(data, all_plans, role=ROLE, draws=300, seed=3).evaluate()
    b = Calibrator.from_data(data, all_plans, role=ROLE, draws=300, seed=3).evaluate()
    c = Calibrator.from_data(data, all_plans, role=ROLE, draws=300, seed=4).evaluate()
    assert a.to_dict() == b.to_dict()
    assert np.array_equal(a.cost_draws, b.cost_draws)
    assert a.cost_p90 != c.cost_p90
    assert a.share_at_target == c.share_at_target  # the history part does not depend on it


def test_scenario_history_figures_match_evaluate(cal, data, all_plans):
    s = cal.evaluate({"threshold": 0.8, "accelerator": 2.2})
    plan = all_plans[ROLE].with_overrides(
        {"payout.curve.threshold": 0.8, "payout.curve.stretch_payout": 2.2, "payout.curve.cap": 2.2}
    )
    res = _evaluate(data, plan)
    assert s.share_at_target == pytest.approx(_share(res, plan))
    assert s.cost_history == pytest.approx(total_amount(res["payout_amount"]) / 4, abs=0.01)
    mean = res["payout_amount"].mean()
    assert s.cost_expected == pytest.approx(mean * 39)  # 39 people in 2026Q3
    lo, hi = s.cost_interval
    assert lo < s.cost_expected < hi and s.cost_p50 < s.cost_p90 < s.cost_p95
    assert s.share_interval[0] < s.share_at_target < s.share_interval[1]
    assert s.bands["share"].sum() == pytest.approx(1.0)
    assert len(s.changes_frame) == 152
    assert s.changes_frame["change"].sum() == pytest.approx(
        s.changes_frame["amount"].sum() - s.changes_frame["amount_current"].sum(), abs=0.05
    )


def test_evaluate_is_fast_enough_for_a_widget(data, all_plans):
    cal = Calibrator.from_data(data, all_plans, role=ROLE, draws=2000, seed=1)
    cal.evaluate({"threshold": 0.75}, intervals=False)  # warm
    times = []
    for v in (0.72, 0.8, 0.88):
        t = time.perf_counter()
        cal.evaluate(
            {"threshold": v, "team_share": 0.35, "target_multiplier.leads": 1.05},
            intervals=False,
        )
        times.append(time.perf_counter() - t)
    assert sorted(times)[1] < 0.5, times


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.floats(0.46, 0.94), st.floats(0.46, 0.94))
def test_a_higher_threshold_never_pays_anyone_more(cal, a, b):
    lo, hi = sorted([a, b])
    s_lo = cal.evaluate({"threshold": lo}, intervals=False)
    s_hi = cal.evaluate({"threshold": hi}, intervals=False)
    assert (s_hi.changes_frame["amount"] <= s_lo.changes_frame["amount"] + 1e-9).all()
    assert s_hi.share_at_target == s_lo.share_at_target  # the composite does not move


# -- honest intervals: data simulated from a known truth -----------------------------------


def _truth_plan() -> Plan:
    metric = {"unit": "count", "kind": "quantitative", "measure": {"agg": "sum", "source": "x"},
              "target": 100, "threshold": 80, "stretch": 130}  # fmt: skip
    return Plan.model_validate(
        {
            "role": "sim", "name": "Sim", "name_zh": "Sim",
            "metrics": [
                {**metric, "key": f"m{i}", "label": f"m{i}", "label_zh": f"m{i}", "weight": w,
                 "measure": {"agg": "sum", "source": f"x{i}"}}
                for i, w in enumerate([0.5, 0.3, 0.2])
            ],
            "rating_bands": [
                {"band": "A", "min_composite": 1.0, "guideline_share": 0.5, "label": "A"},
                {"band": "B", "min_composite": 0.0, "guideline_share": 0.5, "label": "B"},
            ],
            "payout": {"team_share": 0.3},
        }
    )  # fmt: skip


def _simulate(rng, people, periods, plan):
    """People with a lasting level (shared by their metrics and periods) plus noise."""
    k = len(plan.metrics)
    level = rng.normal(0.0, 0.12, people)
    common = rng.normal(0.0, 0.08, (people, periods))
    noise = rng.normal(0.0, 0.10, (people, periods, k))
    ach = np.clip(1.0 + level[:, None, None] + common[..., None] + noise, 0, None)
    n = people * periods
    team = (np.arange(people) // 5)[:, None] * np.ones(periods, dtype=int)
    return History(
        plan=plan,
        periods=[parse_period("2026Q1").shift(i) for i in range(periods)],
        actual=ach.reshape(n, k) * 100.0,
        target=np.full((n, k), 100.0),
        employee_id=np.repeat(np.arange(people), periods).astype(str).astype(object),
        name=np.full(n, "x", dtype=object),
        team_label=team.ravel().astype(str).astype(object),
        period_label=np.tile(np.arange(periods), people).astype(str).astype(object),
        person=np.repeat(np.arange(people), periods),
        team=team.ravel(),
        period_pos=np.tile(np.arange(periods), people),
        modifier=np.ones(n),
        annual_bonus=np.full(n, 40_000.0),
        months=np.full(n, 3),
        days=np.full(n, 91.0),
        period_days=np.full(n, 91.0),
        currency=Coded(np.zeros(n, dtype=np.int64), np.array(["CNY"], dtype=object)),
    )


def test_nominal_95_percent_intervals_cover_the_truth():
    plan = _truth_plan()
    rng = np.random.default_rng(20260101)
    # the truth, from a population 500 times a history's size
    pop = _simulate(rng, 20_000, 1, plan)
    true_share = pop.pay().scores.composite
    true_share = float((true_share + 1e-9 >= 1.0).mean())
    true_mean = float(pop.pay().amount.mean())
    people, periods, reps = 30, 3, 200
    covered_share = covered_cost = over_p90 = 0
    for r in range(reps):
        hist = _simulate(rng, people, periods, plan)
        cal = Calibrator(hist, draws=250, seed=r, headcount=people)
        s = cal.evaluate()
        covered_share += s.share_interval[0] <= true_share <= s.share_interval[1]
        covered_cost += s.cost_interval[0] <= true_mean * people <= s.cost_interval[1]
        fresh = _simulate(rng, people, 1, plan).pay().amount.sum()  # the next period
        over_p90 += fresh > s.cost_p90
    assert 0.90 <= covered_share / reps <= 0.99, covered_share / reps
    assert 0.90 <= covered_cost / reps <= 0.99, covered_cost / reps
    # the P90 of a period's cost is calibrated: a fresh period passes it about 1 time in 10
    assert 0.04 <= over_p90 / reps <= 0.17, over_p90 / reps


def test_solver_interval_covers_the_true_multiplier():
    plan = _truth_plan()
    rng = np.random.default_rng(7)
    pop = _simulate(rng, 20_000, 1, plan)
    ach = pop.achievement(plan)

    def share(m):
        comp = pop.pay(plan, np.full(3, m)).scores.composite
        return float((comp + 1e-9 >= 1.0).mean())

    from scipy.optimize import brentq

    true_m = brentq(lambda m: share(m) - 0.4, 0.8, 1.2, xtol=1e-5)
    assert ach.shape == (20_000, 3)
    reps, covered = 80, 0
    for r in range(reps):
        # the share does not depend on team pooling: the quick pooling is enough here
        hist = _simulate(rng, 40, 3, plan)
        cal = Calibrator(hist, draws=200, seed=r, headcount=40, pooling="history")
        rec = cal.solve("target_multiplier", target_share=0.4, candidates=15)
        covered += rec.interval[0] <= true_m <= rec.interval[1]
    assert 0.90 <= covered / reps <= 1.0, covered / reps


# -- the solver on the sample, re-checked through evaluate --------------------------------


def test_solved_target_hits_the_share_through_evaluate(cal, data, all_plans):
    rec = cal.solve("target", target_share=0.6)
    plan = all_plans[ROLE].with_overrides({"payout.curve.target": rec.recommended_value})
    res = _evaluate(data, plan)
    got = _share(res, plan)
    assert abs(got - 0.6) <= rec.tolerance + 1e-12
    assert rec.tolerance <= 1 / 152  # one person-period of 152
    assert got == pytest.approx(rec.share_at_target)
    lo, hi = rec.interval
    assert lo <= rec.recommended_value <= hi
    assert rec.scenario.cost_history == pytest.approx(
        total_amount(res["payout_amount"]) / 4, abs=0.01
    )
    d = rec.to_dict()
    assert d["recommended_value"] == rec.recommended_value and d["currency"] == "CNY"
    assert d["periods"] == QUARTERS


def test_solved_multiplier_hits_the_share_through_evaluate(cal, data, all_plans):
    rec = cal.solve("target_multiplier", target_share=0.55)
    scaled, plan2 = _scaled(data, all_plans[ROLE], rec.recommended_value)
    got = _share(_evaluate(scaled, plan2), plan2)
    assert abs(got - 0.55) <= rec.tolerance + 1e-12


def test_budget_solver_keeps_p90_within_budget(cal):
    budget = 565_000.0
    rec = cal.solve("threshold", budget=budget)
    assert rec.scenario.cost_p90 <= budget
    # a little more generous than the answer passes the budget
    looser = cal.evaluate({"threshold": rec.recommended_value - 0.01})
    assert looser.cost_p90 > budget or rec.recommended_value - 0.01 < rec.sweep.values[0]
    assert rec.interval[0] <= rec.recommended_value <= rec.interval[1]
    assert 0.0 <= rec.scenario.prob_over_budget <= 0.1 + 1e-9


@pytest.mark.parametrize(
    "parameter, options, words",
    [
        ("target", {"target_share": 1.0}, "ranges from"),
        ("threshold", {"target_share": 0.6}, "does not change who reaches target"),
        ("threshold", {"budget": 1.0}, "no payout threshold"),
        ("threshold", {"budget": 1e12}, "does not bind"),
        ("threshold", {}, "say what to solve for"),
    ],
)
def test_solver_refuses_what_no_value_can_meet(cal, parameter, options, words):
    with pytest.raises(PerfkitError, match=words):
        cal.solve(parameter, **options)


def test_bad_parameters_are_clear(cal):
    with pytest.raises(PerfkitError, match="known metrics"):
        cal.evaluate({"target_multiplier.nope": 1.1})
    with pytest.raises(PerfkitError, match="no field"):
        cal.evaluate({"payout.curve.nope": 1})
    with pytest.raises(PerfkitError, match="fewer than 2 valid plans"):
        cal.candidates("threshold", low=1.2, high=1.5)


# -- grid and charts ----------------------------------------------------------------------


def test_grid_and_heatmaps(cal):
    from perfkit.calibration import sensitivity_heatmap, sensitivity_heatmaps

    g = cal.grid("threshold", "target_multiplier", [0.6, 0.7, 0.8], [0.9, 1.0, 1.1])
    assert len(g.table) == 9 and g.current == (0.7, 1.0)
    row = g.table[(g.table.x == 0.8) & (g.table.y == 1.1)].iloc[0]
    s = cal.evaluate({"threshold": 0.8, "target_multiplier": 1.1})
    assert row["cost_p90"] == pytest.approx(s.cost_p90)
    assert row["share_at_target"] == pytest.approx(s.share_at_target)
    m = g.matrix("share_at_target")
    assert list(m.index) == [1.1, 1.0, 0.9] and list(m.columns) == [0.6, 0.7, 0.8]
    ax = sensitivity_heatmap(g, "cost_p90", recommended=(0.8, 1.1))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["current plan", "recommendation"]
    axes = sensitivity_heatmaps(g)
    assert len(axes) == 2 and axes[0].get_title() == "Share reaching target"


# -- the command --------------------------------------------------------------------------


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_cli_json_and_files_are_repeatable(tmp_path):
    args = ["calibrate", SAMPLE_DIR, "--role", ROLE, "--target-share", "0.6", "--draws", "300",
            "--plans", PLANS_DIR, "--format", "json"]  # fmt: skip
    one = _run(*args, "-o", tmp_path / "a")
    two = _run(*args, "-o", tmp_path / "b")
    assert one.exit_code == 0 and two.exit_code == 0, one.output
    got = json.loads(one.output)
    for key in ("role", "parameter", "current_value", "recommended_value", "interval",
                "share_at_target", "cost_expected", "cost_p90", "currency", "draws", "seed"):  # fmt: skip
        assert key in got, key
    assert got["role"] == ROLE and got["draws"] == 300 and got["seed"] == 7
    assert len(got["interval"]) == 2 and got["parameter"] == "payout.curve.target"
    for name in ("recommendation.json", "sweep.csv", "bands.csv", "changes.csv", "cost_draws.csv"):
        a, b = (tmp_path / "a" / name), (tmp_path / "b" / name)
        assert a.read_bytes() == b.read_bytes(), name
        assert (a.stat().st_mode & 0o777) == 0o600
    sweep = pd.read_csv(tmp_path / "a" / "sweep.csv")
    assert len(sweep) >= 40 and set(sweep["parameter"]) == {"payout.curve.target"}
    assert len(pd.read_csv(tmp_path / "a" / "cost_draws.csv")) == 300
    text = _run(*args[:-2])
    assert text.exit_code == 0 and text.output.startswith("Set the on-target composite")


@pytest.mark.parametrize(
    "extra, words",
    [
        ([], "give --target-share"),
        (["--target-share", "0.6", "--parameter", "threshold"], "does not change who"),
        (["--target-share", "1.0"], "no on-target composite"),
        (["--budget", "5", "--role", "nobody"], "has no plan"),
    ],
)
def test_cli_user_errors_exit_2(extra, words):
    res = CliRunner().invoke(
        cli, ["calibrate", str(SAMPLE_DIR), "--role", ROLE, "--draws", "50", *extra]
    )
    assert res.exit_code == 2, res.output
    assert words in res.output and "Traceback" not in res.output


def test_pooled_draws_run_on_any_executor_with_the_same_numbers(data, all_plans):
    """Issue #13: the Monte Carlo pay runs on a given Executor (here a process pool and a
    thread pool, as a dask.distributed client's executor would) and gives the same table."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    here = Calibrator.from_data(data, all_plans, role=ROLE, draws=120, seed=5)
    assert here.pooling == "draw" and here.plan.payout.team_share > 0  # the pooled path
    values = [0.6, 0.7, 0.8]
    expected = here.sweep("threshold", values, intervals=True).table
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(2, mp_context=context) as pool, ThreadPoolExecutor(2) as threads:
        for executor in (pool, threads):
            there = Calibrator.from_data(
                data, all_plans, role=ROLE, draws=120, seed=5, executor=executor
            )
            got = there.sweep("threshold", values, intervals=True).table
            pd.testing.assert_frame_equal(got, expected, check_exact=True)
