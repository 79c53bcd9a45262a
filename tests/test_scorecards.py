"""Scorecards: a page per person, that person's data only, gaps in the metric's own unit,
hostile text escaped, pay only when asked, pacing shown, same bytes on a rerun."""

from __future__ import annotations

import dataclasses
import re
import stat

import numpy as np
import pandas as pd
import pytest
from conftest import PLANS_DIR, SAMPLE_DIR

from perfkit.pacing import pace
from perfkit.scorecards import file_names, gap_text, scorecards, write_scorecards
from perfkit.validation import load_checked

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'


@pytest.fixture(scope="module")
def sample():
    return load_checked(SAMPLE_DIR, plans_dir=PLANS_DIR)


@pytest.fixture(scope="module")
def cards(sample):
    ds, plans = sample
    return scorecards(ds, plans, "2026Q3")


def visible(page: str) -> str:
    """The page's text without tags (what a reader sees)."""
    return re.sub(r"<[^>]+>", " ", page)


def test_every_person_of_the_quarter_has_a_page(cards, sample):
    ds, _ = sample
    results = cards.evaluation.results
    ids = results.loc[results["period"] == "2026Q3", "employee_id"]
    assert len(cards.pages) == len(ids) == 139
    assert set(cards.people) == set(ids)


def test_a_scorecard_holds_no_other_persons_id_or_name(cards, sample):
    ds, _ = sample
    emp = ds.employees
    for eid, name in zip(emp["employee_id"], emp["name"], strict=True):
        if eid not in cards.people:
            continue
        page = cards.pages[cards.people[eid]]
        others = emp[emp["employee_id"] != eid]
        for oid, oname in zip(others["employee_id"], others["name"], strict=True):
            assert not re.search(rf"\b{re.escape(oid)}\b", page), (eid, oid)
            if oname != name:
                assert not re.search(rf"\b{re.escape(oname)}\b", page), (eid, oname)
        # nor the manager's or raters' ids
        assert "M0" not in visible(page), eid


def test_the_leads_row_reads_as_worked_out_from_the_files(cards):
    # E0001, 2026Q3: leads summed from actuals.csv against the 520 of targets.csv
    actuals = pd.read_csv(SAMPLE_DIR / "actuals.csv")
    mine = actuals[(actuals["employee_id"] == "E0001") & (actuals["metric"] == "leads")]
    leads = int(mine[mine["period"].isin(["2026-07", "2026-08", "2026-09"])]["value"].sum())
    targets = pd.read_csv(SAMPLE_DIR / "targets.csv")
    target = int(
        targets.query("employee_id == 'E0001' and period == '2026Q3' and metric == 'leads'")[
            "target"
        ].iloc[0]
    )
    assert target == 520
    page = cards.pages["E0001.html"]
    gap = target - leads
    assert f"{gap} leads short of the 520 target" in page
    # threshold and stretch on the person's 520: 360/450 and 600/450 of it
    assert ">416<" in page and ">693<" in page
    assert "Composite 0.86" in page  # 0.867 cut, never rounded up to 0.87
    assert "@media print" in page and "http" not in page.replace("http-equiv", "")


def test_gap_text_in_each_unit(plans):
    online = plans["online_promotion"]
    leads, cpl, ctr = (online.metric(k) for k in ("leads", "cost_per_lead", "ad_ctr"))
    assert gap_text(438, 450, leads) == "12 leads short of the 450 target"
    assert gap_text(480, 450, leads) == "30 leads above the 450 target"
    assert (
        gap_text(142.73, 120, cpl, currency="CNY")
        == "22.73 CNY over the 120.00 CNY target (lower is better)"
    )
    assert gap_text(0.021, 0.02, ctr) == "0.1 percentage points above the 2.0% target"
    assert gap_text(438, 450, leads, lang="zh") == "距目标 450 还差 12"
    assert gap_text(np.nan, 450, leads) == ""


def test_pay_only_with_show_pay_and_pacing_when_asked(sample, cards):
    ds, plans = sample
    r = cards.evaluation.results
    amount = f"{r.loc[(r['employee_id'] == 'E0001') & (r['period'] == '2026Q3'), 'payout_amount'].iloc[0]:,.2f}"
    assert amount not in cards.pages["E0001.html"]
    paced = pace(ds, plans, as_of="2026-08")
    paid = scorecards(ds, plans, "2026Q2", show_pay=True, pace=paced, roles=["online_promotion"])
    page = paid.pages["E0001.html"]
    q2 = paid.evaluation.results
    q2_amount = q2.loc[(q2["employee_id"] == "E0001") & (q2["period"] == "2026Q2"), "payout_amount"]
    assert f"{q2_amount.iloc[0]:,.2f} CNY" in page
    assert "This period so far · 2026Q3 (data to 2026-08)" in page
    assert "run-rate" in page.lower()


def test_chinese_scorecards_say_the_pacing_in_chinese(sample):
    ds, plans = sample
    paced = pace(ds, plans, as_of="2026-08", roles=["online_promotion"])
    people = paced.people
    flagged = people[people["warnings"] != ""]
    assert len(flagged) > 0
    # one Chinese sentence for each English one, in the same order
    for en, zh in zip(flagged["warnings"], flagged["warnings_zh"], strict=True):
        assert len(en.split("; ")) == len(zh.split("；")), (en, zh)
    assert "按当前进度推算" in paced.method_zh and "截至 2026-08 的 2 个月" in paced.method_zh
    who = flagged["employee_id"].iloc[0]
    cards = scorecards(ds, plans, "2026Q2", pace=paced, roles=["online_promotion"], lang="zh")
    page = cards.pages[f"{who}.html"]
    assert "按当前进度推算" in page and "预计" in page
    assert "heading below" not in page and "Run-rate" not in page


def test_hostile_text_is_escaped(sample):
    ds, plans = sample
    employees = ds.employees.copy()
    employees.loc[employees["employee_id"] == "E0001", "name"] = IMG
    ratings = ds.ratings.copy()
    ratings.loc[ratings.index[ratings["employee_id"] == "E0001"][-1], "comment"] = SCRIPT
    bad = dataclasses.replace(ds, employees=employees, ratings=ratings)
    online = plans["online_promotion"].with_overrides(
        {"metrics.leads.label": SCRIPT, "metrics.leads.guidance": IMG, "name": SCRIPT}
    )
    cards = scorecards(bad, {"online_promotion": online}, "2026Q3")
    page = cards.pages["E0001.html"]
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=" in page


def test_rerun_gives_the_same_bytes_and_files_are_private(sample, cards, tmp_path):
    ds, plans = sample
    again = scorecards(ds, plans, "2026Q3")
    assert again.pages == cards.pages
    folder = write_scorecards(cards, tmp_path)
    assert folder == tmp_path / "2026Q3"
    modes = {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
    assert modes == {0o600}


def test_chinese_pages(sample):
    ds, plans = sample
    zh = scorecards(ds, plans, "2026Q3", lang="zh", roles=["brand_content"])
    page = next(iter(zh.pages.values()))
    assert 'lang="zh-Hans"' in page and "个人绩效卡" in page and "改进建议" in page


def test_file_names_are_safe_and_distinct():
    names = file_names(["E1", "../x", "a/b", "a_b", ".hidden"])
    assert names["E1"] == "E1.html"
    assert names["../x"] == "_x.html" or "/" not in names["../x"]
    assert names["a/b"] == "a_b.html" and names["a_b"] == "a_b-2.html"
    assert not any(n.startswith(".") or "/" in n for n in names.values())
