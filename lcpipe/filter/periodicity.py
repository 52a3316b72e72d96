"""Optional periodicity test: bootstrap false-alarm probability of the highest Lomb-Scargle peak.

The default periodicity check is the dip search's own (:mod:`lcpipe.dips.periodic`: one periodogram with
Baluev's analytic false-alarm probability and a fold of the dips, about 40 ms per curve, columns
``periodic``, ``period``, ``period_fap`` that the filter's ``periodic`` family reads). This bootstrap test
costs ``n_bootstrap`` periodograms per source and re-reads every surviving light curve; it stays as an
independent, slower cross-check.

A dip or brightening in a light curve that is strictly periodic (eclipsing binary, pulsator) is a
known kind of variable rather than a new event, so the filter can reject sources whose light curve
is significantly periodic. The test takes the light curve from the packed shards of the bin
(:mod:`lcpipe.io.packed`) or, without them, reads it (``lcpipe.io.load_clean``), keeps its
dominant band, removes each camera's median magnitude (camera zero points otherwise add power at
long periods), masks the event itself (a single deep dip has Fourier power at every long period),
and computes the astropy Lomb-Scargle periodogram on a fixed frequency grid between
``1 / max_period_days`` and ``1 / min_period_days``. The false-alarm probability of its highest peak
is estimated by bootstrap: the magnitudes (with their errors) are resampled with replacement onto
the same times ``n_bootstrap`` times, and
``fap = (1 + #{bootstrap maximum >= observed maximum}) / (1 + n_bootstrap)``, so its resolution is
``1 / (n_bootstrap + 1)`` and it is never 0. astropy's own ``method="bootstrap"`` is not used because
it always scans down to its automatic minimum frequency, not the configured period range.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from astropy.timeseries import LombScargle

from lcpipe.io import load_clean
from lcpipe.io.packed import PackedEntry, packed_light_curve, read_packed_files

#: Output columns of :func:`periodicity_table`.
PERIODICITY_COLUMNS: tuple[str, ...] = (
    "periodicity_status",
    "periodicity_period",
    "periodicity_power",
    "periodicity_fap",
)


@dataclass(frozen=True)
class PeriodicityOptions:
    """Settings of the periodicity test (config section ``filter.periodicity``).

    Attributes
    ----------
    enabled : bool
        Apply the test (off by default: it reads every surviving light curve again).
    n_bootstrap : int
        Bootstrap resamplings per light curve (FAP resolution ``1 / (n_bootstrap + 1)``, which
        must be below ``max_fap``). Each costs one periodogram: about 0.2 s for 30,000 frequencies
        with astropy 8, so this test is meant for the few survivors of the other tests.
    min_period_days, max_period_days : float
        Period range searched (days).
    samples_per_peak : int
        Frequency grid oversampling: step ``1 / (samples_per_peak * time span)``. The statistic is
        the highest power on this grid for the data and for every bootstrap sample alike, so a
        coarse grid keeps the test consistent (it only blurs the reported period a little).
    event_pad : float
        Points within the event window widened by this many event durations on each side are
        left out (see :func:`event_windows`).
    min_points : int
        Fewer points (after masking) gives status ``too_few_points`` and the test passes.
    seed : int
        Base seed; each source's generator is seeded with (seed, hash of its source_id).
    """

    enabled: bool = False
    n_bootstrap: int = 100
    max_fap: float = 0.02
    min_period_days: float = 0.1
    max_period_days: float = 100.0
    samples_per_peak: int = 2
    event_pad: float = 1.0
    min_points: int = 30
    seed: int = 0

    def __post_init__(self) -> None:
        if self.n_bootstrap < 1 or not 0 < self.max_fap < 1:
            raise ValueError("n_bootstrap must be >= 1 and max_fap in (0, 1)")
        if 1.0 / (self.n_bootstrap + 1) >= self.max_fap:
            raise ValueError(
                f"n_bootstrap={self.n_bootstrap} cannot resolve max_fap={self.max_fap}: the smallest "
                f"bootstrap FAP is 1/(n_bootstrap + 1); use n_bootstrap >= {int(np.ceil(1 / self.max_fap))}"
            )
        if not 0 < self.min_period_days < self.max_period_days:
            raise ValueError("need 0 < min_period_days < max_period_days")
        if self.samples_per_peak < 1 or self.event_pad < 0 or self.min_points < 3:
            raise ValueError("samples_per_peak >= 1, event_pad >= 0 and min_points >= 3 required")


@dataclass(frozen=True)
class PeriodicityResult:
    """Periodogram peak of one light curve.

    Attributes
    ----------
    status : str
        ``ok``, ``too_few_points`` or a light-curve read status.
    period : float
        Period of the highest peak (days; NaN unless ok).
    power : float
        Its standard-normalised Lomb-Scargle power (NaN unless ok).
    fap : float
        Bootstrap false-alarm probability (NaN unless ok).
    """

    status: str
    period: float = np.nan
    power: float = np.nan
    fap: float = np.nan


def source_rng(seed: int, source_id: object) -> np.random.Generator:
    """Generator seeded by ``seed`` and a stable hash of ``source_id`` (same answer in every run)."""
    digest = hashlib.sha256(str(source_id).encode()).digest()
    return np.random.default_rng([seed, int.from_bytes(digest[:8], "little")])


def bootstrap_periodogram(
    time: np.ndarray,
    mag: np.ndarray,
    mag_err: np.ndarray,
    options: PeriodicityOptions,
    rng: np.random.Generator,
) -> PeriodicityResult:
    """Highest Lomb-Scargle peak and its bootstrap false-alarm probability.

    Parameters
    ----------
    time, mag, mag_err : ndarray, shape (N,)
        Times (days), magnitudes and errors (mag) of one band, camera offsets removed.
    options : PeriodicityOptions
    rng : numpy.random.Generator

    Returns
    -------
    PeriodicityResult
    """
    good = np.isfinite(time) & np.isfinite(mag) & np.isfinite(mag_err) & (mag_err > 0)
    t, y, dy = time[good], mag[good], mag_err[good]
    if t.size < options.min_points or np.ptp(t) <= 0 or np.ptp(y) == 0:
        return PeriodicityResult("too_few_points")
    f_min, f_max = 1.0 / options.max_period_days, 1.0 / options.min_period_days
    step = 1.0 / (options.samples_per_peak * np.ptp(t))
    frequency = np.arange(f_min, f_max + step, step)

    observed = LombScargle(t, y, dy).power(frequency, method="fast")
    peak = int(np.argmax(observed))
    exceed = 0
    for _ in range(options.n_bootstrap):
        pick = rng.integers(0, t.size, t.size)
        boot = LombScargle(t, y[pick], dy[pick]).power(frequency, method="fast")
        exceed += int(np.max(boot) >= observed[peak])
    fap = (1.0 + exceed) / (1.0 + options.n_bootstrap)
    return PeriodicityResult("ok", float(1.0 / frequency[peak]), float(observed[peak]), float(fap))


def event_windows(row: Mapping[str, Any], pad: float) -> list[tuple[float, float]]:
    """Time windows (days) of a source's detected events, each widened by ``pad`` durations per side.

    Dip and jump runs use ``*_run_t_start`` and ``*_run_duration`` (at least one day); a PSPL event
    uses ``t0 +- tE``. Missing or non-finite values give no window.
    """
    windows = []
    for kind in ("dip", "jump"):
        start, duration = _number(row, f"{kind}_run_t_start"), _number(row, f"{kind}_run_duration")
        if np.isfinite(start) and np.isfinite(duration):
            width = max(duration, 1.0)
            windows.append((start - pad * width, start + width + pad * width))
    t0, te = _number(row, "pspl_t0"), _number(row, "pspl_tE")
    is_event = row.get("pspl_is_event", False)
    if isinstance(is_event, bool | np.bool_) and is_event and np.isfinite(t0) and np.isfinite(te):
        windows.append((t0 - (1.0 + pad) * te, t0 + (1.0 + pad) * te))
    return windows


def _number(row: Mapping[str, Any], key: str) -> float:
    try:
        return float(row.get(key, np.nan))
    except (TypeError, ValueError):
        return np.nan


def source_periodicity(
    row: Mapping[str, Any],
    options: PeriodicityOptions,
    read: Mapping[str, Any] | None = None,
    cleaning: Mapping[str, Any] | None = None,
    packed: Mapping[str, PackedEntry] | None = None,
) -> PeriodicityResult:
    """Periodicity of one events-table row: read its light curve, mask its events, bootstrap the peak.

    Parameters
    ----------
    row : mapping
        ``source_id``, ``path`` and the event columns used by :func:`event_windows`.
    options : PeriodicityOptions
    read, cleaning : mapping, optional
        Reader and cleaning options (as the detection stages used them).
    packed : mapping, optional
        Packed light curves by source id (:func:`lcpipe.io.packed.read_packed_files`); the row's file is
        read when None.

    Returns
    -------
    PeriodicityResult
        A file that cannot be read gives its read status (never raises for bad data).
    """
    if packed is None:
        lc, status, _ = load_clean(row["path"], read_options=read, cleaning=cleaning)
    else:
        lc, status = packed_light_curve(packed, row["source_id"])
    if lc is None or status != "ok":
        return PeriodicityResult(status)
    bands, counts = np.unique(lc.band, return_counts=True)
    keep = lc.band == bands[np.argmax(counts)]
    for lo, hi in event_windows(row, options.event_pad):
        keep &= (lc.time < lo) | (lc.time > hi)
    time, mag, err, camera = lc.time[keep], lc.mag[keep].copy(), lc.mag_err[keep], np.asarray(lc.camera)[keep]
    for label in np.unique(camera):
        mag[camera == label] -= np.median(mag[camera == label])
    return bootstrap_periodogram(time, mag, err, options, source_rng(options.seed, row["source_id"]))


def periodicity_table(
    rows: pd.DataFrame,
    options: PeriodicityOptions,
    read: Mapping[str, Any] | None = None,
    cleaning: Mapping[str, Any] | None = None,
    light_curves: Sequence[str | Path] | None = None,
) -> pd.DataFrame:
    """Periodicity columns (:data:`PERIODICITY_COLUMNS`) for each row of an events table (same index).

    The light curves come from the packed files ``light_curves`` (the bin's
    ``shards/lightcurves_<k>.parquet``, read once for all ``rows``), else from each row's file.
    """
    packed = None if light_curves is None else read_packed_files(light_curves, rows["source_id"].astype(str))
    results = [source_periodicity(row, options, read, cleaning, packed) for row in rows.to_dict("records")]
    return pd.DataFrame(
        {
            "periodicity_status": [r.status for r in results],
            "periodicity_period": [r.period for r in results],
            "periodicity_power": [r.power for r in results],
            "periodicity_fap": [r.fap for r in results],
        },
        index=rows.index,
    ).astype(
        {
            "periodicity_status": object,
            "periodicity_period": float,
            "periodicity_power": float,
            "periodicity_fap": float,
        }
    )
