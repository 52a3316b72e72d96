"""Manifest stage: which light curves a magnitude bin holds, where they are, and which shard runs each.

Two layouts are understood:

``asassn``
    ``<lc_root>/<mag_bin>/lc<num>_cal/<id>.dat2`` with ``<index_root>/<mag_bin>/index<num>.csv``
    (columns ``asas_sn_id, ra_deg, dec_deg`` and optionally ``pm_ra, pm_dec``).
``folder``
    A folder of light-curve files in any format :func:`lcpipe.read_lightcurve` reads, with an optional
    catalog (``source_id, ra, dec``), binned by median magnitude into bins named ``<lo>_<hi>``.

Entries and sources
-------------------
Every *entry* the layout shows is listed with what became of it (:data:`ENTRY_COLUMNS`), so nothing is
dropped without a trace: each index file, each index row and each light-curve file no index row names
(``asassn``), and each entry of the folder, directories and broken symlinks included (``folder``). An
entry with ``status == "ok"`` became a *source* of the manifest (one row per unique ``source_id``); any
other status is the entry's final disposition, with the detail in ``reason``:

==================  ==================================================================================
status              entry
==================  ==================================================================================
``index_file``      an index file that was read (its rows are entries of their own)
``bad_index_file``  an index file that cannot be used (unparseable, no ``asas_sn_id`` column); the bin
                    goes on with its other index files
``bad_index_row``   an index row without an id
``bad_id``          an id that cannot be a file name (:func:`check_source_id`: path separators, ``..``,
                    control characters); the id never becomes a path
``duplicate_id``    a later entry with the id of an earlier one; ``duplicate_of`` names the entry kept
                    (the first: index files in name order and their rows in file order, folder entries
                    in name order, so ``X.csv`` is kept over ``X.dat2``)
``not_a_light_curve``  a directory, a special file, or a file whose extension no reader takes
``unsupported_format``  a compressed file the readers do not decompress
``symlink_loop``, ``dangling_symlink``  a symlink that leads nowhere
==================  ==================================================================================
"""

from __future__ import annotations

import errno
import logging
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lcpipe.io.compression import data_stem, data_suffix
from lcpipe.io.event_folder import group_catalog_events, is_event_folder
from lcpipe.io.read import UNSUPPORTED_SUFFIXES
from lcpipe.sharding import shard_of

logger = logging.getLogger(__name__)

#: Columns of every manifest, in order.
MANIFEST_COLUMNS = (
    "source_id", "mag_bin", "ra", "dec", "pm_ra", "pm_dec", "position_source", "path", "exists", "format",
    "shard", "status",
)  # fmt: skip

#: Columns of every entries table (what the layout showed and what became of it), in order.
ENTRY_COLUMNS = ("entry", "kind", "source_id", "mag_bin", "status", "reason", "duplicate_of")

_INDEX_NAME = re.compile(r"^index(?P<num>\d+)\.csv$")
_LC_SUFFIXES = (".dat2", ".dat", ".csv", ".txt", ".tsv", ".parquet", ".npy", ".tbl", ".ipac")

#: Compression suffixes: a file ``X.csv.gz`` is a light curve when the readers decompress ``.gz``.
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz")


class ManifestError(ValueError):
    """A bin cannot be listed at all (its index folder is missing or empty); names the path."""


@dataclass(frozen=True)
class Layout:
    """What one bin of a layout holds.

    Attributes
    ----------
    manifest : DataFrame
        :data:`MANIFEST_COLUMNS`, one row per unique source.
    entries : DataFrame
        :data:`ENTRY_COLUMNS`, one row per entry the layout showed (see the module docstring).
    """

    manifest: pd.DataFrame
    entries: pd.DataFrame


def check_source_id(source_id: str) -> str:
    """Why ``source_id`` cannot name a source (and so a file of the results), or ``""`` when it can.

    An id becomes the stem of plot files and the name of a light-curve file in an ASAS-SN tree, so it
    must not hold a path separator (``/``, ``\\``), the parent reference ``..``, control characters
    (newlines, NUL ...), or be empty, ``.`` or longer than 200 characters.
    """
    if not source_id:
        return "empty id"
    if "/" in source_id or "\\" in source_id or os.sep in source_id:
        return f"id {source_id!r} holds a path separator"
    if ".." in source_id or source_id == ".":
        return f"id {source_id!r} holds a parent or current folder reference"
    if any(unicodedata.category(c).startswith("C") for c in source_id):
        return f"id {source_id!r} holds control characters"
    if len(source_id) > 200:
        return f"id of {len(source_id)} characters (at most 200)"
    if source_id != source_id.strip():
        return f"id {source_id!r} has leading or trailing white space"
    return ""


def _entries(rows: list[dict]) -> pd.DataFrame:
    """An entries table from row dicts (missing columns empty)."""
    frame = pd.DataFrame(rows, columns=list(ENTRY_COLUMNS)).astype(object)
    return frame.where(frame.notna(), "").astype(str)


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
    """The manifest of one magnitude bin of an ASAS-SN-style tree (see :func:`asassn_layout`)."""
    return asassn_layout(index_root, lc_root, mag_bin, n_shards).manifest


def asassn_layout(index_root: str | Path, lc_root: str | Path, mag_bin: str, n_shards: int) -> Layout:
    """List one magnitude bin of an ASAS-SN-style tree: its sources and every entry it shows.

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
    Layout
        ``manifest``: one row per unique usable id of the index files plus one per light-curve file
        that no index row names, ``status`` ``ok``, ``missing_file`` (listed, no file) or
        ``not_in_index`` (file, no index row: no coordinates). ``entries``: every index file, index
        row, unlisted light-curve file and foreign entry of the bin's folders with its status (module
        docstring); a light-curve file an index row names is part of that row's entry.

    Raises
    ------
    ManifestError
        If ``<index_root>/<mag_bin>`` is missing or holds no ``index*.csv``.
    """
    index_dir = Path(index_root) / mag_bin
    lc_dir = Path(lc_root) / mag_bin
    if not index_dir.is_dir():
        raise ManifestError(f"index folder for bin {mag_bin!r} not found: {index_dir}")
    listing = sorted(index_dir.iterdir())
    index_files = [p for p in listing if _INDEX_NAME.match(p.name)]
    if not index_files:
        raise ManifestError(f"no index<num>.csv files in {index_dir}")
    entries: list[dict] = [
        {"entry": str(p), "kind": _kind(p), "status": "not_a_light_curve", "reason": "not an index<num>.csv"}
        for p in listing
        if not _INDEX_NAME.match(p.name)
    ]
    frames = []
    for path in index_files:
        rows, entry = _read_index(path, lc_dir)
        entries.append(entry)
        frames.append(rows)
    listed = pd.concat(frames, ignore_index=True) if frames else _index_rows([], [], None, Path())
    on_disk, foreign = _dat2_files(lc_dir)
    entries += foreign
    named = set(listed["path"])
    unlisted = [p for p in on_disk if str(p) not in named]
    extra = pd.DataFrame(
        {
            "source_id": [p.stem for p in unlisted],
            "path": [str(p) for p in unlisted],
            "status": "not_in_index",
            "entry": [str(p) for p in unlisted],
            "kind": "file",
            "reason": "light-curve file that no index row names (no coordinates)",
        }
    )
    rows = pd.concat([listed, extra], ignore_index=True)
    rows["reason"] = rows["reason"].fillna("")
    rows["exists"] = [Path(p).is_file() if p else False for p in rows["path"]]
    rows.loc[(rows["status"] == "ok") & ~rows["exists"], ["status", "reason"]] = [
        "missing_file",
        "the index lists it, its light-curve file does not exist",
    ]
    rows["format"] = "dat2"
    rows["duplicate_of"] = ""
    usable = rows["status"].isin(["ok", "missing_file", "not_in_index"])
    first = rows["entry"].where(usable).groupby(rows["source_id"]).transform("first")
    duplicated = usable & rows["source_id"].where(usable).duplicated(keep="first") & rows["source_id"].ne("")
    rows.loc[duplicated, "duplicate_of"] = first[duplicated]
    rows.loc[duplicated, ["status", "reason"]] = ["duplicate_id", "an earlier entry has the same id"]
    sources = rows.loc[~rows["status"].isin(["duplicate_id", "bad_id", "bad_index_row"])]
    entry_rows = rows.assign(
        status=rows["status"].where(~rows["status"].isin(["missing_file", "not_in_index"]), "ok")
    )
    entries += entry_rows[[*ENTRY_COLUMNS[:3], "status", "reason", "duplicate_of"]].to_dict("records")
    sources = sources.assign(position_source=_position_source(sources, "index"))
    manifest = _finish(sources, mag_bin, n_shards, where=str(index_dir))
    return Layout(manifest, _entries(entries).assign(mag_bin=mag_bin))


def _position_source(table: pd.DataFrame, source: str) -> np.ndarray:
    """``source`` where a row has a finite ra and dec, else ``"none"`` (see lcpipe.io.positions)."""
    ra = pd.to_numeric(table["ra"], errors="coerce").to_numpy(float)
    dec = pd.to_numeric(table["dec"], errors="coerce").to_numpy(float)
    return np.where(np.isfinite(ra) & np.isfinite(dec), source, "none")


def _kind(path: Path) -> str:
    """``directory``, ``symlink``, ``file`` or ``special`` (fifo, socket, device) for one folder entry."""
    if path.is_symlink() and not path.exists():
        return "symlink"
    if path.is_dir():
        return "directory"
    return "file" if path.is_file() else "special"


def _index_rows(ids: list[str], lines: list[int], index: pd.DataFrame | None, path: Path) -> pd.DataFrame:
    """Rows of one index file (ids, positions, statuses), empty when ``index`` is None."""
    return pd.DataFrame(
        {
            "source_id": ids,
            "ra": pd.to_numeric(index.get("ra_deg"), errors="coerce") if index is not None else [],
            "dec": pd.to_numeric(index.get("dec_deg"), errors="coerce") if index is not None else [],
            "pm_ra": pd.to_numeric(index.get("pm_ra"), errors="coerce") if index is not None else [],
            "pm_dec": pd.to_numeric(index.get("pm_dec"), errors="coerce") if index is not None else [],
            "entry": [f"{path}:{line}" for line in lines],
            "kind": "index_row",
        }
    )


def _read_index(path: Path, lc_dir: Path) -> tuple[pd.DataFrame, dict]:
    """Rows of one ``index<num>.csv`` with the path each light curve should have, and the file's entry.

    An index file that cannot be used gives no rows and an entry with status ``bad_index_file``.
    """
    num = _INDEX_NAME.match(path.name)["num"]
    try:
        index = pd.read_csv(path, dtype={"asas_sn_id": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return _bad_index(path, f"cannot read the index file: {detail}")
    if "asas_sn_id" not in index.columns:
        return _bad_index(path, f"no 'asas_sn_id' column (columns: {', '.join(map(str, index.columns))})")
    ids = index["asas_sn_id"].fillna("").astype(str).str.strip().tolist()
    folder = lc_dir / f"lc{num}_cal"
    rows = _index_rows(ids, [i + 2 for i in range(len(index))], index, path)  # line 1 is the header
    problems = [check_source_id(i) for i in ids]
    rows["status"] = [
        "bad_index_row" if not i else ("bad_id" if why else "ok")
        for i, why in zip(ids, problems, strict=True)
    ]
    rows["reason"] = [
        why if i else "index row without an asas_sn_id" for i, why in zip(ids, problems, strict=True)
    ]
    rows["path"] = [
        str(folder / f"{i}.dat2") if s == "ok" else "" for i, s in zip(ids, rows["status"], strict=True)
    ]
    missing = [c for c in ("ra_deg", "dec_deg") if c not in index.columns]
    if missing:
        logger.warning("index file %s has no %s column: positions are NaN", path, " or ".join(missing))
    entry = {"entry": str(path), "kind": "index_file", "status": "index_file", "reason": f"{len(index)} rows"}
    return rows, entry


def _bad_index(path: Path, reason: str) -> tuple[pd.DataFrame, dict]:
    logger.warning("index file %s is not used: %s", path, reason)
    rows = _index_rows([], [], None, path).assign(status=[], reason=[], path=[])
    return rows, {"entry": str(path), "kind": "index_file", "status": "bad_index_file", "reason": reason}


def _dat2_files(lc_dir: Path) -> tuple[list[Path], list[dict]]:
    """Every ``lc*_cal/*.dat2`` with a usable id under a bin's light-curve folder, in name order, and the
    entries of everything else in those folders (foreign files and folders, bad names)."""
    if not lc_dir.is_dir():
        logger.warning("light-curve folder %s does not exist: every listed source is missing", lc_dir)
        return [], []
    files: list[Path] = []
    foreign: list[dict] = []
    for folder in sorted(lc_dir.iterdir()):
        if not (folder.name.startswith("lc") and folder.name.endswith("_cal") and folder.is_dir()):
            foreign.append(_foreign(folder, "not an lc<num>_cal folder"))
            continue
        for path in sorted(folder.iterdir()):
            why = check_source_id(path.stem)
            if path.suffix != ".dat2" or not path.is_file():
                foreign.append(_foreign(path, "not a .dat2 light curve"))
            elif why:
                foreign.append({"entry": str(path), "kind": "file", "status": "bad_id", "reason": why})
            else:
                files.append(path)
    return files, foreign


def _foreign(path: Path, reason: str) -> dict:
    """The entry of a folder entry that is not a light curve (broken symlinks named as such)."""
    status, why = _symlink_problem(path)
    return {
        "entry": str(path),
        "kind": _kind(path),
        "status": status or "not_a_light_curve",
        "reason": why or reason,
    }


def _symlink_problem(path: Path) -> tuple[str, str]:
    """``(status, reason)`` of a symlink that leads nowhere, ``("", "")`` otherwise."""
    if not path.is_symlink():
        return "", ""
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink_loop", f"symlink loop ({os.readlink(path)})"
        return "dangling_symlink", f"symlink to a missing target ({os.readlink(path)})"
    return "", ""


#: Suffix of ASAS-SN Sky Patrol download names (``<asas_sn_id>-light-curves.csv``), dropped from ids.
SKYPATROL_SUFFIX = "-light-curves"


def folder_source_id(path: str | Path) -> str:
    """Source id of a file in a folder collection: its stem (without a compression suffix), without the
    Sky Patrol download suffix (``120259184943-light-curves.csv`` is source ``120259184943``)."""
    stem = data_stem(path)  # X.csv.gz is source X, like X.csv
    return stem.removesuffix(SKYPATROL_SUFFIX) or stem


def _folder_entry(path: Path) -> dict:
    """The entry of one folder entry: ``ok`` when it is a light-curve file a reader may take."""
    entry = {"entry": str(path), "kind": _kind(path), "source_id": "", "path": str(path), "format": ""}
    status, why = _symlink_problem(path)
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
        event, its data sets: :func:`lcpipe.io.event_folder.group_catalog_events`; the event's row
        stands for its files in the ledger).

    Returns
    -------
    DataFrame
        :data:`ENTRY_COLUMNS` (``mag_bin`` empty) with ``path, exists, format, ra, dec, pm_ra, pm_dec``;
        one row per folder entry, not yet binned. Status ``ok`` for light-curve files to read, else why
        not (module docstring); of entries with the same id the first in name order is kept and the
        others are ``duplicate_id`` with ``duplicate_of`` its entry.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ManifestError(f"light-curve folder not found: {folder}")
    rows = [_folder_entry(p) for p in sorted(folder.iterdir(), key=lambda p: p.name)]
    sources = pd.DataFrame(
        rows, columns=["entry", "kind", "source_id", "path", "format", "status", "reason"]
    ).astype(str)
    sources["exists"] = (sources["kind"] == "file") | (sources["format"] == "event")
    sources["duplicate_of"] = ""
    ok = sources["status"] == "ok"
    first = sources["entry"].where(ok).groupby(sources["source_id"]).transform("first")
    duplicated = ok & sources["source_id"].where(ok).duplicated(keep="first")
    sources.loc[duplicated, "duplicate_of"] = first[duplicated]
    sources.loc[duplicated, ["status", "reason"]] = ["duplicate_id", "an earlier file has the same id"]
    positions = _read_catalog(Path(catalog)) if catalog else pd.DataFrame(columns=["source_id"])
    positions = positions.assign(source_id=positions["source_id"].astype(str))
    sources = sources.merge(positions, on="source_id", how="left")
    for column in ("ra", "dec", "pm_ra", "pm_dec"):
        if column not in sources:
            sources[column] = np.nan
    sources.loc[sources["status"] != "ok", ["ra", "dec", "pm_ra", "pm_dec"]] = np.nan
    sources = group_catalog_events(sources)
    sources["position_source"] = _position_source(sources, "catalog")
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


def bin_of(median_mag: np.ndarray, bins: list[str]) -> np.ndarray:
    """Bin name of each median magnitude (``""`` outside every bin or NaN); the first bin that holds it.

    Parameters
    ----------
    median_mag : ndarray, shape (M,)
        Median magnitudes (mag), NaN when unknown.
    bins : list of str
        Bin names ``"<lo>_<hi>"``; a magnitude belongs to ``[lo, hi)``.
    """
    median_mag = np.asarray(median_mag, dtype=float)
    out = np.full(median_mag.shape, "", dtype=object)
    for name in bins:
        lo, hi = bin_limits(name)
        with np.errstate(invalid="ignore"):
            out[(out == "") & (median_mag >= lo) & (median_mag < hi)] = name
    return out


def _binned(collection: pd.DataFrame, bins: list[str]) -> pd.DataFrame:
    """The collection's entries with their ``mag_bin`` (``""`` for entries of no bin) and final status."""
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
        The bin's manifest and its entries. Entries of no bin (unreadable files, ``outside_bins``,
        everything that is not a light curve) are in no bin's layout: :func:`unbinned_entries` lists
        them.
    """
    bin_limits(mag_bin)
    table = _binned(sources, bins)
    chosen = table.loc[table["mag_bin"] == mag_bin]
    manifest = _finish(chosen, mag_bin, n_shards, where="folder")
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
        status), readable files whose median magnitude is in no bin (``outside_bins``) and every entry
        that is not a light curve, a duplicate or a bad id.
    """
    table = _binned(sources, bins)
    return table.loc[table["mag_bin"] == "", list(ENTRY_COLUMNS)].reset_index(drop=True)


def _finish(manifest: pd.DataFrame, mag_bin: str, n_shards: int, where: str) -> pd.DataFrame:
    """Add bin and shard, order the columns and log what is wrong."""
    manifest = manifest.assign(mag_bin=mag_bin, shard=shard_of(manifest["source_id"], n_shards))
    problems = manifest.loc[manifest["status"] != "ok", "status"].value_counts()
    for status, count in problems.items():
        logger.warning("manifest %s (%s): %d sources with status %s", mag_bin, where, count, status)
    return manifest.loc[:, list(MANIFEST_COLUMNS)].reset_index(drop=True)
