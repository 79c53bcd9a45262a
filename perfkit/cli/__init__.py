"""The ``perfkit`` command: a thin click shell over the Python API.

Each command parses its options and calls one function of the API. Commands live in the
modules of this package by family (``data``: sample, init, validate, score, report; and one
module per later family); each module lists its commands in ``COMMANDS``, and the group
finds them on first use, so ``perfkit --help`` imports no pandas. A run stopped by SIGTERM
or SIGHUP cleans up after itself like one stopped by Ctrl-C.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import click

from ._common import EXIT_USER_ERROR, exit_on_terminate

__all__ = ["EXIT_USER_ERROR", "cli", "exit_on_terminate", "main"]


@cache
def _commands() -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            found[command.name or ""] = command
    return found


class _Commands(click.Group):
    """A group whose commands are those the modules of :mod:`perfkit.cli` list."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_commands())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return _commands().get(cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="perfkit")
def cli() -> None:
    """perfkit: KPI scoring, incentive pay and reports for marketing teams."""


def main() -> None:
    """Entry point of the ``perfkit`` console script."""
    exit_on_terminate()
    cli(prog_name="perfkit")
