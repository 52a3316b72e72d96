# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Dipper-score sums: events (runs of residuals above a threshold) and their closed-form Gaussian fits.

An event is a run of points with ``r >= extend`` holding at least one ``r >= start``; its Gaussian is
the r^2-weighted quadratic fit of ln r (Caruana; Guo 2011), solved by LU with partial pivoting.
Arrays float64 C-contiguous, times sorted; ``lcpipe.kernels.dips_score`` holds the NumPy reference.
"""

from libc.math cimport exp, log, sqrt, fabs


cdef double FWHM_PER_SIGMA = 2.0 * sqrt(2.0 * log(2.0))


cdef bint solve3(double[3][3] a, double[3] v) noexcept nogil:
    """Solve a x = v in place (x in v) by Gaussian elimination with partial pivoting; False if
    |det a| <= 1e-300."""
    cdef int col, row, piv, c
    cdef double det = 1.0, tmp, factor
    for col in range(3):
        piv = col
        for row in range(col + 1, 3):
            if fabs(a[row][col]) > fabs(a[piv][col]):
                piv = row
        if piv != col:
            det = -det
            for c in range(3):
                tmp = a[col][c]
                a[col][c] = a[piv][c]
                a[piv][c] = tmp
            tmp = v[col]
            v[col] = v[piv]
            v[piv] = tmp
        det *= a[col][col]
        if a[col][col] == 0.0:
            return False
        for row in range(col + 1, 3):
            factor = a[row][col] / a[col][col]
            for c in range(col, 3):
                a[row][c] -= factor * a[col][c]
            v[row] -= factor * v[col]
    if fabs(det) <= 1e-300:
        return False
    for row in range(2, -1, -1):
        for c in range(row + 1, 3):
            v[row] -= a[row][c] * v[c]
        v[row] /= a[row][row]
    return True


cdef double event_term(const double[::1] t, const double[::1] r, const double[::1] s, Py_ssize_t lo,
                       Py_ssize_t hi, double min_fwhm, double min_depth,
                       double min_reduced_chi2) noexcept nogil:
    """(delta/2) FWHM N_det / chi2_red of the event r[lo:hi], or -1 if it is not valid."""
    cdef Py_ssize_t i, n = hi - lo
    cdef int a, b
    cdef double tm = 0.0, x, w, y, sig_w, x0, depth, fwhm, chi2 = 0.0, z, d, red
    cdef double m[3][3]
    cdef double v[3]
    cdef double p[3]
    if n < 3:
        return -1.0
    for i in range(lo, hi):
        tm += t[i]
    tm /= n
    for a in range(3):
        v[a] = 0.0
        for b in range(3):
            m[a][b] = 0.0
    for i in range(lo, hi):
        x = t[i] - tm
        w = r[i] * r[i]
        y = log(r[i])
        p[0], p[1], p[2] = 1.0, x, x * x
        for a in range(3):
            v[a] += w * p[a] * y
            for b in range(3):
                m[a][b] += w * p[a] * p[b]
    if not solve3(m, v) or v[2] >= 0.0:
        return -1.0
    sig_w = sqrt(-0.5 / v[2])
    x0 = -v[1] / (2.0 * v[2])
    depth = exp(v[0] - v[1] * v[1] / (4.0 * v[2]))
    fwhm = FWHM_PER_SIGMA * sig_w
    if fwhm < min_fwhm or depth < min_depth:
        return -1.0
    for i in range(lo, hi):
        z = (t[i] - tm - x0) / sig_w
        d = (r[i] - depth * exp(-0.5 * z * z)) / s[i]
        chi2 += d * d
    red = chi2 / (n - 3 if n > 3 else 1)
    if red < min_reduced_chi2:
        red = min_reduced_chi2
    return 0.5 * depth * fwhm * n / red


def score_sums(const double[::1] t, const double[::1] r, const double[::1] s, double start,
               double extend, double min_fwhm, double min_depth, double min_reduced_chi2):
    """(sum of valid terms, number of events, number of valid events) in one pass over the points."""
    cdef Py_ssize_t i = 0, j, n = r.shape[0]
    cdef Py_ssize_t n_events = 0, n_valid = 0
    cdef double total = 0.0, term
    cdef bint has_core
    with nogil:
        while i < n:
            if r[i] < extend:
                i += 1
                continue
            j = i
            has_core = False
            while j < n and r[j] >= extend:
                has_core = has_core or r[j] >= start
                j += 1
            if has_core:
                n_events += 1
                term = event_term(t, r, s, i, j, min_fwhm, min_depth, min_reduced_chi2)
                if term >= 0.0:
                    total += term
                    n_valid += 1
            i = j
    return total, n_events, n_valid
