"""The time base of a light curve: its frame (JD, HJD, MJD, ...) and a flag for negative or odd times.

A reader knows a file's time frame from its format (``.dat2``: JD - 2450000; OGLE: HJD - 2450000) or
from the time column's name (``mjd``, ``hjd``, ``bjd``); :func:`time_frame_of` names it for
``meta["time_frame"]``. :func:`time_flag` checks the absolute times against the ranges real survey
data occupy, so that a wrong offset or a sign error is reported instead of passing silently.
"""

from __future__ import annotations

import numpy as np

#: Time frames recognised from a column name (lower case) -> ``meta["time_frame"]``.
FRAME_OF_COLUMN: dict[str, str] = {"jd": "JD", "hjd": "HJD", "bjd": "BJD", "mjd": "MJD", "bjd_tdb": "BJD_TDB"}

#: Plausible ranges of absolute times (days), each with the frame it implies: full JD of 1900-2100,
#: MJD of 1950-2100, and a reduced JD (JD - 2450000 or a relative time) of up to 20000 days.
PLAUSIBLE_TIMES: tuple[tuple[float, float, str], ...] = (
    (2415020.0, 2488070.0, "JD"),
    (33282.0, 88069.0, "MJD"),
    (0.0, 20000.0, "reduced"),
)

#: Values of ``meta["time_flag"]`` and what each means.
TIME_FLAGS: dict[str, str] = {
    "": "times look like a real JD, MJD or reduced JD",
    "negative_time": "some times are negative (a wrong offset or sign)",
    "implausible_time": "times fall outside every plausible JD/MJD/reduced range, or mix time bases",
    "no_time": "no finite time",
}


def time_frame_of(column: str | None, default: str = "") -> str:
    """Time frame implied by a time column name (``"mjd"`` -> ``"MJD"``), else ``default``."""
    if column is None:
        return default
    return FRAME_OF_COLUMN.get(str(column).strip().lower(), default)


def time_flag(time: np.ndarray) -> str:
    """Flag (a key of :data:`TIME_FLAGS`) for absolute times ``time`` (days, shape (N,))."""
    finite = time[np.isfinite(time)]
    if finite.size == 0:
        return "no_time"
    if finite.min() < 0:
        return "negative_time"
    lo, hi = float(finite.min()), float(finite.max())
    if not any(start <= lo and hi <= stop for start, stop, _ in PLAUSIBLE_TIMES):
        return "implausible_time"
    return ""
