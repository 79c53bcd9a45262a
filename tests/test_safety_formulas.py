"""Formula injection: a text from the data never becomes a live formula in a payroll file.

OWASP "CSV injection": a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is a formula to Excel or LibreOffice. The workbook writes such cells as strings
(with Excel's quote prefix), the CSV with a leading apostrophe.
"""

from __future__ import annotations

import csv
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from perfkit.cli import cli
from perfkit.export import csv_safe, formula_like

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "templates" / "plans"
WORKED = ROOT / "data" / "worked_example"

HOSTILE_NAMES = {
    "E0101": '=HYPERLINK("http://x","click")',
    "E0102": "+1+cmd|' /C calc'!A0",
    "E0103": "@SUM(1+1)*cmd|' /C calc'!A0",
}
HOSTILE_TEAM = "-2+3"
HOSTILE_MANAGER = "=1+1"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """The worked example with a formula in every name, in the team and the manager id."""
    folder = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(WORKED, folder)
    emp = pd.read_csv(folder / "employees.csv", dtype=str, keep_default_na=False)
    emp["name"] = emp["employee_id"].map(HOSTILE_NAMES)
    emp["team"] = HOSTILE_TEAM
    emp["manager_id"] = HOSTILE_MANAGER
    emp.to_csv(folder / "employees.csv", index=False)
    return folder


def _score(data_dir: Path, out: Path) -> None:
    result = CliRunner().invoke(
        cli, ["score", str(data_dir), "--period", "2026Q3", "--plans", str(PLANS), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output


def test_the_rule():
    for text in ("=1+1", "+1", "-1", "@x", "\t=1", "\r=1", '=HYPERLINK("http://x","c")'):
        assert formula_like(text), text
    for value in ("Lin Yue", "", " =1", "1-2", "a=b", -1.5, 3, None, "'=1"):
        assert not formula_like(value), value


def test_csv_safe_prefixes_an_apostrophe_and_keeps_the_rest():
    frame = pd.DataFrame({"name": ["=1+1", "Lin Yue", None], "amount": [-1.5, 2.0, 3.0]})
    out = csv_safe(frame)
    assert out["name"].tolist()[:2] == ["'=1+1", "Lin Yue"]
    assert pd.isna(out["name"].iloc[2])
    assert out["amount"].tolist() == [-1.5, 2.0, 3.0]  # a negative number is not text
    assert frame["name"].iloc[0] == "=1+1"  # the input is not changed


def test_workbook_holds_text_not_formulas(data_dir, tmp_path):
    out = tmp_path / "q3.xlsx"
    _score(data_dir, out)
    # no formula anywhere in the file: an <f> element is what makes a cell a formula
    with zipfile.ZipFile(out) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            assert not re.search(rb"<(\w+:)?f[ >]", z.read(name)), name
    wb = load_workbook(out)
    ws = wb["Payouts"]
    header = [c.value for c in ws[1]]
    name_col, team_col = header.index("Name"), header.index("Team")
    rows = list(ws.iter_rows(min_row=2, max_row=4))
    assert [r[0].value for r in rows] == ["E0101", "E0102", "E0103"]
    for row in rows:
        name = row[name_col]
        assert name.data_type == "s"
        assert name.value == HOSTILE_NAMES[row[0].value]  # exactly as written, as text
        assert name.quotePrefix  # and stays text when a clerk edits the cell
        assert row[team_col].value == HOSTILE_TEAM and row[team_col].data_type == "s"
    scores = wb["Metric scores"]
    assert {c.value for c in next(scores.iter_cols(min_col=4, max_col=4, min_row=2))} == {
        HOSTILE_TEAM
    }


def test_csv_escapes_formulas_with_an_apostrophe(data_dir, tmp_path):
    out = tmp_path / "q3.csv"
    _score(data_dir, out)
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["name"] for r in rows] == ["'" + HOSTILE_NAMES[r["employee_id"]] for r in rows]
    assert {r["team"] for r in rows} == {"'" + HOSTILE_TEAM}
    assert {r["manager_id"] for r in rows} == {"'" + HOSTILE_MANAGER}
    # numbers stay numbers, the explanation (plain words) stays as it is
    assert all(r["explanation"].startswith(("Composite", "No metric")) for r in rows)
    float(rows[0]["payout_amount"])
    with open(tmp_path / "q3_scores.csv", encoding="utf-8", newline="") as f:
        scores = list(csv.DictReader(f))
    assert {r["team"] for r in scores} == {"'" + HOSTILE_TEAM}


def test_plan_text_in_the_workbook_is_text_too(data_dir, tmp_path):
    import yaml

    plans = tmp_path / "plans"
    plans.mkdir()
    plan = yaml.safe_load((PLANS / "online_promotion.yaml").read_text(encoding="utf-8"))
    plan["name"] = "=1+2"
    for metric in plan["metrics"]:
        metric["label"] = "@" + metric["label"]
    (plans / "online_promotion.yaml").write_text(
        yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8"
    )
    out = tmp_path / "q3.xlsx"
    result = CliRunner().invoke(
        cli, ["score", str(data_dir), "--period", "2026Q3", "--plans", str(plans), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    labels = [c for c in next(wb["Metric scores"].iter_cols(min_col=6, max_col=6, min_row=2))]
    assert labels and all(c.value.startswith("@") and c.data_type == "s" for c in labels)
    readme = [c for row in wb["Read me"].iter_rows() for c in row if c.value is not None]
    plan_cells = [c for c in readme if str(c.value).startswith("=1+2")]
    assert [c.value for c in plan_cells] == ["=1+2 (version 2026, CNY)"]
    assert plan_cells[0].data_type == "s"
