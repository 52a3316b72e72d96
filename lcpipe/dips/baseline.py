"""Per-camera magnitude baselines and the effective per-point error of the dip branch.

Every baseline works on one camera group at a time (a camera label together with its band, so a camera
that changed filter gets two groups) and returns the baseline magnitude b_i and
``sigma_eff_i**2 = err_i**2 + floor**2 + var_i``, where ``floor`` is a robust excess scatter of the group's
residuals and ``var_i`` the uncertainty of the baseline itself (GP posterior variance, or the variance of
a median). Methods:

``gp``
    celerite2's SHO Gaussian process (reference defaults) conditioned on all the group's points, with a
    prior mean equal to the group's median. Its posterior mean and variance at every point come from the
    exact O(N) state-space (Kalman + RTS) form of the SHO kernel (`lcpipe.kernels.dips_sho`), which reproduces
    celerite2's ``predict`` mean and ``return_var`` variance (tests: 1e-10 mag, rtol 1e-8); celerite2
    itself can compute the mean (``gp_solver="celerite2"``).
``gp_masked``
    as ``gp`` but conditioned only on points outside flagged excursions (dips: residual > k sigma,
    flares: residual < -k sigma, each widened by a time pad), then predicted at every point.
``rolling_median``
    running median over a centred time window.
``global_median``
    the group's median.

A group with fewer than ``min_gp_points`` points falls back to its median; a group with a single point
takes the floor of all groups pooled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import celerite2
import numpy as np
import pandas as pd
from celerite2 import terms

from lcpipe.dips.checks import require
from lcpipe.kernels.dips_sho import sho_posterior

BaselineMethod = Literal["gp", "gp_masked", "rolling_median", "global_median"]
BASELINE_METHODS: tuple[str, ...] = ("gp", "gp_masked", "rolling_median", "global_median")

#: Variance of the sample median of n Gaussian points is about (pi / 2) sigma^2 / n.
_MEDIAN_VARIANCE_FACTOR = np.pi / 2.0
#: Scale of the median absolute deviation of a Gaussian in units of its sigma.
MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True)
class BaselineOptions:
    """How the per-camera baseline is made (defaults of the reference dip pipeline).

    Attributes
    ----------
    method : {"gp", "gp_masked", "rolling_median", "global_median"}
        Baseline model (see module docstring).
    sho_s0, sho_w0, sho_q : float
        celerite2 ``SHOTerm`` power (mag^2 day), angular frequency (rad/day) and quality factor.
    w0_from_span : bool
        If True, replace ``sho_w0`` by ``pi / span`` of each camera group (one half-period per span).
    min_gp_points : int
        A group with fewer points gets its median as baseline.
    mask_sigma : float
        ``gp_masked``: residuals beyond this many robust sigmas are excursions.
    mask_pad_days : float
        ``gp_masked``: excursions are widened by this many days on each side.
    min_unmasked_fraction : float
        ``gp_masked``: if fewer points than this fraction of the group remain unmasked, condition on all.
    rolling_window_days : float
        ``rolling_median``: full width of the centred window (days).
    gp_solver : {"statespace", "celerite2"}
        Who computes the GP posterior mean: the O(N) Kalman/RTS smoother (default; it equals
        celerite2's ``predict`` to 1e-10 mag, see the tests) or celerite2 itself. The posterior variance
        always comes from the smoother (celerite2's exact variance costs O(N^2)).
    """

    method: BaselineMethod = "gp"
    sho_s0: float = 5e-4
    sho_w0: float = np.pi / 1000.0
    sho_q: float = 0.7
    w0_from_span: bool = False
    min_gp_points: int = 10
    mask_sigma: float = 3.0
    mask_pad_days: float = 5.0
    min_unmasked_fraction: float = 0.5
    rolling_window_days: float = 60.0
    gp_solver: Literal["statespace", "celerite2"] = "statespace"

    def __post_init__(self) -> None:
        require(
            {
                f"baseline method must be one of {BASELINE_METHODS}, got {self.method!r}": self.method
                in BASELINE_METHODS,
                "sho_s0, sho_w0 and sho_q must be positive": min(self.sho_s0, self.sho_w0, self.sho_q) > 0,
                f"gp_solver must be 'statespace' or 'celerite2', got {self.gp_solver!r}": self.gp_solver
                in ("statespace", "celerite2"),
                "min_gp_points must be >= 2": self.min_gp_points >= 2,
                "rolling_window_days and mask_sigma must be positive": min(
                    self.rolling_window_days, self.mask_sigma
                )
                > 0,
            }
        )


@dataclass(frozen=True)
class Baseline:
    """Baseline of one light curve (all arrays shape (N,), in the input's point order).

    Attributes
    ----------
    mag : ndarray
        Baseline magnitude b_i.
    sigma_eff : ndarray
        Effective error (mag): ``sqrt(err**2 + floor**2 + var)``.
    var : ndarray
        Variance of the baseline itself (mag^2): GP posterior or median variance.
    floor : ndarray
        Excess scatter of the point's group (mag).
    masked : ndarray, bool
        ``gp_masked``: points left out of the conditioning (False for the other methods).
    n_fallback_groups : int
        Groups that fell back to their median because they had too few points.
    """

    mag: np.ndarray
    sigma_eff: np.ndarray
    var: np.ndarray
    floor: np.ndarray
    masked: np.ndarray
    n_fallback_groups: int


def robust_sigma(x: np.ndarray) -> float:
    """1.4826 times the median absolute deviation of ``x`` (shape (N,)); 0 for fewer than 2 values."""
    if x.size < 2:
        return 0.0
    return float(MAD_TO_SIGMA * np.median(np.abs(x - np.median(x))))


def excess_floor(residual: np.ndarray, err: np.ndarray) -> float:
    """Robust scatter of ``residual`` beyond the quoted errors: sqrt(max(0, sigma_rob^2 - median err^2))."""
    return float(np.sqrt(max(0.0, robust_sigma(residual) ** 2 - float(np.median(err**2)))))


def _gp_posterior(
    t: np.ndarray, y: np.ndarray, err: np.ndarray, cond: np.ndarray, w0: float, opt: BaselineOptions
) -> tuple[np.ndarray, np.ndarray]:
    """SHO-GP posterior mean and variance at all ``t`` given the ``cond`` points (prior: their median)."""
    prior = float(np.median(y[cond]))
    mean, var = sho_posterior(t, y, err**2, cond, opt.sho_s0, w0, opt.sho_q, mean=prior)
    if opt.gp_solver == "celerite2":
        gp = celerite2.GaussianProcess(terms.SHOTerm(S0=opt.sho_s0, w0=w0, Q=opt.sho_q), mean=prior)
        gp.compute(t[cond], yerr=err[cond])
        mean = gp.predict(y[cond], t=t)
    return mean, var


def _flag_excursions(t: np.ndarray, resid: np.ndarray, sigma: float, opt: BaselineOptions) -> np.ndarray:
    """Points within ``mask_pad_days`` of a residual beyond ``mask_sigma`` sigma (shape (n,), bool)."""
    outlier = np.abs(resid) > opt.mask_sigma * sigma
    if not outlier.any():
        return outlier
    t_out = t[outlier]
    lo = np.searchsorted(t_out, t - opt.mask_pad_days, side="left")
    hi = np.searchsorted(t_out, t + opt.mask_pad_days, side="right")
    return hi > lo


def _rolling_median(t: np.ndarray, y: np.ndarray, window_days: float) -> tuple[np.ndarray, np.ndarray]:
    """Centred running median and window counts over time-sorted ``t`` (days)."""
    index = pd.to_datetime(t - t[0], unit="D")
    series = pd.Series(y, index=index)
    roll = series.rolling(pd.Timedelta(days=window_days), center=True, min_periods=1)
    return roll.median().to_numpy(), roll.count().to_numpy()


def _group_baseline(
    t: np.ndarray, y: np.ndarray, err: np.ndarray, opt: BaselineOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Baseline, its variance, the mask and the floor of one time-sorted group with >= min_gp_points."""
    n = t.size
    masked = np.zeros(n, dtype=bool)
    if opt.method in ("gp", "gp_masked"):
        span = float(t[-1] - t[0])
        w0 = np.pi / span if (opt.w0_from_span and span > 0) else opt.sho_w0
        cond = np.ones(n, dtype=bool)
        mean, var = _gp_posterior(t, y, err, cond, w0, opt)
        if opt.method == "gp_masked":
            resid = y - mean
            flagged = _flag_excursions(t, resid, robust_sigma(resid), opt)
            if flagged.any() and (~flagged).sum() >= max(opt.min_gp_points, opt.min_unmasked_fraction * n):
                masked, cond = flagged, ~flagged
                mean, var = _gp_posterior(t, y, err, cond, w0, opt)
    elif opt.method == "rolling_median":
        mean, counts = _rolling_median(t, y, opt.rolling_window_days)
        var = _MEDIAN_VARIANCE_FACTOR * robust_sigma(y - mean) ** 2 / counts
    else:
        mean = np.full(n, np.median(y))
        var = np.full(n, _MEDIAN_VARIANCE_FACTOR * robust_sigma(y) ** 2 / n)
    keep = ~masked
    return mean, var, masked, excess_floor((y - mean)[keep], err[keep])


def fit_baseline(
    time: np.ndarray, mag: np.ndarray, mag_err: np.ndarray, group: np.ndarray, options: BaselineOptions
) -> Baseline:
    """Per-group baseline of a light curve.

    Parameters
    ----------
    time, mag, mag_err : ndarray, shape (N,)
        Times (days), magnitudes and errors (mag); finite, errors > 0, any order.
    group : ndarray, shape (N,)
        Group label per point (camera, or camera and band); each group gets its own baseline.
    options : BaselineOptions

    Returns
    -------
    Baseline
    """
    n = time.size
    b, var, floor = np.empty(n), np.empty(n), np.full(n, np.nan)
    masked = np.zeros(n, dtype=bool)
    n_fallback = 0
    labels, inverse = np.unique(group, return_inverse=True)
    for g in range(labels.size):
        idx = np.flatnonzero(inverse == g)
        idx = idx[np.argsort(time[idx], kind="stable")]
        t, y, e = time[idx], mag[idx], mag_err[idx]
        if idx.size < options.min_gp_points:
            n_fallback += 1
            b[idx] = np.median(y)
            var[idx] = _MEDIAN_VARIANCE_FACTOR * np.median(e**2) / idx.size
            if idx.size >= 3:
                floor[idx] = excess_floor(y - b[idx], e)
            continue
        b[idx], var[idx], masked[idx], floor[idx] = _group_baseline(t, y, e, options)
    missing = np.isnan(floor)
    if missing.any():  # groups too small for a scatter estimate share the pooled floor of all points
        pooled = excess_floor((mag - b)[~masked], mag_err[~masked]) if n >= 3 else 0.0
        floor[missing] = pooled
    sigma_eff = np.sqrt(mag_err**2 + floor**2 + var)
    return Baseline(b, sigma_eff, var, floor, masked, n_fallback)
