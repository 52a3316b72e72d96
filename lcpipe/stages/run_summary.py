"""Run summary: per-bin and per-stage source counts, the failures, the ledger totals (every entry of the
layout by disposition and status, per bin and for the run), and the time spent per rule.

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


def rule_times(benchmark_dir: str | Path) -> dict[str, dict[str, float]]:
    """Time and memory per rule from Snakemake's benchmark TSVs ``<benchmark_dir>/<rule>/**.tsv``.

    Parameters
    ----------
    benchmark_dir : path-like
        The ``results/benchmarks`` folder (may be missing: then the result is empty).

    Returns
    -------
    dict
        Rule name → ``jobs``, ``wall_s_total``, ``wall_s_max`` (seconds), ``cpu_s_total`` (seconds) and
        ``max_rss_mb`` (MB, the largest over the rule's jobs); values Snakemake could not measure are
        left out of the sums (NaN when no job of the rule has them).
    """
    root = Path(benchmark_dir)
    per_rule: dict[str, list[pd.DataFrame]] = {}
    for tsv in sorted(root.glob("*/**/*.tsv")):
        if tsv.name.endswith(SOURCE_TIMINGS_SUFFIX):  # seconds per source, not a job's benchmark
            continue
        frame = pd.read_csv(tsv, sep="\t")
        present = [c for c in BENCHMARK_COLUMNS if c in frame]
        frame = frame[present].apply(pd.to_numeric, errors="coerce").rename(columns=BENCHMARK_COLUMNS)
        per_rule.setdefault(tsv.relative_to(root).parts[0], []).append(frame)
    out = {}
    for rule, frames in sorted(per_rule.items()):
        runs = pd.concat(frames, ignore_index=True).reindex(columns=list(BENCHMARK_COLUMNS.values()))
        out[rule] = {
            "jobs": len(frames),
            "wall_s_total": float(runs["wall_s"].sum(min_count=1)),
            "wall_s_max": float(runs["wall_s"].max()),
            "cpu_s_total": float(runs["cpu_s"].sum(min_count=1)),
            "max_rss_mb": float(runs["max_rss_mb"].max()),
        }
    return out


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
        (:func:`rule_times`), ``wall_s_total`` (sum over all benchmarked jobs, seconds) and ``config``.
    """
    bins: dict[str, list[dict[str, Any]]] = {}
    for path in tables:
        bins.setdefault(Path(path).parent.name, []).append(stage_counts(path))
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
