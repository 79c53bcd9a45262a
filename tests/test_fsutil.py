"""Outputs are moved into place whole, or not at all."""

from __future__ import annotations

import pytest

from perfkit.fsutil import atomic_dir, atomic_path


def test_atomic_path_replaces_on_success(tmp_path):
    target = tmp_path / "out" / "payouts.csv"
    with atomic_path(target) as tmp:
        assert tmp.suffix == ".csv" and tmp.parent == target.parent
        tmp.write_text("new")
    assert target.read_text() == "new"
    assert list(target.parent.iterdir()) == [target]


def test_atomic_path_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / "payouts.csv"
    target.write_text("good")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "good"
    assert list(tmp_path.iterdir()) == [target]


def test_atomic_dir_replaces_whole_folder(tmp_path):
    target = tmp_path / "reports" / "2026Q3"
    target.mkdir(parents=True)
    (target / "old.html").write_text("old")
    with atomic_dir(target) as tmp:
        (tmp / "new.html").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == ["new.html"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["2026Q3"]


def test_atomic_dir_keeps_old_folder_on_failure(tmp_path):
    target = tmp_path / "2026Q3"
    target.mkdir()
    (target / "good.html").write_text("good")
    with pytest.raises(RuntimeError), atomic_dir(target) as tmp:
        (tmp / "half.html").write_text("half")
        raise RuntimeError("interrupted")
    assert (target / "good.html").read_text() == "good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026Q3"]


def test_outputs_are_private_whatever_the_umask(tmp_path, monkeypatch):
    import os

    monkeypatch.delenv("PERFKIT_OUTPUT_MODE", raising=False)
    mask = os.umask(0o022)
    try:
        with atomic_path(tmp_path / "a.csv") as tmp:
            tmp.write_text("x")
        with atomic_dir(tmp_path / "d") as tmp:
            (tmp / "f").write_text("x")
    finally:
        os.umask(mask)
    assert (tmp_path / "a.csv").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "d").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "d" / "f").stat().st_mode & 0o777 == 0o600
