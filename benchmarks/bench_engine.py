"""Engine speed benchmark: ``perfkit.evaluate`` against a plain-Python loop and a numpy floor.

Run from the repository root::

    .venv/bin/python benchmarks/bench_engine.py                 # 20,000 people x 12 months
    .venv/bin/python benchmarks/bench_engine.py --people 500    # smoke run, a few seconds

What it does
------------
1. Builds, in memory and from a fixed seed, a synthetic data set: ``--people`` employees of
   one role, ``--months`` months (ending 2026-12) of 10 raw metrics (about 2.4 million
   actuals rows at the defaults), quarterly manager ratings (some with a second rater),
   per-person quarterly targets for one metric, joiners and leavers, and a few modifiers.
   The plan has 10 metrics that use every measure (sum, mean, last, two ratios, growth
   against the previous period, a manager rating), a lower-is-better metric, a named curve
   with a jump, a metric cap, a gate and a 30% team component.
2. Times ``perfkit.evaluate`` over the four quarters of 2026 (best of ``--repeat``) and
   measures its peak memory, in a fresh process.
3. Recomputes every payout with the plain-Python reference engine of
   ``tests/reference_engine.py`` (a per-person loop over dictionaries written from
   ``docs/engine.md``, independently of the engine; ``tests/test_reference_engine.py``
   checks it against ``perfkit.evaluate`` on the sample data and the worked example) and
   checks that the two agree to the cent for every (person, quarter). Any mismatch exits
   with status 1. The loop is timed from the same Dataset frames as the engine: reading them
   into its per-person dictionaries (``zip`` over ``.tolist()`` of the columns) counts in
   its time.
4. Times a minimal numpy "floor" from the same frames: integer codes (one hashing pass per
   text column), one dense ``person x quarter x month x raw metric`` array, roll-ups adding
   the months in order (a ratio over the months holding both parts, growth only between
   whole quarters), ``np.interp`` curves, a weighted sum and the payout curve: the least work
   any implementation must do.
5. Prints the figures next to the goals (<= 2 s, <= 1.5 GB, >= 20x the loop, <= 3x the
   floor). The goals are informational: only mismatched payouts fail the run.

The engine and the floor run, taking turns, in one fresh process started from a fork server;
the loop runs in another, so its memory does not show in the engine's peak. The rules the
loop follows are those of ``docs/engine.md``, including its knot tolerance (a value less than
1e-9 below a curve point or gate minimum reaches it) and its cent rounding.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import math
import multiprocessing as mp
import os
import platform
import pstats
import resource
import sys
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from perfkit.periods import Period, month_label, parse_period
from perfkit.plans import Plan

# The reference loop lives with the tests, which check it against the engine on the sample
# data and the worked example: tests/reference_engine.py.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from reference_engine import (  # noqa: E402
    KNOT_TOLERANCE,
    payout_points,
    read_people,
    reference_payouts,
)

SEED = 20260401
ROLE = "bench_marketer"
CURRENCY = "CNY"
#: The data end with this month (December 2026); the four quarters of 2026 are evaluated.
LAST_MONTH = 2026 * 12 + 11

#: Raw metrics in the actuals, in the order of the metric codes.
RAW = (
    "leads",
    "ad_impressions",
    "ad_clicks",
    "ad_spend",
    "web_unique_visitors",
    "search_rank",
    "market_share",
    "channel_sales",
    "content_reach",
    "content_engagements",
)
RAW_CODE = {name: i for i, name in enumerate(RAW)}
RATING_NAME = "collaboration"

#: The Dataset frames every contender starts from.
FRAMES = ("employees", "actuals", "targets", "ratings", "modifiers")

#: goal: (limit, unit); the speed-up must reach its limit, the others stay within theirs
GOALS = {
    "wall": (2.0, "s"),
    "memory": (1500.0, "MB"),
    "speedup": (20.0, "x"),
    "floor": (3.0, "x"),
}


# ---------------------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------------------
def _metric(key: str, unit: str, measure: dict[str, Any], **kw: Any) -> dict[str, Any]:
    kind = "qualitative" if measure["agg"] == "rating" else "quantitative"
    return {
        "key": key,
        "label": key.replace("_", " ").capitalize(),
        "label_zh": key,
        "unit": unit,
        "kind": kind,
        "measure": measure,
        **kw,
    }


def bench_plan() -> Plan:
    """The 10-metric plan the benchmark evaluates (every measure, curve and payout feature)."""
    metrics = [
        _metric(
            "leads",
            "count",
            {"agg": "sum", "source": "leads"},
            target=450,
            threshold=360,
            stretch=600,
            weight=0.15,
        ),
        _metric(
            "ad_ctr",
            "percent",
            {"agg": "ratio", "source": "ad_clicks", "denominator": "ad_impressions"},
            target=0.02,
            threshold=0.014,
            stretch=0.028,
            weight=0.10,
        ),
        _metric(
            "cost_per_lead",
            "currency",
            {"agg": "ratio", "source": "ad_spend", "denominator": "leads"},
            direction="lower",
            target=120,
            threshold=150,
            stretch=95,
            weight=0.10,
        ),
        _metric(
            "search_rank",
            "rank",
            {"agg": "mean", "source": "search_rank"},
            direction="lower",
            target=5,
            threshold=8,
            stretch=3,
            cap=1.3,
            weight=0.10,
        ),
        _metric(
            "market_share",
            "percent",
            {"agg": "last", "source": "market_share", "scale": 100.0},
            target=12,
            threshold=10,
            stretch=14,
            weight=0.10,
        ),
        _metric(
            "traffic_growth",
            "percent",
            {
                "agg": "growth",
                "source": "web_unique_visitors",
                "of": "sum",
                "baseline": "previous_period",
            },
            target=0.05,
            threshold=0.01,
            stretch=0.10,
            weight=0.10,
        ),
        _metric(
            "channel_sales",
            "currency",
            {"agg": "sum", "source": "channel_sales"},
            target=3_000_000,
            curve="sales_tiers",
            weight=0.10,
        ),
        _metric(
            "engagement_rate",
            "percent",
            {"agg": "ratio", "source": "content_engagements", "denominator": "content_reach"},
            target=0.04,
            threshold=0.03,
            stretch=0.055,
            weight=0.10,
        ),
        _metric(
            "content_reach",
            "count",
            {"agg": "mean", "source": "content_reach"},
            target=50_000,
            stretch=65_000,
            weight=0.05,
        ),
        _metric(
            RATING_NAME,
            "score",
            {"agg": "rating", "source": RATING_NAME},
            target=3.5,
            threshold=2.5,
            stretch=4.5,
            weight=0.10,
        ),
    ]
    return Plan.model_validate(
        {
            "role": ROLE,
            "name": "Benchmark marketer",
            "name_zh": "基准测试",
            "version": "bench",
            "currency": CURRENCY,
            "period": "quarter",
            "metrics": metrics,
            "curves": {
                # a jump at 0.8 (0.3 -> 0.6), then an accelerator above target
                "sales_tiers": {
                    "points": [[0.5, 0.0], [0.8, 0.3], [0.8, 0.6], [1.0, 1.0], [1.25, 1.6]]
                }
            },
            "rating_bands": [
                {"band": "S", "min_composite": 1.25, "guideline_share": 0.05},
                {"band": "A", "min_composite": 1.08, "guideline_share": 0.20},
                {"band": "B", "min_composite": 0.92, "guideline_share": 0.50},
                {"band": "C", "min_composite": 0.70, "guideline_share": 0.20},
                {"band": "D", "min_composite": 0.0, "guideline_share": 0.05},
            ],
            "gates": [{"key": "leads_floor", "metric": "leads", "min_achievement": 0.6}],
            "payout": {
                "curve": {
                    "threshold": 0.7,
                    "threshold_payout": 0.5,
                    "target": 1.0,
                    "target_payout": 1.0,
                    "stretch": 1.3,
                    "stretch_payout": 1.8,
                    "cap": 1.7,  # bites above a composite of about 1.26
                },
                "team_share": 0.3,
                "team_measure": "composite",
                "person_cap": 1.6,  # bites for the best with a team doing well or a modifier
                "modifier_min": 0.9,
                "modifier_max": 1.1,
                "proration": "days",
            },
        }
    )


# ---------------------------------------------------------------------------------------
# The synthetic data set, as integer-coded numpy arrays
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Synth:
    """The synthetic data set as arrays; ``dataset()`` turns it into perfkit frames.

    Month codes count from ``first_month`` (a month index, ``year * 12 + month - 1``);
    quarter codes index ``quarters`` (the evaluated quarters).
    """

    people: int
    first_month: int
    months: int
    quarters: tuple[Period, ...]
    team: np.ndarray  # int, per person
    hire: np.ndarray  # datetime64[D]
    leave: np.ndarray  # datetime64[D], NaT while employed
    annual: np.ndarray  # float, annual target bonus
    a_person: np.ndarray  # actuals rows
    a_month: np.ndarray
    a_metric: np.ndarray
    a_value: np.ndarray
    r_person: np.ndarray  # ratings rows
    r_quarter: np.ndarray
    r_rater: np.ndarray  # -1: the manager, else a peer's person code
    r_value: np.ndarray
    t_person: np.ndarray  # leads targets, one per (person, quarter) at most
    t_quarter: np.ndarray
    t_value: np.ndarray
    m_person: np.ndarray  # modifiers
    m_quarter: np.ndarray
    m_value: np.ndarray

    @property
    def month_labels(self) -> list[str]:
        return [month_label(self.first_month + i) for i in range(self.months)]

    def employee_ids(self) -> np.ndarray:
        return np.array([f"E{i:06d}" for i in range(self.people)], dtype=object)

    def team_ids(self) -> np.ndarray:
        return np.array([f"T{i:05d}" for i in range(int(self.team.max()) + 1)], dtype=object)


def _month_start(index: int) -> np.datetime64:
    return np.datetime64(f"{month_label(index)}-01", "D")


def make_synth(people: int, months: int, seed: int = SEED) -> Synth:
    """Generate the synthetic data set (vectorized, deterministic for a seed).

    About 6% of people join and 5% leave during the data; a few join on the first day of a
    quarter or leave on its last day (the inclusive edges of proration). About 0.3% of
    actuals rows are missing at random, and whole (person, quarter) blocks of one metric are
    missing now and then so that metrics drop out and weights are renormalised.
    """
    if months < 3:
        raise SystemExit("--months must be at least 3 (one quarter)")
    rng = np.random.default_rng(seed)
    n, nm, nr = people, months, len(RAW)
    first = LAST_MONTH - nm + 1
    quarters = tuple(
        parse_period(f"2026Q{k}") for k in range(1, 5) if (2026 * 12 + 3 * (k - 1)) >= first
    )

    # -- people: teams of about ten, hire and leave dates, target bonus ------------------
    n_teams = max(1, n // 10)
    team = rng.integers(0, n_teams, n)
    team[:n_teams] = np.arange(n_teams)  # no empty team
    day0 = _month_start(first)
    day_end = _month_start(LAST_MONTH + 1) - np.timedelta64(1, "D")
    span = int((day_end - day0).astype(int)) + 1
    hire = np.datetime64("2015-01-01", "D") + rng.integers(0, 3000, n).astype("timedelta64[D]")
    hire = np.minimum(hire, day0 - np.timedelta64(1, "D"))
    leave = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    kind = rng.random(n)
    joiners = kind < 0.06
    leavers = (kind >= 0.06) & (kind < 0.11)
    hire[joiners] = day0 + rng.integers(0, span, joiners.sum()).astype("timedelta64[D]")
    leave[leavers] = day0 + rng.integers(0, span, leavers.sum()).astype("timedelta64[D]")
    # a few on the exact edges of quarters
    qstarts = np.array([np.datetime64(q.start, "D") for q in quarters])
    qends = np.array([np.datetime64(q.end, "D") for q in quarters])
    j_idx = np.flatnonzero(joiners)[:20]
    hire[j_idx] = qstarts[np.arange(j_idx.size) % qstarts.size]
    l_idx = np.flatnonzero(leavers)[:20]
    leave[l_idx] = qends[np.arange(l_idx.size) % qends.size]
    annual = rng.choice(np.arange(24_000, 120_001, 6_000), n).astype(float)

    # -- monthly raw actuals on the (person, month) grid ----------------------------------
    skill = rng.lognormal(0.0, 0.18, n)[:, None]

    def noise(sigma: float) -> np.ndarray:
        return rng.lognormal(0.0, sigma, (n, nm))

    leads = np.maximum(1, rng.poisson(150 * skill * noise(0.15)))
    impressions = np.maximum(1000, np.rint(100_000 * noise(0.3)))
    clicks = rng.binomial(impressions.astype(np.int64), np.clip(0.02 * skill * noise(0.15), 0, 1))
    spend = np.rint(leads * 120 / np.sqrt(skill) * noise(0.12))
    trend = rng.normal(1.012, 0.012, n)[:, None] ** np.arange(nm)[None, :]
    visitors = np.maximum(1, np.rint(20_000 * skill * trend * noise(0.05)))
    rank = np.clip(np.rint(4 * 5 / skill * noise(0.2)) / 4, 1, 30)  # multiples of 0.25
    share = 0.12 * skill * noise(0.05)
    sales = np.rint(1_000_000 * skill * noise(0.2))
    reach = np.maximum(100, np.rint(50_000 * noise(0.25)))
    engagements = rng.binomial(reach.astype(np.int64), np.clip(0.04 * skill * noise(0.2), 0, 1))
    grid = np.stack(
        [leads, impressions, clicks, spend, visitors, rank, share, sales, reach, engagements],
        axis=2,
    ).astype(np.float64)
    del leads, impressions, clicks, spend, visitors, rank, share, sales, reach, engagements

    # rows present: employed that month, not missing at random, not in a dropped block
    m_start = np.array([_month_start(first + i) for i in range(nm)])
    m_end = np.array([_month_start(first + i + 1) - np.timedelta64(1, "D") for i in range(nm)])
    employed = (hire[:, None] <= m_end[None, :]) & (
        np.isnat(leave)[:, None] | (leave[:, None] >= m_start[None, :])
    )
    keep = np.broadcast_to(employed[:, :, None], (n, nm, nr)).copy()
    keep &= rng.random((n, nm, nr)) >= 0.003
    qof = (first + np.arange(nm)) // 3  # quarter number of each month
    qnum = qof - qof[0]
    nq_all = int(qnum[-1]) + 1
    for code, rate in ((RAW_CODE["channel_sales"], 0.01), (RAW_CODE["leads"], 0.004)):
        gone = rng.random((n, nq_all)) < rate
        keep[:, :, code] &= ~gone[:, qnum]
    # a few people with nothing at all in one evaluated quarter: no composite, no payout
    nq = len(quarters)
    blank = np.zeros((n, nq), dtype=bool)
    ghosts = rng.choice(n, max(1, n // 2000), replace=False)
    blank[ghosts, rng.integers(0, nq, ghosts.size)] = True
    q_of_month = np.array([(first + i) // 3 for i in range(nm)])
    for k, q in enumerate(quarters):
        keep[blank[:, k][:, None] & (q_of_month == q.first // 3)[None, :]] = False
    p, m, r = np.nonzero(keep)
    value = grid[p, m, r]
    del grid, keep

    # -- ratings, targets, modifiers per evaluated quarter --------------------------------
    q_employed = (hire[:, None] <= qends[None, :]) & (
        np.isnat(leave)[:, None] | (leave[:, None] >= qstarts[None, :])
    )
    rated = q_employed & ~blank & (rng.random((n, nq)) < 0.96)
    rp, rq = np.nonzero(rated)
    rv = np.clip(np.rint(rng.normal(3.4, 0.8, rp.size) + (np.log(skill[rp, 0]) * 3)), 1, 5)
    second = rng.random(rp.size) < 0.2
    peer = (rp[second] + 1 + rng.integers(0, n - 1, second.sum())) % n if n > 1 else rp[second]
    r_person = np.concatenate([rp, rp[second]])
    r_quarter = np.concatenate([rq, rq[second]])
    r_rater = np.concatenate([np.full(rp.size, -1), peer])
    r_value = np.concatenate([rv, np.clip(rng.integers(2, 11, second.sum()) / 2, 1, 5)])

    tp, tq = np.nonzero(q_employed & (rng.random((n, nq)) < 0.3))
    t_value = rng.choice(np.arange(300, 610, 10), tp.size).astype(float)
    mp_, mq = np.nonzero(q_employed & (rng.random((n, nq)) < 0.01))
    m_value = rng.choice(np.array([0.9, 0.95, 1.05, 1.1]), mp_.size)

    return Synth(
        people=n,
        first_month=first,
        months=nm,
        quarters=quarters,
        team=team,
        hire=hire,
        leave=leave,
        annual=annual,
        a_person=p.astype(np.int32),
        a_month=m.astype(np.int16),
        a_metric=r.astype(np.int8),
        a_value=value,
        r_person=r_person,
        r_quarter=r_quarter,
        r_rater=r_rater,
        r_value=r_value.astype(float),
        t_person=tp,
        t_quarter=tq,
        t_value=t_value,
        m_person=mp_,
        m_quarter=mq,
        m_value=m_value,
    )


def _strings(codes: np.ndarray, labels: np.ndarray | list[str]) -> pd.Series:
    """A text column from integer codes into labels (the dtype perfkit reads text as)."""
    return pd.Series(np.asarray(labels, dtype=object)[codes], dtype="str")


def make_frames(s: Synth) -> dict[str, pd.DataFrame]:
    """The perfkit input frames (columns and dtypes of docs/data.md) of a synthetic set."""
    ids = s.employee_ids()
    teams = s.team_ids()
    managers = np.array([f"M{i:05d}" for i in range(teams.size)], dtype=object)
    employees = pd.DataFrame(
        {
            "employee_id": _strings(np.arange(s.people), ids),
            "name": _strings(np.arange(s.people), [f"Person {i}" for i in range(s.people)]),
            "role": pd.Series([ROLE] * s.people, dtype="str"),
            "team": _strings(s.team, teams),
            "manager_id": _strings(s.team, managers),
            "hire_date": pd.Series(s.hire.astype("datetime64[s]")),
            "leave_date": pd.Series(s.leave.astype("datetime64[s]")),
            "annual_target_bonus": s.annual,
            "currency": pd.Series([CURRENCY] * s.people, dtype="str"),
        }
    )
    actuals = pd.DataFrame(
        {
            "employee_id": _strings(s.a_person, ids),
            "period": _strings(s.a_month, s.month_labels),
            "metric": _strings(s.a_metric, list(RAW)),
            "value": s.a_value,
        }
    )
    qlabels = [q.label for q in s.quarters]
    rater = np.where(s.r_rater < 0, 0, s.r_rater)
    rater_ids = np.where(s.r_rater < 0, managers[s.team[s.r_person]], ids[rater])
    ratings = pd.DataFrame(
        {
            "employee_id": _strings(s.r_person, ids),
            "period": _strings(s.r_quarter, qlabels),
            "metric": pd.Series([RATING_NAME] * s.r_person.size, dtype="str"),
            "rating": s.r_value,
            "rater_id": pd.Series(rater_ids, dtype="str"),
            "comment": pd.Series([""] * s.r_person.size, dtype="str"),
        }
    )
    targets = pd.DataFrame(
        {
            "employee_id": _strings(s.t_person, ids),
            "period": _strings(s.t_quarter, qlabels),
            "metric": pd.Series(["leads"] * s.t_person.size, dtype="str"),
            "target": s.t_value,
        }
    )
    modifiers = pd.DataFrame(
        {
            "employee_id": _strings(s.m_person, ids),
            "period": _strings(s.m_quarter, qlabels),
            "modifier": s.m_value,
            "reason": pd.Series(["benchmark"] * s.m_person.size, dtype="str"),
        }
    )
    return {
        "employees": employees,
        "actuals": actuals,
        "targets": targets,
        "ratings": ratings,
        "modifiers": modifiers,
    }


def make_dataset(s: Synth, *, check: bool = True) -> Any:
    """A :class:`perfkit.io.Dataset` of the synthetic frames, checked as a loaded file would be."""
    from perfkit.io import Dataset

    frames = make_frames(s)
    if not check:
        return Dataset(**frames, source="synthetic benchmark data")
    return Dataset.from_frames(**frames, source="synthetic benchmark data", check=True)


# ---------------------------------------------------------------------------------------
# The floor: the least numpy work any implementation must do
# ---------------------------------------------------------------------------------------
def _curve(x: np.ndarray, points: Any) -> np.ndarray:
    """``np.interp`` on a plan curve: a value within KNOT_TOLERANCE below a knot is moved onto
    it, and the first x of a repeated pair is moved one ulp left so the later point holds."""
    xs = np.array([p[0] for p in points], dtype=np.float64)
    ys = np.array([p[1] for p in points], dtype=np.float64)
    j = np.searchsorted(xs, x + KNOT_TOLERANCE, side="right")
    knot = xs[np.maximum(j - 1, 0)]
    x = np.where((j > 0) & (x < knot), knot, x)
    for i in range(len(xs) - 1):
        if xs[i] == xs[i + 1]:
            xs[i] = np.nextafter(xs[i], -np.inf)
    return np.interp(x, xs, ys)


@dataclass(frozen=True)
class Codes:
    """The inputs as integer codes: what the floor's arithmetic starts from."""

    people: int
    team: np.ndarray
    hire: np.ndarray
    leave: np.ndarray
    annual: np.ndarray
    a_person: np.ndarray
    a_month: np.ndarray  # month index, year * 12 + month - 1
    a_metric: np.ndarray  # position in RAW
    a_value: np.ndarray
    r_person: np.ndarray
    r_slot: np.ndarray  # position in the evaluated quarters (-1: none)
    r_value: np.ndarray
    t_person: np.ndarray
    t_slot: np.ndarray
    t_metric: np.ndarray  # position in the plan's metrics
    t_value: np.ndarray
    m_person: np.ndarray
    m_slot: np.ndarray
    m_value: np.ndarray


def codes_from_synth(s: Synth, plan: Plan) -> Codes:
    """Integer codes straight from the generator (the floor without any text parsing)."""
    return Codes(
        people=s.people,
        team=s.team,
        hire=s.hire,
        leave=s.leave,
        annual=s.annual,
        a_person=s.a_person,
        a_month=s.first_month + s.a_month.astype(np.int64),
        a_metric=s.a_metric,
        a_value=s.a_value,
        r_person=s.r_person,
        r_slot=s.r_quarter,
        r_value=s.r_value,
        t_person=s.t_person,
        t_slot=s.t_quarter,
        t_metric=np.full(s.t_person.size, plan.metric_keys.index("leads")),
        t_value=s.t_value,
        m_person=s.m_person,
        m_slot=s.m_quarter,
        m_value=s.m_value,
    )


def _lookup(values: pd.Series, labels: pd.Index) -> np.ndarray:
    """Position of each value in ``labels`` (-1 if absent), in one hashing pass.

    Arrow-backed text (how perfkit reads text) is looked up with ``pyarrow.compute.index_in``,
    the fastest way the engine knows; anything else is factorized, distinct values looked up.
    """
    data = getattr(values.array, "_pa_array", None)
    if data is not None:
        found = pc.index_in(data, value_set=pa.array(labels.astype(object), type=data.type))
        return found.fill_null(-1).to_numpy()
    codes, uniques = pd.factorize(values)
    return np.append(labels.get_indexer(uniques), -1)[codes]


def codes_from_frames(frames: dict[str, pd.DataFrame], plan: Plan, quarters: Any) -> Codes:
    """Integer codes from the perfkit frames: each text column coded in one hashing pass."""
    emp = frames["employees"]
    ids = pd.Index(emp["employee_id"])
    team, _ = pd.factorize(emp["team"])
    act = frames["actuals"]
    mcodes, muniq = pd.factorize(act["period"])
    month = np.append([int(u[:4]) * 12 + int(u[5:7]) - 1 for u in muniq.astype(object)], -1).astype(
        np.int64
    )[mcodes]
    qindex = pd.Index([q.label for q in quarters])
    rat = frames["ratings"]
    rat = rat[rat["metric"] == RATING_NAME]
    tgt = frames["targets"]
    mod = frames["modifiers"]
    return Codes(
        people=len(emp),
        team=team,
        hire=emp["hire_date"].to_numpy().astype("datetime64[D]"),
        leave=emp["leave_date"].to_numpy().astype("datetime64[D]"),
        annual=emp["annual_target_bonus"].to_numpy(dtype=np.float64),
        a_person=_lookup(act["employee_id"], ids),
        a_month=month,
        a_metric=_lookup(act["metric"], pd.Index(RAW)),
        a_value=act["value"].to_numpy(dtype=np.float64),
        r_person=_lookup(rat["employee_id"], ids),
        r_slot=_lookup(rat["period"], qindex),
        r_value=rat["rating"].to_numpy(dtype=np.float64),
        t_person=_lookup(tgt["employee_id"], ids),
        t_slot=_lookup(tgt["period"], qindex),
        t_metric=_lookup(tgt["metric"], pd.Index(plan.metric_keys)),
        t_value=tgt["target"].to_numpy(dtype=np.float64),
        m_person=_lookup(mod["employee_id"], ids),
        m_slot=_lookup(mod["period"], qindex),
        m_value=mod["modifier"].to_numpy(dtype=np.float64),
    )


def floor_payouts(c: Codes, plan: Plan, quarters: Any) -> tuple[np.ndarray, np.ndarray]:
    """Payout amounts ``(people, quarters)`` by whole-array numpy operations.

    The actuals are laid into one dense ``person x quarter slot x month of the quarter x raw
    metric`` array (NaN where a month has no row); slot 0 is the quarter before the first
    evaluated one (the growth baseline). Roll-ups add the three months in time order. A
    ratio adds numerator and denominator over the months holding both; growth needs both
    quarters whole (employed every day, every month present). Returns the amounts and a
    mask of the person-quarters with any day employed.
    """
    n, nq, nr = c.people, len(quarters), len(RAW)
    ns = nq + 1
    m0 = (quarters[0].first // 3 - 1) * 3  # first month of slot 0
    col = c.a_month - m0
    ok = (col >= 0) & (col < ns * 3) & (c.a_person >= 0) & (c.a_metric >= 0)
    cube = np.full((n, ns, 3, nr), np.nan)
    cube.reshape(-1)[(c.a_person[ok] * (ns * 3) + col[ok]) * nr + c.a_metric[ok]] = c.a_value[ok]
    present = ~np.isnan(cube)
    filled = np.where(present, cube, 0.0)
    count = present.sum(axis=2)  # (n, ns, nr)

    # employed on every day of each slot's quarter (for growth)
    slot_q = [Period(m0 + 3 * k, m0 + 3 * k + 2, "quarter") for k in range(ns)]
    s_start = np.array([np.datetime64(q.start, "D") for q in slot_q])
    s_end = np.array([np.datetime64(q.end, "D") for q in slot_q])
    throughout = (np.isnat(c.hire)[:, None] | (c.hire[:, None] <= s_start[None, :])) & (
        np.isnat(c.leave)[:, None] | (c.leave[:, None] >= s_end[None, :])
    )

    def roll(src: int, how: str) -> np.ndarray:
        """(n, ns) roll-up of raw metric ``src``: NaN where no month holds it."""
        if how == "last":
            idx = 2 - np.argmax(present[:, :, ::-1, src], axis=2)
            return np.take_along_axis(cube[:, :, :, src], idx[:, :, None], axis=2)[:, :, 0]
        f = filled[:, :, :, src]
        total = np.where(count[:, :, src] > 0, f[:, :, 0] + f[:, :, 1] + f[:, :, 2], np.nan)
        return total if how == "sum" else total / count[:, :, src]

    with np.errstate(divide="ignore", invalid="ignore"):
        metric_values = []
        for m in plan.metrics:
            ms_ = m.measure
            if ms_.agg == "rating":
                continue
            src = RAW_CODE[ms_.source]
            if ms_.agg in ("sum", "mean", "last"):
                val = roll(src, ms_.agg)[:, 1:]
            elif ms_.agg == "ratio":  # over the months holding both
                den = RAW_CODE[ms_.denominator or ""]
                both = present[:, :, :, src] & present[:, :, :, den]
                a = np.where(both, filled[:, :, :, src], 0.0)
                b = np.where(both, filled[:, :, :, den], 0.0)
                top = a[:, :, 0] + a[:, :, 1] + a[:, :, 2]
                bottom = b[:, :, 0] + b[:, :, 1] + b[:, :, 2]
                val = np.where(both.any(axis=2) & (bottom > 0), top / bottom, np.nan)[:, 1:]
            else:  # growth against the previous quarter, whole quarters only
                rolled = roll(src, ms_.of)
                whole = throughout & (count[:, :, src] == 3)
                cur, base = rolled[:, 1:], rolled[:, :-1]
                fine = whole[:, 1:] & whole[:, :-1] & (base != 0)
                val = np.where(fine, cur / base - 1.0, np.nan)
            metric_values.append(val * ms_.scale)
        rkey = (c.r_person * nq + c.r_slot)[(c.r_person >= 0) & (c.r_slot >= 0)]
        rval = c.r_value[(c.r_person >= 0) & (c.r_slot >= 0)]
        rating = np.bincount(rkey, weights=rval, minlength=n * nq) / np.bincount(
            rkey, minlength=n * nq
        )
    values = np.stack(metric_values + [rating.reshape(n, nq)], axis=2)  # (n, nq, k)
    keys = [m.key for m in plan.metrics if m.measure.agg != "rating"] + [
        m.key for m in plan.metrics if m.measure.agg == "rating"
    ]
    metrics = [plan.metric(k) for k in keys]

    target = np.broadcast_to(np.array([m.target for m in metrics]), values.shape).copy()
    tok = (c.t_person >= 0) & (c.t_slot >= 0) & (c.t_metric >= 0)
    tcol = np.array([keys.index(plan.metric_keys[j]) for j in range(len(keys))])
    target[c.t_person[tok], c.t_slot[tok], tcol[c.t_metric[tok]]] = c.t_value[tok]
    ratio = values / target
    lower = np.array([m.direction == "lower" for m in metrics])
    achievement = np.maximum(np.where(lower, 2.0 - ratio, ratio), 0.0)
    present = ~np.isnan(values)
    score = np.empty_like(achievement)
    for j, m in enumerate(metrics):
        score[:, :, j] = _curve(achievement[:, :, j], plan.curve_points(m)[0])
    weight = np.array([m.weight for m in metrics])
    w = np.where(present, weight, 0.0)
    with np.errstate(invalid="ignore"):
        composite = np.where(present, score, 0.0) @ weight / w.sum(axis=2)
    gate_ok = np.ones((n, nq), dtype=bool)
    for g in plan.gates:
        gate_ok &= achievement[:, :, keys.index(g.metric)] + KNOT_TOLERANCE >= g.min_achievement

    starts = np.array([np.datetime64(q.start, "D") for q in quarters])
    ends = np.array([np.datetime64(q.end, "D") for q in quarters])
    first = np.maximum(c.hire[:, None], starts[None, :])
    lastday = np.where(
        np.isnat(c.leave)[:, None], ends[None, :], np.minimum(c.leave[:, None], ends)
    )
    days = np.clip((lastday - first).astype(np.int64) + 1, 0, None)
    employed = days > 0
    has = employed & ~np.isnan(composite)
    nt = int(c.team.max()) + 1
    tkey = (c.team[:, None] * nq + np.arange(nq)[None, :])[has]
    team_mean = np.bincount(tkey, weights=composite[has], minlength=nt * nq) / np.maximum(
        np.bincount(tkey, minlength=nt * nq), 1
    )
    team_result = team_mean.reshape(nt, nq)[c.team]

    pay = payout_points(plan)
    cap = plan.payout.curve.cap
    ts = plan.payout.team_share
    individual = np.minimum(_curve(np.nan_to_num(composite, nan=-1.0), pay), cap)
    team_part = np.minimum(_curve(team_result, pay), cap)
    modifier = np.ones((n, nq))
    mok = (c.m_person >= 0) & (c.m_slot >= 0)
    modifier[c.m_person[mok], c.m_slot[mok]] = c.m_value[mok]
    pct = ((1 - ts) * individual + ts * team_part) * modifier
    pct = np.where(has & gate_ok, np.minimum(pct, plan.payout.person_cap), 0.0)
    period_days = np.array([q.days for q in quarters])
    raw = c.annual[:, None] * 3 / 12 * pct * (days / period_days)
    amount = np.floor(np.round(raw * 100, 6) + 0.5) / 100
    return amount, employed


# ---------------------------------------------------------------------------------------
# Measuring: each part in a fresh process
# ---------------------------------------------------------------------------------------
def _reset_peak_rss() -> bool:
    """Reset this process's peak resident set (Linux), so the peak seen next is the part's."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def _proc_status_mb(field: str) -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return math.nan


def _maxrss_mb() -> float:
    """``getrusage(RUSAGE_SELF).ru_maxrss`` in MB (kilobytes on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024


def _frames_mb(frames: dict[str, pd.DataFrame]) -> float:
    return sum(f.memory_usage(deep=True).sum() for f in frames.values()) / 2**20


def _quarter_labels(s: Synth) -> list[str]:
    return [q.label for q in s.quarters]


def _loop_subset(s: Synth, seed: int, loop_people: int) -> set[str] | None:
    """Employee ids of whole teams totalling about ``loop_people`` (None: everyone)."""
    if not 0 < loop_people < s.people:
        return None
    rng = np.random.default_rng(seed + 1)
    order = rng.permutation(int(s.team.max()) + 1)
    sizes = np.bincount(s.team)[order]
    chosen = order[: int(np.searchsorted(np.cumsum(sizes), loop_people)) + 1]
    return set(s.employee_ids()[np.isin(s.team, chosen)].tolist())


def _only(frames: dict[str, pd.DataFrame], ids: set[str] | None) -> dict[str, pd.DataFrame]:
    if ids is None:
        return frames
    keep = pd.Index(sorted(ids))
    return {k: f[f["employee_id"].isin(keep)].reset_index(drop=True) for k, f in frames.items()}


def part_bench(
    people: int, months: int, seed: int, repeat: int, profile: bool, loop_people: int
) -> dict:
    """Time what a user pays (checking the frames, then ``perfkit.evaluate``), the numpy
    floor and the plain-Python loop, in this one process; measure the engine's peak memory.

    Runs in a fresh process. Each round checks the raw frames
    (``Dataset.from_frames(check=True)``, as a notebook user or ``load_dataset`` does) and
    evaluates the checked data set, then runs the floor from the same checked frames; the
    first round is the one whose peak memory is read (the process's peak RSS is reset just
    before it) and is followed by the loop, so that its memory does not show in the peak.
    Engine and floor alternate, so a burst of load from other programs hits both alike.
    """
    import perfkit
    from perfkit.evaluation import evaluate
    from perfkit.io import Dataset

    first = make_synth(people, months, seed)
    labels = _quarter_labels(first)
    quarters = first.quarters
    subset = _loop_subset(first, seed, loop_people)
    raw = make_frames(first)  # what the user hands over
    del first
    plan = bench_plan()
    plans = {ROLE: plan}
    synth: Synth | None = None  # not in the first round's peak; made again after it
    gc.collect()
    out: dict[str, Any] = {
        "data_mb": _frames_mb(raw),
        "calls": "one call",
        "rss_before_mb": _proc_status_mb("VmRSS"),
        "rss_reset": _reset_peak_rss(),
    }

    def check() -> Any:
        return Dataset.from_frames(**raw, source="synthetic benchmark data", check=True)

    def run(dataset: Any) -> Any:
        try:
            return evaluate(dataset, plans, labels)
        except (TypeError, perfkit.PeriodError):  # no list of periods: one call per quarter
            out["calls"] = "one call per quarter"
            return [evaluate(dataset, plans, label) for label in labels]

    check_times, times, floor_times, core_times = [], [], [], []
    ready = None
    ev: Any = None
    dataset: Any = None
    for i in range(repeat):
        ev = dataset = frames = None
        if synth is not None:  # new frames (new Arrow data): nothing coded is remembered
            raw = {}
            gc.collect()
            raw = make_frames(synth)
        gc.collect()
        t0 = time.perf_counter()
        dataset = check()
        t1 = time.perf_counter()
        ev = run(dataset)
        t2 = time.perf_counter()
        check_times.append(t1 - t0)
        times.append(t2 - t1)
        frames = {k: getattr(dataset, k) for k in FRAMES}
        if i == 0:
            out["maxrss_mb"] = _maxrss_mb()
            out["hwm_mb"] = _proc_status_mb("VmHWM")
            out["actual_rows"] = len(dataset.actuals)
            results = pd.concat([e.results for e in ev]) if isinstance(ev, list) else ev.results
            keep = ["employee_id", "period", "composite", "gate_passed", "payout_pct",
                    "payout_amount"]  # fmt: skip
            out["results"] = pd.DataFrame({c: results[c].to_numpy() for c in keep})
            del results
            t0 = time.perf_counter()
            evs = ev if isinstance(ev, list) else [ev]
            out["scores_rows"] = sum(len(e.scores) for e in evs)
            out["scores_time"] = time.perf_counter() - t0
            out["scores_hwm_mb"] = _proc_status_mb("VmHWM")
            ev = evs = None  # the scores frame is not kept through the other parts
            gc.collect()
            out["loop"] = _time_loop(_only(frames, subset), plan, quarters, people)
            synth = make_synth(people, months, seed)
            ready = codes_from_synth(synth, plan)
        gc.collect()
        t0 = time.perf_counter()
        amount, employed = floor_payouts(codes_from_frames(frames, plan, quarters), plan, quarters)
        floor_times.append(time.perf_counter() - t0)
        assert ready is not None  # built in the first round
        t0 = time.perf_counter()
        floor_payouts(ready, plan, quarters)
        core_times.append(time.perf_counter() - t0)
    out["check_times"] = check_times
    out["times"] = times
    out["floor_times"] = floor_times
    out["core_times"] = core_times
    ids = frames["employees"]["employee_id"].astype(object).to_numpy()
    out["floor_amounts"] = {
        (ids[i], quarters[q].label): float(amount[i, q])
        for i, q in zip(*np.nonzero(employed), strict=True)
    }
    del ev
    gc.collect()
    tracemalloc.start()
    run(dataset)
    out["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    if profile and synth is not None:
        raw = make_frames(synth)
        gc.collect()
        prof = cProfile.Profile()
        prof.enable()
        run(check())
        prof.disable()
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)
        out["profile"] = buf.getvalue()
    return out


def _time_loop(frames: dict[str, pd.DataFrame], plan: Plan, quarters: Any, people: int) -> dict:
    """Time the plain-Python loop on ``frames``: reading them into dictionaries, then the
    payouts; on a subset of whole teams both parts are extrapolated linearly to ``people``.
    """
    gc.collect()
    t0 = time.perf_counter()
    everyone = read_people(frames)
    read = time.perf_counter() - t0
    t0 = time.perf_counter()
    paid = reference_payouts(everyone, {ROLE: plan}, quarters)
    elapsed = time.perf_counter() - t0
    amounts = {k: (p.amount, p.composite) for k, p in paid.items()}
    scale = people / len(everyone)
    del everyone, paid
    gc.collect()
    return {
        "read": read * scale,
        "time": elapsed * scale,
        "people": len(frames["employees"]),
        "extrapolated": (read + elapsed) * scale,
        "amounts": amounts,
    }


def _in_fresh_process(ctx: Any, fn: Any, *args: Any) -> Any:
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(fn, *args).result()


# ---------------------------------------------------------------------------------------
# Comparing and reporting
# ---------------------------------------------------------------------------------------
def _cents(x: float) -> int:
    return round(x * 100)


def compare(
    engine: pd.DataFrame, expected: dict[tuple[str, str], float], *, only: set[str] | None = None
) -> tuple[int, int, list[str]]:
    """Count (person, quarter) pairs whose payout differs by a cent or more, or is missing.

    Returns the number compared, the number of mismatches, and a few example lines.
    """
    got = {
        (str(e), str(p)): float(a)
        for e, p, a in zip(
            engine["employee_id"], engine["period"], engine["payout_amount"], strict=True
        )
        if only is None or str(e) in only
    }
    bad: list[str] = []
    for key in sorted(set(got) | set(expected)):
        a, b = got.get(key), expected.get(key)
        if a is None or b is None or _cents(a) != _cents(b):
            bad.append(f"{key[0]} {key[1]}: engine {a}, expected {b}")
    return len(set(got) | set(expected)), len(bad), bad[:10]


def _verdict(value: float, goal: str) -> str:
    limit, _unit = GOALS[goal]
    if math.isnan(value):
        return "n/a"
    ok = value >= limit if goal == "speedup" else value <= limit
    return "PASS" if ok else "MISS"


def environment() -> list[str]:
    import pyarrow

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return [
        f"python {platform.python_version()}  numpy {np.__version__}  pandas {pd.__version__}"
        f"  pyarrow {pyarrow.__version__}",
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({usable} usable), "
        f"load average {load}",
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=20_000, help="employees (default 20000)")
    ap.add_argument("--months", type=int, default=12, help="months ending 2026-12 (default 12)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs; best is kept (default 3)")
    ap.add_argument("--seed", type=int, default=SEED, help="random seed of the data set")
    ap.add_argument(
        "--loop-people",
        type=int,
        default=0,
        help="run the Python loop on whole teams totalling about this many people and "
        "extrapolate its time linearly (default 0: everyone)",
    )
    ap.add_argument("--profile", action="store_true", help="print a cProfile of one engine run")
    args = ap.parse_args(argv)
    if args.people < 2 or args.repeat < 1:
        ap.error("--people must be at least 2 and --repeat at least 1")

    print(
        f"perfkit engine benchmark: {args.people:,} people x {args.months} months x {len(RAW)} raw metrics"
    )
    for line in environment():
        print("  " + line)
    ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
    eng = _in_fresh_process(
        ctx,
        part_bench,
        args.people,
        args.months,
        args.seed,
        args.repeat,
        args.profile,
        args.loop_people,
    )
    ref = eng["loop"]

    results = eng["results"]
    expected = {k: v[0] for k, v in ref["amounts"].items()}
    only = {k[0] for k in expected} if ref["people"] < args.people else None
    n_cmp, n_bad, examples = compare(results, expected, only=only)
    _, n_floor_bad, _ = compare(results, eng["floor_amounts"])
    ref_comp = {k: v[1] for k, v in ref["amounts"].items()}
    comp_bad = 0
    for e, p, c in zip(
        results["employee_id"], results["period"], results["composite"], strict=True
    ):
        r = ref_comp.get((str(e), str(p)))
        if r is not None and not ((math.isnan(r) and math.isnan(c)) or abs(r - c) <= 1e-9):
            comp_bad += 1

    paid = [c + e for c, e in zip(eng["check_times"], eng["times"], strict=True)]
    user, user_first = min(paid), paid[0]
    wall, wall_first = min(eng["times"]), eng["times"][0]
    check_t = min(eng["check_times"])
    floor_t = min(eng["floor_times"])
    loop_t = ref["extrapolated"]
    peak_mb = eng["hwm_mb"] if eng["rss_reset"] else eng["maxrss_mb"]
    speedup = loop_t / wall
    to_floor = wall / floor_t
    print(
        f"  data: {eng['actual_rows']:,} actuals rows, {len(results):,} (person, quarter) results, "
        f"{eng['scores_rows']:,} score rows; input frames {eng['data_mb']:.0f} MB"
    )
    print(
        f"  evaluate: {eng['calls']} for {', '.join(sorted(results['period'].astype(str).unique()))}"
    )
    print()
    n = args.repeat
    print(f"{'figure':<52}{'first':>9}{'best':>9}  {'goal':>10}  verdict")
    rows = [
        (f"check + evaluate, what a user pays, of {n} (s)", user_first, user, "<= 2 s", "wall"),
        (f"  checking the frames (Dataset.from_frames), of {n} (s)", eng["check_times"][0],
         check_t, "", ""),
        (f"  evaluate, of {n} (s)", wall_first, wall, "", ""),
        ("peak memory, check + evaluate, process RSS (MB)", peak_mb, math.nan, "<= 1.5 GB",
         "memory"),
        ("speed-up of evaluate vs the Python loop (x)", loop_t / wall_first, speedup, ">= 20x",
         "speedup"),
        ("speed-up of check + evaluate vs the loop (x)", loop_t / user_first, loop_t / user, "",
         ""),
        ("evaluate / numpy floor (x)", wall_first / eng["floor_times"][0], to_floor, "<= 3x",
         "floor"),
    ]  # fmt: skip
    verdict_of = {"wall": user, "memory": peak_mb, "speedup": speedup, "floor": to_floor}
    for name, first, best, goal, key in rows:
        verdict = _verdict(verdict_of[key], key) if key else ""
        if key in ("wall", "memory") and (args.people, args.months) != (20_000, 12):
            verdict = "(goal at 20,000 x 12)"
        best_text = "" if math.isnan(best) else f"{best:>9.2f}"
        print(f"{name:<52}{first:>9.2f}{best_text:>9}  {goal:>10}  {verdict}")
    print()
    print("details")
    print(f"  evaluate runs (s): {', '.join(f'{t:.3f}' for t in eng['times'])}")
    print(f"  checking runs (s): {', '.join(f'{t:.3f}' for t in eng['check_times'])}")
    print(
        f"  the scores frame ({eng['scores_rows']:,} rows) is built on first use: asked for "
        f"after the first round's timings, it took {eng['scores_time']:.3f} s and brought the "
        f"peak RSS to {eng['scores_hwm_mb']:.0f} MB"
    )
    print(
        f"  memory: RSS {eng['rss_before_mb']:.0f} MB before the first check (interpreter, "
        f"libraries, the raw frames); peak RSS during check + evaluate {eng['hwm_mb']:.0f} MB "
        f"(+{eng['hwm_mb'] - eng['rss_before_mb']:.0f} MB); getrusage ru_maxrss "
        f"{eng['maxrss_mb']:.0f} MB; tracemalloc peak of evaluate {eng['traced_peak_mb']:.0f} MB "
        "(Python and numpy allocations only; Arrow string buffers are not traced)"
    )
    if not eng["rss_reset"]:
        print("  (could not reset the peak RSS: it also counts building the data set)")
    print(
        f"  numpy floor (s): from the checked frames, codes included {floor_t:.3f} "
        f"(runs {', '.join(f'{t:.3f}' for t in eng['floor_times'])}); "
        f"from ready integer codes {min(eng['core_times']):.3f}"
    )
    if ref["people"] < args.people:
        print(
            f"  Python loop (one run, same process, after the first round): {loop_t:.2f} s = "
            f"reading the frames into dictionaries {ref['read']:.2f} s + payouts "
            f"{ref['time']:.2f} s, run on {ref['people']:,} people (whole teams) and "
            f"extrapolated linearly to {args.people:,}"
        )
    else:
        print(
            f"  Python loop (one run, same process, after the first round, all "
            f"{args.people:,} people): {loop_t:.2f} s = reading the frames into dictionaries "
            f"{ref['read']:.2f} s + payouts {ref['time']:.2f} s"
        )
    print(
        "  all three start from the same checked Dataset frames (text ids, months and metric "
        "names): evaluate looks them up by the codes the check made, the floor codes them "
        "itself, the loop reads them into dictionaries"
    )
    print()
    print(
        f"payout check vs the Python loop: {n_cmp:,} (person, quarter) pairs compared, "
        f"{n_bad} mismatched by a cent or more"
    )
    print(f"  composites differing by more than 1e-9: {comp_bad} (informational)")
    print(f"  numpy floor payouts differing from the engine's: {n_floor_bad} (informational)")
    if eng.get("profile"):
        print()
        print(eng["profile"])
    if n_bad:
        print("MISMATCH: the engine's payouts differ from the reference loop:", file=sys.stderr)
        for line in examples:
            print("  " + line, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
