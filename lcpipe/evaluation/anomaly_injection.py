"""Microlensing anomaly injection-recovery on Roman-style light curves.

Two injection models:

- ``binary``: a finite-source binary-lens light curve (VBMicrolensing) over mass ratio ``q`` x
  separation ``s`` x impact parameter ``u0``, trajectory angle uniform in [0, 2 pi). The event
  without the planet is the primary lens alone on the same trajectory. Random angles make many
  trajectories miss the caustics: the efficiency includes that geometric probability, as a planet
  search's does.
- ``bump``: a Gaussian bump of fractional amplitude ``amplitude`` and width ``teff`` (days) multiplying
  the flux of a PSPL event, placed at ``t0 + tau tE`` with ``tau`` uniform in ``bump_tau``.

Both light curves of a trial (with and without the anomaly) get the same noise draw. The anomaly
window is where the noiseless anomaly changes the brightness by more than ``visible_mag`` (the
contiguous span of sampled times around its largest deviation; for a bump ``t_a +- 2 teff``), widened by
``window_pad_days``. Recovered = the finder reports a candidate whose ``best_t0`` lies in the window;
recovered before = the same on the curve without the anomaly (a false alarm in the window).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from lcpipe.evaluation.axes import Axis, check_range
from lcpipe.evaluation.chunks import Progress, run_trials
from lcpipe.microlensing.finder import FinderOptions, find_anomalies
from lcpipe.options import convert_nested
from lcpipe.simulate.noise import RomanNoise
from lcpipe.simulate.signals import (
    binary_lens_magnification,
    blended_flux_factor,
    primary_lens_magnification,
    pspl_magnification,
)

MODELS = ("binary", "bump")


@dataclass(frozen=True)
class AnomalyInjectionOptions:
    """Grid, event draws, light-curve sampling and recovery rule of the anomaly injection-recovery.

    Attributes
    ----------
    model : {"binary", "bump"}
        Injection model (see the module docstring); it decides which axes span the grid.
    q, s, u0 : tuple of float
        Bin edges (log axes) of the binary model: mass ratio, separation (Einstein radii of the total
        mass), impact parameter about the centre of mass.
    amplitude, teff_days : tuple of float
        Bin edges (log axes) of the bump model: fractional flux amplitude and Gaussian width (days).
    tE_days : (float, float)
        Einstein time range (days, log-uniform).
    bump_u0 : (float, float)
        Impact parameter range of the bump model's PSPL event.
    bump_tau : (float, float)
        Bump position range, ``(t_a - t0) / tE``.
    rho : (float, float)
        Source radius range (Einstein radii, log-uniform), binary model.
    source_fraction : (float, float)
        Lensed share of the baseline flux.
    baseline_mag : (float, float)
        Total baseline magnitude range (flux zero point 0, as the Roman simulations).
    season_start : float
        Start of the observing season (JD - 2450000).
    season_length_days, cadence_minutes : float
        One Roman-style season: its length and exposure cadence.
    peak_fraction : (float, float)
        Where ``t0`` falls within the season (fraction of its length).
    noise : RomanNoise
        Flux error model.
    visible_mag : float
        Brightness change (mag) that marks the anomaly window.
    window_pad_days : float
        The window is widened by this on each side (days).
    trials_per_cell : int
        Trials per grid cell (the sample size).
    seed : int
        Master seed; trial ``k`` draws from ``default_rng([seed, k])``.
    chunk_size : int
        Trials per chunk file.
    finder : FinderOptions
        Anomaly-finder options (a mapping of its fields works).
    """

    model: Literal["binary", "bump"] = "binary"
    q: tuple[float, ...] = (1e-4, 1e-3, 1e-2, 1e-1)
    s: tuple[float, ...] = (0.5, 0.8, 1.25, 2.0)
    u0: tuple[float, ...] = (0.01, 0.1, 0.5)
    amplitude: tuple[float, ...] = (0.003, 0.01, 0.03, 0.1)
    teff_days: tuple[float, ...] = (0.05, 0.2, 0.8, 3.0)
    tE_days: tuple[float, float] = (10.0, 40.0)
    bump_u0: tuple[float, float] = (0.05, 0.5)
    bump_tau: tuple[float, float] = (-1.0, 1.0)
    rho: tuple[float, float] = (5e-4, 5e-3)
    source_fraction: tuple[float, float] = (0.5, 1.0)
    baseline_mag: tuple[float, float] = (19.5, 22.0)
    season_start: float = 9807.5
    season_length_days: float = 72.0
    cadence_minutes: float = 15.0
    peak_fraction: tuple[float, float] = (0.3, 0.7)
    noise: RomanNoise = field(default_factory=RomanNoise)
    visible_mag: float = 0.01
    window_pad_days: float = 0.5
    trials_per_cell: int = 10
    seed: int = 20261122
    chunk_size: int = 20
    finder: FinderOptions = field(default_factory=FinderOptions)

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"AnomalyInjectionOptions.model must be one of {MODELS}, got {self.model!r}")
        for name in ("q", "s", "u0", "amplitude", "teff_days"):
            object.__setattr__(self, name, Axis(name, getattr(self, name), log=True).edges)
        for name in (
            "tE_days",
            "bump_u0",
            "bump_tau",
            "rho",
            "source_fraction",
            "baseline_mag",
            "peak_fraction",
        ):
            object.__setattr__(self, name, check_range(name, getattr(self, name)))
        convert_nested(self)
        if min(self.tE_days[0], self.rho[0], self.source_fraction[0]) <= 0 or self.source_fraction[1] > 1:
            raise ValueError(
                "AnomalyInjectionOptions: tE_days and rho must be > 0, source_fraction in (0, 1]"
            )
        if self.q[-1] > 1:
            raise ValueError(f"AnomalyInjectionOptions.q: mass ratios must be <= 1, got edges {self.q}")
        if not (self.peak_fraction[0] >= 0 and self.peak_fraction[1] <= 1):
            raise ValueError("AnomalyInjectionOptions.peak_fraction must lie in [0, 1]")
        if self.season_length_days <= 0 or self.cadence_minutes <= 0:
            raise ValueError("AnomalyInjectionOptions: season_length_days and cadence_minutes must be > 0")
        if self.trials_per_cell < 1 or self.chunk_size < 1:
            raise ValueError("AnomalyInjectionOptions: trials_per_cell and chunk_size must be >= 1")
        if self.visible_mag <= 0 or self.window_pad_days < 0:
            raise ValueError("AnomalyInjectionOptions: need visible_mag > 0 and window_pad_days >= 0")

    @property
    def axes(self) -> tuple[Axis, ...]:
        """The grid axes of the model (first varies fastest in the trial order)."""
        if self.model == "binary":
            return (Axis("q", self.q, log=True), Axis("s", self.s, log=True), Axis("u0", self.u0, log=True))
        return (Axis("amplitude", self.amplitude, log=True), Axis("teff_days", self.teff_days, log=True))

    def times(self) -> np.ndarray:
        """Exposure times of the season (JD - 2450000), shape (N,)."""
        step = self.cadence_minutes / 1440.0
        return self.season_start + step * np.arange(int(np.floor(self.season_length_days / step)))

    def settings(self) -> dict[str, Any]:
        """Plain dict of every option (provenance and resume fingerprint)."""
        return asdict(self)


def _log_uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return float(np.exp(rng.uniform(np.log(bounds[0]), np.log(bounds[1]))))


def plan_anomaly_trials(options: AnomalyInjectionOptions) -> pd.DataFrame:
    """The trial plan: cell indices and every drawn parameter (trial ``k`` from ``default_rng([seed, k])``).

    Returns
    -------
    DataFrame
        ``trial``, ``<axis>_bin`` and ``<axis>`` for each axis, ``t0``, ``tE``, ``source_fraction``,
        ``baseline_mag``, ``noise_seed``; binary: ``alpha``, ``rho``; bump: ``u0``, ``t_bump``.
    """
    axes = options.axes
    dims = tuple(axis.n_bins for axis in axes)
    rows = []
    trial = 0
    for cell in np.ndindex(*dims[::-1]):
        cell = cell[::-1]
        for _ in range(options.trials_per_cell):
            rng = np.random.default_rng([options.seed, trial])
            row: dict[str, Any] = {"trial": trial}
            for axis, k in zip(axes, cell, strict=True):
                row[f"{axis.name}_bin"] = int(k)
                row[axis.name] = axis.draw(rng, int(k))
            tE = _log_uniform(rng, options.tE_days)
            start = options.season_start + options.peak_fraction[0] * options.season_length_days
            stop = options.season_start + options.peak_fraction[1] * options.season_length_days
            row.update(
                {
                    "t0": float(rng.uniform(start, stop)),
                    "tE": tE,
                    "source_fraction": float(rng.uniform(*options.source_fraction)),
                    "baseline_mag": float(rng.uniform(*options.baseline_mag)),
                    "noise_seed": int(rng.integers(2**62)),
                }
            )
            if options.model == "binary":
                row.update(
                    {"alpha": float(rng.uniform(0.0, 2.0 * np.pi)), "rho": _log_uniform(rng, options.rho)}
                )
            else:
                row["u0"] = float(rng.uniform(*options.bump_u0))
                row["t_bump"] = row["t0"] + float(rng.uniform(*options.bump_tau)) * tE
            rows.append(row)
            trial += 1
    return pd.DataFrame(rows)


def _contiguous_window(time: np.ndarray, delta_mag: np.ndarray, threshold: float) -> tuple[float, float]:
    """Span of sampled times around the largest |delta| where |delta| > threshold (NaN if none)."""
    size = np.abs(delta_mag)
    peak = int(np.argmax(size))
    if size[peak] <= threshold:
        return float("nan"), float("nan")
    below = np.flatnonzero(size <= threshold)
    left, right = below[below < peak], below[below > peak]
    lo = left[-1] + 1 if left.size else 0
    hi = right[0] - 1 if right.size else time.size - 1
    return float(time[lo]), float(time[hi])


@dataclass(frozen=True)
class AnomalySignal:
    """Noiseless flux factors of one trial with and without the anomaly, and its window."""

    with_anomaly: np.ndarray
    without: np.ndarray
    window: tuple[float, float]
    max_delta_mag: float


def anomaly_signal(
    trial: Mapping[str, Any], time: np.ndarray, options: AnomalyInjectionOptions
) -> AnomalySignal:
    """Flux factors (shape (N,)) of a plan row at ``time`` and the anomaly window (days, unpadded)."""
    fs = float(trial["source_fraction"])
    t0, tE = float(trial["t0"]), float(trial["tE"])
    if options.model == "binary":
        q, s, u0, alpha = (float(trial[k]) for k in ("q", "s", "u0", "alpha"))
        with_planet = blended_flux_factor(
            binary_lens_magnification(time, t0, tE, u0, q, s, alpha, float(trial["rho"])), fs
        )
        without = blended_flux_factor(primary_lens_magnification(time, t0, tE, u0, q, s, alpha), fs)
        delta = -2.5 * np.log10(with_planet / without)
        window = _contiguous_window(time, delta, options.visible_mag)
        return AnomalySignal(with_planet, without, window, float(np.max(np.abs(delta))))
    without = blended_flux_factor(pspl_magnification(time, t0, tE, float(trial["u0"])), fs)
    t_bump, teff, amplitude = float(trial["t_bump"]), float(trial["teff_days"]), float(trial["amplitude"])
    bump = 1.0 + amplitude * np.exp(-0.5 * ((time - t_bump) / teff) ** 2)
    visible = 2.5 * np.log10(1.0 + amplitude) > options.visible_mag
    window = (t_bump - 2.0 * teff, t_bump + 2.0 * teff) if visible else (float("nan"), float("nan"))
    return AnomalySignal(without * bump, without, window, float(2.5 * np.log10(1.0 + amplitude)))


def _search(time: np.ndarray, flux: np.ndarray, flux_err: np.ndarray, options: AnomalyInjectionOptions):
    return find_anomalies(time, flux, flux_err, options=options.finder).summary_dict()


def _in_window(summary: Mapping[str, Any], lo: float, hi: float) -> bool:
    t = float(summary["best_t0"]) if summary["best_t0"] is not None else float("nan")
    return bool(summary["has_candidate"]) and bool(lo <= t <= hi)


def run_anomaly_trial(trial: Mapping[str, Any], options: AnomalyInjectionOptions) -> dict[str, Any]:
    """Result columns of one plan row (see :func:`run_anomaly_injection`)."""
    time = options.times()
    signal = anomaly_signal(trial, time, options)
    base_flux = 10.0 ** (-0.4 * float(trial["baseline_mag"]))
    noise = np.random.default_rng(int(trial["noise_seed"])).standard_normal(time.size)
    model_after, model_before = base_flux * signal.with_anomaly, base_flux * signal.without
    err_after, err_before = options.noise.error(model_after), options.noise.error(model_before)
    after = _search(time, model_after + noise * err_after, err_after, options)
    before = _search(time, model_before + noise * err_before, err_before, options)
    sigma = np.abs(model_after - model_before) / err_after
    lo, hi = signal.window
    lo, hi = lo - options.window_pad_days, hi + options.window_pad_days
    return {
        "status": str(after["status"]),
        "window_start": lo,
        "window_end": hi,
        "visible": bool(np.isfinite(lo)),
        "max_delta_mag": signal.max_delta_mag,
        "n_points_3sigma": int(np.count_nonzero(sigma >= 3.0)),
        "candidate_before": bool(before["has_candidate"]),
        "candidate_after": bool(after["has_candidate"]),
        "recovered_before": _in_window(before, lo, hi),
        "recovered_after": _in_window(after, lo, hi),
        "best_t0_after": float(after["best_t0"]),
        "best_teff_after": float(after["best_teff"]),
        "best_dchi2_after": float(after["best_dchi2"]),
        "best_score_after": float(after["best_score"]),
        "best_dchi2_before": float(before["best_dchi2"]),
        "error": "",
    }


def run_anomaly_injection(
    options: AnomalyInjectionOptions, chunk_dir: str | Path, *, progress: Progress | None = None
) -> pd.DataFrame:
    """Plan and run (or resume) the anomaly injection-recovery trials.

    Returns
    -------
    DataFrame
        Plan columns (:func:`plan_anomaly_trials`) plus ``status`` (the finder's on the injected
        curve), ``window_start``, ``window_end`` (padded; NaN when the anomaly never reaches
        ``visible_mag``), ``visible``, ``max_delta_mag``, ``n_points_3sigma`` (points where the anomaly
        exceeds 3 errors), ``candidate_before``/``_after`` (a candidate anywhere),
        ``recovered_before``/``_after`` (a candidate in the window), the injected search's
        ``best_t0_after``, ``best_teff_after``, ``best_dchi2_after``, ``best_score_after``,
        ``best_dchi2_before`` and ``error``.
    """
    plan = plan_anomaly_trials(options)

    def func(trial: Mapping[str, Any]) -> dict[str, Any]:
        return run_anomaly_trial(trial, options)

    return run_trials(
        plan,
        func,
        chunk_dir,
        chunk_size=options.chunk_size,
        stage=f"anomaly_injection_{options.model}",
        settings=options.settings(),
        progress=progress,
    )
