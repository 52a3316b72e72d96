"""Support diagnostics of scan windows (is a delta chi-square carried by many points?): compiled loops
and the NumPy reference."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from lcpipe._ext import window_quality as _kernel
from lcpipe.kernels.anomaly_scan import DEGENERATE_VAR, template_values

#: Columns of :func:`window_quality` that say how many points carry a window's delta chi-square.
SUPPORT_COLUMNS = ("n_window", "n_contrib", "n_eff", "peak_frac", "rho1", "longest_run")

#: Columns of :func:`window_quality`, in the compiled kernel's order.
QUALITY_COLUMNS = ("dchi2_window", "amplitude", "offset", "flat_level", *SUPPORT_COLUMNS, "chi2_flat")
_INTEGER_COLUMNS = ("n_window", "n_contrib", "longest_run")


def window_quality(
    time: np.ndarray,
    residuals: np.ndarray,
    weights: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    t0: np.ndarray,
    teff: np.ndarray,
    template: np.ndarray,
    contrib_threshold: float = 9.0,
    method: Literal["fast", "slow"] = "fast",
) -> pd.DataFrame:
    """Template fit and per-point support of given windows.

    With the fit ``r ≈ a A + b`` of the window's template and the flat level ``mu``, the per-point
    improvement is ``v_i = w_i [(r_i - mu)^2 - (r_i - a A_i - b)^2]`` (chi-square units, weighted:
    the reference tool's unweighted flux differences make the counts meaningless on real flux
    scales) and ``u_i = max(0, v_i)``.

    Parameters
    ----------
    time, residuals, weights : ndarray, shape (N,)
        Time-sorted times (days), flux residuals, weights ``1 / sigma**2``.
    lo, hi : ndarray, shape (C,), int
        Window index ranges ``[lo, hi)``.
    t0, teff : ndarray, shape (C,)
        Window centre and timescale (days).
    template : ndarray, shape (C,), int
        0 for A0, 1 for A1.
    contrib_threshold : float
        ``u_i`` above this (chi-square units) counts as contributing.
    method : {"fast", "slow"}
        Compiled loops or the NumPy reference.

    Returns
    -------
    DataFrame, C rows
        ``dchi2_window`` (sum of v_i, equals the scan's delta chi-square), ``amplitude`` a,
        ``offset`` b, ``flat_level`` mu (flux units), ``n_window``, ``n_contrib`` (u_i > threshold),
        ``n_eff = (sum u)^2 / sum u^2``, ``peak_frac = max u / sum u``, ``rho1`` (lag-1
        autocorrelation of v_i in time order), ``longest_run`` (longest run of consecutive
        contributing points), ``chi2_flat``. n_eff and peak_frac are NaN when no point improves,
        rho1 when the window has < 2 points or constant v.
    """
    t, r, w = (np.ascontiguousarray(a, dtype=np.float64) for a in (time, residuals, weights))
    args = (
        np.ascontiguousarray(lo, dtype=np.int64),
        np.ascontiguousarray(hi, dtype=np.int64),
        np.ascontiguousarray(t0, dtype=np.float64),
        np.ascontiguousarray(teff, dtype=np.float64),
        np.ascontiguousarray(template, dtype=np.int8),
    )
    if np.any(args[0] < 0) or np.any(args[1] > t.size) or np.any(args[1] < args[0]):
        raise ValueError("window ranges must satisfy 0 <= lo <= hi <= N")
    if method == "slow":
        out = _window_quality_slow(t, r, w, *args, float(contrib_threshold))
    elif method == "fast":
        out = np.empty((args[0].size, len(QUALITY_COLUMNS)))
        _kernel.window_quality(t, r, w, *args, float(contrib_threshold), out)
    else:
        raise ValueError(f"method must be 'fast' or 'slow', got {method!r}")
    # Built column by column (integer columns cast with NumPy): DataFrame.astype costs more than the kernel.
    return pd.DataFrame(
        {
            name: out[:, i].astype(np.int64) if name in _INTEGER_COLUMNS else out[:, i].copy()
            for i, name in enumerate(QUALITY_COLUMNS)
        }
    )


def _window_quality_slow(t, r, w, lo, hi, t0, teff, template, threshold) -> np.ndarray:
    """Reference: least squares with NumPy per window, then the statistics written out."""
    out = np.full((lo.size, len(QUALITY_COLUMNS)), np.nan)
    for c in range(lo.size):
        tw, rw, ww = t[lo[c] : hi[c]], r[lo[c] : hi[c]], w[lo[c] : hi[c]]
        amp = template_values(int(template[c]), (tw - t0[c]) / teff[c])
        mu = np.sum(ww * rw) / np.sum(ww) if tw.size else 0.0
        a, b = 0.0, mu
        amp_mean = np.sum(ww * amp) / np.sum(ww) if tw.size else 0.0
        if tw.size and np.sum(ww * (amp - amp_mean) ** 2) > DEGENERATE_VAR * np.sum(ww):
            design = np.column_stack([amp, np.ones_like(amp)]) * np.sqrt(ww)[:, None]
            a, b = np.linalg.lstsq(design, rw * np.sqrt(ww), rcond=None)[0]
        v = ww * ((rw - mu) ** 2 - (rw - a * amp - b) ** 2)
        u = np.maximum(v, 0.0)
        contrib = u > threshold
        runs = np.diff(np.flatnonzero(np.diff(np.concatenate([[0], contrib.astype(int), [0]]))))[::2]
        dv = v - v.mean() if v.size else v
        den = np.sum(dv**2)
        out[c] = [
            max(v.sum(), 0.0),
            a,
            b,
            mu,
            tw.size,
            contrib.sum(),
            u.sum() ** 2 / np.sum(u**2) if np.sum(u**2) > 0 else np.nan,
            u.max() / u.sum() if u.size and u.sum() > 0 else np.nan,
            np.sum(dv[:-1] * dv[1:]) / den if tw.size > 1 and den > 0 else np.nan,
            runs.max() if runs.size else 0,
            np.sum(ww * (rw - mu) ** 2),
        ]
    return out
