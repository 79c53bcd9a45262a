"""The sample generator: determinism, the shipped data set, its shape and its planted signals.

Every check on the shipped data recomputes what it asserts from the CSV files with plain
pandas, independently of the generator's internals.
"""

from __future__ import annotations

import json
import shutil
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT

from perfkit.cli import cli
from perfkit.errors import PerfkitError, PlanError
from perfkit.sample import FILES, PEER, generate

ROLE_COUNTS = {
    "event_planning": 25,
    "online_promotion": 40,
    "offline_channel": 30,
    "brand_content": 25,
    "marketing_specialist": 30,
}
WINDOW = [str(p) for p in pd.period_range("2024-10", "2026-09", freq="M")]


def _read(folder) -> dict[str, pd.DataFrame]:
    text = {"employee_id": str, "period": str, "metric": str, "rater_id": str}
    out = {
        name: pd.read_csv(folder / f"{name}.csv", dtype=text, keep_default_na=False)
        for name in ("employees", "actuals", "targets", "ratings", "modifiers")
    }
    out["planted"] = json.loads((folder / "planted.json").read_text(encoding="utf-8"))
    return out


@pytest.fixture(scope="module")
def shipped() -> dict:
    return _read(ROOT / "data" / "sample")


def _signal(data: dict, kind: str) -> dict:
    (found,) = [s for s in data["planted"]["signals"] if s["signal"] == kind]
    return found


def _quarter(period: pd.Series) -> pd.Series:
    month = period.str[5:7].astype(int)
    return period.str[:4] + "Q" + ((month - 1) // 3 + 1).astype(str)


def _full_tenure(data: dict) -> set[str]:
    counts = data["actuals"].groupby("employee_id")["period"].nunique()
    return set(counts.index[counts == len(WINDOW)])


# -- determinism ------------------------------------------------------------------------------
def test_same_seed_gives_the_same_bytes(tmp_path):
    a = generate(tmp_path / "a", employees=30, months=15, seed=3)
    b = generate(tmp_path / "b", employees=30, months=15, seed=3)
    assert a.actuals_rows == b.actuals_rows > 0
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_another_seed_gives_other_data(tmp_path):
    generate(tmp_path / "a", employees=30, months=15, seed=3)
    generate(tmp_path / "b", employees=30, months=15, seed=4)
    for name in ("employees.csv", "actuals.csv", "ratings.csv"):
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes(), name


def test_shipped_sample_is_what_the_defaults_make(tmp_path, sample_dir):
    info = generate(tmp_path)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (sample_dir / name).read_bytes(), (
            f"data/sample/{name} is stale: run `perfkit sample data/sample`"
        )
    rows = len(pd.read_csv(sample_dir / "actuals.csv"))
    assert str(info) == f"150 people, 24 months (2024-10..2026-09), {rows:,} actuals rows"


def test_writing_leaves_other_files_alone(tmp_path):
    (tmp_path / "README.md").write_text("mine\n")
    generate(tmp_path, employees=20, months=3)
    assert (tmp_path / "README.md").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*FILES, "README.md"])


# -- the department ---------------------------------------------------------------------------
def test_department_roles_teams_and_managers(shipped):
    emp = shipped["employees"]
    assert list(emp.columns) == [
        "employee_id", "name", "role", "team", "manager_id", "hire_date", "leave_date",
        "annual_target_bonus", "currency",
    ]  # fmt: skip
    assert len(emp) == 150 and emp["employee_id"].is_unique and emp["name"].is_unique
    assert emp["role"].value_counts().to_dict() == ROLE_COUNTS
    team_roles = emp.groupby("team")["role"].nunique()
    assert len(team_roles) == 8 and (team_roles == 1).all()  # role-homogeneous teams
    teams_per_role = emp.groupby("role")["team"].nunique().to_dict()
    assert teams_per_role == {
        "event_planning": 1, "online_promotion": 2, "offline_channel": 2,
        "brand_content": 1, "marketing_specialist": 2,
    }  # fmt: skip
    assert sorted(emp["manager_id"].unique()) == [f"M{i:02d}" for i in range(1, 11)]
    managers_per_team = emp.groupby("team")["manager_id"].nunique()
    assert sorted(managers_per_team) == [1, 1, 1, 1, 1, 1, 2, 2]
    assert emp.groupby("manager_id")["team"].nunique().max() == 1
    assert not set(emp["manager_id"]) & set(emp["employee_id"])
    bonus = emp["annual_target_bonus"].astype(float)
    assert bonus.between(20000, 80000).all() and (bonus % 500 == 0).all()
    assert bonus.groupby(emp["role"]).median().between(25000, 60000).all()
    assert (emp["currency"] == "CNY").all()


def test_window_joiners_and_leavers(shipped):
    emp, act = shipped["employees"], shipped["actuals"]
    assert sorted(act["period"].unique()) == WINDOW
    hire = pd.to_datetime(emp["hire_date"])
    leave = pd.to_datetime(emp["leave_date"].replace("", None))
    joiners = hire >= "2024-10-01"
    leavers = leave.notna()
    assert 10 <= joiners.sum() <= 20 and 8 <= leavers.sum() <= 16
    assert not (joiners & leavers).any()
    assert hire[joiners].dt.day.between(5, 25).all()  # mid-month
    assert leave[leavers].dt.day.between(5, 25).all()
    assert leave[leavers].between("2024-10-01", "2026-09-30").all()
    # months employed (any day), worked out from the dates alone
    month_start = pd.to_datetime(pd.Series(WINDOW) + "-01")
    month_end = month_start + pd.offsets.MonthEnd(0)
    last = leave.fillna(pd.Timestamp("2099-12-31"))
    employed = (hire.to_numpy()[:, None] <= month_end.to_numpy()[None, :]) & (
        last.to_numpy()[:, None] >= month_start.to_numpy()[None, :]
    )
    expected = {
        (e, m)
        for i, e in enumerate(emp["employee_id"])
        for j, m in enumerate(WINDOW)
        if employed[i, j]
    }
    present = set(zip(act["employee_id"], act["period"], strict=True))
    assert present == expected
    assert len(expected) < 150 * 24  # joiners and leavers really miss months


def test_actuals_have_no_duplicates_and_every_needed_raw_metric(shipped, plans):
    emp, act = shipped["employees"], shipped["actuals"]
    assert list(act.columns) == ["employee_id", "period", "metric", "value"]
    assert not act.duplicated(["employee_id", "period", "metric"]).any()
    role = act["employee_id"].map(emp.set_index("employee_id")["role"])
    months = act.groupby("employee_id")["period"].nunique()
    for r, plan in plans.items():
        needed = {
            raw
            for m in plan.metrics
            if m.measure.agg != "rating"
            for raw in (m.measure.source, m.measure.denominator)
            if raw
        }
        rows = act[role == r]
        got = rows[rows["metric"].isin(needed)].groupby("employee_id").size()
        assert set(rows["metric"]) >= needed, r
        assert (got == months[got.index] * len(needed)).all(), r
        assert set(got.index) == set(emp.loc[emp["role"] == r, "employee_id"]), r
    assert 15000 <= len(act) <= 100000


def test_values_are_coherent(shipped):
    act = shipped["actuals"]
    wide = act.pivot_table(index=["employee_id", "period"], columns="metric", values="value")
    counts = [
        "leads", "event_attendance", "event_reach", "web_unique_visitors", "web_page_views",
        "ad_impressions", "ad_clicks", "ad_conversions", "new_channel_partners",
        "social_followers", "content_published", "content_reach", "content_engagements",
        "referrals",
    ]  # fmt: skip
    for c in counts:
        v = wide[c].dropna()
        assert (v >= 0).all() and (v == np.round(v)).all(), c
    ads = wide[["ad_impressions", "ad_clicks", "ad_conversions"]].dropna()
    assert (ads["ad_clicks"] < ads["ad_impressions"]).all()
    assert (ads["ad_conversions"] <= ads["ad_clicks"]).all()
    assert 0.015 < ads["ad_clicks"].sum() / ads["ad_impressions"].sum() < 0.03
    ev = wide[["event_budget", "event_spend"]].dropna()
    ev = ev[ev["event_budget"] > 0]
    assert (ev["event_spend"] / ev["event_budget"]).between(0.85, 1.15).all()
    assert wide["search_rank"].dropna().between(1, 30).all()
    assert wide["partner_satisfaction"].dropna().between(1, 5).all()
    assert wide["market_share"].dropna().between(0.08, 0.16).all()
    assert wide["repeat_purchase_rate"].dropna().between(0, 1).all()
    eng = wide[["content_engagements", "content_reach"]].dropna()
    assert (eng["content_engagements"] <= eng["content_reach"]).all()
    money = wide[["ad_spend", "channel_sales", "event_spend"]].stack().dropna()
    assert np.allclose(money * 100, np.round(money * 100), rtol=0, atol=1e-6)  # whole cents
    followers = wide["social_followers"].dropna().unstack("period")
    followers = followers[followers.notna().sum(axis=1) >= 12]
    grew = followers.ffill(axis=1).iloc[:, -1] > followers.bfill(axis=1).iloc[:, 0]
    assert grew.mean() > 0.8  # a growing level


def test_ratings_targets_and_modifiers(shipped, plans):
    emp, rat = shipped["employees"], shipped["ratings"]
    assert list(rat.columns) == ["employee_id", "period", "metric", "rating", "rater_id", "comment"]
    assert rat["rating"].between(1, 5).all() and (rat["rating"] * 2 % 1 == 0).all()
    quarters = ["2024Q4"] + [f"{y}Q{q}" for y in (2025, 2026) for q in (1, 2, 3, 4)]
    assert sorted(rat["period"].unique()) == quarters[:8]
    people = emp.set_index("employee_id")
    expected_metric = rat["employee_id"].map(people["role"]).map(
        {r: next(m.measure.source for m in p.metrics if m.kind == "qualitative")
         for r, p in plans.items()}
    )  # fmt: skip
    assert (rat["metric"] == expected_metric).all()
    manager = rat["employee_id"].map(people["manager_id"])
    first = rat["rater_id"] == manager
    assert (first | (rat["rater_id"] == manager.map(PEER))).all()
    assert 0.2 < (~first).sum() / first.sum() < 0.4  # ~30% have a second rater
    assert 0.2 < (rat.loc[first, "comment"] != "").mean() < 0.5
    assert (rat.loc[~first, "comment"] == "").all()

    tgt = shipped["targets"]
    assert tgt["target"].gt(0).all()
    assert set(zip(tgt["employee_id"].map(people["role"]), tgt["metric"], strict=True)) == {
        ("event_planning", "attendance"),
        ("online_promotion", "leads"),
        ("marketing_specialist", "leads"),
    }
    assert tgt["period"].str.fullmatch(r"\d{4}Q[1-4]").all()
    role = tgt["employee_id"].map(people["role"])
    for (r, key), median in tgt.groupby([role, "metric"])["target"].median().items():
        assert 0.85 <= median / plans[r].metric(key).target <= 1.15, (r, key)

    mod = shipped["modifiers"]
    assert list(mod.columns) == ["employee_id", "period", "modifier", "reason"]
    assert 3 <= len(mod) <= 8 and mod["modifier"].between(0.9, 1.1).all()
    assert (mod["reason"] != "").all() and mod["employee_id"].isin(emp["employee_id"]).all()


# -- planted signals --------------------------------------------------------------------------
def test_lenient_and_harsh_managers(shipped):
    rat = shipped["ratings"]
    lenient = _signal(shipped, "lenient_manager")["rater_id"]
    harsh = _signal(shipped, "harsh_manager")["rater_id"]
    mean = rat.groupby("rater_id")["rating"].mean()
    others = rat.loc[~rat["rater_id"].isin([lenient, harsh]), "rating"].mean()
    assert mean[lenient] - others > 0.5
    assert mean[harsh] - others < -0.5
    # the same person and quarter rated by two managers: the difference is the rater's bias
    two = rat[rat.groupby(["employee_id", "period", "metric"])["rating"].transform("size") == 2]
    pairs = two.pivot_table(index=["employee_id", "period"], columns="rater_id", values="rating")
    for rid, sign in ((lenient, 1), (harsh, -1)):
        diff = (pairs[rid] - pairs.drop(columns=rid).mean(axis=1)).dropna()
        assert len(diff) >= 30
        assert sign * diff.mean() > 0.5, rid
    neutral = pairs.drop(columns=[lenient, harsh, PEER[lenient], PEER[harsh]])
    for a, b in [("M05", "M06"), ("M09", "M10"), ("M01", "M02")]:
        d = (neutral[a] - neutral[b]).dropna()
        assert abs(d.mean()) < 0.3, (a, b)


def test_threshold_bunching(shipped, plans):
    sig = _signal(shipped, "threshold_bunching")
    act, emp = shipped["actuals"], shipped["employees"]
    metric = plans[sig["role"]].metric(sig["metric"])
    assert sig["level"] == metric.threshold and sig["target"] == metric.target
    assert 5 <= len(sig["employee_ids"]) <= 8 and len(sig["periods"]) >= 4
    rows = act[act["metric"] == sig["raw_metric"]].assign(q=lambda d: _quarter(d["period"]))
    totals = rows.groupby(["employee_id", "q"])["value"].sum().unstack()
    lo, hi = sig["band"]
    band = totals.loc[sig["employee_ids"], sig["periods"]] / sig["level"] - 1
    assert ((band >= lo) & (band <= hi)).all().all()
    peers = sorted(
        set(emp.loc[emp["role"] == sig["role"], "employee_id"])
        & _full_tenure(shipped) - set(sig["employee_ids"])
    )
    rest = totals.loc[peers, sig["periods"]].stack() / sig["level"] - 1
    assert ((rest >= lo) & (rest <= hi)).mean() < 0.1  # others are spread smoothly
    tgt = shipped["targets"]
    mine = tgt[tgt["employee_id"].isin(sig["employee_ids"]) & (tgt["metric"] == sig["metric"])]
    assert (mine["target"] == sig["target"]).all() and len(mine) > 0


def _mean_pairwise(frame: pd.DataFrame) -> float:
    c = frame.corr().to_numpy()
    return float(np.mean([c[i, j] for i, j in combinations(range(len(c)), 2)]))


def test_zero_sum_team(shipped):
    sig = _signal(shipped, "zero_sum_team")
    act, emp = shipped["actuals"], shipped["employees"]
    leads = act[act["metric"] == "leads"].pivot(index="period", columns="employee_id",
                                                values="value")  # fmt: skip
    full = _full_tenure(shipped)
    assert set(sig["employee_ids"]) == set(emp.loc[emp["team"] == sig["team"], "employee_id"])
    team = leads[sig["employee_ids"]]
    assert team.notna().all().all()
    vs_rest = [np.corrcoef(team[e], team.drop(columns=e).sum(axis=1))[0, 1] for e in team]
    assert _mean_pairwise(team) < 0 and np.mean(vs_rest) < -0.5
    total = team.sum(axis=1)
    assert total.std() / total.mean() < 0.05  # a nearly fixed pool
    for name, members in emp[emp["team"] != sig["team"]].groupby("team")["employee_id"]:
        ids = sorted(set(members) & full & set(leads.columns))
        if len(ids) < 5:
            continue
        other = leads[ids]
        others_vs_rest = [
            np.corrcoef(other[e], other.drop(columns=e).sum(axis=1))[0, 1] for e in other
        ]
        assert _mean_pairwise(other) > 0.05 and np.mean(others_vs_rest) > 0.2, name


def test_quarter_end_spikes(shipped):
    sig = _signal(shipped, "quarter_end_spikes")
    act, emp = shipped["actuals"], shipped["employees"]
    leads = act[act["metric"] == "leads"]
    last_month = leads["period"].str[5:7].astype(int) % 3 == 0
    share = (
        leads[last_month].groupby("employee_id")["value"].sum()
        / leads.groupby("employee_id")["value"].sum()
    )
    others = sorted(
        set(emp.loc[emp["role"].isin(sig["roles"]), "employee_id"])
        & _full_tenure(shipped) - set(sig["employee_ids"])
    )
    assert (share[sig["employee_ids"]] > 0.44).all()
    assert share[others].mean() < 0.39 and share[others].quantile(0.9) < 0.42


def test_readme_names_every_planted_signal(shipped, sample_dir):
    readme = (sample_dir / "README.md").read_text(encoding="utf-8")
    for sig in shipped["planted"]["signals"]:
        assert sig["signal"] in readme
        for eid in sig["employee_ids"]:
            if sig["signal"] not in ("lenient_manager", "harsh_manager"):
                assert eid in readme, (sig["signal"], eid)
        for key in ("rater_id", "team"):
            if key in sig:
                assert sig[key] in readme


# -- edges ------------------------------------------------------------------------------------
def test_short_window_without_growth_baselines(tmp_path):
    info = generate(tmp_path, employees=30, months=8, seed=11)
    data = _read(tmp_path)
    assert sorted(data["actuals"]["period"].unique()) == [
        str(p) for p in pd.period_range("2026-02", "2026-09", freq="M")
    ]
    assert info.months == 8 and len(data["employees"]) == 30
    assert sorted(data["ratings"]["period"].unique()) == ["2026Q2", "2026Q3"]
    signals = {s["signal"] for s in data["planted"]["signals"]}
    assert {"lenient_manager", "harsh_manager", "zero_sum_team"} <= signals


def test_window_not_on_a_quarter_boundary(tmp_path):
    generate(tmp_path, employees=20, months=5, seed=2, end="2026-08")
    data = _read(tmp_path)
    assert sorted(data["actuals"]["period"].unique())[0] == "2026-04"
    assert set(data["ratings"]["period"]) == {"2026Q2"}  # the only whole quarter
    assert set(data["targets"]["period"]) <= {"2026Q2"}


def test_bad_arguments_are_user_errors(tmp_path):
    with pytest.raises(PerfkitError, match="employees"):
        generate(tmp_path, employees=5)
    with pytest.raises(PerfkitError, match="months"):
        generate(tmp_path, months=2)
    with pytest.raises(PerfkitError, match="2026-09"):
        generate(tmp_path, end="2026Q3")


def test_plan_needing_an_unknown_raw_metric_is_a_plan_error(tmp_path, plans_dir):
    folder = tmp_path / "plans"
    shutil.copytree(plans_dir, folder)
    path = folder / "offline_channel.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["metrics"][0]["measure"]["source"] = "web_page_views"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlanError, match="web_page_views"):
        generate(tmp_path / "out", employees=20, months=3, plans_dir=folder)


def test_cli_sample_command(tmp_path):
    result = CliRunner().invoke(
        cli, ["sample", str(tmp_path), "--employees", "20", "--months", "3", "--seed", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "20 people, 3 months (2026-07..2026-09)" in result.output
    assert (tmp_path / "actuals.csv").exists()


def test_names_stay_unique_for_large_departments():
    from perfkit.sample import _names, max_employees

    assert max_employees() >= 100_000
    names = _names(np.random.default_rng(3), 100_000)
    assert len(set(names)) == 100_000
    family, _, given = pd.Series(names).str.partition(" ").T.to_numpy()
    assert (family.astype(str) != "").all() and pd.Series(given).str.fullmatch(r"[A-Z][a-z]+").all()


def test_a_large_department_is_generated(tmp_path):
    # 2,808 classic pairs used to be the ceiling: 3,000 people ran out of names
    result = CliRunner().invoke(
        cli, ["sample", str(tmp_path), "--employees", "3000", "--months", "3", "--seed", "2"]
    )
    assert result.exit_code == 0, result.output
    employees = pd.read_csv(tmp_path / "employees.csv", keep_default_na=False)
    assert len(employees) == 3000 and employees["name"].is_unique


def test_too_many_people_is_a_clean_error(tmp_path):
    from perfkit.sample import max_employees

    too_many = max_employees() + 1
    result = CliRunner().invoke(cli, ["sample", str(tmp_path), "--employees", str(too_many)])
    assert result.exit_code == 2
    assert result.output == (
        f"error: sample: --employees {too_many:,} is more people than the generator can name "
        f"({max_employees():,}); use at most that many\n"
    )
    assert not any(tmp_path.iterdir())
