"""Logging of stage runs into a Snakemake job's log file."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def log_to(path: str | Path, level: int = logging.INFO) -> Iterator[logging.Logger]:
    """Send lcpipe's log records to ``path`` for the duration of the block.

    Exceptions that escape the block are written to the log with their traceback before they
    propagate, so a failed job's log says why.
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, mode="w")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("lcpipe")
    root.addHandler(handler)
    previous = root.level
    root.setLevel(level)
    try:
        yield root
    except Exception:
        root.exception("stage failed")
        raise
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        handler.close()
