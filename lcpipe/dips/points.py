"""The points a dip search can use: finite, with a positive error, inside the usable magnitude range.

The quality policy (error ceiling, quality flags, saturation, duplicates) is the cleaning step's,
:class:`lcpipe.io.cleaning.CleaningOptions`; this step only drops what the search cannot compute with
and groups the rest for their baseline offsets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lcpipe.lightcurve import LightCurve


@dataclass(frozen=True)
class UsablePoints:
    """Time-sorted usable points of one light curve (arrays shape (M,)).

    Attributes
    ----------
    time, mag, err : ndarray
        Days, mag, mag.
    group : ndarray of str
        Baseline group of each point (``"<dataset>/<band>"`` or the data set).
    band : ndarray of str
    n_dropped : int
        Input points left out.
    status : str
        ``ok``, ``no_points``, ``bad_errors``, ``too_few_points`` or ``constant_magnitudes``.
    """

    time: np.ndarray
    mag: np.ndarray
    err: np.ndarray
    group: np.ndarray
    band: np.ndarray
    n_dropped: int
    status: str


def usable_points(
    lc: LightCurve, mag_range: tuple[float, float], group_by_band: bool, min_points: int
) -> UsablePoints:
    """Keep the points with finite time, magnitude and error, ``err > 0`` and a magnitude inside
    ``mag_range`` (drops sentinels such as 99.99), sorted by time; group them by (data set, band) when
    ``group_by_band``, else by data set; the status says why a curve cannot be searched."""
    time, mag, err = (np.asarray(a, dtype=float) for a in (lc.time, lc.mag, lc.mag_err))
    finite = np.isfinite(time) & np.isfinite(mag)
    with np.errstate(invalid="ignore"):
        good_err = np.isfinite(err) & (err > 0)
        keep = finite & good_err & (mag >= mag_range[0]) & (mag <= mag_range[1])
    idx = np.flatnonzero(keep)
    idx = idx[np.argsort(time[idx], kind="stable")]
    dataset = np.asarray(lc.dataset).astype(str)
    band = np.asarray(lc.band).astype(str)
    group = np.char.add(np.char.add(dataset, "/"), band) if group_by_band else dataset
    status = "ok"
    if time.size == 0:
        status = "no_points"
    elif idx.size < min_points:
        usable_but_errors = int(np.sum(finite & ~good_err))
        status = "bad_errors" if usable_but_errors and np.sum(finite) >= min_points else "too_few_points"
    elif np.ptp(mag[idx]) == 0:
        status = "constant_magnitudes"
    return UsablePoints(
        time[idx], mag[idx], err[idx], group[idx], band[idx], int(time.size - idx.size), status
    )


def zero_point_offsets(mag: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Magnitudes minus the median of their group (data set and band), shape (N,)."""
    labels, inverse = np.unique(group, return_inverse=True)
    medians = np.array([np.median(mag[inverse == g]) for g in range(labels.size)])
    return mag - medians[inverse]
