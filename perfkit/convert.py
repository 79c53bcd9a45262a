"""Typing and checking a table as read: raw cells -> the contract's dtypes, bad cells -> problems.

A file's cells arrive as text, numbers, dates or whatever Excel stored. This module turns
each column of a :class:`Table` into the dtype of its kind (:mod:`perfkit.schema`): text
(ids Excel stored as numbers become ``"1001"``, not ``"1001.0"``), numbers (thousands
separators, decimal commas in a file separated by semicolons, with ``1.234`` refused there as
ambiguous), dates (``2024-03-15``, ``2024/3/15``, Excel dates) and period labels written
loosely (canonicalised by :func:`perfkit.periods.canonical_label`; a text that is no period
is left as written, so the schema check reports it). Then it runs the table's pandera schema
and translates each failure into a :class:`~perfkit.errors.Problem` naming the file, row,
column, the value found and the fix.

:func:`prepare_table` does all of that for one table; :func:`check_known_ids` checks that
every person of the other tables is in ``employees``. :mod:`perfkit.io` reads the files into
:class:`Table` objects and calls both.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import MAX_LISTED, ProblemCollector, rows_text, suggest
from .frames import arrow_strings, remember_codes, text_codes, text_from_codes
from .periods import canonical_label
from .schema import (
    CHECK_FIXES,
    COLUMNS,
    DTYPES,
    MONTH_PATTERN,
    PERIOD_PATTERN,
    TABLES,
    UNIQUE,
    VALUE_COLUMN,
    empty_table,
    table_schema,
)

__all__ = [
    "Table",
    "check_known_ids",
    "column_codes",
    "header_text",
    "prepare_table",
    "show_value",
]


# --------------------------------------------------------------------------------------
# The table as read
# --------------------------------------------------------------------------------------
@dataclass
class Table:
    """One table while it is read: the frame plus how to name its rows and columns.

    Attributes
    ----------
    name : str
        The table, e.g. ``"actuals"``.
    file : str
        The file as messages name it, e.g. ``actuals.xlsx`` or ``actuals.xlsx, sheet Monthly``.
    frame : DataFrame
        The rows, on a RangeIndex, under perfkit's column names once mapped.
    rows : numpy.ndarray of int
        The user's row number of each frame row.
    columns : dict of str to str
        perfkit column -> the user's column name.
    value_source : numpy.ndarray, optional
        Wide form: the user's column each value was melted from.
    broken : bool
        A required column is missing: no row checks, no cross-checks.
    mapped : dict of str to str
        perfkit column -> the name the mapping gives it.
    decimal_comma : bool
        A CSV separated by ``;``: ``1.234,5`` is 1234.5.
    """

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
        """``actuals.csv, row 14, column value``: frame row ``pos`` as the user sees it."""
        text = f"{self.file}, row {self.rows[pos]}"
        if column is not None:
            text += f", column {self.column_name(column, pos)}"
        return text

    def column_name(self, column: str, pos: int | None = None) -> str:
        """The user's name of ``column`` (with perfkit's in brackets when they differ)."""
        if (
            self.value_source is not None
            and pos is not None
            and column == VALUE_COLUMN.get(self.name)
        ):
            return str(self.value_source[pos])
        theirs = self.columns.get(column, column)
        return theirs if theirs == column else f"{theirs} ({column})"


def show_value(value: Any) -> str:
    """A found value as the user would recognise it."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return "an empty cell"
    if isinstance(value, pd.Timestamp | dt.date):
        return f"'{value:%Y-%m-%d}'"
    if isinstance(value, float | np.floating):
        return f"{float(value):g}"
    return repr(str(value))


def header_text(frame: pd.DataFrame) -> str:
    """The header row's names, up to 15 of them, for a message."""
    names = [str(c) for c in frame.columns]
    return ", ".join(names[:15]) + (f" and {len(names) - 15} more" if len(names) > 15 else "")


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


def column_codes(t: Table, column: str, *, dtype: Any = np.int64) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a text column of ``t`` and its distinct values, hashed once.

    :func:`perfkit.frames.text_codes`, which remembers them for as long as the column holds
    the same Arrow data (the checks of several modules, and the engine, code the same
    columns). ``dtype=None`` gives the remembered codes without a copy, in their smallest
    signed type and read only: for looking up by code, not for arithmetic.

    Returns
    -------
    codes : numpy.ndarray of int (int64 unless ``dtype`` says otherwise)
        ``-1`` for an empty cell.
    uniques : numpy.ndarray of object
    """
    return text_codes(t.frame[column], dtype=dtype)


def _remember(t: Table, column: str, got: tuple[np.ndarray, np.ndarray] | None) -> None:
    if got is not None:
        remember_codes(arrow_strings(t.frame[column]), *got)


def _coded_clean(t: Table, column: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Codes of an Arrow text column that needs no trimming and has no empty cell; else None.

    Each distinct value is checked once, with the trimming :meth:`Series.str.strip` does to
    Arrow text, so such a column is kept as it is (no new column) and its codes (see
    :func:`column_codes`) serve the checks that follow.
    """
    s = t.frame[column]
    if arrow_strings(s) is None or s.dtype != "str":
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    codes, uniques = column_codes(t, column, dtype=None)
    arr = pa.array(uniques, type=pa.large_string())
    if not pc.utf8_trim_whitespace(arr).equals(arr) or pc.any(pc.equal(arr, "")).as_py():
        return None
    return codes, uniques


def _as_text(s: pd.Series) -> pd.Series:
    """Text cells trimmed, an empty one missing; ids Excel stored as numbers as ``"1001"``."""
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
    data = arrow_strings(s)
    if data is not None and s.dtype == "str":  # the good path: Arrow text of plain numbers
        fast = _cast_float(data)  # fails on a space, a comma or an empty text: the rules below
        if fast is not None:
            bad = s.notna().to_numpy() & ~np.isfinite(fast)
            return pd.Series(np.where(bad, np.nan, fast), index=s.index), bad, none
    text = _as_text(s)
    ambiguous = none
    fast = _fast_number(text)
    if fast is not None:  # the good path: every cell a plain number, parsed column-wise
        bad = text.notna().to_numpy() & ~np.isfinite(fast)
        return pd.Series(np.where(bad, np.nan, fast), index=s.index), bad, none
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


def _cast_float(data: Any) -> np.ndarray | None:
    """Arrow text cast to float64 as a whole (None if a cell is no plain number)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        return pc.cast(data, pa.float64()).to_numpy()
    except (pa.ArrowException, ValueError):
        return None


def _fast_number(text: pd.Series) -> np.ndarray | None:
    """Float values of text cells when every filled cell is a plain number, else None.

    pyarrow's cast parses the whole column at once; a thousands separator, a decimal comma
    or any other text makes it fail, and :func:`_as_number` then reads the cells one rule at
    a time and words each bad one.
    """
    if text.str.contains(",", regex=False).any():
        return None  # 12,500 or 0,35: the rules below
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pa.array(text.array)  # the column's own Arrow strings, no copy per cell
        return pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
    except Exception:  # noqa: BLE001 - a cell that is no number: the forgiving path reports it
        return None


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


def _as_period(
    s: pd.Series, got: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[pd.Series, tuple[np.ndarray, np.ndarray] | None]:
    """Period labels in canonical form; an Excel date such as 2026-07-01 becomes ``2026-07``.

    Each distinct label is canonicalised once and spread to the rows by code (one Arrow
    ``take``), so two million cells cost a dozen calls of :func:`canonical_label`. Returns
    the labels and, when the column is kept as it is (every label canonical already), its
    codes and distinct labels. ``got``: the codes of ``s`` when it needs no trimming
    (:func:`_coded_clean`).
    """
    if got is not None:
        text, (codes, uniques) = s, got
    else:
        text = _as_text(s)
        codes, uniques = text_codes(text)
    # a text that is no period is left as written: the schema check reports it
    canon = np.array([canonical_label(u) or u for u in uniques] + [None], dtype=object)
    if (canon[:-1] == uniques).all() and text.dtype == "str":
        return text, (codes, uniques)  # every label canonical already: no new column
    codes = np.where(codes < 0, len(uniques), codes.astype(np.int64))  # empty stays None
    return pd.Series(text_from_codes(codes, canon), index=s.index), None


_EXPECT = {
    "number": "write a number, e.g. 1250 or 0.35 (no units or letters)",
    "date": "write a date as YYYY-MM-DD, e.g. 2024-03-15",
    "ambiguous": (
        "in a file separated by semicolons the comma is the decimal mark, so this could be "
        "a thousand and more or one and a bit: write 1234 for the first, 1,234 for the second"
    ),
}


def _coerce(t: Table, problems: ProblemCollector) -> dict[str, np.ndarray]:
    """Turn every contract column into its dtype in place; returns the cells that failed."""
    failed: dict[str, np.ndarray] = {}
    frame = t.frame
    for col in COLUMNS[t.name]:
        if col.name not in frame.columns:
            frame[col.name] = pd.Series(np.nan, index=frame.index, dtype=DTYPES[col.kind])
            continue
        s = frame[col.name]
        if col.kind == "text":
            got = _coded_clean(t, col.name)  # the good path: nothing to trim, no empty cell
            if got is None:
                frame[col.name] = _as_text(s)
        elif col.kind in ("month", "period"):
            frame[col.name], got = _as_period(s, _coded_clean(t, col.name))
            _remember(t, col.name, got)
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
    t: Table,
    positions: np.ndarray,
    column: str,
    values: pd.Series,
    expected: str,
    problems: ProblemCollector,
    found: str = "found {}",
) -> None:
    """One problem per cell, the first MAX_LISTED of a kind, then a count of the rest."""
    for pos in positions[:MAX_LISTED]:
        value = values.iloc[pos]
        problems.add(
            t.name, t.rows[pos], t.where(pos, column), found.format(show_value(value)), expected
        )
    rest = len(positions) - MAX_LISTED
    if rest > 0:
        problems.add(
            t.name,
            t.rows[positions[MAX_LISTED]],
            f"{t.file}, {rows_text(t.rows[positions[MAX_LISTED:]])}, "
            f"column {t.column_name(column)}",
            f"{rest} more cells like the ones above",
            expected,
        )


# --------------------------------------------------------------------------------------
# Schema checks (pandera) and their translation into plain problems
# --------------------------------------------------------------------------------------
def _all_match(uniques: np.ndarray, pattern: str) -> bool:
    """Every distinct text matches ``pattern`` (as pandera's ``str_matches`` would)."""
    rx = re.compile(pattern)
    return all(isinstance(u, str) and "\n" not in u and rx.match(u) for u in uniques)


def _schema_holds(t: Table) -> bool:
    """True when the coerced table surely passes :func:`~perfkit.schema.table_schema`.

    The schema's rules checked column-wise: each column's dtype as :func:`_coerce` makes
    it, no empty cell in a column that must be filled, the period and currency patterns on
    each column's distinct texts, the bounds on whole numpy columns, leave dates on or after
    hire dates, and no repeated key (the key columns' integer codes packed into one integer
    per row). False at the first doubt: pandera then finds and words every failing cell.
    """
    frame = t.frame
    n = len(frame)

    def codes(name: str) -> tuple[np.ndarray, np.ndarray]:
        return column_codes(t, name, dtype=None)  # looked up or widened below, not copied

    for c in COLUMNS[t.name]:
        s = frame[c.name]
        if c.kind == "number":
            if s.dtype != np.float64:
                return False
        elif c.kind == "date":
            if s.dtype != np.dtype("datetime64[ns]"):
                return False
        elif not (isinstance(s.dtype, pd.StringDtype) and s.dtype == DTYPES["text"]):
            return False
        if not c.nullable and s.isna().any():
            return False
        if c.kind in ("month", "period"):
            pattern = MONTH_PATTERN if c.kind == "month" else PERIOD_PATTERN
            if not _all_match(codes(c.name)[1], pattern):
                return False

    def values(name: str) -> np.ndarray:
        return frame[name].to_numpy(dtype=np.float64)

    if t.name == "employees":
        leave, hire = frame["leave_date"], frame["hire_date"]
        if not (
            (values("annual_target_bonus") >= 0).all()
            and _all_match(codes("currency")[1], r"^[A-Z]{3}$")
            and (leave.isna() | hire.isna() | (leave >= hire)).all()
            and len(codes("employee_id")[1]) == n
        ):
            return False
    elif t.name == "targets" and not (values("target") > 0).all():
        return False
    elif t.name == "ratings" and not ((values("rating") >= 1) & (values("rating") <= 5)).all():
        return False
    elif t.name == "modifiers" and not (values("modifier") >= 0).all():
        return False
    keys = UNIQUE.get(t.name)
    if keys and n > 1:
        packed, span = np.zeros(n, dtype=np.int64), 1
        for key in keys:
            key_codes, uniques = codes(key)
            span *= len(uniques) + 1
            if span >= 2**62:
                return False  # too many combinations for one integer: pandera checks
            packed *= len(uniques) + 1
            packed += key_codes  # widened as it is added, in place
            packed += 1  # so an empty cell (-1) is a value of its own
        if span <= 4 * n + 1024:  # few combinations: count them (no hashing, no sort)
            if np.bincount(packed, minlength=span).max() > 1:
                return False
        elif not pd.Index(packed).is_unique:
            return False
    return True


def _check_schema(t: Table, failed: dict[str, np.ndarray], problems: ProblemCollector) -> None:
    """Run the table's pandera schema; one problem per failing cell (``failed`` already told).

    A table that :func:`_schema_holds` finds sound column-wise is not handed to pandera
    (nor is pandera imported): pandera runs only to find and word the failing cells.
    """
    if not failed and _schema_holds(t):
        return
    import pandera.pandas as pa  # here, not at the top: only a table with a problem needs it

    try:
        table_schema(t.name).validate(t.frame, lazy=True, inplace=True)
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
            if column == UNIQUE[t.name][0]:  # reported once, not once per key column
                _duplicates(t, pos, UNIQUE[t.name], problems)
        elif check == "leave_before_hire":
            if column == "leave_date":
                for p in pos[:MAX_LISTED]:
                    hire = frame["hire_date"].iloc[p]
                    problems.add(
                        t.name,
                        t.rows[p],
                        t.where(p, "leave_date"),
                        f"found {show_value(frame['leave_date'].iloc[p])}, before hire_date "
                        f"{show_value(hire)}",
                        "the leave date must be on or after the hire date; correct one",
                    )
        else:
            expected = CHECK_FIXES.get(str(check), f"fix the value ({check})")
            _cell_problems(t, pos, column, frame[column], expected, problems)


def _duplicates(t: Table, pos: np.ndarray, keys: list[str], problems: ProblemCollector) -> None:
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
            f"{t.file}, {rows_text(rows, limit=10)}",
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


def prepare_table(t: Table, problems: ProblemCollector) -> Table:
    """Check the columns are there, coerce them and run the table's schema.

    Every problem goes to ``problems``. A table missing a required column (or already
    ``broken``) is reported once and returned broken and empty, so no row is checked.
    """
    missing = [c.name for c in COLUMNS[t.name] if c.required and c.name not in t.frame.columns]
    if missing or t.broken:
        header = header_text(t.frame)
        for name in missing:
            theirs = t.mapped.get(name, name)
            found = f"no column {name}" if theirs == name else f"no column {theirs!r} ({name})"
            hint = suggest(theirs, map(str, t.frame.columns))
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
    t.frame = t.frame.copy(deep=False)  # copy-on-write: the caller's frame is not changed
    failed = _coerce(t, problems)
    order = [c.name for c in COLUMNS[t.name]]
    t.frame = t.frame[order + [c for c in t.frame.columns if c not in order]]
    _check_schema(t, failed, problems)
    return t


def _membership(known: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """A test of distinct texts against ``known``, hashed once: the mask of those found."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        value_set = pa.array(known, type=pa.string(), from_pandas=True)
    except (pa.ArrowException, TypeError):  # not text: pandas does it
        value_set = None

    def found(values: np.ndarray) -> np.ndarray:
        if value_set is not None:
            try:
                got = pc.is_in(pa.array(values, type=pa.string(), from_pandas=True), value_set)
                return got.to_numpy(zero_copy_only=False).astype(bool)
            except (pa.ArrowException, TypeError):
                pass
        return pd.Index(values).isin(known)

    return found


def check_known_ids(tables: dict[str, Table], problems: ProblemCollector) -> None:
    """Every person in actuals, targets, ratings and modifiers must be in employees."""
    emp = tables.get("employees")
    if emp is None or emp.broken:
        return
    ids = emp.frame["employee_id"].dropna()
    is_known = _membership(column_codes(emp, "employee_id", dtype=None)[1])
    for name in TABLES[1:]:
        t = tables.get(name)
        if t is None or t.broken or t.frame.empty:
            continue
        col = t.frame["employee_id"]
        codes, uniques = column_codes(t, "employee_id", dtype=None)
        known = is_known(uniques)  # each distinct id looked up once
        if known.all():
            continue
        unknown = np.append(~known, False)[codes]  # an empty id (code -1) is reported elsewhere
        pos = np.flatnonzero(unknown)
        groups = pd.Series(t.rows[pos]).groupby(col.iloc[pos].to_numpy(), sort=False)
        listed = list(groups)
        for eid, rows in listed[:MAX_LISTED]:
            problems.add(
                name,
                rows.min(),
                f"{t.file}, {rows_text(rows)}, column {t.column_name('employee_id')}",
                f"found {eid!r}, who is not in {emp.file}",
                f"add {eid} to {emp.file} or correct the id" + suggest(eid, ids.unique().tolist()),
            )
        if len(listed) > MAX_LISTED:
            problems.add(
                name,
                t.rows[pos].max(),
                t.file,
                f"{len(listed) - MAX_LISTED} more employee ids not in {emp.file}",
                f"add them to {emp.file}",
            )
