"""A starter folder for a new user: the role plans and the sample data, ready to run.

``perfkit init DIR`` calls :func:`init_project`, so someone who installed the wheel (and has
no copy of the repository) can begin at once::

    perfkit init my_kpis && cd my_kpis
    perfkit validate data/sample
    perfkit report data/sample
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ._resources import templates_dir
from .errors import PerfkitError
from .plans import load_plans, plan_files

#: What :func:`init_project` writes beside the plans and the data.
README = """\
perfkit starter folder
======================

templates/plans/   one KPI plan per marketing role (edit them; see the plan guide)
data/sample/       a generated sample department of 150 people over 24 months

Run from this folder:

    perfkit validate data/sample
    perfkit score data/sample --period latest -o payouts.xlsx
    perfkit report data/sample

Put your own data in a folder such as data/2026 (employees, actuals, targets, ratings,
modifiers as CSV, Excel or Parquet) and run the same commands on it. perfkit finds the
plans in templates/plans of this folder, or of any folder above the one you run from.
"""


def init_project(folder: str | Path, *, employees: int = 150, seed: int = 7) -> Path:
    """Write a starter folder: ``templates/plans``, ``data/sample`` and a ``README.txt``.

    Parameters
    ----------
    folder : str or Path
        Created if missing; it must be empty (nothing is ever overwritten).
    employees, seed
        For the sample data (see :func:`perfkit.sample.generate`).

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    PerfkitError
        If the folder exists and is not empty, or is a file.
    """
    from .sample import generate

    root = Path(folder)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise PerfkitError(
            f"{root}: {'is a file' if not root.is_dir() else 'is not empty'}; "
            "give a new or empty folder for the starter files"
        )
    shipped = templates_dir() / "plans"
    load_plans(shipped)  # the shipped plans are sound before anything is written
    plans = root / "templates" / "plans"
    plans.mkdir(parents=True)
    for path in plan_files(shipped).values():
        shutil.copyfile(path, plans / path.name)
    generate(root / "data" / "sample", employees=employees, seed=seed, plans_dir=plans)
    (root / "README.txt").write_text(README, encoding="utf-8")
    return root
