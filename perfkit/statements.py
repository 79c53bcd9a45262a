"""Payout statements for payroll: a workbook that prints, and the same lines as CSV.

:func:`statement_lines` lays out one line per person of an evaluated period with everything
payroll asks about: name, role and team labels, manager, hire and leave dates, annual and
period target bonus, proration, composite (cut to two decimals, never rounded up), rating,
individual and team parts, gate, modifier and its reason, payout share and amount, the
explanation, and the recognition the person is put forward for
(:mod:`perfkit.recognition`).

:func:`write_statements` writes

- ``<name>.xlsx``: a *Summary* sheet (people, paid, target bonus and payout per role and
  team, a subtotal per role and the grand total per currency) and one sheet per role (the
  lines, a TOTAL row per currency). Every total is the sum of the rounded lines
  (:func:`perfkit.payout.total_amount`). Each sheet prints landscape, fit to the page width,
  with its title and header rows repeated on every page, wrapped text and page numbers;
  money carries its currency (``#,##0.00 "CNY"``), rates are percentages, counts have no
  decimals;
- ``<name>.csv`` (the lines) and ``<name>_summary.csv`` (the summary), UTF-8.

Text from the data or plans that a spreadsheet would read as a formula is written as text
(:func:`perfkit.export.formula_like`, :func:`perfkit.export.csv_safe`). Files are written
atomically and privately (``0600``), and the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import PerfkitError
from .export import _check_text, _repeatable_zip, csv_safe, formula_like
from .fsutil import atomic_paths
from .payout import round_cents, total_amount
from .plans import Plan
from .recognition import awards_text
from .summary import format_cut

#: Paper sizes the workbook can be set up for (openpyxl's paperSize codes).
PAPER = {"a4": 9, "a3": 8, "letter": 1, "legal": 5}

#: Columns of :func:`statement_lines` (and of the CSV), in order.
LINE_COLUMNS = [
    "employee_id", "name", "period", "role", "role_name", "team", "manager_id", "hire_date",
    "leave_date", "annual_target_bonus", "target_bonus", "proration", "composite", "rating",
    "individual_pct", "team_pct", "gate", "modifier", "modifier_reason", "payout_pct",
    "payout_amount", "currency", "recognition", "explanation",
]  # fmt: skip

#: Columns of :func:`statement_summary`.
SUMMARY_COLUMNS = [
    "period", "role", "role_name", "team", "currency", "people", "paid", "target_bonus",
    "payout_amount", "level",
]  # fmt: skip

# (header, line column, kind, width): kinds text, wrap, date, money, pct, cut, ratio, count
_SHEET = [
    ("Employee ID", "employee_id", "wrap", 9),
    ("Name", "name", "wrap", 14),
    ("Role", "role_name", "wrap", 12),
    ("Team", "team", "wrap", 13),
    ("Manager", "manager_id", "wrap", 8.5),
    ("Hire date", "hire_date", "date", 10.5),
    ("Leave date", "leave_date", "date", 10.5),
    ("Annual target bonus", "annual_target_bonus", "money", 13),
    ("Period target bonus", "target_bonus", "money", 13),
    ("Proration", "proration", "pct", 9),
    ("Composite", "composite", "cut", 10),
    ("Rating", "rating", "wrap", 7),
    ("Individual part", "individual_pct", "pct", 10),
    ("Team part", "team_pct", "pct", 9),
    ("Gate", "gate", "wrap", 11),
    ("Modifier", "modifier", "ratio", 8),
    ("Modifier reason", "modifier_reason", "wrap", 16),
    ("Payout % of target", "payout_pct", "pct", 9.5),
    ("Payout", "payout_amount", "money", 14),
    ("Recognition", "recognition", "wrap", 13),
    ("Explanation", "explanation", "wrap", 42),
]

_SUMMARY_SHEET = [
    ("Role", "role_name", "wrap", 24),
    ("Team", "team", "wrap", 22),
    ("People", "people", "count", 9),
    ("Paid", "paid", "count", 9),
    ("Period target bonus", "target_bonus", "money", 18),
    ("Payout", "payout_amount", "money", 18),
    ("Payout / target bonus", "_share", "pct", 12),
]

_CURRENCY = re.compile(r"^[A-Z]{3}$")

#: The font of every cell (Arial prints with the same metrics where it is replaced by
#: Liberation Sans, so the row heights worked out below hold).
FONT = "Arial"
_SIZE = 9
#: Characters of 9-point Arial per unit of column width, a little under the average, and
#: the height of one line of it in points: a wrapped cell's row is made tall enough for
#: every line (LibreOffice does not grow rows itself, Excel not always).
_CHARS_PER_UNIT = 1.4
_LINE_POINTS = 11.5


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` wide (words kept whole)."""
    import textwrap

    per_line = max(int(width * _CHARS_PER_UNIT) - 1, 4)
    return sum(max(len(textwrap.wrap(part, per_line, break_long_words=True)), 1)
               for part in str(text).split("\n"))  # fmt: skip


def _row_height(texts: list[tuple[str, float]]) -> float:
    """Points of a row holding ``(text, column width)`` cells, wrapped."""
    n = max([_lines(t, w) for t, w in texts if t] or [1])
    return round(n * _LINE_POINTS + 3.0, 1)


def money_format(currency: str) -> str:
    """The number format of an amount in ``currency``: ``#,##0.00 "CNY"``.

    A currency that is not three capital letters (it comes from a data file) gets the plain
    ``#,##0.00``, so no text from the data ever becomes part of a number format.
    """
    return f'#,##0.00 "{currency}"' if _CURRENCY.match(str(currency)) else "#,##0.00"


def statement_lines(
    evaluation: Any,
    dataset: Any,
    *,
    period: str,
    recognition: pd.DataFrame | None = None,
    plans: Mapping[str, Plan] | None = None,
) -> pd.DataFrame:
    """One statement line per person evaluated in ``period``.

    Parameters
    ----------
    evaluation : perfkit.evaluation.Evaluation
        Holding ``period`` (other periods are left out).
    dataset : perfkit.io.Dataset
        For hire and leave dates and the modifiers' reasons.
    period : str
        A period label of the evaluation.
    recognition : DataFrame, optional
        :func:`perfkit.recognition.recognition` of the period.
    plans : mapping of str to Plan, optional
        For the role names; ``evaluation.plans`` by default.

    Returns
    -------
    DataFrame
        :data:`LINE_COLUMNS`, sorted by role, team and employee id. ``gate`` is ``passed``,
        ``failed: <gate keys>`` or ``not scored``; ``recognition`` the awards,
        ``"; "``-separated.
    """
    plans = dict(plans if plans is not None else evaluation.plans)
    r = evaluation.results
    r = r[r["period"] == period]
    emp = dataset.employees.drop_duplicates("employee_id").set_index("employee_id")
    mods = getattr(dataset, "modifiers", None)
    key = pd.MultiIndex.from_frame(r[["employee_id", "period"]])
    if mods is not None and len(mods):
        reasons = mods.assign(reason=mods["reason"].fillna("").astype(str))
        reasons = reasons.drop_duplicates(["employee_id", "period"]).set_index(
            ["employee_id", "period"]
        )["reason"]
        reason = reasons.reindex(key).fillna("").to_numpy(dtype=object)
    else:
        reason = np.full(len(r), "", dtype=object)
    if recognition is not None and len(recognition):
        awards = awards_text(recognition).reindex(key).fillna("").to_numpy(dtype=object)
    else:
        awards = np.full(len(r), "", dtype=object)
    failed = r["gate_failed"].fillna("").astype(str)
    gate = np.where(
        r["composite"].isna(), "not scored", np.where(failed != "", "failed: " + failed, "passed")
    )
    names = {role: p.name for role, p in plans.items()}
    out = pd.DataFrame(
        {
            "employee_id": r["employee_id"].to_numpy(dtype=object),
            "name": r["name"].to_numpy(dtype=object),
            "period": r["period"].to_numpy(dtype=object),
            "role": r["role"].to_numpy(dtype=object),
            "role_name": r["role"].map(names).fillna(r["role"]).to_numpy(dtype=object),
            "team": r["team"].fillna("").to_numpy(dtype=object),
            "manager_id": r["manager_id"].fillna("").to_numpy(dtype=object),
            "hire_date": emp["hire_date"].reindex(r["employee_id"]).to_numpy(),
            "leave_date": emp["leave_date"].reindex(r["employee_id"]).to_numpy(),
            "annual_target_bonus": emp["annual_target_bonus"].reindex(r["employee_id"]).to_numpy(),
            "target_bonus": r["target_bonus"].to_numpy(),
            "proration": r["proration"].to_numpy(),
            "composite": r["composite"].to_numpy(),
            "rating": r["rating"].fillna("").to_numpy(dtype=object),
            "individual_pct": r["individual_pct"].to_numpy(),
            "team_pct": r["team_pct"].to_numpy(),
            "gate": gate.astype(object),
            "modifier": r["modifier"].to_numpy(),
            "modifier_reason": reason,
            "payout_pct": r["payout_pct"].to_numpy(),
            "payout_amount": r["payout_amount"].to_numpy(),
            "currency": r["currency"].to_numpy(dtype=object),
            "recognition": awards,
            "explanation": r["explanation"].to_numpy(dtype=object),
        }
    )
    out = out.sort_values(["role", "team", "employee_id"], kind="mergesort")
    return out.reset_index(drop=True)[LINE_COLUMNS]


def statement_summary(lines: pd.DataFrame) -> pd.DataFrame:
    """Totals per role and team, a subtotal per role and the grand total, per currency.

    Parameters
    ----------
    lines : DataFrame
        :func:`statement_lines`.

    Returns
    -------
    DataFrame
        :data:`SUMMARY_COLUMNS`; ``level`` is ``team``, ``role`` (its ``team`` is ``""``) or
        ``total`` (``role`` and ``team`` ``""``). Payouts are sums of the rounded lines,
        exact to the cent; target bonuses are summed and then rounded to cents.
    """
    work = lines.assign(_paid=(lines["payout_amount"] > 0).astype(int))

    def totals(keys: list[str], level: str) -> pd.DataFrame:
        g = work.groupby(keys, sort=True, dropna=False)
        t = g.agg(
            people=("employee_id", "nunique"),
            paid=("_paid", "sum"),
            target_bonus=("target_bonus", lambda s: float(round_cents(math.fsum(s)))),
            payout_amount=("payout_amount", total_amount),
        ).reset_index()
        return t.assign(level=level)

    team = totals(["period", "role", "role_name", "team", "currency"], "team")
    role = totals(["period", "role", "role_name", "currency"], "role").assign(team="")
    grand = totals(["period", "currency"], "total").assign(role="", role_name="", team="")
    out = pd.concat([team, role], ignore_index=True)
    out["_o"] = (out["level"] == "role").astype(int)
    out = out.sort_values(["period", "role", "_o", "team", "currency"], kind="mergesort")
    out = pd.concat([out.drop(columns="_o"), grand], ignore_index=True)
    out["people"] = out["people"].astype(np.int64)
    out["paid"] = out["paid"].astype(np.int64)
    return out[SUMMARY_COLUMNS].reset_index(drop=True)


# -- the workbook -----------------------------------------------------------------------------


def _set(cell: Any, value: Any, kind: str, *, where: str, currency: str = "") -> None:
    """Put ``value`` in ``cell`` as ``kind`` (text is never a formula; NaN is empty)."""
    from openpyxl.styles import Alignment

    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        cell.value = None
        return
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
        if pd.isna(value):
            cell.value = None
            return
    if kind in ("text", "wrap"):
        value = str(value)
        _check_text(value, where)
        cell.value = value
        if formula_like(value):
            cell.data_type = "s"
            cell.quotePrefix = True
        cell.alignment = Alignment(
            wrap_text=True, vertical="top", indent=1 if kind == "wrap" else 0
        )
        return
    cell.alignment = Alignment(vertical="top", horizontal="right", indent=1)
    if kind == "date":
        cell.value = pd.Timestamp(value).to_pydatetime().date()
        cell.number_format = "yyyy-mm-dd"
    elif kind == "money":
        cell.value = float(value)
        cell.number_format = money_format(currency)
    elif kind == "pct":
        cell.value = float(value)
        cell.number_format = "0.0%"
    elif kind == "cut":  # a composite: its value cut to 2 decimals, so no cell rounds it up
        cell.value = float(format_cut(value))
        cell.number_format = "0.00"
    elif kind == "ratio":
        cell.value = float(value)
        cell.number_format = "0.00"
    elif kind == "count":
        cell.value = int(value)
        cell.number_format = "#,##0"
    else:
        raise ValueError(f"unknown cell kind {kind!r}")


def _print_setup(ws: Any, *, title_rows: str, paper: str) -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER[paper]
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.oddHeader.left.text = "&A"
    ws.oddFooter.center.text = "Page &P of &N"
    ws.oddFooter.right.text = "perfkit"


def _table(
    ws: Any,
    frame: pd.DataFrame,
    spec: Sequence[tuple[str, str, str, float]],
    *,
    title: str,
    subtitle: str,
    path: Path,
    paper: str,
    bold_rows: np.ndarray | None = None,
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    small = Font(name=FONT, size=_SIZE)
    _set(ws.cell(row=1, column=1), title, "text", where=f"{path}: {ws.title} title")
    ws.cell(row=1, column=1).font = Font(name=FONT, bold=True, size=12)
    ws.cell(row=1, column=1).alignment = Alignment(wrap_text=False, vertical="top")
    _set(ws.cell(row=2, column=1), subtitle, "text", where=f"{path}: {ws.title} subtitle")
    ws.cell(row=2, column=1).font = Font(name=FONT, size=_SIZE, italic=True)
    ws.cell(row=2, column=1).alignment = Alignment(wrap_text=False, vertical="top")
    fill = PatternFill("solid", fgColor="DDEBF7")
    for j, (header, _, kind, width) in enumerate(spec, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
        c = ws.cell(row=3, column=j, value=header)
        c.font = Font(name=FONT, bold=True, size=_SIZE)
        c.fill = fill
        align = "right" if kind not in ("text", "wrap") else "left"
        c.alignment = Alignment(wrap_text=True, vertical="top", horizontal=align)
    ws.row_dimensions[3].height = _row_height([(h, w) for h, _, _, w in spec])
    columns = [frame[col].to_numpy(dtype=object) for _, col, _, _ in spec]
    currency = frame["currency"].to_numpy(dtype=object)
    bold = Font(name=FONT, size=_SIZE, bold=True)
    wrapped = [j for j, (_, _, kind, _) in enumerate(spec) if kind == "wrap"]
    for i in range(len(frame)):  # writing cells: one workbook row per line
        for j, (header, _, kind, _) in enumerate(spec, start=1):
            c = ws.cell(row=i + 4, column=j)
            _set(
                c, columns[j - 1][i], kind, currency=str(currency[i]),
                where=f"{path}: sheet {ws.title}, row {i + 4}, {header}",
            )  # fmt: skip
            c.font = bold if bold_rows is not None and bold_rows[i] else small
        cells = [(columns[j][i], spec[j][3]) for j in wrapped]
        ws.row_dimensions[i + 4].height = _row_height(
            [(str(v), w) for v, w in cells if isinstance(v, str)]
        )
    ws.freeze_panes = "C4"
    last = get_column_letter(len(spec))
    ws.auto_filter.ref = f"A3:{last}{max(len(frame), 1) + 3}"
    _print_setup(ws, title_rows="1:3", paper=paper)


def _role_frame(lines: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """A role's lines and a TOTAL row per currency (payout = the sum of the rounded lines)."""
    totals = []
    for cur, sub in lines.groupby("currency", sort=True):  # a currency or two
        row = dict.fromkeys(LINE_COLUMNS, None)
        row.update(
            employee_id="TOTAL",
            name=f"{len(sub)} people",
            currency=cur,
            annual_target_bonus=float(round_cents(math.fsum(sub["annual_target_bonus"]))),
            target_bonus=float(round_cents(math.fsum(sub["target_bonus"]))),
            payout_amount=total_amount(sub["payout_amount"]),
        )
        totals.append(row)
    frame = pd.concat([lines, pd.DataFrame(totals, columns=LINE_COLUMNS)], ignore_index=True)
    bold = np.r_[np.zeros(len(lines), dtype=bool), np.ones(len(totals), dtype=bool)]
    return frame, bold


def _sheet_title(name: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of ``[]:*?/\\``, unique."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "Role"
    base = base[:31]
    title, i = base, 1
    while title.lower() in used:
        i += 1
        suffix = f" ({i})"
        title = base[: 31 - len(suffix)] + suffix
    used.add(title.lower())
    return title


def write_statements(
    lines: pd.DataFrame,
    path: str | Path,
    *,
    period: str,
    plans: Mapping[str, Plan],
    paper: str = "a3",
    mode: str | int | None = None,
) -> list[Path]:
    """Write the statement workbook ``path`` (``.xlsx``) and its CSV files beside it.

    Parameters
    ----------
    lines : DataFrame
        :func:`statement_lines`.
    path : str or Path
        The workbook, ``*.xlsx``; ``<stem>.csv`` and ``<stem>_summary.csv`` go beside it.
    period : str
        The period label, for titles and the workbook's date.
    plans : mapping of str to Plan
        For the plan versions in the titles.
    paper : {"a3", "a4", "letter", "legal"}
        The paper the sheets are set up for (landscape, fit to width). A3 by default: the
        21 columns of a line then print at about 9 points; on A4 they are smaller.
    mode : str or int, optional
        File mode; ``0600`` by default (see :func:`perfkit.fsutil.output_mode`).

    Returns
    -------
    list of Path
        The workbook and the two CSV files.

    Raises
    ------
    PerfkitError
        If ``path`` does not end in ``.xlsx`` or ``paper`` is unknown.
    """
    from openpyxl import Workbook

    from . import __version__
    from .periods import parse_period

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise PerfkitError(
            f"{path}: a payout statement is a workbook; name it with .xlsx (e.g. "
            "statements.xlsx); the CSV files are written beside it"
        )
    if paper not in PAPER:
        raise PerfkitError(f"--paper: found {paper!r}; choose one of {', '.join(PAPER)}")
    summary = statement_summary(lines)
    csv_path = path.with_suffix(".csv")
    summary_path = path.with_name(f"{path.stem}_summary.csv")
    end = parse_period(period).end  # the workbook's date: never the time of the run
    stamp = dt.datetime(end.year, end.month, end.day)
    note = (
        f"perfkit {__version__} · amounts rounded half-up to cents once per line; every "
        "total is the sum of the rounded lines · composite cut to 2 decimals, never rounded up"
    )
    with atomic_paths([path, csv_path, summary_path], mode=mode) as (tmp, tmp_csv, tmp_sum):
        wb = Workbook()
        ws = wb.active
        ws.title = "Summary"
        shown = summary.assign(
            _share=np.where(
                summary["target_bonus"] > 0,
                summary["payout_amount"]
                / summary["target_bonus"].where(summary["target_bonus"] > 0),
                np.nan,
            ),
            role_name=np.where(summary["level"] == "total", "TOTAL", summary["role_name"]),
            team=np.where(summary["level"] == "role", "all teams", summary["team"]),
        )
        _table(
            ws, shown, _SUMMARY_SHEET, title=f"Payout statement {period}: summary",
            subtitle=note, path=path, paper=paper, bold_rows=(summary["level"] != "team").to_numpy(),
        )  # fmt: skip
        used = {"summary"}
        for role, sub in lines.groupby("role", sort=True):  # one sheet per role
            plan = plans.get(role)
            name = plan.name if plan is not None else str(role)
            ws = wb.create_sheet(_sheet_title(name, used))
            frame, bold = _role_frame(sub.reset_index(drop=True))
            version = f" · plan version {plan.version}" if plan is not None else ""
            _table(
                ws, frame, _SHEET, title=f"Payout statement {period}: {name}",
                subtitle=note + version, path=path, paper=paper, bold_rows=bold,
            )  # fmt: skip
        wb.properties.created = wb.properties.modified = stamp
        wb.properties.creator = "perfkit"
        wb.save(tmp)
        _repeatable_zip(tmp, stamp)
        csv_lines = lines.assign(
            hire_date=pd.to_datetime(lines["hire_date"]).dt.strftime("%Y-%m-%d").fillna(""),
            leave_date=pd.to_datetime(lines["leave_date"]).dt.strftime("%Y-%m-%d").fillna(""),
        )
        csv_safe(csv_lines).to_csv(tmp_csv, index=False, encoding="utf-8", lineterminator="\n")
        csv_safe(summary).to_csv(tmp_sum, index=False, encoding="utf-8", lineterminator="\n")
    return [path, csv_path, summary_path]


__all__ = [
    "LINE_COLUMNS",
    "PAPER",
    "SUMMARY_COLUMNS",
    "money_format",
    "statement_lines",
    "statement_summary",
    "write_statements",
]
