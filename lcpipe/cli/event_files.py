"""The files of one event on the command line (``lcpipe fit``, ``lcpipe anomaly``): arguments and reading."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from lcpipe.cli.info import READER_FLAGS
from lcpipe.io import FORMATS
from lcpipe.io.load import first_failure
from lcpipe.lightcurve import LightCurve
from lcpipe.microlensing.fit_input import load_event


def add_event_arguments(parser: argparse.ArgumentParser, columns_example: str) -> None:
    """The event's files, ``--format``, ``--columns`` and the reader flags.

    Parameters
    ----------
    parser : ArgumentParser
        The subcommand's parser.
    columns_example : str
        Example of ``--columns`` in the help, e.g. ``"time,mag,mag_err"``.
    """
    parser.add_argument(
        "file",
        nargs="+",
        help="light-curve file(s) of one event (.dat2, SkyPatrol CSV, OGLE, pySIS, DIA, generic table, .npy)",
    )
    parser.add_argument(
        "--format", choices=sorted(FORMATS), default=None, help="force a reader (default: detected)"
    )
    parser.add_argument(
        "--columns",
        type=lambda text: tuple(item.strip() for item in text.split(",") if item.strip()),
        default=None,
        help=f"comma-separated names of the columns by position, e.g. {columns_example} (generic tables)",
    )
    for flag, dest, kind, text in READER_FLAGS:
        parser.add_argument(flag, dest=dest, type=kind, default=None, help=text)


def reader_options(args: argparse.Namespace) -> dict[str, Any]:
    """The reader options given on the command line."""
    names = ["columns", *(dest for _, dest, _, _ in READER_FLAGS)]
    return {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}


def read_event(args: argparse.Namespace, command: str) -> list[LightCurve] | None:
    """The event's cleaned curves (:func:`~lcpipe.microlensing.fit_input.load_event`), or None after
    printing ``lcpipe <command>: <file>: <problem>`` to stderr when a file cannot be used."""
    curves, status, _ = load_event(args.file, format=args.format, read_options=reader_options(args))
    if status == "ok":
        return curves
    line = first_failure(args.file, format=args.format, read_options=reader_options(args)) or status
    print(f"lcpipe {command}: {line}", file=sys.stderr)
    return None
