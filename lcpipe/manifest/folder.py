"""The ``folder`` layout: a folder of light-curve files in any format :func:`lcpipe.read_lightcurve` reads,
with an optional catalog (``source_id, ra, dec``), binned by median magnitude into bins ``<lo>_<hi>``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lcpipe.io.compression import data_stem, data_suffix
from lcpipe.io.event_folder import is_event_folder
from lcpipe.io.read import UNSUPPORTED_SUFFIXES
from lcpipe.manifest.bins import bin_limits, bin_of
from lcpipe.manifest.entries import (
    ENTRY_COLUMNS,
    Layout,
    ManifestError,
    check_source_id,
    entry_kind,
    finish_manifest,
    position_source,
    symlink_problem,
)
from lcpipe.manifest.events import EVENT_MEMBER, folder_event_members, group_catalog_events

_LC_SUFFIXES = (".dat2", ".dat", ".csv", ".txt", ".tsv", ".parquet", ".npy", ".tbl", ".ipac")

#: Compression suffixes: a file ``X.csv.gz`` is a light curve when the readers decompress ``.gz``.
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz")

#: Suffix of ASAS-SN Sky Patrol download names (``<asas_sn_id>-light-curves.csv``), dropped from ids.
SKYPATROL_SUFFIX = "-light-curves"

#: Columns of the folder's entries before the catalog's positions are merged.
_LISTING_COLUMNS = ["entry", "kind", "source_id", "path", "format", "status", "reason"]


def folder_source_id(path: str | Path) -> str:
    """Source id of a file in a folder collection: its stem (without a compression suffix), without the
    Sky Patrol download suffix (``120259184943-light-curves.csv`` is source ``120259184943``)."""
    stem = data_stem(path)  # X.csv.gz is source X, like X.csv
    return stem.removesuffix(SKYPATROL_SUFFIX) or stem


def _folder_entry(path: Path) -> dict:
    """The entry of one folder entry: ``ok`` when it is a light-curve file a reader may take."""
    entry = {"entry": str(path), "kind": entry_kind(path), "source_id": "", "path": str(path), "format": ""}
    status, why = symlink_problem(path)
    if status:
        return {**entry, "status": status, "reason": why}
    # One sub-folder per event; a folder named like a file (``x.parquet``: a partitioned table) is not one.
    if entry["kind"] == "directory" and data_suffix(path) not in _LC_SUFFIXES and is_event_folder(path):
        why = check_source_id(path.name)
        if why:
            return {**entry, "status": "bad_id", "reason": why}
        return {**entry, "source_id": path.name, "format": "event", "status": "ok", "reason": ""}
    if entry["kind"] != "file":
        return {
            **entry,
            "status": "not_a_light_curve",
            "reason": f"a {entry['kind']}, not a light-curve file",
        }
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    compression = suffixes[-1] if suffixes and suffixes[-1] in COMPRESSED_SUFFIXES else ""
    inner = Path(path.name.removesuffix(path.suffix) if compression else path.name).suffix.lower()
    if inner not in _LC_SUFFIXES:
        what = f"extension {inner!r}" if inner else "no extension"
        return {**entry, "status": "not_a_light_curve", "reason": f"{what}: not a light-curve format"}
    if compression and compression in UNSUPPORTED_SUFFIXES:
        return {
            **entry,
            "status": "unsupported_format",
            "reason": f"compressed ({compression}) files are not read",
        }
    source_id = folder_source_id(path)
    why = check_source_id(source_id)
    if why:
        return {**entry, "status": "bad_id", "reason": why}
    return {**entry, "source_id": source_id, "format": inner.lstrip("."), "status": "ok", "reason": ""}


def _mark_duplicates(sources: pd.DataFrame, reason: str) -> None:
    """Of the ``ok`` rows sharing a source id keep the first; the others become ``duplicate_id``."""
    ok = sources["status"] == "ok"
    first = sources["entry"].where(ok).groupby(sources["source_id"]).transform("first")
    duplicated = ok & sources["source_id"].where(ok).duplicated(keep="first")
    sources.loc[duplicated, "duplicate_of"] = first[duplicated]
    sources.loc[duplicated, ["status", "reason"]] = ["duplicate_id", reason]


def _with_event_members(sources: pd.DataFrame) -> pd.DataFrame:
    """``sources`` with the data-set files of each ``ok`` event sub-folder listed after its row."""
    rows = []
    for row in sources.to_dict("records"):
        rows.append(row)
        if row["status"] == "ok" and row["format"] == "event":
            members = folder_event_members(row["path"], row["source_id"])
            rows += [{**m, "exists": True, "duplicate_of": ""} for m in members]
    return pd.DataFrame(rows, columns=sources.columns)


def folder_sources(folder: str | Path, catalog: str | Path | None = None) -> pd.DataFrame:
    """List every entry of a folder of light curves, with positions from an optional catalog.

    Parameters
    ----------
    folder : path-like
        Folder whose entries are listed (not recursively), in name order. Light-curve files may be
        compressed (``X.csv.gz``, ``X.dat2.xz``); each sub-folder holding light-curve files is one event
        whose files are its data sets (:mod:`lcpipe.io.event_folder`), source id the sub-folder's name.
    catalog : path-like, optional
        CSV or Parquet with ``source_id`` (:func:`folder_source_id`: the file stem) and ``ra``, ``dec``
        (deg), optionally ``pm_ra``, ``pm_dec`` (mas/yr) and ``event_id`` (files sharing one are one
        event, its data sets: :func:`lcpipe.manifest.events.group_catalog_events`).

    Returns
    -------
    DataFrame
        :data:`ENTRY_COLUMNS` (``mag_bin`` empty) with ``path, exists, format, ra, dec, pm_ra, pm_dec,
        position_source``; one row per folder entry, not yet binned, then the data-set files of each
        event (status ``event_member``, ``source_id`` the event's) and the catalog's events. Status
        ``ok`` for light curves to read, else why not (:mod:`lcpipe.manifest`); of entries with the
        same id the first in name order is kept and the others are ``duplicate_id`` with
        ``duplicate_of`` its entry.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ManifestError(f"light-curve folder not found: {folder}")
    rows = [_folder_entry(p) for p in sorted(folder.iterdir(), key=lambda p: p.name)]
    sources = pd.DataFrame(rows, columns=_LISTING_COLUMNS).astype(str)
    sources["exists"] = (sources["kind"] == "file") | (sources["format"] == "event")
    sources["duplicate_of"] = ""
    _mark_duplicates(sources, "an earlier file has the same id")
    sources = _with_event_members(sources)
    positions = _read_catalog(Path(catalog)) if catalog else pd.DataFrame(columns=["source_id"])
    positions = positions.assign(source_id=positions["source_id"].astype(str))
    sources = sources.merge(positions, on="source_id", how="left")
    for column in ("ra", "dec", "pm_ra", "pm_dec"):
        if column not in sources:
            sources[column] = np.nan
    sources.loc[sources["status"] != "ok", ["ra", "dec", "pm_ra", "pm_dec"]] = np.nan
    sources = group_catalog_events(sources, catalog) if catalog else sources
    _mark_duplicates(sources, "an earlier entry has the same id")  # an event id may repeat a file's
    sources["position_source"] = position_source(sources, "catalog")
    sources["mag_bin"] = ""
    return sources


def _read_catalog(path: Path) -> pd.DataFrame:
    """Positions of a folder collection, keyed by ``source_id`` as a string."""
    if not path.is_file():
        raise ManifestError(f"catalog file not found: {path}")
    table = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    missing = {"source_id", "ra", "dec"} - set(table.columns)
    if missing:
        raise ManifestError(f"catalog {path} lacks columns {sorted(missing)}")
    keep = [c for c in ("source_id", "ra", "dec", "pm_ra", "pm_dec", "event_id") if c in table.columns]
    table = table[keep].copy()
    table["source_id"] = table["source_id"].astype(str)
    return table.drop_duplicates("source_id")


def _binned(collection: pd.DataFrame, bins: list[str]) -> pd.DataFrame:
    """The collection's entries with their ``mag_bin`` (``""`` for entries of no bin) and final status;
    an event's member files are in the event's bin."""
    table = collection.copy()
    readable = (table["status"] == "ok") & (table["read_status"] == "ok")
    table["mag_bin"] = np.where(readable, bin_of(table["median_mag"].to_numpy(float), bins), "")
    failed = (table["status"] == "ok") & ~readable
    table.loc[failed, "status"] = table.loc[failed, "read_status"]
    reasons = table.get("read_reason", pd.Series("", index=table.index)).fillna("").astype(str)
    table.loc[failed, "reason"] = reasons[failed]
    outside = readable & (table["mag_bin"] == "")
    table.loc[outside, "status"] = "outside_bins"
    table.loc[outside, "reason"] = [
        f"median magnitude {m:.3f} is in no bin of {', '.join(bins)}"
        for m in table.loc[outside, "median_mag"]
    ]
    members = table["status"] == EVENT_MEMBER
    event_bins = table.loc[readable].set_index("source_id")["mag_bin"]
    table.loc[members, "mag_bin"] = table.loc[members, "source_id"].map(event_bins).fillna("")
    return table


def folder_manifest(sources: pd.DataFrame, mag_bin: str, bins: list[str], n_shards: int) -> pd.DataFrame:
    """The manifest of one median-magnitude bin of a folder collection (see :func:`folder_layout`)."""
    return folder_layout(sources, mag_bin, bins, n_shards).manifest


def folder_layout(sources: pd.DataFrame, mag_bin: str, bins: list[str], n_shards: int) -> Layout:
    """Select one median-magnitude bin of a folder collection.

    Parameters
    ----------
    sources : DataFrame
        The collection table: :func:`folder_sources` with ``median_mag`` (NaN when unreadable),
        ``read_status`` and ``read_reason``.
    mag_bin : str
        Bin to return, named ``"<lo>_<hi>"``: readable sources with ``lo <= median_mag < hi``.
    bins : list of str
        Every configured bin (they do not overlap; a magnitude goes to the first bin that holds it).
    n_shards : int
        Number of shards.

    Returns
    -------
    Layout
        The bin's manifest and its entries (the member files of its events included). Entries of no
        bin (unreadable files, ``outside_bins``, everything that is not a light curve) are in no bin's
        layout: :func:`unbinned_entries` lists them.
    """
    bin_limits(mag_bin)
    table = _binned(sources, bins)
    chosen = table.loc[table["mag_bin"] == mag_bin]
    manifest = finish_manifest(chosen.loc[chosen["status"] == "ok"], mag_bin, n_shards, where="folder")
    return Layout(manifest, chosen.loc[:, list(ENTRY_COLUMNS)].reset_index(drop=True))


def unbinned_entries(sources: pd.DataFrame, bins: list[str]) -> pd.DataFrame:
    """Entries of a folder collection that belong to no bin, with their status and reason.

    Parameters
    ----------
    sources : DataFrame
        The collection table (see :func:`folder_layout`).
    bins : list of str
        Every configured bin.

    Returns
    -------
    DataFrame
        :data:`ENTRY_COLUMNS` with ``mag_bin`` ``""``: files that could not be read (their read
        status), readable files whose median magnitude is in no bin (``outside_bins``), the member
        files of such events, and every entry that is not a light curve, a duplicate or a bad id.
    """
    table = _binned(sources, bins)
    return table.loc[table["mag_bin"] == "", list(ENTRY_COLUMNS)].reset_index(drop=True)
