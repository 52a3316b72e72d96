"""``lcpipe anomaly FILE [FILE ...]``: joint PSPL fit plus anomaly grid scan of one event's data sets."""

from __future__ import annotations

import argparse

from lcpipe.cli.event_files import add_event_arguments, read_event
from lcpipe.microlensing.figures import save_summary_plot, save_zoom_plot
from lcpipe.microlensing.finder import FinderOptions
from lcpipe.microlensing.fit_input import fit_input


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``anomaly`` subcommand."""
    parser = subparsers.add_parser(
        "anomaly",
        help="search one event (1+ files) for short (planetary) anomalies on a single-lens event",
        description="Read and clean the light curve(s) of one event (one file = one data set, labelled by "
        "its file stem unless the file has a data set column), fit one PSPL model jointly (each data set "
        "with its own source and blend flux), rescale each data set's errors to chi2/dof = 1, scan the "
        "residuals of all data sets together on the (t0, teff) grid, cluster, and report the best "
        "candidate with its score, support diagnostics and the data sets that carry it. Exit code 0 when "
        "the search ran, 1 when it could not (unreadable file, failed fit).",
    )
    add_event_arguments(parser, "time,flux,flux_err")
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


def run(args: argparse.Namespace) -> int:
    """Search and print; a file that cannot be read prints one error line and returns 1."""
    curves = read_event(args, "anomaly")
    if curves is None:
        return 1
    options = (FinderOptions.reference if args.reference else FinderOptions)(num_threads=args.threads)
    data = fit_input(curves)
    result = data.find(options)
    if args.json:
        print(result.to_json())
    else:
        print(f"{data.source_id}")
        result.print_summary()
    if args.plot:
        save_summary_plot(result, args.plot)
    if args.zoom_plot:
        save_zoom_plot(result, args.zoom_plot)
    return 0 if result.status == "ok" else 1
