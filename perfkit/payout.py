"""From composite scores to money: payout curve, individual and team components, caps,
discretionary modifier, proration, cent rounding and a plain-language explanation per line.

:func:`pay` is the one money path: :func:`perfkit.evaluate`, a what-if and a Monte Carlo
draw all give it achievement per person-period and a plan, and it applies every money rule
(team pooling, curve, gates, modifier, caps, the period's target bonus, proration,
currency, cents), with explanations only when asked. The array pieces it is built from
(:func:`payout_curve`, :func:`team_result`, :func:`payout_pcts`, :func:`round_cents`) stay
public for tests and charts. The rules, with formulas, are in ``docs/engine.md``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .errors import DataError, PlanError
from .frames import Coded, codes_against, distinct, label_codes, text_take
from .plans import PayoutCurve, Plan
from .scoring import KNOT_TOLERANCE, ScoreArrays, achievement, band_codes, curve_score

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

    For the three-point spelling: ``(threshold, 0), (threshold, threshold_payout), (target,
    target_payout), (stretch, stretch_payout)``: 0 below the threshold, a jump at it, linear
    to the target, the accelerator to the stretch, flat beyond. For a curve of points, see
    :meth:`perfkit.plans.PayoutCurve.knots` (a ``tier`` curve is a step curve).
    """
    return curve.knots()[0]


def payout_curve(composite: ArrayLike, curve: PayoutCurve) -> np.ndarray:
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
    points, step = curve.knots()
    out = np.minimum(curve_score(c, points, step=step), curve.cap)
    return np.where(np.isnan(out), 0.0, out)


#: Payout tiers by code (see :func:`payout_tier`).
TIERS = (TIER_NONE, TIER_BELOW, TIER_LOW, TIER_TARGET, TIER_ACCEL, TIER_FLAT, TIER_CAPPED)


def tier_codes(composite: ArrayLike, curve: PayoutCurve) -> np.ndarray:
    """Position in :data:`TIERS` of each composite's tier on the payout curve."""
    c = np.asarray(composite, dtype=np.float64)
    t = c + KNOT_TOLERANCE
    points, step = curve.knots()
    raw = curve_score(c, points, step=step)
    code = np.select(
        [
            np.isnan(c),
            t < curve.threshold,
            t < curve.target,
            np.abs(c - curve.target) <= KNOT_TOLERANCE,
            t < curve.stretch,
        ],
        [0, 1, 2, 3, 4],
        5,
    )
    capped = ~np.isnan(raw) & (raw > curve.cap + KNOT_TOLERANCE)
    return np.where(capped, 6, code)


def payout_tier(composite: ArrayLike, curve: PayoutCurve) -> np.ndarray:
    """Where each composite sits on the payout curve (for explanations).

    Returns
    -------
    numpy.ndarray of object
        ``"no composite"``, ``"below threshold"``, ``"threshold to target"``, ``"on target"``
        (within :data:`~perfkit.scoring.KNOT_TOLERANCE` of it), ``"accelerator"``,
        ``"at or above stretch"`` or ``"capped"`` (the curve value was cut to ``curve.cap``).
    """
    return np.array(TIERS, dtype=object)[tier_codes(composite, curve)]


# -- team result -------------------------------------------------------------------------


def team_result(
    group: ArrayLike,
    *,
    plan: Plan,
    composite: ArrayLike | None = None,
    actual: ArrayLike | None = None,
    target: ArrayLike | None = None,
    achievements: ArrayLike | None = None,
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
    composite: ArrayLike,
    *,
    plan: Plan,
    team_result: ArrayLike | None = None,
    gate_passed: ArrayLike = True,
    modifier: ArrayLike = 1.0,
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


def round_cents(amount: ArrayLike) -> np.ndarray:
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


def total_amount(amounts: ArrayLike) -> float:
    """Sum of rounded amounts, exact to the cent (summed as integer cents)."""
    a = np.asarray(amounts, dtype=np.float64)
    a = a[~np.isnan(a)]
    return int(np.rint(a * 100.0).astype(np.int64).sum()) / 100.0


def period_target_bonus(annual_target_bonus: ArrayLike, months: int) -> np.ndarray:
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
    emp, ids = label_codes(pd.Series(np.asarray(employee_ids, dtype=object)).astype(str))
    per, labels = label_codes(pd.Series(np.asarray(periods, dtype=object)).astype(str))
    return modifier_codes(modifiers, emp, per, ids=pd.Index(ids), periods=pd.Index(labels))


def modifier_codes(
    modifiers: pd.DataFrame | None,
    emp: np.ndarray,
    period: np.ndarray,
    *,
    ids: pd.Index,
    periods: pd.Index,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`lookup_modifiers` for pairs given as integer codes (the engine's path).

    Parameters
    ----------
    modifiers : pandas.DataFrame or None
        ``employee_id, period, modifier`` rows.
    emp, period : numpy.ndarray of int (n,)
        Each pair's position in ``ids`` and ``periods``.
    ids, periods : pandas.Index
        Employee ids and period labels (matched as text).

    Returns
    -------
    modifier, row : numpy.ndarray (n,)
        As for :func:`lookup_modifiers`.
    """
    n = len(emp)
    mod = np.ones(n)
    row = np.full(n, -1, dtype=np.int64)
    if modifiers is None or len(modifiers) == 0 or n == 0:
        return mod, row
    if ids.inferred_type != "string":
        ids = pd.Index(np.asarray(ids, dtype=object).astype(str))
    if periods.inferred_type != "string":
        periods = pd.Index(np.asarray(periods, dtype=object).astype(str))
    me = codes_against(modifiers["employee_id"].astype(object).astype(str), ids)
    mp = codes_against(modifiers["period"].astype(object).astype(str), periods)
    np_ = len(periods)
    valid = np.flatnonzero((me >= 0) & (mp >= 0))
    pair = me[valid] * np_ + mp[valid]
    size = len(ids) * np_
    first_row = np.full(size, -1, dtype=np.int64)
    first_row[pair[::-1]] = valid[::-1]  # the first modifiers row of each pair
    count = np.bincount(pair, minlength=size)
    look = np.asarray(emp, dtype=np.int64) * np_ + np.asarray(period, dtype=np.int64)
    hit = np.flatnonzero(first_row[look] >= 0)
    if not hit.size:
        return mod, row
    rows = first_row[look[hit]]
    repeated = count[look[hit]] > 1
    if repeated.any():
        r = int(rows[repeated][0])
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
# A sentence is a few phrases, and each phrase depends on a few rounded numbers and labels
# (the composite to 2 decimals and the band, the individual curve value and its tier, ...),
# which take a few hundred distinct values among 80,000 people. Each phrase is written once
# per distinct combination of its inputs and spread to the rows by code; the amounts are
# formatted column-wise; one Arrow pass joins the phrases. No Python loop over people.


def _fixed_key(values: Any, decimals: int, *, down: bool = False) -> np.ndarray:
    """An integer standing for each number as :func:`_fixed_text` writes it (-1: ``n/a``).

    With ``down`` non-negative numbers are cut, not rounded, to ``decimals`` (within the knot
    tolerance): a composite of 0.6996 reads 0.69, so it never seems to reach a band or a
    threshold of 0.70 that it missed.
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    nan = ~np.isfinite(x)
    scaled = np.abs(np.where(nan, 0.0, x)) * 10**decimals
    if down:
        scaled = np.where(x >= 0, np.floor(scaled + KNOT_TOLERANCE * 10**decimals), scaled)
    units = np.round(scaled).astype(np.int64)
    negative = (x < 0) & (units > 0)
    return np.where(nan, -1, units * 2 + negative)


@functools.lru_cache(maxsize=8192)
def _fixed_text(key: int, decimals: int) -> str:
    """The text of a :func:`_fixed_key`: ``decimals`` fixed decimals, ``n/a`` for NaN."""
    if key < 0:
        return "n/a"
    units, negative = divmod(key, 2)
    scale = 10**decimals
    text = str(units // scale) + (f".{units % scale:0{decimals}d}" if decimals else "")
    return "-" + text if negative else text


def _label_codes(values: Any) -> tuple[np.ndarray, list[str]]:
    """Codes of text values (an array or :class:`~perfkit.frames.Coded`) and their labels.

    A missing value reads ``""``.
    """
    if isinstance(values, Coded):
        labels = ["" if pd.isna(v) else str(v) for v in values.labels]
        return np.asarray(values.codes, dtype=np.int64).ravel(), labels
    codes, uniques = pd.factorize(pd.Series(np.asarray(values, dtype=object)))
    labels = [str(u) for u in uniques] + [""]
    return np.where(codes < 0, len(uniques), codes).astype(np.int64), labels


def _phrases(
    build: Callable[..., str], keys: list[np.ndarray], active: np.ndarray | None = None
) -> Any:
    """One phrase per row: ``build(*key values)``, called once per distinct combination.

    ``keys`` are integer arrays (one value per row) that decide the phrase; rows not
    ``active`` (default: all rows are) get ``""``. Returns an Arrow large_string array.
    """
    rows = None if active is None else np.flatnonzero(active)
    if rows is not None:
        keys = [np.asarray(k)[rows] for k in keys]
    code, first = distinct(*keys)
    values = zip(*(np.asarray(k)[first].tolist() for k in keys), strict=True)
    labels = [build(*v) for v in values]
    if rows is None:
        return text_take(code, np.array(labels, dtype=object))
    assert active is not None
    codes = np.zeros(len(active), dtype=np.int64)
    codes[rows] = code + 1
    return text_take(codes, np.array(["", *labels], dtype=object))


def _scalar(text: str) -> Any:
    """An Arrow large_string scalar (the type of every phrase)."""
    import pyarrow as pa

    return pa.scalar(text, pa.large_string())


def _paid(amount: Any, currency: np.ndarray, currencies: list[str]) -> Any:
    """``"; paid 4,321.50 CNY"`` per row, the amount as ``format(x, ",.2f")`` writes it.

    Written column-wise as bytes: whole cents from ``x * 100`` rounded; their digits,
    thousands separators and sign laid right-aligned in a byte matrix (one line per byte
    position), the currency (``currencies[currency]``) after them; blanks dropped. The few
    amounts where the rounded ``x * 100`` could differ from Python's exact decimal rounding
    (within 0.001 of a half cent, or too big for the shortcut), and NaN or infinite ones,
    are written by ``format`` itself.

    Returns
    -------
    pyarrow.LargeStringArray
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    x = np.asarray(amount, dtype=np.float64).ravel()
    n = len(x)
    finite = np.isfinite(x)
    hundredths = np.abs(np.where(finite, x, 0.0)) * 100.0
    half = np.abs(hundredths - np.floor(hundredths) - 0.5)
    exact = finite & (hundredths < 2.0**40) & (half > 1e-3)
    cents = np.where(exact, np.rint(hundredths), 0.0).astype(np.int64)
    whole, frac = np.divmod(cents, 100)
    negative = np.signbit(x) & exact
    digits = np.ones(n, dtype=np.int64)
    power = 10
    while (whole >= power).any():
        digits += whole >= power
        power *= 10
    width = digits + (digits - 1) // 3 + negative  # the amount before the decimal point
    cur = [c.encode() for c in currencies]
    cur_len = np.array([len(c) for c in cur], dtype=np.int64)[currency]
    prefix = b"; paid "
    wn, wc = int(width.max(initial=1)), 1 + max((len(c) for c in cur), default=0)
    start, point = len(prefix), len(prefix) + wn
    buf = np.empty((point + 3 + wc, n), dtype=np.uint8)  # byte b of every row: one line
    buf[:start] = np.frombuffer(prefix, dtype=np.uint8)[:, None]
    rest = whole
    for d in range(int(digits.max(initial=1))):  # digit d from the right; a comma per 3
        line = point - 1 - (d + d // 3)
        rest, digit = np.divmod(rest, 10)
        buf[line] = 48 + digit
        if d % 3 == 2 and line > start:
            buf[line - 1] = ord(",")
    sign = np.flatnonzero(negative)
    buf[point - width[sign], sign] = ord("-")
    buf[point] = ord(".")
    buf[point + 1] = 48 + frac // 10
    buf[point + 2] = 48 + frac % 10
    names = np.zeros((wc, len(cur)), dtype=np.uint8)
    names[0] = ord(" ")
    for i, c in enumerate(cur):
        names[1 : 1 + len(c), i] = np.frombuffer(c, dtype=np.uint8)
    buf[point + 3 :] = names[:, currency]
    keep = np.ones(buf.shape, dtype=bool)
    lead = wn - width  # blank bytes before the amount
    for b in range(wn):
        keep[start + b] = b >= lead
    for b in range(1, wc):
        keep[point + 3 + b] = b <= cur_len
    data = np.ascontiguousarray(buf.T)[np.ascontiguousarray(keep.T)]  # row by row
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(start + width + 3 + 1 + cur_len, out=offsets[1:])
    text = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))
    if not exact.all():  # rare: see above
        odd = np.flatnonzero(~exact)
        own = np.full(n, "", dtype=object)
        own[odd] = [
            f"; paid {format(v, ',.2f')} {currencies[c]}"
            for v, c in zip(x[odd].tolist(), currency[odd].tolist(), strict=True)
        ]
        text = pc.if_else(pa.array(~exact), pa.array(own, type=pa.large_string()), text)
    return text


def explain(
    *,
    plan: Plan,
    composite: np.ndarray,
    band: np.ndarray | Coded,
    gate_passed: np.ndarray,
    gate_detail: np.ndarray | Coded,
    team_value: np.ndarray,
    pay: PayoutArrays,
    modifier: np.ndarray,
    proration: np.ndarray,
    amount: np.ndarray,
    currency: np.ndarray | Coded,
    days: np.ndarray | None = None,
    period_days: np.ndarray | None = None,
) -> Any:
    """One plain-language sentence per person, built column-wise (no per-row Python logic).

    Example: ``Composite 1.04 (band B) → individual 1.13 (accelerator) × 70% + team 0.98
    (team composite 0.99, threshold to target) × 30% = 1.085 of target; modifier 1.05 →
    1.139; prorated 61/92 days; paid 4,321.50 CNY``.

    ``band``, ``gate_detail`` and ``currency`` may be arrays or
    :class:`~perfkit.frames.Coded` text.

    Returns
    -------
    pyarrow.LargeStringArray
        Wrap with ``pd.array(..., dtype="str")`` for a pandas column.
    """
    import pyarrow.compute as pc

    curve = plan.payout.curve
    share = plan.payout.team_share
    composite = np.asarray(composite, dtype=np.float64)
    n = len(composite)
    no_comp = np.isnan(composite)
    failed = ~no_comp & ~np.broadcast_to(np.asarray(gate_passed, dtype=bool), (n,))
    paid = ~no_comp & ~failed

    # the head; for a missing composite or a failed gate, the whole sentence before the amount
    comp = _fixed_key(composite, 2, down=True)  # bands and thresholds are 'at least'
    band_code, band_text = _label_codes(band)
    detail_code = np.full(n, -1, dtype=np.int64)
    detail_text: list[str] = []
    if failed.any():
        if isinstance(gate_detail, Coded):
            detail_code, detail_text = _label_codes(gate_detail)
            detail_code = np.where(failed, detail_code, -1)
        else:
            detail_code[failed], detail_text = _label_codes(np.asarray(gate_detail)[failed])

    def head(comp: int, band: int, missing: int, detail: int) -> str:
        if missing:
            return "No metric could be scored → no payout"
        text = f"Composite {_fixed_text(comp, 2)} (band {band_text[band]})"
        if detail >= 0:  # a failed gate
            return f"{text}, but gate {detail_text[detail]} failed → no payout"
        return text

    phrases = [_phrases(head, [comp, band_code, no_comp, detail_code])]
    label = "payout curve " if share == 0 else "individual "
    phrases.append(
        _phrases(
            lambda v, tier: f" → {label}{_fixed_text(v, 2)} ({TIERS[tier]})",
            [_fixed_key(pay.individual_curve, 2), tier_codes(composite, curve)],
            paid,
        )  # fmt: skip
    )
    if share > 0:
        measure = plan.payout.team_measure
        tname = "team composite " if measure == "composite" else f"team {measure} score "
        team_value = np.asarray(team_value, dtype=np.float64)

        def team(part: int, value: int, tier: int, missing: int) -> str:
            if missing:
                text = " + team 0.00 (no team result)"
            else:
                text = (
                    f" + team {_fixed_text(part, 2)} ({tname}{_fixed_text(value, 2)}, "
                    f"{TIERS[tier]})"
                )
            return f" × {1 - share:.0%}{text} × {share:.0%}"

        team_keys = [
            _fixed_key(pay.team_curve, 2), _fixed_key(team_value, 2, down=True),
            tier_codes(team_value, curve), np.isnan(team_value),
        ]  # fmt: skip
        phrases.append(_phrases(team, team_keys, paid))
    total = _fixed_key(pay.individual_pct + pay.team_pct, 3)
    phrases.append(_phrases(lambda v: f" = {_fixed_text(v, 3)} of target", [total], paid))
    # what may follow: the modifier, the person cap, the proration
    modifier = np.broadcast_to(np.asarray(modifier, dtype=np.float64), (n,))
    has_mod = paid & (np.abs(modifier - 1.0) > KNOT_TOLERANCE)
    capped = paid & (pay.before_cap > plan.payout.person_cap + KNOT_TOLERANCE)
    proration = np.broadcast_to(np.asarray(proration, dtype=np.float64), (n,))
    prorated = paid & (proration < 1.0 - KNOT_TOLERANCE)
    by_days = days is not None and period_days is not None
    if by_days:
        share_keys = [_fixed_key(days, 0), _fixed_key(period_days, 0)]
    else:
        share_keys = [_fixed_key(proration * 100, 1), np.zeros(n, dtype=np.int64)]
    cap = f"; capped at the person cap {plan.payout.person_cap:.2f} of target"

    def extras(mod: int, m: int, before: int, cut: int, part: int, d: int, p: int) -> str:
        text = f"; modifier {_fixed_text(m, 2)} → {_fixed_text(before, 3)}" if mod else ""
        text += cap if cut else ""
        if part:  # a part of the period: prorated
            text += (
                f"; prorated {_fixed_text(d, 0)}/{_fixed_text(p, 0)} days"
                if by_days
                else f"; prorated {_fixed_text(d, 1)}%"
            )
        return text

    if (has_mod | capped | prorated).any():
        extra_keys = [
            has_mod,
            np.where(has_mod, _fixed_key(modifier, 2), 0),
            np.where(has_mod, _fixed_key(pay.before_cap, 3), 0),
            capped,
            prorated,
            np.where(prorated, share_keys[0], 0),
            np.where(prorated, share_keys[1], 0),
        ]
        phrases.append(_phrases(extras, extra_keys, has_mod | capped | prorated))
    cur_code, cur_text = _label_codes(currency)
    phrases.append(_paid(amount, cur_code, cur_text))
    return pc.binary_join_element_wise(*phrases, _scalar(""))


# -- the money path ----------------------------------------------------------------------


def team_groups(team: ArrayLike, period: ArrayLike | None = None) -> np.ndarray:
    """One code per (team, period): the people whose results pool into one team result.

    Parameters
    ----------
    team : array-like (n,)
        Team codes (integers, -1 for no team) or team labels (missing or ``""`` for none).
    period : array-like (n,), optional
        Period codes or labels; omitted, every row is of one period.

    Returns
    -------
    numpy.ndarray of int64 (n,)
        Codes from 0; a person without a team forms a group of their own.

    Notes
    -----
    Callers pass the people of one plan only, so a team spread over several roles pools
    each role's members apart, and a what-if on one plan never moves another plan's pay.
    """
    t = np.asarray(team)
    if t.dtype.kind in "iu":
        codes = t.astype(np.int64, copy=True)
    else:
        labels = pd.Series(t, dtype=object).where(lambda x: x.notna() & (x != ""))
        codes = pd.factorize(labels)[0].astype(np.int64)
    n = len(codes)
    if period is None:
        pcodes = np.zeros(n, dtype=np.int64)
    else:
        per = np.asarray(period)
        pcodes = (per.astype(np.int64) if per.dtype.kind in "iu" else pd.factorize(per)[0]).astype(
            np.int64
        )
    alone = codes < 0
    codes[alone] = (int(codes.max(initial=-1)) + 1) + np.arange(alone.sum())
    width = int(codes.max()) + 1 if n else 1
    return pd.factorize(pcodes * width + codes)[0].astype(np.int64)


@dataclass(frozen=True, eq=False)
class Payout:
    """What :func:`pay` works out for ``n`` person-periods under one plan.

    Attributes
    ----------
    scores : ScoreArrays
        Achievement, scores, weights, composite, band and gates
        (:func:`perfkit.scoring.score_matrix`).
    band : Coded
        The rating band of each line as codes into band names (None: no band).
    team_result : numpy.ndarray (n,)
        The person's team result on the composite scale; NaN where the team has none.
    pct : PayoutArrays
        The payout curve values, the components and the payout share of target bonus.
    target_bonus : numpy.ndarray (n,)
        The period's target bonus: the annual target bonus x months / 12 (not rounded).
    proration : numpy.ndarray (n,)
        The share of the period paid for: employed days over the period's days when the
        plan prorates by days, else 1.
    amount : numpy.ndarray (n,)
        ``target_bonus x payout_pct x proration`` rounded half-up to cents.
    currency : Coded
        The employee's currency, the plan's where none is given.
    explanation : pyarrow.LargeStringArray or None
        One sentence per line, only when :func:`pay` was asked to explain.
    """

    scores: ScoreArrays
    band: Coded
    team_result: np.ndarray
    pct: PayoutArrays
    target_bonus: np.ndarray
    proration: np.ndarray
    amount: np.ndarray
    currency: Coded
    explanation: Any = None


def pay(
    achievement: ArrayLike,
    *,
    plan: Plan,
    team: ArrayLike | None = None,
    period: ArrayLike | None = None,
    actual: ArrayLike | None = None,
    target: ArrayLike | None = None,
    modifier: ArrayLike = 1.0,
    annual_bonus: ArrayLike | None = None,
    months: ArrayLike | None = None,
    days: ArrayLike | None = None,
    period_days: ArrayLike | None = None,
    currency: Coded | ArrayLike | None = None,
    explain_lines: bool = False,
    scores: ScoreArrays | None = None,
) -> Payout:
    """Pay ``n`` person-periods under one plan: the one money path.

    :func:`perfkit.evaluate`, a what-if on a changed plan and a Monte Carlo draw all come
    here; every money rule (team pooling, the payout curve, team share, gates, the
    modifier, the person cap, the period's target bonus, proration, currency, cent
    rounding) is applied here and nowhere else.

    Parameters
    ----------
    achievement : array-like (n, k)
        Achievement of each person-period (rows) on each plan metric (columns, in plan
        order); NaN where a metric could not be measured.
    plan : Plan
    team : array-like (n,), optional
        Team codes or labels (see :func:`team_groups`); omitted, nobody shares a team and
        the team component is each person's own result.
    period : array-like (n,), optional
        Period codes or labels: teams pool within a period.
    actual, target : array-like (n, k), optional
        Actuals and targets; a ``sum`` metric named as ``payout.team_measure`` pools them
        (sum of actuals over sum of targets) when given.
    modifier : array-like (n,) or float
        The discretionary modifier (check it with :func:`check_modifiers` first).
    annual_bonus : array-like (n,), optional
        Annual target bonus in the person's currency; omitted, amounts are shares of a
        target bonus of 1.
    months : int or array-like (n,), optional
        Months in each line's period (default: the plan's period kind). The period target
        bonus is ``annual_bonus x months / 12``.
    days, period_days : array-like (n,), optional
        Days employed in the period and the period's days; prorate when the plan's
        ``payout.proration`` is ``days`` (omitted: no proration).
    currency : Coded or array-like (n,), optional
        The person's currency; missing or ``""`` means the plan's.
    explain_lines : bool
        Write one explanation sentence per line (off for thousands of draws).
    scores : ScoreArrays, optional
        :func:`perfkit.scoring.score_matrix` of ``achievement`` under a plan whose metrics,
        rating bands and gates are ``plan``'s, worked out before: a sweep of a payout
        parameter (threshold, accelerator, team share) scores once and pays many times. Its
        achievement must equal ``achievement`` cell for cell (checked); the caller answers
        for the plan's scoring part being the same.

    Returns
    -------
    Payout

    Raises
    ------
    DataError
        If an annual target bonus is missing.
    """
    from .periods import MONTHS_PER
    from .scoring import score_matrix

    ach = np.asarray(achievement, dtype=np.float64)
    if scores is None:
        arrays = score_matrix(ach, plan=plan)
    elif scores.achievement.shape == ach.shape and np.array_equal(
        scores.achievement, ach, equal_nan=True
    ):
        arrays = scores
    else:
        raise ValueError("pay: scores were worked out for another achievement matrix")
    comp = arrays.composite
    n = len(comp)
    groups = team_groups(np.arange(n) if team is None else team, period)
    measure = plan.payout.team_measure
    if measure == "composite":
        tr = team_result(groups, plan=plan, composite=comp)
    else:
        j = plan.metric_keys.index(measure)

        def col(x: Any) -> np.ndarray | None:
            return None if x is None else np.asarray(x, dtype=np.float64)[:, j]

        tr = team_result(
            groups, plan=plan, actual=col(actual), target=col(target),
            achievements=arrays.achievement[:, j],
        )  # fmt: skip
    modifier = np.broadcast_to(np.asarray(modifier, dtype=np.float64), (n,))
    pct = payout_pcts(
        comp, plan=plan, team_result=tr, gate_passed=arrays.gate_passed, modifier=modifier
    )
    if months is None:
        months = MONTHS_PER[plan.period]
    if annual_bonus is None:
        bonus = np.ones(n)
    else:
        annual = np.asarray(annual_bonus, dtype=np.float64)
        if np.isnan(annual).any():
            raise DataError(
                "employees: annual_target_bonus is missing; give the full-year target bonus "
                "in the employee's currency (0 if none)"
            )
        bonus = period_target_bonus(annual, 1) * np.broadcast_to(months, (n,))
    if plan.payout.proration == "days" and days is not None and period_days is not None:
        proration = np.asarray(days, dtype=np.float64) / np.asarray(period_days, np.float64)
    else:
        proration = np.ones(n)
    amount = round_cents(bonus * pct.payout_pct * proration)
    cur = _currency(currency, plan, n)
    band, band_names = band_codes(comp, plan=plan)
    text = None
    if explain_lines:
        text = explain(
            plan=plan, composite=comp,
            band=Coded(band, np.where(band_names == None, "-", band_names)),  # noqa: E711
            gate_passed=arrays.gate_passed, gate_detail=arrays.gate_detail, team_value=tr,
            pay=pct, modifier=modifier, proration=proration, amount=amount, currency=cur,
            days=None if days is None else np.asarray(days, dtype=np.float64),
            period_days=None if period_days is None else np.asarray(period_days, np.float64),
        )  # fmt: skip
    return Payout(
        scores=arrays,
        band=Coded(band, band_names),
        team_result=tr,
        pct=pct,
        target_bonus=bonus,
        proration=proration,
        amount=amount,
        currency=cur,
        explanation=text,
    )


def _currency(currency: Any, plan: Plan, n: int) -> Coded:
    """The person's currency as codes, the plan's where it is missing or blank."""
    if currency is None:
        return Coded(np.zeros(n, dtype=np.int64), np.array([plan.currency], dtype=object))
    if isinstance(currency, Coded):
        codes, labels = np.asarray(currency.codes, dtype=np.int64), np.asarray(currency.labels)
    else:
        codes, labels = label_codes(pd.Series(np.asarray(currency, dtype=object)))
    blank = np.array([pd.isna(v) or v == "" for v in labels], dtype=bool)
    labels = np.append(labels, plan.currency)
    missing = (codes < 0) | np.append(blank, False)[codes]
    return Coded(np.where(missing, len(labels) - 1, codes), labels)
