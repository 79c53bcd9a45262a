"""Scoring a rate's empirical-Bayes estimate (``measure: {agg: ratio, shrink: true}``).

The prior is checked against an independent maximum-likelihood fit (scipy.stats.betabinom
and Nelder-Mead from another start), and the engine's shrunk values against that fit applied
by hand to period sums taken with pandas from the raw actuals.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from conftest import PLANS_DIR, SAMPLE_DIR
from scipy import optimize, stats

import perfkit
from perfkit import ebayes
from perfkit.diagnostics import ratio_table
from perfkit.errors import PlanError

ROLE, METRIC, PERIOD = "online_promotion", "ad_ctr", "2026Q3"


def _independent_prior(x: np.ndarray, n: np.ndarray) -> tuple[float, float]:
    """Beta-binomial maximum likelihood with scipy's own pmf, from a plain start."""

    def nll(z: np.ndarray) -> float:
        a, b = np.exp(z)
        return -float(stats.betabinom.logpmf(x, n, a, b).sum())

    res = optimize.minimize(nll, np.log([1.0, 1.0]), method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 20000})  # fmt: skip
    a, b = np.exp(res.x)
    return float(a), float(b)


def test_prior_matches_an_independent_fit():
    rng = np.random.default_rng(3)
    n = rng.integers(20, 400, size=60)
    p = rng.beta(4.0, 36.0, size=60)  # rates around 10%, spread beyond the binomial's
    x = rng.binomial(n, p)
    fit = ebayes.fit_beta_prior(x, n)
    a, b = _independent_prior(x, n)
    assert fit.mean == pytest.approx(a / (a + b), rel=1e-3)
    assert fit.a + fit.b == pytest.approx(a + b, rel=2e-2)
    # hand computation of the posterior mean with a given prior
    assert ebayes.shrink([3], [10], prior=ebayes.BetaPrior(2.0, 8.0))[0] == pytest.approx(0.25)


def test_usable_pairs():
    ok = ebayes.usable([1, 5, -1, 2, np.nan], [10, 4, 10, 0, 10])
    assert ok.tolist() == [True, False, False, False, False]
    with pytest.raises(ValueError, match="at least two"):
        ebayes.fit_beta_prior([1, 5], [10, 4])


def _shrinking(plan: perfkit.Plan) -> perfkit.Plan:
    metrics = [
        m.model_copy(update={"measure": m.measure.model_copy(update={"shrink": True})})
        if m.key == METRIC
        else m
        for m in plan.metrics
    ]
    return plan.model_copy(update={"metrics": metrics})


def _small_denominators(data: perfkit.Dataset, ids: list[str]) -> perfkit.Dataset:
    """The sample with a few people's clicks and impressions 20,000 times smaller (a few hundred impressions a quarter)."""
    actuals = data.actuals.copy()
    hit = actuals["employee_id"].isin(ids) & actuals["metric"].isin(["ad_clicks", "ad_impressions"])
    actuals.loc[hit, "value"] = np.round(actuals.loc[hit, "value"] / 20000.0)
    return dataclasses.replace(data, actuals=actuals)


@pytest.fixture(scope="module")
def setup():
    data = perfkit.load_dataset(SAMPLE_DIR)
    plan = perfkit.load_plans(PLANS_DIR)[ROLE]
    people = data.employees.loc[data.employees["role"] == ROLE, "employee_id"].tolist()
    small = people[:3]
    return _small_denominators(data, small), plan, small


def _period_sums(data: perfkit.Dataset) -> pd.DataFrame:
    months = [f"2026-{m:02d}" for m in (7, 8, 9)]
    a = data.actuals[data.actuals["period"].isin(months)]
    wide = a.pivot_table(index=["employee_id", "period"], columns="metric", values="value")
    both = wide[["ad_clicks", "ad_impressions"]].dropna()
    return both.groupby("employee_id").sum()


def test_engine_scores_the_shrunk_rate(setup):
    data, plan, small = setup
    raw = perfkit.evaluate(data, {ROLE: plan}, PERIOD).scores
    shrunk = perfkit.evaluate(data, {ROLE: _shrinking(plan)}, PERIOD).scores
    raw = raw[raw["metric"] == METRIC].set_index("employee_id")["actual"]
    got = shrunk[shrunk["metric"] == METRIC].set_index("employee_id")["actual"]

    sums = _period_sums(data).reindex(got.index)
    x, n = sums["ad_clicks"].to_numpy(), sums["ad_impressions"].to_numpy()
    assert np.allclose(raw.to_numpy(), x / n)  # the raw path is the plain ratio of sums
    a, b = _independent_prior(x, n)
    expected = (a + x) / (a + b + n)
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=2e-3)

    prior_mean = a / (a + b)
    move = (got - raw).abs()
    big = [i for i in got.index if i not in small]
    # small denominators move most of the way to the cohort; large ones barely move
    for i in small:
        assert abs(got[i] - prior_mean) < 0.5 * abs(raw[i] - prior_mean)
    assert move[big].max() < 1e-4
    assert move[small].max() > 10 * move[big].max()


def test_diagnostics_table_shows_what_the_plan_pays_on(setup):
    data, plan, _ = setup
    table = ratio_table(data, plan=plan, period=PERIOD)
    table = table[table["metric"] == METRIC].set_index("employee_id")
    scores = perfkit.evaluate(data, {ROLE: _shrinking(plan)}, PERIOD).scores
    scores = scores[scores["metric"] == METRIC].set_index("employee_id")
    common = table.index.intersection(scores.index)
    assert len(common) > 10
    np.testing.assert_allclose(scores.loc[common, "actual"], table.loc[common, "shrunk"], rtol=1e-9)
    np.testing.assert_allclose(
        scores.loc[common, "score"], table.loc[common, "shrunk_score"], rtol=1e-9
    )


def test_shrink_only_on_a_ratio(tmp_path):
    text = (PLANS_DIR / f"{ROLE}.yaml").read_text(encoding="utf-8")
    bad = text.replace(
        "measure: {agg: ratio, source: ad_clicks, denominator: ad_impressions}",
        "measure: {agg: ratio, source: ad_clicks, denominator: ad_impressions, shrink: true}",
    )
    assert bad != text
    (tmp_path / "ok").mkdir()
    (tmp_path / "bad").mkdir()
    (tmp_path / "ok" / f"{ROLE}.yaml").write_text(bad, encoding="utf-8")
    ok = perfkit.load_plan(tmp_path / "ok" / f"{ROLE}.yaml")
    assert next(m for m in ok.metrics if m.key == METRIC).measure.shrink
    wrong = text.replace(
        "measure: {agg: sum, source: leads}", "measure: {agg: sum, source: leads, shrink: true}"
    )
    assert wrong != text
    (tmp_path / "bad" / f"{ROLE}.yaml").write_text(wrong, encoding="utf-8")
    with pytest.raises(PlanError, match="shrink"):
        perfkit.load_plan(tmp_path / "bad" / f"{ROLE}.yaml")
