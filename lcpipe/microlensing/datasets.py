"""Which data sets carry an anomaly: each data set's part of a cluster's delta chi-square.

The scan is joint: every data set's residuals, brought onto the reference data set's flux scale and
weighted with its own rescaled errors, enter one windowed template fit ``r ≈ a A + b`` per grid point.
For a cluster, :func:`dataset_support` splits that fit's improvement over the flat level ``mu``,
``v_i = w_i [(r_i - mu)^2 - (r_i - a A_i - b)^2]``, by data set (the parts add up to the cluster's
delta chi-square), and also gives each data set's own delta chi-square of the same template fitted
to its points alone (:func:`lcpipe.kernels.window_quality.window_quality`).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from lcpipe.kernels.anomaly_scan import template_values
from lcpipe.kernels.window_quality import window_quality
from lcpipe.microlensing.grid import ScanOptions

#: Columns of :func:`dataset_support`.
SUPPORT_COLUMNS = ("dataset", "n_window", "dchi2_joint", "share", "dchi2_own", "n_contrib")

#: A data set "carries" a cluster when its share of the joint delta chi-square is at least this.
CARRY_SHARE = 0.1


def dataset_support(
    time: np.ndarray,
    residuals: np.ndarray,
    weights: np.ndarray,
    group: np.ndarray,
    labels: np.ndarray,
    cluster: pd.Series,
    scan: ScanOptions,
    method: Literal["fast", "slow"] = "fast",
) -> pd.DataFrame:
    """Each data set's part of one cluster's window fit.

    Parameters
    ----------
    time, residuals, weights : ndarray, shape (N,)
        The scanned points, time-sorted (days, flux on the reference scale, ``1 / sigma**2``).
    group : ndarray, shape (N,), int
        Data set code of each point, ``0 .. K-1``.
    labels : ndarray, shape (K,), str
        Label of each code.
    cluster : Series
        One row of the cluster table (``t0``, ``teff``, ``template``, ``amplitude``, ``offset``,
        ``flat_level``).
    scan : ScanOptions
        For the window half-width and the contributing-point threshold.
    method : {"fast", "slow"}
        Passed to :func:`window_quality`.

    Returns
    -------
    DataFrame, one row per data set with points in the window, by decreasing ``dchi2_joint``
        ``dataset``, ``n_window``, ``dchi2_joint`` (its part of the joint fit's improvement; the rows
        add up to the cluster's ``dchi2``), ``share`` (that part over the total), ``dchi2_own`` (the same
        template fitted to its points alone) and ``n_contrib`` (its points improving by more than
        ``scan.contrib_threshold``).
    """
    t0, teff = float(cluster["t0"]), float(cluster["teff"])
    inside = np.abs(time - t0) < scan.window_half_width * teff
    template = int(cluster["template"])
    amp = template_values(template, (time[inside] - t0) / teff)
    r, w, g = residuals[inside], weights[inside], np.asarray(group)[inside]
    mu, a, b = float(cluster["flat_level"]), float(cluster["amplitude"]), float(cluster["offset"])
    v = w * ((r - mu) ** 2 - (r - a * amp - b) ** 2)
    total = float(np.sum(v))
    rows = []
    for code in np.unique(g):
        sel = g == code
        own = window_quality(
            time[inside][sel], r[sel], w[sel], np.array([0]), np.array([int(sel.sum())]),
            np.array([t0]), np.array([teff]), np.array([template]), scan.contrib_threshold, method=method,
        )  # fmt: skip
        part = float(np.sum(v[sel]))
        rows.append(
            {
                "dataset": str(labels[code]),
                "n_window": int(sel.sum()),
                "dchi2_joint": part,
                "share": part / total if total > 0 else np.nan,
                "dchi2_own": float(own["dchi2_window"].iloc[0]),
                "n_contrib": int(np.count_nonzero(v[sel] > scan.contrib_threshold)),
            }
        )
    frame = pd.DataFrame(rows, columns=list(SUPPORT_COLUMNS))
    return frame.sort_values("dchi2_joint", ascending=False, kind="stable").reset_index(drop=True)


def carrying(support: pd.DataFrame, share: float = CARRY_SHARE) -> list[str]:
    """Data sets whose share of the joint delta chi-square is at least ``share``, largest first."""
    if support is None or support.empty:
        return []
    return [str(name) for name in support.loc[support["share"] >= share, "dataset"]]
