"""The anomaly verdict: is the best cluster of an event rare in the event's own noise?

``has_candidate`` is true when

1. the single-lens fit is not degenerate (see :mod:`lcpipe.microlensing.degenerate`; a degenerate
   fit is refitted from other starts first and flagged when it stays degenerate),
2. the best cluster passes the optional :class:`~lcpipe.microlensing.criteria.CandidateCriteria`
   filters (all off by default), and
3. its false-alarm probability is at most ``fap_threshold``: the nominal probability from the
   event's own null (:mod:`lcpipe.microlensing.null`), calibrated on real survey noise
   (:mod:`lcpipe.microlensing.calibration`, ``calibration``).

The statistic tested is robust to single points: the scan's delta chi-square near the best
cluster (``|t0' - t0| < cluster_separation (teff' + teff)``) after every normalised residual is
clipped to ``+-clip_sigma`` (data and null realisations alike), so that one point adds at most
``clip_sigma**2``. An outlier, however strong, is then no more than a 5-sigma point, and a
candidate needs several deviating points; ``best_dchi2`` still reports the unclipped value.

The nominal false-alarm probability is per event: the chance that the event's own residuals,
rearranged by a season- and data-set-preserving stationary bootstrap, give anywhere in the light
curve a cluster as strong as the best one (``best_log10_fap_event``). On real survey noise that
value is too small (docs/evaluation.md), so the verdict uses the false-alarm rate the nominal value
has on real-cadence null events (``best_log10_fap``, ``best_fap``): the default threshold is then a
realised rate. The calibrated threshold is far below the Monte Carlo resolution of the default 100
realisations, so an event is flagged only when no realisation reaches its best cluster and the Gumbel
tail fitted to the realisations is beyond it; ``best_log10_fap`` ranks events by that tail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from lcpipe.kernels.anomaly_scan import scan_grid
from lcpipe.kernels.scan_grid import ScanGrid
from lcpipe.microlensing.calibration import CALIBRATIONS, FapCalibration
from lcpipe.microlensing.degenerate import Degeneracy, DegeneracyOptions
from lcpipe.microlensing.grid import ScanOptions
from lcpipe.microlensing.null import NullOptions, NullTest, null_test
from lcpipe.options import convert_nested


@dataclass(frozen=True)
class VerdictOptions:
    """Options of the verdict; nested options may be given as mappings of their fields.

    Attributes
    ----------
    method : {"null", "criteria"}
        ``null``: the false-alarm probability decides (default); ``criteria``: the best cluster that
        passes the criteria is a candidate, without null realisations (lcpipe 0.2 and the reference
        tool's behaviour: use with :meth:`CandidateCriteria.survey_defaults`).
    fap_threshold : float
        An event is flagged when the (calibrated) false-alarm probability of its best cluster is at
        most this.
    calibration : {"ogle2", "none"}
        Calibration of the event null's nominal probability (:data:`~lcpipe.microlensing.calibration.
        CALIBRATIONS`): ``ogle2`` measured on real OGLE-II cadences and noise, ``none`` the nominal
        value itself.
    clip_sigma : float
        Normalised residuals are clipped to ``+-clip_sigma`` for the tested statistic.
    null : NullOptions
        Sampling of the event's null.
    degeneracy : DegeneracyOptions
        Detection and refit of degenerate single-lens fits.
    """

    method: Literal["null", "criteria"] = "null"
    fap_threshold: float = 1e-2
    calibration: str = "ogle2"
    clip_sigma: float = 5.0
    null: NullOptions = field(default_factory=NullOptions)
    degeneracy: DegeneracyOptions = field(default_factory=DegeneracyOptions)

    def __post_init__(self) -> None:
        convert_nested(self)
        if self.method not in ("null", "criteria"):
            raise ValueError(f"VerdictOptions.method must be 'null' or 'criteria', got {self.method!r}")
        if self.calibration not in CALIBRATIONS:
            raise ValueError(
                f"VerdictOptions.calibration must be one of {sorted(CALIBRATIONS)}, got {self.calibration!r}"
            )
        if not self.clip_sigma > 0:
            raise ValueError(f"VerdictOptions.clip_sigma must be > 0, got {self.clip_sigma}")
        if not 0 < self.fap_threshold < 1:
            raise ValueError(f"VerdictOptions.fap_threshold must be in (0, 1), got {self.fap_threshold}")

    @property
    def fap_calibration(self) -> FapCalibration:
        """The calibration named by ``calibration``."""
        return CALIBRATIONS[self.calibration]

    @property
    def log10_nominal_threshold(self) -> float:
        """The nominal log10 FAP of the event null that calibrates to ``fap_threshold``."""
        return self.fap_calibration.nominal_threshold(float(np.log10(self.fap_threshold)))


@dataclass(frozen=True)
class Verdict:
    """Verdict on one event.

    Attributes
    ----------
    has_candidate : bool
        The best cluster is an anomaly candidate.
    reason : str
        Why not: ``no_cluster``, ``criteria`` (an optional filter failed), ``degenerate_fit``,
        ``fap`` (too common in the event's null); ``""`` for a candidate.
    test : NullTest or None
        The null test of the best cluster (None when there was none to test).
    dchi2_clipped : float
        The tested statistic: the delta chi-square near the cluster with clipped residuals.
    degeneracy : Degeneracy
        Degeneracies of the single-lens fit the residuals come from.
    log10_fap : float
        Calibrated log10 false-alarm probability (NaN without a test).
    """

    has_candidate: bool
    reason: str
    test: NullTest | None
    degeneracy: Degeneracy = field(default_factory=Degeneracy)
    dchi2_clipped: float = float("nan")
    log10_fap: float = float("nan")

    def to_row(self) -> dict[str, Any]:
        """Flat columns: ``best_fap`` (calibrated) and ``best_log10_fap``, ``best_significance``
        (``-best_log10_fap``), the event null's own ``best_fap_event`` (Monte Carlo p-value),
        ``best_fap_is_bound`` (no realisation reached the statistic) and ``best_log10_fap_event``
        (with the Gumbel tail), ``n_null``, ``n_null_exceed``, ``verdict_reason``,
        ``best_dchi2_clipped`` and the ``fit_degenerate*`` flags."""
        test = self.test
        log10 = self.log10_fap
        return {
            "best_fap": 10.0**log10,
            "best_log10_fap": log10,
            "best_significance": -log10,
            "best_fap_event": float("nan") if test is None else test.fap,
            "best_fap_is_bound": False if test is None else bool(test.fap_is_bound),
            "best_log10_fap_event": float("nan") if test is None else test.log10_fap,
            "n_null": 0 if test is None else test.n_null,
            "n_null_exceed": 0 if test is None else test.n_exceed,
            "verdict_reason": self.reason,
            "best_dchi2_clipped": self.dchi2_clipped,
            **self.degeneracy.to_row(),
        }


def judge(
    time: np.ndarray,
    residuals: np.ndarray,
    flux_err: np.ndarray,
    group: np.ndarray,
    grid: ScanGrid,
    clusters: pd.DataFrame,
    best: int | None,
    degeneracy: Degeneracy,
    *,
    scan: ScanOptions,
    options: VerdictOptions = VerdictOptions(),
    scanner: Any = None,
    method: Literal["fast", "slow"] = "fast",
    num_threads: int = 1,
) -> Verdict:
    """Verdict on the best cluster of a scanned event.

    Parameters
    ----------
    time, residuals, flux_err : ndarray, shape (N,)
        The scanned points (sorted times in days, flux residuals, rescaled errors).
    group : ndarray, shape (N,), int
        Data set code of each point.
    grid : ScanGrid
        The scan grid.
    clusters : DataFrame
        The cluster table (``t0``, ``teff``, ``dchi2``).
    best : int or None
        Row of the best cluster that passed the optional criteria.
    degeneracy : Degeneracy
        Flags of the single-lens fit.
    scan : ScanOptions
        The scan's options (window support rules).
    options : VerdictOptions
    scanner : callable, optional
        Scan function of the data (:func:`lcpipe.kernels.anomaly_scan.scan_grid` by default, or the
        template-free :func:`lcpipe.kernels.residual_scan.residual_scan`); the null uses the same.
    method, num_threads
        Kernel choice and threads of the scans.

    Returns
    -------
    Verdict
    """
    if best is None:
        reason = "no_cluster" if len(clusters) == 0 else "criteria"
        return Verdict(False, reason, None, degeneracy)
    if options.method == "criteria":
        if degeneracy.degenerate:
            return Verdict(False, "degenerate_fit", None, degeneracy)
        return Verdict(True, "", None, degeneracy)
    row = clusters.iloc[best]
    t0, teff = float(row["t0"]), float(row["teff"])
    scanner = scan_grid if scanner is None else scanner
    clipped = np.clip(residuals / flux_err, -options.clip_sigma, options.clip_sigma) * flux_err
    statistic = clipped_dchi2(
        time, clipped, flux_err, grid, t0, teff, scan=scan, scanner=scanner, method=method
    )
    test = null_test(
        time,
        clipped,
        flux_err,
        group,
        grid,
        statistic,
        t0,
        teff,
        min_points=scan.min_points,
        min_points_each_side=scan.min_points_each_side,
        options=options.null,
        log10_threshold=options.log10_nominal_threshold,
        scanner=scanner,
        method=method,
        num_threads=num_threads,
    )
    log10_fap = options.fap_calibration.log10_fap(test.log10_fap)
    if degeneracy.degenerate:
        return Verdict(False, "degenerate_fit", test, degeneracy, statistic, log10_fap)
    flagged = log10_fap <= np.log10(options.fap_threshold)
    return Verdict(bool(flagged), "" if flagged else "fap", test, degeneracy, statistic, log10_fap)


def clipped_dchi2(
    time: np.ndarray,
    residuals: np.ndarray,
    flux_err: np.ndarray,
    grid: ScanGrid,
    t0: float,
    teff: float,
    *,
    scan: ScanOptions,
    scanner: Any,
    method: Literal["fast", "slow"] = "fast",
) -> float:
    """Largest delta chi-square near a cluster in the scan of the (already clipped) residuals.

    "Near" is ``|t0' - t0| < cluster_separation * (teff' + teff)``, the clustering's own radius.

    Returns
    -------
    float
        0 when no grid point near the cluster scores.
    """
    result = scanner(
        time,
        residuals,
        1.0 / (flux_err * flux_err),
        grid,
        min_points=scan.min_points,
        min_points_each_side=scan.min_points_each_side,
        method=method,
    )
    near = np.abs(result.t0 - t0) < scan.cluster_separation * (grid.teff[result.level] + teff)
    return float(result.dchi2[near].max()) if np.any(near) else 0.0
