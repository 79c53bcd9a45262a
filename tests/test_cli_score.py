"""``perfkit score`` through click's CliRunner: a workbook a clerk can open, clean user errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from perfkit.cli import cli

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "templates" / "plans"
GOOD = ROOT / "tests" / "data" / "good"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """The worked example's data as CSV files in a folder."""
    from test_evaluation import worked_example_dataset

    folder = tmp_path_factory.mktemp("data")
    ds = worked_example_dataset()
    for name in ("employees", "actuals", "targets", "ratings", "modifiers"):
        getattr(ds, name).to_csv(folder / f"{name}.csv", index=False)
    return folder


def run(*args):
    result = CliRunner().invoke(cli, ["score", *map(str, args)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def test_score_writes_a_workbook(data_dir, tmp_path):
    out = tmp_path / "q3.xlsx"
    result = run(data_dir, "--period", "2026Q3", "--plans", PLANS, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"wrote {out} (2026Q3: 3 people in 1 role, 3 paid, total 51,898.34 CNY)"
    )
    wb = load_workbook(out)
    assert wb.sheetnames == ["Payouts", "Metric scores", "Read me"]
    rows = list(wb["Payouts"].iter_rows(min_row=2, values_only=True))
    assert rows[-1][0] == "TOTAL 2026Q3"
    assert rows[-1][10] == 51898.34 == round(sum(r[10] for r in rows[:-1]), 2)


def test_score_latest_and_role_to_csv(data_dir, tmp_path):
    out = tmp_path / "latest.csv"
    result = run(data_dir, "--period", "latest", "--role", "online_promotion",
                 "--plans", PLANS, "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    results = pd.read_csv(out)
    assert results["period"].unique().tolist() == ["2026Q3"]
    assert (tmp_path / "latest_scores.csv").exists()


def test_bad_period_exits_2_with_a_message(data_dir, tmp_path):
    out = tmp_path / "x.xlsx"
    result = run(data_dir, "--period", "2026Q5", "--plans", PLANS, "-o", out)
    assert result.exit_code == 2
    assert "error: period: '2026Q5' is not a period; write a month as 2026-07" in result.output
    assert not out.exists()


def test_period_outside_the_data_exits_2(data_dir, tmp_path):
    out = tmp_path / "x.csv"
    result = run(data_dir, "--period", "2030Q1", "--plans", PLANS, "-o", out)
    assert result.exit_code == 2
    assert "hold no actuals for 2030Q1 (2030-01 to 2030-03); they cover 2025-07 to 2026-09" in (
        result.output
    )
    assert not out.exists()


def test_unknown_role_and_bad_suffix_exit_2(data_dir, tmp_path):
    result = run(data_dir, "--period", "2026Q3", "--role", "sales", "--plans", PLANS,
                 "-o", tmp_path / "x.xlsx")  # fmt: skip
    assert result.exit_code == 2
    assert "role 'sales' has no plan; known roles: brand_content" in result.output
    result = run(data_dir, "--period", "2026Q3", "--plans", PLANS, "-o", tmp_path / "x.txt")
    assert result.exit_code == 2
    assert "one of .xlsx, .csv, .parquet" in result.output


def test_score_the_validate_fixture_folder(tmp_path):
    if not (GOOD / "employees.csv").exists():
        pytest.skip("tests/data/good not present")
    out = tmp_path / "good.xlsx"
    result = run(GOOD, "--period", "latest", "--plans", PLANS, "-o", out)
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(out)["Payouts"].iter_rows(min_row=2, values_only=True))
    lines = [r for r in rows if not str(r[0]).startswith("TOTAL")]
    totals = [r for r in rows if str(r[0]).startswith("TOTAL")]
    assert lines and totals
    by_currency = {}
    for r in lines:
        by_currency[r[11]] = by_currency.get(r[11], 0) + round(r[10] * 100)
    assert {t[11]: round(t[10] * 100) for t in totals} == by_currency
