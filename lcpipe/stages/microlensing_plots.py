"""Microlensing plots of one candidate: the anomaly finder's three-panel summary and anomaly zoom.

The plots stage draws them from stored results (:func:`lcpipe.plots.microlensing.stored_search`);
:func:`rescan` redoes the scan of one source exactly as the stage does
(:func:`lcpipe.microlensing.fit_input.fit_input`, PSPL refit started from the stored solution, then
:func:`lcpipe.microlensing.finder.scan_fit`) for callers without a run's tables (the review app). The
figures themselves come from :mod:`lcpipe.microlensing.figures`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from lcpipe.lightcurve import LightCurve
from lcpipe.microlensing.figures import SearchLike, summary_figure, zoom_figure
from lcpipe.microlensing.finder import FinderOptions, scan_fit
from lcpipe.microlensing.fit_input import fit_input
from lcpipe.microlensing.result import AnomalyResult
from lcpipe.plots.canvas import FigureCache, save_png


def rescan(lc: LightCurve, row: Mapping[str, Any], options: FinderOptions) -> AnomalyResult:
    """PSPL refit (from the row's ``pspl_t0``, ``pspl_tE``, ``pspl_u0`` when finite) and anomaly scan."""
    start = tuple(float(row.get(k, np.nan)) for k in ("pspl_t0", "pspl_tE", "pspl_u0"))
    p0 = start if all(np.isfinite(start)) else None
    return scan_fit(fit_input(lc).fit(options.pspl, p0=p0), options=options)


#: File suffixes of the two plots (``<source_id>_<suffix>.png``).
SUMMARY, ZOOM = "pspl-summary", "anomaly-zoom"


def save_microlensing_plots(
    result: SearchLike, stem: str | Path, title: str, dpi: int = 110, figures: FigureCache | None = None
) -> list[Path]:
    """Write ``<stem>_pspl-summary.png`` (data + PSPL model, residuals, cluster Δχ² vs time) and, when
    the scan found any cluster, ``<stem>_anomaly-zoom.png`` (residuals around the best anomaly with its
    flat and template models).

    Drawn on the reused figures of ``figures`` when given.

    Returns
    -------
    list of Path
        The written files.
    """
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    makers = [(SUMMARY, summary_figure)] + ([(ZOOM, zoom_figure)] if len(result.clusters) else [])
    paths = []
    for name, make in makers:
        drawn = make(result, figures)
        drawn.suptitle(title, fontsize=10)
        paths.append(save_png(drawn, stem.with_name(f"{stem.name}_{name}.png"), dpi))
    return paths
