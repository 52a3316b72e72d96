"""Point-source point-lens (PSPL) fit with the source and blend fluxes solved linearly.

The flux model is ``F(t) = fs * A(u(t)) + fb`` with the Paczyński magnification
``A(u) = (u**2 + 2) / (u * sqrt(u**2 + 4))`` and ``u(t) = sqrt(u0**2 + ((t - t0) / tE)**2)``.
Data from several cameras (groups) share ``fs`` and the event and get one blend flux each,
``F_k(t) = fs * A + fb_k``: a camera's zero-point offset is a flux factor ``c_k``, which at baseline is
the additive offset ``(c_k - 1) * (fs + fb)`` this model fits; during the event it leaves
``(c_k - 1) * fs * (A - 1)``, under 5% of the excess for the 0.01–0.05 mag offsets between cameras of
one survey band. Without that term a camera offset reads as an event (a step between cameras fits as a
slow bump) and the event significance is measured against one constant instead of one per camera.

For every trial of the nonlinear parameters ``(t0, ln tE, u0)`` the linear ones come from weighted
least squares (variable projection), so Levenberg–Marquardt only walks a 3-D space. Its derivatives
are analytic: the gradient of the projected chi-square is exact and the curvature matrix is Kaufman's
approximation ``fs**2 D^T W P D`` (``D = dA/dtheta``, ``P`` the weighted projector orthogonal to the
span of ``A`` and the per-group constants). One pass over the data gives every per-group sum the step
needs; that pass, the linear solve and the Levenberg–Marquardt loop are compiled kernels
(:mod:`lcpipe.kernels.pspl`, each with its NumPy reference). This module chooses the starts, runs the
two-stage refinement and builds the result (:mod:`lcpipe.microlensing.pspl_result`) from the problem of
:mod:`lcpipe.microlensing.pspl_problem`.

Starting points come from the matched-filter search of :mod:`lcpipe.microlensing.coarse`; the fit
from each of the best few starts is refined and the lowest chi-square kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lcpipe.kernels.pspl import Projection, levenberg_marquardt
from lcpipe.microlensing.coarse import CoarseOptions, coarse_starts
from lcpipe.microlensing.magnification import pspl_magnification
from lcpipe.microlensing.pspl_problem import Problem, clean_points, weighted_means
from lcpipe.microlensing.pspl_result import N_PARAMS, PSPLFit, failed_fit, n_shared_params
from lcpipe.options import convert_nested


@dataclass(frozen=True)
class PSPLOptions:
    """Options of :func:`fit_pspl` (defaults are the reference tool's behaviour).

    Attributes
    ----------
    n_starts : int
        Number of coarse-search starts refined by Levenberg–Marquardt; the lowest chi2 wins.
    max_iter : int
        Maximum accepted LM steps per start.
    chi2_rtol : float
        Convergence: an accepted LM step lowering chi2 by less than ``chi2_rtol * dof``.
    lambda_init : float
        Initial LM damping (relative to the curvature diagonal).
    tE_min, tE_max : float
        Bounds on the Einstein timescale (days).
    u0_max : float
        Bound on ``|u0|``.
    t0_margin : float
        ``t0`` stays within the data's time range widened by this fraction of its span on each side.
    lm_bin_fraction : float
        First-stage LM runs on data binned to this fraction of the start's ``u0 * tE``.
    binned_max_iter : int
        Maximum accepted steps of that first stage (the polish continues from where it stopped).
    polish_dchi2 : float
        First-stage solutions within this chi2 of the best are all polished on the full data.
    own_flux_min_points : int
        With several groups (cameras), a group gets its own source flux when at least this many of its
        points are magnified (``u < 1``) on the first fit, where every group shares the reference
        group's source flux; groups with fewer keep sharing it (their data do not constrain it).
    coarse : CoarseOptions
        Options of the automatic start (a mapping of its fields is accepted too).
    parallax : str
        Annual parallax of significant events (not used by :func:`fit_pspl` itself; see
        :func:`lcpipe.microlensing.pspl_quality.fit_quality`): ``auto`` fits it where the event's
        coordinates and a full date are known and keeps it when it lowers chi-square significantly,
        ``on`` keeps every successful parallax fit, ``off`` never fits it (YAML's unquoted ``on``/``off``,
        read as booleans, are accepted).
    finite_source : str
        Finite source of significant events with a small ``u0`` (not used by :func:`fit_pspl`; see
        :func:`~lcpipe.microlensing.pspl_quality.fit_quality`): ``auto`` fits FSPL and keeps it when
        rho is significant, ``off`` never fits it.
    """

    n_starts: int = 4
    max_iter: int = 100
    chi2_rtol: float = 1e-10
    lambda_init: float = 1e-3
    tE_min: float = 0.01
    tE_max: float = 1.0e4
    u0_max: float = 5.0
    t0_margin: float = 0.5
    lm_bin_fraction: float = 0.05
    binned_max_iter: int = 30
    polish_dchi2: float = 10.0
    own_flux_min_points: int = 10
    coarse: CoarseOptions = field(default_factory=CoarseOptions)
    parallax: str | bool = "auto"
    finite_source: str | bool = "auto"

    def __post_init__(self) -> None:
        convert_nested(self)
        for name in ("parallax", "finite_source"):  # YAML 1.1 reads an unquoted on/off as a boolean
            value = getattr(self, name)
            if isinstance(value, bool):
                object.__setattr__(self, name, "on" if value else "off")
        if self.parallax not in ("auto", "on", "off") or self.finite_source not in ("auto", "off"):
            raise ValueError(
                f"parallax must be auto, on or off and finite_source auto or off, got {self.parallax!r}, "
                f"{self.finite_source!r}"
            )
        if min(self.n_starts, self.max_iter, self.binned_max_iter) < 1:
            raise ValueError(
                f"n_starts, max_iter and binned_max_iter must be >= 1, got {self.n_starts}, "
                f"{self.max_iter}, {self.binned_max_iter}"
            )
        if not 0 < self.tE_min < self.tE_max:
            raise ValueError(f"need 0 < tE_min < tE_max, got {self.tE_min}, {self.tE_max}")
        if self.lm_bin_fraction < 0 or self.polish_dchi2 < 0 or self.own_flux_min_points < 0:
            raise ValueError("lm_bin_fraction, polish_dchi2 and own_flux_min_points must be >= 0")
        if self.u0_max <= 0 or self.t0_margin < 0 or self.chi2_rtol <= 0 or self.lambda_init <= 0:
            raise ValueError("u0_max, chi2_rtol and lambda_init must be > 0 and t0_margin >= 0")


def _levenberg_marquardt(
    problem: Problem, theta: np.ndarray, options: PSPLOptions, chi2_tol: float, max_iter: int
) -> tuple[np.ndarray, Projection, int, bool] | None:
    """:func:`lcpipe.kernels.pspl.levenberg_marquardt` on ``problem`` with the damping of ``options``."""
    return levenberg_marquardt(problem, theta, options.lambda_init, chi2_tol, max_iter)


def _same_solution(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two ``(t0, ln tE, u0)`` agree to 1% (t0 in units of tE; the sign of u0 is irrelevant)."""
    return bool(
        abs(a[0] - b[0]) <= 0.01 * np.exp(a[1])
        and abs(a[1] - b[1]) <= 0.01
        and abs(abs(a[2]) - abs(b[2])) <= 0.01 * abs(a[2]) + 1e-4
    )


def _refine_starts(problem: Problem, starts: np.ndarray, options: PSPLOptions, dof: int):
    """Two-stage refinement of the starts ``(t0, ln tE, u0)``, shape (K, 3).

    Stage 1 runs LM from each start on data binned to ``lm_bin_fraction`` of the start's effective
    timescale (full data when that saves little) with the loose tolerance ``1e4 * chi2_rtol``; the
    results are ranked by their chi-square on the full data. Stage 2 polishes on the full data, with
    the tight tolerance, the best one and every other within ``polish_dchi2`` of it that ended
    somewhere else (:func:`_same_solution`). Returns the best ``(theta, projection, n_iter,
    converged)`` or None.
    """
    tight = options.chi2_rtol * max(dof, 1.0)
    ranked = []
    for start in starts:
        width = options.lm_bin_fraction * abs(start[2]) * np.exp(start[1])
        coarse = problem.binned(width) if width > 0 else problem
        if coarse.t.size > 0.5 * problem.t.size:
            coarse = problem
        max_iter = min(options.binned_max_iter, options.max_iter)
        result = _levenberg_marquardt(coarse, start, options, 1e4 * tight, max_iter)
        if result is None:
            continue
        state = problem.evaluate(result[0])
        if state is not None:
            ranked.append((state.chi2, result[0], result[2]))
    ranked.sort(key=lambda item: item[0])
    best = None
    tried: list[np.ndarray] = []
    for chi2, theta, n_coarse in ranked:
        if chi2 > ranked[0][0] + options.polish_dchi2:
            break
        if any(_same_solution(theta, other) for other in tried):
            continue
        result = _levenberg_marquardt(problem, theta, options, tight, options.max_iter)
        tried.append(theta)
        if result is None:
            continue
        tried.append(result[0])
        if best is None or result[1].chi2 < best[1].chi2:
            best = (result[0], result[1], n_coarse + result[2], result[3])
    return best


def fit_pspl(
    time: np.ndarray,
    flux: np.ndarray,
    flux_err: np.ndarray,
    *,
    options: PSPLOptions = PSPLOptions(),
    p0: tuple[float, float, float] | None = None,
    group: np.ndarray | None = None,
    independent_scales: bool = False,
) -> PSPLFit:
    """Fit a PSPL model with fs and the blend fluxes solved linearly; never raises for bad data.

    Parameters
    ----------
    time, flux, flux_err : array_like, shape (N,)
        Times (days), linear fluxes and their 1-sigma errors (see
        :func:`lcpipe.microlensing.photometry.mags_to_fit_flux` for magnitudes). Non-finite points
        and points with error <= 0 are dropped (counted in ``n_rejected``); order does not matter.
    options : PSPLOptions
        Fit options.
    p0 : (t0, tE, u0), optional
        Starting point; when given it is refined instead of the coarse-search starts.
    group : array_like, shape (N,), optional
        Camera (or telescope) label of each point: each group gets its own blend flux (see the module
        docstring). One group when omitted.
    independent_scales : bool
        The groups are data sets with unrelated flux units (several observatories' files, difference
        fluxes with arbitrary zero points or inverted sign): every group with at least 3 points whose
        magnification varies gets its own source flux, of either sign, from the start. The event is
        first fitted on the reference group alone (the data set with the most points), then jointly.
        Without it, groups share the reference group's source flux unless they have
        ``options.own_flux_min_points`` magnified points (cameras of one calibrated survey).

    Returns
    -------
    PSPLFit
        ``status`` tells whether the numbers are defined (see :class:`PSPLFit`).

    Raises
    ------
    ValueError
        Only for malformed input (arrays of different shapes) or an invalid ``p0``.
    """
    t, f, e, g, n_rejected, n_bad_errors, labels = clean_points(time, flux, flux_err, group, labels=True)
    n_groups = int(g.max()) + 1 if g.size else 1
    n_params = n_shared_params(n_groups)
    if t.size <= n_params:
        status = "bad_errors" if t.size + n_bad_errors > n_params else "too_few_points"
        return failed_fit(status, t, f, e, n_rejected, group=g)
    means = weighted_means(f, e, g, n_groups)
    chi2_const = float(np.sum(((f - means[g]) / e) ** 2))
    if np.ptp(f) == 0 or np.ptp(t) == 0:
        return failed_fit("degenerate", t, f, e, n_rejected, chi2_const, group=g)

    independent = bool(independent_scales) and n_groups > 1
    problem = Problem.from_data(t, f, e, g, options, per_group_scale=independent)
    dof = t.size - n_params
    if independent:
        best = _fit_independent(problem, options, p0, dof)
    else:
        survey = problem.survey_groups()
        best = _refine_starts(problem, _starts(problem, options, p0, survey), options, dof)
        if best is not None and n_groups > 1:
            best = _with_own_fluxes(problem, best, options, dof)
    if best is None:
        return failed_fit("fit_failed", t, f, e, n_rejected, chi2_const, group=g)
    theta, state, n_iter, converged = best
    dof -= int(np.count_nonzero(problem.own_fs))
    t0, te, u0 = float(theta[0]), float(np.exp(theta[1])), abs(float(theta[2]))
    fs_groups = problem.scale * state.fs
    fb_groups = problem.means + problem.scale * (state.offset - state.fs)
    magnification = pspl_magnification(t, t0, te, u0)
    chi2 = float(np.sum(((f - fs_groups[g] * magnification - fb_groups[g]) / e) ** 2))
    finite = np.all(np.isfinite(fs_groups)) and np.all(np.isfinite(fb_groups)) and np.all(fs_groups != 0)
    if not (finite and all(np.isfinite([t0, te, u0, chi2])) and dof > 0):
        return failed_fit("fit_failed", t, f, e, n_rejected, chi2_const, group=g)
    tol = 1e-9 * (1.0 + np.abs(theta))
    at_bound = bool(np.any(theta - problem.lower <= tol) or np.any(problem.upper - theta <= tol))
    ratio = fs_groups[0] / fs_groups[g]  # brings every group onto the reference group's flux scale
    return PSPLFit(
        t0=t0,
        tE=te,
        u0=u0,
        fs=float(fs_groups[0]),
        fb=float(fb_groups[0]),
        chi2=chi2,
        chi2_const=chi2_const,
        dchi2_const=chi2_const - chi2,
        dof=dof,
        chi2_dof=chi2 / dof,
        n_points=int(t.size),
        n_rejected=n_rejected,
        n_iter=int(n_iter),
        converged=bool(converged),
        at_bound=at_bound,
        status="ok",
        time=t,
        flux=(f - fb_groups[g]) * ratio + fb_groups[0],
        flux_err=e * np.abs(ratio),
        n_groups=n_groups,
        n_own_flux=1 + int(np.count_nonzero(problem.own_fs)),
        group=g,
        fs_groups=fs_groups,
        fb_groups=fb_groups,
        group_labels=labels,
        own_flux=np.concatenate([[True], problem.own_fs[1:]]),
    )


def _starts(
    problem: Problem,
    options: PSPLOptions,
    p0: tuple[float, float, float] | None,
    use: np.ndarray | None = None,
) -> np.ndarray:
    """Starting points ``(t0, ln tE, u0)``, shape (K, 3): ``p0``, else the coarse search's on the points
    ``use`` (bool, shape (N,); all when None)."""
    if p0 is not None:
        t0, te, u0 = (float(x) for x in p0)
        if not (np.isfinite(t0) and np.isfinite(u0) and te > 0):
            raise ValueError(f"p0 must be finite (t0, tE > 0, u0), got {p0}")
        return np.array([[t0, np.log(te), u0]])
    use = np.ones(problem.t.size, bool) if use is None else use
    coarse = coarse_starts(
        problem.t[use], problem.f[use], problem.w[use], options.coarse, n_starts=options.n_starts
    )
    return np.column_stack([coarse[:, 0], np.log(coarse[:, 1]), coarse[:, 2]])


def _fit_independent(
    problem: Problem, options: PSPLOptions, p0: tuple[float, float, float] | None, dof: int
) -> tuple | None:
    """Joint fit of data sets with unrelated flux units (``fit_pspl(independent_scales=True)``).

    The reference group (most points) alone gives the event, from ``p0`` or its own coarse search;
    then every group with at least 3 points whose ``A - 1`` is not constant gets its own source flux
    and LM continues on all points. ``problem.own_fs`` is left as the returned solution used it.
    """
    ref = problem.group == 0
    alone = Problem.from_data(
        problem.t[ref], problem.f[ref], 1.0 / np.sqrt(problem.w[ref]), problem.group[ref], options
    )
    first = _refine_starts(alone, _starts(alone, options, p0), options, int(ref.sum()) - N_PARAMS)
    if first is None:
        return None
    theta = problem.clip(first[0])
    a = pspl_magnification(problem.t, theta[0], float(np.exp(theta[1])), theta[2]) - 1.0
    counts = np.bincount(problem.group, minlength=problem.n_groups)
    sw = np.bincount(problem.group, problem.w, problem.n_groups)
    mean_a = np.bincount(problem.group, problem.w * a, problem.n_groups) / sw
    var_a = np.bincount(problem.group, problem.w * (a - mean_a[problem.group]) ** 2, problem.n_groups) / sw
    rms_a = np.sqrt(np.bincount(problem.group, problem.w * a * a, problem.n_groups) / sw)
    own = (counts >= 3) & (var_a > 1e-8 * np.maximum(rms_a, 1e-300) ** 2)
    own[0] = False  # the reference group's source flux is fs itself
    return _refit_with_own(problem, theta, own, options, dof, first[2])


def _with_own_fluxes(problem: Problem, best: tuple, options: PSPLOptions, dof: int) -> tuple | None:
    """Second pass of a multi-group fit: the groups with at least ``own_flux_min_points`` magnified
    points (``u < 1``) at the first solution get their own source flux, and LM continues from there.

    Returns the first solution (``problem.own_fs`` all False) when no group qualifies, else the refit;
    ``problem.own_fs`` is left as the returned solution used it.
    """
    theta = best[0]
    u = np.hypot(theta[2], (problem.t - theta[0]) / np.exp(theta[1]))
    magnified = np.bincount(problem.group, u < 1.0, problem.n_groups)
    own = magnified >= max(options.own_flux_min_points, 1)
    own[0] = False  # the reference group's source flux is the shared one
    if not own.any():
        return best
    return _refit_with_own(problem, theta, own, options, dof, best[2]) or best


def _refit_with_own(
    problem: Problem, theta: np.ndarray, own: np.ndarray, options: PSPLOptions, dof: int, n_iter: int
) -> tuple | None:
    """LM on all points from ``theta`` with the groups ``own`` (K,) bool given their own source flux;
    ``n_iter`` earlier steps are added to the count. None (and ``problem.own_fs`` all False again) when
    that start is degenerate."""
    problem.own_fs = own
    tight = options.chi2_rtol * max(dof - int(own.sum()), 1.0)
    refit = _levenberg_marquardt(problem, theta, options, tight, options.max_iter)
    if refit is None:
        problem.own_fs = np.zeros(problem.n_groups, bool)
        return None
    return refit[0], refit[1], n_iter + refit[2], refit[3]


__all__ = [
    "N_PARAMS",
    "PSPLFit",
    "PSPLOptions",
    "clean_points",
    "fit_pspl",
    "pspl_magnification",
]
