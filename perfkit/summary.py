"""Report tables: the figures a role report shows, computed from an evaluation.

Every function here takes the ``results`` or ``scores`` frame of
:func:`perfkit.evaluate` (see ``docs/data.md``) and returns a tidy frame with fixed,
documented columns. Nothing here draws: :mod:`perfkit.plotting` charts these frames and
:mod:`perfkit.display` shows them in notebooks.

A composite of 1.0 means "on target" in every plan (:data:`TARGET_COMPOSITE`). When a frame
holds several roles, a function given a ``plan`` keeps the rows of that plan's role only.

:func:`format_cut` is the one rule for showing a composite (or a score or achievement) as
text: cut, never rounded up, as the payout explanations do, so a shown value never seems to
reach a band, threshold or gate it missed.

The small translation table :data:`TEXT` gives the English and Chinese wording of section
titles, column headers and chart labels; plan metrics and rating bands carry their own
``label`` and ``label_zh``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError
from .periods import parse_period
from .plans import Plan

#: The composite score that means "on target" (every plan scores 1.0 at target).
TARGET_COMPOSITE = 1.0

#: Languages the report wording exists in.
LANGS = ("en", "zh")

#: Wording of report sections, table headers and chart labels, by key and language.
TEXT: dict[str, dict[str, str]] = {
    # sections
    "report": {"en": "Role report", "zh": "岗位绩效报告"},
    "headline": {"en": "Headline figures", "zh": "核心指标"},
    "ratings": {"en": "Rating distribution against the guideline", "zh": "评级分布与指导比例"},
    "distribution": {"en": "Score distribution by team", "zh": "各团队综合得分分布"},
    "achievement": {"en": "Achievement per metric", "zh": "各指标达成率"},
    "teams": {"en": "Team comparison", "zh": "团队对比"},
    "trend": {"en": "Trend over the last four periods", "zh": "近四期趋势"},
    "performers": {"en": "Top and bottom performers", "zh": "绩效前列与后列人员"},
    "payout": {"en": "Payout summary", "zh": "奖金发放汇总"},
    "plan_health": {"en": "Plan-health findings", "zh": "方案健康检查"},
    "reports_index": {"en": "Role reports", "zh": "岗位绩效报告汇总"},
    "failed": {"en": "Reports that failed", "zh": "未能生成的报告"},
    # the usual rating band meanings, for plans without `label_zh` (others show as written)
    "band_Outstanding": {"en": "Outstanding", "zh": "卓越"},
    "band_Exceeds": {"en": "Exceeds", "zh": "超出预期"},
    "band_Meets": {"en": "Meets", "zh": "符合预期"},
    "band_Partly meets": {"en": "Partly meets", "zh": "部分符合"},
    "band_Below": {"en": "Below", "zh": "未达预期"},
    # words
    "all_teams": {"en": "All teams", "zh": "全部团队"},
    "team_filter": {"en": "Team", "zh": "团队"},
    "period_word": {"en": "Period", "zh": "考核期"},
    "top": {"en": "top", "zh": "前列"},
    "bottom": {"en": "bottom", "zh": "后列"},
    "actual": {"en": "Actual", "zh": "实际"},
    "guideline": {"en": "Guideline", "zh": "指导比例"},
    "on_target": {"en": "on target", "zh": "达标线"},
    "figure": {"en": "Figure", "zh": "指标"},
    "value": {"en": "Value", "zh": "数值"},
    "rating_spread": {"en": "Rating spread", "zh": "评级分布"},
    # columns
    "period": {"en": "Period", "zh": "考核期"},
    "role": {"en": "Role", "zh": "岗位"},
    "team": {"en": "Team", "zh": "团队"},
    "scope": {"en": "Scope", "zh": "范围"},
    "employee_id": {"en": "Employee", "zh": "员工编号"},
    "name": {"en": "Name", "zh": "姓名"},
    "headcount": {"en": "Headcount", "zh": "人数"},
    "mean_composite": {"en": "Average composite", "zh": "平均综合得分"},
    "median_composite": {"en": "Median composite", "zh": "综合得分中位数"},
    "min_composite": {"en": "Lowest composite", "zh": "最低综合得分"},
    "max_composite": {"en": "Highest composite", "zh": "最高综合得分"},
    "share_at_target": {"en": "Share at or above target", "zh": "达标人数占比"},
    "share_gate_failed": {"en": "Share failing a gate", "zh": "未过门槛占比"},
    "composite": {"en": "Composite", "zh": "综合得分"},
    "rating": {"en": "Rating", "zh": "评级"},
    "band": {"en": "Band", "zh": "评级"},
    "label": {"en": "Meaning", "zh": "含义"},
    "count": {"en": "People", "zh": "人数"},
    "share": {"en": "Share", "zh": "占比"},
    "guideline_share": {"en": "Guideline share", "zh": "指导比例"},
    "difference": {"en": "Difference", "zh": "差异"},
    "group": {"en": "Group", "zh": "分组"},
    "rank": {"en": "Rank", "zh": "名次"},
    "strongest_metric": {"en": "Strongest metric", "zh": "最强指标"},
    "strongest_achievement": {"en": "Its achievement", "zh": "其达成率"},
    "weakest_metric": {"en": "Weakest metric", "zh": "最弱指标"},
    "weakest_achievement": {"en": "Its achievement", "zh": "其达成率"},
    "metric": {"en": "Metric", "zh": "指标"},
    "achievement_col": {"en": "Achievement", "zh": "达成率"},
    "score": {"en": "Score", "zh": "得分"},
    "target_bonus": {"en": "Target bonus", "zh": "目标奖金"},
    "payout_amount": {"en": "Payout", "zh": "实发奖金"},
    "payout_share": {"en": "Payout / target bonus", "zh": "实发/目标奖金"},
    "mean_payout_pct": {"en": "Average payout %", "zh": "平均发放比例"},
    "gate_failures": {"en": "Gate failures", "zh": "未过门槛人数"},
    "currency": {"en": "Currency", "zh": "币种"},
    # chart titles and axis labels (units in brackets)
    "chart_ratings": {"en": "Rating distribution vs guideline", "zh": "评级分布与指导比例对比"},
    "axis_band": {"en": "Rating band", "zh": "评级"},
    "axis_share_people": {"en": "Share of people (%)", "zh": "人数占比（%）"},
    "chart_distribution": {"en": "Composite score by team", "zh": "各团队综合得分"},
    "axis_composite": {
        "en": "Composite score (1.0 = on target)",
        "zh": "综合得分（1.0 = 达标）",
    },
    "axis_mean_composite": {
        "en": "Average composite score (1.0 = on target)",
        "zh": "平均综合得分（1.0 = 达标）",
    },
    "axis_team": {"en": "Team", "zh": "团队"},
    "chart_achievement": {"en": "Achievement per person and metric", "zh": "个人各指标达成率"},
    "axis_person": {"en": "Person", "zh": "员工"},
    "axis_metric": {"en": "Metric", "zh": "指标"},
    "axis_achievement": {"en": "Achievement (% of target)", "zh": "达成率（占目标%）"},
    "chart_teams": {"en": "Average composite by team", "zh": "各团队平均综合得分"},
    "chart_trend": {"en": "Average composite over time", "zh": "平均综合得分趋势"},
    "axis_period": {"en": "Period", "zh": "考核期"},
    "chart_payout": {"en": "Payout against target bonus by team", "zh": "各团队实发奖金占目标比例"},
    "axis_payout_share": {"en": "Payout (% of target bonus)", "zh": "实发奖金（占目标奖金%）"},
}


def format_cut(value: Any, decimals: int = 2, *, percent: bool = False) -> str:
    """A composite (or a score or achievement) as text, cut to ``decimals``, never rounded up.

    The one rule for showing a figure that bands, payout thresholds or gates compare with
    "at least": a value that missed a knot must never read as reaching it. So 1.2488 reads
    ``1.24`` where band S starts at 1.25, and 0.6996 reads ``0.69``; a value within the knot
    tolerance of a knot (:data:`perfkit.scoring.KNOT_TOLERANCE`), which counts as reaching
    it, reads as the knot. Negative values are rounded. This is the rule of the payout
    explanations (:func:`perfkit.payout.explain`), so reports, tables, charts and the
    payroll workbook show a composite the way the payroll line explains it.

    Parameters
    ----------
    value : float
    decimals : int
        Decimals shown (of the percentage when ``percent``).
    percent : bool
        Show ``value`` as a percentage with a ``%`` sign (0.59996 reads ``59.9%``).

    Returns
    -------
    str
        ``"n/a"`` for a missing or infinite value.
    """
    from .payout import _fixed_key, _fixed_text  # the explanations' own rule

    shift = 2 if percent else 0
    key = int(_fixed_key(np.array([value], dtype=np.float64), decimals + shift, down=True)[0])
    out = _fixed_text(key, decimals)
    return out + "%" if percent and key >= 0 else out


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a known report language, else raise ValueError naming them."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(map(repr, LANGS))}, not {lang!r}")
    return lang


def text(key: str, *, lang: str = "en") -> str:
    """The wording of ``key`` (a key of :data:`TEXT`) in ``lang``.

    Parameters
    ----------
    key : str
        E.g. ``"headline"`` or ``"axis_composite"``.
    lang : {"en", "zh"}

    Returns
    -------
    str
    """
    check_lang(lang)
    try:
        return TEXT[key][lang]
    except KeyError:
        raise KeyError(f"no wording for {key!r}; known keys: {', '.join(sorted(TEXT))}") from None


def metric_labels(plan: Plan, *, lang: str = "en") -> dict[str, str]:
    """Labels of the plan's metrics in ``lang``, keyed by metric key, in plan order.

    Returns
    -------
    dict of str to str
        ``label`` (English) or ``label_zh`` (Chinese) of each metric.
    """
    check_lang(lang)
    return {m.key: (m.label_zh if lang == "zh" else m.label) for m in plan.metrics}


def band_label(label: str, *, lang: str = "en", label_zh: str = "") -> str:
    """A rating band's meaning in ``lang``.

    Parameters
    ----------
    label : str
        The band's English meaning, ``RatingBand.label`` (e.g. ``"Meets"``).
    lang : {"en", "zh"}
    label_zh : str
        The plan's own Chinese wording, ``RatingBand.label_zh``. In Chinese it is used
        when set; otherwise the usual English labels are translated by :data:`TEXT`
        (``band_<label>`` keys) and any other label is shown as written.

    Returns
    -------
    str
    """
    check_lang(lang)
    if lang == "zh" and label_zh:
        return label_zh
    return TEXT.get(f"band_{label}", {}).get(lang, label)


def band_labels(plan: Plan, *, lang: str = "en") -> dict[str, str]:
    """Meanings of the plan's rating bands in ``lang``, keyed by band, best band first.

    Returns
    -------
    dict of str to str
        :func:`band_label` of each band: its ``label`` in English; in Chinese its
        ``label_zh`` when the plan gives one, else the translated ``label``.
    """
    return {b.band: band_label(b.label, lang=lang, label_zh=b.label_zh) for b in plan.rating_bands}


def plan_name(plan: Plan, *, lang: str = "en") -> str:
    """The plan's display name in ``lang`` (``name`` or ``name_zh``)."""
    return plan.name_zh if check_lang(lang) == "zh" else plan.name


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
