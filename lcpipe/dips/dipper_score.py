"""The dipper score: a single number summarising how many wide, deep dips a light curve has.

Definition (the reference's): robust sigma = 1.4826 MAD of the baseline residuals; an event is a run of
consecutive (time-ordered) points with residual >= 1 sigma, extended on both sides while the residual
stays >= 0.5 sigma; each event gets a Gaussian fit giving its FWHM and depth delta; it is valid when
FWHM >= 1.5 d and delta >= 0.05 mag.
``S = sum_valid (delta / 2) FWHM N_det / chi2 / (N_events ln(N_events + 1))`` with N_det the event's
points, chi2 the reduced chi-square of its Gaussian fit (floored at ``MIN_REDUCED_CHI2`` so that a
perfect fit does not divide by zero) and N_events the number of events (valid or not).

The Gaussian fit of an event is the closed-form one of Caruana, with Guo's (2011) weights: a weighted
quadratic fit of ln r(t) over the event's points (all >= extend_sigma > 0, so the logarithm exists),
``ln r = a + b t + c t^2`` with weights r^2, gives t0 = -b/2c, sigma_w = sqrt(-1/2c), depth =
exp(a - b^2/4c). An event with fewer than 3 points or a non-concave fit (c >= 0) has no width and is
not valid. A numba kernel scans all events in one pass; `_score_sums_slow` is its NumPy reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numba
import numpy as np

from lcpipe.dips.baseline import robust_sigma

#: Smallest reduced chi-square used in the score's denominator.
MIN_REDUCED_CHI2 = 1e-3
#: Full width at half maximum of a Gaussian in units of its sigma.
FWHM_PER_SIGMA = 2.0 * np.sqrt(2.0 * np.log(2.0))


@dataclass(frozen=True)
class DipperScoreOptions:
    """Thresholds of the dipper score (the reference dip pipeline's defaults).

    Attributes
    ----------
    start_sigma, extend_sigma : float
        An event starts at residual >= start_sigma and extends while >= extend_sigma (robust sigmas).
    min_fwhm_days : float
        Valid events are at least this wide.
    min_depth_mag : float
        Valid events are at least this deep.
    """

    start_sigma: float = 1.0
    extend_sigma: float = 0.5
    min_fwhm_days: float = 1.5
    min_depth_mag: float = 0.05

    def __post_init__(self) -> None:
        if not 0 < self.extend_sigma <= self.start_sigma:
            raise ValueError("need 0 < extend_sigma <= start_sigma")


@dataclass(frozen=True)
class DipperScore:
    """Result for one light curve.

    Attributes
    ----------
    score : float
        S (0 when no event is valid).
    log10_score : float
        log10 S (NaN when S = 0).
    n_events, n_valid : int
        Events found and events passing the width and depth cuts.
    robust_sigma : float
        The residual scatter used (mag).
    """

    score: float
    log10_score: float
    n_events: int
    n_valid: int
    robust_sigma: float


@numba.njit(cache=True)
def _event_term(t, r, s, lo, hi, min_fwhm, min_depth):  # pragma: no cover - numba
    """(delta/2) FWHM N_det / chi2_red of the event r[lo:hi], or -1 if it is not valid."""
    n = hi - lo
    if n < 3:
        return -1.0
    tm = 0.0
    for i in range(lo, hi):
        tm += t[i]
    tm /= n
    # normal equations of the r^2-weighted quadratic fit of ln r in x = t - tm
    m = np.zeros((3, 3))
    v = np.zeros(3)
    for i in range(lo, hi):
        x, w, y = t[i] - tm, r[i] * r[i], np.log(r[i])
        p = (1.0, x, x * x)
        for a in range(3):
            v[a] += w * p[a] * y
            for b in range(3):
                m[a, b] += w * p[a] * p[b]
    if abs(np.linalg.det(m)) <= 1e-300:
        return -1.0
    coef = np.linalg.solve(m, v)
    if coef[2] >= 0.0:
        return -1.0
    sig_w = np.sqrt(-0.5 / coef[2])
    x0 = -coef[1] / (2.0 * coef[2])
    depth = np.exp(coef[0] - coef[1] * coef[1] / (4.0 * coef[2]))
    fwhm = 2.0 * np.sqrt(2.0 * np.log(2.0)) * sig_w
    if fwhm < min_fwhm or depth < min_depth:
        return -1.0
    chi2 = 0.0
    for i in range(lo, hi):
        z = (t[i] - tm - x0) / sig_w
        d = (r[i] - depth * np.exp(-0.5 * z * z)) / s[i]
        chi2 += d * d
    red = max(chi2 / max(n - 3, 1), 1e-3)
    return 0.5 * depth * fwhm * n / red


@numba.njit(cache=True)
def _score_sums(t, r, s, start, extend, min_fwhm, min_depth):  # pragma: no cover - numba
    """(sum of valid terms, number of events, number of valid events) in one pass over the points."""
    n = r.size
    total, n_events, n_valid = 0.0, 0, 0
    i = 0
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
            term = _event_term(t, r, s, i, j, min_fwhm, min_depth)
            if term >= 0.0:
                total += term
                n_valid += 1
        i = j
    return total, n_events, n_valid


def _score_sums_slow(t, r, s, start, extend, min_fwhm, min_depth) -> tuple[float, int, int]:
    """NumPy reference of `_score_sums` (np.polyfit for the weighted quadratic)."""
    ext = r >= extend
    edges = np.diff(np.concatenate(([0], ext.astype(np.int8), [0])))
    total, n_events, n_valid = 0.0, 0, 0
    for lo, hi in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        if not np.any(r[lo:hi] >= start):
            continue
        n_events += 1
        if hi - lo < 3:
            continue
        x = t[lo:hi] - t[lo:hi].mean()
        c2, c1, c0 = np.polyfit(x, np.log(r[lo:hi]), 2, w=r[lo:hi])  # polyfit squares w
        if c2 >= 0:
            continue
        sig_w, x0 = np.sqrt(-0.5 / c2), -c1 / (2 * c2)
        depth, fwhm = np.exp(c0 - c1**2 / (4 * c2)), FWHM_PER_SIGMA * np.sqrt(-0.5 / c2)
        if fwhm < min_fwhm or depth < min_depth:
            continue
        model = depth * np.exp(-0.5 * ((x - x0) / sig_w) ** 2)
        chi2 = np.sum(((r[lo:hi] - model) / s[lo:hi]) ** 2)
        total += 0.5 * depth * fwhm * (hi - lo) / max(chi2 / max(hi - lo - 3, 1), MIN_REDUCED_CHI2)
        n_valid += 1
    return total, n_events, n_valid


def dipper_score(
    time: np.ndarray,
    resid: np.ndarray,
    sigma: np.ndarray,
    options: DipperScoreOptions,
    method: Literal["fast", "slow"] = "fast",
) -> DipperScore:
    """Dipper score of a time-sorted light curve.

    Parameters
    ----------
    time : ndarray, shape (N,)
        Times in days, sorted ascending.
    resid : ndarray, shape (N,)
        Residuals m - b from the baseline (mag; positive = fainter).
    sigma : ndarray, shape (N,)
        Per-point errors used in the fits' chi-square (mag).
    options : DipperScoreOptions
    method : {"fast", "slow"}
        numba kernel or the NumPy reference.

    Returns
    -------
    DipperScore
    """
    scale = robust_sigma(resid)
    if scale <= 0 or resid.size < 3:
        return DipperScore(0.0, np.nan, 0, 0, scale)
    args = (
        np.ascontiguousarray(time, dtype=np.float64),
        np.ascontiguousarray(resid, dtype=np.float64),
        np.ascontiguousarray(sigma, dtype=np.float64),
        options.start_sigma * scale,
        options.extend_sigma * scale,
        options.min_fwhm_days,
        options.min_depth_mag,
    )
    if method not in ("fast", "slow"):
        raise ValueError(f"method must be 'fast' or 'slow', got {method!r}")
    total, n_events, n_valid = (_score_sums if method == "fast" else _score_sums_slow)(*args)
    if n_valid == 0:
        return DipperScore(0.0, np.nan, int(n_events), 0, scale)
    score = total / (n_events * np.log(n_events + 1.0))
    return DipperScore(float(score), float(np.log10(score)), int(n_events), int(n_valid), scale)
