"""Polynomial trends in time fitted jointly with one zero point per offset group (weighted least squares)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TrendFit:
    """A weighted least-squares fit ``m_i = c_g(i) + sum_k a_k x_i^k`` (k = 1..degree).

    Attributes
    ----------
    coefficients : ndarray, shape (degree,)
        ``a_1`` (mag/yr), ``a_2`` (mag/yr^2) ... of the centred time ``x`` (yr).
    covariance : ndarray, shape (degree, degree)
        Their covariance from the point errors (mag^2/yr^2k), not rescaled.
    offsets : ndarray, shape (G,)
        Zero point of each group (mag at ``x = 0``).
    offset_errors : ndarray, shape (G,)
        Their 1-sigma errors (mag).
    residuals : ndarray, shape (N,)
        Data minus model (mag).
    chi2 : float
        Weighted sum of squared residuals.
    dof : int
        N minus the number of parameters.
    """

    coefficients: np.ndarray
    covariance: np.ndarray
    offsets: np.ndarray
    offset_errors: np.ndarray
    residuals: np.ndarray
    chi2: float
    dof: int

    @property
    def reduced_chi2(self) -> float:
        """chi2 / dof (NaN without degrees of freedom)."""
        return self.chi2 / self.dof if self.dof > 0 else float("nan")


def design_matrix(x: np.ndarray, group: np.ndarray, n_groups: int, degree: int) -> np.ndarray:
    """Columns: one indicator per group, then ``x, x^2, ..., x^degree``; shape (N, G + degree)."""
    indicators = (group[:, None] == np.arange(n_groups)[None, :]).astype(float)
    powers = x[:, None] ** np.arange(1, degree + 1)[None, :]
    return np.hstack([indicators, powers])


def fit_trend(
    x: np.ndarray, mag: np.ndarray, err: np.ndarray, group: np.ndarray, n_groups: int, degree: int
) -> TrendFit:
    """Fit group zero points and a polynomial of ``degree`` (0, 1, 2 ...) in ``x`` by weighted least squares.

    Parameters
    ----------
    x : ndarray, shape (N,)
        Centred time (yr).
    mag, err : ndarray, shape (N,)
        Magnitudes and 1-sigma errors (mag, > 0).
    group : ndarray, shape (N,), int
        Offset group of each point in ``range(n_groups)``; every group holds at least one point.
    n_groups : int
        G.
    degree : int
        Polynomial degree (0: offsets only).

    Returns
    -------
    TrendFit
    """
    a = design_matrix(x, group, n_groups, degree)
    w = 1.0 / err**2
    normal = a.T @ (a * w[:, None])
    rhs = a.T @ (w * mag)
    covariance = np.linalg.pinv(normal)
    params = covariance @ rhs
    residuals = mag - a @ params
    chi2 = float(np.sum(w * residuals**2))
    errors = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    return TrendFit(
        coefficients=params[n_groups:],
        covariance=covariance[n_groups:, n_groups:],
        offsets=params[:n_groups],
        offset_errors=errors[:n_groups],
        residuals=residuals,
        chi2=chi2,
        dof=int(mag.size - n_groups - degree),
    )
