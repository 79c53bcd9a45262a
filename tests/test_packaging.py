"""The project's set-up files agree with each other."""

from __future__ import annotations

import re
import tomllib

import yaml
from conftest import ROOT
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

# conda-forge names where they differ from PyPI's
CONDA_NAMES: dict[str, str] = {"python-duckdb": "duckdb"}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _requirements() -> dict[str, Requirement]:
    project = _pyproject()["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs.extend(extra)
    return {Requirement(r).name.lower(): Requirement(r) for r in reqs}


def _environment() -> tuple[dict[str, str], dict[str, str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda: dict[str, str] = {}
    pip: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for item in dep["pip"]:
                if not item.startswith("-e"):
                    req = Requirement(item)
                    pip[req.name.lower()] = str(req.specifier)
            continue
        name, spec = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", dep).groups()
        conda[name.lower()] = spec.replace(" ", "")
    return conda, pip


def test_environment_lists_the_same_packages_as_pyproject():
    conda, pip = _environment()
    conda.pop("python")
    conda.pop("pip")
    listed = {CONDA_NAMES.get(k, k): v for k, v in {**conda, **pip}.items()}
    reqs = _requirements()
    assert set(listed) == set(reqs), (
        f"only in environment.yml: {sorted(set(listed) - set(reqs))}; "
        f"only in pyproject.toml: {sorted(set(reqs) - set(listed))}"
    )
    for name, req in reqs.items():
        assert SpecifierSet(listed[name]) == req.specifier, (
            f"{name}: {listed[name]} vs {req.specifier}"
        )


def test_environment_python_matches_requires_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python.replace(" ", "") == "python" + _pyproject()["project"]["requires-python"]


def test_every_requirement_is_pinned_in_constraints():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    for name, req in _requirements().items():
        key = name.replace("_", "-")
        assert key in pins, f"{name} is not pinned in constraints.txt"
        assert req.specifier.contains(pins[key]), f"{name}=={pins[key]} breaks {req.specifier}"


def test_matplotlib_kept_below_3_13():
    # seaborn 0.13.2 passes `vert=` to boxplots, which matplotlib 3.13 removes
    assert not _requirements()["matplotlib"].specifier.contains("3.13.0")


def test_console_script_and_ci():
    assert _pyproject()["project"]["scripts"]["perfkit"] == "perfkit.cli:main"
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = "\n".join(readme.splitlines()[:40])
    assert "make report" in first_screen and "make test" in first_screen
