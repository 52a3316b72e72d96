"""Time bins of a light curve (weighted means), the input of the red-noise models."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Binned:
    """Weighted means of consecutive time bins, each array shape (B,).

    Attributes
    ----------
    time : ndarray
        Weighted mean time of the bin (days), ascending.
    value : ndarray
        Weighted mean magnitude (mag).
    error : ndarray
        Error of the mean (mag): the larger of the propagated error and the scatter over sqrt(n).
    """

    time: np.ndarray
    value: np.ndarray
    error: np.ndarray

    def __len__(self) -> int:
        return int(self.time.size)


def bin_in_time(time: np.ndarray, mag: np.ndarray, err: np.ndarray, width_days: float) -> Binned:
    """Weighted means of the points in bins of ``width_days`` starting at the first point.

    Parameters
    ----------
    time, mag, err : ndarray, shape (N,)
        Times (days, sorted ascending), magnitudes and errors (mag, > 0).
    width_days : float
        Bin width (days).

    Returns
    -------
    Binned
        One entry per bin holding points.
    """
    if time.size == 0:
        empty = np.empty(0)
        return Binned(empty, empty, empty)
    index = np.floor((time - time[0]) / width_days).astype(np.int64)
    _, inverse, counts = np.unique(index, return_inverse=True, return_counts=True)
    w = 1.0 / err**2
    sw = np.bincount(inverse, weights=w)
    mean = np.bincount(inverse, weights=w * mag) / sw
    t = np.bincount(inverse, weights=w * time) / sw
    scatter = np.bincount(inverse, weights=w * (mag - mean[inverse]) ** 2) / sw
    propagated = 1.0 / np.sqrt(sw)
    sampled = np.sqrt(scatter / np.maximum(counts - 1, 1))
    return Binned(t, mean, np.maximum(propagated, np.where(counts > 1, sampled, 0.0)))
