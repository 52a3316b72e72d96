"""Observing seasons (runs of points between gaps in time), their medians with robust errors, and the
largest season-to-season difference."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: sigma of a Gaussian per median absolute deviation.
MAD_TO_SIGMA = 1.4826
#: Standard error of the median over that of the mean for Gaussian data, sqrt(pi / 2).
MEDIAN_EFFICIENCY = 1.2533


def season_index(time: np.ndarray, gap_days: float) -> np.ndarray:
    """Season of each point: a new season starts after a gap longer than ``gap_days``.

    Parameters
    ----------
    time : ndarray, shape (N,)
        Times sorted ascending (days).
    gap_days : float
        Shortest gap between seasons (days).

    Returns
    -------
    ndarray, shape (N,), int64
        0, 1, ... in time order.
    """
    time = np.asarray(time, dtype=float)
    if time.size == 0:
        return np.empty(0, dtype=np.int64)
    return np.concatenate([[0], np.cumsum(np.diff(time) > gap_days)]).astype(np.int64)


@dataclass(frozen=True)
class Seasons:
    """Per-season summary of offset-corrected magnitudes, each array shape (S,).

    Attributes
    ----------
    time : ndarray
        Median time of the season (days).
    median : ndarray
        Median magnitude (mag).
    error : ndarray
        Robust error of the median (mag): ``1.2533 * max(1.4826 MAD, rms error) / sqrt(n)``.
    count : ndarray, int64
        Points in the season.
    """

    time: np.ndarray
    median: np.ndarray
    error: np.ndarray
    count: np.ndarray

    def __len__(self) -> int:
        return int(self.time.size)


def group_medians(values: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Median of each run ``values[starts[k] : starts[k] + counts[k]]`` (runs contiguous, counts > 0).

    Parameters
    ----------
    values : ndarray, shape (N,)
    starts, counts : ndarray, shape (K,), int
        First index and length of each run; the runs tile ``values``.

    Returns
    -------
    ndarray, shape (K,)
    """
    run = np.repeat(np.arange(starts.size), counts)
    ordered = values[np.lexsort((values, run))]
    low = starts + (counts - 1) // 2
    high = starts + counts // 2
    return 0.5 * (ordered[low] + ordered[high])


def season_medians(
    time: np.ndarray, mag: np.ndarray, err: np.ndarray, season: np.ndarray, min_points: int
) -> Seasons:
    """Median and robust error of the median of every season with at least ``min_points`` points.

    Parameters
    ----------
    time, mag, err : ndarray, shape (N,)
        Times (days), offset-corrected magnitudes and their errors (mag), sorted by time.
    season : ndarray, shape (N,), int
        Season of each point (:func:`season_index`), non-decreasing.
    min_points : int
        Seasons with fewer points are left out.

    Returns
    -------
    Seasons
    """
    if season.size == 0:
        empty = np.empty(0)
        return Seasons(empty, empty, empty, np.empty(0, dtype=np.int64))
    starts = np.flatnonzero(np.r_[True, np.diff(season) != 0])
    counts = np.diff(np.r_[starts, season.size])
    centre = group_medians(mag, starts, counts)
    mad = group_medians(np.abs(mag - np.repeat(centre, counts)), starts, counts)
    rms_err = np.sqrt(np.add.reduceat(err**2, starts) / counts)
    spread = np.maximum(MAD_TO_SIGMA * mad, rms_err)
    keep = counts >= min_points
    return Seasons(
        time=group_medians(time, starts, counts)[keep],
        median=centre[keep],
        error=(MEDIAN_EFFICIENCY * spread / np.sqrt(counts))[keep],
        count=counts[keep].astype(np.int64),
    )


@dataclass(frozen=True)
class SeasonDifference:
    """The largest difference between two season medians.

    Attributes
    ----------
    difference : float
        Faint minus bright season median (mag, >= 0); NaN with fewer than two seasons.
    significance : float
        ``difference / sqrt(e_faint^2 + e_bright^2)``.
    time_bright, time_faint : float
        Median times of the two seasons (days).
    """

    difference: float
    significance: float
    time_bright: float
    time_faint: float


def largest_difference(seasons: Seasons) -> SeasonDifference:
    """The pair of seasons with the largest difference of medians (brightest vs faintest)."""
    if len(seasons) < 2:
        nan = float("nan")
        return SeasonDifference(nan, nan, nan, nan)
    bright, faint = int(np.argmin(seasons.median)), int(np.argmax(seasons.median))
    diff = float(seasons.median[faint] - seasons.median[bright])
    error = float(np.hypot(seasons.error[faint], seasons.error[bright]))
    return SeasonDifference(diff, diff / error, float(seasons.time[bright]), float(seasons.time[faint]))
