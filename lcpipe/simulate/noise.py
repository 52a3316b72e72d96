"""Photometric error models: ground-survey magnitudes and Roman-style fluxes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _check_components(noise: SurveyNoise | RomanNoise) -> None:
    """Error components are >= 0."""
    if min(noise.floor, noise.source_term, noise.sky_term) < 0:
        raise ValueError(f"{type(noise).__name__}: error components must be >= 0, got {noise}")


@dataclass(frozen=True)
class SurveyNoise:
    """Magnitude error of a ground survey point, growing with magnitude above a floor.

    ``sigma^2 = floor^2 + source^2 10^(0.4 (m - m_ref)) + sky^2 10^(0.8 (m - m_ref))``: the source
    term is photon noise of the star (sigma_F / F ~ F^-1/2), the sky term background-limited noise
    (sigma_F / F ~ F^-1). The defaults give ~0.016 mag at V = 12 and ~0.031 mag at V = 13.5, close to
    ASAS-SN's errors at these magnitudes.

    Attributes
    ----------
    floor, source_term, sky_term : float
        Error components at ``reference_mag`` (mag).
    reference_mag : float
        Magnitude at which the components are given.
    """

    floor: float = 0.008
    source_term: float = 0.012
    sky_term: float = 0.006
    reference_mag: float = 12.0

    def __post_init__(self) -> None:
        _check_components(self)

    def error(self, mag: np.ndarray) -> np.ndarray:
        """Expected 1-sigma error (mag) at magnitudes ``mag``, shape as ``mag``."""
        scale = 10.0 ** (0.4 * (np.asarray(mag, dtype=float) - self.reference_mag))
        return np.sqrt(self.floor**2 + self.source_term**2 * scale + self.sky_term**2 * scale**2)


@dataclass(frozen=True)
class RomanNoise:
    """Flux error of a Roman-style 15-minute exposure.

    ``sigma_F^2 = (floor F)^2 + source^2 F_ref F + sky^2 F_ref^2`` with ``F_ref = 10^(-0.4 m_ref)``:
    the defaults give a relative error of ~1.35% at ``m_ref = 21.5``, as in the RGES example event.

    Attributes
    ----------
    floor : float
        Relative systematic floor.
    source_term, sky_term : float
        Relative photon and background errors at ``reference_mag``.
    reference_mag : float
        Magnitude (flux zero point 0: ``F = 10^(-0.4 m)``) at which the terms are given.
    """

    floor: float = 0.001
    source_term: float = 0.010
    sky_term: float = 0.009
    reference_mag: float = 21.5

    def __post_init__(self) -> None:
        _check_components(self)

    def error(self, flux: np.ndarray) -> np.ndarray:
        """Expected 1-sigma flux error at fluxes ``flux`` (zero point 0), shape as ``flux``."""
        flux = np.asarray(flux, dtype=float)
        ref = 10.0 ** (-0.4 * self.reference_mag)
        return np.sqrt(
            (self.floor * flux) ** 2 + self.source_term**2 * ref * flux + (self.sky_term * ref) ** 2
        )
