"""Running every check: :func:`diagnose` over a data set, :func:`plan_health` for one role."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError, PerfkitError, PeriodError, PlanError
from ..evaluation import Evaluation, evaluate, resolve_periods
from ..plans import Plan
from . import competition, fairness, gaming, leniency, shrinkage, structure
from ._context import RoleData, history_periods
from ._core import ALPHA, Candidate, Finding, n_families, select, sort_findings

#: Periods of history read by default (two years of quarters).
HISTORY = 8


def _role_candidates(data: RoleData, *, seed: int) -> list[Candidate]:
    out: list[Candidate] = []
    out += structure.vague_goals(data)
    out += structure.dominant_metric(data, seed=seed)
    out += structure.stale_feedback(data)
    out += structure.team_pay(data, seed=seed)
    out += competition.zero_sum_teams(data, seed=seed)
    out += fairness.role_fairness(data, seed=seed)
    out += gaming.bunching(data)
    out += gaming.spikes(data)
    out += gaming.slowdown(data)
    out += shrinkage.small_samples(data)
    return out


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise PerfkitError(f"diagnostics: alpha must lie between 0 and 1, not {alpha}")


def _role_data(ev: Evaluation, plan: Plan, dataset: Any) -> RoleData:
    labels = [p.label for p in ev.periods]
    return RoleData(
        plan=plan,
        period=ev.periods[-1],
        periods=labels,
        results=ev.results[ev.results["role"] == plan.role],
        scores=ev.scores[ev.scores["role"] == plan.role],
        dataset=dataset,
    )


def group_spikers(findings: Iterable[Finding]) -> list[Finding]:
    """One quarter-end-spike finding per role and metric, listing every person flagged."""
    from ._core import make_fix

    rest: list[Finding] = []
    people: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.kind == "quarter_end_spikes" and "employees" in f.subject:
            people.setdefault((f.subject["role"], f.evidence["metric"]), []).append(f)
        else:
            rest.append(f)
    for (role, metric), group in people.items():
        ev = pd.DataFrame([f.evidence for f in group])
        ids = sorted(i for f in group for i in f.subject["employees"])
        share = float(ev["last_month_share"].mean())
        expected = float(ev["role_last_month_share"].iloc[0])
        n = len(ids)
        rest.append(
            Finding(
                kind="quarter_end_spikes",
                severity="high" if any(f.severity == "high" for f in group) else "medium",
                subject={"role": role, "employees": ids},
                evidence={
                    "test": group[0].evidence["test"],
                    "metric": metric,
                    "people": n,
                    "last_month_share": share,
                    "role_last_month_share": expected,
                    "excess_min": float(ev["excess"].min()),
                    "excess_max": float(ev["excess"].max()),
                    "statistic_min": float(ev["statistic"].min()),
                    "p_value_max": float(ev["p_value"].max()),
                    "p_adjusted_max": float(ev["p_adjusted"].max()),
                    "family_tests": int(ev["family_tests"].iloc[0]),
                },
                fix=make_fix(
                    "quarter_end_spikes",
                    who=f"{n} {'person' if n == 1 else 'people'} ({', '.join(ids)})",
                    who_zh=f"{n} 人（{', '.join(ids)}）",
                    share=share,
                    expected=expected,
                    metric=metric,
                ),
            )
        )
    return sort_findings(rest)


def diagnose(
    dataset: Any,
    plans: Mapping[str, Plan],
    period: Any = "latest",
    *,
    roles: Iterable[str] | str | None = None,
    alpha: float = ALPHA,
    history: int = HISTORY,
    seed: int = 0,
) -> list[Finding]:
    """Every plan-health check on a data set for one period.

    Parameters
    ----------
    dataset : perfkit.io.Dataset
    plans : mapping of str to Plan
    period : str or Period
        One period (``"2026Q3"``, ``"latest"``); its history is the ``history`` periods of
        its kind that end with it and lie wholly in the data.
    roles : str or iterable of str, optional
        Only these roles (the department-wide checks then see only them too).
    alpha : float
        Family-wise error rate of the whole run: with nothing wrong, the chance that any
        test speaks is at most ``alpha`` (Holm within each role's family and the
        department's, Bonferroni across families).
    history : int
        Periods of history read (bunching, leniency, stale feedback, spikes).
    seed : int
        Seed of the permutation, bootstrap and simulation draws (same seed, same findings).

    Returns
    -------
    list of Finding
        Most severe first.

    Raises
    ------
    PlanError, PeriodError, DataError
        As :func:`perfkit.evaluate`; PeriodError also for a list of periods.
    """
    _check_alpha(alpha)
    if isinstance(period, (list, tuple)):
        raise PeriodError("diagnose: give one period, e.g. 2026Q3, not a list")
    if roles is not None:
        wanted = [roles] if isinstance(roles, str) else list(roles)
        unknown = [r for r in wanted if r not in plans]
        if unknown:
            raise PlanError(
                f"role {', '.join(map(repr, unknown))} has no plan; known roles: "
                f"{', '.join(sorted(plans))}"
            )
        plans = {r: plans[r] for r in sorted(set(wanted))}
    staffed = set(dataset.employees["role"].dropna().astype(str))
    plans = {r: p for r, p in plans.items() if r in staffed}
    if not plans:
        raise PlanError("diagnose: no role with a plan has people in employees")
    (current,) = resolve_periods(period, dataset=dataset, plans=plans)
    months = list(dataset.months)
    labels = [p.label for p in history_periods(current, months=months or None, n=history)]
    ev = evaluate(dataset, plans, labels)
    candidates: list[Candidate] = []
    for role in sorted(plans):
        candidates += _role_candidates(_role_data(ev, plans[role], dataset), seed=seed)
    now = ev.results[ev.results["period"] == current.label]
    if len(plans) > 1:
        candidates += fairness.across_roles(now, label=current.label)
    rows = leniency.rating_rows(dataset, ev.scores, plans)
    candidates += leniency.leniency(leniency.rater_effects(rows))
    found = select(candidates, alpha=alpha, n_families=n_families(len(plans)))
    return group_spikers(found)


def plan_health(
    evaluation: Evaluation,
    *,
    plan: Plan,
    dataset: Any = None,
    plans: Mapping[str, Plan] | None = None,
    alpha: float = ALPHA,
    seed: int = 0,
) -> pd.DataFrame:
    """The plan-health findings of one role, as a table (the role report's section).

    Parameters
    ----------
    evaluation : Evaluation
        The role's evaluation; its latest period is diagnosed.
    plan : Plan
    dataset : Dataset, optional
        The data evaluated. With it every check runs, exactly as :func:`diagnose` on the
        same data and ``plans`` (so the report agrees with ``perfkit diagnose``); without
        it only the checks that read the evaluation alone run (plan design, stale feedback,
        payouts, fairness across teams and managers, bunching over the evaluated periods).
    plans : mapping of str to Plan, optional
        Every role's plan, for the department-wide checks (rater leniency needs raters of
        several roles to tell a lenient one from a strict one); default the evaluation's.
    alpha : float
        As :func:`diagnose`.
    seed : int

    Returns
    -------
    DataFrame
        :func:`findings_frame` of the findings that concern ``plan.role``.
    """
    _check_alpha(alpha)
    if not evaluation.periods:
        raise PerfkitError("plan_health: the evaluation holds no period")
    if dataset is not None:
        every = {**dict(plans or evaluation.plans), plan.role: plan}
        found = diagnose(dataset, every, evaluation.periods[-1], alpha=alpha, seed=seed)
    else:
        data = _role_data(evaluation, plan, None)
        cands = _role_candidates(data, seed=seed)
        found = select(cands, alpha=alpha, n_families=n_families(max(len(evaluation.plans), 1)))
    return findings_frame([f for f in found if plan.role in f.roles])


# -- presenting ---------------------------------------------------------------------------------
KIND_LABELS = {
    "vague_goals": ("Vague goals", "目标模糊"),
    "dominant_metric": ("One metric dominates", "单一指标主导"),
    "stale_feedback": ("Stale feedback", "反馈滞后"),
    "no_team_component": ("No team component", "缺少团队部分"),
    "unequal_payouts": ("Unequal payouts in a team", "团队内奖金悬殊"),
    "zero_sum_team": ("Zero-sum competition in a team", "团队内零和竞争"),
    "group_difference": ("Unequal outcomes between groups", "组间结果不均"),
    "band_distribution": ("Bands off the guideline", "评级分布偏离指引"),
    "lenient_rater": ("Lenient rater", "评分偏松"),
    "harsh_rater": ("Harsh rater", "评分偏严"),
    "threshold_bunching": ("Bunching above a threshold", "门槛上方扎堆"),
    "quarter_end_spikes": ("End-of-period spikes", "期末冲量"),
    "slowdown_after_cap": ("Slowing down after the cap", "封顶后放缓"),
    "small_sample": ("Small denominators", "分母过小"),
}
SEVERITY_LABELS = {"high": ("high", "高"), "medium": ("medium", "中"), "low": ("low", "低")}
FRAME_COLUMNS = [
    "kind", "severity", "role", "subject", "evidence", "fix_en", "fix_zh", "subject_zh",
]  # fmt: skip
_QUIET = {"test", "family_tests", "effect_name", "cutoff_name", "period", "p_two_sided"}


def subject_text(subject: Mapping[str, Any], *, lang: str = "en") -> str:
    """A subject in words: ``rater M04 (online_promotion)``, ``team T8``, ``E0001, E0002``
    (``评分人 M04（online_promotion）``, ``团队 T8`` in Chinese)."""
    zh = lang == "zh"
    if "rater" in subject:
        roles = subject.get("role") or ", ".join(subject.get("roles", []))
        return (
            f"评分人 {subject['rater']}（{roles}）" if zh else f"rater {subject['rater']} ({roles})"
        )
    if "team" in subject:
        return f"团队 {subject['team']}" if zh else f"team {subject['team']}"
    if subject.get("employees"):
        return ", ".join(subject["employees"])
    if "roles" in subject:
        return ("岗位 " if zh else "roles ") + ", ".join(subject["roles"])
    return ("岗位 " if zh else "role ") + str(subject.get("role", ""))


def _number(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    if isinstance(v, (float, np.floating)):
        x = float(v)
        if not np.isfinite(x):
            return "n/a"
        return (
            f"{x:.2e}" if x != 0 and abs(x) < 1e-3 else f"{x:.3g}" if abs(x) < 1e4 else f"{x:,.0f}"
        )
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{k}: {_number(x)}" for k, x in v.items()) + "}"
    return str(v)


def evidence_text(evidence: Mapping[str, Any]) -> str:
    """Evidence in one line: ``test; metric=leads; statistic=7.1; p_adjusted=1.2e-08; ...``."""
    parts = [str(evidence["test"])] if "test" in evidence else []
    parts += [f"{k}={_number(v)}" for k, v in evidence.items() if k not in _QUIET]
    return "; ".join(parts)


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Findings as a table: :data:`FRAME_COLUMNS` (``kind, severity, role, subject, evidence,
    fix_en, fix_zh, subject_zh``).

    ``subject`` (``subject_zh`` in Chinese) and ``evidence`` are text (:func:`subject_text`,
    :func:`evidence_text`);
    the frame keeps the findings' order (most severe first). Text from the data (ids, team
    names) is left as it is: escape it when showing it as HTML.
    """
    items = list(findings)
    return pd.DataFrame(
        {
            "kind": [f.kind for f in items],
            "severity": [f.severity for f in items],
            "role": [", ".join(f.roles) for f in items],
            "subject": [subject_text(f.subject) for f in items],
            "evidence": [evidence_text(f.evidence) for f in items],
            "fix_en": [f.fix["en"] for f in items],
            "fix_zh": [f.fix["zh"] for f in items],
            "subject_zh": [subject_text(f.subject, lang="zh") for f in items],
        },
        columns=FRAME_COLUMNS,
    ).astype(str)


def findings_json(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """Findings as a list of plain dicts with exactly ``kind, severity, subject, evidence, fix``."""
    return [f.to_dict() for f in findings]


def findings_document(findings: Iterable[Finding]) -> str:
    """The text of a ``findings.json``: :func:`findings_json` as indented UTF-8 JSON."""
    return json.dumps(findings_json(findings), ensure_ascii=False, indent=2) + "\n"


def read_findings(path: str | Path) -> list[Finding]:
    """The findings of a ``findings.json`` (``perfkit diagnose --format json``, or the
    ``plan_health.json`` a report batch writes), in their order.

    Raises
    ------
    DataError
        Naming the file, when it is missing, not JSON, or not a list of findings.
    """
    path = Path(path)
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(items, list):
            raise TypeError("not a list")
        return [Finding.from_dict(item) for item in items]
    except FileNotFoundError:
        raise DataError(f"{path}: findings file not found; run perfkit diagnose -o DIR") from None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise DataError(
            f"{path}: not a findings file ({exc}); write it with perfkit diagnose --format json"
        ) from None


def findings_text(findings: Iterable[Finding], *, lang: str = "en") -> str:
    """Findings for people: one block per finding, most severe first."""
    items = list(findings)
    if not items:
        return "no plan-health findings" if lang == "en" else "未发现方案健康问题"
    zh = lang == "zh"
    lines = []
    for i, f in enumerate(items, 1):
        label = KIND_LABELS.get(f.kind, (f.kind, f.kind))[1 if zh else 0]
        sev = SEVERITY_LABELS[f.severity][1 if zh else 0]
        lines.append(f"{i}. [{sev}] {label} ({f.kind}): {subject_text(f.subject, lang=lang)}")
        evidence, fix = ("证据：", "建议：") if zh else ("evidence: ", "fix: ")
        lines.append(f"   {evidence}{evidence_text(f.evidence)}")
        lines.append(f"   {fix}{f.fix['zh' if zh else 'en']}")
    return "\n".join(lines)


def for_role(findings: Iterable[Finding], role: str = "") -> list[Finding]:
    """The findings that concern ``role`` (every finding when ``role`` is empty)."""
    return [f for f in findings if not role or role in f.roles]


def ratio_table(dataset: Any, *, plan: Plan, period: Any = "latest") -> pd.DataFrame:
    """Raw and empirical-Bayes-shrunk values of a plan's count ratios, side by side.

    Parameters
    ----------
    dataset : Dataset
    plan : Plan
    period : str or Period

    Returns
    -------
    DataFrame
        :func:`perfkit.diagnostics.shrinkage.shrunk_ratios` for the period: ``employee_id,
        metric, successes, trials, raw, shrunk, prior_a, prior_b, raw_score, shrunk_score``.
    """
    plans = {plan.role: plan}
    (current,) = resolve_periods(period, dataset=dataset, plans=plans)
    ev = evaluate(dataset, plans, [current.label])
    return shrinkage.shrunk_ratios(_role_data(ev, plan, dataset))
