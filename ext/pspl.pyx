# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Projected point-lens fit: the per-group sums, the linear (fs, fb) solve and Levenberg–Marquardt.

The PSPL excess ``a = A - 1`` and its derivatives ``D_j = dA/dtheta_j``, ``theta = (t0, ln tE, u0)``,
are accumulated per group into 18 sums (:func:`projected_sums`); :func:`project` eliminates the linear
fluxes from them and forms chi-square, its gradient and Kaufman's curvature; :func:`levenberg_marquardt`
walks theta with those two. The Python side (``lcpipe.kernels.pspl``) holds the NumPy references.

Arrays are C-contiguous float64, groups int64 codes ``0 .. K-1``, flags uint8.
"""

from libc.math cimport exp, fabs, isfinite, sqrt
from libc.stdint cimport int64_t
from libc.stdlib cimport free, malloc

cdef enum:
    N_SUMS = 18  # sums per group (the row layout of :func:`projected_sums`)

cdef double U2_FLOOR = 1e-20  # floor on u**2 so that A(u) stays finite at u = 0


cdef inline int dd_index(int j, int m) noexcept nogil:
    """Position in a row of the sums of ``Σw D_j D_m`` (upper triangle stored row by row from 12)."""
    cdef int a = j if j <= m else m
    cdef int b = m if j <= m else j
    return 12 + 3 * a - (a * (a - 1)) // 2 + (b - a)


cdef void sums_kernel(const double *time, const double *flux, const double *weight,
                      const int64_t *group, Py_ssize_t n, Py_ssize_t n_groups, double t0,
                      double ln_te, double u0, double *sums) noexcept nogil:
    cdef Py_ssize_t i, k
    cdef double inv_te = exp(-ln_te), u0sq = u0 * u0
    cdef double tau, u2, q, a, g, d0, d1, d2, w, f, wa, wf
    cdef double *out
    for k in range(n_groups * N_SUMS):
        sums[k] = 0.0
    for i in range(n):
        out = sums + group[i] * N_SUMS
        tau = (time[i] - t0) * inv_te
        u2 = u0sq + tau * tau
        if u2 < U2_FLOOR:
            u2 = U2_FLOOR
        q = sqrt(u2 * (u2 + 4.0))
        a = 4.0 / (q * (u2 + 2.0 + q))
        g = -4.0 / (q * q * q)
        d0 = g * (-2.0 * tau * inv_te)
        d1 = g * (-2.0 * tau * tau)
        d2 = g * (2.0 * u0)
        w = weight[i]
        f = flux[i]
        wa = w * a
        out[0] += wa
        out[1] += wa * a
        out[2] += wa * f
        out[3] += w * d0
        out[4] += w * d1
        out[5] += w * d2
        out[6] += wa * d0
        out[7] += wa * d1
        out[8] += wa * d2
        wf = w * f
        out[9] += wf * d0
        out[10] += wf * d1
        out[11] += wf * d2
        out[12] += w * d0 * d0
        out[13] += w * d0 * d1
        out[14] += w * d0 * d2
        out[15] += w * d1 * d1
        out[16] += w * d1 * d2
        out[17] += w * d2 * d2


cdef bint project_kernel(const double *sums, const double *sw, const double *sf, const double *sff,
                         const unsigned char *own_fs, Py_ssize_t n_groups, double *grad,
                         double *curvature, double *fs, double *offset, double *chi2_out) noexcept nogil:
    """Fill ``grad`` (3), ``curvature`` (3x3, row-major), ``fs`` and ``offset`` (K) and ``chi2_out``;
    False when the projection is degenerate or not finite."""
    cdef Py_ssize_t k
    cdef int j, m
    cdef double s_aa = 0.0, s_af = 0.0, shared_aa = 0.0, chi2 = 0.0, fs0, sa, saa, saf, det, mgm
    cdef double u[3]
    cdef const double *row
    cdef bint finite
    for k in range(n_groups):
        if not own_fs[k]:
            row = sums + k * N_SUMS
            s_aa += row[1] - row[0] * row[0] / sw[k]
            s_af += row[2] - row[0] * sf[k] / sw[k]
            shared_aa += row[1]
    if not (isfinite(s_aa) and s_aa > 1e-12 * shared_aa):
        return False
    for j in range(3):
        u[j] = 0.0
        grad[j] = 0.0
        for m in range(3):
            curvature[3 * j + m] = 0.0
    for k in range(n_groups):  # shared groups: offsets, and their part of the curvature before fs0**2
        if own_fs[k]:
            continue
        row = sums + k * N_SUMS
        fs[k] = s_af / s_aa
        offset[k] = (sf[k] - fs[k] * row[0]) / sw[k]
        for j in range(3):
            u[j] += row[6 + j] - row[0] / sw[k] * row[3 + j]
            for m in range(3):
                curvature[3 * j + m] += row[dd_index(j, m)] - row[3 + j] * row[3 + m] / sw[k]
    fs0 = s_af / s_aa
    for j in range(3):
        for m in range(3):
            curvature[3 * j + m] = fs0 * fs0 * (curvature[3 * j + m] - u[j] * u[m] / s_aa)
    for k in range(n_groups):
        row = sums + k * N_SUMS
        sa = row[0]
        saa = row[1]
        saf = row[2]
        if own_fs[k]:
            det = saa * sw[k] - sa * sa
            if not det > 1e-12 * saa * sw[k]:
                return False
            fs[k] = (saf * sw[k] - sa * sf[k]) / det
            offset[k] = (saa * sf[k] - sa * saf) / det
            for j in range(3):
                for m in range(3):
                    mgm = (
                        sw[k] * row[6 + j] * row[6 + m]
                        - sa * (row[6 + j] * row[3 + m] + row[3 + j] * row[6 + m])
                        + saa * row[3 + j] * row[3 + m]
                    ) / det
                    curvature[3 * j + m] += fs[k] * fs[k] * (row[dd_index(j, m)] - mgm)
        chi2 += sff[k] - fs[k] * saf - offset[k] * sf[k]
        for j in range(3):
            grad[j] += -2.0 * fs[k] * (row[9 + j] - fs[k] * row[6 + j] - offset[k] * row[3 + j])
    finite = isfinite(chi2)
    for j in range(3):
        finite = finite and isfinite(grad[j])
        for m in range(3):
            finite = finite and isfinite(curvature[3 * j + m])
    chi2_out[0] = chi2
    return finite


cdef bint solve_small(const double *matrix, const double *rhs, int n, double *out) noexcept nogil:
    """Gaussian elimination with partial pivoting for n <= 3; False if singular or not finite."""
    cdef double a[9]
    cdef double b[3]
    cdef double tmp, factor, acc
    cdef int col, row, pivot, k
    for row in range(n):
        b[row] = rhs[row]
        for k in range(n):
            a[3 * row + k] = matrix[3 * row + k]
    for col in range(n):
        pivot = col
        for row in range(col + 1, n):
            if fabs(a[3 * row + col]) > fabs(a[3 * pivot + col]):
                pivot = row
        if a[3 * pivot + col] == 0.0 or not isfinite(a[3 * pivot + col]):
            return False
        if pivot != col:
            for k in range(n):
                tmp = a[3 * col + k]
                a[3 * col + k] = a[3 * pivot + k]
                a[3 * pivot + k] = tmp
            tmp = b[col]
            b[col] = b[pivot]
            b[pivot] = tmp
        for row in range(col + 1, n):
            factor = a[3 * row + col] / a[3 * col + col]
            for k in range(col, n):
                a[3 * row + k] -= factor * a[3 * col + k]
            b[row] -= factor * b[col]
    for row in range(n - 1, -1, -1):
        acc = b[row]
        for k in range(row + 1, n):
            acc -= a[3 * row + k] * out[k]
        out[row] = acc / a[3 * row + row]
    return True


cdef inline double clip(double x, double lo, double hi) noexcept nogil:
    """``min(max(x, lo), hi)`` with Python's tie and NaN rules."""
    if lo > x:
        x = lo
    if x > hi:
        x = hi
    return x


cdef struct Data:
    const double *time
    const double *flux
    const double *weight
    const int64_t *group
    Py_ssize_t n
    Py_ssize_t n_groups
    const double *sw
    const double *sf
    const double *sff
    const unsigned char *own_fs


cdef struct State:
    double theta[3]
    double grad[3]
    double curvature[9]
    double chi2
    double *fs
    double *offset


cdef bint evaluate(const Data *d, State *s, double *sums) noexcept nogil:
    sums_kernel(d.time, d.flux, d.weight, d.group, d.n, d.n_groups, s.theta[0], s.theta[1], s.theta[2],
                sums)
    return project_kernel(sums, d.sw, d.sf, d.sff, d.own_fs, d.n_groups, s.grad, s.curvature, s.fs,
                          s.offset, &s.chi2)


cdef int free_parameters(const State *s, const double *lower, const double *upper,
                         int *free_idx) noexcept nogil:
    """Parameters not held on a bound by a gradient pointing outwards; returns how many."""
    cdef int j, n_free = 0
    cdef double edge
    cdef bint held
    for j in range(3):
        edge = 1e-12 * (1.0 + fabs(s.theta[j]))
        held = (s.theta[j] <= lower[j] + edge and s.grad[j] > 0) or (
            s.theta[j] >= upper[j] - edge and s.grad[j] < 0
        )
        if not held:
            free_idx[n_free] = j
            n_free += 1
    return n_free


cdef int lm_loop(const Data *d, State *cur, State *trial, const double *lower, const double *upper,
                 double lambda_init, double chi2_tol, Py_ssize_t max_iter, double *sums,
                 Py_ssize_t *n_iter_out) noexcept nogil:
    """The Levenberg–Marquardt iterations from ``cur`` (already evaluated); 1 converged, 0 not."""
    cdef Py_ssize_t n_iter
    cdef int free_idx[3]
    cdef int n_free, i, k, j
    cdef double lam = lambda_init, diag_max, floor, diag, improvement
    cdef double rhs[3]
    cdef double matrix[9]
    cdef double step[3]
    cdef bint accepted
    cdef State tmp
    for n_iter in range(max_iter):
        n_free = free_parameters(cur, lower, upper, free_idx)
        n_iter_out[0] = n_iter
        if n_free == 0:  # every parameter pinned by its bound: a constrained minimum
            return 1
        diag_max = 0.0
        for i in range(n_free):
            if cur.curvature[4 * free_idx[i]] > diag_max:
                diag_max = cur.curvature[4 * free_idx[i]]
        floor = 1e-12 * (diag_max if diag_max > 1e-300 else 1e-300)
        while True:
            for i in range(n_free):
                rhs[i] = -0.5 * cur.grad[free_idx[i]]
                for k in range(n_free):
                    matrix[3 * i + k] = cur.curvature[3 * free_idx[i] + free_idx[k]]
                diag = cur.curvature[4 * free_idx[i]]
                matrix[4 * i] += lam * (diag if diag > floor else floor)
            accepted = False
            if solve_small(matrix, rhs, n_free, step):
                for j in range(3):
                    trial.theta[j] = cur.theta[j]
                for i in range(n_free):
                    trial.theta[free_idx[i]] += step[i]
                for j in range(3):
                    trial.theta[j] = clip(trial.theta[j], lower[j], upper[j])
                accepted = evaluate(d, trial, sums) and trial.chi2 < cur.chi2
            if accepted:
                break
            lam *= 10.0
            if lam > 1e12:  # no damped step lowers chi2: a minimum to numerical precision
                return 1
        improvement = cur.chi2 - trial.chi2
        tmp = cur[0]  # swap the states (their fs/offset buffers with them)
        cur[0] = trial[0]
        trial[0] = tmp
        lam = lam / 10.0 if lam / 10.0 > 1e-12 else 1e-12
        if improvement <= chi2_tol:
            n_iter_out[0] = n_iter + 1
            return 1
    n_iter_out[0] = max_iter
    return 0


def projected_sums(const double[::1] time, const double[::1] flux, const double[::1] weight,
                   const int64_t[::1] group, double t0, double ln_te, double u0, double[:, ::1] sums):
    """Fill ``sums`` (K, 18) with the per-group sums at ``(t0, ln tE, u0)`` (layout in
    ``lcpipe.kernels.pspl.projected_sums``)."""
    with nogil:
        sums_kernel(&time[0], &flux[0], &weight[0], &group[0], time.shape[0], sums.shape[0], t0, ln_te,
                    u0, &sums[0, 0])


def project(const double[:, ::1] sums, const double[::1] sw, const double[::1] sf,
            const double[::1] sff, const unsigned char[::1] own_fs, double[::1] grad,
            double[:, ::1] curvature, double[::1] fs, double[::1] offset):
    """Linear solve and derivatives of chi2(theta) from the sums: fills ``grad`` (3,), ``curvature``
    (3, 3), ``fs`` and ``offset`` (K,); returns ``(ok, chi2)``."""
    cdef double chi2 = 0.0
    cdef bint ok
    with nogil:
        ok = project_kernel(&sums[0, 0], &sw[0], &sf[0], &sff[0], &own_fs[0], sw.shape[0], &grad[0],
                            &curvature[0, 0], &fs[0], &offset[0], &chi2)
    return ok, chi2


def levenberg_marquardt(const double[::1] time, const double[::1] flux, const double[::1] weight,
                        const int64_t[::1] group, const unsigned char[::1] own_fs, double[::1] theta,
                        const double[::1] lower, const double[::1] upper, const double[::1] sw,
                        const double[::1] sf, const double[::1] sff, double lambda_init,
                        double chi2_tol, Py_ssize_t max_iter, double[::1] grad,
                        double[:, ::1] curvature, double[::1] fs, double[::1] offset):
    """Refine ``theta = (t0, ln tE, u0)`` (updated in place) until an accepted step gains at most
    ``chi2_tol``; bounds by an active set (see ``lcpipe.kernels.pspl.levenberg_marquardt``).

    Returns ``(ok, chi2, n_iter, converged)``; ``grad``, ``curvature``, ``fs`` and ``offset`` end at
    ``theta``. ``ok`` is False when the start itself is degenerate.
    """
    cdef Py_ssize_t n_groups = sw.shape[0], n_iter = 0
    cdef Data d
    cdef State cur, trial
    cdef int j, k, converged = 0
    cdef bint ok
    cdef double *work = <double *>malloc((n_groups * N_SUMS + 4 * n_groups) * sizeof(double))
    if work == NULL:
        raise MemoryError("levenberg_marquardt: work space")
    d.time, d.flux, d.weight, d.group, d.n = &time[0], &flux[0], &weight[0], &group[0], time.shape[0]
    d.n_groups, d.sw, d.sf, d.sff, d.own_fs = n_groups, &sw[0], &sf[0], &sff[0], &own_fs[0]
    cur.fs, cur.offset = work + n_groups * N_SUMS, work + n_groups * (N_SUMS + 1)
    trial.fs, trial.offset = work + n_groups * (N_SUMS + 2), work + n_groups * (N_SUMS + 3)
    with nogil:
        for j in range(3):
            cur.theta[j] = clip(theta[j], lower[j], upper[j])
        ok = evaluate(&d, &cur, work)
        if ok:
            converged = lm_loop(&d, &cur, &trial, &lower[0], &upper[0], lambda_init, chi2_tol, max_iter,
                                work, &n_iter)
            for j in range(3):
                theta[j] = cur.theta[j]
                grad[j] = cur.grad[j]
                for k in range(3):
                    curvature[j, k] = cur.curvature[3 * j + k]
            for k in range(n_groups):
                fs[k] = cur.fs[k]
                offset[k] = cur.offset[k]
    free(work)
    if not ok:
        return False, 0.0, 0, False
    return True, cur.chi2, n_iter, bool(converged)
