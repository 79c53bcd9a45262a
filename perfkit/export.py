"""Writing an :class:`~perfkit.evaluation.Evaluation` to Excel, CSV or Parquet for payroll.

The format follows the file suffix:

- ``.xlsx``: one workbook a payroll clerk can read without help: ``Payouts`` (one row per
  person and period, a TOTAL row per currency that is the sum of the rounded lines),
  ``Metric scores`` (one row per person, period and metric) and ``Read me`` (what each
  column means, the rounding rule and the plan versions used);
- ``.csv``: the results frame to ``path`` and the metric scores beside it to
  ``<stem>_scores.csv`` (UTF-8, comma separated, one header row);
- ``.parquet``: the same two frames, ``path`` and ``<stem>_scores.parquet``.

Every file is written to a temporary name first and moved into place (atomic), private to
its owner unless another mode is asked for (:mod:`perfkit.fsutil`). Two rules hold in every
file written here:

- **No formulas from the data.** A text cell from the input (a name, a team, a plan label,
  a note) that a spreadsheet would read as a formula, i.e. one starting with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return (:func:`formula_like`, OWASP "CSV injection"),
  is written as text: a string cell with Excel's quote prefix in a workbook, a leading
  apostrophe in a CSV. Parquet keeps typed values as they are (no spreadsheet evaluates it).
- **Same inputs, same bytes.** The workbook's dates (document properties and zip entries)
  are the end of the last period evaluated, never the time of the run.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError, PerfkitError
from .fsutil import atomic_paths
from .payout import total_amount

#: Suffixes :func:`write_evaluation` understands.
SUFFIXES = (".xlsx", ".csv", ".parquet")

#: First characters that make a spreadsheet read a text cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Characters an Excel workbook cannot hold (openpyxl refuses them): C0 controls but tab,
#: line feed and carriage return.
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

_MONEY = "#,##0.00"
_PCT = "0.0%"

# (header, results column, number format or None, width)
_PAYOUT_SHEET = [
    ("Employee ID", "employee_id", None, 12),
    ("Name", "name", None, 22),
    ("Role", "role", None, 22),
    ("Team", "team", None, 20),
    ("Period", "period", None, 9),
    ("Rating", "rating", None, 8),
    ("Payout % of target bonus", "payout_pct", _PCT, 13),
    ("Target bonus (period)", "target_bonus", _MONEY, 14),
    ("Proration", "proration", _PCT, 11),
    ("Modifier", "modifier", "0.00", 10),
    ("Payout amount", "payout_amount", _MONEY, 15),
    ("Currency", "currency", None, 9),
    ("Explanation", "explanation", None, 120),
]

_SCORE_SHEET = [
    ("Employee ID", "employee_id", None, 12),
    ("Period", "period", None, 9),
    ("Role", "role", None, 22),
    ("Team", "team", None, 20),
    ("Metric", "metric", None, 22),
    ("Metric name", "label", None, 36),
    ("Kind", "kind", None, 13),
    ("Better when", "direction", None, 11),
    ("Actual", "actual", "#,##0.0000", 14),
    ("Target", "target", "#,##0.0000", 14),
    ("Achievement", "achievement", _PCT, 13),
    ("Score", "score", "0.000", 9),
    ("Weight", "weight", _PCT, 9),
    ("Weighted score", "weighted_score", "0.000", 10),
    ("Note", "note", None, 60),
]

_README_COLUMNS = [
    ("Payouts", "Employee ID, Name, Role, Team", "Who, from the employees file."),
    ("Payouts", "Period", "The evaluation period: 2026Q3 is July to September 2026."),
    ("Payouts", "Rating", "Rating band of the composite score (S best, D lowest); empty when no "
     "metric could be scored."),
    ("Payouts", "Payout % of target bonus", "Share of the period target bonus paid, after the "
     "team component, the modifier and the person cap, before proration. 100% = on target."),
    ("Payouts", "Target bonus (period)", "Annual target bonus x months in the period / 12."),
    ("Payouts", "Proration", "Days employed in the period / calendar days of the period (hire "
     "and leave dates included); 100% for a full period."),
    ("Payouts", "Modifier", "The manager's discretionary multiplier (1.00 = none)."),
    ("Payouts", "Payout amount", "Target bonus x payout % x proration, rounded half-up to cents "
     "once. This is the amount to pay."),
    ("Payouts", "TOTAL", "Sum of the rounded payout amounts above, per currency."),
    ("Payouts", "Explanation", "How the amount was reached, in words: composite and band, "
     "payout-curve tier, individual and team components, gates, modifier, caps, proration."),
    ("Metric scores", "Actual", "The metric's value for the period (rolled up from monthly "
     "actuals or manager ratings); empty when it could not be measured (see Note)."),
    ("Metric scores", "Target", "The person's target for the period."),
    ("Metric scores", "Achievement", "Actual / target (2 - actual / target when lower is "
     "better); 100% = on target."),
    ("Metric scores", "Score", "Achievement turned into a score on the plan's curve; 1.000 = on "
     "target."),
    ("Metric scores", "Weight", "The metric's weight in the composite, re-normalised over the "
     "metrics that could be scored."),
    ("Metric scores", "Weighted score", "Score x weight; the composite is their sum."),
]  # fmt: skip


def write_evaluation(
    evaluation: Any, path: str | Path, *, mode: str | int | None = None
) -> list[Path]:
    """Write an evaluation's results (and metric scores) to ``path``, by its suffix.

    Parameters
    ----------
    evaluation : perfkit.evaluation.Evaluation
    path : str or Path
        ``*.xlsx`` (one workbook), ``*.csv`` or ``*.parquet`` (results to ``path``, metric
        scores to ``<stem>_scores<suffix>`` beside it).
    mode : str or int, optional
        Mode of the files written, e.g. ``0o640``; by default ``$PERFKIT_OUTPUT_MODE``, else
        ``0600`` (see :func:`perfkit.fsutil.output_mode`).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    PerfkitError
        If the suffix is not one of ``.xlsx``, ``.csv``, ``.parquet``.
    DataError
        If a text holds a control character a workbook cannot store (``.xlsx``).
    OutputError
        If a file cannot be written (read-only folder, full disk, ...); no file was changed.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise PerfkitError(
            f"{path}: cannot write a {suffix or 'suffix-less'} file; name the output with one of "
            f"{', '.join(SUFFIXES)} (e.g. payouts.xlsx)"
        )
    if suffix == ".xlsx":
        _write_xlsx(evaluation, path, mode=mode)
        return [path]
    scores_path = path.with_name(f"{path.stem}_scores{path.suffix}")
    frames = (evaluation.results, evaluation.scores)
    with atomic_paths([path, scores_path], mode=mode) as tmps:
        if suffix == ".csv":
            for frame, tmp in zip(frames, tmps, strict=True):
                csv_safe(frame).to_csv(tmp, index=False, encoding="utf-8")
        else:  # Arrow encodes outside the GIL: the two files are written side by side
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(2) as pool:
                list(pool.map(_write_parquet, frames, tmps))  # a writer's error is raised here
    return [path, scores_path]


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """``frame`` as Parquet, with dictionary pages for its text columns only.

    Numbers rarely repeat, so dictionary pages for them only cost time.
    """
    text = [c for c in frame.columns if frame[c].dtype == "str"]
    frame.to_parquet(path, index=False, use_dictionary=text)


def formula_like(value: Any) -> bool:
    """Whether a spreadsheet would read ``value`` as a formula (OWASP "CSV injection").

    True for text starting with one of :data:`FORMULA_STARTS` (``=``, ``+``, ``-``, ``@``, a
    tab, a carriage return), e.g. ``=HYPERLINK("http://x","click")``; numbers never are.
    Every spreadsheet writer of perfkit writes such a value as text.

    Returns
    -------
    bool
    """
    return isinstance(value, str) and value[:1] in FORMULA_STARTS


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose formula-like text values (:func:`formula_like`) start with ``'``.

    A spreadsheet opening the CSV then shows ``'=HYPERLINK(...)`` as text instead of running
    it. Numbers and other text are left as they are.

    Returns
    -------
    DataFrame
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype.kind in "biufcmM":
            continue
        values = out[col].to_numpy(dtype=object)
        flagged = np.fromiter(map(formula_like, values), dtype=bool, count=len(values))
        if flagged.any():
            values = values.copy()
            values[flagged] = ["'" + v for v in values[flagged]]
            out[col] = values
    return out


def _text_cell(ws: Any, value: str) -> Any:
    """A cell holding ``value`` as text even where Excel would read a formula."""
    from openpyxl.cell import WriteOnlyCell

    c = WriteOnlyCell(ws, value=value)
    c.data_type = "s"
    c.quotePrefix = True  # editing the cell in Excel keeps it text
    return c


def _check_text(value: Any, where: str) -> None:
    """Refuse text a workbook cannot hold, naming where it is and the fix."""
    if isinstance(value, str) and (bad := _ILLEGAL_XLSX.search(value)):
        raise DataError(
            f"{where} holds the control character U+{ord(bad.group()):04X}, which an Excel "
            "workbook cannot store; remove it from the input file it came from (the "
            "employees file for names and teams, the plan for labels), or write .csv instead"
        )


def _cell_value(v: Any) -> Any:
    """A value openpyxl can store: NaN/NA become empty cells, numpy scalars plain Python."""
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float | np.floating):
        return None if np.isnan(v) else float(v)
    if isinstance(v, np.bool_ | bool):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def _sheet(wb: Any, title: str, frame: pd.DataFrame, spec: list[tuple[str, str, Any, int]],
           extra_rows: Sequence[list[Any]] = (), *, path: Path) -> None:  # fmt: skip
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    for i, (_, _, _, width) in enumerate(spec, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(spec))}{max(len(frame), 1) + 1}"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    header = []
    for name, _, _, _ in spec:
        c = WriteOnlyCell(ws, value=name)
        c.font = bold
        c.fill = fill
        c.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(c)
    ws.append(header)
    columns = [frame[col].to_numpy(dtype=object) for _, col, _, _ in spec]
    formats = [fmt for _, _, fmt, _ in spec]
    names = [name for name, _, _, _ in spec]
    for i, values in enumerate(zip(*columns, strict=True)):
        row = []
        for v, fmt, name in zip(values, formats, names, strict=True):
            v = _cell_value(v)
            if isinstance(v, str):
                _check_text(v, f"{path}: sheet {title}, row {i + 2} ({values[0]}), {name}")
                row.append(_text_cell(ws, v) if formula_like(v) else v)
            elif fmt is not None and v is not None:
                c = WriteOnlyCell(ws, value=v)
                c.number_format = fmt
                row.append(c)
            else:
                row.append(v)
        ws.append(row)
    for extra in extra_rows:
        row = []
        for v, fmt in zip(extra, formats, strict=False):
            if isinstance(v, str):
                _check_text(v, f"{path}: sheet {title}, total row")
            c = _text_cell(ws, v) if formula_like(v) else WriteOnlyCell(ws, value=v)
            c.font = bold
            if fmt is not None and v is not None:
                c.number_format = fmt
            row.append(c)
        ws.append(row)


def _total_rows(results: pd.DataFrame, periods: list[Any]) -> list[list[Any]]:
    """One TOTAL row per currency, the amount being the sum of the rounded lines."""
    rows = []
    label = "TOTAL" if len(periods) != 1 else f"TOTAL {periods[0]}"
    cols = [col for _, col, _, _ in _PAYOUT_SHEET]
    for cur in sorted(results["currency"].dropna().unique()):
        sub = results[results["currency"] == cur]
        row: list[Any] = [None] * len(cols)
        row[0] = label
        row[1] = f"{len(sub)} lines"
        row[cols.index("payout_amount")] = total_amount(sub["payout_amount"])
        row[cols.index("currency")] = str(cur)
        rows.append(row)
    return rows


def _stamp(evaluation: Any) -> dt.datetime:
    """The date a workbook carries: the end of the last period evaluated (not the run's time)."""
    ends = [p.end for p in evaluation.periods]
    end = max(ends) if ends else dt.date(2000, 1, 1)
    return dt.datetime(end.year, end.month, end.day)


_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")


def _repeatable_zip(path: Path, stamp: dt.datetime) -> None:
    """Rewrite a saved workbook with ``stamp`` as every date, so equal inputs give equal bytes.

    openpyxl dates the document properties and each zip entry with the time of saving.
    """
    with zipfile.ZipFile(path) as zin:
        entries = [(info.filename, zin.read(info)) for info in zin.infolist()]
    when = stamp.timetuple()[:6]
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zout:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = _CORE_DATES.sub(lambda m: m.group(1) + iso + m.group(2), data)
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zout.writestr(info, data)


def _write_xlsx(evaluation: Any, path: Path, *, mode: str | int | None = None) -> None:
    """Build the workbook straight into a temporary file beside ``path``, then move it there.

    The temporary file is made first, so an output that cannot be written fails before any
    work; a workbook left unfinished (bad text) is closed, never left to the garbage collector.
    """
    from openpyxl import Workbook

    stamp = _stamp(evaluation)
    with atomic_paths([path], mode=mode) as (tmp,):
        wb = Workbook(write_only=True)
        try:
            _fill_workbook(wb, evaluation, path)
        except BaseException:
            for ws in wb.worksheets:
                try:
                    ws.close()
                except Exception:  # noqa: S110 - discarding a workbook that failed anyway
                    pass
            raise
        wb.properties.created = wb.properties.modified = stamp
        wb.properties.creator = "perfkit"
        wb.save(tmp)
        _repeatable_zip(tmp, stamp)


def _fill_workbook(wb: Any, evaluation: Any, path: Path) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    from . import __version__

    results = evaluation.results
    scores = evaluation.scores.copy()
    labels = {
        (role, m.key): m.label for role, plan in evaluation.plans.items() for m in plan.metrics
    }
    scores["label"] = [
        labels.get(k, "") for k in zip(scores["role"], scores["metric"], strict=True)
    ]
    periods = [p.label for p in evaluation.periods]
    _sheet(wb, "Payouts", results, _PAYOUT_SHEET, _total_rows(results, periods), path=path)
    _sheet(wb, "Metric scores", scores, _SCORE_SHEET, path=path)

    ws = wb.create_sheet("Read me")
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 34
    ws.column_dimensions["C"].width = 100
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def line(*values: Any, strong: bool = False) -> None:
        cells = []
        for v in values:
            _check_text(v, f"{path}: sheet Read me, line {values[0]!r}")
            c = _text_cell(ws, v) if formula_like(v) else WriteOnlyCell(ws, value=v)
            c.alignment = wrap
            if strong:
                c.font = bold
            cells.append(c)
        ws.append(cells)

    totals = "; ".join(f"{v:,.2f} {c}" for c, v in evaluation.total().items()) or "nothing"
    line("perfkit payouts", strong=True)
    line("Periods", ", ".join(periods))
    line("Summary", evaluation.describe())
    line("Total to pay", totals)
    line("Made with", f"perfkit {__version__}")
    line("Rounding", "Each payout amount is rounded half-up to cents once, at the end; totals "
         "are sums of the rounded amounts, so they reconcile with the lines.")  # fmt: skip
    line()
    line("Plans used", strong=True)
    line("Role", "Plan (version)", "Payout rules", strong=True)
    for role, plan in sorted(evaluation.plans.items()):
        pc = plan.payout.curve
        rules = (
            f"per {plan.period}; payout {pc.threshold_payout:.0%} at composite {pc.threshold:g}, "
            f"{pc.target_payout:.0%} at {pc.target:g}, {pc.stretch_payout:.0%} at {pc.stretch:g} "
            f"(cap {pc.cap:.0%}); team share {plan.payout.team_share:.0%} on "
            f"{plan.payout.team_measure}; person cap {plan.payout.person_cap:.0%}; modifier "
            f"{plan.payout.modifier_min:g} to {plan.payout.modifier_max:g}; proration "
            f"{plan.payout.proration}; gates: "
            + (", ".join(f"{g.key} ({g.metric} ≥ {g.min_achievement:.0%})" for g in plan.gates)
               or "none")
        )  # fmt: skip
        line(role, f"{plan.name} (version {plan.version}, {plan.currency})", rules)
    line()
    line("Columns", strong=True)
    line("Sheet", "Column", "Meaning", strong=True)
    for sheet, col, meaning in _README_COLUMNS:
        line(sheet, col, meaning)
