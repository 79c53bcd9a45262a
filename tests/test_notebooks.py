"""The notebooks: their shape, and real runs under papermill (a few seconds each).

Each run writes into its own tmp_path, so these tests can run side by side under
pytest-xdist (``pytest -n 2``).
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import papermill as pm
import pytest
from conftest import ROOT

import perfkit
from perfkit.display import HEADLINE_MIME
from perfkit.periods import resolve_period

NOTEBOOKS = ROOT / "notebooks"
ALL = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
# no pay figure or section without show_pay (the plan's payout curve, in shares of the
# target bonus, is explained in every report)
PAY_WORDS = re.compile(
    r"\bCNY\b|¥|实发|payout summary|奖金发放汇总|payout_amount|target_bonus", re.I
)


def _run(name: str, out: Path, **parameters) -> nbformat.NotebookNode:
    """Run a notebook as JupyterLab would: the kernel's working folder is notebooks/."""
    pm.execute_notebook(
        NOTEBOOKS / name,
        out,
        parameters=parameters,
        kernel_name="python3",
        cwd=NOTEBOOKS,
        progress_bar=False,
    )
    return nbformat.read(out, as_version=4)


def _output_text(nb: nbformat.NotebookNode) -> str:
    """Every text output of the code cells (images left out)."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            for mime, value in out.get("data", {}).items():
                if not mime.startswith("image/"):
                    parts.append(value if isinstance(value, str) else json.dumps(value))
            parts.extend([out.get("ename", ""), out.get("evalue", "")])
    return "\n".join(parts)


def _headline(nb: nbformat.NotebookNode) -> dict:
    found = [
        out["data"][HEADLINE_MIME]
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if HEADLINE_MIME in out.get("data", {})
    ]
    assert len(found) == 1
    return dict(found[0])


# -- shape ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_notebook_is_committed_clean(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, "commit without outputs"
        assert not re.search(r"^\s*(async\s+)?(def|class)\s", cell.source, re.M), cell.source
    assert any(c.cell_type == "markdown" and c.source.startswith("#") for c in nb.cells)


def test_role_report_parameters_are_documented():
    params = pm.inspect_notebook(NOTEBOOKS / "role_report.ipynb")
    expected = {
        "data_dir": "str",
        "plans_dir": "str",
        "role": "str",
        "period": "str",
        "team": "str",
        "lang": "str",
        "show_pay": "bool",
        "findings_file": "str",
    }
    assert {k: v["inferred_type_name"] for k, v in params.items()} == expected
    assert all(v["help"] for v in params.values())
    assert params["role"]["default"] == '"online_promotion"'
    assert params["show_pay"]["default"] == "False"
    nb = nbformat.read(NOTEBOOKS / "role_report.ipynb", as_version=4)
    checked = [c for c in nb.cells if "# NBVAL_CHECK_OUTPUT" in c.source]
    assert len(checked) == 1 and "show_headline" in checked[0].source


# -- runs -------------------------------------------------------------------------------------


def test_role_report_defaults_match_the_summary_and_show_no_pay(tmp_path):
    # the executed copy sits in a folder laid out like the repository, for nbval below
    (tmp_path / "notebooks").mkdir()
    for name in ("data", "templates"):
        (tmp_path / name).symlink_to(ROOT / name)
    out = tmp_path / "notebooks" / "role_report.ipynb"
    nb = _run("role_report.ipynb", out)  # the defaults: relative paths, online_promotion

    # the headline agrees with figures counted here with plain pandas, not perfkit.summary
    data = perfkit.load_dataset(ROOT / "data" / "sample")
    plan = perfkit.load_plan(ROOT / "templates" / "plans" / "online_promotion.yaml")
    label = resolve_period("latest", months=data.months, kind=plan.period).label
    res = perfkit.evaluate(data, {plan.role: plan}, label).results
    res = res[(res["role"] == "online_promotion") & (res["period"] == label)]
    composite = res["composite"].dropna()
    at_target = int((composite >= 1.0).sum())
    got = _headline(nb)
    assert (got["role"], got["period"], got["headcount"]) == ("online_promotion", label, len(res))
    # everyone of the role employed for a day of the quarter, read from employees.csv
    staff = pd.read_csv(ROOT / "data" / "sample" / "employees.csv", keep_default_na=False)
    staff = staff[staff["role"] == "online_promotion"]
    employed = (staff["hire_date"] <= "2026-09-30") & (
        (staff["leave_date"] == "") | (staff["leave_date"] >= "2026-07-01")
    )
    assert label == "2026Q3" and len(res) == int(employed.sum())
    assert got["share_at_target"] == pytest.approx(at_target / len(composite), abs=1e-6)
    assert got["mean_composite"] == pytest.approx(composite.mean(), abs=1e-6)
    counts = res["rating"].value_counts()
    assert got["bands"] == [[b.band, int(counts.get(b.band, 0))] for b in plan.rating_bands]
    assert sum(c for _, c in got["bands"]) == len(res)
    # and the table a reader sees says the same
    shown = next(
        o["data"]["text/plain"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if HEADLINE_MIME in o.get("data", {})
    )
    assert re.search(rf"Headcount\s+{len(res)}\b", shown), shown
    assert f"{at_target / len(composite):.1%}" in shown, shown

    text = _output_text(nb)
    assert not PAY_WORDS.search(text), PAY_WORDS.search(text)
    assert not re.search(r"\d[\d,]*\.\d\d\s*(CNY|元)", text)
    has_diagnostics = importlib.util.find_spec("perfkit.diagnostics") is not None
    assert ("Plan-health findings" in text) == has_diagnostics  # no module: no section
    images = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    # payout curve, ratings, distribution, team comparison, composite trend, metric trend
    assert images == 6

    # nbval re-runs the stored notebook and compares the checked headline cell: the same
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert re.search(r"\d+ passed", result.stdout)


def test_role_report_other_role_period_in_chinese_with_pay(tmp_path):
    nb = _run(
        "role_report.ipynb",
        tmp_path / "zh.ipynb",
        data_dir=str(ROOT / "data" / "sample"),
        plans_dir=str(ROOT / "templates" / "plans"),
        role="event_planning",
        period="2026Q2",
        lang="zh",
        show_pay=True,
    )
    got = _headline(nb)
    assert (got["role"], got["period"], got["lang"]) == ("event_planning", "2026Q2", "zh")
    text = _output_text(nb)
    for words in ("核心指标", "团队对比", "近四期趋势", "活动策划", "奖金发放汇总", "实发奖金"):
        assert words in text, words
    plan = perfkit.load_plan(ROOT / "templates" / "plans" / "event_planning.yaml")
    assert any(m.label_zh in text for m in plan.metrics)  # strongest/weakest metric columns
    # the rating table shows the plan's own band wording, not the fallback translations
    assert [b.label_zh for b in plan.rating_bands] == ["卓越", "优秀", "达标", "待改进", "不达标"]
    assert "优秀" in text and "待改进" in text and "不达标" in text
    assert "超出预期" not in text and "部分符合" not in text
    assert "Headline figures" not in text
    # every explanation is there in Chinese, none in English, and titles use "：" and "，"
    from perfkit.reports import export_html
    from perfkit.wording import TEXT

    page = export_html(nb, tmp_path / "zh.html", lang="zh").read_text(encoding="utf-8")
    for key in ("about_reading", "about_headline", "about_plan", "about_achievement",
                "about_quality", "about_movement", "about_payout"):  # fmt: skip
        assert TEXT[key]["zh"] in page.replace("&quot;", '"'), key
        assert TEXT[key]["en"][:40] not in page, key
    assert "综合得分是个人各指标得分的加权平均" in page  # the composite, explained
    assert "<h1>活动策划：岗位绩效报告 · 考核期 2026Q2</h1>" in page
    assert "个百分点" in page and "下载 CSV" in page
    images = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    # one team: no comparison charts; with pay: payout against composite and against budget
    assert images == 7


def test_role_report_unknown_team_fails_with_the_known_teams(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as info:
        _run("role_report.ipynb", tmp_path / "t.ipynb", team="T99-nowhere")
    assert info.value.ename == "DataError"
    assert "T2-digital-east" in info.value.evalue


def test_explore_runs_from_the_repository_root_and_exports(tmp_path):
    # papermill run from the repository root: the notebook's relative defaults still work
    pm.execute_notebook(
        NOTEBOOKS / "explore.ipynb",
        tmp_path / "explore.ipynb",
        parameters={"output_dir": str(tmp_path / "xl")},
        kernel_name="python3",
        cwd=ROOT,
        progress_bar=False,
    )
    nb = nbformat.read(tmp_path / "explore.ipynb", as_version=4)
    book = tmp_path / "xl" / "evaluation_2026Q3.xlsx"
    assert book.is_file()
    import openpyxl

    sheets = openpyxl.load_workbook(book, read_only=True).sheetnames
    assert sheets == ["Payouts", "Metric scores", "Read me"]
    assert "no problems found" in _output_text(nb)
