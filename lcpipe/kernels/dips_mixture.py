"""Mixture-model evidence of the dip branch on its (delta, p) grid: compiled kernels and NumPy reference.

For residuals ``r_i`` (mag) with errors ``sigma_i``, event offsets ``delta_k`` and baseline weights
``w_j``, the grid log-likelihood relative to the baseline-only model is
``L_kj = sum_i log[w_j N(r_i | 0, sigma_i) + (1 - w_j) N(r_i | delta_k, sigma_i)] - sum_i log N(r_i | 0,
sigma_i)``; the per-point terms are defined in :mod:`lcpipe.dips.mixture`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy.special import logsumexp

from lcpipe._ext import dips_mixture as _kernel


def log_sum_exp(a: np.ndarray) -> float:
    """``log(sum(exp(a)))`` over every element of a small finite array (scipy's ``logsumexp`` without
    its per-call overhead, about 0.5 ms, which the grid of each search pays several times)."""
    top = float(np.max(a))
    if not np.isfinite(top):
        return top
    return top + float(np.log(np.sum(np.exp(a - top))))


def mixture_terms(
    residual: np.ndarray,
    inv_sigma: np.ndarray,
    offsets: np.ndarray,
    base_weight: np.ndarray,
    method: Literal["fast", "slow"] = "fast",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Grid log-likelihood, per-point log Bayes factors and event probabilities of one search.

    Parameters
    ----------
    residual, inv_sigma : ndarray, shape (N,)
        Residuals m - b (mag) and inverse errors (1/mag), float64.
    offsets : ndarray, shape (K,)
        Event offsets delta_k (mag).
    base_weight : ndarray, shape (J,)
        Baseline weights w_j in (0, 1).
    method : {"fast", "slow"}
        Compiled kernels (O(N K J) time, O(K J) memory) or the NumPy reference on the (N, K, J) array.

    Returns
    -------
    rel : ndarray, shape (K, J)
        L_kj (natural log).
    point_log_bf : ndarray, shape (N,)
        log[mean_k N(r_i | delta_k)] - log N(r_i | 0).
    event_prob : ndarray, shape (N,)
        Grid-averaged posterior probability that point i belongs to the event component.
    """
    r = np.ascontiguousarray(residual, dtype=np.float64)
    inv_s = np.ascontiguousarray(inv_sigma, dtype=np.float64)
    offsets = np.ascontiguousarray(offsets, dtype=np.float64)
    log_base = np.log(np.asarray(base_weight, dtype=np.float64))
    log_ratio = np.log1p(-np.asarray(base_weight, dtype=np.float64)) - log_base
    if method == "slow":
        return _mixture_terms_slow(r, inv_s, offsets, np.asarray(base_weight, dtype=np.float64))
    if method != "fast":
        raise ValueError(f"method must be 'fast' or 'slow', got {method!r}")
    z = r * inv_s
    rel = np.empty((offsets.size, log_base.size))
    _kernel.grid_loglike(z, inv_s, offsets, log_ratio, log_base, rel)
    post = np.exp(rel - log_sum_exp(rel))
    point_log_bf, prob = np.empty(r.size), np.empty(r.size)
    _kernel.point_terms(z, inv_s, offsets, log_ratio, post, point_log_bf, prob)
    return rel, point_log_bf, prob


def _mixture_terms_slow(r, inv_s, offsets, base_weight):
    """Direct evaluation with Gaussian log-densities on the (N, K, J) array."""
    sigma = 1.0 / inv_s
    log_n_base = -0.5 * (r * inv_s) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)
    log_n_event = (
        -0.5 * ((r[:, None] - offsets[None, :]) / sigma[:, None]) ** 2
        - np.log(sigma)[:, None]
        - 0.5 * np.log(2 * np.pi)
    )
    log_base, log_event_w = np.log(base_weight), np.log1p(-base_weight)
    term_base = log_base[None, None, :] + log_n_base[:, None, None]
    term_event = log_event_w[None, None, :] + log_n_event[:, :, None]
    per_point = np.logaddexp(term_base, term_event)  # (N, K, J)
    total = per_point.sum(axis=0)
    rel = total - log_n_base.sum()
    loo = total[None, :, :] - per_point  # log-likelihood of the other points
    num = logsumexp(loo + term_event, axis=(1, 2))
    den = logsumexp(loo + per_point, axis=(1, 2))
    prob = np.exp(num - den)
    point_log_bf = logsumexp(log_n_event, axis=1) - np.log(offsets.size) - log_n_base
    return rel, point_log_bf, prob
