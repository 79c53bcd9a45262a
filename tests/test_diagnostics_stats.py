"""Each statistic of perfkit.diagnostics on small cases: by hand, or against the library it
wraps (scipy, statsmodels, rddensity)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from perfkit.diagnostics import _core, competition, fairness, gaming, leniency, shrinkage, structure


def test_gini_by_hand():
    assert _core.gini([1, 1, 1, 1]) == 0.0
    assert _core.gini([0, 0, 0, 1]) == pytest.approx(0.75)  # (2*4 - 4 - 1) * 1 / (4 * 1)
    # sorted 1..4: (-3*1 - 1*2 + 1*3 + 3*4) / (4 * 10) = 10 / 40
    assert _core.gini([4, 1, 3, 2]) == pytest.approx(0.25)
    assert _core.gini([0, 0]) == 0.0


def test_holm_is_statsmodels_multipletests(rng):
    from statsmodels.stats.multitest import multipletests

    for m in (1, 3, 17, 60):
        p = rng.uniform(0, 0.02, m) ** rng.uniform(0.5, 2, m)
        reject, adjusted = _core.holm(p, 0.01)
        ref_reject, ref_adjusted, _, _ = multipletests(p, alpha=0.01, method="holm")
        np.testing.assert_array_equal(reject, ref_reject)
        np.testing.assert_allclose(adjusted, ref_adjusted)
    # by hand: 0.01, 0.04, 0.03 -> x3, x1 after sorting (0.01*3, 0.03*2, 0.04*1) -> monotone
    _, adj = _core.holm([0.01, 0.04, 0.03], 0.05)
    np.testing.assert_allclose(adj, [0.03, 0.06, 0.06])


def test_select_corrects_within_families_and_needs_relevance():
    def cand(p, family="a", relevant=True):
        return _core.Candidate(
            kind="slowdown_after_cap", severity="medium",
            subject={"role": "r"}, evidence={}, fix_args={"metric": "m", "drop": 0.2},
            p_value=p, relevant=relevant, family=family,
        )  # fmt: skip

    # family "a" holds 4 tests, Holm at 0.05 / 2 families = 0.025: 0.006 <= 0.025 / 4 is
    # rejected, then 0.009 > 0.025 / 3 stops the step-down
    found = _core.select(
        [cand(0.006), cand(0.009), cand(0.5), cand(np.array([0.9])), cand(0.001, "b", False)],
        alpha=0.05, n_families=2,
    )  # fmt: skip
    assert len(found) == 1 and found[0].evidence["p_value"] == 0.006
    assert found[0].evidence["p_adjusted"] == pytest.approx(0.006 * 4 * 2)
    assert found[0].evidence["family_tests"] == 4


def test_kruskal_is_scipy_with_epsilon_squared(rng):
    values = rng.normal(0, 1, 30) + np.repeat([0.0, 0.5, 1.0], 10)
    groups = np.repeat(["a", "b", "c"], 10)
    got = fairness.kruskal(values, groups)
    h, p = stats.kruskal(values[:10], values[10:20], values[20:])
    assert got["statistic"] == pytest.approx(h) and got["p_value"] == pytest.approx(p)
    assert got["effect"] == pytest.approx(h / 29)
    # a group smaller than MIN_GROUP is left out
    got = fairness.kruskal(np.append(values, 9.0), np.append(groups, "d"))
    assert got["groups"] == 3 and got["statistic"] == pytest.approx(h)


def test_band_test_statistic_is_scipy_and_its_p_valid(rng):
    guide = np.array([0.05, 0.2, 0.5, 0.2, 0.05])
    counts = np.array([4, 8, 12, 9, 2])
    got = fairness.band_test(counts, guide, seed=1)
    ref = stats.chisquare(counts, counts.sum() * guide)
    assert got["statistic"] == pytest.approx(ref.statistic)
    assert got["effect"] == pytest.approx(np.sqrt(ref.statistic / counts.sum()))
    # with many people the chi-square distribution holds: the simulated p agrees
    big = np.array([130, 420, 950, 400, 100])
    assert fairness.band_test(big, guide)["p_value"] == pytest.approx(
        stats.chisquare(big, big.sum() * guide).pvalue, abs=0.01
    )
    # drawn from the guideline itself, it rejects at most about 5% of the time
    draws = rng.multinomial(35, guide, size=200)
    p = np.array(
        [
            fairness.band_test(d, guide, simulations=999, seed=i)["p_value"]
            for i, d in enumerate(draws)
        ]
    )
    assert (p <= 0.05).mean() <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / 200)


def test_variance_shares_by_hand():
    x = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    np.testing.assert_allclose(structure.variance_shares(x), [1.0, 0.0])
    # equal, independent-looking parts share equally; they always add up to 1
    x = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0], [0.0, 0.0]])
    shares = structure.variance_shares(x)
    np.testing.assert_allclose(shares.sum(), 1.0)
    np.testing.assert_allclose(shares, [0.5, 0.5])


def test_team_statistics_by_hand(rng):
    # a fixed total split two ways: the team total never moves
    x = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    assert competition.variance_ratio(x) == pytest.approx(0.0)
    x = rng.normal(0, 1, (6, 20))
    corr = np.corrcoef(x)
    mean_pair = corr[np.triu_indices(6, 1)].mean()
    assert competition.mean_pairwise_correlation(x) == pytest.approx(mean_pair)
    rest = [np.corrcoef(x[i], x.sum(axis=0) - x[i])[0, 1] for i in range(6)]
    np.testing.assert_allclose(competition.rest_correlations(x), rest)
    total = x.sum(axis=0).var()
    assert competition.variance_ratio(x) == pytest.approx(total / x.var(axis=1).sum())


def test_zero_sum_p_value_is_calibrated_and_close_to_the_permutation_count(rng):
    # independent members: p-values are not too small
    p = np.array(
        [
            competition.permutation_p(rng.normal(10, 1, (8, 24)), permutations=499, seed=i)[0]
            for i in range(200)
        ]
    )
    assert (p <= 0.05).mean() <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / 200)
    # a moderate negative dependence: the gamma tail is close to the count of shuffles
    base = rng.normal(10, 1, (8, 24))
    x = base - 0.25 * (base.sum(axis=0) - base.sum(axis=0).mean()) / 8
    p_gamma, _, p_count = competition.permutation_p(x, permutations=9999, seed=0)
    assert p_count > 0.001 and p_gamma == pytest.approx(p_count, rel=0.5)


def test_poisson_regression_is_statsmodels_glm(rng):
    import statsmodels.api as sm

    u = np.linspace(-1, 1, 14)
    X = np.column_stack([np.ones_like(u), u, u * u])
    y = rng.poisson(np.exp(2 + 0.5 * u - 0.3 * u * u))
    params, cov = gaming.poisson_regression(y, X)
    ref = sm.GLM(y, X, family=sm.families.Poisson()).fit()
    np.testing.assert_allclose(params, ref.params, rtol=1e-7)
    np.testing.assert_allclose(cov, ref.cov_params(), rtol=1e-5)
    assert gaming.poisson_regression(np.zeros(5), X[:5]) is None


def test_excess_mass_finds_a_bunch_and_is_quiet_on_smooth_data(rng):
    x = rng.normal(1.0, 0.15, 400)
    bunched = np.r_[x, rng.uniform(0.8, 0.82, 30)]
    got = gaming.excess_mass_test(bunched, 0.8)
    assert got["p_value"] < 1e-6 and got["ratio"] > 3
    # the count in the window by hand
    assert got["just_above"] == int(((bunched >= 0.8) & (bunched < 0.824)).sum())
    p = np.array(
        [gaming.excess_mass_test(rng.normal(1.0, 0.15, 400), 0.8)["p_value"] for _ in range(300)]
    )
    assert (p <= 0.05).mean() <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / 300)


def test_excess_mass_counts_a_person_who_stays_put_once(rng):
    # 60 people, 8 periods each, levels that barely move: landings repeat, bunching does not
    level = rng.normal(1.0, 0.12, 60)
    x = (level[:, None] + rng.normal(0, 0.004, (60, 8))).ravel()
    people = np.repeat(np.arange(60), 8)
    loose = gaming.excess_mass_test(x, 0.9)
    clumped = gaming.excess_mass_test(x, 0.9, people=people)
    assert clumped["clump_size"] > 3
    assert clumped["p_value"] >= loose["p_value"]


def test_density_test_wraps_rddensity(rng):
    from rddensity import rddensity

    x = np.r_[rng.normal(1.0, 0.2, 500), rng.uniform(0.8, 0.83, 60)]
    got = gaming.density_test(x, 0.8)
    ref = rddensity(X=x, c=0.8)
    assert got["statistic"] == pytest.approx(float(ref.test["t_jk"]))
    assert got["p_value"] == pytest.approx(stats.norm.sf(float(ref.test["t_jk"])))
    assert got["p_two_sided"] == pytest.approx(float(ref.test["p_jk"]))
    assert got["statistic"] > 2


def test_last_month_shares_by_hand():
    x = np.array([[1.0, 1.0, 2.0, 3.0, 3.0, 4.0], [1.0, 1.0, 1.0, 0.0, 0.0, 0.0]])
    full = np.ones_like(x, dtype=bool)
    full[0, 3] = False  # not employed all month: that quarter does not count
    got = gaming.last_month_shares(x, full, 3)
    np.testing.assert_allclose(got, [[0.5, np.nan], [1 / 3, np.nan]])


def test_beta_prior_and_shrinkage(rng):
    # by hand: Beta(2, 8), 3 of 10 -> (2 + 3) / (2 + 8 + 10)
    prior = shrinkage.BetaPrior(2.0, 8.0)
    assert shrinkage.shrink([3], [10], prior=prior)[0] == pytest.approx(0.25)
    assert prior.mean == pytest.approx(0.2)
    # the fit maximises the beta-binomial likelihood (scipy's pmf): no nearby prior does better
    p = rng.beta(4.0, 36.0, 300)
    n = rng.integers(20, 400, 300)
    x = rng.binomial(n, p)
    fit = shrinkage.fit_beta_prior(x, n)

    def loglik(a, b):
        return stats.betabinom.logpmf(x, n, a, b).sum()

    best = loglik(fit.a, fit.b)
    for da, db in ((1.05, 1.0), (0.95, 1.0), (1.0, 1.05), (1.0, 0.95), (1.05, 1.05), (0.95, 0.95)):
        assert best >= loglik(fit.a * da, fit.b * db) - 1e-6
    assert fit.mean == pytest.approx(0.1, abs=0.01)
    shrunk = shrinkage.shrink(x, n, prior=fit)
    # small denominators move most, towards the prior mean
    gap = np.abs(shrunk - x / n)
    assert gap[n < 50].mean() > gap[n > 300].mean()
    with pytest.raises(ValueError):
        shrinkage.fit_beta_prior([1], [10])


def test_shrink_effects_by_hand():
    # DerSimonian-Laird: effects 2, -2, 0 with se 1: Q = 8, tau^2 = (8 - 2) / (3 - 1) = 3
    shrunk, sd, tau = leniency.shrink_effects(np.array([2.0, -2.0, 0.0]), np.ones(3))
    assert tau == pytest.approx(np.sqrt(3))
    np.testing.assert_allclose(shrunk, [1.5, -1.5, 0.0])
    np.testing.assert_allclose(sd, np.sqrt(0.75))
    # no spread beyond the noise: everything shrinks to 0
    shrunk, _, tau = leniency.shrink_effects(np.array([1.0, -1.0, 0.0]), np.ones(3))
    assert tau == 0.0 and np.allclose(shrunk, 0.0)


def test_rater_effects_match_statsmodels_formula_fit(rng):
    import statsmodels.formula.api as smf

    raters = np.array(["R1", "R2", "R3", "R4", "R5"])
    offset = {"R1": 0.0, "R2": 0.0, "R3": 0.7, "R4": 0.0, "R5": -0.1}
    people = np.repeat([f"P{i:02d}" for i in range(40)], 6)
    rater = raters[np.repeat(np.arange(40) % 5, 6)]
    trait = np.repeat(rng.normal(0, 0.3, 40), 6)
    quant = rng.normal(0, 0.2, len(people))
    rating = 3.4 + 1.5 * quant + trait + pd.Series(rater).map(offset).to_numpy()
    rating = rating + rng.normal(0, 0.3, len(people))
    rows = pd.DataFrame(
        {"employee_id": people, "role": "r", "quant": quant, "rating": rating, "rater_id": rater}
    )
    got = leniency.rater_effects(rows).set_index("rater_id")
    ref = smf.mixedlm("rating ~ quant + C(rater_id, Sum)", rows, groups="employee_id").fit(
        reml=True
    )
    coef = ref.fe_params.filter(like="C(rater_id")
    expected = np.r_[coef.to_numpy(), -coef.sum()]
    np.testing.assert_allclose(got["raw_effect"].to_numpy(), expected, atol=1e-4)
    # the planted offset is recovered against the average rater (0.7 - mean 0.12)
    assert got.loc["R3", "raw_effect"] == pytest.approx(0.58, abs=0.2)
    assert got.loc["R3", "p_value"] < 1e-3
    assert (got["effect"].abs() <= got["raw_effect"].abs() + 1e-12).all()
    assert got["ratings"].sum() == len(rows)


def test_gini_rows_is_gini_per_row(rng):
    x = rng.uniform(0, 2, (5, 7))
    np.testing.assert_allclose(_core.gini_rows(x), [_core.gini(r) for r in x])
