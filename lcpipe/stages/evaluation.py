"""Evaluation stages: each reads its inputs, runs (or resumes) its trials and writes tables and plots.

Used by the workflow scripts and the ``lcpipe evaluate`` command. Outputs of one stage go into one
folder; the trial chunks live in its ``chunks/`` subfolder, so a rerun after an interruption resumes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.dips.files import detect_file
from lcpipe.evaluation.anomaly_injection import AnomalyInjectionOptions, run_anomaly_injection
from lcpipe.evaluation.axes import Axis
from lcpipe.evaluation.chunks import Progress
from lcpipe.evaluation.dip_injection import DipInjectionOptions, run_dip_injection
from lcpipe.evaluation.efficiency import efficiency_table, value_at_efficiency
from lcpipe.evaluation.false_alarms import (
    AnomalyFalseAlarmOptions,
    anomaly_false_alarms_on_hosts,
    anomaly_false_alarms_simulated,
    dip_false_alarms,
    rates_per_bin,
)
from lcpipe.evaluation.hosts import Host, load_hosts
from lcpipe.evaluation.plots import (
    plot_efficiency_maps,
    plot_false_alarm_rates,
    plot_marginals,
    plot_value_at_efficiency,
)
from lcpipe.evaluation.validation import asassn_case, read_known, validate_run
from lcpipe.microlensing.finder import FinderOptions
from lcpipe.stages.dips import DIPS_SECTION
from lcpipe.tables import read_table, write_table

logger = logging.getLogger(__name__)

#: Host sources: the demo survey's quiet stars, or every light-curve file of a folder.
HOST_SOURCES = ("demo", "folder")


@dataclass(frozen=True)
class HostSpec:
    """Where host light curves come from.

    Attributes
    ----------
    source : {"demo", "folder"}
        ``demo``: the stars of a simulated survey with nothing injected (``truth.parquet`` kind
        ``none``); ``folder``: every file matching ``pattern`` in ``folder``.
    demo_dir : str
        Folder of the simulated survey (with ``truth.parquet``).
    folder, pattern : str
        Folder and glob of real host light curves.
    max_hosts : int or None
        Use at most this many hosts (the first in sorted order).
    """

    source: str = "demo"
    demo_dir: str = "demo"
    folder: str = ""
    pattern: str = "*"
    max_hosts: int | None = None

    def __post_init__(self) -> None:
        if self.source not in HOST_SOURCES:
            raise ValueError(f"HostSpec.source must be one of {HOST_SOURCES}, got {self.source!r}")
        if self.source == "folder" and not self.folder:
            raise ValueError("HostSpec: source 'folder' needs a folder")
        if self.max_hosts is not None and self.max_hosts < 1:
            raise ValueError(f"HostSpec.max_hosts must be >= 1 or null, got {self.max_hosts}")

    def paths(self) -> list[Path]:
        """Host light-curve files, sorted (raises FileNotFoundError with the place looked at)."""
        if self.source == "demo":
            truth_path = Path(self.demo_dir) / "truth.parquet"
            if not truth_path.is_file():
                raise FileNotFoundError(
                    f"no simulated survey truth at {truth_path} (run `lcpipe simulate` first)"
                )
            truth = read_table(truth_path)
            paths = sorted(Path(self.demo_dir) / p for p in truth.loc[truth["kind"] == "none", "path"])
        else:
            folder = Path(self.folder)
            if not folder.is_dir():
                raise FileNotFoundError(f"host folder {folder} does not exist")
            paths = sorted(p for p in folder.glob(self.pattern) if p.is_file())
        if not paths:
            raise FileNotFoundError(f"no host light curves found ({self})")
        return paths[: self.max_hosts]

    def load(
        self, read: Mapping[str, Any] | None = None, cleaning: Mapping[str, Any] | None = None
    ) -> list[Host]:
        """Read the hosts; files that do not load are logged and skipped."""
        hosts, skipped = load_hosts(self.paths(), read=read, cleaning=cleaning)
        for row in skipped.itertuples():
            logger.warning("host %s skipped: %s", row.path, row.status)
        logger.info("%d hosts loaded (%d skipped)", len(hosts), len(skipped))
        return hosts


def _marginals(trials: pd.DataFrame, axes: tuple[Axis, ...]) -> pd.DataFrame:
    """Long table of the 1-D efficiencies along every axis: ``axis``, ``bin``, ``lo``, ``hi``, ``centre``."""
    frames = []
    for axis in axes:
        table = efficiency_table(trials, [axis])
        table.columns = [c.replace(f"{axis.name}_", "") for c in table.columns]
        frames.append(table.assign(axis=axis.name))
    out = pd.concat(frames, ignore_index=True)
    return out[["axis", *[c for c in out.columns if c != "axis"]]]


def dip_injection_stage(
    out_dir: str | Path,
    hosts: HostSpec | Mapping[str, Any],
    options: DipInjectionOptions | Mapping[str, Any],
    *,
    read: Mapping[str, Any] | None = None,
    cleaning: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> dict[str, Path]:
    """Dip injection-recovery: trials, efficiency cube, marginals, depth at 50% and their plots.

    Writes into ``out_dir``: ``trials.parquet``, ``efficiency_cube.parquet`` (depth x duration x host
    magnitude), ``marginals.parquet``, ``depth_at_50.parquet`` (per duration, per magnitude slice and
    pooled with ``host_mag_bin = -1``), ``efficiency_maps.png``, ``marginals.png``, ``depth_at_50.png``.
    """
    spec = hosts if isinstance(hosts, HostSpec) else HostSpec(**hosts)
    opts = options if isinstance(options, DipInjectionOptions) else DipInjectionOptions(**options)
    out = Path(out_dir)
    trials = run_dip_injection(spec.load(read, cleaning), opts, out / "chunks", progress=progress)
    depth, duration, mag = opts.axes
    provenance = {"stage": "dip_injection", "options": opts.settings(), "hosts": vars(spec)}
    cube = efficiency_table(trials, [depth, duration, mag])
    per_slice = value_at_efficiency(trials, depth, [duration, mag])
    pooled = value_at_efficiency(trials, depth, [duration]).assign(
        host_mag_bin=-1, host_mag_lo=np.nan, host_mag_hi=np.nan, host_mag_centre=np.nan
    )
    paths = {
        "trials": write_table(trials, out / "trials.parquet", provenance),
        "cube": write_table(cube, out / "efficiency_cube.parquet", provenance),
        "marginals": write_table(_marginals(trials, opts.axes), out / "marginals.parquet", provenance),
        "depth_at_50": write_table(
            pd.concat([per_slice, pooled[per_slice.columns]], ignore_index=True),
            out / "depth_at_50.parquet",
            provenance,
        ),
        "maps_png": plot_efficiency_maps(
            cube, depth, duration, out / "efficiency_maps.png", slice_axis=mag, title="Dips: net efficiency"
        ),
        "marginals_png": plot_marginals(trials, opts.axes, out / "marginals.png", title="Dips"),
        "depth_png": plot_value_at_efficiency(
            per_slice,
            pooled,
            duration,
            "depth_mag_at_efficiency",
            out / "depth_at_50.png",
            slice_axis=mag,
            ylabel="depth at 50% net efficiency (mag)",
        ),
    }
    return paths


def anomaly_injection_stage(
    out_dir: str | Path,
    options: AnomalyInjectionOptions | Mapping[str, Any],
    *,
    progress: Progress | None = None,
) -> dict[str, Path]:
    """Anomaly injection-recovery of one model: trials, cube, marginals and plots in ``out_dir``.

    Writes ``trials.parquet``, ``efficiency_cube.parquet``, ``marginals.parquet``,
    ``efficiency_maps.png`` (binary: q x s per u0 slice; bump: amplitude x teff) and ``marginals.png``.
    """
    opts = options if isinstance(options, AnomalyInjectionOptions) else AnomalyInjectionOptions(**options)
    out = Path(out_dir)
    trials = run_anomaly_injection(opts, out / "chunks", progress=progress)
    provenance = {"stage": f"anomaly_injection_{opts.model}", "options": opts.settings()}
    cube = efficiency_table(trials, list(opts.axes))
    x, y, *rest = opts.axes
    title = f"Anomalies ({opts.model}): net efficiency"
    return {
        "trials": write_table(trials, out / "trials.parquet", provenance),
        "cube": write_table(cube, out / "efficiency_cube.parquet", provenance),
        "marginals": write_table(_marginals(trials, opts.axes), out / "marginals.parquet", provenance),
        "maps_png": plot_efficiency_maps(
            cube, x, y, out / "efficiency_maps.png", slice_axis=rest[0] if rest else None, title=title
        ),
        "marginals_png": plot_marginals(
            trials, opts.axes, out / "marginals.png", title=f"Anomalies ({opts.model})"
        ),
    }


def false_alarm_stage(
    out_dir: str | Path,
    hosts: HostSpec | Mapping[str, Any],
    *,
    real_hosts: HostSpec | Mapping[str, Any] | None,
    host_mag: tuple[float, ...],
    detection: Mapping[str, Any] | None = None,
    simulated: AnomalyFalseAlarmOptions | Mapping[str, Any] | None = None,
    read: Mapping[str, Any] | None = None,
    cleaning: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> dict[str, Path]:
    """Both searches on light curves with nothing injected; rates per magnitude bin.

    Samples: ``simulated`` hosts (``hosts``), ``real`` hosts (``real_hosts``, optional), and for the
    anomaly finder also Roman-style simulated null curves. Writes the per-curve tables
    ``<search>_<sample>.parquet``, ``rates.parquet`` (columns ``search``, ``sample``, ``kind``,
    ``flag``, ``mag_lo``, ``mag_hi``, ``n_curves``, ``n_failed``, ``n_flagged``, ``rate``, ``rate_lo``,
    ``rate_hi``) and ``false_alarms.png``.
    """
    out = Path(out_dir)
    dip_options = DIPS_SECTION.build(detection)
    sim = (
        simulated
        if isinstance(simulated, AnomalyFalseAlarmOptions)
        else AnomalyFalseAlarmOptions(**(simulated or {}))
    )
    finder: FinderOptions = sim.sampling.finder
    mag_axis = Axis("mag", host_mag)
    samples = {"simulated": hosts}
    if real_hosts is not None:
        samples["real"] = real_hosts
    paths: dict[str, Path] = {}
    rate_frames = []

    def add_rates(table: pd.DataFrame, axis: Axis, value: str, search: str, sample: str, flags, by=()):
        for flag in flags:
            rates = rates_per_bin(table, axis, [flag], value=value, by=by)
            rates = rates.rename(
                columns={
                    f"{axis.name}_lo": "mag_lo",
                    f"{axis.name}_hi": "mag_hi",
                    f"n_{flag}": "n_flagged",
                    f"{flag}_rate": "rate",
                    f"{flag}_rate_lo": "rate_lo",
                    f"{flag}_rate_hi": "rate_hi",
                }
            )
            if "kind" not in rates.columns:
                rates["kind"] = "host"
            rate_frames.append(rates.assign(search=search, sample=sample, flag=flag))

    for sample, spec in samples.items():
        spec = spec if isinstance(spec, HostSpec) else HostSpec(**spec)
        loaded = spec.load(read, cleaning)
        dips = dip_false_alarms(loaded, dip_options, out / "chunks" / f"dips_{sample}", progress=progress)
        paths[f"dips_{sample}"] = write_table(dips, out / f"dips_{sample}.parquet", {"stage": "false_alarms"})
        add_rates(dips, mag_axis, "mag", "dips", sample, ["dip_significant", "jump_significant"])
        anomalies = anomaly_false_alarms_on_hosts(
            loaded, finder, out / "chunks" / f"anomaly_{sample}", progress=progress
        )
        paths[f"anomaly_{sample}"] = write_table(
            anomalies, out / f"anomaly_{sample}.parquet", {"stage": "false_alarms"}
        )
        add_rates(anomalies, mag_axis, "mag", "anomaly", sample, ["has_candidate", "pipeline_candidate"])
    nulls = anomaly_false_alarms_simulated(sim, out / "chunks" / "anomaly_roman", progress=progress)
    paths["anomaly_roman"] = write_table(nulls, out / "anomaly_roman.parquet", {"stage": "false_alarms"})
    add_rates(nulls, sim.axis, "baseline_mag", "anomaly", "roman_simulated", ["has_candidate"], by=["kind"])
    rates = pd.concat(rate_frames, ignore_index=True)
    columns = ["search", "sample", "kind", "flag", "mag_lo", "mag_hi", "n_curves", "n_failed", "n_flagged"]
    rates = rates[[*columns, "rate", "rate_lo", "rate_hi"]]
    paths["rates"] = write_table(rates, out / "rates.parquet", {"stage": "false_alarms"})
    main = rates[rates["flag"].isin(["dip_significant", "has_candidate"])].copy()
    main["series"] = (
        main["search"] + " / " + main["sample"] + np.where(main["kind"] == "host", "", " / " + main["kind"])
    )
    paths["png"] = plot_false_alarm_rates(
        main.rename(columns={"rate": "flag_rate", "rate_lo": "flag_rate_lo", "rate_hi": "flag_rate_hi"}),
        "mag",
        "flag",
        out / "false_alarms.png",
        by="series",
        title="Flagged with nothing injected",
    )
    return paths


def validation_stage(
    out_dir: str | Path,
    *,
    run: str | Path | None = None,
    known: str | Path | None = None,
    asassn_dir: str | Path | None = None,
    detected: str = "dip_significant",
    predicted_class: str | None = None,
    detection: Mapping[str, Any] | None = None,
    unknown: str = "error",
    progress: Progress | None = None,
) -> dict[str, Path]:
    """Precision/recall/F1 per class of a run (``run`` + ``known``) or of the built-in ASAS-SN case.

    Without ``run``, the built-in case is used: the dip search runs on the labelled real light curves
    read from ``asassn_dir`` (default: the copies shipped with lcpipe).
    Writes ``metrics.parquet``, ``matched.parquet`` and, for the built-in case, ``run.parquet``.
    """
    out = Path(out_dir)
    paths: dict[str, Path] = {}
    provenance: dict[str, Any] = {"stage": "validation", "detected": detected}
    if run is None:
        case = asassn_case(asassn_dir)
        options = DIPS_SECTION.build(detection)
        rows = []
        for i, path in enumerate(case.paths, start=1):
            rows.append(detect_file(path, options))
            if progress is not None:
                progress(i, len(case.paths), f"validation: {path.name}")
        table = pd.DataFrame(rows)
        known_table = case.known
        provenance |= {"case": "asassn_skypatrol", "without_curve": list(case.without_curve)}
        paths["run"] = write_table(table, out / "run.parquet", provenance)
    else:
        if known is None:
            raise ValueError("validation: a run table needs a known-object list (known=...)")
        table = (
            read_table(run) if str(run).endswith(".parquet") else pd.read_csv(run, dtype={"source_id": str})
        )
        known_table = read_known(known)
    report = validate_run(
        table, known_table, detected=detected, predicted_class=predicted_class, unknown=unknown
    )
    provenance["unknown_ids"] = list(report.unknown_ids)
    paths["metrics"] = write_table(report.metrics, out / "metrics.parquet", provenance)
    paths["matched"] = write_table(report.matched, out / "matched.parquet", provenance)
    return paths
