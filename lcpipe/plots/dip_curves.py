"""The per-point curves of the dip search that a plot draws, computed once by the dip stage.

For one light curve, time-ordered over the usable points (:func:`lcpipe.dips.events.clean_points`):
``time`` (days), ``baseline`` and ``sigma_eff`` (mag, the per-(data set, band) baseline and effective
error of each point), ``dip_triggered`` / ``jump_triggered`` (bool per point), ``*_run_start`` /
``*_run_end`` (days, the kept runs strongest first) and ``*_profile_time`` / ``*_profile_offset`` (the
strongest run's accepted morphology profile sampled on :data:`PROFILE_SAMPLES` times, mag relative to
the baseline; empty when the row's model is ``constant``).

They come from the same library calls and options as :func:`lcpipe.dips.events.detect_events`: the
baseline, the mixture of each search (per band when ``mixture_per_band``), its trigger and runs, and the
strongest run's profile fitted in the detection's own morphology window.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from lcpipe.dips.baseline import fit_baseline
from lcpipe.dips.events import DipOptions, clean_points
from lcpipe.dips.mixture import band_evidence
from lcpipe.dips.morphology import DIP_MODELS, JUMP_MODELS, fit_profile, morphology_window, profile_values
from lcpipe.dips.trigger import find_runs, trigger_statistic
from lcpipe.lightcurve import LightCurve

#: Times at which the strongest run's profile is sampled.
PROFILE_SAMPLES = 400
#: The searches whose curves are kept.
KINDS = ("dip", "jump")
#: Per-point curves (shape (N,)); the other curve names hold runs or profile samples.
POINT_CURVES = ("time", "baseline", "sigma_eff", "dip_triggered", "jump_triggered")
#: Every curve name, with True for the boolean ones.
CURVE_NAMES: dict[str, bool] = {
    "time": False,
    "baseline": False,
    "sigma_eff": False,
    **{
        f"{kind}_{name}": name == "triggered"
        for kind in KINDS
        for name in ("triggered", "run_start", "run_end", "profile_time", "profile_offset")
    },
}


def wants_curves(row: Mapping[str, Any]) -> bool:
    """True when a dip-stage row has something to plot: status ``ok`` and a kept run, a significant
    search or a significant long fade."""
    if row.get("status") != "ok":
        return False
    runs = any(int(row.get(f"{kind}_n_runs", 0) or 0) > 0 for kind in KINDS)
    names = ("dip_significant", "jump_significant", "fade_significant")
    return runs or any(bool(row.get(name, False)) for name in names)


def dip_curves(lc: LightCurve, row: Mapping[str, Any], options: DipOptions) -> dict[str, Any]:
    """The per-point curves of one light curve under the dip stage's ``options``.

    Parameters
    ----------
    lc : LightCurve
        The cleaned light curve the dip stage searched.
    row : mapping
        Its dip-stage row (``dip_morph_model``, ``jump_morph_model`` choose the profiles).
    options : DipOptions

    Returns
    -------
    dict
        ``source_id`` and every :data:`CURVE_NAMES` entry as an ndarray (points shape (N,), runs shape
        (R,), profiles shape (:data:`PROFILE_SAMPLES`,) or (0,)).

    Raises
    ------
    numpy.linalg.LinAlgError
        When the baseline fit fails (the dip stage then has status ``fit_failed`` and no curves).
    """
    c = clean_points(lc, options)
    base = fit_baseline(c.time, c.mag, c.err, c.group, options.baseline)
    resid = c.mag - base.mag
    sigma = base.sigma_eff
    out: dict[str, Any] = {
        "source_id": lc.source_id,
        "time": c.time,
        "baseline": base.mag,
        "sigma_eff": sigma,
    }
    band = c.band if options.mixture_per_band else np.zeros(resid.size)
    for kind in KINDS:
        mix = band_evidence(resid, sigma, band, kind)
        triggered, stat = trigger_statistic(mix.point_log_bf, mix.event_prob, options.trigger)
        runs = sorted(
            find_runs(c.time, triggered, stat, c.group, options.trigger),
            key=lambda r: r.trigger_sum,
            reverse=True,
        )
        out[f"{kind}_triggered"] = triggered
        out[f"{kind}_run_start"] = np.array([r.t_start for r in runs], float)
        out[f"{kind}_run_end"] = np.array([r.t_end for r in runs], float)
        t_fine, offset = np.zeros(0), np.zeros(0)
        model = str(row.get(f"{kind}_morph_model") or "")
        if runs and model in (DIP_MODELS if kind == "dip" else JUMP_MODELS):
            sign = 1.0 if kind == "dip" else -1.0
            pads = (options.morphology_pad, options.morphology_pad_durations)
            lo, hi = morphology_window(c.time, sign * resid / sigma, c.group, runs[0], *pads)
            fit = fit_profile(model, c.time[lo:hi], resid[lo:hi], 1.0 / sigma[lo:hi] ** 2, sign)
            t_fine = np.linspace(c.time[lo], c.time[hi - 1], PROFILE_SAMPLES)
            offset = fit.offset + fit.amplitude * profile_values(fit, t_fine)
        out[f"{kind}_profile_time"], out[f"{kind}_profile_offset"] = t_fine, offset
    return out
