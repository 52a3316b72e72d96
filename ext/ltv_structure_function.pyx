# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Pair sums of the structure function over logarithmic lag bins (all pairs of a time-sorted series).

Arrays float64 C-contiguous (the Python wrapper, ``lcpipe.kernels.ltv_structure_function``, checks them).
"""

from libc.math cimport floor, log10


def structure_function_sums(const double[::1] t, const double[::1] y, const double[::1] var,
                            double log_lag_min, double log_lag_step, double[:, ::1] out):
    """Add every pair ``i < j`` of the series to its lag bin.

    Parameters
    ----------
    t, y, var : float64[::1], shape (N,)
        Time-sorted times (days), values (mag) and their variances (mag^2).
    log_lag_min, log_lag_step : float
        Lower edge of the first bin and bin width in log10(lag / day).
    out : float64[:, ::1], shape (B, 3)
        Per bin: pair count, sum of ``(y_j - y_i)^2``, sum of ``var_i + var_j``; added to (zero it first).
        Pairs with a lag outside the bins are not counted.
    """
    cdef Py_ssize_t n = t.shape[0], n_bins = out.shape[0], i, j, b
    cdef double lag, d, position
    with nogil:
        for i in range(n):
            for j in range(i + 1, n):
                lag = t[j] - t[i]
                if lag <= 0.0:
                    continue
                position = (log10(lag) - log_lag_min) / log_lag_step
                if position < 0.0:
                    continue
                b = <Py_ssize_t>floor(position)
                if b >= n_bins:
                    break
                d = y[j] - y[i]
                out[b, 0] += 1.0
                out[b, 1] += d * d
                out[b, 2] += var[i] + var[j]
