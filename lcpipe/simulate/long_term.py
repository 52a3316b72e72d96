"""Long-term signals on demo-survey photometry: linear fades and brightenings, state changes, slow
periodic modulation and damped-random-walk (red-noise) variables, against quiet stars.

The photometry is the demo survey's (:func:`lcpipe.simulate.observe.observe`): its cameras and visits,
its per-camera zero-point offsets (each camera its own, V cameras over the whole span, g cameras from
``g_start_fraction`` on), error scales, bad and saturated points. The signal is added in magnitudes. This
is the LTV injection set of the evaluation; the demo survey itself is not changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lcpipe.lightcurve import LightCurve, make_lightcurve
from lcpipe.simulate.observe import observe, survey_epochs
from lcpipe.simulate.stars import Star
from lcpipe.simulate.survey_options import SurveySimOptions

#: Kinds of long-term signal; ``quiet`` has none.
LONG_TERM_KINDS = ("quiet", "linear", "step", "periodic", "drw")


@dataclass(frozen=True)
class LongTermSignal:
    """A long-term signal in magnitudes (> 0 fainter).

    Attributes
    ----------
    kind : str
        One of :data:`LONG_TERM_KINDS`.
    params : dict
        ``linear``: ``slope`` (mag/yr), ``t_ref`` (days, zero crossing); ``step``: ``step`` (mag),
        ``t_step`` (days), ``duration`` (days, the transition's length); ``periodic``: ``amplitude``
        (mag, semi-amplitude), ``period`` (days), ``phase`` (rad); ``drw``: ``sigma`` (mag), ``tau`` (days),
        ``seed`` (int, the realisation).
    """

    kind: str
    params: dict[str, float] = field(default_factory=dict)

    def delta_mag(self, time: np.ndarray) -> np.ndarray:
        """Magnitude change at times ``time`` (days), shape as ``time``."""
        t = np.asarray(time, dtype=float)
        p = self.params
        if self.kind == "quiet":
            return np.zeros_like(t)
        if self.kind == "linear":
            return p["slope"] * (t - p["t_ref"]) / 365.25
        if self.kind == "step":
            return p["step"] * np.clip((t - p["t_step"]) / p["duration"] + 0.5, 0.0, 1.0)
        if self.kind == "periodic":
            return p["amplitude"] * np.sin(2.0 * np.pi * t / p["period"] + p["phase"])
        if self.kind == "drw":
            return damped_random_walk(np.random.default_rng(int(p["seed"])), t, p["sigma"], p["tau"])
        raise ValueError(f"unknown long-term signal kind {self.kind!r}; known: {', '.join(LONG_TERM_KINDS)}")


def damped_random_walk(rng: np.random.Generator, time: np.ndarray, sigma: float, tau: float) -> np.ndarray:
    """A stationary Ornstein–Uhlenbeck realisation (mean 0, rms ``sigma`` mag, damping ``tau`` days).

    Parameters
    ----------
    rng : Generator
        Random generator (consumed).
    time : ndarray, shape (N,)
        Times (days), any order.

    Returns
    -------
    ndarray, shape (N,)
    """
    order = np.argsort(time, kind="stable")
    t = np.asarray(time, dtype=float)[order]
    out = np.empty(t.size)
    if t.size == 0:
        return out
    decay = np.exp(-np.diff(t) / tau)
    shocks = rng.normal(0.0, 1.0, t.size)
    out[0] = sigma * shocks[0]
    for i in range(1, t.size):
        out[i] = decay[i - 1] * out[i - 1] + sigma * np.sqrt(1.0 - decay[i - 1] ** 2) * shocks[i]
    result = np.empty_like(out)
    result[order] = out
    return result


def _as_injection_factor(signal: LongTermSignal) -> Any:
    """An object with the ``flux_factor`` of :class:`lcpipe.simulate.injections.Injection` for ``observe``."""

    class _Factor:
        @staticmethod
        def flux_factor(t: np.ndarray) -> np.ndarray:
            return 10.0 ** (-0.4 * signal.delta_mag(t))

    return _Factor()


def long_term_light_curve(
    rng: np.random.Generator, options: SurveySimOptions, star: Star, signal: LongTermSignal
) -> LightCurve:
    """Demo-survey photometry of ``star`` with ``signal`` added, cleaned of flagged and saturated points.

    Parameters
    ----------
    rng : Generator
        Random generator (consumed).
    options : SurveySimOptions
        The survey (cameras, cadence, offsets, noise).
    star : Star
        Position (seasons) and mean magnitude.
    signal : LongTermSignal

    Returns
    -------
    LightCurve
        Camera labels from the camera pool, band ``V`` or ``g``; ``meta["source_id"]`` the star's id.
    """
    cameras, times, owner = survey_epochs(rng, options, star)
    phot = observe(rng, options, star, _as_injection_factor(signal), cameras, times, owner)
    keep = (phot.good == 1) & (phot.saturated == 0)
    pool = np.asarray(options.camera_pool)
    return make_lightcurve(
        phot.jd[keep],
        mag=phot.mag[keep],
        mag_err=phot.mag_err[keep],
        camera=pool[phot.camera_number[keep]],
        band=np.where(phot.band[keep] == 0, "g", "V"),
        meta={"source_id": str(star.asas_sn_id), "ra": star.ra, "dec": star.dec},
    )


def quiet_star(rng: np.random.Generator, options: SurveySimOptions, mag: float, source_id: int) -> Star:
    """A star of magnitude ``mag`` at a random position of the demo field (for the LTV injection set)."""
    ra = options.field_ra_deg + rng.uniform(-options.field_radius_deg, options.field_radius_deg)
    dec = options.field_dec_deg + rng.uniform(-options.field_radius_deg, options.field_radius_deg)
    return Star(
        source_id, "", 0, float(ra), float(dec), 0.0, 0.0, 0.1, float(mag), float(rng.uniform(1.2, 2.8))
    )
