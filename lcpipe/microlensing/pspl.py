"""Point-source point-lens (PSPL) fit with the source and blend fluxes solved linearly.

The flux model is ``F(t) = fs * A(u(t)) + fb`` with the Paczyński magnification
``A(u) = (u**2 + 2) / (u * sqrt(u**2 + 4))`` and ``u(t) = sqrt(u0**2 + ((t - t0) / tE)**2)``.
For every trial of the nonlinear parameters ``(t0, ln tE, u0)`` the linear ones come from weighted
least squares (variable projection), so Levenberg–Marquardt only walks a 3-D space. Its derivatives
are analytic: the gradient of the projected chi-square is exact and the curvature matrix is Kaufman's
approximation ``fs**2 D^T W P D`` (``D = dA/dtheta``, ``P`` the weighted projector orthogonal to the
span of ``A`` and the constant). One pass over the data gives every sum the step needs; that pass is a
numba kernel with a NumPy reference (:func:`projected_sums`) checked against it by the tests.

Starting points come from the matched-filter search of :mod:`lcpipe.microlensing.coarse`; the fit
from each of the best few starts is refined and the lowest chi-square kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

import numba
import numpy as np

from lcpipe.microlensing.coarse import CoarseOptions, bin_in_time, coarse_starts

#: Number of fitted parameters (t0, tE, u0, fs, fb).
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
    method: Literal["fast", "slow"] = "fast",
) -> np.ndarray:
    """Weighted sums over the data that the projected PSPL problem needs at one parameter point.

    With ``a = A - 1``, ``D_j = dA/dtheta_j`` for ``theta = (t0, ln tE, u0)`` and weights ``w``:

    ``[Σw a, Σw a², Σw a F, Σw D_j (3), Σw a D_j (3), Σw F D_j (3),
    Σw D_0 D_0, Σw D_0 D_1, Σw D_0 D_2, Σw D_1 D_1, Σw D_1 D_2, Σw D_2 D_2]``

    Parameters
    ----------
    time, flux, weight : ndarray, shape (N,), float64
        Times (days), fluxes and weights ``1 / sigma**2``.
    theta : ndarray, shape (3,)
        ``(t0, ln tE, u0)``.
    method : {"fast", "slow"}
        ``"fast"``: numba kernel, one pass. ``"slow"``: NumPy reference.

    Returns
    -------
    ndarray, shape (18,)
    """
    t0, ln_te, u0 = (float(x) for x in theta)
    if method == "fast":
        out = np.empty(N_SUMS)
        _projected_sums_kernel(time, flux, weight, t0, ln_te, u0, out)
        return out
    if method != "slow":
        raise ValueError(f"method must be 'fast' or 'slow', got {method!r}")
    a, d = _excess_and_derivatives(np.asarray(time, dtype=float), t0, ln_te, u0)
    w = np.asarray(weight, dtype=float)
    f = np.asarray(flux, dtype=float)
    wd = w * d  # (3, N)
    dd = wd @ d.T
    return np.concatenate(
        [
            [np.sum(w * a), np.sum(w * a * a), np.sum(w * a * f)],
            wd.sum(axis=1),
            wd @ a,
            wd @ f,
            dd[_UPPER],
        ]
    )


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
def _projected_sums_kernel(time, flux, weight, t0, ln_te, u0, out):  # pragma: no cover - compiled
    inv_te = np.exp(-ln_te)
    u0sq = u0 * u0
    for k in range(out.size):
        out[k] = 0.0
    for i in range(time.size):
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
    """Projected problem at one parameter point (flux in the fit's normalised, centred units)."""

    chi2: float
    fs: float
    offset: float
    grad: np.ndarray
    curvature: np.ndarray


def _project(sums: np.ndarray, sw: float, sf: float, sff: float) -> _Projection | None:
    """Solve the 2x2 linear problem for (fs, offset) and form gradient and curvature of chi2(theta).

    ``sw, sf, sff`` are Σw, ΣwF, ΣwF². Returns None when the basis ``(A - 1, 1)`` is degenerate.
    """
    sa, saa, saf = sums[0], sums[1], sums[2]
    sd, sad, sfd = sums[3:6], sums[6:9], sums[9:12]
    det = saa * sw - sa * sa
    if not (np.isfinite(det) and det > 1e-12 * saa * sw):
        return None
    fs = (saf * sw - sa * sf) / det
    offset = (saa * sf - sa * saf) / det
    chi2 = sff - fs * saf - offset * sf
    rd = sfd - fs * sad - offset * sd  # Σ w r D_j
    dd = sums[_SYMMETRIC]
    m = np.stack([sad, sd])  # (2, 3): rows Σw a D, Σw D
    g_inv = np.array([[sw, -sa], [-sa, saa]]) / det
    curvature = fs * fs * (dd - m.T @ g_inv @ m)
    if not (np.isfinite(chi2) and np.all(np.isfinite(curvature)) and np.all(np.isfinite(rd))):
        return None
    return _Projection(float(chi2), float(fs), float(offset), -2.0 * fs * rd, curvature)


@numba.njit(cache=True, nogil=True)
def _project_kernel(sums, sw, sf, sff, grad, curvature):  # pragma: no cover - compiled
    """Compiled :func:`_project`: fills ``grad`` (3,) and ``curvature`` (3, 3); returns
    ``(ok, chi2, fs, offset)``."""
    sa, saa, saf = sums[0], sums[1], sums[2]
    det = saa * sw - sa * sa
    if not (np.isfinite(det) and det > 1e-12 * saa * sw):
        return False, 0.0, 0.0, 0.0
    fs = (saf * sw - sa * sf) / det
    offset = (saa * sf - sa * saf) / det
    chi2 = sff - fs * saf - offset * sf
    finite = np.isfinite(chi2)
    for j in range(3):
        grad[j] = -2.0 * fs * (sums[9 + j] - fs * sums[6 + j] - offset * sums[3 + j])
        finite = finite and np.isfinite(grad[j])
        for k in range(3):
            mgm = (
                sw * sums[6 + j] * sums[6 + k]
                - sa * (sums[6 + j] * sums[3 + k] + sums[3 + j] * sums[6 + k])
                + saa * sums[3 + j] * sums[3 + k]
            ) / det
            curvature[j, k] = fs * fs * (sums[_SYMMETRIC[j, k]] - mgm)
            finite = finite and np.isfinite(curvature[j, k])
    return finite, chi2, fs, offset


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
    time, flux, weight, theta, lower, upper, sw, sf, sff, lambda_init, chi2_tol, max_iter, grad, curvature
):  # pragma: no cover - compiled
    """Compiled :func:`_levenberg_marquardt` (same steps); ``theta`` (3,) is updated in place.

    Returns ``(ok, chi2, fs, offset, n_iter, converged)``; ``grad`` and ``curvature`` end at ``theta``.
    """
    sums = np.empty(N_SUMS)
    trial_grad = np.empty(3)
    trial_curvature = np.empty((3, 3))
    trial_theta = np.empty(3)
    for j in range(3):
        theta[j] = min(max(theta[j], lower[j]), upper[j])
    _projected_sums_kernel(time, flux, weight, theta[0], theta[1], theta[2], sums)
    ok, chi2, fs, offset = _project_kernel(sums, sw, sf, sff, grad, curvature)
    if not ok:
        return False, 0.0, 0.0, 0.0, 0, False
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
            return True, chi2, fs, offset, n_iter, True
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
                    time, flux, weight, trial_theta[0], trial_theta[1], trial_theta[2], sums
                )
                t_ok, t_chi2, t_fs, t_offset = _project_kernel(sums, sw, sf, sff, trial_grad, trial_curvature)
                accepted = t_ok and t_chi2 < chi2
            if accepted:
                break
            lam *= 10.0
            if lam > 1e12:
                return True, chi2, fs, offset, n_iter, True
        improvement = chi2 - t_chi2
        theta[:] = trial_theta
        grad[:] = trial_grad
        curvature[:, :] = trial_curvature
        chi2, fs, offset = t_chi2, t_fs, t_offset
        lam = max(lam / 10.0, 1e-12)
        if improvement <= chi2_tol:
            return True, chi2, fs, offset, n_iter + 1, True
    return True, chi2, fs, offset, max_iter, False


@dataclass(frozen=True)
class PSPLOptions:
    """Options of :func:`fit_pspl` (defaults are DESIGN.md's / the reference tool's behaviour).

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
    coarse: CoarseOptions = field(default_factory=CoarseOptions)

    def __post_init__(self) -> None:
        if isinstance(self.coarse, dict):
            object.__setattr__(self, "coarse", CoarseOptions(**self.coarse))
        if min(self.n_starts, self.max_iter, self.binned_max_iter) < 1:
            raise ValueError(
                f"n_starts, max_iter and binned_max_iter must be >= 1, got {self.n_starts}, "
                f"{self.max_iter}, {self.binned_max_iter}"
            )
        if not 0 < self.tE_min < self.tE_max:
            raise ValueError(f"need 0 < tE_min < tE_max, got {self.tE_min}, {self.tE_max}")
        if self.lm_bin_fraction < 0 or self.polish_dchi2 < 0:
            raise ValueError("lm_bin_fraction and polish_dchi2 must be >= 0")
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
        Source and blend flux (input flux units).
    chi2 : float
        Chi-square of the fit.
    chi2_const : float
        Chi-square of a weighted constant.
    dchi2_const : float
        ``chi2_const - chi2``: significance of the event.
    dof : int
        ``n_points - 5``.
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
        ``ok``, ``too_few_points`` (fewer than 6 usable points: 5 parameters and one degree of
        freedom), ``bad_errors`` (too few points once non-positive/non-finite errors are removed),
        ``degenerate`` (all fluxes or all times equal) or ``fit_failed`` (no start gave a finite fit).
    time, flux, flux_err : ndarray, shape (n_points,)
        The points fitted, time-sorted (not part of ``as_dict``/``to_row``).
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

    _ARRAYS = ("time", "flux", "flux_err")

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
    time: np.ndarray, flux: np.ndarray, flux_err: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """Keep finite points with positive errors, time-sorted.

    Parameters
    ----------
    time, flux, flux_err : array_like, shape (N,)

    Returns
    -------
    time, flux, flux_err : ndarray, shape (M,)
        Kept points in time order.
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
    if t.ndim != 1 or t.shape != f.shape or t.shape != e.shape:
        raise ValueError(
            f"time, flux, flux_err must be 1-D of equal length, got {t.shape}, {f.shape}, {e.shape}"
        )
    finite_tf = np.isfinite(t) & np.isfinite(f)
    good_err = np.isfinite(e) & (e > 0)
    keep = finite_tf & good_err
    order = np.argsort(t[keep], kind="stable")
    n_bad_errors = int(np.count_nonzero(finite_tf & ~good_err))
    return t[keep][order], f[keep][order], e[keep][order], int(t.size - order.size), n_bad_errors


def _weighted_mean(f: np.ndarray, e: np.ndarray) -> float:
    """Inverse-variance weighted mean, with weights relative to the smallest error (no overflow)."""
    w = (np.min(e) / e) ** 2
    return float(np.sum(w * f) / np.sum(w))


def _failed(status: str, t, f, e, n_rejected: int, chi2_const: float = np.nan) -> PSPLFit:
    n = int(t.size)
    return PSPLFit(
        t0=np.nan,
        tE=np.nan,
        u0=np.nan,
        fs=np.nan,
        fb=np.nan,
        chi2=np.nan,
        chi2_const=chi2_const,
        dchi2_const=np.nan,
        dof=max(n - N_PARAMS, 0),
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
    )


class _Problem:
    """Normalised data and parameter bounds of one fit; evaluates the projected problem at ``theta``.

    Fluxes are centred on their weighted mean and divided by a robust scale (weights scaled to match),
    which keeps the sums well conditioned whatever the flux unit; chi-square is unchanged.
    """

    def __init__(self, t: np.ndarray, f: np.ndarray, w: np.ndarray, lower: np.ndarray, upper: np.ndarray):
        self.t, self.f, self.w = t, f, w
        self.lower, self.upper = lower, upper
        self.sw = float(np.sum(w))
        self.sf = float(np.sum(w * f))
        self.sff = float(np.sum(w * f * f))

    @classmethod
    def from_data(cls, t: np.ndarray, f: np.ndarray, e: np.ndarray, options: PSPLOptions) -> _Problem:
        mean = _weighted_mean(f, e)
        scale = float(np.median(np.abs(f - mean)))
        scale = scale if scale > 0 else float(np.max(np.abs(f - mean)))
        margin = options.t0_margin * float(t[-1] - t[0])
        lower = np.array([t[0] - margin, np.log(options.tE_min), -options.u0_max])
        upper = np.array([t[-1] + margin, np.log(options.tE_max), options.u0_max])
        problem = cls(t, (f - mean) / scale, (scale / e) ** 2, lower, upper)
        problem.mean, problem.scale = mean, scale
        return problem

    def binned(self, width: float) -> _Problem:
        """The same problem on weighted means in time bins of ``width`` days."""
        tb, fb, wb = bin_in_time(self.t, self.f, self.w, width)
        return _Problem(tb, fb, wb, self.lower, self.upper)

    def evaluate(self, theta: np.ndarray, method: Literal["fast", "slow"] = "fast") -> _Projection | None:
        sums = projected_sums(self.t, self.f, self.w, theta, method=method)
        return _project(sums, self.sw, self.sf, self.sff)

    def clip(self, theta: np.ndarray) -> np.ndarray:
        return np.clip(theta, self.lower, self.upper)


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
    ok, chi2, fs, offset, n_iter, converged = _lm_kernel(
        problem.t, problem.f, problem.w, theta, problem.lower, problem.upper, problem.sw, problem.sf,
        problem.sff, float(options.lambda_init), float(chi2_tol), int(max_iter), grad, curvature,
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
) -> PSPLFit:
    """Fit a PSPL model with fs and fb solved linearly; never raises for bad data.

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

    Returns
    -------
    PSPLFit
        ``status`` tells whether the numbers are defined (see :class:`PSPLFit`).

    Raises
    ------
    ValueError
        Only for malformed input (arrays of different shapes) or an invalid ``p0``.
    """
    t, f, e, n_rejected, n_bad_errors = clean_points(time, flux, flux_err)
    if t.size <= N_PARAMS:
        status = "bad_errors" if t.size + n_bad_errors > N_PARAMS else "too_few_points"
        return _failed(status, t, f, e, n_rejected)
    chi2_const = float(np.sum(((f - _weighted_mean(f, e)) / e) ** 2))
    if np.ptp(f) == 0 or np.ptp(t) == 0:
        return _failed("degenerate", t, f, e, n_rejected, chi2_const)

    problem = _Problem.from_data(t, f, e, options)
    dof = t.size - N_PARAMS
    if p0 is not None:
        t0, te, u0 = (float(x) for x in p0)
        if not (np.isfinite(t0) and np.isfinite(u0) and te > 0):
            raise ValueError(f"p0 must be finite (t0, tE > 0, u0), got {p0}")
        starts = np.array([[t0, np.log(te), u0]])
    else:
        coarse = coarse_starts(t, problem.f, problem.w, options.coarse, n_starts=options.n_starts)
        starts = np.column_stack([coarse[:, 0], np.log(coarse[:, 1]), coarse[:, 2]])
    best = _refine_starts(problem, starts, options, dof)
    if best is None:
        return _failed("fit_failed", t, f, e, n_rejected, chi2_const)
    theta, state, n_iter, converged = best
    t0, te, u0 = float(theta[0]), float(np.exp(theta[1])), abs(float(theta[2]))
    fs = problem.scale * state.fs
    fb = problem.mean + problem.scale * (state.offset - state.fs)
    chi2 = float(np.sum(((f - fs * pspl_magnification(t, t0, te, u0) - fb) / e) ** 2))
    if not all(np.isfinite([t0, te, u0, fs, fb, chi2])):
        return _failed("fit_failed", t, f, e, n_rejected, chi2_const)
    tol = 1e-9 * (1.0 + np.abs(theta))
    at_bound = bool(np.any(theta - problem.lower <= tol) or np.any(problem.upper - theta <= tol))
    return PSPLFit(
        t0=t0,
        tE=te,
        u0=u0,
        fs=fs,
        fb=fb,
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
        flux=f,
        flux_err=e,
    )


__all__ = [
    "N_PARAMS",
    "PSPLFit",
    "PSPLOptions",
    "clean_points",
    "fit_pspl",
    "projected_sums",
    "pspl_magnification",
]
