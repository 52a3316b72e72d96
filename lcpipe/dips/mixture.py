"""Bayesian two-component mixture evidence for dips (fainter) and jumps (brighter).

Model (the reference's), in magnitudes with per-point baseline b_i and sigma_i = sigma_eff,i::

    L(delta, p) = sum_i log[ w_base(p) N(m_i | b_i, sigma_i) + w_event(p) N(m_i | b_i + delta, sigma_i) ]

**The event magnitude is an offset from each point's own baseline**, mu_i = b_i + delta. Baselines
differ between cameras (zero-point offsets of a few hundredths of a magnitude) and drift slowly; an
absolute event magnitude would be "fainter than the baseline" for one camera and "brighter" for another.
So the spec's "mu from b+0.02 up to max(b+0.02, p95 + 0.5 max(p95 - p5, 0.05))" is read on residuals
r_i = m_i - b_i: delta runs over 12 values linear from 0.02 to max(0.02, p95(r) + 0.5 max(p95(r) - p5(r),
0.05)). Jumps mirror it: delta from -0.02 down to -max(0.02, -p5(r) + 0.5 max(p95(r) - p5(r), 0.05)).

Weights: for dips p is the baseline weight, 12 values linear in [0.5, 1 - 1e-4] (w_base = p,
w_event = 1 - p). For jumps the spec's grid p in [1e-4, 0.5] is the weight of the jump state
(w_event = p, w_base = 1 - p), so both searches allow the same event fraction, 1e-4 to 1/2.

Evidence with a uniform prior over the grid: log Z = logsumexp L - log(K J); log Z_base =
sum_i log N(m_i | b_i, sigma_i); log Bayes factor = log Z - log Z_base (natural logarithms throughout).
Per point: log BF_i = log[mean_k N(m_i | b_i + delta_k, sigma_i)] - log N(m_i | b_i, sigma_i), and the
event probability P_i = sum_grid exp(L_-i) w_event N_event,i / sum_grid exp(L_-i) (w_base N_base,i +
w_event N_event,i), where L_-i is the log-likelihood of the other points: the others weight the grid,
point i's own terms decide between event and baseline. This equals the grid-averaged responsibility
sum_grid post(delta, p) * w_event N_event,i / (w_base N_base,i + w_event N_event,i).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from lcpipe.kernels.dips_mixture import log_sum_exp, mixture_terms

N_GRID = 12
MIN_OFFSET = 0.02
P_EDGE = 1e-4


@dataclass(frozen=True)
class MixtureGrid:
    """Grid of one search.

    Attributes
    ----------
    offsets : ndarray, shape (K,)
        Event offsets delta_k = mu - b (mag; positive = fainter).
    p : ndarray, shape (J,)
        The spec's p values (dips: baseline weight; jumps: jump-state weight).
    base_weight : ndarray, shape (J,)
        Weight of the baseline component for each p.
    """

    offsets: np.ndarray
    p: np.ndarray
    base_weight: np.ndarray


@dataclass(frozen=True)
class MixtureResult:
    """Evidence of one search (dips or jumps) on one light curve.

    Attributes
    ----------
    log_like : ndarray, shape (K, J)
        L(delta_k, p_j) - log Z_base.
    log_bf : float
        log Z - log Z_base (natural log).
    best_offset, best_p : float
        Grid point of the largest likelihood.
    point_log_bf : ndarray, shape (N,)
        log BF_i.
    event_prob : ndarray, shape (N,)
        P_i, posterior probability that point i belongs to the event component.
    """

    log_like: np.ndarray
    log_bf: float
    best_offset: float
    best_p: float
    point_log_bf: np.ndarray
    event_prob: np.ndarray


def make_grid(residual: np.ndarray, kind: Literal["dip", "jump"], n_grid: int = N_GRID) -> MixtureGrid:
    """The reference pipeline's grid for ``kind`` from the residuals ``m - b`` (shape (N,), mag, N >= 1)."""
    p5, p95 = np.percentile(residual, [5.0, 95.0])
    spread = 0.5 * max(p95 - p5, 0.05)
    if kind == "dip":
        offsets = np.linspace(MIN_OFFSET, max(MIN_OFFSET, p95 + spread), n_grid)
        p = np.linspace(0.5, 1.0 - P_EDGE, n_grid)
        return MixtureGrid(offsets, p, p.copy())
    if kind == "jump":
        offsets = -np.linspace(MIN_OFFSET, max(MIN_OFFSET, -p5 + spread), n_grid)
        p = np.linspace(P_EDGE, 0.5, n_grid)
        return MixtureGrid(offsets, p, 1.0 - p)
    raise ValueError(f"kind must be 'dip' or 'jump', got {kind!r}")


def _summarise(
    grid: MixtureGrid, rel: np.ndarray, point_log_bf: np.ndarray, prob: np.ndarray
) -> MixtureResult:
    k, j = np.unravel_index(int(np.argmax(rel)), rel.shape)
    log_bf = log_sum_exp(rel) - float(np.log(rel.size))
    return MixtureResult(rel, log_bf, float(grid.offsets[k]), float(grid.p[j]), point_log_bf, prob)


def mixture_evidence(
    residual: np.ndarray, sigma: np.ndarray, grid: MixtureGrid, method: Literal["fast", "slow"] = "fast"
) -> MixtureResult:
    """Evidence grid, Bayes factor and per-point terms of one search.

    Parameters
    ----------
    residual : ndarray, shape (N,)
        m_i - b_i (mag).
    sigma : ndarray, shape (N,)
        sigma_eff,i (mag, > 0).
    grid : MixtureGrid
        From `make_grid`.
    method : {"fast", "slow"}
        Compiled kernels or the NumPy reference (:func:`lcpipe.kernels.dips_mixture.mixture_terms`).

    Returns
    -------
    MixtureResult
    """
    r = np.ascontiguousarray(residual, dtype=np.float64)
    inv_s = 1.0 / np.ascontiguousarray(sigma, dtype=np.float64)
    if r.shape != inv_s.shape or r.ndim != 1 or r.size == 0:
        raise ValueError(
            f"residual and sigma must be non-empty 1-D arrays of equal length: {r.shape}, {inv_s.shape}"
        )
    rel, point_log_bf, prob = mixture_terms(r, inv_s, grid.offsets, grid.base_weight, method)
    return _summarise(grid, rel, point_log_bf, prob)


def band_evidence(
    residual: np.ndarray,
    sigma: np.ndarray,
    band: np.ndarray,
    kind: Literal["dip", "jump"],
    method: Literal["fast", "slow"] = "fast",
) -> MixtureResult:
    """The mixture of one search fitted in each band on its own, with its own grid and (delta, p).

    An event is deeper in one band than another (dust extinction dims g more than V), so one offset
    for every band fits neither. The model of a multi-band curve is the product of the bands' mixtures
    with independent priors: its log Bayes factor is the sum of the bands' ones; the per-point terms
    are those of each point's band; ``best_offset``, ``best_p`` and ``log_like`` are those of the band
    with the largest log Bayes factor. A single band gives exactly :func:`mixture_evidence`.

    Parameters
    ----------
    residual, sigma : ndarray, shape (N,)
        m_i - b_i and sigma_eff,i (mag), baselines already offset per (data set, band).
    band : ndarray of str, shape (N,)
        Band of each point.
    kind : {"dip", "jump"}
    method : {"fast", "slow"}

    Returns
    -------
    MixtureResult
    """
    labels, inverse = np.unique(np.asarray(band).astype(str), return_inverse=True)
    if labels.size <= 1:
        return mixture_evidence(residual, sigma, make_grid(residual, kind), method)
    point_log_bf, prob = np.empty(residual.size), np.empty(residual.size)
    results = []
    for code in range(labels.size):
        mask = inverse == code
        result = mixture_evidence(residual[mask], sigma[mask], make_grid(residual[mask], kind), method)
        point_log_bf[mask], prob[mask] = result.point_log_bf, result.event_prob
        results.append(result)
    strongest = max(results, key=lambda r: r.log_bf)
    total = float(sum(r.log_bf for r in results))
    return MixtureResult(
        strongest.log_like, total, strongest.best_offset, strongest.best_p, point_log_bf, prob
    )
