"""How far the best cluster stands out from the other clusters of its season."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


@dataclass(frozen=True)
class ScoreOptions:
    """Reference population and robust statistics of the anomaly score (the reference tool's defaults).

    Attributes
    ----------
    max_log_teff_ratio : float
        References: the other clusters of the season with ``|ln(teff / teff_best)|`` at most this.
    min_reference : int
        If fewer qualify, take this many clusters of the season nearest in ``|ln teff|`` instead.
    clip_nsigma : float
        Drop references above ``median + clip_nsigma * scale``.
    clip_passes : int
        At most this many clipping passes.
    """

    max_log_teff_ratio: float = float(np.log(2.0))
    min_reference: int = 8
    clip_nsigma: float = 5.0
    clip_passes: int = 3

    def __post_init__(self) -> None:
        if (
            self.max_log_teff_ratio < 0
            or self.min_reference < 1
            or self.clip_nsigma <= 0
            or self.clip_passes < 0
        ):
            raise ValueError(
                "ScoreOptions needs max_log_teff_ratio >= 0, min_reference >= 1, clip_nsigma > 0, "
                f"clip_passes >= 0; got {self}"
            )


class ClusterScore(NamedTuple):
    """Score of one cluster against its references.

    Attributes
    ----------
    score : float
        ``(dchi2 - median) / scale``; NaN with fewer than 2 references or zero scale.
    median, scale : float
        Median and robust scale of the clipped references (NaN if undefined).
    n_reference : int
        References selected (before clipping).
    n_used : int
        References left after clipping.
    scale_method : str
        ``mad``, ``iqr``, ``std`` or ``none``.
    """

    score: float
    median: float
    scale: float
    n_reference: int
    n_used: int
    scale_method: str


def robust_scale(values: np.ndarray) -> tuple[float, str]:
    """``1.4826 * MAD``, else ``IQR / 1.349``, else the standard deviation (first non-zero one).

    Returns
    -------
    scale : float
        0 when all three vanish, NaN for no values.
    method : str
        ``mad``, ``iqr``, ``std`` (also when it is 0) or ``none`` (no values).
    """
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return float("nan"), "none"
    mad = 1.4826 * float(np.median(np.abs(values - np.median(values))))
    if mad > 0:
        return mad, "mad"
    q25, q75 = np.percentile(values, [25.0, 75.0])
    if q75 - q25 > 0:
        return float(q75 - q25) / 1.349, "iqr"
    return float(np.std(values)), "std"


def reference_clusters(season: np.ndarray, teff: np.ndarray, index: int, options: ScoreOptions) -> np.ndarray:
    """Indices of the clusters the cluster ``index`` is compared with.

    The other clusters of its season with ``|ln(teff / teff_best)| <= max_log_teff_ratio``; when
    fewer than ``min_reference``, the ``min_reference`` clusters of the season nearest in
    ``|ln teff|`` (ties in the given cluster order, i.e. decreasing delta chi-square).

    Parameters
    ----------
    season, teff : ndarray, shape (C,)
        Season and timescale of every cluster.
    index : int
        The cluster being scored.
    options : ScoreOptions
    """
    others = np.flatnonzero((season == season[index]) & (np.arange(season.size) != index))
    distance = np.abs(np.log(teff[others] / teff[index]))
    near = others[distance <= options.max_log_teff_ratio]
    if near.size >= options.min_reference:
        return near
    return others[np.argsort(distance, kind="stable")[: options.min_reference]]


def score_cluster(
    season: np.ndarray,
    teff: np.ndarray,
    dchi2: np.ndarray,
    index: int,
    options: ScoreOptions = ScoreOptions(),
) -> ClusterScore:
    """Score of cluster ``index``: its delta chi-square against its season's other clusters.

    Parameters
    ----------
    season, teff, dchi2 : ndarray, shape (C,)
        Season, timescale (days) and delta chi-square of every cluster, in decreasing delta
        chi-square order within a season.
    index : int
        The cluster to score.
    options : ScoreOptions

    Returns
    -------
    ClusterScore
    """
    season, teff, dchi2 = (np.asarray(x) for x in (season, teff, dchi2))
    refs = dchi2[reference_clusters(season, teff, index, options)].astype(float)
    n_reference = refs.size
    if n_reference < 2:
        return ClusterScore(float("nan"), float("nan"), float("nan"), n_reference, n_reference, "none")
    median = float(np.median(refs))
    scale, method = robust_scale(refs)
    for _ in range(options.clip_passes):
        kept = refs[refs <= median + options.clip_nsigma * scale]
        if kept.size == refs.size or kept.size < 2:
            break
        refs = kept
        median = float(np.median(refs))
        scale, method = robust_scale(refs)
    score = (float(dchi2[index]) - median) / scale if scale > 0 else float("nan")
    return ClusterScore(score, median, scale, n_reference, refs.size, method)
