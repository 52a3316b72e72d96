"""Offset groups of a light curve (one zero point per camera and band) and the time axis of the trends."""

from __future__ import annotations

import numpy as np

from lcpipe.lightcurve import LightCurve

#: Days per Julian year: slopes are in mag per Julian year.
DAYS_PER_YEAR = 365.25


def offset_groups(lc: LightCurve) -> tuple[list[str], np.ndarray]:
    """One zero-point group per distinct (data set, band) pair of the light curve.

    Parameters
    ----------
    lc : LightCurve
        N points; ``dataset`` (the camera unless the reader names data sets) and ``band`` label them.

    Returns
    -------
    labels : list of str, length G
        ``"<dataset>/<band>"`` (or ``"<dataset>"`` without a band) in order of first appearance.
    index : ndarray, shape (N,), int64
        Group of each point, in ``range(G)``.
    """
    keys = np.char.add(np.char.add(lc.dataset.astype(str), "/"), lc.band.astype(str))
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    labels = [str(keys[first[k]]).removesuffix("/") for k in order]
    return labels, rank[inverse].astype(np.int64)


def years_since(time: np.ndarray, reference: float) -> np.ndarray:
    """Time in Julian years since ``reference`` (days), shape as ``time``."""
    return (np.asarray(time, dtype=float) - reference) / DAYS_PER_YEAR
