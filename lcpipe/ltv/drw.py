"""Damped random walk (DRW, Ornstein–Uhlenbeck) parameters by maximum likelihood.

The likelihood is that of celerite2's ``RealTerm`` Gaussian process, computed by the compiled Kalman
filter of :mod:`lcpipe.kernels.ltv_drw` (parity with celerite2 tested), which costs microseconds per
evaluation where the Gaussian-process object costs a few hundred.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from lcpipe.kernels.ltv_drw import drw_log_likelihood_function


@dataclass(frozen=True)
class DampedRandomWalk:
    """Maximum-likelihood DRW of a series: covariance ``sigma^2 exp(-|dt| / tau)``.

    Attributes
    ----------
    sigma : float
        Long-term rms variability (mag); NaN when not fitted.
    tau : float
        Damping time (days).
    delta_log_likelihood : float
        Log likelihood of the DRW minus that of white noise at the given errors (the DRW's evidence).
    """

    sigma: float
    tau: float
    delta_log_likelihood: float


def fit_damped_random_walk(
    time: np.ndarray,
    value: np.ndarray,
    error: np.ndarray,
    tau_range: tuple[float, float],
    max_evaluations: int = 200,
) -> DampedRandomWalk:
    """Fit the DRW amplitude and damping time to a (binned) series by maximum likelihood.

    Parameters
    ----------
    time, value, error : ndarray, shape (N,)
        Times (days, ascending), values and errors (mag); the weighted mean is removed first.
    tau_range : (float, float)
        Bounds on the damping time (days).
    max_evaluations : int
        Most likelihood evaluations of the Nelder–Mead search in (log sigma, log tau); it stops at 0.01
        in both (1 %) and 0.01 in log likelihood.

    Returns
    -------
    DampedRandomWalk
        NaN fields with fewer than 10 points.
    """
    nan = float("nan")
    if time.size < 10:
        return DampedRandomWalk(nan, nan, nan)
    w = 1.0 / error**2
    y = value - np.sum(w * value) / np.sum(w)
    white = float(-0.5 * np.sum(y**2 * w + np.log(2.0 * np.pi * error**2)))
    bounds = [(np.log(1e-4), np.log(5.0)), (np.log(tau_range[0]), np.log(tau_range[1]))]

    log_likelihood = drw_log_likelihood_function(time, y, error)

    def cost(p: np.ndarray) -> float:
        return -log_likelihood(p[0], p[1])

    start = np.array([np.log(max(float(np.std(y)), 1e-4)), 0.5 * sum(bounds[1])])
    best = minimize(
        cost, start, method="Nelder-Mead", bounds=bounds,
        options={"xatol": 0.01, "fatol": 0.01, "maxfev": max_evaluations},
    )  # fmt: skip
    return DampedRandomWalk(float(np.exp(best.x[0])), float(np.exp(best.x[1])), float(-best.fun - white))
