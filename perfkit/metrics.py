"""Raw monthly actuals to metric values: one value per employee, evaluation period and metric.

Each plan metric says how its value for a period is built from the monthly raw actuals
(``measure.agg``: sum, mean, last, ratio, growth) or from manager ratings (``rating``). This
module does that roll-up for every person whose role has a plan and who was employed at some
point in the period, and finds each person's target (targets file first, plan default
otherwise). The rules, with formulas, are in ``docs/engine.md``.

The roll-up is vectorized: ids, raw metric names and months become integer codes once, the
actuals are laid into a dense ``employee x raw metric x month`` array (only the months the
requested periods and their growth baselines need), and every measure is an array reduction
over a slice of it. Nothing loops over employees in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError
from .periods import MONTHS_PER, Period, month_index, parse_period
from .plans import Metric, Plan

#: Notes written in the ``note`` column (stable text, tests and reports match on it).
NOTE_NO_DATA = "no data"
NOTE_DENOMINATOR_ZERO = "denominator is zero"
NOTE_NO_BASELINE = "no baseline"
NOTE_BASELINE_ZERO = "baseline is zero"
NOTE_NOT_RATED = "not rated"
NOTE_PARTIAL_TARGETS = "targets file covers only part of the period; plan default target used"

#: Output columns of :func:`metric_values`, in order.
VALUE_COLUMNS = ["employee_id", "period", "role", "team", "metric", "actual", "target", "note"]

_SUB_KINDS = ("half", "quarter", "month")  # coarse first: the first kind covering a period wins


# -- small array helpers -----------------------------------------------------------------


def codes_against(values: pd.Series | np.ndarray, index: pd.Index) -> np.ndarray:
    """Position of each value in ``index`` (``-1`` where absent), hashing each distinct value once.

    Parameters
    ----------
    values : Series or array
        Labels, e.g. two million employee ids; categorical series are used as codes directly.
    index : pandas.Index
        Unique labels to look the values up in.

    Returns
    -------
    numpy.ndarray of int64
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy()
        lookup = index.get_indexer(s.cat.categories)
    else:
        codes, uniques = pd.factorize(s)
        lookup = index.get_indexer(uniques)
    lookup = np.append(lookup, -1).astype(np.int64)  # code -1 (missing value) -> -1
    return lookup[codes]


def month_codes(labels: pd.Series) -> np.ndarray:
    """Month indices of ``YYYY-MM`` labels, parsing each distinct label once (-1 if not a month)."""
    codes, uniques = pd.factorize(labels)
    idx = month_index(np.asarray(uniques, dtype=object)) if len(uniques) else np.empty(0, np.int64)
    return np.append(idx, -1).astype(np.int64)[codes]


def period_spans(labels: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First month, last month and kind (0 month .. 3 year) of any period labels; -1 if invalid."""
    codes, uniques = pd.factorize(labels)
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


def join_notes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Join two object arrays of notes with ``"; "``, skipping empty ones."""
    a = np.asarray(a, dtype=object)
    b = np.asarray(b, dtype=object)
    a_empty = a == ""
    b_empty = b == ""
    out = np.where(a_empty, b, a)
    both = ~a_empty & ~b_empty
    if both.any():
        out[both] = a[both] + "; " + b[both]
    return out


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

    @property
    def index(self) -> pd.Index:
        """The ids as an Index, to look codes up."""
        return pd.Index(self.ids)

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
        roles = set(roles)
        emp = employees[employees["role"].isin(list(roles))]
        ids = emp["employee_id"].astype(object).to_numpy()
        dup = pd.Series(ids).duplicated()
        if dup.any():
            first = ids[dup.to_numpy()][0]
            raise DataError(
                f"employees: employee_id {first!r} appears more than once; ids must be unique"
            )
        n = len(emp)

        def col(name: str, default: Any) -> np.ndarray:
            if name in emp.columns:
                return emp[name].astype(object).to_numpy()
            return np.full(n, default, dtype=object)

        leave = emp["leave_date"] if "leave_date" in emp.columns else pd.Series([pd.NaT] * n)
        bonus = (
            pd.to_numeric(emp["annual_target_bonus"], errors="coerce").to_numpy(dtype=np.float64)
            if "annual_target_bonus" in emp.columns
            else np.full(n, np.nan)
        )
        rank = np.empty(n, dtype=np.int64)
        rank[np.argsort(ids.astype(str), kind="stable")] = np.arange(n)
        return cls(
            ids=ids,
            names=col("name", ""),
            roles=col("role", ""),
            teams=col("team", ""),
            managers=col("manager_id", ""),
            currencies=col("currency", ""),
            hire=_to_days(emp["hire_date"].to_numpy()),
            leave=_to_days(leave.to_numpy()),
            annual_bonus=bonus,
            rank=rank,
        )


@dataclass(frozen=True, eq=False)
class MetricBlock:
    """Metric values of one role: ``n`` person-periods by the plan's ``k`` metrics.

    Attributes
    ----------
    plan : Plan
    emp : numpy.ndarray (n,)
        Roster codes.
    period_pos : numpy.ndarray (n,)
        Position of the row's period in :attr:`MetricTable.periods`.
    days : numpy.ndarray (n,)
        Calendar days employed in the period (hire and leave dates inclusive).
    actual, target : numpy.ndarray (n, k)
    note : numpy.ndarray (n, k) of object
        ``""`` where there is nothing to say.
    """

    plan: Plan
    emp: np.ndarray
    period_pos: np.ndarray
    days: np.ndarray
    actual: np.ndarray
    target: np.ndarray
    note: np.ndarray

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

    def row_order(self, block: MetricBlock) -> tuple[np.ndarray, np.ndarray]:
        """Sort keys (period position, employee id rank) of a block's rows."""
        return block.period_pos, self.roster.rank[block.emp]

    def to_frame(self) -> pd.DataFrame:
        """The long frame: one row per employee, period and plan metric (see :func:`metric_values`)."""
        parts = []
        labels = np.array([p.label for p in self.periods], dtype=object)
        r = self.roster
        for b in self.blocks:
            k = len(b.plan.metrics)
            keys = np.array(b.plan.metric_keys, dtype=object)
            emp = np.repeat(b.emp, k)
            parts.append(
                {
                    "employee_id": Coded(emp, r.ids),
                    "period": Coded(np.repeat(b.period_pos, k), labels),
                    "role": Coded(np.zeros(b.n * k, dtype=np.int64), np.array([b.plan.role])),
                    "team": Coded(emp, r.teams),
                    "metric": Coded(np.tile(np.arange(k), b.n), keys),
                    "actual": b.actual.ravel(),
                    "target": b.target.ravel(),
                    "note": b.note.ravel(),
                    "_p": np.repeat(b.period_pos, k),
                    "_r": r.rank[emp],
                    "_m": np.tile(np.arange(k), b.n),
                }
            )
        return long_frame(parts, VALUE_COLUMNS)


@dataclass(frozen=True, eq=False)
class Coded:
    """A text column as integer codes into labels (cheap to build, sort and concatenate)."""

    codes: np.ndarray
    labels: np.ndarray


def _arrow_text(values: np.ndarray) -> Any:
    """An Arrow large_string array of text values (None/NaN become nulls)."""
    import pyarrow as pa

    if values.dtype == object:
        return pa.array(values, type=pa.large_string(), from_pandas=True)
    return pa.array(values).cast(pa.large_string())  # numpy StringDType or unicode


def _text_from_codes(codes: np.ndarray, labels: np.ndarray) -> Any:
    """A pandas ``str`` array of ``labels[codes]``, built by one Arrow ``take``."""
    import pyarrow as pa

    lab = _arrow_text(np.asarray(labels, dtype=object))
    return pd.array(lab.take(pa.array(np.asarray(codes, dtype=np.int64))), dtype="str")


def _merge(values: list[Any]) -> Any:
    """Concatenate one column's parts (arrays, Arrow arrays, or :class:`Coded`)."""
    if hasattr(values[0], "to_pylist"):  # Arrow text, e.g. explanations
        import pyarrow as pa

        return pa.concat_arrays([v.cast(pa.large_string()) for v in values])
    if not isinstance(values[0], Coded):
        if any(isinstance(v, np.ndarray) and v.dtype == object for v in values):
            values = [np.asarray(v, dtype=object) for v in values]
        return np.concatenate(values)
    first = values[0].labels
    if all(v.labels is first for v in values):
        return Coded(np.concatenate([v.codes for v in values]), first)
    offsets = np.cumsum([0] + [len(v.labels) for v in values[:-1]])
    codes = np.concatenate([v.codes + o for v, o in zip(values, offsets, strict=True)])
    return Coded(codes, np.concatenate([np.asarray(v.labels, dtype=object) for v in values]))


def long_frame(parts: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """Concatenate column dicts, sort by the hidden ``_p, _r, _m`` keys, type the columns.

    Text columns may come as :class:`Coded`; they are reordered as integer codes and turned
    into pandas ``str`` arrays once, at the end.
    """
    if not parts:
        return empty_frame(columns)
    p = np.concatenate([x["_p"] for x in parts]).astype(np.int64)
    r = np.concatenate([x["_r"] for x in parts]).astype(np.int64)
    m = np.concatenate([x["_m"] for x in parts]).astype(np.int64)
    key = (p * (int(r.max(initial=0)) + 1) + r) * (int(m.max(initial=0)) + 1) + m
    order = None if bool(np.all(key[1:] >= key[:-1])) else np.argsort(key, kind="stable")
    out = {}
    for c in columns:
        col = _merge([x[c] for x in parts])
        if isinstance(col, Coded):
            codes = col.codes if order is None else col.codes[order]
            out[c] = _text_from_codes(codes, col.labels)
        elif hasattr(col, "to_pylist"):
            out[c] = pd.array(col if order is None else col.take(order), dtype="str")
        else:
            out[c] = _typed(c, col if order is None else col[order])
    return pd.DataFrame(out, index=pd.RangeIndex(len(key)))


_FLOAT_COLUMNS = {
    "actual", "target", "achievement", "score", "weight", "weighted_score", "composite",
    "team_result", "individual_pct", "team_pct", "payout_pct", "modifier", "proration",
    "target_bonus", "payout_amount",
}  # fmt: skip
_BOOL_COLUMNS = {"gate_passed"}


def _typed(name: str, values: Any) -> Any:
    """One output column with its documented dtype: float64, bool or pandas ``str``."""
    if name in _FLOAT_COLUMNS:
        return np.asarray(values, dtype=np.float64)
    if name in _BOOL_COLUMNS:
        return np.asarray(values, dtype=bool)
    if isinstance(values, pd.Series | pd.Index):
        values = values.to_numpy(dtype=object, na_value=None)
    if isinstance(values, np.ndarray) and values.dtype == object and len(values) > 1000:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        return _text_from_codes(codes, np.asarray(uniques, dtype=object))
    if isinstance(values, np.ndarray) and values.dtype.kind == "T":  # numpy StringDType
        return pd.array(_arrow_text(values), dtype="str")
    return pd.array(values, dtype="str")


def type_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Give the engine's output columns their documented dtypes (text as pandas ``str``)."""
    return pd.DataFrame(
        {c: _typed(c, frame[c]) for c in frame.columns}, index=pd.RangeIndex(len(frame))
    )


def empty_frame(columns: Sequence[str]) -> pd.DataFrame:
    """An empty frame with the engine's column dtypes."""
    return type_frame(pd.DataFrame({c: pd.Series([], dtype=object) for c in columns}))


# -- the roll-up -------------------------------------------------------------------------


def _baseline(period: Period, baseline: str | None) -> Period | None:
    if baseline == "previous_period":
        return period.previous()
    if baseline == "same_period_last_year":
        return period.same_last_year()
    return None


def _rollup(cube: np.ndarray, how: str) -> np.ndarray:
    """Roll a ``(n, months)`` slice up to ``(n,)``; NaN where no month holds a value."""
    present = ~np.isnan(cube)
    count = present.sum(axis=1)
    if how == "last":
        last = cube.shape[1] - 1 - np.argmax(present[:, ::-1], axis=1)
        value = cube[np.arange(cube.shape[0]), last]
    else:
        total = np.where(present, cube, 0.0).sum(axis=1)
        value = total if how == "sum" else total / np.maximum(count, 1)
    return np.where(count > 0, value, np.nan)


class _Actuals:
    """The actuals laid out as a dense ``roster x raw metric x needed month`` array."""

    def __init__(self, actuals: pd.DataFrame, roster: Roster, raw: list[str], months: list[int]):
        self.raw = {name: i for i, name in enumerate(raw)}
        months = sorted(set(months))
        self.base = months[0] if months else 0
        span = (months[-1] - self.base + 1) if months else 0
        self.col = np.full(span + 1, -1, dtype=np.int64)  # last slot: months outside the span
        self.col[np.array(months, dtype=np.int64) - self.base] = np.arange(len(months))
        self.cube = np.full((len(roster.ids), len(raw), len(months)), np.nan)
        if actuals is None or len(actuals) == 0 or not raw or not months:
            return
        need = ["employee_id", "period", "metric", "value"]
        missing = [c for c in need if c not in actuals.columns]
        if missing:
            raise DataError(f"actuals: missing column(s) {', '.join(missing)}; see docs/data.md")
        e = codes_against(actuals["employee_id"], roster.index)
        m = codes_against(actuals["metric"], pd.Index(raw))
        mon = month_codes(actuals["period"]) - self.base
        mon = np.where((mon >= 0) & (mon < span), mon, span)
        c = self.col[mon]
        keep = (e >= 0) & (m >= 0) & (c >= 0)
        values = pd.to_numeric(actuals["value"], errors="coerce").to_numpy(dtype=np.float64)
        flat = (e[keep] * len(raw) + m[keep]) * len(months) + c[keep]
        self.cube.reshape(-1)[flat] = values[keep]

    def cols(self, period: Period) -> np.ndarray:
        idx = np.arange(period.first, period.last + 1) - self.base
        inside = (idx >= 0) & (idx < len(self.col) - 1)
        c = np.full(len(idx), -1, dtype=np.int64)
        c[inside] = self.col[idx[inside]]
        return c

    def rollup(self, rows: np.ndarray, source: str, period: Period, how: str) -> np.ndarray:
        cols = self.cols(period)
        if (cols < 0).any():  # months of the period no actuals could hold
            cols = cols[cols >= 0]
        if len(cols) == 0:
            return np.full(len(rows), np.nan)
        sub = self.cube[rows, self.raw[source], :][:, cols]
        return _rollup(sub, how)


class _Targets:
    """Per-person targets from the targets file, coded once; :meth:`for_period` picks them."""

    def __init__(self, targets: pd.DataFrame | None, roster: Roster, keys: list[str]):
        self.n, self.k = len(roster.ids), len(keys)
        self.empty = targets is None or len(targets) == 0 or self.k == 0
        if self.empty:
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


def _value_of(
    store: _Actuals, rows: np.ndarray, m: Metric, period: Period, ratings: SimpleNamespace
) -> tuple[np.ndarray, np.ndarray]:
    """Value of metric ``m`` for ``rows`` in ``period`` and its note (object array)."""
    ms = m.measure
    note = np.full(len(rows), "", dtype=object)
    if ms.agg in ("sum", "mean", "last"):
        value = store.rollup(rows, ms.source, period, ms.agg)
        note[np.isnan(value)] = NOTE_NO_DATA
    elif ms.agg == "ratio":
        num = store.rollup(rows, ms.source, period, "sum")
        den = store.rollup(rows, ms.denominator or "", period, "sum")
        nodata = np.isnan(num) | np.isnan(den)
        zero = ~nodata & (den == 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(nodata | zero, np.nan, num / np.where(zero, 1.0, den))
        note[nodata] = NOTE_NO_DATA
        note[zero] = NOTE_DENOMINATOR_ZERO
    elif ms.agg == "growth":
        cur = store.rollup(rows, ms.source, period, ms.of)
        base_period = _baseline(period, ms.baseline)
        assert base_period is not None  # the plan model requires a baseline for growth
        base = store.rollup(rows, ms.source, base_period, ms.of)
        nodata = np.isnan(cur)
        nobase = ~nodata & np.isnan(base)
        zero = ~nodata & ~nobase & (base == 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(nodata | nobase | zero, np.nan, cur / np.where(zero, 1.0, base) - 1.0)
        note[nodata] = NOTE_NO_DATA
        note[nobase] = NOTE_NO_BASELINE
        note[zero] = NOTE_BASELINE_ZERO
    else:  # rating
        value = ratings.mean(rows, ms.source)
        note[np.isnan(value)] = NOTE_NOT_RATED
    return value * ms.scale, note


class _Ratings:
    """Manager ratings coded once; :meth:`for_period` averages them per person and name."""

    def __init__(self, ratings: pd.DataFrame | None, roster: Roster, names: list[str]):
        self.n, self.k = len(roster.ids), len(names)
        self.names = {name: i for i, name in enumerate(names)}
        self.empty = ratings is None or len(ratings) == 0 or self.k == 0
        if self.empty:
            return
        e = codes_against(ratings["employee_id"], roster.index)
        m = codes_against(ratings["metric"], pd.Index(names))
        self.first, self.last, _ = period_spans(ratings["period"])
        self.value = pd.to_numeric(ratings["rating"], errors="coerce").to_numpy(dtype=np.float64)
        if "rater_id" in ratings.columns:
            rater, _ = pd.factorize(ratings["rater_id"].astype(object).fillna(""))
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


def compute_metric_table(
    dataset: Any, *, plans: Mapping[str, Plan], periods: Iterable[str | Period] | str | Period
) -> MetricTable:
    """Metric values of every planned person-period in matrix form (the engine's inner step).

    Same parameters as :func:`metric_values`; returns a :class:`MetricTable` whose
    :meth:`~MetricTable.to_frame` is the long frame.
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
    store = _Actuals(dataset.actuals, roster, raw, _needed_months(plans, periods))
    all_targets = _Targets(getattr(dataset, "targets", None), roster, keys)
    all_ratings = _Ratings(getattr(dataset, "ratings", None), roster, rating_names)
    table = MetricTable(roster=roster, periods=periods)
    for pos, period in enumerate(periods):
        days = employed_days(roster.hire, roster.leave, period)
        targets = all_targets.for_period(period)
        ratings = all_ratings.for_period(period)
        for role in sorted(plans):
            plan = plans[role]
            rows = np.flatnonzero((roster.roles == role) & (days > 0))
            k = len(plan.metrics)
            actual = np.empty((len(rows), k))
            target = np.empty((len(rows), k))
            note = np.empty((len(rows), k), dtype=object)
            for j, m in enumerate(plan.metrics):
                value, vnote = _value_of(store, rows, m, period, ratings)
                kp = key_pos[m.key]
                tgt = targets.exact[rows, kp]
                for cov, s_sum, s_mean in zip(
                    targets.covered, targets.sub_sum, targets.sub_mean, strict=True
                ):
                    use = np.isnan(tgt) & cov[rows, kp]
                    sub = s_sum if m.measure.agg == "sum" else s_mean
                    tgt = np.where(use, sub[rows, kp], tgt)
                partial = targets.partial[rows, kp]
                tgt = np.where(np.isnan(tgt), _default_target(m, plan, period), tgt)
                if partial.any():
                    vnote[partial] = join_notes(
                        vnote[partial], np.full(partial.sum(), NOTE_PARTIAL_TARGETS, dtype=object)
                    )
                actual[:, j] = value
                target[:, j] = tgt
                note[:, j] = vnote
            table.blocks.append(
                MetricBlock(
                    plan=plan,
                    emp=rows,
                    period_pos=np.full(len(rows), pos, dtype=np.int64),
                    days=days[rows],
                    actual=actual,
                    target=target,
                    note=note,
                )
            )
    return table


def metric_values(
    dataset: Any, *, plans: Mapping[str, Plan], periods: Iterable[str | Period] | str | Period
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
    the value of the latest month present, ``ratio`` :math:`\\sum_t x_t / \\sum_t d_t`,
    ``growth`` :math:`v(P)/v(B) - 1` for the baseline period :math:`B`, ``rating`` the mean
    over raters of each rater's mean rating in :math:`P`. Each value is multiplied by
    ``measure.scale``. Full rules in ``docs/engine.md``.

    Examples
    --------
    >>> import perfkit
    >>> data = perfkit.load_dataset("data/sample")  # doctest: +SKIP
    >>> plans = perfkit.load_plans("templates/plans")  # doctest: +SKIP
    >>> metric_values(data, plans=plans, periods="2026Q3").head()  # doctest: +SKIP
    """
    return compute_metric_table(dataset, plans=plans, periods=periods).to_frame()
