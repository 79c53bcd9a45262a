"""The events backend (Ibis) pays exactly what the monthly files pay, on DuckDB and on Spark.

Every test taking ``engine`` runs on the embedded DuckDB; with ``PERFKIT_TEST_SPARK=1``
(``make test-spark``) it runs again on a local PySpark session (``local[2]``) through
``ibis.pyspark``, reading the same Parquet files. The expected values are the file path's:
the same people and months read from ``actuals.csv``, or sums computed here with pandas.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from conftest import PLANS_DIR, SAMPLE_DIR

import perfkit
from perfkit.backends import ActualsBackend
from perfkit.backends.ibis import IbisEvents, connect
from perfkit.errors import DataError
from perfkit.events import generate_events
from perfkit.validation import check_actuals, load_checked, validate

SPARK = os.environ.get("PERFKIT_TEST_SPARK") == "1"
ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.skipif(not SPARK, reason="PERFKIT_TEST_SPARK=1 runs the Spark engine (make test-spark)"))]  # fmt: skip


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("perfkit-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    yield session
    session.stop()


class Engine:
    """Opens a Parquet file of events as an :class:`IbisEvents` on one engine."""

    def __init__(self, name: str, request: pytest.FixtureRequest) -> None:
        self.name = name
        self.request = request
        self._views = 0

    def open(self, path: Path, **options) -> IbisEvents:
        if self.name == "duckdb":
            return connect(f"parquet://{path}", **options)
        import ibis

        session = self.request.getfixturevalue("spark")
        self._views += 1
        view = f"events_{os.getpid()}_{id(self)}_{self._views}"
        session.read.parquet(str(path)).createOrReplaceTempView(view)
        return connect(ibis.pyspark.connect(session), table=view, **options)


@pytest.fixture(params=ENGINES)
def engine(request) -> Engine:
    return Engine(request.param, request)


def _halves(actuals: pd.DataFrame) -> pd.DataFrame:
    """Each monthly value as two events of half of it (days 3 and 27): exact in any order."""
    parts = []
    for day, hour in ((3, 9), (27, 17)):
        parts.append(
            pd.DataFrame(
                {
                    "Emp No": actuals["employee_id"].to_numpy(),
                    "event_time": pd.to_datetime(actuals["period"] + f"-{day:02d} {hour:02d}:30"),
                    "KPI": actuals["metric"].to_numpy(),
                    "amount": actuals["value"].to_numpy() * 0.5,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


COLUMNS = {"Emp No": "employee_id", "event_time": "timestamp", "KPI": "metric", "amount": "value"}


@pytest.fixture(scope="module")
def sample():
    return perfkit.load_dataset(SAMPLE_DIR), perfkit.load_plans(PLANS_DIR)


@pytest.fixture(scope="module")
def sample_events(tmp_path_factory, sample):
    """The sample's actuals as events in Parquet, and its folder without ``actuals.csv``."""
    data, _ = sample
    root = tmp_path_factory.mktemp("sample-events")
    path = root / "events.parquet"
    _halves(data.actuals).to_parquet(path, index=False)
    folder = root / "data"
    shutil.copytree(SAMPLE_DIR, folder)
    (folder / "actuals.csv").unlink()
    return path, folder


PERIODS = ["2026Q2", "2026Q3"]  # the growth metrics read 2025Q2 and 2025Q3 as baselines


def test_events_on_the_engine_pay_what_the_sample_files_pay(engine, sample, sample_events):
    data, plans = sample
    path, folder = sample_events
    backend = engine.open(path, columns=COLUMNS)
    assert isinstance(backend, ActualsBackend)
    expected = perfkit.evaluate(data, plans, PERIODS)
    # the checked path a command takes: the folder without actuals + the events
    dataset, checked_plans = load_checked(folder, plans_dir=PLANS_DIR, actuals=backend)
    got = perfkit.evaluate(dataset, checked_plans, PERIODS)
    pdt.assert_frame_equal(got.results, expected.results)
    pdt.assert_frame_equal(got.scores, expected.scores)
    # the roll-up seam straight into evaluate
    seam = perfkit.evaluate(data, plans, PERIODS, backend=backend)
    pdt.assert_frame_equal(seam.results, expected.results)
    assert got.total() == expected.total()
    # the monthly frame is the file's, value for value
    file = data.actuals.sort_values(["employee_id", "period", "metric"], ignore_index=True)
    pdt.assert_frame_equal(
        dataset.actuals[["employee_id", "period", "metric", "value"]], file, check_dtype=False
    )


def test_monthly_filters_on_metrics_and_months_not_on_people(engine, sample, sample_events):
    data, _ = sample
    backend = engine.open(sample_events[0], columns=COLUMNS)
    months = ["2025-04", "2025-05", "2026-06"]  # a gap: 2025-06..2026-05 are not asked
    got = backend.monthly(employee_ids=["E0001"], metrics=["leads", "ad_spend"], months=months)
    a = data.actuals
    want = a[a["metric"].isin(["leads", "ad_spend"]) & a["period"].isin(months)]
    want = want.sort_values(["employee_id", "period", "metric"], ignore_index=True)
    assert got["employee_id"].nunique() > 1  # the roster is not sent to the engine
    pdt.assert_frame_equal(got, want, check_dtype=False)
    assert backend.months() == data.months
    empty = backend.monthly(employee_ids=[], metrics=[], months=months)
    assert list(empty.columns) == ["employee_id", "period", "metric", "value"] and empty.empty


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Generated events with gaps, joiners and leavers and repeated deliveries."""
    root = tmp_path_factory.mktemp("generated")
    info = generate_events(
        root / "events", employees=60, months=15, seed=11, gaps=0.03, duplicates=0.02
    )
    files = root / "files"
    shutil.copytree(info.folder, files, ignore=shutil.ignore_patterns("events.*"))
    info.actuals.to_csv(files / "actuals.csv", index=False)
    return info, files


def test_generated_events_with_gaps_joiners_and_repeats_pay_what_the_files_pay(engine, generated):
    info, files = generated
    data, plans = load_checked(files, plans_dir=PLANS_DIR)
    periods = ["2026Q1", "2026Q2", "2026Q3"]
    expected = perfkit.evaluate(data, plans, periods)
    backend = engine.open(info.path, dedupe=True)
    dataset, checked = load_checked(info.folder, plans_dir=PLANS_DIR, actuals=backend)
    got = perfkit.evaluate(dataset, checked, periods)
    pdt.assert_frame_equal(got.results, expected.results)
    pdt.assert_frame_equal(got.scores, expected.scores)
    # the data hold what the test is about
    hire = data.employees["hire_date"]
    assert ((hire >= "2025-07-01") & (hire <= "2026-09-30")).any()  # joiners
    assert data.employees["leave_date"].notna().any()  # leavers
    assert info.duplicates > 0 and (expected.results["payout_amount"] > 0).sum() > 30


def test_repeated_events_are_summed_unless_deduplicated(engine, generated):
    info, _ = generated
    events = pd.read_parquet(info.path)
    repeated = events[events.duplicated(keep="first")]
    extra = repeated.assign(period=repeated["timestamp"].dt.strftime("%Y-%m"))
    extra = extra.groupby(["employee_id", "period", "metric"])["value"].sum()
    metrics = sorted(info.actuals["metric"].unique())
    backend = engine.open(info.path)
    months = backend.months()
    raw = backend.monthly(employee_ids=[], metrics=metrics, months=months)
    truth = info.actuals.set_index(["employee_id", "period", "metric"])["value"]
    got = raw.set_index(["employee_id", "period", "metric"])["value"]
    want = truth.add(extra.reindex(truth.index, fill_value=0.0))
    assert len(extra) > 0
    pdt.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)
    clean = engine.open(info.path, dedupe=True).monthly(
        employee_ids=[], metrics=metrics, months=months
    )
    assert np.array_equal(clean["value"].to_numpy(), truth.sort_index().to_numpy())


def test_event_data_is_checked_as_an_actuals_file_is(engine, sample, sample_events, tmp_path):
    data, _ = sample
    path, folder = sample_events
    events = pd.read_parquet(path)
    bad = pd.DataFrame(
        {
            "Emp No": ["E0001", "E0001", "NOBODY"],
            "event_time": pd.to_datetime(["2026-07-04", "2026-07-20", "2026-08-02"]),
            "KPI": ["leads", "leads", "leads"],
            "amount": [-900.0, 10.0, 5.0],  # E0001's July leads net to a negative month
        }
    )
    bad_path = tmp_path / "bad.parquet"
    pd.concat([events, bad], ignore_index=True).to_parquet(bad_path, index=False)
    backend = engine.open(bad_path, columns=COLUMNS)
    report = validate(folder, plans_dir=PLANS_DIR, actuals=backend)
    text = report.summary()
    assert not report.ok
    assert "found 'NOBODY', who is not in employees.csv" in text
    assert "found a negative leads" in text
    assert "(monthly sums)" in text  # the problems name the events source
    with pytest.raises(DataError, match="NOBODY"):
        load_checked(folder, plans_dir=PLANS_DIR, actuals=backend)


# -- DuckDB only: URLs, database files, messages -------------------------------------------


def test_a_duckdb_database_file_with_dates_pays_what_the_files_pay(sample, sample_events, tmp_path):
    data, plans = sample
    _, folder = sample_events
    events = _halves(data.actuals).assign(event_time=lambda e: e["event_time"].dt.date)
    db = tmp_path / "warehouse.db"
    con = duckdb.connect(str(db))
    con.register("incoming", events)
    con.execute("CREATE TABLE kpi_events AS SELECT * FROM incoming")
    con.close()
    url = (
        f"duckdb://{db}?table=kpi_events&employee_id=Emp No&date=event_time&metric=KPI&value=amount"
    )
    backend = connect(url)
    dataset, checked = load_checked(folder, plans_dir=PLANS_DIR, actuals=backend)
    got = perfkit.evaluate(dataset, checked, "2026Q3").results["payout_amount"]
    want = perfkit.evaluate(data, plans, "2026Q3").results["payout_amount"]
    assert np.array_equal(got.to_numpy(), want.to_numpy())
    assert backend.source == url
    assert perfkit.backends.connect(url).months() == data.months


def test_a_python_ibis_table_is_accepted(sample):
    import ibis

    data, plans = sample
    events = data.actuals.assign(date=data.actuals["period"] + "-15")  # text dates
    con = ibis.duckdb.connect()
    con.con.register("ev", events[["employee_id", "date", "metric", "value"]])
    backend = connect(con.table("ev"))
    want = perfkit.evaluate(data, plans, "2026Q3").results["payout_amount"].to_numpy()
    got = perfkit.evaluate(data, plans, "2026Q3", backend=backend).results["payout_amount"]
    assert np.array_equal(got.to_numpy(), want)


def test_check_actuals_reports_a_frame_as_a_file(sample):
    data, plans = sample
    frame = pd.concat(
        [
            data.actuals,
            pd.DataFrame(
                {"employee_id": ["E0002", "GHOST"], "period": ["2026-07", "2026-13"],
                 "metric": ["market_share", "leads"], "value": [35.0, 3.0]}
            ),
        ],
        ignore_index=True,
    )  # fmt: skip
    problems = [str(p) for p in check_actuals(frame, employees=data.employees, plans=plans)]
    n = len(data.actuals)
    assert any(
        f"row {n + 1}" in p and "above the most a month's market_share" in p for p in problems
    )
    assert any(f"row {n + 2}" in p and "YYYY-MM" in p for p in problems)
    assert any("'GHOST', who is not in employees" in p for p in problems)
    assert check_actuals(data.actuals, employees=data.employees, plans=plans) == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("duckdb:///nowhere/events.db?table=events", "no DuckDB database file"),
        ("parquet:///nowhere/*.parquet", "no Parquet file at /nowhere/*.parquet"),
        ("events.db", "is not an events URL"),
        ("nosuchengine://x?table=events", "cannot connect"),
    ],
)
def test_bad_urls_are_refused_with_their_fix(url, message):
    with pytest.raises(DataError, match=re.escape(message)) as err:
        connect(url)
    assert url.split("?")[0] in str(err.value) or "events.db" in str(err.value)


def test_a_missing_table_or_column_names_the_table_and_the_fix(tmp_path):
    db = tmp_path / "w.db"
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE ev AS SELECT 'E1' AS emp, DATE '2026-07-01' AS date, 'leads' AS metric, 1.0 AS value"
    )
    con.close()
    with pytest.raises(DataError, match="has no table 'events'"):
        connect(f"duckdb://{db}?table=events")
    with pytest.raises(
        DataError, match=r"no column employee_id \(columns: emp, date, metric, value\)"
    ):
        connect(f"duckdb://{db}?table=ev")
    with pytest.raises(DataError, match="names no table"):
        connect(f"duckdb://{db}")
    got = connect(f"duckdb://{db}?table=ev&employee_id=emp").monthly(
        employee_ids=[], metrics=["leads"], months=["2026-07"]
    )
    assert got.to_dict("records") == [
        {"employee_id": "E1", "period": "2026-07", "metric": "leads", "value": 1.0}
    ]


def test_a_password_in_a_url_is_never_shown():
    from perfkit.backends.ibis import shown_url

    assert shown_url("snowflake://clerk:hunter2@acct/db/schema?table=events") == (
        "snowflake://clerk:***@acct/db/schema?table=events"
    )
    assert shown_url("trino://clerk@host:8080/hive?table=ev&password=s3cret&x=1") == (
        "trino://clerk@host:8080/hive?table=ev&password=***&x=1"
    )
    url = "duckdb:///data/w.db?table=events"
    assert shown_url(url) == url
    with pytest.raises(DataError) as err:
        connect("nosuchengine://clerk:hunter2@host/db?table=events")
    assert "hunter2" not in str(err.value) and "nosuchengine://clerk:***@host" in str(err.value)
