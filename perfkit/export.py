"""Writing an :class:`~perfkit.evaluation.Evaluation` to Excel, CSV or Parquet for payroll.

The format follows the file suffix:

- ``.xlsx``: one workbook a payroll clerk can read without help: ``Payouts`` (one row per
  person and period, a TOTAL row per currency that is the sum of the rounded lines),
  ``Metric scores`` (one row per person, period and metric) and ``Read me`` (what each
  column means, the rounding rule and the plan versions used);
- ``.csv``: the results frame to ``path`` and the metric scores beside it to
  ``<stem>_scores.csv`` (UTF-8, comma separated, one header row);
- ``.parquet``: the same two frames, ``path`` and ``<stem>_scores.parquet``.

Every file is written to a temporary name first and moved into place (atomic).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import PerfkitError
from .fsutil import atomic_path
from .payout import total_amount

#: Suffixes :func:`write_evaluation` understands.
SUFFIXES = (".xlsx", ".csv", ".parquet")

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


def write_evaluation(evaluation: Any, path: str | Path) -> list[Path]:
    """Write an evaluation's results (and metric scores) to ``path``, by its suffix.

    Parameters
    ----------
    evaluation : perfkit.evaluation.Evaluation
    path : str or Path
        ``*.xlsx`` (one workbook), ``*.csv`` or ``*.parquet`` (results to ``path``, metric
        scores to ``<stem>_scores<suffix>`` beside it).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    PerfkitError
        If the suffix is not one of ``.xlsx``, ``.csv``, ``.parquet``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise PerfkitError(
            f"{path}: cannot write a {suffix or 'suffix-less'} file; name the output with one of "
            f"{', '.join(SUFFIXES)} (e.g. payouts.xlsx)"
        )
    if suffix == ".xlsx":
        _write_xlsx(evaluation, path)
        return [path]
    scores_path = path.with_name(f"{path.stem}_scores{path.suffix}")
    for frame, target in ((evaluation.results, path), (evaluation.scores, scores_path)):
        with atomic_path(target) as tmp:
            if suffix == ".csv":
                frame.to_csv(tmp, index=False, encoding="utf-8")
            else:
                frame.to_parquet(tmp, index=False)
    return [path, scores_path]


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
           extra_rows: list[list[Any]] = ()) -> None:  # fmt: skip
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
    for values in zip(*columns, strict=True):
        row = []
        for v, fmt in zip(values, formats, strict=True):
            v = _cell_value(v)
            if fmt is not None and v is not None:
                c = WriteOnlyCell(ws, value=v)
                c.number_format = fmt
                row.append(c)
            else:
                row.append(v)
        ws.append(row)
    for extra in extra_rows:
        row = []
        for v, fmt in zip(extra, formats, strict=False):
            c = WriteOnlyCell(ws, value=v)
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


def _write_xlsx(evaluation: Any, path: Path) -> None:
    from openpyxl import Workbook
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
    wb = Workbook(write_only=True)
    periods = [p.label for p in evaluation.periods]
    _sheet(wb, "Payouts", results, _PAYOUT_SHEET, _total_rows(results, periods))
    _sheet(wb, "Metric scores", scores, _SCORE_SHEET)

    ws = wb.create_sheet("Read me")
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 34
    ws.column_dimensions["C"].width = 100
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def line(*values: Any, strong: bool = False) -> None:
        cells = []
        for v in values:
            c = WriteOnlyCell(ws, value=v)
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
    with atomic_path(path) as tmp:
        wb.save(tmp)
