"""From composite scores to money: payout curve, individual and team components, caps,
discretionary modifier, proration, cent rounding and a plain-language explanation per line.

Array functions (:func:`payout_curve`, :func:`team_result`, :func:`payout_pcts`,
:func:`round_cents`) are the fast path calibration uses; :func:`compute_payouts` does the
same on a frame of people. The rules, with formulas, are in ``docs/engine.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError, PlanError
from .metrics import codes_against
from .plans import PayoutCurve, Plan
from .scoring import KNOT_TOLERANCE, achievement, curve_score

TIER_NONE = "no composite"
TIER_BELOW = "below threshold"
TIER_LOW = "threshold to target"
TIER_TARGET = "on target"
TIER_ACCEL = "accelerator"
TIER_FLAT = "at or above stretch"
TIER_CAPPED = "capped"


# -- the curve ---------------------------------------------------------------------------


def curve_points(curve: PayoutCurve) -> tuple[tuple[float, float], ...]:
    """The payout curve as ``(composite, payout)`` points for :func:`perfkit.scoring.curve_score`.

    ``(threshold, 0), (threshold, threshold_payout), (target, target_payout),
    (stretch, stretch_payout)``: 0 below the threshold, a jump at it, linear to the target,
    the accelerator to the stretch, flat beyond.
    """
    return (
        (curve.threshold, 0.0),
        (curve.threshold, curve.threshold_payout),
        (curve.target, curve.target_payout),
        (curve.stretch, curve.stretch_payout),
    )


def payout_curve(composite: Any, curve: PayoutCurve) -> np.ndarray:
    """Payout as a share of target bonus for each composite, never above ``curve.cap``.

    Parameters
    ----------
    composite : array-like of float
    curve : PayoutCurve

    Returns
    -------
    numpy.ndarray of float
        0 for NaN composites (nothing can be paid on a missing score).
    """
    c = np.asarray(composite, dtype=np.float64)
    out = np.minimum(curve_score(c, curve_points(curve)), curve.cap)
    return np.where(np.isnan(out), 0.0, out)


def payout_tier(composite: Any, curve: PayoutCurve) -> np.ndarray:
    """Where each composite sits on the payout curve (for explanations).

    Returns
    -------
    numpy.ndarray of object
        ``"no composite"``, ``"below threshold"``, ``"threshold to target"``, ``"on target"``
        (within :data:`~perfkit.scoring.KNOT_TOLERANCE` of it), ``"accelerator"``,
        ``"at or above stretch"`` or ``"capped"`` (the curve value was cut to ``curve.cap``).
    """
    c = np.asarray(composite, dtype=np.float64)
    t = c + KNOT_TOLERANCE
    raw = curve_score(c, curve_points(curve))
    tier = np.select(
        [
            np.isnan(c),
            t < curve.threshold,
            t < curve.target,
            np.abs(c - curve.target) <= KNOT_TOLERANCE,
            t < curve.stretch,
        ],
        [TIER_NONE, TIER_BELOW, TIER_LOW, TIER_TARGET, TIER_ACCEL],
        TIER_FLAT,
    ).astype(object)
    capped = ~np.isnan(raw) & (raw > curve.cap + KNOT_TOLERANCE)
    return np.where(capped, TIER_CAPPED, tier)


# -- team result -------------------------------------------------------------------------


def team_result(
    group: Any,
    *,
    plan: Plan,
    composite: Any = None,
    actual: Any = None,
    target: Any = None,
    achievements: Any = None,
) -> np.ndarray:
    """The team result of each person's team, on the composite scale.

    Parameters
    ----------
    group : array-like of int (n,)
        Team-and-period code of each person; people of one team in one period share a code.
    plan : Plan
        Its ``payout.team_measure`` says what the team result is.
    composite : array-like (n,)
        Needed when ``team_measure`` is ``composite``: the result is the mean composite of
        the group's members with a composite.
    actual, target, achievements : array-like (n,)
        The team-measure metric's values, needed when ``team_measure`` names a metric: for a
        ``sum`` metric the pooled achievement (sum of actuals over sum of targets of the
        members with an actual) when ``actual`` and ``target`` are given, otherwise the mean
        achievement of members with one; either way it is then scored on the metric's own
        curve, which puts it on the composite scale.

    Returns
    -------
    numpy.ndarray (n,)
        NaN where no member of the group has a result.
    """
    g = np.asarray(group, dtype=np.int64)
    size = int(g.max()) + 1 if len(g) else 0
    measure = plan.payout.team_measure
    if measure == "composite":
        if composite is None:
            raise PlanError(f"plan {plan.role}: a composite team measure needs composites")
        return _group_mean(g, np.asarray(composite, dtype=np.float64), size)
    m = plan.metric(measure)
    pts, step = plan.curve_points(m)
    if m.measure.agg == "sum" and actual is not None and target is not None:
        a = np.asarray(actual, dtype=np.float64)
        t = np.asarray(target, dtype=np.float64)
        ok = np.isfinite(a) & np.isfinite(t) & (t > 0)
        sa = np.bincount(g[ok], weights=a[ok], minlength=size)
        st = np.bincount(g[ok], weights=t[ok], minlength=size)
        pooled = achievement(sa, np.where(st > 0, st, np.nan), m.direction)
        return curve_score(pooled, pts, step=step)[g]
    if achievements is None:
        raise PlanError(
            f"plan {plan.role}: team measure {measure!r} needs the members' achievements"
        )
    mean = _group_mean(g, np.asarray(achievements, dtype=np.float64), size)
    return curve_score(mean, pts, step=step)


def _group_mean(g: np.ndarray, x: np.ndarray, size: int) -> np.ndarray:
    ok = np.isfinite(x)
    s = np.bincount(g[ok], weights=x[ok], minlength=size)
    c = np.bincount(g[ok], minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(c > 0, s / np.maximum(c, 1), np.nan)
    return mean[g]


# -- percentages and money ---------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PayoutArrays:
    """Payout shares of ``n`` person-periods under one plan.

    Attributes
    ----------
    individual_curve, team_curve : numpy.ndarray
        Payout curve value of the person's composite and of the team result.
    individual_pct, team_pct : numpy.ndarray
        The components as shares of target bonus: ``(1 - team_share) x individual_curve``
        and ``team_share x team_curve`` (0 when nothing is paid).
    before_cap : numpy.ndarray
        ``(individual_pct + team_pct) x modifier``.
    payout_pct : numpy.ndarray
        ``min(before_cap, person_cap)``.
    paid : numpy.ndarray of bool
        False where the composite is missing or a gate failed.
    """

    individual_curve: np.ndarray
    team_curve: np.ndarray
    individual_pct: np.ndarray
    team_pct: np.ndarray
    before_cap: np.ndarray
    payout_pct: np.ndarray
    paid: np.ndarray


def payout_pcts(
    composite: Any,
    *,
    plan: Plan,
    team_result: Any = None,
    gate_passed: Any = True,
    modifier: Any = 1.0,
) -> PayoutArrays:
    """Payout as a share of the period target bonus (the array fast path).

    Parameters
    ----------
    composite : array-like (n,)
    plan : Plan
    team_result : array-like (n,), optional
        On the composite scale (see :func:`team_result`); NaN or omitted pays no team component.
    gate_passed : array-like of bool (n,) or bool
    modifier : array-like (n,) or float
        Discretionary multiplier, applied to the sum of the components.

    Returns
    -------
    PayoutArrays
    """
    c = np.asarray(composite, dtype=np.float64)
    share = plan.payout.team_share
    curve = plan.payout.curve
    tr = np.full(c.shape, np.nan) if team_result is None else np.asarray(team_result, np.float64)
    paid = ~np.isnan(c) & np.broadcast_to(np.asarray(gate_passed, dtype=bool), c.shape)
    ind_curve = payout_curve(c, curve)
    team_curve = payout_curve(tr, curve)
    ind = np.where(paid, (1.0 - share) * ind_curve, 0.0)
    team = np.where(paid, share * team_curve, 0.0)
    before = (ind + team) * np.asarray(modifier, dtype=np.float64)
    return PayoutArrays(
        individual_curve=ind_curve,
        team_curve=team_curve,
        individual_pct=ind,
        team_pct=team,
        before_cap=before,
        payout_pct=np.minimum(before, plan.payout.person_cap),
        paid=paid,
    )


def round_cents(amount: Any) -> np.ndarray:
    """Round non-negative money amounts half-up to cents, as the decimals print.

    ``x * 100`` is first rounded to 6 decimals so binary noise cannot decide the cent
    (``2.675`` is stored as ``2.67499999...``; written as a decimal it is a half): 0.125 ->
    0.13, 2.675 -> 2.68, 1.005 -> 1.01. Then half-up: ``floor(x * 100 + 0.5) / 100``.

    Returns
    -------
    numpy.ndarray of float
    """
    x = np.asarray(amount, dtype=np.float64)
    cents = np.floor(np.round(x * 100.0, 6) + 0.5)
    return cents / 100.0


def total_amount(amounts: Any) -> float:
    """Sum of rounded amounts, exact to the cent (summed as integer cents)."""
    a = np.asarray(amounts, dtype=np.float64)
    a = a[~np.isnan(a)]
    return int(np.rint(a * 100.0).astype(np.int64).sum()) / 100.0


def period_target_bonus(annual_target_bonus: Any, months: int) -> np.ndarray:
    """Target bonus for a period of ``months``: ``annual x months / 12`` (not rounded)."""
    return np.asarray(annual_target_bonus, dtype=np.float64) * months / 12.0


def check_modifiers(
    modifier: np.ndarray,
    row: np.ndarray,
    *,
    plan: Plan,
    employee_ids: np.ndarray,
    period: np.ndarray,
) -> None:
    """Raise DataError naming the first modifier outside the plan's bounds.

    Parameters
    ----------
    modifier : numpy.ndarray (n,)
        Modifier of each person-period (1.0 where none was given).
    row : numpy.ndarray (n,)
        Row of the modifiers file each came from (-1 where none was given).
    """
    lo, hi = plan.payout.modifier_min, plan.payout.modifier_max
    bad = (row >= 0) & ~((modifier >= lo - KNOT_TOLERANCE) & (modifier <= hi + KNOT_TOLERANCE))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"modifiers, data row {int(row[i]) + 1} (employee_id {employee_ids[i]}, period "
            f"{period[i]}): modifier {modifier[i]:g} is outside plan {plan.role}'s bounds "
            f"{lo:g} to {hi:g}; set it within the bounds or change payout.modifier_min/max"
        )


def lookup_modifiers(
    modifiers: pd.DataFrame | None, employee_ids: Any, periods: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Modifier of each (employee_id, period) pair and the modifiers-file row it came from.

    Only exact period labels match (a modifier for ``2026Q3`` applies to the ``2026Q3``
    evaluation only). Absent pairs get 1.0 and row -1.

    Returns
    -------
    modifier : numpy.ndarray of float (n,)
    row : numpy.ndarray of int (n,)
        0-based row of the modifiers frame, -1 where none was given.

    Raises
    ------
    DataError
        If a pair that is evaluated appears twice in the modifiers file, or its modifier is
        not a finite number.
    """
    ids = pd.Series(np.asarray(employee_ids, dtype=object)).astype(str)
    per = pd.Series(np.asarray(periods, dtype=object)).astype(str)
    n = len(ids)
    mod = np.ones(n)
    row = np.full(n, -1, dtype=np.int64)
    if modifiers is None or len(modifiers) == 0 or n == 0:
        return mod, row
    mkey = (
        modifiers["employee_id"].astype(object).astype(str)
        + "\x1f"
        + modifiers["period"].astype(object).astype(str)
    ).reset_index(drop=True)
    first = ~mkey.duplicated()
    pos = codes_against(ids + "\x1f" + per, pd.Index(mkey[first].to_numpy()))
    hit = pos >= 0
    if not hit.any():
        return mod, row
    rows = np.flatnonzero(first.to_numpy())[pos[hit]]
    repeated = mkey.duplicated(keep=False).to_numpy()
    if repeated[rows].any():
        r = int(rows[repeated[rows]][0])
        raise DataError(
            f"modifiers, data row {r + 1} (employee_id {modifiers['employee_id'].iloc[r]}, "
            f"period {modifiers['period'].iloc[r]}): the same person and period appear more than "
            "once; keep one modifier per person and period"
        )
    values = pd.to_numeric(modifiers["modifier"], errors="coerce").to_numpy(dtype=np.float64)
    vals = values[rows]
    if not np.isfinite(vals).all():
        r = int(rows[~np.isfinite(vals)][0])
        raise DataError(
            f"modifiers, data row {r + 1} (employee_id {modifiers['employee_id'].iloc[r]}, "
            f"period {modifiers['period'].iloc[r]}): modifier {modifiers['modifier'].iloc[r]!r} is "
            "not a number; write e.g. 1.05, or delete the row for no modifier"
        )
    mod[hit] = vals
    row[hit] = rows
    return mod, row


# -- explanations ------------------------------------------------------------------------
# Sentences are built column-wise with Arrow string kernels (one C++ pass per join), so
# 80,000 explanations cost a few tens of milliseconds and no Python loop over people.


def _arrow() -> tuple[Any, Any]:
    import pyarrow as pa
    import pyarrow.compute as pc

    return pa, pc


def _text(values: Any) -> Any:
    """Text values as an Arrow string array (missing values as ``""``)."""
    pa, _ = _arrow()
    arr = np.asarray(values, dtype=object)
    return pa.array(arr, type=pa.string(), from_pandas=True).fill_null("")


def _fixed(values: Any, decimals: int) -> Any:
    """Numbers with ``decimals`` fixed decimals as Arrow text (NaN -> ``n/a``)."""
    pa, pc = _arrow()
    x = np.asarray(values, dtype=np.float64).ravel()
    nan = ~np.isfinite(x)
    scale = 10**decimals
    units = np.round(np.abs(np.where(nan, 0.0, x)) * scale).astype(np.int64)
    out = pa.array(units // scale).cast(pa.string())
    if decimals:
        frac = pc.utf8_lpad(pa.array(units % scale).cast(pa.string()), decimals, "0")
        out = pc.binary_join_element_wise(out, frac, ".")
    negative = (x < 0) & (units > 0)
    if negative.any():
        out = pc.if_else(pa.array(negative), pc.binary_join_element_wise("-", out, ""), out)
    if nan.any():
        out = pc.if_else(pa.array(nan), pa.scalar("n/a"), out)
    return out


def _money(values: Any) -> Any:
    """Rounded amounts with thousands separators, e.g. ``4,321.50``."""
    pa, _ = _arrow()
    x = np.asarray(values, dtype=np.float64)
    return pa.array([format(v, ",.2f") for v in x.tolist()], type=pa.string())


def _cat(*parts: Any) -> Any:
    """Concatenate Arrow text arrays and plain strings element-wise, in one pass."""
    pa, pc = _arrow()
    args = [pa.scalar(p, pa.string()) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*args, "")


def _where(mask: Any, a: Any, b: Any) -> Any:
    """``a`` where ``mask`` else ``b`` (Arrow text; plain strings broadcast)."""
    pa, pc = _arrow()
    a = pa.scalar(a, pa.string()) if isinstance(a, str) else a
    b = pa.scalar(b, pa.string()) if isinstance(b, str) else b
    return pc.if_else(pa.array(np.asarray(mask, dtype=bool)), a, b)


def explain(
    *,
    plan: Plan,
    composite: np.ndarray,
    band: np.ndarray,
    gate_passed: np.ndarray,
    gate_detail: np.ndarray,
    team_value: np.ndarray,
    pay: PayoutArrays,
    modifier: np.ndarray,
    proration: np.ndarray,
    amount: np.ndarray,
    currency: np.ndarray,
    days: np.ndarray | None = None,
    period_days: np.ndarray | None = None,
) -> Any:
    """One plain-language sentence per person, built column-wise (no per-row Python logic).

    Example: ``Composite 1.04 (band B) → individual 1.13 (accelerator) × 70% + team 0.98
    (team composite 0.99, threshold to target) × 30% = 1.085 of target; modifier 1.05 →
    1.139; prorated 61/92 days; paid 4,321.50 CNY``.

    Returns
    -------
    pyarrow.StringArray
        Wrap with ``pd.array(..., dtype="str")`` for a pandas column.
    """
    curve = plan.payout.curve
    share = plan.payout.team_share
    composite = np.asarray(composite, dtype=np.float64)
    no_comp = np.isnan(composite)
    failed = ~no_comp & ~np.asarray(gate_passed, dtype=bool)
    head = _cat("Composite ", _fixed(composite, 2), " (band ", _text(band), ")")
    head = _where(no_comp, "No metric could be scored", head)
    label = "payout curve " if share == 0 else "individual "
    parts = [head, " → ", label, _fixed(pay.individual_curve, 2), " (",
             _text(payout_tier(composite, curve)), ")"]  # fmt: skip
    if share > 0:
        measure = plan.payout.team_measure
        tname = "team composite " if measure == "composite" else f"team {measure} score "
        team = _cat(
            " + team ", _fixed(pay.team_curve, 2), " (", tname, _fixed(team_value, 2), ", ",
            _text(payout_tier(team_value, curve)), ")",
        )  # fmt: skip
        team = _where(np.isnan(team_value), " + team 0.00 (no team result)", team)
        parts += [f" × {1 - share:.0%}", team, f" × {share:.0%}"]
    parts += [" = ", _fixed(pay.individual_pct + pay.team_pct, 3), " of target"]
    has_mod = np.abs(np.asarray(modifier, dtype=np.float64) - 1.0) > KNOT_TOLERANCE
    if has_mod.any():
        mod = _cat("; modifier ", _fixed(modifier, 2), " → ", _fixed(pay.before_cap, 3))
        parts.append(_where(has_mod, mod, ""))
    capped = pay.before_cap > plan.payout.person_cap + KNOT_TOLERANCE
    if capped.any():
        cap = f"; capped at the person cap {plan.payout.person_cap:.2f} of target"
        parts.append(_where(capped, cap, ""))
    prorated = (np.asarray(proration, dtype=np.float64) < 1.0 - KNOT_TOLERANCE) & ~no_comp & ~failed
    if prorated.any():
        if days is not None and period_days is not None:
            how = _cat("; prorated ", _fixed(days, 0), "/", _fixed(period_days, 0), " days")
        else:
            how = _cat("; prorated ", _fixed(np.asarray(proration, dtype=np.float64) * 100, 1), "%")
        parts.append(_where(prorated, how, ""))
    body = _cat(*parts)
    body = _where(no_comp, _cat(head, " → no payout"), body)
    if failed.any():
        gate = _cat(head, ", but gate ", _text(gate_detail), " failed → no payout")
        body = _where(failed, gate, body)
    return _cat(body, "; paid ", _money(amount), " ", _text(currency))


# -- frame level -------------------------------------------------------------------------

#: Columns :func:`compute_payouts` adds.
PAYOUT_COLUMNS = [
    "team_result", "individual_pct", "team_pct", "payout_pct", "payout_amount", "explanation",
]  # fmt: skip


def compute_payouts(
    people: pd.DataFrame, *, plan: Plan, scores: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Payouts for a frame of people scored under one plan.

    Parameters
    ----------
    people : pandas.DataFrame
        One row per (employee_id, period) with ``employee_id, period, team, composite,
        gate_passed`` and optionally ``rating``, ``modifier`` (default 1), ``proration``
        (default 1), ``target_bonus`` (default 1: amounts are then shares) and ``currency``
        (default the plan's), e.g. the output of :func:`perfkit.scoring.score_achievement`.
    plan : Plan
    scores : pandas.DataFrame, optional
        Metric scores (``employee_id, period, metric, achievement`` and, for pooled ``sum``
        team metrics, ``actual, target``); needed when ``payout.team_measure`` names a metric.

    Returns
    -------
    pandas.DataFrame
        ``people`` (copied) with ``team_result, individual_pct, team_pct, payout_pct,
        payout_amount, explanation`` added.
    """
    out = people.copy()
    n = len(out)
    comp = out["composite"].to_numpy(dtype=np.float64)
    key = (
        out["team"].astype(object).fillna("\x00none").astype(str)
        + "\x1f"
        + out["period"].astype(str)
    )
    group, _ = pd.factorize(key)
    if plan.payout.team_measure == "composite":
        tr = team_result(group, plan=plan, composite=comp)
    else:
        if scores is None:
            raise PlanError(
                f"plan {plan.role}: team_measure {plan.payout.team_measure!r} is a metric; "
                "pass scores= with the members' achievements"
            )
        sub = scores[scores["metric"] == plan.payout.team_measure]
        skey = sub["employee_id"].astype(str) + "\x1f" + sub["period"].astype(str)
        pkey = out["employee_id"].astype(str) + "\x1f" + out["period"].astype(str)
        pos = codes_against(pkey, pd.Index(skey.to_numpy()))

        def pick(c: str) -> np.ndarray | None:
            if c not in sub.columns:
                return None
            v = sub[c].to_numpy(dtype=np.float64)
            return np.where(pos >= 0, v[np.maximum(pos, 0)], np.nan)

        tr = team_result(
            group, plan=plan, actual=pick("actual"), target=pick("target"),
            achievements=pick("achievement"),
        )  # fmt: skip
    modifier = (
        out["modifier"].to_numpy(dtype=np.float64) if "modifier" in out.columns else np.ones(n)
    )
    proration = (
        out["proration"].to_numpy(dtype=np.float64) if "proration" in out.columns else np.ones(n)
    )
    bonus = (
        out["target_bonus"].to_numpy(dtype=np.float64) if "target_bonus" in out.columns
        else np.ones(n)
    )  # fmt: skip
    gate = out["gate_passed"].to_numpy(dtype=bool) if "gate_passed" in out.columns else True
    pay = payout_pcts(comp, plan=plan, team_result=tr, gate_passed=gate, modifier=modifier)
    amount = round_cents(bonus * pay.payout_pct * proration)
    band = (
        out["rating"].astype(object).fillna("-").to_numpy() if "rating" in out.columns
        else np.full(n, "-", dtype=object)
    )  # fmt: skip
    currency = (
        out["currency"].astype(object).fillna(plan.currency).to_numpy()
        if "currency" in out.columns else np.full(n, plan.currency, dtype=object)
    )  # fmt: skip
    gate_detail = (
        out["gate_failed"].astype(object).fillna("").to_numpy() if "gate_failed" in out.columns
        else np.full(n, "", dtype=object)
    )  # fmt: skip
    out["team_result"] = tr
    out["individual_pct"] = pay.individual_pct
    out["team_pct"] = pay.team_pct
    out["payout_pct"] = pay.payout_pct
    out["payout_amount"] = amount
    out["explanation"] = pd.array(
        explain(
            plan=plan, composite=comp, band=band, gate_passed=np.broadcast_to(gate, (n,)),
            gate_detail=gate_detail, team_value=tr, pay=pay, modifier=modifier,
            proration=proration, amount=amount, currency=currency,
        ),
        dtype="string",
    )  # fmt: skip
    return out
