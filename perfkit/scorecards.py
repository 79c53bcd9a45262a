"""Per-person scorecards: one self-contained HTML page per person, for the feedback talk.

:func:`scorecards` renders, for every person evaluated in a period, a page from the Jinja2
template ``templates/scorecards/scorecard.html.j2`` (autoescaped: every text from a data or
plan file is hostile and comes out as text): the rating and composite (cut, never rounded
up: :func:`perfkit.summary.format_cut`); each metric's actual against the threshold, target
and stretch for the person's target, with the gap in the metric's own unit ("12 leads short
of the 450 target"); strengths and gaps, with the plan's ``guidance`` for each gap; the trend
over the last four periods; recognition and promotion readiness
(:mod:`perfkit.recognition`); the raters' comments (without the raters); the pacing of the
open period when asked (:mod:`perfkit.pacing`); and the bonus only with ``show_pay``.

A page holds that person's data only: no manager or rater ids, no colleague. A print
stylesheet lays it out on A4 for a manager to hand over.

:func:`write_scorecards` writes them into ``<output_dir>/<period>/<employee_id>.html``
atomically, private (``0600``) unless another mode is asked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import PerfkitError
from .evaluation import Evaluation
from .fsutil import atomic_dir
from .pacing import Pace, format_in_unit, threshold_achievement, value_at
from .periods import parse_period
from .plans import Metric, Plan
from .recognition import history, recognition
from .summary import band_label, check_lang, format_cut, plan_name

#: The periods the trend shows.
TREND_PERIODS = 4

#: Wording of the page, by key and language.
WORDS: dict[str, dict[str, str]] = {
    "scorecard": {"en": "Scorecard", "zh": "个人绩效卡"},
    "team": {"en": "team", "zh": "团队"},
    "period": {"en": "Period", "zh": "考核期"},
    "plan": {"en": "plan", "zh": "方案"},
    "composite": {"en": "Composite", "zh": "综合得分"},
    "composite_note": {"en": "1.00 = on target", "zh": "1.00 = 达标"},
    "no_rating": {"en": "No rating: no metric could be scored", "zh": "无评级：没有可计分的指标"},
    "gate_failed": {"en": "Gate not met", "zh": "未过门槛"},
    "recognition": {"en": "Recognition", "zh": "表彰与晋升"},
    "metrics": {"en": "Metrics", "zh": "各项指标"},
    "metric": {"en": "Metric", "zh": "指标"},
    "actual": {"en": "Actual", "zh": "实际"},
    "threshold": {"en": "Threshold", "zh": "门槛"},
    "target": {"en": "Target", "zh": "目标"},
    "stretch": {"en": "Stretch", "zh": "挑战"},
    "achievement": {"en": "Achievement", "zh": "达成率"},
    "weight": {"en": "Weight", "zh": "权重"},
    "strengths": {"en": "Strengths", "zh": "优势"},
    "gaps": {"en": "Gaps", "zh": "差距"},
    "no_strengths": {"en": "No metric at or above target yet.", "zh": "暂无达到目标的指标。"},
    "no_gaps": {
        "en": "Every scored metric is at or above target.",
        "zh": "所有已计分指标均已达标。",
    },
    "suggestion": {"en": "Suggestion", "zh": "改进建议"},
    "trend": {"en": "Trend over the last four periods", "zh": "近四期趋势"},
    "on_target": {"en": "on target", "zh": "达标线"},
    "no_trend": {"en": "No earlier period to compare with.", "zh": "暂无往期数据。"},
    "rating": {"en": "Rating", "zh": "评级"},
    "pacing": {"en": "This period so far", "zh": "本期进度"},
    "as_of": {"en": "data to", "zh": "数据截至"},
    "projected_result": {"en": "Projected composite at period end", "zh": "期末预计综合得分"},
    "so_far": {"en": "So far", "zh": "至今"},
    "prorated_target": {"en": "Target so far", "zh": "至今目标"},
    "projected": {"en": "Projected", "zh": "预计"},
    "interval": {"en": "Likely range", "zh": "可能区间"},
    "bonus": {"en": "Bonus", "zh": "奖金"},
    "target_bonus": {"en": "Target bonus for the period", "zh": "本期目标奖金"},
    "payout_pct": {"en": "Paid share of target bonus", "zh": "发放比例"},
    "proration": {"en": "Proration (days employed)", "zh": "在职天数折算"},
    "payout": {"en": "Payout", "zh": "实发奖金"},
    "comments": {"en": "Comments from your raters", "zh": "评价人评语"},
    "no_comments": {"en": "No comments this period.", "zh": "本期暂无评语。"},
    "footer": {
        "en": "Confidential: for this person and their manager only",
        "zh": "保密：仅限本人及其主管查阅",
    },
    "top_performer": {"en": "Top performer", "zh": "绩效之星"},
    "most_improved": {"en": "Most improved", "zh": "进步之星"},
    "team_award": {"en": "Team award", "zh": "团队奖"},
    "promotion_ready": {"en": "Ready for promotion", "zh": "具备晋升条件"},
    "no_target": {"en": "no target", "zh": "无目标"},
}

_UNIT_WORD = {
    "percent": {"en": " percentage points", "zh": "个百分点"},
    "rank": {"en": " places", "zh": "位"},
    "score": {"en": " points", "zh": "分"},
    "people": {"en": " people", "zh": "人"},
}


def words(lang: str) -> dict[str, str]:
    """The page's wording in ``lang``."""
    check_lang(lang)
    return {k: v[lang] for k, v in WORDS.items()}


def _gap_amount(gap: float, metric: Metric, *, lang: str, currency: str) -> str:
    """``12 leads``, ``2.1 percentage points``, ``22.73 CNY``: a distance in the metric's unit."""
    unit = metric.unit
    if unit == "count":
        noun = metric.measure.source.replace("_", " ")
        word = f" {noun}" if lang == "en" and noun.endswith("s") else ""
        return f"{gap:,.0f}{word}"
    if unit == "percent":
        return f"{gap * 100:,.1f}{_UNIT_WORD['percent'][lang]}"
    if unit == "currency":
        return f"{gap:,.2f} {currency}".rstrip()
    if unit in _UNIT_WORD:
        digits = 1 if unit == "rank" else (0 if unit == "people" else 2)
        return f"{gap:,.{digits}f}{_UNIT_WORD[unit][lang]}"
    return f"{gap:,.2f}"


def gap_text(
    actual: float, target: float, metric: Metric, *, lang: str = "en", currency: str = ""
) -> str:
    """The distance to target in the metric's own unit, in words.

    ``12 leads short of the 450 target`` (higher is better, below target), ``30 leads above
    the 450 target``, ``22.73 CNY over the 120.00 CNY target (lower is better)``.

    Parameters
    ----------
    actual, target : float
    metric : Metric
    lang : {"en", "zh"}
    currency : str
        The plan's currency, for ``currency`` units.

    Returns
    -------
    str
        Empty when the actual or target is missing.
    """
    if not (np.isfinite(actual) and np.isfinite(target)):
        return ""
    shown = format_in_unit(target, metric.unit, currency=currency)
    gap = actual - target
    amount = _gap_amount(abs(gap), metric, lang=lang, currency=currency)
    if format_in_unit(actual, metric.unit, currency=currency) == shown:
        return f"on the {shown} target" if lang == "en" else f"恰好达到目标 {shown}"
    lower = metric.direction == "lower"
    if lang == "zh":
        if lower:
            return (
                f"高于目标 {shown} {amount}（越低越好）"
                if gap > 0
                else f"低于目标 {shown} {amount}（越低越好）"
            )
        return f"距目标 {shown} 还差 {amount}" if gap < 0 else f"超出目标 {shown} {amount}"
    if lower:
        side = "over" if gap > 0 else "under"
        return f"{amount} {side} the {shown} target (lower is better)"
    return f"{amount} {'short of' if gap < 0 else 'above'} the {shown} target"


def _status(achievement: float, threshold: float | None) -> str:
    if not np.isfinite(achievement):
        return ""
    if achievement >= 1.0 - 1e-9:
        return "above"
    if threshold is not None and achievement < threshold - 1e-9:
        return "below"
    return "near"


def _person_value(plan_value: float | None, metric: Metric, target: float) -> float:
    """A plan threshold or stretch in the units of this person's target.

    The engine turns the plan's threshold and stretch into achievement against the plan's
    default target; on the person's own target the same achievement is this value.
    """
    if plan_value is None or not np.isfinite(target):
        return np.nan
    return value_at(metric.achievement_of(plan_value), target, metric.direction)


def _metric_rows(scores: pd.DataFrame, plan: Plan, *, lang: str) -> list[dict[str, Any]]:
    rows = []
    for m, s in zip(plan.metrics, scores.itertuples(index=False), strict=True):
        cur = plan.currency
        fmt = lambda v, m=m, cur=cur: format_in_unit(v, m.unit, currency=cur)  # noqa: E731
        if m.curve is None:
            th, st = _person_value(m.threshold, m, s.target), _person_value(m.stretch, m, s.target)
        else:  # a named curve: the first point above zero is its threshold
            a = threshold_achievement(plan, m)
            th = value_at(a, s.target, m.direction) if a is not None else np.nan
            st = np.nan
        rows.append(
            {
                "key": m.key,
                "label": m.label_zh if lang == "zh" else m.label,
                "description": "" if lang == "zh" else m.description,
                "actual": fmt(s.actual),
                "threshold": fmt(th) if np.isfinite(th) else "—",
                "target": fmt(s.target),
                "stretch": fmt(st) if np.isfinite(st) else "—",
                "achievement": format_cut(s.achievement, 0, percent=True)
                if np.isfinite(s.achievement)
                else "n/a",
                "weight": f"{s.weight:.0%}",
                "gap": gap_text(s.actual, s.target, m, lang=lang, currency=cur),
                "note": s.note,
                "status": _status(s.achievement, threshold_achievement(plan, m)),
                "_ach": s.achievement,
                "_guidance": (m.guidance_zh or m.guidance) if lang == "zh" else m.guidance,
            }
        )
    return rows


def _trend(results: pd.DataFrame, labels: list[str]) -> dict[str, Any]:
    """The trend chart's geometry (numbers only) and its table."""
    by = results.set_index("period")
    width, height, left, right, top, bottom = 580, 150, 40, 470, 22, 125
    comps = [by["composite"].get(p, np.nan) for p in labels]
    finite = [c for c in comps if np.isfinite(c)]
    if not finite:
        return {"points": []}
    low_value = min(0.5, min(finite) - 0.1)
    top_value = max(1.5, max(finite) + 0.1)
    span = top_value - low_value

    def y_of(v: float) -> float:
        return round(bottom - (bottom - top) * (min(v, top_value) - low_value) / span, 1)

    step = (right - left) / max(len(labels) - 1, 1)
    points = []
    for i, (label, c) in enumerate(zip(labels, comps, strict=True)):
        x = round(left + i * step if len(labels) > 1 else (left + right) / 2, 1)
        rating = by["rating"].get(label, "")
        points.append(
            {
                "period": label,
                "x": x,
                "y": y_of(c) if np.isfinite(c) else None,
                "composite": format_cut(c) if np.isfinite(c) else "—",
                "rating": rating if isinstance(rating, str) else "",
            }
        )
    path = " ".join(f"{p['x']},{p['y']}" for p in points if p["y"] is not None)
    return {
        "points": points,
        "path": path,
        "width": width,
        "height": height,
        "left": left,
        "right": right,
        "label_x": right + 12,
        "bottom": bottom,
        "target_y": y_of(1.0),
    }


def _comments(ratings: pd.DataFrame, period: str) -> pd.DataFrame:
    """Ratings comments inside ``period`` (labels whose months lie in it), without raters."""
    if ratings is None or ratings.empty:
        return pd.DataFrame(columns=["employee_id", "period", "comment"])
    p = parse_period(period)
    labels = ratings["period"].astype(str)
    inside = {}
    for label in labels.unique():  # distinct period labels: a handful
        try:
            q = parse_period(label)
        except PerfkitError:
            inside[label] = False
            continue
        inside[label] = p.first <= q.first and q.last <= p.last
    comment = ratings["comment"].fillna("").astype(str).str.strip()
    keep = labels.map(inside).astype(bool) & (comment != "")
    out = ratings.loc[keep, ["employee_id", "period"]].assign(comment=comment[keep])
    return out.drop_duplicates().sort_values(["employee_id", "period", "comment"], kind="mergesort")


def _environment() -> Any:
    import jinja2

    from ._resources import templates_dir

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir() / "scorecards")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _pacing_block(
    pace: Pace, employee_id: str, plan: Plan, *, lang: str, rows: pd.DataFrame, person: Any
) -> dict[str, Any] | None:
    if person is None:
        return None
    cur = plan.currency
    out_rows = []
    for m, r in zip(plan.metrics, rows.itertuples(index=False), strict=True):
        fmt = lambda v, m=m: format_in_unit(v, m.unit, currency=cur)  # noqa: E731
        interval = f"{fmt(r.low)} – {fmt(r.high)}" if np.isfinite(r.low) else "—"
        out_rows.append(
            {
                "label": m.label_zh if lang == "zh" else m.label,
                "to_date": fmt(r.to_date),
                "prorated": fmt(r.prorated_target),
                "projected": fmt(r.projected),
                "interval": interval,
                "target": fmt(r.target),
                "status": "below" if r.below_threshold or r.below_gate else "",
            }
        )
    zh = lang == "zh"
    said = str(person.warnings_zh) if zh else str(person.warnings)
    warnings = [w for w in said.split("；" if zh else "; ") if w]
    comp = person.projected_composite
    return {
        "period": person.period,
        "as_of": pace.as_of,
        "composite": format_cut(comp) if np.isfinite(comp) else "n/a",
        "rating": person.projected_rating if isinstance(person.projected_rating, str) else "",
        "warnings": warnings,
        "rows": out_rows,
        "method": (pace.method_zh or pace.method) if zh else pace.method,
    }


def _safe_name(employee_id: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", employee_id).lstrip(".") or "_"
    return name[:120]


def file_names(employee_ids: Iterable[str]) -> dict[str, str]:
    """The page file of each employee id: the id made safe for a file name, ``.html``.

    Characters other than letters, digits, ``_ . -`` become ``_``; ids that would then
    share a name are told apart by their position, so no page overwrites another.
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for eid in employee_ids:
        base = _safe_name(eid)
        name, i = base, 1
        while name.lower() in used:
            i += 1
            name = f"{base}-{i}"
        used.add(name.lower())
        out[eid] = f"{name}.html"
    return out


@dataclass(frozen=True, eq=False)
class Scorecards:
    """Rendered scorecards.

    Attributes
    ----------
    period : str
    pages : dict of str to str
        File name to HTML, one per person, in employee-id order.
    people : dict of str to str
        Employee id to file name.
    evaluation : Evaluation
        The evaluation the pages show (the period and the trend's periods before it).
    recognition : DataFrame
        :func:`perfkit.recognition.recognition` of the period.
    """

    period: str
    pages: dict[str, str]
    people: dict[str, str]
    evaluation: Evaluation
    recognition: pd.DataFrame = field(default_factory=pd.DataFrame)


def scorecards(
    dataset: Any,
    plans: Mapping[str, Plan],
    period: str,
    *,
    lang: str = "en",
    show_pay: bool = False,
    pace: Pace | None = None,
    roles: Iterable[str] | str | None = None,
) -> Scorecards:
    """Render one scorecard per person evaluated in ``period``.

    Parameters
    ----------
    dataset : perfkit.io.Dataset
    plans : mapping of str to Plan
    period : str
        A complete period, e.g. ``2026Q3`` (``latest`` is resolved by the caller).
    lang : {"en", "zh"}
    show_pay : bool
        Show the bonus (target, share paid, amount, explanation); off by default.
    pace : Pace, optional
        :func:`perfkit.pacing.pace` of an open period, shown on each page.
    roles : optional
        Only these roles.

    Returns
    -------
    Scorecards
    """
    check_lang(lang)
    t = words(lang)
    label = parse_period(period).label
    n = max(TREND_PERIODS, *(p.recognition.promotion_periods for p in plans.values()))
    ev = history(dataset, plans, label, n=n, roles=roles)
    results = ev.results
    labels = [p.label for p in ev.periods][-TREND_PERIODS:]
    awards = recognition(results, ev.plans, period=label)
    now = results[results["period"] == label]
    scores = ev.scores[ev.scores["period"] == label]
    comments = _comments(getattr(dataset, "ratings", None), label)
    by_scores = dict(tuple(scores.groupby("employee_id", sort=False)))
    by_hist = dict(tuple(results[results["period"].isin(labels)].groupby("employee_id")))
    by_award = dict(tuple(awards.groupby("employee_id", sort=False)))
    by_comment = dict(tuple(comments.groupby("employee_id", sort=False)))
    pace_rows = pace_people = {}
    if pace is not None:
        pace_rows = dict(tuple(pace.metrics.groupby("employee_id", sort=False)))
        pace_people = {r.employee_id: r for r in pace.people.itertuples(index=False)}
    env = _environment()
    template = env.get_template("scorecard.html.j2")
    from . import __version__

    names = file_names(now["employee_id"])
    pages: dict[str, str] = {}
    for r in now.itertuples(index=False):  # one page per person: rendering, not compute
        plan = ev.plans[r.role]
        rows = _metric_rows(by_scores[r.employee_id], plan, lang=lang)
        scored = [x for x in rows if np.isfinite(x["_ach"])]
        strengths = sorted((x for x in scored if x["_ach"] >= 1.0 - 1e-9), key=lambda x: -x["_ach"])
        gaps = sorted((x for x in scored if x["_ach"] < 1.0 - 1e-9), key=lambda x: x["_ach"])
        bands = {b.band: b for b in plan.rating_bands}
        band = bands.get(r.rating)
        mine = by_award.get(r.employee_id)
        context = {
            "html_lang": "zh-Hans" if lang == "zh" else "en",
            "t": t,
            "period": label,
            "plan_version": plan.version,
            "version": __version__,
            "person": {
                "employee_id": r.employee_id,
                "name": r.name,
                "role_name": plan_name(plan, lang=lang),
                "team": r.team,
                "rating": r.rating if band is not None else "",
                "band_label": band_label(band.label, lang=lang, label_zh=band.label_zh)
                if band is not None
                else "",
                "composite": format_cut(r.composite) if np.isfinite(r.composite) else "n/a",
                "gate_failed": r.gate_failed,
            },
            "metrics": rows,
            "strengths": strengths[:3],
            "gaps": [{**g, "guidance": g["_guidance"]} for g in gaps[:3]],
            "trend": _trend(by_hist.get(r.employee_id, results.iloc[:0]), labels),
            "awards": []
            if mine is None
            else [
                {"title": t[a.award], "reason": _award_reason(a, plan, lang=lang)}
                for a in mine.itertuples(index=False)
            ],
            "comments": []
            if r.employee_id not in by_comment
            else [
                {"period": p, "text": c}
                for p, c in zip(
                    by_comment[r.employee_id]["period"],
                    by_comment[r.employee_id]["comment"],
                    strict=True,
                )
            ],
            "pacing": None
            if pace is None or r.employee_id not in pace_rows
            else _pacing_block(
                pace,
                r.employee_id,
                plan,
                lang=lang,
                rows=pace_rows[r.employee_id],
                person=pace_people.get(r.employee_id),
            ),  # fmt: skip
            "pay": _pay(r, lang=lang) if show_pay else None,
        }
        pages[names[r.employee_id]] = template.render(**context)
    return Scorecards(label, pages, names, ev, awards)


def _award_reason(a: Any, plan: Plan, *, lang: str) -> str:
    """Why the person is put forward: the recognition frame's reason, or its Chinese."""
    if lang != "zh":
        return a.reason
    from .recognition import promotion_band

    if a.award == "top_performer":
        return f"综合得分 {format_cut(a.value)}，在{plan.name_zh}中排名第 {a.rank}/{a.out_of}"
    if a.award == "most_improved":
        return f"综合得分较上期提升 {a.value:.2f}"
    if a.award == "team_award":
        return f"团队 {a.team} 平均综合得分 {format_cut(a.value)}，在{plan.name_zh}的 {a.out_of} 个团队中居首"
    return f"连续 {int(a.value)} 期评级达到 {promotion_band(plan)} 或以上"


def _pay(r: Any, *, lang: str) -> dict[str, str]:
    money = lambda v: f"{v:,.2f} {r.currency}"  # noqa: E731
    return {
        "target_bonus": money(r.target_bonus),
        "payout_pct": f"{r.payout_pct:.1%}" if np.isfinite(r.payout_pct) else "n/a",
        "proration": f"{r.proration:.1%}" if r.proration < 1 else "",
        "amount": money(r.payout_amount),
        "explanation": r.explanation,
    }


def write_scorecards(
    cards: Scorecards, output_dir: str | Path, *, mode: str | int | None = None
) -> Path:
    """Write the pages into ``<output_dir>/<period>/`` (replacing that folder whole).

    Parameters
    ----------
    cards : Scorecards
    output_dir : str or Path
    mode : str or int, optional
        File mode; ``0600`` by default (see :func:`perfkit.fsutil.output_mode`).

    Returns
    -------
    Path
        The folder written.
    """
    folder = Path(output_dir) / cards.period
    with atomic_dir(folder, mode=mode) as tmp:
        for name, page in cards.pages.items():
            (tmp / name).write_text(page, encoding="utf-8")
    return folder


__all__ = ["TREND_PERIODS", "WORDS", "Scorecards", "file_names", "gap_text", "scorecards", "words",
           "write_scorecards"]  # fmt: skip
