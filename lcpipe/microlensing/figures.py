"""PNG figures of an anomaly search: three-panel summary and a zoom on the best anomaly window.

The figures take an :class:`~lcpipe.microlensing.result.AnomalyResult` or anything with the attributes
they read (:class:`SearchLike`, e.g. the plots stage's search rebuilt from stored results), draw on a
caller's :class:`~lcpipe.plots.canvas.FigureCache` when given (axes set up once per layout) and draw dense
light curves decimated (:func:`lcpipe.plots.decimate.decimated`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from lcpipe.kernels.anomaly_scan import template_values
from lcpipe.microlensing.pspl_result import PSPLFit
from lcpipe.plots.canvas import FigureCache, save_png
from lcpipe.plots.decimate import decimated, error_bars
from lcpipe.plots.time_axis import time_label, time_offset

#: Samples of the PSPL model curve drawn per panel.
MODEL_SAMPLES = 1500


class SearchLike(Protocol):
    """What the figures read of an anomaly search (see :class:`~lcpipe.microlensing.result.AnomalyResult`)."""

    status: str
    fit: PSPLFit
    time: np.ndarray
    flux: np.ndarray
    flux_err: np.ndarray
    residuals: np.ndarray
    clusters: pd.DataFrame
    best: int | None
    top: int | None

    @property
    def has_candidate(self) -> bool: ...


def _layout(
    figures: FigureCache | None, key: str, height: float, width: float, rows: int, columns: int, **kwargs
) -> tuple[Figure, np.ndarray]:
    """Figure and axes (rows, columns) of one layout from ``figures`` (a new cache when None)."""

    def make(figure: Figure) -> np.ndarray:
        figure.subplots_adjust(left=0.08, right=0.98, top=1 - 0.55 / height, bottom=0.5 / height, hspace=0.12)
        return figure.subplots(rows, columns, squeeze=False, **kwargs)

    figure, axes = (figures or FigureCache()).axes((key, rows, columns), width, height, make)
    return figure, axes.reshape(rows, columns)


def _points(
    ax,
    t: np.ndarray,
    y: np.ndarray,
    err: np.ndarray,
    colour: str = "0.3",
    ms: float = 2,
    label: str | None = None,
) -> None:
    """Points with error bars, the bars as one polyline (:func:`lcpipe.plots.decimate.error_bars`)."""
    ax.plot(*error_bars(t, y, err), color=colour, lw=0.5, alpha=0.6)
    ax.plot(t, y, ".", ms=ms, color=colour, alpha=0.6 if ms < 3 else 1.0, label=label)


def _focus_row(result: SearchLike) -> int | None:
    return result.best if result.best is not None else result.top


#: The summary's peak column spans the times where the PSPL magnification excess A - 1 is above this
#: fraction of its maximum, widened by :data:`PEAK_MARGIN`.
PEAK_FRACTION, PEAK_MARGIN = 0.1, 1.5


def _peak_window(result: SearchLike) -> tuple[float, float] | None:
    """Times (days, input frame) around the PSPL peak: where A - 1 exceeds ``PEAK_FRACTION`` of its
    maximum, widened ``PEAK_MARGIN`` times and at least one day either side. None when the fit is
    undefined or no point falls inside.

    Inverting A(u) = (u² + 2) / (u sqrt(u² + 4)) gives u² = 2 / (s (A + s)) with s = sqrt(A² - 1) at the
    edge level (the form without cancellation at high magnification).
    """
    fit = result.fit
    if not (fit.ok and np.isfinite(fit.t0) and np.isfinite(fit.tE) and fit.u0 != 0):
        return None
    peak = float(fit.magnification(np.array([fit.t0]))[0])
    edge = 1.0 + PEAK_FRACTION * (peak - 1.0)
    root = np.sqrt(edge * edge - 1.0)
    u_edge_sq = 2.0 / (root * (edge + root))
    half = max(PEAK_MARGIN * fit.tE * np.sqrt(max(u_edge_sq - fit.u0**2, 0.0)), 1.0)
    inside = np.abs(result.time - fit.t0) < half
    return (fit.t0 - half, fit.t0 + half) if inside.any() else None


def _draw_search(
    axes: np.ndarray, result: SearchLike, shift: float, window: tuple[float, float] | None
) -> None:
    """Data with the PSPL model, residuals and cluster delta chi-square on ``axes`` (shape (3,)), for
    the points in ``window`` (all points when None); times drawn minus ``shift`` days."""
    ax_data, ax_res, ax_scan = axes
    t, f, e = result.time, result.flux, result.flux_err
    inside = np.ones(t.size, bool) if window is None else (t > window[0]) & (t < window[1])
    keep = np.zeros(t.size, bool)
    keep[np.flatnonzero(inside)[decimated(int(inside.sum()))]] = True
    _points(ax_data, t[keep] - shift, f[keep], e[keep], label="data")
    if result.fit.ok and keep.any():
        lo, hi = (t[keep].min(), t[keep].max()) if window is None else window
        grid_t = np.linspace(lo, hi, MODEL_SAMPLES)
        ax_data.plot(grid_t - shift, result.fit.model_flux(grid_t), color="C0", lw=1.2, label="PSPL")
        _points(ax_res, t[keep] - shift, result.residuals[keep], e[keep])
    ax_res.axhline(0.0, color="C0", lw=1)
    clusters = result.clusters
    if window is not None and len(clusters):
        clusters = clusters[(clusters["t0"] > window[0]) & (clusters["t0"] < window[1])]
    if len(clusters):
        t0s, dchi2 = clusters["t0"].to_numpy(float) - shift, clusters["dchi2"].to_numpy(float)
        ax_scan.plot(*error_bars(t0s, 0.5 * dchi2, 0.5 * dchi2), color="0.5", lw=0.8)
        accepted = clusters[clusters["accepted"].astype(bool)]
        ax_scan.plot(
            accepted["t0"] - shift, accepted["dchi2"], "o", ms=3, color="C1", label="passes criteria"
        )
    focus = _focus_row(result)
    if focus is not None:
        row = result.clusters.iloc[focus]
        if window is None or window[0] < row["t0"] < window[1]:
            for ax in axes:
                ax.axvline(row["t0"] - shift, color="C3", lw=0.8, ls="--")
            ax_scan.plot([row["t0"] - shift], [row["dchi2"]], "*", ms=10, color="C3", label="best")
    if window is not None:
        ax_scan.set_xlim(window[0] - shift, window[1] - shift)
    ax_scan.set_xlabel(time_label(shift))


def summary_figure(result: SearchLike, figures: FigureCache | None = None) -> Figure:
    """Data with the PSPL model, residuals, and delta chi-square of the clusters against time: the whole
    light curve on the left and, when the fit has a peak with data near it, the peak on the right
    (:func:`_peak_window`). Drawn on the reused figures of ``figures`` when given."""
    window = _peak_window(result)
    columns = 2 if window is not None else 1
    width = 13.0 if window is not None else 9.0
    figure, axes = _layout(figures, "summary", 8.0, width, 3, columns, sharex="col", height_ratios=[2, 1, 1])
    shift = time_offset(result.time)
    _draw_search(axes[:, 0], result, shift, None)
    status = "candidate" if result.has_candidate else "no candidate"
    axes[0, 0].set_title(f"whole light curve — anomaly search: {result.status}, {status}", fontsize=10)
    if window is not None:
        _draw_search(axes[:, 1], result, shift, window)
        fit = result.fit
        axes[0, 1].set_title(f"peak  (tE = {fit.tE:.3g} d, u0 = {fit.u0:.3g})", fontsize=10)
    axes[0, 0].set_ylabel("flux")
    axes[1, 0].set_ylabel("residual")
    axes[2, 0].set_ylabel("Δχ² of clusters")
    for ax in (axes[0, -1], axes[2, -1]):
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper right", fontsize="small")
    return figure


def zoom_figure(result: SearchLike, figures: FigureCache | None = None) -> Figure:
    """Residuals around the best anomaly (or largest cluster) with its flat and template models, on the
    reused figures of ``figures`` when given."""
    figure, axes = _layout(figures, "zoom", 4.5, 9.0, 1, 1)
    ax = axes[0, 0]
    focus = _focus_row(result)
    if focus is None:
        ax.text(0.5, 0.5, f"no cluster ({result.status})", ha="center", va="center", transform=ax.transAxes)
        return figure
    row = result.clusters.iloc[focus]
    shift = time_offset(result.time)
    half = 3.0 * row["teff"]
    near = np.abs(result.time - row["t0"]) < 2.0 * half
    window = np.abs(result.time - row["t0"]) < half
    outer = near & ~window
    _points(ax, result.time[outer] - shift, result.residuals[outer], result.flux_err[outer], "0.6", ms=3)
    _points(ax, result.time[window] - shift, result.residuals[window], result.flux_err[window], "0.1", ms=4)
    model_t = np.linspace(row["t0"] - half, row["t0"] + half, 400)
    amp = template_values(int(row["template"]), (model_t - row["t0"]) / row["teff"])
    ax.plot(
        model_t - shift,
        row["amplitude"] * amp + row["offset"],
        color="C3",
        lw=1.5,
        label=f"template A{int(row['template'])}",
    )
    ax.hlines(row["flat_level"], model_t[0] - shift, model_t[-1] - shift, color="C0", lw=1.2, label="flat")
    ax.set_xlabel(time_label(shift))
    ax.set_ylabel("residual flux")
    ax.set_title(f"t0={row['t0']:.4f}  teff={row['teff']:.4g} d  Δχ²={row['dchi2']:.2f}")
    ax.legend(loc="upper right", fontsize="small")
    return figure


def save_summary_plot(result: SearchLike, path: str | Path) -> Path:
    """Write :func:`summary_figure` as PNG; returns the path."""
    return save_png(summary_figure(result), path, 110)


def save_zoom_plot(result: SearchLike, path: str | Path) -> Path:
    """Write :func:`zoom_figure` as PNG; returns the path."""
    return save_png(zoom_figure(result), path, 110)
