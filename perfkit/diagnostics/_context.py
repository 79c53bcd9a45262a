"""What every check reads: one role's evaluated history, and the data set when there is one."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..periods import Period, parse_period
from ..plans import Plan

#: Tenure bands in years at the end of the period (the usual HR split).
TENURE_EDGES = (2.0, 5.0)
TENURE_LABELS = ("under 2 years", "2-5 years", "over 5 years")


@dataclass(frozen=True)
class RoleData:
    """One role's evaluated history up to the diagnosed period.

    Attributes
    ----------
    plan : Plan
    period : Period
        The diagnosed period (the latest of the history).
    periods : list of str
        Labels of the evaluated periods, oldest first, ending with ``period``.
    results, scores : DataFrame
        ``Evaluation.results`` and ``Evaluation.scores`` of this role, every period.
    dataset : Dataset or None
        The input data, for the checks that read monthly actuals, ratings or hire dates.
    """

    plan: Plan
    period: Period
    periods: list[str]
    results: pd.DataFrame
    scores: pd.DataFrame
    dataset: Any = None

    @property
    def role(self) -> str:
        return self.plan.role

    @property
    def label(self) -> str:
        return self.period.label

    @property
    def current(self) -> pd.DataFrame:
        """The results of the diagnosed period."""
        return self.results[self.results["period"] == self.label]

    @cached_property
    def _cube(self) -> tuple[pd.Index, pd.Index, dict[str, np.ndarray]]:
        """The role's monthly actuals as (people, months) arrays by raw metric, built once."""
        a = self.dataset.actuals
        a = a[a["employee_id"].isin(self.results["employee_id"].unique())]
        ids = pd.Index(sorted(a["employee_id"].unique()))
        months = pd.Index(sorted(a["period"].unique()))
        i = ids.get_indexer(a["employee_id"])
        j = months.get_indexer(a["period"])
        cube = {}
        for metric, rows in a.groupby("metric", observed=True).indices.items():
            grid = np.full((len(ids), len(months)), np.nan)
            values = a["value"].to_numpy(dtype=float)[rows]
            ok = ~np.isnan(values)
            grid[i[rows][ok], j[rows][ok]] = 0.0
            np.add.at(grid, (i[rows][ok], j[rows][ok]), values[ok])
            cube[str(metric)] = grid
        return ids, months, cube

    def monthly(self, employee_ids: np.ndarray, source: str, months: list[str]) -> np.ndarray:
        """(people, months) of raw ``source``, NaN where missing (one pass per role)."""
        ids, cols, cube = self._cube
        out = np.full((len(employee_ids), len(months)), np.nan)
        if source not in cube:
            return out
        r = ids.get_indexer(pd.Index(employee_ids))
        c = cols.get_indexer(pd.Index(months))
        ok_r, ok_c = r >= 0, c >= 0
        out[np.ix_(ok_r, ok_c)] = cube[source][np.ix_(r[ok_r], c[ok_c])]
        return out

    def tenure(self, employee_ids: pd.Series) -> pd.Series:
        """Tenure band at the end of the period, by employee id (NaN without a hire date)."""
        if self.dataset is None:
            return pd.Series(np.nan, index=employee_ids.index, dtype=object)
        hire = self.dataset.employees.set_index("employee_id")["hire_date"]
        end = pd.Timestamp(self.period.end)
        years = (end - employee_ids.map(hire)).dt.days / 365.25
        band = np.digitize(years.to_numpy(dtype=float), TENURE_EDGES)
        labels = np.array(TENURE_LABELS, dtype=object)[np.clip(band, 0, 2)]
        return pd.Series(np.where(years.notna(), labels, None), index=employee_ids.index)


def history_periods(period: Period, *, months: list[str] | None, n: int) -> list[Period]:
    """Up to ``n`` periods of ``period``'s kind ending with it, each wholly in ``months``."""
    present = None if months is None else set(months)
    out = []
    for k in range(n - 1, -1, -1):
        p = period.shift(-k)
        if present is None or all(m in present for m in p.months):
            out.append(p)
    if not out or out[-1] != period:
        out.append(period)
    return sorted(set(out))


def full_months(dataset: Any, employee_ids: np.ndarray, months: list[str]) -> np.ndarray:
    """(people, months) True where the person was employed every day of the month."""
    emp = dataset.employees.set_index("employee_id").reindex(employee_ids)
    periods = [parse_period(m) for m in months]
    starts = np.array([np.datetime64(p.start) for p in periods], dtype="datetime64[D]")
    ends = np.array([np.datetime64(p.end) for p in periods], dtype="datetime64[D]")
    hire = emp["hire_date"].to_numpy(dtype="datetime64[D]")[:, None]
    leave = emp["leave_date"].to_numpy(dtype="datetime64[D]")[:, None]
    hired = np.isnat(hire) | (hire <= starts[None, :])
    stayed = np.isnat(leave) | (leave >= ends[None, :])
    return hired & stayed
