"""Dip-branch baselines: the O(N) SHO smoother against dense algebra and celerite2, and each method."""

import celerite2
import numpy as np
import pytest
from celerite2 import terms

from lcpipe.dips.baseline import BaselineOptions, fit_baseline
from lcpipe.kernels.dips_sho import sho_posterior

S0, W0 = 5e-4, np.pi / 1000.0


def _series(seed: int, n: int, span: float = 3000.0):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, span, n))
    t[5] = t[4]  # duplicate time stamp
    err = rng.uniform(0.003, 0.03, n)
    y = 12.0 + 0.02 * np.sin(t / 300.0) + rng.normal(0, err)
    observed = rng.random(n) > 0.2
    return t, y, err, observed


@pytest.mark.parametrize("q", [0.3, 0.5, 0.7, 3.0])
@pytest.mark.parametrize("w0_factor", [1.0, 30.0])
def test_smoother_matches_dense_posterior(q, w0_factor):
    t, y, err, observed = _series(0, 300)
    args = (t, y, err**2, observed, S0, W0 * w0_factor, q, 12.0)
    mean, var = sho_posterior(*args)
    mean_ref, var_ref = sho_posterior(*args, method="slow")
    np.testing.assert_allclose(mean, mean_ref, rtol=0, atol=1e-10)
    np.testing.assert_allclose(var, var_ref, rtol=1e-8)


@pytest.mark.parametrize("q", [0.7, 3.0, 0.3])
def test_smoother_matches_celerite2_exact_variance(q):
    """Same posterior as celerite2's predict(return_var=True), which costs O(N M), at N = 2000."""
    t, y, err, observed = _series(1, 2000)
    w0 = W0 * 20
    gp = celerite2.GaussianProcess(terms.SHOTerm(S0=S0, w0=w0, Q=q), mean=12.0)
    gp.compute(t[observed], yerr=err[observed])
    mean_ref, var_ref = gp.predict(y[observed], t=t, return_var=True)
    mean, var = sho_posterior(t, y, err**2, observed, S0, w0, q, 12.0)
    np.testing.assert_allclose(mean, mean_ref, rtol=0, atol=1e-10)
    np.testing.assert_allclose(var, var_ref, rtol=1e-8)


def test_smoother_rejects_bad_parameters():
    t = np.arange(3.0)
    with pytest.raises(ValueError, match="positive"):
        sho_posterior(t, t, np.ones(3), np.ones(3, bool), S0, -1.0, 0.7)
    with pytest.raises(ValueError, match="same length"):
        sho_posterior(t, t[:2], np.ones(3), np.ones(3, bool), S0, W0, 0.7)


def _two_cameras(seed=3, n=400):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, 2000, n))
    cam = np.where(rng.random(n) < 0.5, "a", "b")
    err = np.full(n, 0.01)
    mag = 13.0 + np.where(cam == "a", 0.0, 0.05) + rng.normal(0, 0.02, n)
    return t, mag, err, cam


def test_gp_baseline_follows_each_camera_and_builds_sigma_eff():
    t, mag, err, cam = _two_cameras(n=4000)
    base = fit_baseline(t, mag, err, cam, BaselineOptions())
    for c, level in (("a", 13.0), ("b", 13.05)):
        assert abs(np.median(base.mag[cam == c]) - level) < 0.005
        # floor: true scatter 0.02 over quoted 0.01 -> sqrt(0.02^2 - 0.01^2) = 0.0173
        assert base.floor[cam == c][0] == pytest.approx(np.sqrt(0.02**2 - 0.01**2), rel=0.08)
    np.testing.assert_allclose(base.sigma_eff**2, err**2 + base.floor**2 + base.var, rtol=1e-12)
    assert np.all(base.var > 0)
    assert base.n_fallback_groups == 0


@pytest.mark.parametrize("solver", ["statespace", "celerite2"])
def test_gp_mean_is_celerite2_conditional_mean(solver):
    t, mag, err, cam = _two_cameras(n=200)
    sel = cam == "a"
    base = fit_baseline(t[sel], mag[sel], err[sel], cam[sel], BaselineOptions(gp_solver=solver))
    gp = celerite2.GaussianProcess(terms.SHOTerm(S0=S0, w0=W0, Q=0.7), mean=float(np.median(mag[sel])))
    gp.compute(t[sel], yerr=err[sel])
    np.testing.assert_allclose(base.mag, gp.predict(mag[sel]), rtol=0, atol=1e-10)


def test_masked_gp_flags_dip_with_padding():
    rng = np.random.default_rng(4)
    t = np.arange(0.0, 1000.0, 1.0)
    mag = 12.0 + rng.normal(0, 0.01, t.size)
    dip = (t >= 500) & (t < 510)
    mag[dip] += 0.5
    opts = BaselineOptions(method="gp_masked", mask_pad_days=5.0, sho_w0=np.pi / 50)
    base = fit_baseline(t, mag, np.full(t.size, 0.01), np.full(t.size, "a"), opts)
    assert base.masked[dip].all()
    assert base.masked[(t >= 495) & (t < 515)].all()
    assert base.masked.mean() < 0.1  # besides the dip only the few 3-sigma noise points and their pads
    assert np.max(np.abs(base.mag[dip] - 12.0)) < 0.02  # the masked fit does not follow the dip
    plain = fit_baseline(
        t, mag, np.full(t.size, 0.01), np.full(t.size, "a"), BaselineOptions(sho_w0=np.pi / 50)
    )
    assert np.max(plain.mag[dip] - 12.0) > np.max(base.mag[dip] - 12.0)


def test_median_baselines():
    t = np.linspace(0, 1000, 1001)
    mag = 12.0 + 1e-3 * t
    err = np.full(t.size, 0.01)
    cam = np.full(t.size, "a")
    rolling = fit_baseline(t, mag, err, cam, BaselineOptions(method="rolling_median", rolling_window_days=20))
    np.testing.assert_allclose(rolling.mag[20:-20], mag[20:-20], atol=1e-3)  # half-open window: 0.5 d shift
    flat = fit_baseline(t, mag, err, cam, BaselineOptions(method="global_median"))
    np.testing.assert_allclose(flat.mag, 12.5)


def test_small_camera_falls_back_to_its_median_with_pooled_floor():
    t, mag, err, cam = _two_cameras()
    t = np.append(t, [10.0, 20.0, 30.0])
    mag = np.append(mag, [14.0, 14.1, 14.2])
    err = np.append(err, [0.01] * 3)
    cam = np.append(cam, ["tiny"] * 3)
    one = fit_baseline(t[:-2], mag[:-2], err[:-2], cam[:-2], BaselineOptions())
    assert one.n_fallback_groups == 1
    assert one.mag[-1] == 14.0
    assert np.isfinite(one.sigma_eff).all()
    three = fit_baseline(t, mag, err, cam, BaselineOptions())
    np.testing.assert_allclose(three.mag[-3:], 14.1)
    assert np.all(three.sigma_eff[-3:] > 0.01)


def test_options_validate():
    with pytest.raises(ValueError, match="method"):
        BaselineOptions(method="spline")
