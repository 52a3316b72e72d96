"""Time axes of light-curve plots: full Julian dates are drawn as JD − 2450000."""

from __future__ import annotations

import numpy as np

#: Subtracted from Julian dates on the time axis.
JD_OFFSET = 2450000.0


def time_offset(time: np.ndarray) -> float:
    """Days subtracted from ``time`` (shape (N,), days) on a plot axis.

    :data:`JD_OFFSET` when the times are full Julian dates (median above it), else 0 for times that are
    already reduced (HJD − 2450000, Roman's BJD − 2450000) or relative.
    """
    return JD_OFFSET if np.size(time) and float(np.median(time)) > JD_OFFSET else 0.0


def time_label(offset: float) -> str:
    """Axis label for times shifted by ``offset`` days."""
    return f"JD − {offset:.0f} (days)" if offset else "time (days)"
