# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Negative log likelihood of the irregular autoregressive (IAR) process (Eyheramendy et al. 2018).

Arrays float64 C-contiguous (the Python wrapper, ``lcpipe.kernels.ltv_iar``, checks them).
"""

from libc.math cimport M_PI, log, pow


def iar_negative_log_likelihood(double phi, const double[::1] t, const double[::1] y,
                                const double[::1] var):
    """``0.5 sum_j [log(2 pi v_j) + (y_j - phi^dt_j y_(j-1))^2 / v_j]``, ``v_j = 1 - phi^(2 dt_j) + var_j``.

    Parameters
    ----------
    phi : float
        Coefficient in (0, 1).
    t, y, var : float64[::1], shape (N,)
        Times (days, ascending), standardised values and their variances (same units).

    Returns
    -------
    float
    """
    cdef Py_ssize_t n = t.shape[0], j
    cdef double decay, v, r, total = 0.0
    with nogil:
        for j in range(1, n):
            decay = pow(phi, t[j] - t[j - 1])
            v = 1.0 - decay * decay + var[j]
            r = y[j] - decay * y[j - 1]
            total += 0.5 * (log(2.0 * M_PI * v) + r * r / v)
    return total
