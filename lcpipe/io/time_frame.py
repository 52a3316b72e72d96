"""Time frame (HJD, BJD, JD, MJD) and offset of a light curve's time column.

Microlensing photometry comes with full Julian dates (2453592.6), with ``HJD - 2450000`` ("HJD'",
3592.6) or with modified dates, and says so in a header, a column name, or not at all. Readers record
what they found in ``meta["time_frame"]`` (one of :data:`TIME_FRAMES`) and ``meta["time_offset"]``
(days added to the file's column so that ``LightCurve.time`` is a full date), so that several files of
one event can be put on one time axis.
"""

from __future__ import annotations

import re

import numpy as np

#: Time frames a reader can record; ``unknown`` when neither header nor column name says.
TIME_FRAMES = ("HJD", "BJD", "JD", "MJD", "unknown")

#: Offset of the "reduced" dates of microlensing papers and files (HJD' = HJD - 2450000).
REDUCED_OFFSET = 2450000.0

#: Offset of modified Julian dates (MJD = JD - 2400000.5).
MJD_OFFSET = 2400000.5

_FRAME_WORDS = (("BJD", "BJD"), ("HJD", "HJD"), ("MJD", "MJD"), ("JD", "JD"))


def frame_from_text(text: str) -> str:
    """Time frame named in ``text`` (a column name, a header keyword value), else ``"unknown"``.

    ``"HJD-2450000"``, ``"hjd"``, ``"BJD_TDB"`` give HJD, HJD, BJD; ``"JD"`` gives JD; ``"MJD"`` MJD.
    """
    upper = text.upper()
    for word, frame in _FRAME_WORDS:
        if re.search(rf"(?<![A-Z]){word}", upper):
            return frame
    return "unknown"


def offset_from_text(text: str) -> float | None:
    """Offset written in a column name or header value (``"HJD-2450000"`` gives 2450000), else None."""
    match = re.search(r"-\s*(24\d{5}(?:\.\d+)?)", text)
    return float(match.group(1)) if match else None


def infer_offset(time: np.ndarray, frame: str = "unknown") -> float:
    """Days to add to a time column so that it becomes a full Julian-type date.

    Parameters
    ----------
    time : ndarray, shape (N,)
        The file's time column (days; non-finite values are ignored).
    frame : str
        Frame already known (``"MJD"`` adds 2400000.5 to small values).

    Returns
    -------
    float
        0 for full dates (median above 2,400,000), :data:`MJD_OFFSET` for MJD-sized values
        (40,000–100,000) or when ``frame == "MJD"``, :data:`REDUCED_OFFSET` for ``HJD - 2450000``-sized
        values (−10,000 to 40,000: 1968 to 2060), 0 otherwise (e.g. the days of a simulation).
    """
    finite = np.asarray(time, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return 0.0
    median = float(np.median(finite))
    if median > 2.4e6:
        return 0.0
    if frame == "MJD" or 4.0e4 <= median < 1.0e5:
        return MJD_OFFSET
    if -1.0e4 <= median < 4.0e4:
        return REDUCED_OFFSET
    return 0.0
