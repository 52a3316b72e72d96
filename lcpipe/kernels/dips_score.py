"""Dipper-score sums over a light curve's events: compiled kernel and NumPy reference.

An event is a run of consecutive points with residual ``r >= extend`` holding at least one
``r >= start``; its Gaussian comes from the r^2-weighted quadratic fit of ln r (Caruana; Guo 2011);
valid events (FWHM >= min_fwhm, depth >= min_depth) add ``(depth / 2) FWHM N / max(chi2_red,
min_reduced_chi2)``. Definitions in :mod:`lcpipe.dips.dipper_score`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from lcpipe._ext import dips_score as _kernel

#: Full width at half maximum of a Gaussian in units of its sigma.
FWHM_PER_SIGMA = 2.0 * np.sqrt(2.0 * np.log(2.0))


def score_sums(
    time: np.ndarray,
    resid: np.ndarray,
    sigma: np.ndarray,
    thresholds: tuple[float, float],
    cuts: tuple[float, float],
    min_reduced_chi2: float,
    method: Literal["fast", "slow"] = "fast",
) -> tuple[float, int, int]:
    """Sum of the valid events' terms, number of events and number of valid events.

    Parameters
    ----------
    time, resid, sigma : ndarray, shape (N,)
        Sorted times (days), residuals (mag, positive = fainter) and errors (mag).
    thresholds : (float, float)
        ``(start, extend)`` residual levels (mag), ``0 < extend <= start``.
    cuts : (float, float)
        ``(min_fwhm, min_depth)`` of a valid event (days, mag).
    min_reduced_chi2 : float
        Floor of each event's reduced chi-square.
    method : {"fast", "slow"}
        Compiled single pass or the NumPy reference (np.polyfit per event).

    Returns
    -------
    total : float
    n_events, n_valid : int
    """
    t, r, s = (np.ascontiguousarray(a, dtype=np.float64) for a in (time, resid, sigma))
    if method == "slow":
        return _score_sums_slow(t, r, s, thresholds, cuts, min_reduced_chi2)
    if method != "fast":
        raise ValueError(f"method must be 'fast' or 'slow', got {method!r}")
    total, n_events, n_valid = _kernel.score_sums(t, r, s, *thresholds, *cuts, min_reduced_chi2)
    return float(total), int(n_events), int(n_valid)


def _score_sums_slow(t, r, s, thresholds, cuts, min_reduced_chi2) -> tuple[float, int, int]:
    """One event at a time with np.polyfit for the weighted quadratic."""
    (start, extend), (min_fwhm, min_depth) = thresholds, cuts
    ext = r >= extend
    edges = np.diff(np.concatenate(([0], ext.astype(np.int8), [0])))
    total, n_events, n_valid = 0.0, 0, 0
    for lo, hi in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        if not np.any(r[lo:hi] >= start):
            continue
        n_events += 1
        if hi - lo < 3:
            continue
        x = t[lo:hi] - t[lo:hi].mean()
        c2, c1, c0 = np.polyfit(x, np.log(r[lo:hi]), 2, w=r[lo:hi])  # polyfit squares w
        if c2 >= 0:
            continue
        sig_w, x0 = np.sqrt(-0.5 / c2), -c1 / (2 * c2)
        depth, fwhm = np.exp(c0 - c1**2 / (4 * c2)), FWHM_PER_SIGMA * sig_w
        if fwhm < min_fwhm or depth < min_depth:
            continue
        model = depth * np.exp(-0.5 * ((x - x0) / sig_w) ** 2)
        chi2 = np.sum(((r[lo:hi] - model) / s[lo:hi]) ** 2)
        total += 0.5 * depth * fwhm * (hi - lo) / max(chi2 / max(hi - lo - 3, 1), min_reduced_chi2)
        n_valid += 1
    return total, n_events, n_valid
