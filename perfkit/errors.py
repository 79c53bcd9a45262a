"""User-facing errors and the problems they carry.

Every problem a user can fix (a bad file, a bad plan, a bad period) raises a subclass of
:class:`PerfkitError`. Its message names where the problem is (file, row or field path),
what was found and what was expected, so the command line can print it without a traceback.

This module holds :class:`Problem` (one such finding), the error classes, and
:class:`ProblemCollector`, which gathers every problem of a pass over the input in report
order, with the helpers that phrase them (:func:`rows_text`, :func:`suggest`,
:data:`MAX_LISTED`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Self


@dataclass(frozen=True)
class Problem:
    """One problem found in a user's input.

    Attributes
    ----------
    where : str
        The file, and where known the row or field path, e.g. ``actuals.csv, row 14, column value``.
    found : str
        What was found there.
    expected : str
        What was expected instead, phrased as the fix.
    """

    where: str
    found: str
    expected: str

    def __str__(self) -> str:
        tail = "; ".join(part for part in (self.found, self.expected) if part)
        return f"{self.where}: {tail}" if tail else self.where


class PerfkitError(Exception):
    """Base of every error a user can fix; the CLI prints it and exits non-zero.

    Parameters
    ----------
    message : str
        The whole message, or a summary line when ``problems`` are given.
    problems : iterable of Problem, optional
        Every problem found, so a user can fix them all in one pass.
    """

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.summary = message
        if self.problems:
            lines = [message] + [f"  - {p}" for p in self.problems]
            message = "\n".join(lines)
        super().__init__(message)

    @classmethod
    def from_problems(cls, problems: Iterable[Problem], *, subject: str) -> Self:
        """Build one error from several problems, e.g. ``subject="data/sample"``."""
        problems = tuple(problems)
        n = len(problems)
        return cls(f"{subject}: {n} problem{'s' if n != 1 else ''} found", problems)

    @classmethod
    def single(cls, where: str, found: str, expected: str) -> Self:
        """An error holding one problem; its message is that problem's line.

        Used where one mistake stops the work (a missing file, unreadable YAML), so callers
        that collect problems (``perfkit validate``) still get ``where``, ``found`` and
        ``expected`` apart.
        """
        problem = Problem(where, found, expected)
        err = cls(str(problem))
        err.problems = (problem,)
        return err


class DataError(PerfkitError):
    """A data file is missing, unreadable or holds values that break its schema."""


class PlanError(PerfkitError):
    """A plan file is missing, unreadable or inconsistent."""


class PeriodError(PerfkitError):
    """A period label cannot be parsed or does not fit the plan or data."""


# --------------------------------------------------------------------------------------
# Collecting problems
# --------------------------------------------------------------------------------------
#: Problems of one kind listed per file and column before the rest are counted.
MAX_LISTED = 20


class ProblemCollector:
    """Collects problems with a sort key (table order, row), so reports read top to bottom.

    Parameters
    ----------
    tables : sequence of str
        The tables in report order (``perfkit.schema.TABLES``). A problem of table ``""``
        (the folder, the mapping) sorts before them, one of any other name (``"plans"``)
        after them; within a table problems sort by row, then in the order they were added.
    """

    def __init__(self, tables: Sequence[str] = ()) -> None:
        self._tables = tuple(tables)
        self._items: list[tuple[int, int, int, Problem]] = []

    def add(self, table: str, row: int, where: str, found: str, expected: str = "") -> None:
        """Record a problem of ``table`` ("" for the folder, "plans" for plans) at ``row``."""
        self.add_problem(table, row, Problem(where, found, expected))

    def add_problem(self, table: str, row: int, problem: Problem) -> None:
        """Record a built :class:`Problem` of ``table`` at ``row``."""
        tables = self._tables
        order = tables.index(table) if table in tables else (len(tables) if table else -1)
        self._items.append((order, int(row), len(self._items), problem))

    def __bool__(self) -> bool:
        return bool(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def sorted(self) -> list[Problem]:
        """Every problem recorded, in report order."""
        return [p for *_, p in sorted(self._items, key=lambda x: x[:3])]


def rows_text(rows: Iterable[int], limit: int = 5) -> str:
    """``row 5``, ``rows 5 and 9`` or ``rows 5, 9, 12 and 40 more``."""
    rs = sorted({int(r) for r in rows})
    if len(rs) == 1:
        return f"row {rs[0]}"
    if len(rs) <= limit:
        return "rows " + ", ".join(map(str, rs[:-1])) + f" and {rs[-1]}"
    return "rows " + ", ".join(map(str, rs[:limit])) + f" and {len(rs) - limit} more"


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'leads'?)`` when one of ``choices`` is close to ``word``, else ``""``."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""
