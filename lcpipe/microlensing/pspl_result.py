"""The result of a PSPL fit (:class:`PSPLFit`) and the failed fit of undefined numbers."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from lcpipe.microlensing.magnification import pspl_magnification

#: Number of fitted parameters of one group (t0, tE, u0, fs, fb); each further group adds its fb.
N_PARAMS = 5


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


def n_shared_params(n_groups: int) -> int:
    """Parameters of a fit whose groups share the source flux: t0, tE, u0, fs and one fb per group."""
    return N_PARAMS - 1 + n_groups


def failed_fit(
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
        dof=max(n - n_shared_params(n_groups), 0),
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
