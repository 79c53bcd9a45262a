"""The column-wise good paths of reading and checking give what the forgiving paths give.

``perfkit.readers`` reads a well-formed CSV with pyarrow and a Parquet file's text columns
as dictionaries; ``perfkit.convert`` checks a sound table column-wise without pandera. These
tests pin that each shortcut is taken only when it is exact: row numbers, values and
problems are those of the slow paths.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import append, lines, one, write_lines

from perfkit import readers
from perfkit.convert import Table, _schema_holds, column_codes, prepare_table
from perfkit.errors import DataError, ProblemCollector
from perfkit.frames import (
    arrow_strings,
    codes_against,
    dictionary_codes,
    known_codes,
    text_codes,
)
from perfkit.io import load_dataset
from perfkit.schema import TABLES

NEEDED = {"employee_id", "period", "metric", "value"}


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    return [str(p) for p in info.value.problems]


def _read(path: Path) -> readers.FileCells:
    got = readers.read_file(path, None, NEEDED, set(), sorted(NEEDED))
    assert not isinstance(got, str), got
    return got


# -- CSV ---------------------------------------------------------------------------------
def test_csv_with_windows_line_ends_keeps_its_row_numbers(good: Path) -> None:
    path = good / "actuals.csv"
    rows = lines(path)
    rows[4] = "E001,2026-01,event_spend,12o"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8"))
    got = _read(path)
    assert list(got.rows[:3]) == [2, 3, 4] and len(got.frame) == len(rows) - 1
    assert "actuals.csv, row 5, column value: found '12o'" in one(problems_of(good), "12o")


@pytest.mark.parametrize("blank", ["", "   "])
def test_csv_blank_line_keeps_the_row_numbers_below_it(good: Path, blank: str) -> None:
    path = good / "actuals.csv"
    rows = lines(path)
    write_lines(path, rows[:3] + [blank] + rows[3:5] + ["E001,2026-01,event_spend,12o"])
    assert "actuals.csv, row 7, column value: found '12o'" in one(problems_of(good), "12o")


def test_csv_lone_carriage_return_is_not_read_by_the_fast_path(good: Path) -> None:
    path = good / "actuals.csv"
    rows = lines(path)
    data = "\n".join(rows[:3]) + "\r" + "\n".join(rows[3:]) + "\n"
    assert readers._fast_csv(data.encode("utf-8"), ",", 0, rows[0].split(",")) is None
    clean = ("\n".join(rows) + "\n").encode("utf-8")
    frame = readers._fast_csv(clean, ",", 0, rows[0].split(","))
    assert frame is not None and len(frame) == len(rows) - 1


def test_csv_with_a_byte_order_mark_and_no_last_line_end(good: Path) -> None:
    path = good / "actuals.csv"
    rows = lines(path)
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(rows).encode("utf-8"))
    got = _read(path)
    assert list(got.frame.columns) == ["employee_id", "period", "metric", "value"]
    assert len(got.frame) == len(rows) - 1 and got.rows[-1] == len(rows)


def test_csv_numbers_with_spaces_or_thousands_are_still_read(good: Path) -> None:
    first = append(good / "actuals.csv", "E001,2027-06,leads, 12 ", 'E002,2027-06,leads,"1,250"')
    ds = load_dataset(good)
    tail = ds.actuals.iloc[first - 2 :]
    assert tail["value"].tolist() == [12.0, 1250.0]


# -- Parquet -----------------------------------------------------------------------------
def test_parquet_text_comes_with_its_codes(good: Path) -> None:
    frame = pd.read_csv(good / "actuals.csv", dtype={"value": float})
    (good / "actuals.csv").unlink()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, good / "actuals.parquet", row_group_size=50)  # several dictionaries
    got = readers.read_file(good / "actuals.parquet", None, NEEDED, set(), [])
    assert not isinstance(got, str)
    assert set(got.codes) == {"employee_id", "period", "metric"}
    for name, (codes, uniques) in got.codes.items():
        assert (uniques[codes] == got.frame[name].to_numpy(dtype=object)).all()
    ds = load_dataset(good)
    pd.testing.assert_series_equal(
        ds.actuals["metric"], frame["metric"].astype("str"), check_names=False
    )


def test_parquet_categorical_with_unused_categories_and_blanks(good: Path) -> None:
    frame = pd.read_csv(good / "actuals.csv", dtype={"value": float})
    (good / "actuals.csv").unlink()
    frame["metric"] = pd.Categorical(frame["metric"], categories=[*frame["metric"].unique(), "x"])
    frame["period"] = frame["period"].astype(object)
    frame.loc[3, "period"] = " 2026-01 "  # trimmed, as from a CSV
    frame.to_parquet(good / "actuals.parquet", index=False)
    ds = load_dataset(good)
    assert ds.actuals["period"].iloc[3] == "2026-01"
    assert "x" not in set(ds.actuals["metric"])


def test_dictionary_codes_unify_chunks_and_leave_out_unused_values() -> None:
    a = pa.DictionaryArray.from_arrays(pa.array([0, 1, None]), pa.array(["a", "b", "zz"]))
    b = pa.DictionaryArray.from_arrays(pa.array([1, 0]), pa.array(["c", "a"]))
    codes, uniques = dictionary_codes(pa.chunked_array([a, b]))
    values = np.append(uniques, np.array([None], dtype=object))[codes]
    assert values.tolist() == ["a", "b", None, "a", "c"]
    assert sorted(uniques) == ["a", "b", "c"]


def test_text_codes_match_factorize() -> None:
    s = pd.Series(pd.array(pa.chunked_array([["x", "y"], ["z", "x", None]]), dtype="str"))
    codes, uniques = text_codes(s)
    ref_codes, ref_uniques = pd.factorize(s)
    assert codes.tolist() == ref_codes.tolist() and uniques.tolist() == list(ref_uniques)


# -- the column-wise schema check ----------------------------------------------------------
def _table(name: str, frame: pd.DataFrame) -> Table:
    rows = np.arange(1, len(frame) + 1)
    return Table(name, f"{name} frame", frame, rows, {c: c for c in frame.columns})


@pytest.mark.parametrize(
    ("rows", "holds"),
    [
        ([("E1", "2026-01", "leads", 1.0), ("E1", "2026-02", "leads", 2.0)], True),
        ([("E1", "2026-01", "leads", 1.0), ("E1", "2026-01", "leads", 2.0)], False),
        ([("E1", "2026-13", "leads", 1.0)], False),
        ([("E1", "2026Q1", "leads", 1.0)], False),
    ],
)
def test_schema_holds_only_when_pandera_finds_nothing(rows: list, holds: bool) -> None:
    frame = pd.DataFrame(rows, columns=["employee_id", "period", "metric", "value"])
    problems = ProblemCollector(TABLES)
    t = prepare_table(_table("actuals", frame), problems)
    assert _schema_holds(t) is holds
    assert bool(problems) is not holds


def test_column_codes_are_remembered_while_the_column_is_the_same() -> None:
    frame = pd.DataFrame(
        {"employee_id": ["E1", "E2"], "period": ["2026-01"] * 2, "metric": ["leads"] * 2}
    ).assign(value=[1.0, 2.0])
    t = prepare_table(_table("actuals", frame), ProblemCollector(TABLES))
    first = column_codes(t, "employee_id")
    assert known_codes(arrow_strings(t.frame["employee_id"])) is not None  # remembered
    again = column_codes(t, "employee_id")
    assert again[0].tolist() == first[0].tolist() == [0, 1]
    assert again[0].dtype == np.int64
    t.frame = t.frame.assign(employee_id=pd.Series(["E2", "E1"], dtype="str"))
    assert column_codes(t, "employee_id")[1].tolist() == ["E2", "E1"]


def test_codes_without_a_copy_are_the_remembered_ones_small_and_read_only() -> None:
    """``dtype=None`` hands out the memo's own codes; nobody can write into them, and the
    int64 codes asked for by default are a copy a caller may change freely."""
    ids = pd.Series(pd.array(["E3", "E1", None, "E2", "E1"] * 60, dtype="str"))
    wide, uniques = text_codes(ids)
    small, same = text_codes(ids, dtype=None)
    assert small.tolist() == wide.tolist() and same.tolist() == uniques.tolist()
    assert small.dtype == np.int8 and wide.dtype == np.int64
    assert text_codes(ids, dtype=None)[0] is small  # the remembered array itself
    with pytest.raises(ValueError, match="read-only"):
        small[0] = 1
    wide[0] = 2  # a copy: the memo is untouched
    assert text_codes(ids)[0][0] == 0 and text_codes(ids, dtype=None)[0][0] == 0


def test_dictionary_codes_in_the_smallest_type_leave_out_unused_values_too() -> None:
    a = pa.DictionaryArray.from_arrays(pa.array([2, 0, None]), pa.array(["a", "b", "c"]))
    codes, uniques = dictionary_codes(a, dtype=None)
    assert codes.dtype == np.int8
    assert np.append(uniques, None)[codes].tolist() == ["c", "a", None]


def test_unknown_ids_are_reported_in_every_table_looked_up_against_employees(good: Path) -> None:
    """The employees' ids are hashed once for all the tables checked against them."""
    act = pd.read_csv(good / "actuals.csv", dtype=str)
    act.loc[4, "employee_id"] = "E404"
    act.to_parquet(good / "actuals.parquet", index=False)
    (good / "actuals.csv").unlink()
    tgt = pd.read_csv(good / "targets.csv", dtype=str)
    tgt.loc[2, "employee_id"] = "E405"
    tgt.to_csv(good / "targets.csv", index=False)
    with pytest.raises(DataError) as err:
        load_dataset(good)
    text = str(err.value)
    # a Parquet file has no header row: its fifth row is row 5
    assert "actuals.parquet, row 5" in text and "'E404', who is not in employees.csv" in text
    assert "targets.csv, row 4" in text and "'E405', who is not in employees.csv" in text


def test_remembered_codes_never_outlive_a_change_in_place() -> None:
    """The engine looks the actuals up by the codes the check made; a column changed in
    place after the check (new Arrow data) is looked up afresh, never by stale codes."""
    ids = pd.Series(["E3", "E1", None, "E2", "E1"], dtype="str")
    index = pd.Index(["E1", "E2", "E3"])
    fresh = codes_against(ids, index, dtype=None)
    text_codes(ids)  # codes them and remembers the codes
    assert known_codes(arrow_strings(ids)) is not None
    by_memo = codes_against(ids, index, dtype=None)
    assert by_memo.tolist() == fresh.tolist() == [2, 0, -1, 1, 0]
    assert codes_against(ids, index).dtype == np.int64
    ids.iloc[0] = "E2"  # new Arrow data: the memo no longer applies
    assert known_codes(arrow_strings(ids)) is None
    assert codes_against(ids, index, dtype=None).tolist() == [1, 0, -1, 1, 0]
