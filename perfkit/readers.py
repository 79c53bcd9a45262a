"""Reading one data file forgivingly: CSV, Excel or Parquet -> its cells under its header.

:func:`read_file` reads a file as an analyst's tools write it and returns its cells, not
yet typed, with the row number the user sees for each row (:class:`FileCells`), or the text
of the one problem that stops the file being read. What it forgives: title rows above the
header (the first :data:`HEADER_SCAN_ROWS` rows are searched for the row naming the
table's columns, compared by :func:`norm_name`), blank rows, CSV saved as UTF-8 with a BOM,
as UTF-16 or in the GB18030 code page (decided from the whole file), and CSV separated by
semicolons (then with decimal commas) or tabs (:data:`DELIMITERS`). What it refuses: a
``.csv`` that is not text (a workbook, a binary file), an old ``.xls`` workbook, and,
reported in :attr:`FileCells.unnamed`, a column holding data under a blank or merged header
cell.

Mapping the columns to the contract and typing the cells is :mod:`perfkit.io` and
:mod:`perfkit.convert`.
"""

from __future__ import annotations

import csv
import io as _stdio
import math
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .convert import show_value
from .errors import Problem, rows_text

__all__ = ["DELIMITERS", "HEADER_SCAN_ROWS", "FileCells", "norm_name", "read_file"]

#: Rows scanned for the header row (title rows may sit above it in an Excel export).
HEADER_SCAN_ROWS = 20
#: Cell separators a CSV file may use, tried in this order on the header row (``;`` is what
#: Excel writes where the comma is the decimal mark).
DELIMITERS = (",", ";", "\t")


def read_file(
    path: Path, sheet: str | int | None, needed: set[str], any_of: set[str], wanted: list[str]
) -> FileCells | str:
    """Read one ``.csv``, ``.xlsx`` or ``.parquet`` file; its cells, or a problem text.

    Parameters
    ----------
    path : Path
        The file; its suffix decides how it is read.
    sheet : str, int or None
        Excel only: the sheet's name or 0-based position (the first by default).
    needed : set of str
        The header names (as :func:`norm_name` writes them) the header row must hold.
    any_of : set of str
        Wide form: the header row should hold one of these too (a metric column).
    wanted : list of str
        The table's columns as the file would name them, for the hint of a blank header.

    Returns
    -------
    FileCells or str
        What was read, or ``"found; fix"``: the problem that stops the file being read.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, needed, any_of, wanted)
    if suffix == ".xlsx":
        return _read_excel(path, sheet, needed, any_of, wanted)
    if suffix == ".parquet":
        return _read_parquet(path)
    return f"is an old {suffix} workbook; save it as .xlsx (Excel Workbook)"


def norm_name(name: Any) -> str:
    """A header cell compared loosely: trimmed, lower case, spaces and dashes as ``_``."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def _header_index(rows: list[list[Any]], needed: set[str], any_of: set[str]) -> int | None:
    """Index of the first row holding every ``needed`` name (and one of ``any_of``)."""
    for require_any in (True, False) if any_of else (False,):
        for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
            cells = {norm_name(c) for c in row if not _blank(c)}
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
class FileCells:
    """What a reader got from one file: the cells, their row numbers and how it was written.

    Attributes
    ----------
    frame : DataFrame
        The file's columns under the header's names, cells as read (text for CSV).
    rows : numpy.ndarray of int
        The user's row number of each frame row.
    unnamed : list of Problem
        One per column holding data under a blank or merged header cell (not in ``frame``).
    decimal_comma : bool
        A CSV separated by ``;``, whose numbers use the decimal comma.
    codes : dict of str to (numpy.ndarray, numpy.ndarray)
        Text columns whose integer codes and distinct values came with the reading (the
        dictionary of a Parquet column), by column name.
    """

    frame: pd.DataFrame  # the file's columns under the header's names, cells as read
    rows: np.ndarray  # the user's row number of each frame row
    unnamed: list[Problem] = field(default_factory=list)  # data under a blank header cell
    decimal_comma: bool = False
    codes: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


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


def _decode(data: bytes) -> tuple[str, str, str]:
    """The text of a CSV file, ``""`` and its encoding, or ``("", problem, "")`` if not text.

    The whole file is decoded, so a character cut by a read boundary cannot mislead the
    choice: valid UTF-8 (with or without a BOM) is always read as UTF-8, UTF-16 with its BOM
    (Excel's "Unicode Text") as UTF-16, and anything else must be valid GB18030 (the code page
    Excel on Chinese Windows saves CSV in).
    """
    for magic, what, fix in _NOT_TEXT:
        if data.startswith(magic):
            return "", f"{what}; {fix}", ""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "", "utf-16"
        except UnicodeDecodeError:
            return "", f"is not valid UTF-16 text despite its byte-order mark; {_CSV_FIX}", ""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return "", f"holds binary data (a zero byte on line {line}), not CSV text; {_CSV_FIX}", ""
    try:
        return data.decode("utf-8-sig"), "", "utf-8"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
    try:
        return data.decode("gb18030"), "", "gb18030"
    except UnicodeDecodeError:
        return (
            "",
            f"is not UTF-8 text (line {line} holds bytes that are neither UTF-8 nor GB18030); "
            "save it as CSV UTF-8",
            "",
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


def _read_csv(path: Path, needed: set[str], any_of: set[str], wanted: list[str]) -> FileCells | str:
    """Read a CSV file as text; returns what was read or a problem text."""
    data = path.read_bytes()
    text, problem, encoding = _decode(data)
    if problem:
        return problem
    if not text or text.isspace():  # (not strip(): that copies the whole text)
        return "holds no header row"
    try:
        delim, lines, k = _split_head(text[:65536], needed, any_of)
    except csv.Error as exc:
        return f"cannot be read as CSV ({exc}); save it again as CSV (comma separated)"
    name = _DELIMITER_NAMES[delim]
    header = lines[k] if k < len(lines) else []
    # pyarrow reads UTF-8 bytes: the file's own when it is UTF-8
    utf8 = data if encoding == "utf-8" else text.lstrip("\ufeff").encode("utf-8")
    frame = _fast_csv(utf8, delim, k, header)
    if frame is not None:  # the column-wise good path
        return FileCells(frame, np.arange(len(frame)) + k + 2, decimal_comma=delim == ";")
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
    blank = [j for j in range(frame.shape[1]) if j >= len(header) or _blank(header[j])]
    read = FileCells(frame, rows, decimal_comma=delim == ";")
    if blank:
        names = {norm_name(h) for h in header if not _blank(h)}
        hint = _lacking(wanted, names)
        for j in blank:
            filled = np.flatnonzero(_filled(frame.iloc[:, j]))
            if len(filled):
                read.unnamed.append(
                    Problem(
                        f"{path.name}, {rows_text(rows[filled])}, column {j + 1}",
                        f"data under a blank header cell (cell {j + 1} of header row {k + 1}), "
                        "so the column has no name and would be dropped",
                        f"write the column's name in the header row{hint} or delete the column",
                    )
                )
        read.frame = frame.iloc[:, [j for j in range(frame.shape[1]) if j not in blank]]
    return read


def _fast_csv(data: bytes, delim: str, k: int, header: list[str]) -> pd.DataFrame | None:
    """The cells of a well-formed CSV read column-wise by pyarrow, or None to read it slowly.

    ``data`` is the file as UTF-8 bytes (a byte-order mark is skipped). The good path: every
    row holds as many cells as the header, which names every column once, and no line is
    blank and every line ends in ``\n`` or ``\r\n`` (so row numbers are line numbers, as the
    forgiving reader counts them: the lines are counted against the rows pyarrow read).
    Anything else (and any error of pyarrow's) returns None, and the forgiving reader finds
    and words the problem. Cells are text, an empty cell missing, as there.
    """
    names = [str(h) for h in header]
    if not names or any(_blank(h) for h in names) or len(set(names)) != len(names):
        return None
    octets = np.frombuffer(data, dtype=np.uint8)
    lines = int(np.count_nonzero(octets == 10)) + (0 if data.endswith(b"\n") else 1)
    if b"\r" in data:  # Windows line ends are fine; a carriage return alone is not
        cr = np.flatnonzero(octets == 13) + 1
        if cr[-1] == len(octets) or (octets[cr] != 10).any():
            return None  # lines as the forgiving reader counts them
    import pyarrow as pa
    import pyarrow.csv as pacsv

    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data).slice(bom),
            read_options=pacsv.ReadOptions(
                skip_rows=k, column_names=names, skip_rows_after_names=1, block_size=1 << 24
            ),
            parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except Exception:  # noqa: BLE001 - a ragged row, a stray quote: the forgiving path words it
        return None
    if table.num_rows != lines - k - 1:
        return None  # blank lines, which pyarrow skips: the forgiving reader keeps their rows
    frame = table.to_pandas(self_destruct=True)
    for name in names:
        if frame[name].dtype != "str":
            frame[name] = frame[name].astype("str")
    return frame


def _filled(s: pd.Series) -> np.ndarray:
    """Mask of the cells that hold something (not empty, not only spaces)."""
    mask = s.notna().to_numpy()
    if s.dtype == object or pd.api.types.is_string_dtype(s):
        mask = mask & (s.astype(str).str.strip() != "").to_numpy()
    return mask


def _lacking(wanted: list[str], names: set[str]) -> str:
    """`` (e.g. leave_date)``: the table's columns the header does not name, as a hint."""
    missing = [w for w in wanted if norm_name(w) not in names]
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
    import openpyxl  # here, not at the top: only workbooks need it

    try:
        ws = openpyxl.load_workbook(path)[sheet]  # not read-only: that mode hides merges
        return [r for r in ws.merged_cells.ranges if r.min_row <= row <= r.max_row]
    except Exception:  # the grid was read already; without merges the message is plainer
        return []


def _read_excel(
    path: Path, sheet: str | int | None, needed: set[str], any_of: set[str], wanted: list[str]
) -> FileCells | str:
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
    read = FileCells(frame.reset_index(drop=True), rows)
    blank = [j for j in range(grid.shape[1]) if j not in set(keep)]
    body = grid.iloc[k + 1 :]
    unnamed = [(j, np.flatnonzero(_filled(body.iloc[:, j]))) for j in blank]
    unnamed = [(j, filled) for j, filled in unnamed if len(filled)]
    if unnamed:
        from openpyxl.utils import get_column_letter

        hrow = k + 1  # the header's sheet row
        merges = _merged_over(path, name, hrow)
        hint = _lacking(wanted, {norm_name(header.iloc[j]) for j in keep})
        for j, filled in unnamed:
            col = get_column_letter(j + 1)
            first, last = body.index[filled[0]] + 1, body.index[filled[-1]] + 1
            cells_at = f"cell {col}{first}" if first == last else f"cells {col}{first}:{col}{last}"
            merge = next((r for r in merges if r.min_col <= j + 1 <= r.max_col), None)
            if merge is not None:
                top = grid.iat[merge.min_row - 1, merge.min_col - 1]
                found = (
                    f"data under header cell {col}{hrow}, which is part of the merged cell "
                    f"{merge.coord} ({show_value(top)}), so the column has no name of its own and "
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


def _read_parquet(path: Path) -> FileCells | str:
    """Read a Parquet file; its text columns come with their integer codes.

    Text columns are read as Arrow dictionaries (Parquet stores them so, which spares
    hashing every cell again) and decoded to text once; their codes and distinct values go
    into :attr:`FileCells.codes` for the checks that follow.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .frames import dictionary_codes

    try:
        schema = pq.read_schema(path)
        names = [f.name for f in schema]
        text = [
            f.name
            for f in schema
            if (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))
            and names.count(f.name) == 1
        ]
        table = pq.read_table(path, read_dictionary=text)

        def decode(name: str) -> tuple[str, Any, Any]:
            column = table.column(name)
            if not pa.types.is_dictionary(column.type):
                return name, None, None
            return name, dictionary_codes(column, dtype=None), column.cast(schema.field(name).type)

        with ThreadPoolExecutor(max(1, min(len(text), os.cpu_count() or 1))) as pool:
            decoded = list(pool.map(decode, text))  # Arrow and numpy work outside the GIL
        codes = {}
        for name, got, column in decoded:
            if got is not None:
                codes[name] = got
                j = table.schema.get_field_index(name)
                table = table.set_column(j, schema.field(name), column)
        frame = table.to_pandas()
    except Exception:  # pyarrow raises several types for unreadable files
        return "cannot be read as a Parquet file; write it again, e.g. with DataFrame.to_parquet"
    frame.columns = [str(c) for c in frame.columns]
    frame = frame.reset_index(drop=True)
    codes = {n: c for n, c in codes.items() if n in frame.columns and len(c[0]) == len(frame)}
    return FileCells(frame, np.arange(1, len(frame) + 1), codes=codes)
