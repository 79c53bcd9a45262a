"""User-facing errors.

Every problem a user can fix (a bad file, a bad plan, a bad period) raises a subclass of
:class:`PerfkitError`. Its message names where the problem is (file, row or field path),
what was found and what was expected, so the command line can print it without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


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
    def from_problems(cls, problems: Iterable[Problem], *, subject: str) -> PerfkitError:
        """Build one error from several problems, e.g. ``subject="data/sample"``."""
        problems = tuple(problems)
        n = len(problems)
        return cls(f"{subject}: {n} problem{'s' if n != 1 else ''} found", problems)

    @classmethod
    def single(cls, where: str, found: str, expected: str) -> PerfkitError:
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
