"""Sensitivity heatmaps of a calibration grid: data in, Axes out (seaborn)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .history import parameter_words

#: Columns of :attr:`Grid.table` a heatmap can show, with their titles.
VALUES = {
    "share_at_target": "Share reaching target",
    "cost_expected": "Expected cost of a period",
    "cost_p90": "P90 cost of a period",
}


def _position(value: float, grid_values: np.ndarray) -> float:
    """Where ``value`` falls on a heatmap axis of ``grid_values`` (cell centres at i + 0.5)."""
    v = np.asarray(grid_values, dtype=np.float64)
    return float(np.interp(value, v, np.arange(len(v)))) + 0.5


def sensitivity_heatmap(
    grid: Any,
    value: str = "cost_p90",
    *,
    ax: Any = None,
    recommended: tuple[float, float] | None = None,
    cmap: str | None = None,
) -> Any:
    """One seaborn heatmap of a :class:`~perfkit.calibration.Grid`, the current plan marked.

    Parameters
    ----------
    grid : Grid
    value : {"share_at_target", "cost_expected", "cost_p90"}
    ax : matplotlib Axes, optional
    recommended : (x, y), optional
        A recommendation to mark (a star); the current plan is a circle.
    cmap : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    if value not in VALUES:
        raise ValueError(f"value {value!r}: choose one of {', '.join(VALUES)}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 5))
    m = grid.matrix(value)
    share = value == "share_at_target"
    sns.heatmap(
        m, ax=ax, annot=True, fmt=".0%" if share else ".3g",
        cmap=cmap or ("viridis" if share else "rocket_r"),
        annot_kws={"fontsize": 7},
        cbar_kws={"label": VALUES[value] + ("" if share else f" ({grid.currency})")},
        xticklabels=[f"{v:.3g}" for v in m.columns], yticklabels=[f"{v:.3g}" for v in m.index],
    )  # fmt: skip
    xs = np.asarray(m.columns, dtype=np.float64)
    ys = np.asarray(m.index, dtype=np.float64)[::-1]  # the rows run from the top down

    def at(x: float, y: float) -> tuple[float, float]:
        return _position(x, xs), len(ys) - _position(y, ys)

    cx, cy = at(*grid.current)
    ax.scatter([cx], [cy], marker="o", s=140, facecolors="none", edgecolors="white",
               linewidths=2, label="current plan")  # fmt: skip
    if recommended is not None:
        rx, ry = at(*recommended)
        ax.scatter([rx], [ry], marker="*", s=220, color="white", edgecolors="black",
                   label="recommendation")  # fmt: skip
    ax.legend(loc="upper right", fontsize=7, framealpha=0.7)
    ax.set_xlabel(parameter_words(grid.x))
    ax.set_ylabel(parameter_words(grid.y))
    ax.set_title(VALUES[value])
    return ax


def sensitivity_heatmaps(
    grid: Any, *, recommended: tuple[float, float] | None = None, axes: Any = None
) -> Any:
    """Share reaching target and P90 cost side by side (two :func:`sensitivity_heatmap`).

    Returns
    -------
    numpy.ndarray of Axes (2,)
    """
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(13, 5))
    sensitivity_heatmap(grid, "share_at_target", ax=axes[0], recommended=recommended)
    sensitivity_heatmap(grid, "cost_p90", ax=axes[1], recommended=recommended)
    axes[0].figure.tight_layout()
    return np.asarray(axes)
