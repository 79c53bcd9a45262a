"""Report tables: the figures a role report shows, computed from an evaluation.

Every function here takes the ``results`` or ``scores`` frame of
:func:`perfkit.evaluate` (see ``docs/data.md``) and returns a tidy frame with fixed,
documented columns. Nothing here draws: :mod:`perfkit.plotting` charts these frames and
:mod:`perfkit.display` shows them in notebooks.

A composite of 1.0 means "on target" in every plan (:data:`TARGET_COMPOSITE`). When a frame
holds several roles, a function given a ``plan`` keeps the rows of that plan's role only.

Wording (section titles, labels, :func:`~perfkit.wording.format_cut`) lives in
:mod:`perfkit.wording`; its names stay importable from here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError
from .periods import parse_period
from .plans import Plan
from .wording import (  # noqa: F401  (the wording moved to perfkit.wording; kept importable)
    LANGS,
    TEXT,
    band_label,
    band_labels,
    check_lang,
    format_cut,
    metric_labels,
    plan_name,
    text,
)

#: The composite score that means "on target" (every plan scores 1.0 at target).
TARGET_COMPOSITE = 1.0

# -- selecting ------------------------------------------------------------------------------


def _of_role(frame: pd.DataFrame, plan: Plan | None) -> pd.DataFrame:
    """Rows of the plan's role (all rows when there is no plan or no role column)."""
    if plan is None or "role" not in frame.columns:
        return frame
    return frame[frame["role"] == plan.role]


def select(
    frame: pd.DataFrame,
    *,
    role: str | None = None,
    team: str | None = None,
    manager_id: str | None = None,
    period: str | None = None,
) -> pd.DataFrame:
    """Rows of ``frame`` for one role, team, manager and/or period.

    An empty string or None leaves that column unfiltered, so a notebook parameter
    ``team = ""`` means every team.

    Parameters
    ----------
    frame : DataFrame
        ``results`` or ``scores`` of an evaluation (any frame with the filtered columns).
    role, team, manager_id, period : str, optional
        The value to keep. A period label is checked first (a typo raises PeriodError).

    Returns
    -------
    DataFrame
        A copy of the matching rows, same columns as ``frame``.

    Raises
    ------
    DataError
        If a value is not present in the frame; the message lists the values that are.
    """
    keep = pd.Series(True, index=frame.index)
    for column, value in (
        ("role", role),
        ("team", team),
        ("manager_id", manager_id),
        ("period", period),
    ):
        if value is None or value == "":
            continue
        if column not in frame.columns:
            raise DataError(
                f"cannot select by {column}: the frame has no {column!r} column "
                f"(columns: {', '.join(map(str, frame.columns))}); select on the results frame"
            )
        if column == "period":
            value = parse_period(value, where="period").label
        known = frame[column].dropna().astype(str)
        hit = known == value
        if not hit.any():
            values = sorted(known.unique())
            if not values:
                raise DataError(
                    f"{column} {value!r} is not in the data: it holds no rows at all; check "
                    f"that the data set has people with this {column} in the period"
                )
            shown = ", ".join(values[:20]) + (", ..." if len(values) > 20 else "")
            raise DataError(f"{column} {value!r} is not in the data; choose one of: {shown}")
        keep &= (frame[column].astype(str) == value).fillna(False).astype(bool)
    return frame[keep].copy()


def last_periods(period: str, *, n: int = 4, months: Iterable[str] | None = None) -> list[str]:
    """Labels of the ``n`` periods of ``period``'s kind that end with ``period``, oldest first.

    Parameters
    ----------
    period : str
        A period label, e.g. ``2026Q3``.
    n : int
        How many periods at most.
    months : iterable of str, optional
        The months present in the data (``Dataset.months``); a period with a month missing
        from it is left out, so a trend never asks for data that does not exist.

    Returns
    -------
    list of str
        E.g. ``["2025Q4", "2026Q1", "2026Q2", "2026Q3"]``.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    last = parse_period(period)
    present = None if months is None else set(map(str, months))
    out = []
    for k in range(n - 1, -1, -1):
        p = last.shift(-k)
        if present is None or all(m in present for m in p.months):
            out.append(p.label)
    return out


# -- tables -----------------------------------------------------------------------------------


def _stats(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Headcount and composite statistics per group of ``keys``."""
    composite = frame["composite"].astype(float)
    work = frame.assign(
        _at=(composite >= TARGET_COMPOSITE).astype(float).where(composite.notna()),
        _gate=(~frame["gate_passed"].astype("boolean")).astype(float)
        if "gate_passed" in frame.columns
        else np.nan,
    )
    grouped = work.groupby(keys, sort=True, observed=True, dropna=False)
    out = grouped.agg(
        headcount=("employee_id", "nunique"),
        scored=("composite", "count"),
        mean_composite=("composite", "mean"),
        median_composite=("composite", "median"),
        min_composite=("composite", "min"),
        max_composite=("composite", "max"),
        share_at_target=("_at", "mean"),
        share_gate_failed=("_gate", "mean"),
    ).reset_index()
    out["headcount"] = out["headcount"].astype("int64")
    out["scored"] = out["scored"].astype("int64")
    return out


def headline(results: pd.DataFrame, *, plan: Plan) -> pd.DataFrame:
    """Headline figures of a role: headcount and composite statistics per period.

    Parameters
    ----------
    results : DataFrame
        ``Evaluation.results`` (other roles' rows are left out).
    plan : Plan
        The role's plan.

    Returns
    -------
    DataFrame
        One row per period, oldest first, with columns:

        - ``period`` : str
        - ``role`` : str, the plan's role
        - ``headcount`` : int, people evaluated
        - ``scored`` : int, people with a composite (the others could not be scored)
        - ``mean_composite``, ``median_composite`` : float
        - ``share_at_target`` : float, share of people with composite >= 1.0 (0 to 1;
          people who could not be scored are left out)
        - ``share_gate_failed`` : float, share of people who failed a gate (0 to 1)
    """
    data = _of_role(results, plan)
    stats = _stats(data, ["period"])
    stats.insert(1, "role", plan.role)
    return stats[
        [
            "period",
            "role",
            "headcount",
            "scored",
            "mean_composite",
            "median_composite",
            "share_at_target",
            "share_gate_failed",
        ]
    ]


def rating_distribution(results: pd.DataFrame, *, plan: Plan) -> pd.DataFrame:
    """Rating band counts and shares against the plan's guideline shares.

    Every band of the plan appears for every period, with zero counts where nobody has it.

    Parameters
    ----------
    results : DataFrame
        ``Evaluation.results``.
    plan : Plan

    Returns
    -------
    DataFrame
        One row per period and band, bands best first, with columns:

        - ``period`` : str
        - ``band`` : str, e.g. ``A``
        - ``label`` : str, the band's meaning, e.g. ``Exceeds``
        - ``count`` : int, people with the band
        - ``share`` : float, ``count`` over the period's headcount (0 to 1)
        - ``guideline_share`` : float, the plan's guideline share of the band
        - ``difference`` : float, ``share - guideline_share``
    """
    data = _of_role(results, plan)
    bands = pd.DataFrame(
        {
            "band": [b.band for b in plan.rating_bands],
            "label": [b.label for b in plan.rating_bands],
            "guideline_share": [b.guideline_share for b in plan.rating_bands],
            "_order": range(len(plan.rating_bands)),
        }
    )
    periods = pd.DataFrame({"period": sorted(data["period"].astype(str).unique())})
    grid = periods.merge(bands, how="cross")
    counts = (
        data.assign(period=data["period"].astype(str), band=data["rating"].astype(str))
        .groupby(["period", "band"], observed=True)
        .size()
        .rename("count")
        .reset_index()
    )
    out = grid.merge(counts, on=["period", "band"], how="left")
    out["count"] = out["count"].fillna(0).astype("int64")
    total = out.groupby("period")["count"].transform("sum")
    out["share"] = (out["count"] / total.where(total > 0)).fillna(0.0)
    out["difference"] = out["share"] - out["guideline_share"]
    out = out.sort_values(["period", "_order"], kind="stable").reset_index(drop=True)
    return out[["period", "band", "label", "count", "share", "guideline_share", "difference"]]


def team_comparison(results: pd.DataFrame, *, plan: Plan) -> pd.DataFrame:
    """Composite statistics per team and period.

    Parameters
    ----------
    results : DataFrame
        ``Evaluation.results``.
    plan : Plan

    Returns
    -------
    DataFrame
        One row per period and team, ordered by period then team, with columns
        ``period, team, headcount, scored, mean_composite, median_composite,
        min_composite, max_composite, share_at_target, share_gate_failed`` (shares 0 to 1).
    """
    return _stats(_of_role(results, plan), ["period", "team"])


def trend(results: pd.DataFrame, *, plan: Plan) -> pd.DataFrame:
    """Average composite and share at target per period, overall and per team.

    Parameters
    ----------
    results : DataFrame
        ``Evaluation.results`` over several periods (e.g. :func:`last_periods`).
    plan : Plan

    Returns
    -------
    DataFrame
        Columns ``period, scope, team, headcount, mean_composite, share_at_target``.
        ``scope`` is ``"overall"`` (``team`` missing) for the whole role or ``"team"``
        for one team; rows are ordered by scope (overall first), team, then period.
    """
    data = _of_role(results, plan)
    overall = _stats(data, ["period"]).assign(scope="overall", team=pd.NA)
    teams = _stats(data, ["period", "team"]).assign(scope="team")
    out = pd.concat([overall, teams], ignore_index=True)
    out["team"] = out["team"].astype("string")
    out["_o"] = (out["scope"] == "team").astype(int)
    out = out.sort_values(["_o", "team", "period"], kind="stable", na_position="first")
    cols = ["period", "scope", "team", "headcount", "mean_composite", "share_at_target"]
    return out[cols].reset_index(drop=True)


def achievement_matrix(
    scores: pd.DataFrame,
    *,
    plan: Plan,
    results: pd.DataFrame,
    quality: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Achievement of each person on each metric, ready for a person x metric heatmap.

    Parameters
    ----------
    scores : DataFrame
        ``Evaluation.scores`` for one period.
    plan : Plan
    results : DataFrame
        ``Evaluation.results`` for the same period (for names and the row order).
    quality : DataFrame, optional
        :func:`data_quality`; adds a ``flags`` column (each person's flags).

    Returns
    -------
    DataFrame
        One row per person and plan metric, with columns:

        - ``period``, ``employee_id``, ``name``, ``team`` : str
        - ``composite`` : float, the person's composite
        - ``metric`` : str, plan metric key
        - ``achievement`` : float, 1.0 = on target (NaN where no value)
        - ``score`` : float

        Grouped by team, then ordered by composite (best first), employee id and plan
        metric order.
    """
    data = _of_role(scores, plan)
    data = data[data["metric"].isin(plan.metric_keys)]
    people = _of_role(results, plan)[["employee_id", "period", "name", "composite"]]
    out = data[["period", "employee_id", "team", "metric", "achievement", "score"]].merge(
        people, on=["employee_id", "period"], how="left"
    )
    order = {k: i for i, k in enumerate(plan.metric_keys)}
    out["_m"] = out["metric"].map(order)
    out = out.sort_values(
        ["period", "team", "composite", "employee_id", "_m"],
        ascending=[True, True, False, True, True],
        kind="stable",
        na_position="last",
    )
    cols = ["period", "employee_id", "name", "team", "composite", "metric", "achievement", "score"]
    out = out[cols].reset_index(drop=True)
    if quality is not None:
        out = with_flags(out, quality)
    return out


def top_bottom(
    results: pd.DataFrame,
    scores: pd.DataFrame,
    *,
    plan: Plan,
    n: int = 5,
    quality: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The best and worst performers of each period, with their strongest and weakest metric.

    People are ranked by composite (ties by employee id). The top group holds the first
    ``min(n, ceil(headcount / 2))`` people and the bottom group the last
    ``min(n, floor(headcount / 2))``, so nobody is in both. A person's strongest metric is
    the one with the highest achievement and the weakest the lowest (metrics without a
    value are skipped; ties go to the metric listed first in the plan).

    Parameters
    ----------
    results, scores : DataFrame
        ``Evaluation.results`` and ``Evaluation.scores``.
    plan : Plan
    n : int
        Size of each group at most.
    quality : DataFrame, optional
        :func:`data_quality`; adds a ``flags`` column, so a new joiner at the bottom of the
        ranking says so.

    Returns
    -------
    DataFrame
        Columns ``period, group, rank, employee_id, name, team, composite, rating,
        strongest_metric, strongest_achievement, weakest_metric, weakest_achievement``.
        ``group`` is ``"top"`` or ``"bottom"``; ``rank`` is 1 for the best person of the
        period (so the bottom group lists the worst person last). Metric columns hold plan
        metric keys.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    res = _of_role(results, plan)
    ranked = res.sort_values(
        ["period", "composite", "employee_id"], ascending=[True, False, True], kind="stable"
    ).copy()
    ranked["rank"] = ranked.groupby("period").cumcount() + 1
    size = ranked.groupby("period")["employee_id"].transform("size")
    n_top = np.minimum(n, np.ceil(size / 2))
    n_bottom = np.minimum(n, np.floor(size / 2))
    top = ranked["rank"] <= n_top
    bottom = ranked["rank"] > size - n_bottom
    ranked["group"] = np.where(top, "top", np.where(bottom, "bottom", ""))
    picked = ranked[top | bottom]

    sc = _of_role(scores, plan)
    sc = sc[sc["metric"].isin(plan.metric_keys) & sc["achievement"].notna()]
    sc = sc.assign(_m=sc["metric"].map({k: i for i, k in enumerate(plan.metric_keys)}))
    keys = ["employee_id", "period"]
    best = (
        sc.sort_values(["achievement", "_m"], ascending=[False, True], kind="stable")
        .groupby(keys, sort=False)
        .head(1)[[*keys, "metric", "achievement"]]
        .rename(columns={"metric": "strongest_metric", "achievement": "strongest_achievement"})
    )
    worst = (
        sc.sort_values(["achievement", "_m"], ascending=[True, True], kind="stable")
        .groupby(keys, sort=False)
        .head(1)[[*keys, "metric", "achievement"]]
        .rename(columns={"metric": "weakest_metric", "achievement": "weakest_achievement"})
    )
    out = picked.merge(best, on=keys, how="left").merge(worst, on=keys, how="left")
    out["_g"] = (out["group"] == "bottom").astype(int)
    out = out.sort_values(["period", "_g", "rank"], kind="stable")
    cols = [
        "period",
        "group",
        "rank",
        "employee_id",
        "name",
        "team",
        "composite",
        "rating",
        "strongest_metric",
        "strongest_achievement",
        "weakest_metric",
        "weakest_achievement",
    ]
    out = out[cols].reset_index(drop=True)
    out["rank"] = out["rank"].astype("int64")
    return with_flags(out, quality)


def payout_summary(results: pd.DataFrame, *, plan: Plan) -> pd.DataFrame:
    """Target bonus and payout totals per period, overall and per team.

    Only call this where pay may be shown (a report's ``show_pay``).

    Parameters
    ----------
    results : DataFrame
        ``Evaluation.results``.
    plan : Plan

    Returns
    -------
    DataFrame
        Columns:

        - ``period`` : str
        - ``scope`` : ``"overall"`` (``team`` missing) or ``"team"``
        - ``team`` : str
        - ``headcount`` : int
        - ``target_bonus`` : float, sum of period target bonuses
        - ``payout_amount`` : float, sum of payouts (a sum of the rounded line items)
        - ``payout_share`` : float, ``payout_amount / target_bonus`` (NaN when no target)
        - ``mean_payout_pct`` : float, mean of people's ``payout_pct``
        - ``gate_failures`` : int, people who failed a gate
        - ``currency`` : str, the plan's currency

        Overall rows first, then teams, each ordered by period.
    """
    data = _of_role(results, plan)
    work = data.assign(_gate=(~data["gate_passed"].astype("boolean")).fillna(False).astype("int64"))

    def agg(keys: list[str]) -> pd.DataFrame:
        return (
            work.groupby(keys, sort=True, observed=True)
            .agg(
                headcount=("employee_id", "nunique"),
                target_bonus=("target_bonus", "sum"),
                payout_amount=("payout_amount", "sum"),
                mean_payout_pct=("payout_pct", "mean"),
                gate_failures=("_gate", "sum"),
            )
            .reset_index()
        )

    overall = agg(["period"]).assign(scope="overall", team=pd.NA)
    teams = agg(["period", "team"]).assign(scope="team")
    out = pd.concat([overall, teams], ignore_index=True)
    out["team"] = out["team"].astype("string")
    out["payout_amount"] = out["payout_amount"].round(2)
    out["target_bonus"] = out["target_bonus"].round(2)
    out["payout_share"] = out["payout_amount"] / out["target_bonus"].where(out["target_bonus"] > 0)
    out["currency"] = plan.currency
    out["headcount"] = out["headcount"].astype("int64")
    out["gate_failures"] = out["gate_failures"].astype("int64")
    cols = [
        "period",
        "scope",
        "team",
        "headcount",
        "target_bonus",
        "payout_amount",
        "payout_share",
        "mean_payout_pct",
        "gate_failures",
        "currency",
    ]
    return out[cols]


def role_totals(results: pd.DataFrame) -> pd.DataFrame:
    """One row per period, role and currency: people, composites and the money paid.

    Parameters
    ----------
    results : DataFrame
        ``Evaluation.results``.

    Returns
    -------
    DataFrame
        Columns ``period, role, headcount, mean_composite, share_at_target, paid`` (people
        paid more than 0), ``payout_amount`` (the sum of the rounded lines, exact to the
        cent) and ``currency``; sorted by period and role.
    """
    from .payout import total_amount

    stats = _stats(results, ["period", "role"])
    work = results.assign(_paid=results["payout_amount"] > 0)
    money = (
        work.groupby(["period", "role", "currency"], sort=True, observed=True)
        .agg(paid=("_paid", "sum"), payout_amount=("payout_amount", total_amount))
        .reset_index()
    )
    out = stats[["period", "role", "headcount", "mean_composite", "share_at_target"]].merge(
        money, on=["period", "role"], how="left"
    )
    out["paid"] = out["paid"].fillna(0).astype("int64")
    return out.sort_values(["period", "role"], kind="stable").reset_index(drop=True)


# -- the plan, data quality and movement (issue #12) ------------------------------------------

#: A band's share of people departing from its guideline share by this much or more (either
#: way) is flagged on the index page: 0.10 is 10 percentage points.
GUIDELINE_TOLERANCE = 0.10


def plan_metrics(plan: Plan) -> pd.DataFrame:
    """The metrics a plan scores, with the results at which each scores, as a table.

    Parameters
    ----------
    plan : Plan

    Returns
    -------
    DataFrame
        One row per metric, in plan order, with columns:

        - ``metric`` : str, the metric key
        - ``weight`` : float, its weight in the composite (0 to 1)
        - ``direction`` : ``"higher"`` or ``"lower"`` is better
        - ``unit`` : str, the metric's unit (``percent``, ``count``, ``currency``, ...)
        - ``threshold``, ``target``, ``stretch`` : float, in the metric's unit (NaN where
          the plan gives none, e.g. a metric scored on a named curve)
        - ``cap`` : float, the highest score the metric can reach (NaN: no cap of its own)
        - ``gate`` : float, the achievement below which no bonus is paid at all (NaN: no
          gate on this metric)
    """
    gates: dict[str, float] = {}
    for g in plan.gates:
        gates[g.metric] = max(gates.get(g.metric, 0.0), float(g.min_achievement))
    rows = [
        {
            "metric": m.key,
            "weight": float(m.weight),
            "direction": m.direction,
            "unit": m.unit,
            "threshold": np.nan if m.threshold is None else float(m.threshold),
            "target": float(m.target),
            "stretch": np.nan if m.stretch is None else float(m.stretch),
            "cap": np.nan if m.cap is None else float(m.cap),
            "gate": gates.get(m.key, np.nan),
        }
        for m in plan.metrics
    ]
    return pd.DataFrame(rows)


def payout_curve(plan: Plan, *, upto: float | None = None, n: int = 0) -> pd.DataFrame:
    """The plan's payout curve as ``(composite, payout_pct)`` points, for a chart.

    The curve pays nothing below its first knot (a jump there when the threshold pays more
    than 0), runs through the plan's knots and is flat from the last one on, never above the
    curve's ``cap``.

    Parameters
    ----------
    plan : Plan
    upto : float, optional
        The largest composite drawn; by default the last knot plus 0.3.
    n : int
        Unused points between knots are not needed for a piecewise linear curve; give ``n``
        to sample it evenly instead (e.g. for a table).

    Returns
    -------
    DataFrame
        Columns ``composite, payout_pct`` (1.0 = the target bonus), in drawing order: a
        jump appears as two rows with the same composite.
    """
    curve = plan.payout.curve
    knots, step = curve.knots()
    xs = [float(x) for x, _ in knots]
    ys = [min(float(y), float(curve.cap)) for _, y in knots]
    end = float(upto) if upto is not None else xs[-1] + 0.3
    pts: list[tuple[float, float]] = [(0.0, 0.0)]
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        if step and i > 0:
            pts.append((x, pts[-1][1]))  # a tier holds until the next one starts
        pts.append((x, y))
    pts.append((max(end, xs[-1]), pts[-1][1]))
    out = pd.DataFrame(pts, columns=["composite", "payout_pct"])
    if n > 0:
        grid = np.linspace(0.0, max(end, xs[-1]), n)
        from .scoring import curve_score

        vals = np.minimum(curve_score(grid, knots, step=step), curve.cap)
        out = pd.DataFrame({"composite": grid, "payout_pct": vals})
    return out


def _period_bounds(label: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    p = parse_period(label)
    return pd.Timestamp(p.start), pd.Timestamp(p.end)


_REASONS = (
    ("no baseline", "no_baseline"),
    ("partial baseline", "partial_baseline"),
    ("partial current period", "partial_current"),
)


def _unscored_reason(note: object) -> str:
    text_ = str(note) if isinstance(note, str) else ""
    for prefix, key in _REASONS:
        if text_.startswith(prefix):
            return key
    return "no_value"


def data_quality(
    results: pd.DataFrame,
    scores: pd.DataFrame,
    *,
    plan: Plan,
    employees: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """People whose figures need a second look, one row per person and period.

    A person is listed when they joined or left during the period (from ``employees``),
    were prorated (paid for part of the period), have a metric that could not be scored
    (achievement missing; the reason is read from the engine's note: no baseline, partial
    baseline, a partial current period, or no data), or have no composite at all.

    Parameters
    ----------
    results, scores : DataFrame
        ``Evaluation.results`` and ``Evaluation.scores`` (other roles are left out).
    plan : Plan
    employees : DataFrame, optional
        ``Dataset.employees``, for hire and leave dates; without it joiners and leavers are
        known only by their proration.

    Returns
    -------
    DataFrame
        Columns:

        - ``period``, ``employee_id``, ``name``, ``team`` : str
        - ``flags`` : str, comma-separated keys among ``joined, left, prorated, unscored,
          excluded`` (no composite), in that order
        - ``hire_date``, ``leave_date`` : str ``YYYY-MM-DD`` when in the period, else empty
        - ``proration`` : float, the share of the period paid for (1.0 = all of it)
        - ``unscored_metrics`` : str, ``metric:reason`` pairs joined by ``;`` (reason keys
          ``no_baseline, partial_baseline, partial_current, no_value``)

        Ordered by period, team, then name.
    """
    res = _of_role(results, plan)
    sc = _of_role(scores, plan)
    cols = [
        "period",
        "employee_id",
        "name",
        "team",
        "flags",
        "hire_date",
        "leave_date",
        "proration",
        "unscored_metrics",
    ]
    if res.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    sc = sc[sc["metric"].isin(plan.metric_keys)]
    missing = sc[sc["achievement"].isna()]
    order = {k: i for i, k in enumerate(plan.metric_keys)}
    unscored: dict[tuple[str, str], str] = {}
    for (eid, per), grp in missing.groupby(["employee_id", "period"], observed=True, sort=False):
        grp = grp.assign(_m=grp["metric"].map(order)).sort_values("_m")
        unscored[(str(eid), str(per))] = ";".join(
            f"{m}:{_unscored_reason(n)}" for m, n in zip(grp["metric"], grp["note"], strict=True)
        )
    hires: dict[str, Any] = {}
    leaves: dict[str, Any] = {}
    if employees is not None:
        emp = employees.drop_duplicates("employee_id")
        hires = dict(zip(emp["employee_id"].astype(str), emp["hire_date"], strict=True))
        leaves = dict(zip(emp["employee_id"].astype(str), emp["leave_date"], strict=True))
    rows = []
    for r in res.itertuples(index=False):
        eid, per = str(r.employee_id), str(r.period)
        start, end = _period_bounds(per)
        flags = []
        hire = hires.get(eid)
        leave = leaves.get(eid)
        joined = hire is not None and not pd.isna(hire) and start < pd.Timestamp(hire) <= end
        left = leave is not None and not pd.isna(leave) and start <= pd.Timestamp(leave) < end
        proration = float(getattr(r, "proration", 1.0)) if hasattr(r, "proration") else 1.0
        if joined:
            flags.append("joined")
        if left:
            flags.append("left")
        if not math.isnan(proration) and proration < 1.0 - 1e-9:
            flags.append("prorated")
        if (eid, per) in unscored:
            flags.append("unscored")
        if pd.isna(r.composite):
            flags.append("excluded")
        if not flags:
            continue
        rows.append(
            {
                "period": per,
                "employee_id": eid,
                "name": str(r.name),
                "team": str(r.team),
                "flags": ",".join(flags),
                "hire_date": pd.Timestamp(hire).strftime("%Y-%m-%d") if joined else "",
                "leave_date": pd.Timestamp(leave).strftime("%Y-%m-%d") if left else "",
                "proration": proration,
                "unscored_metrics": unscored.get((eid, per), ""),
            }
        )
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["period", "team", "name"], kind="stable").reset_index(drop=True)


def quality_counts(quality: pd.DataFrame) -> dict[str, int]:
    """How many people carry each data-quality flag (:func:`data_quality`).

    Returns
    -------
    dict
        ``joined, left, prorated, unscored, excluded`` to a count of people.
    """
    keys = ("joined", "left", "prorated", "unscored", "excluded")
    flags = (
        quality["flags"].astype(str).str.split(",") if len(quality) else pd.Series([], dtype=object)
    )
    return {k: int(sum(k in f for f in flags)) for k in keys}


def with_flags(frame: pd.DataFrame, quality: pd.DataFrame | None) -> pd.DataFrame:
    """``frame`` with a ``flags`` column: each person's data-quality flags (empty if none).

    Parameters
    ----------
    frame : DataFrame
        Any table with ``employee_id`` (and ``period``) columns.
    quality : DataFrame or None
        :func:`data_quality`; None leaves the frame as it is.

    Returns
    -------
    DataFrame
        A copy with ``flags`` added (or replaced) as its last column.
    """
    if quality is None:
        return frame
    keys = ["employee_id", "period"] if "period" in frame.columns else ["employee_id"]
    q = quality[[*keys, "flags"]].drop_duplicates(keys)
    q = q.astype({k: str for k in keys})
    base = frame.drop(columns=[c for c in ("flags",) if c in frame.columns])
    left = base.assign(**{k: base[k].astype(str) for k in keys})
    out = left.merge(q, on=keys, how="left")
    out["flags"] = out["flags"].fillna("")
    out.index = frame.index
    for k in keys:
        out[k] = frame[k]
    return out


def _band_order(plan: Plan) -> dict[str, int]:
    return {b.band: i for i, b in enumerate(plan.rating_bands)}


def low_bands(plan: Plan) -> list[str]:
    """The plan's bands below target: every composite in them is under 1.0 (worst last)."""
    bands = plan.rating_bands
    return [
        b.band
        for i, b in enumerate(bands)
        if i > 0 and bands[i - 1].min_composite <= TARGET_COMPOSITE + 1e-12
    ]


def _previous_label(history: pd.DataFrame, period: str) -> str | None:
    periods = sorted(p for p in history["period"].astype(str).unique() if p < period)
    return periods[-1] if periods else None


def band_changes(history: pd.DataFrame, *, plan: Plan, period: str) -> pd.DataFrame:
    """People whose rating band changed between the previous period and ``period``.

    Parameters
    ----------
    history : DataFrame
        ``Evaluation.results`` over several periods (e.g. :func:`last_periods`).
    plan : Plan
    period : str
        The period reported on; the previous one is the latest period before it in
        ``history``.

    Returns
    -------
    DataFrame
        Columns ``employee_id, name, team, band_before, band_now, composite_before,
        composite_now, move`` (``"up"`` or ``"down"``); people who rose first, the largest
        moves first, then by name. Empty when there is no previous period.
    """
    cols = [
        "employee_id",
        "name",
        "team",
        "band_before",
        "band_now",
        "composite_before",
        "composite_now",
        "move",
    ]
    data = _of_role(history, plan)
    prev = _previous_label(data, period)
    if prev is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    now = data[data["period"].astype(str) == period]
    before = data[data["period"].astype(str) == prev][["employee_id", "rating", "composite"]]
    both = now.merge(before, on="employee_id", suffixes=("", "_before"))
    order = _band_order(plan)
    rank_now = both["rating"].astype(str).map(order)
    rank_before = both["rating_before"].astype(str).map(order)
    both = both.assign(_step=rank_before - rank_now)  # positive: a better band now
    moved = both[both["_step"].fillna(0) != 0].copy()
    moved["move"] = np.where(moved["_step"] > 0, "up", "down")
    moved = moved.assign(_abs=-moved["_step"].abs(), _up=(moved["_step"] < 0).astype(int))
    moved = moved.sort_values(["_up", "_abs", "name"], kind="stable")
    out = moved.rename(
        columns={
            "rating_before": "band_before",
            "rating": "band_now",
            "composite": "composite_now",
        }
    )
    return out[cols].reset_index(drop=True)


def low_streaks(
    history: pd.DataFrame, *, plan: Plan, period: str, min_periods: int = 2
) -> pd.DataFrame:
    """People in a band below target for ``min_periods`` periods or more in a row.

    A streak ends with ``period`` and counts the consecutive periods of ``history`` (in
    order, none skipped) in which the person held one of :func:`low_bands`.

    Returns
    -------
    DataFrame
        Columns ``employee_id, name, team, band_now, composite_now, periods_low,
        bands_seen`` (the bands of the streak, oldest first, e.g. ``"C → D"``); longest
        streaks first, then the lowest composite.
    """
    cols = [
        "employee_id",
        "name",
        "team",
        "band_now",
        "composite_now",
        "periods_low",
        "bands_seen",
    ]
    data = _of_role(history, plan)
    low = set(low_bands(plan))
    periods = sorted(p for p in data["period"].astype(str).unique() if p <= period)
    if not periods or periods[-1] != period or not low:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    by = {
        p: dict(zip(g["employee_id"].astype(str), g["rating"].astype(str), strict=True))
        for p, g in data.groupby(data["period"].astype(str), observed=True)
    }
    now = data[data["period"].astype(str) == period]
    rows = []
    for r in now.itertuples(index=False):
        eid = str(r.employee_id)
        seen: list[str] = []
        for p in reversed(periods):
            band = by.get(p, {}).get(eid)
            if band is None or band not in low:
                break
            seen.append(band)
        if len(seen) >= min_periods:
            rows.append(
                {
                    "employee_id": eid,
                    "name": str(r.name),
                    "team": str(r.team),
                    "band_now": str(r.rating),
                    "composite_now": float(r.composite),
                    "periods_low": len(seen),
                    "bands_seen": " → ".join(reversed(seen)),
                }
            )
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = pd.DataFrame(rows, columns=cols)
    out = out.sort_values(["periods_low", "composite_now"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def metric_trend(scores: pd.DataFrame, *, plan: Plan) -> pd.DataFrame:
    """Average achievement of each plan metric per period.

    Parameters
    ----------
    scores : DataFrame
        ``Evaluation.scores`` over several periods.
    plan : Plan

    Returns
    -------
    DataFrame
        Columns ``period, metric, mean_achievement, scored`` (people with a value), one row
        per period and metric, ordered by plan metric order, then period.
    """
    sc = _of_role(scores, plan)
    sc = sc[sc["metric"].isin(plan.metric_keys)]
    out = (
        sc.assign(period=sc["period"].astype(str), metric=sc["metric"].astype(str))
        .groupby(["period", "metric"], observed=True)
        .agg(mean_achievement=("achievement", "mean"), scored=("achievement", "count"))
        .reset_index()
    )
    out["_m"] = out["metric"].map({k: i for i, k in enumerate(plan.metric_keys)})
    out = out.sort_values(["_m", "period"], kind="stable")
    out["scored"] = out["scored"].astype("int64")
    return out[["period", "metric", "mean_achievement", "scored"]].reset_index(drop=True)


def person_detail(
    scores: pd.DataFrame, *, plan: Plan, employee_id: str, period: str
) -> pd.DataFrame:
    """One person's metrics in one period: the actual, target, achievement and score.

    Returns
    -------
    DataFrame
        Columns ``metric, unit, actual, target, achievement, score, weight,
        weighted_score, note``, in plan order (``unit`` from the plan, so that actuals and
        targets can be shown in it).

    Raises
    ------
    DataError
        If the person has no scores in the period.
    """
    one = select(scores, period=period)
    one = one[one["employee_id"].astype(str) == str(employee_id)]
    if one.empty:
        raise DataError(
            f"employee {employee_id!r} has no scores in {period}; pick an id from the "
            "results of that period"
        )
    one = one[one["metric"].isin(plan.metric_keys)]
    units = {m.key: m.unit for m in plan.metrics}
    one = one.assign(
        unit=one["metric"].map(units), _m=one["metric"].map(plan.metric_keys.index)
    ).sort_values("_m")
    cols = ["metric", "unit", "actual", "target", "achievement", "score", "weight"]
    return one[[*cols, "weighted_score", "note"]].reset_index(drop=True)


def guideline_departures(
    distribution: pd.DataFrame, *, tolerance: float = GUIDELINE_TOLERANCE
) -> pd.DataFrame:
    """Bands whose share of people departs from the plan's guideline by ``tolerance`` or more.

    Parameters
    ----------
    distribution : DataFrame
        :func:`rating_distribution` (columns ``band, share, guideline_share``; one period).
    tolerance : float
        0.10 flags a difference of 10 percentage points or more.

    Returns
    -------
    DataFrame
        The rows of ``distribution`` flagged, in band order.
    """
    diff = distribution["share"] - distribution["guideline_share"]
    return distribution[diff.abs() >= tolerance - 1e-12].reset_index(drop=True)


def overview(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The index page's table: one row per role report and a total, from headline records.

    Parameters
    ----------
    records : list of dict
        :func:`perfkit.display.headline_record` of each report (keys ``role, name, name_zh,
        headcount, mean_composite, share_at_target, bands`` and, when the report had them,
        ``scored``, ``composite_sum``, ``guideline`` and ``previous``).

    Returns
    -------
    DataFrame
        Columns ``role, name, name_zh, headcount, scored, mean_composite,
        share_at_target, change_composite, change_share, bands, flagged`` where ``bands`` is
        a list of ``[band, count]``, ``flagged`` a list of ``(band, share, guideline)``
        beyond :data:`GUIDELINE_TOLERANCE`, the changes are against the previous period (NaN
        without one); the last row (``role`` ``"total"``) adds up every role: people,
        means over everyone scored, bands by name.
    """
    rows = []
    tot: dict[str, float] = {
        "headcount": 0,
        "scored": 0,
        "sum": 0.0,
        "at": 0.0,
        "p_scored": 0,
        "p_sum": 0.0,
        "p_at": 0.0,
    }
    band_tot: dict[str, int] = {}
    all_have_previous = bool(records)
    for rec in records:
        scored = int(rec.get("scored", rec["headcount"]))
        mean = rec.get("mean_composite")
        share = rec.get("share_at_target")
        csum = rec.get("composite_sum", (mean or 0.0) * scored)
        prev = rec.get("previous") or {}
        flagged = []
        guide = dict((str(b), float(g)) for b, g in rec.get("guideline", []))
        total_people = sum(int(c) for _, c in rec["bands"])
        for band, count in rec["bands"]:
            band_tot[str(band)] = band_tot.get(str(band), 0) + int(count)
            if str(band) in guide and total_people:
                got = int(count) / total_people
                if abs(got - guide[str(band)]) >= GUIDELINE_TOLERANCE - 1e-12:
                    flagged.append((str(band), got, guide[str(band)]))
        pmean, pshare = prev.get("mean_composite"), prev.get("share_at_target")
        rows.append(
            {
                "role": rec["role"],
                "name": rec["name"],
                "name_zh": rec.get("name_zh", rec["name"]),
                "headcount": int(rec["headcount"]),
                "scored": scored,
                "mean_composite": np.nan if mean is None else float(mean),
                "share_at_target": np.nan if share is None else float(share),
                "change_composite": np.nan
                if pmean is None or mean is None
                else float(mean) - float(pmean),
                "change_share": np.nan
                if pshare is None or share is None
                else float(share) - float(pshare),
                "bands": [[str(b), int(c)] for b, c in rec["bands"]],
                "flagged": flagged,
            }
        )
        tot["headcount"] += int(rec["headcount"])
        tot["scored"] += scored
        tot["sum"] += float(csum)
        tot["at"] += (share or 0.0) * scored
        if prev and prev.get("scored") is not None and pmean is not None:
            ps = int(prev["scored"])
            tot["p_scored"] += ps
            tot["p_sum"] += float(prev.get("composite_sum", pmean * ps))
            tot["p_at"] += float(pshare or 0.0) * ps
        else:
            all_have_previous = False
    mean_t = tot["sum"] / tot["scored"] if tot["scored"] else np.nan
    share_t = round(tot["at"]) / tot["scored"] if tot["scored"] else np.nan
    if all_have_previous and tot["p_scored"]:
        ch_c = mean_t - tot["p_sum"] / tot["p_scored"]
        ch_s = share_t - round(tot["p_at"]) / tot["p_scored"]
    else:
        ch_c = ch_s = np.nan
    rows.append(
        {
            "role": "total",
            "name": "",
            "name_zh": "",
            "headcount": int(tot["headcount"]),
            "scored": int(tot["scored"]),
            "mean_composite": mean_t,
            "share_at_target": share_t,
            "change_composite": ch_c,
            "change_share": ch_s,
            "bands": [[b, c] for b, c in band_tot.items()],
            "flagged": [],
        }
    )
    return pd.DataFrame(rows)


def headcount_reconciliation(
    employees: pd.DataFrame,
    *,
    period: str,
    plans: Iterable[str],
    reported: dict[str, int],
) -> pd.DataFrame:
    """Everyone in the employees file, and why those not evaluated for ``period`` are not.

    Parameters
    ----------
    employees : DataFrame
        ``Dataset.employees`` (``employee_id, role, hire_date, leave_date``).
    period : str
        The period reported on.
    plans : iterable of str
        The roles that have a plan.
    reported : dict of str to int
        Headcount evaluated in each role report of the run.

    Returns
    -------
    DataFrame
        Columns ``item, role, people``: ``in_file`` (everyone), ``left_before`` (left
        before the period began), ``joined_after`` (joined after it ended), ``no_plan``
        (employed in the period, in a role without a plan; ``role`` names it),
        ``not_reported`` (a role with a plan but no report in this run, e.g. one that
        failed), ``not_evaluated`` (employed in a reported role but not in its report) and
        ``evaluated``; ``in_file`` equals the sum of the others.
    """
    start, end = _period_bounds(period)
    emp = employees.drop_duplicates("employee_id")
    hire = pd.to_datetime(emp["hire_date"])
    leave = pd.to_datetime(emp["leave_date"])
    left_before = leave.notna() & (leave < start)
    joined_after = hire.notna() & (hire > end)
    employed = ~left_before & ~joined_after
    roles = emp["role"].astype(str)
    with_plan = set(plans)
    rows = [("in_file", "", int(len(emp)))]
    rows.append(("left_before", "", int(left_before.sum())))
    rows.append(("joined_after", "", int(joined_after.sum())))
    active = roles[employed]
    for role, n in active[~active.isin(with_plan)].value_counts().sort_index().items():
        rows.append(("no_plan", str(role), int(n)))
    for role, n in active[active.isin(with_plan)].value_counts().sort_index().items():
        if role not in reported:
            rows.append(("not_reported", str(role), int(n)))
        elif int(n) > int(reported[role]):
            rows.append(("not_evaluated", str(role), int(n) - int(reported[role])))
    rows.append(("evaluated", "", int(sum(reported.values()))))
    return pd.DataFrame(rows, columns=["item", "role", "people"])
