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

Speed: each worker runs its notebooks one after another in **one kernel**, reset between
reports, so a batch pays a kernel start and the imports once per worker, not once per
report; the data set is read once per kernel (:func:`perfkit.display.load_data`). In the
local process pool each role is a task, the biggest first, taken by the next worker free;
any :class:`concurrent.futures.Executor` given instead (a thread pool, a process pool, a
``dask.distributed`` client's ``get_executor()``) gets ``jobs`` shares of about equal work,
each run in one kernel. The local pool's fork
server imports what a worker and its kernel need once (:data:`_WORKER_MODULES`: papermill,
nbconvert, ipykernel, pandas, matplotlib, seaborn, scipy.stats); each worker starts its
kernel as a fork of itself (:mod:`perfkit._forkkernel`), so no kernel imports them again,
and warms it (the data, then :func:`gc.freeze`, so that the collection each reset runs
skips what the kernel keeps) while the batch checks the data, and resets it while it
exports the report just run. Kernels keep no input history (:data:`_KERNEL_OPTIONS`), and
the batch's temporary folder is written in each executed notebook as the published one, so
a rerun gives the same files. The department's plan-health findings are worked out once,
in a thread of the batch, while the notebooks run; each report's last cell waits for them
(:func:`wait_for_findings`).

The index page is an overview: one line per role with the change against the previous
period, a total over every role, each term explained once, the headcount reconciled with
the employees file, bands that depart from the plan's guideline, and the most severe
plan-health finding per role when :mod:`perfkit.diagnostics` is installed. Every table of a
report gets a CSV download (an embedded ``data:`` URI, formula-safe through
:func:`perfkit.export.csv_safe`).

Notebook cell tags the HTML export understands: ``notebook-only`` (never in the report, for
notes to the analyst) and ``lang-en`` (English markdown, left out of reports in another
language; the shipped report shows its titles and explanations through
:func:`perfkit.display.section` in every language instead).
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import gc
import html
import multiprocessing
import multiprocessing.util
import re
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd

from ._resources import notebooks_dir
from .display import HEADLINE_MIME, format_value, quality_line, rating_spread
from .errors import PerfkitError, PeriodError, PlanError
from .fsutil import PRIVATE_MODE, atomic_dir, atomic_path, output_mode
from .plans import NO_PLANS_FIX, Plan, find_plans_dir, load_plan, plan_files
from .wording import TEXT, check_lang, colon, text

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
    #: The folder ``out_dir`` becomes when the batch is published (its paths in the
    #: executed notebook are written as that one's, so a rerun gives the same file).
    published_dir: str = ""


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
  .jp-RenderedHTMLCommon table.perfkit-table { border-collapse: collapse; margin: 0.5em 0 0.3em;
    font-size: 13px; table-layout: auto; }
  .jp-RenderedHTMLCommon table.perfkit-table th, .jp-RenderedHTMLCommon table.perfkit-table td {
    padding: 3px 10px; text-align: left; border-bottom: 1px solid #ddd; vertical-align: top; }
  .jp-RenderedHTMLCommon table.perfkit-table thead th { background: #f3f5f8;
    vertical-align: bottom; }
  .jp-RenderedHTMLCommon table.perfkit-table tbody tr:nth-child(odd) { background: inherit; }
  .jp-RenderedHTMLCommon table.perfkit-heatmap td { padding: 2px 6px; border: 1px solid #fff; }
  .jp-RenderedHTMLCommon p.perfkit-about { max-width: 62em; color: #333; line-height: 1.45; }
  .jp-RenderedHTMLCommon p.perfkit-csv { font-size: 12px; margin: 0 0 1.4em; }
  .jp-RenderedHTMLCommon h2 { margin-top: 1.6em; }
</style>
{%- endblock extra_css -%}
"""


_STYLE_RE = re.compile(r"<style[^>]*>.*?</style>", re.S | re.I)
_CSS_COMMENT_RE = re.compile(r"/\*.*?\*/", re.S)
_TABLE_RE = re.compile(r"<table\b[^>]*\bperfkit-table\b.*?</table>", re.S | re.I)

#: Exporters are built once per language and worker (building one reads its templates).
_EXPORTERS: dict[str, Any] = {}
_EXPORTERS_LOCK = threading.Lock()


def _exporter(lang: str) -> Any:
    import jinja2
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    with _EXPORTERS_LOCK:
        if lang not in _EXPORTERS:
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
            _EXPORTERS[lang] = (exporter, threading.Lock())
        return _EXPORTERS[lang]


class _TableParser(HTMLParser):
    """The text of every row of an HTML table; a row with one cell spanning the table (a
    group heading, e.g. a team) becomes the first column of the rows under it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.header: list[str] = []
        self.group = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = 1
        self._in_head = False
        self.grouped = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._span = int(dict(attrs).get("colspan") or 1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            row, self._row = self._row, None
            if self._in_head or not self.header:
                self.header = row
            elif len(row) == 1 and self._span > 1:
                self.group, self.grouped = row[0], True
            else:
                self.rows.append([self.group, *row] if self.grouped else row)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _table_csv(table: str) -> bytes | None:
    """A shown HTML table as CSV (UTF-8 with a byte-order mark, for Excel), formula-safe."""
    from .export import csv_safe

    parser = _TableParser()
    parser.feed(table)
    if not parser.header:
        return None
    header = (["group"] if parser.grouped else []) + parser.header
    width = len(header)
    rows = [(r + [""] * width)[:width] for r in parser.rows]
    names = list(dict.fromkeys(header))
    if len(names) < len(header):  # CSV readers want distinct names
        header = [f"{h} ({i})" if header.count(h) > 1 else h for i, h in enumerate(header, 1)]
    frame = csv_safe(pd.DataFrame(rows, columns=header, dtype=object))
    return ("\ufeff" + frame.to_csv(index=False)).encode("utf-8")


def _with_csv_links(nb: Any, *, stem: str, lang: str) -> Any:
    """A copy of ``nb`` whose every perfkit table is followed by a CSV download link."""
    nb = copy.deepcopy(nb)
    n = 0
    words = html.escape(text("download_csv", lang=lang))
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            page = out.get("data", {}).get("text/html")
            if not isinstance(page, str) or "perfkit-table" not in page:
                continue
            pieces: list[str] = []
            last = 0
            for m in _TABLE_RE.finditer(page):
                data = _table_csv(m.group(0))
                pieces.append(page[last : m.end()])
                last = m.end()
                if data is None:
                    continue
                n += 1
                name = f"{stem}_table{n:02d}.csv"
                uri = "data:text/csv;charset=utf-8;base64," + base64.b64encode(data).decode("ascii")
                pieces.append(
                    f'\n<p class="perfkit-csv"><a download="{html.escape(name)}" '
                    f'href="{uri}">{words}</a> ({html.escape(name)})</p>'
                )
            pieces.append(page[last:])
            out["data"]["text/html"] = "".join(pieces)
    return nb


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
    ``data:image/png;base64`` images, every perfkit table is followed by a link that
    downloads it as CSV (embedded as a ``data:text/csv`` URI; text that a spreadsheet would
    run as a formula is quoted by :func:`perfkit.export.csv_safe`), and the page refers to
    nothing outside: no require.js, MathJax or Mermaid from a CDN, and the template's CSS
    comments (which cite web pages) are dropped.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook (not changed).
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
    check_lang(lang)
    path = Path(path)
    exporter, lock = _exporter(lang)
    resources = {"metadata": {"name": title or path.stem}}
    page_nb = _with_csv_links(nb, stem=path.stem, lang=lang)
    with lock:
        body, _ = exporter.from_notebook_node(page_nb, resources=resources)
    body = _STYLE_RE.sub(lambda m: _CSS_COMMENT_RE.sub("", m.group(0)), body)
    with atomic_path(path, mode=mode) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return path


#: Run between two reports in one kernel: their variables, figures and prompt numbers go.
_RESET_CODE = (
    "import matplotlib.pyplot as _perfkit_plt\n"
    "_perfkit_plt.close('all')\n"
    "get_ipython().run_line_magic('reset', '-f')\n"
    "get_ipython().execution_count = 1\n"
)


#: ipykernel options of a batch kernel: no input history in IPython's database (two kernels
#: starting at once race for its session number, and one says so in the report's output,
#: so a rerun would not give the same notebook; a report's code has no need to be kept).
_KERNEL_OPTIONS = ("--HistoryManager.enabled=False",)


class _Kernel:
    """One kernel that runs several report notebooks, one after another.

    Started on first use in ``cwd``, its standard error going to a private temporary file
    (each role's part of it is kept as ``<role>.log`` when the role fails); reset between
    two notebooks; started again if it died; shut down by :meth:`close`.

    Code of the batch's own (the warm-up, the reset) is sent on the shell channel alone and
    only its reply awaited: no output is wanted, so the client needs no output channel and
    no ready handshake (which waits a fifth of a second for output to settle). Sending and
    awaiting are apart (:meth:`send`, :meth:`finish`), so the worker can do its own part of
    the work (the HTML export, its imports) while the kernel runs it.
    """

    #: Seconds the kernel may take to run the batch's own code (the warm-up reads the data).
    TIMEOUT = 180.0

    def __init__(self, cwd: str) -> None:
        import tempfile

        self.cwd = cwd
        self._dir = Path(tempfile.mkdtemp(prefix=".perfkit-kernel-"))
        self.log_path = self._dir / "kernel.log"
        self.km: Any = None
        self._log: Any = None
        self._resetting: tuple[Any, str] | None = None

    def manager(self) -> Any:
        """The kernel manager, with a live kernel (started now if needed)."""
        from jupyter_client.manager import KernelManager

        from ._forkkernel import ForkProvisioner

        if self.km is not None and self.km.is_alive():
            return self.km
        self._stop()
        if self._log is None:
            self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed by close()
        km = KernelManager(kernel_name=KERNEL_NAME)
        km.client_class = "jupyter_client.asynchronous.AsyncKernelClient"  # what nbclient drives
        # a fork of this worker when it may be (it has the report's imports), else a process
        km.kernel_id = str(uuid.uuid4())
        km.provisioner = ForkProvisioner(
            kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km
        )
        km.start_kernel(cwd=self.cwd, stderr=self._log, extra_arguments=list(_KERNEL_OPTIONS))
        self.km = km
        return km

    def send(self, code: str) -> tuple[Any, str] | None:
        """Start running ``code`` (no prompt number); :meth:`finish` awaits it.

        Returns
        -------
        (client, message id), or None when no kernel could be started.
        """
        from jupyter_client.blocking import BlockingKernelClient

        try:
            km = self.manager()
            info = km.get_connection_info(session=True)  # the session signs the messages
            kc = BlockingKernelClient(**info, connection_file=km.connection_file, parent=km)
            kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        except Exception:  # a kernel that cannot start is tried again when next needed
            self._stop()
            return None
        try:
            return kc, kc.execute(code, store_history=False, allow_stdin=False)
        except Exception:
            kc.stop_channels()
            self._stop()
            return None

    def finish(self, sent: tuple[Any, str] | None) -> bool:
        """Wait until the code :meth:`send` sent has run; a kernel that fails it is stopped.

        Returns
        -------
        bool
            True when it ran without an error.
        """
        import queue

        if sent is None:
            return False
        kc, msg_id = sent
        deadline = time.monotonic() + self.TIMEOUT
        try:
            while True:
                try:
                    msg = kc.get_shell_msg(timeout=0.5)
                except queue.Empty:
                    if self.km is None or not self.km.is_alive() or time.monotonic() > deadline:
                        self._stop()
                        return False
                    continue
                if msg.get("parent_header", {}).get("msg_id") == msg_id:
                    ok = msg.get("content", {}).get("status") == "ok"
                    if not ok:
                        self._stop()
                    return bool(ok)
        except Exception:  # a kernel that cannot run it is started afresh when next needed
            self._stop()
            return False
        finally:
            kc.stop_channels()

    def run(self, code: str) -> bool:
        """Run ``code`` in the kernel without a prompt number; a kernel that fails is stopped."""
        return self.finish(self.send(code))

    def begin_reset(self) -> None:
        """Start forgetting the last notebook (its variables, figures and prompt numbers);
        :meth:`reset` waits for it. Nothing if the kernel is dead."""
        if self._resetting is None and self.km is not None and self.km.is_alive():
            self._resetting = self.send(_RESET_CODE)

    def reset(self) -> None:
        """Forget the last notebook's variables and figures (nothing if the kernel is dead)."""
        self.begin_reset()
        sent, self._resetting = self._resetting, None
        self.finish(sent)

    def log_offset(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_since(self, offset: int) -> bytes:
        if self._log is not None:
            self._log.flush()
        try:
            with open(self.log_path, "rb") as fh:
                fh.seek(offset)
                return fh.read()
        except OSError:
            return b""

    def _stop(self) -> None:
        sent, self._resetting = self._resetting, None
        if sent is not None:
            sent[0].stop_channels()
        if self.km is None:
            return
        try:
            self.km.shutdown_kernel(now=True)
        except Exception:  # already gone
            pass
        self.km = None

    def close(self) -> None:
        self._stop()
        if self._log is not None:
            self._log.close()
            self._log = None
        self.log_path.unlink(missing_ok=True)
        try:
            self._dir.rmdir()
        except OSError:
            pass


#: Kernels a pool worker started and warmed before its first share arrived; in the batch's
#: own pool (:func:`_run_pooled`) the worker's kernel, kept until the worker exits.
_WARM: list[_Kernel] = []

#: What a warm kernel runs while the batch checks the data: the report's imports and the data.
_WARM_CODE = """import perfkit
from perfkit import display, plotting, reports, summary
import perfkit.evaluation
try:
    import perfkit.diagnostics
except Exception:
    pass
_perfkit_warm = display.load_data({data_dir!r})
del _perfkit_warm
import gc as _perfkit_gc
_perfkit_gc.collect()
_perfkit_gc.freeze()
del _perfkit_gc
"""


def _warm_worker(cwd: str, data_dir: str, lang: str = "en") -> None:
    """Pool initializer: start a kernel in the notebook's folder (a fork of this worker,
    with what a report imports) and have it read the data set, while the batch is still
    checking it; meanwhile the worker builds its HTML exporter."""
    _import_worker_modules()  # its kernel, a fork of it, starts with them
    # what is imported stays: no collection (the kernel's warm-up one included) walks it
    # again, nor touches its pages shared with the fork server
    gc.freeze()
    try:
        kernel = _Kernel(cwd)
        sent = kernel.send(_WARM_CODE.format(data_dir=data_dir))
    except Exception:  # no warm kernel: the share starts its own
        return
    try:
        _exporter(lang)
    except Exception:  # the first report builds it, or says what is wrong
        pass
    kernel.finish(sent)
    _keep(kernel)


def _keep(kernel: _Kernel) -> None:
    """Keep ``kernel`` in :data:`_WARM`, to be shut down when the worker exits."""
    _WARM.append(kernel)
    multiprocessing.util.Finalize(None, kernel.close, exitpriority=10)


def _warm_kernel(cwd: str) -> _Kernel | None:
    """The kernel this worker keeps in ``cwd`` (:data:`_WARM`), if any."""
    return next((k for k in _WARM if k.cwd == cwd), None)


def _noop() -> None:
    """A task that makes the pool start a worker (and so warm its kernel)."""


def _run_chunk(jobs: tuple[_Job, ...]) -> list[_Outcome]:
    """Run some roles' notebooks one after another in one kernel (a worker's share)."""
    if not jobs:
        return []
    kernel = _warm_kernel(jobs[0].cwd)
    if kernel is None:
        kernel = _Kernel(jobs[0].cwd)
    else:
        _WARM.remove(kernel)  # the share's to close
    try:
        return [_run_role(job, kernel) for job in jobs]
    finally:
        kernel.close()


def _worker_kernel(cwd: str) -> _Kernel:
    """This pool worker's kernel in ``cwd``: the warm one, else one started on first use;
    either is kept for the worker's next task and shut down when the worker exits."""
    kernel = _warm_kernel(cwd)
    if kernel is None:
        kernel = _Kernel(cwd)
        _keep(kernel)
    return kernel


def _run_pooled(job: _Job) -> list[_Outcome]:
    """One role's report in the worker's own kernel (a task of the batch's local pool), as
    a share of one role (:func:`_run_chunk`)."""
    return [_run_role(job, _worker_kernel(job.cwd))]


def _run_role(job: _Job, kernel: _Kernel) -> _Outcome:
    """Run one role's notebook and export it; any error becomes the role's failure.

    The kernel's own messages while it runs are kept as ``<role>.log`` beside the notebook
    only when the role fails. A marker file tells the batch the role is done (progress).
    The kernel is reset for the next report while the worker exports this one.
    """
    start = time.perf_counter()
    offset = kernel.log_offset()
    try:
        outcome = _execute_role(job, kernel)
    finally:
        kernel.reset()
    if outcome.failure is not None:
        log = Path(job.out_dir) / f"{job.role}.log"
        with atomic_path(log, mode=PRIVATE_MODE) as tmp:
            tmp.write_bytes(kernel.log_since(offset))
    (Path(job.out_dir) / f"{_DONE_PREFIX}{job.role}").touch()
    return dataclasses.replace(outcome, seconds=time.perf_counter() - start)


_DONE_PREFIX = ".perfkit-done-"


def _execute_role(job: _Job, kernel: _Kernel) -> _Outcome:
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    out_nb = Path(job.out_dir) / f"{job.role}.ipynb"
    failure = None
    nb = None
    try:
        km = kernel.manager()
        nb = pm.execute_notebook(
            job.notebook,
            str(out_nb),
            parameters=job.parameters,
            kernel_name=KERNEL_NAME,
            language="python",
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            km=km,  # the chunk's kernel, already in the notebook's folder (no chdir here)
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
    kernel.begin_reset()  # the kernel forgets this report while the worker exports it
    if not out_nb.exists():
        return _Outcome(job.role, failure=failure)
    if nb is None:  # papermill wrote the failed run (with its error marked) before raising
        nb = nbformat.read(out_nb, as_version=4)
    _strip_timing(nb)
    _publish_paths(nb, job)
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


#: Modules a pool worker needs, imported once by the fork server (:func:`_pool`): its own,
#: then its kernel's (a worker's kernel is a fork of the worker, :mod:`perfkit._forkkernel`).
_WORKER_MODULES = (
    "perfkit.reports",
    "papermill",
    "nbconvert",
    "jupyter_client.blocking",
    "ipykernel.kernelapp",
    "perfkit.plotting",
    "perfkit.summary",
    "perfkit.evaluation",
    "perfkit.diagnostics",
)


def _import_worker_modules() -> None:
    """Import :data:`_WORKER_MODULES` here: nothing to do in a worker of a fork server that
    preloaded them, but a process's first fork server may have been started by another
    pool (a Monte Carlo run's, say) without them."""
    import importlib

    for name in _WORKER_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional part missing: the kernel imports what it can
            pass


def _pool(jobs: int, *, warm: tuple[str, str, str] | None = None) -> ProcessPoolExecutor:
    """The local worker pool; with ``warm`` (notebook folder, data folder, language) each
    worker starts and warms a kernel as soon as it starts (:func:`_warm_worker`)."""
    methods = multiprocessing.get_all_start_methods()
    method = "forkserver" if "forkserver" in methods else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        # the fork server imports what a worker needs once, and each worker starts as a copy
        # of it: without this every worker imports them itself (papermill's nbformat alone
        # takes 1.5-2.5 s: jsonschema builds an IRI grammar parser when imported). Only the
        # first pool of a process starts the server; later pools share it.
        context.set_forkserver_preload(["__main__", *_WORKER_MODULES])
    if warm is None:
        return ProcessPoolExecutor(max_workers=jobs, mp_context=context)
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_warm_worker, initargs=warm
    )


def _start_workers(pool: ProcessPoolExecutor, n: int) -> threading.Thread:
    """Have the pool start its ``n`` workers (each warms a kernel), from a thread: the
    first start of the fork server waits for its imports (:data:`_WORKER_MODULES`), which
    the batch does not wait for while it checks the data."""

    def start() -> None:
        try:
            for _ in range(n):
                pool.submit(_noop)
        except Exception:  # a pool that cannot start says so when the shares are submitted
            pass

    thread = threading.Thread(target=start, name="perfkit-pool-start", daemon=True)
    thread.start()
    return thread


def _abandon(pool: ProcessPoolExecutor, starting: threading.Thread | None = None) -> None:
    """Stop a pool at once (its warm kernels stop when their worker goes)."""
    if starting is not None:
        starting.join()  # every worker it starts is stopped below
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        proc.terminate()


def _by_size(jobs: list[_Job], size: Mapping[str, int]) -> list[_Job]:
    """``jobs`` biggest role first (most people), then by role."""
    return sorted(jobs, key=lambda j: (-int(size.get(j.role, 0)), j.role))


def _chunks(jobs: list[_Job], n: int, size: Mapping[str, int]) -> list[tuple[_Job, ...]]:
    """``jobs`` in ``n`` shares of about equal work, the biggest roles spread first.

    A report costs a fixed part (charts, export) plus a part that grows with its people,
    so each role goes to the share with the least work so far (largest first); each share
    runs its biggest role first.
    """
    n = max(1, min(n, len(jobs)))
    shares: list[list[_Job]] = [[] for _ in range(n)]
    load = [0.0] * n
    for job in _by_size(jobs, size):
        k = min(range(n), key=lambda i: (load[i], i))
        shares[k].append(job)
        load[k] += 25.0 + float(size.get(job.role, 0))
    return [tuple(s) for s in shares if s]


# -- the index page -------------------------------------------------------------------------


#: The batch's plan-health findings, beside the reports (``perfkit diagnose``'s JSON form).
FINDINGS_FILE = "plan_health.json"


#: Marker files beside :data:`FINDINGS_FILE` while the batch works the findings out, and
#: when it could not (each report then works out its own, as outside a batch).
_FINDINGS_PENDING = ".perfkit-findings-pending"
_FINDINGS_NONE = ".perfkit-findings-none"


def _department_findings(dataset: Any, label: str, plans: Mapping[str, Plan]) -> list[Any] | None:
    """Every plan-health finding for the period, worked out once for the whole batch.

    ``plans`` are every plan of the folder that loads (as the batch's data check returns
    them, not only the roles reported), so a role's findings do not depend on ``--roles``.
    None when :mod:`perfkit.diagnostics` is missing or the checks refuse the data (each
    report then says so in its section).
    """
    try:
        from .diagnostics import diagnose
    except ImportError:
        return None
    try:
        return diagnose(dataset, dict(plans), label)
    except PerfkitError:
        return None


class _FindingsWriter:
    """The batch's plan-health findings, worked out in a thread while the notebooks run.

    A marker file says the findings are on their way; once worked out they are written as
    :data:`FINDINGS_FILE` in one rename (so a report never reads half of it) and only then
    is the marker removed; when they cannot be worked out a second marker says so first.
    Each report's last cell waits for either (:func:`wait_for_findings`). The findings are
    the same whenever they arrive: one computation on the data and plans of the batch. On
    a first batch the thread has the batch's process to itself while the pool's fork server
    imports what the workers need.
    """

    def __init__(self, dataset: Any, label: str, plans: Mapping[str, Plan], folder: Path) -> None:
        self.folder = folder
        self._found: list[Any] | None = None
        self._error: BaseException | None = None
        (folder / _FINDINGS_PENDING).touch()
        self._thread = threading.Thread(
            target=self._work,
            args=(dataset, label, plans),
            name="perfkit-plan-health",
            daemon=True,  # an interrupted batch does not wait for it
        )
        self._thread.start()

    def _work(self, dataset: Any, label: str, plans: Mapping[str, Plan]) -> None:
        written = False
        try:
            found = _department_findings(dataset, label, plans)
            if found is not None:
                from .diagnostics import findings_document

                with atomic_path(self.folder / FINDINGS_FILE, mode=PRIVATE_MODE) as part:
                    part.write_text(findings_document(found), encoding="utf-8")
                written = True
            self._found = found
        except BaseException as exc:  # raised again by result(), in the batch's thread
            self._error = exc
        finally:
            try:
                if not written:
                    (self.folder / _FINDINGS_NONE).touch()
                (self.folder / _FINDINGS_PENDING).unlink(missing_ok=True)
            except OSError:  # the batch was interrupted and its folder removed
                pass

    def result(self) -> list[Any] | None:
        """The findings (None if they could not be worked out), once written.

        Raises
        ------
        Exception
            What working them out or writing them raised.
        """
        self._thread.join()
        (self.folder / _FINDINGS_NONE).unlink(missing_ok=True)
        if self._error is not None:
            raise self._error
        return self._found


def wait_for_findings(path: str | Path, *, timeout: float = 3600.0) -> str:
    """The plan-health findings file a report batch is writing, once it is written whole.

    The batch works the department's findings out while its notebooks run, and each
    report's last cell waits here for them (:class:`_FindingsWriter`); a findings file
    written before (``perfkit diagnose --format json``) is returned at once.

    Parameters
    ----------
    path : str or Path
        The ``findings_file`` parameter of the report notebook; empty outside a batch.
    timeout : float
        Seconds to wait at most.

    Returns
    -------
    str
        ``path`` when the file is there, or nobody is writing it (then reading it says what
        is wrong); ``""`` when ``path`` is empty or the batch could not work the findings
        out (the report then works out its own, as outside a batch).

    Raises
    ------
    PerfkitError
        If the batch has not written them within ``timeout`` seconds.
    """
    if not path:
        return ""
    path = Path(path)
    pending, none = path.with_name(_FINDINGS_PENDING), path.with_name(_FINDINGS_NONE)
    deadline = time.monotonic() + timeout
    while pending.exists():
        if path.is_file() or none.exists():
            break
        if time.monotonic() > deadline:
            raise PerfkitError(
                f"{path}: the report batch did not write its plan-health findings within "
                f"{timeout:.0f} s"
            )
        time.sleep(0.05)
    # the batch writes the file (or the second marker) before it removes the first marker
    if path.is_file() or not none.exists():
        return str(path)
    return ""


def _most_severe_findings(
    found: list[Any] | None, roles: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """Each role's most severe finding, as its report's plan-health section lists it first."""
    if not found:
        return {}
    from .diagnostics import Finding, for_role, most_severe
    from .diagnostics.run import subject_text

    out: dict[str, dict[str, Any]] = {}
    for role in roles:
        top = most_severe(for_role(found, role))
        if isinstance(top, Finding):
            out[role] = {
                "kind": top.kind,
                "severity": top.severity,
                "subject": subject_text(top.subject),
                "subject_zh": subject_text(top.subject, lang="zh"),
            }
    return out


def _finding_text(found: Mapping[str, Any] | None, lang: str) -> str:
    if not found:
        return ""
    from .diagnostics import KIND_LABELS

    labels = dict(KIND_LABELS)
    kind = found.get("kind", "")
    words = labels.get(kind, (kind, kind))[1 if lang == "zh" else 0]
    sev_key = f"severity_{found.get('severity', '')}"
    sev = text(sev_key, lang=lang) if sev_key in TEXT else str(found.get("severity", ""))
    subject = str(
        found.get("subject_zh" if lang == "zh" else "subject", "") or found.get("subject", "")
    )
    if len(subject) > 30:
        subject = subject[:29] + "…"
    open_, close = ("（", "）") if lang == "zh" else (" (", ")")
    return (
        f"{sev}{colon(lang)}{words}{open_}{subject}{close}"
        if subject
        else f"{sev}{colon(lang)}{words}"
    )


def _signed(value: float, column: str, lang: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return format_value(column, value, lang=lang)


_INDEX_CSS = """
  body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 2em auto;
    max-width: 96em; padding: 0 1em; color: #1a1a1a; font-size: 14px; }
  table.overview td:first-child { white-space: nowrap; }
  table.overview td:nth-child(n+2):nth-child(-n+6) { text-align: right; white-space: nowrap;
    font-variant-numeric: tabular-nums; }
  table.overview td.finding { font-size: 12px; min-width: 14em; max-width: 20em; }
  table.overview th { max-width: 9em; }
  th { word-break: keep-all; }
  table { border-collapse: collapse; margin: 0.6em 0 1.2em; }
  th, td { padding: 4px 9px; text-align: left; border-bottom: 1px solid #ddd;
    vertical-align: top; }
  th { background: #f3f5f8; vertical-align: bottom; }
  th.num { text-align: right; }
  td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
  td.nowrap { white-space: nowrap; }
  tr.total td { font-weight: 600; border-top: 2px solid #888; }
  .flag { color: #a33b00; white-space: nowrap; }
  .muted { color: #666; }
  dl { display: grid; grid-template-columns: max-content auto; gap: 0.3em 1em; }
  dt { font-weight: 600; }
  dd { margin: 0; }
  li code { white-space: pre-wrap; }
"""


def _index_html(
    period: str,
    reports: list[RoleReport],
    failures: list[RoleFailure],
    *,
    lang: str,
    reconciliation: pd.DataFrame | None = None,
    findings: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """The index page: an overview of the batch (every text escaped)."""
    from .summary import overview

    esc = html.escape
    findings = findings or {}
    heading_ = f"{text('reports_index', lang=lang)} · {text('period_word', lang=lang)} {period}"
    table = overview([r.headline for r in reports])
    show_finding = bool(findings)
    cols: list[tuple[str, str]] = [
        ("role", ""),
        ("headcount", "num"),
        ("mean_composite", "num"),
        ("change_composite", "num"),
        ("share_at_target", "num"),
        ("change_share", "num"),
        ("rating_spread", "nowrap"),
        ("flagged", ""),
    ]
    if show_finding:
        cols.append(("finding", ""))
    header = "".join(
        f'<th class="{c}">{esc(text(k, lang=lang))}</th>'
        if c
        else f"<th>{esc(text(k, lang=lang))}</th>"
        for k, c in cols
    )
    links = {r.role: r.html.name for r in reports}
    rows = []
    for row in table.itertuples(index=False):
        total = row.role == "total"
        if total:
            name_cell = esc(text("total", lang=lang))
        else:
            name = row.name_zh if lang == "zh" else row.name
            name_cell = f'<a href="{esc(links[row.role])}">{esc(name)}</a>'
        flagged = "<br>".join(
            '<span class="flag">'
            + esc(
                text("vs_guideline", lang=lang).format(
                    band=band, share=f"{share:.0%}", guide=f"{guide:.0%}"
                )
            )
            + "</span>"
            for band, share, guide in row.flagged
        )
        cells = [
            f"<td>{name_cell}</td>",
            f"<td>{esc(str(row.headcount))}</td>",
            f"<td>{esc(format_value('mean_composite', row.mean_composite))}</td>",
            f"<td>{esc(_signed(row.change_composite, 'change_composite', lang))}</td>",
            f"<td>{esc(format_value('share_at_target', row.share_at_target))}</td>",
            f"<td>{esc(_signed(row.change_share, 'change_share', lang))}</td>",
            f'<td class="nowrap">{esc(rating_spread(row.bands))}</td>',
            f"<td>{flagged}</td>",
        ]
        if show_finding:
            words = "" if total else _finding_text(findings.get(row.role), lang)
            link = (
                f'<a href="{esc(links[row.role])}">{esc(words)}</a>' if words and not total else ""
            )
            cells.append(f'<td class="finding">{link}</td>')
        rows.append(f'<tr class="{"total" if total else "role"}">' + "".join(cells) + "</tr>")

    terms = [
        ("composite", "term_composite"),
        ("share_at_target", "term_share_at_target"),
        ("rating_spread", "term_rating_spread"),
        ("flagged", "term_flagged"),
        ("change", "term_change"),
    ]
    if show_finding:
        terms.append(("finding", "term_finding"))
    glossary = "\n".join(
        f"<dt>{esc(text(t, lang=lang))}</dt><dd>{esc(text(d, lang=lang))}</dd>" for t, d in terms
    )
    quality = []
    for rep in reports:
        counts = rep.headline.get("quality")
        if counts and any(counts.values()):
            name = rep.headline.get("name_zh" if lang == "zh" else "name", rep.role)
            quality.append(
                f"<li>{esc(str(name))}{esc(colon(lang))}{esc(quality_line(counts, lang=lang))}</li>"
            )
    quality_block = (
        f"<h2>{esc(text('quality', lang=lang))}</h2>\n<ul>\n" + "\n".join(quality) + "\n</ul>\n"
        if quality
        else ""
    )
    rec_block = ""
    if reconciliation is not None and len(reconciliation):
        names = {
            r.role: r.headline.get("name_zh" if lang == "zh" else "name", r.role) for r in reports
        }
        rec_rows = []
        for item, role, people in reconciliation.itertuples(index=False):
            words = text(f"rec_{item}", lang=lang)
            if role:
                words += f"{colon(lang)}{names.get(role, role)}"
            indent = "" if item in ("in_file", "evaluated") else "&nbsp;&nbsp;– "
            cls = ' class="total"' if item == "evaluated" else ""
            rec_rows.append(
                f'<tr{cls}><td>{indent}{esc(words)}</td><td class="num">{esc(str(people))}</td></tr>'
            )
        rec_block = (
            f"<h2>{esc(text('reconciliation', lang=lang))}</h2>\n"
            f'<p class="muted">{esc(text("about_reconciliation", lang=lang))}</p>\n'
            f'<table class="reconciliation">\n<thead><tr><th></th><th class="num">'
            f"{esc(text('people', lang=lang))}</th></tr></thead>\n<tbody>\n"
            + "\n".join(rec_rows)
            + "\n</tbody>\n</table>\n"
        )
    fail_items = []
    for f in failures:
        link = f' (<a href="{esc(f.notebook)}">{esc(f.notebook)}</a>)' if f.notebook else ""
        fail_items.append(f"<li><code>{esc(str(f))}</code>{link}</li>")
    fail_block = (
        f"<h2>{esc(text('failed', lang=lang))}</h2>\n<ul>\n" + "\n".join(fail_items) + "\n</ul>\n"
        if failures
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="{"zh-Hans" if lang == "zh" else "en"}">
<head>
<meta charset="utf-8">
<title>{esc(heading_)}</title>
<style>{_INDEX_CSS}</style>
</head>
<body>
<h1>{esc(heading_)}</h1>
<p class="muted">{esc(text("index_intro", lang=lang))}</p>
<table class="overview">
<thead><tr>{header}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<h2>{esc(text("glossary", lang=lang))}</h2>
<dl>
{glossary}
</dl>
{rec_block}{quality_block}{fail_block}</body>
</html>
"""


def _write_index(
    folder: Path,
    period: str,
    reports: list[RoleReport],
    failures: list[RoleFailure],
    *,
    lang: str,
    reconciliation: pd.DataFrame | None = None,
    findings: Mapping[str, Mapping[str, Any]] | None = None,
) -> Path:
    path = folder / "index.html"
    page = _index_html(
        period, reports, failures, lang=lang, reconciliation=reconciliation, findings=findings
    )
    with atomic_path(path, mode=PRIVATE_MODE) as tmp:
        tmp.write_text(page, encoding="utf-8")
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
    executor: Executor | None = None,
) -> BatchResult:
    """Run the role report notebook for each role and write HTML reports with an index.

    ``"latest"`` is resolved once, from the data's months and the plans' period kind, so
    every report covers the same period. Each worker runs its roles' notebooks under
    papermill one after another in one kernel (reset between reports), with absolute paths
    as parameters: in the local pool each role goes to the next worker free (the biggest
    roles first), on an ``executor`` in ``jobs`` shares of about equal work. Everything is
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
        Reports run at the same time, each worker in one kernel: worker processes of the
        local pool (1 runs the notebooks one after another in this process), or shares
        given to ``executor``.
    lang : {"en", "zh"}
        Report language.
    show_pay : bool
        Include the payout summary; off by default, when no pay figure appears anywhere.
    output_dir : str or Path
        Reports folder; this run writes ``<output_dir>/<period>/``.
    progress : bool
        Show a tqdm progress bar on stderr (one step per report).
    notebook : str or Path, optional
        The notebook to run; ``notebooks/role_report.ipynb`` by default.
    mode : str or int, optional
        Mode of the files published, e.g. ``0o640`` (folders get ``x`` where they can be
        read); by default ``$PERFKIT_OUTPUT_MODE``, else ``0600`` (folders ``0700``).
    executor : concurrent.futures.Executor, optional
        Where the shares run: any executor, e.g. a ``ThreadPoolExecutor``, a
        ``ProcessPoolExecutor`` or a ``dask.distributed`` client's ``get_executor()``
        (its workers must see ``output_dir`` and the data). It is left running. By default
        a local process pool of ``jobs`` workers, shut down at the end.

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
    from .summary import headcount_reconciliation
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
    # the local pool starts now: its workers warm a kernel each while the data are checked
    workers = min(jobs, len(plans))
    warm_pool = None
    starting = None
    if executor is None and workers > 1:
        warm_pool = _pool(workers, warm=(str(nb_path.parent), str(data_dir), lang))
        starting = _start_workers(warm_pool, workers)
    try:
        # the checks of perfkit validate; a role whose plan is broken fails on its own
        dataset, every_plan = load_checked(data_dir, plans_dir=plans_dir, broken_plans=True)
        label = resolve_periods(period, dataset=dataset, plans=plans)[-1].label
    except BaseException:
        if warm_pool is not None:
            _abandon(warm_pool, starting)
        raise
    output_dir = Path(output_dir)
    folder = output_dir / label
    size = dataset.employees["role"].astype(str).value_counts().to_dict()

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
                "findings_file": "",
            },
        )
        for role in plans
    ]
    outcomes: dict[str, _Outcome] = {}
    try:
        with atomic_dir(folder, mode=file_mode) as tmp:
            # plan health once for the batch, worked out while the notebooks run (each
            # report's last cell waits for it): every report shows its role's part and the
            # index each role's most severe finding
            health = _FindingsWriter(dataset, label, every_plan, tmp)
            jobs_list = [_with_out_dir(j, tmp.resolve(), folder.resolve()) for j in jobs_list]
            bar = tqdm(
                total=len(jobs_list), desc=f"reports {label}", unit="report", disable=not progress
            )
            try:
                if executor is None and warm_pool is None:
                    for share in _chunks(jobs_list, jobs, size):
                        for out in _run_chunk(share):
                            outcomes[out.role] = out
                            bar.update()
                else:
                    own = executor is None
                    pool = warm_pool if own else executor
                    assert pool is not None
                    try:
                        futures: dict[Future[list[_Outcome]], tuple[_Job, ...]] = {}
                        if own:  # one task per role, biggest first, for the next worker free
                            for job in _by_size(jobs_list, size):
                                futures[pool.submit(_run_pooled, job)] = (job,)
                        else:  # shares of about equal work, each in one kernel
                            for share in _chunks(jobs_list, jobs, size):
                                futures[pool.submit(_run_chunk, share)] = share
                        pending = set(futures)
                        while pending:
                            done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                            finished = len(list(tmp.glob(f"{_DONE_PREFIX}*")))
                            if finished != bar.n:
                                bar.n = finished
                                bar.refresh()
                            for fut in done:
                                try:
                                    for out in fut.result():
                                        outcomes[out.role] = out
                                except Exception as exc:  # a worker process that died
                                    for job in futures[fut]:
                                        outcomes.setdefault(
                                            job.role,
                                            _Outcome(
                                                job.role,
                                                failure=RoleFailure(
                                                    job.role,
                                                    None,
                                                    type(exc).__name__,
                                                    _first_line(str(exc)),
                                                ),
                                            ),
                                        )
                    except BaseException:
                        if own and warm_pool is not None:
                            _abandon(warm_pool, starting)  # Ctrl-C: stop them and their kernels
                            warm_pool = None
                        raise
                    finally:
                        if own and warm_pool is not None:
                            warm_pool.shutdown(wait=True, cancel_futures=True)
                bar.n = len(jobs_list)
                bar.refresh()
            finally:
                bar.close()
                for marker in tmp.glob(f"{_DONE_PREFIX}*"):
                    marker.unlink(missing_ok=True)

            found = health.result()
            findings = _most_severe_findings(found, plans)
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
            reported = {r.role: int(r.headline.get("headcount", 0)) for r in reports}
            try:
                reconciliation = headcount_reconciliation(
                    dataset.employees, period=label, plans=plan_files(plans_dir), reported=reported
                )
            except Exception:  # an index without the reconciliation rather than no reports
                reconciliation = None
            _write_index(
                tmp,
                label,
                reports,
                failures,
                lang=lang,
                reconciliation=reconciliation,
                findings={r: f for r, f in findings.items() if r in reported},
            )
    finally:
        if warm_pool is not None:  # e.g. the folder could not be written
            warm_pool.shutdown(wait=False, cancel_futures=True)
    return BatchResult(
        period=label,
        folder=folder,
        index_path=folder / "index.html",
        reports=reports,
        failures=failures,
    )


def _with_out_dir(job: _Job, out_dir: Path, published_dir: Path) -> _Job:
    parameters = dict(job.parameters)
    parameters["findings_file"] = str(out_dir / FINDINGS_FILE)
    return dataclasses.replace(
        job, out_dir=str(out_dir), parameters=parameters, published_dir=str(published_dir)
    )


def _publish_paths(nb: Any, job: _Job) -> None:
    """Write the batch's temporary folder in ``nb``'s parameters as the published one."""
    if not job.published_dir:
        return
    from papermill.translators import PythonTranslator

    old = job.parameters.get("findings_file", "")
    if not old:
        return
    new = str(Path(job.published_dir) / Path(old).relative_to(job.out_dir))
    params = nb.metadata.get("papermill", {}).get("parameters", {})
    if params.get("findings_file") == old:
        params["findings_file"] = new
    literal = (PythonTranslator.translate_str(old), PythonTranslator.translate_str(new))
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["source"] = cell["source"].replace(*literal)


__all__ = [
    "BatchResult",
    "ReportError",
    "RoleFailure",
    "RoleReport",
    "export_html",
    "run_reports",
    "wait_for_findings",
]
