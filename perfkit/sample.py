"""The deterministic generator of the realistic sample data set (``data/sample/``).

:func:`generate` writes a marketing department of about 150 people in five roles, eight
teams and ten managers, with two years of monthly raw actuals, per-person quarterly
targets, quarterly manager ratings, a few discretionary modifiers and ``planted.json``: a
description of the signals planted for the diagnostics to find (a lenient and a harsh
manager, people bunched just above a threshold, a team competing for a fixed pool of leads,
people who spike at quarter end).

The same arguments give byte-identical files: every random draw comes from one
:class:`numpy.random.Generator` seeded with ``seed``, rows are sorted and numbers are
printed with a fixed format. Levels are anchored on the plans' default targets (read with
:func:`perfkit.plans.load_plans`), so that scored on those plans about 55-70% of people reach
target on each metric and composites mostly fall between 0.7 and 1.3. ``data/sample/README.md``
describes the data set and each planted signal.

Model of a monthly value
------------------------
For a flow (a count or an amount summed over the period)::

    value = plan target / months per period x calibration lift x skill x seniority
            x seasonality x quarter-end lift x trend x month noise x share of month employed

drawn as a Poisson count where it is a count. Skill is lognormal per person (a general
factor shared across metrics plus a metric-specific one); seniority is 0.85, 1.0 or 1.15 by
tenure; seasonality has a Chinese New Year dip in February and a high Q4 (Double 11).
Levels (market share, ranks, rates, satisfaction) are a person's level plus noise and are
not prorated; ratios are built from coherent parts (clicks are a binomial draw from
impressions, conversions from clicks, spend is budget x 0.85..1.15).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._resources import templates_dir
from .errors import PerfkitError, PlanError
from .fsutil import atomic_path
from .periods import MONTHS_PER, format_period, month_label, parse_period
from .plans import Plan, load_plans

#: The plans the shipped sample is calibrated on.

ROLES = (
    "event_planning",
    "online_promotion",
    "offline_channel",
    "brand_content",
    "marketing_specialist",
)
#: Head count per role in a department of 150, scaled for other sizes.
ROLE_SHARE = (25, 40, 30, 25, 30)

#: Teams: id, role, managers (two teams have two managers, who split the members).
TEAMS = (
    ("T1-events", "event_planning", ("M01", "M02")),
    ("T2-digital-east", "online_promotion", ("M03",)),
    ("T3-digital-west", "online_promotion", ("M04",)),
    ("T4-channel-north", "offline_channel", ("M05",)),
    ("T5-channel-south", "offline_channel", ("M06",)),
    ("T6-brand", "brand_content", ("M07", "M08")),
    ("T7-specialists-a", "marketing_specialist", ("M09",)),
    ("T8-specialists-b", "marketing_specialist", ("M10",)),
)
#: The peer manager who gives a second rating: the co-manager or the sibling team's manager.
PEER = {
    "M01": "M02", "M02": "M01", "M03": "M04", "M04": "M03", "M05": "M06",
    "M06": "M05", "M07": "M08", "M08": "M07", "M09": "M10", "M10": "M09",
}  # fmt: skip

#: Raw metrics written for each role (the catalogue in docs/data.md).
CATALOGUE = {
    "event_planning": ("event_attendance", "event_budget", "event_spend", "event_reach", "leads"),
    "online_promotion": (
        "web_unique_visitors", "web_page_views", "search_rank", "ad_impressions",
        "ad_clicks", "ad_conversions", "ad_spend", "leads",
    ),
    "offline_channel": (
        "new_channel_partners", "channel_sales", "partner_satisfaction", "market_share",
    ),
    "brand_content": (
        "social_followers", "content_published", "content_reach", "content_engagements",
        "market_share", "repeat_purchase_rate",
    ),
    "marketing_specialist": (
        "leads", "referrals", "ad_spend", "market_share", "repeat_purchase_rate",
    ),
}  # fmt: skip

# -- planted signals ------------------------------------------------------------------------
LENIENT_MANAGER = "M04"
HARSH_MANAGER = "M08"
RATER_BIAS = 0.8
ZERO_SUM_TEAM = "T8-specialists-b"
BUNCHING_ROLE = "online_promotion"
BUNCHING_METRIC = "leads"
BUNCHING_BAND = (0.0, 0.03)
BUNCHING_QUARTERS = 6
GAMER_ROLES = ("online_promotion", "marketing_specialist")
#: Month-in-quarter factors of flows: a general quarter-end lift, and the gamers' spike.
QUARTER_END = np.array([0.96, 0.96, 1.08])
GAMER_QUARTER_END = np.array([0.80, 0.85, 1.45])

# -- model constants ------------------------------------------------------------------------
SKILL_SD = 0.10  # sd of the general log skill, shared by a person's metrics
TREND = 0.04  # yearly drift of flows, 1.0 on average over the last 12 months
SENIORITY = np.array([0.85, 1.0, 1.15])  # junior (< 2 years), mid (< 5), senior
#: Monthly seasonality, January to December (normalised to mean 1 when used).
SEASONS = {
    "events": (0.96, 0.85, 1.00, 1.02, 1.00, 0.98, 0.94, 0.96, 1.04, 1.04, 1.10, 1.08),
    "digital": (1.00, 0.86, 1.00, 1.00, 1.02, 1.10, 0.95, 0.95, 1.00, 1.00, 1.18, 1.00),
    "sales": (1.10, 0.78, 0.95, 0.98, 1.00, 1.05, 0.92, 0.95, 1.02, 1.05, 1.20, 1.10),
    "content": (1.00, 0.88, 1.02, 1.00, 1.00, 1.02, 0.98, 0.98, 1.02, 1.02, 1.05, 1.03),
}
#: Calibration: the median person's level relative to the plan target (tuned so 55-70%
#: reach target), keyed by raw metric.
LIFT = {
    "event_attendance": 1.03,
    "event_spend": 0.982,
    "event_reach": 1.0,
    "leads": 1.06,
    "event_leads": 1.0,
    "traffic_growth": 1.1,
    "search_rank": 1.05,
    "ad_ctr": 1.05,
    "ad_conversion": 1.05,
    "new_channel_partners": 1.15,
    "sales_growth": 1.3,
    "partner_satisfaction": 1.025,
    "market_share": 1.03,
    "follower_growth": 1.15,
    "content_published": 1.05,
    "engagement_rate": 1.06,
    "repeat_purchase_rate": 1.025,
    "referrals": 1.04,
}
BONUS_BASE = {
    "event_planning": 36000,
    "online_promotion": 42000,
    "offline_channel": 45000,
    "brand_content": 34000,
    "marketing_specialist": 30000,
}
SURNAMES = (
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo "
    "Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang "
    "Yu Du Ye Cheng Wei Su Lyu Ding Ren Shen Yao Lu Fu Qin"
).split()
GIVEN_NAMES = (
    "Fang Wei Min Jing Li Qiang Lei Jun Yang Yong Yan Jie Juan Tao Ming Chao Xiuying Xia "
    "Ping Gang Hui Xin Hao Yifan Zihan Yutong Haoran Xinyi Jiayi Siyu Zhiwei Jianhua Lina "
    "Mengqi Ruoxi Tianyu Wenjie Xiaoling Yuchen Zixuan Bo Kai Lan Ning Rui Shu Ting Xue Ying "
    "Jiahui Yiming Shuang Peng Dan"
).split()
#: More family names and the syllables of two-syllable given names, for departments larger
#: than the classic pairs above can name (see :func:`_names`).
MORE_SURNAMES = (
    "Xiong Jin Wan Qiu Dai Xia Zou Hou Shi Meng Bai Kang Fan Jia Gu Mao Qian Tan Yin Long "
    "Duan Lei Hao Kong Shao Cui Wen Hong Mo Lai Gong Yan Chang Ou Qi Xing Niu Zhuang Hua "
    "Yi Bao Geng Ling Mu Zhan Shang Liao Ran"
).split()
SYLLABLES = (
    "An Bin Chen Chun Cong Da Fei Feng Guang Hai Han Hong Hua Jia Jian Jiao Jin Jun Kai Lan "
    "Le Lian Lin Ling Mei Meng Ming Na Nan Pei Qi Qian Qing Rong Rui Shan Sheng Shi Si Song "
    "Tian Ting Wen Xi Xiang Xiao Xin Xuan Ya Yi Ying Yu Yue Yun Ze Zhen Zhi Zi Zhuo"
).split()
COMMENTS = {
    "low": (
        "Missed several deadlines this quarter.",
        "Needs closer follow-up on deliverables.",
        "Quality uneven; agreed an improvement plan.",
        "Slow to respond to partner requests.",
    ),
    "mid": (
        "Solid quarter, met expectations.",
        "Reliable delivery on agreed scope.",
        "Good progress; keep building cross-team links.",
        "Steady work, few surprises.",
    ),
    "high": (
        "Outstanding quarter, led the launch campaign.",
        "Goes beyond the brief; a model for the team.",
        "Proactive and creative, mentors new joiners.",
        "Excellent results with real initiative.",
    ),
}
MODIFIER_REASONS = {
    "up": (
        "Covered a vacant territory for most of the quarter",
        "Led the cross-team product launch beyond their remit",
        "Mentored two new joiners alongside own targets",
    ),
    "down": (
        "Repeated late campaign reports",
        "Compliance issue on a partner contract",
        "Unapproved spend commitment, since corrected",
    ),
}
FILES = (
    "employees.csv",
    "actuals.csv",
    "targets.csv",
    "ratings.csv",
    "modifiers.csv",
    "planted.json",
)


@dataclass(frozen=True)
class SampleInfo:
    """What :func:`generate` wrote.

    Attributes
    ----------
    out_dir : Path
    employees, months : int
        People in ``employees.csv`` and months in the window.
    first_month, last_month : str
        The window, e.g. ``2024-10`` and ``2026-09``.
    actuals_rows, targets_rows, ratings_rows, modifiers_rows : int
        Rows written to each file.
    files : tuple of str
        Names of the files written.
    """

    out_dir: Path
    employees: int
    months: int
    first_month: str
    last_month: str
    actuals_rows: int
    targets_rows: int
    ratings_rows: int
    modifiers_rows: int
    files: tuple[str, ...] = field(default=FILES)

    def __str__(self) -> str:
        return (
            f"{self.employees} people, {self.months} months ({self.first_month}..{self.last_month}), "
            f"{self.actuals_rows:,} actuals rows"
        )


# -- small helpers --------------------------------------------------------------------------
def _split(total: int, shares: tuple[int, ...]) -> np.ndarray:
    """Split ``total`` into integer parts proportional to ``shares`` (largest remainder)."""
    raw = np.asarray(shares, dtype=float) / sum(shares) * total
    parts = np.floor(raw).astype(int)
    order = np.argsort(-(raw - parts), kind="stable")
    parts[order[: total - parts.sum()]] += 1
    return parts


def _season(kind: str, months: np.ndarray) -> np.ndarray:
    table = np.asarray(SEASONS[kind])
    return (table / table.mean())[months % 12][None, :]


def _lognoise(rng: np.random.Generator, shape: tuple[int, ...], sd: float) -> np.ndarray:
    """Multiplicative noise with mean 1."""
    return np.exp(rng.normal(0.0, sd, shape) - sd * sd / 2)


def _anchor(plan: Plan, source: str, fallback: float) -> float:
    """The default target of the plan metric measured from raw metric ``source``."""
    for m in plan.metrics:
        if m.measure.source == source:
            return float(m.target)
    return fallback


def _annual_growth(plan: Plan, source: str, fallback: float) -> float:
    """The yearly growth rate a plan's growth target on ``source`` asks for."""
    for m in plan.metrics:
        if m.measure.source == source and m.measure.agg == "growth":
            if m.measure.baseline == "same_period_last_year":
                return float(m.target)
            per = MONTHS_PER[plan.period]
            return float((1 + m.target) ** (12 / per) - 1)
    return fallback


@dataclass
class _Role:
    """Everything a role's value generator needs; arrays are (people, months)."""

    rng: np.random.Generator
    plan: Plan
    months: np.ndarray  # month indices, (M,)
    frac: np.ndarray  # share of each month employed, (n, M)
    seniority: np.ndarray  # (n, 1)
    general: np.ndarray  # general skill z, (n, 1)
    qend: np.ndarray  # month-in-quarter factor, (n, M); the gamers' is sharper

    @property
    def shape(self) -> tuple[int, int]:
        return self.frac.shape

    @property
    def per(self) -> int:
        return MONTHS_PER[self.plan.period]

    @property
    def t(self) -> np.ndarray:
        return np.arange(self.shape[1])[None, :]

    def skill(self, sd: float = 0.08) -> np.ndarray:
        """Lognormal skill on one metric: the general factor plus a metric-specific one."""
        n = self.shape[0]
        return np.exp(SKILL_SD * self.general + self.rng.normal(0.0, sd, (n, 1)))

    def specific(self, sd: float) -> np.ndarray:
        """Lognormal person factor without the general skill (for rates on top of a flow)."""
        return _lognoise(self.rng, (self.shape[0], 1), sd)

    def trend(self) -> np.ndarray:
        m = self.shape[1]
        return np.exp(np.log1p(TREND) * (self.t - (m - 6.5)) / 12)

    def noise(self, sd: float) -> np.ndarray:
        return _lognoise(self.rng, self.shape, sd)

    def flow(self, monthly: float, season: str, *, sd: float = 0.12, skill_sd: float = 0.08):
        """Expected monthly flow of a person (before the count draw)."""
        return (
            monthly
            * self.skill(skill_sd)
            * self.seniority
            * _season(season, self.months)
            * self.qend
            * self.trend()
            * self.noise(sd)
            * self.frac
        )

    def spend(self, monthly: float) -> np.ndarray:
        """Campaign spend in CNY: follows a person's budget (not their results)."""
        budget = monthly * _lognoise(self.rng, (self.shape[0], 1), 0.08) * self.seniority
        season = _season("digital", self.months) * self.qend * self.trend()
        return np.round(budget * season * self.noise(0.05) * self.frac, 2)

    def level(self, centre: float, person_sd: float, month_sd: float, lo: float, hi: float):
        """A level (rate, score) per person plus monthly noise, clipped to ``lo..hi``."""
        n, m = self.shape
        person = centre + person_sd * (0.6 * self.general + 0.8 * self.rng.normal(0, 1, (n, 1)))
        return np.clip(person + self.rng.normal(0.0, month_sd, (n, m)), lo, hi)

    def market_share(self) -> np.ndarray:
        n, m = self.shape
        target = _anchor(self.plan, "market_share", 0.12)
        person = target * LIFT["market_share"] + 0.011 * (
            0.5 * self.general + 0.87 * self.rng.normal(0, 1, (n, 1))
        )
        slope = self.rng.normal(0.002, 0.003, (n, 1)) * (self.t - (m - 1) / 2) / 12
        walk = np.cumsum(self.rng.normal(0.0, 0.0015, (n, m)), axis=1)
        walk -= walk.mean(axis=1, keepdims=True)
        return np.round(np.clip(person + slope + walk, 0.08, 0.16), 4)

    def repeat_purchase(self) -> np.ndarray:
        target = _anchor(self.plan, "repeat_purchase_rate", 0.3)
        return np.round(self.level(target * LIFT["repeat_purchase_rate"], 0.02, 0.012, 0, 1), 4)


# -- values per role ------------------------------------------------------------------------
def _event_planning(c: _Role) -> dict[str, np.ndarray]:
    rng = c.rng
    att_target = _anchor(c.plan, "event_attendance", 900.0)
    mean_att = c.flow(att_target / c.per * LIFT["event_attendance"], "events", sd=0.0)
    attendance = rng.poisson(mean_att * c.noise(0.12))
    cost_per_head = rng.uniform(220, 320, (c.shape[0], 1))
    budget = np.round(mean_att * cost_per_head * c.noise(0.04), -2)
    ratio_target = _anchor(c.plan, "event_spend", 1.0)
    person_ratio = ratio_target * LIFT["event_spend"] + rng.normal(0, 0.035, (c.shape[0], 1))
    spend = np.round(budget * np.clip(person_ratio * c.noise(0.05), 0.85, 1.15), 2)
    reach_per_head = _anchor(c.plan, "event_reach", 60000.0) / att_target * LIFT["event_reach"]
    reach = rng.poisson(attendance * reach_per_head * c.specific(0.1) * c.noise(0.15))
    lead_rate = _anchor(c.plan, "leads", 150.0) / att_target * LIFT["event_leads"]
    leads = rng.binomial(attendance, np.clip(lead_rate * c.specific(0.1) * c.noise(0.1), 0, 0.9))
    return {
        "event_attendance": attendance,
        "event_budget": budget,
        "event_spend": spend,
        "event_reach": reach,
        "leads": leads,
    }


def _online_promotion(c: _Role) -> dict[str, np.ndarray]:
    rng = c.rng
    n, _ = c.shape
    growth: Any = _annual_growth(c.plan, "web_unique_visitors", 0.15) * LIFT["traffic_growth"]
    growth = np.maximum(growth + rng.normal(0, 0.09, (n, 1)) + 0.03 * c.general, -0.5)
    start = np.exp(rng.normal(np.log(30000), 0.35, (n, 1))) * c.seniority
    visitors = np.round(
        start * (1 + growth) ** (c.t / 12) * _season("digital", c.months) * c.noise(0.06) * c.frac
    )
    page_views = np.round(visitors * rng.uniform(2.2, 4.0, (n, 1)) * c.noise(0.05))
    leads_target = _anchor(c.plan, "leads", 450.0)
    leads = rng.poisson(c.flow(leads_target / c.per * LIFT["leads"], "digital"))
    spend = c.spend(leads_target / c.per * _anchor(c.plan, "ad_spend", 120.0))
    cpm = 30.0 * np.exp(rng.normal(0, 0.1, (n, 1))) * c.noise(0.05)
    impressions = np.round(spend / cpm * 1000).astype(np.int64)
    ctr = _anchor(c.plan, "ad_clicks", 0.02) * LIFT["ad_ctr"] * c.skill(0.13) * c.noise(0.08)
    clicks = rng.binomial(impressions, np.clip(ctr, 0, 1))
    conv = _anchor(c.plan, "ad_conversions", 0.05) * LIFT["ad_conversion"] * c.skill(0.13)
    conversions = rng.binomial(clicks, np.clip(conv * c.noise(0.08), 0, 1))
    rank_target = _anchor(c.plan, "search_rank", 5.0)
    rank_level = rank_target / LIFT["search_rank"] / c.skill(0.22)
    drift = np.exp(-0.03 * (c.t - (c.shape[1] - 1) / 2) / 12)  # slowly improving
    rank = np.clip(np.round(rank_level * drift * c.noise(0.08), 1), 1.0, 30.0)
    return {
        "web_unique_visitors": visitors,
        "web_page_views": page_views,
        "search_rank": rank,
        "ad_impressions": impressions,
        "ad_clicks": clicks,
        "ad_conversions": conversions,
        "ad_spend": spend,
        "leads": leads,
    }


def _offline_channel(c: _Role) -> dict[str, np.ndarray]:
    rng = c.rng
    n, _ = c.shape
    partners_target = _anchor(c.plan, "new_channel_partners", 3.0)
    monthly = partners_target / c.per * LIFT["new_channel_partners"]
    partners = rng.poisson(monthly * c.skill(0.1) * c.seniority * c.qend * c.noise(0.1) * c.frac)
    growth: Any = _annual_growth(c.plan, "channel_sales", 0.10) * LIFT["sales_growth"]
    growth = np.maximum(growth + rng.normal(0, 0.08, (n, 1)) + 0.03 * c.general, -0.5)
    start = np.exp(rng.normal(np.log(900000), 0.4, (n, 1))) * c.seniority
    season = _season("sales", c.months) * c.qend
    sales = np.round(start * (1 + growth) ** (c.t / 12) * season * c.noise(0.07) * c.frac, 2)
    sat_target = _anchor(c.plan, "partner_satisfaction", 4.0)
    satisfaction = np.round(c.level(sat_target * LIFT["partner_satisfaction"], 0.24, 0.15, 1, 5), 2)
    return {
        "new_channel_partners": partners,
        "channel_sales": sales,
        "partner_satisfaction": satisfaction,
        "market_share": c.market_share(),
    }


def _brand_content(c: _Role) -> dict[str, np.ndarray]:
    rng = c.rng
    n, _ = c.shape
    yearly = _annual_growth(c.plan, "social_followers", 0.26)
    monthly = np.log1p(yearly) / 12 * LIFT["follower_growth"]
    rate = monthly + rng.normal(0, 0.006, (n, 1)) + 0.003 * c.general
    start = np.exp(rng.normal(np.log(60000), 0.6, (n, 1)))
    followers = np.round(start * np.exp(np.cumsum(rate + rng.normal(0, 0.008, c.shape), axis=1)))
    pub_target = _anchor(c.plan, "content_published", 36.0)
    monthly_pub = pub_target / c.per * LIFT["content_published"]
    published = rng.poisson(c.flow(monthly_pub, "content", sd=0.1))
    per_piece = np.exp(rng.normal(np.log(5000), 0.3, (n, 1)))
    reach = rng.poisson(published * per_piece * c.noise(0.15))
    eng = _anchor(c.plan, "content_engagements", 0.04) * LIFT["engagement_rate"] * c.skill(0.12)
    engagements = rng.binomial(reach, np.clip(eng * c.noise(0.08), 0, 1))
    return {
        "social_followers": followers,
        "content_published": published,
        "content_reach": reach,
        "content_engagements": engagements,
        "market_share": c.market_share(),
        "repeat_purchase_rate": c.repeat_purchase(),
    }


def _marketing_specialist(c: _Role) -> dict[str, np.ndarray]:
    rng = c.rng
    n, _ = c.shape
    leads_target = _anchor(c.plan, "leads", 240.0)
    leads = rng.poisson(c.flow(leads_target / c.per * LIFT["leads"], "digital"))
    ref_target = _anchor(c.plan, "referrals", 30.0)
    referrals = rng.poisson(c.flow(ref_target / c.per * LIFT["referrals"], "content"))
    spend = c.spend(leads_target / c.per * _anchor(c.plan, "ad_spend", 100.0))
    return {
        "leads": leads,
        "referrals": referrals,
        "ad_spend": spend,
        "market_share": c.market_share(),
        "repeat_purchase_rate": c.repeat_purchase(),
    }


_GENERATORS = {
    "event_planning": _event_planning,
    "online_promotion": _online_promotion,
    "offline_channel": _offline_channel,
    "brand_content": _brand_content,
    "marketing_specialist": _marketing_specialist,
}


def _check_plans(plans: dict[str, Plan], plans_dir: Path) -> None:
    """Every role has a plan and needs only raw metrics the generator writes for it."""
    for role in ROLES:
        if role not in plans:
            raise PlanError(
                f"{plans_dir}: no plan for role {role}; the sample generator needs one "
                f"({role}.yaml), copy it from templates/plans"
            )
        for m in plans[role].metrics:
            if m.measure.agg == "rating":
                continue
            for raw in (m.measure.source, m.measure.denominator):
                if raw is not None and raw not in CATALOGUE[role]:
                    raise PlanError(
                        f"{plans_dir}/{role}.yaml: metric {m.key} uses raw metric {raw!r}, "
                        f"which the sample generator does not make for {role} (it makes "
                        f"{', '.join(CATALOGUE[role])}); use one of those"
                    )


# -- the department -------------------------------------------------------------------------
def _name_pool(classic_only: bool) -> tuple[np.ndarray, np.ndarray]:
    """Family and given names whose every pair is a name: the classic set, or the full one."""
    if classic_only:
        return np.array(SURNAMES, dtype=object), np.array(GIVEN_NAMES, dtype=object)
    seen = set(GIVEN_NAMES)
    pairs = [a + b.lower() for a in SYLLABLES for b in SYLLABLES if a != b]
    given = [*GIVEN_NAMES, *dict.fromkeys(g for g in pairs if g not in seen)]
    return np.array([*SURNAMES, *MORE_SURNAMES], dtype=object), np.array(given, dtype=object)


def max_employees() -> int:
    """How many people the generator can give distinct names to."""
    family, given = _name_pool(classic_only=False)
    return len(family) * len(given)


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct "Family Given" names, drawn without replacement.

    Departments that the classic pairs can name (about 2,800 people) draw from them alone,
    so the shipped sample stays as it was; larger ones draw from every family name with
    one- and two-syllable given names (over 350,000 pairs).
    """
    family, given = _name_pool(classic_only=n <= len(SURNAMES) * len(GIVEN_NAMES))
    pick = rng.choice(len(family) * len(given), size=n, replace=False)
    return family[pick // len(given)] + " " + given[pick % len(given)]


def _staff(
    rng: np.random.Generator,
    n: int,
    month_starts: np.ndarray,
    end: np.datetime64,
) -> pd.DataFrame:
    """People, their role, team, manager, dates, seniority and bonus (ids assigned later)."""
    counts = _split(n, ROLE_SHARE)
    role = np.repeat(np.array(ROLES, dtype=object), counts)
    team = np.empty(n, dtype=object)
    manager = np.empty(n, dtype=object)
    for r in ROLES:  # a loop over the five roles; people are assigned vectorised
        idx = np.flatnonzero(role == r)
        teams = [t for t in TEAMS if t[1] == r]
        slot = rng.permutation(len(idx))
        which = slot % len(teams)
        team[idx] = np.array([t[0] for t in teams], dtype=object)[which]
        for k, (_tid, _r, mgrs) in enumerate(teams):
            members = idx[which == k]
            manager[members] = np.array(mgrs, dtype=object)[np.arange(len(members)) % len(mgrs)]

    names = _names(rng, n)

    # hire dates: most before the window; joiners and leavers mid-month inside it
    before = np.clip(rng.gamma(2.0, 500.0, n), 30, 4000).astype(np.int64)
    n_months = len(month_starts)
    hire = month_starts[0] - before.astype("timedelta64[D]")
    leave = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    movable = np.flatnonzero(team != ZERO_SUM_TEAM)  # the zero-sum team stays whole
    n_join = min(int(round(0.10 * n)), len(movable) // 2)
    n_leave = min(int(round(0.08 * n)), len(movable) - n_join)
    chosen = rng.choice(movable, size=n_join + n_leave, replace=False)
    joiners, leavers = chosen[:n_join], chosen[n_join:]
    hi = max(n_months - 1, 2)
    j_month = rng.integers(1, hi, n_join).clip(max=n_months - 1)
    hire[joiners] = month_starts[j_month] + rng.integers(4, 25, n_join).astype("timedelta64[D]")
    l_month = rng.integers(1, hi, n_leave).clip(max=n_months - 1)
    leave[leavers] = month_starts[l_month] + rng.integers(4, 25, n_leave).astype("timedelta64[D]")

    until = np.where(np.isnat(leave), end, leave)
    years = (until - hire).astype(np.int64) / 365.25
    level = np.digitize(years, [2.0, 5.0])  # 0 junior, 1 mid, 2 senior
    base = pd.Series(role).map(BONUS_BASE).to_numpy(dtype=float)
    bonus = base * np.array([0.75, 1.0, 1.3])[level] * np.exp(rng.normal(0, 0.1, n))
    bonus = np.clip(np.round(bonus / 500) * 500, 20000, 80000)
    staff = pd.DataFrame(
        {
            "name": names,
            "role": role,
            "team": team,
            "manager_id": manager,
            "hire_date": hire,
            "leave_date": leave,
            "annual_target_bonus": bonus,
            "level": level,
            "general": rng.normal(0, 1, n),
            "tiebreak": rng.random(n),
        }
    )
    staff = staff.sort_values(["hire_date", "tiebreak"], kind="stable").reset_index(drop=True)
    staff.insert(0, "employee_id", [f"E{i:04d}" for i in range(1, n + 1)])
    return staff.drop(columns="tiebreak")


def _employment(staff: pd.DataFrame, month_starts: np.ndarray) -> np.ndarray:
    """Share of each month each person was employed, (people, months)."""
    starts = month_starts[None, :]
    ends = ((month_starts.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1)[None, :]
    hire = staff["hire_date"].to_numpy(dtype="datetime64[D]")[:, None]
    leave = staff["leave_date"].to_numpy(dtype="datetime64[D]")
    leave = np.where(np.isnat(leave), np.datetime64("2999-12-31"), leave)[:, None]
    first = np.maximum(hire, starts)
    last = np.minimum(leave, ends)
    days = (last - first).astype(np.int64) + 1
    return np.clip(days, 0, None) / ((ends - starts).astype(np.int64) + 1)


def _quarters(months: np.ndarray) -> np.ndarray:
    """Positions (in the window) of the first month of each quarter wholly inside it."""
    pos = np.flatnonzero(months % 3 == 0)
    return pos[pos + 2 < len(months)]


def _plant_bunching(
    leads: np.ndarray,
    eligible: np.ndarray,
    qpos: np.ndarray,
    *,
    level: float,
    k: int,
    rng: np.random.Generator,
    months: np.ndarray,
):
    """Move ``k`` people's leads so their quarter totals land 0-3% above ``level``.

    The people chosen are those whose natural quarterly leads lie nearest 5% above the
    level, so the planted totals sit where their own results would have been anyway.
    Returns the row positions chosen and the quarter positions planted.
    """
    cols = qpos[:, None] + np.arange(3)
    natural = leads[:, cols].sum(axis=2).mean(axis=1)
    distance = np.abs(natural / level - 1.05)
    distance[~eligible] = np.inf
    rows = np.sort(np.argsort(distance, kind="stable")[:k])
    rows = rows[np.isfinite(distance[rows])]
    planted_q = qpos[-BUNCHING_QUARTERS:]
    qcols = planted_q[:, None] + np.arange(3)  # (Q, 3)
    lo, hi = BUNCHING_BAND
    floor, ceiling = np.ceil(level * (1 + lo)), np.floor(level * (1 + hi))
    draw = np.floor(level * (1 + rng.uniform(lo, hi, (len(rows), len(planted_q)))))
    totals = np.clip(draw, floor, ceiling)
    shape = _season("digital", months)[0][qcols] * QUARTER_END[None, :]
    shares = shape[None, :, :] * _lognoise(rng, (len(rows), len(planted_q), 3), 0.08)
    shares /= shares.sum(axis=2, keepdims=True)
    drawn = rng.multinomial(totals.astype(np.int64), shares)  # (k, Q, 3)
    out = leads.copy()
    out[rows[:, None, None], qcols[None, :, :]] = drawn
    return out, rows, planted_q


def _plant_zero_sum(leads: np.ndarray, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Members of ``rows`` share a nearly fixed monthly pool of leads in shifting shares."""
    out = leads.copy()
    base = leads[rows].mean(axis=1)  # each member's usual level
    n_months = leads.shape[1]
    pool = np.round(base.sum() * _lognoise(rng, (n_months,), 0.015)).astype(np.int64)
    shares = base[None, :] * _lognoise(rng, (n_months, len(rows)), 0.3)
    shares /= shares.sum(axis=1, keepdims=True)
    out[rows] = rng.multinomial(pool, shares).T
    return out


def _round_half(x: np.ndarray) -> np.ndarray:
    return np.clip(np.round(x * 2) / 2, 1.0, 5.0)


def _ratings(
    staff: pd.DataFrame,
    values: dict[str, dict[str, np.ndarray]],
    frac: np.ndarray,
    plans: dict[str, Plan],
    months: np.ndarray,
    rng: np.random.Generator,
    *,
    plant: bool = True,
) -> pd.DataFrame:
    """Quarterly ratings from what the quarter's results imply, with rater bias if planted."""
    qpos = _quarters(months)
    cols = qpos[:, None] + np.arange(3)
    labels = np.array([format_period(int(months[q]), "quarter") for q in qpos], dtype=object)
    bias = {LENIENT_MANAGER: RATER_BIAS, HARSH_MANAGER: -RATER_BIAS} if plant else {}
    frames = []
    for role in ROLES:  # loop over roles; people and quarters are vectorised
        rows = np.flatnonzero(staff["role"].to_numpy() == role)
        if len(rows) == 0 or len(qpos) == 0:
            continue
        plan = plans[role]
        share = frac[rows][:, cols].mean(axis=2)  # employed share of each quarter
        rated = share > 0
        sources = [m.measure.source for m in plan.metrics if m.measure.agg == "sum"]
        perf = np.zeros(share.shape)
        for s in sources:
            q = values[role][s][:, cols].sum(axis=2) / np.maximum(share, 1e-9)
            med = np.nanmedian(np.where(rated, q, np.nan), axis=0, keepdims=True)
            perf += np.log((q + 1) / (med + 1)) / len(sources)
        sd = perf[rated].std() if rated.sum() > 1 else 0.0
        z = np.clip(np.where(rated, perf / sd if sd > 0 else 0.0, 0.0), -2.0, 2.0)
        trait = rng.normal(0, 0.25, (len(rows), 1))
        implied = 3.45 + 0.55 * z + trait + rng.normal(0, 0.3, share.shape)
        mgr = staff["manager_id"].to_numpy()[rows]
        peer = pd.Series(mgr).map(PEER).to_numpy(dtype=object)
        b_mgr = pd.Series(mgr).map(bias).fillna(0.0).to_numpy()[:, None]
        b_peer = pd.Series(peer).map(bias).fillna(0.0).to_numpy()[:, None]
        first = _round_half(implied + b_mgr + rng.normal(0, 0.1, share.shape))
        second = _round_half(implied + b_peer + rng.normal(0, 0.3, share.shape))
        has_second = rated & (rng.random(share.shape) < 0.3)
        has_comment = rng.random(share.shape) < 0.35
        pool = np.array([COMMENTS[b] for b in ("low", "mid", "high")], dtype=object)
        band = np.digitize(first, [2.75, 3.75])  # 0: up to 2.5, 1: 3 or 3.5, 2: 4 and up
        comment = pool[band, rng.integers(0, pool.shape[1], share.shape)]
        comment = np.where(has_comment, comment, "")
        ids = staff["employee_id"].to_numpy()[rows]
        for metric in [m.measure.source for m in plan.metrics if m.measure.agg == "rating"]:
            ii, qq = np.nonzero(rated)
            frames.append(
                pd.DataFrame(
                    {
                        "employee_id": ids[ii],
                        "period": labels[qq],
                        "metric": metric,
                        "rating": first[ii, qq],
                        "rater_id": mgr[ii],
                        "comment": comment[ii, qq],
                    }
                )
            )
            ii, qq = np.nonzero(has_second)
            frames.append(
                pd.DataFrame(
                    {
                        "employee_id": ids[ii],
                        "period": labels[qq],
                        "metric": metric,
                        "rating": second[ii, qq],
                        "rater_id": peer[ii],
                        "comment": "",
                    }
                )
            )
    cols_out = ["employee_id", "period", "metric", "rating", "rater_id", "comment"]
    if not frames:
        return pd.DataFrame(columns=cols_out)
    out = pd.concat(frames, ignore_index=True)[cols_out]
    return out.sort_values(["employee_id", "period", "metric", "rater_id"]).reset_index(drop=True)


def _targets(
    staff: pd.DataFrame,
    frac: np.ndarray,
    plans: dict[str, Plan],
    months: np.ndarray,
    fixed: np.ndarray,
) -> pd.DataFrame:
    """Per-person quarterly targets: plan default x seniority, prorated for partial quarters.

    ``attendance`` for event planners and ``leads`` for online promotion and specialists;
    people flagged in ``fixed`` keep the plan default.
    """
    qpos = _quarters(months)
    cols = qpos[:, None] + np.arange(3)
    labels = np.array([format_period(int(months[q]), "quarter") for q in qpos], dtype=object)
    plan_metric = {
        "event_planning": ("attendance", 10.0),
        "online_promotion": ("leads", 5.0),
        "marketing_specialist": ("leads", 5.0),
    }
    role = staff["role"].to_numpy()
    frames = []
    for r, (key, step) in plan_metric.items():
        if key not in plans[r].metric_keys:
            continue
        rows = np.flatnonzero(role == r)
        default = plans[r].metric(key).target
        factor = np.where(fixed[rows], 1.0, SENIORITY[staff["level"].to_numpy()[rows]])
        share = frac[rows][:, cols].mean(axis=2)
        target = np.maximum(np.round(default * factor[:, None] * share / step) * step, step)
        ii, qq = np.nonzero(share > 0)
        frames.append(
            pd.DataFrame(
                {
                    "employee_id": staff["employee_id"].to_numpy()[rows][ii],
                    "period": labels[qq],
                    "metric": key,
                    "target": target[ii, qq],
                }
            )
        )
    out = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["employee_id", "period", "metric", "target"])
    )
    return out.sort_values(["employee_id", "period", "metric"]).reset_index(drop=True)


def _modifiers(
    staff: pd.DataFrame,
    frac: np.ndarray,
    plans: dict[str, Plan],
    months: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """A handful of discretionary modifiers in the last two quarters, within plan bounds."""
    cols_out = ["employee_id", "period", "modifier", "reason"]
    qpos = _quarters(months)[-2:]
    full = np.flatnonzero(frac.min(axis=1) >= 1.0)
    k = min(max(2, int(round(len(staff) / 25))), len(full))
    if len(qpos) == 0 or k == 0:
        return pd.DataFrame(columns=cols_out)
    rows = np.sort(rng.choice(full, size=k, replace=False))
    wanted = np.resize(np.array([1.1, 0.95, 1.05, 0.9, 1.1, 1.05]), k)
    lo = np.array([plans[r].payout.modifier_min for r in staff["role"].to_numpy()[rows]])
    hi = np.array([plans[r].payout.modifier_max for r in staff["role"].to_numpy()[rows]])
    modifier = np.clip(wanted, lo, hi)
    up = rng.integers(0, len(MODIFIER_REASONS["up"]), k)
    down = rng.integers(0, len(MODIFIER_REASONS["down"]), k)
    reason = np.where(
        modifier >= 1.0,
        np.array(MODIFIER_REASONS["up"], dtype=object)[up],
        np.array(MODIFIER_REASONS["down"], dtype=object)[down],
    )
    period = [format_period(int(months[q]), "quarter") for q in np.resize(qpos, k)]
    out = pd.DataFrame(
        {
            "employee_id": staff["employee_id"].to_numpy()[rows],
            "period": period,
            "modifier": modifier,
            "reason": reason,
        }
    )
    return out.sort_values(["employee_id", "period"]).reset_index(drop=True)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False, lineterminator="\n", float_format="%.12g")


def _ids(staff: pd.DataFrame, rows: np.ndarray) -> list[str]:
    return sorted(staff["employee_id"].to_numpy()[rows].tolist())


def generate(
    out_dir: str | Path,
    *,
    employees: int = 150,
    months: int = 24,
    seed: int = 7,
    end: str = "2026-09",
    plans_dir: str | Path | None = None,
    plant: bool = True,
) -> SampleInfo:
    """Write the realistic sample data set into ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write into (created if missing). Files are written one by one, each
        atomically; other files in the folder (such as a README) are left alone.
    employees : int
        People in ``employees.csv``, joiners and leavers included (at least 20).
    months : int
        Months of actuals, counted back from ``end`` (at least 3). Growth against the same
        period last year needs more than 12; with fewer, those baselines are simply missing.
    seed : int
        Seed of the one random generator: the same arguments give byte-identical files.
    end : str
        The last month, ``YYYY-MM``.
    plans_dir : str or Path, optional
        Plans to anchor the levels on (default: the plans that ship with perfkit).
    plant : bool
        Plant the signals of ``planted.json`` (the default). With ``False`` the same
        department is drawn with nothing planted: no biased rater, no bunching, no zero-sum
        team, no quarter-end spikers (everyone has the general quarter-end lift), and
        ``planted.json`` lists no signals; the null case the diagnostics must stay quiet on.

    Returns
    -------
    SampleInfo
        Counts of what was written; ``str()`` gives a one-line summary.

    Notes
    -----
    Files written (columns as in ``docs/data.md``):

    - ``employees.csv``: ``employee_id, name, role, team, manager_id, hire_date, leave_date,
      annual_target_bonus, currency``
    - ``actuals.csv``: ``employee_id, period, metric, value`` (months employed only)
    - ``targets.csv``: ``employee_id, period, metric, target`` (quarters; plan metric keys)
    - ``ratings.csv``: ``employee_id, period, metric, rating, rater_id, comment``
    - ``modifiers.csv``: ``employee_id, period, modifier, reason``
    - ``planted.json``: the planted signals, with ids, periods and expected effects.

    Raises
    ------
    PerfkitError
        If ``employees``, ``months`` or ``end`` is out of range.
    PlanError
        If a role has no plan, or a plan needs a raw metric the generator does not make.
    """
    if employees < 20:
        raise PerfkitError(f"sample: --employees {employees} is too few; use 20 or more")
    if employees > max_employees():
        raise PerfkitError(
            f"sample: --employees {employees:,} is more people than the generator can name "
            f"({max_employees():,}); use at most that many"
        )
    if months < 3:
        raise PerfkitError(f"sample: --months {months} is too few; use 3 or more")
    last = parse_period(end, where="sample end")
    if last.kind != "month":
        raise PerfkitError(f"sample: end {end!r} is not a month; write it as 2026-09")
    plans_path = Path(plans_dir) if plans_dir is not None else templates_dir() / "plans"
    plans = load_plans(plans_path)
    _check_plans(plans, plans_path)

    month_idx = np.arange(last.first - months + 1, last.first + 1)
    labels = np.array([month_label(int(i)) for i in month_idx], dtype=object)
    month_starts = np.array([f"{lab}-01" for lab in labels], dtype="datetime64[D]")
    window_end = np.datetime64(last.end, "D")
    streams = np.random.default_rng(seed).spawn(4 + len(ROLES))
    rng_staff, rng_plant, rng_rate, rng_mod = streams[:4]

    staff = _staff(rng_staff, employees, month_starts, window_end)
    frac = _employment(staff, month_starts)
    role = staff["role"].to_numpy()
    team = staff["team"].to_numpy()
    full = frac.min(axis=1) >= 1.0

    # gamers: a few full-tenure people spike hard at quarter end
    gamer_pool = np.flatnonzero(np.isin(role, GAMER_ROLES) & full & (team != ZERO_SUM_TEAM))
    n_gamers = min(max(2, int(round(employees / 40))), len(gamer_pool))
    gamers = np.sort(rng_plant.choice(gamer_pool, size=n_gamers, replace=False))
    is_gamer = np.zeros(employees, dtype=bool)
    if plant:
        is_gamer[gamers] = True
    else:
        gamers = gamers[:0]
    qend = np.where(
        is_gamer[:, None], GAMER_QUARTER_END[month_idx % 3][None, :], QUARTER_END[month_idx % 3]
    )

    values: dict[str, dict[str, np.ndarray]] = {}
    for k, r in enumerate(ROLES):
        rows = np.flatnonzero(role == r)
        ctx = _Role(
            rng=streams[4 + k],
            plan=plans[r],
            months=month_idx,
            frac=frac[rows],
            seniority=SENIORITY[staff["level"].to_numpy()[rows]][:, None],
            general=staff["general"].to_numpy()[rows][:, None],
            qend=qend[rows],
        )
        values[r] = {m: np.asarray(v, dtype=float) for m, v in _GENERATORS[r](ctx).items()}

    # planted: zero-sum team, threshold bunching
    spec_rows = np.flatnonzero(role == "marketing_specialist")
    zs_local = np.flatnonzero(team[spec_rows] == ZERO_SUM_TEAM)
    if plant and len(zs_local) >= 2:
        values["marketing_specialist"]["leads"] = _plant_zero_sum(
            values["marketing_specialist"]["leads"], zs_local, rng_plant
        )
    qpos = _quarters(month_idx)
    b_rows = np.flatnonzero(role == BUNCHING_ROLE)
    b_plan = plans[BUNCHING_ROLE].metric(BUNCHING_METRIC)
    b_level = float(b_plan.threshold if b_plan.threshold is not None else 0.8 * b_plan.target)
    n_bunch = min(6, max(2, int(round(len(b_rows) * 0.15))))
    bunched = np.array([], dtype=int)
    b_quarters = np.array([], dtype=int)
    if plant and len(qpos):
        eligible = full[b_rows] & ~is_gamer[b_rows]
        values[BUNCHING_ROLE]["leads"], local, b_quarters = _plant_bunching(
            values[BUNCHING_ROLE]["leads"],
            eligible,
            qpos,
            level=b_level,
            k=n_bunch,
            rng=rng_plant,
            months=month_idx,
        )
        bunched = b_rows[local]
    is_bunched = np.zeros(employees, dtype=bool)
    is_bunched[bunched] = True

    # long frames
    frames = []
    for r in ROLES:
        rows = np.flatnonzero(role == r)
        ii, tt = np.nonzero(frac[rows] > 0)
        ids = staff["employee_id"].to_numpy()[rows][ii]
        for metric in CATALOGUE[r]:
            frames.append(
                pd.DataFrame(
                    {
                        "employee_id": ids,
                        "period": labels[tt],
                        "metric": metric,
                        "value": values[r][metric][ii, tt],
                    }
                )
            )
    actuals = pd.concat(frames, ignore_index=True)
    actuals = actuals.sort_values(["employee_id", "period", "metric"]).reset_index(drop=True)
    targets = _targets(staff, frac, plans, month_idx, fixed=is_bunched)
    ratings = _ratings(staff, values, frac, plans, month_idx, rng_rate, plant=plant)
    modifiers = _modifiers(staff, frac, plans, month_idx, rng_mod)

    employees_out = pd.DataFrame(
        {
            "employee_id": staff["employee_id"],
            "name": staff["name"],
            "role": staff["role"],
            "team": staff["team"],
            "manager_id": staff["manager_id"],
            "hire_date": staff["hire_date"].dt.strftime("%Y-%m-%d"),
            "leave_date": staff["leave_date"].dt.strftime("%Y-%m-%d").fillna(""),
            "annual_target_bonus": staff["annual_target_bonus"],
            "currency": staff["role"].map({r: p.currency for r, p in plans.items()}),
        }
    )

    planted = _planted(
        staff,
        month_idx,
        seed=seed,
        employees=employees,
        months=months,
        end=last.label,
        gamers=gamers,
        bunched=bunched,
        b_quarters=b_quarters,
        b_level=b_level,
        b_target=float(b_plan.target),
        plans=plans,
        plant=plant,
    )

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _write_csv(employees_out, out / "employees.csv")
    _write_csv(actuals, out / "actuals.csv")
    _write_csv(targets, out / "targets.csv")
    _write_csv(ratings, out / "ratings.csv")
    _write_csv(modifiers, out / "modifiers.csv")
    with atomic_path(out / "planted.json") as tmp:
        tmp.write_text(json.dumps(planted, indent=2) + "\n", encoding="utf-8")
    return SampleInfo(
        out_dir=out,
        employees=employees,
        months=months,
        first_month=str(labels[0]),
        last_month=str(labels[-1]),
        actuals_rows=len(actuals),
        targets_rows=len(targets),
        ratings_rows=len(ratings),
        modifiers_rows=len(modifiers),
    )


def _planted(
    staff: pd.DataFrame,
    month_idx: np.ndarray,
    *,
    seed: int,
    employees: int,
    months: int,
    end: str,
    gamers: np.ndarray,
    bunched: np.ndarray,
    b_quarters: np.ndarray,
    b_level: float,
    b_target: float,
    plans: dict[str, Plan],
    plant: bool = True,
) -> dict:
    """The machine-readable description of the planted signals (``planted.json``)."""
    quarters = [format_period(int(month_idx[q]), "quarter") for q in _quarters(month_idx)]
    all_months = [month_label(int(i)) for i in month_idx]
    mgr = staff["manager_id"].to_numpy()
    rating_metric = {
        r: [m.measure.source for m in p.metrics if m.measure.agg == "rating"]
        for r, p in plans.items()
    }

    def rater(rid: str, sign: float, kind: str) -> dict:
        rows = np.flatnonzero(mgr == rid)
        teams = sorted(set(staff["team"].to_numpy()[rows].tolist()))
        roles = sorted(set(staff["role"].to_numpy()[rows].tolist()))
        return {
            "signal": kind,
            "rater_id": rid,
            "teams": teams,
            "employee_ids": _ids(staff, rows),
            "rating_metrics": sorted({m for r in roles for m in rating_metric[r]}),
            "periods": quarters,
            "offset": round(sign * RATER_BIAS, 2),
            "effect": (
                f"every rating {rid} gives (as line manager, or as second rater of "
                f"{PEER[rid]}'s people) is {sign * RATER_BIAS:+.1f} points from what the "
                "quarter's results imply, before rounding to halves and clipping to 1..5"
            ),
        }

    signals = (
        [
            rater(LENIENT_MANAGER, 1.0, "lenient_manager"),
            rater(HARSH_MANAGER, -1.0, "harsh_manager"),
        ]
        if plant
        else []
    )
    if len(bunched) and len(b_quarters):
        lo, hi = BUNCHING_BAND
        signals.append(
            {
                "signal": "threshold_bunching",
                "role": BUNCHING_ROLE,
                "metric": BUNCHING_METRIC,
                "raw_metric": BUNCHING_METRIC,
                "level": b_level,
                "target": b_target,
                "band": [lo, hi],
                "employee_ids": _ids(staff, bunched),
                "periods": [format_period(int(month_idx[q]), "quarter") for q in b_quarters],
                "effect": (
                    f"quarterly {BUNCHING_METRIC} totals of these people lie between "
                    f"{b_level:g} and {b_level * (1 + hi):g}, i.e. 0-3% above the plan threshold "
                    f"{b_level:g} (achievement {b_level / b_target:.2f} of their target "
                    f"{b_target:g}, where the score jumps from 0 to 0.5), in each listed quarter; "
                    "their earlier quarters are natural"
                ),
            }
        )
    zs_rows = np.flatnonzero(staff["team"].to_numpy() == ZERO_SUM_TEAM)
    if plant and len(zs_rows) >= 2:
        signals.append(
            {
                "signal": "zero_sum_team",
                "team": ZERO_SUM_TEAM,
                "role": "marketing_specialist",
                "metric": "leads",
                "employee_ids": _ids(staff, zs_rows),
                "periods": all_months,
                "effect": (
                    "members split a nearly fixed monthly pool of leads (month-to-month sd 1.5%) in "
                    "shares that shift every month: each member's monthly leads correlate strongly "
                    "negatively with the rest of the team's, and the mean pairwise correlation is "
                    "below zero, while members of other teams move together (seasonality, "
                    "quarter-end lift)"
                ),
            }
        )
    if len(gamers):
        signals.append(
            {
                "signal": "quarter_end_spikes",
                "roles": list(GAMER_ROLES),
                "metric": "leads",
                "employee_ids": _ids(staff, gamers),
                "periods": all_months,
                "month_in_quarter_factors": GAMER_QUARTER_END.tolist(),
                "general_factors": QUARTER_END.tolist(),
                "effect": (
                    "these people's leads follow factors "
                    f"{GAMER_QUARTER_END.tolist()} by month of quarter instead of everyone's "
                    f"{QUARTER_END.tolist()}: about "
                    f"{GAMER_QUARTER_END[2] / GAMER_QUARTER_END.sum():.0%} of a quarter's leads "
                    f"land in its last month, against about "
                    f"{QUARTER_END[2] / QUARTER_END.sum():.0%} for others"
                ),
            }
        )
    return {
        "generator": "perfkit.sample.generate",
        "arguments": {
            "employees": employees,
            "months": months,
            "seed": seed,
            "end": end,
            **({} if plant else {"plant": False}),
        },
        "window": {
            "first_month": all_months[0],
            "last_month": all_months[-1],
            "quarters": quarters,
        },
        "signals": signals,
    }
