"""``lcpipe fit-shard`` and ``lcpipe scan``: the PSPL-fit and anomaly-scan stages on one shard of a bin."""

from __future__ import annotations

import argparse
import json

from lcpipe.stages.microlensing import anomaly_shard, pspl_shard


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``fit-shard`` and ``scan`` subcommands."""
    fit = subparsers.add_parser(
        "fit-shard",
        help="PSPL fit of every source of one shard of a tag table (the pipeline's pspl_fit stage)",
        description="Fit every tagged source of one shard and write one row per source with the fit, "
        "is_event and status (as results/<bin>/shards/pspl_<k>.parquet).",
    )
    fit.add_argument("tags", help="tag table of a bin (results/<bin>/tags.parquet)")
    fit.add_argument("--events", type=json.loads, default={}, help="event-selection thresholds as JSON")
    _common(fit)
    fit.set_defaults(func=run_fit)
    scan = subparsers.add_parser(
        "scan",
        help="anomaly scan of the significant events of one shard of a PSPL table (the anomaly_scan stage)",
        description="Scan the residuals of every significant PSPL event of one shard and write one row per "
        "source plus the cluster side file.",
    )
    scan.add_argument("pspl", help="PSPL table of a bin (results/<bin>/pspl.parquet)")
    scan.add_argument("--clusters-out", required=True, help="output Parquet file of the clusters")
    scan.add_argument("--anomaly", type=json.loads, default={}, help="finder options as JSON")
    _common(scan)
    scan.set_defaults(func=run_scan)


def _common(parser: argparse.ArgumentParser) -> None:
    """Shard, output and the options shared by both stages."""
    parser.add_argument("--shard", type=int, default=0, help="shard to process (default 0)")
    parser.add_argument("--out", required=True, help="output Parquet file")
    parser.add_argument("--pspl-options", type=json.loads, default={}, help="PSPL fit options as JSON")
    parser.add_argument("--read-options", type=json.loads, default={}, help="reader options as JSON")


def run_fit(args: argparse.Namespace) -> int:
    """Fit one shard and print the counts."""
    table = pspl_shard(
        args.tags,
        args.shard,
        args.out,
        pspl=args.pspl_options,
        events=args.events,
        read=args.read_options,
        cleaning={},
    )
    print(f"wrote {args.out}: {len(table)} sources, {int(table['is_event'].sum())} significant events")
    return 0


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
