# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Anomaly grid scan of microlensing residuals on a (season, teff, t0) grid, and its clustering.

Grid: season ``s`` spans time-sorted indices ``[bounds[s], bounds[s+1])``; level ``(s, k)`` has
``n_t0[s, k]`` centres ``t0_j = first_s + j * step_k``. A centre is *active* when its window
``|t - t0| < half_k`` holds at least ``min_points`` points; every other centre scores 0 and is never
visited: the enumeration jumps straight to the next centre whose window can reach a new point, so an
empty stretch costs O(1) per level. Residuals ``rc`` are centred on their season's weighted mean and
the window's flat-model sums come from compensated prefix sums; the template sums are accumulated
directly over the window in one vectorised pass for both templates.

All arrays are float64/int64 C-contiguous; times sorted ascending (the Python wrapper checks).
"""

from cython.parallel cimport parallel, prange
import numpy as np

from libc.math cimport NAN, floor, sqrt
from libc.stdint cimport int64_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memmove

cdef extern from "anomaly_scan_sums.h":
    void lcpipe_window_template_sums(const double *t, const double *r, const double *w,
                                     Py_ssize_t lo, Py_ssize_t hi, double t0, double inv_teff,
                                     double mu, double c0, double c1, int vector,
                                     double *out) noexcept nogil
    int lcpipe_has_vector_path() noexcept nogil
    const double LCPIPE_DEGENERATE_VAR


def has_vector_path():
    """Whether this build and CPU run the AVX2 + FMA window sums (else only the scalar loop exists)."""
    return bool(lcpipe_has_vector_path())


cdef inline double template_a0(double tau) noexcept nogil:
    return 1.0 / sqrt(1.0 + tau * tau)


cdef inline double template_a1(double tau) noexcept nogil:
    cdef double q = 1.0 + tau * tau
    return (q + 2.0) / sqrt(q * (q + 4.0))


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
                                        template_a0(tau_mid), template_a1(tau_mid), vector, sums)
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


cdef struct IntervalSet:
    Py_ssize_t n
    Py_ssize_t cap
    Py_ssize_t *a   # starts, ascending; intervals [a[i], b[i]) disjoint and non-adjacent
    Py_ssize_t *b


cdef Py_ssize_t interval_insert(IntervalSet *iv, Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    """Add [a, b) to the set; return how many integers were not covered before (-1: out of memory)."""
    cdef Py_ssize_t lo = 0, hi = iv.n, mid, first, last, covered = 0, new_a, new_b, removed
    if b <= a:
        return 0
    while lo < hi:  # first interval with b >= a (touching or after)
        mid = (lo + hi) >> 1
        if iv.b[mid] >= a:
            hi = mid
        else:
            lo = mid + 1
    first = lo
    last = first
    new_a = a
    new_b = b
    while last < iv.n and iv.a[last] <= b:
        covered += min(iv.b[last], b) - max(iv.a[last], a) if iv.b[last] > a and iv.a[last] < b else 0
        new_a = min(new_a, iv.a[last])
        new_b = max(new_b, iv.b[last])
        last += 1
    removed = last - first
    if removed == 0:
        if iv.n == iv.cap:
            iv.cap = 2 * iv.cap + 8
            iv.a = <Py_ssize_t *>realloc(iv.a, iv.cap * sizeof(Py_ssize_t))
            iv.b = <Py_ssize_t *>realloc(iv.b, iv.cap * sizeof(Py_ssize_t))
            if iv.a == NULL or iv.b == NULL:
                return -1
        memmove(&iv.a[first + 1], &iv.a[first], (iv.n - first) * sizeof(Py_ssize_t))
        memmove(&iv.b[first + 1], &iv.b[first], (iv.n - first) * sizeof(Py_ssize_t))
        iv.n += 1
    elif removed > 1:
        memmove(&iv.a[first + 1], &iv.a[last], (iv.n - last) * sizeof(Py_ssize_t))
        memmove(&iv.b[first + 1], &iv.b[last], (iv.n - last) * sizeof(Py_ssize_t))
        iv.n -= removed - 1
    iv.a[first] = new_a
    iv.b[first] = new_b
    return (b - a) - covered


cdef inline Py_ssize_t first_t0_with(double first, double step, Py_ssize_t n, double t0p, double h,
                                     bint upper) noexcept nogil:
    """Smallest j in [0, n] with t0_j - t0p > -h (upper=False) or t0_j - t0p >= h (upper=True)."""
    cdef double x = floor(((t0p + h if upper else t0p - h) - first) / step)
    cdef Py_ssize_t j
    if x < 0:
        x = 0
    if x > n:
        x = n
    j = <Py_ssize_t>x
    if upper:
        while j > 0 and (first + (j - 1) * step) - t0p >= h:
            j -= 1
        while j < n and not ((first + j * step) - t0p >= h):
            j += 1
    else:
        while j > 0 and (first + (j - 1) * step) - t0p > -h:
            j -= 1
        while j < n and not ((first + j * step) - t0p > -h):
            j += 1
    return j


cdef struct MaxTree:
    Py_ssize_t size        # leaves (power of two >= number of points of the level)
    Py_ssize_t offset      # global index of the level's first point
    Py_ssize_t *node       # node[i]: global index of the best live point below i, -1 if none
    char *dead             # node fully removed (never revived)


cdef inline Py_ssize_t better(const double *val, Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    """The better of two points: larger value, then smaller index; -1 means none."""
    if a < 0:
        return b
    if b < 0:
        return a
    if val[b] > val[a] or (val[b] == val[a] and b < a):
        return b
    return a


cdef void tree_remove(MaxTree *tr, const double *val, Py_ssize_t i, Py_ssize_t lo, Py_ssize_t hi,
                      Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    """Remove the level's points at positions [a, b) from node i covering [lo, hi)."""
    cdef Py_ssize_t mid
    if b <= lo or hi <= a or tr.dead[i]:
        return
    if a <= lo and hi <= b:
        tr.dead[i] = 1
        tr.node[i] = -1
        return
    mid = (lo + hi) >> 1
    tree_remove(tr, val, 2 * i, lo, mid, a, b)
    tree_remove(tr, val, 2 * i + 1, mid, hi, a, b)
    tr.node[i] = better(val, tr.node[2 * i], tr.node[2 * i + 1])


cdef int tree_build(MaxTree *tr, const double *val, Py_ssize_t start, Py_ssize_t stop) noexcept nogil:
    cdef Py_ssize_t i, n = stop - start
    tr.size = 1
    while tr.size < n:
        tr.size *= 2
    tr.offset = start
    tr.node = <Py_ssize_t *>malloc(2 * tr.size * sizeof(Py_ssize_t))
    tr.dead = <char *>malloc(2 * tr.size * sizeof(char))
    if tr.node == NULL or tr.dead == NULL:
        return -1
    for i in range(2 * tr.size):
        tr.dead[i] = 0
        tr.node[i] = -1
    for i in range(n):
        tr.node[tr.size + i] = start + i
    for i in range(tr.size - 1, 0, -1):
        tr.node[i] = better(val, tr.node[2 * i], tr.node[2 * i + 1])
    return 0


cdef inline Py_ssize_t first_j_at_least(const int64_t *j_of, Py_ssize_t lo, Py_ssize_t hi,
                                        Py_ssize_t j) noexcept nogil:
    """First position p in [lo, hi) with j_of[p] >= j (j_of ascending there)."""
    cdef Py_ssize_t mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if j_of[mid] >= j:
            hi = mid
        else:
            lo = mid + 1
    return lo


def cluster_levels(const double[::1] dchi2, const int64_t[::1] j_of, const double[::1] t0_of,
                   const int64_t[::1] level_offsets, const double[::1] first, const double[::1] teff,
                   const double[::1] step, const int64_t[:, ::1] n_t0, double separation,
                   int64_t[::1] reps_out):
    """Greedy clusters of a scan, per season, without sorting it.

    Points not listed score 0: they can never become a representative that is kept (clusters with
    delta chi-square 0 are dropped) but they count towards "fewer than 3 remaining" and are removed
    like the others, which per-level interval sets of removed t0 indices track implicitly. The
    largest remaining listed point is found from one max-tree per level (removal of a t0 range is a
    range deletion), so a season with P points and C clusters costs O(P + C K log P).

    Parameters
    ----------
    dchi2 : float64[::1], shape (P,)
        Scores of the listed points.
    j_of : int64[::1], shape (P,)
        t0 index of each point; points of level ``l = s * K + k`` occupy
        ``level_offsets[l]:level_offsets[l + 1]`` in increasing ``j``.
    t0_of : float64[::1], shape (P,)
        Centre of each point (days).
    level_offsets : int64[::1], shape (S * K + 1,)
        Start of each level's points.
    first : float64[::1], shape (S,)
        First time of each season.
    teff, step : float64[::1], shape (K,)
        Timescale and t0 step of each level.
    n_t0 : int64[:, ::1], shape (S, K)
        Grid size of each level (listed or not).
    separation : float
        Removal radius factor: remove ``|t0 - t0_max| < separation * (teff + teff_max)``.
    reps_out : int64[::1], shape (P,)
        Output: indices of the representatives with positive score, per season in the order found.

    Returns
    -------
    int
        Number of representatives written.
    """
    cdef Py_ssize_t n_seasons = n_t0.shape[0], n_teff = n_t0.shape[1]
    cdef Py_ssize_t s, k, kb, lev, p, best, remaining, n_reps = 0, ja, jb, added = 0
    cdef double h
    cdef int failed = 0
    cdef IntervalSet *sets = <IntervalSet *>malloc(n_teff * sizeof(IntervalSet))
    cdef MaxTree *trees = <MaxTree *>malloc(n_teff * sizeof(MaxTree))
    if sets == NULL or trees == NULL:
        free(sets)
        free(trees)
        raise MemoryError("cluster_levels: work space")
    for k in range(n_teff):
        sets[k].n = 0
        sets[k].cap = 0
        sets[k].a = NULL
        sets[k].b = NULL
        trees[k].node = NULL
        trees[k].dead = NULL
    with nogil:
        for s in range(n_seasons):
            remaining = 0
            for k in range(n_teff):
                sets[k].n = 0
                remaining += n_t0[s, k]
                lev = s * n_teff + k
                free(trees[k].node)
                free(trees[k].dead)
                if tree_build(&trees[k], &dchi2[0], level_offsets[lev], level_offsets[lev + 1]) < 0:
                    failed = 1
            if failed:
                break
            while remaining >= 3:
                best = -1
                kb = 0
                for k in range(n_teff):
                    p = trees[k].node[1]
                    if p >= 0 and (best < 0 or dchi2[p] > dchi2[best]):
                        best = p
                        kb = k
                if best < 0 or dchi2[best] <= 0.0:
                    break  # every later representative would score 0 and be dropped
                reps_out[n_reps] = best
                n_reps += 1
                for k in range(n_teff):
                    h = separation * (teff[k] + teff[kb])
                    ja = first_t0_with(first[s], step[k], n_t0[s, k], t0_of[best], h, False)
                    jb = first_t0_with(first[s], step[k], n_t0[s, k], t0_of[best], h, True)
                    added = interval_insert(&sets[k], ja, jb)
                    if added < 0:
                        failed = 1
                        break
                    remaining -= added
                    lev = s * n_teff + k
                    tree_remove(&trees[k], &dchi2[0], 1, 0, trees[k].size,
                                first_j_at_least(&j_of[0], level_offsets[lev], level_offsets[lev + 1], ja)
                                - level_offsets[lev],
                                first_j_at_least(&j_of[0], level_offsets[lev], level_offsets[lev + 1], jb)
                                - level_offsets[lev])
                if failed:
                    break
            if failed:
                break
    for k in range(n_teff):
        free(sets[k].a)
        free(sets[k].b)
        free(trees[k].node)
        free(trees[k].dead)
    free(sets)
    free(trees)
    if failed:
        raise MemoryError("cluster_levels: work space")
    return n_reps


cdef inline double template_value(int template, double tau) noexcept nogil:
    return template_a0(tau) if template == 0 else template_a1(tau)


def window_quality(const double[::1] t, const double[::1] rc, const double[::1] w,
                   const int64_t[::1] lo_arr, const int64_t[::1] hi_arr, const double[::1] t0_arr,
                   const double[::1] teff_arr, const signed char[::1] template_arr,
                   double contrib_threshold, double[:, ::1] out):
    """Template fit and per-point support diagnostics of selected centres (cluster representatives).

    Per-point improvement ``v_i = w_i [(r_i - mu)^2 - (r_i - a A_i - b)^2]`` (chi-square units) and
    ``u_i = max(0, v_i)``. Sums are two-pass (centred) over the window.

    Parameters
    ----------
    t, rc, w : float64[::1], shape (N,)
        Times, season-centred residuals, weights.
    lo_arr, hi_arr : int64[::1], shape (C,)
        Window index ranges.
    t0_arr, teff_arr : float64[::1], shape (C,)
        Centre and timescale (days).
    template_arr : int8[::1], shape (C,)
        Template (0: A0, 1: A1).
    contrib_threshold : float
        ``u_i`` above this counts as a contributing point.
    out : float64[:, ::1], shape (C, 11)
        Columns: dchi2, a, b, mu, n_window, n_contrib, n_eff, peak_frac, rho1, longest_run, chi2_flat
        (``b`` and ``mu`` relative to the season-centred residuals).
    """
    cdef Py_ssize_t c, i, lo, hi, n, n_contrib, run, longest
    cdef double s, sr, sa, mu, abar, vaa, var, a, b, inv, amp, e, v, u, su, suu, umax
    cdef double vbar, num, den, prev, chi2_flat, dchi2
    for c in range(t0_arr.shape[0]):
        lo = lo_arr[c]
        hi = hi_arr[c]
        n = hi - lo
        inv = 1.0 / teff_arr[c]
        s = 0.0
        sr = 0.0
        sa = 0.0
        for i in range(lo, hi):
            s += w[i]
            sr += w[i] * rc[i]
            sa += w[i] * template_value(template_arr[c], (t[i] - t0_arr[c]) * inv)
        mu = sr / s if s > 0 else 0.0
        abar = sa / s if s > 0 else 0.0
        vaa = 0.0
        var = 0.0
        chi2_flat = 0.0
        for i in range(lo, hi):
            amp = template_value(template_arr[c], (t[i] - t0_arr[c]) * inv) - abar
            vaa += w[i] * amp * amp
            var += w[i] * amp * (rc[i] - mu)
            chi2_flat += w[i] * (rc[i] - mu) * (rc[i] - mu)
        a = var / vaa if vaa > LCPIPE_DEGENERATE_VAR * s else 0.0
        b = mu - a * abar
        su = 0.0
        suu = 0.0
        umax = 0.0
        dchi2 = 0.0
        n_contrib = 0
        run = 0
        longest = 0
        for i in range(lo, hi):
            e = rc[i] - a * template_value(template_arr[c], (t[i] - t0_arr[c]) * inv) - b
            v = w[i] * ((rc[i] - mu) * (rc[i] - mu) - e * e)
            dchi2 += v
            u = v if v > 0.0 else 0.0
            su += u
            suu += u * u
            umax = u if u > umax else umax
            if u > contrib_threshold:
                n_contrib += 1
                run += 1
                longest = run if run > longest else longest
            else:
                run = 0
        vbar = dchi2 / n if n > 0 else 0.0
        num = 0.0
        den = 0.0
        prev = 0.0
        for i in range(lo, hi):
            e = rc[i] - a * template_value(template_arr[c], (t[i] - t0_arr[c]) * inv) - b
            v = w[i] * ((rc[i] - mu) * (rc[i] - mu) - e * e) - vbar
            den += v * v
            if i > lo:
                num += prev * v
            prev = v
        out[c, 0] = dchi2 if dchi2 > 0.0 else 0.0
        out[c, 1] = a
        out[c, 2] = b
        out[c, 3] = mu
        out[c, 4] = n
        out[c, 5] = n_contrib
        out[c, 6] = su * su / suu if suu > 0.0 else NAN
        out[c, 7] = umax / su if su > 0.0 else NAN
        out[c, 8] = num / den if n > 1 and den > 0.0 else NAN
        out[c, 9] = longest
        out[c, 10] = chi2_flat
