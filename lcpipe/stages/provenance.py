"""Provenance facts stored with every stage output."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from lcpipe._version import __version__


def config_hash(section: Mapping[str, Any]) -> str:
    """Short SHA-256 of a configuration mapping, independent of key order (16 hex digits)."""
    return hashlib.sha256(json.dumps(section, sort_keys=True, default=str).encode()).hexdigest()[:16]


def file_checksum(path: str | Path, chunk_bytes: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()


def stage_provenance(
    stage: str, options: Mapping[str, Any], inputs: Iterable[str | Path] = ()
) -> dict[str, Any]:
    """Provenance dictionary of one stage output.

    Parameters
    ----------
    stage : str
        Stage name (``manifest``, ``tag``, ...).
    options : mapping
        The configuration the stage ran with.
    inputs : iterable of path-like
        Input files (tables) whose checksums are recorded; light-curve files are not hashed.

    Returns
    -------
    dict
        ``stage``, ``lcpipe_version``, ``config_hash``, ``options`` and ``input_checksums``.
    """
    return {
        "stage": stage,
        "lcpipe_version": __version__,
        "config_hash": config_hash(options),
        "options": dict(options),
        "input_checksums": {str(p): file_checksum(p) for p in inputs},
    }
