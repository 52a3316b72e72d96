"""``lcpipe manifest``: list the light curves of one magnitude bin."""

from __future__ import annotations

import argparse
import sys

from lcpipe.manifest import ManifestError
from lcpipe.stages.manifest import write_bin_manifest


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``manifest`` subcommand."""
    parser = subparsers.add_parser(
        "manifest",
        help="list the light curves of a magnitude bin (ASAS-SN-style tree) into a Parquet manifest",
        description="Scan <lc-root>/<bin>/lc<num>_cal/<id>.dat2 and <index-root>/<bin>/index<num>.csv and "
        "write one row per source: position, path, whether the file exists, shard and status.",
    )
    parser.add_argument("--index-root", required=True, help="folder holding <bin>/index<num>.csv")
    parser.add_argument("--lc-root", required=True, help="folder holding <bin>/lc<num>_cal/<id>.dat2")
    parser.add_argument(
        "--bin", required=True, dest="mag_bin", help="magnitude bin folder name, e.g. 13_13.5"
    )
    parser.add_argument("--shards", type=int, default=1, help="number of shards to assign (default 1)")
    parser.add_argument("--out", required=True, help="output Parquet file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the manifest; a bin that cannot be listed prints one error line and returns 1."""
    survey = {"layout": "asassn", "index_root": args.index_root, "lc_root": args.lc_root}
    try:
        write_bin_manifest(
            args.out, mag_bin=args.mag_bin, survey=survey, shards=args.shards, bins=[args.mag_bin]
        )
    except ManifestError as exc:
        print(f"lcpipe manifest: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}")
    return 0
