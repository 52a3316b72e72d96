"""Irregular autoregressive (IAR) coefficient of an unevenly sampled series (Eyheramendy et al. 2018,
MNRAS 481, 4311)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

from lcpipe.kernels.ltv_iar import iar_negative_log_likelihood


def iar_coefficient(time: np.ndarray, value: np.ndarray, error: np.ndarray) -> float:
    """Maximum-likelihood IAR coefficient phi in (0, 1) of a series (per day); NaN for < 3 points.

    Parameters
    ----------
    time, value, error : ndarray, shape (N,)
        Times (days, ascending), values and errors (mag); standardised here by the series' mean and
        standard deviation.

    Returns
    -------
    float
        phi; near 1 for a strongly correlated (red) series, near 0 for white noise.
    """
    if time.size < 3 or not np.std(value) > 0:
        return float("nan")
    scale = np.std(value)
    t = np.ascontiguousarray(time, dtype=np.float64)
    y = np.ascontiguousarray((value - np.mean(value)) / scale, dtype=np.float64)
    e = np.ascontiguousarray(error / scale, dtype=np.float64)
    best = minimize_scalar(
        iar_negative_log_likelihood, bounds=(1e-6, 1.0 - 1e-6), args=(t, y, e), method="bounded",
        options={"xatol": 1e-4},
    )  # fmt: skip
    return float(best.x)
