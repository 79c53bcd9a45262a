"""Notebook display helpers: the tables and titles a role report shows, in English or Chinese.

Used inside notebooks (``notebooks/role_report.ipynb``, ``notebooks/explore.ipynb``) so that
every cell is one call into perfkit:

- :func:`load_data` reads a data set once per kernel (relative paths work from the
  repository root and from ``notebooks/``, :func:`resolve_path`), and :func:`role_plan`
  loads the plan of the role a notebook reports on;
- :func:`title` and :func:`section` show the report title and each section's title with the
  paragraph explaining it, in ``lang`` (:func:`heading` shows a title alone);
- :func:`format_table` turns a table of :mod:`perfkit.summary` into display text with
  translated headers, and :func:`show_table` shows it as HTML (text columns left-aligned,
  numbers right-aligned, nothing wrapped mid-word) and plain text; :func:`show_heatmap`
  shows achievement per person and metric as a coloured table, grouped by team;
- :func:`show_headline` shows the headline figures against the previous period and also
  emits them as JSON (:data:`HEADLINE_MIME`), which the batch of :mod:`perfkit.reports`
  reads for its index;
- :func:`payout_section` and :func:`plan_health_section` show optional sections, or nothing.

Every text from a plan or data file (a plan's name, a metric label, a person's name, a team)
is hostile: titles and headings are shown as escaped HTML, never as Markdown (which would
pass ``<script>`` or a ``javascript:`` link through), and every table cell is escaped with
:func:`html.escape`. Composites, scores and achievements are cut, never rounded up
(:func:`perfkit.wording.format_cut`), like the payout explanations.

Nothing here computes a figure (that is :mod:`perfkit.summary`) or draws a chart (that is
:mod:`perfkit.plotting`); running notebooks in batch, exporting them to HTML and the CSV
download under every table is :mod:`perfkit.reports`. IPython is imported only when
something is shown, so the formatting functions work without a kernel.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import PerfkitError
from .plans import Plan
from .wording import (
    TEXT,
    band_label,
    band_labels,
    check_lang,
    colon,
    comma,
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
    "share_at_target",
    "share_gate_failed",
    "payout_share",
    "mean_payout_pct",
    "weight",
    "proration",
}
#: Differences of shares: written in percentage points.
_POINT_COLUMNS = {"difference", "change_share"}
_ACHIEVEMENT_COLUMNS = {
    "strongest_achievement",
    "weakest_achievement",
    "achievement",
    "mean_achievement",
}
_SCORE_COLUMNS = {
    "composite",
    "mean_composite",
    "median_composite",
    "min_composite",
    "max_composite",
    "score",
    "composite_before",
    "composite_now",
    "cap",
    "weighted_score",
}
_SIGNED_COLUMNS = {"change_composite"}
_MONEY_COLUMNS = {"target_bonus", "payout_amount"}
_METRIC_COLUMNS = {"metric", "strongest_metric", "weakest_metric"}
_COUNT_COLUMNS = {"headcount", "scored", "count", "rank", "periods_low", "gate_failures"}
_UNIT_COLUMNS = {"threshold", "target", "stretch", "actual"}
_HIDDEN_COLUMNS = {"role", "scope", "unit"}
#: Columns shown right-aligned as numbers.
_NUMERIC_COLUMNS = (
    _PERCENT_COLUMNS
    | _POINT_COLUMNS
    | _ACHIEVEMENT_COLUMNS
    | _SCORE_COLUMNS
    | _SIGNED_COLUMNS
    | _MONEY_COLUMNS
    | _COUNT_COLUMNS
    | _UNIT_COLUMNS
)
#: A text column whose longest value is longer than this may wrap (between words only).
_WRAP_AFTER = 28


def role_plan(plans_dir: str | Path, role: str) -> Plan:
    """The plan of one role (:func:`perfkit.plans.role_plan`, the one discovery rule)."""
    from .plans import role_plan as load_role_plan

    return load_role_plan(resolve_path(plans_dir), role)


def resolve_path(path: str | Path) -> Path:
    """``path`` as given, or, when it is relative and missing, relative to ``notebooks/``.

    The notebooks' defaults (``../data/sample``) are relative to the ``notebooks/`` folder,
    where JupyterLab and ``pytest --nbval-lax`` run them; papermill run from the repository
    root finds the same folders this way.

    Returns
    -------
    Path
    """
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    from ._resources import notebooks_dir

    other = (notebooks_dir() / p).resolve()
    # a folder to read from, or one to write into whose parent folders exist there
    if other.exists() or other.parent.exists() or other.parent.parent.exists():
        return other
    return p


_DATASETS: dict[tuple[Any, ...], Any] = {}


def _folder_key(folder: Path) -> tuple[Any, ...]:
    try:
        entries = sorted(
            (e.name, e.stat().st_size, e.stat().st_mtime_ns)
            for e in os.scandir(folder)
            if e.is_file()
        )
    except OSError:
        return (str(folder), None)
    return (str(folder.resolve()), tuple(entries))


def load_data(data_dir: str | Path) -> Any:
    """Read a data set (:func:`perfkit.load_dataset`), once per kernel while its files last.

    The batch runs several reports in one kernel; each reads the same data set, which is
    read and checked once and then served from memory for as long as no file in the folder
    changes (same names, sizes and modification times). Treat the result as read-only.

    Parameters
    ----------
    data_dir : str or Path
        The data set folder; a relative path missing from the working folder is looked for
        relative to ``notebooks/`` (:func:`resolve_path`).

    Returns
    -------
    Dataset
    """
    from .io import load_dataset

    folder = resolve_path(data_dir)
    key = _folder_key(folder)
    if key[1] is None or key not in _DATASETS:
        data = load_dataset(folder)
        if key[1] is not None:
            _DATASETS.clear()  # one data set at a time: a kernel reports on one folder
            _DATASETS[key] = data
        return data
    return _DATASETS[key]


def _display(bundle: Mapping[str, Any], metadata: Mapping[str, Any] | None = None) -> None:
    from IPython.display import display

    display(dict(bundle), raw=True, metadata=dict(metadata or {}))


def _show_heading(words: str, level: int) -> None:
    """Show a title or heading; its words may come from a plan or data file, so escaped HTML."""
    level = min(max(int(level), 1), 6)
    _display({"text/html": f"<h{level}>{html.escape(words)}</h{level}>", "text/plain": words})


def title(plan: Plan, *, period: str, team: str = "", lang: str = "en") -> None:
    """Show the report's title: the role's name, the period and the team if one is chosen.

    Chinese titles join their parts with the full-width colon (``线上推广：岗位绩效报告``).
    """
    check_lang(lang)
    parts = [
        f"{plan_name(plan, lang=lang)}{colon(lang)}{text('report', lang=lang)}",
        f"{text('period_word', lang=lang)} {period}",
    ]
    if team:
        parts.append(f"{text('team_filter', lang=lang)} {team}")
    _show_heading(" · ".join(parts), 1)


def heading(key: str, *, lang: str = "en", level: int = 2, always: bool = False) -> None:
    """Show a section title in ``lang``, without its explanation (see :func:`section`).

    Parameters
    ----------
    key : str
        A section key of :data:`perfkit.wording.TEXT`, e.g. ``"headline"``.
    lang : {"en", "zh"}
    level : int
        Heading level.
    always : bool
        Show it in English too; otherwise only outside English, for a notebook whose English
        markdown headings are tagged ``lang-en`` (left out of reports in another language).
    """
    wording = text(key, lang=lang)
    if always or lang != "en":
        _show_heading(wording, level)


def section(key: str, *, lang: str = "en", level: int = 2) -> None:
    """Show a section's title and the paragraph explaining it, in ``lang``.

    The explanation is the ``about_<key>`` wording of :data:`perfkit.wording.TEXT` (when
    there is one), so a Chinese report carries every explanation a reader of the English one
    gets, from the same table.

    Parameters
    ----------
    key : str
        A section key, e.g. ``"achievement"``.
    lang : {"en", "zh"}
    level : int
        Heading level.
    """
    check_lang(lang)
    level = min(max(int(level), 1), 6)
    words = text(key, lang=lang)
    about = TEXT.get(f"about_{key}", {}).get(lang, "")
    body = f"<h{level}>{html.escape(words)}</h{level}>"
    plain = words
    if about:
        body += f'\n<p class="perfkit-about">{html.escape(about)}</p>'
        plain += "\n" + about
    _display({"text/html": body, "text/plain": plain})


def _signed_points(value: float, lang: str) -> str:
    pts = round(float(value) * 100, 1)
    if pts == 0:
        pts = 0.0
    return f"{pts:+.1f} {text('pp', lang=lang)}"


def _unit_value(unit: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    v = float(value)
    if unit == "percent":
        return f"{v * 100:.4g}%"
    return f"{v:,.4g}" if abs(v) < 1e6 else f"{v:,.0f}"


def format_value(column: str, value: Any, *, lang: str = "en") -> str:
    """One value of a summary table as display text, formatted by what its column holds.

    Shares become percentages with one decimal, differences of shares signed percentage
    points (``+26.2 pp``, ``+26.2 个百分点`` in Chinese), money two decimals with thousands
    separators; composites and scores two decimals and achievements percentages with one,
    both cut and never rounded up (:func:`perfkit.wording.format_cut`: 1.2488 reads
    ``1.24``, so it never seems to reach a band at 1.25). Anything else is shown as written,
    and a missing value as a dash.

    Returns
    -------
    str
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    if column in _POINT_COLUMNS:
        return _signed_points(value, lang)
    if column in _PERCENT_COLUMNS:
        return f"{value:.1%}"
    if column in _ACHIEVEMENT_COLUMNS:
        return format_cut(value, 1, percent=True)
    if column in _SIGNED_COLUMNS:
        out = format_cut(value, 2)
        return out if out.startswith("-") else "+" + out
    if column in _SCORE_COLUMNS:
        return format_cut(value, 2)
    if column in _MONEY_COLUMNS:
        return f"{value:,.2f}"
    return str(value)


def _flag_words(flags: Any, lang: str) -> str:
    if not isinstance(flags, str) or not flags:
        return ""
    return comma(lang).join(text(f"flag_{f}", lang=lang) for f in flags.split(",") if f)


def _unscored_words(value: Any, labels: Mapping[str, str], lang: str) -> str:
    if not isinstance(value, str) or not value:
        return ""
    parts = []
    for item in value.split(";"):
        metric, _, reason = item.partition(":")
        why = text(f"reason_{reason}", lang=lang) if f"reason_{reason}" in TEXT else reason
        open_, close = ("（", "）") if lang == "zh" else (" (", ")")
        parts.append(f"{labels.get(metric, metric)}{open_}{why}{close}")
    return ("；" if lang == "zh" else "; ").join(parts)


def format_table(
    frame: pd.DataFrame, *, plan: Plan | None = None, lang: str = "en"
) -> pd.DataFrame:
    """A copy of a summary table with values as display text and headers in ``lang``.

    Values are written by :func:`format_value` (shares as percentages, differences of shares
    in percentage points, composites two decimals cut, money two decimals with thousands
    separators), metric keys become the plan's labels, rating band meanings (``label``
    beside a ``band`` column) their wording in ``lang`` (the plan's ``label_zh`` when a plan
    is given and sets one, see :func:`perfkit.wording.band_label`), data-quality ``flags``
    and ``unscored_metrics`` words; a plan's thresholds, targets and stretches are written
    in each metric's unit and a gate as its rule. The ``role``, ``scope`` and ``unit``
    columns are dropped (an overall row's team reads "All teams"), and so is ``period``
    when it holds one value only. Texts stay raw here; :func:`show_table` escapes them.

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
        Text columns headed by their wording in :data:`perfkit.wording.TEXT`, every header
        distinct.
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
    units = out["unit"].astype(str).tolist() if "unit" in out.columns else None
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
    if "flags" in out.columns:
        if "name" in out.columns:  # a flag reads beside the name: "Feng Peng · joined"
            out["name"] = [
                _display_name(n, f, lang) for n, f in zip(out["name"], out["flags"], strict=True)
            ]
            out = out.drop(columns="flags")
        elif not out["flags"].astype(str).str.len().any():
            out = out.drop(columns="flags")
    columns = {}
    for col in out.columns:
        if col in _METRIC_COLUMNS and labels:
            out[col] = out[col].map(lambda k: labels.get(k, k) if isinstance(k, str) else "–")
        elif col == "flags":
            out[col] = [_flag_words(v, lang) for v in out[col].tolist()]
        elif col == "unscored_metrics":
            out[col] = [_unscored_words(v, labels, lang) for v in out[col].tolist()]
        elif col in ("direction", "move"):
            out[col] = [text(v, lang=lang) if v in TEXT else str(v) for v in out[col].tolist()]
        elif col == "gate":
            out[col] = [
                "–"
                if v is None or (isinstance(v, float) and math.isnan(v))
                else text("gate_rule", lang=lang).format(pct=f"{float(v):.0%}")
                for v in out[col].tolist()
            ]
        elif col in _UNIT_COLUMNS and units is not None:
            out[col] = [_unit_value(u, v) for u, v in zip(units, out[col].tolist(), strict=True)]
        else:
            out[col] = [format_value(col, v, lang=lang) for v in out[col].tolist()]
        key = "achievement_col" if col == "achievement" else col
        columns[col] = text(key, lang=lang) if key in TEXT else col
    return out.rename(columns=columns).reset_index(drop=True)


def _numeric_headers(frame: pd.DataFrame, lang: str) -> set[str]:
    shown = set()
    for col in frame.columns:
        if col in _NUMERIC_COLUMNS:
            key = "achievement_col" if col == "achievement" else col
            shown.add(text(key, lang=lang) if key in TEXT else col)
    return shown


def _cell_style(numeric: bool, wrap: bool) -> str:
    if numeric:
        return "text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums"
    if wrap:
        return "text-align:left;white-space:normal;min-width:10em;word-break:keep-all"
    return "text-align:left;white-space:nowrap"


def table_html(table: pd.DataFrame, *, numeric: Iterable[str] = ()) -> str:
    """A display table (text cells) as an escaped HTML ``<table class="perfkit-table">``.

    Numbers are right-aligned; text columns are left-aligned and not wrapped, unless their
    longest value is long (then they wrap between words only). Every header and cell is
    escaped with :func:`html.escape`.

    Parameters
    ----------
    table : DataFrame
        Text cells, e.g. :func:`format_table`.
    numeric : iterable of str
        Headers of the columns holding numbers.

    Returns
    -------
    str
    """
    nums = set(numeric)
    esc = html.escape
    styles = []
    for col in table.columns:
        values = table[col].astype(str)
        longest = int(values.str.len().max()) if len(values) else 0
        styles.append(_cell_style(col in nums, longest > _WRAP_AFTER))
    head = "".join(
        f'<th style="text-align:{"right" if c in nums else "left"};white-space:normal;'
        f'word-break:keep-all;overflow-wrap:normal">{esc(str(c))}</th>'
        for c in table.columns
    )
    body = []
    for row in table.itertuples(index=False):
        cells = "".join(
            f'<td style="{s}">{esc(str(v))}</td>' for v, s in zip(row, styles, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table class="perfkit-table">\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
        + "\n".join(body)
        + "\n</tbody>\n</table>"
    )


def show_table(frame: pd.DataFrame, *, plan: Plan | None = None, lang: str = "en") -> None:
    """Show a summary table, formatted by :func:`format_table`, as HTML and plain text.

    An empty table shows the sentence "None." in ``lang``. In a batch report a CSV download
    of the table is added under it (:func:`perfkit.reports.export_html`).
    """
    check_lang(lang)
    if frame.empty:
        words = text("none_found", lang=lang)
        _display({"text/html": f"<p>{html.escape(words)}</p>", "text/plain": words})
        return
    table = format_table(frame, plan=plan, lang=lang)
    _display(
        {
            "text/html": table_html(table, numeric=_numeric_headers(frame, lang)),
            "text/plain": table.to_string(index=False),
        }
    )


def _display_name(name: Any, flags: Any, lang: str) -> str:
    words = _flag_words(flags, lang)
    return f"{name} · {words}" if words else str(name)


def heatmap_html(matrix: pd.DataFrame, *, plan: Plan, lang: str = "en") -> str:
    """Achievement per person and metric as an escaped, coloured HTML table.

    One row per person, grouped by team (each team under a row naming it with its
    headcount and average composite), best composite first; columns: the person (with
    their data-quality flags), the composite, the rating band when known, then one per
    plan metric. Cells are coloured by :func:`perfkit.plotting.achievement_colors` (a
    colour-blind-safe diverging palette, red below target and blue above, no red-green),
    and a metric that could not be scored is a hatched grey cell; a legend follows.

    Parameters
    ----------
    matrix : DataFrame
        :func:`perfkit.summary.achievement_matrix` for one period (``flags`` optional; a
        ``rating`` column is shown when present).
    plan : Plan
    lang : {"en", "zh"}

    Returns
    -------
    str
    """
    from .plotting import UNSCORED_CSS, achievement_colors, achievement_legend

    check_lang(lang)
    esc = html.escape
    labels = metric_labels(plan, lang=lang)
    keys = [k for k in plan.metric_keys if k in set(matrix["metric"].astype(str))]
    people = matrix.drop_duplicates(["employee_id"])[
        [c for c in ("employee_id", "name", "team", "composite", "flags", "rating") if c in matrix]
    ]
    wide = matrix.pivot_table(
        index="employee_id", columns="metric", values="achievement", aggfunc="first", dropna=False
    )
    num = "text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums"
    left = "text-align:left;white-space:nowrap"
    has_rating = "rating" in people.columns
    head_cells = [f'<th style="{left}">{esc(text("axis_person", lang=lang))}</th>']
    head_cells.append(f'<th style="{num}">{esc(text("composite", lang=lang))}</th>')
    if has_rating:
        head_cells.append(f'<th style="{left}">{esc(text("rating", lang=lang))}</th>')
    head_cells += [
        f'<th style="text-align:center;min-width:5.5em;max-width:9em;white-space:normal">'
        f"{esc(labels[k])}</th>"
        for k in keys
    ]
    ncols = len(head_cells)
    rows = []
    for team, grp in people.groupby("team", sort=True, observed=True):
        comp = grp["composite"].astype(float)
        team_line = (
            f"{team} · {text('headcount', lang=lang)} {len(grp)} · "
            f"{text('mean_composite', lang=lang)} {format_cut(comp.mean(), 2)}"
        )
        rows.append(
            f'<tr class="perfkit-team"><th colspan="{ncols}" style="{left};background:#e9edf3">'
            f"{esc(team_line)}</th></tr>"
        )
        for p in grp.itertuples(index=False):
            values = (
                wide.loc[p.employee_id].reindex(keys).to_numpy(dtype=float)
                if p.employee_id in wide.index
                else [math.nan] * len(keys)
            )
            colours = achievement_colors(values)
            cells = [
                f'<td style="{left}">'
                f"{esc(_display_name(p.name, getattr(p, 'flags', ''), lang))}</td>",
                f'<td style="{num}">{esc(format_value("composite", p.composite))}</td>',
            ]
            if has_rating:
                cells.append(f'<td style="{left}">{esc(str(p.rating))}</td>')
            for v, (bg, fg) in zip(values, colours, strict=True):
                if math.isnan(v):
                    cells.append(
                        f'<td style="{num};{UNSCORED_CSS}" '
                        f'title="{esc(text("not_scored", lang=lang))}">–</td>'
                    )
                else:
                    cells.append(
                        f'<td style="{num};background:{bg};color:{fg}">'
                        f"{esc(format_cut(v, 0, percent=True))}</td>"
                    )
            rows.append("<tr>" + "".join(cells) + "</tr>")
    legend = "".join(
        f'<span style="display:inline-block;padding:1px 8px;margin-right:4px;{style}">'
        f"{esc(words)}</span>"
        for words, style in achievement_legend(lang=lang)
    )
    return (
        f'<table class="perfkit-table perfkit-heatmap">\n<thead><tr>{"".join(head_cells)}'
        "</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n"
        f'<p class="perfkit-legend" style="font-size:12px">{legend}</p>'
    )


def show_heatmap(matrix: pd.DataFrame, *, plan: Plan, lang: str = "en") -> None:
    """Show achievement per person and metric as a coloured table (:func:`heatmap_html`).

    A table rather than an image: every value stays legible and searchable however many
    people the role has, it draws in no time and downloads as CSV like every other table.
    """
    check_lang(lang)
    if matrix.empty:
        show_table(matrix, lang=lang)
        return
    labels = metric_labels(plan, lang=lang)
    wide = matrix.pivot_table(
        index="employee_id", columns="metric", values="achievement", aggfunc="first", dropna=False
    )
    people = matrix.drop_duplicates("employee_id").set_index("employee_id")
    keys = [k for k in plan.metric_keys if k in wide.columns]
    plain = pd.DataFrame(
        {
            text("team", lang=lang): people["team"].astype(str),
            text("axis_person", lang=lang): [
                _display_name(n, f, lang)
                for n, f in zip(
                    people["name"],
                    people.get("flags", pd.Series("", index=people.index)),
                    strict=True,
                )
            ],
            text("composite", lang=lang): [
                format_value("composite", v) for v in people["composite"]
            ],
            **{
                labels[k]: [
                    "–" if pd.isna(v) else format_cut(v, 0, percent=True)
                    for v in wide[k].reindex(people.index)
                ]
                for k in keys
            },
        }
    )
    _display(
        {
            "text/html": heatmap_html(matrix, plan=plan, lang=lang),
            "text/plain": plain.to_string(index=False),
        }
    )


def show_metric_trend(trend: pd.DataFrame, *, plan: Plan, lang: str = "en") -> None:
    """Show :func:`perfkit.summary.metric_trend` as one row per metric, one column per period.

    The last column is the change of the latest period against the one before, in
    percentage points.
    """
    check_lang(lang)
    if trend.empty:
        show_table(trend, lang=lang)
        return
    labels = metric_labels(plan, lang=lang)
    wide = trend.pivot_table(
        index="metric", columns="period", values="mean_achievement", aggfunc="first"
    )
    wide = wide.reindex([k for k in plan.metric_keys if k in wide.index])
    periods = sorted(wide.columns)
    table = pd.DataFrame({text("metric", lang=lang): [labels.get(k, k) for k in wide.index]})
    for p in periods:
        table[str(p)] = [format_value("achievement", v) for v in wide[p]]
    if len(periods) >= 2:
        table[text("change", lang=lang)] = [
            format_value("difference", a - b)
            for a, b in zip(wide[periods[-1]], wide[periods[-2]], strict=True)
        ]
    numeric = [c for c in table.columns if c != text("metric", lang=lang)]
    _display(
        {
            "text/html": table_html(table, numeric=numeric),
            "text/plain": table.to_string(index=False),
        }
    )


def headline_record(
    figures: pd.DataFrame,
    bands: pd.DataFrame,
    *,
    plan: Plan,
    quality: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The headline figures of the latest period as a plain dict (for the batch index).

    Parameters
    ----------
    figures : DataFrame
        :func:`perfkit.summary.headline`, of the period alone or with earlier periods (the
        one before the latest becomes ``previous``).
    bands : DataFrame
        :func:`perfkit.summary.rating_distribution`.
    plan : Plan
    quality : DataFrame, optional
        :func:`perfkit.summary.data_quality` of the period, counted under ``quality``.

    Returns
    -------
    dict
        Keys ``role, name, name_zh, period, headcount, mean_composite, share_at_target``,
        ``bands`` (a list of ``[band, count]`` best band first), ``scored`` (people with a
        composite), ``composite_sum`` (their composites added up, for totals across roles),
        ``guideline`` (``[band, guideline share]``), ``previous`` (the same figures of the
        period before, or None) and ``quality`` (:func:`perfkit.summary.quality_counts`, or
        None). ``mean_composite`` is cut to 6 decimals (:func:`perfkit.wording.format_cut`),
        so the index page shows it as the report does; shares are rounded to 6.
    """
    from .summary import quality_counts

    ordered = figures.sort_values("period")
    row = ordered.iloc[-1]
    per = str(row["period"])
    b = bands[bands["period"].astype(str) == per]

    def num(v: Any) -> float | None:
        return None if pd.isna(v) else round(float(v), 6)

    def cut(v: Any) -> float | None:
        return None if pd.isna(v) or not math.isfinite(float(v)) else float(format_cut(v, 6))

    def figures_of(r: Any) -> dict[str, Any]:
        scored = int(r["scored"]) if "scored" in r.index else int(r["headcount"])
        mean = r["mean_composite"]
        return {
            "period": str(r["period"]),
            "headcount": int(r["headcount"]),
            "scored": scored,
            "mean_composite": cut(mean),
            "share_at_target": num(r["share_at_target"]),
            "composite_sum": None if pd.isna(mean) else round(float(mean) * scored, 9),
        }

    now = figures_of(row)
    previous = figures_of(ordered.iloc[-2]) if len(ordered) >= 2 else None
    guide = {bd.band: bd.guideline_share for bd in plan.rating_bands}
    return {
        "role": plan.role,
        "name": plan.name,
        "name_zh": plan.name_zh,
        "period": per,
        "headcount": now["headcount"],
        "mean_composite": now["mean_composite"],
        "share_at_target": now["share_at_target"],
        "bands": [[str(k), int(c)] for k, c in zip(b["band"], b["count"], strict=True)],
        "scored": now["scored"],
        "composite_sum": now["composite_sum"],
        "guideline": [[str(k), float(v)] for k, v in guide.items()],
        "previous": previous,
        "quality": None if quality is None else quality_counts(quality),
    }


def rating_spread(bands: Iterable[Iterable[Any]]) -> str:
    """``[band, count]`` pairs as one line of text, e.g. ``"S 1 · A 4 · B 9"``.

    Returns
    -------
    str
    """
    return " · ".join(f"{band}\u00a0{count}" for band, count in bands)


def quality_line(counts: Mapping[str, int] | None, *, lang: str = "en") -> str:
    """The data-quality counts as one sentence in ``lang`` (empty without counts)."""
    if not counts:
        return ""
    return text("data_quality_counts", lang=lang).format(**counts)


def show_headline(
    figures: pd.DataFrame,
    bands: pd.DataFrame,
    *,
    plan: Plan,
    lang: str = "en",
    quality: pd.DataFrame | None = None,
) -> None:
    """Show the headline figures of the latest period, against the period before.

    A table of the figures (headcount, average and median composite, share at or above
    target, share failing a gate, the rating spread and, given ``quality``, the
    data-quality counts), with the previous period and the change when ``figures`` holds
    it. The output also carries :func:`headline_record` as JSON (MIME type
    :data:`HEADLINE_MIME`), which the batch reads to write its index page, with the
    language the report was shown in under ``lang`` (English when Chinese was asked for
    but no CJK font was found).
    """
    rec = {**headline_record(figures, bands, plan=plan, quality=quality), "lang": check_lang(lang)}
    ordered = figures.sort_values("period")
    row = ordered.iloc[-1]
    prev = ordered.iloc[-2] if len(ordered) >= 2 else None
    keys = [
        "headcount",
        "mean_composite",
        "median_composite",
        "share_at_target",
        "share_gate_failed",
    ]

    def shown(r: Any, k: str) -> str:
        return str(int(r[k])) if k == "headcount" else format_value(k, r[k], lang=lang)

    def change(k: str) -> str:
        if prev is None or pd.isna(row[k]) or pd.isna(prev[k]):
            return "–"
        d = float(row[k]) - float(prev[k])
        if k == "headcount":
            return f"{int(d):+d}"
        if k.startswith("share"):
            return format_value("difference", d, lang=lang)
        return format_value("change_composite", d)

    table = pd.DataFrame(
        {
            text("figure", lang=lang): [text(k, lang=lang) for k in keys],
            f"{rec['period']}": [shown(row, k) for k in keys],
        }
    )
    if prev is not None:
        table[f"{prev['period']}"] = [shown(prev, k) for k in keys]
        table[text("change", lang=lang)] = [change(k) for k in keys]
    extra = [(text("rating_spread", lang=lang), rating_spread(rec["bands"]))]
    for label, value in extra:
        more = {c: "" for c in table.columns}
        more[table.columns[0]] = label
        more[table.columns[1]] = value
        table = pd.concat([table, pd.DataFrame([more])], ignore_index=True)
    numeric = [c for c in table.columns[1:]]
    body = table_html(table, numeric=numeric)
    plain = table.to_string(index=False)
    if rec["quality"] is not None:
        line = f"{text('data_quality_line', lang=lang)}{colon(lang)}"
        line += quality_line(rec["quality"], lang=lang)
        body += f'\n<p class="perfkit-about">{html.escape(line)}</p>'
        plain += "\n" + line
    _display({"text/html": body, "text/plain": plain, HEADLINE_MIME: rec})


def payout_section(results: pd.DataFrame, *, plan: Plan, show_pay: bool, lang: str = "en") -> None:
    """Show the payout summary (title, explanation, table, charts), or nothing unless ``show_pay``.

    The charts: each person's payout against their composite with the plan's payout curve
    and the 100% line, and payout against the target bonus (the budget) per team.
    """
    if not show_pay:
        return
    from . import plotting
    from .summary import payout_summary

    section("payout", lang=lang)
    pay = payout_summary(results, plan=plan)
    show_table(pay, lang=lang)
    plotting.payout_vs_composite(results, plan=plan, lang=lang)
    plotting.payout_vs_budget(pay, lang=lang)


def _loadable_plans(plans_dir: str | Path) -> dict[str, Plan]:
    """Every plan of a folder that loads (a broken one is another role's report's error)."""
    from .plans import load_plan, plan_files

    found: dict[str, Plan] = {}
    for role, path in plan_files(resolve_path(plans_dir)).items():
        try:
            found[role] = load_plan(path)
        except PerfkitError:
            continue
    return found


def plan_health_section(
    evaluation: Any,
    *,
    plan: Plan,
    lang: str = "en",
    dataset: Any = None,
    plans: Mapping[str, Plan] | str | Path | None = None,
    findings: str | Path | None = None,
) -> None:
    """Show the role's plan-health findings (:func:`perfkit.diagnostics.plan_health`).

    Parameters
    ----------
    evaluation : Evaluation
        The role's evaluation; its latest period is diagnosed.
    plan : Plan
    lang : {"en", "zh"}
        Language of the headers, kinds, severities and fixes.
    dataset : Dataset, optional
        The data evaluated; with it every check runs, as ``perfkit diagnose`` does.
    plans : mapping of str to Plan, or a plans folder, optional
        Every role's plan, for the department-wide checks (rater leniency); of a folder,
        every plan that loads.
    findings : path, optional
        A ``findings.json`` already worked out for the whole department and period (the
        report batch writes one, ``plan_health.json``, so every report and the index show
        the same findings without each running the checks again); the role's findings are
        taken from it and nothing is recomputed.

    Notes
    -----
    Every cell is text from the data (ids, team names) or built from it, so the table is
    shown escaped by :meth:`pandas.DataFrame.to_html`; with no finding a one-line
    sentence says so.
    """
    lang = check_lang(lang)
    from .diagnostics import KIND_LABELS, findings_frame, for_role, plan_health, read_findings
    from .diagnostics.run import SEVERITY_LABELS

    heading("plan_health", lang=lang, always=True)
    zh = lang == "zh"
    try:
        if findings:
            found = findings_frame(for_role(read_findings(resolve_path(findings)), plan.role))
        else:
            every = _loadable_plans(plans) if isinstance(plans, (str, Path)) else plans
            found = plan_health(evaluation, plan=plan, dataset=dataset, plans=every)
    except PerfkitError as exc:  # the checks refuse the data: the report says so and goes on
        lead = "方案健康检查未能运行：" if zh else "The plan-health checks could not run: "
        sentence = lead + str(exc).splitlines()[0]
        _display({"text/html": f"<p>{html.escape(sentence)}</p>", "text/plain": sentence})
        return
    if found.empty:
        sentence = "未发现方案健康问题。" if zh else "No plan-health findings."
        _display({"text/html": f"<p>{html.escape(sentence)}</p>", "text/plain": sentence})
        return
    pick = 1 if zh else 0
    headers = ("类型", "严重程度", "对象", "证据", "建议") if zh else (
        "Finding", "Severity", "Subject", "Evidence", "Suggested fix"
    )  # fmt: skip
    table = pd.DataFrame(
        {
            headers[0]: [KIND_LABELS.get(k, (k, k))[pick] for k in found["kind"]],
            headers[1]: [SEVERITY_LABELS[v][pick] for v in found["severity"]],
            headers[2]: found["subject"].to_numpy(),
            headers[3]: found["evidence"].to_numpy(),
            headers[4]: found["fix_zh" if zh else "fix_en"].to_numpy(),
        }
    )
    _display(
        {
            "text/html": table.to_html(index=False, border=0, classes="perfkit-table", escape=True),
            "text/plain": table.to_string(index=False),
        }
    )


__all__ = [
    "HEADLINE_MIME",
    "format_table",
    "format_value",
    "heading",
    "headline_record",
    "heatmap_html",
    "load_data",
    "payout_section",
    "plan_health_section",
    "quality_line",
    "rating_spread",
    "resolve_path",
    "role_plan",
    "section",
    "show_headline",
    "show_heatmap",
    "show_metric_trend",
    "show_table",
    "table_html",
    "title",
]
