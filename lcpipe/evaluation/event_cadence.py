"""Null trials on the cadence and noise of a real multi-dataset (or dense) event.

:mod:`lcpipe.evaluation.real_cadence` measures the verdict's false-alarm rate on OGLE-II curves (one
data set, 1-3-night cadence), the curves the calibration was fitted on. This module makes null
trials from any other real event, so that the rate can be measured per cadence family (multi-site
follow-up, space-like 15-minute cadence).

An event is reduced to an :class:`EventCadence` by its joint single-lens fit: the epochs, the data
set of each point, the errors brought onto the reference data set's flux scale and multiplied by
each data set's error factor
(:func:`~lcpipe.microlensing.photometry.rescale_errors_by_group`), the normalised residuals, and the
fitted event. Points inside ``drop`` windows (a published anomaly) are left out before the fit, so no
real anomaly enters the noise. A null trial is a new single-lens event near the real one (the
follow-up data sets cover the real peak only): ``t0`` within 0.2 tE of it, tE and u0 within factors
``exp(+-0.2)`` and ``exp(+-0.3)``, the reference data set's source and blend flux on every data set,
plus the real residuals rearranged by the event null's stationary bootstrap within each season and
data set (:func:`lcpipe.microlensing.null.shifted_residuals`). The trial is searched jointly, each
data set with its own fluxes, as the pipeline searches the real event. As in ``real_cadence``, only
trials whose fit passes the event selection count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from lcpipe.microlensing.event_selection import EventSelection
from lcpipe.microlensing.finder import FinderOptions, find_anomalies
from lcpipe.microlensing.fit_input import FitInput
from lcpipe.microlensing.grid import ScanOptions, build_grid
from lcpipe.microlensing.null import season_dataset_blocks, shifted_residuals
from lcpipe.microlensing.photometry import rescale_errors_by_group
from lcpipe.microlensing.pspl import pspl_magnification


@dataclass(frozen=True)
class EventCadence:
    """One real event reduced to what a null trial keeps.

    Attributes
    ----------
    name, family : str
        Event name and cadence family (e.g. ``multi-site``, ``roman``).
    time : ndarray, shape (N,)
        Sorted epochs (days).
    group : ndarray, shape (N,), int64
        Data set code of each point (0 the reference data set).
    flux_err : ndarray, shape (N,)
        Errors on the reference data set's flux scale, times each data set's error factor.
    z : ndarray, shape (N,)
        Normalised residuals of the joint fit.
    t0, tE, u0, fs, fb : float
        The joint fit's event and the reference data set's source and blend flux.
    """

    name: str
    family: str
    time: np.ndarray
    group: np.ndarray
    flux_err: np.ndarray
    z: np.ndarray
    t0: float
    tE: float
    u0: float
    fs: float
    fb: float


def event_cadence(
    data: FitInput, name: str, family: str, drop: Sequence[tuple[float, float]] = ()
) -> EventCadence:
    """The cadence of a real event (see the module docstring).

    Parameters
    ----------
    data : FitInput
        The event's points (:func:`lcpipe.microlensing.fit_input.fit_input`).
    name, family : str
    drop : sequence of (start, end)
        Time windows (days, the frame of ``data.time``) left out, e.g. a published anomaly.

    Raises
    ------
    ValueError
        If the joint fit of the remaining points fails.
    """
    keep = np.ones(len(data), bool)
    for start, end in drop:
        keep &= ~((data.time >= start) & (data.time <= end))
    kept = replace(
        data,
        time=data.time[keep],
        flux=data.flux[keep],
        flux_err=data.flux_err[keep],
        dataset=data.dataset[keep],
    )
    fit = kept.fit()
    if not fit.ok:
        raise ValueError(f"{name}: the single-lens fit failed ({fit.status})")
    _, scaled, _ = rescale_errors_by_group(fit)
    return EventCadence(
        name,
        family,
        fit.time,
        fit.group,
        scaled,
        fit.residuals / scaled,
        fit.t0,
        fit.tE,
        fit.u0,
        fit.fs,
        fit.fb,
    )


def null_trial(cadence: EventCadence, rng: np.random.Generator, options: FinderOptions) -> dict[str, object]:
    """One null trial on ``cadence``: a new single-lens event and rearranged real residuals, searched."""
    t, group = cadence.time, cadence.group
    t0 = cadence.t0 + cadence.tE * float(rng.uniform(-0.2, 0.2))
    tE = cadence.tE * float(np.exp(rng.uniform(-0.2, 0.2)))
    u0 = cadence.u0 * float(np.exp(rng.uniform(-0.3, 0.3)))
    model = cadence.fs * pspl_magnification(t, t0, tE, u0) + cadence.fb
    blocks = season_dataset_blocks(t, group, build_grid(t, ScanOptions()))
    noise = shifted_residuals(cadence.z, cadence.flux_err, blocks, np.zeros(t.size, bool), rng)
    result = find_anomalies(
        t, model + noise, cadence.flux_err, options=options, group=group, independent_scales=group.max() > 0
    )
    row = result.summary_dict()
    return {
        "family": cadence.family,
        "curve": cadence.name,
        "n_points": int(t.size),
        "t0": t0,
        "tE": tE,
        "u0": u0,
        "status": row["status"],
        "is_event": bool(result.fit.ok and EventSelection().is_event(result.fit)[0]),
        "flag": bool(row["has_candidate"]),
        "best_t0": row["best_t0"],
        "best_dchi2": row["best_dchi2"],
        "best_log10_fap": row["best_log10_fap"],
        "best_log10_fap_event": row["best_log10_fap_event"],
        "n_null": row["n_null"],
        "verdict_reason": row["verdict_reason"],
        "time_total_s": row["time_total_s"],
    }


def run_null_trials(
    cadences: Sequence[EventCadence],
    n_trials: int,
    *,
    seed: int = 0,
    options: FinderOptions | None = None,
) -> pd.DataFrame:
    """``n_trials`` null trials per cadence; trial ``i`` of cadence ``k`` is seeded ``[seed, k, i]``."""
    options = FinderOptions() if options is None else options
    rows = [
        null_trial(cadence, np.random.default_rng([seed, k, i]), options)
        for k, cadence in enumerate(cadences)
        for i in range(n_trials)
    ]
    return pd.DataFrame(rows)
