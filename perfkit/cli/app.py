"""``perfkit calibrate-app``: the interactive calibration view as a local web page (Voila)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import click

from ._common import plans_option, user_errors


@click.command("calibrate-app")
@click.argument("data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--role", default="online_promotion", show_default=True, help="Role shown first.")
@plans_option
@click.option("--budget", type=float, default=None, help="Period budget in the plan currency.")
@click.option("--draws", default=400, show_default=True, help="Monte Carlo draws per role.")
@click.option("--seed", default=0, show_default=True, help="Random seed.")
@click.option(
    "--ip",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; the default serves this machine only.",
)
@click.option("--port", default=8866, show_default=True, help="Port to listen on.")
@user_errors
def calibrate_app(
    data_dir: Path,
    role: str,
    plans_dir: Path | None,
    budget: float | None,
    draws: int,
    seed: int,
    ip: str,
    port: int,
) -> None:
    """Serve the calibration explorer of DATA_DIR at http://IP:PORT (Ctrl-C stops it)."""
    from ..explorer import app_notebook, voila_command

    with tempfile.TemporaryDirectory(prefix="perfkit-app-") as tmp:
        nb = app_notebook(
            data_dir, folder=tmp, role=role, plans_dir=plans_dir, budget=budget, draws=draws,
            seed=seed,
        )  # fmt: skip
        click.echo(f"serving the calibration explorer at http://{ip}:{port}/ (Ctrl-C stops it)")
        try:
            done = subprocess.run(voila_command(nb, ip=ip, port=port), check=False)
        except KeyboardInterrupt:
            return
        if done.returncode not in (0, -2, 130):
            sys.exit(done.returncode)


COMMANDS = [calibrate_app]
