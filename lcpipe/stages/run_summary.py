"""Run summary: per-bin and per-stage source counts, the failures, the ledger totals (every entry of the
layout by disposition and status, per bin and for the run), the time spent per rule and the run's
throughput (light curves per second, cost per light curve of every stage).

Written as ``results/run_summary.json`` at the end of every run; ``lcpipe provenance`` prints it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from lcpipe._version import __version__
from lcpipe.stages.failures import stage_name
from lcpipe.stages.ledger import run_ledger_totals
from lcpipe.stages.provenance import config_hash
from lcpipe.tables import atomic_path, read_table

#: Snakemake benchmark TSV columns read here: wall seconds, peak resident memory (MB), CPU seconds.
BENCHMARK_COLUMNS = {"s": "wall_s", "max_rss": "max_rss_mb", "cpu_time": "cpu_s"}

#: Suffix of the per-source timing tables written beside the benchmarks (see lcpipe.stages.runner).
SOURCE_TIMINGS_SUFFIX = ".sources.tsv"

#: Rules left out of the run's throughput: they write the demo's input, they do not search it.
EXCLUDED_RULES = ("simulate_demo",)

#: The stage table whose rows are the light curves a run saw (one per source of a bin).
MANIFEST_TABLE = "manifest.parquet"


def stage_counts(path: str | Path) -> dict[str, Any]:
    """Source counts of one stage table.

    Returns
    -------
    dict
        ``stage``, ``table`` (file name), ``rows``, and when the table has a ``status`` column ``ok``,
        ``not_ok`` and ``status_counts`` (status → rows, sorted by status).
    """
    names = pq.read_schema(path).names
    counts: dict[str, Any] = {
        "stage": stage_name(path),
        "table": Path(path).name,
        "rows": pq.ParquetFile(path).metadata.num_rows,
    }
    if "status" in names:
        status = read_table(path, columns=["status"])["status"].fillna("missing_status").astype(str)
        by_status = status.value_counts().sort_index()
        counts["ok"] = int(by_status.get("ok", 0))
        counts["not_ok"] = int(by_status.sum() - counts["ok"])
        counts["status_counts"] = {str(k): int(v) for k, v in by_status.items()}
    return counts


def job_times(benchmark_dir: str | Path) -> pd.DataFrame:
    """One row per benchmarked job, from Snakemake's benchmark TSVs ``<benchmark_dir>/<rule>/**.tsv``.

    Parameters
    ----------
    benchmark_dir : path-like
        The ``results/benchmarks`` folder (may be missing: then the table is empty).

    Returns
    -------
    DataFrame
        Columns ``rule``, ``wall_s`` and ``cpu_s`` (seconds), ``max_rss_mb`` (MB; NaN where Snakemake
        could not measure), ``end_s`` (the TSV's modification time, POSIX seconds: Snakemake writes it
        when the job ends) and ``source_s`` (seconds spent on the job's sources according to its
        ``.sources.tsv`` beside the benchmark, NaN for jobs without one).
    """
    root = Path(benchmark_dir)
    rows = []
    for tsv in sorted(root.glob("*/**/*.tsv")):
        if tsv.name.endswith(SOURCE_TIMINGS_SUFFIX):  # seconds per source, not a job's benchmark
            continue
        frame = pd.read_csv(tsv, sep="\t")
        values = {
            name: float(pd.to_numeric(frame[column], errors="coerce").iloc[0])
            if column in frame
            else math.nan
            for column, name in BENCHMARK_COLUMNS.items()
        }
        sources = tsv.with_name(tsv.name.removesuffix(".tsv") + SOURCE_TIMINGS_SUFFIX)
        source_s = float(pd.read_csv(sources, sep="\t")["elapsed_s"].sum()) if sources.exists() else math.nan
        rule = tsv.relative_to(root).parts[0]
        rows.append({"rule": rule, **values, "end_s": tsv.stat().st_mtime, "source_s": source_s})
    columns = ["rule", *BENCHMARK_COLUMNS.values(), "end_s", "source_s"]
    return pd.DataFrame(rows, columns=columns)


def rule_times(benchmark_dir: str | Path) -> dict[str, dict[str, float]]:
    """Time and memory per rule from Snakemake's benchmark TSVs (see :func:`job_times`).

    Returns
    -------
    dict
        Rule name → ``jobs``, ``wall_s_total``, ``wall_s_max`` (seconds), ``cpu_s_total`` (seconds) and
        ``max_rss_mb`` (MB, the largest over the rule's jobs); values Snakemake could not measure are
        left out of the sums (NaN when no job of the rule has them).
    """
    out = {}
    for rule, runs in job_times(benchmark_dir).groupby("rule", sort=True):
        out[str(rule)] = {
            "jobs": len(runs),
            "wall_s_total": float(runs["wall_s"].sum(min_count=1)),
            "wall_s_max": float(runs["wall_s"].max()),
            "cpu_s_total": float(runs["cpu_s"].sum(min_count=1)),
            "max_rss_mb": float(runs["max_rss_mb"].max()),
        }
    return out


def _per_light_curve_ms(seconds: float, n_light_curves: int) -> float:
    return 1000.0 * seconds / n_light_curves if n_light_curves > 0 else math.nan


def _ratio(count: float, seconds: float) -> float | None:
    return count / seconds if seconds > 0 else None


def run_throughput(
    jobs: pd.DataFrame,
    n_light_curves: int,
    *,
    excluded_rules: Sequence[str] = EXCLUDED_RULES,
) -> dict[str, Any]:
    """Light curves per second of a run and the cost per light curve of every stage.

    Parameters
    ----------
    jobs : DataFrame
        :func:`job_times` of the run.
    n_light_curves : int
        Light curves the run saw (rows of the bins' manifests).
    excluded_rules : sequence of str
        Rules that are not part of the search (the demo generator), left out of every figure.

    Returns
    -------
    dict
        ``light_curves``; ``wall_s``, the span from the first timed job's start to the last one's end
        (benchmark file times; a resumed run counts its pause, a run summary rerun alone covers only
        what the benchmarks hold); ``job_wall_s``, the wall seconds of every timed job added up (each
        job holds one core while it runs: every rule has ``threads: 1``); ``cpu_s``, their CPU
        seconds; ``busy_cores``, ``job_wall_s / wall_s``; ``light_curves_per_s`` (per second of the
        run's wall time), ``light_curves_per_core_s`` (per second of a core held by a job) and
        ``light_curves_per_cpu_s`` (per CPU second), None when undefined; ``excluded_rules``; and
        ``stages``: rule → ``jobs``,
        ``wall_s``, ``cpu_s``, ``wall_ms_per_light_curve``, ``cpu_ms_per_light_curve``,
        ``cpu_share`` (of the run's CPU seconds), ``max_rss_mb`` and, for the per-source stages,
        ``source_ms_per_light_curve`` (time in the per-source loop; the rest of the wall time is the
        jobs' fixed overhead: start-up, imports, table reads and writes) and ``overhead_s_per_job``.
    """
    timed = jobs[~jobs["rule"].isin(list(excluded_rules))]
    wall = float(timed["end_s"].max() - (timed["end_s"] - timed["wall_s"]).min()) if len(timed) else 0.0
    job_wall, cpu = float(timed["wall_s"].sum()), float(timed["cpu_s"].sum())
    total_cpu = cpu if cpu > 0 else math.nan
    stages: dict[str, dict[str, float]] = {}
    for rule, runs in timed.groupby("rule", sort=True):
        wall_s, cpu_s = float(runs["wall_s"].sum(min_count=1)), float(runs["cpu_s"].sum(min_count=1))
        entry = {
            "jobs": len(runs),
            "wall_s": wall_s,
            "cpu_s": cpu_s,
            "wall_ms_per_light_curve": _per_light_curve_ms(wall_s, n_light_curves),
            "cpu_ms_per_light_curve": _per_light_curve_ms(cpu_s, n_light_curves),
            "cpu_share": cpu_s / total_cpu,
            "max_rss_mb": float(runs["max_rss_mb"].max()),
        }
        if runs["source_s"].notna().any():
            source_s = float(runs["source_s"].sum())
            entry["source_ms_per_light_curve"] = _per_light_curve_ms(source_s, n_light_curves)
            entry["overhead_s_per_job"] = (wall_s - source_s) / len(runs)
        stages[str(rule)] = entry
    return {
        "light_curves": int(n_light_curves),
        "wall_s": wall,
        "job_wall_s": job_wall,
        "cpu_s": cpu,
        "busy_cores": _ratio(job_wall, wall),
        "light_curves_per_s": _ratio(n_light_curves, wall),
        "light_curves_per_core_s": _ratio(n_light_curves, job_wall),
        "light_curves_per_cpu_s": _ratio(n_light_curves, cpu),
        "excluded_rules": list(excluded_rules),
        "stages": stages,
    }


def failure_listing(failure_tables: Sequence[str | Path], max_listed: int) -> dict[str, Any]:
    """Failures of every bin: total, counts per bin/stage/status, and the first ``max_listed`` rows.

    Parameters
    ----------
    failure_tables : sequence of path-like
        The ``failures.parquet`` of each bin (see :mod:`lcpipe.stages.failures`).
    max_listed : int
        Rows listed in full (``truncated`` tells whether more exist; the Parquet files hold all).
    """
    frames = [read_table(path) for path in failure_tables]
    nonempty = [f for f in frames if not f.empty]
    failures = pd.concat(nonempty, ignore_index=True) if nonempty else pd.DataFrame()
    counts: dict[str, dict[str, dict[str, int]]] = {}
    if not failures.empty:
        grouped = failures.groupby(["mag_bin", "stage", "status"], sort=True).size()
        for (mag_bin, stage, status), n in grouped.items():
            counts.setdefault(str(mag_bin), {}).setdefault(str(stage), {})[str(status)] = int(n)
    head = failures.head(max_listed).astype(object)
    listed = head.where(head.notna(), None)
    return {
        "total": len(failures),
        "files": [str(p) for p in failure_tables],
        "counts": counts,
        "listed": listed.to_dict("records"),
        "truncated": len(failures) > max_listed,
    }


def build_run_summary(
    tables: Sequence[str | Path],
    failure_tables: Sequence[str | Path],
    benchmark_dir: str | Path,
    *,
    config: Mapping[str, Any],
    max_listed: int = 1000,
    ledgers: Sequence[str | Path] = (),
    unbinned: str | Path | None = None,
) -> dict[str, Any]:
    """The run summary as a JSON-serialisable dictionary.

    Parameters
    ----------
    tables : sequence of path-like
        Stage tables ``<results>/<mag_bin>/<stage>.parquet``; the bin is the parent folder name.
    failure_tables : sequence of path-like
        The ``failures.parquet`` of each bin.
    benchmark_dir : path-like
        The ``results/benchmarks`` folder.
    config : mapping
        The workflow configuration of the run (hashed; recorded in full).
    max_listed : int
        Failure rows listed in full.
    ledgers : sequence of path-like
        The ``ledger.parquet`` of each bin.
    unbinned : path-like, optional
        ``results/ledger_unbinned.parquet``.

    Returns
    -------
    dict
        ``lcpipe_version``, ``config_hash``, ``generated_utc``, ``bins`` (bin → list of
        :func:`stage_counts` entries), ``failures`` (:func:`failure_listing`), ``ledger``
        (:func:`lcpipe.stages.ledger.run_ledger_totals`: per bin, unbinned and run), ``rules``
        (:func:`rule_times`), ``wall_s_total`` (sum over all benchmarked jobs, seconds), ``throughput``
        (:func:`run_throughput`, the light curves being the manifest rows of every bin) and ``config``.
    """
    bins: dict[str, list[dict[str, Any]]] = {}
    for path in tables:
        bins.setdefault(Path(path).parent.name, []).append(stage_counts(path))
    n_light_curves = sum(
        c["rows"] for counts in bins.values() for c in counts if c["table"] == MANIFEST_TABLE
    )
    rules = rule_times(benchmark_dir)
    walls = [r["wall_s_total"] for r in rules.values() if not math.isnan(r["wall_s_total"])]
    return {
        "lcpipe_version": __version__,
        "config_hash": config_hash(config),
        "generated_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "bins": bins,
        "failures": failure_listing(failure_tables, max_listed),
        "ledger": run_ledger_totals(ledgers, unbinned),
        "rules": rules,
        "wall_s_total": math.fsum(walls),
        "throughput": run_throughput(job_times(benchmark_dir), n_light_curves),
        "config": dict(config),
    }


def write_json_atomic(data: Mapping[str, Any], path: str | Path) -> Path:
    """Write ``data`` as indented JSON via a temporary file and a rename (never half-written)."""
    path = Path(path)
    with atomic_path(path) as tmp, tmp.open("w") as handle:
        json.dump(data, handle, indent=2, sort_keys=False, default=str)
        handle.write("\n")
    return path


def write_run_summary(
    tables: Sequence[str | Path],
    failure_tables: Sequence[str | Path],
    benchmark_dir: str | Path,
    output: str | Path,
    *,
    config: Mapping[str, Any],
    max_listed: int = 1000,
    ledgers: Sequence[str | Path] = (),
    unbinned: str | Path | None = None,
) -> dict[str, Any]:
    """Build the run summary (see :func:`build_run_summary`) and write it to ``output`` atomically."""
    summary = build_run_summary(
        tables,
        failure_tables,
        benchmark_dir,
        config=config,
        max_listed=max_listed,
        ledgers=ledgers,
        unbinned=unbinned,
    )
    write_json_atomic(summary, output)
    return summary
