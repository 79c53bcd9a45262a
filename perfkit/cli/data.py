"""Commands over a data folder: ``sample``, ``init``, ``validate``, ``score``, ``report``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ._common import (
    EXIT_USER_ERROR,
    file_mode,
    lang_option,
    mode_option,
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
@user_errors
def sample(out_dir: Path, employees: int, months: int, seed: int) -> None:
    """Generate the realistic sample data set into OUT_DIR."""
    from ..sample import generate

    info = generate(out_dir, employees=employees, months=months, seed=seed)
    click.echo(f"wrote sample data set to {out_dir} ({info})")


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


@click.command()
@click.argument("data_dir", type=click.Path(path_type=Path))
@plans_option
@user_errors
def validate(data_dir: Path, plans_dir: Path | None) -> None:
    """Check a data set and the plans; print a summary, or every problem found."""
    from ..plans import find_plans_dir
    from ..validation import validate as run_validate

    report = run_validate(data_dir, plans_dir=find_plans_dir(plans_dir))
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
@user_errors
def score(
    data_dir: Path,
    period: str,
    roles: tuple[str, ...],
    plans_dir: Path | None,
    output: Path | None,
    mode: str | None,
) -> None:
    """Score DATA_DIR for one period and write metric scores, results and payouts."""
    from ..evaluation import evaluate_dir

    chosen = file_mode(mode) if output is not None and str(output) != "-" else None
    evaluation = evaluate_dir(
        data_dir, period=period, roles=split_roles(roles), plans_dir=plans_dir
    )
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
    write_run_manifest(  # beside the output: <stem>.manifest.json (docs/feedback.md)
        "score", data_dir=data_dir, plans_dir=plans_dir,
        arguments={"period": label, "roles": split_roles(roles), "output": output.name},
        period=label, results=evaluation.results, scores=evaluation.scores, outputs=written,
        manifest_path=manifest_beside(output), mode=chosen,
    )  # fmt: skip


@click.command()
@click.argument("data_dir", type=click.Path(path_type=Path))
@period_option
@roles_option
@plans_option
@click.option("--jobs", "-j", default=2, show_default=True, help="Worker processes.")
@lang_option
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
