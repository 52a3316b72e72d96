"""What the catalog commands (characterize, vet) share: online flags (cache, timeout, retries) and the run."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
from collections.abc import Callable
from typing import Any

import pandas as pd

from lcpipe.characterize.catalog import CatalogFileError
from lcpipe.tables import read_table, write_table


def add_online_flags(parser: argparse.ArgumentParser, defaults: Any) -> None:
    """Add ``--cache-dir``, ``--timeout`` and ``--retries`` with defaults from an options object.

    ``defaults`` must have ``cache_dir``, ``timeout_s`` and ``retries`` attributes.
    """
    parser.add_argument(
        "--cache-dir",
        default=defaults.cache_dir,
        help=f"folder of the on-disk query cache (default {defaults.cache_dir})",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=defaults.timeout_s,
        help=f"seconds per online attempt (default {defaults.timeout_s:g})",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=defaults.retries,
        help=f"further online attempts after a failure (default {defaults.retries})",
    )


def online_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The options fields of the flags :func:`add_online_flags` added."""
    return {"cache_dir": args.cache_dir, "timeout_s": args.timeout, "retries": args.retries}


def run_on_candidates(
    args: argparse.Namespace,
    command: str,
    stage: str,
    make_options: Callable[[], Any],
    apply: Callable[[pd.DataFrame, Any], pd.DataFrame],
) -> pd.DataFrame | None:
    """Read ``args.input``, ``apply`` the options and write ``args.out`` with the stage's provenance.

    Returns
    -------
    DataFrame or None
        The table written; None when the options or an input file are bad (one error line printed).
    """
    logging.basicConfig(level=logging.WARNING, format=f"lcpipe {command}: %(message)s")
    try:
        options = make_options()
        table = apply(read_table(args.input), options)
    except (CatalogFileError, ValueError, OSError) as exc:
        print(f"lcpipe {command}: {exc}", file=sys.stderr)
        return None
    write_table(table, args.out, provenance={"stage": stage, "options": dataclasses.asdict(options)})
    return table
