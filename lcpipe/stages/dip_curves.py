"""The dip stage's second output, ``shards/dip_curves_<shard>.parquet``: per-point curves for the plots.

One row per source whose search has something to plot (:func:`lcpipe.plots.dip_curves.wants_curves`),
``source_id`` plus one Parquet list column per :data:`lcpipe.plots.dip_curves.CURVE_NAMES` entry
(:func:`lcpipe.plots.dip_curves.dip_curves` says what each holds). The plots stage reads them
(:func:`read_dip_curves`) instead of refitting the baseline.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from lcpipe.dips.events import DipOptions
from lcpipe.lightcurve import LightCurve
from lcpipe.plots.dip_curves import CURVE_NAMES, dip_curves, wants_curves
from lcpipe.tables import write_table

logger = logging.getLogger(__name__)


def collect_curves(
    curves: list[dict[str, Any]],
    source_id: str,
    lc: LightCurve,
    row: Mapping[str, Any],
    options: DipOptions,
) -> None:
    """Append :func:`~lcpipe.plots.dip_curves.dip_curves` of ``lc`` to ``curves``, under the stage
    table's ``source_id``, when its dip-stage ``row`` has something to plot.

    A numerical failure is logged and the source left out (its plot then says so); the dip row itself
    is never changed by it.
    """
    if not wants_curves(row):
        return
    try:
        curves.append({**dip_curves(lc, row, options), "source_id": str(source_id)})
    except (np.linalg.LinAlgError, ValueError) as exc:
        logger.warning("dip curves of %s not stored: %s", source_id, exc)


def curves_table(records: Sequence[Mapping[str, Any]]) -> pa.Table:
    """The dip-curves table of ``records`` (one row per source, typed list columns, also when empty)."""
    data = {"source_id": pa.array([str(r["source_id"]) for r in records], pa.string())}
    for name, boolean in CURVE_NAMES.items():
        kind = pa.list_(pa.bool_() if boolean else pa.float64())
        data[name] = pa.array([np.asarray(r[name]).tolist() for r in records], kind)
    return pa.table(data)


def write_dip_curves(
    records: Sequence[Mapping[str, Any]], path: str | Path, provenance: Mapping[str, Any]
) -> Path:
    """Write :func:`curves_table` of ``records`` to ``path`` atomically, with ``provenance``."""
    return write_table(curves_table(records).to_pandas(), path, provenance)


def read_dip_curves(
    paths: Iterable[str | Path], source_ids: Iterable[str]
) -> dict[str, dict[str, np.ndarray]]:
    """The stored curves of ``source_ids`` from the shard files ``paths``.

    Returns
    -------
    dict
        ``source_id`` to a dict of :data:`~lcpipe.plots.dip_curves.CURVE_NAMES` entries as ndarrays;
        sources without stored curves are absent.

    Raises
    ------
    ValueError
        When a file lacks a curve column (names the file and the columns).
    """
    wanted = {str(s) for s in source_ids}
    out: dict[str, dict[str, np.ndarray]] = {}
    for path in paths:
        table = pq.read_table(path)
        missing = [c for c in ("source_id", *CURVE_NAMES) if c not in table.column_names]
        if missing:
            raise ValueError(f"{path}: not a dip-curves table, columns missing: {', '.join(missing)}")
        frame = pd.DataFrame({"source_id": table.column("source_id").to_pylist()})
        keep = np.flatnonzero(frame["source_id"].astype(str).isin(wanted).to_numpy())
        if not keep.size:
            continue
        rows = table.take(pa.array(keep))
        for k, source_id in enumerate(rows.column("source_id").to_pylist()):
            out[str(source_id)] = {
                name: np.asarray(rows.column(name)[k].as_py(), bool if boolean else float)
                for name, boolean in CURVE_NAMES.items()
            }
    return out
