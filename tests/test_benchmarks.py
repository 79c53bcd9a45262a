"""The engine benchmark runs, and its reference loop and numpy floor pay what the engine pays.

The full benchmark is run by hand (`make benchmark`); here a small run (400 people) checks
that the reference engine of tests/reference_engine.py (checked against the engine on the
sample data and the worked example in test_reference_engine.py) and the benchmark's numpy
floor both pay every synthetic person-quarter the same as the engine, to the cent.
"""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

BENCH = ROOT / "benchmarks" / "bench_engine.py"


def test_engine_pays_what_the_reference_loop_pays():
    done = subprocess.run(
        [sys.executable, str(BENCH), "--people", "400", "--months", "12", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert ", 0 mismatched by a cent or more" in done.stdout
    assert "numpy floor payouts differing from the engine's: 0" in done.stdout
