"""FSPL fit with VBMicrolensing's finite-source magnification."""

import numpy as np
import pytest
import VBMicrolensing

from lcpipe.microlensing.fspl import FSPLOptions, fit_fspl, fspl_magnification
from lcpipe.microlensing.pspl import fit_pspl, pspl_magnification


def _fspl_event(seed, u0, rho, n=2000):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0.0, 40.0, n))
    model = 2.0 * fspl_magnification(t, 20.0, 5.0, u0, rho) + 1.0
    err = 0.01 * np.sqrt(model)
    return t, model + rng.normal(0, 1, n) * err, err


@pytest.mark.parametrize("rho", [1e-4, 1e-3, 0.05, 0.5])
def test_magnification_matches_vbmicrolensing_everywhere(rho):
    vbm = VBMicrolensing.VBMicrolensing()
    u = rho * np.geomspace(0.01, 3000.0, 80)  # both sides of the quadrupole cut at 30 rho
    ours = fspl_magnification(u, 0.0, 1.0, 0.0, rho)  # t = u with tE = 1, u0 = 0
    reference = np.array([vbm.ESPLMag2(float(x), rho) for x in u])
    np.testing.assert_allclose(ours, reference, rtol=5e-6)  # VBMicrolensing's table precision


@pytest.mark.parametrize(
    ("rho", "u_over_rho", "rtol"),
    [
        (0.01, 3.0, 1e-5),  # VBMicrolensing branch: its table interpolation is good to ~4e-6
        (0.01, 10.0, 1e-5),
        (0.01, 31.0, 1e-7),  # quadrupole branch, just past the cut: truncation ~0.05 (rho/u)**4
        (0.002, 600.0, 1e-9),
    ],
)
def test_magnification_is_the_disk_average_of_pspl(rho, u_over_rho, rtol):
    # independent reference: Gauss-Legendre in radius x uniform (spectral) in angle over the disk
    r_nodes, r_weights = np.polynomial.legendre.leggauss(64)
    r = 0.5 * rho * (r_nodes + 1.0)
    phi = np.linspace(0.0, 2.0 * np.pi, 256, endpoint=False)
    u = rho * u_over_rho
    x = u + r[:, None] * np.cos(phi)
    y = r[:, None] * np.sin(phi)
    point = pspl_magnification(np.hypot(x, y).ravel(), 0.0, 1.0, 0.0).reshape(x.shape)
    disk = np.sum(0.5 * rho * r_weights * r * point.mean(axis=1)) * 2.0 * np.pi / (np.pi * rho**2)
    ours = fspl_magnification(np.array([u]), 0.0, 1.0, 0.0, rho)[0]
    assert ours == pytest.approx(disk, rel=rtol)


def test_small_rho_is_point_source():
    t = np.linspace(-5.0, 5.0, 301)
    np.testing.assert_allclose(
        fspl_magnification(t, 0.3, 2.0, 0.05, 1e-5), pspl_magnification(t, 0.3, 2.0, 0.05), rtol=1e-6
    )


def test_pspl_event_reproduces_pspl_chi2():
    rng = np.random.default_rng(3)
    t = np.sort(rng.uniform(0.0, 60.0, 1500))
    model = 2.0 * pspl_magnification(t, 30.0, 6.0, 0.2) + 0.5
    err = np.full(t.size, 0.01)
    flux = model + rng.normal(0, 1, t.size) * err
    pspl = fit_pspl(t, flux, err)
    fspl = fit_fspl(t, flux, err)
    assert fspl.status == "ok"
    assert fspl.chi2_pspl == pytest.approx(pspl.chi2)
    assert -1e-6 <= fspl.dchi2_pspl < 10.0  # one more parameter: no real improvement
    # the FSPL model at the PSPL solution with a tiny source has the PSPL chi2
    mag = fspl_magnification(t, pspl.t0, pspl.tE, pspl.u0, 1e-5)
    chi2 = np.sum(((flux - pspl.fs * mag - pspl.fb) / err) ** 2)
    assert chi2 == pytest.approx(pspl.chi2, abs=1e-3)


def test_recovers_finite_source_event():
    t, flux, err = _fspl_event(1, u0=0.005, rho=0.02)
    fit = fit_fspl(t, flux, err)
    assert fit.status == "ok"
    assert fit.converged
    assert fit.rho == pytest.approx(0.02, rel=0.02)
    assert fit.u0 == pytest.approx(0.005, abs=0.002)
    assert fit.tE == pytest.approx(5.0, rel=0.02)
    assert fit.chi2_dof == pytest.approx(1.0, abs=0.1)
    assert fit.dchi2_pspl > 1e4
    assert fit.dof == fit.n_points - 6
    np.testing.assert_allclose(fit.residuals, flux - fit.model_flux(t))
    row = fit.to_row()
    assert row["fspl_rho"] == fit.rho
    assert "fspl_time" not in row


def test_explicit_start_and_bad_inputs():
    t, flux, err = _fspl_event(2, u0=0.01, rho=0.03, n=600)
    fit = fit_fspl(t, flux, err, p0=(20.0, 5.2, 0.02, 0.025))
    assert fit.rho == pytest.approx(0.03, rel=0.05)
    with pytest.raises(ValueError, match="p0"):
        fit_fspl(t, flux, err, p0=(20.0, 5.0, 0.01, -0.1))
    few = fit_fspl(t[:6], flux[:6], err[:6])
    assert few.status == "too_few_points"
    assert np.isnan(few.rho)
    flat = fit_fspl(t, np.ones(t.size), err)
    assert flat.status == "degenerate"
    with pytest.raises(ValueError, match="rho_starts"):
        FSPLOptions(rho_starts=(100.0,))
