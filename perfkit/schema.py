"""The shape of perfkit's tables: the input contract of ``docs/data.md`` and the output columns.

Input side: the tables of a data set (:data:`TABLES`, :data:`REQUIRED_TABLES`, the file
:data:`SUFFIXES` read), the columns of each with their kind and whether they may be absent or
empty (:data:`COLUMNS` of :class:`Column`), the value column a wide table melts into
(:data:`VALUE_COLUMN`), the keys that must not repeat (:data:`UNIQUE`), the dtypes
(:data:`DTYPES`, :func:`empty_table`), the raw metric catalogue with its units and sane
ranges (:data:`RAW_METRICS`, :data:`UNIT_MAX`, :data:`RAW_METRIC_RANGE`,
:data:`MAX_MAGNITUDE`), and the pandera schema each table is checked with
(:func:`table_schema`, with the fix of each of its checks in :data:`CHECK_FIXES`).

Output side: the columns of the engine's frames, in order (:data:`SCORE_COLUMNS`,
:data:`PERSON_COLUMNS`, :data:`RESULT_COLUMNS`) and which of them are float or bool
(:data:`FLOAT_COLUMNS`, :data:`BOOL_COLUMNS`; every other output column is pandas ``str``).

This module only describes; reading files is :mod:`perfkit.io`, typing their cells
:mod:`perfkit.convert`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

import pandas as pd

if TYPE_CHECKING:
    import pandera.pandas as pa

__all__ = [
    "BOOL_COLUMNS",
    "CHECK_FIXES",
    "COLUMNS",
    "DTYPES",
    "FLOAT_COLUMNS",
    "MAX_MAGNITUDE",
    "MONTH_PATTERN",
    "PERIOD_PATTERN",
    "PERSON_COLUMNS",
    "RAW_METRICS",
    "RAW_METRIC_RANGE",
    "REQUIRED_TABLES",
    "RESULT_COLUMNS",
    "SCORE_COLUMNS",
    "SUFFIXES",
    "TABLES",
    "UNIQUE",
    "UNIT_MAX",
    "VALUE_COLUMN",
    "Column",
    "Kind",
    "empty_table",
    "table_schema",
]

# --------------------------------------------------------------------------------------
# Input tables
# --------------------------------------------------------------------------------------
#: Tables of a data set, in the order they are read and reported.
TABLES = ("employees", "actuals", "targets", "ratings", "modifiers")
#: Tables that must exist and hold at least one row.
REQUIRED_TABLES = ("employees", "actuals")
#: File formats read, by suffix.
SUFFIXES = (".csv", ".xlsx", ".parquet")

#: The kind of a column's cells: ``month`` is a ``YYYY-MM`` label, ``period`` any period label.
Kind = Literal["text", "number", "date", "month", "period"]


@dataclass(frozen=True)
class Column:
    """One column of an input table.

    Attributes
    ----------
    name : str
        The contract's name, e.g. ``employee_id``.
    kind : {"text", "number", "date", "month", "period"}
    required : bool
        The column must be in the file.
    nullable : bool
        Its cells may be empty.
    """

    name: str
    kind: Kind
    required: bool = True  # the column must be in the file
    nullable: bool = False  # its cells may be empty


#: The columns of each table, in the order of ``docs/data.md``.
COLUMNS: dict[str, tuple[Column, ...]] = {
    "employees": (
        Column("employee_id", "text"),
        Column("name", "text"),
        Column("role", "text"),
        Column("team", "text"),
        Column("manager_id", "text", nullable=True),
        Column("hire_date", "date"),
        Column("leave_date", "date", required=False, nullable=True),
        Column("annual_target_bonus", "number"),
        Column("currency", "text"),
    ),
    "actuals": (
        Column("employee_id", "text"),
        Column("period", "month"),
        Column("metric", "text"),
        Column("value", "number"),
    ),
    "targets": (
        Column("employee_id", "text"),
        Column("period", "period"),
        Column("metric", "text"),
        Column("target", "number"),
    ),
    "ratings": (
        Column("employee_id", "text"),
        Column("period", "period"),
        Column("metric", "text"),
        Column("rating", "number"),
        Column("rater_id", "text", required=False, nullable=True),
        Column("comment", "text", required=False, nullable=True),
    ),
    "modifiers": (
        Column("employee_id", "text"),
        Column("period", "period"),
        Column("modifier", "number"),
        Column("reason", "text", required=False, nullable=True),
    ),
}
#: The value column a wide table's metric columns melt into.
VALUE_COLUMN = {"actuals": "value", "targets": "target", "ratings": "rating"}
#: Columns whose repeated combination is a duplicate row.
UNIQUE = {
    "actuals": ["employee_id", "period", "metric"],
    "targets": ["employee_id", "period", "metric"],
    "ratings": ["employee_id", "period", "metric", "rater_id"],
    "modifiers": ["employee_id", "period"],
}
#: The pandas dtype of each kind of column.
DTYPES = {"text": "str", "number": "float64", "date": "datetime64[ns]"}
DTYPES["month"] = DTYPES["period"] = "str"

#: A canonical month label, ``YYYY-MM``.
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
#: A canonical period label: month, quarter (``2026Q3``), half (``2026H2``) or year.
PERIOD_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])|Q[1-4]|H[12])?$"


def empty_table(table: str) -> pd.DataFrame:
    """An empty frame with the columns and dtypes of ``table`` (e.g. ``"ratings"``)."""
    return pd.DataFrame({c.name: pd.Series(dtype=DTYPES[c.kind]) for c in COLUMNS[table]})


# --------------------------------------------------------------------------------------
# The raw metric catalogue
# --------------------------------------------------------------------------------------
#: The raw metric catalogue of ``docs/data.md``: raw metric name -> unit. An ``actuals``
#: metric outside it is a problem unless a plan measures it (a custom raw metric).
RAW_METRICS: dict[str, str] = {
    "leads": "count",
    "event_attendance": "people",
    "event_budget": "CNY",
    "event_spend": "CNY",
    "event_reach": "count",
    "web_unique_visitors": "count",
    "web_page_views": "count",
    "search_rank": "rank",
    "ad_impressions": "count",
    "ad_clicks": "count",
    "ad_conversions": "count",
    "ad_spend": "CNY",
    "new_channel_partners": "count",
    "channel_sales": "CNY",
    "partner_satisfaction": "score",
    "market_share": "fraction",
    "social_followers": "count",
    "content_published": "count",
    "content_reach": "count",
    "content_engagements": "count",
    "repeat_purchase_rate": "fraction",
    "referrals": "count",
}

#: The most a value of each unit can sanely be in one month (``docs/data.md``). A count of a
#: trillion leads or a spend of a thousand trillion CNY is an export error, and a value near
#: the float limit (1e308) would overflow the sums and ratios it flows into. Fractions are
#: shares from 0 to 1 (35% is 0.35) and scores are the partner survey's 1-5 scale.
UNIT_MAX: dict[str, float] = {
    "count": 1e12,
    "people": 1e10,
    "CNY": 1e15,
    "rank": 1e6,
    "score": 5.0,
    "fraction": 1.0,
}
#: The sane range of each raw metric of the catalogue, inclusive: ``(minimum, maximum)``.
#: None can be negative; the maximum is its unit's :data:`UNIT_MAX`.
RAW_METRIC_RANGE: dict[str, tuple[float, float]] = {
    m: (0.0, UNIT_MAX[unit]) for m, unit in RAW_METRICS.items()
}
#: The largest magnitude accepted for any other number that enters a computation (a custom
#: raw metric, a target, a target bonus): beyond it sums and products risk overflow.
MAX_MAGNITUDE = 1e15


# --------------------------------------------------------------------------------------
# The pandera schema of each input table
# --------------------------------------------------------------------------------------
@cache
def table_schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema a coerced ``table`` is checked with (built once per table).

    Each check carries an ``error`` name: the kind of a period column (``month``,
    ``period``), ``nonnegative``, ``positive``, ``rating``, ``currency`` and
    ``leave_before_hire``; :data:`CHECK_FIXES` holds the fix of each.
    """
    import pandera.pandas as pa  # here, not at the top: the output side needs no pandera

    def col(c: Column, *checks: pa.Check, unique: bool = False) -> pa.Column:
        dtype = {"number": float, "date": pa.DateTime}.get(c.kind, str)
        return pa.Column(dtype, list(checks), nullable=c.nullable, unique=unique)

    specs = {c.name: c for c in COLUMNS[table]}
    checks: dict[str, list[pa.Check]] = {name: [] for name in specs}
    if "period" in specs:
        kind = specs["period"].kind
        pattern = MONTH_PATTERN if kind == "month" else PERIOD_PATTERN
        checks["period"].append(pa.Check.str_matches(pattern, error=kind))
    frame_checks = []
    if table == "employees":
        checks["annual_target_bonus"].append(pa.Check.ge(0, error="nonnegative"))
        checks["currency"].append(pa.Check.str_matches(r"^[A-Z]{3}$", error="currency"))
        frame_checks.append(
            pa.Check(
                lambda d: (
                    d["leave_date"].isna()
                    | d["hire_date"].isna()
                    | (d["leave_date"] >= d["hire_date"])
                ),
                error="leave_before_hire",
            )
        )
    elif table == "targets":
        checks["target"].append(pa.Check.gt(0, error="positive"))
    elif table == "ratings":
        checks["rating"].append(pa.Check.in_range(1, 5, error="rating"))
    elif table == "modifiers":
        checks["modifier"].append(pa.Check.ge(0, error="nonnegative"))
    columns = {
        name: col(c, *checks[name], unique=(table == "employees" and name == "employee_id"))
        for name, c in specs.items()
    }
    return pa.DataFrameSchema(
        columns, checks=frame_checks, unique=UNIQUE.get(table), strict=False, coerce=False
    )


#: The fix of a cell that fails a check of :func:`table_schema`, by the check's error name.
CHECK_FIXES = {
    "month": "write the month as YYYY-MM, e.g. 2026-07",
    "period": "write a period as 2026-07 (month), 2026Q3 (quarter), 2026H2 (half) or 2026 (year)",
    "nonnegative": "use a number of 0 or more",
    "positive": "use a number above zero (achievement divides by the target)",
    "rating": "use a rating from 1 to 5 (3 meets expectations)",
    "currency": "use a three-letter ISO currency code in capitals, e.g. CNY",
}


# --------------------------------------------------------------------------------------
# Output frames
# --------------------------------------------------------------------------------------
#: Output columns of :func:`perfkit.scoring.score_metrics` (and ``Evaluation.scores``), in order.
SCORE_COLUMNS = [
    "employee_id", "period", "role", "team", "metric", "kind", "direction", "actual", "target",
    "achievement", "score", "weight", "weighted_score", "note",
]  # fmt: skip

#: Output columns of :func:`perfkit.scoring.score_achievement`.
PERSON_COLUMNS = ["employee_id", "period", "composite", "rating", "gate_passed", "gate_failed"]

#: Columns of :attr:`perfkit.evaluation.Evaluation.results`, in order.
RESULT_COLUMNS = [
    "employee_id", "name", "period", "role", "team", "manager_id", "composite", "rating",
    "gate_passed", "gate_failed", "team_result", "individual_pct", "team_pct", "payout_pct",
    "modifier", "proration", "target_bonus", "payout_amount", "currency", "explanation",
]  # fmt: skip

#: Output columns that are float64 and bool; every other output column is pandas ``str``.
FLOAT_COLUMNS = frozenset(
    {
        "actual", "target", "achievement", "score", "weight", "weighted_score", "composite",
        "team_result", "individual_pct", "team_pct", "payout_pct", "modifier", "proration",
        "target_bonus", "payout_amount",
    }
)  # fmt: skip
BOOL_COLUMNS = frozenset({"gate_passed"})
