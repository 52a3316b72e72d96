"""Finite-source point-lens (FSPL) fit: the PSPL fit plus the source radius rho.

The magnification of a uniform source disk comes from VBMicrolensing's ``ESPLMag2`` where finite-source
effects matter (``u < fs_cut * rho``); further out the quadrupole expansion
``A_fs = A + (rho**2 / 8) * laplacian(A) = A + 4 rho**2 (u**2 + 1) / (u**3 (u**2 + 4)**(5/2))``
is used: its truncation error there is ~0.05 (rho / u)**4 < 1e-7 relative, it matches ``ESPLMag2`` to
VBMicrolensing's table precision (a few 1e-6, tested), and VBMicrolensing is only called near the peak.
The fit walks ``((t0 - t0_ref) / tE_ref, ln tE, u0, ln rho)`` with ``fs``, ``fb`` solved linearly at
every trial (variable projection), using scipy's bounded trust-region least squares with a
finite-difference Jacobian, started from the PSPL solution at a few values of rho.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np
import VBMicrolensing
from scipy.optimize import least_squares

from lcpipe.microlensing.pspl import N_PARAMS, PSPLFit, PSPLOptions, fit_pspl, pspl_magnification
from lcpipe.microlensing.uncertainty import covariance_from_jacobian
from lcpipe.options import convert_nested

#: Number of fitted parameters (t0, tE, u0, rho, fs, fb).
N_PARAMS_FSPL = N_PARAMS + 1


def fspl_magnification(
    time: np.ndarray,
    t0: float,
    tE: float,
    u0: float,
    rho: float,
    *,
    vbm: VBMicrolensing.VBMicrolensing | None = None,
    fs_cut: float = 30.0,
) -> np.ndarray:
    """Uniform finite-source point-lens magnification.

    Parameters
    ----------
    time : ndarray, shape (N,)
        Times (days).
    t0, tE, u0 : float
        Time of closest approach (days), Einstein timescale (days), impact parameter.
    rho : float
        Source radius in Einstein radii (> 0).
    vbm : VBMicrolensing.VBMicrolensing, optional
        Instance to use (one per fit: it holds tables and tolerances); a new one when None.
    fs_cut : float
        VBMicrolensing is called where ``u < fs_cut * rho``; the quadrupole expansion elsewhere.

    Returns
    -------
    ndarray, shape (N,)
    """
    tau = (np.asarray(time, dtype=float) - t0) / tE
    u = np.sqrt(u0 * u0 + tau * tau)
    near = u < fs_cut * rho
    far_u = np.maximum(u[~near], 1e-300)
    mag = np.empty(u.shape)
    u2 = far_u * far_u
    mag[~near] = pspl_magnification(far_u, 0.0, 1.0, 0.0) + 4.0 * rho * rho * (u2 + 1.0) / (
        u2 * far_u * (u2 + 4.0) ** 2.5
    )
    if np.any(near):
        vbm = VBMicrolensing.VBMicrolensing() if vbm is None else vbm
        mag[near] = [vbm.ESPLMag2(float(x), float(rho)) for x in u[near]]
    return mag


@dataclass(frozen=True)
class FSPLOptions:
    """Options of :func:`fit_fspl`.

    Attributes
    ----------
    rho_starts : tuple of float
        Starting source radii (Einstein radii) tried from the PSPL solution; the lowest chi2 wins.
    rho_min, rho_max : float
        Bounds on rho.
    fs_cut : float
        VBMicrolensing is used where ``u < fs_cut * rho`` (see :func:`fspl_magnification`).
    max_nfev : int
        Maximum model evaluations per start (scipy ``least_squares``).
    tol : float
        ``ftol`` and ``xtol`` of ``least_squares``.
    diff_step : float
        Relative finite-difference step of the Jacobian.
    pspl : PSPLOptions
        Options of the PSPL fit that provides the start and the bounds on tE, u0 and t0.
    """

    rho_starts: tuple[float, ...] = (1e-3, 1e-2, 1e-1)
    rho_min: float = 1e-5
    rho_max: float = 10.0
    fs_cut: float = 30.0
    max_nfev: int = 400
    tol: float = 1e-10
    diff_step: float = 1e-7
    pspl: PSPLOptions = field(default_factory=PSPLOptions)

    def __post_init__(self) -> None:
        convert_nested(self)
        object.__setattr__(self, "rho_starts", tuple(float(r) for r in self.rho_starts))
        if not 0 < self.rho_min < self.rho_max:
            raise ValueError(f"need 0 < rho_min < rho_max, got {self.rho_min}, {self.rho_max}")
        if not self.rho_starts or not all(self.rho_min <= r <= self.rho_max for r in self.rho_starts):
            raise ValueError(f"rho_starts must be non-empty and within the rho bounds, got {self.rho_starts}")
        if self.fs_cut < 10 or self.max_nfev < 1 or self.tol <= 0 or self.diff_step <= 0:
            raise ValueError("need fs_cut >= 10, max_nfev >= 1, tol > 0 and diff_step > 0")


@dataclass(frozen=True)
class FSPLFit(PSPLFit):
    """FSPL result: every :class:`PSPLFit` field (``dof = n_points - 6``) plus the following.

    Attributes
    ----------
    rho : float
        Source radius (Einstein radii).
    chi2_pspl : float
        Chi-square of the PSPL fit it started from.
    dchi2_pspl : float
        ``chi2_pspl - chi2``: how much the finite source improves the fit (>= 0 up to tolerance).
    fs_cut : float
        The ``fs_cut`` the model was evaluated with (for :meth:`magnification`).
    rho_err : float
        1-sigma error of rho from the curvature of chi-square at the optimum (Gauss–Newton on the
        finite-difference Jacobian, fluxes profiled out), multiplied by ``sqrt(chi2_dof)`` when that
        exceeds 1; NaN when the curvature is singular.
    """

    rho: float = np.nan
    chi2_pspl: float = np.nan
    dchi2_pspl: float = np.nan
    fs_cut: float = 30.0
    rho_err: float = np.nan

    def magnification(self, time: np.ndarray) -> np.ndarray:
        """Finite-source magnification at ``time`` (shape (M,)); NaN when the fit is undefined."""
        time = np.asarray(time, dtype=float)
        if not self.ok:
            return np.full(time.shape, np.nan)
        return fspl_magnification(time, self.t0, self.tE, self.u0, self.rho, fs_cut=self.fs_cut)

    def to_row(self, prefix: str = "fspl_") -> dict:
        """Flat scalars for one row of a per-source table, keys ``prefix + field``."""
        return super().to_row(prefix)


def _from_pspl(pspl: PSPLFit, **extra) -> FSPLFit:
    values = {f.name: getattr(pspl, f.name) for f in fields(PSPLFit)}
    values["dof"] = max(pspl.n_points - N_PARAMS_FSPL, 0)
    values["chi2_pspl"] = pspl.chi2
    return FSPLFit(**values, **extra)


def fit_fspl(
    time: np.ndarray,
    flux: np.ndarray,
    flux_err: np.ndarray,
    *,
    options: FSPLOptions = FSPLOptions(),
    p0: tuple[float, float, float, float] | None = None,
) -> FSPLFit:
    """Fit a finite-source point-lens model; never raises for bad data.

    Parameters
    ----------
    time, flux, flux_err : array_like, shape (N,)
        Times (days), linear fluxes and 1-sigma errors (bad points dropped as in
        :func:`lcpipe.microlensing.pspl.fit_pspl`).
    options : FSPLOptions
    p0 : (t0, tE, u0, rho), optional
        Starting point; by default the PSPL fit with each of ``options.rho_starts``.

    Returns
    -------
    FSPLFit
        The PSPL statuses; ``fit_failed`` also when no start gives a finite FSPL fit. With fewer than
        7 usable points the status is ``too_few_points``.

    Raises
    ------
    ValueError
        For malformed input or an invalid ``p0``.
    """
    if p0 is not None:
        if len(p0) != 4 or not (np.all(np.isfinite(p0)) and p0[1] > 0 and p0[3] > 0):
            raise ValueError(f"p0 must be finite (t0, tE > 0, u0, rho > 0), got {p0}")
        pspl = fit_pspl(time, flux, flux_err, options=options.pspl, p0=tuple(p0[:3]))
        rho_starts: tuple[float, ...] = (float(p0[3]),)
    else:
        pspl = fit_pspl(time, flux, flux_err, options=options.pspl)
        rho_starts = options.rho_starts
    if pspl.ok and pspl.n_points <= N_PARAMS_FSPL:
        pspl = replace(pspl, status="too_few_points")
    if not pspl.ok:
        return _from_pspl(pspl, fs_cut=options.fs_cut)

    problem = _FSPLProblem(pspl, options)
    best = None
    for rho in rho_starts:
        result = problem.solve(rho)
        if result is not None and (best is None or result.cost < best.cost):
            best = result
    if best is None:
        return _from_pspl(replace(pspl, status="fit_failed"), fs_cut=options.fs_cut)
    return problem.result(best)


class _FSPLProblem:
    """The FSPL fit on the points of a PSPL fit, in ``x = ((t0 - t0_ref) / tE_ref, ln tE, u0, ln rho)``
    with the PSPL ``t0, tE`` as reference and ``fs, fb`` solved linearly at every trial."""

    def __init__(self, pspl: PSPLFit, options: FSPLOptions):
        self.pspl, self.options = pspl, options
        t = pspl.time
        self.sqrt_w = 1.0 / pspl.flux_err
        self.vbm = VBMicrolensing.VBMicrolensing()
        self.t_ref, self.te_ref = pspl.t0, pspl.tE
        popt = options.pspl
        margin = popt.t0_margin * (t[-1] - t[0]) / self.te_ref
        self.lower = np.array(
            [(t[0] - self.t_ref) / self.te_ref - margin, np.log(popt.tE_min), -popt.u0_max,
             np.log(options.rho_min)]
        )  # fmt: skip
        self.upper = np.array(
            [(t[-1] - self.t_ref) / self.te_ref + margin, np.log(popt.tE_max), popt.u0_max,
             np.log(options.rho_max)]
        )  # fmt: skip

    def model(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(fs, fb)`` and the weighted residuals, shape (N,), at ``x``."""
        t, f, sqrt_w = self.pspl.time, self.pspl.flux, self.sqrt_w
        mag = fspl_magnification(
            t, self.t_ref + x[0] * self.te_ref, np.exp(x[1]), x[2], np.exp(x[3]), vbm=self.vbm,
            fs_cut=self.options.fs_cut,
        )  # fmt: skip
        design = np.column_stack([mag, np.ones_like(mag)]) * sqrt_w[:, None]
        coef, *_ = np.linalg.lstsq(design, f * sqrt_w, rcond=None)
        return coef, f * sqrt_w - design @ coef

    def solve(self, rho: float):
        """Bounded least squares from the PSPL solution and ``rho``; None if it fails or is not finite."""
        x0 = np.clip([0.0, np.log(self.pspl.tE), self.pspl.u0, np.log(rho)], self.lower, self.upper)
        opts = self.options
        try:
            result = least_squares(
                lambda x: self.model(x)[1], x0, bounds=(self.lower, self.upper), method="trf",
                x_scale="jac", diff_step=opts.diff_step, ftol=opts.tol, xtol=opts.tol, gtol=opts.tol,
                max_nfev=opts.max_nfev,
            )  # fmt: skip
        except (ValueError, np.linalg.LinAlgError):
            return None
        return result if np.isfinite(2.0 * result.cost) else None

    def result(self, best) -> FSPLFit:
        """The :class:`FSPLFit` of the least-squares solution ``best``."""
        pspl, x = self.pspl, best.x
        (fs, fb), resid = self.model(x)
        chi2 = float(np.sum(resid * resid))
        values = {
            "t0": float(self.t_ref + x[0] * self.te_ref),
            "tE": float(np.exp(x[1])),
            "u0": abs(float(x[2])),
            "rho": float(np.exp(x[3])),
            "fs": float(fs),
            "fb": float(fb),
            "chi2": chi2,
        }
        fs_cut = self.options.fs_cut
        if not all(np.isfinite(list(values.values()))):
            return _from_pspl(replace(pspl, status="fit_failed"), fs_cut=fs_cut)
        dof = pspl.n_points - N_PARAMS_FSPL
        tol = 1e-9 * (1.0 + np.abs(x))
        return replace(
            _from_pspl(pspl, fs_cut=fs_cut),
            **values,
            dchi2_const=pspl.chi2_const - chi2,
            dof=dof,
            chi2_dof=chi2 / dof,
            dchi2_pspl=pspl.chi2 - chi2,
            rho_err=values["rho"] * _error(best.jac, 3) * max(float(np.sqrt(chi2 / dof)), 1.0),
            n_iter=int(best.nfev),
            converged=bool(best.status > 0),
            at_bound=bool(np.any(x - self.lower <= tol) or np.any(self.upper - x <= tol)),
        )


def _error(weighted_jacobian: np.ndarray, k: int) -> float:
    """1-sigma curvature error of parameter ``k`` of a least-squares solution (NaN when singular)."""
    try:
        return float(np.sqrt(covariance_from_jacobian(weighted_jacobian)[k, k]))
    except ValueError:
        return float("nan")
