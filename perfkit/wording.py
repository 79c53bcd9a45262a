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
    "scored": {"en": "Scored", "zh": "可评分人数"},
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
    "strongest_achievement": {"en": "Strongest achievement", "zh": "最强指标达成率"},
    "weakest_metric": {"en": "Weakest metric", "zh": "最弱指标"},
    "weakest_achievement": {"en": "Weakest achievement", "zh": "最弱指标达成率"},
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
    # -- added for the board-ready reports (issue #12) ---------------------------------------
    # sections and the paragraph explaining each (``about_<section>``), shown in every language
    "reading": {"en": "How to read this report", "zh": "如何阅读本报告"},
    "about_reading": {
        "en": "A person's composite is the weighted average of their metric scores: 1.00 "
        "means on target on every metric, 1.10 ten per cent above. A metric scores 0 below "
        "its threshold, 0.5 at the threshold, 1.0 at target and up to 1.5 at stretch (see "
        "the plan below). Composites are cut, never rounded up: 1.2488 reads 1.24. The "
        "rating band follows from the composite; a gate missed pays no bonus whatever the "
        "composite. Share at or above target counts people whose composite is 1.00 or more, "
        "out of those who could be scored. Differences of shares are in percentage points "
        "(pp). Every table can be downloaded as CSV with the link under it.",
        "zh": "综合得分是个人各指标得分的加权平均：1.00 表示每个指标都恰好达标，1.10 表示高出一成。"
        "指标低于门槛值得 0 分，达到门槛值得 0.5 分，达到目标得 1.0 分，达到挑战值最高得 1.5 分"
        "（见下文考核方案）。综合得分只截断不进位：1.2488 显示为 1.24。评级由综合得分决定；"
        "未过门槛条件者无论综合得分多少均不发奖金。达标人数占比是可评分人员中综合得分不低于 "
        "1.00 的比例。占比之差以百分点表示。每张表格下方的链接可下载该表的 CSV 文件。",
    },
    "about_headline": {
        "en": "Headcount is everyone of the role employed for at least a day of the period "
        "and evaluated; the change is against the previous period. The data-quality line "
        "counts joiners, leavers, prorated people and unscored metrics, listed further down.",
        "zh": "人数为本考核期内至少在岗一天并参与考核的该岗位全部人员；变化为与上一考核期相比。"
        "数据质量一行统计新入职、离职、按在岗天数折算及未评分指标的人数，明细见下文。",
    },
    "plan": {"en": "The plan this report applies", "zh": "本报告适用的考核方案"},
    "about_plan": {
        "en": "Each metric's weight in the composite and the results at which it scores: "
        "nothing below the threshold, 0.5 at it, 1.0 at target, 1.5 at stretch, never more "
        "than its cap. A gate pays no bonus at all when the metric's achievement is below "
        "its minimum. The chart shows the payout curve: the share of the target bonus paid "
        "for a composite, zero below the threshold and flat at the cap.",
        "zh": "各指标在综合得分中的权重，以及各档得分对应的结果：低于门槛值不得分，门槛值得 0.5 分，"
        "目标值得 1.0 分，挑战值得 1.5 分，且不超过该指标的得分上限。门槛条件：该指标达成率低于"
        "最低要求时不发任何奖金。图中为奖金曲线：不同综合得分对应发放目标奖金的比例，低于门槛为"
        "零，达到上限后不再增加。",
    },
    "about_ratings": {
        "en": "Each band's share of people next to the share the plan's guideline expects; "
        "a difference of 10 pp or more either way is flagged on the index page.",
        "zh": "各评级的实际人数占比与方案指导比例的对比；相差 10 个百分点及以上时在汇总页标注。",
    },
    "about_distribution": {
        "en": "Each dot is a person's composite score; the box spans the middle half of the "
        "team and the line inside it is the median. The dashed line is on target (1.00).",
        "zh": "每个点代表一名员工的综合得分；箱体覆盖团队中间一半人员，箱内线为中位数。虚线为达标线"
        "（1.00）。",
    },
    "about_achievement": {
        "en": "Achievement is the actual over the target (for lower-is-better metrics such "
        "as cost per lead, 2 minus actual over target): 100% is on target. People are "
        "grouped by team, best composite first; blue is above target, red below, and a "
        "hatched grey cell is a metric that could not be scored (its weight goes to the "
        "scored metrics). Marks after a name are data-quality flags.",
        "zh": "达成率为实际值除以目标值（成本类等越低越好的指标为 2 减去实际值除以目标值）：100% "
        "即达标。人员按团队分组，综合得分高者在前；蓝色高于目标，红色低于目标，灰色斜线格为无法"
        "评分的指标（其权重分摊给已评分指标）。姓名后的标记为数据质量提示。",
    },
    "about_teams": {
        "en": "Composite statistics per team for the period. A role with one team has no "
        "comparison chart.",
        "zh": "本考核期各团队综合得分统计。只有一个团队的岗位不绘制对比图。",
    },
    "about_trend": {
        "en": "The last four periods: the composite per team and overall, then the average "
        "achievement of each metric, so a change of the composite can be traced to the "
        "metrics behind it. The axes start from a fixed span, so small swings look small.",
        "zh": "近四个考核期：各团队及整体的平均综合得分，以及各指标的平均达成率，便于把综合得分的"
        "变化追溯到具体指标。纵轴保留固定跨度，小幅波动不会被放大。",
    },
    "movement": {"en": "Movement since the previous period", "zh": "与上一考核期相比的变动"},
    "about_movement": {
        "en": "People whose rating band changed since the previous period, and people in a "
        "band below target (every composite in it is under 1.00) for two periods or more "
        "in a row.",
        "zh": "与上一考核期相比评级发生变化的人员，以及连续两个及以上考核期处于低于目标评级"
        "（该评级的综合得分均低于 1.00）的人员。",
    },
    "band_changes": {"en": "Band changes", "zh": "评级变化"},
    "low_streaks": {"en": "Consecutive low bands", "zh": "连续处于低评级"},
    "quality": {"en": "Data quality", "zh": "数据质量"},
    "about_quality": {
        "en": "People whose figures need a second look: joiners and leavers in the period "
        "(prorated by days employed), metrics that could not be scored and why (no "
        "baseline: no data for the comparison period; partial baseline: some of its months "
        "missing), and people left out of the composite statistics. The same marks appear "
        "beside their names in the tables below.",
        "zh": "需要留意的人员：本期新入职和离职人员（按在岗天数折算）、无法评分的指标及原因（无基期："
        "对比期没有数据；基期不完整：对比期缺少部分月份），以及未计入综合得分统计的人员。下文"
        "表格中其姓名旁有相同标记。",
    },
    "about_performers": {
        "en": "The five best and five worst composites, each with the metric where the "
        "person is strongest and weakest against target. A mark after a name is a "
        "data-quality flag: a new joiner at the bottom has had less time.",
        "zh": "综合得分最高和最低的各五人，以及各自达成率最高和最低的指标。姓名后的标记为数据质量"
        "提示：排名靠后的新入职人员在岗时间较短。",
    },
    "about_payout": {
        "en": "Payout against the target bonus (the budget) per team; the first chart shows "
        "each person's payout against their composite with the payout curve and the 100% "
        "line, so a zero (below threshold or a gate missed) or a cap can be read off. A "
        "dot off the curve is explained by the team share (part of the bonus follows the "
        "team's composite), proration and any modifier; each person's payroll line says "
        "which.",
        "zh": "各团队实发奖金与目标奖金（预算）的对比；第一张图为每人实发比例与综合得分的关系，附"
        "奖金曲线和 100% 线，可看出为何为零（低于门槛或未过门槛条件）或封顶。偏离曲线的点由团队"
        "部分（部分奖金按团队综合得分发放）、按在岗天数折算及调整系数造成，每人的奖金明细行会"
        "说明原因。",
    },
    # the report's words
    "none_found": {"en": "None.", "zh": "无。"},
    "download_csv": {"en": "Download CSV", "zh": "下载 CSV"},
    "previous": {"en": "Previous period", "zh": "上一考核期"},
    "change": {"en": "Change", "zh": "变化"},
    "change_composite": {"en": "Change of composite", "zh": "综合得分变化"},
    "change_share": {"en": "Change of share", "zh": "达标占比变化"},
    "data_quality_line": {"en": "Data quality", "zh": "数据质量"},
    "not_scored": {"en": "not scored", "zh": "未评分"},
    "legend_unscored": {"en": "not scored (see Data quality)", "zh": "未评分（见数据质量）"},
    "legend_above": {"en": "above target", "zh": "高于目标"},
    "legend_below": {"en": "below target", "zh": "低于目标"},
    "pp": {"en": "pp", "zh": "个百分点"},
    # data-quality flags (short marks in tables, and their words)
    "flag_joined": {"en": "joined", "zh": "新入职"},
    "flag_left": {"en": "left", "zh": "离职"},
    "flag_prorated": {"en": "prorated", "zh": "折算"},
    "flag_unscored": {"en": "unscored", "zh": "未评分"},
    "flag_excluded": {"en": "no composite", "zh": "无综合得分"},
    "reason_no_baseline": {"en": "no baseline", "zh": "无基期"},
    "reason_partial_baseline": {"en": "partial baseline", "zh": "基期不完整"},
    "reason_partial_current": {"en": "partial period", "zh": "本期不完整"},
    "reason_no_value": {"en": "no data", "zh": "无数据"},
    # plan table columns
    "weight": {"en": "Weight", "zh": "权重"},
    "direction": {"en": "Better when", "zh": "方向"},
    "higher": {"en": "higher", "zh": "越高越好"},
    "lower": {"en": "lower", "zh": "越低越好"},
    "threshold": {"en": "Threshold", "zh": "门槛值"},
    "target": {"en": "Target", "zh": "目标值"},
    "stretch": {"en": "Stretch", "zh": "挑战值"},
    "cap": {"en": "Score cap", "zh": "得分上限"},
    "gate": {"en": "Gate", "zh": "门槛条件"},
    "gate_rule": {"en": "no bonus below {pct} achievement", "zh": "达成率低于 {pct} 不发奖金"},
    "unit": {"en": "Unit", "zh": "单位"},
    # movement and quality columns
    "band_before": {"en": "Band before", "zh": "原评级"},
    "band_now": {"en": "Band now", "zh": "现评级"},
    "composite_before": {"en": "Composite before", "zh": "原综合得分"},
    "composite_now": {"en": "Composite now", "zh": "现综合得分"},
    "move": {"en": "Move", "zh": "变动"},
    "up": {"en": "up", "zh": "上升"},
    "down": {"en": "down", "zh": "下降"},
    "periods_low": {"en": "Periods in a row", "zh": "连续期数"},
    "bands_seen": {"en": "Bands, oldest first", "zh": "历期评级（由远及近）"},
    "flags": {"en": "Flags", "zh": "提示"},
    "hire_date": {"en": "Joined", "zh": "入职日期"},
    "leave_date": {"en": "Left", "zh": "离职日期"},
    "proration": {"en": "Paid for", "zh": "折算比例"},
    "unscored_metrics": {"en": "Unscored metrics (why)", "zh": "未评分指标（原因）"},
    "mean_achievement": {"en": "Average achievement", "zh": "平均达成率"},
    "weighted_score": {"en": "Weighted score", "zh": "加权得分"},
    "note": {"en": "Note", "zh": "说明"},
    # charts added
    "chart_payout_curve": {"en": "Payout curve", "zh": "奖金曲线"},
    "axis_payout_pct": {"en": "Payout (% of target bonus)", "zh": "奖金（占目标奖金%）"},
    "chart_metric_trend": {"en": "Average achievement per metric", "zh": "各指标平均达成率"},
    "chart_payout_vs_composite": {
        "en": "Payout against composite",
        "zh": "实发比例与综合得分",
    },
    "chart_payout_budget": {"en": "Payout against budget", "zh": "实发奖金与预算"},
    "axis_amount": {"en": "Amount ({currency})", "zh": "金额（{currency}）"},
    "budget": {"en": "Target bonus (budget)", "zh": "目标奖金（预算）"},
    "paid": {"en": "Paid", "zh": "实发"},
    "curve_label": {"en": "plan's payout curve", "zh": "方案奖金曲线"},
    "line_100": {"en": "100% of target bonus", "zh": "目标奖金 100%"},
    # the index page
    "index_intro": {
        "en": "One line per role for the period, with the change against the previous "
        "period, and a total. Open a role for its report.",
        "zh": "每个岗位一行，列出本考核期数据及与上一考核期相比的变化，并附合计。点击岗位查看报告。",
    },
    "total": {"en": "All roles", "zh": "全部岗位"},
    "flagged": {"en": "Against the guideline", "zh": "偏离指导比例"},
    "finding": {"en": "Most severe finding", "zh": "最严重的问题"},
    "glossary": {"en": "Terms", "zh": "术语说明"},
    "term_composite": {
        "en": "the weighted average of a person's metric scores; 1.00 is on target on every "
        "metric. Cut to two decimals, never rounded up.",
        "zh": "个人各指标得分的加权平均；1.00 表示各指标均达标。保留两位小数，只截断不进位。",
    },
    "term_share_at_target": {
        "en": "people whose composite is 1.00 or more, out of those who could be scored.",
        "zh": "可评分人员中综合得分不低于 1.00 的比例。",
    },
    "term_rating_spread": {
        "en": "people per rating band, best band first; the plan's guideline share of each "
        "band is in the role report.",
        "zh": "各评级人数，由高到低；各评级的指导比例见岗位报告。",
    },
    "term_flagged": {
        "en": "bands whose share of people differs from the plan's guideline by 10 pp or more.",
        "zh": "人数占比与方案指导比例相差 10 个百分点及以上的评级。",
    },
    "term_change": {
        "en": "against the previous period: composites in points, shares in percentage "
        "points (pp).",
        "zh": "与上一考核期相比：综合得分为分值之差，占比为百分点之差。",
    },
    "term_finding": {
        "en": "the most severe plan-health finding for the role (details in its report).",
        "zh": "该岗位最严重的方案健康检查问题（详见岗位报告）。",
    },
    "reconciliation": {"en": "Headcount reconciled with the data", "zh": "人数与数据核对"},
    "about_reconciliation": {
        "en": "Everyone in the employees file, and why those not counted above are not "
        "evaluated for the period.",
        "zh": "人员文件中的全部人员，以及上表未计入者未参与本期考核的原因。",
    },
    "rec_in_file": {"en": "People in the employees file", "zh": "人员文件中的人数"},
    "rec_left_before": {"en": "left before the period", "zh": "考核期开始前已离职"},
    "rec_joined_after": {"en": "joined after the period", "zh": "考核期结束后入职"},
    "rec_no_plan": {"en": "in a role without a plan", "zh": "所在岗位没有考核方案"},
    "rec_not_reported": {"en": "in a role not reported in this run", "zh": "所在岗位本次未出报告"},
    "rec_not_evaluated": {
        "en": "employed in the period but not evaluated (no data)",
        "zh": "考核期内在岗但未参与考核（无数据）",
    },
    "rec_evaluated": {"en": "evaluated (the total above)", "zh": "参与考核（即上表合计）"},
    "people": {"en": "People", "zh": "人数"},
    "of_which": {"en": "of which", "zh": "其中"},
    "severity_high": {"en": "high", "zh": "高"},
    "severity_medium": {"en": "medium", "zh": "中"},
    "severity_low": {"en": "low", "zh": "低"},
    "vs_guideline": {
        "en": "{band} {share} vs {guide} guideline",
        "zh": "{band} {share}（指导 {guide}）",
    },
    "data_quality_counts": {
        "en": "{joined} joined, {left} left, {prorated} prorated, {unscored} with an unscored "
        "metric, {excluded} without a composite",
        "zh": "新入职 {joined} 人，离职 {left} 人，折算 {prorated} 人，有未评分指标 {unscored} 人，"
        "无综合得分 {excluded} 人",
    },
}

#: Punctuation of titles and labels: Chinese uses the full-width colon and comma.
_COLON = {"en": ": ", "zh": "："}
_COMMA = {"en": ", ", "zh": "，"}


def colon(lang: str = "en") -> str:
    """The colon that joins a title's parts in ``lang`` (``": "``, or ``"："`` in Chinese)."""
    return _COLON[check_lang(lang)]


def comma(lang: str = "en") -> str:
    """The comma that joins a label's parts in ``lang`` (``", "``, or ``"，"`` in Chinese)."""
    return _COMMA[check_lang(lang)]


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
