"""Readers for the text tables microlensing photometry is published in.

- **pySIS** (KMTNet, MOA and follow-up difference imaging): ``HJD Δflux flux_err mag mag_err``; the
  difference flux is the measurement (it can be negative), the magnitudes are kept only as given.
- **DIA** text tables (OGLE/MOA/µFUN difference imaging, eesunhong ``lc*`` files): ``time flux
  flux_err`` and any further columns (frame IDs, instrumental magnitudes, a model), ``#`` comments
  anywhere; the flux is difference flux.
- **Time-last** tables (RTModel ``mag err HJD'``): magnitudes, errors, then the time.
- **phot** tables ``time mag mag_err [more]`` (OGLE EWS, KMTNet, PLANET), full or reduced dates.
- **IPAC** ``.tbl`` exports (NASA Exoplanet Archive): ``\\KEY = value`` header keywords name the time
  frame, telescope and band, ``|`` lines name the columns; a ``.tbl`` holding only numbers is read as
  ``time mag mag_err``.

Every reader records ``meta["data_kind"]`` (``"flux"`` for difference flux, ``"mag"`` for magnitudes),
``meta["time_frame"]`` and ``meta["time_offset"]`` (see :mod:`lcpipe.io.time_frame`); ``time_offset``
``"auto"`` (the default) adds 2450000 to ``HJD - 2450000``-sized times and nothing to full dates.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from lcpipe.io.common import check_file, data_lines, read_head_text
from lcpipe.io.generic import read_table_lightcurve
from lcpipe.io.time_frame import frame_from_text, infer_offset, offset_from_text
from lcpipe.lightcurve import LightCurve

#: Column layouts (names by position) of the formats read here.
LAYOUTS: dict[str, tuple[str, ...]] = {
    "pysis": ("time", "flux", "flux_err", "mag", "mag_err"),
    "dia": ("time", "flux", "flux_err"),
    "time_last": ("mag", "mag_err", "time"),
    "phot": ("time", "mag", "mag_err"),
}

#: What each layout measures (the quantity that stays the fitted one).
DATA_KINDS = {"pysis": "flux", "dia": "flux", "time_last": "mag", "phot": "mag", "ipac": "mag"}

_KEYWORD = re.compile(r"^\\\s*([A-Za-z0-9_ ]+?)\s*=\s*(.*)$")


def _time_axis(raw_time: np.ndarray, hint: str, time_offset: float | str) -> tuple[float, str]:
    """Offset added to the file's time column and the time frame, from a hint text and the values."""
    frame = frame_from_text(hint)
    if time_offset != "auto":
        if isinstance(time_offset, str) or not np.isfinite(time_offset):
            raise TypeError(f"time_offset must be a finite number of days or 'auto', got {time_offset!r}")
        return float(time_offset), frame
    written = offset_from_text(hint)
    return (written if written is not None else infer_offset(raw_time, frame)), frame


def _read_layout(
    path: str | Path,
    layout: str,
    *,
    time_offset: float | str = "auto",
    time_frame: str | None = None,
    columns: Sequence[str] | None = None,
    data_kind: str | None = None,
    meta: Mapping[str, Any] | None = None,
    **options: Any,
) -> LightCurve:
    """Read a text table by column position, then put its time column on a full date."""
    path = check_file(path)
    names = tuple(columns) if columns is not None else LAYOUTS[layout]
    words = _header_comment(path).split()
    position = names.index("time") if "time" in names else -1
    hint = words[position] if 0 <= position < len(words) else ""
    lc = read_table_lightcurve(path, kind="text", columns=names, time_offset=0.0, **options)
    offset, frame = _time_axis(lc.time, hint, time_offset)
    kind = data_kind or DATA_KINDS[layout]
    extra = {"format": layout, "data_kind": kind, "time_frame": time_frame or frame, "time_offset": offset}
    return replace(lc, time=lc.time + offset, meta={**lc.meta, **extra, **(meta or {})})


def _header_comment(path: Path) -> str:
    """The last ``#`` line above the first data line (its column names), or ``""``."""
    return _header_comment_text(read_head_text(path))


def _header_comment_text(text: str) -> str:
    previous = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        previous = stripped.lstrip("#").strip()
    return previous


def looks_like_time_last(text: str) -> bool:
    """Whether a ``#`` line just above the data names the time as its third column, after a magnitude
    and its error (RTModel's ``# Magnitude Err_Magnitude HJD-2450000``)."""
    words = _header_comment_text(text).split()
    return (
        len(words) >= 3
        and words[0].lower().startswith("mag")
        and "err" in words[1].lower()
        and frame_from_text(words[2]) != "unknown"
    )


def read_pysis(path: str | Path, **options: Any) -> LightCurve:
    """Read a pySIS difference-imaging table ``HJD Δflux flux_err mag mag_err``.

    Parameters
    ----------
    path : str or Path
    **options
        ``time_offset`` (days or ``"auto"``), ``time_frame``, ``camera``, ``band``, ``dataset_col``,
        ``source_id``, ``meta`` and the other options of :func:`lcpipe.io.generic.read_table_lightcurve`.

    Returns
    -------
    LightCurve
        ``meta["data_kind"] == "flux"``: flux and flux_err are the measurement (negative flux kept);
        the file's magnitudes are kept as given.
    """
    options.setdefault("time_frame", "HJD")
    return _read_layout(path, "pysis", **options)


def read_dia(path: str | Path, **options: Any) -> LightCurve:
    """Read a difference-imaging text table ``time flux flux_err [more columns]``.

    Further columns (frame IDs, instrumental magnitudes, model fluxes) are ignored; ``#`` lines are
    comments wherever they are (eesunhong files end with a commented trailer). Options as
    :func:`read_pysis`.

    Returns
    -------
    LightCurve
        ``meta["data_kind"] == "flux"``; magnitudes are NaN where the difference flux is not positive.
    """
    return _read_layout(path, "dia", **options)


def read_time_last(path: str | Path, **options: Any) -> LightCurve:
    """Read a ``mag mag_err time`` table (RTModel's ``Magnitude Err_Magnitude HJD-2450000``).

    The frame and offset come from a ``#`` header line naming the time column (``HJD-2450000`` gives
    HJD and 2450000), else from the values. Options as :func:`read_pysis`.
    """
    return _read_layout(path, "time_last", **options)


def read_phot(path: str | Path, **options: Any) -> LightCurve:
    """Read a ``time mag mag_err [more columns]`` table whose time may be full or ``HJD - 2450000``.

    The OGLE EWS, KMTNet and PLANET/RoboNet files of one event mix both; ``time_offset="auto"`` puts them
    on one axis. Options as :func:`read_pysis`.
    """
    return _read_layout(path, "phot", **options)


def _ipac_keywords(text: str) -> dict[str, str]:
    """``\\KEY = value`` header keywords of an IPAC table (keys upper-case, values unquoted)."""
    keywords = {}
    for line in text.splitlines():
        match = _KEYWORD.match(line.strip())
        if match:
            keywords[match.group(1).strip().upper()] = match.group(2).strip().strip("'\"").strip()
    return keywords


def read_ipac_export(
    path: str | Path,
    *,
    time_offset: float | str = "auto",
    meta: Mapping[str, Any] | None = None,
    **options: Any,
) -> LightCurve:
    """Read an IPAC ``.tbl`` export, taking the time frame, telescope and band from its header.

    Keywords whose name mentions the time (``TIME_REFERENCE_FRAME``, ``TIMESYS``, ``TIME_UNITS``...)
    give the frame, ``TELESCOPE``/``OBSERVATORY`` the camera label, ``BAND``/``FILTER`` the band. A
    ``.tbl`` with no IPAC header (only numbers) is read as ``time mag mag_err``.

    Parameters
    ----------
    path : str or Path
    time_offset : float or "auto"
        Days added to the time column; ``"auto"``: an offset written in the header or the time
        column's name (``HJD-2450000``), else from the values.
    meta : mapping, optional
        Extra metadata.
    **options
        Options of :func:`lcpipe.io.generic.read_table_lightcurve`.

    Returns
    -------
    LightCurve
    """
    path = check_file(path)
    text = read_head_text(path)
    lines = data_lines(text, "#")
    if lines and not lines[0].startswith(("|", "\\")):
        options.setdefault("columns", ("time", "mag", "mag_err"))
        return _read_layout(path, "ipac", time_offset=time_offset, meta=meta, **options)
    keywords = _ipac_keywords(text)
    hint = " ".join(v for k, v in keywords.items() if "TIME" in k or k in ("TIMESYS", "DATE_SYSTEM"))
    for key in ("TELESCOPE", "OBSERVATORY", "INSTRUMENT"):
        if key in keywords and "camera" not in options and "camera_col" not in options:
            options["camera"] = keywords[key]
            break
    for key in ("BAND", "FILTER", "PASSBAND"):
        if key in keywords and "band" not in options and "band_col" not in options:
            options["band"] = keywords[key]
            break
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lc = read_table_lightcurve(path, kind="ipac", time_offset=0.0, **options)
    time_name = str(lc.meta["columns_used"]["time"])
    offset, frame = _time_axis(lc.time, f"{hint} {time_name}", time_offset)
    if frame == "unknown":
        frame = frame_from_text(time_name)
    extra = {"format": "ipac", "time_frame": frame, "time_offset": offset, "header": keywords}
    return replace(lc, time=lc.time + offset, meta={**lc.meta, **extra, **(meta or {})})


#: Readers of this module by format name (registered in :data:`lcpipe.io.read.FORMATS`).
READERS = {
    "pysis": read_pysis,
    "dia": read_dia,
    "time_last": read_time_last,
    "phot": read_phot,
    "ipac": read_ipac_export,
}

#: One-line descriptions for :data:`lcpipe.io.read.FORMATS`.
DESCRIPTIONS = {
    "pysis": "pySIS difference imaging: HJD, difference flux, flux error, mag, mag error (flux is measured)",
    "dia": "difference-imaging text table: time, difference flux, flux error, further columns ignored",
    "time_last": "mag, mag error, time (RTModel's Magnitude Err_Magnitude HJD-2450000)",
    "phot": "time, mag, mag error, further columns ignored; full HJD or HJD-2450000 (offset inferred)",
    "ipac": "IPAC .tbl (through astropy; time frame, telescope and band from the header keywords)",
}
