"""All long-term-variability features of one light curve: offsets and trends, seasons, state change,
periodograms and red-noise parameters (:func:`ltv_features`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lcpipe.lightcurve import LightCurve
from lcpipe.ltv.binning import bin_in_time
from lcpipe.ltv.changepoint import best_step
from lcpipe.ltv.drw import fit_damped_random_walk
from lcpipe.ltv.iar import iar_coefficient
from lcpipe.ltv.offsets import DAYS_PER_YEAR, offset_groups, years_since
from lcpipe.ltv.periodogram import highest_peak
from lcpipe.ltv.seasons import MAD_TO_SIGMA, largest_difference, season_index, season_medians
from lcpipe.ltv.selection import LTVSelection
from lcpipe.ltv.structure_function import structure_function
from lcpipe.ltv.trend import TrendFit, design_matrix, fit_trend
from lcpipe.options import convert_nested, options_dict

#: Neighbours on each side of a point in the outlier test (:func:`isolated_outliers`).
OUTLIER_NEIGHBOURS = 2


@dataclass(frozen=True)
class LTVOptions:
    """How the LTV features of a light curve are measured.

    Attributes
    ----------
    min_points : int
        Fewest usable points (status ``too_few_points`` below).
    min_span_days : float
        Shortest time span (days; status ``too_short`` below).
    min_group_points : int
        Points of a camera/band group below which the group is left out (its zero point is not constrained).
    clip_sigma : float
        Isolated points whose residual from the first linear fit exceeds this many robust sigma (from
        the median residual and from that of their neighbours) are left out.
    season_gap_days : float
        A gap longer than this (days) starts a new season.
    min_season_points : int
        Seasons with fewer points get no median.
    min_step_points : int
        Fewest points on each side of a change point.
    bin_days : float
        Width of the time bins of the red-noise features and the detrended periodogram (days).
    ls_min_period_days : float
        Shortest period of the periodogram of the detrended bins (days); the longest is the span.
    ls_frequencies : int
        Frequencies of the periodogram of the detrended bins (about 3 per peak width 1 / span between
        1 / span and 1 / ls_min_period_days); that of the season medians gets a third.
    sf_log_lag_range : (float, float)
        Lag range of the structure function in log10(days).
    sf_bins : int
        Lag bins of the structure function.
    sf_min_pairs : int
        Fewest pairs of a structure-function bin used in the slope.
    drw_tau_range : (float, float)
        Bounds of the DRW damping time (days).
    selection : LTVSelection
        Thresholds of the candidate criteria.
    """

    min_points: int = 30
    min_span_days: float = 365.0
    min_group_points: int = 5
    clip_sigma: float = 5.0
    season_gap_days: float = 60.0
    min_season_points: int = 5
    min_step_points: int = 10
    bin_days: float = 20.0
    ls_min_period_days: float = 60.0
    ls_frequencies: int = 150
    sf_log_lag_range: tuple[float, float] = (1.3, 3.5)
    sf_bins: int = 10
    sf_min_pairs: int = 10
    drw_tau_range: tuple[float, float] = (10.0, 1.0e4)
    selection: LTVSelection = field(default_factory=LTVSelection)

    def __post_init__(self) -> None:
        convert_nested(self)
        for name in ("sf_log_lag_range", "drw_tau_range"):
            value = tuple(float(v) for v in getattr(self, name))
            if len(value) != 2 or not value[0] < value[1]:
                raise ValueError(f"LTVOptions.{name} must be an increasing pair, got {getattr(self, name)}")
            object.__setattr__(self, name, value)
        positive = ("season_gap_days", "bin_days", "ls_min_period_days", "clip_sigma")
        if min(getattr(self, name) for name in positive) <= 0:
            raise ValueError(f"LTVOptions: {', '.join(positive)} must be > 0")
        if min(self.min_points, self.min_group_points, self.min_season_points, self.min_step_points) < 1:
            raise ValueError("LTVOptions: the minimum point counts must be >= 1")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of every option (for provenance)."""
        return options_dict(self)


def usable_points(lc: LightCurve, options: LTVOptions) -> tuple[LightCurve, list[str], np.ndarray]:
    """Time-sorted points with a finite magnitude and a positive error, in groups with enough points."""
    lc = lc.sorted()
    lc = lc.select(np.isfinite(lc.mag) & np.isfinite(lc.mag_err) & (lc.mag_err > 0) & np.isfinite(lc.time))
    labels, group = offset_groups(lc)
    counts = np.bincount(group, minlength=len(labels))
    keep = counts[group] >= options.min_group_points
    lc = lc.select(keep)
    labels, group = offset_groups(lc)
    return lc, labels, group


def isolated_outliers(normalised: np.ndarray, options: LTVOptions) -> np.ndarray:
    """1 where a point is an isolated outlier, 0 elsewhere (shape (N,), time order).

    A point is an outlier when its normalised residual is more than ``clip_sigma`` robust sigma from
    the median residual and also from the median of its ``2 * OUTLIER_NEIGHBOURS + 1``-point
    neighbourhood: a fade or a state change shared by its neighbours is kept.
    """
    centre = np.median(normalised)
    spread = max(MAD_TO_SIGMA * float(np.median(np.abs(normalised - centre))), 1.0)
    padded = np.pad(normalised, OUTLIER_NEIGHBOURS, mode="edge")
    local = np.median(np.lib.stride_tricks.sliding_window_view(padded, 2 * OUTLIER_NEIGHBOURS + 1), axis=1)
    limit = options.clip_sigma * spread
    return ((np.abs(normalised - centre) > limit) & (np.abs(normalised - local) > limit)).astype(np.int8)


def _season_scale(time: np.ndarray, residuals: np.ndarray, err: np.ndarray, options: LTVOptions) -> float:
    """Excess scatter of the season medians of trend residuals: sqrt(max(1, chi2 / (S - 2)))."""
    seasons = season_medians(
        time, residuals, err, season_index(time, options.season_gap_days), options.min_season_points
    )
    if len(seasons) < 4:
        return 1.0
    weights = 1.0 / seasons.error**2
    centre = np.sum(weights * seasons.median) / np.sum(weights)
    chi2 = float(np.sum(weights * (seasons.median - centre) ** 2))
    return float(np.sqrt(max(1.0, chi2 / (len(seasons) - 2))))


def _step_scale(
    time: np.ndarray,
    design: np.ndarray,
    mag: np.ndarray,
    err: np.ndarray,
    step_time: float,
    options: LTVOptions,
) -> float:
    """Error scale of the step model (offsets, linear trend and the step): point-level times season-level."""
    if not np.isfinite(step_time):
        return 1.0
    full = np.column_stack([design, (time > step_time).astype(float)])
    w = 1.0 / err**2
    params = np.linalg.pinv(full.T @ (full * w[:, None])) @ (full.T @ (w * mag))
    residuals = mag - full @ params
    dof = max(mag.size - full.shape[1], 1)
    point = float(np.sqrt(max(1.0, np.sum(w * residuals**2) / dof)))
    return point * _season_scale(time, residuals, err, options)


def _trend_columns(fit: TrendFit, scale: float, prefix: str, names: tuple[str, ...]) -> dict[str, float]:
    """Coefficients, scaled errors and significances of a trend fit."""
    out: dict[str, float] = {}
    errors = np.sqrt(np.clip(np.diag(fit.covariance), 0.0, None)) * scale
    for k, name in enumerate(names):
        value, error = float(fit.coefficients[k]), float(errors[k])
        out[f"{prefix}{name}"] = value
        out[f"{prefix}{name}_err"] = error
        out[f"{prefix}{name}_significance"] = abs(value) / error if error > 0 else float("nan")
    out[f"{prefix}reduced_chi2"] = fit.reduced_chi2
    return out


def ltv_features(lc: LightCurve, options: LTVOptions) -> dict[str, Any]:
    """Long-term-variability features of one light curve, every camera/band zero point fitted jointly.

    Steps: the usable points (finite magnitude, positive error, groups with ``min_group_points``); a
    linear fit with group offsets, clipping at ``clip_sigma`` robust sigma and refitting; linear and
    quadratic trends (errors scaled by the point-level excess ``sqrt(max(1, chi2_red))`` and by the
    season-level excess of the residual season medians); season medians of the offset-corrected
    magnitudes and their largest difference; the best step beyond the linear trend; and on
    ``bin_days`` bins of the offset-corrected magnitudes the structure function, the DRW and the IAR
    coefficient; Lomb–Scargle of the season medians and of the detrended bins.

    Parameters
    ----------
    lc : LightCurve
        Cleaned light curve, N points, any order.
    options : LTVOptions

    Returns
    -------
    dict
        ``status`` (``ok``, ``too_few_points``, ``too_short``) and, when ``ok``, the feature columns:
        ``n_points``, ``n_groups``, ``n_clipped``, ``span_years``, ``slope`` (mag/yr, > 0 fading) with
        ``slope_err`` and ``slope_significance``, ``quad_slope``/``quad_curvature`` (mag/yr, mag/yr^2)
        with theirs, ``offset_range`` (mag), ``n_seasons``, ``season_diff`` (mag) and
        ``season_diff_significance``, ``step`` (mag), ``step_err``, ``step_significance``,
        ``step_time`` (days), ``ls_seasons_*`` and ``ls_detrended_*`` (period days, power, false
        alarm), ``sf_slope``, ``sf_1yr`` (mag), ``drw_sigma`` (mag), ``drw_tau`` (days),
        ``drw_delta_loglike``, ``iar_phi``.
    """
    lc, labels, group = usable_points(lc, options)
    if len(lc) < options.min_points:
        return {"status": "too_few_points", "n_points": len(lc)}
    span = float(lc.time[-1] - lc.time[0])
    if span < options.min_span_days:
        return {"status": "too_short", "n_points": len(lc)}
    t_ref = float(np.median(lc.time))
    x = years_since(lc.time, t_ref)
    mag, err, n_groups = lc.mag, lc.mag_err, len(labels)

    keep = isolated_outliers(fit_trend(x, mag, err, group, n_groups, 1).residuals / err, options) == 0
    n_clipped = int((~keep).sum())
    time, x, mag, err, group = lc.time[keep], x[keep], mag[keep], err[keep], group[keep]

    linear = fit_trend(x, mag, err, group, n_groups, 1)
    quadratic = fit_trend(x, mag, err, group, n_groups, 2)
    point_scale = float(np.sqrt(max(1.0, linear.reduced_chi2)))
    scale = point_scale * _season_scale(time, linear.residuals, err, options)

    corrected = mag - linear.offsets[group]
    seasons = season_medians(
        time, corrected, err, season_index(time, options.season_gap_days), options.min_season_points
    )
    difference = largest_difference(seasons)
    design = design_matrix(x, group, n_groups, 1)
    step = best_step(time, design, linear.residuals, err, options.min_step_points)
    step_err = step.step_error * _step_scale(time, design, mag, err, step.time, options)

    binned = bin_in_time(time, corrected, err, options.bin_days)
    detrended = bin_in_time(time, linear.residuals, err, options.bin_days)
    edges = np.linspace(*options.sf_log_lag_range, options.sf_bins + 1)
    sf = structure_function(binned.time, binned.value, binned.error, edges, options.sf_min_pairs)
    drw = fit_damped_random_walk(binned.time, binned.value, binned.error, options.drw_tau_range)
    ls_seasons = highest_peak(
        seasons.time, seasons.median, seasons.error, 2.0 * DAYS_PER_YEAR, 2.0 * span,
        max(options.ls_frequencies // 3, 10),
    )  # fmt: skip
    ls_detrended = highest_peak(
        detrended.time, detrended.value, detrended.error, options.ls_min_period_days, span,
        options.ls_frequencies,
    )  # fmt: skip
    referenced = linear.offsets - linear.offsets[0]
    return {
        "status": "ok",
        "n_points": int(time.size),
        "n_groups": n_groups,
        "offset_groups": ";".join(labels),
        "n_clipped": n_clipped,
        "span_years": span / DAYS_PER_YEAR,
        "reference_time": t_ref,
        **_trend_columns(linear, scale, "", ("slope",)),
        **_trend_columns(quadratic, scale, "quad_", ("slope", "curvature")),
        "offset_range": float(np.ptp(referenced)) if n_groups > 1 else 0.0,
        "error_scale": scale,
        "n_seasons": len(seasons),
        "season_diff": difference.difference,
        "season_diff_significance": difference.significance,
        "season_bright_time": difference.time_bright,
        "season_faint_time": difference.time_faint,
        "step": step.step,
        "step_err": step_err,
        "step_significance": abs(step.step) / step_err if step_err > 0 else float("nan"),
        "step_time": step.time,
        "ls_seasons_period": ls_seasons.period,
        "ls_seasons_power": ls_seasons.power,
        "ls_detrended_period": ls_detrended.period,
        "ls_detrended_power": ls_detrended.power,
        "ls_detrended_fap": ls_detrended.false_alarm,
        "sf_slope": sf.slope,
        "sf_1yr": sf.amplitude_1yr,
        "drw_sigma": drw.sigma,
        "drw_tau": drw.tau,
        "drw_delta_loglike": drw.delta_log_likelihood,
        "iar_phi": iar_coefficient(binned.time, binned.value, binned.error),
    }
