"""Manifest stage: list one magnitude bin and write ``results/<mag_bin>/manifest.parquet`` (its sources)
and ``results/<mag_bin>/entries.parquet`` (every entry of the layout that belongs to the bin, with what
became of it; see :mod:`lcpipe.manifest`).

For the ``folder`` layout a ``collection`` step first lists every entry of the folder and reads every
light-curve file once for its median magnitude (``results/collection.parquet``); each bin's manifest
then selects its rows from it. Entries of no bin stay in the collection table (the run-level ledger
``results/ledger_unbinned.parquet`` lists them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.io import load_clean, read_lightcurve
from lcpipe.io.errors import LightCurveReadError
from lcpipe.manifest import ENTRY_COLUMNS, Layout, ManifestError, asassn_layout, folder_layout, folder_sources
from lcpipe.stages.provenance import stage_provenance
from lcpipe.stages.runner import run_per_source
from lcpipe.tables import read_table, write_table


def write_collection(
    output: str | Path, *, survey: Mapping[str, Any], read: Mapping[str, Any], cleaning: Mapping[str, Any]
) -> pd.DataFrame:
    """List every entry of a folder of light curves with each file's median magnitude (NaN when unreadable).

    Parameters
    ----------
    output : path-like
        Destination Parquet file (``results/collection.parquet``).
    survey : mapping
        The ``survey`` config section (``folder``, optional ``catalog``).
    read, cleaning : mapping
        Reader and cleaning options, as for every stage.

    Returns
    -------
    DataFrame
        :func:`lcpipe.manifest.folder_sources` with ``median_mag`` (mag), ``read_status`` and
        ``read_reason`` (the reader's message when the file could not be read); entries that are not
        light-curve files are not read (``read_status`` their entry status).
    """
    sources = folder_sources(survey["folder"], survey.get("catalog"))
    readable = sources["status"] == "ok"

    def median_magnitude(row: Mapping[str, Any]) -> dict[str, Any]:
        lc, status, report = load_clean(row["path"], read_options=read, cleaning=cleaning)
        if lc is not None and status == "ok":
            return {"median_mag": float(np.nanmedian(lc.mag)), "read_status": status, "read_reason": ""}
        if report is not None:  # read, but the cleaning left nothing: say which cuts took the points
            dropped = {k: v for k, v in report.as_row().items() if k.startswith("dropped_") and v}
            counts = ", ".join(f"{k.removeprefix('dropped_')} {v}" for k, v in dropped.items())
            reason = f"no points left after cleaning (dropped: {counts or 'none'})"
        else:
            reason = _read_reason(row["path"], read)
        return {"median_mag": np.nan, "read_status": status, "read_reason": reason}

    measured = run_per_source(
        sources.loc[readable].to_dict("records"),
        median_magnitude,
        stage="collection",
        total=int(readable.sum()),
    )
    measured = measured.reindex(columns=["status", "error", "median_mag", "read_status", "read_reason"])
    raised = (measured["status"] == "error").to_numpy()  # the stage runner caught an exception
    measured.loc[raised, "read_status"] = "error"
    measured.loc[raised, "read_reason"] = measured.loc[raised, "error"]
    table = sources.assign(median_mag=np.nan, read_status=sources["status"], read_reason="")
    for column in ("median_mag", "read_status", "read_reason"):
        table.loc[readable, column] = measured[column].to_numpy()
    table["median_mag"] = table["median_mag"].astype(float)
    options = {"survey": dict(survey), "read": dict(read), "cleaning": dict(cleaning)}
    write_table(table, output, stage_provenance("collection", options))
    return table


def _read_reason(path: str, read: Mapping[str, Any]) -> str:
    """The reader's message (without the path and status) for a file that could not be read."""
    try:
        read_lightcurve(path, **dict(read))
    except LightCurveReadError as exc:
        return str(exc).removeprefix(f"{exc.path}: ").removeprefix(f"{exc.status}: ")
    return "the file reads now but did not a moment ago"


def write_bin_manifest(
    output: str | Path,
    *,
    entries_output: str | Path | None = None,
    mag_bin: str,
    survey: Mapping[str, Any],
    shards: int,
    bins: Sequence[str],
    collection: str | Path | None = None,
) -> pd.DataFrame:
    """List the sources of ``mag_bin`` as the survey config describes and write the manifest.

    Parameters
    ----------
    output : path-like
        Destination Parquet file.
    entries_output : path-like, optional
        Where to write the bin's entries (:data:`lcpipe.manifest.ENTRY_COLUMNS`); not written when None.
    mag_bin : str
        Bin name.
    survey : mapping
        The ``survey`` config section.
    shards : int
        Number of shards per bin.
    bins : sequence of str
        Every configured bin (the folder layout lists unreadable files in the first).
    collection : path-like, optional
        ``results/collection.parquet``; required for the ``folder`` layout.
    """
    options = {"mag_bin": mag_bin, "survey": dict(survey), "shards": shards}
    layout: Layout
    if survey["layout"] == "asassn":
        layout = asassn_layout(survey["index_root"], survey["lc_root"], mag_bin, shards)
        inputs: list[str | Path] = []
    elif survey["layout"] == "folder":
        if collection is None:
            raise ManifestError("the folder layout needs the collection table (results/collection.parquet)")
        layout = folder_layout(read_table(collection), mag_bin, list(bins), shards)
        inputs = [collection]
    else:
        raise ManifestError(f"survey.layout must be 'asassn' or 'folder', got {survey['layout']!r}")
    if entries_output is not None:
        entries = layout.entries.loc[:, list(ENTRY_COLUMNS)]
        write_table(entries, entries_output, stage_provenance("entries", options, inputs))
    write_table(layout.manifest, output, stage_provenance("manifest", options, inputs))
    return layout.manifest
