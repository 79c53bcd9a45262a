"""Report batch benchmark: five role reports with ``--jobs 2``, against a bare kernel start.

Run from the repository root::

    .venv/bin/python benchmarks/bench_reports.py             # the sample data, latest quarter
    .venv/bin/python benchmarks/bench_reports.py --jobs 1    # one report at a time

What it does
------------
1. Runs a trivial two-cell notebook through papermill (``--bare-runs`` times, best kept): the
   cost of starting a kernel, running nothing and saving, which every report pays anyway.
2. Runs :func:`perfkit.run_reports` for every plan in ``templates/plans`` on the sample
   data into a temporary folder, with ``--jobs`` worker processes, and times it whole.
3. Prints the wall time against the goal (five reports in at most 30 s on 2 cores) and, per
   report, the worker's time (notebook run and HTML export) and its overhead over the bare
   kernel. Under ``--jobs 2`` two reports share the two cores, so a report's own time is
   longer than when it runs alone. The goal is informational: the script fails only if a
   report fails.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 30.0


def bare_kernel_seconds(folder: Path, runs: int) -> float:
    """Best wall time of papermill running a notebook that does nothing."""
    import nbformat
    import papermill as pm
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}
        }
    )
    nb.cells = [new_code_cell("x = 1", metadata={"tags": ["parameters"]}), new_code_cell("x")]
    src = folder / "bare.ipynb"
    nbformat.write(nb, src)
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        pm.execute_notebook(
            src,
            folder / "bare_out.ipynb",
            parameters={"x": 2},
            kernel_name="python3",
            progress_bar=False,
            request_save_on_cell_execute=False,
        )
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "data" / "sample"))
    parser.add_argument("--plans", default=str(ROOT / "templates" / "plans"))
    parser.add_argument("--period", default="latest")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--bare-runs", type=int, default=3)
    args = parser.parse_args()

    from perfkit.reports import run_reports

    with tempfile.TemporaryDirectory(prefix="perfkit-bench-") as tmp:
        folder = Path(tmp)
        bare = bare_kernel_seconds(folder, args.bare_runs)
        start = time.perf_counter()
        batch = run_reports(
            args.data,
            period=args.period,
            plans_dir=args.plans,
            jobs=args.jobs,
            output_dir=folder / "reports",
            progress=False,
        )
        wall = time.perf_counter() - start
        sizes = {r.role: r.html.stat().st_size for r in batch.reports}

    n = len(batch.reports) + len(batch.failures)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"bare kernel (papermill, trivial notebook, best of {args.bare_runs}): {bare:.2f} s")
    print(
        f"batch: {n} reports for {batch.period} with --jobs {args.jobs}: {wall:.2f} s wall "
        f"(goal <= {GOAL_SECONDS:.0f} s for five on 2 cores: "
        f"{'met' if wall <= GOAL_SECONDS else 'NOT met'})"
    )
    print(f"{'role':<22} {'report s':>9} {'over bare s':>12} {'html KB':>8}")
    for rep in batch.reports:
        print(
            f"{rep.role:<22} {rep.seconds:9.2f} {rep.seconds - bare:12.2f} "
            f"{sizes[rep.role] / 1024:8.0f}"
        )
    for failure in batch.failures:
        print(f"failed: {failure}")
    return 1 if batch.failures else 0


if __name__ == "__main__":  # the batch's worker processes import this file again
    sys.exit(main())
