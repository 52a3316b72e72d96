"""Noiseless signal models injected into simulated light curves, vectorised over time.

Every dimming or brightening model returns a *flux factor*: the source's flux divided by its
constant baseline flux (1 where there is no signal). Magnitudes follow as ``m = m_base - 2.5 log10(factor)``.
Microlensing models return the magnification ``A`` of the lensed source; blending with unlensed light
is applied by :func:`blended_flux_factor`.

Source-plane convention (that of VBMicrolensing's ``BinaryLightCurve``): the origin is the lens
system's centre of mass, the secondary (planet) lies on the +y1 axis, and the source moves along

    y1(t) = -tau cos(alpha) + u0 sin(alpha),   y2(t) = -tau sin(alpha) - u0 cos(alpha),

with ``tau = (t - t0) / tE``, so ``u0`` is the closest approach to the centre of mass, reached at ``t0``.
"""

from __future__ import annotations

import numpy as np
import VBMicrolensing
from scipy.special import erf

#: Standardised abscissae on which the skew-normal shape is maximised numerically (its mode has no
#: closed form). A step of 1e-4 standard deviations fixes the peak depth to ~1e-8 relative.
_SKEW_GRID = np.linspace(-4.0, 4.0, 80_001)


def _skew_normal_shape(z: np.ndarray, alpha: float) -> np.ndarray:
    """Unnormalised skew-normal density ``exp(-z^2/2) (1 + erf(alpha z / sqrt 2))`` at ``z``."""
    return np.exp(-0.5 * z * z) * (1.0 + erf(alpha * z / np.sqrt(2.0)))


def mag_offset_to_flux_factor(delta_mag: np.ndarray) -> np.ndarray:
    """Flux factor ``10**(-0.4 delta_mag)`` of a magnitude offset (positive offset = fainter)."""
    return 10.0 ** (-0.4 * np.asarray(delta_mag, dtype=float))


def skew_normal_dip(t: np.ndarray, t0: float, depth_mag: float, width: float, alpha: float) -> np.ndarray:
    """Skew-normal dimming event.

    Parameters
    ----------
    t : ndarray, shape (N,)
        Times (days).
    t0 : float
        Location of the skew-normal (days); equals the time of maximum depth when ``alpha = 0``.
    depth_mag : float
        Depth at the deepest point (mag, > 0 = fainter).
    width : float
        Skew-normal scale (days); the standard deviation of the profile when ``alpha = 0``.
    alpha : float
        Skew-normal shape: > 0 gives a slow egress, < 0 a slow ingress.

    Returns
    -------
    ndarray, shape (N,)
        Flux factor; its minimum over all time is ``10**(-0.4 depth_mag)``.
    """
    if width <= 0:
        raise ValueError(f"skew_normal_dip: width must be positive, got {width}")
    z = (np.asarray(t, dtype=float) - t0) / width
    peak = float(_skew_normal_shape(_SKEW_GRID, alpha).max())
    return mag_offset_to_flux_factor(depth_mag * _skew_normal_shape(z, alpha) / peak)


def eclipsing_binary(
    t: np.ndarray,
    t0: float,
    period: float,
    duration: float,
    depth_mag: float,
    secondary_depth_mag: float,
) -> np.ndarray:
    """Detached eclipsing binary on a circular orbit: a primary eclipse at ``t0 + k P`` and a secondary
    at ``t0 + (k + 1/2) P``, both of total length ``duration``.

    Each eclipse has the rounded profile ``delta_m = depth sqrt(1 - (2 dt / duration)^2)`` for
    ``|dt| < duration / 2`` (steep ingress and egress, a limb-darkened-looking floor).

    Parameters
    ----------
    t : ndarray, shape (N,)
        Times (days).
    t0 : float
        Mid-time of a primary eclipse (days).
    period : float
        Orbital period (days).
    duration : float
        Full eclipse length (days), less than half the period.
    depth_mag, secondary_depth_mag : float
        Depths of the primary and secondary eclipses (mag).

    Returns
    -------
    ndarray, shape (N,)
        Flux factor.
    """
    if not 0 < duration < 0.5 * period:
        raise ValueError(f"eclipsing_binary: need 0 < duration < period/2, got {duration} and {period}")
    phase = np.mod(np.asarray(t, dtype=float) - t0, period)
    delta = np.zeros_like(phase)
    for centre, depth in ((0.0, depth_mag), (0.5 * period, secondary_depth_mag)):
        dt = np.abs(np.mod(phase - centre + 0.5 * period, period) - 0.5 * period)
        inside = dt < 0.5 * duration
        delta[inside] += depth * np.sqrt(1.0 - (2.0 * dt[inside] / duration) ** 2)
    return mag_offset_to_flux_factor(delta)


def flare(t: np.ndarray, t0: float, amplitude_mag: float, rise: float, decay: float) -> np.ndarray:
    """Flare: Gaussian rise to the peak at ``t0``, exponential decay after it, added in flux.

    Parameters
    ----------
    t : ndarray, shape (N,)
        Times (days).
    t0 : float
        Time of peak brightness (days).
    amplitude_mag : float
        Brightening at the peak (mag, > 0 = brighter).
    rise : float
        Gaussian standard deviation of the rise (days).
    decay : float
        e-folding time of the decay (days).

    Returns
    -------
    ndarray, shape (N,)
        Flux factor ``1 + (10**(0.4 amplitude_mag) - 1) f(t)`` with ``f(t0) = 1``.
    """
    if rise <= 0 or decay <= 0:
        raise ValueError(f"flare: rise and decay must be positive, got {rise} and {decay}")
    dt = np.asarray(t, dtype=float) - t0
    shape = np.where(
        dt < 0, np.exp(-0.5 * (np.minimum(dt, 0.0) / rise) ** 2), np.exp(-np.maximum(dt, 0.0) / decay)
    )
    return 1.0 + (10.0 ** (0.4 * amplitude_mag) - 1.0) * shape


def pspl_magnification(t: np.ndarray, t0: float, tE: float, u0: float) -> np.ndarray:
    """Point-source point-lens magnification ``A(u) = (u^2 + 2) / (u sqrt(u^2 + 4))``.

    Parameters
    ----------
    t : ndarray, shape (N,)
        Times (days).
    t0, tE, u0 : float
        Time of closest approach (days), Einstein time (days), impact parameter (Einstein radii, != 0).

    Returns
    -------
    ndarray, shape (N,)
        Magnification (>= 1).
    """
    tau = (np.asarray(t, dtype=float) - t0) / tE
    u2 = u0 * u0 + tau * tau
    return (u2 + 2.0) / np.sqrt(u2 * (u2 + 4.0))


def source_trajectory(
    t: np.ndarray, t0: float, tE: float, u0: float, alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    """Source position (y1, y2) in Einstein radii, each shape (N,), in the module's convention."""
    tau = (np.asarray(t, dtype=float) - t0) / tE
    return -tau * np.cos(alpha) + u0 * np.sin(alpha), -tau * np.sin(alpha) - u0 * np.cos(alpha)


def primary_lens_magnification(
    t: np.ndarray, t0: float, tE: float, u0: float, q: float, s: float, alpha: float
) -> np.ndarray:
    """PSPL magnification by the primary lens alone, on the binary-lens source trajectory.

    The primary sits at ``y1 = -s q / (1 + q)`` from the centre of mass; its Einstein radius is
    ``1 / sqrt(1 + q)`` of the total's. This is the light curve the planet perturbs, the reference
    against which an anomaly is measured. Shapes as :func:`pspl_magnification`.
    """
    y1, y2 = source_trajectory(t, t0, tE, u0, alpha)
    scale = np.sqrt(1.0 + q)
    u2 = ((y1 + s * q / (1.0 + q)) ** 2 + y2**2) * scale**2
    return (u2 + 2.0) / np.sqrt(u2 * (u2 + 4.0))


def binary_lens_magnification(
    t: np.ndarray, t0: float, tE: float, u0: float, q: float, s: float, alpha: float, rho: float
) -> np.ndarray:
    """Finite-source binary-lens magnification (VBMicrolensing ``BinaryLightCurve``, uniform source).

    Parameters
    ----------
    t : ndarray, shape (N,)
        Times (days).
    t0, tE, u0 : float
        Closest approach to the centre of mass (days), Einstein time of the total mass (days) and
        impact parameter (Einstein radii).
    q : float
        Mass ratio secondary / primary (0 < q <= 1).
    s : float
        Projected separation (Einstein radii of the total mass).
    alpha : float
        Trajectory angle (rad), see the module docstring.
    rho : float
        Source radius (Einstein radii).

    Returns
    -------
    ndarray, shape (N,)
        Magnification.
    """
    if not (0 < q <= 1 and s > 0 and rho > 0 and tE > 0):
        raise ValueError(
            f"binary_lens_magnification: need 0<q<=1, s>0, rho>0, tE>0; got {q}, {s}, {rho}, {tE}"
        )
    times = np.asarray(t, dtype=float)
    if times.size == 0:
        return np.empty(0)
    vbm = VBMicrolensing.VBMicrolensing()
    params = [np.log(s), np.log(q), u0, alpha, np.log(rho), np.log(tE), t0]
    magnification, _, _ = vbm.BinaryLightCurve(params, times.ravel().tolist())
    return np.asarray(magnification, dtype=float).reshape(times.shape)


def blended_flux_factor(magnification: np.ndarray, source_fraction: float) -> np.ndarray:
    """Flux factor of a lensed source blended with unlensed light: ``f_s A + (1 - f_s)``.

    ``source_fraction`` is the source's share of the baseline flux, in (0, 1].
    """
    return source_fraction * np.asarray(magnification, dtype=float) + (1.0 - source_fraction)
