"""Packed light curves: the cleaned light curves of one shard in one columnar Parquet file.

A survey run reads and cleans each raw file once (the tag stage, or the collection of a folder survey)
and packs the result; every later stage reads the packed shard. On a cluster file system this turns
one small-file open per source and stage into one sequential read per shard and stage.

Format
------
One row per source, in the order written:

* ``source_id`` (string), ``status`` (``ok``, a read status or ``no_points_after_cleaning``) and
  ``reason`` (why not ``ok``, see :func:`lcpipe.io.load.load_clean_with_reason`);
* the cleaning counts of :meth:`CleaningReport.as_row` (``n_input``, ``n_kept``, ``dropped_<rule>``,
  ``was_unsorted``, ``n_duplicates``, ``n_duplicate_times``, ``n_cameras_kept``, ``single_camera``),
  null when the file could not be read;
* one list column per point array of :data:`lcpipe.lightcurve.POINT_ARRAYS` (``time``, ``mag``,
  ``mag_err``, ``flux``, ``flux_err`` as float64 lists, ``camera``, ``band``, ``dataset`` as string lists,
  ``good``, ``saturated`` as bool lists), null when there is no light curve;
* ``meta`` (the light curve's metadata as JSON: ``data_kind``, ``ra``/``dec``, ``time_frame``,
  ``time_offset`` ...) and ``point_dtypes`` (JSON: the numpy dtype of each point array, so a string
  array comes back with its width).

The file opens in pandas and pyarrow (list columns as arrays per row). Values round-trip
exactly (tuples in ``meta`` are tagged in the JSON); a numpy scalar or array in ``meta`` comes back as the
Python number or list.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lcpipe.io.cleaning import CLEANING_RULES, CleaningReport
from lcpipe.io.load import load_clean_with_reason
from lcpipe.lightcurve import POINT_ARRAYS, LightCurve
from lcpipe.tables import METADATA_KEY, atomic_path

#: Arrow type of each point array's list column.
_POINT_TYPES = {
    "time": pa.float64(),
    "mag": pa.float64(),
    "mag_err": pa.float64(),
    "flux": pa.float64(),
    "flux_err": pa.float64(),
    "camera": pa.string(),
    "band": pa.string(),
    "good": pa.bool_(),
    "saturated": pa.bool_(),
    "dataset": pa.string(),
}

#: Integer cleaning counts of a packed row (:meth:`CleaningReport.as_row`), then its flags.
COUNT_COLUMNS = (
    "n_input",
    "n_kept",
    *(f"dropped_{rule}" for rule in CLEANING_RULES),
    "n_duplicates",
    "n_duplicate_times",
    "n_cameras_kept",
)
FLAG_COLUMNS = ("was_unsorted", "single_camera")

#: Key of the packed file's schema metadata that marks the format (and its version).
FORMAT_KEY = b"lcpipe_packed"
FORMAT_VERSION = b"1"


@dataclass(frozen=True)
class PackedEntry:
    """One source of a packed file: what reading and cleaning its raw file gave.

    Attributes
    ----------
    source_id : str
    lc : LightCurve or None
        The cleaned light curve (empty for ``no_points_after_cleaning``), None when unreadable.
    status : str
        ``ok``, a read status or ``no_points_after_cleaning``.
    reason : str
        Why not ``ok`` (``""`` for ``ok``).
    report : CleaningReport or None
        Cleaning counts, None when unreadable.
    """

    source_id: str
    lc: LightCurve | None
    status: str
    reason: str = ""
    report: CleaningReport | None = None


class PackedFormatError(ValueError):
    """A file is not a packed light-curve file or lacks a source asked for."""


def write_packed(
    path: str | os.PathLike, entries: Iterable[PackedEntry], metadata: Mapping[str, Any] | None = None
) -> Path:
    """Write packed light curves to ``path`` atomically (temporary file in the same folder, then rename).

    Parameters
    ----------
    path : path-like
        Destination ``.parquet`` file; parent folders are created.
    entries : iterable of PackedEntry
        One per source, in the order to store.
    metadata : mapping, optional
        JSON-serialisable provenance stored under the ``lcpipe`` key of the schema metadata.

    Returns
    -------
    Path
    """
    with PackedWriter(path, metadata) as writer:
        writer.write(entries)
    return Path(path)


class PackedWriter:
    """Write a packed file in batches (one row group each), atomically when the ``with`` block ends.

    Parameters
    ----------
    path : path-like
        Destination ``.parquet`` file; parent folders are created. On an error inside the block the
        temporary file is removed and ``path`` is untouched.
    metadata : mapping, optional
        As for :func:`write_packed`.
    """

    def __init__(self, path: str | os.PathLike, metadata: Mapping[str, Any] | None = None) -> None:
        self.path = Path(path)
        self._schema_meta = {FORMAT_KEY: FORMAT_VERSION}
        if metadata:
            self._schema_meta[METADATA_KEY] = json.dumps(dict(metadata), default=str).encode()
        self._atomic = atomic_path(self.path)
        self._tmp: Path | None = None
        self._writer: pq.ParquetWriter | None = None

    def __enter__(self) -> PackedWriter:
        self._tmp = self._atomic.__enter__()
        return self

    def write(self, entries: Iterable[PackedEntry]) -> None:
        """Append ``entries`` (one row group)."""
        table = packed_table(list(entries)).replace_schema_metadata(self._schema_meta)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._tmp, table.schema)
        self._writer.write_table(table)

    def __exit__(self, *exc_info: Any) -> bool:
        if self._writer is None and exc_info[0] is None:
            self.write([])
        if self._writer is not None:
            self._writer.close()
        return bool(self._atomic.__exit__(*exc_info))


def packed_table(entries: Sequence[PackedEntry]) -> pa.Table:
    """The Arrow table of ``entries`` in the packed format (see the module docstring)."""
    columns: dict[str, pa.Array] = {
        "source_id": pa.array([e.source_id for e in entries], pa.string()),
        "status": pa.array([e.status for e in entries], pa.string()),
        "reason": pa.array([e.reason for e in entries], pa.string()),
    }
    rows = [e.report.as_row() if e.report is not None else None for e in entries]
    for name in COUNT_COLUMNS:
        columns[name] = pa.array([None if r is None else int(r[name]) for r in rows], pa.int64())
    for name in FLAG_COLUMNS:
        columns[name] = pa.array([None if r is None else bool(r[name]) for r in rows], pa.bool_())
    curves = [e.lc for e in entries]
    for name in POINT_ARRAYS:
        columns[name] = _list_column([None if lc is None else getattr(lc, name) for lc in curves], name)
    columns["meta"] = pa.array([None if lc is None else _dump_meta(lc.meta) for lc in curves], pa.string())
    dtypes = [None if lc is None else {n: getattr(lc, n).dtype.str for n in POINT_ARRAYS} for lc in curves]
    columns["point_dtypes"] = pa.array([None if d is None else json.dumps(d) for d in dtypes], pa.string())
    return pa.table(columns)


def read_packed(path: str | os.PathLike, source_ids: Sequence[str] | None = None) -> dict[str, PackedEntry]:
    """Read a packed file written by :func:`write_packed`.

    Parameters
    ----------
    path : path-like
        The packed file.
    source_ids : sequence of str, optional
        Only these sources (default every source of the file).

    Returns
    -------
    dict of str to PackedEntry
        By source id, in file order.

    Raises
    ------
    PackedFormatError
        When ``path`` is not a packed light-curve file.
    """
    if (pq.read_schema(path).metadata or {}).get(FORMAT_KEY) is None:
        raise PackedFormatError(f"{path}: not a packed light-curve file (no {FORMAT_KEY.decode()} metadata)")
    table = pq.read_table(path)
    if source_ids is not None:
        table = table.filter(pc.is_in(table["source_id"], value_set=pa.array(list(source_ids), pa.string())))
    ids = table["source_id"].to_pylist()
    statuses = table["status"].to_pylist()
    reasons = table["reason"].to_pylist()
    counts = {name: table[name].to_pylist() for name in (*COUNT_COLUMNS, *FLAG_COLUMNS)}
    metas = table["meta"].to_pylist()
    dtypes = [None if d is None else json.loads(d) for d in table["point_dtypes"].to_pylist()]
    points = {name: _split_lists(table[name], name, dtypes) for name in POINT_ARRAYS}
    out: dict[str, PackedEntry] = {}
    for i, source_id in enumerate(ids):
        lc = None
        if metas[i] is not None:
            lc = LightCurve(**{name: points[name][i] for name in POINT_ARRAYS}, meta=_load_meta(metas[i]))
        report = None
        if counts["n_input"][i] is not None:
            report = CleaningReport(
                n_input=counts["n_input"][i],
                n_kept=counts["n_kept"][i],
                dropped={
                    rule: counts[f"dropped_{rule}"][i]
                    for rule in CLEANING_RULES
                    if counts[f"dropped_{rule}"][i]
                },
                was_unsorted=counts["was_unsorted"][i],
                n_duplicates=counts["n_duplicates"][i],
                n_duplicate_times=counts["n_duplicate_times"][i],
                n_cameras_kept=counts["n_cameras_kept"][i],
            )
        out[source_id] = PackedEntry(source_id, lc, statuses[i], reasons[i] or "", report)
    return out


def read_packed_files(
    paths: Iterable[str | os.PathLike], source_ids: Iterable[str] | None = None
) -> dict[str, PackedEntry]:
    """The entries of ``source_ids`` (default all) in the packed files ``paths`` (e.g. every
    ``shards/lightcurves_<k>.parquet`` of a bin), by source id."""
    wanted = None if source_ids is None else [str(s) for s in source_ids]
    out: dict[str, PackedEntry] = {}
    for path in paths:
        out.update(read_packed(path, wanted))
    return out


def read_packed_light_curves(
    paths: Iterable[str | os.PathLike], source_ids: Iterable[str] | None = None
) -> dict[str, LightCurve]:
    """The light curves of ``source_ids`` (default all) in the packed files ``paths``, by source id.

    Sources without a light curve (unreadable files) are left out.
    """
    entries = read_packed_files(paths, source_ids)
    return {source_id: entry.lc for source_id, entry in entries.items() if entry.lc is not None}


def packed_light_curve(packed: Mapping[str, PackedEntry], source_id: str) -> tuple[LightCurve | None, str]:
    """The cleaned light curve of ``source_id`` in ``packed`` and its status (``ok`` or why not).

    Raises
    ------
    PackedFormatError
        When ``packed`` lacks the source (the stage tables and the packed light curves disagree).
    """
    entry = packed.get(str(source_id))
    if entry is None:
        raise PackedFormatError(f"source {source_id} is not in the packed light curves of its shard")
    return entry.lc, entry.status


def _list_column(arrays: list[np.ndarray | None], name: str) -> pa.Array:
    """List array of one point array over the sources; a null list where there is no light curve."""
    lengths = np.array([0 if a is None else a.size for a in arrays], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    present = [a for a in arrays if a is not None]
    kind = _POINT_TYPES[name]
    if present:
        values = np.concatenate([np.asarray(a) for a in present])
    else:
        values = np.array([], dtype=float if kind == pa.float64() else (bool if kind == pa.bool_() else str))
    flat = pa.array(values.astype(object) if kind == pa.string() else values, kind)
    mask = pa.array([a is None for a in arrays], pa.bool_())
    return pa.LargeListArray.from_arrays(pa.array(offsets, pa.int64()), flat, mask=mask)


def _split_lists(column: pa.ChunkedArray, name: str, dtypes: list[dict[str, str] | None]) -> list:
    """Per-row numpy arrays of one list column (None for a null list), in the stored dtypes."""
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    lengths = pc.fill_null(pc.list_value_length(array), 0).to_numpy()
    flat = pc.list_flatten(array)
    values = flat.to_numpy(zero_copy_only=False)
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    out = []
    for i, stored in enumerate(dtypes):
        if stored is None:
            out.append(None)
            continue
        out.append(np.array(values[bounds[i] : bounds[i + 1]], dtype=np.dtype(stored[name])))
    return out


#: JSON key of a tuple in the packed metadata (JSON has only lists).
_TUPLE_KEY = "__tuple__"


def _dump_meta(meta: Mapping[str, Any]) -> str:
    """JSON of a light curve's metadata; tuples tagged so they come back as tuples (:func:`_load_meta`)."""
    return json.dumps(_encode(dict(meta)), allow_nan=True)


def _load_meta(text: str) -> dict[str, Any]:
    """The metadata :func:`_dump_meta` wrote."""
    return json.loads(text, object_hook=_decode)


def _encode(value: Any) -> Any:
    """``value`` with tuples tagged and numpy values as Python ones, ready for :func:`json.dumps`."""
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return {_TUPLE_KEY: [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_encode(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"light-curve metadata value {value!r} ({type(value).__name__}) cannot be packed")


def _decode(obj: dict[str, Any]) -> Any:
    return tuple(obj[_TUPLE_KEY]) if obj.keys() == {_TUPLE_KEY} else obj


def load_packed_entry(
    path: str | os.PathLike,
    source_id: str,
    *,
    read_options: Mapping[str, Any] | None = None,
    cleaning: Mapping[str, Any] | None = None,
) -> PackedEntry:
    """Read and clean one raw light-curve file (:func:`lcpipe.io.load.load_clean_with_reason`) into the
    entry a packed file stores; never raises for a bad file (its status and reason instead)."""
    lc, status, report, reason = load_clean_with_reason(path, read_options=read_options, cleaning=cleaning)
    return PackedEntry(str(source_id), lc, status, reason, report)
