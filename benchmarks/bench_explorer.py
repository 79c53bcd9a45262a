"""How fast the calibration explorer answers a slider on the sample data (goal: 0.5 s).

Times what the analyst waits for: one slider move re-scores the history and the draws and
redraws every output (the chart included), first call beside the best of several, with a
plain re-evaluation of the changed plan through ``perfkit.evaluate`` in the same run for
the ratio.
"""

from __future__ import annotations

import time
from pathlib import Path

import perfkit
from perfkit.explorer import explorer

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    t0 = time.perf_counter()
    view = explorer(
        ROOT / "data" / "sample", role="online_promotion", plans_dir=ROOT / "templates" / "plans"
    )
    build = time.perf_counter() - t0
    times = []
    for value in (0.72, 0.74, 0.76, 0.78, 0.80, 0.82):
        t = time.perf_counter()
        view.sliders["threshold"].value = value
        times.append(time.perf_counter() - t)
    data = perfkit.load_dataset(ROOT / "data" / "sample")
    plan = view.calibrator().plan.with_overrides({"payout.curve.threshold": 0.8})
    t = time.perf_counter()
    perfkit.evaluate(
        data,
        {plan.role: plan},
        perfkit.resolve_periods("latest", dataset=data, plans={plan.role: plan}),
    )
    plain = time.perf_counter() - t
    print(f"explorer built in {build:.2f} s (history and {view.draws} draws of online_promotion)")
    print(
        f"slider move: first {times[0]:.3f} s, best {min(times):.3f} s, worst {max(times):.3f} s (goal <= 0.5 s)"
    )
    print(
        f"one plain evaluate of the changed plan (one period, no draws): {plain:.3f} s; "
        f"slider / plain = {min(times) / plain:.1f}x"
    )


if __name__ == "__main__":
    main()
