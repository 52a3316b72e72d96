"""Stable assignment of sources to shards."""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import numpy as np


def shard_of(source_ids: Iterable[object], n_shards: int) -> np.ndarray:
    """Shard number of each source from a stable hash of its identifier.

    Parameters
    ----------
    source_ids : iterable, length M
        Source identifiers; hashed as their ``str`` (so ``123`` and ``"123"`` agree).
    n_shards : int
        Number of shards (>= 1).

    Returns
    -------
    ndarray, shape (M,), int64
        ``crc32(str(id)) % n_shards``: the same on every machine, Python version and run
        (unlike ``hash()``), so a failed shard reruns with exactly the same sources.
    """
    if n_shards < 1:
        raise ValueError(f"n_shards must be >= 1, got {n_shards}")
    return np.array([zlib.crc32(str(s).encode()) % n_shards for s in source_ids], dtype=np.int64)
