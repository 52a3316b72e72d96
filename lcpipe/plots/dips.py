"""Dip-branch plot of one candidate: per-camera light curve with baseline, triggered runs and profile fit.

What the plot shows comes from the dip stage's stored curves (:mod:`lcpipe.plots.dip_curves`: baseline
and effective error per point, triggered points, kept runs, the strongest run's profile) and the light
curve's usable points; :func:`plot_data` joins the two and checks they belong together. Nothing is
refitted. :func:`dip_plot_data` computes the same curves from a light curve for callers without a run
(the review app). Figures are drawn on an Agg canvas (no pyplot state), set up once per layout and
reused (:class:`lcpipe.plots.canvas.FigureCache`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from lcpipe.dips.events import DipOptions, clean_points
from lcpipe.dips.points import UsablePoints
from lcpipe.lightcurve import LightCurve
from lcpipe.plots.canvas import FigureCache, save_png
from lcpipe.plots.decimate import decimated, error_bars
from lcpipe.plots.dip_curves import KINDS, POINT_CURVES, dip_curves
from lcpipe.plots.time_axis import time_label, time_offset

#: Colours of the two searches.
KIND_COLOURS = {"dip": "tab:red", "jump": "tab:blue"}
#: Figure width (inches) and height per camera panel and of the margins.
WIDTH, PANEL_HEIGHT, MARGIN_HEIGHT = 10.0, 1.9, 1.4


class RunSpan(NamedTuple):
    """Times of the first and last triggered point of a kept run (days)."""

    t_start: float
    t_end: float


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
    runs : dict of str to list of RunSpan
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
    runs: dict[str, list[RunSpan]]
    profiles: dict[str, tuple[np.ndarray, np.ndarray]]


def plot_data(points: UsablePoints, curves: Mapping[str, np.ndarray]) -> DipPlotData:
    """Join a light curve's usable points with its stored dip curves.

    Parameters
    ----------
    points : UsablePoints
        :func:`lcpipe.dips.events.clean_points` of the light curve, status ``ok``.
    curves : mapping
        Its :func:`lcpipe.plots.dip_curves.dip_curves` (as stored by the dip stage).

    Raises
    ------
    ValueError
        When the curves do not belong to these points (other length or other times): the light curve
        changed since the dip stage ran, or the cleaning options differ.
    """
    n = points.time.size
    sizes = {name: np.size(curves[name]) for name in POINT_CURVES}
    if any(size != n for size in sizes.values()):
        raise ValueError(f"stored dip curves have {sizes} points, the light curve {n}")
    if not np.allclose(curves["time"], points.time, rtol=0.0, atol=1e-9):
        raise ValueError("stored dip curves have other times than the light curve")
    runs = {
        kind: [
            RunSpan(float(a), float(b))
            for a, b in zip(curves[f"{kind}_run_start"], curves[f"{kind}_run_end"], strict=True)
        ]
        for kind in KINDS
    }
    profiles = {
        kind: (np.asarray(curves[f"{kind}_profile_time"]), np.asarray(curves[f"{kind}_profile_offset"]))
        for kind in KINDS
        if np.size(curves[f"{kind}_profile_time"])
    }
    return DipPlotData(
        "ok",
        points.time,
        points.mag,
        points.err,
        points.group,
        np.asarray(curves["baseline"], float),
        np.asarray(curves["sigma_eff"], float),
        {kind: np.asarray(curves[f"{kind}_triggered"], bool) for kind in KINDS},
        runs,
        profiles,
    )


def dip_plot_data(lc: LightCurve, row: Mapping[str, Any], options: DipOptions) -> DipPlotData:
    """Compute the dip curves of one light curve (:func:`lcpipe.plots.dip_curves.dip_curves`) and join
    them with its points, for callers that have no stored curves.

    Parameters
    ----------
    lc : LightCurve
        The light curve as the dip stage read it.
    row : mapping
        Its events-table row (``dip_morph_model``, ``jump_morph_model`` choose the profiles).
    options : DipOptions
        The dip stage's options.
    """
    c = clean_points(lc, options)
    if c.status != "ok":
        nan = np.full(c.time.size, np.nan)
        empty = {kind: np.zeros(c.time.size, bool) for kind in KINDS}
        return DipPlotData(
            c.status, c.time, c.mag, c.err, c.group, nan, nan, empty, {k: [] for k in KINDS}, {}
        )
    return plot_data(c, dip_curves(lc, row, options))


#: How each kind of artist is drawn, for the figure's key.
KEY_STYLES = {
    "data": "grey dots",
    "baseline ± σ_eff": "black line and band",
    "dip trigger": "red circles",
    "dip runs": "red shading",
    "dip profile": "red line",
    "jump trigger": "blue circles",
    "jump runs": "blue shading",
    "jump profile": "blue line",
}


def key_text(drawn: Mapping[str, Any]) -> str:
    """One line naming what the figure shows, for the entries of ``drawn`` (a text line instead of a
    legend box: a legend costs a quarter of the drawing time), four entries a line."""
    entries = [f"{name}: {KEY_STYLES[name]}" for name in KEY_STYLES if name in drawn]
    return "\n".join("   ".join(entries[k : k + 4]) for k in range(0, len(entries), 4))


def dip_figure(data: DipPlotData, title: str, figures: FigureCache | None = None) -> Figure:
    """One panel per camera group: points, baseline with its effective error band, runs and profiles.

    Magnitudes increase downwards (a dip goes down). Triggered points are circled in the colour of
    their search, kept runs are shaded (one collection per search and panel), and the strongest run's
    profile is drawn as baseline plus profile in every panel that has points in that run; a line of
    text at the bottom is the key (:func:`key_text`). Dense panels are drawn decimated
    (:func:`lcpipe.plots.decimate.decimated`; triggered points are always drawn). The figure of the
    layout comes from ``figures`` when given (reused), else it is new.
    """
    groups = list(dict.fromkeys(data.group.tolist())) or ["(no points)"]
    height = MARGIN_HEIGHT + PANEL_HEIGHT * len(groups)

    def make(figure: Figure) -> np.ndarray:
        figure.subplots_adjust(
            left=0.09, right=0.98, top=1 - 0.45 / height, bottom=0.85 / height, hspace=0.08
        )
        return figure.subplots(len(groups), 1, sharex=True, squeeze=False)[:, 0]

    figure, axes = (figures or FigureCache()).axes(("dip", len(groups)), WIDTH, height, make)
    offset_days = time_offset(data.time)
    handles: dict[str, Any] = {}
    for ax, group in zip(axes, groups, strict=True):
        sel = np.flatnonzero(data.group == group)
        t = data.time[sel] - offset_days
        base = data.baseline[sel]
        hits = np.zeros(sel.size, bool)
        for kind in KINDS:
            hits |= data.triggered[kind][sel]
        keep = decimated(sel.size, hits)
        mag, err = data.mag[sel][keep], data.err[sel][keep]
        ax.plot(*error_bars(t[keep], mag, err), color="0.75", lw=0.6)
        handles["data"] = ax.plot(t[keep], mag, ".", ms=3, color="0.35")[0]
        if np.isfinite(base).any():
            handles["baseline ± σ_eff"] = ax.plot(t[keep], base[keep], color="k", lw=1.0)[0]
            sigma = data.sigma[sel][keep]
            ax.fill_between(t[keep], base[keep] - sigma, base[keep] + sigma, color="k", alpha=0.12, lw=0)
        for kind, colour in KIND_COLOURS.items():
            hit = data.triggered[kind][sel]
            if hit.any():
                handles[f"{kind} trigger"] = ax.plot(
                    t[hit], data.mag[sel][hit], "o", mfc="none", mec=colour, ms=6
                )[0]
            if data.runs[kind]:
                spans = [
                    (run.t_start - offset_days - 0.5, run.t_end - offset_days + 0.5)
                    for run in data.runs[kind]
                ]
                handles[f"{kind} runs"] = ax.add_collection(
                    PolyCollection(
                        [[(a, 0.0), (b, 0.0), (b, 1.0), (a, 1.0)] for a, b in spans],
                        transform=ax.get_xaxis_transform(),
                        facecolors=colour,
                        alpha=0.12,
                        linewidths=0,
                    ),
                    autolim=False,
                )
            if kind in data.profiles:
                tf, profile = data.profiles[kind]
                tf = tf - offset_days
                inside = (t >= tf[0]) & (t <= tf[-1])
                if inside.any():
                    level = np.interp(tf, t[inside], base[inside])
                    handles[f"{kind} profile"] = ax.plot(tf, level + profile, color=colour, lw=1.6)[0]
        ax.yaxis.set_inverted(True)
        ax.set_ylabel(f"{group}\nmag")
    figure.text(0.5, 0.1 / figure.get_figheight(), key_text(handles), ha="center", va="bottom", fontsize=8)
    axes[-1].set_xlabel(time_label(offset_days))
    figure.suptitle(title, fontsize=10)
    return figure


def save_dip_plot(
    data: DipPlotData, title: str, path: str | Path, dpi: int = 110, figures: FigureCache | None = None
) -> Path:
    """Write :func:`dip_figure` as PNG (on the reused figures of ``figures`` when given); returns the path."""
    return save_png(dip_figure(data, title, figures), path, dpi)
