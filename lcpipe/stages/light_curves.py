"""Loading the light curve of a stage row, shared by the per-source stages after tag.

The tag stage reads and cleans each raw file once and packs the shard's light curves
(``shards/lightcurves_<k>.parquet``, :mod:`lcpipe.io.packed`); the later stages look a row's light curve
up there by ``source_id``. Without a packed file (a command-line run on a table of paths) the row's raw
file is read and cleaned.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lcpipe.io import load_clean
from lcpipe.io.packed import PackedEntry, packed_light_curve
from lcpipe.lightcurve import LightCurve

#: Packed light curves of one or more shards, by source id.
Packed = Mapping[str, PackedEntry]


def load_row(
    row: Mapping[str, Any],
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
    packed: Packed | None = None,
) -> tuple[LightCurve | None, str]:
    """The cleaned light curve of a stage row (``source_id``, ``path``, ``status``); status ``ok`` or why not.

    Parameters
    ----------
    row : mapping
        A row of the tag table or of a later stage table.
    read, cleaning : mapping
        Reader and cleaning options (used when there is no packed light curve).
    packed : mapping, optional
        Packed light curves by source id (:func:`lcpipe.io.packed.read_packed_files`); the row's raw file
        is read and cleaned when None.

    Raises
    ------
    PackedFormatError
        When ``packed`` is given but lacks the row's source (the tables and the packed shard disagree).

    A row whose tag status is not ``ok`` is not read again: its status is passed on.
    """
    if row.get("status", "ok") != "ok":
        return None, str(row["status"])
    if packed is None:
        lc, status, _ = load_clean(row["path"], read_options=read, cleaning=cleaning)
        return lc, status
    return packed_light_curve(packed, row["source_id"])
