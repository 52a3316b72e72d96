"""Manifest stage: list one magnitude bin and write ``results/<mag_bin>/manifest.parquet``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lcpipe.manifest import asassn_manifest
from lcpipe.stages.provenance import stage_provenance
from lcpipe.tables import write_table


def write_bin_manifest(output: str | Path, *, mag_bin: str, survey: Mapping[str, Any], shards: int) -> None:
    """List the sources of ``mag_bin`` as the survey config describes and write the manifest.

    Parameters
    ----------
    output : path-like
        Destination Parquet file.
    mag_bin : str
        Bin name.
    survey : mapping
        The ``survey`` config section (``layout``, ``lc_root``, ``index_root``).
    shards : int
        Number of shards per bin.
    """
    if survey["layout"] != "asassn":
        raise ValueError(f"survey.layout {survey['layout']!r} is not supported yet")
    manifest = asassn_manifest(survey["index_root"], survey["lc_root"], mag_bin, shards)
    options = {"mag_bin": mag_bin, "survey": dict(survey), "shards": shards}
    write_table(manifest, output, stage_provenance("manifest", options))
