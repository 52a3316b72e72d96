"""Long fades (weeks to months), found as a step in time-binned magnitudes that the GP baseline would
absorb.

Data sets that observed only for a short while (less than ``min_dataset_span`` of the band's span,
typically follow-up of an event) are left out: their median is no baseline. The dip search compares each
point with a Gaussian-process baseline whose time scale (``2 pi / w0``, a few thousand days by default)
is long, but a fade lasting months -- worst at the end of a light curve, where nothing after it pins the
baseline down -- is partly absorbed by that baseline, and a slow decline triggers few points. This search
needs no baseline model. Per band, each data set's median is removed (its zero point), the points are
averaged in time bins of ``bin_days`` (inverse-variance weights), and each bin's excess ``z_b = y_b / s``
is measured against ``s``, the robust scatter of the bin means about zero combined with the bin's own
error (so red noise at the bin scale counts as noise). The fade is the run of consecutive non-empty bins
maximising ``sum(z_b - min_sigma)`` (Kadane's maximum-sum segment, a change-point pair: where the star
leaves the baseline and where it returns, or the end of the light curve). It is significant when it lasts
at least ``min_days`` over at least ``min_bins`` bins and its median depth is at least ``min_depth_mag``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lcpipe.dips.baseline import robust_sigma
from lcpipe.dips.checks import require


@dataclass(frozen=True)
class FadeOptions:
    """Settings of the long-fade search (config ``dips.fade``).

    Attributes
    ----------
    enabled : bool
    bin_days : float
        Width of the time bins (days).
    min_sigma : float
        Bins count towards a fade by how much their excess exceeds this many sigmas.
    min_bins : int
        A fade spans at least this many non-empty bins.
    min_days : float
        ... and at least this many days (first to last bin centre plus one bin).
    min_depth_mag : float
        Median binned depth of a significant fade (mag).
    min_points : int
        A band with fewer points is not searched.
    min_dataset_span : float
        Data sets spanning less than this fraction of their band's time span are left out.
    """

    enabled: bool = True
    bin_days: float = 5.0
    min_sigma: float = 3.0
    min_bins: int = 3
    min_days: float = 14.0
    min_depth_mag: float = 0.1
    min_points: int = 30
    min_dataset_span: float = 0.2

    def __post_init__(self) -> None:
        require(
            {
                "min_dataset_span must lie in [0, 1]": 0 <= self.min_dataset_span <= 1,
                "bin_days and min_sigma must be positive": min(self.bin_days, self.min_sigma) > 0,
                "min_days and min_depth_mag must be >= 0": min(self.min_days, self.min_depth_mag) >= 0,
                "min_bins >= 1 and min_points >= 3 required": self.min_bins >= 1 and self.min_points >= 3,
            }
        )


@dataclass(frozen=True)
class Fade:
    """The strongest fade of a light curve (NaN / empty when there is none).

    Attributes
    ----------
    significant : bool
    depth : float
        Median excess of the fade's bins over the baseline (mag, positive = fainter).
    t_start : float
        Start of the first bin of the fade (days, input time scale).
    duration : float
        End of the last bin minus ``t_start`` (days).
    sigma : float
        Mean excess of the fade's bins in units of their scatter.
    n_bins : int
    at_end : bool
        The fade reaches the last bin of its band (the star had not recovered when the data end).
    band : str
    """

    significant: bool = False
    depth: float = np.nan
    t_start: float = np.nan
    duration: float = np.nan
    sigma: float = np.nan
    n_bins: int = 0
    at_end: bool = False
    band: str = ""


def binned_excess(
    time: np.ndarray, y: np.ndarray, err: np.ndarray, bin_days: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inverse-variance means of ``y`` in time bins, the bins' errors and their start times.

    Parameters
    ----------
    time, y, err : ndarray, shape (N,)
        Times (days), offsets from the baseline (mag) and errors (mag).
    bin_days : float

    Returns
    -------
    start, mean, mean_err : ndarray, shape (B,)
        Start time (days), weighted mean (mag) and its error (mag) of each non-empty bin, in time order.
    """
    index = np.floor((time - time.min()) / bin_days).astype(np.int64)
    bins, inverse = np.unique(index, return_inverse=True)
    w = 1.0 / err**2
    sw = np.bincount(inverse, weights=w)
    mean = np.bincount(inverse, weights=w * y) / sw
    return time.min() + bins * bin_days, mean, 1.0 / np.sqrt(sw)


def _best_segment(score: np.ndarray) -> tuple[int, int, float]:
    """(first, last, sum) of the maximum-sum run of consecutive entries (Kadane); last inclusive."""
    best = (0, 0, -np.inf)
    start, running = 0, 0.0
    for i, value in enumerate(score):
        if running <= 0.0:
            start, running = i, 0.0
        running += value
        if running > best[2]:
            best = (start, i, running)
    return best


def band_fade(time: np.ndarray, y: np.ndarray, err: np.ndarray, options: FadeOptions) -> Fade:
    """Strongest fade of one band (``y``: magnitudes minus each data set's median; time-sorted)."""
    start, mean, mean_err = binned_excess(time, y, err, options.bin_days)
    if start.size < options.min_bins:
        return Fade()
    scatter = np.sqrt(robust_sigma(mean) ** 2 + mean_err**2)
    z = mean / np.maximum(scatter, 1e-12)
    first, last, total = _best_segment(z - options.min_sigma)
    if total <= 0:
        return Fade()
    n_bins = last - first + 1
    t_start, t_end = float(start[first]), float(start[last] + options.bin_days)
    depth = float(np.median(mean[first : last + 1]))
    significant = (
        n_bins >= options.min_bins and t_end - t_start >= options.min_days and depth >= options.min_depth_mag
    )
    return Fade(
        significant=bool(significant),
        depth=depth,
        t_start=t_start,
        duration=t_end - t_start,
        sigma=float(np.mean(z[first : last + 1])),
        n_bins=int(n_bins),
        at_end=bool(last == start.size - 1),
    )


def long_datasets(time: np.ndarray, group: np.ndarray, min_fraction: float) -> np.ndarray:
    """Points of the data sets spanning at least ``min_fraction`` of the whole time span (shape (N,), bool).

    A data set that observed only for a while (follow-up of an event) has its median -- its zero point
    -- set by that while, so its return to the baseline would look like a fade.
    """
    span = float(np.ptp(time)) if time.size else 0.0
    keep = np.zeros(time.size, dtype=bool)
    for label in np.unique(group):
        members = group == label
        keep[members] = np.ptp(time[members]) >= min_fraction * span
    return keep


def find_fade(
    time: np.ndarray,
    y: np.ndarray,
    err: np.ndarray,
    band: np.ndarray,
    options: FadeOptions,
    group: np.ndarray | None = None,
) -> Fade:
    """Strongest fade over all bands: a significant one first, then the larger ``depth * n_bins``.

    Parameters
    ----------
    time, y, err : ndarray, shape (N,)
        Time-sorted times (days), magnitudes minus each data set's median (mag) and errors (mag).
    band : ndarray, shape (N,)
    options : FadeOptions
    group : ndarray, shape (N,), optional
        Data set (and band) of each point; data sets spanning less than ``min_dataset_span`` of their
        band's time span are left out (see :func:`long_datasets`).

    Returns
    -------
    Fade
    """
    best = Fade()
    for label in np.unique(band):
        keep = band == label
        if group is not None:
            keep[keep] = long_datasets(time[keep], group[keep], options.min_dataset_span)
        if keep.sum() < options.min_points:
            continue
        fade = band_fade(time[keep], y[keep], err[keep], options)
        fade = Fade(**{**fade.__dict__, "band": str(label)}) if fade.n_bins else fade
        key = (fade.significant, fade.depth * fade.n_bins if fade.n_bins else -np.inf)
        best_key = (best.significant, best.depth * best.n_bins if best.n_bins else -np.inf)
        if key > best_key:
            best = fade
    return best
