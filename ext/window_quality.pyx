# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Template fit and per-point support diagnostics of scan windows (cluster representatives).

Templates and the degenerate-variance rule as in ``ext/anomaly_scan.pyx`` (``templates.h``). Arrays
float64/int64 C-contiguous (the Python wrapper, ``lcpipe.kernels.window_quality``, checks them).
"""

from libc.math cimport NAN
from libc.stdint cimport int64_t

cdef extern from "templates.h":
    double lcpipe_template_a0(double tau) noexcept nogil
    double lcpipe_template_a1(double tau) noexcept nogil
    const double LCPIPE_DEGENERATE_VAR


cdef inline double template_value(int template, double tau) noexcept nogil:
    return lcpipe_template_a0(tau) if template == 0 else lcpipe_template_a1(tau)


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
