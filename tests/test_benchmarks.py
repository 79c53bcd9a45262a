"""The engine benchmark's independent Python loop agrees with the engine, to the cent.

The full benchmark is run by hand (`make benchmark`); here a small run checks that its
reference loop, written apart from the engine, still pays every person the same.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_engine.py"


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
