"""Achievement against target, score curves, the weighted composite, rating bands and gates.

Three levels, from fastest to friendliest:

- array functions (:func:`achievement`, :func:`curve_score`, :func:`score_matrix`,
  :func:`rating_band`, :func:`gate_check`) work on numpy arrays and never re-read data: the
  fast path for calibration and Monte Carlo (thousands of re-evaluations);
- :func:`score_achievement` scores a long frame of achievements (``employee_id, period,
  metric, achievement``) under one plan;
- :func:`score_metrics` adds achievement, score and weight to the metric values of
  :func:`perfkit.metrics.metric_values`, and :func:`person_scores` sums them per person.

The rules, with formulas, are in ``docs/engine.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .errors import DataError, PlanError
from .frames import Coded, distinct, empty_frame, join_text, label_codes, row_codes, type_frame
from .metrics import MetricBlock
from .plans import Plan
from .schema import PERSON_COLUMNS, SCORE_COLUMNS  # the output columns, in order

#: Values within this distance below a knot (curve point, band or gate minimum) count as
#: reaching it, so that 0.7 computed as 0.6999999999999 is not paid as "below threshold".
KNOT_TOLERANCE = 1e-9

NOTE_DROPPED = "not scored; its weight is shared by the scored metrics"
NOTE_NONE_SCORED = "no metric could be scored"
NOTE_BAD_TARGET = "target is not above zero"


# -- array level -------------------------------------------------------------------------


def achievement(
    actual: ArrayLike, target: ArrayLike, direction: ArrayLike = "higher"
) -> np.ndarray:
    """Achievement of actuals against targets; 1.0 is on target, never below 0.

    Parameters
    ----------
    actual, target : array-like
        Broadcastable arrays; a target that is not above zero gives NaN.
    direction : {"higher", "lower"} or array-like of them
        ``higher``: :math:`a/t`; ``lower``: :math:`2 - a/t` (linear, symmetric around the
        target, finite when the actual is 0).

    Returns
    -------
    numpy.ndarray of float
        ``max(achievement, 0)``; NaN where the actual or target is missing.
    """
    a = np.asarray(actual, dtype=np.float64)
    t = np.asarray(target, dtype=np.float64)
    lower = np.asarray(direction) == "lower"
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(t > 0, a / np.where(t > 0, t, 1.0), np.nan)
    ach = np.where(lower, 2.0 - ratio, ratio)
    return np.where(np.isnan(ach), np.nan, np.maximum(ach, 0.0))


def curve_score(
    achievement: ArrayLike, points: Sequence[Sequence[float]], *, step: bool = False
) -> np.ndarray:
    """Score achievements on a piecewise curve of ``(achievement, score)`` points.

    Parameters
    ----------
    achievement : array-like of float
    points : sequence of (x, y)
        x never decreasing. A repeated x is a jump: the later point holds from that x on.
    step : bool
        If True each point's score holds until the next point (tiers) instead of running
        linearly to it.

    Returns
    -------
    numpy.ndarray of float
        Flat beyond the first and last point; NaN where the achievement is NaN. An
        achievement within :data:`KNOT_TOLERANCE` below a point counts as reaching it.

    Notes
    -----
    With :math:`j` the number of points whose :math:`x_i \\le a`, the score is
    :math:`y_0` for :math:`j = 0`, :math:`y_{n-1}` for :math:`j = n`, else
    :math:`y_{j-1} + (y_j - y_{j-1}) (a - x_{j-1}) / (x_j - x_{j-1})` (or :math:`y_{j-1}` for a
    step curve). Found with :func:`numpy.searchsorted`, which puts an achievement sitting on a
    jump after both of its points; :func:`numpy.interp` alone would not.

    Examples
    --------
    >>> curve_score([0.79, 0.8, 0.9, 1.5], [(0.8, 0.0), (0.8, 0.5), (1.0, 1.0)]).tolist()
    [0.0, 0.5, 0.75, 1.0]
    """
    a = np.asarray(achievement, dtype=np.float64)
    xs = np.array([p[0] for p in points], dtype=np.float64)
    ys = np.array([p[1] for p in points], dtype=np.float64)
    n = len(xs)
    nan = np.isnan(a)
    safe = np.where(nan, 0.0, a)
    # j = number of points with x <= a (np.searchsorted side="right"), counted point by point:
    # faster than a binary search for the handful of points a curve has
    reach = safe + KNOT_TOLERANCE
    j = np.zeros(a.shape, dtype=np.intp)
    for x in xs:
        j += reach >= x
    # the segment from point j - 1 to point j, as small tables looked up by j; the points of
    # a jump (equal x) are counted together, so x rises strictly inside a segment
    lo = np.clip(np.arange(n + 1) - 1, 0, n - 1)
    hi = np.clip(np.arange(n + 1), 0, n - 1)
    if step:
        out = np.take(ys[lo], j)
    else:
        dx = xs[hi] - xs[lo]
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = (safe - np.take(xs[lo], j)) / np.take(np.where(dx > 0, dx, 1.0), j)
        out = np.take(ys[lo], j) + np.take(ys[hi] - ys[lo], j) * np.clip(frac, 0.0, 1.0)
        # before the first and after the last point the slope is 0, so the sum is the end
        # value, unless that is -0.0 (-0.0 + 0.0 is 0.0) or infinite: then set it
        ends = ys[[0, -1]]
        if not np.isfinite(ends).all() or (np.signbit(ends) & (ends == 0)).any():
            out = np.where(j == 0, ys[0], np.where(j == n, ys[-1], out))
    return np.where(nan, np.nan, out)


@dataclass(frozen=True, eq=False)
class ScoreArrays:
    """Scores of ``n`` person-periods under one plan (``k`` metrics in plan order).

    Attributes
    ----------
    achievement, score, weight, weighted_score : numpy.ndarray (n, k)
        ``weight`` is re-normalised over the scored metrics (0 where a metric is unscored);
        ``score`` and ``weighted_score`` are NaN where unscored.
    composite : numpy.ndarray (n,)
        Sum of weighted scores; NaN when no metric could be scored.
    band : numpy.ndarray (n,) of object
        Rating band, None where the composite is NaN.
    gate_passed : numpy.ndarray (n,) of bool
    gate_failed : numpy.ndarray (n,) of object
        Comma-separated keys of failed gates, ``""`` when all passed.
    gate_detail : numpy.ndarray (n,) of object
        Why each failed gate failed, for explanations.
    """

    achievement: np.ndarray
    score: np.ndarray
    weight: np.ndarray
    weighted_score: np.ndarray
    composite: np.ndarray
    band: np.ndarray
    gate_passed: np.ndarray
    gate_failed: np.ndarray
    gate_detail: np.ndarray

    def take(self, rows: np.ndarray) -> ScoreArrays:
        """The scores of ``rows`` (repeats allowed), as :func:`score_matrix` would give them
        for the achievement of those rows: every quantity is worked out row by row."""
        return ScoreArrays(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})


def metric_scores(achievement: np.ndarray, *, plan: Plan) -> np.ndarray:
    """Score each column of an ``(n, k)`` achievement matrix on its metric's curve.

    Returns
    -------
    numpy.ndarray (n, k)
    """
    ach = np.asarray(achievement, dtype=np.float64)
    out = np.empty_like(ach)
    for j, m in enumerate(plan.metrics):
        pts, step = plan.curve_points(m)
        out[:, j] = curve_score(ach[:, j], pts, step=step)
    return out


def rating_band(composite: ArrayLike, *, plan: Plan) -> np.ndarray:
    """Rating band of each composite: the best band whose ``min_composite`` it reaches.

    Returns
    -------
    numpy.ndarray of object
        Band names; None where the composite is NaN.
    """
    codes, names = band_codes(composite, plan=plan)
    return names[codes]


def band_codes(composite: ArrayLike, *, plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """:func:`rating_band` as codes into band names (the last name, None, for no band).

    Returns
    -------
    codes : numpy.ndarray of int64
    names : numpy.ndarray of object
    """
    c = np.asarray(composite, dtype=np.float64)
    bands = sorted(plan.rating_bands, key=lambda b: b.min_composite)
    mins = np.array([b.min_composite for b in bands])
    names = np.array([b.band for b in bands] + [None], dtype=object)
    pos = np.searchsorted(mins, np.where(np.isnan(c), 0.0, c) + KNOT_TOLERANCE, side="right") - 1
    return np.where(np.isnan(c) | (pos < 0), len(bands), pos), names


def gate_check(achievement: np.ndarray, *, plan: Plan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check the plan's gates on an ``(n, k)`` achievement matrix (plan metric order).

    A gate fails when its metric's achievement is below ``min_achievement`` (within
    :data:`KNOT_TOLERANCE`) or missing.

    Returns
    -------
    passed : numpy.ndarray (n,) of bool
    failed : numpy.ndarray (n,) of object
        Comma-separated failed gate keys, ``""`` when all passed.
    detail : numpy.ndarray (n,) of object
        e.g. ``"leads_floor (leads achievement 0.52 < 0.60)"``; ``"; "``-joined.
    """
    ach = np.asarray(achievement, dtype=np.float64)
    n = ach.shape[0]
    failed = np.full(n, "", dtype=object)
    detail = np.full(n, "", dtype=object)
    passed = np.ones(n, dtype=bool)
    keys = plan.metric_keys
    for g in plan.gates:
        a = ach[:, keys.index(g.metric)]
        bad = ~(a + KNOT_TOLERANCE >= g.min_achievement)
        if not bad.any():
            continue
        passed &= ~bad
        rows = np.flatnonzero(bad)
        why = np.where(
            np.isnan(a[rows]),
            f"{g.key} (no data for gate metric {g.metric})",
            f"{g.key} ({g.metric} achievement "
            # rounded down: a value just under the gate must not print as equal to it
            + _fmt(np.floor(a[rows] * 100) / 100, ".2f")
            + f" < {g.min_achievement:.2f})",
        )
        f, d = failed[rows], detail[rows]
        failed[rows] = np.where(f == "", g.key, f + "," + g.key)
        detail[rows] = np.where(d == "", why, d + "; " + why)
    return passed, failed, detail


def _fmt(values: Any, spec: str) -> np.ndarray:
    """Format numbers as an object array of str (NaN as ``"n/a"``); for short arrays."""
    arr = np.asarray(values, dtype=np.float64)
    out = np.array(
        ["n/a" if v != v else format(v, spec) for v in arr.ravel().tolist()], dtype=object
    )
    return out.reshape(arr.shape)


def score_matrix(achievement: np.ndarray, *, plan: Plan) -> ScoreArrays:
    """Score an ``(n, k)`` achievement matrix (columns in plan metric order): the fast path.

    Unscored metrics (NaN achievement) drop out and the remaining weights are re-normalised
    to sum to 1; with nothing scored the composite is NaN.

    Returns
    -------
    ScoreArrays
    """
    ach = np.asarray(achievement, dtype=np.float64)
    if ach.ndim != 2 or ach.shape[1] != len(plan.metrics):
        raise PlanError(
            f"plan {plan.role}: the achievement matrix needs one column per plan metric "
            f"({', '.join(plan.metric_keys)}), got shape {ach.shape}"
        )
    score = metric_scores(ach, plan=plan)
    scored = ~np.isnan(score)
    w = np.array([m.weight for m in plan.metrics])
    raw_w = np.where(scored, w[None, :], 0.0)
    total = raw_w.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(total[:, None] > 0, raw_w / np.where(total > 0, total, 1.0)[:, None], 0.0)
    weighted = np.where(scored, score * weight, np.nan)
    composite = np.where(total > 0, np.where(scored, weighted, 0.0).sum(axis=1), np.nan)
    passed, failed, detail = gate_check(ach, plan=plan)
    return ScoreArrays(
        achievement=ach,
        score=score,
        weight=weight,
        weighted_score=weighted,
        composite=composite,
        band=rating_band(composite, plan=plan),
        gate_passed=passed,
        gate_failed=failed,
        gate_detail=detail,
    )


# -- metric blocks (the engine's own path) -----------------------------------------------


def block_achievement(block: MetricBlock) -> np.ndarray:
    """Achievement matrix of a metric block (plan metric order)."""
    direction = np.array([m.direction for m in block.plan.metrics])
    return achievement(block.actual, block.target, direction[None, :])


def score_notes(note: Coded, target: np.ndarray, arrays: ScoreArrays, *, plan: Plan) -> Coded:
    """Metric notes plus what scoring adds: bad targets, dropped metrics, re-normalised weights.

    The notes of a person-period depend only on its row of metric notes, of targets not
    above zero and of scored metrics; they are written once per distinct such row (a few
    dozen among tens of thousands of people), not once per row.

    Parameters
    ----------
    note : Coded
        ``(n, k)`` codes into the notes of the metric values.
    target : numpy.ndarray (n, k)
    arrays : ScoreArrays
    plan : Plan

    Returns
    -------
    Coded
        ``(n, k)`` codes into the full notes.
    """
    codes = np.asarray(note.codes)
    n, k = codes.shape
    scored = ~np.isnan(arrays.score)
    bad = ~(np.asarray(target, dtype=np.float64) > 0)
    pattern, first = distinct(row_codes(codes), row_codes(bad), row_codes(scored))
    labels = []
    keys = plan.metric_keys
    w0 = [f"{m.weight:g}" for m in plan.metrics]
    for r in first.tolist():
        ok = scored[r]
        names = ", ".join(key for key, s in zip(keys, ok, strict=True) if not s)
        for j in range(k):
            if not ok.any():
                extra = NOTE_NONE_SCORED
            elif ok.all():
                extra = ""
            elif not ok[j]:
                extra = NOTE_DROPPED
            else:
                extra = f"weight re-normalised from {w0[j]} (not scored: {names})"
            base = str(note.labels[codes[r, j]])
            labels.append(join_text(base, NOTE_BAD_TARGET if bad[r, j] else "", extra))
    return Coded(pattern[:, None] * k + np.arange(k), np.array(labels, dtype=object))


def score_block(block: MetricBlock) -> ScoreArrays:
    """Score a :class:`perfkit.metrics.MetricBlock`."""
    return score_matrix(block_achievement(block), plan=block.plan)


# -- frames ------------------------------------------------------------------------------


def _pivot(
    frame: pd.DataFrame, plan: Plan, value_columns: Sequence[str], *, where: str
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Long rows of one plan to ``(n, k)`` matrices.

    Returns the row code of each long row, its metric position and one matrix per column.
    """
    keys = pd.Index(plan.metric_keys)
    mpos = keys.get_indexer(frame["metric"].astype(object))
    if (mpos < 0).any():
        bad = frame["metric"].to_numpy()[mpos < 0][0]
        raise PlanError(
            f"{where}: metric {bad!r} is not in plan {plan.role}; "
            f"its metrics are {', '.join(plan.metric_keys)}"
        )
    e, _ = pd.factorize(frame["employee_id"])
    p, _ = pd.factorize(frame["period"])
    row, uniq = pd.factorize(e.astype(np.int64) * (int(p.max(initial=0)) + 1) + p)
    n, k = len(uniq), len(keys)
    flat = row * k + mpos
    if len(np.unique(flat)) != len(flat):
        raise DataError(
            f"{where}: an (employee_id, period, metric) appears more than once; keep one row each"
        )
    mats = {}
    for c in value_columns:
        mat = np.full(n * k, np.nan)
        mat[flat] = pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=np.float64)
        mats[c] = mat.reshape(n, k)
    return row, mpos, mats


def _plan_for(role: Any, plans: Mapping[str, Plan], where: str) -> Plan:
    if role not in plans:
        raise PlanError(
            f"{where}: role {role!r} has no plan; known roles: {', '.join(sorted(plans))}"
        )
    return plans[role]


def score_metrics(values: pd.DataFrame, *, plans: Mapping[str, Plan]) -> pd.DataFrame:
    """Add achievement, score and (re-normalised) weight to metric values.

    Parameters
    ----------
    values : pandas.DataFrame
        As returned by :func:`perfkit.metrics.metric_values`: ``employee_id, period, role,
        team, metric, actual, target, note``.
    plans : mapping of str to Plan
        Plans by role.

    Returns
    -------
    pandas.DataFrame
        The input rows in the same order with columns ``employee_id, period, role, team,
        metric, kind, direction, actual, target, achievement, score, weight, weighted_score,
        note``. ``weight`` is the metric's plan weight re-normalised over the person's scored
        metrics (0 for an unscored metric); ``score`` and ``weighted_score`` are NaN where
        the metric could not be scored.

    Raises
    ------
    PlanError
        If a role has no plan or a metric is not in its role's plan.
    """
    if len(values) == 0:
        return empty_frame(SCORE_COLUMNS)
    n = len(values)
    cols = {c: np.full(n, np.nan) for c in ("achievement", "score", "weight", "weighted_score")}
    kind = np.full(n, "", dtype=object)
    direction = np.full(n, "", dtype=object)
    note = (
        values["note"].astype(object).fillna("").to_numpy()
        if "note" in values.columns
        else np.full(n, "", dtype=object)
    )
    out_note = note.copy()
    note_codes, note_labels = label_codes(note)
    note_labels = np.append(note_labels, "")  # the note of a metric missing from the frame
    role_codes, roles = pd.factorize(values["role"])
    for r, role in enumerate(roles):
        plan = _plan_for(role, plans, "metric values")
        idx = np.flatnonzero(role_codes == r)
        sub = values.iloc[idx]
        row, mpos, mats = _pivot(sub, plan, ["actual", "target"], where="metric values")
        dirs = np.array([m.direction for m in plan.metrics])
        arrays = score_matrix(achievement(mats["actual"], mats["target"], dirs[None, :]), plan=plan)
        kind[idx] = np.array([m.kind for m in plan.metrics], dtype=object)[mpos]
        direction[idx] = dirs.astype(object)[mpos]
        for c in cols:
            cols[c][idx] = getattr(arrays, c)[row, mpos]
        nmat = np.full(arrays.score.shape, len(note_labels) - 1, dtype=np.int64)
        nmat[row, mpos] = note_codes[idx]
        notes = score_notes(Coded(nmat, note_labels), mats["target"], arrays, plan=plan)
        out_note[idx] = notes.labels[notes.codes[row, mpos]]
    frame = pd.DataFrame(
        {
            "employee_id": values["employee_id"].to_numpy(),
            "period": values["period"].to_numpy(),
            "role": values["role"].to_numpy(),
            "team": values["team"].to_numpy() if "team" in values.columns else "",
            "metric": values["metric"].to_numpy(),
            "kind": kind,
            "direction": direction,
            "actual": values["actual"].to_numpy(dtype=np.float64),
            "target": values["target"].to_numpy(dtype=np.float64),
            **cols,
            "note": out_note,
        }
    )
    return type_frame(frame[SCORE_COLUMNS])


def score_achievement(achievement_frame: pd.DataFrame, *, plan: Plan) -> pd.DataFrame:
    """Composite, rating band and gates from achievements alone (no data re-reading).

    The fast path for what-if and Monte Carlo: resample or shift achievements, then score.

    Parameters
    ----------
    achievement_frame : pandas.DataFrame
        ``employee_id, period, metric, achievement`` (one row per person, period and plan
        metric; a missing row or NaN achievement counts as unscored). A ``team`` column, if
        present, is carried through.
    plan : Plan

    Returns
    -------
    pandas.DataFrame
        One row per (employee_id, period), in first-seen order: ``employee_id, period,
        [team,] composite, rating, gate_passed, gate_failed``.
    """
    if len(achievement_frame) == 0:
        return empty_frame(PERSON_COLUMNS)
    row, _, mats = _pivot(achievement_frame, plan, ["achievement"], where="achievement frame")
    arrays = score_matrix(mats["achievement"], plan=plan)
    first = np.unique(row, return_index=True)[1]
    out = {
        "employee_id": achievement_frame["employee_id"].to_numpy()[first],
        "period": achievement_frame["period"].to_numpy()[first],
    }
    if "team" in achievement_frame.columns:
        out["team"] = achievement_frame["team"].to_numpy()[first]
    out.update(
        composite=arrays.composite,
        rating=arrays.band,
        gate_passed=arrays.gate_passed,
        gate_failed=arrays.gate_failed,
    )
    return type_frame(pd.DataFrame(out))


def person_scores(scores: pd.DataFrame, *, plans: Mapping[str, Plan]) -> pd.DataFrame:
    """Per-person composite, band and gates from a metric scores frame.

    Parameters
    ----------
    scores : pandas.DataFrame
        As returned by :func:`score_metrics` (needs ``employee_id, period, role, team,
        metric, achievement``).
    plans : mapping of str to Plan

    Returns
    -------
    pandas.DataFrame
        One row per (employee_id, period), grouped by role in first-seen order:
        ``employee_id, period, role, team, composite, rating, gate_passed, gate_failed``.
    """
    cols = ["employee_id", "period", "role", "team", *PERSON_COLUMNS[2:]]
    parts = []
    role_codes, roles = pd.factorize(scores["role"])
    for r, role in enumerate(roles):
        plan = _plan_for(role, plans, "metric scores")
        sub = scores[role_codes == r]
        part = score_achievement(
            sub[["employee_id", "period", "team", "metric", "achievement"]], plan=plan
        )
        part.insert(2, "role", role)
        parts.append(part[cols])
    if not parts:
        return empty_frame(cols)
    return type_frame(pd.concat(parts, ignore_index=True))
