"""``read_lightcurve``: choose a reader from the file's extension and content, or from ``format``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lcpipe.io.common import check_file, data_lines, read_head_text
from lcpipe.io.compression import data_suffix
from lcpipe.io.dat2 import looks_like_dat2, read_dat2
from lcpipe.io.errors import LightCurveReadError
from lcpipe.io.event_folder import is_event_folder, is_file_list, read_event_folder
from lcpipe.io.generic import TABLE_KINDS, read_table_lightcurve
from lcpipe.io.microlensing_tables import DESCRIPTIONS as MICROLENSING_FORMATS
from lcpipe.io.microlensing_tables import READERS as MICROLENSING_READERS
from lcpipe.io.microlensing_tables import looks_like_time_last
from lcpipe.io.ogle import looks_like_ogle, ogle_time_offset
from lcpipe.io.reader_options import options_for
from lcpipe.io.skypatrol import looks_like_skypatrol, read_skypatrol
from lcpipe.io.time_frame import frame_from_text
from lcpipe.lightcurve import LightCurve

#: Format names accepted by ``read_lightcurve(format=...)`` and what they read.
FORMATS: dict[str, str] = {
    "dat2": "ASAS-SN .dat2 (JD-2450000, mag, err, good, camera, band, saturated, camera/field)",
    "skypatrol": "ASAS-SN SkyPatrol CSV export",
    "generic": "any table kind below, chosen from the extension (text with the separator sniffed)",
    "csv": "comma-separated text table (header optional)",
    "tsv": "tab-separated text table (header optional)",
    "text": "whitespace/comma/tab text table, separator sniffed (header optional)",
    "parquet": "Apache Parquet table",
    "npy": "NumPy .npy 2-D array (default columns time, flux, flux_err) or structured array",
    "ogle": "OGLE photometry: HJD(-2450000), I mag, error[, seeing, sky] (band I, camera OGLE)",
    **MICROLENSING_FORMATS,
    "event": "a folder holding one event's files, one data set each (optional event.csv: file, format)",
}

#: Reader options implied by a named preset (explicit options override them).
PRESETS: dict[str, dict[str, Any]] = {
    "ogle": {
        "kind": "text",
        "columns": ("time", "mag", "mag_err"),
        "time_offset": 2450000.0,
        "band": "I",
        "camera": "OGLE",
        "time_frame": "HJD",
        "meta": {"format": "ogle"},
    },
}

#: Extensions of formats lcpipe has no reader for (reported as ``unknown_format``, not parsed as text).
#: ``.gz``, ``.bz2`` and ``.xz`` are read transparently: the format is that of the inner name.
UNSUPPORTED_SUFFIXES = frozenset({".fits", ".fit", ".fz", ".h5", ".hdf5", ".zip", ".feather", ".7z"})

#: Extensions read as generic tables without looking at the content.
TABLE_SUFFIXES = {".parquet": "parquet", ".pq": "parquet", ".npy": "npy", ".tbl": "ipac", ".ipac": "ipac"}


def detect_format(path: str | Path) -> str:
    """Return the format name for ``path`` from its extension and, for text files, its first lines.

    A compressed file (``X.csv.gz``) is detected from its inner name and decompressed content.

    Raises
    ------
    LightCurveReadError
        ``missing_file``, ``empty``, ``unreadable`` (binary text) or ``unknown_format``.
    """
    if is_event_folder(path) or is_file_list(path):
        return "event"
    path = check_file(path)
    suffix = data_suffix(path)
    if suffix == ".dat2":
        return "dat2"
    if suffix in TABLE_SUFFIXES:
        return TABLE_SUFFIXES[suffix]
    if suffix in UNSUPPORTED_SUFFIXES:
        raise LightCurveReadError(path, "unknown_format", f"no reader for {suffix} files; convert to a table")
    text = read_head_text(path)
    if looks_like_skypatrol(text):
        return "skypatrol"
    lines = data_lines(text)
    if not lines:
        raise LightCurveReadError(path, "empty", "no data lines (only blanks or comments)")
    if looks_like_dat2(lines):
        return "dat2"
    if looks_like_time_last(text):
        return "time_last"
    if lines[0].startswith(("|", "\\")):
        return "ipac"
    if looks_like_ogle(lines):
        return "ogle"
    return {".csv": "csv", ".tsv": "tsv"}.get(suffix, "text")


def read_lightcurve(path: str | Path, *, format: str | None = None, **options: Any) -> LightCurve:
    """Read one light curve from a file.

    Parameters
    ----------
    path : str or Path
        The file.
    format : str, optional
        Force a reader (a key of :data:`FORMATS`); default: detected by :func:`detect_format`.
    **options
        Reader options (e.g. ``good_quality`` for SkyPatrol, ``columns``/``time_col``/... for generic
        tables), each passed to the readers that take it, and per-format sections (``csv={"time_col":
        "jd"}``) passed to the files of that format only (:mod:`lcpipe.io.reader_options`).

    Returns
    -------
    LightCurve
        As read: not sorted, not cleaned (see :func:`lcpipe.io.cleaning.clean_lightcurve`).

    Raises
    ------
    LightCurveReadError
        Any failure to read the file, with ``status`` and ``path``.
    TypeError
        An option no reader takes, or one a format's section gives its reader but it does not take (a
        programming error).
    ValueError
        An unknown ``format`` or table ``kind`` (a programming/configuration error).
    """
    if format is not None and format not in FORMATS:
        raise ValueError(f"unknown light-curve format {format!r}; expected one of {sorted(FORMATS)}")
    if options.get("kind") is not None and options["kind"] not in TABLE_KINDS:
        raise ValueError(f"unknown table kind {options['kind']!r}; expected one of {TABLE_KINDS}")
    if format is None:
        format = detect_format(path)
    options = options_for(format, options)
    try:
        lc = _dispatch(path, format, options)
    except LightCurveReadError:
        raise
    except (ValueError, KeyError, IndexError, OSError, UnicodeError) as exc:
        # Content the reader's checks did not anticipate: still a bad file, not a traceback.
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise LightCurveReadError(path, "unreadable", f"{type(exc).__name__}: {detail}") from exc
    lc.meta.setdefault("time_frame", frame_from_text(str(lc.meta.get("columns_used", {}).get("time", ""))))
    return lc


def _dispatch(path: str | Path, format: str, options: dict[str, Any]) -> LightCurve:
    if format == "dat2":
        return read_dat2(path, **options)
    if format == "skypatrol":
        return read_skypatrol(path, **options)
    if format == "event":
        return read_event_folder(path, **options)
    if format in MICROLENSING_READERS:
        return MICROLENSING_READERS[format](path, **options)
    if format == "ogle" and "time_offset" not in options:  # full HJD (EWS phot.dat) or HJD - 2450000
        lines = data_lines(read_head_text(check_file(path)))
        options = {**options, "time_offset": ogle_time_offset(lines)}
    if format in PRESETS:
        return read_table_lightcurve(path, **{**PRESETS[format], **options})
    kind = None if format == "generic" else format
    return read_table_lightcurve(path, **{"kind": kind, **options})
