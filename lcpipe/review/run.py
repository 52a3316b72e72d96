"""A finished run as the review app sees it: every candidate of every bin, and the options it ran with.

The candidates are the rows of ``results/<bin>/vetted.parquet``, one per source, with the bin's
``classified.parquet`` (light-curve features and rule-based classes), the plot files of
``plots.parquet`` and the review fingerprint (:func:`lcpipe.review.identity.fingerprint`) joined
on ``source_id``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lcpipe.io import load_clean
from lcpipe.lightcurve import LightCurve
from lcpipe.review.identity import fingerprint
from lcpipe.tables import read_provenance, read_table

#: The candidate table of a bin the app reads.
CANDIDATE_TABLE = "vetted.parquet"

#: Families of the filter, as ``family_<name>`` columns.
FAMILIES: tuple[str, ...] = ("microlensing", "dip", "jump")


class RunError(ValueError):
    """A results folder the review cannot use (missing, or no bin has candidates)."""


def run_bins(results_dir: str | Path) -> list[str]:
    """Bins of a results folder that have a candidate table, sorted."""
    root = Path(results_dir)
    if not root.is_dir():
        raise RunError(f"{root}: no such results folder")
    return sorted(p.parent.name for p in root.glob(f"*/{CANDIDATE_TABLE}"))


def _bin_candidates(root: Path, mag_bin: str) -> pd.DataFrame:
    folder = root / mag_bin
    table = read_table(folder / CANDIDATE_TABLE)
    table["source_id"] = table["source_id"].astype(str)
    table["mag_bin"] = mag_bin
    if (folder / "classified.parquet").is_file():
        classes = read_table(folder / "classified.parquet")
        classes["source_id"] = classes["source_id"].astype(str)
        keep = ["source_id", *(c for c in classes if c.startswith(("class_", "feat_")) and c not in table)]
        table = table.merge(classes[keep], on="source_id", how="left")
    plots = folder / "plots.parquet"
    files = read_table(plots, columns=["source_id", "files"]) if plots.is_file() else None
    if files is not None:
        files["source_id"] = files["source_id"].astype(str)
        table = table.merge(files.rename(columns={"files": "plot_files"}), on="source_id", how="left")
    table["plot_files"] = table.get("plot_files", pd.Series("", index=table.index)).fillna("")
    return table


def load_candidates(results_dir: str | Path, bins: Sequence[str] | None = None) -> pd.DataFrame:
    """Every candidate of the run (or of ``bins``), one row per source and bin.

    Returns
    -------
    DataFrame
        The vetted columns, ``mag_bin``, ``plot_files`` (comma-separated PNG names in
        ``<bin>/plots/``), the ``feat_*`` and ``class_*`` columns when classified, and ``fingerprint``.

    Raises
    ------
    RunError
        No bin of ``results_dir`` (among ``bins``) has a candidate table.
    """
    root = Path(results_dir)
    available = run_bins(root)
    chosen = [b for b in available if bins is None or b in set(bins)]
    if not chosen:
        wanted = f" among {', '.join(bins)}" if bins else ""
        raise RunError(f"{root}: no bin{wanted} has {CANDIDATE_TABLE} (is the run finished?)")
    frames = [_bin_candidates(root, b) for b in chosen]
    table = (
        pd.concat([f for f in frames if len(f)], ignore_index=True)
        if any(len(f) for f in frames)
        else frames[0]
    )
    table["fingerprint"] = fingerprint(table)
    return table.reset_index(drop=True)


@dataclass(frozen=True)
class StageOptions:
    """The options a bin's detection stages ran with (from its shard tables' provenance).

    Attributes
    ----------
    read, cleaning : dict
        Reader and cleaning options of the light curves.
    dips : dict
        The ``dips`` section.
    anomaly, pspl : dict
        The ``anomaly`` and ``pspl`` sections.
    """

    read: dict[str, Any]
    cleaning: dict[str, Any]
    dips: dict[str, Any]
    anomaly: dict[str, Any]
    pspl: dict[str, Any]


def _shard_options(folder: Path, stage: str) -> Mapping[str, Any]:
    for path in sorted((folder / "shards").glob(f"{stage}_*.parquet")):
        return read_provenance(path).get("options", {})
    return {}


def stage_options(results_dir: str | Path, mag_bin: str) -> StageOptions:
    """Options of a bin's dip and anomaly stages (defaults where the provenance has none)."""
    folder = Path(results_dir) / mag_bin
    dips = _shard_options(folder, "dips")
    anomaly = _shard_options(folder, "anomaly")
    return StageOptions(
        read=dict(dips.get("read") or anomaly.get("read") or {}),
        cleaning=dict(dips.get("cleaning") or anomaly.get("cleaning") or {}),
        dips=dict(dips.get("dips") or {}),
        anomaly=dict(anomaly.get("anomaly") or {}),
        pspl=dict(anomaly.get("pspl") or {}),
    )


def resolve_path(path: str | Path, results_dir: str | Path) -> Path:
    """A light-curve path of the run's tables: relative paths are relative to the workflow's folder (the
    results folder's parent) unless they exist from the current folder."""
    path = Path(path)
    if path.is_absolute() or path.exists():
        return path
    candidate = Path(results_dir).resolve().parent / path
    return candidate if candidate.exists() else path


def load_points(path: str | Path, options: StageOptions) -> tuple[LightCurve | None, str]:
    """The cleaned light curve of a candidate, as the pipeline's stages read it.

    The one place the app reads photometry: swap this function to read packed light curves.

    Returns
    -------
    lc : LightCurve or None
        None when the file cannot be read.
    status : str
        ``ok`` or the read/cleaning status.
    """
    lc, status, _ = load_clean(path, read_options=options.read, cleaning=options.cleaning)
    return lc, status
