"""Annual parallax of a single-lens event through VBMicrolensing (``PSPLLightCurveParallax``).

The model is the point-source point-lens light curve seen from the orbiting Earth, with the parallax
vector ``(pi_EN, pi_EE)`` (VBMicrolensing's North-East system, ``parallaxsystem = 1``) at the reference
time ``t0_par = t0``; source and blend fluxes are solved linearly at every trial (variable
projection). The two signs of ``u0`` are not equivalent once the Earth's motion breaks the symmetry,
so both are fitted from the static solution and the better one is kept (the other is reported).
Times must be HJD - 2450000, VBMicrolensing's ephemeris frame; coordinates ``"hh:mm:ss +dd:mm:ss"``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import VBMicrolensing
from scipy.optimize import least_squares

from lcpipe.microlensing.pspl import PSPLFit, fit_pspl
from lcpipe.microlensing.uncertainty import covariance_from_jacobian


@dataclass(frozen=True)
class ParallaxFit:
    """A single-lens fit with annual parallax.

    Attributes
    ----------
    t0, tE, u0 : float
        Closest approach (HJD - 2450000), Einstein time (days), signed impact parameter.
    pi_EN, pi_EE : float
        North and East components of the microlensing parallax.
    fs, fb : float
        Source and blend flux.
    chi2, chi2_static : float
        Chi-square with parallax and of the static PSPL fit.
    chi2_other_sign : float
        Chi-square of the best solution with the other sign of ``u0``.
    status : str
        ``ok`` or why no fit (the static fit's status, or ``fit_failed``).
    pi_EN_err, pi_EE_err : float
        1-sigma errors of the parallax components from the curvature of chi-square at the optimum
        (Gauss–Newton, fluxes profiled out), on the errors given (NaN when the curvature is singular).
    """

    t0: float
    tE: float
    u0: float
    pi_EN: float
    pi_EE: float
    fs: float
    fb: float
    chi2: float
    chi2_static: float
    chi2_other_sign: float
    status: str
    pi_EN_err: float = float("nan")
    pi_EE_err: float = float("nan")

    @property
    def pi_E(self) -> float:
        """Length of the parallax vector."""
        return float(np.hypot(self.pi_EN, self.pi_EE))


def parallax_magnification(
    time: np.ndarray, t0: float, tE: float, u0: float, pi_EN: float, pi_EE: float, coordinates: str
) -> np.ndarray:
    """PSPL magnification with annual parallax, shape (N,) (times HJD - 2450000)."""
    vbm = _model(coordinates)
    return np.asarray(vbm.PSPLLightCurveParallax([u0, np.log(tE), t0, pi_EN, pi_EE], list(time))[0])


def _model(coordinates: str) -> VBMicrolensing.VBMicrolensing:
    vbm = VBMicrolensing.VBMicrolensing()
    vbm.SetObjectCoordinates(coordinates)
    vbm.parallaxsystem = 1
    vbm.t0_par_fixed = 0
    return vbm


def fit_parallax(
    time: np.ndarray,
    flux: np.ndarray,
    flux_err: np.ndarray,
    coordinates: str,
    *,
    static: PSPLFit | None = None,
) -> ParallaxFit:
    """Fit ``(t0, tE, u0, pi_EN, pi_EE)`` from the static fit, for both signs of ``u0``.

    Parameters
    ----------
    time, flux, flux_err : ndarray, shape (N,)
        Times (HJD - 2450000), linear fluxes and errors.
    coordinates : str
        ``"hh:mm:ss.s +dd:mm:ss"`` of the event (from the manifest's ra/dec or an option).
    static : PSPLFit, optional
        The static fit to start from (fitted here when None).

    Returns
    -------
    ParallaxFit
    """
    t, f, e = (np.asarray(a, dtype=float) for a in (time, flux, flux_err))
    static = fit_pspl(t, f, e) if static is None else static
    nan = float("nan")
    if not static.ok:
        return ParallaxFit(nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, static.status)
    vbm = _model(coordinates)
    w = 1.0 / e
    times = list(t)

    def solve(theta):
        t0, ln_te, u0, pn, pe = theta
        mag = np.asarray(vbm.PSPLLightCurveParallax([u0, ln_te, t0, pn, pe], times)[0])
        design = np.column_stack([mag, np.ones_like(mag)]) * w[:, None]
        coef = np.linalg.lstsq(design, f * w, rcond=None)[0]
        return coef, w * (f - coef[0] * mag - coef[1])

    results = []
    for sign in (1.0, -1.0):
        start = np.array([static.t0, np.log(static.tE), sign * static.u0, 0.0, 0.0])
        lower = [static.t0 - 2 * static.tE, np.log(0.1), -3.0 if sign < 0 else 0.0, -5.0, -5.0]
        upper = [static.t0 + 2 * static.tE, np.log(1e4), 0.0 if sign < 0 else 3.0, 5.0, 5.0]
        start[2] = np.clip(start[2], min(lower[2], upper[2]) + 1e-9, max(lower[2], upper[2]) - 1e-9)
        best = least_squares(
            lambda th: solve(th)[1], start, bounds=(lower, upper), x_scale="jac", max_nfev=400
        )
        results.append(best)
    chi2 = [2.0 * r.cost for r in results]
    k = int(np.argmin(chi2))
    theta = results[k].x
    coef, _ = solve(theta)
    if not np.all(np.isfinite(theta)) or not np.isfinite(chi2[k]):
        return ParallaxFit(nan, nan, nan, nan, nan, nan, nan, nan, static.chi2, nan, "fit_failed")
    return ParallaxFit(
        float(theta[0]),
        float(np.exp(theta[1])),
        float(theta[2]),
        float(theta[3]),
        float(theta[4]),
        float(coef[0]),
        float(coef[1]),
        float(chi2[k]),
        float(static.chi2),
        float(chi2[1 - k]),
        "ok",
        *_errors(results[k].jac)[3:5],
    )


def _errors(weighted_jacobian: np.ndarray) -> np.ndarray:
    """1-sigma curvature errors of a least-squares solution's parameters, shape (P,) (NaN when
    singular)."""
    try:
        return np.sqrt(np.diag(covariance_from_jacobian(weighted_jacobian)))
    except ValueError:
        return np.full(weighted_jacobian.shape[1], np.nan)
