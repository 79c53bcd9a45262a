"""Period labels: parsing, calendars, roll-ups and the latest complete period."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from perfkit.errors import PeriodError
from perfkit.periods import (
    latest_complete,
    month_index,
    parse_period,
    period_labels,
    resolve_period,
)


@pytest.mark.parametrize(
    ("label", "kind", "months", "start", "end", "days"),
    [
        ("2026-07", "month", ["2026-07"], date(2026, 7, 1), date(2026, 7, 31), 31),
        (
            "2026Q3",
            "quarter",
            ["2026-07", "2026-08", "2026-09"],
            date(2026, 7, 1),
            date(2026, 9, 30),
            92,
        ),
        (
            "2024Q1",
            "quarter",
            ["2024-01", "2024-02", "2024-03"],
            date(2024, 1, 1),
            date(2024, 3, 31),
            91,
        ),  # leap year February
        (
            "2026H2",
            "half",
            [f"2026-{m:02d}" for m in range(7, 13)],
            date(2026, 7, 1),
            date(2026, 12, 31),
            184,
        ),
        (
            "2026",
            "year",
            [f"2026-{m:02d}" for m in range(1, 13)],
            date(2026, 1, 1),
            date(2026, 12, 31),
            365,
        ),
    ],
)
def test_parse_period_calendar(label, kind, months, start, end, days):
    p = parse_period(label)
    assert (p.kind, p.months, p.start, p.end, p.days, p.label) == (
        kind,
        months,
        start,
        end,
        days,
        label,
    )


def test_previous_and_same_period_last_year():
    assert parse_period("2026Q1").previous().label == "2025Q4"
    assert parse_period("2026-01").previous().label == "2025-12"
    assert parse_period("2026H1").previous().label == "2025H2"
    assert parse_period("2026Q3").same_last_year().label == "2025Q3"


@pytest.mark.parametrize("bad", ["2026Q5", "2026-13", "Q5 2026", "26Q3", "", "2026H3", "July"])
def test_unparseable_period_names_the_forms(bad):
    with pytest.raises(PeriodError) as err:
        parse_period(bad, where="actuals.csv, row 4, column period")
    msg = str(err.value)
    assert "actuals.csv, row 4, column period" in msg
    assert repr(bad.strip()) in msg
    assert "2026Q3" in msg and "2026-07" in msg


def test_month_index_and_period_labels_vectorized():
    idx = month_index(["2026-07", "2026-09", "2026-12", "bad", "2026-13"])
    assert idx.tolist() == [2026 * 12 + 6, 2026 * 12 + 8, 2026 * 12 + 11, -1, -1]
    assert period_labels(idx[:3], "quarter").tolist() == ["2026Q3", "2026Q3", "2026Q4"]
    assert period_labels(idx[:3], "half").tolist() == ["2026H2"] * 3
    assert period_labels(idx[:3], "year").tolist() == ["2026"] * 3


def test_latest_complete_skips_a_partial_quarter():
    months = [f"2026-{m:02d}" for m in range(1, 11)]  # Jan..Oct
    assert latest_complete(months, "quarter").label == "2026Q3"
    assert latest_complete(months, "month").label == "2026-10"
    assert latest_complete(months, "half").label == "2026H1"
    with pytest.raises(PeriodError, match="no complete year"):
        latest_complete(months, "year")


def test_latest_complete_accepts_month_indices():
    months = np.arange(2024 * 12 + 9, 2026 * 12 + 9)  # 2024-10 .. 2026-09
    assert latest_complete(months, "quarter").label == "2026Q3"


def test_resolve_latest_or_label():
    months = ["2026-07", "2026-08", "2026-09"]
    assert resolve_period("latest", months=months, kind="quarter").label == "2026Q3"
    assert resolve_period(" Latest ", months=months, kind="month").label == "2026-09"
    assert resolve_period("2025Q1", months=months, kind="quarter").label == "2025Q1"


def test_require_months_names_the_range_covered():
    from perfkit.periods import require_months

    months = ["2024-10", "2024-11", "2026-09"]
    assert require_months("2026Q3", months=months).label == "2026Q3"
    assert require_months("2024", months=months).label == "2024"  # partly covered is fine
    with pytest.raises(PeriodError) as err:
        require_months("2030Q1", months=months, what="data/sample")
    assert str(err.value) == (
        "data/sample hold no actuals for 2030Q1 (2030-01 to 2030-03); they cover 2024-10 to "
        "2026-09: pick a period inside that range, or 'latest'"
    )
    with pytest.raises(PeriodError, match="they hold no months at all"):
        require_months("2026Q3", months=[])


@pytest.mark.parametrize(
    ("loose", "label"),
    [
        ("2026q3", "2026Q3"), ("2026 Q3", "2026Q3"), ("Q3 2026", "2026Q3"), ("q3-2026", "2026Q3"),
        ("2026h2", "2026H2"), ("2026-7", "2026-07"), ("2026/07", "2026-07"),
        ("2026-07-01", "2026-07"), ("2026年7月", "2026-07"), ("Jul-26", "2026-07"),
        ("July 2026", "2026-07"), (" 2026 ", "2026"), ("2026.0", "2026"),
    ],
)  # fmt: skip
def test_loose_spellings_parse_to_the_canonical_period(loose, label):
    from perfkit.periods import canonical_label

    assert canonical_label(loose) == label
    assert parse_period(loose).label == label


def test_canonical_label_of_no_period_is_none():
    from perfkit.periods import canonical_label

    assert [canonical_label(t) for t in ("2026-13", "Foo-26", "2026Q0", "")] == [None] * 4


def test_resolve_periods_is_the_one_home_of_latest():
    from perfkit.errors import PeriodError
    from perfkit.periods import resolve_periods

    months = [f"2026-{m:02d}" for m in range(1, 9)]  # January to August: Q3 is not complete
    assert [p.label for p in resolve_periods("LATEST", months=months, kinds=["quarter"])] == [
        "2026Q2"
    ]
    got = resolve_periods(["2026q2", "2026-08", "2026Q2"], months=months, kinds=["quarter"])
    assert [p.label for p in got] == ["2026Q2", "2026-08"]
    with pytest.raises(
        PeriodError, match="'latest' is ambiguous: the plans evaluate over month, quarter"
    ):
        resolve_periods("latest", months=months, kinds=["quarter", "month"])
    with pytest.raises(PeriodError, match=r"hold no actuals for 2027Q1"):
        resolve_periods("2027q1", months=months, kinds=["quarter"])
    with pytest.raises(PeriodError, match="no period given"):
        resolve_periods([], months=months, kinds=["quarter"])
