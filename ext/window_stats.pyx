# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Window statistics over time-sorted data from weighted prefix sums.

Every window is a contiguous index range ``[lo, hi)`` of time-sorted points found by binary
search, so a statistic costs O(log N) per window whatever its width. Arrays are float64,
C-contiguous; times must be sorted ascending (the Python wrapper checks it).
"""

from cython.parallel cimport prange


cdef inline Py_ssize_t lower_bound(const double[::1] t, double x) noexcept nogil:
    """First index i with t[i] >= x (t sorted ascending)."""
    cdef Py_ssize_t lo = 0, hi = t.shape[0], mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if t[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def prefix_sums(const double[::1] r, const double[::1] w, double[::1] sw, double[::1] swr,
                double[::1] swrr):
    """Fill running sums of w, w*r and w*r**2.

    Parameters
    ----------
    r, w : float64[::1], shape (N,)
        Values and weights.
    sw, swr, swrr : float64[::1], shape (N + 1,)
        Output; element k holds the sum over points 0..k-1 (element 0 is 0).
    """
    cdef Py_ssize_t i, n = r.shape[0]
    sw[0] = 0.0
    swr[0] = 0.0
    swrr[0] = 0.0
    with nogil:
        for i in range(n):
            sw[i + 1] = sw[i] + w[i]
            swr[i + 1] = swr[i] + w[i] * r[i]
            swrr[i + 1] = swrr[i] + w[i] * r[i] * r[i]


def flat_window_stats(const double[::1] t, const double[::1] sw, const double[::1] swr,
                      const double[::1] swrr, const double[::1] centers, double half_width,
                      long[::1] lo_out, long[::1] hi_out, double[::1] mean_out,
                      double[::1] chi2_out):
    """Weighted mean and chi-square of a constant model in windows |t - c| < half_width.

    Parameters
    ----------
    t : float64[::1], shape (N,)
        Sorted times (days).
    sw, swr, swrr : float64[::1], shape (N + 1,)
        Prefix sums from :func:`prefix_sums`.
    centers : float64[::1], shape (M,)
        Window centres (days).
    half_width : float
        Half-width of every window (days); the window is open at both ends.
    lo_out, hi_out : int64[::1], shape (M,)
        Output index range ``[lo, hi)`` of each window.
    mean_out, chi2_out : float64[::1], shape (M,)
        Output weighted mean and chi-square about it (0 and 0 for an empty window or zero weight).
    """
    cdef Py_ssize_t j, lo, hi, m = centers.shape[0]
    cdef double s0, s1, s2, mu, c
    for j in prange(m, nogil=True, schedule="static"):
        c = centers[j]
        lo = lower_bound(t, c - half_width)
        while lo < t.shape[0] and t[lo] <= c - half_width:
            lo = lo + 1
        hi = lower_bound(t, c + half_width)
        lo_out[j] = lo
        hi_out[j] = hi
        s0 = sw[hi] - sw[lo]
        s1 = swr[hi] - swr[lo]
        s2 = swrr[hi] - swrr[lo]
        if hi > lo and s0 > 0.0:
            mu = s1 / s0
            mean_out[j] = mu
            chi2_out[j] = max(s2 - s1 * mu, 0.0)
        else:
            mean_out[j] = 0.0
            chi2_out[j] = 0.0
