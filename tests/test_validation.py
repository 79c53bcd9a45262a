"""Tests of perfkit.validation: validate() on data, plans and data against plans, its range
checks and load_checked; and of perfkit._yaml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import GOOD_DIR, PLANS_DIR, append, lines, one, set_line

from perfkit._yaml import load_yaml
from perfkit.errors import DataError, PlanError
from perfkit.io import RAW_METRIC_RANGE, RAW_METRICS, load_dataset
from perfkit.validation import load_checked, validate


def edit(path: Path, row: int, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` on the CSV line the user sees as ``row`` (header = row 1)."""
    rows = lines(path)
    assert old in rows[row - 1], (old, rows[row - 1])
    rows[row - 1] = rows[row - 1].replace(old, new)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def problems(folder: Path, plans: Path = PLANS_DIR) -> list[str]:
    return [str(p) for p in validate(folder, plans_dir=plans).problems]


# ---------------------------------------------------------------------------------------
# perfkit._yaml.load_yaml: a repeated key is an error naming the line and the key
# ---------------------------------------------------------------------------------------
PLAN_LIKE = """\
role: demo
metrics:
  - key: leads
    weight: 0.5
    target: 100
    weight: 0.6
  - key: reach
    weight: 0.5
"""


def test_repeated_weight_in_a_plan_is_a_plan_error_naming_line_and_key() -> None:
    with pytest.raises(PlanError) as info:
        load_yaml(PLAN_LIKE, where="plans/demo.yaml", error=PlanError)
    assert str(info.value) == (
        "plans/demo.yaml, line 6: found the key `weight` a second time in one mapping (first "
        "on line 4); YAML would silently keep only the last value; keep one `weight:` line"
    )
    (p,) = info.value.problems
    assert (p.where, p.expected) == ("plans/demo.yaml, line 6", "keep one `weight:` line")


def test_load_yaml_reads_files_and_lists_every_repeat(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text("\ufeff" + PLAN_LIKE.replace("role: demo", "role: demo\nrole: demo2"))
    with pytest.raises(PlanError) as info:
        load_yaml(path, where=str(path), error=PlanError)
    assert [p.where for p in info.value.problems] == [f"{path}, line 2", f"{path}, line 7"]
    assert str(info.value).startswith(f"{path}: 2 problems found\n")
    # the same key in two different mappings, and keys a merge brings in, are no repeats
    text = "base: &b {weight: 0.5, target: 1}\nm:\n  <<: *b\n  weight: 0.6\nn: {weight: 1}\n"
    assert load_yaml(text, where="x.yaml", error=PlanError) == {
        "base": {"weight": 0.5, "target": 1},
        "m": {"weight": 0.6, "target": 1},
        "n": {"weight": 1},
    }
    assert load_yaml("", where="x.yaml", error=PlanError) is None


def test_load_yaml_bad_syntax_and_bytes_are_the_callers_error(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        load_yaml("a: 1\nb: [1, 2\n", where="mapping.yaml", error=DataError)
    assert str(info.value).startswith("mapping.yaml, line 3: not valid YAML (")
    assert str(info.value).endswith("); fix the syntax")
    path = tmp_path / "p.yaml"
    path.write_bytes("role: x\nname: 李\n".encode("gb18030"))
    with pytest.raises(
        PlanError, match=r"^p.yaml, line 2: is not UTF-8 text; save the file as UTF-8$"
    ):
        load_yaml(path, where="p.yaml", error=PlanError)
    with pytest.raises(PlanError, match="nested too deeply"):
        load_yaml("[" * 5000, where="p.yaml", error=PlanError)


# ---------------------------------------------------------------------------------------
# validate(): numbers outside their sane range
# ---------------------------------------------------------------------------------------
def test_absurd_count_is_a_problem_not_an_overflow(good: Path) -> None:
    assert RAW_METRIC_RANGE["leads"] == (0.0, 1e12)
    edit(good / "actuals.csv", 6, ",126.0", ",1e308")  # E001, 2026-01, leads
    assert problems(good) == [
        "actuals.csv, row 6, column value: found 1e+308 for leads (unit: count), above the "
        "most a month's leads can be (1e+12, see docs/data.md); correct the value: it is an "
        "export or typing error"
    ]


def test_shares_and_scores_beyond_their_scale(good: Path) -> None:
    rows = lines(good / "actuals.csv")
    share = [i + 1 for i, r in enumerate(rows) if ",market_share," in r][:2]
    sat = next(i + 1 for i, r in enumerate(rows) if ",partner_satisfaction," in r)
    old = rows[share[0] - 1].rsplit(",", 1)[1]
    edit(good / "actuals.csv", share[0], f",{old}", ",35")  # a percent, not a fraction
    old = rows[share[1] - 1].rsplit(",", 1)[1]
    edit(good / "actuals.csv", share[1], f",{old}", ",12.5")
    old = rows[sat - 1].rsplit(",", 1)[1]
    edit(good / "actuals.csv", sat, f",{old}", ",6")
    assert problems(good) == [
        f"actuals.csv, rows {share[0]} and {share[1]}, column value: found values up to 35 for "
        "market_share (unit: fraction), above the most a month's market_share can be (1, see "
        "docs/data.md); write a share as a fraction from 0 to 1 (35% is 0.35)",
        f"actuals.csv, row {sat}, column value: found 6 for partner_satisfaction (unit: score), "
        "above the most a month's partner_satisfaction can be (5, see docs/data.md); use the "
        "survey's 1-5 scale",
    ]


def test_huge_target_bonus_and_custom_metric(good: Path, tmp_path: Path) -> None:
    edit(good / "targets.csv", 3, ",480", ",1e300")  # E002, 2026Q2, leads
    edit(good / "employees.csv", 4, ",26000,", ",2e20,")  # E003
    # a custom raw metric a plan measures may be negative, but not beyond 1e15
    plans = Path(shutil.copytree(PLANS_DIR, tmp_path / "plans"))
    online = plans / "online_promotion.yaml"
    text = online.read_text(encoding="utf-8")
    online.write_text(text.replace("source: search_rank}", "source: keyword_rank}"), "utf-8")
    rows = [r.replace(",search_rank,", ",keyword_rank,") for r in lines(good / "actuals.csv")]
    ranks = [i + 1 for i, r in enumerate(rows) if ",keyword_rank," in r]
    rows[ranks[0] - 1] = rows[ranks[0] - 1].rsplit(",", 1)[0] + ",-3"
    rows[ranks[1] - 1] = rows[ranks[1] - 1].rsplit(",", 1)[0] + ",-1e20"
    (good / "actuals.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert problems(good, plans) == [
        "employees.csv, row 4, column annual_target_bonus: found 2e+20 for E003, beyond 1e+15 "
        "(the payout would overflow); correct the value: it is an export or typing error",
        f"actuals.csv, row {ranks[1]}, column value: found 1e+20 for keyword_rank, beyond "
        "±1e+15 (sums and ratios of it could overflow); correct the value: it is an export or "
        "typing error",
        "targets.csv, row 3, column target: found 1e+300 as a leads target, beyond 1e+15 "
        "(scoring with it could overflow); correct the value: it is an export or typing error",
    ]


def test_non_finite_numbers_are_refused_by_row(good: Path) -> None:
    edit(good / "actuals.csv", 2, ",334.0", ",inf")
    edit(good / "actuals.csv", 3, ",44736.0", ",nan")
    edit(good / "actuals.csv", 4, ",22410.0", ",1e999")  # parses to inf
    expected = "write a number, e.g. 1250 or 0.35 (no units or letters)"
    assert problems(good) == [
        f"actuals.csv, row 2, column value: found 'inf'; {expected}",
        f"actuals.csv, row 3, column value: found 'nan'; {expected}",
        f"actuals.csv, row 4, column value: found '1e999'; {expected}",
    ]


# ---------------------------------------------------------------------------------------
# load_checked(): the inputs validate accepts, or a DataError listing what it reports
# ---------------------------------------------------------------------------------------
def test_load_checked_refuses_what_validate_reports(good: Path) -> None:
    edit(good / "actuals.csv", 6, ",126.0", ",-5")  # a negative leads month
    report = validate(good, plans_dir=PLANS_DIR)
    assert [str(p) for p in report.problems] == [
        "actuals.csv, row 6, column value: found a negative leads (unit: count), which cannot "
        "be below zero; correct the month it belongs to so that it nets to zero or more"
    ]
    load_dataset(good)  # the file alone is well formed ...
    with pytest.raises(DataError) as info:  # ... but not fit to pay from
        load_checked(good, plans_dir=PLANS_DIR)
    assert info.value.problems == tuple(report.problems)
    assert str(info.value).splitlines() == [
        f"{good}: 1 problem found",
        f"  - {report.problems[0]}",
    ]


def test_load_checked_returns_dataset_and_plans(good: Path, tmp_path: Path) -> None:
    ds, plans = load_checked(good, plans_dir=PLANS_DIR)
    assert ds.actuals.equals(load_dataset(good).actuals) and len(ds.employees) == 6
    assert sorted(plans) == [
        "brand_content",
        "event_planning",
        "marketing_specialist",
        "offline_channel",
        "online_promotion",
    ]
    assert plans["online_promotion"].currency == "CNY"
    # a broken plan is refused too, as validate reports it
    with pytest.raises(DataError, match="plans folder not found"):
        load_checked(good, plans_dir=tmp_path / "none")


# ---------------------------------------------------------------------------------------
# validate(): data, plans and data against plans
# ---------------------------------------------------------------------------------------
def test_validate_good_summary(good: Path) -> None:
    report = validate(good, plans_dir=PLANS_DIR)
    assert report.ok and report.problems == []
    text = report.summary()
    assert text.splitlines()[0] == f"{good}: no problems found"
    assert "people: 6 in 4 teams under 4 managers" in text
    assert "online_promotion 2" in text
    assert "months: 2026-01 to 2026-06 (6 months); latest complete quarter: 2026Q2" in text
    assert (
        "employees.csv 6, actuals.csv 204, targets.csv 3, ratings.csv 12, modifiers.csv 2" in text
    )
    assert "online_promotion 7 metrics" in text and "event_planning 5 metrics" in text


def vproblems(folder: Path, plans: Path = PLANS_DIR) -> list[str]:
    report = validate(folder, plans_dir=plans)
    assert not report.ok
    return [str(p) for p in report.problems]


def test_unknown_role(good: Path) -> None:
    set_line(
        good / "employees.csv", 3, "E002,Wang Wei,online_promo,T2-digital,M02,2022-07-15,,30000,CNY"
    )
    msg = one(vproblems(good), "online_promo'")
    assert msg.startswith(
        "employees.csv, row 3, column role: found 'online_promo', a role with no plan"
    )
    assert "(did you mean 'online_promotion'?)" in msg and "or add a plan online_promo.yaml" in msg


def test_unknown_raw_metric_in_actuals(good: Path) -> None:
    row = append(good / "actuals.csv", "E001,2026-01,leadz,5")
    msg = one(vproblems(good), "leadz")
    assert msg.startswith(f"actuals.csv, row {row}, column metric: found 'leadz'")
    assert "catalogue" in msg and "did you mean 'leads'?" in msg


def test_catalogue_metric_no_plan_uses_is_a_note_not_a_problem(good: Path) -> None:
    assert "web_page_views" in RAW_METRICS
    append(good / "actuals.csv", "E002,2026-01,web_page_views,9000")
    report = validate(good, plans_dir=PLANS_DIR)
    assert report.ok
    assert any("web_page_views" in n for n in report.notes)
    assert "web_page_views" in report.summary()


def test_unknown_plan_metric_in_targets_and_ratings(good: Path) -> None:
    t = append(good / "targets.csv", "E003,2026Q2,bogus,4")
    r = append(good / "ratings.csv", "E002,2026Q1,teamwork,3,M02,")
    probs = vproblems(good)
    assert one(probs, "bogus") == (
        f"targets.csv, row {t}, column metric: found 'bogus', not a metric of plan "
        "offline_channel; use one of its metric keys: channel_sales_growth, market_share, "
        "new_channels, partner_satisfaction, teamwork"
    )
    assert one(probs, "teamwork'") == (
        f"ratings.csv, row {r}, column metric: found 'teamwork', not a rating of plan "
        "online_promotion; use one of its rating names: collaboration"
    )


def test_plan_metrics_are_checked_per_role_of_each_row(good: Path) -> None:
    """A key is judged against the plan of the row's own role; one problem per (role, key).

    ``market_share`` is a metric of offline_channel's plan, not of online_promotion's: the
    two online_promotion rows holding it are one problem naming both rows, the
    offline_channel row is fine, and a row of a person not in employees is left to the
    unknown-id check.
    """
    first = append(
        good / "targets.csv",
        "E002,2026Q2,market_share,0.2",
        "E003,2026Q2,market_share,0.2",
        "E006,2026Q2,market_share,0.2",
        "E999,2026Q2,market_share,0.2",
    )
    probs = vproblems(good)
    assert one(probs, "market_share") == (
        f"targets.csv, rows {first} and {first + 2}, column metric: found 'market_share', not "
        "a metric of plan online_promotion; use one of its metric keys: ad_conversion, ad_ctr, "
        "collaboration, cost_per_lead, leads, search_rank, traffic_growth"
    )
    assert one(probs, "E999").startswith(f"targets.csv, row {first + 3}, column employee_id")


def test_modifier_outside_plan_bounds(good: Path) -> None:
    set_line(good / "modifiers.csv", 2, "E002,2026Q2,1.5,Too generous")
    assert one(vproblems(good), "modifier") == (
        "modifiers.csv, row 2, column modifier: found 1.5, outside plan online_promotion's "
        "bounds; use a modifier from 0.9 to 1.1 (payout.modifier_min to modifier_max)"
    )


def test_unknown_rater_is_fine(good: Path) -> None:
    append(good / "ratings.csv", "E001,2026Q1,execution_quality,4,X-OUTSIDE-RATER,")
    assert validate(good, plans_dir=PLANS_DIR).ok


def test_currency_and_missing_raw_metric(good: Path) -> None:
    set_line(
        good / "employees.csv",
        4,
        "E003,Zhang Min,offline_channel,T3-channel,M03,2024-01-08,,26000,USD",
    )
    act = pd.read_csv(good / "actuals.csv", dtype=str)
    act[act["metric"] != "partner_satisfaction"].to_csv(good / "actuals.csv", index=False)
    probs = vproblems(good)
    assert one(probs, "USD") == (
        "employees.csv, row 4, column currency: found 'USD', but plan offline_channel pays in "
        "CNY; use the plan's currency or change the plan's `currency`"
    )
    assert one(probs, "partner_satisfaction") == (
        "actuals.csv: no partner_satisfaction rows for any offline_channel employee, but plan "
        "offline_channel measures partner_satisfaction from partner_satisfaction; "
        "add their monthly partner_satisfaction values"
    )


def _plans_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(PLANS_DIR, tmp_path / "plans"))


def test_plan_problems_are_reported_with_data_problems(good: Path, tmp_path: Path) -> None:
    plans = _plans_copy(tmp_path)
    f = plans / "online_promotion.yaml"
    f.write_text(f.read_text().replace("weight: 0.05", "weight: 0.10"))
    g = plans / "event_planning.yaml"
    g.write_text(g.read_text().replace("target: 900", "target: 0", 1))
    set_line(good / "ratings.csv", 3, "E001,2026Q2,execution_quality,6,M01,")
    report = validate(good, plans_dir=plans)
    probs = [str(p) for p in report.problems]
    assert len(probs) == 3
    assert probs[0].startswith("ratings.csv, row 3, column rating: found 6")
    assert one(probs, "weights add up to 1.05, not 1").startswith(f"{f}:")
    zero = one(probs, "event_planning.yaml")
    assert "field metrics[0](attendance)" in zero and "`target` must be above zero" in zero
    # the summary groups problems by file, each on its own line
    text = report.summary().splitlines()
    assert text[0] == f"{good}: 3 problems found"
    assert text[1] == "ratings.csv:" and text[2].startswith("  - ratings.csv, row 3")
    assert f"{g}:" in text and f"{f}:" in text
    # people of a role whose plan is broken are not reported as having an unknown role
    assert not any("a role with no plan" in p for p in probs)


def test_validate_reports_missing_folder_and_plans(tmp_path: Path) -> None:
    report = validate(tmp_path / "nothing", plans_dir=tmp_path / "noplans")
    probs = [str(p) for p in report.problems]
    assert probs == [
        f"{tmp_path / 'nothing'}: folder not found; give the folder holding employees and "
        "actuals (.csv, .xlsx or .parquet)",
        f"{tmp_path / 'noplans'}: plans folder not found; run from the repository root, or pass --plans with the folder of <role>.yaml plans (the repository's templates/plans)",
    ]


# ---------------------------------------------------------------------------------------
# validate(): problems found only against the plans
# ---------------------------------------------------------------------------------------
def test_modifier_for_a_period_kind_the_plan_never_pays_is_a_problem(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(GOOD_DIR, folder)
    with (folder / "modifiers.csv").open("a", encoding="utf-8") as f:
        f.write("E002,2026-05,1.05,written as a month\n")
    report = validate(folder, plans_dir=PLANS_DIR)
    assert not report.ok
    assert [str(p) for p in report.problems] == [
        "modifiers.csv, row 4, column period: found '2026-05', a month, but plan "
        "online_promotion pays per quarter, so this modifier would never be applied; write the "
        "quarter it belongs to, e.g. 2026Q2"
    ]


def test_negative_catalogue_actuals_are_problems_named_by_rows(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(GOOD_DIR, folder)
    lines = (folder / "actuals.csv").read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1].split(",")
    first[3] = "-5"
    (folder / "actuals.csv").write_text(
        "\n".join([header, ",".join(first), *lines[2:]]) + "\n", encoding="utf-8"
    )
    report = validate(folder, plans_dir=PLANS_DIR)
    assert [str(p) for p in report.problems] == [
        f"actuals.csv, row 2, column value: found a negative {first[2]} (unit: "
        f"{RAW_METRICS[first[2]]}), which cannot be below zero; correct the month it belongs "
        "to so that it nets to zero or more"
    ]
