"""The ``perfkit validate`` command, run through click's CliRunner on good and bad folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import GOOD_DIR, PLANS_DIR, SAMPLE_DIR

from perfkit.cli import cli


def run(*args: str | Path):
    result = CliRunner().invoke(cli, ["validate", *map(str, args)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def test_good_folder_exits_0_with_summary() -> None:
    result = run(GOOD_DIR, "--plans", PLANS_DIR)
    assert result.exit_code == 0
    out = result.output
    assert out.startswith(f"{GOOD_DIR}: no problems found")
    assert "people: 6 in 4 teams under 4 managers" in out
    assert "latest complete quarter: 2026Q2" in out
    assert "online_promotion 7 metrics" in out


def test_bad_folder_lists_every_problem_and_exits_2(tmp_path: Path) -> None:
    data = Path(shutil.copytree(GOOD_DIR, tmp_path / "data"))
    act = (data / "actuals.csv").read_text().splitlines()
    act[4] = "E001,2026-01,event_spend,12o"
    act.append("E777,2026-02,leads,3")
    (data / "actuals.csv").write_text("\n".join(act) + "\n")
    emp = (data / "employees.csv").read_text().splitlines()
    emp[2] = emp[2].replace("online_promotion", "online_promo")
    (data / "employees.csv").write_text("\n".join(emp) + "\n")
    (data / "modifiers.csv").write_text("employee_id,period,modifier,reason\nE003,2026Q1,2,x\n")
    plans = Path(shutil.copytree(PLANS_DIR, tmp_path / "plans"))
    brand = plans / "brand_content.yaml"
    brand.write_text(brand.read_text().replace("weight: 0.25", "weight: 0.3", 1))

    result = run(data, "--plans", plans)
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0] == f"{data}: 5 problems found"
    expected = [
        "employees.csv:",
        "  - employees.csv, row 3, column role: found 'online_promo'",
        "actuals.csv:",
        "  - actuals.csv, row 5, column value: found '12o'",
        f"  - actuals.csv, row {len(act)}, column employee_id: found 'E777'",
        "modifiers.csv:",
        "  - modifiers.csv, row 2, column modifier: found 2, outside plan offline_channel's",
        f"{brand}:",
        f"  - {brand}: metric weights add up to 1.05, not 1",
    ]
    assert len(lines) == 1 + len(expected)
    for got, want in zip(lines[1:], expected, strict=True):
        assert got.startswith(want), (got, want)


def test_missing_folder_exits_2() -> None:
    result = run("no/such/folder", "--plans", PLANS_DIR)
    assert result.exit_code == 2
    assert "no/such/folder: folder not found" in result.output


def test_missing_plans_folder_exits_2(tmp_path: Path) -> None:
    result = run(GOOD_DIR, "--plans", tmp_path / "none")
    assert result.exit_code == 2
    assert f"{tmp_path / 'none'}: plans folder not found" in result.output
    assert "a role with no plan" not in result.output  # no echo of the missing folder per role


@pytest.mark.skipif(
    not SAMPLE_DIR.is_dir(), reason="data/sample not generated (run perfkit sample)"
)
def test_sample_data_set_has_no_problem() -> None:
    result = run(SAMPLE_DIR, "--plans", PLANS_DIR)
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.output
    assert "people: 150" in result.output
