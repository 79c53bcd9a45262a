"""Text from plan and data files is escaped in every HTML page perfkit writes.

``<script>`` and ``<img onerror>`` are fed through every text field of a plan (name, metric
labels, band names and meanings, gate, version, currency) and of the data (names, teams),
and must come out as text: escaped, never as live markup, in the reports, their titles and
the index page.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

import perfkit
from perfkit import display, reports, summary

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "templates" / "plans"
WORKED = ROOT / "data" / "worked_example"
ROLE = "online_promotion"

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
LINK = "[click](javascript:alert(3))"
LIVE = re.compile(r"<script>alert|<img src=x|<b>S|href=\"?javascript", re.I)  # markup, live
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_IMG = "&lt;img src=x onerror="


def hostile_plan_yaml() -> dict:
    plan = yaml.safe_load((PLANS / f"{ROLE}.yaml").read_text(encoding="utf-8"))
    plan["name"] = f"{SCRIPT} {LINK}"
    plan["name_zh"] = IMG
    plan["version"] = SCRIPT
    # the currency is not free text: validate refuses data in any currency but the plan's,
    # and data currencies must be ISO codes, so a hostile plan currency never reaches a page
    for i, metric in enumerate(plan["metrics"]):
        metric["label"] = f"{IMG} m{i}"
        metric["label_zh"] = f"{SCRIPT} m{i}"
        metric["description"] = SCRIPT
    renamed = {}
    for i, band in enumerate(plan["rating_bands"]):
        renamed[band["band"]] = band["band"] = f"<b>{band['band']}</b>{i}"
        band["label"] = f"{SCRIPT} {i}"
        band["label_zh"] = f"{IMG} {i}"
    recognition = plan.get("recognition") or {}
    if recognition.get("promotion_band") in renamed:  # the plan names its bands here too
        recognition["promotion_band"] = renamed[recognition["promotion_band"]]
    for gate in plan.get("gates", []):
        gate["key"] = "gate_" + gate["key"]
        gate["description"] = IMG
    return plan


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A plans folder and a data folder whose every text field carries markup."""
    root = tmp_path_factory.mktemp("hostile")
    plans = root / "plans"
    plans.mkdir()
    (plans / f"{ROLE}.yaml").write_text(
        yaml.safe_dump(hostile_plan_yaml(), allow_unicode=True), encoding="utf-8"
    )
    data = root / "data"
    shutil.copytree(WORKED, data)
    emp = pd.read_csv(data / "employees.csv", dtype=str, keep_default_na=False)
    emp["name"] = [f"{SCRIPT} {i}" for i in range(len(emp))]
    emp["team"] = IMG
    emp.to_csv(data / "employees.csv", index=False)
    return plans, data


def _assert_safe(page: str) -> None:
    found = LIVE.search(page)
    assert found is None, page[max(found.start() - 200, 0) : found.end() + 200]


def test_display_shows_every_field_escaped(hostile, monkeypatch):
    plans, data = hostile
    shown: list[dict] = []
    monkeypatch.setattr(display, "_display", lambda bundle, metadata=None: shown.append(bundle))
    plan = display.role_plan(plans, ROLE)
    ev = perfkit.evaluate(perfkit.load_dataset(data), {ROLE: plan}, "2026Q3")
    results, scores = ev.results, ev.scores
    display.title(plan, period="2026Q3", team=IMG)
    display.title(plan, period="2026Q3", team=SCRIPT, lang="zh")
    display.heading("headline", lang="zh")
    figures = summary.headline(results, plan=plan)
    bands = summary.rating_distribution(results, plan=plan)
    display.show_headline(figures, bands, plan=plan)
    for lang in ("en", "zh"):
        display.show_table(bands, plan=plan, lang=lang)
        display.show_table(summary.team_comparison(results, plan=plan), lang=lang)
        display.show_table(summary.top_bottom(results, scores, plan=plan), plan=plan, lang=lang)
        display.payout_section(results, plan=plan, show_pay=True, lang=lang)
    pages = [b["text/html"] for b in shown if "text/html" in b]
    assert len(pages) >= 12
    for page in pages:
        _assert_safe(page)
    everything = "\n".join(pages)
    assert pages[0] == (
        f"<h1>&lt;script&gt;alert(1)&lt;/script&gt; {LINK}: Role report · Period 2026Q3 · "
        "Team &lt;img src=x onerror=&quot;alert(2)&quot;&gt;</h1>"
    )
    for text in (ESCAPED_SCRIPT + " 0", ESCAPED_IMG, "&lt;b&gt;S&lt;/b&gt;0", "m1"):
        assert text in everything, text


def test_index_page_escapes_names_bands_and_failures():
    rec = {
        "role": ROLE, "name": SCRIPT, "name_zh": IMG, "period": "2026Q3", "headcount": 3,
        "mean_composite": 1.0, "share_at_target": 0.5, "bands": [[IMG, 1]],
    }  # fmt: skip
    failure = reports.RoleFailure("r", 3, "DataError", f"team {SCRIPT} not found", IMG)
    for lang in ("en", "zh"):
        page = reports._index_html(
            "2026Q3",
            [reports.RoleReport(ROLE, Path(f"{ROLE}.html"), Path("x"), rec)],
            [failure],
            lang=lang,
        )
        _assert_safe(page)
        assert (ESCAPED_SCRIPT if lang == "en" else ESCAPED_IMG) in page


def test_export_html_escapes_the_title(tmp_path):
    from nbformat.v4 import new_notebook

    path = reports.export_html(new_notebook(), tmp_path / "r.html", title=f"{SCRIPT}{IMG}")
    page = path.read_text(encoding="utf-8")
    _assert_safe(page)
    assert f"<title>{ESCAPED_SCRIPT}{ESCAPED_IMG}" in page


def test_batch_reports_escape_every_field(hostile, tmp_path):
    plans, data = hostile
    batch = reports.run_reports(
        data,
        period="2026Q3",
        roles=[ROLE],
        plans_dir=plans,
        jobs=1,
        show_pay=True,
        output_dir=tmp_path / "reports",
        progress=False,
    )
    assert batch.ok, batch.failures
    pages = sorted(batch.folder.glob("*.html"))
    assert [p.name for p in pages] == ["index.html", f"{ROLE}.html"]
    for path in pages:
        _assert_safe(path.read_text(encoding="utf-8"))
    report = (batch.folder / f"{ROLE}.html").read_text(encoding="utf-8")
    assert f"<title>{ESCAPED_SCRIPT} {LINK} · 2026Q3</title>" in report
    assert f"<h1>{ESCAPED_SCRIPT} {LINK}: Role report · Period 2026Q3</h1>" in report
    assert f"{ESCAPED_SCRIPT} 0" in report  # a person's name in the performers table
    assert ESCAPED_IMG in report  # the team, metric labels, the currency
    index = batch.index_path.read_text(encoding="utf-8")
    assert f">{ESCAPED_SCRIPT} {LINK}</a>" in index


def test_chart_text_from_the_data_is_drawn_as_written():
    from perfkit import plotting

    team = r"a$\notacommand$b"  # mathtext would fail to draw this, and drop the $ signs
    teams = pd.DataFrame({"team": [team, "T2"], "mean_composite": [1.1, 0.9], "headcount": [3, 4]})
    ax = plotting.team_comparison(teams)
    ax.figure.canvas.draw()  # mathtext is parsed when drawn
    assert [t.get_text() for t in ax.get_yticklabels()] == [r"a\$\notacommand\$b", "T2"]
    assert plotting.literal("$5 $6") == r"\$5 \$6"
