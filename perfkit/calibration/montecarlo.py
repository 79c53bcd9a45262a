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
candidate is one matrix product (draws x people, draws x person-periods), never a Python
loop per draw. A drawn person-period keeps everything it had in history: its target bonus,
proration, modifier and its team's result (computed under the plan being tried, over its
real team).

**Exact sums.** Amounts enter the products as whole cents (``rint(amount x 100)``, as
:func:`perfkit.payout.total_amount` counts them) held in float64, and the weights are whole
counts: every product and partial sum is an integer below 2**53, so the matrix products
are exact whatever the BLAS's blocking or thread count, and a draw's cost is its exact sum
of cents divided by 100. Equal columns (candidates that leave who reaches target alone,
say) are summed once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import PerfkitError

#: Cells (draws x person-periods) of one block of the stage-2 weights: bounds the memory
#: of the one buffer the blocks are made in (64 MB of float64).
_BLOCK_CELLS = 8_000_000
#: Cells counted by one ``np.bincount`` (small enough to stay in the cache).
_COUNT_CELLS = 1 << 18
#: Picks worked on at once while drawing stage 2 (keeps the temporaries in the cache).
_PICK_CELLS = 1 << 17


def seed_sequence(seed: int, role: str) -> np.random.SeedSequence:
    """The seed of one role's draws: the same seed and role, the same numbers."""
    return np.random.SeedSequence([int(seed), *role.encode("utf-8")])


def to_cents(amount: np.ndarray) -> np.ndarray:
    """Rounded money amounts as whole cents in float64 (``rint(amount x 100)``).

    As :func:`perfkit.payout.total_amount` counts them: sums of these (and of whole-number
    multiples of them) are exact integers while they stay below 2**53 cents (90 trillion in
    the currency).
    A new array; NaN stays NaN.
    """
    return np.rint(np.asarray(amount, dtype=np.float64) * 100.0)


def _counts(idx: np.ndarray, size: int, out: np.ndarray) -> None:
    """Count ``idx`` (``(m, picks)``, values below ``size``) into ``out`` (``(m, size)``).

    Row ``i`` of ``out`` gets how often each value occurs in row ``i`` of ``idx``; done in
    blocks of rows that keep each count array in the cache.
    """
    m = idx.shape[0]
    step = max(1, _COUNT_CELLS // max(size, 1))
    for start in range(0, m, step):  # blocks of draws, never one draw at a time
        stop = min(m, start + step)
        off = (np.arange(stop - start, dtype=np.int64) * size)[:, None]
        out[start:stop] = np.bincount(
            (idx[start:stop] + off).ravel(), minlength=(stop - start) * size
        ).reshape(stop - start, size)


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
    n_rows : int
        Person-periods of the history.
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

    def _step(self) -> int:
        return max(1, min(self.draws, _BLOCK_CELLS // max(self.n_rows, 1)))

    def _weights(self, start: int, stop: int, out: np.ndarray | None = None) -> np.ndarray:
        """Stage-2 weights of draws ``start:stop``: ``(stop - start, n_rows)`` counts."""
        if out is None:
            out = np.empty((stop - start, self.n_rows))
        _counts(self.picks[start:stop], self.n_rows, out)
        return out

    def row_blocks(self) -> list[tuple[slice, np.ndarray]]:
        """The stage-2 weights ``(draws, rows)`` in blocks of draws (kept when small).

        All the blocks at once: :meth:`period_sums` is the lean way to use them.
        """
        d = self.draws
        if d * self.n_rows <= _BLOCK_CELLS:
            if not self._blocks:
                self._blocks.append(self._weights(0, d))
            return [(slice(0, d), self._blocks[0])]
        step = self._step()
        return [
            (slice(s, min(d, s + step)), self._weights(s, min(d, s + step)))
            for s in range(0, d, step)
        ]

    def period_sums(self, values: np.ndarray) -> np.ndarray:
        """Each simulated period's sum of ``values`` over its person-periods (stage 2).

        Parameters
        ----------
        values : numpy.ndarray (n_rows, u)
            One column per quantity, by history row (whole cents for exact money sums).

        Returns
        -------
        numpy.ndarray (draws, u)
            ``weights @ values``, the weights being the ``(draws, n_rows)`` count of each
            person-period in each simulated period: one matrix product per block of draws,
            the blocks made in one reused buffer (the whole matrix is kept when small).
        """
        x = np.ascontiguousarray(values, dtype=np.float64)
        d = self.draws
        if d * self.n_rows <= _BLOCK_CELLS:
            return self.row_blocks()[0][1] @ x
        step = self._step()
        out = np.empty((d, x.shape[1]))
        buf = np.empty((step, self.n_rows))
        for start in range(0, d, step):  # blocks of draws, not a loop per draw
            stop = min(d, start + step)
            w = self._weights(start, stop, buf[: stop - start])
            np.matmul(w, x, out=out[start:stop])
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
    # stage 1: the people of each draw's population, counted in blocks of draws small
    # enough for the cache
    chosen = rng.integers(0, people, size=(draws, people), dtype=np.int32)
    weights = np.empty((draws, people), dtype=np.float64)
    _counts(chosen, people, weights)
    # stage 2: person-periods picked uniformly from that population's person-periods: a
    # drawn person, then one of their rows, accepted with probability rows / most rows
    # (rejection sampling, vectorised over every pick; a few rounds at most). The random
    # numbers are drawn whole, as ever (the same seed, the same draws); the work on them
    # goes in blocks of picks that stay in the cache.
    most = int(counts.max())
    counts32 = counts.astype(np.int32)
    starts32 = starts.astype(np.int32)
    order32 = order.astype(np.int32)
    j = rng.integers(0, people, size=(draws, headcount), dtype=np.int32)
    slot = rng.integers(0, most, size=draws * headcount, dtype=np.int32)
    flat_chosen = chosen.ravel()
    flat = np.empty(draws * headcount, dtype=np.int32)
    ok = np.empty(draws * headcount, dtype=bool)
    step = max(1, min(draws, _PICK_CELLS // headcount))
    where = np.empty((step, headcount), dtype=np.int64)
    for start in range(0, draws, step):
        stop = min(draws, start + step)
        part = slice(start * headcount, stop * headcount)
        at = where[: stop - start]
        np.add(j[start:stop], (np.arange(start, stop, dtype=np.int64) * people)[:, None], out=at)
        who = np.take(flat_chosen, at.ravel())  # chosen[d, j[d, i]]
        good = np.less(slot[part], np.take(counts32, who), out=ok[part])
        row = np.take(starts32, who)
        row += slot[part]
        row[~good] = 0
        np.take(order32, row, out=flat[part])
    del j, slot, where
    todo = np.flatnonzero(~ok)
    while todo.size:  # the few rejected picks, drawn again
        who = chosen[todo // headcount, rng.integers(0, people, size=todo.size)]
        redo = rng.integers(0, most, size=todo.size)
        good = redo < counts32[who]
        flat[todo[good]] = order32[starts32[who[good]] + redo[good]]
        todo = todo[~good]
    picks = flat.reshape(draws, headcount)
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
        Stage 2: total payout of each simulated period (NaN when not asked for).
    """

    share: np.ndarray
    expected: np.ndarray
    cost: np.ndarray


def draw_stats(
    draws: Draws,
    person: np.ndarray,
    *,
    at: np.ndarray,
    has: np.ndarray,
    amount: np.ndarray,
    cost: bool = True,
) -> DrawStats:
    """Share reaching target, expected and simulated cost of every draw, for ``c`` plans.

    Parameters
    ----------
    draws : Draws
    person : numpy.ndarray (n,)
    at, has, amount : numpy.ndarray (n, c)
        Reaches target, has a composite, payout amount (rounded to cents): one column per
        candidate plan.
    cost : bool
        Work out the stage-2 costs (False: NaN, for callers that pay the draws themselves).

    Returns
    -------
    DrawStats
        Sums of cents are exact (see the module notes); the costs are those sums / 100.
    """
    person = np.asarray(person, dtype=np.int64)
    people = draws.person_weights.shape[1]
    order = np.argsort(person, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(person, minlength=people))[:-1]])
    at, has = np.asarray(at, dtype=bool), np.asarray(has, dtype=bool)
    cents = to_cents(amount)
    # candidates often share columns (a payout change leaves who reaches target alone):
    # each distinct column is summed over the draws once
    ka, back_at = _distinct_columns(at)
    kh, back_has = _distinct_columns(has)
    km, back_amount = _distinct_columns(cents)
    cents = cents[:, km]
    parts = np.concatenate([at[:, ka], has[:, kh], cents], axis=1, dtype=np.float64)
    per_person = np.add.reduceat(parts[order], bounds, axis=0)  # (people, u)
    sums = draws.person_weights @ per_person  # (draws, u)
    rows = draws.person_weights @ draws.rows_per_person  # (draws,)
    a, h = len(ka), len(ka) + len(kh)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = sums[:, :a][:, back_at] / sums[:, a:h][:, back_has]
    expected = sums[:, h:][:, back_amount] / 100.0 / rows[:, None] * draws.headcount
    if cost:
        simulated = draws.period_sums(cents)[:, back_amount] / 100.0
    else:
        simulated = np.full(expected.shape, np.nan)
    return DrawStats(share=share, expected=expected, cost=simulated)


def _distinct_columns(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first of each group of equal columns, and each column's group (``x[:, keep][:, back]``
    is ``x``).

    Columns are equal when their bytes are (a handful of candidates: a loop over columns,
    never over rows).
    """
    c = x.shape[1]
    if c <= 1:
        return np.arange(c), np.arange(c)
    cols = np.ascontiguousarray(x.T)
    group: dict[bytes, int] = {}
    keep: list[int] = []
    back = np.empty(c, dtype=np.intp)
    for j in range(c):
        g = group.setdefault(cols[j].tobytes(), len(keep))
        if g == len(keep):
            keep.append(j)
        back[j] = g
    return np.array(keep, dtype=np.intp), back


def pooled_costs_task(
    draws: Draws, history: Any, plan: Any, multipliers: Any, expected: bool
) -> tuple[np.ndarray | None, np.ndarray]:
    """:func:`pooled_costs` with positional arguments, for ``Executor.map`` (picklable)."""
    return pooled_costs(draws, history, plan, multipliers, expected=expected)


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
    if not np.isnan(values).any():  # the same numbers, without the per-column NaN search
        return np.quantile(values, [a, 1.0 - a], axis=axis)
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
