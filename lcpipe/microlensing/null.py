"""The event's own null: the scan statistic on residual realisations that keep cadence and noise.

A residual realisation keeps every point's time and (rescaled) error and gives it a normalised
residual ``z = r / sigma`` of the same data set and season, arranged by a stationary bootstrap
(:func:`shifted_residuals`): runs of consecutive residuals of mean length ``block_length`` points, so
that their short-range time correlation (night-to-night systematics, seeing trends) and their heavy
tails travel with them, and each data set keeps its own error scale. The points of the window of the
candidate being tested stay in the pool, but only as runs of one point, so that the candidate itself
is never copied elsewhere while its values still count as noise (leaving them out makes the null too
weak: it then lacks the light curve's largest values).

Known limit: a light curve of a few hundred points holds too few independent stretches for its own
bootstrap to reproduce its largest correlated excursions, so on real survey noise the probability is
anti-conservative; the verdict therefore uses its calibration on real-cadence null events
(:mod:`lcpipe.microlensing.calibration`; docs/evaluation.md gives the rates before and after).

The statistic of a realisation is the scan's largest delta chi-square on the same grid as the data
(the caller clips the residuals, see :mod:`lcpipe.microlensing.verdict`). Its false-alarm
probability is the Monte Carlo p-value of Besag & Clifford (1991, Biometrika 78, 301): with ``h``
of ``k`` realisations at or above the observed value, ``(h + 1) / (k + 1)``, or ``h / k`` when the
sequential run stopped early after ``h`` exceedances (an event whose best cluster is common in its
own noise costs a few realisations only). When no realisation reaches it, that value is only a
bound; a Gumbel law fitted to the realisations' maxima (moments, with a scale of at least
``min_gumbel_scale``) extrapolates the tail for ranking (:attr:`NullTest.log10_fap_model`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from lcpipe.kernels.anomaly_scan import GridScan, scan_grid
from lcpipe.kernels.scan_grid import ScanGrid

_EULER_GAMMA = 0.5772156649015329


@dataclass(frozen=True)
class NullOptions:
    """How the null distribution of the best-cluster statistic is sampled.

    Attributes
    ----------
    n_null : int
        Residual realisations at most (K).
    stop_after : int
        Stop once this many realisations reached the observed statistic (Besag–Clifford sequential
        p-value, then ``stop_after / k``); 0 runs all ``n_null``.
    min_null : int
        Realisations before the run may stop early as decided: none reached the statistic and the
        Gumbel tail puts it ``decisive_margin`` decades below the verdict's threshold.
    decisive_margin : float
        See ``min_null``.
    block_length : float
        Mean run length (points) of the stationary bootstrap of the residuals (>= 1).
    min_gumbel_scale : float
        Smallest scale ``beta`` of the Gumbel tail (delta chi-square units). A delta chi-square of
        one fitted amplitude is chi-square distributed in Gaussian noise, with the exponential tail
        ``exp(-x / 2)``, so the maximum over a scan has at least that tail (``beta = 2``); a moment fit
        to a few tens of realisations can suggest a much lighter one and an absurd extrapolation.
    mask_half_width : float
        Points with ``|t - t0| < mask_half_width * teff`` of the tested cluster enter the
        realisations as single points only (3 = the scan window).
    seed : int
        Seed of the random shifts (with the light curve's size, so runs are reproducible).
    """

    n_null: int = 100
    stop_after: int = 5
    min_null: int = 20
    decisive_margin: float = 3.0
    block_length: float = 10.0
    min_gumbel_scale: float = 2.0
    mask_half_width: float = 3.0
    seed: int = 12

    def __post_init__(self) -> None:
        if (
            self.n_null < 1
            or self.stop_after < 0
            or not self.mask_half_width >= 0
            or self.min_null < 10
            or not self.block_length >= 1
            or not self.min_gumbel_scale >= 0
        ):
            raise ValueError(
                f"NullOptions needs n_null >= 1, stop_after >= 0, min_null >= 10, mask_half_width >= 0, "
                f"block_length >= 1, min_gumbel_scale >= 0; "
                f"got {self}"
            )


@dataclass(frozen=True)
class NullTest:
    """Outcome of the null test of one statistic.

    Attributes
    ----------
    statistic : float
        Observed value (delta chi-square of the tested cluster).
    n_null : int
        Realisations run.
    n_exceed : int
        Realisations whose statistic reached ``statistic``.
    fap : float
        Monte Carlo false-alarm probability (Besag–Clifford); at least ``1 / (n_null + 1)``.
    fap_is_bound : bool
        No realisation reached the statistic: ``fap`` is an upper bound.
    log10_fap_model : float
        log10 of the Gumbel tail fitted to the realisations (NaN with fewer than 10 realisations or
        none of spread); only used for ranking and for thresholds below ``1 / (n_null + 1)``.
    null_max : ndarray, shape (n_null,)
        The realisations' statistics.
    """

    statistic: float
    n_null: int
    n_exceed: int
    fap: float
    fap_is_bound: bool
    log10_fap_model: float
    null_max: np.ndarray

    @property
    def log10_fap(self) -> float:
        """log10 of the false-alarm probability used for decisions and ranking.

        The Monte Carlo value when some realisation reached the statistic; otherwise the Gumbel tail,
        capped at the Monte Carlo bound (the bound itself when the tail is undefined).
        """
        bound = float(np.log10(self.fap))
        if not self.fap_is_bound or not np.isfinite(self.log10_fap_model):
            return bound
        return min(bound, self.log10_fap_model)


def season_dataset_blocks(time: np.ndarray, group: np.ndarray, grid: ScanGrid) -> list[np.ndarray]:
    """Index sets (into the time-sorted points) of each (season, data set), in time order.

    Parameters
    ----------
    time : ndarray, shape (N,)
        Sorted times (days).
    group : ndarray, shape (N,), int
        Data set code of each point.
    grid : ScanGrid
        Scan grid (its season bounds).

    Returns
    -------
    list of ndarray of int64
    """
    blocks = []
    for s in range(grid.n_seasons):
        a, b = int(grid.bounds[s]), int(grid.bounds[s + 1])
        g = group[a:b]
        for code in np.unique(g):
            blocks.append(a + np.flatnonzero(g == code))
    return blocks


def shifted_residuals(
    z: np.ndarray,
    error: np.ndarray,
    blocks: list[np.ndarray],
    window: np.ndarray,
    rng: np.random.Generator,
    block_length: float = 10.0,
) -> np.ndarray:
    """One residual realisation, block by block (season and data set), by a stationary bootstrap.

    The stationary bootstrap of Politis & Romano (1994, JASA 89, 1303): runs of consecutive values
    of the block (cyclically), each from a random start and ending with probability
    ``1 / block_length`` after every point, so the correlation between neighbours up to about
    ``block_length`` points is kept while every realisation is a new arrangement. The values of the
    tested ``window`` stay in the pool (leaving them out takes the largest values away and makes the
    null too weak) but only as runs of one point: their time order, which is the candidate itself,
    is never reproduced.

    Parameters
    ----------
    z : ndarray, shape (N,)
        Normalised residuals ``r / sigma``.
    error : ndarray, shape (N,)
        Errors the realisation is scaled back with.
    blocks : list of ndarray
        From :func:`season_dataset_blocks`.
    window : ndarray, shape (N,), bool
        Points of the tested window.
    rng : numpy.random.Generator
    block_length : float
        Mean run length in points (>= 1; 1 is the plain bootstrap).

    Returns
    -------
    ndarray, shape (N,)
        Flux residuals ``z' * error``.
    """
    out = np.empty_like(z)
    for idx in blocks:
        sequence, single = z[idx[~window[idx]]], z[idx[window[idx]]]
        if sequence.size == 0:
            out[idx] = rng.permutation(single)
            continue
        new_run = rng.random(idx.size) < 1.0 / block_length
        new_run[0] = True
        run_start = np.flatnonzero(new_run)
        run = np.cumsum(new_run) - 1
        position = np.arange(idx.size) - run_start[run]
        start = rng.integers(sequence.size + single.size, size=run_start.size)
        is_single = start >= sequence.size
        # a run started on a window value: that value, then the run goes on from a random start
        base = np.where(is_single, rng.integers(sequence.size, size=run_start.size), start)
        offset = position - is_single[run]
        values = sequence[(base[run] + offset) % sequence.size]
        first_single = is_single[run] & (position == 0)
        values[first_single] = single[start[run[first_single]] - sequence.size]
        out[idx] = values
    return out * error


def gumbel_log10_sf(x: float, sample: np.ndarray, min_scale: float = 0.0) -> float:
    """log10 of the survival function at ``x`` of a Gumbel law fitted to ``sample`` by moments.

    ``beta = max(s sqrt(6) / pi, min_scale)``, ``mu = mean - gamma beta``; ``P(X >= x) = 1 -
    exp(-exp(-(x - mu) / beta))``, evaluated stably far in the tail. NaN for fewer than 10 values or
    zero spread (and ``min_scale`` 0).
    """
    sample = np.asarray(sample, dtype=float)
    if sample.size < 10:
        return float("nan")
    beta = max(float(np.std(sample, ddof=1)) * np.sqrt(6.0) / np.pi, min_scale)
    if not beta > 0:
        return float("nan")
    mu = float(np.mean(sample)) - _EULER_GAMMA * beta
    y = (x - mu) / beta
    return float(np.log10(-np.expm1(-np.exp(-y)))) if y < 30 else float(-y / np.log(10.0))


def null_test(
    time: np.ndarray,
    residuals: np.ndarray,
    flux_err: np.ndarray,
    group: np.ndarray,
    grid: ScanGrid,
    statistic: float,
    t0: float,
    teff: float,
    *,
    min_points: int = 4,
    min_points_each_side: int = 1,
    options: NullOptions = NullOptions(),
    log10_threshold: float | None = None,
    scanner: Callable[..., GridScan] | None = None,
    method: Literal["fast", "slow"] = "fast",
    num_threads: int = 1,
) -> NullTest:
    """False-alarm probability of a cluster's delta chi-square from residual realisations.

    Parameters
    ----------
    time, residuals, flux_err : ndarray, shape (N,)
        The scanned points: sorted times (days), flux residuals and (rescaled) errors.
    group : ndarray, shape (N,), int
        Data set code of each point.
    grid : ScanGrid
        The scan's grid.
    statistic : float
        Observed delta chi-square of the tested cluster.
    t0, teff : float
        Centre and timescale (days) of the tested cluster (its window is left out of the pool).
    min_points, min_points_each_side : int
        Scan options (as for the data).
    options : NullOptions
    log10_threshold : float, optional
        log10 of the verdict's threshold, for the early decision (see ``NullOptions.min_null``);
        None runs until ``stop_after`` exceedances or ``n_null`` realisations.
    scanner : callable, optional
        The scan of the data, called as ``scanner(time, residuals, weights, grid, min_points=...,
        min_points_each_side=..., method=..., num_threads=...)``;
        :func:`lcpipe.kernels.anomaly_scan.scan_grid` when None.
    method : {"fast", "slow"}
        Scan kernel.
    num_threads : int
        OpenMP threads of the scan.

    Returns
    -------
    NullTest
    """
    scanner = scan_grid if scanner is None else scanner
    z = residuals / flux_err
    blocks = season_dataset_blocks(time, group, grid)
    window = np.abs(time - t0) < options.mask_half_width * teff
    weights = 1.0 / (flux_err * flux_err)
    rng = np.random.default_rng([options.seed, time.size])
    maxima = []
    n_exceed = 0
    for _ in range(options.n_null):
        fake = shifted_residuals(z, flux_err, blocks, window, rng, options.block_length)
        scan = scanner(
            time,
            fake,
            weights,
            grid,
            min_points=min_points,
            min_points_each_side=min_points_each_side,
            method=method,
            num_threads=num_threads,
        )
        value = float(scan.dchi2.max()) if scan.dchi2.size else 0.0
        maxima.append(value)
        n_exceed += value >= statistic
        if options.stop_after and n_exceed >= options.stop_after:
            break
        if log10_threshold is not None and n_exceed == 0 and len(maxima) >= options.min_null:
            tail = gumbel_log10_sf(float(statistic), np.asarray(maxima), options.min_gumbel_scale)
            if tail < log10_threshold - options.decisive_margin:
                break
    k = len(maxima)
    stopped = bool(options.stop_after) and n_exceed >= options.stop_after
    fap = n_exceed / k if stopped else (n_exceed + 1) / (k + 1)
    null_max = np.asarray(maxima)
    return NullTest(
        float(statistic),
        k,
        int(n_exceed),
        float(fap),
        n_exceed == 0,
        gumbel_log10_sf(float(statistic), null_max, options.min_gumbel_scale),
        null_max,
    )
