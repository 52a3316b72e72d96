"""Manifest stage: list one magnitude bin and write ``results/<mag_bin>/manifest.parquet``.

For the ``folder`` layout a ``collection`` step first reads every file once for its median magnitude
(``results/collection.parquet``); each bin's manifest then selects its rows from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.io.load import load_clean_with_reason
from lcpipe.manifest import ManifestError, asassn_manifest, folder_manifest, folder_sources
from lcpipe.stages.provenance import stage_provenance
from lcpipe.stages.runner import run_per_source
from lcpipe.tables import read_table, write_table


def write_collection(
    output: str | Path, *, survey: Mapping[str, Any], read: Mapping[str, Any], cleaning: Mapping[str, Any]
) -> pd.DataFrame:
    """List a folder of light curves with each file's median magnitude (NaN when unreadable).

    Parameters
    ----------
    output : path-like
        Destination Parquet file (``results/collection.parquet``).
    survey : mapping
        The ``survey`` config section (``folder``, optional ``catalog``).
    read, cleaning : mapping
        Reader and cleaning options, as for every stage.
    """
    sources = folder_sources(survey["folder"], survey.get("catalog"))

    def median_magnitude(row: Mapping[str, Any]) -> dict[str, Any]:
        lc, status, _, reason = load_clean_with_reason(row["path"], read_options=read, cleaning=cleaning)
        median = float(np.nanmedian(lc.mag)) if lc is not None and status == "ok" else np.nan
        meta = lc.meta if lc is not None else {}
        return {
            "median_mag": median,
            "read_status": status,
            "read_reason": reason,
            "meta_ra": float(meta.get("ra", np.nan)),
            "meta_dec": float(meta.get("dec", np.nan)),
            "meta_position_source": str(meta.get("position_source", "none")),
        }

    measured = run_per_source(
        sources.to_dict("records"), median_magnitude, stage="collection", total=len(sources)
    )
    position = measured.reindex(columns=["meta_ra", "meta_dec", "meta_position_source"])
    table = sources.assign(
        median_mag=measured["median_mag"].to_numpy(),
        read_status=measured["read_status"].to_numpy(),
        read_reason=measured.reindex(columns=["read_reason"])["read_reason"].fillna("").to_numpy(),
    )
    # No catalog position: take the one the file carries (a Sky Patrol header's REFCAT2 id).
    ra, dec = position["meta_ra"].to_numpy(float), position["meta_dec"].to_numpy(float)
    from_file = (table["position_source"] == "none").to_numpy() & np.isfinite(ra) & np.isfinite(dec)
    table.loc[from_file, "ra"] = ra[from_file]
    table.loc[from_file, "dec"] = dec[from_file]
    table.loc[from_file, "position_source"] = position["meta_position_source"].to_numpy()[from_file]
    options = {"survey": dict(survey), "read": dict(read), "cleaning": dict(cleaning)}
    write_table(table, output, stage_provenance("collection", options))
    return table


def write_bin_manifest(
    output: str | Path,
    *,
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
    if survey["layout"] == "asassn":
        manifest = asassn_manifest(survey["index_root"], survey["lc_root"], mag_bin, shards)
        inputs: list[str | Path] = []
    elif survey["layout"] == "folder":
        if collection is None:
            raise ManifestError("the folder layout needs the collection table (results/collection.parquet)")
        manifest = folder_manifest(read_table(collection), mag_bin, list(bins), shards)
        inputs = [collection]
    else:
        raise ManifestError(f"survey.layout must be 'asassn' or 'folder', got {survey['layout']!r}")
    write_table(manifest, output, stage_provenance("manifest", options, inputs))
    return manifest
