"""Figures of the evaluation: efficiency maps, marginal curves, the value at 50% efficiency, false-alarm
rates. Every function draws on a new :class:`matplotlib.figure.Figure` (no pyplot state) and writes a PNG."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

from lcpipe.evaluation.axes import Axis
from lcpipe.evaluation.efficiency import efficiency_table

#: Resolution of the written PNGs (dots per inch); small files for the docs.
DPI = 80

#: Axis labels by column name.
LABELS = {
    "depth_mag": "dip depth (mag)",
    "duration_days": "dip duration, FWHM (days)",
    "host_mag": "host magnitude",
    "q": "mass ratio q",
    "s": "separation s",
    "u0": "impact parameter u0",
    "amplitude": "bump amplitude (fractional flux)",
    "teff_days": "bump width teff (days)",
    "mag": "magnitude",
    "baseline_mag": "baseline magnitude",
}


def _label(name: str) -> str:
    return LABELS.get(name, name)


def _edge_ticks(ax, axis: Axis, which: str) -> None:
    """Ticks at the bin edges, labelled plainly (no crowded log minor labels)."""
    target = ax.xaxis if which == "x" else ax.yaxis
    target.set_major_locator(FixedLocator(axis.edges))
    target.set_major_formatter(FixedFormatter([f"{e:g}" for e in axis.edges]))
    target.set_minor_locator(NullLocator())


def _save(fig: Figure, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI)
    return path


def plot_efficiency_maps(
    cube: pd.DataFrame,
    x: Axis,
    y: Axis,
    path: str | Path,
    *,
    slice_axis: Axis | None = None,
    column: str = "net_efficiency",
    title: str = "",
) -> Path:
    """2-D maps of ``column`` over ``x`` x ``y``, one panel per bin of ``slice_axis``.

    ``cube`` is an :func:`~lcpipe.evaluation.efficiency.efficiency_table` over ``x``, ``y`` (and
    ``slice_axis``); each cell shows its value and is blank when it has no trial.
    """
    slices = range(slice_axis.n_bins) if slice_axis is not None else [None]
    n = len(slices)
    fig = Figure(figsize=(3.6 * n + 0.8, 3.4), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    mesh = None
    for ax, k in zip(axes, slices, strict=True):
        part = cube if k is None else cube[cube[f"{slice_axis.name}_bin"] == k]
        grid = np.full((y.n_bins, x.n_bins), np.nan)
        grid[part[f"{y.name}_bin"].to_numpy(), part[f"{x.name}_bin"].to_numpy()] = part[column].to_numpy()
        mesh = ax.pcolormesh(x.edges, y.edges, grid, vmin=0.0, vmax=1.0, cmap="viridis")
        for i, yc in enumerate(y.centres):
            for j, xc in enumerate(x.centres):
                if np.isfinite(grid[i, j]):
                    colour = "black" if grid[i, j] > 0.6 else "white"
                    ax.text(xc, yc, f"{grid[i, j]:.2f}", ha="center", va="center", fontsize=7, color=colour)
        ax.set_xscale("log" if x.log else "linear")
        ax.set_yscale("log" if y.log else "linear")
        _edge_ticks(ax, x, "x")
        _edge_ticks(ax, y, "y")
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
        ax.set_xlabel(_label(x.name))
        if k is not None:
            ax.set_title(
                f"{_label(slice_axis.name)} {slice_axis.edges[k]:g}-{slice_axis.edges[k + 1]:g}", fontsize=9
            )
    axes[0].set_ylabel(_label(y.name))
    fig.colorbar(mesh, ax=list(axes), label=column.replace("_", " "))
    if title:
        fig.suptitle(title)
    return _save(fig, path)


def plot_marginals(trials: pd.DataFrame, axes: Sequence[Axis], path: str | Path, *, title: str = "") -> Path:
    """Efficiency after, before and net along each axis (others pooled), with binomial errors."""
    fig = Figure(figsize=(3.4 * len(axes), 3.0), layout="constrained")
    panels = fig.subplots(1, len(axes), squeeze=False)[0]
    for ax, axis in zip(panels, axes, strict=True):
        table = efficiency_table(trials, [axis])
        xc = table[f"{axis.name}_centre"]
        ax.errorbar(
            xc, table["efficiency"], yerr=table["efficiency_err"], marker="o", label="after", capsize=2
        )
        ax.plot(xc, table["efficiency_before"], marker="s", ls=":", label="before (host alone)")
        ax.plot(xc, table["net_efficiency"], marker="^", ls="--", label="net")
        ax.set_xscale("log" if axis.log else "linear")
        ax.set_ylim(-0.05, 1.05)
        ax.set_xlabel(_label(axis.name))
        ax.grid(alpha=0.3)
    panels[0].set_ylabel("efficiency")
    panels[0].legend(fontsize=7)
    if title:
        fig.suptitle(title)
    return _save(fig, path)


def plot_value_at_efficiency(
    per_slice: pd.DataFrame,
    pooled: pd.DataFrame,
    x: Axis,
    value: str,
    path: str | Path,
    *,
    slice_axis: Axis | None = None,
    ylabel: str = "",
    title: str = "",
) -> Path:
    """The value at the target efficiency (e.g. depth at 50%) versus ``x``, per slice and pooled.

    Open triangles mark bounds: pointing down where the grid's smallest value already reaches the
    level (the true value is lower), up where the largest never does.
    """
    fig = Figure(figsize=(4.6, 3.4), layout="constrained")
    ax = fig.subplots()
    curves = [("all magnitudes", pooled, "black")]
    if slice_axis is not None:
        for k in range(slice_axis.n_bins):
            label = f"{slice_axis.edges[k]:g}-{slice_axis.edges[k + 1]:g}"
            curves.append((label, per_slice[per_slice[f"{slice_axis.name}_bin"] == k], f"C{k}"))
    for label, table, colour in curves:
        xc, v, status = table[f"{x.name}_centre"], table[value], table["crossing"]
        ok = (status == "ok").to_numpy()
        ax.plot(xc[ok], v[ok], marker="o", color=colour, label=label, lw=2 if colour == "black" else 1)
        for mark, which in (("v", "below_grid"), ("^", "above_grid")):
            sel = (status == which).to_numpy()
            ax.plot(xc[sel], v[sel], ls="none", marker=mark, mfc="none", color=colour)
    ax.set_xscale("log" if x.log else "linear")
    ax.set_yscale("log")
    ax.set_xlabel(_label(x.name))
    ax.set_ylabel(ylabel or value)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7)
    if title:
        ax.set_title(title, fontsize=10)
    return _save(fig, path)


def plot_false_alarm_rates(
    rates: pd.DataFrame,
    axis_name: str,
    flag: str,
    path: str | Path,
    *,
    by: str | None = None,
    title: str = "",
) -> Path:
    """Rate of ``flag`` per magnitude bin with its Wilson 95% interval, one series per ``by`` value."""
    fig = Figure(figsize=(4.6, 3.2), layout="constrained")
    ax = fig.subplots()
    groups = [("", rates)] if by is None else list(rates.groupby(by, sort=True))
    for j, (label, part) in enumerate(groups):
        centre = 0.5 * (part[f"{axis_name}_lo"] + part[f"{axis_name}_hi"]) + 0.03 * j
        rate = part[f"{flag}_rate"]
        err = np.vstack([rate - part[f"{flag}_rate_lo"], part[f"{flag}_rate_hi"] - rate])
        ax.errorbar(centre, rate, yerr=err, marker="o", capsize=3, ls="none", label=str(label) or None)
    ax.set_xlabel(_label(axis_name))
    ax.set_ylabel(f"{flag.replace('_', ' ')} rate")
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)
    if by is not None:
        ax.legend(fontsize=7)
    if title:
        ax.set_title(title, fontsize=10)
    return _save(fig, path)
