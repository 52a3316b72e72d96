"""The ``lcpipe`` command line: one module per subcommand, each with ``register(subparsers)``.

An application on top of the layers: may import lcpipe.stages and everything below it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from lcpipe._version import __version__

#: Subcommand modules under ``lcpipe.cli``, named as the subcommand they register (``_`` for ``-``); each
#: defines ``register(subparsers) -> None`` which adds its parser (with help text) and sets ``func`` to a
#: ``run(args) -> int`` callable.
SUBCOMMANDS: tuple[str, ...] = (
    "simulate",
    "info",
    "manifest",
    "tag",
    "fit",
    "anomaly",
    "fit_shard",
    "scan",
    "dips",
    "filter",
    "characterize",
    "vet",
    "classify",
    "ml",
    "review",
    "plot",
    "evaluate",
    "provenance",
    "ledger",
)


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="lcpipe",
        description="Find microlensing anomalies and dimming/brightening events in survey light curves.",
    )
    parser.add_argument("--version", action="version", version=f"lcpipe {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(f"lcpipe.cli.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``lcpipe`` console script; returns the process exit code.

    A reader of the output that goes away (``lcpipe info X | head -1``) ends the command quietly.
    """
    try:
        parser = build_parser()
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
