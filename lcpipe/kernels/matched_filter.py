"""Matched filter of the PSPL start search: compiled sliding window and its NumPy reference."""

from __future__ import annotations

from typing import Literal

import numpy as np

from lcpipe._ext import matched_filter as _kernel


def matched_filter(
    time: np.ndarray,
    flux: np.ndarray,
    weight: np.ndarray,
    teff: float,
    u0: float,
    half_width: float,
    min_bins: int = 4,
    method: Literal["fast", "slow"] = "fast",
) -> np.ndarray:
    """Chi-square gain of a PSPL excess over a constant, centred on every input time.

    Parameters
    ----------
    time, flux, weight : ndarray, shape (M,), float64
        Sorted (binned) times (days), fluxes and weights.
    teff, u0 : float
        Template ``a = A(u) - 1`` with ``u**2 = u0**2 * (1 + ((t - t0) / teff)**2)``.
    half_width : float
        Window ``|t - t0| < half_width`` (days, > 0).
    min_bins : int
        Windows with fewer points score 0.
    method : {"fast", "slow"}
        ``"fast"``: compiled kernel with sliding window pointers. ``"slow"``: NumPy reference.

    Returns
    -------
    ndarray, shape (M,)
        ``Δχ² >= 0`` at ``t0 = time[j]`` (0 for a dimming fit or a degenerate window).
    """
    if method not in ("fast", "slow"):
        raise ValueError(f"method must be 'fast' or 'slow', got {method!r}")
    if not half_width > 0:
        raise ValueError(f"half_width must be > 0, got {half_width!r}")
    t, f, w = (np.ascontiguousarray(a, dtype=np.float64) for a in (time, flux, weight))
    out = np.zeros(t.size)
    if method == "fast":
        _kernel.matched_filter(t, f, w, float(teff), float(u0), float(half_width), int(min_bins), out)
        return out
    for j, t0 in enumerate(t):
        sel = np.abs(t - t0) < half_width
        if np.count_nonzero(sel) < min_bins:
            continue
        tau = (t[sel] - t0) / teff
        u2 = u0 * u0 * (1.0 + tau * tau)
        q = np.sqrt(u2 * (u2 + 4.0))
        a = 4.0 / (q * (u2 + 2.0 + q))
        ws, fs = w[sel], f[sel]
        sw = ws.sum()
        var = np.sum(ws * a * a) - np.sum(ws * a) ** 2 / sw
        cov = np.sum(ws * a * fs) - np.sum(ws * a) * np.sum(ws * fs) / sw
        if var > 1e-12 * np.sum(ws * a * a) and cov > 0:
            out[j] = cov * cov / var
    return out
