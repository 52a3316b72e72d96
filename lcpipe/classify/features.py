"""Light-curve features of a candidate for the astrophysical classes: periodicity, fold shape, amplitude.

From the dominant band with each data set's median removed (camera zero points otherwise add power
at long periods): robust amplitude and skewness of the magnitudes, the highest Lomb-Scargle peak on
a fixed frequency grid, and how well a binned phase curve at that period (or twice it, where an
eclipsing binary's two eclipses put the peak) explains the scatter, with the width of its faint part.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from astropy.timeseries import LombScargle
from scipy.stats import skew

from lcpipe.lightcurve import LightCurve, dominant_band

#: Feature columns of :func:`lightcurve_features`, in order.
FEATURE_COLUMNS: tuple[str, ...] = (
    "feat_n_points",
    "feat_amplitude_mag",
    "feat_scatter_mag",
    "feat_skew",
    "feat_ls_period",
    "feat_ls_power",
    "feat_fold_period",
    "feat_fold_r2",
    "feat_fold_faint_fraction",
)


@dataclass(frozen=True)
class FeatureOptions:
    """Settings of the light-curve features.

    Attributes
    ----------
    min_period_days, max_period_days : float
        Period range of the Lomb-Scargle search (days).
    n_frequencies : int
        Frequencies of the grid, uniform in frequency.
    n_phase_bins : int
        Bins of the phase curve.
    min_points : int
        Fewer points give NaN features.
    """

    min_period_days: float = 0.2
    max_period_days: float = 100.0
    n_frequencies: int = 20000
    n_phase_bins: int = 40
    min_points: int = 50


def _centred(lc: LightCurve) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    band = dominant_band(lc)
    mag = band.mag.astype(float).copy()
    for label in np.unique(band.dataset):
        mine = band.dataset == label
        mag[mine] -= np.median(mag[mine])
    order = np.argsort(band.time, kind="stable")
    return band.time[order], mag[order], band.mag_err[order]


def fold_quality(time: np.ndarray, mag: np.ndarray, period: float, n_bins: int) -> tuple[float, float]:
    """Fraction of the variance a binned phase curve explains, and the phase width of its faint part.

    Parameters
    ----------
    time, mag : ndarray, shape (N,)
        Days and centred magnitudes.
    period : float
        Fold period (days).
    n_bins : int
        Phase bins.

    Returns
    -------
    r2 : float
        ``1 - var(mag - phase curve) / var(mag)`` (0 for no periodic signal, 1 for a perfect fold).
    faint_fraction : float
        Fraction of phase bins fainter than half the phase curve's range above its median: small for
        eclipses (narrow minima), about a third for a sinusoid.
    """
    phase_bin = np.minimum((np.mod(time / period, 1.0) * n_bins).astype(int), n_bins - 1)
    counts = np.bincount(phase_bin, minlength=n_bins)
    sums = np.bincount(phase_bin, weights=mag, minlength=n_bins)
    curve = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    total = np.var(mag)
    if not total > 0:
        return float("nan"), float("nan")
    r2 = 1.0 - np.var(mag - curve[phase_bin]) / total
    filled = curve[np.isfinite(curve)]
    level = np.median(filled)
    depth = np.max(filled) - level
    faint = float(np.mean(filled > level + 0.5 * depth)) if depth > 0 else float("nan")
    return float(r2), faint


def lightcurve_features(lc: LightCurve, options: FeatureOptions = FeatureOptions()) -> dict[str, float]:
    """The :data:`FEATURE_COLUMNS` of one cleaned light curve (NaN when it has too few points)."""
    time, mag, err = _centred(lc)
    out = dict.fromkeys(FEATURE_COLUMNS, float("nan"))
    out["feat_n_points"] = float(time.size)
    if time.size < options.min_points:
        return out
    lo, hi = np.percentile(mag, [5.0, 95.0])
    out["feat_amplitude_mag"] = float(hi - lo)
    out["feat_scatter_mag"] = float(1.4826 * np.median(np.abs(mag - np.median(mag))))
    out["feat_skew"] = float(skew(mag))
    frequency = np.linspace(
        1.0 / options.max_period_days, 1.0 / options.min_period_days, options.n_frequencies
    )
    power = LombScargle(time, mag, err).power(frequency, method="fast")
    peak = int(np.argmax(power))
    period = float(1.0 / frequency[peak])
    out["feat_ls_period"], out["feat_ls_power"] = period, float(power[peak])
    folds = [(fold_quality(time, mag, p, options.n_phase_bins), p) for p in (period, 2.0 * period)]
    (r2, faint), best = max(folds, key=lambda item: -np.inf if not np.isfinite(item[0][0]) else item[0][0])
    out["feat_fold_period"], out["feat_fold_r2"], out["feat_fold_faint_fraction"] = best, r2, faint
    return out
