"""Where the raw actuals live: the one seam between the data and the engine.

The only stage that touches millions of raw rows is the roll-up of actuals into metric
values (:mod:`perfkit.metrics`). It asks an :class:`ActualsBackend` for one thing: the
monthly value of each raw metric for each employee, over the months it needs. Everything
after that (metric values, scores, payouts) works on arrays of people and never sees where
the rows came from.

The default, :class:`FrameActuals`, serves the ``actuals`` frame of a
:class:`~perfkit.io.Dataset` as it is (no copy). A backend for raw events in a database, a
warehouse or a Spark cluster rolls them up to months where they live and returns the same
small frame: :class:`perfkit.backends.ibis.IbisEvents`, one roll-up written as Ibis
expressions that runs on an embedded DuckDB (the default), on Spark and on the warehouses
Ibis supports; :func:`connect` opens one from a URL (``duckdb:///path/events.db?table=events``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import pandas as pd

#: Columns of what :meth:`ActualsBackend.monthly` returns.
MONTHLY_COLUMNS = ("employee_id", "period", "metric", "value")


@runtime_checkable
class ActualsBackend(Protocol):
    """A source of monthly raw actuals (the roll-up seam).

    Implementations return, for the employees, raw metrics and months asked for, one row per
    (employee, month, raw metric) that has a value. Rows for other employees, metrics or
    months may be returned too (they are ignored), so a backend need not filter exactly.
    """

    def monthly(
        self, *, employee_ids: Sequence[str], metrics: Sequence[str], months: Sequence[str]
    ) -> pd.DataFrame:
        """Monthly values: columns ``employee_id, period, metric, value``.

        Parameters
        ----------
        employee_ids : sequence of str
            The roster's ids.
        metrics : sequence of str
            Raw metric names (``metric`` values of the actuals).
        months : sequence of str
            ``YYYY-MM`` labels of the months needed (baselines included).

        Returns
        -------
        pandas.DataFrame
            ``employee_id`` (str), ``period`` (``YYYY-MM``), ``metric`` (str), ``value``
            (float); at most one row per (employee_id, period, metric).
        """
        ...

    def months(self) -> list[str]:
        """The ``YYYY-MM`` months that hold any actual, in order (for period checks)."""
        ...


class FrameActuals:
    """The default backend: a frame of monthly actuals already in memory.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``employee_id, period, metric, value`` rows (``Dataset.actuals``).
    """

    def __init__(self, frame: pd.DataFrame | None) -> None:
        self.frame = frame

    def monthly(
        self, *, employee_ids: Sequence[str], metrics: Sequence[str], months: Sequence[str]
    ) -> pd.DataFrame:
        """The frame as it is; the engine places its rows by code and drops the rest."""
        if self.frame is None:
            return pd.DataFrame({c: pd.Series(dtype="str") for c in MONTHLY_COLUMNS[:3]}).assign(
                value=pd.Series(dtype="float64")
            )
        return self.frame

    def months(self) -> list[str]:
        """The months of the frame's ``period`` column, in order."""
        from ..periods import month_index, month_label

        if self.frame is None or len(self.frame) == 0:
            return []
        codes, uniques = pd.factorize(self.frame["period"])
        idx = month_index(pd.Series(uniques, dtype=object))
        return [month_label(int(i)) for i in sorted(set(idx[idx >= 0].tolist()))]


def actuals_backend(dataset: object, backend: ActualsBackend | None = None) -> ActualsBackend:
    """The backend to read actuals from: ``backend`` when given, else the dataset's frame."""
    if backend is not None:
        if not isinstance(backend, ActualsBackend):
            from ..errors import PerfkitError

            raise PerfkitError(
                f"actuals backend {backend!r} has no monthly(employee_ids=, metrics=, months=) "
                "method; see perfkit.backends.ActualsBackend"
            )
        return backend
    return FrameActuals(getattr(dataset, "actuals", None))


def connect(source: object, **options: object) -> ActualsBackend:
    """An events backend from a URL or an Ibis object: :func:`perfkit.backends.ibis.connect`.

    Imported on first use, so that reading files never loads Ibis.
    """
    from .ibis import connect as _connect

    return _connect(source, **options)  # type: ignore[arg-type]


__all__ = ["MONTHLY_COLUMNS", "ActualsBackend", "FrameActuals", "actuals_backend", "connect"]
