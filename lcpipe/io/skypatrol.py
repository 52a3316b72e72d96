"""Reader for ASAS-SN SkyPatrol CSV exports (``<asas_sn_id>-light-curves.csv``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from lcpipe.io.common import check_file, numeric, parse_text_table, read_head_text, require_valid_points, text
from lcpipe.io.errors import LightCurveReadError
from lcpipe.io.positions import position_from_header
from lcpipe.io.sentinels import DEFAULT_SENTINELS, is_sentinel, mask_sentinels
from lcpipe.io.time_base import time_flag
from lcpipe.lightcurve import LightCurve, make_lightcurve

#: Header line naming the source in a SkyPatrol export.
SKYPATROL_ID_KEY = "ASAS-SN SkyPatrol ID"

#: Columns a SkyPatrol export must have.
SKYPATROL_REQUIRED = ("JD", "Mag", "Mag Error", "Flux", "Flux Error", "Filter", "Quality", "Camera")

#: Quality letters treated as good by default: G (good) and U (unknown: the newest, not yet vetted
#: epochs, with the same error distribution as G); B (bad) is not good.
SKYPATROL_GOOD_QUALITY = ("G", "U")

#: Nominal zero point of SkyPatrol fluxes (mJy): mag = 16.40 - 2.5 log10(F) holds exactly for g;
#: V magnitudes sit on 16.46 (the per-band values measured in the file are in meta["zero_point_by_band"]).
SKYPATROL_ZERO_POINT = 16.4


def looks_like_skypatrol(text: str) -> bool:
    """True when ``text`` (start of a file) carries the SkyPatrol ID header or the SkyPatrol column line."""
    return SKYPATROL_ID_KEY in text or re.search(r"^JD,Flux,Flux Error,Mag,Mag Error", text, re.M) is not None


def parse_header(text: str) -> dict[str, str]:
    """Return the ``# key: value`` header lines (cross-identifications) as a dict."""
    header = {}
    for line in text.splitlines():
        if line.startswith("#") and ":" in line:
            key, value = line[1:].split(":", 1)
            header[key.strip()] = value.strip()
    return header


def _source_id(header: dict[str, str], path: Path) -> str:
    if header.get(SKYPATROL_ID_KEY):
        return header[SKYPATROL_ID_KEY]
    match = re.match(r"\d+", path.name)
    return match.group(0) if match else path.stem


def read_skypatrol(
    path: str | Path,
    *,
    good_quality: Sequence[str] = SKYPATROL_GOOD_QUALITY,
    source_id: str | None = None,
    sentinels: Sequence[float] = DEFAULT_SENTINELS,
) -> LightCurve:
    """Read a SkyPatrol CSV export.

    Parameters
    ----------
    path : str or Path
        The CSV file: ``#`` header lines with cross-IDs, then columns ``JD, Flux, Flux Error, Mag,
        Mag Error, Limit, FWHM, Filter, Quality, Camera``.
    good_quality : sequence of str
        Quality letters that count as good (default G and U; B is bad).
    source_id : str, optional
        Overrides the SkyPatrol ID header (itself falling back to the file name's leading digits).
    sentinels : sequence of float
        Values meaning "no measurement" (default 99.99, 99.999, -99), as in every reader.

    Returns
    -------
    LightCurve
        Time is the file's full JD (``meta["time_offset"] = 0``). Flux and its error are the file's
        (mJy). Non-measurements are NaN: an error or limit of 99.99/99.999 is a sentinel; a row with a
        sentinel magnitude error has no magnitude (an upper limit when Limit is finite, where Mag
        repeats the limit; failed photometry otherwise). ``meta`` holds the header cross-IDs
        (``meta["cross_ids"]``), ``n_upper_limits``, ``n_no_photometry``, ``quality_counts``,
        ``time_flag`` and the position decoded from the ATLAS-REFCAT2 id (``ra``, ``dec``,
        ``position_source`` ``"refcat2_id"``; NaN and ``"none"`` without one).
        SkyPatrol has no saturation flag: ``saturated`` is all False.

    Raises
    ------
    LightCurveReadError
        For a missing, empty, binary or unparseable file, missing columns, or no valid point.
    """
    path = check_file(path)
    header = parse_header(read_head_text(path))
    frame = parse_text_table(
        path,
        sep=",",
        header=True,
        comment="#",
        dtypes={"Camera": object, "Filter": object, "Quality": object},
    )
    frame.columns = [str(name).strip() for name in frame.columns]
    missing = [name for name in SKYPATROL_REQUIRED if name not in frame.columns]
    if missing:
        raise LightCurveReadError(
            path, "missing_column", f"SkyPatrol columns {missing} absent; found {list(frame.columns)}"
        )
    time = numeric(frame, "JD")
    mag, mag_err = numeric(frame, "Mag"), numeric(frame, "Mag Error")
    flux, flux_err = numeric(frame, "Flux"), numeric(frame, "Flux Error")
    limit = numeric(frame, "Limit") if "Limit" in frame.columns else np.full(time.size, np.nan)
    limit[is_sentinel(limit, sentinels)] = np.nan
    flux_err[is_sentinel(flux_err, sentinels)] = np.nan
    mag, mag_err, sentinel_counts = mask_sentinels(mag, mag_err, sentinels, limit=limit)
    no_mag = ~np.isfinite(mag)
    require_valid_points(path, time, mag, flux)

    quality = text(frame, "Quality")
    letters, counts = np.unique(quality, return_counts=True)
    band = text(frame, "Filter")
    both = ~no_mag & (flux > 0)
    zero_point_by_band = {
        str(b): float(np.median(mag[sel] + 2.5 * np.log10(flux[sel])))
        for b in np.unique(band)
        if np.any(sel := (band == b) & both)
    }
    ra, dec, position_source = position_from_header(header)
    return make_lightcurve(
        time,
        mag=mag,
        mag_err=mag_err,
        flux=flux,
        flux_err=flux_err,
        camera=text(frame, "Camera"),
        band=band,
        good=np.isin(quality, list(good_quality)),
        zero_point=SKYPATROL_ZERO_POINT,
        meta={
            "source_id": source_id if source_id is not None else _source_id(header, path),
            "path": str(path),
            "format": "skypatrol",
            "time_offset": 0.0,
            "time_frame": "JD",
            "time_flag": time_flag(time),
            "encoding": frame.attrs["encoding"],
            "ra": ra,
            "dec": dec,
            "position_source": position_source,
            "cross_ids": header,
            "flux_unit": "mJy",
            "zero_point_by_band": zero_point_by_band,
            "good_quality": tuple(good_quality),
            "quality_counts": {str(k): int(c) for k, c in zip(letters, counts, strict=True)},
            **sentinel_counts,
        },
    )
