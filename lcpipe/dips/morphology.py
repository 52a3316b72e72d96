"""Shape of an event: constant vs Gaussian, skewed Gaussian, Paczynski and FRED profiles, chosen by BIC.

Every profile is ``r(t) = c + A g(t; theta)`` with a unit-peak template g. For each trial of the
nonlinear parameters theta the linear pair (c, A) is solved in closed form by weighted least squares
from four weighted sums of the template (compiled, one template at a time:
:func:`lcpipe.kernels.dips_profiles.template_sums`), so a fit is a scan of a small theta grid (a few
hundred templates) followed by three rounds of a finer grid around the best point. The amplitude is
sign-constrained (dips: A > 0, fainter; jumps: A < 0, brighter); a template whose best A has the wrong
sign scores as the constant model. No iterative optimiser is called, so a light curve with many runs
stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from lcpipe.dips.trigger import Run
from lcpipe.kernels.dips_profiles import template_sums, template_values

#: Templates whose largest value at the data points is below this fraction of their peak are rejected.
MIN_SAMPLED_PEAK = 0.25

#: Widths (Gaussian sigma, Paczynski tE, FRED decay time) are at most this fraction of the window span:
#: wider templates turn into steps that model the window's edge rather than an event.
MAX_WIDTH_FRACTION = 1.0 / 3.0
#: Refinement rounds after the coarse grid (each 3x finer in t0 and log width).
ZOOM_ROUNDS = 3

#: An event's extent grows this many points of a group at a time ...
EXTENT_STEP = 5
#: ... while their median residual exceeds this many sigmas in the event's direction ...
EXTENT_LEVEL = 0.5
#: ... within the group's stretch without a gap longer than this many of its median spacings.
EXTENT_GAP_FACTOR = 10.0

DIP_MODELS: tuple[str, ...] = ("gaussian", "skew_gaussian")
JUMP_MODELS: tuple[str, ...] = ("gaussian", "paczynski", "fred")


@dataclass(frozen=True)
class ProfileFit:
    """Best fit of one profile.

    Attributes
    ----------
    model : str
    chi2 : float
    n_params : int
        Linear plus nonlinear parameters (for the BIC).
    offset, amplitude : float
        c and A (mag); A is the peak of the template (unit-peak templates).
    theta : tuple of float
        Nonlinear parameters (t0 first, days).
    """

    model: str
    chi2: float
    n_params: int
    offset: float
    amplitude: float
    theta: tuple[float, ...]


@dataclass(frozen=True)
class Morphology:
    """Selected model of one run.

    Attributes
    ----------
    model : str
        ``"constant"`` or the accepted profile.
    delta_bic : float
        BIC(constant) - BIC(model) (0 for the constant).
    width : float
        FWHM of the fitted profile (days; NaN for the constant).
    amplitude : float
        Peak of the profile above the constant level (mag, signed like the residuals).
    t0 : float
        Time of the profile's peak (days; NaN for the constant).
    symmetry : float
        1 - |area before peak - area after| / total area of the fitted profile: 1 for a symmetric
        shape, towards 0 for a one-sided one (NaN for the constant).
    """

    model: str
    delta_bic: float
    width: float
    amplitude: float
    t0: float
    symmetry: float


#: Nonlinear parameters of each profile (t0, width and, but for the Gaussian, a shape parameter).
_N_NONLINEAR: dict[str, int] = {"gaussian": 2, "skew_gaussian": 3, "paczynski": 3, "fred": 3}

#: Discrete grids of each profile's third (shape) parameter.
_SHAPE_GRID = {
    "skew_gaussian": np.array([-6.0, -2.0, 0.0, 2.0, 6.0]),
    "paczynski": np.array([0.05, 0.15, 0.4, 1.0]),
    "fred": np.array([0.05, 0.15, 0.4, 1.0]),
}


def _linear_chi2(
    sums: tuple[np.ndarray, ...], y: np.ndarray, w: np.ndarray, sign: float
) -> tuple[np.ndarray, ...]:
    """chi2, c, A of y ~ c + A g for each template from its sums ``(sum w g, sum w g^2, sum w g y,
    max g)`` (:func:`lcpipe.kernels.dips_profiles.template_sums`, each shape (M,)), A sign-constrained."""
    sw, swy, swyy = w.sum(), w @ y, w @ (y * y)
    c_const = swy / sw
    chi2_const = swyy - swy * c_const
    swg, swgg, swgy, gmax = sums
    det = sw * swgg - swg**2
    ok = det > 1e-12 * sw * np.maximum(swgg, 1e-300)
    safe = np.where(ok, det, 1.0)
    amp = np.where(ok, (sw * swgy - swg * swy) / safe, 0.0)
    c = np.where(ok, (swgg * swy - swg * swgy) / safe, c_const)
    chi2 = swyy - c * swy - amp * swgy
    # a template must reach a quarter of its peak at some data point, else A is unconstrained
    bad = ~ok | (amp * sign <= 0) | (gmax < MIN_SAMPLED_PEAK)
    chi2 = np.where(bad, chi2_const, np.maximum(chi2, 0.0))
    return chi2, np.where(bad, c_const, c), np.where(bad, 0.0, amp)


def fit_profile(
    model: str, t: np.ndarray, y: np.ndarray, w: np.ndarray, sign: float, n_t0: int = 12, n_width: int = 8
) -> ProfileFit:
    """Fit one profile by a vectorised grid over (t0, width, shape) and two zoomed refinements.

    Parameters
    ----------
    model : {"gaussian", "skew_gaussian", "paczynski", "fred"}
    t, y, w : ndarray, shape (n,)
        Times (days, sorted), residuals (mag) and weights 1/sigma^2.
    sign : {+1, -1}
        Required sign of the amplitude.
    n_t0, n_width : int
        Coarse grid sizes of the peak time and width.

    Returns
    -------
    ProfileFit
    """
    n_nonlinear = _N_NONLINEAR[model]
    span = max(float(t[-1] - t[0]), 0.1)
    t0_grid = np.linspace(t[0], t[-1], n_t0)
    w_grid = np.geomspace(0.05, span * MAX_WIDTH_FRACTION, n_width)
    shapes = _SHAPE_GRID.get(model, np.array([np.nan]))
    t0s, ws, ss = (a.ravel() for a in np.meshgrid(t0_grid, w_grid, shapes, indexing="ij"))

    def evaluate(t0s, ws, ss):
        chi2, c, amp = _linear_chi2(template_sums(model, t, y, w, t0s, ws, ss), y, w, sign)
        best = int(np.argmin(chi2))
        return best, chi2, c, amp

    best, chi2, c, amp = evaluate(t0s, ws, ss)
    step_t0, ratio_w = t0_grid[1] - t0_grid[0], (w_grid[1] / w_grid[0])
    for _ in range(ZOOM_ROUNDS):  # 7 x 7 x (best shape and its neighbours), 3x finer each round
        t0_fine = t0s[best] + np.linspace(-step_t0, step_t0, 7)
        w_fine = np.minimum(ws[best] * ratio_w ** np.linspace(-1.0, 1.0, 7), w_grid[-1])
        k = int(np.argmin(np.abs(shapes - ss[best]))) if shapes.size > 1 else 0
        near = shapes[max(k - 1, 0) : k + 2]
        t0_new, w_new, s_new = (a.ravel() for a in np.meshgrid(t0_fine, w_fine, near, indexing="ij"))
        b2, chi2_2, c2, amp2 = evaluate(t0_new, w_new, s_new)
        if chi2_2[b2] <= chi2[best]:
            t0s, ws, ss, best, chi2, c, amp = t0_new, w_new, s_new, b2, chi2_2, c2, amp2
        step_t0, ratio_w = step_t0 / 3.0, ratio_w ** (1.0 / 3.0)
    theta = (float(t0s[best]), float(ws[best])) + ((float(ss[best]),) if n_nonlinear == 3 else ())
    return ProfileFit(model, float(chi2[best]), 2 + n_nonlinear, float(c[best]), float(amp[best]), theta)


def profile_values(fit: ProfileFit, t: np.ndarray) -> np.ndarray:
    """The fitted profile's unit-amplitude shape g(t) at times ``t`` (shape (M,), days); the model in
    magnitudes relative to the baseline is ``fit.offset + fit.amplitude * g``."""
    t0, width = np.array([fit.theta[0]]), np.array([fit.theta[1]])
    shape = np.array([fit.theta[2] if len(fit.theta) > 2 else np.nan])
    return template_values(fit.model, np.asarray(t, dtype=np.float64), t0, width, shape)[0]


def _profile_shape(fit: ProfileFit, t_lo: float, t_hi: float) -> tuple[float, float, float]:
    """FWHM (days), peak time and symmetry of a fitted profile, from a fine time grid."""
    width = fit.theta[1]
    tt = np.linspace(min(t_lo, fit.theta[0] - 8 * width), max(t_hi, fit.theta[0] + 8 * width), 4001)
    g = profile_values(fit, tt)
    k = int(np.argmax(g))
    above = np.flatnonzero(g >= 0.5 * g[k])
    fwhm = float(tt[above[-1]] - tt[above[0]])
    left, right = g[: k + 1].sum(), g[k:].sum()
    symmetry = 1.0 - abs(left - right) / (left + right) if left + right > 0 else np.nan
    return fwhm, float(tt[k]), float(symmetry)


def classify_run(
    t: np.ndarray, y: np.ndarray, sigma: np.ndarray, kind: Literal["dip", "jump"], min_delta_bic: float = 10.0
) -> Morphology:
    """Choose the morphology of one (padded) run by BIC.

    Parameters
    ----------
    t, y, sigma : ndarray, shape (n,)
        Times (days, sorted), residuals m - b (mag) and their errors (mag).
    kind : {"dip", "jump"}
        Dips try Gaussian then skewed Gaussian; jumps Gaussian, Paczynski, FRED.
    min_delta_bic : float
        A profile is a candidate when its BIC is below the constant's by more than this; the candidate
        with the lowest BIC wins (so a profile with one more parameter wins when it lowers chi2 by more
        than ln n), whatever the order the profiles are tried in.

    Returns
    -------
    Morphology
    """
    w = 1.0 / sigma**2
    n = t.size
    const_chi2 = float(w @ (y - (w @ y) / w.sum()) ** 2)
    bic_const = const_chi2 + np.log(n)
    best_bic, best_fit = bic_const - min_delta_bic, None
    sign = 1.0 if kind == "dip" else -1.0
    for model in DIP_MODELS if kind == "dip" else JUMP_MODELS:
        if (2 + _N_NONLINEAR[model]) * np.log(n) >= best_bic:
            continue  # even chi2 = 0 would not beat the bar: the fit cannot change the answer
        fit = fit_profile(model, t, y, w, sign)
        bic = fit.chi2 + fit.n_params * np.log(n)
        if bic < best_bic:
            best_bic, best_fit = bic, fit
    if best_fit is None:
        return Morphology("constant", 0.0, np.nan, 0.0, np.nan, np.nan)
    fwhm, t_peak, symmetry = _profile_shape(best_fit, float(t[0]), float(t[-1]))
    return Morphology(best_fit.model, float(bic_const - best_bic), fwhm, best_fit.amplitude, t_peak, symmetry)


def _grown(z: np.ndarray, first: int, last: int, step: int, level: float) -> tuple[int, int]:
    """``[first, last]`` grown outwards ``step`` points at a time while the median of the next ``step``
    values of ``z`` stays above ``level`` (``last`` may be ``first - 1``: an empty start)."""
    while first > 0 and np.median(z[max(first - step, 0) : first]) > level:
        first = max(first - step, 0)
    while last < z.size - 1 and np.median(z[last + 1 : last + 1 + step]) > level:
        last = min(last + step, z.size - 1)
    return first, last


def _segment(tg: np.ndarray, t_start: float, t_end: float, gap_factor: float) -> np.ndarray | None:
    """Indices into ``tg`` (one group's sorted times) of its stretch without a gap longer than
    ``gap_factor`` times its median spacing that reaches [t_start, t_end]; None when none does."""
    if tg.size < 2:
        return None
    gap = gap_factor * max(float(np.median(np.diff(tg))), 1e-3)
    lo, hi = int(np.searchsorted(tg, t_start - gap)), int(np.searchsorted(tg, t_end + gap, side="right"))
    if lo >= hi:
        return None
    breaks = np.flatnonzero(np.diff(tg) > gap)
    seg_lo = int(breaks[breaks < lo][-1] + 1) if np.any(breaks < lo) else 0
    seg_hi = int(breaks[breaks >= hi - 1][0] + 1) if np.any(breaks >= hi - 1) else tg.size
    return np.arange(seg_lo, seg_hi)


def event_extent(time: np.ndarray, z: np.ndarray, group: np.ndarray, run: Run) -> tuple[int, int]:
    """Indices (first, last) of a run grown along the event's wings beyond its triggered points.

    In each baseline group (data set and band) separately, the run's span is grown outwards
    :data:`EXTENT_STEP` of the group's points at a time while their median signed residual stays above
    :data:`EXTENT_LEVEL` sigmas, within the group's stretch of data around the run (no gap longer than
    :data:`EXTENT_GAP_FACTOR` median spacings: a season gap ends it); the extent is the union over the
    groups. Per group, because a data set that observed only during the event (follow-up of a
    microlensing peak) has its zero point on the event and residuals about zero there: pooled in time
    order, its dense points would stop the others' growth.

    Parameters
    ----------
    time : ndarray, shape (N,)
        Sorted times (days).
    z : ndarray, shape (N,)
        Residual / sigma, positive in the event's direction.
    group : ndarray, shape (N,)
        Baseline group of each point.
    run : Run
    """
    t_start, t_end = time[run.first], time[run.last]
    for label in np.unique(group):
        idx = np.flatnonzero(group == label)
        segment = _segment(time[idx], t_start, t_end, EXTENT_GAP_FACTOR)
        if segment is None:
            continue
        idx = idx[segment]
        tg = time[idx]
        first = int(np.searchsorted(tg, time[run.first], side="left"))
        last = int(np.searchsorted(tg, time[run.last], side="right")) - 1
        grown_first, grown_last = _grown(z[idx], first, last, EXTENT_STEP, EXTENT_LEVEL)
        if grown_first < first:
            t_start = min(t_start, tg[grown_first])
        if grown_last > last:
            t_end = max(t_end, tg[grown_last])
    first = int(np.searchsorted(time, t_start, side="left"))
    return first, int(np.searchsorted(time, t_end, side="right")) - 1


def morphology_window(
    time: np.ndarray, z: np.ndarray, group: np.ndarray, run: Run, pad_points: int, pad_durations: float
) -> tuple[int, int]:
    """Index range [lo, hi) of a run's morphology fit: the event's extent (:func:`event_extent`) widened
    by ``pad_points`` points and by ``pad_durations`` times its duration on each side, whichever reaches
    farther (time-sorted ``time``)."""
    first, last = event_extent(time, z, group, run)
    pad_days = pad_durations * (time[last] - time[first])
    lo = min(first - pad_points, int(np.searchsorted(time, time[first] - pad_days, side="left")))
    hi = max(last + pad_points + 1, int(np.searchsorted(time, time[last] + pad_days, side="right")))
    return max(lo, 0), min(hi, time.size)
