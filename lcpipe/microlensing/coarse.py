"""Automatic start of the PSPL fit: a matched filter over t0 x effective timescale x u0 on binned data.

For each effective timescale ``teff = u0 * tE`` on a geometric grid the light curve is binned in time
with bins of ``bin_fraction * teff`` (weighted means), so the work per level does not grow with the
cadence. At every bin centre ``t0`` and every ``u0`` of a short grid, the PSPL excess
``a = A(u) - 1`` is fitted as ``F ≈ alpha * a + beta`` to the bins within
``min(window_tE * tE, max_window_teff * teff)`` of ``t0``; the score is the chi-square gained over a
constant in that window, ``Δχ² = cov(a, F)² / var(a)`` (weighted), kept only for ``alpha > 0``
(a brightening).
The best grid point of each ``u0`` and then the best ones far from those seed the Levenberg–Marquardt
refinement in :mod:`lcpipe.microlensing.pspl`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lcpipe.kernels.matched_filter import matched_filter


@dataclass(frozen=True)
class CoarseOptions:
    """Grid of the coarse matched-filter search.

    Attributes
    ----------
    teff_min, teff_max : float
        Range of effective timescales ``u0 * tE`` (days); ``teff_max`` is capped at the data's span.
    teff_factor : float
        Ratio of consecutive timescales (> 1).
    u0_grid : tuple of float
        Impact parameters tried at every (t0, teff).
    bin_fraction : float
        Bin width and t0 step as a fraction of ``teff``.
    window_tE : float
        Half-width of the fitted window in units of ``tE = teff / u0``...
    max_window_teff : float
        ... but at most this many ``teff`` (bounds the cost of small ``u0``).
    min_bins : int
        Windows with fewer bins score 0.
    keep_per_level : int
        Best grid points kept per (teff, u0) pair as candidate starts.
    """

    teff_min: float = 0.1
    teff_max: float = 300.0
    teff_factor: float = 2.0
    u0_grid: tuple[float, ...] = (0.1, 0.3, 1.0)
    bin_fraction: float = 0.5
    window_tE: float = 3.0
    max_window_teff: float = 10.0
    min_bins: int = 4
    keep_per_level: int = 16

    def __post_init__(self) -> None:
        object.__setattr__(self, "u0_grid", tuple(float(u) for u in self.u0_grid))
        if not 0 < self.teff_min <= self.teff_max or self.teff_factor <= 1:
            raise ValueError(
                f"need 0 < teff_min <= teff_max and teff_factor > 1, got {self.teff_min}, "
                f"{self.teff_max}, {self.teff_factor}"
            )
        if not self.u0_grid or min(self.u0_grid) <= 0:
            raise ValueError(f"u0_grid must be non-empty and positive, got {self.u0_grid}")
        if self.keep_per_level < 1:
            raise ValueError(f"keep_per_level must be >= 1, got {self.keep_per_level}")
        if min(self.bin_fraction, self.window_tE, self.max_window_teff) <= 0 or self.min_bins < 3:
            raise ValueError("bin_fraction, window_tE and max_window_teff must be > 0 and min_bins >= 3")


def bin_in_time(
    time: np.ndarray, flux: np.ndarray, weight: np.ndarray, width: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted means in consecutive time bins of ``width`` days (empty bins omitted).

    Parameters
    ----------
    time, flux, weight : ndarray, shape (N,)
        Sorted times (days), fluxes and weights ``1 / sigma**2``.
    width : float
        Bin width (days); bins start at ``time[0]``.

    Returns
    -------
    time, flux, weight : ndarray, shape (M,)
        Weighted mean time and flux of each non-empty bin and its summed weight.
    """
    rel = time - time[0]
    idx = np.floor(rel / width).astype(np.int64)
    starts = np.flatnonzero(np.concatenate([[True], idx[1:] != idx[:-1]]))
    sw = np.add.reduceat(weight, starts)
    tb = time[0] + np.add.reduceat(weight * rel, starts) / sw
    return tb, np.add.reduceat(weight * flux, starts) / sw, sw


def coarse_grid(time: np.ndarray, flux: np.ndarray, weight: np.ndarray, options: CoarseOptions) -> np.ndarray:
    """Best matched-filter scores of the (t0, teff, u0) grid: the ``keep_per_level`` highest of every
    (teff, u0) pair (all of them when fewer), enough to choose starts from.

    Parameters
    ----------
    time, flux, weight : ndarray, shape (N,)
        Sorted times (days), fluxes and weights.
    options : CoarseOptions

    Returns
    -------
    ndarray, shape (K, 4)
        Columns ``Δχ², t0, tE, u0`` of the kept grid points.
    """
    span = float(time[-1] - time[0])
    teff_max = max(min(options.teff_max, span), options.teff_min)
    n_levels = int(np.floor(np.log(teff_max / options.teff_min) / np.log(options.teff_factor))) + 1
    rows = []
    tb, fb, wb = time, flux, weight
    for teff in options.teff_min * options.teff_factor ** np.arange(n_levels):
        # each level merges the previous level's bins (weighted means compose): O(N) for level 0 only
        tb, fb, wb = bin_in_time(tb, fb, wb, options.bin_fraction * teff)
        for u0 in options.u0_grid:
            te = teff / u0
            half_width = min(options.window_tE * te, options.max_window_teff * teff)
            score = matched_filter(tb, fb, wb, teff, u0, half_width, options.min_bins)
            keep = np.arange(score.size)
            if score.size > options.keep_per_level:
                keep = np.argpartition(score, -options.keep_per_level)[-options.keep_per_level :]
            row = np.empty((keep.size, 4))
            row[:, 0], row[:, 1], row[:, 2], row[:, 3] = score[keep], tb[keep], te, u0
            rows.append(row)
    return np.concatenate(rows)


def coarse_starts(
    time: np.ndarray, flux: np.ndarray, weight: np.ndarray, options: CoarseOptions, n_starts: int
) -> np.ndarray:
    """Best few starting points ``(t0, tE, u0)`` of the PSPL fit.

    The best grid point of each ``u0`` comes first (in order of score), then the best points
    further than ``window_tE * tE`` in t0 from every start already taken, up to ``n_starts``.

    Parameters
    ----------
    time, flux, weight : ndarray, shape (N,)
        Sorted times (days), fluxes and weights (N >= 1).
    options : CoarseOptions
    n_starts : int
        Maximum number of starts (>= 1).

    Returns
    -------
    ndarray, shape (K, 3), 1 <= K <= n_starts
        Columns ``t0, tE, u0``.
    """
    grid = coarse_grid(time, flux, weight, options)
    order = np.argsort(-grid[:, 0], kind="stable")
    chosen: list[int] = []
    for u0 in options.u0_grid:
        chosen.append(int(order[np.flatnonzero(grid[order, 3] == u0)[0]]))
    chosen.sort(key=lambda i: -grid[i, 0])
    chosen = chosen[:n_starts]
    t0_sorted = grid[order, 1]
    while len(chosen) < n_starts:
        far = np.abs(t0_sorted[:, None] - grid[chosen, 1]) > options.window_tE * grid[chosen, 2]
        candidates = np.flatnonzero(np.all(far, axis=1))
        if candidates.size == 0:
            break
        chosen.append(int(order[candidates[0]]))
    return grid[chosen, 1:]
