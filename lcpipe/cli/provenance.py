"""``lcpipe provenance FILE``: print a stage table's provenance or a run summary readably."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from lcpipe.tables import read_provenance


class ProvenanceError(ValueError):
    """FILE cannot be described: missing, unreadable, or not an lcpipe output; names the file."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``provenance`` subcommand."""
    parser = subparsers.add_parser(
        "provenance",
        help="print the provenance of a stage table (.parquet) or a run summary (run_summary.json)",
        description="For a Parquet stage output: the stage, lcpipe version, config hash, options and the "
        "SHA-256 of every input table it was built from. For results/run_summary.json: counts per bin and "
        "stage, failures and time per rule.",
    )
    parser.add_argument("file", help="a Parquet file written by lcpipe, or run_summary.json")
    parser.add_argument("--json", action="store_true", help="print the stored provenance as JSON instead")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the description of ``args.file``; a one-line error and exit code 1 when it has none."""
    try:
        data = load(args.file)
    except ProvenanceError as exc:
        print(f"lcpipe provenance: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(data, indent=2, default=str))
    elif "bins" in data and "rules" in data:
        print(format_run_summary(data, args.file))
    else:
        print(format_table_provenance(data, args.file))
    return 0


def load(path: str | Path) -> dict[str, Any]:
    """Provenance of a Parquet stage table (with ``rows``/``columns`` added) or a run summary's content.

    Raises
    ------
    ProvenanceError
        When the file is missing, unreadable, or carries no lcpipe provenance.
    """
    path = Path(path)
    if not path.is_file():
        raise ProvenanceError(f"{path}: no such file")
    if path.suffix == ".json":
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise ProvenanceError(f"{path}: not readable JSON ({exc})") from exc
        if not isinstance(data, dict) or "lcpipe_version" not in data:
            raise ProvenanceError(f"{path}: not an lcpipe run summary (no lcpipe_version)")
        return data
    try:
        provenance = read_provenance(path)
        metadata = pq.read_metadata(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise ProvenanceError(f"{path}: not a readable Parquet file ({exc})") from exc
    if not provenance:
        raise ProvenanceError(f"{path}: no lcpipe provenance in its metadata (not written by lcpipe)")
    return {**provenance, "rows": metadata.num_rows, "columns": metadata.num_columns}


def _flatten(options: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for key, value in options.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            items.extend(_flatten(value, f"{name}."))
        else:
            items.append((name, value))
    return items


def format_table_provenance(data: Mapping[str, Any], path: str | Path) -> str:
    """Readable text of a stage table's provenance (see :func:`load`)."""
    lines = [
        f"file:           {path}",
        f"stage:          {data.get('stage', '?')}",
        f"lcpipe version: {data.get('lcpipe_version', '?')}",
        f"config hash:    {data.get('config_hash', '?')}",
        f"rows x columns: {data.get('rows', '?')} x {data.get('columns', '?')}",
    ]
    options = _flatten(data.get("options") or {})
    lines.append("options:" if options else "options:        (none)")
    lines.extend(f"  {name} = {json.dumps(value, default=str)}" for name, value in options)
    inputs = data.get("input_checksums") or {}
    lines.append("inputs (sha256):" if inputs else "inputs:         (none recorded)")
    lines.extend(f"  {checksum}  {name}" for name, checksum in inputs.items())
    extra = sorted(set(data) - {"stage", "lcpipe_version", "config_hash", "options", "input_checksums"})
    lines.extend(f"{key}: {data[key]}" for key in extra if key not in ("rows", "columns"))
    return "\n".join(lines)


def format_run_summary(data: Mapping[str, Any], path: str | Path) -> str:
    """Readable text of ``run_summary.json``: per-bin stage counts, failures, time per rule."""
    lines = [
        f"run summary:    {path}",
        f"lcpipe version: {data.get('lcpipe_version', '?')}",
        f"config hash:    {data.get('config_hash', '?')}",
        f"written (UTC):  {data.get('generated_utc', '?')}",
    ]
    for mag_bin, stages in data.get("bins", {}).items():
        lines.append(f"bin {mag_bin}:")
        lines.append(f"  {'stage':<24} {'table':<28} {'rows':>7} {'ok':>7} {'not ok':>7}")
        for entry in stages:
            lines.append(
                f"  {entry['stage']:<24} {entry['table']:<28} {entry['rows']:>7} "
                f"{entry.get('ok', '-'):>7} {entry.get('not_ok', '-'):>7}"
            )
    failures = data.get("failures", {})
    lines.append(f"failures: {failures.get('total', 0)} (source, stage) rows")
    for mag_bin, stages in failures.get("counts", {}).items():
        for stage, statuses in stages.items():
            reasons = ", ".join(f"{status} {n}" for status, n in statuses.items())
            lines.append(f"  {mag_bin:<12} {stage:<24} {reasons}")
    if failures.get("truncated"):
        lines.append(f"  (listed in full in {', '.join(failures.get('files', []))})")
    lines.append("time per rule (from results/benchmarks):")
    lines.append(f"  {'rule':<28} {'jobs':>5} {'wall s':>9} {'max s':>8} {'max RSS MB':>11}")
    for rule, times in data.get("rules", {}).items():
        lines.append(
            f"  {rule:<28} {times['jobs']:>5} {times['wall_s_total']:>9.1f} {times['wall_s_max']:>8.1f} "
            f"{times['max_rss_mb']:>11.0f}"
        )
    lines.append(f"wall time, sum over jobs: {data.get('wall_s_total', float('nan')):.1f} s")
    throughput = data.get("throughput")
    if throughput:  # run summaries of earlier versions have none
        rates = [
            ("per second", "light_curves_per_s"),
            ("per core-second", "light_curves_per_core_s"),
            ("per CPU second", "light_curves_per_cpu_s"),
        ]
        shown = ", ".join(
            f"{throughput[key]:.3g} {label}" for label, key in rates if throughput.get(key) is not None
        )
        lines.append(
            f"throughput: {throughput['light_curves']} light curves in {throughput['wall_s']:.1f} s wall"
            + (f": {shown}" if shown else "")
        )
    return "\n".join(lines)
