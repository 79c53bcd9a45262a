"""Payroll files and reports are private: files 0600, the folders perfkit creates 0700.

Whatever the umask, unless ``--mode`` (or ``$PERFKIT_OUTPUT_MODE``) asks for another mode.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfkit.cli import cli
from perfkit.fsutil import MODE_ENV, OutputError, atomic_dir, atomic_path, dir_mode, parse_mode

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "templates" / "plans"
WORKED = ROOT / "data" / "worked_example"


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask(monkeypatch):
    """The usual shared-server umask 022 (which alone would give 0644 files), no setting."""
    monkeypatch.delenv(MODE_ENV, raising=False)
    mask = os.umask(0o022)
    yield
    os.umask(mask)


def score(*args: object):
    return CliRunner().invoke(
        cli, ["score", str(WORKED), "--period", "2026Q3", "--plans", str(PLANS), *map(str, args)]
    )


def test_payroll_files_are_private_by_default(tmp_path):
    os.chmod(tmp_path, 0o755)
    out = tmp_path / "payroll" / "2026" / "q3.xlsx"
    result = score("-o", out)
    assert result.exit_code == 0, result.output
    assert mode_of(out) == 0o600
    assert mode_of(out.parent) == 0o700 and mode_of(out.parent.parent) == 0o700
    assert mode_of(tmp_path) == 0o755  # a folder perfkit did not create is left as it was
    csv = tmp_path / "q3.csv"
    assert score("-o", csv).exit_code == 0
    assert mode_of(csv) == mode_of(tmp_path / "q3_scores.csv") == 0o600


def test_replacing_a_readable_file_makes_it_private(tmp_path):
    out = tmp_path / "q3.xlsx"
    out.write_bytes(b"old")
    os.chmod(out, 0o644)
    assert score("-o", out).exit_code == 0
    assert mode_of(out) == 0o600


def test_mode_option_and_setting(tmp_path, monkeypatch):
    out = tmp_path / "shared" / "q3.xlsx"
    result = score("-o", out, "--mode", "0640")
    assert result.exit_code == 0, result.output
    assert mode_of(out) == 0o640 and mode_of(out.parent) == 0o750
    monkeypatch.setenv(MODE_ENV, "644")
    other = tmp_path / "open" / "q3.csv"
    assert score("-o", other).exit_code == 0
    assert mode_of(other) == 0o644 and mode_of(other.parent) == 0o755
    # the option wins over the setting
    assert score("-o", other, "--mode", "600").exit_code == 0
    assert mode_of(other) == 0o600


def test_bad_modes_are_user_errors(tmp_path, monkeypatch):
    out = tmp_path / "q3.xlsx"
    result = score("-o", out, "--mode", "rw-r--r--")
    assert result.exit_code == 2
    assert result.output.strip() == (
        "error: --mode: found 'rw-r--r--', not a file mode; give octal permission bits such as "
        "0600 (only you, the default) or 0640 (you and your group)"
    )
    result = score("-o", out, "--mode", "0444")
    assert result.exit_code == 2
    assert "--mode: found '0444' (0444), which would lock you out of your own outputs" in (
        result.output
    )
    monkeypatch.setenv(MODE_ENV, "999")
    result = score("-o", out)
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {MODE_ENV}: found '999', not a file mode")
    assert not out.exists()


def test_parse_and_dir_modes():
    assert parse_mode("0640") == parse_mode("640") == parse_mode("0o640") == 0o640
    assert parse_mode(0o600) == 0o600
    assert [dir_mode(m) for m in (0o600, 0o640, 0o644, 0o660)] == [0o700, 0o750, 0o755, 0o770]
    with pytest.raises(OutputError, match="--mode: found '1777'"):
        parse_mode("1777")


def test_atomic_writers_publish_with_the_mode(tmp_path):
    with atomic_path(tmp_path / "a.csv") as tmp:
        tmp.write_text("x")
    assert mode_of(tmp_path / "a.csv") == 0o600
    with atomic_dir(tmp_path / "reports" / "2026Q3") as tmp:
        (tmp / "index.html").write_text("x")
        (tmp / "sub").mkdir()
        (tmp / "sub" / "r.html").write_text("x")  # written under umask 022: 0644
    folder = tmp_path / "reports" / "2026Q3"
    assert mode_of(folder) == mode_of(folder.parent) == mode_of(folder / "sub") == 0o700
    assert mode_of(folder / "index.html") == mode_of(folder / "sub" / "r.html") == 0o600
    with atomic_dir(tmp_path / "team", mode=0o640) as tmp:
        (tmp / "index.html").write_text("x")
    assert mode_of(tmp_path / "team") == 0o750
    assert mode_of(tmp_path / "team" / "index.html") == 0o640


def test_report_checks_the_mode_before_any_work(tmp_path):
    result = CliRunner().invoke(
        cli,
        ["report", str(ROOT / "data" / "sample"), "--plans", str(PLANS), "--mode", "0200",
         "-o", str(tmp_path / "reports")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "error: --mode: found '0200' (0200), which would lock you out" in result.output
    assert not (tmp_path / "reports").exists()
