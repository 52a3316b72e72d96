"""Exact posterior mean and variance of a celerite SHO Gaussian process in O(N) (Kalman + RTS smoother).

The SHO kernel of celerite2 (``SHOTerm(S0, w0, Q)``) is the covariance of a damped harmonic oscillator
driven by white noise, ``f'' + (w0/Q) f' + w0^2 f = noise``. Its state ``x = (f, f'/w0)`` is a linear
stochastic differential equation with stationary covariance ``k0 * I`` (``k0 = S0 w0 Q``), so the
Gaussian-process posterior at every time stamp follows exactly from a Kalman filter and a Rauch-Tung-Striebel
smoother over the time-sorted points: 2x2 matrices per point, time and memory linear in N. It gives the
same mean as celerite2's ``predict`` and the diagonal of its (quadratic-cost) ``return_var`` posterior
variance; ``method="slow"`` is the dense-matrix O(N^3) reference the parity tests compare against.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from lcpipe._ext import dips_sho as _kernel


def sho_posterior(
    time: np.ndarray,
    values: np.ndarray,
    noise_var: np.ndarray,
    observed: np.ndarray,
    s0: float,
    w0: float,
    q: float,
    mean: float = 0.0,
    method: Literal["fast", "slow"] = "fast",
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
    method : {"fast", "slow"}
        Compiled Kalman + RTS smoother, O(N), or the dense-matrix reference, O(N^3).

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
    y = np.ascontiguousarray(values, dtype=np.float64) - mean
    noise = np.ascontiguousarray(noise_var, dtype=np.float64)
    obs = np.ascontiguousarray(observed, dtype=bool)
    if method == "slow":
        post_mean, post_var = _posterior_dense(t, y, noise, obs, (s0, w0, q))
        return post_mean + mean, post_var
    if method != "fast":
        raise ValueError(f"method must be 'fast' or 'slow', got {method!r}")
    post_mean, post_var = np.empty(n), np.empty(n)
    if n == 0:
        return post_mean, post_var
    _kernel.smooth(
        t, y, noise, obs.view(np.uint8), float(s0 * w0 * q), float(w0), float(q), post_mean, post_var
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


def _posterior_dense(
    t: np.ndarray, y: np.ndarray, noise_var: np.ndarray, obs: np.ndarray, sho: tuple[float, float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Zero-mean posterior by dense linear algebra (the reference): ``y`` at the ``obs`` points."""
    k_oo = sho_kernel(t[obs][:, None] - t[obs][None, :], *sho) + np.diag(noise_var[obs])
    k_ao = sho_kernel(t[:, None] - t[obs][None, :], *sho)
    chol = np.linalg.cholesky(k_oo)
    alpha = np.linalg.solve(chol.T, np.linalg.solve(chol, y[obs]))
    v = np.linalg.solve(chol, k_ao.T)
    s0, w0, q = sho
    return k_ao @ alpha, s0 * w0 * q - np.sum(v * v, axis=0)
