"""Random draws of injected signals and their truth records, shared by the survey and Roman modes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields

import numpy as np

from lcpipe.simulate.caustics import aim_at_caustic, anomaly_delta_mag, anomaly_extent
from lcpipe.simulate.signals import (
    binary_lens_magnification,
    blended_flux_factor,
    eclipsing_binary,
    flare,
    pspl_magnification,
    skew_normal_dip,
)

#: Kinds of light curve the simulator writes; ``broken`` and ``missing`` are deliberately bad files.
KINDS = ("none", "dip", "eclipsing_binary", "flare", "pspl", "pspl_planet", "broken", "missing")

#: Truth parameter columns (NaN where a kind has no such parameter). Times are JD, durations days,
#: depths and amplitudes mag, lens geometry in Einstein radii of the total mass, angles rad.
PARAMETER_COLUMNS = (
    "t0",                   # dip location, primary eclipse, flare peak, microlensing closest approach
    "depth_mag",            # dip depth or primary eclipse depth (fainter)
    "width",                # dip skew-normal scale
    "dip_alpha",            # dip skew-normal shape
    "period",               # eclipsing binary period
    "duration",             # eclipse length
    "secondary_depth_mag",  # secondary eclipse depth
    "amplitude_mag",        # flare peak brightening
    "rise",                 # flare Gaussian rise sigma
    "decay",                # flare e-folding decay
    "tE", "u0",             # microlensing timescale and impact parameter (about the centre of mass)
    "source_fraction",      # lensed source's share of the baseline flux (1 - blending fraction)
    "q", "s", "rho",        # planet/star mass ratio, separation, source radius
    "alpha",                # trajectory angle (lcpipe.simulate.signals convention)
    "anomaly_t",            # time of the largest deviation from the primary-lens PSPL curve
    "anomaly_t_start", "anomaly_t_end", "anomaly_duration",  # span where the deviation > 0.01 mag
    "anomaly_max_delta_mag",  # largest deviation (noiseless, mag)
    "anomaly_peak_sigma",   # largest |deviation| / error over the sampled points
    "anomaly_n_points",     # sampled points deviating by >= anomaly_min_sigma errors
)  # fmt: skip


def _as_range(name: str, value: object) -> tuple[float, float]:
    low, high = (float(v) for v in value)  # type: ignore[union-attr]
    if not low <= high:
        raise ValueError(f"InjectionRanges.{name}: need low <= high, got {value}")
    return low, high


@dataclass(frozen=True)
class InjectionRanges:
    """Ranges (low, high) from which each kind's parameters are drawn, uniformly unless noted.

    Attributes
    ----------
    dip_depth_mag, dip_width_days (log-uniform), dip_alpha
        Skew-normal dips.
    eb_period_days (log-uniform), eb_duration_fraction (eclipse length / period), eb_depth_mag,
    eb_secondary_ratio (secondary / primary depth)
        Detached eclipsing binaries.
    flare_amplitude_mag, flare_rise_days, flare_decay_days (log-uniform)
        Flares.
    tE_days (log-uniform), u0, source_fraction
        Microlensing events.
    q (log-uniform), s, rho (log-uniform), caustic_miss, caustic_max_tau
        Planetary anomalies; the source is aimed to pass within ``caustic_miss`` (Einstein radii) of a
        caustic point lying within ``caustic_max_tau`` Einstein radii of the centre of mass, so the
        anomaly falls within about ``|t - t0| <= caustic_max_tau tE``.
    """

    dip_depth_mag: tuple[float, float] = (0.1, 0.6)
    dip_width_days: tuple[float, float] = (2.0, 30.0)
    dip_alpha: tuple[float, float] = (-5.0, 5.0)
    eb_period_days: tuple[float, float] = (1.0, 30.0)
    eb_duration_fraction: tuple[float, float] = (0.03, 0.10)
    eb_depth_mag: tuple[float, float] = (0.15, 0.8)
    eb_secondary_ratio: tuple[float, float] = (0.0, 0.7)
    flare_amplitude_mag: tuple[float, float] = (0.3, 1.5)
    flare_rise_days: tuple[float, float] = (0.02, 0.2)
    flare_decay_days: tuple[float, float] = (1.0, 6.0)
    tE_days: tuple[float, float] = (10.0, 60.0)
    u0: tuple[float, float] = (0.05, 0.5)
    source_fraction: tuple[float, float] = (0.3, 1.0)
    q: tuple[float, float] = (1e-3, 1e-2)
    s: tuple[float, float] = (0.8, 1.3)
    rho: tuple[float, float] = (1e-3, 1e-2)
    caustic_miss: tuple[float, float] = (0.0, 0.02)
    caustic_max_tau: float = 0.6

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name != "caustic_max_tau":
                object.__setattr__(self, f.name, _as_range(f.name, getattr(self, f.name)))
        positive = ("dip_width_days", "eb_period_days", "flare_rise_days", "flare_decay_days", "tE_days")
        for name in (*positive, "q", "rho", "s"):
            if getattr(self, name)[0] <= 0:
                raise ValueError(f"InjectionRanges.{name} must be positive, got {getattr(self, name)}")
        if self.caustic_miss[0] < 0:
            raise ValueError(f"InjectionRanges.caustic_miss must be >= 0, got {self.caustic_miss}")
        if not (self.source_fraction[0] > 0 and self.source_fraction[1] <= 1):
            raise ValueError(
                f"InjectionRanges.source_fraction must lie in (0, 1], got {self.source_fraction}"
            )
        if self.eb_duration_fraction[1] >= 0.5:
            raise ValueError("InjectionRanges.eb_duration_fraction must stay below 0.5")


def _uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return float(rng.uniform(*bounds))


def _log_uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return float(np.exp(rng.uniform(np.log(bounds[0]), np.log(bounds[1]))))


@dataclass(frozen=True)
class Injection:
    """One injected signal: its kind and parameters (keys from :data:`PARAMETER_COLUMNS`)."""

    kind: str
    params: Mapping[str, float] = field(default_factory=dict)

    def flux_factor(self, t: np.ndarray) -> np.ndarray:
        """Source flux over baseline flux at times ``t`` (shape (N,)); 1 for kinds without a signal."""
        p = self.params
        t = np.asarray(t, dtype=float)
        if self.kind == "dip":
            return skew_normal_dip(t, p["t0"], p["depth_mag"], p["width"], p["dip_alpha"])
        if self.kind == "eclipsing_binary":
            return eclipsing_binary(
                t, p["t0"], p["period"], p["duration"], p["depth_mag"], p["secondary_depth_mag"]
            )
        if self.kind == "flare":
            return flare(t, p["t0"], p["amplitude_mag"], p["rise"], p["decay"])
        if self.kind == "pspl":
            return blended_flux_factor(pspl_magnification(t, p["t0"], p["tE"], p["u0"]), p["source_fraction"])
        if self.kind == "pspl_planet":
            magnification = binary_lens_magnification(
                t, p["t0"], p["tE"], p["u0"], p["q"], p["s"], p["alpha"], p["rho"]
            )
            return blended_flux_factor(magnification, p["source_fraction"])
        return np.ones_like(t)

    def truth_row(self) -> dict[str, float]:
        """Every parameter column, NaN where this kind has none."""
        return {name: float(self.params.get(name, np.nan)) for name in PARAMETER_COLUMNS}


def draw_dip(rng: np.random.Generator, ranges: InjectionRanges, t0: float) -> Injection:
    """A skew-normal dip located at ``t0``."""
    return Injection(
        "dip",
        {
            "t0": t0,
            "depth_mag": _uniform(rng, ranges.dip_depth_mag),
            "width": _log_uniform(rng, ranges.dip_width_days),
            "dip_alpha": _uniform(rng, ranges.dip_alpha),
        },
    )


def draw_eclipsing_binary(rng: np.random.Generator, ranges: InjectionRanges, t0: float) -> Injection:
    """A detached eclipsing binary with a primary eclipse at ``t0``."""
    period = _log_uniform(rng, ranges.eb_period_days)
    depth = _uniform(rng, ranges.eb_depth_mag)
    return Injection(
        "eclipsing_binary",
        {
            "t0": t0,
            "period": period,
            "duration": period * _uniform(rng, ranges.eb_duration_fraction),
            "depth_mag": depth,
            "secondary_depth_mag": depth * _uniform(rng, ranges.eb_secondary_ratio),
        },
    )


def draw_flare(rng: np.random.Generator, ranges: InjectionRanges, t0: float) -> Injection:
    """A flare peaking at ``t0``."""
    return Injection(
        "flare",
        {
            "t0": t0,
            "amplitude_mag": _uniform(rng, ranges.flare_amplitude_mag),
            "rise": _uniform(rng, ranges.flare_rise_days),
            "decay": _log_uniform(rng, ranges.flare_decay_days),
        },
    )


#: ``choose_t0(rng, tE, tau_anomaly) -> t0``: a peak time such that the peak and ``t0 + tau_anomaly tE``
#: can be observed.
ChooseT0 = Callable[[np.random.Generator, float, float], float]
#: ``sample(rng, t0, tE) -> times``: the times at which the event is observed, shape (M,).
Sample = Callable[[np.random.Generator, float, float], np.ndarray]
#: ``error(times, flux_factor) -> sigma_mag``: expected magnitude errors of those points, shape (M,).
ErrorModel = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class AnomalyCriteria:
    """When a drawn planetary anomaly counts as observable: at least ``min_points`` sampled points
    deviate from the primary-lens PSPL curve by ``min_sigma`` errors or more (noiseless model); up to
    ``max_tries`` geometries are drawn, and the most visible one is kept if none passes."""

    min_sigma: float = 5.0
    min_points: int = 3
    max_tries: int = 40


def draw_microlensing(
    rng: np.random.Generator,
    ranges: InjectionRanges,
    planet: bool,
    choose_t0: ChooseT0,
    sample: Sample,
    error: ErrorModel,
    criteria: AnomalyCriteria,
) -> tuple[Injection, np.ndarray]:
    """A PSPL event, or one with a planetary anomaly aimed at a caustic and checked to be observable.

    Returns
    -------
    injection : Injection
        Kind ``pspl`` or ``pspl_planet`` with its parameters (and, for planets, the anomaly's time,
        span, noiseless size and how visible it is in the sampled points).
    times : ndarray, shape (M,)
        The observation times ``sample`` gave for the kept event.
    """
    if not planet:
        tE = _log_uniform(rng, ranges.tE_days)
        t0 = choose_t0(rng, tE, 0.0)
        params = {
            "t0": t0,
            "tE": tE,
            "u0": _uniform(rng, ranges.u0),
            "source_fraction": _uniform(rng, ranges.source_fraction),
        }
        return Injection("pspl", params), sample(rng, t0, tE)
    best: tuple[int, float, dict[str, float], np.ndarray] | None = None
    for _ in range(criteria.max_tries):
        tE = _log_uniform(rng, ranges.tE_days)
        q, s, rho = _log_uniform(rng, ranges.q), _uniform(rng, ranges.s), _log_uniform(rng, ranges.rho)
        aim = aim_at_caustic(rng, s, q, ranges.u0, ranges.caustic_max_tau, ranges.caustic_miss)
        if aim is None:
            continue
        t0 = choose_t0(rng, tE, aim.tau_caustic)
        fs = _uniform(rng, ranges.source_fraction)
        params = {"t0": t0, "tE": tE, "u0": aim.u0, "source_fraction": fs, "q": q, "s": s, "rho": rho}
        params["alpha"] = aim.alpha
        times = sample(rng, t0, tE)
        delta = anomaly_delta_mag(times, t0, tE, aim.u0, q, s, aim.alpha, rho, fs)
        factor = blended_flux_factor(pspl_magnification(times, t0, tE, aim.u0), fs)
        significance = np.abs(delta) / error(times, factor)
        n_points = int(np.count_nonzero(significance >= criteria.min_sigma))
        peak = float(significance.max()) if significance.size else 0.0
        if best is None or (n_points, peak) > best[:2]:
            best = (n_points, peak, params, times)
        if n_points >= criteria.min_points:
            break
    if best is None:
        raise ValueError(f"draw_microlensing: no caustic within reach for the ranges {ranges}")
    n_points, peak, params, times = best
    extent = anomaly_extent(
        params["t0"], params["tE"], params["u0"], params["q"], params["s"], params["alpha"], params["rho"],
        params["source_fraction"], half_width_tau=ranges.caustic_max_tau + 0.4,
    )  # fmt: skip
    params |= {
        "anomaly_t": extent.t_peak,
        "anomaly_t_start": extent.t_start,
        "anomaly_t_end": extent.t_end,
        "anomaly_duration": extent.duration,
        "anomaly_max_delta_mag": extent.max_delta_mag,
        "anomaly_peak_sigma": peak,
        "anomaly_n_points": float(n_points),
    }
    return Injection("pspl_planet", params), times
