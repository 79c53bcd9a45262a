"""Charts of perfkit.plotting: titles, axis labels with units, language, data drawn."""

from __future__ import annotations

import warnings

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

from perfkit import fonts, plotting, summary
from perfkit.plans import Plan


@pytest.fixture(autouse=True)
def _restore_rc():
    """set_style and use_cjk_font change matplotlib's settings; put them back."""
    with mpl.rc_context():
        yield


@pytest.fixture
def plan() -> Plan:
    def metric(key: str, weight: float) -> dict:
        return {
            "key": key,
            "label": f"Metric {key}",
            "label_zh": f"指标{key}",
            "unit": "count",
            "kind": "quantitative",
            "measure": {"agg": "sum", "source": key},
            "target": 10.0,
            "weight": weight,
        }

    return Plan.model_validate(
        {
            "role": "mini",
            "name": "Mini role",
            "name_zh": "小岗位",
            "metrics": [metric("m1", 0.6), metric("m2", 0.4)],
            "rating_bands": [
                {"band": "A", "min_composite": 1.0, "guideline_share": 0.3, "label": "Good"},
                {"band": "B", "min_composite": 0.0, "guideline_share": 0.7, "label": "Fair"},
            ],
        }
    )


@pytest.fixture
def results() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "employee_id": ["E1", "E2", "E3", "E4"],
            "name": ["Ann", "Bo", "Cai", "Dee"],
            "period": ["2026Q3"] * 4,
            "role": ["mini"] * 4,
            "team": ["T1", "T1", "T2", "T2"],
            "composite": [1.2, 0.9, 1.0, 0.7],
            "rating": ["A", "B", "A", "B"],
            "gate_passed": [True, True, True, False],
            "target_bonus": [100.0] * 4,
            "payout_amount": [150.0, 80.0, 100.0, 0.0],
            "payout_pct": [1.5, 0.8, 1.0, 0.0],
        }
    )


@pytest.fixture
def scores() -> pd.DataFrame:
    rows = [
        (e, m, a)
        for e, vals in {
            "E1": (1.3, 1.1),
            "E2": (0.9, 0.9),
            "E3": (1.0, np.nan),
            "E4": (0.6, 0.8),
        }.items()
        for m, a in zip(("m1", "m2"), vals, strict=True)
    ]
    frame = pd.DataFrame(rows, columns=["employee_id", "metric", "achievement"])
    frame["score"] = frame["achievement"]
    frame["period"] = "2026Q3"
    frame["role"] = "mini"
    frame["team"] = frame["employee_id"].map({"E1": "T1", "E2": "T1", "E3": "T2", "E4": "T2"})
    return frame


def _texts(ax: Axes) -> tuple[str, str, str]:
    return ax.get_title(), ax.get_xlabel(), ax.get_ylabel()


def test_rating_distribution_bars_actual_and_guideline(results, plan):
    dist = summary.rating_distribution(results, plan=plan)
    ax = plotting.rating_distribution(dist)
    assert _texts(ax) == (
        "Rating distribution vs guideline, 2026Q3",
        "Rating band",
        "Share of people (%)",
    )
    heights = sorted(round(p.get_height(), 6) for p in ax.patches if p.get_height() > 0)
    assert heights == [0.3, 0.5, 0.5, 0.7]  # actual 2/4 and 2/4, guideline 0.3 and 0.7
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Actual", "Guideline"]


def test_composite_by_team_draws_without_the_vert_warning(results):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = plotting.composite_by_team(results)
    title, xlabel, ylabel = _texts(ax)
    assert title == "Composite score by team, 2026Q3"
    assert xlabel == "Composite score (1.0 = on target)"
    assert ylabel == "Team"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["T1", "T2"]
    # the on-target reference line sits at composite 1.0
    assert any(np.allclose(line.get_xdata(), [1.0, 1.0]) for line in ax.get_lines())


def test_heatmap_one_row_per_person_in_plan_metric_order(results, scores, plan):
    matrix = summary.achievement_matrix(scores, plan=plan, results=results)
    ax = plotting.achievement_heatmap(matrix, plan=plan)
    assert _texts(ax) == ("Achievement per person and metric, 2026Q3", "Metric", "Person")
    # grouped by team (T1: Ann, Bo; T2: Cai, Dee), each label with the composite cut
    labels = ["Ann  1.20", "Bo  0.90", "Cai  1.00", "Dee  0.70"]
    assert [t.get_text() for t in ax.get_yticklabels()] == labels
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Metric m1", "Metric m2"]
    values = ax.collections[0].get_array()
    assert values.count() == 7  # eight cells, one without a value
    cbar = ax.collections[0].colorbar
    assert cbar.ax.get_ylabel() == "Achievement (% of target)"
    annotations = [t.get_text() for t in ax.texts]
    assert annotations[0] == "130%"


def test_heatmap_uses_ids_when_names_repeat(results, scores, plan):
    same = results.assign(name="Li")
    matrix = summary.achievement_matrix(scores, plan=plan, results=same)
    ax = plotting.achievement_heatmap(matrix, plan=plan)
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Li (E1)  1.20"


def test_team_comparison_and_trend_labels(results, plan):
    teams = summary.team_comparison(results, plan=plan)
    ax = plotting.team_comparison(teams)
    assert _texts(ax) == (
        "Average composite by team, 2026Q3",
        "Average composite score (1.0 = on target)",
        "Team",
    )
    assert [round(p.get_width(), 6) for p in ax.patches] == [1.05, 0.85]
    assert [t.get_text() for t in ax.texts] == ["1.05  n=2", "0.85  n=2", "on target"]

    two = pd.concat(
        [results, results.assign(period="2026Q2", composite=results["composite"] - 0.1)]
    )
    ax = plotting.trend(summary.trend(two, plan=plan))
    assert _texts(ax) == (
        "Average composite over time",
        "Period",
        "Average composite score (1.0 = on target)",
    )
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2026Q2", "2026Q3"]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "All teams" in labels and "T1" in labels


def test_payout_by_team(results, plan):
    pay = summary.payout_summary(results, plan=plan)
    ax = plotting.payout_by_team(pay)
    assert _texts(ax) == (
        "Payout against target bonus by team, 2026Q3",
        "Payout (% of target bonus)",
        "Team",
    )
    assert [round(p.get_width(), 6) for p in ax.patches] == [1.15, 0.5]


def test_chinese_labels(results, scores, plan):
    assert plotting.set_style(lang="zh") == "zh"
    assert mpl.rcParams["font.sans-serif"][0] == "Noto Sans CJK SC"
    matrix = summary.achievement_matrix(scores, plan=plan, results=results)
    ax = plotting.achievement_heatmap(matrix, plan=plan, lang="zh")
    assert ax.get_title().startswith("个人各指标达成率")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["指标m1", "指标m2"]
    ax = plotting.composite_by_team(results, lang="zh")
    assert ax.get_xlabel() == "综合得分（1.0 = 达标）"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would warn while drawing
        ax.figure.canvas.draw()


def test_passed_axes_is_used_and_returned(results):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    assert plotting.composite_by_team(results, ax=ax) is ax
    assert len(fig.axes) == 1


def test_unknown_language_is_refused(results):
    with pytest.raises(ValueError, match="lang must be one of 'en', 'zh', not 'de'"):
        plotting.composite_by_team(results, lang="de")


def test_cjk_font_missing_warns_once_and_falls_back(monkeypatch):
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    monkeypatch.setattr(fonts, "_warned", False)
    with pytest.warns(UserWarning, match="no CJK font found"):
        assert plotting.set_style(lang="zh") == "en"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fonts.use_cjk_font() is None  # no second warning


def test_find_cjk_font_uses_mplfonts():
    path = fonts.find_cjk_font()
    assert path is not None and path.name == "NotoSansCJKsc-Regular.otf"


def test_composite_by_team_dots_are_repeatable_and_on_their_team_row(results):
    first = plotting.composite_by_team(results).collections[-1].get_offsets()
    again = plotting.composite_by_team(results).collections[-1].get_offsets()
    np.testing.assert_array_equal(first, again)
    assert sorted(first[:, 0]) == [0.7, 0.9, 1.0, 1.2]
    rows = np.rint(first[:, 1])  # T1 is row 0, T2 row 1
    assert rows.tolist() == [0, 0, 1, 1]
    assert np.all(np.abs(first[:, 1] - rows) <= 0.15)


def test_heatmap_of_a_large_role_stays_a_readable_size(plan, rng):
    n = 400
    ids = [f"E{i:04d}" for i in range(n)]
    matrix = pd.DataFrame(
        {
            "period": "2026Q3",
            "employee_id": np.repeat(ids, 2),
            "name": np.repeat([f"Person {i}" for i in range(n)], 2),
            "team": "T1",
            "composite": 1.0,
            "metric": ["m1", "m2"] * n,
            "achievement": rng.uniform(0.5, 1.5, 2 * n),
            "score": 1.0,
        }
    )
    ax = plotting.achievement_heatmap(matrix, plan=plan)
    width, height = ax.figure.get_size_inches()
    assert height == plotting.MAX_HEATMAP_INCHES
    assert ax.collections[0].get_array().size == 2 * n  # every person is drawn
    assert 0 < len(ax.get_yticklabels()) < n  # but not every name is written
    assert len(ax.texts) == 0  # nor every value


def test_inline_figures_are_drawn_once_and_shown(tmp_path):
    """In a notebook, set_style leaves each figure to the inline backend, which shows it
    after its cell: pyplot's own hook would draw it first on a canvas nobody sees."""
    import subprocess
    import sys

    code = """
from IPython.core.interactiveshell import InteractiveShell
from matplotlib.backends.backend_agg import FigureCanvasAgg

class Shell(InteractiveShell):
    def enable_gui(self, gui=None):
        pass

shell = Shell.instance()
shown, draws = [], []
shell.display_pub.publish = lambda data, **kw: shown.append(sorted(data))
draw = FigureCanvasAgg.draw
FigureCanvasAgg.draw = lambda self: (draws.append(1), draw(self))[1]
shell.run_cell("%matplotlib inline\\nfrom perfkit import plotting\\nplotting.set_style()")
shell.run_cell("import matplotlib.pyplot as plt\\nplt.subplots(layout='constrained');")
hooks = [f.__name__ for f in shell.events.callbacks["post_execute"]]
print(len(draws), shown.count(["image/png", "text/plain"]), "_draw_all_if_interactive" in hooks)
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    # one real draw, and the aborted one with which print_figure gets its renderer
    # (pyplot's hook, run before the inline backend's, would make it three)
    assert done.stdout.split()[-3:] == ["2", "1", "False"]
