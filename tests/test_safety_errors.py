"""Outputs that cannot be written: a clean message, exit status 2, nothing half-written.

Tests run as root, whom a read-only folder (chmod) does not stop, so a read-only folder is
simulated by the operating system's answer (EACCES / EROFS) and a path under a file is a
real one.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from perfkit import fsutil
from perfkit.cli import cli
from perfkit.fsutil import OutputError, atomic_path

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "templates" / "plans"
WORKED = ROOT / "data" / "worked_example"


def score(*args: object):
    result = CliRunner().invoke(
        cli, ["score", str(WORKED), "--period", "2026Q3", "--plans", str(PLANS), *map(str, args)]
    )
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def _no_temporaries(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_read_only_folder(tmp_path, monkeypatch):
    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(fsutil.tempfile, "mkstemp", refused)
    out = tmp_path / "q3.xlsx"
    result = score("-o", out)
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {out}: cannot write it: Permission denied (EACCES); ")
    assert f"{tmp_path} cannot be written to; give -o/--output a folder you can write to" in (
        result.output
    )
    assert list(tmp_path.iterdir()) == []


def test_read_only_file_system_for_reports(tmp_path, monkeypatch):
    def refused(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path))

    monkeypatch.setattr(fsutil.tempfile, "mkdtemp", refused)
    result = CliRunner().invoke(
        cli,
        ["report", str(ROOT / "data" / "sample"), "--roles", "event_planning", "--plans",
         str(PLANS), "-o", str(tmp_path / "reports")],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"error: {tmp_path / 'reports' / '2026Q3'}: cannot write it: Read-only file system" in (
        result.output
    )
    assert "give -o/--output a folder you can write to" in result.output


def test_output_under_a_file(tmp_path):
    (tmp_path / "notes").write_text("a file, not a folder", encoding="utf-8")
    out = tmp_path / "notes" / "q3.xlsx"
    result = score("-o", out)
    assert result.exit_code == 2
    assert f"error: {out}: cannot write it: Not a directory (ENOTDIR); part of " in result.output
    assert "is a file, not a folder; give -o/--output a path in a folder" in result.output
    assert (tmp_path / "notes").read_text(encoding="utf-8") == "a file, not a folder"


def test_output_that_is_a_folder(tmp_path):
    (tmp_path / "q3.xlsx").mkdir()
    result = score("-o", tmp_path / "q3.xlsx")  # click's own check
    assert result.exit_code == 2
    assert f"Invalid value for '-o' / '--output': File '{tmp_path / 'q3.xlsx'}' is a directory" in (
        result.output
    )
    with pytest.raises(OutputError, match=r"q3.xlsx: exists and is a folder; give -o/--output a"):
        with atomic_path(tmp_path / "q3.xlsx"):
            pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q3.xlsx"]


def test_a_device_is_never_replaced(tmp_path):
    # root may write in /dev: without this check "-o /dev/full.xlsx"-like targets that exist
    # as devices would be replaced by a file. A FIFO stands in for the device here, so that
    # this test can never harm the machine's own /dev.
    fifo = tmp_path / "payouts.csv"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match=r"payouts.csv: exists and is not a regular file"):
        with atomic_path(fifo):
            pass
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["payouts.csv"]


def test_full_disk_keeps_the_previous_workbook(tmp_path, monkeypatch):
    out = tmp_path / "q3.xlsx"
    out.write_bytes(b"the previous good file")
    from openpyxl import Workbook

    save = Workbook.save

    def full(self, filename):
        save(self, filename)
        with open(filename, "r+b") as f:
            f.truncate(100)  # half-written
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Workbook, "save", full)
    result = score("-o", out)
    assert result.exit_code == 2
    assert f"error: {out}: cannot write it: No space left on device (ENOSPC); free some space" in (
        result.output
    )
    assert "Nothing was written; an earlier copy, if any, is unchanged" in result.output
    assert out.read_bytes() == b"the previous good file"
    _no_temporaries(tmp_path)


def test_full_disk_on_the_second_csv_changes_neither(tmp_path, monkeypatch):
    out = tmp_path / "q3.csv"
    out.write_text("old results", encoding="utf-8")
    (tmp_path / "q3_scores.csv").write_text("old scores", encoding="utf-8")
    to_csv = pd.DataFrame.to_csv
    calls = []

    def full(self, path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return to_csv(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    result = score("-o", out)
    assert result.exit_code == 2
    # the error names the output, not the temporary file it was writing
    assert f"error: {tmp_path / 'q3_scores.csv'}: cannot write it: No space left" in result.output
    assert out.read_text(encoding="utf-8") == "old results"
    assert (tmp_path / "q3_scores.csv").read_text(encoding="utf-8") == "old scores"
    _no_temporaries(tmp_path)


def test_nul_byte_in_a_name(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(WORKED, data)
    emp = pd.read_csv(data / "employees.csv", dtype=str, keep_default_na=False)
    emp.loc[emp["employee_id"] == "E0102", "name"] = "Zhao\x00Min"
    # UTF-16 is the one CSV encoding that can carry a NUL character (Excel's "Unicode Text")
    emp.to_csv(data / "employees.csv", index=False, encoding="utf-16")
    out = tmp_path / "q3.xlsx"
    result = CliRunner().invoke(
        cli, ["score", str(data), "--period", "2026Q3", "--plans", str(PLANS), "-o", str(out)]
    )
    assert "Traceback" not in result.output
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (
        f"error: {out}: sheet Payouts, row 3 (E0102), Name holds the control character U+0000, "
        "which an Excel workbook cannot store; remove it from the input file it came from (the "
        "employees file for names and teams, the plan for labels), or write .csv instead"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_a_subprocess_sees_no_traceback(tmp_path):
    (tmp_path / "notes").write_text("x", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "perfkit.cli", "score", str(WORKED), "--period", "2026Q3",
         "--plans", str(PLANS), "-o", str(tmp_path / "notes" / "q3.csv")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"error: {tmp_path / 'notes' / 'q3.csv'}: cannot write it: ")
    assert proc.stdout == ""
