"""The anomaly finder: PSPL fit → residuals → grid scan → clusters → quality → criteria → score.

Several data sets (observatories, telescopes, bands) are one joint search. The PSPL fit gives each its
own blend (and source) flux; each data set's errors get their own factor; every data set's residuals are
then brought onto the reference data set's flux scale (``(F_k - fb_k) fs / fs_k``; an anomaly is a
change of magnification, the same ``fs ΔA`` for all of them) and scanned together: at every grid point
the window holds the points of every data set within ``|t - t0| < half_width * teff`` and the template
amplitude is common to them, so a short anomaly covered by one site counts with that site's points
alone and one covered by several adds their evidence with no extra freedom per data set.
:func:`lcpipe.microlensing.datasets.dataset_support` then says which data sets carry each candidate.
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from lcpipe.kernels.anomaly_scan import GridScan, scan_grid
from lcpipe.kernels.clusters import find_clusters
from lcpipe.kernels.residual_scan import residual_scan
from lcpipe.kernels.scan_grid import ScanGrid
from lcpipe.kernels.window_quality import QUALITY_COLUMNS, window_quality
from lcpipe.microlensing.criteria import CandidateCriteria
from lcpipe.microlensing.datasets import dataset_support
from lcpipe.microlensing.degenerate import refit_if_degenerate
from lcpipe.microlensing.grid import ScanOptions, build_grid, limit_teff
from lcpipe.microlensing.photometry import rescale_errors, rescale_errors_by_group
from lcpipe.microlensing.pspl import PSPLFit, PSPLOptions, fit_pspl
from lcpipe.microlensing.result import _NAN_SCORE, CLUSTER_COLUMNS, AnomalyResult
from lcpipe.microlensing.score import ScoreOptions, score_cluster
from lcpipe.microlensing.verdict import VerdictOptions, judge
from lcpipe.options import convert_nested

_SCANNERS = {"template": scan_grid, "residual": residual_scan}


@dataclass(frozen=True)
class FinderOptions:
    """Options of :func:`find_anomalies`; nested options may be given as mappings of their fields.

    Attributes
    ----------
    scan : ScanOptions
        Grid, window and clustering definitions.
    criteria : CandidateCriteria
        Optional filters a cluster must pass to be tested (all off by default).
    score : ScoreOptions
        Reference population and statistics of the score.
    pspl : PSPLOptions
        Options of the single-lens fit.
    verdict : VerdictOptions
        False-alarm threshold, null sampling and degenerate-fit handling of the verdict.
    max_teff_over_tE : float or None
        Scan only timescales ``teff <= max_teff_over_tE * tE`` of the single-lens fit: a deviation
        as long as the event itself is a misfit of the model (parallax, xallarap, a wrong blend),
        not a short anomaly, and its cluster would absorb every short one nearby (None: the whole
        grid, as the reference tool).
    scan_mode : {"template", "residual"}
        ``template``: delta chi-square of the better of the two magnification templates over a flat
        model; ``residual``: the template-free excess chi-square of a flat model (the cluster table's
        ``template`` is then -1 and its support columns use template A0).
    rescale_errors : bool
        Scale the flux errors after the fit so that its chi2/dof becomes 1 (reported as
        ``error_scale``); ground-based errors are rarely right.
    rescale_per_dataset : bool
        With several data sets, give each its own factor (its own chi2/dof becomes 1; see
        :func:`lcpipe.microlensing.photometry.rescale_errors_by_group`), reported as ``error_scales``.
    allow_error_shrink : bool
        Let that factor be below 1 (by default errors are only ever inflated).
    method : {"fast", "slow"}
        Compiled kernels or the NumPy references (tests only: the reference visits every grid point).
    num_threads : int
        OpenMP threads of the scan (0: OpenMP default); results do not depend on it.
    """

    scan: ScanOptions = field(default_factory=ScanOptions)
    criteria: CandidateCriteria = field(default_factory=CandidateCriteria)
    score: ScoreOptions = field(default_factory=ScoreOptions)
    pspl: PSPLOptions = field(default_factory=PSPLOptions)
    verdict: VerdictOptions = field(default_factory=VerdictOptions)
    max_teff_over_tE: float | None = 0.1
    scan_mode: Literal["template", "residual"] = "template"
    rescale_errors: bool = True
    rescale_per_dataset: bool = True
    allow_error_shrink: bool = False
    method: Literal["fast", "slow"] = "fast"
    num_threads: int = 1

    def __post_init__(self) -> None:
        convert_nested(self)
        if self.method not in ("fast", "slow"):
            raise ValueError(f"FinderOptions.method must be 'fast' or 'slow', got {self.method!r}")
        if self.scan_mode not in _SCANNERS:
            raise ValueError(
                f"FinderOptions.scan_mode must be 'template' or 'residual', got {self.scan_mode!r}"
            )
        if self.max_teff_over_tE is not None and not self.max_teff_over_tE > 0:
            raise ValueError(
                f"FinderOptions.max_teff_over_tE must be > 0 or None, got {self.max_teff_over_tE}"
            )
        if self.num_threads < 0:
            raise ValueError(f"FinderOptions.num_threads must be >= 0, got {self.num_threads}")

    @classmethod
    def reference(cls, **changes: Any) -> FinderOptions:
        """The published tool's definitions (for parity runs): no error rescaling, no gap rule, the
        whole teff grid, and the fixed criteria instead of the null verdict."""
        base = cls(
            rescale_errors=False,
            scan=ScanOptions(min_points_each_side=0),
            max_teff_over_tE=None,
            criteria=CandidateCriteria.survey_defaults(),
            verdict=VerdictOptions(method="criteria"),
        )
        return replace(base, **changes)


def find_anomalies(
    time: np.ndarray,
    flux: np.ndarray,
    flux_err: np.ndarray,
    *,
    options: FinderOptions = FinderOptions(),
    group: np.ndarray | None = None,
    independent_scales: bool = False,
) -> AnomalyResult:
    """Search one light curve for short anomalies on top of a single-lens event.

    Parameters
    ----------
    time, flux, flux_err : array_like, shape (N,)
        Times (days), linear flux and 1-sigma errors, any order; non-finite points and errors <= 0
        are dropped by the fit. Magnitudes: convert with
        :func:`lcpipe.microlensing.photometry.mags_to_fit_flux` first.
    options : FinderOptions
    group : array_like, shape (N,), optional
        Data set of each point: each gets its own blend flux in the PSPL fit (see
        :func:`lcpipe.microlensing.pspl.fit_pspl`) and its own error factor, and the scan runs on the
        fluxes of every data set brought onto the reference data set's flux scale (one joint scan).
        Build it with :func:`lcpipe.microlensing.fit_input.fit_input` from light curves.
    independent_scales : bool
        Data sets with unrelated flux units, each with its own source flux (see ``fit_pspl``).

    Returns
    -------
    AnomalyResult
        Never raises for bad data: ``status`` says why nothing was scanned.
    """
    start = _time.perf_counter()
    fit = fit_pspl(
        time, flux, flux_err, options=options.pspl, group=group, independent_scales=independent_scales
    )
    return scan_fit(fit, options=options, fit_seconds=_time.perf_counter() - start)


def scan_fit(
    fit: PSPLFit, *, options: FinderOptions = FinderOptions(), fit_seconds: float = 0.0
) -> AnomalyResult:
    """Scan the residuals of an existing PSPL fit (the pipeline's scan stage).

    Parameters
    ----------
    fit : PSPLFit
        Single-lens fit; its points (``fit.time``, ``fit.flux``, ``fit.flux_err``) are scanned.
    options : FinderOptions
        ``options.pspl`` is not used here.
    fit_seconds : float
        Time the fit took, carried into ``timings``.

    Returns
    -------
    AnomalyResult
    """
    start = _time.perf_counter()
    fit, degeneracy = refit_if_degenerate(fit, pspl=options.pspl, options=options.verdict.degeneracy)
    order = np.argsort(fit.time, kind="stable")
    t, f, e = (np.asarray(a, dtype=float)[order] for a in (fit.time, fit.flux, fit.flux_err))
    if not fit.ok:
        return _unscanned(fit.status, fit, t, f, e, fit_seconds)
    group = np.zeros(t.size, np.int64) if fit.group is None else np.asarray(fit.group)[order]
    scales, e, error_scale = _rescaled_errors(fit, e, order, options)
    residuals = f - fit.model_flux(t)
    weights = 1.0 / (e * e)
    grid = build_grid(t, options.scan)
    if options.max_teff_over_tE is not None:
        grid = limit_teff(grid, options.max_teff_over_tE * fit.tE)
    scanner = _SCANNERS[options.scan_mode]
    scan = _scan(scanner, t, residuals, weights, grid, options)
    scanned = _time.perf_counter()
    clusters, teff = _clusters(t, residuals, weights, grid, scan, options)
    accepted = clusters["accepted"].to_numpy()
    best = _largest(clusters["dchi2"].to_numpy(), accepted)
    top = _largest(clusters["dchi2"].to_numpy(), np.ones(len(clusters), bool))
    season, dchi2 = clusters["season"].to_numpy(), clusters["dchi2"].to_numpy()
    best_score = _NAN_SCORE if best is None else score_cluster(season, teff, dchi2, best, options.score)
    top_score = best_score if top == best else score_cluster(season, teff, dchi2, top, options.score)
    labels = _labels(fit)
    support = {
        name: dataset_support(t, residuals, weights, group, labels, clusters.iloc[row], options.scan,
                              method=options.method)
        for name, row in (("best", best), ("top", top)) if row is not None
    }  # fmt: skip
    scored = _time.perf_counter()
    verdict = judge(
        t,
        residuals,
        e,
        group,
        grid,
        clusters,
        best,
        degeneracy,
        scan=options.scan,
        options=options.verdict,
        scanner=scanner,
        method=options.method,
        num_threads=options.num_threads,
    )
    done = _time.perf_counter()
    timings = {
        "fit": fit_seconds,
        "scan": scanned - start,
        "clusters": scored - scanned,
        "null": done - scored,
        "total": fit_seconds + done - start,
    }
    return AnomalyResult(
        "ok",
        fit,
        error_scale,
        t,
        f,
        e,
        residuals,
        grid,
        int(np.count_nonzero(scan.hi - scan.lo >= options.scan.min_points)),
        clusters,
        best,
        best_score,
        top,
        top_score,
        timings,
        group=group,
        dataset_labels=labels,
        dataset_error_scales=np.asarray(scales, dtype=float),
        support=support,
        verdict=verdict,
    )


def _scan(
    scanner, t: np.ndarray, residuals: np.ndarray, weights: np.ndarray, grid: ScanGrid, options: FinderOptions
) -> GridScan:
    """The grid scan of ``options.scan_mode`` with the window rules of ``options.scan``."""
    return scanner(
        t,
        residuals,
        weights,
        grid,
        min_points=options.scan.min_points,
        min_points_each_side=options.scan.min_points_each_side,
        method=options.method,
        num_threads=options.num_threads,
    )


def _rescaled_errors(
    fit: PSPLFit, e: np.ndarray, order: np.ndarray, options: FinderOptions
) -> tuple[np.ndarray, np.ndarray, float]:
    """Error factor of each data set (K,), the rescaled time-sorted errors (N,) and the overall factor
    (``options.rescale_errors``, per data set with ``rescale_per_dataset``); the errors as they are
    otherwise."""
    scales = np.ones(max(int(fit.n_groups), 1))
    if options.rescale_errors and options.rescale_per_dataset and fit.n_groups > 1:
        scales, rescaled, error_scale = rescale_errors_by_group(fit, allow_shrink=options.allow_error_shrink)
        return scales, rescaled[order], error_scale
    if options.rescale_errors:
        error_scale, rescaled = rescale_errors(fit, allow_shrink=options.allow_error_shrink)
        return np.full(scales.size, error_scale), rescaled[order], error_scale
    return scales, e, 1.0


def _clusters(
    t: np.ndarray,
    residuals: np.ndarray,
    weights: np.ndarray,
    grid: ScanGrid,
    scan: GridScan,
    options: FinderOptions,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Cluster representatives of ``scan`` with their window quality and the criteria's verdict
    (columns :data:`CLUSTER_COLUMNS`), and the timescale of each (C,)."""
    reps = find_clusters(scan, grid, options.scan.cluster_separation, method=options.method)
    teff = grid.teff[scan.level[reps]]
    quality = window_quality(
        t,
        residuals,
        weights,
        scan.lo[reps],
        scan.hi[reps],
        scan.t0[reps],
        teff,
        np.maximum(scan.template[reps], 0),
        options.scan.contrib_threshold,
        method=options.method,
    )
    clusters = pd.DataFrame(
        {
            "season": scan.season[reps],
            "t0": scan.t0[reps],
            "teff": teff,
            "dchi2": scan.dchi2[reps],
            "template": scan.template[reps].astype(np.int64),
            **{c: quality[c].to_numpy() for c in QUALITY_COLUMNS if c != "dchi2_window"},
        }
    )
    accepted, reason = options.criteria.accept(clusters)
    clusters["accepted"] = accepted
    clusters["reject_reason"] = reason
    return clusters[list(CLUSTER_COLUMNS)], teff


def _labels(fit: PSPLFit) -> np.ndarray:
    """Label of each group code of ``fit`` (the codes as text when the fit has none)."""
    if fit.group_labels is not None:
        return np.asarray(fit.group_labels, dtype=str)
    return np.arange(max(int(fit.n_groups), 1)).astype(str)


def _largest(dchi2: np.ndarray, mask: np.ndarray) -> int | None:
    """Row with the largest delta chi-square among ``mask`` (first on a tie), None if none."""
    if not np.any(mask):
        return None
    return int(np.argmax(np.where(mask, dchi2, -np.inf)))


def _unscanned(
    status: str, fit: PSPLFit, t: np.ndarray, f: np.ndarray, e: np.ndarray, fit_seconds: float
) -> AnomalyResult:
    empty = pd.DataFrame(
        {c: pd.Series(dtype=object if c == "reject_reason" else float) for c in CLUSTER_COLUMNS}
    )
    return AnomalyResult(
        status,
        fit,
        float("nan"),
        t,
        f,
        e,
        np.full(t.size, np.nan),
        None,
        0,
        empty,
        None,
        _NAN_SCORE,
        None,
        _NAN_SCORE,
        {"fit": fit_seconds, "scan": 0.0, "clusters": 0.0, "total": fit_seconds},
    )
