"""Findings, their fixes in English and Chinese, and the family-wise error control.

A check does not decide on its own whether it speaks: it returns :class:`Candidate` objects
(a finding with its p-value, if it is a test, and whether its effect is large enough to
matter). :func:`select` then applies Holm's step-down correction (:func:`holm`, the same as
:func:`statsmodels.stats.multitest.multipletests` with ``method="holm"``) to each family of
tests and keeps the candidates that are both significant after the correction and large
enough.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Severities, most severe first.
SEVERITIES = ("high", "medium", "low")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}

#: The family-wise error rate of one run of the diagnostics: the chance, when nothing is
#: wrong, that any test speaks.
ALPHA = 0.05
#: A run is split into one family per role plus one for the department; the level of each
#: family is ALPHA / max(roles + 1, MIN_FAMILIES), so that a role's findings do not depend
#: on how many other roles are diagnosed with it (up to five roles).
MIN_FAMILIES = 6


@dataclass(frozen=True)
class Finding:
    """One plan-health finding.

    Attributes
    ----------
    kind : str
        What was found, e.g. ``"lenient_rater"`` (see ``docs/diagnostics.md``).
    severity : {"high", "medium", "low"}
    subject : dict
        Who or what it is about: ``role`` and one of ``team``, ``rater``, ``employees``
        (a list of ids), or ``roles`` for the department.
    evidence : dict
        Named numbers: the statistic, p-value (raw and Holm-adjusted) or interval, and the
        effect size, plus the labels needed to read them (``test``, ``metric``).
    fix : dict
        ``{"en": ..., "zh": ...}``: the suggested remedy in plain words.
    """

    kind: str
    severity: str
    subject: dict[str, Any]
    evidence: dict[str, Any]
    fix: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain JSON-ready data (exactly ``kind, severity, subject, evidence, fix``)."""
        return {
            "kind": self.kind,
            "severity": self.severity,
            "subject": _plain(self.subject),
            "evidence": _plain(self.evidence),
            "fix": dict(self.fix),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """A finding from :meth:`to_dict`'s form (one item of ``findings.json``)."""
        return cls(
            kind=str(data["kind"]),
            severity=str(data["severity"]),
            subject=dict(data["subject"]),
            evidence=dict(data["evidence"]),
            fix={"en": str(data["fix"]["en"]), "zh": str(data["fix"]["zh"])},
        )

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles this finding concerns."""
        s = self.subject
        if "role" in s:
            return (str(s["role"]),)
        return tuple(str(r) for r in s.get("roles", ()))


@dataclass
class Candidate:
    """A possible finding, before the multiple-testing correction decides.

    ``p_value`` is None for a descriptive check (a plan property, a count); an array is a
    block of tests that count in the correction but are never reported (their effects are
    too small to matter, so ``relevant`` is False). ``relevant`` is whether the effect is
    large enough to matter; ``family`` names the family of tests it is corrected with.
    """

    kind: str
    severity: str
    subject: dict[str, Any]
    evidence: dict[str, Any]
    fix_args: dict[str, Any] = field(default_factory=dict)
    p_value: float | np.ndarray | None = None
    relevant: bool = True
    family: str = "department"


def _plain(value: Any) -> Any:
    """numpy scalars and arrays to Python numbers and lists, NaN to None, floats rounded."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v):
            return None
        return float(f"{v:.4g}") if abs(v) < 1e-3 and v != 0 else round(v, 4)
    return value


# -- fixes ------------------------------------------------------------------------------------
FIXES: dict[str, tuple[str, str]] = {
    "vague_goals": (
        "{share:.0%} of the composite weight rests on {what}. Give each such goal a measurable "
        "definition and target (what is counted, from which data), or move weight to measured "
        "metrics; keep ratings for behaviour numbers miss.",
        "综合得分中 {share:.0%} 的权重取决于{what_zh}。请为这类目标写明可衡量的定义和目标值（统计什么、"
        "来自哪份数据），或把权重移到可量化指标上；主管评分只用于数字反映不了的行为。",
    ),
    "dominant_metric": (
        "{metric} carries {share:.0%} of the spread of composites, so one number decides most of "
        "the rating. Lower its weight, cap its score, or narrow its threshold-to-stretch range "
        "so that the other metrics count too.",
        "{metric} 决定了综合得分差异的 {share:.0%}，一个指标基本决定了评级。请降低其权重、为其得分设上限，"
        "或收窄门槛到挑战值的区间，让其他指标也起作用。",
    ),
    "stale_feedback": (
        "{n} people have had no manager rating or no evaluated period for {periods} periods or "
        "more. Schedule a rating conversation with each of them this period; feedback that "
        "comes a year late cannot change anything.",
        "{n} 人已连续 {periods} 个或更多考核期没有主管评分或没有被考核。请本期内与每个人安排一次评估面谈；"
        "迟到一年的反馈已无法改变任何事。",
    ),
    "no_team_component": (
        "The plan pays on individual results only ({members} people work in teams). Add a team "
        "component (payout.team_share of 0.2-0.3 on the team composite) so that helping a "
        "colleague is not a loss.",
        "该方案只按个人结果发放（{members} 人在团队中工作）。请加入团队部分（payout.team_share 取 0.2-0.3，"
        "按团队综合得分），让帮助同事不再吃亏。",
    ),
    "unequal_payouts": (
        "Payouts in team {team} are very unequal (Gini {gini:.2f}). Check whether results "
        "depend on territory or lead allocation rather than effort; rebalance allocations or "
        "pool part of the bonus at team level.",
        "团队 {team} 内奖金分配非常不均（基尼系数 {gini:.2f}）。请检查结果是否取决于区域或线索分配而非努力；"
        "重新平衡分配，或把部分奖金放到团队层面。",
    ),
    "zero_sum_team": (
        "In team {team} members' monthly {metric} move against each other (each member against "
        "the rest: r = {rest:.2f}): one person's gain is another's loss, a sign of competition "
        "for a shared pool. Pay part of the bonus on the team total and agree clear rules for "
        "allocating {metric}.",
        "团队 {team} 成员每月的 {metric} 此消彼长（每人与其余成员的相关系数 r = {rest:.2f}）：一人之得即他人之失，"
        "说明在争夺共同的资源池。请把部分奖金与团队总量挂钩，并就 {metric} 的分配定下清晰规则。",
    ),
    "group_difference": (
        "The {measure} differs between {by} groups beyond chance (epsilon squared {effect:.2f}). "
        "Review whether targets, territories or ratings treat these groups alike before pay "
        "is released.",
        "不同{by_zh}之间的{measure_zh}差异超出偶然范围（ε² = {effect:.2f}）。发放前请核查各组的目标、区域或评分"
        "是否一视同仁。",
    ),
    "band_distribution": (
        "Rating bands depart from the plan's guideline (Cohen's w {effect:.2f}; {top:.0%} in "
        "the top two bands against a guideline of {guide:.0%}). Calibrate the ratings across "
        "managers, or revise the band thresholds or the guideline.",
        "评级分布偏离方案指引（Cohen's w = {effect:.2f}；前两档占 {top:.0%}，指引为 {guide:.0%}）。请跨主管校准评级，"
        "或修订评级门槛或指引。",
    ),
    "lenient_rater": (
        "Rater {rater} rates {effect:+.2f} points above what people's measured results imply "
        "(95% interval {low:+.2f} to {high:+.2f}). Hold a calibration session, and have a "
        "second rater review {rater}'s ratings before they count.",
        "评分人 {rater} 的评分比量化结果所反映的高 {effect:+.2f} 分（95% 区间 {low:+.2f} 至 {high:+.2f}）。"
        "请召开校准会，并在评分生效前由第二评分人复核 {rater} 的评分。",
    ),
    "harsh_rater": (
        "Rater {rater} rates {effect:+.2f} points below what people's measured results imply "
        "(95% interval {low:+.2f} to {high:+.2f}). Hold a calibration session, and have a "
        "second rater review {rater}'s ratings before they count.",
        "评分人 {rater} 的评分比量化结果所反映的低 {effect:+.2f} 分（95% 区间 {low:+.2f} 至 {high:+.2f}）。"
        "请召开校准会，并在评分生效前由第二评分人复核 {rater} 的评分。",
    ),
    "threshold_bunching": (
        "Results of {metric} pile up just above {where} (achievement {cutoff:.2f}): {excess:.1f} "
        "times what a smooth distribution would put there. Audit the records of the people named, and smooth "
        "the jump in score at that point (a linear ramp instead of a step) so a few units "
        "no longer decide the pay.",
        "{metric} 的结果集中在{where_zh}（达成率 {cutoff:.2f}）之上：是平滑分布应有数量的 {excess:.1f} 倍。请核查所列人员的"
        "记录，并把该点的得分跳变改为线性过渡，避免几个单位决定奖金。",
    ),
    "quarter_end_spikes": (
        "{who} book {share:.0%} of their quarterly {metric} in the last month, against "
        "{expected:.0%} for the role. Check for deals or leads held back to the quarter end; "
        "measure on a rolling basis or add a monthly floor.",
        "{who_zh}有 {share:.0%} 的季度 {metric} 计在季末月份，而本岗位为 {expected:.0%}。请检查是否有延后到季末"
        "计入的业务或线索；改用滚动考核或增加月度底线。",
    ),
    "slowdown_after_cap": (
        "After reaching the top of the {metric} curve people deliver {drop:.0%} less in the "
        "rest of the period. Raise or remove the cap, or carry surplus over to the next period.",
        "{metric} 达到得分上限后，剩余时间的产出下降 {drop:.0%}。请提高或取消上限，或把超额部分结转到下一期。",
    ),
    "small_sample": (
        "{n} people's {metric} rests on small denominators (as few as {smallest:.0f}); their raw "
        "rate moves their score by up to {change:.2f}. Score the shrunk (empirical Bayes) rate, "
        "or require a minimum volume before the metric counts.",
        "{n} 人的 {metric} 分母很小（最少 {smallest:.0f}）；原始比率使其得分最多变动 {change:.2f}。请改用收缩后的"
        "（经验贝叶斯）比率计分，或规定达到最低数量后该指标才计分。",
    ),
}


def make_fix(kind: str, **args: Any) -> dict[str, str]:
    """The fix of a finding ``kind`` in English and Chinese, filled with ``args``."""
    en, zh = FIXES[kind]
    return {"en": en.format(**args), "zh": zh.format(**args)}


# -- statistics helpers -------------------------------------------------------------------------
def gini(values: Sequence[float] | np.ndarray) -> float:
    """The Gini coefficient of non-negative values (0 equal, towards 1 one takes all).

    ``G = sum_i (2i - n - 1) x_(i) / (n sum x)`` over the sorted values; 0 when all are 0.
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    total = x.sum()
    if n == 0 or total <= 0:
        return 0.0
    return float(((2 * np.arange(1, n + 1) - n - 1) * x).sum() / (n * total))


def gini_rows(values: np.ndarray) -> np.ndarray:
    """:func:`gini` of each row of a 2-d array (vectorised)."""
    x = np.sort(np.asarray(values, dtype=float), axis=1)
    n = x.shape[1]
    total = x.sum(axis=1)
    weights = 2 * np.arange(1, n + 1) - n - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        g = (x * weights).sum(axis=1) / (n * total)
    return np.where(total > 0, g, 0.0)


def epsilon_squared(h: float, n: int) -> float:
    """Kruskal-Wallis effect size: epsilon squared ``H / (n - 1)`` (Tomczak & Tomczak 2014)."""
    return float(h / (n - 1)) if n > 1 else math.nan


def holm(p_values: Sequence[float] | np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Holm's step-down correction: (reject, adjusted p-values).

    The ``i``-th smallest of ``m`` p-values is multiplied by ``m - i + 1``, the products
    made non-decreasing and capped at 1; a test is rejected while its adjusted p-value is at
    most ``alpha``. This is exactly
    ``statsmodels.stats.multitest.multipletests(p, alpha, method="holm")`` (the tests
    compare the two); it is written out because that function runs ``gc.collect()`` on
    every call, which costs most of a second in a large session.
    """
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    if m == 0:
        return np.zeros(0, dtype=bool), np.zeros(0)
    order = np.argsort(p, kind="stable")
    stepped = np.minimum(np.maximum.accumulate(p[order] * np.arange(m, 0, -1)), 1.0)
    adjusted = np.empty(m)
    adjusted[order] = stepped
    return adjusted <= alpha, adjusted


def n_families(n_roles: int) -> int:
    """How many families a run of ``n_roles`` roles is split into: ``max(n_roles + 1, 6)``."""
    return max(n_roles + 1, MIN_FAMILIES)


def select(candidates: Iterable[Candidate], *, alpha: float, n_families: int) -> list[Finding]:
    """The findings among ``candidates``: Holm within each family, and relevant.

    Each family is corrected at ``alpha / n_families`` (Bonferroni across families, Holm
    within), so the chance that any test of the run speaks when nothing is wrong is at most
    ``alpha``. ``p_adjusted`` in the evidence is the Holm-adjusted p-value times
    ``n_families``, to be read against ``alpha``.

    Every test of a family counts in its correction, relevant or not, so a large effect
    that is not significant cannot slip through, and testing many small effects costs power
    as it should.
    """
    cands = list(candidates)
    level = alpha / n_families
    keep: list[Finding] = []
    pooled: dict[str, list[np.ndarray]] = {}
    for c in cands:
        if c.p_value is not None:
            pooled.setdefault(c.family, []).append(np.atleast_1d(np.asarray(c.p_value, float)))
    adjusted: dict[int, tuple[bool, float]] = {}
    sizes: dict[str, int] = {}
    for family, parts in pooled.items():
        p = np.concatenate(parts)
        sizes[family] = len(p)
        reject, adj = holm(p, level)
        # map the scalar candidates back to their place in the family
        pos = 0
        members = [i for i, c in enumerate(cands) if c.p_value is not None and c.family == family]
        for i, part in zip(members, parts, strict=True):
            if np.ndim(np.asarray(cands[i].p_value)) == 0:
                adjusted[i] = (bool(reject[pos]), float(adj[pos]))
            pos += len(part)
    for i, c in enumerate(cands):
        evidence = dict(c.evidence)
        if not c.relevant or (c.p_value is not None and np.ndim(np.asarray(c.p_value)) > 0):
            continue  # too small to matter, or a block of tests that only count
        if c.p_value is not None:
            significant, p_adj = adjusted[i]
            evidence["p_value"] = float(np.asarray(c.p_value))
            evidence["p_adjusted"] = min(p_adj * n_families, 1.0)
            evidence["family_tests"] = sizes[c.family]
            if not significant:
                continue
        keep.append(
            Finding(
                kind=c.kind,
                severity=c.severity,
                subject=c.subject,
                evidence=evidence,
                fix=make_fix(c.kind, **c.fix_args),
            )
        )
    return sort_findings(keep)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by kind and subject (a stable, readable order)."""
    return sorted(
        findings,
        key=lambda f: (_RANK[f.severity], f.kind, json.dumps(_plain(f.subject), sort_keys=True)),
    )


def most_severe(findings: Any) -> Finding | dict[str, Any] | None:
    """The most severe finding: of a list of :class:`Finding`, or a row of a findings frame.

    Parameters
    ----------
    findings : list of Finding, or DataFrame from :func:`perfkit.diagnostics.plan_health`

    Returns
    -------
    Finding, dict or None
        The first finding of the highest severity (findings are sorted most severe first);
        for a frame, that row as a dict; None when there is none.
    """
    import pandas as pd

    if isinstance(findings, pd.DataFrame):
        if findings.empty:
            return None
        rank = findings["severity"].map(_RANK)
        return findings.loc[rank.idxmin()].to_dict()
    items = list(findings)
    if not items:
        return None
    return min(items, key=lambda f: _RANK[f.severity])
