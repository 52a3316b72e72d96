"""Photometry for microlensing fits: magnitudes to linear flux, and error rescaling after a fit."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from lcpipe.lightcurve import LightCurve, mag_to_flux

#: Zero point of the fit flux: ``F = 1`` at this magnitude (the convention of the OGLE reference fits).
FIT_ZERO_POINT = 22.0


class _FitWithErrors(Protocol):
    status: str
    chi2_dof: float
    flux_err: np.ndarray


def mags_to_fit_flux(
    mag: np.ndarray, mag_err: np.ndarray, zero_point: float = FIT_ZERO_POINT
) -> tuple[np.ndarray, np.ndarray]:
    """Magnitudes to the linear flux the PSPL/FSPL fits use.

    ``F = 10**(-0.4 (m - zero_point))`` and ``sigma_F = 0.4 ln10 F sigma_m``. Blending is solved
    linearly in this flux, so ``fs`` and ``fb`` of a fit are on the same zero point.

    Parameters
    ----------
    mag, mag_err : array_like, shape (N,)
        Magnitudes and their 1-sigma errors (non-finite values propagate; the fits drop them).
    zero_point : float
        Magnitude of unit flux (default 22, as in the OGLE reference fits).

    Returns
    -------
    flux, flux_err : ndarray, shape (N,)

    Raises
    ------
    ValueError
        If ``mag`` and ``mag_err`` differ in shape or ``zero_point`` is not finite.
    """
    mag = np.asarray(mag, dtype=float)
    mag_err = np.asarray(mag_err, dtype=float)
    if mag.shape != mag_err.shape:
        raise ValueError(f"mag and mag_err must have the same shape, got {mag.shape}, {mag_err.shape}")
    if not np.isfinite(zero_point):
        raise ValueError(f"zero_point must be finite, got {zero_point}")
    return mag_to_flux(mag, mag_err, zero_point)


def rescale_errors(fit: _FitWithErrors, *, allow_shrink: bool = False) -> tuple[float, np.ndarray]:
    """Error-bar factor that brings the fit's chi2/dof to 1, and the scaled flux errors.

    ``factor = sqrt(chi2 / dof)``. By default the factor is never below 1: a fit better than its
    error bars (chi2/dof < 1) is more often over-estimated errors or too few degrees of freedom
    than a reason to claim more precision, so errors are only ever inflated. Pass
    ``allow_shrink=True`` for the symmetric convention. Ground-based photometry (e.g. OGLE) usually
    needs ``factor > 1``; the Roman parity run uses no rescaling.

    Parameters
    ----------
    fit : PSPLFit or FSPLFit
        A fit; its ``flux_err`` (shape (N,)) are the errors of the fitted points.
    allow_shrink : bool
        Allow ``factor < 1``.

    Returns
    -------
    factor : float
        NaN when the fit is not ``ok`` or chi2/dof is not finite and positive (errors unchanged).
    flux_err : ndarray, shape (N,)
        ``factor * fit.flux_err`` (a copy of the unscaled errors when the factor is NaN).
    """
    chi2_dof = float(fit.chi2_dof)
    if fit.status != "ok" or not (np.isfinite(chi2_dof) and chi2_dof > 0):
        return float("nan"), np.array(fit.flux_err, dtype=float)
    factor = float(np.sqrt(chi2_dof))
    if not allow_shrink:
        factor = max(factor, 1.0)
    return factor, factor * np.asarray(fit.flux_err, dtype=float)


def dataset_labels(lc: LightCurve) -> np.ndarray:
    """Data set of each point, ``"<camera>/<band>"``, shape (N,): the groups a microlensing fit gives
    their own blend (and, when magnified, source) flux."""
    return np.char.add(np.char.add(lc.camera.astype(str), "/"), lc.band.astype(str))


#: Fewest degrees of freedom a data set needs for its own error factor (else it takes the joint one).
MIN_DOF_OWN_SCALE = 5.0


class _GroupedFit(_FitWithErrors, Protocol):
    time: np.ndarray
    residuals: np.ndarray
    group: np.ndarray | None
    n_groups: int


def rescale_errors_by_group(
    fit: _GroupedFit, *, allow_shrink: bool = False
) -> tuple[np.ndarray, np.ndarray, float]:
    """One error-bar factor per data set (group) of a joint fit, from its chi2/dof and its scatter.

    Data set ``k`` has ``dof_k = n_k - 2 - 3 n_k / N`` (its two flux parameters and its share of the
    three shared ones) and the chi2 factor ``sqrt(chi2_k / dof_k)``. That factor measures the misfit
    as well as the noise: a data set taken during an anomaly the single-lens model does not describe
    (follow-up data often are nothing else) gets its errors inflated until the anomaly vanishes
    (OGLE-2019-BLG-0033: factors 17-21 for the survey and follow-up data of a binary). The factor is
    therefore at most the point-to-point scatter of the normalised residuals of the data set in time
    order, ``1.4826 MAD(diff(z)) / sqrt(2)``, which a smooth misfit does not raise (for white noise
    both agree). A data set with ``dof_k < MIN_DOF_OWN_SCALE`` takes the factor of the whole fit
    (:func:`rescale_errors`): a few points do not measure their own error scale. Factors are at least 1
    unless ``allow_shrink``.

    Parameters
    ----------
    fit : PSPLFit
        A fit whose ``flux_err``, ``residuals`` and ``group`` (shape (N,)) describe its points.
    allow_shrink : bool
        Allow factors below 1.

    Returns
    -------
    factors : ndarray, shape (n_groups,)
        Factor of each group code (NaN for all when the fit is not ``ok``).
    flux_err : ndarray, shape (N,)
        The scaled errors (unscaled copy when the fit is not ``ok``).
    joint : float
        The factor of the whole fit (:func:`rescale_errors`).
    """
    joint, scaled = rescale_errors(fit, allow_shrink=allow_shrink)
    n_groups = int(getattr(fit, "n_groups", 1) or 1)
    if not np.isfinite(joint):
        return np.full(n_groups, np.nan), scaled, joint
    group = np.zeros(scaled.size, np.int64) if fit.group is None else np.asarray(fit.group)
    pull2 = (np.asarray(fit.residuals, dtype=float) / np.asarray(fit.flux_err, dtype=float)) ** 2
    n_k = np.bincount(group, minlength=n_groups).astype(float)
    dof_k = n_k - 2.0 - 3.0 * n_k / max(group.size, 1)
    chi2_k = np.bincount(group, pull2, n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.minimum(np.sqrt(chi2_k / dof_k), _scatter_factors(fit, group, n_groups))
    factors = np.where((dof_k >= MIN_DOF_OWN_SCALE) & np.isfinite(own) & (own > 0), own, joint)
    if not allow_shrink:
        factors = np.maximum(factors, 1.0)
    return factors, factors[group] * np.asarray(fit.flux_err, dtype=float), joint


def _scatter_factors(fit: _GroupedFit, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Robust point-to-point scatter of each group's normalised residuals in time order, shape
    (n_groups,): ``1.4826 MAD(diff(z)) / sqrt(2)`` (infinite for a group of fewer than 3 points)."""
    z = np.asarray(fit.residuals, dtype=float) / np.asarray(fit.flux_err, dtype=float)
    order = np.argsort(np.asarray(fit.time, dtype=float), kind="stable")
    out = np.full(n_groups, np.inf)
    for k in range(n_groups):
        step = np.diff(z[order[group[order] == k]])
        if step.size >= 2:
            out[k] = 1.4826 * float(np.median(np.abs(step - np.median(step)))) / np.sqrt(2.0)
    return out
