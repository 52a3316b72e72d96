"""``summarize_lightcurve``: the numbers a survey astronomer looks at first, as one flat-ish dict."""

from __future__ import annotations

from typing import Any

import numpy as np

from lcpipe.io.cleaning import MAD_TO_SIGMA
from lcpipe.lightcurve import LightCurve


def _label_counts(labels: np.ndarray) -> dict[str, int]:
    """Counts per label in order of first appearance."""
    values, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = np.argsort(first)
    return {str(values[i]): int(counts[i]) for i in order}


def summarize_lightcurve(lc: LightCurve) -> dict[str, Any]:
    """Summarize a light curve (as read or cleaned).

    Parameters
    ----------
    lc : LightCurve
        Shape (N,) light curve; may be empty.

    Returns
    -------
    dict
        ``source_id``, ``format``, ``n_points``, ``n_good``, ``n_bad``, ``n_saturated``,
        ``t_min``, ``t_max`` (days, absolute), ``span_days``, ``points_per_day`` (N / span; NaN for a
        zero span), ``n_cameras``, ``cameras`` (label -> count), ``n_bands``, ``bands`` (label -> count),
        ``median_mag``, ``robust_scatter_mag`` (1.4826 MAD), ``median_mag_err`` over the finite
        magnitudes, ``n_finite_mag``. Numbers are NaN when undefined (no finite time or magnitude).
    """
    time = lc.time[np.isfinite(lc.time)]
    mag_ok = np.isfinite(lc.mag)
    mag = lc.mag[mag_ok]
    err = lc.mag_err[mag_ok & np.isfinite(lc.mag_err)]
    t_min = float(time.min()) if time.size else np.nan
    t_max = float(time.max()) if time.size else np.nan
    span = t_max - t_min
    median_mag = float(np.median(mag)) if mag.size else np.nan
    return {
        "source_id": lc.source_id,
        "format": str(lc.meta.get("format", "")),
        "n_points": len(lc),
        "n_good": int(lc.good.sum()),
        "n_bad": int((~lc.good).sum()),
        "n_saturated": int(lc.saturated.sum()),
        "t_min": t_min,
        "t_max": t_max,
        "span_days": span,
        "points_per_day": float(len(lc) / span) if span > 0 else np.nan,
        "n_cameras": len(lc.cameras),
        "cameras": _label_counts(lc.camera),
        "n_bands": int(np.unique(lc.band).size),
        "bands": _label_counts(lc.band),
        "n_finite_mag": int(mag.size),
        "median_mag": median_mag,
        "robust_scatter_mag": float(MAD_TO_SIGMA * np.median(np.abs(mag - median_mag)))
        if mag.size
        else np.nan,
        "median_mag_err": float(np.median(err)) if err.size else np.nan,
    }
