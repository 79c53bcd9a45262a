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
:data:`~perfkit.readers.HEADER_SCAN_ROWS` rows are searched for it), blank rows, ids Excel stored as numbers,
thousands separators (``12,500``), periods Excel turned into dates (``2026-07-01``,
``Jul-26``) or written loosely (``2026/7``, ``2026 q3``, ``Q3 2026``, ``2026年7月``), dates as
``2024/3/15``, CSV saved as UTF-8 with a BOM, as UTF-16 or in the GB18030 code page (decided
from the whole file), and CSV separated by semicolons (then with decimal commas, ``1.234,5``)
or tabs.

What is refused, each as a problem with its fix: a ``.csv`` that is not text (a workbook, a
binary file), a column holding data under a blank or merged header cell (it would be dropped
silently), and a key repeated in ``mapping.yaml``.

A folder whose files do not use the contract's names (or hold one column per metric) is
read with a column mapping (``mapping.yaml``): see :mod:`perfkit.mapping`.

Where the rest lives: the tables' columns, dtypes and checks are :mod:`perfkit.schema`, the
mapping :mod:`perfkit.mapping`, reading one file's cells :mod:`perfkit.readers`, typing the
cells and checking the tables :mod:`perfkit.convert`, and the problem collector
:mod:`perfkit.errors`. This module finds a folder's files, maps their columns to the
contract and melts wide tables (:func:`load_tables`), and builds the :class:`Dataset`
(:func:`load_dataset`, :meth:`Dataset.from_frames`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .convert import Table, check_known_ids, header_text, prepare_table
from .errors import DataError, ProblemCollector
from .frames import arrow_strings, remember_codes
from .mapping import DataMapping, MappingLike, TableMapping, read_mapping
from .readers import norm_name, read_file
from .schema import (  # re-exported: perfkit.io.RAW_METRICS and friends predate perfkit.schema
    COLUMNS,
    MAX_MAGNITUDE,
    RAW_METRIC_RANGE,
    RAW_METRICS,
    REQUIRED_TABLES,
    SUFFIXES,
    TABLES,
    UNIT_MAX,
    VALUE_COLUMN,
    empty_table,
)

__all__ = [
    "MAX_MAGNITUDE",
    "RAW_METRICS",
    "RAW_METRIC_RANGE",
    "TABLES",
    "UNIT_MAX",
    "DataMapping",
    "Dataset",
    "Table",
    "TableMapping",
    "dataset_from_tables",
    "empty_table",
    "load_dataset",
    "load_tables",
]


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
        tables: dict[str, Table] = {}
        problems = ProblemCollector(TABLES)
        for name, frame in given.items():
            if frame is None:
                continue
            raw = frame.reset_index(drop=True)
            raw.columns = [str(c) for c in raw.columns]
            rows = np.arange(1, len(raw) + 1)
            t = Table(name, f"{name} frame", raw, rows, {c: c for c in raw.columns})
            tables[name] = prepare_table(t, problems)
        check_known_ids(tables, problems)
        if problems:
            raise DataError.from_problems(problems.sorted(), subject=source)
        return dataset_from_tables(tables, source)


# --------------------------------------------------------------------------------------
# Reading the tables: files found, read, mapped to the contract's columns
# --------------------------------------------------------------------------------------
def _find_files(folder: Path) -> dict[str, list[Path]]:
    """The files of each table in ``folder`` (``.xls`` too, to refuse it with its fix)."""
    found: dict[str, list[Path]] = {t: [] for t in TABLES}
    for p in sorted(folder.iterdir()):
        stem, suffix = p.stem.lower(), p.suffix.lower()
        if p.is_file() and stem in found and (suffix in SUFFIXES or suffix == ".xls"):
            found[stem].append(p)
    return found


def _read_table(
    table: str, path: Path, tm: TableMapping | None, problems: ProblemCollector
) -> Table | None:
    """Read one table's file and map its columns (melting a wide table); None if unreadable."""
    file = path.name
    if not path.is_file():
        problems.add(table, 0, file, "file not found", f"put the {table} file there")
        return None
    if path.stat().st_size == 0:
        cols = ", ".join(c.name for c in COLUMNS[table] if c.required)
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
    required = [c.name for c in COLUMNS[table] if c.required]
    if metrics:
        required = [c for c in required if c not in ("metric", VALUE_COLUMN[table])]
    needed = {norm_name(ours_to_theirs.get(c, c)) for c in required}
    any_of = {norm_name(m) for m in metrics}
    wanted = [  # the table's columns as the file would name them, for hints
        ours_to_theirs.get(c.name, c.name)
        for c in COLUMNS[table]
        if not (metrics and c.name in ("metric", VALUE_COLUMN[table]))
    ]
    if path.suffix.lower() == ".xlsx" and tm and tm.sheet is not None:
        file = f"{file}, sheet {tm.sheet}"
    got = read_file(path, tm.sheet if tm else None, needed, any_of, wanted)
    if isinstance(got, str):
        found, _, fix = got.partition("; ")
        problems.add(table, 0, file, found, fix)
        return None
    for p in got.unnamed:
        problems.add_problem(table, 0, p)
    raw, rows = got.frame, got.rows
    # drop empty rows (blank lines, spacing rows in Excel), keeping the user's row numbers
    keep = np.zeros(len(raw), bool)
    blank_text = raw.dtypes.eq(object).any()  # cells of spaces only count as empty then
    for j in range(raw.shape[1]):  # column by column, until every row has a filled cell
        s = raw.iloc[:, j]
        filled = s.notna().to_numpy()
        if blank_text:
            filled = filled & (s.astype(str).str.strip() != "").to_numpy()
        keep |= filled
        if keep.all():
            break
    if not keep.all():  # (a copy of every column only when a row goes)
        raw, rows = raw.loc[keep].reset_index(drop=True), rows[keep]

    # rename the user's columns to perfkit's
    known = {c.name for c in COLUMNS[table]}
    by_norm = {norm_name(k): v for k, v in renames.items()}
    metric_cols = {norm_name(k): (k, v) for k, v in metrics.items()}
    new_names: list[str] = []
    columns: dict[str, str] = {}
    melt: dict[str, str] = {}
    for col in raw.columns:
        n = norm_name(col)
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
    renamed = dict(zip(map(str, raw.columns), new_names, strict=True))
    raw.columns = new_names
    t = Table(
        table, file, raw, rows, columns, mapped=ours_to_theirs, decimal_comma=got.decimal_comma
    )
    if keep.all() and len(set(new_names)) == len(new_names):  # codes read with the file
        for theirs, got_codes in got.codes.items():
            ours = renamed.get(theirs)
            if ours is not None:
                remember_codes(arrow_strings(raw[ours]), *got_codes)
    seen = [norm_name(c) for c in new_names]
    for name in sorted({c for c in seen if seen.count(c) > 1}):
        problems.add(table, 0, file, f"two columns named {name!r}", "rename or remove one")
        t.broken = True
    matched = {norm_name(c) for c in melt}
    for orig in [orig for n, (orig, _) in metric_cols.items() if n not in matched]:
        problems.add(
            table,
            0,
            file,
            f"no column {orig!r}, which the mapping lists under {table}.metrics",
            f"add the column or remove it from the mapping (header: {header_text(raw)})",
        )
    if melt and not t.broken:
        t = _melt(t, melt)
    return t


def _melt(t: Table, melt: dict[str, str]) -> Table:
    """Wide to long: one row per (row, metric column) with a value in the cell."""
    value = VALUE_COLUMN[t.name]
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
    return Table(
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
# Loading a data set
# --------------------------------------------------------------------------------------
def dataset_from_tables(tables: dict[str, Table], source: str) -> Dataset:
    """The :class:`Dataset` of the tables :func:`load_tables` read; absent tables are empty."""
    frames = {
        name: (tables[name].frame.reset_index(drop=True) if name in tables else empty_table(name))
        for name in TABLES
    }
    return Dataset(**frames, source=source)


def load_tables(
    path: str | Path, mapping: MappingLike, problems: ProblemCollector
) -> dict[str, Table]:
    """Read, type and check every table of the folder ``path``, collecting every problem.

    :func:`load_dataset` raises on the problems; :func:`perfkit.validation.validate` adds its
    own checks of the tables against the plans.

    Parameters
    ----------
    path : str or Path
        The data set folder.
    mapping : dict, DataMapping, str, Path or None
        As for :func:`load_dataset`.
    problems : ProblemCollector
        Receives every problem: of the folder, the mapping, each file and between the tables.

    Returns
    -------
    dict of str to Table
        The tables that could be read, by name, each typed and checked (one missing a
        required column is ``broken`` and empty); a table whose file is absent or unreadable
        is left out.
    """
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
    dm = read_mapping(mapping, folder, problems)
    found = _find_files(folder)
    tables: dict[str, Table] = {}
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
        tables[table] = prepare_table(t, problems)
    check_known_ids(tables, problems)
    return tables


def load_dataset(path: str | Path, *, mapping: MappingLike = None) -> Dataset:
    """Read and check a data set folder.

    Parameters
    ----------
    path : str or Path
        Folder holding ``employees`` and ``actuals`` and optionally ``targets``, ``ratings``
        and ``modifiers``, each ``.csv``, ``.xlsx`` or ``.parquet``.
    mapping : dict, DataMapping, str or Path, optional
        A column mapping for files that do not use the contract's names or are wide (see
        :mod:`perfkit.mapping`); a path is read as YAML. By default ``mapping.yaml`` in the
        folder is used when present.

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
    problems = ProblemCollector(TABLES)
    tables = load_tables(path, mapping, problems)
    if problems:
        raise DataError.from_problems(problems.sorted(), subject=str(path))
    return dataset_from_tables(tables, str(path))
