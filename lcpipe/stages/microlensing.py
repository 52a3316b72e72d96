"""Microlensing stages: PSPL fit of every tagged source, anomaly scan of the significant events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.microlensing.photometry import mags_to_fit_flux
from lcpipe.microlensing.pspl import PSPLFit, PSPLOptions, fit_pspl
from lcpipe.stages.light_curves import dominant_band, load_row
from lcpipe.stages.runner import run_shard
from lcpipe.stages.shard_io import passthrough


@dataclass(frozen=True)
class EventSelection:
    """Which PSPL fits count as significant events worth an anomaly scan.

    Attributes
    ----------
    min_dchi2 : float
        Minimum chi-square improvement of the PSPL fit over a constant.
    min_tE, max_tE : float
        Accepted Einstein timescales (days).
    max_u0 : float
        Largest accepted impact parameter (low-magnification fits of noise wander to large u0).
    min_points_near_peak : int
        Minimum points within ``|t - t0| < tE`` (the event must be sampled, not inferred in a gap).
    """

    min_dchi2: float = 300.0
    min_tE: float = 1.0
    max_tE: float = 500.0
    max_u0: float = 1.5
    min_points_near_peak: int = 10

    def is_event(self, fit: PSPLFit) -> tuple[bool, int]:
        """Whether ``fit`` passes, and the number of points within ``|t - t0| < tE``."""
        if not fit.ok:
            return False, 0
        near = int(np.count_nonzero(np.abs(fit.time - fit.t0) < fit.tE))
        passed = (
            fit.dchi2_const >= self.min_dchi2
            and self.min_tE <= fit.tE <= self.max_tE
            and fit.u0 <= self.max_u0
            and near >= self.min_points_near_peak
            and not fit.at_bound
        )
        return bool(passed), near


def fit_source(
    row: Mapping[str, Any],
    *,
    options: PSPLOptions,
    selection: EventSelection,
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
) -> dict[str, Any]:
    """PSPL fit of one tagged source (its dominant band, magnitudes to flux on zero point 22).

    Returns
    -------
    dict
        Identity columns, ``pspl_band``, the fit's ``pspl_*`` columns, ``pspl_n_near_peak``,
        ``is_event`` and ``status`` (the read status, else the fit status).
    """
    out = passthrough(row)
    lc, status = load_row(row, read, cleaning)
    if lc is None or status != "ok":
        return {**out, "is_event": False, "status": status}
    lc = dominant_band(lc)
    flux, flux_err = mags_to_fit_flux(lc.mag, lc.mag_err)
    fit = fit_pspl(lc.time, flux, flux_err, options=options)
    is_event, near = selection.is_event(fit)
    return {
        **out,
        "pspl_band": str(lc.band[0]) if len(lc) else "",
        **fit.to_row(),
        "pspl_n_near_peak": near,
        "is_event": is_event,
        "status": fit.status,
    }


def pspl_shard(
    tags: str | Path,
    shard: int,
    output: str | Path,
    *,
    pspl: Mapping[str, Any],
    events: Mapping[str, Any],
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
) -> pd.DataFrame:
    """Fit every source of one shard of the bin's tag table and write ``shards/pspl_<shard>.parquet``."""
    options, selection = PSPLOptions(**pspl), EventSelection(**events)
    func = partial(fit_source, options=options, selection=selection, read=read, cleaning=cleaning)
    settings = {
        "pspl": dict(pspl),
        "events": asdict(selection),
        "read": dict(read),
        "cleaning": dict(cleaning),
    }
    return run_shard(tags, shard, output, func, stage="pspl_fit", options=settings)
