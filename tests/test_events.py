"""The raw-event generator: deterministic, exact monthly sums, events inside employment."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from perfkit.errors import PerfkitError
from perfkit.events import generate_events


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    root = tmp_path_factory.mktemp("events")
    a = generate_events(root / "a", employees=40, months=6, seed=5, gaps=0.05, duplicates=0.03)
    b = generate_events(root / "b", employees=40, months=6, seed=5, gaps=0.05, duplicates=0.03)
    return a, b


def test_the_same_seed_gives_the_same_events(made):
    a, b = made
    ea, eb = pd.read_parquet(a.path), pd.read_parquet(b.path)
    pd.testing.assert_frame_equal(ea, eb)
    assert list(ea.columns) == ["event_id", "employee_id", "timestamp", "metric", "value"]
    assert sorted(p.name for p in a.folder.iterdir()) == [
        "employees.csv", "events.parquet", "modifiers.csv", "ratings.csv", "targets.csv",
    ]  # fmt: skip


def test_events_sum_to_the_monthly_truth_exactly_once_repeats_are_removed(made):
    a, _ = made
    ev = pd.read_parquet(a.path)
    repeats = ev.duplicated()
    assert repeats.sum() == a.duplicates > 0
    once = ev[~repeats]
    assert once["event_id"].is_unique
    month = once["timestamp"].dt.strftime("%Y-%m")
    sums = once.groupby([once["employee_id"], month, once["metric"]])["value"].sum()
    truth = a.actuals.set_index(["employee_id", "period", "metric"])["value"]
    assert np.array_equal(sums.sort_index().to_numpy(), truth.sort_index().to_numpy())
    assert len(once) > len(truth)  # whole-number values are split into several events


def test_gaps_drop_monthly_values(tmp_path):
    full = generate_events(tmp_path / "f", employees=30, months=4, seed=2)
    gappy = generate_events(tmp_path / "g", employees=30, months=4, seed=2, gaps=0.2)
    share = 1 - len(gappy.actuals) / len(full.actuals)
    assert 0.15 < share < 0.25


def test_events_fall_within_employment(made):
    a, _ = made
    ev = pd.read_parquet(a.path)
    emp = pd.read_csv(a.folder / "employees.csv", parse_dates=["hire_date", "leave_date"])
    joined = ev.merge(emp[["employee_id", "hire_date", "leave_date"]], on="employee_id")
    day = joined["timestamp"].dt.normalize()
    assert (day >= joined["hire_date"]).all()
    assert (joined["leave_date"].isna() | (day <= joined["leave_date"])).all()


def test_a_duckdb_file_holds_the_same_events(tmp_path, made):
    a, _ = made
    d = generate_events(tmp_path, employees=40, months=6, seed=5, gaps=0.05, duplicates=0.03,
                        format="duckdb")  # fmt: skip
    con = duckdb.connect(str(d.path), read_only=True)
    got = con.execute("SELECT * FROM events").df()
    con.close()
    want = pd.read_parquet(a.path)
    assert np.array_equal(got["value"].to_numpy(), want["value"].to_numpy())
    assert d.url == f"duckdb://{d.path.resolve()}?table=events"


def test_bad_options_are_refused():
    with pytest.raises(PerfkitError, match="format 'csv' is not known"):
        generate_events("unused", format="csv")  # type: ignore[arg-type]
    with pytest.raises(PerfkitError, match="gaps 2 is not a share"):
        generate_events("unused", gaps=2)


def test_the_events_sum_to_what_the_sample_writes_with_the_same_arguments(tmp_path):
    from perfkit.sample import generate

    for plant in (True, False):
        made = generate_events(tmp_path / f"e{plant}", employees=30, months=4, seed=3, plant=plant)
        generate(tmp_path / f"s{plant}", employees=30, months=4, seed=3, plant=plant)
        file = pd.read_csv(tmp_path / f"s{plant}" / "actuals.csv", dtype={"employee_id": str})
        pd.testing.assert_frame_equal(made.actuals, file, check_dtype=False)
        for name in ("employees.csv", "targets.csv", "ratings.csv", "modifiers.csv"):
            assert (made.folder / name).read_bytes() == (tmp_path / f"s{plant}" / name).read_bytes()
