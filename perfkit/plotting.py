"""seaborn charts of report tables: data in, Axes out.

Each function takes a frame from :mod:`perfkit.summary` (or an evaluation's ``results``)
first, draws it on ``ax`` (a new figure when None) and returns the Axes. Nothing is computed
here beyond reshaping for the chart; every chart has a title and axis labels with units, in
English or Chinese (``lang="zh"`` uses the plans' ``label_zh`` and the wording in
:data:`perfkit.wording.TEXT`; call :func:`set_style` with ``lang="zh"`` first so a CJK font
is in use).

Text from a plan or data file (team and person names, metric labels, bands) is drawn as
written: a ``$`` in it never switches matplotlib to mathtext (:func:`literal`). Achievements
written in cells are cut, never rounded up (:func:`perfkit.summary.format_cut`).

Readable by everyone: achievement is coloured with a colour-blind-safe diverging palette
(:data:`ACHIEVEMENT_CMAP`, red below target and blue above, never red against green), the
"on target" line is labelled on the chart rather than listed among the teams of a legend,
trend axes keep a fixed least span (:data:`MIN_COMPOSITE_SPAN`) so small swings look small,
and a chart comparing teams is not drawn for a role with a single team (it returns None).
Chinese titles join their parts with the full-width comma (:func:`perfkit.wording.comma`).
"""

from __future__ import annotations

import warnings
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from .plans import Plan
from .summary import TARGET_COMPOSITE
from .wording import check_lang, comma, format_cut, metric_labels, text

#: A person x metric heatmap names every row up to this many people, and is never taller
#: than this many inches (a bigger role is drawn with thinner rows and some names skipped).
MAX_LABELLED_ROWS = 100
MAX_HEATMAP_INCHES = 30.0

#: Colour of the "on target" reference line.
TARGET_COLOR = "0.35"

#: The achievement palette: ColorBrewer's red-blue, safe for red-green colour blindness
#: (red below target, near white on target, blue above), over :data:`ACHIEVEMENT_RANGE`.
ACHIEVEMENT_CMAP = "RdBu"
ACHIEVEMENT_RANGE = (0.5, 1.5)

#: How a metric that could not be scored is shown: a hatched light grey cell.
UNSCORED_COLOR = "#D9D9D9"
UNSCORED_HATCH = "///"
UNSCORED_CSS = (
    "background:repeating-linear-gradient(45deg,#d9d9d9 0,#d9d9d9 3px,#f4f4f4 3px,#f4f4f4 6px);"
    "color:#555"
)

#: A heatmap page holds at most this many people, so every name and value stays legible.
MAX_ROWS_PER_PAGE = 40

#: A composite trend axis spans at least this much, whatever the data: a swing of 0.03
#: must not fill the chart.
MIN_COMPOSITE_SPAN = 0.5

#: An achievement trend axis spans at least this much (0.6 = 60 percentage points).
MIN_ACHIEVEMENT_SPAN = 0.6

#: Line colours for series (Okabe-Ito, distinguishable with any colour vision).
SERIES_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
                 "#000000"]  # fmt: skip


def achievement_colors(values: Any) -> list[tuple[str, str]]:
    """Background and text colour (hex) of each achievement, on :data:`ACHIEVEMENT_CMAP`.

    Parameters
    ----------
    values : array-like of float
        Achievements (1.0 = on target); NaN gets the unscored grey.

    Returns
    -------
    list of (str, str)
        ``(background, text)``: the text is white on dark cells and near black elsewhere.
    """
    from matplotlib.colors import to_hex

    cmap = mpl.colormaps[ACHIEVEMENT_CMAP]
    lo, hi = ACHIEVEMENT_RANGE
    out = []
    for v in np.asarray(values, dtype=float).ravel():
        if np.isnan(v):
            out.append((UNSCORED_COLOR, "#555555"))
            continue
        r, g, b, _ = cmap(float(np.clip((v - lo) / (hi - lo), 0.0, 1.0)))
        light = 0.2126 * r + 0.7152 * g + 0.0722 * b
        out.append((to_hex((r, g, b)), "#111111" if light > 0.45 else "#FFFFFF"))
    return out


def achievement_legend(*, lang: str = "en") -> list[tuple[str, str]]:
    """The legend of achievement colours: ``(words, CSS style)`` pairs, low to high, then unscored."""
    check_lang(lang)
    steps = [(0.5, "≤ 50%"), (0.8, "80%"), (1.0, "100%"), (1.2, "120%"), (1.5, "≥ 150%")]
    out = []
    for (_v, words), (bg, fg) in zip(steps, achievement_colors([v for v, _ in steps]), strict=True):
        out.append((words, f"background:{bg};color:{fg}"))
    out.append((text("legend_unscored", lang=lang), UNSCORED_CSS))
    return out


def _use_fast_inline() -> None:
    """In a notebook, draw inline figures once (no tight bounding box pass, no idle draw).

    Every chart here lays itself out (``layout="constrained"``), so the inline backend's
    default ``bbox_inches="tight"``, which draws each figure twice, only costs time. And
    the inline backend shows each new figure after its cell (its own post-execute hook),
    so pyplot's post-execute hook, which first renders every stale figure on its Agg canvas
    for an interactive window there is none of, is disconnected: the same picture, drawn
    once instead of twice (constrained layout runs once, so a legend beside the axes may sit
    a pixel apart from where a second pass would have put it). ``%matplotlib`` and
    :func:`matplotlib.pyplot.ion` connect it again; :func:`set_style` disconnects it after.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the notebook stack
        return
    shell = get_ipython()
    if shell is None or "inline" not in str(mpl.get_backend()):
        return
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # pragma: no cover
        return
    set_matplotlib_formats("png", bbox_inches=None)
    plt.uninstall_repl_displayhook()


def set_style(*, lang: str = "en") -> str:
    """Set the seaborn theme, and a CJK font for Chinese.

    Parameters
    ----------
    lang : {"en", "zh"}
        The report language.

    Returns
    -------
    str
        The language charts can use: ``lang``, or ``"en"`` when Chinese was asked for but no
        CJK font is installed (:func:`perfkit.fonts.use_cjk_font` warns once).
    """
    check_lang(lang)
    sns.set_theme(style="whitegrid", context="notebook")
    mpl.rcParams["figure.dpi"] = 100
    _use_fast_inline()
    if lang == "zh":
        from .fonts import use_cjk_font

        if use_cjk_font() is None:
            return "en"
    return lang


def literal(value: object) -> str:
    """``value`` as chart text drawn as written: ``$`` escaped, so no mathtext is parsed.

    A team named ``a$\\x$b`` would otherwise be parsed as a formula, and fail to draw.

    Returns
    -------
    str
    """
    return str(value).replace("$", r"\$")


def _literal(values: pd.Series) -> pd.Series:
    return values.astype(str).map(literal)


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _title(ax: Axes, words: str, **kw: Any) -> None:
    """Title ``ax`` at the top of the axes, where matplotlib puts it, and keep it there.

    A title left to move (matplotlib's default) makes every draw measure each tick label
    of the y axis, to lift the title over an offset text or top tick labels that none of
    these charts has: about a third of the time it takes to draw a chart, for the same
    picture.
    """
    ax.set_title(words, y=1.0, **kw)


def _period_suffix(data: pd.DataFrame, lang: str = "en") -> str:
    if "period" in data.columns:
        periods = data["period"].dropna().astype(str).unique()
        if len(periods) == 1:
            return f"{comma(lang)}{literal(periods[0])}" if periods[0] else ""
    return ""


def _target_line(ax: Axes, *, lang: str, vertical: bool, at: float = TARGET_COMPOSITE) -> None:
    """The dashed "on target" line, labelled where it is drawn (never in a legend)."""
    kw: dict[str, Any] = {"color": TARGET_COLOR, "linestyle": "--", "linewidth": 1.2, "zorder": 3}
    words = text("on_target", lang=lang)
    if vertical:
        ax.axvline(at, **kw)
        ax.annotate(
            words, (at, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -3),
            textcoords="offset points", ha="left", va="top", fontsize=8, color=TARGET_COLOR,
        )  # fmt: skip
    else:
        ax.axhline(at, **kw)
        ax.annotate(
            words, (0.0, at), xycoords=("axes fraction", "data"), xytext=(3, 2),
            textcoords="offset points", ha="left", va="bottom", fontsize=8, color=TARGET_COLOR,
        )  # fmt: skip


def _least_span(ax: Axes, values: Any, *, span: float, include: float) -> None:
    """Y limits around ``values`` and ``include`` spanning at least ``span`` (never below 0
    when every value is 0 or more)."""
    vals = np.asarray(values, dtype=float)
    vals = vals[np.isfinite(vals)]
    lo = min(float(vals.min()), include) if vals.size else include
    hi = max(float(vals.max()), include) if vals.size else include
    pad = 0.1 * max(hi - lo, 0.05)
    lo, hi = lo - pad, hi + pad
    if hi - lo < span:
        mid = (hi + lo) / 2
        lo, hi = mid - span / 2, mid + span / 2
    if lo < 0 and (not vals.size or vals.min() >= 0):
        lo, hi = 0.0, hi - lo
    ax.set_ylim(lo, hi)


def rating_distribution(data: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Bars of each rating band's actual share of people next to its guideline share.

    Parameters
    ----------
    data : DataFrame
        :func:`perfkit.summary.rating_distribution` for one period (columns ``band``,
        ``share``, ``guideline_share``).
    lang : {"en", "zh"}
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    check_lang(lang)
    ax = _axes(ax, (6.5, 3.6))
    actual, guide = text("actual", lang=lang), text("guideline", lang=lang)
    bands = data.assign(band=_literal(data["band"]))
    long = bands.rename(columns={"share": actual, "guideline_share": guide}).melt(
        id_vars=["band"], value_vars=[actual, guide], var_name="series", value_name="value"
    )
    sns.barplot(
        long,
        x="band",
        y="value",
        hue="series",
        palette=["#4C72B0", "#C7C7C7"],
        order=list(dict.fromkeys(bands["band"])),
        ax=ax,
    )
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    _title(ax, text("chart_ratings", lang=lang) + _period_suffix(data, lang))
    ax.set_xlabel(text("axis_band", lang=lang))
    ax.set_ylabel(text("axis_share_people", lang=lang))
    ax.legend(title=None)
    return ax


def composite_by_team(data: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Box plot of composite scores per team, with each person as a dot.

    Parameters
    ----------
    data : DataFrame
        ``Evaluation.results`` for one period (columns ``team``, ``composite``).
    lang : {"en", "zh"}
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    check_lang(lang)
    teams = sorted(_literal(data["team"].dropna()).unique())
    ax = _axes(ax, (7.0, 1.2 + 0.55 * max(len(teams), 1)))
    frame = data.assign(team=_literal(data["team"]))
    with warnings.catch_warnings():
        # seaborn 0.13.2 passes `vert=` to Axes.bxp, deprecated in matplotlib 3.11
        warnings.filterwarnings(
            "ignore",
            message=r"vert: bool was deprecated",
            category=mpl.MatplotlibDeprecationWarning,
        )
        sns.boxplot(
            frame,
            x="composite",
            y="team",
            order=teams,
            color="#DDE6F2",
            showfliers=False,
            width=0.6,
            ax=ax,
        )
    # each person as a dot, jittered across the box by a seeded generator so that the same
    # data always give the same picture (seaborn's stripplot jitters at random)
    row = frame["team"].map({t: i for i, t in enumerate(teams)}).to_numpy(dtype=float)
    jitter = np.random.default_rng(0).uniform(-0.15, 0.15, size=len(frame))
    ax.scatter(
        frame["composite"].to_numpy(dtype=float), row + jitter, s=14, color="#4C72B0", zorder=3
    )
    _target_line(ax, lang=lang, vertical=True)
    _title(ax, text("chart_distribution", lang=lang) + _period_suffix(data, lang))
    ax.set_xlabel(text("axis_composite", lang=lang))
    ax.set_ylabel(text("axis_team", lang=lang))
    return ax


def _person_labels(data: pd.DataFrame) -> pd.Series:
    """Row labels: the name (the id too when names repeat), the composite cut to two
    decimals, and any data-quality flags."""
    names = _literal(data["name"])
    ids = _literal(data["employee_id"])
    per_id = pd.Series(names.to_numpy(), index=ids.to_numpy()).groupby(level=0).first()
    unique_names = per_id.nunique() == len(per_id)
    person = names if unique_names else names + " (" + ids + ")"
    comp = [format_cut(v, 2) for v in data["composite"].astype(float)]
    label = person + "  " + pd.Series(comp, index=data.index)
    if "flags" in data.columns:
        flags = data["flags"].fillna("").astype(str)
        label = label + flags.map(lambda f: f"  [{f}]" if f else "")
    return label


def _draw_heatmap(
    frame: pd.DataFrame, *, plan: Plan, lang: str, ax: Axes, annotate: bool, title: str
) -> Any:
    """Draw one heatmap panel on ``ax``; returns its mesh (for the colour bar)."""
    labels = {k: literal(v) for k, v in metric_labels(plan, lang=lang).items()}
    rows = list(dict.fromkeys(frame["person"]))
    cols = [labels[k] for k in plan.metric_keys if k in set(frame["metric"])]
    wide = frame.assign(metric_label=frame["metric"].map(labels)).pivot_table(
        index="person", columns="metric_label", values="achievement", aggfunc="first",
        dropna=False,
    ).reindex(index=rows, columns=cols)  # fmt: skip
    many = len(rows) > MAX_LABELLED_ROWS
    values = wide.to_numpy(dtype=float)
    lo, hi = ACHIEVEMENT_RANGE
    mesh = ax.pcolormesh(
        np.ma.masked_invalid(values),
        cmap=ACHIEVEMENT_CMAP,
        vmin=lo,
        vmax=hi,
        edgecolors="white" if not many else "none",
        linewidth=0.5 if not many else 0,
    )
    ax.set_xlim(0, len(cols))
    ax.set_ylim(len(rows), 0)
    ax.patch.set_facecolor(UNSCORED_COLOR)  # cells without a value show the hatched grey
    ax.patch.set_hatch(UNSCORED_HATCH)
    ax.patch.set_edgecolor("white")
    ax.set_xticks(np.arange(len(cols)) + 0.5, cols)
    if many:
        step = int(np.ceil(len(rows) / MAX_LABELLED_ROWS))
        ticks = np.arange(0, len(rows), step)
        ax.set_yticks(ticks + 0.5, [rows[t] for t in ticks])
    else:
        ax.set_yticks(np.arange(len(rows)) + 0.5, rows)
    if annotate and not many:
        colours = achievement_colors(values)
        for k, ((r, c), v) in enumerate(np.ndenumerate(values)):
            if np.isnan(v):
                continue
            t = ax.text(
                c + 0.5, r + 0.5, format_cut(v, 0, percent=True), ha="center", va="center",
                fontsize=7, color=colours[k][1],
            )  # fmt: skip
            t.set_in_layout(False)  # a value inside its cell never moves the layout
    ax.grid(False)
    _title(ax, title, fontsize=10)
    ax.set_xlabel(text("axis_metric", lang=lang))
    ax.set_ylabel(text("axis_person", lang=lang))
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    ax.tick_params(axis="y", labelsize=8)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    return mesh


def _heatmap_legend(fig: Any, mesh: Any, axes: list[Axes], *, lang: str) -> None:
    from matplotlib.patches import Patch

    cbar = fig.colorbar(mesh, ax=axes, format=PercentFormatter(1.0), shrink=0.6, aspect=30)
    cbar.set_label(text("axis_achievement", lang=lang))
    axes[0].legend(
        handles=[
            Patch(
                facecolor=UNSCORED_COLOR, hatch=UNSCORED_HATCH, edgecolor="white",
                label=text("legend_unscored", lang=lang),
            )
        ],
        loc="lower left", bbox_to_anchor=(0.0, 1.06), fontsize=8, frameon=False,
    )  # fmt: skip


def achievement_heatmap(
    data: pd.DataFrame, *, plan: Plan, lang: str = "en", ax: Axes | None = None
) -> Axes:
    """Heatmap of achievement, one row per person and one column per metric, on one Axes.

    Colours run on :data:`ACHIEVEMENT_CMAP` (colour-blind safe: red at half of target or
    less, near white on target, blue at 1.5 times target or more); a metric that could not
    be scored is a hatched grey cell, named in the legend. Rows are grouped by team, best
    composite first, each labelled with the person's composite (cut) and data-quality
    flags; up to :data:`MAX_LABELLED_ROWS` people every cell shows its achievement in
    percent. For a role of more than :data:`MAX_ROWS_PER_PAGE` people prefer
    :func:`achievement_heatmaps`, which splits it by team and pages.

    Parameters
    ----------
    data : DataFrame
        :func:`perfkit.summary.achievement_matrix` for one period.
    plan : Plan
        For the metric labels and their order.
    lang : {"en", "zh"}
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    check_lang(lang)
    frame = data.assign(person=_person_labels(data))
    rows = frame["person"].nunique()
    ncols = max(int(frame["metric"].nunique()), 1)
    height = min(1.8 + 0.26 * max(rows, 1), MAX_HEATMAP_INCHES)
    ax = _axes(ax, (2.6 + 1.15 * ncols, height))
    mesh = _draw_heatmap(
        frame, plan=plan, lang=lang, ax=ax, annotate=True,
        title=text("chart_achievement", lang=lang) + _period_suffix(data, lang),
    )  # fmt: skip
    _heatmap_legend(ax.figure, mesh, [ax], lang=lang)
    return ax


def heatmap_pages(data: pd.DataFrame, *, rows: int = MAX_ROWS_PER_PAGE) -> list[pd.DataFrame]:
    """An achievement matrix split by team, and a team of more than ``rows`` people paged.

    Returns
    -------
    list of DataFrame
        Parts of ``data`` in order, each with a ``page`` column (``"T1"`` or ``"T1 (2/3)"``)
        and at most ``rows`` people.
    """
    parts = []
    for team, grp in data.groupby("team", sort=True, observed=True):
        people = list(dict.fromkeys(grp["employee_id"]))
        n = max(int(np.ceil(len(people) / rows)), 1)
        for k in range(n):
            keep = set(people[k * rows : (k + 1) * rows])
            part = grp[grp["employee_id"].isin(keep)]
            page = str(team) if n == 1 else f"{team} ({k + 1}/{n})"
            parts.append(part.assign(page=page))
    return parts


def achievement_heatmaps(
    data: pd.DataFrame, *, plan: Plan, lang: str = "en", rows: int = MAX_ROWS_PER_PAGE
) -> list[Axes]:
    """Achievement heatmaps of a role split by team, and paged, so every value stays legible.

    One Axes per team (a team of more than ``rows`` people over several), stacked in one
    figure that shares the colour bar and the legend of unscored cells; each panel is
    titled with its team and every cell shows its value. See :func:`achievement_heatmap`
    for the colours and labels.

    Returns
    -------
    list of Axes
    """
    check_lang(lang)
    frame = data.assign(person=_person_labels(data))
    pages = heatmap_pages(frame, rows=rows)
    sizes = [max(p["person"].nunique(), 1) for p in pages] or [1]
    ncols = max(int(frame["metric"].nunique()), 1)
    fig, axs = plt.subplots(
        len(sizes), 1, figsize=(2.6 + 1.15 * ncols, 1.4 + 0.26 * sum(sizes) + 0.6 * len(sizes)),
        height_ratios=[s + 2 for s in sizes], layout="constrained", squeeze=False,
    )  # fmt: skip
    axes = list(axs[:, 0])
    suffix = _period_suffix(data, lang)
    meshes = []
    for ax, page in zip(axes, pages, strict=False):
        meshes.append(_draw_heatmap(
            page, plan=plan, lang=lang, ax=ax, annotate=True,
            title=f"{text('chart_achievement', lang=lang)}{suffix}{comma(lang)}"
            f"{literal(page['page'].iloc[0])}",
        ))  # fmt: skip
    for ax in axes[:-1]:
        ax.set_xlabel("")
    _heatmap_legend(fig, meshes[0], axes, lang=lang)
    return axes


def _teams(data: pd.DataFrame) -> int:
    return int(data["team"].dropna().nunique()) if "team" in data.columns else 0


def team_comparison(data: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None) -> Axes | None:
    """Bars of each team's average composite, labelled with its headcount.

    Parameters
    ----------
    data : DataFrame
        :func:`perfkit.summary.team_comparison` for one period (columns ``team``,
        ``mean_composite``, ``headcount``).
    lang : {"en", "zh"}
    ax : Axes, optional

    Returns
    -------
    Axes or None
        None, and nothing drawn, when there is a single team (a one-bar chart compares
        nothing; the table says it all).
    """
    check_lang(lang)
    if _teams(data) < 2:
        return None
    frame = data.assign(team=_literal(data["team"]))
    ax = _axes(ax, (7.0, 1.2 + 0.55 * max(len(frame), 1)))
    sns.barplot(frame, x="mean_composite", y="team", color="#4C72B0", ax=ax)
    bars: list[Any] = list(ax.patches)  # Rectangles
    for patch, n, m in zip(bars, frame["headcount"], frame["mean_composite"], strict=False):
        ax.annotate(
            f"{format_cut(m, 2)}  n={n}",
            (patch.get_width(), patch.get_y() + patch.get_height() / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    _target_line(ax, lang=lang, vertical=True)
    _title(ax, text("chart_teams", lang=lang) + _period_suffix(data, lang))
    ax.set_xlabel(text("axis_mean_composite", lang=lang))
    ax.set_ylabel(text("axis_team", lang=lang))
    ax.margins(x=0.18)
    return ax


def trend(data: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Lines of average composite per period: one per team and a thick one for all teams.

    The y axis spans at least :data:`MIN_COMPOSITE_SPAN` and includes 1.0, so a swing of a
    few hundredths looks as small as it is; the on-target line is labelled on the chart,
    and the legend lists the teams and "All teams" only.

    Parameters
    ----------
    data : DataFrame
        :func:`perfkit.summary.trend` (columns ``period``, ``scope``, ``team``,
        ``mean_composite``).
    lang : {"en", "zh"}
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    check_lang(lang)
    ax = _axes(ax, (7.5, 4.4))
    order = sorted(data["period"].astype(str).unique())
    x = {p: i for i, p in enumerate(order)}
    teams = data[data["scope"] == "team"].assign(
        team=lambda d: _literal(d["team"]), x=lambda d: d["period"].astype(str).map(x)
    )
    names = sorted(teams["team"].unique()) if len(teams) else []
    if len(names) > 1:  # one team's line would repeat the overall one
        for k, name in enumerate(names):
            one = teams[teams["team"] == name]
            ax.plot(
                one["x"], one["mean_composite"], marker="o", linewidth=1.3, alpha=0.9,
                color=SERIES_COLORS[k % len(SERIES_COLORS)], label=name,
            )  # fmt: skip
    overall = data[data["scope"] == "overall"].assign(x=lambda d: d["period"].astype(str).map(x))
    ax.plot(
        overall["x"],
        overall["mean_composite"],
        color="black",
        linewidth=2.6,
        marker="o",
        label=text("all_teams", lang=lang),
    )
    _target_line(ax, lang=lang, vertical=False)
    _least_span(ax, data["mean_composite"], span=MIN_COMPOSITE_SPAN, include=TARGET_COMPOSITE)
    ax.set_xticks(range(len(order)), order)
    _title(ax, text("chart_trend", lang=lang))
    ax.set_xlabel(text("axis_period", lang=lang))
    ax.set_ylabel(text("axis_mean_composite", lang=lang))
    ax.legend(
        title=text("axis_team", lang=lang),
        fontsize=8,
        loc="center left",
        bbox_to_anchor=(1.01, 0.5),
    )
    return ax


def metric_trend(
    data: pd.DataFrame, *, plan: Plan, lang: str = "en", ax: Axes | None = None
) -> Axes:
    """Lines of each metric's average achievement per period, with the 100% line.

    The y axis spans at least :data:`MIN_ACHIEVEMENT_SPAN` and includes 100%; the lines use
    the Okabe-Ito colours and a marker each, so they can be told apart without colour.

    Parameters
    ----------
    data : DataFrame
        :func:`perfkit.summary.metric_trend`.
    plan : Plan
        For the metric labels and their order.
    lang : {"en", "zh"}
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    check_lang(lang)
    ax = _axes(ax, (7.5, 4.2))
    labels = {k: literal(v) for k, v in metric_labels(plan, lang=lang).items()}
    order = sorted(data["period"].astype(str).unique())
    x = {p: i for i, p in enumerate(order)}
    markers = ["o", "s", "^", "D", "v", "P", "X", "*"]
    for k, key in enumerate(m for m in plan.metric_keys if m in set(data["metric"])):
        one = data[data["metric"] == key]
        ax.plot(
            one["period"].astype(str).map(x), one["mean_achievement"], linewidth=1.4,
            marker=markers[k % len(markers)], color=SERIES_COLORS[k % len(SERIES_COLORS)],
            label=labels[key],
        )  # fmt: skip
    _target_line(ax, lang=lang, vertical=False, at=1.0)
    _least_span(ax, data["mean_achievement"], span=MIN_ACHIEVEMENT_SPAN, include=1.0)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xticks(range(len(order)), order)
    _title(ax, text("chart_metric_trend", lang=lang))
    ax.set_xlabel(text("axis_period", lang=lang))
    ax.set_ylabel(text("axis_achievement", lang=lang))
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return ax


def payout_curve(
    data: pd.DataFrame, *, plan: Plan, lang: str = "en", ax: Axes | None = None
) -> Axes:
    """The plan's payout curve: the share of the target bonus paid for a composite.

    The threshold (below it nothing is paid), the target and the cap are marked, so a zero
    or a capped payout can be read off the chart.

    Parameters
    ----------
    data : DataFrame
        :func:`perfkit.summary.payout_curve` (columns ``composite, payout_pct``).
    plan : Plan
        For the knots marked.
    lang : {"en", "zh"}
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    check_lang(lang)
    ax = _axes(ax, (6.5, 3.4))
    ax.plot(data["composite"], data["payout_pct"], color="#0072B2", linewidth=2.2)
    curve = plan.payout.curve
    knots, _ = curve.knots()
    for cx, cy in knots[1:]:
        cy = min(cy, curve.cap)
        ax.plot([cx], [cy], "o", color="#0072B2", markersize=5)
        ax.annotate(
            f"{format_cut(cx, 2)} → {cy:.0%}", (cx, cy), xytext=(4, -12),
            textcoords="offset points", fontsize=8,
        )  # fmt: skip
    ax.axhline(curve.cap, color="#D55E00", linestyle=":", linewidth=1)
    ax.annotate(
        f"cap {curve.cap:.0%}" if lang == "en" else f"上限 {curve.cap:.0%}",
        (0.0, curve.cap), xycoords=("axes fraction", "data"), xytext=(3, 2),
        textcoords="offset points", fontsize=8, color="#D55E00",
    )  # fmt: skip
    _target_line(ax, lang=lang, vertical=True)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylim(0, max(curve.cap, float(data["payout_pct"].max())) * 1.12)
    ax.set_xlim(0, float(data["composite"].max()))
    _title(ax, text("chart_payout_curve", lang=lang))
    ax.set_xlabel(text("axis_composite", lang=lang))
    ax.set_ylabel(text("axis_payout_pct", lang=lang))
    return ax


def payout_vs_composite(
    results: pd.DataFrame, *, plan: Plan, lang: str = "en", ax: Axes | None = None
) -> Axes:
    """Each person's payout (% of target bonus) against their composite.

    With the plan's payout curve behind the dots and the 100% line, so that a zero (below
    the threshold, or a gate missed: drawn as a cross) or a capped payout is plain. Only
    for reports that may show pay.

    Parameters
    ----------
    results : DataFrame
        ``Evaluation.results`` for one period (``composite, payout_pct, gate_passed``).
    plan : Plan
    lang : {"en", "zh"}
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    from .summary import payout_curve as curve_points

    check_lang(lang)
    ax = _axes(ax, (6.5, 3.8))
    comp = results["composite"].astype(float)
    upto = max(float(np.nanmax(comp)) if comp.notna().any() else 1.5, 1.5) + 0.1
    curve = curve_points(plan, upto=upto)
    ax.plot(
        curve["composite"], curve["payout_pct"], color="0.6", linewidth=1.5,
        label=text("curve_label", lang=lang), zorder=1,
    )  # fmt: skip
    passed = results["gate_passed"].astype("boolean").fillna(True).astype(bool)
    ax.scatter(
        comp[passed], results["payout_pct"][passed], s=18, color="#0072B2", zorder=3,
        label=text("payout_amount", lang=lang),
    )  # fmt: skip
    if (~passed).any():
        ax.scatter(
            comp[~passed], results["payout_pct"][~passed], s=26, marker="x", color="#D55E00",
            zorder=3, label=text("share_gate_failed", lang=lang),
        )  # fmt: skip
    ax.axhline(1.0, color=TARGET_COLOR, linestyle="--", linewidth=1)
    ax.annotate(
        text("line_100", lang=lang), (0.0, 1.0), xycoords=("axes fraction", "data"),
        xytext=(3, 2), textcoords="offset points", fontsize=8, color=TARGET_COLOR,
    )  # fmt: skip
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    _title(ax, text("chart_payout_vs_composite", lang=lang) + _period_suffix(results, lang))
    ax.set_xlabel(text("axis_composite", lang=lang))
    ax.set_ylabel(text("axis_payout_pct", lang=lang))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(0.0, 0.9), frameon=False)
    return ax


def payout_vs_budget(data: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Payout against budget: the target bonus and the payout of all teams and each team.

    Parameters
    ----------
    data : DataFrame
        :func:`perfkit.summary.payout_summary` for one period.
    lang : {"en", "zh"}
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    check_lang(lang)
    teams = data[data["scope"] == "team"]
    rows = data[data["scope"] == "overall"] if len(teams) < 2 else data
    names = [
        text("all_teams", lang=lang) if s == "overall" else literal(t)
        for s, t in zip(rows["scope"], rows["team"], strict=True)
    ]
    ax = _axes(ax, (7.0, 1.4 + 0.8 * max(len(rows), 1)))
    y = np.arange(len(rows))
    budget = rows["target_bonus"].to_numpy(dtype=float)
    paid = rows["payout_amount"].to_numpy(dtype=float)
    ax.barh(y - 0.2, budget, height=0.38, color="#BBBBBB", label=text("budget", lang=lang))
    ax.barh(y + 0.2, paid, height=0.38, color="#0072B2", label=text("paid", lang=lang))
    for yy, b, p_ in zip(y, budget, paid, strict=True):
        share = f"{p_ / b:.1%}" if b > 0 else "–"
        ax.annotate(
            f"{p_:,.0f} ({share})", (p_, yy + 0.2), xytext=(4, 0), textcoords="offset points",
            va="center", fontsize=8,
        )  # fmt: skip
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.margins(x=0.22)
    currency = str(rows["currency"].iloc[0]) if len(rows) else ""
    _title(ax, text("chart_payout_budget", lang=lang) + _period_suffix(data, lang))
    ax.set_xlabel(text("axis_amount", lang=lang).format(currency=literal(currency)))
    ax.set_ylabel("")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=2, frameon=False)
    return ax


def payout_by_team(data: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None) -> Axes | None:
    """Bars of each team's payout as a percentage of its target bonus.

    Parameters
    ----------
    data : DataFrame
        :func:`perfkit.summary.payout_summary` for one period (its ``team`` rows are drawn).
    lang : {"en", "zh"}
    ax : Axes, optional

    Returns
    -------
    Axes or None
        None, and nothing drawn, for a single team.
    """
    check_lang(lang)
    frame = data[data["scope"] == "team"].assign(team=lambda d: _literal(d["team"]))
    if _teams(frame) < 2:
        return None
    ax = _axes(ax, (7.0, 1.2 + 0.55 * max(len(frame), 1)))
    sns.barplot(frame, x="payout_share", y="team", color="#0072B2", ax=ax)
    ax.axvline(1.0, color=TARGET_COLOR, linestyle="--", linewidth=1, zorder=0)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    _title(ax, text("chart_payout", lang=lang) + _period_suffix(data, lang))
    ax.set_xlabel(text("axis_payout_share", lang=lang))
    ax.set_ylabel(text("axis_team", lang=lang))
    return ax
