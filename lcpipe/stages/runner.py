"""Run a per-source function over a shard without letting one source stop the rest."""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from lcpipe.stages.provenance import stage_provenance
from lcpipe.stages.shard_io import shard_rows
from lcpipe.tables import write_table

logger = logging.getLogger(__name__)

#: Seconds between progress lines in the log of a long shard.
PROGRESS_INTERVAL_S = 10.0


def run_per_source(
    rows: Iterable[Mapping[str, Any]],
    func: Callable[[Mapping[str, Any]], Mapping[str, Any]],
    *,
    stage: str,
    total: int | None = None,
) -> pd.DataFrame:
    """Apply ``func`` to each manifest row and collect one output row per source.

    Parameters
    ----------
    rows : iterable of mappings
        Input rows; each must have ``source_id``.
    func : callable
        Maps one input row to a flat dict of output columns including ``status``. It should
        return a status for bad data itself; an exception it raises is caught here and
        recorded as ``status="error"`` with the exception text in ``error``, so the shard
        finishes and the failure is visible in the table.
    stage : str
        Stage name for the progress log.
    total : int, optional
        Number of rows, for progress lines.

    Returns
    -------
    DataFrame
        One row per input row, ``source_id`` first, ``status`` and ``error`` always present,
        ``elapsed_s`` the seconds spent on that source.
    """
    out: list[dict[str, Any]] = []
    started = last_report = time.monotonic()
    for i, row in enumerate(rows, start=1):
        t0 = time.monotonic()
        try:
            result = {"source_id": row["source_id"], **func(row)}
            result.setdefault("error", "")
        except Exception as exc:
            logger.error("%s: source %s failed:\n%s", stage, row["source_id"], traceback.format_exc())
            result = {
                "source_id": row["source_id"],
                "status": "error",
                "error": f"{type(exc).__name__}: {exc}",
            }
        result["elapsed_s"] = time.monotonic() - t0
        out.append(result)
        now = time.monotonic()
        if now - last_report >= PROGRESS_INTERVAL_S:
            last_report = now
            of = f"/{total}" if total is not None else ""
            logger.info("%s: %d%s sources in %.0f s", stage, i, of, now - started)
    logger.info("%s: %d sources in %.1f s", stage, len(out), time.monotonic() - started)
    frame = pd.DataFrame(out)
    if frame.empty:
        frame = pd.DataFrame(columns=["source_id", "status", "error", "elapsed_s"])
    return frame


def run_shard(
    table: str | Path,
    shard: int,
    output: str | Path,
    func: Callable[[Mapping[str, Any]], Mapping[str, Any]],
    *,
    stage: str,
    options: Mapping[str, Any],
    postprocess: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    extra_inputs: Iterable[str | Path] = (),
) -> pd.DataFrame:
    """Run ``func`` over the rows of one shard of ``table`` and write the result atomically.

    Parameters
    ----------
    table : path-like
        Input table of the bin (manifest or a gathered stage table) with a ``shard`` column.
    shard : int
        Shard number.
    output : path-like
        Destination Parquet file, with provenance (stage, options, checksum of ``table``).
    func : callable
        Per-source function, see :func:`run_per_source`.
    stage : str
        Stage name.
    options : mapping
        The options the stage ran with (recorded in the provenance and hashed).
    postprocess : callable, optional
        Whole-table step applied before writing (e.g. a vectorised crossmatch).
    extra_inputs : iterable of path-like
        Further input files whose checksums go into the provenance.

    Returns
    -------
    DataFrame
        The table written.
    """
    rows = shard_rows(table, shard)
    result = run_per_source(rows.to_dict("records"), func, stage=stage, total=len(rows))
    if postprocess is not None:
        result = postprocess(result)
    write_table(result, output, stage_provenance(stage, options, [table, *extra_inputs]))
    return result
