"""Rule-based astrophysical classes of candidates: a score in [0, 1] per class and a final class.

Each score is a product of soft cuts, ``sigmoid((x - edge) / width)``, on the candidate's branch
outputs (families, runs, morphology, durations, amplitudes), its light-curve features
(:mod:`lcpipe.classify.features`: fold quality and shape, skewness) and its catalog columns (the
Koenig & Leisawitz IR class, W2-W3, Gaia BP-RP). The final class is the best-scoring class when its
score reaches ``min_score``, else ``unclassified``.

- ``microlensing_anomaly`` / ``microlensing``: the microlensing family, with or without an accepted
  anomaly.
- ``eclipsing_binary``: dimming that repeats on a good phase fold with narrow faint phases.
- ``starspot``: a low-amplitude, near-sinusoidal periodic modulation (broad faint phases).
- ``flare``: a brightening with a fast rise and slower decay (FRED or skewed profile), days long.
- ``cv``: large repeated brightenings (outbursts) of a blue star.
- ``dipper``: one or a few aperiodic dimming episodes; ``fade``: a dimming lasting months.
- ``yso``: variability of a star with a Class I/II infrared excess; ``disk``: a transition-disk or
  W2-W3 excess with dimming.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lcpipe.tables import flag_column

#: Classes scored, in the order of the ``class_score_*`` columns.
ASTRO_CLASSES: tuple[str, ...] = (
    "microlensing_anomaly",
    "microlensing",
    "eclipsing_binary",
    "starspot",
    "flare",
    "cv",
    "dipper",
    "fade",
    "yso",
    "disk",
)

#: The final class when no score reaches ``min_score``.
UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class ClassifyOptions:
    """Edges of the rules (config section ``classify``).

    Attributes
    ----------
    min_score : float
        Smallest best score that names a class.
    min_fold_r2 : float
        Fraction of the variance a phase curve explains above which a source is periodic.
    max_eclipse_faint_fraction : float
        Eclipses are faint in at most this fraction of the phase; a sinusoid in about a third.
    max_spot_amplitude_mag : float
        Largest 5–95 % amplitude of a starspot modulation (mag).
    min_eclipse_runs : int
        Dimming runs from which a source counts as repeating without a fold.
    max_flare_days : float
        Longest brightening run of a flare (days).
    min_cv_amplitude_mag : float
        Smallest outburst height of a CV (mag).
    max_cv_bp_rp : float
        Reddest Gaia BP-RP of a CV (mag).
    min_fade_days : float
        Shortest dimming run of a fade (days).
    min_disk_w2_w3 : float
        W2-W3 excess of a disk (mag).
    """

    min_score: float = 0.5
    min_fold_r2: float = 0.3
    max_eclipse_faint_fraction: float = 0.2
    max_spot_amplitude_mag: float = 0.2
    min_eclipse_runs: int = 3
    max_flare_days: float = 30.0
    min_cv_amplitude_mag: float = 1.5
    max_cv_bp_rp: float = 1.0
    min_fade_days: float = 60.0
    min_disk_w2_w3: float = 1.0


def _soft(x: pd.Series, edge: float, width: float) -> np.ndarray:
    """``sigmoid((x - edge) / width)``; missing values give 0 (negative width: a soft upper cut)."""
    values = pd.to_numeric(x, errors="coerce").to_numpy(dtype=float)
    with np.errstate(over="ignore"):
        out = 1.0 / (1.0 + np.exp(-(values - edge) / width))
    return np.where(np.isfinite(values), out, 0.0)


def _column(table: pd.DataFrame, name: str) -> pd.Series:
    return table[name] if name in table else pd.Series(np.nan, index=table.index)


def _text(table: pd.DataFrame, name: str) -> pd.Series:
    return (
        table[name].astype(object).fillna("").astype(str)
        if name in table
        else pd.Series("", index=table.index)
    )


def class_scores(table: pd.DataFrame, options: ClassifyOptions = ClassifyOptions()) -> pd.DataFrame:
    """Score of every class for every candidate.

    Parameters
    ----------
    table : DataFrame
        Candidates (``vetted.parquet`` columns) with the ``feat_*`` light-curve features.
    options : ClassifyOptions

    Returns
    -------
    DataFrame
        ``class_score_<class>`` for each of :data:`ASTRO_CLASSES`, values in [0, 1], same index.
    """
    o = options
    ml = flag_column(table, "family_microlensing").to_numpy(float)
    dip = flag_column(table, "family_dip").to_numpy(float)
    jump = flag_column(table, "family_jump").to_numpy(float)
    anomaly = _text(table, "candidate_type").str.startswith("microlensing_anomaly").to_numpy(float)
    not_ml = 1.0 - ml
    r2 = _column(table, "feat_fold_r2")
    faint = _column(table, "feat_fold_faint_fraction")
    periodic = _soft(r2, o.min_fold_r2, 0.05)
    repeating = np.maximum(periodic, _soft(_column(table, "dip_n_runs"), o.min_eclipse_runs - 0.5, 0.5))
    narrow = _soft(faint, o.max_eclipse_faint_fraction, -0.05)
    broad = _soft(faint, o.max_eclipse_faint_fraction, 0.05)
    fainter = _soft(_column(table, "feat_skew"), 0.5, 0.25)  # long tail to faint magnitudes
    brighter = _soft(_column(table, "feat_skew"), -0.5, -0.25)
    shape = _text(table, "jump_morph_model")
    fast_rise = np.where(shape.isin(["fred", "skew_gaussian"]), 1.0, np.where(shape == "", 0.5, 0.3))
    ir = _text(table, "ir_class")
    class_12 = ir.isin(["Class I", "Class II"]).to_numpy(float)
    disk_ir = np.maximum(
        (ir == "transition disk").to_numpy(float), _soft(_column(table, "w2_w3"), o.min_disk_w2_w3, 0.1)
    )
    variable = np.maximum(dip, jump)
    dip_duration = _column(table, "dip_run_duration")
    scores = {
        "microlensing_anomaly": ml * anomaly,
        "microlensing": ml * (1.0 - anomaly),
        "eclipsing_binary": not_ml * dip * repeating * narrow * fainter,
        "starspot": not_ml
        * periodic
        * broad
        * _soft(_column(table, "feat_amplitude_mag"), o.max_spot_amplitude_mag, -0.03),
        "flare": not_ml
        * jump
        * (1.0 - dip)
        * brighter
        * fast_rise
        * _soft(_column(table, "jump_run_duration"), o.max_flare_days, -3.0),
        "cv": not_ml
        * jump
        * _soft(_column(table, "jump_amplitude_mag"), o.min_cv_amplitude_mag, 0.2)
        * _soft(_column(table, "jump_n_runs"), 1.5, 0.25)
        * _soft(_column(table, "gaia_bp_rp"), o.max_cv_bp_rp, -0.1),
        "dipper": not_ml * dip * (1.0 - repeating) * _soft(dip_duration, o.min_fade_days, -5.0),
        "fade": not_ml * dip * (1.0 - repeating) * _soft(dip_duration, o.min_fade_days, 5.0),
        "yso": not_ml * variable * class_12 * 0.9,
        "disk": not_ml * dip * disk_ir * (1.0 - class_12) * 0.8,
    }
    return pd.DataFrame({f"class_score_{name}": scores[name] for name in ASTRO_CLASSES}, index=table.index)


def final_class(scores: pd.DataFrame, min_score: float) -> tuple[pd.Series, pd.Series]:
    """The best-scoring class of each row (``unclassified`` below ``min_score``) and its score."""
    values = scores.to_numpy(dtype=float)
    if values.size == 0:
        return pd.Series([], dtype=object, index=scores.index), pd.Series([], dtype=float, index=scores.index)
    best = np.argmax(values, axis=1)
    top = values[np.arange(len(values)), best]
    names = np.array([c.removeprefix("class_score_") for c in scores.columns], dtype=object)[best]
    return (
        pd.Series(np.where(top >= min_score, names, UNCLASSIFIED), index=scores.index, dtype=object),
        pd.Series(top, index=scores.index),
    )
