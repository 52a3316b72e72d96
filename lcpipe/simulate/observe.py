"""What the demo survey observes of one star: its cameras and visits, the injected signal, the noisy
flagged photometry."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lcpipe.simulate.cadence import camera_epochs, field_visible, followup_epochs
from lcpipe.simulate.injections import (
    ChooseT0,
    Injection,
    draw_dip,
    draw_eclipsing_binary,
    draw_flare,
    draw_microlensing,
)
from lcpipe.simulate.stars import Star
from lcpipe.simulate.survey_options import SurveySimOptions

#: JD fraction of local midnight at four survey sites (Chile, South Africa, Texas, Hawaii); cameras are
#: assigned to sites in pairs, in pool order.
SITE_MIDNIGHT = (0.70, 0.44, 0.79, 0.93)


@dataclass(frozen=True)
class Photometry:
    """Observed points of one light curve, each array shape (N,), time-sorted."""

    jd: np.ndarray
    mag: np.ndarray
    mag_err: np.ndarray
    good: np.ndarray
    camera_number: np.ndarray
    band: np.ndarray
    saturated: np.ndarray
    camera_field: np.ndarray
    n_bad: int
    n_outliers: int
    n_saturated: int


def survey_epochs(
    rng: np.random.Generator, options: SurveySimOptions, star: Star
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Cameras of a star and its survey visits: (camera names, times shape (N,), camera index (N,))."""
    n_cam = int(rng.integers(options.cameras_per_star[0], options.cameras_per_star[1] + 1))
    first = str(rng.choice(options.v_cameras))
    others = [c for c in (*options.v_cameras, *options.g_cameras) if c != first]
    cameras = [first, *(str(c) for c in rng.choice(others, size=n_cam - 1, replace=False))]
    jd_end = options.jd_start + options.span_days
    g_start = options.jd_start + options.g_start_fraction * options.span_days
    times, owner = [], []
    for k, cam in enumerate(cameras):
        start = g_start if cam in options.g_cameras else options.jd_start
        site = SITE_MIDNIGHT[(options.camera_pool.index(cam) // 2) % len(SITE_MIDNIGHT)]
        cadence = rng.uniform(*options.cadence_days)
        t = camera_epochs(
            rng, (start, jd_end), star.ra, options.sun_avoid_deg, cadence, options.weather_keep, site
        )
        times.append(t)
        owner.append(np.full(t.size, k))
    return cameras, np.concatenate(times), np.concatenate(owner)


def _inner_times(options: SurveySimOptions, times: np.ndarray) -> np.ndarray:
    """Survey visits between the 5th and 95th percentile in time (the mid-survey night if none)."""
    inner = np.sort(times)[int(0.05 * times.size) : int(0.95 * times.size) + 1]
    return inner if inner.size else np.array([options.jd_start + 0.5 * options.span_days])


def _choose_t0(options: SurveySimOptions, star: Star, survey_times: np.ndarray) -> ChooseT0:
    """A microlensing peak time near a survey visit such that the peak and the anomaly are in season."""
    inner = _inner_times(options, survey_times)

    def choose(rng: np.random.Generator, tE: float, tau_anomaly: float) -> float:
        t0 = float(rng.choice(inner))
        for _ in range(100):
            checks = t0 + np.array([-0.3 * tE, 0.0, 0.3 * tE, tau_anomaly * tE - 1.0, tau_anomaly * tE + 1.0])
            if field_visible(checks, star.ra, options.sun_avoid_deg).all():
                break
            t0 = float(rng.choice(inner))
        return t0

    return choose


def draw_injection(
    rng: np.random.Generator, options: SurveySimOptions, star: Star, kind: str, survey_times: np.ndarray
) -> tuple[Injection, np.ndarray]:
    """The star's injected signal and its follow-up visit times (empty unless microlensing)."""
    ranges = options.injections
    inner = _inner_times(options, survey_times)
    if kind == "dip":
        return draw_dip(rng, ranges, float(rng.choice(inner))), np.empty(0)
    if kind == "eclipsing_binary":
        injection = draw_eclipsing_binary(rng, ranges, 0.0)
        t0 = options.jd_start + rng.uniform(0.0, injection.params["period"])
        return Injection(injection.kind, {**injection.params, "t0": t0}), np.empty(0)
    if kind == "flare":
        return draw_flare(rng, ranges, float(rng.choice(inner)) - rng.uniform(0.0, 0.5)), np.empty(0)
    if kind in ("pspl", "pspl_planet"):

        def sample(r: np.random.Generator, t0: float, tE: float) -> np.ndarray:
            followup = followup_epochs(
                r, t0, tE, star.ra, options.sun_avoid_deg, options.followup_dense_half_width_tau,
                options.followup_sparse_half_width_tau, options.followup_cadence_minutes,
                options.followup_block_keep,
            )  # fmt: skip
            return np.concatenate([survey_times, followup])

        def error(t: np.ndarray, factor: np.ndarray) -> np.ndarray:
            return options.noise.error(star.mag - 2.5 * np.log10(factor))

        choose = _choose_t0(options, star, survey_times)
        injection, times = draw_microlensing(
            rng, ranges, kind == "pspl_planet", choose, sample, error, options.anomaly
        )
        return injection, times[survey_times.size :]
    return Injection(kind), np.empty(0)


def observe(
    rng: np.random.Generator,
    options: SurveySimOptions,
    star: Star,
    injection: Injection,
    cameras: list[str],
    times: np.ndarray,
    owner: np.ndarray,
) -> Photometry:
    """Noisy, flagged photometry of the star at the given visits (``owner`` indexes ``cameras``)."""
    order = np.argsort(times, kind="stable")
    times, owner = times[order], owner[order]
    n = times.size
    is_followup = np.array([c == options.followup_camera for c in cameras])
    offsets = rng.uniform(*options.camera_offset_mag, len(cameras)) * rng.choice([-1.0, 1.0], len(cameras))
    offsets[is_followup] = 0.0
    scales = rng.uniform(*options.error_scale, len(cameras))
    is_g = np.array([c in options.g_cameras for c in cameras])
    g_minus_v = 0.35 * star.bp_rp
    true_mag = (star.mag + offsets[owner] + np.where(is_g[owner], g_minus_v, 0.0)
                - 2.5 * np.log10(injection.flux_factor(times)))  # fmt: skip
    mag_err = options.noise.error(true_mag) * rng.lognormal(0.0, 0.1, n)
    mag = true_mag + rng.normal(0.0, 1.0, n) * mag_err * scales[owner]
    good = np.ones(n, dtype=int)
    saturated = np.zeros(n, dtype=int)
    n_bad = int(rng.binomial(n, options.bad_fraction)) if n else 0
    bad = rng.choice(n, size=n_bad, replace=False) if n_bad else np.empty(0, dtype=int)
    good[bad] = 0
    mag[bad] += rng.choice([-1.0, 1.0], n_bad) * rng.uniform(0.3, 1.5, n_bad)
    mag_err[bad] *= rng.uniform(2.0, 5.0, n_bad)
    clean = np.flatnonzero(good == 1)
    n_outliers = int(rng.random() < options.outlier_probability and clean.size > 0)
    if n_outliers:
        mag[rng.choice(clean)] += rng.choice([-1.0, 1.0]) * rng.uniform(0.3, 0.8)
    n_saturated = int(rng.random() < options.saturated_probability and clean.size > 0)
    if n_saturated:
        index = rng.choice(clean)
        saturated[index] = 1
        mag[index] += rng.uniform(0.2, 0.5)
    pool = options.camera_pool
    numbers = np.array([pool.index(c) for c in cameras])
    field_name = f"F{int(star.ra * 10):04d}{round(star.dec):+03d}"
    return Photometry(
        jd=times,
        mag=mag,
        mag_err=mag_err,
        good=good,
        camera_number=numbers[owner],
        band=np.where(is_g[owner], 0, 1),
        saturated=saturated,
        camera_field=np.array([f"{c}/{field_name}" for c in cameras])[owner],
        n_bad=n_bad,
        n_outliers=n_outliers,
        n_saturated=n_saturated,
    )
