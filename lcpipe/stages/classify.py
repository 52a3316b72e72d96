"""The classify stage of one bin: vetted.parquet → classified.parquet (features, class scores, class)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from lcpipe.classify.features import FEATURE_COLUMNS, FeatureOptions, lightcurve_features
from lcpipe.classify.rules import ClassifyOptions, class_scores, final_class
from lcpipe.io import load_clean
from lcpipe.io.packed import PackedEntry, packed_light_curve, read_packed_files
from lcpipe.stages.provenance import stage_provenance
from lcpipe.stages.runner import run_per_source
from lcpipe.tables import read_table, write_table

logger = logging.getLogger(__name__)


def source_features(
    row: Mapping[str, Any],
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
    options: FeatureOptions,
    packed: Mapping[str, PackedEntry] | None = None,
) -> dict[str, Any]:
    """Light-curve features of one candidate row (packed, else its ``path``); a read failure gives its
    status."""
    if packed is None:
        lc, status, _ = load_clean(row["path"], read_options=read, cleaning=cleaning)
    else:
        lc, status = packed_light_curve(packed, row["source_id"])
    if lc is None or status != "ok":
        return {**dict.fromkeys(FEATURE_COLUMNS, float("nan")), "status": status}
    return {**lightcurve_features(lc, options), "status": "ok"}


def classify_table(
    table: pd.DataFrame,
    options: ClassifyOptions | None = None,
    *,
    read: Mapping[str, Any] | None = None,
    cleaning: Mapping[str, Any] | None = None,
    features: FeatureOptions | None = None,
    light_curves: Sequence[str | Path] | None = None,
) -> pd.DataFrame:
    """Features, class scores and the final class of every candidate.

    Parameters
    ----------
    table : DataFrame
        Candidates (``vetted.parquet``): ``source_id``, ``path`` and the branch and catalog columns.
    options : ClassifyOptions, optional
        Default ``ClassifyOptions()``.
    read, cleaning : mapping, optional
        Reader and cleaning options of the light curves (the run's).
    features : FeatureOptions, optional
        Default ``FeatureOptions()``.
    light_curves : sequence of path-like, optional
        The bin's packed light curves (``shards/lightcurves_<k>.parquet``); each candidate's file is read
        when None.

    Returns
    -------
    DataFrame
        ``source_id``, ``mag_bin`` (when given), ``status``, :data:`FEATURE_COLUMNS`,
        ``class_score_*``, ``class_final`` and ``class_final_score``; one row per candidate.
    """
    options = options or ClassifyOptions()
    features = features or FeatureOptions()
    if table.empty:  # an empty bin (its table may have no columns at all): the columns, no rows
        scores = class_scores(pd.DataFrame(), options)
        columns = [
            "source_id",
            "mag_bin",
            "status",
            *FEATURE_COLUMNS,
            *scores,
            "class_final",
            "class_final_score",
        ]
        return pd.DataFrame({c: pd.Series(dtype=float if c.startswith(("feat_", "class_score")) else object)
                             for c in columns})  # fmt: skip
    rows = table.to_dict("records")
    packed = None if light_curves is None else read_packed_files(light_curves, table["source_id"].astype(str))
    found = run_per_source(
        rows,
        lambda row: source_features(row, read or {}, cleaning or {}, features, packed),
        stage="classify",
        total=len(rows),
    )
    for column in FEATURE_COLUMNS:
        if column not in found:
            found[column] = pd.Series(float("nan"), index=found.index)
    found = found.set_index(table.index)
    merged = pd.concat(
        [table.drop(columns=[c for c in FEATURE_COLUMNS if c in table]), found[list(FEATURE_COLUMNS)]], axis=1
    )
    scores = class_scores(merged, options)
    label, score = final_class(scores, options.min_score)
    keys = ["source_id", *(["mag_bin"] if "mag_bin" in table else [])]
    out = pd.concat([table[keys], found[["status", *FEATURE_COLUMNS]], scores], axis=1)
    out["class_final"] = label
    out["class_final_score"] = score
    return out.reset_index(drop=True)


def write_classified(
    vetted_path: str | Path,
    out_path: str | Path,
    *,
    options: Mapping[str, Any] | ClassifyOptions | None = None,
    read: Mapping[str, Any] | None = None,
    cleaning: Mapping[str, Any] | None = None,
    light_curves: Sequence[str | Path] | None = None,
) -> pd.DataFrame:
    """Classify one bin's vetted candidates and write ``classified.parquet`` atomically (light curves from
    the bin's packed shards ``light_curves`` when given, else from each candidate's file)."""
    settings = options if isinstance(options, ClassifyOptions) else ClassifyOptions(**dict(options or {}))
    table = read_table(vetted_path)
    classified = classify_table(table, settings, read=read, cleaning=cleaning, light_curves=light_curves)
    provenance = stage_provenance(
        "classify",
        {"classify": dict(vars(settings)), "read": dict(read or {}), "cleaning": dict(cleaning or {})},
        [vetted_path],
    )
    write_table(classified, out_path, provenance)
    counts = classified["class_final"].value_counts().to_dict()
    logger.info("classify: %d candidates: %s", len(classified), counts)
    return classified
