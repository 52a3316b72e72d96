"""PSPL fit: recovery of simulated events, bad inputs, result helpers, photometry helpers."""

import json

import numpy as np
import pytest

from lcpipe.microlensing.coarse import CoarseOptions
from lcpipe.microlensing.photometry import mags_to_fit_flux, rescale_errors
from lcpipe.microlensing.pspl import PSPLOptions, fit_pspl, pspl_magnification


def _simulate(seed, t0=1230.0, te=25.0, u0=0.15, fs=3.0, fb=1.0, n=1500, span=(1000.0, 1500.0), sigma=0.02):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(*span, n))
    t = t[(t % 100) < 70]  # seasonal gaps
    err = np.full(t.size, sigma) * rng.uniform(0.8, 1.2, t.size)
    flux = fs * pspl_magnification(t, t0, te, u0) + fb + rng.normal(0, 1, t.size) * err
    return t, flux, err


@pytest.mark.parametrize(
    ("seed", "t0", "te", "u0", "fb", "sigma"),
    [
        (0, 1230.0, 25.0, 0.15, 1.0, 0.02),
        (1, 1111.0, 4.0, 0.6, 0.0, 0.002),  # large u0: blending degeneracy, needs precise data
        (2, 1380.0, 60.0, 0.03, 5.0, 0.02),
        (3, 1240.0, 1.2, 0.3, 2.0, 0.02),
    ],
)
def test_recovers_simulated_event(seed, t0, te, u0, fb, sigma):
    t, flux, err = _simulate(seed, t0=t0, te=te, u0=u0, fb=fb, sigma=sigma)
    fit = fit_pspl(t, flux, err)
    assert fit.status == "ok"
    assert fit.converged
    assert fit.t0 == pytest.approx(t0, abs=0.02 * te)
    assert fit.tE == pytest.approx(te, rel=0.05)
    assert fit.u0 == pytest.approx(u0, rel=0.05)
    assert fit.fs == pytest.approx(3.0, rel=0.05)
    assert fit.chi2_dof == pytest.approx(1.0, abs=5 * np.sqrt(2 / fit.dof))
    # the truth is not a better fit than the optimum found
    truth = np.sum(((flux - 3.0 * pspl_magnification(t, t0, te, u0) - fb) / err) ** 2)
    assert fit.chi2 <= truth


def test_explicit_start_and_sign_of_u0():
    t, flux, err = _simulate(5)
    auto = fit_pspl(t, flux, err)
    started = fit_pspl(t, flux, err, p0=(1231.0, 20.0, -0.2))
    assert started.u0 > 0
    assert started.chi2 == pytest.approx(auto.chi2, abs=1e-4)
    with pytest.raises(ValueError, match="p0"):
        fit_pspl(t, flux, err, p0=(1231.0, -1.0, 0.2))


def test_input_order_does_not_matter_and_nonfinite_points_are_dropped():
    t, flux, err = _simulate(6)
    fit = fit_pspl(t, flux, err)
    rng = np.random.default_rng(6)
    order = rng.permutation(t.size)
    t2, f2, e2 = t[order].copy(), flux[order].copy(), err[order].copy()
    t2[3], f2[10], e2[20], e2[30] = np.nan, np.inf, 0.0, -1.0
    dropped = fit_pspl(t2, f2, e2)
    assert dropped.status == "ok"
    assert (dropped.n_points, dropped.n_rejected) == (t.size - 4, 4)
    assert np.all(np.isfinite(dropped.residuals))
    assert np.all(np.diff(dropped.time) >= 0)
    assert dropped.t0 == pytest.approx(fit.t0, abs=0.05)


def test_flat_light_curve_gives_finite_insignificant_fit():
    rng = np.random.default_rng(7)
    t = np.sort(rng.uniform(0, 300, 800))
    err = np.full(t.size, 0.01)
    fit = fit_pspl(t, 1.0 + rng.normal(0, 0.01, t.size), err)
    assert fit.status == "ok"
    values = [fit.t0, fit.tE, fit.u0, fit.fs, fit.fb, fit.chi2, fit.chi2_dof, fit.dchi2_const]
    assert np.all(np.isfinite(values))
    assert 0 <= fit.dchi2_const < 25
    assert np.all(np.isfinite(fit.model_flux(np.linspace(-100, 400, 50))))


@pytest.mark.parametrize(
    ("n", "flux_value", "err_value", "status"),
    [(5, None, 0.1, "too_few_points"), (0, None, 0.1, "too_few_points"), (50, 2.0, 0.1, "degenerate")],
)
def test_bad_inputs_give_status(n, flux_value, err_value, status):
    rng = np.random.default_rng(8)
    t = np.arange(n, dtype=float)
    flux = np.full(n, flux_value) if flux_value is not None else rng.normal(1, 0.1, n)
    fit = fit_pspl(t, flux, np.full(n, err_value))
    assert fit.status == status
    assert not fit.ok
    assert np.isnan(fit.chi2)
    assert np.all(np.isnan(fit.model_flux(np.array([1.0, 2.0]))))


def test_all_bad_errors():
    rng = np.random.default_rng(9)
    t = np.arange(40.0)
    err = np.zeros(40)
    err[:3] = 0.1
    fit = fit_pspl(t, rng.normal(1, 0.1, 40), err)
    assert fit.status == "bad_errors"
    assert (fit.n_points, fit.n_rejected) == (3, 37)


def test_mismatched_shapes_raise():
    with pytest.raises(ValueError, match="equal length"):
        fit_pspl(np.arange(10.0), np.ones(9), np.ones(10))


def test_helpers_and_table_row():
    t, flux, err = _simulate(10)
    fit = fit_pspl(t, flux, err)
    np.testing.assert_allclose(fit.model_flux(t), fit.fs * fit.magnification(t) + fit.fb)
    np.testing.assert_allclose(fit.residuals, flux - fit.model_flux(t))
    assert np.sum((fit.residuals / err) ** 2) == pytest.approx(fit.chi2, rel=1e-12)
    d = fit.as_dict()
    assert "time" not in d
    assert json.loads(json.dumps(d))["status"] == "ok"
    row = fit.to_row()
    assert set(row) == {"pspl_" + k for k in d}
    assert all(np.isscalar(v) for v in row.values())
    assert row["pspl_dchi2_const"] == pytest.approx(fit.chi2_const - fit.chi2)
    assert set(fit.to_row(prefix="x_")) == {"x_" + k for k in d}


def test_options_accept_plain_mappings_and_reject_bad_values():
    opts = PSPLOptions(n_starts=2, coarse={"teff_min": 0.5, "u0_grid": [0.2, 1.0]})
    assert opts.coarse == CoarseOptions(teff_min=0.5, u0_grid=(0.2, 1.0))
    t, flux, err = _simulate(11)
    assert fit_pspl(t, flux, err, options=opts).status == "ok"
    with pytest.raises(ValueError, match="tE_min"):
        PSPLOptions(tE_min=10.0, tE_max=1.0)
    with pytest.raises(ValueError, match="u0_grid"):
        CoarseOptions(u0_grid=())


def test_mags_to_fit_flux_zero_point_and_errors():
    flux, flux_err = mags_to_fit_flux(np.array([22.0, 17.0]), np.array([0.1, 0.01]))
    np.testing.assert_allclose(flux, [1.0, 100.0])
    np.testing.assert_allclose(flux_err, 0.4 * np.log(10) * flux * [0.1, 0.01])
    with pytest.raises(ValueError, match="shape"):
        mags_to_fit_flux(np.ones(3), np.ones(2))


def test_rescale_errors_brings_chi2_dof_to_one():
    t, flux, err = _simulate(12)
    under = fit_pspl(t, flux, err / 2.0)  # errors too small by 2: chi2/dof ~ 4
    factor, scaled = rescale_errors(under)
    assert factor == pytest.approx(np.sqrt(under.chi2_dof))
    refit = fit_pspl(t, flux, scaled)
    assert refit.chi2_dof == pytest.approx(1.0, rel=1e-6)
    over = fit_pspl(t, flux, err * 2.0)
    assert rescale_errors(over)[0] == 1.0
    shrink, _ = rescale_errors(over, allow_shrink=True)
    assert shrink == pytest.approx(np.sqrt(over.chi2_dof))
    failed = fit_pspl(np.arange(3.0), np.ones(3), np.ones(3))
    factor, same = rescale_errors(failed)
    assert np.isnan(factor)
    np.testing.assert_array_equal(same, failed.flux_err)


def test_lowest_chi2_of_competing_solutions_is_kept():
    # an event and, far from it, a short burst: two local minima of comparable depth
    t, flux, err = _simulate(13, t0=1300.0, te=20.0, u0=0.3)
    flux = flux.copy()
    burst = np.abs(t - 1050.0) < 1.0
    flux[burst] += 2.0 * np.exp(-0.5 * ((t[burst] - 1050.0) / 0.3) ** 2)
    fit = fit_pspl(t, flux, err)
    at_event = fit_pspl(t, flux, err, p0=(1300.0, 20.0, 0.3))
    at_burst = fit_pspl(t, flux, err, p0=(1050.0, 0.5, 0.5))
    assert at_event.t0 != pytest.approx(at_burst.t0, abs=10.0)  # two distinct minima exist
    assert fit.status == "ok"
    assert fit.chi2 <= min(at_event.chi2, at_burst.chi2) + 1e-6


@pytest.mark.parametrize("scale", [1e-150, 1e150])
def test_extreme_flux_units_give_the_same_fit(scale):
    t, flux, err = _simulate(15)
    ref = fit_pspl(t, flux, err)
    fit = fit_pspl(t, flux * scale, err * scale)
    assert fit.status == "ok"
    assert fit.chi2 == pytest.approx(ref.chi2, rel=1e-9)
    assert fit.tE == pytest.approx(ref.tE, rel=1e-6)
    assert fit.fs == pytest.approx(ref.fs * scale, rel=1e-6)


def _cameras(seed, t, flux, err, offsets_mag, followup_window=None):
    """Survey points split over cameras whose zero points differ by ``offsets_mag`` (flux factors), plus
    an optional follow-up camera (label ``"fu"``, its own offset 0.02 mag) observing only inside
    ``followup_window`` at 10x the cadence."""
    rng = np.random.default_rng(seed)
    camera = rng.integers(0, len(offsets_mag), t.size)
    factor = 10 ** (-0.4 * np.asarray(offsets_mag))[camera]
    labels = np.array([f"c{k}" for k in range(len(offsets_mag))])[camera]
    t, flux, err = t, flux * factor, err * factor
    if followup_window is not None:
        lo, hi = followup_window
        tf = np.sort(rng.uniform(lo, hi, 300))
        ff = (3.0 * pspl_magnification(tf, 1230.0, 25.0, 0.15) + 1.0) * 10 ** (-0.4 * 0.02)
        ef = np.full(tf.size, 0.01)
        t = np.concatenate([t, tf])
        flux = np.concatenate([flux, ff + rng.normal(0, 1, tf.size) * ef])
        err = np.concatenate([err, ef])
        labels = np.concatenate([labels, np.full(tf.size, "fu")])
    return t, flux, err, labels


def test_camera_offsets_get_their_own_blend_flux():
    t, flux, err = _simulate(11)
    t, flux, err, cameras = _cameras(11, t, flux, err, [0.0, 0.04, -0.03], followup_window=(1225.0, 1236.0))
    fit = fit_pspl(t, flux, err, group=cameras)
    assert fit.n_groups == 4
    assert fit.n_own_flux == 4  # every camera has magnified points
    assert fit.dof == fit.n_points - 11
    labels = cameras[np.argsort(t, kind="stable")]  # the fit's points are time-sorted
    label_of_code = [labels[fit.group == k][0] for k in range(fit.n_groups)]
    offset_mag = {"c0": 0.0, "c1": 0.04, "c2": -0.03, "fu": 0.02}
    factor = np.array([10 ** (-0.4 * offset_mag[label]) for label in label_of_code])
    np.testing.assert_allclose(fit.fs_groups / fit.fs, factor / factor[0], rtol=0.01)
    assert fit.t0 == pytest.approx(1230.0, abs=0.02 * 25.0)
    assert fit.tE == pytest.approx(25.0, rel=0.05)
    assert fit.u0 == pytest.approx(0.15, rel=0.05)
    assert fit.chi2_dof == pytest.approx(1.0, abs=5 * np.sqrt(2 / fit.dof))
    # fluxes come back shifted onto the reference camera: the residuals are the fit's
    np.testing.assert_allclose(np.sum((fit.residuals / fit.flux_err) ** 2), fit.chi2, rtol=1e-9)
    mixed = fit_pspl(t, flux, err)  # one source and blend flux for all cameras
    shared = fit_pspl(t, flux, err, group=cameras, options=PSPLOptions(own_flux_min_points=10**9))
    assert shared.n_own_flux == 1
    assert mixed.chi2 > shared.chi2 + 1000 > fit.chi2 + 1000  # offsets, then the factors, matter


def test_camera_offsets_of_a_quiet_star_are_not_an_event():
    rng = np.random.default_rng(12)
    t = np.sort(rng.uniform(1000.0, 2500.0, 2000))
    err = np.full(t.size, 0.01)
    flux = 3.0 + rng.normal(0, 1, t.size) * err
    cameras = np.where(t < 1700.0, "old", "new")  # a camera change halfway, 0.03 mag apart
    flux = np.where(cameras == "new", flux * 10 ** (-0.4 * 0.03), flux)
    single = fit_pspl(t, flux, err)
    grouped = fit_pspl(t, flux, err, group=cameras)
    assert single.dchi2_const > 1000  # the step between cameras fits as a slow bump
    assert grouped.dchi2_const < 30
    assert grouped.fb_groups.shape == (2,)
