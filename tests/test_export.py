"""write_evaluation: the payroll workbook, CSV and Parquet outputs, atomic and by suffix."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from perfkit.errors import PerfkitError
from perfkit.evaluation import RESULT_COLUMNS, evaluate
from perfkit.export import write_evaluation
from perfkit.fsutil import OutputError
from perfkit.plans import load_plans
from perfkit.scoring import SCORE_COLUMNS

PLANS_DIR = Path(__file__).resolve().parents[1] / "templates" / "plans"


@pytest.fixture(scope="module")
def evaluation():
    from test_evaluation import worked_example_dataset  # the data of docs/worked_example.md

    return evaluate(worked_example_dataset(), load_plans(PLANS_DIR), "2026Q3")


def test_workbook_a_clerk_can_read(tmp_path, evaluation):
    out = tmp_path / "payouts.xlsx"
    assert write_evaluation(evaluation, out) == [out]
    wb = load_workbook(out)
    assert wb.sheetnames == ["Payouts", "Metric scores", "Read me"]
    ws = wb["Payouts"]
    header = [c.value for c in ws[1]]
    assert header == [
        "Employee ID", "Name", "Role", "Team", "Period", "Rating", "Payout % of target bonus",
        "Target bonus (period)", "Proration", "Modifier", "Payout amount", "Currency",
        "Explanation",
    ]  # fmt: skip
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["M"].width >= 60  # the explanation is readable
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["E0101", "E0102", "E0103", "TOTAL 2026Q3"]
    amount = header.index("Payout amount")
    lines = [r[amount] for r in rows[:-1]]
    assert lines == [16027.19, 13723.75, 22147.4]
    assert rows[-1][amount] == 51898.34  # the sum of the rounded lines
    assert rows[-1][header.index("Currency")] == "CNY"
    lin = ws[2]
    assert lin[amount].number_format == "#,##0.00"
    assert lin[header.index("Payout % of target bonus")].number_format == "0.0%"
    assert lin[header.index("Payout % of target bonus")].value == pytest.approx(1.276625)
    assert lin[header.index("Proration")].value == pytest.approx(77 / 92)
    assert lin[header.index("Rating")].value == "B"  # 1.0387 (docs/worked_example.md)
    assert lin[header.index("Explanation")].value.endswith("paid 16,027.19 CNY")
    scores = wb["Metric scores"]
    assert scores.max_row == 1 + 21  # 3 people x 7 metrics
    assert scores["F2"].value == "Website traffic growth (year on year)"
    readme = "\n".join(
        str(v) for row in wb["Read me"].iter_rows(values_only=True) for v in row if v is not None
    )
    assert "Online promotion (version 2026, CNY)" in readme
    assert "rounded half-up to cents" in readme
    assert "51,898.34 CNY" in readme


def test_csv_writes_results_and_scores_beside(tmp_path, evaluation):
    out = tmp_path / "q3.csv"
    written = write_evaluation(evaluation, out)
    assert written == [out, tmp_path / "q3_scores.csv"]
    results = pd.read_csv(out)
    scores = pd.read_csv(tmp_path / "q3_scores.csv")
    assert list(results.columns) == RESULT_COLUMNS
    assert list(scores.columns) == SCORE_COLUMNS
    assert results["payout_amount"].tolist() == [16027.19, 13723.75, 22147.4]
    assert len(scores) == 21


def test_parquet_round_trips(tmp_path, evaluation):
    out = tmp_path / "q3.parquet"
    write_evaluation(evaluation, out)
    pd.testing.assert_frame_equal(pd.read_parquet(out), evaluation.results, check_dtype=False)
    back = pd.read_parquet(tmp_path / "q3_scores.parquet")
    pd.testing.assert_frame_equal(back, evaluation.scores, check_dtype=False)


def test_unknown_suffix_names_the_allowed_ones(tmp_path, evaluation):
    with pytest.raises(PerfkitError, match=r"\.xlsx, \.csv, \.parquet"):
        write_evaluation(evaluation, tmp_path / "out.json")
    assert list(tmp_path.iterdir()) == []


def test_writing_is_atomic(tmp_path, evaluation, monkeypatch):
    out = tmp_path / "payouts.xlsx"
    out.write_bytes(b"the previous good file")

    from openpyxl import Workbook

    save = Workbook.save

    def broken(self, filename):
        save(self, filename)  # the temporary file is complete, then the move never happens
        raise OSError("disk full")

    monkeypatch.setattr("openpyxl.Workbook.save", broken)
    with pytest.raises(OutputError, match=rf"{re.escape(str(out))}: cannot write it: disk full"):
        write_evaluation(evaluation, out)
    assert out.read_bytes() == b"the previous good file"
    assert [p.name for p in tmp_path.iterdir()] == ["payouts.xlsx"]  # no temporary left
