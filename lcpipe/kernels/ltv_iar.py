"""IAR negative log likelihood: the compiled loop and the NumPy reference."""

from __future__ import annotations

from typing import Literal

import numpy as np

from lcpipe._ext import ltv_iar as _kernel


def iar_negative_log_likelihood(
    phi: float,
    time: np.ndarray,
    value: np.ndarray,
    error: np.ndarray,
    method: Literal["fast", "slow"] = "fast",
) -> float:
    """Negative log likelihood of the IAR(phi) process for standardised values (unit variance).

    ``y_j = phi^(dt_j) y_(j-1) + e_j`` with ``var(e_j) = 1 - phi^(2 dt_j) + err_j^2`` (the measurement
    errors, in units of the series' standard deviation, add to the innovation); the first point
    conditions the rest.

    Parameters
    ----------
    phi : float
        Coefficient in (0, 1).
    time : ndarray, shape (N,)
        Times (days, ascending).
    value, error : ndarray, shape (N,)
        Standardised values and errors; C-contiguous float64 for the compiled loop.
    method : {"fast", "slow"}
        Compiled loop or the NumPy reference.

    Returns
    -------
    float
    """
    if method == "slow":
        decay = phi ** np.diff(time)
        variance = 1.0 - decay**2 + error[1:] ** 2
        innovation = value[1:] - decay * value[:-1]
        return float(0.5 * np.sum(np.log(2.0 * np.pi * variance) + innovation**2 / variance))
    if method != "fast":
        raise ValueError(f"method must be 'fast' or 'slow', got {method!r}")
    return float(_kernel.iar_negative_log_likelihood(float(phi), time, value, error * error))
