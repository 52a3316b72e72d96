"""The ``asassn`` layout: ``<lc_root>/<mag_bin>/lc<num>_cal/<id>.dat2`` listed by
``<index_root>/<mag_bin>/index<num>.csv`` files (columns ``asas_sn_id, ra_deg, dec_deg``, optionally
``pm_ra, pm_dec``)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd

from lcpipe.manifest.entries import (
    ENTRY_COLUMNS,
    Layout,
    ManifestError,
    check_source_id,
    entries_table,
    entry_kind,
    finish_manifest,
    position_source,
    symlink_problem,
)

logger = logging.getLogger(__name__)

_INDEX_NAME = re.compile(r"^index(?P<num>\d+)\.csv$")

#: Statuses of an index row or light-curve file that make a source of the manifest.
_SOURCE_STATUSES = ("ok", "missing_file", "not_in_index")


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
        row, unlisted light-curve file and foreign entry of the bin's folders with its status
        (:mod:`lcpipe.manifest`); a light-curve file an index row names is part of that row's entry.

    Raises
    ------
    ManifestError
        If ``<index_root>/<mag_bin>`` is missing or holds no ``index*.csv``.
    """
    index_dir = Path(index_root) / mag_bin
    if not index_dir.is_dir():
        raise ManifestError(f"index folder for bin {mag_bin!r} not found: {index_dir}")
    listing = sorted(index_dir.iterdir())
    index_files = [p for p in listing if _INDEX_NAME.match(p.name)]
    if not index_files:
        raise ManifestError(f"no index<num>.csv files in {index_dir}")
    entries: list[dict] = [
        {
            "entry": str(p),
            "kind": entry_kind(p),
            "status": "not_a_light_curve",
            "reason": "not an index<num>.csv",
        }
        for p in listing
        if not _INDEX_NAME.match(p.name)
    ]
    rows = _listed_and_unlisted(index_files, Path(lc_root) / mag_bin, entries)
    sources = rows.loc[~rows["status"].isin(["duplicate_id", "bad_id", "bad_index_row"])]
    entry_rows = rows.assign(status=rows["status"].replace({"missing_file": "ok", "not_in_index": "ok"}))
    entries += entry_rows[[*ENTRY_COLUMNS[:3], "status", "reason", "duplicate_of"]].to_dict("records")
    sources = sources.assign(position_source=position_source(sources, "index"))
    manifest = finish_manifest(sources, mag_bin, n_shards, where=str(index_dir))
    return Layout(manifest, entries_table(entries).assign(mag_bin=mag_bin))


def _listed_and_unlisted(index_files: list[Path], lc_dir: Path, entries: list[dict]) -> pd.DataFrame:
    """Every index row and every light-curve file no row names, with its status; repeated ids marked.

    The entries of the index files and of the foreign entries of ``lc_dir`` are appended to ``entries``.
    """
    frames = []
    for path in index_files:
        rows, entry = _read_index(path, lc_dir)
        entries.append(entry)
        frames.append(rows)
    listed = pd.concat(frames, ignore_index=True)
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
    usable = rows["status"].isin(_SOURCE_STATUSES)
    first = rows["entry"].where(usable).groupby(rows["source_id"]).transform("first")
    duplicated = usable & rows["source_id"].where(usable).duplicated(keep="first") & rows["source_id"].ne("")
    rows.loc[duplicated, "duplicate_of"] = first[duplicated]
    rows.loc[duplicated, ["status", "reason"]] = ["duplicate_id", "an earlier entry has the same id"]
    return rows


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
    status, why = symlink_problem(path)
    return {
        "entry": str(path),
        "kind": entry_kind(path),
        "status": status or "not_a_light_curve",
        "reason": why or reason,
    }
