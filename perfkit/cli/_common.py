"""What every perfkit command shares: user errors as messages, and the common options.

A :class:`~perfkit.errors.PerfkitError` is printed as a plain message (every problem on its
own line) and exits with status 2, and so is an operating-system error (a file that cannot
be read or written); nothing is ever shown to a user as a traceback.
"""

from __future__ import annotations

import functools
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import PerfkitError

#: Exit status for a user error (bad input, bad plan, bad period).
EXIT_USER_ERROR = 2

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """Turn a PerfkitError (or an OSError) into a message on stderr and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PerfkitError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_USER_ERROR)
        except OSError as exc:  # a file perfkit does not write itself (its own: OutputError)
            where = exc.filename if exc.filename is not None else "a file"
            click.echo(
                f"error: {where}: {exc.strerror or exc}; check that the path exists, that it "
                "is a file you may read (or a folder you may write to) and that its disk is "
                "not full",
                err=True,
            )
            sys.exit(EXIT_USER_ERROR)

    return wrapper  # type: ignore[return-value]


def file_mode(value: str | None) -> int:
    """The file mode asked for (``--mode``, else ``$PERFKIT_OUTPUT_MODE``, else 0600)."""
    from ..fsutil import output_mode, parse_mode

    return parse_mode(value, where="--mode") if value is not None else output_mode()


#: ``--mode OCTAL``, shared by the commands that write pay or ratings.
mode_option = click.option(
    "--mode",
    "mode",
    default=None,
    metavar="OCTAL",
    help="Permissions of the files written, e.g. 0640 for your group too (folders get x "
    "where they can be read). Default: $PERFKIT_OUTPUT_MODE, else 0600 (only you).",
)


def output_dir_option(*, default: str | None, help: str) -> Callable[[F], F]:
    """``-o/--output DIR``, the output folder of a command (``output_dir`` in the function).

    Parameters
    ----------
    default : str or None
        The folder used without the option (shown in ``--help``); None: the command
        prints instead of writing.
    help : str
        What goes into the folder.
    """
    return click.option(
        "-o",
        "--output",
        "output_dir",
        default=default,
        show_default=default is not None,
        type=click.Path(file_okay=False, path_type=Path),
        help=help,
    )


#: ``--plans DIR``, shared by every command that reads plans.
plans_option = click.option(
    "--plans",
    "plans_dir",
    default=None,
    type=click.Path(path_type=Path),
    help="Folder of role plan YAML files. Default: templates/plans in this folder or the "
    "nearest folder above it, else the plans that ship with perfkit.",
)

#: ``--period P``, defaulting to the latest complete period everywhere.
period_option = click.option(
    "--period",
    default="latest",
    show_default=True,
    help="2026-07, 2026Q3, 2026H2, 2026 (any case), or 'latest' complete period.",
)

#: ``--roles R`` (repeatable, or comma-separated), the same on every command.
roles_option = click.option(
    "--roles",
    "--role",
    "roles",
    multiple=True,
    help="Only these roles (repeat, or separate with commas); default every role with a plan.",
)

#: ``--lang en|zh`` for everything a person reads.
lang_option = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of pages and reports: English or Chinese.",
)


#: ``--actuals-from URL``: monthly actuals rolled up from raw events (docs/warehouse.md).
actuals_from_option = click.option(
    "--actuals-from",
    "actuals_from",
    default=None,
    metavar="URL",
    help="Roll the monthly actuals up from a raw-event table instead of reading the folder's "
    "actuals file: duckdb:///path/events.db?table=events, parquet:///path/events/*.parquet or "
    "an Ibis URL with ?table= (see docs/warehouse.md).",
)

#: ``--dedupe``, with ``--actuals-from``: drop events repeated in every column first.
dedupe_option = click.option(
    "--dedupe",
    is_flag=True,
    default=False,
    help="With --actuals-from: remove events equal in every column before summing (a feed "
    "delivered twice); right only when each event carries an id or a precise timestamp.",
)


def split_roles(roles: tuple[str, ...]) -> list[str] | None:
    """``--roles a,b --roles c`` as ``["a", "b", "c"]``; None when none were given."""
    out = [r.strip() for item in roles for r in item.split(",") if r.strip()]
    return out or None


def exit_on_terminate() -> None:
    """Make SIGTERM and SIGHUP end the process by SystemExit (status 128 + signal).

    Python's default for them is to stop at once, skipping every ``finally``, which would
    leave temporary files beside the outputs; as an exception, clean-up runs as on Ctrl-C.
    """

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None and signal.getsignal(sig) is signal.SIG_DFL:
            signal.signal(sig, stop)


def totals_table(results: Any) -> str:
    """``perfkit score`` without ``-o``: the per-role totals as a plain-text table."""
    import pandas as pd

    from ..summary import format_cut, role_totals

    t = role_totals(results)
    shown = pd.DataFrame(
        {
            "period": t["period"],
            "role": t["role"],
            "people": t["headcount"],
            "mean composite": [format_cut(v) for v in t["mean_composite"]],
            "at/above target": ["n/a" if pd.isna(v) else f"{v:.1%}" for v in t["share_at_target"]],
            "paid": t["paid"],
            "payout": [
                f"{v:,.2f} {c}" for v, c in zip(t["payout_amount"], t["currency"], strict=True)
            ],
        }
    )
    return shown.to_string(index=False)
