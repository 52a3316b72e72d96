"""Greedy per-season clustering of scored grid points (compiled, with a literal NumPy reference)."""

from __future__ import annotations

from typing import Literal

import numpy as np

from lcpipe._ext import clusters as _kernel
from lcpipe.kernels.anomaly_scan import GridScan
from lcpipe.kernels.scan_grid import ScanGrid


def find_clusters(
    scan: GridScan,
    grid: ScanGrid,
    separation: float = 3.0,
    method: Literal["fast", "slow"] = "fast",
) -> np.ndarray:
    """Cluster representatives of a scan, per season.

    Per season, repeatedly take the remaining grid point with the largest delta chi-square (the first
    in (teff level, t0) order on a tie), record it and remove every remaining point with
    ``|t0 - t0_max| < separation * (teff + teff_max)``; stop when fewer than 3 points remain.
    Representatives with delta chi-square 0 are dropped. Grid points the scan did not list count as
    present with delta chi-square 0.

    Parameters
    ----------
    scan : GridScan
        Scored points (active points only, or the full grid).
    grid : ScanGrid
        The grid the scan was made on.
    separation : float
        Removal radius in units of ``teff + teff_max``.
    method : {"fast", "slow"}
        ``"fast"``: compiled, O(P + C K log P) for P listed points, C clusters and K levels (a
        max-tree per level; removed t0 ranges kept as interval sets to count unlisted points).
        ``"slow"``: the literal loop over a dense grid.

    Returns
    -------
    ndarray, shape (C,), int64
        Indices into ``scan`` of the representatives, ordered by season and then as found
        (decreasing delta chi-square within a season).
    """
    if not separation > 0:
        raise ValueError(f"separation must be > 0, got {separation!r}")
    if method == "slow":
        return _find_clusters_slow(scan, grid, float(separation))
    if method != "fast":
        raise ValueError(f"method must be 'fast' or 'slow', got {method!r}")
    flat_level = scan.season * grid.teff.size + scan.level
    flat = scan.flat_index(grid)
    if flat.size > 1 and np.any(np.diff(flat) <= 0):
        raise ValueError("scan points must be listed in increasing (season, level, j) order")
    level_offsets = np.searchsorted(flat_level, np.arange(grid.n_t0.size + 1)).astype(np.int64)
    reps = np.empty(scan.dchi2.size, np.int64)
    n_reps = _kernel.cluster_levels(
        np.ascontiguousarray(scan.dchi2, dtype=np.float64),
        np.ascontiguousarray(scan.j, dtype=np.int64),
        np.ascontiguousarray(scan.t0, dtype=np.float64),
        level_offsets,
        np.ascontiguousarray(grid.first, dtype=np.float64),
        np.ascontiguousarray(grid.teff, dtype=np.float64),
        np.ascontiguousarray(grid.step, dtype=np.float64),
        np.ascontiguousarray(grid.n_t0, dtype=np.int64),
        float(separation),
        reps,
    )
    return reps[:n_reps].copy()


def _find_clusters_slow(scan: GridScan, grid: ScanGrid, separation: float) -> np.ndarray:
    """Reference: the definition applied literally to every grid point of every season."""
    season, level, _, t0 = grid.dense()
    dchi2 = scan.dense_dchi2(grid)
    teff = grid.teff[level]
    listed = np.full(grid.size, -1, np.int64)
    listed[scan.flat_index(grid)] = np.arange(scan.dchi2.size)
    reps = []
    for s in range(grid.n_seasons):
        remaining = season == s
        while remaining.sum() >= 3:
            candidates = np.where(remaining, dchi2, -np.inf)
            best = int(np.argmax(candidates))
            if dchi2[best] > 0:
                reps.append(listed[best])
            remaining &= ~(np.abs(t0 - t0[best]) < separation * (teff + teff[best]))
    return np.asarray(reps, dtype=np.int64)
