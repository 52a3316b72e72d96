"""``lcpipe fit-shard``: the pipeline's PSPL-fit stage on one shard of a bin."""

from __future__ import annotations

import argparse
import json

from lcpipe.stages.microlensing import pspl_shard


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``fit-shard`` subcommand."""
    fit = subparsers.add_parser(
        "fit-shard",
        help="PSPL fit of every source of one shard of a tag table (the pipeline's pspl_fit stage)",
        description="Fit every tagged source of one shard and write one row per source with the fit, "
        "is_event and status (as results/<bin>/shards/pspl_<k>.parquet).",
    )
    fit.add_argument("tags", help="tag table of a bin (results/<bin>/tags.parquet)")
    fit.add_argument("--events", type=json.loads, default={}, help="event-selection thresholds as JSON")
    shard_arguments(fit)
    fit.set_defaults(func=run_fit)


def shard_arguments(parser: argparse.ArgumentParser) -> None:
    """Shard, output and the options shared by ``fit-shard`` and ``scan``."""
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
