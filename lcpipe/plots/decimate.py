"""Which points of a dense light curve a plot draws."""

from __future__ import annotations

import numpy as np

#: A panel draws at most about this many ordinary points (every k-th); marked points are always drawn.
MAX_POINTS = 3000


def decimated(n: int, marked: np.ndarray | None = None, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices of the points to draw out of ``n`` (sorted): every k-th point with k = ceil(n / max_points),
    plus every ``marked`` one (bool, shape (n,)). All points when ``n <= max_points``."""
    step = max(int(np.ceil(n / max_points)), 1)
    keep = np.zeros(n, bool)
    keep[::step] = True
    if marked is not None:
        keep |= np.asarray(marked, bool)
    return np.flatnonzero(keep)


def error_bars(x: np.ndarray, y: np.ndarray, err: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertical error bars of points ``(x, y)`` (shape (n,)) as one polyline: ``(x, y - err)`` to
    ``(x, y + err)`` for each point, separated by NaN (shape (3n,)), so one line artist draws them all
    (matplotlib's ``errorbar`` builds a path per point)."""
    xs = np.repeat(np.asarray(x, float), 3)
    ys = np.stack([y - err, y + err, np.full(np.shape(y), np.nan)], axis=1).ravel()
    xs[2::3] = np.nan
    return xs, ys
