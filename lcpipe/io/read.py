"""``read_lightcurve``: choose a reader from the file's extension and content, or from ``format``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lcpipe.io.common import check_file, data_lines, read_head_text
from lcpipe.io.dat2 import looks_like_dat2, read_dat2
from lcpipe.io.errors import LightCurveReadError
from lcpipe.io.skypatrol import looks_like_skypatrol, read_skypatrol
from lcpipe.lightcurve import LightCurve

#: Format names accepted by ``read_lightcurve(format=...)`` and what they read.
FORMATS: dict[str, str] = {
    "dat2": "ASAS-SN .dat2 (JD-2450000, mag, err, good, camera, band, saturated, camera/field)",
    "skypatrol": "ASAS-SN SkyPatrol CSV export",
}


def detect_format(path: str | Path) -> str:
    """Return the format name for ``path`` from its extension and, for text files, its first lines.

    Raises
    ------
    LightCurveReadError
        ``missing_file``, ``empty``, ``unreadable`` (binary text) or ``unknown_format``.
    """
    path = check_file(path)
    suffix = path.suffix.lower()
    if suffix == ".dat2":
        return "dat2"
    text = read_head_text(path)
    if looks_like_skypatrol(text):
        return "skypatrol"
    if looks_like_dat2(data_lines(text)):
        return "dat2"
    raise LightCurveReadError(path, "unknown_format", "not a recognised light-curve format")


def read_lightcurve(path: str | Path, *, format: str | None = None, **options: Any) -> LightCurve:
    """Read one light curve from a file.

    Parameters
    ----------
    path : str or Path
        The file.
    format : str, optional
        Force a reader (a key of :data:`FORMATS`); default: detected by :func:`detect_format`.
    **options
        Passed to the reader (e.g. ``good_quality`` for SkyPatrol, ``columns``/``time_col``/... for
        generic tables).

    Returns
    -------
    LightCurve
        As read: not sorted, not cleaned (see :func:`lcpipe.io.cleaning.clean_lightcurve`).

    Raises
    ------
    LightCurveReadError
        Any failure to read the file, with ``status`` and ``path``.
    TypeError
        An option the chosen reader does not take (a programming error).
    """
    if format is None:
        format = detect_format(path)
    if format not in FORMATS:
        raise LightCurveReadError(path, "unknown_format", f"format {format!r} not one of {sorted(FORMATS)}")
    if format == "dat2":
        return read_dat2(path, **options)
    return read_skypatrol(path, **options)
