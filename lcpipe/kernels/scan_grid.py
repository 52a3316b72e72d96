"""The (season, teff, t0) grid the anomaly and residual scans walk, described without listing its points.

Built by :func:`lcpipe.microlensing.grid.build_grid` from the scan options; the kernels only read it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ScanGrid:
    """The scan grid of one light curve, described without listing its points.

    Level ``(s, k)`` holds ``n_t0[s, k]`` centres ``t0_j = first[s] + j * step[k]`` for
    ``j = 0 .. n_t0[s, k] - 1``: from the season's first time, up to but not including its last.

    Attributes
    ----------
    bounds : ndarray, shape (S + 1,), int64
        Season index bounds into the time-sorted data.
    first, last : ndarray, shape (S,)
        First and last time of each season (days).
    teff, step, half_width : ndarray, shape (K,)
        Timescale, t0 step and window half-width of each level (days).
    n_t0 : ndarray, shape (S, K), int64
        Number of centres per level.
    """

    bounds: np.ndarray
    first: np.ndarray
    last: np.ndarray
    teff: np.ndarray
    step: np.ndarray
    half_width: np.ndarray
    n_t0: np.ndarray

    @property
    def n_seasons(self) -> int:
        """Number of seasons S."""
        return int(self.first.size)

    @property
    def size(self) -> int:
        """Total number of grid points."""
        return int(self.n_t0.sum())

    def t0(self, season: np.ndarray, level: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Centres of grid points given by season, teff level and t0 index (same arithmetic as the kernel)."""
        return self.first[season] + np.asarray(j, dtype=np.float64) * self.step[level]

    def dense(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every grid point, ordered by season, teff level, t0 index.

        Returns
        -------
        season, level, j : ndarray, shape (G,), int64
        t0 : ndarray, shape (G,), float64
        """
        counts = self.n_t0.ravel()
        flat_level = np.repeat(np.arange(counts.size), counts)
        starts = np.cumsum(counts) - counts
        j = np.arange(int(counts.sum())) - np.repeat(starts, counts)
        season, level = np.divmod(flat_level, self.teff.size)
        return season, level, j, self.t0(season, level, j)
