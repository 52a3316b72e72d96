"""Curvature errors of the PSPL fit against a brute-force chi-square profile on a real OGLE event."""

from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import brentq, minimize

from lcpipe.microlensing.photometry import mags_to_fit_flux
from lcpipe.microlensing.pspl import fit_pspl, pspl_magnification
from lcpipe.microlensing.uncertainty import pspl_jacobian, pspl_uncertainties

OGLE = Path(__file__).parent / "data" / "ogle"


@pytest.fixture(scope="module")
def event():
    time, mag, mag_err = np.loadtxt(OGLE / "phot_ob08092_O4.dat", usecols=(0, 1, 2), unpack=True)
    flux, flux_err = mags_to_fit_flux(mag, mag_err)
    fit = fit_pspl(time, flux, flux_err)
    assert fit.ok
    return fit


def _chi2(fit, t0, tE, u0):
    """Chi-square with fs, fb solved by weighted least squares (the brute-force reference)."""
    a = pspl_magnification(fit.time, t0, tE, u0)
    w = 1.0 / fit.flux_err**2
    design = np.column_stack([a, np.ones_like(a)]) * np.sqrt(w)[:, None]
    coef = np.linalg.lstsq(design, fit.flux * np.sqrt(w), rcond=None)[0]
    return float(np.sum(w * (fit.flux - coef[0] * a - coef[1]) ** 2))


def _profile(fit, name, value):
    """Chi-square minimised over the other two nonlinear parameters with ``name`` fixed."""
    free = [p for p in ("t0", "tE", "u0") if p != name]
    start = np.array([getattr(fit, p) for p in free])

    def f(x):
        params = dict(zip(free, x, strict=True))
        params[name] = value
        return _chi2(fit, params["t0"], params["tE"], abs(params["u0"]))

    return minimize(f, start, method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-6}).fun


@pytest.mark.parametrize("name", ["t0", "tE", "u0"])
def test_curvature_error_matches_the_profile(event, name):
    sigma = pspl_uncertainties(event, rescale=False).sigma[name]
    best = getattr(event, name)
    floor = _profile(event, name, best)
    assert floor == pytest.approx(event.chi2, rel=1e-6)

    def excess(v):
        return _profile(event, name, v) - floor - 1.0

    upper = brentq(excess, best, best + 5 * sigma, xtol=1e-4 * sigma)
    lower = brentq(excess, best - 5 * sigma, best, xtol=1e-4 * sigma)
    assert 0.5 * (upper - lower) == pytest.approx(sigma, rel=0.1)  # delta chi2 = 1 half-width


def test_jacobian_matches_finite_differences(event):
    jac = pspl_jacobian(event)
    for k, (name, h) in enumerate((("t0", 1e-4), ("tE", 1e-4), ("u0", 1e-6))):
        up = {p: getattr(event, p) for p in ("t0", "tE", "u0")}
        down = dict(up)
        up[name] += h
        down[name] -= h
        numeric = (
            event.fs
            * (
                pspl_magnification(event.time, up["t0"], up["tE"], up["u0"])
                - pspl_magnification(event.time, down["t0"], down["tE"], down["u0"])
            )
            / (2 * h)
        )
        np.testing.assert_allclose(jac[:, k], numeric, rtol=1e-5, atol=1e-8 * np.abs(numeric).max())


def test_rescaling_multiplies_by_root_chi2_dof(event):
    raw = pspl_uncertainties(event, rescale=False)
    scaled = pspl_uncertainties(event)
    factor = max(np.sqrt(event.chi2_dof), 1.0)
    assert scaled.scale == pytest.approx(factor)
    assert scaled.sigma["tE"] == pytest.approx(raw.sigma["tE"] * factor)
    assert set(scaled.to_row()) == {f"pspl_sigma_{k}" for k in ("t0", "tE", "u0", "fs", "fb")}


def test_failed_fit_has_no_uncertainties():
    fit = fit_pspl(np.arange(3.0), np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="failed fit"):
        pspl_uncertainties(fit)
