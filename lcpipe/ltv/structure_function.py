"""Structure function of a binned light curve and its logarithmic slope (red noise: slope > 0)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lcpipe.kernels.ltv_structure_function import structure_function_sums


@dataclass(frozen=True)
class StructureFunction:
    """Noise-corrected structure function ``SF(tau) = sqrt(<dm^2> - <var_i + var_j>)`` and its slope.

    Attributes
    ----------
    slope : float
        ``d log SF / d log tau`` fitted over the bins with an excess (0 for white noise, 0.5 for a random
        walk); NaN with fewer than 3 such bins.
    amplitude_1yr : float
        SF at a lag of one year from that fit (mag); NaN like ``slope``.
    """

    slope: float
    amplitude_1yr: float


def structure_function(
    time: np.ndarray, value: np.ndarray, error: np.ndarray, log_lag_edges: np.ndarray, min_pairs: int
) -> StructureFunction:
    """Structure-function slope of a time-sorted series.

    Parameters
    ----------
    time, value, error : ndarray, shape (N,)
        Times (days, ascending), values and errors (mag).
    log_lag_edges : ndarray, shape (B + 1,)
        Evenly spaced lag-bin edges in log10(lag / day).
    min_pairs : int
        Bins with fewer pairs are left out of the fit.

    Returns
    -------
    StructureFunction
    """
    sums = structure_function_sums(time, value, error**2, log_lag_edges)
    count = sums[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        excess = (sums[:, 1] - sums[:, 2]) / count
    centres = 0.5 * (log_lag_edges[1:] + log_lag_edges[:-1])
    use = (count >= min_pairs) & (excess > 0)
    nan = float("nan")
    if use.sum() < 3:
        return StructureFunction(nan, nan)
    slope, intercept = np.polyfit(centres[use], 0.5 * np.log10(excess[use]), 1)
    return StructureFunction(float(slope), float(10.0 ** (intercept + slope * np.log10(365.25))))
