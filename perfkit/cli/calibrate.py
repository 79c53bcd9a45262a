"""``perfkit calibrate``: the value of a plan parameter that meets a share or budget goal."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ._common import (
    file_mode,
    mode_option,
    output_dir_option,
    period_option,
    plans_option,
    user_errors,
)


def _write_tables(rec: object, out_dir: Path, *, mode: int) -> list[Path]:
    """Write the tables a recommendation rests on into ``out_dir`` (atomically, privately)."""
    from ..export import csv_safe
    from ..fsutil import atomic_paths

    names = ["recommendation.json", "sweep.csv", "bands.csv", "changes.csv", "cost_draws.csv"]
    targets = [out_dir / n for n in names]
    s = rec.scenario  # type: ignore[attr-defined]
    sweep = rec.sweep.table.copy()  # type: ignore[attr-defined]
    sweep.insert(0, "parameter", rec.parameter)  # type: ignore[attr-defined]
    draws = s.cost_draws
    import pandas as pd

    frames = [
        sweep,
        s.bands,
        s.changes_frame,
        pd.DataFrame({"draw": range(1, len(draws) + 1), "cost": draws}),
    ]
    with atomic_paths(targets, mode=mode) as tmps:
        tmps[0].write_text(
            json.dumps(rec.to_dict(), indent=2, sort_keys=True) + "\n",  # type: ignore[attr-defined]
            encoding="utf-8",
        )
        for frame, tmp in zip(frames, tmps[1:], strict=True):
            csv_safe(frame).to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
    return targets


@click.command()
@click.argument("data_dir", type=click.Path(path_type=Path))
@click.option("--role", required=True, help="The role (plan key) to calibrate.")
@click.option("--target-share", type=float, default=None,
              help="Share of people who should reach target, e.g. 0.6.")  # fmt: skip
@click.option("--budget", type=float, default=None,
              help="Budget of one period in the plan's currency.")  # fmt: skip
@click.option("--statistic", type=click.Choice(["p90", "expected", "p50", "p95"]),
              default="p90", show_default=True, help="The cost a --budget binds.")  # fmt: skip
@click.option("--parameter", default=None,
              help="What to tune: target (the on-target composite), threshold, accelerator, "
              "team_share, target_multiplier, target_multiplier.<metric> or a plan path. "
              "Default: target for --target-share, threshold for --budget.")  # fmt: skip
@click.option("--low", type=float, default=None, help="Lowest value searched.")
@click.option("--high", type=float, default=None, help="Highest value searched.")
@click.option("--candidates", default=50, show_default=True, help="Values on the search grid.")
@click.option("--draws", default=2000, show_default=True, help="Monte Carlo draws.")
@click.option("--seed", default=7, show_default=True, help="Random seed; same seed, same numbers.")
@click.option("--history", default=4, show_default=True,
              help="Periods of history ending with --period.")  # fmt: skip
@period_option
@plans_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Plain words, or one JSON object.")  # fmt: skip
@output_dir_option(
    default=None,
    help="Folder to write the tables the answer rests on (recommendation.json, sweep.csv, "
    "bands.csv, changes.csv, cost_draws.csv).",
)
@mode_option
@user_errors
def calibrate(
    data_dir: Path,
    role: str,
    target_share: float | None,
    budget: float | None,
    statistic: str,
    parameter: str | None,
    low: float | None,
    high: float | None,
    candidates: int,
    draws: int,
    seed: int,
    history: int,
    period: str,
    plans_dir: Path | None,
    fmt: str,
    output_dir: Path | None,
    mode: str | None,
) -> None:
    """Recommend a plan parameter for a share reaching target or a budget, with intervals.

    Example: perfkit calibrate data/sample --role online_promotion --target-share 0.6
    """
    from ..errors import PerfkitError

    if target_share is None and budget is None:
        raise PerfkitError("give --target-share (e.g. 0.6) or --budget (a period's budget)")
    chosen = file_mode(mode) if output_dir is not None else None
    from ..calibration import Calibrator

    cal = Calibrator.from_dir(
        data_dir, role=role, plans_dir=plans_dir, period=period, history=history,
        draws=draws, seed=seed,
    )  # fmt: skip
    rec = cal.solve(
        parameter, target_share=target_share, budget=budget, statistic=statistic, low=low,
        high=high, candidates=candidates,
    )  # fmt: skip
    written = (
        _write_tables(rec, output_dir, mode=file_mode(None) if chosen is None else chosen)
        if output_dir is not None
        else []
    )
    if fmt == "json":
        click.echo(json.dumps(rec.to_dict(), sort_keys=True))
        return
    click.echo(rec.describe())
    for path in written:
        click.echo(f"wrote {path}")


COMMANDS = [calibrate]
