"""The tables every layout lists: entry and manifest columns, source ids, and the kind of a folder entry."""

from __future__ import annotations

import errno
import logging
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lcpipe.sharding import shard_of

logger = logging.getLogger(__name__)

#: Columns of every manifest, in order.
MANIFEST_COLUMNS = (
    "source_id", "mag_bin", "ra", "dec", "pm_ra", "pm_dec", "position_source", "path", "exists", "format",
    "shard", "status",
)  # fmt: skip

#: Columns of every entries table (what the layout showed and what became of it), in order.
ENTRY_COLUMNS = ("entry", "kind", "source_id", "mag_bin", "status", "reason", "duplicate_of")


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
        :data:`ENTRY_COLUMNS`, one row per entry the layout showed (see :mod:`lcpipe.manifest`).
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


def entries_table(rows: list[dict]) -> pd.DataFrame:
    """An entries table (:data:`ENTRY_COLUMNS`) from row dicts, missing values empty strings."""
    frame = pd.DataFrame(rows, columns=list(ENTRY_COLUMNS)).astype(object)
    return frame.where(frame.notna(), "").astype(str)


def position_source(table: pd.DataFrame, source: str) -> np.ndarray:
    """``source`` where a row has a finite ra and dec, else ``"none"`` (see lcpipe.io.positions)."""
    ra = pd.to_numeric(table["ra"], errors="coerce").to_numpy(float)
    dec = pd.to_numeric(table["dec"], errors="coerce").to_numpy(float)
    return np.where(np.isfinite(ra) & np.isfinite(dec), source, "none")


def entry_kind(path: Path) -> str:
    """``directory``, ``symlink``, ``file`` or ``special`` (fifo, socket, device) for one folder entry."""
    if path.is_symlink() and not path.exists():
        return "symlink"
    if path.is_dir():
        return "directory"
    return "file" if path.is_file() else "special"


def symlink_problem(path: Path) -> tuple[str, str]:
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


def finish_manifest(manifest: pd.DataFrame, mag_bin: str, n_shards: int, where: str) -> pd.DataFrame:
    """Add bin and shard, order the columns (:data:`MANIFEST_COLUMNS`) and log what is wrong."""
    manifest = manifest.assign(mag_bin=mag_bin, shard=shard_of(manifest["source_id"], n_shards))
    problems = manifest.loc[manifest["status"] != "ok", "status"].value_counts()
    for status, count in problems.items():
        logger.warning("manifest %s (%s): %d sources with status %s", mag_bin, where, count, status)
    return manifest.loc[:, list(MANIFEST_COLUMNS)].reset_index(drop=True)
