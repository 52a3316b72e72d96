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

from lcpipe.io.load import load_clean_with_reason
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
        lc, status, _, reason = load_clean_with_reason(row["path"], read_options=read, cleaning=cleaning)
        meta = lc.meta if lc is not None else {}
        return {
            "median_mag": float(np.nanmedian(lc.mag)) if lc is not None and status == "ok" else np.nan,
            "read_status": status,
            "read_reason": reason,
            "meta_ra": float(meta.get("ra", np.nan)),
            "meta_dec": float(meta.get("dec", np.nan)),
            "meta_position_source": str(meta.get("position_source", "none")),
        }

    measured = run_per_source(
        sources.loc[readable].to_dict("records"),
        median_magnitude,
        stage="collection",
        total=int(readable.sum()),
    )
    from_meta = ["meta_ra", "meta_dec", "meta_position_source"]
    measured = measured.reindex(
        columns=["status", "error", "median_mag", "read_status", "read_reason", *from_meta]
    )
    raised = (measured["status"] == "error").to_numpy()  # the stage runner caught an exception
    measured.loc[raised, "read_status"] = "error"
    measured.loc[raised, "read_reason"] = measured.loc[raised, "error"]
    table = sources.assign(median_mag=np.nan, read_status=sources["status"], read_reason="")
    for column in ("median_mag", "read_status", "read_reason"):
        table.loc[readable, column] = measured[column].to_numpy()
    table["median_mag"] = table["median_mag"].astype(float)
    # No catalog position: take the one the file carries (a Sky Patrol header's REFCAT2 id).
    ra = measured["meta_ra"].to_numpy(float)
    dec = measured["meta_dec"].to_numpy(float)
    index = table.index[readable.to_numpy()]
    from_file = (
        (table.loc[index, "position_source"] == "none").to_numpy() & np.isfinite(ra) & np.isfinite(dec)
    )
    rows = index[from_file]
    table.loc[rows, "ra"] = ra[from_file]
    table.loc[rows, "dec"] = dec[from_file]
    table.loc[rows, "position_source"] = measured["meta_position_source"].to_numpy()[from_file]
    options = {"survey": dict(survey), "read": dict(read), "cleaning": dict(cleaning)}
    write_table(table, output, stage_provenance("collection", options))
    return table


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
