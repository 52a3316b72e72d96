"""False-alarm rates: both searches on light curves with nothing injected, per magnitude bin.

- Dip search on host light curves (simulated quiet stars or real baselines): the share flagged
  ``dip_significant`` (and ``jump_significant``).
- Anomaly finder on Roman-style simulated curves without anomaly (a constant star, or a plain PSPL
  event) over baseline-magnitude bins, and on the host light curves converted to flux: the share with
  a candidate anywhere.

Rates come with a Wilson 95% interval, which stays meaningful when no curve is flagged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.dips.events import DipOptions, detect_events
from lcpipe.evaluation.anomaly_injection import AnomalyInjectionOptions
from lcpipe.evaluation.axes import Axis
from lcpipe.evaluation.chunks import Progress, run_trials
from lcpipe.evaluation.hosts import Host, hosts_table
from lcpipe.microlensing.event_selection import EventSelection
from lcpipe.microlensing.finder import FinderOptions, find_anomalies
from lcpipe.microlensing.fit_input import FitInput, fit_input
from lcpipe.options import convert_nested
from lcpipe.simulate.signals import blended_flux_factor, pspl_magnification

#: Kinds of simulated curve the anomaly false-alarm run uses.
NULL_KINDS = ("constant", "pspl")

#: z of a two-sided 95% interval.
_Z95 = 1.959963984540054


def wilson_interval(k: np.ndarray, n: np.ndarray, z: float = _Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial rate ``k / n`` (arrays of the same shape; NaN where n = 0)."""
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        lo = np.where(k == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
        hi = np.where(k == n, 1.0, np.clip(centre + half, 0.0, 1.0))
        return np.where(n > 0, lo, np.nan), np.where(n > 0, hi, np.nan)


def rates_per_bin(
    table: pd.DataFrame, axis: Axis, flags: Sequence[str], *, value: str, by: Sequence[str] = ()
) -> pd.DataFrame:
    """Flag rates per bin of ``axis`` over the values in column ``value``.

    Parameters
    ----------
    table : DataFrame
        One row per searched light curve with ``status``, ``value`` and the boolean ``flags``.
    axis : Axis
        Magnitude bins; rows outside are not counted.
    flags : sequence of str
        Boolean columns to turn into rates.
    value : str
        Column binned by ``axis`` (e.g. ``mag``).
    by : sequence of str
        Further grouping columns (e.g. ``kind``).

    Returns
    -------
    DataFrame
        Per group and bin: ``<axis>_lo``, ``<axis>_hi``, ``n_curves`` (status ok), ``n_failed``, and
        per flag ``n_<flag>``, ``<flag>_rate``, ``<flag>_rate_lo``, ``<flag>_rate_hi`` (Wilson 95%).
    """
    binned = table.assign(_bin=axis.bin_of(table[value].to_numpy(dtype=float)))
    groups = [((), binned)] if not by else binned.groupby(list(by), sort=True)
    rows = []
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        for k in range(axis.n_bins):
            cell = part[part["_bin"] == k]
            ok = cell[cell["status"] == "ok"]
            row: dict[str, Any] = dict(zip(by, key, strict=True))
            row.update(
                {
                    f"{axis.name}_lo": axis.edges[k],
                    f"{axis.name}_hi": axis.edges[k + 1],
                    "n_curves": len(ok),
                    "n_failed": len(cell) - len(ok),
                }
            )
            for flag in flags:
                hits = int(ok[flag].astype(bool).sum())
                lo, hi = wilson_interval(np.array(hits), np.array(len(ok)))
                row[f"n_{flag}"] = hits
                row[f"{flag}_rate"] = hits / len(ok) if len(ok) else np.nan
                row[f"{flag}_rate_lo"], row[f"{flag}_rate_hi"] = float(lo), float(hi)
            rows.append(row)
    return pd.DataFrame(rows)


def _hosts_plan(hosts: Sequence[Host]) -> pd.DataFrame:
    return hosts_table(list(hosts)).rename(columns={"host": "trial"})


def dip_false_alarms(
    hosts: Sequence[Host],
    detection: DipOptions,
    chunk_dir: str | Path,
    *,
    chunk_size: int = 50,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """The dip search on every host as it is (nothing injected), resumable.

    Returns
    -------
    DataFrame
        :func:`~lcpipe.evaluation.hosts.hosts_table` columns (``trial`` = host index) plus ``status``,
        ``dip_significant``, ``jump_significant``, ``dip_log_bf``, ``jump_log_bf`` and ``error``.
    """

    def func(row: Mapping[str, Any]) -> dict[str, Any]:
        result = detect_events(hosts[int(row["trial"])].lc, detection)
        keys = ("status", "dip_significant", "jump_significant", "dip_log_bf", "jump_log_bf")
        return {k: result[k] for k in keys}

    return run_trials(
        _hosts_plan(hosts),
        func,
        chunk_dir,
        chunk_size=chunk_size,
        stage="dip_false_alarms",
        settings={"detection": detection.to_dict()},
        progress=progress,
    )


def host_flux(host: Host) -> FitInput:
    """The fit input of a host's good points, as the pipeline builds it (:func:`fit_input`)."""
    return fit_input(host.lc.select(np.asarray(host.lc.good, dtype=bool)))


def anomaly_false_alarms_on_hosts(
    hosts: Sequence[Host],
    finder: FinderOptions,
    chunk_dir: str | Path,
    *,
    selection: EventSelection | None = None,
    chunk_size: int = 50,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """The anomaly finder on every host converted to flux (dominant band), resumable.

    In the pipeline only significant PSPL events are scanned: ``pipeline_candidate`` applies that gate
    (``selection``, default :class:`~lcpipe.microlensing.event_selection.EventSelection`) to the finder's fit.

    Returns
    -------
    DataFrame
        Host columns plus ``status``, ``has_candidate``, ``best_t0``, ``best_dchi2``, ``best_score``,
        ``is_event``, ``pipeline_candidate`` and ``error``.
    """
    selection = selection or EventSelection()

    def func(row: Mapping[str, Any]) -> dict[str, Any]:
        result = host_flux(hosts[int(row["trial"])]).find(finder)
        summary = result.summary_dict()
        is_event, _ = selection.is_event(result.fit)
        out = {k: summary[k] for k in ("status", "has_candidate", "best_t0", "best_dchi2", "best_score")}
        return {
            **out,
            "is_event": is_event,
            "pipeline_candidate": bool(is_event and summary["has_candidate"]),
        }

    return run_trials(
        _hosts_plan(hosts),
        func,
        chunk_dir,
        chunk_size=chunk_size,
        stage="anomaly_false_alarms_hosts",
        settings={"finder": asdict(finder), "selection": asdict(selection)},
        progress=progress,
    )


@dataclass(frozen=True)
class AnomalyFalseAlarmOptions:
    """Simulated null curves for the anomaly finder.

    Attributes
    ----------
    baseline_mag : tuple of float
        Bin edges of the total baseline magnitude (flux zero point 0).
    curves_per_bin : int
        Curves per kind and magnitude bin.
    kinds : tuple of str
        ``constant`` (a star with nothing) and/or ``pspl`` (a single-lens event without planet).
    seed : int
        Curve ``k`` draws from ``default_rng([seed, k])``.
    chunk_size : int
        Curves per chunk file.
    sampling : AnomalyInjectionOptions
        Season, cadence, noise, event ranges (``tE_days``, ``bump_u0``, ``source_fraction``,
        ``peak_fraction``) and finder options shared with the injection run.
    """

    baseline_mag: tuple[float, ...] = (19.5, 20.5, 21.5, 22.5)
    curves_per_bin: int = 10
    kinds: tuple[str, ...] = NULL_KINDS
    seed: int = 20261122
    chunk_size: int = 20
    sampling: AnomalyInjectionOptions = field(default_factory=AnomalyInjectionOptions)

    def __post_init__(self) -> None:
        object.__setattr__(self, "baseline_mag", self.axis.edges)
        object.__setattr__(self, "kinds", tuple(self.kinds))
        convert_nested(self)
        unknown = set(self.kinds) - set(NULL_KINDS)
        if not self.kinds or unknown:
            raise ValueError(f"AnomalyFalseAlarmOptions.kinds must be a non-empty subset of {NULL_KINDS}")
        if self.curves_per_bin < 1 or self.chunk_size < 1:
            raise ValueError("AnomalyFalseAlarmOptions: curves_per_bin and chunk_size must be >= 1")

    @property
    def axis(self) -> Axis:
        """The baseline-magnitude axis."""
        return Axis("baseline_mag", self.baseline_mag)


def plan_null_curves(options: AnomalyFalseAlarmOptions) -> pd.DataFrame:
    """One row per simulated null curve: ``trial``, ``kind``, ``baseline_mag_bin``, ``baseline_mag``,
    ``t0``, ``tE``, ``u0``, ``source_fraction`` (NaN for constant curves) and ``noise_seed``."""
    s = options.sampling
    rows, trial = [], 0
    for kind in options.kinds:
        for k in range(options.axis.n_bins):
            for _ in range(options.curves_per_bin):
                rng = np.random.default_rng([options.seed, trial])
                row = {
                    "trial": trial,
                    "kind": kind,
                    "baseline_mag_bin": k,
                    "baseline_mag": options.axis.draw(rng, k),
                }
                start = s.season_start + s.peak_fraction[0] * s.season_length_days
                stop = s.season_start + s.peak_fraction[1] * s.season_length_days
                event = kind == "pspl"
                row.update(
                    {
                        "t0": float(rng.uniform(start, stop)) if event else np.nan,
                        "tE": float(np.exp(rng.uniform(*np.log(s.tE_days)))) if event else np.nan,
                        "u0": float(rng.uniform(*s.bump_u0)) if event else np.nan,
                        "source_fraction": float(rng.uniform(*s.source_fraction)) if event else np.nan,
                        "noise_seed": int(rng.integers(2**62)),
                    }
                )
                rows.append(row)
                trial += 1
    return pd.DataFrame(rows)


def null_curve(row: Mapping[str, Any], sampling: AnomalyInjectionOptions) -> tuple[np.ndarray, ...]:
    """Time, flux and flux error (each shape (N,)) of a planned null curve."""
    time = sampling.times()
    factor = np.ones_like(time)
    if row["kind"] == "pspl":
        magnification = pspl_magnification(time, float(row["t0"]), float(row["tE"]), float(row["u0"]))
        factor = blended_flux_factor(magnification, float(row["source_fraction"]))
    model = 10.0 ** (-0.4 * float(row["baseline_mag"])) * factor
    err = sampling.noise.error(model)
    noise = np.random.default_rng(int(row["noise_seed"])).standard_normal(time.size)
    return time, model + noise * err, err


def anomaly_false_alarms_simulated(
    options: AnomalyFalseAlarmOptions, chunk_dir: str | Path, *, progress: Progress | None = None
) -> pd.DataFrame:
    """The anomaly finder on simulated null curves, resumable.

    Returns
    -------
    DataFrame
        :func:`plan_null_curves` columns plus ``status``, ``has_candidate``, ``best_t0``,
        ``best_dchi2``, ``best_score``, ``pspl_dchi2_const`` and ``error``.
    """

    def func(row: Mapping[str, Any]) -> dict[str, Any]:
        curve = null_curve(row, options.sampling)
        summary = find_anomalies(*curve, options=options.sampling.finder).summary_dict()
        keys = ("status", "has_candidate", "best_t0", "best_dchi2", "best_score", "pspl_dchi2_const")
        return {k: summary[k] for k in keys}

    return run_trials(
        plan_null_curves(options),
        func,
        chunk_dir,
        chunk_size=options.chunk_size,
        stage="anomaly_false_alarms_simulated",
        settings=asdict(options),
        progress=progress,
    )
