"""Dip-branch plot of one candidate: per-camera light curve with baseline, triggered runs and profile fit.

The detection stage stores one row of numbers per source, not its arrays, so the plot recomputes what
it shows with the same library calls and options: the quality policy (:func:`clean_points`), the
per-camera baseline (:func:`fit_baseline`), the mixture evidence and triggers of each search, the
kept runs, and the morphology profile of the strongest run. Figures are built on their own Agg canvas
(no pyplot state), so nothing needs closing and plotting is safe in worker processes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lcpipe.dips.baseline import fit_baseline
from lcpipe.dips.events import DipOptions, clean_points
from lcpipe.dips.mixture import make_grid, mixture_evidence
from lcpipe.dips.morphology import DIP_MODELS, JUMP_MODELS, fit_profile, profile_values
from lcpipe.dips.trigger import Run, find_runs, trigger_statistic
from lcpipe.lightcurve import LightCurve
from lcpipe.plots.time_axis import time_label, time_offset

#: Colours of the two searches.
KIND_COLOURS = {"dip": "tab:red", "jump": "tab:blue"}


@dataclass(frozen=True)
class DipPlotData:
    """Everything the dip plot draws, for one light curve (arrays shape (N,), time-sorted).

    Attributes
    ----------
    status : str
        ``ok`` or the dip branch's status (then the arrays may be empty).
    time, mag, err : ndarray
        Points used by the detection (days, mag, mag).
    group : ndarray of str
        Camera group ("camera/band") of each point.
    baseline, sigma : ndarray
        Baseline magnitude and effective error of each point.
    triggered : dict of str to ndarray of bool
        Triggered points of the ``dip`` and ``jump`` searches.
    runs : dict of str to list of Run
        Kept runs of each search (strongest first).
    profiles : dict of str to tuple of ndarray
        ``(t, offset)`` of the strongest run's accepted profile (offset from the baseline, mag), for
        the searches whose row names a non-constant model.
    """

    status: str
    time: np.ndarray
    mag: np.ndarray
    err: np.ndarray
    group: np.ndarray
    baseline: np.ndarray
    sigma: np.ndarray
    triggered: dict[str, np.ndarray]
    runs: dict[str, list[Run]]
    profiles: dict[str, tuple[np.ndarray, np.ndarray]]


def profile_curve(
    model: str, t: np.ndarray, y: np.ndarray, sigma: np.ndarray, kind: str
) -> tuple[np.ndarray, np.ndarray]:
    """Refit the morphology profile ``model`` to a run's residuals and sample it on a fine grid.

    Parameters
    ----------
    model : str
        Profile name (``gaussian``, ``skew_gaussian``, ``paczynski``, ``fred``).
    t, y, sigma : ndarray, shape (n,)
        Times (days, sorted), residuals m - b and their errors (mag) of the padded run.
    kind : {"dip", "jump"}

    Returns
    -------
    t_fine, offset : ndarray, shape (400,)
        Times and the fitted profile ``c + A g(t)`` (mag, relative to the baseline).
    """
    fit = fit_profile(model, t, y, 1.0 / sigma**2, 1.0 if kind == "dip" else -1.0)
    t_fine = np.linspace(t[0], t[-1], 400)
    return t_fine, fit.offset + fit.amplitude * profile_values(fit, t_fine)


def dip_plot_data(lc: LightCurve, row: Mapping[str, Any], options: DipOptions) -> DipPlotData:
    """Recompute the baseline, triggers, runs and profiles of one light curve.

    Parameters
    ----------
    lc : LightCurve
        The light curve as the dip stage read it.
    row : mapping
        Its events-table row (``dip_morph_model``, ``jump_morph_model`` choose the profiles).
    options : DipOptions
        The dip stage's options.

    Returns
    -------
    DipPlotData
    """
    c = clean_points(lc, options)
    empty: dict = {"dip": np.zeros(c.time.size, bool), "jump": np.zeros(c.time.size, bool)}
    if c.status != "ok":
        nan = np.full(c.time.size, np.nan)
        return DipPlotData(
            c.status, c.time, c.mag, c.err, c.group, nan, nan, empty, {"dip": [], "jump": []}, {}
        )
    base = fit_baseline(c.time, c.mag, c.err, c.group, options.baseline)
    resid = c.mag - base.mag
    triggered, runs, profiles = {}, {}, {}
    for kind in ("dip", "jump"):
        mix = mixture_evidence(resid, base.sigma_eff, make_grid(resid, kind))
        hit, stat = trigger_statistic(mix.point_log_bf, mix.event_prob, options.trigger)
        triggered[kind] = hit
        runs[kind] = sorted(
            find_runs(c.time, hit, stat, c.group, options.trigger), key=lambda r: r.trigger_sum, reverse=True
        )
        model = str(row.get(f"{kind}_morph_model") or "")
        if runs[kind] and model in (DIP_MODELS if kind == "dip" else JUMP_MODELS):
            top = runs[kind][0]
            lo = max(top.first - options.morphology_pad, 0)
            hi = min(top.last + options.morphology_pad + 1, c.time.size)
            profiles[kind] = profile_curve(model, c.time[lo:hi], resid[lo:hi], base.sigma_eff[lo:hi], kind)
    return DipPlotData(
        "ok", c.time, c.mag, c.err, c.group, base.mag, base.sigma_eff, triggered, runs, profiles
    )


def dip_figure(data: DipPlotData, title: str) -> Figure:
    """One panel per camera group: points, baseline with its effective error band, runs and profiles.

    Magnitudes increase downwards (a dip goes down). Triggered points are circled in the colour of
    their search, kept runs are shaded, and the strongest run's profile is drawn as baseline plus
    profile in every panel that has points in that run.
    """
    groups = list(dict.fromkeys(data.group.tolist())) or ["(no points)"]
    offset_days = time_offset(data.time)
    figure = Figure(figsize=(10.0, 1.4 + 1.9 * len(groups)), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(groups), 1, sharex=True, squeeze=False)[:, 0]
    for ax, group in zip(axes, groups, strict=True):
        sel = data.group == group
        t = data.time[sel] - offset_days
        ax.errorbar(
            t, data.mag[sel], data.err[sel], fmt=".", ms=3, color="0.35", ecolor="0.75", lw=0.6, label="data"
        )
        if np.isfinite(data.baseline[sel]).any():
            ax.plot(t, data.baseline[sel], color="k", lw=1.0, label="baseline ± σ_eff")
            ax.fill_between(
                t,
                data.baseline[sel] - data.sigma[sel],
                data.baseline[sel] + data.sigma[sel],
                color="k",
                alpha=0.12,
                lw=0,
            )
        for kind, colour in KIND_COLOURS.items():
            hit = data.triggered[kind][sel]
            if hit.any():
                ax.plot(
                    t[hit], data.mag[sel][hit], "o", mfc="none", mec=colour, ms=6, label=f"{kind} trigger"
                )
            for k, run in enumerate(data.runs[kind]):
                label = f"{kind} runs" if k == 0 else None
                ax.axvspan(
                    run.t_start - offset_days - 0.5,
                    run.t_end - offset_days + 0.5,
                    color=colour,
                    alpha=0.12,
                    lw=0,
                    label=label,
                )
            if kind in data.profiles:
                tf, profile = data.profiles[kind]
                tf = tf - offset_days
                inside = (t >= tf[0]) & (t <= tf[-1])
                if inside.any():
                    level = np.interp(tf, t[inside], data.baseline[sel][inside])
                    ax.plot(tf, level + profile, color=colour, lw=1.6, label=f"{kind} profile")
        ax.invert_yaxis()
        ax.set_ylabel(f"{group}\nmag")
    handles = {label: h for ax in axes for h, label in zip(*ax.get_legend_handles_labels(), strict=True)}
    figure.legend(
        handles.values(), handles.keys(), loc="outside lower center", ncols=len(handles), fontsize=8
    )
    axes[-1].set_xlabel(time_label(offset_days))
    figure.suptitle(title, fontsize=10)
    return figure


def save_dip_plot(data: DipPlotData, title: str, path: str | Path, dpi: int = 110) -> Path:
    """Write :func:`dip_figure` as PNG; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    dip_figure(data, title).savefig(path, dpi=dpi)
    return path
