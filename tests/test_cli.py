"""The command line's shared shape: the same options everywhere, and score's three outputs."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import ROOT

from perfkit.cli import cli

WORKED = ROOT / "data" / "worked_example"


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_score_without_output_prints_a_table_per_role():
    done = run("score", WORKED, "--period", "2026q3")  # any case, as everywhere
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert lines[0].split() == [
        "period", "role", "people", "mean", "composite", "at/above", "target", "paid", "payout",
    ]  # fmt: skip
    # the worked example: three people, all paid, 51,898.34 CNY in total (docs/worked_example.md)
    assert lines[1].split()[:3] == ["2026Q3", "online_promotion", "3"]
    assert lines[1].endswith("51,898.34 CNY")
    assert lines[-1] == "2026Q3: 3 people in 1 role, 3 paid, total 51,898.34 CNY"


def test_score_to_standard_output_is_csv():
    done = run("score", WORKED, "--period", "2026Q3", "-o", "-")
    assert done.exit_code == 0, done.output
    frame = pd.read_csv(io.StringIO(done.output))
    assert frame["payout_amount"].tolist() == [16027.19, 13723.75, 22147.4]
    assert frame.columns[0] == "employee_id" and len(frame) == 3


def test_score_names_every_file_written(tmp_path):
    out = tmp_path / "pay.csv"
    done = run("score", WORKED, "--roles", "online_promotion", "-o", out)
    assert done.exit_code == 0, done.output
    assert done.output.startswith(f"wrote {out}, {tmp_path / 'pay_scores.csv'} (2026Q3: ")


def test_roles_are_one_option_everywhere(tmp_path):
    for command in ("score", "report"):
        text = run(command, "--help").output
        assert "--roles" in text and "--period" in text, command
    assert "[default: latest]" in run("score", "--help").output
    done = run("score", ROOT / "data" / "sample", "--roles", "event_planning,brand_content")
    assert done.exit_code == 0, done.output
    assert "in 2 roles" in done.output.splitlines()[-1]
    bad = run("score", ROOT / "data" / "sample", "--roles", "nobody")
    assert bad.exit_code == 2 and "has no plan" in bad.output


def test_init_writes_a_starter_folder(tmp_path):
    done = run("init", tmp_path / "kpis")
    assert done.exit_code == 0, done.output
    assert (tmp_path / "kpis" / "templates" / "plans" / "online_promotion.yaml").is_file()
    again = run("init", tmp_path / "kpis")
    assert again.exit_code == 2 and "is not empty" in again.output


@pytest.mark.parametrize("name", ["sample", "init", "validate", "score", "report", "calibrate-app"])
def test_every_command_has_help(name):
    done = run(name, "--help")
    assert done.exit_code == 0 and "Usage: " in done.output


def test_every_command_refuses_what_validate_refuses(tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(WORKED, data)
    lines = (data / "actuals.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    row = lines[1].rstrip("\n").split(",")
    row[header.index("value")] = "-5"  # a negative count: validate refuses it
    lines[1] = ",".join(row) + "\n"
    (data / "actuals.csv").write_text("".join(lines), encoding="utf-8")
    outputs = {
        "validate": [],
        "score": ["--period", "2026Q3", "-o", tmp_path / "pay.xlsx"],
        "report": ["--period", "2026Q3", "-o", tmp_path / "reports"],
    }
    for command, extra in outputs.items():
        done = run(command, data, *extra)
        assert done.exit_code == 2, (command, done.output)
        assert "actuals.csv, row 2" in done.output and "negative" in done.output, command
    assert not (tmp_path / "pay.xlsx").exists() and not (tmp_path / "reports").exists()
