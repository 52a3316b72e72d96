"""Dip/jump search of one light-curve file: read, clean, detect, one row whatever the file holds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from lcpipe.dips.events import DipOptions, detect_events
from lcpipe.io.load import load_clean_with_reason
from lcpipe.lightcurve import make_lightcurve


def source_id_from_name(path: str | Path) -> str:
    """Source id of a file named after its source: the leading digits of the name (ASAS-SN ids), else the
    name up to its first dot."""
    name = Path(path).name
    match = re.match(r"\d+", name)
    return match.group(0) if match else name.split(".")[0]


def detect_file(path: str | Path, options: DipOptions) -> dict[str, Any]:
    """Detection row of one file (:func:`~lcpipe.dips.events.detect_events` columns plus ``path``).

    A file that cannot be read gives a row with every column defined, ``status`` the read status
    (``missing_file``, ``unreadable`` ...) and ``reason`` its specific cause: bad data never raises.
    """
    path = Path(path)
    lc, status, _, reason = load_clean_with_reason(path)
    if lc is None:
        empty = make_lightcurve(np.empty(0), mag=np.empty(0), mag_err=np.empty(0))
        row = detect_events(empty, options) | {"source_id": source_id_from_name(path), "status": status}
    else:
        row = detect_events(lc, options)
        row["source_id"] = row["source_id"] or source_id_from_name(path)
    row["reason"] = reason
    row["path"] = str(path)
    return row
