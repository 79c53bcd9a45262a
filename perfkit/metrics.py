"""Raw monthly actuals to metric values: one value per employee, evaluation period and metric.

Each plan metric says how its value for a period is built from the monthly raw actuals
(``measure.agg``: sum, mean, last, ratio, growth) or from manager ratings (``rating``). This
module does that roll-up for every person whose role has a plan and who was employed at some
point in the period, and finds each person's target (targets file first, plan default
otherwise). The rules, with formulas, are in ``docs/engine.md``.

The roll-up is vectorized: ids, raw metric names and months become integer codes once (one
Arrow hashing pass over each text column), the actuals are laid into a dense ``raw metric x
month x employee`` array (only the months the requested periods and their growth baselines
need), and every measure is a reduction over a slice of it, month by month in time order,
done once per (period, raw metric) for everyone. Targets and ratings are rolled up with
``np.bincount`` on integer keys. Notes travel as integer codes. Nothing loops over employees
in Python. Generic frame helpers (codes, typed output frames) are in :mod:`perfkit.frames`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from .backends import ActualsBackend, actuals_backend
from .errors import DataError
from .frames import (
    Coded,
    arrow_strings,
    arrow_text,
    codes_against,
    join_text,
    label_codes,
    long_frame,
)
from .periods import MONTHS_PER, Period, month_index, month_label, parse_period
from .plans import Metric, Plan

#: Notes written in the ``note`` column (stable text, tests and reports match on it).
NOTE_NO_DATA = "no data"
NOTE_DENOMINATOR_ZERO = "denominator is not above zero"
NOTE_NO_BASELINE = "no baseline"
NOTE_BASELINE_ZERO = "baseline is zero"
NOTE_NOT_RATED = "not rated"
NOTE_PARTIAL_BASELINE = "partial baseline"
NOTE_PARTIAL_PERIOD = "partial current period"
NOTE_PARTIAL_TARGETS = "targets file covers only part of the period; plan default target used"

#: Output columns of :func:`metric_values`, in order.
VALUE_COLUMNS = ["employee_id", "period", "role", "team", "metric", "actual", "target", "note"]

_SUB_KINDS = ("half", "quarter", "month")  # coarse first: the first kind covering a period wins


# -- small helpers -----------------------------------------------------------------------

#: Notes of metric values by code (``note.codes`` of a :class:`MetricBlock`): what the value
#: says, then the same followed by :data:`NOTE_PARTIAL_TARGETS` (code + :data:`PARTIAL`).
_VALUE_NOTES = (
    "", NOTE_NO_DATA, NOTE_DENOMINATOR_ZERO, NOTE_NO_BASELINE, NOTE_BASELINE_ZERO, NOTE_NOT_RATED,
    NOTE_PARTIAL_BASELINE, NOTE_PARTIAL_PERIOD,
)  # fmt: skip
(
    _OK, _NO_DATA, _DENOMINATOR_ZERO, _NO_BASELINE, _BASELINE_ZERO, _NOT_RATED,
    _PARTIAL_BASELINE, _PARTIAL_PERIOD,
) = range(len(_VALUE_NOTES))  # fmt: skip
PARTIAL = len(_VALUE_NOTES)
VALUE_NOTE_LABELS = np.array(
    [*_VALUE_NOTES, *(join_text(v, NOTE_PARTIAL_TARGETS) for v in _VALUE_NOTES)], dtype=object
)


def month_codes(labels: pd.Series) -> np.ndarray:
    """Month indices of ``YYYY-MM`` labels, parsing each distinct label once (-1 if not a month)."""
    codes, uniques = label_codes(labels)
    idx = month_index(uniques) if len(uniques) else np.empty(0, np.int64)
    return np.append(idx, -1).astype(np.int64)[codes]


def period_spans(labels: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First month, last month and kind (0 month .. 3 year) of any period labels; -1 if invalid."""
    codes, uniques = label_codes(labels)
    firsts, lasts, kinds = [], [], []
    kind_code = {"month": 0, "quarter": 1, "half": 2, "year": 3}
    for u in uniques:  # distinct labels only: a few dozen
        try:
            p = parse_period(str(u))
        except Exception:  # noqa: BLE001 - the loader reports bad labels; here they just match nothing
            firsts.append(-1)
            lasts.append(-1)
            kinds.append(-1)
            continue
        firsts.append(p.first)
        lasts.append(p.last)
        kinds.append(kind_code[p.kind])
    pad = [-1]
    return (
        np.array(firsts + pad, dtype=np.int64)[codes],
        np.array(lasts + pad, dtype=np.int64)[codes],
        np.array(kinds + pad, dtype=np.int64)[codes],
    )


def as_periods(periods: Iterable[str | Period] | str | Period) -> list[Period]:
    """Parse one or several period labels into a de-duplicated list of :class:`Period`."""
    items = [periods] if isinstance(periods, str | Period) else list(periods)
    out: list[Period] = []
    for p in items:
        parsed = parse_period(p)
        if parsed not in out:
            out.append(parsed)
    return out


def _to_days(values: Any) -> np.ndarray:
    """Dates as ``datetime64[D]`` (NaT kept)."""
    arr = pd.to_datetime(pd.Series(values), errors="coerce").to_numpy()
    return arr.astype("datetime64[D]")


def employed_days(hire: np.ndarray, leave: np.ndarray, period: Period) -> np.ndarray:
    """Calendar days each person was employed in ``period``, hire and leave dates inclusive.

    Parameters
    ----------
    hire, leave : numpy.ndarray of datetime64[D]
        First and last day employed; NaT hire means "before the period", NaT leave "still employed".
    period : Period

    Returns
    -------
    numpy.ndarray of int64
        0 for people not employed at any point in the period.
    """
    start = np.datetime64(period.start, "D")
    end = np.datetime64(period.end, "D")
    first = np.where(np.isnat(hire), start, np.maximum(hire, start))
    last = np.where(np.isnat(leave), end, np.minimum(leave, end))
    days = (last - first).astype(np.int64) + 1
    return np.clip(days, 0, None)


# -- data structures ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Roster:
    """Employees whose role has a plan, as arrays; an employee's code is its position.

    Attributes
    ----------
    ids, names, roles, teams, managers, currencies : numpy.ndarray of object
    hire, leave : numpy.ndarray of datetime64[D]
    annual_bonus : numpy.ndarray of float64
    rank : numpy.ndarray of int64
        Position of each id in sorted order (for deterministic sorting).
    index : pandas.Index
        The ids, to look codes up.

    :meth:`text` gives a text column as Arrow labels, for :class:`~perfkit.frames.Coded`.
    """

    ids: np.ndarray
    names: np.ndarray
    roles: np.ndarray
    teams: np.ndarray
    managers: np.ndarray
    currencies: np.ndarray
    hire: np.ndarray
    leave: np.ndarray
    annual_bonus: np.ndarray
    rank: np.ndarray
    index: pd.Index
    arrow: dict[str, Any] = field(default_factory=dict, repr=False)

    def text(self, name: str) -> Any:
        """Column ``name`` (``ids``, ``names``, ``teams``, ...) as Arrow text, made once."""
        if name not in self.arrow:
            self.arrow[name] = arrow_text(getattr(self, name))
        return self.arrow[name]

    @classmethod
    def from_employees(cls, employees: pd.DataFrame, *, roles: Iterable[str]) -> Roster:
        """Build the roster of employees whose role is in ``roles``.

        Raises
        ------
        DataError
            If a needed column is missing or an employee id is repeated.
        """
        need = ["employee_id", "role", "team", "hire_date"]
        missing = [c for c in need if c not in employees.columns]
        if missing:
            raise DataError(
                f"employees: missing column(s) {', '.join(missing)}; the employees file needs "
                f"{', '.join(need)} (see docs/data.md)"
            )
        import pyarrow.compute as pc

        roles = set(roles)
        emp = employees[employees["role"].isin(list(roles))]
        n = len(emp)
        arrow: dict[str, Any] = {}  # Arrow-backed text columns, kept for labels as they are

        def col(name: str, key: str) -> np.ndarray:
            if name not in emp.columns:
                return np.full(n, "", dtype=object)
            data = arrow_strings(emp[name])
            if data is not None:
                arrow[key] = data.combine_chunks().cast("large_string")
            return emp[name].astype(object).to_numpy()

        ids = col("employee_id", "ids")
        index = pd.Index(ids)
        if not index.is_unique:
            first = ids[pd.Series(ids).duplicated().to_numpy()][0]
            raise DataError(
                f"employees: employee_id {first!r} appears more than once; ids must be unique"
            )
        leave = emp["leave_date"] if "leave_date" in emp.columns else pd.Series([pd.NaT] * n)
        bonus = (
            pd.to_numeric(emp["annual_target_bonus"], errors="coerce").to_numpy(dtype=np.float64)
            if "annual_target_bonus" in emp.columns
            else np.full(n, np.nan)
        )
        rank = np.empty(n, dtype=np.int64)
        if "ids" in arrow and arrow["ids"].null_count == 0:  # UTF-8 order is code point order
            rank[pc.sort_indices(arrow["ids"]).to_numpy()] = np.arange(n)
        else:
            rank[np.argsort(ids.astype(str), kind="stable")] = np.arange(n)
        return cls(
            ids=ids,
            names=col("name", "names"),
            roles=col("role", "roles"),
            teams=col("team", "teams"),
            managers=col("manager_id", "managers"),
            currencies=col("currency", "currencies"),
            hire=_to_days(emp["hire_date"].to_numpy()),
            leave=_to_days(leave.to_numpy()),
            annual_bonus=bonus,
            rank=rank,
            index=index,
            arrow=arrow,
        )


@dataclass(frozen=True, eq=False)
class MetricBlock:
    """Metric values of one role: ``n`` person-periods (all periods) by the plan's ``k`` metrics.

    Attributes
    ----------
    plan : Plan
    emp : numpy.ndarray (n,)
        Roster codes.
    period_pos : numpy.ndarray (n,)
        Position of the row's period in :attr:`MetricTable.periods` (rows are grouped by
        period, in that order, then in roster order).
    days : numpy.ndarray (n,)
        Calendar days employed in the period (hire and leave dates inclusive).
    actual, target : numpy.ndarray (n, k)
    note : Coded
        Codes ``(n, k)`` into :data:`VALUE_NOTE_LABELS` (``""`` where there is nothing to say).
    """

    plan: Plan
    emp: np.ndarray
    period_pos: np.ndarray
    days: np.ndarray
    actual: np.ndarray
    target: np.ndarray
    note: Coded

    @property
    def n(self) -> int:
        """Number of person-periods."""
        return len(self.emp)


@dataclass(frozen=True, eq=False)
class MetricTable:
    """Metric values in matrix form, one :class:`MetricBlock` per role (internal to the engine).

    :meth:`to_frame` gives the long frame of :func:`metric_values`.
    """

    roster: Roster
    periods: list[Period]
    blocks: list[MetricBlock] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """The long frame: one row per employee, period and plan metric (see :func:`metric_values`)."""
        parts = []
        labels = np.array([p.label for p in self.periods], dtype=object)
        r = self.roster
        for b in self.blocks:
            k = len(b.plan.metrics)
            keys = np.array(b.plan.metric_keys, dtype=object)
            emp = np.repeat(b.emp, k)
            metric = np.tile(np.arange(k), b.n)
            parts.append(
                {
                    "employee_id": Coded(emp, r.text("ids")),
                    "period": Coded(np.repeat(b.period_pos, k), labels),
                    "role": Coded(np.zeros(b.n * k, dtype=np.int64), np.array([b.plan.role]), 1),
                    "team": Coded(emp, r.text("teams")),
                    "metric": Coded(metric, keys, k),
                    "actual": b.actual.ravel(),
                    "target": b.target.ravel(),
                    "note": b.note,
                    "_p": np.repeat(b.period_pos, k),
                    "_r": r.rank[emp],
                    "_m": metric,
                }
            )
        return long_frame(parts, VALUE_COLUMNS)


# -- the roll-up -------------------------------------------------------------------------


def _baseline(period: Period, baseline: str | None) -> Period | None:
    if baseline == "previous_period":
        return period.previous()
    if baseline == "same_period_last_year":
        return period.same_last_year()
    return None


class _Actuals:
    """The actuals laid out as a dense ``raw metric x needed month x roster`` array.

    :meth:`rolled` reduces the months of one period for the whole roster at once (each
    month of a raw metric is one contiguous row), each (period, raw metric, aggregation)
    once however many plans and metrics use it; :meth:`ratio_sums` sums a numerator and a
    denominator over the months holding both; :meth:`whole` says who has a whole period of
    a raw metric (employed throughout, every month present), for growth.
    """

    def __init__(self, actuals: pd.DataFrame, roster: Roster, raw: list[str], months: list[int]):
        self.raw = {name: i for i, name in enumerate(raw)}
        self.months = sorted(set(months))
        self.hire, self.leave = roster.hire, roster.leave
        n, nm = len(roster.ids), len(self.months)
        self.n = n
        self.cube = np.full((len(raw), nm, n), np.nan)
        self._rolled: dict[tuple, Any] = {}
        self._months: dict[tuple[int, int, str], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        if actuals is None or len(actuals) == 0 or not raw or not self.months:
            return
        need = ["employee_id", "period", "metric", "value"]
        missing = [c for c in need if c not in actuals.columns]
        if missing:
            raise DataError(f"actuals: missing column(s) {', '.join(missing)}; see docs/data.md")
        e = codes_against(actuals["employee_id"], roster.index, dtype=None)
        m = codes_against(actuals["metric"], pd.Index(raw), dtype=None)
        c = self._columns(actuals["period"])
        flat = m.astype(np.int64)
        flat *= nm
        flat += c
        flat *= n
        flat += e
        v = actuals["value"]
        values = (
            v.to_numpy()
            if v.dtype == np.float64
            else pd.to_numeric(v, errors="coerce").to_numpy(dtype=np.float64)
        )
        if min(e.min(), m.min(), c.min()) >= 0:  # every row placed
            self.cube.reshape(-1)[flat] = values
        else:
            keep = (e >= 0) & (m >= 0) & (c >= 0)
            self.cube.reshape(-1)[flat[keep]] = values[keep]

    def _columns(self, labels: pd.Series) -> np.ndarray:
        """Cube column of each month label (-1 for months not needed).

        One lookup against the ``YYYY-MM`` labels of the 20 years around the needed months
        places almost every row; any other label (another spelling, a far-off month) is
        parsed, each distinct one once.
        """
        window = range(self.months[0] - 240, self.months[-1] + 241)
        col_of = pd.Index(self.months).get_indexer(np.array(window)).astype(np.int32)
        pos = codes_against(labels, pd.Index([month_label(m) for m in window]), dtype=None)
        col = np.append(col_of, np.int32(-1))[pos]
        rest = np.flatnonzero(pos < 0)
        if rest.size:
            codes, uniques = label_codes(labels.iloc[rest])
            idx = month_index(uniques) if len(uniques) else np.empty(0, np.int64)
            col[rest] = np.append(pd.Index(self.months).get_indexer(idx), -1)[codes]
        return col

    def _block(
        self, period: Period, source: str
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """Values, presence and months present of ``source`` in ``period``: ``(months, roster)``.

        None when no month of the period can hold a value. Shared by every roll-up of one
        source and period.
        """
        key = (period.first, period.last, source)
        if key not in self._months:
            cols = [i for i, mo in enumerate(self.months) if period.first <= mo <= period.last]
            if not cols:
                return None
            sub = self.cube[self.raw[source], cols[0] : cols[-1] + 1]
            if cols[-1] - cols[0] + 1 != len(cols):
                sub = self.cube[self.raw[source], cols]
            present = ~np.isnan(sub)
            self._months[key] = (sub, present, present.sum(axis=0))
        return self._months[key]

    def rolled(self, period: Period, source: str, how: str) -> np.ndarray | None:
        """Roll-up of raw metric ``source`` over ``period`` for the whole roster.

        ``how`` is ``sum``, ``mean`` or ``last``. NaN where no month of the period holds a
        value; None when no month can. Kept for the other metrics and periods that need it.
        """
        key = (period.first, period.last, source, how)
        if key in self._rolled:
            return self._rolled[key]
        block = self._block(period, source)
        if block is None:
            self._rolled[key] = None
            return None
        sub, present, count = block  # (months, roster)
        if how == "last":
            last = sub.shape[0] - 1 - np.argmax(present[::-1], axis=0)
            value = sub[last, np.arange(sub.shape[1])]
        else:
            total = np.where(present[0], sub[0], 0.0)
            for j in range(1, sub.shape[0]):  # month by month, in time order
                total += np.where(present[j], sub[j], 0.0)
            value = total if how == "sum" else total / np.maximum(count, 1)
        out = np.where(count > 0, value, np.nan)
        self._rolled[key] = out
        return out

    def rollup(self, rows: np.ndarray, source: str, period: Period, how: str) -> np.ndarray:
        """Roll-up of raw metric ``source`` over ``period`` for roster ``rows``."""
        table = self.rolled(period, source, how)
        if table is None:
            return np.full(len(rows), np.nan)
        return table[rows]

    def ratio_sums(
        self, rows: np.ndarray, num: str, den: str, period: Period
    ) -> tuple[np.ndarray, np.ndarray]:
        """Sums of ``num`` and ``den`` over the months of ``period`` that hold **both**.

        A month holding only one of the two is left out of both sums, so a month of clicks
        without impressions cannot inflate a click-through rate. NaN where no month holds
        both. Added month by month in time order, once per (period, numerator, denominator).
        """
        key = (period.first, period.last, num, den, "ratio")
        if key not in self._rolled:
            a, b = self._block(period, num), self._block(period, den)
            if a is None or b is None:
                self._rolled[key] = None
            else:
                both = a[1] & b[1]  # (months, roster)
                tn = np.where(both[0], a[0][0], 0.0)
                td = np.where(both[0], b[0][0], 0.0)
                for j in range(1, both.shape[0]):  # month by month, in time order
                    tn += np.where(both[j], a[0][j], 0.0)
                    td += np.where(both[j], b[0][j], 0.0)
                some = both.any(axis=0)
                self._rolled[key] = (np.where(some, tn, np.nan), np.where(some, td, np.nan))
        sums = self._rolled[key]
        if sums is None:
            nan = np.full(len(rows), np.nan)
            return nan, nan
        return sums[0][rows], sums[1][rows]

    def whole(self, rows: np.ndarray, source: str, period: Period) -> np.ndarray:
        """Whether each of ``rows`` has a whole ``period`` of raw metric ``source``.

        Whole: employed on every day of the period (hire date on or before its first day,
        leave date empty or on or after its last day) and a value of ``source`` in every
        month of it. Growth compares only whole periods (see :func:`_value_of`).
        """
        key = (period.first, period.last, source, "whole")
        if key not in self._rolled:
            start = np.datetime64(period.start, "D")
            end = np.datetime64(period.end, "D")
            employed = (np.isnat(self.hire) | (self.hire <= start)) & (
                np.isnat(self.leave) | (self.leave >= end)
            )
            block = self._block(period, source)
            months = period.last - period.first + 1
            full = np.zeros(self.n, dtype=bool) if block is None else block[2] == months
            self._rolled[key] = employed & full
        return self._rolled[key][rows]


class _Targets:
    """Per-person targets from the targets file, coded once; :meth:`for_period` picks them."""

    def __init__(self, targets: pd.DataFrame | None, roster: Roster, keys: list[str]):
        self.n, self.k = len(roster.ids), len(keys)
        self.empty = targets is None or len(targets) == 0 or self.k == 0
        if targets is None or self.empty:
            return
        e = codes_against(targets["employee_id"], roster.index)
        m = codes_against(targets["metric"], pd.Index(keys))
        self.first, self.last, self.kind = period_spans(targets["period"])
        self.value = pd.to_numeric(targets["target"], errors="coerce").to_numpy(dtype=np.float64)
        self.ok = (e >= 0) & (m >= 0) & (self.first >= 0) & np.isfinite(self.value)
        self.key = e * self.k + m

    def for_period(self, period: Period) -> SimpleNamespace:
        """Dense ``(employees, metric keys)`` arrays for one evaluation period.

        ``exact``: the target recorded for exactly this period (NaN if none); ``covered``,
        ``sub_sum``, ``sub_mean``: per sub-period kind (coarse first), whether its targets
        cover every month of the period, and their sum and mean; ``partial``: sub-period
        targets exist but cover only part of the period.
        """
        n, k = self.n, self.k
        out = SimpleNamespace(
            exact=np.full((n, k), np.nan), covered=[], sub_sum=[], sub_mean=[],
            partial=np.zeros((n, k), dtype=bool),
        )  # fmt: skip
        if self.empty:
            return out
        ok, key, value, first, last = self.ok, self.key, self.value, self.first, self.last
        exact = ok & (first == period.first) & (last == period.last)
        out.exact.reshape(-1)[key[exact]] = value[exact]
        inside = ok & (first >= period.first) & (last <= period.last) & ~exact
        if not inside.any():
            return out
        length = period.last - period.first + 1
        kind_code = {"month": 0, "quarter": 1, "half": 2, "year": 3}
        any_inside = np.bincount(key[inside], minlength=n * k).reshape(n, k) > 0
        any_covered = np.zeros((n, k), dtype=bool)
        for sub in _SUB_KINDS:
            if MONTHS_PER[sub] >= length:
                continue
            sel = inside & (self.kind == kind_code[sub])
            kk = key[sel]
            cnt = np.bincount(kk, minlength=n * k).reshape(n, k)
            tot = np.bincount(kk, weights=value[sel], minlength=n * k).reshape(n, k)
            cov = (cnt * MONTHS_PER[sub] == length) & ~any_covered
            out.covered.append(cov)
            out.sub_sum.append(tot)
            out.sub_mean.append(tot / np.maximum(cnt, 1))
            any_covered |= cov
        out.partial = any_inside & ~any_covered & np.isnan(out.exact)
        return out


def _shrunk(value: np.ndarray, num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """A ratio's empirical-Bayes rates (``measure.shrink``) over one role's people in a period.

    The beta prior is fitted to the pairs that are rates (``0 <= num <= den``, ``den > 0``;
    :func:`perfkit.ebayes.usable`) and each of them becomes ``(a + x) / (a + b + n)``. A
    pair that is not a rate, or a cohort of fewer than two rates, keeps its raw ratio
    (``docs/plans.md``); an unmeasured value stays unmeasured.
    """
    from .ebayes import fit_beta_prior, shrink, usable  # scipy: only for plans that shrink

    ok = usable(num, den) & ~np.isnan(value)
    if ok.sum() < 2:
        return value
    prior = fit_beta_prior(num[ok], den[ok])
    out = value.copy()
    out[ok] = shrink(num[ok], den[ok], prior=prior)
    return out


def _value_of(
    store: _Actuals, rows: np.ndarray, m: Metric, period: Period, ratings: SimpleNamespace
) -> tuple[np.ndarray, np.ndarray]:
    """Value of metric ``m`` for ``rows`` in ``period`` and its note code (see VALUE_NOTE_LABELS)."""
    ms = m.measure
    note = np.zeros(len(rows), dtype=np.int64)
    if ms.agg in ("sum", "mean", "last"):
        value = store.rollup(rows, ms.source, period, ms.agg)
        note[np.isnan(value)] = _NO_DATA
    elif ms.agg == "ratio":  # over the months holding both numerator and denominator
        num, den = store.ratio_sums(rows, ms.source, ms.denominator or "", period)
        nodata = np.isnan(num) | np.isnan(den)
        zero = ~nodata & ~(den > 0)  # zero or negative: a ratio with no meaning, never a top score
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(nodata | zero, np.nan, num / np.where(zero, 1.0, den))
        if ms.shrink:
            value = _shrunk(value, num, den)
        note[nodata] = _NO_DATA
        note[zero] = _DENOMINATOR_ZERO
    elif ms.agg == "growth":
        cur = store.rollup(rows, ms.source, period, ms.of)
        base_period = _baseline(period, ms.baseline)
        assert base_period is not None  # the plan model requires a baseline for growth
        base = store.rollup(rows, ms.source, base_period, ms.of)
        # only whole periods are compared: a part-period on either side is not measured
        nodata = np.isnan(cur)
        nobase = ~nodata & np.isnan(base)
        part_cur = ~nodata & ~nobase & ~store.whole(rows, ms.source, period)
        part_base = ~nodata & ~nobase & ~part_cur & ~store.whole(rows, ms.source, base_period)
        zero = ~nodata & ~nobase & ~part_cur & ~part_base & (base == 0)
        bad = nodata | nobase | part_cur | part_base | zero
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(bad, np.nan, cur / np.where(zero, 1.0, base) - 1.0)
        note[nodata] = _NO_DATA
        note[nobase] = _NO_BASELINE
        note[part_cur] = _PARTIAL_PERIOD
        note[part_base] = _PARTIAL_BASELINE
        note[zero] = _BASELINE_ZERO
    else:  # rating
        value = ratings.mean(rows, ms.source)
        note[np.isnan(value)] = _NOT_RATED
    return value * ms.scale, note


class _Ratings:
    """Manager ratings coded once; :meth:`for_period` averages them per person and name."""

    def __init__(self, ratings: pd.DataFrame | None, roster: Roster, names: list[str]):
        self.n, self.k = len(roster.ids), len(names)
        self.names = {name: i for i, name in enumerate(names)}
        self.empty = ratings is None or len(ratings) == 0 or self.k == 0
        if ratings is None or self.empty:
            return
        e = codes_against(ratings["employee_id"], roster.index)
        m = codes_against(ratings["metric"], pd.Index(names))
        self.first, self.last, _ = period_spans(ratings["period"])
        self.value = pd.to_numeric(ratings["rating"], errors="coerce").to_numpy(dtype=np.float64)
        if "rater_id" in ratings.columns:
            rid = ratings["rater_id"]
            if not isinstance(rid.dtype, pd.StringDtype):
                rid = rid.astype(object)
            rater, _ = pd.factorize(rid.fillna(""))  # a blank rater is one rater
        else:
            rater = np.zeros(len(ratings), dtype=np.int64)
        self.ok = (e >= 0) & (m >= 0) & (self.first >= 0) & np.isfinite(self.value)
        self.nr = int(rater.max()) + 1 if len(rater) else 1
        self.key3 = (e * self.k + m) * self.nr + rater

    def for_period(self, period: Period) -> SimpleNamespace:
        """``table``: the mean over raters of each rater's mean rating inside ``period``."""
        table = np.full((self.n, self.k), np.nan)
        out = SimpleNamespace(table=table, mean=lambda rows, name: table[rows, self.names[name]])
        if self.empty:
            return out
        ok = self.ok & (self.first >= period.first) & (self.last <= period.last)
        if not ok.any():
            return out
        uniq, inv = np.unique(self.key3[ok], return_inverse=True)
        per_rater = np.bincount(inv, weights=self.value[ok]) / np.bincount(inv)
        u2, inv2 = np.unique(uniq // self.nr, return_inverse=True)
        table.reshape(-1)[u2] = np.bincount(inv2, weights=per_rater) / np.bincount(inv2)
        return out


def _needed_months(plans: Mapping[str, Plan], periods: list[Period]) -> list[int]:
    months: set[int] = set()
    baselines = {m.measure.baseline for p in plans.values() for m in p.metrics}
    for period in periods:
        months.update(range(period.first, period.last + 1))
        for b in baselines:
            bp = _baseline(period, b)
            if bp is not None:
                months.update(range(bp.first, bp.last + 1))
    return sorted(months)


def _default_target(m: Metric, plan: Plan, period: Period) -> float:
    """The plan's default target, stated per plan period; ``sum`` metrics scale by months."""
    if m.measure.agg == "sum":
        months = period.last - period.first + 1
        return m.target * months / MONTHS_PER[plan.period]
    return m.target


def _fill_period(
    block: MetricBlock,
    rows: slice,
    period: Period,
    *,
    store: _Actuals,
    targets: SimpleNamespace,
    ratings: SimpleNamespace,
    key_pos: dict[str, int],
) -> None:
    """Write actual, target and note codes of one period's ``rows`` of a role's block."""
    plan, emp = block.plan, block.emp[rows]
    actual, note = block.actual[rows], block.note.codes[rows]
    for j, m in enumerate(plan.metrics):
        actual[:, j], note[:, j] = _value_of(store, emp, m, period, ratings)
    # targets: exactly this period, else sub-periods covering it (coarse first), else default
    cells = np.ix_(emp, np.array([key_pos[m.key] for m in plan.metrics], dtype=np.intp))
    is_sum = np.array([m.measure.agg == "sum" for m in plan.metrics])
    target = targets.exact[cells]
    for cov, s_sum, s_mean in zip(targets.covered, targets.sub_sum, targets.sub_mean, strict=True):
        use = np.isnan(target) & cov[cells]
        target = np.where(use, np.where(is_sum, s_sum[cells], s_mean[cells]), target)
    default = np.array([_default_target(m, plan, period) for m in plan.metrics])
    block.target[rows] = np.where(np.isnan(target), default, target)
    note += PARTIAL * targets.partial[cells]


def compute_metric_table(
    dataset: Any,
    *,
    plans: Mapping[str, Plan],
    periods: Iterable[str | Period] | str | Period,
    backend: ActualsBackend | None = None,
) -> MetricTable:
    """Metric values of every planned person-period in matrix form (the engine's inner step).

    Same parameters as :func:`metric_values`; returns a :class:`MetricTable` with one
    :class:`MetricBlock` per role, whose :meth:`~MetricTable.to_frame` is the long frame.
    The monthly raw actuals come from ``backend`` (see :mod:`perfkit.backends`; by default
    the dataset's ``actuals`` frame).
    """
    periods = as_periods(periods)
    roster = Roster.from_employees(dataset.employees, roles=plans.keys())
    raw = sorted(
        {m.measure.source for p in plans.values() for m in p.metrics if m.measure.agg != "rating"}
        | {
            m.measure.denominator
            for p in plans.values()
            for m in p.metrics
            if m.measure.denominator
        }
    )
    rating_names = sorted(
        {m.measure.source for p in plans.values() for m in p.metrics if m.measure.agg == "rating"}
    )
    keys = sorted({m.key for p in plans.values() for m in p.metrics})
    key_pos = {k: i for i, k in enumerate(keys)}
    needed = _needed_months(plans, periods)
    monthly = actuals_backend(dataset, backend).monthly(
        employee_ids=list(roster.ids), metrics=raw, months=[month_label(m) for m in needed]
    )
    store = _Actuals(monthly, roster, raw, needed)
    all_targets = _Targets(getattr(dataset, "targets", None), roster, keys)
    all_ratings = _Ratings(getattr(dataset, "ratings", None), roster, rating_names)
    # one block per role: its people employed in each period, period by period
    days = [employed_days(roster.hire, roster.leave, p) for p in periods]
    table = MetricTable(roster=roster, periods=periods)
    spans: list[list[slice]] = []
    for role in sorted(plans):
        is_role = roster.roles == role
        rows = [np.flatnonzero(is_role & (d > 0)) for d in days]
        sizes = [len(r) for r in rows]
        n, k = sum(sizes), len(plans[role].metrics)
        emp = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
        table.blocks.append(
            MetricBlock(
                plan=plans[role],
                emp=emp,
                period_pos=np.repeat(np.arange(len(periods)), sizes),
                days=np.concatenate(
                    [d[r] for d, r in zip(days, rows, strict=True)] or [np.array([])]
                ),
                actual=np.empty((n, k)),
                target=np.empty((n, k)),
                note=Coded(np.empty((n, k), dtype=np.int64), VALUE_NOTE_LABELS),
            )  # fmt: skip
        )
        ends = np.cumsum(sizes)
        spans.append([slice(e - size, e) for e, size in zip(ends, sizes, strict=True)])
    for pos, period in enumerate(periods):
        targets = all_targets.for_period(period)
        ratings = all_ratings.for_period(period)
        for block, span in zip(table.blocks, spans, strict=True):
            _fill_period(
                block, span[pos], period, store=store, targets=targets, ratings=ratings,
                key_pos=key_pos,
            )  # fmt: skip
    return table


def metric_values(
    dataset: Any,
    *,
    plans: Mapping[str, Plan],
    periods: Iterable[str | Period] | str | Period,
    backend: ActualsBackend | None = None,
) -> pd.DataFrame:
    """Roll monthly raw actuals up to one value per employee, evaluation period and plan metric.

    Parameters
    ----------
    dataset : perfkit.io.Dataset
        Any object with ``employees``, ``actuals``, ``targets`` and ``ratings`` frames
        (columns as in ``docs/data.md``).
    plans : mapping of str to Plan
        Plans by role; employees of other roles are left out.
    periods : label, Period or list of them
        The evaluation periods, e.g. ``"2026Q3"`` or ``["2026Q2", "2026Q3"]``.
    backend : ActualsBackend, optional
        Where the monthly raw actuals come from (:mod:`perfkit.backends`); by default the
        dataset's ``actuals`` frame.

    Returns
    -------
    pandas.DataFrame
        One row per employee employed at some point in the period, period and plan metric,
        sorted by period (as given), employee id and the plan's metric order:

        - ``employee_id``, ``period``, ``role``, ``team``, ``metric`` (plan metric key): str
        - ``actual`` : float, the metric value (NaN when it cannot be measured; see ``note``)
        - ``target`` : float, targets file first, else the plan default (scaled by months for
          ``sum`` metrics evaluated over another period kind)
        - ``note`` : str, ``""`` or why a value is missing / how the target was chosen

    Notes
    -----
    With :math:`x_{t}` the raw value in month :math:`t` of period :math:`P` (missing months
    skipped): ``sum`` :math:`\\sum_t x_t`, ``mean`` :math:`\\frac{1}{|T|}\\sum_t x_t`, ``last``
    the value of the latest month present, ``ratio`` :math:`\\sum_t x_t / \\sum_t d_t` over
    the months :math:`t` holding both :math:`x_t` and :math:`d_t`, ``growth``
    :math:`v(P)/v(B) - 1` for the baseline period :math:`B` (only when both :math:`P` and
    :math:`B` are whole for the person: employed throughout and every month present;
    otherwise NaN, note ``partial current period`` or ``partial baseline``), ``rating`` the
    mean over raters of each rater's mean rating in :math:`P`. Each value is multiplied by
    ``measure.scale``. Full rules in ``docs/engine.md``.

    Examples
    --------
    >>> import perfkit
    >>> data = perfkit.load_dataset("data/sample")  # doctest: +SKIP
    >>> plans = perfkit.load_plans("templates/plans")  # doctest: +SKIP
    >>> metric_values(data, plans=plans, periods="2026Q3").head()  # doctest: +SKIP
    """
    return compute_metric_table(dataset, plans=plans, periods=periods, backend=backend).to_frame()
