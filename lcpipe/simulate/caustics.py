"""Planetary-anomaly geometry: aim the source at a caustic and measure the resulting anomaly."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import VBMicrolensing

from lcpipe.simulate.signals import binary_lens_magnification, primary_lens_magnification

#: Magnitude deviation from the primary-lens PSPL curve that delimits the anomaly (mag).
ANOMALY_THRESHOLD_MAG = 0.01


def caustic_points(s: float, q: float) -> np.ndarray:
    """Points along every caustic of a binary lens, shape (M, 2), in the source-plane convention of
    :mod:`lcpipe.simulate.signals` (centre of mass at the origin, secondary on +y1)."""
    curves = VBMicrolensing.VBMicrolensing().Caustics(s, q)
    return np.concatenate([np.asarray(curve, dtype=float).T for curve in curves], axis=0)


@dataclass(frozen=True)
class CausticAim:
    """A straight source trajectory crossing a chosen caustic point.

    Attributes
    ----------
    u0 : float
        Impact parameter about the centre of mass (Einstein radii).
    alpha : float
        Trajectory angle (rad).
    tau_caustic : float
        ``(t - t0) / tE`` at which the source passes the aimed caustic point.
    """

    u0: float
    alpha: float
    tau_caustic: float


def aim_at_caustic(
    rng: np.random.Generator,
    s: float,
    q: float,
    u0_range: tuple[float, float],
    max_tau: float,
    miss_range: tuple[float, float] = (0.0, 0.0),
) -> CausticAim | None:
    """Draw ``u0`` and a trajectory angle so that the source passes a random caustic point.

    The trajectory is the line ``y . n = u0`` with normal ``n = (sin alpha, -cos alpha)``; through a
    point ``c = |c| (cos phi, sin phi)`` it needs ``sin(alpha - phi) = u0 / |c|``, and passes ``c`` at
    ``tau = -|c| cos(alpha - phi)``. A miss distance ``d`` (drawn from ``miss_range``, random side) is
    obtained by solving for the line with impact parameter ``u0 +- d`` and keeping ``u0``.

    Parameters
    ----------
    rng : Generator
        Random generator (consumed).
    s, q : float
        Lens separation and mass ratio.
    u0_range : (float, float)
        Range of the impact parameter; the upper end is capped so caustic points exist beyond ``u0``.
    max_tau : float
        Only caustic points with ``|tau| <= max_tau`` (near the peak) are aimed at.
    miss_range : (float, float)
        Range of the distance (Einstein radii) by which the trajectory misses the chosen point.

    Returns
    -------
    CausticAim or None
        None when no caustic point lies within reach (``|c| < max_tau``, ``|c| >= u0_range[0]``).
    """
    points = caustic_points(s, q)
    radius = np.hypot(points[:, 0], points[:, 1])
    reachable = (radius >= u0_range[0]) & (radius <= max_tau)
    if not reachable.any():
        return None
    u0_high = min(u0_range[1], float(radius[reachable].max()))
    u0 = float(rng.uniform(u0_range[0], u0_high))
    candidates = np.flatnonzero((radius >= u0) & (radius <= max_tau))
    target = points[rng.choice(candidates)]
    r = float(np.hypot(*target))
    phi = float(np.arctan2(target[1], target[0]))
    u0_line = u0 + rng.choice([-1.0, 1.0]) * rng.uniform(*miss_range)
    offset = float(np.arcsin(np.clip(u0_line / r, -1.0, 1.0)))
    alpha = phi + offset if rng.random() < 0.5 else phi + np.pi - offset
    alpha = float(np.mod(alpha, 2.0 * np.pi))
    return CausticAim(u0=u0, alpha=alpha, tau_caustic=float(-r * np.cos(alpha - phi)))


@dataclass(frozen=True)
class AnomalyExtent:
    """Where a planetary anomaly deviates from the primary-lens PSPL curve (noiseless model).

    Attributes
    ----------
    t_peak : float
        Time of the largest magnitude deviation (days).
    t_start, t_end : float
        Contiguous span around ``t_peak`` where the deviation exceeds ``ANOMALY_THRESHOLD_MAG``.
    max_delta_mag : float
        Largest absolute magnitude deviation (mag).
    """

    t_peak: float
    t_start: float
    t_end: float
    max_delta_mag: float

    @property
    def duration(self) -> float:
        """Length of the anomaly (days)."""
        return self.t_end - self.t_start


def anomaly_delta_mag(
    t: np.ndarray, t0: float, tE: float, u0: float, q: float, s: float, alpha: float, rho: float,
    source_fraction: float,
) -> np.ndarray:  # fmt: skip
    """Magnitude of the blended binary-lens curve minus that of the primary-lens PSPL curve, shape (N,).

    Negative values mean the planet makes the source brighter than the single lens would.
    """
    binary = (
        source_fraction * binary_lens_magnification(t, t0, tE, u0, q, s, alpha, rho) + 1 - source_fraction
    )
    single = source_fraction * primary_lens_magnification(t, t0, tE, u0, q, s, alpha) + 1 - source_fraction
    return -2.5 * np.log10(binary / single)


def anomaly_extent(
    t0: float, tE: float, u0: float, q: float, s: float, alpha: float, rho: float, source_fraction: float,
    half_width_tau: float = 1.0, n_grid: int = 4000,
) -> AnomalyExtent:  # fmt: skip
    """Locate the anomaly on a regular grid of ``n_grid`` times over ``t0 +- half_width_tau tE``.

    The duration resolution is the grid step, ``2 half_width_tau tE / (n_grid - 1)``.
    """
    t = np.linspace(t0 - half_width_tau * tE, t0 + half_width_tau * tE, n_grid)
    delta = np.abs(anomaly_delta_mag(t, t0, tE, u0, q, s, alpha, rho, source_fraction))
    peak = int(np.argmax(delta))
    above = delta > ANOMALY_THRESHOLD_MAG
    if not above[peak]:
        return AnomalyExtent(float(t[peak]), float(t[peak]), float(t[peak]), float(delta[peak]))
    below = np.flatnonzero(~above)
    left = below[below < peak]
    right = below[below > peak]
    start = t[left[-1] + 1] if left.size else t[0]
    end = t[right[0] - 1] if right.size else t[-1]
    return AnomalyExtent(float(t[peak]), float(start), float(end), float(delta[peak]))
