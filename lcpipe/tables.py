"""Parquet stage outputs: atomic writes carrying provenance in the schema metadata."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from lcpipe._version import __version__

#: Key under which lcpipe stores its provenance dictionary in the Parquet schema metadata.
METADATA_KEY = b"lcpipe"


def write_table(
    df: pd.DataFrame, path: str | os.PathLike, provenance: Mapping[str, Any] | None = None
) -> Path:
    """Write ``df`` to Parquet atomically (temporary file in the same folder, then rename).

    Parameters
    ----------
    df : DataFrame
        Table to write; the index is dropped.
    path : path-like
        Destination ``.parquet`` file; parent folders are created.
    provenance : mapping, optional
        JSON-serialisable facts (stage, config hash, input checksums ...) stored with
        ``lcpipe_version`` under the ``lcpipe`` key of the schema metadata.

    Returns
    -------
    Path
        The written path. A reader never sees a half-written file: it either finds the old
        file, no file, or the complete new one.
    """
    path = Path(path)
    table = pa.Table.from_pandas(df, preserve_index=False)
    meta = {"lcpipe_version": __version__, **dict(provenance or {})}
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), METADATA_KEY: json.dumps(meta, default=str).encode()}
    )
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
    return path


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary file beside ``path`` to write, renamed to ``path`` when the block ends without error.

    Parent folders are created; on an error the temporary file is removed and ``path`` is untouched,
    so a reader never sees a half-written file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_table(path: str | os.PathLike, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a stage output written by :func:`write_table` into a DataFrame."""
    return pq.read_table(path, columns=columns).to_pandas()


def read_provenance(path: str | os.PathLike) -> dict[str, Any]:
    """Return the provenance dictionary stored in a Parquet file's schema metadata ({} if none)."""
    raw = (pq.read_schema(path).metadata or {}).get(METADATA_KEY)
    return json.loads(raw) if raw else {}


def flag_column(table: pd.DataFrame, column: str) -> pd.Series:
    """A boolean column of ``table`` with missing values (and a missing column) as False."""
    if column not in table:
        return pd.Series(False, index=table.index)
    return table[column].astype("boolean").fillna(False).astype(bool)
