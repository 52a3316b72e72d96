"""``lcpipe dips``: Bayesian dip/jump detection on light-curve files, one table row per file."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from lcpipe.dips.baseline import BASELINE_METHODS
from lcpipe.dips.events import DipOptions
from lcpipe.dips.files import detect_file
from lcpipe.dips.trigger import TRIGGER_MODES
from lcpipe.tables import write_table

_DEFAULTS = DipOptions()
#: At most this many progress lines are printed for one run.
_MAX_PROGRESS_LINES = 100


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``dips`` subcommand."""
    parser = subparsers.add_parser(
        "dips",
        help="detect dimming (dip) and brightening (jump) events; one output row per light-curve file",
        description="Read each light curve (ASAS-SN .dat2, SkyPatrol CSV or a generic table), clean "
        "it, fit a per-camera GP baseline, score dips and jumps with the Bayesian mixture model, find runs "
        "of triggered points, fit their morphology and the dipper score, and write one Parquet row per "
        "file. A file that cannot be read or has too few usable points gives a row whose status says why.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="light-curve files")
    parser.add_argument("--out", required=True, help="output Parquet table (written atomically)")
    parser.add_argument(
        "--baseline",
        choices=BASELINE_METHODS,
        default=_DEFAULTS.baseline.method,
        help=f"baseline model per camera (default {_DEFAULTS.baseline.method})",
    )
    parser.add_argument(
        "--trigger-mode",
        choices=TRIGGER_MODES,
        default=_DEFAULTS.trigger.mode,
        help="per-point trigger: posterior event probability >= 0.9999997 or per-point log BF >= 5 "
        f"(default {_DEFAULTS.trigger.mode})",
    )
    parser.add_argument(
        "--min-log-bf",
        type=float,
        default=_DEFAULTS.min_log_bf,
        help="natural-log Bayes factor a significant dip/jump needs "
        f"(default ln 10 = {_DEFAULTS.min_log_bf:.3f})",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Process every file and write the table; returns 0 (bad files are rows, not failures)."""
    options = DipOptions(
        baseline={"method": args.baseline}, trigger={"mode": args.trigger_mode}, min_log_bf=args.min_log_bf
    )
    n = len(args.files)
    every = max(1, n // _MAX_PROGRESS_LINES)
    rows, start = [], time.perf_counter()
    for i, path in enumerate(args.files, start=1):
        row = detect_file(path, options)
        rows.append(row)
        if not args.quiet and (i % every == 0 or i == n):
            detail = f": {row['reason']}" if row["reason"] else ""
            print(
                f"[{i}/{n}] {Path(path).name}: {row['status']}{detail} dip={row['dip_significant']} "
                f"jump={row['jump_significant']} ({time.perf_counter() - start:.1f} s)",
                file=sys.stderr,
            )
    table = pd.DataFrame(rows)
    write_table(table, args.out, provenance={"stage": "dips", "options": options.to_dict()})
    if not args.quiet:
        counts = table["status"].value_counts().to_dict()
        print(f"wrote {len(table)} rows to {args.out}; statuses {counts}", file=sys.stderr)
    return 0
