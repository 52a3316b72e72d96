# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Anomaly grid scan of microlensing residuals on a (season, teff, t0) grid.

Grid: season ``s`` spans time-sorted indices ``[bounds[s], bounds[s+1])``; level ``(s, k)`` has
``n_t0[s, k]`` centres ``t0_j = first_s + j * step_k``. A centre is *active* when its window
``|t - t0| < half_k`` holds at least ``min_points`` points; every other centre scores 0 and is never
visited: the enumeration jumps straight to the next centre whose window can reach a new point, so an
empty stretch costs O(1) per level. Residuals ``rc`` are centred on their season's weighted mean and
the window's flat-model sums come from compensated prefix sums. The template sums of a small window
are accumulated directly over its points in one vectorised pass for both templates; a window of at
least ``cell_min_points`` points (on a level where such windows hold at least four times the
season's points) takes them from per-cell polynomial moments instead (``score_active_cells``, the
cells and tables of lcpipe/kernels/scan_cells.py): its inner cells cost O(degree) each, only the
points of its two edge cells are visited.

All arrays are float64/int64 C-contiguous; times sorted ascending (the Python wrapper checks). The
clustering of the scored points is ``ext/clusters.pyx``, their diagnostics ``ext/window_quality.pyx``.
"""

from cython.parallel cimport parallel, prange
import numpy as np

from libc.math cimport floor
from libc.stdint cimport int64_t
from libc.stdlib cimport free, malloc

cdef extern from "anomaly_scan_sums.h":
    void lcpipe_window_template_sums(const double *t, const double *r, const double *w,
                                     Py_ssize_t lo, Py_ssize_t hi, double t0, double inv_teff,
                                     double mu, double c0, double c1, int vector,
                                     double *out) noexcept nogil
    int lcpipe_has_vector_path() noexcept nogil

cdef extern from "templates.h":
    double lcpipe_template_a0(double tau) noexcept nogil
    double lcpipe_template_a1(double tau) noexcept nogil
    const double LCPIPE_DEGENERATE_VAR


def has_vector_path():
    """Whether this build and CPU run the AVX2 + FMA window sums (else only the scalar loop exists)."""
    return bool(lcpipe_has_vector_path())


def centred_prefix_sums(const double[::1] r, const double[::1] w, const int64_t[::1] bounds,
                        double[::1] rc, double[::1] p0, double[::1] p1):
    """Centre residuals on their season's weighted mean and fill compensated prefix sums.

    Parameters
    ----------
    r, w : float64[::1], shape (N,)
        Residuals and weights, time-sorted.
    bounds : int64[::1], shape (S + 1,)
        Season start indices followed by N.
    rc : float64[::1], shape (N,)
        Output: ``r`` minus the weighted mean of its season.
    p0, p1 : float64[::1], shape (N + 1,)
        Output: running sums of ``w`` and ``w * rc`` (Kahan-compensated); element i sums points < i.
    """
    cdef Py_ssize_t s, i, n_seasons = bounds.shape[0] - 1
    cdef double sw, swr, mean, c0, c1, y, tmp, acc0, acc1
    with nogil:
        for s in range(n_seasons):
            sw = 0.0
            swr = 0.0
            for i in range(bounds[s], bounds[s + 1]):
                sw = sw + w[i]
                swr = swr + w[i] * r[i]
            mean = swr / sw if sw > 0.0 else 0.0
            for i in range(bounds[s], bounds[s + 1]):
                rc[i] = r[i] - mean
        p0[0] = 0.0
        p1[0] = 0.0
        acc0 = 0.0
        acc1 = 0.0
        c0 = 0.0
        c1 = 0.0
        for i in range(r.shape[0]):
            y = w[i] - c0
            tmp = acc0 + y
            c0 = (tmp - acc0) - y
            acc0 = tmp
            y = w[i] * rc[i] - c1
            tmp = acc1 + y
            c1 = (tmp - acc1) - y
            acc1 = tmp
            p0[i + 1] = acc0
            p1[i + 1] = acc1


cdef Py_ssize_t walk_level(const double[::1] t, Py_ssize_t start, Py_ssize_t stop, double first,
                           double step, double h, Py_ssize_t n_t0, Py_ssize_t min_points,
                           Py_ssize_t offset, int64_t[::1] j_out, int64_t[::1] lo_out, int64_t[::1] hi_out,
                           double[::1] t0_out, int64_t[::1] side_out, bint fill) noexcept nogil:
    """Visit the active centres of one level in t0 order, jumping over windows that cannot be active.

    Returns the number of active centres; when ``fill`` writes them from ``offset`` on, with the
    smaller of their point counts strictly before and strictly after t0 (two more pointers that only
    move forward: points before ``lo`` lie before t0, points from ``hi`` on after it).
    """
    cdef Py_ssize_t j = 0, j_next, lo = start, hi = start, count = 0, below = start, above = start
    cdef double t0, x
    while j < n_t0:
        t0 = first + j * step
        while lo < stop and t[lo] - t0 <= -h:
            lo += 1
        if hi < lo:
            hi = lo
        while hi < stop and t[hi] - t0 < h:
            hi += 1
        if hi - lo >= min_points:
            if fill:
                while below < stop and t[below] - t0 < 0.0:
                    below += 1
                if above < below:
                    above = below
                while above < stop and t[above] - t0 <= 0.0:
                    above += 1
                j_out[offset + count] = j
                lo_out[offset + count] = lo
                hi_out[offset + count] = hi
                t0_out[offset + count] = t0
                side_out[offset + count] = min(below - lo, hi - above)
            count += 1
            j += 1
            continue
        if hi >= stop:
            break  # windows further on only lose points
        # Next centre whose window reaches t[hi]: smallest j' with t[hi] - t0_j' < h.
        x = floor((t[hi] - h - first) / step)
        if x > n_t0:
            x = n_t0
        j_next = <Py_ssize_t>x
        if j_next <= j:
            j_next = j + 1
        while j_next > j + 1 and t[hi] - (first + (j_next - 1) * step) < h:
            j_next -= 1
        while j_next < n_t0 and not (t[hi] - (first + j_next * step) < h):
            j_next += 1
        j = j_next
    return count


def count_active(const double[::1] t, const int64_t[::1] bounds, const double[::1] first,
                 const double[::1] step, const double[::1] half, const int64_t[::1] n_t0,
                 Py_ssize_t min_points, int64_t[::1] counts, int num_threads):
    """Count active centres per level ``l = s * K + k`` into ``counts`` (shape (S * K,))."""
    cdef Py_ssize_t n_levels = counts.shape[0], n_teff = step.shape[0], lev, s, k
    cdef int64_t[::1] dummy_i = np.empty(0, dtype=np.int64)
    cdef double[::1] dummy_d = np.empty(0)
    for lev in prange(n_levels, nogil=True, schedule="dynamic", num_threads=num_threads):
        s = lev // n_teff
        k = lev % n_teff
        counts[lev] = walk_level(t, bounds[s], bounds[s + 1], first[s], step[k], half[k], n_t0[lev],
                                 min_points, 0, dummy_i, dummy_i, dummy_i, dummy_d, dummy_i, False)


def fill_active(const double[::1] t, const int64_t[::1] bounds, const double[::1] first,
                const double[::1] step, const double[::1] half, const int64_t[::1] n_t0,
                Py_ssize_t min_points, const int64_t[::1] offsets, int64_t[::1] j_out, int64_t[::1] lo_out,
                int64_t[::1] hi_out, double[::1] t0_out, int64_t[::1] side_out, int num_threads):
    """Write the active centres of level ``l`` at ``offsets[l]:offsets[l + 1]`` (t0 index, window, t0,
    fewer points on either side of t0)."""
    cdef Py_ssize_t n_levels = offsets.shape[0] - 1, n_teff = step.shape[0], lev, s, k
    for lev in prange(n_levels, nogil=True, schedule="dynamic", num_threads=num_threads):
        s = lev // n_teff
        k = lev % n_teff
        walk_level(t, bounds[s], bounds[s + 1], first[s], step[k], half[k], n_t0[lev], min_points,
                   offsets[lev], j_out, lo_out, hi_out, t0_out, side_out, True)


def score_active(const double[::1] t, const double[::1] rc, const double[::1] w,
                 const double[::1] p0, const double[::1] p1, const double[::1] teff_of,
                 const int64_t[::1] lo_arr, const int64_t[::1] hi_arr, const double[::1] t0_arr,
                 const int64_t[::1] side_arr, Py_ssize_t min_each_side, double[::1] dchi2_out,
                 signed char[::1] template_out, int num_threads, bint vector=True):
    """Best-template delta chi-square of every active centre (one OpenMP task per centre).

    Parameters
    ----------
    t, rc, w : float64[::1], shape (N,)
        Times, season-centred residuals, weights.
    p0, p1 : float64[::1], shape (N + 1,)
        Prefix sums from :func:`centred_prefix_sums`.
    teff_of, t0_arr : float64[::1], shape (M,)
        Effective timescale and centre of each active centre (days).
    lo_arr, hi_arr : int64[::1], shape (M,)
        Window index range ``[lo, hi)``.
    side_arr : int64[::1], shape (M,)
        Fewer of the window's points strictly before and strictly after t0 (from :func:`fill_active`).
    min_each_side : int
        Centres with fewer points than this strictly before or strictly after t0 score 0.
    dchi2_out : float64[::1], shape (M,)
        Output ``chi2_flat - chi2_template`` of the better template (>= 0).
    template_out : int8[::1], shape (M,)
        Output 0 (A0) or 1 (A1); A1 on a tie.
    num_threads : int
        OpenMP threads (0: OpenMP default).
    vector : bool
        Use the AVX2 + FMA window sums where the CPU has them (False: the scalar loop always).
    """
    cdef Py_ssize_t m = t0_arr.shape[0], g, lo, hi, mid
    cdef double *sums
    cdef double s, mu, t0, inv_teff, tau_mid, var0, var1, cov0, cov1, d0, d1
    with nogil, parallel(num_threads=num_threads):
        sums = <double *>malloc(7 * sizeof(double))  # private to each thread
        for g in prange(m, schedule="static"):
            lo = lo_arr[g]
            hi = hi_arr[g]
            t0 = t0_arr[g]
            if side_arr[g] < min_each_side:
                dchi2_out[g] = 0.0
                template_out[g] = 1
                continue
            s = p0[hi] - p0[lo]
            mu = (p1[hi] - p1[lo]) / s
            inv_teff = 1.0 / teff_of[g]
            mid = (lo + hi) >> 1
            tau_mid = (t[mid] - t0) * inv_teff
            lcpipe_window_template_sums(&t[0], &rc[0], &w[0], lo, hi, t0, inv_teff, mu,
                                        lcpipe_template_a0(tau_mid), lcpipe_template_a1(tau_mid),
                                        vector, sums)
            var0 = sums[1] - sums[0] * sums[0] / s
            var1 = sums[4] - sums[3] * sums[3] / s
            cov0 = sums[2] - sums[0] * sums[6] / s
            cov1 = sums[5] - sums[3] * sums[6] / s
            d0 = cov0 * cov0 / var0 if var0 > LCPIPE_DEGENERATE_VAR * s else 0.0
            d1 = cov1 * cov1 / var1 if var1 > LCPIPE_DEGENERATE_VAR * s else 0.0
            if d0 > d1:
                dchi2_out[g] = d0
                template_out[g] = 0
            else:
                dchi2_out[g] = d1
                template_out[g] = 1
        free(sums)


# Moments per cell of the cell sums: sum w u^k then sum w rc u^k, k = 0..8 (degree
# lcpipe.kernels.scan_cells.CELL_DEGREE); the loops are in anomaly_scan_sums.h.
cdef enum:
    CELL_M = 18

cdef extern from "anomaly_scan_sums.h":
    Py_ssize_t lcpipe_cell_of(double t, double first, double step, Py_ssize_t n_cells) noexcept nogil
    void lcpipe_cell_moments(const double *t, const double *r, const double *w, Py_ssize_t a,
                             Py_ssize_t b, double first, double step, Py_ssize_t n_cells, double *mom,
                             long long *cell_start) noexcept nogil
    void lcpipe_inner_cells(const double *mom, const double *tables, Py_ssize_t n_tab, Py_ssize_t c_a,
                            Py_ssize_t c_b, Py_ssize_t j, Py_ssize_t n_off, double *out) noexcept nogil


cdef void finish_window(const double *sums, double s, Py_ssize_t g, double[::1] dchi2_out,
                        signed char[::1] template_out) noexcept nogil:
    """Delta chi-square of the better template from a window's seven sums (see the header)."""
    cdef double var0 = sums[1] - sums[0] * sums[0] / s
    cdef double var1 = sums[4] - sums[3] * sums[3] / s
    cdef double cov0 = sums[2] - sums[0] * sums[6] / s
    cdef double cov1 = sums[5] - sums[3] * sums[6] / s
    cdef double d0 = cov0 * cov0 / var0 if var0 > LCPIPE_DEGENERATE_VAR * s else 0.0
    cdef double d1 = cov1 * cov1 / var1 if var1 > LCPIPE_DEGENERATE_VAR * s else 0.0
    if d0 > d1:
        dchi2_out[g] = d0
        template_out[g] = 0
    else:
        dchi2_out[g] = d1
        template_out[g] = 1


cdef void score_level(const double[::1] t, const double[::1] rc, const double[::1] w,
                      const double[::1] p0, const double[::1] p1, Py_ssize_t a, Py_ssize_t b,
                      double first, double step, double teff, Py_ssize_t n_cells,
                      const double[:, :, ::1] tables, Py_ssize_t n_off, Py_ssize_t g_start,
                      Py_ssize_t g_stop, const int64_t[::1] j_arr, const int64_t[::1] lo_arr,
                      const int64_t[::1] hi_arr, const double[::1] t0_arr, const int64_t[::1] side_arr,
                      Py_ssize_t min_each_side, Py_ssize_t cell_min_points, double[::1] dchi2_out,
                      signed char[::1] template_out, bint vector) noexcept nogil:
    """Score the active centres ``g_start:g_stop`` of one level (season points ``[a, b)``).

    A window of fewer than ``cell_min_points`` points, or spanning fewer than three cells, is summed
    point by point, shifted by the templates' values near its middle. The others take their inner
    cells' sums from the cell moments and ``tables`` (lcpipe.kernels.scan_cells.cell_tables) and
    add the points of their two edge cells, shifted by 1 as the tables are. The moments are built
    only when the level's windows are large enough for them to pay (their point count at least 4 times
    the season's).
    """
    cdef Py_ssize_t g, lo, hi, mid, k, c_lo, c_hi, e1, s2, n_large = 0
    cdef double s, mu, t0, inv_teff, tau_mid
    cdef double sums[7]
    cdef double edge[7]
    cdef double inner[8]
    cdef double *mom = NULL
    cdef long long *cell_start = NULL
    for g in range(g_start, g_stop):
        if hi_arr[g] - lo_arr[g] >= cell_min_points:
            n_large += hi_arr[g] - lo_arr[g]
    if n_large >= 4 * (b - a) and n_cells > 0:
        mom = <double *>malloc(n_cells * CELL_M * sizeof(double))
        cell_start = <long long *>malloc((n_cells + 1) * sizeof(long long))
        lcpipe_cell_moments(&t[0], &rc[0], &w[0], a, b, first, step, n_cells, mom, cell_start)
    inv_teff = 1.0 / teff
    for g in range(g_start, g_stop):
        lo = lo_arr[g]
        hi = hi_arr[g]
        t0 = t0_arr[g]
        if side_arr[g] < min_each_side:
            dchi2_out[g] = 0.0
            template_out[g] = 1
            continue
        s = p0[hi] - p0[lo]
        mu = (p1[hi] - p1[lo]) / s
        c_lo = c_hi = 0
        if mom != NULL and hi - lo >= cell_min_points:
            c_lo = lcpipe_cell_of(t[lo], first, step, n_cells)
            c_hi = lcpipe_cell_of(t[hi - 1], first, step, n_cells)
        if c_hi - c_lo < 2:
            mid = (lo + hi) >> 1
            tau_mid = (t[mid] - t0) * inv_teff
            lcpipe_window_template_sums(&t[0], &rc[0], &w[0], lo, hi, t0, inv_teff, mu,
                                        lcpipe_template_a0(tau_mid), lcpipe_template_a1(tau_mid),
                                        vector, sums)
            finish_window(sums, s, g, dchi2_out, template_out)
            continue
        e1 = cell_start[c_lo + 1]
        s2 = cell_start[c_hi]
        lcpipe_window_template_sums(&t[0], &rc[0], &w[0], lo, e1, t0, inv_teff, mu, 1.0, 1.0,
                                    vector, sums)
        lcpipe_window_template_sums(&t[0], &rc[0], &w[0], s2, hi, t0, inv_teff, mu, 1.0, 1.0,
                                    vector, edge)
        lcpipe_inner_cells(mom, &tables[0, 0, 0], tables.shape[1], c_lo + 1, c_hi, j_arr[g], n_off,
                           inner)
        for k in range(7):
            sums[k] += edge[k]
        sums[0] += inner[0]
        sums[1] += inner[1]
        sums[2] += inner[2] - mu * inner[0]
        sums[3] += inner[3]
        sums[4] += inner[4]
        sums[5] += inner[5] - mu * inner[3]
        sums[6] += inner[7] - mu * inner[6]
        finish_window(sums, s, g, dchi2_out, template_out)
    free(mom)
    free(cell_start)


def score_active_cells(const double[::1] t, const double[::1] rc, const double[::1] w,
                       const double[::1] p0, const double[::1] p1, const int64_t[::1] bounds,
                       const double[::1] first, const double[::1] step, const double[::1] teff,
                       const int64_t[::1] n_t0, const int64_t[::1] offsets,
                       const double[:, :, ::1] tables, Py_ssize_t n_off, const int64_t[::1] j_arr,
                       const int64_t[::1] lo_arr, const int64_t[::1] hi_arr, const double[::1] t0_arr,
                       const int64_t[::1] side_arr, Py_ssize_t min_each_side, Py_ssize_t cell_min_points,
                       double[::1] dchi2_out, signed char[::1] template_out, int num_threads,
                       bint vector=True):
    """Best-template delta chi-square of every active centre, level by level (one OpenMP task each).

    Same output as :func:`score_active`; windows of at least ``cell_min_points`` points take their
    template sums from per-cell polynomial moments (O(cells) instead of O(points) per window).

    Parameters
    ----------
    t, rc, w : float64[::1], shape (N,)
        Times, season-centred residuals, weights.
    p0, p1 : float64[::1], shape (N + 1,)
        Prefix sums from :func:`centred_prefix_sums`.
    bounds : int64[::1], shape (S + 1,)
        Season index bounds.
    first : float64[::1], shape (S,)
        First time of each season.
    step, teff : float64[::1], shape (K,)
        t0 step and timescale of each level (days).
    n_t0 : int64[::1], shape (S * K,)
        Centres per level ``l = s * K + k``.
    offsets : int64[::1], shape (S * K + 1,)
        Active centres of level ``l`` are ``offsets[l]:offsets[l + 1]``.
    tables : float64[:, :, ::1], shape (4, 2 * n_off + 1, CELL_N)
        Cell polynomials (lcpipe.kernels.scan_cells.cell_tables).
    n_off : int
        Largest cell offset of the tables.
    j_arr, lo_arr, hi_arr, t0_arr, side_arr : shape (M,)
        Active centres from :func:`fill_active`.
    min_each_side : int
        Gap rule (see :func:`score_active`).
    cell_min_points : int
        Windows with at least this many points use the cell moments.
    dchi2_out, template_out : shape (M,)
        Outputs as in :func:`score_active`.
    num_threads : int
        OpenMP threads (0: OpenMP default).
    vector : bool
        AVX2 + FMA point sums where the CPU has them.
    """
    cdef Py_ssize_t n_levels = offsets.shape[0] - 1, n_teff = step.shape[0], lev, s, k
    cdef Py_ssize_t n_cells
    for lev in prange(n_levels, nogil=True, schedule="dynamic", num_threads=num_threads):
        s = lev // n_teff
        k = lev % n_teff
        if offsets[lev + 1] == offsets[lev]:
            continue
        n_cells = n_t0[lev] + 1
        score_level(t, rc, w, p0, p1, bounds[s], bounds[s + 1], first[s], step[k], teff[k], n_cells,
                    tables, n_off, offsets[lev], offsets[lev + 1], j_arr, lo_arr, hi_arr, t0_arr,
                    side_arr, min_each_side, cell_min_points, dchi2_out, template_out, vector)
