"""The independent reference engine (tests/reference_engine.py) pays what perfkit.evaluate pays.

The reference is a plain per-person loop written from docs/engine.md. Both engines must pay
every (person, period) the same to the cent, on the sample data and on the worked example,
for every role and several period kinds; either being off by a cent fails.
"""

from __future__ import annotations

import ast
import math
from datetime import date

import pytest
from conftest import PLANS_DIR, ROOT, SAMPLE_DIR
from reference_engine import Paid, evaluate_reference, is_whole, metric_value

from perfkit import evaluate
from perfkit.io import TABLES, Dataset, load_dataset
from perfkit.periods import parse_period
from perfkit.plans import load_plans

WORKED_EXAMPLE_DIR = ROOT / "data" / "worked_example"

#: quarters, a half, a month and a year: every target roll-up, default scaling and baseline
SAMPLE_PERIODS = ["2025Q4", "2026Q1", "2026Q3", "2026H1", "2026-02", "2025"]
WORKED_PERIODS = ["2026Q3", "2026Q2", "2026-07", "2026-09"]


@pytest.fixture(scope="module")
def plans():
    return load_plans(PLANS_DIR)


def mismatches(results, expected: dict[tuple[str, str], Paid]) -> list[str]:
    """Every (person, period) paid differently by a cent or more, or present on one side only.

    Also a composite differing by more than 1e-9, or a different gate verdict.
    """
    got = {
        (str(e), str(p)): (float(a), float(c), bool(g))
        for e, p, a, c, g in zip(
            results["employee_id"],
            results["period"],
            results["payout_amount"],
            results["composite"],
            results["gate_passed"],
            strict=True,
        )
    }
    bad = []
    for key in sorted(set(got) | set(expected)):
        if key not in got or key not in expected:
            bad.append(f"{key}: only in {'the engine' if key in got else 'the reference'}")
            continue
        amount, composite, gate = got[key]
        ref = expected[key]
        if round(amount * 100) != round(ref.amount * 100):
            bad.append(f"{key}: engine pays {amount:.2f}, the reference {ref.amount:.2f}")
        both_nan = math.isnan(composite) and math.isnan(ref.composite)
        if not both_nan and not abs(composite - ref.composite) <= 1e-9:
            bad.append(f"{key}: composite {composite!r} vs {ref.composite!r}")
        if gate != ref.gate_passed:
            bad.append(f"{key}: gate {gate} vs {ref.gate_passed}")
    return bad


def _check(dataset, plans, periods):
    ev = evaluate(dataset, plans, periods)
    expected = evaluate_reference(dataset, plans, periods)
    bad = mismatches(ev.results, expected)
    assert not bad, f"{len(bad)} differences, first: " + "; ".join(bad[:10])
    return ev


def test_the_reference_is_independent_of_the_engine():
    """It may read plan models and period labels, never the engine's modules."""
    tree = ast.parse((ROOT / "tests" / "reference_engine.py").read_text(encoding="utf-8"))
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            used |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            used.add(node.module or "")
    perfkit = {m for m in used if m.split(".")[0] == "perfkit"}
    assert perfkit <= {"perfkit.plans", "perfkit.periods"}, perfkit
    assert not used & {"numpy", "pandas"}


def test_sample_every_role_and_period_kind(plans):
    ds = load_dataset(SAMPLE_DIR)
    ev = _check(ds, plans, SAMPLE_PERIODS)
    res = ev.results
    assert set(res["role"]) == set(plans)  # every role of the templates
    assert set(res["period"]) == {parse_period(p).label for p in SAMPLE_PERIODS}
    assert (res["payout_amount"] > 0).sum() > 500  # real money, not a sea of zeros
    notes = ev.scores["note"]
    for note in ("partial baseline", "partial current period", "no baseline"):
        assert notes.str.contains(note).any(), note  # the growth rules are exercised


def test_worked_example_several_periods(plans):
    ev = _check(load_dataset(WORKED_EXAMPLE_DIR), plans, WORKED_PERIODS)
    paid = ev.results.set_index(["employee_id", "period"])["payout_amount"]
    assert paid[("E0101", "2026Q3")] == pytest.approx(16027.19)  # docs/worked_example.md


def test_sample_with_rows_missing_at_random(plans, rng):
    """Gaps: ratios over mismatched months, growth periods made partial by a missing month."""
    ds = load_dataset(SAMPLE_DIR)
    frames = {name: getattr(ds, name) for name in TABLES}
    act = frames["actuals"]
    frames["actuals"] = act[rng.random(len(act)) >= 0.05].reset_index(drop=True)
    ds = Dataset.from_frames(**frames, source="sample, 5% of actuals rows dropped")
    ev = _check(ds, plans, ["2025Q4", "2026Q3", "2026H1"])
    assert ev.scores["note"].str.contains("partial current period").sum() > 20


def test_a_cent_off_either_way_is_caught(plans):
    ds = load_dataset(WORKED_EXAMPLE_DIR)
    results = evaluate(ds, plans, "2026Q3").results
    expected = evaluate_reference(ds, plans, "2026Q3")
    assert mismatches(results, expected) == []
    key = ("E0101", "2026Q3")
    for cents in (-1, 1):
        p = expected[key]
        shifted = {**expected, key: Paid(p.amount + cents / 100, p.composite, p.gate_passed, 0)}
        assert len(mismatches(results, shifted)) == 1
    assert len(mismatches(results, {k: v for k, v in expected.items() if k != key})) == 1


# -- the two newest rules, by hand, on the reference itself --------------------------------


def _person(months, hire=date(2020, 1, 1), leave=None):
    return {"id": "E1", "hire": hire, "leave": leave, "months": months, "ratings": {}}


def test_ratio_sums_only_the_months_holding_both(plans):
    """docs/engine.md: 20 clicks of 1,000 impressions in July plus 20 clicks in an August
    without an impressions row is 20 / 1,000 = 0.02, not 0.04."""
    ctr = plans["online_promotion"].metric("ad_ctr")
    person = _person(
        {"2026-07": {"ad_clicks": 20.0, "ad_impressions": 1000.0}, "2026-08": {"ad_clicks": 20.0}}
    )
    assert metric_value(person, ctr, parse_period("2026Q3")) == pytest.approx(0.02)
    assert (
        metric_value(_person({"2026-08": {"ad_clicks": 20.0}}), ctr, parse_period("2026Q3")) is None
    )


def test_growth_compares_whole_periods_only(plans):
    growth = plans["online_promotion"].metric("traffic_growth")  # same period last year
    q3 = parse_period("2026Q3")
    full = {m: {"web_unique_visitors": 100.0} for m in q3.months + q3.same_last_year().months}
    assert metric_value(_person(full), growth, q3) == pytest.approx(0.0)
    joined = _person(full, hire=date(2025, 7, 16))  # baseline holds only part of 2025Q3
    assert not is_whole(joined, q3.same_last_year(), "web_unique_visitors")
    assert metric_value(joined, growth, q3) is None
    left = _person(full, leave=date(2026, 9, 29))  # current quarter partial
    assert not is_whole(left, q3, "web_unique_visitors")
    assert metric_value(left, growth, q3) is None
    gap = {k: v for k, v in full.items() if k != "2025-08"}  # a baseline month missing
    assert metric_value(_person(gap), growth, q3) is None
