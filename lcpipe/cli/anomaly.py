"""``lcpipe anomaly FILE``: PSPL fit plus anomaly grid scan of one light curve."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from lcpipe.cli.info import READER_FLAGS
from lcpipe.io import FORMATS
from lcpipe.io.load import load_clean_with_reason
from lcpipe.microlensing.finder import FinderOptions, find_anomalies
from lcpipe.microlensing.photometry import dataset_labels
from lcpipe.microlensing.plots import save_summary_plot, save_zoom_plot


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``anomaly`` subcommand."""
    parser = subparsers.add_parser(
        "anomaly",
        help="search one light curve for short (planetary) anomalies on a single-lens event",
        description="Read and clean one light curve, fit a PSPL model, rescale the errors to chi2/dof = 1, "
        "scan the residuals on the (t0, teff) grid, cluster, and report the best candidate with its score "
        "and support diagnostics. Exit code 0 when the search ran, 1 when it could not (unreadable file, "
        "failed fit).",
    )
    parser.add_argument("file", help="light-curve file (.dat2, SkyPatrol CSV, OGLE, generic table, .npy)")
    parser.add_argument(
        "--format", choices=sorted(FORMATS), default=None, help="force a reader (default: detected)"
    )
    parser.add_argument(
        "--columns",
        type=lambda text: tuple(item.strip() for item in text.split(",") if item.strip()),
        default=None,
        help="comma-separated names of the columns by position, e.g. time,flux,flux_err (generic tables)",
    )
    for flag, dest, kind, text in READER_FLAGS:
        parser.add_argument(flag, dest=dest, type=kind, default=None, help=text)
    parser.add_argument("--plot", default=None, help="write the three-panel summary PNG here")
    parser.add_argument(
        "--zoom-plot", default=None, help="write the zoom on the best anomaly window PNG here"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    parser.add_argument(
        "--reference",
        action="store_true",
        help="use the reference tool's definitions (no error rescaling, no gap rule) for comparisons",
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="OpenMP threads of the scan (0: OpenMP default; default 1)"
    )
    parser.set_defaults(func=run)


def _reader_options(args: argparse.Namespace) -> dict[str, Any]:
    names = ["columns", *(dest for _, dest, _, _ in READER_FLAGS)]
    return {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}


def run(args: argparse.Namespace) -> int:
    """Search and print; a file that cannot be read prints one error line and returns 1."""
    lc, status, _, reason = load_clean_with_reason(
        args.file, format=args.format, read_options=_reader_options(args)
    )
    if lc is None or status != "ok":
        print(f"lcpipe anomaly: {args.file}: {status}: {reason}", file=sys.stderr)
        return 1
    options = (FinderOptions.reference if args.reference else FinderOptions)(num_threads=args.threads)
    result = find_anomalies(lc.time, lc.flux, lc.flux_err, options=options, group=dataset_labels(lc))
    if args.json:
        print(result.to_json())
    else:
        print(f"{lc.source_id}")
        result.print_summary()
    if args.plot:
        save_summary_plot(result, args.plot)
    if args.zoom_plot:
        save_zoom_plot(result, args.zoom_plot)
    return 0 if result.status == "ok" else 1
