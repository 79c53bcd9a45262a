"""The ``perfkit`` command: a thin click shell over the Python API.

Each command parses its options and calls one function of the API. A :class:`PerfkitError`
is printed as a plain message (every problem on its own line) and exits with status 2, and
so is an operating-system error (a file that cannot be read or written); nothing is ever
shown to a user as a traceback. A run stopped by SIGTERM or SIGHUP cleans up after itself
like one stopped by Ctrl-C (no temporary file is left behind).
"""

from __future__ import annotations

import functools
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .errors import PerfkitError

DEFAULT_PLANS = "templates/plans"

#: Exit status for a user error (bad input, bad plan, bad period).
EXIT_USER_ERROR = 2


def _user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a PerfkitError into a message on stderr and a non-zero exit."""

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

    return wrapper


def _mode(value: str | None) -> int:
    """The file mode asked for (``--mode``, else ``$PERFKIT_OUTPUT_MODE``, else 0600)."""
    from .fsutil import output_mode, parse_mode

    return parse_mode(value, where="--mode") if value is not None else output_mode()


#: ``--mode OCTAL``, shared by the commands that write pay or ratings.
_mode_option = click.option(
    "--mode",
    "mode",
    default=None,
    metavar="OCTAL",
    help="Permissions of the files written, e.g. 0640 for your group too (folders get x "
    "where they can be read). Default: $PERFKIT_OUTPUT_MODE, else 0600 (only you).",
)


#: ``--plans DIR``, shared by every command that reads plans.
_plans_option = click.option(
    "--plans",
    "plans_dir",
    default=DEFAULT_PLANS,
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder of role plan YAML files.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="perfkit")
def cli() -> None:
    """perfkit: KPI scoring, incentive pay and reports for marketing teams."""


@cli.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--employees", default=150, show_default=True, help="Number of people.")
@click.option("--months", default=24, show_default=True, help="Months of history, ending 2026-09.")
@click.option("--seed", default=7, show_default=True, help="Random seed; same seed, same bytes.")
@_user_errors
def sample(out_dir: Path, employees: int, months: int, seed: int) -> None:
    """Generate the realistic sample data set into OUT_DIR."""
    from .sample import generate

    info = generate(out_dir, employees=employees, months=months, seed=seed)
    click.echo(f"wrote sample data set to {out_dir} ({info})")


@cli.command()
@click.argument("data_dir", type=click.Path(path_type=Path))
@_plans_option
@_user_errors
def validate(data_dir: Path, plans_dir: Path) -> None:
    """Check a data set and the plans; print a summary, or every problem found."""
    from .validation import validate as run_validate

    report = run_validate(data_dir, plans_dir=plans_dir)
    click.echo(report.summary())
    if not report.ok:
        sys.exit(EXIT_USER_ERROR)


@cli.command()
@click.argument("data_dir", type=click.Path(path_type=Path))
@click.option(
    "--period",
    required=True,
    help="2026-07, 2026Q3, 2026H2, 2026, or 'latest' (latest complete period).",
)
@click.option("--role", "roles", multiple=True, help="Only this role (repeatable).")
@_plans_option
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file: .csv, .xlsx or .parquet.",
)
@_mode_option
@_user_errors
def score(
    data_dir: Path,
    period: str,
    roles: tuple[str, ...],
    plans_dir: Path,
    output: Path,
    mode: str | None,
) -> None:
    """Score DATA_DIR for one period and write metric scores, results and payouts."""
    from .evaluation import evaluate_dir
    from .export import write_evaluation

    file_mode = _mode(mode)
    evaluation = evaluate_dir(data_dir, period=period, roles=roles or None, plans_dir=plans_dir)
    write_evaluation(evaluation, output, mode=file_mode)
    click.echo(f"wrote {output} ({evaluation.describe()})")


@cli.command()
@click.argument("data_dir", type=click.Path(path_type=Path))
@click.option(
    "--period",
    default="latest",
    show_default=True,
    help="2026Q3, 2026-07, 2026H2, 2026, or 'latest'.",
)
@click.option("--roles", "roles", multiple=True, help="Only these roles (repeatable).")
@_plans_option
@click.option("--jobs", "-j", default=2, show_default=True, help="Worker processes.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--show-pay", is_flag=True, help="Include the payout summary (off by default).")
@click.option(
    "-o",
    "--output",
    "output_dir",
    default="reports",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Reports folder.",
)
@_mode_option
@_user_errors
def report(
    data_dir: Path,
    period: str,
    roles: tuple[str, ...],
    plans_dir: Path,
    jobs: int,
    lang: str,
    show_pay: bool,
    output_dir: Path,
    mode: str | None,
) -> None:
    """Run one role report per role and write HTML reports with an index page."""
    from .reports import run_reports

    file_mode = _mode(mode)
    batch = run_reports(
        data_dir,
        period=period,
        roles=roles or None,
        plans_dir=plans_dir,
        jobs=jobs,
        lang=lang,
        show_pay=show_pay,
        output_dir=output_dir,
        mode=file_mode,
    )
    for failure in batch.failures:
        click.echo(f"failed: {failure}", err=True)
    click.echo(f"index: {batch.index_path}")
    if batch.failures:
        sys.exit(1)


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


def main() -> None:
    """Entry point of the ``perfkit`` console script."""
    exit_on_terminate()
    cli(prog_name="perfkit")


if __name__ == "__main__":
    main()
