"""Interactive Plotly figures of one candidate: light curve per data set, microlensing fit, phase fold.

The numbers come from the same library calls the run's PNGs use (:func:`lcpipe.plots.dips.dip_plot_data`
for the baseline, triggers, runs and profiles; :func:`lcpipe.stages.microlensing_plots.rescan` for the PSPL
fit and the anomaly clusters), so the interactive views show what the pipeline saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lcpipe.kernels.anomaly_scan import template_values
from lcpipe.microlensing.result import AnomalyResult
from lcpipe.plots.dips import DipPlotData
from lcpipe.plots.time_axis import time_offset

#: Colours of the two searches (matplotlib's tab:red and tab:blue, as in the run's PNGs).
KIND_COLOURS = {"dip": "#d62728", "jump": "#1f77b4"}

_LAYOUT = {
    "template": "plotly_white",
    "margin": {"l": 60, "r": 20, "t": 40, "b": 45},
    "legend": {"font": {"size": 10}},
}


def message_figure(text: str) -> go.Figure:
    """An empty figure with a centred message (a view that cannot be drawn)."""
    figure = go.Figure(layout=_LAYOUT)
    figure.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    figure.update_layout(height=220)
    return figure


def lightcurve_figure(data: DipPlotData, title: str) -> go.Figure:
    """Magnitudes per data set with error bars, baseline band, triggered points, runs and profiles."""
    if data.time.size == 0:
        return message_figure(f"no points ({data.status})")
    shift = time_offset(data.time)
    t = data.time - shift
    figure = go.Figure(layout=_LAYOUT)
    for k, group in enumerate(np.unique(data.group)):
        _add_data_set(figure, data, t, data.group == group, str(group), f"hsl({(k * 67) % 360},45%,45%)")
    _add_searches(figure, data, t, shift)
    figure.update_yaxes(autorange="reversed", title="magnitude")
    figure.update_xaxes(title=f"JD − {shift:.0f}" if shift else "time (d)")
    figure.update_layout(title={"text": title, "font": {"size": 13}}, height=420)
    return figure


def _add_data_set(
    figure: go.Figure, data: DipPlotData, t: np.ndarray, mine: np.ndarray, group: str, colour: str
) -> None:
    """One data set's points with error bars, and its baseline ± sigma band where the baseline exists."""
    figure.add_trace(
        go.Scattergl(
            x=t[mine],
            y=data.mag[mine],
            mode="markers",
            name=group,
            legendgroup=group,
            marker={"size": 4, "color": colour, "opacity": 0.6},
            error_y={"type": "data", "array": data.err[mine], "thickness": 0.6, "width": 0, "color": colour},
        )
    )
    if not np.isfinite(data.baseline[mine]).any():
        return
    band_t = np.concatenate([t[mine], t[mine][::-1]])
    upper, lower = data.baseline[mine] + data.sigma[mine], data.baseline[mine] - data.sigma[mine]
    figure.add_trace(
        go.Scatter(
            x=band_t,
            y=np.concatenate([upper, lower[::-1]]),
            fill="toself",
            mode="none",
            fillcolor="rgba(0,0,0,0.12)",
            legendgroup=group,
            showlegend=False,
            hoverinfo="skip",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=t[mine],
            y=data.baseline[mine],
            mode="lines",
            line={"color": "black", "width": 1},
            name=f"{group} baseline",
            legendgroup=group,
            showlegend=False,
        )
    )


def _add_searches(figure: go.Figure, data: DipPlotData, t: np.ndarray, shift: float) -> None:
    """Per search (dip, jump): triggered points circled, runs shaded, then the fitted profiles."""
    for kind, hit in data.triggered.items():
        if hit.any():
            figure.add_trace(
                go.Scattergl(
                    x=t[hit],
                    y=data.mag[hit],
                    mode="markers",
                    name=f"triggered ({kind})",
                    marker={
                        "size": 8,
                        "color": "rgba(0,0,0,0)",
                        "line": {"color": KIND_COLOURS[kind], "width": 1.5},
                    },
                )
            )
        for run in data.runs.get(kind, []):
            figure.add_vrect(
                x0=run.t_start - shift,
                x1=run.t_end - shift,
                fillcolor=KIND_COLOURS[kind],
                opacity=0.12,
                line_width=0,
            )
    for kind, (tp, offset) in data.profiles.items():
        base = np.interp(tp, data.time, data.baseline)
        figure.add_trace(
            go.Scatter(
                x=tp - shift,
                y=base + offset,
                mode="lines",
                name=f"{kind} profile",
                line={"color": KIND_COLOURS[kind], "width": 2},
            )
        )


def microlensing_figure(result: AnomalyResult) -> go.Figure:
    """Flux with the PSPL model, residuals below, the best anomaly window shaded with its template."""
    if result.time.size == 0 or not result.fit.ok:
        return message_figure(f"no PSPL fit ({result.status})")
    shift = time_offset(result.time)
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.04)
    figure.update_layout(**_LAYOUT)
    _add_pspl_fit(figure, result, shift)
    focus = result.best if result.best is not None else result.top
    if focus is not None and len(result.clusters):
        label = "accepted anomaly" if result.best is not None else "largest cluster (not accepted)"
        _add_anomaly_window(figure, result.clusters.iloc[focus], label, shift)
    _open_on_event(figure, result, shift)
    figure.update_yaxes(title="flux", row=1, col=1)
    figure.update_yaxes(title="residual", row=2, col=1)
    figure.update_xaxes(title=f"JD − {shift:.0f}" if shift else "time (d)", row=2, col=1)
    figure.update_layout(
        height=460, title={"text": "Microlensing: PSPL fit and anomaly window", "font": {"size": 13}}
    )
    return figure


def _add_pspl_fit(figure: go.Figure, result: AnomalyResult, shift: float) -> None:
    """Flux with error bars and the PSPL model in the upper panel, residuals in the lower."""
    t = result.time - shift
    grey = "rgba(90,90,90,0.6)"
    error_y = {"type": "data", "array": result.flux_err, "thickness": 0.5, "width": 0}
    figure.add_trace(
        go.Scattergl(
            x=t,
            y=result.flux,
            mode="markers",
            name="data (reference camera's flux)",
            marker={"size": 4, "color": grey},
            error_y={**error_y, "color": "rgba(90,90,90,0.4)"},
        ),
        row=1,
        col=1,
    )
    fine = np.linspace(result.time.min(), result.time.max(), 4000)
    fit = result.fit
    figure.add_trace(
        go.Scatter(
            x=fine - shift,
            y=fit.model_flux(fine),
            mode="lines",
            line={"color": "#d62728", "width": 1.6},
            name=f"PSPL t0={fit.t0 - shift:.2f} tE={fit.tE:.1f} d u0={fit.u0:.3f}",
        ),
        row=1,
        col=1,
    )
    figure.add_trace(
        go.Scattergl(
            x=t,
            y=result.residuals,
            mode="markers",
            name="residuals",
            showlegend=False,
            marker={"size": 3, "color": grey},
        ),
        row=2,
        col=1,
    )


def _add_anomaly_window(figure: go.Figure, cluster: Mapping[str, Any], label: str, shift: float) -> None:
    """The cluster's window (t0 ± 3 teff) shaded in both panels and its template model on the residuals."""
    half = 3.0 * float(cluster["teff"])
    model_t = np.linspace(cluster["t0"] - half, cluster["t0"] + half, 400)
    amp = template_values(int(cluster["template"]), (model_t - cluster["t0"]) / cluster["teff"])
    for r in (1, 2):
        figure.add_vrect(
            x0=cluster["t0"] - half - shift,
            x1=cluster["t0"] + half - shift,
            fillcolor="#1f77b4",
            opacity=0.12,
            line_width=0,
            row=r,
            col=1,
        )
    figure.add_trace(
        go.Scatter(
            x=model_t - shift,
            y=cluster["amplitude"] * amp + cluster["offset"],
            mode="lines",
            line={"color": "#1f77b4", "width": 2},
            name=f"{label}: template A{int(cluster['template'])}, Δχ²={cluster['dchi2']:.1f}",
        ),
        row=2,
        col=1,
    )


def _open_on_event(figure: go.Figure, result: AnomalyResult, shift: float) -> None:
    """Axis ranges on t0 ± 3 tE when more than 10 points lie there (the modebar's autoscale shows all)."""
    fit = result.fit
    near = np.abs(result.time - fit.t0) < 3.0 * fit.tE
    if near.sum() <= 10:
        return
    figure.update_xaxes(range=[fit.t0 - 3.0 * fit.tE - shift, fit.t0 + 3.0 * fit.tE - shift])
    pad = 2.0 * float(np.nanmedian(result.flux_err[near]))
    figure.update_yaxes(range=[np.nanmin(result.flux[near]) - pad, np.nanmax(result.flux[near]) + pad], row=1)
    resid = result.residuals[near]
    figure.update_yaxes(range=[np.nanmin(resid) - pad, np.nanmax(resid) + pad], row=2)


def fold_figure(
    time: np.ndarray, mag: np.ndarray, group: np.ndarray, period: float, source: str
) -> go.Figure:
    """Magnitudes against phase at ``period`` (days), two cycles, one colour per data set."""
    if not np.isfinite(period) or period <= 0 or time.size == 0:
        return message_figure("no period")
    phase = np.mod((time - time.min()) / period, 1.0)
    figure = go.Figure(layout=_LAYOUT)
    for k, label in enumerate(np.unique(group)):
        mine = group == label
        centred = mag[mine] - np.median(mag[mine])
        figure.add_trace(
            go.Scattergl(
                x=np.concatenate([phase[mine], phase[mine] + 1.0]),
                y=np.concatenate([centred, centred]),
                mode="markers",
                name=str(label),
                marker={"size": 3, "opacity": 0.5, "color": f"hsl({(k * 67) % 360},45%,45%)"},
            )
        )
    figure.update_yaxes(autorange="reversed", title="magnitude − data-set median")
    figure.update_xaxes(title="phase")
    figure.update_layout(
        height=320, title={"text": f"Phase fold at P = {period:.5g} d ({source})", "font": {"size": 13}}
    )
    return figure


def fold_period(row: Mapping[str, Any], min_r2: float = 0.3) -> tuple[float, str]:
    """The period to fold at and where it comes from: the known variable's, else the features' fold when
    periodic (``feat_fold_r2 >= min_r2``); NaN when neither or for a microlensing candidate."""
    if bool(row.get("family_microlensing")):  # one long bump folds "well" at any long period
        return float("nan"), ""
    known = row.get("vsx_period")
    if known is not None and np.isfinite(float(known)) and float(known) > 0:
        return float(known), "known-variable catalog"
    r2, period = row.get("feat_fold_r2"), row.get("feat_fold_period")
    if r2 is not None and period is not None and np.isfinite(float(r2)) and float(r2) >= min_r2:
        return float(period), f"Lomb-Scargle fold, R² = {float(r2):.2f}"
    return float("nan"), ""
