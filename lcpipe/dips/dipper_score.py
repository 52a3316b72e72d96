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
not valid. The sums over the events are :func:`lcpipe.kernels.dips_score.score_sums` (compiled, with a
NumPy reference).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from lcpipe.dips.baseline import robust_sigma
from lcpipe.kernels.dips_score import score_sums

#: Smallest reduced chi-square used in the score's denominator.
MIN_REDUCED_CHI2 = 1e-3


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
        Compiled kernel or the NumPy reference.

    Returns
    -------
    DipperScore
    """
    scale = robust_sigma(resid)
    if scale <= 0 or resid.size < 3:
        return DipperScore(0.0, np.nan, 0, 0, scale)
    total, n_events, n_valid = score_sums(
        time,
        resid,
        sigma,
        (options.start_sigma * scale, options.extend_sigma * scale),
        (options.min_fwhm_days, options.min_depth_mag),
        MIN_REDUCED_CHI2,
        method,
    )
    if n_valid == 0:
        return DipperScore(0.0, np.nan, int(n_events), 0, scale)
    score = total / (n_events * np.log(n_events + 1.0))
    return DipperScore(float(score), float(np.log10(score)), int(n_events), int(n_valid), scale)
