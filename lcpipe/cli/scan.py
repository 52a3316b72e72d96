"""``lcpipe scan``: the pipeline's anomaly-scan stage on one shard of a bin."""

from __future__ import annotations

import argparse
import json

from lcpipe.cli.fit_shard import shard_arguments
from lcpipe.stages.microlensing import anomaly_shard


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``scan`` subcommand."""
    scan = subparsers.add_parser(
        "scan",
        help="anomaly scan of the significant events of one shard of a PSPL table (the anomaly_scan stage)",
        description="Scan the residuals of every significant PSPL event of one shard and write one row per "
        "source plus the cluster side file.",
    )
    scan.add_argument("pspl", help="PSPL table of a bin (results/<bin>/pspl.parquet)")
    scan.add_argument("--clusters-out", required=True, help="output Parquet file of the clusters")
    scan.add_argument("--anomaly", type=json.loads, default={}, help="finder options as JSON")
    shard_arguments(scan)
    scan.set_defaults(func=run_scan)


def run_scan(args: argparse.Namespace) -> int:
    """Scan one shard and print the counts."""
    table = anomaly_shard(
        args.pspl,
        args.shard,
        args.out,
        args.clusters_out,
        anomaly=args.anomaly,
        pspl=args.pspl_options,
        read=args.read_options,
        cleaning={},
    )
    n_candidates = int(table["has_candidate"].sum())
    print(f"wrote {args.out}: {len(table)} sources, {n_candidates} with an anomaly candidate")
    return 0
