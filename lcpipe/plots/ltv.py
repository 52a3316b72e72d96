"""LTV plot of one light curve: offset-corrected points per camera/band, season medians, trend and step.

Like the dip plot, it recomputes what it shows with the LTV search's own calls and options (usable points,
the joint offsets-and-trend fit with its outlier clipping, the seasons); the step comes from the
stage's row. Figures are built on their own Agg canvas (no pyplot state).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lcpipe.lightcurve import LightCurve
from lcpipe.ltv.features import LTVOptions, isolated_outliers, usable_points
from lcpipe.ltv.offsets import years_since
from lcpipe.ltv.seasons import season_index, season_medians
from lcpipe.ltv.trend import fit_trend
from lcpipe.plots.time_axis import time_label, time_offset


def ltv_figure(lc: LightCurve, row: Mapping[str, Any], options: LTVOptions, title: str) -> Figure:
    """Offset-corrected magnitudes per offset group, season medians with errors, the linear trend and
    the step of ``row`` (an LTV stage row; ``step``, ``step_time`` used when finite).

    Parameters
    ----------
    lc : LightCurve
        The cleaned light curve (N points).
    row : mapping
        The source's LTV row.
    options : LTVOptions
        The options the stage ran with.
    title : str
        Figure title.

    Returns
    -------
    Figure
    """
    lc, labels, group = usable_points(lc, options)
    figure = Figure(figsize=(9.0, 4.0))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    axes.set_title(title, fontsize=10)
    if len(lc) < max(options.min_points, 3):
        axes.text(0.5, 0.5, "too few usable points", transform=axes.transAxes, ha="center")
        return figure
    x = years_since(lc.time, float(np.median(lc.time)))
    first = fit_trend(x, lc.mag, lc.mag_err, group, len(labels), 1)
    keep = isolated_outliers(first.residuals / lc.mag_err, options) == 0
    time, x, mag, err, group = lc.time[keep], x[keep], lc.mag[keep], lc.mag_err[keep], group[keep]
    linear = fit_trend(x, mag, err, group, len(labels), 1)
    corrected = mag - linear.offsets[group]
    offset = time_offset(time)
    for k, label in enumerate(labels):
        sel = group == k
        axes.plot(time[sel] - offset, corrected[sel], ".", ms=2, alpha=0.5, label=label)
    seasons = season_medians(
        time, corrected, err, season_index(time, options.season_gap_days), options.min_season_points
    )
    axes.errorbar(seasons.time - offset, seasons.median, seasons.error, fmt="s", color="k", ms=5,
                  capsize=3, label="season medians", zorder=5)  # fmt: skip
    grid = np.linspace(time[0], time[-1], 200)
    axes.plot(grid - offset, linear.coefficients[0] * years_since(grid, float(np.median(lc.time))), "k-",
              lw=1, label=f"slope {linear.coefficients[0]:+.4f} mag/yr")  # fmt: skip
    step, step_time = row.get("step", np.nan), row.get("step_time", np.nan)
    if step is not None and np.isfinite(step) and np.isfinite(step_time):
        axes.axvline(float(step_time) - offset, color="tab:red", ls="--", lw=1, label=f"step {step:+.3f} mag")
    axes.invert_yaxis()
    axes.set_xlabel(time_label(offset))
    axes.set_ylabel("magnitude - zero point of its camera/band (mag)")
    axes.legend(fontsize=7, ncol=3, loc="best")
    return figure


def save_ltv_plot(
    lc: LightCurve, row: Mapping[str, Any], options: LTVOptions, title: str, path: str | Path, dpi: int = 110
) -> Path:
    """Write :func:`ltv_figure` as a PNG (parent folders created); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ltv_figure(lc, row, options, title).savefig(path, dpi=dpi)
    return path
