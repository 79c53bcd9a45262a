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

from collections.abc import Iterable

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
        mean_composite=("composite", "mean"),
        median_composite=("composite", "median"),
        min_composite=("composite", "min"),
        max_composite=("composite", "max"),
        share_at_target=("_at", "mean"),
        share_gate_failed=("_gate", "mean"),
    ).reset_index()
    out["headcount"] = out["headcount"].astype("int64")
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
        ``period, team, headcount, mean_composite, median_composite, min_composite,
        max_composite, share_at_target, share_gate_failed`` (shares 0 to 1).
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


def achievement_matrix(scores: pd.DataFrame, *, plan: Plan, results: pd.DataFrame) -> pd.DataFrame:
    """Achievement of each person on each metric, ready for a person x metric heatmap.

    Parameters
    ----------
    scores : DataFrame
        ``Evaluation.scores`` for one period.
    plan : Plan
    results : DataFrame
        ``Evaluation.results`` for the same period (for names and the row order).

    Returns
    -------
    DataFrame
        One row per person and plan metric, with columns:

        - ``period``, ``employee_id``, ``name``, ``team`` : str
        - ``composite`` : float, the person's composite
        - ``metric`` : str, plan metric key
        - ``achievement`` : float, 1.0 = on target (NaN where no value)
        - ``score`` : float

        Ordered by composite (best first), employee id, then plan metric order.
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
        ["period", "composite", "employee_id", "_m"],
        ascending=[True, False, True, True],
        kind="stable",
    )
    cols = ["period", "employee_id", "name", "team", "composite", "metric", "achievement", "score"]
    return out[cols].reset_index(drop=True)


def top_bottom(
    results: pd.DataFrame, scores: pd.DataFrame, *, plan: Plan, n: int = 5
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
    return out


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
