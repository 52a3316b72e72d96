"""Lomb–Scargle periodograms (astropy) for slow periodic modulation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from astropy.timeseries import LombScargle


@dataclass(frozen=True)
class Peak:
    """Highest peak of a periodogram.

    Attributes
    ----------
    period : float
        Period of the peak (days); NaN when the series is too short.
    power : float
        Its normalised power (``standard`` normalisation, 0..1).
    false_alarm : float
        Baluev false-alarm probability of the peak (NaN for fewer than 8 points).
    """

    period: float
    power: float
    false_alarm: float


def highest_peak(
    time: np.ndarray, value: np.ndarray, error: np.ndarray, min_period: float, max_period: float, n_freq: int
) -> Peak:
    """Highest Lomb–Scargle peak between ``min_period`` and ``max_period`` (days) on ``n_freq`` frequencies.

    Parameters
    ----------
    time, value, error : ndarray, shape (N,)
        Times (days), values and their errors (mag).
    min_period, max_period : float
        Period range searched (days, ``max_period > min_period``).
    n_freq : int
        Frequencies, evenly spaced in frequency.

    Returns
    -------
    Peak
        NaN fields with fewer than 4 points or no positive range.
    """
    nan = float("nan")
    if time.size < 4 or not max_period > min_period:
        return Peak(nan, nan, nan)
    frequency = np.linspace(1.0 / max_period, 1.0 / min_period, n_freq)
    model = LombScargle(time, value, error)
    power = model.power(frequency, method="cython")
    k = int(np.nanargmax(power))
    fap = nan
    if time.size >= 8:
        fap = float(
            model.false_alarm_probability(
                power[k], minimum_frequency=frequency[0], maximum_frequency=frequency[-1]
            )
        )
    return Peak(float(1.0 / frequency[k]), float(power[k]), fap)
