"""Structure-function pair sums over logarithmic lag bins: the compiled loop and the NumPy reference."""

from __future__ import annotations

from typing import Literal

import numpy as np

from lcpipe._ext import ltv_structure_function as _kernel


def structure_function_sums(
    time: np.ndarray,
    value: np.ndarray,
    variance: np.ndarray,
    log_lag_edges: np.ndarray,
    method: Literal["fast", "slow"] = "fast",
) -> np.ndarray:
    """Pair count, sum of squared differences and sum of summed variances per lag bin.

    Parameters
    ----------
    time, value, variance : ndarray, shape (N,)
        Times sorted ascending (days), values (mag), their variances (mag^2).
    log_lag_edges : ndarray, shape (B + 1,)
        Evenly spaced bin edges in log10(lag / day).
    method : {"fast", "slow"}
        Compiled loop or the NumPy reference (all N (N - 1) / 2 pairs at once).

    Returns
    -------
    ndarray, shape (B, 3)
        Per bin: number of pairs, ``sum (y_j - y_i)^2`` (mag^2), ``sum (var_i + var_j)`` (mag^2).
    """
    t, y, v = (np.ascontiguousarray(a, dtype=np.float64) for a in (time, value, variance))
    edges = np.asarray(log_lag_edges, dtype=np.float64)
    if not (t.shape == y.shape == v.shape) or t.ndim != 1:
        raise ValueError("time, value and variance must be 1-d arrays of the same length")
    if t.size > 1 and np.any(np.diff(t) < 0):
        raise ValueError("time must be sorted ascending")
    steps = np.diff(edges)
    if edges.size < 2 or not np.allclose(steps, steps[0], rtol=1e-9, atol=0.0) or steps[0] <= 0:
        raise ValueError("log_lag_edges must be at least two evenly increasing edges")
    if method == "slow":
        return _structure_function_sums_slow(t, y, v, edges)
    if method != "fast":
        raise ValueError(f"method must be 'fast' or 'slow', got {method!r}")
    out = np.zeros((edges.size - 1, 3))
    _kernel.structure_function_sums(t, y, v, float(edges[0]), float(steps[0]), out)
    return out


def _structure_function_sums_slow(
    t: np.ndarray, y: np.ndarray, v: np.ndarray, edges: np.ndarray
) -> np.ndarray:
    """NumPy reference of :func:`structure_function_sums`: every pair ``i < j`` explicitly."""
    i, j = np.triu_indices(t.size, k=1)
    lag = t[j] - t[i]
    keep = lag > 0
    i, j, lag = i[keep], j[keep], lag[keep]
    b = np.floor((np.log10(lag) - edges[0]) / (edges[1] - edges[0])).astype(np.int64)
    inside = (b >= 0) & (b < edges.size - 1)
    b, i, j = b[inside], i[inside], j[inside]
    n_bins = edges.size - 1
    count = np.bincount(b, minlength=n_bins).astype(float)
    sq = np.bincount(b, weights=(y[j] - y[i]) ** 2, minlength=n_bins)
    var = np.bincount(b, weights=v[i] + v[j], minlength=n_bins)
    return np.column_stack([count, sq, var])
