"""Point or finite source: fit FSPL where it can matter and keep it when rho is significant."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lcpipe.microlensing.fspl import FSPLFit, FSPLOptions, fit_fspl
from lcpipe.microlensing.pspl import PSPLFit, fit_pspl


@dataclass(frozen=True)
class ModelChoiceOptions:
    """When the finite-source model replaces the point source.

    Attributes
    ----------
    min_dchi2 : float
        FSPL is kept when it lowers chi-square by at least this (one more parameter: 25 is a
        likelihood-ratio test at about 5 sigma) on errors rescaled to the PSPL fit's chi2/dof = 1.
    max_u0 : float
        FSPL is tried only when the PSPL ``u0`` is below this: a source disk changes the light curve
        only where the lens passes within a few source radii (rho < ~0.1 for bulge sources).
    fspl : FSPLOptions
        Options of the FSPL fit (its ``pspl`` section is the PSPL fit's options).
    """

    min_dchi2: float = 25.0
    max_u0: float = 0.3
    fspl: FSPLOptions = field(default_factory=FSPLOptions)


@dataclass(frozen=True)
class ModelChoice:
    """The chosen single-lens fit.

    Attributes
    ----------
    model : str
        ``pspl`` or ``fspl``.
    fit : PSPLFit or FSPLFit
        The chosen fit.
    pspl : PSPLFit
        The point-source fit.
    fspl : FSPLFit or None
        The finite-source fit, when tried.
    dchi2 : float
        ``chi2_pspl - chi2_fspl`` in units of the PSPL fit's chi2/dof (NaN when not tried).
    """

    model: str
    fit: PSPLFit
    pspl: PSPLFit
    fspl: FSPLFit | None
    dchi2: float


def fit_single_lens(
    time: np.ndarray,
    flux: np.ndarray,
    flux_err: np.ndarray,
    options: ModelChoiceOptions = ModelChoiceOptions(),
) -> ModelChoice:
    """PSPL fit, then FSPL when ``u0`` is small; FSPL is chosen when rho is significant.

    Parameters
    ----------
    time, flux, flux_err : array_like, shape (N,)
        Times (days), linear fluxes and 1-sigma errors.
    options : ModelChoiceOptions

    Returns
    -------
    ModelChoice
        ``fspl`` when the improvement, in units of the PSPL chi2/dof (at least 1), is at least
        ``min_dchi2`` and rho is not on a bound of its range.
    """
    pspl = fit_pspl(time, flux, flux_err, options=options.fspl.pspl)
    if not pspl.ok or pspl.u0 >= options.max_u0:
        return ModelChoice("pspl", pspl, pspl, None, float("nan"))
    fspl = fit_fspl(time, flux, flux_err, options=options.fspl)
    if not fspl.ok:
        return ModelChoice("pspl", pspl, pspl, fspl, float("nan"))
    dchi2 = (pspl.chi2 - fspl.chi2) / max(pspl.chi2_dof, 1.0)
    on_bound = not (options.fspl.rho_min * 1.01 < fspl.rho < options.fspl.rho_max * 0.99)
    if dchi2 >= options.min_dchi2 and not on_bound:
        return ModelChoice("fspl", fspl, pspl, fspl, float(dchi2))
    return ModelChoice("pspl", pspl, pspl, fspl, float(dchi2))
