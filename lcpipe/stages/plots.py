"""The plots stage of one bin: PNGs of every candidate into ``results/<bin>/plots/`` plus an index table.

Per candidate (a row of the vetted or candidates table): the dip-branch light curve
(``<source_id>_lightcurve.png``) when it passes the dip or jump family, and the microlensing summary
and anomaly zoom (``<source_id>_pspl-summary.png``, ``<source_id>_anomaly-zoom.png``) when it passes
the microlensing family. Everything drawn comes from stored results: the dip stage's per-point curves
(``shards/dip_curves_<k>.parquet``, :mod:`lcpipe.stages.dip_curves`), the PSPL and scan columns of the
row and the bin's ``anomaly_clusters`` table (:mod:`lcpipe.plots.microlensing`); only the light curve
itself is read (:func:`light_curve`). Candidates are plotted strongest first, at most
``plots.max_candidates`` per bin, on figures set up once per layout.

The index ``plots.parquet`` has one row per candidate: its files and a ``status`` (``ok``, a light-curve
read status, ``no_dip_curves`` when the dip stage stored no curves for it, ``bad_stored_data`` when the
stored results do not fit the light curve, or ``error``), with the message in ``error``, so a plot that
cannot be made is visible in the bin's failures instead of stopping the bin.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.dips.events import DipOptions, clean_points
from lcpipe.io import load_clean
from lcpipe.io.packed import PackedEntry, packed_light_curve, read_packed_files
from lcpipe.lightcurve import LightCurve
from lcpipe.plots.canvas import FigureCache
from lcpipe.plots.dips import plot_data, save_dip_plot
from lcpipe.plots.microlensing import stored_search
from lcpipe.stages.dip_curves import read_dip_curves
from lcpipe.stages.dips import DIPS_SECTION
from lcpipe.stages.microlensing import ANOMALY_SECTION
from lcpipe.stages.microlensing_plots import save_microlensing_plots
from lcpipe.stages.provenance import stage_provenance
from lcpipe.stages.runner import run_per_source
from lcpipe.tables import read_table, write_table

logger = logging.getLogger(__name__)

#: File suffix of the dip-branch plot.
LIGHTCURVE = "lightcurve"


@dataclass(frozen=True)
class PlotOptions:
    """Settings of the plots stage (config section ``plots``).

    Attributes
    ----------
    dpi : int
        PNG resolution.
    max_candidates : int
        At most this many candidates per bin are plotted, strongest first (see :func:`strength`).
    """

    dpi: int = 110
    max_candidates: int = 200


@dataclass(frozen=True)
class PlotContext:
    """What every candidate's plots need: options and the stored results of the bin.

    Attributes
    ----------
    out_dir : Path
        Folder of the PNGs.
    read, cleaning : mapping
        Reader and cleaning options the detection stages ran with.
    dips : DipOptions
        The dip stage's options (which points it used).
    half_width : float
        The scan's window half width (units of ``teff``).
    own_flux_min_points : int
        The PSPL option of that name.
    dpi : int
    curves : dict
        ``source_id`` to its stored dip curves (:func:`lcpipe.stages.dip_curves.read_dip_curves`).
    clusters : dict
        ``source_id`` to its rows of the bin's ``anomaly_clusters`` table.
    figures : FigureCache
        The figures every plot is drawn on (one per layout, set up once).
    """

    out_dir: Path
    read: Mapping[str, Any]
    cleaning: Mapping[str, Any]
    dips: DipOptions
    half_width: float
    own_flux_min_points: int
    dpi: int
    curves: Mapping[str, Mapping[str, np.ndarray]]
    clusters: Mapping[str, pd.DataFrame]
    figures: FigureCache
    packed: Mapping[str, PackedEntry] | None = None  # the bin's packed light curves by source id


def strength(table: pd.DataFrame) -> pd.Series:
    """Ranking of candidates: the largest of the dip and jump log Bayes factors and PSPL Δχ²/2.

    Δχ²/2 is the log-likelihood ratio of the PSPL fit over a constant, on the same natural-log scale
    as the Bayes factors. Missing values count as minus infinity.
    """
    columns = [
        pd.to_numeric(table.get(name, pd.Series(np.nan, index=table.index)), errors="coerce").astype(float)
        * scale
        for name, scale in (("dip_log_bf", 1.0), ("jump_log_bf", 1.0), ("pspl_dchi2_const", 0.5))
    ]
    return pd.concat(columns, axis=1).max(axis=1).fillna(-np.inf)


def planned(table: pd.DataFrame, max_candidates: int) -> pd.DataFrame:
    """The candidates to plot: the ``max_candidates`` strongest (:func:`strength`), strongest first
    (ties in table order)."""
    order = strength(table).sort_values(ascending=False, kind="stable").index
    return table.loc[order[:max_candidates]]


def _flag(row: Mapping[str, Any], name: str) -> bool:
    value = row.get(name, False)
    return isinstance(value, bool | np.bool_) and bool(value)


def title_of(row: Mapping[str, Any]) -> str:
    """Figure title: source, bin, candidate type and known-variable match when vetted."""
    parts = [f"{row['source_id']}", f"bin {row.get('mag_bin', '?')}", str(row.get("candidate_type") or "")]
    if _flag(row, "known_variable"):
        parts.append(f"known variable ({row.get('vsx_class') or row.get('simbad_otype') or '?'})")
    return "  |  ".join(p for p in parts if p)


#: Prefix of the scan stage's columns in the joined tables (:mod:`lcpipe.stages.join`).
SCAN_PREFIX = "anomaly_"


def scan_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A joined-table row with the scan stage's columns under their own names (``anomaly_best_t0`` as
    ``best_t0``, ``anomaly_status`` as ``status``), as :func:`lcpipe.plots.microlensing.stored_search`
    reads them next to the ``pspl_*`` columns."""
    scan = {name[len(SCAN_PREFIX) :]: value for name, value in row.items() if name.startswith(SCAN_PREFIX)}
    return {**row, **scan}


def light_curve(row: Mapping[str, Any], context: PlotContext) -> tuple[LightCurve | None, str]:
    """The candidate's cleaned light curve and its read status (the one read of the plots stage): from the
    bin's packed shards when the stage has them, else from its raw file."""
    if context.packed is not None:
        return packed_light_curve(context.packed, row["source_id"])
    lc, status, _ = load_clean(row["path"], read_options=context.read, cleaning=context.cleaning)
    return lc, status


def plot_candidate(row: Mapping[str, Any], context: PlotContext) -> dict[str, Any]:
    """Write the plots of one candidate from stored results (:func:`plot_light_curve`); a light curve
    that cannot be read gives its read status.

    Returns
    -------
    dict
        ``candidate_type``, ``files`` (comma-separated file names), ``n_plots``, ``status`` and, for a
        status other than ``ok``, ``error``.
    """
    lc, status = light_curve(row, context)
    if lc is None or status != "ok":
        out = {"mag_bin": row.get("mag_bin"), "candidate_type": row.get("candidate_type", "")}
        return {**out, "files": "", "n_plots": 0, "status": status}
    return plot_light_curve(row, lc, context)


def plot_light_curve(row: Mapping[str, Any], lc: LightCurve, context: PlotContext) -> dict[str, Any]:
    """Write the plots of one candidate whose light curve ``lc`` is read; missing or mismatched stored
    data gives a status (the other family's plots are still made). Returns what :func:`plot_candidate`
    does."""
    out = {"mag_bin": row.get("mag_bin"), "candidate_type": row.get("candidate_type", "")}
    source_id = str(row["source_id"])
    stem = context.out_dir / source_id
    title = title_of(row)
    files: list[Path] = []
    problems: list[tuple[str, str]] = []
    if _flag(row, "family_dip") or _flag(row, "family_jump"):
        curves = context.curves.get(source_id)
        if curves is None:
            problems.append(("no_dip_curves", "the dip stage stored no curves for this source"))
        else:
            try:
                data = plot_data(clean_points(lc, context.dips), curves)
            except ValueError as exc:
                problems.append(("bad_stored_data", f"dip curves: {exc}"))
            else:
                path = stem.with_name(f"{stem.name}_{LIGHTCURVE}.png")
                files.append(save_dip_plot(data, title, path, context.dpi, context.figures))
    if _flag(row, "family_microlensing"):
        try:
            search = stored_search(
                lc,
                scan_row(row),
                context.clusters.get(source_id),
                context.half_width,
                context.own_flux_min_points,
            )
        except ValueError as exc:
            problems.append(("bad_stored_data", f"microlensing: {exc}"))
        else:
            files += save_microlensing_plots(search, stem, title, context.dpi, context.figures)
    result = {**out, "files": ",".join(p.name for p in files), "n_plots": len(files)}
    if problems:
        return {**result, "status": problems[0][0], "error": "; ".join(message for _, message in problems)}
    return {**result, "status": "ok"}


def _clusters_by_source(path: str | Path | None, source_ids: Iterable[str]) -> dict[str, pd.DataFrame]:
    """The rows of the bin's ``anomaly_clusters`` table of each of ``source_ids`` (none without a file)."""
    if path is None:
        return {}
    table = read_table(path)
    if table.empty or "source_id" not in table:
        return {}
    table = table[table["source_id"].astype(str).isin({str(s) for s in source_ids})]
    return {str(k): group.reset_index(drop=True) for k, group in table.groupby("source_id", sort=False)}


def write_bin_plots(
    table_path: str | Path,
    out_dir: str | Path,
    index_path: str | Path,
    *,
    plots: Mapping[str, Any],
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
    dips: Mapping[str, Any],
    pspl: Mapping[str, Any],
    anomaly: Mapping[str, Any],
    light_curves: Sequence[str | Path] | None = None,
    dip_curves: Iterable[str | Path] = (),
    clusters: str | Path | None = None,
) -> pd.DataFrame:
    """Plot the strongest candidates of one bin from stored results.

    Parameters
    ----------
    table_path : path-like
        ``vetted.parquet`` (or ``candidates.parquet``): the filter's ``family_*`` columns decide the plots.
    out_dir : path-like
        Folder of the PNGs (created; may end up empty when the bin has no candidates).
    index_path : path-like
        ``plots.parquet``: one row per planned candidate with its files and status.
    plots : mapping
        The ``plots`` config section (:class:`PlotOptions` fields).
    read, cleaning, dips, pspl, anomaly : mapping
        The config sections the detection stages ran with.
    light_curves : sequence of path-like, optional
        The bin's packed light curves (``shards/lightcurves_<k>.parquet``); each candidate's file is read
        when None.
    dip_curves : iterable of path-like
        The bin's ``shards/dip_curves_<k>.parquet`` files.
    clusters : path-like, optional
        The bin's ``anomaly_clusters.parquet``.

    Returns
    -------
    DataFrame
        The index table.
    """
    options = PlotOptions(**plots)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    finder = ANOMALY_SECTION.build(anomaly, pspl=pspl)
    table = read_table(table_path)
    chosen = planned(table, options.max_candidates)
    if len(chosen) < len(table):
        logger.info("plots: %d of %d candidates (max_candidates)", len(chosen), len(table))
    dip_curves = list(dip_curves)
    source_ids = chosen["source_id"].astype(str).tolist() if len(chosen) else []
    context = PlotContext(
        out_dir,
        read,
        cleaning,
        DIPS_SECTION.build(dips),
        float(finder.scan.window_half_width),
        int(finder.pspl.own_flux_min_points),
        options.dpi,
        read_dip_curves(dip_curves, source_ids),
        _clusters_by_source(clusters, source_ids),
        FigureCache(),
        None if light_curves is None else read_packed_files(light_curves, source_ids),
    )
    rows = chosen.to_dict("records")
    index = run_per_source(rows, lambda row: plot_candidate(row, context), stage="plots", total=len(rows))
    for column, empty in (("files", ""), ("n_plots", 0)):
        if column not in index:
            index[column] = pd.Series(empty, index=index.index, dtype=object if column == "files" else int)
    inputs = [table_path, *dip_curves, *([clusters] if clusters is not None else [])]
    provenance = stage_provenance("plots", {"plots": dict(plots)}, inputs)
    write_table(index, index_path, provenance)
    logger.info("plots: %d files for %d candidates", int(index["n_plots"].fillna(0).sum()), len(index))
    return index
