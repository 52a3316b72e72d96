"""Manifest stage: which light curves a magnitude bin holds, where they are, and which shard runs each.

Two layouts are understood:

``asassn``
    ``<lc_root>/<mag_bin>/lc<num>_cal/<id>.dat2`` with ``<index_root>/<mag_bin>/index<num>.csv``
    (columns ``asas_sn_id, ra_deg, dec_deg`` and optionally ``pm_ra, pm_dec``).
``folder``
    A folder of light-curve files in any format :func:`lcpipe.read_lightcurve` reads, with an optional
    catalog (``source_id, ra, dec``), binned by median magnitude into bins named ``<lo>_<hi>``.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd

from lcpipe.io.compression import data_stem, data_suffix
from lcpipe.io.event_folder import group_catalog_events, is_event_folder
from lcpipe.sharding import shard_of

logger = logging.getLogger(__name__)

#: Columns of every manifest, in order.
MANIFEST_COLUMNS = (
    "source_id", "mag_bin", "ra", "dec", "pm_ra", "pm_dec", "position_source", "path", "exists", "format",
    "shard", "status",
)  # fmt: skip

_INDEX_NAME = re.compile(r"^index(?P<num>\d+)\.csv$")
_LC_SUFFIXES = (".dat2", ".dat", ".csv", ".txt", ".tsv", ".parquet", ".npy", ".tbl", ".ipac")


class ManifestError(ValueError):
    """A bin cannot be listed at all (its index folder is missing or empty); names the path."""


def bin_limits(mag_bin: str) -> tuple[float, float]:
    """Magnitude limits ``[lo, hi)`` encoded in a bin name ``"<lo>_<hi>"`` (e.g. ``"12.5_13"``).

    Raises
    ------
    ManifestError
        If the name is not two increasing numbers joined by ``_``.
    """
    try:
        lo, hi = (float(part) for part in mag_bin.split("_"))
    except ValueError:
        raise ManifestError(
            f"bin name {mag_bin!r} is not '<lo>_<hi>' in magnitudes (e.g. '12.5_13')"
        ) from None
    if not lo < hi:
        raise ManifestError(f"bin name {mag_bin!r}: lower limit {lo:g} is not below upper limit {hi:g}")
    return lo, hi


def asassn_manifest(index_root: str | Path, lc_root: str | Path, mag_bin: str, n_shards: int) -> pd.DataFrame:
    """List one magnitude bin of an ASAS-SN-style tree.

    Parameters
    ----------
    index_root, lc_root : path-like
        Roots holding ``<mag_bin>/index<num>.csv`` and ``<mag_bin>/lc<num>_cal/<id>.dat2``.
    mag_bin : str
        Bin folder name, e.g. ``"12_12.5"``.
    n_shards : int
        Number of shards the bin is split into.

    Returns
    -------
    DataFrame
        :data:`MANIFEST_COLUMNS`, one row per index entry plus one per light-curve file that no
        index lists. ``status`` is ``ok``, ``missing_file`` (listed, no file), ``not_in_index``
        (file, no index row: no coordinates), ``duplicate_id`` (a later repeat of an ID) or
        ``bad_index_row`` (no usable ID). Problems are logged with counts, never fatal.

    Raises
    ------
    ManifestError
        If ``<index_root>/<mag_bin>`` is missing or holds no ``index*.csv``, or an index file
        lacks the ``asas_sn_id`` column.
    """
    index_dir = Path(index_root) / mag_bin
    lc_dir = Path(lc_root) / mag_bin
    if not index_dir.is_dir():
        raise ManifestError(f"index folder for bin {mag_bin!r} not found: {index_dir}")
    index_files = sorted(p for p in index_dir.iterdir() if _INDEX_NAME.match(p.name))
    if not index_files:
        raise ManifestError(f"no index<num>.csv files in {index_dir}")
    frames = [_read_index(path, lc_dir) for path in index_files]
    listed = pd.concat(frames, ignore_index=True)
    on_disk = _dat2_files(lc_dir)
    unlisted = sorted(set(on_disk) - set(listed["source_id"]))
    extra = pd.DataFrame(
        {"source_id": unlisted, "path": [str(on_disk[s]) for s in unlisted], "status": "not_in_index"}
    )
    manifest = pd.concat([listed, extra], ignore_index=True)
    manifest["exists"] = [Path(p).is_file() for p in manifest["path"]]
    manifest.loc[(manifest["status"] == "ok") & ~manifest["exists"], "status"] = "missing_file"
    duplicated = manifest["source_id"].duplicated(keep="first") & (manifest["source_id"] != "")
    manifest.loc[duplicated, "status"] = "duplicate_id"
    manifest["format"] = "dat2"
    manifest["position_source"] = _position_source(manifest, "index")
    return _finish(manifest, mag_bin, n_shards, where=str(index_dir))


def _position_source(table: pd.DataFrame, source: str) -> np.ndarray:
    """``source`` where a row has a finite ra and dec, else ``"none"`` (see lcpipe.io.positions)."""
    ra = pd.to_numeric(table["ra"], errors="coerce").to_numpy(float)
    dec = pd.to_numeric(table["dec"], errors="coerce").to_numpy(float)
    return np.where(np.isfinite(ra) & np.isfinite(dec), source, "none")


def _read_index(path: Path, lc_dir: Path) -> pd.DataFrame:
    """Rows of one ``index<num>.csv`` with the path each light curve should have."""
    num = _INDEX_NAME.match(path.name)["num"]
    try:
        index = pd.read_csv(path, dtype={"asas_sn_id": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read index file {path}: {exc}") from exc
    if "asas_sn_id" not in index.columns:
        raise ManifestError(f"index file {path} has no 'asas_sn_id' column (columns: {list(index.columns)})")
    ids = index["asas_sn_id"].fillna("").astype(str).str.strip()
    folder = lc_dir / f"lc{num}_cal"
    return pd.DataFrame(
        {
            "source_id": ids,
            "ra": pd.to_numeric(index.get("ra_deg"), errors="coerce"),
            "dec": pd.to_numeric(index.get("dec_deg"), errors="coerce"),
            "pm_ra": pd.to_numeric(index.get("pm_ra"), errors="coerce"),
            "pm_dec": pd.to_numeric(index.get("pm_dec"), errors="coerce"),
            "path": [str(folder / f"{s}.dat2") for s in ids],
            "status": np.where(ids == "", "bad_index_row", "ok"),
        }
    )


def _dat2_files(lc_dir: Path) -> dict[str, Path]:
    """Every ``lc*_cal/*.dat2`` under a bin's light-curve folder, keyed by file stem."""
    if not lc_dir.is_dir():
        logger.warning("light-curve folder %s does not exist: every listed source is missing", lc_dir)
        return {}
    return {p.stem: p for p in sorted(lc_dir.glob("lc*_cal/*.dat2"))}


#: Suffix of ASAS-SN Sky Patrol download names (``<asas_sn_id>-light-curves.csv``), dropped from ids.
SKYPATROL_SUFFIX = "-light-curves"


def folder_source_id(path: str | Path) -> str:
    """Source id of a file in a folder collection: its stem, without the Sky Patrol download suffix
    (``120259184943-light-curves.csv`` is source ``120259184943``)."""
    stem = data_stem(path)  # X.csv.gz is source X, like X.csv
    return stem.removesuffix(SKYPATROL_SUFFIX) or stem


def folder_sources(folder: str | Path, catalog: str | Path | None = None) -> pd.DataFrame:
    """List the light-curve files in a folder, with positions from an optional catalog.

    Parameters
    ----------
    folder : path-like
        Folder searched (not recursively) for files with a light-curve suffix (also compressed:
        ``X.csv.gz``, ``X.dat2.xz``); each sub-folder holding light-curve files is one event whose files
        are its data sets (:mod:`lcpipe.io.event_folder`), source id the sub-folder's name.
    catalog : path-like, optional
        CSV or Parquet with ``source_id`` (:func:`folder_source_id`: the file stem) and ``ra``, ``dec``
        (deg), optionally
        ``pm_ra``, ``pm_dec`` (mas/yr) and ``event_id`` (files sharing one are one event, its data
        sets: :func:`lcpipe.io.event_folder.group_catalog_events`).

    Returns
    -------
    DataFrame
        ``source_id, ra, dec, pm_ra, pm_dec, path, exists, format, status, position_source``
        (``catalog`` or ``none``); not yet binned.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ManifestError(f"light-curve folder not found: {folder}")
    files = sorted(p for p in folder.iterdir() if data_suffix(p) in _LC_SUFFIXES and p.is_file())
    files += sorted(p for p in folder.iterdir() if is_event_folder(p))  # one sub-folder per event
    sources = pd.DataFrame(
        {
            "source_id": [folder_source_id(p) for p in files],
            "path": [str(p) for p in files],
            "exists": True,
            "format": ["event" if p.is_dir() else data_suffix(p).lstrip(".") for p in files],
            "status": "ok",
        }
    )
    positions = _read_catalog(Path(catalog)) if catalog else pd.DataFrame(columns=["source_id"])
    sources = sources.merge(positions, on="source_id", how="left")
    for column in ("ra", "dec", "pm_ra", "pm_dec"):
        if column not in sources:
            sources[column] = np.nan
    sources = group_catalog_events(sources)
    sources["position_source"] = _position_source(sources, "catalog")
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


def folder_manifest(sources: pd.DataFrame, mag_bin: str, bins: list[str], n_shards: int) -> pd.DataFrame:
    """Select one median-magnitude bin of a folder collection.

    Parameters
    ----------
    sources : DataFrame
        Output of :func:`folder_sources` with a ``median_mag`` column (NaN when unreadable).
    mag_bin : str
        Bin to return, named ``"<lo>_<hi>"``: sources with ``lo <= median_mag < hi``.
    bins : list of str
        Every configured bin; sources that could not be read are listed (status ``unreadable``)
        in the first of them, so they are reported once and not lost.
    n_shards : int
        Number of shards.

    Returns
    -------
    DataFrame
        :data:`MANIFEST_COLUMNS` rows of that bin.
    """
    lo, hi = bin_limits(mag_bin)
    median_mag = sources["median_mag"].to_numpy(dtype=float)
    unreadable = ~np.isfinite(median_mag)
    with np.errstate(invalid="ignore"):
        in_bin = (median_mag >= lo) & (median_mag < hi)
    if mag_bin == bins[0]:
        in_bin |= unreadable
    manifest = sources.loc[in_bin].copy()
    manifest.loc[unreadable[in_bin] & (manifest["status"] == "ok"), "status"] = "unreadable"
    return _finish(manifest, mag_bin, n_shards, where="folder")


def _finish(manifest: pd.DataFrame, mag_bin: str, n_shards: int, where: str) -> pd.DataFrame:
    """Add bin and shard, order the columns and log what is wrong."""
    manifest = manifest.assign(mag_bin=mag_bin, shard=shard_of(manifest["source_id"], n_shards))
    problems = manifest.loc[manifest["status"] != "ok", "status"].value_counts()
    for status, count in problems.items():
        logger.warning("manifest %s (%s): %d sources with status %s", mag_bin, where, count, status)
    return manifest.loc[:, list(MANIFEST_COLUMNS)].reset_index(drop=True)
