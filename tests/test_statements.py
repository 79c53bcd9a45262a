"""Payout statements: totals that reconcile with ``perfkit score``, print settings, formats,
formula-safe text, private files, same bytes on a rerun, and a LibreOffice print check."""

from __future__ import annotations

import re
import shutil
import stat
import subprocess

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import PLANS_DIR, SAMPLE_DIR
from openpyxl import load_workbook

from perfkit.cli import cli
from perfkit.recognition import history, recognition
from perfkit.statements import money_format, statement_lines, write_statements
from perfkit.validation import load_checked


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    ds, plans = load_checked(SAMPLE_DIR, plans_dir=PLANS_DIR)
    ev = history(ds, plans, "2026Q3", n=4)
    awards = recognition(ev.results, plans, period="2026Q3")
    lines = statement_lines(ev, ds, period="2026Q3", recognition=awards)
    out = tmp_path_factory.mktemp("st") / "statements.xlsx"
    written = write_statements(lines, out, period="2026Q3", plans=plans)
    return ds, plans, lines, written


def cents(x) -> int:
    return round(float(x) * 100)


def test_totals_reconcile_with_perfkit_score(made, tmp_path):
    _, _, lines, written = made
    result = CliRunner().invoke(
        cli, ["score", str(SAMPLE_DIR), "--period", "2026Q3", "--plans", str(PLANS_DIR),
              "-o", str(tmp_path / "payouts.csv")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    score = pd.read_csv(tmp_path / "payouts.csv")
    by_role = score.groupby("role")["payout_amount"].apply(lambda s: sum(map(cents, s)))
    wb = load_workbook(written[0])
    summary = wb["Summary"]
    rows = list(summary.iter_rows(min_row=4, values_only=True))
    role_rows = {r[0]: r for r in rows if r[1] == "all teams"}
    names = {p.name: role for role, p in made[1].items()}
    assert len(role_rows) == 5
    for name, row in role_rows.items():
        assert cents(row[5]) == by_role[names[name]], name
    total = next(r for r in rows if r[0] == "TOTAL")
    assert cents(total[5]) == sum(map(cents, score["payout_amount"])) == 139512267
    assert total[2] == 139 and total[3] == 137  # people, paid


def test_each_sheet_total_is_the_sum_of_its_lines(made):
    _, _, lines, written = made
    wb = load_workbook(written[0])
    for ws in wb.worksheets[1:]:
        header = [c.value for c in ws[3]]
        pay = header.index("Payout")
        body = list(ws.iter_rows(min_row=4, values_only=True))
        people = [r for r in body if r[0] != "TOTAL"]
        total = next(r for r in body if r[0] == "TOTAL")
        assert cents(total[pay]) == sum(cents(r[pay]) for r in people), ws.title
    assert len(wb.sheetnames) == 6  # Summary + one per role


def test_print_settings_in_the_workbook(made):
    wb = load_workbook(made[3][0])
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows.replace("$", "") == "1:3"  # title, note and header rows
        assert "&P" in ws.oddFooter.center.text
        # every wrapped row is tall enough for its lines (LibreOffice does not grow rows)
        heights = [ws.row_dimensions[i].height for i in range(4, ws.max_row + 1)]
        assert all(h is not None and h >= 14.5 for h in heights)


def test_formats_money_rates_counts_and_the_cut_composite(made):
    _, _, lines, written = made
    ws = load_workbook(written[0])["Online promotion"]
    header = [c.value for c in ws[3]]
    row = next(r for r in ws.iter_rows(min_row=4) if r[0].value == "E0001")
    cell = {h: c for h, c in zip(header, row, strict=True)}
    assert cell["Payout"].number_format == '#,##0.00 "CNY"' and cell["Payout"].value == 11092.36
    assert cell["Proration"].number_format == "0.0%"
    assert cell["Composite"].value == 0.86  # 0.8673 cut, not 0.87
    assert cell["Hire date"].number_format == "yyyy-mm-dd"
    assert cell["Name"].value == "Luo Yiming" and cell["Manager"].value == "M03"
    summary = load_workbook(written[0])["Summary"]
    assert summary.cell(row=4, column=3).number_format == "#,##0"
    assert money_format('CNY"; @') == "#,##0.00"  # no data text inside a number format


def test_modifier_reasons_and_recognition_are_on_the_lines(made):
    lines = made[2]
    e41 = lines.set_index("employee_id").loc["E0041"]
    assert (
        e41["modifier"] == 0.9
        and e41["modifier_reason"] == "Compliance issue on a partner contract"
    )
    assert "promotion ready" in lines.set_index("employee_id").loc["E0002", "recognition"]


def test_formula_like_text_is_written_as_text(made, tmp_path):
    ds, plans, lines, _ = made
    bad = lines.copy()
    bad.loc[0, "name"] = '=HYPERLINK("http://x","click")'
    bad.loc[0, "modifier_reason"] = "+1 bonus"
    out = write_statements(bad, tmp_path / "s.xlsx", period="2026Q3", plans=plans)
    ws = load_workbook(out[0]).worksheets[1]
    cell = ws.cell(row=4, column=2)
    assert cell.data_type == "s" and cell.quotePrefix
    text = out[1].read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'+1 bonus" in text


def test_private_files_and_same_bytes_on_a_rerun(made, tmp_path):
    _, plans, lines, written = made
    again = write_statements(lines, tmp_path / "statements.xlsx", period="2026Q3", plans=plans)
    for a, b in zip(written, again, strict=True):
        assert a.read_bytes() == b.read_bytes()
        assert stat.S_IMODE(b.stat().st_mode) == 0o600


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_the_workbook_prints_legibly_with_libreoffice(made, tmp_path):
    _, _, lines, written = made
    work = tmp_path / "pdf"
    work.mkdir()
    shutil.copy(written[0], work / "s.xlsx")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(work / "s.xlsx")],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    pdf = (work / "s.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 6 <= pages <= 12  # one summary page, a page or two per role: not 96
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert boxes and all(float(w) > float(h) for w, h in boxes)  # landscape
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(work / "s.pdf"), "-"], capture_output=True, check=True, text=True
        ).stdout
        flat = re.sub(r"\s+", "", text)
        words = set(text.split())
        # no text is cut: every word of every explanation and name is printed, and each
        # explanation's end (the amount paid) is there whole (neighbouring wrapped cells
        # interleave in the extracted text, so whole sentences cannot be compared)
        for value in list(lines["explanation"]) + list(lines["name"]):
            assert set(value.split()) <= words, value
        for value in lines["explanation"]:
            end = value[value.rindex("paid ") :]
            assert re.sub(r"\s+", "", end) in flat, end
