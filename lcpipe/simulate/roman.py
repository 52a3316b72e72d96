"""Roman-style microlensing light curves: 15-minute cadence over six 72-day seasons, in linear flux.

Fluxes are on zero point 0 (``F = 10^(-0.4 m)``, ~2.5e-9 at the RGES example's 21.5 mag) and times are
JD - 2450000, like the RGES PIT WG07 simulated events. Files, when written, are ``(N, 3)`` float64
``.npy`` arrays with columns time, flux, flux_err, plus ``truth.parquet``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lcpipe.options import convert_nested
from lcpipe.simulate.injections import AnomalyCriteria, Injection, InjectionRanges, draw_microlensing
from lcpipe.simulate.noise import RomanNoise
from lcpipe.tables import write_table

#: Season starts (JD - 2450000) of the RGES example event: two seasons a year around the bulge's
#: visibility windows, with a gap of about two years in the middle.
ROMAN_SEASON_STARTS = (8346.5, 8526.3, 8711.8, 9622.0, 9807.5, 9987.3)


@dataclass(frozen=True)
class RomanSimOptions:
    """Options of :func:`simulate_roman`; plain values (lists, dicts) work for every field.

    Attributes
    ----------
    seed : int
        Master seed; event ``k`` draws from its own generator seeded by (seed, k).
    n_pspl, n_planet : int
        Number of events without and with a planetary anomaly (planets come first).
    season_starts : tuple of float
        Season start times (JD - 2450000).
    season_length_days : float
        Length of each season (days).
    cadence_minutes : float
        Exposure cadence within a season (minutes).
    baseline_mag : (float, float)
        Range of the total (source + blend) baseline magnitude.
    noise : RomanNoise
        Flux error model.
    injections : InjectionRanges
        Parameter ranges of the events.
    anomaly : AnomalyCriteria
        When a planetary anomaly counts as observable.
    """

    seed: int = 20261122
    n_pspl: int = 3
    n_planet: int = 3
    season_starts: tuple[float, ...] = ROMAN_SEASON_STARTS
    season_length_days: float = 72.0
    cadence_minutes: float = 15.0
    baseline_mag: tuple[float, float] = (19.5, 22.5)
    noise: RomanNoise = field(default_factory=RomanNoise)
    injections: InjectionRanges = field(default_factory=InjectionRanges)
    anomaly: AnomalyCriteria = field(default_factory=AnomalyCriteria)

    def __post_init__(self) -> None:
        convert_nested(self)
        object.__setattr__(self, "season_starts", tuple(float(t) for t in self.season_starts))
        object.__setattr__(self, "baseline_mag", tuple(float(m) for m in self.baseline_mag))
        if self.n_pspl < 0 or self.n_planet < 0:
            raise ValueError("RomanSimOptions: n_pspl and n_planet must be >= 0")
        if not self.season_starts or self.season_length_days <= 0 or self.cadence_minutes <= 0:
            raise ValueError("RomanSimOptions: need seasons, a positive season length and cadence")
        if min(np.diff(self.season_starts), default=np.inf) < self.season_length_days:
            raise ValueError("RomanSimOptions: seasons overlap (starts closer than season_length_days)")

    def times(self) -> np.ndarray:
        """Exposure times of every season (JD - 2450000), sorted, shape (N,)."""
        step = self.cadence_minutes / 1440.0
        n_per_season = int(np.floor(self.season_length_days / step))
        return np.concatenate([start + step * np.arange(n_per_season) for start in self.season_starts])

    def in_season(self, t: np.ndarray) -> np.ndarray:
        """True where times ``t`` (shape (N,)) fall inside a season."""
        starts = np.asarray(self.season_starts)
        t = np.asarray(t, dtype=float)[..., None]
        return ((t >= starts) & (t < starts + self.season_length_days)).any(axis=-1)


@dataclass(frozen=True)
class RomanEvent:
    """One simulated Roman light curve.

    Attributes
    ----------
    event_id : str
        Name (``roman_000`` ...); the file stem when written.
    injection : Injection
        Kind (``pspl`` or ``pspl_planet``) and parameters.
    baseline_mag : float
        Total baseline magnitude (flux zero point 0).
    time, flux, flux_err : ndarray, shape (N,)
        JD - 2450000, flux and its 1-sigma error.
    """

    event_id: str
    injection: Injection
    baseline_mag: float
    time: np.ndarray
    flux: np.ndarray
    flux_err: np.ndarray

    def as_array(self) -> np.ndarray:
        """The light curve as an ``(N, 3)`` float64 array: time, flux, flux_err."""
        return np.column_stack([self.time, self.flux, self.flux_err])


@dataclass(frozen=True)
class RomanSimulation:
    """Result of :func:`simulate_roman`: the events, their truth table, and the folder (None in memory)."""

    events: tuple[RomanEvent, ...]
    truth: pd.DataFrame
    root: Path | None


def roman_lightcurve(
    injection: Injection,
    baseline_mag: float,
    rng: np.random.Generator,
    options: RomanSimOptions | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Noisy Roman-style flux light curve of any injected signal, in memory.

    Parameters
    ----------
    injection : Injection
        The signal (any kind; ``Injection("none")`` gives a constant star).
    baseline_mag : float
        Total baseline magnitude (flux zero point 0).
    rng : Generator
        Noise generator (consumed).
    options : RomanSimOptions, optional
        Cadence, seasons and noise model.

    Returns
    -------
    time, flux, flux_err : ndarray, shape (N,)
        JD - 2450000, observed flux and its 1-sigma error.
    """
    options = options or RomanSimOptions()
    time = options.times()
    model = 10.0 ** (-0.4 * baseline_mag) * injection.flux_factor(time)
    flux_err = options.noise.error(model)
    return time, model + rng.normal(0.0, 1.0, time.size) * flux_err, flux_err


def _draw_event(rng: np.random.Generator, planet: bool, options: RomanSimOptions) -> tuple[Injection, float]:
    """Draw one event whose peak (and anomaly) falls inside a season; returns it and its baseline mag."""
    baseline_mag = float(rng.uniform(*options.baseline_mag))
    baseline_flux = 10.0 ** (-0.4 * baseline_mag)
    times = options.times()

    def choose_t0(r: np.random.Generator, tE: float, tau_anomaly: float) -> float:
        for _ in range(200):
            start = float(r.choice(options.season_starts))
            t0 = start + r.uniform(0.2, 0.8) * options.season_length_days
            if options.in_season(np.array([t0 + tau_anomaly * tE - 0.5, t0 + tau_anomaly * tE + 0.5])).all():
                break
        return t0

    def sample(r: np.random.Generator, t0: float, tE: float) -> np.ndarray:
        return times

    def error(t: np.ndarray, factor: np.ndarray) -> np.ndarray:
        flux = baseline_flux * factor
        return 2.5 / np.log(10.0) * options.noise.error(flux) / flux

    injection, _ = draw_microlensing(
        rng, options.injections, planet, choose_t0, sample, error, options.anomaly
    )
    return injection, baseline_mag


def simulate_roman(out_dir: str | Path | None, *, options: RomanSimOptions | None = None) -> RomanSimulation:
    """Simulate Roman-style PSPL events with and without planetary anomalies.

    Parameters
    ----------
    out_dir : path-like or None
        Folder for ``<event_id>.npy`` files and ``truth.parquet``; None keeps everything in memory.
    options : RomanSimOptions, optional
        Defaults: 3 planetary and 3 PSPL events over the RGES example's six seasons.

    Returns
    -------
    RomanSimulation
        Events (planets first) and the truth table (one row per event; ``path`` relative to ``out_dir``).
    """
    options = options or RomanSimOptions()
    events, rows = [], []
    for k in range(options.n_planet + options.n_pspl):
        rng = np.random.default_rng([options.seed, 7, k])
        injection, baseline_mag = _draw_event(rng, k < options.n_planet, options)
        time, flux, flux_err = roman_lightcurve(injection, baseline_mag, rng, options)
        event = RomanEvent(f"roman_{k:03d}", injection, baseline_mag, time, flux, flux_err)
        events.append(event)
        rows.append(
            {
                "source_id": event.event_id,
                "path": f"{event.event_id}.npy",
                "kind": injection.kind,
                "baseline_mag": baseline_mag,
                "n_points": int(time.size),
                **injection.truth_row(),
            }
        )
    truth = pd.DataFrame(rows)
    root = None if out_dir is None else Path(out_dir)
    if root is not None:
        root.mkdir(parents=True, exist_ok=True)
        for event in events:
            np.save(root / f"{event.event_id}.npy", event.as_array())
        provenance = {"stage": "simulate_roman", "options": dataclasses.asdict(options)}
        write_table(truth, root / "truth.parquet", provenance)
    return RomanSimulation(tuple(events), truth, root)
