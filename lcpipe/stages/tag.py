"""Tag stage: per-source statistics and cut flags, one row per manifest source (nothing is dropped)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.io import summarize_lightcurve
from lcpipe.io.packed import PackedEntry, PackedFormatError, load_packed_entry, write_packed
from lcpipe.options import Section
from lcpipe.stages.light_curves import Packed
from lcpipe.stages.provenance import stage_provenance
from lcpipe.stages.runner import light_curve_options, run_light_curve_shard
from lcpipe.stages.shard_io import passthrough
from lcpipe.vetting.vsx import match_vsx, read_vsx_catalog


@dataclass(frozen=True)
class TagOptions:
    """Cuts of the tag stage (a failed cut sets a ``failed_*`` flag; the row stays).

    Attributes
    ----------
    min_span_days : float
        Minimum time span of the cleaned light curve (days).
    min_points_per_day : float
        Minimum mean cadence (cleaned points per day of span).
    min_cameras : int
        Minimum number of cameras among the cleaned points.
    known_variables : str or None
        Optional VSX-style catalog (CSV: name, ra, dec, class, period) to tag known variables.
    match_radius_arcsec : float
        Radius of that crossmatch (arcsec).
    """

    min_span_days: float = 100.0
    min_points_per_day: float = 0.05
    min_cameras: int = 2
    known_variables: str | None = None
    match_radius_arcsec: float = 3.0


def tag_source(
    row: Mapping[str, Any],
    *,
    options: TagOptions,
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
    packed: Packed | None = None,
    store: list[PackedEntry] | None = None,
) -> dict[str, Any]:
    """Statistics and cut flags of one manifest row.

    The row's raw file is read and cleaned, unless ``packed`` (a folder survey's collection, which read
    every file once already) holds its light curve; what was loaded is appended to ``store`` (the
    shard's packed light curves) when given.

    Returns
    -------
    dict
        Identity columns, cleaning counts, ``n_points`` (cleaned), ``span_days``, ``points_per_day``,
        ``n_cameras``, ``n_bands``, ``n_V``, ``n_g``, ``median_mag``, ``robust_scatter_mag``,
        ``median_mag_err``, ``failed_span``, ``failed_cadence``, ``failed_cameras``, ``passed_tags``,
        ``status`` (the manifest's status when not ``ok``, else the reading status), ``reason`` (its
        specific cause: ``"mag_err: no mag_err column ..."``, the points each cleaning rule dropped)
        and ``time_flag`` (``negative_time``, ``implausible_time`` or ``""``).
    """
    out = passthrough(row)
    if row["status"] != "ok":
        return {**out, "status": row["status"], "reason": "", "passed_tags": False}
    entry = _entry(row, read, cleaning, packed)
    if store is not None:
        store.append(entry)
    lc, status, report, reason = entry.lc, entry.status, entry.report, entry.reason
    if report is not None:
        out.update(report.as_row())
    out["reason"] = reason
    out["time_flag"] = str(lc.meta.get("time_flag", "")) if lc is not None else ""
    if status != "ok":
        return {**out, "status": status, "passed_tags": False}
    summary = summarize_lightcurve(lc)
    bands = summary["bands"]
    out.update(
        n_points=summary["n_points"],
        t_min=summary["t_min"],
        t_max=summary["t_max"],
        span_days=summary["span_days"],
        points_per_day=summary["points_per_day"],
        n_cameras=summary["n_cameras"],
        n_bands=summary["n_bands"],
        n_V=int(bands.get("V", 0)),
        n_g=int(bands.get("g", 0)),
        median_mag=summary["median_mag"],
        robust_scatter_mag=summary["robust_scatter_mag"],
        median_mag_err=summary["median_mag_err"],
    )
    out["failed_span"] = not summary["span_days"] >= options.min_span_days
    out["failed_cadence"] = not summary["points_per_day"] >= options.min_points_per_day
    out["failed_cameras"] = summary["n_cameras"] < options.min_cameras
    out["passed_tags"] = not (out["failed_span"] or out["failed_cadence"] or out["failed_cameras"])
    return {**out, "status": "ok"}


def _entry(
    row: Mapping[str, Any], read: Mapping[str, Any], cleaning: Mapping[str, Any], packed: Packed | None
) -> PackedEntry:
    """The row's light curve as read and cleaned: from ``packed`` when given, else from its raw file."""
    if packed is None:
        return load_packed_entry(row["path"], row["source_id"], read_options=read, cleaning=cleaning)
    entry = packed.get(str(row["source_id"]))
    if entry is None:
        raise PackedFormatError(f"source {row['source_id']} is not in the collection's packed light curves")
    return entry


#: The ``tag`` config section.
TAG_SECTION = Section("tag", TagOptions)


def tag_shard(
    manifest: str | Path,
    shard: int,
    output: str | Path,
    *,
    tag: Mapping[str, Any],
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
    light_curves_output: str | Path | None = None,
    collected: str | Path | None = None,
    timings: str | Path | None = None,
) -> pd.DataFrame:
    """Tag every source of one shard and write ``shards/tags_<shard>.parquet``, and the shard's cleaned
    light curves packed in ``shards/lightcurves_<shard>.parquet`` (:mod:`lcpipe.io.packed`), which every
    later stage reads instead of the raw files.

    Parameters
    ----------
    manifest : path-like
        The bin's manifest.
    shard : int
        Shard number.
    output : path-like
        Destination Parquet file.
    tag, read, cleaning : mapping
        ``TagOptions`` fields, reader options and cleaning options from the config.
    light_curves_output : path-like, optional
        Where to pack the shard's light curves (not written when None).
    collected : path-like, optional
        The packed light curves of the shard that the collection of a folder survey wrote
        (``collection/<mag_bin>/lightcurves_<shard>.parquet``): taken instead of reading the raw files.
    timings : path-like, optional
        Where to write the seconds per source (not part of the stage table).
    """
    options = TAG_SECTION.build(tag)
    known = options.known_variables is not None
    store: list[PackedEntry] = []
    sections = {"tag": asdict(options)}
    table = run_light_curve_shard(
        manifest,
        shard,
        output,
        partial(tag_source, options=options, store=store),
        stage="tag",
        sections=sections,
        read=read,
        cleaning=cleaning,
        light_curves=collected,
        timings=timings,
        postprocess=partial(_add_known_variables, options=options) if known else None,
        extra_inputs=[options.known_variables] if known else (),
    )
    if light_curves_output is not None:
        options_read = light_curve_options({}, read, cleaning)
        inputs = [manifest, *([collected] if collected is not None else [])]
        write_packed(light_curves_output, store, stage_provenance("light_curves", options_read, inputs))
    return table


def _add_known_variables(table: pd.DataFrame, options: TagOptions) -> pd.DataFrame:
    """Attach the nearest known variable (``vsx_*`` columns, ``known_variable``)."""
    catalog = read_vsx_catalog(options.known_variables)
    ra = pd.to_numeric(table.get("ra", pd.Series(np.nan, index=table.index)), errors="coerce").to_numpy(float)
    dec = pd.to_numeric(table.get("dec", pd.Series(np.nan, index=table.index)), errors="coerce").to_numpy(
        float
    )
    matches = match_vsx(ra, dec, catalog, options.match_radius_arcsec)
    matches.index = table.index
    return pd.concat([table, matches.assign(known_variable=matches["vsx_status"] == "ok")], axis=1)
