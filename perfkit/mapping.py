"""The column mapping: how to read data files that do not use the contract's names.

This module holds the mapping's models (:class:`TableMapping`, one per table, and
:class:`DataMapping`, the whole data set), :data:`MappingLike` (what a caller may pass as a
mapping) and :func:`read_mapping`, which reads ``mapping.yaml`` and checks it against the
tables of :mod:`perfkit.schema`. Applying a mapping to a file is :mod:`perfkit.io`'s work.

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

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ._yaml import load_yaml
from .errors import DataError, ProblemCollector
from .schema import COLUMNS, TABLES, VALUE_COLUMN

__all__ = ["DataMapping", "MappingLike", "TableMapping", "read_mapping"]


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


#: What a caller may give as a mapping: a model, a dict, the path of a YAML file, or None
#: (``mapping.yaml`` or ``mapping.yml`` in the data folder when present).
MappingLike = DataMapping | Mapping[str, Any] | str | Path | None


def read_mapping(
    mapping: MappingLike, folder: Path, problems: ProblemCollector
) -> DataMapping | None:
    """The mapping to read ``folder`` with, or None when there is none or it is broken.

    Parameters
    ----------
    mapping : DataMapping, dict, str, Path or None
        As for :func:`perfkit.io.load_dataset`; None looks for ``mapping.yaml`` (then
        ``mapping.yml``) in ``folder``.
    folder : Path
        The data folder.
    problems : ProblemCollector
        Receives every problem of the mapping (an unreadable file, an unknown field, a
        rename to a column the table does not have, ``metrics`` for a table with no wide
        form), each of table ``""``.

    Returns
    -------
    DataMapping or None
        None when no mapping is given or found, or when it could not be read or validated;
        a mapping whose renames or metrics were refused is still returned (the problems
        say why).
    """
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
        known = {c.name for c in COLUMNS[table]}
        for theirs, ours in tm.columns.items():
            if ours not in known:
                problems.add(
                    "",
                    0,
                    f"{where}, field {table}.columns.{theirs}",
                    f"maps to {ours!r}, not a column of {table}",
                    f"map to one of: {', '.join(sorted(known))}",
                )
        if tm.metrics and table not in VALUE_COLUMN:
            problems.add(
                "",
                0,
                f"{where}, field {table}.metrics",
                f"{table} has no wide form",
                f"use `metrics` only for {', '.join(VALUE_COLUMN)}",
            )
    return result
