"""Failures of one bin: every source a stage table marks as not processed (not ``ok``, not skipped by
design), with the reason.

Per-source stages never stop for bad data: they write a row with ``status`` set to a short reason
(``missing_file``, ``too_few_points``, ``error`` ...). This module collects those rows from the gathered
stage tables of a bin into ``results/<mag_bin>/failures.parquet`` so that nothing fails silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from lcpipe.stages.provenance import stage_provenance
from lcpipe.tables import read_provenance, read_table, write_table

#: Statuses of sources a stage passed over by design: ``not_event`` (the anomaly scan runs on significant
#: PSPL events only) and ``skipped_tags`` (the dip search skips sources that failed the tag cuts). They are
#: selections, not failures, and stay out of ``failures.parquet`` (``run_summary.json`` still counts them).
SKIPPED_STATUSES = frozenset({"not_event", "skipped_tags"})

#: Columns of ``failures.parquet``, in order.
FAILURE_COLUMNS = ("source_id", "mag_bin", "shard", "stage", "table", "status", "error")


def stage_name(path: str | Path) -> str:
    """Stage that wrote a table: its provenance ``stage``, else the file name without suffix."""
    return str(read_provenance(path).get("stage") or Path(path).stem)


def table_failures(path: str | Path, mag_bin: str) -> pd.DataFrame:
    """Rows of one stage table whose ``status`` is neither ``"ok"`` nor one of :data:`SKIPPED_STATUSES`.

    Parameters
    ----------
    path : path-like
        A stage table written by :func:`lcpipe.tables.write_table` (one row per source).
    mag_bin : str
        Bin the table belongs to (recorded in every row).

    Returns
    -------
    DataFrame
        :data:`FAILURE_COLUMNS`; empty when the table has no ``status`` column (a table that is not
        per source) or every status is ``ok``. A missing status (null) counts as ``missing_status``;
        ``error`` holds the stage's error text when it wrote one, else ``""``.
    """
    names = set(pq.read_schema(path).names)
    if "status" not in names or "source_id" not in names:
        return _empty_failures()
    columns = [c for c in ("source_id", "shard", "status", "error") if c in names]
    table = read_table(path, columns=columns)
    status = table["status"].astype(object).where(table["status"].notna(), "missing_status")
    bad = table.loc[(status != "ok") & ~status.isin(SKIPPED_STATUSES)]
    error = bad["error"] if "error" in bad else pd.Series("", index=bad.index)
    return pd.DataFrame(
        {
            "source_id": bad["source_id"].astype(str),
            "mag_bin": mag_bin,
            "shard": bad["shard"].astype("Int64") if "shard" in bad else pd.Series(pd.NA, bad.index, "Int64"),
            "stage": stage_name(path),
            "table": Path(path).name,
            "status": status.loc[bad.index].astype(str),
            "error": error.fillna("").astype(str),
        },
        columns=list(FAILURE_COLUMNS),
    ).reset_index(drop=True)


def collect_failures(tables: Sequence[str | Path], mag_bin: str) -> pd.DataFrame:
    """Failures of every table of one bin, in the order the tables are given.

    Parameters
    ----------
    tables : sequence of path-like
        The bin's stage tables (manifest, tags, ...).
    mag_bin : str
        Bin name.

    Returns
    -------
    DataFrame
        :data:`FAILURE_COLUMNS`, one row per (source, table) whose status is not ``ok``.
    """
    frames = [table_failures(path, mag_bin) for path in tables]
    nonempty = [frame for frame in frames if not frame.empty]
    if not nonempty:
        return _empty_failures()
    return pd.concat(nonempty, ignore_index=True)


def _empty_failures() -> pd.DataFrame:
    """An empty failures table with typed columns (so an all-ok bin still writes a readable file)."""
    return pd.DataFrame(
        {
            "source_id": pd.Series(dtype=str),
            "mag_bin": pd.Series(dtype=str),
            "shard": pd.Series(dtype="Int64"),
            "stage": pd.Series(dtype=str),
            "table": pd.Series(dtype=str),
            "status": pd.Series(dtype=str),
            "error": pd.Series(dtype=str),
        }
    )


def write_bin_failures(tables: Sequence[str | Path], output: str | Path, *, mag_bin: str) -> pd.DataFrame:
    """Collect the failures of one bin and write ``failures.parquet`` atomically with provenance.

    Parameters
    ----------
    tables : sequence of path-like
        The bin's stage tables.
    output : path-like
        Destination Parquet file.
    mag_bin : str
        Bin name.

    Returns
    -------
    DataFrame
        The written table (see :func:`collect_failures`).
    """
    failures = collect_failures(tables, mag_bin)
    provenance = stage_provenance("failures", {"mag_bin": mag_bin}, tables)
    write_table(failures, output, provenance)
    return failures
