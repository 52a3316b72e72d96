"""LTV features on synthetic light curves with camera and band offsets."""

import numpy as np
import pytest

from lcpipe.lightcurve import make_lightcurve
from lcpipe.ltv.changepoint import best_step
from lcpipe.ltv.features import LTVOptions, ltv_features
from lcpipe.ltv.iar import iar_coefficient
from lcpipe.ltv.offsets import offset_groups
from lcpipe.ltv.seasons import largest_difference, season_index, season_medians
from lcpipe.ltv.selection import select
from lcpipe.ltv.trend import design_matrix, fit_trend
from lcpipe.simulate.long_term import damped_random_walk

SPAN = 2800.0


def seasonal_times(rng, n_cameras=3, start=0.0):
    """Visits every ~2.5 days in 8-month seasons, per camera (the later cameras start mid-survey)."""
    t, cam = [], []
    for k in range(n_cameras):
        first = start + (0.0 if k < 2 else 0.55 * SPAN)
        nights = np.arange(first, SPAN)
        in_season = np.mod(nights, 365.25) < 240.0
        keep = in_season & (rng.random(nights.size) < 0.4)
        t.append(nights[keep] + rng.uniform(-0.1, 0.1, keep.sum()))
        cam.append(np.full(keep.sum(), f"c{k}"))
    t, cam = np.concatenate(t), np.concatenate(cam)
    return t, cam


def light_curve(signal, seed=1, offsets=(0.0, 0.04, -0.03), sigma=0.015):
    rng = np.random.default_rng(seed)
    t, cam = seasonal_times(rng, len(offsets))
    band = np.where(cam == f"c{len(offsets) - 1}", "g", "V")
    zero = np.array([offsets[int(c[1:])] for c in cam]) + np.where(band == "g", 0.5, 0.0)
    mag = 12.0 + zero + signal(t) + rng.normal(0.0, sigma, t.size)
    return make_lightcurve(t + 2456000.0, mag=mag, mag_err=np.full(t.size, sigma), camera=cam, band=band)


def test_offset_groups_are_dataset_and_band_in_order_of_appearance():
    lc = make_lightcurve(
        np.arange(4.0), mag=np.zeros(4), camera=["b", "a", "b", "a"], band=["V", "V", "g", "V"]
    )
    labels, group = offset_groups(lc)
    assert labels == ["b/V", "a/V", "b/g"]
    np.testing.assert_array_equal(group, [0, 1, 2, 1])


def test_joint_fit_recovers_offsets_and_slope():
    rng = np.random.default_rng(3)
    x = rng.uniform(-4, 4, 600)
    group = (x > 0).astype(int) + (rng.random(600) < 0.5)  # groups 0..2, overlapping in time
    err = np.full(600, 0.01)
    mag = np.array([0.0, 0.2, -0.1])[group] + 0.03 * x + rng.normal(0, 0.01, 600)
    fit = fit_trend(x, mag, err, group, 3, 1)
    assert fit.coefficients[0] == pytest.approx(0.03, abs=5 * np.sqrt(fit.covariance[0, 0]))
    np.testing.assert_allclose(fit.offsets, [0.0, 0.2, -0.1], atol=5 * fit.offset_errors.max())


def test_a_quiet_star_with_camera_offsets_has_no_trend():
    features = ltv_features(light_curve(lambda t: 0.0 * t), LTVOptions())
    assert features["status"] == "ok"
    assert features["n_groups"] == 3
    assert abs(features["slope"]) < 5 * features["slope_err"]
    assert features["season_diff"] < 0.02
    flags = select(features, LTVOptions().selection)
    assert not flags["ltv_candidate"]
    assert flags["ltv_reason"] == "quiet"


def test_offsets_alone_would_fake_a_trend_but_the_joint_fit_does_not():
    # The g camera (offset +0.5 mag) starts mid-survey: one common zero point would see a fade.
    lc = light_curve(lambda t: 0.0 * t)
    x = (lc.time - np.median(lc.time)) / 365.25
    naive = fit_trend(x, lc.mag, lc.mag_err, np.zeros(len(lc), dtype=int), 1, 1)
    assert naive.coefficients[0] > 0.02  # above the 0.01 mag/yr selection threshold
    assert abs(ltv_features(lc, LTVOptions())["slope"]) < 0.002


@pytest.mark.parametrize("slope", [-0.03, 0.02])
def test_a_linear_trend_is_measured_and_selected(slope):
    features = ltv_features(light_curve(lambda t: slope * (t - 1400.0) / 365.25), LTVOptions())
    assert features["slope"] == pytest.approx(slope, abs=0.002)
    flags = select(features, LTVOptions().selection)
    assert flags["pass_slope"]
    assert "slope" in flags["ltv_reason"]
    assert abs(features["step"]) < 0.05


def test_a_state_change_is_found_at_its_time():
    features = ltv_features(light_curve(lambda t: np.where(t > 1100.0, 0.3, 0.0)), LTVOptions())
    assert features["step"] == pytest.approx(0.3, abs=0.05) or features["step"] > 0.1
    assert abs(features["step_time"] - 2456000.0 - 1100.0) < 130.0
    flags = select(features, LTVOptions().selection)
    assert flags["pass_state_change"]
    assert flags["pass_season_diff"]


def test_best_step_matches_a_direct_fit():
    rng = np.random.default_rng(5)
    t = np.sort(rng.uniform(0, 10, 80))
    group = (rng.random(80) < 0.5).astype(int)
    err = rng.uniform(0.01, 0.02, 80)
    y = np.where(t > 6.0, 0.1, 0.0) + 0.05 * group + rng.normal(0, err)
    x = t - 5.0
    design = design_matrix(x, group, 2, 1)
    fit = fit_trend(x, y, err, group, 2, 1)
    step = best_step(t, design, fit.residuals, err, 5)
    after = t > step.time
    full = np.column_stack([design, after.astype(float)])
    w = 1.0 / err**2
    params = np.linalg.solve(full.T @ (full * w[:, None]), full.T @ (w * y))
    chi2_with = np.sum(w * (y - full @ params) ** 2)
    assert step.step == pytest.approx(params[-1], rel=1e-8)
    assert step.delta_chi2 == pytest.approx(fit.chi2 - chi2_with, rel=1e-8)


def test_seasons_start_after_gaps_and_give_robust_medians():
    t = np.array([0.0, 1.0, 2.0, 100.0, 101.0, 102.0, 103.0])
    season = season_index(t, 60.0)
    np.testing.assert_array_equal(season, [0, 0, 0, 1, 1, 1, 1])
    mag = np.array([1.0, 1.0, 9.0, 2.0, 2.0, 2.0, 2.1])
    seasons = season_medians(t, mag, np.full(7, 0.01), season, 3)
    np.testing.assert_allclose(seasons.median, [1.0, 2.0])
    diff = largest_difference(seasons)
    assert diff.difference == pytest.approx(1.0)
    assert diff.time_bright == pytest.approx(1.0)


def test_iar_tells_red_from_white_noise():
    rng = np.random.default_rng(2)
    t = np.sort(rng.uniform(0, 3000, 300))
    red = damped_random_walk(rng, t, 0.1, 300.0)
    white = rng.normal(0, 0.1, 300)
    err = np.full(300, 0.005)
    assert iar_coefficient(t, red, err) > 0.95
    assert iar_coefficient(t, white, err) < 0.5


def test_a_drw_variable_has_red_noise_features():
    rng = np.random.default_rng(9)
    lc0 = light_curve(lambda t: 0.0 * t)
    drw = damped_random_walk(rng, lc0.time, 0.1, 200.0)
    lc = make_lightcurve(lc0.time, mag=lc0.mag + drw, mag_err=lc0.mag_err, camera=lc0.camera, band=lc0.band)
    features = ltv_features(lc, LTVOptions())
    assert features["drw_sigma"] == pytest.approx(0.1, rel=0.5)
    assert 50.0 < features["drw_tau"] < 1000.0
    assert features["drw_delta_loglike"] > 50.0
    assert features["sf_slope"] > 0.05  # flattens beyond tau = 200 d
    quiet = ltv_features(lc0, LTVOptions())
    assert quiet["drw_delta_loglike"] < 10.0
    assert not quiet["sf_slope"] > 0.05  # no excess over the errors: NaN


def test_slow_periodic_modulation_is_the_detrended_peak():
    features = ltv_features(light_curve(lambda t: 0.1 * np.sin(2 * np.pi * t / 500.0)), LTVOptions())
    assert features["ls_detrended_period"] == pytest.approx(500.0, rel=0.05)
    assert features["ls_detrended_fap"] < 1e-6


def test_short_or_sparse_curves_get_a_status():
    lc = make_lightcurve(np.arange(10.0), mag=np.zeros(10), mag_err=np.full(10, 0.01))
    assert ltv_features(lc, LTVOptions())["status"] == "too_few_points"
    lc = make_lightcurve(np.arange(100.0), mag=np.zeros(100), mag_err=np.full(100, 0.01))
    assert ltv_features(lc, LTVOptions())["status"] == "too_short"
    assert select({"status": "too_short"}, LTVOptions().selection)["ltv_reason"] == "status:too_short"


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="sf_log_lag_range"):
        LTVOptions(sf_log_lag_range=(2.0, 1.0))
    with pytest.raises(ValueError, match="must be > 0"):
        LTVOptions(bin_days=0.0)
