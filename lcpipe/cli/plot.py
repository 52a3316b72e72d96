"""``lcpipe plot``: PNGs of every candidate of a candidates (or vetted) table."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from lcpipe.stages.plots import PlotOptions, write_bin_plots

_DEFAULTS = PlotOptions()


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``plot`` subcommand."""
    parser = subparsers.add_parser(
        "plot",
        help="plot every candidate: dip-branch light curves and microlensing summaries",
        description="Read a candidates or vetted Parquet table (with the filter's family_* columns and "
        "each source's light-curve path) and write, per candidate, <source_id>_lightcurve.png (dip or "
        "jump family: per-camera light curve with baseline, triggered runs and profile fit) and "
        "<source_id>_pspl-summary.png / _anomaly-zoom.png (microlensing family) into OUT_DIR, plus an "
        "index plots.parquet next to it. Detection options are the library defaults.",
    )
    parser.add_argument("table", help="candidates or vetted Parquet table")
    parser.add_argument("--out-dir", required=True, help="folder of the PNG files (created)")
    parser.add_argument(
        "--index", default=None, help="index Parquet file (default <out-dir>/../plots.parquet)"
    )
    parser.add_argument(
        "--dpi", type=int, default=_DEFAULTS.dpi, help=f"PNG resolution (default {_DEFAULTS.dpi})"
    )
    parser.add_argument(
        "--max-candidates",
        type=int,
        default=_DEFAULTS.max_candidates,
        help=f"plot at most this many candidates, strongest first (default {_DEFAULTS.max_candidates})",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the plots; a bad input table prints one error line and returns 1."""
    logging.basicConfig(level=logging.WARNING, format="lcpipe plot: %(message)s")
    out_dir = Path(args.out_dir)
    index = Path(args.index) if args.index else out_dir.parent / "plots.parquet"
    try:
        table = write_bin_plots(
            args.table,
            out_dir,
            index,
            plots={"dpi": args.dpi, "max_candidates": args.max_candidates},
            read={},
            cleaning={},
            dips={},
            pspl={},
            anomaly={},
        )
    except (ValueError, OSError, KeyError) as exc:
        print(f"lcpipe plot: {exc}", file=sys.stderr)
        return 1
    failed = table.loc[table["status"] != "ok", "source_id"].tolist() if len(table) else []
    print(f"wrote {int(table['n_plots'].sum()) if len(table) else 0} PNG files to {out_dir}; index {index}")
    if failed:
        print(
            f"lcpipe plot: no plots for {len(failed)} candidate(s) (see status in {index})", file=sys.stderr
        )
    return 0
