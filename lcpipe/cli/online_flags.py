"""Command-line flags shared by the commands that may query online catalogs (cache, timeout, retries)."""

from __future__ import annotations

import argparse
from typing import Any


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
