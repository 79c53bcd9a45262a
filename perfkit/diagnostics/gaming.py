"""Gaming: bunching just above a threshold, end-of-period spikes, slowing down after the cap."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from ..periods import parse_period
from ._context import RoleData, full_months
from ._core import Candidate

# -- bunching ---------------------------------------------------------------------------------
#: Person-periods needed, and distinct values (a count of a few, or a rating in halves, is
#: too coarse for a density test).
BUNCH_MIN_N, BUNCH_MIN_DISTINCT = 100, 0.3
#: "Just above": the window [c, c (1 + BUNCH_BAND)); the smooth density is fitted on
#: BUNCH_BINS bins of that width on each side, the window and the bin below it left out.
BUNCH_BAND, BUNCH_BINS = 0.03, 8
#: Relevant when the window holds at least this many times what the smooth density implies.
BUNCH_RATIO = 1.5
#: People landing in the window this often are named.
BUNCH_REPEAT = 3
#: The rddensity cross-check is run for windows whose excess-mass p-value is below this.
RDD_SCREEN = 0.01


def excess_mass_test(
    x: np.ndarray,
    cutoff: float,
    *,
    people: np.ndarray | None = None,
    band: float = BUNCH_BAND,
    bins: int = BUNCH_BINS,
) -> dict[str, float] | None:
    """Excess mass just above ``cutoff`` against a smooth counterfactual density.

    The bunching estimator of Chetty et al. (2011) and Kleven (2016): the values are
    binned in bins of width ``cutoff * band`` from ``bins`` bins below the cutoff to
    ``bins`` above; a Poisson regression of the counts on a quadratic in the bin centre,
    fitted without the window ``[c, c (1 + band))`` and the bin just below it (where the
    bunched people came from), predicts the window's count. The p-value is the chance of at
    least the observed count under a Poisson with that mean, averaged over the prediction's
    uncertainty (its log-normal interval, by Gauss-Hermite quadrature), so a sparse side
    does not make it overconfident.

    With ``people`` (the person of each value) the counts are treated as clumps: a person
    whose level barely moves lands in the same bin period after period, which is not
    bunching. The clump size ``k`` (sum of squared per-person bin counts over the counts,
    outside the window) divides the counts: the window holds ``ceil(observed / k)`` clumps
    against a Poisson mean of ``expected / k``, and the prediction's variance is ``k`` times
    the Poisson one (quasi-Poisson).

    Returns None when fewer than 30 values fall in the bins or the fit fails.
    """
    x = np.asarray(x, dtype=float)
    width = cutoff * band
    edges = cutoff + width * np.arange(-bins, bins + 1)
    counts, _ = np.histogram(x, bins=edges)
    if counts.sum() < 30:
        return None
    centre = (edges[:-1] + edges[1:]) / 2
    u = (centre - cutoff) / (width * bins)
    design = np.column_stack([np.ones_like(u), u, u * u])
    window = bins  # index of [c, c + width)
    fit_rows = np.ones(len(counts), dtype=bool)
    fit_rows[[window - 1, window]] = False
    fitted = poisson_regression(counts[fit_rows], design[fit_rows])
    if fitted is None:
        return None
    params, cov = fitted
    # a person's results are alike from period to period (a level metric moves little),
    # so counts come in clumps: the clump size is estimated outside the window, where
    # nothing is bunched, as sum of squared per-person counts over the counts
    clump = 1.0
    if people is not None:
        ids = np.asarray(people)
        bin_of = np.searchsorted(edges, x, side="right") - 1
        inside = (bin_of >= 0) & (bin_of < len(counts))
        outside = inside & fit_rows[np.clip(bin_of, 0, len(counts) - 1)]
        per = pd.Series(1, index=pd.MultiIndex.from_arrays([ids[outside], bin_of[outside]]))
        per = per.groupby(level=[0, 1]).sum().to_numpy(dtype=float)
        clump = max(1.0, float((per**2).sum() / per.sum())) if per.sum() > 0 else 1.0
    log_mu = float(design[window] @ params)
    se = float(np.sqrt(max(design[window] @ cov @ design[window] * clump, 0.0)))
    observed = int(counts[window])
    nodes, weights = np.polynomial.hermite_e.hermegauss(21)
    mu = np.exp(log_mu + se * nodes)
    clumps = int(np.ceil(observed / clump - 1e-9))
    p = float((stats.poisson.sf(clumps - 1, mu / clump) * weights).sum() / weights.sum())
    expected = float(np.exp(log_mu))
    return {
        "statistic": observed,
        "p_value": min(max(p, 0.0), 1.0),
        "just_above": observed,
        "expected_just_above": expected,
        "ratio": observed / expected if expected > 0 else np.inf,
        "window_width": width,
        "clump_size": clump,
    }


def poisson_regression(
    counts: np.ndarray, design: np.ndarray, *, iterations: int = 50
) -> tuple[np.ndarray, np.ndarray] | None:
    """Maximum-likelihood Poisson regression (log link) by Newton's method.

    The same fit as :class:`statsmodels.api.GLM` with a Poisson family (the tests compare
    them), written out because it runs dozens of times per role on a handful of bins.
    Returns the coefficients and their covariance (the inverse Fisher information), or
    None when the fit does not converge (e.g. every count 0).
    """
    y = np.asarray(counts, dtype=float)
    X = np.asarray(design, dtype=float)
    if y.sum() <= 0:
        return None
    beta = np.zeros(X.shape[1])
    beta[0] = np.log(y.mean())
    for _ in range(iterations):
        mu = np.exp(np.clip(X @ beta, -30, 30))
        info = X.T @ (mu[:, None] * X)
        try:
            step = np.linalg.solve(info, X.T @ (y - mu))
        except np.linalg.LinAlgError:
            return None
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            mu = np.exp(X @ beta)
            return beta, np.linalg.inv(X.T @ (mu[:, None] * X))
    return None


def density_test(x: np.ndarray, cutoff: float) -> dict[str, float] | None:
    """The rddensity test (Cattaneo, Jansson & Ma) of a density jump at ``cutoff``.

    Returns the jackknife t statistic (positive when the density is higher just above the
    cutoff), its one-sided p-value for "more mass just above", the two estimated densities
    and the bandwidths; None when the test cannot run (too few values on a side).
    """
    from ._libraries import rddensity

    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if (x < cutoff).sum() < 5 or (x >= cutoff).sum() < 5:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = rddensity(X=x, c=cutoff)
    except Exception:  # the estimator refuses degenerate samples; then there is no test
        return None
    t = float(res.test["t_jk"])
    if not np.isfinite(t):
        return None
    left, right = float(res.hat["left"]), float(res.hat["right"])
    return {
        "statistic": t,
        "p_value": float(stats.norm.sf(t)),
        "p_two_sided": float(res.test["p_jk"]),
        "density_below": left,
        "density_above": right,
        "ratio": right / left if left > 0 else np.inf,
        "bandwidth_below": float(res.h["left"]),
        "bandwidth_above": float(res.h["right"]),
    }


def _cutoffs(plan, metric) -> list[tuple[float, str, str]]:
    """Achievements where pay changes: each curve knot (threshold, target, stretch, tiers)
    and each gate on the metric, as ``(cutoff, name, name_zh)``."""
    points, _ = plan.curve_points(metric)
    xs = sorted({float(x) for x, _ in points if x > 0})
    names = {}
    if metric.threshold is not None:
        names[round(metric.achievement_of(metric.threshold), 9)] = ("the threshold", "门槛值")
    names[1.0] = ("the target", "目标值")
    if metric.stretch is not None:
        names[round(metric.achievement_of(metric.stretch), 9)] = ("the stretch", "挑战值")
    out = {round(x, 9): names.get(round(x, 9), ("a score tier", "得分档位")) for x in xs}
    for gate in plan.gates:
        if gate.metric == metric.key:
            out.setdefault(round(float(gate.min_achievement), 9), ("the gate", "准入门槛"))
    return [(c, en, zh) for c, (en, zh) in sorted(out.items())]


def bunching(data: RoleData) -> list[Candidate]:
    """Density discontinuity of achievement at each knot of each quantitative metric.

    Read over every evaluated period of the history (person-periods), so a few people who
    land just above a threshold quarter after quarter stand out.
    """
    plan = data.plan
    out = []
    s = data.scores
    for metric in plan.metrics:
        if metric.kind != "quantitative":
            continue
        rows = s[(s["metric"] == metric.key) & s["achievement"].notna()]
        x = rows["achievement"].to_numpy(dtype=float)
        if len(x) < BUNCH_MIN_N or len(np.unique(x)) < BUNCH_MIN_DISTINCT * len(x):
            continue
        for cutoff, where, where_zh in _cutoffs(plan, metric):
            test = excess_mass_test(x, cutoff, people=rows["employee_id"].to_numpy())
            if test is None:
                continue
            near = (x >= cutoff - 1e-9) & (x < cutoff * (1 + BUNCH_BAND))
            landed = rows.loc[near, "employee_id"].value_counts()
            named = sorted(landed.index[landed >= BUNCH_REPEAT].tolist())
            evidence = {
                "test": "excess mass above the cutoff (Poisson, smooth counterfactual)",
                "metric": metric.key,
                "cutoff": cutoff,
                "cutoff_name": where,
                "person_periods": len(x),
                "periods": len(data.periods),
            }
            evidence.update({k: v for k, v in test.items() if k not in ("p_value", "statistic")})
            if test["p_value"] < RDD_SCREEN:
                rdd = density_test(x, cutoff)
                if rdd is not None:
                    evidence.update(
                        rddensity_t=rdd["statistic"], rddensity_p=rdd["p_value"],
                        rddensity_ratio=rdd["ratio"],
                    )  # fmt: skip
            subject = {"role": plan.role, "employees": named} if named else {"role": plan.role}
            out.append(
                Candidate(
                    kind="threshold_bunching",
                    severity="high" if where in ("the threshold", "the gate") else "medium",
                    subject=subject,
                    evidence=evidence,
                    fix_args={
                        "metric": metric.key,
                        "where": where,
                        "where_zh": where_zh,
                        "cutoff": cutoff,
                        "excess": min(test["ratio"], 999.0),
                    },  # fmt: skip
                    p_value=test["p_value"],
                    relevant=test["ratio"] >= BUNCH_RATIO,
                    family=plan.role,
                )
            )
    return out


# -- end-of-period spikes ---------------------------------------------------------------------
#: Relevant from this many points of a period's volume above the role's last-month share;
#: high from the second.
SPIKE_RELEVANT, SPIKE_HIGH = 0.05, 0.10
#: A metric whose typical period total is below this is too coarse for shares.
SPIKE_MIN_TOTAL = 100
SPIKE_MIN_PERIODS = 4
#: Prior degrees of freedom of the pooled variance in the moderated t.
SPIKE_PRIOR_DF = 8


def last_month_shares(x: np.ndarray, full: np.ndarray, per: int) -> np.ndarray:
    """(people, periods) share of each period's volume in its last month.

    ``x`` and ``full`` are (people, months) with months a whole number of periods of ``per``
    months; a period is NaN unless the person was employed through all of it and its total
    is above 0.
    """
    n, m = x.shape
    q = x.reshape(n, m // per, per)
    ok = full.reshape(n, m // per, per).all(axis=2) & ~np.isnan(q).any(axis=2)
    total = np.nansum(q, axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = q[:, :, -1] / total
    return np.where(ok & (total > 0), share, np.nan)


def spikes(data: RoleData) -> list[Candidate]:
    with warnings.catch_warnings():  # people without a whole period give empty means
        warnings.simplefilter("ignore", RuntimeWarning)
        return _spikes(data)


def _spikes(data: RoleData) -> list[Candidate]:
    """End-of-period spikes per person and per team, against the role's own seasonality.

    For each summed metric: each person-period's share of volume in the period's last
    month, minus the median share of the role in that period (the department's seasonality
    and usual quarter-end lift). Per person: the mean excess over their periods, as a
    moderated t statistic (the person's own spread shrunk towards the role's pooled spread,
    one-sided). Per team: the team's mean excess per period, a one-sample t test across
    periods.
    """
    if data.dataset is None:
        return []
    plan = data.plan
    per = {"month": 1, "quarter": 3, "half": 6, "year": 12}[plan.period]
    if per < 2:
        return []
    end = data.period.last
    months_all = set(data.dataset.months)
    labels = []
    for p in data.periods:
        pp = parse_period(p)
        if pp.last <= end and all(m in months_all for m in pp.months):
            labels.extend(pp.months)
    if len(labels) < per * SPIKE_MIN_PERIODS:
        return []
    cur = data.current
    ids = cur["employee_id"].unique()
    teams = cur.set_index("employee_id")["team"].reindex(ids).to_numpy()
    full = full_months(data.dataset, ids, labels)
    out = []
    for source in sorted({m.measure.source for m in plan.metrics if m.measure.agg == "sum"}):
        x = data.monthly(ids, source, labels)
        share = last_month_shares(x, full, per)
        totals = np.nansum(x.reshape(len(ids), -1, per), axis=2)
        if np.nanmedian(np.where(np.isnan(share), np.nan, totals)) < SPIKE_MIN_TOTAL:
            continue
        expected = np.nanmedian(share, axis=0)  # the role's seasonality, robust to spikers
        d = share - expected[None, :]
        counts = (~np.isnan(d)).sum(axis=1)
        usable = counts >= SPIKE_MIN_PERIODS
        if usable.sum() < 5:
            continue
        mean = np.where(usable, np.nanmean(np.where(usable[:, None], d, np.nan), axis=1), np.nan)
        dev = d - mean[:, None]
        own = np.nansum(dev**2, axis=1)  # each person's sum of squares, counts - 1 df
        pooled = float(own[usable].sum() / (counts[usable] - 1).sum())
        # moderated t: each person's variance shrunk towards the role's pooled one with
        # SPIKE_PRIOR_DF prior degrees of freedom (Smyth's limma), t on the combined df
        df = SPIKE_PRIOR_DF + counts - 1
        var = (SPIKE_PRIOR_DF * pooled + own) / df
        z = mean / np.sqrt(var / np.maximum(counts, 1))
        p = stats.t.sf(z, df)
        role_share = float(np.nanmean(expected))
        person_share = np.nanmean(share, axis=1)
        relevant = usable & (mean >= SPIKE_RELEVANT)
        # the tests of people whose excess is too small to matter still count in the
        # correction, as one block; the few others become candidates of their own
        out.append(_block("quarter_end_spikes", p[usable & ~relevant], family=plan.role))
        for i in np.flatnonzero(relevant):  # the handful of people with a large excess
            out.append(
                Candidate(
                    kind="quarter_end_spikes",
                    severity="high" if mean[i] >= SPIKE_HIGH else "medium",
                    subject={"role": plan.role, "employees": [str(ids[i])]},
                    evidence={
                        "test": "moderated t, own spread shrunk to the role's (one-sided)",
                        "metric": source,
                        "last_month_share": person_share[i],
                        "role_last_month_share": role_share,
                        "excess": mean[i],
                        "statistic": z[i],
                        "periods": int(counts[i]),
                    },
                    fix_args={
                        "who": str(ids[i]),
                        "who_zh": str(ids[i]),
                        "share": person_share[i],
                        "expected": role_share,
                        "metric": source,
                    },  # fmt: skip
                    p_value=float(p[i]),
                    family=plan.role,
                )
            )
        frame = pd.DataFrame(d[usable], index=teams[usable])
        by_team = frame.groupby(level=0).mean()  # (teams, periods): the team's mean excess
        for team, row in by_team.iterrows():
            v = row.dropna().to_numpy()
            if len(v) < SPIKE_MIN_PERIODS or by_team.shape[0] < 2 or np.std(v) == 0:
                continue
            t, p_team = stats.ttest_1samp(v, 0.0, alternative="greater")
            members = int((teams[usable] == team).sum())
            out.append(
                Candidate(
                    kind="quarter_end_spikes",
                    severity="high" if v.mean() >= SPIKE_HIGH else "medium",
                    subject={"role": plan.role, "team": str(team)},
                    evidence={
                        "test": "one-sample t across periods (one-sided)",
                        "metric": source,
                        "excess": float(v.mean()),
                        "role_last_month_share": role_share,
                        "statistic": float(t),
                        "periods": len(v),
                        "members": members,
                    },
                    fix_args={
                        "who": f"Team {team}",
                        "who_zh": f"团队 {team} ",
                        "share": role_share + float(v.mean()),
                        "expected": role_share,
                        "metric": source,
                    },  # fmt: skip
                    p_value=float(p_team),
                    relevant=bool(v.mean() >= SPIKE_RELEVANT),
                    family=plan.role,
                )
            )
    return out


def _block(kind: str, p_values: np.ndarray, *, family: str) -> Candidate:
    """Tests that count in their family's correction but whose effect is too small to report."""
    return Candidate(
        kind=kind, severity="low", subject={}, evidence={}, p_value=np.asarray(p_values),
        relevant=False, family=family,
    )  # fmt: skip


# -- slowing down after the cap -----------------------------------------------------------------
SLOW_MIN = 10
SLOW_RELEVANT = 0.15


def slowdown(data: RoleData) -> list[Candidate]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _slowdown(data)


def _slowdown(data: RoleData) -> list[Candidate]:
    """Output in a period's last month once the stretch (top of the curve) was reached.

    For summed metrics with a stretch: person-periods whose volume before the last month
    already reached the stretch level (stretch achievement x the person's target) against
    the others. The outcome is the log ratio of the last month's volume to the person's own
    mean last month over the history (a person is compared with themselves, and months are
    independent of the earlier ones when nobody slows down); Welch's t test, one-sided.
    """
    if data.dataset is None:
        return []
    plan = data.plan
    per = {"month": 1, "quarter": 3, "half": 6, "year": 12}[plan.period]
    if per < 2:
        return []
    out = []
    s = data.scores
    for metric in plan.metrics:
        if metric.measure.agg != "sum" or metric.stretch is None or metric.direction != "higher":
            continue
        rows = s[(s["metric"] == metric.key) & s["target"].notna()]
        if rows.empty:
            continue
        ids = rows["employee_id"].unique()
        labels = [m for p in data.periods for m in parse_period(p).months]
        if not set(labels) <= set(data.dataset.months):
            continue
        x = data.monthly(ids, metric.measure.source, labels) * metric.measure.scale
        full = full_months(data.dataset, ids, labels)
        n = len(ids)
        q = x.reshape(n, -1, per)
        ok = full.reshape(n, -1, per).all(axis=2) & ~np.isnan(q).any(axis=2)
        target = (
            rows.pivot_table(index="employee_id", columns="period", values="target")
            .reindex(index=ids, columns=data.periods)
            .to_numpy()
        )
        level = target * metric.achievement_of(metric.stretch)
        capped = ok & (np.nansum(q[:, :, :-1], axis=2) >= level)
        last = np.log1p(np.where(ok, q[:, :, -1], np.nan))
        own = np.nanmean(last, axis=1, keepdims=True)
        outcome = last - own
        a = outcome[capped & ~np.isnan(outcome)]
        b = outcome[ok & ~capped & ~np.isnan(outcome)]
        if len(a) < SLOW_MIN or len(b) < SLOW_MIN:
            continue
        t, p = stats.ttest_ind(a, b, equal_var=False, alternative="less")
        drop = float(1 - np.exp(a.mean() - b.mean()))
        out.append(
            Candidate(
                kind="slowdown_after_cap",
                severity="medium",
                subject={"role": plan.role},
                evidence={
                    "test": "Welch t (one-sided)",
                    "metric": metric.key,
                    "statistic": float(t),
                    "capped_periods": len(a),
                    "other_periods": len(b),
                    "drop": drop,
                },
                fix_args={"metric": metric.key, "drop": drop},
                p_value=float(p),
                relevant=drop >= SLOW_RELEVANT,
                family=plan.role,
            )
        )
    return out
