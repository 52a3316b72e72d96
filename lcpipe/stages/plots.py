"""The plots stage of one bin: PNGs of every candidate into ``results/<bin>/plots/`` plus an index table.

Per candidate (a row of the vetted or candidates table): the dip-branch light curve
(``<source_id>_lightcurve.png``) when it passes the dip or jump family, and the microlensing summary
and anomaly zoom (``<source_id>_pspl-summary.png``, ``<source_id>_anomaly-zoom.png``) when it passes
the microlensing family. The index ``plots.parquet`` has one row per candidate: its files and a
``status`` (``ok``, a light-curve read status, or ``error`` with the message in ``error``), so a
plot that cannot be made is visible in the bin's failures instead of stopping the bin.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.dips.events import DipOptions
from lcpipe.io import load_clean
from lcpipe.io.packed import PackedEntry, packed_light_curve, read_packed_files
from lcpipe.microlensing.finder import FinderOptions
from lcpipe.plots.dips import dip_plot_data, save_dip_plot
from lcpipe.stages.dips import DIPS_SECTION
from lcpipe.stages.microlensing import ANOMALY_SECTION
from lcpipe.stages.microlensing_plots import rescan, save_microlensing_plots
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
    """What every candidate's plots need: options of the stages whose results they redraw."""

    out_dir: Path
    read: Mapping[str, Any]
    cleaning: Mapping[str, Any]
    dips: DipOptions
    finder: FinderOptions
    dpi: int
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


def _flag(row: Mapping[str, Any], name: str) -> bool:
    value = row.get(name, False)
    return isinstance(value, bool | np.bool_) and bool(value)


def title_of(row: Mapping[str, Any]) -> str:
    """Figure title: source, bin, candidate type and known-variable match when vetted."""
    parts = [f"{row['source_id']}", f"bin {row.get('mag_bin', '?')}", str(row.get("candidate_type") or "")]
    if _flag(row, "known_variable"):
        parts.append(f"known variable ({row.get('vsx_class') or row.get('simbad_otype') or '?'})")
    return "  |  ".join(p for p in parts if p)


def plot_candidate(row: Mapping[str, Any], context: PlotContext) -> dict[str, Any]:
    """Write the plots of one candidate; a light curve that cannot be read gives its read status.

    Returns
    -------
    dict
        ``candidate_type``, ``files`` (comma-separated file names), ``n_plots`` and ``status``.
    """
    out = {"mag_bin": row.get("mag_bin"), "candidate_type": row.get("candidate_type", "")}
    if context.packed is None:
        lc, status, _ = load_clean(row["path"], read_options=context.read, cleaning=context.cleaning)
    else:
        lc, status = packed_light_curve(context.packed, row["source_id"])
    if lc is None or status != "ok":
        return {**out, "files": "", "n_plots": 0, "status": status}
    stem = context.out_dir / str(row["source_id"])
    title = title_of(row)
    files: list[Path] = []
    if _flag(row, "family_dip") or _flag(row, "family_jump"):
        data = dip_plot_data(lc, row, context.dips)
        files.append(save_dip_plot(data, title, stem.with_name(f"{stem.name}_{LIGHTCURVE}.png"), context.dpi))
    if _flag(row, "family_microlensing"):
        files += save_microlensing_plots(rescan(lc, row, context.finder), stem, title, context.dpi)
    return {**out, "files": ",".join(p.name for p in files), "n_plots": len(files), "status": "ok"}


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
) -> pd.DataFrame:
    """Plot every candidate of one bin.

    Parameters
    ----------
    table_path : path-like
        ``vetted.parquet`` (or ``candidates.parquet``): the filter's ``family_*`` columns decide the plots.
    out_dir : path-like
        Folder of the PNGs (created; may end up empty when the bin has no candidates).
    index_path : path-like
        ``plots.parquet``: one row per candidate with its files and status.
    plots : mapping
        The ``plots`` config section (:class:`PlotOptions` fields).
    read, cleaning, dips, pspl, anomaly : mapping
        The config sections the detection stages ran with.
    light_curves : sequence of path-like, optional
        The bin's packed light curves (``shards/lightcurves_<k>.parquet``); each candidate's file is read
        when None.

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
    order = strength(table).sort_values(ascending=False, kind="stable").index
    chosen = table.loc[order[: options.max_candidates]]
    wanted = chosen["source_id"].astype(str)
    packed = None if light_curves is None else read_packed_files(light_curves, wanted)
    context = PlotContext(out_dir, read, cleaning, DIPS_SECTION.build(dips), finder, options.dpi, packed)
    if len(chosen) < len(table):
        logger.info("plots: %d of %d candidates (max_candidates)", len(chosen), len(table))
    rows = chosen.to_dict("records")
    index = run_per_source(rows, lambda row: plot_candidate(row, context), stage="plots", total=len(rows))
    for column, empty in (("files", ""), ("n_plots", 0)):
        if column not in index:
            index[column] = pd.Series(empty, index=index.index, dtype=object if column == "files" else int)
    provenance = stage_provenance("plots", {"plots": dict(plots)}, [table_path])
    write_table(index, index_path, provenance)
    logger.info("plots: %d files for %d candidates", int(index["n_plots"].fillna(0).sum()), len(index))
    return index
