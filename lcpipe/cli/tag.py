"""``lcpipe tag``: per-source statistics and cut flags for the sources of a manifest."""

from __future__ import annotations

import argparse
import json

from lcpipe.stages.tag import TagOptions, tag_shard


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``tag`` subcommand."""
    defaults = TagOptions()
    parser = subparsers.add_parser(
        "tag",
        help="compute span, cadence, cameras, bands and scatter of each manifest source, with cut flags",
        description="Read every light curve of one shard of a manifest and write one row per source "
        "(bad files included, with their status).",
    )
    parser.add_argument("manifest", help="manifest Parquet file (from `lcpipe manifest`)")
    parser.add_argument("--shard", type=int, default=0, help="shard to process (default 0)")
    parser.add_argument("--out", required=True, help="output Parquet file")
    parser.add_argument("--min-span-days", type=float, default=defaults.min_span_days, help="span cut (days)")
    parser.add_argument(
        "--min-points-per-day",
        type=float,
        default=defaults.min_points_per_day,
        help="cadence cut (points/day)",
    )
    parser.add_argument("--min-cameras", type=int, default=defaults.min_cameras, help="camera-count cut")
    parser.add_argument(
        "--known-variables", help="VSX-style CSV (name, ra, dec, class, period) to tag matches"
    )
    parser.add_argument(
        "--read-options",
        type=json.loads,
        default={},
        help='reader options as JSON, e.g. \'{"format": "dat2"}\'',
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Tag the shard and print a one-line count by status."""
    tag = {
        "min_span_days": args.min_span_days,
        "min_points_per_day": args.min_points_per_day,
        "min_cameras": args.min_cameras,
        "known_variables": args.known_variables,
    }
    table = tag_shard(args.manifest, args.shard, args.out, tag=tag, read=args.read_options, cleaning={})
    counts = ", ".join(f"{k}: {v}" for k, v in table["status"].value_counts().items())
    print(
        f"wrote {args.out}: {len(table)} sources ({counts}); {int(table['passed_tags'].sum())} pass the cuts"
    )
    return 0
