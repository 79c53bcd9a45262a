"""Monte Carlo draws: a two-stage person-level bootstrap of the history, as weight matrices.

The method (``docs/calibration.md`` gives it in full, with its limits):

1. **Stage 1, the population** (confidence intervals). Each draw resamples the *people* of
   the history with replacement, each drawn person bringing all their person-periods (a
   cluster bootstrap). A person's achievement vector is never split, so the correlation
   between one person's metrics is kept, and so is the correlation of one person's results
   from period to period (which a row bootstrap would ignore, giving intervals too narrow).
   The share reaching target and the mean payout per person-period of a draw give the
   percentile intervals of the population's share and of the expected cost.
2. **Stage 2, a period** (the cost distribution). From the population of its stage-1 draw,
   each draw picks ``headcount`` person-periods at random with replacement: one simulated
   period. Its total payout is one draw of the period's cost: P50/P90/P95 and the chance of
   passing a budget therefore include both a new period's luck and the uncertainty of
   having learned the population from a few dozen people.

Every draw is a vector of weights over the history's person-periods, so a plan is paid
once on the history (:meth:`History.pay`, the one money path) and every draw of every
candidate is one matrix product (people x draws), never a Python loop per draw. A drawn
person-period keeps everything it had in history: its target bonus, proration, modifier
and its team's result (computed under the plan being tried, over its real team).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import PerfkitError

#: Draws per block of the stage-2 matrix product (bounds the memory of one block).
_BLOCK_CELLS = 8_000_000


def seed_sequence(seed: int, role: str) -> np.random.SeedSequence:
    """The seed of one role's draws: the same seed and role, the same numbers."""
    return np.random.SeedSequence([int(seed), *role.encode("utf-8")])


@dataclass(frozen=True, eq=False)
class Draws:
    """The resampling of one history: stage-1 person weights and stage-2 person-period picks.

    Attributes
    ----------
    person_weights : numpy.ndarray (draws, people)
        How often each person was drawn into each draw's population (stage 1).
    picks : numpy.ndarray of int32 (draws, headcount)
        The person-periods (history rows) of each simulated period (stage 2).
    rows_per_person : numpy.ndarray (people,)
    seed : int
    """

    person_weights: np.ndarray
    picks: np.ndarray
    rows_per_person: np.ndarray
    seed: int
    n_rows: int
    chosen: np.ndarray | None = field(default=None, repr=False)
    order: np.ndarray | None = field(default=None, repr=False)
    _blocks: list[np.ndarray] = field(default_factory=list, repr=False)
    _stacks: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    def population_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Stage 1 as a stack: every draw's population's history rows, and their draw.

        A person drawn twice brings their rows twice. Made once, then kept.
        """
        if "population" not in self._stacks:
            counts = self.rows_per_person.astype(np.int64)
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            assert self.chosen is not None
            who = self.chosen.ravel().astype(np.int64)
            size = counts[who]
            total = int(size.sum())
            first = np.repeat(starts[who], size)
            ramp = np.arange(total) - np.repeat(np.cumsum(size) - size, size)
            assert self.order is not None
            rows = self.order[first + ramp]
            draw = np.repeat(np.repeat(np.arange(self.draws), self.chosen.shape[1]), size)
            self._stacks["population"] = (rows, draw)
        return self._stacks["population"]

    def period_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Stage 2 as a stack: every simulated period's person-periods, and their draw."""
        draw = np.repeat(np.arange(self.draws), self.headcount)
        return self.picks.ravel().astype(np.int64), draw

    @property
    def draws(self) -> int:
        """Number of draws."""
        return self.person_weights.shape[0]

    @property
    def headcount(self) -> int:
        """Person-periods in a simulated period."""
        return self.picks.shape[1]

    def row_blocks(self) -> list[tuple[slice, np.ndarray]]:
        """The stage-2 weights ``(draws, rows)`` in blocks of draws (kept when small)."""
        d, n = self.draws, self.n_rows
        step = max(1, min(d, _BLOCK_CELLS // max(n, 1)))
        out = []
        keep = d * n <= _BLOCK_CELLS
        if keep and self._blocks:
            return [(slice(0, d), self._blocks[0])]
        for start in range(0, d, step):
            stop = min(d, start + step)
            p = self.picks[start:stop].astype(np.int64)
            off = (np.arange(stop - start, dtype=np.int64) * n)[:, None]
            w = np.bincount((p + off).ravel(), minlength=(stop - start) * n)
            out.append((slice(start, stop), w.reshape(stop - start, n).astype(np.float64)))
        if keep:
            self._blocks.append(out[0][1])
        return out


def make_draws(
    person: np.ndarray, *, draws: int, headcount: int, seed: int, role: str = ""
) -> Draws:
    """Draw the two-stage person-level bootstrap of a history.

    Parameters
    ----------
    person : numpy.ndarray of int (n,)
        Person code 0..P-1 of each history row.
    draws : int
        Number of draws (at least 2).
    headcount : int
        Person-periods of a simulated period.
    seed : int
    role : str
        Mixed into the seed, so each role has its own stream.

    Returns
    -------
    Draws
    """
    if draws < 2:
        raise PerfkitError(f"draws must be at least 2, got {draws}")
    if headcount < 1:
        raise PerfkitError(f"a simulated period needs at least 1 person, got {headcount}")
    rng = np.random.default_rng(seed_sequence(seed, role))
    person = np.asarray(person, dtype=np.int64)
    n = len(person)
    people = int(person.max()) + 1
    order = np.argsort(person, kind="stable")
    counts = np.bincount(person, minlength=people)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    # stage 1: the people of each draw's population (counted in blocks of draws, which
    # keeps each count array small enough for the cache)
    chosen = rng.integers(0, people, size=(draws, people), dtype=np.int32)
    weights = np.empty((draws, people), dtype=np.float64)
    step = max(1, 1_000_000 // people)
    for start in range(0, draws, step):
        block = chosen[start : start + step]
        off = (np.arange(len(block), dtype=np.int32) * people)[:, None]
        weights[start : start + step] = np.bincount(
            (block + off).ravel(), minlength=len(block) * people
        ).reshape(len(block), people)
    # stage 2: person-periods picked uniformly from that population's person-periods: a
    # drawn person, then one of their rows, accepted with probability rows / most rows
    # (rejection sampling, vectorised over every pick; a few rounds at most)
    most = int(counts.max())
    counts32 = counts.astype(np.int32)
    starts32 = starts.astype(np.int32)
    order32 = order.astype(np.int32)
    j = rng.integers(0, people, size=(draws, headcount), dtype=np.int32)
    slot = rng.integers(0, most, size=draws * headcount, dtype=np.int32)
    who = np.take_along_axis(chosen, j, axis=1).ravel()
    del j
    ok = slot < counts32[who]
    picks = order32[np.where(ok, starts32[who] + slot, 0)]
    todo = np.flatnonzero(~ok)
    while todo.size:  # the few rejected picks, drawn again
        who = chosen[todo // headcount, rng.integers(0, people, size=todo.size)]
        slot = rng.integers(0, most, size=todo.size)  # type: ignore[assignment]
        ok = slot < counts32[who]
        picks[todo[ok]] = order32[starts32[who[ok]] + slot[ok]]
        todo = todo[~ok]
    picks = picks.reshape(draws, headcount)
    return Draws(
        person_weights=weights, picks=picks, rows_per_person=counts.astype(np.float64),
        seed=int(seed), n_rows=n, chosen=chosen, order=order,
    )  # fmt: skip


@dataclass(frozen=True, eq=False)
class DrawStats:
    """What the draws say about ``c`` candidate plans (one column each).

    Attributes
    ----------
    share : numpy.ndarray (draws, c)
        Stage 1: share of person-periods with a composite that reach target.
    expected : numpy.ndarray (draws, c)
        Stage 1: mean payout per person-period x headcount (the expected cost of a period).
    cost : numpy.ndarray (draws, c)
        Stage 2: total payout of each simulated period.
    """

    share: np.ndarray
    expected: np.ndarray
    cost: np.ndarray


def draw_stats(
    draws: Draws, person: np.ndarray, *, at: np.ndarray, has: np.ndarray, amount: np.ndarray
) -> DrawStats:
    """Share reaching target, expected and simulated cost of every draw, for ``c`` plans.

    Parameters
    ----------
    draws : Draws
    person : numpy.ndarray (n,)
    at, has, amount : numpy.ndarray (n, c)
        Reaches target, has a composite, payout amount: one column per candidate plan.

    Returns
    -------
    DrawStats
    """
    person = np.asarray(person, dtype=np.int64)
    people = draws.person_weights.shape[1]
    order = np.argsort(person, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(person, minlength=people))[:-1]])
    c = at.shape[1]
    stacked = np.concatenate(
        [at.astype(np.float64), has.astype(np.float64), amount.astype(np.float64)], axis=1
    )
    # candidates often share columns (a payout change leaves who reaches target alone):
    # each distinct column is summed over the draws once
    keep, back = _distinct_columns(stacked)
    per_person = np.add.reduceat(stacked[order][:, keep], bounds, axis=0)  # (people, u)
    sums = (draws.person_weights @ per_person)[:, back]  # (draws, 3c)
    rows = draws.person_weights @ draws.rows_per_person  # (draws,)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = sums[:, :c] / sums[:, c : 2 * c]
    expected = sums[:, 2 * c :] / rows[:, None] * draws.headcount
    amount = np.asarray(amount, dtype=np.float64)
    keep, back = _distinct_columns(amount)
    cost = np.empty((draws.draws, len(keep)))
    for rows_slice, w in draws.row_blocks():  # blocks of draws, not a loop per draw
        cost[rows_slice] = w @ amount[:, keep]
    return DrawStats(share=share, expected=expected, cost=cost[:, back])


def _distinct_columns(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first of each group of equal columns, and each column's group (``x[:, keep][:, back]``
    is ``x``)."""
    if x.shape[1] <= 1:
        return np.arange(x.shape[1]), np.arange(x.shape[1])
    _, keep, back = np.unique(
        np.ascontiguousarray(x.T), axis=0, return_index=True, return_inverse=True
    )
    return keep, back.ravel()


def pooled_costs(
    draws: Draws, history: Any, plan: Any, multipliers: Any, *, expected: bool = True
) -> tuple[np.ndarray | None, np.ndarray]:
    """Expected (stage 1) and simulated (stage 2) cost per draw, teams pooled within a draw.

    The draws are stacked and paid in one :meth:`History.pay` call per stage, the team
    codes offset per draw: a drawn person's team result is that of the members drawn with
    them (in the same team and, for stage 1, the same period), so the correlation a team
    component puts between teammates' pay is carried into the draws.

    Parameters
    ----------
    expected : bool
        Also pay the stage-1 populations (the expected cost's interval; the larger stack).

    Returns
    -------
    expected : numpy.ndarray (draws,) or None
    cost : numpy.ndarray (draws,)
    """
    team = np.asarray(history.team, dtype=np.int64)
    width = int(team.max(initial=0)) + 1
    stages = [(*draws.period_rows(), False)]
    if expected:
        stages.append((*draws.population_rows(), True))
    out = []
    for rows, draw, by_period in stages:
        t = team[rows]
        t = np.where(t >= 0, t + draw * width, -1)
        per = history.period_pos[rows] if by_period else np.zeros(len(rows), np.int64)
        amount = history.pay(plan, multipliers, rows=rows, team=t, period=per).amount
        out.append(
            (
                np.bincount(draw, weights=amount, minlength=draws.draws),
                np.bincount(draw, minlength=draws.draws),
            )
        )
    cost = out[0][0]
    if not expected:
        return None, cost
    s1, n1 = out[1]
    return s1 / n1 * draws.headcount, cost


def percentile_interval(values: np.ndarray, level: float = 0.95, axis: int = 0) -> np.ndarray:
    """The percentile interval ``(lower, upper)`` holding ``level`` of the draws."""
    a = (1.0 - level) / 2.0
    return np.nanquantile(values, [a, 1.0 - a], axis=axis)


def quantile_bounds(values: np.ndarray, q: float, level: float = 0.95) -> np.ndarray:
    """A distribution-free interval for the ``q`` quantile of draws (Monte Carlo precision).

    The order statistics ``D q -/+ z sqrt(D q (1 - q))`` of ``D`` draws; it shrinks as
    draws grow. Columns are candidates.
    """
    from scipy.stats import norm

    v = np.sort(np.asarray(values, dtype=np.float64), axis=0)
    d = v.shape[0]
    z = norm.ppf(0.5 + level / 2.0)
    half = z * np.sqrt(d * q * (1 - q))
    lo = int(np.clip(np.floor(d * q - half), 0, d - 1))
    hi = int(np.clip(np.ceil(d * q + half), 0, d - 1))
    return np.stack([v[lo], v[hi]])
