"""Role KPI plans: pydantic models of ``templates/plans/<role>.yaml`` and their loading.

A plan says, for one marketing role, which metrics count, how each is measured from raw
actuals, how achievement turns into a score, how scores combine into a composite and a
rating band, which gates must hold, and how the composite turns into a bonus. Every field is
explained, with an example, in ``docs/plans.md``.

Plans are frozen: to ask "what if", make a copy with :meth:`Plan.with_overrides`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ._yaml import load_yaml
from .errors import PlanError, Problem

#: The fix named when a plans folder is missing (relative default paths assume the repo root).
NO_PLANS_FIX = (
    "run from the repository root, or pass --plans with the folder of <role>.yaml plans "
    "(the repository's templates/plans)"
)

#: Weights of a plan's metrics must sum to 1 within this tolerance (stated once, used everywhere).
WEIGHT_TOLERANCE = 1e-6

Direction = Literal["higher", "lower"]
PeriodKind = Literal["month", "quarter", "half", "year"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Measure(_Frozen):
    """How a metric's value for a period is built from monthly raw actuals.

    Attributes
    ----------
    agg : {"sum", "mean", "last", "ratio", "growth", "rating"}
        ``sum``/``mean``/``last`` of the raw metric ``source`` over the months of the period;
        ``ratio``: the period sum of ``source`` divided by the period sum of ``denominator``
        (never a mean of monthly ratios); ``growth``: the period value of ``source`` (rolled
        up with ``of``) over its value in the ``baseline`` period, minus 1; ``rating``: the
        mean of the manager ratings recorded under ``source`` in the period.
    source : str
        Raw metric name in the actuals file (or rating name in the ratings file).
    denominator : str, optional
        Raw metric divided by, for ``ratio``.
    of : {"sum", "mean", "last"}
        How ``source`` rolls up before growth is taken, for ``growth``.
    baseline : {"previous_period", "same_period_last_year"}, optional
        The period growth is measured against, for ``growth``.
    scale : float
        Multiplier applied to the value (1.0 by default).
    shrink : bool
        For ``ratio`` only: score the empirical-Bayes (beta-binomial) estimate of the rate
        instead of the raw ratio, the prior fitted to the counts of everyone on the plan in
        the period (:mod:`perfkit.ebayes`). A rate on a small denominator moves towards the
        cohort's rate; one on a large denominator barely moves. Off by default.
    """

    agg: Literal["sum", "mean", "last", "ratio", "growth", "rating"]
    source: str
    denominator: str | None = None
    of: Literal["sum", "mean", "last"] = "sum"
    baseline: Literal["previous_period", "same_period_last_year"] | None = None
    scale: float = 1.0
    shrink: bool = False

    @model_validator(mode="after")
    def _check(self) -> Measure:
        if self.shrink and self.agg != "ratio":
            raise ValueError(f"`shrink` is only used with agg: ratio, not {self.agg}")
        if self.agg == "ratio" and not self.denominator:
            raise ValueError("a ratio needs `denominator`, the raw metric to divide by")
        if self.agg != "ratio" and self.denominator:
            raise ValueError(f"`denominator` is only used with agg: ratio, not {self.agg}")
        if self.agg == "growth" and not self.baseline:
            raise ValueError("growth needs `baseline`: previous_period or same_period_last_year")
        if self.agg != "growth" and self.baseline:
            raise ValueError(f"`baseline` is only used with agg: growth, not {self.agg}")
        if not (math.isfinite(self.scale) and self.scale > 0):
            raise ValueError(f"`scale` must be a positive number, not {self.scale}")
        return self


class Curve(_Frozen):
    """A score curve: piecewise-linear through ``(achievement, score)`` points.

    Flat beyond the first and last point. A repeated achievement value makes a jump (the
    later point holds from that achievement on). With ``step: true`` the score holds at each
    point's value until the next point (tiers), instead of running linearly between them.
    """

    points: tuple[tuple[float, float], ...] = Field(min_length=1)
    step: bool = False

    @field_validator("points")
    @classmethod
    def _ordered(cls, points: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        if not all(math.isfinite(v) for v in xs + ys):
            raise ValueError("curve points must be finite numbers")
        if any(b < a for a, b in zip(xs, xs[1:], strict=False)):
            raise ValueError(f"curve achievements must not decrease, got {xs}")
        if any(x < 0 for x in xs) or any(y < 0 for y in ys):
            raise ValueError("curve achievements and scores must not be negative")
        if any(b < a for a, b in zip(ys, ys[1:], strict=False)):
            raise ValueError(
                f"curve scores must not decrease (more achievement never scores less), got {ys}"
            )
        return points


class ScoreScale(_Frozen):
    """Scores at a metric's threshold, target and stretch when it names no curve.

    A score of 1.0 means on target. Below the threshold the score is ``below_threshold``
    (a jump at the threshold); it is linear from threshold to target and from target to
    stretch, and flat beyond the stretch.
    """

    below_threshold: float = 0.0
    at_threshold: float = 0.5
    at_target: float = 1.0
    at_stretch: float = 1.5

    @model_validator(mode="after")
    def _check(self) -> ScoreScale:
        vals = [self.below_threshold, self.at_threshold, self.at_target, self.at_stretch]
        if any(v < 0 for v in vals) or vals != sorted(vals):
            raise ValueError(
                f"scores must rise from below_threshold to at_stretch and not be negative, got {vals}"
            )
        return self


class Metric(_Frozen):
    """One KPI of a plan. See ``docs/plans.md`` for every field with an example."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    label_zh: str
    unit: Literal["count", "percent", "currency", "rank", "ratio", "score", "people"]
    kind: Literal["quantitative", "qualitative"]
    description: str = ""
    measure: Measure
    direction: Direction = "higher"
    target: float
    threshold: float | None = None
    stretch: float | None = None
    curve: str | None = None
    cap: float | None = None
    weight: float
    guidance: str = ""
    guidance_zh: str = ""

    @model_validator(mode="after")
    def _check(self) -> Metric:
        if self.kind == "qualitative" and self.measure.agg != "rating":
            raise ValueError("a qualitative metric is measured by ratings: use measure.agg: rating")
        if self.kind == "quantitative" and self.measure.agg == "rating":
            raise ValueError(
                "measure.agg: rating is for qualitative metrics; set kind: qualitative"
            )
        for name in ("target", "threshold", "stretch", "cap", "weight"):
            v = getattr(self, name)
            if v is not None and not math.isfinite(v):
                raise ValueError(f"`{name}` must be a finite number, not {v}")
        if self.target <= 0:
            raise ValueError(
                f"`target` must be above zero (achievement divides by it), not {self.target}"
            )
        if not 0 < self.weight <= 1:
            raise ValueError(f"`weight` must be above 0 and at most 1, not {self.weight}")
        if self.cap is not None and self.cap <= 0:
            raise ValueError(f"`cap` (the highest score) must be above zero, not {self.cap}")
        if self.curve is not None and (self.threshold is not None or self.stretch is not None):
            raise ValueError("give either a named `curve` or `threshold`/`stretch`, not both")
        seq = [v for v in (self.threshold, self.target, self.stretch) if v is not None]
        ok = seq == sorted(seq) if self.direction == "higher" else seq == sorted(seq, reverse=True)
        if not ok or len(set(seq)) != len(seq):
            order = (
                "threshold < target < stretch"
                if self.direction == "higher"
                else ("threshold > target > stretch (lower is better)")
            )
            raise ValueError(
                f"threshold, target and stretch are out of order: "
                f"{self.threshold}, {self.target}, {self.stretch}; expected {order}"
            )
        if (
            self.direction == "lower"
            and self.threshold is not None
            and self.threshold >= 2 * self.target
        ):
            raise ValueError(
                "for lower-is-better metrics achievement is 2 - actual/target, so a threshold at "
                f"or above twice the target ({2 * self.target}) can never be reached; lower it"
            )
        return self

    def achievement_of(self, value: float) -> float:
        """Achievement of a value against this metric's default target (see scoring docs)."""
        if self.direction == "higher":
            return value / self.target
        return 2.0 - value / self.target


class RatingBand(_Frozen):
    """A rating band: composites at or above ``min_composite`` (and below the next band up).

    ``label`` is the band's meaning in English (e.g. ``Meets``); ``label_zh`` its Chinese
    wording for reports in Chinese, which otherwise translate the usual English labels.
    """

    band: str
    min_composite: float = Field(ge=0)
    guideline_share: float = Field(ge=0, le=1)
    label: str = ""
    label_zh: str = ""


class Gate(_Frozen):
    """A condition that must hold for any bonus to be paid.

    ``metric`` names a plan metric; the gate fails when that metric's achievement is below
    ``min_achievement``. A failed gate pays nothing (individual and team component alike).
    """

    key: str
    metric: str
    min_achievement: float = Field(gt=0)
    description: str = ""


#: The fields of the three-point ("classic") spelling of a payout curve.
CLASSIC_CURVE_FIELDS = (
    "threshold", "threshold_payout", "target", "target_payout", "stretch", "stretch_payout",
)  # fmt: skip
_CLASSIC_DEFAULTS = {
    "threshold": 0.7, "threshold_payout": 0.5, "target": 1.0, "target_payout": 1.0,
    "stretch": 1.3, "stretch_payout": 2.0,
}  # fmt: skip


class PayoutCurve(_Frozen):
    """Composite score to payout as a share of the target bonus.

    Two spellings of one curve:

    - **Three points** (``threshold``, ``target``, ``stretch`` and their payouts): nothing
      below ``threshold``; ``threshold_payout`` at it (a jump when above 0); linear to
      ``target_payout`` at ``target``; linear (the accelerator) to ``stretch_payout`` at
      ``stretch``; flat beyond.
    - **Any number of points** (``points``, as ICM rate tables have), read by ``form``:

      - ``linear``: ``(composite, payout)`` points; nothing below the first, the first
        point's payout from it on, linear between points, flat after the last;
      - ``tier``: ``(composite, payout)`` points; each tier's payout holds on everything
        from its composite until the next tier's;
      - ``marginal``: ``(composite, rate)`` brackets; ``base`` is paid at the first
        bracket's composite, then each bracket adds ``rate`` per unit of composite until
        the next bracket starts (the last runs until ``cap``).

    Either way the payout never exceeds ``cap``. The three-point fields always hold values:
    for a curve given by points they are derived (``threshold`` the first point,
    ``target`` the first point paying 100% of target or more, ``stretch`` the last point),
    for explanations and charts.
    """

    threshold: float = 0.7
    threshold_payout: float = 0.5
    target: float = 1.0
    target_payout: float = 1.0
    stretch: float = 1.3
    stretch_payout: float = 2.0
    cap: float = 2.0
    points: tuple[tuple[float, float], ...] | None = None
    form: Literal["linear", "tier", "marginal"] = "linear"
    base: float = Field(default=0.0, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _spelling(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get("points") is None:
            return data
        given = {k: data[k] for k in CLASSIC_CURVE_FIELDS if k in data}
        out = {k: v for k, v in data.items() if k not in CLASSIC_CURVE_FIELDS}
        try:
            derived = _classic_of(out)
        except (TypeError, ValueError, IndexError):
            return out  # the field checks below name what is wrong with the points
        # a dumped curve carries both spellings; they must agree (a plan file gives one)
        if any(not math.isclose(float(v), derived[k]) for k, v in given.items()):
            raise ValueError(
                "give the payout curve either as `points` or as threshold/target/stretch, not both"
            )
        return {**out, **derived}

    @model_validator(mode="after")
    def _check(self) -> PayoutCurve:
        if self.points is not None:
            xs = [p[0] for p in self.points]
            ys = [p[1] for p in self.points]
            if not all(math.isfinite(v) for v in xs + ys):
                raise ValueError("payout curve points must be finite numbers")
            if xs[0] < 0 or any(b <= a for a, b in zip(xs, xs[1:], strict=False)):
                raise ValueError(
                    f"payout curve points need composites from 0 up, each above the last, got {xs}"
                )
            if min(ys) < 0 or (self.form != "marginal" and ys != sorted(ys)):
                what = (
                    "rates must be 0 or more"
                    if self.form == "marginal"
                    else "payouts must not fall"
                )
                raise ValueError(f"payout curve {what}, got {ys}")
            if self.cap <= 0:
                raise ValueError(f"`cap` {self.cap} must be above 0")
            return self
        xs = [self.threshold, self.target, self.stretch]
        if not (0 <= xs[0] < xs[1] < xs[2]):
            raise ValueError(f"payout curve needs 0 <= threshold < target < stretch, got {xs}")
        ys = [self.threshold_payout, self.target_payout, self.stretch_payout]
        if not (0 <= ys[0] <= ys[1] <= ys[2]):
            raise ValueError(f"payouts must not fall from threshold to stretch, got {ys}")
        if self.cap < self.target_payout:
            raise ValueError(f"`cap` {self.cap} is below target_payout {self.target_payout}")
        return self

    def knots(self) -> tuple[tuple[tuple[float, float], ...], bool]:
        """The curve as ``(composite, payout)`` points for :func:`perfkit.scoring.curve_score`.

        Returns
        -------
        points : tuple of (float, float)
            Starting with ``(first composite, 0)``, so nothing is paid below it.
        step : bool
            True for the ``tier`` form.
        """
        if self.points is None:
            return (
                (self.threshold, 0.0),
                (self.threshold, self.threshold_payout),
                (self.target, self.target_payout),
                (self.stretch, self.stretch_payout),
            ), False
        return _knots(self.points, self.form, self.base, self.cap)


def _knots(
    points: tuple[tuple[float, float], ...], form: str, base: float, cap: float
) -> tuple[tuple[tuple[float, float], ...], bool]:
    pts = [(float(x), float(y)) for x, y in points]
    if form == "marginal":  # brackets of (from, rate) to cumulative (composite, payout)
        out = [(pts[0][0], 0.0), (pts[0][0], base)]
        y = base
        for (x0, rate), (x1, _) in zip(pts, pts[1:], strict=False):
            y += rate * (x1 - x0)
            out.append((x1, y))
        last_x, last_rate = pts[-1]
        if last_rate > 0 and y < cap:
            out.append((last_x + (cap - y) / last_rate, cap))
        return tuple(out), False
    return ((pts[0][0], 0.0), *pts), form == "tier"


def _classic_of(data: dict[str, Any]) -> dict[str, float]:
    """The three-point fields a curve given by points stands for (see PayoutCurve)."""
    pts = tuple((float(x), float(y)) for x, y in data["points"])
    form = data.get("form", "linear")
    knots, _ = _knots(pts, form, float(data.get("base", 0.0)), float(data.get("cap", 2.0)))
    knots = knots[1:]  # without the leading (first, 0)
    at_target = [k for k in knots if k[1] >= 1.0 - 1e-9]
    target = at_target[0] if at_target else knots[-1]
    return {
        "threshold": knots[0][0],
        "threshold_payout": knots[0][1],
        "target": target[0],
        "target_payout": target[1],
        "stretch": knots[-1][0],
        "stretch_payout": knots[-1][1],
    }


class Payout(_Frozen):
    """How the composite becomes money. See ``docs/plans.md``.

    Attributes
    ----------
    curve : PayoutCurve
    team_share : float
        Share of the target bonus paid on the team result, 0 to 1; the rest is individual.
    team_measure : str
        ``composite`` (the mean composite of the team's members in the period) or the key of
        a plan metric (the team's pooled achievement of it, run through the payout curve).
    person_cap : float
        The most one person is paid in a period, as a multiple of their period target bonus.
    modifier_min, modifier_max : float
        Bounds of the discretionary modifier a manager may apply (1.0 means none).
    proration : {"days", "none"}
        ``days``: pay in proportion to calendar days employed in the period.
    """

    curve: PayoutCurve = PayoutCurve()
    team_share: float = Field(default=0.0, ge=0, le=1)
    team_measure: str = "composite"
    person_cap: float = Field(default=2.0, gt=0)
    modifier_min: float = Field(default=1.0, ge=0)
    modifier_max: float = Field(default=1.0, ge=0)
    proration: Literal["days", "none"] = "days"

    @model_validator(mode="after")
    def _check(self) -> Payout:
        if not self.modifier_min <= 1.0 <= self.modifier_max:
            raise ValueError(
                f"modifier bounds must hold 1.0: modifier_min {self.modifier_min} <= 1 <= "
                f"modifier_max {self.modifier_max}"
            )
        return self


class Recognition(_Frozen):
    """Who a period puts forward for recognition and promotion. See ``docs/plans.md``.

    Attributes
    ----------
    top_share : float
        Top performers: this share of the role's scored people in the period (at least one),
        best composite first, among those who passed every gate and reached
        ``top_min_composite``.
    top_min_composite : float
        The least composite of a top performer (1.0 = on target).
    most_improved_n : int
        Most improved: at most this many people per role and period, by the rise of their
        composite over the period before (0: none).
    most_improved_min_gain : float
        The least rise of the composite that counts as an improvement.
    team_award : bool
        Whether the best team of the role is named each period.
    team_award_min_composite : float
        The least mean composite of the awarded team.
    team_award_min_size : int
        The fewest scored members a team needs for the award.
    promotion_band : str, optional
        Promotion readiness: a band at least this good in each of the last
        ``promotion_periods`` periods. Default: the plan's second-best band.
    promotion_periods : int
        How many periods in a row, ending with the evaluated one.
    """

    top_share: float = Field(default=0.10, gt=0, le=1)
    top_min_composite: float = Field(default=1.0, ge=0)
    most_improved_n: int = Field(default=3, ge=0)
    most_improved_min_gain: float = Field(default=0.10, ge=0)
    team_award: bool = True
    team_award_min_composite: float = Field(default=1.0, ge=0)
    team_award_min_size: int = Field(default=2, ge=1)
    promotion_band: str | None = None
    promotion_periods: int = Field(default=4, ge=1)


class Plan(_Frozen):
    """The KPI and incentive plan of one role."""

    role: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    name_zh: str
    version: str = "1"
    currency: str = "CNY"
    period: PeriodKind = "quarter"
    metrics: tuple[Metric, ...] = Field(min_length=1)
    curves: dict[str, Curve] = Field(default_factory=dict)
    score_scale: ScoreScale = ScoreScale()
    rating_bands: tuple[RatingBand, ...] = Field(min_length=1)
    gates: tuple[Gate, ...] = ()
    payout: Payout = Payout()
    recognition: Recognition = Recognition()

    @model_validator(mode="after")
    def _check_recognition(self) -> Plan:
        band = self.recognition.promotion_band
        bands = [b.band for b in self.rating_bands]
        if band is not None and band not in bands:
            raise ValueError(
                f"recognition.promotion_band {band!r} is not a rating band of the plan "
                f"({', '.join(bands)})"
            )
        return self

    @model_validator(mode="after")
    def _check(self) -> Plan:
        keys = [m.key for m in self.metrics]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"metric keys must be unique; repeated: {', '.join(dupes)}")
        total = math.fsum(m.weight for m in self.metrics)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            parts = " + ".join(f"{m.key} {m.weight:g}" for m in self.metrics)
            raise ValueError(
                f"metric weights add up to {total:.6g}, not 1 ({parts}); make them sum to 1"
            )
        for m in self.metrics:
            if m.curve is not None and m.curve not in self.curves:
                known = ", ".join(sorted(self.curves)) or "none defined"
                raise ValueError(
                    f"metric {m.key} names curve {m.curve!r}, not in `curves` ({known})"
                )
        for g in self.gates:
            if g.metric not in keys:
                raise ValueError(
                    f"gate {g.key} names metric {g.metric!r}, not in the plan ({', '.join(keys)})"
                )
        if self.payout.team_measure != "composite" and self.payout.team_measure not in keys:
            raise ValueError(
                f"payout.team_measure {self.payout.team_measure!r} is neither `composite` nor a "
                f"metric of the plan ({', '.join(keys)})"
            )
        mins = [b.min_composite for b in self.rating_bands]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError(
                f"rating bands must be listed best first with falling min_composite, got {mins}"
            )
        if mins[-1] != 0:
            raise ValueError(
                "the lowest rating band must start at min_composite 0 so every score has a band"
            )
        share = math.fsum(b.guideline_share for b in self.rating_bands)
        if abs(share - 1.0) > WEIGHT_TOLERANCE:
            raise ValueError(f"rating band guideline shares add up to {share:.6g}, not 1")
        return self

    # -- conveniences -------------------------------------------------------------------
    @property
    def metric_keys(self) -> tuple[str, ...]:
        """Keys of the plan's metrics, in plan order."""
        return tuple(m.key for m in self.metrics)

    def metric(self, key: str) -> Metric:
        """The metric with ``key``; raises PlanError naming the known keys if absent."""
        for m in self.metrics:
            if m.key == key:
                return m
        raise PlanError(
            f"plan {self.role}: no metric {key!r}; known metrics: {', '.join(self.metric_keys)}"
        )

    def curve_points(self, metric: Metric | str) -> tuple[tuple[tuple[float, float], ...], bool]:
        """The ``(achievement, score)`` points and step flag that score ``metric``.

        A named curve is used as written. Otherwise the points come from the metric's
        threshold, target and stretch turned into achievement, with :attr:`score_scale`'s scores,
        and the metric's ``cap`` limits the score.
        """
        m = self.metric(metric) if isinstance(metric, str) else metric
        if m.curve is not None:
            c = self.curves[m.curve]
            pts = c.points
            step = c.step
        else:
            s = self.score_scale
            pts_list: list[tuple[float, float]] = []
            if m.threshold is not None:
                th = max(m.achievement_of(m.threshold), 0.0)
                pts_list += [(th, s.below_threshold), (th, s.at_threshold)]
            else:
                pts_list += [(0.0, 0.0)]
            pts_list.append((1.0, s.at_target))
            if m.stretch is not None:
                pts_list.append((m.achievement_of(m.stretch), s.at_stretch))
            pts = tuple(pts_list)
            step = False
        # rounding keeps 2 - 8/5 at 0.4, so hand-worked examples hold exactly
        pts = tuple((round(x, 12), y) for x, y in pts)
        if m.cap is not None:
            pts = _clip_curve(pts, m.cap, step=step)
        return pts, step

    def with_overrides(self, overrides: Mapping[str, Any] | None = None, /, **kw: Any) -> Plan:
        """A validated copy of the plan with some fields changed, for what-if analysis.

        Parameters
        ----------
        overrides : mapping, optional
            Dotted paths to new values. A metric is addressed by its key:
            ``{"payout.curve.threshold": 0.85, "payout.team_share": 0.4,
            "metrics.leads.weight": 0.3, "metrics.ctr.weight": 0.1}``.
        **kw
            Top-level fields, e.g. ``period="year"``.

        Returns
        -------
        Plan
            A new frozen plan; the original is unchanged.

        Raises
        ------
        PlanError
            If a path names no field or the changed plan is not valid (e.g. weights no longer
            sum to 1).
        """
        data = self.model_dump(mode="json")
        changes = dict(overrides or {})
        changes.update(kw)
        for path, value in changes.items():
            parts = path.split(".")
            node: Any = data
            for i, part in enumerate(parts[:-1]):
                if isinstance(node, list) and part.isdigit():  # curve points: by position
                    if int(part) >= len(node):
                        raise PlanError(f"plan {self.role}: override {path!r}: no item {part}")
                    if not isinstance(node[int(part)], list | dict):
                        raise PlanError(f"plan {self.role}: override {path!r}: no field {part}")
                    node = node[int(part)]
                    continue
                if isinstance(node, list):  # metrics, gates, bands: addressed by key
                    match = [x for x in node if part in (x.get("key"), x.get("band"))]
                    if not match:
                        raise PlanError(f"plan {self.role}: override {path!r}: no item {part!r}")
                    node = match[0]
                elif isinstance(node, dict) and part in node:
                    node = node[part]
                else:
                    raise PlanError(
                        f"plan {self.role}: override {path!r}: no field {'.'.join(parts[: i + 1])!r}"
                    )
            last = parts[-1]
            if isinstance(node, list) and last.isdigit() and int(last) < len(node):
                node[int(last)] = value
                continue
            if not isinstance(node, dict) or (last not in node and node is not data.get("curves")):
                raise PlanError(f"plan {self.role}: override {path!r}: no field {path!r}")
            if parts[:2] == ["payout", "curve"] and len(parts) == 3:
                _override_curve(node, last, value)
                continue
            cast(dict[str, Any], node)[last] = value
        curve = data["payout"]["curve"]
        if isinstance(curve, dict) and curve.get("points") is not None:
            for k in CLASSIC_CURVE_FIELDS:  # derived again from the (changed) points
                curve.pop(k, None)
        try:
            return Plan.model_validate(data)
        except ValidationError as exc:
            raise _plan_error(exc, source=f"plan {self.role} with overrides {changes}") from None


def _override_curve(curve: Any, field: str, value: Any) -> None:
    """Change one field of a dumped payout curve, keeping its two spellings in step.

    For a curve given by points, a three-point field moves the point it stands for:
    ``threshold`` and ``threshold_payout`` the first point (its payout is ``base`` in the
    marginal form), ``stretch`` and ``stretch_payout`` the last, ``target`` and
    ``target_payout`` the point that is the target; the derived fields are then worked
    out again from the points.
    """
    points = curve.get("points")
    if field not in CLASSIC_CURVE_FIELDS or points is None:
        curve[field] = value
        return
    pts = [list(p) for p in points]
    anchor = {"threshold": "threshold", "target": "target", "stretch": "stretch"}
    name = field.removesuffix("_payout")
    x_old = float(curve[anchor[name]])
    i = min(range(len(pts)), key=lambda j: abs(pts[j][0] - x_old))
    if field.endswith("_payout"):
        if curve.get("form") == "marginal":
            if i != 0:
                raise PlanError(
                    f"override payout.curve.{field}: a marginal curve sets payouts by its "
                    "rates; override payout.curve.points.N.1 (a rate) or payout.curve.base"
                )
            curve["base"] = value
        else:
            pts[i][1] = value
    else:
        pts[i][0] = value
    curve["points"] = pts


def _clip_curve(
    points: tuple[tuple[float, float], ...], cap: float, *, step: bool
) -> tuple[tuple[float, float], ...]:
    """The curve ``min(curve(x), cap)`` as points.

    On a linear segment that crosses the cap, a point is added where it crosses, so the
    slope below the cap is kept (the score rises as before, then stays at the cap) rather
    than flattened.
    """
    out: list[tuple[float, float]] = []
    for i, (x, y) in enumerate(points):
        if i and not step:
            x0, y0 = points[i - 1]
            if y0 < cap < y and x > x0:
                out.append((round(x0 + (cap - y0) * (x - x0) / (y - y0), 12), cap))
        out.append((x, min(y, cap)))
    return tuple(out)


def _loc(loc: Iterable[Any], data: Any) -> str:
    """Dotted field path, with metric keys instead of list positions where known."""
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int) and isinstance(node, list) and item < len(node):
            node = node[item]
            key = node.get("key") if isinstance(node, dict) else None
            parts.append(f"[{item}]" + (f"({key})" if key else ""))
            continue
        parts.append(str(item))
        node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts).replace(".[", "[")


def _field_names() -> list[str]:
    models = (Plan, Metric, Measure, Curve, ScoreScale, RatingBand, Gate, PayoutCurve, Payout)
    return sorted({name for model in models for name in model.model_fields})


def _plan_error(exc: ValidationError, *, source: str, data: Any = None) -> PlanError:
    """Translate pydantic's errors into problems an analyst can act on (no pydantic terms)."""
    problems = []
    for err in exc.errors():
        loc = err["loc"]
        where = f"{source}, field {_loc(loc, data)}" if loc else source
        value = err.get("input")
        found = "" if isinstance(value, dict | list) else f"found {value!r}"
        msg = err["msg"].removeprefix("Value error, ")
        kind = err["type"]
        if kind == "extra_forbidden":
            close = difflib.get_close_matches(str(loc[-1]), _field_names(), n=1, cutoff=0.6)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            found = f"unknown field `{loc[-1]}`"
            expected = f"remove it or correct its spelling{hint}; see docs/plans.md"
        elif kind == "missing":
            found = "missing"
            expected = f"add `{loc[-1]}`; see docs/plans.md"
        elif kind == "literal_error":
            expected = f"use {err.get('ctx', {}).get('expected', msg)}"
        elif kind == "string_pattern_mismatch":
            expected = "use lower-case letters, digits and _, starting with a letter"
        elif kind == "value_error":
            found, expected = (found, msg) if found else (msg, "")
        else:
            expected = msg.replace("Input should be", "expected")
        problems.append(Problem(where, found, expected))
    return PlanError.from_problems(problems, subject=source)


def load_plan(path: str | Path) -> Plan:
    """Load and check one plan file.

    Parameters
    ----------
    path : str or Path
        A YAML plan, e.g. ``templates/plans/online_promotion.yaml``.

    Returns
    -------
    Plan

    Raises
    ------
    PlanError
        Naming the file and each bad field path, what was found and what is expected.
    """
    path = Path(path)
    if not path.is_file():
        raise PlanError.single(str(path), "plan file not found", "give the path of a <role>.yaml")
    data = load_yaml(path, where=str(path), error=PlanError)
    if not isinstance(data, dict):
        raise PlanError.single(
            str(path), "empty or not a mapping", "a plan starts with `role:` and lists `metrics:`"
        )
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise _plan_error(exc, source=str(path), data=data) from None
    if plan.role != path.stem:
        raise PlanError.single(
            f"{path}, field role",
            f"found {plan.role!r} in a file named {path.name}",
            f"name the file after its role ({plan.role}.yaml) or say role: {path.stem}",
        )
    return plan


def find_plans_dir(plans_dir: str | Path | None = None, *, start: str | Path | None = None) -> Path:
    """The plans folder a command uses: the one documented rule.

    1. ``plans_dir`` when given (``--plans``), as it is;
    2. else ``templates/plans`` in the working folder or the nearest parent folder that has
       one (so commands work from anywhere inside a project folder such as one made by
       ``perfkit init``, and from ``notebooks/``);
    3. else the plans bundled with the installed package.

    Parameters
    ----------
    plans_dir : str or Path, optional
        An explicit folder.
    start : str or Path, optional
        Where the search of step 2 begins (default: the working folder).

    Returns
    -------
    Path
        For an explicit folder, that path even if it does not exist (loading it then
        names it in the error).
    """
    if plans_dir is not None and str(plans_dir) != "":
        return Path(plans_dir)
    here = Path(start) if start is not None else Path.cwd()
    for folder in (here, *here.resolve().parents):
        if (folder / "templates" / "plans").is_dir():
            return folder / "templates" / "plans"
    from ._resources import templates_dir

    return templates_dir() / "plans"


def plan_files(directory: str | Path) -> dict[str, Path]:
    """The plan file of each role in a folder: the one rule for finding plans.

    A plan is ``<role>.yaml`` or ``<role>.yml``; other files are ignored. Every command,
    the report notebooks and :func:`perfkit.validation.validate` find plans through this
    function, so they always read the same file for a role.

    Parameters
    ----------
    directory : str or Path
        A plans folder; one that does not exist holds no plans.

    Returns
    -------
    dict of str to Path
        The plan file keyed by role, in role order.

    Raises
    ------
    PlanError
        If a role has both a ``.yaml`` and a ``.yml`` file (which one counts would be a
        guess), naming both files.
    """
    directory = Path(directory)
    if not directory.is_dir():
        return {}
    found: dict[str, list[Path]] = {}
    for path in sorted(directory.iterdir()):
        if path.suffix in (".yaml", ".yml") and path.is_file():
            found.setdefault(path.stem, []).append(path)
    problems = [
        Problem(
            str(paths[0]),
            f"role {role!r} has two plan files ({', '.join(p.name for p in paths)})",
            "keep one plan file per role: remove or rename the other",
        )
        for role, paths in found.items()
        if len(paths) > 1
    ]
    if problems:
        raise PlanError.from_problems(problems, subject=str(directory))
    return {role: paths[0] for role, paths in sorted(found.items())}


def role_plan(directory: str | Path, role: str) -> Plan:
    """Load the plan of one role from a plans folder.

    Only this role's plan is read, so a broken plan of another role does not stop it.

    Raises
    ------
    PlanError
        If the folder is missing, the role has no plan (the message lists the roles that
        have one), the role has two plan files, or the plan is invalid.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise PlanError.single(str(directory), "plans folder not found", NO_PLANS_FIX)
    files = plan_files(directory)
    if role not in files:
        raise PlanError.single(
            str(directory / f"{role}.yaml"),
            f"no plan for role {role!r}",
            f"choose one of: {', '.join(files) or '(none)'}",
        )
    return load_plan(files[role])


def load_plans(directory: str | Path = "templates/plans") -> dict[str, Plan]:
    """Load every plan in a folder (see :func:`plan_files`), keyed by role.

    All files are checked before raising, so one error lists every problem found.

    Raises
    ------
    PlanError
        If the folder is missing or holds no plan, a role has two plan files, or any plan
        is invalid.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise PlanError.single(str(directory), "plans folder not found", NO_PLANS_FIX)
    files = plan_files(directory)
    if not files:
        raise PlanError.single(
            str(directory), "no *.yaml plan files found", "copy one from templates/plans"
        )
    plans: dict[str, Plan] = {}
    problems: list[Problem] = []
    for role, f in files.items():
        try:
            plans[role] = load_plan(f)
        except PlanError as exc:
            problems.extend(exc.problems or [Problem(str(f), exc.summary, "fix the plan file")])
    if problems:
        raise PlanError.from_problems(problems, subject=str(directory))
    return plans
