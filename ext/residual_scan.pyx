# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Template-free scan: chi-square of the residuals about their window mean on the anomaly grid.

Grid as in ``anomaly_scan.pyx``: season ``s`` spans time-sorted indices ``[bounds[s], bounds[s+1])``;
level ``(s, k)`` has ``n_t0[s, k]`` centres ``t0_j = first_s + j * step_k`` and windows
``|t - t0| < half_k``. Along a level the window ends only move forward, so they are found by two
pointers (O(N + n_t0) per level), and the window sums come from prefix sums of ``w``, ``w r`` and
``w r**2`` of residuals centred on their season's weighted mean (which keeps ``S2 - S1**2 / S0`` free
of cancellation for residuals of any offset). Arrays float64/int64 C-contiguous; times sorted.
"""

from cython.parallel cimport prange
from libc.stdint cimport int64_t


def prefix_sums(const double[::1] rc, const double[::1] w, double[::1] p0, double[::1] p1,
                double[::1] p2):
    """Running sums of ``w``, ``w rc`` and ``w rc**2``; element k sums points 0..k-1 (shape N + 1)."""
    cdef Py_ssize_t i, n = rc.shape[0]
    p0[0] = 0.0
    p1[0] = 0.0
    p2[0] = 0.0
    with nogil:
        for i in range(n):
            p0[i + 1] = p0[i] + w[i]
            p1[i + 1] = p1[i] + w[i] * rc[i]
            p2[i + 1] = p2[i] + w[i] * rc[i] * rc[i]


def scan_levels(const double[::1] t, const double[::1] p0, const double[::1] p1,
                const double[::1] p2, const int64_t[::1] bounds, const double[::1] first,
                const double[::1] step, const double[::1] half, const int64_t[::1] n_t0,
                const int64_t[::1] offsets, Py_ssize_t min_points, Py_ssize_t min_each_side,
                double[::1] excess, int64_t[::1] lo_out, int64_t[::1] hi_out, int num_threads):
    """Fill the window chi-square excess of every grid point.

    Parameters
    ----------
    t : float64, shape (N,)
        Sorted times.
    p0, p1, p2 : float64, shape (N + 1,)
        From :func:`prefix_sums` of the season-centred residuals.
    bounds : int64, shape (S + 1,)
        Season bounds.
    first : float64, shape (S,)
        First time of each season.
    step, half : float64, shape (K,)
        t0 step and window half-width of each level.
    n_t0 : int64, shape (S * K,)
        Centres per level, level ``s * K + k``.
    offsets : int64, shape (S * K + 1,)
        Start of each level in the dense output.
    min_points, min_each_side : int
        Windows with fewer points, or fewer than ``min_each_side`` strictly before or after t0,
        score 0.
    excess : float64, shape (G,)
        Output: ``max(0, chi2 - (n - 1))`` with ``chi2 = sum w (r - mean)**2`` over the window.
    lo_out, hi_out : int64, shape (G,)
        Output: window index ranges.
    num_threads : int
        OpenMP threads over levels (0: default).
    """
    cdef Py_ssize_t n_levels = n_t0.shape[0]
    cdef Py_ssize_t n_k = step.shape[0]
    cdef Py_ssize_t lev
    if num_threads <= 0:
        for lev in prange(n_levels, nogil=True, schedule="dynamic"):
            _scan_level(t, p0, p1, p2, bounds, first, step, half, n_t0, offsets, min_points,
                        min_each_side, excess, lo_out, hi_out, lev, n_k)
    else:
        for lev in prange(n_levels, nogil=True, schedule="dynamic", num_threads=num_threads):
            _scan_level(t, p0, p1, p2, bounds, first, step, half, n_t0, offsets, min_points,
                        min_each_side, excess, lo_out, hi_out, lev, n_k)


cdef void _scan_level(const double[::1] t, const double[::1] p0, const double[::1] p1,
                      const double[::1] p2, const int64_t[::1] bounds, const double[::1] first,
                      const double[::1] step, const double[::1] half, const int64_t[::1] n_t0,
                      const int64_t[::1] offsets, Py_ssize_t min_points, Py_ssize_t min_each_side,
                      double[::1] excess, int64_t[::1] lo_out, int64_t[::1] hi_out, Py_ssize_t lev,
                      Py_ssize_t n_k) noexcept nogil:
    cdef Py_ssize_t s = lev // n_k
    cdef Py_ssize_t k = lev % n_k
    cdef Py_ssize_t a = bounds[s]
    cdef Py_ssize_t b = bounds[s + 1]
    cdef Py_ssize_t lo = a, hi = a, below = a, upto = a, j, g, n
    cdef double t0, s0, s1, s2, chi2
    for j in range(n_t0[lev]):
        g = offsets[lev] + j
        t0 = first[s] + j * step[k]
        while lo < b and t[lo] <= t0 - half[k]:
            lo += 1
        if hi < lo:
            hi = lo
        while hi < b and t[hi] < t0 + half[k]:
            hi += 1
        while below < b and t[below] < t0:
            below += 1
        if upto < below:
            upto = below
        while upto < b and t[upto] <= t0:
            upto += 1
        lo_out[g] = lo
        hi_out[g] = hi
        excess[g] = 0.0
        n = hi - lo
        if n < min_points:
            continue
        if min_each_side > 0 and (below - lo < min_each_side or hi - upto < min_each_side):
            continue
        s0 = p0[hi] - p0[lo]
        s1 = p1[hi] - p1[lo]
        s2 = p2[hi] - p2[lo]
        chi2 = s2 - s1 * s1 / s0
        if chi2 - (n - 1) > 0:
            excess[g] = chi2 - (n - 1)
