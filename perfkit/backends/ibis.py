"""Raw events to monthly actuals on a real engine: one roll-up written as Ibis expressions.

:class:`IbisEvents` serves the roll-up seam (:class:`~perfkit.backends.ActualsBackend`) from
a table of raw events, one row per event: ``employee_id``, a ``date`` or a ``timestamp``,
``metric`` and ``value``. The monthly actual of a person and raw metric is the **sum** of
the values of their events in that calendar month. The roll-up is one Ibis expression
(filter by metric and date range, group by employee, month and metric, sum), so the same
code runs where the events are:

- DuckDB, embedded, the default: a DuckDB database file or Parquet files, nothing to
  install or start (``duckdb:///path/events.db?table=events``,
  ``parquet:///path/events/*.parquet``);
- PySpark, on a cluster or a local session (pass ``ibis.pyspark.connect(spark)``);
- the warehouses Ibis supports (BigQuery, Snowflake, Trino, Postgres...) by their Ibis URL
  (``bigquery://project/dataset?table=events``) or an Ibis connection.

Only the small monthly frame (people x months x raw metrics) leaves the engine.

Duplicates: every row is an event and is summed. An event delivered twice is the source's
to remove; ``dedupe=True`` (``&dedupe=1`` in a URL) removes rows that are equal in every
column first (``SELECT DISTINCT``), which is right only when each event carries an id or a
precise timestamp, since two real events of the same day and value would otherwise be one.

The monthly frame is checked as an actuals file is (ids, metric names, ranges of the raw
metric catalogue): :func:`perfkit.validation.validate` and
:func:`~perfkit.validation.load_checked` with ``actuals=`` a backend, or
:func:`perfkit.validation.check_actuals` on a frame. See ``docs/warehouse.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import numpy as np
import pandas as pd

from ..errors import DataError
from ..periods import month_index, month_label
from . import MONTHLY_COLUMNS

__all__ = ["EVENT_COLUMNS", "IbisEvents", "connect", "shown_url"]

#: The columns of an events table, by perfkit's names; the date may be ``date`` or
#: ``timestamp`` (a date, a timestamp or ``YYYY-MM-DD`` text).
EVENT_COLUMNS = ("employee_id", "date", "metric", "value")
_DATE_NAMES = ("date", "timestamp")
_URL_HELP = (
    "use duckdb:///path/events.db?table=events, parquet:///path/events/*.parquet, or an Ibis "
    "URL with ?table= (e.g. bigquery://project/dataset?table=events)"
)


def shown_url(url: str) -> str:
    """A URL as messages and manifests show it: a password in it replaced by ``***``.

    Parameters
    ----------
    url : str
        E.g. ``snowflake://user:secret@account/db/schema?table=events``.

    Returns
    -------
    str
        ``snowflake://user:***@account/db/schema?table=events`` (a ``password=``, ``pwd=``,
        ``token=`` or ``secret=`` query value too, and a URL quoted inside a longer message);
        other text as it is.
    """
    url = re.sub(r"([A-Za-z][\w+.-]*://[^/?#@:\s'\"]*):[^/?#@\s'\"]*@", r"\1:***@", url)
    return re.sub(
        r"([?&](?:password|passwd|pwd|token|secret)=)[^&#\s'\"]*", r"\1***", url, flags=re.I
    )


def _norm(name: Any) -> str:
    """A column name compared loosely, as file headers are (``Employee ID`` = ``employee_id``)."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


class IbisEvents:
    """Monthly actuals rolled up from an events table by its own engine (an Ibis table).

    Parameters
    ----------
    table : ibis.expr.types.Table
        The events: one row per event.
    columns : mapping of str to str, optional
        The table's column -> perfkit's column (``employee_id``, ``date`` or ``timestamp``,
        ``metric``, ``value``), as ``columns`` in ``mapping.yaml``. Names are also matched
        loosely without a mapping (``Employee ID``, ``TIMESTAMP``).
    dedupe : bool
        Remove rows equal in every column before summing (see the module notes).
    source : str
        The table as messages name it (the URL).

    Raises
    ------
    DataError
        When a column is missing, naming the table's columns and the fix.
    """

    def __init__(
        self,
        table: Any,
        *,
        columns: Mapping[str, str] | None = None,
        dedupe: bool = False,
        source: str = "events table",
    ) -> None:
        self.source = source
        self.dedupe = dedupe
        self.table = table
        theirs_of = self._columns(list(table.columns), dict(columns or {}))
        self.theirs = theirs_of

    # -- columns -------------------------------------------------------------------------
    def _columns(self, have: list[str], columns: dict[str, str]) -> dict[str, str]:
        """perfkit column -> the table's column; a DataError naming what is missing."""
        by_norm = {_norm(c): c for c in have}
        ours: dict[str, str] = {}
        for theirs, mine in columns.items():
            mine = "date" if _norm(mine) in _DATE_NAMES else _norm(mine)
            if mine not in EVENT_COLUMNS:
                raise DataError.single(
                    self.source,
                    f"the column mapping names {mine!r}, not a column of an events table",
                    f"map the table's columns to {', '.join(EVENT_COLUMNS)} (or timestamp)",
                )
            found = theirs if theirs in have else by_norm.get(_norm(theirs))
            if found is None:
                raise DataError.single(
                    self.source,
                    f"no column {theirs!r}, which the column mapping gives for {mine}",
                    f"correct the mapping; the table's columns are: {', '.join(have)}",
                )
            ours[mine] = found
        for name in EVENT_COLUMNS:
            if name in ours:
                continue
            names = _DATE_NAMES if name == "date" else (name,)
            hit = next((by_norm[n] for n in names if n in by_norm), None)
            if hit is None:
                wanted = "a date or timestamp column" if name == "date" else f"a column {name}"
                raise DataError.single(
                    self.source,
                    f"no {'date or timestamp column' if name == 'date' else 'column ' + name}"
                    f" (columns: {', '.join(have)})",
                    f"add {wanted}, or map the table's own name to it (columns={{'their "
                    f"name': {name!r}}} in Python, &{name}=their_name in the URL)",
                )
            ours[name] = hit
        return ours

    def _events(self) -> Any:
        """The events under perfkit's names and types: employee_id, day, metric, value."""
        t = self.table
        if self.dedupe:
            t = t.distinct()
        date = t[self.theirs["date"]]
        dtype = date.type()
        if dtype.is_timestamp():
            day = date.date()
        elif dtype.is_date():
            day = date
        elif dtype.is_string():
            day = date.cast("date")
        else:
            raise DataError.single(
                f"{self.source}, column {self.theirs['date']}",
                f"found values of type {dtype}, not dates",
                "store a date, a timestamp or YYYY-MM-DD text",
            )
        if not t[self.theirs["value"]].type().is_numeric():
            raise DataError.single(
                f"{self.source}, column {self.theirs['value']}",
                f"found values of type {t[self.theirs['value']].type()}, not numbers",
                "store the event's value as a number",
            )
        return t.select(
            employee_id=t[self.theirs["employee_id"]].cast("string"),
            day=day,
            metric=t[self.theirs["metric"]].cast("string"),
            value=t[self.theirs["value"]].cast("float64"),
        )

    # -- the seam ------------------------------------------------------------------------
    def expression(self, *, metrics: Sequence[str], months: Sequence[str]) -> Any:
        """The roll-up as an Ibis expression (columns ``employee_id, month, metric, value``).

        ``month`` is the month index (``year * 12 + month - 1``, as
        :func:`perfkit.periods.month_index`). Rows are filtered on the metrics and on the
        dates of the months (first to last, so a Parquet reader can skip row groups).
        """
        idx = sorted({int(i) for i in month_index(pd.Series(list(months), dtype=object))})
        idx = [i for i in idx if i >= 0]
        e = self._events()
        e = e.filter(e.metric.isin(list(metrics)))
        if idx:
            first = dt.date(idx[0] // 12, idx[0] % 12 + 1, 1)
            after = idx[-1] + 1
            end = dt.date(after // 12, after % 12 + 1, 1)
            e = e.filter(e.day >= first, e.day < end)
        month = e.day.year().cast("int64") * 12 + e.day.month().cast("int64") - 1
        e = e.mutate(month=month)
        if idx and len(idx) != idx[-1] - idx[0] + 1:  # months with gaps (a growth baseline)
            e = e.filter(e.month.isin(idx))
        return e.group_by(["employee_id", "month", "metric"]).aggregate(value=e.value.sum())

    def monthly(
        self, *, employee_ids: Sequence[str], metrics: Sequence[str], months: Sequence[str]
    ) -> pd.DataFrame:
        """Monthly sums of the events: ``employee_id, period, metric, value``.

        Every employee's rows are returned (``employee_ids`` is not sent to the engine: a
        roster of a million ids is no filter, and ids unknown to the roster must reach the
        checks); only ``metrics`` and ``months`` filter. Rows are sorted by employee,
        period and metric.
        """
        if not metrics or not months:
            return _empty()
        expr = self.expression(metrics=metrics, months=months)
        try:
            arrow = expr.to_pyarrow()
        except DataError:
            raise
        except Exception as exc:  # the engine's own error: a bad cast, a lost connection
            raise DataError.single(
                self.source,
                f"the roll-up of the events failed in the engine ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0] if str(exc) else ''})",
                "check that the table holds employee_id, a date, metric and a numeric value",
            ) from exc
        frame = arrow.to_pandas()
        return _monthly_frame(frame)

    def months(self) -> list[str]:
        """The ``YYYY-MM`` months holding any event, in order."""
        e = self._events()
        month = e.day.year().cast("int64") * 12 + e.day.month().cast("int64") - 1
        got = e.select(month=month).distinct().to_pyarrow()["month"].to_numpy(zero_copy_only=False)
        got = got[~pd.isna(got)].astype(np.int64)
        return [month_label(int(i)) for i in np.sort(got)]

    def __repr__(self) -> str:
        return f"IbisEvents({self.source!r})"


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="str") for c in MONTHLY_COLUMNS[:3]}).assign(
        value=pd.Series(dtype="float64")
    )


def _monthly_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Month indices to ``YYYY-MM`` labels (each distinct month once), sorted, typed."""
    if frame.empty:
        return _empty()
    month = frame["month"].to_numpy(dtype=np.int64)
    uniques, codes = np.unique(month, return_inverse=True)
    labels = np.array([month_label(int(i)) for i in uniques], dtype=object)
    out = pd.DataFrame(
        {
            "employee_id": frame["employee_id"].astype("str"),
            "period": pd.Series(labels[codes], dtype="str"),
            "metric": frame["metric"].astype("str"),
            "value": frame["value"].astype("float64"),
        }
    )
    return out.sort_values(["employee_id", "period", "metric"], ignore_index=True)


# --------------------------------------------------------------------------------------
# connect: a URL or an Ibis object -> IbisEvents
# --------------------------------------------------------------------------------------
def connect(
    source: Any,
    *,
    table: str | None = None,
    columns: Mapping[str, str] | None = None,
    dedupe: bool | None = None,
) -> IbisEvents:
    """An events backend from a URL, an Ibis connection or an Ibis table.

    Parameters
    ----------
    source : str, ibis backend or ibis Table
        - ``duckdb:///abs/path/events.db?table=events`` (``duckdb://relative.db?...`` too):
          a DuckDB database file, opened read-only;
        - ``duckdb://?table=events`` or ``duckdb://:memory:``: an in-memory DuckDB;
        - ``parquet:///abs/path/events/*.parquet`` (a file, a folder or a glob): Parquet
          files read by an embedded DuckDB;
        - any other Ibis URL (``bigquery://``, ``snowflake://``, ``trino://``,
          ``postgres://``...) with ``?table=``: passed to :func:`ibis.connect`;
        - an Ibis connection (e.g. ``ibis.pyspark.connect(spark)``) with ``table=``, or an
          Ibis table expression.

        URL query keys besides ``table``: ``dedupe=1`` and column names
        (``&employee_id=emp_no&date=event_time``: perfkit's name = the table's).
    table : str, optional
        The table's name (instead of ``?table=``).
    columns : mapping of str to str, optional
        The table's column -> perfkit's column, as in ``mapping.yaml``.
    dedupe : bool, optional
        Remove exact duplicate rows first (default: no; see the module notes).

    Returns
    -------
    IbisEvents

    Raises
    ------
    DataError
        For a URL of an unknown form, a missing file or table, or missing columns; the
        message names the URL, the table and the fix.
    """
    import ibis

    cols = dict(columns or {})
    if isinstance(source, ibis.expr.types.Table):
        return IbisEvents(source, columns=cols, dedupe=bool(dedupe), source=table or "events table")
    if isinstance(source, ibis.BaseBackend):
        if not table:
            raise DataError.single(
                f"{source.name} connection", "no table named", "pass table='events'"
            )
        return IbisEvents(
            _table(source, table, f"{source.name} connection"),
            columns=cols, dedupe=bool(dedupe), source=f"{source.name} table {table}",
        )  # fmt: skip
    if isinstance(source, Path):
        source = str(source)
    if not isinstance(source, str) or "://" not in source:
        raise DataError.single(shown_url(str(source)), "is not an events URL", _URL_HELP)
    scheme, _, rest = source.partition("://")
    url = shown_url(source)  # as messages name it
    location, _, query = rest.partition("?")
    params = dict(parse_qsl(query, keep_blank_values=True))
    table = params.pop("table", None) or table
    flag = params.pop("dedupe", None)
    if dedupe is None:
        dedupe = flag is not None and flag.lower() not in ("", "0", "false", "no")
    for mine in list(params):
        if mine in EVENT_COLUMNS or mine == "timestamp":
            cols.setdefault(params.pop(mine), mine)
    scheme = scheme.lower()
    if scheme == "parquet":
        return IbisEvents(_parquet(location, url), columns=cols, dedupe=dedupe, source=url)
    if scheme == "duckdb":
        con = _duckdb(location, url)
    else:
        base = f"{scheme}://{location}" + (
            "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
        )
        try:
            con = ibis.connect(base)
        except Exception as exc:  # an unknown scheme, a missing driver, a refused login
            detail = shown_url(str(exc).splitlines()[0]) if str(exc) else ""  # may quote the URL
            raise DataError.single(
                url,
                f"cannot connect ({type(exc).__name__}: {detail})",
                f"install the Ibis backend (pip install 'ibis-framework[{scheme}]') and check "
                f"the URL; {_URL_HELP}",
            ) from exc
    if not table:
        raise DataError.single(url, "names no table", "add ?table=<the events table> to the URL")
    return IbisEvents(_table(con, table, url), columns=cols, dedupe=dedupe, source=url)


def _duckdb(location: str, url: str) -> Any:
    import ibis

    if location in ("", ":memory:", "memory"):
        return ibis.duckdb.connect()
    path = Path(location)
    if not path.is_file():
        raise DataError.single(
            url, f"no DuckDB database file {path}", "give the path of an existing .db file"
        )
    try:
        return ibis.duckdb.connect(str(path), read_only=True)
    except Exception as exc:  # not a DuckDB file, or locked by a writer
        raise DataError.single(
            url,
            f"cannot be opened as a DuckDB database ({str(exc).splitlines()[0]})",
            "give a DuckDB database file that no other program holds open for writing",
        ) from exc


def _parquet(location: str, url: str) -> Any:
    import glob

    import ibis

    path = Path(location)
    pattern = str(path / "*.parquet") if path.is_dir() else location
    if not glob.glob(pattern):
        raise DataError.single(
            url, f"no Parquet file at {pattern}", "give a .parquet file, a folder or a glob"
        )
    try:
        return ibis.duckdb.connect().read_parquet(pattern)
    except Exception as exc:
        raise DataError.single(
            url,
            f"cannot be read as Parquet ({str(exc).splitlines()[0]})",
            "write the events again as Parquet",
        ) from exc


def _table(con: Any, name: str, where: str) -> Any:
    try:
        return con.table(name)
    except Exception as exc:  # the backend's own "table not found"
        raise DataError.single(
            where,
            f"has no table {name!r}",
            "name an existing table in ?table= (or table=)",
        ) from exc
