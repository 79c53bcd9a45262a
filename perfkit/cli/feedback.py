"""Feedback and payroll commands: ``scorecards``, ``pace``, ``statements``, ``verify``.

Each command that writes also writes a manifest (:mod:`perfkit.audit`); ``verify`` checks
one, recomputing from the inputs and writing the outputs again to compare them byte for byte.
The writers here are also what ``verify`` reruns, so a manifest is checked against the very
code that made it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from ._common import (
    file_mode,
    lang_option,
    mode_option,
    output_dir_option,
    period_option,
    plans_option,
    roles_option,
    split_roles,
    user_errors,
)

#: Exit status of ``verify`` when it finds a difference.
EXIT_DIFFERENCE = 1


def _load(data_dir: Path, plans_dir: Path | None, roles: list[str] | None) -> tuple[Any, dict]:
    from ..evaluation import _select_plans
    from ..plans import find_plans_dir
    from ..validation import load_checked

    dataset, plans = load_checked(data_dir, plans_dir=find_plans_dir(plans_dir))
    return dataset, _select_plans(plans, roles)


def _period(period: str, dataset: Any, plans: dict) -> str:
    from ..evaluation import resolve_periods

    found = resolve_periods(period, dataset=dataset, plans=plans)
    if len(found) != 1:
        from ..errors import PeriodError

        raise PeriodError(f"--period: give one period, not {len(found)}")
    return found[0].label


def write_run_manifest(
    command: str,
    *,
    data_dir: Path,
    plans_dir: Path | None,
    arguments: dict[str, Any],
    period: str,
    results: Any,
    scores: Any,
    outputs: Iterable[Path],
    manifest_path: Path,
    mode: str | int | None = None,
) -> Path:
    """Write the manifest of a run beside its outputs (see :mod:`perfkit.audit`)."""
    from ..audit import build_manifest, write_manifest

    manifest = build_manifest(
        command=command, arguments=arguments, data_dir=data_dir, plans_dir=plans_dir,
        period=period, results=results[results["period"] == period],
        scores=scores[scores["period"] == period], outputs=outputs, manifest_path=manifest_path,
    )  # fmt: skip
    return write_manifest(manifest, manifest_path, mode=mode)


def manifest_beside(output: Path) -> Path:
    """The manifest of a file output: ``<stem>.manifest.json`` beside it."""
    return output.with_name(f"{output.stem}.manifest.json")


# -- the writers (also what verify reruns) ------------------------------------------------------


def _make_scorecards(data_dir: Path, plans_dir: Path | None, args: dict[str, Any]) -> Any:
    from ..pacing import pace
    from ..scorecards import scorecards

    dataset, plans = _load(data_dir, plans_dir, args["roles"])
    label = _period(args["period"], dataset, plans)
    paced = pace(dataset, plans, as_of=args["as_of"]) if args.get("as_of") else None
    return scorecards(
        dataset, plans, label, lang=args["lang"], show_pay=args["show_pay"], pace=paced
    )


def _make_statements(data_dir: Path, plans_dir: Path | None, args: dict[str, Any]) -> Any:
    from ..recognition import history, recognition
    from ..statements import statement_lines

    dataset, plans = _load(data_dir, plans_dir, args["roles"])
    label = _period(args["period"], dataset, plans)
    n = max([4, *(p.recognition.promotion_periods for p in plans.values())])
    ev = history(dataset, plans, label, n=n)
    awards = recognition(ev.results, plans, period=label)
    lines = statement_lines(ev, dataset, period=label, recognition=awards, plans=plans)
    return label, lines, plans, ev


def _regen_scorecards(m: dict[str, Any], folder: Path, base: Path) -> None:
    cards = _make_scorecards(base / m["data_dir"], base / m["plans_dir"], m["arguments"])
    for name, page in cards.pages.items():
        (folder / name).write_text(page, encoding="utf-8")


def _regen_statements(m: dict[str, Any], folder: Path, base: Path) -> None:
    from ..statements import write_statements

    args = m["arguments"]
    label, lines, plans, _ = _make_statements(base / m["data_dir"], base / m["plans_dir"], args)
    write_statements(lines, folder / args["output"], period=label, plans=plans, paper=args["paper"])


def _regen_score(m: dict[str, Any], folder: Path, base: Path) -> None:
    from ..audit import manifest_evaluation
    from ..export import write_evaluation

    write_evaluation(manifest_evaluation(m, base), folder / m["arguments"]["output"])


#: Commands whose outputs ``verify`` writes again (a report runs notebooks: its files are
#: checked against their hashes and its figures recomputed, but it is not rerun).
REGENERATE = {
    "scorecards": _regen_scorecards,
    "statements": _regen_statements,
    "score": _regen_score,
}


# -- commands ---------------------------------------------------------------------------------


@click.command("scorecards")
@click.argument("data_dir", type=click.Path(path_type=Path))
@period_option
@roles_option
@plans_option
@lang_option
@click.option("--show-pay", is_flag=True, help="Show the bonus on each scorecard (off by default).")
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="YYYY-MM",
    help="Also show the pacing of the period open at this month (e.g. 2026-08 for 2026Q3).",
)
@output_dir_option(default="scorecards", help="Folder; the pages go into <folder>/<period>/.")
@mode_option
@user_errors
def scorecards_command(
    data_dir: Path,
    period: str,
    roles: tuple[str, ...],
    plans_dir: Path | None,
    lang: str,
    show_pay: bool,
    as_of: str | None,
    output_dir: Path,
    mode: str | None,
) -> None:
    """Write one HTML scorecard per person for a period, and its manifest."""
    from ..scorecards import write_scorecards

    chosen = file_mode(mode)
    args = {
        "period": period, "roles": split_roles(roles), "lang": lang, "show_pay": show_pay,
        "as_of": as_of,
    }  # fmt: skip
    cards = _make_scorecards(data_dir, plans_dir, args)
    folder = write_scorecards(cards, output_dir, mode=chosen)
    ev = cards.evaluation
    manifest = write_run_manifest(
        "scorecards", data_dir=data_dir, plans_dir=plans_dir, arguments={**args, "period": cards.period},
        period=cards.period, results=ev.results, scores=ev.scores,
        outputs=[folder / name for name in cards.pages], manifest_path=folder / "manifest.json",
        mode=chosen,
    )  # fmt: skip
    click.echo(f"wrote {len(cards.pages)} scorecards to {folder} (manifest {manifest})")


@click.command("pace")
@click.argument("data_dir", type=click.Path(path_type=Path))
@click.option(
    "--as-of", "as_of", required=True, metavar="YYYY-MM", help="The last month known, e.g. 2026-08."
)
@roles_option
@plans_option
@click.option("--metrics", "by_metric", is_flag=True, help="One row per person and metric.")
@click.option("--warnings-only", is_flag=True, help="Only the people with a warning.")
@lang_option
@user_errors
def pace_command(
    data_dir: Path,
    as_of: str,
    roles: tuple[str, ...],
    plans_dir: Path | None,
    by_metric: bool,
    warnings_only: bool,
    lang: str,
) -> None:
    """Print each person's progress and projected result for the period open at --as-of."""
    import pandas as pd

    from ..pacing import format_in_unit, pace
    from ..summary import format_cut

    dataset, plans = _load(data_dir, plans_dir, split_roles(roles))
    paced = pace(dataset, plans, as_of=as_of)
    people = paced.people
    if warnings_only:
        people = people[people["warnings"] != ""]
    if by_metric:
        m = paced.metrics[paced.metrics["employee_id"].isin(people["employee_id"])]
        cur = m["role"].map({r: p.currency for r, p in plans.items()})
        show = lambda col: [  # noqa: E731
            format_in_unit(v, u, currency=c) for v, u, c in zip(m[col], m["unit"], cur, strict=True)
        ]
        table = pd.DataFrame(
            {
                "employee": m["employee_id"], "metric": m["metric"], "so far": show("to_date"),
                "target so far": show("prorated_target"), "projected": show("projected"),
                "low": show("low"), "high": show("high"), "target": show("target"),
                "warning": [
                    "gate " + g if g else ("below threshold" if b else "")
                    for g, b in zip(m["below_gate"], m["below_threshold"], strict=True)
                ],
            }
        )  # fmt: skip
    else:
        table = pd.DataFrame(
            {
                "employee": people["employee_id"],
                "name": people["name"],
                "role": people["role"],
                "projected composite": [format_cut(v) for v in people["projected_composite"]],
                "band": people["projected_rating"],
                "warnings": [len([w for w in x.split("; ") if w]) for x in people["warnings"]],
            }
        )
    periods = ", ".join(p.label for p in paced.periods)
    click.echo(f"pacing {periods} as of {paced.as_of}")
    click.echo(table.to_string(index=False) if len(table) else "(nobody)")
    zh = lang == "zh"
    if not by_metric:
        said = people["warnings_zh"] if zh else people["warnings"]
        for eid, text in zip(people["employee_id"], said, strict=True):
            for w in (x for x in text.split("；" if zh else "; ") if x):
                click.echo(f"  {eid}: {w}")
    flagged = int((paced.people["warnings"] != "").sum())
    if zh:
        click.echo(f"{len(paced.people)} 人中有 {flagged} 人有预警。{paced.method_zh}")
    else:
        click.echo(f"{flagged} of {len(paced.people)} people have a warning. {paced.method}")


@click.command("statements")
@click.argument("data_dir", type=click.Path(path_type=Path))
@period_option
@roles_option
@plans_option
@click.option(
    "-o",
    "--output",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The workbook, .xlsx (CSV files go beside it). Default: statements_<period>.xlsx.",
)
@click.option(
    "--paper",
    type=click.Choice(["a3", "a4", "letter", "legal"]),
    default="a3",
    show_default=True,
    help="Paper the sheets are set up for (landscape, fit to width).",
)
@mode_option
@user_errors
def statements_command(
    data_dir: Path,
    period: str,
    roles: tuple[str, ...],
    plans_dir: Path | None,
    output: Path | None,
    paper: str,
    mode: str | None,
) -> None:
    """Write the payout statements for payroll: a workbook, CSV files and a manifest."""
    from ..statements import write_statements

    chosen = file_mode(mode)
    args: dict[str, Any] = {"period": period, "roles": split_roles(roles), "paper": paper}
    label, lines, plans, ev = _make_statements(data_dir, plans_dir, args)
    output = output if output is not None else Path(f"statements_{label}.xlsx")
    written = write_statements(lines, output, period=label, plans=plans, paper=paper, mode=chosen)
    manifest = write_run_manifest(
        "statements", data_dir=data_dir, plans_dir=plans_dir,
        arguments={**args, "period": label, "output": output.name}, period=label,
        results=ev.results, scores=ev.scores, outputs=written,
        manifest_path=manifest_beside(output), mode=chosen,
    )  # fmt: skip
    from ..payout import total_amount

    totals = "; ".join(
        f"{total_amount(g):,.2f} {c}" for c, g in lines.groupby("currency")["payout_amount"]
    )
    click.echo(
        f"wrote {', '.join(map(str, written))} ({len(lines)} people, total {totals}; "
        f"manifest {manifest})"
    )


@click.command("verify")
@click.argument("manifest", type=click.Path(dir_okay=False, path_type=Path))
@user_errors
def verify_command(manifest: Path) -> None:
    """Check a manifest: inputs, plans and outputs against their hashes, the figures
    recomputed from the inputs, and the outputs written again. Exit 1 on any difference."""
    from ..audit import read_manifest, verify

    m = read_manifest(manifest)
    writer = REGENERATE.get(str(m.get("command")))
    base = manifest.parent
    regenerate = None if writer is None else (lambda mm, folder: writer(mm, folder, base))
    problems = verify(manifest, regenerate=regenerate)
    for p in problems:
        click.echo(p)
    if problems:
        click.echo(f"{len(problems)} difference(s) from {manifest}", err=True)
        sys.exit(EXIT_DIFFERENCE)
    reran = "; outputs written again byte for byte" if writer is not None else ""
    click.echo(
        f"verified {manifest}: {len(m['inputs'])} inputs, {len(m.get('plans', {}))} plans, "
        f"{len(m['outputs'])} outputs unchanged; figures recomputed{reran}"
    )


COMMANDS = [scorecards_command, pace_command, statements_command, verify_command]
