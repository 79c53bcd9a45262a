"""``perfkit sample --events`` and ``perfkit score/validate --actuals-from``: the commands of
docs/warehouse.md, run as written there, in a project folder made by ``perfkit init`` (so
the plans are its ``templates/plans``) and with ``$PWD`` standing for that folder.

The raw events that ``sample --events`` writes sum to the ``actuals.csv`` that plain
``sample`` writes with the same arguments, so scoring either gives the same CSV, byte for
byte; repeated deliveries are removed by ``--dedupe``; a URL perfkit cannot read is a clear
message with exit status 2, never a traceback.
"""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfkit.cli import cli

#: The docs' URLs, ``$PWD`` as the shell expands it (the project folder).
EVENTS = "parquet://$PWD/data/events/events.parquet"
EVENTS_DB = "duckdb://$PWD/data/events-db/events.duckdb?table=events"
REPEATS = "parquet://$PWD/data/repeats/events.parquet"
SIZE = "--employees 60 --months 12 --seed 5"  # seconds, yet every role and 2026Q3 payouts

#: Every ``perfkit`` command line of docs/warehouse.md, as the tests below run it (checked
#: against the docs by the last test).
DOCS = {
    "init": "perfkit init acme",
    "sample events": f"perfkit sample data/events --events {SIZE}",
    "validate events": f'perfkit validate data/events --actuals-from "{EVENTS}"',
    "score events": f'perfkit score data/events --actuals-from "{EVENTS}"',
    "score events csv": f'perfkit score data/events --actuals-from "{EVENTS}" -o -',
    "score events file": (
        f'perfkit score data/events --period 2026Q3 --actuals-from "{EVENTS}" -o out/2026Q3.csv'
    ),
    "sample monthly": f"perfkit sample data/monthly {SIZE}",
    "score monthly csv": "perfkit score data/monthly -o -",
    "sample duckdb": f"perfkit sample data/events-db --events --format duckdb {SIZE}",
    "score duckdb csv": f'perfkit score data/events-db --actuals-from "{EVENTS_DB}" -o -',
    "validate monthly duckdb": f'perfkit validate data/monthly --actuals-from "{EVENTS_DB}"',
    "sample repeats": f"perfkit sample data/repeats --events --duplicates 0.05 {SIZE}",
    "score dedupe csv": f'perfkit score data/repeats --actuals-from "{REPEATS}" --dedupe -o -',
    "score dedupe url csv": f'perfkit score data/repeats --actuals-from "{REPEATS}?dedupe=1" -o -',
    "score repeats csv": f'perfkit score data/repeats --actuals-from "{REPEATS}" -o -',
    "score no table": (
        "perfkit score data/events --actuals-from "
        '"duckdb://$PWD/data/events-db/events.duckdb?table=kpi_events"'
    ),
}
DOC = Path(__file__).resolve().parents[1] / "docs" / "warehouse.md"


def run(command: str) -> tuple[int, str, str]:
    """One ``perfkit ...`` command line of the docs, in this process: status, stdout, stderr."""
    argv = shlex.split(command.replace("$PWD", str(Path.cwd())))
    assert argv[0] == "perfkit"
    result = CliRunner().invoke(cli, argv[1:])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def ok(command: str) -> str:
    """The standard output of a command that must succeed."""
    code, out, err = run(command)
    assert code == 0, f"{command}\n{out}{err}"
    return out


def url_of(stdout: str) -> str:
    """The URL ``sample --events`` prints for ``--actuals-from``."""
    lines = [line for line in stdout.splitlines() if line.startswith("actuals URL: ")]
    assert len(lines) == 1, stdout
    return lines[0].removeprefix("actuals URL: ")


def here_url(url: str) -> str:
    """A docs URL with ``$PWD`` expanded (the tests run in the project folder)."""
    return url.replace("$PWD", str(Path.cwd()))


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """``perfkit init acme && cd acme``, then the data sets of the docs.

    The monthly sample and the same department as Parquet events, as DuckDB events and as
    Parquet events with repeated deliveries; returns the folder, what each ``sample``
    printed and the CSV of ``perfkit score data/monthly -o -``.
    """
    here = tmp_path_factory.mktemp("warehouse")
    before = Path.cwd()
    os.chdir(here)
    try:
        ok(DOCS["init"])
        os.chdir(here / "acme")
        printed = {
            "events": ok(DOCS["sample events"]),
            "monthly": ok(DOCS["sample monthly"]),
            "duckdb": ok(DOCS["sample duckdb"]),
            "repeats": ok(DOCS["sample repeats"]),
        }
        csv = ok(DOCS["score monthly csv"])
    finally:
        os.chdir(before)
    assert csv.startswith("employee_id,") and csv.count("\n") > 50
    return here / "acme", printed, csv


@pytest.fixture
def in_project(project, monkeypatch):
    folder, printed, _ = project
    monkeypatch.chdir(folder)
    return folder, printed


@pytest.fixture
def monthly_csv(project):
    """``perfkit score data/monthly -o -``: the file path's CSV, the expected bytes."""
    return project[2]


def test_sample_events_prints_the_url_and_the_next_command(in_project):
    here, printed = in_project
    assert url_of(printed["events"]) == here_url(EVENTS)
    assert url_of(printed["duckdb"]) == here_url(EVENTS_DB)
    assert printed["events"].splitlines()[-1] == (
        f"next: perfkit score data/events --actuals-from {here_url(EVENTS)}"
    )
    assert printed["repeats"].splitlines()[-1].endswith(" --dedupe")  # it has repeats
    assert sorted(p.name for p in (here / "data" / "events").iterdir()) == [
        "employees.csv", "events.parquet", "modifiers.csv", "ratings.csv", "targets.csv",
    ]  # fmt: skip


def test_scoring_the_events_gives_the_monthly_files_csv_byte_for_byte(in_project, monthly_csv):
    assert ok(DOCS["score events csv"]) == monthly_csv
    assert ok(DOCS["score duckdb csv"]) == monthly_csv


def test_dedupe_removes_repeated_deliveries(in_project, monthly_csv):
    assert ok(DOCS["score dedupe csv"]) == monthly_csv
    assert ok(DOCS["score dedupe url csv"]) == monthly_csv
    # without it every row is an event: the repeats are summed, and here a doubled survey
    # score is refused as an actuals file's would be
    code, out, err = run(DOCS["score repeats csv"])
    assert code == 2 and out == ""
    assert (
        f"error: data/repeats: 1 problem found\n  - {here_url(REPEATS)} (monthly sums), rows "
        in err
    )
    assert "above the most a month's partner_satisfaction can be (5, see docs/data.md)" in err


def test_score_prints_the_table_and_writes_files_as_plain_score_does(in_project, monthly_csv):
    here, _ = in_project
    table = ok(DOCS["score events"])
    assert table == ok("perfkit score data/monthly") and "\n2026Q3: 5" in table
    said = ok(DOCS["score events file"])
    assert said.startswith("wrote out/2026Q3.csv, out/2026Q3_scores.csv (2026Q3: ")
    assert (here / "out" / "2026Q3.csv").read_text(encoding="utf-8") == monthly_csv
    manifest = json.loads((here / "out" / "2026Q3.manifest.json").read_text(encoding="utf-8"))
    # the events are no file of the folder: the manifest names where they were
    assert manifest["arguments"]["actuals_from"] == here_url(EVENTS)
    assert manifest["arguments"]["dedupe"] is False


def test_verify_recomputes_a_score_from_the_events(in_project, tmp_path):
    """``perfkit verify`` on a manifest of ``score --actuals-from``: the figures are rolled
    up again from the events it names and the files written again; changed events differ."""
    import shutil

    import pandas as pd

    here, _ = in_project
    copy = tmp_path / "events"
    shutil.copytree(here / "data" / "events", copy)
    url = f"parquet://{copy / 'events.parquet'}"
    out = tmp_path / "out" / "2026Q3.csv"
    ok(f'perfkit score {copy} --period 2026Q3 --actuals-from "{url}" -o {out}')
    manifest = out.with_name("2026Q3.manifest.json")
    said = ok(f"perfkit verify {manifest}")
    assert said.startswith(f"verified {manifest}") and "outputs written again byte for byte" in said
    # one lead more for one person in September: the recomputed figures no longer agree
    events = pd.read_parquet(copy / "events.parquet")
    row = events.index[(events["metric"] == "leads") & (events["timestamp"] >= "2026-09-01")][0]
    events.loc[row, "value"] += 50
    events.to_parquet(copy / "events.parquet", index=False)
    code, out_text, err = run(f"perfkit verify {manifest}")
    assert code == 1, out_text + err
    assert "rerun differs: 2026Q3_scores.csv" in out_text + err, out_text + err


def test_validate_checks_the_monthly_sums_of_the_events(in_project):
    out = ok(DOCS["validate events"])
    assert "data/events: no problems found" in out
    assert f"{here_url(EVENTS)} (monthly sums) 3," in out  # its rows are counted as a file's
    out = ok(f'perfkit validate data/events-db --actuals-from "{EVENTS_DB}"')
    assert "data/events-db: no problems found" in out
    # a folder that has an actuals file: it is not read, and validate says so
    out = ok(DOCS["validate monthly duckdb"])
    assert f"note: actuals.csv: not read; the actuals come from {here_url(EVENTS_DB)}" in out
    ok(f'perfkit validate data/repeats --actuals-from "{REPEATS}" --dedupe')


def test_a_problem_in_the_monthly_sums_exits_2_naming_it(in_project):
    import pandas as pd

    here, _ = in_project
    events = pd.read_parquet(here / "data" / "events" / "events.parquet")
    ghost = events.iloc[:1].assign(employee_id="NOBODY", event_id=0)
    pd.concat([events, ghost], ignore_index=True).to_parquet(here / "bad.parquet", index=False)
    for command in ("validate", "score"):
        code, out, err = run(
            f'perfkit {command} data/events --actuals-from "parquet://$PWD/bad.parquet"'
        )
        assert code == 2
        assert "found 'NOBODY', who is not in employees.csv" in out + err


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "parquet://$PWD/data/nowhere/*.parquet",
            "error: parquet://$PWD/data/nowhere/*.parquet: no Parquet file at "
            "$PWD/data/nowhere/*.parquet; give a .parquet file, a folder or a glob",
        ),
        (
            "duckdb://$PWD/data/events-db/events.duckdb?table=kpi_events",
            "error: duckdb://$PWD/data/events-db/events.duckdb?table=kpi_events: has no table "
            "'kpi_events'; name an existing table in ?table= (or table=)",
        ),
        (
            "duckdb://$PWD/data/events-db/events.duckdb?table=events&value=amount",
            "no column 'amount', which the column mapping gives for value; correct the mapping; "
            "the table's columns are: event_id, employee_id, timestamp, metric, value",
        ),
        (
            "duckdb://$PWD/data/nowhere.db?table=events",
            "no DuckDB database file $PWD/data/nowhere.db; give the path of an existing .db file",
        ),
        (
            "data/events/events.parquet",
            "error: data/events/events.parquet: is not an events URL; use duckdb:///",
        ),
    ],
)
@pytest.mark.parametrize("command", ["score", "validate"])
def test_a_url_perfkit_cannot_read_exits_2_naming_it(in_project, command, url, message):
    code, out, err = run(f'perfkit {command} data/events --actuals-from "{url}"')
    assert code == 2
    assert here_url(message) in err
    assert out == ""


def test_the_docs_missing_table_example(in_project):
    code, out, err = run(DOCS["score no table"])
    assert code == 2 and out == ""
    assert err == (
        f"error: {here_url(EVENTS_DB).replace('table=events', 'table=kpi_events')}: has no "
        "table 'kpi_events'; name an existing table in ?table= (or table=)\n"
    )


def test_a_password_in_a_url_is_never_shown(in_project):
    code, _, err = run(
        "perfkit score data/events --actuals-from "
        '"snowflake://clerk:hunter2@account/db/schema?table=events"'
    )
    assert code == 2
    assert "error: snowflake://clerk:***@account/db/schema?table=events: cannot connect" in err
    assert "hunter2" not in err


def test_options_that_need_another_are_usage_errors(in_project):
    here, _ = in_project
    code, _, err = run("perfkit score data/monthly --dedupe")
    assert code == 2 and "--dedupe only goes with --actuals-from URL" in err
    code, _, err = run("perfkit validate data/monthly --dedupe")
    assert code == 2 and "--dedupe only goes with --actuals-from URL" in err
    code, _, err = run("perfkit sample data/x --gaps 0.1 --format duckdb")
    assert code == 2 and "--format and --gaps only go with --events" in err
    code, _, err = run("perfkit sample data/x --events --duplicates 2")
    assert code == 2 and "events: duplicates 2.0 is not a share; use 0 to 1" in err
    assert not (here / "data" / "x").exists()


def _monthly_values(printed: str) -> int:
    """The count of monthly values in what ``sample --events`` printed."""
    return int(printed.split(" monthly values")[0].rsplit(" ", 1)[-1].replace(",", ""))


def test_gaps_leave_months_without_events(in_project, tmp_path):
    _, printed = in_project
    out = ok(f"perfkit sample {tmp_path / 'gaps'} --events --gaps 0.2 {SIZE}")
    assert 0.75 < _monthly_values(out) / _monthly_values(printed["events"]) < 0.85


def test_sample_no_plant_plants_nothing(in_project, tmp_path):
    ok(f"perfkit sample {tmp_path / 'null'} --no-plant {SIZE}")
    planted = json.loads((tmp_path / "null" / "planted.json").read_text(encoding="utf-8"))
    assert planted["signals"] == []
    with_signals = json.loads(Path("data/monthly/planted.json").read_text(encoding="utf-8"))
    assert len(with_signals["signals"]) > 0
    out = ok(f"perfkit sample {tmp_path / 'null-events'} --events --no-plant {SIZE}")
    assert url_of(out) == f"parquet://{tmp_path / 'null-events' / 'events.parquet'}"


def _blocks(language: str) -> list[tuple[str, str]]:
    """The fenced ``language`` blocks of docs/warehouse.md, each with its section title."""
    found: list[tuple[str, str]] = []
    section, block = "", None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if block is not None:
            if line.startswith("```"):
                found.append((section, "\n".join(block)))
                block = None
            else:
                block.append(line)
        elif line.startswith("## "):
            section = line[3:]
        elif line == f"```{language}":
            block = []
    return found


def test_the_python_route_of_the_docs_pays_what_the_command_pays(in_project):
    """docs/warehouse.md, "From Python": its block run as written, in the project folder."""
    import pandas.testing as pdt

    import perfkit

    code = [text for section, text in _blocks("python") if section == "From Python"]
    assert len(code) == 1
    names: dict = {}
    exec(compile(code[0], str(DOC), "exec"), names)  # the doc's own example, as written
    want = perfkit.evaluate_dir("data/monthly", period="2026Q3")
    pdt.assert_frame_equal(names["ev"].results, want.results)
    pdt.assert_frame_equal(names["ev"].scores, want.scores)
    events, plans = names["events"], names["plans"]
    seam = perfkit.evaluate(perfkit.load_dataset("data/monthly"), plans, "2026Q3", backend=events)
    pdt.assert_frame_equal(seam.results, want.results)


def test_every_command_of_the_docs_is_one_these_tests_run():
    """The ``perfkit`` lines of the docs' command-line section are exactly :data:`DOCS`."""
    lines = {
        part.strip()
        for section, text in _blocks("bash")
        if section == "From the command line"
        for line in text.splitlines()
        for part in line.split(" && ")
        if part.strip().startswith("perfkit ")
    }
    assert lines == set(DOCS.values())
