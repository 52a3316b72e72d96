"""Constant-model statistics in sliding time windows, compiled and reference implementations."""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np

from lcpipe._ext import window_stats as _kernel


class WindowStats(NamedTuple):
    """Per-window results, each an array of shape (M,).

    Attributes
    ----------
    lo, hi : int64
        Index range ``[lo, hi)`` of the points with ``|t - centre| < half_width``.
    mean : float64
        Weighted mean of the values in the window (0 when empty).
    chi2 : float64
        Weighted chi-square of the values about that mean (0 when empty).
    """

    lo: np.ndarray
    hi: np.ndarray
    mean: np.ndarray
    chi2: np.ndarray


def flat_window_stats(
    time: np.ndarray,
    values: np.ndarray,
    weights: np.ndarray,
    centers: np.ndarray,
    half_width: float,
    method: Literal["fast", "slow"] = "fast",
) -> WindowStats:
    """Weighted mean and chi-square of a constant model in each window ``|t - c| < half_width``.

    Parameters
    ----------
    time : ndarray, shape (N,)
        Times in days, sorted ascending.
    values, weights : ndarray, shape (N,)
        Values (e.g. flux residuals) and weights ``1 / sigma**2``.
    centers : ndarray, shape (M,)
        Window centres (days).
    half_width : float
        Window half-width (days).
    method : {"fast", "slow"}
        ``"fast"``: compiled prefix-sum kernel, O((N + M) log N). ``"slow"``: direct NumPy sums
        per window, the reference the tests compare against.

    Returns
    -------
    WindowStats
    """
    t = np.ascontiguousarray(time, dtype=np.float64)
    r = np.ascontiguousarray(values, dtype=np.float64)
    w = np.ascontiguousarray(weights, dtype=np.float64)
    c = np.ascontiguousarray(centers, dtype=np.float64)
    if not (t.shape == r.shape == w.shape) or t.ndim != 1:
        raise ValueError(
            f"time, values and weights must be 1-D of equal length, got {t.shape}, {r.shape}, {w.shape}"
        )
    if t.size > 1 and np.any(np.diff(t) < 0):
        raise ValueError("time must be sorted ascending")
    if method == "slow":
        return _flat_window_stats_slow(t, r, w, c, float(half_width))
    if method != "fast":
        raise ValueError(f"method must be 'fast' or 'slow', got {method!r}")
    n, m = t.size, c.size
    sw, swr, swrr = (np.empty(n + 1) for _ in range(3))
    _kernel.prefix_sums(r, w, sw, swr, swrr)
    out = WindowStats(np.empty(m, np.int64), np.empty(m, np.int64), np.empty(m), np.empty(m))
    _kernel.flat_window_stats(t, sw, swr, swrr, c, float(half_width), *out)
    return out


def _flat_window_stats_slow(
    t: np.ndarray, r: np.ndarray, w: np.ndarray, c: np.ndarray, half_width: float
) -> WindowStats:
    """Reference: select each window with a boolean mask and sum directly."""
    lo, hi, mean, chi2 = (
        np.zeros(c.size, np.int64),
        np.zeros(c.size, np.int64),
        np.zeros(c.size),
        np.zeros(c.size),
    )
    for j, centre in enumerate(c):
        inside = np.abs(t - centre) < half_width
        idx = np.flatnonzero(inside)
        lo[j] = idx[0] if idx.size else np.searchsorted(t, centre)
        hi[j] = idx[-1] + 1 if idx.size else lo[j]
        if idx.size and w[inside].sum() > 0:
            mean[j] = np.sum(w[inside] * r[inside]) / np.sum(w[inside])
            chi2[j] = np.sum(w[inside] * (r[inside] - mean[j]) ** 2)
    return WindowStats(lo, hi, mean, chi2)
