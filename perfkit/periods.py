"""Period labels and roll-ups.

perfkit speaks of four kinds of period, each written the way an analyst writes it:

========  ===========  ===========================
kind      example      months
========  ===========  ===========================
month     ``2026-07``  July 2026
quarter   ``2026Q3``   July to September 2026
half      ``2026H2``   July to December 2026
year      ``2026``     January to December 2026
========  ===========  ===========================

Inside, a month is an integer index ``year * 12 + (month - 1)`` so that roll-ups of millions
of rows are integer arithmetic on arrays.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .errors import PeriodError

KINDS = ("month", "quarter", "half", "year")
MONTHS_PER = {"month": 1, "quarter": 3, "half": 6, "year": 12}

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
_HALF_RE = re.compile(r"^(\d{4})H([12])$")
_YEAR_RE = re.compile(r"^(\d{4})$")


@dataclass(frozen=True, order=True)
class Period:
    """A parsed period: its kind and the month indices it spans (inclusive).

    Attributes
    ----------
    kind : {"month", "quarter", "half", "year"}
    first : int
        Month index of the first month, ``year * 12 + month - 1``.
    last : int
        Month index of the last month.
    """

    first: int
    last: int
    kind: str

    @property
    def label(self) -> str:
        """The canonical label, e.g. ``2026Q3``."""
        return format_period(self.first, self.kind)

    @property
    def months(self) -> list[str]:
        """Labels of the months in the period, in order."""
        return [month_label(i) for i in range(self.first, self.last + 1)]

    @property
    def start(self) -> date:
        """First calendar day of the period."""
        return date(self.first // 12, self.first % 12 + 1, 1)

    @property
    def end(self) -> date:
        """Last calendar day of the period."""
        nxt = self.last + 1
        return date.fromordinal(date(nxt // 12, nxt % 12 + 1, 1).toordinal() - 1)

    @property
    def days(self) -> int:
        """Calendar days in the period."""
        return (self.end - self.start).days + 1

    def shift(self, n: int) -> Period:
        """The period ``n`` periods of the same kind later (earlier when negative)."""
        step = MONTHS_PER[self.kind] * n
        return Period(self.first + step, self.last + step, self.kind)

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        return self.shift(-1)

    def same_last_year(self) -> Period:
        """The same period one year earlier."""
        return Period(self.first - 12, self.last - 12, self.kind)

    def __str__(self) -> str:
        return self.label


#: A period as callers give it: a label in any spelling :func:`parse_period` reads, or a Period.
PeriodLike = str | Period
#: One period, ``"latest"``, or several.
PeriodsLike = PeriodLike | Iterable[PeriodLike]


def month_label(index: int) -> str:
    """Label of a month index, e.g. ``24318 -> '2026-07'``."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def format_period(first_month: int, kind: str) -> str:
    """Label of the period of ``kind`` that starts at month index ``first_month``."""
    year, month0 = divmod(first_month, 12)
    if kind == "month":
        return f"{year:04d}-{month0 + 1:02d}"
    if kind == "quarter":
        return f"{year:04d}Q{month0 // 3 + 1}"
    if kind == "half":
        return f"{year:04d}H{month0 // 6 + 1}"
    if kind == "year":
        return f"{year:04d}"
    raise PeriodError(f"period kind {kind!r} is not known; use one of {', '.join(KINDS)}")


_MONTH_NAMES: dict[str, int] = {
    name: i
    for i, full in enumerate(
        ["JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST",
         "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"],
        start=1,
    )
    for name in (full, full[:3])
} | {"SEPT": 9}  # fmt: skip

#: Loose spellings of a period, as files and people write them, each with its canonical form.
#: Matched against the upper-cased, stripped text.
_LOOSE_FORMS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]]] = [
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), lambda m: f"{m[1]}-{int(m[2]):02d}"),
    (  # a date that stands for its month, as Excel writes a month column
        re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?$"),
        lambda m: f"{m[1]}-{int(m[2]):02d}",
    ),
    (re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$"), lambda m: f"{m[1]}Q{m[2]}"),
    (re.compile(r"^Q([1-4])\s*[-/ ]?\s*(\d{4})$"), lambda m: f"{m[2]}Q{m[1]}"),
    (re.compile(r"^(\d{4})\s*-?\s*H([12])$"), lambda m: f"{m[1]}H{m[2]}"),
    (re.compile(r"^(\d{4})(?:\.0)?$"), lambda m: m[1]),
    (re.compile(r"^(\d{4})年(\d{1,2})月$"), lambda m: f"{m[1]}-{int(m[2]):02d}"),
    # a month Excel displays as Jul-26 or July 2026 and writes so into a CSV
    (
        re.compile(r"^([A-Z]{3,9})[-\s/.']*(\d{2}|\d{4})$"),
        lambda m: (
            f"{m[2] if len(m[2]) == 4 else '20' + m[2]}-{_MONTH_NAMES[m[1]]:02d}"
            if m[1] in _MONTH_NAMES
            else None
        ),
    ),
]


def canonical_label(text: str) -> str | None:
    """The canonical label of a period however it is written, or None if it is no period.

    Accepts the canonical forms in any case (``2026q3``) and the spellings files carry:
    ``2026 Q3``, ``Q3 2026``, ``2026-7``, ``2026/07``, ``2026-07-01`` (a month's date),
    ``2026年7月``, ``Jul-26``, ``July 2026``, ``2026H2``, ``2026.0``.

    Examples
    --------
    >>> canonical_label("q3 2026"), canonical_label("2026-7"), canonical_label("soon")
    ('2026Q3', '2026-07', None)
    """
    t = str(text).strip().upper()
    for pattern, fmt in _LOOSE_FORMS:
        if (m := pattern.match(t)) and (label := fmt(m)) is not None:
            month = re.fullmatch(r"\d{4}-(\d{2})", label)
            if month is None or 1 <= int(month[1]) <= 12:
                return label
    return None


def parse_period(label: str | Period, *, where: str = "period") -> Period:
    """Parse a period label, written canonically or loosely (see :func:`canonical_label`).

    Parameters
    ----------
    label : str or Period
        ``2026-07``, ``2026Q3``, ``2026H2`` or ``2026`` in any case and the loose spellings
        of :func:`canonical_label` (a Period is returned unchanged).
    where : str
        Where the label came from, for the error message (a file and row, or a CLI option).

    Returns
    -------
    Period

    Raises
    ------
    PeriodError
        If the label is not a period.
    """
    if isinstance(label, Period):
        return label
    text = str(label).strip()
    canon = canonical_label(text) or ""
    if m := _MONTH_RE.match(canon):
        i = int(m[1]) * 12 + int(m[2]) - 1
        return Period(i, i, "month")
    if m := _QUARTER_RE.match(canon):
        i = int(m[1]) * 12 + (int(m[2]) - 1) * 3
        return Period(i, i + 2, "quarter")
    if m := _HALF_RE.match(canon):
        i = int(m[1]) * 12 + (int(m[2]) - 1) * 6
        return Period(i, i + 5, "half")
    if m := _YEAR_RE.match(canon):
        i = int(m[1]) * 12
        return Period(i, i + 11, "year")
    raise PeriodError(
        f"{where}: {text!r} is not a period; write a month as 2026-07, a quarter as 2026Q3, "
        "a half as 2026H2 or a year as 2026"
    )


def month_index(labels: pd.Series | np.ndarray | list[str]) -> np.ndarray:
    """Month indices of an array of ``YYYY-MM`` labels; ``-1`` where a label is not a month.

    Vectorized: used on millions of actuals rows.
    """
    s = pd.Series(np.asarray(labels, dtype=object), dtype="string")
    parts = s.str.extract(r"^\s*(\d{4})-(\d{2})\s*$")
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1], errors="coerce")
    ok = year.notna() & month.between(1, 12)
    out = (year * 12 + month - 1).where(ok, -1)
    return out.to_numpy(dtype=np.int64)


def period_first_month(months: np.ndarray, kind: str) -> np.ndarray:
    """First month index of the period of ``kind`` that holds each month index."""
    step = MONTHS_PER[kind]
    return months - (months % 12) % step


def period_labels(months: np.ndarray, kind: str) -> np.ndarray:
    """Labels of the period of ``kind`` holding each month index (vectorized over uniques)."""
    firsts = period_first_month(np.asarray(months, dtype=np.int64), kind)
    uniq, inv = np.unique(firsts, return_inverse=True)
    labels = np.array([format_period(int(u), kind) for u in uniq], dtype=object)
    return labels[inv]


def latest_complete(months: np.ndarray | list[str], kind: str) -> Period:
    """The latest period of ``kind`` whose every month is present in ``months``.

    Parameters
    ----------
    months : array of month labels or month indices
    kind : {"month", "quarter", "half", "year"}

    Raises
    ------
    PeriodError
        If no complete period of that kind exists.
    """
    arr = np.asarray(months)
    idx = month_index(arr) if arr.dtype.kind in "OUT" else arr.astype(np.int64)
    present = set(int(i) for i in np.unique(idx) if i >= 0)
    if not present:
        raise PeriodError(f"no months found to find the latest complete {kind} in")
    last = max(present)
    first = period_first_month(np.array([last]), kind)[0]
    step = MONTHS_PER[kind]
    while first >= min(present) - step:
        if all(m in present for m in range(first, first + step)):
            return Period(int(first), int(first + step - 1), kind)
        first -= step
    raise PeriodError(f"the data hold no complete {kind}: every {kind} misses a month")


def period_kind(label: str) -> str:
    """The kind of a period label (``month``, ``quarter``, ``half`` or ``year``)."""
    return parse_period(label).kind


def resolve_period(label: str | Period, *, months: np.ndarray | list[str], kind: str) -> Period:
    """Parse ``label``, where ``"latest"`` means the latest complete period of ``kind``.

    Parameters
    ----------
    label : str or Period
        A period label, or ``"latest"``.
    months : array of month labels
        The months present in the data (for ``"latest"``).
    kind : {"month", "quarter", "half", "year"}
        The kind of period ``"latest"`` stands for, usually the plan's evaluation period.
    """
    if isinstance(label, str) and label.strip().lower() == "latest":
        return latest_complete(months, kind)
    return parse_period(label)


def require_months(
    period: str | Period, *, months: np.ndarray | list[str], what: str = "the data"
) -> Period:
    """Check that ``period`` lies at least partly inside the months the data cover.

    A gap inside the covered range is allowed (people then have no data for that period);
    a period wholly before the first or after the last month is a mistake worth stopping for.

    Parameters
    ----------
    period : str or Period
        The period asked for.
    months : array of month labels
        The months present in the data.
    what : str
        How to name the data in the message, e.g. ``data/sample``.

    Returns
    -------
    Period

    Raises
    ------
    PeriodError
        Naming the period, the months the data cover and the fix.
    """
    p = parse_period(period)
    idx = month_index(np.asarray(months, dtype=object)) if len(months) else np.array([], int)
    idx = idx[idx >= 0]
    if idx.size and p.last >= idx.min() and p.first <= idx.max():
        return p
    if idx.size:
        cover = f"they cover {month_label(int(idx.min()))} to {month_label(int(idx.max()))}"
    else:
        cover = "they hold no months at all"
    raise PeriodError(
        f"{what} hold no actuals for {p.label} ({p.months[0]} to {p.months[-1]}); "
        f"{cover}: pick a period inside that range, or 'latest'"
    )


def is_latest(label: object) -> bool:
    """Whether a period argument is the word ``latest`` (any case, spaces around)."""
    return isinstance(label, str) and label.strip().lower() == "latest"


def resolve_periods(
    period: str | Period | Iterable[str | Period],
    *,
    months: np.ndarray | list[str],
    kinds: Iterable[str],
    what: str = "the data",
) -> list[Period]:
    """The periods a command asks for: the one place ``latest`` and period lists are resolved.

    Parameters
    ----------
    period : str, Period or iterable of them
        Labels in any spelling :func:`parse_period` reads, Periods, or ``"latest"``: the
        latest complete period (every month present in ``months``) of the plans' kind.
    months : array of month labels
        The months the data cover.
    kinds : iterable of str
        The period kinds of the plans being evaluated (``latest`` needs exactly one).
    what : str
        How to name the data in messages, e.g. ``data/sample``.

    Returns
    -------
    list of Period
        Distinct and in time order.

    Raises
    ------
    PeriodError
        If no period is given, a label is not a period, a period lies wholly outside the
        data's months, or ``latest`` is asked of plans with different period kinds.
    """
    items = [period] if isinstance(period, str | Period) else list(period)
    if not items:
        raise PeriodError("no period given; pass a label like 2026Q3, or 'latest'")
    out: set[Period] = set()
    for item in items:
        if is_latest(item):
            found = sorted(set(kinds), key=MONTHS_PER.__getitem__)
            if len(found) > 1:
                raise PeriodError(
                    f"'latest' is ambiguous: the plans evaluate over {', '.join(found)}; "
                    "give a period label such as 2026Q3 instead"
                )
            out.add(latest_complete(months, found[0] if found else "quarter"))
        else:
            out.add(require_months(parse_period(item, where="period"), months=months, what=what))
    return sorted(out, key=lambda p: (p.first, p.last))
