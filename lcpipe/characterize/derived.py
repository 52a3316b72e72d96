"""Quantities derived from matched catalog columns: distance, absolute magnitude, colors, IR class."""

from __future__ import annotations

import numpy as np

#: Labels of :func:`ir_class_koenig_leisawitz`.
IR_CLASSES: tuple[str, ...] = ("Class I", "Class II", "transition disk", "main sequence", "unknown")


def distance_from_parallax(
    parallax_mas: np.ndarray, parallax_error_mas: np.ndarray, min_snr: float = 5.0
) -> tuple[np.ndarray, np.ndarray]:
    """Distance as the inverse parallax, only where the parallax is measured well.

    ``1000 / parallax`` is a fair distance estimate only for precise parallaxes; for
    ``parallax / parallax_error`` below about 5 the inverse is strongly biased (Bailer-Jones
    2015), so those rows get NaN rather than a misleading number. No zero-point correction is
    applied.

    Parameters
    ----------
    parallax_mas, parallax_error_mas : ndarray, shape (N,)
        Parallax and its standard error (mas); NaN where unknown.
    min_snr : float
        Smallest accepted ``parallax / parallax_error``.

    Returns
    -------
    distance_pc : ndarray, shape (N,)
        ``1000 / parallax`` in parsecs, NaN unless the parallax passes.
    status : ndarray of str, shape (N,)
        ``"ok"``, ``"no_parallax"`` (NaN parallax), ``"nonpositive_parallax"``,
        ``"no_parallax_error"`` (NaN or non-positive error: quality cannot be judged) or
        ``"low_parallax_snr"``.
    """
    plx = np.asarray(parallax_mas, dtype=np.float64)
    err = np.asarray(parallax_error_mas, dtype=np.float64)
    status = np.full(plx.shape, "ok", dtype=object)
    with np.errstate(invalid="ignore", divide="ignore"):
        low_snr = plx / err < min_snr
    status[low_snr] = "low_parallax_snr"
    status[~(np.isfinite(err) & (err > 0))] = "no_parallax_error"
    status[plx <= 0] = "nonpositive_parallax"
    status[~np.isfinite(plx)] = "no_parallax"
    distance = np.full(plx.shape, np.nan)
    good = status == "ok"
    distance[good] = 1000.0 / plx[good]
    return distance, status.astype(str)


def absolute_magnitude(apparent_mag: np.ndarray, distance_pc: np.ndarray) -> np.ndarray:
    """Absolute magnitude ``m - 5 log10(d / 10 pc)``, no extinction correction; NaN where undefined.

    Parameters
    ----------
    apparent_mag, distance_pc : ndarray, shape (N,)
        Apparent magnitude and distance in parsecs.

    Returns
    -------
    ndarray, shape (N,)
    """
    mag = np.asarray(apparent_mag, dtype=np.float64)
    dist = np.asarray(distance_pc, dtype=np.float64)
    out = np.full(np.broadcast(mag, dist).shape, np.nan)
    good = np.isfinite(mag) & np.isfinite(dist) & (dist > 0)
    out[good] = mag[good] - 5.0 * np.log10(dist[good] / 10.0)
    return out


def ir_class_koenig_leisawitz(w1_w2: np.ndarray, w2_w3: np.ndarray) -> np.ndarray:
    """Infrared class from the WISE [W1−W2] vs [W2−W3] colour–colour diagram.

    Scheme of Koenig & Leisawitz (2014, ApJ 791, 131, "A classification scheme for young stellar
    objects using the WISE AllWISE catalog"), §4 and their Fig. 7, which revises Koenig et al.
    (2012, ApJ 744, 130). The boundaries below were implemented from our reading of those papers
    (no copy was at hand when writing this code; check against the paper before relying on
    sources close to a line). Evaluated in this order, first match wins, colours in magnitudes:

    1. ``w1_w2 < 0.46 * w2_w3 - 0.9`` — the locus of star-forming galaxies and AGN that KL14
       remove as contaminants → ``"unknown"``.
    2. ``w2_w3 > 2.0`` and ``w1_w2 > -0.42 * w2_w3 + 2.2`` → ``"Class I"`` (KL14 Class I line).
    3. ``w1_w2 > 0.25`` and ``w2_w3 > 1.0`` → ``"Class II"`` (Koenig et al. 2012 Class II limits,
       kept by KL14).
    4. ``w1_w2 <= 0.25`` and ``w2_w3 > 1.0`` → ``"transition disk"``: photospheric at 3.4–4.6 µm
       but with a 12 µm excess, i.e. a disk with a cleared inner region (our reading).
    5. ``w1_w2 <= 0.25`` and ``w2_w3 <= 1.0`` → ``"main sequence"`` (no infrared excess).
    6. anything else, or a NaN colour → ``"unknown"``.

    No extinction correction is applied: reddening moves sources up and right in this diagram,
    so heavily reddened photospheres can fall in the Class II box.

    Parameters
    ----------
    w1_w2, w2_w3 : ndarray, shape (N,)
        WISE colours (AllWISE ``w1mpro - w2mpro`` and ``w2mpro - w3mpro``).

    Returns
    -------
    ndarray of str, shape (N,)
        One of :data:`IR_CLASSES`.
    """
    a = np.asarray(w1_w2, dtype=np.float64)
    b = np.asarray(w2_w3, dtype=np.float64)
    finite = np.isfinite(a) & np.isfinite(b)
    galaxy = finite & (a < 0.46 * b - 0.9)
    usable = finite & ~galaxy
    conditions = [
        usable & (b > 2.0) & (a > -0.42 * b + 2.2),
        usable & (a > 0.25) & (b > 1.0),
        usable & (a <= 0.25) & (b > 1.0),
        usable & (a <= 0.25) & (b <= 1.0),
    ]
    return np.select(conditions, list(IR_CLASSES[:4]), default="unknown").astype(str)


def color(mag_a: np.ndarray, mag_b: np.ndarray) -> np.ndarray:
    """Colour ``mag_a - mag_b`` (NaN where either magnitude is NaN), shape of the inputs."""
    return np.asarray(mag_a, dtype=np.float64) - np.asarray(mag_b, dtype=np.float64)
