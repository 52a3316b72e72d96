"""When a ground survey observes: sky visibility by season, per-camera nightly visits, and a
high-cadence follow-up network during microlensing events."""

from __future__ import annotations

import numpy as np

#: JD of J2000.0.
JD_J2000 = 2451545.0


def sun_longitude(jd: np.ndarray) -> np.ndarray:
    """Mean ecliptic longitude of the Sun (deg, [0, 360)) at Julian dates ``jd``, shape as ``jd``."""
    return np.mod(280.460 + 0.9856474 * (np.asarray(jd, dtype=float) - JD_J2000), 360.0)


def field_visible(jd: np.ndarray, ra_deg: float, sun_avoid_deg: float) -> np.ndarray:
    """True where a field at right ascension ``ra_deg`` is more than ``sun_avoid_deg`` from the Sun in
    longitude, i.e. observable at night (a field near the ecliptic; 60 deg gives ~8 months a year).

    Returns
    -------
    ndarray of bool, shape as ``jd``
    """
    gap = np.abs(np.mod(sun_longitude(jd) - ra_deg + 180.0, 360.0) - 180.0)
    return gap > sun_avoid_deg


def camera_epochs(
    rng: np.random.Generator,
    jd_range: tuple[float, float],
    ra_deg: float,
    sun_avoid_deg: float,
    cadence_days: float,
    weather_keep: float,
    night_centre: float,
) -> np.ndarray:
    """Visit times of one camera: at most one visit a night, on clear nights when the field is up.

    Parameters
    ----------
    rng : Generator
        Random generator (consumed).
    jd_range : (float, float)
        First and last night (JD).
    ra_deg : float
        Right ascension of the field (deg), for seasonal visibility.
    sun_avoid_deg : float
        See :func:`field_visible`.
    cadence_days : float
        Mean interval between visits on clear nights in season (days, >= 1).
    weather_keep : float
        Probability that a night is clear.
    night_centre : float
        Fraction of a JD at which the camera's site observes the field (its local midnight).

    Returns
    -------
    ndarray, shape (M,)
        Sorted visit times (JD), jittered by up to +-0.15 d around ``night_centre``.
    """
    nights = np.arange(np.floor(jd_range[0]), np.floor(jd_range[1]) + 1.0)
    up = field_visible(nights + night_centre, ra_deg, sun_avoid_deg)
    keep = up & (rng.random(nights.size) < weather_keep) & (rng.random(nights.size) < 1.0 / cadence_days)
    times = nights[keep] + night_centre + rng.uniform(-0.15, 0.15, int(keep.sum()))
    return times[(times >= jd_range[0]) & (times <= jd_range[1])]


def followup_epochs(
    rng: np.random.Generator,
    t0: float,
    tE: float,
    ra_deg: float,
    sun_avoid_deg: float,
    dense_half_width_tau: float,
    sparse_half_width_tau: float,
    cadence_minutes: float,
    block_keep: float,
) -> np.ndarray:
    """Visit times of a round-the-world follow-up network (three sites, 8-hour night blocks) during a
    microlensing event.

    Dense coverage, one visit every ``cadence_minutes``, runs over ``t0 +- dense_half_width_tau tE``;
    each 8-hour block is kept with probability ``block_keep`` (weather). Outside it, out to
    ``t0 +- sparse_half_width_tau tE``, one visit a day on days kept with the same probability.
    Times when the field is too close to the Sun are dropped.

    Returns
    -------
    ndarray, shape (M,)
        Sorted visit times (JD).
    """
    step = cadence_minutes / 1440.0
    dense = np.arange(t0 - dense_half_width_tau * tE, t0 + dense_half_width_tau * tE, step)
    blocks = np.floor(dense * 3.0)
    unique_blocks, block_index = np.unique(blocks, return_inverse=True)
    dense = dense[(rng.random(unique_blocks.size) < block_keep)[block_index]]
    days = np.arange(np.floor(t0 - sparse_half_width_tau * tE), np.ceil(t0 + sparse_half_width_tau * tE))
    days = days[np.abs(days + 0.5 - t0) > dense_half_width_tau * tE]
    kept = days[rng.random(days.size) < block_keep]
    sparse = kept + rng.uniform(0.3, 0.7, kept.size)
    times = np.sort(np.concatenate([dense, sparse]))
    return times[field_visible(times, ra_deg, sun_avoid_deg)]
