"""Degenerate single-lens fits: detect them, try other starts, flag what stays degenerate.

A PSPL fit is degenerate when its parameters are not determined by the data:

- ``u0`` or ``tE`` ends on its bound (``u0_max``, ``tE_min``, ``tE_max``; ``t0`` on the edge of its
  range too): the optimum lies outside the allowed space.
- Source and blend fluxes cancel: ``fs`` and ``fb`` of opposite signs with a peak excess
  ``A(u0) - 1`` below ``min_peak_excess``. The model then mimics a small flux change with a huge
  source flux at large ``u0`` (fs = +1.2e6, fb = -1.2e6 on a difference-flux file), and fs, fb and
  u0 can trade against each other freely.

The residuals of such a fit say nothing about an anomaly, so they are refitted from starts at smaller
``u0`` (the bound of the refit tightened), and a fit that stays degenerate is flagged: the anomaly
verdict is then ``degenerate_fit`` whatever the scan finds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from lcpipe.microlensing.pspl import PSPLFit, PSPLOptions, fit_pspl, pspl_magnification


@dataclass(frozen=True)
class DegeneracyOptions:
    """Thresholds of :func:`degeneracy_flags` and the refit of :func:`refit_if_degenerate`.

    Attributes
    ----------
    min_peak_excess : float
        Fits with ``A(u0) - 1`` below this and ``fs * fb < 0`` are flux-degenerate.
    bound_rtol : float
        A parameter within this fraction of its range from a bound is on it.
    refit_u0 : tuple of float
        Starting ``u0`` values of the refit (at the degenerate fit's t0 and tE).
    refit_u0_max : float
        ``u0_max`` of the refit.
    max_refit_dchi2 : float
        A refit is kept only if its chi-square is at most this above the degenerate fit's.
    """

    min_peak_excess: float = 0.01
    bound_rtol: float = 1e-6
    refit_u0: tuple[float, ...] = (0.05, 0.2, 0.6)
    refit_u0_max: float = 2.0
    max_refit_dchi2: float = 25.0


@dataclass(frozen=True)
class Degeneracy:
    """Which degeneracies a fit shows.

    Attributes
    ----------
    u0_at_bound, tE_at_bound, t0_at_bound : bool
        The parameter ended on a bound of its range.
    flux_degenerate : bool
        ``fs`` and ``fb`` of opposite signs with a peak excess below ``min_peak_excess``.
    refitted : bool
        The fit reported is a refit from other starts (the original was degenerate).
    """

    u0_at_bound: bool = False
    tE_at_bound: bool = False
    t0_at_bound: bool = False
    flux_degenerate: bool = False
    refitted: bool = False

    @property
    def degenerate(self) -> bool:
        """Any degeneracy left."""
        return self.u0_at_bound or self.tE_at_bound or self.t0_at_bound or self.flux_degenerate

    def reason(self) -> str:
        """Comma-separated names of the degeneracies (``""`` when none)."""
        names = ("u0_at_bound", "tE_at_bound", "t0_at_bound", "flux_degenerate")
        return ",".join(n for n in names if getattr(self, n))

    def to_row(self, prefix: str = "fit_") -> dict[str, object]:
        """Flat columns for a per-source table."""
        return {
            f"{prefix}degenerate": self.degenerate,
            f"{prefix}degenerate_reason": self.reason(),
            f"{prefix}refitted": self.refitted,
        }


def degeneracy_flags(
    fit: PSPLFit, pspl: PSPLOptions | None = None, options: DegeneracyOptions = DegeneracyOptions()
) -> Degeneracy:
    """Degeneracies of a successful fit (all False for a failed one, which is not scanned anyway).

    Parameters
    ----------
    fit : PSPLFit
    pspl : PSPLOptions, optional
        The options the fit ran with (its bounds); the defaults when None.
    options : DegeneracyOptions
    """
    pspl = PSPLOptions() if pspl is None else pspl
    if not fit.ok:
        return Degeneracy()
    t_lo, t_hi = float(np.min(fit.time)), float(np.max(fit.time))
    margin = pspl.t0_margin * (t_hi - t_lo)
    t0_range = (t_lo - margin, t_hi + margin)
    ln_te = (np.log(pspl.tE_min), np.log(pspl.tE_max))
    tol_t0 = options.bound_rtol * (t0_range[1] - t0_range[0]) + 1e-9
    tol_te = options.bound_rtol * (ln_te[1] - ln_te[0]) + 1e-9
    u0_at = fit.u0 >= pspl.u0_max * (1.0 - options.bound_rtol) - 1e-12
    te_at = min(abs(np.log(fit.tE) - ln_te[0]), abs(np.log(fit.tE) - ln_te[1])) <= tol_te
    t0_at = min(abs(fit.t0 - t0_range[0]), abs(fit.t0 - t0_range[1])) <= tol_t0
    excess = float(pspl_magnification(np.array([fit.t0]), fit.t0, fit.tE, fit.u0)[0]) - 1.0
    flux = bool(fit.fs * fit.fb < 0 and excess < options.min_peak_excess)
    return Degeneracy(bool(u0_at), bool(te_at), bool(t0_at), flux)


def refit_if_degenerate(
    fit: PSPLFit,
    group: np.ndarray | None = None,
    pspl: PSPLOptions | None = None,
    options: DegeneracyOptions = DegeneracyOptions(),
) -> tuple[PSPLFit, Degeneracy]:
    """Refit a degenerate fit from starts at smaller ``u0``; keep the best non-degenerate refit.

    Parameters
    ----------
    fit : PSPLFit
        A fit of its own points (``fit.time``, ``fit.flux``, ``fit.flux_err``, brought onto the
        reference data set).
    group : ndarray, shape (fit.n_points,), optional
        Data set codes of those points (``fit.group`` when None).
    pspl : PSPLOptions, optional
        The options of the original fit (the defaults when None).
    options : DegeneracyOptions

    Returns
    -------
    fit : PSPLFit
        The refit when one is not degenerate and not worse by more than ``max_refit_dchi2``
        (lowest chi-square among them), else ``fit``.
    degeneracy : Degeneracy
        Flags of the returned fit (``refitted`` True for a refit).
    """
    pspl = PSPLOptions() if pspl is None else pspl
    flags = degeneracy_flags(fit, pspl, options)
    if not flags.degenerate:
        return fit, flags
    group = fit.group if group is None else group
    refit_options = replace(pspl, u0_max=min(pspl.u0_max, options.refit_u0_max))
    best: PSPLFit | None = None
    for u0 in options.refit_u0:
        tE = float(np.clip(fit.tE, 1.0, 0.5 * np.ptp(fit.time)))
        trial = fit_pspl(
            fit.time, fit.flux, fit.flux_err, options=refit_options, p0=(fit.t0, tE, u0), group=group
        )
        if not trial.ok or degeneracy_flags(trial, refit_options, options).degenerate:
            continue
        if trial.chi2 > fit.chi2 + options.max_refit_dchi2:
            continue
        if best is None or trial.chi2 < best.chi2:
            best = trial
    if best is None:
        return fit, flags
    return best, replace(degeneracy_flags(best, refit_options, options), refitted=True)
