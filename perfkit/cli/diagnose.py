"""The ``diagnose`` command: plan-health findings of a data folder, for people or machines."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import (
    file_mode,
    mode_option,
    output_dir_option,
    period_option,
    plans_option,
    roles_option,
    split_roles,
    user_errors,
)


@click.command()
@click.argument("data_dir", type=click.Path(path_type=Path))
@period_option
@roles_option
@plans_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people; json (a list of findings: kind, severity, subject, evidence, fix) "
    "for machines.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of the text format's fixes (JSON always holds both).",
)
@output_dir_option(
    default=None, help="Folder to write findings.json and findings.txt into, instead of printing."
)
@mode_option
@user_errors
def diagnose(
    data_dir: Path,
    period: str,
    roles: tuple[str, ...],
    plans_dir: Path | None,
    fmt: str,
    lang: str,
    output_dir: Path | None,
    mode: str | None,
) -> None:
    """Find the classic failures of the plans in DATA_DIR, with evidence and a fix."""
    from ..diagnostics import diagnose as run
    from ..diagnostics import findings_document, findings_text
    from ..fsutil import atomic_paths
    from ..plans import find_plans_dir
    from ..validation import load_checked

    chosen = file_mode(mode) if output_dir is not None else None
    dataset, plans = load_checked(data_dir, plans_dir=find_plans_dir(plans_dir))
    found = run(dataset, plans, period, roles=split_roles(roles))
    as_json = findings_document(found)
    as_text = findings_text(found, lang=lang) + "\n"
    if output_dir is None:
        click.echo(as_json if fmt == "json" else as_text, nl=False)
        return
    targets = [output_dir / "findings.json", output_dir / "findings.txt"]
    with atomic_paths(targets, mode=chosen) as tmps:
        tmps[0].write_text(as_json, encoding="utf-8")
        tmps[1].write_text(as_text, encoding="utf-8")
    high = sum(f.severity == "high" for f in found)
    click.echo(
        f"wrote {targets[0]} and {targets[1]} ({len(found)} finding"
        f"{'' if len(found) == 1 else 's'}, {high} high)"
    )


COMMANDS = [diagnose]
