"""evaluate(): the worked example of docs/worked_example.md, and the whole chain's behaviour."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import PLANS_DIR, WORKED_EXAMPLE_DIR

from perfkit.errors import DataError, PeriodError, PlanError
from perfkit.evaluation import RESULT_COLUMNS, Evaluation, evaluate, evaluate_dir
from perfkit.io import TABLES, Dataset, load_dataset
from perfkit.periods import parse_period
from perfkit.scoring import SCORE_COLUMNS

Q3 = ["2026-07", "2026-08", "2026-09"]
LY = ["2025-07", "2025-08", "2025-09"]
EMP_COLUMNS = [
    "employee_id", "name", "role", "team", "manager_id", "hire_date", "leave_date",
    "annual_target_bonus", "currency",
]  # fmt: skip


def _monthly(rows, emp, metric, months, values):
    rows.extend((emp, m, metric, float(v)) for m, v in zip(months, values, strict=True))


def worked_example_dataset(**changes) -> Dataset:
    """Lin Yue (E0101) and two teammates, online promotion, 2026Q3: docs/worked_example.md.

    The data are the files in ``data/worked_example/``; ``changes`` replaces whole frames.
    """
    data = load_dataset(WORKED_EXAMPLE_DIR)
    frames = {name: getattr(data, name) for name in TABLES}
    frames.update(changes)
    return Dataset.from_frames(**frames, source="worked example")


def test_worked_example(plans):
    """Every number of docs/worked_example.md, as evaluate() computes it."""
    ev = evaluate(worked_example_dataset(), plans, "2026Q3")
    s = ev.scores[ev.scores["employee_id"] == "E0101"].set_index("metric")
    keys = ["traffic_growth", "search_rank", "ad_ctr", "ad_conversion", "leads",
            "cost_per_lead", "collaboration"]  # fmt: skip
    assert s.index.tolist() == keys
    # step 1: metric values; she leaves on 15 September, so 2026Q3 is not whole for her and
    # traffic growth (122,500 / 100,000 - 1 = 0.225 if it were) is not measured
    np.testing.assert_allclose(
        s["actual"], [np.nan, 5.6, 0.0225, 0.047, 462.0, 126.0, 3.75], rtol=1e-12
    )
    assert s.loc["traffic_growth", "note"] == (
        "partial current period; not scored; its weight is shared by the scored metrics"
    )
    np.testing.assert_allclose(s["target"], [0.15, 5.0, 0.02, 0.05, 420.0, 120.0, 3.5])
    # step 2: achievement
    np.testing.assert_allclose(
        s["achievement"], [np.nan, 0.88, 1.125, 0.94, 1.1, 0.95, 3.75 / 3.5], rtol=1e-12
    )
    # step 3: scores, weights re-normalised over the scored 0.8, weighted scores
    np.testing.assert_allclose(
        s["score"], [np.nan, 0.9, 1.15625, 0.9, 1.15, 0.9, 1.125], rtol=1e-12
    )
    np.testing.assert_allclose(s["weight"], [0.0, 0.1875, 0.1875, 0.1875, 0.25, 0.0625, 0.125])
    np.testing.assert_allclose(
        s["weighted_score"],
        [np.nan, 0.16875, 0.216796875, 0.16875, 0.2875, 0.05625, 0.140625],
        rtol=1e-12,
    )
    assert s.loc["leads", "note"] == "weight re-normalised from 0.2 (not scored: traffic_growth)"
    r = ev.results.set_index("employee_id")
    lin = r.loc["E0101"]
    # step 4: composite = 0.8309375 / 0.8, band, gate
    assert lin["composite"] == pytest.approx(1.038671875, abs=1e-12)
    assert lin["rating"] == "B"
    assert bool(lin["gate_passed"]) and lin["gate_failed"] == ""
    # step 5: team result and payout shares
    assert r.loc["E0102", "composite"] == pytest.approx(1.0, abs=1e-12)
    assert r.loc["E0103", "composite"] == pytest.approx(1.5, abs=1e-12)
    assert lin["team_result"] == pytest.approx(3.538671875 / 3, abs=1e-12)  # 1.1795573...
    assert lin["individual_pct"] == pytest.approx(0.7 * 1.103125, abs=1e-12)  # 0.7721875
    assert lin["team_pct"] == pytest.approx(0.3 + 0.4309375 / 3, abs=1e-12)  # 0.4436458...
    assert lin["individual_pct"] + lin["team_pct"] == pytest.approx(3.6475 / 3, abs=1e-12)
    assert lin["modifier"] == 1.05
    assert lin["payout_pct"] == pytest.approx(1.276625, abs=1e-12)
    # step 6: money: 15,000 x 1.276625 x 77 / 92 = 16,027.1942...
    assert lin["target_bonus"] == 15000.0
    assert lin["proration"] == pytest.approx(77 / 92)
    assert lin["payout_amount"] == 16027.19
    assert lin["currency"] == "CNY"
    assert lin["explanation"] == (
        "Composite 1.03 (band B) → individual 1.10 (accelerator) × 70% + team 1.48 "
        "(team composite 1.17, accelerator) × 30% = 1.216 of target; modifier 1.05 → 1.277; "
        "prorated 77/92 days; paid 16,027.19 CNY"
    )
    # the teammates, for the record: 12,000 x (0.7 + 0.44364583) and 13,000 x (1.26 + 0.44364583)
    assert r.loc["E0102", "payout_amount"] == 13723.75
    assert r.loc["E0103", "payout_amount"] == 22147.40
    assert ev.total() == {"CNY": 51898.34}


def test_output_columns_dtypes_and_order(plans):
    ev = evaluate(worked_example_dataset(), plans, ["2026Q3", "2026Q2"])
    assert list(ev.scores.columns) == SCORE_COLUMNS
    assert list(ev.results.columns) == RESULT_COLUMNS
    assert [p.label for p in ev.periods] == ["2026Q2", "2026Q3"]  # time order
    assert ev.results[["period", "employee_id"]].values.tolist() == [
        [p, e] for p in ("2026Q2", "2026Q3") for e in ("E0101", "E0102", "E0103")
    ]
    r = ev.results
    for col in ("composite", "payout_pct", "payout_amount", "proration", "target_bonus"):
        assert r[col].dtype == np.float64
    assert r["gate_passed"].dtype == bool
    for col in ("employee_id", "name", "rating", "gate_failed", "explanation", "currency"):
        assert pd.api.types.is_string_dtype(r[col]), col
    # 2026Q2 has no actuals: nothing scored, nothing paid, and it says so
    q2 = r[r["period"] == "2026Q2"]
    assert q2["composite"].isna().all() and (q2["payout_amount"] == 0).all()
    assert q2["explanation"].str.startswith("No metric could be scored → no payout").all()
    assert np.isfinite(r["payout_pct"]).all() and np.isfinite(r["payout_amount"]).all()


def test_unknown_role_names_known_roles(plans):
    with pytest.raises(PlanError, match="known roles: brand_content, event_planning"):
        evaluate(worked_example_dataset(), plans, "2026Q3", roles=["online_promotion", "sales"])


def test_roles_filter_keeps_numbers_unchanged(plans):
    full = evaluate(worked_example_dataset(), plans, "2026Q3")
    only = evaluate(worked_example_dataset(), plans, "2026Q3", roles="online_promotion")
    assert set(only.plans) == {"online_promotion"}
    pd.testing.assert_frame_equal(full.results, only.results)
    none = evaluate(worked_example_dataset(), plans, "2026Q3", roles=["brand_content"])
    assert len(none.results) == 0 and list(none.results.columns) == RESULT_COLUMNS


def test_latest_is_latest_complete_quarter(plans):
    ds = worked_example_dataset()
    ev = evaluate(ds, plans, "latest")
    assert [p.label for p in ev.periods] == ["2026Q3"]
    assert evaluate(ds, plans, parse_period("2026Q3")).total() == ev.total()
    mixed = {**plans, "brand_content": plans["brand_content"].with_overrides(period="month")}
    with pytest.raises(PeriodError, match="ambiguous"):
        evaluate(ds, mixed, "latest")
    with pytest.raises(PeriodError, match="not a period"):
        evaluate(ds, plans, "2026Q5")


def test_gate_failure_pays_nothing_and_says_why(plans):
    ds = worked_example_dataset()
    acts = ds.actuals.copy()
    low = (acts["employee_id"] == "E0102") & (acts["metric"] == "leads")
    acts.loc[low, "value"] = 80.0  # 240 of 450 = 0.533 < 0.6
    ev = evaluate(worked_example_dataset(actuals=acts), plans, "2026Q3")
    zhao = ev.results.set_index("employee_id").loc["E0102"]
    assert not zhao["gate_passed"] and zhao["gate_failed"] == "leads_floor"
    assert zhao["payout_pct"] == 0.0 and zhao["payout_amount"] == 0.0
    assert (
        "gate leads_floor (leads achievement 0.53 < 0.60) failed → no payout" in zhao["explanation"]
    )


def test_joiner_is_prorated_by_days(plans):
    emp = worked_example_dataset().employees.copy()
    emp.loc[emp["employee_id"] == "E0102", "hire_date"] = pd.Timestamp("2026-08-01")
    ev = evaluate(worked_example_dataset(employees=emp), plans, "2026Q3")
    zhao = ev.results.set_index("employee_id").loc["E0102"]
    assert zhao["proration"] == pytest.approx(61 / 92)
    # her 2026Q3 is no longer whole, so traffic growth drops out; on target everywhere else,
    # her composite stays 1.0 and the team result too: 12,000 x 1.14364583 x 61/92 = 9,099.44
    assert (
        ev.scores.set_index(["employee_id", "metric"])
        .loc[("E0102", "traffic_growth"), "note"]
        .startswith("partial current period; not scored")
    )
    assert zhao["composite"] == pytest.approx(1.0, abs=1e-12)
    assert zhao["payout_amount"] == 9099.44
    assert "prorated 61/92 days" in zhao["explanation"]


def test_modifier_outside_bounds_is_a_data_error(plans):
    mods = pd.DataFrame(
        [("E0101", "2026Q3", 1.25, "too generous")],
        columns=["employee_id", "period", "modifier", "reason"],
    )
    with pytest.raises(DataError, match=r"employee_id E0101, period 2026Q3\): modifier 1.25"):
        evaluate(worked_example_dataset(modifiers=mods), plans, "2026Q3")


def test_what_if_with_plan_overrides(plans):
    base = evaluate(worked_example_dataset(), plans, "2026Q3")
    no_team = {**plans, "online_promotion": plans["online_promotion"].with_overrides(
        {"payout.team_share": 0.0})}  # fmt: skip
    ev = evaluate(worked_example_dataset(), no_team, "2026Q3")
    lin = ev.results.set_index("employee_id").loc["E0101"]
    assert lin["team_pct"] == 0.0
    assert lin["payout_pct"] == pytest.approx((1 + 0.038671875 * 0.8 / 0.3) * 1.05)
    assert lin["explanation"].startswith(
        "Composite 1.03 (band B) → payout curve 1.10 (accelerator)"
    )
    assert ev.total() != base.total()


def test_describe_is_one_line(plans):
    ev = evaluate(worked_example_dataset(), plans, "2026Q3")
    assert isinstance(ev, Evaluation)
    assert ev.describe() == "2026Q3: 3 people in 1 role, 3 paid, total 51,898.34 CNY"


def test_missing_metric_renormalises_in_the_chain(plans):
    acts = worked_example_dataset().actuals
    acts = acts[~((acts["employee_id"] == "E0102") & (acts["period"].isin(LY)))]
    ev = evaluate(worked_example_dataset(actuals=acts), plans, "2026Q3")
    s = ev.scores[ev.scores["employee_id"] == "E0102"].set_index("metric")
    assert math.isnan(s.loc["traffic_growth", "actual"])
    assert s.loc["traffic_growth", "note"].startswith("no baseline; not scored")
    assert s["weight"].sum() == pytest.approx(1.0)
    assert s.loc["leads", "weight"] == pytest.approx(0.2 / 0.8)
    # every other metric on target: the composite stays 1.0 (not 0.8 as if growth scored 0)
    assert ev.results.set_index("employee_id").loc["E0102", "composite"] == pytest.approx(1.0)


def test_evaluate_dir_reads_a_folder(tmp_path, plans):
    ds = worked_example_dataset()
    for name in ("employees", "actuals", "targets", "ratings", "modifiers"):
        getattr(ds, name).to_csv(tmp_path / f"{name}.csv", index=False)
    ev = evaluate_dir(tmp_path, period="2026Q3", plans_dir=PLANS_DIR)
    assert ev.total() == {"CNY": 51898.34}


def test_evaluate_dir_reads_the_actuals_from_a_backend(tmp_path, plans):
    from perfkit.backends import FrameActuals
    from perfkit.errors import PlanError

    ds = worked_example_dataset()
    for name in ("employees", "actuals", "targets", "ratings", "modifiers"):
        getattr(ds, name).to_csv(tmp_path / f"{name}.csv", index=False)
    wrong = ds.actuals.assign(value=ds.actuals["value"] * 2)  # the file's actuals are not used
    wrong.to_csv(tmp_path / "actuals.csv", index=False)
    backend = FrameActuals(ds.actuals.copy())
    ev = evaluate_dir(tmp_path, period="2026Q3", plans_dir=PLANS_DIR, actuals=backend)
    assert ev.total() == {"CNY": 51898.34}
    assert evaluate_dir(tmp_path, period="2026Q3", plans_dir=PLANS_DIR).total() != ev.total()
    # a callable is connected only after the plans, roles and period are checked
    called = []
    with pytest.raises(PlanError, match="has no plan"):
        evaluate_dir(
            tmp_path, period="2026Q3", plans_dir=PLANS_DIR, roles="nobody",
            actuals=lambda: called.append(1) or backend,
        )  # fmt: skip
    assert not called
    got = evaluate_dir(tmp_path, period="2026Q3", plans_dir=PLANS_DIR, actuals=lambda: backend)
    assert got.total() == ev.total()


def test_sample_data_set_evaluates_cleanly(sample_dir, plans):
    if not (sample_dir / "employees.csv").exists():
        pytest.skip("data/sample not generated")
    from perfkit.io import load_dataset

    ds = load_dataset(sample_dir)
    ev = evaluate(ds, plans, "latest")
    r = ev.results
    planned = ds.employees[ds.employees["role"].isin(list(plans))]
    assert set(r["employee_id"]) <= set(planned["employee_id"])
    assert len(r) > 0.8 * len(planned)
    assert np.isfinite(r["payout_amount"]).all() and (r["payout_amount"] >= 0).all()
    assert (
        r["payout_pct"] <= r["role"].map({k: p.payout.person_cap for k, p in plans.items()})
    ).all()
    # composites mostly between 0.7 and 1.3, as the generator is calibrated for
    inside = r["composite"].between(0.7, 1.3).mean()
    assert inside > 0.6
    assert r["explanation"].str.contains("paid ").all()


def test_stage_functions_chain_to_the_same_numbers(plans):
    from perfkit.metrics import metric_values
    from perfkit.scoring import person_scores, score_metrics

    ds = worked_example_dataset()
    ev = evaluate(ds, plans, ["2026Q2", "2026Q3"])
    values = metric_values(ds, plans=plans, periods=["2026Q2", "2026Q3"])
    scores = score_metrics(values, plans=plans)
    pd.testing.assert_frame_equal(scores, ev.scores)
    people = person_scores(scores, plans=plans)
    merged = people.merge(ev.results, on=["employee_id", "period"], suffixes=("", "_ev"))
    assert len(merged) == len(ev.results) == 6
    np.testing.assert_allclose(merged["composite"], merged["composite_ev"])
    assert (merged["gate_passed"] == merged["gate_passed_ev"]).all()


def test_row_order_of_the_input_changes_nothing(sample_dir, plans):
    """Shuffled input rows give the same frames: sorted by period, employee id and metric."""
    if not (sample_dir / "employees.csv").exists():
        pytest.skip("data/sample not generated")
    ds = load_dataset(sample_dir)
    periods = ["2026Q2", "2026Q3"]
    ev = evaluate(ds, plans, periods)
    frames = {name: getattr(ds, name) for name in TABLES}
    shuffled = {
        name: f.sample(frac=1.0, random_state=7).reset_index(drop=True)
        for name, f in frames.items()
    }
    ev2 = evaluate(Dataset.from_frames(**shuffled, source="shuffled"), plans, periods)
    pd.testing.assert_frame_equal(ev2.results, ev.results)
    pd.testing.assert_frame_equal(ev2.scores, ev.scores)
    # the order: period, employee id, then each person's metrics in plan order
    r, s = ev.results, ev.scores
    assert r[["period", "employee_id"]].values.tolist() == sorted(
        r[["period", "employee_id"]].values.tolist()
    )
    keys = s[["period", "employee_id"]].drop_duplicates().values.tolist()
    assert keys == r[["period", "employee_id"]].values.tolist()
    for (period, emp, role), group in s.groupby(["period", "employee_id", "role"], sort=False):
        assert group["metric"].tolist() == list(plans[role].metric_keys)
        mask = (r["period"] == period) & (r["employee_id"] == emp)
        composite = r.loc[mask, "composite"].iloc[0]
        if math.isnan(composite):
            assert group["weighted_score"].isna().all()
        else:
            assert group["weighted_score"].sum() == pytest.approx(composite)


def test_partial_growth_baseline_on_the_sample_is_unscored(sample_dir, plans):
    """Issue #7: E0144, hired 2025-09-16, has 15 days of 2025Q3 against a whole 2026Q3."""
    if not (sample_dir / "employees.csv").exists():
        pytest.skip("data/sample not generated")
    ds = load_dataset(sample_dir)
    ev = evaluate(ds, plans, "2026Q3")
    s = ev.scores.set_index(["employee_id", "metric"])
    # 2025Q3 holds September only (15,926 visitors in 15 days), 2026Q3 all three months:
    # 117,342 / 15,926 - 1 = 6.37, a growth of 637% that used to score at stretch (1.5)
    acts = ds.actuals[
        (ds.actuals["employee_id"] == "E0144") & (ds.actuals["metric"] == "web_unique_visitors")
    ].set_index("period")["value"]
    assert acts.reindex(LY).isna().tolist() == [True, True, False]
    assert acts[Q3].sum() / acts["2025-09"] - 1 == pytest.approx(6.367952, abs=1e-6)
    tian = s.loc[("E0144", "traffic_growth")]
    assert math.isnan(tian["actual"]) and math.isnan(tian["score"]) and tian["weight"] == 0.0
    assert tian["note"] == (
        "partial baseline; not scored; its weight is shared by the scored metrics"
    )
    assert s.loc[("E0144", "leads"), "weight"] == pytest.approx(0.2 / 0.8)
    r = ev.results.set_index("employee_id")
    # composite: the other six metrics over their weight 0.8, (1.168797 - 0.2 x 1.5) / 0.8;
    # payout 7,875 x (0.7 x curve(1.085996) + 0.3 x curve(team 1.020398)) = 9,267.65
    # (10,512.28 before, with growth at stretch)
    assert r.loc["E0144", "composite"] == pytest.approx(1.085996, abs=1e-6)
    assert r.loc["E0144", "payout_amount"] == 9267.65
    # the other partial growth comparisons of the quarter: E0143 hired 2025-08-22 (partial
    # baseline) and E0004, who left on 2026-08-21 (partial current period)
    partial = ev.scores[ev.scores["note"].str.startswith("partial")]
    first_note = partial["note"].str.split(";").str[0]
    assert sorted(zip(partial["employee_id"], first_note, strict=True)) == [
        ("E0004", "partial current period"),
        ("E0143", "partial baseline"),
        ("E0144", "partial baseline"),
    ]
    # the same path as a missing baseline: without E0144's 2025-09 row everyone is paid the same
    frames = {name: getattr(ds, name) for name in TABLES}
    a = frames["actuals"]
    frames["actuals"] = a[
        ~(
            (a["employee_id"] == "E0144")
            & (a["metric"] == "web_unique_visitors")
            & (a["period"] == "2025-09")
        )
    ]
    nobase = evaluate(Dataset.from_frames(**frames, source="no baseline"), plans, "2026Q3")
    assert (
        nobase.scores.set_index(["employee_id", "metric"])
        .loc[("E0144", "traffic_growth"), "note"]
        .startswith("no baseline; not scored")
    )
    pd.testing.assert_series_equal(nobase.results["payout_amount"], ev.results["payout_amount"])
    pd.testing.assert_series_equal(nobase.results["composite"], ev.results["composite"])
    # whole baselines change nothing: outside E0144's team (whose team composite moves) and
    # E0004, E0143, the quarter pays what it paid before the rule, 1,154,985.23 CNY to 118
    other = ~((ev.results["team"] == "T2-digital-east") | ev.results["employee_id"].isin(
        ["E0004", "E0143"]
    ))  # fmt: skip
    assert other.sum() == 118
    assert ev.results.loc[other, "payout_amount"].sum() == pytest.approx(1154985.23, abs=1e-6)


def test_a_plan_of_ratings_only_evaluates_without_actuals():
    """A plan of manager ratings needs no actuals row in the period, nor any actuals at all."""
    from perfkit.plans import Plan

    plan = Plan.model_validate(
        {
            "role": "rated", "name": "rated", "name_zh": "rated",
            "metrics": [
                {
                    "key": "collab", "label": "c", "label_zh": "c", "unit": "score",
                    "kind": "qualitative", "measure": {"agg": "rating", "source": "collaboration"},
                    "target": 3.5, "weight": 1.0,
                }
            ],
            "rating_bands": [
                {"band": "A", "min_composite": 1.0, "guideline_share": 0.5},
                {"band": "B", "min_composite": 0.0, "guideline_share": 0.5},
            ],
        }
    )  # fmt: skip
    emp = pd.DataFrame(
        [("A", "Person A", "rated", "T1", "M1", "2020-01-01", None, 40000.0, "CNY")],
        columns=EMP_COLUMNS,
    )
    acts = pd.DataFrame(columns=["employee_id", "period", "metric", "value"])
    ratings = pd.DataFrame(
        [("A", "2026Q3", "collaboration", 4.0, "M1"), ("A", "2026-07", "collaboration", 2.0, "M2"),
         ("A", "2026-08", "collaboration", 4.0, "M2")],
        columns=["employee_id", "period", "metric", "rating", "rater_id"],
    )  # fmt: skip
    ds = Dataset.from_frames(emp, acts, None, ratings)
    for period in ("2026Q3", "latest"):
        ev = evaluate(ds, {"rated": plan}, period)
        # M1 4.0, M2 (2 + 4) / 2 = 3.0: (4 + 3) / 2 = 3.5 = target: composite 1.0
        assert ev.scores["actual"].tolist() == [3.5]
        r = ev.results.iloc[0]
        assert r["period"] == "2026Q3" and r["composite"] == 1.0
        assert r["payout_amount"] == 10000.0  # 40,000 / 4 x 1.0
    with pytest.raises(PeriodError, match="2026Q1"):  # the ratings cover 2026Q3 only
        evaluate(ds, {"rated": plan}, "2026Q1")


def test_scores_are_built_once_on_first_use_and_survive_pickling(plans):
    """The long scores frame is built when first asked for, once, and equals the stage
    functions' frame; the results never wait for it; a pickled evaluation carries it."""
    import pickle
    import threading

    from perfkit.metrics import metric_values
    from perfkit.scoring import score_metrics

    ds = worked_example_dataset()
    ev = evaluate(ds, plans, ["2026Q2", "2026Q3"])
    assert ev._scores is None and ev._build is not None  # nothing built yet
    assert len(ev.results) == 6
    got: list[pd.DataFrame] = []
    threads = [threading.Thread(target=lambda: got.append(ev.scores)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(frame is got[0] for frame in got)  # one frame, however many asked at once
    assert ev._build is None  # the arrays it was built from are let go
    expected = score_metrics(
        metric_values(ds, plans=plans, periods=["2026Q2", "2026Q3"]), plans=plans
    )
    pd.testing.assert_frame_equal(ev.scores, expected)
    copy = pickle.loads(pickle.dumps(evaluate(ds, plans, ["2026Q2", "2026Q3"])))
    pd.testing.assert_frame_equal(copy.scores, expected)
    pd.testing.assert_frame_equal(copy.results, ev.results)
    assert [p.label for p in copy.periods] == ["2026Q2", "2026Q3"]
    assert Evaluation(expected, ev.results, ev.periods).scores is expected
