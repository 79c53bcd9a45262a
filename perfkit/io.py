"""Reading and checking input data: a folder of CSV, Excel or Parquet files -> :class:`Dataset`.

A data set is a folder holding ``employees``, ``actuals`` and, optionally, ``targets``,
``ratings`` and ``modifiers``, each as ``.csv``, ``.xlsx`` or ``.parquet`` (see
``docs/data.md``, the contract). :func:`load_dataset` reads the files, turns an analyst's wide
Excel export into long form with a column mapping, coerces every column to its type and checks
each table with a pandera schema. Every problem is collected, not only the first, and reported
as a :class:`~perfkit.errors.Problem` naming the file, the row number as the user sees it
(CSV: the header is row 1, so the first data row is row 2; Excel: the sheet's row number;
Parquet: the record number from 1), the column, what was found and the fix.

:func:`perfkit.validation.validate` does the same and also checks the plans and the data
against the plans; the ``perfkit validate`` command prints its report.

What is read forgivingly (so an Excel round trip does not break a file): header names in any
case with spaces (``Employee ID``), title rows above the header (the first
:data:`HEADER_SCAN_ROWS` rows are searched for it), blank rows, ids Excel stored as numbers,
thousands separators (``12,500``), periods Excel turned into dates (``2026-07-01``,
``Jul-26``) or written loosely (``2026/7``, ``2026 q3``, ``Q3 2026``, ``2026年7月``), dates as
``2024/3/15``, CSV saved as UTF-8 with a BOM, as UTF-16 or in the GB18030 code page (decided
from the whole file), and CSV separated by semicolons (then with decimal commas, ``1.234,5``)
or tabs.

What is refused, each as a problem with its fix: a ``.csv`` that is not text (a workbook, a
binary file), a column holding data under a blank or merged header cell (it would be dropped
silently), and a key repeated in ``mapping.yaml``.

Column mapping (wide form)
--------------------------
A mapping tells perfkit how to read files that do not follow the contract's names. It is a
dict (or a ``mapping.yaml`` file, picked up automatically when it sits in the data folder)
with one entry per table, every key optional::

    actuals:
      file: KPI export 2026.xlsx   # file name in the folder (default: actuals.csv/.xlsx/.parquet)
      sheet: Monthly               # Excel sheet name or 0-based position (default: the first)
      id_column: Emp No            # the column holding employee_id
      period_column: Month         # the column holding the period
      columns: {Staff name: name}  # any other renames: their column -> perfkit column
      metrics:                     # wide form: one column per metric -> its metric name
        Leads: leads
        Web UV: web_unique_visitors

With ``metrics`` the table is wide (one row per employee and period, one column per metric)
and is melted to long form; empty cells are skipped. ``metrics`` names raw metrics for
``actuals``, plan metric keys for ``targets`` and rating names for ``ratings``.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io as _stdio
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any, Literal

import numpy as np
import openpyxl
import pandas as pd
import pandera.pandas as pa
from openpyxl.utils import get_column_letter
from pydantic import BaseModel, ConfigDict, ValidationError

from ._yaml import load_yaml
from .errors import DataError, Problem

__all__ = [
    "MAX_MAGNITUDE",
    "RAW_METRICS",
    "RAW_METRIC_RANGE",
    "TABLES",
    "UNIT_MAX",
    "DataMapping",
    "Dataset",
    "TableMapping",
    "empty_table",
    "load_dataset",
]

#: Tables of a data set, in the order they are read and reported.
TABLES = ("employees", "actuals", "targets", "ratings", "modifiers")
#: Tables that must exist and hold at least one row.
REQUIRED_TABLES = ("employees", "actuals")
#: File formats read, by suffix.
SUFFIXES = (".csv", ".xlsx", ".parquet")
#: Rows scanned for the header row (title rows may sit above it in an Excel export).
HEADER_SCAN_ROWS = 20
#: Problems of one kind listed per file and column before the rest are counted.
MAX_LISTED = 20

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
#: Cell separators a CSV file may use, tried in this order on the header row (``;`` is what
#: Excel writes where the comma is the decimal mark).
DELIMITERS = (",", ";", "\t")

Kind = Literal["text", "number", "date", "month", "period"]


@dataclass(frozen=True)
class _Col:
    name: str
    kind: Kind
    required: bool = True  # the column must be in the file
    nullable: bool = False  # its cells may be empty


_COLUMNS: dict[str, tuple[_Col, ...]] = {
    "employees": (
        _Col("employee_id", "text"),
        _Col("name", "text"),
        _Col("role", "text"),
        _Col("team", "text"),
        _Col("manager_id", "text", nullable=True),
        _Col("hire_date", "date"),
        _Col("leave_date", "date", required=False, nullable=True),
        _Col("annual_target_bonus", "number"),
        _Col("currency", "text"),
    ),
    "actuals": (
        _Col("employee_id", "text"),
        _Col("period", "month"),
        _Col("metric", "text"),
        _Col("value", "number"),
    ),
    "targets": (
        _Col("employee_id", "text"),
        _Col("period", "period"),
        _Col("metric", "text"),
        _Col("target", "number"),
    ),
    "ratings": (
        _Col("employee_id", "text"),
        _Col("period", "period"),
        _Col("metric", "text"),
        _Col("rating", "number"),
        _Col("rater_id", "text", required=False, nullable=True),
        _Col("comment", "text", required=False, nullable=True),
    ),
    "modifiers": (
        _Col("employee_id", "text"),
        _Col("period", "period"),
        _Col("modifier", "number"),
        _Col("reason", "text", required=False, nullable=True),
    ),
}
#: The value column a wide table's metric columns melt into.
_VALUE_COLUMN = {"actuals": "value", "targets": "target", "ratings": "rating"}
#: Columns whose repeated combination is a duplicate row.
_UNIQUE = {
    "actuals": ["employee_id", "period", "metric"],
    "targets": ["employee_id", "period", "metric"],
    "ratings": ["employee_id", "period", "metric", "rater_id"],
    "modifiers": ["employee_id", "period"],
}
_DTYPES = {"text": "str", "number": "float64", "date": "datetime64[ns]"}
_DTYPES["month"] = _DTYPES["period"] = "str"

_MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
_PERIOD_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])|Q[1-4]|H[12])?$"


def empty_table(table: str) -> pd.DataFrame:
    """An empty frame with the columns and dtypes of ``table`` (e.g. ``"ratings"``)."""
    return pd.DataFrame({c.name: pd.Series(dtype=_DTYPES[c.kind]) for c in _COLUMNS[table]})


# --------------------------------------------------------------------------------------
# Dataset
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Dataset:
    """The validated input frames of one data set, in long form.

    Attributes
    ----------
    employees : DataFrame
        ``employee_id, name, role, team, manager_id, hire_date, leave_date,
        annual_target_bonus, currency`` (dates datetime64, ``leave_date`` NaT while employed).
    actuals : DataFrame
        ``employee_id, period, metric, value``: monthly raw actuals, ``period`` ``YYYY-MM``.
    targets : DataFrame
        ``employee_id, period, metric, target``: per-person targets of plan metrics (may be
        empty).
    ratings : DataFrame
        ``employee_id, period, metric, rating, rater_id, comment`` (may be empty).
    modifiers : DataFrame
        ``employee_id, period, modifier, reason`` (may be empty).
    source : str
        Where the data came from (the folder), for messages and report headers.
    """

    employees: pd.DataFrame
    actuals: pd.DataFrame
    targets: pd.DataFrame
    ratings: pd.DataFrame
    modifiers: pd.DataFrame
    source: str = "<frames>"

    @property
    def months(self) -> list[str]:
        """Sorted unique month labels (``YYYY-MM``) in ``actuals``."""
        return sorted(self.actuals["period"].dropna().unique().tolist())

    @classmethod
    def from_frames(
        cls,
        employees: pd.DataFrame,
        actuals: pd.DataFrame,
        targets: pd.DataFrame | None = None,
        ratings: pd.DataFrame | None = None,
        modifiers: pd.DataFrame | None = None,
        *,
        source: str = "<frames>",
        check: bool = True,
    ) -> Dataset:
        """Build a Dataset from frames, e.g. in a test or a notebook.

        Parameters
        ----------
        employees, actuals : DataFrame
            Frames with the columns of ``docs/data.md``.
        targets, ratings, modifiers : DataFrame, optional
            Absent frames become empty frames with their columns and dtypes.
        source : str
            A name for messages.
        check : bool
            When true (the default) every frame is coerced to its dtypes (text ids, ``YYYY-MM``
            periods, float values, datetime dates) and checked as a loaded file would be; the
            inputs are not changed. When false the frames are only copied.

        Returns
        -------
        Dataset

        Raises
        ------
        DataError
            When ``check`` is true and a frame breaks the contract; rows are numbered from 1.
        """
        given = {
            "employees": employees,
            "actuals": actuals,
            "targets": targets,
            "ratings": ratings,
            "modifiers": modifiers,
        }
        if not check:
            frames = {k: (v.copy() if v is not None else empty_table(k)) for k, v in given.items()}
            return cls(**frames, source=source)
        tables: dict[str, _Table] = {}
        problems = _Problems()
        for name, frame in given.items():
            if frame is None:
                continue
            raw = frame.reset_index(drop=True)
            raw.columns = [str(c) for c in raw.columns]
            rows = np.arange(1, len(raw) + 1)
            t = _Table(name, f"{name} frame", raw, rows, {c: c for c in raw.columns})
            tables[name] = _prepare(t, problems)
        _cross_tables(tables, problems)
        if problems:
            raise DataError.from_problems(problems.sorted(), subject=source)
        return _dataset(tables, source)


# --------------------------------------------------------------------------------------
# Column mapping
# --------------------------------------------------------------------------------------
class TableMapping(BaseModel):
    """How to read one table whose file does not use the contract's names.

    Attributes
    ----------
    file : str, optional
        File name inside the data folder, e.g. ``KPI export.xlsx``.
    sheet : str or int, optional
        Excel sheet name, or its 0-based position; the first sheet by default.
    id_column, period_column : str, optional
        The file's columns holding ``employee_id`` and ``period``.
    columns : dict of str to str
        Other renames: the file's column name -> the perfkit column name.
    metrics : dict of str to str
        Wide form: the file's metric column -> metric name. The table is melted to long form.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str | None = None
    sheet: str | int | None = None
    id_column: str | None = None
    period_column: str | None = None
    columns: dict[str, str] = {}
    metrics: dict[str, str] = {}

    def renames(self) -> dict[str, str]:
        """The file's column -> perfkit column, from ``columns``, ``id_column``, ``period_column``."""
        out = dict(self.columns)
        if self.id_column:
            out[self.id_column] = "employee_id"
        if self.period_column:
            out[self.period_column] = "period"
        return out


class DataMapping(BaseModel):
    """A column mapping for a whole data set: one optional :class:`TableMapping` per table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    employees: TableMapping | None = None
    actuals: TableMapping | None = None
    targets: TableMapping | None = None
    ratings: TableMapping | None = None
    modifiers: TableMapping | None = None


MappingLike = DataMapping | Mapping[str, Any] | str | Path | None


def _read_mapping(mapping: MappingLike, folder: Path, problems: _Problems) -> DataMapping | None:
    where = "mapping"
    if mapping is None:
        for name in ("mapping.yaml", "mapping.yml"):
            if (folder / name).is_file():
                mapping = folder / name
                break
        else:
            return None
    if isinstance(mapping, DataMapping):
        return mapping
    if isinstance(mapping, str | Path):
        path = Path(mapping)
        where = path.name
        if not path.is_file():
            problems.add("", 0, str(path), "mapping file not found", "give its path")
            return None
        try:
            mapping = load_yaml(path, where=where, error=DataError) or {}
        except DataError as exc:
            for p in exc.problems:
                problems.add_problem("", 0, p)
            return None
    try:
        result = DataMapping.model_validate(mapping)
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "(whole mapping)"
            if err["type"] == "extra_forbidden":
                allowed = list(TABLES) if len(err["loc"]) == 1 else list(TableMapping.model_fields)
                problems.add(
                    "",
                    0,
                    f"{where}, field {loc}",
                    "unknown field",
                    f"use one of: {', '.join(allowed)}",
                )
            else:
                kind = err["type"]
                if kind in ("model_type", "model_attributes_type", "dict_type"):
                    msg = "expected a mapping: one `name: value` per line"
                else:
                    msg = err["msg"].replace("Input should be", "expected")
                problems.add("", 0, f"{where}, field {loc}", msg, "see docs/data.md")
        return None
    for table in TABLES:
        tm = getattr(result, table)
        if tm is None:
            continue
        known = {c.name for c in _COLUMNS[table]}
        for theirs, ours in tm.columns.items():
            if ours not in known:
                problems.add(
                    "",
                    0,
                    f"{where}, field {table}.columns.{theirs}",
                    f"maps to {ours!r}, not a column of {table}",
                    f"map to one of: {', '.join(sorted(known))}",
                )
        if tm.metrics and table not in _VALUE_COLUMN:
            problems.add(
                "",
                0,
                f"{where}, field {table}.metrics",
                f"{table} has no wide form",
                f"use `metrics` only for {', '.join(_VALUE_COLUMN)}",
            )
    return result


# --------------------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------------------
class _Problems:
    """Collects problems with a sort key (table order, row), so reports read top to bottom."""

    def __init__(self) -> None:
        self._items: list[tuple[int, int, int, Problem]] = []

    def add(self, table: str, row: int, where: str, found: str, expected: str = "") -> None:
        """Record a problem of ``table`` ("" for the folder, "plans" for plans) at ``row``."""
        self.add_problem(table, row, Problem(where, found, expected))

    def add_problem(self, table: str, row: int, problem: Problem) -> None:
        order = TABLES.index(table) if table in TABLES else (len(TABLES) if table else -1)
        self._items.append((order, int(row), len(self._items), problem))

    def __bool__(self) -> bool:
        return bool(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def sorted(self) -> list[Problem]:
        return [p for *_, p in sorted(self._items, key=lambda x: x[:3])]


def _show(value: Any) -> str:
    """A found value as the user would recognise it."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return "an empty cell"
    if isinstance(value, pd.Timestamp | dt.date):
        return f"'{value:%Y-%m-%d}'"
    if isinstance(value, float | np.floating):
        return f"{float(value):g}"
    return repr(str(value))


def _rows_text(rows: Iterable[int], limit: int = 5) -> str:
    """``row 5``, ``rows 5 and 9`` or ``rows 5, 9, 12 and 40 more``."""
    rs = sorted({int(r) for r in rows})
    if len(rs) == 1:
        return f"row {rs[0]}"
    if len(rs) <= limit:
        return "rows " + ", ".join(map(str, rs[:-1])) + f" and {rs[-1]}"
    return "rows " + ", ".join(map(str, rs[:limit])) + f" and {len(rs) - limit} more"


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------
@dataclass
class _Table:
    """One table while it is read: the frame plus how to name its rows and columns."""

    name: str
    file: str  # shown in messages, e.g. "actuals.xlsx"
    frame: pd.DataFrame  # RangeIndex; perfkit column names once mapped
    rows: np.ndarray  # the user's row number of each frame row
    columns: dict[str, str]  # perfkit column -> the user's column name
    value_source: np.ndarray | None = None  # wide form: the user's column of each value
    broken: bool = False  # a required column is missing: no row checks, no cross-checks
    mapped: dict[str, str] = field(default_factory=dict)  # perfkit column -> mapping's name
    decimal_comma: bool = False  # a CSV separated by ";": "1.234,5" is 1234.5

    def where(self, pos: int, column: str | None = None) -> str:
        text = f"{self.file}, row {self.rows[pos]}"
        if column is not None:
            text += f", column {self.column_name(column, pos)}"
        return text

    def column_name(self, column: str, pos: int | None = None) -> str:
        if (
            self.value_source is not None
            and pos is not None
            and column == _VALUE_COLUMN.get(self.name)
        ):
            return str(self.value_source[pos])
        theirs = self.columns.get(column, column)
        return theirs if theirs == column else f"{theirs} ({column})"


def _norm(name: Any) -> str:
    """A header cell compared loosely: trimmed, lower case, spaces and dashes as ``_``."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def _find_files(folder: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {t: [] for t in TABLES}
    for p in sorted(folder.iterdir()):
        stem, suffix = p.stem.lower(), p.suffix.lower()
        if p.is_file() and stem in found and (suffix in SUFFIXES or suffix == ".xls"):
            found[stem].append(p)
    return found


def _header_index(rows: list[list[Any]], needed: set[str], any_of: set[str]) -> int | None:
    """Index of the first row holding every ``needed`` name (and one of ``any_of``)."""
    for require_any in (True, False) if any_of else (False,):
        for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
            cells = {_norm(c) for c in row if not _blank(c)}
            if needed <= cells and (not require_any or cells & any_of):
                return i
    return None


def _blank(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or str(x).strip() == ""


def _first_nonblank(rows: list[list[Any]]) -> int | None:
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if any(not _blank(c) for c in row):
            return i
    return None


@dataclass
class _Read:
    """What a reader got from one file: the cells, their row numbers and how it was written."""

    frame: pd.DataFrame  # the file's columns under the header's names, cells as read
    rows: np.ndarray  # the user's row number of each frame row
    unnamed: list[Problem] = field(default_factory=list)  # data under a blank header cell
    decimal_comma: bool = False


#: The first bytes of files that are not text, what they are and the fix, for a file that
#: arrives with a ``.csv`` name.
_CSV_FIX = "save it as CSV (UTF-8, comma separated)"
_NOT_TEXT = (
    (
        b"PK\x03\x04",
        "is a zip file (an Excel workbook named .csv?), not CSV text",
        f"{_CSV_FIX}, or rename it .xlsx if it is a workbook",
    ),
    (
        b"\xd0\xcf\x11\xe0",
        "is an old Excel .xls workbook named .csv, not CSV text",
        f"{_CSV_FIX}, or save it as .xlsx (Excel Workbook)",
    ),
    (b"PAR1", "is a Parquet file named .csv, not CSV text", "rename it .parquet"),
)


def _decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and ``""``, or ``("", problem)`` when it is not text.

    The whole file is decoded, so a character cut by a read boundary cannot mislead the
    choice: valid UTF-8 (with or without a BOM) is always read as UTF-8, UTF-16 with its BOM
    (Excel's "Unicode Text") as UTF-16, and anything else must be valid GB18030 (the code page
    Excel on Chinese Windows saves CSV in).
    """
    for magic, what, fix in _NOT_TEXT:
        if data.startswith(magic):
            return "", f"{what}; {fix}"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ""
        except UnicodeDecodeError:
            return "", f"is not valid UTF-16 text despite its byte-order mark; {_CSV_FIX}"
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return "", f"holds binary data (a zero byte on line {line}), not CSV text; {_CSV_FIX}"
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
    try:
        return data.decode("gb18030"), ""
    except UnicodeDecodeError:
        return "", (
            f"is not UTF-8 text (line {line} holds bytes that are neither UTF-8 nor GB18030); "
            "save it as CSV UTF-8"
        )


def _split_head(head: str, needed: set[str], any_of: set[str]) -> tuple[str, list[list[str]], int]:
    """The delimiter, the first rows split by it and the header row's index.

    Each of :data:`DELIMITERS` is tried on the first rows; the first that yields a row holding
    the needed column names wins. When none does (a misspelt header), the delimiter that
    splits the first non-blank line into the most cells is used, so the problems name the
    header's cells.
    """
    tried: list[tuple[int, str, list[list[str]]]] = []
    for delim in DELIMITERS:
        rows = list(islice(csv.reader(_stdio.StringIO(head), delimiter=delim), HEADER_SCAN_ROWS))
        k = _header_index(rows, needed, any_of)
        if k is not None:
            return delim, rows, k
        first = _first_nonblank(rows)
        tried.append((len(rows[first]) if first is not None else 0, delim, rows))
    _, delim, rows = max(tried, key=lambda x: x[0])  # max keeps the first of equals: ","
    return delim, rows, _first_nonblank(rows) or 0


_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def _read_csv(path: Path, needed: set[str], any_of: set[str], wanted: list[str]) -> _Read | str:
    """Read a CSV file as text; returns what was read or a problem text."""
    text, problem = _decode(path.read_bytes())
    if problem:
        return problem
    if not text.strip():
        return "holds no header row"
    try:
        delim, lines, k = _split_head(text[:65536], needed, any_of)
    except csv.Error as exc:
        return f"cannot be read as CSV ({exc}); save it again as CSV (comma separated)"
    name = _DELIMITER_NAMES[delim]
    try:
        frame = pd.read_csv(
            _stdio.StringIO(text),
            sep=delim,
            skiprows=k,
            header=0,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
        )
    except pd.errors.EmptyDataError:
        return "holds no header row"
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            return (
                f"row {int(m[2]) + k} has {m[3]} cells but the header has {m[1]}; "
                f"remove the extra cells or quote text that holds a {name}"
            )
        return f"cannot be read as CSV ({exc}); save it again as CSV (comma separated)"
    if not isinstance(frame.index, pd.RangeIndex):  # pandas took the extra cells as an index
        return (
            f"row {k + 2} has {frame.shape[1] + frame.index.nlevels} cells but the header has "
            f"{frame.shape[1]}; remove the extra cells or quote text that holds a {name}"
        )
    rows = np.arange(len(frame)) + k + 2
    header = lines[k] if k < len(lines) else []
    blank = [j for j in range(frame.shape[1]) if j >= len(header) or _blank(header[j])]
    read = _Read(frame, rows, decimal_comma=delim == ";")
    if blank:
        names = {_norm(h) for h in header if not _blank(h)}
        hint = _lacking(wanted, names)
        for j in blank:
            filled = np.flatnonzero(_filled(frame.iloc[:, j]))
            if len(filled):
                read.unnamed.append(
                    Problem(
                        f"{path.name}, {_rows_text(rows[filled])}, column {j + 1}",
                        f"data under a blank header cell (cell {j + 1} of header row {k + 1}), "
                        "so the column has no name and would be dropped",
                        f"write the column's name in the header row{hint} or delete the column",
                    )
                )
        read.frame = frame.iloc[:, [j for j in range(frame.shape[1]) if j not in blank]]
    return read


def _filled(s: pd.Series) -> np.ndarray:
    """Mask of the cells that hold something (not empty, not only spaces)."""
    mask = s.notna().to_numpy()
    if s.dtype == object or pd.api.types.is_string_dtype(s):
        mask = mask & (s.astype(str).str.strip() != "").to_numpy()
    return mask


def _lacking(wanted: list[str], names: set[str]) -> str:
    """`` (e.g. leave_date)``: the table's columns the header does not name, as a hint."""
    missing = [w for w in wanted if _norm(w) not in names]
    return f" (e.g. {', '.join(missing[:3])}, which the header lacks)" if missing else ""


def _excel_sheet(book: pd.ExcelFile, sheet: str | int | None) -> str | None:
    """The name of the sheet a mapping asks for (the first by default), or None."""
    names = [str(n) for n in book.sheet_names]
    if sheet is None or sheet == "":
        return names[0] if names else None
    if isinstance(sheet, int):
        return names[sheet] if 0 <= sheet < len(names) else None
    return sheet if sheet in names else None


def _merged_over(path: Path, sheet: str, row: int) -> list[Any]:
    """The merged cell ranges of ``sheet`` that cover sheet row ``row`` (from 1)."""
    try:
        ws = openpyxl.load_workbook(path)[sheet]  # not read-only: that mode hides merges
        return [r for r in ws.merged_cells.ranges if r.min_row <= row <= r.max_row]
    except Exception:  # the grid was read already; without merges the message is plainer
        return []


def _read_excel(
    path: Path, sheet: str | int | None, needed: set[str], any_of: set[str], wanted: list[str]
) -> _Read | str:
    """Read one sheet, finding the header row below any title rows."""
    unreadable = "cannot be read as an Excel workbook; open it in Excel and save it as .xlsx"
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            name = _excel_sheet(book, sheet)
            if name is None:
                shown = ", ".join(map(str, book.sheet_names[:10]))
                return f"has no sheet {sheet!r}; name an existing sheet in the mapping ({shown})"
            grid = pd.read_excel(book, sheet_name=name, header=None, dtype=object)
    except Exception:  # a corrupt or mislabelled file: openpyxl/zipfile errors
        return unreadable
    cells = grid.head(HEADER_SCAN_ROWS).to_numpy().tolist()
    k = _header_index(cells, needed, any_of)
    if k is None:
        k = _first_nonblank(cells)
        if k is None:
            return "holds no header row in its first rows"
    header = grid.iloc[k]
    keep = [j for j, h in enumerate(header) if not _blank(h)]
    frame = grid.iloc[k + 1 :, keep]
    frame.columns = [str(header.iloc[j]).strip() for j in keep]
    rows = frame.index.to_numpy() + 1  # the frame's row i is the sheet's row i + 1
    read = _Read(frame.reset_index(drop=True), rows)
    blank = [j for j in range(grid.shape[1]) if j not in set(keep)]
    body = grid.iloc[k + 1 :]
    unnamed = [(j, np.flatnonzero(_filled(body.iloc[:, j]))) for j in blank]
    unnamed = [(j, filled) for j, filled in unnamed if len(filled)]
    if unnamed:
        hrow = k + 1  # the header's sheet row
        merges = _merged_over(path, name, hrow)
        hint = _lacking(wanted, {_norm(header.iloc[j]) for j in keep})
        for j, filled in unnamed:
            col = get_column_letter(j + 1)
            first, last = body.index[filled[0]] + 1, body.index[filled[-1]] + 1
            cells_at = f"cell {col}{first}" if first == last else f"cells {col}{first}:{col}{last}"
            merge = next((r for r in merges if r.min_col <= j + 1 <= r.max_col), None)
            if merge is not None:
                top = grid.iat[merge.min_row - 1, merge.min_col - 1]
                found = (
                    f"data under header cell {col}{hrow}, which is part of the merged cell "
                    f"{merge.coord} ({_show(top)}), so the column has no name of its own and "
                    "would be dropped"
                )
                fix = f"unmerge {merge.coord} and write each column's own name{hint}"
            else:
                found = (
                    f"data under the blank header cell {col}{hrow}, so the column has no name "
                    "and would be dropped"
                )
                fix = f"write the column's name in {col}{hrow}{hint} or delete the column"
            read.unnamed.append(Problem(f"{path.name}, sheet {name}, {cells_at}", found, fix))
    return read


def _read_parquet(path: Path) -> _Read | str:
    try:
        frame = pd.read_parquet(path)
    except Exception:  # pyarrow raises several types for unreadable files
        return "cannot be read as a Parquet file; write it again, e.g. with DataFrame.to_parquet"
    frame.columns = [str(c) for c in frame.columns]
    return _Read(frame.reset_index(drop=True), np.arange(1, len(frame) + 1))


def _read_table(
    table: str, path: Path, tm: TableMapping | None, problems: _Problems
) -> _Table | None:
    file = path.name
    if not path.is_file():
        problems.add(table, 0, file, "file not found", f"put the {table} file there")
        return None
    if path.stat().st_size == 0:
        cols = ", ".join(c.name for c in _COLUMNS[table] if c.required)
        problems.add(
            table,
            0,
            file,
            "the file is empty (0 bytes)",
            f"start it with a header row: {cols}",
        )
        return None
    renames = {k.strip(): v for k, v in (tm.renames() if tm else {}).items()}
    metrics = {k.strip(): v for k, v in (tm.metrics if tm else {}).items()}
    ours_to_theirs = {v: k for k, v in renames.items()}
    required = [c.name for c in _COLUMNS[table] if c.required]
    if metrics:
        required = [c for c in required if c not in ("metric", _VALUE_COLUMN[table])]
    needed = {_norm(ours_to_theirs.get(c, c)) for c in required}
    any_of = {_norm(m) for m in metrics}
    wanted = [  # the table's columns as the file would name them, for hints
        ours_to_theirs.get(c.name, c.name)
        for c in _COLUMNS[table]
        if not (metrics and c.name in ("metric", _VALUE_COLUMN[table]))
    ]
    suffix = path.suffix.lower()
    if suffix == ".csv":
        got = _read_csv(path, needed, any_of, wanted)
    elif suffix == ".xlsx":
        if tm and tm.sheet is not None:
            file = f"{file}, sheet {tm.sheet}"
        got = _read_excel(path, tm.sheet if tm else None, needed, any_of, wanted)
    elif suffix == ".parquet":
        got = _read_parquet(path)
    else:
        got = f"is an old {suffix} workbook; save it as .xlsx (Excel Workbook)"
    if isinstance(got, str):
        found, _, fix = got.partition("; ")
        problems.add(table, 0, file, found, fix)
        return None
    for p in got.unnamed:
        problems.add_problem(table, 0, p)
    raw, rows = got.frame, got.rows
    # drop empty rows (blank lines, spacing rows in Excel), keeping the user's row numbers
    filled = raw.notna().to_numpy()
    if raw.dtypes.eq(object).any():
        filled &= raw.astype(str).apply(lambda s: s.str.strip() != "").to_numpy()
    keep = filled.any(axis=1) if raw.shape[1] else np.zeros(len(raw), bool)
    raw, rows = raw.loc[keep].reset_index(drop=True), rows[keep]

    # rename the user's columns to perfkit's
    known = {c.name for c in _COLUMNS[table]}
    by_norm = {_norm(k): v for k, v in renames.items()}
    metric_cols = {_norm(k): (k, v) for k, v in metrics.items()}
    new_names: list[str] = []
    columns: dict[str, str] = {}
    melt: dict[str, str] = {}
    for col in raw.columns:
        n = _norm(col)
        if n in metric_cols:
            melt[col] = metric_cols[n][1]
            new_names.append(col)
            continue
        ours = by_norm.get(n) or (n if n in known else None)
        if ours is None or ours in columns:
            new_names.append(col)  # an extra column, kept under its own name
            continue
        columns[ours] = str(col)
        new_names.append(ours)
    raw.columns = new_names
    t = _Table(
        table, file, raw, rows, columns, mapped=ours_to_theirs, decimal_comma=got.decimal_comma
    )
    seen = [_norm(c) for c in new_names]
    for name in sorted({c for c in seen if seen.count(c) > 1}):
        problems.add(table, 0, file, f"two columns named {name!r}", "rename or remove one")
        t.broken = True
    matched = {_norm(c) for c in melt}
    for orig in [orig for n, (orig, _) in metric_cols.items() if n not in matched]:
        problems.add(
            table,
            0,
            file,
            f"no column {orig!r}, which the mapping lists under {table}.metrics",
            f"add the column or remove it from the mapping (header: {_header(raw)})",
        )
    if melt and not t.broken:
        t = _melt(t, melt)
    return t


def _header(frame: pd.DataFrame) -> str:
    names = [str(c) for c in frame.columns]
    return ", ".join(names[:15]) + (f" and {len(names) - 15} more" if len(names) > 15 else "")


def _melt(t: _Table, melt: dict[str, str]) -> _Table:
    """Wide to long: one row per (row, metric column) with a value in the cell."""
    value = _VALUE_COLUMN[t.name]
    cols = list(melt)
    ids = [c for c in t.frame.columns if c not in melt]
    n = len(t.frame)
    values = t.frame[cols].to_numpy(dtype=object).T.reshape(-1)  # column after column
    blank = pd.isna(values) | (pd.Series(values, dtype=object).astype(str).str.strip() == "")
    keep = ~blank.to_numpy()
    long = pd.concat([t.frame[ids]] * len(cols), ignore_index=True)
    long["metric"] = np.repeat([melt[c] for c in cols], n)
    long[value] = values
    src = np.repeat(np.array(cols, dtype=object), n)
    rows = np.tile(t.rows, len(cols))
    long = long.loc[keep].reset_index(drop=True)
    return _Table(
        t.name,
        t.file,
        long,
        rows[keep],
        t.columns,
        src[keep],
        t.broken,
        mapped=t.mapped,
        decimal_comma=t.decimal_comma,
    )


# --------------------------------------------------------------------------------------
# Coercion to the contract's dtypes (vectorized; failures become problems)
# --------------------------------------------------------------------------------------
def _cell_text(x: Any) -> Any:
    if isinstance(x, str):
        return x
    if isinstance(x, bool | np.bool_):
        return str(x)
    if isinstance(x, float | np.floating):
        if math.isnan(x):
            return x
        return str(int(x)) if float(x).is_integer() else repr(float(x))
    if isinstance(x, dt.datetime):
        midnight = (x.hour, x.minute, x.second, x.microsecond) == (0, 0, 0, 0)
        return x.strftime("%Y-%m-%d") if midnight else x.isoformat(sep=" ")
    if isinstance(x, dt.date):
        return x.isoformat()
    return str(x)


def _as_text(s: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s):
        s = s.dt.strftime("%Y-%m-%d")
    elif not pd.api.types.is_string_dtype(s) or s.dtype == object:
        s = s.map(_cell_text, na_action="ignore")
    out = s.astype("str").str.strip()
    return out.where(out != "")


def _as_number(
    s: pd.Series, decimal_comma: bool = False
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Float values, a mask of cells that are not a finite number and one of ambiguous cells.

    With ``decimal_comma`` (a CSV separated by ``;``, as Excel writes where the comma is the
    decimal mark) ``1.234,5`` and ``0,35`` are 1234.5 and 0.35, and ``1.234`` is ambiguous
    (a thousand and more, or one and a bit): it is masked as ambiguous, not read. Otherwise a
    comma separates thousands (``12,500``).
    """
    none = np.zeros(len(s), bool)
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        num = s.astype("float64")
        bad = num.notna().to_numpy() & ~np.isfinite(num.to_numpy())
        return num.where(~bad), bad, none
    text = _as_text(s)
    ambiguous = none
    if decimal_comma:
        ambiguous = text.str.fullmatch(r"[+-]?\d{1,3}\.\d{3}").fillna(False).to_numpy(dtype=bool)
        comma = text.str.fullmatch(r"[+-]?(\d{1,3}(\.\d{3})+|\d*),\d+").fillna(False)
        plain = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        text = text.where(~comma, plain).where(~ambiguous)
    elif text.str.contains(",", regex=False).any():  # thousands separators: 12,500
        grouped = text.str.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?").fillna(False)
        text = text.where(~grouped, text.str.replace(",", "", regex=False))
    num = pd.to_numeric(text, errors="coerce").astype("float64")
    arr = num.to_numpy()
    bad = text.notna().to_numpy() & ~np.isfinite(arr)
    return num.where(~bad), bad, ambiguous


_DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?$")


def _parse_date(text: str) -> dt.date | None:
    m = _DATE_RE.match(text)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _as_date(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_datetime64_any_dtype(s):
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_localize(None)
        out = s.astype("datetime64[ns]")
        return out, np.zeros(len(s), bool)
    text = _as_text(s)
    codes, uniques = pd.factorize(text)
    parsed = np.array([_parse_date(u) for u in uniques] + [None], dtype=object)
    values = parsed[codes]  # code -1 (empty) picks the trailing None
    out = pd.Series(pd.to_datetime(values.tolist(), errors="coerce"), index=s.index)
    out = out.astype("datetime64[ns]")
    bad = text.notna().to_numpy() & out.isna().to_numpy()
    return out, bad


_PERIOD_FORMS = [
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), lambda m: f"{m[1]}-{int(m[2]):02d}"),
    (
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
_MONTH_NAMES = {
    name: i
    for i, full in enumerate(
        ["JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST",
         "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"],
        start=1,
    )
    for name in (full, full[:3])
} | {"SEPT": 9}  # fmt: skip


def _canonical_period(text: str) -> str:
    """The canonical label of a period written loosely (``2026 q3`` -> ``2026Q3``)."""
    t = text.strip().upper()
    for pattern, fmt in _PERIOD_FORMS:
        if (m := pattern.match(t)) and (label := fmt(m)) is not None:
            month = re.fullmatch(r"\d{4}-(\d{2})", label)
            if month is None or 1 <= int(month[1]) <= 12:
                return label
    return text  # left as written: the schema check reports it


def _as_period(s: pd.Series) -> pd.Series:
    """Period labels in canonical form; an Excel date such as 2026-07-01 becomes ``2026-07``."""
    text = _as_text(s)
    codes, uniques = pd.factorize(text)
    canon = np.array([_canonical_period(u) for u in uniques] + [np.nan], dtype=object)
    return pd.Series(canon[codes], index=s.index).astype("str")


_EXPECT = {
    "number": "write a number, e.g. 1250 or 0.35 (no units or letters)",
    "date": "write a date as YYYY-MM-DD, e.g. 2024-03-15",
    "ambiguous": (
        "in a file separated by semicolons the comma is the decimal mark, so this could be "
        "a thousand and more or one and a bit: write 1234 for the first, 1,234 for the second"
    ),
}


def _coerce(t: _Table, problems: _Problems) -> dict[str, np.ndarray]:
    """Turn every contract column into its dtype in place; returns the cells that failed."""
    failed: dict[str, np.ndarray] = {}
    frame = t.frame
    for col in _COLUMNS[t.name]:
        if col.name not in frame.columns:
            frame[col.name] = pd.Series(np.nan, index=frame.index, dtype=_DTYPES[col.kind])
            continue
        s = frame[col.name]
        if col.kind == "text":
            frame[col.name] = _as_text(s)
        elif col.kind in ("month", "period"):
            frame[col.name] = _as_period(s)
        else:
            if col.kind == "number":
                conv, bad, ambiguous = _as_number(s, t.decimal_comma)
            else:
                (conv, bad), ambiguous = _as_date(s), np.zeros(len(s), bool)
            frame[col.name] = conv
            if bad.any() or ambiguous.any():
                failed[col.name] = bad | ambiguous
            for mask, kind in ((bad, col.kind), (ambiguous, "ambiguous")):
                if mask.any():
                    _cell_problems(t, np.flatnonzero(mask), col.name, s, _EXPECT[kind], problems)
    return failed


def _cell_problems(
    t: _Table,
    positions: np.ndarray,
    column: str,
    values: pd.Series,
    expected: str,
    problems: _Problems,
    found: str = "found {}",
) -> None:
    """One problem per cell, the first MAX_LISTED of a kind, then a count of the rest."""
    for pos in positions[:MAX_LISTED]:
        value = values.iloc[pos]
        problems.add(
            t.name, t.rows[pos], t.where(pos, column), found.format(_show(value)), expected
        )
    rest = len(positions) - MAX_LISTED
    if rest > 0:
        problems.add(
            t.name,
            t.rows[positions[MAX_LISTED]],
            f"{t.file}, {_rows_text(t.rows[positions[MAX_LISTED:]])}, "
            f"column {t.column_name(column)}",
            f"{rest} more cells like the ones above",
            expected,
        )


# --------------------------------------------------------------------------------------
# Schema checks (pandera) and their translation into plain problems
# --------------------------------------------------------------------------------------
@cache
def _schema(table: str) -> pa.DataFrameSchema:
    def col(c: _Col, *checks: pa.Check, unique: bool = False) -> pa.Column:
        dtype = {"number": float, "date": pa.DateTime}.get(c.kind, str)
        return pa.Column(dtype, list(checks), nullable=c.nullable, unique=unique)

    specs = {c.name: c for c in _COLUMNS[table]}
    checks: dict[str, list[pa.Check]] = {name: [] for name in specs}
    if "period" in specs:
        kind = specs["period"].kind
        pattern = _MONTH_PATTERN if kind == "month" else _PERIOD_PATTERN
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
        columns, checks=frame_checks, unique=_UNIQUE.get(table), strict=False, coerce=False
    )


_CHECK_EXPECT = {
    "month": "write the month as YYYY-MM, e.g. 2026-07",
    "period": "write a period as 2026-07 (month), 2026Q3 (quarter), 2026H2 (half) or 2026 (year)",
    "nonnegative": "use a number of 0 or more",
    "positive": "use a number above zero (achievement divides by the target)",
    "rating": "use a rating from 1 to 5 (3 meets expectations)",
    "currency": "use a three-letter ISO currency code in capitals, e.g. CNY",
}


def _check_schema(t: _Table, failed: dict[str, np.ndarray], problems: _Problems) -> None:
    try:
        _schema(t.name).validate(t.frame, lazy=True, inplace=True)
        return
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    for _, case in cases[cases["index"].isna()].iterrows():  # not expected after coercion
        problems.add(
            t.name,
            0,
            f"{t.file}, column {t.column_name(str(case['column']))}",
            f"failed the check {case['check']} ({case['failure_case']})",
            "check the column",
        )
    cases = cases[cases["index"].notna()]
    for (column, check), grp in cases.groupby(["column", "check"], sort=False):
        pos = np.unique(grp["index"].to_numpy(dtype=np.int64))
        if check == "not_nullable" and column in failed:
            pos = pos[~failed[column][pos]]  # already reported as not a number / date
        if not len(pos):
            continue
        frame = t.frame
        if check == "not_nullable":
            _cell_problems(t, pos, column, frame[column], f"fill in {column}", problems, found="{}")
        elif check == "field_uniqueness":
            _duplicates(t, pos, [column], problems)
        elif check == "multiple_fields_uniqueness":
            if column == _UNIQUE[t.name][0]:  # reported once, not once per key column
                _duplicates(t, pos, _UNIQUE[t.name], problems)
        elif check == "leave_before_hire":
            if column == "leave_date":
                for p in pos[:MAX_LISTED]:
                    hire = frame["hire_date"].iloc[p]
                    problems.add(
                        t.name,
                        t.rows[p],
                        t.where(p, "leave_date"),
                        f"found {_show(frame['leave_date'].iloc[p])}, before hire_date "
                        f"{_show(hire)}",
                        "the leave date must be on or after the hire date; correct one",
                    )
        else:
            expected = _CHECK_EXPECT.get(str(check), f"fix the value ({check})")
            _cell_problems(t, pos, column, frame[column], expected, problems)


def _duplicates(t: _Table, pos: np.ndarray, keys: list[str], problems: _Problems) -> None:
    """One problem per repeated key, naming every row that holds it."""
    sub = t.frame.iloc[pos][keys].astype(object).where(t.frame.iloc[pos][keys].notna(), "")
    sub = sub.assign(_row=t.rows[pos])
    groups = list(sub.groupby(keys, sort=False, dropna=False)["_row"])
    for key, rows in groups[:MAX_LISTED]:
        key = key if isinstance(key, tuple) else (key,)
        shown = ", ".join(str(k) for k in key)
        names = " and ".join([", ".join(keys[:-1]), keys[-1]] if len(keys) > 1 else keys)
        times = {2: "twice"}.get(len(rows), f"{len(rows)} times")
        problems.add(
            t.name,
            rows.min(),
            f"{t.file}, {_rows_text(rows, limit=10)}",
            f"the same {names} ({shown}) {times}",
            f"keep one row per {names}: delete or merge the repeats",
        )
    if len(groups) > MAX_LISTED:
        problems.add(
            t.name,
            t.rows[pos].max(),
            t.file,
            f"{len(groups) - MAX_LISTED} more repeated rows",
            "remove repeats",
        )


def _prepare(t: _Table, problems: _Problems) -> _Table:
    """Check the columns are there, coerce them and run the table's schema."""
    missing = [c.name for c in _COLUMNS[t.name] if c.required and c.name not in t.frame.columns]
    if missing or t.broken:
        header = _header(t.frame)
        for name in missing:
            theirs = t.mapped.get(name, name)
            found = f"no column {name}" if theirs == name else f"no column {theirs!r} ({name})"
            hint = _suggest(theirs, map(str, t.frame.columns))
            problems.add(
                t.name,
                0,
                t.file,
                found,
                f"add a column {theirs}{hint}; the header row holds: {header}",
            )
        t.broken = True
        t.frame = empty_table(t.name)
        t.rows = np.zeros(0, dtype=np.int64)
        return t
    t.frame = t.frame.copy()
    failed = _coerce(t, problems)
    order = [c.name for c in _COLUMNS[t.name]]
    t.frame = t.frame[order + [c for c in t.frame.columns if c not in order]]
    _check_schema(t, failed, problems)
    return t


def _cross_tables(tables: dict[str, _Table], problems: _Problems) -> None:
    """Every person in actuals, targets, ratings and modifiers must be in employees."""
    emp = tables.get("employees")
    if emp is None or emp.broken:
        return
    ids = emp.frame["employee_id"].dropna()
    for name in TABLES[1:]:
        t = tables.get(name)
        if t is None or t.broken or t.frame.empty:
            continue
        col = t.frame["employee_id"]
        unknown = col.notna().to_numpy() & ~col.isin(ids).to_numpy()
        if not unknown.any():
            continue
        pos = np.flatnonzero(unknown)
        groups = pd.Series(t.rows[pos]).groupby(col.iloc[pos].to_numpy(), sort=False)
        listed = list(groups)
        for eid, rows in listed[:MAX_LISTED]:
            problems.add(
                name,
                rows.min(),
                f"{t.file}, {_rows_text(rows)}, column {t.column_name('employee_id')}",
                f"found {eid!r}, who is not in {emp.file}",
                f"add {eid} to {emp.file} or correct the id" + _suggest(eid, ids.unique().tolist()),
            )
        if len(listed) > MAX_LISTED:
            problems.add(
                name,
                t.rows[pos].max(),
                t.file,
                f"{len(listed) - MAX_LISTED} more employee ids not in {emp.file}",
                f"add them to {emp.file}",
            )


def _dataset(tables: dict[str, _Table], source: str) -> Dataset:
    frames = {
        name: (tables[name].frame.reset_index(drop=True) if name in tables else empty_table(name))
        for name in TABLES
    }
    return Dataset(**frames, source=source)


def _load_tables(path: str | Path, mapping: MappingLike, problems: _Problems) -> dict[str, _Table]:
    folder = Path(path)
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "folder not found"
        problems.add(
            "",
            0,
            str(folder),
            what,
            "give the folder holding employees and actuals (.csv, .xlsx or .parquet)",
        )
        return {}
    dm = _read_mapping(mapping, folder, problems)
    found = _find_files(folder)
    tables: dict[str, _Table] = {}
    for table in TABLES:
        tm = getattr(dm, table) if dm is not None else None
        if tm is not None and tm.file:
            paths = [folder / tm.file]
        else:
            paths = found[table]
        if len(paths) > 1:
            names = " and ".join(p.name for p in paths)
            problems.add(
                table,
                0,
                str(folder),
                f"two files for {table}: {names}",
                "keep one (perfkit would not know which to read)",
            )
            continue
        if not paths:
            if table in REQUIRED_TABLES:
                problems.add(
                    table,
                    0,
                    str(folder),
                    f"no {table} file",
                    f"add {table}.csv (or {table}.xlsx / {table}.parquet); "
                    "its columns are listed in docs/data.md",
                )
            continue
        t = _read_table(table, paths[0], tm, problems)
        if t is None:
            continue
        if table in REQUIRED_TABLES and t.frame.empty:
            problems.add(
                table,
                0,
                t.file,
                "holds a header but no data rows",
                f"add the {table} rows",
            )
        tables[table] = _prepare(t, problems)
    _cross_tables(tables, problems)
    return tables


def load_dataset(path: str | Path, *, mapping: MappingLike = None) -> Dataset:
    """Read and check a data set folder.

    Parameters
    ----------
    path : str or Path
        Folder holding ``employees`` and ``actuals`` and optionally ``targets``, ``ratings``
        and ``modifiers``, each ``.csv``, ``.xlsx`` or ``.parquet``.
    mapping : dict, DataMapping, str or Path, optional
        A column mapping for files that do not use the contract's names or are wide (see the
        module docstring); a path is read as YAML. By default ``mapping.yaml`` in the folder
        is used when present.

    Returns
    -------
    Dataset
        Frames with the columns of ``docs/data.md``: ``employees`` (``employee_id, name, role,
        team, manager_id, hire_date, leave_date, annual_target_bonus, currency``), ``actuals``
        (``employee_id, period, metric, value``), ``targets`` (``employee_id, period, metric,
        target``), ``ratings`` (``employee_id, period, metric, rating, rater_id, comment``) and
        ``modifiers`` (``employee_id, period, modifier, reason``); absent optional files give
        empty frames. Columns not in the contract are kept after the contract's columns.

    Raises
    ------
    DataError
        Listing every problem found, each naming the file, row, column, the value found and
        the fix.
    """
    problems = _Problems()
    tables = _load_tables(path, mapping, problems)
    if problems:
        raise DataError.from_problems(problems.sorted(), subject=str(path))
    return _dataset(tables, str(path))
