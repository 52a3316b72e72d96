"""Exact posterior mean and variance of a celerite SHO Gaussian process in O(N) (Kalman + RTS smoother).

The SHO kernel of celerite2 (``SHOTerm(S0, w0, Q)``) is the covariance of a damped harmonic oscillator
driven by white noise, ``f'' + (w0/Q) f' + w0^2 f = noise``. Its state ``x = (f, f'/w0)`` is a linear
stochastic differential equation with stationary covariance ``k0 * I`` (``k0 = S0 w0 Q``), so the
Gaussian-process posterior at every time stamp follows exactly from a Kalman filter and a Rauch-Tung-Striebel
smoother over the time-sorted points: 2x2 matrices per point, time and memory linear in N. It gives the
same mean as celerite2's ``predict`` and the diagonal of its (quadratic-cost) ``return_var`` posterior
variance; ``posterior_dense`` is the dense-matrix reference the tests compare against.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def _transition(dt: float, w0: float, q: float) -> tuple[float, float, float, float]:
    """Entries (a00, a01, a10, a11) of expm(F dt) for the scaled state (f, f'/w0)."""
    gamma = w0 / (2.0 * q)
    disc = 1.0 - 1.0 / (4.0 * q * q)
    if abs(disc) < 1e-10:  # critically damped
        e = np.exp(-gamma * dt)
        p00, p01, p10, p11 = e * (1.0 + gamma * dt), e * dt, -e * w0 * w0 * dt, e * (1.0 - gamma * dt)
    elif disc > 0.0:  # under-damped: oscillating envelope
        wd = w0 * np.sqrt(disc)
        e = np.exp(-gamma * dt)
        c, s = np.cos(wd * dt), np.sin(wd * dt)
        p00 = e * (c + gamma / wd * s)
        p01 = e * s / wd
        p10 = -e * w0 * w0 / wd * s
        p11 = e * (c - gamma / wd * s)
    else:  # over-damped: two decaying exponentials, written without overflowing cosh/sinh
        wo = w0 * np.sqrt(-disc)
        ep = np.exp((wo - gamma) * dt)
        em = np.exp(-(wo + gamma) * dt)
        ch, sh = 0.5 * (ep + em), 0.5 * (ep - em)
        p00 = ch + gamma / wo * sh
        p01 = sh / wo
        p10 = -w0 * w0 / wo * sh
        p11 = ch - gamma / wo * sh
    return p00, p01 * w0, p10 / w0, p11


@numba.njit(cache=True)
def _smooth(t, y, noise_var, observed, k0, w0, q, post_mean, post_var):  # pragma: no cover - numba
    n = t.size
    # filtered (m, P) and predicted (mp, Pp) moments, P stored as (p00, p01, p11)
    m = np.empty((n, 2))
    pf = np.empty((n, 3))
    mp = np.empty((n, 2))
    pp = np.empty((n, 3))
    trans = np.empty((n, 4))
    a0, a1 = 0.0, 0.0
    c00, c01, c11 = k0, 0.0, k0
    for k in range(n):
        if k == 0:
            b0, b1, d00, d01, d11 = 0.0, 0.0, k0, 0.0, k0
            trans[k, 0], trans[k, 1], trans[k, 2], trans[k, 3] = 1.0, 0.0, 0.0, 1.0
        else:
            f00, f01, f10, f11 = _transition(t[k] - t[k - 1], w0, q)
            trans[k, 0], trans[k, 1], trans[k, 2], trans[k, 3] = f00, f01, f10, f11
            b0 = f00 * a0 + f01 * a1
            b1 = f10 * a0 + f11 * a1
            # Pp = F (P - k0 I) F^T + k0 I  (stationary process noise k0 I - F k0 F^T)
            e00, e01, e11 = c00 - k0, c01, c11 - k0
            g00 = f00 * e00 + f01 * e01
            g01 = f00 * e01 + f01 * e11
            g10 = f10 * e00 + f11 * e01
            g11 = f10 * e01 + f11 * e11
            d00 = g00 * f00 + g01 * f01 + k0
            d01 = g00 * f10 + g01 * f11
            d11 = g10 * f10 + g11 * f11 + k0
        mp[k, 0], mp[k, 1] = b0, b1
        pp[k, 0], pp[k, 1], pp[k, 2] = d00, d01, d11
        if observed[k]:
            s = d00 + noise_var[k]
            g0, g1 = d00 / s, d01 / s
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
    post_mean[n - 1], post_var[n - 1] = s0, v00
    for k in range(n - 2, -1, -1):
        f00, f01, f10, f11 = trans[k + 1, 0], trans[k + 1, 1], trans[k + 1, 2], trans[k + 1, 3]
        c00, c01, c11 = pf[k, 0], pf[k, 1], pf[k, 2]
        d00, d01, d11 = pp[k + 1, 0], pp[k + 1, 1], pp[k + 1, 2]
        # G = P F^T Pp^{-1}
        h00 = c00 * f00 + c01 * f01
        h01 = c00 * f10 + c01 * f11
        h10 = c01 * f00 + c11 * f01
        h11 = c01 * f10 + c11 * f11
        det = d00 * d11 - d01 * d01
        i00, i01, i11 = d11 / det, -d01 / det, d00 / det
        g00 = h00 * i00 + h01 * i01
        g01 = h00 * i01 + h01 * i11
        g10 = h10 * i00 + h11 * i01
        g11 = h10 * i01 + h11 * i11
        r0, r1 = s0 - mp[k + 1, 0], s1 - mp[k + 1, 1]
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
        post_mean[k], post_var[k] = s0, v00


def sho_posterior(
    time: np.ndarray,
    values: np.ndarray,
    noise_var: np.ndarray,
    observed: np.ndarray,
    s0: float,
    w0: float,
    q: float,
    mean: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior mean and variance of an SHO GP at every time stamp, conditioned on the observed ones.

    Parameters
    ----------
    time : ndarray, shape (N,)
        Times in days, sorted ascending (ties allowed).
    values : ndarray, shape (N,)
        Data (e.g. magnitudes); ignored where ``observed`` is False.
    noise_var : ndarray, shape (N,)
        White-noise variance of each data point (> 0 where observed).
    observed : ndarray, shape (N,), bool
        Which points condition the process; the others are only predicted.
    s0, w0, q : float
        celerite2 ``SHOTerm`` parameters (power, angular frequency in rad/day, quality factor).
    mean : float
        Constant prior mean of the process.

    Returns
    -------
    post_mean, post_var : ndarray, shape (N,)
        Posterior mean and variance of the latent process (noise not included).
    """
    t = np.ascontiguousarray(time, dtype=np.float64)
    n = t.size
    if not (np.shape(values) == np.shape(noise_var) == np.shape(observed) == (n,)):
        raise ValueError("time, values, noise_var and observed must be 1-D arrays of the same length")
    if not (s0 > 0 and w0 > 0 and q > 0):
        raise ValueError(f"SHO parameters must be positive, got S0={s0}, w0={w0}, Q={q}")
    post_mean, post_var = np.empty(n), np.empty(n)
    if n == 0:
        return post_mean, post_var
    _smooth(
        t,
        np.ascontiguousarray(values, dtype=np.float64) - mean,
        np.ascontiguousarray(noise_var, dtype=np.float64),
        np.ascontiguousarray(observed, dtype=np.bool_),
        float(s0 * w0 * q),
        float(w0),
        float(q),
        post_mean,
        post_var,
    )
    return post_mean + mean, post_var


def sho_kernel(tau: np.ndarray, s0: float, w0: float, q: float) -> np.ndarray:
    """celerite2 SHO covariance ``k(tau)`` (any shape, days) evaluated directly (reference only)."""
    tau = np.abs(np.asarray(tau, dtype=float))
    gamma = w0 / (2.0 * q)
    disc = 1.0 - 1.0 / (4.0 * q * q)
    k0 = s0 * w0 * q
    if abs(disc) < 1e-10:
        return k0 * np.exp(-gamma * tau) * (1.0 + gamma * tau)
    if disc > 0:
        wd = w0 * np.sqrt(disc)
        return k0 * np.exp(-gamma * tau) * (np.cos(wd * tau) + gamma / wd * np.sin(wd * tau))
    wo = w0 * np.sqrt(-disc)
    return (
        k0
        * 0.5
        * ((1 + gamma / wo) * np.exp((wo - gamma) * tau) + (1 - gamma / wo) * np.exp(-(wo + gamma) * tau))
    )


def posterior_dense(
    time: np.ndarray,
    values: np.ndarray,
    noise_var: np.ndarray,
    observed: np.ndarray,
    s0: float,
    w0: float,
    q: float,
    mean: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Same as `sho_posterior` by dense linear algebra, O(N^3): the slow reference for tests."""
    t = np.asarray(time, dtype=float)
    obs = np.asarray(observed, dtype=bool)
    to, yo = t[obs], np.asarray(values, dtype=float)[obs] - mean
    k_oo = sho_kernel(to[:, None] - to[None, :], s0, w0, q) + np.diag(np.asarray(noise_var, float)[obs])
    k_ao = sho_kernel(t[:, None] - to[None, :], s0, w0, q)
    chol = np.linalg.cholesky(k_oo)
    alpha = np.linalg.solve(chol.T, np.linalg.solve(chol, yo))
    v = np.linalg.solve(chol, k_ao.T)
    return mean + k_ao @ alpha, s0 * w0 * q - np.sum(v * v, axis=0)
