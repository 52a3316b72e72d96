"""Light-curve input: readers for ASAS-SN ``.dat2``, SkyPatrol CSV and generic tables, plus cleaning.

``read_lightcurve`` picks the reader from the file (extension, then content) unless ``format`` forces
one; every failure is a :class:`LightCurveReadError` with a ``status``. ``clean_lightcurve`` applies
explicit, counted cleaning rules; ``load_clean`` does both without raising, for pipeline stages;
``summarize_lightcurve`` gives the headline numbers.

May import lcpipe.lightcurve only (the layer below); everything else in lcpipe may import it.
"""

from __future__ import annotations

from lcpipe.io.cleaning import CLEANING_RULES, CleaningOptions, CleaningReport, clean_lightcurve
from lcpipe.io.dat2 import read_dat2
from lcpipe.io.errors import READ_STATUSES, LightCurveReadError
from lcpipe.io.generic import read_table_lightcurve
from lcpipe.io.load import load_clean
from lcpipe.io.read import FORMATS, detect_format, read_lightcurve
from lcpipe.io.skypatrol import read_skypatrol
from lcpipe.io.summary import summarize_lightcurve

__all__ = [
    "CLEANING_RULES",
    "FORMATS",
    "READ_STATUSES",
    "CleaningOptions",
    "CleaningReport",
    "LightCurveReadError",
    "clean_lightcurve",
    "detect_format",
    "load_clean",
    "read_dat2",
    "read_lightcurve",
    "read_skypatrol",
    "read_table_lightcurve",
    "summarize_lightcurve",
]
