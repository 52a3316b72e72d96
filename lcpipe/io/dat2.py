"""Reader for ASAS-SN ``.dat2`` light curves (whitespace columns, no header)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from lcpipe.io.common import (
    check_file,
    data_lines,
    numeric,
    parse_text_table,
    read_head_text,
    require_valid_points,
)
from lcpipe.io.compression import data_stem
from lcpipe.io.errors import LightCurveReadError
from lcpipe.io.layout import WHITESPACE, sniff_layout
from lcpipe.io.sentinels import DEFAULT_SENTINELS, mask_sentinels
from lcpipe.io.time_base import time_flag
from lcpipe.lightcurve import LightCurve, make_lightcurve

#: What the reader adds to the file's time column (JD - 2450000) to get full JD.
DAT2_TIME_OFFSET = 2450000.0

#: Column names of a ``.dat2`` file, in file order.
DAT2_COLUMNS = ("jd", "mag", "mag_err", "good", "camera_number", "band", "saturated", "camera_field")

#: Band codes of the ``band`` column.
DAT2_BANDS = {0: "g", 1: "V"}

#: Zero point of the derived fluxes (the file has magnitudes only).
DAT2_ZERO_POINT = 22.0


def looks_like_dat2(lines: list[str]) -> bool:
    """True when the first data lines have 7 numeric fields plus an optional ``camera/field`` token
    (decimal commas accepted)."""
    if not lines:
        return False
    for line in lines[:5]:
        tokens = [tok.replace(",", ".", 1) for tok in line.split()]
        if len(tokens) not in (7, 8):
            return False
        try:
            [float(tok) for tok in tokens[:7]]
        except ValueError:
            return False
        if not all(float(tok).is_integer() for tok in tokens[3:7]):
            return False
    return True


def _code_labels(codes: np.ndarray, names: dict[int, str] | None = None) -> np.ndarray:
    """Integer codes (float array with NaN) as text labels, through ``names`` where listed; NaN -> ``""``."""
    finite = np.isfinite(codes)
    values, inverse = np.unique(np.where(finite, codes, 0).astype(np.int64), return_inverse=True)
    labels = np.array([(names or {}).get(int(v), str(int(v))) for v in values] + [""], dtype=str)
    return labels[np.where(finite, inverse, len(values))]


def _camera_labels(camera_number: np.ndarray, camera_field: pd.Series) -> np.ndarray:
    """Camera name from ``camera_name/field``; rows without it take the name other rows give the same
    camera number, else the camera number as text."""
    codes, fields = pd.factorize(camera_field, use_na_sentinel=True)
    names = [str(field).strip().split("/", 1)[0] for field in fields]
    number = _code_labels(camera_number)
    labels = np.array([*names, ""], dtype=str)[codes]  # code -1 (no name column) picks ""
    unnamed = labels == ""
    if unnamed.any():
        named_numbers = dict(zip(number[~unnamed], labels[~unnamed], strict=True))
        for num in np.unique(number[unnamed]):
            labels[unnamed & (number == num)] = named_numbers.get(num, num)
    return labels


def read_dat2(
    path: str | Path, *, source_id: str | None = None, sentinels: Sequence[float] = DEFAULT_SENTINELS
) -> LightCurve:
    """Read an ASAS-SN ``.dat2`` light curve.

    Columns (whitespace separated, no header): JD - 2450000, mag, mag error, good flag (1 good),
    camera number, band (0 g, 1 V), saturated (0/1) and ``camera_name/field`` (optional).

    Parameters
    ----------
    path : str or Path
        The ``.dat2`` file.
    source_id : str, optional
        Source identifier; default the file stem (the ASAS-SN id in survey trees).
    sentinels : sequence of float
        Magnitude/error values meaning "no measurement" (default 99.99, 99.999, -99): NaN, counted in
        ``meta["n_upper_limits"]`` (sentinel error) and ``meta["n_no_photometry"]`` (sentinel magnitude).

    Returns
    -------
    LightCurve
        Time is full JD (``meta["time_offset"] = 2450000``); flux derived on zero point 22;
        ``good`` is the file's good flag, ``saturated`` its saturation flag; ``camera`` the camera
        name (or number when the name column is absent); ``band`` ``"g"``/``"V"``. Also read:
        gzip/bzip2/xz compression, UTF-8/UTF-16/latin-1 text and decimal commas (``meta["encoding"]``,
        ``meta["decimal"]``); ``meta["time_flag"]`` flags negative or implausible times.

    Raises
    ------
    LightCurveReadError
        For a missing, empty, binary or unparseable file, or one without a single valid point.
    """
    path = check_file(path)
    lines = data_lines(read_head_text(path))
    if not lines:
        raise LightCurveReadError(path, "empty", "no data lines (only blanks or comments)")
    decimal = sniff_layout(path, lines, "text").decimal
    frame = parse_text_table(
        path,
        sep=WHITESPACE,
        header=False,
        names=DAT2_COLUMNS,
        dtypes={"camera_field": object},
        decimal=decimal,
    )
    time = numeric(frame, "jd") + DAT2_TIME_OFFSET
    mag, mag_err, sentinel_counts = mask_sentinels(
        numeric(frame, "mag"), numeric(frame, "mag_err"), sentinels
    )
    require_valid_points(path, time, mag)
    camera_number = numeric(frame, "camera_number")
    band = _code_labels(numeric(frame, "band"), DAT2_BANDS)
    return make_lightcurve(
        time,
        mag=mag,
        mag_err=mag_err,
        camera=_camera_labels(camera_number, frame["camera_field"]),
        band=band,
        good=numeric(frame, "good") == 1,
        saturated=numeric(frame, "saturated") == 1,
        zero_point=DAT2_ZERO_POINT,
        meta={
            "source_id": source_id if source_id is not None else data_stem(path),
            "path": str(path),
            "format": "dat2",
            "time_offset": DAT2_TIME_OFFSET,
            "time_frame": "JD",
            "time_flag": time_flag(time),
            "encoding": frame.attrs["encoding"],
            "decimal": decimal,
            **sentinel_counts,
            "ra": np.nan,
            "dec": np.nan,
        },
    )
