"""Loading the light curve of a stage row, shared by the per-source stages after tag."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lcpipe.io import load_clean
from lcpipe.lightcurve import LightCurve


def load_row(
    row: Mapping[str, Any], read: Mapping[str, Any], cleaning: Mapping[str, Any]
) -> tuple[LightCurve | None, str]:
    """Read and clean the light curve of a tag-table row; status ``ok`` or why not.

    A row whose tag status is not ``ok`` is not read again: its status is passed on.
    """
    if row.get("status", "ok") != "ok":
        return None, str(row["status"])
    lc, status, _ = load_clean(row["path"], read_options=read, cleaning=cleaning)
    return lc, status
