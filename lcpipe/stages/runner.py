"""Run a per-source function over a shard without letting one source stop the rest.

Data faults mark the source, system faults stop the job
-------------------------------------------------------
A problem of one source's data (a corrupt file, a fit that does not converge) becomes that source's
``status`` with the exception text in ``error``; the shard goes on. Everything else stops the job so
that Snakemake marks it failed and reruns it:

* ``OSError`` escaping the per-source function: the readers turn every input-file error into a read
  status (:class:`lcpipe.io.errors.LightCurveReadError`), so an ``OSError`` that gets here comes from
  the job's own outputs or the machine (``ENOSPC``, ``EIO``, ``EACCES`` on a plot ...). Kept as a
  per-source ``error`` it would survive the rerun after the disk is freed.
* ``MemoryError``, ``KeyboardInterrupt``, ``SystemExit``.
* A shard in which most sources fail with the same exception (:class:`SystemicFailure`): that is a bug
  or a config typo, not bad data, and must not end as a green run without candidates.

Timings
-------
Seconds per source are measurements, not science: they differ between two identical runs. They are
kept out of the stage tables (and so out of the input checksums of every later table) and written to a
separate timing table (:func:`write_timings`) when the job names one.
"""

from __future__ import annotations

import functools
import logging
import re
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from lcpipe.io.packed import read_packed_files
from lcpipe.stages.provenance import stage_provenance
from lcpipe.stages.shard_io import shard_rows
from lcpipe.tables import atomic_path, write_table

logger = logging.getLogger(__name__)

#: Seconds between progress lines in the log of a long shard.
PROGRESS_INTERVAL_S = 10.0

#: Output columns that hold measured seconds (``time_scan_s``, ``time_fit_s`` ...): moved to the timings.
TIMING_KEY = re.compile(r"^time_\w+_s$")

#: A shard fails as a whole when at least this many sources and more than :data:`SYSTEMIC_FRACTION` of
#: its sources raised the same exception (type and message).
SYSTEMIC_MIN_SOURCES = 3
SYSTEMIC_FRACTION = 0.5

#: Exceptions that are never a per-source status (see the module docstring).
SYSTEM_FAULTS: tuple[type[BaseException], ...] = (OSError, MemoryError)


class SystemicFailure(RuntimeError):
    """Most sources of a shard failed with the same exception: a bug or a configuration error."""


def run_per_source(
    rows: Iterable[Mapping[str, Any]],
    func: Callable[[Mapping[str, Any]], Mapping[str, Any]],
    *,
    stage: str,
    total: int | None = None,
    timings: list[dict[str, Any]] | None = None,
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
        finishes and the failure is visible in the table. :data:`SYSTEM_FAULTS` propagate.
    stage : str
        Stage name for the progress log and error messages.
    total : int, optional
        Number of rows, for progress lines.
    timings : list, optional
        When given, one dict per source is appended: ``source_id``, ``elapsed_s`` (seconds spent on it)
        and the ``time_*_s`` columns ``func`` returned.

    Returns
    -------
    DataFrame
        One row per input row, ``source_id`` first, ``status`` and ``error`` always present; no timing
        columns.

    Raises
    ------
    OSError, MemoryError
        From ``func``: a system fault, the job must fail and be rerun.
    SystemicFailure
        When most sources failed with the same exception (see :func:`check_systemic`).
    """
    out: list[dict[str, Any]] = []
    started = last_report = time.monotonic()
    for i, row in enumerate(rows, start=1):
        t0 = time.monotonic()
        try:
            result = {"source_id": row["source_id"], **func(row)}
            result.setdefault("error", "")
        except SYSTEM_FAULTS:
            logger.error("%s: system fault at source %s; the job stops", stage, row["source_id"])
            raise
        except Exception as exc:
            logger.error("%s: source %s failed:\n%s", stage, row["source_id"], traceback.format_exc())
            result = {
                "source_id": row["source_id"],
                "status": "error",
                "error": f"{type(exc).__name__}: {exc}",
            }
        measured = {key: result.pop(key) for key in [k for k in result if TIMING_KEY.match(k)]}
        if timings is not None:
            timings.append({"source_id": row["source_id"], "elapsed_s": time.monotonic() - t0, **measured})
        out.append(result)
        now = time.monotonic()
        if now - last_report >= PROGRESS_INTERVAL_S:
            last_report = now
            of = f"/{total}" if total is not None else ""
            logger.info("%s: %d%s sources in %.0f s", stage, i, of, now - started)
    logger.info("%s: %d sources in %.1f s", stage, len(out), time.monotonic() - started)
    frame = pd.DataFrame(out)
    if frame.empty:
        frame = pd.DataFrame(columns=["source_id", "status", "error"])
    check_systemic(frame, stage)
    return frame


def check_systemic(table: pd.DataFrame, stage: str) -> None:
    """Raise :class:`SystemicFailure` when most rows of ``table`` hold the same exception.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`run_per_source` (``status``, ``error``).
    stage : str
        Stage name for the message.

    Raises
    ------
    SystemicFailure
        When at least :data:`SYSTEMIC_MIN_SOURCES` rows and more than :data:`SYSTEMIC_FRACTION` of all
        rows have ``status == "error"`` with the same ``error`` text; the message quotes it.
    """
    if len(table) < SYSTEMIC_MIN_SOURCES or not {"status", "error"} <= set(table.columns):
        return
    errors = table.loc[table["status"] == "error", "error"].astype(str)
    if errors.empty:
        return
    message, count = Counter(errors).most_common(1)[0]
    if count >= SYSTEMIC_MIN_SOURCES and count > SYSTEMIC_FRACTION * len(table):
        raise SystemicFailure(
            f"{stage}: {count} of {len(table)} sources failed with the same error, which points to a bug "
            f"or a configuration mistake rather than bad data: {message}"
        )


def write_timings(timings: list[dict[str, Any]], output: str | Path) -> Path:
    """Write the per-source timings of one job (see :func:`run_per_source`) as a tab-separated table.

    Parameters
    ----------
    timings : list of dict
        ``source_id``, ``elapsed_s`` and ``time_*_s`` (seconds) per source.
    output : path-like
        Destination TSV, beside the job's Snakemake benchmark (a measurement, not a science table;
        written atomically through a temporary file).
    """
    output = Path(output)
    frame = pd.DataFrame(timings) if timings else pd.DataFrame({"source_id": [], "elapsed_s": []})
    with atomic_path(output) as tmp:
        frame.to_csv(tmp, sep="\t", index=False)
    return output


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
    timings_output: str | Path | None = None,
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
    timings_output : path-like, optional
        Where to write the per-source timings (:func:`write_timings`); not written when None.

    Returns
    -------
    DataFrame
        The table written.
    """
    rows = shard_rows(table, shard)
    timings: list[dict[str, Any]] = []
    result = run_per_source(rows.to_dict("records"), func, stage=stage, total=len(rows), timings=timings)
    if postprocess is not None:
        result = postprocess(result)
    write_table(result, output, stage_provenance(stage, options, [table, *extra_inputs]))
    if timings_output is not None:
        write_timings(timings, timings_output)
    return result


def light_curve_options(
    sections: Mapping[str, Any], read: Mapping[str, Any], cleaning: Mapping[str, Any]
) -> dict[str, Any]:
    """Provenance options of a stage that reads light curves: its own sections, then reader and cleaning."""
    return {**sections, "read": dict(read), "cleaning": dict(cleaning)}


def run_light_curve_shard(
    table: str | Path,
    shard: int,
    output: str | Path,
    func: Callable[..., Mapping[str, Any]],
    *,
    stage: str,
    sections: Mapping[str, Any],
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
    light_curves: str | Path | None = None,
    timings: str | Path | None = None,
    **shard_options: Any,
) -> pd.DataFrame:
    """:func:`run_shard` of a per-source function that reads each row's light curve.

    ``func(row, read=..., cleaning=...)`` gets the reader and cleaning options, and ``packed=`` the
    shard's packed light curves by source id when ``light_curves`` (a packed file written by the tag
    stage, :mod:`lcpipe.io.packed`) is given; the provenance records ``sections`` (the stage's own config
    sections) followed by them (:func:`light_curve_options`) and the checksum of the packed file.
    ``shard_options`` (``postprocess``, ``extra_inputs``) go to :func:`run_shard` as they are.
    """
    bound = functools.partial(func, read=read, cleaning=cleaning)
    if light_curves is not None:
        bound = functools.partial(bound, packed=read_packed_files([light_curves]))
        extras = [*shard_options.pop("extra_inputs", ()), light_curves]
        shard_options["extra_inputs"] = extras
    options = light_curve_options(sections, read, cleaning)
    return run_shard(
        table, shard, output, bound, stage=stage, options=options, timings_output=timings, **shard_options
    )
