"""Report batch benchmark: the five role reports against the floor, measured in the same run.

Run from the repository root::

    .venv/bin/python benchmarks/bench_reports.py             # the sample data, latest quarter
    .venv/bin/python benchmarks/bench_reports.py --rounds 3  # more alternations, best kept

What it does
------------
1. **The floor**: as many bare notebooks as there are reports (a two-cell notebook that
   imports nothing), each run by papermill in a fresh kernel and exported to HTML by
   :func:`perfkit.reports.export_html`, in a worker pool of the same size and kind as the
   batch's (``--jobs`` processes from a fork server, :func:`perfkit.reports._pool`). This is
   the least any papermill batch of self-contained HTML pages pays: kernel starts,
   papermill, the export, the pool.
2. **The batch**: :func:`perfkit.run_reports` for every plan in ``templates/plans`` on the
   sample data, timed whole (reading and checking the data, the plan-health checks, the
   notebooks, the index).
3. The two alternate ``--rounds`` times (floor, batch, floor, batch, ...) so that a burst of
   load from other programs hits both alike; the best of each is kept and their ratio
   printed against the goals: the batch within 1.5 times the floor, and under 30 s.

The fork server is started once per process, by the first floor, and imports what a worker
and its kernel need (perfkit.reports, papermill, nbconvert, ipykernel, pandas, matplotlib,
seaborn, scipy.stats) before it forks the first worker: the first floor pays that, every
later pool of either kind starts from it. The floor's bare kernels are new processes
(papermill starts them); the batch's are forks of their worker. The parent process imports
the plan-health checks' libraries (statsmodels, rddensity with sympy and plotnine) during
the first batch only. So the first round is slower than the others, the batch's first run
being the nearest to a one-off ``perfkit report``; both are printed.

The goals are informational: the script fails only if a report fails. On a shared machine
timings vary by up to 2x; the ratio, measured in the same run, varies less.
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
GOAL_RATIO = 1.5


def _bare_notebook(folder: Path) -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}
        }
    )
    nb.cells = [new_code_cell("x = 1", metadata={"tags": ["parameters"]}), new_code_cell("x")]
    src = folder / "bare.ipynb"
    nbformat.write(nb, src)
    return src


def bare_report(src: str, out_dir: str, name: str) -> float:
    """One floor job: a bare notebook through papermill in a fresh kernel, then to HTML."""
    import nbformat
    import papermill as pm

    from perfkit.reports import export_html

    start = time.perf_counter()
    out = Path(out_dir) / f"{name}.ipynb"
    pm.execute_notebook(
        src,
        out,
        parameters={"x": 2},
        kernel_name="python3",
        progress_bar=False,
        request_save_on_cell_execute=False,
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],  # no start-up notices on stderr
    )
    export_html(nbformat.read(out, as_version=4), Path(out_dir) / f"{name}.html")
    return time.perf_counter() - start


def floor_seconds(folder: Path, n: int, jobs: int) -> float:
    """Wall time of ``n`` bare notebooks with HTML export in a pool like the batch's."""
    from perfkit.reports import _pool

    src = _bare_notebook(folder)
    start = time.perf_counter()
    with _pool(min(jobs, n)) as pool:
        list(pool.map(bare_report, [str(src)] * n, [str(folder)] * n, [f"b{i}" for i in range(n)]))
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "data" / "sample"))
    parser.add_argument("--plans", default=str(ROOT / "templates" / "plans"))
    parser.add_argument("--period", default="latest")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--show-pay", action="store_true")
    args = parser.parse_args()

    from perfkit.plans import plan_files
    from perfkit.reports import run_reports

    n = len(plan_files(args.plans))
    floors: list[float] = []
    walls: list[float] = []
    batch = None
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="perfkit-bench-") as tmp:
        folder = Path(tmp)
        for k in range(args.rounds):
            (folder / f"floor{k}").mkdir()
            floors.append(floor_seconds(folder / f"floor{k}", n, args.jobs))
            start = time.perf_counter()
            batch = run_reports(
                args.data,
                period=args.period,
                plans_dir=args.plans,
                jobs=args.jobs,
                show_pay=args.show_pay,
                output_dir=folder / f"reports{k}",
                progress=False,
            )
            walls.append(time.perf_counter() - start)
            sizes = {r.role: r.html.stat().st_size for r in batch.reports}
    assert batch is not None
    floor, wall = min(floors), min(walls)
    ratio = wall / floor
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load {load:.1f}")
    print(
        f"floor: {n} bare notebooks + HTML export, --jobs {args.jobs}: "
        + ", ".join(f"{f:.2f}" for f in floors)
        + f" s (first {floors[0]:.2f}, best {floor:.2f})"
    )
    print(
        f"batch: {n} reports for {batch.period}, --jobs {args.jobs}: "
        + ", ".join(f"{w:.2f}" for w in walls)
        + f" s (first {walls[0]:.2f}, best {wall:.2f})"
    )
    if args.rounds > 1:
        verdict = "met" if ratio <= GOAL_RATIO else "NOT met"
    else:  # the only floor started the fork server, which no later pool pays
        verdict = "no verdict from one round, whose floor starts the fork server; use --rounds 2"
    print(
        f"batch / floor: {ratio:.2f} (goal <= {GOAL_RATIO}: {verdict}); "
        f"batch <= {GOAL_SECONDS:.0f} s: {'met' if wall <= GOAL_SECONDS else 'NOT met'}"
    )
    print(f"{'role':<22} {'report s':>9} {'html KB':>8}")
    for rep in batch.reports:
        print(f"{rep.role:<22} {rep.seconds:9.2f} {sizes[rep.role] / 1024:8.0f}")
    for failure in batch.failures:
        print(f"failed: {failure}")
    return 1 if batch.failures else 0


if __name__ == "__main__":  # the pool's worker processes import this file again
    sys.exit(main())
