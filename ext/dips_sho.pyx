# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Kalman filter and Rauch-Tung-Striebel smoother of a celerite SHO Gaussian process, O(N).

State ``x = (f, f'/w0)`` with stationary covariance ``k0 I``; 2x2 matrices per point, covariances
stored as (p00, p01, p11). Arrays float64 (``observed`` uint8) C-contiguous, times sorted;
``lcpipe.kernels.dips_sho`` holds the dense-matrix reference.
"""

import numpy as np

from libc.math cimport exp, sqrt, cos, sin, fabs


cdef inline void transition(double dt, double w0, double q, double* f) noexcept nogil:
    """Entries (a00, a01, a10, a11) of expm(F dt) for the scaled state (f, f'/w0)."""
    cdef double gamma = w0 / (2.0 * q)
    cdef double disc = 1.0 - 1.0 / (4.0 * q * q)
    cdef double e, wd, c, s, wo, ep, em, ch, sh, p00, p01, p10, p11
    if fabs(disc) < 1e-10:  # critically damped
        e = exp(-gamma * dt)
        p00 = e * (1.0 + gamma * dt)
        p01 = e * dt
        p10 = -e * w0 * w0 * dt
        p11 = e * (1.0 - gamma * dt)
    elif disc > 0.0:  # under-damped: oscillating envelope
        wd = w0 * sqrt(disc)
        e = exp(-gamma * dt)
        c = cos(wd * dt)
        s = sin(wd * dt)
        p00 = e * (c + gamma / wd * s)
        p01 = e * s / wd
        p10 = -e * w0 * w0 / wd * s
        p11 = e * (c - gamma / wd * s)
    else:  # over-damped: two decaying exponentials, written without overflowing cosh/sinh
        wo = w0 * sqrt(-disc)
        ep = exp((wo - gamma) * dt)
        em = exp(-(wo + gamma) * dt)
        ch = 0.5 * (ep + em)
        sh = 0.5 * (ep - em)
        p00 = ch + gamma / wo * sh
        p01 = sh / wo
        p10 = -w0 * w0 / wo * sh
        p11 = ch - gamma / wo * sh
    f[0] = p00
    f[1] = p01 * w0
    f[2] = p10 / w0
    f[3] = p11


def smooth(const double[::1] t, const double[::1] y, const double[::1] noise_var,
           const unsigned char[::1] observed, double k0, double w0, double q,
           double[::1] post_mean, double[::1] post_var):
    """Fill the posterior mean and variance of the latent process at every time (shape (N,), N >= 1)."""
    cdef Py_ssize_t k, n = t.shape[0]
    cdef double[:, ::1] m = np.empty((n, 2))
    cdef double[:, ::1] pf = np.empty((n, 3))
    cdef double[:, ::1] mp = np.empty((n, 2))
    cdef double[:, ::1] pp = np.empty((n, 3))
    cdef double[:, ::1] trans = np.empty((n, 4))
    cdef double f[4]
    cdef double a0 = 0.0, a1 = 0.0, c00 = k0, c01 = 0.0, c11 = k0
    cdef double b0, b1, d00, d01, d11, e00, e01, e11, g00, g01, g10, g11, s, g0, g1, innov
    cdef double s0, s1, v00, v01, v11, h00, h01, h10, h11, det, i00, i01, i11, r0, r1
    cdef double u00, u01, u10, u11
    with nogil:
        for k in range(n):
            if k == 0:
                b0, b1, d00, d01, d11 = 0.0, 0.0, k0, 0.0, k0
                f[0], f[1], f[2], f[3] = 1.0, 0.0, 0.0, 1.0
            else:
                transition(t[k] - t[k - 1], w0, q, f)
                b0 = f[0] * a0 + f[1] * a1
                b1 = f[2] * a0 + f[3] * a1
                # Pp = F (P - k0 I) F^T + k0 I  (stationary process noise k0 I - F k0 F^T)
                e00, e01, e11 = c00 - k0, c01, c11 - k0
                g00 = f[0] * e00 + f[1] * e01
                g01 = f[0] * e01 + f[1] * e11
                g10 = f[2] * e00 + f[3] * e01
                g11 = f[2] * e01 + f[3] * e11
                d00 = g00 * f[0] + g01 * f[1] + k0
                d01 = g00 * f[2] + g01 * f[3]
                d11 = g10 * f[2] + g11 * f[3] + k0
            trans[k, 0], trans[k, 1], trans[k, 2], trans[k, 3] = f[0], f[1], f[2], f[3]
            mp[k, 0], mp[k, 1] = b0, b1
            pp[k, 0], pp[k, 1], pp[k, 2] = d00, d01, d11
            if observed[k]:
                s = d00 + noise_var[k]
                g0 = d00 / s
                g1 = d01 / s
                innov = y[k] - b0
                a0, a1 = b0 + g0 * innov, b1 + g1 * innov
                c00, c01, c11 = d00 - g0 * d00, d01 - g0 * d01, d11 - g1 * d01
            else:
                a0, a1, c00, c01, c11 = b0, b1, d00, d01, d11
            m[k, 0], m[k, 1] = a0, a1
            pf[k, 0], pf[k, 1], pf[k, 2] = c00, c01, c11
        # Rauch-Tung-Striebel backward pass
        s0, s1 = a0, a1
        v00, v01, v11 = c00, c01, c11
        post_mean[n - 1] = s0
        post_var[n - 1] = v00
        for k in range(n - 2, -1, -1):
            f[0], f[1], f[2], f[3] = trans[k + 1, 0], trans[k + 1, 1], trans[k + 1, 2], trans[k + 1, 3]
            c00, c01, c11 = pf[k, 0], pf[k, 1], pf[k, 2]
            d00, d01, d11 = pp[k + 1, 0], pp[k + 1, 1], pp[k + 1, 2]
            # G = P F^T Pp^{-1}
            h00 = c00 * f[0] + c01 * f[1]
            h01 = c00 * f[2] + c01 * f[3]
            h10 = c01 * f[0] + c11 * f[1]
            h11 = c01 * f[2] + c11 * f[3]
            det = d00 * d11 - d01 * d01
            i00, i01, i11 = d11 / det, -d01 / det, d00 / det
            g00 = h00 * i00 + h01 * i01
            g01 = h00 * i01 + h01 * i11
            g10 = h10 * i00 + h11 * i01
            g11 = h10 * i01 + h11 * i11
            r0 = s0 - mp[k + 1, 0]
            r1 = s1 - mp[k + 1, 1]
            s0 = m[k, 0] + g00 * r0 + g01 * r1
            s1 = m[k, 1] + g10 * r0 + g11 * r1
            e00, e01, e11 = v00 - d00, v01 - d01, v11 - d11
            # P_s = P + G (Ps_next - Pp) G^T
            u00 = g00 * e00 + g01 * e01
            u01 = g00 * e01 + g01 * e11
            u10 = g10 * e00 + g11 * e01
            u11 = g10 * e01 + g11 * e11
            v00 = c00 + u00 * g00 + u01 * g01
            v01 = c01 + u00 * g10 + u01 * g11
            v11 = c11 + u10 * g10 + u11 * g11
            post_mean[k] = s0
            post_var[k] = v00
