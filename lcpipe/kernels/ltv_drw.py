"""Damped-random-walk log likelihood: the compiled Kalman filter and the celerite2 reference."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from celerite2 import GaussianProcess, terms

from lcpipe._ext import ltv_drw as _kernel


def drw_log_likelihood(
    time: np.ndarray,
    value: np.ndarray,
    error: np.ndarray,
    sigma: float,
    tau: float,
    method: Literal["fast", "slow"] = "fast",
) -> float:
    """Gaussian log likelihood of a DRW (``sigma^2 exp(-|dt| / tau)``) plus white measurement noise.

    The DRW is a Markov process, so the compiled path is the exact Kalman filter in O(N); the reference
    is celerite2's ``RealTerm(a=sigma^2, c=1/tau)`` Gaussian process (the same covariance).

    Parameters
    ----------
    time : ndarray, shape (N,)
        Times sorted ascending (days).
    value : ndarray, shape (N,)
        Values with the mean removed (mag).
    error : ndarray, shape (N,)
        1-sigma measurement errors (mag).
    sigma : float
        DRW rms (mag, > 0).
    tau : float
        Damping time (days, > 0).
    method : {"fast", "slow"}
        Compiled Kalman filter or celerite2.

    Returns
    -------
    float
    """
    t, y, e = (np.ascontiguousarray(a, dtype=np.float64) for a in (time, value, error))
    if not (t.shape == y.shape == e.shape) or t.ndim != 1:
        raise ValueError("time, value and error must be 1-d arrays of the same length")
    if not (sigma > 0 and tau > 0):
        raise ValueError(f"sigma and tau must be > 0, got {sigma}, {tau}")
    if method == "slow":
        gp = GaussianProcess(terms.RealTerm(a=sigma**2, c=1.0 / tau))
        gp.compute(t, yerr=e)
        return float(gp.log_likelihood(y))
    if method != "fast":
        raise ValueError(f"method must be 'fast' or 'slow', got {method!r}")
    if t.size > 1 and np.any(np.diff(t) < 0):
        raise ValueError("time must be sorted ascending")
    return float(_kernel.drw_log_likelihood(t, y, e * e, float(sigma**2), float(tau)))


def drw_log_likelihood_function(time: np.ndarray, value: np.ndarray, error: np.ndarray):
    """``f(log_sigma, log_tau)``: :func:`drw_log_likelihood` of one series, its arrays checked once.

    Parameters
    ----------
    time, value, error : ndarray, shape (N,)
        As for :func:`drw_log_likelihood`.

    Returns
    -------
    callable
        ``(log_sigma, log_tau) -> float`` (natural logarithms of mag and days), the compiled path.
    """
    t, y, e = (np.ascontiguousarray(a, dtype=np.float64) for a in (time, value, error))
    if not (t.shape == y.shape == e.shape) or t.ndim != 1:
        raise ValueError("time, value and error must be 1-d arrays of the same length")
    if t.size > 1 and np.any(np.diff(t) < 0):
        raise ValueError("time must be sorted ascending")
    var = e * e
    kernel = _kernel.drw_log_likelihood

    def log_likelihood(log_sigma: float, log_tau: float) -> float:
        return kernel(t, y, var, math.exp(2.0 * log_sigma), math.exp(log_tau))

    return log_likelihood
