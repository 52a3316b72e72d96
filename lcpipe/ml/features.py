"""The classifier's feature matrix: light-curve statistics, branch outputs, catalog columns.

Numbers are taken as they are (missing values stay NaN, which LightGBM handles); booleans become 0/1;
the categorical columns (:data:`CATEGORICAL_FEATURES`) become integer codes of a fixed vocabulary, so
the schema saved with a model reproduces the same columns on a new run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lcpipe.characterize.derived import IR_CLASSES
from lcpipe.classify.features import FEATURE_COLUMNS

#: Numeric features, when present: the tag statistics, the branch outputs and the catalog columns.
NUMERIC_FEATURES: tuple[str, ...] = (
    *FEATURE_COLUMNS,
    "tag_n_points",
    "tag_span_days",
    "tag_n_cameras",
    "tag_median_mag",
    "tag_robust_scatter_mag",
    "tag_median_mag_err",
    "pspl_tE",
    "pspl_u0",
    "pspl_dchi2_const",
    "pspl_chi2_dof",
    "anomaly_best_dchi2",
    "anomaly_best_teff",
    "anomaly_best_score",
    "anomaly_n_clusters",
    "dip_log_bf",
    "dip_n_runs",
    "dip_run_duration",
    "dip_amplitude_mag",
    "dip_morph_width",
    "dip_morph_symmetry",
    "dipper_log10_score",
    "jump_log_bf",
    "jump_n_runs",
    "jump_run_duration",
    "jump_amplitude_mag",
    "jump_morph_width",
    "jump_morph_symmetry",
    "gal_b",
    "gaia_bp_rp",
    "gaia_ruwe",
    "abs_g",
    "distance_pc",
    "j_h",
    "h_k",
    "w1_w2",
    "w2_w3",
)

#: Boolean features (0/1).
FLAG_FEATURES: tuple[str, ...] = ("family_microlensing", "family_dip", "family_jump", "known_variable")

#: Categorical features and their vocabularies (code = position; unknown or missing = -1 → NaN).
CATEGORICAL_FEATURES: dict[str, tuple[str, ...]] = {
    "dip_morph_model": ("gaussian", "skew_gaussian", "paczynski", "fred"),
    "jump_morph_model": ("gaussian", "skew_gaussian", "paczynski", "fred"),
    "ir_class": IR_CLASSES,
}


def feature_names(table: pd.DataFrame) -> list[str]:
    """The features of the schema that ``table`` has columns for, in schema order."""
    names = [*NUMERIC_FEATURES, *FLAG_FEATURES, *CATEGORICAL_FEATURES]
    return [n for n in names if n in table]


def feature_matrix(table: pd.DataFrame, names: list[str]) -> np.ndarray:
    """Features ``names`` of every row as floats, shape (N, len(names)); a missing column is all NaN."""
    out = np.full((len(table), len(names)), np.nan)
    for k, name in enumerate(names):
        if name not in table:
            continue
        column = table[name]
        if name in CATEGORICAL_FEATURES:
            vocabulary = {v: i for i, v in enumerate(CATEGORICAL_FEATURES[name])}
            codes = column.astype(object).map(vocabulary)
            out[:, k] = pd.to_numeric(codes, errors="coerce").to_numpy(float)
        elif name in FLAG_FEATURES:
            out[:, k] = column.astype("boolean").fillna(False).astype(float).to_numpy()
        else:
            out[:, k] = pd.to_numeric(column, errors="coerce").to_numpy(float)
    return out
