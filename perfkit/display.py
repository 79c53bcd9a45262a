"""Notebook display helpers: the tables and titles a role report shows, in English or Chinese.

Used inside notebooks (``notebooks/role_report.ipynb``, ``notebooks/explore.ipynb``) so that
every cell is one call into perfkit:

- :func:`role_plan` loads the plan of the role a notebook reports on;
- :func:`title` and :func:`heading` show the report title and section titles in ``lang``;
- :func:`format_table` turns a table of :mod:`perfkit.summary` into display text with
  translated headers, and :func:`show_table` shows it as HTML and plain text;
- :func:`show_headline` shows the headline figures and also emits them as JSON
  (:data:`HEADLINE_MIME`), which the batch of :mod:`perfkit.reports` reads for its index;
- :func:`payout_section` and :func:`plan_health_section` show optional sections, or nothing.

Every text from a plan or data file (a plan's name, a metric label, a person's name, a team)
is hostile: titles and headings are shown as escaped HTML, never as Markdown (which would
pass ``<script>`` or a ``javascript:`` link through), and tables are escaped by
:meth:`pandas.DataFrame.to_html`. Composites, scores and achievements are cut, never rounded
up (:func:`perfkit.summary.format_cut`), like the payout explanations.

Nothing here computes a figure (that is :mod:`perfkit.summary`) or draws a chart (that is
:mod:`perfkit.plotting`); running notebooks in batch and exporting them to HTML is
:mod:`perfkit.reports`. IPython is imported only when something is shown, so the formatting
functions work without a kernel.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .plans import Plan
from .wording import (
    TEXT,
    band_label,
    band_labels,
    check_lang,
    format_cut,
    metric_labels,
    plan_name,
    text,
)

#: MIME type of the headline figures a report notebook emits for the batch index.
HEADLINE_MIME = "application/vnd.perfkit.headline+json"

_PERCENT_COLUMNS = {
    "share",
    "guideline_share",
    "difference",
    "share_at_target",
    "share_gate_failed",
    "payout_share",
    "mean_payout_pct",
}
_ACHIEVEMENT_COLUMNS = {"strongest_achievement", "weakest_achievement", "achievement"}
_SCORE_COLUMNS = {
    "composite",
    "mean_composite",
    "median_composite",
    "min_composite",
    "max_composite",
    "score",
}
_MONEY_COLUMNS = {"target_bonus", "payout_amount"}
_METRIC_COLUMNS = {"metric", "strongest_metric", "weakest_metric"}
_HIDDEN_COLUMNS = {"role", "scope"}


def role_plan(plans_dir: str | Path, role: str) -> Plan:
    """The plan of one role (:func:`perfkit.plans.role_plan`, the one discovery rule)."""
    from .plans import role_plan as load_role_plan

    return load_role_plan(plans_dir, role)


def _display(bundle: Mapping[str, Any], metadata: Mapping[str, Any] | None = None) -> None:
    from IPython.display import display

    display(dict(bundle), raw=True, metadata=dict(metadata or {}))


def _show_heading(words: str, level: int) -> None:
    """Show a title or heading; its words may come from a plan or data file, so escaped HTML."""
    level = min(max(int(level), 1), 6)
    _display({"text/html": f"<h{level}>{html.escape(words)}</h{level}>", "text/plain": words})


def title(plan: Plan, *, period: str, team: str = "", lang: str = "en") -> None:
    """Show the report's title: the role's name, the period and the team if one is chosen."""
    check_lang(lang)
    parts = [
        f"{plan_name(plan, lang=lang)}: {text('report', lang=lang)}",
        f"{text('period_word', lang=lang)} {period}",
    ]
    if team:
        parts.append(f"{text('team_filter', lang=lang)} {team}")
    _show_heading(" · ".join(parts), 1)


def heading(key: str, *, lang: str = "en", level: int = 2, always: bool = False) -> None:
    """Show a section title in ``lang``.

    The notebook's own markdown headings are English (tagged ``lang-en``); in another
    language this shows the translated title and the HTML export drops the English one.

    Parameters
    ----------
    key : str
        A section key of :data:`perfkit.wording.TEXT`, e.g. ``"headline"``.
    lang : {"en", "zh"}
    level : int
        Markdown heading level.
    always : bool
        Show it in English too (for sections that have no markdown heading because they
        may be left out, such as the payout summary).
    """
    wording = text(key, lang=lang)
    if always or lang != "en":
        _show_heading(wording, level)


def format_value(column: str, value: Any) -> str:
    """One value of a summary table as display text, formatted by what its column holds.

    Shares become percentages with one decimal (``difference`` with a sign), money two
    decimals with thousands separators; composites and scores two decimals and achievements
    percentages with one, both cut and never rounded up (:func:`perfkit.summary.format_cut`:
    1.2488 reads ``1.24``, so it never seems to reach a band at 1.25). Anything else is shown
    as written, and a missing value as a dash.

    Returns
    -------
    str
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    if column in _PERCENT_COLUMNS:
        return f"{value:+.1%}" if column == "difference" else f"{value:.1%}"
    if column in _ACHIEVEMENT_COLUMNS:
        return format_cut(value, 1, percent=True)
    if column in _SCORE_COLUMNS:
        return format_cut(value, 2)
    if column in _MONEY_COLUMNS:
        return f"{value:,.2f}"
    return str(value)


def format_table(
    frame: pd.DataFrame, *, plan: Plan | None = None, lang: str = "en"
) -> pd.DataFrame:
    """A copy of a summary table with values as display text and headers in ``lang``.

    Values are written by :func:`format_value` (shares as percentages, composites two
    decimals cut, money two decimals with thousands separators), metric keys become the
    plan's labels, rating band meanings (``label`` beside a ``band`` column) their wording
    in ``lang`` (the plan's ``label_zh`` when a plan is given and sets one, see
    :func:`perfkit.wording.band_label`); the ``role`` and ``scope`` columns are dropped (an
    overall row's team reads "All teams"), and so is ``period`` when it holds one value
    only. Texts stay raw here; :func:`show_table` escapes them in HTML.

    Parameters
    ----------
    frame : DataFrame
        A table of :mod:`perfkit.summary`.
    plan : Plan, optional
        The role's plan, for metric labels and band meanings.
    lang : {"en", "zh"}

    Returns
    -------
    DataFrame
        Text columns headed by their wording in :data:`perfkit.wording.TEXT`.
    """
    check_lang(lang)
    out = frame.copy()
    if "scope" in out.columns and "team" in out.columns:
        out["team"] = (
            out["team"]
            .astype(object)
            .where(out["scope"] != "overall", text("all_teams", lang=lang))
        )
    if "period" in out.columns and out["period"].nunique() <= 1:
        out = out.drop(columns="period")
    out = out.drop(columns=[c for c in _HIDDEN_COLUMNS if c in out.columns])
    labels = metric_labels(plan, lang=lang) if plan is not None else {}
    if "label" in out.columns and "band" in out.columns:
        own = band_labels(plan, lang=lang) if plan is not None else {}
        out["label"] = [
            own.get(str(b)) or band_label(str(v), lang=lang)
            for b, v in zip(out["band"], out["label"], strict=True)
        ]
    if "group" in out.columns:
        out["group"] = out["group"].map(
            lambda g: text(g, lang=lang) if g in ("top", "bottom") else g
        )
    columns = {}
    for col in out.columns:
        if col in _METRIC_COLUMNS and labels:
            out[col] = out[col].map(lambda k: labels.get(k, k) if isinstance(k, str) else "–")
        else:
            out[col] = [format_value(col, v) for v in out[col].tolist()]
        key = "achievement_col" if col == "achievement" else col
        columns[col] = text(key, lang=lang) if key in TEXT else col
    return out.rename(columns=columns).reset_index(drop=True)


def show_table(frame: pd.DataFrame, *, plan: Plan | None = None, lang: str = "en") -> None:
    """Show a summary table, formatted by :func:`format_table`, as HTML and plain text."""
    table = format_table(frame, plan=plan, lang=lang)
    _display(
        {
            "text/html": table.to_html(index=False, border=0, classes="perfkit-table"),
            "text/plain": table.to_string(index=False),
        }
    )


def headline_record(figures: pd.DataFrame, bands: pd.DataFrame, *, plan: Plan) -> dict[str, Any]:
    """The headline figures of the latest period as a plain dict (for the batch index).

    Parameters
    ----------
    figures : DataFrame
        :func:`perfkit.summary.headline`.
    bands : DataFrame
        :func:`perfkit.summary.rating_distribution`.
    plan : Plan

    Returns
    -------
    dict
        Keys ``role, name, name_zh, period, headcount, mean_composite, share_at_target``
        and ``bands``, a list of ``[band, count]`` best band first. ``mean_composite`` is
        cut to 6 decimals (:func:`perfkit.summary.format_cut`), so the index page shows it
        as the report does; ``share_at_target`` is rounded to 6.
    """
    row = figures.sort_values("period").iloc[-1]
    per = str(row["period"])
    b = bands[bands["period"].astype(str) == per]

    def num(v: Any) -> float | None:
        return None if pd.isna(v) else round(float(v), 6)

    def cut(v: Any) -> float | None:
        return None if pd.isna(v) or not math.isfinite(float(v)) else float(format_cut(v, 6))

    return {
        "role": plan.role,
        "name": plan.name,
        "name_zh": plan.name_zh,
        "period": per,
        "headcount": int(row["headcount"]),
        "mean_composite": cut(row["mean_composite"]),
        "share_at_target": num(row["share_at_target"]),
        "bands": [[str(k), int(c)] for k, c in zip(b["band"], b["count"], strict=True)],
    }


def rating_spread(bands: Iterable[Iterable[Any]]) -> str:
    """``[band, count]`` pairs as one line of text, e.g. ``"S 1 · A 4 · B 9"``.

    Returns
    -------
    str
    """
    return " · ".join(f"{band} {count}" for band, count in bands)


def show_headline(
    figures: pd.DataFrame, bands: pd.DataFrame, *, plan: Plan, lang: str = "en"
) -> None:
    """Show the headline figures of the latest period as a two-column table.

    The output also carries the figures as JSON (MIME type :data:`HEADLINE_MIME`), which the
    batch reads to write its index page, with the language the report was shown in under
    ``lang`` (English when Chinese was asked for but no CJK font was found).
    """
    rec = {**headline_record(figures, bands, plan=plan), "lang": check_lang(lang)}
    row = figures.sort_values("period").iloc[-1]
    rows = [
        ("headcount", str(rec["headcount"])),
        ("mean_composite", format_value("mean_composite", row["mean_composite"])),
        ("median_composite", format_value("median_composite", row["median_composite"])),
        ("share_at_target", format_value("share_at_target", row["share_at_target"])),
        ("share_gate_failed", format_value("share_gate_failed", row["share_gate_failed"])),
        ("rating_spread", rating_spread(rec["bands"])),
    ]
    table = pd.DataFrame(
        {
            text("figure", lang=lang): [text(k, lang=lang) for k, _ in rows],
            text("value", lang=lang): [v for _, v in rows],
        }
    )
    _display(
        {
            "text/html": table.to_html(index=False, border=0, classes="perfkit-table"),
            "text/plain": table.to_string(index=False),
            HEADLINE_MIME: rec,
        }
    )


def payout_section(results: pd.DataFrame, *, plan: Plan, show_pay: bool, lang: str = "en") -> None:
    """Show the payout summary (title, table, chart), or nothing at all unless ``show_pay``."""
    if not show_pay:
        return
    from . import plotting
    from .summary import payout_summary

    heading("payout", lang=lang, always=True)
    pay = payout_summary(results, plan=plan)
    show_table(pay, lang=lang)
    plotting.payout_by_team(pay, lang=lang)


def plan_health_section(evaluation: Any, *, plan: Plan, lang: str = "en") -> None:
    """Show plan-health findings when :mod:`perfkit.diagnostics` exists; else nothing.

    The diagnostics module is expected to offer ``plan_health(evaluation, *, plan)``
    returning a frame of findings; until it does, the section is left out entirely.
    """
    import importlib.util

    if importlib.util.find_spec(f"{__package__}.diagnostics") is None:
        return
    import importlib

    diagnostics = importlib.import_module(f"{__package__}.diagnostics")
    find = getattr(diagnostics, "plan_health", None)
    if find is None:
        return
    heading("plan_health", lang=lang, always=True)
    show_table(find(evaluation, plan=plan), plan=plan, lang=lang)


__all__ = [
    "HEADLINE_MIME",
    "format_table",
    "format_value",
    "heading",
    "headline_record",
    "payout_section",
    "plan_health_section",
    "rating_spread",
    "role_plan",
    "show_headline",
    "show_table",
    "title",
]
