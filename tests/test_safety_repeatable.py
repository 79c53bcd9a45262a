"""The same inputs give byte-identical payroll files, whenever they are written."""

from __future__ import annotations

import datetime as real_datetime
import time
import types
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from perfkit.cli import cli

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "templates" / "plans"
WORKED = ROOT / "data" / "worked_example"
A_YEAR = 366 * 86400.0


def _score(out: Path) -> bytes:
    result = CliRunner().invoke(
        cli, ["score", str(WORKED), "--period", "2026Q3", "--plans", str(PLANS), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def _a_year_later(monkeypatch) -> None:
    """Move the clock a year on, for zipfile (time.time) and openpyxl (datetime.now)."""
    import openpyxl.packaging.core
    import openpyxl.writer.excel

    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + A_YEAR)

    class Later(real_datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return real_datetime.datetime.now(tz) + real_datetime.timedelta(seconds=A_YEAR)

    fake = types.SimpleNamespace(**{**vars(real_datetime), "datetime": Later})
    monkeypatch.setattr(openpyxl.writer.excel, "datetime", fake)
    monkeypatch.setattr(openpyxl.packaging.core, "datetime", fake)


@pytest.mark.parametrize("name", ["q3.xlsx", "q3.csv", "q3.parquet"])
def test_two_runs_a_year_apart_give_the_same_bytes(tmp_path, monkeypatch, name):
    first = _score(tmp_path / "first" / name)
    _a_year_later(monkeypatch)
    second = _score(tmp_path / "second" / name)
    assert first == second


def test_the_workbook_is_dated_by_the_period_not_the_run(tmp_path):
    out = tmp_path / "q3.xlsx"
    _score(out)
    with zipfile.ZipFile(out) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 9, 30, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert core.count("2026-09-30T00:00:00Z") == 2  # created and modified
    wb = load_workbook(out)
    assert wb.properties.created == wb.properties.modified == real_datetime.datetime(2026, 9, 30)
    assert wb.sheetnames == ["Payouts", "Metric scores", "Read me"]  # still a good workbook
