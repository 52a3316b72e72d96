"""Manifest stage: list one magnitude bin and write ``results/<mag_bin>/manifest.parquet`` (its sources)
and ``results/<mag_bin>/entries.parquet`` (every entry of the layout that belongs to the bin, with what
became of it; see :mod:`lcpipe.manifest`).

For the ``folder`` layout a ``collection`` step first lists every entry of the folder and reads every
light-curve file once for its median magnitude (``results/collection.parquet``); each bin's manifest
then selects its rows from it. Entries of no bin stay in the collection table (the run-level ledger
``results/ledger_unbinned.parquet`` lists them).

Each raw file is opened once per run: the light curves the collection read and cleaned to bin them are
packed per bin and shard (``results/collection/<mag_bin>/lightcurves_<k>.parquet``,
:mod:`lcpipe.io.packed`) as they are read, and the tag stage of the shard takes them from there instead
of reading the files again. A source's bin is its median magnitude's and its shard the stable hash of its
id (:func:`lcpipe.sharding.shard_of`), both known once its file is read, so the collection holds at most
:data:`PACKED_BATCH` light curves per shard in memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.io.packed import PackedEntry, PackedWriter, load_packed_entry
from lcpipe.manifest import ENTRY_COLUMNS, Layout, ManifestError, asassn_layout, folder_layout, folder_sources
from lcpipe.manifest.bins import bin_of
from lcpipe.sharding import shard_of
from lcpipe.stages.provenance import stage_provenance
from lcpipe.stages.runner import run_per_source
from lcpipe.tables import read_table, write_table

#: Light curves the collection buffers per bin and shard before it appends them to the packed file.
PACKED_BATCH = 200


def write_collection(
    output: str | Path,
    *,
    survey: Mapping[str, Any],
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
    light_curves: Sequence[str | Path] | None = None,
    bins: Sequence[str] = (),
    shards: int = 1,
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
    light_curves : sequence of path-like, optional
        Where to pack the cleaned light curves of each bin and shard, one path per pair in the order of
        ``itertools.product(bins, range(shards))`` (see the module docstring); nothing is packed when None.
    bins : sequence of str
        Every configured bin (needed with ``light_curves``).
    shards : int
        Number of shards per bin (needed with ``light_curves``).

    Returns
    -------
    DataFrame
        :func:`lcpipe.manifest.folder_sources` with ``median_mag`` (mag), ``read_status`` and
        ``read_reason`` (the reader's message when the file could not be read); entries that are not
        light-curve files are not read (``read_status`` their entry status).
    """
    sources = folder_sources(survey["folder"], survey.get("catalog"))
    readable = sources["status"] == "ok"
    options = {"survey": dict(survey), "read": dict(read), "cleaning": dict(cleaning)}
    with ExitStack() as stack:
        packers = None
        if light_curves is not None:
            provenance = stage_provenance("collected_light_curves", {**options, "shards": shards})
            keys = list(product(bins, range(shards)))
            if len(keys) != len(light_curves):
                raise ValueError(f"{len(light_curves)} packed paths for {len(keys)} bins x shards")
            writers = {
                key: stack.enter_context(PackedWriter(path, provenance))
                for key, path in zip(keys, light_curves, strict=True)
            }
            packers = _ShardPacker(writers, list(bins), shards)
        table = _measure(sources, readable, read, cleaning, packers)
        if packers is not None:
            packers.flush()
    write_table(table, output, stage_provenance("collection", options))
    return table


class _ShardPacker:
    """Routes each light curve the collection read to the packed file of its bin and shard, in batches."""

    def __init__(self, writers: Mapping[tuple[str, int], PackedWriter], bins: list[str], shards: int) -> None:
        self.writers, self.bins, self.shards = writers, bins, shards
        self.buffers: dict[tuple[str, int], list[PackedEntry]] = {key: [] for key in writers}

    def add(self, entry: PackedEntry, median_mag: float) -> None:
        """Buffer ``entry`` for its bin and shard (nothing for a magnitude in no bin)."""
        mag_bin = str(bin_of(np.array([median_mag]), self.bins)[0]) if self.bins else ""
        key = (mag_bin, int(shard_of([entry.source_id], self.shards)[0]))
        if key not in self.buffers:
            return
        self.buffers[key].append(entry)
        if len(self.buffers[key]) >= PACKED_BATCH:
            self.writers[key].write(self.buffers[key])
            self.buffers[key] = []

    def flush(self) -> None:
        """Write every buffered light curve."""
        for key, buffer in self.buffers.items():
            if buffer:
                self.writers[key].write(buffer)
            self.buffers[key] = []


def _measure(
    sources: pd.DataFrame,
    readable: pd.Series,
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
    packer: _ShardPacker | None,
) -> pd.DataFrame:
    """The collection table: ``sources`` with each readable file's median magnitude and read status."""

    def median_magnitude(row: Mapping[str, Any]) -> dict[str, Any]:
        entry = load_packed_entry(row["path"], row["source_id"], read_options=read, cleaning=cleaning)
        lc, status, reason = entry.lc, entry.status, entry.reason
        meta = lc.meta if lc is not None else {}
        median_mag = float(np.nanmedian(lc.mag)) if lc is not None and status == "ok" else np.nan
        if packer is not None and status == "ok":
            packer.add(entry, median_mag)
        return {
            "median_mag": median_mag,
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
