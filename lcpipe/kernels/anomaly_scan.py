"""Anomaly grid scan of residuals: compiled kernel with skipping, and the full-grid NumPy reference."""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np

from lcpipe._ext import anomaly_scan as _kernel
from lcpipe.kernels.scan_cells import CELL_DEGREE, cell_offsets, cell_tables
from lcpipe.kernels.scan_grid import ScanGrid

#: A template whose weighted variance over the window is at most this (A is dimensionless, O(1))
#: is treated as constant there and cannot improve on the flat model. Same rule in the compiled kernel.
DEGENERATE_VAR = 1e-12

#: Windows of at least this many points take their template sums from the cell moments of
#: :mod:`lcpipe.kernels.scan_cells` (O(cells) per window); smaller ones are summed point by point.
CELL_MIN_POINTS = 512


class GridScan(NamedTuple):
    """Scored grid points, each array of shape (M,).

    The compiled kernel lists only *active* points (window with at least ``min_points`` points);
    every other grid point has delta chi-square 0. The slow reference lists every grid point.

    Attributes
    ----------
    season, level, j : int64
        Season, teff level and t0 index of the point.
    t0 : float64
        Window centre (days).
    dchi2 : float64
        ``chi2_flat - chi2_template`` of the better template (>= 0).
    template : int8
        0 for A0 = 1/sqrt(Q), 1 for A1 = (Q+2)/sqrt(Q(Q+4)).
    lo, hi : int64
        Window index range ``[lo, hi)`` into the time-sorted data.
    """

    season: np.ndarray
    level: np.ndarray
    j: np.ndarray
    t0: np.ndarray
    dchi2: np.ndarray
    template: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    def flat_index(self, grid: ScanGrid) -> np.ndarray:
        """Position of each listed point in the dense (season, level, j) order, shape (M,)."""
        starts = (np.cumsum(grid.n_t0.ravel()) - grid.n_t0.ravel()).reshape(grid.n_t0.shape)
        return starts[self.season, self.level] + self.j

    def dense_dchi2(self, grid: ScanGrid) -> np.ndarray:
        """Delta chi-square of every grid point in (season, level, j) order, shape (G,)."""
        out = np.zeros(grid.size)
        out[self.flat_index(grid)] = self.dchi2
        return out


def has_vector_path() -> bool:
    """Whether this build and CPU run the AVX2 + FMA window sums of :func:`scan_grid` (x86-64 only)."""
    return bool(_kernel.has_vector_path())


def centred_residuals(
    residuals: np.ndarray, weights: np.ndarray, grid: ScanGrid
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Residuals minus their season's weighted mean, with compensated prefix sums.

    Returns
    -------
    rc : ndarray, shape (N,)
        Centred residuals.
    p0, p1 : ndarray, shape (N + 1,)
        Running sums of ``w`` and ``w * rc``.
    """
    n = residuals.size
    rc, p0, p1 = np.empty(n), np.empty(n + 1), np.empty(n + 1)
    _kernel.centred_prefix_sums(residuals, weights, grid.bounds, rc, p0, p1)
    return rc, p0, p1


def checked_scan_inputs(
    time: np.ndarray,
    residuals: np.ndarray,
    weights: np.ndarray,
    grid: ScanGrid,
    min_points: int,
    min_points_each_side: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Contiguous float64 copies of the scan inputs, shape (N,) each, after checking them against the grid.

    Raises
    ------
    ValueError
        Unequal or non 1-D shapes, a grid built for other times, unsorted times, non-finite values,
        weights <= 0, ``min_points < 2`` or ``min_points_each_side < 0``.
    """
    t = np.ascontiguousarray(time, dtype=np.float64)
    r = np.ascontiguousarray(residuals, dtype=np.float64)
    w = np.ascontiguousarray(weights, dtype=np.float64)
    if not (t.shape == r.shape == w.shape) or t.ndim != 1:
        raise ValueError(
            f"time, residuals and weights must be 1-D of equal length, got {t.shape}, {r.shape}, {w.shape}"
        )
    if int(grid.bounds[-1]) != t.size:
        raise ValueError(f"grid was built for {int(grid.bounds[-1])} points, got {t.size}")
    if t.size > 1 and np.any(np.diff(t) < 0):
        raise ValueError("time must be sorted ascending")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(r)) and np.all(np.isfinite(w)) and np.all(w > 0)):
        raise ValueError("time, residuals must be finite and weights finite and > 0")
    if min_points < 2 or min_points_each_side < 0:
        raise ValueError(
            f"need min_points >= 2 and min_points_each_side >= 0, got {min_points}, {min_points_each_side}"
        )
    return t, r, w


def scan_grid(
    time: np.ndarray,
    residuals: np.ndarray,
    weights: np.ndarray,
    grid: ScanGrid,
    *,
    min_points: int = 4,
    min_points_each_side: int = 0,
    method: Literal["fast", "slow"] = "fast",
    num_threads: int = 1,
    vector: bool = True,
    cell_min_points: int | None = CELL_MIN_POINTS,
) -> GridScan:
    """Score every (season, teff, t0) grid point: flat model vs the better of two templates.

    For each window ``|t - t0| < half_width`` with at least ``min_points`` points, fit
    ``r = a A(tau) + b`` (weighted least squares, ``tau = (t - t0) / teff``) for A0 and A1 and
    report ``chi2_flat - chi2_template`` of the better one (A1 on a tie).

    Parameters
    ----------
    time : ndarray, shape (N,)
        Times in days, sorted ascending (the grid's seasons index into them).
    residuals, weights : ndarray, shape (N,)
        Flux residuals and weights ``1 / sigma**2`` (> 0).
    grid : ScanGrid
        From :func:`lcpipe.microlensing.grid.build_grid` on the same times.
    min_points : int
        Windows with fewer points score 0.
    min_points_each_side : int
        Windows with fewer points than this strictly before or after t0 score 0 (0: off).
    method : {"fast", "slow"}
        ``"fast"``: compiled kernel listing active points only, O(N K + M log N) walk plus the window
        sums. ``"slow"``: NumPy reference visiting every grid point, the tests' yardstick.
    num_threads : int
        OpenMP threads of the fast kernel (0: OpenMP default). Results do not depend on it.
    vector : bool
        Let the fast kernel use its AVX2 + FMA window sums on CPUs that have them (see
        :func:`has_vector_path`) for the point sums (small windows, edge cells of large ones); False
        forces the scalar loop. The two agree to rounding (FMA).
    cell_min_points : int or None
        Fast kernel: windows of at least this many points take their template sums from per-cell
        polynomial moments (:mod:`lcpipe.kernels.scan_cells`), O(2 window / step) per window instead
        of O(points); the templates' polynomial pieces are accurate to about 4e-13, so results agree
        with the point sums to about 1e-9 relative (tests/test_anomaly_kernel.py). None: every
        window point by point, as before.

    Returns
    -------
    GridScan
    """
    t, r, w = checked_scan_inputs(time, residuals, weights, grid, min_points, min_points_each_side)
    if method == "slow":
        return _scan_grid_slow(t, r, w, grid, min_points, min_points_each_side)
    if method != "fast":
        raise ValueError(f"method must be 'fast' or 'slow', got {method!r}")
    cells = 0 if cell_min_points is None else max(int(cell_min_points), 2)
    return _scan_grid_fast(
        t, r, w, grid, min_points, min_points_each_side, int(num_threads), bool(vector), cells
    )


def _scan_grid_fast(
    t: np.ndarray,
    r: np.ndarray,
    w: np.ndarray,
    grid: ScanGrid,
    min_points: int,
    min_each_side: int,
    threads: int,
    vector: bool,
    cell_min_points: int,
) -> GridScan:
    n_levels = grid.n_t0.size
    n_t0 = np.ascontiguousarray(grid.n_t0.ravel(), dtype=np.int64)
    first = np.ascontiguousarray(grid.first, dtype=np.float64)
    step = np.ascontiguousarray(grid.step, dtype=np.float64)
    half = np.ascontiguousarray(grid.half_width, dtype=np.float64)
    counts = np.zeros(n_levels, np.int64)
    _kernel.count_active(t, grid.bounds, first, step, half, n_t0, min_points, counts, threads)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    m = int(offsets[-1])
    j, lo, hi, side = (np.empty(m, np.int64) for _ in range(4))
    t0 = np.empty(m)
    _kernel.fill_active(
        t, grid.bounds, first, step, half, n_t0, min_points, offsets, j, lo, hi, t0, side, threads
    )
    flat_level = np.repeat(np.arange(n_levels, dtype=np.int64), counts)
    season, level = np.divmod(flat_level, grid.teff.size)
    rc, p0, p1 = centred_residuals(r, w, grid)
    dchi2 = np.empty(m)
    template = np.empty(m, np.int8)
    if not cell_min_points:
        teff_of = np.ascontiguousarray(grid.teff[level])
        _kernel.score_active(
            t, rc, w, p0, p1, teff_of, lo, hi, t0, side, min_each_side, dchi2, template, threads, vector
        )
        return GridScan(season, level, j, t0, dchi2, template, lo, hi)
    # step / teff is the grid's t0_step and half_width / teff its window half-width, on every level
    delta = float(grid.step[0] / grid.teff[0])
    half = float(grid.half_width[0] / grid.teff[0])
    tables = np.ascontiguousarray(cell_tables(delta, half, CELL_DEGREE))
    _kernel.score_active_cells(
        t, rc, w, p0, p1, grid.bounds, first, step, np.ascontiguousarray(grid.teff, dtype=np.float64),
        n_t0, offsets, tables, cell_offsets(delta, half), j, lo, hi, t0, side, min_each_side,
        cell_min_points, dchi2, template, threads, vector,
    )  # fmt: skip
    return GridScan(season, level, j, t0, dchi2, template, lo, hi)


def template_values(template: int, tau: np.ndarray) -> np.ndarray:
    """A0 = 1/sqrt(Q) (template 0) or A1 = (Q+2)/sqrt(Q(Q+4)) (template 1), Q = 1 + tau**2."""
    q = 1.0 + tau**2
    return 1.0 / np.sqrt(q) if template == 0 else (q + 2.0) / np.sqrt(q * (q + 4.0))


def _scan_grid_slow(
    t: np.ndarray, r: np.ndarray, w: np.ndarray, grid: ScanGrid, min_points: int, min_each_side: int
) -> GridScan:
    """Reference: every grid point, window by boolean mask, both templates by explicit least squares."""
    season, level, j, t0 = grid.dense()
    dchi2 = np.zeros(t0.size)
    template = np.ones(t0.size, np.int8)
    lo = np.zeros(t0.size, np.int64)
    hi = np.zeros(t0.size, np.int64)
    for g in range(t0.size):
        a, b = grid.bounds[season[g]], grid.bounds[season[g] + 1]
        ts, rs, ws = t[a:b], r[a:b], w[a:b]
        inside = np.abs(ts - t0[g]) < grid.half_width[level[g]]
        idx = np.flatnonzero(inside)
        if idx.size:
            lo[g], hi[g] = a + idx[0], a + idx[-1] + 1
        if idx.size < min_points:
            continue
        tw, rw, ww = ts[inside], rs[inside], ws[inside]
        if min_each_side and (np.sum(tw < t0[g]) < min_each_side or np.sum(tw > t0[g]) < min_each_side):
            continue
        mu = np.sum(ww * rw) / np.sum(ww)
        chi2_flat = np.sum(ww * (rw - mu) ** 2)
        chi2 = []
        for k in (0, 1):
            amp = template_values(k, (tw - t0[g]) / grid.teff[level[g]])
            amp_mean = np.sum(ww * amp) / np.sum(ww)
            if np.sum(ww * (amp - amp_mean) ** 2) <= DEGENERATE_VAR * np.sum(ww):
                chi2.append(chi2_flat)
                continue
            design = np.column_stack([amp, np.ones_like(amp)]) * np.sqrt(ww)[:, None]
            coef = np.linalg.lstsq(design, rw * np.sqrt(ww), rcond=None)[0]
            chi2.append(np.sum(ww * (rw - coef[0] * amp - coef[1]) ** 2))
        template[g] = 0 if chi2[0] < chi2[1] else 1
        dchi2[g] = max(chi2_flat - chi2[template[g]], 0.0)
    return GridScan(season, level, j, t0, dchi2, template, lo, hi)
