"""Commands over a data folder: ``sample``, ``init``, ``validate``, ``score``, ``report``."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import click

from ._common import (
    EXIT_USER_ERROR,
    actuals_from_option,
    dedupe_option,
    file_mode,
    lang_option,
    mode_option,
    output_dir_option,
    period_option,
    plans_option,
    roles_option,
    split_roles,
    totals_table,
    user_errors,
)


@click.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--employees", default=150, show_default=True, help="Number of people.")
@click.option("--months", default=24, show_default=True, help="Months of history, ending 2026-09.")
@click.option("--seed", default=7, show_default=True, help="Random seed; same seed, same bytes.")
@click.option(
    "--plant/--no-plant",
    default=True,
    show_default=True,
    help="Plant the diagnostic signals of planted.json; --no-plant draws the same department "
    "with none of them (the null case).",
)
@click.option(
    "--events",
    is_flag=True,
    help="Write raw events (events.parquet or events.duckdb) instead of actuals.csv, and "
    "print the URL to pass to --actuals-from.",
)
@click.option(
    "--format",
    "events_format",
    type=click.Choice(["parquet", "duckdb"]),
    default=None,
    help="With --events: the events file's format.  [default: parquet]",
)
@click.option(
    "--gaps",
    type=float,
    default=None,
    metavar="SHARE",
    help="With --events: share of monthly values with no event at all (0 to 1).  [default: 0]",
)
@click.option(
    "--duplicates",
    type=float,
    default=None,
    metavar="SHARE",
    help="With --events: share of events delivered twice, same event_id (0 to 1).  [default: 0]",
)
@user_errors
def sample(
    out_dir: Path,
    employees: int,
    months: int,
    seed: int,
    plant: bool,
    events: bool,
    events_format: str | None,
    gaps: float | None,
    duplicates: float | None,
) -> None:
    """Generate the realistic sample data set into OUT_DIR (or, with --events, its raw events)."""
    if not events:
        given = [
            name
            for name, value in (("--format", events_format), ("--gaps", gaps),
                                ("--duplicates", duplicates))
            if value is not None
        ]  # fmt: skip
        if given:
            verb = "goes" if len(given) == 1 else "go"
            raise click.UsageError(f"{' and '.join(given)} only {verb} with --events")
        from ..sample import generate

        info = generate(out_dir, employees=employees, months=months, seed=seed, plant=plant)
        click.echo(f"wrote sample data set to {out_dir} ({info})")
        return
    from ..events import generate_events

    made = generate_events(
        out_dir, employees=employees, months=months, seed=seed, plant=plant,
        format="duckdb" if events_format == "duckdb" else "parquet",
        gaps=gaps or 0.0, duplicates=duplicates or 0.0,
    )  # fmt: skip
    click.echo(f"wrote raw-event data set to {out_dir} ({made})")
    click.echo(f"actuals URL: {made.url}")
    command = ["perfkit", "score", str(out_dir), "--actuals-from", made.url]
    if made.duplicates:
        command.append("--dedupe")
    click.echo(f"next: {shlex.join(command)}")


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@user_errors
def init(folder: Path) -> None:
    """Write a starter FOLDER: the role plans and the sample data, ready to run."""
    from ..starter import init_project

    root = init_project(folder)
    click.echo(
        f"wrote {root}/templates/plans (the role plans), {root}/data/sample and "
        f"{root}/README.txt; next: cd {root} && perfkit validate data/sample"
    )


_DEDUPE_ALONE = "--dedupe only goes with --actuals-from URL"


def _events_backend(actuals_from: str | None, dedupe: bool) -> Any:
    """The events backend ``--actuals-from URL [--dedupe]`` names; None without the option.

    Raises
    ------
    click.UsageError
        For ``--dedupe`` without ``--actuals-from``.
    DataError
        For a URL perfkit cannot read (unknown form, missing file or table, missing column),
        naming the URL and the fix.
    """
    if actuals_from is None:
        if dedupe:
            raise click.UsageError(_DEDUPE_ALONE)
        return None
    from ..backends.ibis import connect

    # without --dedupe, a URL's own &dedupe=1 still counts
    return connect(actuals_from, dedupe=True if dedupe else None)


@click.command()
@click.argument("data_dir", type=click.Path(path_type=Path))
@plans_option
@actuals_from_option
@dedupe_option
@user_errors
def validate(
    data_dir: Path, plans_dir: Path | None, actuals_from: str | None, dedupe: bool
) -> None:
    """Check a data set and the plans; print a summary, or every problem found."""
    from ..plans import find_plans_dir
    from ..validation import validate as run_validate

    backend = _events_backend(actuals_from, dedupe)
    report = run_validate(data_dir, plans_dir=find_plans_dir(plans_dir), actuals=backend)
    click.echo(report.summary())
    if not report.ok:
        sys.exit(EXIT_USER_ERROR)


@click.command()
@click.argument("data_dir", type=click.Path(path_type=Path))
@period_option
@roles_option
@plans_option
@click.option(
    "-o",
    "--output",
    default=None,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Output file: .xlsx, .csv or .parquet; '-' writes the results as CSV to standard "
    "output. Without it, a summary table per role is printed.",
)
@mode_option
@actuals_from_option
@dedupe_option
@user_errors
def score(
    data_dir: Path,
    period: str,
    roles: tuple[str, ...],
    plans_dir: Path | None,
    output: Path | None,
    mode: str | None,
    actuals_from: str | None,
    dedupe: bool,
) -> None:
    """Score DATA_DIR for one period and write metric scores, results and payouts.

    With --actuals-from URL the monthly actuals are rolled up from a raw-event table and
    checked as an actuals file is; the folder's other files are read as usual.
    """
    from ..evaluation import evaluate_dir

    if dedupe and actuals_from is None:
        raise click.UsageError(_DEDUPE_ALONE)
    chosen = file_mode(mode) if output is not None and str(output) != "-" else None
    if actuals_from is None:
        evaluation = evaluate_dir(
            data_dir, period=period, roles=split_roles(roles), plans_dir=plans_dir
        )
    else:
        evaluation = _evaluate_events(
            data_dir, actuals_from=actuals_from, dedupe=dedupe, period=period,
            roles=split_roles(roles), plans_dir=plans_dir,
        )  # fmt: skip
    if output is None:
        click.echo(totals_table(evaluation.results))
        click.echo(evaluation.describe())
        return
    if str(output) == "-":
        from ..export import csv_safe

        csv_safe(evaluation.results).to_csv(sys.stdout, index=False, lineterminator="\n")
        return
    from ..export import write_evaluation

    written = write_evaluation(evaluation, output, mode=chosen)
    click.echo(f"wrote {', '.join(str(p) for p in written)} ({evaluation.describe()})")
    from .feedback import manifest_beside, write_run_manifest

    label = evaluation.periods[0].label
    arguments: dict[str, Any] = {
        "period": label,
        "roles": split_roles(roles),
        "output": output.name,
    }
    if actuals_from is not None:  # the events are no file of the folder: name where they were
        from ..backends.ibis import shown_url

        arguments.update(actuals_from=shown_url(actuals_from), dedupe=dedupe)
    write_run_manifest(  # beside the output: <stem>.manifest.json (docs/feedback.md)
        "score", data_dir=data_dir, plans_dir=plans_dir, arguments=arguments,
        period=label, results=evaluation.results, scores=evaluation.scores, outputs=written,
        manifest_path=manifest_beside(output), mode=chosen,
    )  # fmt: skip


def _evaluate_events(
    data_dir: Path,
    *,
    actuals_from: str,
    dedupe: bool,
    period: str,
    roles: list[str] | None,
    plans_dir: Path | None,
) -> Any:
    """``evaluate_dir`` with the monthly actuals rolled up from ``--actuals-from``.

    The same checks in the same order (:func:`perfkit.evaluation.evaluate_dir`): the plans,
    the roles and the period first (the backend is only connected then, and the events are
    read after), then the folder and the monthly sums as ``perfkit validate
    --actuals-from`` checks them; data it refuses is never paid.
    """
    from ..evaluation import evaluate_dir

    return evaluate_dir(
        data_dir, period=period, roles=roles, plans_dir=plans_dir,
        actuals=lambda: _events_backend(actuals_from, dedupe),
    )  # fmt: skip


@click.command()
@click.argument("data_dir", type=click.Path(path_type=Path))
@period_option
@roles_option
@plans_option
@click.option("--jobs", "-j", default=2, show_default=True, help="Worker processes.")
@lang_option
@click.option("--show-pay", is_flag=True, help="Include the payout summary (off by default).")
@output_dir_option(default="reports", help="Reports folder.")
@mode_option
@user_errors
def report(
    data_dir: Path,
    period: str,
    roles: tuple[str, ...],
    plans_dir: Path | None,
    jobs: int,
    lang: str,
    show_pay: bool,
    output_dir: Path,
    mode: str | None,
) -> None:
    """Run one role report per role and write HTML reports with an index page."""
    from ..plans import find_plans_dir
    from ..reports import run_reports

    batch = run_reports(
        data_dir,
        period=period,
        roles=split_roles(roles),
        plans_dir=find_plans_dir(plans_dir),
        jobs=jobs,
        lang=lang,
        show_pay=show_pay,
        output_dir=output_dir,
        mode=file_mode(mode),
    )
    for failure in batch.failures:
        click.echo(f"failed: {failure}", err=True)
    click.echo(f"index: {Path(batch.index_path).resolve().as_uri()}")
    from ..evaluation import evaluate_dir
    from .feedback import write_run_manifest

    ev = evaluate_dir(data_dir, period=batch.period, roles=split_roles(roles), plans_dir=plans_dir)
    folder = Path(batch.folder)
    outputs = sorted(f for f in folder.rglob("*") if f.is_file() and f.name != "manifest.json")
    manifest = write_run_manifest(
        "report", data_dir=data_dir, plans_dir=plans_dir,
        arguments={"period": batch.period, "roles": split_roles(roles), "lang": lang,
                   "show_pay": show_pay},
        period=batch.period, results=ev.results, scores=ev.scores, outputs=outputs,
        manifest_path=folder / "manifest.json", mode=file_mode(mode),
    )  # fmt: skip
    click.echo(f"manifest: {manifest}")
    if batch.failures:
        sys.exit(1)


COMMANDS = [sample, init, validate, score, report]
