"""Template-free residual scan: windowed chi-square about a flat model, compiled and NumPy reference."""

from __future__ import annotations

from typing import Literal

import numpy as np

from lcpipe._ext import residual_scan as _kernel
from lcpipe.kernels.anomaly_scan import GridScan, centred_residuals, checked_scan_inputs
from lcpipe.kernels.scan_grid import ScanGrid


def residual_scan(
    time: np.ndarray,
    residuals: np.ndarray,
    weights: np.ndarray,
    grid: ScanGrid,
    *,
    min_points: int = 4,
    min_points_each_side: int = 0,
    method: Literal["fast", "slow"] = "fast",
    num_threads: int = 1,
) -> GridScan:
    """Score every (season, teff, t0) grid point by the excess chi-square of a flat model.

    For each window ``|t - t0| < half_width`` with at least ``min_points`` points (and at least
    ``min_points_each_side`` strictly before and after t0), ``chi2 = sum w (r - mean_w)**2`` with the
    window's weighted mean, and the score is ``max(0, chi2 - (n - 1))``: the chi-square above its
    expectation for pure noise. No template is assumed, so any short excursion (bump, dip, caustic
    crossing of any shape) scores.

    Parameters
    ----------
    time : ndarray, shape (N,)
        Times in days, sorted ascending.
    residuals, weights : ndarray, shape (N,)
        Flux residuals and weights ``1 / sigma**2`` (> 0).
    grid : ScanGrid
        From :func:`lcpipe.microlensing.grid.build_grid` on the same times.
    min_points, min_points_each_side : int
        Window support rules (as :func:`lcpipe.kernels.anomaly_scan.scan_grid`).
    method : {"fast", "slow"}
        Compiled two-pointer walk with prefix sums, or the NumPy reference (a mask per grid point).
    num_threads : int
        OpenMP threads over grid levels (0: OpenMP default); results do not depend on it.

    Returns
    -------
    GridScan
        Points with at least ``min_points`` in their window (fast) or every grid point (slow);
        ``dchi2`` holds the excess and ``template`` is -1 (none).
    """
    t, r, w = checked_scan_inputs(time, residuals, weights, grid, min_points, min_points_each_side)
    if method == "slow":
        return _residual_scan_slow(t, r, w, grid, min_points, min_points_each_side)
    if method != "fast":
        raise ValueError(f"method must be 'fast' or 'slow', got {method!r}")
    rc, _, _ = centred_residuals(r, w, grid)
    p0, p1, p2 = (np.empty(t.size + 1) for _ in range(3))
    _kernel.prefix_sums(rc, w, p0, p1, p2)
    counts = np.ascontiguousarray(grid.n_t0.ravel(), dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    size = int(offsets[-1])
    excess = np.empty(size)
    lo, hi = np.empty(size, np.int64), np.empty(size, np.int64)
    _kernel.scan_levels(
        t,
        p0,
        p1,
        p2,
        np.ascontiguousarray(grid.bounds, dtype=np.int64),
        np.ascontiguousarray(grid.first, dtype=np.float64),
        np.ascontiguousarray(grid.step, dtype=np.float64),
        np.ascontiguousarray(grid.half_width, dtype=np.float64),
        counts,
        offsets,
        int(min_points),
        int(min_points_each_side),
        excess,
        lo,
        hi,
        int(num_threads),
    )
    season, level, j, t0 = grid.dense()
    active = (hi - lo) >= min_points
    return GridScan(
        season[active],
        level[active],
        j[active],
        t0[active],
        excess[active],
        np.full(int(active.sum()), -1, np.int8),
        lo[active],
        hi[active],
    )


def _residual_scan_slow(
    t: np.ndarray, r: np.ndarray, w: np.ndarray, grid: ScanGrid, min_points: int, min_each_side: int
) -> GridScan:
    """Reference: every grid point, window by boolean mask, chi-square about the weighted mean."""
    season, level, j, t0 = grid.dense()
    excess = np.zeros(t0.size)
    lo = np.zeros(t0.size, np.int64)
    hi = np.zeros(t0.size, np.int64)
    for g in range(t0.size):
        a, b = grid.bounds[season[g]], grid.bounds[season[g] + 1]
        inside = np.abs(t[a:b] - t0[g]) < grid.half_width[level[g]]
        idx = np.flatnonzero(inside)
        lo[g], hi[g] = (a + idx[0], a + idx[-1] + 1) if idx.size else (a, a)
        if idx.size < min_points:
            continue
        tw, rw, ww = t[a:b][inside], r[a:b][inside], w[a:b][inside]
        if min_each_side and (np.sum(tw < t0[g]) < min_each_side or np.sum(tw > t0[g]) < min_each_side):
            continue
        mean = np.sum(ww * rw) / np.sum(ww)
        excess[g] = max(np.sum(ww * (rw - mean) ** 2) - (idx.size - 1), 0.0)
    return GridScan(season, level, j, t0, excess, np.full(t0.size, -1, np.int8), lo, hi)
