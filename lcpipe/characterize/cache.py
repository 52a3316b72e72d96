"""On-disk cache of online catalog queries: one Parquet file per query, shared by characterize and vetting."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lcpipe.tables import read_provenance, read_table, write_table


def query_key(service: str, params: Mapping[str, Any]) -> str:
    """Stable hexadecimal key of a query: SHA-256 of the service name and its JSON-sorted parameters."""
    text = json.dumps({"service": service, "params": dict(params)}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class QueryCache:
    """Answers of online queries stored as ``<directory>/<service>/<key>.parquet``.

    Each file holds the answer table (possibly with no rows: an empty answer is an answer) and,
    in its Parquet metadata, the service and query parameters, so a cache folder can be read by
    eye with :func:`lcpipe.tables.read_provenance`. Files are written atomically, so concurrent
    jobs sharing a cache never see half a file; an entry never expires (delete the folder to
    refresh).

    Attributes
    ----------
    directory : path-like
        Root folder of the cache; created on first write.
    """

    directory: str | os.PathLike

    def path(self, service: str, params: Mapping[str, Any]) -> Path:
        """File that holds (or would hold) the answer to this query."""
        return Path(self.directory) / service / f"{query_key(service, params)}.parquet"

    def get(self, service: str, params: Mapping[str, Any]) -> pd.DataFrame | None:
        """The stored answer, or None when this query was never answered."""
        path = self.path(service, params)
        return read_table(path) if path.exists() else None

    def put(self, service: str, params: Mapping[str, Any], table: pd.DataFrame) -> Path:
        """Store the answer to a query; returns the file written."""
        provenance = {"stage": "query_cache", "service": service, "params": dict(params)}
        return write_table(table, self.path(service, params), provenance=provenance)

    def get_or_fetch(
        self, service: str, params: Mapping[str, Any], fetch: Callable[[], pd.DataFrame]
    ) -> pd.DataFrame:
        """Return the cached answer, or call ``fetch()`` (the network), store its answer and return it.

        Errors raised by ``fetch`` propagate and nothing is stored, so a failed query is retried
        on the next run.
        """
        cached = self.get(service, params)
        if cached is not None:
            return cached
        table = fetch()
        self.put(service, params, table)
        return table

    def params_of(self, path: str | os.PathLike) -> dict[str, Any]:
        """Service and parameters recorded with a cache file."""
        meta = read_provenance(path)
        return {"service": meta.get("service"), "params": meta.get("params")}
