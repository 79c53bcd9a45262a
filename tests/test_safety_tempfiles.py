"""Temporary files: named as perfkit's, removed on failure, swept by the next run.

Only entries named ``.perfkit-tmp-*`` are ever removed, and only when no running perfkit
holds them (a lock) and they are older than a minute; a user's hidden files never are.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from perfkit.fsutil import STALE_SECONDS, TEMP_PREFIX, atomic_dir, atomic_path, sweep

ROOT = Path(__file__).resolve().parents[1]
OLD = time.time() - 3600


def _age(path: Path, when: float = OLD) -> Path:
    os.utime(path, (when, when))
    return path


def _litter(folder: Path) -> dict[str, Path]:
    """What a killed run leaves, and hidden files of the user's that look a bit alike."""
    tmp_dir = folder / ".perfkit-tmp-2026Q3.ab12cd"
    tmp_dir.mkdir()
    (tmp_dir / "online_promotion.html").write_text("half")
    made = {
        "tmp_dir": tmp_dir,
        "tmp_file": folder / ".perfkit-tmp-payouts.x81k2m.xlsx",
        "user_old_style": folder / ".payouts.x81k2m.xlsx",
        "user_period": folder / ".2026Q3.notes",
        "user_file": folder / "perfkit-tmp-notes.txt",
    }
    for key, path in made.items():
        if key != "tmp_dir":
            path.write_text("x")
        _age(path)
    return made


def test_temporary_names_are_perfkits(tmp_path):
    with atomic_path(tmp_path / "payouts.xlsx") as tmp:
        assert tmp.name.startswith(f"{TEMP_PREFIX}payouts.") and tmp.suffix == ".xlsx"
        tmp.write_text("x")
    with atomic_dir(tmp_path / "2026Q3") as tmp:
        assert tmp.name.startswith(f"{TEMP_PREFIX}2026Q3.")
        assert tmp.parent == tmp_path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026Q3", "payouts.xlsx"]


def test_the_next_run_removes_stale_temporaries_only(tmp_path):
    made = _litter(tmp_path)
    with atomic_path(tmp_path / "payouts.xlsx") as tmp:
        tmp.write_text("new")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(
        ["payouts.xlsx", ".payouts.x81k2m.xlsx", ".2026Q3.notes", "perfkit-tmp-notes.txt"]
    )
    assert not made["tmp_dir"].exists() and not made["tmp_file"].exists()


def test_young_or_locked_temporaries_are_left(tmp_path):
    young = tmp_path / ".perfkit-tmp-q3.young1.csv"
    young.write_text("another run is writing me")
    _age(young, time.time() - STALE_SECONDS / 2)
    held = tmp_path / ".perfkit-tmp-q3.held01.csv"
    held.write_text("a live run holds me")
    _age(held)
    fd = os.open(held, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert sweep(tmp_path) == []
    finally:
        os.close(fd)
    assert young.exists() and held.exists()
    assert sweep(tmp_path) == [held]  # unlocked now; the young one is still left


def test_a_folder_killed_mid_swap_is_moved_back(tmp_path):
    old = tmp_path / ".perfkit-tmp-2026Q3.zz9yy8.old"
    old.mkdir()
    (old / "index.html").write_text("the previous good run")
    assert sweep(tmp_path) == [old]
    assert (tmp_path / "2026Q3" / "index.html").read_text() == "the previous good run"
    # when the folder is in place, a left-over previous copy is just removed
    old.mkdir()
    assert sweep(tmp_path) == [old]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026Q3"]


def _run(script: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip


def test_a_killed_run_is_cleaned_by_the_next(tmp_path):
    proc = _run(f"""
        import os, signal
        from perfkit.fsutil import atomic_path
        with atomic_path({str(tmp_path / "payouts.xlsx")!r}) as tmp:
            tmp.write_text("half")
            os.kill(os.getpid(), signal.SIGKILL)  # no finally runs
    """)
    assert proc.returncode == -signal.SIGKILL
    litter = [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]
    assert len(litter) == 1 and litter[0].suffix == ".xlsx"
    _age(litter[0])
    with atomic_path(tmp_path / "payouts.xlsx") as tmp:
        tmp.write_text("whole")
    assert [p.name for p in tmp_path.iterdir()] == ["payouts.xlsx"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_terminated_run_cleans_up_after_itself(tmp_path, sig):
    target = tmp_path / "reports" / "2026Q3"
    proc = _run(f"""
        import os
        from perfkit.cli import exit_on_terminate
        from perfkit.fsutil import atomic_dir, atomic_path
        exit_on_terminate()
        with atomic_dir({str(target)!r}) as tmp, atomic_path(tmp / "index.html") as f:
            f.write_text("half")
            os.kill(os.getpid(), {int(sig)})
    """)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr or sig == signal.SIGINT
    assert list((tmp_path / "reports").iterdir()) == []
