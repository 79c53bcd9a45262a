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
from .wording import check_lang, format_cut, metric_labels, text

#: A person x metric heatmap names every row up to this many people, and is never taller
#: than this many inches (a bigger role is drawn with thinner rows and some names skipped).
MAX_LABELLED_ROWS = 100
MAX_HEATMAP_INCHES = 30.0

#: Colour of the "on target" reference line.
TARGET_COLOR = "0.35"


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


def _period_suffix(data: pd.DataFrame) -> str:
    if "period" in data.columns:
        periods = data["period"].dropna().astype(str).unique()
        if len(periods) == 1:
            return f", {literal(periods[0])}" if periods[0] else ""
    return ""


def _target_line(ax: Axes, *, lang: str, vertical: bool) -> None:
    kw: dict[str, Any] = {"color": TARGET_COLOR, "linestyle": "--", "linewidth": 1.2, "zorder": 3}
    if vertical:
        ax.axvline(TARGET_COMPOSITE, label=text("on_target", lang=lang), **kw)
    else:
        ax.axhline(TARGET_COMPOSITE, label=text("on_target", lang=lang), **kw)


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
    ax.set_title(text("chart_ratings", lang=lang) + _period_suffix(data))
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
    ax.set_title(text("chart_distribution", lang=lang) + _period_suffix(data))
    ax.set_xlabel(text("axis_composite", lang=lang))
    ax.set_ylabel(text("axis_team", lang=lang))
    return ax


def achievement_heatmap(
    data: pd.DataFrame, *, plan: Plan, lang: str = "en", ax: Axes | None = None
) -> Axes:
    """Heatmap of achievement, one row per person and one column per metric.

    Colours run from red (half of target or less) through yellow (on target) to green
    (1.5 times target or more); each cell shows the achievement in percent.

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
    labels = {k: literal(v) for k, v in metric_labels(plan, lang=lang).items()}
    names = _literal(data["name"])
    ids = _literal(data["employee_id"])
    per_id = pd.Series(names.to_numpy(), index=ids.to_numpy()).groupby(level=0).first()
    unique_names = per_id.nunique() == len(per_id)
    person = names if unique_names else names + " (" + ids + ")"
    frame = data.assign(person=person, metric_label=data["metric"].map(labels))
    rows = list(dict.fromkeys(frame["person"]))
    cols = [labels[k] for k in plan.metric_keys if k in set(frame["metric"])]
    wide = frame.pivot_table(
        index="person",
        columns="metric_label",
        values="achievement",
        aggfunc="first",
        dropna=False,
    ).reindex(index=rows, columns=cols)
    many = len(rows) > MAX_LABELLED_ROWS  # then every row is drawn but not every name shown
    height = min(1.4 + 0.28 * max(len(rows), 1), MAX_HEATMAP_INCHES)
    cells = np.array(
        [
            ["" if np.isnan(v) else format_cut(v, 0, percent=True) for v in r]
            for r in wide.to_numpy(dtype=float)
        ],
        dtype=object,
    ).reshape(wide.shape)
    ax = _axes(ax, (1.6 + 1.25 * max(len(cols), 1), height))
    with warnings.catch_warnings():
        # seaborn 0.13.2 calls Colormap.set_bad, pending deprecation in matplotlib 3.11
        warnings.filterwarnings(
            "ignore",
            message=r"The set_bad function will be deprecated",
            category=PendingDeprecationWarning,
        )
        sns.heatmap(
            wide,
            ax=ax,
            cmap="RdYlGn",
            center=1.0,
            vmin=0.5,
            vmax=1.5,
            annot=cells if not many and wide.size <= 600 else False,
            yticklabels="auto" if many else True,
            linewidths=0 if many else 0.5,
            fmt="",
            annot_kws={"fontsize": 7},
            linecolor="white",
            cbar_kws={
                "label": text("axis_achievement", lang=lang),
                "format": PercentFormatter(1.0),
            },
        )
    ax.grid(False)
    ax.set_facecolor("#EEEEEE")  # cells without a value
    ax.set_title(text("chart_achievement", lang=lang) + _period_suffix(data))
    ax.set_xlabel(text("axis_metric", lang=lang))
    ax.set_ylabel(text("axis_person", lang=lang))
    ax.tick_params(axis="x", labelrotation=30)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    return ax


def team_comparison(data: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None) -> Axes:
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
    Axes
    """
    check_lang(lang)
    frame = data.assign(team=_literal(data["team"]))
    ax = _axes(ax, (7.0, 1.2 + 0.55 * max(len(frame), 1)))
    sns.barplot(frame, x="mean_composite", y="team", color="#4C72B0", ax=ax)
    bars: list[Any] = list(ax.patches)  # Rectangles
    for patch, n in zip(bars, frame["headcount"], strict=False):
        ax.annotate(
            f"n={n}",
            (patch.get_width(), patch.get_y() + patch.get_height() / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    _target_line(ax, lang=lang, vertical=True)
    ax.set_title(text("chart_teams", lang=lang) + _period_suffix(data))
    ax.set_xlabel(text("axis_mean_composite", lang=lang))
    ax.set_ylabel(text("axis_team", lang=lang))
    ax.margins(x=0.12)
    return ax


def trend(data: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Lines of average composite per period: one per team and a thick one for all teams.

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
    ax = _axes(ax, (7.5, 4.0))
    order = sorted(data["period"].astype(str).unique())
    x = {p: i for i, p in enumerate(order)}
    teams = data[data["scope"] == "team"].assign(
        team=lambda d: _literal(d["team"]), x=lambda d: d["period"].astype(str).map(x)
    )
    if len(teams):
        sns.lineplot(
            teams,
            x="x",
            y="mean_composite",
            hue="team",
            marker="o",
            linewidth=1.2,
            alpha=0.8,
            ax=ax,
            hue_order=sorted(teams["team"].unique()),
        )
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
    ax.set_xticks(range(len(order)), order)
    ax.set_title(text("chart_trend", lang=lang))
    ax.set_xlabel(text("axis_period", lang=lang))
    ax.set_ylabel(text("axis_mean_composite", lang=lang))
    ax.legend(
        title=text("axis_team", lang=lang),
        fontsize=8,
        loc="center left",
        bbox_to_anchor=(1.01, 0.5),
    )
    return ax


def payout_by_team(data: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Bars of each team's payout as a percentage of its target bonus.

    Parameters
    ----------
    data : DataFrame
        :func:`perfkit.summary.payout_summary` for one period (its ``team`` rows are drawn).
    lang : {"en", "zh"}
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    check_lang(lang)
    frame = data[data["scope"] == "team"].assign(team=lambda d: _literal(d["team"]))
    ax = _axes(ax, (7.0, 1.2 + 0.55 * max(len(frame), 1)))
    sns.barplot(frame, x="payout_share", y="team", color="#55A868", ax=ax)
    ax.axvline(1.0, color=TARGET_COLOR, linestyle="--", linewidth=1, zorder=0)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_title(text("chart_payout", lang=lang) + _period_suffix(data))
    ax.set_xlabel(text("axis_payout_share", lang=lang))
    ax.set_ylabel(text("axis_team", lang=lang))
    return ax
