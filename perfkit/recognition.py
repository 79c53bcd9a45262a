"""Recognition and promotion candidates: the incentives besides money, by the plan's rules.

:func:`recognition` reads the ``results`` of an evaluation that holds the period asked for
and the periods before it (:func:`history` evaluates them in one call) and names, per role
and period, by the rules of each plan's ``recognition`` block (``docs/plans.md``):

- **top performers**: the best ``top_share`` of the role's scored people (at least one),
  best composite first, among those who passed every gate and reached ``top_min_composite``;
- **most improved**: the ``most_improved_n`` largest rises of the composite on the period
  before (at least ``most_improved_min_gain``, every gate passed in the period);
- **team award**: every member of the role's team with the best mean composite, when it
  reaches ``team_award_min_composite`` and has ``team_award_min_size`` scored members (a
  role of one team has none: there is nobody to compare it with);
- **promotion ready**: a band at least ``promotion_band`` (default: the plan's second-best)
  in each of the last ``promotion_periods`` periods, the evaluated one included.

The selection works on whole columns (ranks, group means, a pivot of bands), one pass per
role; ties are broken by employee id (and team name), so the same data always name the same
people.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .evaluation import Evaluation, evaluate
from .periods import Period, parse_period
from .plans import Plan
from .scoring import KNOT_TOLERANCE
from .summary import format_cut, last_periods

#: Columns of :func:`recognition`'s frame.
RECOGNITION_COLUMNS = [
    "employee_id", "name", "period", "role", "team", "award", "value", "rank", "out_of",
    "reason",
]  # fmt: skip

#: The awards, in the order they are listed.
AWARDS = ("top_performer", "most_improved", "team_award", "promotion_ready")


def promotion_band(plan: Plan) -> str:
    """The band promotion readiness asks for: the plan's ``recognition.promotion_band``, else
    its second-best band (its only band when it has one)."""
    if plan.recognition.promotion_band is not None:
        return plan.recognition.promotion_band
    return plan.rating_bands[min(1, len(plan.rating_bands) - 1)].band


def history(
    dataset: Any,
    plans: Mapping[str, Plan],
    period: str | Period,
    *,
    n: int = 4,
    roles: Iterable[str] | str | None = None,
) -> Evaluation:
    """Evaluate ``period`` and up to ``n - 1`` periods of its kind before it, in one call.

    Periods whose months are not all in the data are left out (the evaluated period must be
    complete), so a trend or a readiness rule never reads months that do not exist.

    Parameters
    ----------
    dataset : perfkit.io.Dataset
    plans : mapping of str to Plan
    period : str or Period
        The evaluated (last) period, e.g. ``2026Q3``.
    n : int
        How many periods at most, the evaluated one included.
    roles : optional
        As for :func:`perfkit.evaluate`.

    Returns
    -------
    Evaluation
        Its ``periods`` end with ``period``.
    """
    label = parse_period(period).label
    labels = last_periods(label, n=max(n, 1), months=dataset.months)
    if label not in labels:
        labels.append(label)  # evaluate() names what is missing
    return evaluate(dataset, plans, labels, roles=roles)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=_DTYPES[c]) for c in RECOGNITION_COLUMNS})


_DTYPES = {
    "employee_id": "str", "name": "str", "period": "str", "role": "str", "team": "str",
    "award": "str", "value": "float64", "rank": "int64", "out_of": "int64", "reason": "str",
}  # fmt: skip


def _rows(frame: pd.DataFrame, award: str, value: Any, rank: Any, out_of: Any, reason: Any):
    return pd.DataFrame(
        {
            "employee_id": frame["employee_id"].to_numpy(dtype=object),
            "name": frame["name"].to_numpy(dtype=object),
            "period": frame["period"].to_numpy(dtype=object),
            "role": frame["role"].to_numpy(dtype=object),
            "team": frame["team"].to_numpy(dtype=object),
            "award": award,
            "value": np.asarray(value, dtype=np.float64),
            "rank": np.asarray(rank, dtype=np.int64),
            "out_of": np.asarray(out_of, dtype=np.int64),
            "reason": np.asarray(reason, dtype=object),
        }
    )


def _cut(values: Any) -> list[str]:
    return [format_cut(v) for v in values]


def _top(now: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    rule = plan.recognition
    scored = now[now["composite"].notna()]
    n = max(1, math.ceil(round(rule.top_share * len(scored), 9)))
    ok = scored[
        scored["gate_passed"] & (scored["composite"] >= rule.top_min_composite - KNOT_TOLERANCE)
    ].sort_values(["composite", "employee_id"], ascending=[False, True], kind="mergesort")
    # rank among every scored person of the role, so "rank 2 of 39" means what it says
    rank_all = scored["composite"].rank(method="min", ascending=False)
    picked = ok.head(n)
    ranks = rank_all.loc[picked.index].to_numpy()
    reason = [
        f"composite {c} (band {b}), rank {int(r)} of {len(scored)} in {plan.name}"
        for c, b, r in zip(_cut(picked["composite"]), picked["rating"], ranks, strict=True)
    ]
    return _rows(picked, "top_performer", picked["composite"], ranks, len(scored), reason)


def _improved(now: pd.DataFrame, before: pd.DataFrame, plan: Plan, prev: str) -> pd.DataFrame:
    rule = plan.recognition
    if rule.most_improved_n == 0 or before.empty:
        return _empty()
    old = before.set_index("employee_id")["composite"]
    was = now["employee_id"].map(old).astype(float)
    gain = now["composite"] - was
    both = now.assign(_gain=gain, _was=was)[gain.notna()]
    cand = both[both["gate_passed"] & (both["_gain"] >= rule.most_improved_min_gain - 1e-9)]
    cand = cand.sort_values(["_gain", "employee_id"], ascending=[False, True], kind="mergesort")
    picked = cand.head(rule.most_improved_n)
    reason = [
        f"composite up {g:.2f} on {prev} ({w} to {c})"
        for g, w, c in zip(
            picked["_gain"], _cut(picked["_was"]), _cut(picked["composite"]), strict=True
        )
    ]
    ranks = np.arange(1, len(picked) + 1)
    return _rows(picked, "most_improved", picked["_gain"], ranks, len(both), reason)


def _team(now: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    rule = plan.recognition
    scored = now[now["composite"].notna() & (now["team"].fillna("") != "")]
    if not rule.team_award or scored.empty:
        return _empty()
    teams = scored.groupby("team", sort=True)["composite"].agg(["mean", "size"])
    if len(teams) < 2:
        return _empty()  # a role of one team has no one to compare it with
    ok = teams[
        (teams["size"] >= rule.team_award_min_size)
        & (teams["mean"] >= rule.team_award_min_composite - KNOT_TOLERANCE)
    ]
    if ok.empty:
        return _empty()
    ok = ok.reset_index().sort_values(["mean", "team"], ascending=[False, True], kind="mergesort")
    best = ok.iloc[0]
    members = now[now["team"] == best["team"]]
    reason = (
        f"team {best['team']}: mean composite {format_cut(best['mean'])} of "
        f"{int(best['size'])} people, best of {len(teams)} teams in {plan.name}"
    )
    return _rows(members, "team_award", best["mean"], 1, len(teams), [reason] * len(members))


def _ready(hist: pd.DataFrame, plan: Plan, labels: list[str]) -> pd.DataFrame:
    need = plan.recognition.promotion_periods
    if len(labels) < need:
        return _empty()
    window = labels[-need:]
    band = promotion_band(plan)
    order = {b.band: i for i, b in enumerate(plan.rating_bands)}
    rows = hist[hist["period"].isin(window)]
    rank = rows["rating"].map(order).astype(float)  # NaN: no band
    good = rows.assign(_ok=(rank <= order[band]).astype(int))
    per = good.groupby("employee_id", sort=True)["_ok"].agg(["sum", "size"])
    ready_ids = per.index[(per["sum"] == need) & (per["size"] == need)]
    now = hist[(hist["period"] == labels[-1]) & hist["employee_id"].isin(ready_ids)]
    span = window[0] if need == 1 else f"{window[0]} to {window[-1]}"
    reason = f"band {band} or better in each of {need} period(s), {span}"
    return _rows(now, "promotion_ready", need, 1, need, [reason] * len(now))


def recognition(
    results: pd.DataFrame, plans: Mapping[str, Plan], *, period: str | Period
) -> pd.DataFrame:
    """Candidates for recognition and promotion in ``period``, by each plan's rules.

    Parameters
    ----------
    results : DataFrame
        ``Evaluation.results`` holding ``period`` and, for most improved and promotion
        readiness, the periods before it (see :func:`history`).
    plans : mapping of str to Plan
        The plans by role; roles without a plan are left out.
    period : str or Period
        The period the candidates are named for.

    Returns
    -------
    DataFrame
        :data:`RECOGNITION_COLUMNS`: one row per person and award, ``award`` one of
        :data:`AWARDS`; ``value`` the composite (top performer), the rise of the composite
        (most improved), the team's mean composite (team award) or the periods in a row
        (promotion ready); ``rank`` and ``out_of`` the place among the role's scored people
        (or teams); ``reason`` one sentence. Sorted by role, award, rank and employee id.
    """
    p = parse_period(period)
    prev = p.shift(-1).label
    labels_all = sorted(set(results["period"]), key=lambda s: parse_period(s).first)
    labels = [lb for lb in labels_all if parse_period(lb).first <= p.first]
    parts = [_empty()]
    for role, plan in sorted(plans.items()):
        mine = results[results["role"] == role]
        now = mine[mine["period"] == p.label]
        if now.empty:
            continue
        parts += [
            _top(now, plan),
            _improved(now, mine[mine["period"] == prev], plan, prev),
            _team(now, plan),
            _ready(mine, plan, [lb for lb in labels if parse_period(lb).kind == p.kind]),
        ]
    out = pd.concat([x for x in parts if len(x)] or [_empty()], ignore_index=True)
    out["_a"] = out["award"].map({a: i for i, a in enumerate(AWARDS)})
    out = out.sort_values(["role", "_a", "rank", "employee_id"], kind="mergesort")
    out = out.drop(columns="_a").reset_index(drop=True)
    return out.astype(_DTYPES)[RECOGNITION_COLUMNS]


def awards_text(frame: pd.DataFrame) -> pd.Series:
    """The awards of each person as one text, ``top performer; promotion ready``.

    Parameters
    ----------
    frame : DataFrame
        :func:`recognition`'s frame.

    Returns
    -------
    Series
        Indexed by ``(employee_id, period)``.
    """
    if frame.empty:
        return pd.Series(dtype="str")
    words = frame["award"].str.replace("_", " ", regex=False)
    return words.groupby([frame["employee_id"], frame["period"]], sort=True).agg("; ".join)


__all__ = [
    "AWARDS",
    "RECOGNITION_COLUMNS",
    "awards_text",
    "history",
    "promotion_band",
    "recognition",
]
