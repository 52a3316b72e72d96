"""Projected PSPL fit primitives: per-group sums, the linear flux solve and Levenberg–Marquardt.

Compiled in ``ext/pspl.pyx``; each has its NumPy reference here (``method="slow"``), which the tests
hold the compiled code to. The science (options, starts, bounds, results) is in
:mod:`lcpipe.microlensing.pspl`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from lcpipe._ext import pspl as _kernel

#: Number of sums per group (see :func:`projected_sums`).
N_SUMS = 18

#: Floor on u**2 so that A(u) stays finite at u = 0 (A ~ 1e10 there); the same in the compiled kernel.
U2_FLOOR = 1e-20

#: Upper triangle of a 3x3 matrix in row order (how the sums store Σw D_j D_k), and the index into a
#: row of the sums of every element of the full symmetric matrix.
_UPPER = np.triu_indices(3)
_SYMMETRIC = np.array([[12, 13, 14], [13, 15, 16], [14, 16, 17]])


def _check_method(method: str) -> None:
    if method not in ("fast", "slow"):
        raise ValueError(f"method must be 'fast' or 'slow', got {method!r}")


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
        ``"fast"``: compiled kernel, one pass. ``"slow"``: NumPy reference.

    Returns
    -------
    ndarray, shape (K, 18)
    """
    _check_method(method)
    t0, ln_te, u0 = (float(x) for x in theta)
    codes = np.zeros(np.shape(time), np.int64) if group is None else np.asarray(group, dtype=np.int64)
    n_groups = int(codes.max()) + 1 if codes.size else 1
    if method == "fast":
        out = np.zeros((n_groups, N_SUMS))
        if codes.size:
            _kernel.projected_sums(*_contiguous(time, flux, weight), codes, t0, ln_te, u0, out)
        return out
    a, d = excess_and_derivatives(np.asarray(time, dtype=float), t0, ln_te, u0)
    w = np.asarray(weight, dtype=float)
    f = np.asarray(flux, dtype=float)
    rows = []
    for k in range(n_groups):
        sel = codes == k
        ak, dk, wk, fk = a[sel], d[:, sel], w[sel], f[sel]
        wd = wk * dk  # (3, N_k)
        dd = wd @ dk.T
        head = [np.sum(wk * ak), np.sum(wk * ak * ak), np.sum(wk * ak * fk)]
        rows.append(np.concatenate([head, wd.sum(axis=1), wd @ ak, wd @ fk, dd[_UPPER]]))
    return np.array(rows)


def excess_and_derivatives(
    time: np.ndarray, t0: float, ln_te: float, u0: float
) -> tuple[np.ndarray, np.ndarray]:
    """``a = A - 1``, shape (N,), and ``dA/d(t0, ln tE, u0)``, shape (3, N), at times ``time`` (days)."""
    inv_te = np.exp(-ln_te)
    tau = (time - t0) * inv_te
    u2 = np.maximum(u0 * u0 + tau * tau, U2_FLOOR)
    q = np.sqrt(u2 * (u2 + 4.0))
    da_du2 = -4.0 / (q * q * q)
    d = np.stack([da_du2 * (-2.0 * tau * inv_te), da_du2 * (-2.0 * tau * tau), da_du2 * (2.0 * u0)])
    return 4.0 / (q * (u2 + 2.0 + q)), d


@dataclass(frozen=True)
class Projection:
    """Projected problem at one parameter point (flux in the fit's normalised, centred units).

    The model of group ``k`` is ``fs[k] * (A - 1) + offset[k]``; groups without their own source flux
    share the reference group's ``fs[0]``.

    Attributes
    ----------
    chi2 : float
    fs, offset : ndarray, shape (K,)
    grad : ndarray, shape (3,)
        Gradient of chi2 over ``(t0, ln tE, u0)``.
    curvature : ndarray, shape (3, 3)
        Kaufman's approximation of half the Hessian.
    """

    chi2: float
    fs: np.ndarray
    offset: np.ndarray
    grad: np.ndarray
    curvature: np.ndarray


def project(
    sums: np.ndarray,
    sw: np.ndarray,
    sf: np.ndarray,
    sff: np.ndarray,
    own_fs: np.ndarray | None = None,
    method: Literal["fast", "slow"] = "fast",
) -> Projection | None:
    """Solve the linear problem for the source fluxes and offsets and form gradient and curvature of
    chi2(theta).

    ``sums`` is :func:`projected_sums` (K, 18); ``sw, sf, sff`` (K,) are Σw, ΣwF, ΣwF² per group;
    ``own_fs`` (K,) marks the groups with their own source flux (never the reference group 0). The other
    groups share ``fs``: their offsets are eliminated first (``offset_k = (ΣwF - fs Σw a) / Σw``),
    leaving one equation for ``fs`` on the group-centred sums. A group with its own source flux is its
    own 2x2 problem. Returns None when ``A - 1`` is constant within every shared group or within a group
    with its own source flux, or the result is not finite.
    """
    _check_method(method)
    sums = np.ascontiguousarray(np.atleast_2d(sums), dtype=np.float64)
    sw, sf, sff = _contiguous(*(np.atleast_1d(x) for x in (sw, sf, sff)))
    own_fs = np.zeros(sw.size, bool) if own_fs is None else np.asarray(own_fs, bool)
    if method == "slow":
        return _project_slow(sums, sw, sf, sff, own_fs)
    grad, curvature, fs, offset = np.empty(3), np.empty((3, 3)), np.empty(sw.size), np.empty(sw.size)
    ok, chi2 = _kernel.project(sums, sw, sf, sff, own_fs.view(np.uint8), grad, curvature, fs, offset)
    return Projection(chi2, fs, offset, grad, curvature) if ok else None


def _project_slow(sums, sw, sf, sff, own_fs) -> Projection | None:
    """NumPy reference of :func:`project`."""
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
    return Projection(chi2, fs, offset, grad, curvature)


class ProjectedData(Protocol):
    """What :func:`levenberg_marquardt` reads of a fit problem (arrays C-contiguous).

    ``t, f, w`` (N,) float64 sorted times (days), fluxes and weights; ``group`` (N,) int64 codes;
    ``own_fs`` (K,) bool; ``sw, sf, sff`` (K,) Σw, ΣwF, ΣwF² per group; ``lower, upper`` (3,) bounds
    on ``(t0, ln tE, u0)``.
    """

    t: np.ndarray
    f: np.ndarray
    w: np.ndarray
    group: np.ndarray
    own_fs: np.ndarray
    sw: np.ndarray
    sf: np.ndarray
    sff: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


def levenberg_marquardt(
    data: ProjectedData,
    theta: np.ndarray,
    lambda_init: float,
    chi2_tol: float,
    max_iter: int,
    method: Literal["fast", "slow"] = "fast",
) -> tuple[np.ndarray, Projection, int, bool] | None:
    """Refine ``theta = (t0, ln tE, u0)`` until an accepted step gains at most ``chi2_tol``.

    Bounds are handled by an active set: a parameter on its bound whose gradient points outwards is
    held fixed for the step, the others take the damped Gauss-Newton step (then clipped); the damping
    ``lambda`` (relative to the curvature diagonal, from ``lambda_init``) grows tenfold on a rejected
    step and shrinks tenfold on an accepted one.

    Returns
    -------
    (theta, projection, n_iter, converged) or None
        The final ``theta`` (3,), the :class:`Projection` there, the accepted steps and whether the
        tolerance was met (or no step could lower chi2); None if the start itself is degenerate.
    """
    _check_method(method)
    if method == "slow":
        return _levenberg_marquardt_slow(data, theta, lambda_init, chi2_tol, max_iter)
    theta = np.array(theta, dtype=float)
    n_groups = data.sw.size
    grad, curvature, fs, offset = np.empty(3), np.empty((3, 3)), np.empty(n_groups), np.empty(n_groups)
    ok, chi2, n_iter, converged = _kernel.levenberg_marquardt(
        data.t, data.f, data.w, data.group, data.own_fs.view(np.uint8), theta, data.lower, data.upper,
        data.sw, data.sf, data.sff, float(lambda_init), float(chi2_tol), int(max_iter), grad, curvature,
        fs, offset,
    )  # fmt: skip
    if not ok:
        return None
    return theta, Projection(chi2, fs, offset, grad, curvature), n_iter, converged


def _levenberg_marquardt_slow(
    data: ProjectedData, theta: np.ndarray, lambda_init: float, chi2_tol: float, max_iter: int
) -> tuple[np.ndarray, Projection, int, bool] | None:
    """NumPy reference of :func:`levenberg_marquardt`, on the NumPy sums and projection."""

    def evaluate(th: np.ndarray) -> Projection | None:
        sums = projected_sums(data.t, data.f, data.w, th, data.group, method="slow")
        return project(sums, data.sw, data.sf, data.sff, data.own_fs, method="slow")

    theta = np.clip(np.asarray(theta, dtype=float), data.lower, data.upper)
    state = evaluate(theta)
    if state is None:
        return None
    lam = lambda_init
    for n_iter in range(max_iter):
        edge = 1e-12 * (1.0 + np.abs(theta))
        held = ((theta <= data.lower + edge) & (state.grad > 0)) | (
            (theta >= data.upper - edge) & (state.grad < 0)
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
                trial_theta = np.clip(theta + step, data.lower, data.upper)
                trial = evaluate(trial_theta)
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


def _contiguous(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    return tuple(np.ascontiguousarray(a, dtype=np.float64) for a in arrays)
