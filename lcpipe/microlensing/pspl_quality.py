"""Quality of a single-lens fit for the PSPL stage table and ``lcpipe fit``: errors, parallax, finite source.

Every successful fit gets the curvature errors of its parameters
(:func:`lcpipe.microlensing.uncertainty.pspl_uncertainties`, multiplied by ``sqrt(chi2/dof)`` when
that exceeds 1). Significant events (the fits that pass the event selection, the only ones scanned)
also get, as :class:`~lcpipe.microlensing.pspl.PSPLOptions` ``parallax`` and ``finite_source`` say:

- **annual parallax** (:func:`lcpipe.microlensing.parallax.fit_parallax`, VBMicrolensing) when the
  event's coordinates are known and its times are full Julian-type dates (above 2,400,000: readers
  bring HJD', MJD and offsets to full dates; a simulation's day count is not one; VBMicrolensing
  takes ``HJD - 2450000``, and JD, HJD and BJD differ by minutes), from the static solution with both
  signs of ``u0``;
- a **finite source** (:func:`lcpipe.microlensing.model_choice.fit_single_lens`) when ``u0 < 0.3``.

A model is kept (``parallax``, ``finite_source`` True) when it lowers chi-square by at least
:data:`MIN_DCHI2` in units of the static fit's chi2/dof (at least 1): a likelihood-ratio test at
about 5 sigma for one parameter, 4.6 sigma for two. Both run on the fit's points brought onto the
reference data set's flux scale (:attr:`PSPLFit.flux`) with one source and one blend flux, so the
other data sets keep their static-fit flux ratios and offsets: exact at the static solution, a
first-order approximation away from it. The static fit's columns are never changed; the other models
are reported next to them. Either model also absorbs part of an anomaly it does not describe: on the
demo survey (static events) parallax is kept for 10 of the 22 planetary events and finite source for
6, and neither for any of the 24 plain events, so read them together with the anomaly verdict.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord

from lcpipe.microlensing.fspl import FSPLOptions
from lcpipe.microlensing.model_choice import ModelChoiceOptions, fit_single_lens
from lcpipe.microlensing.parallax import fit_parallax
from lcpipe.microlensing.pspl import PSPLFit, PSPLOptions
from lcpipe.microlensing.uncertainty import pspl_uncertainties

#: Chi-square improvement (in units of the static fit's chi2/dof, at least 1) that keeps a model.
MIN_DCHI2 = 25.0

#: Offset of VBMicrolensing's time frame (HJD - 2450000) from full dates.
REDUCED_OFFSET = 2450000.0

#: Smallest median time taken as a full Julian-type date (JD 2400000 is the year 1858).
FULL_DATE_MIN = 2.4e6

#: The columns :func:`fit_quality` returns, with their value when not computed (the PSPL stage table
#: has them as ``pspl_<name>``, ``lcpipe fit --json`` as they are).
QUALITY_COLUMNS: dict[str, Any] = {
    "t0_err": np.nan,
    "tE_err": np.nan,
    "u0_err": np.nan,
    "fs_err": np.nan,
    "fb_err": np.nan,
    "parallax": False,
    "pi_EN": np.nan,
    "pi_EE": np.nan,
    "pi_EN_err": np.nan,
    "pi_EE_err": np.nan,
    "u0_sign": 0,
    "dchi2_u0_sign": np.nan,
    "dchi2_parallax": np.nan,
    "finite_source": False,
    "rho": np.nan,
    "rho_err": np.nan,
    "dchi2_fspl": np.nan,
}


def fit_quality(
    fit: PSPLFit,
    options: PSPLOptions,
    *,
    significant: bool,
    coordinates: str | None = None,
) -> dict[str, Any]:
    """The quality columns of one fit (see the module docstring).

    Parameters
    ----------
    fit : PSPLFit
        The static fit (any status: a failed fit gets the defaults of :data:`QUALITY_COLUMNS`).
    options : PSPLOptions
        Its options (``parallax``, ``finite_source`` and the bounds of the finite-source fit).
    significant : bool
        The fit passes the event selection: only then are parallax and the finite source fitted.
    coordinates : str, optional
        ``"hh:mm:ss.ss +dd:mm:ss.s"`` of the event (:func:`coordinates_of`); no parallax without, nor
        unless the fit's median time is at least :data:`FULL_DATE_MIN`.

    Returns
    -------
    dict
        :data:`QUALITY_COLUMNS` (the PSPL stage prefixes them with ``pspl_``):

        - ``<p>_err``: 1-sigma errors (days for t0 and tE, the reference data set's flux for fs, fb);
        - ``parallax``: the parallax model is kept; ``pi_EN``, ``pi_EE`` and their errors;
          ``u0_sign``: +1 or -1 of the best parallax solution, 0 when not fitted; ``dchi2_u0_sign``:
          chi-square of the other sign minus the best's;
        - ``finite_source``: FSPL is kept; ``rho``, ``rho_err`` whenever FSPL was fitted;
        - ``dchi2_parallax``, ``dchi2_fspl``: improvement over the static fit in units of its
          chi2/dof (at least 1).
    """
    out = dict(QUALITY_COLUMNS)
    if not fit.ok:
        return out
    try:
        sigma = pspl_uncertainties(fit).sigma
        out.update({f"{name}_err": sigma[name] for name in ("t0", "tE", "u0", "fs", "fb")})
    except ValueError:  # a parameter the data do not constrain: no errors
        pass
    if not significant:
        return out
    noise = max(float(fit.chi2_dof), 1.0)
    if options.parallax != "off" and coordinates and float(np.median(fit.time)) >= FULL_DATE_MIN:
        out.update(_parallax_columns(fit, coordinates, noise, keep_all=options.parallax == "on"))
    if options.finite_source == "auto":
        out.update(_finite_source_columns(fit, options))
    return out


def _parallax_columns(fit: PSPLFit, coordinates: str, noise: float, keep_all: bool) -> dict[str, Any]:
    static = replace(fit, t0=fit.t0 - REDUCED_OFFSET, time=fit.time - REDUCED_OFFSET)
    result = fit_parallax(static.time, fit.flux, fit.flux_err, coordinates, static=static)
    if result.status != "ok":
        return {}
    dchi2 = (result.chi2_static - result.chi2) / noise
    return {
        "parallax": bool(keep_all or dchi2 >= MIN_DCHI2),
        "pi_EN": result.pi_EN,
        "pi_EE": result.pi_EE,
        "pi_EN_err": result.pi_EN_err * float(np.sqrt(noise)),
        "pi_EE_err": result.pi_EE_err * float(np.sqrt(noise)),
        "u0_sign": 1 if result.u0 >= 0 else -1,
        "dchi2_u0_sign": result.chi2_other_sign - result.chi2,
        "dchi2_parallax": dchi2,
    }


def _finite_source_columns(fit: PSPLFit, options: PSPLOptions) -> dict[str, Any]:
    choice = fit_single_lens(
        fit.time,
        fit.flux,
        fit.flux_err,
        ModelChoiceOptions(min_dchi2=MIN_DCHI2, fspl=FSPLOptions(pspl=options)),
    )
    if choice.fspl is None or not choice.fspl.ok:
        return {}
    return {
        "finite_source": choice.model == "fspl",
        "rho": choice.fspl.rho,
        "rho_err": choice.fspl.rho_err,
        "dchi2_fspl": choice.dchi2,
    }


def coordinates_of(ra: float | None, dec: float | None) -> str | None:
    """``"hh:mm:ss.ss +dd:mm:ss.s"`` of a position in degrees (ICRS), None when either is missing."""
    try:
        ra, dec = float(ra), float(dec)
    except (TypeError, ValueError):
        return None
    if not (np.isfinite(ra) and np.isfinite(dec)):
        return None
    return SkyCoord(ra * u.deg, dec * u.deg).to_string("hmsdms", sep=":", precision=2)


def parse_coordinates(text: str) -> str:
    """Coordinates given as ``"RA DEC"`` in degrees or sexagesimal (``"18:08:38.26 -30:03:38.7"``,
    hours and degrees) as :func:`coordinates_of` writes them.

    Raises
    ------
    ValueError
        If ``text`` is not two coordinates.
    """
    parts = text.replace(",", " ").split()
    try:
        if len(parts) == 2 and ":" not in text and "h" not in text:
            return coordinates_of(float(parts[0]), float(parts[1])) or ""
        position = SkyCoord(text, unit=(u.hourangle, u.deg))
    except ValueError as exc:
        raise ValueError(f"coordinates {text!r}: give 'RA DEC' in degrees or as hh:mm:ss +dd:mm:ss") from exc
    return position.to_string("hmsdms", sep=":", precision=2)
