"""Dip injection-recovery: skew-normal dips over depth x duration x host magnitude.

Each trial takes a host light curve (real or simulated; its cadence, cameras and noise are kept),
multiplies its flux by a skew-normal dip (:func:`lcpipe.simulate.signals.skew_normal_dip`) and runs
the dip branch (:func:`lcpipe.dips.events.detect_events`) on it. The host alone is searched as well
(once per host): a trial is *recovered* when the search is significant and its strongest run overlaps
the injection window ``t0 +- window_factor * duration``, and *recovered before* when the host's own
strongest significant run overlaps that window. Net efficiency = after - before.

``duration`` is the full width at half depth of the symmetric profile: the skew-normal scale is
``duration / (2 sqrt(2 ln 2))``. The magnitude errors of the host are kept as they are (the dip makes
the star fainter, so real errors would grow slightly; for the depths of interest this is small).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.dips.events import DipOptions, detect_events
from lcpipe.evaluation.axes import Axis, check_range
from lcpipe.evaluation.chunks import Progress, run_trials
from lcpipe.evaluation.hosts import Host, hosts_table
from lcpipe.options import convert_nested
from lcpipe.simulate.signals import skew_normal_dip

#: FWHM of a Gaussian in units of its standard deviation.
FWHM_PER_SIGMA = 2.0 * np.sqrt(2.0 * np.log(2.0))


@dataclass(frozen=True)
class DipInjectionOptions:
    """Grid, sample size and recovery rule of the dip injection-recovery.

    Attributes
    ----------
    depth_mag : tuple of float
        Bin edges of the dip depth (mag), drawn log-uniformly inside a bin.
    duration_days : tuple of float
        Bin edges of the dip duration (FWHM, days), drawn log-uniformly.
    host_mag : tuple of float
        Bin edges of the host's median magnitude; hosts outside are not used.
    trials_per_cell : int
        Trials per (depth, duration, magnitude) cell: the sample size (trials = cells x this).
    skew_alpha : (float, float)
        Range of the skew-normal shape (uniform); 0 is a symmetric dip.
    min_span_factor : float
        A host is used for a trial only when its span is at least this many durations.
    edge_margin : float
        The dip centre is an observed time at least this many durations from the host's ends.
    window_factor : float
        Recovery window half-width in durations around the injected ``t0``.
    seed : int
        Master seed; trial ``k`` draws from ``default_rng([seed, k])``.
    chunk_size : int
        Trials per chunk file (the unit of resumption).
    detection : DipOptions
        Dip-branch options (a mapping of its fields works).
    """

    depth_mag: tuple[float, ...] = (0.02, 0.05, 0.1, 0.2, 0.4, 0.8)
    duration_days: tuple[float, ...] = (2.0, 6.0, 20.0, 60.0, 200.0)
    host_mag: tuple[float, ...] = (12.0, 12.5, 13.0, 13.5)
    trials_per_cell: int = 20
    skew_alpha: tuple[float, float] = (-3.0, 3.0)
    min_span_factor: float = 3.0
    edge_margin: float = 1.0
    window_factor: float = 1.0
    seed: int = 20261122
    chunk_size: int = 50
    detection: DipOptions = field(default_factory=DipOptions)

    def __post_init__(self) -> None:
        for axis in self.axes:
            object.__setattr__(self, axis.name, axis.edges)
        object.__setattr__(self, "skew_alpha", check_range("skew_alpha", self.skew_alpha))
        convert_nested(self)
        if self.trials_per_cell < 1 or self.chunk_size < 1:
            raise ValueError("DipInjectionOptions: trials_per_cell and chunk_size must be >= 1")
        if self.min_span_factor < 1 or self.edge_margin < 0 or self.window_factor <= 0:
            raise ValueError(
                "DipInjectionOptions: need min_span_factor >= 1, edge_margin >= 0 and window_factor > 0"
            )
        if self.min_span_factor < 2 * self.edge_margin:
            raise ValueError("DipInjectionOptions: min_span_factor must be >= 2 * edge_margin")

    @property
    def axes(self) -> tuple[Axis, Axis, Axis]:
        """Depth, duration and host-magnitude axes (in the trial order: magnitude slowest)."""
        return (
            Axis("depth_mag", self.depth_mag, log=True),
            Axis("duration_days", self.duration_days, log=True),
            Axis("host_mag", self.host_mag),
        )

    def settings(self) -> dict[str, Any]:
        """Plain dict of every option (provenance and resume fingerprint)."""
        return {**asdict(self), "detection": self.detection.to_dict()}


def check_hosts(hosts: Sequence[Host], options: DipInjectionOptions) -> None:
    """Raise a clear ValueError when some cell of the grid has no usable host.

    A magnitude slice needs hosts, and for the longest duration of the grid at least one of them must
    span ``min_span_factor`` durations.
    """
    if not hosts:
        raise ValueError("dip injection: no host light curve was given (or none could be read)")
    _, duration, mag = options.axes
    mags = np.array([h.mag for h in hosts])
    spans = np.array([h.span for h in hosts])
    slices = mag.bin_of(mags)
    for k in range(mag.n_bins):
        lo, hi = mag.edges[k], mag.edges[k + 1]
        if not np.any(slices == k):
            raise ValueError(
                f"dip injection: no host has a median magnitude in [{lo:g}, {hi:g}] (host magnitudes "
                f"{np.min(mags):.2f}-{np.max(mags):.2f}); change host_mag edges or add hosts"
            )
        need = options.min_span_factor * duration.edges[-1]
        longest = float(spans[slices == k].max())
        if longest < need:
            raise ValueError(
                f"dip injection: hosts too short for the injected duration: a {duration.edges[-1]:g}-day dip "
                f"needs a host spanning {options.min_span_factor:g} x {duration.edges[-1]:g} = {need:g} "
                f"days, the longest host in magnitude slice [{lo:g}, {hi:g}] spans {longest:.1f} days; "
                "lower the duration_days edges or min_span_factor, or use longer hosts"
            )


def plan_dip_trials(hosts: Sequence[Host], options: DipInjectionOptions) -> pd.DataFrame:
    """The trial plan: every trial's cell, drawn parameters, host and dip time.

    Trial ``k`` draws from ``default_rng([seed, k])``, so the plan depends only on the hosts and
    options. Trials are ordered by magnitude slice, duration, depth, then repeat.

    Returns
    -------
    DataFrame
        ``trial``, ``depth_mag_bin``, ``duration_days_bin``, ``host_mag_bin``, ``depth_mag``,
        ``duration_days``, ``skew_alpha``, ``host`` (index into ``hosts``), ``source_id``,
        ``host_mag``, ``host_span``, ``t0`` (days; an observed time of the host).
    """
    check_hosts(hosts, options)
    depth, duration, mag = options.axes
    table = hosts_table(list(hosts))
    slices = mag.bin_of(table["mag"].to_numpy())
    spans = table["span"].to_numpy()
    times = [h.good_times() for h in hosts]
    rows = []
    trial = 0
    for k_mag in range(mag.n_bins):
        for k_dur in range(duration.n_bins):
            for k_depth in range(depth.n_bins):
                for _ in range(options.trials_per_cell):
                    rng = np.random.default_rng([options.seed, trial])
                    d = depth.draw(rng, k_depth)
                    w = duration.draw(rng, k_dur)
                    alpha = float(rng.uniform(*options.skew_alpha))
                    eligible = np.flatnonzero((slices == k_mag) & (spans >= options.min_span_factor * w))
                    h = int(rng.choice(eligible))
                    margin = options.edge_margin * w
                    t = times[h]
                    inner = t[(t >= t[0] + margin) & (t <= t[-1] - margin)]
                    t0 = float(rng.choice(inner if inner.size else t))
                    rows.append(
                        {
                            "trial": trial,
                            "depth_mag_bin": k_depth,
                            "duration_days_bin": k_dur,
                            "host_mag_bin": k_mag,
                            "depth_mag": d,
                            "duration_days": w,
                            "skew_alpha": alpha,
                            "host": h,
                            "source_id": hosts[h].source_id,
                            "host_mag": hosts[h].mag,
                            "host_span": hosts[h].span,
                            "t0": t0,
                        }
                    )
                    trial += 1
    return pd.DataFrame(rows)


def inject_dip(host: Host, t0: float, depth_mag: float, duration_days: float, alpha: float) -> Host:
    """The host with a skew-normal dip multiplied into its flux (magnitudes and flux errors follow)."""
    lc = host.lc
    factor = skew_normal_dip(lc.time, t0, depth_mag, duration_days / FWHM_PER_SIGMA, alpha)
    injected = replace(
        lc,
        mag=lc.mag - 2.5 * np.log10(factor),
        flux=lc.flux * factor,
        flux_err=lc.flux_err * factor,
    )
    return replace(host, lc=injected)


def run_in_window(row: Mapping[str, Any], lo: float, hi: float) -> bool:
    """Whether a detection row's strongest dip run is significant and overlaps ``[lo, hi]`` (days)."""
    if not bool(row["dip_significant"]):
        return False
    start = float(row["dip_run_t_start"])
    end = start + float(row["dip_run_duration"])
    return bool(np.isfinite(start) and start <= hi and end >= lo)


class DipTrialRunner:
    """Runs dip trials on a fixed host list; the host-alone search is done once per host, lazily."""

    def __init__(self, hosts: Sequence[Host], options: DipInjectionOptions) -> None:
        self.hosts = list(hosts)
        self.options = options
        self._before = cache(self._search_host)

    def _search_host(self, index: int) -> dict[str, Any]:
        return detect_events(self.hosts[index].lc, self.options.detection)

    def before(self, index: int) -> dict[str, Any]:
        """Detection row of host ``index`` without injection."""
        return self._before(index)

    def __call__(self, trial: Mapping[str, Any]) -> dict[str, Any]:
        """Result columns of one plan row (see :func:`run_dip_injection`)."""
        host = self.hosts[int(trial["host"])]
        t0, duration = float(trial["t0"]), float(trial["duration_days"])
        injected = inject_dip(host, t0, float(trial["depth_mag"]), duration, float(trial["skew_alpha"]))
        after = detect_events(injected.lc, self.options.detection)
        before = self.before(int(trial["host"]))
        half = self.options.window_factor * duration
        lo, hi = t0 - half, t0 + half
        near = np.abs(np.asarray(host.lc.time) - t0) <= 0.5 * duration
        return {
            "status": after["status"],
            "n_points_in_dip": int(np.count_nonzero(near & np.asarray(host.lc.good, dtype=bool))),
            "detected_before": bool(before["dip_significant"]),
            "detected_after": bool(after["dip_significant"]),
            "recovered_before": run_in_window(before, lo, hi),
            "recovered_after": run_in_window(after, lo, hi),
            "log_bf_before": float(before["dip_log_bf"]),
            "log_bf_after": float(after["dip_log_bf"]),
            "run_t_start_after": float(after["dip_run_t_start"]),
            "run_duration_after": float(after["dip_run_duration"]),
            "run_points_after": int(after["dip_run_points"]),
            "morph_model_after": str(after["dip_morph_model"]),
            "error": "",
        }


def run_dip_injection(
    hosts: Sequence[Host],
    options: DipInjectionOptions,
    chunk_dir: str | Path,
    *,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Plan and run (or resume) the dip injection-recovery trials.

    Parameters
    ----------
    hosts : sequence of Host
        Host light curves (see :func:`lcpipe.evaluation.hosts.load_hosts`).
    options : DipInjectionOptions
    chunk_dir : path-like
        Folder of the chunk files; finished chunks of the same plan are reused.
    progress : callable, optional
        ``progress(done, total, message)`` after each chunk.

    Returns
    -------
    DataFrame
        The plan columns (:func:`plan_dip_trials`) plus ``status`` (the injected search's),
        ``n_points_in_dip`` (good host points within half a duration of ``t0``), ``detected_before``,
        ``detected_after`` (significant anywhere), ``recovered_before``, ``recovered_after`` (significant
        with the strongest run in the window), ``log_bf_before``, ``log_bf_after``, the strongest run's
        ``run_t_start_after``, ``run_duration_after``, ``run_points_after``, ``morph_model_after`` and
        ``error``.
    """
    plan = plan_dip_trials(hosts, options)
    return run_trials(
        plan,
        DipTrialRunner(hosts, options),
        chunk_dir,
        chunk_size=options.chunk_size,
        stage="dip_injection",
        settings=options.settings(),
        progress=progress,
    )
