"""What the role reports and the index say (issue #12), on small hand-made frames: no kernel.

The plan table and payout curve, data-quality flags, movement, the index overview (totals,
guideline flags, headcount reconciliation), the heatmap palette and layout, trend axes,
Chinese wording and typography, table alignment and the CSV downloads.
"""

from __future__ import annotations

import base64
import math
import re
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from perfkit import display, plotting, reports, summary, wording
from perfkit.plans import Plan


@pytest.fixture(autouse=True)
def _restore_rc():
    with mpl.rc_context():
        yield


def _metric(key: str, weight: float, **more) -> dict:
    return {
        "key": key,
        "label": f"Metric {key}",
        "label_zh": f"指标{key}",
        "unit": "count",
        "kind": "quantitative",
        "measure": {"agg": "sum", "source": key},
        "target": 10.0,
        "threshold": 8.0,
        "stretch": 15.0,
        "weight": weight,
        **more,
    }


@pytest.fixture
def plan() -> Plan:
    return Plan.model_validate(
        {
            "role": "mini",
            "name": "Mini role",
            "name_zh": "小岗位",
            "metrics": [
                _metric("m1", 0.6),
                _metric("m2", 0.4, unit="percent", target=0.2, threshold=0.1, stretch=0.3, cap=1.2),
            ],
            "rating_bands": [
                {"band": "A", "min_composite": 1.1, "guideline_share": 0.2, "label": "Exceeds"},
                {"band": "B", "min_composite": 0.9, "guideline_share": 0.6, "label": "Meets"},
                {"band": "C", "min_composite": 0.0, "guideline_share": 0.2, "label": "Below"},
            ],
            "gates": [{"key": "g", "metric": "m1", "min_achievement": 0.6}],
            "payout": {
                "curve": {
                    "threshold": 0.7,
                    "threshold_payout": 0.5,
                    "target": 1.0,
                    "target_payout": 1.0,
                    "stretch": 1.3,
                    "stretch_payout": 1.8,
                    "cap": 1.8,
                }
            },
        }
    )


#  id   team  composite band per  proration
ROWS = [
    ("E1", "T1", 1.20, "A", "2026Q3", 1.0),
    ("E2", "T1", 0.80, "C", "2026Q3", 1.0),
    ("E3", "T2", 1.00, "B", "2026Q3", 0.5),  # joined mid-quarter
    ("E4", "T2", 0.60, "C", "2026Q3", 1.0),
    ("E1", "T1", 0.95, "B", "2026Q2", 1.0),
    ("E2", "T1", 0.85, "C", "2026Q2", 1.0),
    ("E4", "T2", 0.70, "C", "2026Q2", 1.0),
    ("E4", "T2", 0.75, "C", "2026Q1", 1.0),
]


@pytest.fixture
def history() -> pd.DataFrame:
    frame = pd.DataFrame(
        ROWS, columns=["employee_id", "team", "composite", "rating", "period", "proration"]
    )
    frame["name"] = "Person " + frame["employee_id"]
    frame["role"] = "mini"
    frame["gate_passed"] = True
    return frame


@pytest.fixture
def scores(history) -> pd.DataFrame:
    rows = []
    for r in history.itertuples(index=False):
        rows.append((r.employee_id, r.period, "mini", r.team, "m1", r.composite, ""))
        missing = r.employee_id == "E3"
        rows.append(
            (
                r.employee_id,
                r.period,
                "mini",
                r.team,
                "m2",
                math.nan if missing else 1.0,
                "no baseline; not scored; its weight is shared by the scored metrics"
                if missing
                else "",
            )
        )
    frame = pd.DataFrame(
        rows, columns=["employee_id", "period", "role", "team", "metric", "achievement", "note"]
    )
    return frame.assign(score=frame["achievement"])


@pytest.fixture
def employees() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "employee_id": ["E1", "E2", "E3", "E4", "E5", "E6", "E7"],
            "role": ["mini", "mini", "mini", "mini", "mini", "other", "mini"],
            "hire_date": pd.to_datetime(
                [
                    "2020-01-01",
                    "2020-01-01",
                    "2026-08-16",
                    "2019-01-01",
                    "2019-01-01",
                    "2019-01-01",
                    "2026-10-05",
                ]
            ),  # fmt: skip
            "leave_date": pd.to_datetime([None, None, None, None, "2026-03-31", None, None]),
        }
    )


# -- 2. the plan ----------------------------------------------------------------------------


def test_plan_table_shows_weights_knots_in_units_cap_and_gate(plan):
    table = summary.plan_metrics(plan)
    assert list(table.columns) == [
        "metric", "weight", "direction", "unit", "threshold", "target", "stretch", "cap", "gate"
    ]  # fmt: skip
    shown = display.format_table(table, plan=plan)
    assert list(shown.columns) == [
        "Metric", "Weight", "Better when", "Threshold", "Target", "Stretch", "Score cap", "Gate"
    ]  # fmt: skip
    assert shown.iloc[0].tolist() == [
        "Metric m1", "60.0%", "higher", "8", "10", "15", "–", "no bonus below 60% achievement"
    ]  # fmt: skip
    assert shown.iloc[1].tolist()[3:7] == ["10%", "20%", "30%", "1.20"]
    zh = display.format_table(table, plan=plan, lang="zh")
    assert zh.iloc[0, -1] == "达成率低于 60% 不发奖金"


def test_payout_curve_pays_nothing_below_threshold_and_stops_at_the_cap(plan):
    curve = summary.payout_curve(plan)
    below = curve[curve["composite"] < 0.7]
    assert (below["payout_pct"] == 0).all()
    assert curve["payout_pct"].max() == pytest.approx(1.8)
    assert curve.iloc[-1]["payout_pct"] == pytest.approx(1.8)  # flat at the cap
    ax = plotting.payout_curve(curve, plan=plan)
    texts = [t.get_text() for t in ax.texts]
    assert "0.70 → 50%" in texts and "cap 180%" in texts
    assert ax.get_title() == "Payout curve"


# -- 4. data quality ------------------------------------------------------------------------


def test_data_quality_flags_joiners_prorated_and_unscored_with_the_reason(
    history, scores, employees, plan
):
    current = history[history["period"] == "2026Q3"]
    q = summary.data_quality(current, scores[scores["period"] == "2026Q3"], plan=plan,
                             employees=employees)  # fmt: skip
    assert q["employee_id"].tolist() == ["E3"]
    row = q.iloc[0]
    assert row["flags"] == "joined,prorated,unscored"
    assert row["hire_date"] == "2026-08-16"
    assert row["unscored_metrics"] == "m2:no_baseline"
    shown = display.format_table(q, plan=plan)
    assert shown.iloc[0]["Name"] == "Person E3 · joined, prorated, unscored"
    assert shown.iloc[0]["Unscored metrics (why)"] == "Metric m2 (no baseline)"
    zh = display.format_table(q, plan=plan, lang="zh")
    assert zh.iloc[0]["姓名"] == "Person E3 · 新入职，折算，未评分"
    assert zh.iloc[0]["未评分指标（原因）"] == "指标m2（无基期）"
    assert summary.quality_counts(q) == {
        "joined": 1, "left": 0, "prorated": 1, "unscored": 1, "excluded": 0
    }  # fmt: skip


def test_a_new_joiner_at_the_bottom_of_the_ranking_says_so(history, scores, employees, plan):
    current = history[history["period"] == "2026Q3"].assign(composite=[1.2, 0.8, 0.5, 0.9])
    q = summary.data_quality(current, scores, plan=plan, employees=employees)
    ranked = summary.top_bottom(current, scores, plan=plan, n=2, quality=q)
    last = display.format_table(ranked, plan=plan).iloc[-1]
    assert last["Name"].startswith("Person E3 · joined")
    assert len(set(display.format_table(ranked, plan=plan).columns)) == len(ranked.columns) - 2


# -- 3. movement ----------------------------------------------------------------------------


def test_band_changes_and_consecutive_low_bands(history, plan):
    moved = summary.band_changes(history, plan=plan, period="2026Q3")
    assert moved[["employee_id", "band_before", "band_now", "move"]].values.tolist() == [
        ["E1", "B", "A", "up"]
    ]
    assert summary.low_bands(plan) == ["C"]
    low = summary.low_streaks(history, plan=plan, period="2026Q3")
    assert low["employee_id"].tolist() == ["E4", "E2"]
    assert low["periods_low"].tolist() == [3, 2]
    assert low.iloc[0]["bands_seen"] == "C → C → C"


def test_metric_trend_per_period(scores, plan):
    out = summary.metric_trend(scores, plan=plan)
    q3 = out[(out["period"] == "2026Q3") & (out["metric"] == "m2")].iloc[0]
    assert q3["scored"] == 3 and q3["mean_achievement"] == pytest.approx(1.0)
    ax = plotting.metric_trend(out, plan=plan)
    lo, hi = ax.get_ylim()
    assert hi - lo >= plotting.MIN_ACHIEVEMENT_SPAN - 1e-9
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Metric m1", "Metric m2"]


# -- 1. the index ---------------------------------------------------------------------------


def _record(role, name, headcount, mean, share, bands, prev=None):
    guide = [["S", 0.05], ["A", 0.20], ["B", 0.50], ["C", 0.20], ["D", 0.05]]
    return {
        "role": role, "name": name, "name_zh": name + "（中）", "period": "2026Q3",
        "headcount": headcount, "scored": headcount, "mean_composite": mean,
        "composite_sum": mean * headcount, "share_at_target": share, "bands": bands,
        "guideline": guide, "previous": prev,
        "quality": {"joined": 1, "left": 0, "prorated": 1, "unscored": 0, "excluded": 0},
    }  # fmt: skip


RECORDS = [
    _record("online", "Online", 39, 1.04, 26 / 39,
            [["S", 3], ["A", 18], ["B", 9], ["C", 7], ["D", 2]],
            {"period": "2026Q2", "headcount": 38, "scored": 38, "mean_composite": 1.06,
             "share_at_target": 29 / 38, "composite_sum": 1.06 * 38}),
    _record("events", "Events", 24, 1.01, 14 / 24,
            [["S", 1], ["A", 5], ["B", 12], ["C", 5], ["D", 1]],
            {"period": "2026Q2", "headcount": 24, "scored": 24, "mean_composite": 1.06,
             "share_at_target": 15 / 24, "composite_sum": 1.06 * 24}),
]  # fmt: skip


def test_overview_totals_changes_and_guideline_flags():
    table = summary.overview(RECORDS)
    assert table["role"].tolist() == ["online", "events", "total"]
    total = table.iloc[-1]
    assert total["headcount"] == 63
    assert total["mean_composite"] == pytest.approx((1.04 * 39 + 1.01 * 24) / 63)
    assert total["share_at_target"] == pytest.approx(40 / 63)
    assert total["change_share"] == pytest.approx(40 / 63 - 44 / 62)
    assert total["bands"] == [["S", 4], ["A", 23], ["B", 21], ["C", 12], ["D", 3]]
    online = table.iloc[0]
    assert online["change_composite"] == pytest.approx(-0.02)
    # 46% rated A against a 20% guideline, and B short of its 50%
    assert [(b, round(s, 3), g) for b, s, g in online["flagged"]] == [
        ("A", 0.462, 0.2), ("B", 0.231, 0.5)
    ]  # fmt: skip


def test_index_page_is_an_overview(employees):
    reps = [reports.RoleReport(r["role"], Path(f"{r['role']}.html"), Path("x"), r) for r in RECORDS]
    rec = summary.headcount_reconciliation(
        employees, period="2026Q3", plans=["mini"], reported={"mini": 4}
    )
    assert rec.values.tolist() == [
        ["in_file", "", 7], ["left_before", "", 1], ["joined_after", "", 1],
        ["no_plan", "other", 1], ["evaluated", "", 4],
    ]  # fmt: skip
    assert rec["people"].iloc[1:].sum() == rec["people"].iloc[0]  # everyone accounted for
    page = reports._index_html("2026Q3", reps, [], lang="en", reconciliation=rec)
    assert '<tr class="total"><td>All roles</td><td>63</td>' in page
    assert "A 46% vs 20% guideline" in page
    assert "-2.0 pp" not in page and "-0.02" in page  # composite change in points
    assert "pp</td>" in page  # share changes in percentage points
    for term in ("Composite", "Share at or above target", "Rating spread"):
        assert page.count(f"<dt>{term}</dt>") == 1  # each term explained once
    assert "Headcount reconciled with the data" in page
    assert "left before the period" in page and "in a role without a plan: other" in page
    assert "Most severe finding" not in page  # no findings given: no column
    spread = re.search(r'<td class="nowrap">(S\xa03[^<]*)</td>', page)
    assert spread and "\xa0" in spread.group(1)  # a band never wraps away from its count
    with_finding = reports._index_html(
        "2026Q3", reps, [], lang="zh", reconciliation=rec,
        findings={"online": {"kind": "threshold_bunching", "severity": "high", "subject": "E1"}},
    )  # fmt: skip
    assert "最严重的问题" in with_finding and "高：" in with_finding
    assert reports._most_severe_findings([], ["online"]) == {}
    from perfkit.diagnostics import Finding

    found = [Finding("lenient_rater", "medium", {"role": "online", "rater": "M04"}, {}, {})]
    rater = reports._most_severe_findings(found, ["online"])["online"]
    assert rater["subject"] == "rater M04 (online)"
    assert rater["subject_zh"] == "评分人 M04（online）"
    zh_page = reports._index_html("2026Q3", reps, [], lang="zh", findings={"online": rater})
    assert "（评分人 M04（online））" in zh_page and "rater M04" not in zh_page
    en_page = reports._index_html("2026Q3", reps, [], lang="en", findings={"online": rater})
    assert "(rater M04 (online))" in en_page and "评分人" not in en_page
    assert "全部岗位" in with_finding and "人数与数据核对" in with_finding


# -- 6. charts ------------------------------------------------------------------------------


def test_heatmap_palette_is_colour_blind_safe():
    assert plotting.ACHIEVEMENT_CMAP not in {"RdYlGn", "RdGn", "YlGn", "Greens"}
    low, mid, high = (mpl.colormaps[plotting.ACHIEVEMENT_CMAP](x)[:3] for x in (0.0, 0.5, 1.0))
    assert low[0] > low[1] and high[2] > high[1]  # red below target, blue (not green) above
    assert high[1] <= high[2]
    assert min(mid) > 0.9  # on target is near white
    (bg_nan, _), (bg_low, fg_low) = plotting.achievement_colors([math.nan, 0.4])
    assert bg_nan == plotting.UNSCORED_COLOR and fg_low == "#FFFFFF"


def test_heatmap_table_grouped_by_team_with_composite_and_unscored_legend(
    history, scores, employees, plan
):
    current = history[history["period"] == "2026Q3"]
    sc = scores[scores["period"] == "2026Q3"]
    q = summary.data_quality(current, sc, plan=plan, employees=employees)
    matrix = summary.achievement_matrix(sc, plan=plan, results=current, quality=q)
    page = display.heatmap_html(matrix, plan=plan)
    teams = re.findall(r'<tr class="perfkit-team"><th colspan="\d+"[^>]*>([^<]*)</th>', page)
    assert teams == [
        "T1 · Headcount 2 · Average composite 1.00",
        "T2 · Headcount 2 · Average composite 0.80",
    ]
    assert "Person E3 · joined, prorated, unscored" in page
    assert "not scored (see Data quality)" in page and "repeating-linear-gradient" in page
    assert "RdYlGn" not in page


def test_a_large_role_is_split_by_team_and_paged(plan, rng):
    n = 100
    matrix = pd.DataFrame(
        {
            "period": "2026Q3",
            "employee_id": np.repeat([f"E{i:03d}" for i in range(n)], 2),
            "name": np.repeat([f"P{i}" for i in range(n)], 2),
            "team": np.repeat(["T1"] * 90 + ["T2"] * 10, 2),
            "composite": 1.0,
            "metric": ["m1", "m2"] * n,
            "achievement": rng.uniform(0.5, 1.5, 2 * n),
            "score": 1.0,
        }
    )
    axes = plotting.achievement_heatmaps(matrix, plan=plan)
    assert len(axes) == 4  # T1 in three pages of at most 40, T2 in one
    for ax in axes:
        rows = len(ax.get_yticklabels())
        assert 0 < rows <= plotting.MAX_ROWS_PER_PAGE
        assert len(ax.texts) == 2 * rows  # every value written
    assert axes[0].get_title().endswith("T1 (1/3)")


def test_trend_axis_does_not_exaggerate_and_legend_has_no_on_target(history, plan):
    small = history.assign(composite=1.0 + 0.01 * np.arange(len(history)) % 3 / 100)
    ax = plotting.trend(summary.trend(small, plan=plan))
    lo, hi = ax.get_ylim()
    assert hi - lo >= plotting.MIN_COMPOSITE_SPAN - 1e-9
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "on target" not in labels and "All teams" in labels
    assert "on target" in [t.get_text() for t in ax.texts]  # labelled on the line instead


def test_no_single_bar_chart_for_a_single_team(history, plan):
    one = history[history["team"] == "T1"]
    assert plotting.team_comparison(summary.team_comparison(one, plan=plan)) is None
    assert plotting.team_comparison(summary.team_comparison(history, plan=plan)) is not None


def test_pay_charts_show_the_100_line_and_the_budget(history, plan):
    res = history[history["period"] == "2026Q3"].assign(
        payout_pct=[1.5, 0.6, 1.0, 0.0], target_bonus=100.0, currency="CNY",
        payout_amount=[150.0, 60.0, 50.0, 0.0],
    )  # fmt: skip
    ax = plotting.payout_vs_composite(res, plan=plan)
    flat = [ln.get_ydata() for ln in ax.get_lines() if len(ln.get_ydata()) == 2]
    assert any(np.allclose(y, [1.0, 1.0]) for y in flat)
    assert "100% of target bonus" in [t.get_text() for t in ax.texts]
    ax = plotting.payout_vs_budget(summary.payout_summary(res, plan=plan))
    assert ax.get_xlabel() == "Amount (CNY)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["All teams", "T1", "T2"]
    widths = sorted(round(p.get_width()) for p in ax.patches)
    assert widths == [50, 200, 200, 210, 260, 400]


# -- 5. Chinese -----------------------------------------------------------------------------


def test_every_explanation_is_translated():
    about = [k for k in wording.TEXT if k.startswith("about_") or k.startswith("term_")]
    assert len(about) >= 12
    for key in about:
        en, zh = wording.TEXT[key]["en"], wording.TEXT[key]["zh"]
        assert en and zh and en != zh, key
        assert re.search(r"[\u4e00-\u9fff]", zh), key
    for key, words in wording.TEXT.items():
        assert set(words) == {"en", "zh"}, key


def test_chinese_typography_in_titles_and_labels(history, plan, monkeypatch):
    shown: list[dict] = []
    monkeypatch.setattr(display, "_display", lambda bundle, metadata=None: shown.append(bundle))
    display.title(plan, period="2026Q3", lang="zh")
    assert shown[0]["text/plain"] == "小岗位：岗位绩效报告 · 考核期 2026Q3"
    display.title(plan, period="2026Q3", lang="en")
    assert shown[1]["text/plain"].startswith("Mini role: Role report")
    assert plotting.set_style(lang="zh") == "zh"
    ax = plotting.composite_by_team(history[history["period"] == "2026Q3"], lang="zh")
    assert ax.get_title() == "各团队综合得分，2026Q3"
    display.section("achievement", lang="zh")
    assert (
        "无法评分" in shown[-1]["text/html"] and "<h2>各指标达成率</h2>" in shown[-1]["text/html"]
    )


# -- 7. tables ------------------------------------------------------------------------------


def test_tables_align_text_left_numbers_right_and_do_not_wrap_names():
    frame = pd.DataFrame({"team": ["T3-digital-west"], "name": ["Zhang Fang"], "share": [0.5]})
    page = display.table_html(display.format_table(frame), numeric=["Share"])
    cells = re.findall(r'<td style="([^"]*)">([^<]*)</td>', page)
    assert cells[0] == ("text-align:left;white-space:nowrap", "T3-digital-west")
    assert cells[2][0].startswith("text-align:right")


def test_every_table_gets_a_formula_safe_csv_download(tmp_path):
    frame = pd.DataFrame({"name": ["=HYPERLINK(1)", "李雷"], "share": [0.5, 0.25]})
    html_ = display.table_html(display.format_table(frame), numeric=["Share"])
    nb = new_notebook()
    cell = new_code_cell("x")
    cell.outputs = [new_output("display_data", data={"text/html": html_, "text/plain": "x"})]
    nb.cells = [cell]
    page = reports.export_html(nb, tmp_path / "r.html").read_text(encoding="utf-8")
    assert nb.cells[0].outputs[0]["data"]["text/html"] == html_  # the notebook is not changed
    found = re.search(
        r'download="r_table01.csv" href="data:text/csv;charset=utf-8;base64,([^"]+)"', page
    )
    assert found, page[-2000:]
    csv = base64.b64decode(found.group(1)).decode("utf-8")
    assert csv.startswith("\ufeffName,Share")
    assert "'=HYPERLINK(1),50.0%" in csv and "李雷,25.0%" in csv
    assert not re.search(r"https?://", page)


# -- 8. notebook paths, 9. the batch's shares -----------------------------------------------


def test_relative_paths_work_from_the_repository_root(monkeypatch, root):
    monkeypatch.chdir(root)
    assert display.resolve_path("../data/sample") == (root / "data" / "sample").resolve()
    monkeypatch.chdir(root / "notebooks")
    assert display.resolve_path("../data/sample") == Path("../data/sample")


def test_roles_are_shared_out_by_size():
    jobs = [reports._Job(r, "nb", "", "", {}, "en") for r in "abcde"]
    size = {"a": 40, "b": 30, "c": 30, "d": 25, "e": 25}
    shares = reports._chunks(jobs, 2, size)
    assert [[j.role for j in s] for s in shares] == [["a", "d"], ["b", "c", "e"]]
    assert len(reports._chunks(jobs, 9, size)) == 5
