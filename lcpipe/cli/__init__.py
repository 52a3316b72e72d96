"""The ``lcpipe`` command line: one module per subcommand, each with ``register(subparsers)``.

An application on top of the layers: may import lcpipe.stages and everything below it.

Start-up is lazy: ``lcpipe --help``, ``lcpipe --version`` and the parser of the command that runs import
no subcommand module but that command's (the others are listed from :data:`SUBCOMMANDS`), so numpy,
pandas, astropy and the science packages load only when a command needs them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Iterable

from lcpipe._version import __version__

#: Subcommand → its one-line help in ``lcpipe --help``. The command is registered in full by the module
#: ``lcpipe.cli.<command with _ for ->``, whose ``register(subparsers) -> None`` adds its parser (with the
#: same help and a description) and sets ``func`` to a ``run(args) -> int`` callable.
SUBCOMMANDS: dict[str, str] = {
    "simulate": "write a seeded ASAS-SN-style demo survey with injected events and their truth",
    "info": "print a summary of one light-curve file (points, span, cameras, bands, scatter)",
    "manifest": "list the light curves of a magnitude bin (ASAS-SN-style tree) into a Parquet manifest",
    "tag": "compute span, cadence, cameras, bands and scatter of each manifest source, with cut flags",
    "fit": "fit a point-lens microlensing model (PSPL, or FSPL with --fspl) to one event (1+ files)",
    "anomaly": "search one event (1+ files) for short (planetary) anomalies on a single-lens event",
    "fit-shard": "PSPL fit of every source of one shard of a tag table (the pipeline's pspl_fit stage)",
    "scan": "anomaly scan of the significant events of one shard of a PSPL table (the anomaly_scan stage)",
    "dips": "detect dimming (dip) and brightening (jump) events; one output row per light-curve file",
    "filter": "split an events table into candidates (dip, jump or microlensing) and rejected sources",
    "characterize": "add Galactic l/b, the nearest Gaia-like counterpart, distance, colours and IR class",
    "vet": "crossmatch candidates with known-variable catalogs (local VSX-style, optional SIMBAD)",
    "classify": "rule-based classes (eclipsing binary, flare, CV, starspot, dipper, YSO, disk, ...)",
    "ml": "train a LightGBM classifier on review labels, predict class probabilities",
    "review": "review candidates in a local web app (score, class, notes), merge and export reviews",
    "plot": "plot every candidate: dip-branch light curves and microlensing summaries",
    "evaluate": "measure what the searches find: injection-recovery, false alarms, validation",
    "provenance": "print the provenance of a stage table (.parquet) or a run summary (run_summary.json)",
    "ledger": "print the ledger totals of a run (every entry of the layout by disposition and status)",
}


def subcommand_module(command: str) -> str:
    """The module that registers ``command`` (``fit-shard`` → ``lcpipe.cli.fit_shard``)."""
    return f"lcpipe.cli.{command.replace('-', '_')}"


def build_parser(commands: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """Return the top-level parser with every subcommand.

    Parameters
    ----------
    commands : iterable of str, optional
        Subcommands registered in full (their modules imported); the others are listed by name and help
        only and cannot parse their arguments. None (the default) registers every subcommand in full.
    """
    full = set(SUBCOMMANDS) if commands is None else set(commands)
    parser = argparse.ArgumentParser(
        prog="lcpipe",
        description="Find microlensing anomalies and dimming/brightening events in survey light curves.",
    )
    parser.add_argument("--version", action="version", version=f"lcpipe {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command, summary in SUBCOMMANDS.items():
        if command in full:
            importlib.import_module(subcommand_module(command)).register(subparsers)
        else:
            subparsers.add_parser(command, help=summary, add_help=False)
    return parser


def requested_command(argv: list[str]) -> str | None:
    """The subcommand named on the command line: its first argument that is not an option, if known.

    The top-level parser has no option that takes a value, so that argument is the subcommand.
    """
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    return first if first in SUBCOMMANDS else None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``lcpipe`` console script; returns the process exit code.

    Only the requested subcommand's module is imported. A reader of the output that goes away
    (``lcpipe info X | head -1``) ends the command quietly.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        command = requested_command(argv)
        parser = build_parser(commands=() if command is None else (command,))
        args = parser.parse_args(argv)
        if not hasattr(args, "func"):
            parser.print_help()
            return 2
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at interpreter exit
        return code
    except BrokenPipeError:
        # The rest of the output has nowhere to go: send it (and the exit-time flush) to /dev/null.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, as a shell reports a command killed by a closed pipe


if __name__ == "__main__":
    sys.exit(main())
