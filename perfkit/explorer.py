"""The interactive calibration view: sliders on a plan, cost and attainment redrawn live.

:func:`explorer` returns an :class:`Explorer`, whose :attr:`~Explorer.widget` is an
ipywidgets box for JupyterLab and for the Voila page (``perfkit calibrate-app``). Moving a
slider re-scores the role's history and its Monte Carlo draws in memory through
:class:`perfkit.calibration.Calibrator` (the one money path, draws cached per role) and
redraws: the share at or above target with its interval, expected and P90 cost against a
budget, the rating bands against the guideline and the winners and losers.
:meth:`Explorer.save` writes the chosen values as a new version of the plan.

All the wiring is here, so the notebooks that show it hold one call, and every number the
view shows is checked against :mod:`perfkit.calibration` by the tests.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .errors import PerfkitError
from .fsutil import atomic_path
from .plans import Plan, find_plans_dir, load_plan

#: Monte Carlo draws per role in the interactive view: enough for stable intervals, few
#: enough that a slider answers within half a second on the sample data.
DRAWS = 400

#: Range of a target-multiplier slider.
MULTIPLIER_RANGE = (0.5, 1.5)


def _fmt_money(value: float, currency: str) -> str:
    return "n/a" if value is None or not np.isfinite(value) else f"{value:,.0f} {currency}"


def summary_html(scenario: Any, *, current: Any = None) -> str:
    """The headline figures of a scenario as an HTML table (every text escaped).

    Parameters
    ----------
    scenario : perfkit.calibration.Scenario
    current : Scenario, optional
        The current plan, for a "current" column beside the chosen values.

    Returns
    -------
    str
    """
    c = scenario.currency

    def cells(s: Any) -> list[str]:
        lo, hi = s.share_interval
        over = "" if s.prob_over_budget is None else f"{s.prob_over_budget:.1%}"
        return [
            f"{s.share_at_target:.1%} ({lo:.1%} to {hi:.1%})",
            _fmt_money(s.cost_expected, c),
            _fmt_money(s.cost_p90, c),
            over,
        ]

    rows = ["share at or above target", "expected cost per period", "P90 cost per period"]
    rows.append("chance of passing the budget")
    chosen = cells(scenario)
    base = cells(current) if current is not None else None
    head = "<tr><th></th><th>chosen</th>" + ("<th>current plan</th>" if base else "") + "</tr>"
    body = []
    for i, name in enumerate(rows):
        tds = f"<td class='perfkit-share' data-figure='{i}'>{html.escape(chosen[i])}</td>"
        if base:
            tds += f"<td>{html.escape(base[i])}</td>"
        body.append(f"<tr><th>{html.escape(name)}</th>{tds}</tr>")
    note = (
        f"<p>{scenario.level:.0%} intervals from {scenario.draws:,} draws of history "
        f"(seed {scenario.seed}); a period of {scenario.headcount} people"
        + (
            f"; budget {html.escape(_fmt_money(scenario.budget, c))}"
            if scenario.budget is not None
            else ""
        )
        + ".</p>"
    )
    return f"<table class='perfkit-table'>{head}{''.join(body)}</table>{note}"


def bands_html(scenario: Any) -> str:
    """The rating bands: share under the chosen plan, the current plan and the guideline."""
    rows = []
    for r in scenario.bands.itertuples(index=False):
        rows.append(
            "<tr>"
            f"<td>{html.escape(str(r.band))}</td><td>{html.escape(str(r.label))}</td>"
            f"<td>{r.share:.1%}</td><td>{r.share_current:.1%}</td>"
            f"<td>{r.guideline_share:.1%}</td><td>{100 * r.shift:+.1f} pp</td>"
            "</tr>"
        )
    head = (
        "<tr><th>band</th><th>meaning</th><th>chosen</th><th>current</th><th>guideline</th>"
        "<th>shift</th></tr>"
    )
    return f"<table class='perfkit-table'>{head}{''.join(rows)}</table>"


def movers_html(scenario: Any, *, n: int = 5) -> str:
    """The largest payout changes, both ways, for the person-periods of the history."""
    frame = scenario.changes_frame.sort_values(["change", "employee_id"], kind="mergesort")
    losses = frame[frame["change"] < 0].head(n)
    gains = frame[frame["change"] > 0].tail(n).iloc[::-1]
    c = scenario.currency

    def table(part: Any, title: str) -> str:
        if not len(part):
            return f"<h4>{html.escape(title)}</h4><p>nobody</p>"
        rows = "".join(
            f"<tr><td>{html.escape(str(r.employee_id))}</td><td>{html.escape(str(r.name))}</td>"
            f"<td>{html.escape(str(r.period))}</td><td>{r.change:+,.2f} {html.escape(c)}</td></tr>"
            for r in part.itertuples(index=False)
        )
        return f"<h4>{html.escape(title)}</h4><table class='perfkit-table'>{rows}</table>"

    return table(gains, "largest gains") + table(losses, "largest losses")


class Explorer:
    """Sliders on one role's plan, and what they cost; see :func:`explorer`.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The whole view.
    role : ipywidgets.Dropdown
    sliders : dict of str to ipywidgets.FloatSlider
        ``threshold``, ``accelerator``, ``team_share`` and ``target_multiplier.<metric>``.
    budget : ipywidgets.FloatText
    summary, bands, movers, status : ipywidgets.HTML
    chart : ipywidgets.Output
        The distribution of each person's payout change.
    scenario : perfkit.calibration.Scenario
        What the view shows now.
    """

    def __init__(
        self,
        data: Any,
        plans: Mapping[str, Plan],
        *,
        plans_dir: str | Path | None = None,
        role: str | None = None,
        budget: float | None = None,
        draws: int = DRAWS,
        seed: int = 0,
        period: Any = "latest",
        chart: bool = True,
    ) -> None:
        import ipywidgets as w

        if not plans:
            raise PerfkitError("explorer: no plans given")
        self.data = data
        self.plans = dict(plans)
        self.plans_dir = Path(plans_dir) if plans_dir is not None else None
        self.draws, self.seed, self.period = int(draws), int(seed), period
        self._calibrators: dict[str, Any] = {}
        self._current: dict[tuple[str, float | None], Any] = {}
        self._draw_chart = chart
        first = role if role is not None else sorted(self.plans)[0]
        if first not in self.plans:
            raise PerfkitError(
                f"explorer: role {first!r} has no plan; choose one of {', '.join(sorted(self.plans))}"
            )
        self.role = w.Dropdown(options=sorted(self.plans), value=first, description="Role")
        self.budget = w.FloatText(value=budget or 0.0, description="Budget")
        self.summary = w.HTML()
        self.bands = w.HTML()
        self.movers = w.HTML()
        self.status = w.HTML()
        self.chart = w.Output()
        self.save_button = w.Button(description="Save as plan YAML", icon="save")
        self.save_button.on_click(lambda _b: self._save_clicked())
        self.sliders: dict[str, Any] = {}
        self._slider_box = w.VBox()
        self.widget = w.VBox(
            [
                w.HBox([self.role, self.budget]),
                self._slider_box,
                w.HTML("<h3>Cost and attainment</h3>"),
                self.summary,
                w.HTML("<h3>Rating bands against the guideline</h3>"),
                self.bands,
                w.HTML("<h3>Winners and losers</h3>"),
                self.chart,
                self.movers,
                w.HBox([self.save_button, self.status]),
            ]
        )
        self.scenario: Any = None
        self.role.observe(lambda _c: self._role_changed(), names="value")
        self.budget.observe(lambda _c: self.update(), names="value")
        self._role_changed()

    # -- the role and its sliders -------------------------------------------------------------
    def calibrator(self, role: str | None = None) -> Any:
        """The role's :class:`~perfkit.calibration.Calibrator` (built once, draws cached)."""
        from .calibration import Calibrator

        role = role or self.role.value
        if role not in self._calibrators:
            self._calibrators[role] = Calibrator.from_data(
                self.data, self.plans, role=role, period=self.period, draws=self.draws,
                seed=self.seed,
            )  # fmt: skip
        return self._calibrators[role]

    def _role_changed(self) -> None:
        import ipywidgets as w

        cal = self.calibrator()
        plan = cal.plan
        curve = plan.payout.curve
        specs = [
            ("threshold", "Payout threshold", 0.0, max(curve.target - 0.01, 0.05), 0.01),
            ("accelerator", "Payout at stretch", curve.target_payout, 4.0, 0.05),
            ("team_share", "Team share", 0.0, 1.0, 0.05),
        ]
        sliders: dict[str, Any] = {}
        for key, label, lo, hi, step in specs:
            value = float(cal.current_value(key))
            sliders[key] = w.FloatSlider(
                value=value, min=min(lo, value), max=max(hi, value), step=step,
                description=label, continuous_update=False, readout_format=".2f",
                style={"description_width": "240px"}, layout={"width": "600px"},
            )  # fmt: skip
        lo, hi = MULTIPLIER_RANGE
        for m in plan.metrics:
            if m.measure.agg == "rating":
                continue  # a rating has no target to move
            sliders[f"target_multiplier.{m.key}"] = w.FloatSlider(
                value=1.0, min=lo, max=hi, step=0.05, description=f"Target × {m.label}",
                continuous_update=False, readout_format=".2f",
                style={"description_width": "240px"}, layout={"width": "600px"},
            )  # fmt: skip
        for s in sliders.values():
            s.observe(lambda _c: self.update(), names="value")
        self.sliders = sliders
        self._slider_box.children = tuple(sliders.values())
        self.update()

    # -- values and figures -------------------------------------------------------------------
    def changes(self) -> dict[str, float]:
        """The sliders that differ from the current plan, as calibration changes."""
        cal = self.calibrator()
        out: dict[str, float] = {}
        for key, s in self.sliders.items():
            current = 1.0 if key.startswith("target_multiplier") else cal.current_value(key)
            if not np.isclose(s.value, current):
                out[key] = float(s.value)
        return out

    def _budget(self) -> float | None:
        return float(self.budget.value) if self.budget.value and self.budget.value > 0 else None

    def update(self) -> Any:
        """Re-score with the sliders' values and redraw every output; returns the Scenario."""
        cal = self.calibrator()
        budget = self._budget()
        self.scenario = cal.evaluate(self.changes(), budget=budget, intervals=False)
        key = (self.role.value, budget)
        if key not in self._current:  # the current plan's figures, once per role and budget
            self._current[key] = cal.evaluate({}, budget=budget, intervals=False)
        current = self._current[key]
        self.summary.value = summary_html(self.scenario, current=current)
        self.bands.value = bands_html(self.scenario)
        self.movers.value = movers_html(self.scenario)
        if self._draw_chart:
            self._redraw_chart()
        return self.scenario

    def _redraw_chart(self) -> None:
        import matplotlib.pyplot as plt
        from IPython.display import display

        change = self.scenario.changes_frame["change"].to_numpy(dtype=float)
        self.chart.clear_output(wait=True)
        with self.chart:
            fig, ax = plt.subplots(figsize=(6.5, 2.4))
            ax.hist(change, bins=30, color="#4C72B0")
            ax.axvline(0.0, color="#444444", linewidth=1)
            ax.set_xlabel(f"payout change per person-period ({self.scenario.currency})")
            ax.set_ylabel("people")
            fig.tight_layout()
            display(fig)
            plt.close(fig)

    # -- the decision -------------------------------------------------------------------------
    def save(self, folder: str | Path | None = None) -> Path:
        """Write the chosen values as a new version of the plan, with a record of its figures.

        The plan goes to ``<folder>/<role>.yaml`` (default: a ``proposed`` folder inside the
        plans folder, which plan discovery does not read), its ``version`` raised by one (or
        ``<version>-calibrated``), and the cost and attainment at those values to
        ``<role>.calibration.json`` beside it.

        Returns
        -------
        Path
            The plan file written.
        """
        return save_plan(self.scenario, folder=folder or self._proposed_folder())

    def _proposed_folder(self) -> Path:
        base = self.plans_dir if self.plans_dir is not None else find_plans_dir()
        return base / "proposed"

    def _save_clicked(self) -> None:
        try:
            path = self.save()
        except PerfkitError as exc:
            self.status.value = f"<span>{html.escape(str(exc))}</span>"
            return
        self.status.value = f"<span>saved {html.escape(str(path))}</span>"


def next_version(version: str) -> str:
    """``"2026"`` -> ``"2027"``, ``"3"`` -> ``"4"``, anything else gets ``-calibrated``."""
    return str(int(version) + 1) if version.isdigit() else f"{version}-calibrated"


def save_plan(scenario: Any, *, folder: str | Path) -> Path:
    """Write a scenario's plan as YAML (a new version) and its figures as JSON beside it.

    Parameters
    ----------
    scenario : perfkit.calibration.Scenario
    folder : str or Path
        Created if missing.

    Returns
    -------
    Path
        ``<folder>/<role>.yaml``, which :func:`perfkit.plans.load_plan` reads back.
    """
    import yaml

    plan: Plan = scenario.plan
    data = plan.model_dump(mode="json")
    data["version"] = next_version(plan.version)
    figures = {
        **scenario.to_dict(),
        "from_version": plan.version,
        "version": data["version"],
    }
    header = (
        f"# {plan.role}: calibrated from version {plan.version} with {json.dumps(scenario.changes)}\n"
        f"# share at or above target {scenario.share_at_target:.1%}; expected cost "
        f"{scenario.cost_expected:,.0f} {scenario.currency}, P90 {scenario.cost_p90:,.0f}\n"
    )
    text = header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    folder = Path(folder)
    path = folder / f"{plan.role}.yaml"
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    record = folder / f"{plan.role}.calibration.json"
    with atomic_path(record) as tmp:
        tmp.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    load_plan(path)  # what was written loads back as a plan
    return path


def explorer(
    data_dir: str | Path,
    *,
    role: str | None = None,
    plans_dir: str | Path | None = None,
    budget: float | None = None,
    draws: int = DRAWS,
    seed: int = 0,
    period: Any = "latest",
    chart: bool = True,
) -> Explorer:
    """The interactive calibration view of a data folder (checked as ``perfkit validate`` does).

    Parameters
    ----------
    data_dir : str or Path
    role : str, optional
        The role shown first (default: the first in alphabetical order).
    plans_dir : str or Path, optional
        Found by :func:`perfkit.plans.find_plans_dir` when omitted.
    budget : float, optional
        A period budget in the plans' currency.
    draws, seed : int
        Monte Carlo draws per role and their seed.
    period : str
        The last history period (default the latest complete one).
    chart : bool
        Draw the winners-and-losers histogram (off for tests that only read numbers).

    Returns
    -------
    Explorer
        ``.widget`` to show it.
    """
    from .validation import load_checked

    folder = find_plans_dir(plans_dir)
    data, plans = load_checked(data_dir, plans_dir=folder)
    return Explorer(
        data, plans, plans_dir=folder, role=role, budget=budget, draws=draws, seed=seed,
        period=period, chart=chart,
    )  # fmt: skip


__all__ = [
    "DRAWS",
    "Explorer",
    "bands_html",
    "explorer",
    "movers_html",
    "save_plan",
    "summary_html",
]


#: Where the Voila page listens by default: this machine only.
APP_IP = "127.0.0.1"
APP_PORT = 8866


def app_notebook(
    data_dir: str | Path,
    *,
    folder: str | Path,
    role: str = "online_promotion",
    plans_dir: str | Path | None = None,
    budget: float | None = None,
    draws: int = DRAWS,
    seed: int = 0,
) -> Path:
    """The shipped ``calibration_app.ipynb`` with these parameters, written into ``folder``.

    Returns
    -------
    Path
        The notebook Voila serves (absolute paths inside, so it runs from anywhere).
    """
    import nbformat

    from ._resources import notebooks_dir

    nb = nbformat.read(notebooks_dir() / "calibration_app.ipynb", as_version=4)
    params = {
        "data_dir": str(Path(data_dir).resolve()),
        "plans_dir": str(find_plans_dir(plans_dir).resolve()),
        "role": role,
        "budget": float(budget or 0.0),
        "draws": int(draws),
        "seed": int(seed),
    }
    # the values as Python literals in a cell after the parameters cell, as papermill injects
    source = "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in params.items())
    at = next(
        i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])
    )
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    cell["id"] = "injected-parameters"
    nb.cells.insert(at + 1, cell)
    out = Path(folder) / "calibration_app.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    return out


def voila_command(notebook: str | Path, *, ip: str = APP_IP, port: int = APP_PORT) -> list[str]:
    """The command that serves ``notebook`` with Voila on ``ip:port`` (no browser opened)."""
    import sys

    settings = {"headers": {"Content-Security-Policy": CONTENT_POLICY}}
    return [
        sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--Voila.ip={ip}",
        f"--port={int(port)}", "--strip_sources=True", "--show_tracebacks=False",
        f"--Voila.tornado_settings={json.dumps(settings)}",
    ]  # fmt: skip


#: What the page may load: only what this server sends (scripts, styles, fonts, images and
#: its own websocket); the browser refuses anything from elsewhere, a CDN included. Voila
#: bundles the widgets' scripts and the icon font, so nothing is missing.
CONTENT_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self' ws: wss:; frame-ancestors 'self'"
)
