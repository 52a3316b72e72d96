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
needs; that pass is a numba kernel with a NumPy reference (:func:`projected_sums`) checked against it
by the tests.

Starting points come from the matched-filter search of :mod:`lcpipe.microlensing.coarse`; the fit
from each of the best few starts is refined and the lowest chi-square kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

import numba
import numpy as np

from lcpipe.microlensing.coarse import CoarseOptions, bin_in_time, coarse_starts
from lcpipe.options import convert_nested

#: Number of fitted parameters of one group (t0, tE, u0, fs, fb); each further group adds its fb.
N_PARAMS = 5

#: Floor on u**2 so that A(u) stays finite at u = 0 (A ~ 1e10 there).
_U2_FLOOR = 1e-20

#: Number of sums the projection kernel returns (see :func:`projected_sums`).
N_SUMS = 18

#: Upper triangle of a 3x3 matrix in row order (how the kernel stores Σw D_j D_k), and the index into
#: the sums array of every element of the full symmetric matrix.
_UPPER = np.triu_indices(3)
_SYMMETRIC = np.array([[12, 13, 14], [13, 15, 16], [14, 16, 17]])


def pspl_magnification(time: np.ndarray, t0: float, tE: float, u0: float) -> np.ndarray:
    """Paczyński point-source point-lens magnification.

    Parameters
    ----------
    time : ndarray, shape (N,)
        Times (days, same frame as ``t0``).
    t0 : float
        Time of closest approach (days).
    tE : float
        Einstein timescale (days, > 0).
    u0 : float
        Impact parameter (Einstein radii; its sign does not matter).

    Returns
    -------
    ndarray, shape (N,)
        Magnification ``A >= 1``.
    """
    tau = (np.asarray(time, dtype=float) - t0) / tE
    u2 = np.maximum(u0 * u0 + tau * tau, _U2_FLOOR)
    return 1.0 + _excess(u2)


def _excess(u2: np.ndarray) -> np.ndarray:
    """``A - 1`` as a function of ``u**2``, written without cancellation at large u."""
    q = np.sqrt(u2 * (u2 + 4.0))
    return 4.0 / (q * (u2 + 2.0 + q))


def projected_sums(
    time: np.ndarray,
    flux: np.ndarray,
    weight: np.ndarray,
    theta: np.ndarray,
    group: np.ndarray | None = None,
    method: Literal["fast", "slow"] = "fast",
) -> np.ndarray:
    """Weighted sums per group over the data that the projected PSPL problem needs at one point.

    With ``a = A - 1``, ``D_j = dA/dtheta_j`` for ``theta = (t0, ln tE, u0)`` and weights ``w``, row ``k``
    holds, over the points of group ``k``:

    ``[Σw a, Σw a², Σw a F, Σw D_j (3), Σw a D_j (3), Σw F D_j (3),
    Σw D_0 D_0, Σw D_0 D_1, Σw D_0 D_2, Σw D_1 D_1, Σw D_1 D_2, Σw D_2 D_2]``

    Parameters
    ----------
    time, flux, weight : ndarray, shape (N,), float64
        Times (days), fluxes and weights ``1 / sigma**2``.
    theta : ndarray, shape (3,)
        ``(t0, ln tE, u0)``.
    group : ndarray, shape (N,), int64, optional
        Group (camera) code of each point, ``0 .. K-1``; all points are group 0 when omitted.
    method : {"fast", "slow"}
        ``"fast"``: numba kernel, one pass. ``"slow"``: NumPy reference.

    Returns
    -------
    ndarray, shape (K, 18)
    """
    t0, ln_te, u0 = (float(x) for x in theta)
    codes = np.zeros(np.shape(time), np.int64) if group is None else np.asarray(group, dtype=np.int64)
    n_groups = int(codes.max()) + 1 if codes.size else 1
    if method == "fast":
        out = np.empty((n_groups, N_SUMS))
        _projected_sums_kernel(time, flux, weight, codes, t0, ln_te, u0, out)
        return out
    if method != "slow":
        raise ValueError(f"method must be 'fast' or 'slow', got {method!r}")
    a, d = _excess_and_derivatives(np.asarray(time, dtype=float), t0, ln_te, u0)
    w = np.asarray(weight, dtype=float)
    f = np.asarray(flux, dtype=float)
    rows = []
    for k in range(n_groups):
        sel = codes == k
        ak, dk, wk, fk = a[sel], d[:, sel], w[sel], f[sel]
        wd = wk * dk  # (3, N_k)
        dd = wd @ dk.T
        rows.append(
            np.concatenate(
                [
                    [np.sum(wk * ak), np.sum(wk * ak * ak), np.sum(wk * ak * fk)],
                    wd.sum(axis=1),
                    wd @ ak,
                    wd @ fk,
                    dd[_UPPER],
                ]
            )
        )
    return np.array(rows)


def _excess_and_derivatives(time: np.ndarray, t0: float, ln_te: float, u0: float):
    """NumPy reference: ``a = A - 1`` (N,) and ``dA/d(t0, ln tE, u0)`` (3, N)."""
    inv_te = np.exp(-ln_te)
    tau = (time - t0) * inv_te
    u2 = np.maximum(u0 * u0 + tau * tau, _U2_FLOOR)
    q = np.sqrt(u2 * (u2 + 4.0))
    da_du2 = -4.0 / (q * q * q)
    d = np.stack([da_du2 * (-2.0 * tau * inv_te), da_du2 * (-2.0 * tau * tau), da_du2 * (2.0 * u0)])
    return 4.0 / (q * (u2 + 2.0 + q)), d


@numba.njit(cache=True, fastmath=False, nogil=True)
def _projected_sums_kernel(time, flux, weight, group, t0, ln_te, u0, sums):  # pragma: no cover - compiled
    inv_te = np.exp(-ln_te)
    u0sq = u0 * u0
    sums[:, :] = 0.0
    for i in range(time.size):
        out = sums[group[i]]
        tau = (time[i] - t0) * inv_te
        u2 = u0sq + tau * tau
        if u2 < _U2_FLOOR:
            u2 = _U2_FLOOR
        q = np.sqrt(u2 * (u2 + 4.0))
        a = 4.0 / (q * (u2 + 2.0 + q))
        g = -4.0 / (q * q * q)
        d0 = g * (-2.0 * tau * inv_te)
        d1 = g * (-2.0 * tau * tau)
        d2 = g * (2.0 * u0)
        w = weight[i]
        f = flux[i]
        wa = w * a
        out[0] += wa
        out[1] += wa * a
        out[2] += wa * f
        out[3] += w * d0
        out[4] += w * d1
        out[5] += w * d2
        out[6] += wa * d0
        out[7] += wa * d1
        out[8] += wa * d2
        wf = w * f
        out[9] += wf * d0
        out[10] += wf * d1
        out[11] += wf * d2
        out[12] += w * d0 * d0
        out[13] += w * d0 * d1
        out[14] += w * d0 * d2
        out[15] += w * d1 * d1
        out[16] += w * d1 * d2
        out[17] += w * d2 * d2


@dataclass(frozen=True)
class _Projection:
    """Projected problem at one parameter point (flux in the fit's normalised, centred units).

    The model of group ``k`` is ``fs[k] * (A - 1) + offset[k]``; groups without ``own_fs`` share the
    reference group's ``fs[0]``.
    """

    chi2: float
    fs: np.ndarray
    offset: np.ndarray
    grad: np.ndarray
    curvature: np.ndarray


def _project(
    sums: np.ndarray, sw: np.ndarray, sf: np.ndarray, sff: np.ndarray, own_fs: np.ndarray | None = None
) -> _Projection | None:
    """Solve the linear problem for the source fluxes and offsets and form gradient and curvature of
    chi2(theta).

    ``sums`` is :func:`projected_sums` (K, 18); ``sw, sf, sff`` (K,) are Σw, ΣwF, ΣwF² per group;
    ``own_fs`` (K,) marks the groups with their own source flux (never the reference group 0). The other
    groups share ``fs``: their offsets are eliminated first (``offset_k = (ΣwF - fs Σw a) / Σw``),
    leaving one equation for ``fs`` on the group-centred sums. A group with its own source flux is its
    own 2x2 problem. Returns None when ``A - 1`` is constant within every shared group or within a group
    with its own source flux.
    """
    sums = np.atleast_2d(sums)
    sw, sf, sff = (np.atleast_1d(np.asarray(x, dtype=float)) for x in (sw, sf, sff))
    own_fs = np.zeros(sw.size, bool) if own_fs is None else np.asarray(own_fs, bool)
    shared = ~own_fs
    sa, saa, saf = sums[:, 0], sums[:, 1], sums[:, 2]
    sd, sad, sfd = sums[:, 3:6], sums[:, 6:9], sums[:, 9:12]
    dd = sums[:, _SYMMETRIC]  # (K, 3, 3)
    s_aa = float(np.sum((saa - sa * sa / sw)[shared]))
    s_af = float(np.sum((saf - sa * sf / sw)[shared]))
    if not (np.isfinite(s_aa) and s_aa > 1e-12 * float(np.sum(saa[shared]))):
        return None
    det = saa * sw - sa * sa
    if np.any(own_fs & ~(det > 1e-12 * saa * sw)):
        return None
    fs = np.where(own_fs, (saf * sw - sa * sf) / np.where(own_fs, det, 1.0), s_af / s_aa)
    offset = np.where(own_fs, (saa * sf - sa * saf) / np.where(own_fs, det, 1.0), (sf - fs * sa) / sw)
    chi2 = float(np.sum(sff - fs * saf - offset * sf))
    rd = sfd - fs[:, None] * sad - offset[:, None] * sd  # Σ w r D_j per group, (K, 3)
    grad = -2.0 * np.sum(fs[:, None] * rd, axis=0)
    u = np.sum((sad - (sa / sw)[:, None] * sd)[shared], axis=0)
    centred = np.einsum("kj,kl->jl", (sd / sw[:, None])[shared], sd[shared])
    curvature = fs[0] ** 2 * (np.sum(dd[shared], axis=0) - centred - np.outer(u, u) / s_aa)
    for k in np.flatnonzero(own_fs):
        m = np.stack([sad[k], sd[k]])  # (2, 3): rows Σw a D, Σw D
        g_inv = np.array([[sw[k], -sa[k]], [-sa[k], saa[k]]]) / det[k]
        curvature = curvature + fs[k] ** 2 * (dd[k] - m.T @ g_inv @ m)
    if not (np.isfinite(chi2) and np.all(np.isfinite(curvature)) and np.all(np.isfinite(grad))):
        return None
    return _Projection(chi2, fs, offset, grad, curvature)


@numba.njit(cache=True, nogil=True)
def _project_kernel(sums, sw, sf, sff, own_fs, grad, curvature, fs, offset):  # pragma: no cover - compiled
    """Compiled :func:`_project`: fills ``grad`` (3,), ``curvature`` (3, 3), ``fs`` and ``offset`` (K,);
    returns ``(ok, chi2)``."""
    n_groups = sw.size
    s_aa, s_af, shared_aa = 0.0, 0.0, 0.0
    for k in range(n_groups):
        if not own_fs[k]:
            s_aa += sums[k, 1] - sums[k, 0] * sums[k, 0] / sw[k]
            s_af += sums[k, 2] - sums[k, 0] * sf[k] / sw[k]
            shared_aa += sums[k, 1]
    if not (np.isfinite(s_aa) and s_aa > 1e-12 * shared_aa):
        return False, 0.0
    u = np.zeros(3)
    for j in range(3):
        grad[j] = 0.0
        for m in range(3):
            curvature[j, m] = 0.0
    chi2 = 0.0
    for k in range(n_groups):  # shared groups: offsets, and their part of the curvature before fs0**2
        if own_fs[k]:
            continue
        fs[k] = s_af / s_aa
        offset[k] = (sf[k] - fs[k] * sums[k, 0]) / sw[k]
        for j in range(3):
            u[j] += sums[k, 6 + j] - sums[k, 0] / sw[k] * sums[k, 3 + j]
            for m in range(3):
                curvature[j, m] += sums[k, _SYMMETRIC[j, m]] - sums[k, 3 + j] * sums[k, 3 + m] / sw[k]
    fs0 = s_af / s_aa
    for j in range(3):
        for m in range(3):
            curvature[j, m] = fs0 * fs0 * (curvature[j, m] - u[j] * u[m] / s_aa)
    for k in range(n_groups):
        sa, saa, saf = sums[k, 0], sums[k, 1], sums[k, 2]
        if own_fs[k]:
            det = saa * sw[k] - sa * sa
            if not det > 1e-12 * saa * sw[k]:
                return False, 0.0
            fs[k] = (saf * sw[k] - sa * sf[k]) / det
            offset[k] = (saa * sf[k] - sa * saf) / det
            for j in range(3):
                for m in range(3):
                    mgm = (
                        sw[k] * sums[k, 6 + j] * sums[k, 6 + m]
                        - sa * (sums[k, 6 + j] * sums[k, 3 + m] + sums[k, 3 + j] * sums[k, 6 + m])
                        + saa * sums[k, 3 + j] * sums[k, 3 + m]
                    ) / det
                    curvature[j, m] += fs[k] * fs[k] * (sums[k, _SYMMETRIC[j, m]] - mgm)
        chi2 += sff[k] - fs[k] * saf - offset[k] * sf[k]
        for j in range(3):
            grad[j] += -2.0 * fs[k] * (sums[k, 9 + j] - fs[k] * sums[k, 6 + j] - offset[k] * sums[k, 3 + j])
    finite = np.isfinite(chi2)
    for j in range(3):
        finite = finite and np.isfinite(grad[j])
        for m in range(3):
            finite = finite and np.isfinite(curvature[j, m])
    return finite, chi2


@numba.njit(cache=True, nogil=True)
def _solve_small(matrix, rhs, out):  # pragma: no cover - compiled
    """Gaussian elimination with partial pivoting for n <= 3; False if singular or not finite."""
    n = rhs.size
    a = matrix.copy()
    b = rhs.copy()
    for col in range(n):
        pivot = col
        for row in range(col + 1, n):
            if abs(a[row, col]) > abs(a[pivot, col]):
                pivot = row
        if a[pivot, col] == 0.0 or not np.isfinite(a[pivot, col]):
            return False
        if pivot != col:
            for k in range(n):
                a[col, k], a[pivot, k] = a[pivot, k], a[col, k]
            b[col], b[pivot] = b[pivot], b[col]
        for row in range(col + 1, n):
            factor = a[row, col] / a[col, col]
            for k in range(col, n):
                a[row, k] -= factor * a[col, k]
            b[row] -= factor * b[col]
    for row in range(n - 1, -1, -1):
        acc = b[row]
        for k in range(row + 1, n):
            acc -= a[row, k] * out[k]
        out[row] = acc / a[row, row]
    return True


@numba.njit(cache=True, nogil=True)
def _lm_kernel(
    time,
    flux,
    weight,
    group,
    own_fs,
    theta,
    lower,
    upper,
    sw,
    sf,
    sff,
    lambda_init,
    chi2_tol,
    max_iter,
    grad,
    curvature,
    fs,
    offset,
):  # pragma: no cover - compiled
    """Compiled :func:`_levenberg_marquardt` (same steps); ``theta`` (3,) is updated in place.

    Returns ``(ok, chi2, n_iter, converged)``; ``grad``, ``curvature`` and the group source fluxes
    ``fs`` and offsets ``offset`` (K,) end at ``theta``.
    """  # fmt: skip
    sums = np.empty((sw.size, N_SUMS))
    trial_fs = np.empty(sw.size)
    trial_offset = np.empty(sw.size)
    trial_grad = np.empty(3)
    trial_curvature = np.empty((3, 3))
    trial_theta = np.empty(3)
    for j in range(3):
        theta[j] = min(max(theta[j], lower[j]), upper[j])
    _projected_sums_kernel(time, flux, weight, group, theta[0], theta[1], theta[2], sums)
    ok, chi2 = _project_kernel(sums, sw, sf, sff, own_fs, grad, curvature, fs, offset)
    if not ok:
        return False, 0.0, 0, False
    lam = lambda_init
    for n_iter in range(max_iter):
        free = np.empty(3, np.int64)
        n_free = 0
        for j in range(3):
            edge = 1e-12 * (1.0 + abs(theta[j]))
            held = (theta[j] <= lower[j] + edge and grad[j] > 0) or (
                theta[j] >= upper[j] - edge and grad[j] < 0
            )
            if not held:
                free[n_free] = j
                n_free += 1
        if n_free == 0:
            return True, chi2, n_iter, True
        diag_max = 0.0
        for i in range(n_free):
            diag_max = max(diag_max, curvature[free[i], free[i]])
        floor = 1e-12 * max(diag_max, 1e-300)
        rhs = np.empty(n_free)
        matrix = np.empty((n_free, n_free))
        step = np.empty(n_free)
        while True:
            for i in range(n_free):
                rhs[i] = -0.5 * grad[free[i]]
                for k in range(n_free):
                    matrix[i, k] = curvature[free[i], free[k]]
                matrix[i, i] += lam * max(curvature[free[i], free[i]], floor)
            accepted = False
            if _solve_small(matrix, rhs, step):
                for j in range(3):
                    trial_theta[j] = theta[j]
                for i in range(n_free):
                    trial_theta[free[i]] += step[i]
                for j in range(3):
                    trial_theta[j] = min(max(trial_theta[j], lower[j]), upper[j])
                _projected_sums_kernel(
                    time, flux, weight, group, trial_theta[0], trial_theta[1], trial_theta[2], sums
                )
                t_ok, t_chi2 = _project_kernel(
                    sums, sw, sf, sff, own_fs, trial_grad, trial_curvature, trial_fs, trial_offset
                )
                accepted = t_ok and t_chi2 < chi2
            if accepted:
                break
            lam *= 10.0
            if lam > 1e12:
                return True, chi2, n_iter, True
        improvement = chi2 - t_chi2
        theta[:] = trial_theta
        grad[:] = trial_grad
        curvature[:, :] = trial_curvature
        fs[:] = trial_fs
        offset[:] = trial_offset
        chi2 = t_chi2
        lam = max(lam / 10.0, 1e-12)
        if improvement <= chi2_tol:
            return True, chi2, n_iter + 1, True
    return True, chi2, max_iter, False


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

    def __post_init__(self) -> None:
        convert_nested(self)
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


@dataclass(frozen=True)
class PSPLFit:
    """Result of a PSPL fit; numbers are NaN (and ``status != "ok"``) when the fit is undefined.

    Attributes
    ----------
    t0 : float
        Time of closest approach (days, frame of the input times).
    tE : float
        Einstein timescale (days).
    u0 : float
        Impact parameter ``|u0|`` (Einstein radii).
    fs, fb : float
        Source and blend flux of the reference group (the group with the most points; input flux
        units).
    chi2 : float
        Chi-square of the fit.
    chi2_const : float
        Chi-square of a weighted constant.
    dchi2_const : float
        ``chi2_const - chi2``: significance of the event.
    dof : int
        ``n_points`` minus the parameters: 3 nonlinear, one blend flux per group, one source flux for
        the reference group and one for each group with its own (``n_points - 5`` for one group).
    chi2_dof : float
        ``chi2 / dof``.
    n_points : int
        Points used (finite, positive error).
    n_rejected : int
        Input points dropped (non-finite time/flux/error or error <= 0).
    n_iter : int
        Accepted LM steps of the winning start (binned first stage plus the polish on all points).
    converged : bool
        The winning start met the chi2 tolerance (or no step could lower chi2 any further).
    at_bound : bool
        A nonlinear parameter ended on its bound (tE_min/max, u0_max or the t0 range).
    status : str
        ``ok``, ``too_few_points`` (no more points than parameters), ``bad_errors`` (too few points
        once non-positive/non-finite errors are removed), ``degenerate`` (all fluxes or all times equal)
        or ``fit_failed`` (no start gave a finite fit).
    time, flux, flux_err : ndarray, shape (n_points,)
        The points fitted, time-sorted, every group's fluxes brought onto the reference group
        (``flux = (F - fb_k) * fs / fs_k + fb``, errors scaled by ``|fs / fs_k|``), so that
        ``model_flux`` and ``residuals`` hold for all of them and chi-square is unchanged (not part of
        ``as_dict``/``to_row``).
    n_groups : int
        Groups (cameras) fitted, each with its own blend flux.
    n_own_flux : int
        Groups with their own source flux, the reference group included.
    group : ndarray, shape (n_points,), int64
        Group code of each point, 0 the reference group.
    fs_groups, fb_groups : ndarray, shape (n_groups,)
        Source and blend flux of each group (input flux units; index 0 is ``fs``, ``fb``).
    group_labels : ndarray, shape (n_groups,), str
        Label of each group code (the ``group`` values given to :func:`fit_pspl`).
    own_flux : ndarray, shape (n_groups,), bool
        Groups whose source flux was fitted (the reference group always); the others share ``fs``.
    """

    t0: float
    tE: float
    u0: float
    fs: float
    fb: float
    chi2: float
    chi2_const: float
    dchi2_const: float
    dof: int
    chi2_dof: float
    n_points: int
    n_rejected: int
    n_iter: int
    converged: bool
    at_bound: bool
    status: str
    time: np.ndarray = field(repr=False, compare=False)
    flux: np.ndarray = field(repr=False, compare=False)
    flux_err: np.ndarray = field(repr=False, compare=False)
    n_groups: int = 1
    n_own_flux: int = 1
    group: np.ndarray | None = field(default=None, repr=False, compare=False)
    fs_groups: np.ndarray | None = field(default=None, repr=False, compare=False)
    fb_groups: np.ndarray | None = field(default=None, repr=False, compare=False)
    group_labels: np.ndarray | None = field(default=None, repr=False, compare=False)
    own_flux: np.ndarray | None = field(default=None, repr=False, compare=False)

    _ARRAYS = ("time", "flux", "flux_err", "group", "fs_groups", "fb_groups", "group_labels", "own_flux")

    @property
    def ok(self) -> bool:
        """True when ``status == "ok"``."""
        return self.status == "ok"

    def magnification(self, time: np.ndarray) -> np.ndarray:
        """Model magnification at ``time`` (shape (M,)); NaN when the fit is undefined."""
        time = np.asarray(time, dtype=float)
        if not self.ok:
            return np.full(time.shape, np.nan)
        return pspl_magnification(time, self.t0, self.tE, self.u0)

    def model_flux(self, time: np.ndarray) -> np.ndarray:
        """Model flux ``fs * A + fb`` at ``time`` (shape (M,), input flux units)."""
        return self.fs * self.magnification(time) + self.fb

    @property
    def residuals(self) -> np.ndarray:
        """Flux minus model at the fitted points, shape (n_points,)."""
        return self.flux - self.model_flux(self.time)

    def as_dict(self) -> dict[str, Any]:
        """Scalar fields as plain Python values (JSON-ready; NaN stays NaN)."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self) if f.name not in self._ARRAYS}

    def to_row(self, prefix: str = "pspl_") -> dict[str, Any]:
        """Flat scalars for one row of a per-source table, keys ``prefix + field``."""
        return {prefix + k: v for k, v in self.as_dict().items()}


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def clean_points(
    time: np.ndarray,
    flux: np.ndarray,
    flux_err: np.ndarray,
    group: np.ndarray | None = None,
    labels: bool = False,
) -> tuple:
    """Keep finite points with positive errors, time-sorted, and code their groups.

    Parameters
    ----------
    time, flux, flux_err : array_like, shape (N,)
    group : array_like, shape (N,), optional
        Group (camera) label of each point, any hashable values; one group when omitted.
    labels : bool
        Also return the label of each group code (a seventh item, ndarray of shape (K,), as str).

    Returns
    -------
    time, flux, flux_err : ndarray, shape (M,)
        Kept points in time order.
    group : ndarray, shape (M,), int64
        Group codes ``0 .. K-1`` of the kept points, 0 the group with the most points (ties: the first
        label in sorted order), then by decreasing size.
    n_rejected : int
        ``N - M``.
    n_bad_errors : int
        Points with finite time and flux rejected only for their error.

    Raises
    ------
    ValueError
        If the inputs are not 1-D arrays of equal length.
    """
    t = np.asarray(time, dtype=float)
    f = np.asarray(flux, dtype=float)
    e = np.asarray(flux_err, dtype=float)
    g = np.zeros(t.shape, np.int64) if group is None else np.asarray(group)
    if t.ndim != 1 or t.shape != f.shape or t.shape != e.shape or g.shape != t.shape:
        raise ValueError(
            "time, flux, flux_err (and group) must be 1-D of equal length, got "
            f"{t.shape}, {f.shape}, {e.shape}, {g.shape}"
        )
    finite_tf = np.isfinite(t) & np.isfinite(f)
    good_err = np.isfinite(e) & (e > 0)
    keep = finite_tf & good_err
    order = np.argsort(t[keep], kind="stable")
    n_bad_errors = int(np.count_nonzero(finite_tf & ~good_err))
    labels_found, codes, counts = np.unique(g[keep][order], return_inverse=True, return_counts=True)
    rank = np.empty(labels_found.size, np.int64)
    rank[np.argsort(-counts, kind="stable")] = np.arange(labels_found.size)
    out = (
        t[keep][order],
        f[keep][order],
        e[keep][order],
        rank[codes.reshape(-1)].astype(np.int64),
        int(t.size - order.size),
        n_bad_errors,
    )
    if not labels:
        return out
    by_code = np.empty(labels_found.size, dtype=object)
    by_code[rank] = labels_found
    return (*out, by_code.astype(str))


def _weighted_means(f: np.ndarray, e: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Inverse-variance weighted mean of each group, shape (n_groups,); weights relative to the smallest
    error (no overflow)."""
    w = (np.min(e) / e) ** 2
    return np.bincount(group, w * f, n_groups) / np.bincount(group, w, n_groups)


def _n_shared_params(n_groups: int) -> int:
    """Parameters of a fit whose groups share the source flux: t0, tE, u0, fs and one fb per group."""
    return N_PARAMS - 1 + n_groups


def _failed(
    status: str, t, f, e, n_rejected: int, chi2_const: float = np.nan, group: np.ndarray | None = None
) -> PSPLFit:
    n = int(t.size)
    n_groups = int(group.max()) + 1 if group is not None and group.size else 1
    return PSPLFit(
        t0=np.nan,
        tE=np.nan,
        u0=np.nan,
        fs=np.nan,
        fb=np.nan,
        chi2=np.nan,
        chi2_const=chi2_const,
        dchi2_const=np.nan,
        dof=max(n - _n_shared_params(n_groups), 0),
        chi2_dof=np.nan,
        n_points=n,
        n_rejected=n_rejected,
        n_iter=0,
        converged=False,
        at_bound=False,
        status=status,
        time=t,
        flux=f,
        flux_err=e,
        n_groups=n_groups,
        group=group,
        fs_groups=np.full(n_groups, np.nan),
        fb_groups=np.full(n_groups, np.nan),
    )


class _Problem:
    """Normalised data and parameter bounds of one fit; evaluates the projected problem at ``theta``.

    Fluxes are centred on their group's weighted mean and divided by one robust scale (weights scaled to
    match), which keeps the sums well conditioned whatever the flux unit; chi-square is unchanged.
    """

    def __init__(
        self,
        t: np.ndarray,
        f: np.ndarray,
        w: np.ndarray,
        group: np.ndarray,
        n_groups: int,
        lower: np.ndarray,
        upper: np.ndarray,
    ):
        self.t, self.f, self.w, self.group, self.n_groups = t, f, w, group, n_groups
        self.lower, self.upper = lower, upper
        self.own_fs = np.zeros(n_groups, bool)
        self.sw = np.bincount(group, w, n_groups)
        self.sf = np.bincount(group, w * f, n_groups)
        self.sff = np.bincount(group, w * f * f, n_groups)

    @classmethod
    def from_data(
        cls,
        t: np.ndarray,
        f: np.ndarray,
        e: np.ndarray,
        group: np.ndarray,
        options: PSPLOptions,
        per_group_scale: bool = False,
    ) -> _Problem:
        n_groups = int(group.max()) + 1
        means = _weighted_means(f, e, group, n_groups)
        centred = f - means[group]
        if per_group_scale:  # independent flux units: each group on its own robust scale
            scale = np.array([_robust_scale(centred[group == k]) for k in range(n_groups)])
        else:
            scale = np.full(n_groups, _robust_scale(centred))
        margin = options.t0_margin * float(t[-1] - t[0])
        lower = np.array([t[0] - margin, np.log(options.tE_min), -options.u0_max])
        upper = np.array([t[-1] + margin, np.log(options.tE_max), options.u0_max])
        problem = cls(t, centred / scale[group], (scale[group] / e) ** 2, group, n_groups, lower, upper)
        problem.means, problem.scale = means, scale
        return problem

    def binned(self, width: float) -> _Problem:
        """The same problem on weighted means in time bins of ``width`` days, within each group."""
        parts = []
        # One group: a view, not three copies of the light curve per start.
        selections = [slice(None)] if self.n_groups == 1 else [self.group == k for k in range(self.n_groups)]
        for k, sel in enumerate(selections):
            tb, fb, wb = bin_in_time(self.t[sel], self.f[sel], self.w[sel], width)
            parts.append((tb, fb, wb, np.full(tb.size, k, np.int64)))
        tb, fb, wb, gb = (np.concatenate(column) for column in zip(*parts, strict=True))
        binned = _Problem(tb, fb, wb, gb, self.n_groups, self.lower, self.upper)
        binned.own_fs = self.own_fs
        return binned

    def survey_groups(self) -> np.ndarray:
        """Points of the groups that span at least half the time range (survey cameras, not follow-up
        of the event alone), shape (N,) bool; the coarse search runs on these."""
        span = float(self.t[-1] - self.t[0])
        first = np.full(self.n_groups, np.inf)
        last = np.full(self.n_groups, -np.inf)
        np.minimum.at(first, self.group, self.t)
        np.maximum.at(last, self.group, self.t)
        wide = (last - first) >= 0.5 * span
        wide[0] = True  # the reference group always
        return wide[self.group]

    def evaluate(self, theta: np.ndarray, method: Literal["fast", "slow"] = "fast") -> _Projection | None:
        sums = projected_sums(self.t, self.f, self.w, theta, self.group, method=method)
        return _project(sums, self.sw, self.sf, self.sff, self.own_fs)

    def clip(self, theta: np.ndarray) -> np.ndarray:
        return np.clip(theta, self.lower, self.upper)


def _robust_scale(centred: np.ndarray) -> float:
    """Median absolute value of centred fluxes (their maximum when that is 0; 1 for constant data)."""
    scale = float(np.median(np.abs(centred))) if centred.size else 0.0
    scale = scale if scale > 0 else float(np.max(np.abs(centred), initial=0.0))
    return scale if scale > 0 else 1.0


def _levenberg_marquardt(
    problem: _Problem,
    theta: np.ndarray,
    options: PSPLOptions,
    chi2_tol: float,
    max_iter: int,
    method: Literal["fast", "slow"] = "fast",
) -> tuple[np.ndarray, _Projection, int, bool] | None:
    """Refine ``theta = (t0, ln tE, u0)`` until an accepted step gains less than ``chi2_tol``.

    Bounds are handled by an active set: a parameter on its bound whose gradient points outwards is
    held fixed for the step, the others take the damped Gauss-Newton step (then clipped).
    Returns ``(theta, projection, n_iter, converged)``, or None if ``theta`` itself is degenerate.
    ``method="fast"`` runs the whole loop in :func:`_lm_kernel`; ``"slow"`` is this NumPy loop.
    """
    if method == "fast":
        return _levenberg_marquardt_compiled(problem, theta, options, chi2_tol, max_iter)
    theta = problem.clip(np.asarray(theta, dtype=float))
    state = problem.evaluate(theta, method="slow")
    if state is None:
        return None
    lam = options.lambda_init
    for n_iter in range(max_iter):
        edge = 1e-12 * (1.0 + np.abs(theta))
        held = ((theta <= problem.lower + edge) & (state.grad > 0)) | (
            (theta >= problem.upper - edge) & (state.grad < 0)
        )
        free = np.flatnonzero(~held)
        if free.size == 0:  # every parameter pinned by its bound: a constrained minimum
            return theta, state, n_iter, True
        curvature = state.curvature[np.ix_(free, free)]
        diag = np.diag(curvature)
        damping = np.diag(np.maximum(diag, 1e-12 * max(float(diag.max()), 1e-300)))
        while True:
            step = np.zeros(3)
            try:
                step[free] = np.linalg.solve(curvature + lam * damping, -0.5 * state.grad[free])
                trial_theta = problem.clip(theta + step)
                trial = problem.evaluate(trial_theta, method="slow")
            except np.linalg.LinAlgError:
                trial = None
            if trial is not None and trial.chi2 < state.chi2:
                break
            lam *= 10.0
            if lam > 1e12:  # no damped step lowers chi2: a minimum to numerical precision
                return theta, state, n_iter, True
        improvement = state.chi2 - trial.chi2
        theta, state = trial_theta, trial
        lam = max(lam / 10.0, 1e-12)
        if improvement <= chi2_tol:
            return theta, state, n_iter + 1, True
    return theta, state, max_iter, False


def _levenberg_marquardt_compiled(
    problem: _Problem, theta: np.ndarray, options: PSPLOptions, chi2_tol: float, max_iter: int
) -> tuple[np.ndarray, _Projection, int, bool] | None:
    theta = np.array(theta, dtype=float)
    grad, curvature = np.empty(3), np.empty((3, 3))
    fs, offset = np.empty(problem.n_groups), np.empty(problem.n_groups)
    ok, chi2, n_iter, converged = _lm_kernel(
        problem.t, problem.f, problem.w, problem.group, problem.own_fs, theta, problem.lower,
        problem.upper, problem.sw, problem.sf, problem.sff, float(options.lambda_init), float(chi2_tol),
        int(max_iter), grad, curvature, fs, offset,
    )  # fmt: skip
    if not ok:
        return None
    return theta, _Projection(chi2, fs, offset, grad, curvature), n_iter, converged


def _same_solution(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two ``(t0, ln tE, u0)`` agree to 1% (t0 in units of tE; the sign of u0 is irrelevant)."""
    return bool(
        abs(a[0] - b[0]) <= 0.01 * np.exp(a[1])
        and abs(a[1] - b[1]) <= 0.01
        and abs(abs(a[2]) - abs(b[2])) <= 0.01 * abs(a[2]) + 1e-4
    )


def _refine_starts(problem: _Problem, starts: np.ndarray, options: PSPLOptions, dof: int):
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
    n_params = _n_shared_params(n_groups)
    if t.size <= n_params:
        status = "bad_errors" if t.size + n_bad_errors > n_params else "too_few_points"
        return _failed(status, t, f, e, n_rejected, group=g)
    means = _weighted_means(f, e, g, n_groups)
    chi2_const = float(np.sum(((f - means[g]) / e) ** 2))
    if np.ptp(f) == 0 or np.ptp(t) == 0:
        return _failed("degenerate", t, f, e, n_rejected, chi2_const, group=g)

    independent = bool(independent_scales) and n_groups > 1
    problem = _Problem.from_data(t, f, e, g, options, per_group_scale=independent)
    dof = t.size - n_params
    if independent:
        best = _fit_independent(problem, options, p0, dof)
    else:
        survey = problem.survey_groups()
        best = _refine_starts(problem, _starts(problem, options, p0, survey), options, dof)
        if best is not None and n_groups > 1:
            best = _with_own_fluxes(problem, best, options, dof)
    if best is None:
        return _failed("fit_failed", t, f, e, n_rejected, chi2_const, group=g)
    theta, state, n_iter, converged = best
    dof -= int(np.count_nonzero(problem.own_fs))
    t0, te, u0 = float(theta[0]), float(np.exp(theta[1])), abs(float(theta[2]))
    fs_groups = problem.scale * state.fs
    fb_groups = problem.means + problem.scale * (state.offset - state.fs)
    magnification = pspl_magnification(t, t0, te, u0)
    chi2 = float(np.sum(((f - fs_groups[g] * magnification - fb_groups[g]) / e) ** 2))
    finite = np.all(np.isfinite(fs_groups)) and np.all(np.isfinite(fb_groups)) and np.all(fs_groups != 0)
    if not (finite and all(np.isfinite([t0, te, u0, chi2])) and dof > 0):
        return _failed("fit_failed", t, f, e, n_rejected, chi2_const, group=g)
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
    problem: _Problem,
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
    problem: _Problem, options: PSPLOptions, p0: tuple[float, float, float] | None, dof: int
) -> tuple | None:
    """Joint fit of data sets with unrelated flux units (``fit_pspl(independent_scales=True)``).

    The reference group (most points) alone gives the event, from ``p0`` or its own coarse search;
    then every group with at least 3 points whose ``A - 1`` is not constant gets its own source flux
    and LM continues on all points. ``problem.own_fs`` is left as the returned solution used it.
    """
    ref = problem.group == 0
    alone = _Problem.from_data(
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
    problem.own_fs = own
    tight = options.chi2_rtol * max(dof - int(own.sum()), 1.0)
    refit = _levenberg_marquardt(problem, theta, options, tight, options.max_iter)
    if refit is None:
        problem.own_fs = np.zeros(problem.n_groups, bool)
        return None
    return refit[0], refit[1], first[2] + refit[2], refit[3]


def _with_own_fluxes(problem: _Problem, best: tuple, options: PSPLOptions, dof: int) -> tuple | None:
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
    problem.own_fs = own
    tight = options.chi2_rtol * max(dof - int(own.sum()), 1.0)
    refit = _levenberg_marquardt(problem, theta, options, tight, options.max_iter)
    if refit is None:
        problem.own_fs = np.zeros(problem.n_groups, bool)
        return best
    return refit[0], refit[1], best[2] + refit[2], refit[3]


__all__ = [
    "N_PARAMS",
    "PSPLFit",
    "PSPLOptions",
    "clean_points",
    "fit_pspl",
    "projected_sums",
    "pspl_magnification",
]
