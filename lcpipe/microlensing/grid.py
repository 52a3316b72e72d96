"""The (season, teff, t0) grid of the anomaly scan and the options that define it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lcpipe.kernels.scan_grid import ScanGrid


@dataclass(frozen=True)
class ScanOptions:
    """Definition of the anomaly scan grid and of a scorable window (the reference tool's defaults).

    Attributes
    ----------
    season_gap : float
        Split the sorted times wherever consecutive points are more than this apart (days).
    teff_min : float
        Smallest effective timescale (days).
    teff_ratio : float
        Ratio between consecutive timescales.
    n_teff : int
        Number of timescales: ``teff_k = teff_min * teff_ratio**k``, k = 0..n_teff-1.
    t0_step : float
        Step of the t0 grid in units of teff.
    window_half_width : float
        Window ``|t - t0| < window_half_width * teff``.
    min_points : int
        Windows with fewer points score 0.
    min_points_each_side : int
        Gap rule: windows with fewer points than this strictly before or strictly after t0 score 0,
        so a template centred in a data gap never wins over a supported one (0 switches it off, as in
        the reference tool).
    cluster_separation : float
        Clustering removes every point with ``|t0 - t0_max| < cluster_separation * (teff + teff_max)``.
    contrib_threshold : float
        Per-point improvement (chi-square units) above which a point counts as contributing (9 = 3 sigma).
    """

    season_gap: float = 100.0
    teff_min: float = 0.03
    teff_ratio: float = 4.0 / 3.0
    n_teff: int = 24
    t0_step: float = 0.17
    window_half_width: float = 3.0
    min_points: int = 4
    min_points_each_side: int = 1
    cluster_separation: float = 3.0
    contrib_threshold: float = 9.0

    def __post_init__(self) -> None:
        positive = ("season_gap", "teff_min", "t0_step", "window_half_width", "cluster_separation")
        for name in positive:
            if not getattr(self, name) > 0:
                raise ValueError(f"ScanOptions.{name} must be > 0, got {getattr(self, name)!r}")
        if not self.teff_ratio > 1:
            raise ValueError(f"ScanOptions.teff_ratio must be > 1, got {self.teff_ratio!r}")
        if self.n_teff < 1:
            raise ValueError(f"ScanOptions.n_teff must be >= 1, got {self.n_teff!r}")
        if self.min_points < 2:
            raise ValueError(
                f"ScanOptions.min_points must be >= 2 (a line has 2 parameters), got {self.min_points}"
            )
        if self.min_points_each_side < 0:
            raise ValueError(
                f"ScanOptions.min_points_each_side must be >= 0, got {self.min_points_each_side}"
            )
        if self.contrib_threshold < 0:
            raise ValueError(f"ScanOptions.contrib_threshold must be >= 0, got {self.contrib_threshold}")


def season_bounds(time: np.ndarray, season_gap: float = 100.0) -> np.ndarray:
    """Index bounds of the seasons of sorted times.

    Parameters
    ----------
    time : ndarray, shape (N,)
        Times in days, sorted ascending.
    season_gap : float
        A gap longer than this (days) starts a new season.

    Returns
    -------
    ndarray, shape (S + 1,), int64
        Season ``s`` is ``time[bounds[s]:bounds[s + 1]]``; ``[0]`` (no season) when N = 0.
    """
    time = np.asarray(time, dtype=np.float64)
    if time.size == 0:
        return np.zeros(1, np.int64)
    cuts = np.flatnonzero(np.diff(time) > season_gap) + 1
    return np.concatenate([[0], cuts, [time.size]]).astype(np.int64)


def teff_grid(options: ScanOptions) -> np.ndarray:
    """Effective timescales ``teff_min * teff_ratio**k``, k = 0..n_teff-1, shape (K,), days."""
    return options.teff_min * options.teff_ratio ** np.arange(options.n_teff)


def build_grid(time: np.ndarray, options: ScanOptions) -> ScanGrid:
    """Scan grid of sorted times.

    Parameters
    ----------
    time : ndarray, shape (N,)
        Times in days, sorted ascending.
    options : ScanOptions

    Returns
    -------
    ScanGrid
    """
    time = np.asarray(time, dtype=np.float64)
    bounds = season_bounds(time, options.season_gap)
    first = time[bounds[:-1]]
    last = time[bounds[1:] - 1]
    teff = teff_grid(options)
    step = options.t0_step * teff
    # Same count as np.arange(first, last, step): centres strictly before the season's last time.
    n_t0 = np.ceil((last - first)[:, None] / step[None, :]).astype(np.int64)
    n_t0 = np.maximum(n_t0, 0)
    return ScanGrid(bounds, first, last, teff, step, options.window_half_width * teff, n_t0)


def limit_teff(grid: ScanGrid, teff_max: float) -> ScanGrid:
    """The grid without its levels of ``teff > teff_max`` (at least the first level is kept).

    Parameters
    ----------
    grid : ScanGrid
    teff_max : float
        Largest timescale kept (days); ``inf`` keeps every level.

    Returns
    -------
    ScanGrid
        Same seasons and centres, levels ``0 .. k`` only.
    """
    keep = max(int(np.count_nonzero(grid.teff <= teff_max)), 1)
    if keep == grid.teff.size:
        return grid
    return ScanGrid(
        grid.bounds,
        grid.first,
        grid.last,
        grid.teff[:keep],
        grid.step[:keep],
        grid.half_width[:keep],
        np.ascontiguousarray(grid.n_t0[:, :keep]),
    )
