"""Role reports in batch: papermill runs of the report notebook turned into HTML pages.

``perfkit report`` calls :func:`run_reports`, which runs ``notebooks/role_report.ipynb``
once per role with papermill in worker processes, exports each run to a self-contained HTML
page (code hidden, images embedded, no outside URL) and writes an ``index.html`` linking
them, all into ``<output_dir>/<period>/`` atomically. What the notebook shows, and the
headline figures it hands to the index (:data:`perfkit.display.HEADLINE_MIME`), come from
:mod:`perfkit.display`.

Everything written is private to its owner by default (files ``0600``, folders ``0700``;
``mode`` / ``--mode`` / ``$PERFKIT_OUTPUT_MODE`` ask for another, see :mod:`perfkit.fsutil`),
and every text from a plan or data file is escaped in every page: the index through
:func:`html.escape`, the reports by :mod:`perfkit.display` and the page title by the
nbconvert template.

Notebook cell tags the HTML export understands: ``notebook-only`` (never in the report, for
notes to the analyst) and ``lang-en`` (English markdown headings, left out of reports in
another language, where :func:`perfkit.display.heading` shows the translated title instead).
"""

from __future__ import annotations

import dataclasses
import html
import multiprocessing
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._resources import notebooks_dir
from .display import HEADLINE_MIME, format_value, rating_spread
from .errors import PerfkitError, PeriodError, PlanError
from .fsutil import PRIVATE_MODE, atomic_dir, atomic_path, output_mode
from .plans import NO_PLANS_FIX, Plan, find_plans_dir, load_plan, plan_files
from .wording import check_lang, text

#: The role report notebook run for each role.
ROLE_NOTEBOOK = notebooks_dir() / "role_report.ipynb"

#: Kernel the batch runs notebooks in (``make setup`` installs it into the venv).
KERNEL_NAME = "python3"

#: Cell tags left out of every HTML report / of reports not in English.
REMOVE_ALWAYS = ("notebook-only", "injected-parameters", "parameters")
REMOVE_UNLESS_EN = ("lang-en",)


@dataclass(frozen=True)
class RoleFailure:
    """A role whose report could not be made.

    Attributes
    ----------
    role : str
    cell : int or None
        Execution count (``In [n]``) of the failing notebook cell; None when the notebook
        did not run (e.g. its plan is invalid).
    ename, evalue : str
        The error's class name and message.
    notebook : str or None
        File name of the executed notebook kept for inspection, if any.
    """

    role: str
    cell: int | None
    ename: str
    evalue: str
    notebook: str | None = None

    def __str__(self) -> str:
        where = f"cell In [{self.cell}]" if self.cell is not None else "before running"
        return f"{self.role}: {where}: {self.ename}: {self.evalue}"


@dataclass(frozen=True)
class RoleReport:
    """A role report written by the batch.

    Attributes
    ----------
    role : str
    html, notebook : Path
        The report page and the executed notebook (final paths).
    headline : dict
        :func:`perfkit.display.headline_record` of the report.
    seconds : float
        Wall time the worker took to run the notebook and export it.
    """

    role: str
    html: Path
    notebook: Path
    headline: dict[str, Any]
    seconds: float = 0.0


@dataclass(frozen=True)
class BatchResult:
    """What :func:`run_reports` wrote.

    Attributes
    ----------
    period : str
        The period label reported on (``"latest"`` resolved).
    folder : Path
        ``<output_dir>/<period>``.
    index_path : Path
        The index page.
    reports : list of RoleReport
    failures : list of RoleFailure
    """

    period: str
    folder: Path
    index_path: Path
    reports: list[RoleReport] = field(default_factory=list)
    failures: list[RoleFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every role's report was written."""
        return not self.failures


class ReportError(PerfkitError):
    """No role report could be made; nothing was published."""


@dataclass(frozen=True)
class _Job:
    role: str
    notebook: str
    out_dir: str
    cwd: str
    parameters: dict[str, Any]
    lang: str


@dataclass(frozen=True)
class _Outcome:
    role: str
    headline: dict[str, Any] | None = None
    failure: RoleFailure | None = None
    seconds: float = 0.0


_TIMING_KEYS = ("start_time", "end_time", "duration", "input_path", "output_path")


def _strip_timing(nb: Any) -> None:
    """Drop run times and temporary paths from an executed notebook, for repeatable files."""
    pm = nb.metadata.get("papermill", {})
    for key in _TIMING_KEYS:
        pm.pop(key, None)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id
        cpm = cell.metadata.get("papermill", {})
        for key in _TIMING_KEYS:
            cpm.pop(key, None)
        cell.metadata.pop("execution", None)


def _find_headline(nb: Any) -> dict[str, Any] | None:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if HEADLINE_MIME in data:
                return dict(data[HEADLINE_MIME])
    return None


_HTML_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block extra_css -%}
<style type="text/css">
  table.perfkit-table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 13px; }
  table.perfkit-table th, table.perfkit-table td { padding: 3px 10px; text-align: left;
    border-bottom: 1px solid #ddd; }
  table.perfkit-table th { background: #f3f5f8; }
</style>
{%- endblock extra_css -%}
"""


_STYLE_RE = re.compile(r"<style[^>]*>.*?</style>", re.S | re.I)
_CSS_COMMENT_RE = re.compile(r"/\*.*?\*/", re.S)


def export_html(
    nb: Any,
    path: str | Path,
    *,
    lang: str = "en",
    title: str | None = None,
    mode: str | int | None = None,
) -> Path:
    """Write an executed notebook as a self-contained HTML report.

    Code cells are hidden (only their outputs show), charts are embedded as
    ``data:image/png;base64`` images, and the page refers to nothing outside: no
    require.js, MathJax or Mermaid from a CDN, and the template's CSS comments (which cite
    web pages) are dropped.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook.
    path : str or Path
        The ``.html`` file to write (atomically).
    lang : {"en", "zh"}
        Cells tagged ``lang-en`` are left out unless ``"en"``; ``notebook-only`` always.
    title : str, optional
        The page title, as plain text (the template escapes it).
    mode : str or int, optional
        Mode of the file written; :func:`perfkit.fsutil.output_mode` by default (``0600``).

    Returns
    -------
    Path
    """
    import jinja2
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    check_lang(lang)
    remove = set(REMOVE_ALWAYS) | (set() if lang == "en" else set(REMOVE_UNLESS_EN))
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[jinja2.DictLoader({"perfkit_report.html.j2": _HTML_TEMPLATE})],
        template_file="perfkit_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        require_js_url="",
        mathjax_url="",
        jquery_url="",
        language_code="zh-Hans" if lang == "zh" else "en",
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=remove, enabled=True), enabled=True
    )
    resources = {"metadata": {"name": title or Path(path).stem}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = _STYLE_RE.sub(lambda m: _CSS_COMMENT_RE.sub("", m.group(0)), body)
    path = Path(path)
    with atomic_path(path, mode=mode) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return path


@contextmanager
def _stderr_to(path: Path) -> Iterator[None]:
    """Send this process's standard error (and so its kernel's) to a file for a while."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "ab") as log:
        os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def _run_role(job: _Job) -> _Outcome:
    """Run one role's notebook and export it; any error becomes the role's failure.

    The kernel's own messages go to ``<role>.log``, kept beside the notebook only when the
    role fails.
    """
    log = Path(job.out_dir) / f"{job.role}.log"
    start = time.perf_counter()
    with _stderr_to(log):
        outcome = _execute_role(job)
    if outcome.failure is None:
        log.unlink(missing_ok=True)
    return dataclasses.replace(outcome, seconds=time.perf_counter() - start)


def _execute_role(job: _Job) -> _Outcome:
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    out_nb = Path(job.out_dir) / f"{job.role}.ipynb"
    failure = None
    try:
        pm.execute_notebook(
            job.notebook,
            str(out_nb),
            parameters=job.parameters,
            kernel_name=KERNEL_NAME,
            language="python",
            cwd=job.cwd,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as exc:
        failure = RoleFailure(
            job.role, exc.exec_count, exc.ename, _first_line(exc.evalue), out_nb.name
        )
    except Exception as exc:  # a kernel that died, a notebook that could not be read, ...
        failure = RoleFailure(
            job.role,
            None,
            type(exc).__name__,
            _first_line(str(exc)),
            out_nb.name if out_nb.exists() else None,
        )
    if not out_nb.exists():
        return _Outcome(job.role, failure=failure)
    nb = nbformat.read(out_nb, as_version=4)
    _strip_timing(nb)
    nbformat.write(nb, out_nb)
    if failure is not None:
        return _Outcome(job.role, failure=failure)
    head = _find_headline(nb)
    if head is None:
        missing = "the notebook showed no headline figures (display.show_headline)"
        return _Outcome(
            job.role, failure=RoleFailure(job.role, None, "ReportError", missing, out_nb.name)
        )
    lang = head.get("lang", job.lang)  # the notebook falls back to English without a CJK font
    name = head["name_zh"] if lang == "zh" else head["name"]
    nb.metadata["title"] = f"{name} · {head['period']}"
    html_path = Path(job.out_dir) / f"{job.role}.html"
    # private inside the batch's temporary folder; atomic_dir gives the final mode on publishing
    export_html(nb, html_path, lang=lang, title=nb.metadata["title"], mode=PRIVATE_MODE)
    return _Outcome(job.role, headline=head)


def _first_line(message: str, limit: int = 500) -> str:
    msg = " ".join(str(message).split())
    return msg if len(msg) <= limit else msg[: limit - 1] + "…"


def _pool(jobs: int) -> Executor:
    methods = multiprocessing.get_all_start_methods()
    method = "forkserver" if "forkserver" in methods else "spawn"
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method))


def _index_html(
    period: str, reports: list[RoleReport], failures: list[RoleFailure], *, lang: str
) -> str:
    esc = html.escape
    heading_ = f"{text('reports_index', lang=lang)} · {text('period_word', lang=lang)} {period}"
    head_cells = ["role", "headcount", "mean_composite", "share_at_target", "rating_spread"]
    rows = []
    for rep in reports:
        h = rep.headline
        name = h["name_zh"] if lang == "zh" else h["name"]
        cells = [
            f'<a href="{esc(rep.html.name)}">{esc(name)}</a>',
            esc(str(h["headcount"])),
            esc(format_value("mean_composite", h["mean_composite"])),
            esc(format_value("share_at_target", h["share_at_target"])),
            esc(rating_spread(h["bands"])),
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    fail_items = []
    for f in failures:
        link = f' (<a href="{esc(f.notebook)}">{esc(f.notebook)}</a>)' if f.notebook else ""
        fail_items.append(f"<li><code>{esc(str(f))}</code>{link}</li>")
    fail_block = (
        f"<h2>{esc(text('failed', lang=lang))}</h2>\n<ul>\n" + "\n".join(fail_items) + "\n</ul>\n"
        if failures
        else ""
    )
    header = "".join(f"<th>{esc(text(k, lang=lang))}</th>" for k in head_cells)
    return f"""<!DOCTYPE html>
<html lang="{"zh-Hans" if lang == "zh" else "en"}">
<head>
<meta charset="utf-8">
<title>{esc(heading_)}</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; }}
  table {{ border-collapse: collapse; }}
  th, td {{ padding: 4px 12px; text-align: left; border-bottom: 1px solid #ddd; }}
  th {{ background: #f3f5f8; }}
  li code {{ white-space: pre-wrap; }}
</style>
</head>
<body>
<h1>{esc(heading_)}</h1>
<table>
<thead><tr>{header}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
{fail_block}</body>
</html>
"""


def _write_index(
    folder: Path, period: str, reports: list[RoleReport], failures: list[RoleFailure], *, lang: str
) -> Path:
    path = folder / "index.html"
    with atomic_path(path, mode=PRIVATE_MODE) as tmp:
        tmp.write_text(_index_html(period, reports, failures, lang=lang), encoding="utf-8")
    return path


def _plan_roles(
    plans_dir: Path, roles: Iterable[str] | None
) -> tuple[dict[str, Plan], list[RoleFailure]]:
    """Load the plans of the roles asked for, one file at a time; a bad plan fails its role."""
    if not plans_dir.is_dir():
        raise PlanError(f"{plans_dir}: plans folder not found; {NO_PLANS_FIX}")
    files = plan_files(plans_dir)
    available = sorted(files)
    wanted = list(dict.fromkeys(roles)) if roles else available
    unknown = [r for r in wanted if r not in available]
    if unknown:
        raise PlanError(
            f"{plans_dir}: no plan for role(s) {', '.join(unknown)}; "
            f"choose from: {', '.join(available) or '(none)'}"
        )
    plans: dict[str, Plan] = {}
    failures: list[RoleFailure] = []
    for role in wanted:
        try:
            plans[role] = load_plan(files[role])
        except PlanError as exc:
            failures.append(RoleFailure(role, None, "PlanError", _first_line(str(exc))))
    return plans, failures


def run_reports(
    data_dir: str | Path,
    *,
    period: str = "latest",
    roles: Iterable[str] | None = None,
    plans_dir: str | Path | None = None,
    jobs: int = 2,
    lang: str = "en",
    show_pay: bool = False,
    output_dir: str | Path = "reports",
    progress: bool = True,
    notebook: str | Path | None = None,
    mode: str | int | None = None,
) -> BatchResult:
    """Run the role report notebook for each role and write HTML reports with an index.

    ``"latest"`` is resolved once, from the data's months and the plans' period kind, so
    every report covers the same period. Each role's notebook runs under papermill in a
    worker process (``jobs`` at a time) with absolute paths as parameters. Everything is
    written into a temporary folder that replaces ``<output_dir>/<period>`` only at the
    end: an interrupted run leaves the previous reports as they were. A role that fails is
    listed in the index and in :attr:`BatchResult.failures` while the others are published.

    Parameters
    ----------
    data_dir : str or Path
        The data set folder.
    period : str
        A period label or ``"latest"`` (latest complete period of the plans' kind).
    roles : iterable of str, optional
        Roles to report on; all plans in ``plans_dir`` by default.
    plans_dir : str or Path
        Folder of ``<role>.yaml`` plans.
    jobs : int
        Worker processes (1 runs the notebooks one after another in this process).
    lang : {"en", "zh"}
        Report language.
    show_pay : bool
        Include the payout summary; off by default, when no pay figure appears anywhere.
    output_dir : str or Path
        Reports folder; this run writes ``<output_dir>/<period>/``.
    progress : bool
        Show a tqdm progress bar on stderr.
    notebook : str or Path, optional
        The notebook to run; ``notebooks/role_report.ipynb`` by default.
    mode : str or int, optional
        Mode of the files published, e.g. ``0o640`` (folders get ``x`` where they can be
        read); by default ``$PERFKIT_OUTPUT_MODE``, else ``0600`` (folders ``0700``).

    Returns
    -------
    BatchResult
        ``folder`` holds ``<role>.html`` and ``<role>.ipynb`` per role and ``index.html``;
        a failed role's executed notebook is kept there when it exists.

    Raises
    ------
    PlanError, DataError, PeriodError
        If the plans folder, a role, the data or the period is wrong for every role.
    ReportError
        If no role's report could be made; the previous reports are left in place.
    OutputError
        If the reports cannot be written (read-only folder, full disk, ...); the previous
        reports are left in place.
    """
    from tqdm.auto import tqdm

    from .evaluation import resolve_periods
    from .validation import load_checked

    check_lang(lang)
    file_mode = output_mode(mode)
    if jobs < 1:
        raise PerfkitError(f"--jobs: found {jobs}; give at least 1 worker process")
    data_dir = Path(data_dir).resolve()
    plans_dir = find_plans_dir(plans_dir).resolve()
    nb_path = Path(notebook).resolve() if notebook is not None else ROLE_NOTEBOOK
    if not nb_path.is_file():
        raise PerfkitError(f"{nb_path}: report notebook not found; give notebook= its path")

    plans, failures = _plan_roles(plans_dir, roles)
    kinds = sorted({p.period for p in plans.values()})
    if len(kinds) > 1:
        raise PeriodError(
            f"the plans use different period kinds ({', '.join(kinds)}); report on them in "
            "separate runs with --roles"
        )
    # the checks of perfkit validate; a role whose plan is broken fails on its own
    dataset, _ = load_checked(data_dir, plans_dir=plans_dir, broken_plans=True)
    label = resolve_periods(period, dataset=dataset, plans=plans)[-1].label
    output_dir = Path(output_dir)
    folder = output_dir / label

    jobs_list = [
        _Job(
            role=role,
            notebook=str(nb_path),
            out_dir="",
            cwd=str(nb_path.parent),
            lang=lang,
            parameters={
                "data_dir": str(data_dir),
                "plans_dir": str(plans_dir),
                "role": role,
                "period": label,
                "team": "",
                "lang": lang,
                "show_pay": bool(show_pay),
            },
        )
        for role in plans
    ]
    outcomes: dict[str, _Outcome] = {}
    with atomic_dir(folder, mode=file_mode) as tmp:
        jobs_list = [_with_out_dir(j, tmp) for j in jobs_list]
        bar = tqdm(
            total=len(jobs_list), desc=f"reports {label}", unit="report", disable=not progress
        )
        try:
            if jobs == 1 or len(jobs_list) <= 1:
                for job in jobs_list:
                    outcomes[job.role] = _run_role(job)
                    bar.update()
            else:
                with _pool(min(jobs, len(jobs_list))) as pool:
                    # the biggest roles first, so that no long report is left running alone
                    size = dataset.employees["role"].astype(str).value_counts()
                    biggest = sorted(jobs_list, key=lambda j: -int(size.get(j.role, 0)))
                    futures = {pool.submit(_run_role, job): job.role for job in biggest}
                    for fut in as_completed(futures):
                        role = futures[fut]
                        try:
                            outcomes[role] = fut.result()
                        except Exception as exc:  # a worker process that died
                            outcomes[role] = _Outcome(
                                role,
                                failure=RoleFailure(
                                    role, None, type(exc).__name__, _first_line(str(exc))
                                ),
                            )
                        bar.update()
        finally:
            bar.close()

        reports: list[RoleReport] = []
        for job in jobs_list:  # in role order, whatever order they finished in
            out = outcomes[job.role]
            if out.failure is not None:
                failures.append(out.failure)
            else:
                reports.append(
                    RoleReport(
                        job.role,
                        folder / f"{job.role}.html",
                        folder / f"{job.role}.ipynb",
                        out.headline or {},
                        out.seconds,
                    )
                )
        failures.sort(key=lambda f: f.role)
        if not reports:
            raise ReportError(
                f"no role report could be made for {label}; {folder} was left as it was:\n"
                + "\n".join(f"  - {f}" for f in failures)
            )
        _write_index(tmp, label, reports, failures, lang=lang)
    return BatchResult(
        period=label,
        folder=folder,
        index_path=folder / "index.html",
        reports=reports,
        failures=failures,
    )


def _with_out_dir(job: _Job, out_dir: Path) -> _Job:
    return _Job(job.role, job.notebook, str(out_dir), job.cwd, job.parameters, job.lang)


__all__ = [
    "BatchResult",
    "ReportError",
    "RoleFailure",
    "RoleReport",
    "export_html",
    "run_reports",
]
