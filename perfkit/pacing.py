"""Pacing a period still open: progress so far, the projected end-of-period result and warnings.

:func:`pace` answers, for every planned person, "where is this quarter heading?" while there
is still time to act. With the data known up to the month ``as_of`` (later months are
ignored), for the open period *P* of each plan's kind that holds ``as_of``:

**Progress.** Each metric's value over the months so far, against the target pro-rated to
those months: for a ``sum`` metric ``target × months so far / months of P``; levels and
rates (``mean``, ``last``, ``ratio``, ``rating``) keep their whole target. A growth metric
compares whole periods only, so it has no value so far.

**Projection: run-rate with the role's month profile.** Every raw monthly figure of a
person carries on, for the months left of *P* (while they are employed), at its mean over
the months so far times the role's month profile: how the months left of the role's past
periods ran against their first months (:func:`month_profile`; 1.25 for a quarter-end push
of a quarter, 1.0 without history). Those filled-in months go through the engine (:func:`perfkit.evaluate`) like real ones, so the
projected metric values, composite, band and gates follow every rule of the plan (a ratio
stays a ratio of sums, growth is taken against the real baseline). Ratings are taken as
recorded so far.

**Interval: the run-rate's own misses.** The same projection is made for each of the role's
last ``history`` complete periods of the kind (up to eight), from their first *k* months (*k*
the months so far of *P*), and compared with what those periods really came to. The
``level`` interval (95 % by default) is the projected value plus the
``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of the misses, each measured in units
of the person's target, ``(final - projected) / target``, pooled over the role's people and
periods for each metric. So end-of-quarter pushes or seasonality that the run-rate ignores
shift or widen the interval instead of hiding. Fewer than :data:`MIN_MISSES` misses give no
interval. A ``sum`` metric's interval never starts below the value so far.

**Warnings**, in plain words, for a projection below a metric's threshold (its first score
above zero), below a gate, or a projected composite below the plan's payout threshold.

No step loops over people: the run-rate, the misses and the quantiles are group operations
on whole columns; the projections are evaluations.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import PeriodError
from .evaluation import _select_plans, evaluate
from .periods import MONTHS_PER, Period, format_period, month_index, month_label, parse_period
from .plans import Metric, Plan
from .scoring import KNOT_TOLERANCE
from .summary import format_cut

#: The fewest run-rate misses of a role's metric that give an interval.
MIN_MISSES = 20

#: Columns of :attr:`Pace.metrics`.
PACE_METRIC_COLUMNS = [
    "employee_id", "name", "period", "as_of", "role", "team", "metric", "unit", "direction",
    "months_so_far", "months", "to_date", "target", "prorated_target", "progress",
    "projected", "low", "high", "projected_achievement", "threshold_value",
    "below_threshold", "below_gate",
]  # fmt: skip

#: Columns of :attr:`Pace.people`.
PACE_PEOPLE_COLUMNS = [
    "employee_id", "name", "period", "as_of", "role", "team", "projected_composite",
    "projected_rating", "projected_gate_failed", "below_payout_threshold", "warnings",
    "warnings_zh",
]  # fmt: skip


@dataclass(frozen=True, eq=False)
class Pace:
    """What :func:`pace` found.

    Attributes
    ----------
    as_of : str
        The last month known, ``YYYY-MM``.
    periods : list of Period
        The open periods (one per period kind of the plans).
    metrics : DataFrame
        :data:`PACE_METRIC_COLUMNS`: one row per person and metric. ``to_date`` the value
        over the months so far (NaN for growth), ``prorated_target`` the target for them,
        ``progress`` the achievement of ``to_date`` against it; ``projected`` the run-rate
        value at period end and ``low``/``high`` its interval; ``threshold_value`` the
        metric's threshold in its unit for this person's target; ``below_threshold`` and
        ``below_gate`` (the gate key, or ``""``) for the projection.
    people : DataFrame
        :data:`PACE_PEOPLE_COLUMNS`: one row per person: the projected composite, band and
        failed gates, and ``warnings``, one sentence each, ``"; "``-separated
        (``warnings_zh`` the same in Chinese, ``"；"``-separated).
    method : str
        How the projection and its interval were made, in words (for every page and table).
    method_zh : str
        The same in Chinese.
    level : float
        The interval's nominal coverage.
    """

    as_of: str
    periods: list[Period]
    metrics: pd.DataFrame
    people: pd.DataFrame
    method: str
    level: float = 0.95
    method_zh: str = ""
    misses: pd.DataFrame = field(default_factory=pd.DataFrame)


# -- units ------------------------------------------------------------------------------------


def format_in_unit(value: float, unit: str, *, currency: str = "") -> str:
    """A metric value as a person reads it: ``452``, ``2.1%``, ``118.40 CNY``, ``4.2``.

    Parameters
    ----------
    value : float
    unit : str
        The metric's ``unit`` (``count``, ``people``, ``percent``, ``currency``, ``rank``,
        ``ratio``, ``score``); a ``percent`` is a fraction (0.021 is 2.1%).
    currency : str
        The plan's currency, for ``currency`` units.

    Returns
    -------
    str
        ``"n/a"`` for a missing value.
    """
    if value is None or not np.isfinite(value):
        return "n/a"
    if unit in ("count", "people"):
        return f"{value:,.0f}"
    if unit == "percent":
        return f"{value * 100:,.1f}%"
    if unit == "currency":
        return f"{value:,.2f} {currency}".rstrip()
    if unit == "rank":
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def value_at(achievement: float, target: float, direction: str) -> float:
    """The value of a metric that reaches ``achievement`` against ``target``.

    The inverse of achievement: ``achievement × target`` when higher is better, ``(2 -
    achievement) × target`` when lower is better.
    """
    if direction == "higher":
        return achievement * target
    return (2.0 - achievement) * target


def threshold_achievement(plan: Plan, metric: Metric) -> float | None:
    """The least achievement that scores above zero on the metric's curve (None: no threshold).

    For a metric with ``threshold`` it is the threshold as achievement; for a named curve,
    its first point above zero. A metric with neither has no threshold.
    """
    if metric.curve is None and metric.threshold is None:
        return None
    points, _ = plan.curve_points(metric)
    positive = [x for x, y in points if y > 0]
    return positive[0] if positive else None


# -- the run-rate -----------------------------------------------------------------------------


def _employed(employees: pd.DataFrame, month: int) -> pd.Series:
    """Ids of the people employed on at least one day of the month index ``month``."""
    start = pd.Timestamp(month // 12, month % 12 + 1, 1)
    end = start + pd.offsets.MonthEnd(0)
    hire = employees["hire_date"]
    leave = employees["leave_date"]
    ok = (hire.isna() | (hire <= end)) & (leave.isna() | (leave >= start))
    return employees.loc[ok, "employee_id"]


def run_rate_data(
    dataset: Any, period: Period, *, cut: int, profile: pd.DataFrame | None = None
) -> tuple[Any, Any]:
    """The data known at month index ``cut``, and the same with ``period`` run-rate filled.

    Parameters
    ----------
    dataset : perfkit.io.Dataset
    period : Period
        The period to fill.
    cut : int
        The last month index known (inside ``period``); later actuals are dropped.
    profile : DataFrame, optional
        ``role, metric, factor``: the months left run at ``factor`` times the mean so far
        (:func:`month_profile`); 1 where it is not given.

    Returns
    -------
    known : Dataset
        The actuals up to ``cut``.
    filled : Dataset
        ``known`` plus, for each month of ``period`` after ``cut`` and each person employed
        in it, every raw metric the person has in the months of ``period`` so far, at its
        mean over them (times the profile's factor).
    """
    a = dataset.actuals
    m = month_index(a["period"])
    known = a[m <= cut]
    now = a[(m >= period.first) & (m <= cut)]
    rate = now.groupby(["employee_id", "metric"], sort=True, observed=True)["value"].mean()
    rate = rate.reset_index()
    if profile is not None and len(profile):
        role = rate["employee_id"].map(dataset.employees.set_index("employee_id")["role"])
        f = pd.MultiIndex.from_arrays([role, rate["metric"]])
        factor = profile.set_index(["role", "metric"])["factor"].reindex(f).to_numpy()
        rate["value"] = rate["value"].to_numpy() * np.where(np.isfinite(factor), factor, 1.0)
    fills = []
    for month in range(cut + 1, period.last + 1):  # the months left: at most 11
        rows = rate[rate["employee_id"].isin(_employed(dataset.employees, month))]
        fills.append(rows.assign(period=month_label(month))[list(a.columns)])
    filled = pd.concat([known, *fills], ignore_index=True).astype(a.dtypes.to_dict())
    return (
        dataclasses.replace(dataset, actuals=known.reset_index(drop=True)),
        dataclasses.replace(dataset, actuals=filled),
    )


def month_profile(dataset: Any, past: list[Period], *, k: int) -> pd.DataFrame:
    """How the months left of a period run against its first ``k``, in the role's history.

    For each role and raw metric, over the people and ``past`` periods holding both: the
    sum of the people's monthly means in the months after the ``k``-th over the sum of their
    monthly means in the first ``k`` months (a ratio of sums, so a large account weighs as
    much as its figures). 1.0 means the months left run like the months so far; 1.25 that
    they run a quarter higher (a quarter-end push).

    Returns
    -------
    DataFrame
        ``role, metric, factor``.
    """
    if not past:
        return pd.DataFrame(columns=["role", "metric", "factor"])
    a = dataset.actuals
    m = month_index(a["period"])
    first = np.full(len(a), -1, dtype=np.int64)
    for q in past:  # a handful of periods
        first[(m >= q.first) & (m <= q.last)] = q.first
    inside = first >= 0
    part = np.where((m[inside] - first[inside]) < k, "early", "late")
    rows = a[inside].assign(_q=first[inside], _part=part)
    means = rows.groupby(["employee_id", "metric", "_q", "_part"], observed=True)["value"].mean()
    wide = means.unstack("_part")
    if "early" not in wide.columns or "late" not in wide.columns:
        return pd.DataFrame(columns=["role", "metric", "factor"])
    wide = wide.dropna(subset=["early", "late"]).reset_index()
    wide["role"] = wide["employee_id"].map(dataset.employees.set_index("employee_id")["role"])
    g = wide.groupby(["role", "metric"], sort=True)[["early", "late"]].sum()
    factor = g["late"] / g["early"].where(g["early"] != 0)
    return factor.rename("factor").reset_index()


def _key(frame: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_frame(frame[["employee_id", "period", "metric"]])


def _past(dataset: Any, period: Period, history: int) -> list[Period]:
    """The complete periods of ``period``'s kind before it, latest first, at most ``history``."""
    months = set(dataset.months)
    past = [period.shift(-j) for j in range(1, history + 1)]
    return [q for q in past if all(mo in months for mo in q.months)]


def _misses(
    dataset: Any, plans: Mapping[str, Plan], period: Period, *, k: int, history: int
) -> pd.DataFrame:
    """Run-rate misses ``(final - projected) / target`` of the past periods, one row each."""
    past = _past(dataset, period, history)
    if not past:
        return pd.DataFrame(columns=["role", "metric", "period", "employee_id", "miss"])
    profile = month_profile(dataset, past, k=k)
    final = evaluate(dataset, plans, past).scores
    projected = []
    for q in past:  # one evaluation per past period: at most `history`
        _, filled = run_rate_data(dataset, q, cut=q.first + k - 1, profile=profile)
        projected.append(evaluate(filled, plans, q).scores)
    proj = pd.concat(projected, ignore_index=True)
    got = pd.Series(proj["actual"].to_numpy(), index=_key(proj))
    f = final.assign(_proj=got.reindex(_key(final)).to_numpy())
    f = f.assign(miss=(f["actual"] - f["_proj"]) / f["target"])
    f = f[np.isfinite(f["miss"])]
    return f[["role", "metric", "period", "employee_id", "miss"]].reset_index(drop=True)


def method_text(*, k: int, n: int, as_of: str, level: float, periods: int, lang: str = "en") -> str:
    """The projection method in words, as every table and scorecard states it."""
    lo, hi = (1 - level) / 2, (1 + level) / 2
    if lang == "zh":
        return (
            f"按当前进度推算：截至 {as_of} 的 {k} 个月中，每项月度数据在剩余 {n - k} 个月按其均值"
            "延续，并乘以本岗位以往考核期中剩余月份相对前几个月的比例；方案的指标、综合得分、"
            f"评级和准入门槛按已结束考核期的规则由此算出。{level:.0%} 区间加上推算自身误差"
            f"（（最终值 - 推算值）/ 目标值）的 {lo:.1%} 和 {hi:.1%} 分位数，误差取自本岗位最近 "
            f"{periods} 个完整考核期的前 {k} 个月，做法相同。"
        )
    return (
        f"Run-rate: each monthly figure of the {k} month{'s' if k != 1 else ''} so far "
        f"(to {as_of}) carries on at its mean for the {n - k} month{'s' if n - k != 1 else ''} "
        "left, times how the months left ran against the first ones in the role's past "
        "periods; the plan's metrics, composite, band and gates are worked out from that as "
        f"for a closed period. The {level:.0%} interval adds the {lo:.1%} and {hi:.1%} "
        "quantiles of the run-rate's own misses, (final - projected) / target, made the same "
        f"way from the first {k} month{'s' if k != 1 else ''} of each of the role's last "
        f"{periods} complete periods."
    )


def _open_period(as_of: int, kind: str) -> Period:
    first = int(as_of - (as_of % 12) % MONTHS_PER[kind])
    return parse_period(format_period(first, kind))


def pace(
    dataset: Any,
    plans: Mapping[str, Plan],
    *,
    as_of: str,
    roles: Iterable[str] | str | None = None,
    level: float = 0.95,
    history: int = 8,
) -> Pace:
    """Progress, projection with an interval and warnings for the period open at ``as_of``.

    Parameters
    ----------
    dataset : perfkit.io.Dataset
    plans : mapping of str to Plan
    as_of : str
        The last month known, ``YYYY-MM``; the open period is the plan period holding it
        (``2026-08``: ``2026Q3`` for quarterly plans). Actuals after it are ignored.
    roles : optional
        Only these roles.
    level : float
        Nominal coverage of the interval, between 0.5 and 0.999.
    history : int
        How many past periods the misses are taken from.

    Returns
    -------
    Pace

    Raises
    ------
    PeriodError
        If ``as_of`` is not a month, the data end before it, or it is the last month of
        its period (nothing is left to project: score the period instead).
    """
    selected = _select_plans(plans, roles)
    month = parse_period(as_of, where="--as-of")
    if month.kind != "month":
        raise PeriodError(
            f"--as-of: found {as_of!r}, a {month.kind}; give the last month known, e.g. 2026-08"
        )
    if not 0.5 <= level <= 0.999:
        raise ValueError(f"level must lie between 0.5 and 0.999, not {level}")
    cut = month.first
    data_months = month_index(np.asarray(dataset.months, dtype=object))
    if not data_months.size or data_months.max() < cut:
        last = month_label(int(data_months.max())) if data_months.size else "no month"
        raise PeriodError(
            f"--as-of {month.label}: the actuals end at {last}; give a month the data hold"
        )
    metric_parts, people_parts, miss_parts, periods, texts = [], [], [], [], []
    texts_zh: list[str] = []
    for kind in sorted({p.period for p in selected.values()}, key=MONTHS_PER.__getitem__):
        group = {r: p for r, p in selected.items() if p.period == kind}
        period = _open_period(cut, kind)
        k = cut - period.first + 1
        n = period.last - period.first + 1
        if k == n:
            raise PeriodError(
                f"--as-of {month.label}: {period.label} is complete at {month.label}, nothing "
                f"is left to project; score it (perfkit score --period {period.label}) or give "
                f"an earlier month, e.g. {month_label(cut - 1)}"
            )
        known, _ = run_rate_data(dataset, period, cut=cut)
        profile = month_profile(known, _past(known, period, history), k=k)
        _, filled = run_rate_data(dataset, period, cut=cut, profile=profile)
        so_far = evaluate(known, group, period)
        projected = evaluate(filled, group, period)
        misses = _misses(known, group, period, k=k, history=history)
        n_past = int(misses["period"].nunique()) if len(misses) else 0
        m, people = _tables(so_far, projected, misses, group, k=k, n=n, level=level)
        metric_parts.append(m.assign(as_of=month.label))
        people_parts.append(people.assign(as_of=month.label))
        miss_parts.append(misses)
        periods.append(period)
        texts.append(method_text(k=k, n=n, as_of=month.label, level=level, periods=n_past))
        texts_zh.append(
            method_text(k=k, n=n, as_of=month.label, level=level, periods=n_past, lang="zh")
        )
    return Pace(
        as_of=month.label,
        periods=periods,
        metrics=pd.concat(metric_parts, ignore_index=True)[PACE_METRIC_COLUMNS],
        people=pd.concat(people_parts, ignore_index=True)[PACE_PEOPLE_COLUMNS],
        method=" ".join(dict.fromkeys(texts)),
        method_zh="".join(dict.fromkeys(texts_zh)),
        level=level,
        misses=pd.concat(miss_parts, ignore_index=True),
    )


def _tables(
    so_far: Any,
    projected: Any,
    misses: pd.DataFrame,
    plans: Mapping[str, Plan],
    *,
    k: int,
    n: int,
    level: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The metric and people tables of one period kind."""
    s = projected.scores
    now = pd.Series(so_far.scores["actual"].to_numpy(), index=_key(so_far.scores))
    to_date = now.reindex(_key(s)).to_numpy()
    info = pd.DataFrame(
        [
            {
                "role": role,
                "metric": m.key,
                "unit": m.unit,
                "_sum": m.measure.agg == "sum",
                "_th": threshold_achievement(plan, m),
            }
            for role, plan in plans.items()
            for m in plan.metrics
        ]
    )
    lo_q, hi_q = (1 - level) / 2, (1 + level) / 2
    if len(misses):
        g = misses.groupby(["role", "metric"], sort=True)["miss"]
        q = pd.DataFrame(
            {"_lo": g.quantile(lo_q), "_hi": g.quantile(hi_q), "_n": g.size()}
        ).reset_index()
        q.loc[q["_n"] < MIN_MISSES, ["_lo", "_hi"]] = np.nan
        info = info.merge(q[["role", "metric", "_lo", "_hi"]], on=["role", "metric"], how="left")
    else:
        info = info.assign(_lo=np.nan, _hi=np.nan)
    w = s.merge(info, on=["role", "metric"], how="left", validate="many_to_one")
    target = w["target"].to_numpy(dtype=float)
    prorated = np.where(w["_sum"].to_numpy(dtype=bool), target * k / n, target)
    higher = (w["direction"] == "higher").to_numpy()
    ratio = to_date / np.where(prorated > 0, prorated, np.nan)
    progress = np.maximum(np.where(higher, ratio, 2.0 - ratio), 0.0)
    proj = w["actual"].to_numpy(dtype=float)
    low = proj + w["_lo"].to_numpy(dtype=float) * target
    high = proj + w["_hi"].to_numpy(dtype=float) * target
    floor = w["_sum"].to_numpy(dtype=bool) & np.isfinite(low) & np.isfinite(to_date)
    low = np.where(floor, np.maximum(low, to_date), low)  # a sum never falls below its value so far
    th = w["_th"].to_numpy(dtype=float)
    th_value = np.where(higher, th * target, (2.0 - th) * target)
    ach = w["achievement"].to_numpy(dtype=float)
    below_th = np.isfinite(ach) & np.isfinite(th) & (ach < th - KNOT_TOLERANCE)
    # gates: the first failed gate naming the metric
    gate_of = np.full(len(w), "", dtype=object)
    for role, plan in plans.items():  # a handful of gates per plan
        for gt in reversed(plan.gates):
            hit = (
                (w["role"] == role).to_numpy()
                & (w["metric"] == gt.metric).to_numpy()
                & ~(ach >= gt.min_achievement - KNOT_TOLERANCE)
            )
            gate_of[hit] = gt.key
    r = projected.results.set_index(["employee_id", "period"])
    metrics = pd.DataFrame(
        {
            "employee_id": w["employee_id"],
            "name": r["name"]
            .reindex(pd.MultiIndex.from_frame(w[["employee_id", "period"]]))
            .to_numpy(dtype=object),
            "period": w["period"],
            "role": w["role"],
            "team": w["team"],
            "metric": w["metric"],
            "unit": w["unit"],
            "direction": w["direction"],
            "months_so_far": k,
            "months": n,
            "to_date": to_date,
            "target": target,
            "prorated_target": prorated,
            "progress": progress,
            "projected": proj,
            "low": low,
            "high": high,
            "projected_achievement": ach,
            "threshold_value": th_value,
            "below_threshold": below_th,
            "below_gate": gate_of.astype(str),
        }
    )
    people = _people(projected.results, metrics, plans, level=level)
    return metrics, people


def _people(
    results: pd.DataFrame, metrics: pd.DataFrame, plans: Mapping[str, Plan], *, level: float
) -> pd.DataFrame:
    """One row per person: the projected result and the warnings in words."""
    labels = {(r, m.key): m.label for r, p in plans.items() for m in p.metrics}
    labels_zh = {(r, m.key): m.label_zh or m.label for r, p in plans.items() for m in p.metrics}
    currency = {r: p.currency for r, p in plans.items()}
    threshold = results["role"].map({r: p.payout.curve.threshold for r, p in plans.items()})
    below_pay = results["composite"].notna() & (results["composite"] < threshold - KNOT_TOLERANCE)
    flagged = metrics[metrics["below_threshold"] | (metrics["below_gate"] != "")]
    # one sentence per flagged metric: written per row of a few dozen flagged rows
    sentences = [
        _warning(row, labels[(row.role, row.metric)], currency[row.role], level)
        for row in flagged.itertuples(index=False)
    ]
    sentences_zh = [
        _warning(row, labels_zh[(row.role, row.metric)], currency[row.role], level, lang="zh")
        for row in flagged.itertuples(index=False)
    ]
    key = pd.MultiIndex.from_frame(results[["employee_id", "period"]])
    by = [flagged["employee_id"], flagged["period"]]

    def joined(words: list[str], sep: str) -> np.ndarray:
        per = pd.Series(words, index=flagged.index, dtype=object)
        out = per.groupby(by, sort=True).agg(sep.join)
        return out.reindex(key).fillna("").to_numpy(dtype=object)

    pairs = list(zip(results["composite"], threshold, strict=True))
    comp_warn = np.where(
        below_pay.to_numpy(),
        [
            f"projected composite {format_cut(c)} is below the payout threshold {t:g}: no bonus "
            "at this pace"
            for c, t in pairs
        ],
        "",
    )
    comp_warn_zh = np.where(
        below_pay.to_numpy(),
        [f"预计综合得分 {format_cut(c)} 低于奖金门槛 {t:g}：按此进度无奖金" for c, t in pairs],
        "",
    )
    both = [
        "; ".join(x for x in (a, b) if x)
        for a, b in zip(comp_warn, joined(sentences, "; "), strict=True)
    ]
    both_zh = [
        "；".join(x for x in (a, b) if x)
        for a, b in zip(comp_warn_zh, joined(sentences_zh, "；"), strict=True)
    ]
    return pd.DataFrame(
        {
            "employee_id": results["employee_id"],
            "name": results["name"],
            "period": results["period"],
            "role": results["role"],
            "team": results["team"],
            "projected_composite": results["composite"],
            "projected_rating": results["rating"],
            "projected_gate_failed": results["gate_failed"],
            "below_payout_threshold": below_pay.to_numpy(),
            "warnings": pd.Series(both, dtype="str").to_numpy(),
            "warnings_zh": pd.Series(both_zh, dtype="str").to_numpy(),
        }
    )


def _warning(row: Any, label: str, currency: str, level: float, *, lang: str = "en") -> str:
    """``Leads heading below the threshold: projected 402 (95% interval 371 to 440), threshold 416``."""
    fmt = lambda v: format_in_unit(v, row.unit, currency=currency)  # noqa: E731
    bounded = np.isfinite(row.low) and np.isfinite(row.high)
    if lang == "zh":
        interval = f"（{level:.0%} 区间 {fmt(row.low)} 至 {fmt(row.high)}）" if bounded else ""
        if row.below_gate:
            what = f"低于准入门槛 {row.below_gate}"
        elif row.direction == "lower":
            what = f"高于门槛值 {fmt(row.threshold_value)}（越低越好）"
        else:
            what = f"低于门槛值 {fmt(row.threshold_value)}"
        return f"{label}预计{what}：推算 {fmt(row.projected)}{interval}"
    interval = f" ({level:.0%} interval {fmt(row.low)} to {fmt(row.high)})" if bounded else ""
    if row.below_gate:
        what = f"below the gate {row.below_gate}"
    elif row.direction == "lower":
        what = f"above the threshold {fmt(row.threshold_value)} (lower is better)"
    else:
        what = f"below the threshold {fmt(row.threshold_value)}"
    return f"{label} heading {what}: projected {fmt(row.projected)}{interval}"


__all__ = [
    "MIN_MISSES",
    "PACE_METRIC_COLUMNS",
    "PACE_PEOPLE_COLUMNS",
    "Pace",
    "format_in_unit",
    "method_text",
    "pace",
    "run_rate_data",
    "threshold_achievement",
    "value_at",
]
