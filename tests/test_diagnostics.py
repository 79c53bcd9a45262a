"""perfkit.diagnostics on the shipped sample: every planted signal found, nothing else high.

Each check of a planted signal recomputes what it asserts from the CSV files with plain
pandas (the people, the counts, the shares), independently of perfkit's own code.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import nbformat
import numpy as np
import pandas as pd
import papermill as pm
import pytest
from click.testing import CliRunner
from conftest import PLANS_DIR, ROOT, SAMPLE_DIR

import perfkit
from perfkit import diagnostics
from perfkit.cli import cli
from perfkit.errors import PerfkitError, PeriodError, PlanError

PLANTED = json.loads((SAMPLE_DIR / "planted.json").read_text(encoding="utf-8"))
SIGNALS = {s["signal"]: s for s in PLANTED["signals"]}
#: The finding kinds each planted signal should produce.
PLANTED_KINDS = {
    "lenient_manager": "lenient_rater",
    "harsh_manager": "harsh_rater",
    "threshold_bunching": "threshold_bunching",
    "zero_sum_team": "zero_sum_team",
    "quarter_end_spikes": "quarter_end_spikes",
}


def _csv(name: str) -> pd.DataFrame:
    text = {"employee_id": str, "period": str, "metric": str, "rater_id": str}
    return pd.read_csv(SAMPLE_DIR / f"{name}.csv", dtype=text, keep_default_na=False)


@pytest.fixture(scope="module")
def sample():
    return perfkit.load_dataset(SAMPLE_DIR), perfkit.load_plans(PLANS_DIR)


@pytest.fixture(scope="module")
def found(sample):
    data, plans = sample
    return diagnostics.diagnose(data, plans, "2026Q3")


def _of(found, kind):
    return [f for f in found if f.kind == kind]


# -- every planted signal is found, with evidence that matches the files ------------------------


def test_lenient_and_harsh_raters_found_with_their_offset(found):
    ratings = _csv("ratings")
    # the planted offset seen directly: on person-quarters rated twice, the biased rater
    # against the other rater of the same person and quarter
    twice = ratings.groupby(["employee_id", "period"]).filter(lambda g: len(g) == 2)
    for signal, kind, sign in (
        ("lenient_manager", "lenient_rater", 1),
        ("harsh_manager", "harsh_rater", -1),
    ):
        rater = SIGNALS[signal]["rater_id"]
        (f,) = [f for f in _of(found, kind) if f.subject["rater"] == rater]
        assert f.severity == "high"
        by_me = (twice["rater_id"] == rater).groupby([twice["employee_id"], twice["period"]])
        pairs = twice[by_me.transform("any")]
        mine = pairs[pairs["rater_id"] == rater].set_index(["employee_id", "period"])["rating"]
        other = pairs[pairs["rater_id"] != rater].set_index(["employee_id", "period"])["rating"]
        direct = float((mine - other.reindex(mine.index)).mean())
        ev = f.evidence
        assert sign * direct > 0.5 and abs(ev["raw_effect_points"] - direct) < 0.25
        assert sign * ev["effect_points"] >= 0.5
        assert ev["ci_low"] < ev["effect_points"] < ev["ci_high"]
        assert sign * ev["ci_low"] > 0 and sign * ev["ci_high"] > 0  # the interval excludes 0
        assert abs(ev["effect_points"]) <= abs(ev["raw_effect_points"])  # shrunk, not inflated
        assert ev["p_adjusted"] < 0.05 and f.fix["en"] and f.fix["zh"]
    assert len(_of(found, "lenient_rater")) == 1 and len(_of(found, "harsh_rater")) == 1


def test_threshold_bunching_names_the_planted_people(found):
    sig = SIGNALS["threshold_bunching"]
    (f,) = _of(found, "threshold_bunching")
    assert f.subject == {"role": sig["role"], "employees": sig["employee_ids"]}
    assert f.evidence["metric"] == sig["metric"]
    assert f.evidence["cutoff"] == pytest.approx(sig["level"] / sig["target"])
    # the count just above, from the CSV files: quarterly leads over the person's target
    emp = _csv("employees")
    ids = set(emp.loc[emp["role"] == sig["role"], "employee_id"])
    act = _csv("actuals")
    act = act[(act["metric"] == "leads") & act["employee_id"].isin(ids)]
    month = act["period"].str[5:7].astype(int)
    act = act.assign(quarter=act["period"].str[:4] + "Q" + ((month - 1) // 3 + 1).astype(str))
    q = act.groupby(["employee_id", "quarter"])["value"].sum().rename("leads").reset_index()
    t = _csv("targets")
    t = t[t["metric"] == "leads"].rename(columns={"period": "quarter"})
    q = q.merge(t[["employee_id", "quarter", "target"]], on=["employee_id", "quarter"], how="left")
    q["target"] = q["target"].fillna(450.0)
    ach = q["leads"] / q["target"]
    window = (ach >= 0.8 - 1e-9) & (ach < 0.8 * 1.03)
    assert f.evidence["just_above"] == int(window.sum())
    assert f.evidence["ratio"] > 5 and f.evidence["p_adjusted"] < 0.05
    assert f.severity == "high"


def test_zero_sum_team_found_with_the_variance_ratio_of_the_files(found):
    sig = SIGNALS["zero_sum_team"]
    (f,) = _of(found, "zero_sum_team")
    assert f.subject == {"role": sig["role"], "team": sig["team"]}
    assert f.evidence["metric"] == "leads" and f.evidence["members"] == len(sig["employee_ids"])
    act = _csv("actuals")
    x = act[(act["metric"] == "leads") & act["employee_id"].isin(sig["employee_ids"])]
    wide = x.pivot(index="employee_id", columns="period", values="value").to_numpy(float)
    ratio = wide.sum(axis=0).var() / wide.var(axis=1).sum()
    assert f.evidence["variance_ratio"] == pytest.approx(ratio, rel=1e-9)
    rest = [
        np.corrcoef(wide[i], wide.sum(axis=0) - wide[i])[0, 1] for i in range(len(wide))
    ]  # a loop over 15 members in the test, as a hand check
    assert f.evidence["member_vs_rest_r"] == pytest.approx(np.mean(rest), abs=1e-9)
    assert f.evidence["member_vs_rest_r"] < -0.5 and f.evidence["p_adjusted"] < 0.05


def test_quarter_end_spikers_found_with_their_last_month_share(found):
    sig = SIGNALS["quarter_end_spikes"]
    spikes = _of(found, "quarter_end_spikes")
    named = sorted(i for f in spikes for i in f.subject.get("employees", []))
    assert named == sig["employee_ids"]
    assert all("team" not in f.subject for f in spikes)  # no team as a whole spikes
    act = _csv("actuals")
    x = act[(act["metric"] == "leads") & act["employee_id"].isin(sig["employee_ids"])]
    last = x["period"].str[5:7].astype(int) % 3 == 0
    share = x.loc[last, "value"].sum() / x["value"].sum()
    (f,) = spikes
    assert f.evidence["last_month_share"] == pytest.approx(share, abs=0.01)
    assert f.evidence["last_month_share"] - f.evidence["role_last_month_share"] > 0.08


def test_nothing_else_of_high_severity(found):
    planted = {PLANTED_KINDS[s] for s in SIGNALS}
    assert {f.kind for f in found if f.severity == "high"} == planted
    assert len([f for f in found if f.severity == "high"]) == len(planted)


# -- the outputs: JSON with exactly the fields, text, files, errors -----------------------------


def test_cli_json_has_exactly_the_fields(tmp_path):
    result = CliRunner().invoke(
        cli, ["diagnose", str(SAMPLE_DIR), "--period", "2026Q3", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert {i["kind"] for i in items} >= set(PLANTED_KINDS.values())
    for item in items:
        assert set(item) == {"kind", "severity", "subject", "evidence", "fix"}
        assert item["severity"] in ("high", "medium", "low")
        assert set(item["fix"]) == {"en", "zh"} and all(item["fix"].values())
        assert re.search(r"[\u4e00-\u9fff]", item["fix"]["zh"])
        assert isinstance(item["evidence"], dict) and isinstance(item["subject"], dict)

    out = tmp_path / "out"
    # one role alone: its two raters cannot be told apart from each other (leniency needs
    # three raters or more), the team and the people still can
    result = CliRunner().invoke(
        cli,
        [
            "diagnose",
            str(SAMPLE_DIR),
            "--period",
            "2026Q3",
            "--roles",
            "marketing_specialist",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    written = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert [i["kind"] for i in written] == ["zero_sum_team"]
    text = (out / "findings.txt").read_text(encoding="utf-8")
    assert "T8-specialists-b" in text and "fix:" in text
    assert (out / "findings.json").stat().st_mode & 0o777 == 0o600


def test_cli_text_and_user_errors():
    result = CliRunner().invoke(cli, ["diagnose", str(SAMPLE_DIR), "--period", "2026Q3"])
    assert result.exit_code == 0 and "rater M04" in result.output and "[high]" in result.output
    bad = CliRunner().invoke(cli, ["diagnose", str(SAMPLE_DIR), "--period", "2031Q1"])
    assert bad.exit_code == 2 and "error:" in bad.output and "Traceback" not in bad.output
    bad = CliRunner().invoke(cli, ["diagnose", str(SAMPLE_DIR), "--roles", "astronaut"])
    assert bad.exit_code == 2 and "astronaut" in bad.output


def test_bad_input_is_refused(sample):
    data, plans = sample
    with pytest.raises(PeriodError):
        diagnostics.diagnose(data, plans, ["2026Q2", "2026Q3"])
    with pytest.raises(PlanError, match="known roles"):
        diagnostics.diagnose(data, plans, "2026Q3", roles=["astronaut"])
    with pytest.raises(PerfkitError, match="alpha"):
        diagnostics.diagnose(data, plans, "2026Q3", alpha=1.5)


def test_inputs_are_not_mutated(sample):
    data, plans = sample
    before = {k: getattr(data, k).copy() for k in ("employees", "actuals", "ratings", "targets")}
    diagnostics.diagnose(data, {"offline_channel": plans["offline_channel"]}, "2026Q3")
    for k, frame in before.items():
        pd.testing.assert_frame_equal(getattr(data, k), frame)


# -- the role report's section and the index's pick --------------------------------------------


def test_plan_health_for_a_role_agrees_with_diagnose(sample, found):
    data, plans = sample
    plan = plans["online_promotion"]
    ev = perfkit.evaluate(data, {plan.role: plan}, ["2026Q2", "2026Q3"])
    table = diagnostics.plan_health(ev, plan=plan, dataset=data, plans=plans)
    assert list(table.columns) == [
        "kind",
        "severity",
        "role",
        "subject",
        "evidence",
        "fix_en",
        "fix_zh",
        "subject_zh",
    ]
    rater = table[table["kind"] == "lenient_rater"].iloc[0]
    assert rater["subject"] == "rater M04 (online_promotion)"
    assert rater["subject_zh"] == "评分人 M04（online_promotion）"
    expected = diagnostics.findings_frame(diagnostics.for_role(found, plan.role))
    pd.testing.assert_frame_equal(table, expected)
    assert set(table["kind"]) == {"lenient_rater", "threshold_bunching", "quarter_end_spikes"}
    top = diagnostics.most_severe(table)
    assert top["severity"] == "high"
    assert diagnostics.most_severe(table.iloc[0:0]) is None
    assert diagnostics.most_severe(found).severity == "high"
    # from the evaluation alone: only the checks that need no raw data, still the bunching
    quarters = PLANTED["window"]["quarters"]
    alone = diagnostics.plan_health(perfkit.evaluate(data, {plan.role: plan}, quarters), plan=plan)
    assert "threshold_bunching" in set(alone["kind"])
    assert not {"lenient_rater", "quarter_end_spikes"} & set(alone["kind"])


def test_plan_health_section_escapes_hostile_text(monkeypatch, sample):
    from perfkit import display

    data, plans = sample
    plan = plans["online_promotion"]
    hostile = diagnostics.findings_frame(
        [
            diagnostics.Finding(
                kind="unequal_payouts",
                severity="high",
                subject={"role": plan.role, "team": "<script>alert(1)</script>"},
                evidence={"gini": 0.7},
                fix={"en": "<b>fix</b>", "zh": "修正"},
            )
        ]
    )
    monkeypatch.setattr(diagnostics, "plan_health", lambda *a, **k: hostile)
    shown = []
    monkeypatch.setattr(display, "_display", lambda bundle, metadata=None: shown.append(bundle))
    monkeypatch.setattr(display, "_show_heading", lambda *a, **k: None, raising=False)
    display.plan_health_section(None, plan=plan, lang="en")
    page = shown[-1]["text/html"]
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;fix" in page
    display.plan_health_section(None, plan=plan, lang="zh")
    assert "修正" in shown[-1]["text/html"] and "严重程度" in shown[-1]["text/html"]
    monkeypatch.setattr(diagnostics, "plan_health", lambda *a, **k: hostile.iloc[0:0])
    display.plan_health_section(None, plan=plan, lang="en")
    assert "No plan-health findings" in shown[-1]["text/plain"]


def test_plan_health_section_reads_a_findings_file_for_its_role(monkeypatch, tmp_path, sample):
    from perfkit import display
    from perfkit.errors import DataError

    _, plans = sample
    plan = plans["online_promotion"]
    mine = diagnostics.Finding(
        kind="unequal_payouts", severity="medium", subject={"role": plan.role, "team": "T1"},
        evidence={"gini": 0.41}, fix={"en": "Pay part on the team.", "zh": "部分按团队发放。"},
    )  # fmt: skip
    other = diagnostics.Finding(
        kind="harsh_rater", severity="high", subject={"role": "brand_content", "rater": "M08"},
        evidence={"effect_points": -0.7}, fix={"en": "Calibrate M08.", "zh": "校准 M08。"},
    )  # fmt: skip
    path = tmp_path / "plan_health.json"
    path.write_text(diagnostics.findings_document([other, mine]), encoding="utf-8")
    assert diagnostics.read_findings(path) == [other, mine]  # the file round-trips

    def refuse(*a, **k):
        raise AssertionError("a findings file is read, not recomputed")

    monkeypatch.setattr(diagnostics, "plan_health", refuse)
    shown = []
    monkeypatch.setattr(display, "_display", lambda bundle, metadata=None: shown.append(bundle))
    display.plan_health_section(None, plan=plan, lang="en", findings=path)
    page = shown[-1]["text/html"]
    assert "Unequal payouts in a team" in page and "team T1" in page and "Pay part" in page
    assert "M08" not in page  # another role's finding
    # a bad file: one sentence naming it, and the report goes on
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError, match="bad.json"):
        diagnostics.read_findings(bad)
    display.plan_health_section(None, plan=plan, lang="en", findings=bad)
    assert shown[-1]["text/plain"].startswith("The plan-health checks could not run: ")
    assert "bad.json" in shown[-1]["text/plain"]


# -- small samples --------------------------------------------------------------------------------


def test_ratio_table_puts_raw_and_shrunk_side_by_side(sample):
    data, plans = sample
    table = diagnostics.ratio_table(data, plan=plans["online_promotion"], period="2026Q3")
    assert set(table["metric"]) == {"ad_ctr", "ad_conversion"}
    assert (table["standard_error"] < 0.1 * table["target"]).all()
    ctr = table[table["metric"] == "ad_ctr"]
    np.testing.assert_allclose(ctr["raw"], ctr["successes"] / ctr["trials"])
    a, b = ctr["prior_a"].iloc[0], ctr["prior_b"].iloc[0]
    np.testing.assert_allclose(ctr["shrunk"], (a + ctr["successes"]) / (a + b + ctr["trials"]))
    # hundreds of thousands of impressions: shrinkage barely moves anyone's score
    assert (ctr["raw_score"] - ctr["shrunk_score"]).abs().max() < 0.01


# -- the notebook ---------------------------------------------------------------------------------


def test_plan_health_notebook_runs_and_lists_the_planted_problems(tmp_path):
    params = pm.inspect_notebook(ROOT / "notebooks" / "plan_health.ipynb")
    assert {k: v["inferred_type_name"] for k, v in params.items()} == {
        "data_dir": "str", "plans_dir": "str", "role": "str", "period": "str",
    }  # fmt: skip
    assert params["role"]["default"] == '"online_promotion"'
    out = tmp_path / "plan_health.ipynb"
    pm.execute_notebook(
        ROOT / "notebooks" / "plan_health.ipynb", out, kernel_name="python3",
        cwd=ROOT / "notebooks", progress_bar=False,
    )  # fmt: skip
    nb = nbformat.read(out, as_version=4)
    text = "\n".join(
        str(o.get("text", "")) + json.dumps(o.get("data", {}))
        for c in nb.cells
        for o in c.get("outputs", [])
    )
    for word in ("lenient_rater", "M04", "threshold_bunching", "E0063", "quarter_end_spikes"):
        assert word in text, word
    assert "harsh_rater" not in text  # another role's finding is not shown for this role
    assert "Traceback" not in text


def test_sample_without_plants_has_no_biased_rater(tmp_path):
    from perfkit.sample import generate

    generate(tmp_path, employees=60, seed=7, plant=False)
    planted = json.loads((tmp_path / "planted.json").read_text(encoding="utf-8"))
    assert planted["signals"] == [] and planted["arguments"]["plant"] is False
    r = pd.read_csv(tmp_path / "ratings.csv", dtype={"rater_id": str}, keep_default_na=False)
    twice = r.groupby(["employee_id", "period"]).filter(lambda g: len(g) == 2)
    for rater in ("M04", "M08"):
        by_me = (twice["rater_id"] == rater).groupby([twice["employee_id"], twice["period"]])
        pairs = twice[by_me.transform("any")]
        mine = pairs[pairs["rater_id"] == rater].set_index(["employee_id", "period"])["rating"]
        other = pairs[pairs["rater_id"] != rater].set_index(["employee_id", "period"])["rating"]
        assert abs(float((mine - other.reindex(mine.index)).mean())) < 0.3


def test_the_checks_libraries_leave_the_warning_filters_as_they_were():
    """Importing rddensity alone turns FutureWarning off for the whole process; through
    :mod:`perfkit.diagnostics._libraries` no filter of theirs is left (fresh interpreter)."""
    code = (
        "import json, sys, warnings\n"
        "import perfkit.diagnostics\n"
        "before = list(warnings.filters)\n"
        "import perfkit.diagnostics._libraries\n"
        "added = [f for f in warnings.filters if f not in before]\n"
        "print(json.dumps({'checks': all(m in sys.modules for m in ('rddensity', 'statsmodels')),\n"
        "    'filters': [f'{f[0]} {f[2].__module__}.{f[2].__name__}' for f in added]}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"checks": True, "filters": []}
