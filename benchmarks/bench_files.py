"""How long does `perfkit score` take from files, beside DuckDB reading the same file?

For each size (people x 12 months x 10 raw metrics, the data set of ``bench_engine.py``) and
format (CSV, Parquet) it writes a data folder and the benchmark plan, then times, each in a
fresh process:

- ``perfkit score DIR --period 2026Q4 -o results.parquet``: read, validate, evaluate, write,
  end to end, with the peak memory of the process;
- ``perfkit.load_dataset(DIR)``: perfkit's reading alone (read, type, check each file);
- DuckDB reading the same actuals file into Arrow (``read_csv`` / ``read_parquet``).

and prints the ratios. Goals (2 cores): 20,000 people from CSV in at most 5 s and from
Parquet in at most 2 s, 200,000 from Parquet in at most 20 s within 8 GB, reading within 3
times DuckDB's read. They are reported, not enforced; timings on a shared machine are noisy.

    .venv/bin/python benchmarks/bench_files.py                      # 20,000 and 200,000 people
    .venv/bin/python benchmarks/bench_files.py --people 2000        # smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_engine as be  # noqa: E402

PYTHON = sys.executable
PERFKIT = str(Path(PYTHON).with_name("perfkit"))
GOALS = {("csv", 20_000): 5.0, ("parquet", 20_000): 2.0, ("parquet", 200_000): 20.0}


def write_folder(folder: Path, people: int, fmt: str) -> None:
    """The benchmark's frames as files of ``fmt`` and its plan in ``folder/plans``."""
    frames = be.make_frames(be.make_synth(people, 12))
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        if fmt == "csv":
            out = frame.copy()
            for c in ("hire_date", "leave_date"):
                if c in out:
                    out[c] = out[c].dt.strftime("%Y-%m-%d")
            out.to_csv(folder / f"{name}.csv", index=False)
        else:
            frame.to_parquet(folder / f"{name}.parquet", index=False)
    plans = folder.parent / "plans"
    plans.mkdir(exist_ok=True)
    plan = be.bench_plan().model_dump(mode="json", exclude_none=True, by_alias=True)
    (plans / f"{be.ROLE}.yaml").write_text(yaml.safe_dump(plan, sort_keys=False))


def _timed(cmd: list[str]) -> tuple[float, float, str, float]:
    """Seconds, peak RSS (MB) of a fresh process, its stdout and its CPU seconds.

    The CPU seconds (user + system, every thread) tell how much of the wall time was the
    process's own work: on a machine shared with other programs the wall time also holds
    the waits for a core.
    """
    code = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "s = time.perf_counter() - t\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps({'s': s, 'rss': u.ru_maxrss / 1024, 'cpu': u.ru_utime + u.ru_stime,"
        " 'rc': p.returncode, 'out': p.stdout[-2000:], 'err': p.stderr[-2000:]}))\n"
    )
    got = json.loads(subprocess.run([PYTHON, "-c", code, *cmd], capture_output=True, text=True,
                                    check=True).stdout)  # fmt: skip
    if got["rc"]:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{got['err']}")
    return got["s"], got["rss"], got["out"], got["cpu"]


def _python(snippet: str) -> float:
    """Seconds of ``snippet`` in a fresh interpreter (imports not counted)."""
    code = (
        "import time, duckdb, perfkit, perfkit.io\n"
        "t = time.perf_counter()\n" + snippet + "\nprint(time.perf_counter() - t)\n"
    )
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def run(people: int, fmt: str, root: Path, repeat: int) -> dict:
    folder = root / f"{fmt}-{people}" / "data"
    write_folder(folder, people, fmt)
    actuals = folder / f"actuals.{fmt}"
    reader = "read_csv" if fmt == "csv" else "read_parquet"
    duck = min(
        _python(
            f"r = duckdb.sql(\"SELECT * FROM {reader}('{actuals}')\")\n"
            "(getattr(r, 'to_arrow_table', None) or r.fetch_arrow_table)()"
        )
        for _ in range(repeat)
    )
    load = min(_python(f"perfkit.io.load_dataset('{folder}')") for _ in range(repeat))
    out = folder.parent / "results.parquet"
    cmd = [PERFKIT, "score", str(folder), "--period", "2026Q4",
           "--plans", str(folder.parent / "plans"), "-o", str(out)]  # fmt: skip
    runs = [_timed(cmd) for _ in range(repeat)]
    best = min(r[0] for r in runs)
    return {
        "people": people, "format": fmt, "mb": actuals.stat().st_size / 1e6, "duckdb_read_s": duck,
        "perfkit_read_s": load, "score_s": best, "score_first_s": runs[0][0],
        "peak_mb": max(r[1] for r in runs), "score_cpu_s": min(r[3] for r in runs),
        "load": os.getloadavg()[0],
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, nargs="*", default=[20_000, 200_000])
    ap.add_argument("--formats", nargs="*", default=["csv", "parquet"], choices=["csv", "parquet"])
    ap.add_argument("--repeat", type=int, default=1, help="runs of each timing; best kept")
    args = ap.parse_args(argv)
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}; timings are noisy")
    with tempfile.TemporaryDirectory(prefix="perfkit-bench-files-") as tmp:
        for people in args.people:
            for fmt in args.formats:
                t = time.perf_counter()
                r = run(people, fmt, Path(tmp), args.repeat)
                goal = GOALS.get((fmt, people))
                verdict = "" if goal is None else (
                    f"  goal <= {goal:g} s: {'met' if r['score_s'] <= goal else 'NOT met'}"
                )  # fmt: skip
                ratio = r["perfkit_read_s"] / r["duckdb_read_s"]
                print(
                    f"{people:>9,} people {fmt:<8} {r['mb']:7.1f} MB  "
                    f"score {r['score_s']:6.2f} s (first {r['score_first_s']:.2f}; CPU "
                    f"{r['score_cpu_s']:.2f} s), peak {r['peak_mb']:,.0f} MB{verdict}\n"
                    f"{'':27}read: perfkit {r['perfkit_read_s']:.2f} s, DuckDB "
                    f"{r['duckdb_read_s']:.2f} s, ratio {ratio:.1f}x (goal <= 3x: "
                    f"{'met' if ratio <= 3 else 'NOT met'})  [{time.perf_counter() - t:.0f} s, "
                    f"load average {r['load']:.1f}]",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
