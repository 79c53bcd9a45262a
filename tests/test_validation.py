"""Tests of perfkit.validation's range checks and load_checked, and of perfkit._yaml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from perfkit._yaml import load_yaml
from perfkit.errors import DataError, PlanError
from perfkit.io import RAW_METRIC_RANGE, load_dataset
from perfkit.validation import load_checked, validate

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "tests" / "data" / "good"
PLANS = ROOT / "templates" / "plans"


@pytest.fixture
def good(tmp_path: Path) -> Path:
    """A copy of the small, valid data set in tests/data/good (six people, six months)."""
    return Path(shutil.copytree(GOOD, tmp_path / "data"))


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def edit(path: Path, row: int, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` on the CSV line the user sees as ``row`` (header = row 1)."""
    rows = lines(path)
    assert old in rows[row - 1], (old, rows[row - 1])
    rows[row - 1] = rows[row - 1].replace(old, new)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def problems(folder: Path, plans: Path = PLANS) -> list[str]:
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
    plans = Path(shutil.copytree(PLANS, tmp_path / "plans"))
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
    report = validate(good, plans_dir=PLANS)
    assert [str(p) for p in report.problems] == [
        "actuals.csv, row 6, column value: found a negative leads (unit: count), which cannot "
        "be below zero; correct the month it belongs to so that it nets to zero or more"
    ]
    load_dataset(good)  # the file alone is well formed ...
    with pytest.raises(DataError) as info:  # ... but not fit to pay from
        load_checked(good, plans_dir=PLANS)
    assert info.value.problems == tuple(report.problems)
    assert str(info.value).splitlines() == [
        f"{good}: 1 problem found",
        f"  - {report.problems[0]}",
    ]


def test_load_checked_returns_dataset_and_plans(good: Path, tmp_path: Path) -> None:
    ds, plans = load_checked(good, plans_dir=PLANS)
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
