"""Checking a data set, the plans, and the data against the plans, all in one pass.

:func:`validate` never stops at the first problem: it collects every problem in the data
files (through :mod:`perfkit.io`), in each plan file, and between them (a role with no plan,
a metric no plan measures, a modifier outside its plan's bounds, ...), so a user can fix them
all at once. ``perfkit validate`` prints :meth:`ValidationReport.summary`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .backends import ActualsBackend, actuals_backend
from .convert import Table, check_known_ids, column_codes, prepare_table
from .errors import (
    MAX_LISTED,
    DataError,
    PerfkitError,
    PlanError,
    Problem,
    ProblemCollector,
    rows_text,
    suggest,
)
from .frames import codes_against
from .io import Dataset, dataset_from_tables, load_tables
from .mapping import MappingLike
from .periods import format_period, latest_complete, parse_period, period_first_month
from .schema import MAX_MAGNITUDE, RAW_METRIC_RANGE, RAW_METRICS, TABLES

__all__ = ["ValidationReport", "check_actuals", "load_checked", "validate"]


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate` found.

    Attributes
    ----------
    source : str
        The data folder.
    problems : list of Problem
        Every problem found in the data, the plans and between them; empty when all is well.
    notes : list of str
        Things worth knowing that are not problems (e.g. a raw metric no plan uses).
    dataset : Dataset or None
        The data as read (rows with problems included where they could be read).
    plans : dict of str to Plan
        The plans that loaded.
    files : dict of str to tuple of (str, int)
        Per table read: the file shown in messages and its number of rows.
    plans_dir : str
    plan_problems : list of Problem
        The problems of the plan files themselves (also in ``problems``).
    """

    source: str
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)
    dataset: Dataset | None = None
    plans: dict[str, Any] = field(default_factory=dict)
    files: dict[str, tuple[str, int]] = field(default_factory=dict)
    plans_dir: str = ""
    plan_problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def summary(self) -> str:
        """A short description of the data when ok, else every problem grouped by file."""
        if not self.ok:
            n = len(self.problems)
            lines = [f"{self.source}: {n} problem{'s' if n != 1 else ''} found"]
            groups: dict[str, list[Problem]] = {}
            for p in self.problems:
                groups.setdefault(p.where.split(",")[0], []).append(p)
            for name, items in groups.items():
                lines.append(f"{name}:")
                lines += [f"  - {p}" for p in items]
            return "\n".join(lines)
        return "\n".join([f"{self.source}: no problems found", *self._facts()])

    def _facts(self) -> list[str]:
        ds = self.dataset
        lines: list[str] = []
        if ds is not None:
            emp = ds.employees
            per_role = emp["role"].value_counts().sort_index()
            lines.append(
                f"  people: {len(emp):,} in "
                f"{_count(emp['team'].nunique(), 'team')} under "
                f"{_count(emp['manager_id'].nunique(), 'manager')}"
            )
            lines.append("    by role: " + ", ".join(f"{r} {n}" for r, n in per_role.items()))
            months = ds.months
            if months:
                idx = sorted({int(m[:4]) * 12 + int(m[5:]) - 1 for m in months})
                span = idx[-1] - idx[0] + 1
                gap = "" if span == len(idx) else f", {span - len(idx)} missing in between"
                kinds = [p.period for p in self.plans.values()] or ["quarter"]
                kind = max(set(kinds), key=kinds.count)
                try:
                    latest = f"latest complete {kind}: {latest_complete(months, kind).label}"
                except PerfkitError:
                    latest = f"no complete {kind} yet"
                lines.append(
                    f"  months: {months[0]} to {months[-1]} ({len(months)} months{gap}); {latest}"
                )
        if self.files:
            lines.append("  rows: " + ", ".join(f"{f} {n:,}" for f, n in self.files.values()))
        if self.plans:
            lines.append(
                f"  plans ({self.plans_dir}): "
                + ", ".join(
                    f"{r} {len(p.metrics)} metrics ({p.period})" for r, p in self.plans.items()
                )
            )
        lines += [f"  note: {n}" for n in self.notes]
        return lines


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _load_plans_each(plans_dir: Path) -> tuple[dict[str, Any], list[Problem], set[str]]:
    """Load every plan file on its own, so one bad plan does not hide the others."""
    from .plans import NO_PLANS_FIX, load_plan, plan_files

    if not plans_dir.is_dir():
        return {}, [Problem(str(plans_dir), "plans folder not found", NO_PLANS_FIX)], set()
    try:
        files = plan_files(plans_dir)  # the one discovery rule
    except PlanError as exc:
        return {}, list(exc.problems) or [Problem(str(plans_dir), exc.summary, "")], set()
    if not files:
        fix = "copy one from templates/plans"
        return {}, [Problem(str(plans_dir), "no *.yaml plan files found", fix)], set()
    plans: dict[str, Any] = {}
    problems: list[Problem] = []
    broken: set[str] = set()
    for role, f in files.items():
        try:
            plans[role] = load_plan(f)
        except PlanError as exc:
            broken.add(role)
            problems.extend(exc.problems or [Problem(str(f), exc.summary, "")])
    return plans, problems, broken


def _against_plans(
    tables: dict[str, Table],
    plans: dict[str, Any],
    broken_plans: set[str],
    plans_dir: Path,
    problems: ProblemCollector,
    notes: list[str],
) -> None:
    """Cross-checks between the data and the plans (vectorized over rows)."""
    emp = tables.get("employees")
    if emp is None or emp.broken:
        return
    ef = emp.frame
    roles = ef["role"]
    role_of = pd.Series(roles.to_numpy(), index=pd.Index(ef["employee_id"]))
    role_of = role_of[~role_of.index.duplicated()]
    # each employee's role as a code into r_names (-1: no role), so rows look roles up by code
    person_role, r_names = pd.factorize(role_of)
    person_role = np.append(person_role, -1)  # an id not in employees (position -1): no role
    role_labels = np.append(np.asarray(r_names, dtype=object), np.nan)  # code -1: NaN

    def role_codes(t: Table) -> np.ndarray:
        """The code in ``r_names`` of each row's employee's role (-1 if none)."""
        codes, ids = column_codes(t, "employee_id", dtype=None)  # looked up by, no copy
        if not len(role_of) or not len(ids):
            return np.full(len(codes), -1, dtype=np.int64)
        found = codes_against(pd.Series(ids, dtype=t.frame["employee_id"].dtype), role_of.index)
        return np.append(person_role[found], -1)[codes]

    def role_metric_pairs(t: Table, metric_codes: np.ndarray, width: int) -> np.ndarray:
        """One integer per row for its (role, metric): ``(role + 1) * width + (metric + 1)``.

        Codes as :func:`role_codes` and :func:`~perfkit.convert.column_codes` give them;
        ``width`` is the number of distinct metrics plus one, so 0 stands for neither.
        """
        return (role_codes(t) + 1) * width + (metric_codes + 1)

    def role_for(t: Table) -> pd.Series:
        """The role of each row's employee (NaN if none), as ``employee_id.map(role_of)``."""
        return pd.Series(role_labels[role_codes(t)], index=t.frame.index, dtype=object)

    def grouped(
        t: Table,
        mask: np.ndarray,
        by: pd.Series,
        column: str,
        text: Callable[[Any], tuple[str, str]],
    ) -> None:
        """One problem per distinct bad value, naming its rows."""
        pos = np.flatnonzero(mask)
        if not len(pos):
            return
        groups = list(pd.Series(t.rows[pos]).groupby(by.iloc[pos].to_numpy(), sort=False))
        for key, rows in groups[:MAX_LISTED]:
            found, expected = text(key)
            where = f"{t.file}, {rows_text(rows)}, column {t.column_name(column)}"
            problems.add(t.name, rows.min(), where, found, expected)
        if len(groups) > MAX_LISTED:
            where = f"{t.file}, column {t.column_name(column)}"
            rest = len(groups) - MAX_LISTED
            problems.add(t.name, t.rows[pos].max(), where, f"{rest} more values like these")

    known_roles = sorted(plans)
    unknown = roles.notna() & ~roles.isin(known_roles) & ~roles.isin(sorted(broken_plans))
    if not plans and not broken_plans:
        unknown[:] = False  # no plans could be read at all: that problem is reported already
    grouped(
        emp,
        unknown.to_numpy(),
        roles,
        "role",
        lambda r: (
            f"found {r!r}, a role with no plan in {plans_dir}",
            f"use one of: {', '.join(known_roles)}{suggest(r, known_roles)}, "
            f"or add a plan {r}.yaml",
        ),
    )
    currency = roles.map({r: p.currency for r, p in plans.items()})
    wrong = (currency.notna() & ef["currency"].notna() & (currency != ef["currency"])).to_numpy()
    grouped(
        emp,
        wrong,
        ef["role"] + " " + ef["currency"].fillna(""),
        "currency",
        lambda k: (
            f"found {k.split(' ')[1]!r}, but plan {k.split(' ')[0]} pays in "
            f"{plans[k.split(' ')[0]].currency}",
            "use the plan's currency or change the plan's `currency`",
        ),
    )

    sources: dict[str, set[str]] = {}  # role -> raw metrics its quantitative metrics read
    for r, p in plans.items():
        sources[r] = set()
        for m in p.metrics:
            if m.kind == "quantitative":
                sources[r] |= {m.measure.source} | (
                    {m.measure.denominator} if m.measure.denominator else set()
                )
    used = set().union(*sources.values()) if sources else set()

    act = tables.get("actuals")
    if act is not None and not act.broken and not act.frame.empty:
        metric = act.frame["metric"]
        allowed = set(RAW_METRICS) | used
        m_codes, m_names = column_codes(act, "metric", dtype=None)  # each name checked once
        bad = np.append([m not in allowed for m in m_names], False).astype(bool)[m_codes]
        grouped(
            act,
            bad,
            metric,
            "metric",
            lambda m: (
                f"found {m!r}, not a raw metric of the catalogue (docs/data.md) or of any plan",
                f"correct the name{suggest(m, allowed)} or measure it in a plan",
            ),
        )
        present = set(m_names)
        idle = sorted((present & set(RAW_METRICS)) - used)
        if idle and plans:
            notes.append(
                f"{act.file}: raw metrics no plan uses (kept, not scored): {', '.join(idle)}"
            )
        # the (role, raw metric) pairs present, from integer codes: role x metric counts
        width = len(m_names) + 1
        counts = np.bincount(
            role_metric_pairs(act, m_codes, width), minlength=(len(r_names) + 1) * width
        ).reshape(len(r_names) + 1, width)
        have = {(r_names[i], m_names[j]) for i, j in zip(*np.nonzero(counts[1:, 1:]), strict=True)}
        staffed = set(roles.dropna().unique())
        for r in sorted(staffed & set(plans)):
            for m in plans[r].metrics:
                needs = [m.measure.source] + (
                    [m.measure.denominator] if m.measure.denominator else []
                )
                for raw in needs if m.kind == "quantitative" else []:
                    if (r, raw) not in have:
                        problems.add(
                            "actuals",
                            0,
                            act.file,
                            f"no {raw} rows for any {r} employee, but plan {r} measures "
                            f"{m.key} from {raw}",
                            f"add their monthly {raw} values",
                        )

    def allowed_pairs(kind: Literal["target", "rating"]) -> set[tuple[str, str]]:
        out = set()
        for r, p in plans.items():
            for m in p.metrics:
                if kind == "target":
                    out.add((r, m.key))
                elif m.kind == "qualitative":
                    out.add((r, m.measure.source))
        return out

    kinds: tuple[tuple[str, Literal["target", "rating"]], ...] = (
        ("targets", "target"),
        ("ratings", "rating"),
    )
    for table, kind in kinds:
        t = tables.get(table)
        if t is None or t.broken or t.frame.empty:
            continue
        ok_pairs = allowed_pairs(kind)
        t_codes, t_names = column_codes(t, "metric")
        # bad_pair[role code + 1, metric code + 1]: a role with a plan and a metric not in
        # it; row and column 0 (code -1: no role, an empty metric) are never bad here
        width = len(t_names) + 1
        bad_pair = np.zeros((len(r_names) + 1, width), dtype=bool)
        for i, r in enumerate(r_names, start=1):
            if r in plans:
                bad_pair[i, 1:] = [(r, m) not in ok_pairs for m in t_names]
        pair = role_metric_pairs(t, t_codes, width)
        bad = bad_pair.ravel()[pair]

        def text(
            key: int,
            kind: str = kind,
            ok_pairs: set = ok_pairs,
            t_names: Any = t_names,
            width: int = width,
        ) -> tuple[str, str]:
            r, m = r_names[key // width - 1], t_names[key % width - 1]
            names = sorted(x for rr, x in ok_pairs if rr == r)
            what = "metric keys" if kind == "target" else "rating names"
            return (
                f"found {m!r}, not a {'metric' if kind == 'target' else 'rating'} of plan {r}",
                f"use one of its {what}: {', '.join(names)}{suggest(m, names)}",
            )

        grouped(t, bad, pd.Series(pair), "metric", text)

    mod = tables.get("modifiers")
    if mod is not None and not mod.broken and not mod.frame.empty:
        who = role_for(mod)
        lo = who.map({r: p.payout.modifier_min for r, p in plans.items()}).astype(float)
        hi = who.map({r: p.payout.modifier_max for r, p in plans.items()}).astype(float)
        labels = mod.frame["period"]
        parsed = {}  # each distinct label parsed once; unparseable ones are reported elsewhere
        for label in labels.dropna().unique().tolist():
            try:
                parsed[label] = parse_period(label)
            except PerfkitError:
                pass
        given = labels.map({k: v.kind for k, v in parsed.items()})
        wanted = who.map({r: p.period for r, p in plans.items()})
        wrong = (given.notna() & wanted.notna() & (given != wanted)).to_numpy()
        for pos in np.flatnonzero(wrong)[:MAX_LISTED]:
            label, role, kind = labels.iloc[pos], who.iloc[pos], wanted.iloc[pos]
            first = np.array([parsed[label].first])
            fix = format_period(int(period_first_month(first, kind)[0]), kind)
            problems.add(
                "modifiers",
                mod.rows[pos],
                mod.where(pos, "period"),
                f"found {label!r}, a {given.iloc[pos]}, but plan {role} pays per {kind}, "
                "so this modifier would never be applied",
                f"write the {kind} it belongs to, e.g. {fix}",
            )
        value = mod.frame["modifier"]
        slack = 1e-9  # 1.1 written in a file is 1.1 in the plan, whatever the float noise
        out = ((value < lo - slack) | (value > hi + slack)).to_numpy()
        for pos in np.flatnonzero(out)[:MAX_LISTED]:
            problems.add(
                "modifiers",
                mod.rows[pos],
                mod.where(pos, "modifier"),
                f"found {value.iloc[pos]:g}, outside plan {who.iloc[pos]}'s bounds",
                f"use a modifier from {lo.iloc[pos]:g} to {hi.iloc[pos]:g} "
                "(payout.modifier_min to modifier_max)",
            )


def _grouped(
    t: Table,
    mask: np.ndarray,
    by: pd.Series,
    column: str,
    text: Callable[[Any, pd.Series], tuple[str, str]],
    problems: ProblemCollector,
) -> None:
    """One problem per distinct ``by`` value among the masked rows, naming its rows.

    ``text(key, values)`` gives the found and expected texts from the group's key and its
    values of ``column``.
    """
    pos = np.flatnonzero(mask)
    if not len(pos):
        return
    frame = pd.DataFrame(
        {"key": by.iloc[pos].to_numpy(), "pos": pos, "value": t.frame[column].iloc[pos].to_numpy()}
    )
    groups = list(frame.groupby("key", sort=True, dropna=False))
    for key, grp in groups[:MAX_LISTED]:
        first = int(grp["pos"].iloc[0])
        rows = t.rows[grp["pos"].to_numpy()]
        found, expected = text(key, grp["value"])
        where = f"{t.file}, {rows_text(rows)}, column {t.column_name(column, first)}"
        problems.add(t.name, int(rows.min()), where, found, expected)
    if len(groups) > MAX_LISTED:
        rest = len(groups) - MAX_LISTED
        where = f"{t.file}, column {t.column_name(column)}"
        problems.add(t.name, int(t.rows[pos].max()), where, f"{rest} more values like these")


def _up_to(values: pd.Series) -> str:
    """``1e+13`` for one value, ``values up to 1e+13`` for several."""
    top = float(values.abs().max())
    return f"{top:g}" if len(values) == 1 else f"values up to {top:g}"


_TOO_BIG = "correct the value: it is an export or typing error"


def _out_of_range(tables: dict[str, Table], problems: ProblemCollector) -> None:
    """Numbers outside their sane range (:data:`~perfkit.schema.RAW_METRIC_RANGE`), by rows.

    A catalogue raw metric must lie within its range: none can be negative (a refund or a
    correction booked as its own row would flow into sums and ratios and could raise a
    score), counts stay below a trillion, money below 1e15 CNY, fractions within 0 to 1 and
    the partner survey's score within 1-5 (see ``docs/data.md``). Any other raw metric may be
    negative (a margin, say) but, like every target and target bonus, must stay within
    :data:`~perfkit.schema.MAX_MAGNITUDE` of zero so that no computation overflows. One problem
    per metric (or person, for a bonus) and kind, naming its rows.
    """
    act = tables.get("actuals")
    if act is not None and not act.broken and not act.frame.empty:
        metric, value = act.frame["metric"], act.frame["value"].to_numpy(dtype=np.float64)
        codes, names = column_codes(act, "metric", dtype=None)  # each metric's range once
        nan = (np.nan, np.nan)
        bounds = np.array([RAW_METRIC_RANGE.get(m, nan) for m in names] + [nan], dtype=float)
        lo, hi = bounds[codes, 0], bounds[codes, 1]  # code -1 (no metric) picks the NaNs
        known = ~np.isnan(lo)

        def below(m: str, v: pd.Series) -> tuple[str, str]:
            if RAW_METRIC_RANGE[m][0] == 0:
                return (
                    f"found a negative {m} (unit: {RAW_METRICS[m]}), which cannot be below zero",
                    "correct the month it belongs to so that it nets to zero or more",
                )
            least = RAW_METRIC_RANGE[m][0]
            return f"found {v.min():g}, below the least a {m} can be ({least:g})", "correct it"

        def above(m: str, v: pd.Series) -> tuple[str, str]:
            unit, most = RAW_METRICS[m], RAW_METRIC_RANGE[m][1]
            fix = {
                "fraction": "write a share as a fraction from 0 to 1 (35% is 0.35)",
                "score": "use the survey's 1-5 scale",
            }.get(unit, "correct the value: it is an export or typing error")
            return (
                f"found {_up_to(v)} for {m} (unit: {unit}), above the most a month's {m} can "
                f"be ({most:g}, see docs/data.md)",
                fix,
            )

        def huge(m: str, v: pd.Series) -> tuple[str, str]:
            return (
                f"found {_up_to(v)} for {m}, beyond ±{MAX_MAGNITUDE:g} (sums and ratios of it "
                "could overflow)",
                _TOO_BIG,
            )

        with np.errstate(invalid="ignore"):
            checks = (
                (known & (value < lo), below),
                (known & (value > hi), above),
                (~known & (np.abs(value) > MAX_MAGNITUDE), huge),
            )
        for mask, text in checks:
            _grouped(act, mask, metric, "value", text, problems)

    tgt = tables.get("targets")
    if tgt is not None and not tgt.broken and not tgt.frame.empty:
        _grouped(
            tgt,
            (tgt.frame["target"].abs() > MAX_MAGNITUDE).to_numpy(),
            tgt.frame["metric"],
            "target",
            lambda m, v: (
                f"found {_up_to(v)} as a {m} target, beyond {MAX_MAGNITUDE:g} (scoring with it "
                "could overflow)",
                _TOO_BIG,
            ),
            problems,
        )

    emp = tables.get("employees")
    if emp is not None and not emp.broken and not emp.frame.empty:
        _grouped(
            emp,
            (emp.frame["annual_target_bonus"].abs() > MAX_MAGNITUDE).to_numpy(),
            emp.frame["employee_id"],
            "annual_target_bonus",
            lambda e, v: (
                f"found {_up_to(v)} for {e}, beyond {MAX_MAGNITUDE:g} (the payout would overflow)",
                _TOO_BIG,
            ),
            problems,
        )


def validate(
    data_dir: str | Path,
    *,
    plans_dir: str | Path = "templates/plans",
    mapping: MappingLike = None,
    actuals: ActualsBackend | None = None,
) -> ValidationReport:
    """Check a data set, the plans, and the data against the plans; collect every problem.

    Parameters
    ----------
    data_dir : str or Path
        The data set folder (see :func:`load_dataset`).
    plans_dir : str or Path
        Folder of ``<role>.yaml`` plans.
    mapping : optional
        A column mapping, as for :func:`load_dataset`.
    actuals : ActualsBackend, optional
        Where the monthly actuals come from instead of the folder's actuals file (e.g.
        :func:`perfkit.backends.ibis.connect`): its monthly frame, of every month and of the
        catalogue's and the plans' raw metrics, is checked as an actuals file is (rows are
        numbered from 1 in the order employee, month, metric) and becomes the dataset's
        ``actuals``. An actuals file in the folder is then not read.

    Returns
    -------
    ValidationReport
        ``.ok``, ``.problems`` (each a Problem naming the file, row or field, what was found
        and the fix) and ``.summary()`` for printing. Never raises for a user mistake.

    Notes
    -----
    Besides the per-file checks of :func:`load_dataset`, it checks that every employee's
    role has a plan and pays in the plan's currency; that every raw metric in ``actuals`` is
    in the catalogue of ``docs/data.md`` (:data:`~perfkit.schema.RAW_METRICS`) or measured by a plan; that
    every raw metric a plan measures has rows for the role's people; that ``targets`` name
    metric keys and ``ratings`` name rating names of the person's plan; that modifiers lie
    within the plan's ``payout.modifier_min``..``modifier_max``; and that numbers lie within
    their sane range: a catalogue raw metric within :data:`~perfkit.schema.RAW_METRIC_RANGE`, any
    other actual, every target and target bonus within :data:`~perfkit.schema.MAX_MAGNITUDE`. A
    rater id that is not an employee is fine: managers need not be in ``employees``.
    """
    problems = ProblemCollector(TABLES)
    reading = problems if actuals is None else _Filtered(problems, lambda t: t != "actuals")
    tables = load_tables(data_dir, mapping, reading)
    plans_path = Path(plans_dir)
    plans, plan_problems, broken = _load_plans_each(plans_path)
    for p in plan_problems:
        problems.add_problem("plans", 0, p)
    notes: list[str] = []
    if actuals is not None:
        actuals = actuals_backend(None, actuals)  # refuses an object that is no backend
        ignored = tables.pop("actuals", None)
        source = str(getattr(actuals, "source", type(actuals).__name__))
        if ignored is not None:
            notes.append(f"{ignored.file}: not read; the actuals come from {source}")
        got = _backend_actuals(actuals, source, tables.get("employees"), plans, problems)
        if got is not None:
            tables["actuals"] = got
    _against_plans(tables, plans, broken, plans_path, problems, notes)
    _out_of_range(tables, problems)
    ds = dataset_from_tables(tables, str(data_dir)) if "employees" in tables else None
    files = {name: (t.file, len(t.frame)) for name, t in tables.items()}
    return ValidationReport(
        source=str(data_dir),
        problems=problems.sorted(),
        notes=notes,
        dataset=ds,
        plans=plans,
        files=files,
        plans_dir=str(plans_dir),
        plan_problems=list(plan_problems),
    )


def load_checked(
    data_dir: str | Path,
    *,
    plans_dir: str | Path,
    mapping: MappingLike = None,
    broken_plans: bool = False,
    actuals: ActualsBackend | None = None,
) -> tuple[Dataset, dict[str, Any]]:
    """Read a data set and its plans, refusing them on any problem :func:`validate` finds.

    ``perfkit score`` and ``perfkit report`` read their inputs through this function, so
    they refuse exactly what ``perfkit validate`` reports: the per-file checks, the plans, the
    data against the plans and the range checks.

    Parameters
    ----------
    data_dir : str or Path
        The data set folder (see :func:`~perfkit.io.load_dataset`).
    plans_dir : str or Path
        Folder of ``<role>.yaml`` plans.
    mapping : optional
        A column mapping, as for :func:`~perfkit.io.load_dataset`.
    broken_plans : bool
        Let a plan file that does not load through (its role is left out of ``plans``, for
        the caller to report as failed); every other problem still refuses the data.
    actuals : ActualsBackend, optional
        Read the monthly actuals from this backend instead of the actuals file, checked
        the same way (see :func:`validate`); the returned dataset holds them.

    Returns
    -------
    dataset : Dataset
        The data as :func:`~perfkit.io.load_dataset` returns it.
    plans : dict of str to Plan
        The plans keyed by role.

    Raises
    ------
    DataError
        When any problem is found, in the data or the plans, listing every one as
        :attr:`ValidationReport.problems` does.
    """
    report = validate(data_dir, plans_dir=plans_dir, mapping=mapping, actuals=actuals)
    problems = report.problems
    if broken_plans:
        problems = [p for p in problems if p not in report.plan_problems]
    if problems or report.dataset is None:
        raise DataError.from_problems(problems, subject=str(data_dir))
    return report.dataset, report.plans


# --------------------------------------------------------------------------------------
# Monthly actuals from a backend (raw events rolled up where they live)
# --------------------------------------------------------------------------------------
class _Filtered(ProblemCollector):
    """Passes on to ``inner`` only the problems of the tables ``keep`` accepts."""

    def __init__(self, inner: ProblemCollector, keep: Callable[[str], bool]) -> None:
        super().__init__()
        self.inner, self.keep = inner, keep

    def add_problem(self, table: str, row: int, problem: Problem) -> None:
        if self.keep(table):
            self.inner.add_problem(table, row, problem)

    def __bool__(self) -> bool:
        return bool(self.inner)

    def __len__(self) -> int:
        return len(self.inner)


def _raw_metrics(plans: dict[str, Any]) -> list[str]:
    """The catalogue's raw metrics and every raw metric a plan measures."""
    used = {
        name
        for p in plans.values()
        for m in p.metrics
        if m.kind == "quantitative"
        for name in (m.measure.source, m.measure.denominator)
        if name
    }
    return sorted(set(RAW_METRICS) | used)


def _actuals_table(
    frame: pd.DataFrame, label: str, employees: Table | None, problems: ProblemCollector
) -> Table:
    """A monthly frame typed and checked as an actuals file is, its ids against employees."""
    raw = frame.reset_index(drop=True)
    raw.columns = [str(c) for c in raw.columns]
    rows = np.arange(1, len(raw) + 1)
    t = prepare_table(Table("actuals", label, raw, rows, {c: c for c in raw.columns}), problems)
    if employees is not None:
        check_known_ids({"employees": employees, "actuals": t}, problems)
    return t


def _backend_actuals(
    backend: ActualsBackend,
    source: str,
    employees: Table | None,
    plans: dict[str, Any],
    problems: ProblemCollector,
) -> Table | None:
    """The backend's monthly actuals of every month as a checked table; None if unreadable."""
    label = f"{source} (monthly sums)"
    ids = [] if employees is None else employees.frame["employee_id"].dropna().unique().tolist()
    try:
        frame = backend.monthly(
            employee_ids=ids, metrics=_raw_metrics(plans), months=backend.months()
        )
    except PerfkitError as exc:
        for p in exc.problems or (Problem(source, exc.summary, ""),):
            problems.add_problem("actuals", 0, p)
        return None
    if len(frame) == 0:
        problems.add(
            "actuals",
            0,
            source,
            "holds no event of a raw metric of the catalogue or of the plans",
            "check the table and the column mapping (metric names as in docs/data.md)",
        )
    return _actuals_table(frame, label, employees, problems)


def check_actuals(
    frame: pd.DataFrame,
    *,
    employees: pd.DataFrame,
    plans: dict[str, Any],
    source: str = "actuals frame",
) -> list[Problem]:
    """Every problem of a monthly actuals frame, found as in an actuals file.

    The checks :func:`validate` runs on the actuals file: the types and the ``YYYY-MM``
    months, no repeated (employee, month, metric), every employee in ``employees``, every
    raw metric in the catalogue or measured by a plan, every raw metric a plan measures
    present for its role, and the sane ranges of :data:`~perfkit.schema.RAW_METRIC_RANGE`
    (none negative) and :data:`~perfkit.schema.MAX_MAGNITUDE`.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``employee_id, period, metric, value`` (e.g. what an
        :class:`~perfkit.backends.ActualsBackend` serves); rows are numbered from 1.
    employees : pandas.DataFrame
        The checked employees (``Dataset.employees``).
    plans : dict of str to Plan
    source : str
        The frame as messages name it.

    Returns
    -------
    list of Problem
        Problems of the actuals only (those of ``employees`` are :func:`validate`'s), in
        report order; empty when the frame is fine.
    """
    problems = ProblemCollector(TABLES)
    only = _Filtered(problems, lambda t: t == "actuals")
    emp_frame = employees.reset_index(drop=True)
    emp = Table(
        "employees", "employees", emp_frame, np.arange(1, len(emp_frame) + 1),
        {c: c for c in emp_frame.columns},
    )  # fmt: skip
    tables = {"employees": emp, "actuals": _actuals_table(frame, source, emp, only)}
    _against_plans(tables, plans, set(), Path("plans"), only, [])
    _out_of_range(tables, only)
    return problems.sorted()
