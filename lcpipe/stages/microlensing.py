"""Microlensing stages: PSPL fit of every tagged source, anomaly scan of the significant events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.microlensing.event_selection import EventSelection
from lcpipe.microlensing.finder import FinderOptions, scan_fit
from lcpipe.microlensing.fit_input import fit_input
from lcpipe.microlensing.pspl import PSPLFit, PSPLOptions
from lcpipe.microlensing.pspl_quality import coordinates_of, fit_quality
from lcpipe.options import Section
from lcpipe.stages.light_curves import Packed, load_row
from lcpipe.stages.provenance import stage_provenance
from lcpipe.stages.runner import light_curve_options, run_light_curve_shard
from lcpipe.stages.shard_io import passthrough
from lcpipe.tables import write_table

#: The ``pspl`` and ``events`` config sections.
PSPL_SECTION = Section("pspl", PSPLOptions)
EVENTS_SECTION = Section("events", EventSelection)

#: The ``anomaly`` config section: :class:`FinderOptions` fields (its ``pspl`` options come from the ``pspl``
#: section) plus ``clusters_min_dchi2``, the best-cluster Δχ² from which a source's clusters go to the
#: bin's ``anomaly_clusters`` side table.
ANOMALY_SECTION = Section(
    "anomaly", FinderOptions, workflow_keys={"clusters_min_dchi2": 25.0}, from_sections={"pspl": "pspl"}
)


def fit_source(
    row: Mapping[str, Any],
    *,
    options: PSPLOptions,
    selection: EventSelection,
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
    packed: Packed | None = None,
) -> dict[str, Any]:
    """PSPL fit of one tagged source (see :func:`lcpipe.microlensing.fit_input.fit_input`: magnitudes as
    flux on zero point 22 in their dominant band, measured flux as it is).

    Returns
    -------
    dict
        Identity columns, ``pspl_band``, the fit's ``pspl_*`` columns, ``pspl_n_near_peak``,
        ``is_event``, the fit-quality columns of :func:`lcpipe.microlensing.pspl_quality.fit_quality`
        (errors; parallax and finite source of significant events, coordinates from the row's ``ra``,
        ``dec``) and ``status`` (the read status, else the fit status).
    """
    out = passthrough(row)
    fit, status, band = _fit(row, options, read, cleaning, packed)
    if fit is None:
        return {**out, "is_event": False, "status": status}
    is_event, near = selection.is_event(fit)
    coordinates = coordinates_of(row.get("ra"), row.get("dec"))
    quality = fit_quality(fit, options, significant=is_event, coordinates=coordinates)
    return {
        **out,
        "pspl_band": band,
        **fit.to_row(),
        "pspl_n_near_peak": near,
        "is_event": is_event,
        **{f"pspl_{name}": value for name, value in quality.items()},
        "status": fit.status,
    }


def _fit(
    row: Mapping[str, Any],
    options: PSPLOptions,
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
    packed: Packed | None = None,
    p0: tuple[float, float, float] | None = None,
) -> tuple[PSPLFit | None, str, str]:
    """Fit a row's light curve (packed, else read; see :func:`load_row`) through ``fit_input``: (fit or
    None, read status, band)."""
    lc, status = load_row(row, read, cleaning, packed)
    if lc is None or status != "ok":
        return None, status, ""
    data = fit_input(lc)
    return data.fit(options, p0=p0), status, data.band


def scan_source(
    row: Mapping[str, Any],
    *,
    options: FinderOptions,
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
    clusters: list[pd.DataFrame],
    min_dchi2_clusters: float,
    packed: Packed | None = None,
) -> dict[str, Any]:
    """Anomaly scan of one PSPL-table row; sources that are not significant events are not scanned.

    The light curve is refitted from the stored PSPL solution (a few LM steps) so the scan sees the
    exact residuals; the ``pspl_*`` columns stay in the PSPL table. Sources whose best cluster has
    ``dchi2 >= min_dchi2_clusters`` append their cluster table to ``clusters``.

    Returns
    -------
    dict
        Identity columns, the :meth:`AnomalyResult.to_row` columns without ``pspl_*`` and ``status``
        (``not_event``, the PSPL status, or the scan's status).
    """
    out = passthrough(row)
    if row["status"] != "ok":
        return {**out, "status": row["status"], "has_candidate": False}
    if not row["is_event"]:
        return {**out, "status": "not_event", "has_candidate": False}
    p0 = (float(row["pspl_t0"]), float(row["pspl_tE"]), float(row["pspl_u0"]))
    fit, status, _ = _fit(row, options.pspl, read, cleaning, packed, p0=p0)
    if fit is None:
        return {**out, "status": status, "has_candidate": False}
    result = scan_fit(fit, options=options)
    summary = {k: v for k, v in result.to_row().items() if not k.startswith("pspl_")}
    if np.isfinite(summary.get("best_dchi2", np.nan)) and summary["best_dchi2"] >= min_dchi2_clusters:
        clusters.append(
            result.clusters_frame().assign(source_id=row["source_id"], mag_bin=row.get("mag_bin"))
        )
    return {**out, **summary}


def anomaly_shard(
    pspl_table: str | Path,
    shard: int,
    output: str | Path,
    clusters_output: str | Path,
    *,
    anomaly: Mapping[str, Any],
    pspl: Mapping[str, Any],
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
    light_curves: str | Path | None = None,
    timings: str | Path | None = None,
) -> pd.DataFrame:
    """Scan the significant events of one shard; write the shard table and its clusters side file.

    Parameters
    ----------
    pspl_table : path-like
        The shard's PSPL table (``shards/pspl_<shard>.parquet``; a table of several shards is read for
        the rows of ``shard``).
    shard : int
        Shard number.
    output, clusters_output : path-like
        ``shards/anomaly_<shard>.parquet`` and ``shards/anomaly_clusters_<shard>.parquet``.
    anomaly : mapping
        The ``anomaly`` config section (:data:`ANOMALY_SECTION`).
    pspl, read, cleaning : mapping
        The PSPL, reader and cleaning options the PSPL stage used.
    light_curves : path-like, optional
        The shard's packed light curves (``shards/lightcurves_<shard>.parquet``); each row's raw file is
        read when None.
    timings : path-like, optional
        Where to write the seconds per source (scan and fit times; not part of the stage table).
    """
    options = ANOMALY_SECTION.build(anomaly, pspl=pspl)
    min_dchi2_clusters = float(ANOMALY_SECTION.workflow(anomaly)["clusters_min_dchi2"])
    clusters: list[pd.DataFrame] = []
    func = partial(scan_source, options=options, clusters=clusters, min_dchi2_clusters=min_dchi2_clusters)
    sections = {"anomaly": dict(anomaly), "pspl": dict(pspl)}
    table = run_light_curve_shard(
        pspl_table,
        shard,
        output,
        func,
        stage="anomaly_scan",
        sections=sections,
        read=read,
        cleaning=cleaning,
        light_curves=light_curves,
        timings=timings,
    )
    side = (
        pd.concat(clusters, ignore_index=True)
        if clusters
        else pd.DataFrame({"source_id": pd.Series(dtype=str)})
    )
    side_provenance = {
        **light_curve_options(sections, read, cleaning),
        "clusters_min_dchi2": min_dchi2_clusters,
    }
    inputs = [pspl_table, *([light_curves] if light_curves is not None else [])]
    write_table(side, clusters_output, stage_provenance("anomaly_clusters", side_provenance, inputs))
    return table


def pspl_shard(
    tags: str | Path,
    shard: int,
    output: str | Path,
    *,
    pspl: Mapping[str, Any],
    events: Mapping[str, Any],
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
    light_curves: str | Path | None = None,
    timings: str | Path | None = None,
) -> pd.DataFrame:
    """Fit every source of one shard of a tag table (``shards/tags_<shard>.parquet``) and write
    ``shards/pspl_<shard>.parquet`` (and the seconds per source to ``timings`` when given).

    The light curves come from the shard's packed file ``light_curves`` (written by the tag stage); each
    row's raw file is read when it is None."""
    options, selection = PSPL_SECTION.build(pspl), EVENTS_SECTION.build(events)
    func = partial(fit_source, options=options, selection=selection)
    sections = {"pspl": dict(pspl), "events": asdict(selection)}
    return run_light_curve_shard(
        tags,
        shard,
        output,
        func,
        stage="pspl_fit",
        sections=sections,
        read=read,
        cleaning=cleaning,
        light_curves=light_curves,
        timings=timings,
    )
