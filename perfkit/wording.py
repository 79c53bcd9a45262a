"""Wording: every text a person reads, in English and Chinese, and how figures are shown.

:data:`TEXT` gives the English and Chinese wording of section titles, column headers and
chart labels; plan metrics and rating bands carry their own ``label`` and ``label_zh``
(:func:`metric_labels`, :func:`band_label`, :func:`plan_name`). :func:`format_cut` is the
one rule for showing a composite (or a score or achievement) as text: cut, never rounded
up, as the payout explanations do, so a shown value never seems to reach a band, threshold
or gate it missed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .plans import Plan

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
