# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Greedy per-season clustering of the scored points of an anomaly scan (``ext/anomaly_scan.pyx``).

Grid as there: level ``l = s * K + k`` of season ``s`` and timescale ``k`` has ``n_t0[s, k]`` centres
``t0_j = first_s + j * step_k``. Arrays float64/int64 C-contiguous (the Python wrapper,
``lcpipe.kernels.clusters``, checks them).
"""

from libc.math cimport floor
from libc.stdint cimport int64_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memmove


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
