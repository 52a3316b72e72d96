"""PNG figures of an anomaly search: three-panel summary and a zoom on the best anomaly window."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lcpipe.kernels.anomaly_scan import template_values
from lcpipe.microlensing.result import AnomalyResult


def _new_figure(height: float) -> Figure:
    figure = Figure(figsize=(9.0, height), layout="constrained")
    FigureCanvasAgg(figure)  # Agg canvas owned by the figure: no pyplot state, nothing to close
    return figure


def _focus_row(result: AnomalyResult) -> int | None:
    return result.best if result.best is not None else result.top


def summary_figure(result: AnomalyResult) -> Figure:
    """Data with the PSPL model, residuals, and delta chi-square of the clusters against time."""
    figure = _new_figure(8.0)
    ax_data, ax_res, ax_scan = figure.subplots(3, 1, sharex=True, height_ratios=[2, 1, 1])
    t, f, e = result.time, result.flux, result.flux_err
    ax_data.errorbar(t, f, e, fmt=".", ms=2, lw=0.5, color="0.3", alpha=0.6, label="data")
    if result.fit.ok and t.size:
        grid_t = np.linspace(t.min(), t.max(), 4000)
        ax_data.plot(grid_t, result.fit.model_flux(grid_t), color="C0", lw=1.2, label="PSPL")
        ax_res.errorbar(t, result.residuals, e, fmt=".", ms=2, lw=0.5, color="0.3", alpha=0.6)
    ax_res.axhline(0.0, color="C0", lw=1)
    clusters = result.clusters
    if len(clusters):
        ax_scan.vlines(clusters["t0"], 0, clusters["dchi2"], color="0.5", lw=0.8)
        accepted = clusters[clusters["accepted"].astype(bool)]
        ax_scan.plot(accepted["t0"], accepted["dchi2"], "o", ms=3, color="C1", label="passes criteria")
    focus = _focus_row(result)
    if focus is not None:
        row = clusters.iloc[focus]
        for ax in (ax_data, ax_res, ax_scan):
            ax.axvline(row["t0"], color="C3", lw=0.8, ls="--")
        ax_scan.plot([row["t0"]], [row["dchi2"]], "*", ms=10, color="C3", label="best")
    ax_data.set_ylabel("flux")
    ax_res.set_ylabel("residual")
    ax_scan.set_ylabel("Δχ² of clusters")
    ax_scan.set_xlabel("time (days)")
    ax_data.legend(loc="upper right", fontsize="small")
    if len(clusters):
        ax_scan.legend(loc="upper right", fontsize="small")
    status = "candidate" if result.has_candidate else "no candidate"
    ax_data.set_title(f"anomaly search: {result.status}, {status}")
    return figure


def zoom_figure(result: AnomalyResult) -> Figure:
    """Residuals around the best anomaly (or largest cluster) with its flat and template models."""
    figure = _new_figure(4.5)
    ax = figure.subplots()
    focus = _focus_row(result)
    if focus is None:
        ax.text(0.5, 0.5, f"no cluster ({result.status})", ha="center", va="center", transform=ax.transAxes)
        return figure
    row = result.clusters.iloc[focus]
    half = 3.0 * row["teff"]
    near = np.abs(result.time - row["t0"]) < 2.0 * half
    window = np.abs(result.time - row["t0"]) < half
    ax.errorbar(
        result.time[near], result.residuals[near], result.flux_err[near], fmt=".", color="0.6", ms=3, lw=0.5
    )
    ax.errorbar(
        result.time[window],
        result.residuals[window],
        result.flux_err[window],
        fmt=".",
        color="0.1",
        ms=4,
        lw=0.6,
    )
    model_t = np.linspace(row["t0"] - half, row["t0"] + half, 400)
    amp = template_values(int(row["template"]), (model_t - row["t0"]) / row["teff"])
    ax.plot(
        model_t,
        row["amplitude"] * amp + row["offset"],
        color="C3",
        lw=1.5,
        label=f"template A{int(row['template'])}",
    )
    ax.hlines(row["flat_level"], model_t[0], model_t[-1], color="C0", lw=1.2, label="flat")
    ax.set_xlabel("time (days)")
    ax.set_ylabel("residual flux")
    ax.set_title(f"t0={row['t0']:.4f}  teff={row['teff']:.4g} d  Δχ²={row['dchi2']:.2f}")
    ax.legend(loc="upper right", fontsize="small")
    return figure


def save_summary_plot(result: AnomalyResult, path: str | Path) -> Path:
    """Write :func:`summary_figure` as PNG; returns the path."""
    path = Path(path)
    summary_figure(result).savefig(path, dpi=110)
    return path


def save_zoom_plot(result: AnomalyResult, path: str | Path) -> Path:
    """Write :func:`zoom_figure` as PNG; returns the path."""
    path = Path(path)
    zoom_figure(result).savefig(path, dpi=110)
    return path
