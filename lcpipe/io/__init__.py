"""Light-curve input: readers for ASAS-SN ``.dat2``, SkyPatrol CSV and generic tables, plus cleaning.

``read_lightcurve`` picks the reader from the file (extension, then content) unless ``format`` forces
one; every failure is a :class:`LightCurveReadError` with a ``status``. ``load_clean`` reads and cleans
without raising, for pipeline stages.
"""

from __future__ import annotations

from lcpipe.io.dat2 import read_dat2
from lcpipe.io.errors import READ_STATUSES, LightCurveReadError
from lcpipe.io.read import FORMATS, detect_format, read_lightcurve
from lcpipe.io.skypatrol import read_skypatrol

__all__ = [
    "FORMATS",
    "READ_STATUSES",
    "LightCurveReadError",
    "detect_format",
    "read_dat2",
    "read_lightcurve",
    "read_skypatrol",
]
