"""Tests of perfkit.io: reading, typing and checking data sets (validate(): test_validation.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml
from conftest import GOOD_DIR, PLANS_DIR, append, lines, one, set_line, write_lines

from perfkit.errors import DataError
from perfkit.io import Dataset, empty_table, load_dataset
from perfkit.validation import validate


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    return [str(p) for p in info.value.problems]


# ---------------------------------------------------------------------------------------
# loading a good data set
# ---------------------------------------------------------------------------------------
def test_load_good_dataset_types_and_shapes(good: Path) -> None:
    ds = load_dataset(good)
    assert ds.source == str(good)
    assert list(ds.employees.columns) == [
        "employee_id",
        "name",
        "role",
        "team",
        "manager_id",
        "hire_date",
        "leave_date",
        "annual_target_bonus",
        "currency",
    ]
    assert len(ds.employees) == 6 and len(ds.actuals) == 204
    assert len(ds.targets) == 3 and len(ds.ratings) == 12 and len(ds.modifiers) == 2
    assert str(ds.employees["hire_date"].dtype).startswith("datetime64")
    assert str(ds.employees["leave_date"].dtype).startswith("datetime64")
    # only E004 has left, on 2026-05-31
    left = ds.employees.set_index("employee_id")["leave_date"]
    assert left.notna().sum() == 1 and left["E004"] == pd.Timestamp("2026-05-31")
    for frame, col in [
        (ds.actuals, "value"),
        (ds.targets, "target"),
        (ds.ratings, "rating"),
        (ds.modifiers, "modifier"),
        (ds.employees, "annual_target_bonus"),
    ]:
        assert frame[col].dtype == np.float64
    assert pd.api.types.is_string_dtype(ds.actuals["employee_id"])
    assert ds.months == [f"2026-{m:02d}" for m in range(1, 7)]
    # the first actuals data row of the file, read back exactly
    first = lines(good / "actuals.csv")[1].split(",")
    row = ds.actuals.iloc[0]
    assert [row.employee_id, row.period, row.metric] == first[:3]
    assert row.value == float(first[3])
    assert ds.ratings["comment"].iloc[0] == "Strong event delivery, see notes"
    assert ds.modifiers.set_index("employee_id").loc["E002", "modifier"] == 1.05


def test_dataset_is_frozen(good: Path) -> None:
    ds = load_dataset(good)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.actuals = ds.actuals.head()  # type: ignore[misc]


def test_optional_files_absent_give_empty_typed_frames(good: Path) -> None:
    for name in ("targets", "ratings", "modifiers"):
        (good / f"{name}.csv").unlink()
    ds = load_dataset(good)
    assert ds.targets.empty and list(ds.targets.columns) == [
        "employee_id",
        "period",
        "metric",
        "target",
    ]
    assert ds.ratings.empty and ds.ratings["rating"].dtype == np.float64
    assert list(ds.modifiers.columns) == ["employee_id", "period", "modifier", "reason"]


def test_header_only_optional_file_is_fine(good: Path) -> None:
    write_lines(good / "targets.csv", ["employee_id,period,metric,target"])
    assert load_dataset(good).targets.empty


def test_parquet_and_loose_headers(good: Path) -> None:
    act = pd.read_csv(good / "actuals.csv")
    act.columns = ["Employee ID", " Period", "METRIC", "value"]  # loose spelling is accepted
    (good / "actuals.csv").unlink()
    act.to_parquet(good / "actuals.parquet")
    ds = load_dataset(good)
    assert len(ds.actuals) == 204
    assert list(ds.actuals.columns) == ["employee_id", "period", "metric", "value"]
    assert ds.actuals["value"].sum() == pytest.approx(act["value"].sum())


def test_period_spellings_and_thousands_are_normalised(good: Path) -> None:
    write_lines(
        good / "targets.csv",
        [
            "employee_id,period,metric,target",
            'E001,2026 q1,attendance,"1,300"',
            "E002,Q2 2026,leads,480",
            "E006,2026/4,leads,160",
            "E006,2026-05-01,leads,170",
            "E006,Jun-26,leads,180",  # how Excel writes a month it took for a date
            "E005,2026年3月,leads,90",
        ],
    )
    t = load_dataset(good).targets
    assert t["period"].tolist() == ["2026Q1", "2026Q2", "2026-04", "2026-05", "2026-06", "2026-03"]
    assert t["target"].tolist() == [1300.0, 480.0, 160.0, 170.0, 180.0, 90.0]


def test_gb18030_csv_is_read(good: Path) -> None:
    emp = pd.read_csv(good / "employees.csv", dtype=str, keep_default_na=False)
    emp.loc[0, "name"] = "李娜"
    emp.to_csv(good / "employees.csv", index=False, encoding="gb18030")
    assert load_dataset(good).employees.loc[0, "name"] == "李娜"


# ---------------------------------------------------------------------------------------
# one test per kind of problem, asserting where, what was found and the fix
# ---------------------------------------------------------------------------------------
def test_missing_required_file(good: Path) -> None:
    (good / "employees.csv").unlink()
    msg = one(problems_of(good), "no employees file")
    assert msg.startswith(str(good)) and "employees.csv" in msg and "docs/data.md" in msg


def test_missing_folder() -> None:
    msg = one(problems_of(Path("no/such/folder")), "folder not found")
    assert "no/such/folder" in msg


def test_missing_column(good: Path) -> None:
    emp = pd.read_csv(good / "employees.csv", dtype=str).drop(columns="hire_date")
    emp.to_csv(good / "employees.csv", index=False)
    msg = one(problems_of(good), "no column hire_date")
    assert msg.startswith("employees.csv:")
    assert "add a column hire_date" in msg and "header row holds: employee_id, name" in msg


def test_text_in_numeric_cell(good: Path) -> None:
    set_line(good / "actuals.csv", 5, "E001,2026-01,event_spend,12o")
    msg = one(problems_of(good), "12o")
    assert msg == (
        "actuals.csv, row 5, column value: found '12o'; "
        "write a number, e.g. 1250 or 0.35 (no units or letters)"
    )


def test_unparseable_period(good: Path) -> None:
    set_line(good / "actuals.csv", 3, "E001,2026-13,event_budget,5")
    set_line(good / "actuals.csv", 4, "E001,July,event_reach,5")
    probs = problems_of(good)
    assert one(probs, "row 3,").startswith("actuals.csv, row 3, column period: found '2026-13'")
    assert one(probs, "row 4,") == (
        "actuals.csv, row 4, column period: found 'July'; write the month as YYYY-MM, e.g. 2026-07"
    )


def test_quarter_in_actuals_is_not_a_month(good: Path) -> None:
    set_line(good / "actuals.csv", 2, "E001,2026Q1,event_attendance,300")
    assert "found '2026Q1'; write the month as YYYY-MM" in one(problems_of(good), "row 2,")


def test_duplicate_rows_name_both_rows(good: Path) -> None:
    row2 = lines(good / "actuals.csv")[1]
    extra = append(good / "actuals.csv", row2.rsplit(",", 1)[0] + ",999")
    msg = one(problems_of(good), "the same")
    assert msg.startswith(f"actuals.csv, rows 2 and {extra}:")
    e, p, m, _ = row2.split(",")
    assert f"the same employee_id, period and metric ({e}, {p}, {m}) twice" in msg
    assert "keep one row per employee_id, period and metric" in msg


def test_employee_in_actuals_not_in_employees(good: Path) -> None:
    row = append(good / "actuals.csv", "E999,2026-01,leads,5", "E999,2026-02,leads,6")
    msg = one(problems_of(good), "E999")
    assert msg == (
        f"actuals.csv, rows {row} and {row + 1}, column employee_id: found 'E999', who is not "
        "in employees.csv; add E999 to employees.csv or correct the id"
    )


def test_rating_outside_1_to_5(good: Path) -> None:
    set_line(good / "ratings.csv", 3, "E001,2026Q2,execution_quality,7,M01,")
    set_line(good / "ratings.csv", 4, "E002,2026Q1,collaboration,0.5,M02,")
    probs = problems_of(good)
    assert one(probs, "row 3") == (
        "ratings.csv, row 3, column rating: found 7; use a rating from 1 to 5 "
        "(3 meets expectations)"
    )
    assert "found 0.5" in one(probs, "row 4")


def test_zero_or_negative_target_in_targets_file(good: Path) -> None:
    set_line(good / "targets.csv", 2, "E001,2026Q1,attendance,0")
    set_line(good / "targets.csv", 3, "E002,2026Q2,leads,-480")
    probs = problems_of(good)
    assert one(probs, "row 2") == (
        "targets.csv, row 2, column target: found 0; "
        "use a number above zero (achievement divides by the target)"
    )
    assert "found -480" in one(probs, "targets.csv, row 3")


def test_empty_file_zero_bytes(good: Path) -> None:
    (good / "actuals.csv").write_bytes(b"")
    msg = one(problems_of(good), "actuals.csv")
    assert msg == (
        "actuals.csv: the file is empty (0 bytes); "
        "start it with a header row: employee_id, period, metric, value"
    )


def test_header_only_required_file(good: Path) -> None:
    write_lines(good / "employees.csv", [lines(good / "employees.csv")[0]])
    probs = problems_of(good)
    assert one(probs, "employees.csv:") == (
        "employees.csv: holds a header but no data rows; add the employees rows"
    )


def test_duplicate_employee_id(good: Path) -> None:
    row = append(good / "employees.csv", lines(good / "employees.csv")[3])  # E003 again
    msg = one(problems_of(good), "the same employee_id")
    assert msg == (
        f"employees.csv, rows 4 and {row}: the same employee_id (E003) twice; "
        "keep one row per employee_id: delete or merge the repeats"
    )


def test_leave_date_before_hire_date(good: Path) -> None:
    set_line(
        good / "employees.csv",
        3,
        "E002,Wang Wei,online_promotion,T2-digital,M02,2022-07-15,2021-01-31,30000,CNY",
    )
    assert one(problems_of(good), "leave_date") == (
        "employees.csv, row 3, column leave_date: found '2021-01-31', before hire_date "
        "'2022-07-15'; the leave date must be on or after the hire date; correct one"
    )


def test_bad_date_and_empty_required_cell(good: Path) -> None:
    set_line(good / "employees.csv", 2, "E001,,event_planning,T1-events,M01,2023-02-30,,24000,CNY")
    probs = problems_of(good)
    assert one(probs, "column hire_date") == (
        "employees.csv, row 2, column hire_date: found '2023-02-30'; "
        "write a date as YYYY-MM-DD, e.g. 2024-03-15"
    )
    assert (
        one(probs, "column name")
        == "employees.csv, row 2, column name: an empty cell; fill in name"
    )


def test_two_formats_for_one_table(good: Path) -> None:
    pd.read_csv(good / "ratings.csv").to_parquet(good / "ratings.parquet")
    msg = one(problems_of(good), "two files for ratings")
    assert "ratings.csv and ratings.parquet" in msg and "keep one" in msg


def test_every_problem_is_collected(good: Path) -> None:
    set_line(good / "actuals.csv", 2, "E001,2026-01,event_attendance,abc")
    set_line(good / "actuals.csv", 3, "E001,2026-1x,event_budget,5")
    set_line(good / "ratings.csv", 2, "E001,2026Q1,execution_quality,9,M01,")
    set_line(
        good / "employees.csv", 2, "E001,Li Na,event_planning,T1-events,M01,2023-02-01,,-5,cny"
    )
    probs = problems_of(good)
    assert len(probs) == 5
    # reported file by file, in the order employees, actuals, ..., ratings
    assert [p.split(",")[0] for p in probs] == ["employees.csv"] * 2 + ["actuals.csv"] * 2 + [
        "ratings.csv"
    ]
    assert "column currency: found 'cny'" in probs[1] or "column currency: found 'cny'" in probs[0]


def test_many_bad_cells_are_listed_then_counted(good: Path) -> None:
    act = pd.read_csv(good / "actuals.csv", dtype=str)
    act.loc[:29, "value"] = "n/a"
    act.to_csv(good / "actuals.csv", index=False)
    probs = problems_of(good)
    assert len(probs) == 21
    assert probs[19].startswith("actuals.csv, row 21, column value: found 'n/a'")
    assert probs[20].startswith("actuals.csv, rows 22, 23, 24, 25, 26 and 5 more, column value")
    assert "10 more cells like the ones above" in probs[20]


def test_ragged_csv_row(good: Path) -> None:
    set_line(good / "targets.csv", 3, "E002,2026Q2,leads,480,extra")
    msg = one(problems_of(good), "targets.csv")
    assert msg.startswith("targets.csv: row 3 has 5 cells but the header has 4")


def test_extra_cell_in_the_first_data_row_does_not_shift_the_columns(good: Path) -> None:
    # pandas would take the first column as an index and shift every cell one to the left
    set_line(good / "targets.csv", 2, "E001,2026Q1,attendance,1300,extra")
    assert problems_of(good) == [
        "targets.csv: row 2 has 5 cells but the header has 4; remove the extra cells or quote "
        "text that holds a comma"
    ]


# ---------------------------------------------------------------------------------------
# Excel and the column mapping (wide form)
# ---------------------------------------------------------------------------------------
def _workbook(path: Path, rows: list[list[object]], title_rows: int = 2) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Export"
    for i in range(title_rows):
        ws.cell(row=i + 1, column=1, value=f"Marketing KPI export, part {i + 1}")
    ws.append([])
    for r in rows:
        ws.append(r)
    wb.save(path)


def test_excel_with_title_rows_loads(good: Path) -> None:
    act = pd.read_csv(good / "actuals.csv", dtype=str)
    rows: list[list[object]] = [["employee_id", "period", "metric", "value"]]
    for rec in act.itertuples(index=False):
        # Excel turns "2026-07" into a date; the reader turns it back into a month label
        y, m = map(int, rec.period.split("-"))
        rows.append([rec.employee_id, dt.datetime(y, m, 1), rec.metric, float(rec.value)])
    (good / "actuals.csv").unlink()
    _workbook(good / "actuals.xlsx", rows, title_rows=2)  # header on sheet row 4
    ds = load_dataset(good)
    expected = pd.read_csv(GOOD_DIR / "actuals.csv", dtype={"value": float})
    pd.testing.assert_frame_equal(
        ds.actuals.reset_index(drop=True), expected, check_dtype=False, check_exact=True
    )
    assert ds.months == [f"2026-{m:02d}" for m in range(1, 7)]

    # row numbers in messages are the sheet's: header row 4, so the first data row is 5
    wb = openpyxl.load_workbook(good / "actuals.xlsx")
    wb.active["D7"] = "12o"
    wb.save(good / "actuals.xlsx")
    assert one(problems_of(good), "12o").startswith("actuals.xlsx, row 7, column value: found")


def _wide_export(path: Path) -> None:
    _workbook(
        path,
        [
            ["Emp No", "Month", "Leads", "Ad Spend", "Notes"],
            ["E002", dt.datetime(2026, 1, 1), 120, 18000.5, "ok"],
            ["E002", "2026-02", 130, None, None],
            [],
            ["E006", dt.datetime(2026, 1, 1), "9O", 17000, None],
        ],
        title_rows=1,
    )


WIDE_MAPPING = {
    "actuals": {
        "file": "kpi export.xlsx",
        "id_column": "Emp No",
        "period_column": "Month",
        "metrics": {"Leads": "leads", "Ad Spend": "ad_spend"},
    }
}


def test_wide_excel_with_mapping(good: Path) -> None:
    (good / "actuals.csv").unlink()
    _wide_export(good / "kpi export.xlsx")
    with pytest.raises(DataError) as info:
        load_dataset(good, mapping=WIDE_MAPPING)
    # the message names the sheet row (title, blank, header on row 3, data from row 4)
    # and the analyst's own column name
    assert [str(p) for p in info.value.problems] == [
        "kpi export.xlsx, row 7, column Leads: found '9O'; "
        "write a number, e.g. 1250 or 0.35 (no units or letters)"
    ]
    wb = openpyxl.load_workbook(good / "kpi export.xlsx")
    wb.active["C7"] = 90
    wb.save(good / "kpi export.xlsx")
    act = load_dataset(good, mapping=WIDE_MAPPING).actuals
    got = act.sort_values(["employee_id", "period", "metric"])[
        ["employee_id", "period", "metric", "value"]
    ]
    assert got.values.tolist() == [
        ["E002", "2026-01", "ad_spend", 18000.5],
        ["E002", "2026-01", "leads", 120.0],
        ["E002", "2026-02", "leads", 130.0],  # the empty Ad Spend cell is no row
        ["E006", "2026-01", "ad_spend", 17000.0],
        ["E006", "2026-01", "leads", 90.0],
    ]
    assert "Notes" in act.columns  # extra columns are kept after the contract's


def test_mapping_yaml_in_folder_is_picked_up(good: Path) -> None:
    (good / "actuals.csv").unlink()
    _wide_export(good / "kpi export.xlsx")
    wb = openpyxl.load_workbook(good / "kpi export.xlsx")
    wb.active["C7"] = 90
    wb.save(good / "kpi export.xlsx")
    (good / "mapping.yaml").write_text(yaml.safe_dump(WIDE_MAPPING), encoding="utf-8")
    assert len(load_dataset(good).actuals) == 5


def test_mapping_problems(good: Path) -> None:
    (good / "actuals.csv").unlink()
    _wide_export(good / "kpi export.xlsx")
    bad = {"actuals": {**WIDE_MAPPING["actuals"], "metrics": {"Leadz": "leads"}}}
    msg = one(problems_of_mapping(good, bad), "Leadz")
    assert "no column 'Leadz', which the mapping lists under actuals.metrics" in msg
    typo = {"actuals": {**WIDE_MAPPING["actuals"], "id_colum": "Emp No"}}
    assert "mapping, field actuals.id_colum: unknown field" in one(
        problems_of_mapping(good, typo), "id_colum"
    )


def problems_of_mapping(folder: Path, mapping: dict) -> list[str]:
    with pytest.raises(DataError) as info:
        load_dataset(folder, mapping=mapping)
    return [str(p) for p in info.value.problems]


# ---------------------------------------------------------------------------------------
# Dataset.from_frames
# ---------------------------------------------------------------------------------------
def test_from_frames_fills_and_types_without_mutating() -> None:
    emp = pd.DataFrame(
        {
            "employee_id": ["E1", "E2"],
            "name": ["A", "B"],
            "role": ["online_promotion"] * 2,
            "team": ["T"] * 2,
            "manager_id": ["M"] * 2,
            "hire_date": ["2024-01-01", "2024-02-01"],
            "annual_target_bonus": [1000, 2000],
            "currency": ["CNY"] * 2,
        }
    )
    act = pd.DataFrame(
        {
            "employee_id": ["E1", "E2"],
            "period": ["2026-07", "2026-08"],
            "metric": "leads",
            "value": [3, 4],
        }
    )
    before = emp.copy()
    ds = Dataset.from_frames(emp, act)
    pd.testing.assert_frame_equal(emp, before)
    assert str(ds.employees["hire_date"].dtype).startswith("datetime64")
    assert ds.employees["leave_date"].isna().all()
    assert ds.actuals["value"].dtype == np.float64
    assert ds.months == ["2026-07", "2026-08"]
    for name in ("targets", "ratings", "modifiers"):
        frame = getattr(ds, name)
        assert frame.empty and list(frame.columns) == list(empty_table(name).columns)

    bad = act.assign(value=[3, "x"])
    with pytest.raises(DataError, match=r"actuals frame, row 2, column value: found 'x'"):
        Dataset.from_frames(emp, bad)
    raw = Dataset.from_frames(emp, act, check=False)
    assert raw.employees["hire_date"].dtype == emp["hire_date"].dtype  # copied as given


# ---------------------------------------------------------------------------------------
# speed
# ---------------------------------------------------------------------------------------
def test_load_100k_rows_is_fast(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    emp = pd.read_csv(GOOD_DIR / "employees.csv", dtype=str, keep_default_na=False)
    ids = [f"E{i:04d}" for i in range(500)]
    big = pd.concat([emp.iloc[[1]]] * len(ids), ignore_index=True).assign(employee_id=ids)
    big.to_csv(tmp_path / "employees.csv", index=False)
    months = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)]
    metrics = [
        "leads",
        "ad_clicks",
        "ad_impressions",
        "ad_conversions",
        "ad_spend",
        "search_rank",
        "web_unique_visitors",
        "web_page_views",
        "market_share",
    ]
    grid = pd.MultiIndex.from_product([ids, months, metrics[:9]]).to_frame(index=False)
    grid.columns = ["employee_id", "period", "metric"]
    grid["value"] = rng.uniform(0, 1000, len(grid)).round(2)
    grid.to_csv(tmp_path / "actuals.csv", index=False)
    assert len(grid) == 108_000
    start = time.perf_counter()
    ds = load_dataset(tmp_path)
    elapsed = time.perf_counter() - start
    assert len(ds.actuals) == 108_000
    assert ds.actuals["value"].sum() == pytest.approx(grid["value"].sum())
    assert elapsed < 3.0, f"loading 108k rows took {elapsed:.2f}s"


def test_csv_with_title_rows_above_the_header(good: Path) -> None:
    rows = lines(good / "actuals.csv")
    write_lines(good / "actuals.csv", ["KPI report,,,", "exported 2026-07-03,,,", *rows])
    assert len(load_dataset(good).actuals) == 204
    set_line(good / "actuals.csv", 6, "E001,2026-01,event_spend,12o")  # header on row 3
    assert one(problems_of(good), "12o").startswith("actuals.csv, row 6, column value")


def test_unreadable_files(good: Path) -> None:
    (good / "ratings.csv").unlink()
    (good / "ratings.xlsx").write_text("not a workbook")
    (good / "modifiers.csv").unlink()
    (good / "modifiers.parquet").write_text("not parquet")
    probs = problems_of(good)
    assert probs == [
        "ratings.xlsx: cannot be read as an Excel workbook; open it in Excel and save it as .xlsx",
        "modifiers.parquet: cannot be read as a Parquet file; "
        "write it again, e.g. with DataFrame.to_parquet",
    ]


# ---------------------------------------------------------------------------------------
# issue #7: headers Excel merged or left blank, encodings, YAML repeats, non-CSV, delimiters
# ---------------------------------------------------------------------------------------
def _employees_sheet(path: Path, *, merge: bool, notes: bool = False) -> None:
    """employees as an Excel export: a title row, the header on row 2, data on rows 3-8.

    With ``merge`` the analyst merged F2:G2 under one heading, so G2 (leave_date) is blank.
    With ``notes`` column J holds notes on rows 3 and 5 under a blank header cell.
    """
    emp = pd.read_csv(GOOD_DIR / "employees.csv", dtype=str, keep_default_na=False)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Staff"
    ws["A1"] = "Staff list 2026"
    header: list[object] = list(emp.columns)
    if merge:
        header[6] = None
    ws.append(header)
    for rec in emp.itertuples(index=False):
        row: list[object] = list(rec)
        for j in (5, 6):  # dates as Excel stores them
            row[j] = dt.datetime.fromisoformat(row[j]) if row[j] else None
        row[7] = float(row[7])
        ws.append(row)
    if merge:
        ws.merge_cells("F2:G2")
    if notes:
        ws["J3"], ws["J5"] = "on leave in March", "moved team"
    wb.save(path)


def test_merged_header_cell_hiding_leave_date_is_a_problem(good: Path) -> None:
    (good / "employees.csv").unlink()
    _employees_sheet(good / "employees.xlsx", merge=True)
    # only E004 (sheet row 6) has left; before the fix G was dropped and E004 paid all quarter
    expected = (
        "employees.xlsx, sheet Staff, cell G6: data under header cell G2, which is part of "
        "the merged cell F2:G2 ('hire_date'), so the column has no name of its own and would "
        "be dropped; unmerge F2:G2 and write each column's own name (e.g. leave_date, which "
        "the header lacks)"
    )
    assert problems_of(good) == [expected]
    assert [str(p) for p in validate(good, plans_dir=PLANS_DIR).problems] == [expected]


def test_data_under_a_blank_header_cell_is_a_problem(good: Path) -> None:
    _employees_sheet(good / "staff.xlsx", merge=False, notes=True)
    (good / "employees.csv").unlink()
    (good / "staff.xlsx").rename(good / "employees.xlsx")
    assert problems_of(good) == [
        "employees.xlsx, sheet Staff, cells J3:J5: data under the blank header cell J2, so "
        "the column has no name and would be dropped; write the column's name in J2 or "
        "delete the column"
    ]
    # a CSV whose leave_date heading was lost (Excel writes a merged cell's second part blank)
    (good / "employees.xlsx").unlink()
    shutil.copy(GOOD_DIR / "employees.csv", good / "employees.csv")
    header = lines(good / "employees.csv")[0].replace("leave_date", "")
    set_line(good / "employees.csv", 1, header)
    assert problems_of(good) == [
        "employees.csv, row 5, column 7: data under a blank header cell (cell 7 of header "
        "row 1), so the column has no name and would be dropped; write the column's name in "
        "the header row (e.g. leave_date, which the header lacks) or delete the column"
    ]
    # an empty column under a blank header (a trailing comma) is no problem, and is dropped
    write_lines(good / "employees.csv", [f"{r}," for r in lines(GOOD_DIR / "employees.csv")])
    assert list(load_dataset(good).employees.columns) == list(empty_table("employees").columns)


def _padded_employees(good: Path, encoding: str) -> bytes:
    """employees.csv with Chinese names and a note making the file over 64 KiB.

    In UTF-8 the note is padded so that a character starts at byte 65,535: cutting the file
    at 65,536 bytes splits that character.
    """
    rows = lines(GOOD_DIR / "employees.csv")
    rows = [rows[0] + ",note"] + [r + "," for r in rows[1:]]
    rows[1] = rows[1].replace("Li Na", "李娜")
    rows[2] = rows[2].replace("Wang Wei", "王伟")
    start = len(("\n".join(rows[:3]) + "\n" + rows[3]).encode("utf-8"))
    pad = (65535 - start) % 3
    rows[3] += "x" * pad + "李" * 22000  # 66,000 bytes of UTF-8
    data = ("\n".join(rows) + "\n").encode(encoding)
    (good / "employees.csv").write_bytes(data)
    return data


def test_utf8_cut_at_the_64k_boundary_is_read_as_utf8(good: Path) -> None:
    data = _padded_employees(good, "utf-8")
    assert data[65535:65538].decode("utf-8") == "李"  # the premise: 65,536 cuts a character
    with pytest.raises(UnicodeDecodeError):
        data[:65536].decode("utf-8")
    emp = load_dataset(good).employees.set_index("employee_id")
    assert emp.loc["E001", "name"] == "李娜" and emp.loc["E002", "name"] == "王伟"
    assert emp.loc["E003", "note"].endswith("李" * 22000)
    # the same file as Chinese Excel saves it still reads
    _padded_employees(good, "gb18030")
    emp = load_dataset(good).employees.set_index("employee_id")
    assert emp.loc["E001", "name"] == "李娜" and emp.loc["E003", "note"].count("李") == 22000


def test_bytes_neither_utf8_nor_gb18030_name_the_line(good: Path) -> None:
    data = (GOOD_DIR / "ratings.csv").read_bytes().split(b"\n")
    data[2] = data[2].replace(b"M01", b"M\xff1")
    (good / "ratings.csv").write_bytes(b"\n".join(data))
    assert problems_of(good) == [
        "ratings.csv: is not UTF-8 text (line 3 holds bytes that are neither UTF-8 nor "
        "GB18030); save it as CSV UTF-8"
    ]


def test_repeated_key_in_mapping_yaml_is_a_problem(good: Path) -> None:
    _wide_export(good / "kpi export.xlsx")  # actuals.csv stays: a refused mapping is not used
    (good / "mapping.yaml").write_text(
        "actuals:\n"
        "  file: kpi export.xlsx\n"
        "  id_column: Emp No\n"
        "  period_column: Month\n"
        "  id_column: Employee\n"
        "  metrics: {Leads: leads, Ad Spend: ad_spend}\n",
        encoding="utf-8",
    )
    assert problems_of(good) == [
        "mapping.yaml, line 5: found the key `id_column` a second time in one mapping (first "
        "on line 3); YAML would silently keep only the last value; keep one `id_column:` line"
    ]
    (good / "mapping.yaml").write_bytes(b"actuals:\n  file: kpi \xff.xlsx\n")
    assert problems_of(good) == ["mapping.yaml, line 2: is not UTF-8 text; save the file as UTF-8"]


def test_csv_that_is_a_workbook_or_binary_is_refused_cleanly(good: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["employee_id", "period", "metric", "rating"])
    wb.save(good / "ratings.csv")  # an xlsx under a .csv name
    (good / "modifiers.csv").write_bytes(b"employee_id,period,modifier\n\x00\x01\x02\xff\n")
    (good / "targets.csv").write_bytes((good / "ratings.csv").read_bytes()[:0] + b"PAR1\x00")
    assert problems_of(good) == [
        "targets.csv: is a Parquet file named .csv, not CSV text; rename it .parquet",
        "ratings.csv: is a zip file (an Excel workbook named .csv?), not CSV text; save it as "
        "CSV (UTF-8, comma separated), or rename it .xlsx if it is a workbook",
        "modifiers.csv: holds binary data (a zero byte on line 2), not CSV text; save it as "
        "CSV (UTF-8, comma separated)",
    ]


def test_semicolon_csv_with_decimal_commas_is_read(good: Path) -> None:
    act = pd.read_csv(GOOD_DIR / "actuals.csv", dtype=str)
    european = act.assign(value=act["value"].str.replace(".", ",", regex=False))
    european.to_csv(good / "actuals.csv", index=False, sep=";")
    assert lines(good / "actuals.csv")[1] == "E001;2026-01;event_attendance;334,0"
    emp = [r.replace(",", ";") for r in lines(GOOD_DIR / "employees.csv")]
    emp[1] = emp[1].replace(";24000;", ";24.000,50;")  # thousands dot, decimal comma
    write_lines(good / "employees.csv", emp)
    pd.read_csv(GOOD_DIR / "ratings.csv", dtype=str).to_csv(
        good / "ratings.csv", sep="\t", index=False
    )
    ds = load_dataset(good)
    expected = pd.read_csv(GOOD_DIR / "actuals.csv", dtype={"value": float})
    pd.testing.assert_frame_equal(ds.actuals, expected, check_dtype=False, check_exact=True)
    bonus = ds.employees.set_index("employee_id")["annual_target_bonus"]
    assert bonus["E001"] == 24000.5 and bonus["E002"] == 30000.0
    assert ds.ratings["comment"].iloc[0] == "Strong event delivery, see notes"  # tab separated

    # 1.300 in a file whose decimal mark is the comma could be 1300 or 1.3: a problem, not a guess
    write_lines(
        good / "targets.csv",
        [
            "employee_id;period;metric;target",
            "E001;2026Q1;attendance;1.300",
            "E002;2026Q2;leads;12,5",
        ],
    )
    assert problems_of(good) == [
        "targets.csv, row 2, column target: found '1.300'; in a file separated by semicolons "
        "the comma is the decimal mark, so this could be a thousand and more or one and a bit: "
        "write 1234 for the first, 1,234 for the second"
    ]
    set_line(good / "targets.csv", 2, "E001;2026Q1;attendance;1300")
    assert load_dataset(good).targets["target"].tolist() == [1300.0, 12.5]
