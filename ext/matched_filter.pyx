# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Matched filter of the PSPL start search: chi-square gain of a PSPL excess over a constant.

Arrays are C-contiguous float64 with sorted times; the Python side (``lcpipe.kernels.matched_filter``)
checks them and holds the NumPy reference.
"""

from libc.math cimport sqrt


def matched_filter(const double[::1] time, const double[::1] flux, const double[::1] weight,
                   double teff, double u0, double half_width, Py_ssize_t min_bins, double[::1] out):
    """Fill ``out`` (M,) with ``Δχ²`` of ``a = A(u) - 1`` centred on every ``time[j]`` (sliding window
    ``|t - t0| < half_width`` kept by two pointers)."""
    cdef Py_ssize_t m = time.shape[0], lo = 0, hi = 0, j, k
    cdef double inv_teff = 1.0 / teff, u0sq = u0 * u0
    cdef double t0, sw, sa, saa, sf, saf, tau, u2, q, a, w, var, cov
    with nogil:
        for j in range(m):
            t0 = time[j]
            while time[lo] <= t0 - half_width:
                lo += 1
            while hi < m and time[hi] < t0 + half_width:
                hi += 1
            out[j] = 0.0
            if hi - lo < min_bins:
                continue
            sw = 0.0
            sa = 0.0
            saa = 0.0
            sf = 0.0
            saf = 0.0
            for k in range(lo, hi):
                tau = (time[k] - t0) * inv_teff
                u2 = u0sq * (1.0 + tau * tau)
                q = sqrt(u2 * (u2 + 4.0))
                a = 4.0 / (q * (u2 + 2.0 + q))
                w = weight[k]
                sw += w
                sa += w * a
                saa += w * a * a
                sf += w * flux[k]
                saf += w * a * flux[k]
            var = saa - sa * sa / sw
            cov = saf - sa * sf / sw
            if var > 1e-12 * saa and cov > 0:
                out[j] = cov * cov / var
