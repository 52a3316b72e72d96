# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Log likelihood of a damped random walk observed with white measurement noise, by the Kalman filter.

Arrays float64 C-contiguous (the Python wrapper, ``lcpipe.kernels.ltv_drw``, checks them).
"""

from libc.math cimport M_PI, exp, log


def drw_log_likelihood(const double[::1] t, const double[::1] y, const double[::1] var,
                       double sigma2, double tau):
    """Exact Gaussian log likelihood of ``y`` under covariance ``sigma2 exp(-|dt| / tau) + diag(var)``.

    Parameters
    ----------
    t, y, var : float64[::1], shape (N,)
        Times (days, ascending), values with mean zero (mag) and measurement variances (mag^2).
    sigma2 : float
        DRW variance (mag^2, > 0).
    tau : float
        Damping time (days, > 0).

    Returns
    -------
    float
    """
    cdef Py_ssize_t n = t.shape[0], i
    cdef double mean = 0.0, p = sigma2, phi, s, v, gain, total = 0.0
    with nogil:
        for i in range(n):
            if i > 0:
                phi = exp(-(t[i] - t[i - 1]) / tau)
                mean = phi * mean
                p = phi * phi * p + sigma2 * (1.0 - phi * phi)
            s = p + var[i]
            v = y[i] - mean
            total += -0.5 * (log(2.0 * M_PI * s) + v * v / s)
            gain = p / s
            mean = mean + gain * v
            p = p * (1.0 - gain)
    return total
