"""A raw-event data set at any size: the sample's monthly actuals split into dated events.

:func:`generate_events` draws the sample department (:func:`perfkit.sample.generate`, same
arguments, same people) and writes, instead of its ``actuals.csv``, a table of raw events
(``event_id, employee_id, timestamp, metric, value``) whose monthly sums are the sample's
monthly actuals, beside the sample's other files (``employees``, ``targets``, ``ratings``,
``modifiers``). It feeds the events backend (:mod:`perfkit.backends.ibis`), its tests and the
scale benchmark, so none of them needs outside data.

How a month becomes events: a whole-number value (a count, a budget in whole CNY) is split
into up to ``per_month`` events of whole numbers on days spread over the days the person was
employed that month (a joiner's first events fall on or after the hire date, a leaver's on
or before the leave date); any other value (a share, a rank, an amount with cents) is one
event, a month-end-style booking. Whole-number parts and single events sum back to the
monthly value exactly in any order, so a roll-up pays exactly what the monthly file pays.

Options add what real feeds hold: ``gaps`` drops a share of (person, month, metric) values
entirely (the truth returned drops them too), ``duplicates`` delivers a share of events twice
(same ``event_id``: ``dedupe=True`` in the backend removes them). The same arguments give the
same events: every draw comes from one generator seeded from ``seed``.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .errors import PerfkitError
from .fsutil import atomic_path
from .sample import generate

__all__ = ["EventsInfo", "generate_events"]

#: The sample's files copied beside the events (everything but the monthly actuals).
_COPIED = ("employees.csv", "targets.csv", "ratings.csv", "modifiers.csv")
#: The events table's name, in a DuckDB file and in the URL.
TABLE = "events"


@dataclass(frozen=True)
class EventsInfo:
    """What :func:`generate_events` wrote.

    Attributes
    ----------
    folder : Path
        The data folder: the sample's files but ``actuals``, and the events.
    path : Path
        The events file (``events.parquet`` or ``events.duckdb``).
    events : int
        Rows of the events table, duplicates included.
    duplicates : int
        Rows that repeat an earlier event (same ``event_id``).
    actuals : pandas.DataFrame
        The monthly actuals the events sum to (without duplicates): ``employee_id, period,
        metric, value``, as an actuals file would hold them.
    """

    folder: Path
    path: Path
    events: int
    duplicates: int
    actuals: pd.DataFrame

    @property
    def url(self) -> str:
        """The events as ``perfkit score --actuals-from`` takes them."""
        path = self.path.resolve()
        if path.suffix == ".duckdb":
            return f"duckdb://{path}?table={TABLE}"
        return f"parquet://{path}"

    def __str__(self) -> str:
        people = self.actuals["employee_id"].nunique()
        return (
            f"{self.events:,} events ({self.duplicates:,} repeated) of {people:,} people, "
            f"{len(self.actuals):,} monthly values, in {self.path}"
        )


def generate_events(
    out: str | Path,
    *,
    employees: int = 150,
    months: int = 24,
    seed: int = 7,
    end: str = "2026-09",
    format: Literal["parquet", "duckdb"] = "parquet",
    per_month: int = 4,
    gaps: float = 0.0,
    duplicates: float = 0.0,
    plans_dir: str | Path | None = None,
    plant: bool = True,
) -> EventsInfo:
    """Write a raw-event data set into the folder ``out``.

    Parameters
    ----------
    out : str or Path
        Folder to write into (created if missing); ``employees.csv``, ``targets.csv``,
        ``ratings.csv``, ``modifiers.csv`` and ``events.parquet`` (or ``events.duckdb``,
        table ``events``) are written, each atomically.
    employees, months, seed, end, plans_dir, plant
        As for :func:`perfkit.sample.generate`: the same department, so the events sum to
        the ``actuals.csv`` that :func:`~perfkit.sample.generate` writes with the same
        arguments (less the ``gaps``).
    format : {"parquet", "duckdb"}
        The events file's format.
    per_month : int
        Most events a whole-number monthly value is split into (at least 1).
    gaps : float
        Share of monthly values dropped (0 to 1): no event at all for that person, month and
        metric.
    duplicates : float
        Share of events delivered twice (0 to 1), with the same ``event_id``.

    Returns
    -------
    EventsInfo
        The files, the counts and the monthly truth the events sum to.

    Raises
    ------
    PerfkitError
        For an unknown format or an option out of range (and what
        :func:`perfkit.sample.generate` refuses).
    """
    if format not in ("parquet", "duckdb"):
        raise PerfkitError(f"events: format {format!r} is not known; use parquet or duckdb")
    for name, share in (("gaps", gaps), ("duplicates", duplicates)):
        if not 0.0 <= share <= 1.0:
            raise PerfkitError(f"events: {name} {share} is not a share; use 0 to 1, e.g. 0.02")
    if per_month < 1:
        raise PerfkitError(f"events: per_month {per_month} is too few; use 1 or more")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="perfkit-events-") as tmp:
        generate(
            tmp, employees=employees, months=months, seed=seed, end=end, plans_dir=plans_dir,
            plant=plant,
        )  # fmt: skip
        actuals = pd.read_csv(
            Path(tmp) / "actuals.csv", dtype={"employee_id": str, "period": str, "metric": str}
        )
        staff = pd.read_csv(
            Path(tmp) / "employees.csv", usecols=["employee_id", "hire_date", "leave_date"],
            dtype={"employee_id": str}, parse_dates=["hire_date", "leave_date"],
        )  # fmt: skip
        for name in _COPIED:
            if (Path(tmp) / name).is_file():
                with atomic_path(folder / name) as target:
                    shutil.copyfile(Path(tmp) / name, target)
    rng = np.random.default_rng([seed, 20260913])
    actuals = actuals.loc[rng.random(len(actuals)) >= gaps].reset_index(drop=True)
    events = _split(actuals, staff, per_month, rng)
    repeat = np.flatnonzero(rng.random(len(events)) < duplicates)
    if len(repeat):
        events = pd.concat([events, events.iloc[repeat]], ignore_index=True)
    events = events.sort_values(["timestamp", "event_id"], ignore_index=True, kind="stable")
    path = folder / f"events.{format}"
    _write(events, path, format)
    truth = actuals[["employee_id", "period", "metric", "value"]].astype(
        {"employee_id": "str", "period": "str", "metric": "str", "value": "float64"}
    )
    return EventsInfo(folder, path, len(events), len(repeat), truth)


def _split(
    actuals: pd.DataFrame, staff: pd.DataFrame, per_month: int, rng: np.random.Generator
) -> pd.DataFrame:
    """One row per event; whole-number values in whole-number parts, others whole."""
    value = actuals["value"].to_numpy(dtype=np.float64)
    whole = np.isfinite(value) & (value == np.round(value)) & (np.abs(value) < 2**52)
    k = np.where(whole, np.clip(np.abs(value), 1, per_month), 1).astype(np.int64)
    start = pd.to_datetime(actuals["period"] + "-01").to_numpy().astype("datetime64[D]")
    end = (
        (pd.to_datetime(actuals["period"] + "-01") + pd.offsets.MonthEnd(0))
        .to_numpy()
        .astype("datetime64[D]")
    )
    who = staff.drop_duplicates("employee_id").set_index("employee_id")
    hire = who["hire_date"].reindex(actuals["employee_id"]).to_numpy().astype("datetime64[D]")
    leave = who["leave_date"].reindex(actuals["employee_id"]).to_numpy().astype("datetime64[D]")
    first = np.where(np.isnat(hire) | (hire < start), start, np.minimum(hire, end))
    last = np.where(np.isnat(leave) | (leave > end), end, np.maximum(leave, first))
    span = (last - first).astype(np.int64) + 1  # days employed in the month, at least 1
    row = np.repeat(np.arange(len(actuals)), k)
    kk = k[row]
    j = np.arange(len(row)) - np.repeat(np.cumsum(k) - k, k)  # event number within its month
    offset = np.floor((j + rng.random(len(row))) * span[row] / kk).astype(np.int64)
    day = first[row] + offset.astype("timedelta64[D]")
    seconds = rng.integers(8 * 3600, 20 * 3600, len(row)).astype("timedelta64[s]")
    v = value[row]
    iv = np.where(whole[row], v, 0).astype(np.int64)
    parts = np.where(whole[row], (iv * (j + 1)) // kk - (iv * j) // kk, v).astype(np.float64)
    return pd.DataFrame(
        {
            "event_id": np.arange(1, len(row) + 1, dtype=np.int64),
            "employee_id": actuals["employee_id"].to_numpy()[row],
            "timestamp": day.astype("datetime64[s]") + seconds,
            "metric": actuals["metric"].to_numpy()[row],
            "value": parts,
        }
    ).astype({"employee_id": "str", "metric": "str", "timestamp": "datetime64[us]"})


def _write(events: pd.DataFrame, path: Path, format: str) -> None:
    import pyarrow as pa

    table = pa.Table.from_pandas(events, preserve_index=False)
    with atomic_path(path) as tmp:
        if format == "parquet":
            import pyarrow.parquet as pq

            pq.write_table(table, tmp, row_group_size=1_000_000)
            return
        import duckdb

        tmp.unlink()  # DuckDB creates its own file
        con = duckdb.connect(str(tmp))
        try:
            con.register("incoming", table)
            con.execute(f"CREATE TABLE {TABLE} AS SELECT * FROM incoming")
        finally:
            con.close()
