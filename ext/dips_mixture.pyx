# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Two-component mixture evidence of the dip branch: the grid log-likelihood and per-point terms.

In units of each point's sigma, ``z_i = r_i / sigma_i`` and ``u_ik = delta_k / sigma_i``; the log ratio
of the event and baseline densities is ``d_ik = u_ik (z_i - u_ik / 2)``. Arrays float64 C-contiguous;
``lcpipe.kernels.dips_mixture`` holds the NumPy reference.
"""

import numpy as np

from libc.math cimport exp, log, log1p, INFINITY


def grid_loglike(const double[::1] z, const double[::1] inv_sigma, const double[::1] offsets,
                 const double[::1] log_ratio, const double[::1] log_base, double[:, ::1] out):
    """``out[k, j] = sum_i [log w_base_j + softplus(d_ik + log_ratio_j)]``, shape (K, J)."""
    cdef Py_ssize_t i, k, j
    cdef Py_ssize_t n = z.shape[0], nk = offsets.shape[0], nj = log_ratio.shape[0]
    cdef double u, d, e
    cdef double[::1] ratio = np.exp(np.asarray(log_ratio))
    with nogil:
        for k in range(nk):
            for j in range(nj):
                out[k, j] = n * log_base[j]
        for i in range(n):
            for k in range(nk):
                u = offsets[k] * inv_sigma[i]
                d = u * (z[i] - 0.5 * u)
                if d <= 0.0:
                    e = exp(d)
                    for j in range(nj):
                        out[k, j] += log1p(ratio[j] * e)
                else:
                    e = exp(-d)
                    for j in range(nj):
                        out[k, j] += d + log_ratio[j] + log1p(e / ratio[j])


def point_terms(const double[::1] z, const double[::1] inv_sigma, const double[::1] offsets,
                const double[::1] log_ratio, const double[:, ::1] post, double[::1] log_bf_i,
                double[::1] prob):
    """Per-point log BF_i and grid-averaged event probability (``post``: grid posterior, shape (K, J))."""
    cdef Py_ssize_t i, k, j
    cdef Py_ssize_t n = z.shape[0], nk = offsets.shape[0], nj = log_ratio.shape[0]
    cdef double u, d, e, dmax, acc_bf, acc_p
    cdef double log_nk = log(<double>nk)
    cdef double[::1] inv_ratio = np.exp(-np.asarray(log_ratio))
    with nogil:
        for i in range(n):
            dmax = -INFINITY
            for k in range(nk):
                u = offsets[k] * inv_sigma[i]
                d = u * (z[i] - 0.5 * u)
                if d > dmax:
                    dmax = d
            acc_bf = 0.0
            acc_p = 0.0
            for k in range(nk):
                u = offsets[k] * inv_sigma[i]
                d = u * (z[i] - 0.5 * u)
                acc_bf += exp(d - dmax)
                e = exp(-d)
                for j in range(nj):
                    acc_p += post[k, j] / (1.0 + e * inv_ratio[j])
            log_bf_i[i] = dmax + log(acc_bf) - log_nk
            prob[i] = acc_p if acc_p < 1.0 else 1.0
