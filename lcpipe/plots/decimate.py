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
