"""The papermill report batch: HTML pages, index, failures and atomic publishing.

The batch runs real notebooks (a few seconds each), so one module-scoped run of two roles
is shared by the tests that only read its output.
"""

from __future__ import annotations

import base64
import math
import os
import re
import shutil
import stat
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import perfkit
from perfkit import reports, summary
from perfkit.fsutil import OutputError
from perfkit.reports import ReportError, run_reports

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"
PLANS_DIR = ROOT / "templates" / "plans"
ROLES = ["event_planning", "online_promotion"]
URL = re.compile(r"https?://", re.I)
IMAGE_DATA = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")
MONEY = re.compile(r"\d{1,3}(,\d{3})+\.\d\d")
CSV_DATA = re.compile(r"data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)")
PNG_1PX = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
    "rkJggg=="
)


def _plans_with_failures(folder: Path, plans_dir: Path) -> Path:
    """Every real plan (the data's roles all need one), a plan that cannot be loaded and one
    for a role nobody holds; the batches below report on two real roles and the failing two."""
    folder.mkdir()
    for path in plans_dir.glob("*.yaml"):
        shutil.copy(path, folder)
    good = (plans_dir / "event_planning.yaml").read_text(encoding="utf-8")
    # weights no longer sum to 1: the plan cannot be loaded
    broken = good.replace("role: event_planning", "role: broken")
    (folder / "broken.yaml").write_text(
        broken.replace("weight: 0.30", "weight: 0.90"), encoding="utf-8"
    )
    # a valid plan for a role nobody in the data holds: the notebook fails in a cell
    (folder / "ghost_role.yaml").write_text(
        good.replace("role: event_planning", "role: ghost_role"), encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One batch run of every plan in a folder holding two good and two failing roles.

    It runs on an executor passed in (a thread pool: issue #13), so the default process
    pool is tested below on a small notebook.
    """
    tmp = tmp_path_factory.mktemp("batch")
    plans = _plans_with_failures(tmp / "plans", PLANS_DIR)
    mask = os.umask(0o022)  # the usual umask, for the permission check below
    try:
        with ThreadPoolExecutor(max_workers=2) as executor:
            return run_reports(
                SAMPLE_DIR,
                period="latest",
                plans_dir=plans,
                roles=[*ROLES, "broken", "ghost_role"],
                jobs=2,
                output_dir=tmp / "reports",
                progress=False,
                executor=executor,
            )
    finally:
        os.umask(mask)


def test_batch_writes_each_role_and_resolves_latest(batch):
    assert batch.period == "2026Q3"
    assert batch.folder.name == "2026Q3"
    assert [r.role for r in batch.reports] == ROLES
    for role in ROLES:
        assert (batch.folder / f"{role}.html").is_file()
        assert (batch.folder / f"{role}.ipynb").is_file()
    # kernel logs are kept for failures only
    assert sorted(p.name for p in batch.folder.glob("*.log")) == ["ghost_role.log"]
    # nothing temporary is left beside the published folder
    assert [p.name for p in batch.folder.parent.iterdir()] == ["2026Q3"]


def test_published_reports_are_private(batch):
    # written under umask 022, which alone would give rwxr-xr-x and rw-r--r--: reports name
    # people and their ratings, so the folders are rwx------ and the files rw------- (and so
    # is the reports folder the run created)
    assert stat.S_IMODE(batch.folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(batch.folder.parent.stat().st_mode) == 0o700
    files = sorted(p for p in batch.folder.iterdir())
    assert {p.suffix for p in files} == {".html", ".ipynb", ".log", ".json"}  # plan_health.json
    for path in files:
        assert path.is_file(), path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, (path.name, oct(path.stat().st_mode))


def test_html_is_self_contained_and_hides_code(batch):
    for role in ROLES:
        page = (batch.folder / f"{role}.html").read_text(encoding="utf-8")
        assert page.count('src="data:image/png;base64,') >= 5
        assert not URL.search(page), URL.search(page)
        assert "<script src" not in page
        assert "display.show_headline" not in page  # code cells are hidden
        assert "NBVAL_CHECK_OUTPUT" not in page
        assert "Headline figures" in page
        assert "notebook-only" not in page and "Every step is one call" not in page


def test_no_pay_figure_without_show_pay(batch):
    for role in ROLES:
        page = (batch.folder / f"{role}.html").read_text(encoding="utf-8")
        csvs = [base64.b64decode(m).decode("utf-8") for m in CSV_DATA.findall(page)]
        assert len(csvs) >= 8  # every table downloads
        page = CSV_DATA.sub("", IMAGE_DATA.sub("", page))
        # the plan's payout curve is explained (shares of the target bonus), but no amount,
        # currency, payout column or payout section appears
        for text in (page, *csvs):
            low = text.lower()
            for word in ("cny", "¥", "payout summary", ">payout<", ">target bonus<", "payout,"):
                assert word not in low, (role, word)
            assert not MONEY.search(text), (role, MONEY.search(text))


def test_index_links_reports_with_their_headline_figures(batch):
    index = batch.index_path.read_text(encoding="utf-8")
    assert batch.index_path == batch.folder / "index.html"
    assert '<a href="online_promotion.html">Online promotion</a>' in index
    assert '<a href="event_planning.html">Event planning</a>' in index
    assert not URL.search(index)
    # the figures agree with the summary computed here, independently of the notebooks
    plans = perfkit.load_plans(PLANS_DIR)
    ev = perfkit.evaluate(perfkit.load_dataset(SAMPLE_DIR), plans, "2026Q3", roles=ROLES)
    for rep in batch.reports:
        head = summary.headline(ev.results, plan=plans[rep.role]).iloc[0]
        assert rep.headline["headcount"] == head["headcount"]
        assert rep.headline["share_at_target"] == pytest.approx(head["share_at_target"])
        row = re.search(rf'href="{rep.role}.html">[^<]*</a></td>(.*?)</tr>', index).group(1)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        assert cells[0] == str(head["headcount"])
        # cut, never rounded up: the way the payout explanations show a composite
        assert cells[1] == f"{math.floor(head['mean_composite'] * 100 + 1e-7) / 100:.2f}"
        assert cells[3] == f"{head['share_at_target']:.1%}"
        bands = summary.rating_distribution(ev.results, plan=plans[rep.role])
        assert cells[5] == " · ".join(
            f"{b}\u00a0{c}" for b, c in zip(bands["band"], bands["count"], strict=True)
        )
    # a total row over both roles, and the headcount reconciled with the employees file
    total = sum(r.headline["headcount"] for r in batch.reports)
    assert f'<tr class="total"><td>All roles</td><td>{total}</td>' in index
    staff = perfkit.load_dataset(SAMPLE_DIR).employees
    assert re.search(rf"People in the employees file</td><td class=\"num\">{len(staff)}<", index)
    assert re.search(rf"evaluated \(the total above\)</td><td class=\"num\">{total}<", index)
    assert "not reported in this run" in index  # the other roles of the data, and ghost_role's
    # online promotion's 46% rated A against a 20% guideline is flagged
    assert "A 46% vs 20% guideline" in index
    # the most severe plan-health finding per role (perfkit.diagnostics is installed)
    assert "Most severe finding" in index and "high: Lenient rater (rater M04" in index


def test_plan_health_worked_out_once_and_shown_in_reports_and_index(batch):
    """The batch writes the department's findings once; each report shows its role's part of
    them (the department-wide rater check included) and the index its most severe one."""
    from perfkit import diagnostics

    path = batch.folder / "plan_health.json"
    assert path.stat().st_mode & 0o777 == 0o600
    written = diagnostics.read_findings(path)
    # the same as perfkit diagnose on the data and every plan that loads (broken excluded)
    plans = perfkit.load_plans(PLANS_DIR)
    again = diagnostics.diagnose(perfkit.load_dataset(SAMPLE_DIR), plans, "2026Q3")
    assert diagnostics.findings_document(written) == diagnostics.findings_document(again)
    index = batch.index_path.read_text(encoding="utf-8")
    for role in ROLES:
        page = (batch.folder / f"{role}.html").read_text(encoding="utf-8")
        mine = diagnostics.for_role(written, role)
        others = [f for f in written if role not in f.roles]
        for f in mine:
            label = diagnostics.KIND_LABELS[f.kind][0]
            assert label in page, (role, f.kind)
        for f in others:
            if f.kind not in {g.kind for g in mine}:
                assert diagnostics.KIND_LABELS[f.kind][0] not in page, (role, f.kind)
        top = diagnostics.most_severe(mine)
        if top is not None:
            row = re.search(rf'href="{role}.html">.*?</tr>', index, re.S).group(0)
            assert diagnostics.KIND_LABELS[top.kind][0] in row, role
    # online promotion's lenient rater M04 comes from the department-wide model
    page = (batch.folder / "online_promotion.html").read_text(encoding="utf-8")
    assert "Lenient rater" in page and "rater M04" in page


def test_role_report_explains_its_plan_quality_and_movement(batch):
    page = (batch.folder / "online_promotion.html").read_text(encoding="utf-8")
    for words in (
        "How to read this report",
        "The plan this report applies",
        "no bonus below 60% achievement",
        "Data quality",
        "Feng Peng · joined, prorated, unscored",  # flagged wherever the name appears
        "(no baseline)",
        "Movement since the previous period",
        "Consecutive low bands",
        ">2025Q4</th>",  # the trend per metric, a column per period
        "not scored (see Data quality)",
        "pp</td>",
    ):
        assert words in page, words
    assert page.count('class="perfkit-team"') == 2  # the heatmap grouped by its two teams
    single = (batch.folder / "event_planning.html").read_text(encoding="utf-8")
    # one team: no comparison chart (payout curve, ratings, distribution, two trends)
    assert single.count('src="data:image/png;base64,') == 5
    assert page.count('src="data:image/png;base64,') == 6


def test_executed_notebooks_carry_no_run_times(batch):
    nb = nbformat.read(batch.folder / "online_promotion.ipynb", as_version=4)
    assert "start_time" not in nb.metadata["papermill"]
    assert "input_path" not in nb.metadata["papermill"]
    assert nb.metadata["papermill"]["parameters"]["period"] == "2026Q3"
    assert Path(nb.metadata["papermill"]["parameters"]["data_dir"]).is_absolute()
    for cell in nb.cells:
        assert "start_time" not in cell.metadata.get("papermill", {})
    # the batch's temporary folder is written as the folder it was published as
    published = str(batch.folder.resolve() / reports.FINDINGS_FILE)
    assert nb.metadata["papermill"]["parameters"]["findings_file"] == published
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert f'findings_file = "{published}"' in injected.source
    assert ".perfkit-tmp" not in nbformat.writes(nb)


def test_failing_roles_are_reported_and_the_others_published(batch):
    failures = {f.role: f for f in batch.failures}
    assert set(failures) == {"broken", "ghost_role"}
    assert [f.role for f in batch.failures] == ["broken", "ghost_role"]
    assert not list(batch.folder.glob(".perfkit-*"))  # no progress markers or kernel logs
    assert failures["broken"].cell is None and failures["broken"].ename == "PlanError"
    assert "weights add up to" in failures["broken"].evalue
    ghost = failures["ghost_role"]
    assert isinstance(ghost.cell, int) and ghost.cell > 0
    assert ghost.ename == "DataError"
    assert "ghost_role" in ghost.evalue
    assert str(ghost).startswith(f"ghost_role: cell In [{ghost.cell}]: DataError: ")
    # the failed notebook and its kernel log are kept; the index lists both failures
    assert (batch.folder / "ghost_role.ipynb").is_file()
    assert not (batch.folder / "ghost_role.html").exists()
    assert not (batch.folder / "broken.ipynb").exists()
    index = batch.index_path.read_text(encoding="utf-8")
    assert "Reports that failed" in index
    assert "broken: before running: PlanError" in index
    assert f"ghost_role: cell In [{ghost.cell}]" in index
    assert 'href="ghost_role.ipynb"' in index


def test_cli_report_exits_non_zero_when_a_role_fails(tmp_path, sample_dir, plans_dir, monkeypatch):
    from click.testing import CliRunner

    from perfkit.cli import cli

    plans = Path(shutil.copytree(plans_dir, tmp_path / "plans"))
    (plans / "broken.yaml").write_text("role: broken\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["report", str(sample_dir), "--plans", str(plans), "--roles", "broken", "-o",
         str(tmp_path / "out")],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "broken" in result.output


def _good_folder(root: Path) -> Path:
    good = root / "2026Q3"
    good.mkdir(parents=True)
    (good / "index.html").write_text("the previous good run", encoding="utf-8")
    return good


def _assert_previous_run_kept(out: Path, good: Path) -> None:
    """Only the period folder is left, holding exactly the earlier run's files."""
    assert sorted(p.name for p in out.iterdir()) == ["2026Q3"]
    assert sorted(p.name for p in good.iterdir()) == ["index.html"]
    assert (good / "index.html").read_text(encoding="utf-8") == "the previous good run"


def test_interrupted_run_leaves_the_previous_reports(tmp_path, sample_dir, plans_dir, monkeypatch):
    good = _good_folder(tmp_path)

    def interrupted(job, kernel):
        (Path(job.out_dir) / f"{job.role}.html").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(reports, "_execute_role", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_reports(
            sample_dir,
            roles=["event_planning"],
            plans_dir=plans_dir,
            jobs=1,
            output_dir=tmp_path,
            progress=False,
        )
    _assert_previous_run_kept(tmp_path, good)


def test_crash_after_the_notebooks_leaves_the_previous_reports(
    tmp_path, sample_dir, plans_dir, monkeypatch
):
    good = _good_folder(tmp_path)

    def done(job, kernel):  # the notebook part went well ...
        (Path(job.out_dir) / f"{job.role}.html").write_text("new", encoding="utf-8")
        return reports._Outcome(job.role, headline={"role": job.role})

    def boom(*args, **kwargs):  # ... but writing the index fails
        raise OSError("disk full")

    monkeypatch.setattr(reports, "_execute_role", done)
    monkeypatch.setattr(reports, "_write_index", boom)
    with pytest.raises(OutputError, match="2026Q3: cannot write it: disk full"):
        run_reports(
            sample_dir,
            roles=["event_planning"],
            plans_dir=plans_dir,
            jobs=1,
            output_dir=tmp_path,
            progress=False,
        )
    _assert_previous_run_kept(tmp_path, good)


def test_all_roles_failing_publishes_nothing(tmp_path, sample_dir, plans_dir):
    good = _good_folder(tmp_path / "out")
    plans = Path(shutil.copytree(plans_dir, tmp_path / "plans"))
    (plans / "broken.yaml").write_text("role: broken\nname: x\n", encoding="utf-8")
    with pytest.raises(ReportError, match=r"no role report could be made for 2026Q3") as info:
        run_reports(
            sample_dir, plans_dir=plans, roles=["broken"], output_dir=tmp_path / "out",
            progress=False,
        )  # fmt: skip
    assert "broken: before running: PlanError" in str(info.value)
    assert (good / "index.html").read_text(encoding="utf-8") == "the previous good run"


def test_unknown_role_is_a_plan_error(tmp_path, sample_dir, plans_dir):
    with pytest.raises(perfkit.PlanError, match="no plan for role.*nope.*choose from"):
        run_reports(
            sample_dir, roles=["nope"], plans_dir=plans_dir, output_dir=tmp_path, progress=False
        )
    assert not any(tmp_path.iterdir())


# -- pieces that need no kernel -----------------------------------------------------------


def _notebook() -> nbformat.NotebookNode:
    nb = new_notebook()
    note = new_markdown_cell("analyst note", metadata={"tags": ["notebook-only"]})
    english = new_markdown_cell("## English heading", metadata={"tags": ["lang-en"]})
    chart = new_code_cell("plotting.trend(t)")
    chart.outputs = [new_output("display_data", data={"image/png": PNG_1PX, "text/plain": "x"})]
    nb.cells = [note, english, chart]
    return nb


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_export_html_tags_images_and_urls(tmp_path, lang):
    path = reports.export_html(_notebook(), tmp_path / "r.html", lang=lang, title="T")
    page = path.read_text(encoding="utf-8")
    assert f'src="data:image/png;base64,{PNG_1PX}' in page
    assert "analyst note" not in page
    assert ("English heading" in page) == (lang == "en")
    assert "plotting.trend" not in page
    assert not URL.search(page)
    assert "<title>T</title>" in page


def _write_later(path: Path, text: str | None, delay: float = 0.3) -> threading.Thread:
    """As the batch does: after ``delay``, the findings file whole (or the marker saying
    there are none), then the end of the pending marker."""

    def write() -> None:
        time.sleep(delay)
        if text is None:
            (path.parent / reports._FINDINGS_NONE).touch()
        else:
            part = path.with_name(path.name + ".part")
            part.write_text(text, encoding="utf-8")
            os.replace(part, path)
        (path.parent / reports._FINDINGS_PENDING).unlink()

    thread = threading.Thread(target=write)
    thread.start()
    return thread


def test_a_report_waits_for_the_findings_the_batch_is_writing(tmp_path):
    path = tmp_path / reports.FINDINGS_FILE
    (tmp_path / reports._FINDINGS_PENDING).touch()
    writer = _write_later(path, '[{"kind": "x"}]\n')
    assert reports.wait_for_findings(str(path)) == str(path)
    assert path.read_text(encoding="utf-8") == '[{"kind": "x"}]\n'  # whole, never a part
    writer.join()
    # a file written before (perfkit diagnose), or a wrong path: no waiting, the report
    # reads it or says what is wrong; outside a batch the report works them out itself
    assert reports.wait_for_findings(path) == str(path)
    assert reports.wait_for_findings(tmp_path / "missing.json") == str(tmp_path / "missing.json")
    assert reports.wait_for_findings("") == ""


def test_a_report_works_out_its_findings_when_the_batch_could_not(tmp_path):
    path = tmp_path / reports.FINDINGS_FILE
    (tmp_path / reports._FINDINGS_PENDING).touch()
    writer = _write_later(path, None)
    assert reports.wait_for_findings(path) == ""
    writer.join()
    (tmp_path / reports._FINDINGS_NONE).unlink()
    (tmp_path / reports._FINDINGS_PENDING).touch()  # a batch that never finishes
    with pytest.raises(perfkit.PerfkitError, match="did not write its plan-health findings"):
        reports.wait_for_findings(path, timeout=0.2)


def test_jobs_must_be_positive(tmp_path, sample_dir, plans_dir):
    with pytest.raises(perfkit.PerfkitError, match="--jobs: found 0"):
        run_reports(sample_dir, plans_dir=plans_dir, jobs=0, output_dir=tmp_path)


def test_period_outside_the_data_fails_before_any_notebook_runs(tmp_path, sample_dir, plans_dir):
    from click.testing import CliRunner

    from perfkit.cli import cli

    result = CliRunner().invoke(
        cli,
        ["report", str(sample_dir), "--period", "2030Q1", "--plans", str(plans_dir), "-o",
         str(tmp_path / "out")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "hold no actuals for 2030Q1" in result.output
    assert "they cover 2024-10 to 2026-09" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


TINY = """assert "leak" not in globals(), "a variable of the previous report is still here"
leak = 1
import json
from perfkit import reports
found = reports.wait_for_findings(findings_file)  # the batch works them out meanwhile
assert found == findings_file and isinstance(json.load(open(found)), list)
from IPython.display import display
display({"application/vnd.perfkit.headline+json": {
    "role": role, "name": role, "name_zh": role, "period": period, "headcount": 1,
    "mean_composite": 1.0, "share_at_target": 1.0, "bands": [["A", 1]]}, "text/plain": role},
    raw=True)
"""


def test_default_pool_runs_roles_in_one_reset_kernel_per_worker(tmp_path, sample_dir, plans_dir):
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                               "display_name": "Python 3"}})  # fmt: skip
    params = "\n".join(
        f"{k} = {v!r}"
        for k, v in {"data_dir": "", "plans_dir": "", "role": "", "period": "", "team": "",
                     "lang": "en", "show_pay": False, "findings_file": ""}.items()
    )  # fmt: skip
    nb.cells = [new_code_cell(params, metadata={"tags": ["parameters"]}), new_code_cell(TINY)]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    roles = ["brand_content", "event_planning", "online_promotion"]  # three roles, two kernels
    out = run_reports(sample_dir, roles=roles, plans_dir=plans_dir, jobs=2, notebook=path,
                      output_dir=tmp_path / "out", progress=False)  # fmt: skip
    assert out.ok, out.failures  # the second notebook of a kernel saw no leftover
    for role in roles:
        ran = nbformat.read(out.folder / f"{role}.ipynb", as_version=4)
        counts = [c.execution_count for c in ran.cells if c.cell_type == "code"]
        assert counts[0] == 1, counts  # prompt numbers start again in a reused kernel
    assert sorted(p.name for p in out.folder.iterdir()) == sorted(
        ["index.html", "plan_health.json"] + [f"{r}.{x}" for r in roles for x in ("html", "ipynb")]
    )


def test_a_rerun_of_the_default_pool_gives_the_same_bytes(tmp_path, sample_dir, plans_dir):
    """Two kernels forked at once, real reports: every file is the same on a rerun (no
    kernel's history database in an output, no temporary folder in a notebook), and the
    same as a batch on a thread pool, which gets shares where the default pool gives each
    worker the next role."""
    roles = ["brand_content", "event_planning"]

    def run(executor=None) -> dict[str, bytes]:
        out = run_reports(sample_dir, roles=roles, plans_dir=plans_dir, jobs=2,
                          output_dir=tmp_path / "out", progress=False, executor=executor)  # fmt: skip
        assert out.ok, out.failures
        return {p.name: p.read_bytes() for p in sorted(out.folder.iterdir())}

    first = run()
    assert sorted(first) == sorted(
        ["index.html", "plan_health.json"] + [f"{r}.{x}" for r in roles for x in ("html", "ipynb")]
    )
    assert run() == first
    with ThreadPoolExecutor(max_workers=2) as executor:
        threads = run(executor)
    assert threads.keys() == first.keys()
    for name in first:
        assert threads[name] == first[name], name
    for role in roles:
        ran = nbformat.reads(first[f"{role}.ipynb"].decode("utf-8"), as_version=4)
        streams = [o for c in ran.cells for o in c.get("outputs", []) if o.output_type == "stream"]
        assert streams == [], streams  # nothing said by the kernel beside the report


def _screenshot_tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "screenshots", ROOT / "scripts" / "screenshots.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_screenshots_in_a_real_browser(batch, tmp_path):
    """The index and a role report as headless Chromium draws them: not blank, wide content
    inside the window (scripts/screenshots.py takes the same pictures to look at)."""
    tool = _screenshot_tool()
    if tool.find_browser() is None:
        pytest.skip("no Chromium installed (make chromium)")
    import numpy as np
    from PIL import Image

    for page, height in (("index", 1200), ("online_promotion", 3000)):
        png = tool.screenshot(batch.folder / f"{page}.html", tmp_path / f"{page}.png",
                              height=height)  # fmt: skip
        pixels = np.asarray(Image.open(png).convert("L"), dtype=float)
        assert pixels.shape[1] == 1280
        assert pixels.std() > 10, page  # text and charts, not an empty page
        dark = (pixels < 128).mean(axis=0)
        assert dark[-40:].max() < 0.05, page  # nothing runs off the right edge


def test_first_make_report_says_what_it_installs_and_how_long():
    # as a user's shell runs it, not as a make inside `make test` (which prints directories)
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "report", "STAMP=/nonexistent/stamp"], cwd=ROOT,
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert "first run" in first and "minutes" in first
