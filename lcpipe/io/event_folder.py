"""One folder (or one list of files) = one event: its files are the event's data sets, in one light curve.

A folder collection may hold, next to single-file sources, one sub-folder per event (a microlensing
event seen by several observatories). Every light-curve file in it is one data set, labelled by its file
stem (its name when stems repeat). An optional ``event.csv`` (columns ``file`` and ``format``, format
empty for detection) names the files and their readers, for formats that cannot be detected (difference
flux tables look like magnitude tables).

The light curve read keeps each data set's own measured quantity: ``meta["data_kind"]`` is ``"mag"``
or ``"flux"`` when all files agree and ``"mixed"`` otherwise, with ``meta["dataset_kinds"]`` giving
each data set's kind (cleaning and the microlensing fit honour it per point).

A folder collection's catalog can also group files into events (an ``event_id`` column,
:mod:`lcpipe.manifest.events`): the event's row then names its files joined by ``os.pathsep``
(:func:`event_path`), read the same way.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.io.errors import LightCurveReadError
from lcpipe.lightcurve import POINT_ARRAYS, LightCurve

#: Optional table of an event folder: ``file`` and ``format`` columns.
EVENT_TABLE = "event.csv"

#: Extensions of the files an event folder's data sets are read from when it has no ``event.csv``.
EVENT_SUFFIXES = (".dat", ".dat2", ".txt", ".csv", ".tsv", ".tbl", ".ipac", ".npy", ".parquet", ".pysis")


def event_path(files: Sequence[str | Path]) -> str:
    """One path naming the files of an event (joined by ``os.pathsep``), for a manifest row."""
    return os.pathsep.join(str(p) for p in files)


def is_file_list(path: str | Path) -> bool:
    """Whether ``path`` is an :func:`event_path` of several files."""
    return isinstance(path, str) and os.pathsep in path and not Path(path).exists()


def event_files(folder: str | Path) -> list[tuple[Path, str | None]]:
    """The data set files of an event folder (or :func:`event_path` list) and the reader of each
    (None: detected).

    Raises
    ------
    LightCurveReadError
        ``missing_file`` if the folder or a file named in ``event.csv`` does not exist, ``empty`` if it
        holds no light-curve file, ``unreadable`` if ``event.csv`` lacks a ``file`` column.
    """
    if is_file_list(folder):
        files = [(Path(part), None) for part in str(folder).split(os.pathsep) if part]
        for path, _ in files:
            if not path.is_file():
                raise LightCurveReadError(path, "missing_file", "file of an event not found")
        return files
    folder = Path(folder)
    if not folder.is_dir():
        raise LightCurveReadError(folder, "missing_file", "no such folder")
    table_path = folder / EVENT_TABLE
    if table_path.is_file():
        table = pd.read_csv(table_path, dtype=str, keep_default_na=False)
        if "file" not in table.columns:
            raise LightCurveReadError(table_path, "unreadable", f"no 'file' column in {list(table.columns)}")
        formats = table["format"] if "format" in table.columns else [""] * len(table)
        pairs = zip(table["file"], formats, strict=True)
        files = [(folder / name.strip(), fmt.strip() or None) for name, fmt in pairs]
        for path, _ in files:
            if not path.is_file():
                raise LightCurveReadError(path, "missing_file", f"listed in {table_path} but not there")
    else:
        files = [
            (p, None)
            for p in sorted(folder.iterdir())
            if p.is_file() and p.suffix.lower() in EVENT_SUFFIXES and p.name != EVENT_TABLE
        ]
    if not files:
        raise LightCurveReadError(folder, "empty", "event folder holds no light-curve file")
    return files


def is_event_folder(path: str | Path) -> bool:
    """Whether ``path`` is a folder holding an ``event.csv`` or at least one light-curve file."""
    path = Path(path)
    if not path.is_dir():
        return False
    try:
        return bool(event_files(path))
    except LightCurveReadError:
        return False


def dataset_names(paths: list[Path]) -> list[str]:
    """Data set label of each file: its stem, or its name when two files share a stem."""
    stems = [p.stem for p in paths]
    return stems if len(set(stems)) == len(stems) else [p.name for p in paths]


def read_event_folder(path: str | Path, **options: Any) -> LightCurve:
    """Read every data set file of an event folder into one light curve.

    Parameters
    ----------
    path : str or Path
        The event folder.
    **options
        Reader options given to every file (rarely useful: the files differ).

    Returns
    -------
    LightCurve
        Points of all files in file order, ``dataset`` the file labels (``"<label>:<value>"`` when a
        file has its own data set column), ``meta`` with ``source_id`` and ``event_id`` (the folder
        name), ``format`` ``"event"``, ``files``, ``data_kind``, ``dataset_kinds`` and ``time_frame``
        (the files' frames joined by ``","`` when they differ).

    Raises
    ------
    LightCurveReadError
        The folder's problem, or the first file that cannot be read (its path and status).
    """
    from lcpipe.io.read import read_lightcurve  # read.py dispatches folders here

    files = event_files(path)
    folder = Path(path) if not is_file_list(path) else files[0][0].parent
    labels = dataset_names([p for p, _ in files])
    parts, kinds, frames = [], {}, []
    for (file, fmt), label in zip(files, labels, strict=True):
        lc = read_lightcurve(file, format=fmt, **options)
        own = "dataset" in lc.meta.get("columns_used", {})
        dataset = np.char.add(f"{label}:", lc.dataset.astype(str)) if own else np.full(len(lc), label)
        parts.append((lc, dataset))
        for name in np.unique(dataset):
            kinds[str(name)] = str(lc.meta.get("data_kind", "mag"))
        frames.append(str(lc.meta.get("time_frame", "unknown")))
    arrays = {
        name: np.concatenate([d if name == "dataset" else getattr(lc, name) for lc, d in parts])
        for name in POINT_ARRAYS
    }
    arrays["dataset"] = arrays["dataset"].astype(str)
    distinct = sorted(set(kinds.values()))
    event_id = folder.name if not is_file_list(path) else files[0][0].stem
    meta = {
        "source_id": event_id,
        "event_id": event_id,
        "path": str(path),
        "format": "event",
        "files": [str(p) for p, _ in files],
        "data_kind": distinct[0] if len(distinct) == 1 else "mixed",
        "dataset_kinds": kinds,
        "time_frame": ",".join(sorted(set(frames))),
        "time_offset": float("nan"),
        "zero_point": float(parts[0][0].meta.get("zero_point", 22.0)),
        "ra": np.nan,
        "dec": np.nan,
    }
    return LightCurve(**arrays, meta=meta)
