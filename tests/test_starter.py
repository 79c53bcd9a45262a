"""perfkit stands alone: a starter folder, and an installed wheel run far from the repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest
from conftest import PLANS_DIR, ROOT, SAMPLE_DIR

from perfkit.errors import PerfkitError
from perfkit.starter import init_project

FILES = ["actuals.csv", "employees.csv", "modifiers.csv", "ratings.csv", "targets.csv"]


def test_init_writes_the_plans_and_the_sample(tmp_path):
    root = init_project(tmp_path / "kpis")
    for plan in PLANS_DIR.glob("*.yaml"):
        assert (root / "templates" / "plans" / plan.name).read_bytes() == plan.read_bytes()
    for name in FILES:  # the same generator and seed: the shipped sample, byte for byte
        assert (root / "data" / "sample" / name).read_bytes() == (SAMPLE_DIR / name).read_bytes()
    assert "perfkit validate data/sample" in (root / "README.txt").read_text(encoding="utf-8")


def test_init_never_overwrites(tmp_path):
    (tmp_path / "kpis").mkdir()
    (tmp_path / "kpis" / "mine.txt").write_text("keep me")
    with pytest.raises(PerfkitError, match="is not empty; give a new or empty folder"):
        init_project(tmp_path / "kpis")
    assert (tmp_path / "kpis" / "mine.txt").read_text() == "keep me"
    assert sorted(p.name for p in (tmp_path / "kpis").iterdir()) == ["mine.txt"]


@pytest.fixture(scope="module")
def wheel_site(tmp_path_factory):
    """The wheel built from this checkout, unpacked as an installed package would be."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [whl] = out.glob("perfkit-*.whl")
    site = out / "site"
    with zipfile.ZipFile(whl) as z:
        z.extractall(site)
    return site


def test_the_wheel_carries_plans_and_notebooks(wheel_site):
    shipped = sorted(p.name for p in (wheel_site / "perfkit" / "_templates" / "plans").iterdir())
    assert shipped == sorted(p.name for p in PLANS_DIR.glob("*.yaml"))
    assert (wheel_site / "perfkit" / "_notebooks" / "role_report.ipynb").is_file()


def test_an_installed_wheel_scores_from_any_folder(wheel_site, tmp_path):
    """No repository on the path: the wheel's own plans and generator make and score data."""
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {"PYTHONPATH": str(wheel_site), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    script = (
        "import sys, perfkit\n"
        f"assert perfkit.__file__.startswith({str(wheel_site)!r}), perfkit.__file__\n"
        "from perfkit.starter import init_project\n"
        "from perfkit.plans import find_plans_dir\n"
        "init_project('kpis')\n"
        "from perfkit.evaluation import evaluate_dir\n"
        "ev = evaluate_dir('kpis/data/sample', period='2026Q3', plans_dir=find_plans_dir(start='kpis'))\n"
        "lone = evaluate_dir('kpis/data/sample', period='2026Q3')\n"  # bundled plans
        "print(ev.total()['CNY'], lone.total()['CNY'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=work, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    ours = __import__("perfkit").evaluate_dir(SAMPLE_DIR, period="2026Q3", plans_dir=PLANS_DIR)
    total = ours.total()["CNY"]
    assert done.stdout.split() == [repr(total), repr(total)]
    shutil.rmtree(work)


def test_every_subpackage_ships_in_the_wheel():
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        "perfkit" + "".join("." + part for part in p.parent.relative_to(ROOT / "perfkit").parts)
        for p in (ROOT / "perfkit").rglob("__init__.py")
    }
    assert found <= listed, f"add {sorted(found - listed)} to [tool.setuptools] packages"


def test_the_wheel_has_the_command_line(wheel_site):
    assert (wheel_site / "perfkit" / "cli" / "data.py").is_file()
