"""Galactic coordinates of candidate positions."""

from __future__ import annotations

import astropy.units as u
import numpy as np
from astropy.coordinates import SkyCoord


def galactic_coordinates(ra_deg: np.ndarray, dec_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Galactic longitude and latitude of ICRS positions.

    Parameters
    ----------
    ra_deg, dec_deg : array_like, shape (N,)
        ICRS right ascension and declination in degrees; NaN allowed.

    Returns
    -------
    l_deg, b_deg : ndarray, shape (N,)
        Galactic longitude in [0, 360) and latitude in [-90, 90] degrees (astropy's ``galactic``
        frame); NaN where either input coordinate is not finite.
    """
    ra = np.asarray(ra_deg, dtype=np.float64).reshape(-1)
    dec = np.asarray(dec_deg, dtype=np.float64).reshape(-1)
    if ra.shape != dec.shape:
        raise ValueError(f"ra and dec differ in length: {ra.size} != {dec.size}")
    l_deg = np.full(ra.shape, np.nan)
    b_deg = np.full(ra.shape, np.nan)
    good = np.isfinite(ra) & np.isfinite(dec) & (np.abs(dec) <= 90.0)
    if good.any():
        gal = SkyCoord(ra=ra[good] * u.deg, dec=dec[good] * u.deg, frame="icrs").galactic
        l_deg[good] = gal.l.deg
        b_deg[good] = gal.b.deg
    return l_deg, b_deg
