"""Recognising OGLE photometry: headerless ``HJD  I  error`` columns (EWS/OGLE-IV: also seeing and sky).

OGLE's files have no header, so :func:`looks_like_ogle` recognises them by content: whitespace
columns, 3 or 5 numbers per line, times that are HJD - 2450000 (OGLE-III/IV downloads) or full HJD
(the EWS ``phot.dat``), I-band magnitudes of 8-25 and errors below 2 mag. :func:`ogle_time_offset`
picks the offset that makes the times full HJD.
"""

from __future__ import annotations

#: Reduced times (HJD - 2450000) OGLE files hold: OGLE-II (1997) .. well past OGLE-IV today.
REDUCED_HJD = (500.0, 15000.0)

#: Full HJD of the same years.
FULL_HJD = (2450500.0, 2465000.0)

#: Offset added to reduced times.
OGLE_TIME_OFFSET = 2450000.0


def _numbers(line: str) -> list[float] | None:
    try:
        return [float(tok) for tok in line.split()]
    except ValueError:
        return None


def looks_like_ogle(lines: list[str]) -> bool:
    """True when the first data lines (non-blank, non-comment) read as OGLE photometry."""
    if not lines or any(sep in lines[0] for sep in (",", ";")):
        return False
    for line in lines[:5]:
        values = _numbers(line)
        if values is None or len(values) not in (3, 5):
            return False
        time, mag, err = values[:3]
        in_time = REDUCED_HJD[0] <= time <= REDUCED_HJD[1] or FULL_HJD[0] <= time <= FULL_HJD[1]
        if not (in_time and 8.0 <= mag <= 25.0 and 0.0 < err < 2.0):
            return False
    return True


def ogle_time_offset(lines: list[str]) -> float:
    """Days to add to the file's times: 2450000 for HJD - 2450000, 0 for full HJD."""
    values = _numbers(lines[0]) if lines else None
    return 0.0 if values and values[0] >= FULL_HJD[0] else OGLE_TIME_OFFSET
