"""Parameter uncertainties of a PSPL fit from the curvature of chi-square at the optimum.

The model of a point ``i`` of data set ``g`` is ``F_i = (fs + dfs_g) A(u_i) + fb_g`` on the fit's common
flux scale (:attr:`PSPLFit.flux`), with ``u_i = sqrt(u0**2 + ((t_i - t0) / tE)**2)`` and ``dfs_g`` a
free source-flux change (0 at the optimum) only for the data sets other than the reference that have
their own source flux (``fit.own_flux``). The Fisher matrix ``F = J^T W J`` of the Jacobian ``J`` with
respect to ``(t0, tE, u0, fs, fb_0, ..., fb_{G-1}, dfs_g ...)`` and the weights ``W = 1 / sigma**2``
is half the chi-square Hessian at the optimum (Gauss–Newton: exact for a model linear near the
optimum, the residual terms averaging out). Its inverse is the covariance;
the marginal errors of ``t0, tE, u0`` equal the curvature of the chi-square profiled over the fluxes.
Errors are as good as the error bars: pass a fit whose errors were rescaled to chi2/dof = 1 (or
multiply by ``sqrt(chi2_dof)``, done here when ``rescale`` is True).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lcpipe.microlensing.pspl import PSPLFit

#: Names of the shared parameters, in the covariance's order (blend fluxes follow, one per group).
PARAMETERS = ("t0", "tE", "u0", "fs")


@dataclass(frozen=True)
class PSPLUncertainty:
    """Curvature errors of a PSPL fit.

    Attributes
    ----------
    sigma : dict
        1-sigma errors of ``t0`` (days), ``tE`` (days), ``u0``, ``fs`` and ``fb`` (reference data
        set; flux units of the fit).
    covariance : ndarray, shape (4 + G + S, 4 + G + S)
        Covariance of ``(t0, tE, u0, fs, fb_0 .. fb_{G-1})`` and the ``S`` own source-flux changes
        ``dfs_g`` (see the module docstring), in data set order.
    scale : float
        Factor the errors were multiplied with (``sqrt(chi2_dof)`` or 1).
    """

    sigma: dict[str, float]
    covariance: np.ndarray
    scale: float

    def to_row(self, prefix: str = "pspl_sigma_") -> dict[str, float]:
        """Flat columns ``pspl_sigma_t0`` ... for a per-source table."""
        return {f"{prefix}{k}": v for k, v in self.sigma.items()}


def pspl_jacobian(fit: PSPLFit) -> np.ndarray:
    """Jacobian of the model flux at the fit's points, shape (N, 4 + G + S).

    Columns: ``d/dt0, d/dtE, d/du0, d/dfs``, one ``d/dfb_g`` (indicator) per data set, then one
    ``d/ddfs_g`` (``A`` on the points of ``g``) per data set ``g > 0`` with its own source flux.
    """
    t = np.asarray(fit.time, dtype=float)
    group = np.zeros(t.size, np.int64) if fit.group is None else np.asarray(fit.group, np.int64)
    n_groups = int(group.max()) + 1 if group.size else 1
    tau = (t - fit.t0) / fit.tE
    u = np.sqrt(fit.u0 * fit.u0 + tau * tau)
    d_a_du = -8.0 / (u * u * (u * u + 4.0) ** 1.5)
    du_dt0 = -tau / (u * fit.tE)
    du_dte = -tau * tau / (u * fit.tE)
    du_du0 = fit.u0 / u
    amp = (u * u + 2.0) / (u * np.sqrt(u * u + 4.0))
    jac = np.zeros((t.size, 4 + n_groups))
    jac[:, 0] = fit.fs * d_a_du * du_dt0
    jac[:, 1] = fit.fs * d_a_du * du_dte
    jac[:, 2] = fit.fs * d_a_du * du_du0
    jac[:, 3] = amp
    jac[np.arange(t.size), 4 + group] = 1.0
    own = [] if fit.own_flux is None else [k for k in range(1, n_groups) if fit.own_flux[k]]
    own_columns = [np.where(group == k, amp, 0.0) for k in own]
    return np.column_stack([jac, *own_columns]) if own_columns else jac


def pspl_uncertainties(fit: PSPLFit, *, rescale: bool = True) -> PSPLUncertainty:
    """1-sigma errors and covariance of a PSPL fit from its Fisher matrix.

    Parameters
    ----------
    fit : PSPLFit
        A successful fit (``fit.ok``).
    rescale : bool
        Multiply the errors by ``sqrt(chi2_dof)`` when it exceeds 1 (error bars too small).

    Returns
    -------
    PSPLUncertainty

    Raises
    ------
    ValueError
        If the fit failed or its Fisher matrix is singular (a parameter the data do not constrain).
    """
    if not fit.ok:
        raise ValueError(f"no uncertainties for a failed fit (status {fit.status!r})")
    weighted = pspl_jacobian(fit) / np.asarray(fit.flux_err, dtype=float)[:, None]
    covariance = covariance_from_jacobian(weighted)
    scale = max(float(np.sqrt(fit.chi2_dof)), 1.0) if rescale else 1.0
    covariance = covariance * scale * scale
    sigma = np.sqrt(np.diag(covariance))
    names = {**{name: float(sigma[k]) for k, name in enumerate(PARAMETERS)}, "fb": float(sigma[4])}
    return PSPLUncertainty(names, covariance, scale)


def dataset_flux_errors(fit: PSPLFit, uncertainty: PSPLUncertainty) -> tuple[np.ndarray, np.ndarray]:
    """1-sigma errors of every data set's source and blend flux, in that data set's own flux units.

    Parameters
    ----------
    fit : PSPLFit
        The fit the uncertainty belongs to.
    uncertainty : PSPLUncertainty
        From :func:`pspl_uncertainties`.

    Returns
    -------
    fs_err, fb_err : ndarray, shape (G,)
        On the common scale a data set's source flux is ``fs`` (shared) or ``fs + dfs_g`` (its own) and
        its blend ``fb_g``; both are brought to the data set's units by ``|fs_g / fs|``.
    """
    n_groups = int(fit.n_groups)
    cov = uncertainty.covariance
    own = [] if fit.own_flux is None else [k for k in range(1, n_groups) if fit.own_flux[k]]
    var_fs = np.full(n_groups, cov[3, 3])
    for j, k in enumerate(own):
        c = 4 + n_groups + j
        var_fs[k] = cov[3, 3] + cov[c, c] + 2.0 * cov[3, c]
    to_own = np.abs(np.asarray(fit.fs_groups, dtype=float) / fit.fs)
    fb_err = np.sqrt(np.diag(cov)[4 : 4 + n_groups])
    return np.sqrt(var_fs) * to_own, fb_err * to_own


def covariance_from_jacobian(weighted_jacobian: np.ndarray) -> np.ndarray:
    """Gauss–Newton covariance ``(J^T J)^-1`` of the Jacobian of the weighted residuals.

    Parameters
    ----------
    weighted_jacobian : ndarray, shape (N, P)
        ``d((data - model) / sigma) / d(parameter)`` (or of the model: the sign does not matter).

    Returns
    -------
    ndarray, shape (P, P)
        Inverted after scaling to unit diagonal, so that parameters of very different sizes do not
        spoil the conditioning.

    Raises
    ------
    ValueError
        If a parameter does not change the model or the matrix is singular (condition number > 1e14
        after the scaling).
    """
    fisher = weighted_jacobian.T @ weighted_jacobian
    norm = np.sqrt(np.diag(fisher))
    if not np.all(norm > 0):
        raise ValueError("singular Fisher matrix: a parameter does not change the model")
    scaled = fisher / np.outer(norm, norm)
    if not np.all(np.isfinite(scaled)) or np.linalg.cond(scaled) > 1e14:
        raise ValueError("singular Fisher matrix: parameters are degenerate")
    return np.linalg.inv(scaled) / np.outer(norm, norm)
